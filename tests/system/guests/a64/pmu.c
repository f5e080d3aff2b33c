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

#include "../pmu.h"

#define RD(reg)                                                                                    \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("isb\n\tmrs %0, " #reg : "=r"(v_)::"memory");                             \
        v_;                                                                                        \
    })
#define WR(reg, v) __asm__ volatile("msr " #reg ", %0\n\tisb" ::"r"((uint64_t)(v)) : "memory")

static uint64_t pmu_get(enum pmu_r r)
{
    switch (r) {
    case P_PMCR:
        return RD(pmcr_el0);
    case P_CNTENSET:
        return RD(pmcntenset_el0);
    case P_CNTENCLR:
        return RD(pmcntenclr_el0);
    case P_INTENSET:
        return RD(pmintenset_el1);
    case P_INTENCLR:
        return RD(pmintenclr_el1);
    case P_OVSSET:
        return RD(pmovsset_el0);
    case P_OVSCLR:
        return RD(pmovsclr_el0);
    case P_SELR:
        return RD(pmselr_el0);
    case P_XEVTYPER:
        return RD(pmxevtyper_el0);
    case P_XEVCNTR:
        return RD(pmxevcntr_el0);
    case P_CCNTR:
        return RD(pmccntr_el0);
    case P_USERENR:
        return RD(pmuserenr_el0);
    }
    return 0;
}

static void pmu_set(enum pmu_r r, uint64_t v)
{
    switch (r) {
    case P_PMCR:
        WR(pmcr_el0, v);
        break;
    case P_CNTENSET:
        WR(pmcntenset_el0, v);
        break;
    case P_CNTENCLR:
        WR(pmcntenclr_el0, v);
        break;
    case P_INTENSET:
        WR(pmintenset_el1, v);
        break;
    case P_INTENCLR:
        WR(pmintenclr_el1, v);
        break;
    case P_OVSSET:
        WR(pmovsset_el0, v);
        break;
    case P_OVSCLR:
        WR(pmovsclr_el0, v);
        break;
    case P_SELR:
        WR(pmselr_el0, v);
        break;
    case P_XEVTYPER:
        WR(pmxevtyper_el0, v);
        break;
    case P_XEVCNTR:
        WR(pmxevcntr_el0, v);
        break;
    case P_CCNTR:
        WR(pmccntr_el0, v);
        break;
    case P_USERENR:
        WR(pmuserenr_el0, v);
        break;
    }
}
