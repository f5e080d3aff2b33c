/*
 * Console input in sim, end to end: bytes typed on the hypervisor's console
 * (sim_console_input) raise the sim's console interrupt, the core drains
 * the UART (ARCH_IRQ_CONSOLE, host_irq.c, console_in.c) into the PL011 of
 * the VM that has the console, and a guest driving that PL011 the way
 * Linux's amba-pl011 does (FIFO on, RX and RT interrupts, ICR then drain
 * FR/DR in the handler) reads them:
 *
 *  - what is typed arrives in order, control characters (Ctrl-C, Ctrl-D)
 *    untouched, woken from WFI by the interrupt;
 *  - more than the 32-byte FIFO at once waits in the queue: no overrun,
 *    nothing lost;
 *  - input while the guest's receiver is off waits until the guest switches
 *    it on (UARTCR.UARTEN/RXE), then arrives;
 *  - the console belongs to one VM: the first board gets it, a second VM
 *    does not, a destroyed VM lets it go; input with no owner, or more than
 *    the queue holds, is dropped and counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/sim/sim.h"
#include "core/board.h"
#include "core/console_in.h"
#include "core/launch.h"
#include "core/vgic.h"
#include "core/virt_layout.h"
#include "core/vm.h"
#include "helpers/unit_vm.h"

#define D    VIRT_GICD_BASE
#define U    VIRT_PL011_BASE
#define LOAD (VIRT_RAM_BASE + 0x80000)

/* GICv2 distributor (IHI0048B table 4-1). */
#define GICD_CTLR       0x000
#define GICD_ISENABLER  0x100
#define GICD_IPRIORITYR 0x400

/* PL011 (DDI 0183 table 3-1) and its bits. */
#define UARTDR    0x000
#define UARTFR    0x018
#define UARTLCR_H 0x02c
#define UARTCR    0x030
#define UARTIMSC  0x038
#define UARTMIS   0x040
#define UARTICR   0x044
#define FR_RXFE   (1u << 4)
#define LCR_H_FEN (1u << 4)
#define CR_ON     ((1u << 0) | (1u << 8) | (1u << 9)) /* UARTEN TXE RXE */
#define INT_RX    (1u << 4)
#define INT_RT    (1u << 6)
#define DR_ERRORS 0xf00u /* FE PE BE OE */

#define SPURIOUS 1023u
#define MAX_RX   4096

struct rx_rec {
    const char *typed; /* what the idle hook types at its first call */
    size_t typed_len;
    bool receiver_off_first; /* guest leaves UARTCR off until it saw one idle */
    bool fifo_off;
    /* filled by the guest */
    uint8_t got[MAX_RX];
    size_t ngot;
    unsigned dr_errors; /* DR reads with FE/PE/BE/OE set */
    unsigned irqs;      /* INTID 33 taken */
    unsigned wfis;
    bool rxfe_while_off; /* FR said empty while the receiver was off */
    bool typed_done;
    size_t want;
};

static void wr(struct sim_guest *g, uint64_t a, uint32_t v)
{
    g_set_reg(g, 1, v);
    g_str(g, 1, a, 4);
}

static uint32_t rd(struct sim_guest *g, uint64_t a)
{
    g_ldr(g, 2, a, 4);
    return (uint32_t)g_reg(g, 2);
}

/* amba-pl011's interrupt handler, reduced: clear RX/RT, then read while
 * the FIFO is not empty. */
static void drain(struct sim_guest *g, struct rx_rec *r)
{
    wr(g, U + UARTICR, INT_RX | INT_RT);
    while (!(rd(g, U + UARTFR) & FR_RXFE) && r->ngot < MAX_RX) {
        uint32_t dr = rd(g, U + UARTDR);
        if (dr & DR_ERRORS)
            r->dr_errors++;
        r->got[r->ngot++] = (uint8_t)dr;
    }
}

static void guest_reader(struct sim_guest *g)
{
    struct rx_rec *r = g->arg;
    wr(g, D + GICD_IPRIORITYR + 32, 0xa0a0a0a0u);
    wr(g, D + GICD_ISENABLER + 4, 1u << (VIRT_PL011_INTID - 32));
    wr(g, D + GICD_CTLR, 1);
    wr(g, U + UARTLCR_H, r->fifo_off ? 0 : LCR_H_FEN | (3u << 5) /* 8 bits */);
    wr(g, U + UARTCR, r->receiver_off_first ? 0 : CR_ON);
    wr(g, U + UARTIMSC, INT_RX | INT_RT);
    if (r->receiver_off_first) {
        /* One wait with the receiver off: the typing happens meanwhile,
         * and nothing reaches the FIFO. */
        g_wfi(g);
        r->wfis++;
        r->rxfe_while_off = rd(g, U + UARTFR) & FR_RXFE;
        wr(g, U + UARTCR, CR_ON);
    }
    while (r->ngot < r->want && r->wfis < 64) {
        uint32_t iar = g_irq_ack(g);
        if (iar == SPURIOUS) {
            g_wfi(g);
            r->wfis++;
            continue;
        }
        if (iar == VIRT_PL011_INTID) {
            r->irqs++;
            if (rd(g, U + UARTMIS) & (INT_RX | INT_RT))
                drain(g, r);
        }
        g_irq_eoi(g, iar);
    }
}

static void type_once(void *ctx)
{
    struct rx_rec *r = ctx;
    if (!r->typed_done) {
        r->typed_done = true;
        sim_console_input(r->typed, r->typed_len);
    }
}

static void run_reader(struct rx_rec *r)
{
    sim_reset(SIM_ARMV8, 64ull << 20);
    sim_console_clear();
    r->want = r->typed_len;
    sim_guest_at(LOAD, guest_reader, r);
    sim_set_idle_hook(type_once, r);
    static const uint8_t image[4];
    struct guest_desc d = {.name = "con",
                           .image = image,
                           .image_size = sizeof(image),
                           .ram_size = 4ull << 20,
                           .load_ipa = LOAD,
                           .boot = {.isa = ISA_A64, .pc = LOAD}};
    assert_int_equal(vm_launch(&d), 0);
    assert_null(console_in_owner()); /* the VM is gone, and the console with it */
}

static void test_typed_line_reaches_guest(void **state)
{
    (void)state;
    static const char line[] = "echo $((6*7))\r\x03\x04\x1b[A";
    struct rx_rec r = {.typed = line, .typed_len = sizeof(line) - 1};
    uint64_t dropped = console_in_dropped();
    run_reader(&r);
    assert_true(r.typed_done);
    assert_int_equal(r.ngot, r.typed_len);
    assert_memory_equal(r.got, line, r.typed_len); /* Ctrl-C, Ctrl-D, ESC as typed */
    assert_int_equal(r.dr_errors, 0);
    assert_true(r.irqs >= 1);
    /* The interrupt woke the guest: one wait, not a poll. */
    assert_int_equal(r.wfis, 1);
    assert_int_equal(console_in_dropped(), dropped);
}

static void test_more_than_fifo_waits_in_queue(void **state)
{
    (void)state;
    static char text[300];
    for (size_t i = 0; i < sizeof(text); i++)
        text[i] = (char)('a' + i % 26);
    struct rx_rec r = {.typed = text, .typed_len = sizeof(text)};
    uint64_t dropped = console_in_dropped();
    run_reader(&r);
    assert_int_equal(r.ngot, sizeof(text));
    assert_memory_equal(r.got, text, sizeof(text));
    assert_int_equal(r.dr_errors, 0); /* never an overrun */
    /* Each read of UARTDR makes room the queue fills at once, so one
     * interrupt's drain loop can take it all. */
    assert_true(r.irqs >= 1);
    assert_int_equal(console_in_dropped(), dropped);
}

static void test_fifo_off_one_byte_at_a_time(void **state)
{
    (void)state;
    struct rx_rec r = {.typed = "ls\r", .typed_len = 3, .fifo_off = true};
    run_reader(&r);
    assert_int_equal(r.ngot, 3);
    assert_memory_equal(r.got, "ls\r", 3);
    assert_int_equal(r.dr_errors, 0);
    assert_true(r.irqs >= 1); /* a 1-byte holding register, refilled per read */
}

static void test_receiver_off_input_waits(void **state)
{
    (void)state;
    struct rx_rec r = {.typed = "xyz", .typed_len = 3, .receiver_off_first = true};
    run_reader(&r);
    assert_true(r.rxfe_while_off);
    assert_int_equal(r.ngot, 3);
    assert_memory_equal(r.got, "xyz", 3);
    assert_int_equal(r.dr_errors, 0);
}

/* MMIO access to the VM's PL011 from the test (no guest). */
static uint32_t uart_access(struct vm *vm, uint64_t off, bool write, uint32_t v)
{
    struct mmio_access acc = {.offset = 0, .size = 4, .write = write, .value = v};
    assert_int_equal(mmio_bus_dispatch(&vm->mmio, U + off, &acc), MMIO_OK);
    return (uint32_t)acc.value;
}

static void test_one_owner_and_drops(void **state)
{
    (void)state;
    struct vm *a = unit_vm_create("a", SIM_ARMV8, 1);
    assert_int_equal(board_add_devices(a), 0);
    assert_ptr_equal(console_in_owner(), a);
    struct vm *b = vm_create("b", 1, 0);
    assert_non_null(b);
    assert_int_equal(board_add_devices(b), 0);
    assert_ptr_equal(console_in_owner(), a); /* b has a PL011 but not the console */

    /* a's receiver is off (reset UARTCR): everything waits in the queue,
     * up to its size; the rest is dropped and counted. */
    static char flood[CONSOLE_IN_QUEUE + 10];
    for (size_t i = 0; i < sizeof(flood); i++)
        flood[i] = (char)('0' + i % 10);
    uint64_t dropped = console_in_dropped();
    sim_console_input(flood, sizeof(flood));
    host_irq_handle(NULL);
    assert_int_equal(console_in_dropped() - dropped, 10);
    /* The interrupt was deactivated: new input is taken again. */
    assert_int_equal(arch_console_getc(), -1);

    /* a switches its receiver on with the FIFO: 32 arrive, in order, the
     * rest follow as it reads. b never sees any. */
    uart_access(a, UARTLCR_H, true, LCR_H_FEN);
    uart_access(a, UARTCR, true, CR_ON);
    uart_access(b, UARTCR, true, CR_ON);
    for (size_t i = 0; i < CONSOLE_IN_QUEUE; i++) {
        assert_int_equal(uart_access(a, UARTFR, false, 0) & FR_RXFE, 0);
        assert_int_equal(uart_access(a, UARTDR, false, 0), (uint8_t)flood[i]);
    }
    assert_true(uart_access(a, UARTFR, false, 0) & FR_RXFE);
    assert_true(uart_access(b, UARTFR, false, 0) & FR_RXFE);

    /* a goes: nobody has the console, input is dropped; the next VM whose
     * board asks gets it. */
    vm_destroy(a);
    assert_null(console_in_owner());
    dropped = console_in_dropped();
    sim_console_input("q", 1);
    host_irq_handle(NULL);
    assert_int_equal(console_in_dropped() - dropped, 1);
    struct vm *c = vm_create("c", 1, 0);
    assert_non_null(c);
    assert_int_equal(board_add_devices(c), 0);
    assert_ptr_equal(console_in_owner(), c);
    vm_destroy(c);
    vm_destroy(b);
    assert_null(console_in_owner());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typed_line_reaches_guest),
        cmocka_unit_test(test_more_than_fifo_waits_in_queue),
        cmocka_unit_test(test_fifo_off_one_byte_at_a_time),
        cmocka_unit_test(test_receiver_off_input_waits),
        cmocka_unit_test(test_one_owner_and_drops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
