/*
 * The devices of the guest machine (core/board.h), at QEMU virt's addresses
 * (core/virt_layout.h): the PL011, its interrupt on the vGIC's INTID 33
 * when the VM has a vGIC, and the receiver of the hypervisor console's input
 * when no other VM has the console (core/console_in.h).
 */
#include "core/board.h"
#include "core/console_in.h"
#include "core/vgic.h"
#include "core/virt_layout.h"
#include "core/vm.h"
#include "lib/log.h"
#include "vdev/pl011.h"

/* One PL011 per VM slot (VMIDs 1..VM_MAX), no heap. */
static struct pl011 uarts[VM_MAX];

/* Console input: a byte goes in only when the receiver would take it, so a
 * slow guest leaves input queued rather than overrun. */
static bool uart_put(void *ctx, uint8_t c)
{
    struct pl011 *u = ctx;
    return pl011_rx_ready(u) && pl011_rx_push(u, c);
}

static void uart_room(void *ctx)
{
    (void)ctx;
    console_in_kick();
}

int board_add_devices(struct vm *vm)
{
    struct pl011 *uart = &uarts[vm->id - 1];
    pl011_init(uart, VIRT_PL011_BASE);
    uart->irq_ctx = vgic_line(vm, -1, VIRT_PL011_INTID); /* NULL without a vGIC */
    uart->irq_set = uart->irq_ctx ? vgic_line_set : NULL;
    if (vm_add_device(vm, &uart->dev) != 0)
        return -1;
    if (console_in_attach(vm, uart_put, uart))
        uart->rx_room = uart_room;
    return 0;
}
