/* Getting at the FPGA ring's memory: sysfs BAR, VFIO region, or a file. See CVegaFPGA.h. */
#define _GNU_SOURCE
#include "CVegaFPGA.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <linux/vfio.h>

static void mapping_reset(vega_fpga_mapping *m) {
    memset(m, 0, sizeof *m);
    m->fd = m->container_fd = m->group_fd = -1;
}

static int map_fd(int fd, size_t length, off_t offset, int writable, vega_fpga_mapping *out) {
    int prot = PROT_READ | (writable ? PROT_WRITE : 0);
    void *p = mmap(NULL, length, prot, MAP_SHARED, fd, offset);
    if (p == MAP_FAILED) return -errno;
    out->base = p;
    out->length = length;
    out->fd = fd;
    out->writable = writable;
    return 0;
}

int vega_fpga_map_file(const char *path, size_t create_bytes, int writable, vega_fpga_mapping *out) {
    mapping_reset(out);
    int flags = O_CLOEXEC | (writable ? O_RDWR : O_RDONLY) | (create_bytes ? O_CREAT : 0);
    int fd = open(path, flags, 0660);
    if (fd < 0) return -errno;
    size_t length = create_bytes;
    if (create_bytes) {
        if (ftruncate(fd, (off_t)create_bytes) != 0) { int e = errno; close(fd); return -e; }
    } else {
        struct stat st;
        if (fstat(fd, &st) != 0) { int e = errno; close(fd); return -e; }
        length = (size_t)st.st_size;
        if (length == 0) { close(fd); return -ENODATA; }
    }
    int rc = map_fd(fd, length, 0, writable, out);
    if (rc != 0) close(fd);
    return rc;
}

int vega_fpga_map_sysfs_bar(const char *bdf, int bar, int wc, int writable, vega_fpga_mapping *out) {
    mapping_reset(out);
    if (bar < 0 || bar > 5 || bdf == NULL || strchr(bdf, '/') != NULL) return -EINVAL;
    char path[256];
    snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/resource%d%s", bdf, bar, wc ? "_wc" : "");
    int fd = open(path, O_CLOEXEC | (writable ? O_RDWR : O_RDONLY));
    if (fd < 0) return -errno;
    struct stat st;   /* sysfs reports a resource file's size as the BAR's size */
    if (fstat(fd, &st) != 0 || st.st_size <= 0) { int e = st.st_size <= 0 ? ENODATA : errno; close(fd); return -e; }
    int rc = map_fd(fd, (size_t)st.st_size, 0, writable, out);
    if (rc != 0) close(fd);
    return rc;
}

int vega_fpga_map_vfio_bar(const char *group_path, const char *bdf, int bar, vega_fpga_mapping *out) {
    mapping_reset(out);
    if (bar < 0 || bar > 5) return -EINVAL;
    int container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
    if (container < 0) return -errno;
    int rc = 0;
    int group = -1, device = -1;
    if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) { rc = -EPROTO; goto fail; }
    group = open(group_path, O_RDWR | O_CLOEXEC);
    if (group < 0) { rc = -errno; goto fail; }
    struct vfio_group_status status = { .argsz = sizeof status };
    if (ioctl(group, VFIO_GROUP_GET_STATUS, &status) != 0) { rc = -errno; goto fail; }
    /* Every device of the group must be bound to vfio-pci (or unbound) for the group to be viable. */
    if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) { rc = -EBUSY; goto fail; }
    if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) != 0) { rc = -errno; goto fail; }
    if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) != 0 &&
        ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU) != 0) { rc = -errno; goto fail; }
    device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
    if (device < 0) { rc = -errno; goto fail; }
    struct vfio_region_info region = { .argsz = sizeof region, .index = VFIO_PCI_BAR0_REGION_INDEX + (unsigned)bar };
    if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &region) != 0) { rc = -errno; goto fail; }
    if (!(region.flags & VFIO_REGION_INFO_FLAG_MMAP) || region.size == 0) { rc = -ENOTSUP; goto fail; }
    int writable = (region.flags & VFIO_REGION_INFO_FLAG_WRITE) != 0;
    rc = map_fd(device, (size_t)region.size, (off_t)region.offset, writable, out);
    if (rc != 0) goto fail;
    out->container_fd = container;
    out->group_fd = group;
    return 0;
fail:
    if (device >= 0) close(device);
    if (group >= 0) close(group);
    close(container);
    mapping_reset(out);
    return rc;
}

void vega_fpga_unmap(vega_fpga_mapping *m) {
    if (m->base != NULL) munmap(m->base, m->length);
    if (m->fd >= 0) close(m->fd);
    if (m->group_fd >= 0) close(m->group_fd);
    if (m->container_fd >= 0) close(m->container_fd);
    mapping_reset(m);
}
