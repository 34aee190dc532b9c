// The C11 baseline of VegaCore's SPSCRing: the same region layout (see SPSCRing.Layout),
// the same 128-byte separation of the producer's and consumer's indices and of each side's
// cached copy of the other's index, the same acquire/release protocol. Benchmarks run it
// in the same process and run as the Swift ring, so the comparison is like for like.
//
// Elements are a fixed 64-byte message (one cache line, like a decoded market-data event);
// the Swift benchmarks use this very struct as their element type.
#ifndef VEGA_SPSC_BASELINE_H
#define VEGA_SPSC_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One benchmark message: sequence number, producer's send stamp, peer's receive stamp
/// (CLOCK_MONOTONIC ns), padding to 64 bytes.
typedef struct vega_bench_msg {
    uint64_t seq;
    uint64_t sent_ns;
    uint64_t received_ns;
    uint64_t pad[5];
} vega_bench_msg;

enum {
    VEGA_SPSC_TAIL_OFFSET = 128,
    VEGA_SPSC_PRODUCER_CACHE_OFFSET = 256,
    VEGA_SPSC_HEAD_OFFSET = 384,
    VEGA_SPSC_CONSUMER_CACHE_OFFSET = 512,
    VEGA_SPSC_SLOTS_OFFSET = 640,
};

/// Bytes a ring of `capacity` messages needs (multiple of 128).
size_t vega_spsc_byte_count(uint64_t capacity);
/// Zeroes the indices and writes the header (magic last, release), like SPSCRing's creator.
void vega_spsc_initialize(void *region, uint64_t capacity);

bool vega_spsc_try_push(void *region, uint64_t capacity, const vega_bench_msg *msg);
bool vega_spsc_try_pop(void *region, uint64_t capacity, vega_bench_msg *out);

// The loops, entirely in C, mirroring RingBenchSupport's Swift loops line for line.
// `stop` and `ready`/`consumed` words live in the fixture's control block.

/// Peer: pop from `in`, stamp received_ns, push the message back on `out`; until *stop.
void vega_c_echo_loop(void *in, void *out, uint64_t capacity, uint64_t *stop);
/// Peer: pop from `in` and publish the running count to *consumed; until *stop.
void vega_c_sink_loop(void *in, uint64_t capacity, uint64_t *stop, uint64_t *consumed);
/// Producer: `count` round trips through an echo peer; writes one-way (send → peer receive)
/// and round-trip ns per trip into the two arrays. Returns a checksum of the echoed seqs.
uint64_t vega_c_ping(void *out, void *in, uint64_t capacity, uint64_t first_seq, uint64_t count,
                     uint64_t *one_way_ns, uint64_t *round_trip_ns);
/// Producer: push `count` messages as fast as the ring accepts them.
void vega_c_produce(void *out, uint64_t capacity, uint64_t first_seq, uint64_t count);

/// CLOCK_MONOTONIC in ns.
uint64_t vega_c_monotonic_ns(void);
/// Pins the calling thread to `cpu`; returns 0 or an errno value.
int vega_bench_pin_thread(int cpu);
/// Makes the kernel SIGKILL the calling process when its parent dies (so a peer never
/// outlives a crashed benchmark, spinning on a pinned core); returns 0 or an errno value.
int vega_bench_die_with_parent(void);
/// The number of CPUs this process may run on.
int vega_bench_cpu_count(void);

#ifdef __cplusplus
}
#endif
#endif
