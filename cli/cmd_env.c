// SPDX-License-Identifier: MIT
/* nestbench env [--json] [--iommu]: what this machine and build are. */
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
		} else if (strcmp(argv[i], "--iommu") == 0) {
			/* the real-IOMMU readiness check is scripts/host-check's */
			return nb_cli_exec_script("env", "host-check", 1, argv);
		} else if (nb_cli_is_help(argv[i])) {
			printf("usage: nestbench env [--json] [--iommu]\n"
			       "Topology, CPU, kernel, which perf counters are real, Google Benchmark\n"
			       "version and build, RCU flavour, huge pages, /dev/iommu.\n"
			       "  --json      as JSON (what nestbench run writes to env.json)\n"
			       "  --iommu     is this host ready for the iommufd benchmarks on its real\n"
			       "              IOMMU (scripts/host-check: kernel, IOMMU, /dev/iommu, the\n"
			       "              VFIO device in NB_IOMMUFD_DEV, memlock, what would run)\n"
			       "  -h, --help  this help\n"
			       "Exit status: 0 (--iommu: ready); 1 --iommu: something is missing; 2 usage;\n"
			       "4 standard output could not be written.\n");
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
	.args = "[--json] [--iommu]",
	.summary = "machine, build and counter facts",
	.run = run,
};
