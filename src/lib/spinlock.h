/*
 * struct spinlock: mutual exclusion between physical CPUs.
 *
 * Every lock is declared next to the data it protects, with a comment that
 * says what it protects and which locks may be held when it is taken (the
 * order). The hypervisor runs with interrupts masked, so a lock is never
 * taken by an interrupt handler on the CPU that holds it.
 *
 * A test-and-set lock: few CPUs contend, and the sections are short. A
 * waiter reads the lock without writing it and sleeps in
 * arch_cpu_wait_event (WFE) between reads; the holder releases with a
 * store-release and arch_cpu_send_event (DSB; SEV), so the waiters wake and
 * see it free. The acquire/release atomics order the protected data with
 * the lock (C11 memory model; LDAXR/STLR on AArch64, LDREX/STREX with DMB
 * on ARMv7). Taking a lock this CPU already holds is a bug CHECK catches.
 */
#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H

#include <stdbool.h>

#include "arch/arch.h"
#include "lib/check.h"

#define SPIN_FREE 0u

struct spinlock {
    unsigned owner; /* SPIN_FREE, or 1 + arch_cpu_id() of the holder */
};

static inline void spin_lock(struct spinlock *l)
{
    unsigned me = arch_cpu_id() + 1u;
    CHECK(__atomic_load_n(&l->owner, __ATOMIC_RELAXED) != me);
    for (;;) {
        unsigned expected = SPIN_FREE;
        if (__atomic_compare_exchange_n(&l->owner, &expected, me, false, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            return;
        while (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) != SPIN_FREE)
            arch_cpu_wait_event();
    }
}

static inline void spin_unlock(struct spinlock *l)
{
    CHECK(__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == arch_cpu_id() + 1u);
    __atomic_store_n(&l->owner, SPIN_FREE, __ATOMIC_RELEASE);
    arch_cpu_send_event();
}

/* True when this CPU holds l (for CHECKs of a caller's locking). */
static inline bool spin_is_held(const struct spinlock *l)
{
    return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) == arch_cpu_id() + 1u;
}

#endif
