// SPDX-License-Identifier: MIT
/* Batches of commands, as a driver's flush builds them (see nb_inv_batch). */
#include <errno.h>
#include <stdlib.h>

#include "inval_priv.h"
#include "util/mutant.h"

static const enum nb_inv_op sync_ops[NB_VENDOR_COUNT] = {
	[NB_VENDOR_VTD] = NB_VTD_WAIT,
	[NB_VENDOR_AMD] = NB_AMD_COMPLETION_WAIT,
	[NB_VENDOR_SMMUV3] = NB_SMMU_CMD_SYNC,
};

enum nb_inv_op nb_inv_sync_op(enum nb_vendor v)
{
	return sync_ops[v];
}

void nb_inv_batch_init(struct nb_inv_batch *b, enum nb_vendor v)
{
	*b = (struct nb_inv_batch){ .vendor = v };
}

void nb_inv_batch_fini(struct nb_inv_batch *b)
{
	free(b->cmd);
	*b = (struct nb_inv_batch){ .vendor = b->vendor };
}

/* Room for `more` commands beyond n; false (err set) when there is none. */
static bool reserve(struct nb_inv_batch *b, uint64_t more)
{
	uint64_t need = (uint64_t)b->n + more, cap = b->cap ? b->cap : 64;
	struct nb_inv_cmd *c;

	if (need <= b->cap)
		return true;
	if (b->err)
		return false;
	while (cap < need)
		cap *= 2;
	if (cap > UINT32_MAX || !(c = realloc(b->cmd, cap * sizeof(*c)))) {
		b->err = nb_fail(ENOMEM, "invalidation batch: no memory for %llu commands",
				 (unsigned long long)need);
		return false;
	}
	b->cmd = c;
	b->cap = (uint32_t)cap;
	return true;
}

void nb_inv_batch_add(struct nb_inv_batch *b, const struct nb_inv_cmd *c)
{
	if (reserve(b, 1))
		b->cmd[b->n++] = *c;
}

void nb_inv_batch_sync(struct nb_inv_batch *b)
{
	if (nb_mutant(NB_MUT_BATCH_SYNC)) return;
	if (!b->n || nb_inv_op_is_sync(b->cmd[b->n - 1].op))
		return;
	nb_inv_batch_add(b, &(struct nb_inv_cmd){ .op = sync_ops[b->vendor] });
}

int nb_inv_batch_split(struct nb_inv_batch *b, const struct nb_inv_cmd *tmpl, uint64_t addr,
		       uint64_t size, const struct nb_split_caps *caps)
{
	for (;;) {
		int got = nb_inv_split(tmpl, addr, size, caps, b->cmd ? b->cmd + b->n : NULL,
				       (int)(b->cap - b->n));

		if (got >= 0) {
			b->n += (uint32_t)got;
			return 0;
		}
		if (got != -ENOSPC)
			return got;
		/* one command per granule at most, plus a margin for RIL's splits */
		if (!reserve(b, (uint64_t)(b->cap - b->n) * 2 + 64))
			return b->err;
	}
}
