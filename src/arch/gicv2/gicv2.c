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
 *     the core acknowledges them (arch_irq_ack) and decides what they mean.
 *   - Enabled: the hypervisor's own timer, PPI 26 (CNTHP, the core's time
 *     slices and wake-up deadlines); the EL1 virtual timer's PPI 27 (fires while a guest's CNTV_*
 *     is live in the CPU; the core keeps it active, links it to the
 *     guest's PPI 27 and deactivates it at the guest's EOI: core/vgic_lr.c) and
 *     the maintenance interrupt, PPI 25 (5.3.4 GICH_MISR), which the core
 *     asks for through GICH_HCR.UIE/NPIE and the LRs' EOI bit, and the
 *     hypervisor's own timer (CNTHP), PPI 26, which the core sets for the
 *     deadlines it keeps (arch_hyp_timer_arm, core/htimer.c). When guests
 *     get the host's PMU (arch_pmu_counters), its overflow interrupt, PPI
 *     23, which the core keeps active while the loaded vCPU's overflow
 *     level is high (core/vpmu.c). All are the numbers of the
 *     Arm Base System Architecture's PPI map, which QEMU virt follows. And,
 *     when the DTB names it, the console PL011's SPI (gicv2_console_irq):
 *     typed input wakes the hypervisor; and the SPIs of the devices
 *     armvisor drives itself (gicv2_device_irq: the host disk's
 *     completions), reported as ARCH_IRQ_DEVICE, whose handler
 *     arch_irq_device runs. And on every CPU SGI 0, the kick one CPU sends
 *     another (arch_cpu_kick, ARCH_IRQ_KICK), and SGI 1, the list-register
 *     kick (arch_cpu_kick_lr), which arch_vcpu_run takes and ends itself
 *     when it ends a guest's run (gicv2_take_lr_kick) and arch_irq_ack
 *     reports as ARCH_IRQ_KICK anywhere else.
 *   - Per physical CPU (gicv2_cpu_init, each CPU for itself): the banked
 *     SGI/PPI enables and priorities, the CPU interface, GICH, and which
 *     list registers its GICH holds; the distributor's global part once.
 *
 * The guest's side: the core emulates the distributor; the guest drives the
 * virtual CPU interface GICV directly, mapped at its GICC address
 * (arch_vgic_cpu_iface). List registers, GICH_VMCR, GICH_APR and the
 * maintenance enables are saved per vCPU (struct gicv2_vcpu, in each port's
 * struct arch_vcpu) and loaded around each run; GICH_HCR.En is set only
 * while a guest runs. Only list registers that hold something are written
 * on entry and read on exit (GICH_ELRSR says which the guest emptied), so a
 * vCPU with no interrupt in flight costs three GICH accesses each way.
 */
#include "arch/gicv2/gicv2.h"
#include "arch/arch.h"
#include "arch/barrier.h"
#include "arch/boot/smp.h"
#include "core/cntv_ctl.h"
#include "core/pcpu.h"
#include "core/vm.h"
#include "lib/log.h"

/* Distributor (IHI0048B 4.3). */
#define GICD_CTLR               0x000u
#define GICD_ISENABLER          0x100u
#define GICD_ICENABLER          0x180u
#define GICD_ICPENDR            0x280u
#define GICD_ICACTIVER          0x380u
#define GICD_IPRIORITYR         0x400u
#define GICD_ITARGETSR          0x800u
#define GICD_ICFGR              0xc00u
#define GICD_SGIR               0xf00u
#define GICD_CTLR_EN            (1u << 0)
#define GICD_SGIR_TARGETS_SHIFT 16 /* CPUTargetList; TargetListFilter 0: the list */

/* CPU interface (4.4). */
#define GICC_CTLR         0x0000u
#define GICC_PMR          0x0004u
#define GICC_IAR          0x000cu
#define GICC_EOIR         0x0010u
#define GICC_HPPIR        0x0018u /* highest priority pending interrupt (4.4.8) */
#define GICC_DIR          0x1000u
#define GICC_CTLR_EN      (1u << 0)
#define GICC_CTLR_EOIMODE (1u << 9) /* EOImodeS / EOImode without Security Ext. */
#define GICC_IAR_ID_MASK  0x3ffu
#define GICC_IAR_CPU_MASK 0x1c00u /* SGIs: the source CPU, which GICC_DIR needs too */
#define GICC_SPURIOUS     1020u   /* 1020-1023: no interrupt to acknowledge */

/* Virtual interface control (5.3). */
#define GICH_HCR          0x000u
#define GICH_VTR          0x004u
#define GICH_VMCR         0x008u
#define GICH_ELRSR0       0x030u
#define GICH_ELRSR1       0x034u
#define GICH_APR          0x0f0u
#define GICH_LR0          0x100u
#define GICH_HCR_EN       (1u << 0)
#define GICH_HCR_UIE      (1u << 1)
#define GICH_HCR_NPIE     (1u << 3)
#define GICH_VTR_LISTREGS 0x3fu
#define GICD_ISACTIVER    0x300u

/* GICH_LRn (5.3.7). */
#define LR_VIRTUALID_MASK 0x3ffu
#define LR_PHYSID_SHIFT   10
#define LR_PHYSID_MASK    0x3ffu
#define LR_CPUID_SHIFT    10 /* HW=0: the source CPU of an SGI */
#define LR_CPUID_MASK     0x7u
#define LR_PRIORITY_SHIFT 23 /* the top five bits of the 8-bit priority */
#define LR_PRIORITY_MASK  0x1fu
#define LR_EOI            (1u << 19) /* HW=0: maintenance interrupt on EOI */
#define LR_STATE_PENDING  (1u << 28)
#define LR_STATE_ACTIVE   (1u << 29)
#define LR_GRP1           (1u << 30)
#define LR_HW             (1u << 31)

/* The PL1/EL1 virtual timer's PPI and the GIC maintenance PPI (Arm BSA PPI
 * map; QEMU virt's DTB /timer and GIC node say the same). */
#define PPI_VTIMER   27u
#define PPI_MAINT    25u
#define PPI_HYPTIMER 26u /* the EL2 / Hyp physical timer, CNTHP */
#define PPI_PMU      23u /* the PMU's overflow interrupt */
/* The SGI one CPU sends another to make it look at its run queue
 * (arch_cpu_kick, ARCH_IRQ_KICK). Host SGIs are the hypervisor's: a guest's
 * SGIs are virtual (the core's distributor model, list registers), so no
 * guest ever sees or sends this one. */
#define SGI_KICK 0u
/* The list-register kick (arch_cpu_kick_lr): the CPU writes what another
 * posted into its running vCPU's list registers (gicv2_take_lr_kick). */
#define SGI_LR_KICK 1u
#define SGI_MAX     15u
/* Their physical priority: any value below GICC_PMR. The list-register
 * kick is more urgent than all the others, so that when GICC_HPPIR names it
 * the next acknowledge returns it (gicv2_take_lr_kick). */
#define PPI_PRIO     0xa0u
#define LR_KICK_PRIO 0x90u
#define GIC_PMR_ALL  0xf0u
#define LR_STATE     (LR_STATE_PENDING | LR_STATE_ACTIVE)

/* The guest's GICC window: GICC_DIR is at 0x1000, so two pages. */
#define GICV_MAP_SIZE 0x2000u

static struct {
    bool ready;
    uint64_t gicd, gicc, gich, gicv, gicv_size;
    unsigned nlrs;
    unsigned console_intid; /* the console UART's line, 0: not enabled */
    /* Devices armvisor drives itself (the host disk): their SPI and the
     * driver's completion handler (gicv2_device_irq). */
    struct {
        unsigned intid;
        void (*handler)(void *ctx);
        void *ctx;
    } dev[GICV2_MAX_DEVICE_IRQS];
    unsigned ndev;
} gic;

/* What the banked CPU interface and GICH of each physical CPU hold, indexed
 * by arch_cpu_id(); written by that CPU only (iface by gicv2_cpu_init, read
 * by any CPU sending it a kick). */
static struct gic_cpu {
    uint32_t hw_valid; /* list registers valid in this CPU's GICH now */
    uint8_t iface;     /* its CPU interface's bit in GICD_ITARGETSR / SGIR
                          targets; 0: not set up (no kicks to it) */
    /* GICC_IAR read by gicv2_take_lr_kick for another interrupt: active,
     * arch_irq_ack's to report next; 0 when none (IAR_STASHED marks one). */
    uint32_t stashed_iar;
} gic_cpu[PCPU_MAX];

#define IAR_STASHED (1u << 31)

static struct gic_cpu *this_gic_cpu(void)
{
    return &gic_cpu[arch_cpu_id()];
}

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

    /* Hypervisor side: the distributor on, then this CPU's interface. */
    wr(gic.gicd, GICD_CTLR, GICD_CTLR_EN);
    gic.ready = true;
    gicv2_cpu_init();
    log_info("GICv2: distributor 0x%llx, CPU interface 0x%llx, GICH 0x%llx, GICV 0x%llx; "
             "%u list registers; vGIC on\n",
             (unsigned long long)gic.gicd, (unsigned long long)gic.gicc,
             (unsigned long long)gic.gich, (unsigned long long)gic.gicv, gic.nlrs);
}

void gicv2_cpu_init(void)
{
    if (!gic.ready)
        return;
    /* Everything banked for this CPU quiet (SGIs and PPIs: ISENABLER0,
     * ICPENDR0, ICACTIVER0 and IPRIORITYR0-7 are per CPU, IHI0048B 4.3),
     * then the PPIs and the kick SGI armvisor takes enabled. */
    wr(gic.gicd, GICD_ICENABLER, 0xffffffffu);
    wr(gic.gicd, GICD_ICPENDR, 0xffffffffu);
    wr(gic.gicd, GICD_ICACTIVER, 0xffffffffu);
    static const uint8_t ours[] = {PPI_VTIMER, PPI_MAINT, PPI_HYPTIMER, SGI_KICK, SGI_LR_KICK};
    uint32_t enable = 0;
    for (unsigned i = 0; i < sizeof(ours); i++) {
        *(volatile uint8_t *)(uintptr_t)(gic.gicd + GICD_IPRIORITYR + ours[i]) =
            ours[i] == SGI_LR_KICK ? LR_KICK_PRIO : PPI_PRIO;
        enable |= 1u << ours[i];
    }
    if (arch_pmu_counters() >= 0) { /* a PMU to give: its overflow PPI too */
        *(volatile uint8_t *)(uintptr_t)(gic.gicd + GICD_IPRIORITYR + PPI_PMU) = PPI_PRIO;
        enable |= 1u << PPI_PMU;
    }
    wr(gic.gicd, GICD_ISENABLER, enable);
    wr(gic.gicc, GICC_PMR, GIC_PMR_ALL);
    wr(gic.gicc, GICC_CTLR, GICC_CTLR_EN | GICC_CTLR_EOIMODE);
    wr(gic.gich, GICH_HCR, 0);
    for (unsigned i = 0; i < gic.nlrs; i++)
        wr(gic.gich, GICH_LR0 + 4 * i, 0);
    /* This CPU's interface number: ITARGETSR0-7 read back the reading
     * CPU's own bit (4.3.12); 0 on a uniprocessor GIC, which needs no
     * kicks. */
    struct gic_cpu *me = this_gic_cpu();
    me->hw_valid = 0;
    me->stashed_iar = 0;
    dsb_sy();
    __atomic_store_n(&me->iface, *(volatile uint8_t *)(uintptr_t)(gic.gicd + GICD_ITARGETSR),
                     __ATOMIC_RELEASE);
}

/* Host SGI sgi to another CPU; false for this CPU or none. */
static bool sgi_to(unsigned cpu, unsigned sgi)
{
    if (cpu >= PCPU_MAX || cpu == arch_cpu_id())
        return false;
    uint8_t target = gic.ready ? __atomic_load_n(&gic_cpu[cpu].iface, __ATOMIC_ACQUIRE) : 0;
    if (target) {
        /* What the kick is about (a pending interrupt, a run queue, a
         * post) is in memory: visible before the SGI can be taken (a DSB
         * orders Normal stores before a Device write to another observer).
         * No target: the CPU is not online (or the GIC is uniprocessor). */
        dsb_ish();
        wr(gic.gicd, GICD_SGIR, (uint32_t)target << GICD_SGIR_TARGETS_SHIFT | sgi);
    }
    return true;
}

void arch_cpu_kick(unsigned cpu)
{
    /* And an event: a CPU waiting in WFE (arch_cpu_idle with nothing that
     * could end a WFI, or no GIC at all) looks again without waiting for
     * the event stream. */
    if (sgi_to(cpu, SGI_KICK))
        arch_cpu_send_event();
}

void arch_cpu_kick_lr(unsigned cpu)
{
    sgi_to(cpu, SGI_LR_KICK);
}

bool gicv2_take_lr_kick(void)
{
    /* A look first: any other interrupt stays pending for arch_irq_ack. */
    if (!gic.ready || (rd(gic.gicc, GICC_HPPIR) & GICC_IAR_ID_MASK) != SGI_LR_KICK)
        return false;
    uint32_t iar = rd(gic.gicc, GICC_IAR);
    unsigned id = iar & GICC_IAR_ID_MASK;
    if (id == SGI_LR_KICK) {
        wr(gic.gicc, GICC_EOIR, iar);
        wr(gic.gicc, GICC_DIR, iar & (GICC_IAR_ID_MASK | GICC_IAR_CPU_MASK));
        return true;
    }
    /* Nothing is more urgent, so this does not happen; if a GIC ever
     * returns another, it is active now: arch_irq_ack reports it next. */
    if (id < GICC_SPURIOUS)
        this_gic_cpu()->stashed_iar = iar | IAR_STASHED;
    return false;
}

/* Route SPI or PPI intid to this CPU at armvisor's priority,
 * level-sensitive, cleared and enabled. */
static void irq_enable(unsigned intid)
{
    uint32_t bit = 1u << (intid % 32), word = 4 * (intid / 32);
    wr(gic.gicd, GICD_ICENABLER + word, bit);
    *(volatile uint8_t *)(uintptr_t)(gic.gicd + GICD_IPRIORITYR + intid) = PPI_PRIO;
    if (intid >= 32) {
        /* Level-sensitive: GICD_ICFGR Int_config[1] clear (IHI0048B
         * 4.3.13). */
        uint32_t off = GICD_ICFGR + 4 * (intid / 16), shift = 2 * (intid % 16) + 1;
        wr(gic.gicd, off, rd(gic.gicd, off) & ~(1u << shift));
        /* To this CPU: ITARGETSR0-7 read as this CPU's own bit (4.3.12);
         * a uniprocessor GIC has them RAZ/WI, and routes everything to
         * its one CPU anyway. */
        uint8_t self = *(volatile uint8_t *)(uintptr_t)(gic.gicd + GICD_ITARGETSR);
        if (self)
            *(volatile uint8_t *)(uintptr_t)(gic.gicd + GICD_ITARGETSR + intid) = self;
    }
    wr(gic.gicd, GICD_ICPENDR + word, bit);
    wr(gic.gicd, GICD_ISENABLER + word, bit);
    dsb_sy();
}

/* intid is already armvisor's (a PPI it enabled, the console, a device). */
static bool irq_taken(unsigned intid)
{
    if (intid == PPI_VTIMER || intid == PPI_MAINT || intid == PPI_HYPTIMER ||
        intid == gic.console_intid)
        return true;
    for (unsigned i = 0; i < gic.ndev; i++)
        if (gic.dev[i].intid == intid)
            return true;
    return false;
}

bool gicv2_console_irq(unsigned intid)
{
    if (!gic.ready || intid < 16 || intid >= GICC_SPURIOUS || irq_taken(intid))
        return false;
    irq_enable(intid); /* a PL011's UARTINTR is a level */
    gic.console_intid = intid;
    log_info("console input by interrupt: INTID %u\n", intid);
    return true;
}

bool gicv2_device_irq(unsigned intid, void (*handler)(void *ctx), void *ctx)
{
    if (!gic.ready || intid < 32 || intid >= GICC_SPURIOUS || irq_taken(intid) ||
        gic.ndev == GICV2_MAX_DEVICE_IRQS)
        return false;
    gic.dev[gic.ndev].intid = intid;
    gic.dev[gic.ndev].handler = handler;
    gic.dev[gic.ndev].ctx = ctx;
    gic.ndev++;
    irq_enable(intid);
    return true;
}

void arch_irq_device(unsigned intid)
{
    for (unsigned i = 0; i < gic.ndev; i++)
        if (gic.dev[i].intid == intid) {
            gic.dev[i].handler(gic.dev[i].ctx);
            return;
        }
}

void gicv2_enter(struct gicv2_vcpu *g)
{
    if (!gic.ready)
        return;
    /* Write what this vCPU has, and clear what the last run left valid. */
    struct gic_cpu *me = this_gic_cpu();
    uint32_t todo = g->valid | me->hw_valid;
    for (unsigned i = 0; todo; i++, todo >>= 1)
        if (todo & 1)
            wr(gic.gich, GICH_LR0 + 4 * i, g->lr[i]);
    me->hw_valid = g->valid;
    wr(gic.gich, GICH_VMCR, g->vmcr);
    wr(gic.gich, GICH_APR, g->apr);
    wr(gic.gich, GICH_HCR, GICH_HCR_EN | g->hcr_maint);
}

void gicv2_exit(struct gicv2_vcpu *g)
{
    if (!gic.ready)
        return;
    /* A list register only goes from valid to empty while the guest runs,
     * so only those we loaded valid can have changed. */
    struct gic_cpu *me = this_gic_cpu();
    if (me->hw_valid) {
        uint32_t empty = rd(gic.gich, GICH_ELRSR0);
        for (unsigned i = 0; i < gic.nlrs; i++) {
            if (!((me->hw_valid >> i) & 1))
                continue;
            g->lr[i] = ((empty >> i) & 1) ? 0 : rd(gic.gich, GICH_LR0 + 4 * i);
        }
        me->hw_valid &= ~empty;
        g->valid = me->hw_valid;
    }
    g->vmcr = rd(gic.gich, GICH_VMCR);
    g->apr = rd(gic.gich, GICH_APR);
    /* Virtual CPU interface off: the maintenance interrupt drops with it. */
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

/* GICH_LR's encoding of lr (IHI0048B 5.3.7). Inline: the flush's path. */
static inline __attribute__((always_inline)) uint32_t lr_encode(const struct vgic_lr *lr)
{
    uint32_t v = (lr->virq & LR_VIRTUALID_MASK) | (uint32_t)((lr->priority >> 3) & LR_PRIORITY_MASK)
                                                      << LR_PRIORITY_SHIFT;
    if (lr->pending)
        v |= LR_STATE_PENDING;
    if (lr->active)
        v |= LR_STATE_ACTIVE;
    if (lr->group1)
        v |= LR_GRP1;
    if (lr->hw)
        v |= LR_HW | (lr->pirq & LR_PHYSID_MASK) << LR_PHYSID_SHIFT;
    else if (lr->virq < 16)
        v |= (uint32_t)(lr->source & LR_CPUID_MASK) << LR_CPUID_SHIFT;
    if (!lr->hw && lr->eoi_maint)
        v |= LR_EOI;
    return v;
}

void arch_vgic_lr_write(struct vcpu *vcpu, unsigned i, const struct vgic_lr *lr)
{
    struct gicv2_vcpu *g = vcpu ? gicv2_vcpu_state(vcpu) : NULL;
    if (!g || i >= gic.nlrs)
        return;
    uint32_t v = lr_encode(lr);
    g->lr[i] = v;
    if (v & LR_STATE)
        g->valid |= 1u << i;
    else
        g->valid &= ~(1u << i);
}

uint64_t arch_vgic_lr_encode(const struct vgic_lr *lr)
{
    return lr_encode(lr);
}

void arch_vgic_lr_post(struct vcpu *vcpu, unsigned i, uint64_t value, bool in_cpu)
{
    struct gicv2_vcpu *g = vcpu ? gicv2_vcpu_state(vcpu) : NULL;
    if (!g || i >= gic.nlrs)
        return;
    uint32_t bit = 1u << i, v = (uint32_t)value;
    if (in_cpu) {
        /* In GICH: one read says whether the guest emptied it. */
        uint32_t cur = rd(gic.gich, GICH_LR0 + 4 * i);
        wr(gic.gich, GICH_LR0 + 4 * i, (cur & LR_STATE) ? cur | LR_STATE_PENDING : v);
        this_gic_cpu()->hw_valid |= bit;
    } else {
        g->lr[i] = (g->valid & bit) ? g->lr[i] | LR_STATE_PENDING : v;
        g->valid |= bit;
    }
}

uint64_t arch_vgic_lr_empty(struct vcpu *vcpu)
{
    struct gicv2_vcpu *g = vcpu ? gicv2_vcpu_state(vcpu) : NULL;
    if (!g)
        return 0;
    /* valid: the list registers that hold a state (arch_vgic_lr_write, and
     * gicv2_exit from GICH_ELRSR0). */
    return ~(uint64_t)g->valid & ((1ull << gic.nlrs) - 1);
}

void arch_vgic_set_maint(struct vcpu *vcpu, unsigned flags)
{
    struct gicv2_vcpu *g = vcpu ? gicv2_vcpu_state(vcpu) : NULL;
    if (!g)
        return;
    g->hcr_maint = ((flags & VGIC_MAINT_UNDERFLOW) ? GICH_HCR_UIE : 0) |
                   ((flags & VGIC_MAINT_NO_PENDING) ? GICH_HCR_NPIE : 0);
}

bool arch_irq_ack(struct arch_irq *irq)
{
    if (!gic.ready)
        return false;
    /* Whatever other CPUs asked of this one first (a kick may be why). */
    boot_smp_service();
    struct gic_cpu *me = this_gic_cpu();
    uint32_t iar = me->stashed_iar & ~IAR_STASHED;
    if (me->stashed_iar)
        me->stashed_iar = 0; /* acknowledged already: gicv2_take_lr_kick */
    else
        iar = rd(gic.gicc, GICC_IAR);
    unsigned id = iar & GICC_IAR_ID_MASK;
    if (id >= GICC_SPURIOUS)
        return false;
    wr(gic.gicc, GICC_EOIR, iar); /* priority drop only (EOImode=1) */
    /* An SGI's INTID keeps its source CPU (IAR bits 12:10): GICC_DIR must
     * name it to deactivate that SGI (IHI0048B 4.4.15). */
    irq->intid = iar & (GICC_IAR_ID_MASK | GICC_IAR_CPU_MASK);
    irq->kind = id == SGI_KICK || id == SGI_LR_KICK              ? ARCH_IRQ_KICK
                : id == PPI_VTIMER                               ? ARCH_IRQ_VTIMER
                : id == PPI_HYPTIMER                             ? ARCH_IRQ_HYP_TIMER
                : id == PPI_MAINT                                ? ARCH_IRQ_VGIC_MAINT
                : id == PPI_PMU                                  ? ARCH_IRQ_PMU
                : (gic.console_intid && id == gic.console_intid) ? ARCH_IRQ_CONSOLE
                                                                 : ARCH_IRQ_OTHER;
    for (unsigned i = 0; irq->kind == ARCH_IRQ_OTHER && i < gic.ndev; i++)
        if (gic.dev[i].intid == id)
            irq->kind = ARCH_IRQ_DEVICE;
    return true;
}

void arch_irq_deactivate(unsigned intid)
{
    if (gic.ready)
        wr(gic.gicc, GICC_DIR, intid & (GICC_IAR_ID_MASK | GICC_IAR_CPU_MASK));
}

bool arch_vgic_cpu_iface(paddr_t *pa, uint64_t *size)
{
    if (!gic.ready)
        return false;
    *pa = gic.gicv;
    *size = gic.gicv_size;
    return true;
}

/* The live virtual timer will fire (enabled, not masked) and its PPI is not
 * held active for a guest: a WFI has a wake-up to wait for. */
static bool vtimer_can_wake(void)
{
    uint32_t ctl = gicv2_arch_cntv_ctl();
    if (!(ctl & CNTV_CTL_ENABLE) || (ctl & CNTV_CTL_IMASK))
        return false;
    return !((rd(gic.gicd, GICD_ISACTIVER) >> PPI_VTIMER) & 1);
}

void arch_cpu_idle(void)
{
    dsb_sy();
    if (gic.ready &&
        (gic.console_intid || gic.ndev || vtimer_can_wake() || gicv2_arch_hyp_timer_armed())) {
        /* A real wait: the live virtual timer (PPI 27), the hypervisor's
         * own timer (PPI 26, armed for a deadline: core/htimer.c), console
         * input (the UART's SPI, deactivated as soon as it is handled), a
         * device of armvisor's completing a request (the host disk) or any
         * other physical interrupt wakes it even with the I bit masked
         * (ARMv7-A ARM B1.8.13 "Wait For Interrupt"; Arm ARM D1.16.2); it
         * stays pending for the core's arch_irq_ack. */
        __asm__ volatile("wfi" ::: "memory");
        return;
    }
    /* No GIC, or nothing we enabled could end a WFI (no console interrupt
     * in the DTB, the timer not armed): WFE, which the event stream
     * (CNTHCTL.EVNTEN / CNTHCTL_EL2.EVNTEN) ends within about a millisecond
     * on hardware, and which QEMU treats as a yield. */
    __asm__ volatile("wfe" ::: "memory");
}
