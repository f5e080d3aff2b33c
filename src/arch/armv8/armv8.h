/*
 * Between the files of the armv8 arch only: the saved vCPU context (struct
 * arch_vcpu) with the offsets vectors.S uses, and the boot-time services
 * (console, memory, MMU, firmware) the other files call.
 */
#ifndef ARCH_ARMV8_ARMV8_H
#define ARCH_ARMV8_ARMV8_H

/* Offsets into struct armv8_gregs, for vectors.S (checked below). */
#define GREGS_X0     0
#define GREGS_X30    240
#define GREGS_PC     248 /* ELR_EL2: the guest's PC */
#define GREGS_PSTATE 256 /* SPSR_EL2: the guest's PSTATE */
#define GREGS_SIZE   264

/* What armv8_guest_enter returns: which vector the guest left through. */
#define GUEST_EXIT_SYNC   0
#define GUEST_EXIT_IRQ    1
#define GUEST_EXIT_FIQ    2
#define GUEST_EXIT_SERROR 3

/* Where the image runs: QEMU virt RAM base + text_offset, the address a
 * Linux-Image loader uses for a 2 MiB aligned base at the start of RAM
 * (linker.ld places the image there; keep both in step). */
#define ARMV8_TEXT_OFFSET 0x200000

/* Boot stack per CPU (bytes). */
#define ARMV8_STACK_SIZE 16384

/* struct armv8_cpu, for boot.S and vectors.S (checked below): TPIDR_EL2
 * points at the executing CPU's record. */
#define CPU_GUEST 0  /* the running vCPU's struct armv8_gregs */
#define CPU_SIZE  64 /* sizeof(struct armv8_cpu) */
/* Physical CPUs with a record and a stack: PCPU_MAX (core/pcpu.h, a C
 * header; checked equal below). */
#define ARMV8_CPUS 8

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "arch/armv8/debug.h"
#include "arch/armv8/mte.h"
#include "arch/armv8/pauth.h"
#include "arch/armv8/sve.h"
#include "arch/boot/boot.h"
#include "arch/gicv2/gicv2.h"
#include "arch/pmu/pmu_switch.h"
#include "core/pcpu.h"
#include "lib/fdt.h"

/* General registers the exit path saves in assembly. */
struct armv8_gregs {
    uint64_t x[31];
    uint64_t pc;
    uint64_t pstate;
};

/* EL1 (and EL0) system registers a guest OS owns (what Linux uses). */
struct armv8_el1_regs {
    uint64_t sp_el0, sp_el1, elr_el1, spsr_el1;
    uint64_t sctlr, cpacr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
    uint64_t esr, far, afsr0, afsr1, par, csselr, cntkctl, mdscr;
    uint64_t tpidr_el0, tpidrro_el0, tpidr_el1;
};

/* FP/SIMD: V0-V31 (128 bit each), FPSR, FPCR. Switched lazily (vcpu.c). */
struct armv8_fpsimd {
    _Alignas(16) uint64_t v[64];
    uint64_t fpsr, fpcr;
    uint64_t fpexc32; /* FPEXC32_EL2, switched with the rest when the CPU
                         has AArch32 EL1 (not by fpsimd.S) */
};

/* Registers only an AArch32 EL1 has: the banked SPSRs of the modes
 * without an AArch64 counterpart, DACR and IFSR (SPSR_svc is SPSR_EL1, and
 * DFSR/DFAR/IFAR live in ESR_EL1/FAR_EL1). */
struct armv8_aa32_regs {
    uint64_t spsr_abt, spsr_und, spsr_irq, spsr_fiq;
    uint64_t dacr32, ifsr32;
};

struct arch_vcpu {
    struct armv8_gregs g; /* first: vectors.S gets this pointer (struct armv8_cpu) */
    struct armv8_el1_regs el1;
    struct armv8_debug_regs dbg; /* switched with el1 (debug.c) */
    struct armv8_pauth_keys keys; /* switched with el1 on FEAT_PAuth (pauth.c) */
    struct armv8_mte_regs mte;    /* switched with el1 when the VM has MTE (mte.c) */
    bool has_mte;                 /* the VM has MTE: HCR_EL2.ATA, mte switched */
    struct armv8_fpsimd fp;
    struct armv8_sve sve; /* with fp, once the guest uses SVE (sve.c) */
    struct armv8_aa32_regs aa32;
    bool aarch32; /* EL1 runs AArch32 (HCR_EL2.RW = 0) */
    uint64_t cntv_ctl, cntv_cval, cntvoff;
    uint64_t hcr;          /* HCR_EL2 while this vCPU runs */
    uint64_t vmpidr;       /* VMPIDR_EL2: the MPIDR_EL1 the guest reads */
    bool el1_in_mem;       /* el1, aa32, cntv_* in memory match the CPU's */
    bool el1_reload;       /* the memory copy was changed: load it on entry */
    uint32_t last_esr;     /* ESR_EL2 of the last trap (IL, WnR for injections) */
    struct gicv2_vcpu gic; /* GICH_LRn, GICH_VMCR, GICH_APR (arch/gicv2) */
    struct pmu_ctx pmu;    /* the PMU while another vCPU's is loaded (arch/pmu) */
    struct vcpu *owner;
    /* Which physical CPU's registers hold this context's lazily switched
     * state, as 1 + its index (0: none): el1_cpu for el1/aa32/cntv/debug,
     * fp_cpu for FP/SIMD. Written by that CPU, read by any (atomics). */
    unsigned el1_cpu, fp_cpu;
    /* Another CPU wants that state in memory (it is about to run or reset
     * this vCPU): the holding CPU saves it, forgets it and clears this
     * (vcpu.c, boot_smp_lazy_service). */
    bool flush_wanted;
};

/* What each physical CPU keeps for itself (its "per-CPU record" on the arch
 * side; core/pcpu.h is the core's). TPIDR_EL2 points at it from the CPU's
 * first instruction on (boot.S); the exit path finds the guest's registers
 * through it. */
struct armv8_cpu {
    struct armv8_gregs *guest;        /* first: the vCPU armv8_guest_enter runs */
    unsigned index;                   /* arch_cpu_id() */
    struct arch_vcpu *hw_loaded;      /* its EL1 state, HCR/VTTBR/VTCR are in this CPU */
    struct arch_vcpu *fp_owner;       /* its FP/SIMD registers are in this CPU */
    uint64_t cptr_traps;              /* CPTR_EL2.TFP/TZ as last written; ~0 unknown */
} __attribute__((aligned(CPU_SIZE))); /* one cache line each; boot.S indexes by CPU_SIZE */
extern struct armv8_cpu armv8_cpus[PCPU_MAX];

/* The record of the CPU executing the caller. */
static inline struct armv8_cpu *armv8_this_cpu(void)
{
    struct armv8_cpu *c;
    __asm__("mrs %0, tpidr_el2" : "=r"(c)); /* fixed per CPU: may be CSEd */
    return c;
}

_Static_assert(offsetof(struct armv8_gregs, x) == GREGS_X0, "gregs x0");
_Static_assert(offsetof(struct armv8_gregs, x[30]) == GREGS_X30, "gregs x30");
_Static_assert(offsetof(struct armv8_gregs, pc) == GREGS_PC, "gregs pc");
_Static_assert(offsetof(struct armv8_gregs, pstate) == GREGS_PSTATE, "gregs pstate");
_Static_assert(sizeof(struct armv8_gregs) == GREGS_SIZE, "gregs size");
_Static_assert(offsetof(struct arch_vcpu, g) == 0, "gregs first");
_Static_assert(offsetof(struct armv8_fpsimd, fpsr) == 512, "fpsimd.S layout");
_Static_assert(offsetof(struct armv8_cpu, guest) == CPU_GUEST, "cpu guest");
_Static_assert(sizeof(struct armv8_cpu) == CPU_SIZE, "cpu size");
_Static_assert(ARMV8_CPUS == PCPU_MAX, "a record and a stack per possible CPU");

/* vcpu.c: make a's EL1 state in memory (el1, aa32, cntv_*) current before
 * reading it; with for_write, the memory copy is loaded into the CPU again
 * at the next entry. Every reader or writer of those fields outside the
 * world switch calls this first (they stay live in the CPU across exits
 * while the same vCPU runs again). */
void armv8_el1_fetch(struct arch_vcpu *a, bool for_write);

/* vectors.S: load g, ERET to the guest; returns GUEST_EXIT_* when it exits. */
int armv8_guest_enter(struct armv8_gregs *g);
/* vectors.S: the EL2 vector table. */
extern char armv8_el2_vectors[];

/* fpsimd.S */
void armv8_fpsimd_save(struct armv8_fpsimd *fp);
void armv8_fpsimd_restore(const struct armv8_fpsimd *fp);

/* uart.c: the PL011 the hypervisor prints on (board default until the DTB
 * names one). */
#define BOARD_DEFAULT_PL011 0x09000000ull
void armv8_uart_set_base(uint64_t pa);
uint64_t armv8_uart_base(void);

/* firmware.c: PSCI calls to the firmware (QEMU) through the DTB's conduit. */
void armv8_psci_set(enum boot_psci method);
/* An SMCCC call fid(a1, a2, a3) to the firmware; x0 on return (-1,
 * NOT_SUPPORTED, without a conduit). */
int64_t armv8_psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
_Noreturn void armv8_system_off(void);

/* mem.c: RAM and the page pool. */
int armv8_mem_init(const struct fdt *fdt, uint64_t dtb_pa, uint64_t initrd_start,
                   uint64_t initrd_end);
/* The RAM banks found in the DTB. */
unsigned armv8_ram_banks(const struct fdt_range **banks);
/* Pages the pool can still hand out. */
size_t armv8_pages_free(void);
/* Whether [pa, pa+len) lies in RAM we identity-map. */
int armv8_pa_is_ram(uint64_t pa, uint64_t len);

/* vcpu_a32.c: AArch32 guests. */
bool armv8_cpu_has_aa32_el1(void);
void armv8_aa32_save(struct armv8_aa32_regs *r);
void armv8_aa32_restore(const struct armv8_aa32_regs *r);
/* Advance PC past a trapped T32/A32 instruction, ITSTATE included. */
void armv8_aa32_skip(struct arch_vcpu *a, unsigned len);
/* Exception entry into an AArch32 EL1 (undef, data/prefetch abort). */
void armv8_aa32_inject_undef(struct arch_vcpu *a);
void armv8_aa32_inject_abort(struct arch_vcpu *a, bool data, uint64_t va);
/* inject.c: the CPU implements PSTATE.PAN (ID_AA64MMFR1_EL1.PAN != 0). */
bool armv8_cpu_has_pan(void);

/* selftest.c: the EL2 map self-tests the bootargs ask for. */
void armv8_el2_selftests(const char *bootargs);

/* two_vms.c: the world-switch self-test; 0 when both VMs exit with 0. */
int armv8_two_vms(const void *image, uint64_t size);

/* remote_fetch.c: the lazy-state hand-over self-test (CPU 1 reads a vCPU
 * CPU 0 holds); 0 when it and the guest pass. */
int armv8_remote_fetch(const void *image, uint64_t size);

/* cache.c */
void armv8_dcache_clean_poc(uint64_t va, uint64_t len);
void armv8_icache_inval_all(void);

/* mmu.c: EL2 stage-1 identity map and MMU/caches on (boot CPU), then the
 * same tables and controls on a secondary CPU (armv8_mmu_enable). */
int armv8_mmu_init(void);
void armv8_mmu_enable(void);

/* smp.c: a secondary CPU's C entry (boot.S, MMU off, context_id = index),
 * and the bring-up the boot CPU runs once its own set-up is done. */
_Noreturn void armv8_secondary_main(uint64_t index);
void armv8_smp_start(const struct boot_info *bi);
/* The record of CPU index, with TPIDR_EL2 pointing at it (boot.S for the
 * boot CPU, the secondary entry, and a fault report that borrowed it). */
void armv8_cpu_record_set(unsigned index);
/* TCR/VTCR PS field for this CPU (PARange, capped at 48 bits). */
uint64_t armv8_pa_size_field(void);

/* pmu.c: MDCR_EL2 (PMU traps, the guest's counters) and the PMU quiet. */
void armv8_pmu_el2_init(void);

/* stage2_hw.c: EL2 state that does not depend on the VM (once per CPU). */
void armv8_el2_init(void);
/* VTCR_EL2 value for a stage-2 format. */
uint64_t armv8_vtcr(const struct stage2_format *fmt);

/* trap.c: an exception taken at EL2 itself (vectors.S calls it). */
struct armv8_el2_frame {
    uint64_t x[31];
    uint64_t kind;
};
_Noreturn void armv8_el2_fault(struct armv8_el2_frame *f);

/* Linker-script symbols. */
extern char __image_start[], __image_end[];
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
#endif

#endif
