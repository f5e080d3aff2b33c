/*
 * ARM PrimeCell UART (PL011) emulation, as Linux's amba-pl011 driver and its
 * earlycon use it (PL011 TRM, ARM DDI 0183). Output goes to the hypervisor
 * console, input comes from pl011_rx_push.
 */
#ifndef VDEV_PL011_H
#define VDEV_PL011_H

#include "core/mmio.h"

#define PL011_FIFO_DEPTH 32

struct pl011 {
    struct mmio_dev dev;
    uint32_t cr, lcr_h, ibrd, fbrd, ifls, imsc, ris, dmacr, ilpr, rsr;
    uint8_t rx_fifo[PL011_FIFO_DEPTH];
    unsigned rx_head, rx_count;
    /* Interrupt output (UARTINTR); NULL until the vGIC connects it. */
    void (*irq_set)(void *ctx, bool level);
    void *irq_ctx;
    /* Called when the receiver may take bytes again (a read of UARTDR, the
     * UART or its receiver switched on); NULL: nobody waits to send. */
    void (*rx_room)(void *ctx);
    void *rx_ctx;
    /* Where transmitted bytes go; default arch_console_putc. */
    void (*tx)(void *ctx, char c);
    void *tx_ctx;
};

/* Reset state at base (4 KiB window), ready for mmio_bus_register(&u->dev). */
void pl011_init(struct pl011 *u, ipa_t base);

/* A byte arrives on the receive line; false if the FIFO is full (dropped,
 * and the overrun bit set as the hardware would). */
bool pl011_rx_push(struct pl011 *u, uint8_t c);

/* The receiver would take a byte now: UART and receiver enabled
 * (UARTCR.UARTEN, RXE) and room in the FIFO. A sender that can wait (the
 * console) asks first, so nothing it has is lost to an overrun. */
bool pl011_rx_ready(const struct pl011 *u);

#endif
