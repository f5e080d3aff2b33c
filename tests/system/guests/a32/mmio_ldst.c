/*
 * MMIO accesses the CPU reports with ISV=0, which armvisor must decode from
 * the instruction itself (A32 or T32, whichever this file is built as):
 * STRD/LDRD on the PL011 baud-rate divisors (two 32-bit registers), and a
 * post-indexed STRB to the data register that must update its base register.
 * The T32 build also traps inside an IT block, checking that ITSTATE
 * advances past the emulated instruction.
 */
#include "guest.h"

static void check_pair(void)
{
    uint32_t base = PL011_BASE + PL011_IBRD;
    register uint32_t w0 __asm__("r2") = 0x123;
    register uint32_t w1 __asm__("r3") = 0x15;
    __asm__ volatile("strd %0, %1, [%2]" ::"r"(w0), "r"(w1), "r"(base) : "memory");
    register uint32_t r0 __asm__("r4") = 0;
    register uint32_t r1 __asm__("r5") = 0;
    __asm__ volatile("ldrd %0, %1, [%2]" : "=r"(r0), "=r"(r1) : "r"(base) : "memory");
    put_str("ldrd: ibrd=");
    put_hex(r0);
    put_str(" fbrd=");
    put_hex(r1);
    put_str("\n");
    check("strd/ldrd round trip", r0 == 0x123 && r1 == 0x15);
}

static void check_post_index(void)
{
    const char *msg = "post-indexed strb\n";
    int ok = 1;
    for (const char *s = msg; *s; s++) {
        uint32_t p = PL011_BASE + PL011_DR;
        uint32_t c = (uint8_t)*s;
        __asm__ volatile("strb %1, [%0], #4" : "+r"(p) : "r"(c) : "memory");
        if (p != PL011_BASE + PL011_DR + 4)
            ok = 0;
    }
    check("post-indexed strb writeback", ok);
}

#ifdef __thumb__
static void check_it_block(void)
{
    uint32_t p = PL011_BASE + PL011_DR;
    uint32_t c = '*';
    uint32_t r = 1;
    /* EQ holds: the store (trapped, emulated) runs, the NE move must not.
     * A wrong ITSTATE after the trap would run it. */
    __asm__ volatile("cmp %1, %1\n\t"
                     "ite eq\n\t"
                     "strbeq %2, [%1]\n\t"
                     "movne %0, #2\n\t"
                     : "+r"(r)
                     : "r"(p), "r"(c)
                     : "cc", "memory");
    put_str("\n");
    check("IT block after an emulated store", r == 1);
}
#endif

int main(void)
{
    put_str(
#ifdef __thumb__
        "mmio_ldst: T32\n"
#else
        "mmio_ldst: A32\n"
#endif
    );
    check_pair();
    check_post_index();
#ifdef __thumb__
    check_it_block();
#endif
    return 0;
}
