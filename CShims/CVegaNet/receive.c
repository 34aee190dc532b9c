/* Receiving frames and their RX stamps, and reading TX stamps from the error queue. */
#define _GNU_SOURCE
#include "CVegaNet.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/errqueue.h>

int vega_rx_batch_init(vega_rx_batch *b, uint32_t capacity, uint32_t slot_size) {
    memset(b, 0, sizeof *b);
    if (capacity == 0 || slot_size == 0 || capacity > (1u << 16)) return -EINVAL;
    b->capacity = capacity;
    b->slot_size = slot_size;
    /* Slots on their own cache lines, so the lane's reads never share a line with a neighbour's
     * metadata; 64-byte alignment everywhere. */
    size_t slots = (size_t)capacity * slot_size;
    if (posix_memalign((void **)&b->buffers, 64, slots) != 0) goto fail;
    if (posix_memalign((void **)&b->meta, 64, capacity * sizeof(vega_rx_meta)) != 0) goto fail;
    if (posix_memalign(&b->msgs, 64, capacity * sizeof(struct mmsghdr)) != 0) goto fail;
    if (posix_memalign(&b->iov, 64, capacity * sizeof(struct iovec)) != 0) goto fail;
    if (posix_memalign((void **)&b->control, 64, (size_t)capacity * VEGA_RX_CONTROL_SIZE) != 0) goto fail;
    if (posix_memalign(&b->addrs, 64, capacity * sizeof(struct sockaddr_in)) != 0) goto fail;
    memset(b->buffers, 0, slots);   /* touch every page now, not on the lane */
    memset(b->meta, 0, capacity * sizeof(vega_rx_meta));
    memset(b->control, 0, (size_t)capacity * VEGA_RX_CONTROL_SIZE);
    struct mmsghdr *msgs = b->msgs;
    struct iovec *iov = b->iov;
    memset(msgs, 0, capacity * sizeof(struct mmsghdr));
    for (uint32_t i = 0; i < capacity; i++) {
        iov[i].iov_base = b->buffers + (size_t)i * slot_size;
        iov[i].iov_len = slot_size;
    }
    return 0;
fail:
    vega_rx_batch_destroy(b);
    return -ENOMEM;
}

void vega_rx_batch_destroy(vega_rx_batch *b) {
    free(b->buffers); free(b->meta); free(b->msgs); free(b->iov); free(b->control); free(b->addrs);
    memset(b, 0, sizeof *b);
}

void vega_net_parse_rx_cmsgs(const void *control, size_t controllen, vega_rx_meta *meta) {
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_control = (void *)control;
    msg.msg_controllen = controllen;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING &&
            c->cmsg_len >= CMSG_LEN(sizeof(struct timespec) * 3)) {
            struct timespec ts[3];
            memcpy(ts, CMSG_DATA(c), sizeof ts);
            /* ts[0] software, ts[1] deprecated, ts[2] raw hardware. Zero means "not stamped". */
            if (ts[0].tv_sec != 0 || ts[0].tv_nsec != 0) {
                meta->sw_ns = vega_timespec_ns(ts[0].tv_sec, ts[0].tv_nsec);
                meta->flags |= VEGA_FRAME_HAS_SW;
            }
            if (ts[2].tv_sec != 0 || ts[2].tv_nsec != 0) {
                meta->hw_ns = vega_timespec_ns(ts[2].tv_sec, ts[2].tv_nsec);
                meta->flags |= VEGA_FRAME_HAS_HW;
            }
        }
    }
}

int vega_net_recv_batch(int fd, vega_rx_batch *b, int nonblocking) {
    struct mmsghdr *msgs = b->msgs;
    struct iovec *iov = b->iov;
    struct sockaddr_in *addrs = b->addrs;
    /* recvmmsg overwrites msg_len/msg_controllen/msg_namelen: reset what it consumed last time. */
    for (uint32_t i = 0; i < b->capacity; i++) {
        struct msghdr *h = &msgs[i].msg_hdr;
        h->msg_name = &addrs[i];
        h->msg_namelen = sizeof(struct sockaddr_in);
        h->msg_iov = &iov[i];
        h->msg_iovlen = 1;
        h->msg_control = b->control + (size_t)i * VEGA_RX_CONTROL_SIZE;
        h->msg_controllen = VEGA_RX_CONTROL_SIZE;
        h->msg_flags = 0;
    }
    int flags = nonblocking ? MSG_DONTWAIT : MSG_WAITFORONE;
    int n = recvmmsg(fd, msgs, b->capacity, flags, NULL);
    if (n < 0) {
        b->count = 0;
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
    }
    for (int i = 0; i < n; i++) {
        vega_rx_meta *m = &b->meta[i];
        struct msghdr *h = &msgs[i].msg_hdr;
        m->hw_ns = 0;
        m->sw_ns = 0;
        m->flags = 0;
        m->queue = 0;
        m->len = msgs[i].msg_len;
        if (h->msg_flags & MSG_TRUNC) { m->flags |= VEGA_FRAME_TRUNCATED; m->len = b->slot_size; }
        if (h->msg_namelen >= sizeof(struct sockaddr_in) && addrs[i].sin_family == AF_INET) {
            m->src_addr = addrs[i].sin_addr.s_addr;
            m->src_port = ntohs(addrs[i].sin_port);
            m->flags |= VEGA_FRAME_HAS_SOURCE;
        } else {
            m->src_addr = 0;
            m->src_port = 0;
        }
        vega_net_parse_rx_cmsgs(h->msg_control, h->msg_controllen, m);
    }
    b->count = (uint32_t)n;
    return n;
}

ssize_t vega_net_recv_stream(int fd, void *buf, size_t len, int nonblocking, vega_rx_meta *meta) {
    unsigned char control[VEGA_RX_CONTROL_SIZE];
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = recvmsg(fd, &msg, nonblocking ? MSG_DONTWAIT : 0);
    if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
    if (meta) {
        memset(meta, 0, sizeof *meta);
        meta->len = (uint32_t)n;
        vega_net_parse_rx_cmsgs(control, msg.msg_controllen, meta);
    }
    return n;
}

int vega_net_read_tx_stamps(int fd, vega_tx_stamp *out, int max) {
    int got = 0;
    while (got < max) {
        unsigned char control[VEGA_RX_CONTROL_SIZE];
        unsigned char data[256];    /* the looped-back packet, unless OPT_TSONLY */
        struct iovec iov = { .iov_base = data, .iov_len = sizeof data };
        struct msghdr msg;
        memset(&msg, 0, sizeof msg);
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        ssize_t n = recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            return got > 0 ? got : -errno;
        }
        struct timespec ts[3];
        int have_ts = 0;
        uint32_t id = 0;
        uint16_t kind = 0;
        int have_err = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING &&
                c->cmsg_len >= CMSG_LEN(sizeof ts)) {
                memcpy(ts, CMSG_DATA(c), sizeof ts);
                have_ts = 1;
            } else if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
                       (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR)) {
                struct sock_extended_err err;
                memcpy(&err, CMSG_DATA(c), sizeof err);
                if (err.ee_origin == SO_EE_ORIGIN_TIMESTAMPING) {
                    id = err.ee_data;
                    switch (err.ee_info) {
                    case SCM_TSTAMP_SCHED: kind = VEGA_TX_STAMP_SCHED; break;
                    case SCM_TSTAMP_ACK: kind = VEGA_TX_STAMP_ACK; break;
                    default: kind = VEGA_TX_STAMP_SND; break;
                    }
                    have_err = 1;
                }
            }
        }
        if (!have_ts || !have_err) continue;    /* some other error-queue message: not ours */
        vega_tx_stamp *s = &out[got];
        s->id = id;
        s->kind = kind;
        if (ts[2].tv_sec != 0 || ts[2].tv_nsec != 0) {
            s->ns = vega_timespec_ns(ts[2].tv_sec, ts[2].tv_nsec);
            s->flags = VEGA_FRAME_HAS_HW;
        } else {
            s->ns = vega_timespec_ns(ts[0].tv_sec, ts[0].tv_nsec);
            s->flags = VEGA_FRAME_HAS_SW;
        }
        got++;
    }
    return got;
}

int vega_net_wait_errqueue(int fd, int timeout_ms) {
    /* The error queue raises POLLERR whatever events are asked for; ask for none. */
    struct pollfd p = { .fd = fd, .events = 0, .revents = 0 };
    int rc = poll(&p, 1, timeout_ms);
    if (rc < 0) return -errno;
    return (rc > 0 && (p.revents & POLLERR)) ? 1 : 0;
}
