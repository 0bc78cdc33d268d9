// SPDX-License-Identifier: MIT
/* nestbench translate SCRIPT: walk translations step by step. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "nestbench/pt.h"
#include "nestbench/script.h"

static int run(int argc, char **argv)
{
	char formats[256];
	FILE *in;
	int rc;

	if (argc == 2 && nb_cli_is_help(argv[1])) {
		/* the formats from the registry: the README points here */
		printf("usage: nestbench translate SCRIPT|-\n"
		       "Reads a translate script (grammar: README, 'The translate script'; - reads\n"
		       "stdin) and prints each walk: stage, level, table address, index, descriptor,\n"
		       "result or fault.\n"
		       "FORMAT (of stage1/stage2): %s\n"
		       "  -h, --help  this help\n"
		       "Exit status: 0 the script ran; 1 a bad line (FILE:LINE: what is wrong) or an\n"
		       "unreadable file; 2 usage; 4 standard output (the walks) could not be written.\n",
		       nb_fmt_list(formats, sizeof(formats)));
		return 0;
	}
	if (argc != 2)
		return nb_cli_usage_error("translate", "expects one SCRIPT file (or - for stdin)");
	if (argv[1][0] == '-' && argv[1][1])
		return nb_cli_usage_error("translate", "unknown option '%s'", argv[1]);
	in = strcmp(argv[1], "-") == 0 ? stdin : fopen(argv[1], "r");
	if (!in) {
		fprintf(stderr, "nestbench translate: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	rc = nb_tscript_run(in, strcmp(argv[1], "-") == 0 ? "<stdin>" : argv[1], stdout, stderr);
	if (in != stdin)
		fclose(in);
	return rc;
}

const struct nb_cmd nb_cmd_translate = {
	.name = "translate",
	.args = "SCRIPT",
	.summary = "walk translations from a script, step by step",
	.run = run,
};
