/* SPDX-License-Identifier: MIT */
/*
 * A text trace as lines (reader.c reads its fields). The text is read in
 * zlib's own pieces and cut into lines here, as gzgets(buf, 1024) cut it
 * before: a line is up to and with its '\n', or its first NB_TEXT_LINE_MAX
 * bytes (longer: "line too long"), or what is left at the end. gzread of
 * NB_TEXT_CHUNK bytes inflates the pieces gzgets fetched (zlib 1.2.13
 * gzread.c: a request of its output buffer's size is inflated straight into
 * ours), so a damaged file stops after the same lines, with the same line
 * number; text_lines.c says where gzread differs and how that is made up
 * for. tests/trace/reader_diff.sh compares the reader with an earlier one
 * input by input.
 */
#ifndef NB_SRC_TRACE_TEXT_LINES_H
#define NB_SRC_TRACE_TEXT_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#define NB_TEXT_CHUNK 16384   /* gzgets' fetch: zlib's output buffer, twice gzbuffer's default 8192 */
#define NB_TEXT_LINE_MAX 1023 /* the longest line gzgets(buf, 1024) returned */

struct nb_text {
	gzFile f;	 /* zlib reads plain files transparently */
	bool drained;	 /* the last gzread brought nothing: the end, or an error */
	uint64_t got;	 /* bytes gzread has given */
	size_t pos, end; /* the text not yet read: text[pos, end); text[end] is NUL,
			  * so a scan for a line's end stops there at the latest */
	char text[NB_TEXT_LINE_MAX - 1 + NB_TEXT_CHUNK + 1]; /* a line's start kept, a chunk, the NUL */
};

/* The next line as gzgets(buf, 1024) returned it, *len bytes; *last: the
 * text ends there without a '\n' (then a NUL follows it). NULL: no more
 * (the end, or a read error: gzerror says which); a line a read error cut
 * short is not returned, as gzgets did not return it. A caller may also
 * take a line from text[pos] itself and move pos past it. */
char *nb_text_line(struct nb_text *t, size_t *len, bool *last);

/* Whether gzgets, reading path to its line'th line, had seen the
 * compressed data end (Z_BUF_ERROR): for a line without a '\n' in a gzip
 * file cut short. */
bool nb_text_gzgets_saw_end(const char *path, unsigned line);

#endif
