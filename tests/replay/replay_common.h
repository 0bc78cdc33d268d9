/* SPDX-License-Identifier: MIT */
/* Shared by the replay tests: where the committed traces are, and a QEMU-like VT-d. */
#ifndef NB_TESTS_REPLAY_COMMON_H
#define NB_TESTS_REPLAY_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nestbench/hwparams.h"
#include "nb_test.h"
#include "nestbench/trace.h"

/* A committed trace: NB_TRACE_DIR (environment) or the source tree's tests/traces. */
static inline const char *trace_path(const char *name, char *buf, size_t len)
{
	const char *dir = getenv("NB_TRACE_DIR");

	snprintf(buf, len, "%s/%s", dir && *dir ? dir : NB_TRACE_DIR_DEFAULT, name);
	return buf;
}

/* The committed traces the VT-d checks run on by default. */
#define REPLAY_VTD_TRACES "vtd-cm/all.trace.gz", "vtd-strict/all.trace.gz", "virtio/all.trace.gz"

/* A replay test's main: check() on each trace named on the command line,
 * or on the defaults (a NULL-terminated list); the test's verdict. */
static inline int replay_main(const char *test, int argc, char **argv,
			      void (*check)(const char *name), const char *const *defaults)
{
	if (argc > 1)
		for (int i = 1; i < argc; i++)
			check(argv[i]);
	else
		for (int i = 0; defaults[i]; i++)
			check(defaults[i]);
	return nbt_done(test);
}

/*
 * QEMU 10.0's VT-d IOTLB (hw/i386/intel_iommu.c): a hash of at most
 * VTD_IOTLB_MAX_SIZE (1024) entries, emptied whole when an insert finds it
 * full (vtd_update_iotlb), looked up for 4K, 2M and 1G pages
 * (vtd_lookup_iotlb); no walk caches, no device TLB.
 */
static inline void qemu_vtd_params(struct nb_hw_params *p)
{
	nb_hwparams_defaults(p, NB_VENDOR_VTD);
	snprintf(p->model, sizeof(p->model), "vtd");
	p->iotlb = (struct nb_cache_params){ .entries = 1024, .ways = 1024, .repl = NB_REPL_QEMU,
					     .page_sizes = NB_BIT(12) | NB_BIT(21) | NB_BIT(30) };
	p->pwc_s1.entries = p->pwc_s2.entries = p->nested_tlb.entries = p->devtlb.entries = 0;
	p->policy.strict = true;
}

/*
 * Pairing a driver's operations with the page-selective invalidations they
 * caused. The converter puts each guest map/unmap before the descriptor it
 * queued (their order is the guest's own); per domain, a PSI belongs to the
 * oldest pending operation whose range it touches. Maps are operations only
 * where the driver flushes on map (caching mode).
 */
#define PAIR_MAX 4096

struct op {
	enum nb_trace_kind kind;
	uint64_t iova, size;
	uint32_t domain;
	unsigned line;
};

struct pairing {
	struct op pend[PAIR_MAX];
	int n;
	bool maps; /* maps are flushed (caching mode) */
	bool group; /* the newest pending map is a driver call whose maps go on (more=1) */
	uint64_t dropped; /* operations pushed out of a full table */
};

static inline void pair_op(struct pairing *pr, const struct nb_trace_event *ev)
{
	if (ev->kind == NB_TR_MAP && !pr->maps)
		return;
	if (pr->group && ev->kind == NB_TR_MAP && pr->pend[pr->n - 1].domain == ev->domain) {
		/* one iommu_map_sg: one operation over all its maps, named by the last */
		struct op *o = &pr->pend[pr->n - 1];
		uint64_t end = o->iova + o->size > ev->iova + ev->size ? o->iova + o->size
								      : ev->iova + ev->size;

		o->iova = o->iova < ev->iova ? o->iova : ev->iova;
		o->size = end - o->iova;
		o->line = ev->line;
		pr->group = ev->more;
		return;
	}
	pr->group = ev->kind == NB_TR_MAP && ev->more;
	if (pr->n == PAIR_MAX) {
		memmove(pr->pend, pr->pend + 1, sizeof(pr->pend[0]) * (PAIR_MAX - 1));
		pr->n--;
		pr->dropped++;
	}
	pr->pend[pr->n++] = (struct op){ ev->kind, ev->iova, ev->size, ev->domain, ev->line };
}

/* The operation a recorded IOTLB_PSI (first..last) of domain belongs to; false if none. */
static inline bool pair_psi(struct pairing *pr, uint32_t domain, uint64_t first, uint64_t last,
			    struct op *out)
{
	for (int i = 0; i < pr->n; i++) {
		struct op *o = &pr->pend[i];

		if (o->domain == domain && o->iova <= last && first < o->iova + o->size) {
			*out = *o;
			memmove(o, o + 1, sizeof(*o) * (size_t)(pr->n - i - 1));
			pr->n--;
			return true;
		}
	}
	return false;
}

/* Is this event a recorded VT-d IOTLB_PSI? Its command in *c. */
static inline bool recorded_psi(const struct nb_trace_event *ev, struct nb_inv_cmd *c)
{
	return ev->kind == NB_TR_INV && ev->has_raw && nb_inv_decode(NB_VENDOR_VTD, &ev->raw, c) == 0 &&
	       c->op == NB_VTD_IOTLB_PSI;
}

/* The VT-d CAP/ECAP the guest saw, from the trace's header. */
static inline bool trace_caps(const char *path, uint64_t *cap, uint64_t *ecap, bool *cm)
{
	char v[64];

	if (nb_trace_meta(path, "vtd-cap", v, sizeof(v)) != 1)
		return false;
	*cap = strtoull(v, NULL, 0);
	if (nb_trace_meta(path, "vtd-ecap", v, sizeof(v)) != 1)
		return false;
	*ecap = strtoull(v, NULL, 0);
	*cm = (*cap >> 7) & 1;
	return true;
}

#endif
