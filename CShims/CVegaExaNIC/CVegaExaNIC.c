/* CVegaExaNIC: see include/CVegaExaNIC.h. Setup and teardown (off the lane); the hot path is
 * inline in the header. */
#define _GNU_SOURCE
#include "CVegaExaNIC.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void vega_exanic_msg(char *buf, size_t len, const char *fmt, ...)
{
    if (buf == NULL || len == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

#ifdef VEGA_EXANIC_REAL

#include <netinet/in.h>
#include <stdlib.h>
#include <exanic/config.h>
#include <exanic/filter.h>

int vega_exanic_available(char *why, size_t len)
{
    vega_exanic_msg(why, len, "built with libexanic; needs an ExaNIC and the exanic driver");
    return 1;
}

static int fail(struct vega_exanic_impl *q, int rc, char *err, size_t errlen, const char *what)
{
    const char *lib = exanic_get_last_error();
    vega_exanic_msg(err, errlen, "%s %s port %d: %s", what, q->device, q->port,
                    (lib != NULL && lib[0] != '\0') ? lib : strerror(-rc));
    vega_exanic_close((vega_exanic *)(void *)q);
    return rc;
}

int vega_exanic_open(vega_exanic **out, const char *device, int port, unsigned flags, char *err, size_t errlen)
{
    if (out == NULL || device == NULL) return -EINVAL;
    *out = NULL;
    struct vega_exanic_impl *q = calloc(1, sizeof *q);
    if (q == NULL) return -ENOMEM;
    q->flags = flags;
    q->port = port;
    snprintf(q->device, sizeof q->device, "%s", device);
    if (port < 0) {
        char dev[16];
        int p = -1;
        if (exanic_find_port_by_interface_name(device, dev, sizeof dev, &p) != 0)
            return fail(q, -ENODEV, err, errlen, "exanic_find_port_by_interface_name");
        snprintf(q->device, sizeof q->device, "%s", dev);
        q->port = p;
    }

    q->nic = exanic_acquire_handle(q->device);
    if (q->nic == NULL) return fail(q, -ENODEV, err, errlen, "exanic_acquire_handle");
    if (q->nic->tick_hz == 0) return fail(q, -EIO, err, errlen, "ExaNIC clock frequency is 0 on");

    if (flags & VEGA_EXANIC_RX) {
        if (flags & VEGA_EXANIC_FILTER_BUFFER) {
            q->rx = exanic_acquire_unused_filter_buffer(q->nic, q->port);
            if (q->rx == NULL) return fail(q, -EBUSY, err, errlen, "exanic_acquire_unused_filter_buffer");
            q->rx_buffer = q->rx->buffer_number;
        } else {
            q->rx = exanic_acquire_rx_buffer(q->nic, q->port, 0);
            if (q->rx == NULL) return fail(q, -EIO, err, errlen, "exanic_acquire_rx_buffer");
        }
        q->slab = aligned_alloc(64, (size_t)(VEGA_EXANIC_MAX_BATCH + 1) * VEGA_EXANIC_SLOT);
        if (q->slab == NULL) return fail(q, -ENOMEM, err, errlen, "allocate gather slots for");
        memset(q->slab, 0, (size_t)(VEGA_EXANIC_MAX_BATCH + 1) * VEGA_EXANIC_SLOT);
        for (int i = 0; i < VEGA_EXANIC_MAX_BATCH; ++i) q->slot[i] = q->slab + (size_t)i * VEGA_EXANIC_SLOT;
        q->partial = q->slab + (size_t)VEGA_EXANIC_MAX_BATCH * VEGA_EXANIC_SLOT;
    }
    if (flags & VEGA_EXANIC_TX) {
        q->tx = exanic_acquire_tx_buffer(q->nic, q->port, 0);
        if (q->tx == NULL) return fail(q, -EIO, err, errlen, "exanic_acquire_tx_buffer");
        q->tx_last_time = exanic_get_tx_timestamp(q->tx);
    }
    *out = (vega_exanic *)(void *)q;
    return 0;
}

int vega_exanic_add_udp_filter(vega_exanic *h, uint32_t addr_be, uint16_t port_be, char *err, size_t errlen)
{
    struct vega_exanic_impl *q = (struct vega_exanic_impl *)(void *)h;
    if (q == NULL) return -EINVAL;
    if (q->rx == NULL || q->rx_buffer == 0) {
        vega_exanic_msg(err, errlen, "filters need a filter buffer: open %s with VEGA_EXANIC_FILTER_BUFFER", q->device);
        return -EINVAL;
    }
    if (q->n_filters == VEGA_EXANIC_MAX_FILTERS) {
        vega_exanic_msg(err, errlen, "too many filters on %s (max %d)", q->device, VEGA_EXANIC_MAX_FILTERS);
        return -ENOSPC;
    }
    exanic_ip_filter_t f;
    memset(&f, 0, sizeof f);
    f.dst_addr = addr_be;
    f.dst_port = port_be;
    f.protocol = IPPROTO_UDP;
    int id = exanic_filter_add_ip(q->nic, q->rx, &f);
    if (id < 0) {
        const char *lib = exanic_get_last_error();
        vega_exanic_msg(err, errlen, "exanic_filter_add_ip on %s port %d: %s", q->device, q->port,
                        (lib != NULL && lib[0] != '\0') ? lib : "failed");
        return -EIO;
    }
    q->filter_ids[q->n_filters++] = id;
    return 0;
}

void vega_exanic_close(vega_exanic *h)
{
    struct vega_exanic_impl *q = (struct vega_exanic_impl *)(void *)h;
    if (q == NULL) return;
    for (unsigned i = 0; i < q->n_filters; ++i) exanic_filter_remove_ip(q->nic, q->port, q->filter_ids[i]);
    if (q->tx != NULL) exanic_release_tx_buffer(q->tx);
    if (q->rx != NULL) exanic_release_rx_buffer(q->rx);
    if (q->nic != NULL) exanic_release_handle(q->nic);
    free(q->slab);
    free(q);
}

int vega_exanic_describe(const vega_exanic *h, vega_exanic_desc *out)
{
    const struct vega_exanic_impl *q = (const struct vega_exanic_impl *)(const void *)h;
    if (q == NULL || out == NULL) return -EINVAL;
    memset(out, 0, sizeof *out);
    snprintf(out->device, sizeof out->device, "%s", q->device);
    out->port = q->port;
    out->tick_hz = q->nic->tick_hz;
    out->rx_buffer = q->rx_buffer;
    out->tx_mtu = q->tx != NULL ? exanic_get_tx_mtu(q->tx) : 0;
    out->flags = q->flags;
    return 0;
}

int vega_exanic_get_stats(const vega_exanic *h, vega_exanic_stats *out)
{
    const struct vega_exanic_impl *q = (const struct vega_exanic_impl *)(const void *)h;
    if (q == NULL || out == NULL) return -EINVAL;
    *out = q->stats;
    return 0;
}

int vega_exanic_poll(vega_exanic *q, vega_rx_meta *meta, const uint8_t **frames, int max)
{
    return vega_exanic_poll_inline(q, meta, frames, max);
}

int vega_exanic_transmit(vega_exanic *q, const void *frame, size_t len, uint32_t *id_out)
{
    return vega_exanic_transmit_inline(q, frame, len, id_out);
}

int vega_exanic_tx_stamps(vega_exanic *q, vega_tx_stamp *out, int max)
{
    return vega_exanic_tx_stamps_inline(q, out, max);
}

#else /* !VEGA_EXANIC_REAL */

static void vega_exanic_reason(char *why, size_t len)
{
#if defined(VEGA_EXANIC)
    vega_exanic_msg(why, len, "unavailable: ExaNIC trait on but exanic/fifo_rx.h not found — install libexanic (exanic-software)");
#else
    vega_exanic_msg(why, len, "unavailable: built without the ExaNIC trait");
#endif
}

int vega_exanic_available(char *why, size_t len)
{
    vega_exanic_reason(why, len);
    return 0;
}

int vega_exanic_open(vega_exanic **out, const char *device, int port, unsigned flags, char *err, size_t errlen)
{
    (void)device; (void)port; (void)flags;
    if (out != NULL) *out = NULL;
    vega_exanic_reason(err, errlen);
    return -ENOSYS;
}

int vega_exanic_add_udp_filter(vega_exanic *q, uint32_t addr_be, uint16_t port_be, char *err, size_t errlen)
{
    (void)q; (void)addr_be; (void)port_be;
    vega_exanic_reason(err, errlen);
    return -ENOSYS;
}

void vega_exanic_close(vega_exanic *q) { (void)q; }

int vega_exanic_describe(const vega_exanic *q, vega_exanic_desc *out)
{
    (void)q; (void)out;
    return -ENOSYS;
}

int vega_exanic_get_stats(const vega_exanic *q, vega_exanic_stats *out)
{
    (void)q; (void)out;
    return -ENOSYS;
}

int vega_exanic_poll(vega_exanic *q, vega_rx_meta *meta, const uint8_t **frames, int max)
{
    (void)q; (void)meta; (void)frames; (void)max;
    return -ENOSYS;
}

int vega_exanic_transmit(vega_exanic *q, const void *frame, size_t len, uint32_t *id_out)
{
    (void)q; (void)frame; (void)len; (void)id_out;
    return -ENOSYS;
}

int vega_exanic_tx_stamps(vega_exanic *q, vega_tx_stamp *out, int max)
{
    (void)q; (void)out; (void)max;
    return -ENOSYS;
}

#endif /* VEGA_EXANIC_REAL */
