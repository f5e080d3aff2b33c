/*
 * The CPU features a VM is given beyond the base architecture, per VM: which
 * of the features the arch switches (arch_cpu_features) it gets, and its
 * SVE vector-length limit. idregs.c advertises exactly these; the arch sizes
 * and limits the state it switches from them (arch_vcpu_init reads
 * vm->cpu).
 *
 * Where the values come from: vm_create copies the defaults, which the boot
 * flow may change from armvisor's command line (armvisor.sve_vl=<bits>,
 * armvisor.mte=off, src/arch/boot/guest.c) before it launches a VM; a later per-VM source (a
 * VM package field) sets vm->cpu the same way before the first vCPU starts.
 */
#ifndef CORE_VM_CPU_H
#define CORE_VM_CPU_H

#include <stdbool.h>

/* SVE vector lengths (Arm ARM DDI 0487 B1.2.2: a multiple of 128 bits,
 * 128 to 2048), in bytes. */
#define VM_SVE_VL_GRANULE 16u
#define VM_SVE_VL_MAX     256u

struct vm_cpu {
    /* The longest SVE vector the VM's vCPUs may use, in bytes: a multiple
     * of VM_SVE_VL_GRANULE up to arch_sve_max_vl(); 0 when the VM has no
     * SVE (ID_AA64PFR0_EL1.SVE reads 0, SVE instructions UNDEF). */
    unsigned sve_vl_max;
    /* The VM may have MTE where the CPU has tags in memory (ARCH_FEAT_MTE);
     * false hides it (HCR_EL2.ATA clear, its registers refused). */
    bool mte;
};

struct vm;

/* Limit the SVE vector length of the VMs created from now on to bytes
 * (0: no SVE for them). False, nothing changed, when bytes is not a multiple
 * of VM_SVE_VL_GRANULE or above VM_SVE_VL_MAX; a limit above what the CPU
 * has is cut to the CPU's maximum. */
bool vm_cpu_set_default_sve_vl(unsigned bytes);

/* Give the VMs created from now on MTE where the CPU has it (on) or not. */
void vm_cpu_set_default_mte(bool on);

/* Fill vm->cpu with the defaults (vm_create). */
void vm_cpu_init(struct vm *vm);

/* The ARCH_FEAT_* the VM's vCPUs get: the arch's, less SVE and MTE when
 * the VM has none. */
unsigned vm_cpu_features(const struct vm *vm);

#endif
