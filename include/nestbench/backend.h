/* SPDX-License-Identifier: MIT */
/*
 * Backends behind one ops table (DESIGN part 7): `emu` (the simulator, in
 * userspace) and `iommufd` (the real /dev/iommu). Benchmarks are written
 * once against this table. Objects are numbered as iommufd numbers them:
 * an IOAS (an IOVA space), HWPTs (page tables: paging, nest parent, nested)
 * and devices; every object id comes back through an out pointer.
 *
 * Every op returns 0 or a negative errno with nb_errmsg() naming the call
 * (for iommufd: the ioctl and errno text). -EOPNOTSUPP means "unsupported
 * on this IOMMU", which callers record as such, not as a failure. A slot a
 * driver cannot implement is written out as NULL with a comment saying why.
 */
#ifndef NESTBENCH_BACKEND_H
#define NESTBENCH_BACKEND_H

#include "iommu_data.h"
#include "nb.h"

struct nb_map_seg;   /* domain.h */

enum nb_backend_id { NB_BACKEND_EMU, NB_BACKEND_IOMMUFD, NB_BACKEND_COUNT };

enum nb_hwpt_kind { NB_HWPT_PAGING, NB_HWPT_NEST_PARENT, NB_HWPT_NESTED };

struct nb_hwpt_req {
	enum nb_hwpt_kind kind;
	uint32_t pt_id;	 /* paging / parent: the IOAS; nested: the parent HWPT */
	uint32_t dev_id; /* the device the HWPT is allocated for */
	bool dirty_tracking; /* paging / parent: IOMMU_HWPT_ALLOC_DIRTY_TRACKING */
	uint32_t data_type; /* nested: vendor data type (iommufd enum) */
	const void *data;   /* nested: vendor data (stage-1 root, ...) */
	uint32_t data_len;
};

/* IOMMU_GET_HW_INFO: the vendor type and, for VT-d, the capability
 * registers (nb_hwparams_apply_vtd_caps turns them into model parameters). */
struct nb_hw_info {
	uint32_t type; /* iommufd enum iommu_hw_info_type (1: Intel VT-d) */
	uint8_t max_pasid_log2;
	uint64_t capabilities;
	uint64_t vtd_cap, vtd_ecap;
};

/* An IOVA range, last inclusive (iommufd's struct iommu_iova_range). */
struct nb_iova_range {
	uint64_t start, last;
};

/* IOMMU_IOAS_COPY: map in dst_ioas the pages src_ioas maps at
 * [src_iova, src_iova + len), which must be mapped without a hole. */
struct nb_copy_req {
	uint32_t dst_ioas, src_ioas;
	uint64_t dst_iova; /* in: where (unless any_iova); out: where it went */
	bool any_iova;	   /* the IOAS picks dst_iova (no IOMMU_IOAS_MAP_FIXED_IOVA) */
	uint64_t src_iova, len;
	unsigned prot;
};

/* GET_HW_INFO capabilities (iommufd enum iommufd_hw_capabilities). */
#define NB_HW_CAP_DIRTY_TRACKING (1u << 0)

struct nb_backend;

struct nb_backend_ops {
	const char *name;
	/* arg: emu: the hardware it emulates, a registered model's name (its
	 * hardware file, nb_hwparams_model) or a description file, then
	 * ";key=value..." overrides (NULL: vtd); iommufd: the device node (NULL: /dev/iommu).
	 * -ENODEV: the backend is not here. */
	int (*open)(struct nb_backend **out, const char *arg);
	void (*close)(struct nb_backend *b);
	/* A device: emu: "sim:<sid>"; iommufd: a VFIO cdev path or "mock". */
	int (*dev_open)(struct nb_backend *b, const char *spec, uint32_t *dev_id);
	int (*ioas_alloc)(struct nb_backend *b, uint32_t *ioas_id);
	/* Map len bytes of buf at iova (fixed). */
	int (*ioas_map)(struct nb_backend *b, uint32_t ioas_id, uint64_t iova, void *buf, uint64_t len,
			unsigned prot);
	int (*ioas_unmap)(struct nb_backend *b, uint32_t ioas_id, uint64_t iova, uint64_t len,
			  uint64_t *unmapped);
	/* Map a scatter list back to back from iova in one call (iommu_map_sg):
	 * segs[i].pa is the physical address of the i-th piece (emu's buffers
	 * are their own PAs). */
	int (*ioas_map_sg)(struct nb_backend *b, uint32_t ioas_id, uint64_t iova,
			   const struct nb_map_seg *segs, size_t n, unsigned prot);
	int (*hwpt_alloc)(struct nb_backend *b, const struct nb_hwpt_req *req, uint32_t *hwpt_id);
	/* IOAS_MAP without FIXED_IOVA: the IOAS picks the lowest free IOVA at
	 * or above 4 KiB in its allowed ranges (all usable ones when none were
	 * set), aligned to min(len rounded up to a power of two, the lowest set
	 * bit of buf, 2 MiB), as iommufd's iopt_alloc_iova does. */
	int (*ioas_map_any)(struct nb_backend *b, uint32_t ioas_id, void *buf, uint64_t len,
			    unsigned prot, uint64_t *iova);
	int (*ioas_copy)(struct nb_backend *b, struct nb_copy_req *req);
	/* IOMMU_IOAS_IOVA_RANGES: the usable ranges (what no attached device or
	 * domain reserves), ascending. *n: in, room in r; out, how many there
	 * are (-EMSGSIZE when more than the room). *align: the IOVA alignment
	 * every mapping needs. */
	int (*iova_ranges)(struct nb_backend *b, uint32_t ioas_id, struct nb_iova_range *r,
			   uint32_t *n, uint64_t *align);
	/* IOMMU_IOAS_ALLOW_IOVAS: kernel-chosen IOVAs only inside these (n = 0:
	 * anywhere usable); -EADDRINUSE when a range is reserved. */
	int (*allow_iovas)(struct nb_backend *b, uint32_t ioas_id, const struct nb_iova_range *r,
			   uint32_t n);
	/* Attach a device to an IOAS (automatic domain) or a HWPT; when it is
	 * attached already, replace (IOMMU replace: the device moves to pt_id
	 * with no moment unattached; on failure it stays where it was). */
	int (*attach)(struct nb_backend *b, uint32_t dev_id, uint32_t pt_id);
	/* A guest's stage-1 invalidation requests on a nested HWPT; *done says
	 * how many were handled even when it fails. */
	int (*hwpt_invalidate)(struct nb_backend *b, uint32_t hwpt_id, const struct nb_flush_req *reqs,
			       uint32_t n, uint32_t *done);
	/* -EBUSY while something uses the object (a device attached to it, a
	 * HWPT on an IOAS), as IOMMU_DESTROY answers. */
	int (*destroy)(struct nb_backend *b, uint32_t id);
	int (*hw_info)(struct nb_backend *b, uint32_t dev_id, struct nb_hw_info *out);
	/* Dirty tracking of a paging HWPT allocated with dirty_tracking:
	 * IOMMU_HWPT_SET_DIRTY_TRACKING (enabling starts from a clean slate) and
	 * IOMMU_HWPT_GET_DIRTY_BITMAP: bit i of bitmap (u64 words, bit 0 the
	 * lowest) stands for [iova + i * page_size, + page_size); bits are only
	 * set, never cleared (zero the bitmap first). Each dirty leaf (IOPTE)
	 * marks every page_size unit it overlaps, and its dirty bit is cleared
	 * unless no_clear. iova and len: multiples of page_size (and of the IOVA
	 * alignment), mapped without a hole; -EINVAL while tracking is off. */
	int (*set_dirty_tracking)(struct nb_backend *b, uint32_t hwpt_id, bool enable);
	int (*get_dirty_bitmap)(struct nb_backend *b, uint32_t hwpt_id, uint64_t iova, uint64_t len,
				uint64_t page_size, uint64_t *bitmap, bool no_clear);
	/* Test hook, the device's side: the device reads (NB_PROT_R) or writes
	 * (NB_PROT_W) [iova, iova + len) through its current attachment, and
	 * every page must translate to the matching page of expect (-EINVAL if
	 * one lands elsewhere, -ENOENT if one is not mapped). A write marks the
	 * leaves dirty where the HWPT tracks dirty. emu: DMAs through the
	 * simulated IOMMU; iommufd: the selftest mock device only
	 * (IOMMU_TEST_OP_MD_CHECK_MAP, and IOMMU_TEST_OP_DIRTY for a write);
	 * -EOPNOTSUPP for a VFIO device, whose DMA cannot be started from here. */
	int (*dev_dma)(struct nb_backend *b, uint32_t dev_id, uint64_t iova, uint64_t len,
		       unsigned access, const void *expect);
};

extern const struct nb_backend_ops *const nb_backends[NB_BACKEND_COUNT];
int nb_backend_by_name(const char *name, const struct nb_backend_ops **out);

#endif
