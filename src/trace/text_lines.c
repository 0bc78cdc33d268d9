// SPDX-License-Identifier: MIT
/* A text trace as lines, cut as gzgets cut them (text_lines.h). */
#include <string.h>

#include "trace/text_lines.h"

/* One more chunk after the text not yet read, which moves to the front (the
 * start of a line: under NB_TEXT_LINE_MAX bytes). A gzread that fails returns
 * nothing of its call, though it may have copied whole pieces before the one
 * that failed, which gzgets would have given: gztell counts them. */
static void refill(struct nb_text *t)
{
	size_t keep = t->end - t->pos;
	int n;

	memmove(t->text, t->text + t->pos, keep);
	t->pos = 0;
	t->end = keep;
	n = gzread(t->f, t->text + keep, NB_TEXT_CHUNK);
	/* gzread at the end of the input returns before it asks inflate for
	 * more; gzgets asked, and so learnt that a gzip stream whose last piece
	 * had filled up was cut short (Z_BUF_ERROR): ask as it did (the byte
	 * it would have given, if any, is read too) */
	if (n == 0 && gzgets(t->f, t->text + keep, 2))
		n = 1;
	if (n < 0) {
		z_off_t at = gztell(t->f);

		n = at > 0 && (uint64_t)at > t->got ? (int)((uint64_t)at - t->got) : 0;
		t->drained = true;
	} else if (n == 0) {
		t->drained = true;
	}
	t->got += (uint64_t)n;
	t->end += (size_t)n;
	t->text[t->end] = '\0'; /* a scan for the line's end stops there */
}

char *nb_text_line(struct nb_text *t, size_t *len, bool *last)
{
	for (;;) {
		char *s = t->text + t->pos;
		size_t avail = t->end - t->pos;
		char *nl = memchr(s, '\n', avail < NB_TEXT_LINE_MAX ? avail : NB_TEXT_LINE_MAX);
		int err;

		if (nl || avail >= NB_TEXT_LINE_MAX) {
			*len = nl ? (size_t)(nl - s) + 1 : NB_TEXT_LINE_MAX;
			*last = false;
			t->pos += *len;
			return s;
		}
		if (!t->drained) {
			refill(t);
			continue;
		}
		gzerror(t->f, &err);
		if (!avail || (err != Z_OK && err != Z_BUF_ERROR))
			return NULL;
		*len = avail;
		*last = true;
		t->pos = t->end;
		s[avail] = '\0';
		return s;
	}
}

/* Whether gzgets, reading to this line, had seen the compressed data end
 * (Z_BUF_ERROR). zlib notices it fetching the last piece; a gzread that ran
 * over a gzip member's end fetched the next member's pieces with it, earlier
 * than gzgets did: only gzgets can say. Read again (this is only for a line
 * without a '\n' in a gzip file cut short); if that cannot be done, what
 * gzread saw. */
bool nb_text_gzgets_saw_end(const char *path, unsigned line)
{
	gzFile f = gzopen(path, "rb");
	char buf[NB_TEXT_LINE_MAX + 1];
	int err;

	if (!f)
		return true;
	while (line && gzgets(f, buf, sizeof(buf)))
		line--;
	gzerror(f, &err);
	gzclose(f);
	return line || err == Z_BUF_ERROR;
}
