/*
 * What the AArch64 and AArch32 test guests' runtimes (a64/guest.h,
 * a32/guest.h, which include this) share: QEMU virt's PL011 that armvisor
 * emulates, the SMCCC function IDs the guests call (PSCI, DEN0022 5.1, in
 * their SMC32 form; armvisor's own calls), and the console and check
 * functions guest_runtime.h defines once for both.
 */
#ifndef GUESTS_GUEST_COMMON_H
#define GUESTS_GUEST_COMMON_H

#include <stdint.h>

/* The PL011 (PrimeCell UART TRM DDI 0183, 3.2): data, flags, baud divisors. */
#define PL011_BASE 0x09000000ul
#define PL011_DR   0x00u
#define PL011_FR   0x18u
#define PL011_IBRD 0x24u
#define PL011_FBRD 0x28u

#define PSCI_VERSION      0x84000000u
#define PSCI_CPU_OFF      0x84000002u
#define PSCI_SYSTEM_OFF   0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define AV_HVC_PING       0x86000000u
#define AV_HVC_PUTC       0x86000001u
#define AV_HVC_EXIT       0x86000002u
#define AV_HVC_MAGIC      0x41564d31u

void put_char(char c);
void put_str(const char *s);
void put_hex(unsigned long v); /* "0x" and the register's width in digits */
void put_dec(uint64_t v);

/* Print "name: ok" or "name: FAIL" and count failures. */
void check(const char *name, int ok);
extern unsigned failures;

/* PSCI SYSTEM_OFF when nothing failed, else AV_HVC_EXIT with the count. */
void guest_exit_ok(void);

/* The IRQ vector's handler (start.S); guests that take IRQs define it. */
void guest_irq(void);

int main(void);

#endif
