/* SPDX-License-Identifier: MIT */
/*
 * Publishing a result file: the one way C code here writes results, reports
 * and JSON (scripts/nb_atomic.py is the Python twin, with the same rules).
 *
 *   - the bytes go to PATH.tmp.PID.SEQ in PATH's folder (created exclusively,
 *     mode 0644 whatever the umask), every write() checked, short writes
 *     continued, then fsync, close (checked), rename over PATH, and an fsync
 *     of the folder: PATH holds the old content or the whole new one, never
 *     a part, also after a full disk or a crash;
 *   - on any failure the temporary file is removed and PATH is untouched;
 *   - PATH that exists and is not a regular file (a pipe, /dev/stdout,
 *     /dev/full, a terminal) is written in place, every write checked (there
 *     is nothing to rename); a folder is refused. A symbolic link is
 *     followed: its target is replaced, the link stays.
 *
 * Errors: 0, or a negative errno and one line in why ("PATH: write: No space
 * left on device (PATH unchanged)"). Thread-safe; no allocation but the
 * caller's data. This library (nb_io) is linked by nb_core and by the
 * benchmark shim.
 */
#ifndef NESTBENCH_ATOMIC_FILE_H
#define NESTBENCH_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

int nb_atomic_write(const char *path, const void *data, size_t len, char *why, size_t whylen);

/* Publish what emit prints (into memory first, then nb_atomic_write). */
int nb_atomic_print(const char *path, void (*emit)(FILE *f, const void *arg), const void *arg,
		    char *why, size_t whylen);

/* Can PATH be published (its folder takes a temporary file, PATH is not a
 * folder)? Nothing is left behind. Same returns as nb_atomic_write. */
int nb_atomic_check(const char *path, char *why, size_t whylen);

/* Remove the temporary files process pid left for PATH (it was killed
 * while publishing); returns how many. */
int nb_atomic_cleanup(const char *path, pid_t pid);

#ifdef __cplusplus
}
#endif

#endif
