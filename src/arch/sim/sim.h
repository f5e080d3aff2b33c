/*
 * The sim arch: the whole VMM as a host process. This header is the sim's
 * own API for unit tests, benches and the sim demo (core never sees it).
 */
#ifndef ARCH_SIM_SIM_H
#define ARCH_SIM_SIM_H

#include "arch/arch.h"

/* Simulated physical memory: one host buffer standing for host PAs
 * [SIM_PHYS_BASE, SIM_PHYS_BASE + size). Not at 0, so PA 0 is never valid. */
#define SIM_PHYS_BASE 0x80000000ull
#define SIM_PHYS_DEFAULT_SIZE (256ull << 20)

/* Which CPU the sim behaves as: the stage-2 format it offers and the
 * syndrome format (HSR or ESR_EL2) its exits carry. */
enum sim_profile { SIM_ARMV7, SIM_ARMV8 };

/* (Re)create simulated memory of size bytes and pick the profile. Frees
 * everything from before: call at the start of each test. */
void sim_reset(enum sim_profile profile, uint64_t phys_size);
enum sim_profile sim_profile(void);

/* Pages still free in simulated memory (for leak checks in tests). */
size_t sim_free_pages(void);

/* TLB maintenance the VMM asked for, counted (tests check break-before-make). */
struct sim_tlb_counts {
    uint64_t inval_ipa;  /* arch_tlb_inval_ipa calls */
    uint64_t inval_vmid; /* arch_tlb_inval_vmid calls */
    uint64_t syncs;      /* arch_stage2_sync calls */
};
const struct sim_tlb_counts *sim_tlb_counts(void);

/* Console: bytes written by arch_console_putc are kept (and echoed to stdout
 * when echo is set) so tests can check what the hypervisor printed. */
void sim_console_echo(bool echo);
const char *sim_console_text(void); /* NUL-terminated, since the last clear */
void sim_console_clear(void);

#endif
