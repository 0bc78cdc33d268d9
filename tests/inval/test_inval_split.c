// SPDX-License-Identifier: MIT
/*
 * Range splitting, each case derived by hand from the Linux driver code it
 * mirrors (VT-d calculate_psi_aligned_address, AMD build_inv_address, SMMU
 * __arm_smmu_tlb_inv_range and arm_smmu_atc_inv_to_cmd). Every produced
 * command must also encode, and its span must lie inside what Linux would
 * flush while covering the request.
 */
#include "inval_test.h"

#define MAXC 16

struct want {
	uint64_t addr;
	uint8_t am, num, scale;
	bool size_s;
};

static struct nb_inv_cmd out[MAXC];

/* Split, compare with the wanted commands, encode each, and check the
 * spans cover [addr, addr+size) (unless `hits_entries`: TG=0 commands with
 * a granule above 4K hit the whole entry holding their address, their span
 * is only the 4 KiB address unit). */
static void check_split_x(bool hits_entries, const char *what, const struct nb_inv_cmd *tmpl,
			  uint64_t addr, uint64_t size, const struct nb_split_caps *caps,
			  const struct want *w, int nw)
{
	int n = nb_inv_split(tmpl, addr, size, caps, out, MAXC);
	uint64_t next = addr; /* first byte not yet covered; spans run low to high */
	bool top = false;     /* covered up to 2^64 - 1 */

	CHECK(n == nw, "%s: %d commands (%s), want %d", what, n, n < 0 ? nb_errmsg() : "", nw);
	for (int i = 0; i < n && i < nw; i++) {
		struct nb_inv_raw raw;
		uint64_t first, last;
		int rc;

		CHECK_EQ(out[i].addr, w[i].addr, "%s: command %d addr", what, i);
		CHECK_EQ(out[i].am, w[i].am, "%s: command %d am", what, i);
		CHECK_EQ(out[i].num, w[i].num, "%s: command %d num", what, i);
		CHECK_EQ(out[i].scale, w[i].scale, "%s: command %d scale", what, i);
		CHECK_EQ(out[i].size_s, w[i].size_s, "%s: command %d S", what, i);
		CHECK_EQ(out[i].op, tmpl->op, "%s: command %d op", what, i);
		rc = nb_inv_encode(&out[i], &raw);
		CHECK(rc == 0, "%s: command %d does not encode: %s", what, i, nb_errmsg());
		CHECK(nb_inv_span(&out[i], &first, &last), "%s: command %d has no span", what, i);
		CHECK(hits_entries || top || first <= next, "%s: gap before command %d", what, i);
		if (last == UINT64_MAX)
			top = true;
		else if (last + 1 > next)
			next = last + 1;
	}
	if (n > 0 && !hits_entries)
		CHECK(top || next - addr >= size, "%s: range not covered (to %#" PRIx64 ")", what,
		      next);
}

#define check_split(...) check_split_x(false, __VA_ARGS__)

static void vtd(void)
{
	struct nb_split_caps caps = { .max_am = 9, .granule_lg2 = 12 };
	struct nb_inv_cmd psi = { .op = NB_VTD_IOTLB_PSI, .tag = 3, .leaf = true };
	struct nb_inv_cmd piotlb = { .op = NB_VTD_PIOTLB_PSI, .tag = 3, .sub = 9 };
	struct nb_inv_cmd dev = { .op = NB_VTD_DEVTLB, .sid = 0x100, .pfsid = 0x100, .qdep = 8 };

	/* [0x1000, +0x3000): pfn 1..3, pages 3 -> rounded to 4, mask 2, bitmask
	 * 3. pfn 1 & 3 != 0, unaligned: end_pfn 3, shared = ~(1 ^ 3) & ~3 =
	 * ~2 & ~3 = ...11111100, lowest set bit 2 -> AM 2, address
	 * 0x1000 aligned down to 16 KiB = 0. One descriptor: [0, 0x4000). */
	check_split("VT-d [0x1000,+0x3000)", &psi, 0x1000, 0x3000, &caps,
		    (struct want[]){ { .addr = 0, .am = 2 } }, 1);
	CHECK_EQ(out[0].tag, 3, "template DID kept");
	CHECK(out[0].leaf, "template IH kept");

	/* crossing a boundary: [0x3000, +0x2000): pfn 3, 4; pages 2, mask 1,
	 * bitmask 1; pfn & 1 -> shared = ~(3 ^ 4) & ~1 = ~7 & ~1, lowest bit 3:
	 * AM 3 at 0 -> [0, 0x8000) for two pages. */
	check_split("VT-d [0x3000,+0x2000)", &psi, 0x3000, 0x2000, &caps,
		    (struct want[]){ { .addr = 0, .am = 3 } }, 1);

	/* aligned 2 MiB: 512 pages at pfn 0x200 (512-aligned): AM 9 */
	check_split("VT-d 2 MiB aligned", &psi, 0x200000, 0x200000, &caps,
		    (struct want[]){ { .addr = 0x200000, .am = 9 } }, 1);

	/* inside one page: AM 0 at the page */
	check_split("VT-d 1 byte", &psi, 0x5123, 1, &caps,
		    (struct want[]){ { .addr = 0x5000, .am = 0 } }, 1);

	/* 0x1001 bytes from 0x1000 touch pfn 1 and 2: pages 2, bitmask 1,
	 * pfn 1 unaligned: shared = ~(1 ^ 2) & ~1 = ~3 & ~1 -> bit 2: AM 2 at 0 */
	check_split("VT-d two pages, unaligned", &psi, 0x1000, 0x1001, &caps,
		    (struct want[]){ { .addr = 0, .am = 2 } }, 1);

	/* the worst case: two pages straddling 4 MiB - 4K. pfn 0x1ff, 0x200:
	 * shared = ~(0x1ff ^ 0x200) & ~1 = ~0x3ff & ~1 -> bit 10: AM 10, which is
	 * above MAMV 9 -> -ERANGE (the caller falls back to DSI) */
	CHECK_FAILS(nb_inv_split(&psi, 0x1ff000, 0x2000, &caps, out, MAXC), ERANGE, "MAMV");
	/* with MAMV 10: [0, 4 MiB) */
	caps.max_am = 10;
	check_split("VT-d straddle, MAMV 10", &psi, 0x1ff000, 0x2000, &caps,
		    (struct want[]){ { .addr = 0, .am = 10 } }, 1);
	caps.max_am = 9;
	/* 4 MiB aligned: 1024 pages, AM 10 > 9 */
	CHECK_FAILS(nb_inv_split(&psi, 0, 0x400000, &caps, out, MAXC), ERANGE, "AM 10");
	/* P_IOTLB and device-TLB descriptors are not capped by MAMV (as Linux) */
	check_split("VT-d P_IOTLB 4 MiB", &piotlb, 0, 0x400000, &caps,
		    (struct want[]){ { .addr = 0, .am = 10 } }, 1);
	CHECK_EQ(out[0].sub, 9, "template PASID kept");
	check_split("VT-d DEVTLB straddle", &dev, 0x1ff000, 0x2000, &caps,
		    (struct want[]){ { .addr = 0, .am = 10 } }, 1);
	CHECK_EQ(out[0].pfsid, 0x100, "template PFSID kept");
	CHECK_EQ(out[0].qdep, 8, "template MIP kept");

	/* the top page */
	check_split("VT-d top page", &psi, 0xfffffffffffff000ull, 0x1000, &caps,
		    (struct want[]){ { .addr = 0xfffffffffffff000ull, .am = 0 } }, 1);
	/* [0x1000, top]: pfn 1 .. 2^52-1, pages 2^52-1 -> 2^52, bitmask 2^52-1;
	 * pfn 1 unaligned: shared = ~(1 ^ (2^52-1)) & ~(2^52-1) = bits 63:52,
	 * lowest 52: AM 52 (Linux's MAX_AGAW_PFN_WIDTH), address 0 */
	check_split("VT-d P_IOTLB to the top", &piotlb, 0x1000, 0 - 0x1000ull, &caps,
		    (struct want[]){ { .addr = 0, .am = 52 } }, 1);

	CHECK_FAILS(nb_inv_split(&psi, 0x1000, 0x1000, &caps, out, 0), ENOSPC, "room");
	CHECK_EQ(nb_inv_split(&psi, 0x1000, 0, &caps, out, MAXC), 0, "empty range: no command");
	CHECK_FAILS(nb_inv_split(&psi, 0xfffffffffffff000ull, 0x2000, &caps, out, MAXC), EINVAL,
		    "wraps");
	CHECK_FAILS(nb_inv_split(&(struct nb_inv_cmd){ .op = NB_VTD_IOTLB_DSI }, 0, 0x1000, &caps,
				 out, MAXC),
		    EINVAL, "no address range");
}

static void amd(void)
{
	struct nb_split_caps caps = { .granule_lg2 = 12 };
	struct nb_inv_cmd pages = { .op = NB_AMD_INV_IOMMU_PAGES, .tag = 5 };
	struct nb_inv_cmd iotlb = { .op = NB_AMD_INV_IOTLB_PAGES, .sid = 0xa0, .qdep = 32,
				    .sub = 7, .global = true };

	/* 8 KiB at 0x2000: end 0x3fff, 0x2000 ^ 0x3fff = 0x1fff, msb_diff 12,
	 * address |= 0xfff -> 0x2fff, clear 11:0 -> 0x2000, S */
	check_split("AMD 8 KiB", &pages, 0x2000, 0x2000, &caps,
		    (struct want[]){ { .addr = 0x2000, .size_s = true } }, 1);
	CHECK_EQ(out[0].tag, 5, "template DomainID kept");
	/* 2 MiB at 0x200000: xor 0x1fffff, msb_diff 20, |= 0xfffff -> 0x2ff000, S */
	check_split("AMD 2 MiB", &pages, 0x200000, 0x200000, &caps,
		    (struct want[]){ { .addr = 0x2ff000, .size_s = true } }, 1);
	/* one page (iommu_num_pages == 1): address & PAGE_MASK, S=0 */
	check_split("AMD one page", &pages, 0x5010, 0x10, &caps,
		    (struct want[]){ { .addr = 0x5000 } }, 1);
	/* crossing: [0x3000, +0x2000): end 0x4fff, 0x3000 ^ 0x4fff = 0x7fff,
	 * msb_diff 14, |= 0x3fff -> 0x3fff -> 0x3000, S: bits 12, 13 set, 14
	 * clear -> 32 KiB at 0 (same block VT-d picks) */
	check_split("AMD crossing", &iotlb, 0x3000, 0x2000, &caps,
		    (struct want[]){ { .addr = 0x3000, .size_s = true } }, 1);
	CHECK(out[0].global && out[0].sub == 7 && out[0].qdep == 32 && out[0].sid == 0xa0,
	      "template GN, PASID, MaxPend, DeviceID kept");
	/* [0x1000, +0x3000): end 0x3fff, xor 0x2fff, msb_diff 13, |= 0x1fff ->
	 * 0x1fff -> 0x1000, S: 16 KiB at 0 */
	check_split("AMD [0x1000,+0x3000)", &pages, 0x1000, 0x3000, &caps,
		    (struct want[]){ { .addr = 0x1000, .size_s = true } }, 1);
	/* [0, 2^52): msb_diff 51 (not > 51): |= 2^51-1 -> 0x0007fffffffff000, S */
	check_split("AMD 2^52", &pages, 0, 1ull << 52, &caps,
		    (struct want[]){ { .addr = 0x0007fffffffff000ull, .size_s = true } }, 1);
	/* [0, 2^63): msb_diff 62 > 51: the whole space 0x7ffffffffffff000, S */
	check_split("AMD 2^63", &pages, 0, 1ull << 63, &caps,
		    (struct want[]){ { .addr = 0x7ffffffffffff000ull, .size_s = true } }, 1);
	CHECK_FAILS(nb_inv_split(&pages, 0x1000, 0x1000, &caps, out, 0), ENOSPC, "room");
}

static void smmu(void)
{
	struct nb_split_caps ril = { .ril = true, .granule_lg2 = 12 };
	struct nb_split_caps no_ril = { .granule_lg2 = 12 };
	struct nb_inv_cmd leaf = { .op = NB_SMMU_TLBI_NH_VA, .tag = 1, .sub = 2, .leaf = true,
				   .ttl = 3 };
	struct nb_inv_cmd walk = { .op = NB_SMMU_TLBI_NH_VA, .tag = 1, .sub = 2, .ttl = 3 };
	struct nb_inv_cmd s2 = { .op = NB_SMMU_TLBI_S2_IPA, .tag = 9, .leaf = true, .ttl = 3 };
	struct nb_inv_cmd atc = { .op = NB_SMMU_ATC_INV, .sid = 4, .sub = 1 };

	/* 35 pages of 4K, leaf (TTL 3): 35 = 0b100011. Loop 1: scale = ffs = 0,
	 * num = 35 & 31 = 3 -> NUM 2, SCALE 0 (3 pages), left 32. Loop 2:
	 * scale 5, num 1 -> NUM 0, SCALE 5 (32 pages) at 0x10000 + 0x3000. */
	check_split("SMMU RIL 35 pages", &leaf, 0x10000, 35 * 0x1000ull, &ril,
		    (struct want[]){ { .addr = 0x10000, .num = 2, .scale = 0 },
				     { .addr = 0x13000, .num = 0, .scale = 5 } },
		    2);
	CHECK(out[0].tg == 12 && out[0].ttl == 3 && out[0].leaf && out[0].sub == 2,
	      "TG 4K, TTL and tags from the template");
	/* the same not leaf: TTL forced 0 (Linux sets it only for leaf); 35 & 31
	 * = 3 != 1 so no rounding: same two commands */
	check_split("SMMU RIL 35 pages, walk", &walk, 0x10000, 35 * 0x1000ull, &ril,
		    (struct want[]){ { .addr = 0x10000, .num = 2, .scale = 0 },
				     { .addr = 0x13000, .num = 0, .scale = 5 } },
		    2);
	CHECK_EQ(out[0].ttl, 0, "no TTL for non-leaf");
	/* one page, not leaf: 1 & 31 == 1 would give NUM 0 SCALE 0 TTL 0
	 * (reserved), so Linux counts 2: scale 1, num 1 -> NUM 0, SCALE 1 */
	check_split("SMMU RIL 1 page, walk", &walk, 0x4000, 0x1000, &ril,
		    (struct want[]){ { .addr = 0x4000, .num = 0, .scale = 1 } }, 1);
	/* 33 pages, not leaf: 33 & 31 == 1 -> 34 = 0b100010: scale 1, num 17
	 * -> NUM 16, SCALE 1: one command for 34 pages */
	check_split("SMMU RIL 33 pages, walk", &walk, 0, 33 * 0x1000ull, &ril,
		    (struct want[]){ { .addr = 0, .num = 16, .scale = 1 } }, 1);
	/* 33 pages, leaf: no rounding: NUM 0 SCALE 0 (1 page, TTL 3 makes it
	 * legal), then NUM 0 SCALE 5 at 0x1000 */
	check_split("SMMU RIL 33 pages, leaf", &leaf, 0, 33 * 0x1000ull, &ril,
		    (struct want[]){ { .addr = 0, .num = 0, .scale = 0 },
				     { .addr = 0x1000, .num = 0, .scale = 5 } },
		    2);
	/* one leaf page */
	check_split("SMMU RIL 1 page, leaf", &s2, 0x80000000, 0x1000, &ril,
		    (struct want[]){ { .addr = 0x80000000 } }, 1);
	/* 64K granule: 2 MiB = 32 pages = 0b100000: scale 5, num 1 -> NUM 0 SCALE 5 */
	ril.granule_lg2 = 16;
	check_split("SMMU RIL 64K x 32, walk", &walk, 0x200000, 0x200000, &ril,
		    (struct want[]){ { .addr = 0x200000, .num = 0, .scale = 5 } }, 1);
	CHECK_EQ(out[0].tg, 16, "TG 64K");
	ril.granule_lg2 = 12;
	/* unaligned request widened to pages: [0x1800, +0x1000) touches
	 * 0x1000 and 0x2000: 2 pages -> scale 1, num 1: NUM 0 SCALE 1 */
	check_split("SMMU RIL widened", &leaf, 0x1800, 0x1000, &ril,
		    (struct want[]){ { .addr = 0x1000, .num = 0, .scale = 1 } }, 1);
	/* 2^32 - 1 pages (32 ones): five bits per command from scale 0, 5, ...,
	 * 25, then scale 30 takes the last two bits (num 3): 7 commands */
	check_split("SMMU RIL 2^32-1 pages", &leaf, 0, 0xffffffffull << 12, &ril,
		    (struct want[]){ { .addr = 0, .num = 30, .scale = 0 },
				     { .addr = 31ull << 12, .num = 30, .scale = 5 },
				     { .addr = 1023ull << 12, .num = 30, .scale = 10 },
				     { .addr = 32767ull << 12, .num = 30, .scale = 15 },
				     { .addr = 1048575ull << 12, .num = 30, .scale = 20 },
				     { .addr = 33554431ull << 12, .num = 30, .scale = 25 },
				     { .addr = 1073741823ull << 12, .num = 2, .scale = 30 } },
		    7);
	CHECK_FAILS(nb_inv_split(&leaf, 0, 0xffffffffull << 12, &ril, out, 6), ENOSPC, "room");
	/* 2^32 pages need SCALE 32: more than the 5-bit field */
	CHECK_FAILS(nb_inv_split(&leaf, 0, 1ull << 44, &ril, out, MAXC), ERANGE, "SCALE 32");
	ril.granule_lg2 = 13;
	CHECK_FAILS(nb_inv_split(&leaf, 0, 0x2000, &ril, out, MAXC), EINVAL, "TG");
	ril.granule_lg2 = 12;

	/* without RIL: n pages -> n commands, TG 0 */
	check_split("SMMU 5 pages, no RIL", &leaf, 0x10000, 0x5000, &no_ril,
		    (struct want[]){ { .addr = 0x10000 },
				     { .addr = 0x11000 },
				     { .addr = 0x12000 },
				     { .addr = 0x13000 },
				     { .addr = 0x14000 } },
		    5);
	CHECK(out[0].tg == 0 && out[0].ttl == 0, "no TG, no TTL without RIL");
	/* Linux's granule is the leaf size unmapped: 4 MiB of 2 MiB blocks, 2 commands */
	no_ril.granule_lg2 = 21;
	check_split_x(true, "SMMU 2 x 2 MiB, no RIL", &s2, 0x200000, 0x400000, &no_ril,
		    (struct want[]){ { .addr = 0x200000 }, { .addr = 0x400000 } }, 2);
	no_ril.granule_lg2 = 12;
	CHECK_FAILS(nb_inv_split(&leaf, 0x10000, 0x5000, &no_ril, out, 4), ENOSPC, "room");

	/* ATC_INV: page_start ^ page_end, fls -> SIZE; one page: SIZE 0 */
	check_split("ATC one page", &atc, 0x5000, 0x1000, &ril,
		    (struct want[]){ { .addr = 0x5000, .am = 0 } }, 1);
	CHECK_EQ(out[0].sub, 1, "template SSID kept");
	/* pages 3, 4: 3 ^ 4 = 7, fls 3 -> SIZE 3, start 3 & ~7 = 0 */
	check_split("ATC crossing", &atc, 0x3000, 0x2000, &ril,
		    (struct want[]){ { .addr = 0, .am = 3 } }, 1);
	/* pages 0x200..0x3ff: xor 0x1ff, fls 9 -> SIZE 9 at 0x200000 */
	check_split("ATC 2 MiB", &atc, 0x200000, 0x200000, &ril,
		    (struct want[]){ { .addr = 0x200000, .am = 9 } }, 1);
}

static void ttl(void)
{
	/* Linux: 4 - (ilog2(granule) - 3) / (tg - 3) */
	CHECK_EQ(nb_smmu_ttl(12, 12), 3, "4K page: level 3");
	CHECK_EQ(nb_smmu_ttl(12, 21), 2, "2 MiB block: level 2");
	CHECK_EQ(nb_smmu_ttl(12, 30), 1, "1 GiB block: level 1");
	CHECK_EQ(nb_smmu_ttl(12, 39), 0, "512 GiB: no level-0 hint");
	CHECK_EQ(nb_smmu_ttl(14, 14), 3, "16K page");
	CHECK_EQ(nb_smmu_ttl(14, 25), 2, "32 MiB block");
	CHECK_EQ(nb_smmu_ttl(16, 16), 3, "64K page");
	CHECK_EQ(nb_smmu_ttl(16, 29), 2, "512 MiB block");
	CHECK_EQ(nb_smmu_ttl(12, 13), 0, "not a leaf size");
	CHECK_EQ(nb_smmu_ttl(13, 13), 0, "not a granule");
}

int main(void)
{
	vtd();
	amd();
	smmu();
	ttl();
	return nbt_done("inval/split");
}
