/*
 * vega_fpga_ring.h — the FPGA feed handler's decoded-event ring: its memory layout and the
 * lock-free read and write protocol. Defined once, here. The live reader maps it from a PCIe BAR
 * (sysfs resourceN / resourceN_wc, or VFIO); HardwareSim's FPGA simulator writes the very same
 * layout into a shared-memory file from another process.
 *
 * Layout (all little-endian, as the FPGA's host interface is):
 *   [0, 4096)          vega_fpga_ring_header
 *   [data_offset, ...) slot_count slots of 64 bytes (one cache line each)
 *
 * Protocol — the writer never waits (it is hardware, or must behave like it):
 *   Events are numbered 1, 2, 3, … Event n lives in slot (n - 1) & (slot_count - 1).
 *   Writing event n: slot.seq = 2n+1 (odd: being written); release fence; payload words;
 *                    slot.seq = 2n (release); header.write_seq = n (release).
 *   Reading event n: s1 = slot.seq (acquire); payload words (relaxed); acquire fence;
 *                    s2 = slot.seq (relaxed). Valid only when s1 == s2 == 2n.
 *                    s1 < 2n: not written yet.  s1 >> 1 > n: overwritten — the reader was lapped.
 *   Payload words are copied with relaxed atomic 8-byte loads/stores, so a torn copy is a
 *   detected race (sequence changed), never undefined behaviour.
 *
 * A reader that is lapped learns how many events it lost and resumes at the oldest event still
 * in the ring (write_seq - slot_count + 1), as ExaNIC's generation-byte receive ring does.
 */
#ifndef VEGA_FPGA_RING_H
#define VEGA_FPGA_RING_H

#include <stdint.h>
#include <stddef.h>

#define VEGA_FPGA_RING_MAGIC 0x3152474e41474556ull   /* "VEGANGR1" little-endian */
#define VEGA_FPGA_RING_VERSION 1u
#define VEGA_FPGA_HEADER_SIZE 4096u
#define VEGA_FPGA_SLOT_SIZE 64u

/* Event types, as the FPGA's decoder emits them (L2: levels, not orders). */
enum {
    VEGA_FPGA_EV_HEARTBEAT = 0,     /* no market change; keeps readers' liveness checks fed */
    VEGA_FPGA_EV_LEVEL_SET = 1,     /* price level `level` on `side` now has `quantity`, `order_count` */
    VEGA_FPGA_EV_LEVEL_DELETE = 2,  /* level removed; deeper levels shift up */
    VEGA_FPGA_EV_TRADE = 3,         /* execution: price, quantity, aggressor side */
    VEGA_FPGA_EV_CLEAR = 4,         /* book cleared (session start, halt, recovery) */
    VEGA_FPGA_EV_STATUS = 5,        /* trading status change; `aux` carries the ITCH state byte */
    VEGA_FPGA_EV_GAP = 6,           /* the FPGA saw a feed gap: `aux` events lost at `feed_seq` */
};

enum { VEGA_FPGA_SIDE_BID = 'B', VEGA_FPGA_SIDE_ASK = 'S' };

/* One decoded event: 56 bytes, seven 8-byte words. */
typedef struct vega_fpga_event {
    uint64_t hw_timestamp_ns;       /* FPGA's RX time of the packet, PTP (TAI) timescale */
    uint64_t exchange_timestamp_ns; /* exchange time, ns since midnight (ITCH) */
    int64_t price;                  /* fixed point, 4 decimals (ITCH Price(4)) */
    uint64_t feed_seq;              /* MoldUDP64 sequence number of the source message */
    uint32_t quantity;
    uint32_t instrument;            /* ITCH stock locate */
    uint32_t order_count;
    uint32_t aux;
    uint16_t level;                 /* 0 = best */
    uint8_t type;                   /* VEGA_FPGA_EV_* */
    uint8_t side;                   /* VEGA_FPGA_SIDE_* */
    uint32_t reserved;
} vega_fpga_event;

typedef struct vega_fpga_slot {
    uint64_t seq;                   /* 2n: event n complete; 2n+1: being written; 0: never */
    vega_fpga_event event;
} vega_fpga_slot;   /* 64 bytes; slots start page-aligned, so each is one cache line */

typedef struct vega_fpga_ring_header {
    uint64_t magic;
    uint32_t version;
    uint32_t slot_size;
    uint64_t slot_count;            /* power of two */
    uint64_t data_offset;           /* from the start of the mapping */
    uint64_t writer_pid;            /* 0 for hardware */
    uint64_t created_ns;            /* CLOCK_REALTIME */
    uint8_t _pad0[64 - 48];
    uint64_t write_seq;             /* last event fully written; alone on its cache line (offset 64) */
    uint64_t heartbeat_ns;          /* writer's last sign of life, CLOCK_REALTIME */
    uint8_t _pad1[VEGA_FPGA_HEADER_SIZE - 80];
} vega_fpga_ring_header;

_Static_assert(sizeof(vega_fpga_event) == 56, "event is 7 words");
_Static_assert(sizeof(vega_fpga_slot) == VEGA_FPGA_SLOT_SIZE, "slot is one cache line");
_Static_assert(sizeof(vega_fpga_ring_header) == VEGA_FPGA_HEADER_SIZE, "header is one page");
_Static_assert(offsetof(vega_fpga_ring_header, write_seq) == 64, "write_seq on its own line");

static inline size_t vega_fpga_ring_bytes(uint64_t slot_count) {
    return VEGA_FPGA_HEADER_SIZE + (size_t)slot_count * VEGA_FPGA_SLOT_SIZE;
}

static inline vega_fpga_slot *vega_fpga_ring_slots(vega_fpga_ring_header *h) {
    return (vega_fpga_slot *)((uint8_t *)h + h->data_offset);
}

/* Checks a mapped header before anyone trusts it: returns 0, or a negative VEGA_FPGA_E_* code. */
enum {
    VEGA_FPGA_E_MAGIC = -1, VEGA_FPGA_E_VERSION = -2, VEGA_FPGA_E_SLOT_SIZE = -3,
    VEGA_FPGA_E_SLOT_COUNT = -4, VEGA_FPGA_E_BOUNDS = -5,
};
static inline int vega_fpga_ring_validate(const vega_fpga_ring_header *h, size_t mapped_bytes) {
    if (mapped_bytes < VEGA_FPGA_HEADER_SIZE) return VEGA_FPGA_E_BOUNDS;
    if (h->magic != VEGA_FPGA_RING_MAGIC) return VEGA_FPGA_E_MAGIC;
    if (h->version != VEGA_FPGA_RING_VERSION) return VEGA_FPGA_E_VERSION;
    if (h->slot_size != VEGA_FPGA_SLOT_SIZE) return VEGA_FPGA_E_SLOT_SIZE;
    if (h->slot_count == 0 || (h->slot_count & (h->slot_count - 1)) != 0) return VEGA_FPGA_E_SLOT_COUNT;
    if (h->data_offset < VEGA_FPGA_HEADER_SIZE || (h->data_offset % 64) != 0 ||
        h->slot_count > (mapped_bytes - h->data_offset) / VEGA_FPGA_SLOT_SIZE)
        return VEGA_FPGA_E_BOUNDS;
    return 0;
}

/* Lays out an empty ring in `mem` (mapped_bytes long). Writer side only. */
static inline int vega_fpga_ring_format(void *mem, size_t mapped_bytes, uint64_t slot_count,
                                        uint64_t writer_pid, uint64_t created_ns) {
    if (slot_count == 0 || (slot_count & (slot_count - 1)) != 0) return VEGA_FPGA_E_SLOT_COUNT;
    if (vega_fpga_ring_bytes(slot_count) > mapped_bytes) return VEGA_FPGA_E_BOUNDS;
    vega_fpga_ring_header *h = (vega_fpga_ring_header *)mem;
    __builtin_memset(mem, 0, vega_fpga_ring_bytes(slot_count));
    h->version = VEGA_FPGA_RING_VERSION;
    h->slot_size = VEGA_FPGA_SLOT_SIZE;
    h->slot_count = slot_count;
    h->data_offset = VEGA_FPGA_HEADER_SIZE;
    h->writer_pid = writer_pid;
    h->created_ns = created_ns;
    /* Magic last: a reader that sees it sees a complete header. */
    __atomic_store_n(&h->magic, VEGA_FPGA_RING_MAGIC, __ATOMIC_RELEASE);
    return 0;
}

/* Writes event number `n` (the writer's own counter, starting at 1). Never waits. */
static inline void vega_fpga_ring_write(vega_fpga_ring_header *h, uint64_t n, const vega_fpga_event *ev) {
    vega_fpga_slot *slot = &vega_fpga_ring_slots(h)[(n - 1) & (h->slot_count - 1)];
    __atomic_store_n(&slot->seq, 2 * n + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    const uint64_t *src = (const uint64_t *)ev;
    uint64_t *dst = (uint64_t *)&slot->event;
    for (int i = 0; i < 7; i++) __atomic_store_n(&dst[i], src[i], __ATOMIC_RELAXED);
    __atomic_store_n(&slot->seq, 2 * n, __ATOMIC_RELEASE);
    __atomic_store_n(&h->write_seq, n, __ATOMIC_RELEASE);
}

static inline uint64_t vega_fpga_ring_write_seq(const vega_fpga_ring_header *h) {
    return __atomic_load_n(&h->write_seq, __ATOMIC_ACQUIRE);
}

static inline void vega_fpga_ring_heartbeat(vega_fpga_ring_header *h, uint64_t now_ns) {
    __atomic_store_n(&h->heartbeat_ns, now_ns, __ATOMIC_RELEASE);
}

static inline uint64_t vega_fpga_ring_heartbeat_ns(const vega_fpga_ring_header *h) {
    return __atomic_load_n(&h->heartbeat_ns, __ATOMIC_ACQUIRE);
}

enum {
    VEGA_FPGA_READ_OK = 0,          /* *out holds event *cursor; cursor advanced */
    VEGA_FPGA_READ_EMPTY = 1,       /* event *cursor not written yet (or being written) */
    VEGA_FPGA_READ_LAPPED = 2,      /* overwritten: *lost events skipped, cursor moved to the oldest kept */
};

/*
 * Reads event number *cursor (a reader starts at 1, or at write_seq + 1 to skip history).
 * Cost: one cache line read, two acquire loads; no stores to shared memory, so any number of
 * readers in any number of processes can read the same ring.
 */
static inline int vega_fpga_ring_read(const vega_fpga_ring_header *h, uint64_t *cursor,
                                      vega_fpga_event *out, uint64_t *lost) {
    uint64_t n = *cursor;
    const vega_fpga_slot *slot =
        &((const vega_fpga_slot *)((const uint8_t *)h + h->data_offset))[(n - 1) & (h->slot_count - 1)];
    uint64_t s1 = __atomic_load_n(&slot->seq, __ATOMIC_ACQUIRE);
    if (s1 == 2 * n) {
        const uint64_t *src = (const uint64_t *)&slot->event;
        uint64_t *dst = (uint64_t *)out;
        for (int i = 0; i < 7; i++) dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        uint64_t s2 = __atomic_load_n(&slot->seq, __ATOMIC_RELAXED);
        if (s2 == s1) {
            *cursor = n + 1;
            return VEGA_FPGA_READ_OK;
        }
        s1 = s2;    /* overwritten while we copied: fall through to the lapped case */
    }
    if ((s1 >> 1) <= n) return VEGA_FPGA_READ_EMPTY;   /* older event, or event n in progress */
    /* Lapped: resume at the oldest event the ring still holds, plus one slot of margin because
     * the slot after the oldest is the writer's next victim. The writer may be mid-event ahead
     * of write_seq, so take the newer of the two. */
    uint64_t w = __atomic_load_n(&h->write_seq, __ATOMIC_ACQUIRE);
    uint64_t newest = (s1 >> 1) > w ? (s1 >> 1) : w;
    uint64_t oldest = newest >= h->slot_count ? newest - h->slot_count + 2 : 1;
    if (oldest <= n) oldest = n + 1;
    *lost = oldest - n;
    *cursor = oldest;
    return VEGA_FPGA_READ_LAPPED;
}

#endif
