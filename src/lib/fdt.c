/*
 * Flattened device tree reader (Devicetree Specification v0.4, chapter 5).
 * See fdt.h for the contract. Every structure-block access goes through
 * tag_at(), which checks the item lies inside the block, so a hostile or
 * truncated blob yields an error code, never an out-of-bounds read.
 */
#include "lib/fdt.h"

/* Structure block tokens (DT spec 5.4.1). */
#define FDT_BEGIN_NODE 0x1u
#define FDT_END_NODE   0x2u
#define FDT_PROP       0x3u
#define FDT_NOP        FDT_NOP_TOKEN
#define FDT_END        0x9u

/* Header layout (DT spec 5.2): ten big-endian u32 fields. */
#define HDR_MAGIC             0
#define HDR_TOTALSIZE         4
#define HDR_OFF_DT_STRUCT     8
#define HDR_OFF_DT_STRINGS    12
#define HDR_OFF_MEM_RSVMAP    16
#define HDR_VERSION           20
#define HDR_LAST_COMP_VERSION 24
#define HDR_BOOT_CPUID        28
#define HDR_SIZE_DT_STRINGS   32
#define HDR_SIZE_DT_STRUCT    36
#define HDR_SIZE_V16          36
#define HDR_SIZE_V17          40

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return ((uint64_t)be32(p) << 32) | be32(p + 4);
}

uint64_t fdt_read_cells(const void *p, unsigned cells)
{
    const uint8_t *b = p;
    return cells == 2 ? be64(b) : be32(b);
}

/* Bounded string helpers: the reader uses no libc. */
static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* Length of the NUL-terminated string at p, looking at most max bytes; -1
 * if no NUL is found within them. */
static long str_nlen(const uint8_t *p, uint32_t max)
{
    for (uint32_t i = 0; i < max; i++)
        if (p[i] == 0)
            return (long)i;
    return -1;
}

uint32_t fdt_header_size(const void *blob)
{
    const uint8_t *b = blob;
    if (be32(b + HDR_MAGIC) != FDT_MAGIC)
        return 0;
    return be32(b + HDR_TOTALSIZE);
}

int fdt_init(struct fdt *fdt, const void *blob, size_t avail)
{
    const uint8_t *b = blob;
    if (!blob || avail < HDR_SIZE_V16)
        return FDT_ETRUNC;
    if (be32(b + HDR_MAGIC) != FDT_MAGIC)
        return FDT_EBADMAGIC;
    uint32_t version = be32(b + HDR_VERSION);
    uint32_t last_comp = be32(b + HDR_LAST_COMP_VERSION);
    /* We read versions 16 and 17 (the layout has not changed since 16). */
    if (version < 16 || last_comp > 17)
        return FDT_EBADVER;
    uint32_t total = be32(b + HDR_TOTALSIZE);
    uint32_t hdr = version >= 17 ? HDR_SIZE_V17 : HDR_SIZE_V16;
    if (total > avail || total < hdr)
        return FDT_ETRUNC;

    fdt->blob = b;
    fdt->totalsize = total;
    fdt->off_struct = be32(b + HDR_OFF_DT_STRUCT);
    fdt->off_strings = be32(b + HDR_OFF_DT_STRINGS);
    fdt->size_strings = be32(b + HDR_SIZE_DT_STRINGS);
    fdt->off_rsvmap = be32(b + HDR_OFF_MEM_RSVMAP);
    fdt->boot_cpuid = be32(b + HDR_BOOT_CPUID);
    if (version >= 17)
        fdt->size_struct = be32(b + HDR_SIZE_DT_STRUCT);
    else if (fdt->off_struct <= total)
        fdt->size_struct = total - fdt->off_struct;
    else
        return FDT_ETRUNC;

    /* Blocks inside the blob (64-bit sums cannot wrap) and after the header;
     * tokens are 4-byte aligned, reservation entries 8-byte aligned. */
    if ((uint64_t)fdt->off_struct + fdt->size_struct > total || fdt->off_struct < hdr ||
        (uint64_t)fdt->off_strings + fdt->size_strings > total || fdt->off_strings < hdr ||
        (uint64_t)fdt->off_rsvmap + 16 > total || fdt->off_rsvmap < hdr)
        return FDT_ETRUNC;
    if ((fdt->off_struct & 3) || (fdt->size_struct & 3) || (fdt->off_rsvmap & 7))
        return FDT_EBADSTRUCT;
    return fdt_root(fdt) < 0 ? FDT_EBADSTRUCT : 0;
}

/* ---- Structure block walking ----------------------------------------------- */

/* The token at structure offset off and the offset of the item after it.
 * Returns the token, or a negative code when the item does not fit. For a
 * property, the name offset and value length are checked too. */
static int tag_at(const struct fdt *fdt, int off, int *next)
{
    if (off < 0 || (off & 3) || (uint32_t)off > fdt->size_struct ||
        fdt->size_struct - (uint32_t)off < 4)
        return FDT_ETRUNC;
    const uint8_t *s = fdt->blob + fdt->off_struct;
    uint32_t left = fdt->size_struct - (uint32_t)off - 4;
    uint32_t tag = be32(s + off);
    uint64_t end = (uint64_t)off + 4;
    switch (tag) {
    case FDT_BEGIN_NODE: {
        long n = str_nlen(s + end, left);
        if (n < 0)
            return FDT_ETRUNC;
        end += (uint64_t)n + 1;
        break;
    }
    case FDT_PROP: {
        if (left < 8)
            return FDT_ETRUNC;
        uint32_t len = be32(s + end);
        uint32_t nameoff = be32(s + end + 4);
        if (len > left - 8)
            return FDT_ETRUNC;
        if (nameoff >= fdt->size_strings ||
            str_nlen(fdt->blob + fdt->off_strings + nameoff, fdt->size_strings - nameoff) < 0)
            return FDT_ETRUNC;
        end += 8 + (uint64_t)len;
        break;
    }
    case FDT_END_NODE:
    case FDT_NOP:
    case FDT_END:
        break;
    default:
        return FDT_EBADSTRUCT;
    }
    end = (end + 3) & ~(uint64_t)3;
    if (end > fdt->size_struct)
        end = fdt->size_struct; /* padding may be cut at the very end */
    *next = (int)end;
    return (int)tag;
}

int fdt_root(const struct fdt *fdt)
{
    int off = 0, next;
    for (;;) {
        int tag = tag_at(fdt, off, &next);
        if (tag == FDT_NOP) {
            off = next;
            continue;
        }
        return tag == FDT_BEGIN_NODE ? off : (tag < 0 ? tag : FDT_EBADSTRUCT);
    }
}

const char *fdt_node_name(const struct fdt *fdt, int node)
{
    int next;
    if (tag_at(fdt, node, &next) != FDT_BEGIN_NODE)
        return NULL;
    return (const char *)(fdt->blob + fdt->off_struct + node + 4);
}

int fdt_next_node(const struct fdt *fdt, int node, int *depth)
{
    int off, tag;
    int d = 0;
    if (tag_at(fdt, node, &off) != FDT_BEGIN_NODE)
        return FDT_EBADSTRUCT;
    /* Offsets strictly increase, so this ends within size_struct/4 steps. */
    for (;;) {
        int next;
        tag = tag_at(fdt, off, &next);
        if (tag < 0)
            return tag;
        if (next <= off)
            return FDT_ETRUNC; /* no room left for progress: cut-off blob */
        switch ((uint32_t)tag) {
        case FDT_BEGIN_NODE:
            d++;
            if (depth)
                *depth += d;
            return off;
        case FDT_END_NODE:
            d--;
            break;
        case FDT_END:
            return FDT_ENOTFOUND;
        default: /* PROP, NOP */
            break;
        }
        off = next;
    }
}

int fdt_node_end(const struct fdt *fdt, int node)
{
    int off = node, d = 0;
    /* Offsets strictly increase, so this ends within size_struct/4 steps. */
    for (;;) {
        int next;
        int tag = tag_at(fdt, off, &next);
        if (tag < 0)
            return tag;
        if (next <= off)
            return FDT_ETRUNC;
        switch ((uint32_t)tag) {
        case FDT_BEGIN_NODE:
            d++;
            break;
        case FDT_END_NODE:
            if (--d == 0)
                return next;
            if (d < 0)
                return FDT_EBADSTRUCT;
            break;
        case FDT_END:
            return FDT_EBADSTRUCT;
        default: /* PROP, NOP */
            break;
        }
        if (off == node && tag != FDT_BEGIN_NODE)
            return FDT_EBADSTRUCT;
        off = next;
    }
}

int fdt_first_child(const struct fdt *fdt, int node)
{
    int d = 0;
    int n = fdt_next_node(fdt, node, &d);
    if (n < 0)
        return n;
    return d == 1 ? n : FDT_ENOTFOUND;
}

int fdt_next_sibling(const struct fdt *fdt, int node)
{
    int d = 0;
    int n = node;
    for (;;) {
        n = fdt_next_node(fdt, n, &d);
        if (n < 0)
            return n;
        if (d == 0)
            return n;
        if (d < 0)
            return FDT_ENOTFOUND;
    }
}

int fdt_parent(const struct fdt *fdt, int node)
{
    int stack[FDT_MAX_DEPTH];
    int d = 0;
    int n = fdt_root(fdt);
    if (n < 0)
        return n;
    stack[0] = n;
    while (n != node) {
        n = fdt_next_node(fdt, n, &d);
        if (n < 0)
            return n;
        if (d < 0)
            return FDT_ENOTFOUND; /* walked out of the root: not a node of ours */
        if (d >= FDT_MAX_DEPTH)
            return FDT_EBADSTRUCT;
        stack[d] = n;
    }
    return d > 0 ? stack[d - 1] : FDT_ENOTFOUND;
}

/* Whether node name `name` is matched by path component [c, c+len). */
static bool name_matches(const char *name, const char *c, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++)
        if (name[i] != c[i])
            return false; /* also stops at name's NUL, since c[i] != 0 */
    if (name[len] == 0)
        return true;
    /* "memory" matches "memory@40000000" when the component has no '@'. */
    for (i = 0; i < len; i++)
        if (c[i] == '@')
            return false;
    return name[len] == '@';
}

/* fdt_path_offset for the first len bytes of path. */
static int path_offset_n(const struct fdt *fdt, const char *path, size_t len)
{
    if (len == 0 || path[0] != '/')
        return FDT_ENOTFOUND;
    int node = fdt_root(fdt);
    size_t i = 0;
    while (node >= 0) {
        while (i < len && path[i] == '/')
            i++;
        if (i >= len)
            return node;
        size_t start = i;
        while (i < len && path[i] != '/')
            i++;
        int child = fdt_first_child(fdt, node);
        while (child >= 0) {
            const char *name = fdt_node_name(fdt, child);
            if (name && name_matches(name, path + start, i - start))
                break;
            child = fdt_next_sibling(fdt, child);
        }
        node = child;
    }
    return node;
}

int fdt_path_offset(const struct fdt *fdt, const char *path)
{
    return path ? path_offset_n(fdt, path, str_len(path)) : FDT_ENOTFOUND;
}

/* ---- Properties -------------------------------------------------------------- */

/* The first property at or after off (NOPs skipped), or FDT_ENOTFOUND when
 * the node's property list ends there. */
static int prop_from(const struct fdt *fdt, int off)
{
    for (;;) {
        int next;
        int tag = tag_at(fdt, off, &next);
        if (tag < 0)
            return tag;
        if (tag == FDT_PROP)
            return off;
        if (tag != FDT_NOP || next <= off)
            return FDT_ENOTFOUND;
        off = next;
    }
}

int fdt_first_prop(const struct fdt *fdt, int node)
{
    int next;
    if (tag_at(fdt, node, &next) != FDT_BEGIN_NODE)
        return FDT_EBADSTRUCT;
    return prop_from(fdt, next);
}

int fdt_next_prop(const struct fdt *fdt, int prop)
{
    int next;
    if (tag_at(fdt, prop, &next) != FDT_PROP)
        return FDT_EBADSTRUCT;
    return prop_from(fdt, next);
}

bool fdt_prop_at(const struct fdt *fdt, int prop, const char **name, const void **val,
                 uint32_t *len)
{
    int next;
    if (tag_at(fdt, prop, &next) != FDT_PROP)
        return false;
    const uint8_t *p = fdt->blob + fdt->off_struct + prop;
    /* tag_at checked the name offset and that the value fits. */
    if (name)
        *name = (const char *)(fdt->blob + fdt->off_strings + be32(p + 8));
    if (val)
        *val = p + 12;
    if (len)
        *len = be32(p + 4);
    return true;
}

const void *fdt_getprop(const struct fdt *fdt, int node, const char *name, uint32_t *len)
{
    for (int p = fdt_first_prop(fdt, node); p >= 0; p = fdt_next_prop(fdt, p)) {
        const char *pname;
        const void *val;
        uint32_t l;
        if (fdt_prop_at(fdt, p, &pname, &val, &l) && str_eq(pname, name)) {
            if (len)
                *len = l;
            return val;
        }
    }
    return NULL;
}

bool fdt_getprop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out)
{
    uint32_t len;
    const uint8_t *v = fdt_getprop(fdt, node, name, &len);
    if (!v || len != 4)
        return false;
    *out = be32(v);
    return true;
}

const char *fdt_getprop_str(const struct fdt *fdt, int node, const char *name)
{
    uint32_t len;
    const char *v = fdt_getprop(fdt, node, name, &len);
    /* Exactly one string: its NUL is the last byte and the first NUL. */
    if (!v || len == 0 || v[len - 1] != 0 || str_nlen((const uint8_t *)v, len) != (long)len - 1)
        return NULL;
    return v;
}

bool fdt_stringlist_contains(const void *val, uint32_t len, const char *s)
{
    const uint8_t *p = val;
    uint32_t i = 0;
    while (i < len) {
        long n = str_nlen(p + i, len - i);
        if (n < 0)
            return false; /* unterminated last string */
        if (str_eq((const char *)(p + i), s))
            return true;
        i += (uint32_t)n + 1;
    }
    return false;
}

bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat)
{
    uint32_t len;
    const void *v = fdt_getprop(fdt, node, "compatible", &len);
    return v && fdt_stringlist_contains(v, len, compat);
}

bool fdt_node_enabled(const struct fdt *fdt, int node)
{
    uint32_t len;
    if (!fdt_getprop(fdt, node, "status", &len))
        return true; /* no status means "okay" (DT spec 2.3.4) */
    const char *s = fdt_getprop_str(fdt, node, "status");
    return s && (str_eq(s, "okay") || str_eq(s, "ok"));
}

int fdt_node_by_compatible(const struct fdt *fdt, int from, const char *compat)
{
    int n = from < 0 ? fdt_root(fdt) : fdt_next_node(fdt, from, NULL);
    for (; n >= 0; n = fdt_next_node(fdt, n, NULL))
        if (fdt_is_compatible(fdt, n, compat))
            return n;
    return n;
}

int fdt_node_by_device_type(const struct fdt *fdt, int from, const char *type)
{
    int n = from < 0 ? fdt_root(fdt) : fdt_next_node(fdt, from, NULL);
    for (; n >= 0; n = fdt_next_node(fdt, n, NULL)) {
        const char *t = fdt_getprop_str(fdt, n, "device_type");
        if (t && str_eq(t, type))
            return n;
    }
    return n;
}

/* ---- Addresses ----------------------------------------------------------------- */

static int cells_prop(const struct fdt *fdt, int node, const char *name, uint32_t dflt,
                      uint32_t min)
{
    uint32_t len, v = dflt;
    if (fdt_getprop(fdt, node, name, &len) && !fdt_getprop_u32(fdt, node, name, &v))
        return FDT_EBADVALUE;
    if (v < min || v > 2)
        return FDT_EBADVALUE;
    return (int)v;
}

int fdt_address_cells(const struct fdt *fdt, int node)
{
    return cells_prop(fdt, node, "#address-cells", 2, 1);
}

int fdt_size_cells(const struct fdt *fdt, int node)
{
    return cells_prop(fdt, node, "#size-cells", 1, 0);
}

int fdt_reg(const struct fdt *fdt, int node, unsigned idx, uint64_t *addr, uint64_t *size)
{
    int parent = fdt_parent(fdt, node);
    if (parent < 0)
        return parent == FDT_ENOTFOUND ? FDT_EBADVALUE : parent; /* root has no reg */
    int ac = fdt_address_cells(fdt, parent);
    int sc = fdt_size_cells(fdt, parent);
    if (ac < 0)
        return ac;
    if (sc < 0)
        return sc;
    uint32_t len;
    const uint8_t *v = fdt_getprop(fdt, node, "reg", &len);
    if (!v)
        return FDT_ENOTFOUND;
    uint32_t entry = 4u * (uint32_t)(ac + sc);
    if (len % entry)
        return FDT_EBADVALUE;
    if (idx >= len / entry)
        return FDT_ENOTFOUND;
    v += idx * entry;
    if (addr)
        *addr = fdt_read_cells(v, (unsigned)ac);
    if (size)
        *size = sc ? fdt_read_cells(v + 4 * ac, (unsigned)sc) : 0;
    return 0;
}

/* ---- Common queries -------------------------------------------------------------- */

int fdt_memory(const struct fdt *fdt, struct fdt_range *banks, unsigned max)
{
    int count = 0;
    int n = -1;
    for (;;) {
        n = fdt_node_by_device_type(fdt, n, "memory");
        if (n == FDT_ENOTFOUND)
            return count;
        if (n < 0)
            return n;
        if (!fdt_node_enabled(fdt, n))
            continue;
        for (unsigned i = 0;; i++) {
            uint64_t base, size;
            int r = fdt_reg(fdt, n, i, &base, &size);
            if (r == FDT_ENOTFOUND)
                break;
            if (r < 0)
                return r;
            if (size == 0)
                continue;
            if ((unsigned)count < max) {
                banks[count].base = base;
                banks[count].size = size;
            }
            count++;
        }
    }
}

/* A property holding one u32 or one u64 (linux,initrd-* may be either). */
static bool getprop_num(const struct fdt *fdt, int node, const char *name, uint64_t *out)
{
    uint32_t len;
    const uint8_t *v = fdt_getprop(fdt, node, name, &len);
    if (!v || (len != 4 && len != 8))
        return false;
    *out = fdt_read_cells(v, len / 4);
    return true;
}

int fdt_chosen_initrd(const struct fdt *fdt, uint64_t *start, uint64_t *end)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen < 0)
        return chosen;
    uint64_t s, e;
    uint32_t len;
    bool has_s = fdt_getprop(fdt, chosen, "linux,initrd-start", &len) != NULL;
    bool has_e = fdt_getprop(fdt, chosen, "linux,initrd-end", &len) != NULL;
    if (!has_s && !has_e)
        return FDT_ENOTFOUND;
    if (!getprop_num(fdt, chosen, "linux,initrd-start", &s) ||
        !getprop_num(fdt, chosen, "linux,initrd-end", &e) || e < s)
        return FDT_EBADVALUE;
    *start = s;
    *end = e;
    return 0;
}

const char *fdt_chosen_bootargs(const struct fdt *fdt)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    return chosen < 0 ? NULL : fdt_getprop_str(fdt, chosen, "bootargs");
}

int fdt_chosen_stdout(const struct fdt *fdt)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen < 0)
        return chosen;
    const char *p = fdt_getprop_str(fdt, chosen, "stdout-path");
    if (!p)
        p = fdt_getprop_str(fdt, chosen, "linux,stdout-path");
    if (!p)
        return FDT_ENOTFOUND;
    size_t len = 0;
    while (p[len] && p[len] != ':')
        len++;
    if (p[0] == '/')
        return path_offset_n(fdt, p, len);
    /* An alias: a property of /aliases whose value is the full path. */
    int aliases = fdt_path_offset(fdt, "/aliases");
    if (aliases < 0)
        return aliases;
    for (int pr = fdt_first_prop(fdt, aliases); pr >= 0; pr = fdt_next_prop(fdt, pr)) {
        const char *name;
        const void *val;
        uint32_t vlen;
        if (!fdt_prop_at(fdt, pr, &name, &val, &vlen))
            break;
        size_t i = 0;
        while (i < len && name[i] == p[i])
            i++;
        if (i == len && name[len] == 0) {
            const char *target = val;
            if (vlen == 0 || target[vlen - 1] != 0)
                return FDT_EBADVALUE;
            return path_offset_n(fdt, target, vlen - 1);
        }
    }
    return FDT_ENOTFOUND;
}

int fdt_cpus(const struct fdt *fdt, uint64_t *mpidr, unsigned max)
{
    int cpus = fdt_path_offset(fdt, "/cpus");
    if (cpus < 0)
        return cpus;
    int count = 0;
    for (int n = fdt_first_child(fdt, cpus); n >= 0; n = fdt_next_sibling(fdt, n)) {
        const char *t = fdt_getprop_str(fdt, n, "device_type");
        if (!t || !str_eq(t, "cpu") || !fdt_node_enabled(fdt, n))
            continue;
        uint64_t reg;
        int r = fdt_reg(fdt, n, 0, &reg, NULL);
        if (r < 0)
            return r;
        if ((unsigned)count < max)
            mpidr[count] = reg;
        count++;
    }
    return count;
}

int fdt_mem_rsv(const struct fdt *fdt, unsigned idx, uint64_t *addr, uint64_t *size)
{
    /* Entries are (u64 address, u64 size) pairs ending with (0, 0); each one
     * before idx must be present and non-terminal. */
    for (unsigned i = 0;; i++) {
        uint64_t off = (uint64_t)fdt->off_rsvmap + 16ull * i;
        if (off + 16 > fdt->totalsize)
            return FDT_ETRUNC;
        uint64_t a = be64(fdt->blob + off), s = be64(fdt->blob + off + 8);
        if (a == 0 && s == 0)
            return FDT_ENOTFOUND;
        if (i == idx) {
            *addr = a;
            *size = s;
            return 0;
        }
    }
}
