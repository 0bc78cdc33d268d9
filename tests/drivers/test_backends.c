// SPDX-License-Identifier: MIT
/*
 * Both backends through the one ops table (conformance.h): map/unmap and
 * their errors, then the uAPI paths of uapi_checks.c, feature by feature.
 *
 *   test_backends [--emu] [--json]     the emulated IOMMU, one run per
 *        vendor model (vtd, amd, smmuv3), and the iommufd backend's error
 *        paths that need no kernel: a node that is not /dev/iommu (every
 *        ioctl fails and names itself), a missing /dev/iommu (one clear line)
 *   test_backends --kernel [--json]    the real /dev/iommu: exit 77 (skip)
 *        when there is none. NB_IOMMUFD_DEV names a VFIO cdev, else the
 *        selftest mock; NB_IOMMU (set by the guest matrix: intel, intel-cm,
 *        intel-sm, amd, mock) picks the expected values.
 *   --json   stdout: one JSON object (every feature's result and counts);
 *            the messages go to stderr.
 * Exit status: 0 when no check failed (skipped checks are counted and
 * named, not passed), 1 when one did, 2 on bad usage, 77 as above.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nestbench/iommu.h"
#include "conformance.h"

#ifndef NB_CONFIG_DIR
#define NB_CONFIG_DIR "configs"
#endif

int nbt_failed, nbt_checks;

/* map / unmap and their errors, whatever the backend. */
static void basic(const struct nb_backend_ops *ops, const char *arg, const char *dev_spec)
{
	struct feature *f = feature_begin(ops->name, "map_unmap");
	struct nb_backend *b;
	uint32_t dev, ioas, hwpt;
	uint64_t got = 0;
	void *buf = buf_alloc(2 << 20, 2 << 20);
	const uint64_t iova = 64ull << 20; /* inside every platform's aperture (conformance.c) */

	if (!buf || ops->open(&b, arg)) {
		NBT_FAIL("%s: open: %s", ops->name, nb_errmsg()); /* nothing below runs without it */
		free(buf);
		feature_end(f);
		return;
	}
	CHECK(ops->dev_open(b, dev_spec, &dev) == 0, "%s: device %s: %s", ops->name, dev_spec, nb_errmsg());
	CHECK(ops->ioas_alloc(b, &ioas) == 0, "%s: ioas: %s", ops->name, nb_errmsg());
	CHECK(ops->hwpt_alloc(b, &(struct nb_hwpt_req){ .kind = NB_HWPT_PAGING, .pt_id = ioas, .dev_id = dev },
			      &hwpt) == 0,
	      "%s: hwpt: %s", ops->name, nb_errmsg());
	CHECK(ops->attach(b, dev, hwpt) == 0, "%s: attach: %s", ops->name, nb_errmsg());
	CHECK(ops->ioas_map(b, ioas, iova, buf, 2 << 20, NB_PROT_RW) == 0, "%s: map: %s", ops->name, nb_errmsg());
	CHECK(ops->ioas_map(b, ioas, iova, buf, 4096, NB_PROT_RW) == -EEXIST,
	      "%s: a second map of the same IOVA: EEXIST", ops->name);
	/* io_pagetable.c iopt_unmap_iova_range: an unmap must take whole areas */
	CHECK(ops->ioas_unmap(b, ioas, iova, 4096, &got) == -ENOENT, "%s: unmap of part of a mapping: ENOENT",
	      ops->name);
	CHECK(ops->ioas_unmap(b, ioas, iova, 2 << 20, &got) == 0 && got == 2 << 20, "%s: unmap %llu: %s", ops->name,
	      (unsigned long long)got, nb_errmsg());
	/* unmapped range: refused, and the message names the call */
	CHECK(ops->ioas_unmap(b, ioas, iova, 4096, &got) == -ENOENT, "%s: unmapped range -> ENOENT (%s)", ops->name,
	      nb_errmsg());
	CHECK(strstr(nb_errmsg(), "IOAS_UNMAP") != NULL, "%s: the message names the call: %s", ops->name,
	      nb_errmsg());
	CHECK(ops->destroy(b, 999999) < 0, "%s: destroying a missing object fails", ops->name);
	ops->close(b);
	free(buf);
	feature_end(f);
}

/* iommufd on a node that is not /dev/iommu: every ioctl fails, named. */
static void bad_fd(void)
{
	const struct nb_backend_ops *ops = nb_backends[NB_BACKEND_IOMMUFD];
	struct feature *f = feature_begin(ops->name, "errors");
	struct nb_backend *b;
	uint32_t ioas;

	CHECK(ops->open(&b, "/dev/null") == 0, "open /dev/null as the node: %s", nb_errmsg());
	CHECK(ops->ioas_alloc(b, &ioas) == -ENOTTY, "IOAS_ALLOC on a non-iommufd fd: ENOTTY");
	CHECK(strstr(nb_errmsg(), "IOMMU_IOAS_ALLOC") && strstr(nb_errmsg(), "errno 25"),
	      "names the ioctl and errno: %s", nb_errmsg());
	CHECK(ops->ioas_map_any(b, 1, &ioas, 4096, NB_PROT_RW, &(uint64_t){ 0 }) == -ENOTTY &&
		      strstr(nb_errmsg(), "IOMMU_IOAS_MAP"),
	      "IOAS_MAP (any IOVA) names itself: %s", nb_errmsg());
	CHECK(ops->set_dirty_tracking(b, 1, true) == -ENOTTY && strstr(nb_errmsg(), "IOMMU_HWPT_SET_DIRTY_TRACKING"),
	      "SET_DIRTY_TRACKING names itself: %s", nb_errmsg());
	CHECK(ops->dev_open(b, "/nonexistent/vfio0", &ioas) == -ENOENT && strstr(nb_errmsg(), "/nonexistent/vfio0"),
	      "a missing VFIO cdev is named: %s", nb_errmsg());
	ops->close(b);
	if (access("/dev/iommu", R_OK | W_OK)) {
		/* the one-line skip every iommufd benchmark prints */
		CHECK(ops->open(&b, NULL) == -ENODEV, "no /dev/iommu: ENODEV");
		CHECK(strstr(nb_errmsg(), "/dev/iommu") != NULL, "the line names /dev/iommu: %s", nb_errmsg());
	}
	feature_end(f);
}

/* Nest parent: ok, or said unsupported (emulated VT-d/AMD-Vi lack nesting). */
static void nesting(const struct nb_backend_ops *ops, const char *arg, const char *dev_spec)
{
	struct feature *f = feature_begin(ops->name, "nest_parent");
	struct nb_backend *b;
	uint32_t d = 0, ioas = 0, parent;
	int ret;

	if (ops->open(&b, arg)) {
		NBT_FAIL("%s: open: %s", ops->name, nb_errmsg());
		feature_end(f);
		return;
	}
	CHECK(ops->dev_open(b, dev_spec, &d) == 0 && ops->ioas_alloc(b, &ioas) == 0, "%s: device, IOAS: %s",
	      ops->name, nb_errmsg());
	ret = ops->hwpt_alloc(b, &(struct nb_hwpt_req){ .kind = NB_HWPT_NEST_PARENT, .pt_id = ioas, .dev_id = d },
			      &parent);
	if (ret == -EOPNOTSUPP) {
		CHECK(strstr(nb_errmsg(), "unsupported on this IOMMU") != NULL, "%s: said unsupported: %s", ops->name,
		      nb_errmsg());
		skip_checks(f, 1, "nest parent: %s", nb_errmsg());
	} else {
		CHECK(ret == 0, "%s: nest parent: %d %s", ops->name, ret, nb_errmsg());
	}
	ops->close(b);
	feature_end(f);
}

static void all_features(const struct nb_backend_ops *ops, const char *arg, const char *dev,
			 const struct platform *pf)
{
	basic(ops, arg, dev);
	check_iova_ranges(ops, arg, dev, pf);
	check_map_any(ops, arg, dev, pf);
	check_copy_replace(ops, arg, dev, pf);
	check_dirty(ops, arg, dev, pf);
	nesting(ops, arg, dev);
}

/* The emu backend takes any registered model by name (its hardware file)
 * with overrides: what GET_HW_INFO reports follows the model's vendor (type 1
 * is IOMMU_HW_INFO_TYPE_INTEL_VTD, uapi/linux/iommufd.h) and the overrides
 * (VT-d spec 11.4.2 CAP_REG: MAMV bits 53:48, SLLPS bits 34 (2M), 35 (1G)). */
static void emu_by_model(void)
{
	const struct nb_backend_ops *ops = nb_backends[NB_BACKEND_EMU];
	const struct nb_tag_model *m;
	struct nb_backend *b;
	struct nb_hw_info hi;
	uint32_t dev;

	for (int i = 0; (m = nb_tag_model_at(i)); i++) {
		if (ops->open(&b, m->name)) {
			NBT_FAIL("emu %s: open by name: %s", m->name, nb_errmsg());
			continue;
		}
		CHECK(ops->dev_open(b, "sim:1", &dev) == 0 && ops->hw_info(b, dev, &hi) == 0, "emu %s: hw_info: %s",
		      m->name, nb_errmsg());
		CHECK_EQ(hi.type, (m->vendor == NB_VENDOR_VTD ? 1u : 0u), "emu %s: the model's vendor", m->name);
		ops->close(b);
	}
	if (ops->open(&b, "vtd_legacy;policy.max_am=5; iotlb.page_sizes=4K,1G") == 0) {
		CHECK(ops->dev_open(b, "sim:1", &dev) == 0 && ops->hw_info(b, dev, &hi) == 0, "emu overrides: %s",
		      nb_errmsg());
		CHECK_EQ((hi.vtd_cap >> 48) & 0x3f, 5, "emu vtd_legacy with policy.max_am=5: CAP.MAMV");
		CHECK_EQ((hi.vtd_cap >> 34) & 3, 2, "emu with page sizes 4K, 1G: CAP.SLLPS");
		ops->close(b);
	} else {
		NBT_FAIL("emu: a model with overrides: %s", nb_errmsg());
	}
	CHECK(ops->open(&b, "nosuch") == -EINVAL && strstr(nb_errmsg(), "unknown tag model 'nosuch'"),
	      "emu nosuch: '%s'", nb_errmsg());
	CHECK(ops->open(&b, "vtd;iotlb.ways=3") == -EINVAL && strstr(nb_errmsg(), "iotlb.ways"),
	      "emu vtd with a bad override: '%s'", nb_errmsg());
}

/* One emu run per vendor model, with the platform its answers match. */
static void emu_part(void)
{
	static const struct {
		const char *cfg, *platform;
		const char *label;
	} models[] = { { "vtd.cfg", "vtd", "emu-vtd" }, { "amd.cfg", "emu-amd", "emu-amd" },
		       { "smmuv3.cfg", "emu-smmuv3", "emu-smmuv3" } };
	/* NB_CONFIG_DIR (environment): where the model files are when the
	 * binary runs elsewhere than it was built (the guest's /nb/configs) */
	const char *cfg_dir = getenv("NB_CONFIG_DIR") ? getenv("NB_CONFIG_DIR") : NB_CONFIG_DIR;

	for (size_t i = 0; i < NB_ARRAY_SIZE(models); i++) {
		char cfg[512];

		snprintf(cfg, sizeof(cfg), "%s/%s", cfg_dir, models[i].cfg);
		fprintf(stderr, "== emu with %s\n", cfg);
		feature_prefix(models[i].label);
		all_features(nb_backends[NB_BACKEND_EMU], cfg, "sim:1", platform_by_name(models[i].platform));
	}
	feature_prefix(NULL);
	emu_by_model();
	bad_fd();
}

static const char *platform_of_guest(const char *nb_iommu)
{
	if (!nb_iommu)
		return NULL;
	if (strncmp(nb_iommu, "intel", 5) == 0)
		return "vtd";
	return nb_iommu; /* "amd", "mock" */
}

static void print_json(const char *mode)
{
	const struct feature *f;

	printf("{\"test\": \"test_backends\", \"mode\": \"%s\", \"checks\": %d, \"failed\": %d, \"skipped\": %d, "
	       "\"features\": {", mode, nbt_checks, nbt_failed, nbt_skipped);
	for (int i = 0; (f = feature_at(i)); i++) {
		const char *res = f->failed0 ? "FAIL" : !f->skipped ? "ok" : f->checks0 ? "partial" : "skip";

		printf("%s\n  \"%s\": {\"result\": \"%s\", \"checks\": %d, \"failed\": %d, \"skipped\": %d, \"why\": \"",
		       i ? "," : "", f->name, res, f->checks0, f->failed0, f->skipped);
		for (const char *c = f->why; *c; c++) { /* a JSON string */
			if (*c == '"' || *c == '\\')
				putchar('\\');
			putchar((unsigned char)*c < 0x20 ? ' ' : *c);
		}
		printf("\"}");
	}
	printf("\n}}\n");
}

int main(int argc, char **argv)
{
	bool json = false, kernel = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--kernel") == 0)
			kernel = true;
		else if (strcmp(argv[i], "--emu") != 0) {
			fprintf(stderr, "test_backends: unknown argument '%s' (--emu, --kernel, --json)\n", argv[i]);
			return 2;
		}
	}
	if (!kernel) {
		emu_part();
	} else if (access("/dev/iommu", R_OK | W_OK)) {
		printf("test_backends: SKIP: no usable /dev/iommu here (the QEMU guest has one: scripts/guest/matrix)\n");
		return 77;
	} else {
		const char *dev = getenv("NB_IOMMUFD_DEV") ? getenv("NB_IOMMUFD_DEV") : "mock";
		const char *pf = platform_of_guest(getenv("NB_IOMMU"));

		fprintf(stderr, "== iommufd with device %s, platform %s\n", dev, pf ? pf : "unknown");
		all_features(nb_backends[NB_BACKEND_IOMMUFD], NULL, dev, platform_by_name(pf));
	}
	fprintf(json ? stderr : stdout, "test_backends: %d checks, %d failed, %d skipped\n", nbt_checks, nbt_failed,
		nbt_skipped);
	if (json)
		print_json(kernel ? "kernel" : "emu");
	return nbt_failed ? 1 : 0;
}
