/*
 * CVegaTime — PTP hardware clocks (/dev/ptpN) and clock reads.
 *
 * Offsets between a PHC and the system clock are measured the way linuxptp's phc2sys does:
 * PTP_SYS_OFFSET_PRECISE (the NIC cross-timestamps against the system clock: best), then
 * PTP_SYS_OFFSET_EXTENDED (system time read just before and after each PHC read), then the
 * basic PTP_SYS_OFFSET (interleaved system/PHC/system reads), in that order.
 * Functions return 0 or -errno.
 */
#ifndef CVEGATIME_H
#define CVEGATIME_H

#include <stdint.h>
#include <time.h>

/* FD_TO_CLOCKID is not in the kernel headers: a dynamic POSIX clock id for a char-device fd. */
static inline clockid_t vega_fd_to_clockid(int fd) { return (clockid_t)((~(unsigned)fd) << 3 | 3); }

/* Opens /dev/ptpN (O_RDONLY to read, O_RDWR to steer). Returns the fd or -errno. */
int vega_phc_open(const char *path, int writable);

typedef struct vega_phc_caps {
    int32_t max_adj_ppb;        /* maximum frequency adjustment, parts per billion */
    int32_t n_alarm;
    int32_t n_ext_ts;           /* external timestamp channels */
    int32_t n_per_out;          /* periodic outputs */
    int32_t pps;                /* 1: can deliver a PPS event to the kernel */
    int32_t n_pins;
    int32_t cross_timestamping; /* 1: PTP_SYS_OFFSET_PRECISE works */
    int32_t adjust_phase;
    int32_t max_phase_adj;
} vega_phc_caps;

int vega_phc_get_caps(int fd, vega_phc_caps *out);

enum {
    VEGA_PHC_METHOD_PRECISE = 1,
    VEGA_PHC_METHOD_EXTENDED = 2,
    VEGA_PHC_METHOD_BASIC = 3,
};

typedef struct vega_phc_offset {
    int64_t offset_ns;          /* phc - system (CLOCK_REALTIME) at the same instant */
    uint64_t uncertainty_ns;    /* half the narrowest system-read window around the PHC read */
    uint64_t phc_ns;            /* the PHC reading the offset was taken at */
    uint64_t sys_ns;            /* the system time matched with it */
    int32_t method;             /* VEGA_PHC_METHOD_* actually used */
    int32_t samples;
} vega_phc_offset;

/* Measures PHC − CLOCK_REALTIME with the best method the driver supports, using up to
 * `samples` reads (1…25) and keeping the one with the narrowest window. */
int vega_phc_measure_offset(int fd, int samples, vega_phc_offset *out);

/* clock_gettime as nanoseconds (any clock, PHC ids included). */
int vega_clock_ns(clockid_t clock, uint64_t *out);

/* clock_adjtime frequency steering of a PHC in ppb (scaled ppm as the kernel wants it). */
int vega_phc_adjust_frequency(int fd, double ppb);

#endif
