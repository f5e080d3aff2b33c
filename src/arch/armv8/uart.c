/*
 * The hypervisor's own console: a physical PL011 (PL011 TRM, ARM DDI 0183).
 * Output is polled; input raises the UART's receive interrupts once
 * boot_uart_rx_irq_on has unmasked them (the core then drains it with
 * arch_console_getc). Its address is the board default until armv8_main finds the one
 * the DTB names (/chosen stdout-path, else the first "arm,pl011").
 *
 * Before the MMU is on every access is Device-nGnRnE; after, the UART is
 * mapped Device-nGnRE (mmu.c). Either way 32-bit accesses at aligned
 * offsets, as the TRM requires.
 */
#include "arch/arch.h"
#include "arch/armv8/armv8.h"
#include "arch/boot/boot.h"

#define UARTDR      0x000
#define UARTFR      0x018
#define UARTCR      0x030
#define UARTIMSC    0x038
#define UARTICR     0x044
#define UARTFR_TXFF (1u << 5)                           /* transmit FIFO full */
#define UARTFR_RXFE (1u << 4)                           /* receive FIFO empty */
#define UARTCR_EN   ((1u << 0) | (1u << 8) | (1u << 9)) /* UARTEN, TXE, RXE */
#define UART_RXIM   (1u << 4)                           /* receive */
#define UART_RTIM   (1u << 6)                           /* receive timeout */

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

void boot_uart_rx_irq_on(void)
{
    /* A receiver the firmware left off is switched on (UARTCR, TRM 3.3.8);
     * then stale receive interrupts cleared and RX and RT unmasked (TRM
     * 3.3.10-3.3.13). Both clear once the FIFO is read empty. */
    if ((*reg(UARTCR) & UARTCR_EN) != UARTCR_EN)
        *reg(UARTCR) = *reg(UARTCR) | UARTCR_EN;
    *reg(UARTICR) = UART_RXIM | UART_RTIM;
    *reg(UARTIMSC) = *reg(UARTIMSC) | UART_RXIM | UART_RTIM;
}
