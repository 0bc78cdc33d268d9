// SPDX-License-Identifier: MIT
/*
 * The iommufd backend: the real /dev/iommu behind the backend ops table.
 * Devices are a VFIO cdev (/dev/vfio/devices/vfioN, bound with
 * VFIO_DEVICE_BIND_IOMMUFD) or the kernel's selftest mock device
 * (CONFIG_IOMMUFD_TEST: IOMMU_TEST_OP_MOCK_DOMAIN), the one way to drive the
 * nesting uAPI end to end without nesting-capable hardware. Every failure
 * names the ioctl and errno; EOPNOTSUPP is "unsupported on this IOMMU".
 * uAPI layouts come from linux-6.12's headers extracted at build time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The headers come straight from the kernel tree, not through
 * headers_install, which would have removed __user. */
#define __user
#include <linux/iommufd.h>
#include <linux/iommufd_test.h>
#include <linux/vfio.h>

#include "nestbench/backend.h"

#define MAX_DEVS 16
#define MAX_DIRTY 16 /* HWPTs with dirty tracking on at once */

struct iofd_dev {
	bool used, mock, bound;
	int fd;		 /* VFIO cdev; -1 for mock */
	uint32_t dev_id; /* iommufd device object (idev) */
	uint32_t stdev_id; /* mock: the selftest device object */
	uint32_t pt_id;	 /* current attachment */
};

struct nb_backend {
	int fd;
	struct iofd_dev dev[MAX_DEVS];
	uint32_t dirty_on[MAX_DIRTY]; /* HWPTs tracking dirty (0: free slot) */
};

static int ioctl_fail(const char *what, int err)
{
	if (err == EOPNOTSUPP)
		return nb_fail(err, "iommufd: %s: unsupported on this IOMMU (EOPNOTSUPP)", what);
	return nb_fail(err, "iommufd: %s: %s (errno %d)", what, strerror(err), err);
}

#define IOFD(b, cmd, arg) (ioctl((b)->fd, (cmd), (arg)) ? ioctl_fail(#cmd, errno) : 0)

static int iofd_open(struct nb_backend **out, const char *arg)
{
	const char *node = arg ? arg : "/dev/iommu";
	struct nb_backend *b;
	int fd = open(node, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return nb_fail(ENODEV, "iommufd: %s: %s (no iommufd on this kernel)", node, strerror(errno));
	b = calloc(1, sizeof(*b));
	if (!b) {
		close(fd);
		return nb_fail(ENOMEM, "iommufd: out of memory");
	}
	b->fd = fd;
	*out = b;
	return 0;
}

static void iofd_close(struct nb_backend *b)
{
	for (int i = 0; i < MAX_DEVS; i++)
		if (b->dev[i].used && b->dev[i].fd >= 0)
			close(b->dev[i].fd);
	close(b->fd);
	free(b);
}

static struct iofd_dev *dev_of(struct nb_backend *b, uint32_t handle)
{
	if (handle == 0 || handle > MAX_DEVS || !b->dev[handle - 1].used) {
		nb_fail(ENOENT, "iommufd: no device handle %u", handle);
		return NULL;
	}
	return &b->dev[handle - 1];
}

/* Devices are handles 1..MAX_DEVS (the iommufd dev_id is looked up from
 * them): a mock device only gets its iommufd id once it is attached. */
static int iofd_dev_open(struct nb_backend *b, const char *spec, uint32_t *handle)
{
	struct iofd_dev *d = NULL;
	int i;

	for (i = 0; i < MAX_DEVS && b->dev[i].used; i++)
		;
	if (i == MAX_DEVS)
		return nb_fail(ENOSPC, "iommufd: more than %d devices", MAX_DEVS);
	d = &b->dev[i];
	*d = (struct iofd_dev){ .used = true, .fd = -1 };
	if (!spec || strcmp(spec, "mock") == 0) {
		d->mock = true;
	} else {
		struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind), .iommufd = b->fd };

		d->fd = open(spec, O_RDWR | O_CLOEXEC);
		if (d->fd < 0) {
			d->used = false;
			return nb_fail(errno, "iommufd: %s: %s", spec, strerror(errno));
		}
		if (ioctl(d->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind)) {
			int err = errno;

			close(d->fd);
			d->used = false;
			return ioctl_fail("VFIO_DEVICE_BIND_IOMMUFD", err);
		}
		d->dev_id = bind.out_devid;
		d->bound = true;
	}
	*handle = (uint32_t)i + 1;
	return 0;
}

static int iofd_ioas_alloc(struct nb_backend *b, uint32_t *ioas_id)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	int ret = IOFD(b, IOMMU_IOAS_ALLOC, &a);

	if (!ret)
		*ioas_id = a.out_ioas_id;
	return ret;
}

static int iofd_ioas_map(struct nb_backend *b, uint32_t ioas_id, uint64_t iova, void *buf,
			 uint64_t len, unsigned prot)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | ((prot & NB_PROT_R) ? IOMMU_IOAS_MAP_READABLE : 0) |
			 ((prot & NB_PROT_W) ? IOMMU_IOAS_MAP_WRITEABLE : 0),
		.ioas_id = ioas_id,
		.user_va = (uint64_t)(uintptr_t)buf,
		.length = len,
		.iova = iova,
	};

	return IOFD(b, IOMMU_IOAS_MAP, &m);
}

static int iofd_ioas_map_any(struct nb_backend *b, uint32_t ioas_id, void *buf, uint64_t len,
			     unsigned prot, uint64_t *iova)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = ((prot & NB_PROT_R) ? IOMMU_IOAS_MAP_READABLE : 0) |
			 ((prot & NB_PROT_W) ? IOMMU_IOAS_MAP_WRITEABLE : 0),
		.ioas_id = ioas_id,
		.user_va = (uint64_t)(uintptr_t)buf,
		.length = len,
	};
	int ret = IOFD(b, IOMMU_IOAS_MAP, &m);

	if (!ret)
		*iova = m.iova;
	return ret;
}

static int iofd_ioas_copy(struct nb_backend *b, struct nb_copy_req *req)
{
	struct iommu_ioas_copy c = {
		.size = sizeof(c),
		.flags = (req->any_iova ? 0 : IOMMU_IOAS_MAP_FIXED_IOVA) |
			 ((req->prot & NB_PROT_R) ? IOMMU_IOAS_MAP_READABLE : 0) |
			 ((req->prot & NB_PROT_W) ? IOMMU_IOAS_MAP_WRITEABLE : 0),
		.dst_ioas_id = req->dst_ioas,
		.src_ioas_id = req->src_ioas,
		.length = req->len,
		.dst_iova = req->dst_iova,
		.src_iova = req->src_iova,
	};
	int ret = IOFD(b, IOMMU_IOAS_COPY, &c);

	if (!ret)
		req->dst_iova = c.dst_iova;
	return ret;
}

static int iofd_iova_ranges(struct nb_backend *b, uint32_t ioas_id, struct nb_iova_range *r,
			    uint32_t *n, uint64_t *align)
{
	/* struct iommu_iova_range is two __aligned_u64: the same layout */
	_Static_assert(sizeof(struct iommu_iova_range) == sizeof(struct nb_iova_range), "layout");
	struct iommu_ioas_iova_ranges q = { .size = sizeof(q), .ioas_id = ioas_id, .num_iovas = *n,
					     .allowed_iovas = (uint64_t)(uintptr_t)r };
	int ret = ioctl(b->fd, IOMMU_IOAS_IOVA_RANGES, &q) ? -errno : 0;

	/* EMSGSIZE still reports the count and the alignment */
	*n = q.num_iovas;
	*align = q.out_iova_alignment;
	return ret ? ioctl_fail("IOMMU_IOAS_IOVA_RANGES", -ret) : 0;
}

static int iofd_allow_iovas(struct nb_backend *b, uint32_t ioas_id, const struct nb_iova_range *r,
			    uint32_t n)
{
	struct iommu_ioas_allow_iovas a = { .size = sizeof(a), .ioas_id = ioas_id, .num_iovas = n,
					     .allowed_iovas = (uint64_t)(uintptr_t)r };

	return IOFD(b, IOMMU_IOAS_ALLOW_IOVAS, &a);
}

static int iofd_ioas_unmap(struct nb_backend *b, uint32_t ioas_id, uint64_t iova, uint64_t len,
			   uint64_t *unmapped)
{
	struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = ioas_id, .iova = iova, .length = len };
	int ret = IOFD(b, IOMMU_IOAS_UNMAP, &u);

	if (!ret)
		*unmapped = u.length;
	return ret;
}

/* The selftest mock device comes into being attached to pt_id. */
static int mock_create(struct nb_backend *b, struct iofd_dev *d, uint32_t pt_id)
{
	struct iommu_test_cmd c = { .size = sizeof(c), .op = IOMMU_TEST_OP_MOCK_DOMAIN, .id = pt_id };
	int ret = IOFD(b, IOMMU_TEST_CMD, &c);

	if (!ret) {
		d->stdev_id = c.mock_domain.out_stdev_id;
		d->dev_id = c.mock_domain.out_idev_id;
		d->pt_id = c.mock_domain.out_hwpt_id;
		d->bound = true;
	}
	return ret;
}

static int iofd_hwpt_alloc(struct nb_backend *b, const struct nb_hwpt_req *req, uint32_t *hwpt_id)
{
	struct iofd_dev *d = dev_of(b, req->dev_id);
	struct iommu_hwpt_alloc a = { .size = sizeof(a), .pt_id = req->pt_id };
	int ret;

	if (!d)
		return -ENOENT;
	if (d->mock && !d->bound && (ret = mock_create(b, d, req->pt_id)))
		return ret; /* iommufd needs the device before a HWPT */
	a.dev_id = d->dev_id;
	if (req->kind == NB_HWPT_NEST_PARENT)
		a.flags = IOMMU_HWPT_ALLOC_NEST_PARENT;
	if (req->dirty_tracking)
		a.flags |= IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	if (req->kind == NB_HWPT_NESTED) {
		static const struct iommu_hwpt_selftest mock_data = { .iotlb = IOMMU_TEST_IOTLB_DEFAULT };

		a.data_type = req->data_type;
		a.data_len = req->data_len;
		a.data_uptr = (uint64_t)(uintptr_t)req->data;
		if (!req->data && d->mock) { /* the mock's own stage-1 "table" */
			a.data_type = IOMMU_HWPT_DATA_SELFTEST;
			a.data_len = sizeof(mock_data);
			a.data_uptr = (uint64_t)(uintptr_t)&mock_data;
		}
	}
	ret = IOFD(b, IOMMU_HWPT_ALLOC, &a);
	if (!ret)
		*hwpt_id = a.out_hwpt_id;
	return ret;
}

static int iofd_attach(struct nb_backend *b, uint32_t handle, uint32_t pt_id)
{
	struct iofd_dev *d = dev_of(b, handle);
	int ret;

	if (!d)
		return -ENOENT;
	if (d->mock) {
		struct iommu_test_cmd c = { .size = sizeof(c), .op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE };

		if (!d->bound)
			return mock_create(b, d, pt_id);
		c.id = d->stdev_id;
		c.mock_domain_replace.pt_id = pt_id;
		ret = IOFD(b, IOMMU_TEST_CMD, &c);
		pt_id = c.mock_domain_replace.pt_id; /* an IOAS: its HWPT */
	} else {
		/* attached already: VFIO replaces (iommufd_device_replace) */
		struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at), .pt_id = pt_id };

		ret = ioctl(d->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) ?
			      ioctl_fail("VFIO_DEVICE_ATTACH_IOMMUFD_PT", errno) : 0;
		pt_id = at.pt_id;
	}
	if (!ret)
		d->pt_id = pt_id;
	return ret;
}

/* A guest request as the HWPT's vendor data: VT-d stage-1 ranges, or the
 * selftest mock's IOTLB slots (everything: the mock has no addresses). */
static int iofd_hwpt_invalidate(struct nb_backend *b, uint32_t hwpt_id, const struct nb_flush_req *reqs,
				uint32_t n, uint32_t *done)
{
	struct iommu_hwpt_invalidate_selftest st[64];
	struct iommu_hwpt_invalidate inv = {
		.size = sizeof(inv), .hwpt_id = hwpt_id, .data_uptr = (uint64_t)(uintptr_t)st,
		.data_type = IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, .entry_len = sizeof(st[0]),
	};
	int ret;

	*done = 0;
	if (n > NB_ARRAY_SIZE(st))
		return nb_fail(E2BIG, "iommufd: IOMMU_HWPT_INVALIDATE: %u entries, at most %zu", n,
			       NB_ARRAY_SIZE(st));
	for (uint32_t i = 0; i < n; i++)
		st[i] = (struct iommu_hwpt_invalidate_selftest){
			.flags = reqs[i].size ? 0 : IOMMU_TEST_INVALIDATE_FLAG_ALL,
			.iotlb_id = (uint32_t)(reqs[i].addr % MOCK_NESTED_DOMAIN_IOTLB_NUM),
		};
	inv.entry_num = n;
	ret = IOFD(b, IOMMU_HWPT_INVALIDATE, &inv);
	*done = inv.entry_num; /* how many were handled, even on failure */
	return ret;
}

static uint32_t *dirty_slot(struct nb_backend *b, uint32_t hwpt_id)
{
	for (int i = 0; i < MAX_DIRTY; i++)
		if (b->dirty_on[i] == hwpt_id)
			return &b->dirty_on[i];
	return NULL;
}

static int iofd_destroy(struct nb_backend *b, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };
	int ret = IOFD(b, IOMMU_DESTROY, &d);
	uint32_t *slot = dirty_slot(b, id);

	if (!ret && slot)
		*slot = 0;
	return ret;
}

static int iofd_set_dirty_tracking(struct nb_backend *b, uint32_t hwpt_id, bool enable)
{
	struct iommu_hwpt_set_dirty_tracking s = {
		.size = sizeof(s), .hwpt_id = hwpt_id,
		.flags = enable ? IOMMU_HWPT_DIRTY_TRACKING_ENABLE : 0,
	};
	uint32_t *slot = dirty_slot(b, hwpt_id);
	int ret;

	if (enable && !slot && !(slot = dirty_slot(b, 0)))
		return nb_fail(ENOSPC, "iommufd: more than %d HWPTs tracking dirty", MAX_DIRTY);
	ret = IOFD(b, IOMMU_HWPT_SET_DIRTY_TRACKING, &s);
	if (!ret && slot)
		*slot = enable ? hwpt_id : 0;
	return ret;
}

static int iofd_get_dirty_bitmap(struct nb_backend *b, uint32_t hwpt_id, uint64_t iova, uint64_t len,
				 uint64_t page_size, uint64_t *bitmap, bool no_clear)
{
	struct iommu_hwpt_get_dirty_bitmap g = {
		.size = sizeof(g), .hwpt_id = hwpt_id,
		.flags = no_clear ? IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR : 0,
		.iova = iova, .length = len, .page_size = page_size,
		.data = (uint64_t)(uintptr_t)bitmap,
	};

	return IOFD(b, IOMMU_HWPT_GET_DIRTY_BITMAP, &g);
}

/* The mock's pages are 2 KiB (MOCK_IO_PAGE_SIZE = PAGE_SIZE / 2, selftest.c);
 * IOMMU_TEST_OP_DIRTY indexes its table by iova / page_size, so it must be
 * given that size. */
#define MOCK_IO_PAGE 2048u

/* A write by the mock device: IOMMU_TEST_OP_DIRTY marks each page of the
 * range dirty in the mock's table, as the hardware would on DMA. */
static int mock_write(struct nb_backend *b, uint32_t hwpt_id, uint64_t iova, uint64_t len)
{
	uint64_t pages = len / MOCK_IO_PAGE, *bits = malloc((pages + 63) / 64 * 8);
	struct iommu_test_cmd c = {
		.size = sizeof(c), .op = IOMMU_TEST_OP_DIRTY, .id = hwpt_id,
		.dirty = { .iova = iova, .length = len, .page_size = MOCK_IO_PAGE,
			   .uptr = (uint64_t)(uintptr_t)bits },
	};
	int ret;

	if (!bits)
		return nb_fail(ENOMEM, "iommufd: out of memory");
	memset(bits, 0xff, (pages + 63) / 64 * 8);
	ret = IOFD(b, IOMMU_TEST_CMD, &c);
	free(bits);
	if (!ret && c.dirty.out_nr_dirty != pages)
		return nb_fail(ENOENT, "iommufd: IOMMU_TEST_OP_DIRTY: %llu of %llu pages mapped",
			       (unsigned long long)c.dirty.out_nr_dirty, (unsigned long long)pages);
	return ret;
}

static int iofd_dev_dma(struct nb_backend *b, uint32_t handle, uint64_t iova, uint64_t len,
			unsigned access, const void *expect)
{
	struct iofd_dev *d = dev_of(b, handle);
	struct iommu_test_cmd c = {
		.size = sizeof(c), .op = IOMMU_TEST_OP_MD_CHECK_MAP,
		.check_map = { .iova = iova, .length = len, .uptr = (uint64_t)(uintptr_t)expect },
	};

	if (!d)
		return -ENOENT;
	if (!d->mock)
		return nb_fail(EOPNOTSUPP, "iommufd: dev_dma: a VFIO device's DMA cannot be started "
					   "from here: unsupported (EOPNOTSUPP)");
	if (!d->bound)
		return nb_fail(EINVAL, "iommufd: dev_dma: the mock device is not attached");
	/* MD_CHECK_MAP: every mock page of the range maps the page of expect */
	c.id = d->pt_id;
	if (ioctl(b->fd, IOMMU_TEST_CMD, &c))
		return ioctl_fail("IOMMU_TEST_CMD(MD_CHECK_MAP): a page not mapped to the expected one",
				  errno);
	if ((access & NB_PROT_W) && dirty_slot(b, d->pt_id))
		return mock_write(b, d->pt_id, iova, len);
	return 0;
}

static int iofd_hw_info(struct nb_backend *b, uint32_t handle, struct nb_hw_info *out)
{
	struct iofd_dev *d = dev_of(b, handle);
	struct iommu_hw_info_vtd vtd = { 0 };
	struct iommu_hw_info h = { .size = sizeof(h), .data_len = sizeof(vtd),
				   .data_uptr = (uint64_t)(uintptr_t)&vtd };
	int ret;

	if (!d)
		return -ENOENT;
	if (!d->bound)
		return nb_fail(EINVAL, "iommufd: IOMMU_GET_HW_INFO: attach the mock device first");
	h.dev_id = d->dev_id;
	ret = IOFD(b, IOMMU_GET_HW_INFO, &h);
	if (ret)
		return ret;
	*out = (struct nb_hw_info){ .type = h.out_data_type, .max_pasid_log2 = h.out_max_pasid_log2,
				    .capabilities = h.out_capabilities };
	if (h.out_data_type == IOMMU_HW_INFO_TYPE_INTEL_VTD) {
		out->vtd_cap = vtd.cap_reg;
		out->vtd_ecap = vtd.ecap_reg;
	}
	return 0;
}

const struct nb_backend_ops nb_backend_iommufd = {
	.name = "iommufd",
	.open = iofd_open,
	.close = iofd_close,
	.dev_open = iofd_dev_open,
	.ioas_alloc = iofd_ioas_alloc,
	.ioas_map = iofd_ioas_map,
	.ioas_unmap = iofd_ioas_unmap,
	/* IOMMU_IOAS_MAP takes one contiguous user range: the uAPI has no
	 * scatter list (the kernel's iommu_map_sg runs inside it) */
	.ioas_map_sg = NULL,
	.hwpt_alloc = iofd_hwpt_alloc,
	.attach = iofd_attach,
	.hwpt_invalidate = iofd_hwpt_invalidate,
	.destroy = iofd_destroy,
	.hw_info = iofd_hw_info,
	.ioas_map_any = iofd_ioas_map_any,
	.ioas_copy = iofd_ioas_copy,
	.iova_ranges = iofd_iova_ranges,
	.allow_iovas = iofd_allow_iovas,
	.set_dirty_tracking = iofd_set_dirty_tracking,
	.get_dirty_bitmap = iofd_get_dirty_bitmap,
	.dev_dma = iofd_dev_dma,
};
