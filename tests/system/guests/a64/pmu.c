/* The PMU armvisor gives an AArch64 guest: see ../pmu.h. */
#include "guest.h"

#define PMU_PMCR_LC       PMCR_LC
#define PMU_CPU_ON        0xc4000003u
#define PMU_VERSION_OK(v) ((v) == 1u) /* PMUv3, as armvisor advertises it */

void secondary_entry(void);

/* CPU_ON's entry: a stack (the top of pmu_stacks[1]), the vector table,
 * then pmu_secondary. */
__asm__(".text\n"
        ".balign 4\n"
        ".global secondary_entry\n"
        "secondary_entry:\n"
        "    ldr     x2, =pmu_stacks + 8192\n"
        "    mov     sp, x2\n"
        "    ldr     x1, =guest_vectors\n"
        "    msr     vbar_el1, x1\n"
        "    isb\n"
        "    bl      pmu_secondary\n"
        "1:  wfi\n"
        "    b       1b\n"
        ".ltorg\n");

static unsigned pmu_version(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, id_aa64dfr0_el1" : "=r"(v));
    return (unsigned)(v >> 8) & 0xf;
}

static void pmu_irq_on(void)
{
    __asm__ volatile("msr daifclr, #2" ::: "memory");
}

static void pmu_irq_off(void)
{
    __asm__ volatile("msr daifset, #2" ::: "memory");
}

static uint64_t pmu_count(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
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

static void pmu_wfi(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

static void pmu_wfe(void)
{
    __asm__ volatile("wfe" ::: "memory");
}

static void pmu_sev(void)
{
    __asm__ volatile("dsb ish\n\tsev" ::: "memory");
}

static int64_t pmu_psci(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return (int64_t)x0;
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

static int pmu_refused_read(enum pmu_r r)
{
    unsigned before = undef_count;
    sync_quiet = 1;
    (void)pmu_get(r);
    sync_quiet = 0;
    return undef_count == before + 1;
}
