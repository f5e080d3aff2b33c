/*
 * PL011 emulation against the TRM (ARM DDI 0183): identification registers,
 * flags, transmit to the console, receive FIFO, interrupt status and
 * clearing, access sizes. Accesses go through an MMIO bus, as from a guest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/virt_layout.h"
#include "arch/sim/sim.h"
#include "vdev/pl011.h"

#define BASE VIRT_PL011_BASE

/* Offsets and bits written out from the TRM, not taken from pl011.c. */
#define DR    0x000
#define RSR   0x004
#define FR    0x018
#define IBRD  0x024
#define FBRD  0x028
#define LCR_H 0x02c
#define CR    0x030
#define IFLS  0x034
#define IMSC  0x038
#define RIS   0x03c
#define MIS   0x040
#define ICR   0x044
#define DMACR 0x048

#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define FR_RXFF (1u << 6)
#define FR_TXFE (1u << 7)
#define FR_BUSY (1u << 3)
#define INT_RX  (1u << 4)
#define INT_TX  (1u << 5)
#define INT_RT  (1u << 6)
#define INT_OE  (1u << 10)
#define FEN     (1u << 4)

static struct mmio_bus bus;
static struct pl011 uart;

struct irq_log {
    unsigned calls;
    bool level;
};
static struct irq_log irqs;

static void irq_set(void *ctx, bool level)
{
    struct irq_log *l = ctx;
    l->calls++;
    l->level = level;
}

static int setup(void **state)
{
    (void)state;
    sim_reset(SIM_ARMV8, 0);
    sim_console_clear();
    mmio_bus_init(&bus);
    pl011_init(&uart, BASE);
    irqs = (struct irq_log){0};
    uart.irq_set = irq_set;
    uart.irq_ctx = &irqs;
    return mmio_bus_register(&bus, &uart.dev);
}

static int acc(uint64_t off, unsigned size, bool write, uint64_t *v)
{
    struct mmio_access a = {.size = size, .write = write, .value = write ? *v : 0};
    int r = mmio_bus_dispatch(&bus, BASE + off, &a);
    if (!write)
        *v = a.value;
    return r;
}

static uint32_t rd(uint64_t off)
{
    uint64_t v = 0xdeadbeef;
    assert_int_equal(acc(off, 4, false, &v), MMIO_OK);
    return (uint32_t)v;
}

static void wr(uint64_t off, uint32_t val)
{
    uint64_t v = val;
    assert_int_equal(acc(off, 4, true, &v), MMIO_OK);
}

static void test_id_registers(void **state)
{
    (void)state;
    static const uint8_t id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(rd(0xfe0 + 4 * i), id[i]);
    /* Read-only: a write changes nothing. */
    wr(0xfe0, 0x77);
    assert_int_equal(rd(0xfe0), 0x11);
    assert_int_equal(uart.dev.size, 0x1000);
}

static void test_reset_values(void **state)
{
    (void)state;
    assert_int_equal(rd(CR), 0x300);
    assert_int_equal(rd(IFLS), 0x12);
    assert_int_equal(rd(IMSC), 0);
    assert_int_equal(rd(RIS), 0);
    assert_int_equal(rd(MIS), 0);
    assert_int_equal(rd(LCR_H), 0);
    /* TX always empty and never full or busy (output is immediate), RX
     * empty at reset. */
    uint32_t fr = rd(FR);
    assert_int_equal(fr & (FR_TXFE | FR_TXFF | FR_BUSY | FR_RXFE | FR_RXFF), FR_TXFE | FR_RXFE);
}

static void test_plain_registers(void **state)
{
    (void)state;
    wr(IBRD, 0x12345);
    assert_int_equal(rd(IBRD), 0x2345); /* 16 bits */
    wr(FBRD, 0xff);
    assert_int_equal(rd(FBRD), 0x3f); /* 6 bits */
    wr(CR, 0x301);
    assert_int_equal(rd(CR), 0x301);
    wr(DMACR, 0xff);
    assert_int_equal(rd(DMACR), 0x7);
    wr(IMSC, 0xffffffff);
    assert_int_equal(rd(IMSC), 0x7ff);
}

static void test_tx_to_console(void **state)
{
    (void)state;
    /* Written while UARTEN is clear, as Linux's earlycon does: sent anyway. */
    wr(DR, 'h');
    uint64_t v = 'i';
    assert_int_equal(acc(DR, 1, true, &v), MMIO_OK); /* 8-bit earlycon access */
    v = 0x100 | '!';                                 /* bits above 7:0 are not data */
    assert_int_equal(acc(DR, 2, true, &v), MMIO_OK);
    assert_string_equal(sim_console_text(), "hi!");
    /* TXRIS rises once a byte left. */
    assert_true(rd(RIS) & INT_TX);
}

struct txbuf {
    char buf[16];
    unsigned n;
};

static void tx_capture(void *ctx, char c)
{
    struct txbuf *t = ctx;
    if (t->n < sizeof(t->buf))
        t->buf[t->n++] = c;
}

static void test_tx_hook(void **state)
{
    (void)state;
    struct txbuf t = {0};
    uart.tx = tx_capture;
    uart.tx_ctx = &t;
    wr(DR, 'x');
    wr(DR, 'y');
    assert_int_equal(t.n, 2);
    assert_memory_equal(t.buf, "xy", 2);
    assert_string_equal(sim_console_text(), "");
}

static void test_rx_fifo(void **state)
{
    (void)state;
    wr(LCR_H, FEN);
    assert_true(pl011_rx_push(&uart, 'a'));
    assert_true(pl011_rx_push(&uart, 'b'));
    uint32_t fr = rd(FR);
    assert_false(fr & FR_RXFE);
    assert_false(fr & FR_RXFF);
    assert_int_equal(rd(DR), 'a');
    assert_int_equal(rd(DR), 'b');
    assert_true(rd(FR) & FR_RXFE);

    /* Fill to the 32-entry depth, then overrun. */
    for (unsigned i = 0; i < PL011_FIFO_DEPTH; i++)
        assert_true(pl011_rx_push(&uart, (uint8_t)('0' + i)));
    assert_true(rd(FR) & FR_RXFF);
    assert_false(pl011_rx_push(&uart, 'X'));
    assert_true(rd(RIS) & INT_OE);
    assert_int_equal(rd(RSR) & 0xf, 0x8); /* RSR.OE */
    /* The first character read after the overrun carries DR.OE (bit 11);
     * the lost one is lost, the others come in order. */
    assert_int_equal(rd(DR), 0x800 | '0');
    for (unsigned i = 1; i < PL011_FIFO_DEPTH; i++)
        assert_int_equal(rd(DR), '0' + i);
    assert_true(rd(FR) & FR_RXFE);
    /* ECR: any write clears the error flags. */
    wr(RSR, 0);
    assert_int_equal(rd(RSR), 0);
}

static void test_fifo_disabled_depth_one(void **state)
{
    (void)state;
    /* LCR_H.FEN clear at reset: a one-character holding register. */
    assert_true(pl011_rx_push(&uart, 'a'));
    assert_true(rd(FR) & FR_RXFF);
    assert_false(pl011_rx_push(&uart, 'b'));
    assert_int_equal(rd(DR) & 0xff, 'a');
    assert_true(pl011_rx_push(&uart, 'c'));
    assert_int_equal(rd(DR) & 0xff, 'c');
}

static void test_rx_interrupts(void **state)
{
    (void)state;
    wr(LCR_H, FEN);
    wr(IMSC, INT_RX | INT_RT);
    assert_int_equal(irqs.calls, 0);

    /* IFLS reset: RX trigger at 1/2 full = 16 characters. One character is
     * below it: only the timeout ("data waiting") interrupt. */
    assert_true(pl011_rx_push(&uart, 'a'));
    assert_int_equal(rd(RIS) & (INT_RX | INT_RT), INT_RT);
    assert_int_equal(rd(MIS), INT_RT);
    assert_int_equal(irqs.calls, 1);
    assert_true(irqs.level);
    for (unsigned i = 1; i < 16; i++)
        assert_true(pl011_rx_push(&uart, 'a'));
    assert_int_equal(rd(RIS) & (INT_RX | INT_RT), INT_RX | INT_RT);
    assert_int_equal(irqs.calls, 2); /* MIS changed: RT -> RT|RX */

    /* Draining below the level drops RXRIS, empty drops RTRIS. */
    rd(DR);
    assert_int_equal(rd(RIS) & (INT_RX | INT_RT), INT_RT);
    for (unsigned i = 1; i < 16; i++)
        rd(DR);
    assert_int_equal(rd(RIS) & (INT_RX | INT_RT), 0);
    assert_int_equal(rd(MIS), 0);
    assert_false(irqs.level);

    /* Lower the trigger to 1/8 (4 characters): IFLS.RXIFLSEL = 0. */
    wr(IFLS, 0);
    for (unsigned i = 0; i < 3; i++)
        pl011_rx_push(&uart, 'b');
    assert_false(rd(RIS) & INT_RX);
    pl011_rx_push(&uart, 'b');
    assert_true(rd(RIS) & INT_RX);
}

static void test_icr_and_tx_interrupt(void **state)
{
    (void)state;
    wr(IMSC, INT_TX);
    unsigned before = irqs.calls;
    wr(DR, 'z');
    assert_int_equal(rd(MIS), INT_TX);
    assert_int_equal(irqs.calls, before + 1);
    assert_true(irqs.level);
    /* Write 1 to clear; 0 bits leave the rest alone. */
    wr(ICR, 0);
    assert_int_equal(rd(RIS) & INT_TX, INT_TX);
    wr(ICR, INT_TX);
    assert_int_equal(rd(RIS) & INT_TX, 0);
    assert_int_equal(rd(MIS), 0);
    assert_false(irqs.level);
    assert_int_equal(irqs.calls, before + 2);
    /* Masking a raised interrupt also changes MIS and the line. */
    wr(DR, 'z');
    wr(IMSC, 0);
    assert_false(irqs.level);
    assert_int_equal(rd(RIS) & INT_TX, INT_TX);
}

/* TXRIS as the TRM describes UARTTXINTR: it is raised when the transmit
 * FIFO passes to or below its trigger level as data leaves, not at reset
 * ("if the interrupt and the UART are enabled before any data is written
 * to the transmit FIFO the interrupt is not set"); once raised it is a
 * level that stays while the FIFO stays empty, whatever is read or
 * unmasked, until UARTICR clears it or more data is written (here the
 * byte leaves at once, so it is raised again). FIFOs on or off alike. */
static void test_tx_interrupt_level_per_trm(void **state)
{
    (void)state;
    wr(IMSC, INT_TX);
    assert_int_equal(rd(RIS) & INT_TX, 0);
    assert_false(irqs.level);
    for (unsigned fen = 0; fen < 2; fen++) {
        wr(LCR_H, fen ? FEN : 0);
        wr(DR, 'a');
        assert_int_equal(rd(RIS) & INT_TX, INT_TX);
        assert_true(irqs.level);
        /* Still high: reads, an EOI-like pause, unmasking again. */
        unsigned calls = irqs.calls;
        assert_true(rd(FR) & FR_TXFE);
        rd(MIS);
        rd(DR);
        wr(IMSC, INT_TX);
        assert_int_equal(rd(MIS), INT_TX);
        assert_true(irqs.level);
        assert_int_equal(irqs.calls, calls); /* no edge on the line */
        /* Masked and unmasked with the FIFO empty: high again at once. */
        wr(IMSC, 0);
        assert_false(irqs.level);
        wr(IMSC, INT_TX);
        assert_true(irqs.level);
        wr(ICR, INT_TX);
        assert_false(irqs.level);
    }
}

static void test_access_sizes(void **state)
{
    (void)state;
    uint64_t v = 0;
    /* 64-bit: refused. */
    assert_int_equal(acc(CR, 8, false, &v), MMIO_REFUSED);
    /* Narrow reads of any lane of a register. */
    assert_int_equal(acc(CR + 1, 1, false, &v), MMIO_OK);
    assert_int_equal(v, 0x03);
    assert_int_equal(acc(CR, 2, false, &v), MMIO_OK);
    assert_int_equal(v, 0x300);
    /* Misaligned: refused. */
    assert_int_equal(acc(CR + 1, 2, false, &v), MMIO_REFUSED);
    /* Narrow write to an upper lane: refused, register unchanged. */
    v = 0xff;
    assert_int_equal(acc(CR + 1, 1, true, &v), MMIO_REFUSED);
    assert_int_equal(rd(CR), 0x300);
    /* Reserved offsets read as zero, writes are ignored. */
    assert_int_equal(rd(0x008), 0);
    assert_int_equal(rd(0x800), 0);
    wr(0x800, 0x1234);
    assert_int_equal(rd(0x800), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_id_registers, setup),
        cmocka_unit_test_setup(test_reset_values, setup),
        cmocka_unit_test_setup(test_plain_registers, setup),
        cmocka_unit_test_setup(test_tx_to_console, setup),
        cmocka_unit_test_setup(test_tx_hook, setup),
        cmocka_unit_test_setup(test_rx_fifo, setup),
        cmocka_unit_test_setup(test_fifo_disabled_depth_one, setup),
        cmocka_unit_test_setup(test_rx_interrupts, setup),
        cmocka_unit_test_setup(test_icr_and_tx_interrupt, setup),
        cmocka_unit_test_setup(test_tx_interrupt_level_per_trm, setup),
        cmocka_unit_test_setup(test_access_sizes, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
