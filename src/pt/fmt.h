/* SPDX-License-Identifier: MIT */
/* Internal: the format descriptions registered in fmt_registry.c (one line
 * each in nestbench/fmt_list.h). */
#ifndef NB_SRC_PT_FMT_H
#define NB_SRC_PT_FMT_H

#include "nestbench/pt.h"

#define NB_FMT_ENTRY(ID, name) extern const struct nb_fmt nb_fmt_##name;
#include "nestbench/fmt_list.h"
#undef NB_FMT_ENTRY

#endif
