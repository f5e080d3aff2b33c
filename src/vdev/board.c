/*
 * The devices of the guest machine (core/board.h), at QEMU virt's addresses
 * (core/virt_layout.h): the PL011, its interrupt on the vGIC's INTID 33
 * when the VM has a vGIC; with vm->console VM_CONSOLE_VIRTIO also a
 * virtio-console in the first virtio-mmio slot (INTID 48). The device that
 * takes console input (core/console_in.h) is the PL011 or that
 * virtio-console, when no other VM has the console. What a VM writes to its
 * console goes out marked as that VM's: "<name>| " starts each of its lines,
 * so guest output is told apart from armvisor's own lines ("armvisor: ...")
 * and from other VMs' (the verdict itself is protected by a token:
 * lib/verdict.h).
 */
#include <stdbool.h>

#include "arch/arch.h"
#include "core/board.h"
#include "core/console_in.h"
#include "core/vgic.h"
#include "core/virt_layout.h"
#include "core/vm.h"
#include "lib/log.h"
#include "vdev/pl011.h"
#include "vdev/virtio_console.h"

/* One of each per VM slot (VMIDs 1..VM_MAX), no heap. */
static struct pl011 uarts[VM_MAX];
static struct virtio_console vcons[VM_MAX];

/* Console input: a byte goes in only when the receiver would take it, so a
 * slow guest leaves input queued rather than overrun. */
static bool uart_put(void *ctx, uint8_t c)
{
    struct pl011 *u = ctx;
    return pl011_rx_ready(u) && pl011_rx_push(u, c);
}

static bool vcon_put(void *ctx, uint8_t c)
{
    return virtio_console_rx_put(ctx, c);
}

static void input_room(void *ctx)
{
    (void)ctx;
    console_in_kick();
}

struct console_mark {
    const char *name;
    bool mid_line; /* the VM's last character was not a newline */
};
static struct console_mark marks[VM_MAX];

static void marked_tx(void *ctx, char c)
{
    struct console_mark *m = ctx;
    if (!m->mid_line) {
        av_printf("%s| ", m->name);
        m->mid_line = true;
    }
    arch_console_putc(c);
    if (c == '\n')
        m->mid_line = false;
}

static int add_virtio_console(struct vm *vm, struct virtio_console *vc)
{
    virtio_console_init(vc, VIRT_VIRTIO_BASE, vm);
    vc->tx = marked_tx; /* the same marks as the PL011: one stream per VM */
    vc->tx_ctx = &marks[vm->id - 1];
    vc->vd.irq_ctx = vgic_line(vm, -1, VIRT_VIRTIO_INTID(0));
    vc->vd.irq_set = vc->vd.irq_ctx ? vgic_line_set : NULL;
    if (vm_add_device(vm, &vc->vd.dev) != 0)
        return -1;
    if (console_in_attach(vm, vcon_put, vc))
        vc->rx_room = input_room;
    return 0;
}

void board_console_putc(struct vm *vm, char c)
{
    if (!vm || vm->id == 0 || vm->id > VM_MAX) {
        arch_console_putc(c);
        return;
    }
    struct console_mark *m = &marks[vm->id - 1];
    const char *name = vm->name ? vm->name : "vm";
    if (m->name != name) /* a VM built without the board's devices */
        *m = (struct console_mark){.name = name};
    marked_tx(m, c);
}

int board_add_devices(struct vm *vm)
{
    struct pl011 *uart = &uarts[vm->id - 1];
    pl011_init(uart, VIRT_PL011_BASE);
    marks[vm->id - 1] = (struct console_mark){.name = vm->name ? vm->name : "vm"};
    uart->tx = marked_tx;
    uart->tx_ctx = &marks[vm->id - 1];
    uart->irq_ctx = vgic_line(vm, -1, VIRT_PL011_INTID); /* NULL without a vGIC */
    uart->irq_set = uart->irq_ctx ? vgic_line_set : NULL;
    if (vm_add_device(vm, &uart->dev) != 0)
        return -1;
    if (vm->console == VM_CONSOLE_VIRTIO)
        return add_virtio_console(vm, &vcons[vm->id - 1]);
    if (console_in_attach(vm, uart_put, uart))
        uart->rx_room = input_room;
    return 0;
}
