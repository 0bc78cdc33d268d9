// SPDX-License-Identifier: MIT
/*
 * ARM SMMUv3 command-queue entries (IHI 0070, chapter 4), as two 64-bit
 * words; the opcode is w0 7:0. Positions agree with Linux's CMDQ_* macros
 * (arm-smmu-v3.h) and arm_smmu_cmdq_build_cmd.
 *
 *   03h CFGI_STE        w0: SID 63:32                      w1: LEAF 0
 *   05h CFGI_CD         w0: SSID 31:12, SID 63:32          w1: LEAF 0
 *   10h TLBI_NH_ALL     w0: VMID 47:32
 *   11h TLBI_NH_ASID    w0: VMID 47:32, ASID 63:48
 *   12h TLBI_NH_VA      w0: NUM 16:12, SCALE 24:20, VMID 47:32, ASID 63:48
 *                       w1: LEAF 0, TTL 9:8, TG 11:10, ADDR 63:12
 *   28h TLBI_S12_VMALL  w0: VMID 47:32
 *   2Ah TLBI_S2_IPA     w0: NUM 16:12, SCALE 24:20, VMID 47:32
 *                       w1: LEAF 0, TTL 9:8, TG 11:10, IPA 51:12
 *   30h TLBI_NSNH_ALL   -
 *   40h ATC_INV         w0: GLOBAL 9, SSV 11, SSID 31:12, SID 63:32
 *                       w1: SIZE 5:0, ADDR 63:12
 *   46h CMD_SYNC        w0: CS 13:12, MSH 23:22, MSIAttr 27:24, MSIData 63:32
 *                       w1: MSIAddr 51:2
 * TG: 1 = 4K, 2 = 16K, 3 = 64K; 0 = no range (then NUM, SCALE and TTL are
 * RES0). SCALE is 5 bits as in Linux (bit 25 exists only with IDR5.DS).
 */
#include <errno.h>

#include "inval_priv.h"
#include "util/mutant.h"

enum {
	OP_CFGI_STE = 0x03,
	OP_CFGI_CD = 0x05,
	OP_TLBI_NH_ALL = 0x10,
	OP_TLBI_NH_ASID = 0x11,
	OP_TLBI_NH_VA = 0x12,
	OP_TLBI_S12_VMALL = 0x28,
	OP_TLBI_S2_IPA = 0x2a,
	OP_TLBI_NSNH_ALL = 0x30,
	OP_ATC_INV = 0x40,
	OP_CMD_SYNC = 0x46,
};

enum { CS_NONE = 0, CS_IRQ = 1, CS_SEV = 2 };
#define SH_ISH 3ull	 /* MSH: Inner Shareable, as Linux */
#define MEMATTR_OIWB 0xfull /* MSIAttr: Inner+Outer write-back cacheable, as Linux */

#define OPC NB_GENMASK(7, 0)
#define SID_MASK NB_GENMASK(63, 32)
#define SSID_MASK NB_GENMASK(31, 12)
#define VMID_MASK NB_GENMASK(47, 32)
#define ASID_MASK NB_GENMASK(63, 48)
#define NUM_MASK NB_GENMASK(16, 12)
#define SCALE_MASK NB_GENMASK(24, 20)
#define LEAF NB_BIT(0)
#define TTL_MASK NB_GENMASK(9, 8)
#define TG_MASK NB_GENMASK(11, 10)
#define VA_MASK NB_GENMASK(63, 12)
#define IPA_MASK NB_GENMASK(51, 12)
#define ATC_GLOBAL NB_BIT(9)
#define SSV NB_BIT(11)

#define RSVD(w, known, word)                                                 \
	do {                                                                 \
		int _rc = nb_inv_check_rsvd(w, known, name, word);           \
		if (_rc)                                                     \
			return _rc;                                          \
	} while (0)

/* NUM/SCALE/TG/TTL/LEAF/address of the two address-based TLBIs. */
static int put_tlbi_range(const struct nb_inv_cmd *c, struct nb_inv_raw *out, unsigned addr_hi,
			  const char *name)
{
	unsigned tg_field;
	int rc;

	switch (c->tg) {
	case 0:
		tg_field = 0;
		break;
	case 12:
	case 14:
	case 16:
		tg_field = (c->tg - 10u) / 2;
		break;
	default:
		return nb_fail(ERANGE, "%s: TG of 2^%u bytes does not exist (12, 14, 16 or 0)",
			       name, c->tg);
	}
	if (!tg_field && (c->num || c->scale || c->ttl))
		return nb_fail(EINVAL, "%s: NUM, SCALE and TTL need a TG (they are RES0 without)",
			       name);
	if (tg_field && !c->num && !c->scale && !c->ttl)
		return nb_fail(EINVAL, "%s: NUM=0, SCALE=0, TTL=0 with a TG is reserved (CERROR_ILL)",
			       name);
	PUT(&out->w[0], 16, 12, c->num, "NUM");
	PUT(&out->w[0], 24, 20, c->scale, "SCALE");
	PUT(&out->w[1], 9, 8, c->ttl, "TTL");
	out->w[1] |= (uint64_t)tg_field << 10 | (c->leaf ? LEAF : 0);
	rc = nb_inv_check_align(c->addr, c->tg ? c->tg : 12, name, "address (for its TG)");
	if (rc)
		return rc;
	if (addr_hi < 63 && c->addr >> (addr_hi + 1))
		return nb_fail(ERANGE, "%s: IPA %#llx does not fit in %u bits", name,
			       (unsigned long long)c->addr, addr_hi + 1);
	out->w[1] |= c->addr;
	return 0;
}

static int smmu_encode(const struct nb_inv_cmd *c, struct nb_inv_raw *out)
{
	const char *name = nb_inv_op_name(c->op);
	uint64_t *w0 = &out->w[0], *w1 = &out->w[1];
	int rc;

	switch (c->op) {
	case NB_SMMU_CFGI_STE:
		*w0 = OP_CFGI_STE;
		PUT(w0, 63, 32, c->sid, "SID");
		*w1 = c->leaf ? LEAF : 0;
		return 0;
	case NB_SMMU_CFGI_CD:
		*w0 = OP_CFGI_CD;
		PUT(w0, 63, 32, c->sid, "SID");
		PUT(w0, 31, 12, c->sub, "SSID");
		*w1 = c->leaf ? LEAF : 0;
		return 0;
	case NB_SMMU_TLBI_NH_ALL:
	case NB_SMMU_TLBI_S12_VMALL:
		*w0 = c->op == NB_SMMU_TLBI_NH_ALL ? OP_TLBI_NH_ALL : OP_TLBI_S12_VMALL;
		PUT(w0, 47, 32, c->tag, "VMID");
		return 0;
	case NB_SMMU_TLBI_NH_ASID:
		*w0 = OP_TLBI_NH_ASID;
		PUT(w0, 47, 32, c->tag, "VMID");
		PUT(w0, 63, 48, c->sub, "ASID");
		return 0;
	case NB_SMMU_TLBI_NH_VA:
		*w0 = OP_TLBI_NH_VA;
		PUT(w0, 47, 32, c->tag, "VMID");
		PUT(w0, 63, 48, c->sub, "ASID");
		return put_tlbi_range(c, out, 63, name);
	case NB_SMMU_TLBI_S2_IPA:
		*w0 = OP_TLBI_S2_IPA;
		PUT(w0, 47, 32, c->tag, "VMID");
		return put_tlbi_range(c, out, 51, name);
	case NB_SMMU_TLBI_NSNH_ALL:
		*w0 = OP_TLBI_NSNH_ALL;
		return 0;
	case NB_SMMU_ATC_INV:
		*w0 = OP_ATC_INV | (c->global ? ATC_GLOBAL : 0) | (c->sub ? SSV : 0);
		PUT(w0, 63, 32, c->sid, "SID");
		PUT(w0, 31, 12, c->sub, "SSID");
		PUT(w1, 5, 0, c->am, "SIZE");
		rc = nb_inv_check_align(c->addr, 12u + c->am, name, "address (for its SIZE)");
		if (rc)
			return rc;
		*w1 |= c->addr;
		return 0;
	case NB_SMMU_CMD_SYNC:
		if (c->wait_addr && !c->irq)
			return nb_fail(EINVAL, "%s: an MSIAddr needs CS=SIG_IRQ (irq)", name);
		*w0 = OP_CMD_SYNC | (uint64_t)(c->irq ? CS_IRQ : CS_SEV) << 12 | SH_ISH << 22 |
		      MEMATTR_OIWB << 24;
		PUT(w0, 63, 32, c->wait_data, "MSIData");
		rc = nb_inv_check_align(c->wait_addr, 2, name, "MSIAddr");
		if (rc)
			return rc;
		PUT(w1, 51, 2, c->wait_addr >> 2, "MSIAddr");
		return 0;
	default:
		return nb_fail(EINVAL, "%s: not an SMMUv3 command", name);
	}
}

static int get_tlbi_range(struct nb_inv_raw in, uint64_t addr_mask, struct nb_inv_cmd *c,
			  const char *name)
{
	unsigned tg_field = (unsigned)nb_inv_get(in.w[1], 11, 10);

	RSVD(in.w[1], LEAF | TTL_MASK | TG_MASK | addr_mask, 1);
	c->num = (uint8_t)nb_inv_get(in.w[0], 16, 12);
	c->scale = (uint8_t)nb_inv_get(in.w[0], 24, 20);
	c->ttl = (uint8_t)nb_inv_get(in.w[1], 9, 8);
	c->tg = tg_field ? (uint8_t)(10 + 2 * tg_field) : 0;
	c->leaf = in.w[1] & LEAF;
	c->addr = in.w[1] & addr_mask;
	if (!tg_field && (c->num || c->scale || c->ttl))
		return nb_fail(EINVAL, "%s: NUM, SCALE or TTL set without a TG", name);
	if (tg_field && !c->num && !c->scale && !c->ttl)
		return nb_fail(EINVAL, "%s: NUM=0, SCALE=0, TTL=0 with a TG is reserved", name);
	return nb_inv_check_align(c->addr, c->tg ? c->tg : 12, name, "address (for its TG)");
}

static int dec_sync(struct nb_inv_raw in, struct nb_inv_cmd *c)
{
	const char *name = "CMD_SYNC";
	unsigned cs = (unsigned)nb_inv_get(in.w[0], 13, 12);

	c->op = NB_SMMU_CMD_SYNC;
	RSVD(in.w[0], OPC | NB_GENMASK(13, 12) | NB_GENMASK(23, 22) | NB_GENMASK(27, 24) |
			      NB_GENMASK(63, 32), 0);
	RSVD(in.w[1], NB_GENMASK(51, 2), 1);
	if (cs != CS_IRQ && cs != CS_SEV)
		return nb_fail(EINVAL, "CMD_SYNC: CS=%u not modelled (IRQ or SEV)", cs);
	if (nb_inv_get(in.w[0], 23, 22) != SH_ISH || nb_inv_get(in.w[0], 27, 24) != MEMATTR_OIWB)
		return nb_fail(EINVAL, "CMD_SYNC: MSH/MSIAttr other than Inner Shareable/WB not modelled");
	c->irq = cs == CS_IRQ;
	c->wait_data = nb_inv_get(in.w[0], 63, 32);
	c->wait_addr = in.w[1];
	if (c->wait_addr && !c->irq)
		return nb_fail(EINVAL, "CMD_SYNC: MSIAddr with CS=SIG_SEV");
	return 0;
}

static int smmu_decode(const struct nb_inv_raw *in, struct nb_inv_cmd *c)
{
	uint64_t w0 = in->w[0], w1 = in->w[1];
	const char *name;

	switch (w0 & OPC) {
	case OP_CFGI_STE:
		name = "CFGI_STE";
		c->op = NB_SMMU_CFGI_STE;
		RSVD(w0, OPC | SID_MASK, 0);
		RSVD(w1, LEAF, 1);
		c->sid = (uint32_t)nb_inv_get(w0, 63, 32);
		c->leaf = w1 & LEAF;
		return 0;
	case OP_CFGI_CD:
		name = "CFGI_CD";
		c->op = NB_SMMU_CFGI_CD;
		RSVD(w0, OPC | SID_MASK | SSID_MASK, 0);
		RSVD(w1, LEAF, 1);
		c->sid = (uint32_t)nb_inv_get(w0, 63, 32);
		c->sub = (uint32_t)nb_inv_get(w0, 31, 12);
		c->leaf = w1 & LEAF;
		return 0;
	case OP_TLBI_NH_ALL:
	case OP_TLBI_S12_VMALL:
		c->op = (w0 & OPC) == OP_TLBI_NH_ALL ? NB_SMMU_TLBI_NH_ALL : NB_SMMU_TLBI_S12_VMALL;
		name = nb_inv_op_name(c->op);
		RSVD(w0, OPC | VMID_MASK, 0);
		RSVD(w1, 0, 1);
		c->tag = (uint32_t)nb_inv_get(w0, 47, 32);
		return 0;
	case OP_TLBI_NH_ASID:
		name = "TLBI_NH_ASID";
		c->op = NB_SMMU_TLBI_NH_ASID;
		RSVD(w0, OPC | VMID_MASK | ASID_MASK, 0);
		RSVD(w1, 0, 1);
		c->tag = (uint32_t)nb_inv_get(w0, 47, 32);
		c->sub = (uint32_t)nb_inv_get(w0, 63, 48);
		return 0;
	case OP_TLBI_NH_VA:
		name = "TLBI_NH_VA";
		c->op = NB_SMMU_TLBI_NH_VA;
		RSVD(w0, OPC | NUM_MASK | SCALE_MASK | VMID_MASK | ASID_MASK, 0);
		c->tag = (uint32_t)nb_inv_get(w0, 47, 32);
		c->sub = (uint32_t)nb_inv_get(w0, 63, 48);
		return get_tlbi_range(*in, VA_MASK, c, name);
	case OP_TLBI_S2_IPA:
		name = "TLBI_S2_IPA";
		c->op = NB_SMMU_TLBI_S2_IPA;
		RSVD(w0, OPC | NUM_MASK | SCALE_MASK | VMID_MASK, 0);
		c->tag = (uint32_t)nb_inv_get(w0, 47, 32);
		if (nb_mutant(NB_MUT_DECODE_SMMU_VMID)) c->tag = 0;
		return get_tlbi_range(*in, IPA_MASK, c, name);
	case OP_TLBI_NSNH_ALL:
		name = "TLBI_NSNH_ALL";
		c->op = NB_SMMU_TLBI_NSNH_ALL;
		RSVD(w0, OPC, 0);
		RSVD(w1, 0, 1);
		return 0;
	case OP_ATC_INV:
		name = "ATC_INV";
		c->op = NB_SMMU_ATC_INV;
		RSVD(w0, OPC | ATC_GLOBAL | SSV | SSID_MASK | SID_MASK, 0);
		RSVD(w1, NB_GENMASK(5, 0) | VA_MASK, 1);
		c->sid = (uint32_t)nb_inv_get(w0, 63, 32);
		c->sub = (uint32_t)nb_inv_get(w0, 31, 12);
		c->global = w0 & ATC_GLOBAL;
		if (!(w0 & SSV) != !c->sub)
			return nb_fail(EINVAL, "ATC_INV: SSV=%d with SSID %#x (modelled as SSID != 0)",
				       !!(w0 & SSV), c->sub);
		c->am = (uint8_t)nb_inv_get(w1, 5, 0);
		c->addr = w1 & VA_MASK;
		return nb_inv_check_align(c->addr, 12u + c->am, name, "address (for its SIZE)");
	case OP_CMD_SYNC:
		return dec_sync(*in, c);
	default:
		return nb_fail(EINVAL, "SMMUv3: opcode %#llx not modelled",
			       (unsigned long long)(w0 & OPC));
	}
}

const struct nb_inv_vendor_ops nb_inv_smmuv3_ops = {
	.name = "smmuv3",
	.encode = smmu_encode,
	.decode = smmu_decode,
};
