/* SPDX-License-Identifier: MIT */
/*
 * nestbench common definitions: permissions, error reporting.
 *
 * Error idiom (as in the kernel and libperf): functions return 0 or a negative
 * errno and hand objects back through an out pointer. When a call fails for a
 * reason worth more than an errno (which rule a map broke, which field of a
 * config was wrong), it also leaves a one-line message that nb_errmsg()
 * returns, per thread, until the next failure overwrites it.
 *
 * Lifetime verbs: one pair for each kind of object, chosen by who holds it
 * (the libperf idea, in the words this code uses):
 *   NAME_create(&out, ...) / NAME_destroy(obj)  an object the library
 *         allocates and hands back: nb_iommu, nb_arena, nb_wl, nb_tscript_mem,
 *         nb_trace_mem
 *   NAME_init(obj, ...) / NAME_fini(obj)  a struct the caller holds (often
 *         embedded): nb_testbed, nb_scenario, nb_cache, nb_palloc,
 *         nb_guest_ram, nb_inv_batch, nb_llc
 *   NAME_open(...) / NAME_close(...)  a resource outside this process's
 *         memory, a file or a kernel object: a backend (/dev/iommu),
 *         nb_trace, nb_perf counters
 *   NAME_alloc / NAME_free  only where the object mirrors the Linux object
 *         of that name: page-table domains (iommu_domain_alloc/free:
 *         nb_domain_alloc, nb_nested_alloc, nb_xdomain_free)
 * NAME_release / NAME_reset are no lifetime: release frees what an object
 * holds but keeps it, reset makes it again in place (nb_iommu, nb_testbed,
 * the scenario's units), for callers that build thousands.
 */
#ifndef NESTBENCH_NB_H
#define NESTBENCH_NB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Access permissions, as requested by a DMA and as granted by a walk. */
enum nb_prot {
	NB_PROT_R = 1u << 0,
	NB_PROT_W = 1u << 1,
	NB_PROT_X = 1u << 2,
	NB_PROT_RW = NB_PROT_R | NB_PROT_W,
	NB_PROT_ALL = NB_PROT_R | NB_PROT_W | NB_PROT_X,
};

/* Record a failure message for the calling thread; returns -err for chaining. */
int nb_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The calling thread's last failure message ("" if none). */
const char *nb_errmsg(void);
/* Clear the calling thread's failure message. */
void nb_errclear(void);

/* The names a registry holds, for a message ("unknown X 'y' (known: a, b)")
 * or a help text: each registry builds its list from its own entries, so no
 * list is kept by hand. nb_name_list_add appends ", name" (or name) to the
 * NUL-terminated buf, cutting what does not fit. */
#define NB_NAME_LIST 256
void nb_name_list_add(char *buf, size_t len, const char *name);

/* Room for `need` elements of `elem` bytes in the array *arr, which has
 * room for *cap: its capacity (`first` when it is empty) doubled until they
 * fit, by realloc. 0, or -ENOMEM with no message and *arr and *cap as they
 * were (the caller names what it was growing). */
int nb_grow(void **arr, size_t *cap, size_t need, size_t elem, size_t first);

#define NB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NB_BIT(n) (1ull << (n))
#define NB_GENMASK(hi, lo) ((~0ull >> (63 - (hi))) & ~((1ull << (lo)) - 1))
#define NB_LIKELY(x) __builtin_expect(!!(x), 1)
#define NB_UNLIKELY(x) __builtin_expect(!!(x), 0)

static inline uint64_t nb_align_down(uint64_t v, unsigned lg2)
{
	return v & ~((1ull << lg2) - 1);
}

static inline bool nb_aligned(uint64_t v, unsigned lg2)
{
	return (v & ((1ull << lg2) - 1)) == 0;
}

#endif
