// SPDX-License-Identifier: MIT
/*
 * The guest's own view against QEMU's: every iommu:map / iommu:unmap the
 * guest kernel traced (ftrace) must show up in QEMU's stream as the
 * invalidation of its type. Under VT-d caching mode the driver invalidates
 * on map (IH=0) and on unmap (IH=1: no page table freed by these small
 * unmaps); without caching mode, strict, only unmaps are invalidated, maps
 * are invisible to QEMU. Each invalidation must cover its operation's range,
 * name its domain, and none may be left over on either side. The line
 * saying a trace agrees is printed only when every check on it passed
 * (test_agreement_fails.sh feeds it a trace with one unmap removed).
 */
#include "nb_test.h"
#include "replay_common.h"

static void agreement(const char *name)
{
	char path[512];
	uint64_t cap = 0, ecap = 0, maps = 0, unmaps = 0, psis = 0, ok_type = 0, covered = 0, unpaired = 0;
	bool cm = false;
	static struct pairing pr;
	struct nb_trace *t;
	struct nb_trace_event ev;
	int got, failed_before = nbt_failed;

	trace_path(name, path, sizeof(path));
	if (!trace_caps(path, &cap, &ecap, &cm)) {
		NBT_FAIL("%s: no vtd-cap in its header (or not readable: %s)", path, nb_errmsg());
		return;
	}
	memset(&pr, 0, sizeof(pr));
	pr.maps = cm;
	if (nb_trace_open(&t, path)) {
		NBT_FAIL("%s", nb_errmsg());
		return;
	}
	while ((got = nb_trace_next(t, &ev)) == 1) {
		struct nb_inv_cmd c;
		struct op o;
		uint64_t first, last;

		if (ev.kind == NB_TR_MAP || ev.kind == NB_TR_UNMAP) {
			maps += ev.kind == NB_TR_MAP && !ev.more;
			unmaps += ev.kind == NB_TR_UNMAP;
			pair_op(&pr, &ev);
			continue;
		}
		if (!recorded_psi(&ev, &c))
			continue;
		psis++;
		nb_inv_span(&c, &first, &last);
		if (!pair_psi(&pr, c.tag, first, last, &o)) {
			if (!unpaired++)
				fprintf(stderr, "%s:%u: an invalidation no guest map/unmap explains\n", path, ev.line);
			continue;
		}
		/* map: IH=0; unmap: IH=1, unless it freed a page table (2 MiB or more) */
		if ((o.kind == NB_TR_MAP && !c.leaf) ||
		    (o.kind == NB_TR_UNMAP && (c.leaf || o.size >= (2u << 20))))
			ok_type++;
		else
			fprintf(stderr, "%s:%u: a %s (line %u) invalidated with IH=%d\n", path, ev.line,
				nb_trace_kind_name(o.kind), o.line, c.leaf);
		covered += first <= o.iova && o.iova + o.size - 1 <= last;
	}
	CHECK(got == 0, "%s", nb_errmsg());
	nb_trace_close(t);
	CHECK(psis > 0, "%s: no page-selective invalidations", name);
	CHECK_EQ(unpaired, 0, "%s: invalidations without a guest operation", name);
	CHECK_EQ(ok_type, psis, "%s: invalidations of the wrong type (IH)", name);
	CHECK_EQ(covered, psis, "%s: invalidations that do not cover their operation", name);
	CHECK_EQ(pr.n, 0, "%s: guest operations QEMU never saw invalidated (first on line %u)", name,
		 pr.n ? pr.pend[0].line : 0);
	CHECK_EQ(pr.dropped, 0, "%s: pairing table overflow", name);
	CHECK_EQ(psis, unmaps + (cm ? maps : 0), "%s: one invalidation per %s", name,
		 cm ? "map call and unmap" : "unmap");
	if (nbt_failed != failed_before) {
		printf("%s: DISAGREES: %d check(s) failed (above)\n", name, nbt_failed - failed_before);
		return;
	}
	printf("%s: caching mode %s: %llu map calls, %llu unmaps, %llu page-selective invalidations, all paired, types and ranges agree\n",
	       name, cm ? "on" : "off", (unsigned long long)maps, (unsigned long long)unmaps,
	       (unsigned long long)psis);
}

int main(int argc, char **argv)
{
	static const char *const defaults[] = { REPLAY_VTD_TRACES, NULL };

	return replay_main("test_agreement", argc, argv, agreement, defaults);
}
