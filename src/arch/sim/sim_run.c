/*
 * Entering and leaving the guest: each vCPU's guest program runs on its own
 * host thread, and the VMM thread and the guest thread hand control to each
 * other with a mutex and a condition variable, so exactly one of them runs at
 * a time (deterministic, and clean under ASan and qemu-user).
 *
 * arch_vcpu_run = "ERET": give the turn to the guest and wait.
 * sim_guest_trap = "exception to EL2": the guest thread has filled the exit
 * record; give the turn back and wait to be resumed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "arch/sim/sim_internal.h"
#include "core/vm.h"
#include "lib/check.h"

#define PSCI_SYSTEM_OFF 0x84000008u /* Arm DEN0022 PSCI 0.2 SYSTEM_OFF */

/* The guest program itself: when it returns, the guest powers off. */
static void guest_body(struct arch_vcpu *av)
{
    av->fn(&av->g);
    /* A real guest that is finished powers the machine off. */
    av->off_sent = true;
    g_smccc(&av->g, PSCI_SYSTEM_OFF, 0, 0, 0);
    fprintf(stderr, "sim: the VMM resumed vCPU %u after its PSCI SYSTEM_OFF\n",
            av->owner ? av->owner->id : 0u);
    abort();
}

#ifndef SIM_GUEST_UCONTEXT
/* ---- Backend 1: a host thread per guest, handed the turn explicitly ------- */

static void wait_turn(struct arch_vcpu *av, bool guest)
{
    while (av->guest_turn != guest && !(guest && av->kill))
        pthread_cond_wait(&av->cv, &av->lock);
}

void sim_guest_trap(struct arch_vcpu *av)
{
    av->g.traps++;
    pthread_mutex_lock(&av->lock);
    av->guest_turn = false;
    pthread_cond_broadcast(&av->cv);
    wait_turn(av, true);
    bool killed = av->kill;
    unsigned cpu = av->run_cpu;
    pthread_mutex_unlock(&av->lock);
    if (killed)
        longjmp(av->kill_jmp, 1); /* back to guest_main on this thread */
    sim_set_this_cpu(cpu);        /* the CPU that resumed it (it may have moved) */
}

static void *guest_main(void *p)
{
    struct arch_vcpu *av = p;
    pthread_mutex_lock(&av->lock);
    wait_turn(av, true);
    bool killed = av->kill;
    sim_set_this_cpu(av->run_cpu);
    pthread_mutex_unlock(&av->lock);

    if (!killed && setjmp(av->kill_jmp) == 0)
        guest_body(av);

    pthread_mutex_lock(&av->lock);
    av->thread_done = true;
    av->guest_turn = false;
    pthread_cond_broadcast(&av->cv);
    pthread_mutex_unlock(&av->lock);
    return NULL;
}

void sim_guest_thread_stop(struct arch_vcpu *av)
{
    if (!av->thread_started)
        return;
    pthread_mutex_lock(&av->lock);
    av->kill = true;
    pthread_cond_broadcast(&av->cv);
    pthread_mutex_unlock(&av->lock);
    pthread_join(av->thread, NULL);
    av->thread_started = false;
    av->thread_done = false;
    av->kill = false;
    av->off_sent = false;
    av->guest_turn = false;
}

/* Give the turn to the guest (starting its thread the first time) and wait
 * until it traps. */
static void enter_guest(struct arch_vcpu *av)
{
    pthread_mutex_lock(&av->lock);
    av->run_cpu = arch_cpu_id();
    av->guest_turn = true;
    if (!av->thread_started) {
        if (pthread_create(&av->thread, NULL, guest_main, av) != 0) {
            fprintf(stderr, "sim: cannot create a guest thread\n");
            abort();
        }
        av->thread_started = true;
    } else {
        pthread_cond_broadcast(&av->cv);
    }
    wait_turn(av, false);
    pthread_mutex_unlock(&av->lock);
}

#else
/* ---- Backend 2: a coroutine per guest (makecontext/swapcontext) -----------
 * For qemu-user, whose 7.2 release hangs or crashes in pthread_create of
 * dynamically linked ARM programs; chosen at build time (CMakeLists.txt).
 * Same contract: one side runs at a time. */

#define SIM_GUEST_STACK (256u << 10)

static struct arch_vcpu *starting; /* makecontext passes no pointer portably */

static void guest_entry(void)
{
    guest_body(starting);
}

void sim_guest_trap(struct arch_vcpu *av)
{
    av->g.traps++;
    swapcontext(&av->guest_ctx, &av->vmm_ctx);
}

void sim_guest_thread_stop(struct arch_vcpu *av)
{
    if (!av->thread_started)
        return;
    /* A stopped coroutine is never resumed: dropping its stack ends it. */
    free(av->stack);
    av->stack = NULL;
    av->thread_started = false;
    av->thread_done = false;
    av->off_sent = false;
}

static void enter_guest(struct arch_vcpu *av)
{
    if (!av->thread_started) {
        av->stack = malloc(SIM_GUEST_STACK);
        if (!av->stack || getcontext(&av->guest_ctx) != 0) {
            fprintf(stderr, "sim: cannot create a guest context\n");
            abort();
        }
        av->guest_ctx.uc_stack.ss_sp = av->stack;
        av->guest_ctx.uc_stack.ss_size = SIM_GUEST_STACK;
        av->guest_ctx.uc_link = NULL; /* guest_body never returns */
        makecontext(&av->guest_ctx, guest_entry, 0);
        starting = av;
        av->thread_started = true;
    }
    swapcontext(&av->vmm_ctx, &av->guest_ctx);
}
#endif

void arch_vcpu_trap_wfi(struct vcpu *vcpu, bool trap)
{
    /* The guest's thread hands the turn back only at a trap: a WFI that
     * waited in the guest could never be ended by the VMM. It traps; what
     * the core asked is recorded for the tests of its policy. */
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    if (!av)
        return;
    if (!trap && av->wfi_trap_asked)
        av->wfi_in_guest_asks++;
    av->wfi_trap_asked = trap;
}

void arch_vcpu_run(struct vcpu *vcpu, struct arch_exit *exit)
{
    struct arch_vcpu *av = vcpu->arch;
    if (!av || av != sim_vcpu_slot(vcpu)) {
        fprintf(stderr, "sim: arch_vcpu_run on a vCPU without arch_vcpu_init\n");
        abort();
    }
    /* VTTBR/VTCR are loaded on the way in. */
    if (vcpu->vm) {
        av->s2 = vcpu->vm->stage2;
        av->s2_loaded = true;
    } else {
        av->s2_loaded = false;
    }

    /* This vCPU's timer is now the CPU's live one: if it fires, its PPI
     * takes the guest straight back out (HCR.IMO), as on hardware. */
    sim_set_live_vcpu(av);
    for (;;) {
        if (sim_lr_kick_take(sim_cpu_this())) {
            /* The list-register kick, taken and ended here: the core writes
             * what was posted, and anything else pending leaves below. */
            *exit =
                (struct arch_exit){.kind = ARCH_EXIT_IRQ, .fmt = sim_syn_fmt(), .lr_kick = true};
            CHECK(vcpu_exit_fast(vcpu, exit));
        }
        if (av->irq_exit_pending || sim_cpu_this()->maint_pending || sim_vtimer_ppi_pending() ||
            sim_hyp_timer_pending() || sim_kick_pending(sim_cpu_this()) || sim_maint_at_entry(av)) {
            av->irq_exit_pending = false;
            *exit = (struct arch_exit){.kind = ARCH_EXIT_IRQ, .fmt = sim_syn_fmt()};
            return;
        }
        if (!av->fn) {
            fprintf(stderr, "sim: vCPU %u has no guest program (sim_vcpu_set_guest)\n", vcpu->id);
            abort();
        }
        if (av->thread_done) {
            fprintf(stderr, "sim: vCPU %u resumed after its guest thread ended\n", vcpu->id);
            abort();
        }

        enter_guest(av);
        *exit = av->exit;
        /* Offered to the core as the hardware ports do, before the vGIC
         * state would leave the CPU (the sim's list registers never do);
         * an IRQ exit goes round to the checks above, which take the
         * list-register kick and leave for anything else. */
        if (exit->kind == ARCH_EXIT_IRQ && sim_lr_kick_pending(sim_cpu_this()))
            continue;
        if (!exit->ipa_valid || !vcpu_exit_fast(vcpu, exit))
            return;
    }
}

int sim_vcpu_set_guest(struct vcpu *vcpu, sim_guest_fn fn, void *arg)
{
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    if (!av)
        return -1;
    sim_guest_thread_stop(av);
    av->fn = fn;
    av->g.arg = arg;
    av->g.vcpu = vcpu;
    return 0;
}

uint64_t sim_vcpu_wfi_in_guest_asks(struct vcpu *vcpu)
{
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    return av ? av->wfi_in_guest_asks : 0;
}

bool sim_vcpu_guest_done(struct vcpu *vcpu)
{
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    return av && av->off_sent;
}
