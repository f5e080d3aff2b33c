/* MMIO accesses the hardware cannot describe in ESR_EL2 (ISV = 0): pair
 * stores/loads and writeback forms on the emulated PL011. armvisor must
 * decode the instruction itself, perform the access and the writeback. */
#include "guest.h"

int main(void)
{
    put_str("mmio_ldst: A64\n");
    volatile uint32_t *uart = (volatile uint32_t *)PL011_BASE;

    /* STP of two words to IBRD/FBRD (adjacent registers), LDP back. */
    uint32_t a = 0x1b, b = 0x2a, ra = 0, rb = 0;
    __asm__ volatile("stp %w2, %w3, [%4]\n\tldp %w0, %w1, [%4]"
                     : "=&r"(ra), "=&r"(rb)
                     : "r"(a), "r"(b), "r"(uart + PL011_IBRD / 4)
                     : "memory");
    check("stp/ldp round trip", ra == 0x1b && rb == 0x2a);

    /* Post-indexed byte stores to DR: the base advances each time. */
    const char msg[] = "post-indexed strb\n";
    volatile uint8_t *dr = (volatile uint8_t *)(PL011_BASE + PL011_DR);
    for (unsigned i = 0; i < sizeof(msg) - 1; i++) {
        volatile uint8_t *p = dr;
        __asm__ volatile("strb %w1, [%0], #16" : "+r"(p) : "r"(msg[i]) : "memory");
        if (p != dr + 16) {
            check("post-indexed strb writeback", 0);
            return 0;
        }
    }
    check("post-indexed strb writeback", 1);

    /* Pre-indexed load of the flag register: writeback, and TXFF clear. */
    volatile uint32_t *q = uart;
    uint32_t fr;
    __asm__ volatile("ldr %w1, [%0, #0x18]!" : "+r"(q), "=r"(fr) : : "memory");
    check("pre-indexed ldr writeback", q == uart + 6 && !(fr & (1u << 5)));
    return 0;
}
