/*
 * armv7's part of the lazy-state hand-over self-test (arch/boot/
 * remote_fetch.c): the register followed is the guest's VBAR, part of the
 * cp15 state (with VFP) a CPU keeps loaded across exits (vcpu.c); CPU 1
 * fetches it through armv7_ctx_fetch, the path every accessor takes, and
 * loads it by translating the guest's PC (ATS1CPR).
 */
#include "arch/boot/remote_fetch.h"
#include "arch/armv7/armv7.h"
#include "arch/armv7/context.h"
#include "arch/armv7/cp15.h"
#include "core/vm.h"

static uint64_t vbar_here(void)
{
    return cp_read32(VBAR);
}

static uint64_t vbar_in_mem(const struct vcpu *v)
{
    return v->arch->cp15.vbar;
}

static uint64_t vbar_fetch(struct vcpu *v)
{
    armv7_ctx_fetch(v->arch, false);
    return v->arch->cp15.vbar;
}

static const struct arch_vcpu *loaded_here(void)
{
    return armv7_this_cpu()->hw_loaded;
}

static bool in_mem(const struct vcpu *v)
{
    return v->arch->in_mem;
}

static unsigned live_cpu(const struct vcpu *v)
{
    return __atomic_load_n(&v->arch->live_cpu, __ATOMIC_ACQUIRE);
}

static const struct remote_fetch_arch remote_fetch_armv7 = {
    .isa = ISA_A32,
    .reg = "VBAR",
    .state = "cp15",
    .translate = "ATS1CPR",
    .reg_here = vbar_here,
    .reg_in_mem = vbar_in_mem,
    .reg_fetch = vbar_fetch,
    .loaded_here = loaded_here,
    .in_mem = in_mem,
    .live_cpu = live_cpu,
};

int armv7_remote_fetch(const void *image, uint64_t size)
{
    return boot_remote_fetch(&remote_fetch_armv7, image, size);
}
