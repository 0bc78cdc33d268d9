// SPDX-License-Identifier: MIT
/* Small helpers every benchmark and the common main use (bench_common.h). */
#include <time.h>

#include "bench_common.h"

uint64_t nb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void nb_shuffle(uint64_t *v, uint64_t n, uint64_t seed)
{
	uint64_t s = seed | 1;

	for (uint64_t i = n; i > 1; i--) {
		uint64_t j = nb_rand(&s) % i, t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}
