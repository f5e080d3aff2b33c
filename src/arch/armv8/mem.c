/*
 * Physical memory: the RAM banks the DTB describes, and the page pool
 * arch_page_alloc hands out. The hypervisor maps RAM 1:1 (mmu.c), so a
 * host physical address is also its hypervisor virtual address.
 *
 * The pool covers the RAM bank we were loaded into (up to POOL_MAX_PAGES),
 * minus what is already in use there: this image (text to stacks and .bss),
 * the DTB, the initrd (the guest image, copied out by vm_launch) and the
 * DTB's /memreserve/ entries.
 */
#include "arch/arch.h"
#include "arch/armv8/armv8.h"
#include "lib/log.h"
#include "lib/page_alloc.h"

#define MAX_RAM_BANKS  8
#define RAM_ALIGN      (2ull << 20)
#define POOL_MAX_PAGES (4ull << (30 - PAGE_SHIFT)) /* 4 GiB: a 128 KiB bitmap */

static struct fdt_range ram[MAX_RAM_BANKS];
static unsigned nram;
static struct page_pool pool;
static uint64_t pool_bitmap[PAGE_POOL_WORDS(POOL_MAX_PAGES)];

static uint64_t align_down(uint64_t v)
{
    return v & ~(uint64_t)(PAGE_SIZE - 1);
}

static uint64_t align_up(uint64_t v)
{
    return (v + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
}

static void reserve(uint64_t start, uint64_t end, const char *what)
{
    if (end <= start)
        return;
    uint64_t s = align_down(start), e = align_up(end);
    page_pool_reserve(&pool, s, (size_t)((e - s) >> PAGE_SHIFT));
    log_info("reserved 0x%llx-0x%llx (%s)\n", (unsigned long long)s, (unsigned long long)e, what);
}

int armv8_mem_init(const struct fdt *fdt, uint64_t dtb_pa, uint64_t initrd_start,
                   uint64_t initrd_end)
{
    int n = fdt_memory(fdt, ram, MAX_RAM_BANKS);
    if (n <= 0) {
        log_err("the DTB describes no RAM (%d)\n", n);
        return -1;
    }
    if (n > MAX_RAM_BANKS) {
        log_warn("%d RAM banks; using the first %d\n", n, MAX_RAM_BANKS);
        n = MAX_RAM_BANKS;
    }
    /* The EL2 map (mmu.c) covers RAM with 2 MiB blocks: use only the whole
     * 2 MiB blocks of each bank, so every RAM page we hand out is mapped
     * Normal and nothing else is. */
    nram = 0;
    for (int i = 0; i < n; i++) {
        uint64_t s = (ram[i].base + RAM_ALIGN - 1) & ~(RAM_ALIGN - 1);
        uint64_t e = (ram[i].base + ram[i].size) & ~(RAM_ALIGN - 1);
        if (e > s) {
            ram[nram].base = s;
            ram[nram].size = e - s;
            nram++;
        }
    }

    uint64_t img_s = (uint64_t)(uintptr_t)__image_start;
    uint64_t img_e = (uint64_t)(uintptr_t)__image_end;
    const struct fdt_range *home = NULL;
    for (unsigned i = 0; i < nram; i++) {
        log_info("RAM 0x%llx-0x%llx\n", (unsigned long long)ram[i].base,
                 (unsigned long long)(ram[i].base + ram[i].size));
        if (img_s >= ram[i].base && img_e <= ram[i].base + ram[i].size)
            home = &ram[i];
    }
    if (!home) {
        log_err("armvisor (0x%llx-0x%llx) is not inside any RAM bank of the DTB\n",
                (unsigned long long)img_s, (unsigned long long)img_e);
        return -1;
    }

    uint64_t base = align_up(home->base);
    uint64_t end = align_down(home->base + home->size);
    uint64_t npages = (end - base) >> PAGE_SHIFT;
    if (npages > POOL_MAX_PAGES) {
        log_warn("page pool limited to the first %llu MiB of its bank\n",
                 (unsigned long long)(POOL_MAX_PAGES >> (20 - PAGE_SHIFT)));
        npages = POOL_MAX_PAGES;
    }
    page_pool_init(&pool, base, (size_t)npages, pool_bitmap);

    reserve(img_s, img_e, "armvisor");
    reserve(dtb_pa, dtb_pa + fdt->totalsize, "DTB");
    if (initrd_end > initrd_start)
        reserve(initrd_start, initrd_end, "initrd");
    for (unsigned i = 0;; i++) {
        uint64_t a, s;
        if (fdt_mem_rsv(fdt, i, &a, &s) != 0)
            break;
        reserve(a, a + s, "DTB /memreserve/");
    }
    log_info("page pool: %zu of %zu pages free at 0x%llx\n", pool.free, pool.npages,
             (unsigned long long)pool.base);
    return 0;
}

unsigned armv8_ram_banks(const struct fdt_range **banks)
{
    *banks = ram;
    return nram;
}

size_t armv8_pages_free(void)
{
    return pool.free;
}

int armv8_pa_is_ram(uint64_t pa, uint64_t len)
{
    for (unsigned i = 0; i < nram; i++)
        if (pa >= ram[i].base && pa - ram[i].base < ram[i].size &&
            len <= ram[i].size - (pa - ram[i].base))
            return 1;
    return 0;
}

paddr_t arch_page_alloc(size_t npages)
{
    if (pool.npages == 0 || npages == 0)
        return 0;
    paddr_t pa = page_pool_alloc(&pool, npages);
    if (pa && !armv8_mte_zero((void *)(uintptr_t)pa, npages << PAGE_SHIFT)) {
        /* Word stores: string.c's memset goes byte by byte, and a guest's
         * RAM is tens of MiB. (With MTE, DC GZVA above zeroed the data and
         * the allocation tags.) */
        uint64_t *p = (uint64_t *)(uintptr_t)pa;
        for (size_t i = 0; i < (npages << PAGE_SHIFT) / sizeof(*p); i++)
            p[i] = 0;
    }
    return pa;
}

void arch_page_free(paddr_t pa, size_t npages)
{
    if (page_pool_free(&pool, pa, npages) != 0) {
        /* A bad free is a hypervisor bug: stop before memory is corrupted. */
        log_err("bad arch_page_free(0x%llx, %zu)\n", (unsigned long long)pa, npages);
        arch_halt(HALT_BUG);
    }
}

void *arch_pa_to_va(paddr_t pa)
{
    return armv8_pa_is_ram(pa, 1) ? (void *)(uintptr_t)pa : NULL;
}

paddr_t arch_va_to_pa(const void *va)
{
    return (paddr_t)(uintptr_t)va;
}
