// SPDX-License-Identifier: MIT
/*
 * The allocation-failure injector (see fail_alloc.h). How allocations are
 * caught, with no change to a single allocation call of the library:
 *  - the malloc family, by interposition: this program defines malloc,
 *    calloc, realloc, reallocarray, free, aligned_alloc, posix_memalign,
 *    memalign, strdup, __strdup and strndup, so the calls of every shared
 *    library (libconfig, zlib, liburcu, libc's own stdio) land here as well
 *    as nestbench's (the linker's --wrap would reach only the objects linked
 *    statically). Behind them is the allocator the build uses: ASan's
 *    (__interceptor_*, which its runtime defines next to weak malloc & co
 *    for this purpose) or glibc's (__libc_*).
 *  - nestbench's allocators of simulated memory, by the linker's --wrap
 *    (CMakeLists.txt): mmap (the arena), nb_palloc_init (a range for an
 *    allocator) and nb_palloc_alloc (a page-table page).
 * The caller of each allocation is found by its return address, in the
 * address ranges of the loaded objects (dl_iterate_phdr at fn_init).
 */
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "fail_alloc.h"
#include "nestbench/arena.h"

/* FN_ASAN: CMake says the program is built with ASan (this file itself is
 * not instrumented, see CMakeLists.txt). */
#ifdef FN_ASAN
void *__interceptor_malloc(size_t n);
void *__interceptor_calloc(size_t n, size_t size);
void *__interceptor_realloc(void *p, size_t n);
void *__interceptor_reallocarray(void *p, size_t n, size_t size);
void __interceptor_free(void *p);
void *__interceptor_aligned_alloc(size_t align, size_t n);
int __interceptor_posix_memalign(void **out, size_t align, size_t n);
void *__interceptor_memalign(size_t align, size_t n);
char *__interceptor_strdup(const char *s);
char *__interceptor___strdup(const char *s);
char *__interceptor_strndup(const char *s, size_t n);
int __sanitizer_symbolize_pc(void *pc, const char *fmt, char *buf, size_t len);
#define real_malloc __interceptor_malloc
#define real_calloc __interceptor_calloc
#define real_realloc __interceptor_realloc
#define real_free __interceptor_free
#define real_memalign __interceptor_memalign
#else
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);
void *__libc_memalign(size_t align, size_t n);
#define real_malloc __libc_malloc
#define real_calloc __libc_calloc
#define real_realloc __libc_realloc
#define real_free __libc_free
#define real_memalign __libc_memalign
#endif

/* The interposed allocator, declared here once (the system headers declare
 * most of them; the rest are glibc's). */
char *__strdup(const char *s);
void *memalign(size_t align, size_t n);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __real_nb_palloc_init(struct nb_palloc *p, struct nb_arena *a, uint64_t size);
int __wrap_nb_palloc_init(struct nb_palloc *p, struct nb_arena *a, uint64_t size);
uint64_t __real_nb_palloc_alloc(struct nb_palloc *p, uint64_t bytes);
uint64_t __wrap_nb_palloc_alloc(struct nb_palloc *p, uint64_t bytes);

static const char *const origin_names[FN_ORIGIN_COUNT] = {
	[FN_NESTBENCH] = "nestbench malloc", [FN_TABLES] = "table pages", [FN_CARVE] = "memory carve",
	[FN_MMAP] = "arena mmap",	     [FN_LIBCONFIG] = "libconfig",    [FN_ZLIB] = "zlib",
	[FN_LIBC] = "libc",		     [FN_URCU] = "liburcu",	      [FN_OTHER] = "other",
};

const char *fn_origin_name(enum fn_origin o)
{
	return (unsigned)o < FN_ORIGIN_COUNT ? origin_names[o] : "?";
}

bool fn_origin_exempt(enum fn_origin o)
{
	return o == FN_URCU || o == FN_LIBCONFIG;
}

/* ---- who called: code ranges of the loaded objects ---- */

#define MAX_RANGES 64
static struct range {
	uintptr_t lo, hi;
	enum fn_origin o;
} ranges[MAX_RANGES];
static int nranges;

static enum fn_origin origin_by_name(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (!path[0])
		return FN_NESTBENCH; /* the main program: nb_core is linked statically */
	if (strncmp(base, "libconfig.", 10) == 0)
		return FN_LIBCONFIG;
	if (strncmp(base, "libz.", 5) == 0)
		return FN_ZLIB;
	if (strncmp(base, "liburcu", 7) == 0)
		return FN_URCU;
	if (strncmp(base, "libc.", 5) == 0)
		return FN_LIBC;
	return FN_OTHER;
}

static int add_object(struct dl_phdr_info *info, size_t size, void *unused)
{
	for (int i = 0; i < info->dlpi_phnum && nranges < MAX_RANGES; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X))
			ranges[nranges++] = (struct range){ info->dlpi_addr + ph->p_vaddr,
							    info->dlpi_addr + ph->p_vaddr + ph->p_memsz,
							    origin_by_name(info->dlpi_name) };
	}
	return 0;
}

static enum fn_origin origin_of(uintptr_t pc)
{
	for (int i = 0; i < nranges; i++)
		if (pc >= ranges[i].lo && pc < ranges[i].hi)
			return ranges[i].o;
	return FN_OTHER;
}

void fn_init(void)
{
	if (!nranges)
		dl_iterate_phdr(add_object, NULL);
}

/* ---- the count ---- */

static _Thread_local bool armed, paused;
static uint64_t fail_at;
static struct fn_tally tally;

/* Should this allocation fail? Counts it when the thread is armed. */
static bool should_fail(enum fn_origin o)
{
	if (!armed || paused)
		return false;
	tally.by_origin[o]++;
	if (fn_origin_exempt(o))
		return false;
	if (++tally.steps != fail_at)
		return false;
	tally.injected = true;
	tally.inj_origin = o;
	return true;
}

static bool fail_here(uintptr_t caller, enum fn_origin *o)
{
	*o = origin_of(caller);
	if (!should_fail(*o))
		return false;
	tally.inj_caller = caller;
	return true;
}

/* ---- memory allocated while armed, until freed ---- */

#define TRACK_SLOTS (1u << 14) /* power of two: a run holds a few hundred at most */
#define TOMBSTONE ((uintptr_t)1)
static struct live {
	uintptr_t p, caller;
	uint64_t step;
	size_t size;
	enum fn_origin o;
} live[TRACK_SLOTS];
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint nlive;
static bool track_full;

static uint32_t slot_of(uintptr_t p)
{
	return (uint32_t)((p >> 4) * 0x9e3779b97f4a7c15ull >> 40) & (TRACK_SLOTS - 1);
}

static void track(void *p, size_t size, enum fn_origin o, uintptr_t caller)
{
	uint32_t i;

	if (!p || !armed || paused || o == FN_URCU)
		return; /* liburcu's live for the process (its call_rcu thread's data) */
	pthread_mutex_lock(&live_lock);
	if (atomic_load(&nlive) >= TRACK_SLOTS / 2) {
		track_full = true; /* fn_leaks says so */
	} else {
		for (i = slot_of((uintptr_t)p); live[i].p > TOMBSTONE; i = (i + 1) & (TRACK_SLOTS - 1))
			;
		live[i] = (struct live){ (uintptr_t)p, caller, tally.steps, size, o };
		atomic_fetch_add(&nlive, 1);
	}
	pthread_mutex_unlock(&live_lock);
}

static void untrack(void *p)
{
	if (!p || !atomic_load_explicit(&nlive, memory_order_relaxed))
		return;
	pthread_mutex_lock(&live_lock);
	for (uint32_t i = slot_of((uintptr_t)p); live[i].p; i = (i + 1) & (TRACK_SLOTS - 1))
		if (live[i].p == (uintptr_t)p) {
			live[i].p = TOMBSTONE;
			atomic_fetch_sub(&nlive, 1);
			break;
		}
	pthread_mutex_unlock(&live_lock);
}

unsigned fn_leaks(fn_leak_fn fn, void *user)
{
	unsigned n = 0;

	pthread_mutex_lock(&live_lock);
	for (uint32_t i = 0; i < TRACK_SLOTS; i++)
		if (live[i].p > TOMBSTONE) {
			n++;
			if (fn)
				fn(user, live[i].step, live[i].o, live[i].caller, live[i].size);
		}
	if (track_full && fn)
		fn(user, 0, FN_OTHER, 0, 0); /* step 0: the table overflowed */
	pthread_mutex_unlock(&live_lock);
	return n + track_full;
}

static void clear_tracking(void)
{
	pthread_mutex_lock(&live_lock);
	memset(live, 0, sizeof(live));
	atomic_store(&nlive, 0);
	track_full = false;
	pthread_mutex_unlock(&live_lock);
}

/* ---- arming ---- */

void fn_arm(uint64_t n)
{
	clear_tracking();
	memset(&tally, 0, sizeof(tally));
	fail_at = n;
	paused = false;
	armed = true;
}

void fn_disarm(struct fn_tally *out)
{
	armed = false;
	if (out)
		*out = tally;
}

void fn_pause(void)
{
	paused = true;
}

void fn_resume(void)
{
	paused = false;
}

bool fn_injected(void)
{
	return tally.injected;
}

void fn_tally(struct fn_tally *out)
{
	*out = tally;
}

void fn_symbolize(uintptr_t pc, char *buf, size_t len)
{
	Dl_info info;

#ifdef FN_ASAN
	/* pc is a return address: the call is the byte before it */
	if (__sanitizer_symbolize_pc((void *)(pc - 1), "%F %S", buf, len) && buf[0] && strcmp(buf, "in <null>"))
		return;
#endif
	if (!dladdr((void *)pc, &info)) {
		snprintf(buf, len, "%#lx", (unsigned long)pc);
		return;
	}
	/* the offset in its object is what addr2line -e OBJECT takes */
	if (info.dli_sname)
		snprintf(buf, len, "%s+%#lx (%s+%#lx)", info.dli_sname, (unsigned long)(pc - (uintptr_t)info.dli_saddr),
			 info.dli_fname, (unsigned long)(pc - (uintptr_t)info.dli_fbase));
	else
		snprintf(buf, len, "%s+%#lx", info.dli_fname, (unsigned long)(pc - (uintptr_t)info.dli_fbase));
}

/* ---- the interposed malloc family ---- */

#define CALLER ((uintptr_t)__builtin_return_address(0))
#define FAIL_NULL()            \
	do {                   \
		errno = ENOMEM; \
		return NULL;    \
	} while (0)

void *malloc(size_t n)
{
	enum fn_origin o;
	void *p;

	if (fail_here(CALLER, &o))
		FAIL_NULL();
	p = real_malloc(n);
	track(p, n, o, CALLER);
	return p;
}

void *calloc(size_t n, size_t size)
{
	enum fn_origin o;
	void *p;

	if (fail_here(CALLER, &o))
		FAIL_NULL();
	p = real_calloc(n, size);
	track(p, n * size, o, CALLER);
	return p;
}

void free(void *p)
{
	untrack(p);
	real_free(p);
}

void *realloc(void *old, size_t n)
{
	enum fn_origin o;
	void *p;

	if (old && n == 0) { /* glibc frees and returns NULL: not an allocation */
		untrack(old);
		return real_realloc(old, n);
	}
	if (fail_here(CALLER, &o))
		FAIL_NULL(); /* old stays valid, as after a real failure */
	p = real_realloc(old, n);
	if (p) {
		untrack(old);
		track(p, n, o, CALLER);
	}
	return p;
}

void *reallocarray(void *old, size_t n, size_t size)
{
	enum fn_origin o;
	void *p;

	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	if (fail_here(CALLER, &o))
		FAIL_NULL();
	p = real_realloc(old, n * size);
	if (p) {
		untrack(old);
		track(p, n * size, o, CALLER);
	}
	return p;
}

void *memalign(size_t align, size_t n)
{
	enum fn_origin o;
	void *p;

	if (fail_here(CALLER, &o))
		FAIL_NULL();
	p = real_memalign(align, n);
	track(p, n, o, CALLER);
	return p;
}

void *aligned_alloc(size_t align, size_t n)
{
	enum fn_origin o;
	void *p;

	if (fail_here(CALLER, &o))
		FAIL_NULL();
#ifdef FN_ASAN
	p = __interceptor_aligned_alloc(align, n);
#else
	p = real_memalign(align, n);
#endif
	track(p, n, o, CALLER);
	return p;
}

int posix_memalign(void **out, size_t align, size_t n)
{
	enum fn_origin o;
	int ret;

	if (fail_here(CALLER, &o))
		return ENOMEM;
#ifdef FN_ASAN
	ret = __interceptor_posix_memalign(out, align, n);
#else
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	*out = real_memalign(align, n);
	ret = *out ? 0 : ENOMEM;
#endif
	if (!ret)
		track(*out, n, o, CALLER);
	return ret;
}

static char *copy_string(const char *s, size_t n, uintptr_t caller)
{
	enum fn_origin o;
	char *p;

	if (fail_here(caller, &o))
		FAIL_NULL();
	p = real_malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	track(p, n + 1, o, caller);
	return p;
}

char *strdup(const char *s)
{
	return copy_string(s, strlen(s), CALLER);
}

char *__strdup(const char *s)
{
	return copy_string(s, strlen(s), CALLER);
}

char *strndup(const char *s, size_t n)
{
	return copy_string(s, strnlen(s, n), CALLER);
}

/* ---- nestbench's allocators of simulated memory (--wrap) ---- */

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (should_fail(FN_MMAP)) {
		tally.inj_caller = CALLER;
		errno = ENOMEM;
		return MAP_FAILED;
	}
	return __real_mmap(addr, len, prot, flags, fd, off);
}

int __wrap_nb_palloc_init(struct nb_palloc *p, struct nb_arena *a, uint64_t size)
{
	if (should_fail(FN_CARVE)) {
		tally.inj_caller = CALLER;
		return nb_fail(ENOMEM, "arena: %llu bytes asked (fail-nth: injected)", (unsigned long long)size);
	}
	return __real_nb_palloc_init(p, a, size);
}

uint64_t __wrap_nb_palloc_alloc(struct nb_palloc *p, uint64_t bytes)
{
	if (should_fail(FN_TABLES)) {
		tally.inj_caller = CALLER;
		nb_fail(ENOMEM, "palloc: no %llu-byte block left (fail-nth: injected)", (unsigned long long)bytes);
		return 0;
	}
	return __real_nb_palloc_alloc(p, bytes);
}
