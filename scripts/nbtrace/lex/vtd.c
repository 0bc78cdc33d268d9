// SPDX-License-Identifier: MIT
/*
 * QEMU 10.0 intel-iommu trace events (hw/i386/trace-events) as the reference
 * reads them (scripts/nbtrace/qemu_log.py, read_qemu's vtd branch), and the
 * VT-d invalidation descriptor as the trace names it (nbtrace/decode.py
 * vtd_decode; VT-d spec 6.5.2, "Invalidation Descriptors").
 */
#include "lex.h"

/* Descriptor types (VT-d spec 6.5.2; src/inval/enc_vtd.c). */
enum { VTD_CC = 1, VTD_IOTLB, VTD_DEVTLB, VTD_IEC, VTD_WAIT, VTD_PIOTLB, VTD_PC };

/* A PSI's size is 4096 << AM with AM up to 63; beyond 2^63 only Python's int holds it. */
#define VTD_MAX_AM 51

struct vtd_desc {
	enum lex_op op;
	uint64_t sid, iova, size, dom;
};

static enum lex_verdict vtd_decode(uint64_t w0, uint64_t w1, struct vtd_desc *d)
{
	unsigned type = w0 & 0xF, gran = (w0 >> 4) & 3;
	uint64_t did = (w0 >> 16) & 0xFFFF;
	*d = (struct vtd_desc){ .op = OP_VTD_TYPE0 + type };
	switch (type) {
	case VTD_CC:
		*d = (struct vtd_desc){ .op = OP_CC_INV, .sid = (w0 >> 32) & 0xFFFF, .dom = did };
		break;
	case VTD_IOTLB:
	case VTD_PIOTLB:
		if (gran == 3) {
			unsigned am = w1 & 0x3F;
			if (am > VTD_MAX_AM)
				return LEX_PYTHON;
			*d = (struct vtd_desc){ .op = type == VTD_IOTLB ? OP_IOTLB_PSI : OP_PIOTLB_PSI,
						.iova = w1 & ~(uint64_t)0xFFF, .size = (uint64_t)4096 << am,
						.dom = did };
		} else if (type == VTD_PIOTLB) {
			*d = (struct vtd_desc){ .op = OP_PIOTLB_PASID, .dom = did };
		} else {
			*d = (struct vtd_desc){ .op = gran == 2 ? OP_IOTLB_DSI : OP_IOTLB_GLOBAL,
						.dom = gran == 2 ? did : 0 };
		}
		break;
	case VTD_DEVTLB: {
		uint64_t addr = w1 & ~(uint64_t)0xFFF, size = 4096;
		if (w1 & 1) { /* S: the size is in the lowest clear address bit */
			unsigned b = 12;
			while (b < 64 && (w1 >> b) & 1)
				b++;
			size = b < 63 ? (uint64_t)1 << (b + 1) : 0;
			addr &= size ? ~(size - 1) : 0;
		}
		*d = (struct vtd_desc){ .op = OP_DEVTLB, .sid = (w0 >> 32) & 0xFFFF, .iova = addr,
					.size = size };
		break;
	}
	case VTD_WAIT:
		d->op = OP_WAIT;
		break;
	case VTD_PC:
		*d = (struct vtd_desc){ .op = OP_PC_INV, .dom = did };
		break;
	case VTD_IEC:
		d->op = OP_IEC;
		break;
	}
	return LEX_OK;
}

/* vtd_iotlb_page_hit / _update: "IOTLB page (hit|update) sid H iova H slpte H domain H" */
static enum lex_verdict vtd_page(struct lexer *lx, uint64_t t, const char *a, const char *end)
{
	uint64_t sid, iova, pte, dom;
	bool hit = lex_lit(&a, end, "IOTLB page hit");
	if (!hit)
		LIT("IOTLB page update");
	LIT(" sid ");
	NEED(lex_hex(&a, end, &sid));
	LIT(" iova ");
	NEED(lex_hex(&a, end, &iova));
	LIT(" slpte ");
	NEED(lex_hex(&a, end, &pte));
	LIT(" domain ");
	NEED(lex_hex(&a, end, &dom));
	struct lex_event *e = lex_push(lx, t, LEX_DMA);
	if (!e)
		return LEX_OK;
	/* nbtrace/translation.py vtd_out: bits 51:12 of the leaf, PS (bit 7) a 2 MiB page */
	uint64_t size = pte & 0x80 ? (uint64_t)2 << 20 : 4096;
	e->flags |= (uint64_t)(hit ? 2 : 1) << LEX_HIT_SHIFT | LEX_OUT | (pte & 0x80 ? LEX_LARGE : 0);
	e->sid = sid;
	e->iova = iova;
	e->dom = dom;
	e->out = (pte & 0x000FFFFFFFFFF000ull & ~(size - 1)) | (iova & (size - 1));
	return LEX_OK;
}

/* vtd_inv_desc: "invalidate desc type NAME high H low H" */
static enum lex_verdict vtd_inv_desc(struct lexer *lx, uint64_t t, const char *a, const char *end)
{
	uint64_t w0, w1;
	struct vtd_desc d;
	LIT("invalidate desc type ");
	NEED(lex_nonblank(&a, end) ? LEX_OK : LEX_BAD);
	LIT(" high ");
	NEED(lex_hex(&a, end, &w1));
	LIT(" low ");
	NEED(lex_hex(&a, end, &w0));
	NEED(vtd_decode(w0, w1, &d));
	struct lex_event *e = lex_push(lx, t, LEX_INV);
	if (!e)
		return LEX_OK;
	e->flags |= (uint64_t)d.op << LEX_OP_SHIFT | LEX_RAW;
	e->sid = d.sid;
	e->iova = d.iova;
	e->size = d.size;
	e->dom = d.dom;
	e->w0 = w0;
	e->w1 = w1;
	lx->last_inv = (long)(e - lx->ev);
	return LEX_OK;
}

static const struct lex_event *last_inv_of(struct lexer *lx, enum lex_op op)
{
	if (lx->last_inv < 0)
		return NULL;
	const struct lex_event *e = &lx->ev[lx->last_inv];
	return e->flags >> LEX_OP_SHIFT == op ? e : NULL;
}

static void agree(struct lexer *lx, bool ok)
{
	if (ok)
		lx->decode_agree++;
	else
		lx->decode_disagree++;
}

/* vtd_inv_desc_iotlb_pages: QEMU's own decode of the descriptor just logged,
 * "iotlb invalidate domain H addr H mask H": must agree with ours. */
static enum lex_verdict vtd_pages(struct lexer *lx, uint64_t t, const char *a, const char *end)
{
	uint64_t dom, addr, am;
	LIT("iotlb invalidate domain ");
	NEED(lex_hex(&a, end, &dom));
	LIT(" addr ");
	NEED(lex_hex(&a, end, &addr));
	LIT(" mask ");
	NEED(lex_hex(&a, end, &am));
	const struct lex_event *e = last_inv_of(lx, OP_IOTLB_PSI);
	if (e && e->dom == dom && e->iova == addr) {
		if (am > VTD_MAX_AM)
			return LEX_PYTHON; /* 4096 << am: only Python's int has it */
		agree(lx, e->size == (uint64_t)4096 << am);
	} else {
		agree(lx, false);
	}
	return LEX_OK;
}

/* vtd_inv_desc_iotlb_domain: "iotlb invalidate whole domain H" */
static enum lex_verdict vtd_domain(struct lexer *lx, uint64_t t, const char *a, const char *end)
{
	uint64_t dom;
	LIT("iotlb invalidate whole domain ");
	NEED(lex_hex(&a, end, &dom));
	const struct lex_event *e = last_inv_of(lx, OP_IOTLB_DSI);
	agree(lx, e && e->dom == dom);
	return LEX_OK;
}

static enum lex_verdict vtd_global(struct lexer *lx, uint64_t t, const char *a, const char *end)
{
	agree(lx, last_inv_of(lx, OP_IOTLB_GLOBAL) != NULL);
	return LEX_OK;
}

static enum lex_verdict vtd_reset(struct lexer *lx, uint64_t t, const char *a, const char *end)
{
	if (lex_push(lx, t, LEX_NOTE))
		lex_text(lx, "QEMU IOTLB reset: ", a, end);
	return LEX_OK;
}

/* vtd_dmar_fault: "sid H fault D addr H write D" */
static enum lex_verdict vtd_fault(struct lexer *lx, uint64_t t, const char *a, const char *end)
{
	const char *args = a;
	uint64_t sid, iova;
	LIT("sid ");
	NEED(lex_hex(&a, end, &sid));
	LIT(" fault ");
	NEED(lex_digits(&a, end) ? LEX_OK : LEX_BAD);
	LIT(" addr ");
	NEED(lex_hex(&a, end, &iova));
	LIT(" write ");
	NEED(lex_digits(&a, end) ? LEX_OK : LEX_BAD);
	struct lex_event *e = lex_push(lx, t, LEX_FAULT);
	if (e) {
		e->sid = sid;
		e->iova = iova;
		lex_text(lx, "QEMU DMAR fault: ", args, end);
	}
	return LEX_OK;
}

const struct lex_handler lex_vtd_handlers[] = {
	{ "vtd_iotlb_page_hit", vtd_page },
	{ "vtd_iotlb_page_update", vtd_page },
	{ "vtd_inv_desc", vtd_inv_desc },
	{ "vtd_inv_desc_iotlb_pages", vtd_pages },
	{ "vtd_inv_desc_iotlb_domain", vtd_domain },
	{ "vtd_inv_desc_iotlb_global", vtd_global },
	{ "vtd_iotlb_reset", vtd_reset },
	{ "vtd_dmar_fault", vtd_fault },
};
const size_t lex_vtd_nhandlers = sizeof(lex_vtd_handlers) / sizeof(lex_vtd_handlers[0]);
