// SPDX-License-Identifier: MIT
/*
 * Fail-nth scenario: the emu backend through the ops table (what every
 * benchmark uses): open with a model file and an override, three devices,
 * an IOAS with two mappings, a nest-parent HWPT, a nested HWPT, attaches
 * (one replaces an attachment: if that fails, the old one stays and the
 * nested HWPT is busy), a guest invalidation array, an unmap, destroys and
 * the close.
 *
 * Every op that fails returns -ENOMEM with a one-line message; the run goes
 * on with the objects that exist. The reference check goes through the
 * ops table too: at the end, unmapping each reference range reports
 * exactly the bytes the reference maps there (nothing mapped twice, a
 * failed map left nothing behind).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nestbench/backend.h"
#include "refmap.h"
#include "sweep.h"

#define IOVA0 0x100000ull
#define IOVA1 0x200000ull
#define LEN (64ull << 10)

static char cfg_path[64], open_arg[128];
static uint8_t buf[2 * LEN] __attribute__((aligned(65536)));

static int count(void)
{
	return 1;
}

static void case_name(int i, char *out, size_t len)
{
	snprintf(out, len, "backend emu");
}

/* A partial model file over the defaults: the backend's own load, without
 * the hundred settings of a shipped file (the config scenario has those). */
static int prepare(void)
{
	FILE *f;

	snprintf(cfg_path, sizeof(cfg_path), "/tmp/nb-failnth-%d.cfg", (int)getpid());
	f = fopen(cfg_path, "w");
	if (!f || fputs("model = \"vtd\";\nvendor = \"vtd\";\niotlb = { entries = 64; ways = 8; };\n", f) < 0 ||
	    fclose(f))
		return nb_fail(EIO, "%s: cannot write", cfg_path);
	snprintf(open_arg, sizeof(open_arg), "%s;policy.strict=false", cfg_path);
	return 0;
}

static void run(struct fn_ctx *c, int i)
{
	const struct nb_backend_ops *ops = nb_backends[NB_BACKEND_EMU];
	struct nb_backend *b;
	struct refmap ref = { 0 };
	uint32_t dev[3] = { 0 }, ioas = 0, parent = 0, nested = 0, done = 0;
	uint64_t unmapped = 0;
	bool on_nested = false;
	struct nb_flush_req reqs[2] = { { .addr = 0, .size = 4096, .leaf = true }, { .size = 0 } };
	char spec[16];

	if (!fn_ok(c, ops->open(&b, open_arg), "open"))
		return;
	for (int d = 0; d < 3; d++) {
		snprintf(spec, sizeof(spec), "sim:%d", d + 1);
		fn_ok(c, ops->dev_open(b, spec, &dev[d]), "dev_open");
	}
	if (fn_ok(c, ops->ioas_alloc(b, &ioas), "ioas_alloc")) {
		if (fn_ok(c, ops->ioas_map(b, ioas, IOVA0, buf, LEN, NB_PROT_RW), "ioas_map"))
			ref_add(&ref, IOVA0, 0, LEN, NB_PROT_RW);
		if (fn_ok(c, ops->ioas_map(b, ioas, IOVA1, buf + LEN, LEN, NB_PROT_R), "ioas_map"))
			ref_add(&ref, IOVA1, 0, LEN, NB_PROT_R);
	}
	if (ioas && dev[0])
		fn_ok(c, ops->hwpt_alloc(b, &(struct nb_hwpt_req){ .kind = NB_HWPT_NEST_PARENT, .pt_id = ioas,
								    .dev_id = dev[0] },
					 &parent),
		      "hwpt_alloc nest parent");
	if (parent && dev[1])
		fn_ok(c, ops->hwpt_alloc(b, &(struct nb_hwpt_req){ .kind = NB_HWPT_NESTED, .pt_id = parent,
								    .dev_id = dev[1] },
					 &nested),
		      "hwpt_alloc nested");
	if (dev[0] && ioas)
		fn_ok(c, ops->attach(b, dev[0], ioas), "attach to the IOAS");
	if (dev[1] && nested)
		on_nested = fn_ok(c, ops->attach(b, dev[1], nested), "attach to the nested HWPT");
	if (dev[2] && parent)
		fn_ok(c, ops->attach(b, dev[2], parent), "attach to the parent HWPT");
	if (nested) {
		if (fn_ok(c, ops->hwpt_invalidate(b, nested, reqs, 2, &done), "hwpt_invalidate"))
			fn_check(c, done == 2, "hwpt_invalidate handled %u of 2", done);
		else /* the entry that failed is not counted */
			fn_check(c, done < 2, "hwpt_invalidate failed, yet %u of 2 handled", done);
	}
	if (ioas && ref_overlap(&ref, IOVA0, LEN)) { /* a whole mapping (iommufd refuses to cut one) */
		if (fn_ok(c, ops->ioas_unmap(b, ioas, IOVA0, LEN, &unmapped), "ioas_unmap")) {
			fn_check(c, unmapped == LEN, "ioas_unmap: %llu bytes unmapped of %llu",
				 (unsigned long long)unmapped, (unsigned long long)LEN);
			ref_del(&ref, IOVA0, LEN);
		}
	}
	if (dev[1] && parent && fn_ok(c, ops->attach(b, dev[1], parent), "attach replacing the nested HWPT"))
		on_nested = false;
	if (nested && !on_nested) {
		fn_ok(c, ops->destroy(b, nested), "destroy nested");
	} else if (nested) { /* a replace that failed keeps the old attachment (iommufd) */
		int rc = ops->destroy(b, nested);

		fn_check(c, rc == -EBUSY, "destroy of a nested HWPT a device still uses: %d (%s)", rc, nb_errmsg());
	}
	/* what is mapped, as the backend says */
	for (int k = 0; ioas && k < 2; k++) {
		uint64_t iova = k ? IOVA1 : IOVA0, want = ref_overlap(&ref, iova, LEN);
		int rc;

		unmapped = 0;
		rc = ops->ioas_unmap(b, ioas, iova, LEN, &unmapped);
		fn_check(c, want ? rc == 0 && unmapped == want : rc == -ENOENT,
			 "unmap of [%#llx, +%#llx): %d, %llu bytes; the reference maps %llu", (unsigned long long)iova,
			 (unsigned long long)LEN, rc, (unsigned long long)unmapped, (unsigned long long)want);
		fn_digest(c, "%llx: %llu\n", (unsigned long long)iova, (unsigned long long)unmapped);
	}
	ops->close(b);
}

const struct fn_family fn_backend = {
	.name = "backend",
	.cases = count,
	.case_name = case_name,
	.prepare = prepare,
	.run = run,
};
