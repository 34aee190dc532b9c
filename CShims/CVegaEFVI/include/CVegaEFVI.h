/*
 * CVegaEFVI — Solarflare / AMD ef_vi (Onload SDK) as a Vega packet queue.
 *
 * The API below is identical whether or not the SDK is present, so Swift code compiles the same
 * way on every machine:
 *   - built with the `EfVi` trait (defines VEGA_EFVI, links ciul1) AND <etherfabric/vi.h> found:
 *     the real implementation; the hot path (poll, transmit, TX stamps) is `static inline` here (vega_efvi_*_inline)
 *     because ef_vi's own hot-path calls are macros over function pointers in `struct ef_vi`
 *     (ef_eventq_poll, ef_vi_receive_init/push, ef_vi_transmit, ef_vi_receive_get_precise_timestamp)
 *     that Swift cannot import;
 *   - otherwise: every call returns -ENOSYS and vega_efvi_available() says why.
 *
 * Checked against the Onload SDK headers (src/include/etherfabric/) of
 *   github.com/Xilinx-CNS/onload tag v9.0.2 (commit 9f330e7058f6062596f2a7316952c67963a0aac3) and
 *   master at ef17681d36a1b5d9e2f9fda4c77c3f700877984d (versions.env ONLOAD_VERSION=10.0.0, 2026-07-22)
 * with `gcc -fsyntax-only -Wall -Wextra -DVEGA_EFVI`. The ef_vi ABI changes between releases:
 * build against the SDK installed on the host (the trait), never dlopen.
 *
 * Model (one VI = one RX ring + one TX ring + one event queue, on one thread):
 *   - packet buffers: one registered block (MAP_HUGETLB, else 2 MiB-aligned + MADV_HUGEPAGE), cut
 *     into fixed slots that never cross a 4 KiB NIC page; RX slots carry the NIC's prefix (the
 *     hardware timestamp lives there) before the frame.
 *   - RX is zero copy: vega_efvi_poll hands out pointers into the DMA slots. Those slots stay
 *     owned by the caller until its NEXT vega_efvi_poll, which first re-posts them to the NIC.
 *     (The RxBatch contract: frames are valid until the next receive.)
 *   - X3/X4 "express" adapters (efct) deliver EF_EVENT_TYPE_RX_REF events into NIC-owned
 *     buffers; those are handled too and released on the next poll.
 *   - TX copies the frame into a registered TX slot and posts it (optionally CTPIO, cut-through
 *     PIO, with the DMA slot as the fallback). The id returned is the send counter; TX hardware
 *     stamps (EF_EVENT_TYPE_TX_WITH_TIMESTAMP) carry it back.
 *   - Hardware timestamps are what ef_vi reports: the adapter clock converted to UTC by the
 *     driver (sfptpd disciplines it). A stamp taken before the adapter clock was ever set is
 *     still delivered (it orders frames) but counted in stats.rx_ts_unsynced.
 *   - Multicast: an ef_vi filter steers the group's packets to the VI but sends no IGMP join;
 *     keep a kernel socket joined to the group (UDPSocketQueue with the same group) so the
 *     switch keeps forwarding it.
 */
#ifndef CVEGA_EFVI_H
#define CVEGA_EFVI_H

#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include "../../CVegaNet/include/vega_frame.h"

#if defined(VEGA_EFVI) && defined(__has_include)
#  if __has_include(<etherfabric/vi.h>)
#    define VEGA_EFVI_REAL 1
#  endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque to Swift in every build: it is only ever handled by pointer (OpaquePointer). */
typedef struct vega_efvi vega_efvi;

/* vega_efvi_open flags */
enum {
    VEGA_EFVI_RX_TIMESTAMPS = 1u << 0,  /* EF_VI_RX_TIMESTAMPS */
    VEGA_EFVI_TX_TIMESTAMPS = 1u << 1,  /* EF_VI_TX_TIMESTAMPS: one TX_WITH_TIMESTAMP event per send */
    VEGA_EFVI_TX_CTPIO = 1u << 2,       /* EF_VI_TX_CTPIO (X2 and later); dropped if refused */
    VEGA_EFVI_TX_PUSH_ALWAYS = 1u << 3, /* EF_VI_TX_PUSH_ALWAYS */
};

/* Largest batch one vega_efvi_poll may return (callers ask for at most this many). */
#define VEGA_EFVI_MAX_BATCH 64
/* Size of the internal event stash (events polled but not yet handed out). */
#define VEGA_EFVI_EVENT_BATCH 64
/* TX timestamps kept until drained; older ones are dropped (and counted) when it is full. */
#define VEGA_EFVI_TX_STAMP_RING 1024

typedef struct vega_efvi_stats {
    uint64_t rx_frames;
    uint64_t rx_discards;       /* EF_EVENT_TYPE_RX_DISCARD / RX_REF_DISCARD (CRC, checksum, …) */
    uint64_t rx_truncated;      /* scattered jumbo or RX_NO_DESC_TRUNC: flagged or dropped */
    uint64_t rx_ts_missing;     /* RX timestamp requested but the NIC had none for the frame */
    uint64_t rx_ts_unsynced;    /* stamp delivered while the adapter clock was never set */
    uint64_t evq_overflows;     /* EF_EVENT_TYPE_OFLOW: events (and frames) were lost */
    uint64_t unexpected_events;
    uint64_t tx_frames;
    uint64_t tx_completions;
    uint64_t tx_errors;
    uint64_t tx_ring_full;      /* transmit refused with -EAGAIN */
    uint64_t tx_stamps_dropped; /* TX stamp ring overflowed: drain it more often */
} vega_efvi_stats;

typedef struct vega_efvi_desc {
    int ifindex;
    int rx_capacity;        /* RX descriptor ring */
    int tx_capacity;        /* TX descriptor ring */
    int evq_capacity;
    int rx_prefix_len;      /* bytes the NIC writes before each frame */
    int buffer_size;        /* slot size */
    int mtu;
    int rx_ref;             /* 1 on efct (X3/X4) adapters: NIC-owned RX buffers */
    unsigned flags;         /* VEGA_EFVI_* actually in effect */
    uint8_t mac[6];
} vega_efvi_desc;

/* 1 when built with the SDK (the open may still fail: no Solarflare NIC, no driver). 0 otherwise,
 * with the reason written to why. */
int vega_efvi_available(char *why, size_t len);

/* Opens a VI on ifname: ef_driver_open, ef_pd_alloc, ef_vi_alloc_from_pd (rx_ring / tx_ring
 * descriptors; 0 for the defaults), packet buffers registered with ef_memreg_alloc, RX ring filled.
 * Returns 0 or -errno with a message in err. Off the lane. */
int vega_efvi_open(vega_efvi **out, const char *ifname, unsigned rx_ring, unsigned tx_ring,
                   unsigned flags, char *err, size_t errlen);

/* Steers UDP to local address:port (both network byte order; multicast groups included) to the VI:
 * ef_filter_spec_set_ip4_local + ef_vi_filter_add. Returns 0 or -errno. Off the lane. */
int vega_efvi_add_udp_filter(vega_efvi *q, uint32_t addr_be, uint16_t port_be, char *err, size_t errlen);

/* Removes the filters, frees the VI, the memory registration, the PD and the driver handle. */
void vega_efvi_close(vega_efvi *q);

int vega_efvi_describe(const vega_efvi *q, vega_efvi_desc *out);
int vega_efvi_get_stats(const vega_efvi *q, vega_efvi_stats *out);

/*
 * The lane calls. Swift imports these out-of-line entry points: SwiftPM passes the trait's
 * VEGA_EFVI define to this C target only, not to the Clang importer of Swift clients, so a
 * `static inline` body selected by that define would silently be the wrong one in Swift. Each is
 * one direct call per batch into the static inline implementation (vega_efvi_*_inline, which C
 * code built with the define can call directly). Without the SDK they return -ENOSYS.
 */
int vega_efvi_poll(vega_efvi *q, vega_rx_meta *meta, const uint8_t **frames, int max);
int vega_efvi_transmit(vega_efvi *q, const void *frame, size_t len, uint32_t *id_out);
int vega_efvi_tx_stamps(vega_efvi *q, vega_tx_stamp *out, int max);

#ifdef VEGA_EFVI_REAL
/* ------------------------------------------------------------------------------------------ */
/* Real implementation: the SDK is here.                                                        */
/* ------------------------------------------------------------------------------------------ */
#include <string.h>
#include <etherfabric/vi.h>
#include <etherfabric/pd.h>
#include <etherfabric/memreg.h>
#if __has_include(<etherfabric/efct_vi.h>)
#  include <etherfabric/efct_vi.h>
#  define VEGA_EFVI_HAVE_EFCT 1
#endif

#define VEGA_EFVI_MAX_FILTERS 8
#define VEGA_EFVI_EV_CONSUMED 0xffffu /* stash slot already handled (by vega_efvi_tx_stamps) */

/* The state behind a vega_efvi*. Not for Swift; the static inline functions below cast to it. */
struct vega_efvi_impl {
    ef_vi vi;
    ef_driver_handle dh;
    ef_pd pd;
    ef_memreg mr;
    unsigned have; /* which of dh / pd / vi / mr are allocated (close) */

    uint8_t *mem;
    size_t mem_len;
    int mem_is_hugetlb;
    unsigned slot;          /* slot size, bytes */
    unsigned n_rx;          /* RX slots: [0, n_rx) */
    unsigned n_tx;          /* TX slots: [n_rx, n_rx + n_tx) */
    ef_addr *dma;           /* DMA address of every slot */
    int prefix;             /* ef_vi_receive_prefix_len */
    int rx_fill_target;
    int rx_ref;             /* efct: NIC-owned buffers, no posting */

    uint32_t *free_rx;      /* stack of RX slot ids not posted and not held */
    unsigned n_free_rx;
    uint32_t held[VEGA_EFVI_MAX_BATCH];     /* RX slots (or efct pkt ids) the caller holds */
    unsigned n_held;

    ef_event evs[VEGA_EFVI_EVENT_BATCH];
    unsigned ev_next, ev_count;

    vega_tx_stamp txs[VEGA_EFVI_TX_STAMP_RING];
    uint32_t txs_head, txs_tail;    /* free-running; head - tail = stamps waiting */

    uint32_t tx_next_id;    /* id of the next send (= the dma_id, = slot index modulo n_tx) */
    uint32_t tx_done;       /* sends completed (TX completions are in order on one TXQ) */
    int tx_capacity;

    unsigned flags;
    uint16_t queue_id;
    int ifindex;
    ef_filter_cookie filters[VEGA_EFVI_MAX_FILTERS];
    unsigned n_filters;
    vega_efvi_stats stats;
    char ifname[32];
};

/* Internal: re-posts the slots the caller held since the last poll and tops the ring up. */
static inline void vega_efvi__refill(struct vega_efvi_impl *q)
{
    unsigned i;
#ifdef VEGA_EFVI_HAVE_EFCT
    if (q->rx_ref) {
        for (i = 0; i < q->n_held; ++i) efct_vi_rxpkt_release(&q->vi, q->held[i]);
        q->n_held = 0;
        return;
    }
#endif
    for (i = 0; i < q->n_held; ++i) q->free_rx[q->n_free_rx++] = q->held[i];
    q->n_held = 0;
    if (ef_vi_receive_fill_level(&q->vi) >= q->rx_fill_target || q->n_free_rx == 0) return;
    int posted = 0;
    while (q->n_free_rx > 0 && ef_vi_receive_fill_level(&q->vi) < q->rx_fill_target) {
        uint32_t id = q->free_rx[--q->n_free_rx];
        if (ef_vi_receive_init(&q->vi, q->dma[id], (ef_request_id)id) < 0) {
            q->free_rx[q->n_free_rx++] = id;
            break;
        }
        ++posted;
    }
    if (posted) ef_vi_receive_push(&q->vi);
}

/* Internal: a consumed-but-not-delivered RX slot goes straight back to the free stack. */
static inline void vega_efvi__drop_rx(struct vega_efvi_impl *q, uint32_t id)
{
    if (id < q->n_rx) q->free_rx[q->n_free_rx++] = id;
}

static inline void vega_efvi__push_tx_stamp(struct vega_efvi_impl *q, const ef_event *ev)
{
    if (q->txs_head - q->txs_tail >= VEGA_EFVI_TX_STAMP_RING) {
        ++q->txs_tail;                  /* keep the newest: drop the oldest */
        ++q->stats.tx_stamps_dropped;
    }
    vega_tx_stamp *s = &q->txs[q->txs_head++ % VEGA_EFVI_TX_STAMP_RING];
    s->ns = (uint64_t)EF_EVENT_TX_WITH_TIMESTAMP_SEC(*ev) * 1000000000ull
          + (uint64_t)EF_EVENT_TX_WITH_TIMESTAMP_NSEC(*ev);
    s->id = (uint32_t)EF_EVENT_TX_WITH_TIMESTAMP_RQ_ID(*ev);
    s->kind = VEGA_TX_STAMP_SND;
    s->flags = VEGA_FRAME_HAS_HW;
}

/* Internal: handles a TX-side event. Returns -ENETRESET for a reset VI, else 0. */
static inline int vega_efvi__tx_event(struct vega_efvi_impl *q, const ef_event *ev)
{
    ef_request_id ids[EF_VI_TRANSMIT_BATCH];
    int n;
    switch (EF_EVENT_TYPE(*ev)) {
    case EF_EVENT_TYPE_TX:
        n = ef_vi_transmit_unbundle(&q->vi, ev, ids);
        q->tx_done += (uint32_t)n;
        q->stats.tx_completions += (uint64_t)n;
        return 0;
    case EF_EVENT_TYPE_TX_ERROR:
        n = ef_vi_transmit_unbundle(&q->vi, ev, ids);
        q->tx_done += (uint32_t)n;
        q->stats.tx_errors += (uint64_t)n;
        return 0;
    case EF_EVENT_TYPE_TX_WITH_TIMESTAMP:
        /* One event per timestamped send; it completes that send (no unbundle). */
        q->tx_done += 1;
        q->stats.tx_completions += 1;
        vega_efvi__push_tx_stamp(q, ev);
        return 0;
    default:
        return 0;
    }
}

static inline int vega_efvi__is_tx_event(unsigned type)
{
    return type == EF_EVENT_TYPE_TX || type == EF_EVENT_TYPE_TX_ERROR
        || type == EF_EVENT_TYPE_TX_WITH_TIMESTAMP;
}

/* Internal: RX hardware timestamp of the frame whose first buffer starts at dma_ptr (the
 * prefix). Must run before the next ef_eventq_poll. */
static inline void vega_efvi__rx_stamp(struct vega_efvi_impl *q, const void *dma_ptr, vega_rx_meta *m)
{
#ifdef ef_vi_receive_get_precise_timestamp
    ef_precisetime ts;
    int rc = ef_vi_receive_get_precise_timestamp(&q->vi, dma_ptr, &ts);
    unsigned sync = ts.tv_flags;
#else
    struct timespec ts;
    unsigned sync = 0;
    int rc = ef_vi_receive_get_timestamp_with_sync_flags(&q->vi, dma_ptr, &ts, &sync);
#endif
    if (rc == 0) {
        m->hw_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
        m->flags |= VEGA_FRAME_HAS_HW;
        if (!(sync & EF_VI_SYNC_FLAG_CLOCK_SET)) ++q->stats.rx_ts_unsynced;
    } else {
        ++q->stats.rx_ts_missing; /* -ENODATA (looped back), -ENOMSG / -EL2NSYNC (not synced) */
    }
}

/*
 * Polls the VI: re-posts the buffers of the previous batch, then returns up to `max`
 * (≤ VEGA_EFVI_MAX_BATCH) frames as pointers into the NIC's buffers with their metadata. TX
 * completions and TX timestamps met on the way are recorded for vega_efvi_tx_stamps. Never blocks.
 * Returns the number of frames, or -ENETRESET (the VI was reset: reopen), -EINVAL.
 */
static inline int vega_efvi_poll_inline(vega_efvi *h, vega_rx_meta *meta, const uint8_t **frames, int max)
{
    struct vega_efvi_impl *q = (struct vega_efvi_impl *)(void *)h;
    if (max > VEGA_EFVI_MAX_BATCH) max = VEGA_EFVI_MAX_BATCH;
    if (max <= 0) return -EINVAL;
    vega_efvi__refill(q);

    int n = 0;
    for (;;) {
        if (q->ev_next == q->ev_count) {
            if (n > 0) break; /* deliver what we have before polling again (stamps stay valid) */
            int got = ef_eventq_poll(&q->vi, q->evs, VEGA_EFVI_EVENT_BATCH);
            q->ev_next = 0;
            q->ev_count = got > 0 ? (unsigned)got : 0;
            if (q->ev_count == 0) break;
        }
        if (n == max) break;
        const ef_event *ev = &q->evs[q->ev_next];
        unsigned type = EF_EVENT_TYPE(*ev);
        if (type == VEGA_EFVI_EV_CONSUMED) { ++q->ev_next; continue; }
        switch (type) {
        case EF_EVENT_TYPE_RX: {
            uint32_t id = (uint32_t)EF_EVENT_RX_RQ_ID(*ev);
            if (id >= q->n_rx) { ++q->stats.unexpected_events; break; }
            if (!EF_EVENT_RX_SOP(*ev)) { vega_efvi__drop_rx(q, id); break; } /* jumbo tail */
            const uint8_t *dma_ptr = q->mem + (size_t)id * q->slot;
            vega_rx_meta *m = &meta[n];
            int len = (int)EF_EVENT_RX_BYTES(*ev) - q->prefix;
            int room = (int)q->slot - q->prefix;
            m->flags = 0;
            if (EF_EVENT_RX_CONT(*ev) || len > room) { /* scattered jumbo: keep the head, flag it */
                if (len > room || len <= 0) len = room;
                m->flags |= VEGA_FRAME_TRUNCATED;
                ++q->stats.rx_truncated;
            }
            if (len < 0) len = 0;
            m->hw_ns = 0; m->sw_ns = 0; m->len = (uint32_t)len;
            m->src_addr = 0; m->src_port = 0; m->queue = q->queue_id;
            if (q->flags & VEGA_EFVI_RX_TIMESTAMPS) vega_efvi__rx_stamp(q, dma_ptr, m);
            frames[n++] = dma_ptr + q->prefix;
            q->held[q->n_held++] = id;
            ++q->stats.rx_frames;
            break;
        }
        case EF_EVENT_TYPE_RX_DISCARD:
            ++q->stats.rx_discards;
            vega_efvi__drop_rx(q, (uint32_t)EF_EVENT_RX_DISCARD_RQ_ID(*ev));
            break;
#ifdef VEGA_EFVI_HAVE_EFCT
        case EF_EVENT_TYPE_RX_REF: {
            uint32_t pkt_id = ev->rx_ref.pkt_id;
            const uint8_t *p = (const uint8_t *)efct_vi_rxpkt_get(&q->vi, pkt_id);
            vega_rx_meta *m = &meta[n];
            m->hw_ns = 0; m->sw_ns = 0; m->len = ev->rx_ref.len; m->flags = 0;
            m->src_addr = 0; m->src_port = 0; m->queue = q->queue_id;
            if (q->flags & VEGA_EFVI_RX_TIMESTAMPS) vega_efvi__rx_stamp(q, p, m);
            frames[n++] = p;
            q->held[q->n_held++] = pkt_id;
            ++q->stats.rx_frames;
            break;
        }
        case EF_EVENT_TYPE_RX_REF_DISCARD:
            ++q->stats.rx_discards;
            efct_vi_rxpkt_release(&q->vi, ev->rx_ref_discard.pkt_id);
            break;
#endif
        case EF_EVENT_TYPE_RX_NO_DESC_TRUNC:
            ++q->stats.rx_truncated;
            break;
        case EF_EVENT_TYPE_TX:
        case EF_EVENT_TYPE_TX_ERROR:
        case EF_EVENT_TYPE_TX_WITH_TIMESTAMP:
            vega_efvi__tx_event(q, ev);
            break;
        case EF_EVENT_TYPE_OFLOW:
            ++q->stats.evq_overflows;
            break;
        case EF_EVENT_TYPE_RESET:
            ++q->ev_next;
            return n > 0 ? n : -ENETRESET;
        case EF_EVENT_TYPE_SW:
            break;
        default: /* RX_MULTI*, RX_PACKED_STREAM: modes this queue never enables */
            ++q->stats.unexpected_events;
            break;
        }
        ++q->ev_next;
    }
    return n;
}

/*
 * Sends one frame (a complete Ethernet frame): copies it into the next registered TX slot and
 * posts it (CTPIO first when enabled). *id_out receives the send's id, which its TX timestamp
 * carries. Returns 0, -EAGAIN (TX ring or slots full: poll to reap completions), -EMSGSIZE.
 */
static inline int vega_efvi_transmit_inline(vega_efvi *h, const void *frame, size_t len, uint32_t *id_out)
{
    struct vega_efvi_impl *q = (struct vega_efvi_impl *)(void *)h;
    if (len > (size_t)q->slot) return -EMSGSIZE;
    if (q->tx_next_id - q->tx_done >= q->n_tx || ef_vi_transmit_space(&q->vi) <= 0) {
        ++q->stats.tx_ring_full;
        return -EAGAIN;
    }
    uint32_t id = q->tx_next_id;
    uint32_t slot = q->n_rx + id % q->n_tx;
    memcpy(q->mem + (size_t)slot * q->slot, frame, len);
    int rc;
    if (q->flags & VEGA_EFVI_TX_CTPIO) {
        ef_vi_transmit_ctpio(&q->vi, frame, len, EF_VI_CTPIO_CT_THRESHOLD_SNF);
        rc = ef_vi_transmit_ctpio_fallback(&q->vi, q->dma[slot], len, (ef_request_id)id);
    } else {
        rc = ef_vi_transmit(&q->vi, q->dma[slot], (int)len, (ef_request_id)id);
    }
    if (rc < 0) {
        if (rc == -EAGAIN) ++q->stats.tx_ring_full;
        return rc;
    }
    q->tx_next_id = id + 1;
    ++q->stats.tx_frames;
    *id_out = id;
    return 0;
}

/*
 * Collects TX hardware timestamps without blocking. When no events are stashed it polls the event
 * queue, handles the TX events in place and leaves RX events stashed for the next vega_efvi_poll
 * (whose RX timestamps stay valid: no ef_eventq_poll runs in between). Returns the count written.
 */
static inline int vega_efvi_tx_stamps_inline(vega_efvi *h, vega_tx_stamp *out, int max)
{
    struct vega_efvi_impl *q = (struct vega_efvi_impl *)(void *)h;
    if (q->ev_next == q->ev_count) {
        int got = ef_eventq_poll(&q->vi, q->evs, VEGA_EFVI_EVENT_BATCH);
        q->ev_next = 0;
        q->ev_count = got > 0 ? (unsigned)got : 0;
    }
    for (unsigned i = q->ev_next; i < q->ev_count; ++i) {
        if (vega_efvi__is_tx_event(EF_EVENT_TYPE(q->evs[i]))) {
            vega_efvi__tx_event(q, &q->evs[i]);
            q->evs[i].generic.type = VEGA_EFVI_EV_CONSUMED;
        }
    }
    int n = 0;
    while (n < max && q->txs_tail != q->txs_head) out[n++] = q->txs[q->txs_tail++ % VEGA_EFVI_TX_STAMP_RING];
    return n;
}

#endif /* VEGA_EFVI_REAL */

#ifdef __cplusplus
}
#endif

#endif /* CVEGA_EFVI_H */
