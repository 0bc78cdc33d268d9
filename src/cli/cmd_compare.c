// SPDX-License-Identifier: MIT
/*
 * nestbench compare BASE NEW [options]: the regression verdict. The
 * statistics are Google Benchmark's own (its compare tooling's Mann-Whitney
 * U test, from libbenchmark-tools), driven by scripts/nb_compare.py; this
 * command is the front door to it, so CI and people type one command.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "build_info.h"
#include "cmd.h"

#define PYTHON "/usr/bin/python3" /* Debian's: it has python3-scipy */

static int run(int argc, char **argv)
{
	char script[1024];
	char *args[64];
	int n = 0;

	if (argc > 60)
		return nb_cli_usage_error("compare", "too many arguments");
	snprintf(script, sizeof(script), "%s/scripts/nb_compare.py", NB_SOURCE_DIR);
	args[n++] = PYTHON;
	args[n++] = script;
	for (int i = 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	execv(PYTHON, args);
	fprintf(stderr, "nestbench compare: cannot run %s %s: %s\n", PYTHON, script, strerror(errno));
	return 2;
}

const struct nb_cmd nb_cmd_compare = {
	.name = "compare",
	.args = "BASE NEW [options]",
	.summary = "regression verdict: 0 none, 1 regressed, 3 inconclusive",
	.run = run,
};
