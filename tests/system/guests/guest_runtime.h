/*
 * The part of the test guests' runtime that does not depend on the
 * instruction set (declared in guest_common.h): console output through the
 * PL011 (plain word stores: armvisor's ISV=1 MMIO path), checks, and the
 * exit. Defined once here and included by a64/guest.c and a32/guest.c,
 * which give hvc_call.
 */
#ifndef GUESTS_GUEST_RUNTIME_H
#define GUESTS_GUEST_RUNTIME_H

#include "guest_common.h"

#define PL011_FR_TXFF (1u << 5) /* transmit FIFO full */

unsigned failures;

static volatile uint32_t *const uart = (volatile uint32_t *)PL011_BASE;

void put_char(char c)
{
    while (uart[PL011_FR / 4] & PL011_FR_TXFF)
        ;
    uart[PL011_DR / 4] = (uint8_t)c;
}

void put_str(const char *s)
{
    while (*s)
        put_char(*s++);
}

void put_hex(unsigned long v)
{
    put_str("0x");
    for (int sh = (int)sizeof(v) * 8 - 4; sh >= 0; sh -= 4)
        put_char("0123456789abcdef"[(v >> sh) & 0xf]);
}

void put_dec(uint64_t v)
{
    char buf[20]; /* 2^64 has 20 digits */
    unsigned n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        put_char(buf[--n]);
}

void check(const char *name, int ok)
{
    put_str(name);
    put_str(ok ? ": ok\n" : ": FAIL\n");
    if (!ok)
        failures++;
}

void guest_exit_ok(void)
{
    if (failures) {
        put_str("guest: failures: ");
        put_hex(failures);
        put_str("\n");
        hvc_call(AV_HVC_EXIT, failures);
    } else {
        put_str("guest: all checks passed\n");
        hvc_call(PSCI_SYSTEM_OFF, 0);
    }
    for (;;)
        ;
}

#endif
