/* The vGIC set-up and guest accesses of the vGIC unit tests (unit_gic.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/board.h"
#include "core/virt_layout.h"
#include "helpers/unit_gic.h"
#include "helpers/unit_vm.h"

struct vm *unit_gic_vm(const char *name, enum sim_profile p, unsigned nvcpus, unsigned nspis)
{
    struct vm *vm = unit_vm_create(name, p, nvcpus);
    assert_int_equal(vgic_attach(vm, nspis, VIRT_GICD_BASE), 0);
    assert_int_equal(board_add_devices(vm), 0);
    return vm;
}

void ug_mmio_wr(struct sim_guest *g, uint64_t addr, unsigned size, uint32_t v)
{
    g_set_reg(g, 1, v);
    g_str(g, 1, addr, size);
}

uint32_t ug_mmio_rd(struct sim_guest *g, uint64_t addr)
{
    g_ldr(g, 2, addr, 4);
    return (uint32_t)g_reg(g, 2);
}

void ug_gicd_wr(struct sim_guest *g, uint32_t off, unsigned size, uint32_t v)
{
    ug_mmio_wr(g, VIRT_GICD_BASE + off, size, v);
}

uint32_t ug_gicd_rd(struct sim_guest *g, uint32_t off)
{
    return ug_mmio_rd(g, VIRT_GICD_BASE + off);
}

uint32_t ug_host_gicd_rd(struct vm *vm, unsigned cpu, uint32_t off)
{
    struct mmio_access a = {.vcpu = &vm->vcpus[cpu], .size = 4};
    assert_int_equal(mmio_bus_dispatch(&vm->mmio, VIRT_GICD_BASE + off, &a), MMIO_OK);
    return (uint32_t)a.value;
}

uint64_t ug_maint_exits(struct sim_guest *g)
{
    return sim_vcpu_maint_exits(g->vcpu);
}
