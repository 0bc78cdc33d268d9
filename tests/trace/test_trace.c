// SPDX-License-Identifier: MIT
/*
 * Trace reader and replay: a hand-written trace whose outcome is counted
 * by hand, gzip read the same as plain, and every malformed line refused
 * with file:line and what is wrong: time going backwards, a range past
 * 2^64, prot=/access= errors in one readable message, a gzip cut short
 * called truncated. Replay: a 4K unmap inside a 2M mapping and a map the
 * model cannot hold stop it with the line; a map over a live mapping and
 * an unmap of nothing are counted (maps_replaced, unmaps_unmapped).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "nb_test.h"
#include "nestbench/trace.h"

static const char *good =
	"nestbench-trace 1\n"
	"# a NIC: map a buffer, DMA it twice, unmap it, then a DMA the trace never mapped\n"
	"1000 map 0x10 0x100000 8192 1 prot=rw\n"
	"1100 dma 0x10 0x100000 64 1 access=r\n"
	"1200 dma 0x10 0x101000 64 1 access=w\n"
	"1300 dma 0x10 0x100040 64 1 access=r hit=1\n"
	"1400 unmap 0x10 0x100000 8192 1\n"
	"1500 dma 0x10 0x200000 64 1 access=r\n"
	"1600 inv 0x10 0x100000 8192 1 op=IOTLB_PSI w0=0x12 w1=0x100001\n";

static void write_file(const char *path, const char *text, bool gz)
{
	if (gz) {
		gzFile f = gzopen(path, "wb");

		gzputs(f, text);
		gzclose(f);
	} else {
		FILE *f = fopen(path, "w");

		fputs(text, f);
		fclose(f);
	}
}

static void replay_counts(const char *path)
{
	struct nb_hw_params p;
	struct nb_replay_result r;

	nb_hwparams_defaults(&p, NB_VENDOR_VTD);
	snprintf(p.model, sizeof(p.model), "vtd");
	p.policy.strict = true;
	CHECK(nb_replay(path, &p, false, &r) == 0, "replay %s: %s", path, nb_errmsg());
	CHECK_EQ(r.events, 7, "events");
	CHECK_EQ(r.maps, 1, "maps");
	CHECK_EQ(r.unmaps, 1, "unmaps");
	CHECK_EQ(r.dmas, 4, "dmas");
	CHECK_EQ(r.invs, 1, "invs");
	CHECK_EQ(r.implied_maps, 1, "the DMA at 0x200000 needed an implied map");
	/* page 0x100000: miss then hit (0x100040 is the same page); 0x101000: miss;
	 * 0x200000: the implied map's retry is the lookup that counts twice */
	CHECK_EQ(r.iotlb_hits, 1, "IOTLB hits by hand");
	CHECK_EQ(r.src_hits_known, 1, "one event carried the source's hit flag");
	CHECK_EQ(r.src_hit_agree, 1, "and the model agreed");
	CHECK(r.st.cmds >= 2, "the unmap was invalidated: %llu commands", (unsigned long long)r.st.cmds);
	CHECK(r.trace_s > 0 && r.trace_s < 1e-5, "trace span 600 ns: %g s", r.trace_s);
}

static void bad_lines(void)
{
	static const struct { const char *text; const char *want; } cases[] = {
		{ "", "empty" },
		{ "nestbench-trace 3\n", ":1: unsupported trace version" },
		{ "nestbench-trace 0\n", ":1: unsupported trace version" },
		/* stage-2 kinds are version 2: a version-1 trace naming them is refused */
		{ "nestbench-trace 1\n1 map2 0 0x1000 4096 1\n", ":2: this kind needs trace version 2" },
		{ "nestbench-trace 2\n1 unmap2 0 0x1000 0 1\n", ":2: size" },
		{ "nestbench-trace 2\n1 map2 0 0x1000 4096 1 dirty=3\n", ":2: dirty: only on a dirty2" },
		{ "nestbench-trace 2\n1 dirty2 0 0x1000 4096 1 flush-size=x\n", ":2: flush-size" },
		{ "not-a-trace\n", ":1: expected the header" },
		{ "nestbench-trace 1\n1 map 0x10 0x1000 4096\n", ":2: expected TIME KIND" },
		{ "nestbench-trace 1\n1 jump 0x10 0x1000 4096 1\n", ":2: unknown kind" },
		{ "nestbench-trace 1\nx map 0x10 0x1000 4096 1\n", ":2: time" },
		{ "nestbench-trace 1\n1 map 0x10 0x1000 0 1\n", ":2: size" },
		{ "nestbench-trace 1\n1 map 0x10 0x1000 4096 1 prot=rq\n", ":2: prot" },
		{ "nestbench-trace 1\n1 dma 0x10 0x1000 4 1 hit=2\n", ":2: hit" },
		{ "nestbench-trace 1\n1 dma 0x10 0x1000 4 1 nokey\n", ":2: expected key=value" },
		{ "nestbench-trace 1\n10 dma 0x10 0x1000 4 1\n5 dma 0x10 0x1000 4 1\n",
		  ":3: time: 5 goes backwards (the line before: 10)" },
		{ "nestbench-trace 1\n1 map 0x10 0xfffffffffffff000 0x2000 1\n",
		  ":2: iova/size: 0xfffffffffffff000 + 0x2000 wraps past 2^64" },
		{ "nestbench-trace 1\n1 dma 0x10 0xffffffffffffffff 2 1\n", ":2: iova/size:" },
		/* the whole message, once: it was read while being written */
		{ "nestbench-trace 1\n1 map 0x10 0x1000 4096 1 prot=rq\n",
		  "bad.trace:2: prot: permission 'rq': use each of r, w, x at most once" },
		{ "nestbench-trace 1\n1 dma 0x10 0x1000 4 1 access=z\n",
		  "bad.trace:2: access: permission 'z': use each of r, w, x at most once" },
		{ "nestbench-trace 1\n1 dma 0x1ffffffff 0x1000 4 1\n", ":2: sid" },
		{ "nestbench-trace 1\n1 dma 0x10 0x1000 4 99999999999999999999\n", ":2: domain" },
	};
	struct nb_trace_event ev;

	for (size_t i = 0; i < NB_ARRAY_SIZE(cases); i++) {
		struct nb_trace *t;
		int rc = 0;

		write_file("bad.trace", cases[i].text, false);
		CHECK(nb_trace_open(&t, "bad.trace") == 0, "open");
		while ((rc = nb_trace_next(t, &ev)) == 1)
			;
		CHECK(rc < 0, "case %zu must be refused", i);
		CHECK(strstr(nb_errmsg(), cases[i].want) != NULL, "case %zu: '%s' in '%s'", i, cases[i].want,
		      nb_errmsg());
		nb_trace_close(t);
	}
	{
		struct nb_trace *t;

		CHECK(nb_trace_open(&t, "/nonexistent/x.trace") < 0 && strstr(nb_errmsg(), "/nonexistent/x.trace"),
		      "missing file named: %s", nb_errmsg());
	}
	remove("bad.trace");
}

/* A gzip trace cut in the middle (a copy cut short) says "truncated". */
static void truncated_gzip(void)
{
	char *text = malloc(1 << 20), *buf = malloc(1 << 20);
	size_t off = (size_t)sprintf(text, "nestbench-trace 1\n"), n;
	struct nb_trace_event ev;
	struct nb_trace *t;
	FILE *f;
	int rc;

	for (unsigned i = 0; i < 20000; i++) /* incompressible enough to span blocks */
		off += (size_t)sprintf(text + off, "%u dma 0x%x 0x%x 4 %u\n", i, (i * 2654435761u) >> 20,
				       i * 40503u, i % 7);
	write_file("cut.trace.gz", text, true);
	f = fopen("cut.trace.gz", "rb");
	n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	f = fopen("cut.trace.gz", "wb");
	fwrite(buf, 1, n / 2, f);
	fclose(f);
	CHECK(nb_trace_open(&t, "cut.trace.gz") == 0, "open %s", nb_errmsg());
	while ((rc = nb_trace_next(t, &ev)) == 1)
		;
	CHECK(rc < 0 && strstr(nb_errmsg(), "cut.trace.gz:") && strstr(nb_errmsg(), "truncated"),
	      "a gzip trace cut in half: '%s'", nb_errmsg());
	nb_trace_close(t);
	remove("cut.trace.gz");
	free(text);
	free(buf);
}

static int replay_text(const char *text, struct nb_replay_result *r)
{
	struct nb_hw_params p;

	nb_hwparams_defaults(&p, NB_VENDOR_VTD);
	snprintf(p.model, sizeof(p.model), "vtd");
	write_file("replay.trace", text, false);
	return nb_replay("replay.trace", &p, false, r);
}

/* What a trace does that the driver cannot have done: an error with its
 * line, or a counter; never a silent no-op. */
static void replay_checks(void)
{
	struct nb_replay_result r;
	int rc;

	/* 2 MiB aligned and long: the model maps one 2M leaf (VT-d second stage) */
	rc = replay_text("nestbench-trace 1\n"
			 "1 map 0x10 0x200000 0x200000 1\n"
			 "2 unmap 0x10 0x201000 4096 1\n"
			 "3 dma 0x10 0x201000 4 1\n", &r);
	CHECK(rc < 0 && strstr(nb_errmsg(), "replay.trace:3: replay: unmap 0x201000+0x1000") &&
		      strstr(nb_errmsg(), "partial superpage"),
	      "a 4K unmap inside a 2M mapping stops the replay: '%s'", nb_errmsg());
	rc = replay_text("nestbench-trace 1\n1 map 0x10 0xfffffffffffff000 4096 1\n", &r);
	CHECK(rc < 0 && strstr(nb_errmsg(), "replay.trace:2: replay: map 0xfffffffffffff000+0x1000"),
	      "a map outside the model's address space stops the replay: '%s'", nb_errmsg());
	rc = replay_text("nestbench-trace 1\n"
			 "1 map 0x10 0x100000 4096 1\n"
			 "2 map 0x10 0x100000 4096 1\n"   /* the trace lacks the unmap between */
			 "3 unmap 0x10 0x300000 4096 1\n" /* mapped before the trace began */
			 "4 unmap 0x10 0x100000 8192 1\n" /* half of it mapped */
			 "5 dma 0x10 0x100000 4 1\n", &r);
	CHECK(rc == 0, "duplicates replay: %s", nb_errmsg());
	CHECK_EQ(r.maps_replaced, 1, "a map over a live mapping is counted");
	CHECK_EQ(r.unmaps_unmapped, 2, "unmaps of what is not (all) mapped are counted");
	CHECK_EQ(r.implied_maps, 1, "the unmap took effect: the DMA needs an implied map");
	remove("replay.trace");
}

/* Version 2: the stage-2 kinds and their keys, as docs/trace-format.md defines them. */
static void version2(void)
{
	static const char *v2 =
		"nestbench-trace 2\n"
		"10 map2 0x10 0x40000000 2097152 7 out=0x12345000 more=1 cause=virtio-mem step=plug\n"
		"20 dma 0x10 0x40000040 0 7 hit=0 out=0x12345040\n"
		"30 unmap2 0x10 0x40000000 2097152 7\n"
		"40 dirty2 0 0x10000000 67108864 3 dirty=64 flush-iova=0x10040000 flush-size=262144\n";
	struct nb_trace_event ev[4];
	struct nb_trace *t;
	int n = 0, rc;

	write_file("v2.trace", v2, false);
	CHECK(nb_trace_open(&t, "v2.trace") == 0, "open: %s", nb_errmsg());
	while (n < 4 && (rc = nb_trace_next(t, &ev[n])) == 1)
		n++;
	CHECK_EQ(n, 4, "four events: %s", nb_errmsg());
	nb_trace_close(t);
	remove("v2.trace");
	if (n != 4)
		return;
	CHECK_EQ(ev[0].kind, NB_TR_MAP2, "map2");
	CHECK_EQ(ev[0].version, 2, "the header's version");
	CHECK(ev[0].has_out && ev[0].out == 0x12345000 && ev[0].more, "map2 out= and more=");
	CHECK_EQ(ev[0].size, 2097152, "map2 size");
	CHECK(ev[1].kind == NB_TR_DMA && ev[1].has_out && ev[1].out == 0x12345040, "dma out=");
	CHECK_EQ(ev[2].kind, NB_TR_UNMAP2, "unmap2");
	CHECK(!ev[2].has_out, "no out= on the unmap2");
	CHECK_EQ(ev[3].kind, NB_TR_DIRTY2, "dirty2");
	CHECK_EQ(ev[3].dirty, 64, "dirty=");
	CHECK_EQ(ev[3].flush_iova, 0x10040000, "flush-iova=");
	CHECK_EQ(ev[3].flush_size, 262144, "flush-size=");
	CHECK_EQ(ev[3].domain, 3, "dirty2 domain");
	{ /* a version-1 trace still reads, and reports version 1 */
		struct nb_trace_event e;

		write_file("v1.trace", good, false);
		CHECK(nb_trace_open(&t, "v1.trace") == 0 && nb_trace_next(t, &e) == 1, "v1: %s", nb_errmsg());
		CHECK_EQ(e.version, 1, "v1 trace version");
		nb_trace_close(t);
		remove("v1.trace");
	}
	{ /* the single-stage replay refuses stage-2 events instead of skipping them */
		struct nb_hw_params p;
		struct nb_replay_result r;

		write_file("v2.trace", v2, false);
		nb_hwparams_defaults(&p, NB_VENDOR_VTD);
		snprintf(p.model, sizeof(p.model), "vtd");
		CHECK(nb_replay("v2.trace", &p, false, &r) < 0 && strstr(nb_errmsg(), "v2.trace:2:") &&
			      strstr(nb_errmsg(), "stage-2"),
		      "replay of map2: %s", nb_errmsg());
		remove("v2.trace");
	}
}

/* Every field the reader takes apart, checked against values written by
 * hand: every hex digit in both cases and decimal digits, blanks of both
 * kinds (space, tab) and runs of them, a comment after the fields, a CRLF
 * line end (on a line without a comment), every key=value key, an unknown key kept out. */
static void fields(void)
{
	static const char *text =
		"nestbench-trace 1\n"
		" \t0123456789 \tinv\t0X1f 0x0123456789ABCDEF 0xfedcba9876\t4294967295 "
		"op=IOTLB_PSI w0=0xaBcDeF w1=0x10 w2=0x2 w3=0x3 hit=1 new-key=x # a comment\n"
		"9999999999999999999 map 0 0x1000 4096 0 prot=r more=1 live=1\r\n";
	struct nb_trace_event ev[2];
	struct nb_trace *t;
	int n = 0;

	write_file("fields.trace", text, false);
	CHECK(nb_trace_open(&t, "fields.trace") == 0, "open: %s", nb_errmsg());
	while (n < 2 && nb_trace_next(t, &ev[n]) == 1)
		n++;
	CHECK_EQ(n, 2, "two events: %s", nb_errmsg());
	nb_trace_close(t);
	remove("fields.trace");
	if (n != 2)
		return;
	CHECK_EQ(ev[0].time_ns, 123456789ull, "decimal time after blanks");
	CHECK_EQ(ev[0].kind, NB_TR_INV, "kind between tabs");
	CHECK_EQ(ev[0].sid, 0x1f, "0X and a lower-case digit");
	CHECK_EQ(ev[0].iova, 0x0123456789abcdefull, "upper-case digits A-F and 0-9");
	CHECK_EQ(ev[0].size, 0xfedcba9876ull, "lower-case digits a-f");
	CHECK_EQ(ev[0].domain, 4294967295u, "the largest domain");
	CHECK(strcmp(ev[0].op, "IOTLB_PSI") == 0, "op=: '%s'", ev[0].op);
	CHECK(ev[0].has_raw && ev[0].raw.w[0] == 0xabcdef && ev[0].raw.w[1] == 0x10 && ev[0].raw.w[2] == 2 &&
		      ev[0].raw.w[3] == 3,
	      "w0..w3");
	CHECK_EQ(ev[0].hit, 1, "hit=");
	CHECK_EQ(ev[1].time_ns, 9999999999999999999ull, "19 decimal digits");
	CHECK_EQ(ev[1].kind, NB_TR_MAP, "map");
	CHECK_EQ(ev[1].prot, NB_PROT_R, "prot=r");
	CHECK(ev[1].more && ev[1].live, "more= and live=");
	CHECK_EQ(ev[1].hit, -1, "no hit=: unknown");
}

int main(void)
{
	fields();
	version2();
	write_file("good.trace", good, false);
	write_file("good.trace.gz", good, true);
	replay_counts("good.trace");
	replay_counts("good.trace.gz");
	bad_lines();
	truncated_gzip();
	replay_checks();
	remove("good.trace");
	remove("good.trace.gz");
	return nbt_done("test_trace");
}
