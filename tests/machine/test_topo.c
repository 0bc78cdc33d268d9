// SPDX-License-Identifier: MIT
/*
 * Topology summary against sources hwloc is not: sysconf for the online CPU
 * count, sysfs cache descriptions for the cache sizes, the allowed-CPU list.
 *
 *   machine_topo          run the checks
 *   machine_topo --json   print the JSON line, then the same facts as
 *                         key=value pairs, for check_topo_json.py to compare
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <nestbench/machine.h>
#include <nestbench/nb.h>

#include "check.h"

/* Read one line of a sysfs file into buf (newline stripped); false if absent. */
static bool read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/*
 * Size in bytes of cpu0's cache at `level` whose type is `type` ("Data",
 * "Unified"), from /sys/devices/system/cpu/cpu0/cache; 0 if not described.
 */
static uint64_t sysfs_cache(int level, const char *type)
{
	for (int idx = 0; idx < 16; idx++) {
		char path[128], buf[64];
		unsigned long long size;
		char unit = 0;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/level", idx);
		if (!read_line(path, buf, sizeof(buf)))
			break;
		if (atoi(buf) != level)
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/type", idx);
		if (!read_line(path, buf, sizeof(buf)) || strcmp(buf, type))
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", idx);
		if (!read_line(path, buf, sizeof(buf)) || sscanf(buf, "%llu%c", &size, &unit) < 1)
			continue;
		if (unit == 'K')
			size <<= 10;
		else if (unit == 'M')
			size <<= 20;
		return size;
	}
	return 0;
}

#if defined(__x86_64__) || defined(__i386__)
/* AMD's older cache leaves: L1d in 0x80000005 ECX, L2/L3 in 0x80000006. */
static uint64_t cpuid_amd_legacy(int level)
{
	unsigned int a, b, c, d;

	if (level == 1 && __get_cpuid(0x80000005, &a, &b, &c, &d))
		return (uint64_t)(c >> 24) << 10;
	if (level > 1 && __get_cpuid(0x80000006, &a, &b, &c, &d))
		return level == 2 ? (uint64_t)(c >> 16) << 10 : (uint64_t)(d >> 18) << 19;
	return 0;
}
#endif

/*
 * Where sysfs does not describe caches (some VMs), ask the CPU: the
 * deterministic cache parameters leaf (Intel 4, AMD 0x8000001d with
 * TOPOEXT) for the cache at `level` of type 1 (data) or 3 (unified), and
 * AMD's older leaves when the VM leaves 0x8000001d empty.
 */
static uint64_t cpuid_cache(int level, const char *type)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int a, b, c, d, leaf, want = strcmp(type, "Data") ? 3 : 1;
	bool amd;
	char vendor[13];

	if (!__get_cpuid(0, &a, &b, &c, &d))
		return 0;
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = '\0';
	amd = !strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine");
	if (!strcmp(vendor, "GenuineIntel")) {
		leaf = 4;
	} else if (amd) {
		if (!__get_cpuid(0x80000001, &a, &b, &c, &d) || !(c & (1u << 22)))
			return cpuid_amd_legacy(level);	/* no TOPOEXT */
		leaf = 0x8000001d;
	} else {
		return 0;
	}
	for (unsigned int sub = 0; sub < 16; sub++) {
		__cpuid_count(leaf, sub, a, b, c, d);
		if ((a & 0x1f) == 0)
			break;
		if ((a & 0x1f) != want || (int)((a >> 5) & 7) != level)
			continue;
		return (uint64_t)((b >> 22) + 1) * (((b >> 12) & 0x3ff) + 1) *
		       ((b & 0xfff) + 1) * ((uint64_t)c + 1);
	}
	if (amd)
		return cpuid_amd_legacy(level);
#endif
	return 0;
}

static void check_cache(const char *what, uint64_t hw, int level, const char *type)
{
	uint64_t ref = sysfs_cache(level, type);
	const char *src = "sysfs";

	if (!ref) {
		ref = cpuid_cache(level, type);
		src = "cpuid";
	}
	if (!ref) {
		printf("%s: neither sysfs nor cpuid describe a level-%d %s cache; summary says %llu\n",
		       what, level, type, (unsigned long long)hw);
		return;
	}
	printf("%s: summary %llu bytes, %s %llu bytes\n", what, (unsigned long long)hw, src,
	       (unsigned long long)ref);
	CHECK(hw == ref, "%s: summary %llu bytes, %s %llu bytes", what, (unsigned long long)hw,
	      src, (unsigned long long)ref);
}

static void check_summary(void)
{
	struct nb_topo_summary s;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	int rc = nb_topo_summary(&s);

	CHECK(rc == 0, "nb_topo_summary: %d: %s", rc, nb_errmsg());
	if (rc)
		return;
	printf("packages %d cores %d pus %d (allowed %d) numa %d l1d %llu l2 %llu l3 %llu model \"%s\"\n",
	       s.packages, s.cores, s.pus, s.allowed_pus, s.numa_nodes,
	       (unsigned long long)s.l1d_bytes, (unsigned long long)s.l2_bytes,
	       (unsigned long long)s.l3_bytes, s.cpu_model);
	CHECK(s.pus == online, "pus %d, sysconf(_SC_NPROCESSORS_ONLN) %ld", s.pus, online);
	CHECK(s.cores >= 1 && s.cores <= s.pus, "cores %d (pus %d)", s.cores, s.pus);
	CHECK(s.packages >= 1 && s.packages <= s.cores, "packages %d (cores %d)", s.packages,
	      s.cores);
	CHECK(s.numa_nodes >= 1, "numa_nodes %d", s.numa_nodes);
	CHECK(s.allowed_pus >= 1 && s.allowed_pus <= s.pus, "allowed_pus %d (pus %d)",
	      s.allowed_pus, s.pus);
	CHECK(s.allowed_pus == nb_topo_cpu_count(), "allowed_pus %d, nb_topo_cpu_count %d",
	      s.allowed_pus, nb_topo_cpu_count());
	CHECK(s.cpu_model[0] != '\0', "cpu_model is empty");
	CHECK(s.cpu_model[0] != ' ' && s.cpu_model[strlen(s.cpu_model) - 1] != ' ',
	      "cpu_model not trimmed: \"%s\"", s.cpu_model);
	check_cache("l1d", s.l1d_bytes, 1, "Data");
	check_cache("l2", s.l2_bytes, 2, "Unified");
	check_cache("l3", s.l3_bytes, 3, "Unified");
}

static void check_json_sizes(void)
{
	char big[2048], small[16];
	size_t n;
	int rc;

	rc = nb_topo_json(big, sizeof(big));
	CHECK(rc == 0, "nb_topo_json: %d: %s", rc, nb_errmsg());
	n = strlen(big);
	CHECK(n > 2 && big[0] == '{' && big[n - 1] == '}', "not an object: %s", big);
	CHECK(!strchr(big, '\n'), "JSON is not one line: %s", big);

	/* Exactly big enough works; one byte less is -ENOSPC, never half an object. */
	rc = nb_topo_json(big, n + 1);
	CHECK(rc == 0, "nb_topo_json with %zu bytes: %d: %s", n + 1, rc, nb_errmsg());
	memset(small, 'x', sizeof(small));
	rc = nb_topo_json(small, sizeof(small));
	CHECK(rc == -ENOSPC && small[0] == '\0', "16-byte buffer: rc %d, buf \"%.16s\"", rc,
	      small);
	CHECK(strstr(nb_errmsg(), "bytes") != NULL, "no size in message: \"%s\"", nb_errmsg());
}

/* For check_topo_json.py: the JSON, then the struct's own values. */
static int print_json(void)
{
	struct nb_topo_summary s;
	char buf[2048];

	if (nb_topo_json(buf, sizeof(buf)) || nb_topo_summary(&s)) {
		fprintf(stderr, "machine_topo: %s\n", nb_errmsg());
		return 1;
	}
	printf("%s\n", buf);
	printf("packages=%d cores=%d pus=%d allowed_pus=%d numa_nodes=%d l1d_bytes=%llu "
	       "l2_bytes=%llu l3_bytes=%llu\n",
	       s.packages, s.cores, s.pus, s.allowed_pus, s.numa_nodes,
	       (unsigned long long)s.l1d_bytes, (unsigned long long)s.l2_bytes,
	       (unsigned long long)s.l3_bytes);
	printf("%s\n", s.cpu_model);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--json"))
		return print_json();
	check_summary();
	check_json_sizes();
	return check_exit("machine_topo");
}
