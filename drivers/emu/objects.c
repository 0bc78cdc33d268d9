// SPDX-License-Identifier: MIT
/* The emu backend's object table (objects.h). */
#include <errno.h>
#include <string.h>

#include "objects.h"

struct emu_obj *emu_get(struct nb_backend *b, uint32_t id, enum emu_kind want, const char *what)
{
	if (id == 0 || id >= EMU_MAX_OBJS || b->o[id].kind == EMU_FREE ||
	    (want != EMU_FREE && b->o[id].kind != want)) {
		nb_fail(ENOENT, "emu: %s: no such object %u", what, id);
		return NULL;
	}
	return &b->o[id];
}

int emu_new_obj(struct nb_backend *b, enum emu_kind k, uint32_t *id)
{
	for (uint32_t i = 1; i < EMU_MAX_OBJS; i++)
		if (b->o[i].kind == EMU_FREE) {
			memset(&b->o[i], 0, sizeof(b->o[i]));
			b->o[i].kind = k;
			*id = i;
			return 0;
		}
	return nb_fail(ENOSPC, "emu: more than %d objects", EMU_MAX_OBJS - 1);
}

uint32_t emu_ioas_of(const struct nb_backend *b, uint32_t id)
{
	switch (id && id < EMU_MAX_OBJS ? b->o[id].kind : EMU_FREE) {
	case EMU_IOAS:
		return id;
	case EMU_HWPT:
		return b->o[id].ioas;
	case EMU_NESTED:
		return b->o[b->o[id].parent].ioas;
	default:
		return 0;
	}
}
