// SPDX-License-Identifier: MIT
/*
 * nestbench compare BASE NEW [options]: the regression verdict. The
 * statistics are Google Benchmark's own (its compare tooling's Mann-Whitney
 * U test, from libbenchmark-tools), driven by scripts/nb_compare.py; this
 * command is the front door to it, so CI and people type one command.
 */
#include "cmd.h"

static int run(int argc, char **argv)
{
	return nb_cli_exec_script("compare", "nb_compare.py", argc, argv);
}

const struct nb_cmd nb_cmd_compare = {
	.name = "compare",
	.args = "BASE NEW [options]",
	.summary = "regression verdict: 0 none, 1 regressed, 3 inconclusive",
	.run = run,
};
