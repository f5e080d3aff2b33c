/*
 * LPAE / VMSAv8-64 long-descriptor fields for stage-2 tables, 4 KiB granule.
 *
 * Sources: ARMv8-A ARM D5.3 "VMSAv8-64 translation table format descriptors"
 * (D5.3.1 table/block/page formats, D5.3.3 "Memory attribute fields in the
 * VMSAv8-64 translation table format descriptors", stage 2 S2AP/MemAttr/XN),
 * and ARMv7-A ARM B3.6 "Long-descriptor translation table format" (B3.6.1
 * descriptor formats, B3.6.2 "Memory attributes in the Long-descriptor
 * translation table format descriptors"). ARMv7 LPAE uses the same bit
 * positions for everything below; its output addresses stop at bit 39.
 *
 * The core owns these because it builds the stage-2 tables; arch code sets
 * VTCR/VTTBR from struct stage2_format and stage2_vttbr().
 */
#ifndef CORE_LPAE_H
#define CORE_LPAE_H

#include <stdint.h>

/* ---- Geometry (4 KiB granule) ------------------------------------------ */

/* Each lookup level resolves 9 IPA bits; level 3 resolves bits [20:12],
 * level 2 [29:21], level 1 [38:30], level 0 [47:39]. */
#define LPAE_LEVEL_BITS   9
#define LPAE_ENTRIES      (1u << LPAE_LEVEL_BITS) /* descriptors per table page */
#define LPAE_LAST_LEVEL   3
#define LPAE_MAX_CONCAT   16 /* concatenated start-level tables (VTCR.SL0, D5.2.6) */
#define LPAE_DESC_SIZE    8u
#define LPAE_MAX_IPA_BITS 48
#define LPAE_MIN_IPA_BITS 25 /* VTCR_EL2.T0SZ at most 39 */
#define LPAE_OA_BITS      48 /* output addresses we accept (ARMv7 LPAE: 40) */

/* Block descriptors exist at level 1 (1 GiB) and level 2 (2 MiB) with the
 * 4 KiB granule (no level-0 blocks without FEAT_LPA2). */
#define LPAE_BLOCK_MIN_LEVEL 1
#define LPAE_BLOCK_MAX_LEVEL 2

/* Address bits translated below level L: the IPA range one entry covers. */
#define LPAE_LEVEL_SHIFT(l) (12u + LPAE_LEVEL_BITS * (LPAE_LAST_LEVEL - (l)))

/* ---- Descriptor type, bits[1:0] ----------------------------------------- */

#define LPAE_DESC_VALID     (1ull << 0) /* bit 0 clear: invalid, every other bit ignored */
#define LPAE_DESC_TYPE_MASK 0x3ull
/* Levels 0-2: bit 1 set is a table descriptor, clear is a block. */
#define LPAE_DESC_TYPE_BLOCK 0x1ull
#define LPAE_DESC_TYPE_TABLE 0x3ull
/* Level 3: 0b11 is a page descriptor; 0b01 is reserved (treated as invalid). */
#define LPAE_DESC_TYPE_PAGE 0x3ull

/* ---- Output / next-level table address ---------------------------------- */

/* Table and page descriptors: next-level table / page address bits[47:12]. */
#define LPAE_ADDR_MASK 0x0000fffffffff000ull
/* Leaf output address bits[47:shift] at level l (block: bits below are RES0). */
#define LPAE_OA_MASK(l) (LPAE_ADDR_MASK & ~((1ull << LPAE_LEVEL_SHIFT(l)) - 1))

/* ---- Stage-2 leaf (block/page) attributes ------------------------------- */

/* Lower attributes are bits[11:2], upper attributes bits[63:52]. */
#define LPAE_LOWER_ATTR_MASK 0x0000000000000ffcull
#define LPAE_UPPER_ATTR_MASK 0xfff0000000000000ull
#define LPAE_ATTR_MASK       (LPAE_LOWER_ATTR_MASK | LPAE_UPPER_ATTR_MASK)

/* MemAttr[3:0], bits[5:2]: stage-2 memory type, encoded directly (no MAIR).
 * [3:2] = 0b00 means Device with [1:0] selecting nGnRnE..GRE; otherwise
 * [3:2] is the outer and [1:0] the inner Normal cacheability (0b11 WB). */
#define LPAE_S2_MEMATTR_SHIFT        2
#define LPAE_S2_MEMATTR_MASK         (0xfull << LPAE_S2_MEMATTR_SHIFT)
#define LPAE_S2_MEMATTR_NORMAL_WB    0xfull /* Outer WB, Inner WB cacheable */
#define LPAE_S2_MEMATTR_DEVICE_nGnRE 0x1ull /* ARMv7: Device memory */
#define LPAE_S2_MEMATTR_DEVICE_MASK  0xcull /* [3:2] == 0 means Device */
#define LPAE_S2_MEMATTR(v)           ((uint64_t)(v) << LPAE_S2_MEMATTR_SHIFT)

/* S2AP[1:0], bits[7:6]: stage-2 data access permission. */
#define LPAE_S2AP_SHIFT 6
#define LPAE_S2AP_MASK  (0x3ull << LPAE_S2AP_SHIFT)
#define LPAE_S2AP_R     (0x1ull << LPAE_S2AP_SHIFT) /* S2AP = 0b01: read-only */
#define LPAE_S2AP_W     (0x2ull << LPAE_S2AP_SHIFT) /* S2AP = 0b10: write-only */
#define LPAE_S2AP_RW    (LPAE_S2AP_R | LPAE_S2AP_W)

/* SH[1:0], bits[9:8]: shareability of Normal memory (ignored for Device). */
#define LPAE_SH_SHIFT 8
#define LPAE_SH_MASK  (0x3ull << LPAE_SH_SHIFT)
#define LPAE_SH_NON   (0x0ull << LPAE_SH_SHIFT)
#define LPAE_SH_OUTER (0x2ull << LPAE_SH_SHIFT)
#define LPAE_SH_INNER (0x3ull << LPAE_SH_SHIFT)

/* AF, bit 10: access flag. We never manage access flags, so it is always set
 * (a clear AF would fault on first access). */
#define LPAE_AF (1ull << 10)

/* Contiguous hint, bit 52 (unused here; part of the attributes we keep). */
#define LPAE_CONTIG (1ull << 52)

/* XN, bit 54: stage-2 execute-never (ARMv7 LPAE and ARMv8; with FEAT_XNX
 * this is XN[1] of XN[1:0] at bits[54:53], and bit 53 clear keeps XN[1]
 * meaning "no execution at EL1 or EL0"). */
#define LPAE_S2_XN (1ull << 54)

#endif
