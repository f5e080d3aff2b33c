/*
 * Guests for the sim arch: a guest is a C function that runs on its own host
 * thread and "executes" one instruction per g_* call. Calls that trap stop the
 * guest thread and make arch_vcpu_run return an exit record with a real HSR
 * (SIM_ARMV7) or ESR_EL2 (SIM_ARMV8) syndrome; the VMM thread handles it,
 * then resumes the guest. Exactly one of the two threads runs at a time.
 *
 * The simulated CPU is realistic about the PC (ELR):
 *  - a load/store, system-register access, WFI/WFE or SMC that traps leaves
 *    the PC on the trapping instruction: the VMM must arch_vcpu_skip_insn()
 *    after emulating it. If it resumes without skipping or injecting, the
 *    guest re-executes the instruction (walks stage 2 again, may trap again).
 *  - HVC is different (as on hardware): the preferred return address is the
 *    next instruction, so the PC has already moved when the exit is reported
 *    and the VMM must NOT skip.
 *  - an injected abort/undef (arch_vcpu_inject_*) is delivered to the guest:
 *    the g_* call returns SIM_ABORT / SIM_UNDEF and g->last_exception says
 *    what, with elr = the PC at injection time (the faulting instruction if
 *    the VMM did not also skip it). The guest's "handler" then resumes at the
 *    instruction after it (PC = elr + length).
 *
 * Guest addresses are IPAs: the guest MMU is off (see sim_vcpu_set_s1 in
 * sim.h for a simple stage-1 hook). With the MMU off every data access is
 * Device memory, so a misaligned access takes an Alignment fault to the guest
 * itself (no exit), as on hardware.
 *
 * Register numbers: A64 0-30 = X0-X30, 31 = XZR (reads 0, writes ignored).
 * AArch32 0-14 = R0-R14 of the current mode (banked SP/LR), 15 = PC.
 *
 * Writing guests: a guest function runs on another host thread (or, in the
 * qemu-user cross builds, a coroutine with a 256 KiB stack), so it must not
 * call CMocka asserts (they longjmp into the test thread): record what it
 * sees through g->arg and assert in the test after arch_vcpu_run / vcpu_run
 * returns. Binding: sim_vcpu_set_guest or sim_guest_at (sim.h).
 */
#ifndef ARCH_SIM_SIM_GUEST_H
#define ARCH_SIM_SIM_GUEST_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct sim_guest;

/* A guest program. It runs until it returns (the sim then makes a PSCI
 * SYSTEM_OFF call, HVC with x0 = 0x84000008, as a real guest would). */
typedef void (*sim_guest_fn)(struct sim_guest *g);

/* What a g_* call reports. */
enum sim_status {
    SIM_OK = 0,        /* executed (by the sim, or emulated by the VMM) */
    SIM_ABORT,         /* the guest took a data or prefetch abort */
    SIM_UNDEF,         /* the guest took an Undefined Instruction exception */
    SIM_NOT_SIMULATED, /* g_exec only: the access did not trap, and the sim
                          cannot perform an instruction it does not decode */
};

enum sim_exc_type { SIM_EXC_NONE, SIM_EXC_DABT, SIM_EXC_IABT, SIM_EXC_UNDEF };

/* The last exception the guest took. */
struct sim_exception {
    enum sim_exc_type type;
    bool by_vmm;    /* injected by the VMM (arch_vcpu_inject_*); else raised
                       by the simulated CPU without an exit (e.g. an
                       Alignment fault, or a stage-1 hook refusing a VA) */
    uint64_t far;   /* faulting VA (aborts) */
    uint64_t elr;   /* PC of the instruction the exception was taken on */
    bool pc_moved;  /* VMM bug: it moved the PC (skip_insn) after injecting */
    uint64_t count; /* exceptions taken so far by this guest */
};

struct sim_guest {
    void *arg;         /* from sim_vcpu_set_guest */
    struct vcpu *vcpu; /* the vCPU this guest runs on */
    struct sim_exception last_exception;
    uint64_t traps; /* exits this guest has caused */
};

/* ---- Registers (no exit) ------------------------------------------------ */

uint64_t g_reg(struct sim_guest *g, unsigned n);
void g_set_reg(struct sim_guest *g, unsigned n, uint64_t v);
uint64_t g_pc(struct sim_guest *g);
/* Branch: the next instruction is at pc. */
void g_set_pc(struct sim_guest *g, uint64_t pc);
/* AArch32: CPSR (mode, T, E, IT bits). A64: PSTATE (NZCV, DAIF, EL, SP). */
uint64_t g_cpsr(struct sim_guest *g);
void g_set_cpsr(struct sim_guest *g, uint64_t v);
/* Data endianness: CPSR.E (AArch32) or SCTLR_EL1.EE (A64). */
void g_set_big_endian(struct sim_guest *g, bool be);

/* AArch32: the next conditional instruction that traps (g_smc, g_wfi,
 * g_wfe, g_mcr) has condition cond (0-15, ARM ARM A8.3): its syndrome
 * reports CV=1, COND=cond. The simulated CPU, like one that traps
 * instructions failing their condition check (IMPLEMENTATION DEFINED,
 * ARMv8-A ARM G1.17.2), traps it whatever the flags (set them with
 * g_set_cpsr); the VMM decides. SIM_COND_CV0 instead reports CV=0 (allowed
 * for T32 only: the VMM then reads the condition from ITSTATE; an A32 guest
 * asking for it is a test bug and aborts). Without g_set_cond, COND is
 * ITSTATE's condition in an IT block, else AL. Ignored in AArch64 (CV=1,
 * COND=AL there) and by g_smc on SIM_ARMV7, whose HSR reports no condition
 * for SMC (ISS UNK/SBZP). */
#define SIM_COND_CV0 16u
void g_set_cond(struct sim_guest *g, unsigned cond);

/* ---- Loads and stores ---------------------------------------------------- */

/* One load/store instruction with a complete syndrome (ISV=1 when it traps).
 * Performed through stage 2 on RAM; a stage-2 fault exits to the VMM. */
struct sim_access {
    uint64_t va;
    unsigned size; /* 1, 2, 4 or 8 (8: A64 only) */
    unsigned rt;   /* register loaded / stored */
    bool write;
    bool sign;    /* loads: sign-extend (SSE) */
    bool sf;      /* A64: the register is Xt (64-bit), else Wt */
    bool acqrel;  /* A64: LDAR/STLR (AR) */
    unsigned len; /* T32: 2 for a 16-bit encoding; 0 = 4 */
};
enum sim_status g_access(struct sim_guest *g, const struct sim_access *a);

/* LDR: Xt for size 8, Wt (zero-extended) otherwise. */
enum sim_status g_ldr(struct sim_guest *g, unsigned rt, uint64_t va, unsigned size);
/* LDRS*: sign-extending load into Xt (A64) / Rt (AArch32). */
enum sim_status g_ldrs(struct sim_guest *g, unsigned rt, uint64_t va, unsigned size);
/* STR: the low size bytes of rt. */
enum sim_status g_str(struct sim_guest *g, unsigned rt, uint64_t va, unsigned size);

/* "Execute" a real instruction encoding that the sim does not decode (LDP,
 * writeback forms, ...): the bytes (len 2 or 4, little-endian instruction
 * order as in memory) are written into guest memory at the PC through stage 2
 * (the fetch itself can take a prefetch abort: unmapped or XN), and va/write
 * say what it accesses. When that access faults in stage 2 the exit has
 * ISV=0, FAR = va, and the VMM must fetch and decode the instruction from
 * guest memory. Set the base/data registers with g_set_reg first. */
enum sim_status g_exec(struct sim_guest *g, const void *insn, unsigned len, uint64_t va,
                       bool write);

/* ---- Calls, waits and system registers ----------------------------------- */

/* HVC #imm / SMC #imm with the SMCCC arguments already in x0-x3 (r0-r3).
 * SMC traps with the PC on the SMC (HCR.TSC); HVC with the PC after it. */
enum sim_status g_hvc(struct sim_guest *g, uint16_t imm);
enum sim_status g_smc(struct sim_guest *g, uint16_t imm);
/* SMCCC call through HVC #0: x0 = fid, x1-x3 = args; returns x0 afterwards. */
uint64_t g_smccc(struct sim_guest *g, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

/* WFI / WFE (trapped: HCR.TWI/TWE). */
enum sim_status g_wfi(struct sim_guest *g);
enum sim_status g_wfe(struct sim_guest *g);

/* A64 MRS/MSR (EC 0x18), always trapped. read: MRS Xt, <sysreg>. */
enum sim_status g_sysreg(struct sim_guest *g, unsigned op0, unsigned op1, unsigned crn,
                         unsigned crm, unsigned op2, unsigned rt, bool read);
/* AArch32 MRC/MCR p15 (EC 0x03) or p14 (EC 0x05), or VMRS/VMSR as
 * MRC/MCR p10 (EC 0x08, the ID-register trap), always trapped.
 * read: MRC (coprocessor to Rt). */
enum sim_status g_mcr(struct sim_guest *g, unsigned coproc, unsigned opc1, unsigned crn,
                      unsigned crm, unsigned opc2, unsigned rt, bool read);

/* ---- Virtual interrupts (GIC virtual CPU interface) ---------------------- */

#define SIM_SPURIOUS_IRQ 1023u

/* GICV_IAR: acknowledge the highest-priority pending list register (lowest
 * priority value, then lowest LR index): pending -> active. Returns the IAR
 * value: its virq, and for an SGI (virq < 16) the source CPU in bits 12:10
 * (GICv2 GICV_IAR.CPUID); SIM_SPURIOUS_IRQ when none is pending. No exit. */
#define SIM_IAR_INTID(iar)  ((iar)&0x3ffu)
#define SIM_IAR_SOURCE(iar) (((iar) >> 10) & 0x7u)
uint32_t g_irq_ack(struct sim_guest *g);
/* GICV_EOIR: drop the active state of the interrupt iar names (the value
 * g_irq_ack returned: virq, and the source for SGIs), and deactivate the
 * physical interrupt when the LR has hw set. False when no LR holds it
 * active. */
bool g_irq_eoi(struct sim_guest *g, uint32_t iar);

/* Instructions that do not trap and take ticks of the system counter (a
 * busy loop's body). A physical interrupt pending afterwards (the
 * hypervisor's timer: a time slice ended) exits to the VMM with
 * ARCH_EXIT_IRQ before the next instruction, as on hardware. */
void g_spin(struct sim_guest *g, uint64_t ticks);

/* CNTVCT: the virtual count (counter - CNTVOFF). No exit. */
uint64_t g_cntvct(struct sim_guest *g);

/* The EL1 virtual timer's registers, as MRS/MSR CNTV_CTL_EL0 / CNTV_CVAL_EL0
 * / CNTV_TVAL_EL0 (MRC/MCR, MRRC/MCRR on AArch32) reach them: they do not
 * trap, so no exit. CTL: ENABLE (bit 0) and IMASK (bit 1) are written,
 * ISTATUS (bit 2, read-only) reads whether CVAL <= CNTVCT (0 while ENABLE
 * is clear, where the Arm ARM leaves it UNKNOWN). TVAL reads the signed
 * 32-bit CVAL - CNTVCT and a write sets CVAL = CNTVCT + sign-extended TVAL
 * (Arm ARM D11.2.4). */
enum sim_cntv_reg { SIM_CNTV_CTL, SIM_CNTV_CVAL, SIM_CNTV_TVAL };
uint64_t g_cntv_read(struct sim_guest *g, enum sim_cntv_reg reg);
void g_cntv_write(struct sim_guest *g, enum sim_cntv_reg reg, uint64_t v);

#endif
