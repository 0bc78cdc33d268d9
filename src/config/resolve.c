// SPDX-License-Identifier: MIT
/* What a key names ("iotlb.ways", "costs.IOTLB_PSI"): its descriptor and its
 * field in a description, or an error with the keys that exist. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hwparams_internal.h"

int hw_resolve_top(const struct hw_ctx *c, unsigned line, struct nb_hw_params *p,
			  const char *name, struct hw_target *t)
{
	for (size_t i = 0; i < NB_ARRAY_SIZE(hw_top_keys); i++) {
		if (strcmp(name, hw_top_keys[i].name) == 0) {
			t->key = &hw_top_keys[i];
			t->field = (char *)p + hw_top_keys[i].off;
			t->cache = -1;
			snprintf(t->path, sizeof(t->path), "%s", name);
			return 0;
		}
	}
	return hw_unknown(c, line, name, -1, name, p->vendor);
}

int hw_resolve_member(const struct hw_ctx *c, unsigned line, struct nb_hw_params *p, int g,
			     const char *name, struct hw_target *t)
{
	const struct hw_key *keys = g < HW_NCACHES ? hw_cache_keys : hw_policy_keys;
	size_t n = g < HW_NCACHES ? NB_ARRAY_SIZE(hw_cache_keys) : NB_ARRAY_SIZE(hw_policy_keys);

	snprintf(t->path, sizeof(t->path), "%s.%s", hw_group_names[g], name);
	t->cache = g < HW_NCACHES ? g : -1;
	if (g == HW_G_COSTS) {
		for (int op = 0; op < NB_INV_OP_COUNT; op++) {
			if (!hw_op_name(op) || strcmp(name, hw_op_name(op)) != 0)
				continue;
			if (nb_inv_op_vendor((enum nb_inv_op)op) != p->vendor)
				return hw_fail(c, line, t->path, EINVAL,
					       "%s is a command of vendor %s, not of %s", name,
					       hw_vendor_name(nb_inv_op_vendor((enum nb_inv_op)op)),
					       hw_vendor_name(p->vendor));
			t->key = &hw_cost_key;
			t->field = &p->cmd_cycles[op];
			return 0;
		}
		return hw_unknown(c, line, t->path, g, name, p->vendor);
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(name, keys[i].name) != 0)
			continue;
		if (g < HW_NCACHES && !(keys[i].caches & (1u << g)))
			return hw_fail(c, line, t->path, EINVAL, "%s has no %s (only %s)",
				       hw_group_names[g], name,
				       keys[i].type == HW_SIZES ? "iotlb and devtlb hold page sizes"
								: "pwc_s1 and pwc_s2 cache levels");
		t->key = &keys[i];
		t->field = (char *)(g < HW_NCACHES ? (void *)hw_cache(p, g) : (void *)&p->policy) +
			   keys[i].off;
		return 0;
	}
	return hw_unknown(c, line, t->path, g, name, p->vendor);
}
