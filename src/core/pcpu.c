/*
 * The per-CPU records (pcpu.h), one per possible physical CPU, indexed by
 * arch_cpu_id().
 */
#include "core/pcpu.h"

#include <string.h>

#include "arch/arch.h"
#include "lib/check.h"

_Static_assert(PCPU_MAX == 8, "one initialiser per record below");
static struct pcpu pcpus[PCPU_MAX] = {
    {.id = 0, .online = true}, /* the boot CPU runs the scheduler from the start */
    {.id = 1},
    {.id = 2},
    {.id = 3},
    {.id = 4},
    {.id = 5},
    {.id = 6},
    {.id = 7},
};

struct pcpu *pcpu_of(unsigned id)
{
    CHECK(id < PCPU_MAX);
    return &pcpus[id];
}

struct pcpu *pcpu_this(void)
{
    return pcpu_of(arch_cpu_id());
}

bool pcpu_online(unsigned id)
{
    return id < PCPU_MAX && __atomic_load_n(&pcpus[id].online, __ATOMIC_ACQUIRE);
}

void pcpu_offline(unsigned id)
{
    CHECK(id < PCPU_MAX && id == arch_cpu_id());
    struct pcpu *p = &pcpus[id];
    __atomic_store_n(&p->online, false, __ATOMIC_RELEASE);
    spin_lock(&p->lock);
    CHECK(!p->rq_head && !p->blocked && !p->current);
    spin_unlock(&p->lock);
    p->loaded = NULL;
    p->timer_owner = NULL;
    memset(&p->htimer, 0, sizeof(p->htimer));
    p->switches = p->steals = 0;
    p->need_resched = false;
    __atomic_store_n(&p->poked, false, __ATOMIC_RELAXED);
    __atomic_store_n(&p->looking, false, __ATOMIC_RELAXED);
}
