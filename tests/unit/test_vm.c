/*
 * VM objects and the guest memory map: creation (VMIDs, pool limits, stage-2
 * format per profile), RAM (alignment, overlaps with RAM and devices, block
 * mappings, fragmented host memory), copies through the VM's own stage 2, and
 * teardown without leaking a host page or an arch vCPU context.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/virt_layout.h"
#include "arch/sim/sim.h"
#include "core/vm.h"

#define RAM VIRT_RAM_BASE
#define MiB (1ull << 20)

static int dummy_access(struct mmio_dev *dev, struct mmio_access *acc)
{
    (void)dev;
    (void)acc;
    return MMIO_OK;
}
static const struct mmio_ops dummy_ops = {.access = dummy_access};

static int setup(void **state)
{
    (void)state;
    sim_reset(SIM_ARMV8, 64 * MiB);
    return 0;
}

static void test_create_destroy_no_leak(void **state)
{
    (void)state;
    size_t free0 = sim_free_pages();
    struct vm *vm = vm_create("t", 2, 0);
    assert_non_null(vm);
    assert_int_equal(vm->state, VM_CREATED);
    assert_int_equal(vm->nvcpus, 2);
    assert_ptr_equal(vm->vcpus[1].vm, vm);
    assert_int_equal(vm->vcpus[1].id, 1);
    assert_int_equal(vm->vcpus[0].state, VCPU_OFF);
    assert_true(vm->stage2.vmid >= 1);
    assert_true(sim_free_pages() < free0); /* stage-2 root allocated */
    assert_int_equal(vm_add_ram(vm, RAM, 4 * MiB, S2_RWX), 0);
    assert_true(sim_free_pages() <= free0 - 1024);
    vm_destroy(vm);
    assert_int_equal(sim_free_pages(), free0);
    assert_int_equal(vm->state, VM_FREE);
}

static void test_vmids_and_pool(void **state)
{
    (void)state;
    size_t free0 = sim_free_pages();
    struct vm *vms[VM_MAX];
    for (unsigned i = 0; i < VM_MAX; i++) {
        vms[i] = vm_create("p", 1, 0);
        assert_non_null(vms[i]);
        assert_int_not_equal(vms[i]->stage2.vmid, 0);
        for (unsigned j = 0; j < i; j++)
            assert_int_not_equal(vms[i]->stage2.vmid, vms[j]->stage2.vmid);
    }
    assert_null(vm_create("one too many", 1, 0));
    vm_destroy(vms[3]);
    struct vm *again = vm_create("again", 1, 0);
    assert_non_null(again);
    for (unsigned i = 0; i < VM_MAX; i++)
        if (i != 3)
            vm_destroy(vms[i]);
    vm_destroy(again);
    assert_int_equal(sim_free_pages(), free0);
}

static void test_create_refusals(void **state)
{
    (void)state;
    assert_null(vm_create("none", 0, 0));
    assert_null(vm_create("many", VM_MAX_VCPUS + 1, 0));
    assert_null(vm_create("ipa", 1, 33)); /* the sim CPU offers 40 or 48 */
    struct vm *vm = vm_create("v8-40", 1, 40);
    assert_non_null(vm);
    assert_int_equal(vm->stage2.fmt.ipa_bits, 40);
    /* RAM past the IPA space is refused. */
    assert_int_equal(vm_add_ram(vm, 1ull << 40, 4096, S2_RWX), -1);
    assert_int_equal(vm_add_ram(vm, (1ull << 40) - 4096, 8192, S2_RWX), -1);
    assert_int_equal(vm_add_ram(vm, (1ull << 40) - 4096, 4096, S2_RWX), 0);
    vm_destroy(vm);

    sim_reset(SIM_ARMV7, 64 * MiB);
    vm = vm_create("v7", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm->stage2.fmt.ipa_bits, 40);
    vm_destroy(vm);
    assert_null(vm_create("v7-48", 1, 48));
}

static void test_add_ram_rules(void **state)
{
    (void)state;
    size_t free0 = sim_free_pages();
    struct vm *vm = vm_create("ram", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM, 0, S2_RWX), -1);             /* empty */
    assert_int_equal(vm_add_ram(vm, RAM + 1, 4096, S2_RWX), -1);      /* misaligned */
    assert_int_equal(vm_add_ram(vm, RAM, 4095, S2_RWX), -1);          /* partial page */
    assert_int_equal(vm_add_ram(vm, ~0ull - 4095, 8192, S2_RWX), -1); /* wraps */
    assert_int_equal(vm_add_ram(vm, RAM, 4096, S2_RW | S2_DEVICE), -1);
    assert_int_equal(vm->nregions, 0);

    assert_int_equal(vm_add_ram(vm, RAM, 1 * MiB, S2_RWX), 0);
    /* Overlaps: inside, straddling either edge, covering. */
    assert_int_equal(vm_add_ram(vm, RAM + 4096, 4096, S2_RWX), -1);
    assert_int_equal(vm_add_ram(vm, RAM - 4096, 8192, S2_RWX), -1);
    assert_int_equal(vm_add_ram(vm, RAM + MiB - 4096, 8192, S2_RWX), -1);
    assert_int_equal(vm_add_ram(vm, RAM - MiB, 4 * MiB, S2_RWX), -1);
    /* Adjacent is fine. */
    assert_int_equal(vm_add_ram(vm, RAM + MiB, MiB, S2_RWX), 0);
    assert_int_equal(vm->nregions, 2);

    /* A device over RAM is refused, and RAM over a device. */
    struct mmio_dev over = {.name = "over", .base = RAM + MiB, .size = 0x1000, .ops = &dummy_ops};
    assert_int_equal(vm_add_device(vm, &over), -1);
    struct mmio_dev uart = {.name = "uart", .base = 0x9000000, .size = 0x1000, .ops = &dummy_ops};
    assert_int_equal(vm_add_device(vm, &uart), 0);
    assert_int_equal(vm_add_ram(vm, 0x8f00000, 2 * MiB, S2_RWX), -1);
    assert_int_equal(vm_add_ram(vm, 0x9000000, 4096, S2_RWX), -1);
    assert_int_equal(vm->nregions, 2);

    /* A failed add leaves no mapping behind. */
    struct stage2_walk w;
    assert_false(stage2_walk(&vm->stage2, 0x8f00000, &w));
    vm_destroy(vm);
    assert_int_equal(sim_free_pages(), free0);
}

static void test_ram_uses_blocks(void **state)
{
    (void)state;
    struct vm *vm = vm_create("blocks", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM, 8 * MiB, S2_RWX), 0);
    assert_int_equal(vm->nregions, 1);
    /* The host pages were placed 2 MiB-congruent with the IPA, so stage 2
     * could use 2 MiB blocks. */
    assert_int_equal(vm->regions[0].pa & (2 * MiB - 1), 0);
    struct stage2_walk w;
    for (uint64_t off = 0; off < 8 * MiB; off += 2 * MiB) {
        assert_true(stage2_walk(&vm->stage2, RAM + off + 0x1234, &w));
        assert_int_equal(w.level, 2);
        assert_int_equal(w.pa, vm->regions[0].pa + off + 0x1234);
    }
    /* An IPA that is not 2 MiB aligned gets a congruent PA as well. */
    assert_int_equal(vm_add_ram(vm, 0x80000000ull + 0x100000, 4 * MiB, S2_RW), 0);
    assert_int_equal(vm->regions[1].pa & (2 * MiB - 1), 0x100000);
    assert_true(stage2_walk(&vm->stage2, 0x80000000ull + 2 * MiB, &w));
    assert_int_equal(w.level, 2);
    vm_destroy(vm);
}

static void test_fragmented_host_memory(void **state)
{
    (void)state;
    sim_reset(SIM_ARMV8, 16 * MiB);
    /* Punch holes so no 10 MiB run is left: [4 MiB free][page][4 MiB
     * free][page][rest]. */
    paddr_t a = arch_page_alloc(1024);
    paddr_t b = arch_page_alloc(1);
    paddr_t c = arch_page_alloc(1024);
    paddr_t d = arch_page_alloc(1);
    assert_true(a && b && c && d);
    arch_page_free(a, 1024);
    arch_page_free(c, 1024);
    size_t free0 = sim_free_pages();

    struct vm *vm = vm_create("frag", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM, 10 * MiB, S2_RWX), 0);
    assert_true(vm->nregions > 1);
    uint64_t total = 0;
    for (unsigned i = 0; i < vm->nregions; i++) {
        assert_int_equal(vm->regions[i].ipa, RAM + total);
        total += vm->regions[i].size;
    }
    assert_int_equal(total, 10 * MiB);

    /* A copy across every piece reads back intact. */
    static uint8_t out[10 * 1024 * 1024], in[10 * 1024 * 1024];
    for (size_t i = 0; i < sizeof(out); i++)
        out[i] = (uint8_t)(i * 7 + (i >> 12));
    assert_true(vm_copy_to_guest(vm, RAM, out, sizeof(out)));
    assert_true(vm_copy_from_guest(vm, in, RAM, sizeof(in)));
    assert_memory_equal(in, out, sizeof(out));

    /* More than the host has: refused, and nothing leaks. */
    assert_int_equal(vm_add_ram(vm, 0x80000000ull, 8 * MiB, S2_RWX), -1);
    assert_int_equal(vm->nregions > 1, 1);
    vm_destroy(vm);
    assert_int_equal(sim_free_pages(), free0);
}

static void test_copy_in_out(void **state)
{
    (void)state;
    struct vm *vm = vm_create("copy", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM, 64 * 1024, S2_RWX), 0);

    uint8_t buf[3 * 4096 + 100], back[sizeof(buf)];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i ^ 0x5a);
    /* Unaligned start, crossing three page boundaries. */
    assert_true(vm_copy_to_guest(vm, RAM + 4000, buf, sizeof(buf)));
    memset(back, 0, sizeof(back));
    assert_true(vm_copy_from_guest(vm, back, RAM + 4000, sizeof(back)));
    assert_memory_equal(back, buf, sizeof(buf));

    /* The bytes really are in the host page stage 2 maps there. */
    struct stage2_walk w;
    assert_true(stage2_walk(&vm->stage2, RAM + 4096, &w));
    const uint8_t *host = arch_pa_to_va(w.pa);
    assert_int_equal(host[0], buf[96]);

    /* Empty copies succeed. */
    assert_true(vm_copy_to_guest(vm, 0, buf, 0));
    vm_destroy(vm);
}

static void test_copy_refused_outside_ram(void **state)
{
    (void)state;
    struct vm *vm = vm_create("fence", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM, 8192, S2_RWX), 0);
    struct mmio_dev uart = {.name = "uart", .base = RAM + 8192, .size = 0x1000, .ops = &dummy_ops};
    assert_int_equal(vm_add_device(vm, &uart), 0);

    uint8_t buf[64];
    memset(buf, 0xee, sizeof(buf));
    /* Entirely outside, into a device, running off the end, wrapping. */
    assert_false(vm_copy_to_guest(vm, 0x1000, buf, 16));
    assert_false(vm_copy_to_guest(vm, RAM + 8192, buf, 4));
    assert_false(vm_copy_to_guest(vm, RAM + 8192 - 32, buf, 64));
    assert_false(vm_copy_from_guest(vm, buf, RAM + 8192 - 32, 64));
    assert_false(vm_copy_from_guest(vm, buf, ~0ull - 8, 16));
    /* A refused copy wrote nothing, not even the part that was RAM. */
    uint8_t back[32];
    assert_true(vm_copy_from_guest(vm, back, RAM + 8192 - 32, 32));
    for (unsigned i = 0; i < 32; i++)
        assert_int_equal(back[i], 0);

    /* Another VM's RAM is not reachable through this one. */
    struct vm *other = vm_create("other", 1, 0);
    assert_non_null(other);
    assert_int_equal(vm_add_ram(other, 0x50000000ull, 4096, S2_RWX), 0);
    assert_true(vm_copy_to_guest(other, 0x50000000ull, buf, 16));
    assert_false(vm_copy_from_guest(vm, back, 0x50000000ull, 16));
    vm_destroy(other);
    vm_destroy(vm);
}

static void test_add_device_rules(void **state)
{
    (void)state;
    struct vm *vm = vm_create("dev", 1, 0);
    assert_non_null(vm);
    struct mmio_dev a = {.name = "a", .base = 0x9000000, .size = 0x1000, .ops = &dummy_ops};
    struct mmio_dev b = {.name = "b", .base = 0x9000800, .size = 0x1000, .ops = &dummy_ops};
    struct mmio_dev z = {.name = "z", .base = 0xa000000, .size = 0, .ops = &dummy_ops};
    assert_int_equal(vm_add_device(vm, &a), 0);
    assert_int_equal(vm_add_device(vm, &b), -1);
    assert_int_equal(vm_add_device(vm, &z), -1);
    assert_ptr_equal(mmio_bus_find(&vm->mmio, 0x9000abc), &a);
    vm_destroy(vm);
}

/* ---- vCPU teardown (arch_vcpu_release) -------------------------------------- */

static unsigned guest_runs;

static void guest_wfi_forever(struct sim_guest *g)
{
    guest_runs++;
    for (;;)
        g_wfi(g); /* parked in a trap when its VM is destroyed */
}

/* A VM with every vCPU started, vCPU 0 entered once (so a guest thread or
 * coroutine exists, stopped in a trap). */
static struct vm *busy_vm(const char *name)
{
    struct vm *vm = vm_create(name, VM_MAX_VCPUS, 0);
    assert_non_null(vm);
    struct vcpu_boot boot = {.isa = ISA_A64, .pc = RAM};
    for (unsigned i = 0; i < VM_MAX_VCPUS; i++) {
        assert_int_equal(sim_vcpu_set_guest(&vm->vcpus[i], guest_wfi_forever, vm), 0);
        assert_int_equal(vcpu_start(vm, i, &boot), 0);
    }
    assert_int_equal(vcpu_run_once(&vm->vcpus[0]), RUN_IDLE);
    return vm;
}

/* vm_destroy gives every vCPU context back to the arch: far more vCPUs than
 * the sim has slots can be created over time, one VM after another or
 * with the whole pool in use at once, and nothing is left behind. */
static void test_vcpu_slots_released(void **state)
{
    (void)state;
    size_t free0 = sim_free_pages();
    assert_int_equal(sim_vcpu_slots_used(), 0);
    guest_runs = 0;

    /* One VM at a time: 2 * SIM_MAX_VCPUS / VM_MAX_VCPUS + 1 rounds. */
    unsigned rounds = 2 * SIM_MAX_VCPUS / VM_MAX_VCPUS + 1;
    for (unsigned r = 0; r < rounds; r++) {
        struct vm *vm = busy_vm("cycle");
        assert_int_equal(sim_vcpu_slots_used(), VM_MAX_VCPUS);
        vm_destroy(vm);
        assert_int_equal(sim_vcpu_slots_used(), 0);
        assert_null(vm->vcpus[0].arch);
    }
    assert_int_equal(guest_runs, rounds);
    assert_int_equal(sim_free_pages(), free0);

    /* The whole pool at once, twice. */
    _Static_assert(VM_MAX * VM_MAX_VCPUS <= SIM_MAX_VCPUS, "sim pool smaller than the core's");
    for (unsigned r = 0; r < 2; r++) {
        struct vm *vms[VM_MAX];
        for (unsigned i = 0; i < VM_MAX; i++)
            vms[i] = busy_vm("full");
        assert_int_equal(sim_vcpu_slots_used(), VM_MAX * VM_MAX_VCPUS);
        for (unsigned i = 0; i < VM_MAX; i++)
            vm_destroy(vms[i]);
        assert_int_equal(sim_vcpu_slots_used(), 0);
    }
    assert_int_equal(sim_free_pages(), free0);
}

static void guest_idle(struct sim_guest *g)
{
    g_wfi(g);
}

/* A vCPU object reused by a new VM starts from a clean context: nothing of
 * the old guest (its program, its registers) is inherited. */
static void test_recreated_vcpu_is_clean(void **state)
{
    (void)state;
    struct vm *vm = vm_create("old", 1, 0);
    assert_non_null(vm);
    static int old_arg;
    assert_int_equal(sim_vcpu_set_guest(&vm->vcpus[0], guest_idle, &old_arg), 0);
    struct vcpu_boot boot = {.isa = ISA_A64, .pc = RAM, .regs = {0x1111}};
    assert_int_equal(vcpu_start(vm, 0, &boot), 0);
    assert_int_equal(vcpu_run_once(&vm->vcpus[0]), RUN_IDLE);
    vm_destroy(vm);

    struct vm *again = vm_create("new", 1, 0);
    assert_ptr_equal(again, vm); /* same pool slot, same vcpu object */
    assert_null(sim_vcpu_guest(&again->vcpus[0]));
    boot.regs[0] = 0;
    assert_int_equal(vcpu_start(again, 0, &boot), 0);
    struct sim_guest *g = sim_vcpu_guest(&again->vcpus[0]);
    assert_non_null(g);
    assert_null(g->arg); /* the old guest program is not bound */
    assert_int_equal(g->traps, 0);
    assert_int_equal(arch_vcpu_reg_read(&again->vcpus[0], 0), 0);
    vm_destroy(again);
    assert_int_equal(sim_vcpu_slots_used(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_create_destroy_no_leak, setup),
        cmocka_unit_test_setup(test_vmids_and_pool, setup),
        cmocka_unit_test_setup(test_create_refusals, setup),
        cmocka_unit_test_setup(test_add_ram_rules, setup),
        cmocka_unit_test_setup(test_ram_uses_blocks, setup),
        cmocka_unit_test_setup(test_fragmented_host_memory, setup),
        cmocka_unit_test_setup(test_copy_in_out, setup),
        cmocka_unit_test_setup(test_copy_refused_outside_ram, setup),
        cmocka_unit_test_setup(test_add_device_rules, setup),
        cmocka_unit_test_setup(test_vcpu_slots_released, setup),
        cmocka_unit_test_setup(test_recreated_vcpu_is_clean, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
