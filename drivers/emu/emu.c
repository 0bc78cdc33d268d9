// SPDX-License-Identifier: MIT
/*
 * The emu backend: the simulated IOMMU behind the backend ops table, as
 * SQLite's memdb sits behind the same method table as its file backend.
 * An IOAS owns one stage-2-format page table (its automatic domain; ioas.c);
 * paging and nest-parent HWPTs on an IOAS share it, so their dirty bits are
 * the IOAS's (a simplification: iommufd gives each HWPT its own table); a
 * nested HWPT is a guest's stage-1 table over its parent. Buffers are
 * "pinned" by taking their virtual address as the physical address.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dirty.h"
#include "ioas.h"
#include "objects.h"

/* What a device's attachment reserves in its IOAS, besides the domain's
 * aperture: the regions each vendor's Linux driver reports
 * (iommu_ops.get_resv_regions, Linux 6.12). [pub] */
static const struct nb_iova_range resv_vtd[] = {
	{ 0xfee00000, 0xfeefffff }, /* intel/iommu.c IOAPIC_RANGE_START..END (MSI) */
};
static const struct nb_iova_range resv_amd[] = {
	{ 0xfee00000, 0xfeefffff },	/* amd/iommu.c MSI_RANGE_START..END */
	{ 0xfd00000000, 0xffffffffff }, /* amd/iommu.c HT_RANGE_START..END */
};
static const struct nb_iova_range resv_smmuv3[] = {
	{ 0x8000000, 0x80fffff }, /* arm-smmu-v3.h MSI_IOVA_BASE, MSI_IOVA_LENGTH (SW MSI) */
};
static const struct {
	const struct nb_iova_range *r;
	uint32_t n;
} dev_resv[NB_VENDOR_COUNT] = {
	[NB_VENDOR_VTD] = { resv_vtd, NB_ARRAY_SIZE(resv_vtd) },
	[NB_VENDOR_AMD] = { resv_amd, NB_ARRAY_SIZE(resv_amd) },
	[NB_VENDOR_SMMUV3] = { resv_smmuv3, NB_ARRAY_SIZE(resv_smmuv3) },
};

/* The hardware the backend emulates (nb_backend_ops.open's arg): a
 * registered model by name, its hardware configs/<model>.cfg or its
 * registered .hardware's (nb_hwparams_model; NB_CONFIG_DIR in the
 * environment names another folder), or a description file (a path, or a
 * name ending in .cfg); then ";key=value..." overrides, applied together
 * (--set syntax). NULL: vtd. */
static int emu_params(struct nb_hw_params *p, const char *arg)
{
	const char *sets = arg ? strchr(arg, ';') : NULL, *dir = getenv("NB_CONFIG_DIR");
	size_t n = arg ? (sets ? (size_t)(sets - arg) : strlen(arg)) : 0;
	char what[512];
	int ret;

	if ((size_t)snprintf(what, sizeof(what), "%.*s", (int)n, arg ? arg : "vtd") >= sizeof(what))
		return nb_fail(ENAMETOOLONG, "emu: '%.40s...': longer than %zu characters", arg, sizeof(what) - 1);
	if (!strchr(what, '/') && !(n > 4 && strcmp(what + n - 4, ".cfg") == 0))
		return nb_hwparams_model(dir && *dir ? dir : NB_CONFIG_DIR, what, sets ? &(const char *){ sets + 1 } : NULL,
					 sets ? 1 : 0, p);
	nb_hwparams_defaults(p, NB_VENDOR_VTD);
	ret = nb_hwparams_load(p, what);
	if (!ret && sets)
		ret = nb_hwparams_set(p, sets + 1);
	return ret;
}

static int emu_open(struct nb_backend **out, const char *arg)
{
	struct nb_backend *b = calloc(1, sizeof(*b));
	int ret;

	if (!b)
		return nb_fail(ENOMEM, "emu: out of memory");
	if ((ret = emu_params(&b->p, arg)) || (ret = nb_scenario_init(&b->sc, 8ull << 30, 1ull << 30))) {
		free(b);
		return ret;
	}
	if ((ret = nb_scenario_units(&b->sc, &b->p, NULL, 1))) {
		nb_scenario_fini(&b->sc);
		free(b);
		return ret;
	}
	b->m = b->sc.unit[0];
	*out = b;
	return 0;
}

static int emu_destroy(struct nb_backend *b, uint32_t id);

static void emu_close(struct nb_backend *b)
{
	/* devices first (they hold attachments), then nested, then the rest */
	static const enum emu_kind order[] = { EMU_DEV, EMU_NESTED, EMU_HWPT, EMU_IOAS };

	for (size_t k = 0; k < NB_ARRAY_SIZE(order); k++)
		for (uint32_t i = 1; i < EMU_MAX_OBJS; i++)
			if (b->o[i].kind == order[k])
				emu_destroy(b, i);
	if (b->ram_parent)
		nb_scenario_ram_unmap(&b->sc, b->ram_parent);
	nb_scenario_fini(&b->sc);
	free(b);
}

static int emu_dev_open(struct nb_backend *b, const char *spec, uint32_t *dev_id)
{
	unsigned sid;
	int ret;

	if (!spec || sscanf(spec, "sim:%u", &sid) != 1)
		return nb_fail(EINVAL, "emu: device '%s': expected sim:<requester id>", spec ? spec : "");
	ret = emu_new_obj(b, EMU_DEV, dev_id);
	if (!ret)
		b->o[*dev_id].sid = sid;
	return ret;
}

static int nested_alloc(struct nb_backend *b, uint32_t parent_id, uint32_t *id)
{
	struct nb_pt_cfg s1, s2;
	struct emu_obj *ioas = &b->o[b->o[parent_id].ioas], *o;
	uint32_t nid = 0;
	int ret;

	nb_vendor_formats(b->p.vendor, &s1, &s2);
	if (!b->ram_parent) { /* the VM's guest RAM, mapped by the first parent */
		ret = nb_scenario_ram_map(&b->sc, ioas->pt, 0x40010000ull, 256ull << 20);
		if (ret)
			return ret;
		b->ram_parent = ioas->pt;
	}
	if ((ret = emu_new_obj(b, EMU_NESTED, &nid)))
		return ret;
	o = &b->o[nid];
	o->parent = parent_id;
	if ((ret = nb_nested_alloc(&o->nest, ioas->pt, &s1, &b->sc.ram.ts)) ||
	    (ret = nb_xdomain_nested(b->m, o->nest, ioas->xd, &o->xd))) {
		nb_nested_free(o->nest);
		o->kind = EMU_FREE;
		return ret; /* no id for a failed object (fail-nth sweep) */
	}
	*id = nid;
	return 0;
}

static int emu_hwpt_alloc(struct nb_backend *b, const struct nb_hwpt_req *req, uint32_t *hwpt_id)
{
	struct emu_obj *ioas;
	uint32_t id = 0;
	int ret;

	if (!emu_get(b, req->dev_id, EMU_DEV, "hwpt_alloc: device"))
		return -ENOENT;
	if (req->kind == NB_HWPT_NESTED) {
		if (!emu_get(b, req->pt_id, EMU_HWPT, "hwpt_alloc: parent"))
			return -ENOENT;
		if (req->dirty_tracking)
			return nb_fail(EOPNOTSUPP, "emu: hwpt_alloc: dirty tracking is for paging HWPTs: "
						   "unsupported (EOPNOTSUPP)");
		return nested_alloc(b, req->pt_id, hwpt_id);
	}
	if (!(ioas = emu_get(b, req->pt_id, EMU_IOAS, "hwpt_alloc: ioas")))
		return -ENOENT;
	/* Linux 6.12 tracks dirty in VT-d second-stage and AMD v1 tables, not
	 * in an SMMUv3 stage 2 (arm-smmu-v3.c arm_smmu_domain_finalise: stage 2
	 * with dirty tracking is EOPNOTSUPP): the format's dirty bit says. */
	if (req->dirty_tracking && !ioas->pt->geom.fmt->dirty)
		return nb_fail(EOPNOTSUPP, "emu: hwpt_alloc: the %s format has no dirty bit: dirty tracking "
					   "unsupported (EOPNOTSUPP)", ioas->pt->geom.fmt->name);
	if ((ret = emu_new_obj(b, EMU_HWPT, &id)))
		return ret;
	b->o[id].ioas = req->pt_id;
	b->o[id].xd = ioas->xd;
	b->o[id].dirty_ok = req->dirty_tracking;
	/* the new domain joins the IOAS: what it cannot translate is reserved */
	if ((ret = emu_ioas_add_domain(ioas, id))) {
		b->o[id].kind = EMU_FREE;
		return ret; /* no id for a failed object (fail-nth sweep) */
	}
	*hwpt_id = id;
	return 0;
}

/* The IOAS reservations of device d attached to pt (its regions; with an
 * automatic domain, that domain's aperture too). */
static int reserve_for(struct nb_backend *b, uint32_t dev, uint32_t pt)
{
	struct emu_obj *ioas = &b->o[emu_ioas_of(b, pt)];
	int ret = 0;

	for (uint32_t i = 0; i < dev_resv[b->p.vendor].n && !ret; i++)
		ret = emu_space_reserve(&ioas->space, dev_resv[b->p.vendor].r[i].start,
					dev_resv[b->p.vendor].r[i].last, dev);
	if (!ret && b->o[pt].kind == EMU_IOAS)
		ret = emu_ioas_add_domain(ioas, EMU_OWNER_AUTO(dev));
	if (ret) {
		emu_space_unreserve(&ioas->space, dev);
		emu_space_unreserve(&ioas->space, EMU_OWNER_AUTO(dev));
	}
	return ret;
}

static void unreserve_for(struct nb_backend *b, uint32_t dev, uint32_t pt)
{
	struct emu_obj *ioas = &b->o[emu_ioas_of(b, pt)];

	emu_space_unreserve(&ioas->space, dev);
	emu_space_unreserve(&ioas->space, EMU_OWNER_AUTO(dev));
}

/* Attach, or replace: the new attachment's reservations first (they may
 * fail), then the switch; on failure the device stays where it was. */
static int emu_attach(struct nb_backend *b, uint32_t dev_id, uint32_t pt_id)
{
	struct emu_obj *d = emu_get(b, dev_id, EMU_DEV, "attach: device"), *pt = emu_get(b, pt_id, EMU_FREE, "attach");
	uint32_t old = d ? d->att : 0;
	struct nb_xdev *nx;
	bool same_ioas;
	int ret;

	if (!d || !pt)
		return -ENOENT;
	if (pt->kind == EMU_DEV)
		return nb_fail(EINVAL, "emu: attach: object %u is a device, not an IOAS or HWPT", pt_id);
	same_ioas = old && emu_ioas_of(b, old) == emu_ioas_of(b, pt_id);
	if (same_ioas)
		unreserve_for(b, dev_id, old); /* the same regions come back just below */
	if ((ret = reserve_for(b, dev_id, pt_id))) {
		if (same_ioas)
			reserve_for(b, dev_id, old);
		return ret;
	}
	if (d->xdev)
		nb_xdev_detach(b->m, d->xdev);
	ret = nb_xdev_attach(b->m, d->sid, 0, false, pt->xd, &nx);
	if (ret) { /* back where it was, as far as that goes */
		char why[256];

		snprintf(why, sizeof(why), "%s", nb_errmsg());
		unreserve_for(b, dev_id, pt_id);
		d->xdev = NULL;
		d->att = 0;
		if (old && (!same_ioas || !reserve_for(b, dev_id, old)) &&
		    !nb_xdev_attach(b->m, d->sid, 0, false, b->o[old].xd, &d->xdev))
			d->att = old;
		return nb_fail(-ret, "%s", why);
	}
	if (old && !same_ioas)
		unreserve_for(b, dev_id, old);
	d->xdev = nx;
	d->att = pt_id;
	return 0;
}

static int emu_hwpt_invalidate(struct nb_backend *b, uint32_t hwpt_id, const struct nb_flush_req *reqs,
			       uint32_t n, uint32_t *done)
{
	struct emu_obj *o = emu_get(b, hwpt_id, EMU_NESTED, "hwpt_invalidate");

	*done = 0;
	if (!o)
		return -ENOENT;
	return nb_iommu_guest_invalidate_array(b->m, o->xd, reqs, n, done);
}

/* Who still uses object id (IOMMU_DESTROY says EBUSY then). */
static const char *user_of(const struct nb_backend *b, uint32_t id, uint32_t *who)
{
	for (uint32_t i = 1; i < EMU_MAX_OBJS; i++) {
		const struct emu_obj *o = &b->o[i];

		*who = i;
		if (o->kind == EMU_DEV && o->att == id)
			return "device";
		if ((o->kind == EMU_HWPT && o->ioas == id) || (o->kind == EMU_NESTED && o->parent == id))
			return "HWPT";
	}
	return NULL;
}

static int emu_destroy(struct nb_backend *b, uint32_t id)
{
	struct emu_obj *o = emu_get(b, id, EMU_FREE, "destroy");
	const char *what;
	uint32_t who;

	if (!o)
		return -ENOENT;
	if (o->kind != EMU_DEV && (what = user_of(b, id, &who)))
		return nb_fail(EBUSY, "emu: destroy: object %u is used by %s %u", id, what, who);
	switch (o->kind) {
	case EMU_DEV:
		if (o->xdev) {
			nb_xdev_detach(b->m, o->xdev);
			unreserve_for(b, id, o->att);
		}
		break;
	case EMU_NESTED:
		nb_xdomain_free(b->m, o->xd);
		nb_nested_free(o->nest);
		break;
	case EMU_HWPT:
		emu_space_unreserve(&b->o[o->ioas].space, id);
		break;
	case EMU_IOAS:
		emu_ioas_free(b, o);
		break;
	default:
		break;
	}
	o->kind = EMU_FREE;
	return 0;
}

/* The emulated IOMMU describes itself: VT-d models as capability registers
 * built from their parameters (MAMV, PSI, second-level page sizes); dirty
 * tracking where its stage-2 format has a dirty bit. */
static int emu_hw_info(struct nb_backend *b, uint32_t dev_id, struct nb_hw_info *out)
{
	struct nb_pt_cfg s1, s2;

	if (!emu_get(b, dev_id, EMU_DEV, "hw_info"))
		return -ENOENT;
	nb_vendor_formats(b->p.vendor, &s1, &s2);
	*out = (struct nb_hw_info){ .type = b->p.vendor == NB_VENDOR_VTD ? 1 : 0,
				    .capabilities = nb_fmts[s2.fmt]->dirty ? NB_HW_CAP_DIRTY_TRACKING : 0 };
	if (b->p.vendor == NB_VENDOR_VTD)
		out->vtd_cap = ((uint64_t)(b->p.policy.max_am & 0x3f) << 48) | NB_BIT(39) |
			       ((b->p.iotlb.page_sizes & NB_BIT(21)) ? NB_BIT(34) : 0) |
			       ((b->p.iotlb.page_sizes & NB_BIT(30)) ? NB_BIT(35) : 0);
	return 0;
}

/* Clear the dirty bits of every area of the HWPT's IOAS (or only read them
 * into bitmap), then flush what was cleared, as Linux does after
 * read_and_clear_dirty (iommu_iotlb_sync of the gathered range). */
static int dirty_sweep(struct nb_backend *b, struct emu_obj *h, uint64_t iova, uint64_t len,
		       uint64_t page_size, uint64_t *bitmap, bool no_clear)
{
	struct emu_obj *ioas = &b->o[h->ioas];
	struct emu_dirty_read r;

	emu_dirty_read(ioas->pt, iova, len, page_size, bitmap, no_clear, &r);
	if (r.first > r.last)
		return 0;
	return nb_iommu_flush(b->m, h->xd, &(struct nb_flush_req){ .addr = r.first,
		.size = r.last - r.first + 1, .leaf = true });
}

static struct emu_obj *dirty_hwpt(struct nb_backend *b, uint32_t hwpt_id, const char *what)
{
	struct emu_obj *h = emu_get(b, hwpt_id, EMU_HWPT, what);

	if (h && !h->dirty_ok) {
		nb_fail(EOPNOTSUPP, "emu: %s: HWPT %u was allocated without dirty tracking: unsupported "
				    "(EOPNOTSUPP)", what, hwpt_id);
		return NULL;
	}
	return h;
}

static int emu_set_dirty_tracking(struct nb_backend *b, uint32_t hwpt_id, bool enable)
{
	struct emu_obj *h = dirty_hwpt(b, hwpt_id, "set_dirty_tracking");
	const struct emu_space *sp;
	int ret = 0;

	if (!h)
		return emu_get(b, hwpt_id, EMU_HWPT, "set_dirty_tracking") ? -EOPNOTSUPP : -ENOENT;
	sp = &b->o[h->ioas].space;
	/* enabling starts from a clean slate (iopt_clear_dirty_data) */
	for (uint32_t i = 0; enable && i < sp->narea && !ret; i++)
		ret = dirty_sweep(b, h, sp->area[i].iova, sp->area[i].len, 1ull << 12, NULL, false);
	if (!ret)
		h->dirty_on = enable;
	return ret;
}

static int emu_get_dirty_bitmap(struct nb_backend *b, uint32_t hwpt_id, uint64_t iova, uint64_t len,
				uint64_t page_size, uint64_t *bitmap, bool no_clear)
{
	struct emu_obj *h = dirty_hwpt(b, hwpt_id, "get_dirty_bitmap");
	uint64_t align, last;
	uint32_t first, end;
	int ret;

	if (!h)
		return emu_get(b, hwpt_id, EMU_HWPT, "get_dirty_bitmap") ? -EOPNOTSUPP : -ENOENT;
	/* the argument rules of iommufd_check_iova_range */
	align = b->o[h->ioas].space.align;
	if (!len)
		return nb_fail(EINVAL, "emu: get_dirty_bitmap: length 0");
	if (__builtin_add_overflow(iova, len - 1, &last))
		return nb_fail(EOVERFLOW, "emu: get_dirty_bitmap: [%#llx, +%#llx) wraps",
			       (unsigned long long)iova, (unsigned long long)len);
	if (!page_size || (page_size & (page_size - 1)) || ((iova | len) & (align - 1)) ||
	    ((iova | len) & (page_size - 1)))
		return nb_fail(EINVAL, "emu: get_dirty_bitmap: [%#llx, +%#llx) page size %#llx: not aligned "
				       "to the page size and the IOAS alignment %#llx", (unsigned long long)iova,
			       (unsigned long long)len, (unsigned long long)page_size, (unsigned long long)align);
	if (!h->dirty_on)
		return nb_fail(EINVAL, "emu: get_dirty_bitmap: HWPT %u is not tracking dirty", hwpt_id);
	if ((ret = emu_space_cover(&b->o[h->ioas].space, iova, len, &first, &end)))
		return nb_fail(EINVAL, "emu: get_dirty_bitmap: [%#llx, +%#llx) is not mapped without a hole",
			       (unsigned long long)iova, (unsigned long long)len);
	return dirty_sweep(b, h, iova, len, page_size, bitmap, no_clear);
}

/* The stage-2 input a device's DMA at iova ends on: iova itself, or the
 * guest's stage-1 output (IPA) for a nested attachment. */
static int s2_input(struct nb_backend *b, const struct emu_obj *d, uint64_t iova, unsigned access,
		    uint64_t *ia)
{
	struct nb_walk_result w;

	if (b->o[d->att].kind != EMU_NESTED) {
		*ia = iova;
		return 0;
	}
	nb_rcu_read_lock();
	nb_walk_nested(&b->o[d->att].nest->ctx, iova, access, &w);
	nb_rcu_read_unlock();
	*ia = w.ipa;
	return w.fault ? -ENOENT : 0;
}

static int emu_dev_dma(struct nb_backend *b, uint32_t dev_id, uint64_t iova, uint64_t len,
		       unsigned access, const void *expect)
{
	struct emu_obj *d = emu_get(b, dev_id, EMU_DEV, "dev_dma"), *h;
	const uint64_t page = 1ull << 12, pa = emu_pa_of(expect);

	if (!d)
		return -ENOENT;
	if (!d->xdev)
		return nb_fail(EINVAL, "emu: dev_dma: device %u is not attached", dev_id);
	h = &b->o[b->o[d->att].kind == EMU_NESTED ? b->o[d->att].parent : d->att];
	for (uint64_t off = 0; off < len; off += page) {
		struct nb_dma_result r;
		uint64_t ia;
		int ret;

		nb_iommu_dma(b->m, d->xdev, iova + off, access, &r);
		if (r.fault)
			return nb_fail(r.fault == NB_FAULT_PERM ? EACCES : ENOENT, "emu: dev_dma: IOVA %#llx: %s fault "
				       "in stage %u", (unsigned long long)(iova + off), nb_fault_name(r.fault),
				       r.fault_stage);
		if (r.pa != pa + off)
			return nb_fail(EINVAL, "emu: dev_dma: IOVA %#llx translates to %#llx, expected %#llx",
				       (unsigned long long)(iova + off), (unsigned long long)r.pa,
				       (unsigned long long)(pa + off));
		if (!(access & NB_PROT_W) || h->kind != EMU_HWPT || !h->dirty_on)
			continue;
		if ((ret = s2_input(b, d, iova + off, access, &ia)) ||
		    (ret = emu_dirty_mark(b->o[h->ioas].pt, ia)))
			return ret;
	}
	return 0;
}

const struct nb_backend_ops nb_backend_emu = {
	.name = "emu",
	.open = emu_open,
	.close = emu_close,
	.dev_open = emu_dev_open,
	.ioas_alloc = emu_ioas_alloc,
	.ioas_map = emu_ioas_map,
	.ioas_map_sg = emu_ioas_map_sg,
	.ioas_unmap = emu_ioas_unmap,
	.hwpt_alloc = emu_hwpt_alloc,
	.attach = emu_attach,
	.hwpt_invalidate = emu_hwpt_invalidate,
	.destroy = emu_destroy,
	.hw_info = emu_hw_info,
	.ioas_map_any = emu_ioas_map_any,
	.ioas_copy = emu_ioas_copy,
	.iova_ranges = emu_iova_ranges,
	.allow_iovas = emu_allow_iovas,
	.set_dirty_tracking = emu_set_dirty_tracking,
	.get_dirty_bitmap = emu_get_dirty_bitmap,
	.dev_dma = emu_dev_dma,
};
