/*
 * armv8's part of the lazy-state hand-over self-test (arch/boot/
 * remote_fetch.c): the register followed is the guest's SP_EL1, part of
 * the EL1 state a CPU keeps loaded across exits (vcpu.c); CPU 1 reads it
 * through the accessor the core uses (arch_vcpu_sp_read: the guest runs at
 * EL1h) and loads it by translating the guest's PC (AT S1E1R).
 */
#include "arch/boot/remote_fetch.h"
#include "arch/armv8/armv8.h"
#include "arch/armv8/sysregs.h"
#include "core/vm.h"

static uint64_t sp_el1_here(void)
{
    return read_sysreg(sp_el1);
}

static uint64_t sp_el1_in_mem(const struct vcpu *v)
{
    return v->arch->el1.sp_el1;
}

static const struct arch_vcpu *loaded_here(void)
{
    return armv8_this_cpu()->hw_loaded;
}

static bool in_mem(const struct vcpu *v)
{
    return v->arch->el1_in_mem;
}

static unsigned live_cpu(const struct vcpu *v)
{
    return __atomic_load_n(&v->arch->el1_cpu, __ATOMIC_ACQUIRE);
}

static const struct remote_fetch_arch remote_fetch_armv8 = {
    .isa = ISA_A64,
    .reg = "SP_EL1",
    .state = "EL1",
    .translate = "AT S1E1R",
    .reg_here = sp_el1_here,
    .reg_in_mem = sp_el1_in_mem,
    .reg_fetch = arch_vcpu_sp_read,
    .loaded_here = loaded_here,
    .in_mem = in_mem,
    .live_cpu = live_cpu,
};

int armv8_remote_fetch(const void *image, uint64_t size)
{
    return boot_remote_fetch(&remote_fetch_armv8, image, size);
}
