// SPDX-License-Identifier: MIT
/*
 * Model fidelity by bytes: the invalidation descriptors the Linux driver
 * sent to QEMU's emulated IOMMU in a captured run (the trace's inv events)
 * against the descriptors the matching model's queue executes for the same
 * map/unmap sequence, with the guest's policy (strict or lazy) and
 * flush-on-map setting from the trace's header.
 *
 * Which vendor a trace is comes from its header (source: intel-iommu or
 * amd-iommu); a VT-d trace must carry vtd-cap and vtd-ecap (MAMV, caching
 * mode and the drain bits decide what Linux wrote). A trace whose vendor or
 * capabilities are unknown is refused: the test fails naming the file.
 *
 * VT-d (Linux 6.12.117 in the guest, model `vtd`, legacy mode as the
 * captured ECAP says): the traces carry every descriptor's two words.
 *   strict: the page- and domain-selective IOTLB descriptors outside attach
 *     are compared as multisets of their bytes (DID, drain bits, address,
 *     AM, IH): same descriptors, same counts; and the waits that close such
 *     a submission are one per operation on both sides (qi_batch_flush_descs
 *     -> qi_submit_sync);
 *   lazy: flush counts follow the guest's 10 ms timer against the trace's
 *     clock and are reported, not checked; every DSI the model sends must
 *     be byte-equal to one Linux sent (same DID, same drain bits);
 *   always: every WAIT the model sends has Linux's qw0 (status data
 *     QI_DONE, SW; qw1 is a kernel address, not compared).
 * AMD (model `amd_hostdid`; no nesting in the capture: plain DMA domains):
 *   QEMU's amd-iommu trace events carry no command words, so commands are
 *   compared by type and count: INVALIDATE_IOMMU_PAGES outside attach, and
 *   one COMPLETION_WAIT closing each flush (domain_flush_complete).
 * Commands of the driver's attach path that the replay does not reproduce
 * (Linux attached every device at boot, the replay only those the trace
 * uses) and the replay's repairs (a map over a range the trace shows mapped)
 * are listed and left out.
 */
#include <errno.h>

#include "nb_test.h"
#include "replay_common.h"

#include "nestbench/inval.h"

#define MAXD 8192

struct counts {
	uint64_t n[NB_INV_OP_COUNT];
};

/* Descriptor bytes of one op, for multiset comparison. */
struct bag {
	uint64_t w[MAXD][2];
	size_t n, dropped;
};

struct side {
	struct counts all, attach, repair;
	struct bag iotlb; /* IOTLB_PSI and IOTLB_DSI outside attach/repair */
	struct bag waits; /* WAIT qw0 */
	uint64_t flush_waits; /* waits closing a submission with an invalidation */
	bool pending;	      /* an invalidation since the last wait */
	unsigned cc_line;     /* model: the event of the last context-cache invalidation */
	bool last_attach;     /* model: the last command belonged to an attach (its wait too) */
	bool after_cc;	      /* Linux: a DSI right after a device context invalidation */
};

enum vendor_kind { V_VTD, V_AMD };

struct run {
	enum vendor_kind v;
	bool flush_on_map;
	struct side model, lx;
};

static void bag_add(struct bag *b, uint64_t w0, uint64_t w1)
{
	if (b->n == MAXD) {
		b->dropped++;
		return;
	}
	b->w[b->n][0] = w0;
	b->w[b->n][1] = w1;
	b->n++;
}

static int cmp_words(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] != y[1] ? (x[1] < y[1] ? -1 : 1) : 0;
}

static bool bag_has(const struct bag *b, uint64_t w0, uint64_t w1)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->w[i][0] == w0 && b->w[i][1] == w1)
			return true;
	return false;
}

static bool is_flush(enum nb_inv_op op)
{
	return op == NB_VTD_IOTLB_PSI || op == NB_VTD_IOTLB_DSI || op == NB_AMD_INV_IOMMU_PAGES;
}

/* One descriptor of either side, classified the same way. at_attach: it
 * belongs to an attach (a device context invalidation and the DSI after
 * it); repair: the replay's own repair (model only). */
static void note(struct side *s, const struct nb_inv_raw *raw, const struct nb_inv_cmd *c,
		 bool at_attach, bool repair)
{
	s->all.n[c->op]++;
	if (at_attach)
		s->attach.n[c->op]++;
	else if (repair)
		s->repair.n[c->op]++;
	if (nb_inv_op_is_sync(c->op)) {
		if (raw && c->op == NB_VTD_WAIT)
			bag_add(&s->waits, raw->w[0], 0);
		s->flush_waits += s->pending;
		s->pending = false;
		return;
	}
	if (at_attach || repair || !is_flush(c->op))
		return;
	s->pending = true;
	if (raw && (c->op == NB_VTD_IOTLB_PSI || c->op == NB_VTD_IOTLB_DSI))
		bag_add(&s->iotlb, raw->w[0], raw->w[1]);
}

static void on_desc(void *user, const struct nb_trace_event *ev, const struct nb_inv_raw *raw,
		    const struct nb_inv_cmd *c)
{
	struct run *r = user;
	struct side *s = &r->model;
	bool attach = false;

	if (!ev) /* the replay's teardown */
		return;
	if (c->op == NB_VTD_CC_INV) {
		s->cc_line = ev->line;
		attach = true;
	} else if (c->op == NB_VTD_IOTLB_DSI && s->cc_line == ev->line) {
		attach = true; /* context_present_cache_flush's DSI */
	} else if (nb_inv_op_is_sync(c->op)) {
		attach = s->last_attach;
	}
	if (!nb_inv_op_is_sync(c->op))
		s->last_attach = attach;
	note(s, raw, c, attach, !attach && ev->kind == NB_TR_MAP && !r->flush_on_map);
}

/* The driver's side, from the trace's inv events (raw words where VT-d). */
static int linux_side(const char *path, struct run *r)
{
	struct nb_trace *t;
	struct nb_trace_event ev;
	struct side *s = &r->lx;
	int got;

	if (nb_trace_open(&t, path))
		return -1;
	while ((got = nb_trace_next(t, &ev)) == 1) {
		struct nb_inv_cmd c = { .op = NB_INV_OP_COUNT };
		bool attach = false;

		if (ev.kind != NB_TR_INV)
			continue;
		if (ev.has_raw) {
			if (nb_inv_decode(r->v == V_VTD ? NB_VENDOR_VTD : NB_VENDOR_AMD, &ev.raw, &c)) {
				NBT_FAIL("%s:%u: Linux's descriptor does not decode: %s", path, ev.line,
					 nb_errmsg());
				continue;
			}
		} else {
			for (int op = 0; op < NB_INV_OP_COUNT; op++)
				if (strcmp(ev.op, nb_inv_op_name((enum nb_inv_op)op)) == 0)
					c.op = (enum nb_inv_op)op;
			if (c.op == NB_INV_OP_COUNT) {
				NBT_FAIL("%s:%u: op '%s' unknown", path, ev.line, ev.op);
				continue;
			}
		}
		if (c.op == NB_VTD_CC_INV && c.gran == 3) {
			attach = s->after_cc = true;
		} else if (c.op == NB_VTD_IOTLB_DSI && s->after_cc) {
			attach = true;
			s->after_cc = false;
		} else if (c.op != NB_VTD_WAIT) {
			s->after_cc = false;
		}
		note(s, ev.has_raw ? &ev.raw : NULL, &c, attach, false);
	}
	nb_trace_close(t);
	return got;
}

static bool meta_flag(const char *path, const char *key)
{
	char v[32];

	return nb_trace_meta(path, key, v, sizeof(v)) == 1 && atoi(v) != 0;
}

/* Which IOMMU the trace came from, from its header; -EINVAL (with the
 * reason in nb_errmsg()) when the header does not say, or a VT-d trace
 * lacks its capability registers. */
static int trace_vendor(const char *path, enum vendor_kind *v)
{
	char src[256] = "", cap[64];
	int ret = nb_trace_meta(path, "source", src, sizeof(src));

	if (ret < 0)
		return ret;
	if (strstr(src, "intel-iommu")) {
		if (nb_trace_meta(path, "vtd-cap", cap, sizeof(cap)) != 1 ||
		    nb_trace_meta(path, "vtd-ecap", cap, sizeof(cap)) != 1)
			return nb_fail(EINVAL, "%s: a VT-d trace without vtd-cap/vtd-ecap in its header: "
					       "what Linux sent cannot be checked", path);
		*v = V_VTD;
		return 0;
	}
	if (strstr(src, "amd-iommu")) {
		*v = V_AMD;
		return 0;
	}
	return nb_fail(EINVAL, "%s: unknown vendor (the header's source names neither intel-iommu "
			       "nor amd-iommu)", path);
}

static void print_table(const char *name, const struct run *r, const struct nb_replay_result *res,
			bool strict)
{
	printf("\n%s (model %s, %s%s): %llu maps, %llu unmaps\n\n"
	       "| command | Linux (QEMU log) | of which at attach | model | of which at attach | of which replay repairs |\n"
	       "|---|---|---|---|---|---|\n",
	       name, r->v == V_AMD ? "amd_hostdid" : "vtd", strict ? "strict" : "lazy",
	       r->flush_on_map ? ", flush on map" : "", (unsigned long long)res->maps,
	       (unsigned long long)res->unmaps);
	for (int op = 0; op < NB_INV_OP_COUNT; op++)
		if (r->lx.all.n[op] || r->model.all.n[op])
			printf("| %s | %llu | %llu | %llu | %llu | %llu |\n", nb_inv_op_name((enum nb_inv_op)op),
			       (unsigned long long)r->lx.all.n[op], (unsigned long long)r->lx.attach.n[op],
			       (unsigned long long)r->model.all.n[op],
			       (unsigned long long)r->model.attach.n[op],
			       (unsigned long long)r->model.repair.n[op]);
	printf("| (waits closing an invalidation) | %llu | | %llu | | |\n",
	       (unsigned long long)r->lx.flush_waits, (unsigned long long)r->model.flush_waits);
}

static void check_vtd_bytes(const char *name, struct run *r, bool strict)
{
	struct bag *m = &r->model.iotlb, *l = &r->lx.iotlb;
	size_t differ = 0;

	CHECK(m->dropped == 0 && l->dropped == 0, "%s: more than %d descriptors", name, MAXD);
	for (size_t i = 0; i < r->model.waits.n; i++)
		CHECK(bag_has(&r->lx.waits, r->model.waits.w[i][0], 0),
		      "%s: the model's WAIT qw0 %#llx is none of Linux's", name,
		      (unsigned long long)r->model.waits.w[i][0]);
	if (!strict) { /* lazy: every DSI the model sends is one Linux sent */
		for (size_t i = 0; i < m->n; i++)
			differ += !bag_has(l, m->w[i][0], m->w[i][1]);
		CHECK_EQ(differ, 0, "%s: model DSIs whose bytes Linux never sent", name);
		return;
	}
	qsort(m->w, m->n, sizeof(m->w[0]), cmp_words);
	qsort(l->w, l->n, sizeof(l->w[0]), cmp_words);
	CHECK_EQ(m->n, l->n, "%s: IOTLB descriptors outside attach, model against Linux", name);
	for (size_t i = 0; i < m->n && i < l->n; i++)
		if (cmp_words(m->w[i], l->w[i]) && !differ++)
			fprintf(stderr, "%s: first difference (sorted): Linux %#llx %#llx, model %#llx %#llx\n",
				name, (unsigned long long)l->w[i][0], (unsigned long long)l->w[i][1],
				(unsigned long long)m->w[i][0], (unsigned long long)m->w[i][1]);
	CHECK_EQ(differ, 0, "%s: IOTLB descriptors whose bytes differ", name);
	CHECK_EQ(r->model.flush_waits, r->lx.flush_waits, "%s: waits closing an invalidation", name);
}

static void fidelity(const char *name)
{
	static struct run r;
	char path[512];
	struct nb_hw_params p;
	struct nb_replay_result res;
	enum vendor_kind v;
	bool strict;

	trace_path(name, path, sizeof(path));
	if (trace_vendor(path, &v)) {
		NBT_FAIL("refused: %s", nb_errmsg());
		return;
	}
	memset(&r, 0, sizeof(r));
	r.v = v;
	strict = meta_flag(path, "guest-strict");
	r.flush_on_map = meta_flag(path, "flush-on-map");
	CHECK(nb_hwparams_model(NB_CONFIG_DIR, v == V_AMD ? "amd_hostdid" : "vtd", NULL, 0, &p) == 0, "%s",
	      nb_errmsg());
	if (v == V_VTD) { /* the unit the guest saw: caching mode, MAMV, drain, mode */
		uint64_t cap = 0, ecap = 0;
		bool cm = false;

		trace_caps(path, &cap, &ecap, &cm);
		nb_hwparams_apply_vtd_caps(&p, cap, ecap, NULL, 0);
	}
	p.policy.strict = strict;
	CHECK(nb_replay_ex(path, &p,
			   &(struct nb_replay_opts){ .source_tags = v == V_VTD,
						     .flush_on_map = r.flush_on_map,
						     .on_desc = on_desc, .user = &r },
			   &res) == 0,
	      "replay %s: %s", path, nb_errmsg());
	CHECK(linux_side(path, &r) == 0, "%s: %s", path, nb_errmsg());
	print_table(name, &r, &res, strict);
	CHECK_EQ(res.st.bad_descs, 0, "%s: descriptors the queue refused", name);
	/* At attach: one DSI per device-selective context invalidation, both sides */
	CHECK_EQ(r.model.attach.n[NB_VTD_IOTLB_DSI], r.model.attach.n[NB_VTD_CC_INV],
		 "%s: model DSIs per attach", name);
	CHECK_EQ(r.lx.attach.n[NB_VTD_IOTLB_DSI], r.lx.attach.n[NB_VTD_CC_INV],
		 "%s: Linux DSIs per attach", name);
	if (v == V_AMD) {
		enum nb_inv_op op = NB_AMD_INV_IOMMU_PAGES;

		CHECK_EQ(r.model.all.n[op] - r.model.repair.n[op], r.lx.all.n[op],
			 "%s: INVALIDATE_IOMMU_PAGES, model against Linux", name);
		if (strict)
			CHECK_EQ(r.model.flush_waits, r.lx.flush_waits,
				 "%s: COMPLETION_WAITs closing a flush", name);
		printf("(AMD: compared by type and count: QEMU's amd-iommu trace events log no "
		       "command words)\n");
		return;
	}
	if (!strict) /* the model must still flush, and never page by page */
		CHECK(r.model.all.n[NB_VTD_IOTLB_PSI] == 0 && r.model.all.n[NB_VTD_IOTLB_DSI] > 0,
		      "%s: lazy model sent %llu PSIs and %llu DSIs (expected DSIs only)", name,
		      (unsigned long long)r.model.all.n[NB_VTD_IOTLB_PSI],
		      (unsigned long long)r.model.all.n[NB_VTD_IOTLB_DSI]);
	check_vtd_bytes(name, &r, strict);
}

/* Traces this test must refuse, naming the file (tests/replay/bad). */
static void refusals(void)
{
	static const char *const bad[] = { "vtd-nocaps.trace", "unknown-vendor.trace" };

	for (size_t i = 0; i < NB_ARRAY_SIZE(bad); i++) {
		char path[512];
		enum vendor_kind v;

		snprintf(path, sizeof(path), "%s/%s", NB_BAD_TRACE_DIR, bad[i]);
		nb_errclear();
		CHECK(trace_vendor(path, &v) == -EINVAL && strstr(nb_errmsg(), bad[i]),
		      "%s must be refused naming the file: %s", bad[i], nb_errmsg());
	}
}

int main(int argc, char **argv)
{
	static const char *const defaults[] = { "vtd-cm/all.trace.gz", "vtd-strict/all.trace.gz",
						"vtd-lazy/all.trace.gz", "virtio/all.trace.gz",
						"amd/all.trace.gz", NULL };

	refusals();
	return replay_main("test_fidelity", argc, argv, fidelity, defaults);
}
