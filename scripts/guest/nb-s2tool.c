// SPDX-License-Identifier: MIT
/*
 * nb-s2tool: the guest-side helper of scripts/guest/capture-nested (runs in
 * the L1 guest; built by that script with the kernel's uAPI headers).
 *
 *   nb-s2tool clock
 *       write "NB-MARK clock REALTIME_NS" into ftrace's trace_marker: ftrace
 *       stamps it with its own clock (trace_clock=mono), so the converter can
 *       put events stamped with the wall clock (QEMU's log) on the trace clock.
 *   nb-s2tool mark TEXT...
 *       write "NB-MARK TEXT" into trace_marker.
 *   nb-s2tool qmp PORT JSON
 *       one QMP command to a QEMU on 127.0.0.1:PORT (greeting, capabilities,
 *       the command); prints the reply line; exit 0 on "return", 1 on "error".
 *   nb-s2tool dirty ROUNDS RING PER_ROUND
 *       dirty tracking through the real iommufd uAPI on the selftest mock
 *       device (CONFIG_IOMMUFD_TEST): an IOAS with a 64 MiB mapping, a HWPT
 *       allocated with IOMMU_HWPT_ALLOC_DIRTY_TRACKING, tracking enabled with
 *       IOMMU_HWPT_SET_DIRTY_TRACKING; then ROUNDS rounds of: the "device"
 *       writes PER_ROUND buffers of a receive ring of RING 4 KiB buffers
 *       (IOMMU_TEST_OP_DIRTY sets their dirty bits, in ring order, wrapping;
 *       "marked" counts the mock's 2 KiB pages, two per buffer),
 *       then IOMMU_HWPT_GET_DIRTY_BITMAP over the whole mapping, which
 *       returns and clears the dirty bits and flushes the IOTLB for the span
 *       it cleared (drivers/iommu/iommufd/io_pagetable.c
 *       iommu_read_and_clear_dirty: one gather from the first to the last
 *       dirty page, then iommu_iotlb_sync). Prints one line per round:
 *         round N t_ns T iova IOVA length LEN dirty D first F last L
 *       (F/L: the first and last dirty byte's page, the gather's span).
 *   nb-s2tool probe
 *       whether the IOMMU of the VFIO cdev $NB_VFIO tracks dirty bits: its
 *       IOMMU_GET_HW_INFO capabilities and IOMMU_HWPT_ALLOC with
 *       IOMMU_HWPT_ALLOC_DIRTY_TRACKING ("vfio-dirty: ok" or the errno).
 *
 * Exit status: 0 done, 1 a failed system call (named with its errno on
 * stderr), 2 bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define __user
#include <linux/iommufd.h>
#include <linux/iommufd_test.h>
#include <linux/vfio.h>

#define MARKER "/sys/kernel/tracing/trace_marker"
#define MAP_IOVA 0x10000000ull /* inside the mock's aperture */
#define MAP_BYTES (64ull << 20)
#define PAGE 4096ull
/* The mock domain's IO page: PAGE_SIZE / 2 (drivers/iommu/iommufd/selftest.c
 * MOCK_IO_PAGE_SIZE); IOMMU_TEST_OP_DIRTY indexes its entries in these units,
 * so one 4 KiB buffer written is two mock pages marked. */
#define MOCK_PAGE (PAGE / 2)

static int fail(const char *what)
{
	fprintf(stderr, "nb-s2tool: %s: %s (errno %d)\n", what, strerror(errno), errno);
	return 1;
}

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int mark(const char *text)
{
	int fd = open(MARKER, O_WRONLY | O_CLOEXEC);
	char buf[512];
	int n;

	if (fd < 0)
		return fail("open " MARKER);
	n = snprintf(buf, sizeof(buf), "NB-MARK %s", text);
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		return fail("write " MARKER);
	}
	close(fd);
	return 0;
}

static int cmd_clock(void)
{
	char text[64];

	snprintf(text, sizeof(text), "clock %llu", (unsigned long long)now_ns(CLOCK_REALTIME));
	return mark(text);
}

/* Read one QMP line (a JSON object ends with '\n'). */
static int read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;

	while (n + 1 < len) {
		ssize_t r = read(fd, buf + n, 1);

		if (r <= 0)
			return -1;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return 0;
}

/* The reply to the last command: skip asynchronous events ("event" lines). */
static int read_reply(int fd, char *buf, size_t len)
{
	do {
		if (read_line(fd, buf, len))
			return -1;
	} while (!strstr(buf, "\"return\"") && !strstr(buf, "\"error\""));
	return 0;
}

static int cmd_qmp(const char *port, const char *json)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	static const char caps[] = "{\"execute\":\"qmp_capabilities\"}\n";
	char line[8192];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return fail("socket");
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		return fail("connect to QMP");
	if (read_line(fd, line, sizeof(line)) || write(fd, caps, sizeof(caps) - 1) < 0 ||
	    read_reply(fd, line, sizeof(line)))
		return fail("QMP greeting/capabilities");
	if (write(fd, json, strlen(json)) < 0 || write(fd, "\n", 1) < 0 || read_reply(fd, line, sizeof(line)))
		return fail("QMP command");
	close(fd);
	printf("%s\n", line);
	return strstr(line, "\"error\"") ? 1 : 0;
}

static int iofd(int fd, unsigned long req, void *arg, const char *what)
{
	if (ioctl(fd, req, arg))
		return fail(what);
	return 0;
}

/* Would the VFIO device's IOMMU (the emulated VT-d here) track dirty bits? */
static int cmd_probe(void)
{
	const char *node = getenv("NB_VFIO");
	struct iommu_ioas_alloc ia = { .size = sizeof(ia) };
	int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct iommu_hwpt_alloc h = { .size = sizeof(h), .flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING };
	struct iommu_hw_info info = { .size = sizeof(info) };
	int dev;

	if (!node || !*node) {
		fprintf(stderr, "nb-s2tool: probe: NB_VFIO names no VFIO cdev\n");
		return 2;
	}
	if (fd < 0)
		return fail("open /dev/iommu");
	bind.iommufd = fd;
	if (iofd(fd, IOMMU_IOAS_ALLOC, &ia, "IOMMU_IOAS_ALLOC"))
		return 1;
	dev = open(node, O_RDWR | O_CLOEXEC);
	if (dev < 0 || ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return fail(node);
	info.dev_id = bind.out_devid;
	if (ioctl(fd, IOMMU_GET_HW_INFO, &info) == 0)
		printf("vfio-hw-info: type %u capabilities %#llx (IOMMU_HW_CAP_DIRTY_TRACKING %s)\n", info.out_data_type,
		       (unsigned long long)info.out_capabilities,
		       info.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING ? "set" : "clear");
	h.dev_id = bind.out_devid;
	h.pt_id = ia.out_ioas_id;
	if (ioctl(fd, IOMMU_HWPT_ALLOC, &h))
		printf("vfio-dirty: IOMMU_HWPT_ALLOC(DIRTY_TRACKING) on %s: %s (errno %d)\n", node, strerror(errno),
		       errno);
	else
		printf("vfio-dirty: ok (hwpt %u)\n", h.out_hwpt_id);
	close(dev);
	close(fd);
	return 0;
}

static int cmd_dirty(unsigned rounds, unsigned ring, unsigned per_round)
{
	struct iommu_ioas_alloc ia = { .size = sizeof(ia) };
	struct iommu_test_cmd md = { .size = sizeof(md), .op = IOMMU_TEST_OP_MOCK_DOMAIN };
	struct iommu_hwpt_alloc h = { .size = sizeof(h), .flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING };
	struct iommu_hwpt_set_dirty_tracking on = { .size = sizeof(on), .flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE };
	uint64_t npages = MAP_BYTES / PAGE, *mark_bits, *got;
	size_t bitmap_bytes = (size_t)(npages / 8), mark_bytes = (size_t)(MAP_BYTES / MOCK_PAGE / 8);
	unsigned next = 0;
	void *buf;
	int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return fail("open /dev/iommu");
	if (ring == 0 || ring > npages || per_round > ring) {
		fprintf(stderr, "nb-s2tool: dirty: RING must be 1..%llu and PER_ROUND at most RING\n",
			(unsigned long long)npages);
		return 2;
	}
	if (iofd(fd, IOMMU_IOAS_ALLOC, &ia, "IOMMU_IOAS_ALLOC"))
		return 1;
	buf = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED)
		return fail("mmap");
	/* A mock device on the IOAS gives the idev to allocate the dirty HWPT for
	 * (as the kernel's own selftest does in its dirty-tracking fixture); a
	 * second mock device attaches to that HWPT, then the first goes, so the
	 * mapping (made last) lands in the dirty-tracking domain only. */
	md.id = ia.out_ioas_id;
	if (iofd(fd, IOMMU_TEST_CMD, &md, "IOMMU_TEST_OP_MOCK_DOMAIN"))
		return 1;
	h.dev_id = md.mock_domain.out_idev_id;
	h.pt_id = ia.out_ioas_id;
	if (iofd(fd, IOMMU_HWPT_ALLOC, &h, "IOMMU_HWPT_ALLOC(DIRTY_TRACKING)"))
		return 1;
	struct iommu_destroy gone = { .size = sizeof(gone), .id = md.mock_domain.out_stdev_id };

	md = (struct iommu_test_cmd){ .size = sizeof(md), .op = IOMMU_TEST_OP_MOCK_DOMAIN, .id = h.out_hwpt_id };
	if (iofd(fd, IOMMU_TEST_CMD, &md, "IOMMU_TEST_OP_MOCK_DOMAIN on the dirty HWPT") ||
	    iofd(fd, IOMMU_DESTROY, &gone, "IOMMU_DESTROY of the first mock device"))
		return 1;
	struct iommu_ioas_map m = { .size = sizeof(m), .ioas_id = ia.out_ioas_id,
				    .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
					     IOMMU_IOAS_MAP_WRITEABLE,
				    .user_va = (uintptr_t)buf, .length = MAP_BYTES, .iova = MAP_IOVA };
	if (iofd(fd, IOMMU_IOAS_MAP, &m, "IOMMU_IOAS_MAP"))
		return 1;
	on.hwpt_id = h.out_hwpt_id;
	if (iofd(fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &on, "IOMMU_HWPT_SET_DIRTY_TRACKING"))
		return 1;
	mark_bits = calloc(1, mark_bytes);
	got = calloc(1, bitmap_bytes);
	if (!mark_bits || !got)
		return fail("calloc");
	printf("dirty: ioas %u hwpt %u iova %#llx length %#llx ring %u per_round %u\n", ia.out_ioas_id,
	       h.out_hwpt_id, MAP_IOVA, MAP_BYTES, ring, per_round);
	for (unsigned r = 0; r < rounds; r++) {
		struct iommu_test_cmd d = { .size = sizeof(d), .op = IOMMU_TEST_OP_DIRTY, .id = h.out_hwpt_id };
		struct iommu_hwpt_get_dirty_bitmap g = { .size = sizeof(g), .hwpt_id = h.out_hwpt_id,
							 .iova = MAP_IOVA, .length = MAP_BYTES,
							 .page_size = PAGE, .data = (uintptr_t)got };
		uint64_t t0, t1, first = 0, last = 0, n = 0;

		memset(mark_bits, 0, mark_bytes);
		for (unsigned k = 0; k < per_round; k++, next = (next + 1) % ring)
			for (unsigned half = 0; half < 2; half++)
				mark_bits[(2 * next + half) / 64] |= 1ull << ((2 * next + half) % 64);
		d.dirty.iova = MAP_IOVA;
		d.dirty.length = MAP_BYTES;
		d.dirty.page_size = MOCK_PAGE;
		d.dirty.uptr = (uintptr_t)mark_bits;
		if (iofd(fd, IOMMU_TEST_CMD, &d, "IOMMU_TEST_OP_DIRTY"))
			return 1;
		memset(got, 0, bitmap_bytes);
		t0 = now_ns(CLOCK_MONOTONIC);
		if (iofd(fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &g, "IOMMU_HWPT_GET_DIRTY_BITMAP"))
			return 1;
		t1 = now_ns(CLOCK_MONOTONIC);
		for (uint64_t p = 0; p < npages; p++) {
			if (!(got[p / 64] >> (p % 64) & 1))
				continue;
			if (!n++)
				first = MAP_IOVA + p * PAGE;
			last = MAP_IOVA + p * PAGE;
		}
		printf("round %u t_ns %llu end_ns %llu iova %#llx length %#llx dirty %llu marked %llu first %#llx last %#llx\n",
		       r, (unsigned long long)t0, (unsigned long long)t1, MAP_IOVA, MAP_BYTES, (unsigned long long)n,
		       (unsigned long long)d.dirty.out_nr_dirty, (unsigned long long)first,
		       (unsigned long long)last);
	}
	free(mark_bits);
	free(got);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "clock") == 0)
		return cmd_clock();
	if (argc >= 3 && strcmp(argv[1], "mark") == 0) {
		char text[400] = "";

		for (int i = 2; i < argc; i++)
			snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%s", i > 2 ? " " : "", argv[i]);
		return mark(text);
	}
	if (argc == 2 && strcmp(argv[1], "probe") == 0)
		return cmd_probe();
	if (argc == 4 && strcmp(argv[1], "qmp") == 0)
		return cmd_qmp(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "dirty") == 0)
		return cmd_dirty((unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]), (unsigned)atoi(argv[4]));
	fprintf(stderr, "usage: nb-s2tool clock | mark TEXT... | qmp PORT JSON | dirty ROUNDS RING PER_ROUND | probe\n");
	return 2;
}
