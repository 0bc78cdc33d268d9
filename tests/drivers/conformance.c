// SPDX-License-Identifier: MIT
/*
 * The conformance test's bookkeeping (features, skips), its platforms'
 * expected values, and its buffers.
 */
#include <stdio.h>
#include <stdlib.h>

#include "conformance.h"

#define MAX_FEATURES 32

int nbt_skipped;
static struct feature features[MAX_FEATURES];
static int nfeatures;

static const char *prefix;

void feature_prefix(const char *label)
{
	prefix = label;
}

struct feature *feature_begin(const char *backend, const char *name)
{
	struct feature *f = &features[nfeatures < MAX_FEATURES ? nfeatures++ : MAX_FEATURES - 1];
	static char names[MAX_FEATURES][64];

	snprintf(names[f - features], sizeof(names[0]), "%s/%s", prefix ? prefix : backend, name);
	*f = (struct feature){ .name = names[f - features], .checks0 = nbt_checks, .failed0 = nbt_failed };
	return f;
}

void feature_end(struct feature *f)
{
	int checks = nbt_checks - f->checks0, failed = nbt_failed - f->failed0;

	fprintf(stderr, "%s: %d checks, %d failed, %d skipped%s%s\n", f->name, checks, failed, f->skipped,
		f->skipped ? ": " : "", f->why);
	f->checks0 = checks; /* from here on: this feature's own counts */
	f->failed0 = failed;
}

void skip_checks(struct feature *f, int n, const char *fmt, ...)
{
	char why[sizeof(f->why)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: SKIP %d check(s): %s\n", f->name, n, why);
	if (!f->skipped)
		snprintf(f->why, sizeof(f->why), "%s", why);
	f->skipped += n;
	nbt_skipped += n;
}

const struct feature *feature_at(int i)
{
	return i < nfeatures ? &features[i] : NULL;
}

/*
 * Expected answers once a device is attached, per platform:
 * - mock: the aperture of the selftest mock domain, [MOCK_APERTURE_START,
 *   MOCK_APERTURE_LAST] = [1 << 24, (1 << 31) - 1] (drivers/iommu/iommufd/
 *   iommufd_test.h), its pages MOCK_IO_PAGE_SIZE = PAGE_SIZE / 2 (selftest.c);
 *   no reserved regions.
 * - vtd: 48-bit second stage ([0, 2^48 - 1]) minus the IOAPIC/MSI window
 *   [0xfee00000, 0xfeefffff] (intel/iommu.c IOAPIC_RANGE_START..END); 4 KiB
 *   pages. (The same on the guest's emulated VT-d: docs/guest.md.)
 * - amd: AMD-Vi v1 as Linux 6.12 sets it up (aperture to 2^64 - 1) minus
 *   the MSI window and the HyperTransport range [0xfd00000000, 0xffffffffff]
 *   (amd/iommu.c MSI_RANGE_*, HT_RANGE_*). emu-amd: the same regions, with
 *   the emulator's 48-bit v1 table (src/models/formats.c).
 * - emu-smmuv3: 48-bit stage 2 minus the software MSI window [0x8000000,
 *   0x80fffff] (arm-smmu-v3.h MSI_IOVA_BASE, MSI_IOVA_LENGTH).
 * Kernel-chosen IOVAs (iopt_alloc_iova): the lowest free address at or
 * above 4 KiB aligned to min(length rounded up to a power of two, the
 * buffer's alignment, 2 MiB (HPAGE_SIZE)). In a fresh IOAS: 4 MiB of a
 * 4 MiB-aligned buffer (any_4m: aligned to 2 MiB only), then 2 MiB of it
 * (any_2m), then 4 KiB (any_4k). The mock: 16 MiB, 20 MiB, 22 MiB; elsewhere
 * 2 MiB (not 4 MiB), 6 MiB, then 4 KiB (below the first).
 */
static const struct platform platforms[] = {
	{ .name = "mock", .nranges = 1, .ranges = { { 0x1000000, 0x7fffffff } }, .align = 0x800,
	  .any_4m = 0x1000000, .any_2m = 0x1400000, .any_4k = 0x1600000, .leaf_2m = false },
	{ .name = "vtd", .nranges = 2, .ranges = { { 0, 0xfedfffff }, { 0xfef00000, 0xffffffffffff } },
	  .align = 0x1000, .any_4m = 0x200000, .any_2m = 0x600000, .any_4k = 0x1000, .leaf_2m = true },
	{ .name = "amd", .nranges = 3,
	  .ranges = { { 0, 0xfedfffff }, { 0xfef00000, 0xfcffffffff }, { 0x10000000000, UINT64_MAX } },
	  .align = 0x1000, .any_4m = 0x200000, .any_2m = 0x600000, .any_4k = 0x1000, .leaf_2m = true },
	{ .name = "emu-amd", .nranges = 3,
	  .ranges = { { 0, 0xfedfffff }, { 0xfef00000, 0xfcffffffff }, { 0x10000000000, 0xffffffffffff } },
	  .align = 0x1000, .any_4m = 0x200000, .any_2m = 0x600000, .any_4k = 0x1000, .leaf_2m = true },
	{ .name = "emu-smmuv3", .nranges = 2, .ranges = { { 0, 0x7ffffff }, { 0x8100000, 0xffffffffffff } },
	  .align = 0x1000, .any_4m = 0x200000, .any_2m = 0x600000, .any_4k = 0x1000, .leaf_2m = true },
};

const struct platform *platform_by_name(const char *name)
{
	for (size_t i = 0; name && i < NB_ARRAY_SIZE(platforms); i++)
		if (strcmp(platforms[i].name, name) == 0)
			return &platforms[i];
	return NULL;
}

void *buf_alloc(uint64_t len, uint64_t align)
{
	/* C11 aligned_alloc: len must be a multiple of align */
	uint64_t size = (len + align - 1) / align * align;
	void *p = aligned_alloc(align, size);

	/* touch every page: the kernel pins them, the mock compares them */
	if (p)
		memset(p, 0x5a, size);
	return p;
}
