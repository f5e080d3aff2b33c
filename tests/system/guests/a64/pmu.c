/* The PMU armvisor gives an AArch64 guest: see ../pmu.h. */
#include "cpu_ops.h"
#include "guest.h"

#define PMU_PMCR_LC       PMCR_LC
#define PMU_VERSION_OK(v) ((v) == 1u) /* PMUv3, as armvisor advertises it */

static unsigned pmu_version(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, id_aa64dfr0_el1" : "=r"(v));
    return (unsigned)(v >> 8) & 0xf;
}

static void pmu_loop(uint32_t n)
{
    __asm__ volatile("1: subs %w0, %w0, #1\n\tb.ne 1b" : "+r"(n)::"cc");
}

static void pmu_hvc_ping(void)
{
    register uint64_t x0 __asm__("x0") = AV_HVC_PING;
    __asm__ volatile("hvc #0" : "+r"(x0)::"x1", "x2", "x3", "memory");
    if (x0 != AV_HVC_MAGIC)
        check("hvc ping answered", 0);
}

#define PMU_RD(reg)                                                                                \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("isb\n\tmrs %0, " #reg : "=r"(v_)::"memory");                             \
        v_;                                                                                        \
    })
#define PMU_WR(reg, v) __asm__ volatile("msr " #reg ", %0\n\tisb" ::"r"((uint64_t)(v)) : "memory")

/* Each register of enum pmu_r and how this ISA names it. */
#define PMU_REGS(X)                                                                                \
    X(P_PMCR, pmcr_el0)                                                                            \
    X(P_CNTENSET, pmcntenset_el0)                                                                  \
    X(P_CNTENCLR, pmcntenclr_el0)                                                                  \
    X(P_INTENSET, pmintenset_el1)                                                                  \
    X(P_INTENCLR, pmintenclr_el1)                                                                  \
    X(P_OVSSET, pmovsset_el0)                                                                      \
    X(P_OVSCLR, pmovsclr_el0)                                                                      \
    X(P_SELR, pmselr_el0)                                                                          \
    X(P_XEVTYPER, pmxevtyper_el0)                                                                  \
    X(P_XEVCNTR, pmxevcntr_el0)                                                                    \
    X(P_CCNTR, pmccntr_el0)                                                                        \
    X(P_USERENR, pmuserenr_el0)

#include "../pmu.h"
