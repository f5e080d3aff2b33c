/*
 * The hardware side of stage 2 (the core's engine in core/stage2.c writes
 * the tables): which format this CPU walks (VTCR_EL2), table visibility, and
 * TLB maintenance by VMID. Also the per-CPU EL2 controls that do not change
 * from one VM to the next (CPTR_EL2, CNTHCTL_EL2, MDCR_EL2 through pmu.c).
 */
#include "arch/arch.h"
#include "arch/armv8/armv8.h"
#include "arch/armv8/sysregs.h"

/* PARange -> physical address bits (ID_AA64MMFR0_EL1, D13.2.64). */
static unsigned pa_bits(void)
{
    static const unsigned bits[] = {32, 36, 40, 42, 44, 48, 52};
    uint64_t r = read_sysreg(ID_AA64MMFR0_EL1) & ID_AA64MMFR0_PARANGE_MASK;
    return r < sizeof(bits) / sizeof(bits[0]) ? bits[r] : 32;
}

bool arch_stage2_format(unsigned want, struct stage2_format *fmt)
{
    /* The IPA space may not be larger than the CPU's PA space (VTCR_EL2.PS
     * bounds the output, and Arm ARM D5.2.6 makes a larger input a fault).
     * 40-bit: two concatenated level-1 tables (as KVM); 48-bit: level 0. */
    unsigned pa = pa_bits();
    if (want == 0)
        want = pa >= 48 ? 48 : 40;
    if (want == 48 && pa >= 48) {
        *fmt = (struct stage2_format){.ipa_bits = 48, .start_level = 0, .concat = 1};
        return true;
    }
    if (want == 40 && pa >= 40) {
        *fmt = (struct stage2_format){.ipa_bits = 40, .start_level = 1, .concat = 2};
        return true;
    }
    return false;
}

uint64_t armv8_vtcr(const struct stage2_format *fmt)
{
    /* SL0 with a 4 KiB granule: 0 starts at level 2, 1 at level 1, 2 at 0. */
    uint64_t sl0 = 2 - fmt->start_level;
    return VTCR_EL2_RES1 | ((64ull - fmt->ipa_bits) << VTCR_EL2_T0SZ_SHIFT) |
           (sl0 << VTCR_EL2_SL0_SHIFT) | VTCR_EL2_IRGN0_WBWA | VTCR_EL2_ORGN0_WBWA |
           VTCR_EL2_SH0_INNER | VTCR_EL2_TG0_4K | (armv8_pa_size_field() << VTCR_EL2_PS_SHIFT);
}

void arch_stage2_sync(void *va, size_t len)
{
    /* Tables live in Normal write-back memory and VTCR_EL2 makes the walks
     * inner-shareable write-back too: the walker is coherent with our
     * stores, a barrier suffices (Arm ARM D5.10.2). */
    (void)va;
    (void)len;
    dsb_ishst();
}

/* TLBI by IPA uses the VMID in VTTBR_EL2 (D5.10.1): borrow it. */
static uint64_t vmid_select(uint16_t vmid)
{
    uint64_t old = read_sysreg(vttbr_el2);
    write_sysreg(vttbr_el2, (uint64_t)(vmid & 0xff) << VTTBR_VMID_SHIFT);
    isb();
    return old;
}

static void vmid_restore(uint64_t old)
{
    write_sysreg(vttbr_el2, old);
    isb();
}

#define TLBI_BY_IPA_MAX_PAGES 64

void arch_tlb_inval_ipa(uint16_t vmid, ipa_t ipa, uint64_t size)
{
    uint64_t old = vmid_select(vmid);
    dsb_ishst(); /* the descriptor change is visible before the TLBI */
    uint64_t pages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
    if (pages > TLBI_BY_IPA_MAX_PAGES) {
        __asm__ volatile("tlbi vmalls12e1is" ::: "memory");
    } else {
        for (uint64_t i = 0; i < pages; i++) {
            uint64_t arg = ((ipa >> PAGE_SHIFT) + i) & 0xfffffffffull; /* IPA[47:12] */
            __asm__ volatile("tlbi ipas2e1is, %0" : : "r"(arg) : "memory");
        }
        /* Combined stage 1+2 entries are not tagged by IPA: drop the VMID's
         * stage-1 entries too (Arm ARM D5.10.2, "TLB maintenance ... stage 2"). */
        dsb_ish();
        __asm__ volatile("tlbi vmalle1is" ::: "memory");
    }
    dsb_ish();
    isb();
    vmid_restore(old);
}

void arch_tlb_inval_vmid(uint16_t vmid)
{
    uint64_t old = vmid_select(vmid);
    dsb_ishst();
    __asm__ volatile("tlbi vmalls12e1is" ::: "memory");
    dsb_ish();
    isb();
    vmid_restore(old);
}

void arch_tlb_inval_vmid_local(uint16_t vmid)
{
    /* TLBI VMALLE1: this PE's stage-1 EL1&0 entries of the VMID in
     * VTTBR_EL2 (Arm ARM C5.5), not broadcast. */
    uint64_t old = vmid_select(vmid);
    __asm__ volatile("tlbi vmalle1" ::: "memory");
    dsb_ish();
    isb();
    vmid_restore(old);
}

void armv8_el2_init(void)
{
    /* Host HCR_EL2: EL1 is AArch64, nothing trapped, stage 2 off until a
     * vCPU runs (vcpu.c loads the guest's HCR_EL2). */
    write_sysreg(hcr_el2, HCR_EL2_RW);
    /* FP/SIMD trapped until a vCPU's registers are loaded (lazy switch in
     * vcpu.c); SVE and SME always (not context-switched, and hidden from
     * guests by core/idregs.c, so their instructions UNDEF); trace
     * registers too, and the activity monitors where they exist. */
    uint64_t cptr = CPTR_EL2_RES1 | CPTR_EL2_TFP | CPTR_EL2_TZ | CPTR_EL2_TSM | CPTR_EL2_TTA;
    if ((read_sysreg(id_aa64pfr0_el1) >> ID_AA64PFR0_AMU_SHIFT) & 0xf)
        cptr |= CPTR_EL2_TAM;
    write_sysreg(cptr_el2, cptr);
    /* EL1 may read the physical counter but not program the physical
     * timer (EL1PCEN clear): a CNTP_* access traps here and the core
     * emulates the timer per vCPU (core/ptimer.c). The hypervisor's own
     * timer (CNTHP, hyp_timer.c) starts off: its reset state is UNKNOWN. The event
     * stream (every 2^(EVNTI+1) ticks, ~1 ms at 62.5 MHz) bounds a WFE in
     * arch_cpu_idle on hardware. */
    write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN | CNTHCTL_EVNTEN | (15ull << CNTHCTL_EVNTI_SHIFT));
    write_sysreg(cntvoff_el2, 0);
    arch_hyp_timer_disarm();
    /* PMU accesses trap to EL2, where the core emulates them (pmu.c). */
    armv8_pmu_el2_init();
    write_sysreg(vttbr_el2, 0);
    isb();
}
