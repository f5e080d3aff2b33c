/*
 * What the hypervisor reads from the host DTB before it can run a guest
 * (boot.h): the initrd, the PSCI conduit, the console PL011, the GICv2's
 * four ranges and the CPUs, with the shared FDT reader (lib/fdt.h).
 */
#include "arch/boot/boot.h"
#include "lib/log.h"
#include "lib/verdict.h"

unsigned boot_dtb_intid(const struct fdt *fdt, int node)
{
    uint32_t len;
    const uint8_t *p = fdt_getprop(fdt, node, "interrupts", &len);
    if (!p || len < 12)
        return 0;
    uint64_t type = fdt_read_cells(p, 1), num = fdt_read_cells(p + 4, 1);
    if (type == 0 && num < 988) /* SPIs are INTIDs 32-1019 */
        return (unsigned)num + 32;
    if (type == 1 && num < 16) /* PPIs are INTIDs 16-31 */
        return (unsigned)num + 16;
    return 0;
}

/* /chosen stdout-path if it is an enabled PL011, else the first enabled
 * "arm,pl011"; 0 when there is none. Its interrupt into *intid (0: none). */
static uint64_t find_uart(const struct fdt *fdt, unsigned *intid)
{
    int n = fdt_chosen_stdout(fdt);
    if (n < 0 || !fdt_is_compatible(fdt, n, "arm,pl011") || !fdt_node_enabled(fdt, n)) {
        for (n = fdt_node_by_compatible(fdt, -1, "arm,pl011"); n >= 0;
             n = fdt_node_by_compatible(fdt, n, "arm,pl011"))
            if (fdt_node_enabled(fdt, n))
                break;
    }
    uint64_t base;
    if (n >= 0 && fdt_reg(fdt, n, 0, &base, NULL) == 0) {
        *intid = boot_dtb_intid(fdt, n);
        return base;
    }
    return 0;
}

static bool str_is(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* The /psci node's "method" (Arm DEN0022; Linux psci.yaml binding). */
static enum boot_psci find_psci(const struct fdt *fdt)
{
    int n = fdt_node_by_compatible(fdt, -1, "arm,psci-0.2");
    if (n < 0)
        n = fdt_node_by_compatible(fdt, -1, "arm,psci");
    const char *method = n >= 0 ? fdt_getprop_str(fdt, n, "method") : NULL;
    if (method && str_is(method, "smc"))
        return BOOT_PSCI_SMC;
    if (method && str_is(method, "hvc"))
        return BOOT_PSCI_HVC;
    return BOOT_PSCI_NONE;
}

/* The GICv2 (QEMU virt with virtualization=on: "arm,cortex-a15-gic" with
 * GICD, GICC, GICH and GICV ranges; IHI0048B). */
static void find_gic(const struct fdt *fdt, struct boot_info *bi)
{
    static const char *const compat[] = {"arm,cortex-a15-gic", "arm,gic-400"};
    int n = -1;
    for (unsigned i = 0; i < sizeof(compat) / sizeof(compat[0]) && n < 0; i++)
        n = fdt_node_by_compatible(fdt, -1, compat[i]);
    if (n < 0)
        return;
    uint64_t *base[] = {&bi->gic.gicd, &bi->gic.gicc, &bi->gic.gich, &bi->gic.gicv};
    for (unsigned i = 0; i < 4; i++) {
        uint64_t size;
        if (fdt_reg(fdt, n, i, base[i], &size) != 0)
            return;
        bi->gic_ranges = i + 1;
        if (i == 3)
            bi->gic.gicv_size = size;
    }
}

bool boot_dtb_open(struct boot_info *bi, uint64_t dtb_pa, uint64_t avail)
{
    *bi = (struct boot_info){.dtb_pa = dtb_pa};
    /* The pointer comes from the boot loader: a zero or misaligned one is
     * not dereferenced at all. */
    if (dtb_pa == 0 || (dtb_pa & 7))
        return false;
    const void *blob = (const void *)(uintptr_t)dtb_pa;
    uint32_t size = fdt_header_size(blob);
    if (size == 0 || size > BOOT_DTB_MAX_SIZE || size > avail)
        return false;
    if (fdt_init(&bi->fdt, blob, size) != 0)
        return false;

    const struct fdt *fdt = &bi->fdt;
    int rc = fdt_chosen_initrd(fdt, &bi->initrd_start, &bi->initrd_end);
    bi->initrd_bad = rc == FDT_EBADVALUE;
    bi->initrd = rc == 0 && bi->initrd_end > bi->initrd_start;
    bi->psci = find_psci(fdt);
    bi->uart_base = find_uart(fdt, &bi->uart_intid);
    find_gic(fdt, bi);
    bi->ncpus = fdt_cpus(fdt, bi->cpu_mpidr, BOOT_MAX_CPUS);
    bi->bootargs = fdt_chosen_bootargs(fdt);
    verdict_set_token(bi->bootargs);
    return true;
}

void boot_gic_init(const struct boot_info *bi, uint64_t pa_limit)
{
    if (bi->ncpus > 0)
        log_info("%d CPU(s) in the DTB\n", bi->ncpus);
    else
        log_warn("no CPUs in the DTB (%d)\n", bi->ncpus);
    if (bi->gic_ranges == 0) {
        log_info("no GICv2 in the DTB: guests get no interrupts\n");
        return;
    }
    log_info("GICv2: distributor 0x%llx, CPU interface 0x%llx\n", (unsigned long long)bi->gic.gicd,
             (unsigned long long)bi->gic.gicc);
    if (bi->gic_ranges < 4) {
        log_info("the GICv2 has no virtualization extensions (GICH/GICV) in the DTB: guests "
                 "get no interrupts\n");
        return;
    }
    const struct gicv2_ranges *r = &bi->gic;
    uint64_t top = r->gicd | r->gicc | r->gich | (r->gicv + r->gicv_size - 1);
    if (top > pa_limit) {
        log_warn("GICV 0x%llx+0x%llx cannot hold the guest's CPU interface: no vGIC\n",
                 (unsigned long long)r->gicv, (unsigned long long)r->gicv_size);
        return;
    }
    gicv2_init(r);
    /* Console input by interrupt: the UART's line at the GIC, then the
     * UART's own receive interrupts (each port's UART code). */
    if (bi->uart_base && bi->uart_intid && gicv2_console_irq(bi->uart_intid))
        boot_uart_rx_irq_on();
}
