/* Simulated physical memory and its page allocator, and the stage-2 side of
 * the arch interface (format choice, table sync, TLB maintenance). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/sim/sim.h"
#include "arch/sim/sim_internal.h"
#include "lib/page_alloc.h"

static uint8_t *phys;
static uint64_t phys_size;
static uint64_t *phys_bitmap;
static struct page_pool pool;
static enum sim_profile profile = SIM_ARMV8;
static struct sim_tlb_counts tlb;

void sim_reset(enum sim_profile p, uint64_t size)
{
    if (size == 0)
        size = SIM_PHYS_DEFAULT_SIZE;
    free(phys);
    free(phys_bitmap);
    phys_size = size & ~(uint64_t)(PAGE_SIZE - 1);
    phys = calloc(1, phys_size);
    size_t npages = phys_size >> PAGE_SHIFT;
    phys_bitmap = calloc(PAGE_POOL_WORDS(npages), sizeof(uint64_t));
    if (!phys || !phys_bitmap) {
        fprintf(stderr, "sim: cannot allocate %llu bytes of simulated memory\n",
                (unsigned long long)phys_size);
        exit(2);
    }
    page_pool_init(&pool, SIM_PHYS_BASE, npages, phys_bitmap);
    profile = p;
    memset(&tlb, 0, sizeof(tlb));
    sim_reset_hook();
}

enum sim_profile sim_profile(void)
{
    return profile;
}

size_t sim_free_pages(void)
{
    return pool.free;
}

static void ensure_phys(void)
{
    if (!phys)
        sim_reset(profile, 0);
}

paddr_t arch_page_alloc(size_t npages)
{
    ensure_phys();
    paddr_t pa = page_pool_alloc(&pool, npages);
    if (pa)
        memset(arch_pa_to_va(pa), 0, npages << PAGE_SHIFT);
    return pa;
}

void arch_page_free(paddr_t pa, size_t npages)
{
    if (page_pool_free(&pool, pa, npages) != 0) {
        /* A bad free is a VMM bug: stop loudly rather than corrupt state. */
        fprintf(stderr, "sim: bad arch_page_free(0x%llx, %zu)\n", (unsigned long long)pa, npages);
        abort();
    }
}

void *arch_pa_to_va(paddr_t pa)
{
    ensure_phys();
    if (pa < SIM_PHYS_BASE || pa - SIM_PHYS_BASE >= phys_size)
        return NULL;
    return phys + (pa - SIM_PHYS_BASE);
}

paddr_t arch_va_to_pa(const void *va)
{
    const uint8_t *p = va;
    if (!phys || p < phys || (uint64_t)(p - phys) >= phys_size)
        return 0;
    return SIM_PHYS_BASE + (uint64_t)(p - phys);
}

bool arch_stage2_format(unsigned want, struct stage2_format *fmt)
{
    if (profile == SIM_ARMV7) {
        /* ARMv7 LPAE stage 2: VTCR.T0SZ=24 (40-bit IPA) with SL0=1, i.e.
         * two concatenated level-1 tables (ARMv7-A ARM B3.6.6). */
        if (want != 0 && want != 40)
            return false;
        *fmt = (struct stage2_format){.ipa_bits = 40, .start_level = 1, .concat = 2};
        return true;
    }
    /* ARMv8: 40-bit as KVM does it (level 1, two tables); 48-bit from level 0. */
    if (want == 0 || want == 48) {
        *fmt = (struct stage2_format){.ipa_bits = 48, .start_level = 0, .concat = 1};
        return true;
    }
    if (want == 40) {
        *fmt = (struct stage2_format){.ipa_bits = 40, .start_level = 1, .concat = 2};
        return true;
    }
    return false;
}

void arch_stage2_sync(void *va, size_t len)
{
    (void)va;
    (void)len;
    tlb.syncs++;
}

void arch_tlb_inval_ipa(uint16_t vmid, ipa_t ipa, uint64_t size)
{
    tlb.inval_ipa++;
    sim_tlb_flush_hook(vmid, ipa, size);
}

void arch_tlb_inval_vmid(uint16_t vmid)
{
    __atomic_fetch_add(&tlb.inval_vmid, 1, __ATOMIC_RELAXED);
    sim_tlb_flush_hook(vmid, 0, ~0ull);
}

void arch_tlb_inval_vmid_local(uint16_t vmid)
{
    /* The sim has one TLB for all its CPUs (as if every CPU shared it):
     * dropping the VMID's entries is at least what the local TLBI does. */
    __atomic_fetch_add(&tlb.inval_vmid_local, 1, __ATOMIC_RELAXED);
    sim_tlb_flush_hook(vmid, 0, ~0ull);
}

const struct sim_tlb_counts *sim_tlb_counts(void)
{
    return &tlb;
}
