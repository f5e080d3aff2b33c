/*
 * PSCI SYSTEM_RESET restarts the VM in fresh memory (issue 9), seen from a
 * guest; shared by the A64 and A32 guests (a64/reset.c, a32/reset.c), which
 * include their cpu_ops.h and guest.h before it. Time is the physical
 * counter (cpu_pcount: CNTPCT, which the guest may read and which a VM
 * reset does not restart).
 *
 * The guest cannot keep anything across the reset in its own memory (that
 * is what is tested), so it tells its runs apart by the machine's time: a
 * run that starts within RESET_FIRST_S of power-on is the first. The first
 * checks the marker word is zero, writes it, waits until RESET_SECOND_S
 * (so the second run surely starts later) and calls SYSTEM_RESET; the
 * second checks the marker is zero again (fresh memory; the marker seen
 * means the old RAM was kept) and powers off. A reset that does not
 * restart, or restarts more than once, shows in armvisor's "reset: run N
 * starts" lines, which the test counts.
 */
#ifndef GUEST_RESET_H
#define GUEST_RESET_H

#include <stdint.h>

#define RESET_FIRST_S  3u /* a run that starts before this is the first */
#define RESET_SECOND_S 4u /* the first run resets no earlier than this */
/* A word of guest RAM outside the image, 64 MiB into RAM (the bare-image
 * VM has 128 MiB at 0x40000000; its MMU is off, so the store reaches RAM). */
#define RESET_MARKER       0x44000000u
#define RESET_MARKER_MAGIC 0x52535431u /* "RST1" */

int main(void)
{
    volatile uint32_t *marker = (volatile uint32_t *)(uintptr_t)RESET_MARKER;
    uint64_t freq = cpu_freq();
    if (cpu_pcount() < RESET_FIRST_S * freq) {
        put_str("reset: first run\n");
        check("RAM holds no marker at the first run", *marker == 0);
        *marker = RESET_MARKER_MAGIC;
        while (cpu_pcount() < RESET_SECOND_S * freq)
            __asm__ volatile("yield");
        hvc_call(PSCI_SYSTEM_RESET, 0);
        check("SYSTEM_RESET does not return", 0);
        return 0;
    }
    put_str("reset: second run\n");
    check("fresh RAM after SYSTEM_RESET (no marker from the first run)", *marker == 0);
    return 0;
}

#endif
