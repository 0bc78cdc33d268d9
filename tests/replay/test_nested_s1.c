// SPDX-License-Identifier: MIT
/*
 * Real guest stage-1 streams (tests/traces/nested/flts*, captured under QEMU's
 * scalable-mode VT-d with first-stage translation, x-flts=on):
 *
 * 1. Every PASID-based IOTLB descriptor the guest queued (the 128 bits QEMU
 *    executed; the converter matched each to the guest's intel_iommu:qi_submit)
 *    decodes, and re-encodes to the same words (nb_inv_decode/nb_inv_encode),
 *    and its fields are where VT-d spec 4.0 section 6.5.2.4 (PASID-based
 *    IOTLB Invalidate Descriptor) puts them: type 6 in bits 3:0, granularity
 *    5:4 (10 PASID-selective, 11 page-selective within PASID), DID 31:16,
 *    PASID 51:32; address 63:12, IH 6, AM 5:0 of the second word. These are
 *    what a nested guest hands to IOMMU_HWPT_INVALIDATE as
 *    struct iommu_hwpt_vtd_s1_invalidate {addr, npages = 2^AM, flags LEAF = IH}.
 * 2. The guest's first stage was in use: no legacy (type 2) IOTLB descriptor
 *    names a DMA domain (Linux 6.12 drivers/iommu/intel/cache.c
 *    cache_tag_flush_iotlb: qi_batch_add_piotlb when domain->use_first_level).
 * 3. Strict capture: every guest unmap (ftrace iommu:unmap) has a
 *    page-selective P_IOTLB of its domain covering it, and no P_IOTLB PSI is
 *    left without one (the guest's view and QEMU's agree). Lazy capture: the
 *    flush queue flushes whole PASIDs (PASID-selective P_IOTLB), no PSI.
 * 4. The per-DMA translations QEMU did through the guest's first-stage tables
 *    (dma out=, from the leaf entry QEMU logged) equal the address the guest
 *    mapped at that IOVA (map out=, from its own iommu:map): two independent
 *    sources, the guest's ftrace and QEMU's log.
 */
#include "nb_test.h"
#include "page_ref.h"
#include "replay_common.h"

#include "nestbench/inval.h"

/* A small open-addressing map: IOVA page -> mapped address page (0: none). */
static void spec_fields(const struct nb_trace_event *ev, const struct nb_inv_cmd *c)
{
	uint64_t w0 = ev->raw.w[0], w1 = ev->raw.w[1];
	unsigned g = (unsigned)(w0 >> 4) & 3;

	CHECK_EQ(w0 & 0xf, 6, "line %u: type 6 (P_IOTLB)", ev->line);
	CHECK(g == 2 || g == 3, "line %u: granularity %u", ev->line, g);
	CHECK_EQ(c->tag, (w0 >> 16) & 0xffff, "line %u: DID in 31:16", ev->line);
	CHECK_EQ(c->sub, (w0 >> 32) & 0xfffff, "line %u: PASID in 51:32", ev->line);
	CHECK_EQ(c->op, g == 3 ? NB_VTD_PIOTLB_PSI : NB_VTD_PIOTLB_PASID, "line %u: op by granularity", ev->line);
	if (g == 3) {
		CHECK_EQ(c->addr, w1 & ~0xfffull, "line %u: address in 63:12", ev->line);
		CHECK_EQ(c->am, w1 & 0x3f, "line %u: AM in 5:0", ev->line);
		CHECK_EQ(c->leaf, (w1 >> 6) & 1, "line %u: IH in bit 6", ev->line);
	}
}

static void check(const char *name)
{
	char path[512], v[16];
	static struct page_ref ref;
	static struct pairing pr;
	static uint8_t legacy_did[65536], dma_did[65536];
	uint64_t piotlb = 0, psi = 0, pasid_sel = 0, legacy = 0, unmaps = 0, unpaired = 0;
	uint64_t dmas = 0, translated = 0, unknown = 0, wrong = 0;
	bool strict;
	struct nb_trace *t;
	struct nb_trace_event ev;
	int got;

	trace_path(name, path, sizeof(path));
	if (nb_trace_meta(path, "guest-strict", v, sizeof(v)) != 1) {
		NBT_FAIL("%s: no guest-strict in its header (or not readable: %s)", path, nb_errmsg());
		return;
	}
	strict = v[0] == '1';
	memset(&ref, 0, sizeof(ref));
	memset(&pr, 0, sizeof(pr));
	memset(legacy_did, 0, sizeof(legacy_did));
	memset(dma_did, 0, sizeof(dma_did));
	if (nb_trace_open(&t, path)) {
		NBT_FAIL("%s", nb_errmsg());
		return;
	}
	while ((got = nb_trace_next(t, &ev)) == 1) {
		struct nb_inv_cmd c;
		struct nb_inv_raw again;
		uint64_t first, last;
		struct op o;

		if (ev.kind == NB_TR_MAP || ev.kind == NB_TR_UNMAP) {
			for (uint64_t a = ev.iova & ~0xfffull; a < ev.iova + ev.size; a += 4096)
				*page_ref_slot(&ref, (uint64_t)ev.domain << 52 | a >> 12, true) =
					ev.kind == NB_TR_MAP && ev.has_out ? ((ev.out + (a - ev.iova)) >> 12) + 1 : 0;
			if (ev.kind == NB_TR_UNMAP) {
				unmaps++;
				pair_op(&pr, &ev);
			}
			continue;
		}
		if (ev.kind == NB_TR_DMA) {
			uint64_t *s = page_ref_slot(&ref, (uint64_t)ev.domain << 52 | ev.iova >> 12, false);

			dmas++;
			dma_did[ev.domain & 0xffff] = 1;
			if (!ev.has_out || !s || !*s) {
				unknown++; /* mapped before ftrace started (early boot) */
				continue;
			}
			translated++;
			if (((*s - 1) << 12 | (ev.iova & 0xfff)) != ev.out && wrong++ < 5)
				NBT_FAIL("%s:%u: QEMU translated %#llx to %#llx, the guest mapped it to %#llx", path, ev.line,
					 (unsigned long long)ev.iova, (unsigned long long)ev.out,
					 (unsigned long long)((*s - 1) << 12 | (ev.iova & 0xfff)));
			continue;
		}
		if (ev.kind != NB_TR_INV || !ev.has_raw)
			continue;
		if ((ev.raw.w[0] & 0xf) == 2 && ((ev.raw.w[0] >> 4) & 3) != 1)
			legacy_did[(ev.raw.w[0] >> 16) & 0xffff] = 1; /* legacy DSI/PSI of this DID */
		if ((ev.raw.w[0] & 0xf) != 6)
			continue;
		piotlb++;
		if (nb_inv_decode(NB_VENDOR_VTD, &ev.raw, &c)) {
			NBT_FAIL("%s:%u: P_IOTLB does not decode: %s", path, ev.line, nb_errmsg());
			continue;
		}
		spec_fields(&ev, &c);
		CHECK(nb_inv_encode(&c, &again) == 0 && again.w[0] == ev.raw.w[0] && again.w[1] == ev.raw.w[1],
		      "%s:%u: re-encoded %#llx %#llx, captured %#llx %#llx", path, ev.line,
		      (unsigned long long)again.w[0], (unsigned long long)again.w[1], (unsigned long long)ev.raw.w[0],
		      (unsigned long long)ev.raw.w[1]);
		if (c.op == NB_VTD_PIOTLB_PASID) {
			pasid_sel++;
			continue;
		}
		psi++;
		nb_inv_span(&c, &first, &last);
		if (!pair_psi(&pr, c.tag, first, last, &o))
			unpaired++;
	}
	CHECK(got == 0, "%s: %s", path, nb_errmsg());
	nb_trace_close(t);
	for (size_t d = 0; d < sizeof(dma_did); d++)
		legacy += legacy_did[d] && dma_did[d];
	CHECK(piotlb > 0, "%s: the guest queued P_IOTLB descriptors", path);
	CHECK_EQ(legacy, 0, "%s: no legacy IOTLB descriptor names a DMA domain: they are first-stage", path);
	if (strict) {
		CHECK(psi > 0, "%s: page-selective P_IOTLBs", path);
		CHECK_EQ(pr.n, 0, "%s: every guest unmap (%llu) has its P_IOTLB PSI", path, (unsigned long long)unmaps);
		CHECK_EQ(unpaired, 0, "%s: every P_IOTLB PSI (%llu) has its guest unmap", path, (unsigned long long)psi);
	} else {
		CHECK(pasid_sel > 0, "%s: the flush queue's PASID-selective P_IOTLBs", path);
		CHECK_EQ(psi, 0, "%s: no per-unmap PSI under the flush queue", path);
	}
	CHECK(translated > dmas / 2, "%s: most DMAs (%llu of %llu) have the guest's map to compare with", path,
	      (unsigned long long)translated, (unsigned long long)dmas);
	CHECK_EQ(wrong, 0, "%s: QEMU's first-stage translations equal the guest's maps (%llu compared)", path,
		 (unsigned long long)translated);
	printf("%s: %llu P_IOTLB (%llu PSI, %llu PASID-selective), %llu unmaps; %llu DMAs, %llu translations "
	       "compared, %llu mapped before the trace\n",
	       name, (unsigned long long)piotlb, (unsigned long long)psi, (unsigned long long)pasid_sel,
	       (unsigned long long)unmaps, (unsigned long long)dmas, (unsigned long long)translated,
	       (unsigned long long)unknown);
}

int main(int argc, char **argv)
{
	static const char *const defaults[] = { "nested/flts/all.trace.gz", "nested/flts-lazy/all.trace.gz", NULL };

	return replay_main("test_nested_s1", argc, argv, check, defaults);
}
