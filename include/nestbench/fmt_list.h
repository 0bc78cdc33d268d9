/* SPDX-License-Identifier: MIT */
/*
 * The page-table format registry, one line per format. Adding a format is
 * one file, src/pt/fmt_<name>.c, defining const struct nb_fmt nb_fmt_<name>
 * (the spec it follows, its geometry, descriptor bits), and one line here:
 * NB_FMT_ENTRY(ID, name) makes NB_FMT_<ID> in enum nb_fmt_id (pt.h) and
 * nb_fmts[NB_FMT_<ID>] = &nb_fmt_<name> (src/pt/fmt_registry.c); every list
 * of formats (messages, nb_fmt_list) comes from nb_fmts. Included with
 * NB_FMT_ENTRY defined, so no include guard.
 */
NB_FMT_ENTRY(X86_64, x86_64) /* x86-64 paging, 4/5 level: VT-d first stage, AMD v2 */
NB_FMT_ENTRY(VTDSS, vtdss)   /* Intel VT-d second stage, 3/4/5 level (AGAW 39/48/57) */
NB_FMT_ENTRY(AMDV1, amdv1)   /* AMD-Vi v1 host page table */
NB_FMT_ENTRY(ARM_S1, arm_s1) /* ARM VMSAv8-64 stage 1 (4K/16K/64K granule) */
NB_FMT_ENTRY(ARM_S2, arm_s2) /* ARM VMSAv8-64 stage 2, concatenated root tables */
