// SPDX-License-Identifier: MIT
/*
 * The uAPI paths the kernel's own selftests use and the benchmarks need,
 * through the backend ops table: IOVA ranges and allowed IOVAs, kernel-chosen
 * IOVAs, IOAS_COPY, HWPT replace, dirty tracking. Each feature opens its own
 * backend instance (a fresh iommufd, or a fresh emulated IOMMU). Expected
 * values: the platform table (conformance.c, with sources) or the rules of
 * Linux 6.12's iommufd cited beside each check.
 */
#include <stdio.h>
#include <stdlib.h>

#include "conformance.h"

#define SZ_4K 0x1000ull
#define SZ_64K 0x10000ull
#define SZ_2M 0x200000ull
#define SZ_4M 0x400000ull

/* One device attached to a paging HWPT on a fresh IOAS. */
struct rig {
	struct nb_backend *b;
	uint32_t dev, ioas, hwpt;
};

/* -EOPNOTSUPP from hwpt_alloc (dirty) comes back as 1: the caller skips. */
static int rig_up(const struct nb_backend_ops *ops, const char *arg, const char *dev_spec, bool dirty,
		  struct rig *r)
{
	int ret;

	*r = (struct rig){ 0 };
	if (ops->open(&r->b, arg)) {
		NBT_FAIL("%s: open: %s", ops->name, nb_errmsg());
		r->b = NULL;
		return -1;
	}
	CHECK(ops->dev_open(r->b, dev_spec, &r->dev) == 0, "%s: device %s: %s", ops->name, dev_spec, nb_errmsg());
	CHECK(ops->ioas_alloc(r->b, &r->ioas) == 0, "%s: IOAS: %s", ops->name, nb_errmsg());
	ret = ops->hwpt_alloc(r->b, &(struct nb_hwpt_req){ .kind = NB_HWPT_PAGING, .pt_id = r->ioas, .dev_id = r->dev,
							.dirty_tracking = dirty }, &r->hwpt);
	if (dirty && ret == -EOPNOTSUPP)
		return 1;
	CHECK(ret == 0, "%s: HWPT: %s", ops->name, nb_errmsg());
	CHECK(ops->attach(r->b, r->dev, r->hwpt) == 0, "%s: attach: %s", ops->name, nb_errmsg());
	return ret ? -1 : 0;
}

static void rig_down(const struct nb_backend_ops *ops, struct rig *r)
{
	if (r->b)
		ops->close(r->b);
}

static uint32_t read_ranges(const struct nb_backend_ops *ops, struct nb_backend *b, uint32_t ioas,
			    struct nb_iova_range *r, uint32_t room, uint64_t *align)
{
	uint32_t n = room;

	CHECK(ops->iova_ranges(b, ioas, r, &n, align) == 0 && n <= room, "%s: IOAS_IOVA_RANGES: %u ranges: %s",
	      ops->name, n, nb_errmsg());
	return n <= room ? n : 0;
}

static bool in_ranges(const struct nb_iova_range *r, uint32_t n, uint64_t iova, uint64_t len)
{
	for (uint32_t i = 0; i < n; i++)
		if (iova >= r[i].start && iova + len - 1 <= r[i].last)
			return true;
	return false;
}

void check_iova_ranges(const struct nb_backend_ops *ops, const char *arg, const char *dev_spec,
		       const struct platform *pf)
{
	struct feature *f = feature_begin(ops->name, "iova_ranges");
	struct nb_iova_range r[8];
	uint64_t align = 0;
	uint32_t ioas0, n;
	struct rig g = { 0 };

	if (rig_up(ops, arg, dev_spec, false, &g) < 0)
		goto out;
	/* A fresh IOAS reserves nothing: one range, all of it, alignment 1
	 * (ioas.c iommufd_ioas_iova_ranges over an empty reserved tree;
	 * io_pagetable.c iopt_init_table). */
	CHECK(ops->ioas_alloc(g.b, &ioas0) == 0, "%s: IOAS: %s", ops->name, nb_errmsg());
	n = read_ranges(ops, g.b, ioas0, r, 8, &align);
	CHECK(n == 1 && r[0].start == 0 && r[0].last == UINT64_MAX && align == 1,
	      "%s: a fresh IOAS: %u ranges, first [%#llx, %#llx], alignment %#llx", ops->name, n,
	      (unsigned long long)r[0].start, (unsigned long long)r[0].last, (unsigned long long)align);
	/* With the device attached: ascending, disjoint, a power-of-two alignment. */
	n = read_ranges(ops, g.b, g.ioas, r, 8, &align);
	CHECK(n > 0 && align && !(align & (align - 1)), "%s: %u ranges, alignment %#llx", ops->name, n,
	      (unsigned long long)align);
	for (uint32_t i = 0; i < n; i++)
		CHECK(r[i].start <= r[i].last && (i == 0 || r[i].start > r[i - 1].last),
		      "%s: range %u [%#llx, %#llx] out of order", ops->name, i, (unsigned long long)r[i].start,
		      (unsigned long long)r[i].last);
	if (!pf) {
		skip_checks(f, 1, "no expected IOVA ranges for this platform (NB_IOMMU unset)");
	} else {
		bool same = n == pf->nranges && align == pf->align;

		for (uint32_t i = 0; same && i < n; i++)
			same = r[i].start == pf->ranges[i].start && r[i].last == pf->ranges[i].last;
		CHECK(same, "%s: the ranges of %s: got %u (first [%#llx, %#llx]) alignment %#llx, want %u "
			    "(first [%#llx, %#llx]) alignment %#llx", ops->name, pf->name, n,
		      (unsigned long long)r[0].start, (unsigned long long)r[0].last, (unsigned long long)align,
		      pf->nranges, (unsigned long long)pf->ranges[0].start, (unsigned long long)pf->ranges[0].last,
		      (unsigned long long)pf->align);
	}
	/* Too little room: EMSGSIZE, and the count (ioas.c). */
	{
		uint32_t none = 0;
		int ret = ops->iova_ranges(g.b, g.ioas, r, &none, &align);

		CHECK(ret == -EMSGSIZE && none == n, "%s: no room: %d, count %u of %u", ops->name, ret, none, n);
	}
out:
	rig_down(ops, &g);
	feature_end(f);
}

/* A reserved range next to the usable ones: below the first, or between the
 * first two. 0 when there is none. */
static bool reserved_range(const struct nb_iova_range *r, uint32_t n, struct nb_iova_range *out)
{
	if (n && r[0].start > 0) {
		*out = (struct nb_iova_range){ 0, r[0].start - 1 };
		return true;
	}
	if (n > 1) {
		*out = (struct nb_iova_range){ r[0].last + 1, r[1].start - 1 };
		return true;
	}
	return false;
}

void check_map_any(const struct nb_backend_ops *ops, const char *arg, const char *dev_spec,
		   const struct platform *pf)
{
	struct feature *f = feature_begin(ops->name, "map_any");
	uint64_t iova0 = 0, iova1 = 0, iova2 = 0, iova3 = 0, align, got = 0;
	struct nb_iova_range r[8], resv, win;
	uint8_t *buf = buf_alloc(SZ_4M, SZ_4M);
	struct rig g = { 0 };
	uint32_t n;
	int ret;

	if (!buf || rig_up(ops, arg, dev_spec, false, &g) < 0)
		goto out;
	n = read_ranges(ops, g.b, g.ioas, r, 8, &align);
	/* iopt_alloc_iova: the lowest free IOVA at or above 4 KiB, aligned to
	 * min(roundup_pow_of_two(len), the buffer's alignment, 2 MiB) */
	CHECK(ops->ioas_map_any(g.b, g.ioas, buf, SZ_4M, NB_PROT_RW, &iova0) == 0, "%s: IOAS_MAP 4 MiB, any IOVA: %s",
	      ops->name, nb_errmsg());
	CHECK(ops->ioas_map_any(g.b, g.ioas, buf, SZ_2M, NB_PROT_RW, &iova1) == 0, "%s: IOAS_MAP 2 MiB, any IOVA: %s",
	      ops->name, nb_errmsg());
	CHECK(iova0 % SZ_2M == 0 && in_ranges(r, n, iova0, SZ_4M) && iova1 % SZ_2M == 0 &&
		      in_ranges(r, n, iova1, SZ_2M) && (iova1 >= iova0 + SZ_4M || iova1 + SZ_2M <= iova0),
	      "%s: 4 MiB at %#llx, 2 MiB at %#llx: aligned, usable, apart", ops->name, (unsigned long long)iova0,
	      (unsigned long long)iova1);
	CHECK(ops->ioas_map_any(g.b, g.ioas, buf, SZ_4K, NB_PROT_RW, &iova2) == 0, "%s: IOAS_MAP 4 KiB, any IOVA: %s",
	      ops->name, nb_errmsg());
	CHECK(in_ranges(r, n, iova2, SZ_4K) && (iova2 + SZ_4K <= iova1 || iova2 >= iova1 + SZ_2M) &&
		      (iova2 + SZ_4K <= iova0 || iova2 >= iova0 + SZ_4M),
	      "%s: 4 KiB at %#llx: usable, apart from the others", ops->name, (unsigned long long)iova2);
	if (pf)
		CHECK(iova0 == pf->any_4m && iova1 == pf->any_2m && iova2 == pf->any_4k,
		      "%s: %s: chosen %#llx, %#llx, %#llx, want %#llx, %#llx, %#llx", ops->name, pf->name,
		      (unsigned long long)iova0, (unsigned long long)iova1, (unsigned long long)iova2,
		      (unsigned long long)pf->any_4m, (unsigned long long)pf->any_2m, (unsigned long long)pf->any_4k);
	else
		skip_checks(f, 1, "no expected IOVAs for this platform (NB_IOMMU unset)");
	CHECK(ops->ioas_map(g.b, g.ioas, iova1, buf, SZ_4K, NB_PROT_RW) == -EEXIST, "%s: a fixed map over it: EEXIST",
	      ops->name);
	/* IOAS_ALLOW_IOVAS: chosen IOVAs only inside the window */
	win.start = (iova0 + (64ull << 20) + SZ_2M - 1) & ~(SZ_2M - 1);
	win.last = win.start + (16ull << 20) - 1;
	CHECK(ops->allow_iovas(g.b, g.ioas, &win, 1) == 0, "%s: IOAS_ALLOW_IOVAS [%#llx, %#llx]: %s", ops->name,
	      (unsigned long long)win.start, (unsigned long long)win.last, nb_errmsg());
	CHECK(ops->ioas_map_any(g.b, g.ioas, buf, SZ_64K, NB_PROT_RW, &iova3) == 0 && iova3 == win.start,
	      "%s: inside the allowed window: %#llx, want %#llx (%s)", ops->name, (unsigned long long)iova3,
	      (unsigned long long)win.start, nb_errmsg());
	if (reserved_range(r, n, &resv)) {
		ret = ops->allow_iovas(g.b, g.ioas, &resv, 1);
		CHECK(ret == -EADDRINUSE, "%s: allowing reserved [%#llx, %#llx]: %d, want EADDRINUSE", ops->name,
		      (unsigned long long)resv.start, (unsigned long long)resv.last, ret);
		/* iopt_check_iova: a fixed IOVA in a reserved range is EINVAL
		 * (every reserved range here holds a 64 KiB-aligned page) */
		uint64_t at = (resv.start + SZ_64K - 1) & ~(SZ_64K - 1);

		ret = ops->ioas_map(g.b, g.ioas, at, buf, SZ_4K, NB_PROT_RW);
		CHECK(ret == -EINVAL && at + SZ_4K - 1 <= resv.last, "%s: a fixed map at %#llx in reserved [%#llx, %#llx]: "
		      "%d, want EINVAL", ops->name, (unsigned long long)at, (unsigned long long)resv.start,
		      (unsigned long long)resv.last, ret);
	} else {
		skip_checks(f, 2, "no reserved IOVA range here");
	}
	win.last = win.start; /* iommufd_ioas_load_iovas: start < last */
	CHECK(ops->allow_iovas(g.b, g.ioas, &win, 1) == -EINVAL, "%s: an allowed range of one byte: EINVAL", ops->name);
	CHECK(ops->allow_iovas(g.b, g.ioas, NULL, 0) == 0, "%s: no allowed ranges: %s", ops->name, nb_errmsg());
	/* allowed ranges come first: a domain or device that needs a reserved
	 * range inside them is refused (iopt_reserve_iova: EADDRINUSE). Every
	 * platform here reserves something (aperture or MSI window). */
	{
		const struct nb_iova_range everything = { 0, UINT64_MAX };
		uint32_t ioas3 = 0, hwpt3 = 0;

		CHECK(ops->ioas_alloc(g.b, &ioas3) == 0 && ops->allow_iovas(g.b, ioas3, &everything, 1) == 0,
		      "%s: an IOAS allowing everything: %s", ops->name, nb_errmsg());
		ret = ops->hwpt_alloc(g.b, &(struct nb_hwpt_req){ .kind = NB_HWPT_PAGING, .pt_id = ioas3, .dev_id = g.dev },
				      &hwpt3);
		if (!ret)
			ret = ops->attach(g.b, g.dev, hwpt3);
		CHECK(ret == -EADDRINUSE, "%s: a HWPT or attachment reserving inside the allowed ranges: %d, want "
		      "EADDRINUSE", ops->name, ret);
	}
	/* unmap all (iova 0, length UINT64_MAX): every area */
	CHECK(ops->ioas_unmap(g.b, g.ioas, 0, UINT64_MAX, &got) == 0 && got == SZ_4M + SZ_2M + SZ_4K + SZ_64K,
	      "%s: unmap all: %#llx bytes (%s)", ops->name, (unsigned long long)got, nb_errmsg());
out:
	rig_down(ops, &g);
	free(buf);
	feature_end(f);
}

void check_copy_replace(const struct nb_backend_ops *ops, const char *arg, const char *dev_spec,
			const struct platform *pf)
{
	struct feature *f = feature_begin(ops->name, "copy");
	uint8_t *buf = buf_alloc(SZ_64K, SZ_64K);
	uint32_t ioas2 = 0, hwpt2 = 0, n;
	uint64_t x = 0, got = 0, align;
	struct nb_iova_range r[8];
	struct nb_copy_req c;
	struct rig g = { 0 };
	int ret;

	(void)pf; /* nothing here depends on the platform */
	if (!buf || rig_up(ops, arg, dev_spec, false, &g) < 0) {
		feature_end(f);
		goto out;
	}
	CHECK(ops->ioas_alloc(g.b, &ioas2) == 0, "%s: second IOAS: %s", ops->name, nb_errmsg());
	CHECK(ops->hwpt_alloc(g.b, &(struct nb_hwpt_req){ .kind = NB_HWPT_PAGING, .pt_id = ioas2, .dev_id = g.dev },
			      &hwpt2) == 0, "%s: HWPT on the second IOAS: %s", ops->name, nb_errmsg());
	CHECK(ops->ioas_map_any(g.b, g.ioas, buf, SZ_64K, NB_PROT_RW, &x) == 0, "%s: map 64 KiB: %s", ops->name,
	      nb_errmsg());
	/* IOAS_COPY to a fixed IOVA 32 MiB above (usable on every platform
	 * here: inside the same range as x) */
	c = (struct nb_copy_req){ .dst_ioas = ioas2, .src_ioas = g.ioas, .dst_iova = x + (32ull << 20),
				  .src_iova = x, .len = SZ_64K, .prot = NB_PROT_RW };
	CHECK(ops->ioas_copy(g.b, &c) == 0 && c.dst_iova == x + (32ull << 20), "%s: IOAS_COPY to %#llx: %s",
	      ops->name, (unsigned long long)c.dst_iova, nb_errmsg());
	ret = ops->ioas_copy(g.b, &c);
	CHECK(ret == -EEXIST, "%s: IOAS_COPY onto the copy: %d, want EEXIST", ops->name, ret);
	/* kernel-chosen destination, then gone again */
	c.any_iova = true;
	n = read_ranges(ops, g.b, ioas2, r, 8, &align);
	CHECK(ops->ioas_copy(g.b, &c) == 0 && in_ranges(r, n, c.dst_iova, SZ_64K) &&
		      (c.dst_iova + SZ_64K <= x + (32ull << 20) || c.dst_iova >= x + (32ull << 20) + SZ_64K),
	      "%s: IOAS_COPY to any IOVA: %#llx (%s)", ops->name, (unsigned long long)c.dst_iova, nb_errmsg());
	CHECK(ops->ioas_unmap(g.b, ioas2, c.dst_iova, SZ_64K, &got) == 0 && got == SZ_64K, "%s: unmap the copy: %s",
	      ops->name, nb_errmsg());
	/* iopt_get_pages: a source with a hole is ENOENT; ioas.c: no R or W is EINVAL */
	c = (struct nb_copy_req){ .dst_ioas = ioas2, .src_ioas = g.ioas, .dst_iova = x + (40ull << 20),
				  .src_iova = x, .len = 2 * SZ_64K, .prot = NB_PROT_RW };
	ret = ops->ioas_copy(g.b, &c);
	CHECK(ret == -ENOENT, "%s: IOAS_COPY of a range with a hole: %d, want ENOENT", ops->name, ret);
	c.len = SZ_64K;
	c.prot = 0;
	ret = ops->ioas_copy(g.b, &c);
	CHECK(ret == -EINVAL, "%s: IOAS_COPY neither readable nor writeable: %d, want EINVAL", ops->name, ret);
	/* a copy of the middle of a mapping: its own pages, 16 KiB in */
	c = (struct nb_copy_req){ .dst_ioas = ioas2, .src_ioas = g.ioas, .dst_iova = x + (48ull << 20),
				  .src_iova = x + 4 * SZ_4K, .len = 8 * SZ_4K, .prot = NB_PROT_R };
	CHECK(ops->ioas_copy(g.b, &c) == 0, "%s: IOAS_COPY of [x + 16 KiB, +32 KiB): %s", ops->name, nb_errmsg());
	feature_end(f);

	/* HWPT replace: the device moves from hwpt to hwpt2 with no moment
	 * unattached; what it is attached to cannot be destroyed (EBUSY). */
	f = feature_begin(ops->name, "replace");
	ret = ops->destroy(g.b, g.hwpt);
	CHECK(ret == -EBUSY, "%s: destroy the attached HWPT: %d, want EBUSY", ops->name, ret);
	CHECK(ops->attach(g.b, g.dev, hwpt2) == 0, "%s: replace with the second IOAS's HWPT: %s", ops->name,
	      nb_errmsg());
	CHECK(ops->destroy(g.b, g.hwpt) == 0, "%s: the old HWPT is free now: %s", ops->name, nb_errmsg());
	ret = ops->destroy(g.b, hwpt2);
	CHECK(ret == -EBUSY, "%s: destroy the new one: %d, want EBUSY", ops->name, ret);
	/* with neither the device nor a domain left, the first IOAS reserves
	 * nothing again: reservations go with their owners
	 * (iopt_remove_reserved_iova, iopt_table_remove_domain) */
	n = read_ranges(ops, g.b, g.ioas, r, 8, &align);
	CHECK(n == 1 && r[0].start == 0 && r[0].last == UINT64_MAX, "%s: the old IOAS after the replace: %u ranges, "
	      "first [%#llx, %#llx]", ops->name, n, (unsigned long long)r[0].start, (unsigned long long)r[0].last);
	/* the device now translates the copy: buf's pages 32 MiB above x, and
	 * not x itself (nothing there in the second IOAS) */
	ret = ops->dev_dma(g.b, g.dev, x + (32ull << 20), SZ_64K, NB_PROT_R, buf);
	if (ret == -EOPNOTSUPP) {
		skip_checks(f, 4, "the device's DMA: %s", nb_errmsg());
	} else {
		CHECK(ret == 0, "%s: the device reads the copy through the new HWPT: %s", ops->name, nb_errmsg());
		CHECK(ops->dev_dma(g.b, g.dev, x + (48ull << 20), 8 * SZ_4K, NB_PROT_R, buf + 4 * SZ_4K) == 0,
		      "%s: the partial copy maps the pages 16 KiB into the buffer: %s", ops->name, nb_errmsg());
		ret = ops->dev_dma(g.b, g.dev, x, SZ_4K, NB_PROT_R, buf);
		CHECK(ret < 0, "%s: the old IOVA does not translate after the replace: %d", ops->name, ret);
		/* back to the first IOAS, attached to the IOAS itself (its
		 * automatic domain) */
		CHECK(ops->attach(g.b, g.dev, g.ioas) == 0 &&
			      ops->dev_dma(g.b, g.dev, x, SZ_64K, NB_PROT_R, buf) == 0,
		      "%s: replaced with the first IOAS's automatic domain, x translates: %s", ops->name, nb_errmsg());
	}
	feature_end(f);
out:
	rig_down(ops, &g);
	free(buf);
}

/* Read the bitmap of [iova, iova + len) at page size ps into *bm (zeroed
 * first: the call only sets bits). */
static int dirty_bits(const struct nb_backend_ops *ops, struct rig *g, uint64_t iova, uint64_t len, uint64_t ps,
		      bool no_clear, uint64_t *bm, size_t words)
{
	memset(bm, 0, words * sizeof(*bm));
	return ops->get_dirty_bitmap(g->b, g->hwpt, iova, len, ps, bm, no_clear);
}

/* The device writes page i (4 KiB) of the buffer mapped at x. */
static int dev_write(const struct nb_backend_ops *ops, struct rig *g, uint64_t x, uint8_t *buf, int page)
{
	return ops->dev_dma(g->b, g->dev, x + (uint64_t)page * SZ_4K, SZ_4K, NB_PROT_W, buf + page * SZ_4K);
}

/* A 2 MiB mapping: how a write to one page reports (one dirty bit per leaf). */
static void dirty_superpage(const struct nb_backend_ops *ops, struct rig *g, const struct platform *pf,
			    struct feature *f)
{
	uint8_t *big = buf_alloc(SZ_2M, SZ_2M);
	uint64_t y = 0, bm[8], want = pf && pf->leaf_2m ? ~0ull : 0x2;
	bool all = true;

	if (!pf) {
		skip_checks(f, 3, "a 2 MiB mapping's dirty bits: no expectation for this platform");
		free(big);
		return;
	}
	CHECK(big && ops->ioas_map_any(g->b, g->ioas, big, SZ_2M, NB_PROT_RW, &y) == 0 && y % SZ_2M == 0,
	      "%s: map 2 MiB at %#llx: %s", ops->name, (unsigned long long)y, nb_errmsg());
	/* one leaf (VT-d / AMD-Vi 2 MiB page): its dirty bit marks all 512
	 * pages; the mock's 2 KiB pages: only the one written (4 KiB unit 1) */
	CHECK(dev_write(ops, g, y, big, 1) == 0 && dirty_bits(ops, g, y, SZ_2M, SZ_4K, false, bm, 8) == 0,
	      "%s: write and read 2 MiB: %s", ops->name, nb_errmsg());
	for (int i = 0; i < 8; i++)
		all &= bm[i] == (i == 0 || want == ~0ull ? want : 0);
	CHECK(all, "%s: %s: a write to one page of a 2 MiB mapping: words %#llx %#llx, want %#llx in %s", ops->name,
	      pf->name, (unsigned long long)bm[0], (unsigned long long)bm[1], (unsigned long long)want,
	      want == ~0ull ? "every word" : "the first word only");
	free(big);
}

/* Checks of check_dirty (for the skips): all, and those after the first
 * DMA (dirty_superpage's three included). */
#define DIRTY_CHECKS 20
#define DIRTY_CHECKS_DMA 16

void check_dirty(const struct nb_backend_ops *ops, const char *arg, const char *dev_spec,
		 const struct platform *pf)
{
	struct feature *f = feature_begin(ops->name, "dirty");
	uint8_t *buf = buf_alloc(SZ_64K, SZ_64K);
	struct nb_hw_info hw = { 0 };
	uint64_t x = 0, bm[1] = { 0 };
	struct rig g = { 0 };
	int ret = buf ? rig_up(ops, arg, dev_spec, true, &g) : -1;

	if (ret == 1) {
		/* HWPT_ALLOC with DIRTY_TRACKING refused: the IOMMU says so in
		 * GET_HW_INFO too (IOMMU_HW_CAP_DIRTY_TRACKING clear) */
		skip_checks(f, DIRTY_CHECKS - 1, "dirty tracking: %s", nb_errmsg());
		CHECK(ops->attach(g.b, g.dev, g.ioas) == 0 && ops->hw_info(g.b, g.dev, &hw) == 0 &&
			      !(hw.capabilities & NB_HW_CAP_DIRTY_TRACKING),
		      "%s: no dirty tracking, and GET_HW_INFO capabilities %#llx agree", ops->name,
		      (unsigned long long)hw.capabilities);
		goto out;
	}
	if (ret < 0)
		goto out;
	CHECK(ops->hw_info(g.b, g.dev, &hw) == 0 && (hw.capabilities & NB_HW_CAP_DIRTY_TRACKING),
	      "%s: GET_HW_INFO says dirty tracking: capabilities %#llx", ops->name, (unsigned long long)hw.capabilities);
	CHECK(ops->ioas_map_any(g.b, g.ioas, buf, SZ_64K, NB_PROT_RW, &x) == 0, "%s: map 64 KiB: %s", ops->name,
	      nb_errmsg());
	ret = dirty_bits(ops, &g, x, SZ_64K, SZ_4K, false, bm, 1);
	CHECK(ret == -EINVAL, "%s: GET_DIRTY_BITMAP while not tracking: %d, want EINVAL", ops->name, ret);
	CHECK(ops->set_dirty_tracking(g.b, g.hwpt, true) == 0, "%s: SET_DIRTY_TRACKING on: %s", ops->name, nb_errmsg());
	ret = dev_write(ops, &g, x, buf, 0);
	if (ret == -EOPNOTSUPP) {
		skip_checks(f, DIRTY_CHECKS_DMA, "the device's DMA: %s", nb_errmsg());
		goto out;
	}
	/* pages 0 and 5 written: bits 0 and 5 (4 KiB units), then cleared */
	CHECK(ret == 0 && dev_write(ops, &g, x, buf, 5) == 0, "%s: the device writes pages 0 and 5: %s", ops->name,
	      nb_errmsg());
	CHECK(dirty_bits(ops, &g, x, SZ_64K, SZ_4K, false, bm, 1) == 0 && bm[0] == 0x21,
	      "%s: dirty bitmap %#llx, want 0x21 (%s)", ops->name, (unsigned long long)bm[0], nb_errmsg());
	CHECK(dirty_bits(ops, &g, x, SZ_64K, SZ_4K, false, bm, 1) == 0 && bm[0] == 0,
	      "%s: read again after the clear: %#llx, want 0", ops->name, (unsigned long long)bm[0]);
	/* NO_CLEAR leaves the bits: page 3 reads twice, then clears */
	CHECK(dev_write(ops, &g, x, buf, 3) == 0, "%s: write page 3: %s", ops->name, nb_errmsg());
	CHECK(dirty_bits(ops, &g, x, SZ_64K, SZ_4K, true, bm, 1) == 0 && bm[0] == 0x8,
	      "%s: NO_CLEAR read: %#llx, want 0x8", ops->name, (unsigned long long)bm[0]);
	CHECK(dirty_bits(ops, &g, x, SZ_64K, SZ_4K, true, bm, 1) == 0 && bm[0] == 0x8,
	      "%s: NO_CLEAR again: %#llx, want 0x8", ops->name, (unsigned long long)bm[0]);
	/* 8 KiB units: page 3 is in unit 1 */
	CHECK(dirty_bits(ops, &g, x, SZ_64K, 2 * SZ_4K, false, bm, 1) == 0 && bm[0] == 0x2,
	      "%s: 8 KiB units: %#llx, want 0x2", ops->name, (unsigned long long)bm[0]);
	CHECK(dirty_bits(ops, &g, x, SZ_64K, SZ_4K, false, bm, 1) == 0 && bm[0] == 0,
	      "%s: cleared: %#llx, want 0", ops->name, (unsigned long long)bm[0]);
	/* iommufd_check_iova_range: page size 0, an IOVA off the page size; a
	 * range past the mapping (iopt_read_and_clear_dirty_data) */
	CHECK(dirty_bits(ops, &g, x, SZ_64K, 0, false, bm, 1) == -EINVAL, "%s: page size 0: EINVAL", ops->name);
	CHECK(dirty_bits(ops, &g, x + SZ_4K, SZ_64K, 2 * SZ_4K, false, bm, 1) == -EINVAL,
	      "%s: IOVA not a multiple of the page size: EINVAL", ops->name);
	CHECK(dirty_bits(ops, &g, x, 2 * SZ_64K, SZ_4K, false, bm, 1) == -EINVAL, "%s: a range past the mapping: EINVAL",
	      ops->name);
	/* enabling starts from a clean slate (iopt_set_dirty_tracking clears) */
	CHECK(dev_write(ops, &g, x, buf, 7) == 0 && ops->set_dirty_tracking(g.b, g.hwpt, false) == 0 &&
		      ops->set_dirty_tracking(g.b, g.hwpt, true) == 0 &&
		      dirty_bits(ops, &g, x, SZ_64K, SZ_4K, false, bm, 1) == 0 && bm[0] == 0,
	      "%s: off and on again: %#llx, want 0 (%s)", ops->name, (unsigned long long)bm[0], nb_errmsg());
	dirty_superpage(ops, &g, pf, f);
	CHECK(ops->set_dirty_tracking(g.b, g.hwpt, false) == 0 &&
		      dirty_bits(ops, &g, x, SZ_64K, SZ_4K, false, bm, 1) == -EINVAL,
	      "%s: SET_DIRTY_TRACKING off, then reading is EINVAL", ops->name);
out:
	rig_down(ops, &g);
	free(buf);
	feature_end(f);
}
