/*
 * MMIO emulation end to end on the sim: guests (sim_guest.h) make real
 * loads/stores to a test device; the VMM's run loop gets the data aborts
 * with real ESR_EL2/HSR syndromes, emulates them and the guest checks what
 * it got. ISV=1 accesses of every size, sign extension and endianness;
 * ISV=0 instructions fetched from guest memory: A64 pairs and pre/post-index
 * writeback (SP base included), A32 LDRD/STRD and register offsets with
 * shifts, T32 16- and 32-bit forms; refusals with the abort the guest sees.
 *
 * Instruction words were assembled with binutils (aarch64-linux-gnu-as,
 * arm-linux-gnueabihf-as); the assembly is next to each word.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/virt_layout.h"
#include "arch/sim/sim.h"
#include "core/mmio_emulate.h"
#include "core/vm.h"
#include "helpers/unit_vm.h"

#define RAM             VIRT_RAM_BASE
#define RO_RAM          0x50000000ull
#define DEV             0x09000000ull
#define NOTHING         0x0a000000ull
#define DEV_REFUSE_FROM 0x800 /* the test device refuses offsets from here */

/* ---- A memory-like test device ------------------------------------------ */

struct tdev {
    struct mmio_dev dev;
    uint8_t mem[0x1000];
    unsigned reads, writes;
};

static int tdev_access(struct mmio_dev *dev, struct mmio_access *acc)
{
    struct tdev *t = dev->priv;
    if (acc->offset >= DEV_REFUSE_FROM)
        return MMIO_REFUSED;
    if (acc->write) {
        for (unsigned i = 0; i < acc->size; i++)
            t->mem[acc->offset + i] = (uint8_t)(acc->value >> (8 * i));
        t->writes++;
    } else {
        uint64_t v = 0;
        for (unsigned i = 0; i < acc->size; i++)
            v |= (uint64_t)t->mem[acc->offset + i] << (8 * i);
        acc->value = v;
        t->reads++;
    }
    return MMIO_OK;
}

static const struct mmio_ops tdev_ops = {.access = tdev_access};

/* Initial device contents: every byte has its top bit set, so a missing or
 * wrong sign extension shows. */
static uint8_t pat_byte(unsigned off)
{
    return (uint8_t)(0x80 | ((off * 5 + 3) & 0x7f));
}

static uint64_t pat(unsigned off, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)pat_byte(off + i) << (8 * i);
    return v;
}

static uint64_t sx(uint64_t v, unsigned size)
{
    unsigned sh = 64 - 8 * size;
    return (uint64_t)((int64_t)(v << sh) >> sh);
}

static uint64_t mem_le(const struct tdev *t, unsigned off, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)t->mem[off + i] << (8 * i);
    return v;
}

/* ---- Fixture ---------------------------------------------------------------- */

#define NRES 48
struct res {
    enum sim_status st[NRES];
    uint64_t v[NRES];
    struct sim_exception exc[NRES];
};

static struct {
    struct vm *vm;
    struct vcpu *vcpu;
    struct tdev td;
    struct res res;
} F;

static void build(enum sim_profile p, enum vcpu_isa isa, sim_guest_fn fn)
{
    memset(&F.res, 0, sizeof(F.res));
    F.vm = unit_vm_create("emu", p, 1);
    F.vcpu = &F.vm->vcpus[0];
    assert_int_equal(vm_add_ram(F.vm, RO_RAM, 4096, S2_READ), 0);
    F.td = (struct tdev){.dev = {.name = "tdev", .base = DEV, .size = 0x1000, .ops = &tdev_ops}};
    F.td.dev.priv = &F.td;
    for (unsigned i = 0; i < sizeof(F.td.mem); i++)
        F.td.mem[i] = pat_byte(i);
    assert_int_equal(vm_add_device(F.vm, &F.td.dev), 0);
    unit_vm_start(F.vm, fn, &F.res, isa, RAM + 0x1000);
}

/* Run the guest to its end (the sim powers it off when its function
 * returns): exit code 0 and the vCPU stopped. */
static void run_to_end(void)
{
    assert_int_equal(vcpu_run(F.vcpu), 0);
    assert_true(sim_vcpu_guest_done(F.vcpu));
    assert_int_equal(F.vm->state, VM_OFF);
}

static int teardown(void **state)
{
    (void)state;
    unit_vm_destroy(&F.vm);
    return 0;
}

#define RES(g) ((struct res *)(g)->arg)

static enum sim_status exec32(struct sim_guest *g, uint32_t insn, uint64_t va, bool write)
{
    uint8_t b[4] = {(uint8_t)insn, (uint8_t)(insn >> 8), (uint8_t)(insn >> 16),
                    (uint8_t)(insn >> 24)};
    return g_exec(g, b, 4, va, write);
}

/* T32: hw1 first in memory, each halfword little-endian. */
static enum sim_status exec_t32(struct sim_guest *g, uint16_t hw1, uint16_t hw2, uint64_t va,
                                bool write)
{
    uint8_t b[4] = {(uint8_t)hw1, (uint8_t)(hw1 >> 8), (uint8_t)hw2, (uint8_t)(hw2 >> 8)};
    return g_exec(g, b, 4, va, write);
}

static enum sim_status exec_t16(struct sim_guest *g, uint16_t hw, uint64_t va, bool write)
{
    uint8_t b[2] = {(uint8_t)hw, (uint8_t)(hw >> 8)};
    return g_exec(g, b, 2, va, write);
}

static void assert_all_ok(unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (F.res.st[i] != SIM_OK)
            fail_msg("guest step %u: status %d", i, F.res.st[i]);
    }
}

/* ---- A64, ISV=1 ------------------------------------------------------------ */

static const uint64_t A = 0x0102030405060708ull, B = 0x1112131415161718ull;

static void guest_isv_a64(struct sim_guest *g)
{
    struct res *r = RES(g);
    g_set_reg(g, 1, 0x1122334455667788ull);
    r->st[0] = g_str(g, 1, DEV + 0x10, 1);
    r->st[1] = g_str(g, 1, DEV + 0x20, 2);
    r->st[2] = g_str(g, 1, DEV + 0x30, 4);
    r->st[3] = g_str(g, 1, DEV + 0x40, 8);
    /* Zero-extending loads into Xt / Wt; the old value must not survive. */
    static const unsigned sizes[4] = {1, 2, 4, 8};
    for (unsigned i = 0; i < 4; i++) {
        g_set_reg(g, 2, ~0ull);
        r->st[4 + i] = g_ldr(g, 2, DEV + 0x100, sizes[i]);
        r->v[4 + i] = g_reg(g, 2);
    }
    /* Sign-extending into Xt (LDRSB/LDRSH/LDRSW Xt). */
    for (unsigned i = 0; i < 3; i++) {
        r->st[8 + i] = g_ldrs(g, 3, DEV + 0x100, sizes[i]);
        r->v[8 + i] = g_reg(g, 3);
    }
    /* Sign-extending into Wt (LDRSB/LDRSH Wt): upper half zero. */
    for (unsigned i = 0; i < 2; i++) {
        g_set_reg(g, 4, ~0ull);
        struct sim_access a = {.va = DEV + 0x100, .size = sizes[i], .rt = 4, .sign = true};
        r->st[11 + i] = g_access(g, &a);
        r->v[11 + i] = g_reg(g, 4);
    }
    /* Load-acquire (AR set in the syndrome). */
    struct sim_access ldar = {.va = DEV + 0x108, .size = 8, .rt = 5, .sf = true, .acqrel = true};
    r->st[13] = g_access(g, &ldar);
    r->v[13] = g_reg(g, 5);
    /* STR WZR: register 31 is the zero register. */
    r->st[14] = g_str(g, 31, DEV + 0x50, 4);
}

static void test_isv_a64_sizes_and_sign(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_isv_a64);
    run_to_end();
    assert_all_ok(15);

    assert_int_equal(mem_le(&F.td, 0x10, 2), 0x88 | (uint64_t)pat_byte(0x11) << 8);
    assert_int_equal(mem_le(&F.td, 0x20, 4), 0x7788 | pat(0x22, 2) << 16);
    assert_int_equal(mem_le(&F.td, 0x30, 8), 0x55667788 | pat(0x34, 4) << 32);
    assert_int_equal(mem_le(&F.td, 0x40, 8), 0x1122334455667788ull);

    assert_int_equal(F.res.v[4], pat(0x100, 1));
    assert_int_equal(F.res.v[5], pat(0x100, 2));
    assert_int_equal(F.res.v[6], pat(0x100, 4));
    assert_int_equal(F.res.v[7], pat(0x100, 8));
    assert_int_equal(F.res.v[8], sx(pat(0x100, 1), 1));
    assert_int_equal(F.res.v[9], sx(pat(0x100, 2), 2));
    assert_int_equal(F.res.v[10], sx(pat(0x100, 4), 4));
    assert_int_equal(F.res.v[11], (uint32_t)sx(pat(0x100, 1), 1));
    assert_int_equal(F.res.v[12], (uint32_t)sx(pat(0x100, 2), 2));
    assert_int_equal(F.res.v[13], pat(0x108, 8));
    assert_int_equal(mem_le(&F.td, 0x50, 4), 0);

    const struct vcpu_stats *s = &F.vcpu->stats;
    assert_int_equal(s->mmio_writes, 5);
    assert_int_equal(s->mmio_reads, 10);
    assert_int_equal(s->exits[EXIT_DABT], 15);
    for (unsigned i = 0; i < REFUSE_REASON_COUNT; i++)
        assert_int_equal(s->refused[i], 0);
}

static void guest_isv_a64_be(struct sim_guest *g)
{
    struct res *r = RES(g);
    g_set_big_endian(g, true);
    g_set_reg(g, 1, 0x11223344);
    r->st[0] = g_str(g, 1, DEV + 0x60, 4);
    r->st[1] = g_ldr(g, 2, DEV + 0x60, 4);
    r->v[1] = g_reg(g, 2);
    r->st[2] = g_ldr(g, 2, DEV + 0x60, 2);
    r->v[2] = g_reg(g, 2);
    r->st[3] = g_ldrs(g, 3, DEV + 0x100, 2);
    r->v[3] = g_reg(g, 3);
}

static void test_isv_a64_big_endian(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_isv_a64_be);
    run_to_end();
    assert_all_ok(4);
    /* Big-endian data: the most significant byte at the lowest address. */
    assert_int_equal(F.td.mem[0x60], 0x11);
    assert_int_equal(F.td.mem[0x63], 0x44);
    assert_int_equal(F.res.v[1], 0x11223344);
    assert_int_equal(F.res.v[2], 0x1122);
    uint64_t be16 = (uint64_t)pat_byte(0x100) << 8 | pat_byte(0x101);
    assert_int_equal(F.res.v[3], sx(be16, 2));
}

/* ---- A64, ISV=0 ------------------------------------------------------------ */

#define A64_STP_X1_X2_X0         0xa9000801u /* stp x1, x2, [x0] */
#define A64_LDP_X3_X4_X0_16_PRE  0xa9c11003u /* ldp x3, x4, [x0, #16]! */
#define A64_STP_W1_W2_X0_M8_POST 0x28bf0801u /* stp w1, w2, [x0], #-8 */
#define A64_LDR_X5_X0_8_POST     0xf8408405u /* ldr x5, [x0], #8 */
#define A64_STR_X1_X0_M16_PRE    0xf81f0c01u /* str x1, [x0, #-16]! */
#define A64_LDPSW_X6_X7_X0       0x69401c06u /* ldpsw x6, x7, [x0] */
#define A64_STR_W1_SP_16_PRE     0xb8010fe1u /* str w1, [sp, #16]! */
#define A64_LDR_X5_SP_32_POST    0xf84207e5u /* ldr x5, [sp], #32 */
#define A64_LDRSB_W8_X0_1_POST   0x38c01408u /* ldrsb w8, [x0], #1 */
#define A64_LDRSH_X9_X0_2_PRE    0x78802c09u /* ldrsh x9, [x0, #2]! */
#define A64_NOP                  0xd503201fu /* nop */

static void guest_isv0_a64(struct sim_guest *g)
{
    struct res *r = RES(g);
    g_set_reg(g, 1, A);
    g_set_reg(g, 2, B);

    g_set_reg(g, 0, DEV + 0x80);
    r->st[0] = exec32(g, A64_STP_X1_X2_X0, DEV + 0x80, true);
    r->v[0] = g_reg(g, 0);

    r->st[1] = exec32(g, A64_LDP_X3_X4_X0_16_PRE, DEV + 0x90, false);
    r->v[1] = g_reg(g, 0);
    r->v[2] = g_reg(g, 3);
    r->v[3] = g_reg(g, 4);

    g_set_reg(g, 0, DEV + 0xa0);
    r->st[2] = exec32(g, A64_STP_W1_W2_X0_M8_POST, DEV + 0xa0, true);
    r->v[4] = g_reg(g, 0);

    g_set_reg(g, 0, DEV + 0xb0);
    r->st[3] = exec32(g, A64_LDR_X5_X0_8_POST, DEV + 0xb0, false);
    r->v[5] = g_reg(g, 0);
    r->v[6] = g_reg(g, 5);

    g_set_reg(g, 0, DEV + 0xd0);
    r->st[4] = exec32(g, A64_STR_X1_X0_M16_PRE, DEV + 0xc0, true);
    r->v[7] = g_reg(g, 0);

    g_set_reg(g, 0, DEV + 0x100);
    r->st[5] = exec32(g, A64_LDPSW_X6_X7_X0, DEV + 0x100, false);
    r->v[8] = g_reg(g, 6);
    r->v[9] = g_reg(g, 7);
    r->v[10] = g_reg(g, 0);

    /* SP-based: the test set SP to DEV + 0x200 before the run. */
    r->st[6] = exec32(g, A64_STR_W1_SP_16_PRE, DEV + 0x210, true);
    r->st[7] = exec32(g, A64_LDR_X5_SP_32_POST, DEV + 0x210, false);
    r->v[11] = g_reg(g, 5);

    g_set_reg(g, 0, DEV + 0x100);
    g_set_reg(g, 8, ~0ull);
    r->st[8] = exec32(g, A64_LDRSB_W8_X0_1_POST, DEV + 0x100, false);
    r->v[12] = g_reg(g, 8);
    r->v[13] = g_reg(g, 0);

    g_set_reg(g, 0, DEV + 0x100);
    r->st[9] = exec32(g, A64_LDRSH_X9_X0_2_PRE, DEV + 0x102, false);
    r->v[14] = g_reg(g, 9);
    r->v[15] = g_reg(g, 0);

    /* A CPU may report the second element of a pair in FAR: the registers
     * say where the pair starts. */
    g_set_reg(g, 0, DEV + 0x80);
    g_set_reg(g, 3, 0);
    g_set_reg(g, 4, 0);
    r->st[10] = exec32(g, A64_LDP_X3_X4_X0_16_PRE, DEV + 0x98, false);
    r->v[16] = g_reg(g, 3);
    r->v[17] = g_reg(g, 4);
    r->v[18] = g_reg(g, 0);
}

static void test_isv0_a64_pairs_and_writeback(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_isv0_a64);
    arch_vcpu_sp_write(F.vcpu, DEV + 0x200);
    uint64_t pc0 = arch_vcpu_pc(F.vcpu);
    run_to_end();
    assert_all_ok(11);

    /* stp x1, x2, [x0]: both stored, no writeback. */
    assert_int_equal(mem_le(&F.td, 0x80, 8), A);
    assert_int_equal(mem_le(&F.td, 0x88, 8), B);
    assert_int_equal(F.res.v[0], DEV + 0x80);
    /* ldp x3, x4, [x0, #16]!: pre-index. */
    assert_int_equal(F.res.v[1], DEV + 0x90);
    assert_int_equal(F.res.v[2], pat(0x90, 8));
    assert_int_equal(F.res.v[3], pat(0x98, 8));
    /* stp w1, w2, [x0], #-8: 32-bit elements, post-index. */
    assert_int_equal(mem_le(&F.td, 0xa0, 4), (uint32_t)A);
    assert_int_equal(mem_le(&F.td, 0xa4, 4), (uint32_t)B);
    assert_int_equal(F.res.v[4], DEV + 0x98);
    /* ldr x5, [x0], #8 */
    assert_int_equal(F.res.v[5], DEV + 0xb8);
    assert_int_equal(F.res.v[6], pat(0xb0, 8));
    /* str x1, [x0, #-16]! */
    assert_int_equal(mem_le(&F.td, 0xc0, 8), A);
    assert_int_equal(F.res.v[7], DEV + 0xc0);
    /* ldpsw x6, x7, [x0] */
    assert_int_equal(F.res.v[8], sx(pat(0x100, 4), 4));
    assert_int_equal(F.res.v[9], sx(pat(0x104, 4), 4));
    assert_int_equal(F.res.v[10], DEV + 0x100);
    /* str w1, [sp, #16]! then ldr x5, [sp], #32 */
    assert_int_equal(mem_le(&F.td, 0x210, 4), (uint32_t)A);
    assert_int_equal(F.res.v[11], (uint32_t)A | pat(0x214, 4) << 32);
    assert_int_equal(arch_vcpu_sp_read(F.vcpu), DEV + 0x230);
    /* ldrsb w8, [x0], #1: sign-extended to 32 bits only. */
    assert_int_equal(F.res.v[12], (uint32_t)sx(pat(0x100, 1), 1));
    assert_int_equal(F.res.v[13], DEV + 0x101);
    /* ldrsh x9, [x0, #2]! */
    assert_int_equal(F.res.v[14], sx(pat(0x102, 2), 2));
    assert_int_equal(F.res.v[15], DEV + 0x102);
    /* FAR on the second element. */
    assert_int_equal(F.res.v[16], pat(0x90, 8));
    assert_int_equal(F.res.v[17], pat(0x98, 8));
    assert_int_equal(F.res.v[18], DEV + 0x90);

    /* Pairs are two accesses each; every instruction was stepped over
     * once (11 exits, and the guest's PC moved 4 bytes per instruction plus
     * the final HVC). */
    assert_int_equal(F.vcpu->stats.exits[EXIT_DABT], 11);
    assert_int_equal(F.vcpu->stats.mmio_writes, 2 + 2 + 1 + 1);
    assert_int_equal(F.vcpu->stats.mmio_reads, 2 + 1 + 2 + 1 + 1 + 1 + 2);
    assert_int_equal(arch_vcpu_pc(F.vcpu), pc0 + 11 * 4 + 4);
}

/* ---- A64 refusals ---------------------------------------------------------- */

static void guest_refusals_a64(struct sim_guest *g)
{
    struct res *r = RES(g);
    g_set_reg(g, 1, A);
    g_set_reg(g, 2, B);
    /* 0: a store to an IPA nothing claims. */
    r->st[0] = g_str(g, 1, NOTHING + 0x44, 4);
    r->exc[0] = g->last_exception;
    /* 1: not a load/store at all. */
    r->st[1] = exec32(g, A64_NOP, DEV + 0x10, true);
    r->exc[1] = g->last_exception;
    /* 2: a store pair, but the abort says read: the code changed under us. */
    g_set_reg(g, 0, DEV + 0x10);
    r->st[2] = exec32(g, A64_STP_X1_X2_X0, DEV + 0x10, false);
    /* 3: a pair running past the end of the device: no side effect. */
    g_set_reg(g, 0, DEV + 0xff8);
    r->st[3] = exec32(g, A64_STP_X1_X2_X0, DEV + 0xff8, true);
    r->v[3] = g_reg(g, 0);
    /* 4: the device refuses the offset. */
    r->st[4] = g_str(g, 1, DEV + DEV_REFUSE_FROM, 4);
    /* 5: write to read-only RAM: not MMIO. */
    r->st[5] = g_str(g, 1, RO_RAM + 8, 4);
    r->exc[5] = g->last_exception;
    /* 6: FAR outside what the registers say the instruction accesses. */
    g_set_reg(g, 0, DEV + 0x100);
    r->st[6] = exec32(g, A64_LDR_X5_X0_8_POST, DEV + 0x200, false);
    r->v[6] = g_reg(g, 0);
    /* 7: and the guest goes on: a good access still works. */
    r->st[7] = g_str(g, 1, DEV + 0x40, 8);
}

static void test_refusals_a64(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_refusals_a64);
    run_to_end();

    for (unsigned i = 0; i < 7; i++)
        assert_int_equal(F.res.st[i], SIM_ABORT);
    assert_int_equal(F.res.st[7], SIM_OK);

    /* The guest took a data abort, injected by the VMM, at the right VA,
     * on the faulting instruction (the VMM did not step over it). */
    assert_int_equal(F.res.exc[0].type, SIM_EXC_DABT);
    assert_true(F.res.exc[0].by_vmm);
    assert_int_equal(F.res.exc[0].far, NOTHING + 0x44);
    assert_false(F.res.exc[0].pc_moved);
    assert_int_equal(F.res.exc[1].type, SIM_EXC_DABT);
    assert_int_equal(F.res.exc[1].far, DEV + 0x10);
    assert_int_equal(F.res.exc[5].type, SIM_EXC_DABT);
    assert_int_equal(F.res.exc[5].far, RO_RAM + 8);

    const struct vcpu_stats *s = &F.vcpu->stats;
    assert_int_equal(s->refused[REFUSE_NO_DEVICE], 1);
    assert_int_equal(s->refused[REFUSE_UNDECODABLE], 3);
    assert_int_equal(s->refused[REFUSE_DEVICE], 2);
    assert_int_equal(s->refused[REFUSE_PERMISSION], 1);
    /* Nothing reached the device but the last store, nor moved a base. */
    assert_int_equal(F.td.writes, 1);
    assert_int_equal(F.td.reads, 0);
    assert_int_equal(F.res.v[3], DEV + 0xff8);
    assert_int_equal(F.res.v[6], DEV + 0x100);
    assert_int_equal(mem_le(&F.td, 0xff8, 8), pat(0xff8, 8));

    /* Each refusal was logged with the VM's name and reason. */
    const char *log = sim_console_text();
    assert_non_null(strstr(log, "vm emu: vcpu 0: refused (no-device)"));
    assert_non_null(strstr(log, "refused (undecodable)"));
    assert_non_null(strstr(log, "refused (permission)"));
}

/* The guest's stage 1 stops mapping its own code between the fault and the
 * VMM's fetch (another vCPU changed its tables): REFUSE_FETCH. */
struct flaky_s1 {
    uint64_t code_va;
    unsigned code_lookups;
};

static bool flaky_translate(void *ctx, uint64_t va, ipa_t *ipa)
{
    struct flaky_s1 *f = ctx;
    if ((va & ~0xfffull) == (f->code_va & ~0xfffull) && ++f->code_lookups > 1)
        return false;
    *ipa = va;
    return true;
}

static void guest_fetch_fails(struct sim_guest *g)
{
    struct res *r = RES(g);
    g_set_reg(g, 0, DEV + 0x80);
    r->st[0] = exec32(g, A64_STP_X1_X2_X0, DEV + 0x80, true);
    sim_vcpu_set_s1(g->vcpu, NULL, NULL);
}

static void test_fetch_refused(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_fetch_fails);
    struct flaky_s1 f = {.code_va = arch_vcpu_pc(F.vcpu)};
    sim_vcpu_set_s1(F.vcpu, flaky_translate, &f);
    run_to_end();
    assert_int_equal(F.res.st[0], SIM_ABORT);
    assert_int_equal(F.vcpu->stats.refused[REFUSE_FETCH], 1);
    assert_int_equal(F.td.writes, 0);
}

/* ---- A32 on an ARMv7 CPU ------------------------------------------------- */

#define A32_STRD_R2_R0         0xe1c020f0u /* strd r2, [r0] */
#define A32_LDRD_R4_R0         0xe1c040d0u /* ldrd r4, [r0] */
#define A32_LDRD_R4_R0_8_PRE   0xe1e040d8u /* ldrd r4, [r0, #8]! */
#define A32_LDRD_R4_R0_M8_POST 0xe04040d8u /* ldrd r4, [r0], #-8 */
#define A32_LDR_R1_R0_R2LSL2   0xe7b01102u /* ldr r1, [r0, r2, lsl #2]! */
#define A32_STR_R1_R0_MR2ASR1  0xe60010c2u /* str r1, [r0], -r2, asr #1 */
#define A32_LDRSH_R6_R0_2_POST 0xe0d060f2u /* ldrsh r6, [r0], #2 */
#define A32_LDRB_R1_R0_R2ROR4  0xe7f01262u /* ldrb r1, [r0, r2, ror #4]! */
#define A32_LDR_R1_R0_R2LSR32  0xe7b01022u /* ldr r1, [r0, r2, lsr #32]! */

static void guest_a32(struct sim_guest *g)
{
    struct res *r = RES(g);
    g_set_reg(g, 2, 0xaabbccdd);
    g_set_reg(g, 3, 0x11223344);

    g_set_reg(g, 0, DEV + 0x10);
    r->st[0] = exec32(g, A32_STRD_R2_R0, DEV + 0x10, true);
    r->v[0] = g_reg(g, 0);

    r->st[1] = exec32(g, A32_LDRD_R4_R0_8_PRE, DEV + 0x18, false);
    r->v[1] = g_reg(g, 0);
    r->v[2] = g_reg(g, 4);
    r->v[3] = g_reg(g, 5);

    g_set_reg(g, 0, DEV + 0x20);
    r->st[2] = exec32(g, A32_LDRD_R4_R0_M8_POST, DEV + 0x20, false);
    r->v[4] = g_reg(g, 0);
    r->v[5] = g_reg(g, 4);
    r->v[6] = g_reg(g, 5);

    g_set_reg(g, 0, DEV + 0x20);
    g_set_reg(g, 2, 4);
    r->st[3] = exec32(g, A32_LDR_R1_R0_R2LSL2, DEV + 0x30, false);
    r->v[7] = g_reg(g, 0);
    r->v[8] = g_reg(g, 1);

    /* str r1, [r0], -r2, asr #1 with r2 = -8: r0 -= -4. */
    g_set_reg(g, 0, DEV + 0x40);
    g_set_reg(g, 1, 0xcafef00d);
    g_set_reg(g, 2, 0xfffffff8);
    r->st[4] = exec32(g, A32_STR_R1_R0_MR2ASR1, DEV + 0x40, true);
    r->v[9] = g_reg(g, 0);

    g_set_reg(g, 0, DEV + 0x100);
    r->st[5] = exec32(g, A32_LDRSH_R6_R0_2_POST, DEV + 0x100, false);
    r->v[10] = g_reg(g, 6);
    r->v[11] = g_reg(g, 0);

    /* ldrb r1, [r0, r2, ror #4]! with r2 = 0x100 + 3: offset 0x30000010. */
    g_set_reg(g, 0, DEV + 0x100 - 0x30000000u);
    g_set_reg(g, 2, 0x103);
    r->st[6] = exec32(g, A32_LDRB_R1_R0_R2ROR4, DEV + 0x110, false);
    r->v[12] = g_reg(g, 1);
    r->v[13] = g_reg(g, 0);

    /* lsr #32: the offset is 0. */
    g_set_reg(g, 0, DEV + 0x100);
    g_set_reg(g, 2, 0xffffffff);
    r->st[7] = exec32(g, A32_LDR_R1_R0_R2LSR32, DEV + 0x100, false);
    r->v[14] = g_reg(g, 1);
    r->v[15] = g_reg(g, 0);

    /* ISV=1 forms: STRH, LDRSB, LDRH. */
    r->st[8] = g_str(g, 3, DEV + 0x50, 2);
    r->st[9] = g_ldrs(g, 7, DEV + 0x100, 1);
    r->v[16] = g_reg(g, 7);
    r->st[10] = g_ldr(g, 7, DEV + 0x100, 2);
    r->v[17] = g_reg(g, 7);

    /* Big-endian (CPSR.E): each word of a STRD/LDRD byte-reversed. */
    g_set_big_endian(g, true);
    g_set_reg(g, 0, DEV + 0x60);
    g_set_reg(g, 2, 0xaabbccdd);
    g_set_reg(g, 3, 0x11223344);
    r->st[11] = exec32(g, A32_STRD_R2_R0, DEV + 0x60, true);
    r->st[12] = exec32(g, A32_LDRD_R4_R0, DEV + 0x60, false);
    r->v[18] = g_reg(g, 4);
    r->v[19] = g_reg(g, 5);
}

static void check_a32_results(void)
{
    assert_all_ok(13);
    assert_int_equal(mem_le(&F.td, 0x10, 4), 0xaabbccdd);
    assert_int_equal(mem_le(&F.td, 0x14, 4), 0x11223344);
    assert_int_equal(F.res.v[0], DEV + 0x10);
    assert_int_equal(F.res.v[1], DEV + 0x18);
    assert_int_equal(F.res.v[2], pat(0x18, 4));
    assert_int_equal(F.res.v[3], pat(0x1c, 4));
    assert_int_equal(F.res.v[4], DEV + 0x18);
    assert_int_equal(F.res.v[5], pat(0x20, 4));
    assert_int_equal(F.res.v[6], pat(0x24, 4));
    assert_int_equal(F.res.v[7], DEV + 0x30);
    assert_int_equal(F.res.v[8], pat(0x30, 4));
    assert_int_equal(mem_le(&F.td, 0x40, 4), 0xcafef00d);
    assert_int_equal(F.res.v[9], DEV + 0x44);
    assert_int_equal(F.res.v[10], (uint32_t)sx(pat(0x100, 2), 2));
    assert_int_equal(F.res.v[11], DEV + 0x102);
    assert_int_equal(F.res.v[12], pat(0x110, 1));
    assert_int_equal(F.res.v[13], DEV + 0x110);
    assert_int_equal(F.res.v[14], pat(0x100, 4));
    assert_int_equal(F.res.v[15], DEV + 0x100);
    assert_int_equal(mem_le(&F.td, 0x50, 2), 0x3344);
    assert_int_equal(F.res.v[16], (uint32_t)sx(pat(0x100, 1), 1));
    assert_int_equal(F.res.v[17], pat(0x100, 2));
    static const uint8_t be[8] = {0xaa, 0xbb, 0xcc, 0xdd, 0x11, 0x22, 0x33, 0x44};
    assert_memory_equal(&F.td.mem[0x60], be, 8);
    assert_int_equal(F.res.v[18], 0xaabbccdd);
    assert_int_equal(F.res.v[19], 0x11223344);
    for (unsigned i = 0; i < REFUSE_REASON_COUNT; i++)
        assert_int_equal(F.vcpu->stats.refused[i], 0);
}

static void test_a32_armv7(void **state)
{
    (void)state;
    build(SIM_ARMV7, ISA_A32, guest_a32);
    run_to_end();
    check_a32_results();
}

/* The same guest on an ARMv8 CPU in AArch32 EL1: ESR_EL2 syndromes, SRT in
 * the AArch64 register view. */
static void test_a32_armv8(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A32, guest_a32);
    run_to_end();
    check_a32_results();
}

/* ---- T32 ---------------------------------------------------------------- */

static void guest_t32(struct sim_guest *g)
{
    struct res *r = RES(g);
    g_set_reg(g, 0, DEV + 0x100);
    r->st[0] = exec_t16(g, 0x6801, DEV + 0x100, false); /* ldr r1, [r0, #0] */
    r->v[0] = g_reg(g, 1);

    g_set_reg(g, 0, DEV + 0x10);
    g_set_reg(g, 1, 0x12345678);
    r->st[1] = exec_t16(g, 0x6041, DEV + 0x14, true); /* str r1, [r0, #4] */

    g_set_reg(g, 0, DEV + 0x100);
    r->st[2] = exec_t32(g, 0xf850, 0x1b04, DEV + 0x100, false); /* ldr.w r1, [r0], #4 */
    r->v[2] = g_reg(g, 1);
    r->v[3] = g_reg(g, 0);

    g_set_reg(g, 0, DEV + 0x24);
    g_set_reg(g, 1, 0x9abcdef0);
    r->st[3] = exec_t32(g, 0xf840, 0x1d04, DEV + 0x20, true); /* str.w r1, [r0, #-4]! */
    r->v[4] = g_reg(g, 0);

    g_set_reg(g, 0, DEV + 0x100);
    r->st[4] = exec_t32(g, 0xe9f0, 0x2302, DEV + 0x108, false); /* ldrd r2, r3, [r0, #8]! */
    r->v[5] = g_reg(g, 2);
    r->v[6] = g_reg(g, 3);
    r->v[7] = g_reg(g, 0);

    g_set_reg(g, 0, DEV + 0x30);
    g_set_reg(g, 2, 0x01020304);
    g_set_reg(g, 3, 0x05060708);
    r->st[5] = exec_t32(g, 0xe860, 0x2302, DEV + 0x30, true); /* strd r2, r3, [r0], #-8 */
    r->v[8] = g_reg(g, 0);

    g_set_reg(g, 0, DEV + 0x100);
    r->st[6] = exec_t32(g, 0xf910, 0x1f01, DEV + 0x101, false); /* ldrsb.w r1, [r0, #1]! */
    r->v[9] = g_reg(g, 1);
    r->v[10] = g_reg(g, 0);

    g_set_reg(g, 0, DEV + 0x100);
    g_set_reg(g, 2, 2);
    r->st[7] = exec_t32(g, 0xf850, 0x1022, DEV + 0x108, false); /* ldr.w r1, [r0, r2, lsl #2] */
    r->v[11] = g_reg(g, 1);
    r->v[12] = g_reg(g, 0);

    /* ISV=1 from a 16-bit encoding (IL = 0 in the syndrome). */
    g_set_reg(g, 1, 0x9abcdef0);
    struct sim_access a = {.va = DEV + 0x58, .size = 4, .rt = 1, .write = true, .len = 2};
    r->st[8] = g_access(g, &a);
    r->v[13] = g_pc(g);
}

static void test_t32_armv7(void **state)
{
    (void)state;
    build(SIM_ARMV7, ISA_T32, guest_t32);
    uint64_t pc0 = arch_vcpu_pc(F.vcpu);
    run_to_end();
    assert_all_ok(9);
    assert_int_equal(F.res.v[0], pat(0x100, 4));
    assert_int_equal(mem_le(&F.td, 0x14, 4), 0x12345678);
    assert_int_equal(F.res.v[2], pat(0x100, 4));
    assert_int_equal(F.res.v[3], DEV + 0x104);
    assert_int_equal(mem_le(&F.td, 0x20, 4), 0x9abcdef0);
    assert_int_equal(F.res.v[4], DEV + 0x20);
    assert_int_equal(F.res.v[5], pat(0x108, 4));
    assert_int_equal(F.res.v[6], pat(0x10c, 4));
    assert_int_equal(F.res.v[7], DEV + 0x108);
    assert_int_equal(mem_le(&F.td, 0x30, 4), 0x01020304);
    assert_int_equal(mem_le(&F.td, 0x34, 4), 0x05060708);
    assert_int_equal(F.res.v[8], DEV + 0x28);
    assert_int_equal(F.res.v[9], (uint32_t)sx(pat(0x101, 1), 1));
    assert_int_equal(F.res.v[10], DEV + 0x101);
    assert_int_equal(F.res.v[11], pat(0x108, 4));
    assert_int_equal(F.res.v[12], DEV + 0x100);
    assert_int_equal(mem_le(&F.td, 0x58, 4), 0x9abcdef0);
    /* Two 16-bit, six 32-bit, one 16-bit: the PC moved by exactly that. */
    assert_int_equal(F.res.v[13], pc0 + 2 + 2 + 6 * 4 + 2);
}

/* An undecodable T32 instruction (a 16-bit ADD) and an A32 one (a data
 * processing instruction) are refused, not guessed at. */
static void guest_t32_undecodable(struct sim_guest *g)
{
    struct res *r = RES(g);
    r->st[0] = exec_t16(g, 0x1840, DEV + 0x100, false); /* adds r0, r0, r1 */
    r->exc[0] = g->last_exception;
}

static void test_t32_undecodable(void **state)
{
    (void)state;
    build(SIM_ARMV7, ISA_T32, guest_t32_undecodable);
    run_to_end();
    assert_int_equal(F.res.st[0], SIM_ABORT);
    assert_int_equal(F.res.exc[0].type, SIM_EXC_DABT);
    assert_int_equal(F.vcpu->stats.refused[REFUSE_UNDECODABLE], 1);
    assert_int_equal(F.td.reads, 0);
}

/* ---- Syndromes the sim guests cannot produce: direct calls ------------- */

static void guest_never_runs(struct sim_guest *g)
{
    (void)g;
}

static struct exit_info dabt_info(uint64_t addr, bool ipa_valid)
{
    struct exit_info info = {.reason = EXIT_DABT,
                             .ec = 0x24,
                             .il = 4,
                             .far = addr,
                             .ipa = ipa_valid ? addr : 0,
                             .ipa_valid = ipa_valid};
    info.u.dabt.write = true;
    return info;
}

static void test_cache_maintenance_on_mmio(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_never_runs);
    uint64_t pc = arch_vcpu_pc(F.vcpu);
    /* DC CIVAC on the device: a no-op, the PC moves on. */
    struct exit_info info = dabt_info(DEV + 0x40, true);
    info.u.dabt.cm = true;
    assert_int_equal(mmio_emulate(F.vcpu, &info), RUN_CONTINUE);
    assert_int_equal(arch_vcpu_pc(F.vcpu), pc + 4);
    assert_int_equal(F.td.reads + F.td.writes, 0);
    for (unsigned i = 0; i < REFUSE_REASON_COUNT; i++)
        assert_int_equal(F.vcpu->stats.refused[i], 0);
}

static void test_s1ptw_refused(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_never_runs);
    uint64_t pc = arch_vcpu_pc(F.vcpu);
    /* The guest's own page-table walk hit the device's IPA: not MMIO. */
    struct exit_info info = dabt_info(DEV, true);
    info.u.dabt.s1ptw = true;
    info.u.dabt.write = false;
    assert_int_equal(mmio_emulate(F.vcpu, &info), RUN_CONTINUE);
    assert_int_equal(F.vcpu->stats.refused[REFUSE_S1PTW], 1);
    assert_int_equal(F.td.reads + F.td.writes, 0);
    assert_int_equal(arch_vcpu_pc(F.vcpu), pc); /* abort taken on the insn */
}

static void test_ipa_from_far_when_hpfar_invalid(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, guest_never_runs);
    /* HPFAR not valid: the IPA comes from translating FAR (MMU off in the
     * sim guest: VA = IPA). ISV=1 STR W1. */
    arch_vcpu_reg_write(F.vcpu, 1, 0xfeedface);
    struct exit_info info = dabt_info(DEV + 0x70, false);
    info.u.dabt.isv = true;
    info.u.dabt.size = 4;
    info.u.dabt.srt = 1;
    assert_int_equal(mmio_emulate(F.vcpu, &info), RUN_CONTINUE);
    assert_int_equal(mem_le(&F.td, 0x70, 4), 0xfeedface);
    assert_int_equal(F.vcpu->stats.mmio_writes, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_isv_a64_sizes_and_sign, teardown),
        cmocka_unit_test_teardown(test_isv_a64_big_endian, teardown),
        cmocka_unit_test_teardown(test_isv0_a64_pairs_and_writeback, teardown),
        cmocka_unit_test_teardown(test_refusals_a64, teardown),
        cmocka_unit_test_teardown(test_fetch_refused, teardown),
        cmocka_unit_test_teardown(test_a32_armv7, teardown),
        cmocka_unit_test_teardown(test_a32_armv8, teardown),
        cmocka_unit_test_teardown(test_t32_armv7, teardown),
        cmocka_unit_test_teardown(test_t32_undecodable, teardown),
        cmocka_unit_test_teardown(test_cache_maintenance_on_mmio, teardown),
        cmocka_unit_test_teardown(test_s1ptw_refused, teardown),
        cmocka_unit_test_teardown(test_ipa_from_far_when_hpfar_invalid, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
