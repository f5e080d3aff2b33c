/*
 * The sim's stage-2 MMU and TLB: walks of tables built by stage2_map (pages,
 * 2 MiB and 1 GiB blocks, the three table formats), the fault status codes
 * of every fault kind in both syndrome formats, walks of hand-built tables
 * for encodings the engine never writes, and the TLB's behaviour on
 * invalidation.
 *
 * Descriptor bits and DFSC values are literals from the Arm ARM (ARMv8-A ARM
 * D5.3.1, D13.2.37; ARMv7-A ARM B3.6.1, B3.13.6): valid bit 0, table bit 1,
 * S2AP 7:6, AF 10, XN 54; DFSC translation 0b0001LL, access flag 0b0010LL,
 * permission 0b0011LL, address size 0b0000LL, external abort on walk
 * 0b0101LL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/sim/sim.h"
#include "arch/sim/sim_guest.h"
#include "core/stage2.h"
#include "core/vm.h"

#define SIM_MEM          (64ull << 20)
#define G1               0x40000000ull
#define M2               0x200000ull
#define SYN(ec, il, iss) (((uint32_t)(ec) << 26) | ((uint32_t)(il) << 25) | (uint32_t)(iss))

#define D_VALID  (1ull << 0)
#define D_TABLE  (1ull << 1)
#define D_S2AP_R (1ull << 6)
#define D_S2AP_W (1ull << 7)
#define D_AF     (1ull << 10)
#define D_XN     (1ull << 54)
#define D_NORMAL (0xfull << 2) /* MemAttr Normal WB */

struct fmt_case {
    enum sim_profile profile;
    unsigned ipa_bits;
};
static const struct fmt_case V7_40 = {SIM_ARMV7, 40};
static const struct fmt_case V8_40 = {SIM_ARMV8, 40};
static const struct fmt_case V8_48 = {SIM_ARMV8, 48};

static struct vm vm;

static int setup(void **state)
{
    const struct fmt_case *fc = *state;
    sim_reset(fc->profile, SIM_MEM);
    memset(&vm, 0, sizeof(vm));
    struct stage2_format fmt;
    assert_true(arch_stage2_format(fc->ipa_bits, &fmt));
    assert_int_equal(stage2_init(&vm.stage2, &fmt, 7), S2_OK);
    vm.nvcpus = 1;
    vm.vcpus[0].vm = &vm;
    return 0;
}

static int teardown(void **state)
{
    sim_reset(SIM_ARMV8, SIM_MEM);
    return 0;
}

static struct sim_s2_result lookup(ipa_t ipa, enum sim_s2_acc acc, bool expect_ok)
{
    struct sim_s2_result r;
    bool ok = sim_s2_lookup(&vm.stage2, ipa, acc, &r);
    assert_int_equal(ok, expect_ok);
    return r;
}

/* ---- Translation through engine-built tables -------------------------------- */

static void test_page_and_blocks(void **state)
{
    /* A 1 GiB block (IPA and PA 1 GiB aligned: SIM_PHYS_BASE is), a 2 MiB
     * block and a page; the output of each is its PA plus the offset. */
    assert_int_equal(stage2_map(&vm.stage2, G1, SIM_PHYS_BASE, G1, S2_RW), S2_OK);
    assert_int_equal(stage2_map(&vm.stage2, 3 * G1 + 5 * M2, SIM_PHYS_BASE + 2 * M2, M2, S2_READ),
                     S2_OK);
    paddr_t pg = arch_page_alloc(1);
    assert_int_equal(stage2_map(&vm.stage2, 3 * G1 + 0x7000, pg, PAGE_SIZE, S2_RW), S2_OK);

    struct sim_s2_result r = lookup(G1 + 0x123456, SIM_S2_WRITE, true);
    assert_int_equal(r.level, 1);
    assert_int_equal(r.pa, SIM_PHYS_BASE + 0x123456);
    r = lookup(3 * G1 + 5 * M2 + 0x1ffff8, SIM_S2_READ, true);
    assert_int_equal(r.level, 2);
    assert_int_equal(r.pa, SIM_PHYS_BASE + 2 * M2 + 0x1ffff8);
    r = lookup(3 * G1 + 0x7abc, SIM_S2_READ, true);
    assert_int_equal(r.level, 3);
    assert_int_equal(r.pa, pg + 0xabc);
    /* Second time from the TLB, same answer. */
    r = lookup(3 * G1 + 0x7abc, SIM_S2_READ, true);
    assert_true(r.tlb_hit);
    assert_int_equal(r.pa, pg + 0xabc);
    /* Neighbours are not mapped: translation fault at level 3 (the level-3
     * table exists) for the page next door. */
    r = lookup(3 * G1 + 0x8000, SIM_S2_READ, false);
    assert_int_equal(r.fault, SIM_FAULT_TRANSLATION);
    assert_int_equal(r.level, 3);
    assert_int_equal(sim_fault_fsc(r.fault, r.level), 0x07);
}

/* Permission faults: write to a read-only 2 MiB block, execute from XN. */
static void test_permission_faults(void **state)
{
    assert_int_equal(stage2_map(&vm.stage2, 3 * G1, SIM_PHYS_BASE, M2, S2_READ), S2_OK);
    struct sim_s2_result r = lookup(3 * G1 + 8, SIM_S2_WRITE, false);
    assert_int_equal(r.fault, SIM_FAULT_PERMISSION);
    assert_int_equal(r.level, 2);
    assert_int_equal(sim_fault_fsc(r.fault, r.level), 0x0e);
    r = lookup(3 * G1 + 8, SIM_S2_EXEC, false);
    assert_int_equal(sim_fault_fsc(r.fault, r.level), 0x0e);
    lookup(3 * G1 + 8, SIM_S2_READ, true);
}

/* Out of the IPA range: stage-2 translation fault, level 0 on ARMv8, level
 * 1 on ARMv7 LPAE. The 48-bit table's start-level entry for 1 << 40 is
 * empty: level 0. */
static void test_ipa_range(void **state)
{
    unsigned bits = vm.stage2.fmt.ipa_bits;
    struct sim_s2_result r = lookup(1ull << bits, SIM_S2_READ, false);
    assert_int_equal(r.fault, SIM_FAULT_TRANSLATION);
    assert_int_equal(sim_fault_fsc(r.fault, r.level), sim_profile() == SIM_ARMV7 ? 0x05 : 0x04);
    r = lookup((1ull << bits) - PAGE_SIZE, SIM_S2_READ, false);
    assert_int_equal(r.fault, SIM_FAULT_TRANSLATION);
    assert_int_equal(r.level, vm.stage2.fmt.start_level);
}

/* ---- Guest faults in both syndrome formats ------------------------------------ */

struct rec {
    int st[4];
};

static void guest_write_ro(struct sim_guest *g)
{
    struct rec *r = g->arg;
    g_set_reg(g, 2, 0x5a);
    r->st[0] = g_str(g, 2, 0x40000010, 4);
    r->st[1] = g_ldr(g, 3, 0x40000010, 4);
}

/* A store to a read-only page exits with a permission fault at level 3
 * (DFSC 0b001111), WnR=1; the load from the same page does not exit. */
static void test_guest_permission_fault_syndrome(void **state)
{
    struct rec rec = {0};
    paddr_t pa = arch_page_alloc(1);
    assert_int_equal(stage2_map(&vm.stage2, 0x40000000, pa, PAGE_SIZE, S2_READ | S2_EXEC), S2_OK);
    struct vcpu *vcpu = &vm.vcpus[0];
    struct vcpu_boot boot = {.isa = sim_profile() == SIM_ARMV7 ? ISA_A32 : ISA_A64,
                             .pc = 0x40000000};
    assert_int_equal(arch_vcpu_init(vcpu, &boot), 0);
    assert_int_equal(sim_vcpu_set_guest(vcpu, guest_write_ro, &rec), 0);
    struct arch_exit e;
    arch_vcpu_run(vcpu, &e);
    /* ISV, SAS=2, SRT=2, WnR, DFSC 0x0f; same bits in HSR and ESR_EL2 here. */
    assert_int_equal(e.syndrome,
                     SYN(0x24, 1, (1u << 24) | (2u << 22) | (2u << 16) | (1u << 6) | 0x0f));
    assert_int_equal(e.fmt, sim_profile() == SIM_ARMV7 ? SYNDROME_V7_HSR : SYNDROME_V8_ESR);
    assert_int_equal(e.far, 0x40000010);
    assert_int_equal(e.ipa, 0x40000010);
    assert_true(e.ipa_valid);
    arch_vcpu_inject_dabt(vcpu, e.far);
    arch_vcpu_run(vcpu, &e); /* SYSTEM_OFF */
    assert_int_equal(arch_vcpu_reg_read(vcpu, 0), 0x84000008u);
    assert_int_equal(rec.st[0], SIM_ABORT);
    assert_int_equal(rec.st[1], SIM_OK);
}

/* ---- Hand-built tables: encodings the engine does not write ------------------ */

/* A 48-bit table built by hand: L0[0] -> L1; L1[1] -> L2; L2[0] -> L3. */
static uint64_t *l1, *l2, *l3;
static struct stage2 hand;

static void build_hand_table(void)
{
    struct stage2_format fmt;
    assert_true(arch_stage2_format(48, &fmt));
    paddr_t p0 = arch_page_alloc(1), p1 = arch_page_alloc(1), p2 = arch_page_alloc(1),
            p3 = arch_page_alloc(1);
    uint64_t *l0 = arch_pa_to_va(p0);
    l1 = arch_pa_to_va(p1);
    l2 = arch_pa_to_va(p2);
    l3 = arch_pa_to_va(p3);
    l0[0] = p1 | D_TABLE | D_VALID;
    l1[1] = p2 | D_TABLE | D_VALID;
    l2[0] = p3 | D_TABLE | D_VALID;
    hand = (struct stage2){.fmt = fmt, .root = p0, .vmid = 9};
}

static enum sim_fault hand_fault(ipa_t ipa, unsigned *level)
{
    struct sim_s2_result r;
    bool ok = sim_s2_lookup(&hand, ipa, SIM_S2_READ, &r);
    *level = r.level;
    return ok ? SIM_FAULT_NONE : r.fault;
}

static void test_hand_built_encodings(void **state)
{
    build_hand_table();
    paddr_t data = arch_page_alloc(1);
    unsigned level;

    /* A good page. */
    l3[0] = data | D_AF | D_S2AP_R | D_NORMAL | D_TABLE | D_VALID;
    assert_int_equal(hand_fault(G1, &level), SIM_FAULT_NONE);
    /* AF clear: access flag fault, level 3 (DFSC 0b001011). */
    l3[1] = data | D_S2AP_R | D_NORMAL | D_TABLE | D_VALID;
    assert_int_equal(hand_fault(G1 + 0x1000, &level), SIM_FAULT_ACCESS_FLAG);
    assert_int_equal(sim_fault_fsc(SIM_FAULT_ACCESS_FLAG, level), 0x0b);
    /* Level-3 descriptor 0b01 is reserved: translation fault level 3. */
    l3[2] = data | D_AF | D_S2AP_R | D_VALID;
    assert_int_equal(hand_fault(G1 + 0x2000, &level), SIM_FAULT_TRANSLATION);
    assert_int_equal(level, 3);
    /* No block at level 0 with a 4 KiB granule: translation fault level 0. */
    uint64_t *l0 = arch_pa_to_va(hand.root);
    l0[1] = 0 | D_AF | D_S2AP_R | D_VALID;
    assert_int_equal(hand_fault(1ull << 39, &level), SIM_FAULT_TRANSLATION);
    assert_int_equal(level, 0);
    /* A table pointer to memory that does not exist: synchronous external
     * abort on the level-2 walk (DFSC 0b010110). */
    l1[2] = 0x10000000ull | D_TABLE | D_VALID;
    assert_int_equal(hand_fault(2 * G1, &level), SIM_FAULT_EXT_WALK);
    assert_int_equal(sim_fault_fsc(SIM_FAULT_EXT_WALK, level), 0x16);
    /* A 2 MiB block at level 2 from the hand table. */
    l2[1] = (SIM_PHYS_BASE + M2) | D_AF | D_S2AP_R | D_VALID;
    struct sim_s2_result r;
    assert_true(sim_s2_lookup(&hand, G1 + M2 + 0x10, SIM_S2_READ, &r));
    assert_int_equal(r.pa, SIM_PHYS_BASE + M2 + 0x10);
    assert_int_equal(r.level, 2);
}

/* ARMv7 LPAE outputs stop at bit 39: a leaf above is an Address size fault. */
static void test_v7_output_address_size(void **state)
{
    sim_reset(SIM_ARMV7, SIM_MEM);
    struct stage2_format fmt;
    assert_true(arch_stage2_format(40, &fmt));
    paddr_t root = arch_page_alloc(2), l2p = arch_page_alloc(1);
    uint64_t *r1 = arch_pa_to_va(root), *t2 = arch_pa_to_va(l2p);
    r1[1] = l2p | D_TABLE | D_VALID;
    t2[0] = (1ull << 40) | D_AF | D_S2AP_R | D_VALID; /* 2 MiB block at 1 TiB */
    struct stage2 s2 = {.fmt = fmt, .root = root, .vmid = 1};
    struct sim_s2_result r;
    assert_false(sim_s2_lookup(&s2, G1, SIM_S2_READ, &r));
    assert_int_equal(r.fault, SIM_FAULT_ADDR_SIZE);
    assert_int_equal(sim_fault_fsc(r.fault, r.level), 0x02);
    /* The second concatenated level-1 table serves IPA bit 39. */
    r1[512] = SIM_PHYS_BASE | D_AF | D_S2AP_R | D_VALID; /* 1 GiB block */
    assert_true(sim_s2_lookup(&s2, 1ull << 39, SIM_S2_READ, &r));
    assert_int_equal(r.pa, SIM_PHYS_BASE);
}

/* ---- TLB --------------------------------------------------------------------- */

/* A descriptor change without TLB maintenance is not seen (the stale entry
 * answers) until the VMM invalidates: a VMM that forgets the TLBI after
 * unmapping would keep giving the guest the old page. */
static void test_tlb_stale_until_invalidated(void **state)
{
    build_hand_table();
    paddr_t data = arch_page_alloc(1);
    l3[5] = data | D_AF | D_S2AP_R | D_S2AP_W | D_TABLE | D_VALID;
    unsigned level;
    assert_int_equal(hand_fault(G1 + 0x5000, &level), SIM_FAULT_NONE);
    uint64_t misses = sim_tlb_stats()->misses;
    l3[5] = 0; /* unmapped behind the TLB's back */
    struct sim_s2_result r;
    assert_true(sim_s2_lookup(&hand, G1 + 0x5008, SIM_S2_READ, &r));
    assert_true(r.tlb_hit);
    assert_int_equal(r.pa, data + 8);
    assert_int_equal(sim_tlb_stats()->misses, misses);
    /* Invalidating another VMID or another page changes nothing... */
    arch_tlb_inval_ipa(hand.vmid + 1, G1 + 0x5000, PAGE_SIZE);
    arch_tlb_inval_ipa(hand.vmid, G1 + 0x6000, PAGE_SIZE);
    assert_true(sim_s2_lookup(&hand, G1 + 0x5008, SIM_S2_READ, &r));
    /* ...this one does. */
    arch_tlb_inval_ipa(hand.vmid, G1 + 0x5000, PAGE_SIZE);
    assert_false(sim_s2_lookup(&hand, G1 + 0x5008, SIM_S2_READ, &r));
    assert_int_equal(r.fault, SIM_FAULT_TRANSLATION);
    assert_int_equal(r.level, 3);
    /* Permissions come from the cached entry too. */
    l3[6] = data | D_AF | D_S2AP_R | D_S2AP_W | D_TABLE | D_VALID;
    assert_true(sim_s2_lookup(&hand, G1 + 0x6000, SIM_S2_WRITE, &r));
    l3[6] &= ~D_S2AP_W;
    assert_true(sim_s2_lookup(&hand, G1 + 0x6000, SIM_S2_WRITE, &r));
    arch_tlb_inval_vmid(hand.vmid);
    assert_false(sim_s2_lookup(&hand, G1 + 0x6000, SIM_S2_WRITE, &r));
    assert_int_equal(r.fault, SIM_FAULT_PERMISSION);
}

/* The engine does its own TLB maintenance: after stage2_unmap and
 * stage2_protect the guest's next access faults although it was cached. */
static void test_tlb_engine_unmap_and_protect(void **state)
{
    paddr_t pa = arch_page_alloc(4);
    assert_int_equal(stage2_map(&vm.stage2, 0x40000000, pa, 4 * PAGE_SIZE, S2_RW), S2_OK);
    struct sim_s2_result r = lookup(0x40001000, SIM_S2_WRITE, true);
    r = lookup(0x40002000, SIM_S2_WRITE, true);
    r = lookup(0x40001000, SIM_S2_WRITE, true);
    assert_true(r.tlb_hit);
    assert_int_equal(stage2_unmap(&vm.stage2, 0x40001000, PAGE_SIZE), S2_OK);
    r = lookup(0x40001000, SIM_S2_READ, false);
    assert_int_equal(r.fault, SIM_FAULT_TRANSLATION);
    assert_int_equal(stage2_protect(&vm.stage2, 0x40002000, PAGE_SIZE, S2_READ), S2_OK);
    r = lookup(0x40002000, SIM_S2_WRITE, false);
    assert_int_equal(r.fault, SIM_FAULT_PERMISSION);
    assert_true(sim_tlb_counts()->inval_ipa >= 2);
}

/* Entries are tagged by VMID: two VMs, one IPA, two PAs. */
static void test_tlb_vmid_tagging(void **state)
{
    struct stage2 other;
    assert_int_equal(stage2_init(&other, &vm.stage2.fmt, 8), S2_OK);
    paddr_t a = arch_page_alloc(1), b = arch_page_alloc(1);
    assert_int_equal(stage2_map(&vm.stage2, 0x40000000, a, PAGE_SIZE, S2_RW), S2_OK);
    assert_int_equal(stage2_map(&other, 0x40000000, b, PAGE_SIZE, S2_RW), S2_OK);
    struct sim_s2_result r;
    assert_true(sim_s2_lookup(&vm.stage2, 0x40000000, SIM_S2_READ, &r));
    assert_int_equal(r.pa, a);
    assert_true(sim_s2_lookup(&other, 0x40000000, SIM_S2_READ, &r));
    assert_int_equal(r.pa, b);
    assert_true(sim_s2_lookup(&vm.stage2, 0x40000000, SIM_S2_READ, &r));
    assert_true(r.tlb_hit);
    assert_int_equal(r.pa, a);
    unsigned live = sim_tlb_stats()->live;
    arch_tlb_inval_vmid(8);
    assert_int_equal(sim_tlb_stats()->live, live - 1);
    stage2_destroy(&other);
}

#define PER_FMT(t)                                                                                 \
    cmocka_unit_test_prestate_setup_teardown(t, setup, teardown, (void *)&V7_40),                  \
        cmocka_unit_test_prestate_setup_teardown(t, setup, teardown, (void *)&V8_40),              \
        cmocka_unit_test_prestate_setup_teardown(t, setup, teardown, (void *)&V8_48)

int main(void)
{
    const struct CMUnitTest tests[] = {
        PER_FMT(test_page_and_blocks),
        PER_FMT(test_permission_faults),
        PER_FMT(test_ipa_range),
        PER_FMT(test_guest_permission_fault_syndrome),
        PER_FMT(test_tlb_engine_unmap_and_protect),
        PER_FMT(test_tlb_vmid_tagging),
        cmocka_unit_test_prestate_setup_teardown(test_hand_built_encodings, setup, teardown,
                                                 (void *)&V8_48),
        cmocka_unit_test_prestate_setup_teardown(test_tlb_stale_until_invalidated, setup, teardown,
                                                 (void *)&V8_48),
        cmocka_unit_test_teardown(test_v7_output_address_size, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
