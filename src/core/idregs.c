/*
 * The ID registers every VM reads: the host's, sanitised.
 *
 * Why: a guest decides which features to use from its ID registers. A
 * feature whose registers armvisor does not switch per vCPU (or whose
 * instructions it keeps trapped) must not be advertised, or the guest uses
 * it and gets UNDEF (SME under CPTR_EL2.TSM), or worse, shares state with
 * other VMs. A feature the arch does switch (arch_cpu_features: SVE,
 * pointer authentication, MTE with tagged memory) is advertised as the
 * hardware has it, to the VMs given it (vm_cpu.h). HCR_EL2.TID3 (HCR.TID3
 * on ARMv7) traps every read of the ID space to us: A64 MRS of op0 3, op1 0,
 * CRn 0, CRm 1..7, and from AArch32 MRC p15, 0, c0, c1..c7 and VMRS of
 * MVFR0..2; vm_create computes each VM's view once (idregs_init) and traps
 * are answered from it.
 *
 * What is hidden (Arm ARM DDI 0487 D19.2, field layouts there), every other
 * field passes through as the host has it:
 *   ID_AA64PFR0_EL1  EL2 (the guest has no EL2), GIC (the system-register
 *                    CPU interface: armvisor gives a GICv2), RAS, SEL2,
 *                    MPAM, AMU, RME; SVE unless the VM has SVE;
 *   ID_AA64PFR1_EL1  RAS_frac, MPAM_frac, SME, RNDR_trap, NMI, GCS, THE,
 *                    MTEX, DF2, PFAR; MTE and MTE_frac unless the VM has
 *                    MTE (the CPU has tags in memory, the arch gives them);
 *   ID_AA64ZFR0_EL1  zero unless the VM has SVE (then the host's);
 *   ID_AA64SMFR0_EL1 zero (no SME);
 *   ID_AA64DFR0_EL1  only what the per-vCPU debug state (arch debug switch)
 *                    covers is kept: DebugVer, BRPs, WRPs, CTX_CMPs,
 *                    DoubleLock; PMUVer is PMUv3 (vpmu.c gives guests the
 *                    host's PMU, PMUv3 registers and 10-bit event numbers)
 *                    when the host has a PMUv3 and armvisor gives it
 *                    (vpmu_available), else 0; trace, SPE, TRBE, BRBE, MTPMU,
 *                    HPMN0 and the rest are 0;
 *   ID_AA64DFR1_EL1  zero (extensions of the debug/PMU architecture);
 *   ID_AA64ISAR1_EL1 APA, API, GPA, GPI, and
 *   ID_AA64ISAR2_EL1 GPA3, APA3, PAC_frac (pointer authentication) unless
 *                    the arch switches the keys;
 *   ID_AA64MMFR1_EL1 LO (LORegions: LOR* registers not switched);
 *   AArch32 views    ID_PFR0 RAS, AMU; ID_PFR1 Virtualization, Virt_frac,
 *                    GIC; ID_PFR2 RAS_frac; ID_DFR0 trace fields and
 *                    PerfMon as PMUv3 (or 0); ID_DFR1 zero.
 * Registers allocated after ARMv8.7 (ID_AA64PFR2, ID_AA64DFR2, ID_AA64FPFR0,
 * ID_AA64ISAR3, ID_AA64MMFR3/4) and the unallocated encodings read as zero:
 * what they describe is not virtualised here.
 */
#include "core/idregs.h"

#include "arch/arch.h"
#include "core/vm.h"
#include "core/vpmu.h"

#define F(shift) (0xfull << (shift)) /* a 4-bit ID field */

struct idreg_rule {
    unsigned crm, op2;
    uint64_t hide; /* fields reported as 0 */
};

/* The ID registers read from the host, and the fields hidden in each. */
static const struct idreg_rule rules[] = {
    /* AArch32 views (CRm 1..3). */
    {1, 0, F(28) | F(20)},         /* ID_PFR0: RAS, AMU */
    {1, 1, F(28) | F(24) | F(12)}, /* ID_PFR1: GIC, Virt_frac, Virtualization */
    {1, 2, 0},                     /* ID_DFR0: see sanitise_dfr0 */
    {1, 3, 0},                     /* ID_AFR0 */
    {1, 4, 0},                     /* ID_MMFR0 */
    {1, 5, 0},                     /* ID_MMFR1 */
    {1, 6, 0},                     /* ID_MMFR2 */
    {1, 7, 0},                     /* ID_MMFR3 */
    {2, 0, 0},                     /* ID_ISAR0 */
    {2, 1, 0},                     /* ID_ISAR1 */
    {2, 2, 0},                     /* ID_ISAR2 */
    {2, 3, 0},                     /* ID_ISAR3 */
    {2, 4, 0},                     /* ID_ISAR4 */
    {2, 5, 0},                     /* ID_ISAR5 */
    {2, 6, 0},                     /* ID_MMFR4 */
    {2, 7, 0},                     /* ID_ISAR6 */
    {3, 0, 0},                     /* MVFR0 */
    {3, 1, 0},                     /* MVFR1 */
    {3, 2, 0},                     /* MVFR2 */
    {3, 4, F(8)},                  /* ID_PFR2: RAS_frac */
    {3, 5, ~0ull},                 /* ID_DFR1: MTPMU, HPMN0 */
    {3, 6, 0},                     /* ID_MMFR5 */
    /* AArch64 (CRm 4..7). */
    {4, 0, F(8) | F(24) | F(28) | F(32) | F(36) | F(40) | F(44) | F(52)},
    /* ID_AA64PFR0_EL1: EL2, GIC, RAS, SVE, SEL2, MPAM, AMU, RME */
    {4, 1,
     F(8) | F(12) | F(16) | F(24) | F(28) | F(36) | F(40) | F(44) | F(48) | F(52) | F(56) | F(60)},
    /* ID_AA64PFR1_EL1: MTE, RAS_frac, MPAM_frac, SME, RNDR_trap, NMI,
     * MTE_frac, GCS, THE, MTEX, DF2, PFAR (BT, SSBS, CSV2_frac stay) */
    {4, 4, ~0ull},                       /* ID_AA64ZFR0_EL1: no SVE */
    {4, 5, ~0ull},                       /* ID_AA64SMFR0_EL1: no SME */
    {5, 0, 0},                           /* ID_AA64DFR0_EL1: see sanitise_aa64dfr0 */
    {5, 1, ~0ull},                       /* ID_AA64DFR1_EL1 */
    {5, 4, 0},                           /* ID_AA64AFR0_EL1 */
    {5, 5, 0},                           /* ID_AA64AFR1_EL1 */
    {6, 0, 0},                           /* ID_AA64ISAR0_EL1 */
    {6, 1, F(4) | F(8) | F(24) | F(28)}, /* ID_AA64ISAR1_EL1: APA, API, GPA, GPI */
    {6, 2, F(8) | F(12) | F(24)},        /* ID_AA64ISAR2_EL1: GPA3, APA3, PAC_frac */
    {7, 0, 0},                           /* ID_AA64MMFR0_EL1 */
    {7, 1, F(16)},                       /* ID_AA64MMFR1_EL1: LO */
    {7, 2, 0},                           /* ID_AA64MMFR2_EL1 */
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))

static const struct idreg_rule *rule(unsigned crm, unsigned op2)
{
    for (unsigned i = 0; i < NRULES; i++)
        if (rules[i].crm == crm && rules[i].op2 == op2)
            return &rules[i];
    return 0;
}

static unsigned field(uint64_t v, unsigned shift)
{
    return (unsigned)((v >> shift) & 0xf);
}

/* ID_AA64DFR0_EL1 fields. */
#define DFR0_DEBUGVER   0
#define DFR0_PMUVER     8
#define DFR0_BRPS       12
#define DFR0_WRPS       20
#define DFR0_CTX_CMPS   28
#define DFR0_DOUBLELOCK 36
#define PMUVER_NONE     0x0u
#define PMUVER_V3       0x1u /* FEAT_PMUv3: the register set vpmu.c emulates */
#define PMUVER_IMPDEF   0xfu

static uint64_t sanitise_aa64dfr0(uint64_t host)
{
    uint64_t keep =
        F(DFR0_DEBUGVER) | F(DFR0_BRPS) | F(DFR0_WRPS) | F(DFR0_CTX_CMPS) | F(DFR0_DOUBLELOCK);
    unsigned pmu = field(host, DFR0_PMUVER);
    pmu = (pmu == PMUVER_NONE || pmu == PMUVER_IMPDEF) ? PMUVER_NONE : PMUVER_V3;
    return (host & keep) | ((uint64_t)pmu << DFR0_PMUVER);
}

/* ID_DFR0 (AArch32 view): CopDbg, CopSDbg, MMapDbg kept; CopTrc (12),
 * MMapTrc (16), TraceFilt (28) hidden; MProfDbg (20) is M-profile only;
 * PerfMon (24): 3 is PMUv3, 0xf IMPLEMENTATION DEFINED. */
#define ID_DFR0_PERFMON 24
#define PERFMON_V3      0x3u
#define PERFMON_IMPDEF  0xfu

static uint64_t sanitise_dfr0(uint64_t host)
{
    uint64_t keep = F(0) | F(4) | F(8);
    unsigned pmu = field(host, ID_DFR0_PERFMON);
    pmu = pmu < PERFMON_V3 || pmu == PERFMON_IMPDEF ? 0 : PERFMON_V3;
    return (host & keep) | ((uint64_t)pmu << ID_DFR0_PERFMON);
}

/* Fields a rule hides that the VM sees as the host has them when it gets
 * the feature (vm_cpu_features): the arch switches that state per vCPU. */
struct idreg_feature {
    unsigned crm, op2;
    unsigned feature; /* ARCH_FEAT_* */
    uint64_t fields;
};

static const struct idreg_feature features[] = {
    {4, 0, ARCH_FEAT_SVE, F(32)},                         /* ID_AA64PFR0_EL1.SVE */
    {4, 4, ARCH_FEAT_SVE, ~0ull},                         /* ID_AA64ZFR0_EL1 */
    {6, 1, ARCH_FEAT_PAUTH, F(4) | F(8) | F(24) | F(28)}, /* APA, API, GPA, GPI */
    {6, 2, ARCH_FEAT_PAUTH, F(8) | F(12) | F(24)},        /* GPA3, APA3, PAC_frac */
    {4, 1, ARCH_FEAT_MTE, F(8) | F(40)},                  /* ID_AA64PFR1_EL1.MTE, MTE_frac */
};

#define NFEATURES (sizeof(features) / sizeof(features[0]))

/* The fields of (crm, op2) a VM with feats sees although the rule hides
 * them. */
static uint64_t shown_fields(unsigned crm, unsigned op2, unsigned feats)
{
    uint64_t show = 0;
    for (unsigned i = 0; i < NFEATURES; i++)
        if (features[i].crm == crm && features[i].op2 == op2 && (feats & features[i].feature))
            show |= features[i].fields;
    return show;
}

bool idregs_known(unsigned crm, unsigned op2)
{
    return rule(crm, op2) != 0;
}

uint64_t idregs_sanitise_for(unsigned crm, unsigned op2, uint64_t host, unsigned feats)
{
    const struct idreg_rule *r = rule(crm, op2);
    if (!r)
        return 0;
    if (crm == 5 && op2 == 0)
        return sanitise_aa64dfr0(host);
    if (crm == 1 && op2 == 2)
        return sanitise_dfr0(host);
    return host & ~(r->hide & ~shown_fields(crm, op2, feats));
}

uint64_t idregs_sanitise(unsigned crm, unsigned op2, uint64_t host)
{
    return idregs_sanitise_for(crm, op2, host, 0);
}

/* No PMU given to guests (vpmu_available): none advertised, neither in
 * ID_AA64DFR0_EL1.PMUVer nor in ID_DFR0.PerfMon. */
static void hide_pmu(struct vm *vm)
{
    vm->idregs[IDREGS_INDEX(5, 0)] &= ~F(DFR0_PMUVER);
    vm->idregs[IDREGS_INDEX(1, 2)] &= ~F(ID_DFR0_PERFMON);
}

void idregs_init(struct vm *vm)
{
    unsigned feats = vm_cpu_features(vm);
    for (unsigned crm = IDREGS_CRM_FIRST; crm <= IDREGS_CRM_LAST; crm++)
        for (unsigned op2 = 0; op2 < 8; op2++) {
            uint64_t v = 0;
            if (idregs_known(crm, op2))
                v = idregs_sanitise_for(crm, op2, arch_id_reg_read(crm, op2), feats);
            vm->idregs[IDREGS_INDEX(crm, op2)] = v;
        }
    if (!vpmu_available())
        hide_pmu(vm);
}

/* AArch32 views (Arm ARM DDI 0487 G8.2, ARMv7 ARM B4.1): MRC p15, 0, Rt,
 * c0, c<crm>, <op2> reads the register whose AArch64 view is S3_0_C0_C<crm>
 * _<op2> for CRm 1..2 and CRm 3, op2 3..7; the rest of CRm 3..7 is
 * reserved in AArch32 (RAZ), not the AArch64 registers (ID_AA64*, and
 * MVFR0-2's views at c3, 0..2) that share the numbers. VMRS Rt, MVFR0/1/2
 * traps as "MRC p10, 7, Rt, c7/c6/c5, c0, 0" (ESR_EL2 / HSR EC 0x08). Rt
 * 15 is UNPREDICTABLE for both: refused. *index is the AArch64 view's, or
 * IDREGS_COUNT for a reserved encoding (reads as zero). */
#define A32_ID_CRM_LAST 3u
#define MVFR_VIEW_CRM   3u /* MVFR<n>_EL1 is S3_0_C0_C3_<n> */
#define VMRS_OPC1       7u
#define VMRS_CRN_MVFR0  7u
#define VMRS_MVFR_COUNT 3u /* MVFR0 (CRn 7), MVFR1 (6), MVFR2 (5) */

static bool a32_id_index(const struct exit_sysreg *s, unsigned *index)
{
    if (!s->read || s->is64 || s->ldc_stc || s->rt == 15)
        return false;
    if (s->coproc == 15 && s->op1 == 0 && s->crn == 0 && s->crm >= IDREGS_CRM_FIRST &&
        s->crm <= IDREGS_CRM_LAST && s->op2 <= 7) {
        bool mvfr_view = s->crm == MVFR_VIEW_CRM && s->op2 < VMRS_MVFR_COUNT;
        bool allocated = s->crm <= A32_ID_CRM_LAST && !mvfr_view;
        *index = allocated ? IDREGS_INDEX(s->crm, s->op2) : IDREGS_COUNT;
        return true;
    }
    if (s->coproc == 10 && s->op1 == VMRS_OPC1 && s->crm == 0 && s->op2 == 0 &&
        s->crn <= VMRS_CRN_MVFR0 && s->crn > VMRS_CRN_MVFR0 - VMRS_MVFR_COUNT) {
        *index = IDREGS_INDEX(MVFR_VIEW_CRM, VMRS_CRN_MVFR0 - s->crn);
        return true;
    }
    return false;
}

static bool a32_access(struct vcpu *vcpu, const struct exit_info *info)
{
    unsigned index;
    if (!a32_id_index(&info->u.sysreg, &index))
        return false;
    uint64_t v = index < IDREGS_COUNT ? vcpu->vm->idregs[index] : 0;
    arch_vcpu_reg_write(vcpu, info->u.sysreg.rt, (uint32_t)v);
    vcpu->stats.idreg_reads++;
    arch_vcpu_skip_insn(vcpu, info->il);
    return true;
}

bool idregs_access(struct vcpu *vcpu, const struct exit_info *info)
{
    const struct exit_sysreg *s = &info->u.sysreg;
    if (s->aarch32)
        return a32_access(vcpu, info);
    if (s->ldc_stc || !s->read || s->op0 != 3 || s->op1 != 0 || s->crn != 0 ||
        s->crm < IDREGS_CRM_FIRST || s->crm > IDREGS_CRM_LAST || s->op2 > 7)
        return false;
    /* A64 rt 31 is XZR: arch_vcpu_reg_write ignores it. */
    arch_vcpu_reg_write(vcpu, s->rt, vcpu->vm->idregs[IDREGS_INDEX(s->crm, s->op2)]);
    vcpu->stats.idreg_reads++;
    arch_vcpu_skip_insn(vcpu, info->il);
    return true;
}
