/*
 * A small, bounds-checked reader for flattened device trees (DTB), as the
 * boot loader or QEMU hands them to us (Devicetree Specification v0.4,
 * chapter 5 "Flattened Devicetree (DTB) Format").
 *
 * The blob is untrusted input: every read is checked against the header's
 * block sizes, every string must end inside its block, and a walk never loops
 * forever. Reads are byte-wise big-endian, so the blob needs no alignment and
 * the reader works before the MMU is on (when unaligned accesses fault).
 *
 * Nodes and properties are named by their offset in the structure block
 * (>= 0); functions that find something return that offset or a negative
 * FDT_E* code. Only reads: the reader never writes to the blob.
 */
#ifndef LIB_FDT_H
#define LIB_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC 0xd00dfeedu
/* The FDT_NOP token (5.4.1), which every reader skips: a writer blanks a
 * node out by overwriting its words with it. */
#define FDT_NOP_TOKEN 0x4u

/* Error codes (negative returns). */
#define FDT_ENOTFOUND  (-1) /* no such node / property */
#define FDT_EBADMAGIC  (-2) /* not a DTB */
#define FDT_EBADVER    (-3) /* version we cannot read */
#define FDT_ETRUNC     (-4) /* a block or item runs past its end */
#define FDT_EBADSTRUCT (-5) /* malformed structure block (token, nesting) */
#define FDT_EBADVALUE  (-6) /* property has the wrong length for its use */

/* Deepest node nesting we follow (parents of a node are kept on a stack). */
#define FDT_MAX_DEPTH 16

struct fdt {
    const uint8_t *blob;
    uint32_t totalsize;
    uint32_t off_struct, size_struct;
    uint32_t off_strings, size_strings;
    uint32_t off_rsvmap;
    uint32_t boot_cpuid;
};

/* Check the header of the blob at `blob`, of which at most `avail` bytes may
 * be read (pass the size of the buffer it lives in, or an upper bound).
 * Returns 0 and fills *fdt, or a negative FDT_E* code. */
int fdt_init(struct fdt *fdt, const void *blob, size_t avail);

/* Total size of a DTB from its header alone (0 if magic is wrong). Needs 8
 * readable bytes. For reserving the blob's memory before fdt_init. */
uint32_t fdt_header_size(const void *blob);

/* ---- Nodes --------------------------------------------------------------- */

/* The root node (offset of its FDT_BEGIN_NODE). */
int fdt_root(const struct fdt *fdt);

/* Name of a node ("" for the root, "memory@40000000"), NULL if invalid. */
const char *fdt_node_name(const struct fdt *fdt, int node);

/* The next node in document order after `node`; *depth (if not NULL) is
 * adjusted by the nesting change (+1 for a child, 0 sibling, -n going up).
 * FDT_ENOTFOUND after the last node. */
int fdt_next_node(const struct fdt *fdt, int node, int *depth);

/* The offset just past node's FDT_END_NODE: [node, end) is the node with its
 * properties and subnodes. Negative FDT_E* when the block is malformed. */
int fdt_node_end(const struct fdt *fdt, int node);

/* First child / next sibling of a node; FDT_ENOTFOUND when there is none. */
int fdt_first_child(const struct fdt *fdt, int node);
int fdt_next_sibling(const struct fdt *fdt, int node);

/* Parent of a node (FDT_ENOTFOUND for the root). */
int fdt_parent(const struct fdt *fdt, int node);

/* A node by absolute path: "/", "/chosen", "/cpus/cpu@0". A component with
 * no '@' also matches a node whose name is that component followed by
 * "@unit-address" (so "/memory" finds "memory@40000000"). */
int fdt_path_offset(const struct fdt *fdt, const char *path);

/* The first node after `from` (or from the start when from < 0), in document
 * order, whose "compatible" list contains `compat`. */
int fdt_node_by_compatible(const struct fdt *fdt, int from, const char *compat);

/* The first node after `from` whose "device_type" is `type` ("memory", "cpu"). */
int fdt_node_by_device_type(const struct fdt *fdt, int from, const char *type);

/* Whether the node's "compatible" string list contains `compat`. */
bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat);

/* False when the node has status = "disabled" (or anything but "okay"/"ok"). */
bool fdt_node_enabled(const struct fdt *fdt, int node);

/* ---- Properties ---------------------------------------------------------- */

/* First property of a node / next property; FDT_ENOTFOUND when none. */
int fdt_first_prop(const struct fdt *fdt, int node);
int fdt_next_prop(const struct fdt *fdt, int prop);

/* Name, value and length of a property at offset prop; false if invalid. */
bool fdt_prop_at(const struct fdt *fdt, int prop, const char **name, const void **val,
                 uint32_t *len);

/* A property of a node by name; NULL if absent. *len gets its length. */
const void *fdt_getprop(const struct fdt *fdt, int node, const char *name, uint32_t *len);

/* A one-cell (u32) property; false if absent or not exactly 4 bytes. */
bool fdt_getprop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out);

/* A property that is one NUL-terminated string; NULL if absent or not one. */
const char *fdt_getprop_str(const struct fdt *fdt, int node, const char *name);

/* Whether a string-list property (e.g. "compatible") contains `s`. */
bool fdt_stringlist_contains(const void *val, uint32_t len, const char *s);

/* Big-endian number of `cells` 32-bit cells (1 or 2) at p. */
uint64_t fdt_read_cells(const void *p, unsigned cells);

/* ---- Addresses ----------------------------------------------------------- */

/* #address-cells / #size-cells a node gives its children (defaults 2 / 1,
 * Devicetree Specification 2.3.5). Values other than 1 or 2 are refused
 * with FDT_EBADVALUE (we address at most 64 bits). */
int fdt_address_cells(const struct fdt *fdt, int node);
int fdt_size_cells(const struct fdt *fdt, int node);

/* Entry idx of the node's "reg", using its parent's cell counts.
 * 0 on success; FDT_ENOTFOUND past the last entry or when there is no reg. */
int fdt_reg(const struct fdt *fdt, int node, unsigned idx, uint64_t *addr, uint64_t *size);

/* ---- Common queries ------------------------------------------------------ */

struct fdt_range {
    uint64_t base;
    uint64_t size;
};

/* RAM banks: "reg" of every enabled device_type = "memory" node. Returns
 * how many were found (only the first max are stored), or a negative code. */
int fdt_memory(const struct fdt *fdt, struct fdt_range *banks, unsigned max);

/* /chosen linux,initrd-start and linux,initrd-end (either may be 32 or 64
 * bit). 0 on success; FDT_ENOTFOUND without an initrd; FDT_EBADVALUE when
 * end < start. */
int fdt_chosen_initrd(const struct fdt *fdt, uint64_t *start, uint64_t *end);

/* /chosen bootargs, or NULL. */
const char *fdt_chosen_bootargs(const struct fdt *fdt);

/* The node /chosen stdout-path names (a path or an alias, options after ':'
 * ignored), or a negative code. */
int fdt_chosen_stdout(const struct fdt *fdt);

/* Entry idx of the memory reservation block (DT spec 5.3): 0 and the
 * range; FDT_ENOTFOUND at the terminating entry or past it. */
int fdt_mem_rsv(const struct fdt *fdt, unsigned idx, uint64_t *addr, uint64_t *size);

/* CPUs under /cpus with device_type = "cpu" and an enabled status: their
 * "reg" (MPIDR affinity bits) stored in mpidr[0..max). Returns the number
 * found, or a negative code. */
int fdt_cpus(const struct fdt *fdt, uint64_t *mpidr, unsigned max);

#endif
