/* SPDX-License-Identifier: MIT */
/*
 * The translate script (`nestbench translate FILE`): declare the stages, map,
 * then ask for translations, each printed step by step. Grammar (one
 * statement per line, '#' starts a comment, numbers are decimal or 0x hex
 * with optional K/M/G suffix):
 *
 *   stage2 FORMAT [granule=4K|16K|64K] [ia=BITS] [levels=N]
 *   stage1 FORMAT [granule=...] [ia=BITS] [levels=N]
 *   guest-ram IPA SIZE          where stage-1 tables live (nested; default
 *                               0x40000000 16M, mapped by stage 2)
 *   map2 IPA PA SIZE [PROT]     stage-2 mapping (PROT: r, w, x; default rw)
 *   map1 IOVA OUT SIZE [PROT]   stage-1 mapping (OUT is an IPA when nested)
 *   unmap1 IOVA SIZE / unmap2 IPA SIZE
 *   translate IOVA [PROT]       walk it and print every descriptor read
 *
 * With only stage1 declared the walk is single stage (OUT is a PA); with
 * only stage2, map1/translate address stage 2 directly.
 * FORMAT: a registered format's name (nb_fmt_list).
 */
#ifndef NESTBENCH_SCRIPT_H
#define NESTBENCH_SCRIPT_H

#include <stdio.h>

/* Run a script read from `in` (named `name` in messages). Output to out,
 * errors as "name:line: what" to err. Returns 0, or 1 after the first bad
 * line (nothing after it runs). */
int nb_tscript_run(FILE *in, const char *name, FILE *out, FILE *err);

/*
 * The simulated memory of script runs, kept from one to the next: each run
 * starts as empty as nb_tscript_run's (the same output, table addresses
 * included) without mapping and carving a new arena (for callers that run
 * thousands: fuzz_script). nb_tscript_run is create, run_mem, destroy.
 */
struct nb_tscript_mem;
int nb_tscript_mem_create(struct nb_tscript_mem **out);
void nb_tscript_mem_destroy(struct nb_tscript_mem *m);
int nb_tscript_run_mem(struct nb_tscript_mem *m, FILE *in, const char *name, FILE *out, FILE *err);

#endif
