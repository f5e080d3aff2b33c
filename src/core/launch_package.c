/*
 * vm_launch_package: turn a parsed VM package (core/vm_package.h) into a
 * guest_desc and vm_launch it. The package was validated by
 * vm_package_parse; vm_launch checks the ranges again on its own terms.
 */
#include "core/launch.h"

#include "core/vm.h"
#include "core/vm_package.h"
#include "lib/log.h"

_Static_assert(VM_PKG_MAX_VCPUS <= VM_MAX_VCPUS, "a package may ask for more vCPUs than a VM has");
_Static_assert(VM_DEV_MAX <= MMIO_MAX_DEVICES - 1, "a package may list more devices than a bus has "
                                                   "room for beside the distributor");

static enum vcpu_isa isa_of(enum vm_pkg_isa isa)
{
    switch (isa) {
    case VM_PKG_ISA_A32:
        return ISA_A32;
    case VM_PKG_ISA_T32:
        return ISA_T32;
    case VM_PKG_ISA_A64:
        break;
    }
    return ISA_A64;
}

bool vm_package_ram_fits(const struct vm_package *pkg, uint64_t host_free)
{
    uint64_t avail = host_free > VM_HOST_RAM_SLACK ? host_free - VM_HOST_RAM_SLACK : 0;
    if (pkg->ram_size <= avail)
        return true;
    log_err("vm %s: the package asks for %llu MiB of guest RAM; this host has %llu MiB to give\n",
            pkg->name, (unsigned long long)(pkg->ram_size >> 20),
            (unsigned long long)(avail >> 20));
    return false;
}

int vm_launch_package(const struct vm_package *pkg)
{
    if (!pkg || !pkg->kernel.data) {
        log_err("vm_launch_package: no package\n");
        return -1;
    }
    struct guest_desc d = {
        .name = pkg->name,
        .image = pkg->kernel.data,
        .image_size = pkg->kernel.size,
        .ram_base = pkg->ram_base,
        .ram_size = pkg->ram_size,
        .load_ipa = pkg->kernel.ipa,
        .boot = {.isa = isa_of(pkg->isa),
                 .pc = pkg->entry,
                 .regs = {pkg->regs[0], pkg->regs[1], pkg->regs[2], pkg->regs[3]}},
        .nvcpus = pkg->nvcpus,
        .console = pkg->console == VM_PKG_CONSOLE_VIRTIO ? VM_CONSOLE_VIRTIO : VM_CONSOLE_PL011,
        .devices = pkg->devices,
        .ndevices = pkg->ndevices,
        .slice_us = pkg->slice_us,
    };
    for (unsigned i = 0; i < pkg->nvcpus && i < VM_MAX_VCPUS; i++)
        d.affinity[i] = pkg->affinity[i];
    unsigned n = 0;
    if (pkg->initrd.data)
        d.extra[n++] =
            (struct guest_extra){pkg->initrd.data, pkg->initrd.size, pkg->initrd.ipa, false};
    if (pkg->dtb.data)
        d.extra[n++] = (struct guest_extra){pkg->dtb.data, pkg->dtb.size, pkg->dtb.ipa, true};

    log_info("vm %s: package: %s kernel %llu bytes at 0x%llx, %s boot", pkg->name,
             vm_package_isa_name(pkg->isa), (unsigned long long)pkg->kernel.size,
             (unsigned long long)pkg->kernel.ipa, vm_package_protocol_name(pkg->protocol));
    if (pkg->initrd.data)
        av_printf(", initrd %llu bytes at 0x%llx", (unsigned long long)pkg->initrd.size,
                  (unsigned long long)pkg->initrd.ipa);
    if (pkg->dtb.data)
        av_printf(", DTB %llu bytes at 0x%llx", (unsigned long long)pkg->dtb.size,
                  (unsigned long long)pkg->dtb.ipa);
    if (pkg->console == VM_PKG_CONSOLE_VIRTIO)
        av_printf(", console input on virtio-console");
    av_printf("\n");
    if (pkg->has_device_list) {
        for (unsigned i = 0; i < pkg->ndevices; i++) {
            const struct vm_device *dv = &pkg->devices[i];
            log_info("vm %s: device %s at 0x%llx, SPI %u", pkg->name, vm_device_kind_name(dv->kind),
                     (unsigned long long)dv->base, dv->spi);
            if (dv->kind == VM_DEV_VIRTIO_BLK) {
                av_printf(", host disk %u from sector %llu", dv->disk,
                          (unsigned long long)dv->first_sector);
                if (dv->sectors)
                    av_printf(", %llu sectors", (unsigned long long)dv->sectors);
                else
                    av_printf(" to its end");
                if (dv->flags & VM_DEV_F_RO)
                    av_printf(", read-only");
            }
            av_printf("\n");
        }
    }
    return vm_launch(&d);
}
