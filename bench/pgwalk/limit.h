/* SPDX-License-Identifier: MIT */
/*
 * The limit of a walk: the walk's own descriptor reads, replayed.
 *
 * A walk of the benchmark is a chain of dependent loads (each descriptor
 * gives the next table's address) plus the walker's decoding. Its limit is
 * the same loads without the decoding: the very slots the walks read, in
 * the arena the walks read them from (so the same pages, THP advice and
 * cache sets), in the walks' order, each load's address depending on the
 * value of the one before (so they cannot overlap, as the walk's cannot).
 * The plain pgwalk walks have no walk caches, only the host CPU's, so every
 * read can miss and every read is replayed.
 *
 * It is a bound in the measured sense: the walk does everything the replay
 * does plus decoding, so walk time / limit time >= 1 up to noise. The
 * benchmark times the replay and the walks themselves in alternating chunks
 * of tens of microseconds (so both see the same machine at nearly the same
 * moment) and takes the fastest chunk of each (interference only slows the
 * chunk it lands in; pgwalk.c, measure_limit, says why not the median).
 */
#ifndef NB_PGWALK_LIMIT_H
#define NB_PGWALK_LIMIT_H

#include <stdint.h>

#include "nestbench/arena.h"
#include "nestbench/walk.h"

/* The slots read by one lap of walks (every IOVA once, in walk order),
 * each as its physical address / 8 (the arena stays below 32 GiB), and
 * where each walk's reads begin. */
struct pgw_loads {
	uint32_t *slot;
	uint64_t *off;	/* [n]: the read's address less the value of the read
			   before it (the lap's first: its last), for the replay */
	uint64_t *last; /* [walks]: the value of walk w's last read */
	uint64_t value, last_cap; /* recording: the last read's value */
	uint64_t n, cap;
	uint32_t *start; /* [walks + 1]: walk w read slot[start[w] .. start[w + 1]) */
	uint64_t walks, start_cap;
	bool oom;
};

/* A tracer that appends every descriptor read to l (slot = table + 8 * index). */
struct nb_walk_tracer pgw_loads_tracer(struct pgw_loads *l);
/* Close the walk being recorded (call after each traced walk). */
void pgw_loads_end_walk(struct pgw_loads *l);
void pgw_loads_free(struct pgw_loads *l);

/* Replay `count` walks' reads from walk *w on (wrapping at the lap's end;
 * *w moves on), as one dependent chain; returns host nanoseconds. */
uint64_t pgw_replay(const struct nb_arena *a, const struct pgw_loads *l, uint64_t *w,
		    uint64_t count);

#endif
