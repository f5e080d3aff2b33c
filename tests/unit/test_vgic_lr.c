/*
 * Virtual interrupts end to end on sim guests: the guest programs the GICv2
 * distributor with ordinary stores (stage-2 data aborts to the vGIC
 * device), the VMM fills the list registers before each entry, and the
 * guest takes interrupts through the virtual CPU interface (g_irq_ack /
 * g_irq_eoi, no exit), as GICV_IAR / GICV_EOIR on hardware.
 *
 *  - the PL011's receive interrupt on INTID 33 through vm_launch: a byte
 *    arrives while the guest waits in WFI, the guest takes the interrupt,
 *    reads the byte; a level interrupt whose line stays high is delivered
 *    again after EOI, and not once the line drops;
 *  - more pending interrupts than list registers: delivered in priority
 *    order, the rest at the next entry;
 *  - an SGI from one vCPU to another, with its source in GICV_IAR.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/virt_layout.h"
#include "arch/sim/sim.h"
#include "core/hvc.h"
#include "core/launch.h"
#include "core/vgic.h"
#include "core/vm.h"
#include "vdev/pl011.h"

#define D    VIRT_GICD_BASE
#define RAM  VIRT_RAM_BASE
#define LOAD (RAM + 0x80000)

/* GICv2 distributor offsets (IHI0048B table 4-1). */
#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_ISENABLER  0x100
#define GICD_ISPENDR    0x200
#define GICD_ISACTIVER  0x300
#define GICD_IPRIORITYR 0x400
#define GICD_ICFGR      0xc00
#define GICD_SGIR       0xf00

/* PL011 (DDI 0183): DR, FR, IMSC; RXIM (bit 4) and RTIM (bit 6). */
#define UARTDR    0x000
#define UARTFR    0x018
#define UARTIMSC  0x038
#define UART_RXIM (1u << 4)
#define UART_RTIM (1u << 6)

#define SPURIOUS 1023u

static void gicd_wr(struct sim_guest *g, uint64_t off, unsigned size, uint32_t v)
{
    g_set_reg(g, 1, v);
    g_str(g, 1, D + off, size);
}

static uint32_t mmio_rd(struct sim_guest *g, uint64_t addr)
{
    g_ldr(g, 2, addr, 4);
    return (uint32_t)g_reg(g, 2);
}

/* ---- PL011 -> SPI 33 through vm_launch -------------------------------------- */

struct uart_rec {
    struct vm *vm;
    uint32_t typer;
    enum sim_status typer_st;
    uint32_t iar[8];
    uint32_t data[4];
    bool eoi[4];
    unsigned wfis;
    const char *input; /* bytes the idle hook feeds, one per idle */
    unsigned fed;
};

static void guest_uart_irq(struct sim_guest *g)
{
    struct uart_rec *r = g->arg;
    r->vm = g->vcpu->vm;
    r->typer_st = g_ldr(g, 2, D + GICD_TYPER, 4);
    r->typer = (uint32_t)g_reg(g, 2);

    gicd_wr(g, GICD_IPRIORITYR + 33, 1, 0xa0);
    gicd_wr(g, GICD_ISENABLER + 4, 4, 1u << (33 - 32));
    gicd_wr(g, GICD_CTLR, 4, 1);
    g_set_reg(g, 1, UART_RXIM | UART_RTIM);
    g_str(g, 1, VIRT_PL011_BASE + UARTIMSC, 4);

    /* First byte: wait, take it, read the data (the line drops), EOI. */
    for (r->iar[0] = SPURIOUS; r->iar[0] == SPURIOUS && r->wfis < 8;) {
        g_wfi(g);
        r->wfis++;
        r->iar[0] = g_irq_ack(g);
    }
    r->data[0] = mmio_rd(g, VIRT_PL011_BASE + UARTDR);
    r->eoi[0] = g_irq_eoi(g, r->iar[0]);
    r->iar[1] = g_irq_ack(g); /* nothing more */

    /* Second byte: take it, EOI without reading the data: the level line
     * is still high, so after the next exit it is pending again. */
    for (r->iar[2] = SPURIOUS; r->iar[2] == SPURIOUS && r->wfis < 16;) {
        g_wfi(g);
        r->wfis++;
        r->iar[2] = g_irq_ack(g);
    }
    r->eoi[1] = g_irq_eoi(g, r->iar[2]);
    mmio_rd(g, VIRT_PL011_BASE + UARTFR); /* any exit */
    r->iar[3] = g_irq_ack(g);
    r->data[1] = mmio_rd(g, VIRT_PL011_BASE + UARTDR);
    r->eoi[2] = g_irq_eoi(g, r->iar[3]);
    mmio_rd(g, VIRT_PL011_BASE + UARTFR);
    r->iar[4] = g_irq_ack(g); /* line low now */
}

/* The "outside world" while the VMM idles: one byte arrives per idle. */
static void feed_uart(void *ctx)
{
    struct uart_rec *r = ctx;
    if (!r->vm || !r->input[r->fed])
        return;
    struct mmio_dev *dev = mmio_bus_find(&r->vm->mmio, VIRT_PL011_BASE);
    if (dev && pl011_rx_push(dev->priv, (uint8_t)r->input[r->fed]))
        r->fed++;
}

static void test_pl011_rx_irq_via_launch(void **state)
{
    (void)state;
    sim_reset(SIM_ARMV8, 64ull << 20);
    sim_console_clear();
    struct uart_rec r = {.input = "hi"};
    sim_guest_at(LOAD, guest_uart_irq, &r);
    sim_set_idle_hook(feed_uart, &r);
    static const uint8_t image[4];
    struct guest_desc d = {.name = "rx",
                           .image = image,
                           .image_size = sizeof(image),
                           .ram_size = 4ull << 20,
                           .load_ipa = LOAD,
                           .boot = {.isa = ISA_A64, .pc = LOAD}};
    assert_int_equal(vm_launch(&d), 0);

    /* vm_launch gave the VM a GICv2 distributor: 128 interrupts. */
    assert_int_equal(r.typer_st, SIM_OK);
    assert_int_equal(r.typer & 0x1f, 3);
    /* The bytes came while the VMM idled, one per idle. */
    assert_int_equal(r.fed, 2);
    assert_int_equal(r.iar[0], 33);
    assert_int_equal(r.data[0], 'h');
    assert_true(r.eoi[0]);
    assert_int_equal(r.iar[1], SPURIOUS);
    assert_int_equal(r.iar[2], 33);
    assert_true(r.eoi[1]);
    /* Level-sensitive: EOI with the line still high -> delivered again. */
    assert_int_equal(r.iar[3], 33);
    assert_int_equal(r.data[1], 'i');
    assert_true(r.eoi[2]);
    /* The data was read, the line fell: nothing pending. */
    assert_int_equal(r.iar[4], SPURIOUS);
    /* Each byte needed exactly one WFI that idled. */
    assert_int_equal(r.wfis, 2);
    assert_int_equal(sim_idle_count(), 2);
}

/* ---- Priority order with more interrupts than list registers ---------------- */

static struct {
    struct vm *vm;
} F;

static struct vm *build(unsigned nvcpus)
{
    sim_reset(SIM_ARMV8, 64ull << 20);
    sim_console_clear();
    F.vm = vm_create("lr", nvcpus, 0);
    assert_non_null(F.vm);
    assert_int_equal(vm_add_ram(F.vm, RAM, 1ull << 20, S2_RWX), 0);
    assert_int_equal(vgic_attach(F.vm, 64, D), 0);
    return F.vm;
}

static void start(unsigned id, sim_guest_fn fn, void *arg)
{
    assert_int_equal(sim_vcpu_set_guest(&F.vm->vcpus[id], fn, arg), 0);
    struct vcpu_boot boot = {.isa = ISA_A64, .pc = RAM};
    assert_int_equal(vcpu_start(F.vm, id, &boot), 0);
}

static int teardown(void **state)
{
    (void)state;
    if (F.vm)
        vm_destroy(F.vm);
    F.vm = NULL;
    return 0;
}

static uint32_t gicd_host_rd(unsigned cpu, uint64_t off)
{
    struct mmio_access a = {.vcpu = &F.vm->vcpus[cpu], .size = 4};
    assert_int_equal(mmio_bus_dispatch(&F.vm->mmio, D + off, &a), MMIO_OK);
    return (uint32_t)a.value;
}

#define NPRIO 6
static const uint8_t prio_of[NPRIO] = {0x80, 0x20, 0xc0, 0x20, 0x10, 0x60}; /* SPIs 40-45 */

struct order_rec {
    uint32_t batch[2][NPRIO + 1];
    unsigned n[2];
    bool eoi_ok;
};

static void ack_all(struct sim_guest *g, struct order_rec *r, unsigned b)
{
    uint32_t iar;
    while ((iar = g_irq_ack(g)) != SPURIOUS && r->n[b] < NPRIO)
        r->batch[b][r->n[b]++] = iar;
    r->batch[b][r->n[b]] = iar;
    /* EOI in reverse (nested) order, as a guest would. */
    for (unsigned i = r->n[b]; i-- > 0;)
        r->eoi_ok &= g_irq_eoi(g, r->batch[b][i]);
}

static void guest_priorities(struct sim_guest *g)
{
    struct order_rec *r = g->arg;
    r->eoi_ok = true;
    /* Edge-triggered SPIs 40-45 (ICFGR2 fields 8-13), priorities set per
     * byte, enabled, distributor on. The test made them pending already. */
    uint32_t edge = 0;
    for (unsigned i = 0; i < NPRIO; i++) {
        edge |= 2u << (2 * (8 + i));
        gicd_wr(g, GICD_IPRIORITYR + 40 + i, 1, prio_of[i]);
    }
    gicd_wr(g, GICD_ICFGR + 8, 4, edge);
    gicd_wr(g, GICD_CTLR, 4, 1);
    gicd_wr(g, GICD_ISENABLER + 4, 4, 0x3fu << 8);
    ack_all(g, r, 0);
    g_wfi(g); /* the rest are pending: WFI completes, they come in */
    ack_all(g, r, 1);
}

static void test_priority_order_more_than_lrs(void **state)
{
    (void)state;
    assert_int_equal(arch_vgic_lr_count(), 4);
    build(1);
    struct order_rec r = {0};
    start(0, guest_priorities, &r);
    /* Edge-triggered already (as firmware would leave them), and pending
     * before the guest enables them: edges latch while disabled. */
    struct mmio_access cfg = {.vcpu = &F.vm->vcpus[0], .size = 4, .write = true};
    for (unsigned i = 0; i < NPRIO; i++)
        cfg.value |= 2u << (2 * (8 + i));
    assert_int_equal(mmio_bus_dispatch(&F.vm->mmio, D + GICD_ICFGR + 8, &cfg), MMIO_OK);
    for (unsigned i = 0; i < NPRIO; i++) {
        assert_int_equal(vgic_inject(F.vm, -1, 40 + i, true), 0);
        assert_int_equal(vgic_inject(F.vm, -1, 40 + i, false), 0);
    }
    assert_int_equal(vcpu_run(&F.vm->vcpus[0]), 0);

    /* Four list registers: the four most urgent (lowest value; equal
     * priorities by INTID) first, the other two at the next entry. */
    const uint32_t first[] = {44, 41, 43, 45, SPURIOUS};
    const uint32_t second[] = {40, 42, SPURIOUS};
    assert_int_equal(r.n[0], 4);
    assert_memory_equal(r.batch[0], first, sizeof(first));
    assert_int_equal(r.n[1], 2);
    assert_memory_equal(r.batch[1], second, sizeof(second));
    assert_true(r.eoi_ok);
    /* The WFI did not idle: something was pending. */
    assert_int_equal(sim_idle_count(), 0);
    /* All taken and EOIed: nothing pending or active is left. */
    assert_int_equal(gicd_host_rd(0, GICD_ISPENDR + 4), 0);
    assert_int_equal(gicd_host_rd(0, GICD_ISACTIVER + 4), 0);
}

/* A disabled interrupt, or one in a disabled group, is not delivered; it
 * stays pending in the distributor. */
struct gate_rec {
    uint32_t iar[3];
};

static void guest_gates(struct sim_guest *g)
{
    struct gate_rec *r = g->arg;
    gicd_wr(g, GICD_ISENABLER + 4, 4, 1u << 18); /* INTID 50, group 0 */
    r->iar[0] = g_irq_ack(g);                    /* GICD_CTLR still 0 */
    gicd_wr(g, GICD_CTLR, 4, 2);                 /* group 1 only */
    r->iar[1] = g_irq_ack(g);
    gicd_wr(g, GICD_CTLR, 4, 1); /* group 0 */
    r->iar[2] = g_irq_ack(g);
    g_irq_eoi(g, r->iar[2]);
}

static void test_gates(void **state)
{
    (void)state;
    build(1);
    struct gate_rec r = {0};
    start(0, guest_gates, &r);
    assert_int_equal(vgic_inject(F.vm, -1, 51, true), 0); /* never enabled */
    assert_int_equal(vgic_inject(F.vm, -1, 50, true), 0); /* level, stays high */
    assert_int_equal(vcpu_run(&F.vm->vcpus[0]), 0);
    assert_int_equal(r.iar[0], SPURIOUS);
    assert_int_equal(r.iar[1], SPURIOUS);
    assert_int_equal(r.iar[2], 50);
    /* 51 is still pending, 50 too (its line is high). */
    assert_int_equal(gicd_host_rd(0, GICD_ISPENDR + 4), (1u << 18) | (1u << 19));
}

/* ---- SGIs between vCPUs ---------------------------------------------------------- */

struct sgi_rec {
    uint32_t iar[3];
    bool eoi;
    bool sent;
};

static void guest_sgi_receiver(struct sim_guest *g)
{
    struct sgi_rec *r = g->arg;
    gicd_wr(g, GICD_ISENABLER, 4, 1u << 3); /* SGI 3, this CPU's bank */
    gicd_wr(g, GICD_CTLR, 4, 1);
    r->iar[0] = g_irq_ack(g);
    g_wfi(g); /* the test runs the sender meanwhile */
    r->iar[1] = g_irq_ack(g);
    r->eoi = g_irq_eoi(g, r->iar[1]);
    r->iar[2] = g_irq_ack(g);
}

static void guest_sgi_sender(struct sim_guest *g)
{
    struct sgi_rec *r = g->arg;
    /* TargetListFilter 1: every CPU but me. */
    gicd_wr(g, GICD_SGIR, 4, (1u << 24) | 3);
    r->sent = true;
    for (;;)
        g_wfi(g);
}

static void test_sgi_between_vcpus(void **state)
{
    (void)state;
    build(2);
    struct sgi_rec rx = {0}, tx = {0};
    start(0, guest_sgi_receiver, &rx);
    start(1, guest_sgi_sender, &tx);
    struct vcpu *v0 = &F.vm->vcpus[0], *v1 = &F.vm->vcpus[1];

    /* Receiver up to its WFI. */
    enum run_result rr;
    unsigned n = 0;
    while ((rr = vcpu_run_once(v0)) == RUN_CONTINUE && n++ < 16)
        ;
    assert_int_equal(rr, RUN_IDLE);
    assert_int_equal(rx.iar[0], SPURIOUS);
    /* Sender: the SGIR store, then its WFI. */
    n = 0;
    while ((rr = vcpu_run_once(v1)) == RUN_CONTINUE && n++ < 16)
        ;
    assert_int_equal(rr, RUN_IDLE);
    assert_true(tx.sent);
    /* Pending for CPU 0 from source 1; nothing for the sender. */
    assert_int_equal(gicd_host_rd(0, GICD_ISPENDR) & 0xffff, 1u << 3);
    assert_int_equal(gicd_host_rd(1, GICD_ISPENDR) & 0xffff, 0);

    /* Receiver resumes: GICV_IAR = SGI 3 from CPU 1 (CPUID in 12:10). */
    while ((rr = vcpu_run_once(v0)) == RUN_CONTINUE)
        ;
    assert_int_equal(rr, RUN_STOP); /* its guest ended: SYSTEM_OFF */
    assert_int_equal(rx.iar[1], 3u | (1u << 10));
    assert_true(rx.eoi);
    assert_int_equal(rx.iar[2], SPURIOUS);
}

/* ---- A guest that makes a mess of its GIC ------------------------------------ */

struct mess_rec {
    uint32_t iar[4];
    bool eoi;
};

static void guest_mess(struct sim_guest *g)
{
    struct mess_rec *r = g->arg;
    gicd_wr(g, GICD_CTLR, 4, 3);
    for (unsigned w = 0; w < 4; w++) {
        gicd_wr(g, GICD_ISENABLER + 4 * w, 4, 0xffffffff);
        gicd_wr(g, GICD_ISPENDR + 4 * w, 4, 0xffffffff);
    }
    /* Every SPI active at once: far more than the list registers. */
    gicd_wr(g, GICD_ISACTIVER + 4, 4, 0xffffffff);
    gicd_wr(g, GICD_ISACTIVER + 8, 4, 0xffffffff);
    gicd_wr(g, GICD_SGIR, 4, 0xffffffff); /* reserved filter */
    for (unsigned i = 0; i < 3; i++)
        g_wfi(g);
    /* The list registers hold active interrupts (they rank first), so
     * nothing pending can be acknowledged; EOI of one that is there works. */
    for (unsigned i = 0; i < 2; i++)
        r->iar[i] = g_irq_ack(g);
    r->eoi = g_irq_eoi(g, 32);
}

static void test_guest_mess_is_defined(void **state)
{
    (void)state;
    build(1);
    struct mess_rec r = {0};
    start(0, guest_mess, &r);
    assert_int_equal(vcpu_run(&F.vm->vcpus[0]), 0);
    assert_int_equal(r.iar[0], SPURIOUS);
    assert_int_equal(r.iar[1], SPURIOUS);
    assert_true(r.eoi);
    const char *log = sim_console_text();
    const char *msg = "more active interrupts than 4 list registers";
    assert_non_null(strstr(log, msg));
    assert_null(strstr(strstr(log, msg) + 1, msg)); /* once */
    /* Nothing was refused: the guest only touched its own distributor. */
    for (unsigned i = 0; i < REFUSE_REASON_COUNT; i++)
        assert_int_equal(F.vm->vcpus[0].stats.refused[i], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pl011_rx_irq_via_launch),
        cmocka_unit_test_teardown(test_priority_order_more_than_lrs, teardown),
        cmocka_unit_test_teardown(test_gates, teardown),
        cmocka_unit_test_teardown(test_sgi_between_vcpus, teardown),
        cmocka_unit_test_teardown(test_guest_mess_is_defined, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
