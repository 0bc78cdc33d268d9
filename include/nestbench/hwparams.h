/* SPDX-License-Identifier: MIT */
/*
 * Hardware parameters of a modelled IOMMU, as data: cache geometry,
 * replacement, walk caches, translation latencies (modelled ns, used by the
 * timing model, timing.h), command costs, invalidation policy. Vendors
 * describe an IOMMU in a config file (configs/NAME.cfg, libconfig syntax) and
 * users override single values from the command line (--set key=value).
 * Defaults for each shipped model live in configs/<model>.cfg, not in code.
 */
#ifndef NESTBENCH_HWPARAMS_H
#define NESTBENCH_HWPARAMS_H

#include "inval.h"
#include "nb.h"

enum nb_repl {
	NB_REPL_LRU,
	NB_REPL_PLRU, /* tree pseudo-LRU (ways must be a power of two) */
	NB_REPL_RANDOM,
	NB_REPL_QEMU, /* QEMU's VT-d IOTLB: a hash table dropped whole when full */
	NB_REPL_COUNT
};

/* One set-associative cache. entries = 0: the structure is absent. */
struct nb_cache_params {
	uint32_t entries;
	uint32_t ways;	     /* entries / ways sets; ways = entries: fully associative */
	enum nb_repl repl;
	uint64_t page_sizes; /* bitmap of page sizes held (bit n: 2^n bytes); IOTLB only */
	uint32_t levels;     /* walk caches: bitmap of levels cached (bit l: our level l) */
	uint32_t lookup_ns;  /* modelled time of one lookup, hit or miss (timing.h) */
};

/* Invalidation policy, as the Linux drivers choose it. */
struct nb_inval_policy {
	bool strict;		/* false: lazy, through a flush queue */
	uint32_t fq_entries;	/* lazy: IOVAs the flush queue holds before a flush */
	uint32_t fq_timeout_us; /* lazy: flush at least this often */
	uint32_t range_max_pages; /* above this many pages, flush the whole tag */
	bool batch;		/* one sync per batch of commands, not per command */
	/* How the driver submits a batch (configs/README.md: the Linux source
	 * of each shipped value). batch_max: commands in one submission; when
	 * that many are pending the driver submits them before adding more
	 * (0: no limit). batch_full_sync: that full submission carries its own
	 * sync (VT-d qi_batch: qi_submit_sync) rather than only a doorbell
	 * (SMMUv3 arm_smmu_cmdq_batch_add). doorbell_per_cmd: every command is
	 * published with its own tail-register write (AMD iommu_queue_command). */
	uint32_t batch_max;
	bool batch_full_sync;
	bool doorbell_per_cmd;
	/* VT-d scalable mode (ECAP.SMTS, Linux sm_supported): 256-bit queue
	 * entries and PASID-table attach/teardown flushes (PC_INV, P_IOTLB). */
	bool scalable_mode;
	uint8_t max_am;		/* VT-d CAP.MAMV */
	bool ril;		/* SMMU range invalidation (IDR3.RIL) */
	/* VT-d CAP.DRD + CAP.DWD: Linux (qi_desc_iotlb) then sets DR and DW in
	 * every IOTLB invalidation descriptor. Comes from the register
	 * (nb_hwparams_apply_vtd_caps), not from a config file: it changes the
	 * descriptor's bits, not what is invalidated or counted. */
	bool drain;
	/* The unit may cache not-present entries (a vIOMMU: VT-d CAP.CM, AMD
	 * NpCache), so the driver flushes on attach and on map, and on AMD only
	 * naturally aligned ranges. From the register or the trace, not a file. */
	bool caching_mode;
};

struct nb_hw_params {
	char model[32];	      /* tag model name: vtd, amd, smmuv3, ... */
	enum nb_vendor vendor; /* which command set */
	struct nb_cache_params iotlb;	   /* final (combined) translations */
	struct nb_cache_params pwc_s1;	   /* stage-1 (or single-stage) walk cache */
	struct nb_cache_params pwc_s2;	   /* stage-2 walk cache */
	struct nb_cache_params nested_tlb; /* IPA -> PA for stage-1 table fetches */
	struct nb_cache_params ctx_cache;  /* context / PASID / CD entries */
	struct nb_cache_params devtlb;	   /* per ATS device */
	/* A page-table read in the timing model (timing.h): served by the LLC
	 * if its line is among the last mem_llc_lines lines the walks read,
	 * else by DRAM. Modelled nanoseconds; lines of 64 bytes. */
	uint32_t mem_llc_ns, mem_dram_ns, mem_llc_lines;
	uint32_t cmd_cycles[NB_INV_OP_COUNT]; /* cost of each command in the queue */
	struct nb_inval_policy policy;
};

/*
 * Load a model description. path: a file; on error -EINVAL etc. with
 * nb_errmsg() = "FILE:LINE: FIELD: what is wrong" (unknown keys are errors,
 * so a typo is never silently ignored). Values missing from the file keep
 * what *p held (so a file can be partial over nb_hwparams_defaults()). A
 * file that names its base (base = "MODEL";) is loaded over MODEL.cfg from
 * the same folder, loaded first the same way (configs/README.md: the rules).
 */
int nb_hwparams_load(struct nb_hw_params *p, const char *path);
/* Apply one "key=value" override (keys as in the file, dotted: iotlb.ways,
 * costs.IOTLB_PSI, policy.strict). Error names the key. */
int nb_hwparams_set(struct nb_hw_params *p, const char *assignment);
/* A model's description as the benchmarks run it: the file that describes
 * it (nb_hwparams_model_file) over the vendor's defaults (the file must
 * name the model, or the hardware model it stands for), under the model's
 * own name, then the overrides (sets: "key=value" strings), applied
 * together and checked once. Errors name the file, the model and the
 * override. */
int nb_hwparams_model(const char *dir, const char *model, const char *const *sets, int nsets,
		      struct nb_hw_params *p);
/* Which file describes a registered model: DIR/<model>.cfg when it is
 * there (*hardware = NULL), else, for a model registered with .hardware,
 * DIR/<hardware>.cfg (*hardware = its name). Neither there: an error
 * naming both paths; a model without .hardware gets its own path (its
 * load then says why it cannot be read). */
int nb_hwparams_model_file(const char *dir, const char *model, char *path, size_t len,
			   const char **hardware);
/* The model whose hardware a model runs on, in base: its file's base
 * (base = "MODEL";), or its registered .hardware when it has no file of
 * its own; "" when its file describes hardware of its own: sweeps whose
 * figures depend on the hardware alone take the models with their own. */
int nb_hwparams_model_base(const char *dir, const char *model, char *base, size_t len);
/* Sanity of the whole set (ways divides entries, PLRU power of two, ...). */
int nb_hwparams_validate(const struct nb_hw_params *p);
/* Built-in neutral defaults (every structure present, all costs and
 * latencies 1, no LLC: modelled time then counts events). */
void nb_hwparams_defaults(struct nb_hw_params *p, enum nb_vendor v);
/* Write p as a config file that nb_hwparams_load reads back identically. */
int nb_hwparams_write(const struct nb_hw_params *p, const char *path);

const char *nb_repl_name(enum nb_repl r);
/* "vtd", "amd", "smmuv3": the vendor as config files name it. */
const char *nb_vendor_name(enum nb_vendor v);

/* Apply what a real VT-d unit's CAP/ECAP registers say (MAMV, PSI,
 * second-level page sizes, device TLB); summary (may be NULL) gets one
 * line describing them. */
int nb_hwparams_apply_vtd_caps(struct nb_hw_params *p, uint64_t cap, uint64_t ecap, char *summary,
			       size_t len);

#endif
