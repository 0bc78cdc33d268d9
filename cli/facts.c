// SPDX-License-Identifier: MIT
/* Machine and build facts, shared by `nestbench env` and the report. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "facts.h"
#include "nb_bench.h"
#include "nestbench/machine.h"
#include "nestbench/nb.h"

void nb_cli_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void kv(FILE *f, bool json, bool *first, const char *key, const char *val)
{
	if (json) {
		fprintf(f, "%s\n  ", *first ? "{" : ",");
		nb_cli_json_str(f, key);
		fputs(": ", f);
		nb_cli_json_str(f, val);
	} else {
		fprintf(f, "%-18s %s\n", key, val);
	}
	*first = false;
}

static void read_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
	if (!buf[0])
		snprintf(buf, len, "unknown (%s unreadable)", path);
}

static void perf_facts(char *buf, size_t len)
{
	struct nb_perf *p;
	size_t off = 0;

	if (nb_perf_open_default(&p)) {
		snprintf(buf, len, "no counters: %s", nb_errmsg());
		return;
	}
	for (int i = 0; i < nb_perf_count(p) && off < len; i++) {
		const struct nb_perf_event_status *s = nb_perf_status(p, i);

		off += (size_t)snprintf(buf + off, len - off, "%s%s=%s", i ? " " : "", s->name,
					s->open ? "real" : "unavailable");
	}
	nb_perf_close(p);
}

void nb_facts_print(FILE *f, bool json)
{
	struct nb_topo_summary t;
	struct utsname u;
	char buf[1024], topo[1024];
	bool first = true;
	time_t now = time(NULL);

	snprintf(buf, sizeof(buf), "%s (%s)", NB_VERSION, NB_GIT_DESCRIBE);
	kv(f, json, &first, "nestbench", buf);
	snprintf(buf, sizeof(buf), "%s, %s, flags '%s'%s%s", NB_BUILD_TYPE, NB_COMPILER,
		 NB_BUILD_CFLAGS, NB_BUILD_SANITIZE[0] ? ", sanitizers " : "", NB_BUILD_SANITIZE);
	kv(f, json, &first, "build", buf);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	kv(f, json, &first, "date_utc", buf);
	if (uname(&u) == 0) {
		snprintf(buf, sizeof(buf), "%s %s %s", u.sysname, u.release, u.machine);
		kv(f, json, &first, "kernel", buf);
	}
	if (nb_topo_summary(&t) == 0) {
		kv(f, json, &first, "cpu", t.cpu_model[0] ? t.cpu_model : "unknown");
		snprintf(buf, sizeof(buf),
			 "%d package(s), %d core(s), %d PU(s) (%d allowed), %d NUMA node(s); L1d %llu KiB, L2 %llu KiB, L3 %llu KiB",
			 t.packages, t.cores, t.pus, t.allowed_pus, t.numa_nodes,
			 (unsigned long long)t.l1d_bytes >> 10, (unsigned long long)t.l2_bytes >> 10,
			 (unsigned long long)t.l3_bytes >> 10);
		kv(f, json, &first, "topology", buf);
	} else {
		kv(f, json, &first, "topology", nb_errmsg());
	}
	if (nb_topo_json(topo, sizeof(topo)) == 0)
		kv(f, json, &first, "topology_json", topo);
	kv(f, json, &first, "pmu", nb_perf_pmu_reason());
	perf_facts(buf, sizeof(buf));
	kv(f, json, &first, "perf_counters", buf);
	snprintf(buf, sizeof(buf), "%s, %s", nb_bench_library_version(), nb_bench_library_build());
	kv(f, json, &first, "google_benchmark", buf);
	kv(f, json, &first, "liburcu", "memb flavour, read side inlined (_LGPL_SOURCE)");
	read_first_line("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof(buf));
	kv(f, json, &first, "transparent_hugepages", buf);
	kv(f, json, &first, "dev_iommu",
	   access("/dev/iommu", R_OK | W_OK) == 0 ? "present" : "absent (iommufd backend skipped)");
	if (json)
		fputs("\n}\n", f);
}
