/*
 * The saved state of one ARMv7 vCPU (struct arch_vcpu) and the byte offsets
 * the assembly entry/exit path (vectors.S) uses to reach it.
 *
 * Split in three parts by who switches them:
 *  - struct armv7_gprs: r0-r12, the banked SP/LR/SPSR of every PL1/PL0 mode,
 *    the FIQ-banked r8-r12, and ELR_hyp/SPSR_hyp (the guest's PC and CPSR).
 *    vectors.S saves and restores these on every exit and entry.
 *  - struct armv7_cp15: the PL1 system registers a Linux guest owns; the
 *    hypervisor in Hyp mode never uses them, vcpu_switch.c saves/restores them.
 *  - struct armv7_vfp: d0-d31, FPSCR, FPEXC (vfp.S), switched eagerly.
 */
#ifndef ARCH_ARMV7_CONTEXT_H
#define ARCH_ARMV7_CONTEXT_H

/* Offsets into struct armv7_gprs (checked by _Static_assert below). */
#define CTX_R0        0
#define CTX_SP_USR    52
#define CTX_LR_USR    56
#define CTX_PC        60 /* ELR_hyp */
#define CTX_CPSR      64 /* SPSR_hyp */
#define CTX_SVC       68 /* sp, lr, spsr */
#define CTX_ABT       80
#define CTX_UND       92
#define CTX_IRQ       104
#define CTX_FIQ       116 /* r8-r12, sp, lr, spsr */
#define CTX_GPRS_SIZE 148

/* struct armv7_cpu, each physical CPU's record (HTPIDR points at it), for
 * boot.S and vectors.S (checked below). */
#define CPU_GUEST        0     /* the running vCPU's struct armv7_gprs */
#define CPU_SIZE         32    /* sizeof(struct armv7_cpu) */
#define ARMV7_CPUS       8     /* PCPU_MAX (core/pcpu.h), checked in smp.c */
#define ARMV7_STACK_SIZE 16384 /* Hyp stack per CPU */

/* What the vector stubs return from armv7_guest_enter (enum arch_exit_kind). */
#define GUEST_EXIT_TRAP 0
#define GUEST_EXIT_IRQ  1

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "arch/armv7/cp15.h"
#include "arch/gicv2/gicv2.h"
#include "arch/pmu/pmu_switch.h"

struct armv7_banked {
    uint32_t sp, lr, spsr;
};

struct armv7_gprs {
    uint32_t r[13];  /* r0-r12; r8-r12 as every mode but FIQ sees them */
    uint32_t sp_usr; /* shared by usr and sys */
    uint32_t lr_usr;
    uint32_t pc;   /* ELR_hyp: where the guest resumes */
    uint32_t cpsr; /* SPSR_hyp: the guest's CPSR */
    struct armv7_banked svc, abt, und, irq;
    uint32_t r_fiq[5]; /* r8_fiq-r12_fiq */
    struct armv7_banked fiq;
};

struct armv7_cp15 {
    uint32_t sctlr, cpacr, ttbcr, dacr;
    uint64_t ttbr0, ttbr1, par;
    uint32_t dfsr, ifsr, adfsr, aifsr, dfar, ifar;
    uint32_t prrr, nmrr, amair0, amair1; /* MAIR0/MAIR1 under TTBCR.EAE */
    uint32_t vbar, contextidr, tpidrurw, tpidruro, tpidrprw;
    uint32_t csselr, cntkctl;
    uint32_t cntv_ctl;
    uint64_t cntv_cval, cntvoff;
    uint32_t vmpidr;
};

struct armv7_vfp {
    uint64_t d[32];
    uint32_t fpscr, fpexc;
};

struct arch_vcpu {
    struct armv7_gprs gprs; /* first: vectors.S gets this pointer (struct armv7_cpu) */
    struct armv7_cp15 cp15;
    struct armv7_vfp vfp;
    uint32_t hcr;          /* HCR while this vCPU runs */
    uint32_t last_hsr;     /* syndrome of the last trap (WnR for injected aborts) */
    int started;           /* caches made coherent for the guest's first entry */
    bool in_mem;           /* cp15 and vfp in memory match the CPU's */
    bool banked_in_cpu;    /* gprs' banked registers are stale: the guest's are
                              in the CPU since its exit (armv7_save_banked) */
    bool reload;           /* the memory copy was changed: load it on entry */
    struct gicv2_vcpu gic; /* GICH_LRn, GICH_VMCR, GICH_APR (arch/gicv2) */
    struct pmu_ctx pmu;    /* the PMU while another vCPU's is loaded (arch/pmu) */
    struct vcpu *owner;
    /* 1 + index of the physical CPU whose registers hold cp15/VFP (0:
     * none); written by that CPU, read by any (atomics). */
    unsigned live_cpu;
    /* Another CPU wants that state in memory (it is about to run or reset
     * this vCPU): the holding CPU saves it and lets go (boot_smp_lazy_service). */
    bool flush_wanted;
};

/* What each physical CPU keeps for itself; HTPIDR points at it from boot.S
 * on, and the exit path finds the guest's registers through it. */
struct armv7_cpu {
    struct armv7_gprs *guest;    /* first: the vCPU armv7_guest_enter runs */
    unsigned index;              /* arch_cpu_id() */
    struct arch_vcpu *hw_loaded; /* whose cp15/VFP, HCR and VTTBR are in this CPU */
} __attribute__((aligned(CPU_SIZE)));
extern struct armv7_cpu armv7_cpus[ARMV7_CPUS];

/* The record of the CPU executing the caller. */
static inline struct armv7_cpu *armv7_this_cpu(void)
{
    uint32_t v;
    __asm__("mrc " HTPIDR : "=r"(v)); /* fixed per CPU: may be CSEd */
    return (struct armv7_cpu *)(uintptr_t)v;
}

_Static_assert(offsetof(struct armv7_gprs, r) == CTX_R0, "ctx r0");
_Static_assert(offsetof(struct armv7_gprs, sp_usr) == CTX_SP_USR, "ctx sp_usr");
_Static_assert(offsetof(struct armv7_gprs, lr_usr) == CTX_LR_USR, "ctx lr_usr");
_Static_assert(offsetof(struct armv7_gprs, pc) == CTX_PC, "ctx pc");
_Static_assert(offsetof(struct armv7_gprs, cpsr) == CTX_CPSR, "ctx cpsr");
_Static_assert(offsetof(struct armv7_gprs, svc) == CTX_SVC, "ctx svc");
_Static_assert(offsetof(struct armv7_gprs, abt) == CTX_ABT, "ctx abt");
_Static_assert(offsetof(struct armv7_gprs, und) == CTX_UND, "ctx und");
_Static_assert(offsetof(struct armv7_gprs, irq) == CTX_IRQ, "ctx irq");
_Static_assert(offsetof(struct armv7_gprs, r_fiq) == CTX_FIQ, "ctx fiq");
_Static_assert(sizeof(struct armv7_gprs) == CTX_GPRS_SIZE, "ctx size");
_Static_assert(offsetof(struct armv7_cpu, guest) == CPU_GUEST, "cpu guest");
_Static_assert(sizeof(struct armv7_cpu) == CPU_SIZE, "cpu size");
_Static_assert(GUEST_EXIT_TRAP == ARCH_EXIT_TRAP && GUEST_EXIT_IRQ == ARCH_EXIT_IRQ, "kinds");

/* vcpu.c: make c's cp15/VFP state in memory current before reading it; with
 * for_write, the memory copy goes back into the CPU on the next entry. Every
 * reader or writer of c->cp15 / c->vfp outside the world switch calls this
 * first: the state stays live in the CPU across exits while the same vCPU
 * runs again. */
void armv7_ctx_fetch(struct arch_vcpu *c, bool for_write);
/* Whether c's cp15 state is live in the CPU and newer than its copy. */
bool armv7_ctx_live(struct arch_vcpu *c);

/* vectors.S: load ctx, ERET to the guest; returns GUEST_EXIT_* when it traps. */
int armv7_guest_enter(struct armv7_gprs *ctx);
/* The same for the vCPU that just exited on this CPU, its banked registers
 * (SVC, ABT, UND, IRQ, FIQ) unchanged in ctx since: they stay as the CPU
 * holds them (vectors.S). */
int armv7_guest_resume(struct armv7_gprs *ctx);
/* Store the guest's banked registers, still in the CPU since its exit,
 * into ctx (vectors.S). */
void armv7_save_banked(struct armv7_gprs *ctx);

/* vfp.S: eager switch of the guest's VFP/NEON registers. */
void armv7_vfp_save(struct armv7_vfp *vfp);
void armv7_vfp_restore(const struct armv7_vfp *vfp);

/* vcpu_switch.c: the guest's PL1 system registers to / from the CPU. */
void armv7_cp15_save(struct armv7_cp15 *c);
void armv7_cp15_restore(const struct armv7_cp15 *c);
#endif

#endif
