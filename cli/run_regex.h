/* SPDX-License-Identifier: MIT */
/*
 * A Google Benchmark filter (POSIX extended regex, as its std::regex reads
 * it) that selects exactly the given benchmark names: "^(...)$" over a trie
 * of the names, so that names sharing a prefix share its text (a part of
 * the replay family, a thousand names, stays a few kilobytes).
 */
#ifndef NB_SRC_CLI_RUN_REGEX_H
#define NB_SRC_CLI_RUN_REGEX_H

/* names[0..n), n >= 1, distinct; the result is malloc'd (NULL: no memory).
 * The names array is sorted in place. */
char *run_regex_exact(const char **names, int n);

#endif
