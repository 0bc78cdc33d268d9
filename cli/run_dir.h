/* SPDX-License-Identifier: MIT */
/*
 * The results folder of `nestbench run`: created (or, with --out, taken)
 * for this run alone, checked writable before any family runs, and every
 * file in it published whole (nb_atomic_write).
 */
#ifndef NB_SRC_CLI_RUN_DIR_H
#define NB_SRC_CLI_RUN_DIR_H

#include <stddef.h>
#include <stdio.h>

/*
 * out == NULL: a new folder under base named stem ("20260101T000000Z-abc123"),
 * created exclusively; if another run made that name in the same second,
 * stem-2, stem-3, ... out != NULL: that folder, which may exist (its old
 * results stay until replaced). Either way raw/ in it, a lock on the folder
 * that a second run on the same folder is refused by (it stays held until
 * exit), and a check that files can be published in both. The folder's
 * path in dir. 0, or a negative errno with nb_errmsg() naming the folder.
 */
int run_dir_open(const char *out, const char *base, const char *stem, char *dir, size_t len);

/* Publish dir/name with what emit prints (nb_atomic_write); 0 or a negative
 * errno with nb_errmsg() saying what failed. */
int run_dir_publish(const char *dir, const char *name, void (*emit)(FILE *f, const void *arg),
		    const void *arg);

#endif
