/*
 * The PMU a vCPU is given (core/vpmu.c) on the sim's PMU model (sim_pmu.c:
 * counters that advance with the guest's g_spin only, an overflow
 * interrupt on SIM_PIRQ_PMU): what the guest reads and writes through the
 * trapped registers (PMCR.N, masks, NSH never set, counters beyond PMCR.N
 * and write-only / read-only registers refused), the ID registers and the
 * guest DTB advertising a PMU only when there is one, and the overflow
 * interrupt as the vCPU's PPI 23: taken, held while the guest's overflow
 * flag is set, let go when it clears it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/sim/sim.h"
#include "core/board.h"
#include "core/hvc.h"
#include "core/pmu_regs.h"
#include "core/vgic.h"
#include "core/virt_layout.h"
#include "core/vm.h"
#include "core/vpmu.h"
#include "helpers/unit_gic.h"
#include "helpers/unit_vm.h"
#include "lib/fdt.h"

#define RAM       VIRT_RAM_BASE
#define NCOUNTERS 4
#define PMUVER_V3 (1ull << 8) /* ID_AA64DFR0_EL1.PMUVer = 1 */

/* A64 encodings (op0 3): op1, CRn, CRm, op2. */
#define PMCR       3, 9, 12, 0
#define PMCNTENSET 3, 9, 12, 1
#define PMOVSCLR   3, 9, 12, 3
#define PMSWINC    3, 9, 12, 4
#define PMSELR     3, 9, 12, 5
#define PMCEID0    3, 9, 12, 6
#define PMCCNTR    3, 9, 13, 0
#define PMXEVTYPER 3, 9, 13, 1
#define PMXEVCNTR  3, 9, 13, 2
#define PMUSERENR  3, 9, 14, 0
#define PMINTENSET 0, 9, 14, 1
#define PMCCFILTR  3, 14, 15, 7
#define PMEVCNTR3  3, 14, 8, 3
#define PMEVCNTR4  3, 14, 8, 4
#define PMEVTYPER1 3, 14, 12, 1

static struct vm *vm;

/* A VM with a vGIC on a sim host whose PMU has n event counters (-1: none)
 * and whose ID_AA64DFR0_EL1 says PMUv3 either way. */
static void build(int n)
{
    sim_reset(SIM_ARMV8, 64ull << 20);
    sim_console_clear();
    sim_set_pmu_counters(n);
    sim_set_id_reg(5, 0, PMUVER_V3);
    vm = vm_create("pmu", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM, 1ull << 20, S2_RWX), 0);
    assert_int_equal(vgic_attach(vm, 32, VIRT_GICD_BASE), 0);
    assert_int_equal(board_add_devices(vm), 0);
}

static void run(sim_guest_fn fn, void *arg)
{
    assert_int_equal(sim_vcpu_set_guest(&vm->vcpus[0], fn, arg), 0);
    struct vcpu_boot boot = {.isa = ISA_A64, .pc = RAM};
    assert_int_equal(vcpu_start(vm, 0, &boot), 0);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
}

static int teardown(void **state)
{
    (void)state;
    unit_vm_destroy(&vm);
    return 0;
}

static uint64_t mrs(struct sim_guest *g, unsigned op1, unsigned crn, unsigned crm, unsigned op2,
                    enum sim_status *st)
{
    g_set_reg(g, 5, 0xdead);
    enum sim_status s = g_sysreg(g, 3, op1, crn, crm, op2, 5, true);
    if (st)
        *st = s;
    return g_reg(g, 5);
}

static enum sim_status msr(struct sim_guest *g, unsigned op1, unsigned crn, unsigned crm,
                           unsigned op2, uint64_t v)
{
    g_set_reg(g, 6, v);
    return g_sysreg(g, 3, op1, crn, crm, op2, 6, false);
}

/* ---- Registers ---------------------------------------------------------------- */

struct regs_res {
    uint64_t dfr0, pmcr, ccntr_spin, ccntr_after_hvc, ccfiltr, ccntr_p, evtyper, cnten;
    enum sim_status evcntr3, evcntr4, xev_beyond, swinc_read, ceid_write, selr31_cnt;
    uint64_t userenr;
};

static void guest_regs(struct sim_guest *g)
{
    struct regs_res *r = g->arg;
    r->dfr0 = mrs(g, 0, 0, 5, 0, NULL); /* ID_AA64DFR0_EL1 */
    r->pmcr = mrs(g, PMCR, NULL);
    msr(g, PMCNTENSET, ~0ull); /* only the counters there are stick */
    r->cnten = mrs(g, PMCNTENSET, NULL);
    msr(g, PMCR, PMCR_E | PMCR_C | PMCR_LC | PMCR_X);
    g_spin(g, 100); /* 1600 cycles */
    r->ccntr_spin = mrs(g, PMCCNTR, NULL);
    for (unsigned i = 0; i < 10; i++)
        g_smccc(g, AV_HVC_PING, 0, 0, 0);
    r->ccntr_after_hvc = mrs(g, PMCCNTR, NULL);
    /* Ask for EL2 counting, every filter bit and an event: NSH and M read
     * back 0, the event number is 10 bits. */
    msr(g, PMCCFILTR, ~0ull);
    r->ccfiltr = mrs(g, PMCCFILTR, NULL);
    msr(g, PMCCFILTR, PMEVTYPER_P);
    g_spin(g, 100);
    r->ccntr_p = mrs(g, PMCCNTR, NULL);
    msr(g, PMEVTYPER1, ~0ull);
    r->evtyper = mrs(g, PMEVTYPER1, NULL);
    mrs(g, PMEVCNTR3, &r->evcntr3);
    mrs(g, PMEVCNTR4, &r->evcntr4); /* N = 4: counters 0-3 */
    msr(g, PMSELR, NCOUNTERS);
    mrs(g, PMXEVCNTR, &r->xev_beyond);
    msr(g, PMSELR, PMU_CYCLE_IDX);
    mrs(g, PMXEVCNTR, &r->selr31_cnt); /* the cycle counter has no PMXEVCNTR */
    mrs(g, PMSWINC, &r->swinc_read);
    r->ceid_write = msr(g, PMCEID0, 0);
    msr(g, PMUSERENR, ~0ull);
    r->userenr = mrs(g, PMUSERENR, NULL);
}

static void test_registers(void **state)
{
    (void)state;
    build(NCOUNTERS);
    struct regs_res r;
    memset(&r, 0, sizeof(r));
    run(guest_regs, &r);
    assert_int_equal(r.dfr0 & 0xf00, PMUVER_V3);
    assert_int_equal((r.pmcr >> PMCR_N_SHIFT) & PMCR_N_MASK, NCOUNTERS);
    assert_int_equal(r.cnten, PMU_CYCLE_BIT | ((1u << NCOUNTERS) - 1));
    assert_int_equal(r.ccntr_spin, 100 * SIM_PMU_CYCLES_PER_TICK);
    assert_int_equal(r.ccntr_after_hvc, r.ccntr_spin); /* exits count nothing */
    assert_int_equal(r.ccfiltr, PMEVTYPER_P | PMEVTYPER_U | PMEVTYPER_NSK | PMEVTYPER_NSU);
    assert_int_equal(r.ccntr_p, r.ccntr_after_hvc); /* P: EL1 not counted */
    assert_int_equal(r.evtyper, PMEVTYPER_P | PMEVTYPER_U | PMEVTYPER_NSK | PMEVTYPER_NSU |
                                    PMEVTYPER_EVT_MASK);
    assert_int_equal(r.evcntr3, SIM_OK);
    assert_int_equal(r.evcntr4, SIM_UNDEF);
    assert_int_equal(r.xev_beyond, SIM_UNDEF);
    assert_int_equal(r.selr31_cnt, SIM_UNDEF);
    assert_int_equal(r.swinc_read, SIM_UNDEF);
    assert_int_equal(r.ceid_write, SIM_UNDEF);
    assert_int_equal(r.userenr, PMUSERENR_MASK);
    assert_int_equal(vm->vcpus[0].stats.refused[REFUSE_SYSREG], 5);
    assert_int_equal(vm->vcpus[0].stats.pmu_raz_wi, 0);
    assert_int_equal(vm->vcpus[0].stats.pmu_accesses, 17);
}

/* PMSWINC steps a counter counting SW_INCR; PMCR.P resets the event
 * counters, PMCR.C the cycle counter; AArch64 reads of PMCR show N, not P
 * or C. */
struct swinc_res {
    uint64_t after_inc, after_p, ccntr_after_c, pmcr;
};

static void guest_swinc(struct sim_guest *g)
{
    struct swinc_res *r = g->arg;
    msr(g, PMSELR, 2);
    msr(g, PMXEVTYPER, PMU_EVT_SW_INCR);
    msr(g, PMCNTENSET, (1u << 2) | PMU_CYCLE_BIT);
    msr(g, PMCR, PMCR_E);
    for (unsigned i = 0; i < 3; i++)
        msr(g, PMSWINC, 1u << 2);
    r->after_inc = mrs(g, PMXEVCNTR, NULL);
    g_spin(g, 10);
    msr(g, PMCR, PMCR_E | PMCR_P);
    r->after_p = mrs(g, PMXEVCNTR, NULL);
    msr(g, PMCR, PMCR_E | PMCR_C);
    r->ccntr_after_c = mrs(g, PMCCNTR, NULL);
    r->pmcr = mrs(g, PMCR, NULL);
}

static void test_swinc_and_resets(void **state)
{
    (void)state;
    build(NCOUNTERS);
    struct swinc_res r;
    memset(&r, 0, sizeof(r));
    run(guest_swinc, &r);
    assert_int_equal(r.after_inc, 3);
    assert_int_equal(r.after_p, 0);
    assert_int_equal(r.ccntr_after_c, 0);
    assert_int_equal(r.pmcr & (PMCR_P | PMCR_C | PMCR_X), 0);
    assert_int_equal(r.pmcr & PMCR_E, PMCR_E);
}

/* AArch32 forms (MRC/MCR p15): the 32-bit PMCCNTR writes bits 31:0 and
 * keeps the rest; PMINTENSET and PMOVSR in c9; APSR_nzcv (Rt 15) refused. */
struct a32_res {
    uint64_t ccntr_low, inten;
    enum sim_status pc_form;
};

static void guest_a32(struct sim_guest *g)
{
    struct a32_res *r = g->arg;
    g_set_reg(g, 1, PMU_CYCLE_BIT);
    g_mcr(g, 15, 0, 9, 12, 1, 1, false); /* PMCNTENSET */
    g_set_reg(g, 1, PMCR_E);
    g_mcr(g, 15, 0, 9, 12, 0, 1, false); /* PMCR */
    g_spin(g, 1ull << 28);               /* 2^32 cycles */
    g_set_reg(g, 2, 5);
    g_mcr(g, 15, 0, 9, 13, 0, 2, false); /* MCR PMCCNTR */
    g_mcr(g, 15, 0, 9, 13, 0, 3, true);  /* MRC PMCCNTR */
    r->ccntr_low = g_reg(g, 3);
    g_set_reg(g, 1, 1u << 2);
    g_mcr(g, 15, 0, 9, 14, 1, 1, false); /* PMINTENSET */
    g_mcr(g, 15, 0, 9, 14, 1, 4, true);
    r->inten = g_reg(g, 4);
    r->pc_form = g_mcr(g, 15, 0, 9, 12, 0, 15, true); /* MRC to APSR_nzcv */
}

static void test_registers_a32(void **state)
{
    (void)state;
    build(NCOUNTERS);
    struct a32_res r;
    memset(&r, 0, sizeof(r));
    assert_int_equal(sim_vcpu_set_guest(&vm->vcpus[0], guest_a32, &r), 0);
    struct vcpu_boot boot = {.isa = ISA_A32, .pc = RAM};
    assert_int_equal(vcpu_start(vm, 0, &boot), 0);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_int_equal(r.ccntr_low, 5);
    assert_int_equal(sim_vcpu_pmu_cycles(&vm->vcpus[0]), (1ull << 32) | 5);
    assert_int_equal(r.inten, 1u << 2);
    assert_int_equal(r.pc_form, SIM_UNDEF);
}

/* ---- The overflow interrupt ----------------------------------------------- */

struct irq_res {
    uint32_t iar1, iar2, iar_after, iar3;
    uint64_t ovs_in_handler;
    bool line_after_clear;
};

static void guest_overflow(struct sim_guest *g)
{
    struct irq_res *r = g->arg;
    ug_gicd_wr(g, UG_GICD_CTLR, 4, 1);
    ug_gicd_wr(g, UG_GICD_ISENABLER, 4, 1u << VGIC_PPI_PMU);
    msr(g, PMCCNTR, 0xffffffffull - 100); /* LC clear: overflow out of bit 31 */
    msr(g, PMINTENSET, PMU_CYCLE_BIT);
    msr(g, PMCNTENSET, PMU_CYCLE_BIT);
    msr(g, PMCR, PMCR_E);
    g_spin(g, 10); /* 160 cycles: overflows, the IRQ exit comes */
    r->iar1 = g_irq_ack(g);
    r->ovs_in_handler = mrs(g, PMOVSCLR, NULL);
    /* Not cleared yet: EOI, and it is taken again (level). */
    g_irq_eoi(g, r->iar1);
    r->iar2 = g_irq_ack(g);
    msr(g, PMOVSCLR, PMU_CYCLE_BIT);
    g_irq_eoi(g, r->iar2);
    r->iar_after = g_irq_ack(g);
    r->line_after_clear = vm->vgic->cpu[0].priv[VGIC_PPI_PMU].line;
    /* Another overflow: the host interrupt was let go, so it comes again. */
    msr(g, PMCCNTR, 0xffffffffull - 100);
    g_spin(g, 10);
    r->iar3 = g_irq_ack(g);
    msr(g, PMOVSCLR, PMU_CYCLE_BIT);
    g_irq_eoi(g, r->iar3);
}

static void test_overflow_irq(void **state)
{
    (void)state;
    build(NCOUNTERS);
    struct irq_res r;
    memset(&r, 0, sizeof(r));
    run(guest_overflow, &r);
    assert_int_equal(r.iar1, VGIC_PPI_PMU);
    assert_int_equal(r.ovs_in_handler, PMU_CYCLE_BIT);
    assert_int_equal(r.iar2, VGIC_PPI_PMU);
    assert_int_equal(r.iar_after, SIM_SPURIOUS_IRQ);
    assert_false(r.line_after_clear);
    assert_int_equal(r.iar3, VGIC_PPI_PMU);
}

/* ---- No PMU to give ------------------------------------------------------- */

struct none_res {
    uint64_t dfr0, pmcr, ccntr;
};

static void guest_none(struct sim_guest *g)
{
    struct none_res *r = g->arg;
    r->dfr0 = mrs(g, 0, 0, 5, 0, NULL);
    msr(g, PMCNTENSET, PMU_CYCLE_BIT);
    msr(g, PMCR, PMCR_E);
    g_spin(g, 100);
    r->pmcr = mrs(g, PMCR, NULL);
    r->ccntr = mrs(g, PMCCNTR, NULL);
}

static void test_no_pmu(void **state)
{
    (void)state;
    build(-1);
    struct none_res r;
    memset(&r, 0, sizeof(r));
    run(guest_none, &r);
    assert_int_equal(r.dfr0 & 0xf00, 0); /* not advertised */
    assert_int_equal(r.pmcr, 0);
    assert_int_equal(r.ccntr, 0);
    assert_int_equal(vm->vcpus[0].stats.pmu_raz_wi, 4);
}

/* The guest DTB: /pmu blanked with FDT_NOP tokens without a PMU to give,
 * left alone with one; its neighbours stay readable. */
static uint32_t put_be(uint8_t *p, uint32_t off, uint32_t v)
{
    p[off] = (uint8_t)(v >> 24);
    p[off + 1] = (uint8_t)(v >> 16);
    p[off + 2] = (uint8_t)(v >> 8);
    p[off + 3] = (uint8_t)v;
    return off + 4;
}

/* / { pmu { x = <1>; }; psci { }; }; with the one string "x". */
static uint32_t tiny_dtb(uint8_t *b)
{
    memset(b, 0, 256);
    uint32_t s = 56, o = s;
    o = put_be(b, o, 1); /* BEGIN_NODE "" */
    o = put_be(b, o, 0);
    o = put_be(b, o, 1); /* BEGIN_NODE "pmu" */
    memcpy(b + o, "pmu", 4);
    o += 4;
    o = put_be(b, o, 3); /* PROP x, 4 bytes */
    o = put_be(b, o, 4);
    o = put_be(b, o, 0);
    o = put_be(b, o, 1);
    o = put_be(b, o, 2); /* END_NODE */
    o = put_be(b, o, 1); /* BEGIN_NODE "psci" */
    memcpy(b + o, "psci", 5);
    o += 8;
    o = put_be(b, o, 2);
    o = put_be(b, o, 2); /* END_NODE (root) */
    o = put_be(b, o, 9); /* END */
    uint32_t str = o;
    memcpy(b + str, "x", 2);
    uint32_t total = str + 2;
    put_be(b, 0, FDT_MAGIC);
    put_be(b, 4, total);
    put_be(b, 8, s);
    put_be(b, 12, str);
    put_be(b, 16, 40);
    put_be(b, 20, 17);
    put_be(b, 24, 16);
    put_be(b, 32, 2);
    put_be(b, 36, o - s);
    return total;
}

static void check_dtb(int counters, bool pmu_kept)
{
    build(counters);
    uint8_t blob[256], copy[256];
    uint32_t size = tiny_dtb(blob);
    ipa_t at = RAM + 0x8000;
    assert_true(vm_copy_to_guest(vm, at, blob, size));
    vpmu_guest_dtb(vm, blob, size, at);
    assert_true(vm_copy_from_guest(vm, copy, at, size));
    struct fdt f;
    assert_int_equal(fdt_init(&f, copy, size), 0);
    assert_int_equal(fdt_path_offset(&f, "/pmu") >= 0, pmu_kept);
    assert_true(fdt_path_offset(&f, "/psci") >= 0);
    unit_vm_destroy(&vm);
}

static void test_dtb_pmu_node(void **state)
{
    (void)state;
    check_dtb(-1, false);
    check_dtb(NCOUNTERS, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_registers, teardown),
        cmocka_unit_test_teardown(test_swinc_and_resets, teardown),
        cmocka_unit_test_teardown(test_registers_a32, teardown),
        cmocka_unit_test_teardown(test_overflow_irq, teardown),
        cmocka_unit_test_teardown(test_no_pmu, teardown),
        cmocka_unit_test_teardown(test_dtb_pmu_node, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
