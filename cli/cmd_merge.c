// SPDX-License-Identifier: MIT
/*
 * nestbench merge DIR... --out OUT: the shards of one suite joined into one
 * results folder and report, or (--by-machine) the results of several
 * machines in one report. The work is scripts/nb_merge.py's; this command
 * is its front door, as compare is nb_compare.py's.
 */
#include "cmd.h"

static int run(int argc, char **argv)
{
	return nb_cli_exec_script("merge", "nb_merge.py", argc, argv);
}

const struct nb_cmd nb_cmd_merge = {
	.name = "merge",
	.args = "DIR... --out OUT [options]",
	.summary = "join shards, or machines (--by-machine), into one report",
	.run = run,
};
