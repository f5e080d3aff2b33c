/*
 * An exception taken in Hyp mode itself (vectors.S stubs): always a
 * hypervisor bug. Print what the CPU reported (HSR, ELR_hyp, SPSR_hyp,
 * HDFAR, HIFAR, HPFAR, the registers) and stop the machine: power off with
 * status HALT_HYP_EXCEPTION.
 */
#include "arch/armv7/armv7.h"
#include "arch/armv7/context.h"
#include "arch/armv7/cp15.h"
#include "arch/boot/smp.h"
#include "lib/log.h"

static const char *const vector_names[] = {
    "reset", "undefined instruction", "HVC in Hyp", "prefetch abort", "data abort",
};

void armv7_hyp_fault(unsigned vector, const uint32_t *regs, uint32_t sp)
{
    /* One report: a CPU faulting while reporting, or while another CPU
     * reports, stops quietly. */
    static int nested;
    if (__atomic_fetch_add(&nested, 1, __ATOMIC_RELAXED)) {
        for (;;)
            __asm__ volatile("wfi");
    }
    /* The vector parked SP_hyp in HTPIDR: point it at this CPU's record
     * again (found by MPIDR), so the console lock knows who holds it. */
    int index = boot_cpu_index(cp_read32(MPIDR));
    cp_write32(HTPIDR, (uint32_t)(uintptr_t)&armv7_cpus[index >= 0 ? index : 0]);
    isb();
    uint32_t elr, spsr;
    __asm__ volatile("mrs %0, ELR_hyp" : "=r"(elr));
    __asm__ volatile("mrs %0, spsr" : "=r"(spsr));
    const char *name = vector < 5 ? vector_names[vector] : "?";
    log_err("exception in Hyp mode: %s\n", name);
    av_printf("  HSR=0x%08x ELR_hyp=0x%08x SPSR_hyp=0x%08x\n", (unsigned)cp_read32(HSR),
              (unsigned)elr, (unsigned)spsr);
    av_printf("  HDFAR=0x%08x HIFAR=0x%08x HPFAR=0x%08x SP_hyp=0x%08x\n",
              (unsigned)cp_read32(HDFAR), (unsigned)cp_read32(HIFAR), (unsigned)cp_read32(HPFAR),
              (unsigned)sp);
    for (unsigned i = 0; i < 13; i++)
        av_printf("  r%-2u=0x%08x%s", i, (unsigned)regs[i], (i % 4 == 3) ? "\n" : "");
    av_printf("  lr =0x%08x\n", (unsigned)regs[13]);
    log_err("CPU %u stopped\n", arch_cpu_id());
    arch_halt(HALT_HYP_EXCEPTION);
}
