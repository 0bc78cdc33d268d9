// SPDX-License-Identifier: MIT
/*
 * Every bad description in tests/config/bad/ is refused with the errno and
 * the "FILE:LINE: KEY: ..." message written below by hand (line numbers
 * counted in the fixture files), and the struct it was loaded over is left
 * byte for byte as it was.
 */
#include <errno.h>
#include <string.h>

#include "nb_test.h"
#include "nestbench/hwparams.h"

enum base { DEF, ZERO }; /* loaded over nb_hwparams_defaults(vtd), or all zeros */

struct bad {
	const char *file;
	enum base base;
	int err;
	unsigned line; /* 0: the message has no line */
	const char *key;
	const char *detail;
};

static const struct bad cases[] = {
	{ "unknown_key.cfg", DEF, EINVAL, 3, "colour", "unknown key" },
	{ "typo_nested.cfg", DEF, EINVAL, 4, "iotlb.entires", "did you mean entries?" },
	{ "string_for_int.cfg", DEF, EINVAL, 2, "iotlb.ways", "expected an integer, got a string" },
	{ "negative.cfg", DEF, ERANGE, 3, "pwc_s1.lookup_ns", "-2 is out of range (0..1000000)" },
	{ "ways_not_dividing.cfg", DEF, EINVAL, 3, "iotlb.ways", "3 ways do not divide 512 entries" },
	{ "plru_6_ways.cfg", DEF, EINVAL, 4, "devtlb.ways", "6 ways with plru replacement" },
	{ "other_vendor_cost.cfg", DEF, EINVAL, 4, "costs.TLBI_S2_IPA",
	  "a command of vendor smmuv3, not of vtd" },
	{ "unknown_repl.cfg", DEF, EINVAL, 2, "ctx_cache.replacement", "unknown replacement \"fifo\"" },
	{ "unknown_page_size.cfg", DEF, EINVAL, 4, "iotlb.page_sizes", "\"3M\" is not a power of two" },
	{ "syntax.cfg", DEF, EINVAL, 4, "syntax error", "" },
	{ "empty.cfg", ZERO, EINVAL, 0, "model", "not set" },
	{ "binary.cfg", DEF, EINVAL, 1, "syntax error", "binary data (byte 0x7f)" },
	{ "huge_number.cfg", DEF, ERANGE, 2, "iotlb.entries",
	  "99999999999999999999 does not fit in 64 bits" },
	{ "wrapped_number.cfg", DEF, ERANGE, 3, "iotlb.entries", "4294967808 is out of range (0..1048576)" },
	{ "hex_number.cfg", DEF, ERANGE, 3, "iotlb.entries", "0x100000000 is out of range" },
	{ "hidden_number.cfg", DEF, ERANGE, 5, "ctx_cache.entries", "4294967296L is out of range" },
	{ "level_out_of_range.cfg", DEF, ERANGE, 3, "pwc_s2.levels", "6 is out of range (1..5)" },
	{ "level_zero.cfg", DEF, ERANGE, 3, "pwc_s1.levels", "0 is out of range (1..5)" },
	{ "ways_zero.cfg", DEF, EINVAL, 3, "nested_tlb.ways", "0 ways, but 64 entries" },
	{ "unknown_vendor.cfg", DEF, EINVAL, 1, "vendor", "unknown vendor \"arm\"" },
	{ "group_expected.cfg", DEF, EINVAL, 2, "policy", "expected a group { ... }, got an integer" },
	{ "unknown_cost.cfg", DEF, EINVAL, 2, "costs.IOTLB_PSX", "did you mean IOTLB_PSI?" },
	{ "duplicate.cfg", DEF, EINVAL, 3, "syntax error", "duplicate setting name" },
	{ "page_sizes_in_pwc.cfg", DEF, EINVAL, 3, "pwc_s1.page_sizes", "pwc_s1 has no page_sizes" },
	{ "include.cfg", DEF, EINVAL, 2, "syntax error", "@include is not supported" },
	{ "bool_as_int.cfg", DEF, EINVAL, 3, "policy.strict", "expected true or false, got an integer" },
	{ "float_for_int.cfg", DEF, EINVAL, 1, "mem_dram_ns",
	  "expected an integer, got a floating-point number" },
	{ "sets_not_pow2.cfg", DEF, EINVAL, 3, "iotlb.entries", "96 entries / 4 ways = 24 sets" },
	{ "max_am_range.cfg", DEF, ERANGE, 2, "policy.max_am", "64 is out of range (0..63)" },
	{ "model_chars.cfg", DEF, EINVAL, 1, "model", "\"my model\": use letters, digits" },
	{ "model_no_vendor.cfg", ZERO, EINVAL, 0, "vendor", "not set" },
};

static void base_of(enum base b, struct nb_hw_params *p)
{
	memset(p, 0, sizeof(*p));
	if (b == DEF)
		nb_hwparams_defaults(p, NB_VENDOR_VTD);
}

/* Load path over a base; expect err and a message starting with want. */
static void expect(const char *path, enum base b, int err, const char *want, const char *detail)
{
	struct nb_hw_params p, before;
	int ret;

	base_of(b, &p);
	memcpy(&before, &p, sizeof(p));
	ret = nb_hwparams_load(&p, path);
	CHECK_EQ(ret, -err, "%s: errno (message: %s)", path, nb_errmsg());
	CHECK(strncmp(nb_errmsg(), want, strlen(want)) == 0, "%s: message '%s', want it to start '%s'",
	      path, nb_errmsg(), want);
	CHECK(strstr(nb_errmsg(), detail) != NULL, "%s: message '%s' lacks '%s'", path, nb_errmsg(),
	      detail);
	CHECK(memcmp(&p, &before, sizeof(p)) == 0, "%s: the struct changed on a failed load", path);
}

int main(void)
{
	char path[512], want[700];
	struct nb_hw_params p, before;

	for (size_t i = 0; i < NB_ARRAY_SIZE(cases); i++) {
		const struct bad *c = &cases[i];

		snprintf(path, sizeof(path), "%s/%s", NB_BAD_DIR, c->file);
		if (c->line)
			snprintf(want, sizeof(want), "%s:%u: %s", path, c->line, c->key);
		else
			snprintf(want, sizeof(want), "%s: %s: ", path, c->key);
		expect(path, c->base, c->err, want, c->detail);
	}

	/* A missing file and a directory: the OS's words, exactly. */
	snprintf(path, sizeof(path), "%s/no_such_file.cfg", NB_BAD_DIR);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	expect(path, DEF, ENOENT, want, "");
	CHECK(strcmp(nb_errmsg(), want) == 0, "missing file: '%s'", nb_errmsg());
	snprintf(want, sizeof(want), "%s: Is a directory", NB_BAD_DIR);
	expect(NB_BAD_DIR, DEF, EISDIR, want, "");

	/* An empty file over a complete description changes nothing. */
	snprintf(path, sizeof(path), "%s/empty.cfg", NB_BAD_DIR);
	base_of(DEF, &p);
	memcpy(&before, &p, sizeof(p));
	CHECK_EQ(nb_hwparams_load(&p, path), 0, "empty over defaults: %s", nb_errmsg());
	CHECK(memcmp(&p, &before, sizeof(p)) == 0, "empty over defaults changed the struct");

	/* A vendor-only failure mid-file: nothing of the earlier keys sticks. */
	snprintf(path, sizeof(path), "%s/other_vendor_cost.cfg", NB_BAD_DIR);
	base_of(DEF, &p);
	CHECK(nb_hwparams_load(&p, path) < 0, "other_vendor_cost.cfg loaded");
	CHECK_EQ(p.cmd_cycles[NB_VTD_IOTLB_PSI], 1, "IOTLB_PSI = 100 leaked from a failed load");

	return nbt_done("config/test_hw_bad");
}
