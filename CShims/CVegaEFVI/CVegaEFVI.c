/* CVegaEFVI: see include/CVegaEFVI.h. Setup and teardown (off the lane); the hot path is inline
 * in the header. */
#define _GNU_SOURCE
#include "CVegaEFVI.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void vega_efvi_msg(char *buf, size_t len, const char *fmt, ...)
{
    if (buf == NULL || len == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

#ifdef VEGA_EFVI_REAL

#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/mman.h>

enum { HAVE_DH = 1, HAVE_PD = 2, HAVE_VI = 4, HAVE_MR = 8 };

#define VEGA_EFVI_HUGE (2u << 20)

int vega_efvi_available(char *why, size_t len)
{
    vega_efvi_msg(why, len, "built with the Onload SDK (ef_vi); needs a Solarflare/AMD NIC and the sfc + onload drivers");
    return 1;
}

static int fail(struct vega_efvi_impl *q, int rc, char *err, size_t errlen, const char *what)
{
    if (rc > 0) rc = -rc;
    if (rc == 0) rc = -EIO;
    vega_efvi_msg(err, errlen, "%s on %s: %s (errno %d)", what, q->ifname, strerror(-rc), -rc);
    vega_efvi_close((vega_efvi *)(void *)q);
    return rc;
}

int vega_efvi_open(vega_efvi **out, const char *ifname, unsigned rx_ring, unsigned tx_ring,
                   unsigned flags, char *err, size_t errlen)
{
    if (out == NULL || ifname == NULL) return -EINVAL;
    *out = NULL;
    struct vega_efvi_impl *q = NULL;
    /* The struct holds ef_vi and ring state touched on every poll: cache-line align it. */
    if (posix_memalign((void **)&q, 64, sizeof *q) != 0) {
        vega_efvi_msg(err, errlen, "allocate ef_vi state: out of memory");
        return -ENOMEM;
    }
    memset(q, 0, sizeof *q);
    snprintf(q->ifname, sizeof q->ifname, "%s", ifname);

    q->ifindex = (int)if_nametoindex(ifname);
    if (q->ifindex == 0) return fail(q, -errno, err, errlen, "if_nametoindex");

    int rc = ef_driver_open(&q->dh);
    if (rc < 0) return fail(q, rc, err, errlen, "ef_driver_open (is the onload/sfc_char driver loaded?)");
    q->have |= HAVE_DH;

    rc = ef_pd_alloc(&q->pd, q->dh, q->ifindex, EF_PD_DEFAULT);
    if (rc < 0) return fail(q, rc, err, errlen, "ef_pd_alloc (not a Solarflare/AMD interface?)");
    q->have |= HAVE_PD;

    unsigned vi_flags = EF_VI_FLAGS_DEFAULT;
    if (flags & VEGA_EFVI_RX_TIMESTAMPS) vi_flags |= EF_VI_RX_TIMESTAMPS;
    if (flags & VEGA_EFVI_TX_TIMESTAMPS) vi_flags |= EF_VI_TX_TIMESTAMPS;
    if (flags & VEGA_EFVI_TX_PUSH_ALWAYS) vi_flags |= EF_VI_TX_PUSH_ALWAYS;
    int rxq = rx_ring ? (int)rx_ring : -1;
    int txq = tx_ring ? (int)tx_ring : -1;
    rc = -EINVAL;
    if (flags & VEGA_EFVI_TX_CTPIO) {
        rc = ef_vi_alloc_from_pd(&q->vi, q->dh, &q->pd, q->dh, -1, rxq, txq, NULL, -1,
                                 (enum ef_vi_flags)(vi_flags | EF_VI_TX_CTPIO));
        if (rc >= 0) vi_flags |= EF_VI_TX_CTPIO;
        else flags &= ~(unsigned)VEGA_EFVI_TX_CTPIO; /* adapter or firmware without CTPIO */
    }
    if (rc < 0) rc = ef_vi_alloc_from_pd(&q->vi, q->dh, &q->pd, q->dh, -1, rxq, txq, NULL, -1,
                                         (enum ef_vi_flags)vi_flags);
    if (rc < 0) return fail(q, rc, err, errlen, "ef_vi_alloc_from_pd");
    q->have |= HAVE_VI;
    q->queue_id = (uint16_t)rc; /* Q_ID */
    q->flags = flags;

    q->prefix = ef_vi_receive_prefix_len(&q->vi);
    int buf_len = ef_vi_receive_buffer_len(&q->vi);
    /* Slots are at least ef_vi_receive_buffer_len (the NIC may DMA that much) and never cross a
     * 4 KiB NIC page, since ef_memreg maps memory page by page. */
    if (buf_len > 4096) return fail(q, -EOPNOTSUPP, err, errlen, "ef_vi_receive_buffer_len > 4096");
    q->slot = buf_len <= 2048 ? 2048u : 4096u;
    int rx_cap = ef_vi_receive_capacity(&q->vi);
    q->tx_capacity = ef_vi_transmit_capacity(&q->vi);
    q->rx_fill_target = rx_cap > 16 ? rx_cap - 16 : rx_cap;
    /* Enough RX slots to keep the ring full while the caller holds a whole batch. */
    q->n_rx = (unsigned)(rx_cap > 0 ? rx_cap : 0) + VEGA_EFVI_MAX_BATCH;
    q->n_tx = q->tx_capacity > 0 ? (unsigned)q->tx_capacity : 1u;

    size_t bytes = (size_t)(q->n_rx + q->n_tx) * q->slot;
    q->mem_len = (bytes + VEGA_EFVI_HUGE - 1) & ~((size_t)VEGA_EFVI_HUGE - 1);
    void *m = mmap(NULL, q->mem_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
    if (m != MAP_FAILED) {
        q->mem = m;
        q->mem_is_hugetlb = 1;
    } else {
        /* No hugepages reserved: 2 MiB-aligned memory and ask for transparent huge pages. */
        if (posix_memalign(&m, VEGA_EFVI_HUGE, q->mem_len) != 0) return fail(q, -ENOMEM, err, errlen, "allocate packet buffers");
        q->mem = m;
        madvise(m, q->mem_len, MADV_HUGEPAGE);
    }
    memset(q->mem, 0, q->mem_len); /* fault every page in now, not on the lane */

    rc = ef_memreg_alloc(&q->mr, q->dh, &q->pd, q->dh, q->mem, q->mem_len);
    if (rc < 0) return fail(q, rc, err, errlen, "ef_memreg_alloc (memlock limit?)");
    q->have |= HAVE_MR;

    q->dma = calloc(q->n_rx + q->n_tx, sizeof *q->dma);
    q->free_rx = calloc(q->n_rx, sizeof *q->free_rx);
    if (q->dma == NULL || q->free_rx == NULL) return fail(q, -ENOMEM, err, errlen, "allocate buffer tables");
    for (unsigned i = 0; i < q->n_rx + q->n_tx; ++i) q->dma[i] = ef_memreg_dma_addr(&q->mr, (size_t)i * q->slot);
    for (unsigned i = 0; i < q->n_rx; ++i) q->free_rx[q->n_free_rx++] = q->n_rx - 1 - i;

    /* Fill the RX ring. An efct (X3/X4) VI takes no posted buffers: the NIC owns them and
     * delivers EF_EVENT_TYPE_RX_REF events. */
    if (rx_cap > 0) {
        uint32_t id = q->free_rx[q->n_free_rx - 1];
        rc = ef_vi_receive_init(&q->vi, q->dma[id], (ef_request_id)id);
        if (rc < 0) {
            q->rx_ref = 1;
        } else {
            --q->n_free_rx;         /* posted; refill tops the ring up to its target */
            vega_efvi__refill(q);
            ef_vi_receive_push(&q->vi);
        }
    }
#ifndef VEGA_EFVI_HAVE_EFCT
    if (q->rx_ref) return fail(q, -EOPNOTSUPP, err, errlen, "ef_vi_receive_init (efct adapter but no etherfabric/efct_vi.h)");
#endif
    *out = (vega_efvi *)(void *)q;
    return 0;
}

int vega_efvi_add_udp_filter(vega_efvi *h, uint32_t addr_be, uint16_t port_be, char *err, size_t errlen)
{
    struct vega_efvi_impl *q = (struct vega_efvi_impl *)(void *)h;
    if (q == NULL) return -EINVAL;
    if (q->n_filters == VEGA_EFVI_MAX_FILTERS) {
        vega_efvi_msg(err, errlen, "too many filters on %s (max %d)", q->ifname, VEGA_EFVI_MAX_FILTERS);
        return -ENOSPC;
    }
    ef_filter_spec fs;
    ef_filter_spec_init(&fs, EF_FILTER_FLAG_NONE);
    int rc = ef_filter_spec_set_ip4_local(&fs, IPPROTO_UDP, addr_be, port_be);
    if (rc == 0) rc = ef_vi_filter_add(&q->vi, q->dh, &fs, &q->filters[q->n_filters]);
    if (rc < 0) {
        const uint8_t *a = (const uint8_t *)&addr_be;
        vega_efvi_msg(err, errlen, "ef_vi_filter_add udp %u.%u.%u.%u:%u on %s: %s (errno %d)", a[0], a[1], a[2], a[3],
                      (unsigned)ntohs(port_be), q->ifname, strerror(-rc), -rc);
        return rc;
    }
    ++q->n_filters;
    return 0;
}

void vega_efvi_close(vega_efvi *h)
{
    struct vega_efvi_impl *q = (struct vega_efvi_impl *)(void *)h;
    if (q == NULL) return;
    if (q->have & HAVE_VI) {
        for (unsigned i = 0; i < q->n_filters; ++i) ef_vi_filter_del(&q->vi, q->dh, &q->filters[i]);
        ef_vi_free(&q->vi, q->dh);
    }
    if (q->have & HAVE_MR) ef_memreg_free(&q->mr, q->dh);
    if (q->have & HAVE_PD) ef_pd_free(&q->pd, q->dh);
    if (q->have & HAVE_DH) ef_driver_close(q->dh);
    if (q->mem != NULL) {
        if (q->mem_is_hugetlb) munmap(q->mem, q->mem_len);
        else free(q->mem);
    }
    free(q->dma);
    free(q->free_rx);
    free(q);
}

int vega_efvi_describe(const vega_efvi *h, vega_efvi_desc *out)
{
    struct vega_efvi_impl *q = (struct vega_efvi_impl *)(void *)h;
    if (q == NULL || out == NULL) return -EINVAL;
    memset(out, 0, sizeof *out);
    out->ifindex = q->ifindex;
    out->rx_capacity = ef_vi_receive_capacity(&q->vi);
    out->tx_capacity = q->tx_capacity;
    out->evq_capacity = ef_eventq_capacity(&q->vi);
    out->rx_prefix_len = q->prefix;
    out->buffer_size = (int)q->slot;
    out->mtu = (int)ef_vi_mtu(&q->vi, q->dh);
    out->rx_ref = q->rx_ref;
    out->flags = q->flags;
    ef_vi_get_mac(&q->vi, q->dh, out->mac);
    return 0;
}

int vega_efvi_get_stats(const vega_efvi *h, vega_efvi_stats *out)
{
    const struct vega_efvi_impl *q = (const struct vega_efvi_impl *)(const void *)h;
    if (q == NULL || out == NULL) return -EINVAL;
    *out = q->stats;
    return 0;
}

int vega_efvi_poll(vega_efvi *q, vega_rx_meta *meta, const uint8_t **frames, int max)
{
    return vega_efvi_poll_inline(q, meta, frames, max);
}

int vega_efvi_transmit(vega_efvi *q, const void *frame, size_t len, uint32_t *id_out)
{
    return vega_efvi_transmit_inline(q, frame, len, id_out);
}

int vega_efvi_tx_stamps(vega_efvi *q, vega_tx_stamp *out, int max)
{
    return vega_efvi_tx_stamps_inline(q, out, max);
}

#else /* !VEGA_EFVI_REAL */

static void vega_efvi_reason(char *why, size_t len)
{
#if defined(VEGA_EFVI)
    vega_efvi_msg(why, len, "unavailable: EfVi trait on but etherfabric/vi.h not found — install the Onload SDK");
#else
    vega_efvi_msg(why, len, "unavailable: built without the EfVi trait");
#endif
}

int vega_efvi_available(char *why, size_t len)
{
    vega_efvi_reason(why, len);
    return 0;
}

int vega_efvi_open(vega_efvi **out, const char *ifname, unsigned rx_ring, unsigned tx_ring,
                   unsigned flags, char *err, size_t errlen)
{
    (void)ifname; (void)rx_ring; (void)tx_ring; (void)flags;
    if (out != NULL) *out = NULL;
    vega_efvi_reason(err, errlen);
    return -ENOSYS;
}

int vega_efvi_add_udp_filter(vega_efvi *q, uint32_t addr_be, uint16_t port_be, char *err, size_t errlen)
{
    (void)q; (void)addr_be; (void)port_be;
    vega_efvi_reason(err, errlen);
    return -ENOSYS;
}

void vega_efvi_close(vega_efvi *q) { (void)q; }

int vega_efvi_describe(const vega_efvi *q, vega_efvi_desc *out)
{
    (void)q; (void)out;
    return -ENOSYS;
}

int vega_efvi_get_stats(const vega_efvi *q, vega_efvi_stats *out)
{
    (void)q; (void)out;
    return -ENOSYS;
}

int vega_efvi_poll(vega_efvi *q, vega_rx_meta *meta, const uint8_t **frames, int max)
{
    (void)q; (void)meta; (void)frames; (void)max;
    return -ENOSYS;
}

int vega_efvi_transmit(vega_efvi *q, const void *frame, size_t len, uint32_t *id_out)
{
    (void)q; (void)frame; (void)len; (void)id_out;
    return -ENOSYS;
}

int vega_efvi_tx_stamps(vega_efvi *q, vega_tx_stamp *out, int max)
{
    (void)q; (void)out; (void)max;
    return -ENOSYS;
}

#endif /* VEGA_EFVI_REAL */
