/*
 * The ARMv7 hypervisor's C entry (from boot.S, in Hyp mode, MMU off):
 * turn on Hyp's MMU, read the DTB, set up the page pool and the Hyp
 * configuration for guests, then hand the guest (the initrd QEMU loaded)
 * to the core: a VM package from tools/loader (docs/vm-package.md) to
 * vm_launch_package, anything else as a raw A32 image to vm_launch. Power
 * off with the guest's exit code.
 */
#include "arch/armv7/armv7.h"
#include "arch/armv7/cp15.h"
#include "core/launch.h"
#include "core/vm_package.h"
#include "lib/fdt.h"
#include "lib/log.h"

#define GUEST_RAM_SIZE (128ull << 20)

/* Halt statuses of the boot path (the guest's own codes pass through). */
#define HALT_NO_DTB   1
#define HALT_NO_GUEST 2

/* The initrd is a VM package: check it all, then launch it (AArch32 only:
 * an ARMv7 CPU has no A64). */
static _Noreturn void launch_package(const void *blob, uint64_t len)
{
    struct vm_package pkg;
    const char *why = "?";
    if (vm_package_parse(blob, (size_t)len, &pkg, &why) != 0) {
        log_err("the guest package is refused: %s\n", why);
        arch_halt(HALT_NO_GUEST);
    }
    if (pkg.isa == VM_PKG_ISA_A64) {
        log_err("the guest package is an A64 guest; an ARMv7 CPU runs A32/T32 only "
                "(build it with armvisor-loader --arch arm)\n");
        arch_halt(HALT_NO_GUEST);
    }
    if (!vm_package_ram_fits(&pkg, (uint64_t)armv7_pages_free() << PAGE_SHIFT))
        arch_halt(HALT_NO_GUEST);
    int rc = vm_launch_package(&pkg);
    log_info("guest '%s' finished with %d\n", pkg.name, rc);
    arch_halt(rc);
}

void armv7_main(uint32_t dtb, uint32_t r0, uint32_t machine)
{
    armv7_hyp_mmu_init();
    log_info("armv7 port, Hyp mode, MIDR 0x%08x\n", (unsigned)cp_read32(MIDR));
    log_info("boot registers: r0=0x%x r1 (machine)=0x%x r2 (DTB)=0x%x\n", (unsigned)r0,
             (unsigned)machine, (unsigned)dtb);

    /* The DTB must lie in the first RAM GiB mapped so far, which ends at
     * 4 GiB at most: bound the reader by that. */
    struct armv7_boot_info bi;
    uint64_t avail = dtb ? (1ull << 32) - dtb : 0;
    if (!dtb || armv7_dtb_read(dtb, avail, &bi) != 0) {
        log_err("cannot continue without a DTB (the boot loader passes it in r2)\n");
        arch_halt(HALT_NO_DTB);
    }
    armv7_set_psci_smc(bi.psci_smc);
    armv7_console_set_base(bi.uart_base);
    log_info("RAM 0x%llx-0x%llx, DTB %u bytes, PSCI via %s\n", (unsigned long long)bi.ram_base,
             (unsigned long long)(bi.ram_base + bi.ram_size), (unsigned)bi.dtb_size,
             bi.psci_smc ? "SMC" : "(no SMC conduit)");

    armv7_hyp_mmu_limit(bi.ram_base, bi.ram_base + bi.ram_size);
    armv7_mem_init(bi.ram_base, bi.ram_size);
    uint64_t image = (uintptr_t)__image_start;
    armv7_mem_reserve(image, (uintptr_t)__image_end - image);
    armv7_mem_reserve(dtb, bi.dtb_size);
    if (bi.initrd)
        armv7_mem_reserve(bi.initrd_start, bi.initrd_end - bi.initrd_start);
    armv7_cpu_init();
    armv7_gic_init(&bi);

    if (!bi.initrd) {
        log_err("no guest image: pass one as the initrd (QEMU: -initrd guest.bin)\n");
        arch_halt(HALT_NO_GUEST);
    }
    void *img = arch_pa_to_va(bi.initrd_start);
    if (!img || !arch_pa_to_va(bi.initrd_end - 1)) {
        log_err("initrd 0x%llx-0x%llx is outside usable RAM\n", (unsigned long long)bi.initrd_start,
                (unsigned long long)bi.initrd_end);
        arch_halt(HALT_NO_GUEST);
    }
    log_info("guest image: initrd at 0x%llx, %llu bytes\n", (unsigned long long)bi.initrd_start,
             (unsigned long long)(bi.initrd_end - bi.initrd_start));
    if (vm_package_is_package(img, bi.initrd_end - bi.initrd_start))
        launch_package(img, bi.initrd_end - bi.initrd_start);

    struct guest_desc desc = {
        .name = "guest",
        .image = img,
        .image_size = bi.initrd_end - bi.initrd_start,
        .ram_base = VIRT_RAM_BASE,
        .ram_size = GUEST_RAM_SIZE,
        .load_ipa = VIRT_RAM_BASE,
        /* Linux's ARM boot protocol: r0 = 0, r1 = ~0 (no machine type:
         * DT only), r2 = DTB (none given to the guest yet). */
        .boot = {.isa = ISA_A32, .pc = VIRT_RAM_BASE, .regs = {0, 0xffffffffu, 0, 0}},
        .nvcpus = 1,
    };
    int rc = vm_launch(&desc);
    log_info("guest '%s' finished with %d\n", desc.name, rc);
    arch_halt(rc);
}
