/*
 * The vGIC's front door (GICv2, ARM IHI 0048B): one struct vgic per VM from a
 * static pool, SGIs and PPIs banked per vCPU, SPIs shared. Devices drive
 * input lines (vgic_inject, vgic_line); vCPUs send SGIs. What each change means for one interrupt
 * is vgic_irq.c's.
 */
#include "core/vgic.h"

#include "core/ptimer.h"

#include <string.h>

#include "lib/check.h"
#include "lib/log.h"

static struct vgic vgic_pool[VM_MAX];

int vgic_attach(struct vm *vm, unsigned nspis, ipa_t base)
{
    if (!vm || vm->id == 0 || vm->id > VM_MAX)
        return -1;
    if (vm->vgic) {
        log_err("vm %s: already has a vGIC\n", vm->name);
        return -1;
    }
    if (arch_vgic_lr_count() == 0) {
        log_err("vm %s: this CPU has no GIC list registers: no vGIC\n", vm->name);
        return -1;
    }
    nspis = (nspis + 31) & ~31u;
    if (nspis > VGIC_MAX_SPIS)
        nspis = VGIC_MAX_SPIS;

    struct vgic *vgic = &vgic_pool[vm->id - 1];
    memset(vgic, 0, sizeof(*vgic));
    vgic->vm = vm;
    vgic->nspis = nspis;
    vgic->posts = vm->nvcpus > 1;
    /* Reset state (IHI0048B 4.3: reset values): everything disabled,
     * inactive, not pending, priority 0, group 0. SGIs are edge-triggered
     * (GICD_ICFGR0 reads 0xAAAAAAAA); PPIs and SPIs start level-sensitive,
     * which is what QEMU virt's device tree says for the timer and the
     * PL011. */
    for (unsigned c = 0; c < VM_MAX_VCPUS; c++)
        for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
            vgic->cpu[c].priv[i] = (struct vgic_irq){.intid = (uint16_t)i,
                                                     .owner = (int8_t)c,
                                                     .ap_vcpu = -1,
                                                     .level = i >= VGIC_NR_SGIS,
                                                     .active_on = -1};
    for (unsigned i = 0; i < VGIC_MAX_SPIS; i++)
        vgic->spi[i] = (struct vgic_irq){.intid = (uint16_t)(VGIC_NR_PRIVATE + i),
                                         .owner = -1,
                                         .ap_vcpu = -1,
                                         .level = true,
                                         .active_on = -1};

    vgic_v2_dist_init(vgic, base);
    vm->vgic = vgic;
    if (vm_add_device(vm, &vgic->dist) != 0) {
        vm->vgic = NULL;
        return -1; /* vm_add_device said why */
    }
    return 0;
}

void vgic_detach(struct vm *vm)
{
    struct vgic *vgic = vm ? vm->vgic : NULL;
    if (!vgic)
        return;
    /* No vCPU of the VM runs or is held by a CPU any more (vm_destroy):
     * nobody else can take the lock. */
    /* A physical interrupt held for this VM's guests (vtimer.c) would stay
     * active, and silent, for good. */
    for (unsigned c = 0; c < vm->nvcpus && c < VM_MAX_VCPUS; c++) {
        struct vgic_irq *irq = &vgic->cpu[c].priv[VGIC_PPI_VTIMER];
        if (irq->hw)
            arch_irq_deactivate(irq->pirq);
        irq->hw = false;
    }
    vm->vgic = NULL;
}

struct vgic_irq *vgic_irq(struct vgic *vgic, unsigned vcpu_id, unsigned intid)
{
    if (!vgic)
        return NULL;
    if (intid < VGIC_NR_PRIVATE)
        return vcpu_id < vgic->vm->nvcpus ? &vgic->cpu[vcpu_id].priv[intid] : NULL;
    if (intid - VGIC_NR_PRIVATE < vgic->nspis)
        return &vgic->spi[intid - VGIC_NR_PRIVATE];
    return NULL;
}

static int vgic_inject_locked(struct vm *vm, int vcpu_id, unsigned intid, bool level)
{
    if (!vm || !vm->vgic || intid < VGIC_NR_SGIS)
        return -1;
    if (intid < VGIC_NR_PRIVATE && (vcpu_id < 0 || (unsigned)vcpu_id >= vm->nvcpus))
        return -1;
    struct vgic_irq *irq = vgic_irq(vm->vgic, vcpu_id < 0 ? 0 : (unsigned)vcpu_id, intid);
    if (!irq)
        return -1;
    vgic_irq_set_line(vm->vgic, irq, level);
    return 0;
}

struct vgic_line *vgic_line(struct vm *vm, int vcpu_id, unsigned intid)
{
    if (!vm || !vm->vgic)
        return NULL;
    struct vgic *vgic = vm->vgic;
    if (intid < VGIC_NR_SGIS || !vgic_irq(vgic, vcpu_id < 0 ? 0 : (unsigned)vcpu_id, intid))
        return NULL;
    if (vgic->nlines >= VGIC_MAX_LINES) {
        log_err("vm %s: no free vGIC line for INTID %u\n", vm->name, intid);
        return NULL;
    }
    struct vgic_line *l = &vgic->lines[vgic->nlines++];
    *l = (struct vgic_line){
        .vm = vm, .vcpu = intid < VGIC_NR_PRIVATE ? vcpu_id : -1, .intid = intid};
    return l;
}

void vgic_line_set(void *line, bool level)
{
    struct vgic_line *l = line;
    if (l)
        vgic_inject(l->vm, l->vcpu, l->intid, level);
}

static void vgic_send_sgi_locked(struct vgic *vgic, unsigned source, uint8_t target_mask,
                                 unsigned sgi)
{
    if (!vgic || sgi >= VGIC_NR_SGIS || source >= vgic->vm->nvcpus)
        return;
    unsigned targets = target_mask & ((1u << vgic->vm->nvcpus) - 1);
    for (; targets; targets &= targets - 1)
        vgic_irq_sgi_pend(vgic, &vgic->cpu[__builtin_ctz(targets)].priv[sgi],
                          (uint8_t)(1u << source), true);
}

/* ---- Which interrupts concern a vCPU ---------------------------------------- */

static bool vgic_vcpu_has_pending_locked(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    if (!vgic)
        return false;
    /* Everything that could be signalled to this vCPU is on its in-flight
     * list (vgic_irq_changed put it there), perhaps along with entries the
     * next flush prunes: check each. */
    for (const struct vgic_irq *irq = vgic->cpu[vcpu->id].ap_head; irq; irq = irq->ap_next)
        if (vgic_irq_signalled(vgic, irq) && vgic_irq_target(vgic, irq) == (int)vcpu->id)
            return true;
    return false;
}

static bool vgic_vcpu_can_wake_locked(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    if (!vgic)
        return false;
    const struct vgic_cpu *cpu = &vgic->cpu[vcpu->id];
    for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++) {
        const struct vgic_irq *irq = &cpu->priv[i];
        if (!irq->enabled || !vgic_group_enabled(vgic, irq))
            continue;
        /* SGIs come from other vCPUs only while the sender is in WFI; the
         * timer only when it is armed. */
        if (i < VGIC_NR_SGIS && vgic->vm->nvcpus == 1)
            continue;
        uint64_t when;
        if (i == VGIC_PPI_VTIMER && !vtimer_deadline(vcpu, &when))
            continue;
        if (i == VGIC_PPI_PTIMER && !ptimer_deadline(vcpu, &when))
            continue;
        /* The PMU's counters count only while the vCPU runs: its overflow
         * cannot happen while it waits (vpmu.c). */
        if (i == VGIC_PPI_PMU)
            continue;
        return true;
    }
    /* An enabled SPI could come at any time: one routed to this vCPU, or
     * active on it (it becomes pending again after the EOI). */
    for (unsigned w = 0; w < VGIC_MAX_SPIS / 32 && w * 32 < vgic->nspis; w++) {
        for (uint32_t bits = vgic->spi_enabled[w]; bits; bits &= bits - 1) {
            const struct vgic_irq *irq = &vgic->spi[w * 32 + (unsigned)__builtin_ctz(bits)];
            CHECK(irq->enabled);
            if (!vgic_group_enabled(vgic, irq))
                continue;
            if (irq->active ? irq->active_on == (int)vcpu->id
                            : vgic->vm->nvcpus == 1 || ((irq->targets >> vcpu->id) & 1))
                return true;
        }
    }
    return false;
}

int vgic_inject(struct vm *vm, int vcpu_id, unsigned intid, bool level)
{
    struct vgic *vgic = vm ? vm->vgic : NULL;
    if (!vgic)
        return vgic_inject_locked(vm, vcpu_id, intid, level);
    vgic_lock(vgic);
    int r = vgic_inject_locked(vm, vcpu_id, intid, level);
    vgic_unlock(vgic);
    return r;
}

void vgic_send_sgi(struct vgic *vgic, unsigned source, uint8_t target_mask, unsigned sgi)
{
    if (!vgic)
        return;
    vgic_lock(vgic);
    vgic_send_sgi_locked(vgic, source, target_mask, sgi);
    vgic_unlock(vgic);
}

bool vgic_vcpu_has_pending(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    if (!vgic)
        return vgic_vcpu_has_pending_locked(vcpu);
    vgic_lock(vgic);
    bool r = vgic_vcpu_has_pending_locked(vcpu);
    vgic_unlock(vgic);
    return r;
}

bool vgic_vcpu_can_wake(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    if (!vgic)
        return vgic_vcpu_can_wake_locked(vcpu);
    vgic_lock(vgic);
    bool r = vgic_vcpu_can_wake_locked(vcpu);
    vgic_unlock(vgic);
    return r;
}
