// SPDX-License-Identifier: MIT
/*
 * What the built library registers, in registry order, for make_seeds.py
 * to derive the fuzz seeds and dictionaries from at build time (so nothing
 * there is typed by hand or parsed out of a header):
 *   model NAME VENDOR   (src/models/model_list.h; fuzz_ops numbers them)
 *   format NAME MIN_IA  (include/nestbench/fmt_list.h; fuzz_walk numbers them)
 *   vendor NAME         (the names a hardware description's vendor takes)
 * The same line shapes as tests/registry/registry_names, which also checks
 * the library's messages; this one only prints, so a build never stops on a
 * check.
 */
#include <stdio.h>

#include "config/hwparams_internal.h"
#include "nestbench/iommu.h"
#include "nestbench/pt.h"

int main(void)
{
	const struct nb_tag_model *m;

	for (int i = 0; (m = nb_tag_model_at(i)); i++)
		printf("model %s %s\n", m->name, hw_vendor_names[m->vendor]);
	for (int i = 0; i < NB_FMT_COUNT; i++)
		printf("format %s %u\n", nb_fmts[i]->name, (unsigned)nb_fmts[i]->min_ia_bits);
	for (int v = 0; v < NB_VENDOR_COUNT; v++)
		printf("vendor %s\n", hw_vendor_names[v]);
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
