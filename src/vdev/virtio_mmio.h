/*
 * The virtio-mmio transport, modern register layout (Virtio 1.2 section
 * 4.2, Version 2 only: no legacy interface). One struct virtio_mmio is one
 * device window of 0x200 bytes; what kind of device it is comes from
 * struct virtio_dev_ops (virtio-console, virtio-blk).
 *
 * The transport owns the device status state machine (2.1), feature
 * negotiation (2.2, VIRTIO_F_VERSION_1 required), the queues' registers
 * and their split virtqueues (virtqueue.h), InterruptStatus and its line,
 * ConfigGeneration and reset (2.4). The guest is hostile: a register used
 * out of order is ignored (and said once), a queue the device cannot trust
 * puts the device in DEVICE_NEEDS_RESET, nothing faults.
 */
#ifndef VDEV_VIRTIO_MMIO_H
#define VDEV_VIRTIO_MMIO_H

#include "core/mmio.h"
#include "vdev/virtqueue.h"

/* Device status bits (2.1). */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE        1u
#define VIRTIO_CONFIG_S_DRIVER             2u
#define VIRTIO_CONFIG_S_DRIVER_OK          4u
#define VIRTIO_CONFIG_S_FEATURES_OK        8u
#define VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET 64u
#define VIRTIO_CONFIG_S_FAILED             128u

/* Reserved feature bits (6) the transport deals with. */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX     29
#define VIRTIO_F_VERSION_1     32

/* InterruptStatus bits (4.2.2). */
#define VIRTIO_MMIO_INT_VRING  1u /* used buffer notification */
#define VIRTIO_MMIO_INT_CONFIG 2u /* configuration change notification */

#define VIRTIO_MMIO_SIZE       0x200u
#define VIRTIO_MMIO_MAX_QUEUES 4u

struct virtio_mmio;

struct virtio_dev_ops {
    uint32_t device_id;   /* 3 console, 2 block (5 Device Types) */
    uint64_t features;    /* device-specific bits offered (transport adds its own) */
    unsigned nqueues;     /* <= VIRTIO_MMIO_MAX_QUEUES */
    uint16_t queue_max;   /* QueueNumMax, a power of 2 */
    uint32_t config_size; /* bytes of device configuration space */
    /* Read config byte off of the device's configuration space (off <
     * config_size); writes to it are passed as bytes too. */
    uint8_t (*config_read)(struct virtio_mmio *vd, uint32_t off);
    void (*config_write)(struct virtio_mmio *vd, uint32_t off, uint8_t v);
    /* The driver notified queue q (QueueNotify, with DRIVER_OK set). */
    void (*notify)(struct virtio_mmio *vd, unsigned q);
    /* The device was reset: forget every buffer and request. */
    void (*reset)(struct virtio_mmio *vd);
};

struct virtio_mmio_queue {
    uint16_t num; /* QueueNum */
    bool ready;   /* QueueReady */
    uint64_t desc, driver, device;
    struct virtq vq;
};

struct virtio_mmio {
    struct mmio_dev dev;
    const struct virtio_dev_ops *ops;
    void *priv;                  /* the device's own state */
    const struct virtq_mem *mem; /* the VM's RAM */
    /* Interrupt output, level: InterruptStatus != 0. NULL: none. */
    void (*irq_set)(void *ctx, bool level);
    void *irq_ctx;

    uint32_t status;
    uint32_t dev_features_sel, drv_features_sel, queue_sel;
    uint64_t driver_features; /* as written; valid once FEATURES_OK */
    uint32_t int_status;
    uint32_t config_generation;
    struct virtio_mmio_queue q[VIRTIO_MMIO_MAX_QUEUES];
    bool logged; /* one message per device about guest misuse */
};

/* Device of ops at base, reaching guest RAM through mem; reset state. */
void virtio_mmio_init(struct virtio_mmio *vd, ipa_t base, const struct virtio_dev_ops *ops,
                      void *priv, const struct virtq_mem *mem);

/* The transport's register access (its mmio_ops.access), for a device that
 * wraps it in its own ops (a lock around it: virtio_blk.c). */
int virtio_mmio_access(struct mmio_dev *dev, struct mmio_access *acc);

/* Device reset (2.4), as a write of 0 to Status does it; also the
 * transport's mmio_ops.reset (a guest's SYSTEM_RESET). */
void virtio_mmio_reset(struct virtio_mmio *vd);

/* Features offered: the device's plus VERSION_1, INDIRECT_DESC, EVENT_IDX. */
uint64_t virtio_mmio_device_features(const struct virtio_mmio *vd);

/* Negotiated feature bit f (valid once FEATURES_OK is set). */
bool virtio_mmio_has(const struct virtio_mmio *vd, unsigned f);

/* Queue q when the driver made it ready and DRIVER_OK is set; else NULL. */
struct virtq *virtio_mmio_queue(struct virtio_mmio *vd, unsigned q);

/* The device used buffers on queue q: interrupt if the driver wants one. */
void virtio_mmio_used(struct virtio_mmio *vd, unsigned q);

/* The device changed its configuration: ConfigGeneration moves on and the
 * driver gets a configuration change notification. */
void virtio_mmio_config_changed(struct virtio_mmio *vd);

/* The device cannot go on (a broken queue): DEVICE_NEEDS_RESET, said once,
 * and a configuration change notification if DRIVER_OK (2.1.2). */
void virtio_mmio_needs_reset(struct virtio_mmio *vd, const char *why);

/* Handle a virtq_pop result for queue q: VIRTQ_BAD_CHAIN returns the chain
 * with nothing written (an I/O error for that request), VIRTQ_BROKEN puts
 * the device in DEVICE_NEEDS_RESET; either is said once. True for VIRTQ_OK. */
bool virtio_mmio_pop_ok(struct virtio_mmio *vd, unsigned q, enum virtq_result r,
                        const struct virtq_chain *c);

#endif
