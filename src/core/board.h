/*
 * The seam between the core and the emulated devices: the devices every VM
 * gets besides RAM and the vGIC are created outside the core (src/vdev's
 * board.c), so the core includes no device header. vm_launch calls it once
 * the VM's vGIC, if any, is attached.
 */
#ifndef CORE_BOARD_H
#define CORE_BOARD_H

struct vm;

/* Add the board's devices to vm, wired to its vGIC when it has one; 0 on
 * success, -1 (logged) otherwise. */
int board_add_devices(struct vm *vm);

/* A byte vm sends to the console other than through its devices
 * (armvisor's own putc call, hvc.c): out on the console marked as vm's, like
 * its devices' output, so it cannot pass for armvisor's own lines. */
void board_console_putc(struct vm *vm, char c);

#endif
