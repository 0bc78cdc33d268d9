// SPDX-License-Identifier: MIT
/*
 * QEMU 10.0 amd-iommu trace events (hw/i386/trace-events) as the reference
 * reads them (scripts/nbtrace/qemu_log.py, read_qemu's AMD branch). QEMU logs
 * no descriptor words for AMD-Vi: the op names are nb_inv_op_name's.
 */
#include "lex.h"

static struct lex_event *dma(struct lexer *lx, uint64_t t, uint64_t sid, uint64_t gpa, int hit)
{
	struct lex_event *e = lex_push(lx, t, LEX_DMA);
	if (e) {
		e->flags |= (uint64_t)(hit + 1) << LEX_HIT_SHIFT;
		e->sid = sid;
		e->iova = gpa;
	}
	return e;
}

/* amdvi_iotlb_hit: "hit iotlb devid BB:SS.F gpa H hpa H"; the domain is the
 * devid's last amdvi_cache_update, or (none yet) its first one after it */
static enum lex_verdict amd_hit(struct lexer *lx, uint64_t t, const char *a, const char *end)
{
	uint64_t sid, gpa;
	LIT("hit iotlb devid ");
	NEED(lex_devid(&a, end, &sid) ? LEX_OK : LEX_BAD);
	LIT(" gpa ");
	NEED(lex_hex(&a, end, &gpa));
	LIT(" hpa ");
	NEED(lex_hex(&a, end, NULL));
	struct lex_event *e = dma(lx, t, sid, gpa, 1);
	if (!e)
		return LEX_OK;
	if (lx->amd_dom[sid] >= 0) {
		e->dom = (uint64_t)lx->amd_dom[sid];
	} else if (lex_grow((void **)&lx->pending, &lx->cap_pending, lx->npending, sizeof(*lx->pending))) {
		lx->oom = true;
	} else {
		lx->pending[lx->npending++] = (size_t)(e - lx->ev);
	}
	return LEX_OK;
}

/* amdvi_cache_update: "update iotlb domid H devid: BB:SS.F gpa H hpa H" */
static enum lex_verdict amd_update(struct lexer *lx, uint64_t t, const char *a, const char *end)
{
	uint64_t dom, sid, gpa;
	LIT("update iotlb domid ");
	NEED(lex_hex(&a, end, &dom));
	LIT(" devid: ");
	NEED(lex_devid(&a, end, &sid) ? LEX_OK : LEX_BAD);
	LIT(" gpa ");
	NEED(lex_hex(&a, end, &gpa));
	LIT(" hpa ");
	NEED(lex_hex(&a, end, NULL));
	if (dom > INT64_MAX)
		return LEX_PYTHON; /* the devid map keeps -1 for "none yet" */
	lx->amd_dom[sid] = (int64_t)dom;
	struct lex_event *e = dma(lx, t, sid, gpa, 0);
	if (e)
		e->dom = dom;
	return LEX_OK;
}

static enum lex_verdict inv(struct lexer *lx, uint64_t t, enum lex_op op, uint64_t sid, uint64_t dom)
{
	struct lex_event *e = lex_push(lx, t, LEX_INV);
	if (e) {
		e->flags |= (uint64_t)op << LEX_OP_SHIFT;
		e->sid = sid;
		e->dom = dom;
	}
	return LEX_OK;
}

/* amdvi_pages_inval: "AMD-Vi pages for domain H invalidated" */
static enum lex_verdict amd_pages(struct lexer *lx, uint64_t t, const char *a, const char *end)
{
	uint64_t dom;
	LIT("AMD-Vi pages for domain ");
	NEED(lex_hex(&a, end, &dom));
	LIT(" invalidated");
	return inv(lx, t, OP_AMD_PAGES, 0, dom);
}

/* amdvi_devtab_inval: "device table entry for devid: BB:SS.F invalidated" */
static enum lex_verdict amd_devtab(struct lexer *lx, uint64_t t, const char *a, const char *end)
{
	uint64_t sid;
	LIT("device table entry for devid: ");
	NEED(lex_devid(&a, end, &sid) ? LEX_OK : LEX_BAD);
	LIT(" invalidated");
	return inv(lx, t, OP_AMD_DEVTAB, sid, 0);
}

static enum lex_verdict amd_all(struct lexer *lx, uint64_t t, const char *a, const char *end)
{
	return inv(lx, t, OP_AMD_ALL, 0, 0);
}

static enum lex_verdict amd_iotlb(struct lexer *lx, uint64_t t, const char *a, const char *end)
{
	return inv(lx, t, OP_AMD_IOTLB, 0, 0);
}

static enum lex_verdict amd_wait(struct lexer *lx, uint64_t t, const char *a, const char *end)
{
	return inv(lx, t, OP_AMD_WAIT, 0, 0);
}

static enum lex_verdict amd_reset(struct lexer *lx, uint64_t t, const char *a, const char *end)
{
	if (lex_push(lx, t, LEX_NOTE))
		lex_text(lx, "QEMU IOTLB reset: ", a, end);
	return LEX_OK;
}

static enum lex_verdict amd_fault(struct lexer *lx, uint64_t t, const char *a, const char *end)
{
	if (lex_push(lx, t, LEX_FAULT))
		lex_text(lx, "QEMU AMD-Vi page fault: ", a, end);
	return LEX_OK;
}

const struct lex_handler lex_amd_handlers[] = {
	{ "amdvi_iotlb_hit", amd_hit },
	{ "amdvi_cache_update", amd_update },
	{ "amdvi_pages_inval", amd_pages },
	{ "amdvi_all_inval", amd_all },
	{ "amdvi_devtab_inval", amd_devtab },
	{ "amdvi_iotlb_inval", amd_iotlb },
	{ "amdvi_completion_wait", amd_wait },
	{ "amdvi_iotlb_reset", amd_reset },
	{ "amdvi_page_fault", amd_fault },
};
const size_t lex_amd_nhandlers = sizeof(lex_amd_handlers) / sizeof(lex_amd_handlers[0]);
