/* libFuzzer target: the hypervisor's own FDT reader (src/lib/fdt.c), which
 * parses the DTB QEMU or a boot loader hands over at boot. The input is the
 * blob, exactly its size (so ASan sees any read past it). Every query the
 * boot code makes is asked; each answer must point inside the blob (names,
 * values and strings end inside it), offsets must lie in the structure
 * block, and every walk ends. Seeds: QEMU virt's DTBs for cortex-a57 and
 * cortex-a15 (dumpdtb, packed by dtc) and a small tree with /chosen initrd,
 * bootargs, an alias for stdout-path, a memory reservation and odd cells. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"
#include "lib/fdt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_NODES   512u /* the walk stops here even if the reader did not */
#define QUERY_NODES 8u   /* nodes asked everything (parent and reg walk from the root) */

static const uint8_t *blob_lo, *blob_hi;

static void check_span(const void *p, size_t len)
{
    const uint8_t *b = p;
    CHECK(b >= blob_lo && b <= blob_hi && len <= (size_t)(blob_hi - b));
}

static void check_str(const char *s)
{
    if (!s)
        return;
    check_span(s, 1);
    CHECK(memchr(s, 0, (size_t)(blob_hi - (const uint8_t *)s)) != NULL);
}

static void check_offset(const struct fdt *f, int off)
{
    CHECK(off < 0 || ((uint32_t)off >= 0 && (uint32_t)off < f->size_struct));
    CHECK(off >= FDT_EBADVALUE);
}

static void node_queries(const struct fdt *f, int node)
{
    check_str(fdt_node_name(f, node));
    unsigned nprops = 0;
    for (int p = fdt_first_prop(f, node); p >= 0 && nprops < 256; p = fdt_next_prop(f, p)) {
        check_offset(f, p);
        const char *name;
        const void *val;
        uint32_t len;
        if (fdt_prop_at(f, p, &name, &val, &len)) {
            check_str(name);
            check_span(val, len);
        }
        nprops++;
    }
    uint32_t len, u;
    const void *v = fdt_getprop(f, node, "reg", &len);
    if (v)
        check_span(v, len);
    check_str(fdt_getprop_str(f, node, "compatible"));
    (void)fdt_getprop_u32(f, node, "#address-cells", &u);
    (void)fdt_is_compatible(f, node, "arm,pl011");
    (void)fdt_node_enabled(f, node);
    int ac = fdt_address_cells(f, node), sc = fdt_size_cells(f, node);
    CHECK(ac < 0 || ac == 1 || ac == 2);
    CHECK(sc < 0 || sc <= 2); /* #size-cells may be 0 (under /cpus) */
    uint64_t addr, sz;
    for (unsigned i = 0; i < 4 && fdt_reg(f, node, i, &addr, &sz) == 0; i++)
        ;
    check_offset(f, fdt_parent(f, node));
    check_offset(f, fdt_first_child(f, node));
    check_offset(f, fdt_next_sibling(f, node));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    blob_lo = data;
    blob_hi = data + size;
    if (size >= 8)
        (void)fdt_header_size(data);
    struct fdt f;
    int r = fdt_init(&f, data, size);
    if (r != 0) {
        CHECK(r < 0 && r >= FDT_EBADVALUE);
        return 0;
    }
    CHECK(f.totalsize <= size && f.blob == data);
    CHECK((uint64_t)f.off_struct + f.size_struct <= f.totalsize);
    CHECK((uint64_t)f.off_strings + f.size_strings <= f.totalsize);
    blob_hi = data + f.totalsize; /* nothing past totalsize may be used */

    int root = fdt_root(&f);
    check_offset(&f, root);
    int depth = 0;
    unsigned n = 0;
    for (int node = root; node >= 0 && n < MAX_NODES; node = fdt_next_node(&f, node, &depth)) {
        check_offset(&f, node);
        if (n < QUERY_NODES)
            node_queries(&f, node);
        n++;
    }
    static const char *const paths[] = {"/", "/chosen", "/memory", "/cpus/cpu@0", "/cpus/cpu",
                                        "/aliases", "//", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q",
                                        "", "chosen"};
    for (unsigned i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        check_offset(&f, fdt_path_offset(&f, paths[i]));
    n = 0;
    for (int node = fdt_node_by_compatible(&f, -1, "arm,cortex-a15-gic"); node >= 0 && n < MAX_NODES;
         node = fdt_node_by_compatible(&f, node, "arm,cortex-a15-gic"), n++)
        check_offset(&f, node);
    n = 0;
    for (int node = fdt_node_by_device_type(&f, -1, "memory"); node >= 0 && n < MAX_NODES;
         node = fdt_node_by_device_type(&f, node, "memory"), n++)
        check_offset(&f, node);

    struct fdt_range banks[4];
    r = fdt_memory(&f, banks, 4);
    CHECK(r >= FDT_EBADVALUE);
    uint64_t s = 0, e = 0;
    r = fdt_chosen_initrd(&f, &s, &e);
    CHECK(r != 0 || e >= s);
    check_str(fdt_chosen_bootargs(&f));
    check_offset(&f, fdt_chosen_stdout(&f));
    uint64_t a, z;
    for (unsigned i = 0; i < 1024 && fdt_mem_rsv(&f, i, &a, &z) == 0; i++)
        ;
    uint64_t mpidr[8];
    r = fdt_cpus(&f, mpidr, 8);
    CHECK(r >= FDT_EBADVALUE);
    return 0;
}
