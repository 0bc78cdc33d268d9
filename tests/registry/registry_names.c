// SPDX-License-Identifier: MIT
/*
 * What the registries hold, as the built library has them, for
 * test_registry.py to hold every derived list against: one line per entry,
 *   model NAME VENDOR      (registry order: model_list.h)
 *   hardware NAME HARDWARE (a model registered to run on another's file)
 *   format NAME MIN_IA     (registry order: fmt_list.h)
 *   backend NAME
 * and the lists the library derives itself: each "unknown X" message must
 * name every entry (exit 1 and a FAIL line when one does not).
 */
#include <stdio.h>
#include <string.h>

#include "nestbench/iommu.h"
#include "nestbench/backend.h"
#include "nestbench/hwparams.h"
#include "nestbench/script.h"

static int failed;

static void must_name(const char *what, const char *msg, const char *name)
{
	char quoted[64];

	/* a whole name: "arm_s1" in "arm_s1, arm_s2", not inside another */
	snprintf(quoted, sizeof(quoted), "%s", name);
	for (const char *p = msg; (p = strstr(p, quoted)); p += strlen(quoted)) {
		char before = p == msg ? ' ' : p[-1], after = p[strlen(quoted)];

		if ((before == ' ' || before == '(') && (after == ',' || after == ')'))
			return;
	}
	printf("FAIL %s: '%s' does not name %s\n", what, msg, name);
	failed++;
}

/* .hardware names a registered model of the same vendor whose own file is
 * its hardware (a chain would make the file a model runs on depend on which
 * files a folder holds at each step). */
static void check_hardware(const struct nb_tag_model *m)
{
	const struct nb_tag_model *hw;

	printf("hardware %s %s\n", m->name, m->hardware);
	if (nb_tag_model_by_name(m->hardware, &hw)) {
		printf("FAIL model %s: .hardware = \"%s\" is no registered model\n", m->name, m->hardware);
		failed++;
	} else if (hw->vendor != m->vendor || hw->hardware) {
		printf("FAIL model %s: .hardware = \"%s\" is another vendor's, or runs on another's file\n",
		       m->name, m->hardware);
		failed++;
	}
}

int main(void)
{
	const struct nb_tag_model *m, *found;
	const struct nb_backend_ops *bo;
	enum nb_fmt_id id;
	char script_err[512] = "";
	FILE *in, *err;

	nb_tag_model_by_name("no-such-model", &found);
	for (int i = 0; (m = nb_tag_model_at(i)); i++) {
		printf("model %s %s\n", m->name,
		       m->vendor == NB_VENDOR_VTD ? "vtd" : m->vendor == NB_VENDOR_AMD ? "amd" : "smmuv3");
		must_name("nb_tag_model_by_name", nb_errmsg(), m->name);
	}
	for (int i = 0; (m = nb_tag_model_at(i)); i++)
		if (m->hardware)
			check_hardware(m);
	nb_fmt_by_name("no-such-format", &id);
	for (int i = 0; i < NB_FMT_COUNT; i++) {
		printf("format %s %u\n", nb_fmts[i]->name, (unsigned)nb_fmts[i]->min_ia_bits);
		must_name("nb_fmt_by_name", nb_errmsg(), nb_fmts[i]->name);
	}
	/* the translate script's "needs a FORMAT" */
	in = fmemopen((char[]){ "stage1\n" }, 7, "r");
	err = fmemopen(script_err, sizeof(script_err) - 1, "w");
	if (!in || !err || nb_tscript_run(in, "t.nbt", stdout, err) != 1) {
		printf("FAIL translate script: 'stage1' alone was not refused\n");
		failed++;
	}
	if (err)
		fclose(err);
	if (in)
		fclose(in);
	for (int i = 0; i < NB_FMT_COUNT; i++)
		must_name("translate script", script_err, nb_fmts[i]->name);
	nb_backend_by_name("no-such-backend", &bo);
	for (int i = 0; i < NB_BACKEND_COUNT; i++)
		if (nb_backends[i]) {
			printf("backend %s\n", nb_backends[i]->name);
			must_name("nb_backend_by_name", nb_errmsg(), nb_backends[i]->name);
		}
	return failed ? 1 : 0;
}
