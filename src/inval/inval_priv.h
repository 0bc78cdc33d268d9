/* SPDX-License-Identifier: MIT */
/*
 * Inside the invalidation layer: the op table, the field bits it uses to
 * say which struct nb_inv_cmd fields an op carries, and the per-vendor
 * encoder/decoder ops (one enc_<vendor>.c file and one line in ops.c each).
 */
#ifndef NB_INVAL_PRIV_H
#define NB_INVAL_PRIV_H

#include "nestbench/inval.h"

/* One bit per struct nb_inv_cmd field other than op. */
enum nb_inv_field {
	NB_F_TAG = 1u << 0,
	NB_F_SUB = 1u << 1,
	NB_F_SID = 1u << 2,
	NB_F_ADDR = 1u << 3,
	NB_F_AM = 1u << 4,
	NB_F_SIZE_S = 1u << 5,
	NB_F_TG = 1u << 6,
	NB_F_NUM = 1u << 7,
	NB_F_SCALE = 1u << 8,
	NB_F_TTL = 1u << 9,
	NB_F_LEAF = 1u << 10,
	NB_F_GLOBAL = 1u << 11,
	NB_F_DRAIN = 1u << 12,
	NB_F_WAIT_ADDR = 1u << 13,
	NB_F_WAIT_DATA = 1u << 14,
	NB_F_GRAN = 1u << 15,
	NB_F_FM = 1u << 16,
	NB_F_QDEP = 1u << 17,
	NB_F_PFSID = 1u << 18,
	NB_F_IRQ = 1u << 19,
};

struct nb_inv_op_desc {
	const char *name;
	enum nb_vendor vendor;
	bool is_sync;
	bool ranged;
	uint32_t fields; /* enum nb_inv_field bits the op carries */
};

/* Indexed by enum nb_inv_op; NULL name = hole (never, checked by tests). */
extern const struct nb_inv_op_desc nb_inv_ops[NB_INV_OP_COUNT];

/* Valid op or NULL. */
const struct nb_inv_op_desc *nb_inv_op_desc(enum nb_inv_op op);

/*
 * A vendor's command set. encode() sees a command whose op belongs to the
 * vendor and whose unused fields are zero (nb_inv_encode checked both); it
 * checks widths and alignment. decode() fills a zeroed *out.
 */
struct nb_inv_vendor_ops {
	const char *name;
	int (*encode)(const struct nb_inv_cmd *c, struct nb_inv_raw *out);
	int (*decode)(const struct nb_inv_raw *in, struct nb_inv_cmd *out);
};

extern const struct nb_inv_vendor_ops nb_inv_vtd_ops;
extern const struct nb_inv_vendor_ops nb_inv_amd_ops;
extern const struct nb_inv_vendor_ops nb_inv_smmuv3_ops;

/* ---- helpers shared by the encoders ---- */

/* The refusals of the helpers below, out of line: every command a model
 * builds passes them, once per field, so only the test stays inline. */
int nb_inv_put_fail(unsigned bits, uint64_t v, const char *op, const char *field);
int nb_inv_rsvd_fail(uint64_t bits, const char *op, int word);
int nb_inv_align_fail(uint64_t addr, unsigned lg2, const char *op, const char *what);

/* Place v in bits [hi:lo] of *w, or fail -ERANGE naming the field. */
static inline int nb_inv_put(uint64_t *w, unsigned hi, unsigned lo, uint64_t v, const char *op,
			     const char *field)
{
	unsigned bits = hi - lo + 1;

	if (NB_UNLIKELY(bits < 64 && v >> bits))
		return nb_inv_put_fail(bits, v, op, field);
	*w |= (v << lo) & NB_GENMASK(hi, lo);
	return 0;
}

/* Put v in bits hi:lo of the command words, or return the refusal (the
 * encoders' local `name` is the op's name in messages). */
#define PUT(w, hi, lo, v, field)                                             \
	do {                                                                 \
		int _rc = nb_inv_put(w, hi, lo, v, name, field);             \
		if (_rc)                                                     \
			return _rc;                                          \
	} while (0)


static inline uint64_t nb_inv_get(uint64_t w, unsigned hi, unsigned lo)
{
	return (w & NB_GENMASK(hi, lo)) >> lo;
}

/* Refuse bits of w outside `known` (reserved bits) naming the word. */
static inline int nb_inv_check_rsvd(uint64_t w, uint64_t known, const char *op, int word)
{
	return NB_UNLIKELY(w & ~known) ? nb_inv_rsvd_fail(w & ~known, op, word) : 0;
}

/* addr must be aligned to 2^lg2 bytes (lg2 >= 64: addr must be 0). */
static inline int nb_inv_check_align(uint64_t addr, unsigned lg2, const char *op, const char *what)
{
	if (NB_UNLIKELY(lg2 >= 64 ? addr != 0 : !nb_aligned(addr, lg2)))
		return nb_inv_align_fail(addr, lg2, op, what);
	return 0;
}

/* [first, last] of 2^lg2 bytes aligned down from addr (lg2 >= 64: everything). */
void nb_inv_block(uint64_t addr, unsigned lg2, uint64_t *first, uint64_t *last);

#endif
