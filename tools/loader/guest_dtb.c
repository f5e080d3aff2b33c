/*
 * The guest's device tree, written with libfdt's sequential-write API. It
 * describes the machine armvisor emulates in the terms of QEMU's virt board
 * (hw/arm/virt.c), so a kernel that boots on "-M virt" finds the same
 * nodes: RAM, the CPUs with PSCI (HVC conduit: armvisor answers it), the
 * architected timer, a GICv2, the PL011 with its APB clock, /chosen, and a
 * virtio-mmio transport for each virtio device of the list (devices.c: the
 * virtio-console of --console virtio, one virtio-blk per --disk).
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

#define DTB_BUF_SIZE (64u * 1024)

#define PHANDLE_CLK 0x8000u
#define PHANDLE_GIC 0x8001u

/* Interrupt specifiers of the GIC binding (arm,gic.yaml): type, number,
 * flags; PPI flags carry a CPU mask in bits 15:8 on GICv2. */
#define GIC_SPI            0u
#define GIC_PPI            1u
#define IRQ_LEVEL_HIGH     4u
#define PPI_CPU_MASK_SHIFT 8u

/* Architected timer PPIs: secure phys, non-secure phys, virtual, hyp. */
static const uint32_t timer_ppis[4] = {VIRT_TIMER_PPI_SEC, VIRT_TIMER_PPI_PHYS, VIRT_TIMER_PPI_VIRT,
                                       VIRT_TIMER_PPI_HYP};

#define TRY(call)                                                                                  \
    do {                                                                                           \
        int err_ = (call);                                                                         \
        if (err_ < 0) {                                                                            \
            loader_error("building the DTB: %s: %s", #call, fdt_strerror(err_));                   \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)

static int prop_cells(void *fdt, const char *name, const uint32_t *cells, unsigned n)
{
    fdt32_t v[16];
    for (unsigned i = 0; i < n && i < 16; i++)
        v[i] = cpu_to_fdt32(cells[i]);
    return fdt_property(fdt, name, v, (int)(n * sizeof(fdt32_t)));
}

/* reg with #address-cells = #size-cells = 2. */
static int prop_reg2(void *fdt, const uint64_t *addr_size, unsigned pairs)
{
    uint32_t c[8];
    for (unsigned i = 0; i < pairs * 2 && i < 4; i++) {
        c[2 * i] = (uint32_t)(addr_size[i] >> 32);
        c[2 * i + 1] = (uint32_t)addr_size[i];
    }
    return prop_cells(fdt, "reg", c, pairs * 4);
}

/* A list of strings: "a\0b\0". */
static int prop_strings(void *fdt, const char *name, const char *const *s, unsigned n)
{
    char buf[256];
    size_t len = 0;
    for (unsigned i = 0; i < n; i++) {
        size_t l = strlen(s[i]) + 1;
        if (len + l > sizeof(buf))
            return -FDT_ERR_NOSPACE;
        memcpy(buf + len, s[i], l);
        len += l;
    }
    return fdt_property(fdt, name, buf, (int)len);
}

int guest_dtb_build(const struct vm_plan *plan, struct file_buf *out)
{
    bool a64 = plan->arch == LOADER_ARM64;
    void *fdt = calloc(1, DTB_BUF_SIZE);
    char name[64];
    if (!fdt) {
        loader_error("out of memory");
        return -1;
    }
    TRY(fdt_create(fdt, DTB_BUF_SIZE));
    TRY(fdt_finish_reservemap(fdt));
    TRY(fdt_begin_node(fdt, ""));
    TRY(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
    TRY(fdt_property_string(fdt, "model", "armvisor virt"));
    TRY(fdt_property_cell(fdt, "#address-cells", 2));
    TRY(fdt_property_cell(fdt, "#size-cells", 2));
    TRY(fdt_property_cell(fdt, "interrupt-parent", PHANDLE_GIC));

    TRY(fdt_begin_node(fdt, "chosen"));
    if (plan->cmdline)
        TRY(fdt_property_string(fdt, "bootargs", plan->cmdline));
    snprintf(name, sizeof(name), "/pl011@%llx", (unsigned long long)VIRT_PL011_BASE);
    TRY(fdt_property_string(fdt, "stdout-path", name));
    if (plan->initrd_size) {
        TRY(fdt_property_u64(fdt, "linux,initrd-start", plan->initrd_ipa));
        TRY(fdt_property_u64(fdt, "linux,initrd-end", plan->initrd_ipa + plan->initrd_size));
    }
    TRY(fdt_end_node(fdt));

    snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)plan->ram_base);
    TRY(fdt_begin_node(fdt, name));
    TRY(fdt_property_string(fdt, "device_type", "memory"));
    uint64_t mem[2] = {plan->ram_base, plan->ram_size};
    TRY(prop_reg2(fdt, mem, 1));
    TRY(fdt_end_node(fdt));

    TRY(fdt_begin_node(fdt, "cpus"));
    TRY(fdt_property_cell(fdt, "#address-cells", 1));
    TRY(fdt_property_cell(fdt, "#size-cells", 0));
    for (unsigned i = 0; i < plan->ncpus; i++) {
        snprintf(name, sizeof(name), "cpu@%u", i);
        TRY(fdt_begin_node(fdt, name));
        TRY(fdt_property_string(fdt, "device_type", "cpu"));
        TRY(fdt_property_string(fdt, "compatible", a64 ? "arm,cortex-a57" : "arm,cortex-a15"));
        TRY(fdt_property_cell(fdt, "reg", i)); /* MPIDR Aff0 = vCPU index (vcpu.c) */
        TRY(fdt_property_string(fdt, "enable-method", "psci"));
        TRY(fdt_end_node(fdt));
    }
    TRY(fdt_end_node(fdt));

    TRY(fdt_begin_node(fdt, "psci"));
    static const char *const psci[] = {"arm,psci-1.0", "arm,psci-0.2"};
    TRY(prop_strings(fdt, "compatible", psci, 2));
    TRY(fdt_property_string(fdt, "method", "hvc"));
    TRY(fdt_end_node(fdt));

    TRY(fdt_begin_node(fdt, "timer"));
    TRY(fdt_property_string(fdt, "compatible", a64 ? "arm,armv8-timer" : "arm,armv7-timer"));
    uint32_t ppi_flags = IRQ_LEVEL_HIGH | ((1u << plan->ncpus) - 1) << PPI_CPU_MASK_SHIFT;
    uint32_t irqs[12];
    for (unsigned i = 0; i < 4; i++) {
        irqs[3 * i] = GIC_PPI;
        irqs[3 * i + 1] = timer_ppis[i];
        irqs[3 * i + 2] = ppi_flags;
    }
    TRY(prop_cells(fdt, "interrupts", irqs, 12));
    TRY(fdt_property(fdt, "always-on", NULL, 0));
    TRY(fdt_end_node(fdt));

    snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)VIRT_GICD_BASE);
    TRY(fdt_begin_node(fdt, name));
    TRY(fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic"));
    TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
    TRY(fdt_property_cell(fdt, "#interrupt-cells", 3));
    TRY(fdt_property_cell(fdt, "#address-cells", 0)); /* no interrupt-map children */
    uint64_t gic[4] = {VIRT_GICD_BASE, VIRT_GICD_SIZE, VIRT_GICC_BASE, VIRT_GICC_SIZE};
    TRY(prop_reg2(fdt, gic, 2));
    TRY(fdt_property_cell(fdt, "phandle", PHANDLE_GIC));
    TRY(fdt_end_node(fdt));

    TRY(fdt_begin_node(fdt, "apb-pclk"));
    TRY(fdt_property_string(fdt, "compatible", "fixed-clock"));
    TRY(fdt_property_cell(fdt, "#clock-cells", 0));
    TRY(fdt_property_cell(fdt, "clock-frequency", VIRT_APB_PCLK_HZ));
    TRY(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
    TRY(fdt_property_cell(fdt, "phandle", PHANDLE_CLK));
    TRY(fdt_end_node(fdt));

    snprintf(name, sizeof(name), "pl011@%llx", (unsigned long long)VIRT_PL011_BASE);
    TRY(fdt_begin_node(fdt, name));
    static const char *const uart_compat[] = {"arm,pl011", "arm,primecell"};
    TRY(prop_strings(fdt, "compatible", uart_compat, 2));
    uint64_t uart[2] = {VIRT_PL011_BASE, VIRT_PL011_SIZE};
    TRY(prop_reg2(fdt, uart, 1));
    uint32_t uart_irq[3] = {GIC_SPI, VIRT_PL011_SPI, IRQ_LEVEL_HIGH};
    TRY(prop_cells(fdt, "interrupts", uart_irq, 3));
    uint32_t clocks[2] = {PHANDLE_CLK, PHANDLE_CLK};
    TRY(prop_cells(fdt, "clocks", clocks, 2));
    static const char *const clock_names[] = {"uartclk", "apb_pclk"};
    TRY(prop_strings(fdt, "clock-names", clock_names, 2));
    TRY(fdt_end_node(fdt));

    /* Each virtio-mmio transport of the device list, as QEMU virt
     * describes its transports (Linux's virtio,mmio binding): the
     * virtio-console, the disks. */
    for (unsigned i = 0; i < plan->ndevices; i++) {
        const struct vm_device *d = &plan->devices[i];
        if (d->kind != VM_DEV_VIRTIO_CONSOLE && d->kind != VM_DEV_VIRTIO_BLK)
            continue;
        snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)d->base);
        TRY(fdt_begin_node(fdt, name));
        TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
        uint64_t vio[2] = {d->base, d->size};
        TRY(prop_reg2(fdt, vio, 1));
        uint32_t vio_irq[3] = {GIC_SPI, d->spi, IRQ_LEVEL_HIGH};
        TRY(prop_cells(fdt, "interrupts", vio_irq, 3));
        TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
        TRY(fdt_end_node(fdt));
    }

    TRY(fdt_end_node(fdt)); /* root */
    TRY(fdt_finish(fdt));
    TRY(fdt_check_header(fdt));
    out->data = fdt;
    out->size = fdt_totalsize(fdt);
    return 0;
fail:
    free(fdt);
    return -1;
}
