/*
 * The vGIC paths of the exit-path benchmark, shared by the A64 and A32 bench
 * guests (guest_a64.c, guest_a32.c): the guest programs the distributor
 * armvisor emulates (QEMU virt's GICD at 0x08000000, ARM IHI 0048B 4.3) and
 * takes interrupts through the hardware's virtual CPU interface, mapped at
 * the GICC address 0x08010000 (4.4: GICC_IAR / GICC_EOIR, no exit).
 */
#ifndef BENCH_EXITS_GIC_BENCH_H
#define BENCH_EXITS_GIC_BENCH_H

#include <stdint.h>

#define BG_GICD            0x08000000u
#define BG_GICC            0x08010000u
#define BG_GICD_CTLR       0x000u
#define BG_GICD_IIDR       0x008u
#define BG_GICD_ISENABLER0 0x100u
#define BG_GICD_SGIR       0xf00u
#define BG_GICC_CTLR       0x000u
#define BG_GICC_PMR        0x004u
#define BG_GICC_IAR        0x00cu
#define BG_GICC_EOIR       0x010u
#define BG_IIDR_VALUE      0x0000043bu /* what armvisor's distributor reports */
#define BG_SGI             0u
#define BG_SGIR_SELF       (2u << 24) /* TargetListFilter: the requesting CPU */
#define BG_VTIMER_INTID    27u
#define BG_SPURIOUS        1023u

/* Distance from "now" at which the timer-latency path arms the timer, in
 * ticks: enough for the arming code to finish before it fires. */
#define BG_TIMER_AHEAD 256u

static inline void bg_wr(uint32_t addr, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)addr = v;
}

static inline uint32_t bg_rd(uint32_t addr)
{
    return *(volatile uint32_t *)(uintptr_t)addr;
}

/* Distributor and CPU interface on, SGI 0 and the virtual timer's PPI
 * enabled (GICD_ISENABLER0 is banked per CPU). */
static inline void bg_gic_on(void)
{
    bg_wr(BG_GICD + BG_GICD_CTLR, 1);
    bg_wr(BG_GICD + BG_GICD_ISENABLER0, (1u << BG_SGI) | (1u << BG_VTIMER_INTID));
    bg_wr(BG_GICC + BG_GICC_PMR, 0xf0);
    bg_wr(BG_GICC + BG_GICC_CTLR, 1);
}

#endif
