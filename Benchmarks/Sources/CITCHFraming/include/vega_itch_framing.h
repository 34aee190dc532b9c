/*
 * The practical ceiling for any ITCH 5.0 parser on this machine: a C loop that only walks
 * NASDAQ's file framing (2-byte big-endian length before each message) and touches each
 * message's type byte, so the bytes are really read. Vega's decode-only pass is measured
 * against it in the same run, over the same mapped file.
 */
#ifndef VEGA_ITCH_FRAMING_H
#define VEGA_ITCH_FRAMING_H
#include <stddef.h>
#include <stdint.h>

typedef struct vega_framing_walk {
    uint64_t messages;
    uint64_t type_sum;      /* sum of type bytes: keeps the compiler from skipping the reads */
    uint64_t truncated;     /* 1 when the last frame runs past the end */
} vega_framing_walk;

vega_framing_walk vega_itch_walk_framing(const uint8_t *bytes, size_t length);

/*
 * Time-stamp counter reads for sampled per-message latency (x86_64; invariant TSC on these
 * VMs: constant_tsc, nonstop_tsc). `start` fences earlier loads before reading the counter,
 * `end` waits for the measured code to finish (rdtscp) and fences later work out. Calibrate
 * ticks per ns against CLOCK_MONOTONIC and subtract the cost of an empty start/end pair.
 */
static inline uint64_t vega_tsc_start(void) {
#if defined(__x86_64__)
    uint32_t lo, hi;
    __asm__ __volatile__("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
#else
    return 0;
#endif
}

static inline uint64_t vega_tsc_end(void) {
#if defined(__x86_64__)
    uint32_t lo, hi, aux;
    __asm__ __volatile__("rdtscp\n\tlfence" : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
    return ((uint64_t)hi << 32) | lo;
#else
    return 0;
#endif
}

#endif
