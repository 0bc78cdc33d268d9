// SPDX-License-Identifier: MIT
/* nestbench env [--json]: what this machine and build are. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "facts.h"

static int run(int argc, char **argv)
{
	bool json = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (nb_cli_is_help(argv[i])) {
			printf("usage: nestbench env [--json]\n"
			       "Topology, CPU, kernel, which perf counters are real, Google Benchmark\n"
			       "version and build, RCU flavour, huge pages, /dev/iommu.\n"
			       "  --json      as JSON (what nestbench run writes to env.json)\n"
			       "  -h, --help  this help\n"
			       "Exit status: 0; 2 usage.\n");
			return 0;
		} else {
			return nb_cli_usage_error("env", "unknown option '%s' (try --help)", argv[i]);
		}
	}
	nb_facts_print(stdout, json);
	return 0;
}

const struct nb_cmd nb_cmd_env = {
	.name = "env",
	.args = "[--json]",
	.summary = "machine, build and counter facts",
	.run = run,
};
