/*
 * The stage-2 pagetable engine: long descriptors, 4 KiB granule.
 *
 * One engine for ARMv7 LPAE and ARMv8: struct stage2_format says at which
 * level the walk starts and how many tables are concatenated there (the
 * start level resolves extra IPA bits, ARMv8-A ARM D5.2.6 "concatenated
 * translation tables for the initial stage 2 lookup", ARMv7-A ARM B3.6.6).
 *
 * Invariants the code relies on:
 *  - every non-root table holds at least one valid entry (tables emptied by
 *    unmap, or created by a map that failed, are freed at once);
 *  - descriptors are written whole with one 64-bit single-copy-atomic store,
 *    each write is followed by arch_stage2_sync over what was written, and
 *    every valid entry that is removed or replaced is followed by
 *    arch_tlb_inval_ipa over the IPA range it covered;
 *  - replacing a valid entry by another valid one of a different size or
 *    memory type is break-before-make (ARMv8-A ARM D5.10.1, ARMv7-A ARM
 *    B3.10.1): write invalid, sync, invalidate the TLB, write the new entry.
 */
#include "core/stage2.h"

#include "core/lpae.h"

/* Tables a single unmap/protect may have to create to split the blocks that
 * straddle its two edges: per edge a 1 GiB block becomes a level-2 table and
 * the 2 MiB piece holding the edge a level-3 table. */
#define S2_MAX_SPLIT_TABLES 4

/* State of one operation: spare table pages reserved up front so that an
 * operation that must split blocks cannot fail half-way. */
struct s2_op {
    struct stage2 *s2;
    paddr_t spare[S2_MAX_SPLIT_TABLES];
    unsigned nspare;
};

/* ---- Geometry ------------------------------------------------------------ */

static uint64_t level_size(unsigned level)
{
    return 1ull << LPAE_LEVEL_SHIFT(level);
}

static uint64_t ipa_limit(const struct stage2 *s2)
{
    return 1ull << s2->fmt.ipa_bits;
}

/* Entries in the (concatenated) start-level table. */
static size_t root_entries(const struct stage2_format *fmt)
{
    return (size_t)1 << (fmt->ipa_bits - LPAE_LEVEL_SHIFT(fmt->start_level));
}

static bool level_has_blocks(unsigned level)
{
    return level >= LPAE_BLOCK_MIN_LEVEL && level <= LPAE_BLOCK_MAX_LEVEL;
}

/* ---- Descriptors ------------------------------------------------------- */

static bool desc_valid(uint64_t d)
{
    return (d & LPAE_DESC_VALID) != 0;
}

static bool desc_is_table(uint64_t d, unsigned level)
{
    return level < LPAE_LAST_LEVEL && (d & LPAE_DESC_TYPE_MASK) == LPAE_DESC_TYPE_TABLE;
}

/* A valid block or page: what the walker would translate with. A level-0
 * block or a level-3 0b01 descriptor is reserved and translates nothing. */
static bool desc_is_leaf(uint64_t d, unsigned level)
{
    if (level == LPAE_LAST_LEVEL)
        return (d & LPAE_DESC_TYPE_MASK) == LPAE_DESC_TYPE_PAGE;
    return level_has_blocks(level) && (d & LPAE_DESC_TYPE_MASK) == LPAE_DESC_TYPE_BLOCK;
}

static uint64_t leaf_type(unsigned level)
{
    return level == LPAE_LAST_LEVEL ? LPAE_DESC_TYPE_PAGE : LPAE_DESC_TYPE_BLOCK;
}

/* The leaf attributes for S2_* perms (ARMv8-A ARM D5.3.3, ARMv7-A B3.6.2). */
static uint64_t perms_to_attrs(unsigned perms)
{
    uint64_t a = LPAE_AF;
    if (perms & S2_READ)
        a |= LPAE_S2AP_R;
    if (perms & S2_WRITE)
        a |= LPAE_S2AP_W;
    if (!(perms & S2_EXEC))
        a |= LPAE_S2_XN;
    if (perms & S2_DEVICE)
        a |= LPAE_S2_MEMATTR(LPAE_S2_MEMATTR_DEVICE_nGnRE);
    else
        a |= LPAE_S2_MEMATTR(LPAE_S2_MEMATTR_NORMAL_WB) | LPAE_SH_INNER;
    return a;
}

static unsigned attrs_to_perms(uint64_t d)
{
    unsigned p = 0;
    if (d & LPAE_S2AP_R)
        p |= S2_READ;
    if (d & LPAE_S2AP_W)
        p |= S2_WRITE;
    if (!(d & LPAE_S2_XN))
        p |= S2_EXEC;
    if ((d & LPAE_S2_MEMATTR(LPAE_S2_MEMATTR_DEVICE_MASK)) == 0)
        p |= S2_DEVICE;
    return p;
}

/* Sane perms: only known bits, some access, and no execution from Device
 * memory (the Arm ARM lets instruction fetches be speculated from Device
 * memory that is not execute-never, so we never build such a mapping). */
static bool perms_ok(unsigned perms)
{
    if (perms & ~(S2_RWX | S2_DEVICE))
        return false;
    if (!(perms & S2_RWX))
        return false;
    return !((perms & S2_DEVICE) && (perms & S2_EXEC));
}

static uint64_t *table_va(paddr_t pa)
{
    return arch_pa_to_va(pa);
}

static uint64_t *desc_next_table(uint64_t d)
{
    return table_va(d & LPAE_ADDR_MASK);
}

/* One single-copy-atomic 64-bit store: a walker must never see half of a
 * descriptor (on ARMv7 a plain 64-bit store may be two STRs; the atomic is
 * LDREXD/STREXD or STRD as the compiler sees fit for LPAE). */
static void desc_write(uint64_t *p, uint64_t d)
{
    __atomic_store_n(p, d, __ATOMIC_RELAXED);
}

static void sync_descs(uint64_t *first, size_t n)
{
    arch_stage2_sync(first, n * LPAE_DESC_SIZE);
}

/* Break-before-make replacement of the valid entry *p covering
 * [ipa, ipa + size) by d (d may be 0 for a pure removal). */
static void replace_entry(struct stage2 *s2, uint64_t *p, uint64_t d, ipa_t ipa, uint64_t size)
{
    desc_write(p, 0);
    sync_descs(p, 1);
    arch_tlb_inval_ipa(s2->vmid, ipa, size);
    if (d) {
        desc_write(p, d);
        sync_descs(p, 1);
    }
}

/* ---- Table pages ------------------------------------------------------- */

/* A zeroed table page whose zeroes the walker can see; 0 when none. */
static paddr_t table_alloc(struct s2_op *op)
{
    paddr_t pa;
    if (op->nspare)
        pa = op->spare[--op->nspare];
    else
        pa = arch_page_alloc(1);
    if (!pa)
        return 0;
    uint64_t *t = table_va(pa);
    if (!t || (pa & ~LPAE_ADDR_MASK)) {
        /* Unusable as a table (not mapped for us or beyond 48 bits). */
        arch_page_free(pa, 1);
        return 0;
    }
    sync_descs(t, LPAE_ENTRIES);
    op->s2->tables++;
    return pa;
}

static void table_free(struct stage2 *s2, paddr_t pa)
{
    arch_page_free(pa, 1);
    s2->tables--;
}

static bool table_empty(const uint64_t *t)
{
    for (unsigned i = 0; i < LPAE_ENTRIES; i++)
        if (desc_valid(t[i]))
            return false;
    return true;
}

/* Free the table at pa (level `level`) and every table below it. The caller
 * has already unlinked it and invalidated the TLB for its range. */
static void free_subtree(struct stage2 *s2, paddr_t pa, unsigned level)
{
    uint64_t *t = table_va(pa);
    if (level < LPAE_LAST_LEVEL) {
        for (unsigned i = 0; i < LPAE_ENTRIES; i++)
            if (desc_valid(t[i]) && desc_is_table(t[i], level))
                free_subtree(s2, t[i] & LPAE_ADDR_MASK, level + 1);
    }
    table_free(s2, pa);
}

/* Reserve n spare table pages, all or none. */
static int op_reserve(struct s2_op *op, unsigned n)
{
    while (op->nspare < n) {
        paddr_t pa = arch_page_alloc(1);
        if (!pa) {
            while (op->nspare)
                arch_page_free(op->spare[--op->nspare], 1);
            return S2_ENOMEM;
        }
        op->spare[op->nspare++] = pa;
    }
    return S2_OK;
}

static void op_release(struct s2_op *op)
{
    while (op->nspare)
        arch_page_free(op->spare[--op->nspare], 1);
}

/* ---- Lookup ------------------------------------------------------------ */

/* A table being iterated: its entries, level and the IPA of entry 0. */
struct s2_table {
    uint64_t *t;
    unsigned level;
    ipa_t base;
};

static struct s2_table root_table(const struct stage2 *s2)
{
    return (struct s2_table){table_va(s2->root), s2->fmt.start_level, 0};
}

/* The entry that translates ipa: descends table descriptors and stops at the
 * first entry that is not one (invalid or leaf). NULL if a table address is
 * not ours to read (corrupt tables: treated as unmapped). */
static uint64_t *find_entry(const struct stage2 *s2, ipa_t ipa, unsigned *level, ipa_t *base)
{
    struct s2_table tb = root_table(s2);
    for (;;) {
        if (!tb.t)
            return NULL;
        unsigned shift = LPAE_LEVEL_SHIFT(tb.level);
        uint64_t *p = &tb.t[(ipa - tb.base) >> shift];
        uint64_t d = *p;
        if (!desc_valid(d) || !desc_is_table(d, tb.level)) {
            *level = tb.level;
            *base = ipa & ~(level_size(tb.level) - 1);
            return p;
        }
        tb.base = ipa & ~(level_size(tb.level) - 1);
        tb.t = desc_next_table(d);
        tb.level++;
    }
}

bool stage2_walk(const struct stage2 *s2, ipa_t ipa, struct stage2_walk *w)
{
    *w = (struct stage2_walk){0};
    if (!s2->root || ipa >= ipa_limit(s2))
        return false;
    unsigned level;
    ipa_t base;
    const uint64_t *p = find_entry(s2, ipa, &level, &base);
    if (!p)
        return false;
    uint64_t d = *p;
    if (!desc_valid(d) || !desc_is_leaf(d, level))
        return false;
    w->mapped = true;
    w->level = level;
    w->size = level_size(level);
    w->pa = (d & LPAE_OA_MASK(level)) | (ipa & (w->size - 1));
    w->perms = attrs_to_perms(d);
    w->desc = d;
    return true;
}

/* Iterate over the entries of tb that overlap [start, end); the body sees
 * i (index), ebase/eend (entry range) and lo/hi (overlap with the range). */
#define FOR_EACH_ENTRY(tb, start, end, i, ebase, eend, lo, hi)                                     \
    for (ipa_t ebase = (start) & ~(level_size((tb)->level) - 1), eend, lo, hi;                     \
         ebase < (end) &&                                                                          \
         (eend = ebase + level_size((tb)->level), lo = ebase < (start) ? (start) : ebase,          \
         hi = eend > (end) ? (end) : eend,                                                         \
         i = (size_t)((ebase - (tb)->base) >> LPAE_LEVEL_SHIFT((tb)->level)), 1);                  \
         ebase = eend)

/* Whether any / every page of [start, end) is mapped. */
static void scan_range(const struct s2_table *tb, ipa_t start, ipa_t end, bool *any, bool *all)
{
    size_t i;
    FOR_EACH_ENTRY(tb, start, end, i, ebase, eend, lo, hi)
    {
        uint64_t d = tb->t[i];
        if (desc_valid(d) && desc_is_table(d, tb->level)) {
            struct s2_table child = {desc_next_table(d), tb->level + 1, ebase};
            if (child.t)
                scan_range(&child, lo, hi, any, all);
            else
                *all = false;
        } else if (desc_valid(d) && desc_is_leaf(d, tb->level)) {
            *any = true;
        } else {
            *all = false;
        }
        if (*any && !*all)
            return;
    }
}

/* ---- Input checks ------------------------------------------------------ */

static bool range_ok(const struct stage2 *s2, ipa_t ipa, uint64_t size)
{
    if (!s2->root || size == 0)
        return false;
    if ((ipa | size) & (PAGE_SIZE - 1))
        return false;
    return ipa < ipa_limit(s2) && size <= ipa_limit(s2) - ipa;
}

/* ---- Splitting --------------------------------------------------------- */

/* Replace the block *p (level `level`, at IPA base) by a table of 512
 * next-level leaves translating exactly the same way. */
static int split_block(struct s2_op *op, uint64_t *p, unsigned level, ipa_t base)
{
    uint64_t blk = *p;
    paddr_t tpa = table_alloc(op);
    if (!tpa)
        return S2_ENOMEM;
    uint64_t *t = table_va(tpa);
    unsigned cl = level + 1;
    uint64_t csz = level_size(cl);
    paddr_t oa = blk & LPAE_OA_MASK(level);
    uint64_t attrs = (blk & LPAE_ATTR_MASK) | leaf_type(cl);
    /* Not yet reachable by the walker: plain writes, one sync. */
    for (unsigned i = 0; i < LPAE_ENTRIES; i++)
        t[i] = (oa + i * csz) | attrs;
    sync_descs(t, LPAE_ENTRIES);
    replace_entry(op->s2, p, tpa | LPAE_DESC_TYPE_TABLE, base, level_size(level));
    return S2_OK;
}

/* Split blocks until no leaf straddles IPA e (a range edge). */
static int split_at(struct s2_op *op, ipa_t e)
{
    if (e >= ipa_limit(op->s2))
        return S2_OK;
    for (;;) {
        unsigned level;
        ipa_t base;
        uint64_t *p = find_entry(op->s2, e, &level, &base);
        if (!p || !desc_valid(*p) || !desc_is_leaf(*p, level) || level == LPAE_LAST_LEVEL ||
            e == base)
            return S2_OK;
        int rc = split_block(op, p, level, base);
        if (rc)
            return rc;
    }
}

/* Table pages split_at(start) and split_at(end) will need together: one per
 * distinct (level, region) that gets a new table. */
static unsigned split_need(const struct stage2 *s2, ipa_t start, ipa_t end)
{
    uint64_t keys[S2_MAX_SPLIT_TABLES];
    unsigned n = 0;
    ipa_t edges[2] = {start, end};
    for (unsigned k = 0; k < 2; k++) {
        ipa_t e = edges[k];
        if (e >= ipa_limit(s2))
            continue;
        unsigned level;
        ipa_t base;
        const uint64_t *p = find_entry(s2, e, &level, &base);
        if (!p || !desc_valid(*p) || !desc_is_leaf(*p, level) || e == base)
            continue;
        /* Tables created, keyed by their level and the region they cover. */
        for (unsigned l = level + 1; l <= LPAE_LAST_LEVEL; l++) {
            uint64_t region = e >> LPAE_LEVEL_SHIFT(l - 1);
            uint64_t key = region << 2 | l;
            bool seen = false;
            for (unsigned j = 0; j < n; j++)
                seen |= keys[j] == key;
            if (!seen)
                keys[n++] = key;
            if ((e & (level_size(l) - 1)) == 0)
                break; /* the edge falls on a level-l leaf boundary */
        }
    }
    return n;
}

/* Make [start, end) coincide with leaf boundaries, all or nothing. */
static int split_edges(struct s2_op *op, ipa_t start, ipa_t end)
{
    int rc = op_reserve(op, split_need(op->s2, start, end));
    if (rc)
        return rc;
    rc = split_at(op, start);
    if (!rc)
        rc = split_at(op, end);
    return rc;
}

/* ---- Unmap ------------------------------------------------------------- */

/* Remove every leaf in [start, end) under tb; leaves must not straddle the
 * range edges (split_edges). Frees tables that become empty. */
static void unmap_range(struct stage2 *s2, const struct s2_table *tb, ipa_t start, ipa_t end)
{
    size_t first = SIZE_MAX, last = 0;
    size_t i;
    FOR_EACH_ENTRY(tb, start, end, i, ebase, eend, lo, hi)
    {
        uint64_t *p = &tb->t[i];
        uint64_t d = *p;
        if (!desc_valid(d))
            continue;
        bool whole = lo == ebase && hi == eend;
        if (desc_is_table(d, tb->level)) {
            struct s2_table child = {desc_next_table(d), tb->level + 1, ebase};
            if (!child.t)
                continue; /* not ours to touch */
            if (!whole) {
                unmap_range(s2, &child, lo, hi);
                if (!table_empty(child.t))
                    continue;
            }
            /* Unlink, invalidate walks through it, then free the pages. */
            replace_entry(s2, p, 0, ebase, eend - ebase);
            free_subtree(s2, d & LPAE_ADDR_MASK, tb->level + 1);
            continue;
        }
        if (!whole)
            continue; /* straddling leaf: split_edges guarantees none */
        desc_write(p, 0);
        if (first == SIZE_MAX)
            first = i;
        last = i;
    }
    if (first != SIZE_MAX) {
        sync_descs(&tb->t[first], last - first + 1);
        uint64_t esz = level_size(tb->level);
        arch_tlb_inval_ipa(s2->vmid, tb->base + first * esz, (last - first + 1) * esz);
    }
}

/* What unmap and protect share: [ipa, ipa + size) checked, looked over
 * (some page must be mapped, or with need_all every page), the blocks
 * straddling its edges split, then apply run over it with attrs. */
typedef void (*range_fn)(struct stage2 *s2, const struct s2_table *tb, ipa_t start, ipa_t end,
                         uint64_t attrs);

static int edit_range(struct stage2 *s2, ipa_t ipa, uint64_t size, bool need_all, range_fn apply,
                      uint64_t attrs)
{
    ipa_t end = ipa + size;
    struct s2_table root = root_table(s2);
    bool any = false, all = true;
    scan_range(&root, ipa, end, &any, &all);
    if (need_all ? !all : !any)
        return S2_ENOENT;
    struct s2_op op = {.s2 = s2};
    int rc = split_edges(&op, ipa, end);
    if (!rc)
        apply(s2, &root, ipa, end, attrs);
    op_release(&op);
    return rc;
}

static void unmap_apply(struct stage2 *s2, const struct s2_table *tb, ipa_t start, ipa_t end,
                        uint64_t attrs)
{
    (void)attrs;
    unmap_range(s2, tb, start, end);
}

int stage2_unmap(struct stage2 *s2, ipa_t ipa, uint64_t size)
{
    if (!range_ok(s2, ipa, size))
        return S2_EINVAL;
    return edit_range(s2, ipa, size, false, unmap_apply, 0);
}

/* ---- Map --------------------------------------------------------------- */

/* Map [start, end) -> pa under tb, where nothing is mapped yet. */
static int map_range(struct s2_op *op, const struct s2_table *tb, ipa_t start, ipa_t end,
                     paddr_t pa, uint64_t attrs)
{
    size_t first = SIZE_MAX, last = 0;
    int rc = S2_OK;
    size_t i;
    FOR_EACH_ENTRY(tb, start, end, i, ebase, eend, lo, hi)
    {
        uint64_t *p = &tb->t[i];
        uint64_t d = *p;
        paddr_t epa = pa + (lo - start);
        bool whole = lo == ebase && hi == eend;
        bool leaf_here = tb->level == LPAE_LAST_LEVEL ||
                         (level_has_blocks(tb->level) && whole && !desc_valid(d) &&
                          (epa & (level_size(tb->level) - 1)) == 0);
        if (leaf_here) {
            if (desc_valid(d)) {
                rc = S2_EEXIST; /* scan_range said free: not reached */
                break;
            }
            desc_write(p, epa | attrs | leaf_type(tb->level));
            if (first == SIZE_MAX)
                first = i;
            last = i;
            continue;
        }
        if (desc_valid(d) && !desc_is_table(d, tb->level)) {
            rc = S2_EEXIST;
            break;
        }
        if (!desc_valid(d)) {
            paddr_t tpa = table_alloc(op);
            if (!tpa) {
                rc = S2_ENOMEM;
                break;
            }
            d = tpa | LPAE_DESC_TYPE_TABLE;
            /* The zeroed table was synced: publishing it first is safe. */
            desc_write(p, d);
            sync_descs(p, 1);
        }
        struct s2_table child = {desc_next_table(d), tb->level + 1, ebase};
        if (!child.t) {
            rc = S2_EINVAL;
            break;
        }
        rc = map_range(op, &child, lo, hi, epa, attrs);
        if (rc)
            break;
    }
    /* Invalid -> valid needs no TLB maintenance, only visibility. */
    if (first != SIZE_MAX)
        sync_descs(&tb->t[first], last - first + 1);
    return rc;
}

int stage2_map(struct stage2 *s2, ipa_t ipa, paddr_t pa, uint64_t size, unsigned perms)
{
    if (!range_ok(s2, ipa, size) || !perms_ok(perms))
        return S2_EINVAL;
    if (pa & (PAGE_SIZE - 1))
        return S2_EINVAL;
    const uint64_t oa_limit = 1ull << LPAE_OA_BITS;
    if (pa >= oa_limit || size > oa_limit - pa)
        return S2_EINVAL;
    ipa_t end = ipa + size;
    struct s2_table root = root_table(s2);
    bool any = false, all = true;
    scan_range(&root, ipa, end, &any, &all);
    if (any)
        return S2_EEXIST;
    struct s2_op op = {.s2 = s2};
    int rc = map_range(&op, &root, ipa, end, pa, perms_to_attrs(perms));
    if (rc) {
        /* Nothing was mapped in [ipa, end) before: removing everything there
         * restores the old state and frees the tables we created. */
        unmap_range(s2, &root, ipa, end);
    }
    return rc;
}

/* ---- Protect ----------------------------------------------------------- */

/* Set the attributes of every leaf in [start, end) (no straddlers). Leaves
 * whose memory type changes are replaced break-before-make; for permission
 * changes alone the architecture allows an in-place update followed by TLB
 * invalidation. A broken leaf keeps its old contents with bit 0 clear, so
 * the second pass can rebuild it. */
static void protect_range(struct stage2 *s2, const struct s2_table *tb, ipa_t start, ipa_t end,
                          uint64_t attrs)
{
    const uint64_t type_attrs = LPAE_S2_MEMATTR_MASK | LPAE_SH_MASK;
    size_t first = SIZE_MAX, last = 0;
    bool broke = false;
    size_t i;
    FOR_EACH_ENTRY(tb, start, end, i, ebase, eend, lo, hi)
    {
        uint64_t *p = &tb->t[i];
        uint64_t d = *p;
        if (!desc_valid(d))
            continue;
        if (desc_is_table(d, tb->level)) {
            struct s2_table child = {desc_next_table(d), tb->level + 1, ebase};
            if (child.t)
                protect_range(s2, &child, lo, hi, attrs);
            continue;
        }
        if (lo != ebase || hi != eend || !desc_is_leaf(d, tb->level))
            continue;
        uint64_t nd = (d & ~LPAE_ATTR_MASK) | attrs;
        if (nd == d)
            continue;
        if ((nd ^ d) & type_attrs) {
            desc_write(p, d & ~LPAE_DESC_VALID);
            broke = true;
        } else {
            desc_write(p, nd);
        }
        if (first == SIZE_MAX)
            first = i;
        last = i;
    }
    if (first == SIZE_MAX)
        return;
    size_t n = last - first + 1;
    uint64_t esz = level_size(tb->level);
    sync_descs(&tb->t[first], n);
    arch_tlb_inval_ipa(s2->vmid, tb->base + first * esz, n * esz);
    if (!broke)
        return;
    for (size_t k = first; k <= last; k++) {
        uint64_t d = tb->t[k];
        if (!desc_valid(d) && d != 0)
            desc_write(&tb->t[k], (d & ~LPAE_ATTR_MASK) | attrs | LPAE_DESC_VALID);
    }
    sync_descs(&tb->t[first], n);
}

int stage2_protect(struct stage2 *s2, ipa_t ipa, uint64_t size, unsigned perms)
{
    if (!range_ok(s2, ipa, size) || !perms_ok(perms))
        return S2_EINVAL;
    return edit_range(s2, ipa, size, true, protect_range, perms_to_attrs(perms));
}

/* ---- Merge ------------------------------------------------------------- */

/* The block descriptor at level `level` equivalent to the table t of
 * level+1 leaves, or 0 if t is not 512 contiguous, aligned, same-attribute
 * leaves. */
static uint64_t mergeable(const uint64_t *t, unsigned level)
{
    unsigned cl = level + 1;
    uint64_t d0 = t[0];
    if (!desc_valid(d0) || !desc_is_leaf(d0, cl))
        return 0;
    paddr_t oa = d0 & LPAE_OA_MASK(cl);
    if (oa & (level_size(level) - 1))
        return 0;
    uint64_t csz = level_size(cl);
    for (unsigned i = 1; i < LPAE_ENTRIES; i++)
        if (t[i] != (d0 & ~LPAE_OA_MASK(cl)) + (oa + i * csz))
            return 0;
    return oa | (d0 & LPAE_ATTR_MASK) | LPAE_DESC_TYPE_BLOCK;
}

static int merge_range(struct stage2 *s2, const struct s2_table *tb, ipa_t start, ipa_t end)
{
    int made = 0;
    size_t i;
    FOR_EACH_ENTRY(tb, start, end, i, ebase, eend, lo, hi)
    {
        uint64_t *p = &tb->t[i];
        uint64_t d = *p;
        if (!desc_valid(d) || !desc_is_table(d, tb->level))
            continue;
        struct s2_table child = {desc_next_table(d), tb->level + 1, ebase};
        if (!child.t)
            continue;
        /* Bottom-up, so 2 MiB blocks made below can form a 1 GiB one. */
        made += merge_range(s2, &child, lo, hi);
        if (lo != ebase || hi != eend || !level_has_blocks(tb->level))
            continue;
        uint64_t blk = mergeable(child.t, tb->level);
        if (!blk)
            continue;
        replace_entry(s2, p, blk, ebase, eend - ebase);
        table_free(s2, d & LPAE_ADDR_MASK);
        made++;
    }
    return made;
}

int stage2_merge(struct stage2 *s2, ipa_t ipa, uint64_t size)
{
    if (!range_ok(s2, ipa, size))
        return S2_EINVAL;
    struct s2_table root = root_table(s2);
    return merge_range(s2, &root, ipa, ipa + size);
}

/* ---- Life cycle -------------------------------------------------------- */

static bool format_ok(const struct stage2_format *fmt)
{
    if (fmt->ipa_bits < LPAE_MIN_IPA_BITS || fmt->ipa_bits > LPAE_MAX_IPA_BITS)
        return false;
    if (fmt->start_level > LPAE_BLOCK_MAX_LEVEL)
        return false;
    unsigned shift = LPAE_LEVEL_SHIFT(fmt->start_level);
    if (fmt->ipa_bits <= shift)
        return false; /* the start level would resolve no bits */
    unsigned bits = fmt->ipa_bits - shift;
    /* Up to 9 bits fit one table; more need 2^(bits-9) concatenated ones. */
    unsigned need = bits > LPAE_LEVEL_BITS ? 1u << (bits - LPAE_LEVEL_BITS) : 1u;
    if (bits > LPAE_LEVEL_BITS + 4 || need > LPAE_MAX_CONCAT)
        return false;
    return fmt->concat == need;
}

/* concat pages aligned to concat pages (the start table's own size, as
 * VTTBR.BADDR requires): allocate exactly, else over-allocate and align. */
static int root_alloc(struct stage2 *s2)
{
    size_t n = s2->fmt.concat;
    uint64_t align = (uint64_t)n << PAGE_SHIFT;
    paddr_t pa = arch_page_alloc(n);
    size_t got = n;
    if (pa && (pa & (align - 1))) {
        arch_page_free(pa, n);
        got = 2 * n - 1;
        pa = arch_page_alloc(got);
    }
    if (!pa)
        return S2_ENOMEM;
    paddr_t root = (pa + align - 1) & ~(align - 1);
    if ((root & ~LPAE_ADDR_MASK) || !table_va(root) || !table_va(root + (n - 1) * PAGE_SIZE)) {
        arch_page_free(pa, got);
        return S2_ENOMEM;
    }
    s2->root_alloc = pa;
    s2->root_alloc_pages = got;
    s2->root = root;
    s2->tables = n;
    for (size_t k = 0; k < n; k++)
        sync_descs(table_va(root + k * PAGE_SIZE), LPAE_ENTRIES);
    return S2_OK;
}

int stage2_init(struct stage2 *s2, const struct stage2_format *fmt, uint16_t vmid)
{
    *s2 = (struct stage2){0};
    if (!fmt || !format_ok(fmt))
        return S2_EINVAL;
    s2->fmt = *fmt;
    s2->vmid = vmid;
    int rc = root_alloc(s2);
    if (rc)
        *s2 = (struct stage2){0};
    return rc;
}

void stage2_destroy(struct stage2 *s2)
{
    if (!s2->root)
        return;
    /* Nothing may walk the tables once they are freed. */
    arch_tlb_inval_vmid(s2->vmid);
    size_t n = root_entries(&s2->fmt);
    for (size_t i = 0; i < n; i++) {
        uint64_t *p = &table_va(s2->root)[i];
        if (desc_valid(*p) && desc_is_table(*p, s2->fmt.start_level))
            free_subtree(s2, *p & LPAE_ADDR_MASK, s2->fmt.start_level + 1);
    }
    arch_page_free(s2->root_alloc, s2->root_alloc_pages);
    *s2 = (struct stage2){0};
}

uint64_t stage2_vttbr(const struct stage2 *s2)
{
    /* VTTBR_EL2.BADDR / VTTBR.BADDR hold the root PA (aligned to the start
     * table size); VMID is bits[55:48] (ARMv7, ARMv8 8-bit VMID) or [63:48]
     * (ARMv8 16-bit VMID). */
    return s2->root | (uint64_t)s2->vmid << 48;
}
