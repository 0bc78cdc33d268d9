// SPDX-License-Identifier: MIT
/* Publishing a result file whole or not at all (see nestbench/atomic_file.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nestbench/atomic_file.h"

#define MODE 0644 /* results are for reading by anyone on the machine */

__attribute__((format(printf, 4, 5))) static int fail(int err, char *why, size_t len,
						       const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return -err;
}

/* Every byte, or the errno of the write that failed (0 for a write of 0). */
static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The folder of path into buf ("." for a bare name). */
static int folder_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 1;

	if (slash == path)
		n = 1; /* "/x": the root */
	if (n >= len)
		return -ENAMETOOLONG;
	memcpy(buf, slash ? path : ".", n);
	buf[n] = '\0';
	return 0;
}

/* The file to publish: path, or the target of the symbolic link path is.
 * *stream: it exists and is not a regular file (written in place). */
static int resolve(const char *path, char *buf, size_t len, int *stream, char *why, size_t whylen)
{
	char real[PATH_MAX];
	struct stat st;

	*stream = 0;
	if (!path || !*path)
		return fail(EINVAL, why, whylen, "(empty file name): not a file name");
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if (!realpath(path, real))
			return fail(errno, why, whylen, "%s: symbolic link to nothing usable: %s", path,
				    strerror(errno));
		path = real;
	}
	if (strlen(path) >= len)
		return fail(ENAMETOOLONG, why, whylen, "%s: path too long", path);
	memmove(buf, path, strlen(path) + 1);
	if (stat(buf, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return fail(EISDIR, why, whylen, "%s: is a folder, not a file", buf);
		*stream = !S_ISREG(st.st_mode);
	}
	return 0;
}

static int temp_name(const char *path, pid_t pid, unsigned seq, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s.tmp.%ld.%u", path, (long)pid, seq);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Create a fresh temporary beside path; its name in tmp. */
static int create_temp(const char *path, char *tmp, size_t len, char *why, size_t whylen)
{
	static atomic_uint seq;

	for (int tries = 0; tries < 64; tries++) {
		int fd;

		if (temp_name(path, getpid(), atomic_fetch_add(&seq, 1), tmp, len))
			return fail(ENAMETOOLONG, why, whylen, "%s: path too long", path);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, MODE);
		if (fd >= 0) {
			if (fchmod(fd, MODE)) { /* the umask took bits away */
				int e = errno;

				close(fd);
				unlink(tmp);
				return fail(e, why, whylen, "%s: chmod %s: %s", path, tmp, strerror(e));
			}
			return fd;
		}
		if (errno != EEXIST) /* EEXIST: a dead process's leftover with our pid */
			return fail(errno, why, whylen, "%s: cannot create a file in its folder: %s", path,
				    strerror(errno));
	}
	return fail(EEXIST, why, whylen, "%s: no free temporary name", path);
}

/* The rename is durable once the folder is: fsync it (a filesystem that
 * cannot sync folders says EINVAL: nothing more to do there). */
static int sync_folder(const char *path, char *why, size_t whylen)
{
	char dir[PATH_MAX];
	int fd, e = 0;

	if (folder_of(path, dir, sizeof(dir)))
		return fail(ENAMETOOLONG, why, whylen, "%s: path too long", path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(errno, why, whylen, "%s: open its folder: %s", path, strerror(errno));
	if (fsync(fd) && errno != EINVAL)
		e = errno;
	close(fd);
	return e ? fail(e, why, whylen, "%s: fsync of its folder: %s", path, strerror(e)) : 0;
}

static int write_stream(const char *path, const void *data, size_t len, char *why, size_t whylen)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), e;

	if (fd < 0)
		return fail(errno, why, whylen, "%s: %s", path, strerror(errno));
	e = write_all(fd, data, len);
	if (close(fd) && !e && errno != EINTR)
		e = errno;
	return e ? fail(e, why, whylen, "%s: write: %s", path, strerror(e)) : 0;
}

int nb_atomic_write(const char *path, const void *data, size_t len, char *why, size_t whylen)
{
	char real[PATH_MAX], tmp[PATH_MAX + 32];
	const char *step;
	int fd, stream, ret, e;

	ret = resolve(path, real, sizeof(real), &stream, why, whylen);
	if (ret)
		return ret;
	if (stream)
		return write_stream(real, data, len, why, whylen);
	fd = create_temp(real, tmp, sizeof(tmp), why, whylen);
	if (fd < 0)
		return fd;
	step = "write";
	e = write_all(fd, data, len);
	if (!e && fsync(fd)) {
		step = "fsync";
		e = errno;
	}
	if (close(fd) && !e && errno != EINTR) {
		step = "close";
		e = errno;
	}
	if (!e && rename(tmp, real)) {
		step = "rename";
		e = errno;
	}
	if (e) {
		unlink(tmp);
		return fail(e, why, whylen, "%s: %s: %s (%s unchanged)", real, step, strerror(e), real);
	}
	return sync_folder(real, why, whylen);
}

int nb_atomic_print(const char *path, void (*emit)(FILE *f, const void *arg), const void *arg,
		    char *why, size_t whylen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool cut;
	int ret;

	if (!f)
		return fail(ENOMEM, why, whylen, "%s: out of memory", path);
	emit(f, arg);
	/* Out of memory, a memory stream still closes "successfully": a write
	 * it could not hold only sets its error flag, and a failed final
	 * realloc (glibc _IO_mem_finish) leaves buf NULL (fail-nth sweep: an
	 * empty file was published as the description) */
	cut = ferror(f);
	if (fclose(f) || cut || !buf) {
		free(buf);
		return fail(ENOMEM, why, whylen, "%s: out of memory", path);
	}
	ret = nb_atomic_write(path, buf, len, why, whylen);
	free(buf);
	return ret;
}

int nb_atomic_check(const char *path, char *why, size_t whylen)
{
	char real[PATH_MAX], tmp[PATH_MAX + 32];
	int fd, stream, ret;

	ret = resolve(path, real, sizeof(real), &stream, why, whylen);
	if (ret)
		return ret;
	if (stream) {
		fd = open(real, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return fail(errno, why, whylen, "%s: %s", real, strerror(errno));
		close(fd);
		return 0;
	}
	fd = create_temp(real, tmp, sizeof(tmp), why, whylen);
	if (fd < 0)
		return fd;
	close(fd);
	unlink(tmp);
	return 0;
}

int nb_atomic_cleanup(const char *path, pid_t pid)
{
	char dir[PATH_MAX], prefix[PATH_MAX + 32], full[PATH_MAX * 2];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct dirent *de;
	size_t plen;
	DIR *d;
	int n = 0;

	if (folder_of(path, dir, sizeof(dir)) || temp_name(base, pid, 0, prefix, sizeof(prefix)))
		return 0;
	/* "NAME.tmp.PID": then ".SEQ", or nothing (older binaries' name) */
	plen = strlen(prefix) - 2;
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, prefix, plen) == 0 &&
		    (de->d_name[plen] == '\0' || de->d_name[plen] == '.') &&
		    (size_t)snprintf(full, sizeof(full), "%s/%s", dir, de->d_name) < sizeof(full) &&
		    unlink(full) == 0)
			n++;
	closedir(d);
	return n;
}
