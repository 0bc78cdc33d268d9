// SPDX-License-Identifier: MIT
/*
 * Model fidelity, type by type and count by count: the invalidation commands
 * the Linux driver sent to QEMU's emulated IOMMU in a captured run (the
 * trace's inv events) against the commands the matching model (vtd or amd)
 * issues for the same map/unmap sequence, with the guest's policy (strict or
 * lazy) and flush-on-map setting from the trace's header.
 *
 * Printed as a Markdown table per trace. Checked where the driver's stream is
 * determined by the operations alone: in strict mode every unmap (and, with
 * caching mode, every map) gets exactly one IOTLB command, so the model's
 * page- and domain-selective counts must equal the driver's; AMD's
 * INVALIDATE_IOMMU_PAGES likewise. Lazy flush counts depend on the guest's
 * 10 ms timer against the trace's clock and are reported, not checked.
 * Commands that are not about unmapping (context-cache, device-table, the
 * boot-time global flushes) come from the driver's attach path, which the
 * replay does not model: they are listed for the record.
 */
#include "nb_test.h"
#include "replay_common.h"

#include "nestbench/inval.h"

struct counts {
	uint64_t n[NB_INV_OP_COUNT];
};

struct tally {
	bool flush_on_map;
	struct counts model;
	/* Commands for a map where the driver does not flush on map: the
	 * replay repairing the trace (a map over a range the trace shows
	 * mapped: the ftrace and QEMU clocks put an unmap after a later DMA),
	 * not something the driver would have sent. */
	struct counts repair;
	/* Attaching a device in caching mode: a context-cache invalidation,
	 * then a DSI of the new domain (the same pair in the driver's stream). */
	struct counts attach;
	unsigned cc_line;
};

static void on_cmd(void *user, const struct nb_trace_event *ev, const struct nb_inv_cmd *c)
{
	struct tally *t = user;

	if ((unsigned)c->op >= NB_INV_OP_COUNT)
		return;
	t->model.n[c->op]++;
	if (c->op == NB_VTD_CC_INV) {
		t->cc_line = ev->line;
		t->attach.n[c->op]++;
	} else if (c->op == NB_VTD_IOTLB_DSI && t->cc_line == ev->line) {
		t->cc_line = 0;
		t->attach.n[c->op]++;
	} else if (ev->kind == NB_TR_MAP && !t->flush_on_map) {
		t->repair.n[c->op]++;
	}
}

/* The driver's commands: the op= name of each inv event; a DSI right after
 * a device-selective context invalidation (WAITs between) is an attach's. */
static bool linux_counts(const char *path, struct counts *out, struct counts *attach)
{
	struct nb_trace *t;
	struct nb_trace_event ev;
	bool after_cc = false;
	int got;

	if (nb_trace_open(&t, path))
		return false;
	while ((got = nb_trace_next(t, &ev)) == 1) {
		if (ev.kind != NB_TR_INV)
			continue;
		for (int op = 0; op < NB_INV_OP_COUNT; op++)
			if (strcmp(ev.op, nb_inv_op_name((enum nb_inv_op)op)) == 0) {
				out->n[op]++;
				struct nb_inv_cmd c;

				if (op == NB_VTD_CC_INV && ev.has_raw &&
				    nb_inv_decode(NB_VENDOR_VTD, &ev.raw, &c) == 0 && c.gran == 3) {
					attach->n[op]++;
					after_cc = true;
				} else if (op == NB_VTD_IOTLB_DSI && after_cc) {
					attach->n[op]++;
					after_cc = false;
				} else if (op != NB_VTD_WAIT) {
					after_cc = false;
				}
				break;
			}
	}
	nb_trace_close(t);
	return got == 0;
}

static bool meta_flag(const char *path, const char *key)
{
	char v[32];

	return nb_trace_meta(path, key, v, sizeof(v)) == 1 && atoi(v) != 0;
}

static void fidelity(const char *name)
{
	char path[512], cfg[512], v[32];
	struct nb_hw_params p;
	struct nb_replay_result r;
	struct tally t = { 0 };
	struct counts lx = { 0 }, lx_attach = { 0 };
	bool strict, fom, amd;
	enum nb_inv_op checked[4];
	int nchecked = 0;

	trace_path(name, path, sizeof(path));
	amd = nb_trace_meta(path, "vtd-cap", v, sizeof(v)) != 1;
	strict = meta_flag(path, "guest-strict");
	fom = meta_flag(path, "flush-on-map");
	nb_hwparams_defaults(&p, amd ? NB_VENDOR_AMD : NB_VENDOR_VTD);
	snprintf(cfg, sizeof(cfg), "%s/%s.cfg", NB_CONFIG_DIR, amd ? "amd" : "vtd");
	CHECK(nb_hwparams_load(&p, cfg) == 0, "%s", nb_errmsg());
	if (!amd) { /* the unit the guest saw: caching mode, MAMV, drain bits */
		uint64_t cap = 0, ecap = 0;
		bool cm = false;

		CHECK(trace_caps(path, &cap, &ecap, &cm), "%s: no vtd-cap/vtd-ecap", path);
		nb_hwparams_apply_vtd_caps(&p, cap, ecap, NULL, 0);
	}
	p.policy.strict = strict;
	t.flush_on_map = fom;
	CHECK(nb_replay_ex(path, &p,
			   &(struct nb_replay_opts){ .source_tags = !amd, .flush_on_map = fom, .on_cmd = on_cmd,
						     .user = &t },
			   &r) == 0,
	      "replay %s: %s", path, nb_errmsg());
	CHECK(linux_counts(path, &lx, &lx_attach), "%s: %s", path, nb_errmsg());

	printf("\n%s (model %s, %s%s): %llu maps, %llu unmaps\n\n"
	       "| command | Linux (QEMU log) | of which at attach | model | of which at attach | of which replay repairs |\n"
	       "|---|---|---|---|---|---|\n",
	       name, amd ? "amd" : "vtd", strict ? "strict" : "lazy", fom ? ", flush on map" : "",
	       (unsigned long long)r.maps, (unsigned long long)r.unmaps);
	for (int op = 0; op < NB_INV_OP_COUNT; op++)
		if (lx.n[op] || t.model.n[op])
			printf("| %s | %llu | %llu | %llu | %llu | %llu |\n", nb_inv_op_name((enum nb_inv_op)op),
			       (unsigned long long)lx.n[op], (unsigned long long)lx_attach.n[op],
			       (unsigned long long)t.model.n[op], (unsigned long long)t.attach.n[op],
			       (unsigned long long)t.repair.n[op]);
	/* the replay does not run syncs through its callback: the model's count */
	printf("| (syncs the model queued) | | | %llu | | |\n", (unsigned long long)r.st.syncs);

	if (amd) {
		checked[nchecked++] = NB_AMD_INV_IOMMU_PAGES;
	} else if (strict) {
		checked[nchecked++] = NB_VTD_IOTLB_PSI;
		checked[nchecked++] = NB_VTD_IOTLB_DSI;
	}
	/* Outside attach (Linux attached every device at boot, the replay only
	 * those the trace uses) and the replay's repairs, counts must agree. */
	for (int i = 0; i < nchecked; i++) {
		enum nb_inv_op op = checked[i];

		CHECK_EQ(t.model.n[op] - t.attach.n[op] - t.repair.n[op], lx.n[op] - lx_attach.n[op],
			 "%s: %s commands outside attach, model against Linux", name, nb_inv_op_name(op));
	}
	/* At attach: one DSI per device-selective context invalidation, both sides */
	CHECK_EQ(t.attach.n[NB_VTD_IOTLB_DSI], t.attach.n[NB_VTD_CC_INV], "%s: model DSIs per attach", name);
	CHECK_EQ(lx_attach.n[NB_VTD_IOTLB_DSI], lx_attach.n[NB_VTD_CC_INV], "%s: Linux DSIs per attach", name);
	if (!nchecked) /* lazy: the model must still flush, and never page by page */
		CHECK(t.model.n[NB_VTD_IOTLB_PSI] == 0 && t.model.n[NB_VTD_IOTLB_DSI] > 0,
		      "%s: lazy model sent %llu PSIs and %llu DSIs (expected DSIs only)", name,
		      (unsigned long long)t.model.n[NB_VTD_IOTLB_PSI],
		      (unsigned long long)t.model.n[NB_VTD_IOTLB_DSI]);
}

int main(int argc, char **argv)
{
	static const char *const defaults[] = { "vtd-cm/all.trace.gz", "vtd-strict/all.trace.gz",
						"vtd-lazy/all.trace.gz", "amd/all.trace.gz", NULL };

	return replay_main("test_fidelity", argc, argv, fidelity, defaults);
}
