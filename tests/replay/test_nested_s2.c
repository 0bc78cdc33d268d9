// SPDX-License-Identifier: MIT
/*
 * A real VMM's stage-2 change stream (tests/traces/nested/s2-vmm, captured by
 * scripts/guest/capture-nested: L1 QEMU assigns L0's e1000e to an L2 through
 * iommufd, virtio-mem plugs and unplugs memory):
 *
 * 1. Applied to a reference map (GPA page -> host page), the stream's map2 /
 *    unmap2 events (the L1 kernel's own iommu:map/unmap of the device's
 *    domain, with the host address it mapped) give the tables the device saw:
 *    every DMA of L2 that L0 QEMU translated through that domain (dma out=,
 *    the leaf QEMU's VT-d walk found) lands where the reference says. QEMU's
 *    walk and the L1 kernel's trace are independent sources.
 * 2. The stream holds what the brief asks for: the VMM's initial mapping of
 *    guest RAM, virtio-mem plugs and unplugs (map2/unmap2 of the device
 *    memory region), and the host's invalidations (inv).
 * 3. The dirty-tracking rounds (dirty-mock.trace.gz, IOMMU_HWPT_GET_DIRTY_BITMAP
 *    on the selftest mock's HWPT) report exactly the buffers the "device"
 *    wrote since the previous round (nb-s2tool: 64 of a 512-buffer ring per
 *    round, all dirty bits cleared by each read), and the IOTLB flush each
 *    read needs spans the first to the last dirty page: Linux 6.12
 *    drivers/iommu/iommufd/io_pagetable.c iommu_read_and_clear_dirty gathers
 *    every cleared range into one iommu_iotlb_gather, then iommu_iotlb_sync;
 *    64 consecutive ring buffers (the ring wraps at a multiple of 64) are
 *    one span of 64 pages.
 */
#include "nb_test.h"
#include "page_ref.h"
#include "replay_common.h"

/* Where L2's virtio-mem memory is: QEMU's pc machines put device memory
 * after the RAM above 4 GiB (hw/i386/pc.c pc_memory_init), at 4 GiB itself
 * when all RAM fits below (nb-vmm: -m 256M); nothing else of L2 is there. */
#define VMEM_BASE (4ull << 30)

static void stage2(const char *path)
{
	static struct page_ref ref;
	uint64_t maps = 0, unmaps = 0, vmem_maps = 0, vmem_unmaps = 0, dmas = 0, translated = 0, unknown = 0, wrong = 0, invs = 0;
	struct nb_trace *t;
	struct nb_trace_event ev;
	char v[64];
	int got;

	if (nb_trace_meta(path, "stage2-domain", v, sizeof(v)) != 1) {
		NBT_FAIL("%s: no stage2-domain in its header (or not readable: %s)", path, nb_errmsg());
		return;
	}
	memset(&ref, 0, sizeof(ref));
	if (nb_trace_open(&t, path)) {
		NBT_FAIL("%s", nb_errmsg());
		return;
	}
	while ((got = nb_trace_next(t, &ev)) == 1) {
		if (ev.kind == NB_TR_MAP2 || ev.kind == NB_TR_UNMAP2) {
			CHECK(ev.kind == NB_TR_UNMAP2 || ev.has_out, "%s:%u: map2 without out=", path, ev.line);
			for (uint64_t a = ev.iova & ~0xfffull; a < ev.iova + ev.size; a += 4096)
				*page_ref_slot(&ref, a >> 12, true) = ev.kind == NB_TR_MAP2 ? ((ev.out + (a - ev.iova)) >> 12) + 1 : 0;
			maps += ev.kind == NB_TR_MAP2;
			unmaps += ev.kind == NB_TR_UNMAP2;
			vmem_maps += ev.kind == NB_TR_MAP2 && ev.iova >= VMEM_BASE;
			vmem_unmaps += ev.kind == NB_TR_UNMAP2 && ev.iova >= VMEM_BASE;
			continue;
		}
		invs += ev.kind == NB_TR_INV;
		if (ev.kind != NB_TR_DMA)
			continue;
		dmas++;
		uint64_t *s = page_ref_slot(&ref, ev.iova >> 12, false);

		if (!ev.has_out || !s || !*s) {
			unknown++;
			continue;
		}
		translated++;
		if (((*s - 1) << 12 | (ev.iova & 0xfff)) != ev.out && wrong++ < 5)
			NBT_FAIL("%s:%u: L0 QEMU translated GPA %#llx to %#llx, the stage-2 stream says %#llx", path,
				 ev.line, (unsigned long long)ev.iova, (unsigned long long)ev.out,
				 (unsigned long long)((*s - 1) << 12 | (ev.iova & 0xfff)));
	}
	CHECK(got == 0, "%s: %s", path, nb_errmsg());
	nb_trace_close(t);
	CHECK(maps > 0 && unmaps > 0, "%s: stage-2 maps (%llu) and unmaps (%llu)", path, (unsigned long long)maps,
	      (unsigned long long)unmaps);
	CHECK(vmem_maps > 0, "%s: virtio-mem plugs mapped the stage 2", path);
	CHECK(vmem_unmaps > 0, "%s: virtio-mem unplugs unmapped it", path);
	CHECK(invs > 0, "%s: the host's invalidations of the stage 2", path);
	CHECK(translated > 0, "%s: L2's DMA went through the stage 2 (%llu DMAs)", path, (unsigned long long)dmas);
	CHECK_EQ(wrong, 0, "%s: every translation QEMU did equals the stream's tables (%llu compared, %llu "
		 "outside the stream's maps)", path, (unsigned long long)translated, (unsigned long long)unknown);
	printf("%s: %llu map2, %llu unmap2 (%llu virtio-mem maps), %llu inv; %llu DMAs, %llu translations "
	       "compared\n",
	       path, (unsigned long long)maps, (unsigned long long)unmaps, (unsigned long long)vmem_maps,
	       (unsigned long long)invs, (unsigned long long)dmas, (unsigned long long)translated);
}

static void dirty(const char *path)
{
	uint64_t rounds = 0, mapped = 0;
	struct nb_trace *t;
	struct nb_trace_event ev;
	int got;

	if (nb_trace_open(&t, path)) {
		NBT_FAIL("%s", nb_errmsg());
		return;
	}
	while ((got = nb_trace_next(t, &ev)) == 1) {
		if (ev.kind == NB_TR_MAP2)
			mapped += ev.size;
		if (ev.kind != NB_TR_DIRTY2)
			continue;
		rounds++;
		CHECK_EQ(ev.dirty, 64, "%s:%u: the 64 buffers written since the last read", path, ev.line);
		CHECK_EQ(ev.flush_size, 64 * 4096, "%s:%u: one flush over the 64 dirty pages", path, ev.line);
		CHECK(ev.flush_iova >= ev.iova && ev.flush_iova + ev.flush_size <= ev.iova + ev.size,
		      "%s:%u: the flush inside the range read", path, ev.line);
		CHECK_EQ((ev.flush_iova - ev.iova) / 4096 % 512, (rounds - 1) % 8 * 64,
			 "%s:%u: the ring position of round %llu", path, ev.line, (unsigned long long)rounds);
	}
	CHECK(got == 0, "%s: %s", path, nb_errmsg());
	nb_trace_close(t);
	CHECK(rounds >= 8, "%s: dirty rounds (%llu)", path, (unsigned long long)rounds);
	CHECK_EQ(mapped, 64ull << 20, "%s: the mock HWPT's 64 MiB mapping", path);
	printf("%s: %llu dirty rounds\n", path, (unsigned long long)rounds);
}

static void check(const char *name)
{
	char path[512];

	trace_path(name, path, sizeof(path));
	if (strstr(name, "dirty"))
		dirty(path);
	else
		stage2(path);
}

int main(int argc, char **argv)
{
	static const char *const defaults[] = { "nested/s2-vmm/all.trace.gz", "nested/s2-vmm/dirty-mock.trace.gz",
						NULL };

	return replay_main("test_nested_s2", argc, argv, check, defaults);
}
