/*
 * The vCPU run loop and its exit handlers on sim guests: WFI/WFE completed
 * past the instruction, trapped system registers and instruction aborts
 * refused with the matching exception, physical-IRQ exits, refusal logs
 * rate-limited, statistics printed by reason name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/sim/sim.h"
#include "core/vm.h"

#define RAM     0x40000000ull
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
    sim_reset(p, 64ull << 20);
    sim_console_clear();
    memset(&F.res, 0, sizeof(F.res));
    F.vm = vm_create("run", 1, 0);
    assert_non_null(F.vm);
    F.vcpu = &F.vm->vcpus[0];
    assert_int_equal(vm_add_ram(F.vm, RAM, 1ull << 20, S2_RWX), 0);
    assert_int_equal(sim_vcpu_set_guest(F.vcpu, fn, &F.res), 0);
    struct vcpu_boot boot = {.isa = isa, .pc = RAM};
    assert_int_equal(vcpu_start(F.vm, 0, &boot), 0);
}

static int teardown(void **state)
{
    (void)state;
    if (F.vm)
        vm_destroy(F.vm);
    F.vm = NULL;
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
    assert_non_null(strstr(log, "refused: no-device=20"));
    assert_non_null(strstr(log, exit_reason_name(EXIT_DABT)));
    assert_non_null(strstr(log, exit_reason_name(EXIT_WFI)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_wfi_wfe_a64, teardown),
        cmocka_unit_test_teardown(test_wfi_t32_is_16bit, teardown),
        cmocka_unit_test_teardown(test_sysreg_refused_a64, teardown),
        cmocka_unit_test_teardown(test_sysreg_refused_a32, teardown),
        cmocka_unit_test_teardown(test_iabt_refused, teardown),
        cmocka_unit_test_teardown(test_irq_exit_resumes, teardown),
        cmocka_unit_test_teardown(test_refusal_log_rate_limited, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
