/*
 * The guest's PL1 system registers (the ones a Linux guest programs), saved
 * after every exit and restored before every entry. The hypervisor runs in
 * Hyp mode with its own HSCTLR/HTTBR/HTCR/HMAIR, so these registers belong
 * to the guest alone; with more than one vCPU per CPU they must follow the
 * vCPU. The list follows KVM/arm's cp15 context for Cortex-A15 (for facts),
 * names per the ARMv7-A ARM B4.1. TTBR0/TTBR1/PAR use their 64-bit
 * MCRR/MRRC forms so LPAE guests keep all bits.
 */
#include "arch/armv7/context.h"
#include "arch/armv7/cp15.h"

void armv7_cp15_save(struct armv7_cp15 *c)
{
    c->sctlr = cp_read32(SCTLR);
    c->cpacr = cp_read32(CPACR);
    c->ttbcr = cp_read32(TTBCR);
    c->dacr = cp_read32(DACR);
    c->ttbr0 = cp_read64(TTBR0);
    c->ttbr1 = cp_read64(TTBR1);
    c->par = cp_read64(PAR64);
    c->dfsr = cp_read32(DFSR);
    c->ifsr = cp_read32(IFSR);
    c->adfsr = cp_read32(ADFSR);
    c->aifsr = cp_read32(AIFSR);
    c->dfar = cp_read32(DFAR);
    c->ifar = cp_read32(IFAR);
    c->prrr = cp_read32(PRRR);
    c->nmrr = cp_read32(NMRR);
    c->amair0 = cp_read32(AMAIR0);
    c->amair1 = cp_read32(AMAIR1);
    c->vbar = cp_read32(VBAR);
    c->contextidr = cp_read32(CONTEXTIDR);
    c->tpidrurw = cp_read32(TPIDRURW);
    c->tpidruro = cp_read32(TPIDRURO);
    c->tpidrprw = cp_read32(TPIDRPRW);
    c->csselr = cp_read32(CSSELR);
    c->cntkctl = cp_read32(CNTKCTL);
    c->cntv_ctl = cp_read32(CNTV_CTL);
    c->cntv_cval = cp_read64(CNTV_CVAL);
    /* The guest's virtual timer stays live in the CPU after an exit: its
     * PPI 27 is what wakes the hypervisor's WFI (gicv2.c, arch_cpu_idle),
     * and the core holds it active until the guest EOIs (core/vtimer.c).
     * The next vCPU's restore replaces it. */
}

void armv7_cp15_restore(const struct armv7_cp15 *c)
{
    cp_write32(VMPIDR, c->vmpidr);
    cp_write32(CSSELR, c->csselr);
    cp_write32(CPACR, c->cpacr);
    cp_write32(TTBCR, c->ttbcr);
    cp_write32(DACR, c->dacr);
    cp_write64(TTBR0, c->ttbr0);
    cp_write64(TTBR1, c->ttbr1);
    cp_write64(PAR64, c->par);
    cp_write32(DFSR, c->dfsr);
    cp_write32(IFSR, c->ifsr);
    cp_write32(ADFSR, c->adfsr);
    cp_write32(AIFSR, c->aifsr);
    cp_write32(DFAR, c->dfar);
    cp_write32(IFAR, c->ifar);
    cp_write32(PRRR, c->prrr);
    cp_write32(NMRR, c->nmrr);
    cp_write32(AMAIR0, c->amair0);
    cp_write32(AMAIR1, c->amair1);
    cp_write32(VBAR, c->vbar);
    cp_write32(CONTEXTIDR, c->contextidr);
    cp_write32(TPIDRURW, c->tpidrurw);
    cp_write32(TPIDRURO, c->tpidruro);
    cp_write32(TPIDRPRW, c->tpidrprw);
    cp_write32(CNTKCTL, c->cntkctl);
    cp_write64(CNTVOFF, c->cntvoff);
    cp_write64(CNTV_CVAL, c->cntv_cval);
    cp_write32(CNTV_CTL, c->cntv_ctl);
    /* SCTLR last: it may turn the guest's MMU on over the registers above. */
    cp_write32(SCTLR, c->sctlr);
    isb();
}
