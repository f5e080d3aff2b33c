/*
 * One host virtio-blk device as this driver keeps it, shared by its two
 * halves: vblk_host_probe.c (find it in the DTB, reset, negotiate, set the
 * queue up) and vblk_host_io.c (requests in, completions out).
 */
#ifndef ARCH_VIRTIO_BLK_VBLK_HOST_DEV_H
#define ARCH_VIRTIO_BLK_VBLK_HOST_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/virtio_blk/vring_drv.h"
#include "lib/spinlock.h"
#include "vdev/blk_backend.h"

/* Per in-flight request, indexed by its chain's head: the header the
 * device reads and the status byte it writes, in hypervisor memory. */
struct vblk_slot_dma {
    uint8_t hdr[VRING_DRV_MAX][16]; /* VIRTIO_BLK_HDR_SIZE each */
    uint8_t status[VRING_DRV_MAX];
};

struct vblk_host {
    uint64_t base;  /* the virtio-mmio window */
    unsigned intid; /* its SPI */
    struct blk_backend be;
    char name[32];
    uint64_t features; /* negotiated */
    uint32_t seg_max;  /* data segments per request the device takes */
    uint32_t size_max; /* bytes per segment, 0: no limit */
    /* lock protects everything below; taken by submit (a vCPU's exit) and
     * by the completion interrupt, never held across a done callback; no
     * other lock is taken while it is held. */
    struct spinlock lock;
    bool broken; /* the device wrote nonsense or asked for a reset: no more I/O */
    struct vring_drv ring;
    struct vblk_slot_dma *dma; /* one page */
    paddr_t dma_pa;
    struct blk_req *req[VRING_DRV_MAX]; /* per head in flight */
    uint64_t completed, failed;
};

/* Register access to the device's virtio-mmio window. */
static inline uint32_t vblk_rd(const struct vblk_host *d, uint32_t off)
{
    return *(volatile uint32_t *)(uintptr_t)(d->base + off);
}

static inline void vblk_wr(const struct vblk_host *d, uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)(d->base + off) = v;
}

/* vblk_host_io.c: the backend's submit, and the completion interrupt's
 * handler (ctx is the struct vblk_host). */
int vblk_host_submit(struct blk_backend *b, struct blk_req *req);
void vblk_host_irq(void *ctx);

#endif
