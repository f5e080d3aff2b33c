/*
 * A hostile guest: tens of thousands of pseudo-random loads and stores to
 * anywhere in the IPA space, random instruction words executed against MMIO
 * (so the ISV=0 decoders see garbage), random SMCCC function IDs, random
 * system registers, WFI/WFE. Every operation must end in a defined outcome
 * for the guest (done, or an abort/undef it takes), the VMM must keep running
 * (under ASan/UBSan in the sim build), and a second VM's memory must come out
 * byte for byte as it went in.
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
#include "core/launch.h"
#include "core/vm.h"
#include "vdev/pl011.h"

#define RAM          VIRT_RAM_BASE
#define RAM_SIZE     (2ull << 20)
#define OPS          20000u
#define VICTIM_BYTES 4096u

/* PSCI calls that would end or reset the VM early: the hostile guest avoids
 * them so that it keeps attacking for all OPS operations. */
#define PSCI_CPU_OFF       0x84000002u
#define PSCI_SYSTEM_OFF    0x84000008u
#define PSCI_SYSTEM_RESET  0x84000009u
#define PSCI_CPU_SUSPEND32 0x84000001u
#define PSCI_CPU_SUSPEND64 0xc4000001u

struct tally {
    uint64_t ok, abort, undef, not_sim, other;
    uint64_t ops;
    uint64_t seed;
    bool a64;
    bool t32;
};

static uint64_t next(uint64_t *s)
{
    /* xorshift64*: deterministic, so a failure replays exactly. */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

static void count(struct tally *t, enum sim_status st)
{
    switch (st) {
    case SIM_OK:
        t->ok++;
        break;
    case SIM_ABORT:
        t->abort++;
        break;
    case SIM_UNDEF:
        t->undef++;
        break;
    case SIM_NOT_SIMULATED:
        t->not_sim++;
        break;
    default:
        t->other++;
        break;
    }
}

/* An address to attack: guest RAM, the PL011 window, the holes around it,
 * the top of the IPA space, or anything at all. */
static uint64_t target(uint64_t *s)
{
    uint64_t r = next(s);
    switch (r % 6) {
    case 0:
        return RAM + (next(s) % RAM_SIZE);
    case 1:
        return VIRT_PL011_BASE + (next(s) % 0x1000);
    case 2:
        return VIRT_PL011_BASE - 0x1000 + (next(s) % 0x3000);
    case 3:
        return 0xffffffff000ull + (next(s) % 0x2000); /* around 2^40 */
    case 4:
        return next(s) & 0xffffffffffffull; /* anywhere below 2^48 */
    default:
        return next(s); /* anything, even past every IPA size */
    }
}

static void guest_hostile(struct sim_guest *g)
{
    struct tally *t = g->arg;
    uint64_t *s = &t->seed;
    unsigned nregs = t->a64 ? 31 : 13; /* leave AArch32 SP/LR/PC alone */
    for (unsigned i = 0; i < OPS; i++) {
        uint64_t kind = next(s) % 8;
        unsigned rt = (unsigned)(next(s) % nregs);
        unsigned size = 1u << (next(s) % (t->a64 ? 4 : 3));
        enum sim_status st;
        g_set_reg(g, rt, next(s));
        switch (kind) {
        case 0:
        case 1:
            st = g_ldr(g, rt, target(s) & ~(uint64_t)(size - 1), size);
            break;
        case 2:
            st = g_str(g, rt, target(s) & ~(uint64_t)(size - 1), size);
            break;
        case 3:
            st = g_ldrs(g, rt, target(s) & ~(uint64_t)(size - 1), size == 8 ? 4 : size);
            break;
        case 4: {
            /* A random instruction word "executed" against the PL011, where
             * the access traps with ISV=0 and the VMM must decode it. Base and
             * data registers get random values too. */
            uint32_t insn = (uint32_t)next(s);
            for (unsigned r = 0; r < nregs; r++)
                g_set_reg(g, r, next(s));
            uint64_t va = VIRT_PL011_BASE + (next(s) % 0x100) * 4;
            unsigned len = 4;
            if (t->t32) {
                /* Keep the length the sim reports consistent with the first
                 * halfword (ARM ARM A6.1: 0b11101/0b11110/0b11111 start a
                 * 32-bit encoding), as a real fetch would be. */
                uint16_t hw1 = (uint16_t)insn;
                bool wide = (hw1 >> 11) >= 0x1d;
                if (next(s) & 1) {
                    len = 2;
                    if (wide)
                        insn &= ~0x2000u; /* 0b111xx -> 0b110xx */
                } else if (!wide) {
                    insn |= 0xf000u; /* 0b1111x: a 32-bit prefix */
                }
            }
            st = g_exec(g, &insn, len, va, next(s) & 1);
            break;
        }
        case 5: {
            uint32_t fid = (uint32_t)next(s);
            if (next(s) & 1)
                fid = (fid & 0xff00ffffu) | 0x84000000u; /* near PSCI */
            if (fid == PSCI_CPU_OFF || fid == PSCI_SYSTEM_OFF || fid == PSCI_SYSTEM_RESET ||
                fid == AV_HVC_EXIT || fid == PSCI_CPU_SUSPEND32 || fid == PSCI_CPU_SUSPEND64)
                fid = 0xc6000000u; /* an unused vendor hypervisor call instead */
            g_set_reg(g, 0, fid);
            g_set_reg(g, 1, next(s));
            g_set_reg(g, 2, next(s));
            g_set_reg(g, 3, next(s));
            st = (next(s) & 1) ? g_hvc(g, (uint16_t)next(s)) : g_smc(g, (uint16_t)next(s));
            break;
        }
        case 6:
            if (t->a64)
                st = g_sysreg(g, 2 + (unsigned)(next(s) % 2), (unsigned)(next(s) % 8),
                              (unsigned)(next(s) % 16), (unsigned)(next(s) % 16),
                              (unsigned)(next(s) % 8), rt, next(s) & 1);
            else
                st = g_mcr(g, (next(s) & 1) ? 15 : 14, (unsigned)(next(s) % 8),
                           (unsigned)(next(s) % 16), (unsigned)(next(s) % 16),
                           (unsigned)(next(s) % 8), rt, next(s) & 1);
            break;
        default:
            st = (next(s) & 1) ? g_wfi(g) : g_wfe(g);
            break;
        }
        count(t, st);
        t->ops++;
    }
}

static void run_hostile(enum sim_profile profile, enum vcpu_isa isa, uint64_t seed)
{
    sim_reset(profile, 64ull << 20);
    sim_console_clear();

    /* The victim: another VM whose RAM holds a known pattern. */
    struct vm *victim = vm_create("victim", 1, 0);
    assert_non_null(victim);
    assert_int_equal(vm_add_ram(victim, RAM, RAM_SIZE, S2_RWX), 0);
    static uint8_t pattern[VICTIM_BYTES], back[VICTIM_BYTES];
    for (unsigned i = 0; i < VICTIM_BYTES; i++)
        pattern[i] = (uint8_t)(i * 37 + 11);
    for (uint64_t off = 0; off < RAM_SIZE; off += VICTIM_BYTES)
        assert_true(vm_copy_to_guest(victim, RAM + off, pattern, VICTIM_BYTES));

    struct vm *vm = vm_create("hostile", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM, RAM_SIZE, S2_RWX), 0);
    static struct pl011 uart;
    pl011_init(&uart, VIRT_PL011_BASE);
    assert_int_equal(vm_add_device(vm, &uart.dev), 0);

    struct tally t = {.seed = seed, .a64 = isa == ISA_A64, .t32 = isa == ISA_T32};
    struct vcpu *vcpu = &vm->vcpus[0];
    assert_int_equal(sim_vcpu_set_guest(vcpu, guest_hostile, &t), 0);
    struct vcpu_boot boot = {.isa = isa, .pc = RAM};
    assert_int_equal(vcpu_start(vm, 0, &boot), 0);

    /* The guest ends with the sim's PSCI SYSTEM_OFF: exit code 0. */
    assert_int_equal(vcpu_run(vcpu), 0);
    assert_true(sim_vcpu_guest_done(vcpu));

    /* Every operation ended in a defined outcome. */
    assert_int_equal(t.ops, OPS);
    assert_int_equal(t.other, 0);
    assert_int_equal(t.ok + t.abort + t.undef + t.not_sim, OPS);
    /* The attack reached the refusal paths, and the emulation paths. */
    assert_true(t.abort > 0);
    assert_true(t.undef > 0);
    assert_true(t.ok > 0);
    const struct vcpu_stats *st = &vcpu->stats;
    assert_true(st->refused[REFUSE_NO_DEVICE] > 0);
    assert_true(st->refused[REFUSE_UNDECODABLE] > 0);
    assert_true(st->refused[REFUSE_SYSREG] > 0);
    assert_true(st->mmio_reads + st->mmio_writes > 0);

    /* The victim's memory is untouched. */
    for (uint64_t off = 0; off < RAM_SIZE; off += VICTIM_BYTES) {
        assert_true(vm_copy_from_guest(victim, back, RAM + off, VICTIM_BYTES));
        assert_memory_equal(back, pattern, VICTIM_BYTES);
    }

    size_t free_before_destroy = sim_free_pages();
    vm_destroy(vm);
    vm_destroy(victim);
    assert_true(sim_free_pages() > free_before_destroy);
}

static void test_hostile_a64_v8(void **state)
{
    (void)state;
    run_hostile(SIM_ARMV8, ISA_A64, 0x9e3779b97f4a7c15ull);
}

static void test_hostile_a32_v7(void **state)
{
    (void)state;
    run_hostile(SIM_ARMV7, ISA_A32, 0x243f6a8885a308d3ull);
}

static void test_hostile_t32_v7(void **state)
{
    (void)state;
    run_hostile(SIM_ARMV7, ISA_T32, 0x13198a2e03707344ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_a64_v8),
        cmocka_unit_test(test_hostile_a32_v7),
        cmocka_unit_test(test_hostile_t32_v7),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
