/*
 * The hypervisor's own timer (the EL2 / Hyp physical timer, CNTHP_*), shared
 * by several users on each physical CPU: each user asks for one deadline,
 * the hardware is armed for the earliest, and when it fires every user
 * whose deadline has passed is called back. One instance per CPU, in its
 * struct pcpu (core/pcpu.h).
 *
 * Adding a user: a name in enum htimer_user and its callback in htimer.c's
 * table.
 */
#ifndef CORE_HTIMER_H
#define CORE_HTIMER_H

#include <stdbool.h>
#include <stdint.h>

struct pcpu;

enum htimer_user {
    HTIMER_SLICE,  /* the scheduler: the running vCPU's time slice ends */
    HTIMER_WAKE,   /* the scheduler: a blocked vCPU's timer fires */
    HTIMER_PTIMER, /* the running vCPU's emulated EL1 physical timer (ptimer.c) */
    HTIMER_USERS
};

/* Per-CPU state; touched only by the CPU it belongs to (no lock). */
struct htimer {
    uint64_t deadline[HTIMER_USERS]; /* physical counter values */
    unsigned armed;                  /* bit u: user u has a deadline */
    uint64_t programmed;             /* what the hardware is armed for */
    bool hw_armed;
};

/* User u wants a call when the physical counter reaches deadline (replacing
 * its previous deadline). On this CPU's own struct pcpu only. */
void htimer_set(struct pcpu *p, enum htimer_user u, uint64_t deadline);

/* User u no longer wants its call. */
void htimer_cancel(struct pcpu *p, enum htimer_user u);

/* Is user u's deadline set? */
bool htimer_pending(const struct pcpu *p, enum htimer_user u);

/* The hypervisor timer's interrupt (ARCH_IRQ_HYP_TIMER, acknowledged by
 * host_irq.c): call back the users whose deadlines passed, re-arm for the
 * next, and deactivate intid. */
void htimer_irq(struct pcpu *p, unsigned intid);

/* The callbacks, called with no lock held, on the CPU whose timer fired. */
void sched_slice_expired(struct pcpu *p);
void sched_wake_expired(struct pcpu *p);
void ptimer_expired(struct pcpu *p);

#endif
