// SPDX-License-Identifier: MIT
/*
 * The emu backend: the simulated IOMMU behind the backend ops table, as
 * SQLite's memdb sits behind the same method table as its file backend.
 * An IOAS owns one stage-2-format page table (its automatic domain);
 * paging and nest-parent HWPTs on an IOAS share it; a nested HWPT is a
 * guest's stage-1 table over its parent. Buffers are "pinned" by taking
 * their virtual address as the physical address.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nestbench/backend.h"
#include "nestbench/hwparams.h"

#define MAX_OBJS 1024

enum emu_kind { EMU_FREE, EMU_IOAS, EMU_HWPT, EMU_NESTED, EMU_DEV };

struct emu_obj {
	enum emu_kind kind;
	struct nb_domain *pt;	  /* IOAS: its table */
	struct nb_xdomain *xd;	  /* IOAS/HWPT: the IOMMU's view; NESTED: too */
	struct nb_nested *nest;	  /* NESTED */
	uint32_t ioas;		  /* HWPT: the IOAS it shares */
	uint32_t sid;		  /* DEV */
	struct nb_xdev *xdev;	  /* DEV: current attachment */
};

struct nb_backend {
	struct nb_hw_params p;
	struct nb_arena *arena;
	struct nb_palloc host;
	struct nb_tspace ts;
	struct nb_iommu *m;
	struct nb_guest_ram ram;  /* one VM: guest RAM for every nested HWPT */
	struct nb_domain *ram_parent;
	struct nb_emu_objs {
		struct emu_obj o[MAX_OBJS];
	} objs;
};

static struct nb_pt_cfg s2_format(enum nb_vendor v)
{
	struct nb_pt_cfg s1, s2;

	nb_vendor_formats(v, &s1, &s2);
	return s2;
}

static struct nb_pt_cfg s1_format(enum nb_vendor v)
{
	struct nb_pt_cfg s1, s2;

	nb_vendor_formats(v, &s1, &s2);
	return s1;
}

static struct emu_obj *get(struct nb_backend *b, uint32_t id, enum emu_kind want, const char *what)
{
	if (id == 0 || id >= MAX_OBJS || b->objs.o[id].kind == EMU_FREE ||
	    (want != EMU_FREE && b->objs.o[id].kind != want)) {
		nb_fail(ENOENT, "emu: %s: no such object %u", what, id);
		return NULL;
	}
	return &b->objs.o[id];
}

static int new_obj(struct nb_backend *b, enum emu_kind k, uint32_t *id)
{
	for (uint32_t i = 1; i < MAX_OBJS; i++)
		if (b->objs.o[i].kind == EMU_FREE) {
			memset(&b->objs.o[i], 0, sizeof(b->objs.o[i]));
			b->objs.o[i].kind = k;
			*id = i;
			return 0;
		}
	return nb_fail(ENOSPC, "emu: more than %d objects", MAX_OBJS - 1);
}

static int emu_open(struct nb_backend **out, const char *arg)
{
	struct nb_backend *b = calloc(1, sizeof(*b));
	char path[512];
	int ret;

	if (!b)
		return nb_fail(ENOMEM, "emu: out of memory");
	/* arg: CONFIG[;key=value...]: a model file and overrides (--set syntax) */
	snprintf(path, sizeof(path), "%s", arg ? arg : NB_CONFIG_DIR "/vtd.cfg");
	path[strcspn(path, ";")] = '\0';
	nb_hwparams_defaults(&b->p, NB_VENDOR_VTD);
	ret = nb_hwparams_load(&b->p, path);
	if (!ret && arg && strchr(arg, ';'))
		ret = nb_hwparams_set(&b->p, strchr(arg, ';') + 1);
	if (ret || (ret = nb_arena_create(&b->arena, 8ull << 30)) ||
	    (ret = nb_palloc_init(&b->host, b->arena, 1ull << 30)))
		goto err;
	b->ts = (struct nb_tspace){ .alloc = &b->host };
	if ((ret = nb_iommu_create(&b->m, &b->p, b->arena)))
		goto err;
	*out = b;
	return 0;
err:
	if (b->host.arena)
		nb_palloc_fini(&b->host);
	nb_arena_destroy(b->arena);
	free(b);
	return ret;
}

static int emu_destroy(struct nb_backend *b, uint32_t id);

static void emu_close(struct nb_backend *b)
{
	/* devices first (they hold attachments), then nested, then the rest */
	static const enum emu_kind order[] = { EMU_DEV, EMU_NESTED, EMU_HWPT, EMU_IOAS };

	for (size_t k = 0; k < NB_ARRAY_SIZE(order); k++)
		for (uint32_t i = 1; i < MAX_OBJS; i++)
			if (b->objs.o[i].kind == order[k])
				emu_destroy(b, i);
	if (b->ram_parent)
		nb_guest_ram_fini(&b->ram, b->ram_parent);
	nb_iommu_destroy(b->m);
	nb_palloc_fini(&b->host);
	nb_arena_destroy(b->arena);
	free(b);
}

static int emu_dev_open(struct nb_backend *b, const char *spec, uint32_t *dev_id)
{
	unsigned sid;
	int ret;

	if (!spec || sscanf(spec, "sim:%u", &sid) != 1)
		return nb_fail(EINVAL, "emu: device '%s': expected sim:<requester id>", spec ? spec : "");
	ret = new_obj(b, EMU_DEV, dev_id);
	if (!ret)
		b->objs.o[*dev_id].sid = sid;
	return ret;
}

static int emu_ioas_alloc(struct nb_backend *b, uint32_t *ioas_id)
{
	struct nb_pt_cfg cfg = s2_format(b->p.vendor);
	struct emu_obj *o;
	int ret = new_obj(b, EMU_IOAS, ioas_id);

	if (ret)
		return ret;
	o = &b->objs.o[*ioas_id];
	if ((ret = nb_domain_alloc(&o->pt, &cfg, b->arena, &b->ts)) ||
	    (ret = nb_xdomain_paging(b->m, o->pt, NB_XD_S2, &o->xd))) {
		nb_domain_free(o->pt);
		o->kind = EMU_FREE;
	}
	return ret;
}

static int emu_ioas_map(struct nb_backend *b, uint32_t ioas_id, uint64_t iova, void *buf,
			uint64_t len, unsigned prot)
{
	struct emu_obj *o = get(b, ioas_id, EMU_IOAS, "ioas_map");
	uint64_t pa = (uint64_t)(uintptr_t)buf & ((1ull << 47) - 1);

	return o ? nb_iommu_map_after_fq(b->m, o->xd, iova, pa, len, prot, NULL) : -ENOENT;
}

static int emu_ioas_unmap(struct nb_backend *b, uint32_t ioas_id, uint64_t iova, uint64_t len,
			  uint64_t *unmapped)
{
	struct emu_obj *o = get(b, ioas_id, EMU_IOAS, "ioas_unmap");
	int64_t got;

	if (!o)
		return -ENOENT;
	got = nb_iommu_unmap(b->m, o->xd, iova, len);
	if (got < 0)
		return (int)got;
	if (got == 0)
		return nb_fail(ENOENT, "emu: ioas_unmap: nothing mapped in [%#llx, +%#llx)",
			       (unsigned long long)iova, (unsigned long long)len);
	*unmapped = (uint64_t)got;
	return 0;
}

static int nested_alloc(struct nb_backend *b, struct emu_obj *parent, uint32_t *id)
{
	struct nb_pt_cfg cfg = s1_format(b->p.vendor);
	struct emu_obj *ioas = &b->objs.o[parent->ioas], *o;
	int ret;

	if (!b->ram_parent) { /* the VM's guest RAM, mapped by the first parent */
		ret = nb_guest_ram_init(&b->ram, b->arena, ioas->pt, 0x40010000ull, 256ull << 20);
		if (ret)
			return ret;
		b->ram_parent = ioas->pt;
	}
	if ((ret = new_obj(b, EMU_NESTED, id)))
		return ret;
	o = &b->objs.o[*id];
	if ((ret = nb_nested_alloc(&o->nest, ioas->pt, &cfg, &b->ram.ts)) ||
	    (ret = nb_xdomain_nested(b->m, o->nest, ioas->xd, &o->xd))) {
		nb_nested_free(o->nest);
		o->kind = EMU_FREE;
	}
	return ret;
}

static int emu_hwpt_alloc(struct nb_backend *b, const struct nb_hwpt_req *req, uint32_t *hwpt_id)
{
	struct emu_obj *src;
	int ret;

	if (!get(b, req->dev_id, EMU_DEV, "hwpt_alloc: device"))
		return -ENOENT;
	if (req->kind == NB_HWPT_NESTED) {
		src = get(b, req->pt_id, EMU_HWPT, "hwpt_alloc: parent");
		return src ? nested_alloc(b, src, hwpt_id) : -ENOENT;
	}
	if (!get(b, req->pt_id, EMU_IOAS, "hwpt_alloc: ioas"))
		return -ENOENT;
	ret = new_obj(b, EMU_HWPT, hwpt_id);
	if (!ret) {
		b->objs.o[*hwpt_id].ioas = req->pt_id;
		b->objs.o[*hwpt_id].xd = b->objs.o[req->pt_id].xd;
	}
	return ret;
}

static int emu_attach(struct nb_backend *b, uint32_t dev_id, uint32_t pt_id)
{
	struct emu_obj *d = get(b, dev_id, EMU_DEV, "attach: device"), *pt = get(b, pt_id, EMU_FREE, "attach");

	if (!d || !pt)
		return -ENOENT;
	if (pt->kind == EMU_DEV)
		return nb_fail(EINVAL, "emu: attach: object %u is a device, not an IOAS or HWPT", pt_id);
	if (d->xdev)
		nb_xdev_detach(b->m, d->xdev);
	d->xdev = NULL;
	return nb_xdev_attach(b->m, d->sid, 0, false, pt->xd, &d->xdev);
}

static int emu_hwpt_invalidate(struct nb_backend *b, uint32_t hwpt_id, const struct nb_flush_req *reqs,
			       uint32_t n, uint32_t *done)
{
	struct emu_obj *o = get(b, hwpt_id, EMU_NESTED, "hwpt_invalidate");

	*done = 0;
	if (!o)
		return -ENOENT;
	return nb_iommu_guest_invalidate_array(b->m, o->xd, reqs, n, done);
}

static int emu_destroy(struct nb_backend *b, uint32_t id)
{
	struct emu_obj *o = get(b, id, EMU_FREE, "destroy");

	if (!o)
		return -ENOENT;
	switch (o->kind) {
	case EMU_DEV:
		if (o->xdev)
			nb_xdev_detach(b->m, o->xdev);
		break;
	case EMU_NESTED:
		nb_xdomain_free(b->m, o->xd);
		nb_nested_free(o->nest);
		break;
	case EMU_IOAS:
		for (uint32_t i = 1; i < MAX_OBJS; i++)
			if (b->objs.o[i].kind == EMU_HWPT && b->objs.o[i].ioas == id)
				return nb_fail(EBUSY, "emu: destroy: IOAS %u still has HWPT %u", id, i);
		if (b->ram_parent == o->pt) {
			nb_guest_ram_fini(&b->ram, o->pt);
			b->ram_parent = NULL;
		}
		nb_xdomain_free(b->m, o->xd);
		nb_domain_free(o->pt);
		break;
	default:
		break;
	}
	o->kind = EMU_FREE;
	return 0;
}

/* The emulated IOMMU describes itself: VT-d models as capability registers
 * built from their parameters (MAMV, PSI, second-level page sizes). */
static int emu_hw_info(struct nb_backend *b, uint32_t dev_id, struct nb_hw_info *out)
{
	if (!get(b, dev_id, EMU_DEV, "hw_info"))
		return -ENOENT;
	*out = (struct nb_hw_info){ .type = b->p.vendor == NB_VENDOR_VTD ? 1 : 0 };
	if (b->p.vendor == NB_VENDOR_VTD)
		out->vtd_cap = ((uint64_t)(b->p.policy.max_am & 0x3f) << 48) | NB_BIT(39) |
			       ((b->p.iotlb.page_sizes & NB_BIT(21)) ? NB_BIT(34) : 0) |
			       ((b->p.iotlb.page_sizes & NB_BIT(30)) ? NB_BIT(35) : 0);
	return 0;
}

const struct nb_backend_ops nb_backend_emu = {
	.name = "emu",
	.open = emu_open,
	.close = emu_close,
	.dev_open = emu_dev_open,
	.ioas_alloc = emu_ioas_alloc,
	.ioas_map = emu_ioas_map,
	.ioas_unmap = emu_ioas_unmap,
	.hwpt_alloc = emu_hwpt_alloc,
	.attach = emu_attach,
	.hwpt_invalidate = emu_hwpt_invalidate,
	.destroy = emu_destroy,
	.hw_info = emu_hw_info,
};
