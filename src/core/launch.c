/*
 * vm_launch: build a QEMU-virt-like VM from a guest_desc, run it to the end
 * and tear it down. Every arch's boot code ends up here.
 */
#include "core/launch.h"

#include "core/board.h"
#include "core/device.h"
#include "core/sched.h"
#include "core/vgic.h"
#include "core/vm.h"
#include "core/vpmu.h"
#include "lib/log.h"

static bool inside(uint64_t base, uint64_t size, uint64_t a, uint64_t len)
{
    return a >= base && len <= size && a - base <= size - len;
}

/* Both ranges already lie inside RAM: no overflow. */
static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

/* The extra images: each inside RAM, apart from the image and each other. */
static bool extras_fit(const struct guest_desc *d, ipa_t ram_base, uint64_t ram_size)
{
    for (unsigned i = 0; i < GUEST_EXTRA_MAX; i++) {
        const struct guest_extra *e = &d->extra[i];
        if (e->size == 0)
            continue;
        if (!e->data || !inside(ram_base, ram_size, e->ipa, e->size)) {
            log_err("vm %s: extra image %u (%llu bytes at 0x%llx) does not fit in RAM\n", d->name,
                    i, (unsigned long long)e->size, (unsigned long long)e->ipa);
            return false;
        }
        bool clash = overlap(e->ipa, e->size, d->load_ipa, d->image_size);
        for (unsigned j = 0; j < i; j++)
            clash = clash || overlap(e->ipa, e->size, d->extra[j].ipa, d->extra[j].size);
        if (clash) {
            log_err("vm %s: extra image %u at 0x%llx overlaps another image\n", d->name, i,
                    (unsigned long long)e->ipa);
            return false;
        }
    }
    return true;
}

/* Build the VM, run it to the end, tear it down; *reset: it asked for a
 * PSCI SYSTEM_RESET. */
static int launch_once(const struct guest_desc *desc, bool *reset)
{
    if (!desc || !desc->name || !desc->image) {
        log_err("vm_launch: no guest description, name or image\n");
        return -1;
    }
    const char *name = desc->name;
    ipa_t ram_base = desc->ram_base ? desc->ram_base : VIRT_RAM_BASE;
    uint64_t ram_size = desc->ram_size;
    unsigned nvcpus = desc->nvcpus ? desc->nvcpus : 1;

    if (ram_size == 0) {
        log_err("vm %s: no RAM size given\n", name);
        return -1;
    }
    if (!inside(ram_base, ram_size, desc->load_ipa, desc->image_size)) {
        log_err("vm %s: image of %llu bytes at 0x%llx does not fit in RAM 0x%llx-0x%llx\n", name,
                (unsigned long long)desc->image_size, (unsigned long long)desc->load_ipa,
                (unsigned long long)ram_base, (unsigned long long)(ram_base + ram_size - 1));
        return -1;
    }
    /* An entry point outside RAM would only ever take prefetch aborts. */
    if (!inside(ram_base, ram_size, desc->boot.pc, 2)) {
        log_err("vm %s: entry point 0x%llx is outside RAM 0x%llx-0x%llx\n", name,
                (unsigned long long)desc->boot.pc, (unsigned long long)ram_base,
                (unsigned long long)(ram_base + ram_size - 1));
        return -1;
    }
    if (!extras_fit(desc, ram_base, ram_size))
        return -1;

    struct vm *vm = vm_create(name, nvcpus, 0);
    if (!vm)
        return -1;        /* vm_create said why */
    vm->can_reset = true; /* desc stays ours until vm_launch returns */

    int code = -1;
    vm->console = desc->console;
    if (vm_add_ram(vm, ram_base, ram_size, S2_RWX) != 0)
        goto out; /* vm_add_ram said why */
    if (!vm_copy_to_guest(vm, desc->load_ipa, desc->image, desc->image_size)) {
        log_err("vm %s: cannot copy the image into guest RAM\n", name);
        goto out;
    }
    for (unsigned i = 0; i < GUEST_EXTRA_MAX; i++) {
        const struct guest_extra *e = &desc->extra[i];
        if (e->size && !vm_copy_to_guest(vm, e->ipa, e->data, e->size)) {
            log_err("vm %s: cannot copy extra image %u into guest RAM\n", name, i);
            goto out;
        }
        if (e->size && e->dtb)
            vpmu_guest_dtb(vm, e->data, e->size, e->ipa);
    }

    /* The GICv2 distributor at QEMU virt's address, only where the CPU has
     * list registers to deliver its interrupts (arch_vgic_lr_count). */
    if (arch_vgic_lr_count() > 0) {
        if (vgic_attach(vm, VGIC_DEFAULT_SPIS, VIRT_GICD_BASE) != 0)
            goto out;
        /* The guest's GICC_* accesses go straight to the hardware's virtual
         * CPU interface, where the arch has one. */
        paddr_t gicv;
        uint64_t gicv_size;
        if (arch_vgic_cpu_iface(&gicv, &gicv_size) &&
            vm_map_device_passthrough(vm, VIRT_GICC_BASE, gicv, gicv_size) != 0)
            goto out;
    }
    /* The devices of the description (by default the PL011 on SPI 1,
     * INTID 33, as on QEMU virt), through the registry src/vdev fills. */
    if (desc->devices ? vm_add_devices(vm, desc->devices, desc->ndevices) != 0
                      : board_add_devices(vm) != 0)
        goto out;

    for (unsigned i = 0; i < nvcpus; i++)
        vm->vcpus[i].affinity = desc->affinity[i];
    if (desc->slice_us)
        vm_set_slice_us(vm, desc->slice_us);
    /* vCPU 0 starts; the others are OFF until the guest's PSCI CPU_ON. */
    if (vcpu_start(vm, 0, &desc->boot) != 0) {
        log_err("vm %s: cannot start vcpu 0\n", name);
        goto out;
    }
    log_info("vm %s: starting at 0x%llx (%s, %llu MiB RAM at 0x%llx", name,
             (unsigned long long)desc->boot.pc,
             desc->boot.isa == ISA_A64   ? "A64"
             : desc->boot.isa == ISA_A32 ? "A32"
                                         : "T32",
             (unsigned long long)(ram_size >> 20), (unsigned long long)ram_base);
    if (nvcpus > 1)
        av_printf(", %u vCPUs", nvcpus);
    if (desc->slice_us)
        av_printf(", %u us time slices", desc->slice_us);
    av_printf(")\n");
    code = vcpu_run(&vm->vcpus[0]);
    log_info("vm %s: stopped, exit code %d\n", name, code);
    vm_print_stats(vm);
    sched_print_stats();
    *reset = vm->reset_requested;
out:
    vm_destroy(vm);
    return code;
}

int vm_launch(const struct guest_desc *desc)
{
    /* SYSTEM_RESET: the same image again, in fresh memory, from vCPU 0. */
    for (unsigned run = 1;; run++) {
        bool reset = false;
        int code = launch_once(desc, &reset);
        if (!reset)
            return code;
        log_info("vm %s: reset: run %u starts\n", desc->name, run + 1);
    }
}
