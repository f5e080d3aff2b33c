/* The CPU features each VM gets (vm_cpu.h). */
#include "core/vm_cpu.h"

#include "arch/arch.h"
#include "core/vm.h"

/* The SVE limit new VMs get; VM_SVE_VL_MAX: as long as the CPU allows. */
static unsigned default_sve_vl = VM_SVE_VL_MAX;
static bool default_mte = true;

bool vm_cpu_set_default_sve_vl(unsigned bytes)
{
    if (bytes % VM_SVE_VL_GRANULE || bytes > VM_SVE_VL_MAX)
        return false;
    default_sve_vl = bytes;
    return true;
}

void vm_cpu_set_default_mte(bool on)
{
    default_mte = on;
}

void vm_cpu_init(struct vm *vm)
{
    vm->cpu.mte = default_mte;
    unsigned host = (arch_cpu_features() & ARCH_FEAT_SVE) ? arch_sve_max_vl() : 0;
    vm->cpu.sve_vl_max = default_sve_vl < host ? default_sve_vl : host;
}

unsigned vm_cpu_features(const struct vm *vm)
{
    unsigned f = arch_cpu_features();
    if (vm->cpu.sve_vl_max == 0)
        f &= ~ARCH_FEAT_SVE;
    if (!vm->cpu.mte)
        f &= ~ARCH_FEAT_MTE;
    return f;
}
