/*
 * The virtual GIC: a GICv2 model per VM (ARM IHI 0048B, "GIC architecture
 * specification v2"), split like KVM's vgic/ directory so that GICv3 adds
 * files instead of editing these:
 *
 *   vgic.c          attach, device lines, SGIs, the WFI wait
 *   vgic_irq.c      one interrupt's semantics: enable, pending, active,
 *                   priority, group, config, routing, and where it queues
 *   vgic_aplist.c   the per-vCPU list of interrupts in flight
 *   vgic_lr.c       list registers: flush before entry, sync after exit
 *   vgic_post.c     an SGI written into a running vCPU's list registers by
 *                   its own CPU on another's behalf, without its exit path
 *   vgic_v2_dist.c  the GICv2 distributor's register map (IHI0048B 4.3)
 *   vtimer.c        the EL1 virtual timer, a level-sensitive PPI 27, and its
 *                   hardware link to the host's timer PPI
 *   ptimer.c        the EL1 physical timer, emulated, a level-sensitive PPI 30
 *   vpmu.c          the PMU's overflow interrupt, a level-sensitive PPI 23
 *   host_irq.c      physical interrupts armvisor takes (timers, maintenance,
 *                   console input: console_in.c)
 *
 * Cost follows the interrupts in flight: an interrupt that is pending or
 * active for a vCPU sits on that vCPU's in-flight list (KVM's ap_list), and
 * flush and sync walk that list and the list registers in use, never the
 * VM's whole interrupt space. A vCPU whose state did not change since its
 * last entry has its list registers left as the hardware holds them.
 *
 * The guest's CPU interface (GICV_IAR/EOIR...) is the hardware's virtual CPU
 * interface, fed through the arch's list registers; the core never emulates
 * it. A VM has a vGIC only when vgic_attach was called (vm_launch does it when
 * arch_vgic_lr_count() > 0); without one, the run loop behaves as if no
 * interrupt controller existed.
 *
 * Concurrency: the vCPUs of a VM run on several physical CPUs, so one lock
 * per vGIC (vgic->lock) protects everything in struct vgic: every
 * interrupt's state, the in-flight lists and each vCPU's list-register
 * slots. The entry points take it (vgic_lock): the distributor's MMIO
 * handler, vgic_inject / vgic_line_set, vgic_send_sgi, flush, sync and
 * vgic_lrs_lost, the vCPU-level questions, the timers' samples
 * (vtimer_sync, vtimer_host_irq, vtimer_release, ptimer_sync). They call one
 * another (a flush samples the timer), so the CPU that holds the lock may
 * take it again: a nesting count, only ever touched by the holder. The
 * list registers are synced back right after each exit on the vCPU's own
 * CPU under the lock, so between two entries the state here is the whole
 * truth; another CPU may change the model while the vCPU runs (an SGI, a
 * device), marks the vCPU dirty and kicks its CPU (vgic_irq_changed ->
 * sched_kick), and the next flush there writes it.
 *
 * Lock order: vm->lock, the VM's mmio.lock, vgic->lock, then a pcpu->lock
 * (vgic_irq_changed wakes a vCPU with sched_kick while holding it). A CPU
 * never holds two vGICs' locks.
 */
#ifndef CORE_VGIC_H
#define CORE_VGIC_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"
#include "core/mmio.h"
#include "core/virt_layout.h"
#include "core/vm.h"

/* Interrupt ID ranges (IHI0048B 2.2.1). */
#define VGIC_NR_SGIS      16u
#define VGIC_NR_PRIVATE   32u  /* SGIs + PPIs, banked per CPU interface */
#define VGIC_MAX_SPIS     224u /* up to INTID 255: ITLinesNumber 7 */
#define VGIC_SPURIOUS     1023u
#define VGIC_DEFAULT_SPIS VIRT_SPI_COUNT /* ITLinesNumber 3: INTIDs 0-127 */

/* The guest machine's addresses and interrupt numbers come from the one
 * layout header (core/virt_layout.h, QEMU virt's); the names below are the
 * vGIC's view of them. The distributor's register map (IHI0048B table 4-1)
 * ends at 0xFFC: one page. */
#define VGIC_DIST_BASE  VIRT_GICD_BASE
#define VGIC_DIST_SIZE  0x1000ull
#define VGIC_CPU_BASE   VIRT_GICC_BASE /* where the arch maps GICV */
#define VGIC_PPI_VTIMER (16u + VIRT_TIMER_PPI_VIRT)
#define VGIC_PPI_PTIMER (16u + VIRT_TIMER_PPI_PHYS)
#define VGIC_PPI_PMU    (16u + VIRT_PMU_PPI)
#define VGIC_SPI_UART   VIRT_PL011_INTID

/* List registers the core tracks per vCPU (GICv2 allows up to 64; GIC-400
 * has 4). An arch with more uses only the first VGIC_MAX_LRS. */
#define VGIC_MAX_LRS 16u

/* Device lines (vgic_line) a VM can have connected. */
#define VGIC_MAX_LINES 8u

/* One interrupt's distributor state (IHI0048B 3.2.4: inactive, pending,
 * active, active and pending). Changed only through vgic_irq.c's setters,
 * which keep the in-flight lists true. */
struct vgic_irq {
    struct vgic_irq *ap_next; /* in-flight list link */
    int8_t ap_vcpu;           /* the vCPU whose in-flight list holds it, or -1 */
    int8_t owner;             /* INTIDs 0-31: the vCPU of this bank; SPIs: -1 */
    uint16_t intid;
    bool hw; /* linked to physical interrupt pirq (the timer: vtimer.c) */
    uint16_t pirq;
    bool enabled; /* GICD_ISENABLER */
    bool latch;   /* edge: a rising edge or a write to GICD_ISPENDR made it
                     pending; level: GICD_ISPENDR only (software pending) */
    bool line;    /* the input line as the device drives it */
    bool active;  /* GICD_ISACTIVER */
    bool level;   /* GICD_ICFGR: level-sensitive (false: edge-triggered) */
    bool group1;  /* GICD_IGROUPR */
    uint8_t priority;
    uint8_t targets;     /* SPIs: GICD_ITARGETSR CPU mask */
    uint8_t sgi_pending; /* SGIs: pending per source CPU (GICD_SPENDSGIR) */
    /* SGIs: sources that sent it again while it was pending in a list
     * register of a vCPU that may be running: the guest may have taken the
     * first without an exit, so the model cannot tell a merge (not taken
     * yet) from a new instance (taken). The vCPU's next sync decides from
     * its list register, as KVM's model does; its flush clears it. */
    uint8_t sgi_again;
    uint8_t active_src; /* SGIs: the source of the active instance */
    int8_t active_on;   /* SPIs: the vCPU that has it active, or -1 */
};

/* What vgic_lr.c put into list register i of a vCPU. */
struct vgic_lr_slot {
    bool used;
    struct vgic_irq *irq;
    struct vgic_lr lr; /* as written */
};

/* Work counters (vgic_lr.c): what flush and sync cost, counted rather than
 * timed, so tests can bound it. */
struct vgic_work {
    uint64_t flushes, flush_skips; /* flushes that wrote / left the LRs */
    uint64_t list_steps;           /* in-flight entries visited */
    uint64_t sorts;                /* in-flight list sorts */
    uint64_t lr_writes, lr_reads;
    uint64_t underflows; /* entries with UIE set: more than fit */
    uint64_t maint_irqs; /* maintenance interrupts taken */
    uint64_t posts;      /* SGIs posted to its list registers (vgic_post.c) */
    uint64_t post_takes; /* list-register kicks that applied posts, no exit path */
};

struct vgic_cpu {
    struct vgic_irq priv[VGIC_NR_PRIVATE];
    struct vgic_lr_slot lr[VGIC_MAX_LRS];
    struct vgic_irq *ap_head; /* in flight: pending or active for this vCPU */
    unsigned ap_len;
    bool ap_unsorted; /* an entry was added or its rank changed */
    /* The LRs no longer say what the model says. Set under vgic->lock by
     * whoever changes the model (vgic_cpu_mark_dirty); the vCPU's own CPU
     * reads it without the lock on entry (vgic_flush_lrs): a CPU that sets
     * it for a vCPU running elsewhere kicks that CPU afterwards (sched_kick),
     * so a stale read there only means one more exit. */
    bool dirty;
    /* Bit i: slot lr[i] is used. Written under the lock (by the vCPU's CPU,
     * and by a CPU posting an SGI to it: vgic_post.c), with atomic stores;
     * read without it by the vCPU's CPU alone (vgic_sync_lrs's fast path),
     * where a stale value only costs or skips a sync that finds nothing. */
    unsigned lr_used;
    /* Posted list registers (vgic_post.c): post is VGIC_POST_OPEN while the
     * vCPU's list registers may be posted to (from its flush to its sync),
     * with the CPU it runs on and the posted registers' mask; posted[i]
     * the SGI posted to register i. Atomics: the vCPU's CPU takes them
     * without the lock. */
    uint32_t post;
    uint64_t posted[VGIC_MAX_LRS]; /* arch_vgic_lr_encode's */
    /* Bit i: posted[i] is what posting lr[i]'s SGI writes, kept from its
     * first post until the next flush (which may reassign the slots and
     * clears it). Under the lock. */
    uint32_t post_cached;
    unsigned maint;                /* VGIC_MAINT_* last given to the arch */
    uint64_t idles;                /* arch_cpu_idle calls made for this vCPU's WFIs */
    struct vgic_work work;
};

struct vgic_line {
    struct vm *vm;
    int vcpu; /* PPIs: the vCPU; SPIs: -1 */
    unsigned intid;
};

struct vgic {
    /* Protects every field here but vm (set once); see the top of this
     * file. depth: how many times the holder has taken it. */
    struct spinlock lock;
    unsigned depth;
    struct vm *vm;
    unsigned nspis; /* multiple of 32 */
    bool posts;     /* several vCPUs: SGIs may be posted (vgic_post.c) */
    uint32_t ctlr;  /* GICD_CTLR: EnableGrp0 (bit 0), EnableGrp1 (bit 1) */
    struct vgic_irq spi[VGIC_MAX_SPIS];
    /* Bit i of word w: spi[w * 32 + i] is enabled (vgic_irq_set_enabled),
     * so a WFI's "could anything wake it" looks at the enabled SPIs only. */
    uint32_t spi_enabled[VGIC_MAX_SPIS / 32];
    struct vgic_cpu cpu[VM_MAX_VCPUS];
    struct vgic_line lines[VGIC_MAX_LINES];
    unsigned nlines;
    struct mmio_dev dist;
    bool reserved_logged, wfi_logged, lr_overflow_logged;
};

/* Mark the vCPU's LRs stale (vgic->lock held). */
static inline void vgic_cpu_mark_dirty(struct vgic_cpu *cpu)
{
    __atomic_store_n(&cpu->dirty, true, __ATOMIC_RELAXED);
}

/* Take / drop vgic->lock; the CPU that holds it may take it again. */
static inline void vgic_lock(struct vgic *vgic)
{
    if (spin_is_held(&vgic->lock)) {
        vgic->depth++;
        return;
    }
    spin_lock(&vgic->lock);
    vgic->depth = 1;
}

static inline void vgic_unlock(struct vgic *vgic)
{
    CHECK(spin_is_held(&vgic->lock) && vgic->depth > 0);
    if (--vgic->depth == 0)
        spin_unlock(&vgic->lock);
}

/* Give vm a vGIC with nspis SPIs (rounded up to a multiple of 32, at most
 * VGIC_MAX_SPIS) and register its distributor at base on the VM's MMIO bus.
 * All vCPUs must exist (vm_create made them). -1 if the VM already has one,
 * the arch has no list registers, or the range is taken. */
int vgic_attach(struct vm *vm, unsigned nspis, ipa_t base);

/* Give the vGIC back (vm_destroy): physical interrupts held for its guests
 * are deactivated. */
void vgic_detach(struct vm *vm);

/* The state of interrupt intid as vCPU vcpu_id sees it (banked for INTIDs
 * below 32); NULL for an ID the VM does not implement. */
struct vgic_irq *vgic_irq(struct vgic *vgic, unsigned vcpu_id, unsigned intid);

/* Drive interrupt intid's input line: for a PPI (16-31) of vCPU vcpu_id,
 * for an SPI (vcpu_id ignored, pass -1). Level-sensitive: pending while
 * high; edge-triggered: a low-to-high change makes it pending. -1 for an
 * SGI (software-generated only), an ID out of range, or no vGIC. */
int vgic_inject(struct vm *vm, int vcpu_id, unsigned intid, bool level);

/* A device's interrupt output wired to intid: pass vgic_line_set as the
 * device's callback and the returned line as its context. NULL when the
 * VM has no vGIC or no line is free. */
struct vgic_line *vgic_line(struct vm *vm, int vcpu_id, unsigned intid);
void vgic_line_set(void *line, bool level);

/* Make SGI sgi pending on every vCPU in target_mask, from vCPU source. */
void vgic_send_sgi(struct vgic *vgic, unsigned source, uint8_t target_mask, unsigned sgi);

/* ---- One interrupt (vgic_irq.c) -------------------------------------------
 * Every change of an interrupt's state goes through these, so that the
 * interrupt is on the in-flight list of the vCPU it concerns. */

/* Is irq pending (the state GICD_ISPENDR shows)? */
bool vgic_irq_pending(const struct vgic_irq *irq);
/* Is irq's group (GICD_IGROUPR) enabled in GICD_CTLR? */
bool vgic_group_enabled(const struct vgic *vgic, const struct vgic_irq *irq);
/* The vCPU irq concerns now (active on it, or pending, enabled, group
 * enabled and routed to it), or -1. */
int vgic_irq_target(const struct vgic *vgic, const struct vgic_irq *irq);
/* Can irq be forwarded to a vCPU (pending, enabled, group enabled, not
 * active)? */
bool vgic_irq_signalled(const struct vgic *vgic, const struct vgic_irq *irq);

void vgic_irq_set_enabled(struct vgic *vgic, struct vgic_irq *irq, bool on);
void vgic_irq_set_pending(struct vgic *vgic, struct vgic_irq *irq, bool on); /* I[SC]PENDR */
void vgic_irq_set_active(struct vgic *vgic, struct vgic_irq *irq, bool on, unsigned vcpu_id);
void vgic_irq_set_priority(struct vgic *vgic, struct vgic_irq *irq, uint8_t prio);
void vgic_irq_set_group(struct vgic *vgic, struct vgic_irq *irq, bool group1);
void vgic_irq_set_level_config(struct vgic *vgic, struct vgic_irq *irq, bool level);
void vgic_irq_set_targets(struct vgic *vgic, struct vgic_irq *irq, uint8_t mask);
void vgic_irq_set_line(struct vgic *vgic, struct vgic_irq *irq, bool level);
/* SGIs: sources is a mask of requesting vCPUs, set or cleared. */
void vgic_irq_sgi_pend(struct vgic *vgic, struct vgic_irq *irq, uint8_t sources, bool on);
/* GICD_CTLR changed: every interrupt's routing may have (rare; O(IDs)). */
void vgic_set_ctlr(struct vgic *vgic, uint32_t ctlr);
/* irq's state changed some other way (the list registers, the timer's hw
 * link): requeue it and mark the vCPUs concerned. */
void vgic_irq_changed(struct vgic *vgic, struct vgic_irq *irq);

/* ---- In-flight lists (vgic_aplist.c) ---------------------------------------- */

/* Put irq on vCPU id's list (it is on none). */
void vgic_ap_add(struct vgic *vgic, unsigned id, struct vgic_irq *irq);
/* Take irq off the list that holds it (a walk of that list). */
void vgic_ap_remove(struct vgic *vgic, struct vgic_irq *irq);
/* Drop from vCPU id's list what no longer concerns it (moving it to the vCPU
 * it now concerns), then sort the list if needed: active first, then by
 * priority, then by INTID. */
void vgic_ap_prune_sort(struct vgic *vgic, unsigned id);

/* Put irq on vCPU id's list without marking its list registers stale: for
 * vgic_post.c, which writes them itself. */
void vgic_ap_link(struct vgic *vgic, unsigned id, struct vgic_irq *irq);

/* ---- Posted list registers (vgic_post.c) ------------------------------------ */

/* SGI irq (of the vCPU it is banked for) made pending from the one source
 * in sources, by a CPU other than the one that vCPU runs on: post it into
 * that vCPU's list registers and send its CPU the list-register kick, when
 * the vCPU's list registers are open and a free one (or the one holding
 * that SGI from that source) takes it; the model then says what the
 * register will hold. False, with nothing changed, otherwise: the caller
 * marks and kicks as for any change. vgic->lock held. */
bool vgic_post_sgi(struct vgic *vgic, struct vgic_irq *irq, uint8_t sources);
/* The post word (struct vgic_cpu's post). */
#define VGIC_POST_OPEN      (1u << 31)
#define VGIC_POST_CPU_SHIFT 16
#define VGIC_POST_CPU_MASK  0xffu
#define VGIC_POST_LR_MASK   0xffffu

/* Write the posted list registers whose bits are in mask: in the CPU
 * (in_cpu, vgic_post_take) or their saved copy (vgic_post_close). */
void vgic_post_apply(struct vcpu *vcpu, struct vgic_cpu *cpu, uint32_t mask, bool in_cpu);

/* vcpu's list registers open to posts (the end of its flush, before it
 * runs) / closed, with what was posted applied (the start of its sync,
 * after it ran: the saved copy). On vcpu's own CPU, without the lock, on
 * every exit: inline. A VM with one vCPU has no one to post: they are
 * never opened. */
static inline void vgic_post_open(const struct vgic *vgic, struct vgic_cpu *cpu)
{
    if (vgic->posts)
        __atomic_store_n(&cpu->post,
                         VGIC_POST_OPEN | (arch_cpu_id() & VGIC_POST_CPU_MASK)
                                              << VGIC_POST_CPU_SHIFT,
                         __ATOMIC_RELEASE);
}

static inline void vgic_post_close(const struct vgic *vgic, struct vcpu *vcpu,
                                   struct vgic_cpu *cpu)
{
    if (!vgic->posts)
        return;
    uint32_t word = __atomic_exchange_n(&cpu->post, 0, __ATOMIC_ACQ_REL);
    if (word & VGIC_POST_LR_MASK)
        vgic_post_apply(vcpu, cpu, word & VGIC_POST_LR_MASK, false);
}
/* The list-register kick on vcpu's CPU, in arch_vcpu_run (vcpu_exit_fast):
 * write what was posted into its list registers, still open. */
void vgic_post_take(struct vcpu *vcpu);

/* ---- vCPU-level questions ---------------------------------------------------- */

/* True when an interrupt is pending, enabled, in an enabled group and
 * targeted at vcpu: what would make it leave WFI. */
bool vgic_vcpu_has_pending(struct vcpu *vcpu);

/* True when some interrupt could become pending for vcpu and be signalled:
 * enabled, group enabled, targeted at it (the timer only when armed). */
bool vgic_vcpu_can_wake(struct vcpu *vcpu);

/* The distributor's MMIO device (vgic_v2_dist.c), ready to register. */
void vgic_v2_dist_init(struct vgic *vgic, ipa_t base);

/* GICD_SGIR on the fast exit path (exit_fast.c). vgic_v2_is_sgir: is ipa
 * the VM's GICD_SGIR? vgic_v2_sgir_fast: vcpu writes value there (32 bits):
 * when the SGI goes only to other vCPUs, send it as the register's MMIO
 * handler would and say true; false, with nothing done, otherwise: an SGI
 * to the writer itself changes its own list registers, which that path
 * does not sync, and the MMIO handler logs a reserved filter. */
bool vgic_v2_is_sgir(const struct vm *vm, ipa_t ipa);
bool vgic_v2_sgir_fast(struct vcpu *vcpu, uint32_t value);

/* List registers (vgic_lr.c): before entering the guest, write the most
 * urgent interrupts for vcpu into the list registers (if anything changed)
 * and open them to posts (vgic_post.c); after it exits, close them, apply
 * what was posted and read back those it used into the model. No-ops
 * without a vGIC. */
void vgic_flush_lrs(struct vcpu *vcpu);
void vgic_sync_lrs(struct vcpu *vcpu);
/* The arch has just emptied vcpu's list registers (arch_vcpu_init): forget
 * what they held; the model keeps every interrupt's state, and the next
 * flush writes them again. */
void vgic_lrs_lost(struct vcpu *vcpu);

/* The virtual timer (vtimer.c). Sample the guest's CNTV_* against the
 * counter and drive PPI 27 with the result; release the host's timer PPI
 * when the guest no longer needs it held. */
void vtimer_sync(struct vcpu *vcpu);
/* The host's virtual-timer PPI intid fired while vcpu's timer was live:
 * it stays active (held), linked to virtual PPI 27, until the guest's EOI
 * of that one (an exit: vgic_lr.c) or its timer is silenced. */
void vtimer_host_irq(struct vcpu *vcpu, unsigned intid);
/* The timer's output condition (Arm ARM D11.2.4): ENABLE, not IMASK and
 * CVAL <= CNTVCT, with CNTVCT = counter - CNTVOFF. */
bool vtimer_fires(const struct vtimer_state *t, uint64_t counter);
/* Physical counter value at which the armed timer fires; false when it is
 * disabled or masked. */
bool vtimer_deadline(struct vcpu *vcpu, uint64_t *counter);
/* vcpu leaves the CPU (another vCPU runs next, or it is reset): if its PPI
 * 27 holds the host's timer PPI active, deactivate the host's and unlink
 * them; the virtual interrupt stays as its line says. */
void vtimer_release(struct vcpu *vcpu);

/* Physical interrupts taken by armvisor (host_irq.c): acknowledge and handle
 * every pending one; vcpu is the vCPU this CPU ran or waits for (NULL:
 * none). */
void host_irq_handle(struct vcpu *vcpu);

#endif
