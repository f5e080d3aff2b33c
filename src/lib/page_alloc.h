/* A first-fit page allocator over one physical range, one bit per page.
 * Used by every arch to implement arch_page_alloc. Not thread-safe: callers
 * serialise (one CPU until SMP). */
#ifndef LIB_PAGE_ALLOC_H
#define LIB_PAGE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

struct page_pool {
    uint64_t base; /* PA of page 0; never 0, so 0 can mean failure */
    size_t npages;
    uint64_t *bitmap; /* PAGE_POOL_WORDS(npages) words, set bit = used */
    size_t free;      /* pages not in use */
};

#define PAGE_POOL_WORDS(n) (((n) + 63) / 64)

/* Start with every page free. bitmap is caller storage. */
void page_pool_init(struct page_pool *pool, uint64_t base, size_t npages, uint64_t *bitmap);

/* Mark [pa, pa + n pages) used (firmware, image, DTB); ignores pages outside. */
void page_pool_reserve(struct page_pool *pool, uint64_t pa, size_t n);

/* n contiguous pages; 0 when no run is long enough. Not zeroed. */
uint64_t page_pool_alloc(struct page_pool *pool, size_t n);

/* Return n pages at pa; returns -1 (and changes nothing) if any page is
 * outside the pool or already free: a double free is a bug we report. */
int page_pool_free(struct page_pool *pool, uint64_t pa, size_t n);

#endif
