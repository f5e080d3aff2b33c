/*
 * The hypervisor's own console: a physical PL011 (PL011 TRM, ARM DDI 0183),
 * polled. Its address is the board default until armv8_main finds the one
 * the DTB names (/chosen stdout-path, else the first "arm,pl011").
 *
 * Before the MMU is on every access is Device-nGnRnE; after, the UART is
 * mapped Device-nGnRE (mmu.c). Either way 32-bit accesses at aligned
 * offsets, as the TRM requires.
 */
#include "arch/arch.h"
#include "arch/armv8/armv8.h"

#define UARTDR      0x000
#define UARTFR      0x018
#define UARTFR_TXFF (1u << 5) /* transmit FIFO full */
#define UARTFR_RXFE (1u << 4) /* receive FIFO empty */

static uint64_t uart_base = BOARD_DEFAULT_PL011;

static inline volatile uint32_t *reg(unsigned off)
{
    return (volatile uint32_t *)(uintptr_t)(uart_base + off);
}

void armv8_uart_set_base(uint64_t pa)
{
    uart_base = pa;
}

uint64_t armv8_uart_base(void)
{
    return uart_base;
}

static void putc_raw(char c)
{
    /* Bounded wait: a UART that never drains must not hang the hypervisor
     * (QEMU's never fills; real hardware drains at the baud rate). */
    for (unsigned spin = 0; spin < 1000000 && (*reg(UARTFR) & UARTFR_TXFF); spin++)
        ;
    *reg(UARTDR) = (uint8_t)c;
}

void arch_console_putc(char c)
{
    if (c == '\n')
        putc_raw('\r');
    putc_raw(c);
}

int arch_console_getc(void)
{
    if (*reg(UARTFR) & UARTFR_RXFE)
        return -1;
    return (int)(*reg(UARTDR) & 0xff);
}
