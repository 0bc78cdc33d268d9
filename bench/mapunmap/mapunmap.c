// SPDX-License-Identifier: MIT
/*
 * mapunmap: map + unmap latency through the backend ops table (the same
 * code runs on emu and, where /dev/iommu exists, iommufd), and the page-
 * table memory the emulation uses against what the format itself needs.
 *
 * mapunmap/<backend>/<strict|lazy>/size_kib:N
 *   One iteration maps N KiB at each of up to 32 IOVAs, timed together,
 *   then unmaps them (the invalidation runs as the policy says). Counters
 *   per map or unmap: map_ns, unmap_ns, map_ns_per_pte (per 4 KiB).
 * mapunmap/<backend>/sg/pages:N, mapunmap/emu/strict_split/pages:N
 *   a scatter list of N 4 KiB pieces in one call; a strict unmap's table
 *   work and invalidation timed apart (bm_map_sg, bm_strict_split).
 *   A backend that is not here (no /dev/iommu) is skipped with one line.
 * mapunmap/memory/<format>
 *   A random mix of 4K..2M mappings over 4 GiB of IOVA, churned: the
 *   allocator's bytes in use and its arena footprint, each divided by the
 *   bytes of the tables the format needs for those mappings
 *   (mem_ratio, footprint_ratio; target <= 1.05).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench_common.h"
#include "nestbench/iommu.h"
#include "nestbench/backend.h"


#define IOVA_BASE (16ull << 20)
#define IOVA_END (2ull << 30)

struct mu_bench {
	enum nb_backend_id be;
	bool strict;
};

static void *buffer(uint64_t len)
{
	/* never touched: emu takes the address as the PA; iommufd pins it */
	void *p = mmap(NULL, len + (1ull << 30), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	return (void *)(((uintptr_t)p + (1ull << 30) - 1) & ~((uintptr_t)(1ull << 30) - 1));
}

/* The device the iommufd backend uses: NB_IOMMUFD_DEV (a VFIO cdev path),
 * else the selftest mock. */
static const char *dev_spec(enum nb_backend_id be)
{
	if (be == NB_BACKEND_EMU)
		return "sim:1";
	return getenv("NB_IOMMUFD_DEV") ? getenv("NB_IOMMUFD_DEV") : "mock";
}

/* Open a backend with one device attached to a paging HWPT on a new IOAS. */
static int open_paging(const struct mu_bench *b, struct nb_backend **be, uint32_t *ioas)
{
	const struct nb_backend_ops *ops = nb_backends[b->be];
	uint32_t dev, hwpt;
	char arg[512];

	snprintf(arg, sizeof(arg), "%s/vtd.cfg;policy.strict=%s", nb_bench_config_dir(), b->strict ? "true" : "false");
	if (ops->open(be, b->be == NB_BACKEND_EMU ? arg : NULL))
		return -1;
	if (ops->dev_open(*be, dev_spec(b->be), &dev) || ops->ioas_alloc(*be, ioas) ||
	    ops->hwpt_alloc(*be, &(struct nb_hwpt_req){ .kind = NB_HWPT_PAGING, .pt_id = *ioas, .dev_id = dev },
			    &hwpt) ||
	    ops->attach(*be, dev, hwpt)) {
		ops->close(*be);
		return -1;
	}
	return 0;
}

#define MAP_BATCH 32

/* Maps of one batch go to IOVAs this far apart (lazy: never reused before
 * the queue's flush, as the kernel's allocator does). */
static uint64_t batch_stride(uint64_t len)
{
	return len > (2ull << 20) ? len : (2ull << 20);
}

static void bm_mapunmap(nb_bench_state *st, void *ctx)
{
	struct mu_bench *b = ctx;
	const struct nb_backend_ops *ops = nb_backends[b->be];
	/* IOVAs inside every backend's aperture (the selftest mock's is 16 MiB..2 GiB) */
	uint64_t len = (uint64_t)nb_bench_range_arg(st, 0) << 10, iova = IOVA_BASE, t_map = 0, t_unmap = 0,
		 n = 0, got, stride = batch_stride(len);
	uint64_t batch = (IOVA_END - IOVA_BASE) / stride;
	struct nb_backend *be;
	uint32_t ioas;
	void *buf = buffer(len);

	if (!ops) {
		nb_bench_skip_with_error(st, "backend not built on this host");
		return;
	}
	if (!buf || open_paging(b, &be, &ioas)) {
		nb_bench_skip_with_error(st, buf ? nb_errmsg() : "mmap failed");
		return;
	}
	batch = batch > MAP_BATCH ? MAP_BATCH : batch;
	/* A batch of maps timed together, then their unmaps: the clock's own
	 * cost is spread over the batch, not added to every 4 KiB map. */
	while (nb_bench_keep_running(st)) {
		uint64_t t0, t1, t2;

		if (iova + batch * stride > IOVA_END)
			iova = IOVA_BASE;
		t0 = nb_now_ns();
		for (uint64_t i = 0; i < batch; i++)
			if (ops->ioas_map(be, ioas, iova + i * stride, buf, len, NB_PROT_RW)) {
				nb_bench_skip_with_error(st, nb_errmsg());
				goto out;
			}
		t1 = nb_now_ns();
		for (uint64_t i = 0; i < batch; i++)
			if (ops->ioas_unmap(be, ioas, iova + i * stride, len, &got)) {
				nb_bench_skip_with_error(st, nb_errmsg());
				goto out;
			}
		t2 = nb_now_ns();
		t_map += t1 - t0;
		t_unmap += t2 - t1;
		n += batch;
		if (!b->strict)
			iova += batch * stride;
	}
	if (n) {
		nb_bench_counter(st, "map_ns", (double)t_map / (double)n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "unmap_ns", (double)t_unmap / (double)n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "map_ns_per_pte", (double)t_map / (double)n / (double)(len >> 12 ? len >> 12 : 1),
				 NB_COUNTER_PLAIN);
		nb_bench_set_bytes_processed(st, (int64_t)(n * len));
	}
out:
	ops->close(be);
}

/*
 * mapunmap/emu/sg/pages:N: N 4 KiB pieces at scattered PAs (every other
 * page of the buffer: no two adjacent) mapped back to back in one call
 * through the backend's ioas_map_sg, then unmapped (strict). Counters:
 * map_ns, map_ns_per_pte, unmap_ns.
 */
static void bm_map_sg(nb_bench_state *st, void *ctx)
{
	struct mu_bench *b = ctx;
	const struct nb_backend_ops *ops = nb_backends[b->be];
	uint64_t pages = (uint64_t)nb_bench_range_arg(st, 0), len = pages << 12, stride = batch_stride(len);
	/* long lists one call at a time: the IOAS keeps an area per piece,
	 * and its bookkeeping scans them all */
	uint64_t t_map = 0, t_unmap = 0, n = 0, got, batch = pages >= 64 ? 1 : MAP_BATCH;
	struct nb_map_seg *seg = calloc(pages, sizeof(*seg));
	char *buf = buffer(2 * len);
	struct nb_backend *be;
	uint32_t ioas;

	if (!seg || !buf || open_paging(b, &be, &ioas)) {
		nb_bench_skip_with_error(st, seg && buf ? nb_errmsg() : "out of memory");
		free(seg);
		return;
	}
	for (uint64_t i = 0; i < pages; i++)
		seg[i] = (struct nb_map_seg){ ((uint64_t)(uintptr_t)buf & ((1ull << 47) - 1)) + 2 * i * 4096, 4096 };
	while (nb_bench_keep_running(st)) {
		uint64_t t0 = nb_now_ns(), t1;

		for (uint64_t i = 0; i < batch; i++)
			if (ops->ioas_map_sg(be, ioas, IOVA_BASE + i * stride, seg, pages, NB_PROT_RW)) {
				nb_bench_skip_with_error(st, nb_errmsg());
				goto out;
			}
		t1 = nb_now_ns();
		for (uint64_t i = 0; i < batch; i++)
			if (ops->ioas_unmap(be, ioas, IOVA_BASE + i * stride, len, &got)) {
				nb_bench_skip_with_error(st, nb_errmsg());
				goto out;
			}
		t_map += t1 - t0;
		t_unmap += nb_now_ns() - t1;
		n += batch;
	}
	if (n) {
		nb_bench_counter(st, "map_ns", (double)t_map / (double)n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "map_ns_per_pte", (double)t_map / (double)n / (double)pages, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "unmap_ns", (double)t_unmap / (double)n, NB_COUNTER_PLAIN);
	}
out:
	ops->close(be);
	free(seg);
}

/*
 * mapunmap/emu/strict_split/pages:N: the strict unmap of N 4 KiB pages
 * with its two parts timed apart, on the simulator the emu backend runs
 * (the vtd model, its stage-2 format): the table work (clearing the leaves,
 * gathering the range and freed tables: unmap_table_ns, and per PTE) and
 * the invalidation the model sends for it, run through the queue, with
 * the freed tables handed to RCU (invalidate_ns). map_ns beside them.
 */
static void bm_strict_split(nb_bench_state *st, void *ctx)
{
	uint64_t pages = (uint64_t)nb_bench_range_arg(st, 0), len = pages << 12, stride = batch_stride(len);
	uint64_t t_map = 0, t_table = 0, t_inv = 0, n = 0;
	struct nb_hw_params p;
	struct nb_arena *arena = NULL;
	struct nb_palloc pal = { 0 };
	struct nb_domain *pt = NULL;
	struct nb_xdomain *xd = NULL;
	struct nb_iommu *m = NULL;
	struct nb_xdev *dev = NULL;
	struct nb_pt_cfg s1, s2;
	char err[600];

	if (nb_bench_model_params("vtd", &p, err, sizeof(err))) {
		nb_bench_skip_with_error(st, err);
		return;
	}
	p.policy.strict = true;
	nb_vendor_formats(p.vendor, &s1, &s2);
	if (nb_arena_create(&arena, 8ull << 30) || nb_palloc_init(&pal, arena, 1ull << 30) ||
	    nb_iommu_create(&m, &p, arena) ||
	    nb_domain_alloc(&pt, &s2, arena, &(struct nb_tspace){ .alloc = &pal }) ||
	    nb_xdomain_paging(m, pt, NB_XD_S2, &xd) || nb_xdev_attach(m, 1, 0, false, xd, &dev)) {
		nb_bench_skip_with_error(st, nb_errmsg());
		goto out;
	}
	while (nb_bench_keep_running(st)) {
		struct nb_gather g[MAP_BATCH];
		uint64_t t0 = nb_now_ns(), t1, t2;

		for (uint64_t i = 0; i < MAP_BATCH; i++)
			if (nb_iommu_map(m, xd, IOVA_BASE + i * stride, (1ull << 40) + i * stride, len, NB_PROT_RW)) {
				nb_bench_skip_with_error(st, nb_errmsg());
				goto out;
			}
		t1 = nb_now_ns();
		for (uint64_t i = 0; i < MAP_BATCH; i++) {
			nb_gather_init(&g[i]);
			nb_domain_unmap(pt, IOVA_BASE + i * stride, len, &g[i]);
		}
		t2 = nb_now_ns();
		for (uint64_t i = 0; i < MAP_BATCH; i++) {
			nb_iommu_flush(m, xd, &(struct nb_flush_req){
				.addr = g[i].start, .size = g[i].last - g[i].start + 1,
				.leaf = !g[i].tables_freed, .pgsize_mask = g[i].pgsize_mask });
			nb_gather_release(pt, &g[i]);
		}
		t_inv += nb_now_ns() - t2;
		t_table += t2 - t1;
		t_map += t1 - t0;
		n += MAP_BATCH;
	}
	if (n) {
		nb_bench_counter(st, "map_ns", (double)t_map / (double)n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "unmap_table_ns", (double)t_table / (double)n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "unmap_table_ns_per_pte", (double)t_table / (double)n / (double)pages,
				 NB_COUNTER_PLAIN);
		nb_bench_counter(st, "invalidate_ns", (double)t_inv / (double)n, NB_COUNTER_PLAIN);
	}
out:
	if (dev)
		nb_xdev_detach(m, dev);
	if (xd)
		nb_xdomain_free(m, xd);
	nb_domain_free(pt);
	if (m)
		nb_iommu_destroy(m);
	if (pal.arena)
		nb_palloc_fini(&pal);
	nb_arena_destroy(arena);
}

/* ---- nested HWPT: allocation, and a guest's invalidation requests ---- */

static void bm_nested(nb_bench_state *st, void *ctx)
{
	struct mu_bench *b = ctx;
	const struct nb_backend_ops *ops = nb_backends[b->be];
	uint32_t entries = (uint32_t)nb_bench_range_arg(st, 0), dev, ioas, parent, nested, done;
	struct nb_flush_req reqs[64];
	struct nb_backend *be;
	uint64_t t_alloc = 0, t_inv = 0, n = 0;
	char arg[512];

	snprintf(arg, sizeof(arg), "%s/vtd.cfg", nb_bench_config_dir());
	if (ops->open(&be, b->be == NB_BACKEND_EMU ? arg : NULL)) {
		nb_bench_skip_with_error(st, nb_errmsg());
		return;
	}
	for (uint32_t i = 0; i < entries; i++)
		reqs[i] = (struct nb_flush_req){ .addr = (uint64_t)i * 4096, .size = 4096, .leaf = true };
	if (ops->dev_open(be, dev_spec(b->be), &dev) || ops->ioas_alloc(be, &ioas) ||
	    ops->hwpt_alloc(be, &(struct nb_hwpt_req){ .kind = NB_HWPT_NEST_PARENT, .pt_id = ioas,
						       .dev_id = dev }, &parent)) {
		nb_bench_skip_with_error(st, nb_errmsg());
		ops->close(be);
		return;
	}
	while (nb_bench_keep_running(st)) {
		uint64_t t0 = nb_now_ns(), t1;

		if (ops->hwpt_alloc(be, &(struct nb_hwpt_req){ .kind = NB_HWPT_NESTED, .pt_id = parent,
							       .dev_id = dev }, &nested) ||
		    ops->attach(be, dev, nested)) {
			nb_bench_skip_with_error(st, nb_errmsg());
			break;
		}
		t1 = nb_now_ns();
		if (ops->hwpt_invalidate(be, nested, reqs, entries, &done) || done != entries) {
			nb_bench_skip_with_error(st, nb_errmsg());
			break;
		}
		t_inv += nb_now_ns() - t1;
		t_alloc += t1 - t0;
		n++;
		nb_bench_pause(st);
		ops->attach(be, dev, parent);
		ops->destroy(be, nested);
		nb_bench_resume(st);
	}
	if (n) {
		nb_bench_counter(st, "alloc_attach_ns", (double)t_alloc / (double)n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "invalidate_ns", (double)t_inv / (double)n, NB_COUNTER_PLAIN);
		nb_bench_counter(st, "invalidate_ns_per_entry", (double)t_inv / (double)n / entries,
				 NB_COUNTER_PLAIN);
	}
	ops->close(be);
}

/* ---- page-table memory against the format's own bytes ---- */

static void bm_memory(nb_bench_state *st, void *ctx)
{
	const struct nb_pt_cfg *cfg = ctx;
	struct nb_arena *arena;
	struct nb_palloc pal;
	struct nb_tspace ts = { .alloc = &pal };
	struct nb_domain *d;
	uint64_t seed = 7, *iovas, *sizes, n = 0, cap = 1 << 16;
	double ratio = 0, foot = 0;

	iovas = malloc(cap * sizeof(*iovas));
	sizes = malloc(cap * sizeof(*sizes));
	if (!iovas || !sizes || nb_arena_create(&arena, 4ull << 30) ||
	    nb_palloc_init(&pal, arena, 2ull << 30) || nb_domain_alloc(&d, cfg, arena, &ts)) {
		nb_bench_skip_with_error(st, nb_errmsg());
		return;
	}
	while (nb_bench_keep_running(st)) {
		/* map 4K..2M at random 2M slots of 4 GiB, unmap a random third */
		for (int i = 0; i < 256; i++) {
			uint64_t slot = nb_rand(&seed) % 2048, size = 4096ull << (nb_rand(&seed) % 10);
			uint64_t iova = (slot << 21) + (1ull << 32);

			if (n < cap && nb_domain_map(d, iova, iova + (1ull << 40), size, NB_PROT_RW) == 0) {
				iovas[n] = iova;
				sizes[n++] = size;
			}
		}
		for (uint64_t i = 0; i < n / 3; i++) {
			uint64_t k = nb_rand(&seed) % n;
			struct nb_gather g;

			nb_gather_init(&g);
			nb_domain_unmap(d, iovas[k], sizes[k], &g);
			nb_gather_release(d, &g);
			iovas[k] = iovas[--n];
			sizes[k] = sizes[n];
		}
		nb_rcu_barrier();
		ratio = (double)atomic_load(&pal.bytes_in_use) / (double)nb_domain_table_bytes(d);
		foot = (double)(pal.bump - pal.base) / (double)nb_domain_table_bytes(d);
	}
	nb_bench_counter(st, "mem_ratio", ratio, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "footprint_ratio", foot, NB_COUNTER_PLAIN);
	nb_bench_counter(st, "table_bytes", (double)nb_domain_table_bytes(d), NB_COUNTER_PLAIN);
	nb_domain_free(d);
	nb_palloc_fini(&pal);
	nb_arena_destroy(arena);
	free(iovas);
	free(sizes);
}

/* What IOMMU_GET_HW_INFO says about the device's IOMMU, in the run context
 * (the report shows it beside the machine's other facts). */
static void record_hw_info(const struct nb_backend_ops *ops, struct nb_backend *b, uint32_t dev)
{
	struct nb_hw_info hw;

	if (strcmp(dev_spec(NB_BACKEND_IOMMUFD), "mock") == 0) {
		nb_bench_ctx("nb_iommufd_hw_info", "the iommufd selftest mock device: no IOMMU hardware");
		return;
	}
	if (ops->hw_info(b, dev, &hw)) {
		nb_bench_ctx("nb_iommufd_hw_info", "IOMMU_GET_HW_INFO on %s: %s", dev_spec(NB_BACKEND_IOMMUFD),
			     nb_errmsg());
		return;
	}
	nb_bench_ctx("nb_iommufd_hw_info",
		     "%s: type %u%s, max_pasid_log2 %u, capabilities 0x%llx, cap_reg 0x%llx, ecap_reg 0x%llx",
		     dev_spec(NB_BACKEND_IOMMUFD), hw.type, hw.type == 1 ? " (Intel VT-d)" : "", hw.max_pasid_log2,
		     (unsigned long long)hw.capabilities, (unsigned long long)hw.vtd_cap,
		     (unsigned long long)hw.vtd_ecap);
}

static void register_all(void)
{
	static const char *const size_arg[] = { "size_kib" };
	static const struct { const char *name; struct nb_pt_cfg cfg; } fmts[] = {
		{ "x86_64", { .fmt = NB_FMT_X86_64, .ia_bits = 48 } },
		{ "vtdss", { .fmt = NB_FMT_VTDSS, .ia_bits = 48 } },
		{ "amdv1", { .fmt = NB_FMT_AMDV1, .ia_bits = 48 } },
		{ "arm_s1-4K", { .fmt = NB_FMT_ARM_S1, .granule_lg2 = 12 } },
		{ "arm_s2-64K", { .fmt = NB_FMT_ARM_S2, .granule_lg2 = 16 } },
	};
	char name[128];
	bool nesting[NB_BACKEND_COUNT] = { [NB_BACKEND_EMU] = true };

	for (int be = 0; be < NB_BACKEND_COUNT; be++) {
		struct nb_backend *probe;

		/* A backend that is not here is skipped, in one line, not failed. */
		if (be != NB_BACKEND_EMU &&
		    (!nb_backends[be] || nb_backends[be]->open(&probe, NULL))) {
			fprintf(stderr, "mapunmap: iommufd backend skipped: %s\n",
				nb_backends[be] ? nb_errmsg() : "not built on this host");
			nb_bench_ctx("nb_iommufd", "skipped: %s",
				     nb_backends[be] ? nb_errmsg() : "not built on this host");
			continue;
		}
		if (be != NB_BACKEND_EMU) {
			uint32_t dev, ioas, parent;
			int ret;

			/* Nesting: recorded as unsupported on this IOMMU, not failed. */
			ret = nb_backends[be]->dev_open(probe, dev_spec((enum nb_backend_id)be), &dev);
			if (!ret)
				ret = nb_backends[be]->ioas_alloc(probe, &ioas);
			if (!ret)
				record_hw_info(nb_backends[be], probe, dev);
			if (!ret)
				ret = nb_backends[be]->hwpt_alloc(probe, &(struct nb_hwpt_req){
					.kind = NB_HWPT_NEST_PARENT, .pt_id = ioas, .dev_id = dev }, &parent);
			nesting[be] = ret == 0;
			if (ret) {
				fprintf(stderr, "mapunmap: iommufd nesting: %s\n", nb_errmsg());
				nb_bench_ctx("nb_iommufd_nesting", "%s", nb_errmsg());
			}
			nb_backends[be]->close(probe);
		}
		/* iommufd unmaps are always synchronous (no flush queue): strict only */
		for (int strict = 1; strict >= (be == NB_BACKEND_EMU ? 0 : 1); strict--) {
			struct mu_bench *b = calloc(1, sizeof(*b));
			nb_bench *r;

			b->be = (enum nb_backend_id)be;
			b->strict = strict;
			snprintf(name, sizeof(name), "mapunmap/%s/%s", be == NB_BACKEND_EMU ? "emu" : "iommufd",
				 strict ? "strict" : "lazy");
			r = nb_bench_register(name, bm_mapunmap, b);
			nb_bench_arg_names(r, size_arg, 1);
			for (int64_t kib = 4; kib <= (1 << 20); kib *= 16)
				nb_bench_arg(r, kib);
			nb_bench_arg(r, 2048);
		}
		if (nb_backends[be]->ioas_map_sg) {
			static const char *const pages_arg[] = { "pages" };
			struct mu_bench *b = calloc(1, sizeof(*b));
			nb_bench *r;

			b->be = (enum nb_backend_id)be;
			b->strict = true;
			snprintf(name, sizeof(name), "mapunmap/%s/sg", be == NB_BACKEND_EMU ? "emu" : "iommufd");
			r = nb_bench_register(name, bm_map_sg, b);
			nb_bench_arg_names(r, pages_arg, 1);
			nb_bench_arg(r, 1);
			nb_bench_arg(r, 256);
		}
		if (nesting[be]) {
			static const char *const inv_arg[] = { "entries" };
			struct mu_bench *b = calloc(1, sizeof(*b));
			nb_bench *r;

			b->be = (enum nb_backend_id)be;
			b->strict = true;
			snprintf(name, sizeof(name), "mapunmap/%s/nested_hwpt",
				 be == NB_BACKEND_EMU ? "emu" : "iommufd");
			r = nb_bench_register(name, bm_nested, b);
			nb_bench_arg_names(r, inv_arg, 1);
			nb_bench_arg(r, 1);
			nb_bench_arg(r, 16);
		}
	}
	{
		static const char *const pages_arg[] = { "pages" };
		nb_bench *r = nb_bench_register("mapunmap/emu/strict_split", bm_strict_split, NULL);

		nb_bench_arg_names(r, pages_arg, 1);
		nb_bench_arg(r, 1);
		nb_bench_arg(r, 256);
	}
	for (size_t f = 0; f < NB_ARRAY_SIZE(fmts); f++) {
		snprintf(name, sizeof(name), "mapunmap/memory/%s", fmts[f].name);
		nb_bench_iterations(nb_bench_register(name, bm_memory, (void *)&fmts[f].cfg), 20);
	}
}

static const struct nb_bench_family family = {
	.name = "mapunmap",
	.register_all = register_all,
	.quick = "mapunmap/emu/[a-z]+/size_kib:(4|2048)$",
	.host_timed = "^mapunmap/(emu|iommufd)", /* map/unmap latency; mapunmap/memory/ are byte counts */
};

int main(int argc, char **argv)
{
	return nb_bench_family_main(argc, argv, &family);
}
