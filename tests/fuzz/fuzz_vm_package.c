/* libFuzzer target: vm_package_parse on arbitrary blobs. The first input
 * byte picks a mode: bit 0 set recomputes the header checksum of the rest
 * before parsing, so mutations get past the checksum and reach the section
 * and CONFIG rules; else the bytes are parsed as they are. An accepted
 * package must keep every promise the parser makes (images inside the
 * blob and inside guest RAM, apart from each other, registers per the
 * protocol); a refused one must leave *out alone and give a reason. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/vm_package.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

static void check_accepted(const uint8_t *b, size_t len, const struct vm_package *p)
{
    CHECK(memchr(p->name, 0, sizeof(p->name)) && p->name[0]);
    CHECK(p->nvcpus >= 1 && p->nvcpus <= VM_PKG_MAX_VCPUS);
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
    switch (p->protocol) {
    case VM_PKG_BOOT_RAW:
        CHECK(p->entry >= p->kernel.ipa && p->entry < p->kernel.ipa + p->kernel.size);
        CHECK((p->regs[0] | p->regs[1] | p->regs[2] | p->regs[3]) == 0);
        break;
    case VM_PKG_BOOT_LINUX_ARM64:
        CHECK(p->isa == VM_PKG_ISA_A64 && p->entry == p->kernel.ipa);
        CHECK(p->regs[0] == p->dtb.ipa && (p->regs[1] | p->regs[2] | p->regs[3]) == 0);
        CHECK(p->kernel.size >= ARM64_IMAGE_HDR_SIZE);
        break;
    case VM_PKG_BOOT_LINUX_ARM:
        CHECK(p->isa == VM_PKG_ISA_A32 && p->entry == p->kernel.ipa);
        CHECK(p->regs[0] == 0 && p->regs[1] == 0xffffffffu && p->regs[2] == p->dtb.ipa);
        break;
    default:
        CHECK(0);
    }
    if (p->isa != VM_PKG_ISA_A64)
        CHECK(p->kernel.ipa + p->kernel_footprint <= (1ull << 32) &&
              p->dtb.ipa + p->dtb.size <= (1ull << 32));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool reseal = data[0] & 1;
    size_t len = size - 1;
    uint8_t *b = malloc(len ? len : 1);
    if (!b)
        return 0;
    memcpy(b, data + 1, len);
    if (reseal && len >= VM_PKG_HDR_SIZE) {
        /* Checksum over what the header says is the blob, when that fits. */
        uint64_t total = 0;
        for (int i = 7; i >= 0; i--)
            total = total << 8 | b[VM_PKG_HDR_TOTAL + i];
        uint64_t sum = vm_package_checksum(b, total <= len ? (size_t)total : len);
        for (int i = 0; i < 8; i++)
            b[VM_PKG_HDR_CHECKSUM + i] = (uint8_t)(sum >> (8 * i));
    }

    struct vm_package p, again;
    memset(&p, 0xa5, sizeof(p));
    struct vm_package poison = p;
    const char *why = NULL;
    int r = vm_package_parse(b, len, &p, &why);
    if (r == 0) {
        check_accepted(b, len, &p);
        CHECK(vm_package_parse(b, len, &again, NULL) == 0);
        CHECK(memcmp(&p, &again, sizeof(p)) == 0);
    } else {
        CHECK(r == -1 && why && why[0]);
        CHECK(memcmp(&p, &poison, sizeof(p)) == 0);
    }
    free(b);
    return 0;
}
