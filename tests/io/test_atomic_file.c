// SPDX-License-Identifier: MIT
/*
 * nb_atomic_write, nb_atomic_check, nb_atomic_cleanup (nestbench/atomic_file.h):
 * the content and mode 0644 whatever the umask, the old file replaced whole,
 * a folder and a missing folder refused with the path, a symbolic link
 * followed (the link stays), /dev/full's ENOSPC reported, /dev/null written
 * in place, no temporary left, and only a dead process's own temporaries
 * cleaned up. (The full-disk case on a real filesystem: cli/test_full_disk.)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nb_test.h"
#include "nestbench/atomic_file.h"

static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

int main(void)
{
	char why[600], buf[64];
	struct stat st;
	mode_t old = umask(077);

	CHECK_EQ(nb_atomic_write("a.json", "{\"v\": 1}\n", 9, why, sizeof(why)), 0, "%s", why);
	umask(old);
	slurp("a.json", buf, sizeof(buf));
	CHECK(strcmp(buf, "{\"v\": 1}\n") == 0, "content: '%s'", buf);
	CHECK(stat("a.json", &st) == 0 && (st.st_mode & 0777) == 0644, "mode %o under umask 077, want 644",
	      (unsigned)(st.st_mode & 0777));
	CHECK_EQ(nb_atomic_write("a.json", "new", 3, why, sizeof(why)), 0, "%s", why);
	slurp("a.json", buf, sizeof(buf));
	CHECK(strcmp(buf, "new") == 0, "replaced whole: '%s'", buf);

	mkdir("adir", 0755);
	CHECK_EQ(nb_atomic_write("adir", "x", 1, why, sizeof(why)), -EISDIR, "a folder");
	CHECK(strstr(why, "adir: is a folder") != NULL, "names it: %s", why);
	CHECK_EQ(nb_atomic_write("nodir/x.json", "x", 1, why, sizeof(why)), -ENOENT, "a missing folder");
	CHECK(strstr(why, "nodir/x.json: cannot create a file in its folder") != NULL, "names it: %s", why);
	CHECK(nb_atomic_check("nodir/x.json", why, sizeof(why)) == -ENOENT, "check: a missing folder");
	CHECK(nb_atomic_check("a.json", why, sizeof(why)) == 0, "check: %s", why);

	unlink("link.json");
	CHECK(symlink("a.json", "link.json") == 0, "symlink");
	CHECK_EQ(nb_atomic_write("link.json", "via link", 8, why, sizeof(why)), 0, "%s", why);
	slurp("a.json", buf, sizeof(buf));
	CHECK(strcmp(buf, "via link") == 0 && lstat("link.json", &st) == 0 && S_ISLNK(st.st_mode),
	      "a symbolic link: its target replaced ('%s'), the link kept", buf);

	CHECK_EQ(nb_atomic_write("/dev/full", "x", 1, why, sizeof(why)), -ENOSPC, "/dev/full");
	CHECK(strstr(why, "/dev/full: write: No space left on device") != NULL, "says: %s", why);
	CHECK(stat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode), "/dev/full is still the device");
	CHECK_EQ(nb_atomic_write("/dev/null", "x", 1, why, sizeof(why)), 0, "/dev/null: %s", why);

	/* a dead process's temporaries: PATH.tmp.PID (older shims) and PATH.tmp.PID.SEQ */
	fclose(fopen("a.json.tmp.999999", "w"));
	fclose(fopen("a.json.tmp.999999.3", "w"));
	fclose(fopen("a.json.tmp.9999990", "w"));
	CHECK_EQ(nb_atomic_cleanup("a.json", 999999), 2, "two temporaries of pid 999999");
	CHECK(!exists("a.json.tmp.999999") && !exists("a.json.tmp.999999.3") && exists("a.json.tmp.9999990"),
	      "only pid 999999's");
	unlink("a.json.tmp.9999990");
	CHECK(system("ls | grep -q '\\.tmp\\.'") != 0, "no temporary file left");
	unlink("link.json");
	unlink("a.json");
	rmdir("adir");
	return nbt_done("test_atomic_file");
}
