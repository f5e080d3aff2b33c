/* Runtime of the AArch32 test guests (see guest.h). */
#include "guest.h"

volatile uint32_t last_dfsr, last_dfar, last_ifsr, last_ifar, undef_count, dabt_count;
volatile uint32_t sync_quiet, dabt_not_ext;

uint32_t guest_undef(uint32_t spsr, uint32_t lr);
uint32_t guest_dabt(uint32_t spsr, uint32_t lr);
uint32_t guest_pabt(uint32_t spsr, uint32_t lr);
void guest_bad_vector(void);

void put_hex64(uint64_t v)
{
    put_hex((uint32_t)(v >> 32));
    for (int sh = 28; sh >= 0; sh -= 4)
        put_char("0123456789abcdef"[((uint32_t)v >> sh) & 0xf]);
}

struct smccc_res hvc_call(uint32_t fn, uint32_t a1)
{
    register uint32_t r0 __asm__("r0") = fn;
    register uint32_t r1 __asm__("r1") = a1;
    register uint32_t r2 __asm__("r2") = 0;
    register uint32_t r3 __asm__("r3") = 0;
    __asm__ volatile(".arch_extension virt\n\thvc #0"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
                     :
                     : "memory");
    return (struct smccc_res){r0, r1, r2, r3};
}

struct smccc_res smc_call(uint32_t fn, uint32_t a1)
{
    register uint32_t r0 __asm__("r0") = fn;
    register uint32_t r1 __asm__("r1") = a1;
    register uint32_t r2 __asm__("r2") = 0;
    register uint32_t r3 __asm__("r3") = 0;
    __asm__ volatile(".arch_extension sec\n\tsmc #0"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
                     :
                     : "memory");
    return (struct smccc_res){r0, r1, r2, r3};
}

#include "../guest_runtime.h"

static uint32_t read_dfsr(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(v));
    return v;
}

static uint32_t read_dfar(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(v));
    return v;
}

static uint32_t read_ifsr(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c5, c0, 1" : "=r"(v));
    return v;
}

static uint32_t read_ifar(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c6, c0, 2" : "=r"(v));
    return v;
}

#define SPSR_T (1u << 5)

/* Length of the instruction at addr in the state spsr gives. */
static uint32_t insn_len(uint32_t spsr, uint32_t addr)
{
    if (!(spsr & SPSR_T))
        return 4;
    uint16_t hw1 = *(const volatile uint16_t *)addr;
    return (hw1 >> 11) >= 0x1d ? 4 : 2;
}

uint32_t guest_undef(uint32_t spsr, uint32_t lr)
{
    uint32_t insn = lr - ((spsr & SPSR_T) ? 2 : 4);
    undef_count++;
    if (sync_quiet)
        return insn + insn_len(spsr, insn);
    put_str("guest: undef at ");
    put_hex(insn);
    put_str((spsr & SPSR_T) ? " (thumb)\n" : " (arm)\n");
    return insn + insn_len(spsr, insn);
}

uint32_t guest_dabt(uint32_t spsr, uint32_t lr)
{
    uint32_t insn = lr - 8;
    last_dfsr = read_dfsr();
    last_dfar = read_dfar();
    dabt_count++;
    /* Synchronous external abort: FS 0b01000 in the short format, STATUS
     * 0x10 in the LPAE one (DFSR.LPAE, bit 9; ARMv7-A ARM B4.1.52). */
    int lpae = (last_dfsr >> 9) & 1;
    if (lpae ? (last_dfsr & 0x3f) != 0x10 : (last_dfsr & 0x40f) != 0x8)
        dabt_not_ext++;
    if (sync_quiet)
        return insn + insn_len(spsr, insn);
    put_str("guest: data abort at ");
    put_hex(insn);
    put_str(" DFSR=");
    put_hex(last_dfsr);
    put_str(" DFAR=");
    put_hex(last_dfar);
    put_str("\n");
    return insn + insn_len(spsr, insn);
}

volatile int pabt_return_to_caller;

/* A prefetch abort is a failure unless the test asked to return from the
 * aborted call: then resume at LR_svc (the caller's return address). */
uint32_t guest_pabt(uint32_t spsr, uint32_t lr)
{
    last_ifsr = read_ifsr();
    last_ifar = read_ifar();
    put_str("guest: prefetch abort IFSR=");
    put_hex(last_ifsr);
    put_str(" IFAR=");
    put_hex(last_ifar);
    put_str(" SPSR=");
    put_hex(spsr);
    put_str("\n");
    if (pabt_return_to_caller && (spsr & 0x1f) == 0x13) {
        uint32_t lr_svc;
        __asm__ volatile(".arch_extension virt\n\tmrs %0, LR_svc" : "=r"(lr_svc));
        return lr_svc;
    }
    put_str("guest: unexpected prefetch abort: FAIL\n");
    failures++;
    guest_exit_ok();
    return lr;
}

void guest_bad_vector(void)
{
    put_str("guest: unexpected exception: FAIL\n");
    failures++;
    guest_exit_ok();
}

/* An IRQ in a guest that did not ask for one (irq.c has its own). */
__attribute__((weak)) void guest_irq(void)
{
    guest_bad_vector();
}
