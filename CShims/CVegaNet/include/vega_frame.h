/*
 * vega_frame.h — the frame metadata every packet queue fills, live or simulated.
 *
 * Defined once, here, and included by the live socket / ibverbs / ef_vi / ExaNIC backends and
 * by HardwareSim, so a lane sees byte-identical metadata whatever delivered the frame.
 *
 * Timestamps are nanoseconds. A missing stamp is flagged absent, never encoded as zero time:
 * the flags say which stamps are present.
 *   hw_ns  NIC hardware stamp, in the NIC's PHC timescale (TAI when the PHC is PTP-disciplined)
 *   sw_ns  kernel software stamp, CLOCK_REALTIME (UTC)
 */
#ifndef VEGA_FRAME_H
#define VEGA_FRAME_H

#include <stdint.h>

enum {
    VEGA_FRAME_HAS_HW = 1u << 0,        /* hw_ns is valid */
    VEGA_FRAME_HAS_SW = 1u << 1,        /* sw_ns is valid */
    VEGA_FRAME_TRUNCATED = 1u << 2,     /* the frame was longer than the slot: bytes were lost */
    VEGA_FRAME_HAS_SOURCE = 1u << 3,    /* src_addr/src_port are valid (UDP over IPv4) */
    VEGA_FRAME_RECORDED = 1u << 8,      /* replayed from a capture: hw_ns holds the recorded time,
                                           whichever clock stamped it (see PcapReplayQueue) */
};

typedef struct vega_rx_meta {
    uint64_t hw_ns;
    uint64_t sw_ns;
    uint32_t len;       /* bytes of payload in the slot */
    uint32_t flags;     /* VEGA_FRAME_* */
    uint32_t src_addr;  /* IPv4 source, network byte order */
    uint16_t src_port;  /* UDP source port, host byte order */
    uint16_t queue;     /* which queue (A/B line, VI, QP) delivered it */
} vega_rx_meta;

enum {
    VEGA_TX_STAMP_SCHED = 1,    /* entered the qdisc */
    VEGA_TX_STAMP_SND = 2,      /* handed to the driver (software) or left the wire (hardware) */
    VEGA_TX_STAMP_ACK = 3,      /* TCP: acknowledged by the peer */
};

typedef struct vega_tx_stamp {
    uint64_t ns;        /* CLOCK_REALTIME for software stamps, PHC time for hardware */
    uint32_t id;        /* OPT_ID: the send's counter (UDP) or byte offset (TCP) */
    uint16_t kind;      /* VEGA_TX_STAMP_* */
    uint16_t flags;     /* VEGA_FRAME_HAS_HW or VEGA_FRAME_HAS_SW */
} vega_tx_stamp;

#endif
