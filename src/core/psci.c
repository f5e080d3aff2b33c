/*
 * PSCI 1.1 for guests (Arm DEN0022D), over HVC or SMC (hvc.c): discovery
 * (PSCI_VERSION, PSCI_FEATURES, MIGRATE_INFO_TYPE), the vCPU power states
 * (CPU_ON, CPU_OFF, CPU_SUSPEND, AFFINITY_INFO) and the VM's (SYSTEM_OFF,
 * SYSTEM_RESET). SYSTEM_RESET2 and the optional functions answer
 * NOT_SUPPORTED.
 *
 * vCPU n has MPIDR Aff0 = n, Aff1-3 = 0 (what VMPIDR gives it on every arch
 * and what the loader's guest DTB lists), so a PSCI target is a vCPU index.
 * A vCPU is OFF until CPU_ON; ON_PENDING from an accepted CPU_ON until it
 * first runs; ON after. The transitions happen under vm->lock, so two
 * vCPUs starting the same target cannot both succeed (5.6.2: the second
 * gets ON_PENDING or ALREADY_ON).
 */
#include "core/psci.h"

#include "core/hvc.h"
#include "core/sched.h"
#include "core/vgic.h"
#include "lib/log.h"

void vm_stop(struct vm *vm, enum vm_state state, int code)
{
    vm->state = state;
    vm->exit_code = code;
    spin_lock(&vm->lock);
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        vm->vcpus[i].state = VCPU_STOPPED;
        vm->vcpus[i].on_pending = false;
        sched_dequeue(&vm->vcpus[i]);
    }
    spin_unlock(&vm->lock);
}

bool psci_is_call(uint32_t fid)
{
    /* Fast calls, owner 4 (standard secure services), 0x00-0x1f: PSCI. */
    return (fid & SMCCC_FAST_CALL) &&
           ((fid >> SMCCC_OWNER_SHIFT) & SMCCC_OWNER_MASK) == SMCCC_OWNER_STD &&
           (fid & 0xffff) < 0x20;
}

static bool psci_implemented(uint32_t fid)
{
    switch (fid) {
    case PSCI_VERSION:
    case PSCI_CPU_SUSPEND:
    case PSCI_CPU_SUSPEND64:
    case PSCI_CPU_OFF:
    case PSCI_CPU_ON:
    case PSCI_CPU_ON64:
    case PSCI_AFFINITY_INFO:
    case PSCI_AFFINITY_INFO64:
    case PSCI_MIGRATE_INFO_TYPE:
    case PSCI_SYSTEM_OFF:
    case PSCI_SYSTEM_RESET:
    case PSCI_FEATURES:
    case SMCCC_VERSION: /* 5.15: how a caller learns SMCCC 1.1 is there */
        return true;
    }
    return false;
}

static bool vcpu_is_on(const struct vcpu *v)
{
    return v->state == VCPU_RUNNING || v->state == VCPU_WFI;
}

/* The vCPU an MPIDR value names (Aff0 7:0, Aff1 15:8, Aff2 23:16, Aff3
 * 39:32; every other bit must be zero, 5.1.4), or NULL. */
static struct vcpu *vcpu_by_mpidr(struct vm *vm, uint64_t mpidr)
{
    if (mpidr > 0xff)
        return NULL; /* another cluster (no vCPU there) or a reserved bit */
    unsigned aff0 = (unsigned)(mpidr & 0xff);
    return aff0 < vm->nvcpus ? &vm->vcpus[aff0] : NULL;
}

static int64_t aff_state(const struct vcpu *v)
{
    if (!vcpu_is_on(v))
        return PSCI_AFF_OFF;
    return v->on_pending ? PSCI_AFF_ON_PENDING : PSCI_AFF_ON;
}

static int64_t psci_affinity_info(struct vm *vm, uint64_t target, uint64_t lowest_level)
{
    if (lowest_level > 3)
        return PSCI_INVALID_PARAMETERS;
    int64_t r = PSCI_INVALID_PARAMETERS;
    spin_lock(&vm->lock);
    if (lowest_level == 0) {
        struct vcpu *t = vcpu_by_mpidr(vm, target);
        if (t)
            r = aff_state(t);
    } else {
        /* Every vCPU sits in affinity group 0 at levels 1-3: the group is
         * ON if any vCPU in it is, else ON_PENDING if any is, else OFF
         * (5.8.2; the fields below lowest_level are ignored). */
        static const uint64_t above[4] = {0, 0xff00ffff00ull, 0xff00ff0000ull, 0xff00000000ull};
        if (!(target & above[lowest_level]) && !(target & ~0xff00ffffffull)) {
            r = PSCI_AFF_OFF;
            for (unsigned i = 0; i < vm->nvcpus; i++) {
                int64_t s = aff_state(&vm->vcpus[i]);
                if (s == PSCI_AFF_ON || (s == PSCI_AFF_ON_PENDING && r == PSCI_AFF_OFF))
                    r = s;
            }
        }
    }
    spin_unlock(&vm->lock);
    return r;
}

/* Where a vCPU started by the caller (CPU_ON) or resumed from power-down
 * begins: in the caller's execution state (an AArch32 entry with bit 0 set
 * is T32), with the context id in x0 / r0 (5.6, 5.4). False when the
 * address cannot be an entry point: outside the VM's RAM or misaligned. */
static bool entry_of(struct vcpu *caller, uint64_t entry, uint64_t context, struct vcpu_boot *b)
{
    struct vm *vm = caller->vm;
    *b = (struct vcpu_boot){.pc = entry, .regs = {context}};
    if (arch_vcpu_isa(caller) == ISA_A64) {
        b->isa = ISA_A64;
        if (entry & 3)
            return false;
    } else {
        b->isa = (entry & 1) ? ISA_T32 : ISA_A32;
        b->pc = entry & ~1ull;
        if (b->isa == ISA_A32 && (entry & 3))
            return false;
    }
    for (unsigned i = 0; i < vm->nregions; i++) {
        const struct mem_region *r = &vm->regions[i];
        if (b->pc >= r->ipa && b->pc - r->ipa < r->size && (r->perms & S2_EXEC))
            return true;
    }
    return false;
}

static int64_t psci_cpu_on(struct vcpu *vcpu, uint64_t target, uint64_t entry, uint64_t context)
{
    struct vm *vm = vcpu->vm;
    struct vcpu *t = vcpu_by_mpidr(vm, target);
    if (!t)
        return PSCI_INVALID_PARAMETERS;
    struct vcpu_boot boot;
    int64_t r = PSCI_SUCCESS;
    spin_lock(&vm->lock);
    if (vcpu_is_on(t))
        r = t->on_pending ? PSCI_ON_PENDING : PSCI_ALREADY_ON;
    else if (t->state != VCPU_OFF)
        r = PSCI_DENIED; /* the VM is stopping */
    else if (!entry_of(vcpu, entry, context, &boot))
        r = PSCI_INVALID_ADDRESS;
    else if (vcpu_start(vm, t->id, &boot) != 0)
        r = PSCI_INTERNAL_FAILURE;
    else
        t->on_pending = true;
    spin_unlock(&vm->lock);
    if ((r == PSCI_INVALID_ADDRESS || r == PSCI_INTERNAL_FAILURE) &&
        vm_log_ok(vm, VM_LOG_PSCI_CPU_ON))
        log_warn("vm %s: vcpu %u: PSCI CPU_ON of vcpu %u at 0x%llx refused (%s)\n", vm->name,
                 vcpu->id, t->id, (unsigned long long)entry,
                 r == PSCI_INVALID_ADDRESS ? "not an entry point in the VM's RAM"
                                           : "the CPU cannot start it");
    return r;
}

static enum run_result psci_cpu_off(struct vcpu *vcpu, int64_t *ret)
{
    struct vm *vm = vcpu->vm;
    /* A powered-off CPU's timer does not fire: left enabled and live, it
     * would raise the host's timer PPI for a vCPU that never runs again
     * until CPU_ON resets it. */
    struct vtimer_state t;
    arch_vtimer_read(vcpu, &t);
    t.ctl = 0;
    t.live = false;
    arch_vtimer_write(vcpu, &t);
    vtimer_release(vcpu);

    bool any_on = false;
    spin_lock(&vm->lock);
    vcpu->state = VCPU_OFF;
    vcpu->on_pending = false;
    for (unsigned i = 0; i < vm->nvcpus; i++)
        any_on = any_on || vcpu_is_on(&vm->vcpus[i]);
    spin_unlock(&vm->lock);
    if (!any_on) {
        log_info("vm %s: all vCPUs off\n", vm->name);
        vm_stop(vm, VM_OFF, 0);
    }
    *ret = PSCI_SUCCESS; /* not seen: CPU_OFF does not return (5.5) */
    return RUN_STOP;
}

static enum run_result psci_cpu_suspend(struct vcpu *vcpu, uint64_t power_state, uint64_t entry,
                                        uint64_t context, int64_t *ret)
{
    /* Standby (5.4.2.1 StateType 0): a WFI that returns SUCCESS when a
     * wake-up event comes, as KVM serves it. */
    *ret = PSCI_SUCCESS;
    if (!(power_state & PSCI_POWER_STATE_POWERDOWN))
        return RUN_IDLE;
    /* Power-down: the vCPU's state is lost and it resumes at entry with
     * context in x0 / r0, MMU off (5.4, 6.4.3): reset it there now, then
     * wait for the wake-up as for standby. */
    struct vcpu_boot boot;
    if (!entry_of(vcpu, entry, context, &boot)) {
        *ret = PSCI_INVALID_ADDRESS;
        return RUN_CONTINUE;
    }
    if (vcpu_reset(vcpu, &boot) != 0) {
        *ret = PSCI_INTERNAL_FAILURE;
        return RUN_CONTINUE;
    }
    *ret = (int64_t)context; /* hvc.c writes the result to x0 */
    return RUN_IDLE;
}

static enum run_result psci_system_reset(struct vm *vm, int64_t *ret)
{
    /* The devices stop taking work from the guest now (a disk forgets its
     * queues); vm_launch rebuilds the VM around them or tears it down. */
    mmio_bus_reset_all(&vm->mmio);
    if (vm->can_reset) {
        log_info("vm %s: system reset: restarting the VM from its image\n", vm->name);
        vm->reset_requested = true;
    } else {
        log_info("vm %s: system reset: VM stopped (no image to restart it from), exit code "
                 "0x%x\n",
                 vm->name, PSCI_EXIT_RESET);
    }
    vm_stop(vm, VM_OFF, PSCI_EXIT_RESET);
    *ret = PSCI_SUCCESS;
    return RUN_STOP;
}

enum run_result psci_call(struct vcpu *vcpu, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3,
                          int64_t *ret)
{
    struct vm *vm = vcpu->vm;
    switch (fid) {
    case PSCI_VERSION:
        *ret = PSCI_VERSION_1_1;
        return RUN_CONTINUE;
    case PSCI_FEATURES:
        /* 0: implemented; for CPU_SUSPEND it also says "original power
         * state format, no OS-initiated mode" (DEN0022D 5.15.2). */
        *ret = psci_implemented((uint32_t)a1) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
        return RUN_CONTINUE;
    case PSCI_MIGRATE_INFO_TYPE:
        *ret = PSCI_TOS_NOT_PRESENT_MP;
        return RUN_CONTINUE;
    case PSCI_CPU_SUSPEND:
    case PSCI_CPU_SUSPEND64:
        return psci_cpu_suspend(vcpu, a1, a2, a3, ret);
    case PSCI_CPU_OFF:
        return psci_cpu_off(vcpu, ret);
    case PSCI_CPU_ON:
    case PSCI_CPU_ON64:
        *ret = psci_cpu_on(vcpu, a1, a2, a3);
        return RUN_CONTINUE;
    case PSCI_AFFINITY_INFO:
    case PSCI_AFFINITY_INFO64:
        *ret = psci_affinity_info(vm, a1, a2);
        return RUN_CONTINUE;
    case PSCI_SYSTEM_OFF:
        log_info("vm %s: system off\n", vm->name);
        vm_stop(vm, VM_OFF, 0);
        *ret = PSCI_SUCCESS;
        return RUN_STOP;
    case PSCI_SYSTEM_RESET:
        return psci_system_reset(vm, ret);
    }
    /* SYSTEM_RESET2 and the optional functions (5.1, table 5). */
    *ret = PSCI_NOT_SUPPORTED;
    return RUN_CONTINUE;
}
