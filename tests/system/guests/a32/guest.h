/*
 * The little runtime of the AArch32 test guests: console output through the
 * PL011 armvisor emulates at 0x09000000 (plain word stores: the ISV=1 MMIO
 * path), SMCCC calls through HVC/SMC, and the exits.
 */
#ifndef GUEST_A32_GUEST_H
#define GUEST_A32_GUEST_H

#include <stdint.h>

#define PL011_BASE 0x09000000u
#define PL011_DR   0x00u
#define PL011_FR   0x18u
#define PL011_IBRD 0x24u
#define PL011_FBRD 0x28u

#define PSCI_VERSION    0x84000000u
#define PSCI_SYSTEM_OFF 0x84000008u
#define AV_HVC_PING     0x86000000u
#define AV_HVC_PUTC     0x86000001u
#define AV_HVC_EXIT     0x86000002u
#define AV_HVC_MAGIC    0x41564d31u

struct smccc_res {
    uint32_t r0, r1, r2, r3;
};

void put_char(char c);
void put_str(const char *s);
void put_hex(uint32_t v);   /* "0x" and 8 digits */
void put_hex64(uint64_t v); /* "0x" and 16 digits */

/* SMC Calling Convention call with function fn and argument a1. */
struct smccc_res hvc_call(uint32_t fn, uint32_t a1);
struct smccc_res smc_call(uint32_t fn, uint32_t a1);

/* Print "name: ok" or "name: FAIL" and count failures. */
void check(const char *name, int ok);
extern unsigned failures;

/* PSCI SYSTEM_OFF when nothing failed, else AV_HVC_EXIT with the count. */
void guest_exit_ok(void);

/* Exception hooks (start.S): return the address to resume at. The default
 * ones print and stop the guest; a test may record what it expects. */
extern volatile int pabt_return_to_caller;
extern volatile uint32_t last_dfsr, last_dfar, last_ifsr, last_ifar, undef_count, dabt_count;
/* Set by a guest that provokes thousands of exceptions (hostile.c): the
 * handlers count UNDEFs and data aborts without printing each.
 * dabt_not_ext counts data aborts that are not synchronous external aborts
 * (what armvisor injects): those came from the guest's own CPU. */
extern volatile uint32_t sync_quiet, dabt_not_ext;

/* The IRQ vector's handler (start.S); guests that take IRQs define it. */
void guest_irq(void);

/* Thumb code and the test programs' main. */
int main(void);

#endif
