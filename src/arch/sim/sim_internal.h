/* Between the files of the sim arch only. */
#ifndef ARCH_SIM_SIM_INTERNAL_H
#define ARCH_SIM_SIM_INTERNAL_H

#include <pthread.h>
#include <setjmp.h>
#ifdef SIM_GUEST_UCONTEXT
#include <ucontext.h>
#endif

#include "arch/arch.h"
#include "arch/sim/sim.h"
#include "arch/sim/sim_guest.h"
#include "core/stage2.h"

/* ---- Simulated physical CPUs (sim_smp.c) --------------------------------- */

#define SIM_MAX_CPUS 8

/* One simulated physical CPU. Its interrupt state (sim_vgic.c) is touched by
 * its own thread and by the guest thread it runs (only while its own thread
 * waits for that guest); kick_pending and the kick counts by any CPU,
 * atomically; wait_lock/wait_cv end its idle wait. */
struct sim_cpu {
    unsigned id;
    /* Physical interrupts (sim_vgic.c). */
    bool maint_pending;
    bool vtimer_ppi_active;
    struct arch_vcpu *live_av; /* whose virtual timer this CPU holds live */
    bool hyp_armed, hyp_active;
    uint64_t hyp_cval, hyp_arms, hyp_fired;
    /* Kicks (arch_cpu_kick) and list-register kicks (arch_cpu_kick_lr),
     * set by any CPU. */
    bool kick_pending, lr_kick_pending;
    uint64_t kicks_sent, kicks_taken, lr_kicks_fast;
    pthread_mutex_t wait_lock;
    pthread_cond_t wait_cv;
    /* The host thread of a secondary CPU. */
    pthread_t thread;
    bool started, stop;
    jmp_buf stop_jmp;
};

/* The simulated CPU the calling thread is (or runs a guest for). */
struct sim_cpu *sim_cpu_this(void);
/* A guest thread takes the id of the CPU that hands it the turn. */
void sim_set_this_cpu(unsigned id);
/* More than one simulated CPU runs (sim_smp_start). */
bool sim_smp_active(void);
/* arch_cpu_idle of a multi-CPU sim. */
void sim_smp_idle(void);
/* Stop the secondary CPUs' threads (sim_reset). */
void sim_smp_stop(void);
/* A kick of either kind is pending for c / take one (arch_irq_ack); take
 * the list-register kick alone (arch_vcpu_run, its fast exit). */
bool sim_kick_pending(const struct sim_cpu *c);
bool sim_kick_take(struct sim_cpu *c);
bool sim_lr_kick_take(struct sim_cpu *c);
bool sim_lr_kick_pending(const struct sim_cpu *c);
/* This CPU has a physical interrupt pending (sim_vgic.c), and the counter
 * value of its next timer event after now (its hypervisor timer, the live
 * virtual timer). */
bool sim_irq_pending_here(void);
bool sim_next_event_here(uint64_t now, uint64_t *when);
/* Clear one CPU's interrupt state. */
void sim_cpu_irq_reset(struct sim_cpu *c);

/* Called by sim_reset after memory is recreated: other sim parts drop state. */
void sim_reset_hook(void);

/* A TLB invalidation for vmid over [ipa, ipa+size) (size ~0: all): the
 * simulated MMU drops the cached translations it covers. */
void sim_tlb_flush_hook(uint16_t vmid, ipa_t ipa, uint64_t size);

/* ---- Simulated guest CPU (sim_cpu.c) ------------------------------------ */

/* AArch32 CPSR fields, banking and ITSTATE: core/aarch32.h. */
#include "core/aarch32.h"

/* A64 PSTATE at reset into EL1h with DAIF masked (SPSR_EL2 encoding). */
#define PSTATE_EL1H 0x5u
#define PSTATE_DAIF (0xfu << 6)

/* A trapping guest operation re-executed this many times without the VMM
 * moving the PC or injecting anything means a VMM loop: stop the test. */
#define SIM_MAX_REEXEC 100000

struct sim_injected {
    bool pending;
    enum sim_exc_type type;
    uint64_t far;
    uint64_t elr;
    bool pc_moved;
};

/* The PMU registers of one vCPU (sim_pmu.c), in the PMUv3 layout. */
struct sim_pmu {
    uint32_t pmcr, cnten, inten, ovs, userenr, ccfiltr;
    uint64_t ccntr;
    uint32_t evcntr[SIM_PMU_MAX_COUNTERS], evtyper[SIM_PMU_MAX_COUNTERS];
};

struct arch_vcpu {
    bool used;
    struct vcpu *owner;

    /* Register file. AArch32 state lives in x[] with the architectural
     * AArch32->AArch64 mapping (ARMv8-A ARM D1.20.1), so banked SP/LR of
     * every mode have a home and SRT can be reported in the AArch64 view. */
    uint64_t x[31];
    uint64_t sp; /* A64: SP_EL1 (the guest runs at EL1h) */
    uint64_t pc;
    uint64_t psr; /* A64 PSTATE / AArch32 CPSR */
    bool aarch32; /* PSTATE.nRW */
    bool be64;    /* A64: SCTLR_EL1.EE */

    struct sim_injected inj;

    /* g_set_cond: the COND the next conditional trap reports (CV=1), or
     * SIM_COND_CV0 for CV=0. */
    bool cond_override;
    unsigned cond_next;

    /* Guest program and its thread (or, with SIM_GUEST_UCONTEXT, its
     * coroutine: see sim_run.c). */
    sim_guest_fn fn;
    struct sim_guest g;
    bool thread_started, thread_done, kill, off_sent;
    /* What the core asked of WFI (arch_vcpu_trap_wfi): the last answer and
     * how many entries it asked to let the guest wait (sim_vcpu_wfi_asks). */
    bool wfi_trap_asked;
    uint64_t wfi_in_guest_asks;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cv;
    bool guest_turn; /* true: the guest thread runs; false: the VMM does */
    jmp_buf kill_jmp;
#ifdef SIM_GUEST_UCONTEXT
    ucontext_t guest_ctx, vmm_ctx;
    void *stack;
#endif
    struct arch_exit exit; /* filled by the guest thread when it traps */
    unsigned run_cpu;      /* the simulated CPU that entered it last */
    bool irq_exit_pending;

    /* The stage 2 installed by arch_vcpu_run (VTTBR/VTCR as loaded). */
    struct stage2 s2;
    bool s2_loaded;
    sim_s1_fn s1;
    void *s1_ctx;

    /* Virtual CPU interface and timer. */
    struct vgic_lr lr[SIM_NUM_LRS];
    unsigned maint; /* VGIC_MAINT_*: GICH_HCR.UIE / NPIE */
    unsigned maint_at_entry; /* entries in a row a maintenance condition held */
    uint64_t maint_exits;
    uint64_t hw_deactivations;
    uint32_t last_hw_pirq;
    struct vtimer_state vtimer;
    struct sim_pmu pmu;
};

/* Slot owned by vcpu, or a fresh one (NULL when every slot is taken). */
struct arch_vcpu *sim_vcpu_slot(struct vcpu *vcpu);
/* Tear down every vCPU slot and guest thread (sim_reset). */
void sim_vcpus_reset(void);
/* Stop one slot's guest thread, if any. */
void sim_guest_thread_stop(struct arch_vcpu *av);

/* Register n as the current mode sees it (arch_vcpu_reg_read rules). */
uint64_t sim_reg_get(const struct arch_vcpu *av, unsigned n);
void sim_reg_set(struct arch_vcpu *av, unsigned n, uint64_t v);
/* Step the PC over an instruction of len bytes (ITSTATE advances in T32). */
void sim_pc_advance(struct arch_vcpu *av, unsigned len);
/* The guest's stage 1 (identity with the MMU off, or the test's hook). */
bool sim_s1_translate(struct arch_vcpu *av, uint64_t va, ipa_t *ipa);

/* The sim CPU's physical interrupts (sim_vgic.c): av's timer is the live
 * one from its entry on; is its PPI pending (condition met, not active)?
 * sim_irq_reset clears both interrupts (sim_reset). */
void sim_set_live_vcpu(struct arch_vcpu *av);
/* A maintenance condition (UIE, NPIE) holds as av's list registers are
 * loaded: the interrupt is raised and the entry ends at once. */
bool sim_maint_at_entry(struct arch_vcpu *av);
bool sim_vtimer_ppi_pending(void);
void sim_irq_reset(void);
/* When the armed hypervisor timer fires (false: not armed, or its PPI is
 * active). */
bool sim_hyp_timer_next(uint64_t *when);
/* Is the hypervisor timer's PPI pending (armed, due, not active)? */
bool sim_hyp_timer_pending(void);

/* The system counter back to 0 and the idle hook cleared (sim_reset). */
void sim_counter_reset(void);
/* Console input not read yet (the console interrupt's level), and all of
 * it dropped (sim_reset). */
bool sim_console_has_input(void);
void sim_console_input_clear(void);
/* arch_cpu_idle: run the test's idle hook; false when none is set. */
bool sim_idle_run_hook(void);
/* The counter value after now at which timer t's condition starts to hold
 * (enabled, not masked); false when it is off, masked or already firing. */
bool sim_vtimer_next(const struct vtimer_state *t, uint64_t now, uint64_t *when);

/* The PMU (sim_pmu.c): everything back to "no PMU" (sim_reset); a vCPU's
 * registers back to reset (arch_vcpu_init); the guest ran for cycles at
 * EL1 (g_spin); the overflow interrupt's level for av's PMU, and whether it
 * is pending for the live vCPU av (level high, not active); acknowledged /
 * deactivated. */
void sim_pmu_reset(void);
void sim_pmu_vcpu_reset(struct arch_vcpu *av);
void sim_pmu_count(struct arch_vcpu *av, uint64_t cycles);
bool sim_pmu_irq_level(const struct arch_vcpu *av);
bool sim_pmu_irq_pending(const struct arch_vcpu *live);
void sim_pmu_irq_set_active(bool active);

/* Guest thread: the exit record is filled; hand the CPU to the VMM and wait
 * to be resumed (sim_run.c). */
void sim_guest_trap(struct arch_vcpu *av);

/* AArch64-view index of AArch32 register n (0-14) in the current mode. */

bool sim_vcpu_is_t32(const struct arch_vcpu *av);
/* Condition of the current instruction for CV/COND: ITSTATE's in a T32 IT
 * block, else AL (0xE). */
unsigned sim_vcpu_cond(const struct arch_vcpu *av);
/* The COND a conditional trap reports now: a pending g_set_cond (used up
 * by this call), else sim_vcpu_cond. SIM_COND_CV0 means CV=0. */
unsigned sim_trap_cond(struct arch_vcpu *av);

/* ---- Syndrome encoding (sim_syndrome.c) --------------------------------- */

struct sim_dabt_iss {
    bool isv;
    unsigned size; /* bytes */
    bool sse;
    unsigned srt;
    bool sf, ar;
    bool wnr;
    bool s1ptw;
    bool ea;
    unsigned fsc;
    unsigned len; /* instruction length, for IL when isv */
};
uint32_t sim_syn_dabt(const struct sim_dabt_iss *d);
uint32_t sim_syn_iabt(unsigned fsc, bool s1ptw);
uint32_t sim_syn_hvc(bool aarch32, uint16_t imm);
uint32_t sim_syn_smc(bool aarch32, uint16_t imm, unsigned cond);
uint32_t sim_syn_wfx(bool wfe, unsigned cond, unsigned len);
uint32_t sim_syn_sys64(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2,
                       unsigned rt, bool read);
uint32_t sim_syn_cp32(unsigned coproc, unsigned opc1, unsigned crn, unsigned crm, unsigned opc2,
                      unsigned rt, bool read, unsigned cond, unsigned len);
enum syndrome_fmt sim_syn_fmt(void);

#endif
