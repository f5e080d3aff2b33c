/*
 * Host physical memory for the ARMv7 port: a page pool over the RAM bank
 * that holds the image (minus the image, the DTB and the initrd), mapped one
 * to one in Hyp's stage 1 (hyp_mmu.c), so VA = PA for every pool page.
 * Also the stage-2 side of the arch interface: format, walker sync, TLB.
 */
#include <string.h>

#include "arch/arch.h"
#include "arch/armv7/armv7.h"
#include "arch/armv7/cp15.h"
#include "lib/log.h"
#include "lib/page_alloc.h"

/* Hyp VAs are 32 bits: at most RAM below 4 GiB, and we keep the bitmap
 * static (2 GiB of pages: 64 KiB of bits). */
#define POOL_MAX_PAGES (512u * 1024u)

static uint64_t pool_bitmap[PAGE_POOL_WORDS(POOL_MAX_PAGES)];
static struct page_pool pool;
static uint64_t ram_lo, ram_hi;

void armv7_mem_init(uint64_t ram_base, uint64_t ram_size)
{
    uint64_t end = ram_base + ram_size;
    if (end > (1ull << 32)) {
        log_warn("RAM above 4 GiB is not usable from Hyp's 32-bit VA; ignored\n");
        end = 1ull << 32;
    }
    uint64_t npages = (end - ram_base) >> PAGE_SHIFT;
    if (npages > POOL_MAX_PAGES) {
        log_warn("using the first %u MiB of RAM\n", POOL_MAX_PAGES >> 8);
        npages = POOL_MAX_PAGES;
    }
    ram_lo = ram_base;
    ram_hi = ram_base + (npages << PAGE_SHIFT);
    page_pool_init(&pool, ram_base, (size_t)npages, pool_bitmap);
}

void armv7_mem_reserve(uint64_t pa, uint64_t size)
{
    uint64_t first = pa & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t last = (pa + size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    page_pool_reserve(&pool, first, (size_t)((last - first) >> PAGE_SHIFT));
}

paddr_t arch_page_alloc(size_t npages)
{
    paddr_t pa = page_pool_alloc(&pool, npages);
    if (pa)
        memset(arch_pa_to_va(pa), 0, npages << PAGE_SHIFT);
    return pa;
}

void arch_page_free(paddr_t pa, size_t npages)
{
    if (page_pool_free(&pool, pa, npages) != 0) {
        /* A bad free is a hypervisor bug: stop rather than corrupt memory. */
        log_err("bad arch_page_free(0x%llx, %zu)\n", (unsigned long long)pa, npages);
        arch_halt(HALT_BUG);
    }
}

void *arch_pa_to_va(paddr_t pa)
{
    if (pa < ram_lo || pa >= ram_hi)
        return NULL;
    return (void *)(uintptr_t)pa;
}

paddr_t arch_va_to_pa(const void *va)
{
    uint64_t a = (uint64_t)(uintptr_t)va;
    return a >= ram_lo && a < ram_hi ? a : 0;
}

bool arch_stage2_format(unsigned want_ipa_bits, struct stage2_format *fmt)
{
    /* ARMv7 LPAE stage 2: VTCR.T0SZ = -8 (40-bit IPA), SL0 = 1: lookup
     * starts at level 1 with two concatenated tables (B3.6.6). */
    if (want_ipa_bits != 0 && want_ipa_bits != 40)
        return false;
    *fmt = (struct stage2_format){.ipa_bits = 40, .start_level = 1, .concat = 2};
    return true;
}

void arch_stage2_sync(void *va, size_t len)
{
    /* VTCR makes the walker's accesses inner write-back, inner shareable: it
     * is coherent with our cached writes, a barrier is enough. */
    (void)va;
    (void)len;
    dsb_ishst();
}

void arch_tlb_inval_vmid(uint16_t vmid)
{
    /* TLBIALLIS in Hyp mode invalidates the PL1&0 entries of the VMID in
     * VTTBR (B4.2.2); ARMv7 has no by-IPA stage-2 invalidation. */
    uint64_t saved = cp_read64(VTTBR);
    cp_write64(VTTBR, (uint64_t)vmid << 48);
    isb();
    cp_write32(TLBIALLIS, 0);
    dsb_ish();
    cp_write64(VTTBR, saved);
    isb();
}

void arch_tlb_inval_vmid_local(uint16_t vmid)
{
    /* TLBIALL (not the IS form) in Hyp mode: this CPU's PL1&0 entries of
     * the VMID in VTTBR (B4.2.2). */
    uint64_t saved = cp_read64(VTTBR);
    cp_write64(VTTBR, (uint64_t)vmid << 48);
    isb();
    cp_write32(TLBIALL, 0);
    dsb_ish();
    cp_write64(VTTBR, saved);
    isb();
}

void arch_tlb_inval_ipa(uint16_t vmid, ipa_t ipa, uint64_t size)
{
    (void)ipa;
    (void)size;
    arch_tlb_inval_vmid(vmid);
}

uint64_t armv7_mem_free_bytes(void)
{
    return (uint64_t)pool.free << PAGE_SHIFT;
}

bool armv7_pa_usable(uint64_t pa, uint64_t len)
{
    return len && pa >= ram_lo && pa < ram_hi && len <= ram_hi - pa;
}
