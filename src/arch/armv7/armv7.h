/* Between the files of the ARMv7 port only (core never sees this). */
#ifndef ARCH_ARMV7_ARMV7_H
#define ARCH_ARMV7_ARMV7_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"

/* What the boot DTB tells us (dtb.c). */
struct armv7_boot_info {
    uint64_t ram_base, ram_size; /* the RAM bank holding the image */
    uint32_t dtb_size;
    bool initrd; /* /chosen linux,initrd-start/end present */
    uint64_t initrd_start, initrd_end;
    bool psci_smc;      /* /psci method = "smc": we can power off */
    uint64_t uart_base; /* /chosen stdout-path PL011, 0 if none */
    /* The GICv2 node's four ranges: GICD, GICC, GICH, GICV (gic_ranges =
     * how many the DTB gives; the vGIC needs all four). */
    unsigned gic_ranges;
    uint64_t gicd, gicc, gich, gicv, gicv_size;
};

/* Read the DTB at PA dtb, of which at most avail bytes may be read.
 * 0 on success; a negative code (printed) otherwise. */
int armv7_dtb_read(uint32_t dtb, uint64_t avail, struct armv7_boot_info *bi);

/* Hyp stage-1 MMU (hyp_mmu.c). */
void armv7_hyp_mmu_init(void);
void armv7_hyp_mmu_limit(uint64_t ram_base, uint64_t ram_end);

/* Physical memory pool over RAM (mem.c); reserve before the first alloc. */
void armv7_mem_init(uint64_t ram_base, uint64_t ram_size);
void armv7_mem_reserve(uint64_t pa, uint64_t size);
/* Pages the pool has free now. */
size_t armv7_pages_free(void);

/* Console (console.c): the PL011 the DTB names; QEMU virt's by default. */
void armv7_console_set_base(uint64_t base);
/* Power-off conduit found in the DTB (console.c owns arch_halt). */
void armv7_set_psci_smc(bool smc);

/* Per-CPU Hyp configuration for running guests (vcpu.c). */
void armv7_cpu_init(void);

/* gic.c: hands the GICv2 ranges the DTB gave to the shared driver
 * (arch/gicv2/gicv2.h: gicv2_enter/exit around a run; arch_irq_ack for a
 * physical interrupt taken to Hyp). */
void armv7_gic_init(const struct armv7_boot_info *bi);

/* The C entry from boot.S, and the report of an exception taken in Hyp. */
void armv7_main(uint32_t dtb, uint32_t r0, uint32_t machine);
void armv7_hyp_fault(unsigned vector, const uint32_t *regs, uint32_t sp);

/* Clean and invalidate the whole data cache by set/way, then the I-cache
 * (cache.c): after the hypervisor wrote a guest image through its cache, a
 * guest running with its MMU and caches off must see the bytes. */
void armv7_cache_flush_all(void);

/* Linker symbols (armvisor.ld). */
extern char __image_start[], __image_end[];

#endif
