/*
 * The physical GICv2 and its virtualization extensions (ARM IHI 0048B),
 * shared by the ARMv7 and ARMv8 ports: the GIC is memory-mapped and the same
 * on both. Each port's gic.c finds the four ranges (GICD, GICC, GICH, GICV)
 * in the DTB and gives the glue declared in gicv2.h.
 *
 * The hypervisor's side:
 *   - GICD enabled, GICC enabled with EOImode=1 (IHI0048B 4.4.1): a write
 *     to GICC_EOIR only drops the running priority, GICC_DIR deactivates.
 *   - Physical IRQs are routed to the hypervisor (HCR.IMO / HCR_EL2.IMO,
 *     each port's vcpu.c) and taken with the I bit masked: the guest exits
 *     (ARCH_EXIT_IRQ) or a WFI in the hypervisor wakes (arch_cpu_idle), and
 *     gicv2_irq acknowledges.
 *   - The only physical interrupt enabled is the PL1/EL1 virtual timer's PPI
 *     27, which fires in the hypervisor while a guest's CNTV_* is live in
 *     the CPU (the guest's timer stays loaded after an exit). It is
 *     acknowledged and its priority dropped, but left ACTIVE ("held"), so
 *     it cannot fire again. The core samples the guest's CNTV_* (vtimer.c)
 *     and puts virtual INTID 27 in a list register; while held, we write
 *     that list register with HW=1, PhysicalID=27 (IHI0048B 5.3.7), so the
 *     guest's EOI deactivates the physical interrupt as well. If the guest
 *     stops the timer another way (masks or reprograms it without EOI, or
 *     the list register goes elsewhere), the physical interrupt is
 *     deactivated here once the live timer output is low (release_quiet).
 *
 * The guest's side: the core emulates the distributor; the guest drives the
 * virtual CPU interface GICV directly, mapped at its GICC address
 * (arch_vgic_cpu_iface). List registers, GICH_VMCR and GICH_APR are saved
 * per vCPU (struct gicv2_vcpu, in each port's struct arch_vcpu) and loaded
 * around each run; GICH_HCR.En is set only while a guest runs. No
 * maintenance interrupt is used: state the list registers could not hold
 * reaches the guest at its next exit.
 */
#include "arch/gicv2/gicv2.h"
#include "arch/arch.h"
#include "arch/barrier.h"
#include "core/cntv_ctl.h"
#include "core/vm.h"
#include "lib/log.h"

/* Distributor (IHI0048B 4.3). */
#define GICD_CTLR       0x000u
#define GICD_ISENABLER  0x100u
#define GICD_ICENABLER  0x180u
#define GICD_ICPENDR    0x280u
#define GICD_ICACTIVER  0x380u
#define GICD_IPRIORITYR 0x400u
#define GICD_CTLR_EN    (1u << 0)

/* CPU interface (4.4). */
#define GICC_CTLR         0x0000u
#define GICC_PMR          0x0004u
#define GICC_IAR          0x000cu
#define GICC_EOIR         0x0010u
#define GICC_DIR          0x1000u
#define GICC_CTLR_EN      (1u << 0)
#define GICC_CTLR_EOIMODE (1u << 9) /* EOImodeS / EOImode without Security Ext. */
#define GICC_IAR_ID_MASK  0x3ffu
#define GICC_SPURIOUS     1020u /* 1020-1023: no interrupt to acknowledge */

/* Virtual interface control (5.3). */
#define GICH_HCR          0x000u
#define GICH_VTR          0x004u
#define GICH_VMCR         0x008u
#define GICH_APR          0x0f0u
#define GICH_LR0          0x100u
#define GICH_HCR_EN       (1u << 0)
#define GICH_VTR_LISTREGS 0x3fu

/* GICH_LRn (5.3.7). */
#define LR_VIRTUALID_MASK 0x3ffu
#define LR_PHYSID_SHIFT   10
#define LR_PHYSID_MASK    0x3ffu
#define LR_CPUID_SHIFT    10 /* HW=0: the source CPU of an SGI */
#define LR_CPUID_MASK     0x7u
#define LR_PRIORITY_SHIFT 23 /* the top five bits of the 8-bit priority */
#define LR_PRIORITY_MASK  0x1fu
#define LR_STATE_PENDING  (1u << 28)
#define LR_STATE_ACTIVE   (1u << 29)
#define LR_GRP1           (1u << 30)
#define LR_HW             (1u << 31)

/* The PL1/EL1 virtual timer's PPI on the virt machine (the DTB's /timer). */
#define PPI_VTIMER 27u
/* Its physical priority: any value below GICC_PMR. */
#define PPI_VTIMER_PRIO 0xa0u
#define GIC_PMR_ALL     0xf0u

/* The guest's GICC window: GICC_DIR is at 0x1000, so two pages. */
#define GICV_MAP_SIZE 0x2000u

static struct {
    bool ready;
    uint64_t gicd, gicc, gich, gicv, gicv_size;
    unsigned nlrs;
    bool held;         /* physical PPI 27 acknowledged, left active */
    bool stray_logged; /* an interrupt we never enabled */
} gic;

static uint32_t rd(uint64_t base, uint32_t off)
{
    return *(volatile uint32_t *)(uintptr_t)(base + off);
}

static void wr(uint64_t base, uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)(base + off) = v;
}

void gicv2_init(const struct gicv2_ranges *r)
{
    if (r->gicv_size < GICV_MAP_SIZE || ((r->gicv | r->gich | r->gicd | r->gicc) & 0xfff)) {
        log_warn("GICV 0x%llx+0x%llx cannot hold the guest's CPU interface: no vGIC\n",
                 (unsigned long long)r->gicv, (unsigned long long)r->gicv_size);
        return;
    }
    gic.gicd = r->gicd;
    gic.gicc = r->gicc;
    gic.gich = r->gich;
    gic.gicv = r->gicv;
    gic.gicv_size = GICV_MAP_SIZE;
    unsigned nlrs = (rd(gic.gich, GICH_VTR) & GICH_VTR_LISTREGS) + 1;
    gic.nlrs = nlrs < GICV2_MAX_LRS ? nlrs : GICV2_MAX_LRS;

    /* Hypervisor side: distributor on, everything of ours quiet, then PPI
     * 27 enabled (PPIs are banked: ISENABLER0 and IPRIORITYR0-7 are this
     * CPU's). */
    wr(gic.gicd, GICD_CTLR, GICD_CTLR_EN);
    wr(gic.gicd, GICD_ICENABLER, 0xffffffffu);
    wr(gic.gicd, GICD_ICPENDR, 0xffffffffu);
    wr(gic.gicd, GICD_ICACTIVER, 0xffffffffu);
    *(volatile uint8_t *)(uintptr_t)(gic.gicd + GICD_IPRIORITYR + PPI_VTIMER) = PPI_VTIMER_PRIO;
    wr(gic.gicd, GICD_ISENABLER, 1u << PPI_VTIMER);
    wr(gic.gicc, GICC_PMR, GIC_PMR_ALL);
    wr(gic.gicc, GICC_CTLR, GICC_CTLR_EN | GICC_CTLR_EOIMODE);
    wr(gic.gich, GICH_HCR, 0);
    dsb_sy();
    gic.ready = true;
    log_info("GICv2: distributor 0x%llx, CPU interface 0x%llx, GICH 0x%llx, GICV 0x%llx; "
             "%u list registers; vGIC on\n",
             (unsigned long long)gic.gicd, (unsigned long long)gic.gicc,
             (unsigned long long)gic.gich, (unsigned long long)gic.gicv, gic.nlrs);
}

/* The live timer's output (the guest's CNTV_* stay loaded in the CPU after
 * an exit): enabled, not masked, condition met. */
static bool vtimer_live_firing(void)
{
    uint32_t ctl = gicv2_arch_cntv_ctl();
    return (ctl & CNTV_CTL_ENABLE) && !(ctl & CNTV_CTL_IMASK) && (ctl & CNTV_CTL_ISTATUS);
}

/* Deactivate the held PPI 27 once the timer's output is low, so that the
 * timer's next expiry can fire again. */
static void release_quiet(void)
{
    if (gic.held && !vtimer_live_firing()) {
        wr(gic.gicc, GICC_DIR, PPI_VTIMER);
        gic.held = false;
    }
}

void gicv2_irq(void)
{
    if (!gic.ready)
        return;
    uint32_t iar = rd(gic.gicc, GICC_IAR);
    unsigned id = iar & GICC_IAR_ID_MASK;
    if (id >= GICC_SPURIOUS)
        return;
    wr(gic.gicc, GICC_EOIR, iar); /* priority drop only (EOImode=1) */
    if (id == PPI_VTIMER) {
        gic.held = true; /* deactivated by the guest's EOI or release_quiet */
        return;
    }
    wr(gic.gicc, GICC_DIR, iar);
    if (!gic.stray_logged) {
        gic.stray_logged = true;
        log_warn("GIC: interrupt %u we never enabled: dropped (logged once)\n", id);
    }
}

static bool lr_holds_vtimer(const struct gicv2_vcpu *g)
{
    for (unsigned i = 0; i < gic.nlrs; i++) {
        uint32_t lr = g->lr[i];
        if ((lr & LR_HW) && ((lr >> LR_PHYSID_SHIFT) & LR_PHYSID_MASK) == PPI_VTIMER &&
            (lr & (LR_STATE_PENDING | LR_STATE_ACTIVE)))
            return true;
    }
    return false;
}

void gicv2_enter(struct gicv2_vcpu *g)
{
    if (!gic.ready)
        return;
    for (unsigned i = 0; i < gic.nlrs; i++)
        wr(gic.gich, GICH_LR0 + 4 * i, g->lr[i]);
    wr(gic.gich, GICH_VMCR, g->vmcr);
    wr(gic.gich, GICH_APR, g->apr);
    wr(gic.gich, GICH_HCR, GICH_HCR_EN);
    /* No list register will deactivate the held timer interrupt: do it
     * here if the (just loaded) timer no longer fires. */
    if (!lr_holds_vtimer(g))
        release_quiet();
}

void gicv2_exit(struct gicv2_vcpu *g)
{
    if (!gic.ready)
        return;
    for (unsigned i = 0; i < gic.nlrs; i++) {
        uint32_t lr = rd(gic.gich, GICH_LR0 + 4 * i);
        uint32_t was = g->lr[i];
        /* A hardware list register for PPI 27 that went inactive: the
         * guest's EOI deactivated the physical interrupt. */
        if ((was & LR_HW) && ((was >> LR_PHYSID_SHIFT) & LR_PHYSID_MASK) == PPI_VTIMER &&
            !(lr & (LR_STATE_PENDING | LR_STATE_ACTIVE)))
            gic.held = false;
        g->lr[i] = lr;
    }
    g->vmcr = rd(gic.gich, GICH_VMCR);
    g->apr = rd(gic.gich, GICH_APR);
    wr(gic.gich, GICH_HCR, 0);
}

/* ---- The arch interface ------------------------------------------------------ */

unsigned arch_vgic_lr_count(void)
{
    return gic.ready ? gic.nlrs : 0;
}

void arch_vgic_lr_read(struct vcpu *vcpu, unsigned i, struct vgic_lr *lr)
{
    struct gicv2_vcpu *g = vcpu ? gicv2_vcpu_state(vcpu) : NULL;
    *lr = (struct vgic_lr){0};
    if (!g || i >= gic.nlrs)
        return;
    uint32_t v = g->lr[i];
    lr->virq = v & LR_VIRTUALID_MASK;
    lr->priority = (uint8_t)(((v >> LR_PRIORITY_SHIFT) & LR_PRIORITY_MASK) << 3);
    lr->pending = v & LR_STATE_PENDING;
    lr->active = v & LR_STATE_ACTIVE;
    lr->group1 = v & LR_GRP1;
    lr->hw = v & LR_HW;
    if (lr->hw)
        lr->pirq = (v >> LR_PHYSID_SHIFT) & LR_PHYSID_MASK;
    else
        lr->source = (uint8_t)((v >> LR_CPUID_SHIFT) & LR_CPUID_MASK);
}

void arch_vgic_lr_write(struct vcpu *vcpu, unsigned i, const struct vgic_lr *lr)
{
    struct gicv2_vcpu *g = vcpu ? gicv2_vcpu_state(vcpu) : NULL;
    if (!g || i >= gic.nlrs)
        return;
    uint32_t v = (lr->virq & LR_VIRTUALID_MASK) | (uint32_t)((lr->priority >> 3) & LR_PRIORITY_MASK)
                                                      << LR_PRIORITY_SHIFT;
    if (lr->pending)
        v |= LR_STATE_PENDING;
    if (lr->active)
        v |= LR_STATE_ACTIVE;
    if (lr->group1)
        v |= LR_GRP1;
    /* The timer's virtual interrupt while its physical one is held: linked
     * (HW=1), so the guest's EOI deactivates PPI 27. Not for pending+active,
     * which a hardware list register may not hold (IHI0048B 5.3.7). */
    bool link = lr->hw || (lr->virq == PPI_VTIMER && gic.held);
    if (link && !(lr->pending && lr->active) && (lr->pending || lr->active)) {
        unsigned pirq = lr->hw ? lr->pirq : PPI_VTIMER;
        v |= LR_HW | (pirq & LR_PHYSID_MASK) << LR_PHYSID_SHIFT;
    } else if (lr->virq < 16) {
        v |= (uint32_t)(lr->source & LR_CPUID_MASK) << LR_CPUID_SHIFT;
    }
    g->lr[i] = v;
}

bool arch_vgic_cpu_iface(paddr_t *pa, uint64_t *size)
{
    if (!gic.ready)
        return false;
    *pa = gic.gicv;
    *size = gic.gicv_size;
    return true;
}

/* The live virtual timer will fire (enabled, not masked): a WFI has a
 * wake-up to wait for. */
static bool vtimer_live_armed(void)
{
    uint32_t ctl = gicv2_arch_cntv_ctl();
    return (ctl & CNTV_CTL_ENABLE) && !(ctl & CNTV_CTL_IMASK);
}

void arch_cpu_idle(void)
{
    if (gic.ready) {
        release_quiet();
        if (!gic.held && vtimer_live_armed()) {
            /* A real wait: the live virtual timer (PPI 27) or any other
             * physical interrupt wakes it even with the I bit masked
             * (ARMv7-A ARM B1.8.13 "Wait For Interrupt"; Arm ARM D1.16.2),
             * and is acknowledged here. */
            dsb_sy();
            __asm__ volatile("wfi" ::: "memory");
            gicv2_irq();
            return;
        }
    }
    /* No GIC; or the timer interrupt is held for a guest that has not
     * EOIed it, or not armed, so nothing we enabled could end a WFI (the
     * core idles for device interrupts too, and no physical device
     * interrupt is routed to us yet): WFE, which the event stream
     * (CNTHCTL.EVNTEN / CNTHCTL_EL2.EVNTEN) ends within about a millisecond
     * on hardware, and which QEMU treats as a yield. */
    dsb_sy();
    __asm__ volatile("wfe" ::: "memory");
}
