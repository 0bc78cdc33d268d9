/* SPDX-License-Identifier: MIT */
/*
 * A simulated IOMMU: translation caches tagged by a vendor model, a command
 * queue with modelled costs, invalidation policies, and the stale-
 * translation oracle (DESIGN parts 4-6).
 *
 * Glossary of the IOMMU side (pt.h has the page tables' words; both are
 * used everywhere in nestbench):
 *   unit      one IOMMU instance (struct nb_iommu): its caches, command
 *             queue, tag model and hardware description. A VM may have
 *             several sharing one stage 2 (vIOMMUs, testbed units).
 *   xdomain   a domain as a unit sees it (struct nb_xdomain, "x" for the
 *             unit's view of a page table it translates through): paging
 *             (stage 1 only, or a stage 2 that may be a nest parent) or
 *             nested (stage 1 over a parent fixed at allocation, as iommufd
 *             requires). The tables themselves are an nb_domain / nb_nested.
 *   xdev      a device (requester id, PASID) attached to one xdomain, maybe
 *             with ATS (its own device TLB).
 *   xctx      a translation context (unit.h): how the entries filled by one
 *             attachment were translated (single stage or nested, which
 *             roots), so the oracle and collateral accounting can walk again.
 *   tag       the id a cached entry is stored under, as the model assigns
 *             it: VT-d DID, AMD DomainID, SMMU VMID (cache.h).
 *   sub-tag   ("sub") the id inside a tag: PASID (VT-d, AMD) or ASID (SMMU);
 *             NB_SUB_S2 marks stage-2-only entries. tag2: the stage-2
 *             owner's tag of a combined nested entry, what a VMID-style
 *             command matches.
 *   space     the address space a command's range applies to (enum
 *             nb_space): IOVA (stage-1 input) or IPA (stage-2 input).
 *   effect    what one decoded command hits (struct nb_inv_effect): which
 *             caches, which tag / sub-tag / sid, which space and range,
 *             leaves only or walk caches too. The vendor's command set
 *             fills it; a hypothetical model may redefine it.
 *   flush request  what a page-table change asks the driver to flush
 *             (struct nb_flush_req: a range, leaf-only or not, page sizes);
 *             the model turns it into a batch of commands, the queue into
 *             descriptor bytes, the executor into effects.
 *   collateral  a cached entry an invalidation drops that still agreed with
 *             the page tables (thrown away though correct); a refill miss
 *             is a later miss on such an entry's key.
 *   stale     a cached entry that disagrees with the page tables after an
 *             invalidation completed: a DMA-after-unmap hole (the oracle).
 *   generation  the Linux range a model reproduces (struct nb_linux_gen).
 * The tag model (models/) decides the cache tags of every attachment and
 * the commands each page-table change needs; the vendor's command set says
 * which cached entries each command hits.
 *
 * Context: one thread drives an nb_iommu (it is a simulator of one
 * hardware unit); the page tables underneath may be walked concurrently.
 */
#ifndef NESTBENCH_IOMMU_H
#define NESTBENCH_IOMMU_H

#include "cache.h"
#include "domain.h"
#include "hwparams.h"
#include "inval.h"
#include "iommu_data.h"

struct nb_iommu;
struct nb_xdomain;
struct nb_xdev;

enum nb_xdomain_kind {
	NB_XD_S1,     /* paging, stage 1 only (first stage / ARM S1 / AMD v2) */
	NB_XD_S2,     /* paging, stage 2 (may be the parent of nested domains) */
	NB_XD_NESTED, /* stage 1 (guest tables) over a stage-2 parent */
};

/* The cache tags of one attachment, as the model assigns them. */
struct nb_tags {
	uint32_t tag, sub, tag2; /* see cache.h */
};

/* What a command hits: filled by the vendor's command set (or a model). */
enum nb_space { NB_SPACE_ANY, NB_SPACE_IOVA, NB_SPACE_IPA };

struct nb_inv_effect {
	uint32_t caches;	   /* bit per enum nb_cache_kind */
	bool match_tag, tag_or_tag2; /* tag_or_tag2: entry tag == t or entry tag2 == t */
	bool match_sub, only_s1, only_s2; /* sub == x; entries with sub != / == NB_SUB_S2 */
	bool match_sid;
	uint32_t tag, sub, sid;
	enum nb_space space;	   /* the range applies to entries of this space */
	bool ranged;		   /* false: every matching entry */
	uint64_t first, last;
	bool leaf_only;		   /* walk caches are not touched */
	bool other_space_all;	   /* ranged: matching entries of the other space all go */
};

/* The one rule that turns an unmap of [iova, iova + size) that gathered g
 * into the flush its driver sends (iommu_iotlb_sync of the gather): the
 * removed leaves' span, leaf-only unless tables went, their page sizes;
 * when no leaf was left but emptied tables went, the whole range (walk
 * caches may still point at them). false: nothing to flush. */
bool nb_flush_req_of_unmap(const struct nb_gather *g, uint64_t iova, uint64_t size,
			   struct nb_flush_req *req);

/*
 * Which Linux a model reproduces (DESIGN: "Linux generation is a
 * dimension"). range: the kernels, e.g. "6.12.117+, mainline"; funcs: the
 * functions whose behaviour it follows; kind: whether that is merged Linux,
 * an unmerged series, the seed thread's conjecture or a hypothetical design.
 */
enum nb_gen_kind { NB_GEN_LINUX, NB_GEN_UNMERGED, NB_GEN_CONJECTURE, NB_GEN_HYPOTHETICAL };

struct nb_linux_gen {
	enum nb_gen_kind kind;
	const char *range;
	const char *funcs;
};

const char *nb_gen_kind_name(enum nb_gen_kind k); /* "linux", "unmerged", ... */

/*
 * Model interface: one file per tag strategy (models/), one registration
 * line in models/model_list.h. A model never touches the queue: attach,
 * detach and flush append the commands the driver would send to a batch
 * (nb_inv_batch_add / _split / _sync, nestbench/inval.h); the simulated IOMMU
 * encodes the batch into descriptor bytes, and its executor decodes them
 * and applies their effect (the vendor's command set, or `effect`).
 */
struct nb_tag_model {
	const char *name;
	const char *summary;
	enum nb_vendor vendor;
	struct nb_linux_gen gen;
	/* The hardware it runs on when NB_CONFIG_DIR has no <name>.cfg of its
	 * own: the registered model of the same vendor whose file describes it
	 * (<hardware>.cfg, run under this model's name). NULL: the model's own
	 * file is its hardware and must be there (nb_hwparams_model). */
	const char *hardware;
	/* Tags for a new domain / device attachment (allocate ids here). */
	int (*domain_init)(struct nb_iommu *m, struct nb_xdomain *d);
	int (*attach)(struct nb_iommu *m, struct nb_xdev *dev, struct nb_inv_batch *b);
	void (*detach)(struct nb_iommu *m, struct nb_xdev *dev, struct nb_inv_batch *b);
	/* detach itself invalidates everything the device's DMAs cached (VT-d's
	 * teardown flushes by DID). false: the IOMMU first runs a whole-domain
	 * flush while the device still counts. */
	bool detach_flushes;
	/* Lookup tags of a device's DMAs, and of the stage-2 entries its
	 * nested walks create. */
	struct nb_tags (*dev_tags)(const struct nb_iommu *m, const struct nb_xdev *dev);
	struct nb_tags (*s2_tags)(const struct nb_iommu *m, const struct nb_xdev *dev);
	/* Commands for a page-table change of domain d (unmap on a paging or
	 * parent domain; guest request on a nested one). */
	int (*flush)(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req,
		     struct nb_inv_batch *b);
	/* Optional: a command's effect, when the model's hardware differs from
	 * its vendor's command set (hypothetical models); NULL: the vendor's. */
	void (*effect)(const struct nb_iommu *m, const struct nb_inv_cmd *c,
		       struct nb_inv_effect *e);
};

int nb_tag_model_by_name(const char *name, const struct nb_tag_model **out);
const struct nb_tag_model *nb_tag_model_at(int i); /* NULL past the end */
/* The registered models' names, "vtd, amd, ...", in buf (returned). */
const char *nb_tag_model_list(char *buf, size_t len);
/* The formats a vendor's IOMMU walks: stage 1 (guest / first stage) and
 * stage 2 (host / second stage), 4 KiB granule, 48-bit. */
void nb_vendor_formats(enum nb_vendor v, struct nb_pt_cfg *s1, struct nb_pt_cfg *s2);
/* The vendor's own command semantics (src/iommu/cmdset.c). */
void nb_vendor_effect(const struct nb_inv_cmd *c, struct nb_inv_effect *e);

/* ---- lifetime ---- */
/* The unit of p->model, found in the registry (src/models/registry.c). */
int nb_iommu_create(struct nb_iommu **out, const struct nb_hw_params *p, struct nb_arena *arena);
/* The same with a model that is not registered (tests, experiments). */
int nb_iommu_create_with(struct nb_iommu **out, const struct nb_hw_params *p,
			 struct nb_arena *arena, const struct nb_tag_model *model);
void nb_iommu_destroy(struct nb_iommu *m);
/* Free what m holds (caches, queues) but not m, which is unusable until
 * nb_iommu_reset or nb_iommu_destroy. No domain or device may remain. */
void nb_iommu_release(struct nb_iommu *m);
/* m made again as nb_iommu_create_with makes one, in its own memory: the
 * same new IOMMU without the page faults of a fresh one (most of it is
 * large arrays; nb_testbed_reset builds one per fuzz input). No domain or
 * device may remain. On failure m is destroyed. */
int nb_iommu_reset(struct nb_iommu *m, const struct nb_hw_params *p, struct nb_arena *arena,
		   const struct nb_tag_model *model);
const struct nb_hw_params *nb_iommu_params(const struct nb_iommu *m);
const struct nb_tag_model *nb_iommu_model(const struct nb_iommu *m);

/* Domains: the IOMMU takes its tables from the caller (nb_domain/nb_nested
 * are created and owned by the caller). */
int nb_xdomain_paging(struct nb_iommu *m, struct nb_domain *pt, enum nb_xdomain_kind kind,
		      struct nb_xdomain **out);
int nb_xdomain_nested(struct nb_iommu *m, struct nb_nested *n, struct nb_xdomain *parent,
		      struct nb_xdomain **out);
void nb_xdomain_free(struct nb_iommu *m, struct nb_xdomain *d);

int nb_xdev_attach(struct nb_iommu *m, uint32_t sid, uint32_t pasid, bool ats,
		   struct nb_xdomain *d, struct nb_xdev **out);
void nb_xdev_detach(struct nb_iommu *m, struct nb_xdev *dev);

/* ---- the data path ---- */
void nb_iommu_dma(struct nb_iommu *m, struct nb_xdev *dev, uint64_t iova, unsigned access,
		  struct nb_dma_result *r);

/* ---- the invalidation path ---- */
/* Unmap [iova, iova+size) from a paging (or parent) domain and invalidate
 * as the policy says (strict: now; lazy: through the flush queue). */
int64_t nb_iommu_unmap(struct nb_iommu *m, struct nb_xdomain *d, uint64_t iova, uint64_t size);
int nb_iommu_map(struct nb_iommu *m, struct nb_xdomain *d, uint64_t iova, uint64_t pa,
		 uint64_t size, unsigned prot);
/* Map as the kernel's IOVA allocator would get there: a range still waiting
 * in the lazy flush queue (nb_iommu_map refuses it) is handed out only after
 * the queue's flush, so that flush runs first. *flushed (may be NULL): it did. */
int nb_iommu_map_after_fq(struct nb_iommu *m, struct nb_xdomain *d, uint64_t iova, uint64_t pa,
			  uint64_t size, unsigned prot, bool *flushed);
/* A scatter list mapped back to back from iova (nb_domain_map_sg), after
 * the flush queue's flush where the range is still queued (as
 * nb_iommu_map_after_fq). */
int nb_iommu_map_sg(struct nb_iommu *m, struct nb_xdomain *d, uint64_t iova,
		    const struct nb_map_seg *seg, size_t n, unsigned prot);
/* Invalidate a change the caller already made to d's tables (one IOMMU
 * unit of several sharing the tables: each flushes its own caches). */
int nb_iommu_flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req);
/* A guest's stage-1 invalidation request on a nested domain. */
int nb_iommu_guest_invalidate(struct nb_iommu *m, struct nb_xdomain *n,
			      const struct nb_flush_req *req);
/* An array of requests, as IOMMU_HWPT_INVALIDATE carries them: the host
 * queues every request's commands, then one sync. *done: how many were
 * handled, even on failure. */
int nb_iommu_guest_invalidate_array(struct nb_iommu *m, struct nb_xdomain *n,
				    const struct nb_flush_req *reqs, uint32_t count, uint32_t *done);
/* Lazy mode: flush the flush queue now; or if its timeout has passed by
 * the caller's clock (microseconds, any origin). */
void nb_iommu_fq_flush(struct nb_iommu *m);
void nb_iommu_fq_tick(struct nb_iommu *m, uint64_t now_us);
/* Is iova in the flush queue (unmapped, not yet invalidated)? */
bool nb_iommu_fq_holds(const struct nb_iommu *m, const struct nb_xdomain *d, uint64_t iova);

/* Execute raw descriptor bytes as the hardware would (a captured driver's
 * own commands, whatever the model): the bytes go into the ring as they
 * are; publish: ring the doorbell now (a sync always does). -EINVAL when
 * the bytes do not decode as this IOMMU's vendor (nb_errmsg() says why);
 * nothing is written then. */
int nb_iommu_submit_raw(struct nb_iommu *m, const struct nb_inv_raw *raw, bool publish);

/* Model helpers: iterate a domain's devices and nested children. */
int nb_xdomain_ndevs(const struct nb_xdomain *d);
struct nb_xdev *nb_xdomain_dev(const struct nb_xdomain *d, int i);
int nb_xdomain_nchildren(const struct nb_xdomain *d);
struct nb_xdomain *nb_xdomain_child(const struct nb_xdomain *d, int i);
enum nb_xdomain_kind nb_xdomain_kind(const struct nb_xdomain *d);
const struct nb_pt_geom *nb_xdomain_geom(const struct nb_xdomain *d); /* its own tables */
struct nb_xdomain *nb_xdomain_parent(const struct nb_xdomain *d);
/* Model-private id storage on domains and devices. */
uint32_t *nb_xdomain_ids(struct nb_xdomain *d); /* 4 slots */
const uint32_t *nb_xdomain_ids_c(const struct nb_xdomain *d);
uint32_t *nb_xdev_ids(struct nb_xdev *dev);	/* 4 slots */
const uint32_t *nb_xdev_ids_c(const struct nb_xdev *dev);
uint32_t nb_xdev_sid(const struct nb_xdev *dev);
uint32_t nb_xdev_pasid(const struct nb_xdev *dev);
bool nb_xdev_ats(const struct nb_xdev *dev);
uint64_t nb_xdev_seq(const struct nb_xdev *dev); /* attach order on its IOMMU */
struct nb_xdomain *nb_xdev_domain(const struct nb_xdev *dev);
/* Scratch memory for a model's flush, owned by the IOMMU (valid until the
 * next call; NULL without memory). */
void *nb_iommu_scratch(struct nb_iommu *m, size_t bytes);
/* A fresh id from the IOMMU's id space `space` (0..3: e.g. DID, VMID, ASID). */
uint32_t nb_iommu_alloc_id(struct nb_iommu *m, int space);

/* ---- observation ---- */
/* Every descriptor the executor runs, syncs included: its bytes as they
 * were in the queue and what they decode to (tests, fidelity checks).
 * NULL fn: none. */
typedef void (*nb_desc_observer)(void *user, const struct nb_inv_raw *raw,
				 const struct nb_inv_cmd *c);
void nb_iommu_set_observer(struct nb_iommu *m, nb_desc_observer fn, void *user);
const struct nb_iommu_stats *nb_iommu_stats(const struct nb_iommu *m);
void nb_iommu_stats_reset(struct nb_iommu *m);
const struct nb_cache *nb_iommu_cache(const struct nb_iommu *m, enum nb_cache_kind k);

/*
 * The stale-translation oracle: every valid cached entry must agree with
 * the page tables (re-walked through the context that filled it), except
 * lazy-mode IOTLB entries for IOVAs still in the flush queue. Returns the
 * number of stale entries and, for the first, a message (structure, tags,
 * address) in nb_errmsg(). With check_after_sync on (tests and fuzzers turn
 * it on; it is off by default), every sync that ends a flush runs it, prints
 * the first stale entry on stderr ("nestbench: ORACLE: ...") and counts them
 * in stats.stale_found; it does not abort (tests fail on the count).
 * Benchmarks check a sample of rounds instead, with their timer paused
 * (bench/common/oracle_sample.h).
 */
uint64_t nb_iommu_oracle_check(struct nb_iommu *m);
void nb_iommu_set_oracle(struct nb_iommu *m, bool check_after_sync);

#endif
