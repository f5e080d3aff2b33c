/*
 * The VM's device list (core/vm_device.h), written into the package's
 * DEVICES section and described in the guest DTB: the PL011 at QEMU virt's
 * address; with --console virtio a virtio-console in the first virtio-mmio
 * slot; then one virtio-blk per --disk, in the next slots, in command-line
 * order. The PL011 or the virtio-console is flagged as the device that
 * takes what is typed.
 *
 * --disk host:N[,ro][,first=SECTOR][,count=SECTORS]: host disk N (0-7, as
 * armvisor numbers the disks it finds), from SECTOR (512-byte sectors,
 * default 0) for SECTORS (default 0: to the disk's end), read-only with ro.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

/* A whole number (0x hexadecimal or decimal) below limit. */
static bool number(const char *s, size_t len, uint64_t limit, uint64_t *out)
{
    char buf[32];
    if (len == 0 || len >= sizeof(buf) || s[0] == '-' || s[0] == '+' || s[0] == ' ')
        return false;
    memcpy(buf, s, len);
    buf[len] = 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 0);
    if (errno || *end || v >= limit)
        return false;
    *out = v;
    return true;
}

/* [a, a+alen) and [b, b+blen) meet; a length 0 runs to the disk's end. */
static bool meet(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    bool a_before_b_end = blen == 0 || a < b + blen;
    bool b_before_a_end = alen == 0 || b < a + alen;
    return a_before_b_end && b_before_a_end;
}

int disk_option(struct vm_plan *plan, const char *arg)
{
    if (plan->ndisks == VM_DEV_MAX_BLK) {
        loader_error("--disk %s: at most %u disks", arg, VM_DEV_MAX_BLK);
        return -1;
    }
    struct loader_disk d = {0};
    const char *p = arg;
    size_t len = strcspn(p, ",");
    uint64_t v;
    if (len < 6 || strncmp(p, "host:", 5) != 0 || !number(p + 5, len - 5, VM_DEV_DISK_MAX, &v)) {
        loader_error("--disk %s: want host:N (N 0-%u, the host's disks as armvisor finds them), "
                     "then ,ro ,first=SECTOR ,count=SECTORS",
                     arg, VM_DEV_DISK_MAX - 1);
        return -1;
    }
    d.index = (unsigned)v;
    for (p += len; *p == ','; p += len) {
        p++;
        len = strcspn(p, ",");
        if (len == 2 && strncmp(p, "ro", 2) == 0) {
            d.ro = true;
        } else if (len > 6 && strncmp(p, "first=", 6) == 0 &&
                   number(p + 6, len - 6, VM_DEV_SECTOR_LIMIT, &d.first)) {
        } else if (len > 6 && strncmp(p, "count=", 6) == 0 &&
                   number(p + 6, len - 6, VM_DEV_SECTOR_LIMIT, &d.count) && d.count) {
        } else {
            loader_error("--disk %s: '%.*s': want ro, first=SECTOR or count=SECTORS (a sector "
                         "number below 2^54, a count above 0)",
                         arg, (int)len, p);
            return -1;
        }
    }
    if (d.count > VM_DEV_SECTOR_LIMIT - d.first) {
        loader_error("--disk %s: the range ends beyond 2^54 sectors", arg);
        return -1;
    }
    /* Two ranges of one host disk that meet would see each other's writes:
     * refused unless both are read-only (armvisor refuses it too). */
    for (unsigned i = 0; i < plan->ndisks; i++) {
        const struct loader_disk *o = &plan->disks[i];
        if (o->index == d.index && (!o->ro || !d.ro) &&
            meet(d.first, d.count, o->first, o->count)) {
            loader_error("--disk %s: overlaps an earlier --disk on host:%u that is not read-only",
                         arg, d.index);
            return -1;
        }
    }
    plan->disks[plan->ndisks++] = d;
    return 0;
}

static struct vm_device in_slot(uint32_t kind, unsigned slot, uint32_t flags)
{
    return (struct vm_device){.kind = kind,
                              .flags = flags,
                              .base = VIRT_VIRTIO_BASE + (uint64_t)slot * VIRT_VIRTIO_SIZE,
                              .size = VIRT_VIRTIO_SIZE,
                              .spi = VIRT_VIRTIO_SPI + slot};
}

void devices_plan(struct vm_plan *plan)
{
    bool virtio_console = plan->console == VM_PKG_CONSOLE_VIRTIO;
    unsigned n = vm_device_defaults(plan->devices, virtio_console);
    unsigned slot = virtio_console ? 1 : 0;
    for (unsigned i = 0; i < plan->ndisks; i++) {
        const struct loader_disk *d = &plan->disks[i];
        struct vm_device dev = in_slot(VM_DEV_VIRTIO_BLK, slot++, d->ro ? VM_DEV_F_RO : 0);
        dev.disk = d->index;
        dev.first_sector = d->first;
        dev.sectors = d->count;
        plan->devices[n++] = dev;
    }
    plan->ndevices = n;
}
