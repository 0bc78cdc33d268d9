/* SPDX-License-Identifier: MIT */
/*
 * The backend conformance test (test_backends): checks grouped into named
 * features (one uAPI path each), each ending "ok", "partial" (some checks
 * skipped), "skip" (all skipped) or "FAIL". A check that cannot run here (an
 * op the backend or the IOMMU does not support: -EOPNOTSUPP) is a skip with
 * its reason, counted and printed, never a pass.
 *
 * The expected values of a platform (struct platform) are hand-computed
 * from the sources cited beside them, never from a backend's own answers.
 */
#ifndef NB_TESTS_DRIVERS_CONFORMANCE_H
#define NB_TESTS_DRIVERS_CONFORMANCE_H

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#define NBT_SHARED_COUNTERS
#include "nb_test.h"
#include "nestbench/backend.h"

struct feature {
	const char *name;
	int checks0, failed0; /* nbt counters when it began */
	int skipped;
	char why[240];	      /* the first skip's reason */
};

extern int nbt_skipped;

/* Features are named PREFIX/NAME: the backend's name, or the label set
 * here (several runs of one backend: "emu-vtd", "emu-amd", ...). */
void feature_prefix(const char *label);
/* Begin / end one feature (one at a time). */
struct feature *feature_begin(const char *backend, const char *name);
void feature_end(struct feature *f);
/* One check (or several, n) that cannot run here: printed, counted. */
void skip_checks(struct feature *f, int n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* What a platform answers once a device is attached (platforms[] in
 * conformance.c, with the source of every number). */
struct platform {
	const char *name;
	uint32_t nranges;
	struct nb_iova_range ranges[4]; /* IOMMU_IOAS_IOVA_RANGES */
	uint64_t align;			/* out_iova_alignment */
	uint64_t any_4m, any_2m, any_4k; /* kernel-chosen IOVAs of the first three maps */
	bool leaf_2m;			/* a 2 MiB aligned mapping is one 2 MiB leaf */
};

/* The platform by name ("mock", "vtd", "amd", "emu-amd", "emu-smmuv3"); NULL
 * when unknown (the exact-value checks are then skipped, and said so). */
const struct platform *platform_by_name(const char *name);

/* A buffer of len bytes aligned to align, every page touched (free()). */
void *buf_alloc(uint64_t len, uint64_t align);

/* The uAPI paths beyond map/unmap (uapi_checks.c), each on its own
 * backend instance: ops->open(arg), device dev_spec ("sim:1" on emu; a VFIO
 * cdev or "mock" on iommufd); pf NULL: the exact-value checks are skipped. */
void check_iova_ranges(const struct nb_backend_ops *ops, const char *arg, const char *dev_spec,
		       const struct platform *pf);
void check_map_any(const struct nb_backend_ops *ops, const char *arg, const char *dev_spec,
		   const struct platform *pf);
void check_copy_replace(const struct nb_backend_ops *ops, const char *arg, const char *dev_spec,
			const struct platform *pf);
void check_dirty(const struct nb_backend_ops *ops, const char *arg, const char *dev_spec,
		 const struct platform *pf);

/* The features seen so far, for the summary. */
const struct feature *feature_at(int i);

#endif
