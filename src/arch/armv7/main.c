/*
 * The ARMv7 hypervisor's C entry (from boot.S, in Hyp mode, MMU off): turn
 * on Hyp's MMU, read the DTB, set up the page pool and the Hyp configuration
 * for guests, then run the guest in the initrd through the boot flow shared
 * with armv8 (arch/boot/boot.h): a VM package from tools/loader
 * (docs/vm-package.md; AArch32 only, an ARMv7 CPU has no A64) or a raw A32
 * image. The other CPUs the DTB lists come up once the GIC is (smp.c) and
 * wait for vCPUs. Power off with the guest's exit code.
 */
#include "arch/armv7/armv7.h"
#include "arch/armv7/cp15.h"
#include "arch/boot/boot.h"
#include "arch/virtio_blk/vblk_host.h"
#include "lib/bootargs.h"
#include "lib/log.h"

/* The bootargs word that runs a bare image through the lazy-state
 * hand-over self-test (remote_fetch.c). */
#define REMOTE_FETCH_ARG "armvisor.selftest=remote_fetch"

static struct boot_info bi;

static bool run_selftest(const struct boot_info *b, const struct guest_desc *g, int *code)
{
    if (!bootargs_has(b->bootargs, REMOTE_FETCH_ARG))
        return false;
    *code = armv7_remote_fetch(g->image, g->image_size);
    return true;
}
static const struct boot_arch boot_armv7 = {
    .a64 = false,
    .pa_usable = armv7_pa_usable,
    .host_ram_free = armv7_mem_free_bytes,
    .run_raw = run_selftest,
};

void armv7_main(uint32_t dtb, uint32_t r0, uint32_t machine)
{
    armv7_hyp_mmu_init();
    log_info("armv7 port, Hyp mode, MIDR 0x%08x\n", (unsigned)cp_read32(MIDR));
    log_info("boot registers: r0=0x%x r1 (machine)=0x%x r2 (DTB)=0x%x\n", (unsigned)r0,
             (unsigned)machine, (unsigned)dtb);

    /* The DTB must lie in the first RAM GiB mapped so far, which ends at
     * 4 GiB at most: bound the reader by that. */
    uint64_t ram_base, ram_size;
    uint64_t avail = dtb ? (1ull << 32) - dtb : 0;
    if (!boot_dtb_open(&bi, dtb, avail) || armv7_ram_bank(&bi.fdt, &ram_base, &ram_size) != 0) {
        log_err("cannot continue without a DTB (the boot loader passes it in r2)\n");
        arch_halt(HALT_REFUSED);
    }
    armv7_set_psci_smc(bi.psci == BOOT_PSCI_SMC);
    if (bi.uart_base)
        armv7_console_set_base(bi.uart_base);
    log_info("RAM 0x%llx-0x%llx, DTB %u bytes, PSCI via %s\n", (unsigned long long)ram_base,
             (unsigned long long)(ram_base + ram_size), (unsigned)bi.fdt.totalsize,
             bi.psci == BOOT_PSCI_SMC ? "SMC" : "(no SMC conduit)");

    armv7_hyp_mmu_limit(ram_base, ram_base + ram_size);
    armv7_mem_init(ram_base, ram_size);
    uint64_t image = (uintptr_t)__image_start;
    armv7_mem_reserve(image, (uintptr_t)__image_end - image);
    armv7_mem_reserve(dtb, bi.fdt.totalsize);
    if (bi.initrd)
        armv7_mem_reserve(bi.initrd_start, bi.initrd_end - bi.initrd_start);
    armv7_cpu_init();
    /* Hyp's VAs are 32 bits and VA = PA (hyp_mmu.c): the GIC must lie
     * below 4 GiB. */
    boot_gic_init(&bi, 0xffffffffull);
    vblk_host_probe(&bi.fdt); /* host disks: after the MMU and the GIC */
    vblk_host_selftest(bi.bootargs);
    armv7_smp_start(&bi);
    boot_run_guest(&bi, &boot_armv7);
}
