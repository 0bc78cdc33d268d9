// SPDX-License-Identifier: MIT
/* The results folder of `nestbench run` (run_dir.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nestbench/atomic_file.h"
#include "nestbench/nb.h"
#include "run_dir.h"

/* Every folder of path, as mkdir -p; an existing one is fine. */
static int mkdir_parents(const char *path, bool last_too)
{
	char buf[1200];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return nb_fail(ENAMETOOLONG, "%s: path too long", path);
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return nb_fail(errno, "cannot create %s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (last_too && mkdir(buf, 0755) && errno != EEXIST)
		return nb_fail(errno, "cannot create %s: %s", buf, strerror(errno));
	return 0;
}

/* A new folder base/stem, or base/stem-N if that exists: never one another
 * run is writing into. */
static int create_fresh(const char *base, const char *stem, char *dir, size_t len)
{
	int ret = mkdir_parents(base, true);

	for (int k = 1; !ret && k < 1000; k++) {
		int n = k == 1 ? snprintf(dir, len, "%s/%s", base, stem)
			       : snprintf(dir, len, "%s/%s-%d", base, stem, k);

		if (n < 0 || (size_t)n >= len)
			return nb_fail(ENAMETOOLONG, "%s/%s: path too long", base, stem);
		if (mkdir(dir, 0755) == 0)
			return 0;
		if (errno != EEXIST)
			return nb_fail(errno, "cannot create %s: %s", dir, strerror(errno));
	}
	return ret ? ret : nb_fail(EEXIST, "%s/%s: 999 runs of that name already", base, stem);
}

/* Held until exit: a second run on the same folder is refused. */
static int lock_folder(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return nb_fail(errno, "cannot open %s: %s", dir, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int e = errno;

		close(fd);
		return e == EWOULDBLOCK
			       ? nb_fail(EBUSY, "%s is the results folder of another nestbench run now", dir)
			       : nb_fail(e, "cannot lock %s: %s", dir, strerror(e));
	}
	return 0; /* fd stays open: the lock is the process's */
}

static int check_publish(const char *dir, const char *name)
{
	char path[1300], why[600];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return nb_fail(ENAMETOOLONG, "%s/%s: path too long", dir, name);
	if (nb_atomic_check(path, why, sizeof(why)) == 0)
		return 0;
	return nb_fail(EACCES, "cannot write results into %s: %s", dir, why);
}

int run_dir_open(const char *out, const char *base, const char *stem, char *dir, size_t len)
{
	char raw[1300];
	int ret;

	if (out) {
		if (strlen(out) >= len)
			return nb_fail(ENAMETOOLONG, "--out: path too long");
		memcpy(dir, out, strlen(out) + 1);
		ret = mkdir_parents(dir, true);
	} else {
		ret = create_fresh(base, stem, dir, len);
	}
	if (ret)
		return ret;
	if ((size_t)snprintf(raw, sizeof(raw), "%s/raw", dir) >= sizeof(raw))
		return nb_fail(ENAMETOOLONG, "%s/raw: path too long", dir);
	if (mkdir(raw, 0755) && errno != EEXIST)
		return nb_fail(errno, "cannot create %s: %s", raw, strerror(errno));
	if ((ret = lock_folder(dir)) || (ret = check_publish(dir, "run.json")) ||
	    (ret = check_publish(dir, "raw/run-probe.json")))
		return ret;
	return 0;
}

int run_dir_publish(const char *dir, const char *name, void (*emit)(FILE *f, const void *arg),
		    const void *arg)
{
	char path[1300], why[600];
	int ret;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return nb_fail(ENAMETOOLONG, "%s/%s: path too long", dir, name);
	ret = nb_atomic_print(path, emit, arg, why, sizeof(why));
	return ret ? nb_fail(-ret, "%s", why) : 0;
}
