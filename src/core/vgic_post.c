/*
 * Posted list registers: the receiving half of an IPI without the exit
 * path. An SGI sent to a vCPU that runs in its guest on another CPU has to
 * reach that vCPU's list registers, which only its own CPU can write
 * (GICH is banked per CPU, IHI0048B 5.3; ICH_LR<n>_EL2 are system
 * registers). Without posting, the sender marks the vCPU's list registers
 * stale and kicks its CPU, which takes the whole exit path for it: read
 * the list registers back into the model, decide, write them again.
 *
 * Posting moves that decision to the sender, which holds vgic->lock and so
 * may change the model: it picks the list register the SGI goes into (one
 * the model has free, or the one that already holds that SGI from that
 * source), records there what the register will hold, and leaves the
 * register's new contents (arch_vgic_lr_encode) in the vCPU's posted[]
 * and its bit in the post word. Its CPU then needs to do only what the
 * sender cannot: write the register. The
 * list-register kick (arch_cpu_kick_lr) makes it do so at once, in
 * arch_vcpu_run (vcpu_exit_fast -> vgic_post_take), and the guest goes on
 * without the vGIC state leaving the CPU; any other exit applies the posts
 * first thing (vgic_post_close, at the start of the sync).
 *
 * Why the model stays true: a register the model has free is empty in the
 * hardware too (the flush empties those it does not use), and nothing else
 * writes one while the vCPU runs. A register that holds the SGI may have
 * been taken or completed by the guest since the model last looked, which
 * only its CPU can see: the arch merges (arch_vgic_lr_post: written anew
 * when empty, its pending bit set otherwise), which is what the model's
 * "pending" now says, and the next sync reads back whatever the guest did
 * from there, as after any flush. The model is never told more than the
 * hardware will hold, because a post only happens while the registers are
 * open: from the end of the vCPU's flush to the start of its sync (the
 * flush and the sync themselves run under the lock the sender holds), and
 * vgic_post_close ends that window with the same atomic operation that
 * takes the posts, so a post either lands in the registers before the sync
 * reads them, or fails and takes the usual path. A VM with one vCPU never
 * opens them (vgic->posts): no one could post.
 *
 * What is posted is kept narrow, so that the list register alone can carry
 * it: an SGI from one source, enabled and in an enabled group, with no
 * other source pending and no merge left for a sync to decide (sgi_again);
 * not when active and not listed (more active interrupts than list
 * registers). Everything else is marked and kicked as before.
 *
 * The post word: VGIC_POST_OPEN, the CPU the vCPU runs on, and one bit per
 * posted list register. The sender sets bits with a compare-and-swap
 * that fails once the word is closed; the vCPU's CPU clears them with one
 * atomic read-modify-write, so each post is applied exactly once. A
 * second post to a register whose first is still there, or was applied
 * since the last flush, finds its value in posted[] already
 * (post_cached): only its bit is set.
 */
#include "core/vgic.h"

#include "core/pcpu.h"

_Static_assert(VGIC_MAX_LRS <= 16, "one post bit per list register");
_Static_assert(PCPU_MAX <= VGIC_POST_CPU_MASK + 1, "a CPU number fits the post word");

static unsigned post_cpu(uint32_t word)
{
    return (word >> VGIC_POST_CPU_SHIFT) & VGIC_POST_CPU_MASK;
}

static unsigned lowest_bit(unsigned mask)
{
    return (unsigned)__builtin_ctz(mask);
}

bool vgic_post_sgi(struct vgic *vgic, struct vgic_irq *irq, uint8_t sources)
{
    int id = irq->owner;
    if (irq->intid >= VGIC_NR_SGIS || id < 0 || id >= VM_MAX_VCPUS || !sources ||
        (sources & (sources - 1)))
        return false;
    struct vgic_cpu *cpu = &vgic->cpu[id];
    uint32_t word = __atomic_load_n(&cpu->post, __ATOMIC_ACQUIRE);
    if (!(word & VGIC_POST_OPEN))
        return false;
    if (!irq->enabled || !vgic_group_enabled(vgic, irq) || irq->sgi_again ||
        (irq->sgi_pending & (uint8_t)~sources))
        return false;

    uint8_t src = (uint8_t)lowest_bit(sources);
    unsigned used = cpu->lr_used, slot = VGIC_MAX_LRS;
    for (unsigned u = used; u; u &= u - 1) {
        if (cpu->lr[lowest_bit(u)].irq == irq) {
            slot = lowest_bit(u);
            break;
        }
    }
    if (slot < VGIC_MAX_LRS) {
        /* It holds this SGI: from this source, as a plain one (no EOI
         * maintenance), with what the guest sees of it unchanged. */
        const struct vgic_lr *was = &cpu->lr[slot].lr;
        if (was->source != src || was->eoi_maint || was->hw || was->priority != irq->priority ||
            was->group1 != irq->group1)
            return false;
    } else {
        unsigned n = arch_vgic_lr_count();
        unsigned all = n >= VGIC_MAX_LRS ? VGIC_POST_LR_MASK : (1u << n) - 1;
        unsigned free = ~used & all;
        if (irq->active || !free)
            return false;
        slot = lowest_bit(free);
    }

    /* The register's contents first (unless they are there from this
     * SGI's last post), then its bit, while still open. */
    uint32_t bit = 1u << slot;
    struct vgic_lr lr = {0};
    if (!(used & cpu->post_cached & bit)) {
        lr = (struct vgic_lr){.virq = irq->intid,
                              .priority = irq->priority,
                              .group1 = irq->group1,
                              .source = src,
                              .pending = true};
        __atomic_store_n(&cpu->posted[slot], arch_vgic_lr_encode(&lr), __ATOMIC_RELAXED);
    }
    do {
        if (!(word & VGIC_POST_OPEN))
            return false; /* closed meanwhile: the model is as it was */
    } while (!__atomic_compare_exchange_n(&cpu->post, &word, word | bit, false, __ATOMIC_ACQ_REL,
                                          __ATOMIC_ACQUIRE));

    /* Posted: the model says what the register will hold. */
    struct vgic_lr_slot *s = &cpu->lr[slot];
    cpu->post_cached |= bit;
    if (used & bit) {
        s->lr.pending = true;
    } else {
        *s = (struct vgic_lr_slot){.used = true, .irq = irq, .lr = lr};
        __atomic_store_n(&cpu->lr_used, used | bit, __ATOMIC_RELAXED);
    }
    irq->sgi_pending |= sources;
    if (irq->ap_vcpu < 0)
        vgic_ap_link(vgic, (unsigned)id, irq);
    cpu->work.posts++;
    /* A bit already set has its kick on the way (sent after that post's
     * compare-and-swap), and no take since. */
    if (!(word & bit))
        arch_cpu_kick_lr(post_cpu(word));
    return true;
}

void vgic_post_apply(struct vcpu *vcpu, struct vgic_cpu *cpu, uint32_t mask, bool in_cpu)
{
    for (; mask; mask &= mask - 1) {
        unsigned i = lowest_bit(mask);
        arch_vgic_lr_post(vcpu, i, __atomic_load_n(&cpu->posted[i], __ATOMIC_RELAXED), in_cpu);
    }
}

void vgic_post_take(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    if (!vgic)
        return;
    struct vgic_cpu *cpu = &vgic->cpu[vcpu->id];
    uint32_t word = __atomic_fetch_and(&cpu->post, ~VGIC_POST_LR_MASK, __ATOMIC_ACQ_REL);
    vgic_post_apply(vcpu, cpu, word & VGIC_POST_LR_MASK, true);
    cpu->work.post_takes++;
}
