/*
 * The GICv2 as our test guests program it, on both arches (ARM IHI 0048B):
 * the distributor armvisor emulates at QEMU virt's GICD and the hardware's
 * virtual CPU interface at the guest's GICC. Register offsets from IHI0048B
 * table 4-1 (GICD) and 4-2 (GICC).
 */
#ifndef GUESTS_GIC_GUEST_H
#define GUESTS_GIC_GUEST_H

#include <stdint.h>

#define GICD            0x08000000u
#define GICC            0x08010000u
#define GICD_CTLR       0x000u
#define GICD_ISENABLER0 0x100u
#define GICC_CTLR       0x000u
#define GICC_PMR        0x004u
#define GICC_IAR        0x00cu
#define GICC_EOIR       0x010u
#define INTID_PTIMER    30u /* EL1 physical timer PPI */
#define INTID_VTIMER    27u /* EL1 virtual timer PPI */
#define INTID_SPURIOUS  1023u

static inline void wr32(uintptr_t a, uint32_t v)
{
    *(volatile uint32_t *)a = v;
}

static inline uint32_t rd32(uintptr_t a)
{
    return *(volatile uint32_t *)a;
}

/* Distributor and this CPU's interface on, the PPIs/SGIs in enable (bits of
 * the banked GICD_ISENABLER0) enabled, every priority let through. */
static inline void gic_guest_on(uint32_t enable)
{
    wr32(GICD + GICD_CTLR, 1);
    wr32(GICD + GICD_ISENABLER0, enable);
    wr32(GICC + GICC_PMR, 0xf0);
    wr32(GICC + GICC_CTLR, 1);
}

#endif
