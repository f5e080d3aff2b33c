/*
 * Finding and starting the host's virtio-blk devices (vblk_host.h): the
 * virtio,mmio nodes of the host DTB, told apart by their DeviceID register
 * (QEMU gives every transport slot a node, most of them empty, ID 0), then
 * the driver initialization of Virtio 1.2 section 3.1.1 for the modern
 * (Version 2) virtio-mmio transport, section 4.2.3.
 */
#include "arch/virtio_blk/vblk_host.h"

#include "arch/barrier.h"
#include "arch/boot/boot.h"
#include "arch/gicv2/gicv2.h"
#include "arch/virtio_blk/vblk_host_dev.h"
#include "lib/log.h"
#include "vdev/virtio_blk.h"
#include "vdev/virtio_mmio.h"
#include "vdev/virtio_mmio_regs.h"

/* A device reset completes when Status reads 0 (4.2.3.1.1); QEMU's does at
 * once. Reads before giving up on a device that never does. */
#define RESET_POLLS 100000u

/* What this driver accepts of what a device offers; VERSION_1 it needs. */
#define WANTED_FEATURES                                                                            \
    ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_BLK_F_SIZE_MAX) |                              \
     (1ull << VIRTIO_BLK_F_SEG_MAX) | (1ull << VIRTIO_BLK_F_RO) |                                  \
     (1ull << VIRTIO_BLK_F_BLK_SIZE) | (1ull << VIRTIO_BLK_F_FLUSH))

static struct vblk_host disks[VBLK_HOST_MAX];
static unsigned ndisks;

static bool has(const struct vblk_host *d, unsigned f)
{
    return (d->features >> f) & 1;
}

static bool dev_reset(const struct vblk_host *d)
{
    vblk_wr(d, VIRTIO_MMIO_STATUS, 0);
    for (unsigned i = 0; i < RESET_POLLS; i++)
        if (vblk_rd(d, VIRTIO_MMIO_STATUS) == 0)
            return true;
    return false;
}

/* A device-specific configuration field, read consistently: ConfigGeneration
 * the same before and after (4.2.2: a 64-bit field takes two reads). */
static uint64_t config_read(const struct vblk_host *d, uint32_t off, bool wide)
{
    for (;;) {
        uint32_t gen = vblk_rd(d, VIRTIO_MMIO_CONFIG_GENERATION);
        uint64_t v = vblk_rd(d, VIRTIO_MMIO_CONFIG + off);
        if (wide)
            v |= (uint64_t)vblk_rd(d, VIRTIO_MMIO_CONFIG + off + 4) << 32;
        if (vblk_rd(d, VIRTIO_MMIO_CONFIG_GENERATION) == gen)
            return v;
    }
}

static void add_status(const struct vblk_host *d, uint32_t bits)
{
    vblk_wr(d, VIRTIO_MMIO_STATUS, vblk_rd(d, VIRTIO_MMIO_STATUS) | bits);
}

/* Give a device up halfway: FAILED (3.1.1 step 8), and why. */
static bool refuse(const struct vblk_host *d, const char *why)
{
    add_status(d, VIRTIO_CONFIG_S_FAILED);
    log_warn("%s: %s: not used\n", d->name, why);
    return false;
}

static bool negotiate(struct vblk_host *d)
{
    uint64_t offered = 0;
    for (uint32_t sel = 0; sel < 2; sel++) {
        vblk_wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, sel);
        offered |= (uint64_t)vblk_rd(d, VIRTIO_MMIO_DEVICE_FEATURES) << (32 * sel);
    }
    if (!((offered >> VIRTIO_F_VERSION_1) & 1))
        return refuse(d, "no VIRTIO_F_VERSION_1 offered");
    d->features = offered & WANTED_FEATURES;
    for (uint32_t sel = 0; sel < 2; sel++) {
        vblk_wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, sel);
        vblk_wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(d->features >> (32 * sel)));
    }
    add_status(d, VIRTIO_CONFIG_S_FEATURES_OK);
    /* The device may refuse the subset (3.1.1 step 6). */
    if (!(vblk_rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK))
        return refuse(d, "features not accepted (FEATURES_OK cleared)");
    return true;
}

/* Queue 0, the request queue (5.2.2), in a fresh page (4.2.3.2). */
static bool queue_setup(struct vblk_host *d)
{
    vblk_wr(d, VIRTIO_MMIO_QUEUE_SEL, 0);
    if (vblk_rd(d, VIRTIO_MMIO_QUEUE_READY) != 0)
        return refuse(d, "queue 0 ready before it was set up");
    uint32_t max = vblk_rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
    if (max == 0)
        return refuse(d, "queue 0 not available (QueueNumMax 0)");
    uint16_t size = VRING_DRV_MAX;
    while (size > max)
        size >>= 1;
    d->dma_pa = arch_page_alloc(1);
    if (!d->dma_pa || !vring_drv_init(&d->ring, size))
        return refuse(d, "no memory for its queue");
    d->dma = arch_pa_to_va(d->dma_pa);
    const struct vring_drv *r = &d->ring;
    vblk_wr(d, VIRTIO_MMIO_QUEUE_NUM, size);
    vblk_wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)r->desc_pa);
    vblk_wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(r->desc_pa >> 32));
    vblk_wr(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)r->avail_pa);
    vblk_wr(d, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(r->avail_pa >> 32));
    vblk_wr(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)r->used_pa);
    vblk_wr(d, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(r->used_pa >> 32));
    dsb_sy(); /* the rings' zeroed page before the device is told of it */
    vblk_wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
    return true;
}

/* Capacity, read-only, segment limits from the configuration (5.2.4). */
static void read_config(struct vblk_host *d)
{
    d->be.sectors = config_read(d, VIRTIO_BLK_CFG_CAPACITY, true);
    d->be.read_only = has(d, VIRTIO_BLK_F_RO);
    /* Two descriptors of each chain are the header and the status. */
    d->seg_max = d->ring.size - 2;
    if (has(d, VIRTIO_BLK_F_SEG_MAX)) {
        uint32_t s = (uint32_t)config_read(d, VIRTIO_BLK_CFG_SEG_MAX, false);
        if (s && s < d->seg_max)
            d->seg_max = s;
    }
    if (d->seg_max > BLK_MAX_SEGS)
        d->seg_max = BLK_MAX_SEGS;
    d->size_max = has(d, VIRTIO_BLK_F_SIZE_MAX)
                      ? (uint32_t)config_read(d, VIRTIO_BLK_CFG_SIZE_MAX, false)
                      : 0;
}

/* 3.1.1 for one device at base whose DeviceID said block. */
static bool dev_start(struct vblk_host *d)
{
    if (!dev_reset(d)) {
        log_warn("%s: does not come out of reset: not used\n", d->name);
        return false;
    }
    add_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    add_status(d, VIRTIO_CONFIG_S_DRIVER);
    if (!negotiate(d) || !queue_setup(d))
        return false;
    read_config(d);
    /* Completions come by interrupt only: no interrupt, no disk. */
    if (!gicv2_device_irq(d->intid, vblk_host_irq, d))
        return refuse(d, "its interrupt cannot be taken (no GIC, or no SPI in the DTB)");
    add_status(d, VIRTIO_CONFIG_S_DRIVER_OK);
    return true;
}

static void probe_node(const struct fdt *fdt, int node)
{
    uint64_t base, size;
    if (fdt_reg(fdt, node, 0, &base, &size) != 0 || size < VIRTIO_MMIO_SIZE ||
        base + size > (1ull << 32) || (base & 3))
        return; /* the hypervisor maps devices below 4 GiB only */
    const volatile uint32_t *regs = (const volatile uint32_t *)(uintptr_t)base;
    if (regs[VIRTIO_MMIO_MAGIC_VALUE / 4] != VIRTIO_MMIO_MAGIC)
        return;
    uint32_t version = regs[VIRTIO_MMIO_VERSION / 4];
    uint32_t id = regs[VIRTIO_MMIO_DEVICE_ID / 4];
    if (id != VIRTIO_ID_BLOCK)
        return;
    if (version != VIRTIO_MMIO_VERSION_MODERN) {
        log_warn("virtio-blk@0x%llx: virtio-mmio Version %u (1 is the legacy interface): "
                 "armvisor drives Version 2 only (QEMU: -global "
                 "virtio-mmio.force-legacy=false): not used\n",
                 (unsigned long long)base, version);
        return;
    }
    if (ndisks == VBLK_HOST_MAX) {
        log_warn("virtio-blk@0x%llx: more than %u host disks: not used\n", (unsigned long long)base,
                 VBLK_HOST_MAX);
        return;
    }
    struct vblk_host *d = &disks[ndisks];
    *d = (struct vblk_host){.base = base};
    d->intid = boot_dtb_intid(fdt, node);
    av_snprintf(d->name, sizeof(d->name), "virtio-blk@0x%llx", (unsigned long long)base);
    d->be = (struct blk_backend){.name = d->name, .submit = vblk_host_submit, .priv = d};
    if (d->intid < 32) {
        log_warn("%s: no SPI in the DTB: not used\n", d->name);
        return;
    }
    if (!dev_start(d))
        return;
    ndisks++;
    int index = blk_host_disk_register(&d->be);
    log_info("%s: host disk %d: %llu sectors (%llu MiB), %s, flush %s, %u segments per "
             "request, queue %u, INTID %u\n",
             d->name, index, (unsigned long long)d->be.sectors,
             (unsigned long long)(d->be.sectors >> 11),
             d->be.read_only ? "read-only" : "read-write",
             has(d, VIRTIO_BLK_F_FLUSH) ? "yes" : "not offered (writes go through)", d->seg_max,
             d->ring.size, d->intid);
}

void vblk_host_probe(const struct fdt *fdt)
{
    for (int n = fdt_node_by_compatible(fdt, -1, "virtio,mmio"); n >= 0;
         n = fdt_node_by_compatible(fdt, n, "virtio,mmio"))
        if (fdt_node_enabled(fdt, n))
            probe_node(fdt, n);
}
