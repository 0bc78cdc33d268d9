// SPDX-License-Identifier: MIT
/* nestbench: the front door. One registry of subcommands, one dispatcher. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
	fprintf(f, "\n'nestbench COMMAND --help' (or -h) for a command's options and exit statuses.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		help(stderr);
		return 2;
	}
	if (nb_cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0)
		return nb_cmd_version.run(argc - 1, argv + 1);
	if (argv[1][0] == '-')
		return nb_cli_usage_error(NULL, "unknown option '%s' (try --help)", argv[1]);
	for (int i = 0; i < NB_CMD_COUNT; i++)
		if (strcmp(argv[1], cmds[i]->name) == 0)
			return cmds[i]->run(argc - 1, argv + 1);
	return nb_cli_usage_error(NULL, "unknown command '%s' (try --help)", argv[1]);
}
