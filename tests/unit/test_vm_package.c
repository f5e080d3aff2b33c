/*
 * The VM package parser (core/vm_package.c) and vm_launch_package on the
 * sim. Packages are built here by a small writer of our own, independent of
 * tools/loader, so the two implementations check each other's reading of
 * docs/vm-package.md. Every field is broken once: the parser must refuse it
 * and say which rule failed; a good package must boot a sim guest that sees
 * the protocol's registers and the DTB bytes in its RAM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/sim/sim.h"
#include "core/launch.h"
#include "core/pcpu.h"
#include "core/virt_layout.h"
#include "core/vm_package.h"
#include "lib/le.h"

#define RAM_BASE   VIRT_RAM_BASE
#define RAM_SIZE   (16ull << 20)
#define KERNEL_IPA (RAM_BASE + 0x80000)
#define INITRD_IPA (RAM_BASE + (4ull << 20))
#define DTB_IPA    (RAM_BASE + (8ull << 20))

/* ---- A package writer ------------------------------------------------------ */

struct spec {
    const uint8_t *kernel, *initrd, *dtb;
    uint64_t ksize, isize, dsize;
    char name[VM_PKG_NAME_LEN];
    uint64_t ram_base, ram_size, kipa, entry, iipa, dipa;
    uint32_t nvcpus, isa, proto, console;
    const uint8_t *affinity; /* an AFFINITY section's bytes, or NULL */
    uint64_t asize;
    const uint8_t *sched; /* a SCHED section's bytes, or NULL */
    uint64_t ssize;
};

static uint8_t blob[64 * 1024];

static void reseal(uint8_t *b, size_t len)
{
    put_le64(b + VM_PKG_HDR_CHECKSUM, vm_package_checksum(b, len));
}

/* CONFIG, KERNEL, then INITRD and DTB when given, each on its own page. */
static size_t build(const struct spec *s)
{
    memset(blob, 0, sizeof(blob));
    struct {
        uint32_t type;
        const uint8_t *data;
        uint64_t size;
    } sect[6];
    unsigned n = 0;
    uint8_t cfg[VM_PKG_CFG_SIZE] = {0};
    memcpy(cfg + VM_PKG_CFG_NAME, s->name, VM_PKG_NAME_LEN);
    put_le64(cfg + VM_PKG_CFG_RAM_BASE, s->ram_base);
    put_le64(cfg + VM_PKG_CFG_RAM_SIZE, s->ram_size);
    put_le32(cfg + VM_PKG_CFG_NVCPUS, s->nvcpus);
    put_le32(cfg + VM_PKG_CFG_ISA, s->isa);
    put_le64(cfg + VM_PKG_CFG_KERNEL_IPA, s->kipa);
    put_le64(cfg + VM_PKG_CFG_ENTRY, s->entry);
    put_le64(cfg + VM_PKG_CFG_INITRD_IPA, s->iipa);
    put_le64(cfg + VM_PKG_CFG_DTB_IPA, s->dipa);
    put_le32(cfg + VM_PKG_CFG_PROTOCOL, s->proto);
    put_le32(cfg + VM_PKG_CFG_CONSOLE, s->console);
    sect[n++] = (typeof(sect[0])){VM_PKG_CONFIG, cfg, sizeof(cfg)};
    sect[n++] = (typeof(sect[0])){VM_PKG_KERNEL, s->kernel, s->ksize};
    if (s->initrd)
        sect[n++] = (typeof(sect[0])){VM_PKG_INITRD, s->initrd, s->isize};
    if (s->dtb)
        sect[n++] = (typeof(sect[0])){VM_PKG_DTB, s->dtb, s->dsize};
    if (s->affinity)
        sect[n++] = (typeof(sect[0])){VM_PKG_AFFINITY, s->affinity, s->asize};
    if (s->sched)
        sect[n++] = (typeof(sect[0])){VM_PKG_SCHED, s->sched, s->ssize};

    size_t off = VM_PKG_ALIGN;
    for (unsigned i = 0; i < n; i++) {
        uint8_t *e = blob + VM_PKG_HDR_SIZE + i * VM_PKG_SECT_SIZE;
        put_le32(e + VM_PKG_SECT_TYPE, sect[i].type);
        put_le64(e + VM_PKG_SECT_OFFSET, off);
        put_le64(e + VM_PKG_SECT_LEN, sect[i].size);
        assert_true(off + sect[i].size <= sizeof(blob));
        memcpy(blob + off, sect[i].data, sect[i].size);
        off += (sect[i].size + VM_PKG_ALIGN - 1) / VM_PKG_ALIGN * VM_PKG_ALIGN;
    }
    size_t total = off;
    memcpy(blob, VM_PKG_MAGIC, VM_PKG_MAGIC_LEN);
    put_le32(blob + VM_PKG_HDR_VERSION, VM_PKG_VERSION);
    put_le32(blob + VM_PKG_HDR_HDRSIZE, VM_PKG_HDR_SIZE);
    put_le64(blob + VM_PKG_HDR_TOTAL, total);
    put_le32(blob + VM_PKG_HDR_NSECT, n);
    reseal(blob, total);
    return total;
}

/* ---- Inputs ---------------------------------------------------------------- */

static uint8_t image[4096]; /* arm64 Image: text_offset 0x80000, image_size 64 KiB */
static uint8_t raw_kernel[256];
static uint8_t initrd[3000];
static uint8_t dtb[72]; /* header, empty reservation map, an empty root node */

static void be32_put(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static void make_inputs(void)
{
    memset(image, 0, sizeof(image));
    for (size_t i = ARM64_IMAGE_HDR_SIZE; i < sizeof(image); i++)
        image[i] = (uint8_t)(i * 7);
    put_le64(image + ARM64_IMAGE_TEXT_OFFSET, 0x80000);
    put_le64(image + ARM64_IMAGE_SIZE, 0x10000);
    put_le64(image + ARM64_IMAGE_FLAGS, 0xa); /* LE, 4K pages, anywhere */
    put_le32(image + ARM64_IMAGE_MAGIC_OFF, ARM64_IMAGE_MAGIC);
    for (size_t i = 0; i < sizeof(raw_kernel); i++)
        raw_kernel[i] = (uint8_t)(0xa0 + i);
    for (size_t i = 0; i < sizeof(initrd); i++)
        initrd[i] = (uint8_t)(i ^ 0x5a);

    memset(dtb, 0, sizeof(dtb));
    be32_put(dtb + 0, FDT_HDR_MAGIC);
    be32_put(dtb + 4, sizeof(dtb)); /* totalsize */
    be32_put(dtb + 8, 56);          /* off_dt_struct */
    be32_put(dtb + 12, 72);         /* off_dt_strings */
    be32_put(dtb + 16, 40);         /* off_mem_rsvmap */
    be32_put(dtb + 20, 17);         /* version */
    be32_put(dtb + 24, 16);         /* last_comp_version */
    be32_put(dtb + 36, 16);         /* size_dt_struct */
    be32_put(dtb + 56, 1);          /* FDT_BEGIN_NODE "" */
    be32_put(dtb + 64, 2);          /* FDT_END_NODE */
    be32_put(dtb + 68, 9);          /* FDT_END */
}

static struct spec arm64_linux(void)
{
    make_inputs();
    return (struct spec){
        .kernel = image,
        .ksize = sizeof(image),
        .initrd = initrd,
        .isize = sizeof(initrd),
        .dtb = dtb,
        .dsize = sizeof(dtb),
        .name = "linux64",
        .ram_base = RAM_BASE,
        .ram_size = RAM_SIZE,
        .kipa = KERNEL_IPA,
        .entry = KERNEL_IPA,
        .iipa = INITRD_IPA,
        .dipa = DTB_IPA,
        .nvcpus = 2,
        .isa = VM_PKG_ISA_A64,
        .proto = VM_PKG_BOOT_LINUX_ARM64,
    };
}

static struct spec arm_linux(void)
{
    struct spec s = arm64_linux();
    s.kernel = raw_kernel;
    s.ksize = sizeof(raw_kernel);
    s.kipa = s.entry = RAM_BASE + 0x8000;
    s.isa = VM_PKG_ISA_A32;
    s.proto = VM_PKG_BOOT_LINUX_ARM;
    memcpy(s.name, "linux32", 8);
    return s;
}

static struct spec raw(void)
{
    make_inputs();
    return (struct spec){
        .kernel = raw_kernel,
        .ksize = sizeof(raw_kernel),
        .name = "raw",
        .ram_base = RAM_BASE,
        .ram_size = RAM_SIZE,
        .kipa = RAM_BASE,
        .entry = RAM_BASE + 16,
        .nvcpus = 1,
        .isa = VM_PKG_ISA_A64,
        .proto = VM_PKG_BOOT_RAW,
    };
}

/* Parse blob[0..len) and expect a refusal whose reason contains `want`. */
static void refused(size_t len, const char *want)
{
    struct vm_package p;
    memset(&p, 0x77, sizeof(p));
    struct vm_package before = p;
    const char *why = NULL;
    int r = vm_package_parse(blob, len, &p, &why);
    if (r == 0 || !why || !strstr(why, want))
        fail_msg("expected a refusal with \"%s\", got r=%d why=\"%s\"", want, r,
                 why ? why : "(null)");
    assert_memory_equal(&p, &before, sizeof(p)); /* *out untouched */
}

static void spec_refused(const struct spec *s, const char *want)
{
    refused(build(s), want);
}

/* ---- Good packages --------------------------------------------------------- */

static void test_parse_arm64_linux(void **state)
{
    (void)state;
    struct spec s = arm64_linux();
    size_t len = build(&s);
    assert_true(vm_package_is_package(blob, len));
    struct vm_package p;
    const char *why = "unset";
    assert_int_equal(vm_package_parse(blob, len, &p, &why), 0);
    assert_string_equal(p.name, "linux64");
    assert_int_equal(p.ram_base, RAM_BASE);
    assert_int_equal(p.ram_size, RAM_SIZE);
    assert_int_equal(p.nvcpus, 2);
    assert_int_equal(p.isa, VM_PKG_ISA_A64);
    assert_int_equal(p.protocol, VM_PKG_BOOT_LINUX_ARM64);
    assert_int_equal(p.console, VM_PKG_CONSOLE_PL011);
    assert_int_equal(p.kernel.ipa, KERNEL_IPA);
    assert_int_equal(p.kernel.size, sizeof(image));
    assert_memory_equal(p.kernel.data, image, sizeof(image));
    assert_int_equal(p.kernel_footprint, 0x10000); /* image_size, above the file size */
    assert_int_equal(p.initrd.ipa, INITRD_IPA);
    assert_memory_equal(p.initrd.data, initrd, sizeof(initrd));
    assert_int_equal(p.dtb.ipa, DTB_IPA);
    assert_memory_equal(p.dtb.data, dtb, sizeof(dtb));
    assert_int_equal(p.entry, KERNEL_IPA);
    /* booting.rst: x0 = DTB, x1-x3 = 0. */
    assert_int_equal(p.regs[0], DTB_IPA);
    assert_int_equal(p.regs[1] | p.regs[2] | p.regs[3], 0);
    /* Pointers into the blob, not copies. */
    assert_ptr_equal(p.dtb.data, blob + 4 * VM_PKG_ALIGN);
    /* A longer buffer (padding after the blob) is fine. */
    assert_int_equal(vm_package_parse(blob, len + 100, &p, NULL), 0);
}

/* CONFIG's console field: 1 puts console input on a virtio-console. */
static void test_parse_console_virtio(void **state)
{
    (void)state;
    struct spec s = arm64_linux();
    s.console = VM_PKG_CONSOLE_VIRTIO;
    size_t len = build(&s);
    struct vm_package p;
    assert_int_equal(vm_package_parse(blob, len, &p, NULL), 0);
    assert_int_equal(p.console, VM_PKG_CONSOLE_VIRTIO);
}

/* AFFINITY: a mask per vCPU; without the section, every vCPU may run
 * anywhere (0). Masks naming no CPU or CPUs past 7, a count that is not the
 * vCPU count and a size that does not match the count are refused. */
static void affinity_bytes(uint8_t *a, uint32_t count, const uint32_t *masks)
{
    put_le32(a + VM_PKG_AFF_COUNT, count);
    for (uint32_t i = 0; i < count; i++)
        put_le32(a + VM_PKG_AFF_MASKS + 4 * i, masks[i]);
}

static void test_parse_affinity(void **state)
{
    (void)state;
    struct spec s = arm64_linux(); /* 2 vCPUs */
    struct vm_package p;
    assert_int_equal(vm_package_parse(blob, build(&s), &p, NULL), 0);
    assert_int_equal(p.affinity[0] | p.affinity[1], 0);

    uint8_t a[64];
    const uint32_t good[2] = {1u << 1, 0x0f};
    affinity_bytes(a, 2, good);
    s.affinity = a;
    s.asize = 12;
    assert_int_equal(vm_package_parse(blob, build(&s), &p, NULL), 0);
    assert_int_equal(p.affinity[0], 1u << 1);
    assert_int_equal(p.affinity[1], 0x0f);

    const uint32_t none[2] = {1, 0};
    affinity_bytes(a, 2, none);
    spec_refused(&s, "AFFINITY mask names no CPU");
    const uint32_t high[2] = {1, 1u << 8};
    affinity_bytes(a, 2, high);
    spec_refused(&s, "AFFINITY mask names a CPU beyond");
    const uint32_t top[2] = {0x80000000u, 1};
    affinity_bytes(a, 2, top);
    spec_refused(&s, "AFFINITY mask names a CPU beyond");
    const uint32_t three[3] = {1, 1, 1};
    affinity_bytes(a, 3, three);
    s.asize = 16;
    spec_refused(&s, "AFFINITY count is not the vCPU count");
    affinity_bytes(a, 2, good);
    s.asize = 16; /* count 2, room for 3 */
    spec_refused(&s, "AFFINITY section has the wrong size");
    s.asize = 8;
    spec_refused(&s, "AFFINITY section has the wrong size");
    s.asize = 2;
    spec_refused(&s, "AFFINITY section too short");
    /* A type past the last one armvisor knows. */
    s.asize = 12;
    size_t len = build(&s);
    put_le32(blob + VM_PKG_HDR_SIZE + 4 * VM_PKG_SECT_SIZE + VM_PKG_SECT_TYPE,
             VM_PKG_SECT_TYPE_MAX + 1);
    reseal(blob, len);
    refused(len, "unknown section type");
}

/* SCHED: the time slice in microseconds, 100 us - 1 s; without the section
 * 0 (the scheduler's default). A wrong size, a reserved field that is not
 * zero and a slice outside the range are refused. */
static void sched_bytes(uint8_t *b, uint32_t slice_us, uint32_t reserved)
{
    put_le32(b + VM_PKG_SCHED_SLICE_US, slice_us);
    put_le32(b + VM_PKG_SCHED_RESERVED, reserved);
}

static void test_parse_sched(void **state)
{
    (void)state;
    struct spec s = arm64_linux();
    struct vm_package p;
    assert_int_equal(vm_package_parse(blob, build(&s), &p, NULL), 0);
    assert_int_equal(p.slice_us, 0);

    uint8_t b[12] = {0};
    s.sched = b;
    s.ssize = VM_PKG_SCHED_SIZE;
    const uint32_t good[] = {VM_PKG_SLICE_MIN_US, 2500, VM_PKG_SLICE_MAX_US};
    for (unsigned i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        sched_bytes(b, good[i], 0);
        assert_int_equal(vm_package_parse(blob, build(&s), &p, NULL), 0);
        assert_int_equal(p.slice_us, good[i]);
    }
    const uint32_t bad[] = {0, VM_PKG_SLICE_MIN_US - 1, VM_PKG_SLICE_MAX_US + 1, 0xffffffffu};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        sched_bytes(b, bad[i], 0);
        spec_refused(&s, "SCHED time slice out of range");
    }
    sched_bytes(b, 2500, 1);
    spec_refused(&s, "SCHED reserved field is not zero");
    sched_bytes(b, 2500, 0);
    s.ssize = 4;
    spec_refused(&s, "SCHED section has the wrong size");
    s.ssize = 12;
    spec_refused(&s, "SCHED section has the wrong size");
}

static void test_parse_arm_linux_and_raw(void **state)
{
    (void)state;
    struct spec s = arm_linux();
    size_t len = build(&s);
    struct vm_package p;
    assert_int_equal(vm_package_parse(blob, len, &p, NULL), 0);
    assert_int_equal(p.protocol, VM_PKG_BOOT_LINUX_ARM);
    assert_int_equal(p.isa, VM_PKG_ISA_A32);
    /* arm booting.rst: r0 = 0, r1 = machine type (~0: DT only), r2 = DTB. */
    assert_int_equal(p.regs[0], 0);
    assert_int_equal(p.regs[1], 0xffffffffu);
    assert_int_equal(p.regs[2], DTB_IPA);
    assert_int_equal(p.kernel_footprint, sizeof(raw_kernel));

    s = raw();
    len = build(&s);
    assert_int_equal(vm_package_parse(blob, len, &p, NULL), 0);
    assert_int_equal(p.protocol, VM_PKG_BOOT_RAW);
    assert_null(p.initrd.data);
    assert_null(p.dtb.data);
    assert_int_equal(p.entry, RAM_BASE + 16);
    assert_int_equal(p.regs[0] | p.regs[1] | p.regs[2] | p.regs[3], 0);

    /* T32 raw guest: 2-byte aligned entry is enough. */
    s.isa = VM_PKG_ISA_T32;
    s.entry = RAM_BASE + 2;
    assert_int_equal(vm_package_parse(blob, build(&s), &p, NULL), 0);
    assert_int_equal(p.isa, VM_PKG_ISA_T32);

    /* An old arm64 Image (image_size 0): text_offset is 0x80000 whatever the
     * field says. */
    s = arm64_linux();
    put_le64(image + ARM64_IMAGE_SIZE, 0);
    put_le64(image + ARM64_IMAGE_TEXT_OFFSET, 0x1234);
    assert_int_equal(vm_package_parse(blob, build(&s), &p, NULL), 0);
    assert_int_equal(p.kernel_footprint, sizeof(image));

    /* The protocol is independent of the format (QEMU's -kernel): a raw
     * image without the Image magic booted with the Linux arm64 registers,
     * entered anywhere inside it; a Linux arm kernel entered past its first
     * byte (an ELF's entry point). */
    s = arm64_linux();
    image[ARM64_IMAGE_MAGIC_OFF] = 'X';
    s.entry = KERNEL_IPA + 0x40;
    assert_int_equal(vm_package_parse(blob, build(&s), &p, NULL), 0);
    assert_int_equal(p.protocol, VM_PKG_BOOT_LINUX_ARM64);
    assert_int_equal(p.entry, KERNEL_IPA + 0x40);
    assert_int_equal(p.regs[0], DTB_IPA);
    assert_int_equal(p.kernel_footprint, sizeof(image)); /* no image_size without the header */
    s = arm_linux();
    s.entry += 4;
    assert_int_equal(vm_package_parse(blob, build(&s), &p, NULL), 0);
    assert_int_equal(p.entry, RAM_BASE + 0x8004);
    assert_int_equal(p.regs[2], DTB_IPA);
}

/* ---- Blob-level corruption ------------------------------------------------- */

static uint8_t *entry(unsigned i)
{
    return blob + VM_PKG_HDR_SIZE + i * VM_PKG_SECT_SIZE;
}

static void test_refuse_blob(void **state)
{
    (void)state;
    struct spec s = arm64_linux();
    size_t len = build(&s);
    struct vm_package p;

    assert_int_equal(vm_package_parse(NULL, len, &p, NULL), -1);
    refused(0, "shorter than the package header");
    refused(VM_PKG_HDR_SIZE - 1, "shorter than the package header");
    refused(len - 1, "truncated");
    refused(VM_PKG_HDR_SIZE, "truncated");

    /* Every byte of the blob is covered by the checksum. */
    static const size_t spots[] = {33, 40, 70, VM_PKG_ALIGN + 3, 2 * VM_PKG_ALIGN + 100};
    for (size_t i = 0; i < sizeof(spots) / sizeof(spots[0]); i++) {
        build(&s);
        blob[spots[i]] ^= 0x10;
        refused(len, "checksum");
    }
    build(&s);
    blob[4 * VM_PKG_ALIGN + sizeof(dtb) - 1] ^= 1; /* the DTB's last byte */
    refused(len, "checksum");

    build(&s);
    blob[0] = 'X';
    refused(len, "magic");
    assert_false(vm_package_is_package(blob, len));

#define HDR_CASE(off, val, want)                                                                   \
    do {                                                                                           \
        build(&s);                                                                                 \
        put_le32(blob + (off), (val));                                                             \
        reseal(blob, len);                                                                         \
        refused(len, want);                                                                        \
    } while (0)
    HDR_CASE(VM_PKG_HDR_VERSION, 2, "version");
    HDR_CASE(VM_PKG_HDR_HDRSIZE, 128, "header size");
    HDR_CASE(VM_PKG_HDR_FLAGS, 1, "flags");
    HDR_CASE(48, 0x100, "reserved header");
    HDR_CASE(VM_PKG_HDR_NSECT, 0, "section count");
    HDR_CASE(VM_PKG_HDR_NSECT, 9, "section count");
    HDR_CASE(VM_PKG_HDR_NSECT, 0xffffffffu, "section count");
    HDR_CASE(VM_PKG_HDR_TOTAL, 10, "smaller than the header");

    /* Total size bigger than the buffer: refused before the checksum reads. */
    build(&s);
    put_le64(blob + VM_PKG_HDR_TOTAL, ~0ull);
    refused(len, "truncated");

#define SECT_CASE(i, field, val, want)                                                             \
    do {                                                                                           \
        build(&s);                                                                                 \
        put_le64(entry(i) + (field), (val));                                                       \
        reseal(blob, len);                                                                         \
        refused(len, want);                                                                        \
    } while (0)
    SECT_CASE(1, VM_PKG_SECT_TYPE, VM_PKG_SECT_TYPE_MAX + 1, "unknown section type");
    SECT_CASE(1, VM_PKG_SECT_TYPE, 0, "unknown section type");
    SECT_CASE(1, VM_PKG_SECT_TYPE, VM_PKG_CONFIG, "duplicate section");
    SECT_CASE(2, VM_PKG_SECT_TYPE, VM_PKG_INITRD | (1ull << 32), "flags");
    SECT_CASE(1, VM_PKG_SECT_OFFSET, VM_PKG_ALIGN + 8, "not 4 KiB aligned");
    SECT_CASE(1, VM_PKG_SECT_OFFSET, 0, "overlaps the header");
    SECT_CASE(1, VM_PKG_SECT_OFFSET, VM_PKG_ALIGN, "sections overlap");
    SECT_CASE(3, VM_PKG_SECT_OFFSET, 1ull << 62, "past the end");
    SECT_CASE(3, VM_PKG_SECT_LEN, 0, "empty section");
    SECT_CASE(3, VM_PKG_SECT_LEN, len, "past the end");
    SECT_CASE(3, VM_PKG_SECT_LEN, ~0ull, "past the end");
    SECT_CASE(0, VM_PKG_SECT_LEN, VM_PKG_CFG_SIZE + 1, "CONFIG section has the wrong size");
    /* A section that swallows the next one. */
    SECT_CASE(1, VM_PKG_SECT_LEN, VM_PKG_ALIGN + 1, "sections overlap");

    /* Only three entries counted: the DTB entry disappears (linux needs it). */
    HDR_CASE(VM_PKG_HDR_NSECT, 3, "needs a DTB");
    HDR_CASE(VM_PKG_HDR_NSECT, 1, "no KERNEL");
    build(&s);
    put_le32(entry(0) + VM_PKG_SECT_TYPE, VM_PKG_INITRD);
    put_le32(entry(2) + VM_PKG_SECT_TYPE, VM_PKG_DTB + 10);
    reseal(blob, len);
    refused(len, "unknown section type");
    /* A table with no CONFIG. */
    build(&s);
    memmove(entry(0), entry(1), 3 * VM_PKG_SECT_SIZE);
    put_le32(blob + VM_PKG_HDR_NSECT, 3);
    memset(entry(3), 0, VM_PKG_SECT_SIZE);
    reseal(blob, len);
    refused(len, "no CONFIG");
}

/* ---- Field-level refusals -------------------------------------------------- */

static void test_refuse_config(void **state)
{
    (void)state;
    struct spec s;

#define CASE(base, stmt, want)                                                                     \
    do {                                                                                           \
        s = base();                                                                                \
        stmt;                                                                                      \
        spec_refused(&s, want);                                                                    \
    } while (0)
    CASE(arm64_linux, s.name[0] = 0, "name is empty");
    CASE(arm64_linux, memset(s.name, 'a', sizeof(s.name)), "not NUL-terminated");
    CASE(arm64_linux, s.name[2] = '\n', "non-printable");
    CASE(arm64_linux, s.name[2] = (char)0x80, "non-printable");
    CASE(arm64_linux, s.console = 2, "unknown console");
    CASE(arm64_linux, s.ram_base += 0x800, "page aligned");
    CASE(arm64_linux, s.ram_size += 1, "page aligned");
    CASE(arm64_linux, s.ram_size = 0, "no guest RAM");
    CASE(arm64_linux, s.ram_base = 0x08000000, "device region");
    CASE(arm64_linux, s.ram_base = 1ull << 40, "40-bit");
    CASE(arm64_linux, s.ram_size = (1ull << 40) - 0x1000, "40-bit");
    CASE(arm64_linux, s.ram_size = ~0xfffull, "40-bit");
    CASE(arm64_linux, s.nvcpus = 0, "vCPU count");
    CASE(arm64_linux, s.nvcpus = 9, "vCPU count");
    CASE(arm64_linux, s.isa = 3, "instruction set");
    CASE(arm64_linux, s.proto = 3, "boot protocol");
    CASE(arm64_linux, s.isa = VM_PKG_ISA_A32, "needs an A64 guest");
    CASE(arm_linux, s.isa = VM_PKG_ISA_T32, "enters in A32");

    /* Kernel placement. */
    CASE(raw, s.kipa = RAM_BASE - 0x1000, "kernel does not fit");
    CASE(raw, s.kipa = RAM_BASE + RAM_SIZE - 16, "kernel does not fit");
    CASE(raw, (s.kipa = ~0ull - 8, s.entry = s.kipa), "kernel does not fit");
    CASE(raw, s.entry = RAM_BASE + sizeof(raw_kernel), "outside the kernel");
    CASE(raw, s.entry = RAM_BASE + 2, "misaligned");
    CASE(raw, (s.isa = VM_PKG_ISA_T32, s.entry = RAM_BASE + 1), "misaligned");
    CASE(arm_linux, s.entry = s.kipa + s.ksize, "outside the kernel");
    CASE(arm64_linux, (image[ARM64_IMAGE_MAGIC_OFF] = 'X', s.entry = s.kipa + s.ksize),
         "outside the kernel");
    CASE(arm_linux, (s.ram_size = 256ull << 20, s.kipa = s.entry = RAM_BASE + (128ull << 20)),
         "first 128 MiB");
    CASE(arm_linux,
         (s.ram_base = 0xfff00000, s.ram_size = 16ull << 20, s.kipa = s.entry = s.ram_base,
          s.iipa = 0, s.initrd = NULL, s.dipa = s.ram_base + 0x200000),
         "above 4 GiB");

    /* arm64 Image rules. */
    CASE(arm64_linux, s.ksize = 63, "too small for an arm64 Image");
    CASE(arm64_linux, put_le64(image + ARM64_IMAGE_FLAGS, 0xb), "big-endian");
    CASE(arm64_linux, (s.kipa = s.entry = KERNEL_IPA + 0x1000), "not 2 MiB aligned");
    CASE(arm64_linux, (s.kipa = s.entry = RAM_BASE + 0x1000), "below RAM");
    CASE(arm64_linux, put_le64(image + ARM64_IMAGE_TEXT_OFFSET, 0x1000), "not 2 MiB aligned");
    CASE(arm64_linux, s.entry += 4, "first byte");
    /* image_size claims RAM the initrd uses: 4 MiB - 0x80000 is the limit. */
    CASE(arm64_linux, put_le64(image + ARM64_IMAGE_SIZE, 0x380001), "initrd overlaps the kernel");
    CASE(arm64_linux, put_le64(image + ARM64_IMAGE_SIZE, 1ull << 40), "kernel does not fit");

    /* initrd and DTB placement. */
    CASE(arm64_linux, s.iipa += 8, "initrd IPA is not page aligned");
    CASE(arm64_linux, s.iipa = RAM_BASE + RAM_SIZE, "initrd does not fit");
    CASE(arm64_linux, s.iipa = ~0xfffull, "initrd does not fit");
    CASE(arm64_linux, s.iipa = KERNEL_IPA + 0x1000, "initrd overlaps the kernel");
    CASE(arm64_linux, s.initrd = NULL, "initrd IPA given without");
    CASE(arm64_linux, s.dipa += 4, "8-byte aligned");
    CASE(arm64_linux, s.dipa = RAM_BASE + RAM_SIZE - 8, "DTB does not fit");
    CASE(arm64_linux, s.dipa = KERNEL_IPA + 0x8000, "DTB overlaps the kernel");
    CASE(arm64_linux, s.dipa = INITRD_IPA + 0x800, "DTB overlaps the initrd");
    CASE(raw, s.dipa = DTB_IPA, "DTB IPA given without");
    CASE(arm64_linux, s.dtb = NULL, "needs a DTB");
    CASE(arm_linux, s.dtb = NULL, "needs a DTB");

    /* DTB contents. */
    CASE(arm64_linux, dtb[0] = 0, "0xd00dfeed");
    CASE(arm64_linux, s.dsize = 39, "smaller than its header");
    CASE(arm64_linux, be32_put(dtb + 4, 200), "totalsize");
    CASE(arm64_linux, be32_put(dtb + 4, 8), "totalsize");
#undef CASE
}

/* A DTB of more than 2 MiB: refused on its size alone. */
static void test_refuse_big_dtb(void **state)
{
    (void)state;
    static uint8_t big[VM_PKG_ALIGN * 3 + VM_PKG_DTB_MAX + 8];
    struct spec s = raw();
    size_t len = build(&s); /* CONFIG and KERNEL pages */
    memcpy(big, blob, len);
    put_le32(big + VM_PKG_HDR_NSECT, 3);
    uint8_t *e = big + VM_PKG_HDR_SIZE + 2 * VM_PKG_SECT_SIZE;
    put_le32(e + VM_PKG_SECT_TYPE, VM_PKG_DTB);
    put_le64(e + VM_PKG_SECT_OFFSET, len);
    put_le64(e + VM_PKG_SECT_LEN, VM_PKG_DTB_MAX + 8);
    be32_put(big + len, FDT_HDR_MAGIC);
    be32_put(big + len + 4, VM_PKG_DTB_MAX + 8);
    put_le64(big + VM_PKG_CFG_DTB_IPA + VM_PKG_ALIGN, DTB_IPA);
    size_t total = len + VM_PKG_DTB_MAX + 8;
    put_le64(big + VM_PKG_HDR_TOTAL, total);
    reseal(big, total);
    struct vm_package p;
    const char *why = NULL;
    assert_int_equal(vm_package_parse(big, total, &p, &why), -1);
    assert_non_null(why);
    assert_non_null(strstr(why, "larger than 2 MiB"));
}

/* ---- Launching a package on the sim --------------------------------------- */

struct seen {
    uint64_t pc, regs[4];
    uint8_t dtb[sizeof(dtb)];
    uint8_t initrd_head[8];
    int status;
};

static void guest_reads_boot_state(struct sim_guest *g)
{
    struct seen *s = g->arg;
    s->pc = g_pc(g);
    for (unsigned i = 0; i < 4; i++)
        s->regs[i] = g_reg(g, i);
    /* The DTB at the address the protocol gave, read word by word (plain
     * RAM: no exit). */
    uint64_t dtb_ipa = s->regs[0] ? s->regs[0] : s->regs[2];
    for (unsigned off = 0; off < sizeof(s->dtb); off += 4) {
        s->status |= g_ldr(g, 5, dtb_ipa + off, 4);
        uint32_t w = (uint32_t)g_reg(g, 5);
        memcpy(s->dtb + off, &w, 4); /* little-endian guest, host */
    }
    for (unsigned off = 0; off < 8; off += 4) {
        s->status |= g_ldr(g, 5, INITRD_IPA + off, 4);
        uint32_t w = (uint32_t)g_reg(g, 5);
        memcpy(s->initrd_head + off, &w, 4);
    }
}

static int sim_setup(void **state)
{
    (void)state;
    sim_reset(SIM_ARMV8, 64ull << 20);
    sim_console_clear();
    return 0;
}

static bool host_is_le(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 1;
}

static void test_launch_arm64_package(void **state)
{
    (void)state;
    if (!host_is_le())
        skip();
    struct spec s = arm64_linux();
    size_t len = build(&s);
    struct vm_package p;
    assert_int_equal(vm_package_parse(blob, len, &p, NULL), 0);

    size_t free0 = sim_free_pages();
    struct seen seen = {0};
    sim_guest_at(KERNEL_IPA, guest_reads_boot_state, &seen);
    assert_int_equal(vm_launch_package(&p), 0);
    assert_int_equal(seen.status, SIM_OK);
    assert_int_equal(seen.pc, KERNEL_IPA);
    assert_int_equal(seen.regs[0], DTB_IPA);
    assert_int_equal(seen.regs[1] | seen.regs[2] | seen.regs[3], 0);
    assert_memory_equal(seen.dtb, dtb, sizeof(dtb));
    assert_memory_equal(seen.initrd_head, initrd, 8);
    const char *log = sim_console_text();
    assert_non_null(strstr(log, "vm linux64: package: A64 kernel 4096 bytes at 0x40080000, "
                                "linux-arm64 boot, initrd 3000 bytes at 0x40400000, DTB 72 "
                                "bytes at 0x40800000"));
    /* vCPU 0 runs; vCPU 1 waits, OFF, for a CPU_ON this guest never makes. */
    assert_null(strstr(log, "only vCPU 0 runs"));
    assert_non_null(
        strstr(log, "vm linux64: starting at 0x40080000 (A64, 16 MiB RAM at 0x40000000, 2 vCPUs)"));
    assert_int_equal(sim_free_pages(), free0);
}

/* The package's AFFINITY reaches the scheduler: vCPU 0 pinned to a CPU
 * that is online starts; pinned to one that is not (the sim here has CPU 0
 * only), the launch fails and says why, with nothing leaked. */
static void test_launch_affinity(void **state)
{
    (void)state;
    if (!host_is_le())
        skip();
    struct spec s = arm64_linux();
    uint8_t a[12];
    const uint32_t on_boot_cpu[2] = {1u << 0, VM_PKG_AFF_ANY};
    affinity_bytes(a, 2, on_boot_cpu);
    s.affinity = a;
    s.asize = sizeof(a);
    struct vm_package p;
    assert_int_equal(vm_package_parse(blob, build(&s), &p, NULL), 0);
    size_t free0 = sim_free_pages();
    struct seen seen = {0};
    sim_guest_at(KERNEL_IPA, guest_reads_boot_state, &seen);
    assert_int_equal(vm_launch_package(&p), 0);
    assert_int_equal(seen.pc, KERNEL_IPA);

    const uint32_t elsewhere[2] = {1u << 1, VM_PKG_AFF_ANY};
    affinity_bytes(a, 2, elsewhere);
    assert_int_equal(vm_package_parse(blob, build(&s), &p, NULL), 0);
    sim_console_clear();
    assert_true(vm_launch_package(&p) < 0);
    assert_non_null(strstr(sim_console_text(), "vcpu 0: no online CPU in its affinity 0x2"));
    assert_int_equal(sim_free_pages(), free0);
}

/* The package's SCHED slice reaches the scheduler: two busy vCPUs on the
 * one CPU take turns every 2 ms over a second of guest time (about 500
 * switches), against about 100 with the default 10 ms; each gets half. */
#define SCHED_SPIN   1000u
#define SCHED_ENTRY1 (KERNEL_IPA + 0x1000)
#define FN_CPU_ON64  0xc4000003u
#define FN_CPU_OFF   0x84000002u

struct sched_busy {
    uint64_t ticks[2];
    uint64_t end; /* the counter value both stop at: one second after vCPU 0 starts */
};

static void sched_busy_loop(struct sim_guest *g, unsigned me)
{
    struct sched_busy *b = g->arg;
    while (g_cntvct(g) < b->end) {
        g_spin(g, SCHED_SPIN);
        b->ticks[me] += SCHED_SPIN;
    }
    g_smccc(g, FN_CPU_OFF, 0, 0, 0);
}

static void sched_busy1(struct sim_guest *g)
{
    sched_busy_loop(g, 1);
}

static void sched_busy0(struct sim_guest *g)
{
    struct sched_busy *b = g->arg;
    b->end = g_cntvct(g) + SIM_COUNTER_FREQ;
    g_smccc(g, FN_CPU_ON64, 1, SCHED_ENTRY1, 0);
    sched_busy_loop(g, 0);
}

static uint64_t launch_busy_pair(const struct spec *s)
{
    struct vm_package p;
    assert_int_equal(vm_package_parse(blob, build(s), &p, NULL), 0);
    struct sched_busy b = {{0, 0}, 0};
    sim_guest_at(KERNEL_IPA, sched_busy0, &b);
    sim_guest_at(SCHED_ENTRY1, sched_busy1, &b);
    uint64_t sw0 = pcpu_this()->switches;
    assert_int_equal(vm_launch_package(&p), 0);
    uint64_t total = b.ticks[0] + b.ticks[1];
    assert_true(total >= SIM_COUNTER_FREQ - 2 * SCHED_SPIN);
    for (unsigned i = 0; i < 2; i++) {
        assert_true(b.ticks[i] * 100 >= total * 45);
        assert_true(b.ticks[i] * 100 <= total * 55);
    }
    return pcpu_this()->switches - sw0;
}

static void test_launch_sched(void **state)
{
    (void)state;
    if (!host_is_le())
        skip();
    struct spec s = arm64_linux();
    uint8_t b[VM_PKG_SCHED_SIZE];
    sched_bytes(b, 2000, 0);
    s.sched = b;
    s.ssize = sizeof(b);
    assert_in_range(launch_busy_pair(&s), 450, 550);
    assert_non_null(strstr(sim_console_text(), "vm linux64: starting at 0x40080000 (A64, 16 MiB "
                                               "RAM at 0x40000000, 2 vCPUs, 2000 us time "
                                               "slices)"));
    s.sched = NULL;
    sim_console_clear();
    assert_in_range(launch_busy_pair(&s), 90, 110);
    assert_null(strstr(sim_console_text(), "time slices"));
}

static void test_launch_arm_package_on_v7(void **state)
{
    (void)state;
    if (!host_is_le())
        skip();
    sim_reset(SIM_ARMV7, 64ull << 20);
    struct spec s = arm_linux();
    s.nvcpus = 1;
    size_t len = build(&s);
    struct vm_package p;
    assert_int_equal(vm_package_parse(blob, len, &p, NULL), 0);
    struct seen seen = {0};
    sim_guest_at(RAM_BASE + 0x8000, guest_reads_boot_state, &seen);
    assert_int_equal(vm_launch_package(&p), 0);
    assert_int_equal(seen.status, SIM_OK);
    assert_int_equal(seen.pc, RAM_BASE + 0x8000);
    assert_int_equal(seen.regs[0], 0);
    assert_int_equal(seen.regs[1], 0xffffffffu);
    assert_int_equal(seen.regs[2], DTB_IPA);
    assert_memory_equal(seen.dtb, dtb, sizeof(dtb));
    assert_null(strstr(sim_console_text(), "only vCPU 0 runs"));
}

/* A package that parses but asks for more RAM than the host has: refused
 * by vm_launch, everything handed back. */
static void test_launch_package_too_big(void **state)
{
    (void)state;
    struct spec s = arm64_linux();
    s.ram_size = 1ull << 30;
    size_t len = build(&s);
    struct vm_package p;
    assert_int_equal(vm_package_parse(blob, len, &p, NULL), 0);
    size_t free0 = sim_free_pages();
    sim_guest_at(KERNEL_IPA, guest_reads_boot_state, NULL);
    assert_true(vm_launch_package(&p) < 0);
    assert_int_equal(sim_free_pages(), free0);
    assert_true(vm_launch_package(NULL) < 0);
}

/* vm_launch's own checks on the extra images (a caller that is not the
 * parser gets them too). */
static void test_launch_extra_checks(void **state)
{
    (void)state;
    struct guest_desc d = {
        .name = "x",
        .image = raw_kernel,
        .image_size = sizeof(raw_kernel),
        .ram_size = 4ull << 20,
        .load_ipa = RAM_BASE,
        .boot = {.isa = ISA_A64, .pc = RAM_BASE},
        .extra = {{dtb, sizeof(dtb), RAM_BASE + 0x80, false}},
    };
    size_t free0 = sim_free_pages();
    assert_true(vm_launch(&d) < 0);
    assert_non_null(strstr(sim_console_text(), "overlaps another image"));
    d.extra[0].ipa = RAM_BASE + (4ull << 20) - 8;
    assert_true(vm_launch(&d) < 0);
    assert_non_null(strstr(sim_console_text(), "does not fit in RAM"));
    d.extra[0].ipa = RAM_BASE + 0x1000;
    d.extra[1] = (struct guest_extra){initrd, sizeof(initrd), RAM_BASE + 0x1040, false};
    assert_true(vm_launch(&d) < 0);
    d.extra[1].data = NULL;
    d.extra[1].ipa = RAM_BASE + 0x2000;
    assert_true(vm_launch(&d) < 0);
    assert_int_equal(sim_free_pages(), free0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_arm64_linux),
        cmocka_unit_test(test_parse_console_virtio),
        cmocka_unit_test(test_parse_affinity),
        cmocka_unit_test(test_parse_sched),
        cmocka_unit_test(test_parse_arm_linux_and_raw),
        cmocka_unit_test(test_refuse_blob),
        cmocka_unit_test(test_refuse_config),
        cmocka_unit_test(test_refuse_big_dtb),
        cmocka_unit_test_setup(test_launch_arm64_package, sim_setup),
        cmocka_unit_test_setup(test_launch_affinity, sim_setup),
        cmocka_unit_test_setup(test_launch_sched, sim_setup),
        cmocka_unit_test_setup(test_launch_arm_package_on_v7, sim_setup),
        cmocka_unit_test_setup(test_launch_package_too_big, sim_setup),
        cmocka_unit_test_setup(test_launch_extra_checks, sim_setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
