/*
 * Console input (console_in.h): a byte queue from the physical UART to the
 * receiver of the VM that has the console.
 */
#include "core/console_in.h"

#include "arch/arch.h"
#include "core/vm.h"
#include "lib/log.h"

/* The physical UART's interrupt stays high until its FIFO is empty, so a
 * drain reads at most this many bytes per interrupt and relies on the
 * interrupt coming back for more (a UART that never reports empty cannot
 * keep the CPU here). */
#define DRAIN_MAX 4096u

static struct {
    struct vm *owner;
    console_in_put_fn put;
    void *ctx;
    uint8_t q[CONSOLE_IN_QUEUE];
    unsigned head, count;
    uint64_t dropped;
    bool drop_logged;
} con;

bool console_in_attach(struct vm *vm, console_in_put_fn put, void *ctx)
{
    if (!vm || !put)
        return false;
    if (con.owner && con.owner != vm)
        return false;
    con.owner = vm;
    con.put = put;
    con.ctx = ctx;
    return true;
}

void console_in_detach(struct vm *vm)
{
    if (!vm || con.owner != vm)
        return;
    con.owner = NULL;
    con.put = NULL;
    con.ctx = NULL;
    con.head = con.count = 0;
}

struct vm *console_in_owner(void)
{
    return con.owner;
}

uint64_t console_in_dropped(void)
{
    return con.dropped;
}

void console_in_kick(void)
{
    /* The receiver may call back into console_in_kick (from its own MMIO
     * path); the flag keeps that from nesting. */
    static bool busy;
    if (busy || !con.put)
        return;
    busy = true;
    while (con.count && con.put(con.ctx, con.q[con.head])) {
        con.head = (con.head + 1) % CONSOLE_IN_QUEUE;
        con.count--;
    }
    busy = false;
}

static void drain(void);

static void drop(void)
{
    con.dropped++;
    if (!con.drop_logged) {
        con.drop_logged = true;
        log_warn("console input dropped: %s (logged once)\n",
                 con.owner ? "the VM reads it slower than it is typed" : "no VM has the console");
    }
}

void console_in_host_irq(void)
{
    /* The queue and the receiver are the owner VM's device state: its
     * vCPUs reach the receiver (and console_in_kick) under its MMIO bus
     * lock, on any CPU; so does this. */
    struct vm *owner = con.owner;
    if (owner)
        spin_lock(&owner->mmio.lock);
    drain();
    if (owner)
        spin_unlock(&owner->mmio.lock);
}

static void drain(void)
{
    for (unsigned n = 0; n < DRAIN_MAX; n++) {
        int c = arch_console_getc();
        if (c < 0)
            break;
        if (con.count == CONSOLE_IN_QUEUE)
            console_in_kick(); /* make room if the receiver has some */
        if (!con.owner || con.count == CONSOLE_IN_QUEUE) {
            drop();
            continue;
        }
        con.q[(con.head + con.count) % CONSOLE_IN_QUEUE] = (uint8_t)c;
        con.count++;
    }
    console_in_kick();
}
