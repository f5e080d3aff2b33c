/*
 * The per-CPU records (pcpu.h), one per possible physical CPU, indexed by
 * arch_cpu_id().
 */
#include "core/pcpu.h"

#include "arch/arch.h"
#include "lib/check.h"

static struct pcpu pcpus[PCPU_MAX];

struct pcpu *pcpu_of(unsigned id)
{
    CHECK(id < PCPU_MAX);
    struct pcpu *p = &pcpus[id];
    p->id = id;
    return p;
}

struct pcpu *pcpu_this(void)
{
    return pcpu_of(arch_cpu_id());
}
