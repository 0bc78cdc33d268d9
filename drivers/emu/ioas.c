// SPDX-License-Identifier: MIT
/*
 * The emu backend's IOAS: one stage-2-format page table (its automatic
 * domain, shared by the paging and nest-parent HWPTs on it) plus the IOVA
 * bookkeeping iommufd keeps (iova_space.h). Map, unmap and copy follow
 * iommufd's rules (Linux 6.12 ioas.c, io_pagetable.c): a mapping is an area,
 * an unmap takes whole areas, a copy maps the memory behind a source range.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "ioas.h"

int emu_ioas_alloc(struct nb_backend *b, uint32_t *ioas_id)
{
	struct emu_obj *o;
	uint32_t id = 0;
	int ret = emu_new_obj(b, EMU_IOAS, &id);

	if (ret)
		return ret;
	o = &b->o[id];
	emu_space_init(&o->space);
	if ((ret = nb_scenario_stage2(&b->sc, b->p.vendor, &o->pt)) ||
	    (ret = nb_xdomain_paging(b->m, o->pt, NB_XD_S2, &o->xd))) {
		nb_domain_free(o->pt);
		o->kind = EMU_FREE;
		return ret; /* no id for a failed object (fail-nth sweep: a freed one came back) */
	}
	*ioas_id = id;
	return 0;
}

void emu_ioas_free(struct nb_backend *b, struct emu_obj *o)
{
	if (b->ram_parent == o->pt) {
		nb_scenario_ram_unmap(&b->sc, o->pt);
		b->ram_parent = NULL;
	}
	nb_xdomain_free(b->m, o->xd);
	nb_domain_free(o->pt);
	emu_space_fini(&o->space);
}

int emu_ioas_add_domain(struct emu_obj *ioas, uint32_t owner)
{
	const struct nb_pt_geom *g = &ioas->pt->geom;
	uint64_t granule = 1ull << g->granule_lg2;
	int ret;

	if (g->ia_bits < 64 && (ret = emu_space_reserve(&ioas->space, 1ull << g->ia_bits, UINT64_MAX, owner)))
		return ret;
	if (ioas->space.align < granule)
		ioas->space.align = granule;
	return 0;
}

/* Map after the bookkeeping said yes; the area is recorded on success. */
static int map_area(struct nb_backend *b, struct emu_obj *o, uint64_t iova, uint64_t pa, uint64_t len,
		    unsigned prot)
{
	int ret = nb_iommu_map_after_fq(b->m, o->xd, iova, pa, len, prot, NULL);

	if (!ret && (ret = emu_space_add(&o->space, iova, len, pa, prot)))
		nb_iommu_unmap(b->m, o->xd, iova, len);
	return ret;
}

int emu_ioas_map(struct nb_backend *b, uint32_t ioas_id, uint64_t iova, void *buf, uint64_t len,
		 unsigned prot)
{
	struct emu_obj *o = emu_get(b, ioas_id, EMU_IOAS, "ioas_map");
	int ret;

	if (!o)
		return -ENOENT;
	if ((ret = emu_space_check(&o->space, iova, len)))
		return ret;
	return map_area(b, o, iova, emu_pa_of(buf), len, prot);
}

/* A scatter list back to back from iova, in one pass over the tables; each
 * piece becomes an area of its own (its memory is contiguous), so an unmap
 * of the whole range takes them all. */
int emu_ioas_map_sg(struct nb_backend *b, uint32_t ioas_id, uint64_t iova, const struct nb_map_seg *segs,
		    size_t n, unsigned prot)
{
	struct emu_obj *o = emu_get(b, ioas_id, EMU_IOAS, "ioas_map_sg");
	uint64_t len = 0;
	int ret;

	if (!o)
		return -ENOENT;
	for (size_t i = 0; i < n; i++)
		len += segs[i].len;
	if (!n || (ret = emu_space_check(&o->space, iova, len)))
		return n ? ret : nb_fail(EINVAL, "emu: ioas_map_sg: an empty scatter list");
	if (n > UINT32_MAX)
		return nb_fail(E2BIG, "emu: ioas_map_sg: %zu pieces", n);
	if ((ret = nb_iommu_map_sg(b->m, o->xd, iova, segs, n, prot)))
		return ret;
	if ((ret = emu_space_add_run(&o->space, iova, segs, (uint32_t)n, prot)))
		nb_iommu_unmap(b->m, o->xd, iova, len); /* no room to record it: the tables go */
	return ret;
}

int emu_ioas_map_any(struct nb_backend *b, uint32_t ioas_id, void *buf, uint64_t len, unsigned prot,
		     uint64_t *iova)
{
	struct emu_obj *o = emu_get(b, ioas_id, EMU_IOAS, "ioas_map_any");
	int ret;

	if (!o)
		return -ENOENT;
	if ((ret = emu_space_alloc(&o->space, emu_pa_of(buf), len, iova)) ||
	    (ret = emu_space_check(&o->space, *iova, len)))
		return ret;
	return map_area(b, o, *iova, emu_pa_of(buf), len, prot);
}

int emu_ioas_unmap(struct nb_backend *b, uint32_t ioas_id, uint64_t iova, uint64_t len,
		   uint64_t *unmapped)
{
	struct emu_obj *o = emu_get(b, ioas_id, EMU_IOAS, "ioas_unmap");
	uint32_t first, end;
	uint64_t total = 0;
	int ret;

	if (!o)
		return -ENOENT;
	if ((ret = emu_space_inside(&o->space, iova, len, &first, &end)))
		return ret;
	for (uint32_t i = first; i < end; i++) {
		int64_t got = nb_iommu_unmap(b->m, o->xd, o->space.area[i].iova, o->space.area[i].len);

		if (got < 0) { /* the tables refused: keep the areas not yet removed */
			emu_space_del(&o->space, first, i);
			return (int)got;
		}
		total += o->space.area[i].len;
	}
	emu_space_del(&o->space, first, end);
	*unmapped = total;
	return 0;
}

/* The part of area a inside [iova, last]: where it starts, how long, and
 * the memory behind it. */
static void piece(const struct emu_area *a, uint64_t iova, uint64_t last, uint64_t *at, uint64_t *len,
		  uint64_t *pa)
{
	uint64_t lo = a->iova > iova ? a->iova : iova, a_last = a->iova + a->len - 1;

	*at = lo;
	*len = (a_last < last ? a_last : last) - lo + 1;
	*pa = a->pa + (lo - a->iova);
}

/* Map every piece of the source's areas at dst_iova onward; undo on failure. */
static int copy_pieces(struct nb_backend *b, struct emu_obj *dst, const struct emu_obj *src,
		       const struct nb_copy_req *req, uint32_t first, uint32_t end)
{
	uint64_t last = req->src_iova + req->len - 1, done = 0;
	int ret = 0;
	uint32_t i;

	for (i = first; i < end && !ret; i++) {
		uint64_t at, len, pa;

		piece(&src->space.area[i], req->src_iova, last, &at, &len, &pa);
		ret = emu_space_check(&dst->space, req->dst_iova + done, len);
		if (!ret)
			ret = map_area(b, dst, req->dst_iova + done, pa, len, req->prot);
		if (!ret)
			done += len;
	}
	if (ret && done) {
		uint64_t got;
		char why[256];

		snprintf(why, sizeof(why), "%s", nb_errmsg()); /* the unmap may overwrite it */
		emu_ioas_unmap(b, req->dst_ioas, req->dst_iova, done, &got);
		ret = nb_fail(-ret, "%s", why);
	}
	return ret;
}

int emu_ioas_copy(struct nb_backend *b, struct nb_copy_req *req)
{
	struct emu_obj *src = emu_get(b, req->src_ioas, EMU_IOAS, "ioas_copy: source");
	struct emu_obj *dst = emu_get(b, req->dst_ioas, EMU_IOAS, "ioas_copy: destination");
	uint32_t first, end;
	int ret;

	if (!src || !dst)
		return -ENOENT;
	if (!(req->prot & NB_PROT_RW))
		return nb_fail(EINVAL, "emu: ioas_copy: neither readable nor writeable");
	if ((ret = emu_space_cover(&src->space, req->src_iova, req->len, &first, &end)))
		return ret;
	if (req->any_iova) {
		uint64_t at, len, pa;

		/* the first piece's memory guesses the alignment, as iommufd does */
		piece(&src->space.area[first], req->src_iova, req->src_iova + req->len - 1, &at, &len, &pa);
		if ((ret = emu_space_alloc(&dst->space, pa, req->len, &req->dst_iova)))
			return ret;
	}
	if ((ret = emu_space_check(&dst->space, req->dst_iova, req->len)))
		return ret;
	return copy_pieces(b, dst, src, req, first, end);
}

int emu_iova_ranges(struct nb_backend *b, uint32_t ioas_id, struct nb_iova_range *r, uint32_t *n,
		    uint64_t *align)
{
	struct emu_obj *o = emu_get(b, ioas_id, EMU_IOAS, "iova_ranges");

	if (!o)
		return -ENOENT;
	*align = o->space.align;
	return emu_space_ranges(&o->space, r, n);
}

int emu_allow_iovas(struct nb_backend *b, uint32_t ioas_id, const struct nb_iova_range *r, uint32_t n)
{
	struct emu_obj *o = emu_get(b, ioas_id, EMU_IOAS, "allow_iovas");

	return o ? emu_space_allow(&o->space, r, n) : -ENOENT;
}
