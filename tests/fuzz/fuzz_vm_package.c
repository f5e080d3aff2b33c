/* libFuzzer target: vm_package_parse on packages built from tiny inputs.
 *
 * A real package is at least three 4 KiB pages (sections are page aligned)
 * and its checksum covers all of it, so mutating real packages is slow and
 * rarely gets past the checksum. Instead the input describes a mostly-zero
 * blob, and by design the target may skip the checksum, so every rule
 * behind it is reachable with inputs of a few hundred bytes:
 *
 *   byte 0      flags: bit 0 skip the checksum (VM_PKG_PARSE_NO_CHECKSUM);
 *               clear, the checksum field must be right (a seed has the
 *               right one); bit 1 big (add 2 MiB to the length: the DTB
 *               size limit)
 *   bytes 1-2   blob length, little-endian, at most 32 KiB (+ 2 MiB if big)
 *   records     [page][skip][n][n bytes]: copy the bytes to offset
 *               (page % 16) * 4096 + skip, clipped to the blob
 *
 * tests/fuzz/vm_package_seeds.py writes seeds in this form, one per refusal
 * the parser has, and check_refusals.py checks they reach every one (with
 * AV_FUZZ_WHY set the target prints what the parser said about each input).
 * An accepted package must keep every promise the parser makes (images
 * inside the blob and inside guest RAM, apart from each other, registers per
 * the protocol); a refused one must leave *out alone and give a reason. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vm_package.h"
#include "fuzz_check.h"
#include "lib/le.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FLAG_NO_SUM 1u
#define FLAG_BIG    2u
#define LEN_MASK    0x7fffu
#define BIG_EXTRA   (2u << 20)
#define PAGE        4096u

static bool in_blob(const uint8_t *b, size_t len, const struct vm_pkg_image *im)
{
    if (!im->data)
        return im->size == 0;
    return im->data >= b && im->size <= len && (size_t)(im->data - b) <= len - im->size;
}

static bool in_ram(const struct vm_package *p, uint64_t ipa, uint64_t len)
{
    return ipa >= p->ram_base && len <= p->ram_size && ipa - p->ram_base <= p->ram_size - len;
}

static bool apart(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return !alen || !blen || a + alen <= b || b + blen <= a;
}

/* The device list (the DEVICES section, or the defaults): every window its
 * kind's size, aligned, below the RAM and clear of the GIC, apart from the
 * others; distinct valid SPIs; flags and backing only where the kind takes
 * them; at most one console input, the one p->console names. */
static void check_devices(const struct vm_package *p)
{
    CHECK(p->ndevices >= 1 && p->ndevices <= VM_DEV_MAX);
    unsigned consoles = 0;
    for (unsigned i = 0; i < p->ndevices; i++) {
        const struct vm_device *d = &p->devices[i];
        CHECK(d->kind >= VM_DEV_KIND_FIRST && d->kind <= VM_DEV_KIND_LAST);
        CHECK(d->size == vm_device_kind_size(d->kind) && d->base % d->size == 0);
        CHECK(d->base < VM_PKG_DEVICE_TOP && d->base + d->size <= VM_PKG_DEVICE_TOP);
        CHECK(d->base + d->size <= VIRT_GICD_BASE || d->base >= VIRT_GICC_BASE + VIRT_GICC_SIZE);
        CHECK(d->spi < VIRT_SPI_COUNT && (d->flags & ~VM_DEV_F_ALL) == 0);
        bool disk = d->kind == VM_DEV_VIRTIO_BLK;
        CHECK(disk || !(d->flags & VM_DEV_F_RO));
        CHECK(disk || (d->disk | d->first_sector | d->sectors) == 0);
        CHECK(!disk ||
              (d->disk < VM_DEV_DISK_MAX && d->first_sector + d->sectors <= VM_DEV_SECTOR_LIMIT));
        if (d->flags & VM_DEV_F_CONSOLE) {
            CHECK(d->kind != VM_DEV_VIRTIO_BLK);
            CHECK((p->console == VM_PKG_CONSOLE_VIRTIO) == (d->kind == VM_DEV_VIRTIO_CONSOLE));
            consoles++;
        }
        for (unsigned j = 0; j < i; j++) {
            const struct vm_device *o = &p->devices[j];
            CHECK(apart(d->base, d->size, o->base, o->size) && d->spi != o->spi);
        }
    }
    CHECK(consoles <= 1);
    CHECK(consoles == 1 || p->console == VM_PKG_CONSOLE_PL011);
}

static void check_accepted(const uint8_t *b, size_t len, const struct vm_package *p)
{
    check_devices(p);
    CHECK(memchr(p->name, 0, sizeof(p->name)) && p->name[0]);
    CHECK(p->nvcpus >= 1 && p->nvcpus <= VM_PKG_MAX_VCPUS);
    CHECK(p->slice_us == 0 ||
          (p->slice_us >= VM_PKG_SLICE_MIN_US && p->slice_us <= VM_PKG_SLICE_MAX_US));
    CHECK(p->ram_size && p->ram_base >= VM_PKG_DEVICE_TOP);
    CHECK(p->ram_base + p->ram_size <= VM_PKG_IPA_LIMIT);
    CHECK(p->kernel.data && p->kernel.size && p->kernel_footprint >= p->kernel.size);
    CHECK(in_blob(b, len, &p->kernel) && in_blob(b, len, &p->initrd) && in_blob(b, len, &p->dtb));
    CHECK(in_ram(p, p->kernel.ipa, p->kernel_footprint));
    if (p->initrd.data)
        CHECK(in_ram(p, p->initrd.ipa, p->initrd.size) && p->initrd.ipa % 4096 == 0);
    else
        CHECK(p->initrd.ipa == 0);
    if (p->dtb.data) {
        CHECK(in_ram(p, p->dtb.ipa, p->dtb.size) && p->dtb.ipa % 8 == 0);
        CHECK(p->dtb.size <= VM_PKG_DTB_MAX && p->dtb.data[0] == 0xd0 && p->dtb.data[3] == 0xed);
    } else {
        CHECK(p->dtb.ipa == 0 && p->protocol == VM_PKG_BOOT_RAW);
    }
    CHECK(apart(p->kernel.ipa, p->kernel_footprint, p->initrd.ipa, p->initrd.size));
    CHECK(apart(p->kernel.ipa, p->kernel_footprint, p->dtb.ipa, p->dtb.size));
    CHECK(apart(p->initrd.ipa, p->initrd.size, p->dtb.ipa, p->dtb.size));
    CHECK(in_ram(p, p->entry, 2));
    /* Every protocol enters inside the kernel's bytes. */
    CHECK(p->entry >= p->kernel.ipa && p->entry < p->kernel.ipa + p->kernel.size);
    switch (p->protocol) {
    case VM_PKG_BOOT_RAW:
        CHECK((p->regs[0] | p->regs[1] | p->regs[2] | p->regs[3]) == 0);
        break;
    case VM_PKG_BOOT_LINUX_ARM64:
        CHECK(p->isa == VM_PKG_ISA_A64);
        CHECK(p->regs[0] == p->dtb.ipa && (p->regs[1] | p->regs[2] | p->regs[3]) == 0);
        /* With the Image magic, a whole header entered at its first byte
         * (without it, a raw image given the Linux registers). */
        if (p->kernel.size >= ARM64_IMAGE_MAGIC_OFF + 4 &&
            get_le32(p->kernel.data + ARM64_IMAGE_MAGIC_OFF) == ARM64_IMAGE_MAGIC)
            CHECK(p->kernel.size >= ARM64_IMAGE_HDR_SIZE && p->entry == p->kernel.ipa);
        break;
    case VM_PKG_BOOT_LINUX_ARM:
        CHECK(p->isa == VM_PKG_ISA_A32);
        CHECK(p->regs[0] == 0 && p->regs[1] == 0xffffffffu && p->regs[2] == p->dtb.ipa);
        break;
    default:
        CHECK(0);
    }
    if (p->isa != VM_PKG_ISA_A64)
        CHECK(p->kernel.ipa + p->kernel_footprint <= (1ull << 32) &&
              p->dtb.ipa + p->dtb.size <= (1ull << 32));
}

/* Expand the input into a blob of exactly its length (so ASan sees any read
 * past it); NULL when the input is too short to say a length. */
static uint8_t *build_blob(const uint8_t *data, size_t size, size_t *len_out)
{
    if (size < 3)
        return NULL;
    size_t len = (size_t)(data[1] | data[2] << 8) & LEN_MASK;
    if (data[0] & FLAG_BIG)
        len += BIG_EXTRA;
    uint8_t *b = calloc(1, len ? len : 1);
    if (!b)
        return NULL;
    size_t i = 3;
    while (i + 3 <= size) {
        size_t at = (size_t)(data[i] % 16) * PAGE + data[i + 1], n = data[i + 2];
        i += 3;
        if (n > size - i)
            n = size - i;
        if (at < len)
            memcpy(b + at, data + i, n < len - at ? n : len - at);
        i += n;
    }
    *len_out = len;
    return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len = 0;
    uint8_t *b = build_blob(data, size, &len);
    if (!b)
        return 0;

    struct vm_package p, again;
    memset(&p, 0xa5, sizeof(p));
    struct vm_package poison = p;
    const char *why = NULL;
    unsigned opts = data[0] & FLAG_NO_SUM ? VM_PKG_PARSE_NO_CHECKSUM : 0;
    int r = vm_package_parse_opts(b, len, &p, &why, opts);
    static int print_why = -1;
    if (print_why < 0)
        print_why = getenv("AV_FUZZ_WHY") != NULL;
    if (print_why)
        fprintf(stderr, "vm_package: %s\n", r == 0 ? "accepted" : why);
    if (r == 0) {
        check_accepted(b, len, &p);
        CHECK(vm_package_parse_opts(b, len, &again, NULL, opts) == 0);
        CHECK(memcmp(&p, &again, sizeof(p)) == 0);
    } else {
        CHECK(r == -1 && why && why[0]);
        CHECK(memcmp(&p, &poison, sizeof(p)) == 0);
    }
    free(b);
    return 0;
}
