/*
 * The VM package: one blob holding a guest's kernel, optional initrd, its
 * device tree and a description of the VM (RAM, vCPUs, ISA, where each
 * image goes, the boot protocol). tools/loader writes it; armvisor reads it
 * from the initrd QEMU hands over (docs/vm-package.md has the layout).
 *
 * This header is shared with the host tool, so it needs nothing but the C
 * freestanding headers: no arch.h types, no libc.
 *
 * The blob is hostile input: vm_package_parse reads it byte by byte (no
 * alignment assumed, no struct overlay), checks every field and returns a
 * reason for the first thing it refuses.
 */
#ifndef CORE_VM_PACKAGE_H
#define CORE_VM_PACKAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/virt_layout.h"
#include "core/vm_device.h"

/* ---- Wire format (all integers little-endian) ---------------------------- */

#define VM_PKG_MAGIC      "AVMPKG01" /* 8 bytes, no NUL */
#define VM_PKG_MAGIC_LEN  8u
#define VM_PKG_VERSION    1u
#define VM_PKG_ALIGN      4096u /* section offsets: page aligned (docs: why) */
#define VM_PKG_MAX_SECTS  8u
#define VM_PKG_MAX_VCPUS  8u
#define VM_PKG_NAME_LEN   32u           /* name field, NUL-terminated inside it */
#define VM_PKG_DTB_MAX    (2u << 20)    /* arm64 booting.rst: a DTB is at most 2 MiB */
#define VM_PKG_IPA_LIMIT  (1ull << 40)  /* 40-bit IPA: every stage 2 we build has it */
#define VM_PKG_DEVICE_TOP VIRT_RAM_BASE /* the virt board's devices live below */

/* Header, at offset 0. */
#define VM_PKG_HDR_SIZE     64u
#define VM_PKG_HDR_MAGIC    0u  /* char[8] "AVMPKG01" */
#define VM_PKG_HDR_VERSION  8u  /* u32 VM_PKG_VERSION */
#define VM_PKG_HDR_HDRSIZE  12u /* u32 VM_PKG_HDR_SIZE */
#define VM_PKG_HDR_TOTAL    16u /* u64 size of the whole blob */
#define VM_PKG_HDR_CHECKSUM 24u /* u64 FNV-1a 64 of the blob, this field as 0 */
#define VM_PKG_HDR_NSECT    32u /* u32 entries in the section table */
#define VM_PKG_HDR_FLAGS    36u /* u32, must be 0 */
/* 40..63 reserved, must be 0. The section table follows at 64. */

/* Section table entry. */
#define VM_PKG_SECT_SIZE   24u
#define VM_PKG_SECT_TYPE   0u  /* u32 enum vm_pkg_section */
#define VM_PKG_SECT_FLAGS  4u  /* u32, must be 0 */
#define VM_PKG_SECT_OFFSET 8u  /* u64, VM_PKG_ALIGN aligned */
#define VM_PKG_SECT_LEN    16u /* u64 bytes */

enum vm_pkg_section {
    VM_PKG_KERNEL = 1,
    VM_PKG_INITRD = 2,
    VM_PKG_DTB = 3,
    VM_PKG_CONFIG = 4,
    VM_PKG_DEVICES = 5,
    VM_PKG_AFFINITY = 6,
    VM_PKG_SCHED = 7,
};
/* The highest section type: the parser's table has one slot per type. */
#define VM_PKG_SECT_TYPE_MAX VM_PKG_SCHED

/* AFFINITY section (optional): u32 count (= the CONFIG's vCPU count), then
 * count u32 masks, vCPU 0 first: bit n set, the vCPU may run on physical
 * CPU n (n < VM_PKG_MAX_CPUS). Exactly 4 + 4 * count bytes. Without it
 * every vCPU may run on any CPU. */
#define VM_PKG_MAX_CPUS  8u
#define VM_PKG_AFF_COUNT 0u
#define VM_PKG_AFF_MASKS 4u
#define VM_PKG_AFF_ANY   ((1u << VM_PKG_MAX_CPUS) - 1u)

/* SCHED section (optional): how the scheduler treats the VM's vCPUs.
 * Exactly VM_PKG_SCHED_SIZE bytes. Without it the VM gets the defaults
 * (core/sched.h: a 10 ms time slice). The slice is bounded: below 100 us
 * the hypervisor timer's interrupts would take a shared CPU's time from
 * the guests, above 1 s a vCPU waiting behind a busy one would look hung. */
#define VM_PKG_SCHED_SIZE     8u
#define VM_PKG_SCHED_SLICE_US 0u /* u32 time slice in microseconds */
#define VM_PKG_SCHED_RESERVED 4u /* u32, must be 0 */
#define VM_PKG_SLICE_MIN_US   100u
#define VM_PKG_SLICE_MAX_US   1000000u

/* CONFIG section: exactly VM_PKG_CFG_SIZE bytes. */
#define VM_PKG_CFG_SIZE       96u
#define VM_PKG_CFG_NAME       0u  /* char[32], NUL-terminated, printable */
#define VM_PKG_CFG_RAM_BASE   32u /* u64 IPA, page aligned */
#define VM_PKG_CFG_RAM_SIZE   40u /* u64 bytes, page aligned */
#define VM_PKG_CFG_NVCPUS     48u /* u32 1..VM_PKG_MAX_VCPUS */
#define VM_PKG_CFG_ISA        52u /* u32 enum vm_pkg_isa */
#define VM_PKG_CFG_KERNEL_IPA 56u /* u64 */
#define VM_PKG_CFG_ENTRY      64u /* u64 first instruction */
#define VM_PKG_CFG_INITRD_IPA 72u /* u64 (0 without an INITRD section) */
#define VM_PKG_CFG_DTB_IPA    80u /* u64 (0 without a DTB section) */
#define VM_PKG_CFG_PROTOCOL   88u /* u32 enum vm_pkg_protocol */
#define VM_PKG_CFG_CONSOLE    92u /* u32 enum vm_pkg_console (was reserved, 0) */

/* The device that carries the guest's console input (what is typed on
 * armvisor's console): its PL011, or a virtio-console (hvc0) at the first
 * virtio-mmio slot. The PL011 is there either way. */
enum vm_pkg_console { VM_PKG_CONSOLE_PL011 = 0, VM_PKG_CONSOLE_VIRTIO = 1 };

/* DEVICES section (optional): a count, then that many fixed-size entries,
 * each a struct vm_device (core/vm_device.h). Exactly VM_PKG_DEV_HDR +
 * count * VM_PKG_DEV_SIZE bytes, count 1..VM_DEV_MAX. Without it a VM gets
 * vm_device_defaults (the PL011, and a virtio-console per CONFIG console). */
#define VM_PKG_DEV_HDR      8u /* u32 count, u32 reserved (0) */
#define VM_PKG_DEV_COUNT    0u
#define VM_PKG_DEV_RESERVED 4u
#define VM_PKG_DEV_SIZE     48u
#define VM_PKG_DEV_KIND     0u  /* u32 enum vm_dev_kind */
#define VM_PKG_DEV_FLAGS    4u  /* u32 VM_DEV_F_* */
#define VM_PKG_DEV_BASE     8u  /* u64 IPA, aligned to the kind's size */
#define VM_PKG_DEV_LEN      16u /* u64 the kind's window size */
#define VM_PKG_DEV_SPI      24u /* u32 SPI number, below VIRT_SPI_COUNT */
#define VM_PKG_DEV_DISK     28u /* u32 host disk index (virtio-blk) */
#define VM_PKG_DEV_FIRST    32u /* u64 first sector (virtio-blk) */
#define VM_PKG_DEV_SECTORS  40u /* u64 sector count, 0: to the disk's end */

enum vm_pkg_isa { VM_PKG_ISA_A64 = 0, VM_PKG_ISA_A32 = 1, VM_PKG_ISA_T32 = 2 };

enum vm_pkg_protocol {
    VM_PKG_BOOT_RAW = 0,         /* registers zero */
    VM_PKG_BOOT_LINUX_ARM64 = 1, /* x0 = DTB, x1-x3 = 0 (arm64 booting.rst) */
    VM_PKG_BOOT_LINUX_ARM = 2,   /* r0 = 0, r1 = ~0, r2 = DTB (arm booting.rst) */
};

/* arm64 Image header (Documentation/arch/arm64/booting.rst). */
#define ARM64_IMAGE_HDR_SIZE    64u
#define ARM64_IMAGE_TEXT_OFFSET 8u          /* u64 */
#define ARM64_IMAGE_SIZE        16u         /* u64 effective size; 0 on old kernels */
#define ARM64_IMAGE_FLAGS       24u         /* u64: bit 0 = big-endian kernel */
#define ARM64_IMAGE_MAGIC_OFF   56u         /* "ARM\x64" */
#define ARM64_IMAGE_MAGIC       0x644d5241u /* "ARM\x64" read little-endian */
#define ARM64_IMAGE_OLD_TEXT    0x80000u    /* text_offset when image_size is 0 */
#define ARM64_IMAGE_ALIGN       (2u << 20)  /* base = load - text_offset */

/* zImage header (arch/arm/boot/compressed/head.S). */
#define ZIMAGE_MAGIC_OFF 0x24u
#define ZIMAGE_MAGIC     0x016f2818u
#define ZIMAGE_START_OFF 0x28u
#define ZIMAGE_END_OFF   0x2cu
/* arm booting.rst: the zImage must sit in the first 128 MiB of RAM. */
#define ZIMAGE_RAM_WINDOW (128u << 20)

#define FDT_HDR_MAGIC 0xd00dfeedu /* big-endian at offset 0 */

/* ---- Parsed package -------------------------------------------------------- */

/* One image to put in guest RAM: bytes inside the blob, and where they go. */
struct vm_pkg_image {
    const uint8_t *data; /* NULL when the package has none */
    uint64_t size;
    uint64_t ipa;
};

struct vm_package {
    char name[VM_PKG_NAME_LEN];
    uint64_t ram_base, ram_size;
    unsigned nvcpus;
    enum vm_pkg_isa isa;
    enum vm_pkg_protocol protocol;
    /* Which kind of device takes console input (derived from the device
     * list when the package has one: the device flagged VM_DEV_F_CONSOLE). */
    enum vm_pkg_console console;
    /* The VM's devices: the DEVICES section, or vm_device_defaults. */
    struct vm_device devices[VM_DEV_MAX];
    unsigned ndevices;
    bool has_device_list; /* the package had a DEVICES section */
    struct vm_pkg_image kernel, initrd, dtb;
    /* Guest RAM the kernel claims: its section, or the arm64 Image header's
     * image_size when that is larger (bss, page tables). */
    uint64_t kernel_footprint;
    uint64_t entry;
    uint64_t regs[4]; /* x0-x3 / r0-r3 the protocol asks for */
    /* Per vCPU: the physical CPUs it may run on (bit n: CPU n); 0 for
     * every vCPU when the package has no AFFINITY section (any CPU). */
    uint32_t affinity[VM_PKG_MAX_VCPUS];
    /* The time slice of the SCHED section (VM_PKG_SLICE_MIN_US..MAX_US);
     * 0 without one (the scheduler's default). */
    uint32_t slice_us;
};

/* Validate the blob of len bytes and describe it in *out (whose image
 * pointers point into blob). 0 on success; -1 with *why (if why is not
 * NULL) set to a static sentence saying what was refused, *out untouched. */
int vm_package_parse(const void *blob, size_t len, struct vm_package *out, const char **why);

/* vm_package_parse with options: VM_PKG_PARSE_NO_CHECKSUM skips the header
 * checksum (every other rule still holds). For the fuzz target only, which
 * builds tiny blobs and wants to reach the rules behind the checksum without
 * recomputing it over megabytes; armvisor always checks it. */
#define VM_PKG_PARSE_NO_CHECKSUM 1u
int vm_package_parse_opts(const void *blob, size_t len, struct vm_package *out, const char **why,
                          unsigned opts);

/* FNV-1a 64 of len bytes of blob with the header's checksum field counted
 * as zeros (len must cover the header: the writer fills the field with
 * this). */
uint64_t vm_package_checksum(const void *blob, size_t len);

/* True when blob starts with the package magic (len >= 8). */
bool vm_package_is_package(const void *blob, size_t len);

/* Names for logs. */
const char *vm_package_protocol_name(enum vm_pkg_protocol p);
const char *vm_package_isa_name(enum vm_pkg_isa isa);

#endif
