// SPDX-License-Identifier: MIT
/*
 * A hypothetical VT-d-like IOMMU with an ARM-style stage-2 tag: the
 * seed thread's trade-off, changed in one place. Stage-2 entries are
 * tagged by the parent's own tag (shared by every nested domain on it,
 * so they are cached once), combined entries carry it as tag2, and a
 * command naming a parent tag drops, besides the parent's stage-2
 * entries in its IPA range, every combined entry built on that parent.
 * A stage-2 change then costs one flush whatever the number of nested
 * domains; the price is losing every nested domain's combined entries.
 * Parent tags live in the upper half of the 16-bit DID space. Everything
 * else is `vtd` (6.12.117 cache tags, qi_batch), and so is its hardware
 * (.hardware: vtd.cfg, every number with its source), so that a comparison
 * with `vtd` isolates the tag strategy.
 */
#include "iommu/cmdset.h"
#include "vtd.h"

#define PARENT_TAG 0x8000u

static int domain_init(struct nb_iommu *m, struct nb_xdomain *d)
{
	nb_vtd_domain_init(m, d);
	if (nb_xdomain_kind(d) == NB_XD_S2)
		nb_xdomain_ids(d)[NB_ID_TAG] |= PARENT_TAG;
	return 0;
}

static struct nb_tags s2_tags(const struct nb_iommu *m, const struct nb_xdev *dev)
{
	const struct nb_xdomain *d = nb_xdev_domain(dev);
	const struct nb_xdomain *owner = nb_xdomain_parent(d) ? nb_xdomain_parent(d) : d;

	return (struct nb_tags){ nb_dom_id(owner, NB_ID_TAG), NB_SUB_S2, NB_NO_TAG };
}

static int flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req,
		 struct nb_inv_batch *b)
{
	uint32_t tag = nb_dom_id(d, NB_ID_TAG);

	if (nb_xdomain_kind(d) == NB_XD_S2 && nb_xdomain_nchildren(d)) {
		struct nb_inv_cmd t = { .op = NB_VTD_IOTLB_PSI, .tag = tag, .leaf = req->leaf };
		struct nb_inv_cmd whole = { .op = NB_VTD_IOTLB_DSI, .tag = tag };

		nb_model_range(m, b, req, &t, &whole);
		nb_model_devtlbs(m, b, d, req, NB_VTD_DEVTLB);
		for (int i = 0; i < nb_xdomain_nchildren(d); i++)
			nb_model_devtlbs(m, b, nb_xdomain_child(d, i), NB_FLUSH_ALL, NB_VTD_DEVTLB);
		nb_inv_batch_sync(b);
		return 0;
	}
	return nb_vtd_cache_tag_flush(m, d, req, b, false);
}

static void effect(const struct nb_iommu *m, const struct nb_inv_cmd *c, struct nb_inv_effect *e)
{
	nb_vtd_effect(c, e);
	if ((c->op == NB_VTD_IOTLB_PSI || c->op == NB_VTD_IOTLB_DSI) && (c->tag & PARENT_TAG)) {
		/* a parent tag: its range is in IPA space, and every combined
		 * entry built on the parent goes (they are not indexed by IPA) */
		e->tag_or_tag2 = true;
		e->space = NB_SPACE_IPA;
		e->other_space_all = true;
	}
}

const struct nb_tag_model nb_model_vtd_vmid = {
	.name = "vtd_vmid",
	.hardware = "vtd",
	.summary = "hypothetical VT-d with a VMID-style stage-2 tag (one flush per stage-2 change)",
	.gen = { NB_GEN_HYPOTHETICAL, "none (hardware that does not exist)",
		 "vtd's cache_tag_flush_range, one PSI on the parent tag for a stage-2 change" },
	.vendor = NB_VENDOR_VTD,
	.domain_init = domain_init,
	.attach = nb_vtd_attach,
	.detach = nb_vtd_detach,
	.detach_flushes = true,
	.dev_tags = nb_vtd_dev_tags,
	.s2_tags = s2_tags,
	.flush = flush,
	.effect = effect,
};
