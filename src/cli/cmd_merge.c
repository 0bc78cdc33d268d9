// SPDX-License-Identifier: MIT
/*
 * nestbench merge DIR... --out OUT: the shards of one suite joined into one
 * results folder and report, or (--by-machine) the results of several
 * machines in one report. The work is scripts/nb_merge.py's; this command
 * is its front door, as compare is nb_compare.py's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "build_info.h"
#include "cmd.h"

#define PYTHON "/usr/bin/python3" /* Debian's: nb_compare.py needs its python3-scipy */

static int run(int argc, char **argv)
{
	char script[1024];
	char *args[264];
	int n = 0;

	if (argc > 256)
		return nb_cli_usage_error("merge", "too many arguments (%d; at most 255)", argc - 1);
	snprintf(script, sizeof(script), "%s/scripts/nb_merge.py", NB_SOURCE_DIR);
	args[n++] = PYTHON;
	args[n++] = script;
	for (int i = 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	execv(PYTHON, args);
	fprintf(stderr, "nestbench merge: cannot run %s %s: %s\n", PYTHON, script, strerror(errno));
	return 2;
}

const struct nb_cmd nb_cmd_merge = {
	.name = "merge",
	.args = "DIR... --out OUT [options]",
	.summary = "join shards, or machines (--by-machine), into one report",
	.run = run,
};
