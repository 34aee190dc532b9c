/*
 * CVegaFPGA — mapping the FPGA feed handler's event ring.
 *
 * The ring's layout and its read/write protocol are in vega_fpga_ring.h (shared with
 * HardwareSim). This header adds the ways to get at the memory:
 *   - a PCIe BAR through sysfs: /sys/bus/pci/devices/<BDF>/resourceN (uncached) or
 *     resourceN_wc (write-combining), mmap'd from offset 0;
 *   - a BAR through VFIO: /dev/vfio/<group> → container → device fd → region info → mmap;
 *   - a plain file (HardwareSim's shared-memory ring, or a DMA buffer exported as a file).
 * All return 0 or -errno and fill a vega_fpga_mapping that vega_fpga_unmap releases.
 */
#ifndef CVEGAFPGA_H
#define CVEGAFPGA_H

#include <stddef.h>
#include <stdint.h>
#include "vega_fpga_ring.h"

typedef struct vega_fpga_mapping {
    void *base;
    size_t length;
    int fd;             /* the resource/region fd, kept open for the mapping's life */
    int container_fd;   /* VFIO only, else -1 */
    int group_fd;       /* VFIO only, else -1 */
    int writable;
} vega_fpga_mapping;

/* mmap a file (shared). create_bytes > 0 creates/truncates it to that size first (writer). */
int vega_fpga_map_file(const char *path, size_t create_bytes, int writable, vega_fpga_mapping *out);

/* mmap BAR `bar` of PCI device `bdf` ("0000:65:00.0") through sysfs; wc selects resourceN_wc. */
int vega_fpga_map_sysfs_bar(const char *bdf, int bar, int wc, int writable, vega_fpga_mapping *out);

/* mmap BAR `bar` of `bdf` through VFIO group `group_path` ("/dev/vfio/42"). */
int vega_fpga_map_vfio_bar(const char *group_path, const char *bdf, int bar, vega_fpga_mapping *out);

void vega_fpga_unmap(vega_fpga_mapping *m);

#endif
