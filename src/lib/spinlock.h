/*
 * struct spinlock: mutual exclusion between physical CPUs.
 *
 * Every lock is declared next to the data it protects, with a comment that
 * says what it protects and which locks may be held when it is taken (the
 * order). The hypervisor runs with interrupts masked, so a lock is never
 * taken by an interrupt handler on the CPU that holds it.
 *
 * Today armvisor runs on one physical CPU: a lock can only be found held by
 * its own holder, which is a bug (a recursive take, or a missing unlock),
 * and CHECK stops the machine. Bringing up the other CPUs replaces the two
 * bodies below with an exclusive load/store loop that waits with WFE and
 * releases with a store-release (which wakes the waiters' WFE); callers do
 * not change.
 */
#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H

#include <stdbool.h>

#include "lib/check.h"

struct spinlock {
    volatile bool held;
};

static inline void spin_lock(struct spinlock *l)
{
    CHECK(!l->held);
    l->held = true;
}

static inline void spin_unlock(struct spinlock *l)
{
    CHECK(l->held);
    l->held = false;
}

static inline bool spin_is_held(const struct spinlock *l)
{
    return l->held;
}

#endif
