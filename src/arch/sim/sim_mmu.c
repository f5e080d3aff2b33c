/*
 * The simulated stage-2 MMU: walks the VMM's real stage-2 tables in simulated
 * memory the way the hardware walker does (ARMv8-A ARM D5.2 "The VMSAv8-64
 * address translation system", ARMv7-A ARM B3.6 "Long-descriptor translation
 * table format"), and caches what it finds in a small TLB tagged by VMID, so
 * a VMM that changes a live mapping without TLB maintenance is caught.
 *
 * The walker is written from the descriptor format, not with the core's
 * stage2_walk: it is an independent check of the engine's tables.
 */
#include <pthread.h>
#include <string.h>

#include "arch/sim/sim_internal.h"
#include "core/lpae.h"

#define SIM_TLB_ENTRIES 64

struct tlb_entry {
    bool valid;
    uint16_t vmid;
    ipa_t ipa_page;
    paddr_t pa_page;
    uint64_t desc; /* leaf descriptor as it was walked */
    unsigned level;
};

/* The TLB is shared by the simulated CPUs; guests on several CPUs walk at
 * once. */
static pthread_mutex_t tlb_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tlb_entry tlb[SIM_TLB_ENTRIES];
static unsigned tlb_next; /* round-robin replacement */
static struct sim_tlb_stats stats;

/* PA range the simulated CPU implements (ID_AA64MMFR0_EL1.PARange / the
 * 40-bit LPAE output on ARMv7). */
static unsigned pa_bits(void)
{
    return sim_profile() == SIM_ARMV7 ? 40 : 48;
}

unsigned sim_fault_fsc(enum sim_fault f, unsigned level)
{
    /* Long-descriptor FSC encodings (ARMv8-A ARM D13.2.37 DFSC; ARMv7-A ARM
     * B3.13.6 "Long-descriptor format FSR encodings"): class in bits 5:2,
     * level in bits 1:0. */
    unsigned lvl = level & 3;
    switch (f) {
    case SIM_FAULT_ADDR_SIZE:
        return 0x00 | lvl;
    case SIM_FAULT_TRANSLATION:
        return 0x04 | lvl;
    case SIM_FAULT_ACCESS_FLAG:
        return 0x08 | lvl;
    case SIM_FAULT_PERMISSION:
        return 0x0c | lvl;
    case SIM_FAULT_EXT_WALK:
        return 0x14 | lvl;
    case SIM_FAULT_NONE:
        break;
    }
    return 0;
}

static bool fail(struct sim_s2_result *r, enum sim_fault f, unsigned level)
{
    r->fault = f;
    r->level = level;
    return false;
}

/* Stage-2 permission check of a leaf (S2AP bits 7:6, XN bit 54). */
static bool permitted(uint64_t desc, enum sim_s2_acc acc)
{
    switch (acc) {
    case SIM_S2_READ:
        return (desc & LPAE_S2AP_R) != 0;
    case SIM_S2_WRITE:
        return (desc & LPAE_S2AP_W) != 0;
    case SIM_S2_EXEC:
        return (desc & LPAE_S2_XN) == 0;
    }
    return false;
}

static void tlb_fill(uint16_t vmid, ipa_t ipa_page, paddr_t pa_page, uint64_t desc, unsigned level)
{
    struct tlb_entry *e = &tlb[tlb_next];
    tlb_next = (tlb_next + 1) % SIM_TLB_ENTRIES;
    if (!e->valid)
        stats.live++;
    *e = (struct tlb_entry){true, vmid, ipa_page, pa_page, desc, level};
    stats.fills++;
}

static struct tlb_entry *tlb_find(uint16_t vmid, ipa_t ipa_page)
{
    for (unsigned i = 0; i < SIM_TLB_ENTRIES; i++)
        if (tlb[i].valid && tlb[i].vmid == vmid && tlb[i].ipa_page == ipa_page)
            return &tlb[i];
    return NULL;
}

/* The walk proper. On success r->pa/desc/level describe the leaf. */
static bool walk(const struct stage2 *s2, ipa_t ipa, struct sim_s2_result *r)
{
    const struct stage2_format *fmt = &s2->fmt;
    unsigned level = fmt->start_level;

    /* An IPA above the VTCR.T0SZ input size is a stage-2 Translation fault:
     * level 0 on ARMv8 (AArch64.TranslationTableWalk), level 1 on ARMv7
     * LPAE, whose walks start at level 1 at most. */
    if (fmt->ipa_bits < 64 && (ipa >> fmt->ipa_bits) != 0)
        return fail(r, SIM_FAULT_TRANSLATION, sim_profile() == SIM_ARMV7 ? 1 : 0);
    if (!s2->root || level > LPAE_LAST_LEVEL || fmt->concat > LPAE_MAX_CONCAT)
        return fail(r, SIM_FAULT_TRANSLATION, level & 3); /* no usable VTTBR/VTCR */

    paddr_t table = s2->root;
    /* The start level indexes concat tables laid out back to back. */
    uint64_t entries = (uint64_t)LPAE_ENTRIES * (fmt->concat ? fmt->concat : 1);
    for (;;) {
        unsigned shift = LPAE_LEVEL_SHIFT(level);
        uint64_t idx = (ipa >> shift) & (entries - 1);
        const uint64_t *slot = arch_pa_to_va(table + idx * LPAE_DESC_SIZE);
        if (!slot)
            return fail(r, SIM_FAULT_EXT_WALK, level);
        uint64_t desc = *slot;
        r->desc = desc;
        if (!(desc & LPAE_DESC_VALID))
            return fail(r, SIM_FAULT_TRANSLATION, level);
        uint64_t type = desc & LPAE_DESC_TYPE_MASK;
        if (level < LPAE_LAST_LEVEL && type == LPAE_DESC_TYPE_TABLE) {
            table = desc & LPAE_ADDR_MASK;
            level++;
            entries = LPAE_ENTRIES;
            continue;
        }
        /* A leaf: a block at levels 1-2, a page at level 3. A level-0 block
         * and a level-3 0b01 descriptor are reserved: Translation fault. */
        if (level < LPAE_BLOCK_MIN_LEVEL ||
            (level == LPAE_LAST_LEVEL && type != LPAE_DESC_TYPE_PAGE))
            return fail(r, SIM_FAULT_TRANSLATION, level);
        uint64_t oa = desc & LPAE_OA_MASK(level);
        if (pa_bits() < 48 && (oa >> pa_bits()) != 0)
            return fail(r, SIM_FAULT_ADDR_SIZE, level);
        if (!(desc & LPAE_AF))
            return fail(r, SIM_FAULT_ACCESS_FLAG, level);
        r->level = level;
        r->pa = oa | (ipa & ((1ull << shift) - 1));
        return true;
    }
}

static bool lookup(const struct stage2 *s2, ipa_t ipa, enum sim_s2_acc acc,
                   struct sim_s2_result *r);

bool sim_s2_lookup(const struct stage2 *s2, ipa_t ipa, enum sim_s2_acc acc, struct sim_s2_result *r)
{
    pthread_mutex_lock(&tlb_lock);
    bool ok = lookup(s2, ipa, acc, r);
    pthread_mutex_unlock(&tlb_lock);
    return ok;
}

static bool lookup(const struct stage2 *s2, ipa_t ipa, enum sim_s2_acc acc, struct sim_s2_result *r)
{
    memset(r, 0, sizeof(*r));
    ipa_t page = ipa & ~(ipa_t)(PAGE_SIZE - 1);
    struct tlb_entry *e = tlb_find(s2->vmid, page);
    if (e) {
        stats.hits++;
        r->tlb_hit = true;
        r->desc = e->desc;
        r->level = e->level;
        r->pa = e->pa_page | (ipa & (PAGE_SIZE - 1));
    } else {
        stats.misses++;
        if (!walk(s2, ipa, r))
            return false;
        /* Only complete translations are cached; faults are not (the
         * Arm ARM forbids caching Translation/Access flag faults). */
        tlb_fill(s2->vmid, page, r->pa & ~(paddr_t)(PAGE_SIZE - 1), r->desc, r->level);
    }
    if (!permitted(r->desc, acc))
        return fail(r, SIM_FAULT_PERMISSION, r->level);
    return true;
}

const struct sim_tlb_stats *sim_tlb_stats(void)
{
    return &stats;
}

void sim_tlb_flush_hook(uint16_t vmid, ipa_t ipa, uint64_t size)
{
    pthread_mutex_lock(&tlb_lock);
    for (unsigned i = 0; i < SIM_TLB_ENTRIES; i++) {
        struct tlb_entry *e = &tlb[i];
        if (!e->valid || e->vmid != vmid)
            continue;
        /* The entry covers one 4 KiB page; drop it if it meets the range
         * (compared without forming ipa + size, which may wrap). */
        bool meets = e->ipa_page >= ipa ? e->ipa_page - ipa < size
                                        : ipa - e->ipa_page < PAGE_SIZE && size != 0;
        if (size == ~0ull || meets) {
            e->valid = false;
            stats.live--;
            stats.dropped++;
        }
    }
    pthread_mutex_unlock(&tlb_lock);
}

void sim_reset_hook(void)
{
    sim_smp_stop();
    sim_vcpus_reset();
    memset(tlb, 0, sizeof(tlb));
    memset(&stats, 0, sizeof(stats));
    tlb_next = 0;
}
