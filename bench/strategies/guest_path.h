/* SPDX-License-Identifier: MIT */
/*
 * The guest's invalidation path, modelled hop by hop (configs/guest_path.cfg,
 * every constant with its source). A guest's stage-1 invalidation request
 * of `entries` entries whose host-side commands cost hw_cycles (the model's
 * command costs, CPU cycles) takes, in modelled nanoseconds:
 *   trapped:      vmexit + ioctl + entries x (vmm_decode + host_driver)
 *                 + hw_cycles / cpu_ghz + (flows - 1) x vmm_contention
 *   virtualized:  hw_cycles / cpu_ghz  (the guest writes a queue the
 *                 hardware reads: NVIDIA Tegra241 CMDQV, AMD vIOMMU)
 * flows: concurrent flows, one vCPU each, trapping into the one VMM (their
 * exits queue behind each other: vmm_contention per other flow). The trapped
 * time is what the guest's qi_submit_sync waits; guest_flush adds the guest
 * driver's own work around it (intel_iommu_tlb_sync).
 */
#ifndef NB_BENCH_GUEST_PATH_H
#define NB_BENCH_GUEST_PATH_H

#include <stdbool.h>
#include <stddef.h>

struct guest_path {
	double vmexit, vmm, ioctl, host, ghz, contention, guest_flush;
};

/* Read NB_CONFIG_DIR/guest_path.cfg; 0, or -1 with the reason in err. */
int guest_path_load(struct guest_path *c, char *err, size_t len);

double guest_path_ns(const struct guest_path *c, bool trapped, unsigned entries, double hw_cycles,
		     unsigned flows);

#endif
