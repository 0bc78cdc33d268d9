// SPDX-License-Identifier: MIT
/*
 * The nested replay's set-up (docs/nested.md): the streams loaded, the
 * guests' memory laid out as the alignment rule says, the simulated memory
 * addressed by the stage-2 stream's own host addresses, the stage 2 as the
 * VMM set it up, every guest's nested domains, devices and live mappings;
 * and the teardown.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nested_internal.h"

#define TWO_MIB (2ull << 20)
#define HOST_TABLES (32ull << 20) /* the stage 2's own tables (host memory) */
#define MAX_ARENA (64ull << 30)
#define MAX_GUESTS 255		  /* guest k's devices are on bus k */

static uint64_t round2m(uint64_t v)
{
	return (v + TWO_MIB - 1) & ~(TWO_MIB - 1);
}

/* Where the guests live (docs/nested.md): their stage-1 tables at the
 * start of the stage 2's RAM (where its host address is 2 MiB aligned, as
 * the table allocator's memory is), each guest's block after them. */
static int lay_out(struct nrp *r, uint64_t *host_tables)
{
	struct nb_nested_replay_result *res = r->res;
	uint64_t ram_end = r->s2.ram_ipa + r->s2.ram_bytes, domains = 0, blocks = 0;

	for (uint32_t k = 0; k < r->K; k++) {
		domains += r->g[k].cap->ndomains;
		blocks += r->g[k].cap->block_bytes;
	}
	res->ram_ipa = r->s2.ram_ipa;
	res->ram_bytes = r->s2.ram_bytes;
	res->table_ipa = r->s2.ram_ipa + ((TWO_MIB - (r->s2.ram_host & (TWO_MIB - 1))) & (TWO_MIB - 1));
	res->table_bytes = round2m((4ull << 20) + domains * (256ull << 10));
	res->data_ipa = res->table_ipa + res->table_bytes;
	res->data_bytes = blocks;
	if (res->data_ipa + blocks > ram_end || res->data_ipa < res->table_ipa)
		return nb_fail(ENOSPC, "%s: nested replay: %u guests need %llu MiB of guest memory (%llu MiB of "
				       "stage-1 tables, %llu MiB of their streams' runs); the stage 2's RAM (IPA %#llx, "
				       "%llu MiB) holds %llu MiB: fewer guests or smaller streams",
			       r->o->s2, r->K, (unsigned long long)((res->data_ipa - r->s2.ram_ipa + blocks) >> 20),
			       (unsigned long long)(res->table_bytes >> 20), (unsigned long long)(blocks >> 20),
			       (unsigned long long)r->s2.ram_ipa, (unsigned long long)(r->s2.ram_bytes >> 20),
			       (unsigned long long)(r->s2.ram_bytes >> 20));
	blocks = 0;
	for (uint32_t k = 0; k < r->K; k++) {
		r->g[k].base = res->data_ipa + blocks;
		blocks += r->g[k].cap->block_bytes;
	}
	*host_tables = r->s2.ram_host + (res->table_ipa - r->s2.ram_ipa);
	if (*host_tables < TWO_MIB || *host_tables + res->table_bytes + HOST_TABLES > MAX_ARENA)
		return nb_fail(ERANGE, "%s: nested replay: the stage 2 maps the guests' RAM at host %#llx: outside "
				       "what the replay's simulated memory holds (2 MiB .. %llu GiB)",
			       r->o->s2, (unsigned long long)*host_tables, (unsigned long long)(MAX_ARENA >> 30));
	return 0;
}

/* The simulated memory: host addresses as the stream has them, so the
 * guests' tables are at the host address their IPA maps to. */
static int memory(struct nrp *r, uint64_t host_tables)
{
	uint64_t size = round2m(host_tables + r->res->table_bytes + HOST_TABLES + NB_ARENA_GUARD + TWO_MIB);
	int ret;

	if ((ret = nb_arena_create(&r->arena, size)))
		return ret;
	if (host_tables > r->arena->next && (ret = nb_palloc_init(&r->filler, r->arena, host_tables - r->arena->next)))
		return ret;
	if ((ret = nb_palloc_init(&r->tables, r->arena, r->res->table_bytes)))
		return ret;
	if (r->tables.base != host_tables)
		return nb_fail(EFAULT, "nested replay: the guests' table memory landed at %#llx, not %#llx",
			       (unsigned long long)r->tables.base, (unsigned long long)host_tables);
	r->guest_ts = (struct nb_tspace){ .alloc = &r->tables,
					  .addr_minus_pa = (int64_t)(r->res->table_ipa - host_tables) };
	return nb_palloc_init(&r->host, r->arena, HOST_TABLES);
}

/* The stage 2 as the VMM set it up: its state when the VM's DMA began,
 * each range mapped once as the VMM's call mapped it (tables only: nothing
 * is cached yet). */
static int stage2(struct nrp *r, const struct nb_tag_model *model)
{
	struct nb_pt_cfg s1, s2;
	uint64_t pa;
	int ret;

	nb_vendor_formats(r->p->vendor, &s1, &s2);
	if ((ret = nb_iommu_create_with(&r->m, r->p, r->arena, model)) ||
	    (ret = nb_domain_alloc(&r->s2pt, &s2, r->arena, &(struct nb_tspace){ .alloc = &r->host })) ||
	    (ret = nb_xdomain_paging(r->m, r->s2pt, NB_XD_S2, &r->parent)))
		return ret;
	for (size_t i = 0; i < r->s2.at_start.n; i++) {
		const struct nested_range *x = &r->s2.at_start.r[i];

		if ((ret = nb_domain_map(r->s2pt, x->first, x->to, x->end - x->first, NB_PROT_RW))) {
			char why[400];

			snprintf(why, sizeof(why), "%s", nb_errmsg());
			return nb_fail(-ret, "%s: nested replay: the VMM's set-up, IPA %#llx+%#llx: %s", r->o->s2,
				       (unsigned long long)x->first, (unsigned long long)(x->end - x->first), why);
		}
	}
	if (nb_domain_iova_to_phys(r->s2pt, r->res->table_ipa, &pa) || pa != r->tables.base)
		return nb_fail(EFAULT, "nested replay: the stage 2 does not map the tables' IPA %#llx to %#llx",
			       (unsigned long long)r->res->table_ipa, (unsigned long long)r->tables.base);
	return 0;
}

static int guest_init(struct nrp *r, struct guest *g)
{
	struct nb_pt_cfg s1, s2;
	int ret;

	nb_vendor_formats(r->p->vendor, &s1, &s2);
	for (uint32_t i = 0; i < g->cap->ndomains; i++) {
		struct gdom *d = &g->dom[g->ndom++];

		d->did = g->cap->did[i];
		nb_gather_init(&d->gather);
		if ((ret = nb_nested_alloc(&d->nn, r->s2pt, &s1, &r->guest_ts)) ||
		    (ret = nb_xdomain_nested(r->m, d->nn, r->parent, &d->xd)))
			return ret;
	}
	for (uint32_t i = 0; i < g->cap->ndevs; i++) {
		struct gdev *v = &g->dev[g->ndev++];

		v->sid = g->cap->dev[i].sid;
		v->d = nested_gdom(g, g->cap->dev[i].did);
		if ((ret = nb_xdev_attach(r->m, (g->k << 8) | v->sid, 0, false, v->d->xd, &v->dev)))
			return ret;
	}
	for (; g->pos < g->cap->first; g->pos++)
		if ((ret = nested_guest_event(r, g, &g->cap->ev[g->pos])))
			return ret;
	return 0;
}

static int load(struct nrp *r)
{
	const struct nb_nested_replay_opts *o = r->o;
	int ret;

	if (!o->s1 || !o->n_s1 || !o->s2 || !o->guests || o->guests > MAX_GUESTS)
		return nb_fail(EINVAL, "nested replay: %s", !o->s1 || !o->n_s1 ? "no stage-1 stream"
							      : !o->s2 ? "no stage-2 stream"
								       : "guests must be 1..255");
	r->K = o->guests;
	r->caps = calloc(o->n_s1, sizeof(*r->caps));
	r->g = calloc(r->K, sizeof(*r->g));
	if (!r->caps || !r->g)
		return nb_fail(ENOMEM, "nested replay: out of memory");
	for (uint32_t i = 0; i < o->n_s1; i++) { /* each file once */
		uint32_t j = 0;

		while (j < r->ncaps && strcmp(r->caps[j].path, o->s1[i]))
			j++;
		if (j == r->ncaps && (ret = nested_capture_init(&r->caps[r->ncaps++], o->s1[i])))
			return ret;
	}
	for (uint32_t k = 0; k < r->K; k++) {
		const char *path = o->s1[k % o->n_s1];

		r->g[k].k = k;
		for (uint32_t j = 0; j < r->ncaps; j++)
			if (!strcmp(r->caps[j].path, path))
				r->g[k].cap = &r->caps[j];
	}
	r->res->captures = r->ncaps;
	return nested_s2_init(&r->s2, o->s2, o->dirty, o->static_s2);
}

int nested_init(struct nrp *r)
{
	const struct nb_tag_model *model = r->o->model;
	uint64_t host_tables = 0;
	int ret;

	if (!model && (ret = nb_tag_model_by_name(r->p->model, &model)))
		return ret;
	if ((ret = load(r)) || (ret = lay_out(r, &host_tables)) || (ret = memory(r, host_tables)) ||
	    (ret = stage2(r, model)))
		return ret;
	r->res->s2_setup_events = r->s2.nsetup;
	for (uint32_t k = 0; k < r->K; k++) {
		struct guest *g = &r->g[k];

		if ((ret = guest_init(r, g))) {
			const struct nb_trace_event *ev = &g->cap->ev[g->pos < g->cap->n ? g->pos : 0];

			return nested_failed_at(ret, g->cap->path, ev->line, "setting up: ");
		}
		r->res->nested_domains += g->ndom;
		r->res->devices += g->ndev;
	}
	return 0;
}

void nested_fini(struct nrp *r)
{
	for (uint32_t k = 0; r->g && k < r->K; k++) {
		struct guest *g = &r->g[k];

		for (uint32_t i = 0; i < g->ndev; i++)
			if (g->dev[i].dev)
				nb_xdev_detach(r->m, g->dev[i].dev);
		for (uint32_t i = 0; i < g->ndom; i++) {
			struct gdom *d = &g->dom[i];

			if (d->nn)
				nb_gather_release(d->nn->s1, &d->gather);
			if (d->xd)
				nb_xdomain_free(r->m, d->xd);
			nb_nested_free(d->nn);
			nested_ranges_fini(&d->pending);
			free(d->req);
		}
	}
	if (r->parent)
		nb_xdomain_free(r->m, r->parent);
	nb_domain_free(r->s2pt);
	nb_iommu_destroy(r->m);
	if (r->host.arena)
		nb_palloc_fini(&r->host);
	if (r->tables.arena)
		nb_palloc_fini(&r->tables);
	if (r->filler.arena)
		nb_palloc_fini(&r->filler);
	nb_arena_destroy(r->arena);
	for (uint32_t i = 0; i < r->ncaps; i++)
		nested_capture_fini(&r->caps[i]);
	nested_s2_fini(&r->s2);
	free(r->caps);
	free(r->g);
}

