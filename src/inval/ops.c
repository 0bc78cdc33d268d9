// SPDX-License-Identifier: MIT
/*
 * The op table and the dispatcher. Adding an op is one line below plus its
 * encoder case; adding a vendor is one enc_<vendor>.c file and one line in
 * vendor_ops[].
 */
#include <errno.h>

#include "inval_priv.h"

#define VTD_RANGE (NB_F_ADDR | NB_F_AM)
#define AMD_RANGE (NB_F_ADDR | NB_F_SIZE_S)
#define SMMU_RANGE (NB_F_ADDR | NB_F_TG | NB_F_NUM | NB_F_SCALE | NB_F_TTL)
#define SYNC_FIELDS (NB_F_WAIT_ADDR | NB_F_WAIT_DATA | NB_F_IRQ)

#define OP(id, nm, v, sync, rng, f)                                          \
	[id] = { .name = nm, .vendor = v, .is_sync = sync, .ranged = rng, .fields = f }

const struct nb_inv_op_desc nb_inv_ops[NB_INV_OP_COUNT] = {
	OP(NB_VTD_CC_INV, "CC_INV", NB_VENDOR_VTD, false, false,
	   NB_F_TAG | NB_F_SID | NB_F_FM | NB_F_GRAN),
	OP(NB_VTD_IOTLB_GLOBAL, "IOTLB_GLOBAL", NB_VENDOR_VTD, false, false, NB_F_DRAIN),
	OP(NB_VTD_IOTLB_DSI, "IOTLB_DSI", NB_VENDOR_VTD, false, false, NB_F_TAG | NB_F_DRAIN),
	OP(NB_VTD_IOTLB_PSI, "IOTLB_PSI", NB_VENDOR_VTD, false, true,
	   NB_F_TAG | NB_F_DRAIN | VTD_RANGE | NB_F_LEAF),
	OP(NB_VTD_DEVTLB, "DEVTLB", NB_VENDOR_VTD, false, true,
	   NB_F_SID | NB_F_PFSID | NB_F_QDEP | VTD_RANGE),
	OP(NB_VTD_PIOTLB_PASID, "PIOTLB_PASID", NB_VENDOR_VTD, false, false, NB_F_TAG | NB_F_SUB),
	OP(NB_VTD_PIOTLB_PSI, "PIOTLB_PSI", NB_VENDOR_VTD, false, true,
	   NB_F_TAG | NB_F_SUB | VTD_RANGE | NB_F_LEAF),
	OP(NB_VTD_PC_INV, "PC_INV", NB_VENDOR_VTD, false, false, NB_F_TAG | NB_F_SUB | NB_F_GRAN),
	OP(NB_VTD_PASID_DEVTLB, "PASID_DEVTLB", NB_VENDOR_VTD, false, true,
	   NB_F_SID | NB_F_PFSID | NB_F_QDEP | NB_F_SUB | NB_F_GLOBAL | VTD_RANGE),
	OP(NB_VTD_WAIT, "WAIT", NB_VENDOR_VTD, true, false, SYNC_FIELDS | NB_F_DRAIN),

	OP(NB_AMD_COMPLETION_WAIT, "COMPLETION_WAIT", NB_VENDOR_AMD, true, false,
	   SYNC_FIELDS | NB_F_DRAIN),
	OP(NB_AMD_INV_DEVTAB_ENTRY, "INVALIDATE_DEVTAB_ENTRY", NB_VENDOR_AMD, false, false,
	   NB_F_SID),
	OP(NB_AMD_INV_IOMMU_PAGES, "INVALIDATE_IOMMU_PAGES", NB_VENDOR_AMD, false, true,
	   NB_F_TAG | NB_F_SUB | NB_F_GLOBAL | NB_F_LEAF | AMD_RANGE),
	OP(NB_AMD_INV_IOTLB_PAGES, "INVALIDATE_IOTLB_PAGES", NB_VENDOR_AMD, false, true,
	   NB_F_SID | NB_F_QDEP | NB_F_SUB | NB_F_GLOBAL | AMD_RANGE),
	OP(NB_AMD_INV_IOMMU_ALL, "INVALIDATE_IOMMU_ALL", NB_VENDOR_AMD, false, false, 0),

	OP(NB_SMMU_CFGI_STE, "CFGI_STE", NB_VENDOR_SMMUV3, false, false, NB_F_SID | NB_F_LEAF),
	OP(NB_SMMU_CFGI_CD, "CFGI_CD", NB_VENDOR_SMMUV3, false, false,
	   NB_F_SID | NB_F_SUB | NB_F_LEAF),
	OP(NB_SMMU_TLBI_NH_ALL, "TLBI_NH_ALL", NB_VENDOR_SMMUV3, false, false, NB_F_TAG),
	OP(NB_SMMU_TLBI_NH_ASID, "TLBI_NH_ASID", NB_VENDOR_SMMUV3, false, false,
	   NB_F_TAG | NB_F_SUB),
	OP(NB_SMMU_TLBI_NH_VA, "TLBI_NH_VA", NB_VENDOR_SMMUV3, false, true,
	   NB_F_TAG | NB_F_SUB | NB_F_LEAF | SMMU_RANGE),
	OP(NB_SMMU_TLBI_S12_VMALL, "TLBI_S12_VMALL", NB_VENDOR_SMMUV3, false, false, NB_F_TAG),
	OP(NB_SMMU_TLBI_S2_IPA, "TLBI_S2_IPA", NB_VENDOR_SMMUV3, false, true,
	   NB_F_TAG | NB_F_LEAF | SMMU_RANGE),
	OP(NB_SMMU_TLBI_NSNH_ALL, "TLBI_NSNH_ALL", NB_VENDOR_SMMUV3, false, false, 0),
	OP(NB_SMMU_ATC_INV, "ATC_INV", NB_VENDOR_SMMUV3, false, true,
	   NB_F_SID | NB_F_SUB | NB_F_GLOBAL | VTD_RANGE),
	OP(NB_SMMU_CMD_SYNC, "CMD_SYNC", NB_VENDOR_SMMUV3, true, false, SYNC_FIELDS),
};

static const struct nb_inv_vendor_ops *const vendor_ops[NB_VENDOR_COUNT] = {
	[NB_VENDOR_VTD] = &nb_inv_vtd_ops,
	[NB_VENDOR_AMD] = &nb_inv_amd_ops,
	[NB_VENDOR_SMMUV3] = &nb_inv_smmuv3_ops,
};

const struct nb_inv_op_desc *nb_inv_op_desc(enum nb_inv_op op)
{
	if ((unsigned)op >= NB_INV_OP_COUNT)
		return NULL;
	return &nb_inv_ops[op];
}

enum nb_vendor nb_inv_op_vendor(enum nb_inv_op op)
{
	const struct nb_inv_op_desc *d = nb_inv_op_desc(op);

	return d ? d->vendor : NB_VENDOR_COUNT;
}

const char *nb_inv_op_name(enum nb_inv_op op)
{
	const struct nb_inv_op_desc *d = nb_inv_op_desc(op);

	return d ? d->name : "?";
}

bool nb_inv_op_drains(enum nb_inv_op op)
{
	const struct nb_inv_op_desc *d = nb_inv_op_desc(op);

	return d && !d->is_sync && (d->fields & NB_F_DRAIN);
}

bool nb_inv_op_is_sync(enum nb_inv_op op)
{
	const struct nb_inv_op_desc *d = nb_inv_op_desc(op);

	return d && d->is_sync;
}

bool nb_inv_op_ranged(enum nb_inv_op op)
{
	const struct nb_inv_op_desc *d = nb_inv_op_desc(op);

	return d && d->ranged;
}

/* The first non-zero field the op does not carry, or NULL. */
static const char *stray_field(const struct nb_inv_cmd *c, uint32_t used)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ NB_F_TAG, "tag" },	   { NB_F_SUB, "sub" },		{ NB_F_SID, "sid" },
		{ NB_F_ADDR, "addr" },	   { NB_F_AM, "am" },		{ NB_F_SIZE_S, "size_s" },
		{ NB_F_TG, "tg" },	   { NB_F_NUM, "num" },		{ NB_F_SCALE, "scale" },
		{ NB_F_TTL, "ttl" },	   { NB_F_LEAF, "leaf" },	{ NB_F_GLOBAL, "global" },
		{ NB_F_DRAIN, "drain" },   { NB_F_WAIT_ADDR, "wait_addr" },
		{ NB_F_WAIT_DATA, "wait_data" }, { NB_F_GRAN, "gran" }, { NB_F_FM, "fm" },
		{ NB_F_QDEP, "qdep" },	   { NB_F_PFSID, "pfsid" },	{ NB_F_IRQ, "irq" },
	};
	uint32_t set = 0;

	set |= c->tag ? NB_F_TAG : 0;
	set |= c->sub ? NB_F_SUB : 0;
	set |= c->sid ? NB_F_SID : 0;
	set |= c->addr ? NB_F_ADDR : 0;
	set |= c->am ? NB_F_AM : 0;
	set |= c->size_s ? NB_F_SIZE_S : 0;
	set |= c->tg ? NB_F_TG : 0;
	set |= c->num ? NB_F_NUM : 0;
	set |= c->scale ? NB_F_SCALE : 0;
	set |= c->ttl ? NB_F_TTL : 0;
	set |= c->leaf ? NB_F_LEAF : 0;
	set |= c->global ? NB_F_GLOBAL : 0;
	set |= c->drain ? NB_F_DRAIN : 0;
	set |= c->wait_addr ? NB_F_WAIT_ADDR : 0;
	set |= c->wait_data ? NB_F_WAIT_DATA : 0;
	set |= c->gran ? NB_F_GRAN : 0;
	set |= c->fm ? NB_F_FM : 0;
	set |= c->qdep ? NB_F_QDEP : 0;
	set |= c->pfsid ? NB_F_PFSID : 0;
	set |= c->irq ? NB_F_IRQ : 0;
	set &= ~used;
	if (!set) /* every command a model builds: the names are for errors only */
		return NULL;
	for (size_t i = 0; i < NB_ARRAY_SIZE(names); i++)
		if (set & names[i].bit)
			return names[i].name;
	return NULL;
}

int nb_inv_encode(const struct nb_inv_cmd *c, struct nb_inv_raw *out)
{
	const struct nb_inv_op_desc *d = nb_inv_op_desc(c->op);
	const char *stray;

	if (!d)
		return nb_fail(EINVAL, "invalidation op %d: no such op", (int)c->op);
	stray = stray_field(c, d->fields);
	if (stray)
		return nb_fail(EINVAL, "%s: field '%s' is not part of this command", d->name,
			       stray);
	*out = (struct nb_inv_raw){ { 0 } };
	return vendor_ops[d->vendor]->encode(c, out);
}

int nb_inv_decode(enum nb_vendor v, const struct nb_inv_raw *in, struct nb_inv_cmd *out)
{
	if ((unsigned)v >= NB_VENDOR_COUNT)
		return nb_fail(EINVAL, "decode: vendor %d: no such vendor", (int)v);
	*out = (struct nb_inv_cmd){ 0 };
	/* VT-d: qw2/qw3 of a 256-bit slot are reserved in every descriptor
	 * type modelled (Linux writes them zero); the others are 128 bits. */
	if (in->w[2] || in->w[3])
		return nb_fail(EINVAL, "%s: words 2-3 %#llx %#llx set (%s)", vendor_ops[v]->name,
			       (unsigned long long)in->w[2], (unsigned long long)in->w[3],
			       v == NB_VENDOR_VTD ? "qw2/qw3 are reserved" : "a 128-bit entry");
	return vendor_ops[v]->decode(in, out);
}

/* ---- helpers for the encoders ---- */

__attribute__((cold)) int nb_inv_put_fail(unsigned bits, uint64_t v, const char *op, const char *field)
{
	return nb_fail(ERANGE, "%s: %s %#llx does not fit in %u bits", op, field, (unsigned long long)v, bits);
}

__attribute__((cold)) int nb_inv_rsvd_fail(uint64_t bits, const char *op, int word)
{
	return nb_fail(EINVAL, "%s: reserved bits %#llx set in word %d", op, (unsigned long long)bits, word);
}

__attribute__((cold)) int nb_inv_align_fail(uint64_t addr, unsigned lg2, const char *op, const char *what)
{
	return nb_fail(EINVAL, "%s: %s %#llx is not aligned to 2^%u bytes", op, what,
		       (unsigned long long)addr, lg2);
}

void nb_inv_block(uint64_t addr, unsigned lg2, uint64_t *first, uint64_t *last)
{
	if (lg2 >= 64) {
		*first = 0;
		*last = UINT64_MAX;
		return;
	}
	*first = nb_align_down(addr, lg2);
	*last = *first + ((1ull << lg2) - 1);
}
