/* SPDX-License-Identifier: MIT */
/*
 * Invalidation commands: each vendor's real command set, as one tagged
 * struct (what the command says) plus an encoder per vendor (the bits the
 * hardware queue receives). The model layer decides which commands an unmap
 * needs; the cache layer decides which entries a command hits; this layer
 * only knows what commands exist and how they are written.
 *
 * Words: a command is one queue entry (VT-d invalidation-queue descriptor,
 * AMD command-buffer entry, SMMUv3 CMDQ entry): 128 bits, or 256 bits on a
 * VT-d unit in scalable mode (ECAP.SMTS: Linux's qi_shift() doubles the
 * slot; qw2 and qw3 of every invalidation descriptor are zero). "Range"
 * commands carry a base address and a size in the vendor's own encoding;
 * nb_inv_span() turns them back into [first, last] bytes.
 *
 * A batch (struct nb_inv_batch) is what a driver's flush produces: the
 * commands in order and the points where the driver waits for completion.
 * Models fill batches; the simulated queue encodes them into descriptor
 * bytes and its executor decodes the bytes back (nestbench/iommu.h).
 */
#ifndef NESTBENCH_INVAL_H
#define NESTBENCH_INVAL_H

#include "nb.h"

enum nb_vendor {
	NB_VENDOR_VTD,
	NB_VENDOR_AMD,
	NB_VENDOR_SMMUV3,
	NB_VENDOR_COUNT
};

/* Every command the models use. Names follow the specs. */
enum nb_inv_op {
	/* Intel VT-d invalidation queue (VT-d spec 6.5.2) */
	NB_VTD_CC_INV,	      /* context-cache invalidate (type 1) */
	NB_VTD_IOTLB_GLOBAL,  /* IOTLB invalidate, global (type 2, IIRG=01) */
	NB_VTD_IOTLB_DSI,     /* IOTLB invalidate, domain-selective (IIRG=10) */
	NB_VTD_IOTLB_PSI,     /* IOTLB invalidate, page-selective-within-domain (IIRG=11) */
	NB_VTD_DEVTLB,	      /* device-TLB invalidate (type 3) */
	NB_VTD_PIOTLB_PASID,  /* PASID-based IOTLB invalidate, PASID-selective (type 6) */
	NB_VTD_PIOTLB_PSI,    /* PASID-based IOTLB invalidate, page-selective-within-PASID */
	NB_VTD_PC_INV,	      /* PASID-cache invalidate (type 7) */
	NB_VTD_PASID_DEVTLB,  /* PASID-based device-TLB invalidate (type 8) */
	NB_VTD_WAIT,	      /* invalidation wait (type 5) */
	/* AMD-Vi command buffer (AMD IOMMU spec 2.4) */
	NB_AMD_COMPLETION_WAIT,	   /* opcode 01h */
	NB_AMD_INV_DEVTAB_ENTRY,   /* 02h */
	NB_AMD_INV_IOMMU_PAGES,	   /* 03h */
	NB_AMD_INV_IOTLB_PAGES,	   /* 04h */
	NB_AMD_INV_IOMMU_ALL,	   /* 08h */
	/* ARM SMMUv3 command queue (SMMUv3 spec 4.x) */
	NB_SMMU_CFGI_STE,	   /* 03h */
	NB_SMMU_CFGI_CD,	   /* 05h */
	NB_SMMU_TLBI_NH_ALL,	   /* 10h */
	NB_SMMU_TLBI_NH_ASID,	   /* 11h */
	NB_SMMU_TLBI_NH_VA,	   /* 12h */
	NB_SMMU_TLBI_S12_VMALL,	   /* 28h */
	NB_SMMU_TLBI_S2_IPA,	   /* 2Ah */
	NB_SMMU_TLBI_NSNH_ALL,	   /* 30h */
	NB_SMMU_ATC_INV,	   /* 40h */
	NB_SMMU_CMD_SYNC,	   /* 46h */
	NB_INV_OP_COUNT
};

/*
 * One command. Only the fields its op uses are meaningful, and the encoder
 * refuses a non-zero value in any other field (-EINVAL naming it), values
 * that do not fit their field (-ERANGE naming it) and ops of another vendor
 * (-EINVAL).
 *
 * Which field holds what, per op (spec field names; "-" = not used):
 *   VT-d  CC_INV        tag=DID sid=SID fm=FM gran=G (1 global, 2 domain, 3 device)
 *         IOTLB_GLOBAL  drain=DR+DW
 *         IOTLB_DSI     tag=DID drain
 *         IOTLB_PSI     tag=DID drain addr am leaf=IH
 *         DEVTLB        sid=SID pfsid=PFSID qdep=MIP addr am (written with the
 *                       S bit: am 0 = one page, else 2^am pages in addr's low bits)
 *         PIOTLB_PASID  tag=DID sub=PASID
 *         PIOTLB_PSI    tag=DID sub=PASID addr am leaf=IH
 *         PC_INV        tag=DID sub=PASID gran=G (0 all PASIDs of DID, 1 PASID, 3 global)
 *         PASID_DEVTLB  sid=SID pfsid=PFSID qdep=MIP sub=PASID global=G addr am (S bit
 *                       as DEVTLB)
 *         WAIT          irq=IF wait_addr (SW when non-zero) wait_data drain=PD (page-
 *                       request drain, Linux's QI_OPT_WAIT_DRAIN; FN is never set)
 *   AMD   COMPLETION_WAIT  irq=I drain=F wait_addr (S when non-zero) wait_data
 *         INV_DEVTAB_ENTRY sid=DeviceID
 *         INV_IOMMU_PAGES  tag=DomainID sub=PASID global=GN leaf=!PDE addr size_s=S
 *         INV_IOTLB_PAGES  sid=DeviceID (QueueID too, as Linux) qdep=MaxPend sub=PASID
 *                          global=GN addr size_s=S
 *         INV_IOMMU_ALL    -
 *   SMMU  CFGI_STE      sid=SID leaf
 *         CFGI_CD       sid=SID sub=SSID leaf
 *         TLBI_NH_ALL   tag=VMID
 *         TLBI_NH_ASID  tag=VMID sub=ASID
 *         TLBI_NH_VA    tag=VMID sub=ASID addr leaf tg num scale ttl
 *         TLBI_S12_VMALL tag=VMID
 *         TLBI_S2_IPA   tag=VMID addr leaf tg num scale ttl
 *         TLBI_NSNH_ALL -
 *         ATC_INV       sid=SID sub=SSID (SSV when non-zero) global=G addr am=SIZE
 *         CMD_SYNC      irq (CS=SIG_IRQ, else SIG_SEV) wait_addr=MSIAddr (needs irq)
 *                       wait_data=MSIData; MSH/MSIAttr are Inner Shareable / WB, as Linux
 */
struct nb_inv_cmd {
	enum nb_inv_op op;
	uint32_t tag;	  /* VT-d DID, AMD DomainID, SMMU VMID */
	uint32_t sub;	  /* VT-d/AMD PASID, SMMU ASID (TLBI) or SSID (CFGI_CD, ATC_INV) */
	uint32_t sid;	  /* source/device/stream ID (device TLB, context, STE) */
	uint64_t addr;	  /* IOVA or IPA, first byte of the range */
	/* Range, in the vendor's own terms:
	 *   VT-d PSI / PIOTLB_PSI / DEVTLB, SMMU ATC_INV: am = address mask
	 *     (2^am 4 KiB pages, addr aligned to that);
	 *   AMD INV_*_PAGES: size_s = the S bit, the size is in addr's low bits;
	 *   SMMU TLBI_*: tg (granule lg2: 12/14/16, 0 = no range), num, scale,
	 *                ttl (level hint, 0 = none). */
	uint8_t am;
	bool size_s;
	uint8_t tg, num, scale, ttl;
	bool leaf;	  /* VT-d IH (no non-leaf change) / SMMU LEAF / AMD !PDE */
	bool global;	  /* AMD GN, SMMU ATC_INV G (VT-d: unused; P_IOTLB's all-PASID
			   * granularities are reserved since VT-d 3.0) */
	bool drain;	  /* VT-d DR+DW (IOTLB), PD (WAIT); AMD COMPLETION_WAIT F */
	uint64_t wait_addr; /* WAIT/COMPLETION_WAIT/CMD_SYNC status address (0: none) */
	uint64_t wait_data; /* status data: 32 bits on VT-d and SMMU, 64 on AMD */
	uint8_t gran;	  /* VT-d CC_INV / PC_INV granularity, the spec's G value */
	uint8_t fm;	  /* VT-d CC_INV function mask (2 bits) */
	uint8_t qdep;	  /* VT-d (PASID_)DEVTLB MIP (5 bits), AMD INV_IOTLB_PAGES MaxPend (8 bits) */
	uint32_t pfsid;	  /* VT-d (PASID_)DEVTLB PFSID (the VF's PF source id; 16 bits) */
	bool irq;	  /* sync ops: completion also interrupts (VT-d IF, AMD I, SMMU CS=IRQ) */
};

/* The bits the hardware sees, word 0 first in memory: w[0..1] for a 128-bit
 * entry; a VT-d 256-bit (scalable-mode) slot adds qw2 = w[2], qw3 = w[3],
 * which every invalidation descriptor leaves zero. */
struct nb_inv_raw {
	uint64_t w[4];
};

/* Bytes of one queue entry: 16, or 32 for VT-d in scalable mode. */
static inline unsigned nb_inv_desc_bytes(enum nb_vendor v, bool scalable)
{
	return v == NB_VENDOR_VTD && scalable ? 32 : 16;
}

enum nb_vendor nb_inv_op_vendor(enum nb_inv_op op);
const char *nb_inv_op_name(enum nb_inv_op op); /* "TLBI_S2_IPA", "IOTLB_PSI", ... */
bool nb_inv_op_is_sync(enum nb_inv_op op);     /* WAIT, COMPLETION_WAIT, CMD_SYNC */
bool nb_inv_op_ranged(enum nb_inv_op op);      /* carries an address range nb_inv_split fills */
/* A non-sync command with a drain hint (VT-d IOTLB descriptors' DR/DW). */
bool nb_inv_op_drains(enum nb_inv_op op);

/* Encode one command as its vendor defines it. 0 or -EINVAL/-ERANGE with
 * nb_errmsg() naming the field. */
int nb_inv_encode(const struct nb_inv_cmd *c, struct nb_inv_raw *out);
/* Decode raw words back (the queue's executor, traces, tests); 0 or -EINVAL
 * naming what: unknown type/opcode, a reserved bit set (VT-d qw2/qw3 are
 * reserved for every type modelled; the 128-bit vendors' w[2..3] must be
 * zero), or a value the struct cannot hold (e.g. VT-d DR without DW).
 * decode(encode(c)) == c for every c the encoder accepts, and
 * encode(decode(raw)) == raw for every raw decode accepts. */
int nb_inv_decode(enum nb_vendor v, const struct nb_inv_raw *in, struct nb_inv_cmd *out);

/* The byte span [*first, *last] a range command covers, by its own
 * encoding (VT-d: 2^am pages aligned; AMD: the S-bit size encoding; SMMU:
 * (num+1) << (scale + tg), or one page of tg when tg is 0). false if the
 * command has no address range (it applies to everything its tags match). */
bool nb_inv_span(const struct nb_inv_cmd *c, uint64_t *first, uint64_t *last);

/*
 * Range splitting as the Linux drivers do it: append to out[] (at most
 * max) the commands that cover [addr, addr + size) for the given template
 * (op, tags, leaf hint and every non-range field are copied from tmpl), and
 * return how many (0 when size is 0), or -ENOSPC if max is too small (out[]
 * then holds the first max commands). The template's op must be ranged.
 *   VT-d IOTLB_PSI, PIOTLB_PSI, DEVTLB: one descriptor with the smallest
 *     aligned 2^am pages covering the range (Linux's
 *     calculate_psi_aligned_address). IOTLB_PSI only: am above
 *     caps->max_am returns -ERANGE so the caller falls back to DSI (Linux
 *     checks MAMV for second-stage PSI only; P_IOTLB and device-TLB
 *     descriptors take any am);
 *   AMD: one INVALIDATE_*_PAGES with the smallest naturally aligned
 *     power-of-two size covering the range (S=1), or a single page (S=0)
 *     (Linux's build_inv_address);
 *   SMMU TLBI_NH_VA / TLBI_S2_IPA with range invalidation (ril): Linux's
 *     (num, scale) loop over pages of caps->granule_lg2 (the TG: 12/14/16),
 *     TTL from tmpl->ttl (see nb_smmu_ttl); -ERANGE if a command would need
 *     SCALE > 31. Without ril: one command per 2^granule_lg2 bytes (Linux's
 *     `granule`, the leaf size unmapped), tg/num/scale/ttl 0. The caller
 *     decides Linux's CMDQ_MAX_TLBI_OPS fallback to a whole-ASID/VMID flush;
 *   SMMU ATC_INV: one command, the smallest aligned 2^am pages covering the
 *     range (Linux's arm_smmu_atc_inv_to_cmd).
 * The range is first widened to whole 4 KiB pages (SMMU: granules).
 */
struct nb_split_caps {
	uint8_t max_am;	 /* VT-d CAP.MAMV */
	bool ril;	 /* SMMU_IDR3.RIL */
	uint8_t granule_lg2; /* page size of the invalidation (12 unless SMMU 16K/64K) */
};
int nb_inv_split(const struct nb_inv_cmd *tmpl, uint64_t addr, uint64_t size,
		 const struct nb_split_caps *caps, struct nb_inv_cmd *out, int max);

/* SMMU TTL hint for a leaf of 2^leaf_lg2 bytes in a table of 2^tg_lg2
 * granules (Linux: 4 - (leaf_lg2 - 3) / (tg_lg2 - 3)); 0 if tg_lg2 is not
 * 12/14/16 or leaf_lg2 is not one of its leaf sizes. */
uint8_t nb_smmu_ttl(unsigned tg_lg2, unsigned leaf_lg2);

/*
 * A batch: the commands one driver operation produces (a flush, an attach,
 * a teardown), in order, with the points where the driver waits for their
 * completion (the vendor's sync op: VT-d WAIT, AMD COMPLETION_WAIT, SMMU
 * CMD_SYNC; its status fields are the queue's to fill). Growable: no
 * buffer size ever forces a wider command. An allocation failure is
 * sticky (err) and the batch then refuses to grow; nb_iommu_submit reports
 * it. One batch per simulated IOMMU, reused: no allocation once warm.
 */
struct nb_inv_batch {
	enum nb_vendor vendor;
	struct nb_inv_cmd *cmd;
	uint32_t n, cap;
	int err;
};

void nb_inv_batch_init(struct nb_inv_batch *b, enum nb_vendor v);
void nb_inv_batch_fini(struct nb_inv_batch *b);
static inline void nb_inv_batch_reset(struct nb_inv_batch *b)
{
	b->n = 0;
	b->err = 0;
}
/* Append one command (a copy). */
void nb_inv_batch_add(struct nb_inv_batch *b, const struct nb_inv_cmd *c);
/* The driver waits here: append the vendor's sync op, unless nothing was
 * added since the batch began or since the last sync (Linux submits no
 * empty batch: qi_batch_flush_descs, arm_smmu_cmdq_batch_submit after
 * commands, iommu_completion_wait with need_sync). */
void nb_inv_batch_sync(struct nb_inv_batch *b);
/* Append nb_inv_split(tmpl, addr, size, caps), however many commands that
 * takes; its error (-ERANGE: the encoding cannot express the range, the
 * caller flushes the whole tag instead) with nothing appended. */
int nb_inv_batch_split(struct nb_inv_batch *b, const struct nb_inv_cmd *tmpl, uint64_t addr,
		       uint64_t size, const struct nb_split_caps *caps);
/* The vendor's sync op. */
enum nb_inv_op nb_inv_sync_op(enum nb_vendor v);

#endif
