/* Runtime of the AArch64 test guests (see guest.h). */
#include "guest.h"

uint64_t boot_x0;
volatile uint64_t last_esr, last_far, last_elr;
volatile unsigned undef_count, dabt_count, iabt_count;
volatile unsigned sync_quiet, dabt_not_ext;

uint64_t guest_sync(uint64_t esr, uint64_t elr, uint64_t far);
void guest_bad_vector(uint64_t n, uint64_t esr, uint64_t elr);

struct smccc_res hvc_call(uint64_t fn, uint64_t a1)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = 0;
    register uint64_t x3 __asm__("x3") = 0;
    __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return (struct smccc_res){x0, x1, x2, x3};
}

struct smccc_res smc_call(uint64_t fn, uint64_t a1)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = 0;
    register uint64_t x3 __asm__("x3") = 0;
    __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return (struct smccc_res){x0, x1, x2, x3};
}

#include "../guest_runtime.h"

/* A synchronous exception at EL1: record it and skip the instruction (all
 * A64 instructions are 4 bytes). Classes the tests do not provoke stop the
 * guest with a FAIL. */
uint64_t guest_sync(uint64_t esr, uint64_t elr, uint64_t far)
{
    last_esr = esr;
    last_elr = elr;
    switch (ESR_EC(esr)) {
    case EC_UNKNOWN:
        undef_count++;
        if (sync_quiet)
            return elr + 4;
        put_str("guest: undef at ");
        put_hex(elr);
        put_str(" ESR_EL1=");
        put_hex(esr);
        put_str("\n");
        return elr + 4;
    case EC_DABT_CUR:
        dabt_count++;
        last_far = far;
        if (ESR_DFSC(esr) != FSC_SYNC_EXT)
            dabt_not_ext++;
        if (sync_quiet)
            return elr + 4;
        put_str("guest: data abort at ");
        put_hex(elr);
        put_str(" ESR_EL1=");
        put_hex(esr);
        put_str(" FAR_EL1=");
        put_hex(far);
        put_str("\n");
        return elr + 4;
    case EC_BKPT_CUR:
    case EC_WATCH_CUR:
        return guest_debug(esr, elr, far);
    default:
        put_str("guest: unexpected exception ESR_EL1=");
        put_hex(esr);
        put_str(" ELR_EL1=");
        put_hex(elr);
        put_str(" FAR_EL1=");
        put_hex(far);
        put_str("\n");
        check("expected exception class", 0);
        guest_exit_ok();
        return elr;
    }
}

void guest_bad_vector(uint64_t n, uint64_t esr, uint64_t elr)
{
    put_str("guest: unexpected vector ");
    put_hex(n);
    put_str(" ESR_EL1=");
    put_hex(esr);
    put_str(" ELR_EL1=");
    put_hex(elr);
    put_str("\n");
    check("expected vector", 0);
    guest_exit_ok();
}

/* A debug exception in a guest that armed nothing (watch.c has its own). */
__attribute__((weak)) uint64_t guest_debug(uint64_t esr, uint64_t elr, uint64_t far)
{
    put_str("guest: unexpected debug exception ESR_EL1=");
    put_hex(esr);
    put_str(" FAR_EL1=");
    put_hex(far);
    put_str("\n");
    check("expected debug exception", 0);
    guest_exit_ok();
    return elr;
}

/* An IRQ in a guest that did not ask for one (irq.c has its own). */
__attribute__((weak)) void guest_irq(void)
{
    guest_bad_vector(5, 0, 0);
}
