/*
 * Start a VM from a description: the one entry point every arch's boot code
 * calls once the hypervisor itself is up. Lays out a QEMU-virt-compatible
 * machine (RAM at 0x40000000, PL011 at 0x09000000) unless told otherwise.
 */
#ifndef CORE_LAUNCH_H
#define CORE_LAUNCH_H

#include "arch/arch.h"

#define VIRT_RAM_BASE   0x40000000ull
#define VIRT_PL011_BASE 0x09000000ull
#define VIRT_PL011_SIZE 0x1000ull

struct guest_desc {
    const char *name;
    const void *image; /* hypervisor VA of the guest image bytes */
    uint64_t image_size;
    ipa_t ram_base;        /* 0: VIRT_RAM_BASE */
    uint64_t ram_size;     /* bytes, page aligned */
    ipa_t load_ipa;        /* where the image is copied (inside RAM) */
    struct vcpu_boot boot; /* isa, entry pc, x0-x3/r0-r3 */
    unsigned nvcpus;       /* 0 means 1 */
};

/* Create the VM, copy the image in, attach the devices, run vCPU 0 until the
 * VM stops, print its exit statistics and tear it down. Returns the guest's
 * exit code (PSCI SYSTEM_OFF: 0; AV_HVC_EXIT: its argument), or a negative
 * value when the VM could not be built (the reason is printed). */
int vm_launch(const struct guest_desc *desc);

#endif
