// SPDX-License-Identifier: MIT
/*
 * The nested replay's streams (nestbench/trace.h, docs/nested.md): the
 * guests' stage-1 captures in memory with the IPA runs each lays out in a
 * guest's block (the alignment rule), and the VMM's stage-2 stream split
 * into the set-up the guests start on, the changes of its VM's DMA window,
 * and the RAM no change touches.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nested_internal.h"

#define TWO_MIB (2ull << 20)

/* ---- IPA ranges ---- */

static int reserve(struct nested_ranges *m, size_t n)
{
	if (nb_grow((void **)&m->r, &m->cap, n, sizeof(*m->r), 16))
		return nb_fail(ENOMEM, "nested replay: out of memory for IPA ranges");
	return 0;
}

int nested_ranges_clear(struct nested_ranges *m, uint64_t first, uint64_t end)
{
	int ret = reserve(m, m->n + 1); /* one range may split in two */

	if (ret)
		return ret;
	for (size_t i = 0; i < m->n; i++) {
		struct nested_range x = m->r[i];

		if (x.end <= first || x.first >= end)
			continue;
		if (x.first < first && x.end > end) { /* split: the right part after it */
			memmove(&m->r[i + 2], &m->r[i + 1], (m->n - i - 1) * sizeof(x));
			m->r[i].end = first;
			m->r[i + 1] = (struct nested_range){ end, x.end, x.to + (end - x.first) };
			m->n++;
			return 0;
		}
		if (x.first < first) {
			m->r[i].end = first;
		} else if (x.end > end) {
			m->r[i] = (struct nested_range){ end, x.end, x.to + (end - x.first) };
		} else {
			memmove(&m->r[i], &m->r[i + 1], (m->n - i - 1) * sizeof(x));
			m->n--;
			i--;
		}
	}
	return 0;
}

int nested_ranges_set(struct nested_ranges *m, uint64_t first, uint64_t end, uint64_t to)
{
	size_t i = 0;
	int ret = nested_ranges_clear(m, first, end);

	if (ret || (ret = reserve(m, m->n + 1)))
		return ret;
	while (i < m->n && m->r[i].first < first)
		i++;
	memmove(&m->r[i + 1], &m->r[i], (m->n - i) * sizeof(m->r[0]));
	m->r[i] = (struct nested_range){ first, end, to };
	m->n++;
	return 0;
}

void nested_ranges_fini(struct nested_ranges *m)
{
	free(m->r);
	memset(m, 0, sizeof(*m));
}

/* ---- reading a stream into memory ---- */

static int push(struct nb_trace_event **v, size_t *n, size_t *cap, const struct nb_trace_event *ev)
{
	if (nb_grow((void **)v, cap, *n + 1, sizeof(**v), 1024))
		return nb_fail(ENOMEM, "nested replay: out of memory for the events");
	(*v)[(*n)++] = *ev;
	return 0;
}

/* Every event of path, each checked by check() (0 or an error). */
static int read_all(const char *path, struct nb_trace_event **v, size_t *n,
		    int (*check)(const char *path, const struct nb_trace_event *ev))
{
	struct nb_trace *t;
	struct nb_trace_event ev;
	size_t cap = 0;
	int got, ret = nb_trace_open(&t, path);

	*v = NULL;
	*n = 0;
	if (ret)
		return ret;
	while ((got = nb_trace_next(t, &ev)) == 1)
		if ((ret = check(path, &ev)) || (ret = push(v, n, &cap, &ev)))
			break;
	nb_trace_close(t);
	if (!ret && got < 0)
		ret = got;
	if (ret) {
		free(*v);
		*v = NULL;
		*n = 0;
	}
	return ret;
}

/* ---- stage-1 captures and the alignment rule ---- */

static int check_s1(const char *path, const struct nb_trace_event *ev)
{
	if (ev->kind == NB_TR_MAP2 || ev->kind == NB_TR_UNMAP2 || ev->kind == NB_TR_DIRTY2)
		return nb_fail(EINVAL, "%s:%u: nested replay: %s in a guest's stage-1 stream", path, ev->line,
			       nb_trace_kind_name(ev->kind));
	if (ev->kind == NB_TR_MAP && !ev->has_out)
		return nb_fail(EINVAL, "%s:%u: nested replay: map without out= (the guest's stage-1 output, "
				       "an IPA: the converter writes it)", path, ev->line);
	return 0;
}

static int by_first(const void *a, const void *b)
{
	const struct nested_range *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* The IPA ranges the capture maps or DMAs to, merged where they overlap or
 * touch, then laid end to end: each at the first offset congruent to its
 * own address modulo the largest power of two not above its length (at
 * most 2 MiB), so that every leaf the guest could map inside it keeps its
 * size and every address its page offset. */
static int lay_out(struct nested_capture *c)
{
	size_t n = 0, m = 0;
	uint64_t cur = 0;

	c->runs = malloc((c->n + 1) * sizeof(*c->runs));
	if (!c->runs)
		return nb_fail(ENOMEM, "nested replay: out of memory for the IPA runs");
	for (size_t i = 0; i < c->n; i++) {
		const struct nb_trace_event *ev = &c->ev[i];
		uint64_t first, len;

		if (ev->kind == NB_TR_MAP) {
			nested_pages(ev, &first, &len);
			c->runs[n++] = (struct nested_range){ nb_align_down(ev->out, 12),
							      nb_align_down(ev->out, 12) + len, 0 };
		} else if (ev->kind == NB_TR_DMA && ev->has_out) {
			c->runs[n++] = (struct nested_range){ nb_align_down(ev->out, 12),
							      nb_align_down(ev->out, 12) + 4096, 0 };
		}
	}
	qsort(c->runs, n, sizeof(*c->runs), by_first);
	for (size_t i = 0; i < n; i++) {
		if (m && c->runs[i].first <= c->runs[m - 1].end) {
			if (c->runs[i].end > c->runs[m - 1].end)
				c->runs[m - 1].end = c->runs[i].end;
			continue;
		}
		c->runs[m++] = c->runs[i];
	}
	for (size_t i = 0; i < m; i++) {
		uint64_t len = c->runs[i].end - c->runs[i].first, align = 4096;

		while (align * 2 <= len && align * 2 <= TWO_MIB)
			align *= 2;
		c->runs[i].to = cur + ((c->runs[i].first - cur) & (align - 1));
		cur = c->runs[i].to + len;
	}
	c->nruns = m;
	c->block_bytes = (cur + TWO_MIB - 1) & ~(TWO_MIB - 1);
	if (!c->block_bytes)
		c->block_bytes = TWO_MIB;
	return 0;
}

/* The event's domain and device, if new (a device keeps the first domain
 * it is seen with: the one it is attached to when the guest starts). */
static int note_device(struct nested_capture *c, const struct nb_trace_event *ev)
{
	uint32_t j = 0;

	while (j < c->ndomains && c->did[j] != ev->domain)
		j++;
	if (j == c->ndomains) {
		if (j == NESTED_MAX_DOMS)
			return nb_fail(EINVAL, "%s:%u: nested replay: more than %d domains in one guest's stream",
				       c->path, ev->line, NESTED_MAX_DOMS);
		c->did[c->ndomains++] = ev->domain;
	}
	for (j = 0; j < c->ndevs && c->dev[j].sid != ev->sid; j++)
		;
	if (j == c->ndevs) {
		if (j == NESTED_MAX_DOMS)
			return nb_fail(EINVAL, "%s:%u: nested replay: more than %d devices in one guest's stream",
				       c->path, ev->line, NESTED_MAX_DOMS);
		if (ev->sid > 0xff)
			return nb_fail(EINVAL, "%s:%u: nested replay: source id %#x: a guest's devices must fit "
					       "one bus (guest k's device is (k << 8) | sid)", c->path, ev->line, ev->sid);
		c->dev[c->ndevs].sid = ev->sid;
		c->dev[c->ndevs++].did = ev->domain;
	}
	return 0;
}

int nested_capture_init(struct nested_capture *c, const char *path)
{
	char v[16];
	int got = nb_trace_meta(path, "first-stage", v, sizeof(v)), ret;

	memset(c, 0, sizeof(*c));
	c->path = path;
	if (got < 0)
		return got;
	if (got == 0 || atoi(v) != 1)
		return nb_fail(EINVAL, "%s: nested replay: not a guest stage-1 stream: its header's first-stage is %s "
				       "(1 needed: a guest using first-stage tables, whose P_IOTLB descriptors are what "
				       "a nested guest sends; scripts/guest/capture-nested)", path, got ? v : "missing");
	if ((ret = read_all(path, &c->ev, &c->n, check_s1)))
		return ret;
	while (c->first < c->n && c->ev[c->first].kind == NB_TR_MAP && c->ev[c->first].live)
		c->first++;
	if (c->first < c->n) {
		c->t0 = c->ev[c->first].time_ns;
		c->t1 = c->ev[c->n - 1].time_ns;
	}
	for (size_t i = 0; i < c->n && !ret; i++) {
		const struct nb_trace_event *ev = &c->ev[i];

		if (ev->kind == NB_TR_MAP || ev->kind == NB_TR_UNMAP || ev->kind == NB_TR_DMA)
			ret = note_device(c, ev);
	}
	if (ret)
		return ret;
	return lay_out(c);
}

void nested_capture_fini(struct nested_capture *c)
{
	free(c->ev);
	free(c->runs);
	memset(c, 0, sizeof(*c));
}

uint64_t nested_place(const struct nested_capture *c, uint64_t base, uint64_t addr)
{
	size_t lo = 0, hi = c->nruns;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (addr < c->runs[mid].first)
			hi = mid;
		else if (addr >= c->runs[mid].end)
			lo = mid + 1;
		else
			return base + c->runs[mid].to + (addr - c->runs[mid].first);
	}
	return 0;
}

static uint64_t spread(uint64_t t, uint64_t t0, uint64_t t1)
{
	if (t <= t0 || t1 <= t0)
		return 0;
	if (t >= t1)
		return NESTED_SPAN;
	return (uint64_t)((double)(t - t0) / (double)(t1 - t0) * (double)NESTED_SPAN);
}

uint64_t nested_capture_time(const struct nested_capture *c, uint64_t t)
{
	return spread(t, c->t0, c->t1);
}

/* ---- the stage-2 stream ---- */

static int check_s2(const char *path, const struct nb_trace_event *ev)
{
	if (ev->kind == NB_TR_MAP || ev->kind == NB_TR_UNMAP)
		return nb_fail(EINVAL, "%s:%u: nested replay: %s in a stage-2 stream (map2/unmap2/dirty2 expected)",
			       path, ev->line, nb_trace_kind_name(ev->kind));
	if (ev->kind == NB_TR_MAP2 && !ev->has_out)
		return nb_fail(EINVAL, "%s:%u: nested replay: map2 without out= (the host address)", path, ev->line);
	return 0;
}

static bool s2_kind(enum nb_trace_kind k)
{
	return k == NB_TR_MAP2 || k == NB_TR_UNMAP2 || k == NB_TR_DIRTY2;
}

static int apply(struct nested_ranges *m, const struct nb_trace_event *ev)
{
	uint64_t first, len;

	nested_pages(ev, &first, &len);
	if (ev->kind == NB_TR_MAP2)
		return nested_ranges_set(m, first, first + len, nb_align_down(ev->out, 12));
	if (ev->kind == NB_TR_UNMAP2)
		return nested_ranges_clear(m, first, first + len);
	return 0;
}

/* The guests' RAM: the largest range mapped at the start that no change
 * touches, with adjacent pieces joined where their host addresses are too. */
static int find_ram(struct nested_s2 *s, const char *path)
{
	struct nested_ranges st = { 0 };
	int ret = 0;

	for (size_t i = 0; i < s->at_start.n && !ret; i++)
		ret = nested_ranges_set(&st, s->at_start.r[i].first, s->at_start.r[i].end, s->at_start.r[i].to);
	for (size_t i = 0; i < s->nchange && !ret; i++) {
		uint64_t first, len;

		nested_pages(&s->change[i], &first, &len);
		if (s->change[i].kind != NB_TR_DIRTY2)
			ret = nested_ranges_clear(&st, first, first + len);
	}
	for (size_t i = 0; i < st.n && !ret;) {
		uint64_t first = st.r[i].first, end = st.r[i].end, host = st.r[i].to;

		for (i++; i < st.n && st.r[i].first == end && st.r[i].to == host + (end - first); i++)
			end = st.r[i].end;
		if (end - first > s->ram_bytes) {
			s->ram_ipa = first;
			s->ram_bytes = end - first;
			s->ram_host = host;
		}
	}
	nested_ranges_fini(&st);
	if (!ret && !s->ram_bytes)
		ret = nb_fail(EINVAL, "%s: nested replay: no IPA range stays mapped from the VM's first DMA to its "
				      "last: nowhere to put the guests' memory", path);
	return ret;
}

static int load_dirty(struct nested_s2 *s, const char *path)
{
	struct nb_trace_event *ev;
	size_t n, m = 0;
	uint64_t base = UINT64_MAX;
	int ret = read_all(path, &ev, &n, check_s2);

	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++) {
		if (ev[i].kind == NB_TR_MAP2 && ev[i].iova < base)
			base = ev[i].iova; /* the tracked region's start */
		if (ev[i].kind == NB_TR_DIRTY2)
			ev[m++] = ev[i];
	}
	if (!m) {
		free(ev);
		return nb_fail(EINVAL, "%s: nested replay: no dirty2 round in the dirty stream", path);
	}
	for (size_t i = 0; i < m && base == UINT64_MAX; i++)
		base = ev[i].iova < base ? ev[i].iova : base;
	s->dirty = ev;
	s->ndirty = m;
	s->dirty_base = base;
	s->d0 = ev[0].time_ns;
	s->d1 = ev[m - 1].time_ns;
	return 0;
}

int nested_s2_init(struct nested_s2 *s, const char *path, const char *dirty, bool static_s2)
{
	struct nb_trace_event *ev;
	size_t n, capc = 0;
	bool dma = false;
	int ret;

	memset(s, 0, sizeof(*s));
	if ((ret = read_all(path, &ev, &n, check_s2)))
		return ret;
	for (size_t i = 0; i < n; i++)
		if (ev[i].kind == NB_TR_DMA) {
			s->w1 = ev[i].time_ns;
			if (!dma)
				s->w0 = ev[i].time_ns;
			dma = true;
		}
	if (!dma) {
		free(ev);
		return nb_fail(EINVAL, "%s: nested replay: the stage-2 stream has no dma event: its VM's DMA "
				       "window (first to last dma) tells the VMM's set-up from its changes", path);
	}
	for (size_t i = 0; i < n && !ret; i++) {
		if (!s2_kind(ev[i].kind)) {
			s->skipped++;
		} else if (ev[i].time_ns < s->w0) { /* the set-up: its net state */
			s->nsetup++;
			ret = apply(&s->at_start, &ev[i]);
		} else if (ev[i].time_ns <= s->w1 && !static_s2) {
			ret = push(&s->change, &s->nchange, &capc, &ev[i]);
		} else {
			s->after++;
		}
	}
	free(ev);
	if (!ret)
		ret = find_ram(s, path);
	if (!ret && dirty && !static_s2)
		ret = load_dirty(s, dirty);
	if (ret)
		nested_s2_fini(s);
	return ret;
}

void nested_s2_fini(struct nested_s2 *s)
{
	free(s->change);
	free(s->dirty);
	nested_ranges_fini(&s->at_start);
	memset(s, 0, sizeof(*s));
}

uint64_t nested_s2_time(const struct nested_s2 *s, uint64_t t)
{
	return spread(t, s->w0, s->w1);
}

uint64_t nested_dirty_time(const struct nested_s2 *s, uint64_t t)
{
	return spread(t, s->d0, s->d1);
}

uint64_t nested_s2_host(const struct nested_s2 *s, uint64_t ipa)
{
	for (size_t i = 0; i < s->at_start.n; i++)
		if (ipa >= s->at_start.r[i].first && ipa < s->at_start.r[i].end)
			return s->at_start.r[i].to + (ipa - s->at_start.r[i].first);
	return 0;
}
