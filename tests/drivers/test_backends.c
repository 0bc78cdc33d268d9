// SPDX-License-Identifier: MIT
/*
 * Both backends through the one ops table, and the iommufd backend's error
 * paths: a node that is not /dev/iommu (bad fd: every ioctl fails and names
 * itself), a missing /dev/iommu (one clear line), an unmapped range, a
 * feature the IOMMU lacks (EOPNOTSUPP: "unsupported on this IOMMU"). Where
 * /dev/iommu exists (the project's QEMU guest) the same sequence runs on
 * the real kernel; NB_IOMMUFD_DEV names a VFIO cdev, else the selftest mock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nb_test.h"
#include "nestbench/backend.h"

#ifndef NB_CONFIG_DIR
#define NB_CONFIG_DIR "configs"
#endif

/* The common sequence, whatever the backend. */
static void conformance(const struct nb_backend_ops *ops, const char *arg, const char *dev_spec)
{
	struct nb_backend *b;
	uint32_t dev, ioas, hwpt;
	uint64_t got = 0;
	void *buf = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	const uint64_t iova = 16ull << 20;

	if (ops->open(&b, arg)) {
		NBT_FAIL("%s: open: %s", ops->name, nb_errmsg()); /* nothing below runs without it */
		return;
	}
	CHECK(ops->dev_open(b, dev_spec, &dev) == 0, "%s: device %s: %s", ops->name, dev_spec, nb_errmsg());
	CHECK(ops->ioas_alloc(b, &ioas) == 0, "%s: ioas: %s", ops->name, nb_errmsg());
	CHECK(ops->hwpt_alloc(b, &(struct nb_hwpt_req){ .kind = NB_HWPT_PAGING, .pt_id = ioas, .dev_id = dev },
			      &hwpt) == 0,
	      "%s: hwpt: %s", ops->name, nb_errmsg());
	CHECK(ops->attach(b, dev, hwpt) == 0, "%s: attach: %s", ops->name, nb_errmsg());
	CHECK(ops->ioas_map(b, ioas, iova, buf, 2 << 20, NB_PROT_RW) == 0, "%s: map: %s", ops->name,
	      nb_errmsg());
	CHECK(ops->ioas_map(b, ioas, iova, buf, 4096, NB_PROT_RW) < 0, "%s: a second map of the same IOVA fails",
	      ops->name);
	CHECK(ops->ioas_unmap(b, ioas, iova, 2 << 20, &got) == 0 && got == 2 << 20, "%s: unmap %llu: %s",
	      ops->name, (unsigned long long)got, nb_errmsg());
	/* unmapped range: refused, and the message names the call */
	CHECK(ops->ioas_unmap(b, ioas, iova, 4096, &got) == -ENOENT, "%s: unmapped range -> ENOENT (%s)",
	      ops->name, nb_errmsg());
	CHECK(strstr(nb_errmsg(), ops == nb_backends[NB_BACKEND_IOMMUFD] ? "IOMMU_IOAS_UNMAP" : "unmap") != NULL,
	      "%s: the message names the call: %s", ops->name, nb_errmsg());
	CHECK(ops->destroy(b, 999999) < 0, "%s: destroying a missing object fails", ops->name);
	ops->close(b);
	munmap(buf, 4 << 20);
}

/* iommufd on a node that is not /dev/iommu: every ioctl fails, named. */
static void bad_fd(void)
{
	const struct nb_backend_ops *ops = nb_backends[NB_BACKEND_IOMMUFD];
	struct nb_backend *b;
	uint32_t ioas;

	CHECK(ops->open(&b, "/dev/null") == 0, "open /dev/null as the node: %s", nb_errmsg());
	CHECK(ops->ioas_alloc(b, &ioas) == -ENOTTY, "IOAS_ALLOC on a non-iommufd fd: ENOTTY");
	CHECK(strstr(nb_errmsg(), "IOMMU_IOAS_ALLOC") && strstr(nb_errmsg(), "errno 25"),
	      "names the ioctl and errno: %s", nb_errmsg());
	CHECK(ops->dev_open(b, "/nonexistent/vfio0", &ioas) == -ENOENT &&
		      strstr(nb_errmsg(), "/nonexistent/vfio0"),
	      "a missing VFIO cdev is named: %s", nb_errmsg());
	ops->close(b);
}

int main(void)
{
	const struct nb_backend_ops *io = nb_backends[NB_BACKEND_IOMMUFD];
	struct nb_backend *b;

	/* NB_CONFIG_DIR (environment): where the model files are when the
	 * binary runs elsewhere than it was built (the guest's /nb/configs) */
	const char *cfg_dir = getenv("NB_CONFIG_DIR") ? getenv("NB_CONFIG_DIR") : NB_CONFIG_DIR;
	char cfg[512];

	snprintf(cfg, sizeof(cfg), "%s/vtd.cfg", cfg_dir);
	conformance(nb_backends[NB_BACKEND_EMU], cfg, "sim:1");
	bad_fd();
	if (access("/dev/iommu", R_OK | W_OK)) {
		/* the one-line skip every iommufd benchmark prints */
		CHECK(io->open(&b, NULL) == -ENODEV, "no /dev/iommu: ENODEV");
		CHECK(strstr(nb_errmsg(), "/dev/iommu") != NULL, "the line names /dev/iommu: %s", nb_errmsg());
		printf("iommufd: %s: real-kernel part skipped\n", nb_errmsg());
	} else {
		const char *dev = getenv("NB_IOMMUFD_DEV") ? getenv("NB_IOMMUFD_DEV") : "mock";
		uint32_t d, ioas, parent;
		int ret;

		conformance(io, NULL, dev);
		CHECK(io->open(&b, NULL) == 0, "open");
		io->dev_open(b, dev, &d);
		io->ioas_alloc(b, &ioas);
		ret = io->hwpt_alloc(b, &(struct nb_hwpt_req){ .kind = NB_HWPT_NEST_PARENT, .pt_id = ioas,
							       .dev_id = d }, &parent);
		/* emulated VT-d/AMD-Vi have no nesting: unsupported, said so */
		CHECK(ret == 0 || (ret == -EOPNOTSUPP && strstr(nb_errmsg(), "unsupported on this IOMMU")),
		      "nest parent: ok or unsupported: %d %s", ret, nb_errmsg());
		io->close(b);
	}
	return nbt_done("test_backends");
}
