/* SPDX-License-Identifier: MIT */
/* Internal: the format descriptions registered in fmt_registry.c. */
#ifndef NB_SRC_PT_FMT_H
#define NB_SRC_PT_FMT_H

#include "nestbench/pt.h"

extern const struct nb_fmt nb_fmt_x86_64;
extern const struct nb_fmt nb_fmt_vtdss;
extern const struct nb_fmt nb_fmt_amdv1;
extern const struct nb_fmt nb_fmt_arm_s1;
extern const struct nb_fmt nb_fmt_arm_s2;

#endif
