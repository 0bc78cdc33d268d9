// SPDX-License-Identifier: MIT
/* What every tag model does the same way (see model_util.h). */
#include <errno.h>

#include "model_util.h"
#include "util/mutant.h"

#define AMD_ALL_ADDR 0x7ffffffffffff000ull /* S=1: the whole address space */

unsigned nb_model_granule(const struct nb_xdomain *d)
{
	return nb_xdomain_geom(d)->granule_lg2;
}

struct nb_split_caps nb_model_caps(const struct nb_iommu *m, unsigned tg)
{
	const struct nb_inval_policy *p = &nb_iommu_params(m)->policy;

	return (struct nb_split_caps){ .max_am = p->max_am, .ril = p->ril,
				       .granule_lg2 = (uint8_t)(tg ? tg : 12) };
}

static void range_caps(const struct nb_iommu *m, struct nb_inv_batch *b, const struct nb_inv_cmd *tmpl,
		       uint64_t addr, uint64_t size, const struct nb_inv_cmd *whole,
		       const struct nb_split_caps *caps)
{
	if ((size >> caps->granule_lg2) > nb_iommu_params(m)->policy.range_max_pages ||
	    nb_inv_batch_split(b, tmpl, addr, size, caps) == -ERANGE)
		nb_inv_batch_add(b, whole);
}

void nb_model_range_at(const struct nb_iommu *m, struct nb_inv_batch *b,
		       const struct nb_inv_cmd *tmpl, uint64_t addr, uint64_t size,
		       const struct nb_inv_cmd *whole)
{
	struct nb_split_caps caps = nb_model_caps(m, tmpl->tg);

	range_caps(m, b, tmpl, addr, size, whole, &caps);
}

void nb_model_range(const struct nb_iommu *m, struct nb_inv_batch *b,
		    const struct nb_flush_req *req, const struct nb_inv_cmd *tmpl,
		    const struct nb_inv_cmd *whole)
{
	if (!req->size)
		nb_inv_batch_add(b, whole);
	else
		nb_model_range_at(m, b, tmpl, req->addr, req->size, whole);
}

void nb_model_range_stride(const struct nb_iommu *m, struct nb_inv_batch *b,
			   const struct nb_flush_req *req, const struct nb_inv_cmd *tmpl,
			   const struct nb_inv_cmd *whole, unsigned stride_lg2)
{
	struct nb_split_caps caps = nb_model_caps(m, tmpl->tg);

	if (!caps.ril && stride_lg2 > caps.granule_lg2)
		caps.granule_lg2 = (uint8_t)stride_lg2;
	if (!req->size)
		nb_inv_batch_add(b, whole);
	else
		range_caps(m, b, tmpl, req->addr, req->size, whole, &caps);
}

void nb_model_devtlbs(const struct nb_iommu *m, struct nb_inv_batch *b, const struct nb_xdomain *d,
		      const struct nb_flush_req *req, enum nb_inv_op op)
{
	if (nb_mutant(NB_MUT_DEVTLB_MISSING)) return;
	for (int i = 0; i < nb_xdomain_ndevs(d); i++) {
		const struct nb_xdev *dev = nb_xdomain_dev(d, i);
		struct nb_inv_cmd t = { .op = op, .sid = nb_xdev_sid(dev) };
		struct nb_inv_cmd whole = t;

		if (!nb_xdev_ats(dev))
			continue;
		if (op == NB_AMD_INV_IOTLB_PAGES) {
			t.sub = whole.sub = nb_xdev_pasid(dev);
			t.global = whole.global = nb_xdev_pasid(dev) != 0;
			whole.size_s = true;
			whole.addr = AMD_ALL_ADDR;
		} else {
			whole.am = 52; /* 2^52 pages: the whole address space */
			if (op == NB_SMMU_ATC_INV)
				t.sub = whole.sub = nb_xdev_pasid(dev);
		}
		nb_model_range(m, b, req, &t, &whole);
	}
}

void nb_model_cmd_sync(struct nb_inv_batch *b, const struct nb_inv_cmd *c)
{
	nb_inv_batch_add(b, c);
	nb_inv_batch_sync(b);
}

void nb_amd_pages(const struct nb_iommu *m, struct nb_inv_batch *b, uint32_t domid, bool guest,
		  uint32_t pasid, const struct nb_flush_req *req)
{
	struct nb_inv_cmd t = { .op = NB_AMD_INV_IOMMU_PAGES, .tag = domid, .global = guest,
				.sub = guest ? pasid : 0 };
	struct nb_inv_cmd whole = t;

	whole.size_s = true;
	whole.addr = AMD_ALL_ADDR;
	if (nb_mutant(NB_MUT_AMD_PDE)) t.leaf = req->leaf;
	/* On a vIOMMU (NpCache) Linux flushes naturally aligned blocks only, so
	 * that the hypervisor never resyncs untouched PTEs: the largest block
	 * aligned at the address that fits the rest, again until the range is
	 * covered (amd_iommu_domain_flush_pages, Linux 5.15 on; seen in the
	 * captured AMD trace, tests/replay/test_fidelity). */
	if (req->size && nb_iommu_params(m)->policy.caching_mode && !nb_mutant(NB_MUT_AMD_NPCACHE)) {
		uint64_t a = req->addr, left = req->size;

		while (left) {
			unsigned al = a ? (unsigned)__builtin_ctzll(a) : 63;
			unsigned fit = 63 - (unsigned)__builtin_clzll(left);
			uint64_t chunk = 1ull << (al < fit ? al : fit);

			nb_model_range_at(m, b, &t, a, chunk, &whole);
			a += chunk;
			left -= chunk;
		}
		return;
	}
	nb_model_range(m, b, req, &t, &whole);
}

void nb_amd_dte_flush(struct nb_inv_batch *b, const struct nb_xdev *dev)
{
	nb_inv_batch_add(b, &(struct nb_inv_cmd){ .op = NB_AMD_INV_DEVTAB_ENTRY,
						  .sid = nb_xdev_sid(dev) });
	if (nb_xdev_ats(dev))
		nb_inv_batch_add(b, &(struct nb_inv_cmd){ .op = NB_AMD_INV_IOTLB_PAGES,
							  .sid = nb_xdev_sid(dev), .size_s = true,
							  .addr = AMD_ALL_ADDR });
	nb_inv_batch_sync(b);
}
