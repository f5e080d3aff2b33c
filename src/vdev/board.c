/*
 * The devices of the guest machine (core/board.h), at QEMU virt's addresses
 * (core/virt_layout.h): the PL011, its interrupt on the vGIC's INTID 33
 * when the VM has a vGIC.
 */
#include "core/board.h"
#include "core/vgic.h"
#include "core/virt_layout.h"
#include "core/vm.h"
#include "lib/log.h"
#include "vdev/pl011.h"

/* One PL011 per VM slot (VMIDs 1..VM_MAX), no heap. */
static struct pl011 uarts[VM_MAX];

int board_add_devices(struct vm *vm)
{
    struct pl011 *uart = &uarts[vm->id - 1];
    pl011_init(uart, VIRT_PL011_BASE);
    uart->irq_ctx = vgic_line(vm, -1, VIRT_PL011_INTID); /* NULL without a vGIC */
    uart->irq_set = uart->irq_ctx ? vgic_line_set : NULL;
    return vm_add_device(vm, &uart->dev);
}
