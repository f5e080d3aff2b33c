/*
 * The PMU every vCPU sees: the host's Performance Monitors Extension, its
 * cycle counter and all its event counters, given to the vCPU that runs.
 *
 * Why trap and emulate: MDCR_EL2.TPM/TPMCR (armv8) and HDCR.TPM/TPMCR
 * (armv7) trap every guest PMU access to us, and the guest's values go to
 * the real registers through arch_pmu_write. That costs an exit per access
 * but lets the core see every write, which is what keeps the PMU honest on
 * every CPU:
 *  - no counting at EL2 / in Hyp mode: a filter's NSH bit (PMEVTYPER<n>,
 *    PMCCFILTR; Arm ARM D13.4, "NSH: 0, do not count events in EL2") is
 *    never set, whatever the guest writes. The guest sees no EL2
 *    (ID_AA64PFR0_EL1.EL2 is hidden, core/idregs.c), so for it the bit is
 *    RES0 and reads back 0, exactly as written here. ARMv8.0 has no
 *    MDCR_EL2.HPMD to prohibit EL2 counting; a guest that owned its filters
 *    directly could count the hypervisor's time. The counters count only
 *    while the guest runs at EL1/EL0, so a vCPU's counts are its own, and
 *    the hypervisor's exit path is never in them;
 *  - no vCPU sees another's counts: the arch keeps every register below in
 *    the CPU only while its vCPU is loaded and switches the whole set when
 *    another vCPU is loaded (armv8/armv7 pmu.c);
 *  - the overflow interrupt: the host's PMU interrupt (PPI 23 on QEMU
 *    virt, ARCH_IRQ_PMU) is level-sensitive, high while PMCR.E and
 *    PMINTENSET & PMOVSSET (D13.4 "Generating overflow interrupt
 *    requests"). When it fires while a vCPU's state is loaded, the core
 *    keeps it active (so it does not fire again) and drives that vCPU's
 *    virtual PPI 23 with the same level; every trapped write that can lower
 *    the level (PMOVSCLR, PMINTENCLR, PMCR.E) samples it again, and once it
 *    is low the host interrupt is deactivated. Switching vCPUs releases it,
 *    as vtimer.c does with the timer's PPI.
 *
 * What the guest sees: PMCR.N = the host's event counters (arch_pmu_counters);
 * PMCR's D, DP, LC, E writable, P and C act, X (export) reads 0; PMEVTYPER
 * keeps P, U, NSK, NSU and a 10-bit event number (PMUv3 as ID_AA64DFR0_EL1
 * advertises it), PMCCFILTR P, U, NSK, NSU. The M bit (EL3 filtering) reads
 * as 0: counting at EL3 is prohibited anyway unless secure firmware sets
 * MDCR_EL3.SPME. A counter above PMCR.N (by number or through PMSELR), a
 * read of the write-only PMSWINC or a write of the read-only PMCEID0/1 is
 * refused with an UNDEF (what the Arm ARM makes of a register that is not
 * there; for PMSELR values its CONSTRAINED UNPREDICTABLE choice).
 *
 * A host with no PMU to give (arch_pmu_counters() < 0): the guest sees the
 * architectural minimum, a PMU with no counters whose registers are
 * read-as-zero / write-ignored (PMCR.N = 0, PMCR.E never set), so a guest
 * that touches the PMU before it has exception vectors still runs; and
 * core/idregs.c advertises no PMU at all (vpmu_available).
 *
 * Encodings (Arm ARM D13.4 "Performance Monitors registers" summary; ARMv7-A
 * ARM B4.1 / C12): listed exactly, so an unallocated neighbour is still
 * refused with an UNDEF like every other register we do not emulate.
 */
#include "core/vpmu.h"

#include "arch/arch.h"
#include "core/pcpu.h"
#include "core/pmu_regs.h"
#include "core/vgic.h"
#include "lib/fdt.h"
#include "lib/log.h"

/* What a trapped access names. */
enum vpmu_reg {
    R_NONE,
    R_PMCR,
    R_CNTENSET,
    R_CNTENCLR,
    R_OVSCLR, /* PMOVSCLR_EL0; AArch32 PMOVSR */
    R_SWINC,
    R_SELR,
    R_CEID0,
    R_CEID1,
    R_CCNTR,
    R_XEVTYPER,
    R_XEVCNTR,
    R_USERENR,
    R_INTENSET,
    R_INTENCLR,
    R_OVSSET,
    R_EVCNTR,  /* PMEVCNTR<n>, n in idx */
    R_EVTYPER, /* PMEVTYPER<n>, n in idx (31: PMCCFILTR) */
};

/* A64 op0=3 op1=3 CRn=9 and AArch32 p15 opc1=0 CRn=c9, by CRm and op2. */
static const enum vpmu_reg c9_c12[8] = {R_PMCR,  R_CNTENSET, R_CNTENCLR, R_OVSCLR,
                                        R_SWINC, R_SELR,     R_CEID0,    R_CEID1};
static const enum vpmu_reg c9_c13[8] = {R_CCNTR, R_XEVTYPER, R_XEVCNTR};
/* CRm 14: PMUSERENR (op2 0), PMOVSSET (3); AArch32 also PMINTENSET (1),
 * PMINTENCLR (2), which A64 has as op1=0 _EL1 registers. */
static const enum vpmu_reg c9_c14_a32[8] = {R_USERENR, R_INTENSET, R_INTENCLR, R_OVSSET};
static const enum vpmu_reg c9_c14_a64[8] = {R_USERENR, R_NONE, R_NONE, R_OVSSET};
/* CRn=14 CRm=8..15, every op2: PMEVCNTR<n> (CRm 8-11), PMEVTYPER<n>
 * (CRm 12-15), n = (CRm & 3) * 8 + op2; PMEVTYPER 31 is PMCCFILTR. */
#define PMU_EV_CRM_FIRST 8u
#define PMU_EV_CRM_TYPER 12u
#define PMU_EV_CRM_LAST  15u
/* The 64-bit PMCCNTR in AArch32: MRRC/MCRR p15, 0, Rt, Rt2, c9. */
#define PMU_CCNTR64_CRM 9u

static enum vpmu_reg decode_c9(unsigned crm, unsigned op2, const enum vpmu_reg *c14)
{
    switch (crm) {
    case 12:
        return c9_c12[op2];
    case 13:
        return c9_c13[op2];
    case 14:
        return c14[op2];
    default:
        return R_NONE;
    }
}

static enum vpmu_reg decode_ev(unsigned crm, unsigned op2, unsigned *idx)
{
    if (crm < PMU_EV_CRM_FIRST || crm > PMU_EV_CRM_LAST)
        return R_NONE;
    *idx = (crm & 3u) * 8u + op2;
    return crm >= PMU_EV_CRM_TYPER ? R_EVTYPER : R_EVCNTR;
}

static enum vpmu_reg decode(const struct exit_sysreg *s, unsigned *idx)
{
    *idx = 0;
    if (s->ldc_stc || s->op2 > 7)
        return R_NONE;
    if (s->aarch32) {
        if (s->coproc != 15 || s->op1 != 0)
            return R_NONE;
        if (s->is64)
            return s->crm == PMU_CCNTR64_CRM ? R_CCNTR : R_NONE;
        if (s->crn == 9)
            return decode_c9(s->crm, s->op2, c9_c14_a32);
        if (s->crn == 14)
            return decode_ev(s->crm, s->op2, idx);
        return R_NONE;
    }
    if (s->op0 != 3)
        return R_NONE;
    if (s->op1 == 0) /* PMINTENSET_EL1, PMINTENCLR_EL1 */
        return s->crn == 9 && s->crm == 14 && (s->op2 == 1 || s->op2 == 2) ? c9_c14_a32[s->op2]
                                                                           : R_NONE;
    if (s->op1 != 3)
        return R_NONE;
    if (s->crn == 9)
        return decode_c9(s->crm, s->op2, c9_c14_a64);
    if (s->crn == 14)
        return decode_ev(s->crm, s->op2, idx);
    return R_NONE;
}

bool vpmu_is_pmu_reg(const struct exit_sysreg *s)
{
    unsigned idx;
    return decode(s, &idx) != R_NONE;
}

bool vpmu_available(void)
{
    return arch_pmu_counters() >= 0;
}

/* Bits of PMCNTEN/PMINTEN/PMOVS that name a counter the guest has. */
static uint32_t counter_mask(int n)
{
    uint32_t events = n >= (int)PMU_CYCLE_IDX ? PMU_CYCLE_BIT - 1 : (1u << n) - 1;
    return events | PMU_CYCLE_BIT;
}

#define PMCR_WRITABLE  (PMCR_E | PMCR_P | PMCR_C | PMCR_D | PMCR_DP | PMCR_LC)
#define PMCR_READABLE  (PMCR_E | PMCR_D | PMCR_DP | PMCR_LC)
#define PMCCFILTR_MASK (PMEVTYPER_P | PMEVTYPER_U | PMEVTYPER_NSK | PMEVTYPER_NSU)
#define PMEVTYPER_MASK (PMCCFILTR_MASK | PMEVTYPER_EVT_MASK)
#define LOW32          0xffffffffull

/* The level of the overflow interrupt vcpu's PMU drives (D13.4). */
static bool irq_level(struct vcpu *vcpu)
{
    if (!(arch_pmu_read(vcpu, ARCH_PMU_PMCR, 0) & PMCR_E))
        return false;
    uint64_t ovs = arch_pmu_read(vcpu, ARCH_PMU_OVS, 0);
    return (ovs & arch_pmu_read(vcpu, ARCH_PMU_INTEN, 0) & counter_mask(arch_pmu_counters())) != 0;
}

void vpmu_release(struct vcpu *vcpu)
{
    struct pcpu *p = pcpu_this();
    if (!vcpu || p->pmu_owner != vcpu)
        return;
    p->pmu_owner = NULL;
    arch_irq_deactivate(p->pmu_intid);
}

void vpmu_sync(struct vcpu *vcpu)
{
    if (!vpmu_available())
        return;
    bool level = irq_level(vcpu);
    struct vgic *vgic = vcpu->vm->vgic;
    if (vgic)
        vgic_irq_set_line(vgic, &vgic->cpu[vcpu->id].priv[VGIC_PPI_PMU], level);
    if (!level)
        vpmu_release(vcpu); /* the host's line is low too: it may fire again */
}

void vpmu_host_irq(struct vcpu *vcpu, unsigned intid)
{
    if (!vcpu || !vpmu_available()) {
        /* No vCPU's state is in the CPU (a CPU that never ran one): the
         * line is low by now. */
        arch_irq_deactivate(intid);
        return;
    }
    struct pcpu *p = pcpu_this();
    if (p->pmu_owner && p->pmu_owner != vcpu)
        vpmu_release(p->pmu_owner);
    /* Held active while the vCPU's level is high: a level interrupt that is
     * not deactivated cannot fire again. Without a vGIC (a host without list
     * registers) nothing would take it: it stays held until the vCPU goes. */
    p->pmu_owner = vcpu;
    p->pmu_intid = intid;
    if (vcpu->vm->vgic)
        vpmu_sync(vcpu);
}

/* ---- The guest's device tree ------------------------------------------------ */

void vpmu_guest_dtb(struct vm *vm, const void *blob, uint64_t size, ipa_t ipa)
{
    struct fdt f;
    if (vpmu_available() || fdt_init(&f, blob, size) != 0)
        return;
    int node = fdt_path_offset(&f, "/pmu");
    int end = node >= 0 ? fdt_node_end(&f, node) : node;
    if (end < 0)
        return;
    /* FDT_NOP (Devicetree Specification 5.4.1): a token every reader skips;
     * the node's tokens and their data are all whole 32-bit words. */
    static const uint8_t nop[4] = {0, 0, 0, FDT_NOP_TOKEN};
    for (int off = node; off < end; off += 4)
        vm_copy_to_guest(vm, ipa + f.off_struct + (uint64_t)off, nop, sizeof(nop));
    log_info("vm %s: no PMU to give: /pmu taken out of its DTB\n", vm->name);
}

/* ---- Emulation ------------------------------------------------------------ */

/* AArch32 general register 15 in an MRC is APSR_nzcv (flags, which we have
 * no interface to write); in MRRC/MCRR it is UNPREDICTABLE (ARMv7-A ARM
 * A8.8.109/A8.8.100). Neither is completed here: the caller refuses it with
 * an UNDEF, one of the permitted UNPREDICTABLE outcomes. */
#define A32_PC 15u

/* A host without a PMU to give: every register reads as zero and ignores
 * writes. */
static void raz_wi(struct vcpu *vcpu, const struct exit_sysreg *s)
{
    if (s->read) {
        /* A64 rt 31 is XZR: arch_vcpu_reg_write ignores it. */
        arch_vcpu_reg_write(vcpu, s->rt, 0);
        if (s->is64)
            arch_vcpu_reg_write(vcpu, s->rt2, 0);
    }
    vcpu->stats.pmu_raz_wi++;
}

/* A bitmask register (enable, interrupt enable, overflow): SET ors in,
 * CLR clears, both read the register. */
static void bits_access(struct vcpu *vcpu, enum arch_pmu_reg reg, bool set, bool read, uint64_t *v,
                        uint32_t mask)
{
    uint64_t cur = arch_pmu_read(vcpu, reg, 0) & mask;
    if (read) {
        *v = cur;
        return;
    }
    arch_pmu_write(vcpu, reg, 0, set ? cur | (*v & mask) : cur & ~(*v & mask));
}

/* The counter PMXEVTYPER / PMXEVCNTR / PMEVTYPER<n> / PMEVCNTR<n> reach:
 * false when the guest has no such counter (31 is the cycle counter's
 * filter for the type registers only). */
static bool counter_ok(unsigned idx, bool typer, int n)
{
    if (idx == PMU_CYCLE_IDX)
        return typer;
    return idx < (unsigned)n;
}

/* Emulate one access on the host's PMU; false: refuse it. *v is the value
 * written, or receives the value read. */
static bool emulate(struct vcpu *vcpu, const struct exit_sysreg *s, enum vpmu_reg reg, unsigned idx,
                    uint64_t *v)
{
    int n = arch_pmu_counters();
    uint32_t mask = counter_mask(n);
    bool rd = s->read, a32_narrow = s->aarch32 && !s->is64;
    switch (reg) {
    case R_PMCR:
        if (rd) {
            uint64_t hw = arch_pmu_read(vcpu, ARCH_PMU_PMCR, 0);
            /* IMP and IDCODE (bits 31:16) as the host's, N as given. */
            *v = (hw & PMCR_IMP_IDCODE) | (hw & PMCR_READABLE) | ((uint64_t)n << PMCR_N_SHIFT);
        } else {
            arch_pmu_write(vcpu, ARCH_PMU_PMCR, 0, *v & PMCR_WRITABLE);
            vpmu_sync(vcpu);
        }
        return true;
    case R_CNTENSET:
    case R_CNTENCLR:
        bits_access(vcpu, ARCH_PMU_CNTEN, reg == R_CNTENSET, rd, v, mask);
        return true;
    case R_INTENSET:
    case R_INTENCLR:
        bits_access(vcpu, ARCH_PMU_INTEN, reg == R_INTENSET, rd, v, mask);
        if (!rd)
            vpmu_sync(vcpu);
        return true;
    case R_OVSSET:
    case R_OVSCLR:
        bits_access(vcpu, ARCH_PMU_OVS, reg == R_OVSSET, rd, v, mask);
        if (!rd)
            vpmu_sync(vcpu);
        return true;
    case R_SWINC:
        if (rd)
            return false; /* write-only */
        arch_pmu_write(vcpu, ARCH_PMU_SWINC, 0, *v & mask & ~PMU_CYCLE_BIT);
        return true;
    case R_SELR:
        if (rd)
            *v = vcpu->pmu.selr;
        else
            vcpu->pmu.selr = (uint32_t)*v & PMSELR_SEL_MASK;
        return true;
    case R_CEID0:
    case R_CEID1:
        if (!rd)
            return false; /* read-only */
        *v = arch_pmu_read(vcpu, reg == R_CEID0 ? ARCH_PMU_CEID0 : ARCH_PMU_CEID1, 0);
        return true;
    case R_CCNTR:
        if (rd)
            *v = arch_pmu_read(vcpu, ARCH_PMU_CCNTR, 0);
        else if (a32_narrow) /* MCR writes bits 31:0, the rest stays */
            arch_pmu_write(vcpu, ARCH_PMU_CCNTR, 0,
                           (arch_pmu_read(vcpu, ARCH_PMU_CCNTR, 0) & ~LOW32) | (*v & LOW32));
        else
            arch_pmu_write(vcpu, ARCH_PMU_CCNTR, 0, *v);
        return true;
    case R_XEVTYPER:
    case R_EVTYPER:
        if (reg == R_XEVTYPER)
            idx = vcpu->pmu.selr;
        if (!counter_ok(idx, true, n))
            return false;
        if (rd)
            *v = arch_pmu_read(vcpu, ARCH_PMU_EVTYPER, idx);
        else /* NSH never set: see the top of this file */
            arch_pmu_write(vcpu, ARCH_PMU_EVTYPER, idx,
                           *v & (idx == PMU_CYCLE_IDX ? PMCCFILTR_MASK : PMEVTYPER_MASK));
        return true;
    case R_XEVCNTR:
    case R_EVCNTR:
        if (reg == R_XEVCNTR)
            idx = vcpu->pmu.selr;
        if (!counter_ok(idx, false, n))
            return false;
        /* Event counters are 32 bits wide in PMUv3 (before PMUv3p5). */
        if (rd)
            *v = arch_pmu_read(vcpu, ARCH_PMU_EVCNTR, idx) & LOW32;
        else
            arch_pmu_write(vcpu, ARCH_PMU_EVCNTR, idx, *v & LOW32);
        return true;
    case R_USERENR:
        if (rd)
            *v = arch_pmu_read(vcpu, ARCH_PMU_USERENR, 0) & PMUSERENR_MASK;
        else
            arch_pmu_write(vcpu, ARCH_PMU_USERENR, 0, *v & PMUSERENR_MASK);
        return true;
    case R_NONE:
        break;
    }
    return false;
}

bool vpmu_access(struct vcpu *vcpu, const struct exit_info *info)
{
    const struct exit_sysreg *s = &info->u.sysreg;
    unsigned idx;
    enum vpmu_reg reg = decode(s, &idx);
    if (reg == R_NONE)
        return false;
    if (s->aarch32 && (s->rt == A32_PC || (s->is64 && s->rt2 == A32_PC)))
        return false;
    if (!vpmu_available()) {
        raz_wi(vcpu, s);
        arch_vcpu_skip_insn(vcpu, info->il);
        return true;
    }
    uint64_t v = 0;
    if (!s->read) {
        v = arch_vcpu_reg_read(vcpu, s->rt);
        if (s->is64) /* MCRR: Rt the low word, Rt2 the high */
            v = (v & LOW32) | arch_vcpu_reg_read(vcpu, s->rt2) << 32;
        else if (s->aarch32)
            v &= LOW32;
    }
    if (!emulate(vcpu, s, reg, idx, &v))
        return false;
    if (s->read) {
        /* A64 rt 31 is XZR: arch_vcpu_reg_write ignores it; an AArch32
         * MRC keeps bits 31:0. */
        arch_vcpu_reg_write(vcpu, s->rt, s->is64 ? v & LOW32 : v);
        if (s->is64)
            arch_vcpu_reg_write(vcpu, s->rt2, v >> 32);
    }
    vcpu->stats.pmu_accesses++;
    arch_vcpu_skip_insn(vcpu, info->il);
    return true;
}
