/*
 * CVegaNet — kernel socket timestamping (SO_TIMESTAMPING) for Vega's socket packet queues.
 *
 * Kernel headers only. Everything that Swift cannot import (CMSG_* macros, ioctl request
 * numbers built with _IOW, struct layouts with flexible arrays) is wrapped here.
 * Functions return 0 / a count on success and -errno on failure; they never print.
 *
 * Cost: vega_net_recv_batch is one recvmmsg(2) per call plus a walk of each message's
 * control buffer; it allocates nothing (the batch is allocated once, off the lane).
 */
#ifndef CVEGANET_H
#define CVEGANET_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/net_tstamp.h>
#include "vega_frame.h"

/* Newer than Debian 12's 6.1 UAPI headers: defined by value, as the kernel defines them. */
#ifndef SOF_TIMESTAMPING_OPT_ID_TCP
#define SOF_TIMESTAMPING_OPT_ID_TCP (1 << 16)
#endif
#ifndef SOF_TIMESTAMPING_OPT_RX_FILTER
#define SOF_TIMESTAMPING_OPT_RX_FILTER (1 << 17)
#endif
#ifndef SCM_TS_OPT_ID
#define SCM_TS_OPT_ID 81
#endif
#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif

/* The SOF_* flags as plain constants (Swift imports the enum, but these keep call sites short). */
enum {
    VEGA_TS_TX_HARDWARE = SOF_TIMESTAMPING_TX_HARDWARE,
    VEGA_TS_TX_SOFTWARE = SOF_TIMESTAMPING_TX_SOFTWARE,
    VEGA_TS_RX_HARDWARE = SOF_TIMESTAMPING_RX_HARDWARE,
    VEGA_TS_RX_SOFTWARE = SOF_TIMESTAMPING_RX_SOFTWARE,
    VEGA_TS_SOFTWARE = SOF_TIMESTAMPING_SOFTWARE,
    VEGA_TS_RAW_HARDWARE = SOF_TIMESTAMPING_RAW_HARDWARE,
    VEGA_TS_OPT_ID = SOF_TIMESTAMPING_OPT_ID,
    VEGA_TS_TX_SCHED = SOF_TIMESTAMPING_TX_SCHED,
    VEGA_TS_TX_ACK = SOF_TIMESTAMPING_TX_ACK,
    VEGA_TS_OPT_CMSG = SOF_TIMESTAMPING_OPT_CMSG,
    VEGA_TS_OPT_TSONLY = SOF_TIMESTAMPING_OPT_TSONLY,
    VEGA_TS_OPT_PKTINFO = SOF_TIMESTAMPING_OPT_PKTINFO,
    VEGA_TS_OPT_TX_SWHW = SOF_TIMESTAMPING_OPT_TX_SWHW,
    VEGA_TS_BIND_PHC = SOF_TIMESTAMPING_BIND_PHC,
    VEGA_TS_OPT_ID_TCP = SOF_TIMESTAMPING_OPT_ID_TCP,
    VEGA_TS_OPT_RX_FILTER = SOF_TIMESTAMPING_OPT_RX_FILTER,
};

/* ---- enabling ------------------------------------------------------------------------- */

/* setsockopt(SO_TIMESTAMPING). bind_phc_index >= 0 adds SOF_TIMESTAMPING_BIND_PHC with that PHC. */
int vega_net_enable_timestamping(int fd, uint32_t sof_flags, int bind_phc_index);
/* getsockopt(SO_TIMESTAMPING): the flags now in force. */
int vega_net_get_timestamping(int fd, uint32_t *sof_flags);

/* SIOCGHWTSTAMP / SIOCSHWTSTAMP on an interface (struct hwtstamp_config). EOPNOTSUPP on
 * interfaces without hardware stamping (loopback, virtio, veth). */
int vega_net_get_hwtstamp(const char *ifname, int *tx_type, int *rx_filter);
int vega_net_set_hwtstamp(const char *ifname, int tx_type, int rx_filter,
                          int *applied_tx_type, int *applied_rx_filter);

/* ETHTOOL_GET_TS_INFO: what the interface can stamp, and its PHC (-1: none). */
typedef struct vega_ts_info {
    uint32_t so_timestamping;   /* SOF_TIMESTAMPING_* capability bits */
    int32_t phc_index;          /* /dev/ptpN, or -1 */
    uint32_t tx_types;          /* bit (1 << HWTSTAMP_TX_*) */
    uint32_t rx_filters;        /* bit (1 << HWTSTAMP_FILTER_*) */
} vega_ts_info;
int vega_net_ts_info(const char *ifname, vega_ts_info *out);

/* ETHTOOL_GDRVINFO: driver name, version, bus info (PCI address). */
typedef struct vega_drv_info {
    char driver[32];
    char version[32];
    char fw_version[32];
    char bus_info[32];
} vega_drv_info;
int vega_net_drv_info(const char *ifname, vega_drv_info *out);

/* ---- socket options used by the live queues ------------------------------------------- */

/* SO_BUSY_POLL (µs), SO_PREFER_BUSY_POLL, SO_BUSY_POLL_BUDGET; each skipped when 0/negative.
 * Returns the first failure, having tried all. */
int vega_net_set_busy_poll(int fd, int usecs, int prefer, int budget);
/* IP_ADD_MEMBERSHIP with ip_mreqn (group and local address in network order, ifindex or 0). */
int vega_net_join_ipv4_multicast(int fd, uint32_t group_be, uint32_t local_be, int ifindex);
/* IP_ADD_SOURCE_MEMBERSHIP for source-specific multicast. */
int vega_net_join_ipv4_ssm(int fd, uint32_t group_be, uint32_t source_be, uint32_t local_be);
/* IP_MULTICAST_IF / IP_MULTICAST_LOOP / IP_MULTICAST_TTL for a sender. */
int vega_net_set_multicast_send(int fd, uint32_t local_be, int loop, int ttl);

/* ---- receiving ------------------------------------------------------------------------ */

/*
 * A receive batch: `capacity` slots of `slot_size` bytes, their metadata, and the
 * mmsghdr/iovec/control/address arrays recvmmsg needs — all allocated once by
 * vega_rx_batch_init (off the lane), reused by every vega_net_recv_batch.
 */
typedef struct vega_rx_batch {
    uint32_t capacity;
    uint32_t slot_size;
    uint32_t count;             /* frames filled by the last receive */
    uint32_t _pad;
    uint8_t *buffers;           /* capacity * slot_size */
    vega_rx_meta *meta;         /* capacity */
    void *msgs;                 /* struct mmsghdr[capacity] */
    void *iov;                  /* struct iovec[capacity] */
    uint8_t *control;           /* capacity * VEGA_RX_CONTROL_SIZE */
    void *addrs;                /* struct sockaddr_in[capacity] */
} vega_rx_batch;

#define VEGA_RX_CONTROL_SIZE 256

int vega_rx_batch_init(vega_rx_batch *batch, uint32_t capacity, uint32_t slot_size);
void vega_rx_batch_destroy(vega_rx_batch *batch);

/* One recvmmsg(2) into the batch with MSG_DONTWAIT (nonblocking != 0) or blocking for the
 * first frame. Fills meta[i] (timestamps from SCM_TIMESTAMPING: ts[0] software, ts[2]
 * hardware). Returns the frame count (0 when nothing was waiting) or -errno. */
int vega_net_recv_batch(int fd, vega_rx_batch *batch, int nonblocking);

/* One recvmsg(2) for a stream socket into buf, with the timestamp of the data's first skb. */
ssize_t vega_net_recv_stream(int fd, void *buf, size_t len, int nonblocking, vega_rx_meta *meta);

/* Walks a control buffer (as filled by recvmsg) and extracts the RX timestamps into meta. */
void vega_net_parse_rx_cmsgs(const void *control, size_t controllen, vega_rx_meta *meta);

/* ---- transmit timestamps -------------------------------------------------------------- */

/* Drains up to `max` TX timestamps from the socket's error queue (MSG_ERRQUEUE, nonblocking).
 * Each carries its OPT_ID (send counter for UDP, byte offset for TCP) and its kind.
 * Returns how many were read (0: none waiting) or -errno. */
int vega_net_read_tx_stamps(int fd, vega_tx_stamp *out, int max);

/* poll(2) for POLLERR (TX stamps waiting) up to timeout_ms; 1 ready, 0 timeout, -errno. */
int vega_net_wait_errqueue(int fd, int timeout_ms);

/* ---- helpers -------------------------------------------------------------------------- */
int vega_net_ifindex(const char *ifname);   /* if_nametoindex, -errno on failure */
uint64_t vega_timespec_ns(long sec, long nsec);

#endif
