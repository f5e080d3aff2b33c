/*
 * armv8_main: from boot.S to a running guest.
 *
 *  1. Refuse to run anywhere but EL2, or at an address other than the one
 *     we are linked at, with a message on the console.
 *  2. Find the machine in the DTB the loader passed in x0: the console
 *     PL011, the PSCI conduit, RAM, the GIC and the CPUs, the initrd.
 *  3. Page pool, EL2 MMU and caches, EL2 controls.
 *  4. The guest is the initrd (QEMU -initrd): a VM package from
 *     tools/loader (docs/vm-package.md) is parsed and launched as it says;
 *     anything else is a raw image: vm_launch it as A64 (A32 with -append
 *     armvisor.guest=a32) at 0x40000000 IPA with 128 MiB of RAM (less if
 *     the host has less). Then power off with the guest's exit code.
 */
#include "arch/arch.h"
#include "arch/armv8/armv8.h"
#include "arch/armv8/sysregs.h"
#include "core/launch.h"
#include "core/vm_package.h"
#include "lib/fdt.h"
#include "lib/log.h"

#define DTB_MAX_SIZE    (2u << 20) /* booting.rst: the DTB must not exceed 2 MiB */
#define GUEST_RAM_SIZE  (128ull << 20)
#define GUEST_RAM_SLACK VM_HOST_RAM_SLACK /* left for stage-2 tables */

_Noreturn void armv8_main(uint64_t dtb, uint64_t el, int64_t load_offset);

static struct fdt fdt;
static bool have_fdt;

/* Open the DTB at dtb if it looks like one. The pointer comes from the
 * loader; a misaligned or zero one is not dereferenced at all. */
static bool open_dtb(uint64_t dtb)
{
    if (dtb == 0 || (dtb & 7))
        return false;
    const void *p = (const void *)(uintptr_t)dtb;
    uint32_t size = fdt_header_size(p);
    if (size == 0 || size > DTB_MAX_SIZE)
        return false;
    return fdt_init(&fdt, p, size) == 0;
}

/* The console: /chosen stdout-path if it is a PL011, else the first
 * enabled "arm,pl011". Keeps the board default when the DTB has none. */
static void console_from_dtb(void)
{
    int n = fdt_chosen_stdout(&fdt);
    if (n < 0 || !fdt_is_compatible(&fdt, n, "arm,pl011") || !fdt_node_enabled(&fdt, n)) {
        for (n = fdt_node_by_compatible(&fdt, -1, "arm,pl011"); n >= 0;
             n = fdt_node_by_compatible(&fdt, n, "arm,pl011"))
            if (fdt_node_enabled(&fdt, n))
                break;
    }
    uint64_t base;
    if (n >= 0 && fdt_reg(&fdt, n, 0, &base, NULL) == 0)
        armv8_uart_set_base(base);
}

static void report_gic_and_cpus(void)
{
    static const char *const gics[] = {"arm,gic-v3", "arm,cortex-a15-gic", "arm,gic-400"};
    for (unsigned i = 0; i < sizeof(gics) / sizeof(gics[0]); i++) {
        int n = fdt_node_by_compatible(&fdt, -1, gics[i]);
        uint64_t dist, cpuif = 0;
        if (n >= 0 && fdt_reg(&fdt, n, 0, &dist, NULL) == 0) {
            (void)fdt_reg(&fdt, n, 1, &cpuif, NULL);
            log_info("GIC %s: distributor 0x%llx, %s 0x%llx\n", gics[i], (unsigned long long)dist,
                     i == 0 ? "redistributors" : "CPU interface", (unsigned long long)cpuif);
            break;
        }
    }
    uint64_t mpidr[8];
    int ncpus = fdt_cpus(&fdt, mpidr, 8);
    if (ncpus > 0)
        log_info("%d CPU(s) in the DTB; running on the boot CPU (MPIDR 0x%llx) only\n", ncpus,
                 (unsigned long long)(read_sysreg(mpidr_el1) & 0xff00ffffffull));
    else
        log_warn("no CPUs in the DTB (%d)\n", ncpus);
}

/* The bootargs word that makes armvisor fault at EL2 on purpose, to test
 * the EL2 exception report (QEMU: -append armvisor.el2_fault_test). */
#define EL2_FAULT_TEST_ARG "armvisor.el2_fault_test"
/* The bootargs word that runs the image as two interleaved VMs (two_vms.c). */
#define TWO_VMS_ARG "armvisor.selftest=two_vms"
/* The bootargs word that starts the guest image in AArch32 (A32, SVC). */
#define GUEST_A32_ARG "armvisor.guest=a32"
/* And the one that makes it write to its own (read-only) text. */
#define EL2_WX_TEST_ARG "armvisor.el2_wx_test"
/* Unmapped in the EL2 map: above 4 GiB and not RAM (mmu.c). */
#define EL2_FAULT_TEST_VA 0x8000000000ull

static bool bootargs_has(const char *word)
{
    const char *a = fdt_chosen_bootargs(&fdt);
    if (!a)
        return false;
    for (;;) {
        while (*a == ' ')
            a++;
        if (!*a)
            return false;
        const char *w = word;
        while (*w && *a == *w) {
            a++;
            w++;
        }
        if (!*w && (*a == ' ' || *a == 0))
            return true;
        while (*a && *a != ' ')
            a++;
    }
}

static void el2_fault_selftest(void)
{
    if (bootargs_has(EL2_WX_TEST_ARG)) {
        /* W^X: our own text is read-only at EL2 (mmu.c). */
        volatile uint32_t *text = (volatile uint32_t *)(uintptr_t)__text_start;
        log_info("%s: writing to text at 0x%llx\n", EL2_WX_TEST_ARG,
                 (unsigned long long)(uintptr_t)text);
        text[0] = text[0];
        log_err("%s: the write did not fault\n", EL2_WX_TEST_ARG);
    }
    if (!bootargs_has(EL2_FAULT_TEST_ARG))
        return;
    log_info("%s: reading 0x%llx at EL2\n", EL2_FAULT_TEST_ARG,
             (unsigned long long)EL2_FAULT_TEST_VA);
    (void)*(volatile uint64_t *)(uintptr_t)EL2_FAULT_TEST_VA;
    log_err("%s: the read did not fault\n", EL2_FAULT_TEST_ARG);
}

/* The initrd is a VM package: check it all, then launch it. RAM comes
 * from the package; refused if the page pool cannot hold it. */
static _Noreturn void launch_package(const void *blob, uint64_t len, uint64_t host_free)
{
    struct vm_package pkg;
    const char *why = "?";
    if (vm_package_parse(blob, (size_t)len, &pkg, &why) != 0) {
        log_err("the guest package is refused: %s\n", why);
        arch_halt(2);
    }
    if (!vm_package_ram_fits(&pkg, host_free))
        arch_halt(2);
    int code = vm_launch_package(&pkg);
    log_info("guest finished with %d\n", code);
    arch_halt(code);
}

static _Noreturn void wrong_el(uint64_t el)
{
    log_err("entered at EL%llu, but armvisor runs at EL2 (hypervisor mode). "
            "QEMU: -M virt,virtualization=on\n",
            (unsigned long long)el);
    arch_halt(2);
}

_Noreturn void armv8_main(uint64_t dtb, uint64_t el, int64_t load_offset)
{
    /* Until the DTB is read: the board default UART, PSCI by our EL. */
    have_fdt = open_dtb(dtb);
    if (have_fdt) {
        console_from_dtb();
        armv8_psci_probe(&fdt);
    }
    if (el != 2)
        wrong_el(el);
    write_sysreg(vbar_el2, (uint64_t)(uintptr_t)armv8_el2_vectors);
    isb();

    log_info("armv8 at EL2, CPU MIDR 0x%llx, console PL011 at 0x%llx\n",
             (unsigned long long)read_sysreg(midr_el1), (unsigned long long)armv8_uart_base());
    if (load_offset != 0) {
        log_err("loaded at 0x%llx but linked at 0x%llx: this image is not relocatable; the "
                "loader must honour the Image header's text_offset\n",
                (unsigned long long)((uint64_t)(uintptr_t)__image_start + (uint64_t)load_offset),
                (unsigned long long)(uintptr_t)__image_start);
        arch_halt(2);
    }
    if (!have_fdt) {
        log_err("no valid device tree at x0 = 0x%llx: cannot find RAM (boot through a "
                "loader that passes a DTB, e.g. QEMU -kernel with this Image)\n",
                (unsigned long long)dtb);
        arch_halt(2);
    }
    log_info("DTB at 0x%llx, %u bytes\n", (unsigned long long)dtb, fdt.totalsize);
    report_gic_and_cpus();

    uint64_t initrd_s = 0, initrd_e = 0;
    int ir = fdt_chosen_initrd(&fdt, &initrd_s, &initrd_e);
    if (ir == FDT_EBADVALUE) {
        log_err("malformed /chosen linux,initrd-start/end in the DTB\n");
        arch_halt(2);
    }
    if (armv8_mem_init(&fdt, dtb, initrd_s, initrd_e) != 0)
        arch_halt(2);
    if (armv8_mmu_init() != 0)
        arch_halt(2);
    armv8_el2_init();
    armv8_gic_init(&fdt);
    struct stage2_format s2;
    if (arch_stage2_format(0, &s2))
        log_info("stage 2: %u-bit IPA, start level %u, %u concatenated table(s)\n", s2.ipa_bits,
                 s2.start_level, s2.concat);
    el2_fault_selftest();

    if (ir != 0 || initrd_e == initrd_s) {
        log_err("no guest image: pass one as the initrd (QEMU: -initrd guest.bin)\n");
        arch_halt(1);
    }
    if (!armv8_pa_is_ram(initrd_s, initrd_e - initrd_s)) {
        log_err("the initrd 0x%llx-0x%llx is not in RAM\n", (unsigned long long)initrd_s,
                (unsigned long long)initrd_e);
        arch_halt(2);
    }

    uint64_t avail = (uint64_t)armv8_pages_free() << PAGE_SHIFT;
    uint64_t ram = GUEST_RAM_SIZE;
    if (avail < ram + GUEST_RAM_SLACK)
        ram = avail > GUEST_RAM_SLACK ? (avail - GUEST_RAM_SLACK) & ~((2ull << 20) - 1) : 0;
    log_info("guest image 0x%llx-0x%llx (%llu bytes)\n", (unsigned long long)initrd_s,
             (unsigned long long)initrd_e, (unsigned long long)(initrd_e - initrd_s));
    const void *initrd = (const void *)(uintptr_t)initrd_s;
    if (vm_package_is_package(initrd, initrd_e - initrd_s))
        launch_package(initrd, initrd_e - initrd_s, avail);

    /* The image is A64 unless the bootargs say it is AArch32 (an initrd
     * carries no header to tell). AArch32 gets the ARMv7 Linux registers:
     * r0 = 0, r1 = machine type ~0 (DT-only), r2 = DTB (none yet). */
    bool a32 = bootargs_has(GUEST_A32_ARG);
    struct guest_desc g = {
        .name = "guest0",
        .image = (const void *)(uintptr_t)initrd_s,
        .image_size = initrd_e - initrd_s,
        .ram_base = VIRT_RAM_BASE,
        .ram_size = ram,
        .load_ipa = VIRT_RAM_BASE,
        .boot = {.isa = a32 ? ISA_A32 : ISA_A64,
                 .pc = VIRT_RAM_BASE,
                 .regs = {0, a32 ? 0xffffffffu : 0, 0, 0}},
        .nvcpus = 1,
    };
    if (bootargs_has(TWO_VMS_ARG)) {
        int r = armv8_two_vms(g.image, g.image_size);
        log_info("two_vms: %s\n", r == 0 ? "both VMs passed" : "FAILED");
        arch_halt(r);
    }
    int code = vm_launch(&g);
    log_info("guest finished with %d\n", code);
    arch_halt(code);
}
