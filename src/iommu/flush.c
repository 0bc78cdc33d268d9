// SPDX-License-Identifier: MIT
/*
 * Map, unmap and the invalidation policies, as the Linux drivers run them:
 * strict (invalidate before unmap returns) or lazy (the flush queue: the
 * unmapped IOVA is parked, not reused, until a domain-wide flush that runs
 * when the queue is full or its timeout passes), for DMA-API domains of
 * either stage. Domains with nested children and nested domains are
 * always strict: iommufd has no flush queue, and a guest's invalidation is
 * synchronous.
 */
#include <errno.h>
#include <stdlib.h>

#include "unit.h"
#include "util/mutant.h"

bool nb_iommu_fq_holds(const struct nb_iommu *m, const struct nb_xdomain *d, uint64_t iova)
{
	return nb_fq_overlaps(m, d, iova, 1);
}

int nb_iommu_map(struct nb_iommu *m, struct nb_xdomain *d, uint64_t iova, uint64_t pa,
		 uint64_t size, unsigned prot)
{
	if (d->kind == NB_XD_NESTED)
		return nb_fail(EINVAL, "map on a nested domain: the guest owns its stage-1 tables");
	if (nb_fq_overlaps(m, d, iova, size))
		return nb_fail(EBUSY, "map: IOVA %#llx is still in the flush queue (not yet invalidated)",
			       (unsigned long long)iova);
	return nb_domain_map(d->pt, iova, pa, size, prot);
}

int nb_iommu_map_sg(struct nb_iommu *m, struct nb_xdomain *d, uint64_t iova,
		    const struct nb_map_seg *seg, size_t n, unsigned prot)
{
	uint64_t size = 0;

	if (d->kind == NB_XD_NESTED)
		return nb_fail(EINVAL, "map on a nested domain: the guest owns its stage-1 tables");
	for (size_t i = 0; i < n; i++)
		size += seg[i].len;
	if (nb_fq_overlaps(m, d, iova, size)) /* the allocator hands it out after the flush */
		nb_iommu_fq_flush(m);
	return nb_domain_map_sg(d->pt, iova, seg, n, prot);
}

int nb_iommu_map_after_fq(struct nb_iommu *m, struct nb_xdomain *d, uint64_t iova, uint64_t pa,
			  uint64_t size, unsigned prot, bool *flushed)
{
	int ret = nb_iommu_map(m, d, iova, pa, size, prot);

	if (flushed)
		*flushed = ret == -EBUSY;
	if (ret == -EBUSY) {
		nb_iommu_fq_flush(m);
		ret = nb_iommu_map(m, d, iova, pa, size, prot);
	}
	return ret;
}

/* A model that could not build its commands (out of memory: its tag list,
 * the batch) or a queue that could not take them: the change's cached
 * translations must go all the same, so every entry of the unit goes, as a
 * global invalidation would (fail-nth sweep: the flush was skipped and DMAs
 * still went through unmapped pages). */
static void flush_everything(struct nb_iommu *m)
{
	m->st.flush_fallbacks++;
	for (int k = 0; k < NB_CACHE_KIND_COUNT; k++)
		nb_cache_flush_all(&m->c[k]);
	for (int i = 0; i < m->ndevs; i++)
		nb_cache_flush_all(&m->devs[i]->devtlb);
}

/* One driver operation: the model's commands for req on d, submitted. */
static int run_flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req)
{
	int ret = m->model->flush(m, d, req, nb_iommu_batch(m));
	int sub = nb_iommu_submit(m, &m->batch, true);

	if (ret || sub)
		flush_everything(m);
	return ret ? ret : sub;
}

bool nb_flush_req_of_unmap(const struct nb_gather *g, uint64_t iova, uint64_t size,
			   struct nb_flush_req *req)
{
	bool leaves = g->start <= g->last;

	if (!leaves && !g->tables_freed)
		return false;
	*req = (struct nb_flush_req){
		.addr = leaves ? g->start : iova,
		.size = leaves ? g->last - g->start + 1 : size,
		.leaf = !g->tables_freed,
		.pgsize_mask = g->pgsize_mask,
	};
	return true;
}

static void flush_gather(struct nb_iommu *m, struct nb_xdomain *d, struct nb_gather *g,
			 struct nb_flush_req *req)
{
	if (nb_mutant(NB_MUT_WALK_CACHE_LEAF)) req->leaf = true;
	run_flush(m, d, req);
	nb_gather_release(d->pt, g);
}

void nb_iommu_fq_flush(struct nb_iommu *m)
{
	struct nb_inv_batch *b;
	bool failed = false;

	if (!m->nfq)
		return;
	/* One domain-wide flush per domain in the queue (iommu_flush_iotlb_all). */
	b = nb_iommu_batch(m);
	for (uint32_t i = 0; i < m->nfq; i++) {
		bool seen = false;

		for (uint32_t j = 0; j < i; j++)
			seen |= m->fq[j].d == m->fq[i].d;
		if (nb_mutant(NB_MUT_FQ_NO_FLUSH)) continue;
		if (!seen)
			failed |= m->model->flush(m, m->fq[i].d, &(struct nb_flush_req){ .size = 0 }, b) != 0;
	}
	if (nb_iommu_submit(m, b, true) || failed)
		flush_everything(m);
	for (uint32_t i = 0; i < m->nfq; i++)
		nb_gather_release(m->fq[i].d->pt, &m->fq[i].gather);
	m->nfq = 0;
	m->st.fq_flushes++;
}

static int fq_push(struct nb_iommu *m, struct nb_xdomain *d, uint64_t iova, uint64_t size,
		   struct nb_gather *g)
{
	if (nb_grow((void **)&m->fq, &m->cap_fq, (size_t)m->nfq + 1, sizeof(*m->fq), 64))
		return -ENOMEM;
	m->fq[m->nfq++] = (struct nb_fq_entry){ d, iova, size, *g };
	return 0;
}

int64_t nb_iommu_unmap(struct nb_iommu *m, struct nb_xdomain *d, uint64_t iova, uint64_t size)
{
	struct nb_flush_req req;
	struct nb_gather g;
	int64_t got;
	/* nest parents are iommufd's: always strict */
	bool lazy = !m->p.policy.strict && d->kind != NB_XD_NESTED && !d->nchildren;

	if (d->kind == NB_XD_NESTED)
		return nb_fail(EINVAL, "unmap on a nested domain: the guest owns its stage-1 tables");
	nb_gather_init(&g);
	got = nb_domain_unmap(d->pt, iova, size, &g);
	if (got < 0 || !nb_flush_req_of_unmap(&g, iova, size, &req)) {
		nb_gather_release(d->pt, &g);
		return got;
	}
	if (lazy && fq_push(m, d, iova, size, &g) == 0) {
		if (m->nfq >= m->p.policy.fq_entries && !nb_mutant(NB_MUT_FQ_FULL))
			nb_iommu_fq_flush(m);
		return got;
	}
	flush_gather(m, d, &g, &req);
	return got;
}

int nb_iommu_flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req)
{
	return run_flush(m, d, req);
}

int nb_iommu_guest_invalidate(struct nb_iommu *m, struct nb_xdomain *n,
			      const struct nb_flush_req *req)
{
	if (n->kind != NB_XD_NESTED)
		return nb_fail(EINVAL, "guest invalidation needs a nested domain");
	return run_flush(m, n, req);
}

/* The flush queue's timeout, driven by the caller's clock. */
void nb_iommu_fq_tick(struct nb_iommu *m, uint64_t now_us)
{
	if (nb_mutant(NB_MUT_FQ_TIMEOUT)) return;
	if (now_us - m->fq_last_us >= m->p.policy.fq_timeout_us) {
		nb_iommu_fq_flush(m);
		m->fq_last_us = now_us;
	}
}

int nb_iommu_guest_invalidate_array(struct nb_iommu *m, struct nb_xdomain *n,
				    const struct nb_flush_req *reqs, uint32_t count, uint32_t *done)
{
	struct nb_inv_batch *b;
	int ret = 0, sub;

	*done = 0;
	if (n->kind != NB_XD_NESTED)
		return nb_fail(EINVAL, "guest invalidation needs a nested domain");
	/* The host driver's handler: every entry's commands, in order, into one
	 * operation (a model whose driver waits per entry syncs per entry). */
	b = nb_iommu_batch(m);
	for (; *done < count; (*done)++) { /* the one that failed is not done */
		if (nb_mutant(NB_MUT_GUEST_ARRAY) && *done)
			continue;
		if ((ret = m->model->flush(m, n, &reqs[*done], b)))
			break;
	}
	sub = nb_iommu_submit(m, b, true);
	if (!ret && sub) /* the batch failed as a whole: no entry ran as built */
		*done = 0;
	if (ret || sub)
		flush_everything(m);
	return ret ? ret : sub;
}
