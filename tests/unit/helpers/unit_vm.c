/* The shared sim VM set-up of the unit tests (unit_vm.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/virt_layout.h"
#include "helpers/unit_vm.h"

struct vm *unit_vm_create(const char *name, enum sim_profile p, unsigned nvcpus)
{
    sim_reset(p, 64ull << 20);
    sim_console_clear();
    struct vm *vm = vm_create(name, nvcpus, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, VIRT_RAM_BASE, 1ull << 20, S2_RWX), 0);
    return vm;
}

void unit_vm_start(struct vm *vm, sim_guest_fn fn, void *arg, enum vcpu_isa isa, ipa_t pc)
{
    assert_int_equal(sim_vcpu_set_guest(&vm->vcpus[0], fn, arg), 0);
    struct vcpu_boot boot = {.isa = isa, .pc = pc};
    assert_int_equal(vcpu_start(vm, 0, &boot), 0);
}

void unit_vm_destroy(struct vm **vm)
{
    if (*vm)
        vm_destroy(*vm);
    *vm = NULL;
}

void unit_smp_destroy(struct vm **vm)
{
    unit_vm_destroy(vm);
    sim_reset(SIM_ARMV8, 16ull << 20); /* stops the simulated CPUs */
}
