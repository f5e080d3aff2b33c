/*
 * The vGIC's in-flight list and maintenance interrupts seen from a guest
 * (issue 8), shared by the A64 and A32 guests (a64/vgic_inflight.c,
 * a32/vgic_inflight.c), which include their cpu_ops.h and guest.h before
 * it, and whose IRQ vector calls guest_irq (defined here).
 *
 * 1. Eight SPIs (40-47) made pending at once through GICD_ISPENDR, each at
 *    its own priority, edge-triggered: more than the 4 list registers. The
 *    guest unmasks IRQs and spins without a single exit of its own; it must
 *    take all eight, in priority order (IHI0048B 3.2.3: the highest priority
 *    pending interrupt is signalled first). The ones that did not fit come
 *    in through the underflow maintenance interrupt (GICH_HCR.UIE, 5.3.1).
 * 2. The PL011's transmit interrupt (INTID 33, level-sensitive): TXRIS is
 *    set with the transmit FIFO empty (after a byte has left: ARM DDI 0183,
 *    UARTTXINTR), so unmasking UARTIMSC.TXIM raises the line and keeps it high.
 *    The first handler EOIs without touching the PL011 and the guest spins
 *    again with no exit: the interrupt must be taken a second time by
 *    itself (GICH_LR.EOI and EOI maintenance, 5.3.4 and 5.3.7). The second
 *    handler masks UARTIMSC (the line drops) and EOIs.
 */
#ifndef GUEST_VGIC_INFLIGHT_H
#define GUEST_VGIC_INFLIGHT_H

#include <stdint.h>

#define VI_GICD            0x08000000u
#define VI_GICC            0x08010000u
#define VI_GICD_CTLR       0x000u
#define VI_GICD_ISENABLER  0x100u
#define VI_GICD_ISPENDR    0x200u
#define VI_GICD_IPRIORITYR 0x400u
#define VI_GICD_ICFGR      0xc00u
#define VI_GICC_CTLR       0x000u
#define VI_GICC_PMR        0x004u
#define VI_GICC_IAR        0x00cu
#define VI_GICC_EOIR       0x010u
#define VI_UART            0x09000000u
#define VI_UARTIMSC        0x038u
#define VI_UARTRIS         0x03cu
#define VI_UART_TX         (1u << 5)
#define VI_INTID_UART      33u
#define VI_SPURIOUS        1023u

#define VI_N 8
/* SPIs 40-47 and their priorities, in no particular INTID order. */
static const uint8_t vi_prio[VI_N] = {0x60, 0x20, 0xe0, 0x40, 0x00, 0xa0, 0x80, 0xc0};
static const uint32_t vi_order[VI_N] = {44, 41, 43, 40, 46, 45, 47, 42};

static volatile uint32_t vi_taken[2 * VI_N];
static volatile unsigned vi_ntaken, vi_uart_takes;

static void vi_wr32(uintptr_t a, uint32_t v)
{
    *(volatile uint32_t *)a = v;
}

static void vi_wr8(uintptr_t a, uint8_t v)
{
    *(volatile uint8_t *)a = v;
}

static uint32_t vi_rd32(uintptr_t a)
{
    return *(volatile uint32_t *)a;
}

void guest_irq(void)
{
    uint32_t iar = vi_rd32(VI_GICC + VI_GICC_IAR), id = iar & 0x3ff;
    if (id >= 1020)
        return;
    if (vi_ntaken < 2 * VI_N)
        vi_taken[vi_ntaken] = id;
    vi_ntaken++;
    /* The UART's first take: EOI only, its line stays high. The second:
     * mask the source, then EOI. */
    if (id == VI_INTID_UART && ++vi_uart_takes >= 2)
        vi_wr32(VI_UART + VI_UARTIMSC, 0);
    vi_wr32(VI_GICC + VI_GICC_EOIR, iar);
}

/* Spin with IRQs unmasked, touching nothing that traps, until n
 * interrupts were taken or a second has passed. */
static void vi_spin_for(unsigned n)
{
    uint64_t start = cpu_vcount(), freq = cpu_freq();
    cpu_irq_on();
    while (vi_ntaken < n && cpu_vcount() - start < freq)
        ;
    cpu_irq_off();
}

int main(void)
{
    /* 1. Eight edge-triggered SPIs, pending together. */
    uint32_t edge = 0;
    for (unsigned i = 0; i < VI_N; i++) {
        edge |= 2u << (2 * (8 + i)); /* GICD_ICFGR2 fields 8-15 */
        vi_wr8(VI_GICD + VI_GICD_IPRIORITYR + 40 + i, vi_prio[i]);
    }
    vi_wr32(VI_GICD + VI_GICD_ICFGR + 8, edge);
    vi_wr32(VI_GICD + VI_GICD_ISENABLER + 4, 0xffu << 8);
    vi_wr32(VI_GICD + VI_GICD_CTLR, 1);
    vi_wr32(VI_GICC + VI_GICC_PMR, 0xf0);
    vi_wr32(VI_GICC + VI_GICC_CTLR, 1);
    vi_wr32(VI_GICD + VI_GICD_ISPENDR + 4, 0xffu << 8);
    vi_spin_for(VI_N);
    check("8 pending SPIs all taken while spinning", vi_ntaken == VI_N);
    int in_order = vi_ntaken == VI_N;
    for (unsigned i = 0; i < VI_N && in_order; i++)
        in_order = vi_taken[i] == vi_order[i];
    if (!in_order) {
        put_str("SPIs taken in the order:");
        for (unsigned i = 0; i < vi_ntaken && i < 2 * VI_N; i++) {
            put_char(' ');
            put_hex(vi_taken[i]);
        }
        put_char('\n');
    }
    check("8 pending SPIs taken in priority order", in_order);

    /* 2. The PL011's TX interrupt, a level that stays high after EOI. */
    vi_ntaken = 0;
    check("PL011 TXRIS set with its TX FIFO empty",
          (vi_rd32(VI_UART + VI_UARTRIS) & VI_UART_TX) != 0);
    vi_wr8(VI_GICD + VI_GICD_IPRIORITYR + VI_INTID_UART, 0xa0);
    vi_wr32(VI_GICD + VI_GICD_ISENABLER + 4, 1u << (VI_INTID_UART - 32));
    vi_wr32(VI_UART + VI_UARTIMSC, VI_UART_TX);
    vi_spin_for(2);
    check("level interrupt still high after EOI taken again",
          vi_uart_takes == 2 && vi_ntaken == 2 && vi_taken[0] == VI_INTID_UART &&
              vi_taken[1] == VI_INTID_UART);
    check("UARTIMSC masked by the second handler", vi_rd32(VI_UART + VI_UARTIMSC) == 0);
    check("nothing pending afterwards: GICC_IAR spurious",
          (vi_rd32(VI_GICC + VI_GICC_IAR) & 0x3ff) == VI_SPURIOUS);
    return 0;
}

#endif
