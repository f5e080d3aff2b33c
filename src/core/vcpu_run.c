/*
 * The vCPU run loop: enter the guest, decode why it came back, count it, and
 * hand it to the handler for that reason (one table indexed by enum
 * exit_reason, in the way of FreeBSD vmm's exit handlers). Each handler
 * decides whether the guest resumes, idles or stops.
 *
 * Every exit ends in a defined outcome for the guest: emulated, or refused
 * with an injected abort/undef (vcpu_refuse). Nothing a guest does makes the
 * hypervisor stop, only its own VM.
 */
#include "core/vm.h"

#include "core/cond.h"
#include "core/hvc.h"
#include "core/mmio_emulate.h"
#include "core/psci.h"
#include "core/ptimer.h"
#include "core/sched.h"
#include "core/sysreg.h"
#include "core/vgic.h"
#include "lib/log.h"

static const char *const refuse_names[REFUSE_REASON_COUNT] = {
    [REFUSE_NO_DEVICE] = "no-device",
    [REFUSE_DEVICE] = "device-refused",
    [REFUSE_UNDECODABLE] = "undecodable",
    [REFUSE_FETCH] = "fetch-failed",
    [REFUSE_S1PTW] = "s1ptw",
    [REFUSE_SYSREG] = "sysreg",
    [REFUSE_UNKNOWN_EC] = "unknown-ec",
    [REFUSE_IABT] = "iabt",
    [REFUSE_PERMISSION] = "permission",
};

const char *vcpu_refuse_name(enum refuse_reason why)
{
    if ((unsigned)why < REFUSE_REASON_COUNT && refuse_names[why])
        return refuse_names[why];
    return "?";
}

static const char *vm_name(const struct vcpu *vcpu)
{
    return vcpu->vm && vcpu->vm->name ? vcpu->vm->name : "?";
}

void vcpu_refuse(struct vcpu *vcpu, enum refuse_reason why, const struct exit_info *info)
{
    if ((unsigned)why >= REFUSE_REASON_COUNT)
        why = REFUSE_UNKNOWN_EC;
    ++vcpu->stats.refused[why];

    /* The same refusal at the same PC (and address) as one of the last few
     * in this run of refusals? */
    struct vcpu_repeat *rp = &vcpu->repeat;
    struct vcpu_refusal now = {
        .pc = arch_vcpu_pc(vcpu),
        .far = info ? info->far : 0,
        .syndrome = info ? (uint32_t)info->ec << 25 | (uint32_t)info->iss : (uint32_t)why,
    };
    if (rp->count == 0)
        rp->filled = 0; /* progress since: the older ones do not count */
    bool seen = false;
    for (unsigned i = 0; i < rp->filled; i++) {
        unsigned at = (rp->next + VCPU_LIVELOCK_PERIOD - 1 - i) % VCPU_LIVELOCK_PERIOD;
        const struct vcpu_refusal *o = &rp->last[at];
        if (o->pc == now.pc && o->far == now.far && o->syndrome == now.syndrome)
            seen = true;
    }
    /* A repeat adds to the run; a new one starts it again. */
    rp->count = seen ? rp->count + 1 : 1;
    rp->last[rp->next] = now;
    rp->next = (rp->next + 1) % VCPU_LIVELOCK_PERIOD;
    if (rp->filled < VCPU_LIVELOCK_PERIOD)
        rp->filled++;
    rp->pc = now.pc;
    rp->far = now.far;
    rp->refused = true;

    /* A guest that faults in a loop must not flood the console. */
    if (vm_log_ok(vcpu->vm, (enum vm_log_kind)(VM_LOG_REFUSE_FIRST + why))) {
        bool abort = info && (info->reason == EXIT_DABT || info->reason == EXIT_IABT);
        if (abort)
            log_warn("vm %s: vcpu %u: refused (%s): ec 0x%x iss 0x%x far 0x%llx ipa 0x%llx%s "
                     "pc 0x%llx\n",
                     vm_name(vcpu), vcpu->id, vcpu_refuse_name(why), info->ec, (unsigned)info->iss,
                     (unsigned long long)info->far, (unsigned long long)info->ipa,
                     info->ipa_valid ? "" : " (invalid)", (unsigned long long)arch_vcpu_pc(vcpu));
        else if (info)
            log_warn("vm %s: vcpu %u: refused (%s): ec 0x%x iss 0x%x pc 0x%llx\n", vm_name(vcpu),
                     vcpu->id, vcpu_refuse_name(why), info->ec, (unsigned)info->iss,
                     (unsigned long long)arch_vcpu_pc(vcpu));
        else
            log_warn("vm %s: vcpu %u: refused (%s)\n", vm_name(vcpu), vcpu->id,
                     vcpu_refuse_name(why));
    }

    /* The guest sees the exception its access would have raised on a
     * machine where nothing answers: an external abort for loads/stores
     * and fetches, an undefined instruction for everything else. */
    if (info && info->reason == EXIT_DABT) {
        ++vcpu->stats.injected_dabt;
        arch_vcpu_inject_dabt(vcpu, info->far);
    } else if (info && info->reason == EXIT_IABT) {
        ++vcpu->stats.injected_iabt;
        arch_vcpu_inject_iabt(vcpu, info->far);
    } else {
        ++vcpu->stats.injected_undef;
        arch_vcpu_inject_undef(vcpu);
    }
}

/* ---- Exit handlers ------------------------------------------------------ */

typedef enum run_result (*exit_handler_fn)(struct vcpu *vcpu, const struct exit_info *info);

static enum run_result handle_unknown(struct vcpu *vcpu, const struct exit_info *info)
{
    vcpu_refuse(vcpu, REFUSE_UNKNOWN_EC, info);
    return RUN_CONTINUE;
}

static enum run_result handle_wfi(struct vcpu *vcpu, const struct exit_info *info)
{
    /* WFI traps (HCR.TWI) with the PC on it: complete it now. */
    arch_vcpu_skip_insn(vcpu, info->il);
    return RUN_IDLE;
}

static enum run_result handle_wfe(struct vcpu *vcpu, const struct exit_info *info)
{
    /* WFE is a hint that may complete at once (ARM ARM D1.16.2 / B1.8.13),
     * and it does; but a guest executes it in a spin loop, waiting for
     * another vCPU, so the scheduler lets the others run first. */
    arch_vcpu_skip_insn(vcpu, info->il);
    return RUN_YIELD;
}

static enum run_result handle_fp(struct vcpu *vcpu, const struct exit_info *info)
{
    /* No arch traps FP/SIMD yet (lazy switching is a later issue): if one
     * does, the guest gets an UNDEF rather than a silent wrong state. */
    vcpu_refuse(vcpu, REFUSE_UNKNOWN_EC, info);
    return RUN_CONTINUE;
}

static enum run_result handle_iabt(struct vcpu *vcpu, const struct exit_info *info)
{
    /* The guest jumped to an IPA that holds no RAM (or no executable RAM):
     * we never execute from MMIO. */
    vcpu_refuse(vcpu, REFUSE_IABT, info);
    return RUN_CONTINUE;
}

static enum run_result handle_irq(struct vcpu *vcpu, const struct exit_info *info)
{
    /* A physical interrupt took us out of the guest; vcpu_run_once has
     * handled it (host_irq_handle) and does not decode such an exit. */
    (void)vcpu;
    (void)info;
    return RUN_CONTINUE;
}

static enum run_result handle_serror(struct vcpu *vcpu, const struct exit_info *info)
{
    /* An asynchronous external abort caused by the guest. The arch
     * interface cannot inject a virtual SError yet, and the guest's state is
     * no longer precise: stop this VM (only this VM). */
    struct vm *vm = vcpu->vm;
    log_err("vm %s: vcpu %u: SError (iss 0x%x): VM stopped\n", vm_name(vcpu), vcpu->id,
            (unsigned)info->iss);
    vm_stop(vm, VM_CRASHED, -1);
    return RUN_STOP;
}

static const exit_handler_fn exit_handlers[EXIT_REASON_COUNT] = {
    [EXIT_UNKNOWN] = handle_unknown, [EXIT_WFI] = handle_wfi, [EXIT_WFE] = handle_wfe,
    [EXIT_HVC] = hvc_handle,         [EXIT_SMC] = hvc_handle, /* SMCCC over SMC: same calls, see
                                                                 hvc.c */
    [EXIT_SYSREG] = sysreg_handle,   [EXIT_FP] = handle_fp,   [EXIT_IABT] = handle_iabt,
    [EXIT_DABT] = mmio_emulate,      [EXIT_IRQ] = handle_irq, [EXIT_SERROR] = handle_serror,
};

/* AArch32 traps carry the instruction's condition (CV, COND). For WFI/WFE,
 * SMC, MCR/MRC/MCRR/MRRC/LDC/STC (and the FP/SIMD accesses HCPTR/CPTR
 * traps) it is IMPLEMENTATION DEFINED whether an instruction that fails its
 * condition check traps at all (ARMv7-A ARM B1.14.1, ARMv8-A ARM G1.17.2
 * "Conditional trapping"); when it does, it must have no effect: the
 * hypervisor only steps past it. True when this exit is such an
 * instruction. An exit from AArch64 is never conditional. */
static bool condition_failed(struct vcpu *vcpu, const struct exit_info *info)
{
    switch (info->reason) {
    case EXIT_WFI:
    case EXIT_WFE:
    case EXIT_SMC:
    case EXIT_FP:
        break;
    case EXIT_SYSREG:
        if (!info->u.sysreg.aarch32)
            return false;
        break;
    default:
        return false; /* HVC is unconditional; aborts come from executed insns */
    }
    if (arch_vcpu_isa(vcpu) == ISA_A64)
        return false;
    uint32_t pstate = arch_vcpu_pstate(vcpu);
    unsigned cond = cond_of_trap(info->cond.valid, info->cond.cond, pstate);
    return !cond_passed(cond, pstate);
}

/* A handler said RUN_STOP: this vCPU no longer runs (CPU_OFF leaves it OFF,
 * so CPU_ON can start it again); the VM is off when no vCPU runs. */
static void vcpu_stopped(struct vcpu *vcpu)
{
    struct vm *vm = vcpu->vm;
    if (vcpu_state(vcpu) != VCPU_OFF)
        vcpu_set_state(vcpu, VCPU_STOPPED);
    enum vm_state vs = vm_state(vm);
    if (vs != VM_RUNNING && vs != VM_CREATED)
        return;
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        enum vcpu_state s = vcpu_state(&vm->vcpus[i]);
        if (s == VCPU_RUNNING || s == VCPU_WFI)
            return;
    }
    vm_set_state(vm, VM_OFF);
    sched_vm_stopped(vm);
}

enum run_result vcpu_run_once(struct vcpu *vcpu)
{
    struct vm *vm = vcpu->vm;
    enum vcpu_state s = vcpu_state(vcpu);
    enum vm_state vs = vm_state(vm);
    if (s == VCPU_STOPPED || s == VCPU_OFF || vs == VM_OFF || vs == VM_CRASHED)
        return RUN_STOP;

    struct arch_exit raw;
    struct exit_info info;
    /* Pending virtual interrupts go into the list registers on the way in
     * and what the guest did with them comes back on the way out (no-ops
     * for a VM without a vGIC). */
    vgic_flush_lrs(vcpu);
    ptimer_load(vcpu); /* its deadline ends the run (ptimer.c) */
    arch_vcpu_run(vcpu, &raw);
    vgic_sync_lrs(vcpu);
    if (raw.kind == ARCH_EXIT_IRQ) {
        /* A physical interrupt (the timer, a maintenance interrupt, a
         * kick): handled here; the guest did nothing to decode, emulate or
         * count as progress (handle_irq is the table's entry for it). */
        host_irq_handle(vcpu);
        vcpu->stats.exits[EXIT_IRQ]++;
        return RUN_CONTINUE;
    }
    exit_decode(&raw, &info);
    if ((unsigned)info.reason >= EXIT_REASON_COUNT)
        info.reason = EXIT_UNKNOWN; /* the decoder promises not; be sure */
    vcpu->stats.exits[info.reason]++;
    if (condition_failed(vcpu, &info)) {
        /* Not executed, as on a CPU that does not trap it: no emulation, no
         * refusal; ITSTATE advances with the PC. */
        vcpu->stats.cond_failed++;
        arch_vcpu_skip_insn(vcpu, info.il);
        return RUN_CONTINUE;
    }

    vcpu->repeat.refused = false;
    enum run_result r = exit_handlers[info.reason](vcpu, &info);
    if (!vcpu->repeat.refused && info.reason != EXIT_IRQ)
        vcpu->repeat.count = 0; /* progress (a physical interrupt is not the guest's) */
    if (vcpu->repeat.count >= VCPU_LIVELOCK_REPEATS && r != RUN_STOP) {
        /* The guest can only fault here again: a corrupt image run raw, a bad
         * entry point, an exception vector that itself faults. Nothing the
         * guest does will change that, and it keeps this CPU busy forever. */
        log_err("vm %s: vcpu %u: livelock: the same refused exit (ec 0x%x iss 0x%x far 0x%llx) at "
                "pc 0x%llx %u times in a row with no other progress: VM stopped as crashed\n",
                vm_name(vcpu), vcpu->id, info.ec, (unsigned)info.iss,
                (unsigned long long)vcpu->repeat.far, (unsigned long long)vcpu->repeat.pc,
                (unsigned)vcpu->repeat.count);
        vm_stop(vm, VM_CRASHED, VM_EXIT_LIVELOCK);
        r = RUN_STOP;
    }
    if (r == RUN_STOP)
        vcpu_stopped(vcpu);
    return r;
}

int vcpu_run(struct vcpu *vcpu)
{
    return sched_run(vcpu->vm);
}

/* ---- Statistics ---------------------------------------------------------- */

void vm_print_stats(const struct vm *vm)
{
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        const struct vcpu *vcpu = &vm->vcpus[i];
        const struct vcpu_stats *s = &vcpu->stats;
        uint64_t total = 0;
        for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
            total += s->exits[r];
        av_printf("armvisor: vm %s: vcpu %u: %llu exits", vm->name, i, (unsigned long long)total);
        for (unsigned r = 0; r < EXIT_REASON_COUNT; r++) {
            if (s->exits[r])
                av_printf(" %s=%llu", exit_reason_name((enum exit_reason)r),
                          (unsigned long long)s->exits[r]);
        }
        av_printf("; mmio reads=%llu writes=%llu", (unsigned long long)s->mmio_reads,
                  (unsigned long long)s->mmio_writes);
        if (s->cond_failed)
            av_printf("; cond-failed=%llu", (unsigned long long)s->cond_failed);
        if (s->pmu_raz_wi)
            av_printf("; pmu raz/wi=%llu", (unsigned long long)s->pmu_raz_wi);
        if (s->pmu_accesses)
            av_printf("; pmu=%llu", (unsigned long long)s->pmu_accesses);
        if (s->idreg_reads)
            av_printf("; id reads=%llu", (unsigned long long)s->idreg_reads);
        if (s->ptimer_accesses)
            av_printf("; ptimer=%llu", (unsigned long long)s->ptimer_accesses);
        bool any = false;
        for (unsigned r = 0; r < REFUSE_REASON_COUNT; r++) {
            if (!s->refused[r])
                continue;
            av_printf("%s %s=%llu",
                      any ? "" : "; refused:", vcpu_refuse_name((enum refuse_reason)r),
                      (unsigned long long)s->refused[r]);
            any = true;
        }
        /* The same refusals by what the guest was sent: a guest that counts
         * its own exceptions can compare (tests/system: *_hostile). */
        if (any)
            av_printf("; injected: dabt=%llu iabt=%llu undef=%llu",
                      (unsigned long long)s->injected_dabt, (unsigned long long)s->injected_iabt,
                      (unsigned long long)s->injected_undef);
        av_printf("\n");
    }
    if (vm->log.suppressed)
        av_printf("armvisor: vm %s: %llu guest-triggered log lines suppressed\n", vm->name,
                  (unsigned long long)vm->log.suppressed);
}
