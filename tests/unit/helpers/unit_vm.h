/*
 * The VM most sim unit tests start from: sim memory reset, console
 * cleared, a VM with 1 MiB of RAM at the board's RAM base, vCPU 0 running
 * one guest function. Compiled into every unit test (CMakeLists globs
 * helpers/).
 */
#ifndef UNIT_HELPERS_UNIT_VM_H
#define UNIT_HELPERS_UNIT_VM_H

#include "arch/sim/sim.h"
#include "core/vm.h"

/* Reset the sim as profile p (64 MiB of host memory), clear its console
 * and create VM name with nvcpus vCPUs and 1 MiB of RAM at VIRT_RAM_BASE;
 * fails the test if any step fails. Add devices or RAM, then start it. */
struct vm *unit_vm_create(const char *name, enum sim_profile p, unsigned nvcpus);

/* Start vCPU 0 of vm at pc in isa, running fn with g->arg = arg. */
void unit_vm_start(struct vm *vm, sim_guest_fn fn, void *arg, enum vcpu_isa isa, ipa_t pc);

/* Destroy *vm if there is one and clear it (a CMocka teardown's body). */
void unit_vm_destroy(struct vm **vm);

/* unit_vm_destroy, then stop the simulated CPUs a test started
 * (sim_smp_start) with a sim_reset: the teardown of the multi-CPU tests. */
void unit_smp_destroy(struct vm **vm);

#endif
