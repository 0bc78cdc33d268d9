// SPDX-License-Identifier: MIT
/* nestbench: the front door. One registry of subcommands, one dispatcher. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_info.h"
#include "cmd.h"

static const struct nb_cmd *const cmds[NB_CMD_COUNT] = {
	[NB_CMD_VERSION] = &nb_cmd_version,
	[NB_CMD_ENV] = &nb_cmd_env,
	[NB_CMD_TRANSLATE] = &nb_cmd_translate,
	[NB_CMD_RUN] = &nb_cmd_run,
	[NB_CMD_COMPARE] = &nb_cmd_compare,
	[NB_CMD_MERGE] = &nb_cmd_merge,
	[NB_CMD_LIST] = &nb_cmd_list,
};

int nb_cli_usage_error(const char *sub, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nestbench%s%s: ", sub ? " " : "", sub ? sub : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

const char *nb_cli_config_dir(void)
{
	const char *dir = getenv("NB_CONFIG_DIR");

	return dir && *dir ? dir : NB_SOURCE_DIR "/configs"; /* empty is unset, as bench_main.c */
}

bool nb_cli_is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

static void help(FILE *f)
{
	fprintf(f, "usage: nestbench [--help] COMMAND [ARGS]\n\n"
		   "Nested (two-stage) IOMMU translation and invalidation: simulator and benchmarks.\n\n"
		   "commands:\n");
	for (int i = 0; i < NB_CMD_COUNT; i++)
		fprintf(f, "  %-10s %-28s %s\n", cmds[i]->name, cmds[i]->args, cmds[i]->summary);
	fprintf(f, "\n'nestbench COMMAND --help' (or -h) for a command's options and exit statuses.\n"
		   "Every command but run (whose results are files; it prints progress) exits 4\n"
		   "when its standard output could not be written (a full disk, an I/O error).\n");
}

/* What a command printed is part of its result: a translate script's
 * walks, a list, a version. stdio keeps a failed write to itself until the
 * buffer is flushed, so ask once, after the command, and make it the exit
 * status (4, as compare's and merge's unwritable outputs) rather than 0. */
static int stdout_written(const char *sub, int rc)
{
	int err;

	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	err = errno;
	fprintf(stderr, "nestbench%s%s: standard output could not be written: %s\n", sub ? " " : "",
		sub ? sub : "", err ? strerror(err) : "a write failed before the end");
	return 4;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		help(stderr);
		return 2;
	}
	if (nb_cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		help(stdout);
		return stdout_written(NULL, 0);
	}
	if (strcmp(argv[1], "--version") == 0)
		return stdout_written("version", nb_cmd_version.run(argc - 1, argv + 1));
	if (argv[1][0] == '-')
		return nb_cli_usage_error(NULL, "unknown option '%s' (try --help)", argv[1]);
	for (int i = 0; i < NB_CMD_COUNT; i++)
		if (strcmp(argv[1], cmds[i]->name) == 0)
			return cmds[i]->stdout_is_progress ? cmds[i]->run(argc - 1, argv + 1)
							   : stdout_written(cmds[i]->name, cmds[i]->run(argc - 1, argv + 1));
	return nb_cli_usage_error(NULL, "unknown command '%s' (try --help)", argv[1]);
}
