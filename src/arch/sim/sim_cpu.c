/*
 * The simulated guest CPU's architectural state: register file, PC, PSTATE /
 * CPSR, and the exceptions the VMM injects; plus the CPU identity functions.
 * The vCPU contexts (struct arch_vcpu) live in a static pool owned by the
 * sim, handed out by arch_vcpu_init (or sim_vcpu_set_guest) and given back
 * by arch_vcpu_release.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/sim/sim_internal.h"
#include "core/vm.h"

static struct arch_vcpu slots[SIM_MAX_VCPUS];
/* Taken to hand out or give back a slot: CPU_ON may start a vCPU on any
 * simulated CPU. */
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

/* Entry points bound with sim_guest_at. */
struct guest_at {
    uint64_t pc;
    sim_guest_fn fn;
    void *arg;
};
#define SIM_GUEST_AT_MAX 16
static struct guest_at guests_at[SIM_GUEST_AT_MAX];
static unsigned nguests_at;

const char *arch_name(void)
{
    return "sim";
}

/* The host ID registers arch_id_reg_read returns (sim_set_id_reg). */
static uint64_t id_regs[8][8];

void sim_set_id_reg(unsigned crm, unsigned op2, uint64_t val)
{
    if (crm >= 1 && crm <= 7 && op2 <= 7)
        id_regs[crm][op2] = val;
}

uint64_t arch_id_reg_read(unsigned crm, unsigned op2)
{
    return crm >= 1 && crm <= 7 && op2 <= 7 ? id_regs[crm][op2] : 0;
}

/* The features the simulated CPU "switches" (sim_set_cpu_features): the sim
 * has no SVE or key registers, only what the core decides from them. */
static unsigned cpu_features, sve_max_vl;

void sim_set_cpu_features(unsigned features, unsigned sve_vl)
{
    cpu_features = features;
    sve_max_vl = (features & ARCH_FEAT_SVE) ? sve_vl : 0;
}

unsigned arch_cpu_features(void)
{
    return cpu_features;
}

unsigned arch_sve_max_vl(void)
{
    return sve_max_vl;
}

void arch_cpu_wait_event(void)
{
    sched_yield(); /* let the host thread that ends the wait run */
}

void arch_cpu_send_event(void)
{
    /* Waiters re-check after each yield: nothing to wake. */
}

_Noreturn void arch_halt(int status)
{
    fflush(stdout);
    fflush(stderr);
    exit(status);
}

void arch_cpu_idle(void)
{
    if (sim_smp_active()) {
        /* Several CPUs: wait for a kick, then let simulated time pass
         * (sim_smp.c). A test's idle hook still runs on CPU 0. */
        if (arch_cpu_id() == 0 && sim_idle_run_hook())
            return;
        sim_smp_idle();
        return;
    }
    /* The one host thread "waits": a test's idle hook decides what happens
     * meanwhile (a device receives a byte...); without one, time passes up
     * to the next event the sim knows of, the earliest armed virtual timer
     * of any vCPU or the hypervisor's own timer, as if that woke the CPU. With nothing
     * armed, return at once. */
    if (sim_idle_run_hook())
        return;
    uint64_t now = arch_counter_read(), next = 0;
    bool any = sim_hyp_timer_next(&next);
    if (any && next <= now)
        return; /* its interrupt is pending already */
    for (unsigned i = 0; i < SIM_MAX_VCPUS; i++) {
        uint64_t when;
        if (slots[i].used && sim_vtimer_next(&slots[i].vtimer, now, &when) &&
            (!any || when < next)) {
            next = when;
            any = true;
        }
    }
    uint64_t hyp;
    if (sim_hyp_timer(&hyp) && (!any || hyp < next)) {
        next = hyp > now ? hyp : now;
        any = true;
    }
    if (any)
        sim_counter_advance(next - now);
}

/* ---- vCPU slots ---------------------------------------------------------- */

static struct arch_vcpu *slot_find_or_take(struct vcpu *vcpu);

struct arch_vcpu *sim_vcpu_slot(struct vcpu *vcpu)
{
    struct arch_vcpu *av = vcpu->arch;
    if (av >= slots && av < slots + SIM_MAX_VCPUS && av->used && av->owner == vcpu)
        return av;
    pthread_mutex_lock(&slots_lock);
    av = slot_find_or_take(vcpu);
    pthread_mutex_unlock(&slots_lock);
    return av;
}

static struct arch_vcpu *slot_find_or_take(struct vcpu *vcpu)
{
    struct arch_vcpu *av;
    for (unsigned i = 0; i < SIM_MAX_VCPUS; i++)
        if (slots[i].used && slots[i].owner == vcpu)
            return vcpu->arch = &slots[i];
    for (unsigned i = 0; i < SIM_MAX_VCPUS; i++) {
        if (slots[i].used)
            continue;
        av = &slots[i];
        memset(av, 0, sizeof(*av));
        av->used = true;
        av->owner = vcpu;
        av->g.vcpu = vcpu;
        pthread_mutex_init(&av->lock, NULL);
        pthread_cond_init(&av->cv, NULL);
        vcpu->arch = av;
        return av;
    }
    return NULL;
}

/* Stop a slot's guest (thread joined, or coroutine stack freed) and give
 * the slot back, wiped. */
static void slot_free(struct arch_vcpu *av)
{
    sim_guest_thread_stop(av);
    pthread_mutex_destroy(&av->lock);
    pthread_cond_destroy(&av->cv);
    memset(av, 0, sizeof(*av)); /* used = false, owner = NULL */
}

void sim_vcpus_reset(void)
{
    memset(id_regs, 0, sizeof(id_regs));
    sim_pmu_reset();
    sim_set_cpu_features(0, 0);
    for (unsigned i = 0; i < SIM_MAX_VCPUS; i++)
        if (slots[i].used)
            slot_free(&slots[i]);
    nguests_at = 0;
    sim_counter_reset();
}

void arch_vcpu_put(struct vcpu *vcpu)
{
    /* Registers live in the slot, in memory: only this CPU's hold on the
     * vCPU's timer (its live one) goes. */
    struct sim_cpu *c = sim_cpu_this();
    if (vcpu && vcpu->arch && c->live_av == vcpu->arch)
        c->live_av = NULL;
}

void arch_vcpu_release(struct vcpu *vcpu)
{
    /* The slot vcpu owns, looked up without taking a fresh one: a vCPU that
     * never had a guest bound nor arch_vcpu_init has none. */
    for (unsigned i = 0; i < SIM_MAX_VCPUS; i++)
        if (slots[i].used && slots[i].owner == vcpu)
            slot_free(&slots[i]);
    vcpu->arch = NULL;
}

unsigned sim_vcpu_slots_used(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < SIM_MAX_VCPUS; i++)
        n += slots[i].used;
    return n;
}

/* The context behind vcpu->arch; a vCPU the sim never initialised (or one
 * from before sim_reset) is a test bug: stop loudly. */
static struct arch_vcpu *ctx(struct vcpu *vcpu)
{
    struct arch_vcpu *av = vcpu->arch;
    if (!(av >= slots && av < slots + SIM_MAX_VCPUS && av->used && av->owner == vcpu)) {
        fprintf(stderr, "sim: vCPU %p used without arch_vcpu_init (or after sim_reset)\n",
                (void *)vcpu);
        abort();
    }
    return av;
}

/* ---- Boot ------------------------------------------------------------------ */

void sim_guest_at(uint64_t pc, sim_guest_fn fn, void *arg)
{
    for (unsigned i = 0; i < nguests_at; i++) {
        if (guests_at[i].pc == pc) {
            guests_at[i].fn = fn;
            guests_at[i].arg = arg;
            return;
        }
    }
    if (nguests_at == SIM_GUEST_AT_MAX) {
        fprintf(stderr, "sim: too many sim_guest_at entries\n");
        abort();
    }
    guests_at[nguests_at++] = (struct guest_at){pc, fn, arg};
}

int arch_vcpu_init(struct vcpu *vcpu, const struct vcpu_boot *boot)
{
    if (boot->isa == ISA_A64 && sim_profile() == SIM_ARMV7)
        return -1; /* an ARMv7 CPU has no AArch64 */
    if (boot->isa != ISA_A64 && boot->isa != ISA_A32 && boot->isa != ISA_T32)
        return -1;
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    if (!av)
        return -1;
    sim_guest_thread_stop(av);

    memset(av->x, 0, sizeof(av->x));
    av->sp = 0;
    av->aarch32 = boot->isa != ISA_A64;
    if (av->aarch32) {
        for (unsigned i = 0; i < 4; i++)
            av->x[i] = (uint32_t)boot->regs[i];
        /* SVC mode, A/I/F masked: the state a reset (or bootloader) leaves. */
        av->psr = CPSR_MODE_SVC | CPSR_A | CPSR_I | CPSR_F | (boot->isa == ISA_T32 ? CPSR_T : 0);
        av->pc = (uint32_t)boot->pc;
    } else {
        for (unsigned i = 0; i < 4; i++)
            av->x[i] = boot->regs[i];
        av->psr = PSTATE_DAIF | PSTATE_EL1H;
        av->pc = boot->pc;
    }
    av->be64 = false;
    av->wfi_trap_asked = true; /* WFI traps after arch_vcpu_init (arch.h) */
    memset(&av->inj, 0, sizeof(av->inj));
    av->cond_override = false;
    memset(av->lr, 0, sizeof(av->lr));
    av->maint = 0;
    sim_pmu_vcpu_reset(av);
    av->maint_exits = 0;
    av->maint_at_entry = 0;
    memset(&av->vtimer, 0, sizeof(av->vtimer));
    av->hw_deactivations = 0;
    av->last_hw_pirq = 0;
    av->irq_exit_pending = false;
    av->s2_loaded = false;
    memset(&av->g.last_exception, 0, sizeof(av->g.last_exception));
    av->g.traps = 0;
    av->g.vcpu = vcpu;

    if (!av->fn) {
        for (unsigned i = 0; i < nguests_at; i++) {
            if (guests_at[i].pc == boot->pc) {
                av->fn = guests_at[i].fn;
                av->g.arg = guests_at[i].arg;
            }
        }
    }
    return 0;
}

/* ---- Registers ------------------------------------------------------------- */

bool sim_vcpu_is_t32(const struct arch_vcpu *av)
{
    return av->aarch32 && (av->psr & CPSR_T);
}

unsigned sim_vcpu_cond(const struct arch_vcpu *av)
{
    unsigned it = sim_vcpu_is_t32(av) ? aa32_itstate((uint32_t)av->psr) : 0;
    /* In an IT block, IT[7:4] is the condition of the current instruction. */
    if (it & 0xf)
        return it >> 4;
    return 0xe;
}

uint64_t sim_reg_get(const struct arch_vcpu *av, unsigned n)
{
    if (!av->aarch32)
        return n < 31 ? av->x[n] : 0;
    if (n < 15)
        return (uint32_t)av->x[aa32_xidx((uint32_t)av->psr, n)];
    if (n == 15)
        return (uint32_t)(av->pc + (sim_vcpu_is_t32(av) ? 4 : 8));
    /* On an ARMv8 CPU the syndrome names AArch32 registers in the AArch64
     * view (SRT 16-30 for banked SP/LR): accept those numbers too. */
    if (sim_profile() == SIM_ARMV8 && n < 31)
        return (uint32_t)av->x[n];
    return 0;
}

void sim_reg_set(struct arch_vcpu *av, unsigned n, uint64_t v)
{
    if (!av->aarch32) {
        if (n < 31)
            av->x[n] = v;
        return;
    }
    if (n < 15)
        av->x[aa32_xidx((uint32_t)av->psr, n)] = (uint32_t)v;
    else if (n == 15)
        av->pc = (uint32_t)v & (sim_vcpu_is_t32(av) ? ~1u : ~3u);
    else if (sim_profile() == SIM_ARMV8 && n < 31)
        av->x[n] = (uint32_t)v;
}

void sim_pc_advance(struct arch_vcpu *av, unsigned len)
{
    if (!av->aarch32) {
        av->pc += len;
        return;
    }
    av->pc = (uint32_t)(av->pc + len);
    if (sim_vcpu_is_t32(av)) /* ITAdvance(), ARMv7-A ARM A2.5.2 */
        av->psr = aa32_it_advance((uint32_t)av->psr);
}

uint64_t arch_vcpu_reg_read(struct vcpu *vcpu, unsigned n)
{
    return sim_reg_get(ctx(vcpu), n);
}

void arch_vcpu_reg_write(struct vcpu *vcpu, unsigned n, uint64_t val)
{
    sim_reg_set(ctx(vcpu), n, val);
}

uint64_t arch_vcpu_sp_read(struct vcpu *vcpu)
{
    struct arch_vcpu *av = ctx(vcpu);
    return av->aarch32 ? sim_reg_get(av, 13) : av->sp;
}

void arch_vcpu_sp_write(struct vcpu *vcpu, uint64_t val)
{
    struct arch_vcpu *av = ctx(vcpu);
    if (av->aarch32)
        sim_reg_set(av, 13, val);
    else
        av->sp = val;
}

uint64_t arch_vcpu_pc(struct vcpu *vcpu)
{
    return ctx(vcpu)->pc;
}

uint32_t arch_vcpu_pstate(struct vcpu *vcpu)
{
    /* psr is kept in the SPSR layout: CPSR for AArch32, PSTATE as SPSR_EL2
     * holds it for A64. */
    return (uint32_t)ctx(vcpu)->psr;
}

enum vcpu_isa arch_vcpu_isa(struct vcpu *vcpu)
{
    struct arch_vcpu *av = ctx(vcpu);
    if (!av->aarch32)
        return ISA_A64;
    return sim_vcpu_is_t32(av) ? ISA_T32 : ISA_A32;
}

bool arch_vcpu_data_be(struct vcpu *vcpu)
{
    struct arch_vcpu *av = ctx(vcpu);
    return av->aarch32 ? (av->psr & CPSR_E) != 0 : av->be64;
}

void arch_vcpu_skip_insn(struct vcpu *vcpu, unsigned len)
{
    struct arch_vcpu *av = ctx(vcpu);
    if (av->inj.pending) {
        /* On hardware the PC already points at the guest's vector: stepping
         * it now would skip the handler's first instruction. */
        fprintf(stderr, "sim: VMM skipped an instruction after injecting an exception\n");
        av->inj.pc_moved = true;
    }
    sim_pc_advance(av, len);
}

bool arch_vcpu_va_to_ipa(struct vcpu *vcpu, uint64_t va, ipa_t *ipa)
{
    return sim_s1_translate(ctx(vcpu), va, ipa);
}

bool sim_s1_translate(struct arch_vcpu *av, uint64_t va, ipa_t *ipa)
{
    if (av->aarch32)
        va = (uint32_t)va;
    if (av->s1)
        return av->s1(av->s1_ctx, va, ipa);
    *ipa = va; /* MMU off: flat */
    return true;
}

/* ---- Injected exceptions --------------------------------------------------- */

static void inject(struct vcpu *vcpu, enum sim_exc_type type, uint64_t far)
{
    struct arch_vcpu *av = ctx(vcpu);
    /* The exception is taken at the PC as it stands: the faulting
     * instruction, unless the VMM (wrongly) stepped past it first. */
    av->inj = (struct sim_injected){.pending = true, .type = type, .far = far, .elr = av->pc};
}

void arch_vcpu_inject_dabt(struct vcpu *vcpu, uint64_t va)
{
    inject(vcpu, SIM_EXC_DABT, va);
}

void arch_vcpu_inject_iabt(struct vcpu *vcpu, uint64_t va)
{
    inject(vcpu, SIM_EXC_IABT, va);
}

void arch_vcpu_inject_undef(struct vcpu *vcpu)
{
    inject(vcpu, SIM_EXC_UNDEF, 0);
}

/* ---- Sim API on vCPUs ------------------------------------------------------ */

struct sim_guest *sim_vcpu_guest(struct vcpu *vcpu)
{
    struct arch_vcpu *av = vcpu->arch;
    if (!(av >= slots && av < slots + SIM_MAX_VCPUS && av->used && av->owner == vcpu))
        return NULL;
    return &av->g;
}

void sim_vcpu_raise_irq(struct vcpu *vcpu)
{
    ctx(vcpu)->irq_exit_pending = true;
}

void sim_vcpu_set_s1(struct vcpu *vcpu, sim_s1_fn fn, void *s1ctx)
{
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    if (!av)
        abort();
    av->s1 = fn;
    av->s1_ctx = s1ctx;
}
