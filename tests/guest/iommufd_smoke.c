/*
 * iommufd_smoke: an independent check that a kernel's /dev/iommu does what the
 * nestbench guest expects. Meant to run inside the QEMU guest (scripts/guest/);
 * on a host without /dev/iommu it prints one line and exits 77 (ctest: skipped).
 *
 * Steps, each recorded as "ok" or the errno name of the failing ioctl:
 *   IOAS: alloc; (device attach, below); map+unmap at a fixed IOVA of a 4 KiB and
 *   a 2 MiB buffer; IOVA ranges.
 *   VFIO cdev (if one exists or --vfio PATH): bind to iommufd, attach to the IOAS,
 *   GET_HW_INFO (VT-d cap/ecap), HWPT_ALLOC plain and NEST_PARENT.
 *   Selftest mock device (CONFIG_IOMMUFD_TEST): MOCK_DOMAIN on the IOAS,
 *   GET_HW_INFO, MD_CHECK_MAP after each map, HWPT_ALLOC NEST_PARENT, nested HWPT
 *   with selftest data, MD_CHECK_IOTLB, HWPT_INVALIDATE, MD_CHECK_IOTLB again.
 * Devices are attached before mapping, so the maps reach the device's domain.
 *
 * Output: one JSON line on stdout. Exit status 0 when every required step
 * succeeded (the IOAS steps; the VFIO steps with --expect-vfio; the mock steps
 * with --expect-mock), 1 otherwise, 2 on bad usage, 77 without /dev/iommu.
 *
 * Usage: iommufd_smoke [--vfio PATH] [--no-mock] [--expect-vfio] [--expect-mock]
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/iommufd.h>
/* The headers come straight from the kernel tree, not from `make headers`,
 * which would have stripped vfio.h's one __user annotation. */
#ifndef __user
#define __user
#endif
#include <linux/vfio.h>
#include <linux/iommufd_test.h> /* the selftest commands: not uAPI, from the source tree */

#define SZ_4K 0x1000UL
#define SZ_2M 0x200000UL
/* Inside the selftest mock aperture [16 MiB, 2 GiB) and clear of the x86
 * interrupt window, so the same IOVAs work on every configuration. */
#define IOVA_4K 0x1000000UL
#define IOVA_2M 0x4000000UL
#define DEFAULT_VFIO "/dev/vfio/devices/vfio0"

/* One recorded step: name, result ("ok" or errno name), required or not. */
struct step {
	const char *name;
	int err; /* 0 = ok */
	bool required;
};

static struct step steps[40];
static unsigned int nsteps;
static bool failed;

static const char *errname(int err)
{
	const char *n = strerrorname_np(err);
	return n ? n : "EUNKNOWN";
}

/* Record the result of one ioctl (rc as ioctl returned it); returns rc. */
static int record(const char *name, int rc, bool required)
{
	struct step *s = &steps[nsteps < 40 ? nsteps++ : 39];
	s->name = name;
	s->err = rc ? errno : 0;
	s->required = required;
	if (rc && required)
		failed = true;
	return rc;
}

static int ioas_alloc(int fd, uint32_t *ioas)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	int rc = record("ioas_alloc", ioctl(fd, IOMMU_IOAS_ALLOC, &a), true);
	*ioas = a.out_ioas_id;
	return rc;
}

static int ioas_map(int fd, uint32_t ioas, void *va, uint64_t len, uint64_t iova, const char *name)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.user_va = (uintptr_t)va,
		.length = len,
		.iova = iova,
	};
	return record(name, ioctl(fd, IOMMU_IOAS_MAP, &m), true);
}

static int ioas_unmap(int fd, uint32_t ioas, uint64_t len, uint64_t iova, const char *name)
{
	struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = len };
	int rc = record(name, ioctl(fd, IOMMU_IOAS_UNMAP, &u), true);
	if (!rc && u.length != len) {
		steps[nsteps - 1].err = EIO; /* unmapped a different amount */
		failed = true;
	}
	return rc;
}

/* The selftest's oracle: does the mock domain map [iova, iova+len) to va? */
static void mock_check_map(int fd, uint32_t hwpt, void *va, uint64_t len, uint64_t iova,
			   const char *name)
{
	struct iommu_test_cmd c = {
		.size = sizeof(c),
		.op = IOMMU_TEST_OP_MD_CHECK_MAP,
		.id = hwpt,
		.check_map = { .iova = iova, .length = len, .uptr = (uintptr_t)va },
	};
	record(name, ioctl(fd, IOMMU_TEST_CMD, &c), true);
}

static int hwpt_alloc(int fd, uint32_t flags, uint32_t dev, uint32_t pt, uint32_t type,
		      void *data, uint32_t len, uint32_t *out, const char *name, bool required)
{
	struct iommu_hwpt_alloc a = {
		.size = sizeof(a), .flags = flags, .dev_id = dev, .pt_id = pt,
		.data_type = type, .data_len = len, .data_uptr = (uintptr_t)data,
	};
	int rc = record(name, ioctl(fd, IOMMU_HWPT_ALLOC, &a), required);
	*out = a.out_hwpt_id;
	return rc;
}

struct hwinfo {
	bool valid;
	uint32_t type;
	uint64_t caps;
	uint8_t pasid_log2;
	union {
		struct iommu_hw_info_vtd vtd;
		struct iommu_test_hw_info selftest;
		uint8_t raw[64];
	} data;
};

static void get_hw_info(int fd, uint32_t dev, struct hwinfo *hi, const char *name, bool required)
{
	struct iommu_hw_info q = {
		.size = sizeof(q), .dev_id = dev,
		.data_len = sizeof(hi->data), .data_uptr = (uintptr_t)&hi->data,
	};
	memset(hi, 0, sizeof(*hi));
	if (record(name, ioctl(fd, IOMMU_GET_HW_INFO, &q), required) == 0) {
		hi->valid = true;
		hi->type = q.out_data_type;
		hi->caps = q.out_capabilities;
		hi->pasid_log2 = q.out_max_pasid_log2;
	}
}

static void print_hwinfo(const char *key, const struct hwinfo *hi)
{
	if (!hi->valid)
		return;
	printf(",\"%s\":{\"type\":%" PRIu32 ",\"capabilities\":\"0x%" PRIx64 "\",\"max_pasid_log2\":%u",
	       key, hi->type, hi->caps, hi->pasid_log2);
	if (hi->type == IOMMU_HW_INFO_TYPE_INTEL_VTD)
		printf(",\"vtd_flags\":%" PRIu32 ",\"cap\":\"0x%016" PRIx64 "\",\"ecap\":\"0x%016" PRIx64 "\"",
		       hi->data.vtd.flags, (uint64_t)hi->data.vtd.cap_reg, (uint64_t)hi->data.vtd.ecap_reg);
	else if (hi->type == IOMMU_HW_INFO_TYPE_SELFTEST)
		printf(",\"test_reg\":\"0x%" PRIx32 "\"", hi->data.selftest.test_reg);
	printf("}");
}

/* VFIO cdev: bind to the iommufd and attach to the IOAS; returns the dev id or 0. */
static uint32_t vfio_attach(int fd, const char *path, uint32_t ioas, bool required, int *devfd)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = fd };
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at), .pt_id = ioas };

	*devfd = open(path, O_RDWR | O_CLOEXEC);
	if (record("vfio_open", *devfd < 0 ? -1 : 0, required))
		return 0;
	if (record("vfio_bind_iommufd", ioctl(*devfd, VFIO_DEVICE_BIND_IOMMUFD, &b), required))
		return 0;
	if (record("vfio_attach_ioas", ioctl(*devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), required))
		return 0;
	return b.out_devid;
}

/* The selftest mock device on the IOAS; returns its dev id (0 on failure). */
static uint32_t mock_attach(int fd, uint32_t ioas, bool required, uint32_t *hwpt)
{
	struct iommu_test_cmd c = { .size = sizeof(c), .op = IOMMU_TEST_OP_MOCK_DOMAIN, .id = ioas };

	if (record("mock_domain", ioctl(fd, IOMMU_TEST_CMD, &c), required))
		return 0;
	*hwpt = c.mock_domain.out_hwpt_id;
	return c.mock_domain.out_idev_id;
}

/* Nested HWPT on a nest parent, with the mock IOTLB as a kernel-side oracle. */
static void mock_nesting(int fd, uint32_t dev, uint32_t ioas, bool required)
{
	struct iommu_hwpt_selftest data = { .iotlb = IOMMU_TEST_IOTLB_DEFAULT };
	struct iommu_hwpt_invalidate_selftest inv = { .flags = 0, .iotlb_id = 0 };
	uint32_t parent, nested;
	struct iommu_test_cmd chk = {
		.size = sizeof(chk), .op = IOMMU_TEST_OP_MD_CHECK_IOTLB,
		.check_iotlb = { .id = 0, .iotlb = IOMMU_TEST_IOTLB_DEFAULT },
	};
	struct iommu_hwpt_invalidate hi = {
		.size = sizeof(hi), .data_uptr = (uintptr_t)&inv,
		.data_type = IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
		.entry_len = sizeof(inv), .entry_num = 1,
	};

	if (hwpt_alloc(fd, IOMMU_HWPT_ALLOC_NEST_PARENT, dev, ioas, IOMMU_HWPT_DATA_NONE, NULL, 0,
		       &parent, "mock_hwpt_alloc_nest_parent", required))
		return;
	if (hwpt_alloc(fd, 0, dev, parent, IOMMU_HWPT_DATA_SELFTEST, &data, sizeof(data), &nested,
		       "mock_hwpt_alloc_nested", required))
		return;
	chk.id = nested;
	record("mock_check_iotlb_default", ioctl(fd, IOMMU_TEST_CMD, &chk), required);
	hi.hwpt_id = nested;
	if (record("mock_hwpt_invalidate", ioctl(fd, IOMMU_HWPT_INVALIDATE, &hi), required))
		return;
	if (hi.entry_num != 1) {
		steps[nsteps - 1].err = EIO; /* did not handle our one entry */
		if (required)
			failed = true;
	}
	chk.check_iotlb.iotlb = 0; /* the invalidation cleared entry 0 */
	record("mock_check_iotlb_invalidated", ioctl(fd, IOMMU_TEST_CMD, &chk), required);
}

/* A buffer of len bytes aligned to len (2 MiB: ask for a transparent huge page). */
static void *alloc_aligned(size_t len)
{
	uint8_t *p = mmap(NULL, 2 * len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	uint8_t *a = (uint8_t *)(((uintptr_t)p + len - 1) & ~(uintptr_t)(len - 1));
	if (len >= SZ_2M)
		madvise(a, len, MADV_HUGEPAGE);
	memset(a, 0x5a, len);
	return a;
}

static void usage(void)
{
	fprintf(stderr, "usage: iommufd_smoke [--vfio PATH] [--no-mock] [--expect-vfio] [--expect-mock]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *vfio = NULL;
	bool want_mock = true, expect_vfio = false, expect_mock = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--vfio") && i + 1 < argc)
			vfio = argv[++i];
		else if (!strcmp(argv[i], "--no-mock"))
			want_mock = false;
		else if (!strcmp(argv[i], "--expect-vfio"))
			expect_vfio = true;
		else if (!strcmp(argv[i], "--expect-mock"))
			expect_mock = true;
		else
			usage();
	}
	if (!vfio && (expect_vfio || access(DEFAULT_VFIO, F_OK) == 0))
		vfio = DEFAULT_VFIO;

	int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("iommufd_smoke: skipped: cannot open /dev/iommu (%s): this kernel has no iommufd\n",
		       errname(errno));
		return 77;
	}

	uint32_t ioas = 0, vdev = 0, mdev = 0, mhwpt = 0, hwpt;
	int devfd = -1;
	struct hwinfo vinfo = { 0 }, minfo = { 0 };
	void *b4k = alloc_aligned(SZ_4K), *b2m = alloc_aligned(SZ_2M);

	if (!b4k || !b2m) {
		printf("{\"smoke\":\"iommufd\",\"error\":\"mmap: %s\"}\n", errname(errno));
		return 1;
	}
	if (ioas_alloc(fd, &ioas) == 0) {
		if (vfio && (vdev = vfio_attach(fd, vfio, ioas, expect_vfio, &devfd))) {
			get_hw_info(fd, vdev, &vinfo, "vfio_get_hw_info", expect_vfio);
			hwpt_alloc(fd, 0, vdev, ioas, IOMMU_HWPT_DATA_NONE, NULL, 0, &hwpt,
				   "vfio_hwpt_alloc", expect_vfio);
			/* Never required: emulated VT-d / AMD-Vi offer no nesting. */
			hwpt_alloc(fd, IOMMU_HWPT_ALLOC_NEST_PARENT, vdev, ioas, IOMMU_HWPT_DATA_NONE,
				   NULL, 0, &hwpt, "vfio_hwpt_alloc_nest_parent", false);
		}
		if ((want_mock || expect_mock) && (mdev = mock_attach(fd, ioas, expect_mock, &mhwpt)))
			get_hw_info(fd, mdev, &minfo, "mock_get_hw_info", expect_mock);

		if (ioas_map(fd, ioas, b4k, SZ_4K, IOVA_4K, "ioas_map_4k") == 0) {
			if (mdev)
				mock_check_map(fd, mhwpt, b4k, SZ_4K, IOVA_4K, "mock_check_map_4k");
			ioas_unmap(fd, ioas, SZ_4K, IOVA_4K, "ioas_unmap_4k");
		}
		if (ioas_map(fd, ioas, b2m, SZ_2M, IOVA_2M, "ioas_map_2m") == 0) {
			if (mdev)
				mock_check_map(fd, mhwpt, b2m, SZ_2M, IOVA_2M, "mock_check_map_2m");
			ioas_unmap(fd, ioas, SZ_2M, IOVA_2M, "ioas_unmap_2m");
		}
		if (mdev)
			mock_nesting(fd, mdev, ioas, expect_mock);
	}

	struct iommu_iova_range ranges[16];
	struct iommu_ioas_iova_ranges r = {
		.size = sizeof(r), .ioas_id = ioas, .num_iovas = 16, .allowed_iovas = (uintptr_t)ranges,
	};
	bool have_ranges = ioas && record("ioas_iova_ranges", ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &r), true) == 0;

	printf("{\"smoke\":\"iommufd\",\"vfio\":");
	if (vfio)
		printf("\"%s\"", vfio);
	else
		printf("null");
	printf(",\"ok\":%s,\"results\":{", failed ? "false" : "true");
	for (unsigned int i = 0; i < nsteps; i++)
		printf("%s\"%s\":\"%s\"", i ? "," : "", steps[i].name,
		       steps[i].err ? errname(steps[i].err) : "ok");
	printf("}");
	if (have_ranges) {
		printf(",\"iova_alignment\":\"0x%" PRIx64 "\",\"iova_ranges\":[", (uint64_t)r.out_iova_alignment);
		for (uint32_t i = 0; i < r.num_iovas && i < 16; i++)
			printf("%s[\"0x%" PRIx64 "\",\"0x%" PRIx64 "\"]", i ? "," : "",
			       (uint64_t)ranges[i].start, (uint64_t)ranges[i].last);
		printf("]");
	}
	print_hwinfo("vfio_hw_info", &vinfo);
	print_hwinfo("mock_hw_info", &minfo);
	printf("}\n");

	if (devfd >= 0)
		close(devfd);
	close(fd);
	return failed ? 1 : 0;
}
