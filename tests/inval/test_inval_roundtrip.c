// SPDX-License-Identifier: MIT
/*
 * Round trips over many random words: for every 128-bit entry a decoder
 * accepts, the encoder must give back the very same bits, and decoding
 * again the same command. Words are sparse random bits with a real
 * type/opcode forced in, so a fair share is accepted; every op must be.
 */
#include "inval_test.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Bits set with probability 1/2^k, k in 1..4, or none at all. */
static uint64_t sparse(void)
{
	uint64_t v = rnd();
	unsigned k = (unsigned)(rnd() % 5);

	if (k == 4)
		return 0;
	while (k--)
		v &= rnd();
	return v;
}

static const uint64_t vtd_types[] = { 1, 2, 3, 5, 6, 7, 8 };
static const uint64_t amd_ops[] = { 1, 2, 3, 4, 8 };
static const uint64_t smmu_ops[] = { 0x03, 0x05, 0x10, 0x11, 0x12, 0x28, 0x2a, 0x30, 0x40, 0x46 };

static struct nb_inv_raw random_raw(enum nb_vendor v)
{
	struct nb_inv_raw r = { { sparse(), sparse() } };

	if (rnd() & 1) /* only a low field or two */
		r.w[0] &= NB_GENMASK((unsigned)(rnd() % 64), 0);

	switch (v) {
	case NB_VENDOR_VTD:
		r.w[0] = (r.w[0] & ~0xfull) | vtd_types[rnd() % NB_ARRAY_SIZE(vtd_types)];
		if (rnd() & 1)
			r.w[0] &= ~NB_GENMASK(11, 9);
		if ((r.w[0] & 0xf) == 8 && (rnd() & 1)) /* type 8: qw1 10:1 reserved */
			r.w[1] &= ~NB_GENMASK(10, 1);
		break;
	case NB_VENDOR_AMD:
		r.w[0] = (r.w[0] & ~NB_GENMASK(63, 60)) | amd_ops[rnd() % NB_ARRAY_SIZE(amd_ops)] << 60;
		if ((r.w[0] >> 60) == 4 && (rnd() & 1)) /* QueueID = DeviceID, as Linux */
			r.w[0] = (r.w[0] & ~NB_GENMASK(47, 32)) | (r.w[0] & 0xffff) << 32;
		break;
	default:
		r.w[0] = (r.w[0] & ~0xffull) | smmu_ops[rnd() % NB_ARRAY_SIZE(smmu_ops)];
		if ((r.w[0] & 0xff) == 0x46 && (rnd() & 1)) /* Linux's MSH/MSIAttr */
			r.w[0] = (r.w[0] & ~NB_GENMASK(27, 22)) | 0x0fc00000;
		break;
	}
	return r;
}

/* One field of c set to a random value (often a small or extreme one). */
static void mutate(struct nb_inv_cmd *c)
{
	static const uint64_t picks[] = { 0, 1, 2, 3, 12, 14, 16, 31, 52, 0xff, 0xffff,
					  0xfffff, 0xffffffff, 0x1000, 0x200000 };
	uint64_t v = rnd() & 1 ? picks[rnd() % NB_ARRAY_SIZE(picks)] : sparse();

	switch (rnd() % 20) {
	case 0: c->tag = (uint32_t)v; break;
	case 1: c->sub = (uint32_t)v; break;
	case 2: c->sid = (uint32_t)v; break;
	case 3: c->addr = v & ~0xfffull; break;
	case 4: c->am = (uint8_t)v; break;
	case 5: c->size_s = v & 1; break;
	case 6: c->tg = (uint8_t)v; break;
	case 7: c->num = (uint8_t)v; break;
	case 8: c->scale = (uint8_t)v; break;
	case 9: c->ttl = (uint8_t)v; break;
	case 10: c->leaf = v & 1; break;
	case 11: c->global = v & 1; break;
	case 12: c->drain = v & 1; break;
	case 13: c->wait_addr = v; break;
	case 14: c->wait_data = v; break;
	case 15: c->gran = (uint8_t)v; break;
	case 16: c->fm = (uint8_t)v; break;
	case 17: c->qdep = (uint8_t)v; break;
	case 18: c->pfsid = (uint32_t)v; break;
	default: c->irq = v & 1; break;
	}
}

int main(void)
{
	unsigned mutated_ok = 0;

	unsigned accepted[NB_INV_OP_COUNT] = { 0 };

	for (int v = 0; v < NB_VENDOR_COUNT; v++) {
		for (int i = 0; i < 300000; i++) {
			struct nb_inv_raw raw = random_raw((enum nb_vendor)v), again;
			struct nb_inv_cmd c, c2;

			if (nb_inv_decode((enum nb_vendor)v, &raw, &c))
				continue;
			accepted[c.op]++;
			CHECK_EQ(nb_inv_op_vendor(c.op), v, "decoded op of another vendor");
			if (nb_inv_encode(&c, &again)) {
				CHECK(0, "%s: decoded %#" PRIx64 " %#" PRIx64 " does not encode: %s",
				      nb_inv_op_name(c.op), raw.w[0], raw.w[1], nb_errmsg());
				break;
			}
			CHECK_EQ(again.w[0], raw.w[0], "%s: word 0 round trip", nb_inv_op_name(c.op));
			CHECK_EQ(again.w[1], raw.w[1], "%s: word 1 round trip", nb_inv_op_name(c.op));
			CHECK(nb_inv_decode((enum nb_vendor)v, &again, &c2) == 0, "decode again");
			CHECK_CMD_EQ(&c2, &c, "%s: decode twice", nb_inv_op_name(c.op));
			/* the command side: whatever the encoder takes decodes back */
			c2 = c;
			mutate(&c2);
			if (nb_inv_encode(&c2, &again) == 0) {
				struct nb_inv_cmd c3;

				mutated_ok++;
				CHECK(nb_inv_decode((enum nb_vendor)v, &again, &c3) == 0,
				      "%s: encoded but does not decode: %s", nb_inv_op_name(c2.op),
				      nb_errmsg());
				CHECK_CMD_EQ(&c3, &c2, "%s: decode(encode(x)) != x",
					     nb_inv_op_name(c2.op));
			}
			if (nbt_failed > 20)
				return nbt_done("inval/roundtrip");
		}
	}
	for (int op = 0; op < NB_INV_OP_COUNT; op++) {
		CHECK(accepted[op] > 0, "%s never accepted", nb_inv_op_name((enum nb_inv_op)op));
		printf("%s: %u accepted\n", nb_inv_op_name((enum nb_inv_op)op), accepted[op]);
	}
	CHECK(mutated_ok > 10000, "only %u mutated commands encoded", mutated_ok);
	printf("mutated commands encoded: %u\n", mutated_ok);
	return nbt_done("inval/roundtrip");
}
