/*
 * The hypervisor timer multiplexer (htimer.h): the hardware is armed for
 * the earliest deadline of all users of the CPU, and reprogrammed only when
 * that earliest deadline changes, so a user that re-asks for the same time
 * costs no register write.
 */
#include "core/htimer.h"

#include "arch/arch.h"
#include "core/pcpu.h"

typedef void (*htimer_fn)(struct pcpu *p);

static const htimer_fn callbacks[HTIMER_USERS] = {
    [HTIMER_SLICE] = sched_slice_expired,
    [HTIMER_WAKE] = sched_wake_expired,
    [HTIMER_PTIMER] = ptimer_expired,
};

static void reprogram(struct htimer *t)
{
    bool any = false;
    uint64_t first = 0;
    for (unsigned u = 0; u < HTIMER_USERS; u++) {
        if (((t->armed >> u) & 1) && (!any || t->deadline[u] < first)) {
            first = t->deadline[u];
            any = true;
        }
    }
    if (!any) {
        if (t->hw_armed)
            arch_hyp_timer_disarm();
        t->hw_armed = false;
        return;
    }
    if (t->hw_armed && t->programmed == first)
        return;
    arch_hyp_timer_arm(first);
    t->programmed = first;
    t->hw_armed = true;
}

void htimer_set(struct pcpu *p, enum htimer_user u, uint64_t deadline)
{
    struct htimer *t = &p->htimer;
    t->deadline[u] = deadline;
    t->armed |= 1u << u;
    reprogram(t);
}

void htimer_cancel(struct pcpu *p, enum htimer_user u)
{
    struct htimer *t = &p->htimer;
    if (!((t->armed >> u) & 1))
        return;
    t->armed &= ~(1u << u);
    reprogram(t);
}

bool htimer_pending(const struct pcpu *p, enum htimer_user u)
{
    return (p->htimer.armed >> u) & 1;
}

void htimer_irq(struct pcpu *p, unsigned intid)
{
    struct htimer *t = &p->htimer;
    uint64_t now = arch_counter_read();
    unsigned due = 0;
    for (unsigned u = 0; u < HTIMER_USERS; u++)
        if (((t->armed >> u) & 1) && t->deadline[u] <= now)
            due |= 1u << u;
    t->armed &= ~due;
    /* The timer's output is level-sensitive and stays high while its
     * condition holds (Arm ARM D11.2.4): move or stop it before the
     * deactivation, or it fires again at once. */
    t->hw_armed = false;
    arch_hyp_timer_disarm();
    for (unsigned u = 0; u < HTIMER_USERS; u++)
        if ((due >> u) & 1)
            callbacks[u](p);
    reprogram(t);
    arch_irq_deactivate(intid);
}
