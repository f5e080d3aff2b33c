/*
 * Physical CPUs on ARMv8: each CPU's record (struct armv8_cpu, TPIDR_EL2),
 * arch_cpu_id(), and a secondary CPU's way from the PSCI CPU_ON entry
 * (boot.S, armv8_secondary_entry) to the scheduler, through the same EL2
 * set-up the boot CPU does: its stage-1 MMU over the shared tables
 * (armv8_mmu_enable), VBAR_EL2, the EL2 controls (armv8_el2_init), its GIC
 * CPU interface and virtual interface control (gicv2_cpu_init). Which CPUs
 * to start and the wait for them is shared with ARMv7 (arch/boot/smp.c).
 */
#include "arch/boot/smp.h"
#include "arch/arch.h"
#include "arch/armv8/armv8.h"
#include "arch/armv8/sysregs.h"
#include "core/sched.h"

/* PSCI CPU_ON, SMC64 form (Arm DEN0022D 5.1.4). */
#define PSCI_CPU_ON64 0xc4000003u

struct armv8_cpu armv8_cpus[PCPU_MAX];

/* TPIDR_EL2 points at the CPU's record from boot.S on. (Entered at the
 * wrong EL, EL1, where TPIDR_EL2 does not exist, armvisor never asks: it
 * says why without a lock and powers off, main.c.) */
unsigned arch_cpu_id(void)
{
    return armv8_this_cpu()->index;
}

void armv8_cpu_record_set(unsigned index)
{
    struct armv8_cpu *c = &armv8_cpus[index];
    c->index = index;
    c->cptr_traps = ~0ull;
    write_sysreg(tpidr_el2, (uint64_t)(uintptr_t)c);
    isb();
}

_Noreturn void armv8_secondary_main(uint64_t index)
{
    armv8_mmu_enable();
    write_sysreg(vbar_el2, (uint64_t)(uintptr_t)armv8_el2_vectors);
    isb();
    armv8_el2_init();
    gicv2_cpu_init();
    sched_secondary_main();
}

static uint64_t mpidr_self(void)
{
    return read_sysreg(mpidr_el1);
}

extern char armv8_secondary_entry[];

static int32_t cpu_on(uint64_t target, unsigned index)
{
    /* The new CPU reads its record with its MMU off: the boot CPU wrote it
     * through its cache. Its stack and the EL2 tables were written with
     * the MMU off (boot.S's .bss clearing, mmu.c) and are in memory. */
    struct armv8_cpu *c = &armv8_cpus[index];
    c->index = index;
    c->cptr_traps = ~0ull;
    armv8_dcache_clean_poc((uint64_t)(uintptr_t)c, sizeof(*c));
    /* Entry point: its physical address, which is its link address (the
     * image runs where it is linked, armv8_main checks). */
    return (int32_t)armv8_psci_call(PSCI_CPU_ON64, target,
                                    (uint64_t)(uintptr_t)armv8_secondary_entry, index);
}

static const struct boot_smp_arch smp_armv8 = {
    .mpidr_self = mpidr_self,
    .cpu_on = cpu_on,
};

void armv8_smp_start(const struct boot_info *bi)
{
    boot_smp_start(bi, &smp_armv8);
}
