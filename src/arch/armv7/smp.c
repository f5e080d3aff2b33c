/*
 * Physical CPUs on ARMv7: each CPU's record (struct armv7_cpu, HTPIDR),
 * arch_cpu_id(), and a secondary CPU's way from the PSCI CPU_ON entry
 * (boot.S, armv7_secondary_entry: HVBAR, HTPIDR, its stack) to the
 * scheduler, through the same Hyp set-up the boot CPU does: the Hyp MMU
 * over the shared table (armv7_hyp_mmu_enable: HMAIR, HTCR, HTTBR,
 * HSCTLR), HCR/HCPTR/HDCR/HSTR/CNTHCTL/VTCR (armv7_cpu_init), its GIC CPU
 * interface and GICH (gicv2_cpu_init). Which CPUs to start and the wait for
 * them is shared with ARMv8 (arch/boot/smp.c).
 */
#include "arch/boot/smp.h"
#include "arch/armv7/armv7.h"
#include "arch/armv7/context.h"
#include "arch/armv7/cp15.h"
#include "core/pcpu.h"
#include "core/sched.h"

/* PSCI CPU_ON, SMC32 form (Arm DEN0022D 5.1.4). */
#define PSCI_CPU_ON32 0x84000003u

_Static_assert(ARMV7_CPUS == PCPU_MAX, "a record and a stack per possible CPU");

struct armv7_cpu armv7_cpus[ARMV7_CPUS];

unsigned arch_cpu_id(void)
{
    return armv7_this_cpu()->index;
}

_Noreturn void armv7_secondary_main(uint32_t index)
{
    (void)index; /* boot.S pointed HTPIDR at its record */
    armv7_hyp_mmu_enable();
    armv7_cpu_init();
    gicv2_cpu_init();
    sched_secondary_main();
}

static uint64_t mpidr_self(void)
{
    return cp_read32(MPIDR);
}

extern char armv7_secondary_entry[];

static int32_t cpu_on(uint64_t target, unsigned index)
{
    /* The new CPU reads its record with its MMU off: the boot CPU wrote it
     * through its cache (DCCMVAC to the Point of Coherency, B4.2.1). Its
     * stack was zeroed with the MMU off and is in memory. */
    struct armv7_cpu *c = &armv7_cpus[index];
    c->index = index;
    dsb_sy();
    cp_write32(DCCMVAC, (uint32_t)(uintptr_t)c);
    dsb_sy();
    /* Entry point: its physical address, the link address (boot.S refuses
     * to run anywhere else; Hyp VA = PA). */
    return armv7_psci_call(PSCI_CPU_ON32, (uint32_t)target,
                           (uint32_t)(uintptr_t)armv7_secondary_entry, index);
}

static const struct boot_smp_arch smp_armv7 = {
    .mpidr_self = mpidr_self,
    .cpu_on = cpu_on,
};

void armv7_smp_start(const struct boot_info *bi)
{
    boot_smp_start(bi, &smp_armv7);
}
