// SPDX-License-Identifier: MIT
/*
 * Machine topology through hwloc, loaded once per process, and thread pinning.
 *
 * The topology is loaded with disallowed PUs included, so the summary
 * describes the machine; pinning is checked against the allowed cpuset (the
 * process's cgroup), which is what the kernel would accept.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include <hwloc.h>

#include "nestbench/machine.h"
#include "nestbench/nb.h"
#include "machine_internal.h"

static struct {
	pthread_once_t once;
	int err;		/* positive errno if the load failed */
	char errmsg[160];
	hwloc_topology_t topo;
	hwloc_const_cpuset_t allowed;
	struct nb_topo_summary sum;
} nb_topo = { .once = PTHREAD_ONCE_INIT };

static int nb_topo_count(hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_by_type(nb_topo.topo, type);

	return n < 0 ? 0 : n;	/* -1: type spread over several depths (not for these) */
}

static uint64_t nb_topo_cache_size(hwloc_obj_type_t type)
{
	hwloc_obj_t obj = hwloc_get_obj_by_type(nb_topo.topo, type, 0);

	return obj && obj->attr ? obj->attr->cache.size : 0;
}

/* Copy src into dst without leading or trailing blanks (hwloc pads CPUModel). */
static void nb_copy_trimmed(char *dst, size_t len, const char *src)
{
	size_t n;

	while (*src == ' ' || *src == '\t')
		src++;
	n = strlen(src);
	while (n && (src[n - 1] == ' ' || src[n - 1] == '\t' || src[n - 1] == '\n'))
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* First "model name" (x86) or "cpu model"/"Processor" line of /proc/cpuinfo. */
static void nb_cpuinfo_model(char *dst, size_t len)
{
	static const char *const keys[] = { "model name", "cpu model", "Processor" };
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "re");

	dst[0] = '\0';
	if (!f)
		return;
	while (!dst[0] && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		for (size_t k = 0; k < NB_ARRAY_SIZE(keys); k++) {
			if (!strncmp(line, keys[k], strlen(keys[k]))) {
				nb_copy_trimmed(dst, len, colon + 1);
				break;
			}
		}
	}
	fclose(f);
}

static void nb_topo_cpu_model(char *dst, size_t len)
{
	hwloc_obj_t pkg = hwloc_get_obj_by_type(nb_topo.topo, HWLOC_OBJ_PACKAGE, 0);
	const char *model = NULL;

	if (pkg)
		model = hwloc_obj_get_info_by_name(pkg, "CPUModel");
	if (!model)
		model = hwloc_obj_get_info_by_name(hwloc_get_root_obj(nb_topo.topo), "CPUModel");
	if (model)
		nb_copy_trimmed(dst, len, model);
	else
		dst[0] = '\0';
	if (!dst[0])
		nb_cpuinfo_model(dst, len);
}

static void nb_topo_summarize(struct nb_topo_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->packages = nb_topo_count(HWLOC_OBJ_PACKAGE);
	s->cores = nb_topo_count(HWLOC_OBJ_CORE);
	s->pus = nb_topo_count(HWLOC_OBJ_PU);
	s->numa_nodes = nb_topo_count(HWLOC_OBJ_NUMANODE);
	s->l1d_bytes = nb_topo_cache_size(HWLOC_OBJ_L1CACHE);
	s->l2_bytes = nb_topo_cache_size(HWLOC_OBJ_L2CACHE);
	s->l3_bytes = nb_topo_cache_size(HWLOC_OBJ_L3CACHE);
	s->allowed_pus = hwloc_bitmap_weight(nb_topo.allowed);
	nb_topo_cpu_model(s->cpu_model, sizeof(s->cpu_model));
}

static void nb_topo_load_once(void)
{
	hwloc_topology_t topo;
	const char *step;

	errno = 0;	/* hwloc does not always set errno on failure */
	if (hwloc_topology_init(&topo)) {
		step = "hwloc_topology_init";
		goto err;
	}
	if (hwloc_topology_set_flags(topo, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED)) {
		step = "hwloc_topology_set_flags";
		goto err_destroy;
	}
	if (hwloc_topology_load(topo)) {
		step = "hwloc_topology_load";
		goto err_destroy;
	}
	nb_topo.topo = topo;
	nb_topo.allowed = hwloc_topology_get_allowed_cpuset(topo);
	nb_topo_summarize(&nb_topo.sum);
	return;

err_destroy:
	nb_topo.err = errno ? errno : EIO;
	hwloc_topology_destroy(topo);
	goto record;
err:
	nb_topo.err = errno ? errno : EIO;
record:
	snprintf(nb_topo.errmsg, sizeof(nb_topo.errmsg), "%s failed: %s (%s)", step,
		 nb_strerror(nb_topo.err), nb_errname(nb_topo.err));
}

/* Load the topology on first use; later calls only check the outcome. */
static int nb_topo_get(void)
{
	pthread_once(&nb_topo.once, nb_topo_load_once);
	if (nb_topo.err)
		return nb_fail(nb_topo.err, "topology: %s", nb_topo.errmsg);
	return 0;
}

int nb_topo_summary(struct nb_topo_summary *out)
{
	int err = nb_topo_get();

	if (err)
		return err;
	*out = nb_topo.sum;
	return 0;
}

int nb_topo_l1d_shape(unsigned *sets, unsigned *ways, unsigned *line)
{
	hwloc_obj_t obj;
	int ret = nb_topo_get();

	*sets = *ways = *line = 0;
	if (ret)
		return ret;
	obj = hwloc_get_obj_by_type(nb_topo.topo, HWLOC_OBJ_L1CACHE, 0);
	if (!obj || !obj->attr || obj->attr->cache.associativity <= 0 || !obj->attr->cache.linesize ||
	    !obj->attr->cache.size)
		return nb_fail(ENODATA, "topology: hwloc gives no L1 data cache shape");
	*ways = (unsigned)obj->attr->cache.associativity;
	*line = obj->attr->cache.linesize;
	*sets = (unsigned)(obj->attr->cache.size / ((uint64_t)*ways * *line));
	return *sets ? 0 : nb_fail(ENODATA, "topology: L1 data cache of %u ways of %u bytes", *ways, *line);
}

int nb_topo_json(char *buf, size_t len)
{
	const struct nb_topo_summary *s = &nb_topo.sum;
	char model[6 * sizeof(s->cpu_model)];	/* worst case: every byte \u00XX */
	int err = nb_topo_get();
	int n;

	if (err)
		return err;
	if (nb_json_escape(model, sizeof(model), s->cpu_model))
		return nb_fail(ENOSPC, "topology JSON: CPU model too long to escape");
	n = snprintf(buf, len,
		     "{\"cpu_model\":\"%s\",\"packages\":%d,\"cores\":%d,\"pus\":%d,"
		     "\"allowed_pus\":%d,\"numa_nodes\":%d,\"l1d_bytes\":%llu,"
		     "\"l2_bytes\":%llu,\"l3_bytes\":%llu,\"hwloc_version\":\"%s\"}",
		     model, s->packages, s->cores, s->pus, s->allowed_pus, s->numa_nodes,
		     (unsigned long long)s->l1d_bytes, (unsigned long long)s->l2_bytes,
		     (unsigned long long)s->l3_bytes, HWLOC_VERSION);
	if (n < 0 || (size_t)n >= len) {
		if (len)
			buf[0] = '\0';
		return nb_fail(ENOSPC, "topology JSON needs %d bytes, buffer has %zu", n + 1,
			       len);
	}
	return 0;
}

int nb_topo_pin_thread(int cpu)
{
	hwloc_bitmap_t set;
	int err = nb_topo_get();

	if (err)
		return err;
	if (cpu < 0 || !hwloc_bitmap_isset(nb_topo.allowed, (unsigned)cpu)) {
		char list[128];

		hwloc_bitmap_list_snprintf(list, sizeof(list), nb_topo.allowed);
		return nb_fail(EINVAL, "cannot pin to CPU %d: not in the allowed CPUs %s", cpu,
			       list);
	}
	set = hwloc_bitmap_alloc();
	if (!set)
		return nb_fail(ENOMEM, "pin to CPU %d: out of memory", cpu);
	hwloc_bitmap_only(set, (unsigned)cpu);
	if (hwloc_set_cpubind(nb_topo.topo, set, HWLOC_CPUBIND_THREAD)) {
		err = errno ? errno : EINVAL;
		hwloc_bitmap_free(set);
		return nb_fail(err, "hwloc_set_cpubind(CPU %d, thread) failed: %s (%s)", cpu,
			       nb_strerror(err), nb_errname(err));
	}
	hwloc_bitmap_free(set);
	return 0;
}

int nb_topo_unpin_thread(void)
{
	int err = nb_topo_get();

	if (err)
		return err;
	if (hwloc_set_cpubind(nb_topo.topo, nb_topo.allowed, HWLOC_CPUBIND_THREAD)) {
		err = errno ? errno : EINVAL;
		return nb_fail(err, "hwloc_set_cpubind(allowed CPUs, thread) failed: %s (%s)",
			       nb_strerror(err), nb_errname(err));
	}
	return 0;
}

int nb_topo_current_cpu(void)
{
	int cpu = sched_getcpu();
	int err = errno;

	if (cpu < 0)
		return nb_fail(err, "sched_getcpu failed: %s (%s)", nb_strerror(err),
			       nb_errname(err));
	return cpu;
}

int nb_topo_cpu_count(void)
{
	int err = nb_topo_get();

	return err ? err : nb_topo.sum.allowed_pus;
}

int nb_topo_cpu_list(int *cpus, int max)
{
	int err = nb_topo_get();
	int n = 0;

	if (err)
		return err;
	for (int cpu = hwloc_bitmap_first(nb_topo.allowed); cpu >= 0;
	     cpu = hwloc_bitmap_next(nb_topo.allowed, cpu)) {
		if (n < max)
			cpus[n] = cpu;
		n++;
	}
	return n;
}

int nb_topo_cpu_cores(int *core, int max)
{
	int err = nb_topo_get();
	int n = 0, ncores = 0;
	unsigned first_pu[4096]; /* per core seen so far: its first PU's OS index */

	if (err)
		return err;
	for (int cpu = hwloc_bitmap_first(nb_topo.allowed); cpu >= 0;
	     cpu = hwloc_bitmap_next(nb_topo.allowed, cpu), n++) {
		hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(nb_topo.topo, (unsigned)cpu);
		hwloc_obj_t c = pu ? hwloc_get_ancestor_obj_by_type(nb_topo.topo, HWLOC_OBJ_CORE, pu) : NULL;
		unsigned key = c && c->cpuset ? (unsigned)hwloc_bitmap_first(c->cpuset) : (unsigned)cpu;
		int k = 0;

		/* no core above the PU (some VMs): the PU is its own core */
		while (k < ncores && first_pu[k] != key)
			k++;
		if (k == ncores && ncores < (int)NB_ARRAY_SIZE(first_pu))
			first_pu[ncores++] = key;
		if (n < max)
			core[n] = k;
	}
	return ncores;
}
