/*
 * The hypervisor's console on the physical PL011 (PL011 TRM, ARM DDI 0183:
 * UARTDR at 0x00, UARTFR at 0x18; output polled, input by the receive
 * interrupts boot_uart_rx_irq_on unmasks) and power off through PSCI SYSTEM_OFF
 * (Arm DEN0022) to the firmware, with the conduit the DTB names.
 */
#include "arch/arch.h"
#include "arch/armv7/armv7.h"
#include "arch/boot/boot.h"
#include "lib/log.h"
#include "lib/verdict.h"

#define UART_DR        0x00
#define UART_FR        0x18
#define UART_FR_RXFE   (1u << 4)
#define UART_FR_TXFF   (1u << 5)
#define UART_CR        0x30
#define UART_IMSC      0x38
#define UART_ICR       0x44
#define UART_CR_EN     ((1u << 0) | (1u << 8) | (1u << 9)) /* UARTEN, TXE, RXE */
#define UART_RXIM      (1u << 4)                           /* receive */
#define UART_RTIM      (1u << 6)                           /* receive timeout */
#define QEMU_VIRT_UART 0x09000000u

#define PSCI_SYSTEM_OFF 0x84000008u

static volatile uint32_t *uart = (volatile uint32_t *)QEMU_VIRT_UART;

void armv7_console_set_base(uint64_t base)
{
    /* Only the first GiB is mapped as Device (hyp_mmu.c). */
    if (base && base < (1ull << 30))
        uart = (volatile uint32_t *)(uintptr_t)base;
}

void arch_console_putc(char c)
{
    while (uart[UART_FR / 4] & UART_FR_TXFF)
        ;
    uart[UART_DR / 4] = (uint8_t)c;
}

int arch_console_getc(void)
{
    if (uart[UART_FR / 4] & UART_FR_RXFE)
        return -1;
    return (int)(uart[UART_DR / 4] & 0xff);
}

void boot_uart_rx_irq_on(void)
{
    /* A receiver the firmware left off is switched on (UARTCR, TRM 3.3.8);
     * then stale receive interrupts cleared and RX and RT unmasked (TRM
     * 3.3.10-3.3.13). Both clear once the FIFO is read empty. */
    if ((uart[UART_CR / 4] & UART_CR_EN) != UART_CR_EN)
        uart[UART_CR / 4] |= UART_CR_EN;
    uart[UART_ICR / 4] = UART_RXIM | UART_RTIM;
    uart[UART_IMSC / 4] |= UART_RXIM | UART_RTIM;
}

const char *arch_name(void)
{
    return "armv7";
}

_Noreturn void arch_halt(int status)
{
    av_printf("armvisor: halt %d\n", status);
    verdict_print(status);
    int32_t rc = armv7_psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
    if (rc == -1)
        av_printf("armvisor: no PSCI SMC conduit in the DTB: stopping the CPU\n");
    else
        av_printf("armvisor: PSCI SYSTEM_OFF returned %d\n", (int)rc);
    for (;;)
        __asm__ volatile("wfi");
}
