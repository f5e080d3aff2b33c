/*
 * The device registry: how the core builds a VM's devices from its
 * description (core/vm_device.h) without knowing any device. Each kind the
 * hypervisor can emulate has a struct device_type; src/vdev (board.c)
 * defines the table, board_device_types, so the core includes no device
 * header. vm_launch calls vm_add_devices once the VM's RAM and vGIC, if
 * any, are in place; the devices' mmio_ops reset and release hooks (core/
 * mmio.h) are called on a guest's SYSTEM_RESET and by vm_destroy.
 */
#ifndef CORE_DEVICE_H
#define CORE_DEVICE_H

#include "core/vm_device.h"

struct vm;

struct device_type {
    uint32_t kind;    /* enum vm_dev_kind */
    const char *name; /* for logs */
    /* Build the device d describes and put it on vm's MMIO bus, its
     * interrupt wired to SPI d->spi of the vGIC when the VM has one. 0 on
     * success; -1 after logging why (the VM is then not started). */
    int (*create)(struct vm *vm, const struct vm_device *d);
};

/* Defined by src/vdev/board.c: every kind it can build, NULL-terminated. */
extern const struct device_type *const board_device_types[];

/* The registry entry for kind, NULL when no device of that kind exists. */
const struct device_type *device_type_find(uint32_t kind);

/* Build the n devices of list (each checked again: the list may not come
 * from a parsed package) on vm. 0 on success, -1 (logged) otherwise; the
 * devices built before a failure stay on the VM until vm_destroy. */
int vm_add_devices(struct vm *vm, const struct vm_device *list, unsigned n);

#endif
