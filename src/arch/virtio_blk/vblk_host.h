/*
 * armvisor's own driver for the host's virtio-blk devices on the
 * virtio-mmio transport (Virtio 1.2 sections 4.2 and 5.2; modern devices,
 * Version 2, only): QEMU's -device virtio-blk-device. Each device found
 * becomes a host disk (blk_host_disk_register, vdev/blk_backend.h) that
 * VMs' virtio-blk devices are backed by: requests go to the device with
 * their data descriptors pointing straight at the guest's buffers, and
 * complete from the device's interrupt (ARCH_IRQ_DEVICE). Shared by the
 * ARMv7 and ARMv8 ports; not part of the arch interface.
 */
#ifndef ARCH_VIRTIO_BLK_VBLK_HOST_H
#define ARCH_VIRTIO_BLK_VBLK_HOST_H

#include "lib/fdt.h"

/* Host disks this driver takes at most; further devices are logged and
 * left alone. */
#define VBLK_HOST_MAX 4

/* Find the virtio,mmio nodes of the host DTB whose DeviceID says block,
 * set each up and register it as the next host disk (DTB order: the first
 * block device is host disk 0). Call once at boot, after the hypervisor's
 * MMU maps devices and the host GIC is set up (completions need its
 * interrupt: without a GIC no disk is taken). */
void vblk_host_probe(const struct fdt *fdt);

/* armvisor.selftest=disk in bootargs: write, flush, read back and check
 * host disk 0's last 64 KiB through its backend, completions by interrupt
 * (vblk_selftest.c); the image is changed unless QEMU has snapshot=on. */
void vblk_host_selftest(const char *bootargs);

#endif
