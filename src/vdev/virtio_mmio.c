/*
 * virtio-mmio transport, Version 2 register layout (Virtio 1.2 section
 * 4.2.2, table "MMIO Device Register Layout"); virtio_mmio.h says what it
 * owns. Register names below are the spec's.
 */
#include "vdev/virtio_mmio.h"
#include "vdev/virtio_mmio_regs.h"

#include "lib/log.h"

#define MAGIC   VIRTIO_MMIO_MAGIC
#define VERSION VIRTIO_MMIO_VERSION_MODERN /* no legacy interface */
/* VendorID: ours ("AVSR" read as ASCII from the low byte up). */
#define VENDOR 0x52535641u

/* The transport's own feature bits on offer (6 Reserved Feature Bits). */
#define TRANSPORT_FEATURES                                                                         \
    ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_INDIRECT_DESC) | (1ull << VIRTIO_F_EVENT_IDX))

static void vmmio_reset(struct mmio_dev *dev)
{
    virtio_mmio_reset(dev->priv);
}

static const struct mmio_ops vmmio_ops = {.access = virtio_mmio_access, .reset = vmmio_reset};

static void say_once(struct virtio_mmio *vd, const char *what)
{
    if (vd->logged)
        return;
    vd->logged = true;
    log_warn("virtio-mmio@0x%llx: %s (further misuse of this device not logged)\n",
             (unsigned long long)vd->dev.base, what);
}

static void irq_update(struct virtio_mmio *vd)
{
    if (vd->irq_set)
        vd->irq_set(vd->irq_ctx, vd->int_status != 0);
}

uint64_t virtio_mmio_device_features(const struct virtio_mmio *vd)
{
    return vd->ops->features | TRANSPORT_FEATURES;
}

bool virtio_mmio_has(const struct virtio_mmio *vd, unsigned f)
{
    return f < 64 && (vd->status & VIRTIO_CONFIG_S_FEATURES_OK) && ((vd->driver_features >> f) & 1);
}

/* Device reset (2.4): back to the state after power-on; every buffer the
 * driver had made available is forgotten. */
static void device_reset(struct virtio_mmio *vd)
{
    vd->status = 0;
    vd->dev_features_sel = vd->drv_features_sel = vd->queue_sel = 0;
    vd->driver_features = 0;
    vd->int_status = 0;
    for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
        vd->q[i] = (struct virtio_mmio_queue){0};
    if (vd->ops->reset)
        vd->ops->reset(vd);
    irq_update(vd);
}

void virtio_mmio_reset(struct virtio_mmio *vd)
{
    device_reset(vd);
}

void virtio_mmio_init(struct virtio_mmio *vd, ipa_t base, const struct virtio_dev_ops *ops,
                      void *priv, const struct virtq_mem *mem)
{
    *vd = (struct virtio_mmio){0};
    vd->dev.name = "virtio-mmio";
    vd->dev.base = base;
    vd->dev.size = VIRTIO_MMIO_SIZE;
    vd->dev.ops = &vmmio_ops;
    vd->dev.priv = vd;
    vd->ops = ops;
    vd->priv = priv;
    vd->mem = mem;
    device_reset(vd);
}

struct virtq *virtio_mmio_queue(struct virtio_mmio *vd, unsigned q)
{
    if (q >= vd->ops->nqueues || !vd->q[q].ready || !(vd->status & VIRTIO_CONFIG_S_DRIVER_OK) ||
        (vd->status & VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET))
        return NULL;
    return &vd->q[q].vq;
}

void virtio_mmio_used(struct virtio_mmio *vd, unsigned q)
{
    struct virtq *vq = virtio_mmio_queue(vd, q);
    if (vq && virtq_should_notify(vq)) {
        vd->int_status |= VIRTIO_MMIO_INT_VRING;
        irq_update(vd);
    }
}

void virtio_mmio_config_changed(struct virtio_mmio *vd)
{
    vd->config_generation++;
    if (vd->status & VIRTIO_CONFIG_S_DRIVER_OK) {
        vd->int_status |= VIRTIO_MMIO_INT_CONFIG;
        irq_update(vd);
    }
}

void virtio_mmio_needs_reset(struct virtio_mmio *vd, const char *why)
{
    if (vd->status & VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET)
        return;
    say_once(vd, why);
    vd->status |= VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET;
    /* 2.1.2: with DRIVER_OK set, the device MUST send a configuration
     * change notification after setting DEVICE_NEEDS_RESET. */
    if (vd->status & VIRTIO_CONFIG_S_DRIVER_OK) {
        vd->int_status |= VIRTIO_MMIO_INT_CONFIG;
        irq_update(vd);
    }
}

bool virtio_mmio_pop_ok(struct virtio_mmio *vd, unsigned q, enum virtq_result r,
                        const struct virtq_chain *c)
{
    switch (r) {
    case VIRTQ_OK:
        return true;
    case VIRTQ_EMPTY:
        return false;
    case VIRTQ_BAD_CHAIN:
        say_once(vd, "malformed descriptor chain (outside RAM, overflowing, looping or a bad "
                     "indirect table): returned unprocessed");
        if (q < VIRTIO_MMIO_MAX_QUEUES && virtq_push(&vd->q[q].vq, c->head, 0))
            virtio_mmio_used(vd, q);
        else
            virtio_mmio_needs_reset(vd, "used ring not writable");
        return false;
    case VIRTQ_BROKEN:
        virtio_mmio_needs_reset(vd, "virtqueue rings inconsistent (avail index ran ahead, head "
                                    "out of range or ring outside RAM): device needs reset");
        return false;
    }
    return false;
}

/* The features the driver may accept: a subset of ours, VERSION_1 among
 * them. A modern-only device offers VERSION_1 and may refuse to work for a
 * driver that does not take it (6.2, device requirements on the reserved
 * feature bits); we refuse at FEATURES_OK, where the driver learns of it. */
static bool features_ok(const struct virtio_mmio *vd)
{
    uint64_t f = vd->driver_features;
    return (f & ~virtio_mmio_device_features(vd)) == 0 && ((f >> VIRTIO_F_VERSION_1) & 1);
}

/* Status write (2.1, 3.1.1): 0 resets; otherwise the driver only adds bits,
 * in the order of 3.1.1; FEATURES_OK sticks only for an acceptable feature
 * set (the driver re-reads it to find out), DRIVER_OK only after it. */
static void status_write(struct virtio_mmio *vd, uint32_t v)
{
    if (v == 0) {
        device_reset(vd);
        return;
    }
    uint32_t keep = vd->status & VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET;
    uint32_t old = vd->status & ~VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET;
    v &= 0xffu & ~VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET;
    if (old & ~v) {
        say_once(vd, "status bits cleared without a reset: ignored");
        return;
    }
    uint32_t added = v & ~old;
    if ((added & VIRTIO_CONFIG_S_DRIVER) && !(v & VIRTIO_CONFIG_S_ACKNOWLEDGE))
        added &= ~VIRTIO_CONFIG_S_DRIVER;
    if (added & VIRTIO_CONFIG_S_FEATURES_OK) {
        if (!(v & VIRTIO_CONFIG_S_DRIVER) || !features_ok(vd)) {
            say_once(vd, "driver features refused (not a subset of the device's, or no "
                         "VIRTIO_F_VERSION_1): FEATURES_OK stays clear");
            added &= ~VIRTIO_CONFIG_S_FEATURES_OK;
        }
    }
    if ((added & VIRTIO_CONFIG_S_DRIVER_OK) && !((old | added) & VIRTIO_CONFIG_S_FEATURES_OK)) {
        say_once(vd, "DRIVER_OK before FEATURES_OK: ignored");
        added &= ~VIRTIO_CONFIG_S_DRIVER_OK;
    }
    vd->status = old | added | keep;
}

static void queue_ready_write(struct virtio_mmio *vd, struct virtio_mmio_queue *q, uint32_t v)
{
    if (!(v & 1)) {
        q->ready = false;
        return;
    }
    if (q->ready)
        return;
    if (!(vd->status & VIRTIO_CONFIG_S_FEATURES_OK)) {
        say_once(vd, "queue made ready before FEATURES_OK: ignored");
        return;
    }
    if (vd->status & VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET)
        return;
    if (q->num > vd->ops->queue_max ||
        !virtq_init(&q->vq, vd->mem, q->num, q->desc, q->driver, q->device,
                    virtio_mmio_has(vd, VIRTIO_F_INDIRECT_DESC),
                    virtio_mmio_has(vd, VIRTIO_F_EVENT_IDX))) {
        virtio_mmio_needs_reset(vd, "queue size not a power of 2 up to QueueNumMax, or a "
                                    "misaligned or non-RAM ring address: device needs reset");
        return;
    }
    q->ready = true;
}

/* The 64-bit queue addresses, one half at a time; only while not ready
 * (4.2.3.2: the driver sets them up before QueueReady). */
static void set_half(uint64_t *a, bool high, uint32_t v)
{
    *a = high ? (*a & 0xffffffffull) | (uint64_t)v << 32 : (*a & ~0xffffffffull) | v;
}

static void reg_write(struct virtio_mmio *vd, uint32_t reg, uint32_t v)
{
    struct virtio_mmio_queue *q = vd->queue_sel < vd->ops->nqueues ? &vd->q[vd->queue_sel] : NULL;
    switch (reg) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
        vd->dev_features_sel = v;
        return;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        if (!(vd->status & VIRTIO_CONFIG_S_DRIVER) || (vd->status & VIRTIO_CONFIG_S_FEATURES_OK)) {
            say_once(vd, "DriverFeatures written outside feature negotiation: ignored");
            return;
        }
        if (vd->drv_features_sel < 2)
            set_half(&vd->driver_features, vd->drv_features_sel == 1, v);
        return;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
        vd->drv_features_sel = v;
        return;
    case VIRTIO_MMIO_QUEUE_SEL:
        vd->queue_sel = v;
        return;
    case VIRTIO_MMIO_QUEUE_NUM:
        if (q && !q->ready)
            q->num = (uint16_t)(v > 0xffff ? 0 : v); /* checked at QueueReady */
        return;
    case VIRTIO_MMIO_QUEUE_READY:
        if (q)
            queue_ready_write(vd, q, v);
        return;
    case VIRTIO_MMIO_QUEUE_NOTIFY:
        /* The queue's index (no VIRTIO_F_NOTIFICATION_DATA offered). */
        if (v < vd->ops->nqueues && virtio_mmio_queue(vd, v) && vd->ops->notify)
            vd->ops->notify(vd, v);
        return;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        vd->int_status &= ~v;
        irq_update(vd);
        return;
    case VIRTIO_MMIO_STATUS:
        status_write(vd, v);
        return;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        if (!q || q->ready) {
            say_once(vd, "queue address written while the queue is ready (or no such queue): "
                         "ignored");
            return;
        }
        uint64_t *a = reg < VIRTIO_MMIO_QUEUE_DRIVER_LOW   ? &q->desc
                      : reg < VIRTIO_MMIO_QUEUE_DEVICE_LOW ? &q->driver
                                                           : &q->device;
        set_half(a, reg & 4, v);
        return;
    case VIRTIO_MMIO_SHM_SEL:
        return; /* no shared memory regions */
    }
    say_once(vd, "write to a read-only or reserved register: ignored");
}

static uint32_t reg_read(struct virtio_mmio *vd, uint32_t reg)
{
    const struct virtio_mmio_queue *q =
        vd->queue_sel < vd->ops->nqueues ? &vd->q[vd->queue_sel] : NULL;
    uint64_t features = virtio_mmio_device_features(vd);
    switch (reg) {
    case VIRTIO_MMIO_MAGIC_VALUE:
        return MAGIC;
    case VIRTIO_MMIO_VERSION:
        return VERSION;
    case VIRTIO_MMIO_DEVICE_ID:
        return vd->ops->device_id;
    case VIRTIO_MMIO_VENDOR_ID:
        return VENDOR;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        return vd->dev_features_sel == 0   ? (uint32_t)features
               : vd->dev_features_sel == 1 ? (uint32_t)(features >> 32)
                                           : 0;
    case VIRTIO_MMIO_QUEUE_NUM_MAX:
        return q ? vd->ops->queue_max : 0; /* 0: no such queue (4.2.2) */
    case VIRTIO_MMIO_QUEUE_READY:
        return q ? q->ready : 0;
    case VIRTIO_MMIO_INTERRUPT_STATUS:
        return vd->int_status;
    case VIRTIO_MMIO_STATUS:
        return vd->status;
    case VIRTIO_MMIO_SHM_LEN_LOW:
    case VIRTIO_MMIO_SHM_LEN_HIGH:
        return 0xffffffffu; /* no such region: length all ones (4.2.2) */
    case VIRTIO_MMIO_CONFIG_GENERATION:
        return vd->config_generation;
    }
    return 0; /* write-only and reserved registers read as zero */
}

int virtio_mmio_access(struct mmio_dev *dev, struct mmio_access *acc)
{
    struct virtio_mmio *vd = dev->priv;
    uint64_t off = acc->offset;
    if (acc->size > 4 || (off & (acc->size - 1)))
        return MMIO_REFUSED;
    if (off >= VIRTIO_MMIO_CONFIG) {
        /* Configuration space: bytes of the device's, any aligned width up
         * to 32 bits (4.2.2.2); beyond its end reads zero, writes vanish. */
        uint32_t base = (uint32_t)(off - VIRTIO_MMIO_CONFIG);
        if (!acc->write)
            acc->value = 0;
        for (unsigned i = 0; i < acc->size; i++) {
            uint32_t at = base + i;
            if (at >= vd->ops->config_size)
                continue;
            if (acc->write) {
                if (vd->ops->config_write)
                    vd->ops->config_write(vd, at, (uint8_t)(acc->value >> (8 * i)));
            } else if (vd->ops->config_read) {
                acc->value |= (uint64_t)vd->ops->config_read(vd, at) << (8 * i);
            }
        }
        return MMIO_OK;
    }
    /* Control registers: 32-bit aligned accesses only (4.2.2.2). */
    if (acc->size != 4)
        return MMIO_REFUSED;
    if (acc->write)
        reg_write(vd, (uint32_t)off, (uint32_t)acc->value);
    else
        acc->value = reg_read(vd, (uint32_t)off);
    return MMIO_OK;
}
