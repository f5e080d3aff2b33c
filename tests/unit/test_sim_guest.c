/*
 * The sim's guest CPU end to end, with the test thread playing the VMM by
 * hand (no core run loop): guest operation -> stage-2 walk of tables built by
 * stage2_map -> exit record with the syndrome -> the "VMM" emulates, injects
 * or refuses -> the guest sees the result.
 *
 * Expected syndromes are assembled from the Arm ARM field positions written
 * out here as literals (ARMv8-A ARM D13.2.37 ESR_EL2 and its ISS sections,
 * ARMv7-A ARM B3.13.6 HSR), not from the headers the sim uses.
 *
 * Guest functions run on their own thread: they only record what they see;
 * the asserts are made here, in the test thread.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/virt_layout.h"
#include "arch/sim/sim.h"
#include "arch/sim/sim_guest.h"
#include "core/stage2.h"
#include "core/vm.h"

#define RAM_IPA  VIRT_RAM_BASE
#define MMIO_IPA 0x09000000ull
#define SIM_MEM  (64ull << 20)

/* EC[31:26] IL[25] ISS[24:0] */
#define SYN(ec, il, iss) (((uint32_t)(ec) << 26) | ((uint32_t)(il) << 25) | (uint32_t)(iss))

static struct vm vm;
static struct vcpu *vcpu;
static paddr_t ram_pa;

static void setup_vm(enum sim_profile p, unsigned ipa_bits)
{
    sim_reset(p, SIM_MEM);
    memset(&vm, 0, sizeof(vm));
    struct stage2_format fmt;
    assert_true(arch_stage2_format(ipa_bits, &fmt));
    assert_int_equal(stage2_init(&vm.stage2, &fmt, 3), S2_OK);
    vm.nvcpus = 1;
    vcpu = &vm.vcpus[0];
    vcpu->vm = &vm;
    /* 16 pages of RAM at RAM_IPA, read/write/execute. */
    ram_pa = arch_page_alloc(16);
    assert_true(ram_pa != 0);
    assert_int_equal(stage2_map(&vm.stage2, RAM_IPA, ram_pa, 16 * PAGE_SIZE, S2_RWX), S2_OK);
}

static void start(enum vcpu_isa isa, sim_guest_fn fn, void *arg)
{
    struct vcpu_boot boot = {.isa = isa, .pc = RAM_IPA, .regs = {0x11, 0x22, 0x33, 0x44}};
    assert_int_equal(arch_vcpu_init(vcpu, &boot), 0);
    assert_int_equal(sim_vcpu_set_guest(vcpu, fn, arg), 0);
}

static struct arch_exit run(void)
{
    struct arch_exit e;
    arch_vcpu_run(vcpu, &e);
    assert_int_equal(e.kind, ARCH_EXIT_TRAP);
    return e;
}

/* The guest returned: the sim powers off with PSCI SYSTEM_OFF through HVC. */
static void expect_system_off(void)
{
    struct arch_exit e = run();
    bool v7 = sim_profile() == SIM_ARMV7;
    bool a32 = arch_vcpu_isa(vcpu) != ISA_A64;
    assert_int_equal(e.syndrome, SYN(v7 || a32 ? 0x12 : 0x16, 1, 0));
    assert_int_equal(arch_vcpu_reg_read(vcpu, 0), 0x84000008u);
    assert_true(sim_vcpu_guest_done(vcpu));
}

static int teardown(void **state)
{
    sim_reset(SIM_ARMV8, SIM_MEM); /* also stops guest threads */
    return 0;
}

/* ---- HVC round trip -------------------------------------------------------- */

struct rec {
    int st[8];
    uint64_t v[8];
    uint64_t pc[8];
};

static void guest_hvc(struct sim_guest *g)
{
    struct rec *r = g->arg;
    r->v[0] = g_reg(g, 0); /* boot argument */
    r->pc[0] = g_pc(g);
    g_set_reg(g, 0, 0x86000000u);
    g_set_reg(g, 1, 0x1234);
    g_set_reg(g, 2, 0xfeed);
    g_set_reg(g, 3, 0xbeef);
    r->st[0] = g_hvc(g, 0x5a5);
    r->v[1] = g_reg(g, 0);
    r->v[2] = g_reg(g, 1);
    r->pc[1] = g_pc(g);
}

static void test_hvc_round_trip_v8(void **state)
{
    struct rec r = {0};
    setup_vm(SIM_ARMV8, 0);
    start(ISA_A64, guest_hvc, &r);
    struct arch_exit e = run();
    assert_int_equal(e.fmt, SYNDROME_V8_ESR);
    /* HVC64: EC 0x16, IL 1, ISS = imm16. */
    assert_int_equal(e.syndrome, SYN(0x16, 1, 0x5a5));
    assert_false(e.ipa_valid);
    assert_int_equal(arch_vcpu_reg_read(vcpu, 0), 0x86000000u);
    assert_int_equal(arch_vcpu_reg_read(vcpu, 1), 0x1234);
    assert_int_equal(arch_vcpu_reg_read(vcpu, 2), 0xfeed);
    assert_int_equal(arch_vcpu_reg_read(vcpu, 3), 0xbeef);
    /* ELR for HVC is the next instruction. */
    assert_int_equal(arch_vcpu_pc(vcpu), RAM_IPA + 4);
    arch_vcpu_reg_write(vcpu, 0, 0x41564d31u);
    arch_vcpu_reg_write(vcpu, 1, ~0x1234ull);
    expect_system_off();
    assert_int_equal(r.v[0], 0x11);
    assert_int_equal(r.pc[0], RAM_IPA);
    assert_int_equal(r.st[0], SIM_OK);
    assert_int_equal(r.v[1], 0x41564d31u);
    assert_int_equal(r.v[2], ~0x1234ull);
    assert_int_equal(r.pc[1], RAM_IPA + 4);
}

static void test_hvc_round_trip_v7(void **state)
{
    struct rec r = {0};
    setup_vm(SIM_ARMV7, 0);
    start(ISA_A32, guest_hvc, &r);
    struct arch_exit e = run();
    assert_int_equal(e.fmt, SYNDROME_V7_HSR);
    /* HVC: EC 0x12, IL 1, ISS = imm16. */
    assert_int_equal(e.syndrome, SYN(0x12, 1, 0x5a5));
    assert_int_equal(arch_vcpu_reg_read(vcpu, 1), 0x1234);
    /* r15 reads as the current instruction + 8 in A32. */
    assert_int_equal(arch_vcpu_reg_read(vcpu, 15), RAM_IPA + 4 + 8);
    arch_vcpu_reg_write(vcpu, 0, 0x1122334455667788ull); /* 32-bit register */
    expect_system_off();
    assert_int_equal(r.v[1], 0x55667788u);
}

/* An ARMv7 CPU has no AArch64. */
static void test_v7_refuses_a64(void **state)
{
    setup_vm(SIM_ARMV7, 0);
    struct vcpu_boot boot = {.isa = ISA_A64, .pc = RAM_IPA};
    assert_int_equal(arch_vcpu_init(vcpu, &boot), -1);
}

/* ---- Loads and stores ------------------------------------------------------ */

static void guest_ram(struct sim_guest *g)
{
    struct rec *r = g->arg;
    g_set_reg(g, 3, 0x1122334455667788ull);
    r->st[0] = g_str(g, 3, RAM_IPA + 0x2000, 8);
    r->st[1] = g_ldr(g, 4, RAM_IPA + 0x2004, 4);
    r->v[0] = g_reg(g, 4);
    g_set_reg(g, 5, 0x80);
    r->st[2] = g_str(g, 5, RAM_IPA + 0x3001, 1);
    r->st[3] = g_ldrs(g, 6, RAM_IPA + 0x3001, 1);
    r->v[1] = g_reg(g, 6);
    r->pc[0] = g_pc(g);
}

/* Loads/stores that do not fault go to the RAM the VMM mapped: the bytes
 * show up at the host PA behind the IPA, with no exit. */
static void test_ram_access_through_stage2(void **state)
{
    struct rec r = {0};
    setup_vm(SIM_ARMV8, 0);
    start(ISA_A64, guest_ram, &r);
    expect_system_off();
    assert_int_equal(r.st[0], SIM_OK);
    assert_int_equal(r.st[1], SIM_OK);
    assert_int_equal(r.v[0], 0x11223344u);
    assert_int_equal(r.v[1], 0xffffffffffffff80ull);
    assert_int_equal(r.pc[0], RAM_IPA + 16);
    const uint8_t *host = arch_pa_to_va(ram_pa + 0x2000);
    assert_int_equal(host[0], 0x88);
    assert_int_equal(host[7], 0x11);
    assert_int_equal(((const uint8_t *)arch_pa_to_va(ram_pa + 0x3001))[0], 0x80);
    assert_int_equal(sim_vcpu_guest(vcpu)->traps, 1); /* only SYSTEM_OFF */
}

static void guest_mmio(struct sim_guest *g)
{
    struct rec *r = g->arg;
    r->st[0] = g_ldr(g, 5, MMIO_IPA + 0x18, 4);
    r->v[0] = g_reg(g, 5);
    r->pc[0] = g_pc(g);
    g_set_reg(g, 7, 0xa5a5a5a5deadbeefull);
    r->st[1] = g_str(g, 7, MMIO_IPA + 0x20, 8);
    r->st[2] = g_ldrs(g, 9, MMIO_IPA + 0x22, 2);
    r->v[1] = g_reg(g, 9);
}

/* Emulated MMIO: ISV=1 syndromes field by field, the VMM's result lands in
 * the register, and the PC moves only because the VMM skips. */
static void test_mmio_emulated_v8(void **state)
{
    struct rec r = {0};
    setup_vm(SIM_ARMV8, 0);
    start(ISA_A64, guest_mmio, &r);

    struct arch_exit e = run();
    /* DABT_LOW 0x24, IL 1, ISV, SAS=2 (word), SRT=5, SF=0, WnR=0, DFSC:
     * translation fault. In the 48-bit table RAM (0x40000000) and MMIO
     * (0x09000000) share the level-0 entry but not the level-1 one (index 1
     * vs 0), so the walk stops at level 1: DFSC 0b000101. */
    assert_int_equal(e.syndrome, SYN(0x24, 1, (1u << 24) | (2u << 22) | (5u << 16) | 0x05));
    assert_int_equal(e.far, MMIO_IPA + 0x18);
    assert_true(e.ipa_valid);
    assert_int_equal(e.ipa, MMIO_IPA + 0x18);
    assert_int_equal(arch_vcpu_pc(vcpu), RAM_IPA);
    arch_vcpu_reg_write(vcpu, 5, 0xcafe);
    arch_vcpu_skip_insn(vcpu, 4);

    e = run();
    /* STR X7: SAS=3, SRT=7, SF=1, WnR=1. */
    assert_int_equal(
        e.syndrome,
        SYN(0x24, 1, (1u << 24) | (3u << 22) | (7u << 16) | (1u << 15) | (1u << 6) | 0x05));
    assert_int_equal(arch_vcpu_reg_read(vcpu, 7), 0xa5a5a5a5deadbeefull);
    arch_vcpu_skip_insn(vcpu, 4);

    e = run();
    /* LDRSH X9: SAS=1, SSE, SRT=9, SF=1. */
    assert_int_equal(
        e.syndrome,
        SYN(0x24, 1, (1u << 24) | (1u << 22) | (1u << 21) | (9u << 16) | (1u << 15) | 0x05));
    arch_vcpu_reg_write(vcpu, 9, 0xffffffffffff8001ull);
    arch_vcpu_skip_insn(vcpu, 4);

    expect_system_off();
    assert_int_equal(r.st[0], SIM_OK);
    assert_int_equal(r.v[0], 0xcafe);
    assert_int_equal(r.pc[0], RAM_IPA + 4);
    assert_int_equal(r.st[1], SIM_OK);
    assert_int_equal(r.st[2], SIM_OK);
    assert_int_equal(r.v[1], 0xffffffffffff8001ull);
}

static void guest_mmio_a32(struct sim_guest *g)
{
    struct rec *r = g->arg;
    g_set_reg(g, 13, 0x40001000); /* SP_svc */
    r->st[0] = g_str(g, 13, MMIO_IPA + 4, 4);
    g_set_reg(g, 12, 0x77);
    r->st[1] = g_ldrs(g, 12, MMIO_IPA + 1, 1);
    r->v[0] = g_reg(g, 12);
}

/* ARMv7 HSR: SRT is the register number of the current mode, 4 bits, no SF.
 * The 40-bit table starts at level 1 and has only RAM's level-2 table, so
 * the MMIO IPA faults at level 1: DFSC 0b000101. */
static void test_mmio_emulated_v7(void **state)
{
    struct rec r = {0};
    setup_vm(SIM_ARMV7, 0);
    start(ISA_A32, guest_mmio_a32, &r);
    struct arch_exit e = run();
    assert_int_equal(e.fmt, SYNDROME_V7_HSR);
    assert_int_equal(e.syndrome,
                     SYN(0x24, 1, (1u << 24) | (2u << 22) | (13u << 16) | (1u << 6) | 0x05));
    assert_int_equal(arch_vcpu_reg_read(vcpu, 13), 0x40001000);
    assert_int_equal(arch_vcpu_sp_read(vcpu), 0x40001000);
    arch_vcpu_skip_insn(vcpu, 4);
    e = run();
    assert_int_equal(e.syndrome,
                     SYN(0x24, 1, (1u << 24) | (0u << 22) | (1u << 21) | (12u << 16) | 0x05));
    arch_vcpu_reg_write(vcpu, 12, 0xffffff80u);
    arch_vcpu_skip_insn(vcpu, 4);
    expect_system_off();
    assert_int_equal(r.v[0], 0xffffff80u);
}

/* ARMv8 with an AArch32 guest: SRT is given in the AArch64 view, so SP_svc
 * (r13 in SVC mode) is X19 (ARMv8-A ARM D1.20.1). */
static void test_mmio_a32_on_v8_srt_view(void **state)
{
    struct rec r = {0};
    setup_vm(SIM_ARMV8, 40);
    start(ISA_A32, guest_mmio_a32, &r);
    struct arch_exit e = run();
    assert_int_equal(e.fmt, SYNDROME_V8_ESR);
    assert_int_equal((e.syndrome >> 16) & 0x1f, 19);
    assert_int_equal(e.syndrome & (1u << 15), 0); /* SF=0: 32-bit register */
    assert_int_equal(arch_vcpu_reg_read(vcpu, 19), 0x40001000);
    arch_vcpu_skip_insn(vcpu, 4);
    e = run();
    assert_int_equal((e.syndrome >> 16) & 0x1f, 12);
    arch_vcpu_skip_insn(vcpu, 4);
    expect_system_off();
}

/* ---- Injection and the PC ------------------------------------------------- */

static void guest_refused(struct sim_guest *g)
{
    struct rec *r = g->arg;
    r->pc[0] = g_pc(g);
    r->st[0] = g_ldr(g, 1, MMIO_IPA, 4);
    r->pc[1] = g_pc(g);
    r->st[1] = g_sysreg(g, 3, 0, 15, 2, 0, 2, true);
    r->pc[2] = g_pc(g);
}

/* A refused access: the VMM injects without skipping; the guest takes the
 * abort on the faulting instruction (ELR = its PC) and its handler moves on. */
static void test_inject_dabt_and_undef(void **state)
{
    struct rec r = {0};
    setup_vm(SIM_ARMV8, 0);
    start(ISA_A64, guest_refused, &r);
    run();
    arch_vcpu_inject_dabt(vcpu, MMIO_IPA);
    struct arch_exit e = run();
    /* MRS X2, S3_0_C15_C2_0: EC 0x18, Op0[21:20]=3, Op2[19:17]=0,
     * Op1[16:14]=0, CRn[13:10]=15, Rt[9:5]=2, CRm[4:1]=2, Direction=1. */
    assert_int_equal(e.syndrome,
                     SYN(0x18, 1, (3u << 20) | (15u << 10) | (2u << 5) | (2u << 1) | 1u));
    struct sim_exception ex = sim_vcpu_guest(vcpu)->last_exception;
    assert_int_equal(ex.type, SIM_EXC_DABT);
    assert_true(ex.by_vmm);
    assert_int_equal(ex.far, MMIO_IPA);
    assert_int_equal(ex.elr, RAM_IPA);
    assert_false(ex.pc_moved);
    arch_vcpu_inject_undef(vcpu);
    expect_system_off();
    ex = sim_vcpu_guest(vcpu)->last_exception;
    assert_int_equal(ex.type, SIM_EXC_UNDEF);
    assert_int_equal(ex.elr, RAM_IPA + 4);
    assert_int_equal(ex.count, 2);
    assert_int_equal(r.st[0], SIM_ABORT);
    assert_int_equal(r.st[1], SIM_UNDEF);
    assert_int_equal(r.pc[1], RAM_IPA + 4);
    assert_int_equal(r.pc[2], RAM_IPA + 8);
}

/* A VMM that skips and then injects (or the reverse) is caught. */
static void test_skip_with_inject_is_visible(void **state)
{
    struct rec r = {0};
    setup_vm(SIM_ARMV8, 0);
    start(ISA_A64, guest_refused, &r);
    run();
    arch_vcpu_skip_insn(vcpu, 4);
    arch_vcpu_inject_dabt(vcpu, MMIO_IPA);
    run();
    assert_int_equal(sim_vcpu_guest(vcpu)->last_exception.elr, RAM_IPA + 4); /* not RAM_IPA */
    arch_vcpu_inject_undef(vcpu);
    arch_vcpu_skip_insn(vcpu, 4);
    expect_system_off();
    assert_true(sim_vcpu_guest(vcpu)->last_exception.pc_moved);
}

static void guest_retry(struct sim_guest *g)
{
    struct rec *r = g->arg;
    r->st[0] = g_ldr(g, 2, 0x50000000, 8);
    r->v[0] = g_reg(g, 2);
    r->pc[0] = g_pc(g);
}

/* Resumed with neither skip nor injection, the guest re-executes: a VMM that
 * maps the page on demand sees the access complete from RAM. */
static void test_reexecute_after_lazy_map(void **state)
{
    struct rec r = {0};
    setup_vm(SIM_ARMV8, 0);
    start(ISA_A64, guest_retry, &r);
    run();
    run(); /* re-executed: same fault again */
    assert_int_equal(sim_vcpu_guest(vcpu)->traps, 2);
    paddr_t pa = arch_page_alloc(1);
    *(uint64_t *)arch_pa_to_va(pa) = 0x0102030405060708ull;
    assert_int_equal(stage2_map(&vm.stage2, 0x50000000, pa, PAGE_SIZE, S2_RW), S2_OK);
    expect_system_off();
    assert_int_equal(r.st[0], SIM_OK);
    assert_int_equal(r.v[0], 0x0102030405060708ull);
    assert_int_equal(r.pc[0], RAM_IPA + 4);
}

/* ---- ISV=0: the instruction is in guest memory --------------------------- */

static void guest_ldp(struct sim_guest *g)
{
    struct rec *r = g->arg;
    /* LDP X1, X2, [X0, #16]  = 0xa9410801 */
    static const uint8_t ldp[4] = {0x01, 0x08, 0x41, 0xa9};
    g_set_reg(g, 0, MMIO_IPA);
    r->st[0] = g_exec(g, ldp, 4, MMIO_IPA + 16, false);
    r->v[0] = g_reg(g, 1);
    r->v[1] = g_reg(g, 2);
    /* The same in RAM does not trap: the sim cannot run what it does not
     * decode, and says so. */
    r->st[1] = g_exec(g, ldp, 4, RAM_IPA + 0x2000, false);
}

static void test_isv0_exec(void **state)
{
    struct rec r = {0};
    setup_vm(SIM_ARMV8, 0);
    start(ISA_A64, guest_ldp, &r);
    struct arch_exit e = run();
    /* ISV=0: only IL (RES1), WnR=0 and the DFSC. */
    assert_int_equal(e.syndrome, SYN(0x24, 1, 0x05));
    assert_int_equal(e.far, MMIO_IPA + 16);
    assert_int_equal(e.ipa, MMIO_IPA + 16);
    /* The instruction is where the PC says, reachable through stage 2. */
    assert_int_equal(arch_vcpu_pc(vcpu), RAM_IPA);
    ipa_t ipa;
    assert_true(arch_vcpu_va_to_ipa(vcpu, arch_vcpu_pc(vcpu), &ipa));
    struct stage2_walk w;
    assert_true(stage2_walk(&vm.stage2, ipa, &w));
    assert_int_equal(*(uint32_t *)arch_pa_to_va(w.pa), 0xa9410801u);
    arch_vcpu_reg_write(vcpu, 1, 111);
    arch_vcpu_reg_write(vcpu, 2, 222);
    arch_vcpu_skip_insn(vcpu, 4);
    expect_system_off();
    assert_int_equal(r.st[0], SIM_OK);
    assert_int_equal(r.v[0], 111);
    assert_int_equal(r.v[1], 222);
    assert_int_equal(r.st[1], SIM_NOT_SIMULATED);
}

static void guest_exec_nx(struct sim_guest *g)
{
    static const uint8_t nop[4] = {0x1f, 0x20, 0x03, 0xd5};
    struct rec *r = g->arg;
    g_set_pc(g, 0x60000000);
    r->st[0] = g_exec(g, nop, 4, MMIO_IPA, true);
}

/* Fetching from an XN page: instruction abort, IFSC permission fault level
 * 3 (0b001111); FAR = PC. */
static void test_exec_from_xn(void **state)
{
    struct rec r = {0};
    setup_vm(SIM_ARMV8, 0);
    paddr_t pa = arch_page_alloc(1);
    assert_int_equal(stage2_map(&vm.stage2, 0x60000000, pa, PAGE_SIZE, S2_RW), S2_OK);
    start(ISA_A64, guest_exec_nx, &r);
    struct arch_exit e = run();
    assert_int_equal(e.syndrome, SYN(0x20, 1, 0x0f));
    assert_int_equal(e.far, 0x60000000);
    assert_int_equal(e.ipa, 0x60000000);
    arch_vcpu_inject_iabt(vcpu, 0x60000000);
    expect_system_off();
    assert_int_equal(r.st[0], SIM_ABORT);
    assert_int_equal(sim_vcpu_guest(vcpu)->last_exception.type, SIM_EXC_IABT);
}

/* ---- Other traps ------------------------------------------------------------ */

static void guest_misc_t32(struct sim_guest *g)
{
    struct rec *r = g->arg;
    r->st[0] = g_wfi(g);
    r->pc[0] = g_pc(g);
    /* IT block "ITE NE" after the IT instruction: ITSTATE = 0x14
     * (firstcond NE 0b0001, mask 0b0100: 'E' is the inverse of firstcond[0],
     * then the terminating 1); the first instruction runs with cond NE. */
    uint64_t cpsr = g_cpsr(g) & ~((0x3full << 10) | (0x3ull << 25));
    cpsr |= ((0x14ull >> 2) << 10) | ((0x14ull & 3) << 25);
    g_set_cpsr(g, cpsr);
    r->st[1] = g_wfe(g);
    r->v[0] = g_cpsr(g);
    r->st[2] = g_mcr(g, 15, 0, 1, 0, 0, 3, true);
    r->v[1] = g_reg(g, 3);
}

/* T32 on ARMv7: WFI is a 16-bit instruction (IL=0); in an IT block COND is
 * the block's condition; skip_insn advances ITSTATE. MRC p15 fields. */
static void test_t32_wfx_it_and_mrc(void **state)
{
    struct rec r = {0};
    setup_vm(SIM_ARMV7, 0);
    start(ISA_T32, guest_misc_t32, &r);
    assert_int_equal(arch_vcpu_isa(vcpu), ISA_T32);
    struct arch_exit e = run();
    /* WFI: EC 0x01, IL 0, CV=1, COND=0xE, TI=0. */
    assert_int_equal(e.syndrome, SYN(0x01, 0, (1u << 24) | (0xeu << 20)));
    arch_vcpu_skip_insn(vcpu, 2);
    e = run();
    /* WFE in the IT block: COND=NE (1), TI=1. */
    assert_int_equal(e.syndrome, SYN(0x01, 0, (1u << 24) | (0x1u << 20) | 1u));
    arch_vcpu_skip_insn(vcpu, 2);
    e = run();
    /* MRC p15, 0, r3, c1, c0, 0 (SCTLR): EC 0x03, CV, COND = EQ (0): the
     * second instruction of ITE NE is the "else", its condition EQ.
     * Opc2[19:17]=0, Opc1[16:14]=0, CRn[13:10]=1, Rt[8:5]=3, CRm[4:1]=0,
     * Direction=1 (read). */
    assert_int_equal(e.syndrome,
                     SYN(0x03, 1, (1u << 24) | (0x0u << 20) | (1u << 10) | (3u << 5) | 1u));
    arch_vcpu_reg_write(vcpu, 3, 0x00c50078);
    arch_vcpu_skip_insn(vcpu, 4);
    expect_system_off();
    assert_int_equal(r.st[0], SIM_OK);
    assert_int_equal(r.pc[0], RAM_IPA + 2);
    /* ITSTATE advanced from 0x14 to 0x08 (IT[4:0] shifted left): the
     * "else" instruction, condition EQ. */
    assert_int_equal(((r.v[0] >> 10) & 0x3f) << 2 | ((r.v[0] >> 25) & 3), 0x08);
    assert_int_equal(r.v[1], 0x00c50078);
}

static void guest_smc(struct sim_guest *g)
{
    struct rec *r = g->arg;
    r->st[0] = g_smc(g, 0x77);
    r->pc[0] = g_pc(g);
    r->st[1] = g_wfi(g);
}

/* SMC traps with the PC on it (HCR.TSC): the VMM skips it; WFI from A64 has
 * CV=1, COND=0xE. */
static void test_smc_and_wfi_v8(void **state)
{
    struct rec r = {0};
    setup_vm(SIM_ARMV8, 0);
    start(ISA_A64, guest_smc, &r);
    struct arch_exit e = run();
    assert_int_equal(e.syndrome, SYN(0x17, 1, 0x77));
    assert_int_equal(arch_vcpu_pc(vcpu), RAM_IPA);
    arch_vcpu_skip_insn(vcpu, 4);
    e = run();
    assert_int_equal(e.syndrome, SYN(0x01, 1, (1u << 24) | (0xeu << 20)));
    arch_vcpu_skip_insn(vcpu, 4);
    expect_system_off();
    assert_int_equal(r.pc[0], RAM_IPA + 4);
}

static void guest_banked(struct sim_guest *g)
{
    struct rec *r = g->arg;
    g_set_reg(g, 13, 0x1000); /* SP_svc */
    g_set_reg(g, 8, 0x8888);
    g_set_cpsr(g, (g_cpsr(g) & ~0x1full) | 0x12); /* IRQ mode */
    g_set_reg(g, 13, 0x2000);                     /* SP_irq */
    r->v[0] = g_reg(g, 8);
    g_set_cpsr(g, (g_cpsr(g) & ~0x1full) | 0x11); /* FIQ mode: r8 banked */
    r->v[1] = g_reg(g, 8);
    g_set_cpsr(g, (g_cpsr(g) & ~0x1full) | 0x13);
    r->v[2] = g_reg(g, 13);
    g_set_cpsr(g, (g_cpsr(g) & ~0x1full) | 0x1a); /* Hyp: not a guest mode */
    r->v[3] = g_cpsr(g) & 0x1f;
}

static void test_a32_banked_registers(void **state)
{
    struct rec r = {0};
    setup_vm(SIM_ARMV7, 0);
    start(ISA_A32, guest_banked, &r);
    expect_system_off();
    assert_int_equal(r.v[0], 0x8888);
    assert_int_equal(r.v[1], 0);
    assert_int_equal(r.v[2], 0x1000);
    assert_int_equal(r.v[3], 0x13);
}

static void guest_be(struct sim_guest *g)
{
    g_set_big_endian(g, true);
    g_set_reg(g, 1, 0x11223344);
    g_str(g, 1, RAM_IPA + 0x1000, 4);
    g_str(g, 1, MMIO_IPA, 4);
}

/* Big-endian data: RAM gets the bytes in BE order; MMIO exits leave the
 * register as is and arch_vcpu_data_be tells the VMM to swap. */
static void test_big_endian(void **state)
{
    setup_vm(SIM_ARMV8, 0);
    start(ISA_A64, guest_be, NULL);
    run();
    assert_true(arch_vcpu_data_be(vcpu));
    assert_int_equal(arch_vcpu_reg_read(vcpu, 1), 0x11223344);
    const uint8_t *p = arch_pa_to_va(ram_pa + 0x1000);
    assert_int_equal(p[0], 0x11);
    assert_int_equal(p[3], 0x44);
    arch_vcpu_skip_insn(vcpu, 4);
    expect_system_off();
}

static void guest_misaligned(struct sim_guest *g)
{
    struct rec *r = g->arg;
    r->st[0] = g_ldr(g, 1, RAM_IPA + 2, 4);
    r->st[1] = g_ldr(g, 1, 1ull << 48, 4);
}

/* With the guest MMU off, a misaligned access is an Alignment fault and an
 * address beyond the PA range an Address size fault, both taken by the guest
 * at EL1: no exit. */
static void test_stage1_faults_stay_in_guest(void **state)
{
    struct rec r = {0};
    setup_vm(SIM_ARMV8, 0);
    start(ISA_A64, guest_misaligned, &r);
    expect_system_off();
    assert_int_equal(r.st[0], SIM_ABORT);
    assert_int_equal(r.st[1], SIM_ABORT);
    struct sim_guest *g = sim_vcpu_guest(vcpu);
    assert_false(g->last_exception.by_vmm);
    assert_int_equal(g->last_exception.far, 1ull << 48);
    assert_int_equal(g->traps, 1);
}

/* ---- IRQ exits, teardown ----------------------------------------------------- */

static void guest_wfi_loop(struct sim_guest *g)
{
    for (;;)
        g_wfi(g);
}

static void test_irq_exit_and_reset_with_blocked_guest(void **state)
{
    setup_vm(SIM_ARMV8, 0);
    start(ISA_A64, guest_wfi_loop, NULL);
    run();
    sim_vcpu_raise_irq(vcpu);
    struct arch_exit e;
    arch_vcpu_run(vcpu, &e);
    assert_int_equal(e.kind, ARCH_EXIT_IRQ);
    assert_int_equal(arch_vcpu_pc(vcpu), RAM_IPA); /* the guest did not move */
    arch_vcpu_skip_insn(vcpu, 4);
    run();
    assert_int_equal(arch_vcpu_pc(vcpu), RAM_IPA + 4);
    /* The guest thread is blocked in a trap: sim_reset must end it. */
    sim_reset(SIM_ARMV8, SIM_MEM);
    assert_null(sim_vcpu_guest(vcpu));
}

/* Entry-point binding for VMs created by the core (vm_launch). */
static void guest_nothing(struct sim_guest *g)
{
    (void)g;
}

static void test_guest_at_entry(void **state)
{
    setup_vm(SIM_ARMV8, 0);
    sim_guest_at(RAM_IPA, guest_nothing, NULL);
    struct vcpu_boot boot = {.isa = ISA_A64, .pc = RAM_IPA};
    assert_int_equal(arch_vcpu_init(vcpu, &boot), 0);
    expect_system_off();
}

/* A VMM that resumes a guest after its SYSTEM_OFF is refused: the sim
 * reports it and aborts (checked in a child process). */
static void test_resume_after_system_off_aborts(void **state)
{
#if defined(__arm__) || defined(__aarch64__)
    /* The ARM builds of this test run under qemu-user 7.2, whose fork (like
     * its pthread_create) hangs or crashes for dynamically linked programs. */
    skip();
#endif
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setup_vm(SIM_ARMV8, 0);
        start(ISA_A64, guest_nothing, NULL);
        struct arch_exit e;
        arch_vcpu_run(vcpu, &e); /* SYSTEM_OFF */
        arch_vcpu_run(vcpu, &e); /* must not come back */
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
}

/* ---- A stage-1 hook (guest MMU on) ------------------------------------------ */

#define S1_VA 0xffff000000000000ull

static bool s1_offset(void *ctx, uint64_t va, ipa_t *ipa)
{
    /* Maps [S1_VA, S1_VA + 1 GiB) to IPA [0, 1 GiB); nothing else. */
    if (va - S1_VA >= (1ull << 30))
        return false;
    *ipa = va - S1_VA;
    return true;
}

static void guest_s1(struct sim_guest *g)
{
    struct rec *r = g->arg;
    r->st[0] = g_ldr(g, 1, S1_VA + MMIO_IPA + 8, 4);
    r->st[1] = g_ldr(g, 1, 0x1000, 4); /* not mapped by the guest's tables */
}

/* FAR is the VA, the IPA is stage 1's output; a VA the guest's own tables do
 * not map is the guest's own fault (no exit); arch_vcpu_va_to_ipa uses it. */
static void test_stage1_hook(void **state)
{
    struct rec r = {0};
    setup_vm(SIM_ARMV8, 0);
    start(ISA_A64, guest_s1, &r);
    sim_vcpu_set_s1(vcpu, s1_offset, NULL);
    struct arch_exit e = run();
    assert_int_equal(e.far, S1_VA + MMIO_IPA + 8);
    assert_int_equal(e.ipa, MMIO_IPA + 8);
    ipa_t ipa = 0;
    assert_true(arch_vcpu_va_to_ipa(vcpu, S1_VA + 0x1234, &ipa));
    assert_int_equal(ipa, 0x1234);
    assert_false(arch_vcpu_va_to_ipa(vcpu, 0x1234, &ipa));
    arch_vcpu_skip_insn(vcpu, 4);
    /* The guest fetches nothing here, so the PC (an IPA-looking 0x40000000)
     * needs no mapping through the hook. */
    expect_system_off();
    assert_int_equal(r.st[0], SIM_OK);
    assert_int_equal(r.st[1], SIM_ABORT);
    assert_false(sim_vcpu_guest(vcpu)->last_exception.by_vmm);
    assert_int_equal(sim_vcpu_guest(vcpu)->last_exception.far, 0x1000);
}

static void guest_t16_ldr(struct sim_guest *g)
{
    struct rec *r = g->arg;
    /* LDRH r2, [r1, #6]: a 16-bit T32 encoding. */
    struct sim_access a = {.va = MMIO_IPA + 6, .size = 2, .rt = 2, .len = 2};
    r->st[0] = g_access(g, &a);
    r->pc[0] = g_pc(g);
    r->v[0] = g_reg(g, 2);
}

/* A 16-bit T32 load: HSR.IL = 0, and the VMM's 2-byte skip is what moves
 * the PC. */
static void test_t16_dabt_il(void **state)
{
    struct rec r = {0};
    setup_vm(SIM_ARMV7, 0);
    start(ISA_T32, guest_t16_ldr, &r);
    struct arch_exit e = run();
    assert_int_equal(e.syndrome, SYN(0x24, 0, (1u << 24) | (1u << 22) | (2u << 16) | 0x05));
    arch_vcpu_reg_write(vcpu, 2, 0xbeef);
    arch_vcpu_skip_insn(vcpu, 2);
    expect_system_off();
    assert_int_equal(r.st[0], SIM_OK);
    assert_int_equal(r.pc[0], RAM_IPA + 2);
    assert_int_equal(r.v[0], 0xbeef);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_hvc_round_trip_v8, teardown),
        cmocka_unit_test_teardown(test_hvc_round_trip_v7, teardown),
        cmocka_unit_test_teardown(test_v7_refuses_a64, teardown),
        cmocka_unit_test_teardown(test_ram_access_through_stage2, teardown),
        cmocka_unit_test_teardown(test_mmio_emulated_v8, teardown),
        cmocka_unit_test_teardown(test_mmio_emulated_v7, teardown),
        cmocka_unit_test_teardown(test_mmio_a32_on_v8_srt_view, teardown),
        cmocka_unit_test_teardown(test_inject_dabt_and_undef, teardown),
        cmocka_unit_test_teardown(test_skip_with_inject_is_visible, teardown),
        cmocka_unit_test_teardown(test_reexecute_after_lazy_map, teardown),
        cmocka_unit_test_teardown(test_isv0_exec, teardown),
        cmocka_unit_test_teardown(test_exec_from_xn, teardown),
        cmocka_unit_test_teardown(test_t32_wfx_it_and_mrc, teardown),
        cmocka_unit_test_teardown(test_smc_and_wfi_v8, teardown),
        cmocka_unit_test_teardown(test_a32_banked_registers, teardown),
        cmocka_unit_test_teardown(test_big_endian, teardown),
        cmocka_unit_test_teardown(test_stage1_faults_stay_in_guest, teardown),
        cmocka_unit_test_teardown(test_irq_exit_and_reset_with_blocked_guest, teardown),
        cmocka_unit_test_teardown(test_guest_at_entry, teardown),
        cmocka_unit_test_teardown(test_stage1_hook, teardown),
        cmocka_unit_test_teardown(test_t16_dabt_il, teardown),
        cmocka_unit_test_teardown(test_resume_after_system_off_aborts, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
