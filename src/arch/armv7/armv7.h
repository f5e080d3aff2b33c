/* Between the files of the ARMv7 port only (core never sees this). */
#ifndef ARCH_ARMV7_ARMV7_H
#define ARCH_ARMV7_ARMV7_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"
#include "arch/boot/boot.h"
#include "lib/fdt.h"

/* The RAM bank holding the image, from the DTB (dtb.c). 0 on success; a
 * negative code (printed) otherwise. */
int armv7_ram_bank(const struct fdt *fdt, uint64_t *base, uint64_t *size);

/* Hyp stage-1 MMU (hyp_mmu.c). */
void armv7_hyp_mmu_init(void);
void armv7_hyp_mmu_enable(void);
void armv7_hyp_mmu_limit(uint64_t ram_base, uint64_t ram_end);

/* Physical memory pool over RAM (mem.c); reserve before the first alloc. */
void armv7_mem_init(uint64_t ram_base, uint64_t ram_size);
void armv7_mem_reserve(uint64_t pa, uint64_t size);
/* Bytes the pool can still hand out; whether [pa, pa+len) is pool RAM. */
uint64_t armv7_mem_free_bytes(void);
bool armv7_pa_usable(uint64_t pa, uint64_t len);

/* Console (console.c): the PL011 the DTB names; QEMU virt's by default. */
void armv7_console_set_base(uint64_t base);
/* PSCI through the DTB's conduit (psci.c): SMC, the only one that reaches
 * the firmware from Hyp mode. An SMCCC call fn(a1, a2, a3); r0 on return
 * (-1, NOT_SUPPORTED, without the SMC conduit). */
void armv7_set_psci_smc(bool smc);
int32_t armv7_psci_call(uint32_t fn, uint32_t a1, uint32_t a2, uint32_t a3);

/* smp.c: the other CPUs (boot CPU, once its GIC is up), and a secondary's
 * C entry from boot.S (Hyp mode, MMU off, r0 = its index). */
void armv7_smp_start(const struct boot_info *bi);
_Noreturn void armv7_secondary_main(uint32_t index);
/* remote_fetch.c: the lazy-state hand-over self-test (CPU 1 fetches a vCPU
 * CPU 0 holds, then CPU 0 fetches it back); 0 when it and the guest pass. */
int armv7_remote_fetch(const void *image, uint64_t size);

/* Per-CPU Hyp configuration for running guests (vcpu.c). */
void armv7_cpu_init(void);

/* HDCR.HPMN for this CPU (pmu.c): every counter the PMU has is the
 * guests'; and the PMU quietened until a vCPU's is loaded. */
uint32_t armv7_pmu_hpmn(void);

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
