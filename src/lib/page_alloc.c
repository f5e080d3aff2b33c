#include "lib/page_alloc.h"

#define POOL_PAGE_SHIFT 12

static int bit_get(const struct page_pool *p, size_t i)
{
    return (int)((p->bitmap[i / 64] >> (i % 64)) & 1);
}

static void bit_put(struct page_pool *p, size_t i, int v)
{
    if (v)
        p->bitmap[i / 64] |= 1ULL << (i % 64);
    else
        p->bitmap[i / 64] &= ~(1ULL << (i % 64));
}

void page_pool_init(struct page_pool *pool, uint64_t base, size_t npages, uint64_t *bitmap)
{
    pool->base = base;
    pool->npages = npages;
    pool->bitmap = bitmap;
    pool->free = npages;
    for (size_t w = 0; w < PAGE_POOL_WORDS(npages); w++)
        bitmap[w] = 0;
}

void page_pool_reserve(struct page_pool *pool, uint64_t pa, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        uint64_t page = pa + ((uint64_t)k << POOL_PAGE_SHIFT);
        if (page < pool->base)
            continue;
        size_t i = (size_t)((page - pool->base) >> POOL_PAGE_SHIFT);
        if (i >= pool->npages || bit_get(pool, i))
            continue;
        bit_put(pool, i, 1);
        pool->free--;
    }
}

uint64_t page_pool_alloc(struct page_pool *pool, size_t n)
{
    if (n == 0 || n > pool->free)
        return 0;
    size_t run = 0;
    for (size_t i = 0; i < pool->npages; i++) {
        /* Skip whole used words quickly when not inside a run. */
        if (run == 0 && i % 64 == 0 && pool->bitmap[i / 64] == ~0ULL) {
            i += 63;
            continue;
        }
        run = bit_get(pool, i) ? 0 : run + 1;
        if (run == n) {
            size_t first = i + 1 - n;
            for (size_t k = first; k <= i; k++)
                bit_put(pool, k, 1);
            pool->free -= n;
            return pool->base + ((uint64_t)first << POOL_PAGE_SHIFT);
        }
    }
    return 0;
}

int page_pool_free(struct page_pool *pool, uint64_t pa, size_t n)
{
    if (pa < pool->base || (pa & ((1u << POOL_PAGE_SHIFT) - 1)))
        return -1;
    size_t first = (size_t)((pa - pool->base) >> POOL_PAGE_SHIFT);
    if (first >= pool->npages || n > pool->npages - first)
        return -1;
    for (size_t k = first; k < first + n; k++)
        if (!bit_get(pool, k))
            return -1;
    for (size_t k = first; k < first + n; k++)
        bit_put(pool, k, 0);
    pool->free += n;
    return 0;
}
