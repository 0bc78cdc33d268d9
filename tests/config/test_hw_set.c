// SPDX-License-Identifier: MIT
/*
 * nb_hwparams_set(): what it accepts lands in the field named below; what it
 * refuses gets the errno and "--set KEY: ..." written below and leaves the
 * struct as it was; and it refuses what a file refuses, with the same errno
 * and key.
 */
#include <errno.h>
#include <string.h>

#include "nb_test.h"
#include "nestbench/hwparams.h"

#define SZ(lg2) (1ull << (lg2))
#define VTD NB_VENDOR_VTD
#define AMD NB_VENDOR_AMD

static struct nb_hw_params fresh(enum nb_vendor v)
{
	struct nb_hw_params p;

	nb_hwparams_defaults(&p, v);
	return p;
}

static void accept(struct nb_hw_params *p, const char *a)
{
	CHECK_EQ(nb_hwparams_set(p, a), 0, "set '%s': %s", a, nb_errmsg());
}

static void refuse(enum nb_vendor v, const char *a, int err, const char *msg)
{
	struct nb_hw_params p = fresh(v), before;

	memcpy(&before, &p, sizeof(p));
	CHECK_EQ(nb_hwparams_set(&p, a), -err, "set '%s': %s", a, nb_errmsg());
	CHECK(strncmp(nb_errmsg(), msg, strlen(msg)) == 0, "set '%s': '%s', want '%s'", a,
	      nb_errmsg(), msg);
	CHECK(memcmp(&p, &before, sizeof(p)) == 0, "set '%s' changed the struct", a);
}

static void accepted(void)
{
	struct nb_hw_params p = fresh(NB_VENDOR_VTD);

	accept(&p, "iotlb.entries=1024");
	CHECK_EQ(p.iotlb.entries, 1024, "iotlb.entries");
	accept(&p, " iotlb.entries = 2K ");
	CHECK_EQ(p.iotlb.entries, 2048, "iotlb.entries with a suffix and spaces");
	accept(&p, "policy.strict=false");
	CHECK_EQ(p.policy.strict, false, "strict=false");
	accept(&p, "policy.strict=1");
	CHECK_EQ(p.policy.strict, true, "strict=1");
	accept(&p, "policy.batch=true");
	CHECK_EQ(p.policy.batch, true, "batch=true");
	accept(&p, "policy.ril=0");
	CHECK_EQ(p.policy.ril, false, "ril=0");
	accept(&p, "policy.range_max_pages=4294967295");
	CHECK_EQ(p.policy.range_max_pages, 4294967295u, "range_max_pages");
	accept(&p, "policy.max_am=9");
	CHECK_EQ(p.policy.max_am, 9, "max_am");
	accept(&p, "policy.fq_timeout_us=0x10");
	CHECK_EQ(p.policy.fq_timeout_us, 16, "hex");
	accept(&p, "iotlb.page_sizes=4K,2M");
	CHECK_EQ(p.iotlb.page_sizes, SZ(12) | SZ(21), "page_sizes list");
	accept(&p, "devtlb.page_sizes=[ 4K, 1G ]");
	CHECK_EQ(p.devtlb.page_sizes, SZ(12) | SZ(30), "page_sizes with brackets");
	accept(&p, "pwc_s1.levels=2,3");
	CHECK_EQ(p.pwc_s1.levels, (1u << 2) | (1u << 3), "levels");
	accept(&p, "iotlb.replacement=random");
	CHECK_EQ(p.iotlb.repl, NB_REPL_RANDOM, "replacement");
	accept(&p, "iotlb.replacement=\"plru\"");
	CHECK_EQ(p.iotlb.repl, NB_REPL_PLRU, "quoted replacement");
	accept(&p, "model=my_iommu-2");
	CHECK(strcmp(p.model, "my_iommu-2") == 0, "model %s", p.model);
	accept(&p, "mem_dram_ns=250");
	CHECK_EQ(p.mem_dram_ns, 250, "mem_dram_ns");
	accept(&p, "ctx_cache.entries=0");
	CHECK_EQ(p.ctx_cache.entries, 0, "a cache made absent");
	/* Two keys that are only valid together: 48 entries / 6 ways = 8 sets. */
	accept(&p, "nested_tlb.entries=48; nested_tlb.ways=6");
	CHECK(p.nested_tlb.entries == 48 && p.nested_tlb.ways == 6, "multi-assignment");
	accept(&p, "iotlb.replacement=qemu;iotlb.ways=2048");
	CHECK_EQ(p.iotlb.repl, NB_REPL_QEMU, "qemu replacement");

	/* Switching vendor: the new command set at cost 1, the old one gone. */
	p = fresh(NB_VENDOR_VTD);
	accept(&p, "costs.WAIT=900");
	accept(&p, "vendor=smmuv3");
	CHECK_EQ(p.vendor, NB_VENDOR_SMMUV3, "vendor");
	CHECK_EQ(p.cmd_cycles[NB_VTD_WAIT], 0, "old vendor's costs dropped");
	CHECK_EQ(p.cmd_cycles[NB_SMMU_CMD_SYNC], 1, "new vendor's costs at 1");
	accept(&p, "vendor=smmuv3; costs.CMD_SYNC=600");
	CHECK_EQ(p.cmd_cycles[NB_SMMU_CMD_SYNC], 600, "costs after an unchanged vendor");
}

/* Every cost key, name to command, as configs/README.md lists them. */
static const struct {
	const char *name;
	enum nb_inv_op op;
	enum nb_vendor v;
} cost_keys[] = {
	{ "CC_INV", NB_VTD_CC_INV, NB_VENDOR_VTD },
	{ "IOTLB_GLOBAL", NB_VTD_IOTLB_GLOBAL, NB_VENDOR_VTD },
	{ "IOTLB_DSI", NB_VTD_IOTLB_DSI, NB_VENDOR_VTD },
	{ "IOTLB_PSI", NB_VTD_IOTLB_PSI, NB_VENDOR_VTD },
	{ "DEVTLB", NB_VTD_DEVTLB, NB_VENDOR_VTD },
	{ "PIOTLB_PASID", NB_VTD_PIOTLB_PASID, NB_VENDOR_VTD },
	{ "PIOTLB_PSI", NB_VTD_PIOTLB_PSI, NB_VENDOR_VTD },
	{ "PC_INV", NB_VTD_PC_INV, NB_VENDOR_VTD },
	{ "PASID_DEVTLB", NB_VTD_PASID_DEVTLB, NB_VENDOR_VTD },
	{ "WAIT", NB_VTD_WAIT, NB_VENDOR_VTD },
	{ "COMPLETION_WAIT", NB_AMD_COMPLETION_WAIT, NB_VENDOR_AMD },
	{ "INVALIDATE_DEVTAB_ENTRY", NB_AMD_INV_DEVTAB_ENTRY, NB_VENDOR_AMD },
	{ "INVALIDATE_IOMMU_PAGES", NB_AMD_INV_IOMMU_PAGES, NB_VENDOR_AMD },
	{ "INVALIDATE_IOTLB_PAGES", NB_AMD_INV_IOTLB_PAGES, NB_VENDOR_AMD },
	{ "INVALIDATE_IOMMU_ALL", NB_AMD_INV_IOMMU_ALL, NB_VENDOR_AMD },
	{ "CFGI_STE", NB_SMMU_CFGI_STE, NB_VENDOR_SMMUV3 },
	{ "CFGI_CD", NB_SMMU_CFGI_CD, NB_VENDOR_SMMUV3 },
	{ "TLBI_NH_ALL", NB_SMMU_TLBI_NH_ALL, NB_VENDOR_SMMUV3 },
	{ "TLBI_NH_ASID", NB_SMMU_TLBI_NH_ASID, NB_VENDOR_SMMUV3 },
	{ "TLBI_NH_VA", NB_SMMU_TLBI_NH_VA, NB_VENDOR_SMMUV3 },
	{ "TLBI_S12_VMALL", NB_SMMU_TLBI_S12_VMALL, NB_VENDOR_SMMUV3 },
	{ "TLBI_S2_IPA", NB_SMMU_TLBI_S2_IPA, NB_VENDOR_SMMUV3 },
	{ "TLBI_NSNH_ALL", NB_SMMU_TLBI_NSNH_ALL, NB_VENDOR_SMMUV3 },
	{ "ATC_INV", NB_SMMU_ATC_INV, NB_VENDOR_SMMUV3 },
	{ "CMD_SYNC", NB_SMMU_CMD_SYNC, NB_VENDOR_SMMUV3 },
};

static enum nb_vendor vendor_of(int op)
{
	for (size_t i = 0; i < NB_ARRAY_SIZE(cost_keys); i++)
		if ((int)cost_keys[i].op == op)
			return cost_keys[i].v;
	return NB_VENDOR_COUNT;
}

static void costs(void)
{
	char a[64];

	CHECK_EQ(NB_ARRAY_SIZE(cost_keys), NB_INV_OP_COUNT, "a command without a cost key");
	for (size_t i = 0; i < NB_ARRAY_SIZE(cost_keys); i++) {
		struct nb_hw_params p = fresh(cost_keys[i].v);

		snprintf(a, sizeof(a), "costs.%s=%zu", cost_keys[i].name, 1000 + i);
		accept(&p, a);
		for (int op = 0; op < NB_INV_OP_COUNT; op++)
			CHECK_EQ(p.cmd_cycles[op],
				 op == (int)cost_keys[i].op	    ? 1000 + i
				 : vendor_of(op) == cost_keys[i].v ? 1 /* the defaults */
								    : 0,
				 "after '%s': op %d", a, op);
	}
}

/* Refused: errno and the start of the message. */
static const struct {
	enum nb_vendor v;
	const char *set;
	int err;
	const char *msg;
} refusals[] = {
	{ VTD, "iotlb.entires=5", EINVAL,
	  "--set iotlb.entires: unknown key; did you mean entries?" },
	{ VTD, "iotlbx.entries=5", EINVAL, "--set iotlbx: unknown key; did you mean iotlb?" },
	{ VTD, "iotlb.entries.x=5", EINVAL, "--set iotlb.entries.x: unknown key" },
	{ VTD, "colour=blue", EINVAL, "--set colour: unknown key" },
	{ VTD, "iotlb", EINVAL, "--set 'iotlb': expected key=value" },
	{ VTD, "", EINVAL, "--set '': expected key=value" },
	{ VTD, " ; ", EINVAL, "--set ' ; ': expected key=value" },
	{ VTD, "iotlb=5", EINVAL, "--set iotlb: is a group" },
	{ VTD, "iotlb.entries=abc", EINVAL, "--set iotlb.entries: 'abc' is not a number" },
	{ VTD, "iotlb.entries=", EINVAL, "--set iotlb.entries: empty number" },
	{ VTD, "iotlb.entries=-1", ERANGE,
	  "--set iotlb.entries: -1 is out of range (0..1048576)" },
	{ VTD, "iotlb.entries=99999999999999999999", ERANGE, "--set iotlb.entries: number" },
	{ VTD, "iotlb.entries=4294967808", ERANGE,
	  "--set iotlb.entries: 4294967808 is out of range (0..1048576)" },
	{ VTD, "iotlb.ways=3", EINVAL, "--set iotlb.ways: 3 ways do not divide 64 entries" },
	{ VTD, "iotlb.entries=48", EINVAL,
	  "--set iotlb.entries: 48 entries / 4 ways = 12 sets; the set count must be a power of two" },
	{ VTD, "iotlb.entries=48;iotlb.ways=6;iotlb.replacement=plru", EINVAL,
	  "--set iotlb.ways: 6 ways with plru replacement" },
	{ VTD, "iotlb.replacement=qemu", EINVAL, "--set iotlb.replacement: qemu replacement" },
	{ VTD, "costs.TLBI_S2_IPA=5", EINVAL,
	  "--set costs.TLBI_S2_IPA: TLBI_S2_IPA is a command of vendor smmuv3, not of vtd" },
	{ AMD, "costs.IOTLB_PSI=5", EINVAL,
	  "--set costs.IOTLB_PSI: IOTLB_PSI is a command of vendor vtd, not of amd" },
	{ VTD, "costs.WAIT=1000000001", ERANGE, "--set costs.WAIT: 1000000001 is out of range" },
	{ VTD, "iotlb.replacement=fifo", EINVAL,
	  "--set iotlb.replacement: unknown replacement \"fifo\"" },
	{ VTD, "iotlb.page_sizes=4K,3M", EINVAL,
	  "--set iotlb.page_sizes: page size \"3M\" is not a power of two" },
	{ VTD, "iotlb.page_sizes=4K,8T", ERANGE,
	  "--set iotlb.page_sizes: page size \"8T\" is outside 4K..4T" },
	{ VTD, "iotlb.page_sizes=4K,4K", EINVAL,
	  "--set iotlb.page_sizes: page size \"4K\" is listed twice" },
	{ VTD, "iotlb.page_sizes=", EINVAL,
	  "--set iotlb.page_sizes: a present iotlb must hold at least one page size" },
	{ VTD, "pwc_s1.levels=1,6", ERANGE, "--set pwc_s1.levels: 6 is out of range (1..5)" },
	{ VTD, "pwc_s1.levels=2,2", EINVAL, "--set pwc_s1.levels: level 2 is listed twice" },
	{ VTD, "pwc_s1.page_sizes=4K", EINVAL,
	  "--set pwc_s1.page_sizes: pwc_s1 has no page_sizes" },
	{ VTD, "iotlb.levels=1", EINVAL, "--set iotlb.levels: iotlb has no levels" },
	{ VTD, "policy.strict=yes", EINVAL, "--set policy.strict: 'yes' is not a boolean" },
	{ VTD, "policy.max_am=64", ERANGE, "--set policy.max_am: 64 is out of range (0..63)" },
	{ VTD, "policy.fq_entries=0", ERANGE,
	  "--set policy.fq_entries: 0 is out of range (1..1048576)" },
	{ VTD, "vendor=arm", EINVAL, "--set vendor: unknown vendor \"arm\"" },
	{ VTD, "model=", EINVAL, "--set model: empty" },
	{ VTD, "model=a b", EINVAL, "--set model: \"a b\": use letters" },
	{ VTD, "model=abcdefghijabcdefghijabcdefghijab", EINVAL, "--set model: longer than 31" },
	/* a later assignment fails: the earlier ones do not stick either */
	{ VTD, "iotlb.entries=1024; iotlb.wayz=4", EINVAL, "--set iotlb.wayz: unknown key" },
};

static void refused(void)
{
	for (size_t i = 0; i < NB_ARRAY_SIZE(refusals); i++)
		refuse(refusals[i].v, refusals[i].set, refusals[i].err, refusals[i].msg);
}

/* The same mistake in a file and on the command line: same errno, same key. */
static const struct {
	const char *file, *set, *key;
} twins[] = {
	{ "typo_nested.cfg", "iotlb.entires=256", " iotlb.entires: " },
	{ "negative.cfg", "pwc_s1.lookup_ns=-2", " pwc_s1.lookup_ns: " },
	{ "ways_not_dividing.cfg", "iotlb.entries=512;iotlb.ways=3", " iotlb.ways: " },
	{ "plru_6_ways.cfg", "devtlb.entries=48;devtlb.ways=6;devtlb.replacement=plru", " devtlb.ways: " },
	{ "other_vendor_cost.cfg", "costs.TLBI_S2_IPA=100", " costs.TLBI_S2_IPA: " },
	{ "unknown_repl.cfg", "ctx_cache.replacement=fifo", " ctx_cache.replacement: " },
	{ "unknown_page_size.cfg", "iotlb.page_sizes=4K,3M,1G", " iotlb.page_sizes: " },
	{ "huge_number.cfg", "iotlb.entries=99999999999999999999", " iotlb.entries: " },
	{ "wrapped_number.cfg", "iotlb.entries=4294967808", " iotlb.entries: " },
	{ "level_out_of_range.cfg", "pwc_s2.levels=1,2,6", " pwc_s2.levels: " },
	{ "sets_not_pow2.cfg", "iotlb.entries=96", " iotlb.entries: " },
	{ "page_sizes_in_pwc.cfg", "pwc_s1.page_sizes=4K", " pwc_s1.page_sizes: " },
	{ "unknown_vendor.cfg", "vendor=arm", " vendor: " },
	{ "max_am_range.cfg", "policy.max_am=64", " policy.max_am: " },
};

static void same_as_file(void)
{
	for (size_t i = 0; i < NB_ARRAY_SIZE(twins); i++) {
		struct nb_hw_params a = fresh(NB_VENDOR_VTD), b = fresh(NB_VENDOR_VTD);
		char path[512];
		int rf, rs;

		snprintf(path, sizeof(path), "%s/%s", NB_BAD_DIR, twins[i].file);
		rf = nb_hwparams_load(&a, path);
		CHECK(rf < 0 && strstr(nb_errmsg(), twins[i].key), "%s: %d '%s'", twins[i].file, rf,
		      nb_errmsg());
		rs = nb_hwparams_set(&b, twins[i].set);
		CHECK(rs < 0 && strstr(nb_errmsg(), twins[i].key), "'%s': %d '%s'", twins[i].set, rs,
		      nb_errmsg());
		CHECK_EQ(rf, rs, "%s vs --set '%s': errno", twins[i].file, twins[i].set);
	}
}

int main(void)
{
	accepted();
	costs();
	refused();
	same_as_file();
	return nbt_done("config/test_hw_set");
}
