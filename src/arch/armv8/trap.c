/*
 * An exception taken at EL2 itself: a hypervisor bug (or a stray access the
 * EL2 map refuses). Report ESR_EL2, ELR_EL2, FAR_EL2, SPSR_EL2 and the
 * registers, then stop the machine through PSCI SYSTEM_OFF so a test run
 * ends at once (arch_halt prints "armvisor: halt 4", HALT_HYP_EXCEPTION, first).
 */
#include "arch/arch.h"
#include "arch/armv8/armv8.h"
#include "arch/armv8/sysregs.h"
#include "arch/boot/smp.h"
#include "lib/log.h"

static const char *const kinds[8] = {
    "synchronous (SP_EL0)", "IRQ (SP_EL0)", "FIQ (SP_EL0)", "SError (SP_EL0)",
    "synchronous",          "IRQ",          "FIQ",          "SError",
};

_Noreturn void armv8_el2_fault(struct armv8_el2_frame *f)
{
    /* One report: a CPU that faults while reporting stops the machine; any
     * other CPU that faults meanwhile parks and leaves the report whole. */
    static uint64_t reporter; /* 1 + MPIDR of the reporting CPU, 0: none */
    uint64_t me = read_sysreg(mpidr_el1) + 1, none = 0;
    if (!__atomic_compare_exchange_n(&reporter, &none, me, false, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED)) {
        if (none == me)
            armv8_system_off();
        for (;;)
            __asm__ volatile("wfe");
    }
    /* The vector borrowed TPIDR_EL2: point it at this CPU's record again
     * (found by MPIDR), so the console lock knows who holds it. */
    int index = boot_cpu_index(read_sysreg(mpidr_el1));
    armv8_cpu_record_set(index >= 0 ? (unsigned)index : 0);
    uint64_t esr = read_sysreg(esr_el2), elr = read_sysreg(elr_el2);
    uint64_t far = read_sysreg(far_el2), spsr = read_sysreg(spsr_el2);
    av_printf("\narmvisor: EL2 exception: %s\n", f->kind < 8 ? kinds[f->kind] : "?");
    av_printf("armvisor:   ESR_EL2 0x%016llx (EC 0x%02llx)  ELR_EL2 0x%016llx\n",
              (unsigned long long)esr, (unsigned long long)((esr >> 26) & 0x3f),
              (unsigned long long)elr);
    av_printf("armvisor:   FAR_EL2 0x%016llx  SPSR_EL2 0x%016llx\n", (unsigned long long)far,
              (unsigned long long)spsr);
    for (unsigned i = 0; i < 31; i += 2) {
        if (i < 30)
            av_printf("armvisor:   x%-2u 0x%016llx  x%-2u 0x%016llx\n", i,
                      (unsigned long long)f->x[i], i + 1, (unsigned long long)f->x[i + 1]);
        else
            av_printf("armvisor:   x%-2u 0x%016llx\n", i, (unsigned long long)f->x[i]);
    }
    av_printf("armvisor: CPU %u stopped\n", arch_cpu_id());
    arch_halt(HALT_HYP_EXCEPTION);
}
