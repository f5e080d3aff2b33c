/*
 * vm_package_parse: check a VM package blob (docs/vm-package.md) field by
 * field and describe it. The blob comes from outside the hypervisor (the
 * initrd), so nothing in it is trusted: every integer is read byte-wise
 * little-endian, every offset/size pair is checked against the blob and
 * every guest range against guest RAM before anything uses it, and the
 * first refusal returns with a sentence saying which rule it broke.
 */
#include "core/vm_package.h"
#include "lib/le.h"

#include <string.h>

#define FNV64_BASIS 0xcbf29ce484222325ull
#define FNV64_PRIME 0x100000001b3ull

#define PKG_PAGE    4096ull
#define FOUR_GIB    (1ull << 32)
#define FDT_HDR_LEN 40u /* the v17 header, through size_dt_struct */
#define FDT_TOTALSZ 4u  /* big-endian u32 totalsize */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* [a, a+len) inside [base, base+size), without overflowing. */
static bool inside(uint64_t base, uint64_t size, uint64_t a, uint64_t len)
{
    return a >= base && len <= size && a - base <= size - len;
}

/* Both ranges are already known to lie inside RAM (below 2^40): no overflow. */
static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

uint64_t vm_package_checksum(const void *blob, size_t len)
{
    const uint8_t *p = blob;
    uint64_t h = FNV64_BASIS;
    for (size_t i = 0; i < len; i++) {
        bool in_field = i >= VM_PKG_HDR_CHECKSUM && i < VM_PKG_HDR_CHECKSUM + 8;
        h ^= in_field ? 0 : p[i];
        h *= FNV64_PRIME;
    }
    return h;
}

bool vm_package_is_package(const void *blob, size_t len)
{
    return blob && len >= VM_PKG_MAGIC_LEN && memcmp(blob, VM_PKG_MAGIC, VM_PKG_MAGIC_LEN) == 0;
}

const char *vm_package_protocol_name(enum vm_pkg_protocol p)
{
    switch (p) {
    case VM_PKG_BOOT_RAW:
        return "raw";
    case VM_PKG_BOOT_LINUX_ARM64:
        return "linux-arm64";
    case VM_PKG_BOOT_LINUX_ARM:
        return "linux-arm";
    }
    return "?";
}

const char *vm_package_isa_name(enum vm_pkg_isa isa)
{
    switch (isa) {
    case VM_PKG_ISA_A64:
        return "A64";
    case VM_PKG_ISA_A32:
        return "A32";
    case VM_PKG_ISA_T32:
        return "T32";
    }
    return "?";
}

#define REFUSE(msg)                                                                                \
    do {                                                                                           \
        if (why)                                                                                   \
            *why = (msg);                                                                          \
        return -1;                                                                                 \
    } while (0)

struct sect {
    bool present;
    uint64_t off, size;
};

static bool section_known(uint32_t type)
{
    switch (type) {
    case VM_PKG_KERNEL:
    case VM_PKG_INITRD:
    case VM_PKG_DTB:
    case VM_PKG_CONFIG:
    case VM_PKG_DEVICES:
    case VM_PKG_AFFINITY:
    case VM_PKG_SCHED:
        return true;
    }
    return false;
}

/* AFFINITY: one mask per vCPU, each naming at least one CPU and none
 * beyond VM_PKG_MAX_CPUS. */
static int parse_affinity(const uint8_t *a, uint64_t size, uint32_t nvcpus, uint32_t *out,
                          const char **why)
{
    if (size < VM_PKG_AFF_MASKS)
        REFUSE("AFFINITY section too short for its count");
    uint32_t count = get_le32(a + VM_PKG_AFF_COUNT);
    if (count != nvcpus)
        REFUSE("AFFINITY count is not the vCPU count");
    if (size != VM_PKG_AFF_MASKS + 4ull * count)
        REFUSE("AFFINITY section has the wrong size for its count");
    for (uint32_t i = 0; i < count; i++) {
        uint32_t mask = get_le32(a + VM_PKG_AFF_MASKS + 4u * i);
        if (mask == 0)
            REFUSE("AFFINITY mask names no CPU");
        if (mask & ~VM_PKG_AFF_ANY)
            REFUSE("AFFINITY mask names a CPU beyond the 8 armvisor supports");
        out[i] = mask;
    }
    return 0;
}

/* SCHED: the time slice, inside the range the scheduler takes. */
static int parse_sched(const uint8_t *s, uint64_t size, uint32_t *slice_us, const char **why)
{
    if (size != VM_PKG_SCHED_SIZE)
        REFUSE("SCHED section has the wrong size");
    if (get_le32(s + VM_PKG_SCHED_RESERVED) != 0)
        REFUSE("SCHED reserved field is not zero");
    uint32_t us = get_le32(s + VM_PKG_SCHED_SLICE_US);
    if (us < VM_PKG_SLICE_MIN_US || us > VM_PKG_SLICE_MAX_US)
        REFUSE("SCHED time slice out of range (100 us - 1 s)");
    *slice_us = us;
    return 0;
}

/* Header and section table: every section inside the blob, aligned, known,
 * once, not overlapping another or the table. */
static int parse_sections(const uint8_t *b, uint64_t len,
                          struct sect sects[VM_PKG_SECT_TYPE_MAX + 1], bool checksum,
                          const char **why)
{
    if (len < VM_PKG_HDR_SIZE)
        REFUSE("blob shorter than the package header");
    if (memcmp(b + VM_PKG_HDR_MAGIC, VM_PKG_MAGIC, VM_PKG_MAGIC_LEN) != 0)
        REFUSE("no AVMPKG01 magic");
    if (get_le32(b + VM_PKG_HDR_VERSION) != VM_PKG_VERSION)
        REFUSE("unsupported package version");
    if (get_le32(b + VM_PKG_HDR_HDRSIZE) != VM_PKG_HDR_SIZE)
        REFUSE("header size field is not 64");
    uint64_t total = get_le64(b + VM_PKG_HDR_TOTAL);
    if (total < VM_PKG_HDR_SIZE)
        REFUSE("total size smaller than the header");
    if (total > len)
        REFUSE("total size larger than the blob (truncated)");
    if (checksum && vm_package_checksum(b, (size_t)total) != get_le64(b + VM_PKG_HDR_CHECKSUM))
        REFUSE("checksum mismatch (corrupted blob)");
    if (get_le32(b + VM_PKG_HDR_FLAGS) != 0)
        REFUSE("header flags are not zero");
    for (unsigned i = VM_PKG_HDR_FLAGS + 4; i < VM_PKG_HDR_SIZE; i++)
        if (b[i] != 0)
            REFUSE("reserved header bytes are not zero");

    uint32_t nsect = get_le32(b + VM_PKG_HDR_NSECT);
    if (nsect == 0 || nsect > VM_PKG_MAX_SECTS)
        REFUSE("section count out of range (1-8)");
    uint64_t table_end = VM_PKG_HDR_SIZE + (uint64_t)nsect * VM_PKG_SECT_SIZE;
    if (table_end > total)
        REFUSE("section table runs past the end of the blob");

    for (uint32_t i = 0; i < nsect; i++) {
        const uint8_t *e = b + VM_PKG_HDR_SIZE + i * VM_PKG_SECT_SIZE;
        uint32_t type = get_le32(e + VM_PKG_SECT_TYPE);
        uint64_t off = get_le64(e + VM_PKG_SECT_OFFSET), size = get_le64(e + VM_PKG_SECT_LEN);
        if (!section_known(type))
            REFUSE("unknown section type");
        if (sects[type].present)
            REFUSE("duplicate section");
        if (get_le32(e + VM_PKG_SECT_FLAGS) != 0)
            REFUSE("section flags are not zero");
        if (off % VM_PKG_ALIGN)
            REFUSE("section offset is not 4 KiB aligned");
        if (size == 0)
            REFUSE("empty section");
        if (off < table_end)
            REFUSE("section overlaps the header or the section table");
        if (off > total || size > total - off)
            REFUSE("section runs past the end of the blob");
        for (unsigned t = VM_PKG_KERNEL; t <= VM_PKG_SECT_TYPE_MAX; t++)
            if (sects[t].present && off < sects[t].off + sects[t].size && sects[t].off < off + size)
                REFUSE("sections overlap in the blob");
        sects[type] = (struct sect){true, off, size};
    }
    if (!sects[VM_PKG_CONFIG].present)
        REFUSE("no CONFIG section");
    if (!sects[VM_PKG_KERNEL].present)
        REFUSE("no KERNEL section");
    if (sects[VM_PKG_CONFIG].size != VM_PKG_CFG_SIZE)
        REFUSE("CONFIG section has the wrong size");
    return 0;
}

/* The name: 1-31 printable characters, NUL-terminated inside the field. */
static int parse_name(const uint8_t *c, char out[VM_PKG_NAME_LEN], const char **why)
{
    unsigned n = 0;
    while (n < VM_PKG_NAME_LEN && c[n] != 0) {
        if (c[n] < 0x20 || c[n] > 0x7e)
            REFUSE("VM name has a non-printable character");
        n++;
    }
    if (n == 0)
        REFUSE("VM name is empty");
    if (n == VM_PKG_NAME_LEN)
        REFUSE("VM name is not NUL-terminated");
    memset(out, 0, VM_PKG_NAME_LEN);
    memcpy(out, c, n);
    return 0;
}

/* A kernel whose bytes carry the arm64 Image magic ("ARM\x64" at 56). */
static bool has_arm64_magic(const struct vm_pkg_image *k)
{
    return k->size >= ARM64_IMAGE_MAGIC_OFF + 4 &&
           get_le32(k->data + ARM64_IMAGE_MAGIC_OFF) == ARM64_IMAGE_MAGIC;
}

/* The arm64 Image rules (booting.rst), for a Linux arm64 boot of a kernel
 * with the Image magic: whole header, little-endian, placed text_offset
 * bytes above a 2 MiB aligned base in RAM, entered at its first byte; it
 * claims image_size bytes of RAM. A kernel without the magic is a raw image
 * given the Linux registers (what QEMU's -kernel does with one): only the
 * entry rule of check_entry applies to it. */
static int check_arm64_image(const struct vm_package *p, uint64_t *footprint, const char **why)
{
    const uint8_t *k = p->kernel.data;
    if (!has_arm64_magic(&p->kernel))
        return 0;
    if (p->kernel.size < ARM64_IMAGE_HDR_SIZE)
        REFUSE("kernel too small for an arm64 Image header");
    if (get_le64(k + ARM64_IMAGE_FLAGS) & 1)
        REFUSE("big-endian arm64 Image");
    uint64_t image_size = get_le64(k + ARM64_IMAGE_SIZE);
    /* booting.rst: image_size 0 means a pre-3.17 kernel, text_offset 0x80000. */
    uint64_t text = image_size ? get_le64(k + ARM64_IMAGE_TEXT_OFFSET) : ARM64_IMAGE_OLD_TEXT;
    if (text > p->kernel.ipa - p->ram_base)
        REFUSE("arm64 Image base (load address - text_offset) is below RAM");
    if ((p->kernel.ipa - text) % ARM64_IMAGE_ALIGN)
        REFUSE("arm64 Image base (load address - text_offset) is not 2 MiB aligned");
    if (p->entry != p->kernel.ipa)
        REFUSE("arm64 Image entry is not its first byte");
    if (image_size > *footprint)
        *footprint = image_size;
    return 0;
}

static int check_ranges(struct vm_package *p, const char **why)
{
    uint64_t kfoot = p->kernel_footprint;
    if (!inside(p->ram_base, p->ram_size, p->kernel.ipa, kfoot))
        REFUSE("kernel does not fit in guest RAM");
    if (p->initrd.data) {
        if (p->initrd.ipa % PKG_PAGE)
            REFUSE("initrd IPA is not page aligned");
        if (!inside(p->ram_base, p->ram_size, p->initrd.ipa, p->initrd.size))
            REFUSE("initrd does not fit in guest RAM");
        if (overlap(p->kernel.ipa, kfoot, p->initrd.ipa, p->initrd.size))
            REFUSE("initrd overlaps the kernel in guest RAM");
    } else if (p->initrd.ipa != 0) {
        REFUSE("initrd IPA given without an INITRD section");
    }
    if (p->dtb.data) {
        if (p->dtb.ipa % 8)
            REFUSE("DTB IPA is not 8-byte aligned");
        if (!inside(p->ram_base, p->ram_size, p->dtb.ipa, p->dtb.size))
            REFUSE("DTB does not fit in guest RAM");
        if (overlap(p->kernel.ipa, kfoot, p->dtb.ipa, p->dtb.size))
            REFUSE("DTB overlaps the kernel in guest RAM");
        if (overlap(p->initrd.ipa, p->initrd.size, p->dtb.ipa, p->dtb.size))
            REFUSE("DTB overlaps the initrd in guest RAM");
    } else if (p->dtb.ipa != 0) {
        REFUSE("DTB IPA given without a DTB section");
    }
    /* An AArch32 guest starts with its MMU off: it reaches 4 GiB, no more. */
    if (p->isa != VM_PKG_ISA_A64) {
        if (p->kernel.ipa + kfoot > FOUR_GIB || p->initrd.ipa + p->initrd.size > FOUR_GIB ||
            p->dtb.ipa + p->dtb.size > FOUR_GIB)
            REFUSE("AArch32 guest image above 4 GiB");
    }
    return 0;
}

static int check_dtb(const struct vm_pkg_image *d, const char **why)
{
    if (d->size > VM_PKG_DTB_MAX)
        REFUSE("DTB larger than 2 MiB");
    if (d->size < FDT_HDR_LEN)
        REFUSE("DTB smaller than its header");
    if (be32(d->data) != FDT_HDR_MAGIC)
        REFUSE("DTB has no 0xd00dfeed magic");
    uint32_t totalsize = be32(d->data + FDT_TOTALSZ);
    if (totalsize < FDT_HDR_LEN || totalsize > d->size)
        REFUSE("DTB totalsize does not fit its section");
    return 0;
}

static int check_entry(const struct vm_package *p, const char **why)
{
    unsigned align = p->isa == VM_PKG_ISA_T32 ? 2 : 4;
    if (p->entry % align)
        REFUSE("entry point misaligned for its instruction set");
    /* Every protocol enters somewhere inside the kernel's bytes (an arm64
     * Image, further, at its first byte: check_arm64_image). */
    if (!inside(p->kernel.ipa, p->kernel.size, p->entry, align))
        REFUSE("entry point outside the kernel image");
    switch (p->protocol) {
    case VM_PKG_BOOT_RAW:
    case VM_PKG_BOOT_LINUX_ARM64:
        return 0;
    case VM_PKG_BOOT_LINUX_ARM:
        /* The zImage decompressor takes RAM to start at its own address
         * rounded down to 128 MiB (arm booting.rst). */
        if (p->kernel.ipa - p->ram_base >= ZIMAGE_RAM_WINDOW)
            REFUSE("Linux arm kernel not in the first 128 MiB of RAM");
        return 0;
    }
    REFUSE("unknown boot protocol");
}

/* [a, a+alen) and [b, b+blen) meet; both lie below VM_PKG_DEVICE_TOP. */
static bool dev_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* One device entry: a known kind with its own window size, aligned, below
 * the RAM (every RAM is at or above VM_PKG_DEVICE_TOP, so a device there
 * cannot overlap it), clear of the GIC the core puts at the virt board's
 * addresses, an SPI the guest's GIC has, only the flags and backing its
 * kind can use. */
static int parse_device(const uint8_t *e, struct vm_device *d, const char **why)
{
    *d = (struct vm_device){
        .kind = get_le32(e + VM_PKG_DEV_KIND),
        .flags = get_le32(e + VM_PKG_DEV_FLAGS),
        .base = get_le64(e + VM_PKG_DEV_BASE),
        .size = get_le64(e + VM_PKG_DEV_LEN),
        .spi = get_le32(e + VM_PKG_DEV_SPI),
        .disk = get_le32(e + VM_PKG_DEV_DISK),
        .first_sector = get_le64(e + VM_PKG_DEV_FIRST),
        .sectors = get_le64(e + VM_PKG_DEV_SECTORS),
    };
    uint64_t size = vm_device_kind_size(d->kind);
    if (size == 0)
        REFUSE("unknown device kind");
    if (d->flags & ~VM_DEV_F_ALL)
        REFUSE("unknown device flags");
    if (d->size != size)
        REFUSE("device size is not its kind's window size");
    if (d->base % size)
        REFUSE("device base is not aligned to its size");
    if (d->base >= VM_PKG_DEVICE_TOP || size > VM_PKG_DEVICE_TOP - d->base)
        REFUSE("device not below 0x40000000 (the RAM)");
    if (dev_overlap(d->base, size, VIRT_GICD_BASE,
                    VIRT_GICC_BASE + VIRT_GICC_SIZE - VIRT_GICD_BASE))
        REFUSE("device overlaps the GIC");
    if (d->spi >= VIRT_SPI_COUNT)
        REFUSE("device SPI out of range (0-95)");
    bool disk = d->kind == VM_DEV_VIRTIO_BLK;
    if ((d->flags & VM_DEV_F_RO) && !disk)
        REFUSE("read-only flag on a device that is not a disk");
    if ((d->flags & VM_DEV_F_CONSOLE) && d->kind != VM_DEV_PL011 &&
        d->kind != VM_DEV_VIRTIO_CONSOLE)
        REFUSE("console flag on a device that cannot take input");
    if (!disk && (d->disk || d->first_sector || d->sectors))
        REFUSE("disk backing given for a device that is not a disk");
    if (disk && d->disk >= VM_DEV_DISK_MAX)
        REFUSE("host disk index out of range (0-7)");
    if (disk && (d->first_sector >= VM_DEV_SECTOR_LIMIT ||
                 d->sectors > VM_DEV_SECTOR_LIMIT - d->first_sector))
        REFUSE("disk range beyond 2^54 sectors");
    return 0;
}

/* The DEVICES section: count, entries, and the rules between entries (no
 * two overlap or share an SPI, at most one device takes console input, at
 * most one PL011 and one virtio-console, VM_DEV_MAX_BLK disks). */
static int parse_devices(const uint8_t *s, uint64_t len, struct vm_package *p, const char **why)
{
    if (len < VM_PKG_DEV_HDR)
        REFUSE("DEVICES section shorter than its header");
    uint32_t n = get_le32(s + VM_PKG_DEV_COUNT);
    if (n == 0 || n > VM_DEV_MAX)
        REFUSE("device count out of range (1-16)");
    if (get_le32(s + VM_PKG_DEV_RESERVED) != 0)
        REFUSE("DEVICES reserved field is not zero");
    if (len != VM_PKG_DEV_HDR + (uint64_t)n * VM_PKG_DEV_SIZE)
        REFUSE("DEVICES section size does not match its count");
    unsigned per_kind[VM_DEV_KIND_LAST + 1] = {0};
    const unsigned kind_max[VM_DEV_KIND_LAST + 1] = {
        [VM_DEV_PL011] = 1, [VM_DEV_VIRTIO_CONSOLE] = 1, [VM_DEV_VIRTIO_BLK] = VM_DEV_MAX_BLK};
    bool console = false;
    p->console = VM_PKG_CONSOLE_PL011;
    for (uint32_t i = 0; i < n; i++) {
        struct vm_device *d = &p->devices[i];
        if (parse_device(s + VM_PKG_DEV_HDR + i * VM_PKG_DEV_SIZE, d, why) != 0)
            return -1;
        for (uint32_t j = 0; j < i; j++) {
            if (dev_overlap(d->base, d->size, p->devices[j].base, p->devices[j].size))
                REFUSE("devices overlap");
            if (d->spi == p->devices[j].spi)
                REFUSE("two devices share an SPI");
        }
        if (++per_kind[d->kind] > kind_max[d->kind])
            REFUSE("too many devices of one kind (1 PL011, 1 virtio-console, 4 virtio-blk)");
        if (d->flags & VM_DEV_F_CONSOLE) {
            if (console)
                REFUSE("more than one device takes console input");
            console = true;
            if (d->kind == VM_DEV_VIRTIO_CONSOLE)
                p->console = VM_PKG_CONSOLE_VIRTIO;
        }
    }
    p->ndevices = n;
    p->has_device_list = true;
    return 0;
}

int vm_package_parse(const void *blob, size_t len, struct vm_package *out, const char **why)
{
    return vm_package_parse_opts(blob, len, out, why, 0);
}

int vm_package_parse_opts(const void *blob, size_t len, struct vm_package *out, const char **why,
                          unsigned opts)
{
    if (!blob || !out)
        REFUSE("no blob");
    const uint8_t *b = blob;
    struct sect sects[VM_PKG_SECT_TYPE_MAX + 1] = {0};
    if (parse_sections(b, len, sects, !(opts & VM_PKG_PARSE_NO_CHECKSUM), why) != 0)
        return -1;

    struct vm_package p;
    memset(&p, 0, sizeof(p));
    const uint8_t *c = b + sects[VM_PKG_CONFIG].off;
    if (parse_name(c + VM_PKG_CFG_NAME, p.name, why) != 0)
        return -1;
    p.ram_base = get_le64(c + VM_PKG_CFG_RAM_BASE);
    p.ram_size = get_le64(c + VM_PKG_CFG_RAM_SIZE);
    uint32_t nvcpus = get_le32(c + VM_PKG_CFG_NVCPUS);
    uint32_t isa = get_le32(c + VM_PKG_CFG_ISA);
    uint32_t proto = get_le32(c + VM_PKG_CFG_PROTOCOL);
    p.kernel.ipa = get_le64(c + VM_PKG_CFG_KERNEL_IPA);
    p.entry = get_le64(c + VM_PKG_CFG_ENTRY);
    p.initrd.ipa = get_le64(c + VM_PKG_CFG_INITRD_IPA);
    p.dtb.ipa = get_le64(c + VM_PKG_CFG_DTB_IPA);

    uint32_t console = get_le32(c + VM_PKG_CFG_CONSOLE);
    if (console > VM_PKG_CONSOLE_VIRTIO)
        REFUSE("unknown console device");
    p.console = (enum vm_pkg_console)console;
    if (sects[VM_PKG_DEVICES].present) {
        /* The list says which device takes console input. */
        if (console != VM_PKG_CONSOLE_PL011)
            REFUSE("CONFIG console field set alongside a DEVICES section");
        if (parse_devices(b + sects[VM_PKG_DEVICES].off, sects[VM_PKG_DEVICES].size, &p, why) != 0)
            return -1;
    } else {
        p.ndevices = vm_device_defaults(p.devices, p.console == VM_PKG_CONSOLE_VIRTIO);
    }
    if (p.ram_base % PKG_PAGE || p.ram_size % PKG_PAGE)
        REFUSE("RAM base or size is not page aligned");
    if (p.ram_size == 0)
        REFUSE("no guest RAM");
    if (p.ram_base < VM_PKG_DEVICE_TOP)
        REFUSE("guest RAM overlaps the device region below 0x40000000");
    if (p.ram_base >= VM_PKG_IPA_LIMIT || p.ram_size > VM_PKG_IPA_LIMIT - p.ram_base)
        REFUSE("guest RAM beyond the 40-bit IPA space");
    if (nvcpus == 0 || nvcpus > VM_PKG_MAX_VCPUS)
        REFUSE("vCPU count out of range (1-8)");
    if (sects[VM_PKG_AFFINITY].present &&
        parse_affinity(b + sects[VM_PKG_AFFINITY].off, sects[VM_PKG_AFFINITY].size, nvcpus,
                       p.affinity, why) != 0)
        return -1;
    if (sects[VM_PKG_SCHED].present &&
        parse_sched(b + sects[VM_PKG_SCHED].off, sects[VM_PKG_SCHED].size, &p.slice_us, why) != 0)
        return -1;
    if (isa > VM_PKG_ISA_T32)
        REFUSE("unknown instruction set");
    if (proto > VM_PKG_BOOT_LINUX_ARM)
        REFUSE("unknown boot protocol");
    p.nvcpus = nvcpus;
    p.isa = (enum vm_pkg_isa)isa;
    p.protocol = (enum vm_pkg_protocol)proto;
    if (p.protocol == VM_PKG_BOOT_LINUX_ARM64 && p.isa != VM_PKG_ISA_A64)
        REFUSE("the Linux arm64 protocol needs an A64 guest");
    if (p.protocol == VM_PKG_BOOT_LINUX_ARM && p.isa != VM_PKG_ISA_A32)
        REFUSE("the Linux arm protocol enters in A32");

    p.kernel.data = b + sects[VM_PKG_KERNEL].off;
    p.kernel.size = sects[VM_PKG_KERNEL].size;
    p.kernel_footprint = p.kernel.size;
    if (sects[VM_PKG_INITRD].present) {
        p.initrd.data = b + sects[VM_PKG_INITRD].off;
        p.initrd.size = sects[VM_PKG_INITRD].size;
    }
    if (sects[VM_PKG_DTB].present) {
        p.dtb.data = b + sects[VM_PKG_DTB].off;
        p.dtb.size = sects[VM_PKG_DTB].size;
        if (check_dtb(&p.dtb, why) != 0)
            return -1;
    } else if (p.protocol != VM_PKG_BOOT_RAW) {
        REFUSE("a Linux boot protocol needs a DTB section");
    }
    /* The kernel's placement first (it may claim more than its bytes), then
     * every range inside RAM and apart from the others. */
    if (p.kernel.ipa < p.ram_base)
        REFUSE("kernel does not fit in guest RAM");
    if (p.protocol == VM_PKG_BOOT_LINUX_ARM64 &&
        check_arm64_image(&p, &p.kernel_footprint, why) != 0)
        return -1;
    if (check_ranges(&p, why) != 0 || check_entry(&p, why) != 0)
        return -1;

    switch (p.protocol) {
    case VM_PKG_BOOT_RAW:
        break;
    case VM_PKG_BOOT_LINUX_ARM64:
        p.regs[0] = p.dtb.ipa;
        break;
    case VM_PKG_BOOT_LINUX_ARM:
        p.regs[1] = 0xffffffffu; /* no machine type: DT only */
        p.regs[2] = p.dtb.ipa;
        break;
    }
    *out = p;
    return 0;
}
