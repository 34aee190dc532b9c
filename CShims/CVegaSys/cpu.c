/* Pinning, scheduling, CPUID. See CVegaSys.h. */
#define _GNU_SOURCE
#include "CVegaSys.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

int vega_cpu_pin_current_thread(int cpu) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) return -EINVAL;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    return rc == 0 ? 0 : -rc;
}

int vega_cpu_affinity(uint64_t words[16]) {
    cpu_set_t set;
    CPU_ZERO(&set);
    int rc = pthread_getaffinity_np(pthread_self(), sizeof set, &set);
    if (rc != 0) return -rc;
    memset(words, 0, 16 * sizeof(uint64_t));
    for (int c = 0; c < 1024 && c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &set)) words[c / 64] |= 1ull << (c % 64);
    return 0;
}

int vega_cpu_current(void) {
    int c = sched_getcpu();
    return c < 0 ? -errno : c;
}

int vega_cpu_set_realtime(int priority) {
    struct sched_param p = { .sched_priority = priority };
    int rc = pthread_setschedparam(pthread_self(), priority > 0 ? SCHED_FIFO : SCHED_OTHER, &p);
    return rc == 0 ? 0 : -rc;
}

int vega_cpu_cpuid(uint32_t leaf, uint32_t subleaf, vega_cpuid *out) {
#if defined(__x86_64__) || defined(__i386__)
    uint32_t max = __get_cpuid_max(leaf & 0x80000000u, NULL);
    if (max == 0 || leaf > max) return -ENOTSUP;
    __cpuid_count(leaf, subleaf, out->eax, out->ebx, out->ecx, out->edx);
    return 0;
#else
    (void)leaf; (void)subleaf; memset(out, 0, sizeof *out);
    return -ENOTSUP;
#endif
}

int vega_cpu_tsc_features(vega_tsc_features *out) {
    memset(out, 0, sizeof *out);
    vega_cpuid r;
    if (vega_cpu_cpuid(1, 0, &r) != 0) return -ENOTSUP;
    out->has_tsc = (r.edx >> 4) & 1;
    if (vega_cpu_cpuid(0x80000001u, 0, &r) == 0) out->has_rdtscp = (r.edx >> 27) & 1;
    if (vega_cpu_cpuid(0x80000007u, 0, &r) == 0) out->invariant = (r.edx >> 8) & 1;
    /* Leaf 0x15: TSC = crystal (ECX Hz) × EBX / EAX. Many VMs and older parts leave ECX 0. */
    if (vega_cpu_cpuid(0x15, 0, &r) == 0 && r.eax != 0 && r.ebx != 0 && r.ecx != 0) {
        out->cpuid_hz = (uint64_t)r.ecx * r.ebx / r.eax;
    } else if (vega_cpu_cpuid(0x16, 0, &r) == 0 && (r.eax & 0xffff) != 0) {
        out->cpuid_hz = (uint64_t)(r.eax & 0xffff) * 1000000ull;   /* base MHz: approximate */
    }
    return 0;
}
