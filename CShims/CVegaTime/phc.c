/* PTP hardware clocks. See CVegaTime.h. */
#define _GNU_SOURCE
#include "CVegaTime.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/timex.h>
#include <linux/ptp_clock.h>

static uint64_t pct_ns(struct ptp_clock_time t) {
    return (uint64_t)t.sec * 1000000000ull + t.nsec;
}

int vega_phc_open(const char *path, int writable) {
    int fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int vega_phc_get_caps(int fd, vega_phc_caps *out) {
    struct ptp_clock_caps caps;
    memset(&caps, 0, sizeof caps);
    if (ioctl(fd, PTP_CLOCK_GETCAPS, &caps) != 0) return -errno;
    out->max_adj_ppb = caps.max_adj;
    out->n_alarm = caps.n_alarm;
    out->n_ext_ts = caps.n_ext_ts;
    out->n_per_out = caps.n_per_out;
    out->pps = caps.pps;
    out->n_pins = caps.n_pins;
    out->cross_timestamping = caps.cross_timestamping;
    out->adjust_phase = caps.adjust_phase;
    /* max_phase_adj arrived in Linux 6.2, after Debian 12's headers: it is the first reserved
     * word of struct ptp_clock_caps, which older kernels leave zero. */
    out->max_phase_adj = caps.rsv[0];
    return 0;
}

static int offset_precise(int fd, int samples, vega_phc_offset *out) {
    (void)samples;   /* a cross timestamp is exact to the hardware's resolution: one is enough */
    struct ptp_sys_offset_precise p;
    memset(&p, 0, sizeof p);
    if (ioctl(fd, PTP_SYS_OFFSET_PRECISE, &p) != 0) return -errno;
    out->phc_ns = pct_ns(p.device);
    out->sys_ns = pct_ns(p.sys_realtime);
    out->offset_ns = (int64_t)(out->phc_ns - out->sys_ns);
    out->uncertainty_ns = 0;
    out->method = VEGA_PHC_METHOD_PRECISE;
    out->samples = 1;
    return 0;
}

/* Keeps the sample with the narrowest system-read window [t1, t2] around a PHC read: the PHC
 * read happened somewhere inside it, so its midpoint is the best estimate and half the window
 * the uncertainty. Returns 1 when this sample was kept. */
static int keep_narrowest(uint64_t t1, uint64_t phc, uint64_t t2, uint64_t *best, vega_phc_offset *out) {
    if (t2 < t1) return 0;   /* system clock stepped during the read */
    uint64_t window = t2 - t1;
    if (window >= *best) return 0;
    *best = window;
    uint64_t mid = t1 + window / 2;
    out->phc_ns = phc;
    out->sys_ns = mid;
    out->offset_ns = (int64_t)(phc - mid);
    out->uncertainty_ns = window / 2;
    return 1;
}

static int offset_extended(int fd, int samples, vega_phc_offset *out) {
    struct ptp_sys_offset_extended e;
    memset(&e, 0, sizeof e);
    e.n_samples = (unsigned)samples;
    if (ioctl(fd, PTP_SYS_OFFSET_EXTENDED, &e) != 0) return -errno;
    uint64_t best = UINT64_MAX;
    for (unsigned i = 0; i < e.n_samples; i++) {
        keep_narrowest(pct_ns(e.ts[i][0]), pct_ns(e.ts[i][1]), pct_ns(e.ts[i][2]), &best, out);
    }
    if (best == UINT64_MAX) return -EAGAIN;
    out->method = VEGA_PHC_METHOD_EXTENDED;
    out->samples = (int32_t)e.n_samples;
    return 0;
}

static int offset_basic(int fd, int samples, vega_phc_offset *out) {
    struct ptp_sys_offset b;
    memset(&b, 0, sizeof b);
    b.n_samples = (unsigned)samples;
    if (ioctl(fd, PTP_SYS_OFFSET, &b) != 0) return -errno;
    /* ts[] interleaves system, phc, system, phc, …, system (2n+1 entries). */
    uint64_t best = UINT64_MAX;
    for (unsigned i = 0; i < b.n_samples; i++) {
        keep_narrowest(pct_ns(b.ts[2 * i]), pct_ns(b.ts[2 * i + 1]), pct_ns(b.ts[2 * i + 2]), &best, out);
    }
    if (best == UINT64_MAX) return -EAGAIN;
    out->method = VEGA_PHC_METHOD_BASIC;
    out->samples = (int32_t)b.n_samples;
    return 0;
}

int vega_phc_measure_offset(int fd, int samples, vega_phc_offset *out) {
    if (samples < 1) samples = 1;
    if (samples > PTP_MAX_SAMPLES) samples = PTP_MAX_SAMPLES;
    memset(out, 0, sizeof *out);
    /* linuxptp's order: only fall through when the driver says the method is unsupported. */
    int rc = offset_precise(fd, samples, out);
    if (rc != -EOPNOTSUPP && rc != -ENOTTY && rc != -EINVAL) return rc;
    rc = offset_extended(fd, samples, out);
    if (rc != -EOPNOTSUPP && rc != -ENOTTY && rc != -EINVAL) return rc;
    return offset_basic(fd, samples, out);
}

int vega_clock_ns(clockid_t clock, uint64_t *out) {
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0) return -errno;
    *out = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    return 0;
}

int vega_phc_adjust_frequency(int fd, double ppb) {
    struct timex tx;
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_FREQUENCY;
    /* The kernel takes "scaled ppm": ppm with a 16-bit binary fraction. */
    tx.freq = (long)(ppb * 65.536);
    if (clock_adjtime(vega_fd_to_clockid(fd), &tx) < 0) return -errno;
    return 0;
}
