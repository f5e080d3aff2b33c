/*
 * The device registry (core/device.h): find a kind's builder in the
 * board's table and hand it the description; the default board of a VM
 * without a device list (core/board.h's board_add_devices).
 */
#include "core/device.h"

#include "core/board.h"
#include "core/vm.h"
#include "lib/log.h"

const struct device_type *device_type_find(uint32_t kind)
{
    for (unsigned i = 0; board_device_types[i]; i++)
        if (board_device_types[i]->kind == kind)
            return board_device_types[i];
    return NULL;
}

int vm_add_devices(struct vm *vm, const struct vm_device *list, unsigned n)
{
    if (n > VM_DEV_MAX) {
        log_err("vm %s: %u devices, at most %u\n", vm->name, n, VM_DEV_MAX);
        return -1;
    }
    for (unsigned i = 0; i < n; i++) {
        const struct vm_device *d = &list[i];
        const struct device_type *t = device_type_find(d->kind);
        if (!t) {
            log_err("vm %s: device %u: no device of kind %u in this hypervisor\n", vm->name, i,
                    d->kind);
            return -1;
        }
        /* The window and the SPI, checked whoever wrote the list. */
        if (d->size != vm_device_kind_size(d->kind) || d->spi >= VIRT_SPI_COUNT ||
            d->base >= VIRT_RAM_BASE || d->size > VIRT_RAM_BASE - d->base) {
            log_err("vm %s: %s at 0x%llx: bad window size or SPI %u\n", vm->name, t->name,
                    (unsigned long long)d->base, d->spi);
            return -1;
        }
        if (t->create(vm, d) != 0)
            return -1; /* create said why */
    }
    return 0;
}

int board_add_devices(struct vm *vm)
{
    struct vm_device defaults[2];
    unsigned n = vm_device_defaults(defaults, vm->console == VM_CONSOLE_VIRTIO);
    return vm_add_devices(vm, defaults, n);
}
