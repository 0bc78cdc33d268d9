// SPDX-License-Identifier: MIT
/*
 * Example: print what nestbench knows about this machine, then count a small
 * piece of work on the calling thread with the default counter set.
 *
 *   $ nb_machine_info
 *   topology: {"cpu_model":"...","packages":1,...}
 *   pmu: hardware PMU not exposed: ...
 *   instructions           not open: No such file or directory (ENOENT)
 *   task-clock             1234567
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestbench/machine.h>
#include <nestbench/nb.h>

/* Something to count: write and sum a few MiB of fresh memory. */
static unsigned long work(void)
{
	size_t n = 4u << 20;
	unsigned char *buf = malloc(n);
	unsigned long sum = 0;

	if (!buf)
		return 0;
	memset(buf, 1, n);
	for (size_t i = 0; i < n; i += 64)
		sum += buf[i];
	free(buf);
	return sum;
}

int main(void)
{
	char json[1024];
	struct nb_perf *perf;
	unsigned long sum;

	if (nb_topo_json(json, sizeof(json))) {
		fprintf(stderr, "machine-info: %s\n", nb_errmsg());
		return 1;
	}
	printf("topology: %s\n", json);
	printf("current cpu: %d of %d allowed\n", nb_topo_current_cpu(), nb_topo_cpu_count());
	printf("pmu: %s\n", nb_perf_pmu_reason());

	if (nb_perf_open_default(&perf)) {
		fprintf(stderr, "machine-info: %s\n", nb_errmsg());
		return 1;
	}
	if (nb_perf_enable(perf)) {
		fprintf(stderr, "machine-info: %s\n", nb_errmsg());
		nb_perf_close(perf);
		return 1;
	}
	sum = work();
	nb_perf_disable(perf);
	printf("work: sum %lu\n", sum);

	for (int i = 0; i < nb_perf_count(perf); i++) {
		const struct nb_perf_event_status *st = nb_perf_status(perf, i);
		uint64_t v;

		if (!st->open) {
			printf("%-22s not open: %s\n", st->name, strerror(st->err));
			continue;
		}
		if (nb_perf_read(perf, i, &v)) {
			printf("%-22s read failed: %s\n", st->name, nb_errmsg());
			continue;
		}
		printf("%-22s %llu%s\n", st->name, (unsigned long long)v,
		       st->user_only ? " (user space only)" : "");
	}
	nb_perf_close(perf);
	return 0;
}
