/*
 * Start a VM from a description: the one entry point every arch's boot code
 * calls once the hypervisor itself is up. Lays out a QEMU-virt-compatible
 * machine (core/virt_layout.h) unless told otherwise.
 */
#ifndef CORE_LAUNCH_H
#define CORE_LAUNCH_H

#include "arch/arch.h"
#include "core/virt_layout.h"
#include "core/vm.h"
#include "core/vm_device.h"

/* A further image copied into guest RAM before the vCPU starts (an initrd,
 * a DTB). size 0: unused. */
struct guest_extra {
    const void *data; /* hypervisor VA of the bytes */
    uint64_t size;
    ipa_t ipa;
    bool dtb; /* the guest's DTB: armvisor adjusts its copy (vpmu_guest_dtb) */
};
#define GUEST_EXTRA_MAX 2

struct guest_desc {
    const char *name;
    const void *image; /* hypervisor VA of the guest image bytes */
    uint64_t image_size;
    ipa_t ram_base;                            /* 0: VIRT_RAM_BASE */
    uint64_t ram_size;                         /* bytes, page aligned */
    ipa_t load_ipa;                            /* where the image is copied (inside RAM) */
    struct vcpu_boot boot;                     /* isa, entry pc, x0-x3/r0-r3 */
    unsigned nvcpus;                           /* 0 means 1 */
    struct guest_extra extra[GUEST_EXTRA_MAX]; /* inside RAM, apart from each other
                                                  and from the image */
    enum vm_console console;                   /* console input device (PL011 default) */
    /* The VM's devices (core/vm_device.h), built through the device
     * registry; NULL: the defaults (the PL011, and a virtio-console when
     * console is VM_CONSOLE_VIRTIO). */
    const struct vm_device *devices;
    unsigned ndevices;
    uint32_t affinity[VM_MAX_VCPUS]; /* per vCPU: CPUs it may run on
                                        (bit n: CPU n); 0: any */
    uint32_t slice_us;               /* time slice; 0: SCHED_SLICE_US_DEFAULT */
};

/* Create the VM, copy the image in, attach the devices, run vCPU 0 until the
 * VM stops, print its exit statistics and tear it down. Returns the guest's
 * exit code (PSCI SYSTEM_OFF: 0; AV_HVC_EXIT: its argument), or a negative
 * value when the VM could not be built (the reason is printed). */
int vm_launch(const struct guest_desc *desc);

struct vm_package;
/* vm_launch a package vm_package_parse accepted: kernel, initrd and DTB at
 * their IPAs, vCPU 0 entered per the package's boot protocol. Same return
 * values as vm_launch. */
int vm_launch_package(const struct vm_package *pkg);

/* Host memory kept back from guest RAM for the VM's stage-2 tables and
 * bookkeeping when an arch sizes a guest from its free pages. */
#define VM_HOST_RAM_SLACK (8ull << 20)

/* Whether a host with host_free bytes of free pages can give the package its
 * RAM (keeping VM_HOST_RAM_SLACK back). When it cannot, says so in the one
 * message every arch prints (how much is asked, how much there is). */
bool vm_package_ram_fits(const struct vm_package *pkg, uint64_t host_free);

#endif
