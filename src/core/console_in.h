/*
 * Console input: what is typed on the hypervisor's console (the physical
 * UART) goes to the one VM that has the console, byte for byte. armvisor
 * interprets nothing (Ctrl-C, Ctrl-D, escape sequences all reach the guest;
 * echo and line editing are the guest's line discipline).
 *
 * The arch raises ARCH_IRQ_CONSOLE when its UART has received something;
 * host_irq.c calls console_in_host_irq, which drains the UART (arch_console_getc)
 * into a queue and feeds the owner's receiver while it takes bytes. A
 * receiver that is full or switched off leaves the rest queued; it calls
 * console_in_kick once it has room again. The queue is bounded: what does not
 * fit is dropped and counted, as a UART overrun would.
 *
 * The console belongs to one VM at a time: the first VM whose board attaches
 * a receiver gets it, and loses it when destroyed (the queue is emptied, so
 * the next owner does not see the last one's input).
 *
 * Concurrency: one physical CPU takes the interrupt and runs every vCPU today.
 * With SMP this state gets one lock, and feeding a receiver on another CPU
 * kicks that CPU out of its guest or its WFI.
 */
#ifndef CORE_CONSOLE_IN_H
#define CORE_CONSOLE_IN_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

/* Bytes queued between the physical UART and the owner's receiver. */
#define CONSOLE_IN_QUEUE 1024u

/* A receiver: take one byte; false when it cannot now (the byte stays
 * queued and is offered again after console_in_kick). */
typedef bool (*console_in_put_fn)(void *ctx, uint8_t c);

/* Give the console to vm with receiver put(ctx, byte), unless another VM
 * has it; true when vm has it now. */
bool console_in_attach(struct vm *vm, console_in_put_fn put, void *ctx);

/* vm lets the console go (vm_destroy calls it for every VM); queued input
 * is dropped. A no-op for a VM that does not have it. */
void console_in_detach(struct vm *vm);

/* The VM that has the console, or NULL. */
struct vm *console_in_owner(void);

/* The owner's receiver has room again: offer it what is queued. */
void console_in_kick(void);

/* The console UART's interrupt (ARCH_IRQ_CONSOLE): drain the UART into the
 * queue and feed the owner. Deactivating intid is the caller's job. */
void console_in_host_irq(void);

/* Bytes dropped because the queue was full or no VM had the console. */
uint64_t console_in_dropped(void);

#endif
