// SPDX-License-Identifier: MIT
/*
 * Shipped configs load to the values written below (copied by hand from
 * configs/README.md, not read back from the code; the variants that name a
 * base, and the models that run on another's hardware (.hardware), as that
 * base's values with the differences the README gives), every registered
 * shipped model through nb_hwparams_model too, and
 * are complete (the description they are loaded over does not show through); write -> load gives the
 * same struct for the shipped configs, the defaults and random valid
 * descriptions; write refuses invalid input and leaves no temporary file;
 * validate names the broken key.
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "nb_test.h"
#include "nestbench/hwparams.h"

#define SZ(lg2) (1ull << (lg2))
#define X86_SIZES (SZ(12) | SZ(21) | SZ(30))
#define ARM_SIZES (SZ(12) | SZ(14) | SZ(16) | SZ(21) | SZ(25) | SZ(29) | SZ(30))
#define LV123 ((1u << 1) | (1u << 2) | (1u << 3))
#define C(e, w, r, ps, lv) { .entries = e, .ways = w, .repl = NB_REPL_##r, .page_sizes = ps, .levels = lv, .lookup_ns = 2 }

static const struct nb_hw_params want_vtd = {
	.model = "vtd",
	.vendor = NB_VENDOR_VTD,
	.iotlb = C(64, 64, PLRU, X86_SIZES, 0),
	.pwc_s1 = C(32, 4, LRU, 0, LV123),
	.pwc_s2 = C(32, 4, LRU, 0, LV123),
	.nested_tlb = C(64, 4, LRU, 0, 0),
	.ctx_cache = C(64, 4, LRU, 0, 0),
	.devtlb = C(64, 64, LRU, X86_SIZES, 0),
	.mem_llc_ns = 40,
	.mem_dram_ns = 90,
	.mem_llc_lines = 16384,
	.cmd_cycles = {
		[NB_VTD_CC_INV] = 150, [NB_VTD_IOTLB_GLOBAL] = 150, [NB_VTD_IOTLB_DSI] = 150,
		[NB_VTD_IOTLB_PSI] = 150, [NB_VTD_DEVTLB] = 2500, [NB_VTD_PIOTLB_PASID] = 150,
		[NB_VTD_PIOTLB_PSI] = 150, [NB_VTD_PC_INV] = 150, [NB_VTD_PASID_DEVTLB] = 2500,
		[NB_VTD_WAIT] = 900,
	},
	/* batch 16 with a wait each (QI_MAX_BATCHED_DESC_COUNT, qi_batch), scalable mode */
	.policy = { .strict = false, .fq_entries = 256, .fq_timeout_us = 10000,
		    .range_max_pages = 4294967295u, .batch = true, .max_am = 18, .ril = false,
		    .batch_max = 16, .batch_full_sync = true, .scalable_mode = true },
};

static const struct nb_hw_params want_amd = {
	.model = "amd",
	.vendor = NB_VENDOR_AMD,
	.iotlb = C(64, 64, PLRU, X86_SIZES, 0),
	.pwc_s1 = C(32, 4, LRU, 0, LV123),
	.pwc_s2 = C(32, 4, LRU, 0, LV123),
	.nested_tlb = C(64, 4, LRU, 0, 0),
	.ctx_cache = C(64, 4, LRU, 0, 0),
	.devtlb = C(64, 64, LRU, X86_SIZES, 0),
	.mem_llc_ns = 40,
	.mem_dram_ns = 90,
	.mem_llc_lines = 16384,
	.cmd_cycles = {
		/* wait_on_sem: udelay(1) between reads, at least 1 us = 2500 cycles */
		[NB_AMD_COMPLETION_WAIT] = 2500, [NB_AMD_INV_DEVTAB_ENTRY] = 150,
		[NB_AMD_INV_IOMMU_PAGES] = 150, [NB_AMD_INV_IOTLB_PAGES] = 2500,
		[NB_AMD_INV_IOMMU_ALL] = 150,
	},
	/* every command its own tail write (iommu_queue_command) */
	.policy = { .strict = false, .fq_entries = 256, .fq_timeout_us = 10000,
		    .range_max_pages = 4294967295u, .batch = true, .max_am = 0, .ril = false,
		    .doorbell_per_cmd = true },
};

static const struct nb_hw_params want_smmuv3 = {
	.model = "smmuv3",
	.vendor = NB_VENDOR_SMMUV3,
	.iotlb = C(512, 4, PLRU, ARM_SIZES, 0),
	.pwc_s1 = C(1024, 4, LRU, 0, LV123),
	.pwc_s2 = C(1024, 4, LRU, 0, LV123),
	.nested_tlb = C(256, 4, LRU, 0, 0),
	.ctx_cache = C(256, 4, LRU, 0, 0),
	.devtlb = C(64, 64, LRU, ARM_SIZES, 0),
	.mem_llc_ns = 40,
	.mem_dram_ns = 90,
	.mem_llc_lines = 16384,
	.cmd_cycles = {
		[NB_SMMU_CFGI_STE] = 150, [NB_SMMU_CFGI_CD] = 150, [NB_SMMU_TLBI_NH_ALL] = 150,
		[NB_SMMU_TLBI_NH_ASID] = 150, [NB_SMMU_TLBI_NH_VA] = 150,
		[NB_SMMU_TLBI_S12_VMALL] = 150, [NB_SMMU_TLBI_S2_IPA] = 150,
		[NB_SMMU_TLBI_NSNH_ALL] = 150, [NB_SMMU_ATC_INV] = 2500, [NB_SMMU_CMD_SYNC] = 600,
	},
	/* no page threshold on the DMA path (CMDQ_MAX_TLBI_OPS is SVA's);
	 * CMDQ_BATCH_ENTRIES 64, a full batch published without a sync */
	.policy = { .strict = true, .fq_entries = 256, .fq_timeout_us = 10000,
		    .range_max_pages = 4294967295u, .batch = true, .max_am = 0, .ril = false,
		    .batch_max = 64 },
};

/* ---- field-by-field comparison ---------------------------------------- */

static void same_cache(const struct nb_cache_params *a, const struct nb_cache_params *b,
		       const char *what, const char *cache)
{
	CHECK_EQ(a->entries, b->entries, "%s: %s.entries", what, cache);
	CHECK_EQ(a->ways, b->ways, "%s: %s.ways", what, cache);
	CHECK_EQ(a->repl, b->repl, "%s: %s.replacement", what, cache);
	CHECK_EQ(a->page_sizes, b->page_sizes, "%s: %s.page_sizes", what, cache);
	CHECK_EQ(a->levels, b->levels, "%s: %s.levels", what, cache);
	CHECK_EQ(a->lookup_ns, b->lookup_ns, "%s: %s.lookup_ns", what, cache);
}

static void same(const struct nb_hw_params *a, const struct nb_hw_params *b, const char *what)
{
	CHECK(strcmp(a->model, b->model) == 0, "%s: model '%s' vs '%s'", what, a->model, b->model);
	CHECK_EQ(a->vendor, b->vendor, "%s: vendor", what);
	same_cache(&a->iotlb, &b->iotlb, what, "iotlb");
	same_cache(&a->pwc_s1, &b->pwc_s1, what, "pwc_s1");
	same_cache(&a->pwc_s2, &b->pwc_s2, what, "pwc_s2");
	same_cache(&a->nested_tlb, &b->nested_tlb, what, "nested_tlb");
	same_cache(&a->ctx_cache, &b->ctx_cache, what, "ctx_cache");
	same_cache(&a->devtlb, &b->devtlb, what, "devtlb");
	CHECK_EQ(a->mem_llc_ns, b->mem_llc_ns, "%s: mem_llc_ns", what);
	CHECK_EQ(a->mem_dram_ns, b->mem_dram_ns, "%s: mem_dram_ns", what);
	CHECK_EQ(a->mem_llc_lines, b->mem_llc_lines, "%s: mem_llc_lines", what);
	for (int op = 0; op < NB_INV_OP_COUNT; op++)
		CHECK_EQ(a->cmd_cycles[op], b->cmd_cycles[op], "%s: cost of op %d", what, op);
	CHECK_EQ(a->policy.strict, b->policy.strict, "%s: policy.strict", what);
	CHECK_EQ(a->policy.fq_entries, b->policy.fq_entries, "%s: policy.fq_entries", what);
	CHECK_EQ(a->policy.fq_timeout_us, b->policy.fq_timeout_us, "%s: policy.fq_timeout_us", what);
	CHECK_EQ(a->policy.range_max_pages, b->policy.range_max_pages, "%s: policy.range_max_pages", what);
	CHECK_EQ(a->policy.batch, b->policy.batch, "%s: policy.batch", what);
	CHECK_EQ(a->policy.max_am, b->policy.max_am, "%s: policy.max_am", what);
	CHECK_EQ(a->policy.ril, b->policy.ril, "%s: policy.ril", what);
	CHECK_EQ(a->policy.batch_max, b->policy.batch_max, "%s: policy.batch_max", what);
	CHECK_EQ(a->policy.batch_full_sync, b->policy.batch_full_sync, "%s: policy.batch_full_sync", what);
	CHECK_EQ(a->policy.doorbell_per_cmd, b->policy.doorbell_per_cmd, "%s: policy.doorbell_per_cmd",
		 what);
	CHECK_EQ(a->policy.scalable_mode, b->policy.scalable_mode, "%s: policy.scalable_mode", what);
}

/* ---- shipped configs --------------------------------------------------- */

static void shipped(const char *file, const struct nb_hw_params *want)
{
	struct nb_hw_params zero, over_other;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", NB_CONFIGS_DIR, file);
	memset(&zero, 0, sizeof(zero));
	CHECK_EQ(nb_hwparams_load(&zero, path), 0, "%s: %s", file, nb_errmsg());
	CHECK_EQ(nb_hwparams_validate(&zero), 0, "%s: %s", file, nb_errmsg());
	same(&zero, want, file);
	/* Complete: a base of another vendor with other sizes does not show. */
	nb_hwparams_defaults(&over_other, want->vendor == NB_VENDOR_SMMUV3 ? NB_VENDOR_AMD
									  : NB_VENDOR_SMMUV3);
	over_other.iotlb.lookup_ns = 77;
	over_other.policy.fq_entries = 3;
	CHECK_EQ(nb_hwparams_load(&over_other, path), 0, "%s over defaults: %s", file, nb_errmsg());
	same(&over_other, want, file);
}

/* A registered model as nb_hwparams_model loads it from the shipped
 * folder: want, under the model's own name. */
static void shipped_model(const struct nb_hw_params *want)
{
	struct nb_hw_params got;

	memset(&got, 0xa5, sizeof(got));
	CHECK_EQ(nb_hwparams_model(NB_CONFIGS_DIR, want->model, NULL, 0, &got), 0, "model %s: %s", want->model,
		 nb_errmsg());
	same(&got, want, want->model);
}

/* ---- round trips ---------------------------------------------------------- */

static void roundtrip(const struct nb_hw_params *p, const char *what)
{
	struct nb_hw_params back;
	char path[512];

	snprintf(path, sizeof(path), "%s/roundtrip.cfg", NB_TMP_DIR);
	CHECK_EQ(nb_hwparams_write(p, path), 0, "%s: write: %s", what, nb_errmsg());
	memset(&back, 0, sizeof(back));
	CHECK_EQ(nb_hwparams_load(&back, path), 0, "%s: load back: %s", what, nb_errmsg());
	same(&back, p, what);
	nb_hwparams_defaults(&back, (enum nb_vendor)((p->vendor + 1) % NB_VENDOR_COUNT));
	CHECK_EQ(nb_hwparams_load(&back, path), 0, "%s: load back over defaults: %s", what, nb_errmsg());
	same(&back, p, what);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(uint64_t n) /* 0..n-1 */
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? rng % n : rng;
}

static void random_cache(struct nb_cache_params *c, bool final, bool pwc)
{
	static const uint32_t ways[] = { 1, 2, 3, 4, 5, 6, 8, 12, 16, 64 };

	memset(c, 0, sizeof(*c));
	c->repl = (enum nb_repl)rnd(NB_REPL_COUNT);
	c->lookup_ns = (uint32_t)rnd(1000001);
	if (rnd(8) == 0) { /* absent: any geometry */
		c->ways = (uint32_t)rnd(100);
	} else {
		c->ways = ways[rnd(NB_ARRAY_SIZE(ways))];
		c->entries = c->ways << rnd(9);
		if (c->repl == NB_REPL_PLRU && (c->ways & (c->ways - 1)))
			c->repl = NB_REPL_LRU;
		if (c->repl == NB_REPL_QEMU)
			c->ways = c->entries;
	}
	if (final)
		c->page_sizes = (rnd(1ull << 31) | 1) << 12; /* bits 12..42, never empty */
	if (pwc)
		c->levels = (uint32_t)(rnd(31) + 1) << 1; /* bits 1..5 */
}

static void random_params(struct nb_hw_params *p)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
	size_t len = 1 + rnd(31);

	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < len; i++)
		p->model[i] = chars[rnd(sizeof(chars) - 1)];
	p->vendor = (enum nb_vendor)rnd(NB_VENDOR_COUNT);
	random_cache(&p->iotlb, true, false);
	random_cache(&p->pwc_s1, false, true);
	random_cache(&p->pwc_s2, false, true);
	random_cache(&p->nested_tlb, false, false);
	random_cache(&p->ctx_cache, false, false);
	random_cache(&p->devtlb, true, false);
	p->mem_llc_ns = (uint32_t)rnd(1000001);
	p->mem_dram_ns = (uint32_t)rnd(1000001);
	p->mem_llc_lines = (uint32_t)rnd((1u << 22) + 1);
	/* the vendor's commands, by the op ranges of inval.h */
	for (int op = 0; op < NB_INV_OP_COUNT; op++) {
		enum nb_vendor v = op <= NB_VTD_WAIT ? NB_VENDOR_VTD
				   : op <= NB_AMD_INV_IOMMU_ALL ? NB_VENDOR_AMD : NB_VENDOR_SMMUV3;

		p->cmd_cycles[op] = v == p->vendor ? (uint32_t)rnd(1000000001) : 0;
	}
	p->policy.strict = rnd(2);
	p->policy.fq_entries = (uint32_t)(1 + rnd(1u << 20));
	p->policy.fq_timeout_us = (uint32_t)(1 + rnd(60000000));
	p->policy.range_max_pages = rnd(4) ? (uint32_t)rnd(0) : UINT32_MAX;
	p->policy.batch = rnd(2);
	p->policy.max_am = (uint8_t)rnd(64);
	p->policy.ril = rnd(2);
}

static int count_tmp_files(void)
{
	DIR *d = opendir(NB_TMP_DIR);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strstr(e->d_name, ".tmp.") != NULL;
	closedir(d);
	return n;
}

/* ---- write refusals -------------------------------------------------------- */

static void write_refusals(void)
{
	struct nb_hw_params p, back;
	char path[512];
	struct stat st;

	nb_hwparams_defaults(&p, NB_VENDOR_VTD);
	p.iotlb.ways = 3; /* 64 % 3 */
	snprintf(path, sizeof(path), "%s/invalid.cfg", NB_TMP_DIR);
	CHECK_EQ(nb_hwparams_write(&p, path), -EINVAL, "invalid struct written");
	CHECK(strstr(nb_errmsg(), "not written: iotlb.ways:") != NULL, "message: %s", nb_errmsg());
	CHECK(stat(path, &st) != 0 && errno == ENOENT, "invalid.cfg was created");

	nb_hwparams_defaults(&p, NB_VENDOR_VTD);
	snprintf(path, sizeof(path), "%s/no/such/dir/x.cfg", NB_TMP_DIR);
	CHECK_EQ(nb_hwparams_write(&p, path), -ENOENT, "write into a missing directory");
	CHECK(strncmp(nb_errmsg(), path, strlen(path)) == 0, "message: %s", nb_errmsg());

	/* Replacing an existing file: the new content, whole. */
	snprintf(path, sizeof(path), "%s/replace.cfg", NB_TMP_DIR);
	CHECK_EQ(nb_hwparams_write(&p, path), 0, "%s", nb_errmsg());
	p.iotlb.entries = 128;
	CHECK_EQ(nb_hwparams_write(&p, path), 0, "%s", nb_errmsg());
	memset(&back, 0, sizeof(back));
	CHECK_EQ(nb_hwparams_load(&back, path), 0, "%s", nb_errmsg());
	CHECK_EQ(back.iotlb.entries, 128, "replaced file");
}

/* ---- defaults and validate ----------------------------------------------------- */

static void defaults(void)
{
	static const char *const names[] = { "vtd", "amd", "smmuv3" };

	for (int v = 0; v < NB_VENDOR_COUNT; v++) {
		struct nb_hw_params p;
		const struct nb_cache_params *c[] = { &p.iotlb, &p.pwc_s1, &p.pwc_s2,
						      &p.nested_tlb, &p.ctx_cache, &p.devtlb };

		nb_hwparams_defaults(&p, (enum nb_vendor)v);
		CHECK_EQ(nb_hwparams_validate(&p), 0, "defaults(%s): %s", names[v], nb_errmsg());
		CHECK(strcmp(p.model, names[v]) == 0, "defaults(%s): model %s", names[v], p.model);
		CHECK_EQ(p.vendor, v, "defaults vendor");
		for (size_t i = 0; i < NB_ARRAY_SIZE(c); i++)
			CHECK(c[i]->entries > 0 && c[i]->entries <= 64, "defaults(%s): cache %zu size %u",
			      names[v], i, c[i]->entries);
		CHECK_EQ(p.mem_dram_ns, 1, "defaults mem_dram_ns");
		CHECK_EQ(p.mem_llc_lines, 0, "defaults mem_llc_lines (no LLC)");
		CHECK_EQ(p.cmd_cycles[NB_VTD_WAIT], v == NB_VENDOR_VTD, "defaults WAIT");
		CHECK_EQ(p.cmd_cycles[NB_AMD_INV_IOMMU_PAGES], v == NB_VENDOR_AMD, "defaults INV_IOMMU_PAGES");
		CHECK_EQ(p.cmd_cycles[NB_SMMU_CMD_SYNC], v == NB_VENDOR_SMMUV3, "defaults CMD_SYNC");
		roundtrip(&p, names[v]);
	}
}

struct broken {
	void (*breakit)(struct nb_hw_params *p);
	int err;
	const char *msg; /* start of the message */
};

static void b_ways(struct nb_hw_params *p) { p->pwc_s2.ways = 5; }
static void b_model(struct nb_hw_params *p) { memset(p->model, 'a', sizeof(p->model)); }
static void b_empty_model(struct nb_hw_params *p) { p->model[0] = '\0'; }
static void b_vendor(struct nb_hw_params *p) { p->vendor = (enum nb_vendor)7; }
static void b_cost(struct nb_hw_params *p) { p->cmd_cycles[NB_AMD_COMPLETION_WAIT] = 4; }
static void b_big_cost(struct nb_hw_params *p) { p->cmd_cycles[NB_VTD_WAIT] = 1000000001; }
static void b_sizes(struct nb_hw_params *p) { p->nested_tlb.page_sizes = SZ(12); }
static void b_small_page(struct nb_hw_params *p) { p->iotlb.page_sizes |= SZ(11); }
static void b_no_sizes(struct nb_hw_params *p) { p->devtlb.page_sizes = 0; }
static void b_levels(struct nb_hw_params *p) { p->ctx_cache.levels = 2; }
static void b_level0(struct nb_hw_params *p) { p->pwc_s1.levels |= 1; }
static void b_repl(struct nb_hw_params *p) { p->iotlb.repl = NB_REPL_COUNT; }
static void b_qemu(struct nb_hw_params *p) { p->iotlb.repl = NB_REPL_QEMU; }
static void b_entries(struct nb_hw_params *p) { p->devtlb.entries = (1u << 20) + 4; }
static void b_max_am(struct nb_hw_params *p) { p->policy.max_am = 64; }
static void b_fq(struct nb_hw_params *p) { p->policy.fq_entries = 0; }
static void b_absent_ok(struct nb_hw_params *p) { p->ctx_cache.entries = 0; p->ctx_cache.ways = 3; }

static const struct broken broken[] = {
	{ b_ways, EINVAL, "pwc_s2.ways: 5 ways do not divide 16 entries" },
	{ b_model, EINVAL, "model: not terminated" },
	{ b_empty_model, EINVAL, "model: empty" },
	{ b_vendor, EINVAL, "vendor: vendor 7 is unknown" },
	{ b_cost, EINVAL, "costs.COMPLETION_WAIT: COMPLETION_WAIT is a command of vendor amd, not of vtd" },
	{ b_big_cost, ERANGE, "costs.WAIT: 1000000001 is out of range" },
	{ b_sizes, EINVAL, "nested_tlb.page_sizes:" },
	{ b_small_page, ERANGE, "iotlb.page_sizes: page size 2^11 is outside 4K..4T" },
	{ b_no_sizes, EINVAL, "devtlb.page_sizes:" },
	{ b_levels, EINVAL, "ctx_cache.levels:" },
	{ b_level0, ERANGE, "pwc_s1.levels: level 0 is outside 1..5" },
	{ b_repl, EINVAL, "iotlb.replacement:" },
	{ b_qemu, EINVAL, "iotlb.ways: qemu replacement" },
	{ b_entries, ERANGE, "devtlb.entries: 1048580 is out of range (0..1048576)" },
	{ b_max_am, ERANGE, "policy.max_am: 64 is out of range (0..63)" },
	{ b_fq, ERANGE, "policy.fq_entries: 0 is out of range (1..1048576)" },
	{ b_absent_ok, 0, "" },
};

static void validate(void)
{
	for (size_t i = 0; i < NB_ARRAY_SIZE(broken); i++) {
		struct nb_hw_params p;

		nb_hwparams_defaults(&p, NB_VENDOR_VTD);
		broken[i].breakit(&p);
		CHECK_EQ(nb_hwparams_validate(&p), -broken[i].err, "case %zu: %s", i, nb_errmsg());
		if (broken[i].err)
			CHECK(strncmp(nb_errmsg(), broken[i].msg, strlen(broken[i].msg)) == 0,
			      "case %zu: '%s', want '%s'", i, nb_errmsg(), broken[i].msg);
	}
}

/* A shipped variant: its base's description under its own name, with the
 * differences configs/README.md gives it (its table of files). */
static struct nb_hw_params variant_of(const struct nb_hw_params *base, const char *model)
{
	struct nb_hw_params v = *base;

	memset(v.model, 0, sizeof(v.model));
	memcpy(v.model, model, strlen(model));
	return v;
}

int main(void)
{
	struct nb_hw_params p, vmid = variant_of(&want_vtd, "vtd_vmid");
	struct nb_hw_params legacy = variant_of(&want_vtd, "vtd_legacy");
	struct nb_hw_params cachetag = variant_of(&want_vtd, "intel_cachetag");
	struct nb_hw_params hostdid = variant_of(&want_amd, "amd_hostdid");

	CHECK(mkdir(NB_TMP_DIR, 0777) == 0 || errno == EEXIST, "mkdir %s", NB_TMP_DIR);
	legacy.policy.batch = false; /* Linux 6.8/6.9: every descriptor its own wait */

	shipped("vtd.cfg", &want_vtd);
	shipped("vtd_legacy.cfg", &legacy);
	shipped("amd.cfg", &want_amd);
	shipped("smmuv3.cfg", &want_smmuv3);
	/* every shipped model as the benchmarks load it (its own file, or the
	 * hardware it is registered with) */
	shipped_model(&want_vtd);
	shipped_model(&vmid);
	shipped_model(&legacy);
	shipped_model(&cachetag);
	shipped_model(&want_amd);
	shipped_model(&hostdid);
	shipped_model(&want_smmuv3);
	roundtrip(&want_vtd, "vtd");
	roundtrip(&vmid, "vtd_vmid");
	roundtrip(&want_amd, "amd");
	roundtrip(&want_smmuv3, "smmuv3");
	defaults();
	for (int i = 0; i < 300; i++) {
		char what[32];

		random_params(&p);
		snprintf(what, sizeof(what), "random #%d", i);
		CHECK_EQ(nb_hwparams_validate(&p), 0, "%s: %s", what, nb_errmsg());
		roundtrip(&p, what);
	}
	write_refusals();
	validate();
	CHECK_EQ(count_tmp_files(), 0, "temporary files left in %s", NB_TMP_DIR);
	return nbt_done("config/test_hw_files");
}
