/*
 * Launching the guest the boot loader put in the initrd (boot.h): a VM
 * package from tools/loader is checked whole and launched as it says
 * (vm_launch_package); an arm64 Image or a zImage is run bare by
 * vm_launch (core/guest_image.h says which); anything else is refused,
 * since nothing says what it is (a raw image goes in a package that says
 * "raw": docs/vm-package.md).
 */
#include "arch/boot/boot.h"
#include "core/guest_image.h"
#include "core/launch.h"
#include "core/sched.h"
#include "core/vm_cpu.h"
#include "core/vm_package.h"
#include "lib/bootargs.h"
#include "lib/log.h"

#define GUEST_RAM_SIZE (128ull << 20)

/* armvisor.sve_vl=<bits>: the longest SVE vector the VMs get (a multiple of
 * 128 up to 2048; 0: no SVE for them), as QEMU's sve-max-vq does for a
 * whole CPU; without it they get what the CPU has (core/vm_cpu.h). */
#define SVE_VL_ARG    "armvisor.sve_vl"
#define SVE_VL_DIGITS 4u
#define BITS_PER_BYTE 8u

/* armvisor.mte=off: no MTE for the VMs even where the CPU has it. */
#define MTE_OFF_ARG "armvisor.mte=off"

/* armvisor.wfi=trap: every WFI traps, also of a vCPU that has its CPU to
 * itself, which otherwise waits in the guest (core/sched.c). For comparing
 * the two (scripts/bench) and for a host where waiting in the guest does
 * not serve. */
#define WFI_TRAP_ARG "armvisor.wfi=trap"

static void apply_cpu_args(const char *bootargs)
{
    if (bootargs_has(bootargs, WFI_TRAP_ARG)) {
        sched_set_wfi_in_guest(false);
        log_info("WFI: every WFI traps (armvisor.wfi=trap)\n");
    }
    if (bootargs_has(bootargs, MTE_OFF_ARG)) {
        vm_cpu_set_default_mte(false);
        log_info("MTE: not given to the VMs\n");
    }
    size_t len;
    const char *v = bootargs_value(bootargs, SVE_VL_ARG, &len);
    if (!v)
        return;
    unsigned bits = 0;
    bool ok = len > 0 && len <= SVE_VL_DIGITS;
    for (size_t i = 0; ok && i < len; i++) {
        ok = v[i] >= '0' && v[i] <= '9';
        bits = bits * 10 + (unsigned)(v[i] - '0');
    }
    if (!ok || bits % BITS_PER_BYTE || !vm_cpu_set_default_sve_vl(bits / BITS_PER_BYTE)) {
        log_err("%s: want a multiple of 128 from 0 (no SVE) to 2048 bits\n", SVE_VL_ARG);
        arch_halt(HALT_REFUSED);
    }
    log_info("SVE vector length of the VMs: at most %u bits%s\n", bits, bits ? "" : " (no SVE)");
}

static _Noreturn void finish(int code)
{
    log_info("guest finished with %d\n", code);
    arch_halt(code);
}

/* Check the whole package, then launch it. */
static _Noreturn void run_package(const void *blob, uint64_t len, const struct boot_arch *arch)
{
    struct vm_package pkg;
    const char *why = "?";
    if (vm_package_parse(blob, (size_t)len, &pkg, &why) != 0) {
        log_err("the guest package is refused: %s\n", why);
        arch_halt(HALT_REFUSED);
    }
    if (pkg.isa == VM_PKG_ISA_A64 && !arch->a64) {
        log_err("the guest package is an A64 guest; this CPU runs A32/T32 only "
                "(build it with armvisor-loader --arch arm)\n");
        arch_halt(HALT_REFUSED);
    }
    if (!vm_package_ram_fits(&pkg, arch->host_ram_free()))
        arch_halt(HALT_REFUSED);
    finish(vm_launch_package(&pkg));
}

_Noreturn void boot_run_guest(const struct boot_info *bi, const struct boot_arch *arch)
{
    if (bi->initrd_bad) {
        log_err("malformed /chosen linux,initrd-start/end in the DTB\n");
        arch_halt(HALT_REFUSED);
    }
    apply_cpu_args(bi->bootargs);
    if (!bi->initrd) {
        log_err("no guest image: pass one as the initrd (QEMU: -initrd guest.bin)\n");
        arch_halt(HALT_NO_GUEST);
    }
    uint64_t start = bi->initrd_start, len = bi->initrd_end - bi->initrd_start;
    if (!arch->pa_usable(start, len)) {
        log_err("the initrd 0x%llx-0x%llx is not in usable RAM\n", (unsigned long long)start,
                (unsigned long long)bi->initrd_end);
        arch_halt(HALT_REFUSED);
    }
    log_info("guest image 0x%llx-0x%llx (%llu bytes)\n", (unsigned long long)start,
             (unsigned long long)bi->initrd_end, (unsigned long long)len);
    const void *image = arch_pa_to_va(start);
    if (vm_package_is_package(image, len))
        run_package(image, len, arch);

    /* A bare image: its header says the instruction set. A zImage gets
     * the Linux ARM boot registers r0 = 0, r1 = ~0 (DT only), r2 = DTB
     * (none given). */
    struct guest_image gi = guest_image_identify(image, len);
    if (gi.kind == GUEST_IMAGE_BAD || gi.kind == GUEST_IMAGE_UNKNOWN) {
        log_err("the guest image is refused: %s\n", gi.why);
        arch_halt(HALT_REFUSED);
    }
    bool a32 = gi.kind == GUEST_IMAGE_ZIMAGE;
    if (!a32 && !arch->a64) {
        log_err("the guest image is an arm64 Image; this CPU runs A32/T32 only\n");
        arch_halt(HALT_REFUSED);
    }
    uint64_t ram = GUEST_RAM_SIZE, free = arch->host_ram_free();
    uint64_t avail = free > VM_HOST_RAM_SLACK ? free - VM_HOST_RAM_SLACK : 0;
    if (avail < ram)
        ram = avail & ~((2ull << 20) - 1);
    struct guest_desc g = {
        .name = "guest0",
        .image = image,
        .image_size = len,
        .ram_base = VIRT_RAM_BASE,
        .ram_size = ram,
        .load_ipa = VIRT_RAM_BASE + gi.load_offset,
        .boot = {.isa = a32 ? ISA_A32 : ISA_A64,
                 .pc = VIRT_RAM_BASE + gi.load_offset,
                 .regs = {0, a32 ? 0xffffffffu : 0, 0, 0}},
        .nvcpus = 1,
    };
    int code;
    if (arch->run_raw && arch->run_raw(bi, &g, &code))
        arch_halt(code);
    finish(vm_launch(&g));
}
