// SPDX-License-Identifier: MIT
/* nestbench version */
#include <stdio.h>

#include "build_info.h"
#include "cmd.h"

static int run(int argc, char **argv)
{
	if (argc == 2 && nb_cli_is_help(argv[1])) {
		printf("usage: nestbench version\n"
		       "The version, the commit and how this binary was built.\n"
		       "Exit status: 0; 2 usage; 4 standard output could not be written.\n");
		return 0;
	}
	if (argc > 1)
		return nb_cli_usage_error("version", "takes no arguments ('%s')", argv[1]);
	printf("nestbench %s (%s, %s build, %s)\n", NB_VERSION, NB_GIT_DESCRIBE, NB_BUILD_TYPE,
	       NB_COMPILER);
	return 0;
}

const struct nb_cmd nb_cmd_version = {
	.name = "version",
	.args = "",
	.summary = "print the version and how this binary was built",
	.run = run,
};
