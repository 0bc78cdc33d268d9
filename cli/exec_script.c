// SPDX-License-Identifier: MIT
/* The commands whose work is a Python script's (compare, merge, env --iommu):
 * the script takes over the process (cmd.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "build_info.h"
#include "cmd.h"

int nb_cli_exec_script(const char *sub, const char *script, int argc, char **argv)
{
	char path[1024];
	char *args[264];
	int n = 0;

	if (argc > 256)
		return nb_cli_usage_error(sub, "too many arguments (%d; at most 255)", argc - 1);
	snprintf(path, sizeof(path), "%s/scripts/%s", NB_SOURCE_DIR, script);
	args[n++] = NB_PYTHON;
	args[n++] = path;
	for (int i = 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	fflush(NULL);
	execv(NB_PYTHON, args);
	fprintf(stderr, "nestbench %s: cannot run %s %s: %s\n", sub, NB_PYTHON, path, strerror(errno));
	return 2;
}
