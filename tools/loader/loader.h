/*
 * armvisor-loader: turn a kernel, an optional initrd and a VM description
 * into one VM package (docs/vm-package.md) that armvisor boots when QEMU
 * passes it as the initrd. Host program: libc and libfdt.
 *
 * kernel.c   what the kernel file is, where it goes, which protocol boots it
 * elf.c      ELF kernels: program headers flattened into one image
 * layout.c   where the initrd and the DTB go in guest RAM (QEMU's rules)
 * guest_dtb.c the guest's device tree (libfdt), a QEMU-virt-like machine
 * devices.c  the device list (--console, --disk) for the package and the DTB
 * package.c  the package blob itself
 * main.c     the command line
 */
#ifndef TOOLS_LOADER_LOADER_H
#define TOOLS_LOADER_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/virt_layout.h" /* RAM and the devices the DTB describes */
#include "core/vm_package.h"

#define LOADER_MAX_CMDLINE 2048u /* arm64 COMMAND_LINE_SIZE */

enum loader_arch { LOADER_ARM64, LOADER_ARM };
enum kernel_kind { KERNEL_RAW, KERNEL_ARM64_IMAGE, KERNEL_ZIMAGE, KERNEL_ELF };
enum kernel_proto { KERNEL_PROTO_DEFAULT, KERNEL_PROTO_LINUX, KERNEL_PROTO_RAW };

/* What the command line says about the kernel. */
struct kernel_opts {
    enum kernel_proto protocol;
    bool has_load_addr, has_entry; /* raw images only */
    uint64_t load_addr, entry;
};

struct file_buf {
    uint8_t *data;
    size_t size;
};

/* One --disk: a range of a host disk. */
struct loader_disk {
    unsigned index;        /* host disk N */
    uint64_t first, count; /* sectors; count 0: to the disk's end */
    bool ro;
};

/* Everything the package will say, decided step by step. */
struct vm_plan {
    enum loader_arch arch;
    const char *name;
    unsigned ncpus;
    uint64_t ram_base, ram_size;
    const char *cmdline; /* NULL: none */
    enum kernel_kind kind;
    enum vm_pkg_protocol protocol;
    enum vm_pkg_isa isa;
    uint64_t kernel_ipa, kernel_footprint, entry;
    uint64_t initrd_ipa, initrd_size; /* size 0: no initrd */
    uint64_t dtb_ipa;
    enum vm_pkg_console console; /* PL011 (default) or a virtio-console for input */
    struct loader_disk disks[VM_DEV_MAX_BLK];
    unsigned ndisks;
    struct vm_device devices[VM_DEV_MAX]; /* devices_plan */
    unsigned ndevices;
    /* --pin: per vCPU, the physical CPUs it may run on (bit n: CPU n); 0:
     * not pinned. Any pin makes the package carry an AFFINITY section. */
    uint32_t pin[VM_PKG_MAX_VCPUS];
    /* --slice-us: the VM's time slice in microseconds; 0: not given (no
     * SCHED section, armvisor's default). */
    uint32_t slice_us;
};

/* Parse one --pin argument, "VCPU=CPU[,CPU...]" (vCPU 0-7, CPUs 0-7), into
 * *vcpu and *mask; false when it is malformed. */
bool pin_parse(const char *arg, unsigned *vcpu, uint32_t *mask);

/* Errors go to stderr as "armvisor-loader: ..." lines. */
void loader_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Recognise the kernel (ELF, arm64 Image, zImage, else raw) and fill kind,
 * isa, kernel_ipa, kernel_footprint, entry and protocol (the defaults of
 * QEMU's -kernel unless o says otherwise: docs/vm-package.md). An ELF
 * kernel is replaced in *kernel by its flattened image. */
int kernel_plan(struct vm_plan *plan, struct file_buf *kernel, const struct kernel_opts *o);

/* True when the file starts with the ELF magic. */
bool elf_is_elf(const struct file_buf *kernel);

/* An ELF kernel: checks it (user input: every field), flattens its PT_LOAD
 * segments into one zero-filled image from the lowest p_paddr (replacing
 * kernel->data), and fills kind, isa, kernel_ipa, kernel_footprint, entry. */
int elf_plan(struct vm_plan *plan, struct file_buf *kernel);

/* initrd_ipa and dtb_ipa from the kernel's footprint; checks the kernel
 * and initrd fit in RAM. */
int layout_plan(struct vm_plan *plan);

/* Add the --disk argument arg to the plan; -1 (said why) when it is
 * malformed, one too many, or overlaps an earlier writable range. */
int disk_option(struct vm_plan *plan, const char *arg);

/* The device list from the console choice and the disks. */
void devices_plan(struct vm_plan *plan);

/* The guest DTB for the plan (malloc'd into *out). */
int guest_dtb_build(const struct vm_plan *plan, struct file_buf *out);

/* The package blob (malloc'd into *out). */
int package_build(const struct vm_plan *plan, const struct file_buf *kernel,
                  const struct file_buf *initrd, const struct file_buf *dtb, struct file_buf *out);

#endif
