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

#define PMU_RD(spec)                                                                               \
    ({                                                                                             \
        uint32_t v_;                                                                               \
        __asm__ volatile("isb\n\tmrc " spec : "=r"(v_)::"memory");                                 \
        v_;                                                                                        \
    })
#define PMU_WR(spec, v) __asm__ volatile("mcr " spec "\n\tisb" ::"r"((uint32_t)(v)) : "memory")

/* Each register of enum pmu_r and how this ISA names it. */
#define PMU_REGS(X)                                                                                \
    X(P_PMCR, "p15, 0, %0, c9, c12, 0")                                                            \
    X(P_CNTENSET, "p15, 0, %0, c9, c12, 1")                                                        \
    X(P_CNTENCLR, "p15, 0, %0, c9, c12, 2")                                                        \
    X(P_OVSCLR, "p15, 0, %0, c9, c12, 3") /* PMOVSR */                                             \
    X(P_SELR, "p15, 0, %0, c9, c12, 5")                                                            \
    X(P_CCNTR, "p15, 0, %0, c9, c13, 0")                                                           \
    X(P_XEVTYPER, "p15, 0, %0, c9, c13, 1")                                                        \
    X(P_XEVCNTR, "p15, 0, %0, c9, c13, 2")                                                         \
    X(P_USERENR, "p15, 0, %0, c9, c14, 0")                                                         \
    X(P_INTENSET, "p15, 0, %0, c9, c14, 1")                                                        \
    X(P_INTENCLR, "p15, 0, %0, c9, c14, 2")                                                        \
    X(P_OVSSET, "p15, 0, %0, c9, c14, 3")

#include "../pmu.h"
