/*
 * CVegaExaNIC — Cisco (Exablaze) ExaNIC through libexanic, as a Vega packet queue.
 *
 * Same pattern as CVegaEFVI: one API whatever the build.
 *   - built with the `ExaNIC` trait (defines VEGA_EXANIC, links exanic) AND <exanic/fifo_rx.h>
 *     found: the real implementation, hot path `static inline` below (vega_exanic_*_inline);
 *   - otherwise every call returns -ENOSYS and vega_exanic_available() says why.
 *
 * Checked against libexanic's headers (libs/exanic/, installed as <exanic/...>) of
 *   github.com/cisco/exanic-software tag v2.7.6 (commit 430e5eb35d455b06e84ba8053b1456c86d3f21a2)
 * with `gcc -fsyntax-only -Wall -Wextra -DVEGA_EXANIC`.
 *
 * The ExaNIC RX buffer is a 2 MiB ring of 128-byte chunks (120 bytes of payload + 8 bytes of
 * info: 32-bit timestamp, status, length, generation byte). The NIC never waits for software: a
 * reader that falls 2 MiB behind is lapped (exanic_receive_chunk_inplace_ex returns
 * -EXANIC_RX_FRAME_SWOVFL and catches up).
 *   - Frames of one chunk (≤ 120 bytes on the wire incl. FCS: most market-data packets) are
 *     handed out zero copy, pointing into the ring. They stay valid until the NIC laps the ring,
 *     i.e. as long as the lane keeps up; the next vega_exanic_poll re-checks every chunk it handed
 *     out (exanic_receive_chunk_recheck) and counts stats.held_overwritten if the NIC overwrote
 *     one while the lane held it — nonzero means the lane read torn data and is far too slow.
 *   - Longer frames are gathered into the shim's own slots (one per batch entry), re-checking the
 *     first chunk's generation after the copy; a frame still arriving when the ring is drained is
 *     resumed on the next poll, so nothing ever waits.
 *   - len excludes the 4-byte FCS the ExaNIC delivers. Frames with a bad CRC, aborted or
 *     dropped by the NIC are not delivered; they are counted.
 *   - RX hardware stamp: the chunk's 32-bit ExaNIC clock value at the start of the frame, widened
 *     with exanic_expand_timestamp (driver-maintained info page, no PCIe read) and converted with
 *     exanic_cycles_to_timespec. The ExaNIC clock is as good as exanic-clock-sync makes it (PTP or
 *     host clock); it is reported in the ExaNIC clock's own timescale.
 *   - TX: exanic_transmit_frame (a PIO copy into the NIC's TX buffer). ExaNIC exposes only the
 *     TX time of the LAST frame the port sent (REG_PORT_TX_LAST_TIME, a PCIe register read):
 *     vega_exanic_tx_stamps attributes a new value to our newest send. If several sends happened
 *     between drains, the earlier ones get no stamp (stats.tx_stamps_missed); drain after each
 *     send when every send must be stamped. Another process sending on the same port would be
 *     indistinguishable: give the lane the port.
 */
#ifndef CVEGA_EXANIC_H
#define CVEGA_EXANIC_H

#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include "../../CVegaNet/include/vega_frame.h"

#if defined(VEGA_EXANIC) && defined(__has_include)
#  if __has_include(<exanic/fifo_rx.h>)
#    define VEGA_EXANIC_REAL 1
#  endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vega_exanic vega_exanic;

/* vega_exanic_open flags */
enum {
    VEGA_EXANIC_RX = 1u << 0,             /* acquire an RX buffer */
    VEGA_EXANIC_TX = 1u << 1,             /* acquire a TX buffer */
    VEGA_EXANIC_FILTER_BUFFER = 1u << 2,  /* RX from an unused filter buffer (then add filters),
                                             instead of buffer 0 (everything the port receives) */
};

#define VEGA_EXANIC_MAX_BATCH 64
#define VEGA_EXANIC_SLOT 10240          /* gather slot: jumbo frames fit */
#define VEGA_EXANIC_MAX_FILTERS 8

typedef struct vega_exanic_stats {
    uint64_t rx_frames;
    uint64_t rx_zero_copy;        /* delivered pointing into the ring */
    uint64_t rx_gathered;         /* multi-chunk frames copied out */
    uint64_t rx_corrupt;          /* EXANIC_RX_FRAME_CORRUPT (bad CRC) */
    uint64_t rx_aborted;          /* EXANIC_RX_FRAME_ABORTED */
    uint64_t rx_hw_overflow;      /* EXANIC_RX_FRAME_HWOVFL: the NIC dropped frames */
    uint64_t rx_sw_overflow;      /* we were lapped: frames lost */
    uint64_t rx_truncated;        /* longer than VEGA_EXANIC_SLOT */
    uint64_t held_overwritten;    /* a zero-copy frame was overwritten while the lane held it */
    uint64_t tx_frames;
    uint64_t tx_errors;
    uint64_t tx_stamps_missed;    /* sends that got no TX stamp (see the header comment) */
} vega_exanic_stats;

typedef struct vega_exanic_desc {
    char device[16];
    int port;
    uint32_t tick_hz;             /* ExaNIC clock frequency */
    int rx_buffer;                /* 0 = default buffer, > 0 = filter buffer */
    size_t tx_mtu;
    unsigned flags;
} vega_exanic_desc;

/* 1 when built with libexanic (opening still needs an ExaNIC); 0 otherwise, reason in why. */
int vega_exanic_available(char *why, size_t len);

/* Opens port `port` of device ("exanic0"); with port < 0, `device` is an interface name and the
 * device/port are looked up (exanic_find_port_by_interface_name). Returns 0 or -errno with a
 * message in err. Off the lane. */
int vega_exanic_open(vega_exanic **out, const char *device, int port, unsigned flags, char *err, size_t errlen);

/* Steers UDP to addr:port (network byte order) into this queue's filter buffer
 * (VEGA_EXANIC_FILTER_BUFFER): exanic_filter_add_ip. Returns 0 or -errno. */
int vega_exanic_add_udp_filter(vega_exanic *q, uint32_t addr_be, uint16_t port_be, char *err, size_t errlen);

void vega_exanic_close(vega_exanic *q);
int vega_exanic_describe(const vega_exanic *q, vega_exanic_desc *out);
int vega_exanic_get_stats(const vega_exanic *q, vega_exanic_stats *out);

/*
 * The lane calls. Swift imports these out-of-line entry points: SwiftPM passes the trait's
 * VEGA_EXANIC define to this C target only, not to the Clang importer of Swift clients, so a
 * `static inline` body selected by that define would silently be the wrong one in Swift. Each is
 * one direct call per batch into the static inline implementation (vega_exanic_*_inline, which C
 * code built with the define can call directly). Without the SDK they return -ENOSYS.
 */
int vega_exanic_poll(vega_exanic *q, vega_rx_meta *meta, const uint8_t **frames, int max);
int vega_exanic_transmit(vega_exanic *q, const void *frame, size_t len, uint32_t *id_out);
int vega_exanic_tx_stamps(vega_exanic *q, vega_tx_stamp *out, int max);

#ifdef VEGA_EXANIC_REAL
/* ------------------------------------------------------------------------------------------ */
#include <string.h>
#include <time.h>
#include <exanic/exanic.h>
#include <exanic/fifo_rx.h>
#include <exanic/fifo_tx.h>
#include <exanic/time.h>

struct vega_exanic_impl {
    exanic_t *nic;
    exanic_rx_t *rx;
    exanic_tx_t *tx;
    int port;
    int rx_buffer;
    unsigned flags;
    /* zero-copy chunks handed out by the last poll, re-checked by the next */
    uint32_t held[VEGA_EXANIC_MAX_BATCH];
    unsigned n_held;
    /* gather slots: slot[i] backs batch entry i; `partial` collects a frame in progress */
    uint8_t *slot[VEGA_EXANIC_MAX_BATCH];
    uint8_t *partial;
    uint32_t partial_len;         /* bytes gathered so far (0: none in progress) */
    uint32_t partial_first;       /* chunk id of its first chunk */
    uint32_t partial_ts;          /* its 32-bit timestamp */
    int partial_active;
    int partial_truncated;
    uint8_t *slab;
    /* TX */
    uint32_t tx_next_id;
    uint32_t tx_stamped_upto;     /* sends [0, this) have been stamped or given up on */
    uint32_t tx_last_time;        /* last REG_PORT_TX_LAST_TIME seen */
    int filter_ids[VEGA_EXANIC_MAX_FILTERS];
    unsigned n_filters;
    vega_exanic_stats stats;
    char device[16];
};

static inline uint64_t vega_exanic__ns(struct vega_exanic_impl *q, uint32_t ts32)
{
    struct timespec ts;
    exanic_cycles_to_timespec(q->nic, exanic_expand_timestamp(q->nic, ts32), &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Counts a bad frame by its hardware status. */
static inline void vega_exanic__bad(struct vega_exanic_impl *q, unsigned status)
{
    switch (status & EXANIC_RX_FRAME_ERROR_MASK) {
    case EXANIC_RX_FRAME_CORRUPT: ++q->stats.rx_corrupt; break;
    case EXANIC_RX_FRAME_ABORTED: ++q->stats.rx_aborted; break;
    case EXANIC_RX_FRAME_HWOVFL: ++q->stats.rx_hw_overflow; break;
    default: ++q->stats.rx_corrupt; break;
    }
}

static inline void vega_exanic__meta(struct vega_exanic_impl *q, vega_rx_meta *m, uint32_t len, uint32_t ts32, uint32_t flags)
{
    m->hw_ns = vega_exanic__ns(q, ts32);
    m->sw_ns = 0;
    m->len = len >= 4 ? len - 4 : 0; /* drop the FCS */
    m->flags = flags | VEGA_FRAME_HAS_HW;
    m->src_addr = 0;
    m->src_port = 0;
    m->queue = (uint16_t)q->port;
}

/*
 * Returns up to `max` (≤ VEGA_EXANIC_MAX_BATCH) frames, never blocking. Returns the count, or
 * -EINVAL.
 */
static inline int vega_exanic_poll_inline(vega_exanic *h, vega_rx_meta *meta, const uint8_t **frames, int max)
{
    struct vega_exanic_impl *q = (struct vega_exanic_impl *)(void *)h;
    if (max > VEGA_EXANIC_MAX_BATCH) max = VEGA_EXANIC_MAX_BATCH;
    if (max <= 0 || q->rx == NULL) return -EINVAL;
    for (unsigned i = 0; i < q->n_held; ++i)
        if (!exanic_receive_chunk_recheck(q->rx, q->held[i])) ++q->stats.held_overwritten;
    q->n_held = 0;

    int n = 0;
    while (n < max) {
        char *p;
        uint32_t chunk_id;
        int more = 0;
        struct rx_chunk_info info;
        ssize_t r = exanic_receive_chunk_inplace_ex(q->rx, &p, &chunk_id, &more, &info);
        if (r == 0) break;
        if (r < 0) { /* -EXANIC_RX_FRAME_SWOVFL: lapped, already caught up; the partial is lost */
            ++q->stats.rx_sw_overflow;
            q->partial_active = 0;
            continue;
        }
        if (!q->partial_active && !more) {
            /* A whole frame in one chunk: zero copy. */
            if (info.frame_status & EXANIC_RX_FRAME_ERROR_MASK) { vega_exanic__bad(q, info.frame_status); continue; }
            vega_exanic__meta(q, &meta[n], (uint32_t)r, info.timestamp, 0);
            frames[n++] = (const uint8_t *)p;
            q->held[q->n_held++] = chunk_id;
            ++q->stats.rx_zero_copy;
            ++q->stats.rx_frames;
            continue;
        }
        if (!q->partial_active) {
            q->partial_active = 1;
            q->partial_len = 0;
            q->partial_first = chunk_id;
            q->partial_ts = info.timestamp;
            q->partial_truncated = 0;
        }
        uint32_t room = VEGA_EXANIC_SLOT - q->partial_len;
        uint32_t take = (uint32_t)r < room ? (uint32_t)r : room;
        memcpy(q->partial + q->partial_len, p, take);
        q->partial_len += take;
        if (take < (uint32_t)r) q->partial_truncated = 1;
        if (more) continue;
        /* Last chunk of a gathered frame. */
        q->partial_active = 0;
        if (info.frame_status & EXANIC_RX_FRAME_ERROR_MASK) { vega_exanic__bad(q, info.frame_status); continue; }
        if (!exanic_receive_chunk_recheck(q->rx, q->partial_first)) { ++q->stats.rx_sw_overflow; continue; }
        uint32_t flags = 0, len = q->partial_len;
        if (q->partial_truncated) { flags = VEGA_FRAME_TRUNCATED; ++q->stats.rx_truncated; len += 4; /* keep all we have */ }
        /* The gathered bytes become batch entry n: swap buffers instead of copying again. */
        uint8_t *done = q->partial;
        q->partial = q->slot[n];
        q->slot[n] = done;
        vega_exanic__meta(q, &meta[n], len, q->partial_ts, flags);
        frames[n++] = done;
        ++q->stats.rx_gathered;
        ++q->stats.rx_frames;
    }
    return n;
}

/* Sends one complete Ethernet frame (the NIC appends the FCS). *id_out receives its id.
 * Returns 0, -EIO (libexanic refused: see exanic_get_last_error), -EINVAL (no TX buffer). */
static inline int vega_exanic_transmit_inline(vega_exanic *h, const void *frame, size_t len, uint32_t *id_out)
{
    struct vega_exanic_impl *q = (struct vega_exanic_impl *)(void *)h;
    if (q->tx == NULL) return -EINVAL;
    if (exanic_transmit_frame(q->tx, (const char *)frame, len) != 0) {
        ++q->stats.tx_errors;
        return -EIO;
    }
    *id_out = q->tx_next_id++;
    ++q->stats.tx_frames;
    return 0;
}

/* Reads the port's last-TX time (one PCIe register read) and, when it changed since the last
 * call, attributes it to the newest send. Returns the count written (0 or 1), or -EINVAL. */
static inline int vega_exanic_tx_stamps_inline(vega_exanic *h, vega_tx_stamp *out, int max)
{
    struct vega_exanic_impl *q = (struct vega_exanic_impl *)(void *)h;
    if (q->tx == NULL) return -EINVAL;
    if (max <= 0 || q->tx_stamped_upto == q->tx_next_id) return 0;
    uint32_t t = exanic_get_tx_timestamp(q->tx);
    if (t == q->tx_last_time) return 0; /* the newest frame has not left yet */
    q->tx_last_time = t;
    uint32_t newest = q->tx_next_id - 1;
    q->stats.tx_stamps_missed += newest - q->tx_stamped_upto;
    q->tx_stamped_upto = q->tx_next_id;
    out[0].ns = vega_exanic__ns(q, t);
    out[0].id = newest;
    out[0].kind = VEGA_TX_STAMP_SND;
    out[0].flags = VEGA_FRAME_HAS_HW;
    return 1;
}

#endif /* VEGA_EXANIC_REAL */

#ifdef __cplusplus
}
#endif

#endif /* CVEGA_EXANIC_H */
