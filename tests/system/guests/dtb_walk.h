/*
 * A tiny device-tree reader for the test guests (both ISAs): enough to
 * prove the DTB armvisor put in guest RAM is the one tools/loader built.
 * Byte-wise big-endian reads (the guest MMU is off: Device memory, no
 * unaligned accesses), every read bounded by the header's block sizes.
 * Include after guest.h (put_char, put_str, check).
 */
#ifndef GUEST_DTB_WALK_H
#define GUEST_DTB_WALK_H

#include <stdint.h>

#define DTB_MAGIC      0xd00dfeedu
#define DTB_BEGIN_NODE 1u
#define DTB_END_NODE   2u
#define DTB_PROP       3u
#define DTB_NOP        4u
#define DTB_END        9u

static inline uint32_t dtb_be32(const volatile uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint32_t dtb_strlen(const volatile uint8_t *s, uint32_t max)
{
    uint32_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

/* Node name `name` matches `want` exactly or as "want@unit". */
static inline int dtb_name_is(const volatile uint8_t *name, const char *want)
{
    uint32_t i = 0;
    for (; want[i]; i++)
        if (name[i] != (uint8_t)want[i])
            return 0;
    return name[i] == 0 || name[i] == '@';
}

static inline int dtb_str_is(const volatile uint8_t *s, const char *want)
{
    uint32_t i = 0;
    for (; want[i]; i++)
        if (s[i] != (uint8_t)want[i])
            return 0;
    return s[i] == 0;
}

/* Property `prop` of the top-level node `node` ("" for the root); NULL
 * when absent or the tree is malformed. */
static inline const volatile uint8_t *dtb_prop(uintptr_t dtb, const char *node, const char *prop,
                                               uint32_t *len)
{
    const volatile uint8_t *b = (const volatile uint8_t *)dtb;
    uint32_t total = dtb_be32(b + 4), off_struct = dtb_be32(b + 8);
    uint32_t off_strings = dtb_be32(b + 12), size_struct = dtb_be32(b + 36);
    if (off_struct > total || size_struct > total - off_struct || off_strings > total)
        return 0;
    uint32_t pos = 0, depth = 0;
    int in_node = 0;
    while (pos + 4 <= size_struct) {
        const volatile uint8_t *p = b + off_struct + pos;
        uint32_t tok = dtb_be32(p);
        if (tok == DTB_BEGIN_NODE) {
            uint32_t n = dtb_strlen(p + 4, size_struct - pos - 4);
            depth++;
            if (depth == 1)
                in_node = node[0] == 0;
            else if (depth == 2)
                in_node = dtb_name_is(p + 4, node);
            else
                in_node = 0;
            pos += 4 + ((n + 4) & ~3u);
        } else if (tok == DTB_END_NODE) {
            depth--;
            in_node = 0;
            pos += 4;
        } else if (tok == DTB_PROP) {
            uint32_t plen = dtb_be32(p + 4), nameoff = dtb_be32(p + 8);
            if (plen > size_struct - pos - 12 || nameoff >= total - off_strings)
                return 0;
            if (in_node && dtb_str_is(b + off_strings + nameoff, prop)) {
                *len = plen;
                return p + 12;
            }
            pos += 12 + ((plen + 3) & ~3u);
        } else if (tok == DTB_NOP) {
            pos += 4;
        } else {
            return 0; /* DTB_END or garbage */
        }
    }
    return 0;
}

static inline void dtb_put_hex(uint64_t v)
{
    put_str("0x");
    for (int sh = 60; sh >= 0; sh -= 4)
        put_char("0123456789abcdef"[(v >> sh) & 0xf]);
}

/* Check the DTB at `dtb` and print what a kernel would look at first:
 * /chosen bootargs and the RAM in /memory. `reg` names the boot register. */
static inline void dtb_report(uintptr_t dtb, const char *reg)
{
    put_str("dtb: ");
    put_str(reg);
    put_str(" = ");
    dtb_put_hex(dtb);
    put_str("\n");
    int ok = dtb != 0 && (dtb & 7) == 0 && dtb_be32((const volatile uint8_t *)dtb) == DTB_MAGIC;
    put_str(reg);
    check(" points to a DTB (0xd00dfeed, 8-byte aligned)", ok);
    if (!ok)
        return;
    uint32_t len = 0;
    const volatile uint8_t *v = dtb_prop(dtb, "chosen", "bootargs", &len);
    check("dtb: /chosen has bootargs", v && len > 0 && v[len - 1] == 0);
    if (v && len > 0 && v[len - 1] == 0) {
        put_str("dtb: bootargs \"");
        for (uint32_t i = 0; i + 1 < len; i++)
            put_char((char)v[i]);
        put_str("\"\n");
    }
    v = dtb_prop(dtb, "memory", "reg", &len);
    check("dtb: /memory has a 2+2-cell reg", v && len == 16);
    if (v && len == 16) {
        uint64_t base = (uint64_t)dtb_be32(v) << 32 | dtb_be32(v + 4);
        uint64_t size = (uint64_t)dtb_be32(v + 8) << 32 | dtb_be32(v + 12);
        put_str("dtb: memory ");
        dtb_put_hex(base);
        put_str(" size ");
        dtb_put_hex(size);
        put_str("\n");
        check("dtb: the DTB lies inside /memory", dtb >= base && dtb - base < size);
    }
    v = dtb_prop(dtb, "", "compatible", &len);
    check("dtb: root is linux,dummy-virt", v && len == 17 && dtb_str_is(v, "linux,dummy-virt"));
}

#endif
