// SPDX-License-Identifier: MIT
/*
 * The nested replay (src/trace/nested_*.c, docs/nested.md) on the committed
 * nested quick set:
 *
 * 1. The alignment rule. Every guest DMA translates (no stage-1 or stage-2
 *    fault: every stage-1 table and page IPA the guests use is backed by the
 *    stage 2), keeps its page offset, and lands where the two independent
 *    sources compose: the guest's own first-stage translation (the capture's
 *    out=, from QEMU's walk) placed by the rule, then the VMM's stage 2 as
 *    its stream set it up - rebuilt here from the stream's map2/unmap2
 *    before its VM's first DMA, page by page. Two (guest, guest-physical
 *    page) pairs never share an IPA page (the guests' memory is disjoint).
 *    At K = 2 through every model, and at K = 64 (the quick set's most).
 * 2. The oracle (after every completion where no guest has anything
 *    unmapped left to invalidate) finds nothing stale with every shipped
 *    model, and finds stale entries with a deaf one: VT-d whose host driver
 *    drops the guests' requests (IOMMU_HWPT_INVALIDATE does nothing), a
 *    DMA-after-unmap hole in every guest.
 * 3. Bad input is refused, naming the file and the rule.
 */
#include "nb_test.h"
#include "nested_common.h"
#include "page_ref.h"

struct align_check {
	struct page_ref s2;	/* IPA page -> host page + 1, the VMM's set-up */
	struct page_ref owner;	/* IPA page -> (guest << 40 | guest-physical page) + 1 */
	uint64_t dmas, composed, wrong, offset, shared;
};

static struct align_check ac;

/* The stage 2 the guests start on, from the stream itself: every map2 and
 * unmap2 before its VM's first DMA (docs/nested.md). */
static bool s2_reference(const char *path)
{
	struct nb_trace *t;
	struct nb_trace_event ev;
	int got;

	memset(&ac.s2, 0, sizeof(ac.s2));
	if (nb_trace_open(&t, path)) {
		NBT_FAIL("%s", nb_errmsg());
		return false;
	}
	while ((got = nb_trace_next(t, &ev)) == 1 && ev.kind != NB_TR_DMA) {
		if (ev.kind != NB_TR_MAP2 && ev.kind != NB_TR_UNMAP2)
			continue;
		for (uint64_t a = 0; a < ev.size; a += 4096)
			*page_ref_slot(&ac.s2, (ev.iova + a) >> 12, true) =
				ev.kind == NB_TR_MAP2 ? ((ev.out + a) >> 12) + 1 : 0;
	}
	nb_trace_close(t);
	CHECK(got == 1, "%s: a dma event ends the VMM's set-up", path);
	return got == 1;
}

static void on_dma(void *user, uint32_t guest, const struct nb_trace_event *ev, uint64_t ipa,
		   const struct nb_dma_result *r)
{
	uint64_t *host = page_ref_slot(&ac.s2, ipa >> 12, false);
	uint64_t *own = page_ref_slot(&ac.owner, ipa >> 12, true);
	uint64_t who = ((uint64_t)guest << 40 | ev->out >> 12) + 1;

	ac.dmas++;
	if (!ev->has_out)
		return;
	ac.composed++;
	if ((ipa & 0xfff) != (ev->out & 0xfff) || (r->pa & 0xfff) != (ev->out & 0xfff)) {
		if (ac.offset++ < 3)
			NBT_FAIL("line %u: guest %u: out %#llx placed at IPA %#llx, translated to %#llx: page offset "
				 "lost", ev->line, guest, (unsigned long long)ev->out, (unsigned long long)ipa,
				 (unsigned long long)r->pa);
	}
	if (r->fault || !host || !*host || r->pa != ((*host - 1) << 12 | (ipa & 0xfff))) {
		if (ac.wrong++ < 3)
			NBT_FAIL("line %u: guest %u: IPA %#llx: the replay gives %#llx (fault %u at stage %u), the "
				 "VMM's stage 2 says %#llx", ev->line, guest, (unsigned long long)ipa,
				 (unsigned long long)r->pa, r->fault, r->fault_stage,
				 (unsigned long long)(host && *host ? ((*host - 1) << 12 | (ipa & 0xfff)) : 0));
	}
	if (*own && *own != who && ac.shared++ < 3)
		NBT_FAIL("line %u: IPA page %#llx holds guest %llu's page %#llx and guest %u's page %#llx", ev->line,
			 (unsigned long long)(ipa >> 12), (unsigned long long)((*own - 1) >> 40),
			 (unsigned long long)((*own - 1) & ((1ull << 40) - 1)), guest,
			 (unsigned long long)(ev->out >> 12));
	*own = who;
}

static void alignment(const struct nested_paths *n, const char *model, uint32_t guests)
{
	struct nb_nested_replay_opts o = nested_opts(n, guests);
	struct nb_nested_replay_result r;
	struct nb_hw_params p;

	memset(&ac.owner, 0, sizeof(ac.owner));
	ac.dmas = ac.composed = ac.wrong = ac.offset = ac.shared = 0;
	if (!nested_params(model, &p))
		return;
	o.on_dma = on_dma;
	if (nb_nested_replay(&p, &o, &r)) {
		NBT_FAIL("%s K=%u: %s", model, guests, nb_errmsg());
		return;
	}
	CHECK_EQ(r.nested_domains, guests * 2, "%s K=%u: a nested domain per guest and trace domain", model, guests);
	CHECK(ac.dmas == r.dmas && r.dmas > 1000 * guests, "%s K=%u: every DMA seen (%llu)", model, guests,
	      (unsigned long long)r.dmas);
	CHECK_EQ(ac.composed, r.dmas, "%s K=%u: every DMA has the source's translation (out=)", model, guests);
	CHECK_EQ(r.s1_faults + r.s2_faults, 0, "%s K=%u: every table and page IPA is backed", model, guests);
	CHECK_EQ(ac.wrong, 0, "%s K=%u: every DMA lands where the guest's map and the VMM's stage 2 say",
		 model, guests);
	CHECK_EQ(ac.offset, 0, "%s K=%u: every page offset kept", model, guests);
	CHECK_EQ(ac.shared, 0, "%s K=%u: no IPA page of two guests", model, guests);
	CHECK(r.data_ipa >= r.table_ipa + r.table_bytes && r.data_ipa + r.data_bytes <= r.ram_ipa + r.ram_bytes,
	      "%s K=%u: tables, then data, inside the RAM", model, guests);
	CHECK_EQ(r.maps_replaced + r.reattached, 0, "%s K=%u: the streams need no repair", model, guests);
}

/* ---- the oracle ---- */

static int (*vtd_flush)(struct nb_iommu *, struct nb_xdomain *, const struct nb_flush_req *,
			struct nb_inv_batch *);

/* VT-d whose host driver drops every guest request. */
static int deaf_flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req,
		      struct nb_inv_batch *b)
{
	return nb_xdomain_kind(d) == NB_XD_NESTED ? 0 : vtd_flush(m, d, req, b);
}

static void oracle(const struct nested_paths *n)
{
	struct nb_nested_replay_opts o = nested_opts(n, 2);
	struct nb_nested_replay_result r;
	struct nb_tag_model deaf;
	const struct nb_tag_model *vtd;
	struct nb_hw_params p;

	o.oracle_every = 1;
	for (int i = 0; nb_tag_model_at(i); i++) {
		const char *model = nb_tag_model_at(i)->name;

		if (!nested_params(model, &p))
			continue;
		if (nb_nested_replay(&p, &o, &r)) {
			NBT_FAIL("%s: %s", model, nb_errmsg());
			continue;
		}
		CHECK(r.oracle_checks > 500, "%s: the oracle ran (%llu checks)", model,
		      (unsigned long long)r.oracle_checks);
		CHECK_EQ(r.stale, 0, "%s: nothing stale (%s)", model, r.stale_msg);
	}
	if (nb_tag_model_by_name("vtd", &vtd) || !nested_params("vtd", &p)) {
		NBT_FAIL("vtd: %s", nb_errmsg());
		return;
	}
	deaf = *vtd;
	deaf.name = "vtd_deaf";
	vtd_flush = vtd->flush;
	deaf.flush = deaf_flush;
	o.model = &deaf;
	if (nb_nested_replay(&p, &o, &r)) {
		NBT_FAIL("vtd_deaf: %s", nb_errmsg());
		return;
	}
	CHECK(r.stale > 0 && r.oracle_checks > 0, "a host that drops the guests' requests leaves stale entries "
	      "(%llu in %llu checks)", (unsigned long long)r.stale, (unsigned long long)r.oracle_checks);
	CHECK(strstr(r.stale_msg, "stale translation") != NULL, "the first is named: %s", r.stale_msg);
}

/* ---- bad input ---- */

static void refused(const struct nb_nested_replay_opts *o, const char *why, const char *expect)
{
	struct nb_nested_replay_result r;
	struct nb_hw_params p;
	int ret;

	if (!nested_params("vtd", &p))
		return;
	ret = nb_nested_replay(&p, o, &r);
	CHECK(ret < 0 && strstr(nb_errmsg(), expect), "%s: refused with '%s' (got %d: %s)", why, expect, ret,
	      nb_errmsg());
}

static void bad_input(const struct nested_paths *n)
{
	struct nb_nested_replay_opts o = nested_opts(n, 2);
	char legacy[512], mock[512];
	const char *one[1];

	trace_path("vtd-strict/tcp-4m.trace.gz", legacy, sizeof(legacy));
	one[0] = legacy;
	o.s1 = one;
	o.n_s1 = 1;
	refused(&o, "a second-stage guest stream", "first-stage");
	o = nested_opts(n, 2);
	o.s2 = n->s1[0];
	refused(&o, "a stage-1 stream as the stage 2", "in a stage-2 stream");
	trace_path(NESTED_DIRTY, mock, sizeof(mock));
	o.s2 = mock;
	refused(&o, "a stage-2 stream without its VM's DMA", "no dma event");
	o = nested_opts(n, 0);
	refused(&o, "no guest", "guests must be 1..255");
	o.guests = 256;
	refused(&o, "256 guests", "guests must be 1..255");
	o.guests = 255;
	refused(&o, "more guests than the VM's RAM holds", "the stage 2's RAM");
}

int main(int argc, char **argv)
{
	struct nested_paths n;

	nested_paths(&n);
	if (s2_reference(n.s2)) {
		for (int i = 0; nb_tag_model_at(i); i++)
			alignment(&n, nb_tag_model_at(i)->name, 2);
		alignment(&n, "vtd", 64);
	}
	oracle(&n);
	bad_input(&n);
	return nbt_done("test_nested_replay");
}
