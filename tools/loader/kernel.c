/*
 * What kind of kernel the file is, and where it goes:
 *  - arm64 Image ("ARM\x64" at 56): at RAM base + text_offset (RAM base is
 *    2 MiB aligned), it claims image_size bytes; Linux arm64 protocol.
 *  - zImage (0x016f2818 at 0x24): at RAM base + 0x8000, inside the first
 *    128 MiB as arm booting.rst asks; Linux arm protocol.
 *  - anything else: a raw image at RAM base, entered at its first byte.
 */
#include <string.h>

#include "loader.h"

#define ZIMAGE_LOAD_OFFSET 0x8000u

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The magic is there, whether or not the whole header is. */
static bool has_arm64_magic(const struct file_buf *k)
{
    return k->size >= ARM64_IMAGE_MAGIC_OFF + 4 &&
           le32(k->data + ARM64_IMAGE_MAGIC_OFF) == ARM64_IMAGE_MAGIC;
}

static bool has_zimage_magic(const struct file_buf *k)
{
    return k->size >= ZIMAGE_MAGIC_OFF + 4 && le32(k->data + ZIMAGE_MAGIC_OFF) == ZIMAGE_MAGIC;
}

static bool is_arm64_image(const struct file_buf *k)
{
    return has_arm64_magic(k) && k->size >= ARM64_IMAGE_HDR_SIZE;
}

static bool is_zimage(const struct file_buf *k)
{
    return has_zimage_magic(k) && k->size >= ZIMAGE_END_OFF + 4;
}

static int plan_arm64_image(struct vm_plan *plan, const struct file_buf *k)
{
    uint64_t flags = le64(k->data + ARM64_IMAGE_FLAGS);
    uint64_t image_size = le64(k->data + ARM64_IMAGE_SIZE);
    uint64_t text = image_size ? le64(k->data + ARM64_IMAGE_TEXT_OFFSET) : ARM64_IMAGE_OLD_TEXT;
    if (flags & 1) {
        loader_error("the arm64 Image is big-endian; armvisor runs little-endian guests");
        return -1;
    }
    if (text % 4096 || text >= plan->ram_size) {
        loader_error("the arm64 Image's text_offset 0x%llx is unusable (not page aligned or "
                     "beyond RAM)",
                     (unsigned long long)text);
        return -1;
    }
    plan->kind = KERNEL_ARM64_IMAGE;
    plan->kernel_ipa = plan->ram_base + text;
    plan->kernel_footprint = image_size > k->size ? image_size : k->size;
    return 0;
}

static int plan_zimage(struct vm_plan *plan, const struct file_buf *k)
{
    uint32_t start = le32(k->data + ZIMAGE_START_OFF), end = le32(k->data + ZIMAGE_END_OFF);
    if (end < start || end - start > k->size) {
        loader_error("the zImage header says it is %u bytes but the file has %zu: truncated?",
                     end - start, k->size);
        return -1;
    }
    plan->kind = KERNEL_ZIMAGE;
    plan->kernel_ipa = plan->ram_base + ZIMAGE_LOAD_OFFSET;
    plan->kernel_footprint = k->size;
    return 0;
}

int kernel_plan(struct vm_plan *plan, const struct file_buf *k, bool want_linux, bool want_raw)
{
    if (k->size == 0) {
        loader_error("the kernel file is empty");
        return -1;
    }
    plan->isa = plan->arch == LOADER_ARM64 ? VM_PKG_ISA_A64 : VM_PKG_ISA_A32;
    plan->kind = KERNEL_RAW;
    plan->kernel_ipa = plan->ram_base;
    plan->kernel_footprint = k->size;

    /* A magic number with the header cut short is a truncated kernel, not a
     * raw image that happens to start the same way. */
    if (has_arm64_magic(k) && !is_arm64_image(k)) {
        loader_error("the kernel has the arm64 Image magic but only %zu bytes of its %u-byte "
                     "header: truncated?",
                     k->size, ARM64_IMAGE_HDR_SIZE);
        return -1;
    }
    if (has_zimage_magic(k) && !is_zimage(k)) {
        loader_error("the kernel has the zImage magic but only %zu bytes of its %u-byte "
                     "header: truncated?",
                     k->size, ZIMAGE_END_OFF + 4);
        return -1;
    }
    if (plan->arch == LOADER_ARM64 && is_zimage(k)) {
        loader_error("the kernel is an ARM zImage (32-bit): use --arch arm");
        return -1;
    }
    if (plan->arch == LOADER_ARM && is_arm64_image(k)) {
        loader_error("the kernel is an arm64 Image: use --arch arm64");
        return -1;
    }
    if (plan->arch == LOADER_ARM64 && is_arm64_image(k) && plan_arm64_image(plan, k) != 0)
        return -1;
    if (plan->arch == LOADER_ARM && is_zimage(k) && plan_zimage(plan, k) != 0)
        return -1;
    plan->entry = plan->kernel_ipa;

    if (want_raw) {
        plan->protocol = VM_PKG_BOOT_RAW;
    } else if (plan->arch == LOADER_ARM64) {
        if (want_linux && plan->kind != KERNEL_ARM64_IMAGE) {
            loader_error("--protocol linux on arm64 needs an arm64 Image (no \"ARM\\x64\" magic "
                         "at offset 56 of the kernel)");
            return -1;
        }
        plan->protocol =
            plan->kind == KERNEL_ARM64_IMAGE ? VM_PKG_BOOT_LINUX_ARM64 : VM_PKG_BOOT_RAW;
    } else {
        /* An uncompressed arm Image has no header: --protocol linux says so. */
        plan->protocol =
            (want_linux || plan->kind == KERNEL_ZIMAGE) ? VM_PKG_BOOT_LINUX_ARM : VM_PKG_BOOT_RAW;
    }
    return 0;
}
