
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
static unsigned long count;
unsigned long vc_malloc_count(void) { return __atomic_load_n(&count, __ATOMIC_RELAXED); }
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
void *malloc(size_t n) { __atomic_fetch_add(&count, 1, __ATOMIC_RELAXED); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { __atomic_fetch_add(&count, 1, __ATOMIC_RELAXED); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { __atomic_fetch_add(&count, 1, __ATOMIC_RELAXED); return __libc_realloc(p, n); }
int posix_memalign(void **out, size_t al, size_t n) { __atomic_fetch_add(&count, 1, __ATOMIC_RELAXED); *out = __libc_memalign(al, n); return *out ? 0 : 12; }
void *aligned_alloc(size_t al, size_t n) { __atomic_fetch_add(&count, 1, __ATOMIC_RELAXED); return __libc_memalign(al, n); }
