/* SPDX-License-Identifier: MIT */
/* The emu backend's IOAS operations (ioas.c), behind its ops table (emu.c). */
#ifndef NB_DRIVERS_EMU_IOAS_H
#define NB_DRIVERS_EMU_IOAS_H

#include "objects.h"

int emu_ioas_alloc(struct nb_backend *b, uint32_t *ioas_id);
void emu_ioas_free(struct nb_backend *b, struct emu_obj *o);
int emu_ioas_map(struct nb_backend *b, uint32_t ioas_id, uint64_t iova, void *buf, uint64_t len,
		 unsigned prot);
int emu_ioas_map_sg(struct nb_backend *b, uint32_t ioas_id, uint64_t iova, const struct nb_map_seg *segs,
		    size_t n, unsigned prot);
int emu_ioas_map_any(struct nb_backend *b, uint32_t ioas_id, void *buf, uint64_t len, unsigned prot,
		     uint64_t *iova);
int emu_ioas_unmap(struct nb_backend *b, uint32_t ioas_id, uint64_t iova, uint64_t len,
		   uint64_t *unmapped);
int emu_ioas_copy(struct nb_backend *b, struct nb_copy_req *req);
int emu_iova_ranges(struct nb_backend *b, uint32_t ioas_id, struct nb_iova_range *r, uint32_t *n,
		    uint64_t *align);
int emu_allow_iovas(struct nb_backend *b, uint32_t ioas_id, const struct nb_iova_range *r, uint32_t n);
/* Reserve what a domain of this IOAS cannot translate (outside its
 * aperture) for owner, and raise the IOAS's IOVA alignment to its granule. */
int emu_ioas_add_domain(struct emu_obj *ioas, uint32_t owner);

#endif
