/*
 * Switching the self-hosted debug registers per vCPU (debug.h). Without
 * this a breakpoint or watchpoint one VM arms stays armed in the CPU while
 * the next VM runs (the probe of issue 12). As KVM does when its guest owns
 * the debug registers, we let EL1 program them untrapped and swap the whole
 * set when another vCPU is loaded; the cost is paid only then (vcpu.c).
 *
 * How many breakpoints and watchpoints: ID_AA64DFR0_EL1.BRPs/WRPs (Arm ARM
 * D13.2.59), read once; the guest reads the same register, so it is told
 * exactly the comparators it gets. The registers are numbered in the
 * instruction encoding, hence one switch per number.
 *
 * The OS Lock (OSLSR_EL1.OSLK) is read through OSLSR_EL1 and set through
 * OSLAR_EL1, last, after the comparators (Arm ARM D13.3).
 *
 * Not switched, because QEMU 7.2 (our platform) does not implement them:
 * an access from EL2 is UNDEFINED there and would stop the hypervisor. The
 * claim tags (DBGCLAIMSET/CLR_EL1: eight flag bits a debugger and the OS
 * use to share the debug logic, no effect on execution) and DBGPRCR_EL1
 * (asks the power controller to keep the core powered for an external
 * debugger). A guest on QEMU gets the same UNDEF for them; on hardware
 * that has them, a VM could see another's claim bits. Switching them
 * needs a way to know the CPU has them (issue 12, left for later).
 */
#include <stdbool.h>

#include "arch/armv8/debug.h"
#include "arch/armv8/sysregs.h"

#define CASE_RD(kind, n, arr)                                                                      \
    case n:                                                                                        \
        arr[n] = read_sysreg(dbg##kind##n##_el1);                                                  \
        break;
#define CASE_WR(kind, n, arr)                                                                      \
    case n:                                                                                        \
        write_sysreg(dbg##kind##n##_el1, arr[n]);                                                  \
        break;
#define EACH16(M, kind, arr)                                                                       \
    M(kind, 0, arr) M(kind, 1, arr) M(kind, 2, arr) M(kind, 3, arr) M(kind, 4, arr)                \
    M(kind, 5, arr) M(kind, 6, arr) M(kind, 7, arr) M(kind, 8, arr) M(kind, 9, arr)                \
    M(kind, 10, arr) M(kind, 11, arr) M(kind, 12, arr) M(kind, 13, arr) M(kind, 14, arr)           \
    M(kind, 15, arr)

static unsigned count(unsigned shift)
{
    return (unsigned)((read_sysreg(ID_AA64DFR0_EL1) >> shift) & ID_AA64DFR0_NUM_MASK) + 1;
}

static void save_bp(unsigned n, struct armv8_debug_regs *d)
{
    switch (n) { EACH16(CASE_RD, bvr, d->bvr) }
    switch (n) { EACH16(CASE_RD, bcr, d->bcr) }
}

static void save_wp(unsigned n, struct armv8_debug_regs *d)
{
    switch (n) { EACH16(CASE_RD, wvr, d->wvr) }
    switch (n) { EACH16(CASE_RD, wcr, d->wcr) }
}

static void restore_bp(unsigned n, const struct armv8_debug_regs *d)
{
    switch (n) { EACH16(CASE_WR, bvr, d->bvr) }
    switch (n) { EACH16(CASE_WR, bcr, d->bcr) }
}

static void restore_wp(unsigned n, const struct armv8_debug_regs *d)
{
    switch (n) { EACH16(CASE_WR, wvr, d->wvr) }
    switch (n) { EACH16(CASE_WR, wcr, d->wcr) }
}

void armv8_debug_reset(struct armv8_debug_regs *d)
{
    *d = (struct armv8_debug_regs){.oslsr = OSLSR_EL1_OSLK};
}

void armv8_debug_save(struct armv8_debug_regs *d, bool aa32)
{
    unsigned nb = count(ID_AA64DFR0_BRPS_SHIFT), nw = count(ID_AA64DFR0_WRPS_SHIFT);
    for (unsigned i = 0; i < nb; i++)
        save_bp(i, d);
    for (unsigned i = 0; i < nw; i++)
        save_wp(i, d);
    d->oslsr = read_sysreg(oslsr_el1);
    d->osdlr = read_sysreg(osdlr_el1);
    d->mdccint = read_sysreg(mdccint_el1);
    if (aa32)
        d->dbgvcr32 = read_sysreg(dbgvcr32_el2);
}

void armv8_debug_restore(const struct armv8_debug_regs *d, bool aa32)
{
    unsigned nb = count(ID_AA64DFR0_BRPS_SHIFT), nw = count(ID_AA64DFR0_WRPS_SHIFT);
    for (unsigned i = 0; i < nb; i++)
        restore_bp(i, d);
    for (unsigned i = 0; i < nw; i++)
        restore_wp(i, d);
    write_sysreg(osdlr_el1, d->osdlr);
    write_sysreg(mdccint_el1, d->mdccint);
    if (aa32)
        write_sysreg(dbgvcr32_el2, d->dbgvcr32);
    write_sysreg(oslar_el1, (d->oslsr & OSLSR_EL1_OSLK) ? OSLAR_EL1_OSLK : 0);
}
