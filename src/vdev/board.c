/*
 * The devices of the guest machine (core/board.h), at QEMU virt's addresses
 * (core/virt_layout.h): the PL011, its interrupt on the vGIC's INTID 33
 * when the VM has a vGIC. What a VM writes to its PL011 goes to the console
 * marked as that VM's: "<name>| " starts each of its lines, so guest output
 * is told apart from armvisor's own lines ("armvisor: ...") and from other
 * VMs' (the verdict itself is protected by a token: lib/verdict.h).
 */
#include <stdbool.h>

#include "arch/arch.h"
#include "core/board.h"
#include "core/vgic.h"
#include "core/virt_layout.h"
#include "core/vm.h"
#include "lib/log.h"
#include "vdev/pl011.h"

/* One PL011 per VM slot (VMIDs 1..VM_MAX), no heap. */
static struct pl011 uarts[VM_MAX];

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

int board_add_devices(struct vm *vm)
{
    struct pl011 *uart = &uarts[vm->id - 1];
    pl011_init(uart, VIRT_PL011_BASE);
    marks[vm->id - 1] = (struct console_mark){.name = vm->name ? vm->name : "vm"};
    uart->tx = marked_tx;
    uart->tx_ctx = &marks[vm->id - 1];
    uart->irq_ctx = vgic_line(vm, -1, VIRT_PL011_INTID); /* NULL without a vGIC */
    uart->irq_set = uart->irq_ctx ? vgic_line_set : NULL;
    return vm_add_device(vm, &uart->dev);
}
