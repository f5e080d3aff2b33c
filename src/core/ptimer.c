/*
 * The EL1 physical timer of a guest (Arm ARM D11.2.4 "The EL1 physical
 * timer", D11.2.4 "Operation of the CompareValue views and the TimerValue
 * views"; ARMv7-A ARM B8.1.1, B8.1.5), emulated per vCPU.
 *
 * Why in software: the physical timer's registers belong to the host (one
 * set per CPU, no offset register for them in ARMv8.0 / ARMv7), so a guest
 * that owned them would program the hypervisor's CPU. CNTHCTL_EL2.EL1PCEN
 * (armv8) and CNTHCTL.PL1PCEN (armv7) are clear: every CNTP_CTL, CNTP_CVAL
 * and CNTP_TVAL access traps to us (EXIT_SYSREG), A64 and AArch32 alike.
 *
 * The model: per vCPU, CTL (ENABLE, IMASK), CVAL and poff, the offset of the
 * guest's physical count from the host's, guest count = CNTPCT - poff. The
 * guest reads CNTPCT directly (EL1PCTEN / PL1PCTEN set), so poff is 0 and the
 * count goes on while the vCPU is descheduled, as a physical counter does; a
 * CNTPCT read that an arch traps is answered from the same formula. The
 * condition is CVAL <= guest count (unsigned); CTL.ISTATUS reads it while
 * ENABLE is set (UNKNOWN otherwise: we say 0); TVAL reads the low 32 bits of
 * CVAL - count and a write sets CVAL = count + SignExtend(TVAL[31:0]).
 *
 * The output: while ENABLE, !IMASK and the condition holds, PPI 30 of that
 * vCPU is high in the vGIC (level-sensitive, like the hardware's timer
 * output). It is sampled after every exit and idle (ptimer_sync). A
 * deadline in the future needs an exit at that time: before a vCPU runs or
 * waits, ptimer_load sets the hypervisor's own timer (CNTHP, through
 * arch_hyp_timer_arm through core/htimer.c) to it, whose interrupt ends the run or the idle; the
 * sample after that exit raises the line.
 *
 * Concurrency: the state is the vCPU's, touched only by the CPU running it
 * (trap handler, run loop); the hypervisor timer is per CPU.
 */
#include "core/ptimer.h"

#include "arch/arch.h"
#include "core/cntv_ctl.h" /* CNTP_CTL has CNTV_CTL's layout */
#include "core/htimer.h"
#include "core/pcpu.h"
#include "core/vgic.h"

/* A64 encodings: op0 3, op1 3, CRn 14 (Arm ARM D13.8). */
#define A64_CNT_CRN    14u
#define A64_CNTP_CRM   2u /* op2: 0 TVAL, 1 CTL, 2 CVAL */
#define A64_CNTPCT_CRM 0u
#define A64_CNTPCT_OP2 1u
/* AArch32 (ARMv7-A ARM B4.1.2x): MRC/MCR p15, 0, c14, c2, {0 TVAL, 1 CTL};
 * MRRC/MCRR p15, 2, c14 CVAL; MRRC p15, 0, c14 CNTPCT. */
#define A32_CNTP_CVAL_OP1 2u
#define A32_CNTPCT_OP1    0u
#define A32_PC            15u

enum ptimer_reg { PT_NONE, PT_TVAL, PT_CTL, PT_CVAL, PT_CNTPCT };

static enum ptimer_reg decode(const struct exit_sysreg *s)
{
    if (s->ldc_stc)
        return PT_NONE;
    if (!s->aarch32) {
        if (s->op0 != 3 || s->op1 != 3 || s->crn != A64_CNT_CRN)
            return PT_NONE;
        if (s->crm == A64_CNTP_CRM && s->op2 <= 2)
            return s->op2 == 0 ? PT_TVAL : s->op2 == 1 ? PT_CTL : PT_CVAL;
        if (s->crm == A64_CNTPCT_CRM && s->op2 == A64_CNTPCT_OP2 && s->read)
            return PT_CNTPCT;
        return PT_NONE;
    }
    if (s->coproc != 15)
        return PT_NONE;
    if (s->is64) {
        if (s->crm != A64_CNT_CRN)
            return PT_NONE;
        if (s->op1 == A32_CNTP_CVAL_OP1)
            return PT_CVAL;
        return s->op1 == A32_CNTPCT_OP1 && s->read ? PT_CNTPCT : PT_NONE;
    }
    if (s->op1 == 0 && s->crn == A64_CNT_CRN && s->crm == A64_CNTP_CRM && s->op2 <= 1)
        return s->op2 == 0 ? PT_TVAL : PT_CTL;
    return PT_NONE;
}

static uint64_t guest_count(const struct ptimer_state *t, uint64_t counter)
{
    return counter - t->poff;
}

bool ptimer_fires(const struct ptimer_state *t, uint64_t counter)
{
    if (!(t->ctl & CNTV_CTL_ENABLE) || (t->ctl & CNTV_CTL_IMASK))
        return false;
    return guest_count(t, counter) >= t->cval;
}

bool ptimer_deadline(const struct vcpu *vcpu, uint64_t *counter)
{
    const struct ptimer_state *t = &vcpu->ptimer;
    if (!(t->ctl & CNTV_CTL_ENABLE) || (t->ctl & CNTV_CTL_IMASK))
        return false;
    *counter = t->cval + t->poff;
    return true;
}

/* Off, and its line known low: nothing to sample. Its state and line
 * change only on the vCPU's own CPU (its traps, this file), so that CPU
 * may ask without the vGIC lock. */
static bool ptimer_quiet(const struct vcpu *vcpu, const struct vgic_irq *irq)
{
    const struct ptimer_state *t = &vcpu->ptimer;
    return !irq->line && (!(t->ctl & CNTV_CTL_ENABLE) || (t->ctl & CNTV_CTL_IMASK));
}

static void ptimer_sync_locked(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    struct vgic_irq *irq = &vgic->cpu[vcpu->id].priv[VGIC_PPI_PTIMER];
    if (ptimer_quiet(vcpu, irq))
        return; /* no counter read on every exit */
    vgic_irq_set_line(vgic, irq, ptimer_fires(&vcpu->ptimer, arch_counter_read()));
}

void ptimer_load(struct vcpu *vcpu)
{
    uint64_t when;
    /* A deadline already passed has raised the line (ptimer_sync); the
     * hypervisor's timer would only fire again and again. */
    if (vcpu->vm->vgic && ptimer_deadline(vcpu, &when) && arch_counter_read() < when) {
        htimer_set(pcpu_this(), HTIMER_PTIMER, when);
        vcpu->ptimer.armed = true;
    } else if (vcpu->ptimer.armed) {
        htimer_cancel(pcpu_this(), HTIMER_PTIMER);
        vcpu->ptimer.armed = false;
    }
}

void ptimer_expired(struct pcpu *p)
{
    if (p->loaded)
        ptimer_sync(p->loaded); /* raises PPI 30; the flush delivers it */
}

static uint64_t read_reg(struct vcpu *vcpu, enum ptimer_reg r)
{
    const struct ptimer_state *t = &vcpu->ptimer;
    uint64_t now = guest_count(t, arch_counter_read());
    switch (r) {
    case PT_CTL: {
        uint32_t ctl = t->ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
        if ((ctl & CNTV_CTL_ENABLE) && now >= t->cval)
            ctl |= CNTV_CTL_ISTATUS; /* whatever IMASK says */
        return ctl;
    }
    case PT_CVAL:
        return t->cval;
    case PT_TVAL:
        return (uint32_t)(t->cval - now);
    case PT_CNTPCT:
        return now;
    case PT_NONE:
        break;
    }
    return 0;
}

static void write_reg(struct vcpu *vcpu, enum ptimer_reg r, uint64_t v)
{
    struct ptimer_state *t = &vcpu->ptimer;
    switch (r) {
    case PT_CTL:
        t->ctl = (uint32_t)v & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK); /* ISTATUS is RO */
        break;
    case PT_CVAL:
        t->cval = v;
        break;
    case PT_TVAL:
        t->cval = guest_count(t, arch_counter_read()) + (uint64_t)(int64_t)(int32_t)(uint32_t)v;
        break;
    case PT_CNTPCT: /* read-only: decode never gives a write */
    case PT_NONE:
        break;
    }
}

bool ptimer_access(struct vcpu *vcpu, const struct exit_info *info)
{
    const struct exit_sysreg *s = &info->u.sysreg;
    enum ptimer_reg r = decode(s);
    if (r == PT_NONE)
        return false;
    /* AArch32 r15 as a transfer register: the caller refuses it (UNDEF,
     * one permitted outcome of the UNPREDICTABLE). */
    if (s->aarch32 && (s->rt == A32_PC || (s->is64 && s->rt2 == A32_PC)))
        return false;
    if (s->read) {
        uint64_t v = read_reg(vcpu, r);
        if (s->is64) {
            arch_vcpu_reg_write(vcpu, s->rt, (uint32_t)v);
            arch_vcpu_reg_write(vcpu, s->rt2, v >> 32);
        } else {
            arch_vcpu_reg_write(vcpu, s->rt, s->aarch32 ? (uint32_t)v : v);
        }
    } else {
        uint64_t v = arch_vcpu_reg_read(vcpu, s->rt);
        if (s->is64)
            v = (v & 0xffffffffu) | arch_vcpu_reg_read(vcpu, s->rt2) << 32;
        write_reg(vcpu, r, v);
        ptimer_sync(vcpu); /* the output follows at once */
    }
    vcpu->stats.ptimer_accesses++;
    arch_vcpu_skip_insn(vcpu, info->il);
    return true;
}

void ptimer_sync(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    if (!vgic || ptimer_quiet(vcpu, &vgic->cpu[vcpu->id].priv[VGIC_PPI_PTIMER]))
        return;
    vgic_lock(vgic);
    ptimer_sync_locked(vcpu);
    vgic_unlock(vgic);
}
