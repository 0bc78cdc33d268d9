// SPDX-License-Identifier: MIT
/* The guest invalidation path's constants and formula (see guest_path.h). */
#include <libconfig.h>
#include <stdio.h>

#include "bench_common.h"
#include "guest_path.h"
#include "nestbench/nb.h"

int guest_path_load(struct guest_path *c, char *err, size_t len)
{
	static const char *const keys[] = { "vmexit_ns", "vmm_decode_ns", "ioctl_ns", "host_driver_ns",
					    "cpu_ghz", "vmm_contention_ns", "guest_flush_ns" };
	double *vals[] = { &c->vmexit, &c->vmm, &c->ioctl, &c->host, &c->ghz, &c->contention,
			   &c->guest_flush };
	config_t cfg;
	char path[512];
	int ok = 0;

	snprintf(path, sizeof(path), "%s/guest_path.cfg", nb_bench_config_dir());
	config_init(&cfg);
	if (!config_read_file(&cfg, path)) {
		snprintf(err, len, "%s:%d: %s", path, config_error_line(&cfg), config_error_text(&cfg));
		config_destroy(&cfg);
		return -1;
	}
	for (size_t i = 0; i < NB_ARRAY_SIZE(keys); i++) {
		int iv;

		if (config_lookup_float(&cfg, keys[i], vals[i]))
			continue;
		if (config_lookup_int(&cfg, keys[i], &iv)) {
			*vals[i] = iv;
			continue;
		}
		snprintf(err, len, "%s: %s: missing or not a number", path, keys[i]);
		ok = -1;
		break;
	}
	if (!ok && (c->ghz <= 0 || c->vmexit < 0 || c->vmm < 0 || c->ioctl < 0 || c->host < 0 ||
		    c->contention < 0 || c->guest_flush < 0)) {
		snprintf(err, len, "%s: costs must be >= 0 and cpu_ghz > 0", path);
		ok = -1;
	}
	config_destroy(&cfg);
	return ok;
}

double guest_path_ns(const struct guest_path *c, bool trapped, unsigned entries, double hw_cycles,
		     unsigned flows)
{
	double hw = hw_cycles / c->ghz;

	if (!trapped)
		return hw;
	return c->vmexit + c->ioctl + entries * (c->vmm + c->host) + hw +
	       (flows > 1 ? (flows - 1) * c->contention : 0);
}
