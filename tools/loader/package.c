/*
 * The package blob (docs/vm-package.md): header, section table, then
 * CONFIG, KERNEL, INITRD, DTB, DEVICES, AFFINITY (when a vCPU is pinned)
 * and SCHED (when a time slice is given), each on its own 4 KiB boundary,
 * and the
 * checksum over the whole. The result is parsed back with the hypervisor's
 * own vm_package_parse before anyone writes it: the loader never produces
 * a package armvisor would refuse.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/le.h"
#include "loader.h"

static size_t align_up(size_t v)
{
    return (v + VM_PKG_ALIGN - 1) / VM_PKG_ALIGN * VM_PKG_ALIGN;
}

static void config(const struct vm_plan *plan, uint8_t *c)
{
    memset(c, 0, VM_PKG_CFG_SIZE);
    strncpy((char *)c + VM_PKG_CFG_NAME, plan->name, VM_PKG_NAME_LEN - 1);
    put_le64(c + VM_PKG_CFG_RAM_BASE, plan->ram_base);
    put_le64(c + VM_PKG_CFG_RAM_SIZE, plan->ram_size);
    put_le32(c + VM_PKG_CFG_NVCPUS, plan->ncpus);
    put_le32(c + VM_PKG_CFG_ISA, plan->isa);
    put_le64(c + VM_PKG_CFG_KERNEL_IPA, plan->kernel_ipa);
    put_le64(c + VM_PKG_CFG_ENTRY, plan->entry);
    put_le64(c + VM_PKG_CFG_INITRD_IPA, plan->initrd_size ? plan->initrd_ipa : 0);
    put_le64(c + VM_PKG_CFG_DTB_IPA, plan->dtb_ipa);
    put_le32(c + VM_PKG_CFG_PROTOCOL, plan->protocol);
    /* The console field stays 0: the DEVICES section flags the device
     * that takes console input. */
}

/* The DEVICES section: count, then one entry per device. */
static void devices(const struct vm_plan *plan, uint8_t *s)
{
    memset(s, 0, VM_PKG_DEV_HDR + plan->ndevices * VM_PKG_DEV_SIZE);
    put_le32(s + VM_PKG_DEV_COUNT, plan->ndevices);
    for (unsigned i = 0; i < plan->ndevices; i++) {
        const struct vm_device *d = &plan->devices[i];
        uint8_t *e = s + VM_PKG_DEV_HDR + i * VM_PKG_DEV_SIZE;
        put_le32(e + VM_PKG_DEV_KIND, d->kind);
        put_le32(e + VM_PKG_DEV_FLAGS, d->flags);
        put_le64(e + VM_PKG_DEV_BASE, d->base);
        put_le64(e + VM_PKG_DEV_LEN, d->size);
        put_le32(e + VM_PKG_DEV_SPI, d->spi);
        put_le32(e + VM_PKG_DEV_DISK, d->disk);
        put_le64(e + VM_PKG_DEV_FIRST, d->first_sector);
        put_le64(e + VM_PKG_DEV_SECTORS, d->sectors);
    }
}

/* AFFINITY (docs/vm-package.md): a mask per vCPU, any CPU for those not
 * pinned; size 0 when no vCPU is pinned (no section). */
static size_t affinity(const struct vm_plan *plan, uint8_t *a)
{
    bool any = false;
    for (unsigned i = 0; i < plan->ncpus; i++)
        any = any || plan->pin[i];
    if (!any)
        return 0;
    put_le32(a + VM_PKG_AFF_COUNT, plan->ncpus);
    for (unsigned i = 0; i < plan->ncpus; i++)
        put_le32(a + VM_PKG_AFF_MASKS + 4u * i, plan->pin[i] ? plan->pin[i] : VM_PKG_AFF_ANY);
    return VM_PKG_AFF_MASKS + 4u * plan->ncpus;
}

/* SCHED (docs/vm-package.md): the time slice; size 0 when none was given
 * (no section). */
static size_t sched(const struct vm_plan *plan, uint8_t *s)
{
    if (!plan->slice_us)
        return 0;
    memset(s, 0, VM_PKG_SCHED_SIZE);
    put_le32(s + VM_PKG_SCHED_SLICE_US, plan->slice_us);
    return VM_PKG_SCHED_SIZE;
}

bool pin_parse(const char *arg, unsigned *vcpu, uint32_t *mask)
{
    const char *p = arg;
    if (*p < '0' || *p > '9' || p[1] != '=')
        return false;
    *vcpu = (unsigned)(*p - '0');
    if (*vcpu >= VM_PKG_MAX_VCPUS)
        return false;
    p += 2;
    *mask = 0;
    for (;;) {
        if (*p < '0' || *p > '9' || (unsigned)(*p - '0') >= VM_PKG_MAX_CPUS)
            return false;
        *mask |= 1u << (*p - '0');
        p++;
        if (*p == '\0')
            return true;
        if (*p != ',')
            return false;
        p++;
    }
}

int package_build(const struct vm_plan *plan, const struct file_buf *kernel,
                  const struct file_buf *initrd, const struct file_buf *dtb, struct file_buf *out)
{
    uint8_t cfg[VM_PKG_CFG_SIZE];
    config(plan, cfg);
    uint8_t devs[VM_PKG_DEV_HDR + VM_DEV_MAX * VM_PKG_DEV_SIZE];
    devices(plan, devs);
    uint8_t aff[VM_PKG_AFF_MASKS + 4u * VM_PKG_MAX_VCPUS];
    size_t aff_size = affinity(plan, aff);
    uint8_t sch[VM_PKG_SCHED_SIZE];
    size_t sched_size = sched(plan, sch);
    struct {
        uint32_t type;
        const uint8_t *data;
        size_t size;
    } sect[7];
    unsigned n = 0;
    sect[n++] = (typeof(sect[0])){VM_PKG_CONFIG, cfg, sizeof(cfg)};
    sect[n++] = (typeof(sect[0])){VM_PKG_KERNEL, kernel->data, kernel->size};
    if (initrd && initrd->size)
        sect[n++] = (typeof(sect[0])){VM_PKG_INITRD, initrd->data, initrd->size};
    sect[n++] = (typeof(sect[0])){VM_PKG_DTB, dtb->data, dtb->size};
    sect[n++] =
        (typeof(sect[0])){VM_PKG_DEVICES, devs, VM_PKG_DEV_HDR + plan->ndevices * VM_PKG_DEV_SIZE};
    if (aff_size)
        sect[n++] = (typeof(sect[0])){VM_PKG_AFFINITY, aff, aff_size};
    if (sched_size)
        sect[n++] = (typeof(sect[0])){VM_PKG_SCHED, sch, sched_size};

    size_t total = VM_PKG_ALIGN; /* header and table fit in the first page */
    for (unsigned i = 0; i < n; i++)
        total += align_up(sect[i].size);
    uint8_t *b = calloc(1, total);
    if (!b) {
        loader_error("out of memory for a %zu-byte package", total);
        return -1;
    }
    size_t off = VM_PKG_ALIGN;
    for (unsigned i = 0; i < n; i++) {
        uint8_t *e = b + VM_PKG_HDR_SIZE + i * VM_PKG_SECT_SIZE;
        put_le32(e + VM_PKG_SECT_TYPE, sect[i].type);
        put_le64(e + VM_PKG_SECT_OFFSET, off);
        put_le64(e + VM_PKG_SECT_LEN, sect[i].size);
        memcpy(b + off, sect[i].data, sect[i].size);
        off += align_up(sect[i].size);
    }
    memcpy(b, VM_PKG_MAGIC, VM_PKG_MAGIC_LEN);
    put_le32(b + VM_PKG_HDR_VERSION, VM_PKG_VERSION);
    put_le32(b + VM_PKG_HDR_HDRSIZE, VM_PKG_HDR_SIZE);
    put_le64(b + VM_PKG_HDR_TOTAL, total);
    put_le32(b + VM_PKG_HDR_NSECT, n);
    put_le64(b + VM_PKG_HDR_CHECKSUM, vm_package_checksum(b, total));

    struct vm_package check;
    const char *why = NULL;
    if (vm_package_parse(b, total, &check, &why) != 0) {
        loader_error("the package would be refused by armvisor: %s", why);
        free(b);
        return -1;
    }
    out->data = b;
    out->size = total;
    return 0;
}
