/*
 * The boot flow the ARMv7 and ARMv8 ports share, from a DTB in a register
 * to a running guest: open the host DTB, read what the hypervisor needs
 * from it (dtb_probe.c), set the host GICv2 up, and launch the guest the
 * boot loader put in the initrd (guest.c): a VM package (docs/vm-package.md)
 * or a bare arm64 Image or zImage. Each port's main.c runs these steps in its own order and
 * supplies only what differs (struct boot_arch). Not part of the arch
 * interface: only arch code includes this header.
 */
#ifndef ARCH_BOOT_BOOT_H
#define ARCH_BOOT_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/gicv2/gicv2.h"
#include "core/launch.h"
#include "lib/fdt.h"

/* Largest DTB accepted (Linux booting.rst: the DTB must not exceed 2 MiB). */
#define BOOT_DTB_MAX_SIZE (2u << 20)

/* CPU nodes read from the DTB (PCPU_MAX, core/pcpu.h, is the same). */
#define BOOT_MAX_CPUS 8

/* How the firmware below the hypervisor is called (the /psci node). */
enum boot_psci { BOOT_PSCI_NONE, BOOT_PSCI_SMC, BOOT_PSCI_HVC };

/* What the host DTB says, apart from RAM (each port's memory code reads
 * the banks it needs). */
struct boot_info {
    struct fdt fdt;
    uint64_t dtb_pa;
    bool initrd;                       /* /chosen linux,initrd-start/end, non-empty */
    bool initrd_bad;                   /* ... present but malformed */
    uint64_t initrd_start, initrd_end; /* the guest image */
    enum boot_psci psci;
    uint64_t uart_base;  /* the console PL011 (stdout-path or first enabled), 0: none */
    unsigned uart_intid; /* its interrupt at the GIC (its "interrupts"), 0: none */
    unsigned gic_ranges; /* how many of GICD, GICC, GICH, GICV the GICv2 node gives */
    struct gicv2_ranges gic;
    int ncpus;           /* CPU nodes (negative: an FDT error) */
    uint64_t cpu_mpidr[BOOT_MAX_CPUS]; /* the first BOOT_MAX_CPUS nodes' reg (MPIDR) */
    const char *bootargs; /* /chosen bootargs, NULL if none */
};

/* The INTID of a node's first interrupt in the GIC binding's three cells
 * (Linux arm,gic.yaml: type 0 SPI / 1 PPI, number, flags); 0 when it has
 * none or one in another form. */
unsigned boot_dtb_intid(const struct fdt *fdt, int node);

/* Open the DTB at physical (= hypervisor virtual) address dtb_pa, reading
 * at most avail bytes, and probe it into bi. False (nothing dereferenced)
 * for a zero or misaligned pointer, a header that is not a DTB or one
 * larger than BOOT_DTB_MAX_SIZE or avail. */
bool boot_dtb_open(struct boot_info *bi, uint64_t dtb_pa, uint64_t avail);

/* Log the GIC and CPUs found; set the host GICv2 up when the DTB gives all
 * four ranges below pa_limit (else guests get no interrupts), with the
 * console UART's receive interrupt on when the DTB names its line. */
void boot_gic_init(const struct boot_info *bi, uint64_t pa_limit);

/* Per-port glue (its UART code): unmask the console PL011's receive and
 * receive-timeout interrupts (UARTIMSC.RXIM, RTIM; PL011 TRM 3.3.10), so
 * typed input raises ARCH_IRQ_CONSOLE. */
void boot_uart_rx_irq_on(void);

/* What the launch needs from the port. */
struct boot_arch {
    bool a64; /* the CPU runs A64 guests (else A64 images and packages are
                 refused) */
    /* The hypervisor can read [pa, pa+len) through its own map. */
    bool (*pa_usable)(uint64_t pa, uint64_t len);
    /* Bytes the page pool has free now (guest RAM and its stage-2 tables
     * come from it; the core keeps VM_HOST_RAM_SLACK of it for tables). */
    uint64_t (*host_ram_free)(void);
    /* Optional: run a bare image another way (armv8's two-VM self-test);
     * returns true and *code when it did. */
    bool (*run_raw)(const struct boot_info *bi, const struct guest_desc *g, int *code);
};

/* Launch the guest in the initrd and halt with its exit code: halts with
 * HALT_NO_GUEST without one, HALT_REFUSED when it cannot be run (an
 * initrd that is neither a package nor an arm64 Image or zImage included).
 * A bare Image runs in A64 at 0x40000000 + text_offset, a zImage in A32 at
 * 0x40000000, with 128 MiB of RAM (less if the pool has less). */
_Noreturn void boot_run_guest(const struct boot_info *bi, const struct boot_arch *arch);

#endif
