/*
 * PSCI 1.1 for guests (Arm DEN0022D). What a uniprocessor VM needs: version
 * and feature discovery, SYSTEM_OFF / SYSTEM_RESET, CPU_SUSPEND as a WFI
 * (as KVM does: the wake-up events are interrupts either way), CPU_OFF,
 * AFFINITY_INFO, and CPU_ON for the vCPUs that are already on. Starting a
 * secondary vCPU is the SMP issue's job: until then CPU_ON on an off vCPU
 * answers NOT_SUPPORTED and says so in the log.
 */
#include "core/psci.h"

#include "core/hvc.h"
#include "lib/log.h"

void vm_stop(struct vm *vm, enum vm_state state, int code)
{
    vm->state = state;
    vm->exit_code = code;
    for (unsigned i = 0; i < vm->nvcpus; i++)
        vm->vcpus[i].state = VCPU_STOPPED;
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
        return true;
    }
    return false;
}

static bool vcpu_is_on(const struct vcpu *v)
{
    return v->state == VCPU_RUNNING || v->state == VCPU_WFI;
}

/* vCPU n has MPIDR affinity Aff0 = n, Aff1-3 = 0. The vCPU named by an MPIDR
 * value (Aff0 7:0, Aff1 15:8, Aff2 23:16, Aff3 39:32), or NULL. */
static struct vcpu *vcpu_by_mpidr(struct vm *vm, uint64_t mpidr)
{
    if (mpidr & 0xff00ffff00ull)
        return NULL;
    unsigned aff0 = (unsigned)(mpidr & 0xff);
    return aff0 < vm->nvcpus ? &vm->vcpus[aff0] : NULL;
}

static int64_t psci_affinity_info(struct vm *vm, uint64_t target, uint64_t lowest_level)
{
    if (lowest_level > 3)
        return PSCI_INVALID_PARAMETERS;
    if (lowest_level == 0) {
        struct vcpu *t = vcpu_by_mpidr(vm, target);
        if (!t)
            return PSCI_INVALID_PARAMETERS;
        return vcpu_is_on(t) ? PSCI_AFF_ON : PSCI_AFF_OFF;
    }
    /* Every vCPU sits in affinity group 0 at levels 1-3: the group is on if
     * any of its vCPUs is (the fields below lowest_level are ignored). */
    static const uint64_t above[4] = {0, 0xff00ffff00ull, 0xff00ff0000ull, 0xff00000000ull};
    if (target & above[lowest_level])
        return PSCI_INVALID_PARAMETERS;
    for (unsigned i = 0; i < vm->nvcpus; i++)
        if (vcpu_is_on(&vm->vcpus[i]))
            return PSCI_AFF_ON;
    return PSCI_AFF_OFF;
}

static int64_t psci_cpu_on(struct vcpu *vcpu, uint64_t target, uint64_t entry)
{
    struct vm *vm = vcpu->vm;
    struct vcpu *t = vcpu_by_mpidr(vm, target);
    if (!t)
        return PSCI_INVALID_PARAMETERS;
    if (vcpu_is_on(t))
        return PSCI_ALREADY_ON;
    if (vm_log_ok(vm, VM_LOG_PSCI_CPU_ON))
        log_warn("vm %s: vcpu %u: PSCI CPU_ON of vcpu %u at 0x%llx: secondary vCPUs not "
                 "supported yet\n",
                 vm->name, vcpu->id, t->id, (unsigned long long)entry);
    return PSCI_NOT_SUPPORTED;
}

enum run_result psci_call(struct vcpu *vcpu, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3,
                          int64_t *ret)
{
    struct vm *vm = vcpu->vm;
    (void)a3;
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
        /* Any power state, standby or power-down, is served as a WFI that
         * returns SUCCESS: DEN0022D allows a suspend to return early when a
         * wake-up event is pending, and the guest must cope with it. */
        *ret = PSCI_SUCCESS;
        return RUN_IDLE;
    case PSCI_CPU_OFF: {
        vcpu->state = VCPU_OFF;
        bool any_on = false;
        for (unsigned i = 0; i < vm->nvcpus; i++)
            any_on = any_on || vcpu_is_on(&vm->vcpus[i]);
        if (!any_on) {
            log_info("vm %s: all vCPUs off\n", vm->name);
            vm_stop(vm, VM_OFF, 0);
        }
        *ret = PSCI_SUCCESS; /* not seen: CPU_OFF does not return */
        return RUN_STOP;
    }
    case PSCI_CPU_ON:
    case PSCI_CPU_ON64:
        *ret = psci_cpu_on(vcpu, a1, a2);
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
        log_info("vm %s: system reset: VM stopped (reboot not supported), exit code 0x%x\n",
                 vm->name, PSCI_EXIT_RESET);
        vm_stop(vm, VM_OFF, PSCI_EXIT_RESET);
        *ret = PSCI_SUCCESS;
        return RUN_STOP;
    }
    *ret = PSCI_NOT_SUPPORTED;
    return RUN_CONTINUE;
}
