/*
 * The lazy-state hand-over self-test (bootargs armvisor.selftest=remote_fetch,
 * QEMU -smp 2 or more), shared by the ARMv7 and ARMv8 ports
 * (remote_fetch.c). Each port supplies the reads of one register of the
 * state it switches lazily (armv7: VBAR, in its cp15 state; armv8: SP_EL1,
 * in its EL1 state) and who holds that state (struct remote_fetch_arch).
 * Not part of the arch interface: only arch code includes this header.
 */
#ifndef ARCH_BOOT_REMOTE_FETCH_H
#define ARCH_BOOT_REMOTE_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"

/* What the test needs from the port; every function is called with the
 * vCPU stopped (between two vcpu_run_once calls on CPU 0). */
struct remote_fetch_arch {
    enum vcpu_isa isa;     /* of the bare image */
    const char *reg;       /* the register followed, for the log: "VBAR" */
    const char *state;     /* the lazily switched state it is in: "cp15" */
    const char *translate; /* the port's stage-1 translation: "ATS1CPR" */
    /* The register as the CPU executing the caller holds it. */
    uint64_t (*reg_here)(void);
    /* The register in v's saved context, as memory has it now (no fetch). */
    uint64_t (*reg_in_mem)(const struct vcpu *v);
    /* The register through the path every accessor takes: fetched from the
     * CPU that holds v's state, if another one does. */
    uint64_t (*reg_fetch)(struct vcpu *v);
    /* The vCPU context whose state the calling CPU holds (NULL: none). */
    const struct arch_vcpu *(*loaded_here)(void);
    /* v's saved context is as new as the CPU's copy. */
    bool (*in_mem)(const struct vcpu *v);
    /* 1 + the index of the CPU holding v's state, 0 for none. */
    unsigned (*live_cpu)(const struct vcpu *v);
};

/* Run the bare image (size bytes) as a one-vCPU VM on this CPU (the boot
 * CPU); after its first line of output have CPU 1 fetch, then take over,
 * the vCPU's state, and run the guest on to its end here. 0 when every
 * check and the guest passed, else 1 (also without a second CPU online).
 * Boot CPU, once, after boot_smp_start. */
int boot_remote_fetch(const struct remote_fetch_arch *arch, const void *image, uint64_t size);

#endif
