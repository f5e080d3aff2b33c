/*
 * armv8_main: from boot.S to a running guest, through the boot flow shared
 * with armv7 (arch/boot/boot.h).
 *
 *  1. Refuse to run anywhere but EL2, or at an address other than the one
 *     we are linked at, with a message on the console.
 *  2. The DTB the loader passed in x0: console PL011 and PSCI conduit
 *     first, then RAM, the GIC and the CPUs, the initrd.
 *  3. Page pool, EL2 MMU and caches, EL2 controls, the GIC, then the
 *     other CPUs the DTB lists (smp.c), which wait for vCPUs.
 *  4. The guest in the initrd (boot_run_guest): a VM package, or a bare
 *     arm64 Image (A64) or zImage (AArch32). armvisor.selftest=two_vms
 *     runs a bare image as two interleaved VMs (two_vms.c);
 *     armvisor.selftest=remote_fetch hands its vCPU's state from CPU 0
 *     to CPU 1 (remote_fetch.c).
 */
#include "arch/arch.h"
#include "arch/armv8/armv8.h"
#include "arch/armv8/sysregs.h"
#include "arch/boot/boot.h"
#include "arch/virtio_blk/vblk_host.h"
#include "lib/bootargs.h"
#include "lib/log.h"

/* The bootargs word that runs the image as two interleaved VMs. */
#define TWO_VMS_ARG "armvisor.selftest=two_vms"
/* ... and the one that has CPU 1 read a vCPU CPU 0 holds (remote_fetch.c). */
#define REMOTE_FETCH_ARG "armvisor.selftest=remote_fetch"

_Noreturn void armv8_main(uint64_t dtb, uint64_t el, int64_t load_offset);

static struct boot_info bi;

static bool pa_usable(uint64_t pa, uint64_t len)
{
    return armv8_pa_is_ram(pa, len) != 0;
}

static uint64_t host_ram_free(void)
{
    return (uint64_t)armv8_pages_free() << PAGE_SHIFT;
}

static bool run_two_vms(const struct boot_info *b, const struct guest_desc *g, int *code)
{
    if (bootargs_has(b->bootargs, REMOTE_FETCH_ARG)) {
        *code = armv8_remote_fetch(g->image, g->image_size);
        return true;
    }
    if (!bootargs_has(b->bootargs, TWO_VMS_ARG))
        return false;
    *code = armv8_two_vms(g->image, g->image_size);
    log_info("two_vms: %s\n", *code == 0 ? "both VMs passed" : "FAILED");
    return true;
}

static const struct boot_arch boot_armv8 = {
    .a64 = true,
    .pa_usable = pa_usable,
    .host_ram_free = host_ram_free,
    .run_raw = run_two_vms,
};

static void put_raw(const char *s)
{
    while (*s)
        arch_console_putc(*s++);
}

/* At EL1 there is no TPIDR_EL2, so arch_cpu_id() cannot answer and the
 * console lock (av_printf's) cannot be taken: the lines arch_halt would
 * print are formatted and written directly, on the one CPU that runs. */
static _Noreturn void wrong_el(uint64_t el)
{
    char line[160];
    av_snprintf(line, sizeof line,
                "armvisor: error: entered at EL%llu, but armvisor runs at EL2 (hypervisor "
                "mode). QEMU: -M virt,virtualization=on\n",
                (unsigned long long)el);
    put_raw(line);
    av_snprintf(line, sizeof line, "armvisor: halt %d\n", HALT_REFUSED);
    put_raw(line);
    armv8_system_off();
}

_Noreturn void armv8_main(uint64_t dtb, uint64_t el, int64_t load_offset)
{
    /* Until the DTB is read: the board default UART, PSCI by our EL. */
    bool have_fdt = boot_dtb_open(&bi, dtb, BOOT_DTB_MAX_SIZE);
    if (have_fdt) {
        if (bi.uart_base)
            armv8_uart_set_base(bi.uart_base);
        armv8_psci_set(bi.psci);
    }
    if (el != 2)
        wrong_el(el);
    armv8_cpu_record_set(0);
    write_sysreg(vbar_el2, (uint64_t)(uintptr_t)armv8_el2_vectors);
    isb();

    log_info("armv8 at EL2, CPU MIDR 0x%llx, console PL011 at 0x%llx\n",
             (unsigned long long)read_sysreg(midr_el1), (unsigned long long)armv8_uart_base());
    if (load_offset != 0) {
        log_err("loaded at 0x%llx but linked at 0x%llx: this image is not relocatable; the "
                "loader must honour the Image header's text_offset\n",
                (unsigned long long)((uint64_t)(uintptr_t)__image_start + (uint64_t)load_offset),
                (unsigned long long)(uintptr_t)__image_start);
        arch_halt(HALT_REFUSED);
    }
    if (!have_fdt) {
        log_err("no valid device tree at x0 = 0x%llx: cannot find RAM (boot through a "
                "loader that passes a DTB, e.g. QEMU -kernel with this Image)\n",
                (unsigned long long)dtb);
        arch_halt(HALT_REFUSED);
    }
    log_info("DTB at 0x%llx, %u bytes\n", (unsigned long long)dtb, bi.fdt.totalsize);

    uint64_t initrd_s = bi.initrd ? bi.initrd_start : 0, initrd_e = bi.initrd ? bi.initrd_end : 0;
    if (armv8_mem_init(&bi.fdt, dtb, initrd_s, initrd_e) != 0)
        arch_halt(HALT_REFUSED);
    if (armv8_mmu_init() != 0)
        arch_halt(HALT_REFUSED);
    armv8_el2_init();
    boot_gic_init(&bi, ~0ull);
    vblk_host_probe(&bi.fdt); /* host disks: after the MMU and the GIC */
    vblk_host_selftest(bi.bootargs);
    armv8_smp_start(&bi);
    struct stage2_format s2;
    if (arch_stage2_format(0, &s2))
        log_info("stage 2: %u-bit IPA, start level %u, %u concatenated table(s)\n", s2.ipa_bits,
                 s2.start_level, s2.concat);
    armv8_el2_selftests(bi.bootargs);
    boot_run_guest(&bi, &boot_armv8);
}
