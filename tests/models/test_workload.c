// SPDX-License-Identifier: MIT
/* Synthetic workloads: the shapes they promise, checked by counting. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nb_test.h"
#include "nestbench/workload.h"

static void buffer_kinds(void)
{
	struct nb_wl_cfg c = { .footprint = 1024 * 4096ull, .iova_base = 1ull << 32, .seed = 1 };
	uint32_t *hits = calloc(1024, sizeof(*hits));
	struct nb_wl *w;
	struct nb_wl_op op;

	/* seq: one map of the whole buffer, then pages in order */
	c.kind = NB_WL_SEQ;
	CHECK(nb_wl_create(&w, &c) == 0, "seq: %s", nb_errmsg());
	nb_wl_next(w, &op);
	CHECK(op.op == NB_WL_MAP && op.iova == c.iova_base && op.size == c.footprint, "seq maps first");
	for (int i = 0; i < 2048; i++) {
		nb_wl_next(w, &op);
		CHECK(op.op == NB_WL_DMA && op.iova == c.iova_base + (uint64_t)(i % 1024) * 4096,
		      "seq DMA %d at page %llu", i, (unsigned long long)((op.iova - c.iova_base) / 4096));
	}
	nb_wl_destroy(w);
	/* zipf: the 10% most popular pages take most of the DMAs (s = 0.99:
	 * sum_{1..102} 1/k^0.99 / sum_{1..1024} 1/k^0.99 ~ 0.68) */
	c.kind = NB_WL_ZIPF;
	c.zipf_s = 0.99;
	CHECK(nb_wl_create(&w, &c) == 0, "zipf");
	nb_wl_next(w, &op);
	for (int i = 0; i < 100000; i++) {
		nb_wl_next(w, &op);
		hits[(op.iova - c.iova_base) / 4096]++;
	}
	{
		uint64_t top = 0;

		for (int i = 0; i < 102; i++) { /* selection of the 102 largest counts */
			int best = 0;

			for (int j = 1; j < 1024; j++)
				if (hits[j] > hits[best])
					best = j;
			top += hits[best];
			hits[best] = 0;
		}
		CHECK(top > 60000 && top < 76000, "zipf: top 10%% pages took %llu of 100000", (unsigned long long)top);
	}
	nb_wl_destroy(w);
	free(hits);
}

static void io_kinds(void)
{
	struct nb_wl_cfg c = { .kind = NB_WL_NIC, .io_pages = 4, .inflight = 8, .iova_base = 1ull << 32,
			       .seed = 2 };
	struct nb_wl *w;
	struct nb_wl_op op;
	int maps = 0, unmaps = 0, dmas = 0, live = 0, max_live = 0, ring_reads = 0;

	CHECK(nb_wl_create(&w, &c) == 0, "nic");
	/* first the descriptor ring: one page, mapped for good, read per packet */
	nb_wl_next(w, &op);
	CHECK(op.op == NB_WL_MAP && op.size == 4096 && op.iova == c.iova_base, "ring page mapped first");
	for (int i = 0; i < 10000; i++) {
		nb_wl_next(w, &op);
		if (op.op == NB_WL_DMA && op.iova == c.iova_base) {
			ring_reads++;
			continue;
		}
		if (op.op == NB_WL_MAP) {
			maps++;
			CHECK(op.size == 4 * 4096, "a packet buffer is io_pages");
			max_live = ++live > max_live ? live : max_live;
		} else if (op.op == NB_WL_UNMAP) {
			unmaps++;
			live--;
		} else {
			dmas++;
		}
	}
	CHECK_EQ(max_live, 8, "at most inflight buffers mapped");
	CHECK(dmas >= 4 * (maps - 1) && dmas <= 4 * maps, "4 DMAs per packet: %d for %d maps", dmas, maps);
	CHECK(unmaps >= maps - 8, "every packet but the ring's is unmapped");
	CHECK(ring_reads >= maps - 1 && ring_reads <= maps, "one descriptor read per packet: %d for %d",
	      ring_reads, maps);
	nb_wl_destroy(w);
	c.io_pages = 0;
	CHECK(nb_wl_create(&w, &c) == -EINVAL, "io_pages 0 refused");
}

int main(void)
{
	buffer_kinds();
	io_kinds();
	return nbt_done("test_workload");
}
