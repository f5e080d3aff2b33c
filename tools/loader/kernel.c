/*
 * What kind of kernel the file is, where it goes and which protocol boots
 * it, as QEMU's -kernel (hw/arm/boot.c) does with each kind:
 *  - ELF ("\177ELF"): flattened at its program headers' physical addresses
 *    (elf.c), entered at e_entry; not a Linux kernel, so registers zero.
 *  - arm64 Image ("ARM\x64" at 56): at RAM base + text_offset (RAM base is
 *    2 MiB aligned), it claims image_size bytes; Linux arm64 protocol.
 *  - zImage (0x016f2818 at 0x24): at RAM base + 0x8000, inside the first
 *    128 MiB as arm booting.rst asks; Linux arm protocol.
 *  - anything else, a raw image: at RAM base + 0x80000 (arm64) or + 0x10000
 *    (arm), entered at its first byte, with the Linux registers (QEMU takes
 *    a raw image to be a Linux kernel).
 * --protocol overrides the protocol of any kind; --load-addr and --entry
 * place a raw image (the other kinds say where they go themselves).
 */
#include <string.h>

#include "loader.h"

#define ZIMAGE_LOAD_OFFSET  0x8000u
#define RAW_A64_LOAD_OFFSET 0x80000u /* QEMU KERNEL64_LOAD_ADDR */
#define RAW_A32_LOAD_OFFSET 0x10000u /* QEMU KERNEL_LOAD_ADDR */

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

/* --load-addr / --entry for a raw image: inside RAM (layout_plan checks the
 * whole image fits), the entry inside the image and aligned. */
static int plan_raw(struct vm_plan *plan, const struct file_buf *k, const struct kernel_opts *o)
{
    uint64_t ram_end = plan->ram_base + plan->ram_size;
    if (o->has_load_addr) {
        if (o->load_addr < plan->ram_base || o->load_addr >= ram_end || o->load_addr % 4) {
            loader_error("--load-addr 0x%llx: want a 4-byte aligned address in guest RAM "
                         "(0x%llx-0x%llx)",
                         (unsigned long long)o->load_addr, (unsigned long long)plan->ram_base,
                         (unsigned long long)(ram_end - 1));
            return -1;
        }
        plan->kernel_ipa = o->load_addr;
    }
    plan->entry = plan->kernel_ipa;
    if (o->has_entry) {
        unsigned align = plan->arch == LOADER_ARM64 ? 4 : 2;
        if (o->entry < plan->kernel_ipa || o->entry - plan->kernel_ipa >= k->size ||
            o->entry % align) {
            loader_error("--entry 0x%llx: want an address inside the image (0x%llx, %zu bytes), "
                         "%u-byte aligned",
                         (unsigned long long)o->entry, (unsigned long long)plan->kernel_ipa,
                         k->size, align);
            return -1;
        }
        plan->entry = o->entry;
        /* An A32 entry that is only 2-byte aligned can only be Thumb. */
        if (plan->arch == LOADER_ARM && o->entry % 4)
            plan->isa = VM_PKG_ISA_T32;
    }
    return 0;
}

int kernel_plan(struct vm_plan *plan, struct file_buf *k, const struct kernel_opts *o)
{
    if (k->size == 0) {
        loader_error("the kernel file is empty");
        return -1;
    }
    plan->isa = plan->arch == LOADER_ARM64 ? VM_PKG_ISA_A64 : VM_PKG_ISA_A32;
    plan->kind = KERNEL_RAW;
    plan->kernel_ipa =
        plan->ram_base + (plan->arch == LOADER_ARM64 ? RAW_A64_LOAD_OFFSET : RAW_A32_LOAD_OFFSET);
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
    bool elf = elf_is_elf(k);
    bool raw = !elf && !(plan->arch == LOADER_ARM64 && is_arm64_image(k)) &&
               !(plan->arch == LOADER_ARM && is_zimage(k));
    if (!raw && (o->has_load_addr || o->has_entry)) {
        loader_error("--load-addr and --entry are for raw images; this kernel is %s, which says "
                     "where it goes itself",
                     elf ? "an ELF file" : "a Linux image");
        return -1;
    }
    if (elf) {
        if (elf_plan(plan, k) != 0)
            return -1;
    } else if (!raw) {
        if (plan->arch == LOADER_ARM64 ? plan_arm64_image(plan, k) : plan_zimage(plan, k))
            return -1;
        plan->entry = plan->kernel_ipa;
    } else if (plan_raw(plan, k, o) != 0) {
        return -1;
    }

    /* QEMU's defaults: an ELF file is not a Linux kernel, everything else is. */
    bool linux_regs =
        o->protocol == KERNEL_PROTO_DEFAULT ? !elf : o->protocol == KERNEL_PROTO_LINUX;
    if (!linux_regs)
        plan->protocol = VM_PKG_BOOT_RAW;
    else if (plan->arch == LOADER_ARM64)
        plan->protocol = VM_PKG_BOOT_LINUX_ARM64;
    else if (plan->isa != VM_PKG_ISA_A32) {
        loader_error("the Linux arm protocol enters in A32, and this kernel's entry is Thumb");
        return -1;
    } else
        plan->protocol = VM_PKG_BOOT_LINUX_ARM;
    return 0;
}
