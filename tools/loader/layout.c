/*
 * Where the initrd and the DTB go, as QEMU's hw/arm/boot.c places them for
 * a kernel it boots itself: the initrd at RAM base + min(RAM / 2, 128 MiB)
 * or after the kernel if that is higher; the DTB after the initrd, aligned
 * to 2 MiB for arm64 (early arm64 kernels map the DTB's whole 2 MiB block)
 * and to 4 KiB for arm (some arm kernels trash the rest of the page the
 * initrd ends in).
 */
#include "loader.h"

#define INITRD_MAX_OFFSET (128ull << 20)

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

int layout_plan(struct vm_plan *plan)
{
    uint64_t ram_end = plan->ram_base + plan->ram_size;
    uint64_t kernel_end = plan->kernel_ipa + plan->kernel_footprint;
    if (kernel_end > ram_end || kernel_end < plan->kernel_ipa) {
        loader_error("the kernel (%llu bytes at 0x%llx) does not fit in %llu MiB of RAM",
                     (unsigned long long)plan->kernel_footprint,
                     (unsigned long long)plan->kernel_ipa,
                     (unsigned long long)(plan->ram_size >> 20));
        return -1;
    }
    uint64_t half = plan->ram_size / 2;
    uint64_t initrd = plan->ram_base + (half < INITRD_MAX_OFFSET ? half : INITRD_MAX_OFFSET);
    if (initrd < kernel_end)
        initrd = kernel_end;
    initrd = align_up(initrd, 4096);
    if (initrd + plan->initrd_size > ram_end) {
        loader_error("the initrd (%llu bytes at 0x%llx) does not fit in %llu MiB of RAM",
                     (unsigned long long)plan->initrd_size, (unsigned long long)initrd,
                     (unsigned long long)(plan->ram_size >> 20));
        return -1;
    }
    plan->initrd_ipa = plan->initrd_size ? initrd : 0;
    uint64_t align = plan->arch == LOADER_ARM64 ? ARM64_IMAGE_ALIGN : 4096;
    plan->dtb_ipa = align_up(initrd + plan->initrd_size, align);
    /* Checked again with the DTB's real size once it is built. */
    if (plan->dtb_ipa >= ram_end) {
        loader_error("no room for the DTB at 0x%llx in %llu MiB of RAM",
                     (unsigned long long)plan->dtb_ipa, (unsigned long long)(plan->ram_size >> 20));
        return -1;
    }
    return 0;
}
