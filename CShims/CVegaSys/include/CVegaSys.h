/*
 * CVegaSys — host memory and CPU: hugepage mappings with their fallback, mlock, thread
 * pinning, scheduling class, CPUID feature bits and TSC reads.
 * Functions return 0 or -errno; they never print.
 */
#ifndef CVEGASYS_H
#define CVEGASYS_H

#include <stddef.h>
#include <stdint.h>

/* ---- memory --------------------------------------------------------------------------- */

enum {
    VEGA_MEM_HUGETLB_2M = 1u << 0,      /* backed by reserved 2 MiB hugepages (MAP_HUGETLB) */
    VEGA_MEM_HUGETLB_1G = 1u << 1,      /* backed by reserved 1 GiB hugepages */
    VEGA_MEM_THP_ADVISED = 1u << 2,     /* fallback: 2 MiB-aligned anonymous memory + MADV_HUGEPAGE */
    VEGA_MEM_LOCKED = 1u << 3,          /* mlock'd: never paged out */
    VEGA_MEM_PREFAULTED = 1u << 4,      /* every page touched (MAP_POPULATE or written) */
};

typedef struct vega_mem_region {
    void *base;
    size_t length;          /* rounded up to the page size used */
    size_t page_size;       /* 1 GiB, 2 MiB, or the base page size of the fallback */
    uint32_t flags;         /* VEGA_MEM_* */
    int32_t hugetlb_errno;  /* why MAP_HUGETLB failed when the fallback was taken, else 0 */
} vega_mem_region;

enum { VEGA_HUGE_2M = 0, VEGA_HUGE_1G = 1 };

/*
 * Maps `bytes` of anonymous memory for the lane. Tries MAP_HUGETLB with the requested page
 * size; when no hugepages are reserved (ENOMEM at mmap) and allow_fallback is set, maps
 * 2 MiB-aligned memory and advises MADV_HUGEPAGE instead, recording why in hugetlb_errno.
 * With lock set, mlock()s it; the memory is always prefaulted so the lane never faults.
 * Not for the lane itself: call at start-up.
 */
int vega_mem_map(size_t bytes, int huge_kind, int allow_fallback, int lock, vega_mem_region *out);
void vega_mem_unmap(vega_mem_region *r);

/* How many pages of the mapping are backed by transparent hugepages right now
 * (AnonHugePages of /proc/self/smaps for that range), in bytes; -errno on failure. */
long long vega_mem_thp_bytes(const void *base, size_t length);

/* RLIMIT_MEMLOCK soft limit in bytes (UINT64_MAX for unlimited). */
int vega_mem_memlock_limit(uint64_t *out);

/* ---- CPU ------------------------------------------------------------------------------ */

/* Pins the calling thread to one CPU (pthread_setaffinity_np). */
int vega_cpu_pin_current_thread(int cpu);
/* The calling thread's allowed CPUs as a bit mask of the first 1024 (words[16]). */
int vega_cpu_affinity(uint64_t words[16]);
/* sched_getcpu(). */
int vega_cpu_current(void);
/* SCHED_FIFO at `priority` (1–99) for the calling thread; 0 restores SCHED_OTHER. */
int vega_cpu_set_realtime(int priority);

typedef struct vega_cpuid {
    uint32_t eax, ebx, ecx, edx;
} vega_cpuid;
/* CPUID leaf/subleaf; returns -ENOTSUP on non-x86 or when the leaf is above the maximum. */
int vega_cpu_cpuid(uint32_t leaf, uint32_t subleaf, vega_cpuid *out);

typedef struct vega_tsc_features {
    int32_t has_tsc;
    int32_t has_rdtscp;         /* CPUID 0x80000001 EDX[27] */
    int32_t invariant;          /* CPUID 0x80000007 EDX[8]: constant and non-stop */
    int32_t _pad;
    uint64_t cpuid_hz;          /* from leaf 0x15 (crystal × ratio) or 0x16, 0 when not reported */
} vega_tsc_features;
int vega_cpu_tsc_features(vega_tsc_features *out);

/* Hints that *p will be read and written soon (a prefetch into all cache levels); never faults,
 * whatever p is. For the order books' look-ahead (VegaMarketData). Defined on every architecture
 * (__builtin_prefetch: PREFETCHT0 on x86-64 at the default target, PRFM PSTL1KEEP on arm64;
 * both checked in clang's assembly), not only beside the x86 TSC
 * reads below. */
static inline void vega_prefetch(const void *p) { __builtin_prefetch(p, 1, 3); }

/* Serialising-enough TSC reads for stage stamps: rdtsc (≈50 ns on this VM) and rdtscp
 * (≈90 ns, waits for earlier instructions, and says which CPU). On other architectures they
 * fall back to CLOCK_MONOTONIC_RAW nanoseconds. */
#if defined(__x86_64__) || defined(__i386__)
static inline uint64_t vega_rdtsc(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t vega_rdtscp(uint32_t *aux) {
    uint32_t lo, hi, a;
    __asm__ __volatile__("rdtscp" : "=a"(lo), "=d"(hi), "=c"(a));
    if (aux) *aux = a;
    return ((uint64_t)hi << 32) | lo;
}
#else
#include <time.h>
static inline uint64_t vega_rdtsc(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
static inline uint64_t vega_rdtscp(uint32_t *aux) { if (aux) *aux = 0; return vega_rdtsc(); }
#endif

/* Pause hint for busy-poll loops (PAUSE on x86, YIELD on arm64). */
static inline void vega_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__)
    __asm__ __volatile__("yield" ::: "memory");
#endif
}


/* MARK: CRC32C (Castagnoli) — journal record checksums (crc.c) */

/* CRC32C of `length` bytes continuing from `crc` (0 to start). Hardware (SSE4.2) when present. */
uint32_t vega_crc32c(uint32_t crc, const void *data, size_t length);
/* The table-driven version, always available; tests compare the two. */
uint32_t vega_crc32c_portable(uint32_t crc, const void *data, size_t length);
/* 1 when vega_crc32c uses the CPU's crc32 instruction. */
int vega_crc32c_is_hardware(void);

#endif
