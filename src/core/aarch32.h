/*
 * The AArch32 guest CPU as data: the CPSR / SPSR format, the banked general
 * registers of each mode, ITSTATE and the exception entry the CPU performs
 * into Undefined / Abort mode. Pure functions over values, shared by every
 * arch that runs AArch32 guests (armv7 Hyp mode, armv8 EL1 in AArch32, sim).
 *
 * Sources: ARMv7-A ARM (DDI 0406C.d) B1.3.3 "Program Status Registers",
 * A2.5.2 "ITSTATE", B1.8-B1.9 "Exception handling"; Arm ARM (DDI 0487)
 * G1.9.3 and G1.12.3 "AArch32.EnterMode", D1.20.1 "Mapping of the
 * general-purpose registers between the Execution states".
 *
 * The constants are also seen from assembly (only the #defines).
 */
#ifndef CORE_AARCH32_H
#define CORE_AARCH32_H

/* ---- CPSR / SPSR (B1.3.3, G1.9.3) ---------------------------------------- */
#define CPSR_MODE_MASK   0x1fu
#define CPSR_MODE_USR    0x10u
#define CPSR_MODE_FIQ    0x11u
#define CPSR_MODE_IRQ    0x12u
#define CPSR_MODE_SVC    0x13u
#define CPSR_MODE_MON    0x16u
#define CPSR_MODE_ABT    0x17u
#define CPSR_MODE_HYP    0x1au
#define CPSR_MODE_UND    0x1bu
#define CPSR_MODE_SYS    0x1fu
#define CPSR_T           (1u << 5) /* Thumb (T32) state */
#define CPSR_F           (1u << 6) /* FIQ mask */
#define CPSR_I           (1u << 7) /* IRQ mask */
#define CPSR_A           (1u << 8) /* asynchronous abort mask */
#define CPSR_E           (1u << 9) /* big-endian data */
#define CPSR_IT_HI_SHIFT 10        /* IT[7:2] in bits 15:10 */
#define CPSR_IT_HI_MASK  (0x3fu << CPSR_IT_HI_SHIFT)
#define CPSR_IL          (1u << 20) /* illegal execution state (ARMv8) */
#define CPSR_SS          (1u << 21) /* software step (ARMv8) */
#define CPSR_PAN         (1u << 22) /* privileged access never (ARMv8.1) */
#define CPSR_J           (1u << 24) /* Jazelle */
#define CPSR_IT_LO_SHIFT 25         /* IT[1:0] in bits 26:25 */
#define CPSR_IT_LO_MASK  (0x3u << CPSR_IT_LO_SHIFT)
#define CPSR_IT_MASK     (CPSR_IT_LO_MASK | CPSR_IT_HI_MASK)
#define CPSR_V           (1u << 28)
#define CPSR_C           (1u << 29)
#define CPSR_Z           (1u << 30)
#define CPSR_N           (1u << 31)

/* ---- SCTLR bits exception entry reads (B4.1.130, G8.2.126) --------------- */
#define SCTLR_V    (1u << 13) /* high exception vectors at 0xFFFF0000 */
#define SCTLR_SPAN (1u << 23) /* ARMv8.1: 0 sets PSTATE.PAN on entry to PL1 */
#define SCTLR_EE   (1u << 25) /* exception endianness */
#define SCTLR_TE   (1u << 30) /* exceptions taken in T32 state */

/* ---- TTBCR.EAE: the fault status format (B4.1.153) ---------------------- */
#define TTBCR_EAE (1u << 31) /* long-descriptor (LPAE) translation */

/* ---- DFSR / IFSR (B4.1.52, B4.1.96, G8.2.40) ----------------------------- */
#define FSR_SD_EXT_ABORT 0x008u     /* short format FS 0b01000: sync. external abort */
#define FSR_LPAE         (1u << 9)  /* the register uses the long format */
#define FSR_LD_EXT_ABORT 0x010u     /* long format STATUS 0b010000: sync. external abort */
#define FSR_WNR          (1u << 11) /* DFSR only: the access was a write */

/* ---- Exception vector offsets (B1.8.1, G1.11.1) -------------------------- */
#define VECTOR_UNDEF 0x04u
#define VECTOR_PABT  0x0cu
#define VECTOR_DABT  0x10u
#define VECTORS_HIGH 0xffff0000u

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

/* Where a mode's banked SP, LR and SPSR live (usr and sys share, and have
 * no SPSR). */
enum aa32_bank {
    AA32_BANK_USR,
    AA32_BANK_FIQ,
    AA32_BANK_IRQ,
    AA32_BANK_SVC,
    AA32_BANK_ABT,
    AA32_BANK_UND
};

/* The bank of mode cpsr[4:0]; any mode a guest cannot hold reads as usr. */
enum aa32_bank aa32_bank_of(uint32_t cpsr);

/* Index into X0-X30 of AArch32 register Rn (n < 15) as the mode in cpsr
 * sees it, per the architectural mapping between the Execution states
 * (D1.20.1): R0-R7 are X0-X7, R8-R12 are X8-X12 (X24-X28 in FIQ mode),
 * SP/LR are X13/X14 (usr, sys), X16/X17 (irq; LR first), X18/X19 (svc),
 * X20/X21 (abt), X22/X23 (und), X29/X30 (fiq; SP first). */
unsigned aa32_xidx(uint32_t cpsr, unsigned n);

/* ITSTATE[7:0] of a CPSR / SPSR. */
unsigned aa32_itstate(uint32_t cpsr);

/* cpsr with ITSTATE replaced by it. */
uint32_t aa32_with_itstate(uint32_t cpsr, unsigned it);

/* ITAdvance() (A2.5.2): the CPSR after a T32 instruction completes in an
 * IT block; the block ends after the instruction whose IT[2:0] is 0,
 * otherwise IT[4:0] shifts left. Outside an IT block cpsr is unchanged. */
uint32_t aa32_it_advance(uint32_t cpsr);

/* The exceptions the hypervisor injects into an AArch32 guest. */
enum aa32_exc { AA32_EXC_UNDEF, AA32_EXC_PABT, AA32_EXC_DABT };

/* What the CPU state before the exception was and what it reads. */
struct aa32_exc_in {
    uint32_t cpsr;  /* the guest's CPSR when it executed the instruction */
    uint32_t pc;    /* address of that instruction */
    uint32_t sctlr; /* guest SCTLR (V, EE, TE, SPAN) */
    uint32_t vbar;  /* guest VBAR */
    bool has_pan;   /* the CPU implements PSTATE.PAN (ARMv8.1) */
};

/* What exception entry writes: SPSR and LR of mode, then CPSR and PC. */
struct aa32_exc_out {
    uint32_t mode; /* CPSR_MODE_UND or CPSR_MODE_ABT: the bank written */
    uint32_t spsr;
    uint32_t lr;
    uint32_t cpsr;
    uint32_t pc;
};

/* AArch32.EnterMode (G1.12.3, B1.9.1) for exc taken at in->pc: LR is the
 * preferred return plus 4 (UNDEF: 2 in T32), 4 (prefetch abort) or 8 (data
 * abort); I is set, A too for aborts, F and the flags kept; IT, J, IL and
 * SS clear; T from SCTLR.TE, E from SCTLR.EE; PAN set when implemented and
 * SCTLR.SPAN is 0; PC = VBAR (0xFFFF0000 with SCTLR.V) + the vector. */
struct aa32_exc_out aa32_enter_exception(enum aa32_exc exc, const struct aa32_exc_in *in);

/* DFSR / IFSR value of a synchronous external abort: long-descriptor
 * format when TTBCR.EAE (lpae) is set, WnR for a write (DFSR only). */
uint32_t aa32_ext_abort_fsr(bool lpae, bool write);

#endif
#endif
