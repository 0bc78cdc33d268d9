// SPDX-License-Identifier: MIT
/*
 * An external oracle for the IOTLB and the replay: QEMU's own VT-d IOTLB
 * said hit or miss for every DMA of a captured run (vtd_iotlb_page_hit /
 * _update). Replayed through the vtd model configured as QEMU's IOTLB (1024
 * entries keyed per (sid, DID), dropped whole when full, page sizes 4K/2M/1G)
 * with the recorded invalidation descriptors applied as QEMU applied them,
 * the model must say the same for every DMA, in order.
 */
#include <zlib.h>

#include "nb_test.h"
#include "replay_common.h"

struct cmp {
	uint64_t compared, differ;
	unsigned first_line;
	int first_src, first_model;
};

static void on_dma(void *user, const struct nb_trace_event *ev, const struct nb_dma_result *r)
{
	struct cmp *c = user;

	if (ev->hit < 0)
		return;
	c->compared++;
	if ((int)r->iotlb_hit != ev->hit && !c->differ++) {
		c->first_line = ev->line;
		c->first_src = ev->hit;
		c->first_model = r->iotlb_hit;
	}
}

/* QEMU's own "IOTLB reset" notes the converter kept as comments. */
static uint64_t qemu_resets(const char *path)
{
	gzFile f = gzopen(path, "rb");
	char buf[1024];
	uint64_t n = 0;

	if (!f)
		return 0;
	while (gzgets(f, buf, sizeof(buf)))
		n += buf[0] == '#' && strstr(buf, "QEMU IOTLB reset") != NULL;
	gzclose(f);
	return n;
}

/* The same replay with one of QEMU's rules changed: how many DMAs differ. */
static uint64_t control(const char *path, enum nb_repl repl, bool qemu_keys)
{
	struct nb_hw_params p;
	struct nb_replay_result r;
	struct cmp c = { 0 };
	struct nb_replay_opts o = { .apply_inv = true, .source_tags = true, .qemu_keys = qemu_keys,
				    .on_dma = on_dma, .user = &c };

	qemu_vtd_params(&p);
	p.iotlb.repl = repl;
	if (nb_replay_ex(path, &p, &o, &r))
		return UINT64_MAX;
	return c.differ;
}

static void exact(const char *name)
{
	char path[512];
	struct nb_hw_params p;
	struct nb_replay_result r;
	struct cmp c = { 0 };
	struct nb_replay_opts o = { .apply_inv = true, .source_tags = true, .qemu_keys = true,
				    .on_dma = on_dma, .user = &c };

	qemu_vtd_params(&p);
	trace_path(name, path, sizeof(path));
	CHECK(nb_replay_ex(path, &p, &o, &r) == 0, "replay %s: %s", path, nb_errmsg());
	CHECK(c.compared > 1000, "%s: only %llu DMAs with QEMU's hit flag", name, (unsigned long long)c.compared);
	CHECK(c.compared == r.dmas, "%s: every DMA carries QEMU's flag (%llu of %llu)", name,
	      (unsigned long long)c.compared, (unsigned long long)r.dmas);
	CHECK_EQ(c.differ, 0, "%s: first difference at line %u: QEMU %s, model %s", name, c.first_line,
		 c.first_src ? "hit" : "miss", c.first_model ? "hit" : "miss");
	CHECK_EQ(r.faults, 0, "%s: no DMA faults in the model", name);
	/* Linux's own descriptors ran as bytes through the queue: every recorded
	 * one (the converter writes raw words for each VT-d command), none refused */
	CHECK_EQ(r.raw_executed, r.invs, "%s: recorded descriptors executed from their bytes", name);
	CHECK_EQ(r.st.bad_descs, 0, "%s: descriptors the queue refused", name);
	CHECK(r.st.cmds >= r.invs, "%s: the queue executed %llu descriptors, fewer than the driver's %llu",
	      name, (unsigned long long)r.st.cmds, (unsigned long long)r.invs);
	{
		/* The oracle is sharp where the trace lets it be: if QEMU's IOTLB
		 * filled up and dropped itself, an LRU IOTLB of the same size must
		 * disagree somewhere. */
		uint64_t resets = qemu_resets(path), lru = control(path, NB_REPL_LRU, true);

		if (resets)
			CHECK(lru > 0 && lru != UINT64_MAX,
			      "%s: QEMU reset its IOTLB %llu times, yet an LRU IOTLB agrees everywhere", name,
			      (unsigned long long)resets);
		printf("%s: QEMU dropped its IOTLB %llu times; the same replay with LRU instead differs in %llu DMAs\n",
		       name, (unsigned long long)resets, (unsigned long long)lru);
	}
	printf("%s: %llu DMAs compared with QEMU's IOTLB, %llu differ; %llu hits (%.1f%%), %llu recorded descriptors executed, %llu implied maps\n",
	       name, (unsigned long long)c.compared, (unsigned long long)c.differ,
	       (unsigned long long)r.dma_iotlb_hits, 100.0 * (double)r.dma_iotlb_hits / (double)(r.dmas ? r.dmas : 1),
	       (unsigned long long)r.raw_executed, (unsigned long long)r.implied_maps);
}

int main(int argc, char **argv)
{
	/* caching mode, strict and lazy without it (QEMU's IOTLB fills up and
	 * drops itself in those two), virtio-net */
	static const char *const defaults[] = { REPLAY_VTD_TRACES, "vtd-lazy/all.trace.gz", NULL };

	return replay_main("test_qemu_exact", argc, argv, exact, defaults);
}
