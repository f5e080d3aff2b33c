/*
 * The stage-2 pagetable engine: VMSAv8-64 / ARMv7 LPAE long descriptors,
 * 4 KiB granule (ARMv8-A ARM D5.3, ARMv7-A ARM B3.6). One engine serves
 * ARMv7 (40-bit IPA, two concatenated level-1 tables) and ARMv8 (40/48-bit),
 * parametrised by struct stage2_format.
 */
#ifndef CORE_STAGE2_H
#define CORE_STAGE2_H

#include "arch/arch.h"

/* Access permissions and memory type of a mapping. */
#define S2_READ   (1u << 0)
#define S2_WRITE  (1u << 1)
#define S2_EXEC   (1u << 2)
#define S2_DEVICE (1u << 3) /* Device-nGnRE instead of Normal write-back */
#define S2_RW     (S2_READ | S2_WRITE)
#define S2_RWX    (S2_READ | S2_WRITE | S2_EXEC)

struct stage2 {
    struct stage2_format fmt;
    paddr_t root; /* PA of the (concatenated) start-level table */
    uint16_t vmid;
    size_t tables; /* table pages in use, root included */
    /* The allocation the root came from: concatenated roots must be aligned
     * to their own size, so the engine may over-allocate and align inside. */
    paddr_t root_alloc;
    size_t root_alloc_pages;
};

/* What a walk found for one IPA. */
struct stage2_walk {
    bool mapped;
    paddr_t pa;     /* translation of the IPA */
    unsigned level; /* level of the leaf (1: 1 GiB, 2: 2 MiB, 3: 4 KiB) */
    uint64_t size;  /* bytes the leaf maps */
    unsigned perms; /* S2_* of the leaf */
    uint64_t desc;  /* the raw leaf descriptor */
};

enum stage2_err {
    S2_OK = 0,
    S2_EINVAL = -1, /* misaligned, out of the IPA range, bad perms */
    S2_ENOMEM = -2, /* no page for a table */
    S2_EEXIST = -3, /* map over an existing mapping */
    S2_ENOENT = -4, /* unmap/protect of something not mapped */
};

/* Create empty tables for the given format and VMID. */
int stage2_init(struct stage2 *s2, const struct stage2_format *fmt, uint16_t vmid);

/* Free every table page (the mapped memory itself is not ours). */
void stage2_destroy(struct stage2 *s2);

/* Map [ipa, ipa+size) to [pa, pa+size) with perms; uses 1 GiB / 2 MiB blocks
 * wherever both addresses are aligned. Page aligned; fails on overlap
 * (S2_EEXIST) and on any failure leaves the tables as they were. perms needs
 * some of R/W/X and may not combine S2_DEVICE with S2_EXEC (S2_EINVAL). */
int stage2_map(struct stage2 *s2, ipa_t ipa, paddr_t pa, uint64_t size, unsigned perms);

/* Remove the mappings of [ipa, ipa+size), splitting blocks that straddle the
 * edges (break-before-make, TLB invalidated through the arch). Holes in the
 * range are fine; S2_ENOENT only when nothing in it was mapped. */
int stage2_unmap(struct stage2 *s2, ipa_t ipa, uint64_t size);

/* Change the permissions of [ipa, ipa+size), splitting blocks as needed.
 * S2_ENOENT (and no change) unless every page of the range is mapped. */
int stage2_protect(struct stage2 *s2, ipa_t ipa, uint64_t size, unsigned perms);

/* Replace every full table of contiguous, same-attribute leaves in
 * [ipa, ipa+size) by one block (and free the table); returns blocks made. */
int stage2_merge(struct stage2 *s2, ipa_t ipa, uint64_t size);

/* Look up one IPA. Returns false (and walk->mapped false) when unmapped. */
bool stage2_walk(const struct stage2 *s2, ipa_t ipa, struct stage2_walk *walk);

/* The VTTBR value for this table (root PA | VMID << 48). */
uint64_t stage2_vttbr(const struct stage2 *s2);

#endif
