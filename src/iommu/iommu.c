// SPDX-License-Identifier: MIT
/* The simulated IOMMU: lifetime, domains, devices, translation contexts. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* m: zeroed memory. On failure the caller destroys m. */
static int iommu_setup(struct nb_iommu *m, const struct nb_hw_params *p, struct nb_arena *arena,
		       const struct nb_tag_model *model)
{
	static const enum nb_cache_kind shared[] = { NB_CACHE_IOTLB, NB_CACHE_PWC_S1,
						     NB_CACHE_PWC_S2, NB_CACHE_NESTED_TLB,
						     NB_CACHE_CTX };
	const struct nb_cache_params *cp[NB_CACHE_KIND_COUNT] = {
		[NB_CACHE_IOTLB] = &p->iotlb,	   [NB_CACHE_PWC_S1] = &p->pwc_s1,
		[NB_CACHE_PWC_S2] = &p->pwc_s2,	   [NB_CACHE_NESTED_TLB] = &p->nested_tlb,
		[NB_CACHE_CTX] = &p->ctx_cache,
	};
	int ret;

	m->p = *p;
	m->arena = arena;
	m->oracle_on = false;
	m->model = model;
	if (m->model->vendor != p->vendor)
		return nb_fail(EINVAL, "model '%s' uses another vendor's command set than the config says",
			       p->model);
	for (size_t i = 0; i < NB_ARRAY_SIZE(shared); i++) {
		ret = nb_cache_init(&m->c[shared[i]], shared[i], cp[shared[i]]);
		if (ret)
			return ret;
	}
	/* The flush queue whole, now, as Linux allocates it when it sets the
	 * domain up (iommu_dma_init_fq): it never grows (it is flushed when it
	 * holds fq_entries), so no lazy unmap can turn strict for want of
	 * memory and change the counts (fail-nth sweep). Untouched pages cost
	 * nothing. */
	if (!p->policy.strict) {
		m->fq = calloc(p->policy.fq_entries, sizeof(*m->fq));
		if (!m->fq)
			return nb_fail(ENOMEM, "iommu: out of memory for a %u-entry flush queue",
				       p->policy.fq_entries);
		m->cap_fq = p->policy.fq_entries;
	}
	/* room for one merged visit's notes (exec.c), now: the executor
	 * cannot fail */
	if (m->c[NB_CACHE_IOTLB].sets) {
		m->notes = calloc((size_t)m->c[NB_CACHE_IOTLB].sets * m->c[NB_CACHE_IOTLB].ways,
				  sizeof(*m->notes));
		if (!m->notes)
			return nb_fail(ENOMEM, "iommu: out of memory for the executor's notes");
	}
	ret = nb_llc_init(&m->llc, p->mem_llc_lines);
	if (ret)
		return ret;
	for (int i = 0; i < NB_ID_SPACES; i++)
		m->next_id[i] = 1; /* 0 is reserved in every vendor's id space */
	nb_inv_batch_init(&m->batch, p->vendor);
	return 0;
}

/* Every hook the unit calls without asking (only .effect may be NULL): a
 * model that lacks one is refused here by name, not found out by a crash
 * at its first attach or nested walk. */
static int model_complete(const struct nb_tag_model *t)
{
	const char *missing = !t ? "the model itself" : !t->name || !*t->name ? ".name"
		: !t->summary ? ".summary" : !t->gen.range || !t->gen.funcs ? ".gen"
		: !t->domain_init ? ".domain_init" : !t->attach ? ".attach"
		: !t->detach ? ".detach" : !t->dev_tags ? ".dev_tags"
		: !t->s2_tags ? ".s2_tags" : !t->flush ? ".flush" : NULL;

	if (missing)
		return nb_fail(EINVAL, "tag model '%s': %s is missing (every hook but .effect is "
			       "required: include/nestbench/iommu.h)",
			       t && t->name ? t->name : "?", missing);
	return 0;
}

int nb_iommu_create_with(struct nb_iommu **out, const struct nb_hw_params *p,
			 struct nb_arena *arena, const struct nb_tag_model *model)
{
	struct nb_iommu *m;
	int ret = model_complete(model);

	if (ret)
		return ret;
	m = calloc(1, sizeof(*m));
	if (!m)
		return nb_fail(ENOMEM, "iommu: out of memory");
	ret = iommu_setup(m, p, arena, model);
	if (ret) {
		nb_iommu_destroy(m);
		return ret;
	}
	*out = m;
	return 0;
}

void nb_iommu_release(struct nb_iommu *m)
{
	for (int i = 0; i < NB_CACHE_KIND_COUNT; i++)
		nb_cache_fini(&m->c[i]);
	nb_inv_batch_fini(&m->batch);
	free(m->scratch);
	nb_llc_fini(&m->llc);
	for (uint32_t i = 0; i < m->nfq; i++)
		free(m->fq[i].gather.freed);
	free(m->fq);
	free(m->devs);
	free(m->notes);
	m->notes = NULL;
	m->scratch = NULL;
	m->scratch_len = 0;
	m->fq = NULL;
	m->nfq = 0;
	m->devs = NULL;
	m->ndevs = 0;
}

int nb_iommu_reset(struct nb_iommu *m, const struct nb_hw_params *p, struct nb_arena *arena,
		   const struct nb_tag_model *model)
{
	int ret;

	nb_iommu_release(m);
	memset(m, 0, sizeof(*m)); /* every field, those added later too */
	ret = iommu_setup(m, p, arena, model);
	if (ret)
		nb_iommu_destroy(m);
	return ret;
}

void nb_iommu_destroy(struct nb_iommu *m)
{
	if (!m)
		return;
	nb_iommu_release(m);
	free(m);
}

const struct nb_hw_params *nb_iommu_params(const struct nb_iommu *m)
{
	return &m->p;
}

const struct nb_tag_model *nb_iommu_model(const struct nb_iommu *m)
{
	return m->model;
}

void *nb_iommu_scratch(struct nb_iommu *m, size_t bytes)
{
	void *n;

	if (bytes <= m->scratch_len)
		return m->scratch;
	n = realloc(m->scratch, bytes);
	if (!n) { /* the caller's error says why (fail-nth sweep: it said nothing) */
		nb_fail(ENOMEM, "iommu: out of memory for %zu bytes of scratch", bytes);
		return NULL;
	}
	m->scratch = n;
	m->scratch_len = bytes;
	return n;
}

uint32_t nb_iommu_alloc_id(struct nb_iommu *m, int space)
{
	return m->next_id[space]++;
}

uint16_t nb_iommu_ctx_new(struct nb_iommu *m, const struct nb_xctx *c)
{
	for (int i = 1; i < m->nctx; i++) {
		if (!m->ctx[i].live) {
			m->ctx[i] = *c;
			m->ctx[i].live = true;
			return (uint16_t)i;
		}
	}
	if (m->nctx == 0)
		m->nctx = 1; /* ctx 0: none */
	if (m->nctx >= NB_MAX_CTX)
		return 0;
	m->ctx[m->nctx] = *c;
	m->ctx[m->nctx].live = true;
	return (uint16_t)m->nctx++;
}

static int domain_new(struct nb_iommu *m, enum nb_xdomain_kind kind, struct nb_domain *pt,
		      struct nb_xdomain **out)
{
	struct nb_xdomain *d = calloc(1, sizeof(*d));

	if (!d)
		return nb_fail(ENOMEM, "iommu: out of memory");
	d->kind = kind;
	d->pt = pt;
	*out = d;
	return 0;
}

int nb_xdomain_paging(struct nb_iommu *m, struct nb_domain *pt, enum nb_xdomain_kind kind,
		      struct nb_xdomain **out)
{
	struct nb_xdomain *d = NULL;
	struct nb_xctx c = { .kind = NB_XCTX_SINGLE, .g = &pt->geom, .root_pa = pt->root_pa };
	int ret;

	if (kind == NB_XD_NESTED)
		return nb_fail(EINVAL, "iommu: a nested domain needs nb_xdomain_nested");
	ret = domain_new(m, kind, pt, &d);
	if (ret)
		return ret;
	c.d = d;
	d->ctx = nb_iommu_ctx_new(m, &c);
	ret = m->model->domain_init(m, d);
	if (!d->ctx || ret) {
		free(d);
		return ret ? ret : nb_fail(ENOSPC, "iommu: too many translation contexts");
	}
	*out = d;
	return 0;
}

int nb_xdomain_nested(struct nb_iommu *m, struct nb_nested *n, struct nb_xdomain *parent,
		      struct nb_xdomain **out)
{
	struct nb_xdomain *d = NULL;
	int ret;

	if (parent->kind != NB_XD_S2 || n->parent != parent->pt)
		return nb_fail(EINVAL,
			       "iommu: a nested domain's parent must be the stage-2 domain it was built on");
	ret = domain_new(m, NB_XD_NESTED, n->s1, &d);
	if (ret)
		return ret;
	d->nest = n;
	d->parent = parent;
	d->ctx = nb_iommu_ctx_new(m, &(struct nb_xctx){ .kind = NB_XCTX_NESTED, .n = &n->ctx, .d = d });
	d->ctx_s2 = parent->ctx;
	if (!d->ctx || nb_grow((void **)&parent->children, &parent->cap_children,
			       (size_t)parent->nchildren + 1, sizeof(*parent->children), 8)) {
		uint16_t ctx = d->ctx;

		if (ctx) /* it would outlive d (found reading the paths the fail-nth sweep takes) */
			m->ctx[ctx].live = false;
		free(d);
		return ctx ? nb_fail(ENOMEM, "iommu: out of memory")
			   : nb_fail(ENOSPC, "iommu: too many translation contexts");
	}
	ret = m->model->domain_init(m, d);
	if (ret) {
		m->ctx[d->ctx].live = false;
		free(d);
		return ret;
	}
	parent->children[parent->nchildren++] = d;
	*out = d;
	return 0;
}

void nb_xdomain_free(struct nb_iommu *m, struct nb_xdomain *d)
{
	if (!d)
		return;
	while (d->ndevs)
		nb_xdev_detach(m, d->devs[d->ndevs - 1]);
	if (d->parent) {
		struct nb_xdomain *p = d->parent;

		for (int i = 0; i < p->nchildren; i++)
			if (p->children[i] == d)
				p->children[i] = p->children[--p->nchildren];
	}
	m->ctx[d->ctx].live = false;
	free(d->devs);
	free(d->children);
	free(d);
}

int nb_xdev_attach(struct nb_iommu *m, uint32_t sid, uint32_t pasid, bool ats,
		   struct nb_xdomain *d, struct nb_xdev **out)
{
	struct nb_xdev *dev = calloc(1, sizeof(*dev));
	int ret;

	if (!dev)
		return nb_fail(ENOMEM, "iommu: out of memory");
	dev->sid = sid;
	dev->pasid = pasid;
	dev->ats = ats;
	dev->dom = d;
	if (ats) {
		ret = nb_cache_init(&dev->devtlb, NB_CACHE_DEVTLB, &m->p.devtlb);
		if (ret)
			goto err;
	}
	if (nb_grow((void **)&d->devs, &d->cap_devs, (size_t)d->ndevs + 1, sizeof(*d->devs), 8) ||
	    nb_grow((void **)&m->devs, &m->cap_devs, (size_t)m->ndevs + 1, sizeof(*m->devs), 8)) {
		ret = nb_fail(ENOMEM, "iommu: out of memory");
		goto err;
	}
	dev->seq = ++m->attach_seq;
	ret = m->model->attach(m, dev, nb_iommu_batch(m));
	if (!ret)
		ret = nb_iommu_submit(m, &m->batch, true);
	if (ret)
		goto err;
	dev->tags = m->model->dev_tags(m, dev);
	dev->s2tags = m->model->s2_tags(m, dev);
	d->devs[d->ndevs++] = dev;
	m->devs[m->ndevs++] = dev;
	*out = dev;
	return 0;
err:
	nb_cache_fini(&dev->devtlb);
	free(dev);
	return ret;
}

void nb_xdev_detach(struct nb_iommu *m, struct nb_xdev *dev)
{
	struct nb_xdomain *d = dev->dom;

	/* What the device's DMAs cached must go with it: the model's teardown
	 * does it (VT-d: by DID), or a whole-domain flush while the device
	 * still counts comes first. */
	if (!m->model->detach_flushes) {
		m->model->flush(m, d, &(struct nb_flush_req){ .size = 0 }, nb_iommu_batch(m));
		nb_iommu_submit(m, &m->batch, true);
	}
	m->model->detach(m, dev, nb_iommu_batch(m));
	nb_iommu_submit(m, &m->batch, true);
	for (int i = 0; i < d->ndevs; i++)
		if (d->devs[i] == dev)
			d->devs[i] = d->devs[--d->ndevs];
	for (int i = 0; i < m->ndevs; i++)
		if (m->devs[i] == dev)
			m->devs[i] = m->devs[--m->ndevs];
	nb_cache_fini(&dev->devtlb);
	free(dev);
}

/* ---- accessors for models ---- */

int nb_xdomain_ndevs(const struct nb_xdomain *d) { return d->ndevs; }
struct nb_xdev *nb_xdomain_dev(const struct nb_xdomain *d, int i) { return d->devs[i]; }
int nb_xdomain_nchildren(const struct nb_xdomain *d) { return d->nchildren; }
struct nb_xdomain *nb_xdomain_child(const struct nb_xdomain *d, int i) { return d->children[i]; }
enum nb_xdomain_kind nb_xdomain_kind(const struct nb_xdomain *d) { return d->kind; }
const struct nb_pt_geom *nb_xdomain_geom(const struct nb_xdomain *d) { return &d->pt->geom; }
struct nb_xdomain *nb_xdomain_parent(const struct nb_xdomain *d) { return d->parent; }
uint32_t *nb_xdomain_ids(struct nb_xdomain *d) { return d->ids; }
const uint32_t *nb_xdomain_ids_c(const struct nb_xdomain *d) { return d->ids; }
uint32_t *nb_xdev_ids(struct nb_xdev *dev) { return dev->ids; }
const uint32_t *nb_xdev_ids_c(const struct nb_xdev *dev) { return dev->ids; }
uint32_t nb_xdev_sid(const struct nb_xdev *dev) { return dev->sid; }
uint32_t nb_xdev_pasid(const struct nb_xdev *dev) { return dev->pasid; }
bool nb_xdev_ats(const struct nb_xdev *dev) { return dev->ats; }
uint64_t nb_xdev_seq(const struct nb_xdev *dev) { return dev->seq; }
struct nb_xdomain *nb_xdev_domain(const struct nb_xdev *dev) { return dev->dom; }

const struct nb_iommu_stats *nb_iommu_stats(const struct nb_iommu *m)
{
	return &m->st;
}

void nb_iommu_stats_reset(struct nb_iommu *m)
{
	memset(&m->st, 0, sizeof(m->st));
	for (int i = 0; i < NB_CACHE_KIND_COUNT; i++)
		memset(&m->c[i].st, 0, sizeof(m->c[i].st));
	for (int i = 0; i < m->ndevs; i++)
		memset(&m->devs[i]->devtlb.st, 0, sizeof(m->devs[i]->devtlb.st));
}

const struct nb_cache *nb_iommu_cache(const struct nb_iommu *m, enum nb_cache_kind k)
{
	return &m->c[k];
}

void nb_iommu_set_oracle(struct nb_iommu *m, bool on)
{
	m->oracle_on = on;
}
