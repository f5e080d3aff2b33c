/*
 * Launching the guest the boot loader put in the initrd (boot.h): a VM
 * package from tools/loader is checked whole and launched as it says
 * (vm_launch_package); anything else is a raw image for vm_launch.
 */
#include "arch/boot/boot.h"
#include "core/launch.h"
#include "core/vm_package.h"
#include "lib/bootargs.h"
#include "lib/log.h"

#define GUEST_RAM_SIZE (128ull << 20)
/* The bootargs word that starts a raw image in AArch32 (A32, SVC). */
#define GUEST_A32_ARG "armvisor.guest=a32"

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

    /* A raw image carries no header to tell its instruction set: A64 where
     * the CPU runs it, unless the bootargs say AArch32, which gets the
     * Linux ARM boot registers r0 = 0, r1 = ~0 (DT only), r2 = DTB (none
     * given yet). */
    bool a32 = !arch->a64 || bootargs_has(bi->bootargs, GUEST_A32_ARG);
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
        .load_ipa = VIRT_RAM_BASE,
        .boot = {.isa = a32 ? ISA_A32 : ISA_A64,
                 .pc = VIRT_RAM_BASE,
                 .regs = {0, a32 ? 0xffffffffu : 0, 0, 0}},
        .nvcpus = 1,
    };
    int code;
    if (arch->run_raw && arch->run_raw(bi, &g, &code))
        arch_halt(code);
    finish(vm_launch(&g));
}
