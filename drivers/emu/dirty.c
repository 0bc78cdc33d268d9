// SPDX-License-Identifier: MIT
/*
 * Dirty bits in the emulated page tables (dirty.h). The leaf is found with
 * the one walker (its tracer names the slot of every descriptor read, so
 * the last one is the leaf's), then updated in place with an atomic OR or
 * AND, as the hardware and Linux's read-and-clear update a live entry.
 */
#include <errno.h>

#include "dirty.h"
#include "nestbench/arena.h"

struct last_slot {
	uint64_t pa;
};

static void remember_slot(void *user, const struct nb_walk_step *s)
{
	((struct last_slot *)user)->pa = s->table_pa + s->index * 8;
}

/* The leaf mapping ia: its slot and its walk (page size, level). */
static bool leaf_of(struct nb_domain *d, uint64_t ia, _Atomic uint64_t **slot, struct nb_walk_result *w)
{
	struct last_slot ls = { 0 };
	const struct nb_walk_tracer t = { .step = remember_slot, .user = &ls };

	nb_rcu_read_lock();
	nb_walk1_traced(&d->geom, d->arena, d->root_pa, d->geom.levels - 1, ia, 0, w, &t);
	nb_rcu_read_unlock();
	if (w->fault != NB_FAULT_NONE)
		return false;
	*slot = nb_arena_u64(d->arena, ls.pa);
	return true;
}

int emu_dirty_mark(struct nb_domain *d, uint64_t ia)
{
	_Atomic uint64_t *slot;
	struct nb_walk_result w;

	if (!d->geom.fmt->dirty)
		return nb_fail(EOPNOTSUPP, "emu: the %s format has no dirty bit", d->geom.fmt->name);
	if (!leaf_of(d, ia, &slot, &w))
		return nb_fail(ENOENT, "emu: dirty: IOVA %#llx is not mapped", (unsigned long long)ia);
	atomic_fetch_or_explicit(slot, d->geom.fmt->dirty, memory_order_relaxed);
	return 0;
}

/* Set the bits of the page_size units [lo, hi) overlaps (iova_bitmap_set). */
static void mark_bits(uint64_t *bitmap, uint64_t base, uint64_t page_size, uint64_t lo, uint64_t hi)
{
	for (uint64_t i = (lo - base) / page_size; i <= (hi - 1 - base) / page_size; i++)
		bitmap[i / 64] |= 1ull << (i % 64);
}

void emu_dirty_read(struct nb_domain *d, uint64_t iova, uint64_t len, uint64_t page_size,
		    uint64_t *bitmap, bool no_clear, struct emu_dirty_read *out)
{
	const uint64_t bit = d->geom.fmt->dirty, end = iova + len;
	uint64_t ia = iova;

	*out = (struct emu_dirty_read){ .first = 1, .last = 0 };
	while (ia < end) {
		_Atomic uint64_t *slot;
		struct nb_walk_result w;
		uint64_t lo, hi, old;

		if (!leaf_of(d, ia, &slot, &w)) {
			ia = nb_align_down(ia, d->geom.granule_lg2) + (1ull << d->geom.granule_lg2);
			continue;
		}
		lo = nb_align_down(ia, w.page_lg2);
		hi = lo + (1ull << w.page_lg2);
		old = no_clear ? atomic_load_explicit(slot, memory_order_relaxed)
			       : atomic_fetch_and_explicit(slot, ~bit, memory_order_relaxed);
		if (old & bit) {
			out->dirty_leaves++;
			if (bitmap)
				mark_bits(bitmap, iova, page_size, lo < iova ? iova : lo, hi > end ? end : hi);
			if (!no_clear) {
				if (out->first > out->last)
					out->first = lo;
				out->last = hi - 1;
			}
		}
		ia = hi;
	}
}
