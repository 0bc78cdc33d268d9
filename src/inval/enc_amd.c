// SPDX-License-Identifier: MIT
/*
 * AMD-Vi command-buffer entries (AMD IOMMU spec 48882, section 2.4), as two
 * 64-bit words: w0 = dwords 0-1, w1 = dwords 2-3. The opcode is w0 63:60
 * (dword 1 bits 31:28). Positions agree with Linux's CMD_* macros and
 * build_* functions (drivers/iommu/amd/).
 *
 *   01h COMPLETION_WAIT       w0: S 0, I 1, F 2, store address 51:3; w1: store data
 *   02h INVALIDATE_DEVTAB_ENTRY w0: DeviceID 15:0
 *   03h INVALIDATE_IOMMU_PAGES w0: PASID 19:0, DomainID 47:32
 *                             w1: S 0, PDE 1, GN 2, address 63:12
 *   04h INVALIDATE_IOTLB_PAGES w0: DeviceID 15:0, PASID[15:8] 23:16, MaxPend 31:24,
 *                                 QueueID 47:32, PASID[7:0] 55:48, PASID[19:16] 59:56
 *                             w1: S 0, GN 2, address 63:12
 *   08h INVALIDATE_IOMMU_ALL  -
 * With S=1 the range is the naturally aligned power of two whose size bit
 * is the lowest clear bit of address 63:12 (bit 12 clear: 8 KiB, ...); the
 * whole space is 0x7FFFFFFFFFFFF000 with S=1.
 */
#include <errno.h>

#include "inval_priv.h"
#include "util/mutant.h"

enum {
	OP_COMPLETION_WAIT = 0x1,
	OP_INV_DEVTAB_ENTRY = 0x2,
	OP_INV_IOMMU_PAGES = 0x3,
	OP_INV_IOTLB_PAGES = 0x4,
	OP_INV_IOMMU_ALL = 0x8,
};

#define OPCODE NB_GENMASK(63, 60)
#define S_BIT NB_BIT(0)
#define PDE NB_BIT(1)
#define GN NB_BIT(2)
#define CW_I NB_BIT(1)
#define CW_F NB_BIT(2)
#define PAGE_ADDR NB_GENMASK(63, 12)

#define RSVD(w, known, word)                                                 \
	do {                                                                 \
		int _rc = nb_inv_check_rsvd(w, known, name, word);           \
		if (_rc)                                                     \
			return _rc;                                          \
	} while (0)

static uint64_t opcode(unsigned op)
{
	return (uint64_t)op << 60;
}

/* Address + S of the INVALIDATE_*_PAGES commands: the caller's addr is
 * already in the S-bit encoding (low ones are the size). */
static int put_pages_addr(const struct nb_inv_cmd *c, uint64_t *w1, const char *name)
{
	if (c->addr & 0xfff)
		return nb_fail(EINVAL, "%s: address %#llx has bits 11:0 set", name,
			       (unsigned long long)c->addr);
	if (c->size_s && c->addr == PAGE_ADDR)
		return nb_fail(EINVAL, "%s: S=1 but address 63:12 has no clear bit to give the size",
			       name);
	*w1 |= c->addr | (c->size_s ? S_BIT : 0);
	return 0;
}

static int amd_encode(const struct nb_inv_cmd *c, struct nb_inv_raw *out)
{
	const char *name = nb_inv_op_name(c->op);
	uint64_t *w0 = &out->w[0], *w1 = &out->w[1];

	switch (c->op) {
	case NB_AMD_COMPLETION_WAIT:
		*w0 = opcode(OP_COMPLETION_WAIT) | (c->irq ? CW_I : 0) | (c->drain ? CW_F : 0);
		if (c->wait_addr) {
			int rc = nb_inv_check_align(c->wait_addr, 3, name, "store address");

			if (rc)
				return rc;
			PUT(w0, 51, 3, c->wait_addr >> 3, "store address");
			*w0 |= S_BIT;
		}
		*w1 = c->wait_data;
		return 0;
	case NB_AMD_INV_DEVTAB_ENTRY:
		*w0 = opcode(OP_INV_DEVTAB_ENTRY);
		PUT(w0, 15, 0, c->sid, "DeviceID");
		return 0;
	case NB_AMD_INV_IOMMU_PAGES:
		*w0 = opcode(OP_INV_IOMMU_PAGES);
		PUT(w0, 19, 0, c->sub, "PASID");
		PUT(w0, 47, 32, c->tag, "DomainID");
		*w1 = (c->leaf ? 0 : PDE) | (c->global ? GN : 0);
		return put_pages_addr(c, w1, name);
	case NB_AMD_INV_IOTLB_PAGES:
		*w0 = opcode(OP_INV_IOTLB_PAGES);
		PUT(w0, 15, 0, c->sid, "DeviceID");
		PUT(w0, 47, 32, c->sid, "QueueID");
		PUT(w0, 31, 24, c->qdep, "MaxPend");
		if (c->sub >> 20)
			return nb_fail(ERANGE, "%s: PASID %#x does not fit in 20 bits", name, c->sub);
		*w0 |= (uint64_t)(c->sub >> 8 & 0xff) << 16 | (uint64_t)(c->sub & 0xff) << 48 |
		       (uint64_t)(c->sub >> 16 & 0xf) << 56;
		*w1 = c->global ? GN : 0;
		return put_pages_addr(c, w1, name);
	case NB_AMD_INV_IOMMU_ALL:
		*w0 = opcode(OP_INV_IOMMU_ALL);
		return 0;
	default:
		return nb_fail(EINVAL, "%s: not an AMD command", name);
	}
}

static int get_pages_addr(uint64_t w1, struct nb_inv_cmd *c, const char *name)
{
	c->size_s = w1 & S_BIT;
	c->addr = w1 & PAGE_ADDR;
	if (c->size_s && c->addr == PAGE_ADDR)
		return nb_fail(EINVAL, "%s: S=1 but address 63:12 has no clear bit to give the size",
			       name);
	return 0;
}

static int amd_decode(const struct nb_inv_raw *in, struct nb_inv_cmd *c)
{
	uint64_t w0 = in->w[0], w1 = in->w[1];
	const char *name;

	switch (nb_inv_get(w0, 63, 60)) {
	case OP_COMPLETION_WAIT:
		name = "COMPLETION_WAIT";
		c->op = NB_AMD_COMPLETION_WAIT;
		RSVD(w0, OPCODE | S_BIT | CW_I | CW_F | NB_GENMASK(51, 3), 0);
		if (!(w0 & S_BIT) != !(w0 & NB_GENMASK(51, 3)))
			return nb_fail(EINVAL,
				       "COMPLETION_WAIT: S=%d with store address %#llx (modelled as address != 0)",
				       !!(w0 & S_BIT), (unsigned long long)(w0 & NB_GENMASK(51, 3)));
		c->irq = w0 & CW_I;
		c->drain = w0 & CW_F;
		c->wait_addr = w0 & NB_GENMASK(51, 3);
		c->wait_data = w1;
		return 0;
	case OP_INV_DEVTAB_ENTRY:
		name = "INVALIDATE_DEVTAB_ENTRY";
		c->op = NB_AMD_INV_DEVTAB_ENTRY;
		RSVD(w0, OPCODE | NB_GENMASK(15, 0), 0);
		RSVD(w1, 0, 1);
		c->sid = (uint32_t)nb_inv_get(w0, 15, 0);
		return 0;
	case OP_INV_IOMMU_PAGES:
		name = "INVALIDATE_IOMMU_PAGES";
		c->op = NB_AMD_INV_IOMMU_PAGES;
		RSVD(w0, OPCODE | NB_GENMASK(19, 0) | NB_GENMASK(47, 32), 0);
		RSVD(w1, S_BIT | PDE | GN | PAGE_ADDR, 1);
		c->sub = (uint32_t)nb_inv_get(w0, 19, 0);
		c->tag = (uint32_t)nb_inv_get(w0, 47, 32);
		if (nb_mutant(NB_MUT_DECODE_AMD_DOMID)) c->tag = 0;
		c->leaf = !(w1 & PDE);
		c->global = w1 & GN;
		return get_pages_addr(w1, c, name);
	case OP_INV_IOTLB_PAGES:
		name = "INVALIDATE_IOTLB_PAGES";
		c->op = NB_AMD_INV_IOTLB_PAGES;
		RSVD(w0, OPCODE | NB_GENMASK(59, 16) | NB_GENMASK(15, 0), 0);
		RSVD(w1, S_BIT | GN | PAGE_ADDR, 1);
		c->sid = (uint32_t)nb_inv_get(w0, 15, 0);
		if (nb_inv_get(w0, 47, 32) != c->sid)
			return nb_fail(EINVAL,
				       "INVALIDATE_IOTLB_PAGES: QueueID %#llx differs from DeviceID %#x (modelled as equal, as Linux)",
				       (unsigned long long)nb_inv_get(w0, 47, 32), c->sid);
		c->qdep = (uint8_t)nb_inv_get(w0, 31, 24);
		c->sub = (uint32_t)(nb_inv_get(w0, 55, 48) | nb_inv_get(w0, 23, 16) << 8 |
				    nb_inv_get(w0, 59, 56) << 16);
		c->global = w1 & GN;
		return get_pages_addr(w1, c, name);
	case OP_INV_IOMMU_ALL:
		name = "INVALIDATE_IOMMU_ALL";
		c->op = NB_AMD_INV_IOMMU_ALL;
		RSVD(w0, OPCODE, 0);
		RSVD(w1, 0, 1);
		return 0;
	default:
		return nb_fail(EINVAL, "AMD: opcode %#llx not modelled",
			       (unsigned long long)nb_inv_get(w0, 63, 60));
	}
}

const struct nb_inv_vendor_ops nb_inv_amd_ops = {
	.name = "amd",
	.encode = amd_encode,
	.decode = amd_decode,
};
