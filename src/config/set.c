// SPDX-License-Identifier: MIT
/* --set KEY=VALUE overrides, one or several applied together. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hwparams_internal.h"

static int hw_set_one(struct hw_ctx *c, struct nb_hw_params *p, char *assignment)
{
	char *eq = strchr(assignment, '='), *key, *dot;
	struct hw_target t;
	struct hw_src v;
	int g, ret;

	if (!eq)
		return nb_fail(EINVAL, "--set '%s': expected key=value (e.g. iotlb.entries=1024)",
			       hw_trim(assignment));
	*eq = '\0';
	key = hw_trim(assignment);
	v.s = NULL;
	v.text = hw_trim(eq + 1);
	dot = strchr(key, '.');
	if (dot) {
		*dot = '\0';
		g = hw_find_group(key);
		*dot = '.';
		if (g < 0) {
			*dot = '\0';
			return hw_unknown(c, 0, key, -1, key, p->vendor);
		}
		if (strchr(dot + 1, '.'))
			return hw_unknown(c, 0, key, g, dot + 1, p->vendor);
		ret = hw_resolve_member(c, 0, p, g, dot + 1, &t);
	} else if (strcmp(key, "base") == 0) {
		return hw_fail(c, 0, key, EINVAL, "only a file names its base (base = \"MODEL\";)");
	} else {
		g = hw_find_group(key);
		if (g >= 0) {
			struct hw_names n;

			hw_names_of(g, g < HW_NCACHES ? 1 << g : 0, p->vendor, "", &n);
			return hw_fail(c, 0, key, EINVAL, "is a group; set one of its keys (%s.<key>: %s)",
				       key, n.list);
		}
		ret = hw_resolve_top(c, 0, p, key, &t);
	}
	return ret ? ret : hw_apply(c, p, &t, &v);
}

/* "key=value", or several joined by ';' (applied together, then checked:
 * "iotlb.entries=48; iotlb.ways=6" passes through no invalid middle state). */
int nb_hwparams_set(struct nb_hw_params *p, const char *assignment)
{
	struct nb_hw_params tmp;
	/* On the stack, its counts cleared (seen[] is read below nseen only):
	 * a calloc of its 9 KiB per call was a tenth of fuzz_config's time. */
	struct hw_ctx ctx, *c = &ctx;
	char buf[1024], *part, *save = NULL;
	int ret = 0, n = 0;

	ctx.file = NULL;
	ctx.lits = NULL;
	ctx.nlits = ctx.cap = 0;
	ctx.nseen = 0;
	if (!assignment || strlen(assignment) >= sizeof(buf))
		return nb_fail(EINVAL, "--set: %s", assignment ? "assignment too long" : "no assignment");
	snprintf(buf, sizeof(buf), "%s", assignment);
	memcpy(&tmp, p, sizeof(tmp));
	for (part = strtok_r(buf, ";", &save); part && !ret; part = strtok_r(NULL, ";", &save)) {
		if (!*hw_trim(part))
			continue;
		ret = hw_set_one(c, &tmp, part);
		n++;
	}
	if (!ret && !n)
		ret = nb_fail(EINVAL, "--set '%s': expected key=value (e.g. iotlb.entries=1024)",
			      assignment);
	if (!ret)
		ret = hw_check_ctx(c, &tmp);
	if (!ret)
		memcpy(p, &tmp, sizeof(*p));
	return ret;
}
