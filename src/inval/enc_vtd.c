// SPDX-License-Identifier: MIT
/*
 * Intel VT-d invalidation-queue descriptors, 128-bit form (VT-d spec 6.5.2).
 * qw0 bits 3:0 are the descriptor type; bits 11:9 (type[6:4], 256-bit
 * descriptors) are always zero here. Field positions agree with Linux's
 * QI_* macros (drivers/iommu/intel/iommu.h) and QEMU's VTD_INV_DESC_*.
 *
 *   type 1 context-cache   qw0: G 5:4, DID 31:16, SID 47:32, FM 49:48
 *   type 2 IOTLB           qw0: G 5:4 (01 global, 10 DSI, 11 PSI), DW 6, DR 7, DID 31:16
 *                          qw1: AM 5:0, IH 6, ADDR 63:12
 *   type 3 device-TLB      qw0: PFSID[3:0] 15:12, MIP 20:16, SID 47:32, PFSID[15:4] 63:52
 *                          qw1: S 0, ADDR 63:12 (size in ADDR's lowest clear bit when S)
 *   type 5 wait            qw0: IF 4, SW 5, FN 6, PD 7, status data 63:32
 *                          qw1: status address 63:2
 *   type 6 PASID-IOTLB     qw0: G 5:4 (10 PASID, 11 PSI), DID 31:16, PASID 51:32
 *                          qw1: AM 5:0, IH 6, ADDR 63:12
 *   type 7 PASID-cache     qw0: G 5:4 (00 all of DID, 01 PASID, 11 global), DID 31:16,
 *                          PASID 51:32
 *   type 8 PASID-device-TLB qw0: MIP 8:4, PFSID[3:0] 15:12, SID 31:16, PASID 51:32,
 *                          PFSID[15:4] 63:52; qw1: G 0, S 11, ADDR 63:12 (size as type 3)
 * In a 256-bit slot (scalable mode) qw2 and qw3 follow, zero for all of these.
 */
#include <errno.h>

#include "inval_priv.h"
#include "util/mutant.h"

enum {
	T_CC = 1,
	T_IOTLB = 2,
	T_DEVTLB = 3,
	T_WAIT = 5,
	T_PIOTLB = 6,
	T_PC = 7,
	T_PASID_DEVTLB = 8,
};

#define TYPE NB_GENMASK(3, 0)
#define G_MASK NB_GENMASK(5, 4)
#define DID_MASK NB_GENMASK(31, 16)
#define PASID_MASK NB_GENMASK(51, 32)
#define AM_MASK NB_GENMASK(5, 0)
#define IH NB_BIT(6)
#define PAGE_ADDR NB_GENMASK(63, 12)
#define DR NB_BIT(7)
#define DW NB_BIT(6)
#define IWD_IF NB_BIT(4)
#define IWD_SW NB_BIT(5)
#define IWD_FN NB_BIT(6)
#define IWD_PD NB_BIT(7)
#define PDEVTLB_G NB_BIT(0)
#define PDEVTLB_S NB_BIT(11)

/* AM + IH + ADDR of a page-selective descriptor (IOTLB PSI, P_IOTLB PSI). */
static int put_psi(const struct nb_inv_cmd *c, uint64_t *qw1, const char *name)
{
	int rc;

	PUT(qw1, 5, 0, c->am, "AM");
	rc = nb_inv_check_align(c->addr, 12u + c->am, name, "ADDR (for its AM)");
	if (rc)
		return rc;
	*qw1 |= c->addr | (c->leaf ? IH : 0);
	return 0;
}

/* Device-TLB size: S=0 is one page; S=1 makes ADDR's lowest clear bit at
 * or above 12 the size bit (bit 12 clear: 8 KiB, ...), as in PCIe ATS.
 * s_bit: where S lives (type 3: bit 0; type 8: bit 11). */
static int put_devtlb_range(const struct nb_inv_cmd *c, uint64_t *qw1, uint64_t s_bit,
			    const char *name)
{
	int rc;

	if (c->am > 52)
		return nb_fail(ERANGE, "%s: AM %u is more than the 64-bit space (max 52)", name,
			       c->am);
	rc = nb_inv_check_align(c->addr, 12u + c->am, name, "ADDR (for its AM)");
	if (rc)
		return rc;
	if (c->am == 0) {
		*qw1 |= c->addr;
		return 0;
	}
	/* Ones below the size bit 12+am-1; that bit stays clear (aligned). */
	*qw1 |= ((c->addr | ((1ull << (12 + c->am - 1)) - 1)) & PAGE_ADDR) | s_bit;
	return 0;
}

/* PFSID split over qw0 15:12 and 63:52 (types 3 and 8). */
static int put_pfsid(const struct nb_inv_cmd *c, uint64_t *qw0, const char *name)
{
	if (c->pfsid > 0xffff)
		return nb_fail(ERANGE, "%s: PFSID %#x does not fit in 16 bits", name, c->pfsid);
	*qw0 |= (uint64_t)(c->pfsid & 0xf) << 12 | (uint64_t)(c->pfsid >> 4) << 52;
	return 0;
}

static int vtd_encode(const struct nb_inv_cmd *c, struct nb_inv_raw *out)
{
	const char *name = nb_inv_op_name(c->op);
	uint64_t *qw0 = &out->w[0], *qw1 = &out->w[1];
	uint64_t drain = c->drain ? DR | DW : 0;

	switch (c->op) {
	case NB_VTD_CC_INV:
		if (c->gran == 0)
			return nb_fail(EINVAL, "%s: G=0 is reserved (1 global, 2 domain, 3 device)",
				       name);
		*qw0 = T_CC;
		PUT(qw0, 5, 4, c->gran, "G");
		PUT(qw0, 31, 16, c->tag, "DID");
		PUT(qw0, 47, 32, c->sid, "SID");
		PUT(qw0, 49, 48, c->fm, "FM");
		return 0;
	case NB_VTD_IOTLB_GLOBAL:
		*qw0 = T_IOTLB | (1ull << 4) | drain;
		return 0;
	case NB_VTD_IOTLB_DSI:
		*qw0 = T_IOTLB | (2ull << 4) | drain;
		PUT(qw0, 31, 16, c->tag, "DID");
		return 0;
	case NB_VTD_IOTLB_PSI:
		*qw0 = T_IOTLB | (3ull << 4) | drain;
		PUT(qw0, 31, 16, c->tag, "DID");
		return put_psi(c, qw1, name);
	case NB_VTD_DEVTLB:
		*qw0 = T_DEVTLB;
		PUT(qw0, 47, 32, c->sid, "SID");
		PUT(qw0, 20, 16, c->qdep, "MIP");
		if (put_pfsid(c, qw0, name))
			return -ERANGE;
		return put_devtlb_range(c, qw1, 1, name);
	case NB_VTD_PASID_DEVTLB:
		*qw0 = T_PASID_DEVTLB;
		PUT(qw0, 8, 4, c->qdep, "MIP");
		PUT(qw0, 31, 16, c->sid, "SID");
		PUT(qw0, 51, 32, c->sub, "PASID");
		if (put_pfsid(c, qw0, name))
			return -ERANGE;
		*qw1 = c->global ? PDEVTLB_G : 0;
		return put_devtlb_range(c, qw1, PDEVTLB_S, name);
	case NB_VTD_PIOTLB_PASID:
	case NB_VTD_PIOTLB_PSI:
		*qw0 = T_PIOTLB | (c->op == NB_VTD_PIOTLB_PSI ? 3ull : 2ull) << 4;
		PUT(qw0, 31, 16, c->tag, "DID");
		PUT(qw0, 51, 32, c->sub, "PASID");
		return c->op == NB_VTD_PIOTLB_PSI ? put_psi(c, qw1, name) : 0;
	case NB_VTD_PC_INV:
		if (c->gran == 2)
			return nb_fail(EINVAL, "%s: G=2 is reserved (0 all PASIDs of DID, 1 PASID, 3 global)",
				       name);
		*qw0 = T_PC;
		PUT(qw0, 5, 4, c->gran, "G");
		PUT(qw0, 31, 16, c->tag, "DID");
		PUT(qw0, 51, 32, c->sub, "PASID");
		return 0;
	case NB_VTD_WAIT:
		/* drain: PD only, as Linux's qi_submit_sync with QI_OPT_WAIT_DRAIN */
		*qw0 = T_WAIT | (c->irq ? IWD_IF : 0) | (c->drain ? IWD_PD : 0);
		PUT(qw0, 63, 32, c->wait_data, "status data");
		if (c->wait_addr) {
			int rc = nb_inv_check_align(c->wait_addr, 2, name, "status address");

			if (rc)
				return rc;
			*qw0 |= IWD_SW;
			*qw1 = c->wait_addr;
		}
		return 0;
	default:
		return nb_fail(EINVAL, "%s: not a VT-d descriptor", name);
	}
}

/* ---- decode ---- */

#define RSVD(w, known, word)                                                 \
	do {                                                                 \
		int _rc = nb_inv_check_rsvd(w, known, name, word);           \
		if (_rc)                                                     \
			return _rc;                                          \
	} while (0)

static int get_psi(uint64_t qw1, struct nb_inv_cmd *c, const char *name)
{
	RSVD(qw1, AM_MASK | IH | PAGE_ADDR, 1);
	c->am = (uint8_t)nb_inv_get(qw1, 5, 0);
	if (nb_mutant(NB_MUT_DECODE_VTD_AM)) c->am = 0;
	c->leaf = qw1 & IH;
	c->addr = qw1 & PAGE_ADDR;
	return nb_inv_check_align(c->addr, 12u + c->am, name, "ADDR (for its AM)");
}

static int get_drain(uint64_t qw0, struct nb_inv_cmd *c, const char *name)
{
	if (!(qw0 & DR) != !(qw0 & DW))
		return nb_fail(EINVAL, "%s: DR and DW differ (modelled as one drain flag)", name);
	c->drain = qw0 & DR;
	return 0;
}

static int dec_iotlb(uint64_t qw0, uint64_t qw1, struct nb_inv_cmd *c)
{
	static const enum nb_inv_op by_g[4] = { NB_INV_OP_COUNT, NB_VTD_IOTLB_GLOBAL,
						NB_VTD_IOTLB_DSI, NB_VTD_IOTLB_PSI };
	const char *name = "IOTLB";
	unsigned g = (unsigned)nb_inv_get(qw0, 5, 4);
	int rc;

	if (g == 0)
		return nb_fail(EINVAL, "IOTLB: G=0 is reserved");
	c->op = by_g[g];
	name = nb_inv_op_name(c->op);
	RSVD(qw0, TYPE | G_MASK | DR | DW | (g == 1 ? 0 : DID_MASK), 0);
	rc = get_drain(qw0, c, name);
	if (rc)
		return rc;
	c->tag = (uint32_t)nb_inv_get(qw0, 31, 16);
	if (g != 3) {
		RSVD(qw1, 0, 1);
		return 0;
	}
	return get_psi(qw1, c, name);
}

/* ADDR and size of a device-TLB descriptor (S at s_bit), into addr/am. */
static int get_devtlb_range(uint64_t qw1, uint64_t s_bit, struct nb_inv_cmd *c, const char *name)
{
	uint64_t a = qw1 & PAGE_ADDR;
	unsigned b;

	if (!(qw1 & s_bit)) {
		c->addr = a;
		return 0;
	}
	if ((a | 0xfff) == UINT64_MAX)
		return nb_fail(EINVAL, "%s: S=1 but ADDR 63:12 has no clear bit to give the size",
			       name);
	b = (unsigned)__builtin_ctzll(~(a | 0xfff)); /* the size bit */
	c->am = (uint8_t)(b - 11);
	c->addr = b == 63 ? 0 : nb_align_down(a, b + 1);
	return 0;
}

static int dec_devtlb(uint64_t qw0, uint64_t qw1, struct nb_inv_cmd *c)
{
	const char *name = "DEVTLB";

	c->op = NB_VTD_DEVTLB;
	RSVD(qw0, TYPE | NB_GENMASK(15, 12) | NB_GENMASK(20, 16) | NB_GENMASK(47, 32) |
			  NB_GENMASK(63, 52), 0);
	RSVD(qw1, 1 | PAGE_ADDR, 1);
	c->sid = (uint32_t)nb_inv_get(qw0, 47, 32);
	c->qdep = (uint8_t)nb_inv_get(qw0, 20, 16);
	c->pfsid = (uint32_t)(nb_inv_get(qw0, 15, 12) | nb_inv_get(qw0, 63, 52) << 4);
	return get_devtlb_range(qw1, 1, c, name);
}

static int dec_pasid_devtlb(uint64_t qw0, uint64_t qw1, struct nb_inv_cmd *c)
{
	const char *name = "PASID_DEVTLB";

	c->op = NB_VTD_PASID_DEVTLB;
	RSVD(qw0, TYPE | NB_GENMASK(8, 4) | NB_GENMASK(15, 12) | NB_GENMASK(31, 16) | PASID_MASK |
			  NB_GENMASK(63, 52), 0);
	RSVD(qw1, PDEVTLB_G | PDEVTLB_S | PAGE_ADDR, 1);
	c->qdep = (uint8_t)nb_inv_get(qw0, 8, 4);
	c->sid = (uint32_t)nb_inv_get(qw0, 31, 16);
	c->sub = (uint32_t)nb_inv_get(qw0, 51, 32);
	c->pfsid = (uint32_t)(nb_inv_get(qw0, 15, 12) | nb_inv_get(qw0, 63, 52) << 4);
	c->global = qw1 & PDEVTLB_G;
	return get_devtlb_range(qw1, PDEVTLB_S, c, name);
}

static int dec_piotlb(uint64_t qw0, uint64_t qw1, struct nb_inv_cmd *c)
{
	const char *name;
	unsigned g = (unsigned)nb_inv_get(qw0, 5, 4);

	if (g < 2)
		return nb_fail(EINVAL, "PIOTLB: G=%u is reserved (VT-d 3.0 keeps only 10 and 11)", g);
	c->op = g == 3 ? NB_VTD_PIOTLB_PSI : NB_VTD_PIOTLB_PASID;
	name = nb_inv_op_name(c->op);
	RSVD(qw0, TYPE | G_MASK | DID_MASK | PASID_MASK, 0);
	c->tag = (uint32_t)nb_inv_get(qw0, 31, 16);
	c->sub = (uint32_t)nb_inv_get(qw0, 51, 32);
	if (g == 2) {
		RSVD(qw1, 0, 1);
		return 0;
	}
	return get_psi(qw1, c, name);
}

static int vtd_decode(const struct nb_inv_raw *in, struct nb_inv_cmd *c)
{
	uint64_t qw0 = in->w[0], qw1 = in->w[1];
	const char *name;

	switch (qw0 & TYPE) {
	case T_CC:
		name = "CC_INV";
		c->op = NB_VTD_CC_INV;
		RSVD(qw0, TYPE | G_MASK | DID_MASK | NB_GENMASK(47, 32) | NB_GENMASK(49, 48), 0);
		RSVD(qw1, 0, 1);
		c->gran = (uint8_t)nb_inv_get(qw0, 5, 4);
		if (c->gran == 0)
			return nb_fail(EINVAL, "CC_INV: G=0 is reserved");
		c->tag = (uint32_t)nb_inv_get(qw0, 31, 16);
		c->sid = (uint32_t)nb_inv_get(qw0, 47, 32);
		c->fm = (uint8_t)nb_inv_get(qw0, 49, 48);
		return 0;
	case T_IOTLB:
		return dec_iotlb(qw0, qw1, c);
	case T_DEVTLB:
		return dec_devtlb(qw0, qw1, c);
	case T_PIOTLB:
		return dec_piotlb(qw0, qw1, c);
	case T_PASID_DEVTLB:
		return dec_pasid_devtlb(qw0, qw1, c);
	case T_PC:
		name = "PC_INV";
		c->op = NB_VTD_PC_INV;
		RSVD(qw0, TYPE | G_MASK | DID_MASK | PASID_MASK, 0);
		RSVD(qw1, 0, 1);
		c->gran = (uint8_t)nb_inv_get(qw0, 5, 4);
		if (c->gran == 2)
			return nb_fail(EINVAL, "PC_INV: G=2 is reserved");
		c->tag = (uint32_t)nb_inv_get(qw0, 31, 16);
		c->sub = (uint32_t)nb_inv_get(qw0, 51, 32);
		return 0;
	case T_WAIT:
		name = "WAIT";
		c->op = NB_VTD_WAIT;
		RSVD(qw0, TYPE | IWD_IF | IWD_SW | IWD_FN | IWD_PD | NB_GENMASK(63, 32), 0);
		RSVD(qw1, NB_GENMASK(63, 2), 1);
		if (qw0 & IWD_FN)
			return nb_fail(EINVAL, "WAIT: FN (fence) set: not modelled (Linux never sets it)");
		if (!(qw0 & IWD_SW) != !qw1)
			return nb_fail(EINVAL, "WAIT: SW=%d with status address %#llx (modelled as address != 0)",
				       !!(qw0 & IWD_SW), (unsigned long long)qw1);
		c->irq = qw0 & IWD_IF;
		c->drain = qw0 & IWD_PD;
		c->wait_data = nb_inv_get(qw0, 63, 32);
		c->wait_addr = qw1;
		return 0;
	default:
		return nb_fail(EINVAL, "VT-d: descriptor type %u not modelled",
			       (unsigned)(qw0 & TYPE));
	}
}

const struct nb_inv_vendor_ops nb_inv_vtd_ops = {
	.name = "vtd",
	.encode = vtd_encode,
	.decode = vtd_decode,
};
