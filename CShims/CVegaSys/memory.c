/* Hugepage mappings with their fallback, mlock, THP accounting. See CVegaSys.h. */
#define _GNU_SOURCE
#include "CVegaSys.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#define SIZE_2M (2ull << 20)
#define SIZE_1G (1ull << 30)

static size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

int vega_mem_map(size_t bytes, int huge_kind, int allow_fallback, int lock, vega_mem_region *out) {
    memset(out, 0, sizeof *out);
    if (bytes == 0) return -EINVAL;
    size_t page = huge_kind == VEGA_HUGE_1G ? SIZE_1G : SIZE_2M;
    int shift = huge_kind == VEGA_HUGE_1G ? 30 : 21;
    size_t length = round_up(bytes, page);
    void *p = mmap(NULL, length, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (shift << MAP_HUGE_SHIFT) | MAP_POPULATE,
                   -1, 0);
    if (p != MAP_FAILED) {
        out->base = p;
        out->length = length;
        out->page_size = page;
        out->flags = (huge_kind == VEGA_HUGE_1G ? VEGA_MEM_HUGETLB_1G : VEGA_MEM_HUGETLB_2M) | VEGA_MEM_PREFAULTED;
    } else {
        int why = errno;
        if (!allow_fallback) return -why;
        /* No reserved hugepages: over-map by 2 MiB so an aligned 2 MiB boundary is inside, trim
         * both ends, and ask for transparent hugepages on what is left. */
        length = round_up(bytes, SIZE_2M);
        size_t over = length + SIZE_2M;
        uint8_t *raw = mmap(NULL, over, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw == MAP_FAILED) return -errno;
        uint8_t *aligned = (uint8_t *)round_up((size_t)raw, SIZE_2M);
        if (aligned > raw) munmap(raw, (size_t)(aligned - raw));
        size_t tail = (size_t)(raw + over - (aligned + length));
        if (tail) munmap(aligned + length, tail);
        int advised = madvise(aligned, length, MADV_HUGEPAGE) == 0;
        /* Touch every page now so the lane never takes a first-touch fault. */
        long base = sysconf(_SC_PAGESIZE);
        for (size_t off = 0; off < length; off += (size_t)base) ((volatile uint8_t *)aligned)[off] = 0;
        out->base = aligned;
        out->length = length;
        out->page_size = (size_t)base;
        out->flags = (advised ? VEGA_MEM_THP_ADVISED : 0) | VEGA_MEM_PREFAULTED;
        out->hugetlb_errno = why;
    }
    if (lock) {
        if (mlock(out->base, out->length) == 0) {
            out->flags |= VEGA_MEM_LOCKED;
        } else {
            int e = errno;
            vega_mem_unmap(out);
            return -e;
        }
    }
    return 0;
}

void vega_mem_unmap(vega_mem_region *r) {
    if (r->base) {
        if (r->flags & VEGA_MEM_LOCKED) munlock(r->base, r->length);
        munmap(r->base, r->length);
    }
    memset(r, 0, sizeof *r);
}

long long vega_mem_thp_bytes(const void *base, size_t length) {
    FILE *f = fopen("/proc/self/smaps", "re");
    if (!f) return -errno;
    char line[512];
    unsigned long lo = 0, hi = 0;
    int inside = 0;
    long long total = 0;
    uintptr_t b = (uintptr_t)base, e = b + length;
    while (fgets(line, sizeof line, f)) {
        unsigned long a1, a2;
        if (sscanf(line, "%lx-%lx ", &a1, &a2) == 2) {
            lo = a1; hi = a2;
            inside = lo < e && hi > b;
            continue;
        }
        long long kb;
        if (inside && sscanf(line, "AnonHugePages: %lld kB", &kb) == 1) total += kb * 1024;
    }
    fclose(f);
    (void)lo; (void)hi;
    return total;
}

int vega_mem_memlock_limit(uint64_t *out) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_MEMLOCK, &rl) != 0) return -errno;
    *out = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
    return 0;
}
