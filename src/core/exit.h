/*
 * Decoded exits: what a raw HSR (ARMv7) or ESR_EL2 (ARMv8) syndrome says, in
 * one arch-neutral form. The decoder is a pure function over data; it reads
 * no register.
 */
#ifndef CORE_EXIT_H
#define CORE_EXIT_H

#include "arch/arch.h"

enum exit_reason {
    EXIT_UNKNOWN = 0, /* EC we do not handle: the guest gets an UNDEF */
    EXIT_WFI,
    EXIT_WFE,
    EXIT_HVC,
    EXIT_SMC,
    EXIT_SYSREG, /* MRS/MSR (A64), MCR/MRC/MCRR/MRRC cp14/cp15 (A32) */
    EXIT_FP,     /* FP/SIMD access trapped (CPTR/HCPTR) */
    EXIT_IABT,   /* instruction abort from the guest */
    EXIT_DABT,   /* data abort from the guest */
    EXIT_IRQ,    /* physical interrupt */
    EXIT_SERROR,
    EXIT_REASON_COUNT
};

/* Data abort ISS (ESR_EL2.ISS for EC 0x24, HSR.ISS for EC 0x24). */
struct exit_dabt {
    bool isv;         /* the fields below up to sf are valid */
    unsigned size;    /* bytes: 1, 2, 4, 8 (SAS) */
    bool sign;        /* SSE: sign-extend the loaded value */
    unsigned srt;     /* register transferred */
    bool sf;          /* 64-bit register (ARMv8 only; false on ARMv7) */
    bool ar;          /* acquire/release semantics */
    bool write;       /* WnR */
    bool s1ptw;       /* fault on a stage-1 table walk */
    bool cm;          /* cache maintenance operation */
    bool ea;          /* external abort type */
    unsigned fsc;     /* DFSC: fault status code */
    bool translation; /* fsc says translation fault: nothing mapped there */
};

/* Instruction abort ISS. */
struct exit_iabt {
    bool s1ptw;
    bool ea;
    unsigned fsc;
};

/* Trapped system-register / coprocessor access, in the A64 op0..op2 naming;
 * an AArch32 MCR/MRC access fills coproc, opc1, crn, crm, opc2. */
struct exit_sysreg {
    bool read;       /* MRS / MRC / MRRC: the guest reads */
    bool is64;       /* MCRR/MRRC: two registers rt, rt2 */
    bool aarch32;    /* trapped from AArch32 (coproc valid) */
    unsigned coproc; /* 14 or 15 for AArch32 */
    unsigned op0, op1, crn, crm, op2;
    unsigned rt, rt2;
    bool ldc_stc; /* LDC/STC cp14 (EC 0x06): rt is the base register Rn;
                     read means STC (the guest stores DBGDTRRXint to
                     memory), else LDC loads DBGDTRTXint; crn 0, crm 5. */
};

/* Conditional-execution info of a trapped AArch32 instruction (CV, COND). */
struct exit_cond {
    bool valid;
    unsigned cond;
};

struct exit_info {
    enum exit_reason reason;
    unsigned ec;  /* raw exception class */
    uint32_t iss; /* raw ISS */
    unsigned il;  /* instruction length in bytes: 2 or 4 */
    struct exit_cond cond;
    uint64_t far; /* faulting VA for aborts */
    ipa_t ipa;    /* faulting IPA for aborts, when ipa_valid */
    bool ipa_valid;
    union {
        struct exit_dabt dabt;
        struct exit_iabt iabt;
        struct exit_sysreg sysreg;
        uint16_t imm16; /* HVC / SMC immediate */
    } u;
};

/* Decode a raw exit record into *info. Never fails: an encoding it does not
 * know becomes EXIT_UNKNOWN with ec/iss kept for the log. */
void exit_decode(const struct arch_exit *raw, struct exit_info *info);

/* The fast exit path's question (exit_fast.c), in one test: is raw a
 * 32-bit store with a valid syndrome (a data abort from the guest with
 * ISV, WnR and SAS = word, not on a stage-1 walk)? Then true, with the
 * register it stores (SRT) and the instruction's length, as exit_decode
 * would say them; else false. */
bool exit_decode_str32(const struct arch_exit *raw, unsigned *srt, unsigned *il);

/* Name of a reason, for logs and statistics. */
const char *exit_reason_name(enum exit_reason r);

#endif
