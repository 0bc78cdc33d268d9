// SPDX-License-Identifier: MIT
/*
 * Descriptor equality: for every page-selective IOTLB invalidation the Linux
 * driver queued in a captured VT-d run (the 128 bits QEMU logged), the vtd
 * model, given the same operation (domain, IOVA range, map or unmap) and the
 * capability register the guest saw (MAMV, DRD/DWD), must write the same two
 * words: granularity, DID, drain bits, address, AM and IH.
 *
 * The model replays the trace (its own flushes, the trace's DIDs, flushing on
 * map where caching mode says so); every IOTLB_PSI it executes is kept with
 * the trace line of the operation that caused it. Then each recorded PSI is
 * paired with its operation (replay_common.h) and the words compared.
 */
#include "nb_test.h"
#include "replay_common.h"

#define MAX_CMDS (1 << 20)

struct model_cmd {
	unsigned line;
	struct nb_inv_raw raw;
};

struct collect {
	struct model_cmd *c;
	size_t n;
	uint64_t overflow, per_op_more;
	unsigned cc_line; /* line of the last context-cache invalidation */
};

static void on_cmd(void *user, const struct nb_trace_event *ev, const struct nb_inv_cmd *c)
{
	struct collect *k = user;

	if (c->op == NB_VTD_CC_INV) {
		k->cc_line = ev->line;
		return;
	}
	if (c->op != NB_VTD_IOTLB_PSI && c->op != NB_VTD_IOTLB_DSI)
		return;
	/* Attaching a device in caching mode flushes its new domain (a context
	 * invalidation, then a DSI): that belongs to the attach the replay ran
	 * before this line's operation, not to the operation. */
	if (c->op == NB_VTD_IOTLB_DSI && k->cc_line == ev->line) {
		k->cc_line = 0;
		return;
	}
	if (k->n && k->c[k->n - 1].line == ev->line) {
		k->per_op_more++; /* the model sent two commands for one operation */
		return;
	}
	if (k->n == MAX_CMDS) {
		k->overflow++;
		return;
	}
	k->c[k->n].line = ev->line;
	CHECK(nb_inv_encode(c, &k->c[k->n].raw) == 0, "encode: %s", nb_errmsg());
	k->n++;
}

static const struct model_cmd *model_cmd_of(const struct collect *k, unsigned line)
{
	size_t lo = 0, hi = k->n; /* lines increase */

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (k->c[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->n && k->c[lo].line == line ? &k->c[lo] : NULL;
}

static void descriptors(const char *name)
{
	char path[512], cfg[512], summary[256];
	struct nb_hw_params p;
	struct nb_replay_result r;
	struct collect k = { .c = calloc(MAX_CMDS, sizeof(struct model_cmd)) };
	static struct pairing pr;
	uint64_t cap = 0, ecap = 0, compared = 0, equal = 0, unpaired = 0, nocmd = 0;
	bool cm = false;
	struct nb_trace *t;
	struct nb_trace_event ev;
	int got;

	trace_path(name, path, sizeof(path));
	if (!trace_caps(path, &cap, &ecap, &cm)) {
		NBT_FAIL("%s: no vtd-cap/vtd-ecap in its header (or not readable: %s)", path, nb_errmsg());
		free(k.c);
		return;
	}
	nb_hwparams_defaults(&p, NB_VENDOR_VTD);
	snprintf(cfg, sizeof(cfg), "%s/vtd.cfg", NB_CONFIG_DIR);
	CHECK(nb_hwparams_load(&p, cfg) == 0, "%s", nb_errmsg());
	nb_hwparams_apply_vtd_caps(&p, cap, ecap, summary, sizeof(summary));
	p.policy.strict = true; /* the guests that queue PSIs were strict */
	CHECK(nb_replay_ex(path, &p,
			   &(struct nb_replay_opts){ .source_tags = true, .flush_on_map = cm,
						     .on_cmd = on_cmd, .user = &k },
			   &r) == 0,
	      "replay %s: %s", path, nb_errmsg());
	CHECK_EQ(k.overflow, 0, "%s: more than %d model commands", name, MAX_CMDS);
	CHECK_EQ(k.per_op_more, 0, "%s: the model sent more than one IOTLB command for an operation", name);

	memset(&pr, 0, sizeof(pr));
	pr.maps = cm;
	CHECK(nb_trace_open(&t, path) == 0, "%s", nb_errmsg());
	while ((got = nb_trace_next(t, &ev)) == 1) {
		struct nb_inv_cmd c;
		struct op o;
		const struct model_cmd *mc;

		if (ev.kind == NB_TR_MAP || ev.kind == NB_TR_UNMAP) {
			pair_op(&pr, &ev);
			continue;
		}
		if (!recorded_psi(&ev, &c))
			continue;
		if (!pair_psi(&pr, c.tag, c.addr, c.addr + (4096ull << c.am) - 1, &o)) {
			if (!unpaired++)
				fprintf(stderr, "%s:%u: a PSI no map/unmap explains\n", path, ev.line);
			continue;
		}
		mc = model_cmd_of(&k, o.line);
		if (!mc) {
			if (!nocmd++)
				fprintf(stderr, "%s:%u: the model sent no IOTLB command for the %s on line %u\n",
					path, ev.line, nb_trace_kind_name(o.kind), o.line);
			continue;
		}
		compared++;
		if (mc->raw.w[0] == ev.raw.w[0] && mc->raw.w[1] == ev.raw.w[1]) {
			equal++;
		} else if (compared - equal <= 5) {
			fprintf(stderr,
				"%s:%u: %s of [%#llx, +%#llx) on DID %u: Linux wrote w0=%#llx w1=%#llx, the model %#llx %#llx\n",
				path, ev.line, nb_trace_kind_name(o.kind), (unsigned long long)o.iova,
				(unsigned long long)o.size, o.domain, (unsigned long long)ev.raw.w[0],
				(unsigned long long)ev.raw.w[1], (unsigned long long)mc->raw.w[0],
				(unsigned long long)mc->raw.w[1]);
		}
	}
	CHECK(got == 0, "%s", nb_errmsg());
	nb_trace_close(t);
	CHECK(compared > 0, "%s: no page-selective invalidation to compare", name);
	CHECK_EQ(equal, compared, "%s: descriptors that differ", name);
	CHECK_EQ(unpaired, 0, "%s: PSIs without their operation", name);
	CHECK_EQ(nocmd, 0, "%s: operations the model did not invalidate", name);
	printf("%s: %llu page-selective descriptors compared, %llu identical (%s)\n", name,
	       (unsigned long long)compared, (unsigned long long)equal, summary);
	free(k.c);
}

int main(int argc, char **argv)
{
	static const char *const defaults[] = { REPLAY_VTD_TRACES, NULL };

	return replay_main("test_descriptors", argc, argv, descriptors, defaults);
}
