/* SO_TIMESTAMPING: enabling, hardware configuration and capability queries. See CVegaNet.h. */
#define _GNU_SOURCE
#include "CVegaNet.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <linux/ethtool.h>

int vega_net_enable_timestamping(int fd, uint32_t sof_flags, int bind_phc_index) {
    struct so_timestamping cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = (int)sof_flags;
    socklen_t len = sizeof(int);
    if (bind_phc_index >= 0) {
        /* BIND_PHC needs the struct form so the kernel knows which PHC to convert into. */
        cfg.flags |= SOF_TIMESTAMPING_BIND_PHC;
        cfg.bind_phc = bind_phc_index;
        len = sizeof cfg;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &cfg, len) != 0) return -errno;
    return 0;
}

int vega_net_get_timestamping(int fd, uint32_t *sof_flags) {
    struct so_timestamping cfg;
    memset(&cfg, 0, sizeof cfg);
    socklen_t len = sizeof cfg;
    if (getsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &cfg, &len) != 0) return -errno;
    *sof_flags = (uint32_t)cfg.flags;
    return 0;
}

/* ioctls on an interface need any socket; a datagram socket is the cheapest. */
static int ifreq_ioctl(const char *ifname, unsigned long request, void *data) {
    if (ifname == NULL || strlen(ifname) >= IFNAMSIZ) return -EINVAL;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    ifr.ifr_data = data;
    int rc = ioctl(fd, request, &ifr) == 0 ? 0 : -errno;
    close(fd);
    return rc;
}

int vega_net_get_hwtstamp(const char *ifname, int *tx_type, int *rx_filter) {
    struct hwtstamp_config cfg;
    memset(&cfg, 0, sizeof cfg);
    int rc = ifreq_ioctl(ifname, SIOCGHWTSTAMP, &cfg);
    if (rc != 0) return rc;
    *tx_type = cfg.tx_type;
    *rx_filter = cfg.rx_filter;
    return 0;
}

int vega_net_set_hwtstamp(const char *ifname, int tx_type, int rx_filter,
                          int *applied_tx_type, int *applied_rx_filter) {
    struct hwtstamp_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.tx_type = tx_type;
    cfg.rx_filter = rx_filter;
    int rc = ifreq_ioctl(ifname, SIOCSHWTSTAMP, &cfg);
    if (rc != 0) return rc;
    /* The driver may widen the filter (e.g. to HWTSTAMP_FILTER_ALL): report what it applied. */
    if (applied_tx_type) *applied_tx_type = cfg.tx_type;
    if (applied_rx_filter) *applied_rx_filter = cfg.rx_filter;
    return 0;
}

int vega_net_ts_info(const char *ifname, vega_ts_info *out) {
    struct ethtool_ts_info info;
    memset(&info, 0, sizeof info);
    info.cmd = ETHTOOL_GET_TS_INFO;
    int rc = ifreq_ioctl(ifname, SIOCETHTOOL, &info);
    if (rc != 0) return rc;
    out->so_timestamping = info.so_timestamping;
    out->phc_index = info.phc_index;
    out->tx_types = info.tx_types;
    out->rx_filters = info.rx_filters;
    return 0;
}

int vega_net_drv_info(const char *ifname, vega_drv_info *out) {
    struct ethtool_drvinfo info;
    memset(&info, 0, sizeof info);
    info.cmd = ETHTOOL_GDRVINFO;
    int rc = ifreq_ioctl(ifname, SIOCETHTOOL, &info);
    if (rc != 0) return rc;
    memset(out, 0, sizeof *out);
    memcpy(out->driver, info.driver, sizeof out->driver - 1);   /* zero-filled: stays terminated */
    memcpy(out->version, info.version, sizeof out->version - 1);   /* zero-filled: stays terminated */
    memcpy(out->fw_version, info.fw_version, sizeof out->fw_version - 1);   /* zero-filled: stays terminated */
    memcpy(out->bus_info, info.bus_info, sizeof out->bus_info - 1);   /* zero-filled: stays terminated */
    return 0;
}

int vega_net_set_busy_poll(int fd, int usecs, int prefer, int budget) {
    int first = 0;
    if (usecs > 0 && setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL, &usecs, sizeof usecs) != 0 && !first)
        first = -errno;
    if (prefer > 0 && setsockopt(fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &prefer, sizeof prefer) != 0 && !first)
        first = -errno;
    if (budget > 0 && setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, &budget, sizeof budget) != 0 && !first)
        first = -errno;
    return first;
}

int vega_net_join_ipv4_multicast(int fd, uint32_t group_be, uint32_t local_be, int ifindex) {
    struct ip_mreqn req;
    memset(&req, 0, sizeof req);
    req.imr_multiaddr.s_addr = group_be;
    req.imr_address.s_addr = local_be;
    req.imr_ifindex = ifindex;
    if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &req, sizeof req) != 0) return -errno;
    return 0;
}

int vega_net_join_ipv4_ssm(int fd, uint32_t group_be, uint32_t source_be, uint32_t local_be) {
    struct ip_mreq_source req;
    memset(&req, 0, sizeof req);
    req.imr_multiaddr.s_addr = group_be;
    req.imr_sourceaddr.s_addr = source_be;
    req.imr_interface.s_addr = local_be;
    if (setsockopt(fd, IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, &req, sizeof req) != 0) return -errno;
    return 0;
}

int vega_net_set_multicast_send(int fd, uint32_t local_be, int loop, int ttl) {
    struct in_addr addr = { .s_addr = local_be };
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &addr, sizeof addr) != 0) return -errno;
    unsigned char l = loop ? 1 : 0, t = (unsigned char)(ttl < 0 ? 1 : ttl > 255 ? 255 : ttl);
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &l, sizeof l) != 0) return -errno;
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &t, sizeof t) != 0) return -errno;
    return 0;
}

int vega_net_ifindex(const char *ifname) {
    unsigned idx = if_nametoindex(ifname);
    return idx == 0 ? -errno : (int)idx;
}

uint64_t vega_timespec_ns(long sec, long nsec) {
    return (uint64_t)sec * 1000000000ull + (uint64_t)nsec;
}
