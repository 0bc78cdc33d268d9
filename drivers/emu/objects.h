/* SPDX-License-Identifier: MIT */
/*
 * The emu backend's objects, shared by its files: emu.c (the ops table:
 * lifetime, devices, HWPTs, attach, dirty tracking, the device's DMA),
 * ioas.c (IOAS map, unmap, copy, IOVA ranges) and objects.c (the object
 * table). Object ids are indexes into one array, as iommufd hands out ids
 * from one xarray.
 */
#ifndef NB_DRIVERS_EMU_OBJECTS_H
#define NB_DRIVERS_EMU_OBJECTS_H

#include "iova_space.h"
#include "nestbench/backend.h"
#include "nestbench/hwparams.h"
#include "nestbench/scenario.h"

#define EMU_MAX_OBJS 1024

enum emu_kind { EMU_FREE, EMU_IOAS, EMU_HWPT, EMU_NESTED, EMU_DEV };

/* Reservation owners besides HWPT and device ids: a device attached to an
 * IOAS directly has an automatic domain, whose aperture it owns. */
#define EMU_OWNER_AUTO(dev) ((dev) | 0x80000000u)

struct emu_obj {
	enum emu_kind kind;
	struct nb_domain *pt;	  /* IOAS: its table */
	struct nb_xdomain *xd;	  /* IOAS/HWPT: the IOMMU's view; NESTED: too */
	struct nb_nested *nest;	  /* NESTED */
	struct emu_space space;	  /* IOAS: areas, reserved and allowed ranges */
	uint32_t ioas;		  /* HWPT: the IOAS it shares */
	uint32_t parent;	  /* NESTED: the parent HWPT */
	bool dirty_ok, dirty_on;  /* HWPT: allocated with / doing dirty tracking */
	uint32_t sid;		  /* DEV */
	uint32_t att;		  /* DEV: the object it is attached to (0: none) */
	struct nb_xdev *xdev;	  /* DEV: current attachment */
};

struct nb_backend {
	struct nb_hw_params p;
	struct nb_scenario sc;	  /* memory, the one unit, the VM's guest RAM */
	struct nb_iommu *m;	  /* sc.unit[0] */
	struct nb_domain *ram_parent; /* the stage 2 that maps sc.ram (NULL: none yet) */
	struct emu_obj o[EMU_MAX_OBJS];
};

/* Object id of kind `want` (EMU_FREE: any kind), or NULL with a message
 * naming `what`. */
struct emu_obj *emu_get(struct nb_backend *b, uint32_t id, enum emu_kind want, const char *what);
int emu_new_obj(struct nb_backend *b, enum emu_kind k, uint32_t *id);
/* The IOAS under an IOAS, HWPT or nested HWPT id (0 if none). */
uint32_t emu_ioas_of(const struct nb_backend *b, uint32_t id);
/* "Pinning": a buffer's virtual address is its physical address. */
static inline uint64_t emu_pa_of(const void *buf)
{
	return (uint64_t)(uintptr_t)buf & ((1ull << 47) - 1);
}

#endif
