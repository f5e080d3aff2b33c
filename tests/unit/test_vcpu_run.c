/*
 * The vCPU run loop and its exit handlers on sim guests: WFI/WFE completed
 * past the instruction, trapped system registers and instruction aborts
 * refused with the matching exception (PMU registers RAZ/WI), physical-IRQ exits, refusal logs
 * rate-limited, statistics printed by reason name; AArch32 traps that fail
 * their condition check stepped over without effect.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/virt_layout.h"
#include "arch/sim/sim.h"
#include "core/hvc.h"
#include "core/vm.h"
#include "helpers/unit_vm.h"

#define RAM     VIRT_RAM_BASE
#define NOTHING 0x0a000000ull

#define NRES 32
struct res {
    uint64_t v[NRES];
    enum sim_status st[NRES];
    struct sim_exception exc[NRES];
};

static struct {
    struct vm *vm;
    struct vcpu *vcpu;
    struct res res;
} F;

static void build(enum sim_profile p, enum vcpu_isa isa, sim_guest_fn fn)
{
    memset(&F.res, 0, sizeof(F.res));
    F.vm = unit_vm_create("run", p, 1);
    F.vcpu = &F.vm->vcpus[0];
    unit_vm_start(F.vm, fn, &F.res, isa, RAM);
}

static int teardown(void **state)
{
    (void)state;
    unit_vm_destroy(&F.vm);
    return 0;
}

#define RES(g) ((struct res *)(g)->arg)

static unsigned count(const char *hay, const char *needle)
{
    unsigned n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void guest_wfx(struct sim_guest *g)
{
    struct res *r = RES(g);
    uint64_t pc = g_pc(g);
    for (unsigned i = 0; i < 3; i++)
        r->st[i] = g_wfi(g);
    for (unsigned i = 3; i < 5; i++)
        r->st[i] = g_wfe(g);
    r->v[0] = g_pc(g) - pc;
}

static void test_wfi_wfe_a64(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_wfx);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    for (unsigned i = 0; i < 5; i++)
        assert_int_equal(F.res.st[i], SIM_OK);
    assert_int_equal(F.res.v[0], 5 * 4);
    assert_int_equal(F.vcpu->stats.exits[EXIT_WFI], 3);
    assert_int_equal(F.vcpu->stats.exits[EXIT_WFE], 2);
    /* Without a vGIC nothing could wake the vCPU: said once. */
    assert_int_equal(count(sim_console_text(), "WFI with no interrupt source"), 1);
}

static void test_wfi_t32_is_16bit(void **state)
{
    (void)state;
    build(SIM_ARMV7, ISA_T32, guest_wfx);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    assert_int_equal(F.res.v[0], 5 * 2);
    assert_int_equal(F.vcpu->stats.exits[EXIT_WFI], 3);
}

static void guest_sysreg_a64(struct sim_guest *g)
{
    struct res *r = RES(g);
    /* MRS x1, SCTLR_EL1 is not trapped by a real HCR, but the sim traps
     * every MRS/MSR: none is emulated yet. */
    g_set_reg(g, 1, 0x77);
    r->st[0] = g_sysreg(g, 3, 0, 1, 0, 0, 1, true);
    r->exc[0] = g->last_exception;
    r->v[0] = g_reg(g, 1);
}

static void test_sysreg_refused_a64(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_sysreg_a64);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    assert_int_equal(F.res.st[0], SIM_UNDEF);
    assert_int_equal(F.res.exc[0].type, SIM_EXC_UNDEF);
    assert_true(F.res.exc[0].by_vmm);
    assert_false(F.res.exc[0].pc_moved);
    assert_int_equal(F.res.v[0], 0x77); /* nothing written to x1 */
    assert_int_equal(F.vcpu->stats.exits[EXIT_SYSREG], 1);
    assert_int_equal(F.vcpu->stats.refused[REFUSE_SYSREG], 1);
    assert_non_null(strstr(sim_console_text(), "MRS S3_0_C1_C0_0 (x1) not emulated"));
}

static void guest_mcr_a32(struct sim_guest *g)
{
    struct res *r = RES(g);
    r->st[0] = g_mcr(g, 15, 0, 1, 0, 0, 2, false); /* MCR p15, 0, r2, c1, c0, 0 */
}

static void test_sysreg_refused_a32(void **state)
{
    (void)state;
    build(SIM_ARMV7, ISA_A32, guest_mcr_a32);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    assert_int_equal(F.res.st[0], SIM_UNDEF);
    assert_int_equal(F.vcpu->stats.refused[REFUSE_SYSREG], 1);
    assert_non_null(strstr(sim_console_text(), "MCR p15, 0, r2, c1, c0, 0"));
}

/* A host without a PMU to give (the sim's default): every VM has a PMU with
 * no counters (core/vpmu.c), PMU registers read as zero and ignore writes;
 * the instruction completes. */
static void guest_pmu_a64(struct sim_guest *g)
{
    struct res *r = RES(g);
    g_set_reg(g, 1, 0x1234);
    r->st[0] = g_sysreg(g, 3, 3, 9, 12, 0, 1, true); /* MRS x1, PMCR_EL0 */
    r->v[0] = g_reg(g, 1);
    uint64_t pc = g_pc(g);
    r->st[1] = g_sysreg(g, 3, 3, 9, 14, 0, 31, false); /* MSR PMUSERENR_EL0, xzr */
    r->exc[1] = g->last_exception;
    r->v[1] = g_pc(g) - pc;
    g_set_reg(g, 2, 0x55);
    r->st[2] = g_sysreg(g, 3, 3, 14, 15, 7, 2, true); /* MRS x2, PMCCFILTR_EL0 */
    r->v[2] = g_reg(g, 2);
    g_set_reg(g, 3, 0x66);
    r->st[3] = g_sysreg(g, 3, 0, 9, 14, 1, 3, true); /* MRS x3, PMINTENSET_EL1 */
    r->v[3] = g_reg(g, 3);
    /* Not PMU: PMCR's unallocated neighbour S3_3_C9_C14_1 and SCTLR_EL1. */
    g_set_reg(g, 4, 0x77);
    r->st[4] = g_sysreg(g, 3, 3, 9, 14, 1, 4, true);
    r->exc[4] = g->last_exception;
    r->v[4] = g_reg(g, 4);
    r->st[5] = g_sysreg(g, 3, 0, 1, 0, 0, 4, true);
    r->exc[5] = g->last_exception;
}

static void test_pmu_raz_wi_a64(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_pmu_a64);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    assert_int_equal(F.res.st[0], SIM_OK);
    assert_int_equal(F.res.v[0], 0); /* PMCR_EL0 = 0: N = 0 */
    assert_int_equal(F.res.st[1], SIM_OK);
    assert_int_equal(F.res.v[1], 4); /* PC stepped past the MSR */
    assert_int_equal(F.res.st[2], SIM_OK);
    assert_int_equal(F.res.v[2], 0);
    assert_int_equal(F.res.st[3], SIM_OK);
    assert_int_equal(F.res.v[3], 0);
    assert_int_equal(F.res.st[4], SIM_UNDEF);
    assert_int_equal(F.res.exc[4].type, SIM_EXC_UNDEF);
    assert_int_equal(F.res.v[4], 0x77);
    assert_int_equal(F.res.st[5], SIM_UNDEF);
    assert_int_equal(F.res.exc[5].type, SIM_EXC_UNDEF);
    assert_int_equal(F.vcpu->stats.pmu_raz_wi, 4);
    assert_int_equal(F.vcpu->stats.refused[REFUSE_SYSREG], 2);
    assert_int_equal(F.vcpu->stats.exits[EXIT_SYSREG], 6);
    vm_print_stats(F.vm);
    assert_non_null(strstr(sim_console_text(), "pmu raz/wi=4"));
}

static void guest_pmu_a32(struct sim_guest *g)
{
    struct res *r = RES(g);
    g_set_reg(g, 2, 0xabcd);
    r->st[0] = g_mcr(g, 15, 0, 9, 12, 0, 2, true); /* MRC p15, 0, r2, c9, c12, 0 (PMCR) */
    r->v[0] = g_reg(g, 2);
    uint64_t pc = g_pc(g);
    r->st[1] = g_mcr(g, 15, 0, 9, 14, 0, 3, false); /* MCR PMUSERENR */
    r->v[1] = g_pc(g) - pc;
    g_set_reg(g, 4, 0x99);
    r->st[2] = g_mcr(g, 15, 0, 14, 8, 3, 4, true); /* MRC PMEVCNTR3 */
    r->v[2] = g_reg(g, 4);
    /* Not PMU: ACTLR (c1, c0, 1), answered RAZ/WI by sysreg.c, and a PMU
     * encoding with opc1 1, refused. */
    g_set_reg(g, 5, 0x77);
    r->st[3] = g_mcr(g, 15, 0, 1, 0, 1, 5, true);
    r->v[3] = g_reg(g, 5);
    r->st[4] = g_mcr(g, 15, 1, 9, 12, 0, 5, true);
    /* DBGDIDR (p14, 0, c0, c0, 0): a read is answered zero, a write (the
     * register is read-only) is refused. */
    g_set_reg(g, 6, 0x55);
    r->st[5] = g_mcr(g, 14, 0, 0, 0, 0, 6, true);
    r->v[5] = g_reg(g, 6);
    r->st[6] = g_mcr(g, 14, 0, 0, 0, 0, 6, false);
}

static void test_pmu_raz_wi_a32(void **state)
{
    (void)state;
    build(SIM_ARMV7, ISA_A32, guest_pmu_a32);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    assert_int_equal(F.res.st[0], SIM_OK);
    assert_int_equal(F.res.v[0], 0);
    assert_int_equal(F.res.st[1], SIM_OK);
    assert_int_equal(F.res.v[1], 4);
    assert_int_equal(F.res.st[2], SIM_OK);
    assert_int_equal(F.res.v[2], 0);
    assert_int_equal(F.res.st[3], SIM_OK);
    assert_int_equal(F.res.v[3], 0);
    assert_int_equal(F.res.st[4], SIM_UNDEF);
    assert_int_equal(F.res.st[5], SIM_OK);
    assert_int_equal(F.res.v[5], 0);
    assert_int_equal(F.res.st[6], SIM_UNDEF);
    assert_int_equal(F.vcpu->stats.pmu_raz_wi, 3);
    assert_int_equal(F.vcpu->stats.refused[REFUSE_SYSREG], 2);
}

static void guest_jumps_off_ram(struct sim_guest *g)
{
    struct res *r = RES(g);
    static const uint8_t ldr[4] = {0x02, 0x00, 0x40, 0xf9}; /* ldr x2, [x0] */
    g_set_pc(g, NOTHING);
    r->st[0] = g_exec(g, ldr, 4, RAM, false);
    r->exc[0] = g->last_exception;
    g_set_pc(g, RAM + 0x100);
}

static void test_iabt_refused(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_jumps_off_ram);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    assert_int_equal(F.res.st[0], SIM_ABORT);
    assert_int_equal(F.res.exc[0].type, SIM_EXC_IABT);
    assert_int_equal(F.res.exc[0].far, NOTHING);
    assert_int_equal(F.vcpu->stats.exits[EXIT_IABT], 1);
    assert_int_equal(F.vcpu->stats.refused[REFUSE_IABT], 1);
}

static void guest_nop(struct sim_guest *g)
{
    RES(g)->v[0] = g_smccc(g, 0x84000000u, 0, 0, 0);
}

static void test_irq_exit_resumes(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_nop);
    sim_vcpu_raise_irq(F.vcpu);
    assert_int_equal(vcpu_run_once(F.vcpu), RUN_CONTINUE);
    assert_int_equal(F.vcpu->stats.exits[EXIT_IRQ], 1);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    assert_int_equal(F.res.v[0], 0x10001);
}

static void guest_hammer(struct sim_guest *g)
{
    struct res *r = RES(g);
    for (unsigned i = 0; i < 20; i++)
        r->st[i] = g_str(g, 1, NOTHING + 4 * i, 4);
    g_wfi(g);
}

static void test_refusal_log_rate_limited(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_hammer);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    for (unsigned i = 0; i < 20; i++)
        assert_int_equal(F.res.st[i], SIM_ABORT);
    assert_int_equal(F.vcpu->stats.refused[REFUSE_NO_DEVICE], 20);
    const char *log = sim_console_text();
    assert_int_equal(count(log, "refused (no-device)"), 16);
    assert_int_equal(count(log, "further 'no-device' refusals"), 1);
    /* The log line names VM, vCPU, syndrome and addresses. */
    assert_non_null(strstr(log, "vm run: vcpu 0: refused (no-device): ec 0x24"));
    assert_non_null(strstr(log, "far 0xa000000 ipa 0xa000000"));

    sim_console_clear();
    vm_print_stats(F.vm);
    log = sim_console_text();
    assert_non_null(strstr(log, "armvisor: vm run: vcpu 0: 22 exits"));
    assert_non_null(strstr(log, "refused: no-device=20; injected: dabt=20 iabt=0 undef=0"));
    assert_non_null(strstr(log, exit_reason_name(EXIT_DABT)));
    assert_non_null(strstr(log, exit_reason_name(EXIT_WFI)));
}

/* ---- Conditional AArch32 traps ------------------------------------------ */

#define PSR_Z_FLAG (1ull << 30)
#define PSR_N_FLAG (1ull << 31)

static void guest_cond_mcr(struct sim_guest *g)
{
    struct res *r = RES(g);
    g_set_cpsr(g, g_cpsr(g) | PSR_Z_FLAG); /* Z=1: EQ passes, NE fails */
    g_set_reg(g, 2, 0x1234);
    uint64_t pc = g_pc(g);
    /* MRCNE p15, 0, r2, c1, c0, 0: fails its condition. */
    g_set_cond(g, 0x1);
    r->st[0] = g_mcr(g, 15, 0, 1, 0, 0, 2, true);
    r->exc[0] = g->last_exception;
    r->v[0] = g_pc(g) - pc;
    r->v[1] = g_reg(g, 2);
    /* MCREQ p15, 0, r2, c1, c0, 0: passes, so refused as any MCR is. */
    g_set_cond(g, 0x0);
    r->st[1] = g_mcr(g, 15, 0, 1, 0, 0, 2, false);
    r->exc[1] = g->last_exception;
}

/* ARMv7 A32: a trapped MRC whose condition fails is stepped over without
 * effect (no UNDEF, Rt kept); with a passing condition it is handled as
 * before (refused with an UNDEF). */
static void test_cond_failed_mcr_skipped(void **state)
{
    (void)state;
    build(SIM_ARMV7, ISA_A32, guest_cond_mcr);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    assert_int_equal(F.res.st[0], SIM_OK);
    assert_int_equal(F.res.exc[0].type, SIM_EXC_NONE);
    assert_int_equal(F.res.v[0], 4);
    assert_int_equal(F.res.v[1], 0x1234);
    assert_int_equal(F.res.st[1], SIM_UNDEF);
    assert_true(F.res.exc[1].by_vmm);
    assert_int_equal(F.vcpu->stats.exits[EXIT_SYSREG], 2);
    assert_int_equal(F.vcpu->stats.cond_failed, 1);
    assert_int_equal(F.vcpu->stats.refused[REFUSE_SYSREG], 1);
    const char *log = sim_console_text();
    assert_int_equal(count(log, "not emulated"), 1);
    assert_non_null(strstr(log, "MCR p15, 0, r2, c1, c0, 0"));
    assert_null(strstr(log, "MRC p15"));
    assert_null(strstr(log, "taken as passed"));

    sim_console_clear();
    vm_print_stats(F.vm);
    assert_non_null(strstr(sim_console_text(), "cond-failed=1"));
}

static void guest_cond_smc(struct sim_guest *g)
{
    struct res *r = RES(g);
    g_set_cpsr(g, g_cpsr(g) & ~PSR_N_FLAG); /* N=0: MI fails, PL passes */
    uint64_t pc = g_pc(g);
    g_set_reg(g, 0, 0x84000000u); /* PSCI_VERSION */
    g_set_cond(g, 0x4);           /* SMCMI #0 */
    r->st[0] = g_smc(g, 0);
    r->v[0] = g_reg(g, 0);
    r->v[1] = g_pc(g) - pc;
    g_set_cond(g, 0x5); /* SMCPL #0 */
    r->st[1] = g_smc(g, 0);
    r->v[2] = g_reg(g, 0);
}

/* AArch32 SMC on ARMv8 (EC 0x13 reports CV/COND): failing its condition it
 * is no call at all; passing, PSCI answers as before. */
static void test_cond_failed_smc_skipped(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A32, guest_cond_smc);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    assert_int_equal(F.res.st[0], SIM_OK);
    assert_int_equal(F.res.v[0], 0x84000000u); /* r0 untouched: no call made */
    assert_int_equal(F.res.v[1], 4);
    assert_int_equal(F.res.st[1], SIM_OK);
    assert_int_equal(F.res.v[2], 0x10001); /* PSCI 1.1 */
    assert_int_equal(F.vcpu->stats.exits[EXIT_SMC], 2);
    assert_int_equal(F.vcpu->stats.cond_failed, 1);
}

static void guest_cond_it_block(struct sim_guest *g)
{
    struct res *r = RES(g);
    /* Z=1 and an "ITE NE" block (ITSTATE 0x14): the first instruction
     * (NE) fails, the second (the "else", EQ) passes. */
    uint64_t cpsr = g_cpsr(g) & ~((0x3full << 10) | (0x3ull << 25));
    cpsr |= ((0x14ull >> 2) << 10) | ((0x14ull & 3) << 25) | PSR_Z_FLAG;
    g_set_cpsr(g, cpsr);
    uint64_t pc = g_pc(g);
    /* Reported with CV=0: the VMM must take NE from ITSTATE. */
    g_set_cond(g, SIM_COND_CV0);
    r->st[0] = g_mcr(g, 15, 0, 1, 0, 0, 3, false);
    r->v[0] = g_pc(g) - pc;
    r->v[1] = g_cpsr(g);
    /* Default: CV=1, COND=EQ from ITSTATE; it passes and is refused. */
    r->st[1] = g_mcr(g, 15, 0, 1, 0, 0, 3, false);
    r->v[2] = g_cpsr(g);
}

/* T32 IT block on ARMv7: CV=0 makes the VMM use ITSTATE's condition, and
 * the skip advances ITSTATE like the hardware would. */
static void test_cond_failed_in_it_block(void **state)
{
    (void)state;
    build(SIM_ARMV7, ISA_T32, guest_cond_it_block);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    assert_int_equal(F.res.st[0], SIM_OK);
    assert_int_equal(F.res.v[0], 4);
    /* ITSTATE advanced from 0x14 to 0x08 (the "else" instruction). */
    assert_int_equal(((F.res.v[1] >> 10) & 0x3f) << 2 | ((F.res.v[1] >> 25) & 3), 0x08);
    assert_int_equal(F.res.st[1], SIM_UNDEF);
    assert_int_equal(F.vcpu->stats.cond_failed, 1);
    assert_int_equal(F.vcpu->stats.refused[REFUSE_SYSREG], 1);
}

static void guest_cond_wfi(struct sim_guest *g)
{
    struct res *r = RES(g);
    g_set_cpsr(g, g_cpsr(g) & ~PSR_Z_FLAG); /* Z=0 */
    g_set_cond(g, 0x0);                     /* WFIEQ: fails */
    r->st[0] = g_wfi(g);
    g_set_cond(g, 0x1); /* WFINE: passes */
    r->st[1] = g_wfi(g);
}

/* A WFI that fails its condition does not wait: it is counted as failed,
 * not handed to the WFI handler (which would idle the vCPU). */
static void test_cond_failed_wfi(void **state)
{
    (void)state;
    build(SIM_ARMV7, ISA_A32, guest_cond_wfi);
    assert_int_equal(vcpu_run_once(F.vcpu), RUN_CONTINUE);
    assert_int_equal(F.vcpu->stats.cond_failed, 1);
    assert_int_equal(vcpu_run_once(F.vcpu), RUN_IDLE);
    assert_int_equal(F.vcpu->stats.cond_failed, 1);
    assert_int_equal(F.vcpu->stats.exits[EXIT_WFI], 2);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    assert_int_equal(F.res.st[0], SIM_OK);
    assert_int_equal(F.res.st[1], SIM_OK);
}

/* An AArch64 guest's traps are never conditional, whatever its flags. */
static void guest_a64_flags(struct sim_guest *g)
{
    g_set_cpsr(g, g_cpsr(g) | PSR_Z_FLAG);
    g_wfi(g);
}

static void test_a64_never_conditional(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_a64_flags);
    assert_int_equal(vcpu_run_once(F.vcpu), RUN_IDLE);
    assert_int_equal(F.vcpu->stats.cond_failed, 0);
    assert_int_equal(vcpu_run(F.vcpu), 0);
}

/* Livelock: the same refused load at the same PC, again and again (the
 * guest "retries" by branching back, as a vector that faults would). The
 * VM is stopped as crashed after VCPU_LIVELOCK_REPEATS, with exit code
 * VM_EXIT_LIVELOCK and a message; the guest would go on twice as long. */
static void guest_livelock(struct sim_guest *g)
{
    struct res *r = RES(g);
    uint64_t pc = g_pc(g);
    for (unsigned i = 0; i < 2 * VCPU_LIVELOCK_REPEATS; i++) {
        g_set_pc(g, pc);
        g_ldr(g, 1, NOTHING, 4);
        r->v[0]++;
    }
}

static void test_livelock_stops_vm(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_livelock);
    assert_int_equal(vcpu_run(F.vcpu), VM_EXIT_LIVELOCK);
    assert_int_equal(F.vm->state, VM_CRASHED);
    assert_int_equal(F.vcpu->stats.refused[REFUSE_NO_DEVICE], VCPU_LIVELOCK_REPEATS);
    const char *log = sim_console_text();
    assert_non_null(strstr(log, "vm run: vcpu 0: livelock: the same refused exit (ec 0x24"));
    assert_non_null(strstr(log, "far 0xa000000) at pc 0x40000000 4096 times in a row with no "
                                "other progress: VM stopped as crashed"));
}

/* Livelock with a period: a refused load and a refused store, retried in
 * turn for ever (a loop whose post-indexed store aborts, so its base never
 * moves on). No single exit repeats back to back, but the pair does. */
static void guest_livelock_pair(struct sim_guest *g)
{
    struct res *r = RES(g);
    uint64_t pc = g_pc(g);
    for (unsigned i = 0; i < 2 * VCPU_LIVELOCK_REPEATS; i++) {
        g_set_pc(g, pc);
        g_ldr(g, 1, NOTHING, 4);
        g_set_pc(g, pc + 16);
        g_str(g, 1, NOTHING + 64, 4);
        r->v[0]++;
    }
}

static void test_livelock_pair_stops_vm(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_livelock_pair);
    assert_int_equal(vcpu_run(F.vcpu), VM_EXIT_LIVELOCK);
    assert_int_equal(F.vm->state, VM_CRASHED);
    /* The first of the pair starts the run, each one after repeats. */
    assert_int_equal(F.vcpu->stats.refused[REFUSE_NO_DEVICE], VCPU_LIVELOCK_REPEATS + 1);
    assert_non_null(strstr(sim_console_text(), "livelock: the same refused exit"));
}

/* Not a livelock: the same refused load at the same PC with a hypercall
 * between (progress), or at a new address each time (a sweep). */
static void guest_busy_not_stuck(struct sim_guest *g)
{
    struct res *r = RES(g);
    uint64_t pc = g_pc(g);
    for (unsigned i = 0; i < VCPU_LIVELOCK_REPEATS + 10; i++) {
        g_set_pc(g, pc);
        g_ldr(g, 1, NOTHING, 4);
        r->v[0] += g_smccc(g, AV_HVC_PING, i, 0, 0) == AV_HVC_MAGIC;
    }
    for (unsigned i = 0; i < VCPU_LIVELOCK_REPEATS + 10; i++) {
        g_set_pc(g, pc);
        g_ldr(g, 1, NOTHING + 4 * (i % 1024), 4);
        g_set_pc(g, pc);
        g_ldr(g, 1, NOTHING + 4 * (i % 1024) + 8, 4);
    }
}

static void test_progress_is_not_livelock(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_busy_not_stuck);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    assert_int_equal(F.vm->state, VM_OFF);
    assert_int_equal(F.res.v[0], VCPU_LIVELOCK_REPEATS + 10);
    assert_int_equal(F.vcpu->stats.refused[REFUSE_NO_DEVICE], 3 * (VCPU_LIVELOCK_REPEATS + 10));
    assert_null(strstr(sim_console_text(), "livelock"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_wfi_wfe_a64, teardown),
        cmocka_unit_test_teardown(test_wfi_t32_is_16bit, teardown),
        cmocka_unit_test_teardown(test_sysreg_refused_a64, teardown),
        cmocka_unit_test_teardown(test_sysreg_refused_a32, teardown),
        cmocka_unit_test_teardown(test_pmu_raz_wi_a64, teardown),
        cmocka_unit_test_teardown(test_pmu_raz_wi_a32, teardown),
        cmocka_unit_test_teardown(test_iabt_refused, teardown),
        cmocka_unit_test_teardown(test_irq_exit_resumes, teardown),
        cmocka_unit_test_teardown(test_refusal_log_rate_limited, teardown),
        cmocka_unit_test_teardown(test_cond_failed_mcr_skipped, teardown),
        cmocka_unit_test_teardown(test_cond_failed_smc_skipped, teardown),
        cmocka_unit_test_teardown(test_cond_failed_in_it_block, teardown),
        cmocka_unit_test_teardown(test_cond_failed_wfi, teardown),
        cmocka_unit_test_teardown(test_a64_never_conditional, teardown),
        cmocka_unit_test_teardown(test_livelock_stops_vm, teardown),
        cmocka_unit_test_teardown(test_livelock_pair_stops_vm, teardown),
        cmocka_unit_test_teardown(test_progress_is_not_livelock, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
