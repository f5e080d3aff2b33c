/*
 * What the A64 and A32 hostile guests (a64/hostile.c, a32/hostile.c) do
 * alike; each includes its cpu_ops.h and guest.h, and defines before
 * including this, in its own instruction set:
 *   rng()                  the next value of its fixed-seed PRNG
 *   rd32(a), wr32(a, v)    one word load / store in a fixed form (a refused
 *                          access writes no base register back, so a
 *                          post-indexed form in a loop would never move on)
 *   sizes(a, v, store)     every access size at address a (ISV=1 forms)
 *   forms(a, v, store)     the other forms (pairs, writeback, register
 *                          offsets, sign extension, exclusives) at a
 *                          16-byte aligned a (ISV=0: decoded or refused)
 * Here: the sweeps of the distributor and the PL011, the end of RAM found
 * by probing, the writes to the GIC CPU interface (armvisor's mapping of
 * the hardware's GICV), the masked WFI/WFE, and the memory pattern a guest
 * checks to see no refusal or emulation wrote to the wrong place.
 * Addresses are uintptr_t and values unsigned long: the register width.
 */
#ifndef GUESTS_HOSTILE_H
#define GUESTS_HOSTILE_H

#include <stdint.h>

#define GICD     0x08000000ul
#define GICC     0x08010000ul /* the guest's CPU interface: the hardware's GICV */
#define GICH     0x08030000ul /* the host's GICH: never the guest's */
#define DEV_LO   0x08000000ul /* QEMU virt's devices: what the IPA sweep skips */
#define DEV_HI   0x0a000000ul
#define RAM_BASE 0x40000000ul

#define PAT_BASE 0x40200000ul /* 2 MiB in: past the image, stack and bss */
#define PAT_SIZE (256ul << 10)

#define PSCI_CPU_ON 0x84000003u /* the SMC32 form, from either ISA */

/* ---- Memory pattern --------------------------------------------------- */

static unsigned long pattern(uintptr_t addr, uint64_t key)
{
    uint64_t x = addr ^ key;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (unsigned long)x;
}

static void fill(uintptr_t base, uintptr_t size, uint64_t key)
{
    for (uintptr_t a = base; a < base + size; a += sizeof(long))
        *(volatile unsigned long *)a = pattern(a, key);
}

/* The words of [base, base + size) that no longer hold the pattern. */
static unsigned long verify(uintptr_t base, uintptr_t size, uint64_t key)
{
    unsigned long bad = 0;
    for (uintptr_t a = base; a < base + size; a += sizeof(long))
        if (*(volatile unsigned long *)a != pattern(a, key))
            bad++;
    return bad;
}

/* ---- Sweeps --------------------------------------------------------------- */

/* Does a word load from a fault? (counted like any other abort) */
static int aborts(uintptr_t a)
{
    unsigned n = dabt_count;
    (void)rd32(a);
    return dabt_count != n;
}

/* Sweep [base, base + size): every size at every offset, every form
 * every 16 bytes; loads first, then stores of val() values. */
static void sweep(uintptr_t base, uintptr_t size, unsigned long (*val)(void))
{
    for (uintptr_t o = 0; o < size; o++)
        sizes(base + o, 0, 0);
    for (uintptr_t o = 0; o < size; o += 16)
        forms(base + o, 0, 0);
    for (uintptr_t o = 0; o < size; o++)
        sizes(base + o, val(), 1);
    for (uintptr_t o = 0; o < size; o += 16)
        forms(base + o, val(), 1);
}

static unsigned long rng_val(void)
{
    return rng();
}

/* The PL011 gets '.' in every byte: what reaches its data register is a
 * visible dot on the guest's console, not a control character. */
static unsigned long dots(void)
{
    return (unsigned long)0x2e2e2e2e2e2e2e2eull;
}

/* ---- The phases both ISAs have ----------------------------------------- */

static void phase_gicd(int have_gicd)
{
    sweep(GICD, 0x1000, rng_val);
    /* The rest of QEMU's 64 KiB distributor window, one word in 64 bytes. */
    for (uintptr_t o = 0x1000; o < 0x10000; o += 64) {
        (void)rd32(GICD + o);
        wr32(GICD + o, (uint32_t)rng());
    }
    if (have_gicd) {
        /* Put it back: disabled, nothing enabled, pending or active. */
        wr32(GICD, 0);
        for (unsigned i = 0; i < 4; i++) {
            wr32(GICD + 0x180 + 4 * i, ~0u); /* GICD_ICENABLERn */
            wr32(GICD + 0x280 + 4 * i, ~0u); /* GICD_ICPENDRn */
            wr32(GICD + 0x380 + 4 * i, ~0u); /* GICD_ICACTIVERn */
            wr32(GICD + 0xf10 + 4 * i, ~0u); /* GICD_CPENDSGIRn */
        }
    }
}

static void phase_pl011(void)
{
    static const unsigned keep[] = {0x24, 0x28, 0x2c, 0x34, 0x38, 0x48, 0x30}; /* CR last */
    uint32_t saved[7];
    for (unsigned i = 0; i < 7; i++)
        saved[i] = rd32(PL011_BASE + keep[i]);
    sweep(PL011_BASE, 0x1000, dots);
    for (unsigned i = 0; i < 7; i++)
        wr32(PL011_BASE + keep[i], saved[i]);
    wr32(PL011_BASE + 0x44, 0x7ff); /* UARTICR: nothing left raised */
}

static int unbacked(uintptr_t a, uintptr_t ram_end)
{
    return !(a >= DEV_LO && a < DEV_HI) && !(a >= RAM_BASE && a < ram_end);
}

/* The end of RAM, by probing each MiB past the pattern (a read of RAM never
 * aborts; the first that does is the end). */
static uintptr_t find_ram_end(void)
{
    uintptr_t a = PAT_BASE + (2ul << 20); /* RAM comes in 2 MiB blocks */
    while (a < 0x80000000ul && !aborts(a))
        a += 1ul << 20;
    return a;
}

static void phase_gicv(void)
{
    /* Control, priority mask, binary points, EOIs of random IDs, the
     * active priorities, the deactivation register: the hardware's. The
     * write-only ones (EOIR, AEOIR, DIR) are not read. */
    static const unsigned offs[] = {0x00, 0x04, 0x08, 0x10, 0x1c, 0x20, 0xd0, 0x1000};
    for (unsigned r = 0; r < 8; r++)
        for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
            if (offs[i] != 0x10 && offs[i] != 0x20 && offs[i] != 0x1000)
                (void)rd32(GICC + offs[i]);
            wr32(GICC + offs[i], (uint32_t)rng() & (r & 1 ? 0x3ff : ~0u));
        }
    wr32(GICC + 0x04, 0xff); /* GICC_PMR: everything through */
    wr32(GICC + 0x00, 1);    /* GICC_CTLR: on */
}

/* WFI and WFE with every interrupt masked: each must complete (nothing to
 * wait for, or a spurious wake-up, both allowed). With a vGIC, a WFI that
 * only the virtual timer's PPI 27 ends, the IRQ masked at the PE (a masked
 * interrupt still wakes WFI: Arm ARM D1.16.2, ARMv7-A ARM B1.8.13). */
static int phase_wfi(int have_gicd)
{
    for (unsigned i = 0; i < 64; i++)
        __asm__ volatile("wfi\n\twfe\n\tsev\n\twfe" ::: "memory");
    if (!have_gicd)
        return 1;
    uint64_t freq = cpu_freq();
    wr32(GICD + 0x100, 1u << 27); /* GICD_ISENABLER0: the virtual timer */
    wr32(GICD, 1);
    uint64_t deadline = cpu_vcount() + freq / 500; /* 2 ms */
    cpu_vtimer_arm_at(deadline);
    /* Until ISTATUS says the deadline passed: QEMU sets it when its own
     * timer event runs, which may be a little after CNTVCT passes CVAL.
     * A second past the deadline is the bound (a hang ends the test). */
    uint32_t ctl = 0;
    while (!(ctl & CNTV_CTL_ISTATUS) && cpu_vcount() < deadline + freq) {
        cpu_wfi();
        ctl = cpu_vtimer_ctl();
    }
    cpu_vtimer_off();
    wr32(GICD + 0x180, ~0u); /* GICD_ICENABLER0 */
    wr32(GICD + 0x280, ~0u); /* GICD_ICPENDR0 */
    wr32(GICD, 0);
    return (ctl & CNTV_CTL_ISTATUS) != 0; /* the deadline passed */
}

#endif
