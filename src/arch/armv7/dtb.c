/*
 * The RAM bank the ARMv7 port runs in, from the boot DTB (the rest of what
 * the DTB says is read by the shared boot flow, arch/boot/dtb_probe.c).
 */
#include "arch/armv7/armv7.h"
#include "lib/log.h"

#define MAX_BANKS 8

int armv7_ram_bank(const struct fdt *fdt, uint64_t *base, uint64_t *size)
{
    struct fdt_range banks[MAX_BANKS];
    int n = fdt_memory(fdt, banks, MAX_BANKS);
    if (n <= 0) {
        log_err("DTB has no memory node (%d)\n", n);
        return n < 0 ? n : FDT_ENOTFOUND;
    }
    uint64_t image = (uint64_t)(uintptr_t)__image_start;
    *size = 0;
    for (int i = 0; i < n && i < MAX_BANKS; i++) {
        if (image >= banks[i].base && image - banks[i].base < banks[i].size) {
            *base = banks[i].base;
            *size = banks[i].size;
        }
    }
    if (!*size) {
        log_err("no DTB memory bank holds the image at 0x%llx\n", (unsigned long long)image);
        return FDT_ENOTFOUND;
    }
    return 0;
}
