/*
 * PL011 UART emulation (ARM PrimeCell UART, TRM ARM DDI 0183, section 3 for
 * the registers). Transmission is immediate: each byte written to UARTDR
 * goes straight to the output, so the transmit FIFO always reads as empty.
 * Reception comes from pl011_rx_push into a 32-entry FIFO (1 entry when
 * LCR_H.FEN is clear).
 *
 * The identification registers read as QEMU's pl011 (and the real r1p5
 * part), so Linux's AMBA bus matches the device to the amba-pl011 driver.
 */
#include "vdev/pl011.h"

#include "arch/arch.h"
#include "lib/log.h"

/* Register offsets (TRM table 3-1). */
#define UARTDR        0x000
#define UARTRSR       0x004 /* read: RSR, write: ECR */
#define UARTFR        0x018
#define UARTILPR      0x020
#define UARTIBRD      0x024
#define UARTFBRD      0x028
#define UARTLCR_H     0x02c
#define UARTCR        0x030
#define UARTIFLS      0x034
#define UARTIMSC      0x038
#define UARTRIS       0x03c
#define UARTMIS       0x040
#define UARTICR       0x044
#define UARTDMACR     0x048
#define UARTPERIPHID0 0xfe0
#define UARTPCELLID3  0xffc

/* UARTDR read: data in 7:0, error flags above (TRM 3.3.1). */
#define DR_OE (1u << 11)

/* UARTRSR / UARTECR (TRM 3.3.2): FE PE BE OE. */
#define RSR_OE   (1u << 3)
#define RSR_MASK 0xfu
/* Not a hardware bit: an overrun happened and the next character read from
 * UARTDR must carry DR.OE (TRM 3.3.1: "OE is set if data is received and the
 * receive FIFO is already full"). Kept above the 4 architectural RSR bits
 * and never visible to the guest. */
#define RSR_OE_PENDING (1u << 31)

/* UARTFR (TRM 3.3.3). */
#define FR_BUSY (1u << 3)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define FR_RXFF (1u << 6)
#define FR_TXFE (1u << 7)

#define LCR_H_FEN (1u << 4)

/* UARTCR (TRM 3.3.8). */
#define CR_UARTEN (1u << 0)
#define CR_RXE    (1u << 9)

/* UARTCR reset value: TXE and RXE set, UARTEN clear (TRM 3.3.8). */
#define CR_RESET   0x300u
#define IFLS_RESET 0x12u /* both FIFO levels at 1/2 (TRM 3.3.9) */

/* Interrupt bits, common to IMSC/RIS/MIS/ICR (TRM 3.3.10-3.3.13). */
#define INT_RX   (1u << 4)  /* RXRIS: receive FIFO at/above its trigger level */
#define INT_TX   (1u << 5)  /* TXRIS: transmit FIFO at/below its trigger level */
#define INT_RT   (1u << 6)  /* RTRIS: receive timeout */
#define INT_OE   (1u << 10) /* OERIS: overrun */
#define INT_MASK 0x7ffu

/* Identification registers at 0xFE0-0xFFC, one byte each (TRM 3.3.15-16). */
static const uint8_t pl011_id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static void pl011_default_tx(void *ctx, char c)
{
    (void)ctx;
    arch_console_putc(c);
}

static unsigned fifo_depth(const struct pl011 *u)
{
    return (u->lcr_h & LCR_H_FEN) ? PL011_FIFO_DEPTH : 1;
}

/* Receive trigger level in bytes from IFLS.RXIFLSEL (TRM 3.3.9): 1/8, 1/4,
 * 1/2, 3/4, 7/8 full; the reserved encodings act as 1/2. Without the FIFO
 * any one character reaches the level. */
static unsigned rx_trigger(const struct pl011 *u)
{
    static const unsigned eighths[8] = {1, 2, 4, 6, 7, 4, 4, 4};
    if (!(u->lcr_h & LCR_H_FEN))
        return 1;
    return PL011_FIFO_DEPTH * eighths[(u->ifls >> 3) & 7] / 8;
}

static uint32_t pl011_mis(const struct pl011 *u)
{
    return u->ris & u->imsc;
}

/* Recompute the receive interrupts from the FIFO fill. RTRIS stands in for
 * the receive timeout: the hardware raises it when characters have waited
 * 32 bit periods below the trigger level; with no clock we say "data is
 * waiting", which is what a driver needs to go and drain the FIFO. */
static void rx_update(struct pl011 *u)
{
    if (u->rx_count >= rx_trigger(u))
        u->ris |= INT_RX;
    else
        u->ris &= ~INT_RX;
    if (u->rx_count > 0)
        u->ris |= INT_RT;
    else
        u->ris &= ~INT_RT;
}

static void irq_update(struct pl011 *u, uint32_t mis_before)
{
    uint32_t mis = pl011_mis(u);
    if (mis != mis_before && u->irq_set)
        u->irq_set(u->irq_ctx, mis != 0);
}

static int pl011_access(struct mmio_dev *dev, struct mmio_access *acc);
static const struct mmio_ops pl011_ops = {.access = pl011_access};

static void rx_flush(struct pl011 *u)
{
    u->rx_head = 0;
    u->rx_count = 0;
}

void pl011_init(struct pl011 *u, ipa_t base)
{
    *u = (struct pl011){0};
    u->dev.name = "pl011";
    u->dev.base = base;
    u->dev.size = 0x1000;
    u->dev.priv = u;
    u->cr = CR_RESET;
    u->ifls = IFLS_RESET;
    u->tx = pl011_default_tx;
    u->dev.ops = &pl011_ops;
}

bool pl011_rx_push(struct pl011 *u, uint8_t c)
{
    uint32_t before = pl011_mis(u);
    bool ok = u->rx_count < fifo_depth(u);
    if (ok) {
        u->rx_fifo[(u->rx_head + u->rx_count) % PL011_FIFO_DEPTH] = c;
        u->rx_count++;
    } else {
        /* Overrun: the character is lost, the FIFO keeps its contents. */
        u->rsr |= RSR_OE | RSR_OE_PENDING;
        u->ris |= INT_OE;
    }
    rx_update(u);
    irq_update(u, before);
    return ok;
}

bool pl011_rx_ready(const struct pl011 *u)
{
    return (u->cr & CR_UARTEN) && (u->cr & CR_RXE) && u->rx_count < fifo_depth(u);
}

static uint32_t dr_read(struct pl011 *u)
{
    if (u->rx_count == 0)
        return 0; /* empty FIFO: the TRM leaves the value undefined */
    uint32_t v = u->rx_fifo[u->rx_head];
    u->rx_head = (u->rx_head + 1) % PL011_FIFO_DEPTH;
    u->rx_count--;
    if (u->rsr & RSR_OE_PENDING) {
        v |= DR_OE;
        u->rsr &= ~RSR_OE_PENDING;
    }
    rx_update(u);
    return v;
}

static uint32_t fr_read(const struct pl011 *u)
{
    /* TX is immediate: TXFE set, TXFF and BUSY clear. */
    uint32_t fr = FR_TXFE;
    if (u->rx_count == 0)
        fr |= FR_RXFE;
    if (u->rx_count >= fifo_depth(u))
        fr |= FR_RXFF;
    return fr;
}

/* Offsets that hold no register (TRM table 3-1: 0x008-0x014, 0x01C,
 * 0x04C-0x07C, the test registers 0x080-0x08C and up to 0xFDC). */
static bool reserved_logged;
static void log_reserved(const struct pl011 *u, uint64_t off, bool write)
{
    if (reserved_logged)
        return;
    reserved_logged = true;
    log_warn("pl011@0x%llx: %s of reserved offset 0x%llx (%s; not logged again)\n",
             (unsigned long long)u->dev.base, write ? "write" : "read", (unsigned long long)off,
             write ? "ignored" : "reads 0");
}

/* Read the 32-bit register at reg (word aligned). */
static uint32_t reg_read(struct pl011 *u, uint64_t reg)
{
    switch (reg) {
    case UARTDR:
        return dr_read(u);
    case UARTRSR:
        return u->rsr & RSR_MASK;
    case UARTFR:
        return fr_read(u);
    case UARTILPR:
        return u->ilpr;
    case UARTIBRD:
        return u->ibrd;
    case UARTFBRD:
        return u->fbrd;
    case UARTLCR_H:
        return u->lcr_h;
    case UARTCR:
        return u->cr;
    case UARTIFLS:
        return u->ifls;
    case UARTIMSC:
        return u->imsc;
    case UARTRIS:
        return u->ris;
    case UARTMIS:
        return pl011_mis(u);
    case UARTDMACR:
        return u->dmacr;
    case UARTICR: /* write-only */
        return 0;
    }
    if (reg >= UARTPERIPHID0 && reg <= UARTPCELLID3)
        return pl011_id[(reg - UARTPERIPHID0) / 4];
    log_reserved(u, reg, false);
    return 0;
}

static void reg_write(struct pl011 *u, uint64_t reg, uint32_t v)
{
    switch (reg) {
    case UARTDR:
        /* Sent whatever CR.UARTEN/TXE say: Linux's earlycon (and other
         * boot code) writes before enabling the UART, and a real PL011
         * would drop those bytes; QEMU emits them and so do we, so early
         * boot messages are not lost. */
        u->tx(u->tx_ctx, (char)(v & 0xff));
        /* The byte left at once, so the TX FIFO is back at or below its
         * trigger level: TXRIS is (re)asserted, as QEMU's pl011 does. */
        u->ris |= INT_TX;
        return;
    case UARTRSR: /* UARTECR: any write clears the error flags */
        u->rsr = 0;
        return;
    case UARTILPR:
        u->ilpr = v & 0xff;
        return;
    case UARTIBRD:
        u->ibrd = v & 0xffff;
        return;
    case UARTFBRD:
        u->fbrd = v & 0x3f;
        return;
    case UARTLCR_H:
        /* Switching the FIFOs on or off flushes the receive side, as
         * QEMU does; the depth changes between 32 and 1. */
        if ((u->lcr_h ^ v) & LCR_H_FEN)
            rx_flush(u);
        u->lcr_h = v & 0xff;
        rx_update(u);
        return;
    case UARTCR:
        u->cr = v & 0xffff;
        return;
    case UARTIFLS:
        u->ifls = v & 0x3f;
        rx_update(u);
        return;
    case UARTIMSC:
        u->imsc = v & INT_MASK;
        return;
    case UARTICR:
        u->ris &= ~(v & INT_MASK);
        return;
    case UARTDMACR:
        u->dmacr = v & 0x7;
        return;
    case UARTFR:
    case UARTRIS:
    case UARTMIS:
        return; /* read-only: writes ignored */
    }
    if (reg >= UARTPERIPHID0 && reg <= UARTPCELLID3)
        return; /* read-only identification */
    log_reserved(u, reg, true);
}

static int pl011_access(struct mmio_dev *dev, struct mmio_access *acc)
{
    struct pl011 *u = dev->priv;

    /* The registers are at most 32 bits wide on a 32-bit APB bus: 8, 16 and
     * 32-bit accesses are served (Linux uses 32-bit, earlycon 8 or 32-bit),
     * 64-bit ones and misaligned ones are refused. */
    if (acc->size > 4 || (acc->offset & (acc->size - 1)) != 0)
        return MMIO_REFUSED;

    uint64_t reg = acc->offset & ~3ull;
    unsigned lane = (unsigned)(acc->offset & 3);
    uint32_t before = pl011_mis(u);

    if (acc->write) {
        /* APB has no byte strobes: a narrow write is only meaningful at the
         * bottom of a register; one aimed at its upper bytes is refused
         * rather than guessed at. */
        if (lane != 0)
            return MMIO_REFUSED;
        reg_write(u, reg, (uint32_t)acc->value);
    } else {
        uint32_t v = reg_read(u, reg);
        acc->value =
            (v >> (lane * 8)) & (acc->size == 4 ? 0xffffffffu : (1u << (acc->size * 8)) - 1);
    }
    irq_update(u, before);
    /* Room may have appeared: a character was read, or the UART, its
     * receiver or its FIFO was switched on. Whoever waits to send is told
     * (it pushes through pl011_rx_push, which raises the interrupt). */
    bool room = acc->write ? (reg == UARTCR || reg == UARTLCR_H) : reg == UARTDR;
    if (room && u->rx_room && pl011_rx_ready(u))
        u->rx_room(u->rx_ctx);
    return MMIO_OK;
}
