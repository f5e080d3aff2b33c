/* The PMU armvisor gives an AArch32 guest: see ../pmu.h. PMCCNTR is read
 * and written 32 bits wide (MRC/MCR), and PMCCFILTR is reached as
 * PMXEVTYPER with PMSELR = 31, which ARMv7's PMUv2 and ARMv8 both have. */
#include "cpu_ops.h"
#include "guest.h"

#define PMU_PMCR_LC  0u
#define PMU_CNT_MASK 0xffffffffull
/* PMUv2 (ARMv7 with the Virtualization Extensions) or PMUv3. */
#define PMU_VERSION_OK(v) ((v) >= 2u && (v) != 0xfu)

static unsigned pmu_version(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c0, c1, 2" : "=r"(v)); /* ID_DFR0 */
    return (v >> 24) & 0xf;
}

static void pmu_loop(uint32_t n)
{
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n)::"cc");
}

static void pmu_hvc_ping(void)
{
    register uint32_t r0 __asm__("r0") = AV_HVC_PING;
    __asm__ volatile("hvc #0" : "+r"(r0)::"r1", "r2", "r3", "memory");
    if (r0 != AV_HVC_MAGIC)
        check("hvc ping answered", 0);
}

#include "../pmu.h"

#define RD(spec)                                                                                   \
    ({                                                                                             \
        uint32_t v_;                                                                               \
        __asm__ volatile("isb\n\tmrc " spec : "=r"(v_)::"memory");                                 \
        v_;                                                                                        \
    })
#define WR(spec, v) __asm__ volatile("mcr " spec "\n\tisb" ::"r"((uint32_t)(v)) : "memory")

static uint64_t pmu_get(enum pmu_r r)
{
    switch (r) {
    case P_PMCR:
        return RD("p15, 0, %0, c9, c12, 0");
    case P_CNTENSET:
        return RD("p15, 0, %0, c9, c12, 1");
    case P_CNTENCLR:
        return RD("p15, 0, %0, c9, c12, 2");
    case P_OVSCLR:
        return RD("p15, 0, %0, c9, c12, 3"); /* PMOVSR */
    case P_SELR:
        return RD("p15, 0, %0, c9, c12, 5");
    case P_CCNTR:
        return RD("p15, 0, %0, c9, c13, 0");
    case P_XEVTYPER:
        return RD("p15, 0, %0, c9, c13, 1");
    case P_XEVCNTR:
        return RD("p15, 0, %0, c9, c13, 2");
    case P_USERENR:
        return RD("p15, 0, %0, c9, c14, 0");
    case P_INTENSET:
        return RD("p15, 0, %0, c9, c14, 1");
    case P_INTENCLR:
        return RD("p15, 0, %0, c9, c14, 2");
    case P_OVSSET:
        return RD("p15, 0, %0, c9, c14, 3");
    }
    return 0;
}

static void pmu_set(enum pmu_r r, uint64_t v)
{
    switch (r) {
    case P_PMCR:
        WR("p15, 0, %0, c9, c12, 0", v);
        break;
    case P_CNTENSET:
        WR("p15, 0, %0, c9, c12, 1", v);
        break;
    case P_CNTENCLR:
        WR("p15, 0, %0, c9, c12, 2", v);
        break;
    case P_OVSCLR:
        WR("p15, 0, %0, c9, c12, 3", v);
        break;
    case P_SELR:
        WR("p15, 0, %0, c9, c12, 5", v);
        break;
    case P_CCNTR:
        WR("p15, 0, %0, c9, c13, 0", v);
        break;
    case P_XEVTYPER:
        WR("p15, 0, %0, c9, c13, 1", v);
        break;
    case P_XEVCNTR:
        WR("p15, 0, %0, c9, c13, 2", v);
        break;
    case P_USERENR:
        WR("p15, 0, %0, c9, c14, 0", v);
        break;
    case P_INTENSET:
        WR("p15, 0, %0, c9, c14, 1", v);
        break;
    case P_INTENCLR:
        WR("p15, 0, %0, c9, c14, 2", v);
        break;
    case P_OVSSET:
        WR("p15, 0, %0, c9, c14, 3", v);
        break;
    }
}
