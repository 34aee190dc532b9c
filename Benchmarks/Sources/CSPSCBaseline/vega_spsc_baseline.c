#define _GNU_SOURCE
#include "vega_spsc_baseline.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define VEGA_SPSC_MAGIC 0x4353505341474556ull /* "VEGASPSC" little-endian */

#define AT(region, offset, type) ((type *)((char *)(region) + (offset)))

size_t vega_spsc_byte_count(uint64_t capacity) {
    size_t bytes = VEGA_SPSC_SLOTS_OFFSET + capacity * sizeof(vega_bench_msg);
    return (bytes + 127) & ~(size_t)127;
}

void vega_spsc_initialize(void *region, uint64_t capacity) {
    _Atomic uint64_t *magic = AT(region, 0, _Atomic uint64_t);
    atomic_store_explicit(magic, 0, memory_order_relaxed);
    *AT(region, 8, uint32_t) = 1;
    *AT(region, 12, uint32_t) = (uint32_t)sizeof(vega_bench_msg);
    *AT(region, 16, uint64_t) = capacity;
    atomic_store_explicit(AT(region, VEGA_SPSC_TAIL_OFFSET, _Atomic uint64_t), 0, memory_order_relaxed);
    atomic_store_explicit(AT(region, VEGA_SPSC_HEAD_OFFSET, _Atomic uint64_t), 0, memory_order_relaxed);
    *AT(region, VEGA_SPSC_PRODUCER_CACHE_OFFSET, uint64_t) = 0;
    *AT(region, VEGA_SPSC_CONSUMER_CACHE_OFFSET, uint64_t) = 0;
    atomic_store_explicit(magic, VEGA_SPSC_MAGIC, memory_order_release);
}

static inline bool push(void *region, uint64_t mask, const vega_bench_msg *msg) {
    _Atomic uint64_t *tail = AT(region, VEGA_SPSC_TAIL_OFFSET, _Atomic uint64_t);
    _Atomic uint64_t *head = AT(region, VEGA_SPSC_HEAD_OFFSET, _Atomic uint64_t);
    uint64_t *cached_head = AT(region, VEGA_SPSC_PRODUCER_CACHE_OFFSET, uint64_t);
    uint64_t t = atomic_load_explicit(tail, memory_order_relaxed);
    if (t - *cached_head > mask) {
        *cached_head = atomic_load_explicit(head, memory_order_acquire);
        if (t - *cached_head > mask) return false;
    }
    AT(region, VEGA_SPSC_SLOTS_OFFSET, vega_bench_msg)[t & mask] = *msg;
    atomic_store_explicit(tail, t + 1, memory_order_release);
    return true;
}

static inline bool pop(void *region, uint64_t mask, vega_bench_msg *out) {
    _Atomic uint64_t *tail = AT(region, VEGA_SPSC_TAIL_OFFSET, _Atomic uint64_t);
    _Atomic uint64_t *head = AT(region, VEGA_SPSC_HEAD_OFFSET, _Atomic uint64_t);
    uint64_t *cached_tail = AT(region, VEGA_SPSC_CONSUMER_CACHE_OFFSET, uint64_t);
    uint64_t h = atomic_load_explicit(head, memory_order_relaxed);
    if (h == *cached_tail) {
        *cached_tail = atomic_load_explicit(tail, memory_order_acquire);
        if (h == *cached_tail) return false;
    }
    *out = AT(region, VEGA_SPSC_SLOTS_OFFSET, vega_bench_msg)[h & mask];
    atomic_store_explicit(head, h + 1, memory_order_release);
    return true;
}

bool vega_spsc_try_push(void *region, uint64_t capacity, const vega_bench_msg *msg) {
    return push(region, capacity - 1, msg);
}

bool vega_spsc_try_pop(void *region, uint64_t capacity, vega_bench_msg *out) {
    return pop(region, capacity - 1, out);
}

uint64_t vega_c_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline bool stopped(uint64_t *stop) {
    return atomic_load_explicit((_Atomic uint64_t *)stop, memory_order_acquire) != 0;
}

void vega_c_echo_loop(void *in, void *out, uint64_t capacity, uint64_t *stop) {
    uint64_t mask = capacity - 1;
    vega_bench_msg msg;
    for (;;) {
        if (pop(in, mask, &msg)) {
            msg.received_ns = vega_c_monotonic_ns();
            while (!push(out, mask, &msg)) {
                if (stopped(stop)) return;
            }
        } else if (stopped(stop)) {
            return;
        }
    }
}

void vega_c_sink_loop(void *in, uint64_t capacity, uint64_t *stop, uint64_t *consumed) {
    uint64_t mask = capacity - 1;
    uint64_t count = atomic_load_explicit((_Atomic uint64_t *)consumed, memory_order_relaxed);
    uint64_t checksum = 0;
    vega_bench_msg msg;
    for (;;) {
        if (pop(in, mask, &msg)) {
            checksum += msg.seq;
            count += 1;
            atomic_store_explicit((_Atomic uint64_t *)consumed, count, memory_order_release);
        } else if (stopped(stop)) {
            /* keep the checksum alive so the loads above are not optimised away */
            __asm__ volatile("" : : "r"(checksum));
            return;
        }
    }
}

uint64_t vega_c_ping(void *out, void *in, uint64_t capacity, uint64_t first_seq, uint64_t count,
                     uint64_t *one_way_ns, uint64_t *round_trip_ns) {
    uint64_t mask = capacity - 1;
    uint64_t checksum = 0;
    vega_bench_msg msg = {0};
    vega_bench_msg reply;
    for (uint64_t i = 0; i < count; i++) {
        msg.seq = first_seq + i;
        msg.sent_ns = vega_c_monotonic_ns();
        while (!push(out, mask, &msg)) {}
        while (!pop(in, mask, &reply)) {}
        uint64_t back = vega_c_monotonic_ns();
        one_way_ns[i] = reply.received_ns - reply.sent_ns;
        round_trip_ns[i] = back - reply.sent_ns;
        checksum += reply.seq;
    }
    return checksum;
}

void vega_c_produce(void *out, uint64_t capacity, uint64_t first_seq, uint64_t count) {
    uint64_t mask = capacity - 1;
    vega_bench_msg msg = {0};
    for (uint64_t i = 0; i < count; i++) {
        msg.seq = first_seq + i;
        while (!push(out, mask, &msg)) {}
    }
}

int vega_bench_pin_thread(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

int vega_bench_cpu_count(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
    return CPU_COUNT(&set);
}

int vega_bench_die_with_parent(void) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return errno;
    /* The parent may have died before the prctl: then we were reparented already. */
    if (getppid() == 1) _exit(3);
    return 0;
}
