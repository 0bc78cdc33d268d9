// SPDX-License-Identifier: MIT
/*
 * Linux's VT-d cache tags (drivers/iommu/intel/cache.c, 6.10 on), built the
 * way cache_tag_assign_domain() builds them and flushed the way
 * cache_tag_flush_range() / cache_tag_flush_all() walk them.
 *
 * A domain's list, in attach order (list_add_tail), one tag per unique
 * (type, DID, PASID[, device]) on one IOMMU unit:
 *   a device attached to d       IOTLB(DID(d), pasid), DEVTLB(.., device) if ATS
 *   a device attached to nested n NESTING_IOTLB(DID(n), pasid) and
 *     whose parent is d            NESTING_DEVTLB(DID(n), device) on d's list
 * Flushing d: IOTLB/NESTING_IOTLB tags get a PASID-based PSI when d is
 * first-level (a nested or stage-1 domain), else a PSI with d's range -
 * the IPA range, for a nested DID too - falling back to a DSI without PSI
 * support, above MAMV or for a whole flush (cache_tag_flush_iotlb);
 * DEVTLB tags a device-TLB descriptor for the range; NESTING_DEVTLB a
 * whole-device one. Until 6.12.116 the NESTING_DEVTLB case overwrote addr
 * and mask and fell through, so every tag after it in the list saw the
 * whole-space mask (a DSI, a whole device-TLB flush): what Linux sent
 * depended on tag order, and so does this model with `fallthrough`.
 * Descriptors go into the batch (qi_batch: the queue's batch_max of 16
 * makes every 16th its own qi_submit_sync), and the walk ends with a wait.
 */
#include <errno.h>
#include <stdlib.h>

#include "util/mutant.h"
#include "vtd.h"

enum tag_type { T_IOTLB, T_DEVTLB };

struct tag {
	uint64_t seq;
	const struct nb_xdev *dev;
	const struct nb_xdomain *owner; /* the domain the device is attached to */
	enum tag_type type;
	bool nesting;			/* on a parent's list, for a nested domain's device */
};

static int by_seq(const void *a, const void *b)
{
	const struct tag *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return (int)x->type - (int)y->type; /* IOTLB before DEVTLB, as assigned */
}

/* An earlier device of the same domain already holds this IOTLB tag. */
static bool iotlb_tag_seen(const struct nb_xdomain *o, const struct nb_xdev *dev)
{
	for (int i = 0; i < nb_xdomain_ndevs(o); i++) {
		const struct nb_xdev *x = nb_xdomain_dev(o, i);

		if (nb_xdev_seq(x) < nb_xdev_seq(dev) && nb_xdev_pasid(x) == nb_xdev_pasid(dev))
			return true;
	}
	return false;
}

static int add_dev_tags(struct tag *t, int n, const struct nb_xdomain *o, bool nesting)
{
	if (nb_mutant(NB_MUT_VTD_NESTING_TAGS) && nesting) return n;
	for (int i = 0; i < nb_xdomain_ndevs(o); i++) {
		const struct nb_xdev *dev = nb_xdomain_dev(o, i);

		if (!iotlb_tag_seen(o, dev))
			t[n++] = (struct tag){ nb_xdev_seq(dev), dev, o, T_IOTLB, nesting };
		if (nb_xdev_ats(dev))
			t[n++] = (struct tag){ nb_xdev_seq(dev), dev, o, T_DEVTLB, nesting };
	}
	return n;
}

/* d's tag list in Linux's order; NULL without memory. */
static struct tag *tag_list(struct nb_iommu *m, const struct nb_xdomain *d, int *n)
{
	size_t devs = (size_t)nb_xdomain_ndevs(d);
	struct tag *t;

	for (int c = 0; c < nb_xdomain_nchildren(d); c++)
		devs += (size_t)nb_xdomain_ndevs(nb_xdomain_child(d, c));
	t = nb_iommu_scratch(m, (2 * devs + 1) * sizeof(*t));
	if (!t)
		return NULL;
	*n = add_dev_tags(t, 0, d, false);
	for (int c = 0; c < nb_xdomain_nchildren(d); c++)
		*n = add_dev_tags(t, *n, nb_xdomain_child(d, c), true);
	qsort(t, (size_t)*n, sizeof(*t), by_seq);
	return t;
}

struct nb_inv_cmd nb_vtd_devtlb_cmd(const struct nb_xdev *dev, uint32_t pasid, uint64_t addr,
				    unsigned am)
{
	/* PFSID: the device's own source id (not a VF); MIP 0 (Linux: qdep
	 * >= 32 becomes 0; emulated ATS endpoints report none). */
	struct nb_inv_cmd c = { .op = pasid ? NB_VTD_PASID_DEVTLB : NB_VTD_DEVTLB,
				.sid = nb_xdev_sid(dev), .pfsid = nb_xdev_sid(dev), .sub = pasid,
				.addr = am >= 52 ? 0 : addr, .am = (uint8_t)am };

	return c;
}

static bool first_level(const struct nb_xdomain *d)
{
	return nb_xdomain_kind(d) != NB_XD_S2;
}

/* The range's aligned block (calculate_psi_aligned_address): addr, mask. */
static void psi_block(uint64_t addr, uint64_t size, uint64_t *base, unsigned *mask)
{
	struct nb_inv_cmd t = { .op = NB_VTD_PIOTLB_PSI }, out;
	struct nb_split_caps caps = { .max_am = 63, .granule_lg2 = 12 };

	if (nb_inv_split(&t, addr, size, &caps, &out, 1) != 1) {
		*base = 0;
		*mask = 52;
		return;
	}
	*base = out.addr;
	*mask = out.am;
}

/* cache_tag_flush_iotlb() for one IOTLB/NESTING_IOTLB tag. */
static void flush_iotlb(const struct nb_iommu *m, struct nb_inv_batch *b, const struct nb_xdomain *d,
			const struct tag *t, uint64_t addr, unsigned mask, bool all, bool ih)
{
	const struct nb_inval_policy *pol = &nb_iommu_params(m)->policy;
	uint32_t did = nb_dom_id(t->owner, NB_ID_TAG), pasid = nb_xdev_pasid(t->dev);
	bool over_mamv = mask > pol->max_am;

	if (nb_mutant(NB_MUT_VTD_NESTED_DID)) did = nb_dom_id(d, NB_ID_TAG);
	if (nb_mutant(NB_MUT_VTD_MAMV)) over_mamv = false;
	if (first_level(d)) {
		if (all)
			nb_inv_batch_add(b, &(struct nb_inv_cmd){ .op = NB_VTD_PIOTLB_PASID, .tag = did,
								  .sub = pasid });
		else
			nb_inv_batch_add(b, &(struct nb_inv_cmd){ .op = NB_VTD_PIOTLB_PSI, .tag = did,
								  .sub = pasid, .addr = addr,
								  .am = (uint8_t)mask, .leaf = ih });
		return;
	}
	/* no PSI (range_max_pages 0), mask above MAMV, or everything: DSI */
	if (all || over_mamv || (mask < 63 && (1ull << mask) > pol->range_max_pages))
		nb_inv_batch_add(b, &(struct nb_inv_cmd){ .op = NB_VTD_IOTLB_DSI, .tag = did });
	else
		nb_inv_batch_add(b, &(struct nb_inv_cmd){ .op = NB_VTD_IOTLB_PSI, .tag = did,
							  .addr = addr, .am = (uint8_t)mask, .leaf = ih });
}

int nb_vtd_cache_tag_flush(struct nb_iommu *m, struct nb_xdomain *d, const struct nb_flush_req *req,
			   struct nb_inv_batch *b, bool fallthrough)
{
	bool all = !req->size;
	uint64_t addr = 0;
	unsigned mask = 0;
	int n;
	struct tag *t = tag_list(m, d, &n);

	if (!t)
		return -ENOMEM;
	if (!all)
		psi_block(req->addr, req->size, &addr, &mask);
	for (int i = 0; i < n; i++) {
		uint32_t pasid = nb_xdev_pasid(t[i].dev);

		if (t[i].type == T_IOTLB) {
			flush_iotlb(m, b, d, &t[i], addr, mask, all, req->leaf && !all);
		} else if (all) { /* cache_tag_flush_devtlb_all: type 3 whatever the PASID */
			nb_inv_batch_add(b, &(struct nb_inv_cmd){ .op = NB_VTD_DEVTLB,
								  .sid = nb_xdev_sid(t[i].dev),
								  .pfsid = nb_xdev_sid(t[i].dev),
								  .am = 52 });
		} else if (t[i].nesting) {
			/* the device caches nested results: flush all of it */
			struct nb_inv_cmd c = nb_vtd_devtlb_cmd(t[i].dev, pasid, 0, 52);

			if (nb_mutant(NB_MUT_DEVTLB_NESTED_RANGE)) c = nb_vtd_devtlb_cmd(t[i].dev, pasid, addr, mask);
			nb_inv_batch_add(b, &c);
			if (fallthrough) {
				addr = 0;
				mask = 52;
			}
		} else {
			struct nb_inv_cmd c = nb_vtd_devtlb_cmd(t[i].dev, pasid, addr, mask);

			if (nb_mutant(NB_MUT_DEVTLB_RANGE)) c.am = 0;
			nb_inv_batch_add(b, &c);
		}
	}
	nb_inv_batch_sync(b); /* qi_batch_flush_descs: qi_submit_sync */
	return 0;
}
