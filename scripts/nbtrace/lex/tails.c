// SPDX-License-Identifier: MIT
/*
 * What scripts/nbtrace/writer.py's Writer.qemu writes for a QEMU event after its
 * time (docs/trace-format.md, "From QEMU and the guest's ftrace"), so that the
 * converter only adds the time: Python's "%#x" is "0x" and lower-case hex (0x0
 * for zero), "%d" a plain decimal.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lex.h"

/* The longest tail but a comment's: " inv " + 4 numbers + op + two words. */
#define TAIL_MAX 256

static size_t tail_of(const struct lex_event *e, char *b)
{
	unsigned kind = e->flags & 15, op = (unsigned)(e->flags >> LEX_OP_SHIFT);
	int n = 0;
	if (kind == LEX_DMA) {
		n = snprintf(b, TAIL_MAX, " dma 0x%" PRIx64 " 0x%" PRIx64 " 0 %" PRIu64 " hit=%d", e->sid,
			     e->iova, e->dom, (int)((e->flags >> LEX_HIT_SHIFT) & 15) - 1);
		if (e->flags & LEX_OUT)
			n += snprintf(b + n, TAIL_MAX - (size_t)n, " out=0x%" PRIx64, e->out);
	} else if (kind == LEX_INV && op != OP_IEC) {
		n = snprintf(b, TAIL_MAX, " inv 0x%" PRIx64 " 0x%" PRIx64 " %" PRIu64 " %" PRIu64 " op=%s", e->sid,
			     e->iova, e->size, e->dom, lex_op_names[op]);
		if (e->flags & LEX_RAW)
			n += snprintf(b + n, TAIL_MAX - (size_t)n, " w0=0x%" PRIx64 " w1=0x%" PRIx64, e->w0, e->w1);
	}
	b[n++] = '\n';
	return (size_t)n;
}

int lex_tails(const struct lexer *lx, char **out, size_t *len)
{
	size_t cap = lx->nev * 64 + 1, n = 0, text = 0;
	char *b = malloc(cap);
	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < lx->nev; i++) {
		const char *comment = NULL;
		size_t need = TAIL_MAX;
		unsigned kind = lx->ev[i].flags & 15;
		if (kind == LEX_NOTE || kind == LEX_FAULT) {
			while (text < lx->ntexts && lx->texts[text].event < i)
				text++;
			comment = text < lx->ntexts && lx->texts[text].event == i ? lx->texts[text].text : "";
			need = strlen(comment) + 4;
		}
		if (cap - n < need) {
			cap = 2 * cap + need;
			char *c = realloc(b, cap);
			if (!c) {
				free(b);
				return -ENOMEM;
			}
			b = c;
		}
		if (comment)
			n += (size_t)sprintf(b + n, "# %s\n", comment);
		else
			n += tail_of(&lx->ev[i], b + n);
	}
	*out = b;
	*len = n;
	return 0;
}
