/*
 * The ID registers a guest reads (core/idregs.c): the host's values with
 * what armvisor does not virtualise hidden (SVE, SME, MTE, pointer
 * authentication, RAS, AMU, MPAM, EL2, trace/SPE/TRBE, the PMU as vpmu.c
 * presents it), everything else passed through; unknown encodings of the
 * ID space read as zero; a trapped MRS on a sim guest reads the VM's copy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/sim/sim.h"
#include "core/idregs.h"
#include "core/virt_layout.h"
#include "core/vm.h"
#include "helpers/unit_vm.h"

#define F(shift, v) ((uint64_t)(v) << (shift))

/* ID_AA64PFR0_EL1 of QEMU's -cpu max (7.2): EL0-EL3 AArch64+AArch32, FP,
 * AdvSIMD with FP16, RAS 1, SVE 1, SEL2 1, DIT 1, CSV2 2, CSV3 1; plus GIC,
 * MPAM, AMU and RME set to check they are hidden. */
#define MAX_PFR0                                                                                   \
    (F(0, 2) | F(4, 2) | F(8, 2) | F(12, 2) | F(16, 1) | F(20, 1) | F(24, 1) | F(28, 1) |         \
     F(32, 1) | F(36, 1) | F(40, 1) | F(44, 1) | F(48, 1) | F(52, 1) | F(56, 2) | F(60, 1))

static void test_aa64pfr0(void **state)
{
    (void)state;
    uint64_t v = idregs_sanitise(4, 0, MAX_PFR0);
    /* Kept: EL0, EL1, EL3, FP, AdvSIMD, DIT, CSV2, CSV3. */
    uint64_t want = F(0, 2) | F(4, 2) | F(12, 2) | F(16, 1) | F(20, 1) | F(48, 1) | F(56, 2) |
                    F(60, 1);
    assert_int_equal(v, want);
    assert_int_equal((v >> 32) & 0xf, 0); /* SVE */
    assert_int_equal((v >> 28) & 0xf, 0); /* RAS */
    assert_int_equal((v >> 44) & 0xf, 0); /* AMU */
    assert_int_equal((v >> 8) & 0xf, 0);  /* EL2: the guest has none */
}

static void test_aa64pfr1(void **state)
{
    (void)state;
    /* BT 1, SSBS 2, MTE 3, RAS_frac 1, MPAM_frac 1, SME 2, RNDR_trap 1,
     * CSV2_frac 2, NMI 1, MTE_frac 0xf, GCS 1, THE 1, MTEX 1, DF2 1, PFAR 1. */
    uint64_t host = F(0, 1) | F(4, 2) | F(8, 3) | F(12, 1) | F(16, 1) | F(24, 2) | F(28, 1) |
                    F(32, 2) | F(36, 1) | F(40, 0xf) | F(44, 1) | F(48, 1) | F(52, 1) | F(56, 1) |
                    F(60, 1);
    assert_int_equal(idregs_sanitise(4, 1, host), F(0, 1) | F(4, 2) | F(32, 2));
}

static void test_sve_sme_registers_zero(void **state)
{
    (void)state;
    assert_int_equal(idregs_sanitise(4, 4, 0x0110110000110011ull), 0); /* ID_AA64ZFR0_EL1 */
    assert_int_equal(idregs_sanitise(4, 5, ~0ull), 0);                 /* ID_AA64SMFR0_EL1 */
    assert_true(idregs_known(4, 4));
}

static void test_pauth_hidden(void **state)
{
    (void)state;
    /* ISAR1: DPB 2, APA 5, API 0, JSCVT 1, FCMA 1, LRCPC 2, GPA 1, GPI 0,
     * FRINTTS 1, SB 1, SPECRES 1, BF16 1, DGH 1, I8MM 1. */
    uint64_t isar1 = F(0, 2) | F(4, 5) | F(12, 1) | F(16, 1) | F(20, 2) | F(24, 1) | F(32, 1) |
                     F(36, 1) | F(40, 1) | F(44, 1) | F(48, 1) | F(52, 1);
    uint64_t pauth = F(4, 0xf) | F(8, 0xf) | F(24, 0xf) | F(28, 0xf);
    assert_int_equal(idregs_sanitise(6, 1, isar1), isar1 & ~pauth);
    assert_int_equal(idregs_sanitise(6, 1, F(8, 1) | F(28, 1)), 0); /* API, GPI */
    /* ISAR2: WFxT 2, RPRES 1, GPA3 1, APA3 5, MOPS 1, BC 1, PAC_frac 1. */
    uint64_t isar2 = F(0, 2) | F(4, 1) | F(8, 1) | F(12, 5) | F(16, 1) | F(20, 1) | F(24, 1);
    assert_int_equal(idregs_sanitise(6, 2, isar2), F(0, 2) | F(4, 1) | F(16, 1) | F(20, 1));
    /* ISAR0 passes through whole. */
    assert_int_equal(idregs_sanitise(6, 0, 0x1221111110212120ull), 0x1221111110212120ull);
}

static void test_aa64dfr0(void **state)
{
    (void)state;
    /* DebugVer 8.4 (9), TraceVer 1, PMUVer 8.5 (6), BRPs 5, PMSS 1, WRPs 3,
     * SEBEP 1, CTX_CMPs 1, PMSVer 2, DoubleLock 0, TraceFilt 1,
     * TraceBuffer 1, MTPMU 1, BRBE 1, HPMN0 1. */
    uint64_t host = F(0, 9) | F(4, 1) | F(8, 6) | F(12, 5) | F(16, 1) | F(20, 3) | F(24, 1) |
                    F(28, 1) | F(32, 2) | F(40, 1) | F(44, 1) | F(48, 1) | F(52, 1) | F(60, 1);
    assert_int_equal(idregs_sanitise(5, 0, host),
                     F(0, 9) | F(8, 1) | F(12, 5) | F(20, 3) | F(28, 1));
    /* DoubleLock 0xf (not implemented) is kept as it is. */
    assert_int_equal(idregs_sanitise(5, 0, F(0, 6) | F(36, 0xf)), F(0, 6) | F(36, 0xf));
    /* No PMU, or an IMPLEMENTATION DEFINED one: no PMUv3 advertised. */
    assert_int_equal(idregs_sanitise(5, 0, F(8, 0)), 0);
    assert_int_equal(idregs_sanitise(5, 0, F(8, 0xf)), 0);
    assert_int_equal(idregs_sanitise(5, 0, F(8, 1)), F(8, 1));
    assert_int_equal(idregs_sanitise(5, 1, ~0ull), 0); /* ID_AA64DFR1_EL1 */
}

static void test_aarch32_views(void **state)
{
    (void)state;
    /* ID_PFR0: State0-3, CSV2 1, AMU 1, DIT 1, RAS 1 -> AMU, RAS hidden. */
    uint64_t pfr0 = 0x00000131ull | F(16, 1) | F(20, 1) | F(24, 1) | F(28, 1);
    assert_int_equal(idregs_sanitise(1, 0, pfr0), 0x00000131ull | F(16, 1) | F(24, 1));
    /* ID_PFR1: Virtualization, Virt_frac and GIC hidden, GenTimer kept. */
    uint64_t pfr1 = F(0, 1) | F(4, 1) | F(12, 1) | F(16, 1) | F(24, 1) | F(28, 1);
    assert_int_equal(idregs_sanitise(1, 1, pfr1), F(0, 1) | F(4, 1) | F(16, 1));
    /* ID_DFR0: CopDbg 9, CopSDbg 9, MMapDbg 9, CopTrc 1, MMapTrc 1,
     * PerfMon 6 (PMUv3p5) -> 3 (PMUv3), TraceFilt 1 hidden. */
    uint64_t dfr0 = F(0, 9) | F(4, 9) | F(8, 9) | F(12, 1) | F(16, 1) | F(24, 6) | F(28, 1);
    assert_int_equal(idregs_sanitise(1, 2, dfr0), F(0, 9) | F(4, 9) | F(8, 9) | F(24, 3));
    assert_int_equal(idregs_sanitise(1, 2, F(24, 2)), 0); /* PMUv2: no PMUv3 */
    assert_int_equal(idregs_sanitise(3, 4, F(0, 1) | F(4, 1) | F(8, 1)), F(0, 1) | F(4, 1));
    assert_int_equal(idregs_sanitise(3, 5, 0x11), 0); /* ID_DFR1 */
    assert_int_equal(idregs_sanitise(3, 0, 0x10110222ull), 0x10110222ull); /* MVFR0 */
}

/* A feature the arch switches is shown as the host has it, to a VM that
 * gets it; everything else stays hidden. */
static void test_switched_features_shown(void **state)
{
    (void)state;
    unsigned all = ARCH_FEAT_SVE | ARCH_FEAT_PAUTH;
    /* (MTE separately: "all" here is what -cpu max without tagged RAM has.) */
    assert_int_equal(idregs_sanitise_for(4, 0, MAX_PFR0, ARCH_FEAT_SVE),
                     idregs_sanitise(4, 0, MAX_PFR0) | F(32, 1));
    assert_int_equal(idregs_sanitise_for(4, 0, MAX_PFR0, ARCH_FEAT_PAUTH),
                     idregs_sanitise(4, 0, MAX_PFR0));
    assert_int_equal(idregs_sanitise_for(4, 4, 0x0110110000110011ull, ARCH_FEAT_SVE),
                     0x0110110000110011ull);
    assert_int_equal(idregs_sanitise_for(4, 4, 0x0110110000110011ull, ARCH_FEAT_PAUTH), 0);
    uint64_t isar1 = F(4, 5) | F(8, 1) | F(20, 2) | F(24, 1) | F(28, 1);
    assert_int_equal(idregs_sanitise_for(6, 1, isar1, ARCH_FEAT_PAUTH), isar1);
    assert_int_equal(idregs_sanitise_for(6, 1, isar1, ARCH_FEAT_SVE), F(20, 2));
    uint64_t isar2 = F(0, 2) | F(8, 1) | F(12, 5) | F(24, 1);
    assert_int_equal(idregs_sanitise_for(6, 2, isar2, ARCH_FEAT_PAUTH), isar2);
    /* MTE (and MTE_frac) shown only with ARCH_FEAT_MTE; SME never. */
    assert_int_equal(idregs_sanitise_for(4, 1, F(8, 3) | F(24, 1) | F(40, 0xf), all), 0);
    assert_int_equal(idregs_sanitise_for(4, 1, F(8, 3) | F(24, 1) | F(40, 0xf), ARCH_FEAT_MTE),
                     F(8, 3) | F(40, 0xf));
    /* SME, RAS and SMFR0 stay hidden whatever is switched. */
    assert_int_equal(idregs_sanitise_for(4, 5, ~0ull, all), 0);
    assert_int_equal((idregs_sanitise_for(4, 0, MAX_PFR0, all) >> 28) & 0xf, 0);
}

static void test_unknown_encodings_raz(void **state)
{
    (void)state;
    static const unsigned unknown[][2] = {{3, 3}, {3, 7}, {4, 2}, {4, 3}, {4, 6}, {4, 7}, {5, 2},
                                          {5, 3}, {5, 6}, {5, 7}, {6, 3}, {6, 7}, {7, 3}, {7, 4},
                                          {7, 7}, {0, 0}, {8, 0}};
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        assert_false(idregs_known(unknown[i][0], unknown[i][1]));
        assert_int_equal(idregs_sanitise(unknown[i][0], unknown[i][1], ~0ull), 0);
    }
    assert_true(idregs_known(1, 0));
    assert_true(idregs_known(7, 2));
}

/* ---- Through the run loop ------------------------------------------------ */

static struct vm *vm, *vm2;

static int teardown(void **state)
{
    (void)state;
    unit_vm_destroy(&vm);
    unit_vm_destroy(&vm2);
    return 0;
}

struct res {
    uint64_t v[8];
    enum sim_status st[8];
    struct sim_exception exc[8];
};

static void guest_reads(struct sim_guest *g)
{
    struct res *r = g->arg;
    g_set_reg(g, 1, 0x77);
    r->st[0] = g_sysreg(g, 3, 0, 0, 4, 0, 1, true); /* MRS x1, ID_AA64PFR0_EL1 */
    r->v[0] = g_reg(g, 1);
    r->st[1] = g_sysreg(g, 3, 0, 0, 6, 1, 2, true); /* MRS x2, ID_AA64ISAR1_EL1 */
    r->v[1] = g_reg(g, 2);
    r->st[2] = g_sysreg(g, 3, 0, 0, 4, 1, 3, true); /* MRS x3, ID_AA64PFR1_EL1 */
    r->v[2] = g_reg(g, 3);
    g_set_reg(g, 4, 0x55);
    r->st[3] = g_sysreg(g, 3, 0, 0, 4, 2, 4, true); /* MRS x4, S3_0_C0_C4_2 (unknown) */
    r->v[3] = g_reg(g, 4);
    uint64_t pc = g_pc(g);
    r->st[4] = g_sysreg(g, 3, 0, 0, 4, 0, 31, true); /* MRS xzr, ID_AA64PFR0_EL1 */
    r->v[4] = g_pc(g) - pc;
    g_set_reg(g, 5, 0x1234);
    r->st[5] = g_sysreg(g, 3, 0, 0, 4, 0, 5, false); /* MSR ID_AA64PFR0_EL1, x5 */
    r->exc[5] = g->last_exception;
    r->st[6] = g_sysreg(g, 3, 0, 0, 4, 4, 6, true); /* MRS x6, ID_AA64ZFR0_EL1 */
    r->v[6] = g_reg(g, 6);
}

static void test_guest_reads_sanitised(void **state)
{
    (void)state;
    struct res r = {0};
    sim_reset(SIM_ARMV8, 64ull << 20);
    sim_set_id_reg(4, 0, MAX_PFR0);
    sim_set_id_reg(6, 1, F(4, 5) | F(24, 1) | F(20, 2)); /* APA, GPA, LRCPC */
    sim_set_id_reg(4, 1, F(0, 1) | F(8, 2) | F(24, 1));  /* BT, MTE, SME */
    sim_set_id_reg(4, 2, ~0ull);
    sim_set_id_reg(4, 4, 0x11);
    /* unit_vm_create resets the sim: build the VM by hand instead. */
    vm = vm_create("idregs", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, VIRT_RAM_BASE, 1 << 20, S2_RWX), 0);
    unit_vm_start(vm, guest_reads, &r, ISA_A64, VIRT_RAM_BASE);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    for (unsigned i = 0; i < 5; i++)
        assert_int_equal(r.st[i], SIM_OK);
    assert_int_equal(r.v[0], idregs_sanitise(4, 0, MAX_PFR0));
    assert_int_equal((r.v[0] >> 32) & 0xf, 0); /* no SVE */
    assert_int_equal(r.v[1], F(20, 2));        /* no pointer authentication */
    assert_int_equal(r.v[2], F(0, 1));         /* no MTE, no SME */
    assert_int_equal(r.v[3], 0);               /* reserved: RAZ */
    assert_int_equal(r.v[4], 4);               /* stepped past */
    assert_int_equal(r.st[5], SIM_UNDEF);      /* ID registers are read-only */
    assert_int_equal(r.exc[5].type, SIM_EXC_UNDEF);
    assert_int_equal(r.st[6], SIM_OK);
    assert_int_equal(r.v[6], 0);
    assert_int_equal(vm->vcpus[0].stats.idreg_reads, 6);
    assert_int_equal(vm->vcpus[0].stats.refused[REFUSE_SYSREG], 1);
}

static void test_per_vm_copy(void **state)
{
    (void)state;
    sim_reset(SIM_ARMV8, 64ull << 20);
    sim_set_id_reg(7, 0, 0x1122);
    vm = vm_create("a", 1, 0);
    assert_non_null(vm);
    sim_set_id_reg(7, 0, 0x3344);
    vm2 = vm_create("b", 1, 0);
    assert_non_null(vm2);
    assert_int_equal(vm->idregs[IDREGS_INDEX(7, 0)], 0x1122);
    assert_int_equal(vm2->idregs[IDREGS_INDEX(7, 0)], 0x3344);
}

/* armvisor.sve_vl sets the limit of the VMs created after it; the VM's
 * SVE follows it and the CPU's maximum. */
static void test_vm_sve_limit(void **state)
{
    (void)state;
    sim_reset(SIM_ARMV8, 64ull << 20);
    sim_set_id_reg(4, 0, MAX_PFR0);
    sim_set_id_reg(6, 1, F(4, 5) | F(24, 1));
    sim_set_cpu_features(ARCH_FEAT_SVE | ARCH_FEAT_PAUTH, 64);
    vm = vm_create("sve", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm->cpu.sve_vl_max, 64); /* the CPU's, below the default */
    assert_int_equal((vm->idregs[IDREGS_INDEX(4, 0)] >> 32) & 0xf, 1);
    assert_int_equal(vm->idregs[IDREGS_INDEX(6, 1)], F(4, 5) | F(24, 1));
    unit_vm_destroy(&vm);

    assert_false(vm_cpu_set_default_sve_vl(24));  /* not a multiple of 16 bytes */
    assert_false(vm_cpu_set_default_sve_vl(272)); /* above 2048 bits */
    assert_true(vm_cpu_set_default_sve_vl(32));
    vm = vm_create("sve256", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm->cpu.sve_vl_max, 32);
    assert_int_equal(vm_cpu_features(vm), ARCH_FEAT_SVE | ARCH_FEAT_PAUTH);
    unit_vm_destroy(&vm);

    assert_true(vm_cpu_set_default_sve_vl(0));
    vm = vm_create("nosve", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm->cpu.sve_vl_max, 0);
    assert_int_equal(vm_cpu_features(vm), ARCH_FEAT_PAUTH);
    assert_int_equal((vm->idregs[IDREGS_INDEX(4, 0)] >> 32) & 0xf, 0); /* SVE hidden */
    assert_int_equal(vm->idregs[IDREGS_INDEX(6, 1)], F(4, 5) | F(24, 1)); /* PAuth kept */
    assert_true(vm_cpu_set_default_sve_vl(VM_SVE_VL_MAX));

    /* MTE where the CPU has it, unless armvisor.mte=off. */
    unit_vm_destroy(&vm);
    sim_set_id_reg(4, 1, F(0, 1) | F(8, 2));
    sim_set_cpu_features(ARCH_FEAT_MTE, 0);
    vm = vm_create("mte", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm_cpu_features(vm), ARCH_FEAT_MTE);
    assert_int_equal(vm->idregs[IDREGS_INDEX(4, 1)], F(0, 1) | F(8, 2));
    unit_vm_destroy(&vm);
    vm_cpu_set_default_mte(false);
    vm = vm_create("nomte", 1, 0);
    assert_non_null(vm);
    vm_cpu_set_default_mte(true);
    assert_int_equal(vm_cpu_features(vm), 0);
    assert_int_equal(vm->idregs[IDREGS_INDEX(4, 1)], F(0, 1));

    /* A CPU without SVE gives no VM SVE, whatever the default. */
    unit_vm_destroy(&vm);
    sim_set_cpu_features(ARCH_FEAT_PAUTH, 64);
    vm = vm_create("nosvecpu", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm->cpu.sve_vl_max, 0);
}

struct a32_res {
    uint64_t v[10];
    enum sim_status st[10];
};

/* AArch32 reads of the ID space: MRC p15, 0, c0, c<crm>, <op2> and VMRS
 * MVFRn (as MRC p10, 7, c<7-n>, c0, 0). */
static void guest_a32_reads(struct sim_guest *g)
{
    struct a32_res *r = g->arg;
    static const unsigned enc[][5] = {
        {15, 0, 0, 1, 1}, /* ID_PFR1 */
        {15, 0, 0, 2, 0}, /* ID_ISAR0 */
        {15, 0, 0, 3, 0}, /* reserved in AArch32 (MVFR0_EL1's view number) */
        {15, 0, 0, 4, 0}, /* reserved in AArch32 (ID_AA64PFR0_EL1's number) */
        {10, 7, 7, 0, 0}, /* VMRS MVFR0 */
        {10, 7, 6, 0, 0}, /* VMRS MVFR1 */
        {10, 7, 0, 0, 0}, /* VMRS FPSID: not an ID-group-3 register */
    };
    for (unsigned i = 0; i < 7; i++) {
        g_set_reg(g, 2, 0x5a5a5a5a);
        r->st[i] = g_mcr(g, enc[i][0], enc[i][1], enc[i][2], enc[i][3], enc[i][4], 2, true);
        r->v[i] = g_reg(g, 2);
    }
    r->st[7] = g_mcr(g, 15, 0, 0, 1, 1, 2, false); /* MCR to ID_PFR1: read-only */
}

static void test_a32_guest_reads(void **state)
{
    (void)state;
    struct a32_res r = {0};
    sim_reset(SIM_ARMV8, 64ull << 20);
    /* ID_PFR1: ProgMod, Security, Virtualization, GenTimer. */
    sim_set_id_reg(1, 1, F(0, 1) | F(4, 1) | F(12, 1) | F(16, 1));
    sim_set_id_reg(2, 0, 0x02101110);
    sim_set_id_reg(3, 0, 0x10110222);
    sim_set_id_reg(3, 1, 0x12111111);
    sim_set_id_reg(4, 0, MAX_PFR0);
    vm = vm_create("idregs32", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, VIRT_RAM_BASE, 1 << 20, S2_RWX), 0);
    unit_vm_start(vm, guest_a32_reads, &r, ISA_A32, VIRT_RAM_BASE);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    for (unsigned i = 0; i < 6; i++)
        assert_int_equal(r.st[i], SIM_OK);
    assert_int_equal(r.v[0], F(0, 1) | F(4, 1) | F(16, 1)); /* Virtualization hidden */
    assert_int_equal(r.v[1], 0x02101110);
    assert_int_equal(r.v[2], 0);
    assert_int_equal(r.v[3], 0);
    assert_int_equal(r.v[4], 0x10110222);
    assert_int_equal(r.v[5], 0x12111111);
    assert_int_equal(r.st[6], SIM_UNDEF);
    assert_int_equal(r.st[7], SIM_UNDEF);
    assert_int_equal(vm->vcpus[0].stats.idreg_reads, 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aa64pfr0),
        cmocka_unit_test(test_aa64pfr1),
        cmocka_unit_test(test_sve_sme_registers_zero),
        cmocka_unit_test(test_pauth_hidden),
        cmocka_unit_test(test_aa64dfr0),
        cmocka_unit_test(test_aarch32_views),
        cmocka_unit_test(test_unknown_encodings_raz),
        cmocka_unit_test(test_switched_features_shown),
        cmocka_unit_test_teardown(test_vm_sve_limit, teardown),
        cmocka_unit_test_teardown(test_a32_guest_reads, teardown),
        cmocka_unit_test_teardown(test_guest_reads_sanitised, teardown),
        cmocka_unit_test_teardown(test_per_vm_copy, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
