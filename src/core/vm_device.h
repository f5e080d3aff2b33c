/*
 * One device of a VM as its description says it (the VM package's DEVICES
 * section, docs/vm-package.md): its kind, where it sits in the guest's IPA
 * space, its SPI, and for a disk what backs it. The package parser fills
 * these, the host loader writes them, and the core builds each through the
 * device registry (core/device.h). Shared with the host tool, so
 * freestanding: no arch.h types, no libc.
 */
#ifndef CORE_VM_DEVICE_H
#define CORE_VM_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/virt_layout.h"

enum vm_dev_kind {
    VM_DEV_PL011 = 1,          /* ARM DDI 0183 UART, VIRT_PL011_SIZE bytes */
    VM_DEV_VIRTIO_CONSOLE = 2, /* virtio-mmio transport with a virtio-console */
    VM_DEV_VIRTIO_BLK = 3,     /* virtio-mmio transport with a virtio-blk */
};
#define VM_DEV_KIND_FIRST VM_DEV_PL011
#define VM_DEV_KIND_LAST  VM_DEV_VIRTIO_BLK

#define VM_DEV_F_RO      1u /* virtio-blk: the guest may only read */
#define VM_DEV_F_CONSOLE 2u /* PL011 / virtio-console: takes what is typed */
#define VM_DEV_F_ALL     (VM_DEV_F_RO | VM_DEV_F_CONSOLE)

#define VM_DEV_MAX      16u /* devices in one VM's list */
#define VM_DEV_MAX_BLK  4u  /* virtio-blk devices in one VM */
#define VM_DEV_DISK_MAX 8u  /* host disks a virtio-blk can name (0-7) */
/* Sector numbers stay below 2^54 so that a byte offset (sector * 512) never
 * overflows 64 bits anywhere. */
#define VM_DEV_SECTOR_LIMIT (1ull << 54)

struct vm_device {
    uint32_t kind;  /* enum vm_dev_kind */
    uint32_t flags; /* VM_DEV_F_* */
    uint64_t base;  /* guest IPA of the register window */
    uint64_t size;  /* its length: the kind's window size */
    uint32_t spi;   /* SPI number (INTID 32 + spi) */
    /* VM_DEV_VIRTIO_BLK only (zero otherwise): host disk `disk` (the
     * index armvisor's host disk registry gives it), from first_sector,
     * sectors 512-byte sectors; sectors 0: to the end of the disk. */
    uint32_t disk;
    uint64_t first_sector, sectors;
};

/* The register window a device of kind takes (0: unknown kind). */
static inline uint64_t vm_device_kind_size(uint32_t kind)
{
    switch (kind) {
    case VM_DEV_PL011:
        return VIRT_PL011_SIZE;
    case VM_DEV_VIRTIO_CONSOLE:
    case VM_DEV_VIRTIO_BLK:
        return VIRT_VIRTIO_SIZE;
    }
    return 0;
}

static inline const char *vm_device_kind_name(uint32_t kind)
{
    switch (kind) {
    case VM_DEV_PL011:
        return "pl011";
    case VM_DEV_VIRTIO_CONSOLE:
        return "virtio-console";
    case VM_DEV_VIRTIO_BLK:
        return "virtio-blk";
    }
    return "?";
}

/* The devices of a VM whose description has no device list (a package
 * without a DEVICES section, a bare image): the PL011 at QEMU virt's
 * address on SPI 1, and with virtio_console a virtio-console in the first
 * virtio-mmio slot on SPI 16, which then takes console input (else the
 * PL011 does). Fills out[0..1]; returns how many. */
static inline unsigned vm_device_defaults(struct vm_device out[2], bool virtio_console)
{
    out[0] = (struct vm_device){.kind = VM_DEV_PL011,
                                .flags = virtio_console ? 0 : VM_DEV_F_CONSOLE,
                                .base = VIRT_PL011_BASE,
                                .size = VIRT_PL011_SIZE,
                                .spi = VIRT_PL011_SPI};
    if (!virtio_console)
        return 1;
    out[1] = (struct vm_device){.kind = VM_DEV_VIRTIO_CONSOLE,
                                .flags = VM_DEV_F_CONSOLE,
                                .base = VIRT_VIRTIO_BASE,
                                .size = VIRT_VIRTIO_SIZE,
                                .spi = VIRT_VIRTIO_SPI};
    return 2;
}

#endif
