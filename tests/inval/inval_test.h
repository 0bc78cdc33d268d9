/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the invalidation-command tests: a table of hand-computed
 * vectors (command -> the two 64-bit words), checked both ways, and the
 * refusal helper (rc and the field named in nb_errmsg()).
 */
#ifndef NB_INVAL_TEST_H
#define NB_INVAL_TEST_H

#include <errno.h>
#include <string.h>

#include "nb_test.h"
#include "nestbench/inval.h"

struct vec {
	const char *what;
	struct nb_inv_cmd c;
	uint64_t w0, w1;
};

/* Field-by-field equality (no memcmp: padding), reporting what differs. */
static inline int cmd_diff(const struct nb_inv_cmd *a, const struct nb_inv_cmd *b, char *buf,
			   size_t len)
{
#define D(f)                                                                          \
	if ((uint64_t)a->f != (uint64_t)b->f)                                         \
		return snprintf(buf, len, "%s: %#" PRIx64 " vs %#" PRIx64, #f,        \
				(uint64_t)a->f, (uint64_t)b->f),                      \
		       1
	D(op);
	D(tag);
	D(sub);
	D(sid);
	D(addr);
	D(am);
	D(size_s);
	D(tg);
	D(num);
	D(scale);
	D(ttl);
	D(leaf);
	D(global);
	D(drain);
	D(wait_addr);
	D(wait_data);
	D(gran);
	D(fm);
	D(qdep);
	D(pfsid);
	D(irq);
#undef D
	buf[0] = 0;
	return 0;
}

#define CHECK_CMD_EQ(a, b, ...)                                                       \
	do {                                                                          \
		char _buf[128];                                                       \
		CHECK(!cmd_diff(a, b, _buf, sizeof(_buf)), "%s", _buf);              \
		if (cmd_diff(a, b, _buf, sizeof(_buf)))                               \
			fprintf(stderr, "    " __VA_ARGS__), fputc('\n', stderr);        \
	} while (0)

/* encode == the hand-computed words; decode gives the command back;
 * encode(decode(words)) == words. */
static inline void check_vecs(const struct vec *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct nb_inv_raw raw = { { 0, 0 } };
		struct nb_inv_cmd back;
		int rc = nb_inv_encode(&v[i].c, &raw);

		CHECK(rc == 0, "%s: encode rc %d: %s", v[i].what, rc, nb_errmsg());
		CHECK_EQ(raw.w[0], v[i].w0, "%s: word 0", v[i].what);
		CHECK_EQ(raw.w[1], v[i].w1, "%s: word 1", v[i].what);
		raw = (struct nb_inv_raw){ { v[i].w0, v[i].w1 } };
		rc = nb_inv_decode(nb_inv_op_vendor(v[i].c.op), &raw, &back);
		CHECK(rc == 0, "%s: decode rc %d: %s", v[i].what, rc, nb_errmsg());
		CHECK_CMD_EQ(&back, &v[i].c, "%s: decode(encode(x)) != x", v[i].what);
	}
}

/* The call returned -err and the message names `word` (a field, mostly). */
#define CHECK_FAILS(call, err, word, ...)                                             \
	do {                                                                          \
		int _rc;                                                              \
		nb_errclear();                                                        \
		_rc = (call);                                                         \
		CHECK(_rc == -(err), "rc %d, want %d (%s)", _rc, -(err), nb_errmsg()); \
		CHECK(strstr(nb_errmsg(), word) != NULL, "message '%s' lacks '%s'",  \
		      nb_errmsg(), word);                                             \
		if (_rc != -(err) || !strstr(nb_errmsg(), word))                      \
			fprintf(stderr, "    " __VA_ARGS__), fputc('\n', stderr);        \
	} while (0)

static inline int enc(struct nb_inv_cmd c)
{
	struct nb_inv_raw raw;

	return nb_inv_encode(&c, &raw);
}

static inline int dec(enum nb_vendor v, uint64_t w0, uint64_t w1)
{
	struct nb_inv_raw raw = { { w0, w1 } };
	struct nb_inv_cmd c;

	return nb_inv_decode(v, &raw, &c);
}

#endif
