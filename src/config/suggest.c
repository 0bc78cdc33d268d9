// SPDX-License-Identifier: MIT
/* "unknown key; did you mean ...": the known names of a group, the closest one. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "hwparams_internal.h"

/* Edit distance, for "did you mean" (names are short). */
static unsigned hw_distance(const char *a, const char *b)
{
	unsigned d[33], la = (unsigned)strlen(a), lb = (unsigned)strlen(b);

	if (la > 32 || lb > 32)
		return UINT_MAX;
	for (unsigned j = 0; j <= lb; j++)
		d[j] = j;
	for (unsigned i = 1; i <= la; i++) {
		unsigned diag = d[0];

		d[0] = i;
		for (unsigned j = 1; j <= lb; j++) {
			unsigned up = d[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (d[j - 1] + 1 < best)
				best = d[j - 1] + 1;
			d[j] = best;
			diag = up;
		}
	}
	return d[lb];
}

/* Append what fits (as snprintf would cut it): not snprintf per name, which
 * made an unknown --set key cost a fifth of fuzz_config's time. */
static void hw_names_append(struct hw_names *n, const char *s)
{
	size_t k = strlen(s), room = sizeof(n->list) - 1 - n->len;

	k = k < room ? k : room;
	memcpy(n->list + n->len, s, k);
	n->len += k;
	n->list[n->len] = '\0';
}

static void hw_names_add(struct hw_names *n, const char *want, const char *name)
{
	size_t lw = strlen(want), ln = strlen(name);
	/* Only a distance of 2 or less is ever suggested (hw_unknown), and the
	 * distance is at least the difference in length: skip the rest (it made
	 * every unknown --set key a fuzz input's costliest step). */
	unsigned d = (lw > ln ? lw - ln : ln - lw) > 2 ? UINT_MAX : hw_distance(want, name);

	if (n->len)
		hw_names_append(n, ", ");
	hw_names_append(n, name);
	if (d < n->best_d) {
		n->best_d = d;
		n->best = name;
	}
}

void hw_names_of(int g, int cache_bit, enum nb_vendor v, const char *want,
			struct hw_names *n)
{
	memset(n, 0, sizeof(*n));
	n->best_d = UINT_MAX;
	if (g < 0) {
		for (size_t i = 0; i < NB_ARRAY_SIZE(hw_top_keys); i++)
			hw_names_add(n, want, hw_top_keys[i].name);
		for (int i = 0; i < HW_NGROUPS; i++)
			hw_names_add(n, want, hw_group_names[i]);
		hw_names_add(n, want, "base"); /* a file's, not a field (load.c) */
	} else if (g < HW_NCACHES) {
		for (size_t i = 0; i < NB_ARRAY_SIZE(hw_cache_keys); i++)
			if (hw_cache_keys[i].caches & (unsigned)cache_bit)
				hw_names_add(n, want, hw_cache_keys[i].name);
	} else if (g == HW_G_POLICY) {
		for (size_t i = 0; i < NB_ARRAY_SIZE(hw_policy_keys); i++)
			hw_names_add(n, want, hw_policy_keys[i].name);
	} else {
		for (int op = 0; op < NB_INV_OP_COUNT; op++)
			if (nb_inv_op_vendor((enum nb_inv_op)op) == v)
				hw_names_add(n, want, hw_op_name(op));
	}
}

int hw_unknown(const struct hw_ctx *c, unsigned line, const char *path, int g,
		      const char *name, enum nb_vendor v)
{
	struct hw_names n;

	hw_names_of(g, g >= 0 && g < HW_NCACHES ? 1 << g : 0, v, name, &n);
	if (n.best && n.best_d <= 2 && n.best_d < strlen(name))
		return hw_fail(c, line, path, EINVAL, "unknown key; did you mean %s? (known: %s)",
			       n.best, n.list);
	return hw_fail(c, line, path, EINVAL, "unknown key (known: %s)", n.list);
}
