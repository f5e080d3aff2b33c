/*
 * The seam between the core and the emulated devices: the devices are
 * created outside the core (src/vdev's board.c fills the device registry,
 * core/device.h), so the core includes no device header.
 */
#ifndef CORE_BOARD_H
#define CORE_BOARD_H

struct vm;

/* Add the default devices (vm_device_defaults: the PL011, and a
 * virtio-console when vm->console is VM_CONSOLE_VIRTIO) through the
 * registry, wired to the vGIC when the VM has one; 0 on success, -1
 * (logged) otherwise. For a VM whose description has no device list. */
int board_add_devices(struct vm *vm);

/* A byte vm sends to the console other than through its devices
 * (armvisor's own putc call, hvc.c): out on the console marked as vm's, like
 * its devices' output, so it cannot pass for armvisor's own lines. */
void board_console_putc(struct vm *vm, char c);

#endif
