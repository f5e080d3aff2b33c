/*
 * The guest machine every VM sees: QEMU's "virt" board layout (QEMU
 * hw/arm/virt.c memory map and interrupt assignment), so guests and device
 * trees written for QEMU virt run unchanged. One header for the loader
 * (tools/loader, which describes it in the guest DTB), the core (which
 * builds it) and the tests. Addresses are guest IPAs; INTIDs are GIC
 * interrupt IDs (SPI n is INTID 32 + n, PPI n is INTID 16 + n; ARM IHI
 * 0048B 2.2.1).
 */
#ifndef CORE_VIRT_LAYOUT_H
#define CORE_VIRT_LAYOUT_H

/* RAM: from 1 GiB up; every device lives below it. */
#define VIRT_RAM_BASE 0x40000000ull

/* GICv2: distributor and CPU interface, 64 KiB each in the DTB. */
#define VIRT_GICD_BASE 0x08000000ull
#define VIRT_GICD_SIZE 0x10000ull
#define VIRT_GICC_BASE 0x08010000ull
#define VIRT_GICC_SIZE 0x10000ull

/* The architected timer's PPIs (Arm ARM D11.2.4, QEMU virt's DTB): secure
 * and non-secure physical, virtual, hypervisor. */
#define VIRT_TIMER_PPI_SEC  13u
#define VIRT_TIMER_PPI_PHYS 14u
#define VIRT_TIMER_PPI_VIRT 11u /* INTID 27 */
#define VIRT_TIMER_PPI_HYP  10u

/* The PMU's overflow interrupt (Arm BSA PPI map, QEMU virt's /pmu node):
 * PPI 7, INTID 23. */
#define VIRT_PMU_PPI 7u

/* PL011 UART (ARM DDI 0183) with its 24 MHz APB clock, on SPI 1. */
#define VIRT_PL011_BASE  0x09000000ull
#define VIRT_PL011_SIZE  0x1000ull
#define VIRT_PL011_SPI   1u
#define VIRT_PL011_INTID (32u + VIRT_PL011_SPI)
#define VIRT_APB_PCLK_HZ 24000000u

/* virtio-mmio transports (virtio spec 4.2): VIRT_VIRTIO_COUNT windows of
 * VIRT_VIRTIO_SIZE bytes from VIRT_VIRTIO_BASE; transport n raises SPI
 * VIRT_VIRTIO_SPI + n. */
#define VIRT_VIRTIO_BASE     0x0a000000ull
#define VIRT_VIRTIO_SIZE     0x200ull
#define VIRT_VIRTIO_COUNT    32u
#define VIRT_VIRTIO_SPI      16u
#define VIRT_VIRTIO_INTID(n) (32u + VIRT_VIRTIO_SPI + (n))

/* SPIs the guest's distributor implements (GICD_TYPER.ITLinesNumber 3:
 * INTIDs 32-127); a device's SPI is below it. */
#define VIRT_SPI_COUNT 96u

#endif
