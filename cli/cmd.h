/* SPDX-License-Identifier: MIT */
/* Subcommands of the nestbench front door: one file each, one line in main.c. */
#ifndef NB_SRC_CLI_CMD_H
#define NB_SRC_CLI_CMD_H

#include <stdbool.h>

struct nb_cmd {
	const char *name;
	const char *args;    /* usage after the name */
	const char *summary; /* one line for --help */
	int (*run)(int argc, char **argv); /* argv[0] is the subcommand; returns exit status */
	/* what it prints is progress, not its result (run: the results are the
	 * folder's files), so a failed write to stdout does not change its exit
	 * status; every other command's output is its result (main.c) */
	bool stdout_is_progress;
};

enum nb_cmd_id {
	NB_CMD_VERSION,
	NB_CMD_ENV,
	NB_CMD_TRANSLATE,
	NB_CMD_RUN,
	NB_CMD_COMPARE,
	NB_CMD_MERGE,
	NB_CMD_LIST,
	NB_CMD_COUNT
};

extern const struct nb_cmd nb_cmd_version, nb_cmd_env, nb_cmd_translate, nb_cmd_run,
	nb_cmd_compare, nb_cmd_merge, nb_cmd_list;

/* --help or -h: the same in every command. */
bool nb_cli_is_help(const char *arg);

/* Debian's Python: it has python3-scipy (compare) and gnuplot beside it. */
#define NB_PYTHON "/usr/bin/python3"

/* Replace this process by NB_PYTHON SOURCE_DIR/scripts/SCRIPT argv[1..argc):
 * returns (2, with a message naming sub) only if that cannot start. */
int nb_cli_exec_script(const char *sub, const char *script, int argc, char **argv);

/* The folder of the model files: NB_CONFIG_DIR (empty: unset), else the
 * source tree's configs/ (what the benchmarks read, bench_main.c). */
const char *nb_cli_config_dir(void);

/* Print "nestbench SUB: message" to stderr; returns 2 (usage error). */
int nb_cli_usage_error(const char *sub, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
