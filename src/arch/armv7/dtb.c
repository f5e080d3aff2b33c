/*
 * What the ARMv7 port needs from the boot DTB, read with the shared FDT
 * reader (lib/fdt.h): the RAM bank holding the image, the initrd (our
 * guest image), the PSCI conduit, the console UART and the GIC.
 */
#include <string.h>

#include "arch/armv7/armv7.h"
#include "lib/fdt.h"
#include "lib/log.h"

#define MAX_BANKS 8

static void find_uart(const struct fdt *fdt, struct armv7_boot_info *bi)
{
    int node = fdt_chosen_stdout(fdt);
    if (node < 0 || !fdt_is_compatible(fdt, node, "arm,pl011"))
        node = fdt_node_by_compatible(fdt, -1, "arm,pl011");
    uint64_t base, size;
    if (node >= 0 && fdt_reg(fdt, node, 0, &base, &size) == 0)
        bi->uart_base = base;
}

/* The GICv2 (QEMU virt with virtualization=on: "arm,cortex-a15-gic" with
 * GICD, GICC, GICH and GICV ranges; IHI0048B). */
static void find_gic(const struct fdt *fdt, struct armv7_boot_info *bi)
{
    static const char *const compat[] = {"arm,cortex-a15-gic", "arm,gic-400"};
    int n = -1;
    for (unsigned i = 0; i < sizeof(compat) / sizeof(compat[0]) && n < 0; i++)
        n = fdt_node_by_compatible(fdt, -1, compat[i]);
    if (n < 0)
        return;
    uint64_t *base[] = {&bi->gicd, &bi->gicc, &bi->gich, &bi->gicv};
    for (unsigned i = 0; i < 4; i++) {
        uint64_t size;
        if (fdt_reg(fdt, n, i, base[i], &size) != 0)
            return;
        bi->gic_ranges = i + 1;
        if (i == 3)
            bi->gicv_size = size;
    }
}

int armv7_dtb_read(uint32_t dtb, uint64_t avail, struct armv7_boot_info *bi)
{
    struct fdt fdt;
    memset(bi, 0, sizeof(*bi));
    const void *blob = (const void *)(uintptr_t)dtb;
    int rc = fdt_init(&fdt, blob, (size_t)avail);
    if (rc < 0) {
        log_err("no usable DTB at 0x%x (r2): fdt error %d\n", dtb, rc);
        return rc;
    }
    bi->dtb_size = fdt.totalsize;

    struct fdt_range banks[MAX_BANKS];
    int n = fdt_memory(&fdt, banks, MAX_BANKS);
    if (n <= 0) {
        log_err("DTB has no memory node (%d)\n", n);
        return n < 0 ? n : FDT_ENOTFOUND;
    }
    uint64_t image = (uint64_t)(uintptr_t)__image_start;
    for (int i = 0; i < n && i < MAX_BANKS; i++) {
        if (image >= banks[i].base && image - banks[i].base < banks[i].size) {
            bi->ram_base = banks[i].base;
            bi->ram_size = banks[i].size;
        }
    }
    if (!bi->ram_size) {
        log_err("no DTB memory bank holds the image at 0x%llx\n", (unsigned long long)image);
        return FDT_ENOTFOUND;
    }

    rc = fdt_chosen_initrd(&fdt, &bi->initrd_start, &bi->initrd_end);
    bi->initrd = rc == 0 && bi->initrd_end > bi->initrd_start;

    int psci = fdt_node_by_compatible(&fdt, -1, "arm,psci-0.2");
    if (psci < 0)
        psci = fdt_node_by_compatible(&fdt, -1, "arm,psci");
    const char *method = psci >= 0 ? fdt_getprop_str(&fdt, psci, "method") : NULL;
    bi->psci_smc = method && strcmp(method, "smc") == 0;

    find_uart(&fdt, bi);
    find_gic(&fdt, bi);
    return 0;
}
