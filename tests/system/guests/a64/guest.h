/*
 * The little runtime of the AArch64 test guests: console output through the
 * PL011 armvisor emulates at 0x09000000 (plain word stores: the ISV=1 MMIO
 * path), SMCCC calls through HVC/SMC, checks, and the exception record the
 * vector handler (start.S) fills.
 */
#ifndef GUEST_A64_GUEST_H
#define GUEST_A64_GUEST_H

#include <stdint.h>

#include "../guest_common.h"

/* ESR_EL1 fields (Arm ARM D13.2.36). */
#define ESR_EC(esr)   (((esr) >> 26) & 0x3f)
#define ESR_IL        (1u << 25)
#define EC_UNKNOWN    0x00
#define EC_IABT_CUR   0x21
#define EC_DABT_CUR   0x25
#define EC_BKPT_CUR   0x31 /* breakpoint, taken without a change of EL */
#define EC_WATCH_CUR  0x35 /* watchpoint, taken without a change of EL */
#define ESR_DFSC(esr) ((esr)&0x3f)
#define ESR_WNR       (1u << 6)
#define FSC_SYNC_EXT  0x10

struct smccc_res {
    uint64_t x0, x1, x2, x3;
};

/* SMC Calling Convention call with function fn and argument a1. */
struct smccc_res hvc_call(uint64_t fn, uint64_t a1);
struct smccc_res smc_call(uint64_t fn, uint64_t a1);

/* What the last synchronous exception at EL1 reported (start.S ->
 * guest_sync): counts per class, and ESR/FAR/ELR of the last one. */
extern volatile uint64_t last_esr, last_far, last_elr;
extern volatile unsigned undef_count, dabt_count, iabt_count;
/* Set by a guest that provokes thousands of exceptions (hostile.c):
 * guest_sync counts them without printing each. dabt_not_ext counts data
 * aborts whose DFSC is not a synchronous external abort (what armvisor
 * injects): those came from the guest's own translation, not armvisor. */
extern volatile unsigned sync_quiet, dabt_not_ext;

static inline uint64_t read_currentel(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, CurrentEL" : "=r"(v));
    return (v >> 2) & 3;
}

/* x0 at entry (armvisor's boot registers; the VM index in two_vms). */
extern uint64_t boot_x0;

/* A breakpoint or watchpoint exception (guest_sync); returns the address
 * to resume at. Guests that arm them define it; the default fails. */
uint64_t guest_debug(uint64_t esr, uint64_t elr, uint64_t far);

#endif
