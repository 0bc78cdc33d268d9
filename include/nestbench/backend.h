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

#include "iommu.h"

enum nb_backend_id { NB_BACKEND_EMU, NB_BACKEND_IOMMUFD, NB_BACKEND_COUNT };

enum nb_hwpt_kind { NB_HWPT_PAGING, NB_HWPT_NEST_PARENT, NB_HWPT_NESTED };

struct nb_hwpt_req {
	enum nb_hwpt_kind kind;
	uint32_t pt_id;	 /* paging / parent: the IOAS; nested: the parent HWPT */
	uint32_t dev_id; /* the device the HWPT is allocated for */
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

struct nb_backend;

struct nb_backend_ops {
	const char *name;
	/* arg: emu: a model config file (NULL: configs/vtd.cfg); iommufd: the
	 * device node (NULL: /dev/iommu). -ENODEV: the backend is not here. */
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
	int (*hwpt_alloc)(struct nb_backend *b, const struct nb_hwpt_req *req, uint32_t *hwpt_id);
	/* Attach a device to an IOAS (automatic domain) or a HWPT. */
	int (*attach)(struct nb_backend *b, uint32_t dev_id, uint32_t pt_id);
	/* A guest's stage-1 invalidation requests on a nested HWPT; *done says
	 * how many were handled even when it fails. */
	int (*hwpt_invalidate)(struct nb_backend *b, uint32_t hwpt_id, const struct nb_flush_req *reqs,
			       uint32_t n, uint32_t *done);
	int (*destroy)(struct nb_backend *b, uint32_t id);
	int (*hw_info)(struct nb_backend *b, uint32_t dev_id, struct nb_hw_info *out);
};

extern const struct nb_backend_ops *const nb_backends[NB_BACKEND_COUNT];
int nb_backend_by_name(const char *name, const struct nb_backend_ops **out);

#endif
