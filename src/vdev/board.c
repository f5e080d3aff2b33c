/*
 * The devices of the guest machine: src/vdev's side of the device registry
 * (core/device.h). Each kind a VM description can list has a builder here
 * that puts one device at the description's address, wires it to the
 * vGIC's INTID 32 + SPI when the VM has a vGIC, and, for the device
 * flagged VM_DEV_F_CONSOLE, attaches console input (core/console_in.h)
 * when no other VM has it:
 *   pl011          the PL011 (pl011.c);
 *   virtio-console a virtio-mmio transport with a virtio-console;
 *   virtio-blk     a virtio-mmio transport with a virtio-blk backed by the
 *                  range of a host disk the description names
 *                  (blk_backend.h: blk_range_open).
 * What a VM writes to its console goes out marked as that VM's: "<name>| "
 * starts each of its lines, so guest output is told apart from armvisor's
 * own lines ("armvisor: ...") and from other VMs' (the verdict itself is
 * protected by a token: lib/verdict.h).
 */
#include <stdbool.h>

#include "arch/arch.h"
#include "core/board.h"
#include "core/console_in.h"
#include "core/device.h"
#include "core/vgic.h"
#include "core/vm.h"
#include "lib/log.h"
#include "vdev/pl011.h"
#include "vdev/virtio_blk.h"
#include "vdev/virtio_console.h"

/* Per VM slot (VMIDs 1..VM_MAX), no heap: a VM's list has at most one
 * PL011 and one virtio-console (the package parser says so) and
 * VM_DEV_MAX_BLK disks. */
static struct pl011 uarts[VM_MAX];
static struct virtio_console vcons[VM_MAX];
struct board_blk {
    struct virtio_blk blk;
    bool used;
};
static struct board_blk blks[VM_MAX][VM_DEV_MAX_BLK];

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

/* vm's console mark, fresh when the slot last belonged to another VM. */
static struct console_mark *mark_of(struct vm *vm)
{
    struct console_mark *m = &marks[vm->id - 1];
    const char *name = vm->name ? vm->name : "vm";
    if (m->name != name)
        *m = (struct console_mark){.name = name};
    return m;
}

/* vm's console mark as a device being built starts it: a new line. */
static struct console_mark *fresh_mark(struct vm *vm)
{
    struct console_mark *m = &marks[vm->id - 1];
    *m = (struct console_mark){.name = vm->name ? vm->name : "vm"};
    return m;
}

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

void board_console_putc(struct vm *vm, char c)
{
    if (!vm || vm->id == 0 || vm->id > VM_MAX) {
        arch_console_putc(c);
        return;
    }
    marked_tx(mark_of(vm), c);
}

static struct vgic_line *line_of(struct vm *vm, const struct vm_device *d)
{
    return vgic_line(vm, -1, 32u + d->spi); /* NULL without a vGIC */
}

static int create_pl011(struct vm *vm, const struct vm_device *d)
{
    struct pl011 *uart = &uarts[vm->id - 1];
    pl011_init(uart, d->base);
    uart->tx = marked_tx;
    uart->tx_ctx = fresh_mark(vm);
    uart->irq_ctx = line_of(vm, d);
    uart->irq_set = uart->irq_ctx ? vgic_line_set : NULL;
    if (vm_add_device(vm, &uart->dev) != 0)
        return -1;
    if ((d->flags & VM_DEV_F_CONSOLE) && console_in_attach(vm, uart_put, uart))
        uart->rx_room = input_room;
    return 0;
}

static int create_virtio_console(struct vm *vm, const struct vm_device *d)
{
    struct virtio_console *vc = &vcons[vm->id - 1];
    virtio_console_init(vc, d->base, vm);
    vc->tx = marked_tx; /* the same marks as the PL011: one stream per VM */
    vc->tx_ctx = fresh_mark(vm);
    vc->vd.irq_ctx = line_of(vm, d);
    vc->vd.irq_set = vc->vd.irq_ctx ? vgic_line_set : NULL;
    if (vm_add_device(vm, &vc->vd.dev) != 0)
        return -1;
    if ((d->flags & VM_DEV_F_CONSOLE) && console_in_attach(vm, vcon_put, vc))
        vc->rx_room = input_room;
    return 0;
}

/* The release hook's last step: the range and the pool slot go back. */
static void blk_released(struct virtio_blk *b)
{
    struct board_blk *bb = (struct board_blk *)b; /* blk is its first member */
    blk_range_close(b->be);
    bb->used = false;
}

static int create_virtio_blk(struct vm *vm, const struct vm_device *d)
{
    struct board_blk *bb = NULL;
    for (unsigned i = 0; i < VM_DEV_MAX_BLK && !bb; i++)
        if (!blks[vm->id - 1][i].used)
            bb = &blks[vm->id - 1][i];
    if (!bb) {
        log_err("vm %s: more than %u virtio-blk devices\n", vm->name, VM_DEV_MAX_BLK);
        return -1;
    }
    const char *why = "?";
    struct blk_backend *be =
        blk_range_open(d->disk, d->first_sector, d->sectors, d->flags & VM_DEV_F_RO, &why);
    if (!be) {
        log_err("vm %s: virtio-blk at 0x%llx: host disk %u from sector %llu: %s\n", vm->name,
                (unsigned long long)d->base, d->disk, (unsigned long long)d->first_sector, why);
        return -1;
    }
    if (virtio_blk_init(&bb->blk, d->base, vm, be, d->flags & VM_DEV_F_RO) != 0) {
        blk_range_close(be);
        return -1;
    }
    bb->used = true;
    bb->blk.on_release = blk_released;
    bb->blk.vd.irq_ctx = line_of(vm, d);
    bb->blk.vd.irq_set = bb->blk.vd.irq_ctx ? vgic_line_set : NULL;
    if (vm_add_device(vm, &bb->blk.vd.dev) != 0) {
        bb->blk.ops.release(&bb->blk.vd.dev); /* not on the bus: release it here */
        return -1;
    }
    return 0;
}

static const struct device_type pl011_type = {VM_DEV_PL011, "pl011", create_pl011};
static const struct device_type vcon_type = {VM_DEV_VIRTIO_CONSOLE, "virtio-console",
                                             create_virtio_console};
static const struct device_type vblk_type = {VM_DEV_VIRTIO_BLK, "virtio-blk", create_virtio_blk};

const struct device_type *const board_device_types[] = {&pl011_type, &vcon_type, &vblk_type, NULL};
