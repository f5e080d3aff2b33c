/*
 * Guest-side operations (sim_guest.h): each g_* call is one instruction the
 * simulated CPU executes on the guest thread. Memory goes through the guest's
 * stage 1 (flat unless hooked) and the VMM's stage-2 tables; what faults in
 * stage 2, and what HCR traps (HVC, SMC, WFx, system registers), becomes an
 * exit with the syndrome the hardware would write.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "arch/sim/sim_internal.h"
#include "core/vm.h"

static struct arch_vcpu *AV(struct sim_guest *g)
{
    return (struct arch_vcpu *)((char *)g - offsetof(struct arch_vcpu, g));
}

/* PA range the simulated CPU implements: with the guest MMU off an address
 * above it is a stage-1 Address size fault, taken by the guest itself. */
static unsigned pa_bits(void)
{
    return sim_profile() == SIM_ARMV7 ? 40 : 48;
}

/* Take an exception in the guest: it records what it got, and its handler
 * resumes after the faulting instruction (when ELR points at it). */
static enum sim_status take(struct arch_vcpu *av, enum sim_exc_type type, uint64_t far,
                            uint64_t elr, bool by_vmm, bool pc_moved, uint64_t insn_pc,
                            unsigned len)
{
    struct sim_exception *e = &av->g.last_exception;
    uint64_t count = e->count + 1;
    *e = (struct sim_exception){.type = type,
                                .by_vmm = by_vmm,
                                .far = far,
                                .elr = elr,
                                .pc_moved = pc_moved,
                                .count = count};
    av->pc = elr;
    if (elr == insn_pc)
        sim_pc_advance(av, len);
    return type == SIM_EXC_UNDEF ? SIM_UNDEF : SIM_ABORT;
}

/* The VMM injected an exception: deliver it. */
static enum sim_status deliver(struct arch_vcpu *av, uint64_t insn_pc, unsigned len)
{
    struct sim_injected inj = av->inj;
    av->inj.pending = false;
    return take(av, inj.type, inj.far, inj.elr, true, inj.pc_moved, insn_pc, len);
}

/* An exception the simulated CPU raises at EL1 itself (no exit). */
static enum sim_status hw_fault(struct arch_vcpu *av, enum sim_exc_type type, uint64_t far,
                                unsigned len)
{
    return take(av, type, far, av->pc, false, false, av->pc, len);
}

static void fill_exit(struct arch_vcpu *av, uint32_t syndrome, uint64_t far, ipa_t ipa,
                      bool ipa_valid)
{
    av->exit = (struct arch_exit){.kind = ARCH_EXIT_TRAP,
                                  .fmt = sim_syn_fmt(),
                                  .syndrome = syndrome,
                                  .far = far,
                                  .ipa = ipa,
                                  .ipa_valid = ipa_valid};
}

enum outcome { DONE, RETRY };

/* Trap with the PC on the instruction at insn_pc and wait for the VMM. It
 * either emulated it (moved the PC), injected an exception, or neither: then
 * the instruction runs again. */
static enum outcome trap(struct arch_vcpu *av, uint64_t insn_pc, unsigned len, enum sim_status *st,
                         unsigned *reexec)
{
    sim_guest_trap(av);
    if (av->inj.pending) {
        *st = deliver(av, insn_pc, len);
        return DONE;
    }
    if (av->pc != insn_pc) {
        *st = SIM_OK;
        return DONE;
    }
    if (++*reexec >= SIM_MAX_REEXEC) {
        fprintf(stderr,
                "sim: guest instruction at 0x%llx trapped %u times; the VMM neither "
                "emulates nor refuses it\n",
                (unsigned long long)insn_pc, *reexec);
        abort();
    }
    return RETRY;
}

static bool s2(struct arch_vcpu *av, ipa_t ipa, enum sim_s2_acc acc, struct sim_s2_result *r)
{
    if (!av->s2_loaded) {
        r->fault = SIM_FAULT_TRANSLATION;
        r->level = 0;
        return false;
    }
    return sim_s2_lookup(&av->s2, ipa, acc, r);
}

static unsigned insn_len(struct arch_vcpu *av, unsigned want)
{
    return sim_vcpu_is_t32(av) && want == 2 ? 2 : 4;
}

/* ---- Registers -------------------------------------------------------------- */

uint64_t g_reg(struct sim_guest *g, unsigned n)
{
    return sim_reg_get(AV(g), n);
}

void g_set_reg(struct sim_guest *g, unsigned n, uint64_t v)
{
    sim_reg_set(AV(g), n, v);
}

uint64_t g_pc(struct sim_guest *g)
{
    return AV(g)->pc;
}

void g_set_pc(struct sim_guest *g, uint64_t pc)
{
    struct arch_vcpu *av = AV(g);
    av->pc = av->aarch32 ? (uint32_t)pc : pc;
}

uint64_t g_cpsr(struct sim_guest *g)
{
    return AV(g)->psr;
}

void g_set_cpsr(struct sim_guest *g, uint64_t v)
{
    struct arch_vcpu *av = AV(g);
    if (!av->aarch32) {
        av->psr = v;
        return;
    }
    /* Only the modes a guest can be in; anything else keeps the old mode
     * (an illegal mode change leaves the mode unchanged). */
    switch (v & CPSR_MODE_MASK) {
    case CPSR_MODE_USR:
    case CPSR_MODE_FIQ:
    case CPSR_MODE_IRQ:
    case CPSR_MODE_SVC:
    case CPSR_MODE_ABT:
    case CPSR_MODE_UND:
    case CPSR_MODE_SYS:
        break;
    default:
        v = (v & ~(uint64_t)CPSR_MODE_MASK) | (av->psr & CPSR_MODE_MASK);
    }
    av->psr = (uint32_t)v;
}

void g_set_big_endian(struct sim_guest *g, bool be)
{
    struct arch_vcpu *av = AV(g);
    if (av->aarch32)
        av->psr = be ? (av->psr | CPSR_E) : (av->psr & ~(uint64_t)CPSR_E);
    else
        av->be64 = be;
}

void g_set_cond(struct sim_guest *g, unsigned cond)
{
    struct arch_vcpu *av = AV(g);
    if (cond > 0xf && cond != SIM_COND_CV0) {
        fprintf(stderr, "sim: g_set_cond(%u): not a condition\n", cond);
        abort();
    }
    if (cond == SIM_COND_CV0 && av->aarch32 && !sim_vcpu_is_t32(av)) {
        fprintf(stderr, "sim: g_set_cond(SIM_COND_CV0) in A32: an A32 trap reports CV=1\n");
        abort();
    }
    av->cond_override = true;
    av->cond_next = cond;
}

unsigned sim_trap_cond(struct arch_vcpu *av)
{
    bool set = av->cond_override;
    av->cond_override = false;
    if (!av->aarch32)
        return 0xe; /* AArch64: CV=1, COND=0b1110 */
    return set ? av->cond_next : sim_vcpu_cond(av);
}

/* ---- Loads and stores ------------------------------------------------------ */

static uint64_t bswap(uint64_t v, unsigned size)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < size; i++)
        r |= ((v >> (8 * i)) & 0xff) << (8 * (size - 1 - i));
    return r;
}

static bool big_endian(struct arch_vcpu *av)
{
    return av->aarch32 ? (av->psr & CPSR_E) != 0 : av->be64;
}

/* Perform a load/store on simulated memory at pa. */
static void do_access(struct arch_vcpu *av, const struct sim_access *a, uint8_t *mem)
{
    if (a->write) {
        uint64_t v = sim_reg_get(av, a->rt);
        if (big_endian(av))
            v = bswap(v, a->size);
        for (unsigned i = 0; i < a->size; i++)
            mem[i] = (uint8_t)(v >> (8 * i));
        return;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < a->size; i++)
        v |= (uint64_t)mem[i] << (8 * i);
    if (big_endian(av))
        v = bswap(v, a->size);
    if (a->sign && a->size < 8) {
        unsigned sh = 64 - 8 * a->size;
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    if (!av->aarch32 && !a->sf)
        v &= 0xffffffffu; /* Wt: the upper half is zeroed */
    sim_reg_set(av, a->rt, v);
}

/* The register number the syndrome's SRT names: ARMv8 reports AArch32
 * registers in the AArch64 view; ARMv7 in the current mode's numbering. */
static unsigned srt(struct arch_vcpu *av, unsigned rt)
{
    if (av->aarch32 && sim_profile() == SIM_ARMV8 && rt < 15)
        return aa32_xidx((uint32_t)av->psr, rt);
    return rt;
}

enum sim_status g_access(struct sim_guest *g, const struct sim_access *a)
{
    struct arch_vcpu *av = AV(g);
    unsigned len = insn_len(av, a->len);
    unsigned reexec = 0;
    enum sim_status st;

    bool size_ok = a->size == 1 || a->size == 2 || a->size == 4 || (a->size == 8 && !av->aarch32);
    unsigned nregs = av->aarch32 ? 16 : 32;
    if (!size_ok || a->rt >= nregs)
        return hw_fault(av, SIM_EXC_UNDEF, 0, len); /* no such instruction */

    for (;;) {
        uint64_t pc0 = av->pc;
        if (av->inj.pending)
            return deliver(av, pc0, len);
        uint64_t va = av->aarch32 ? (uint32_t)a->va : a->va;
        ipa_t ipa;
        /* MMU off: Device memory, so a misaligned access is an Alignment
         * fault; an address past the PA range an Address size fault. Both
         * are stage-1 faults, taken by the guest itself. */
        if (va & (a->size - 1))
            return hw_fault(av, SIM_EXC_DABT, va, len);
        if (!sim_s1_translate(av, va, &ipa) || (ipa >> pa_bits()) != 0)
            return hw_fault(av, SIM_EXC_DABT, va, len);

        struct sim_s2_result r = {0};
        if (s2(av, ipa, a->write ? SIM_S2_WRITE : SIM_S2_READ, &r)) {
            uint8_t *mem = arch_pa_to_va(r.pa);
            if (!mem || !arch_pa_to_va(r.pa + a->size - 1)) {
                /* Output address with no memory behind it: synchronous
                 * external abort, taken by the guest. */
                fprintf(stderr, "sim: stage 2 maps IPA 0x%llx to PA 0x%llx: no memory\n",
                        (unsigned long long)ipa, (unsigned long long)r.pa);
                return hw_fault(av, SIM_EXC_DABT, va, len);
            }
            do_access(av, a, mem);
            /* AArch32 LDR PC is a branch: the PC is what was loaded. */
            if (!(av->aarch32 && !a->write && a->rt == 15))
                sim_pc_advance(av, len);
            return SIM_OK;
        }

        struct sim_dabt_iss d = {
            .isv = true,
            .size = a->size,
            .sse = a->sign && !a->write,
            .srt = srt(av, a->rt),
            .sf = !av->aarch32 && a->sf,
            .ar = !av->aarch32 && a->acqrel,
            .wnr = a->write,
            .fsc = sim_fault_fsc(r.fault, r.level),
            .len = len,
        };
        fill_exit(av, sim_syn_dabt(&d), va, ipa, true);
        if (trap(av, pc0, len, &st, &reexec) == DONE)
            return st;
    }
}

enum sim_status g_ldr(struct sim_guest *g, unsigned rt, uint64_t va, unsigned size)
{
    struct sim_access a = {.va = va, .size = size, .rt = rt, .sf = size == 8};
    return g_access(g, &a);
}

enum sim_status g_ldrs(struct sim_guest *g, unsigned rt, uint64_t va, unsigned size)
{
    struct sim_access a = {.va = va, .size = size, .rt = rt, .sign = true, .sf = true};
    return g_access(g, &a);
}

enum sim_status g_str(struct sim_guest *g, unsigned rt, uint64_t va, unsigned size)
{
    struct sim_access a = {.va = va, .size = size, .rt = rt, .write = true, .sf = size == 8};
    return g_access(g, &a);
}

enum sim_status g_exec(struct sim_guest *g, const void *insn, unsigned len, uint64_t va, bool write)
{
    struct arch_vcpu *av = AV(g);
    unsigned reexec = 0;
    enum sim_status st;
    if (len != 4 && !(len == 2 && sim_vcpu_is_t32(av))) {
        fprintf(stderr, "sim: g_exec of a %u-byte instruction in this state\n", len);
        abort();
    }

    for (;;) {
        uint64_t pc0 = av->pc;
        if (av->inj.pending)
            return deliver(av, pc0, len);

        /* Instruction fetch: stage 1, then stage 2 with execute permission. */
        ipa_t pc_ipa;
        if (!sim_s1_translate(av, pc0, &pc_ipa) || (pc_ipa >> pa_bits()) != 0)
            return hw_fault(av, SIM_EXC_IABT, pc0, len);
        struct sim_s2_result r = {0};
        if (!s2(av, pc_ipa, SIM_S2_EXEC, &r)) {
            fill_exit(av, sim_syn_iabt(sim_fault_fsc(r.fault, r.level), false), pc0, pc_ipa, true);
            if (trap(av, pc0, len, &st, &reexec) == DONE)
                return st;
            continue;
        }
        uint8_t *code = arch_pa_to_va(r.pa);
        if (!code || !arch_pa_to_va(r.pa + len - 1) ||
            ((r.pa + len - 1) >> PAGE_SHIFT) != (r.pa >> PAGE_SHIFT)) {
            fprintf(stderr, "sim: g_exec at PC 0x%llx: code not in one RAM page\n",
                    (unsigned long long)pc0);
            return hw_fault(av, SIM_EXC_IABT, pc0, len);
        }
        /* The guest's code is whatever it was loaded with: place it. */
        for (unsigned i = 0; i < len; i++)
            code[i] = ((const uint8_t *)insn)[i];

        uint64_t dva = av->aarch32 ? (uint32_t)va : va;
        ipa_t ipa;
        if (!sim_s1_translate(av, dva, &ipa) || (ipa >> pa_bits()) != 0)
            return hw_fault(av, SIM_EXC_DABT, dva, len);
        if (s2(av, ipa, write ? SIM_S2_WRITE : SIM_S2_READ, &r))
            return SIM_NOT_SIMULATED;

        /* What the hardware does for pairs, writeback, ...: ISV=0, only WnR,
         * S1PTW, EA, CM and the DFSC are valid; FAR and HPFAR are. */
        struct sim_dabt_iss d = {
            .isv = false,
            .wnr = write,
            .fsc = sim_fault_fsc(r.fault, r.level),
        };
        fill_exit(av, sim_syn_dabt(&d), dva, ipa, true);
        if (trap(av, pc0, len, &st, &reexec) == DONE)
            return st;
    }
}

/* ---- HVC, SMC, WFx, system registers ----------------------------------------- */

enum sim_status g_hvc(struct sim_guest *g, uint16_t imm)
{
    struct arch_vcpu *av = AV(g);
    uint64_t pc0 = av->pc;
    if (av->inj.pending)
        return deliver(av, pc0, 4);
    /* HVC's preferred return address is the next instruction: ELR_EL2 /
     * ELR_hyp already points past it when the exit is taken. */
    sim_pc_advance(av, 4);
    fill_exit(av, sim_syn_hvc(av->aarch32, imm), 0, 0, false);
    sim_guest_trap(av);
    if (av->inj.pending)
        return deliver(av, pc0, 4);
    return SIM_OK;
}

/* An instruction that traps with the PC on it (SMC, WFx, MSR/MRS, MCR/MRC):
 * syndrome computed once, re-trapped each time it is re-executed. */
static enum sim_status trapping_insn(struct arch_vcpu *av, uint32_t syndrome, unsigned len)
{
    unsigned reexec = 0;
    enum sim_status st;
    for (;;) {
        uint64_t pc0 = av->pc;
        if (av->inj.pending)
            return deliver(av, pc0, len);
        fill_exit(av, syndrome, 0, 0, false);
        if (trap(av, pc0, len, &st, &reexec) == DONE)
            return st;
    }
}

enum sim_status g_smc(struct sim_guest *g, uint16_t imm)
{
    struct arch_vcpu *av = AV(g);
    /* Trapped by HCR.TSC: the PC stays on the SMC. */
    return trapping_insn(av, sim_syn_smc(av->aarch32, imm, sim_trap_cond(av)), 4);
}

uint64_t g_smccc(struct sim_guest *g, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    g_set_reg(g, 0, fid);
    g_set_reg(g, 1, a1);
    g_set_reg(g, 2, a2);
    g_set_reg(g, 3, a3);
    g_hvc(g, 0);
    return g_reg(g, 0);
}

static enum sim_status wfx(struct sim_guest *g, bool wfe)
{
    struct arch_vcpu *av = AV(g);
    /* T32 WFI/WFE are 16-bit encodings (0xbf30 / 0xbf20). */
    unsigned len = sim_vcpu_is_t32(av) ? 2 : 4;
    return trapping_insn(av, sim_syn_wfx(wfe, sim_trap_cond(av), len), len);
}

enum sim_status g_wfi(struct sim_guest *g)
{
    return wfx(g, false);
}

enum sim_status g_wfe(struct sim_guest *g)
{
    return wfx(g, true);
}

enum sim_status g_sysreg(struct sim_guest *g, unsigned op0, unsigned op1, unsigned crn,
                         unsigned crm, unsigned op2, unsigned rt, bool read)
{
    struct arch_vcpu *av = AV(g);
    if (av->aarch32 || rt > 31)
        return hw_fault(av, SIM_EXC_UNDEF, 0, 4); /* no MRS/MSR in AArch32 */
    return trapping_insn(av, sim_syn_sys64(op0, op1, crn, crm, op2, rt, read), 4);
}

enum sim_status g_mcr(struct sim_guest *g, unsigned coproc, unsigned opc1, unsigned crn,
                      unsigned crm, unsigned opc2, unsigned rt, bool read)
{
    struct arch_vcpu *av = AV(g);
    if (!av->aarch32 || (coproc != 10 && coproc != 14 && coproc != 15) || rt > 14)
        return hw_fault(av, SIM_EXC_UNDEF, 0, 4);
    uint32_t syn =
        sim_syn_cp32(coproc, opc1, crn, crm, opc2, srt(av, rt), read, sim_trap_cond(av), 4);
    return trapping_insn(av, syn, 4);
}
