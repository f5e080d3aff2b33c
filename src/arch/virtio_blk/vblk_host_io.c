/*
 * Requests to a host virtio-blk device and their completions (Virtio 1.2
 * section 5.2.6): each request is one chain of the request queue, the
 * header and the status byte in armvisor's memory (struct vblk_slot_dma),
 * the data descriptors pointing at the submitter's buffers by physical
 * address, so a guest's buffer is read or written by the device itself, not
 * copied. The device's interrupt says chains were used; its handler takes
 * them off the used ring and calls each request's done, with the lock
 * dropped (done may submit again).
 */
#include "arch/barrier.h"
#include "arch/virtio_blk/vblk_host_dev.h"
#include "lib/check.h"
#include "lib/le.h"
#include "lib/log.h"
#include "vdev/virtio_blk.h"
#include "vdev/virtio_mmio.h"
#include "vdev/virtio_mmio_regs.h"

/* The status byte before the device writes it: not VIRTIO_BLK_S_OK, so a
 * chain used with nothing written reads as a failure. */
#define STATUS_UNWRITTEN 0xffu

static bool has(const struct vblk_host *d, unsigned f)
{
    return (d->features >> f) & 1;
}

/* The request's shape against what the device and the disk take: false
 * for what cannot be sent (the request ends with -1). */
static bool req_ok(const struct vblk_host *d, const struct blk_req *req)
{
    if (req->op == BLK_OP_FLUSH)
        return true;
    if (req->op != BLK_OP_READ && req->op != BLK_OP_WRITE)
        return false;
    if (req->op == BLK_OP_WRITE && d->be.read_only)
        return false;
    if (req->nseg == 0 || req->nseg > d->seg_max)
        return false;
    uint64_t bytes = 0;
    for (unsigned i = 0; i < req->nseg; i++) {
        const struct blk_seg *s = &req->seg[i];
        if (s->len == 0 || s->pa == 0 || (d->size_max && s->len > d->size_max))
            return false;
        bytes += s->len;
    }
    /* Whole sectors within the capacity (5.2.6.1). */
    uint64_t n = bytes / BLK_SECTOR_SIZE;
    return bytes % BLK_SECTOR_SIZE == 0 && req->sector <= d->be.sectors &&
           n <= d->be.sectors - req->sector;
}

int vblk_host_submit(struct blk_backend *b, struct blk_req *req)
{
    struct vblk_host *d = b->priv;
    if (!req_ok(d, req)) {
        req->done(req, -1);
        return 0;
    }
    /* Without VIRTIO_BLK_F_FLUSH the device offers no write cache to
     * flush: what it completed is written (5.2.5, 5.2.6.2). */
    if (req->op == BLK_OP_FLUSH && !has(d, VIRTIO_BLK_F_FLUSH)) {
        req->done(req, 0);
        return 0;
    }
    unsigned n = (req->op == BLK_OP_FLUSH ? 0 : req->nseg) + 2;
    spin_lock(&d->lock);
    if (d->broken) {
        spin_unlock(&d->lock);
        req->done(req, -1);
        return 0;
    }
    int head = vring_drv_next_head(&d->ring, n);
    if (head < 0) {
        spin_unlock(&d->lock);
        return -1; /* the queue is full: the caller retries after a completion */
    }
    uint8_t *hdr = d->dma->hdr[head];
    uint32_t type = req->op == BLK_OP_READ    ? VIRTIO_BLK_T_IN
                    : req->op == BLK_OP_WRITE ? VIRTIO_BLK_T_OUT
                                              : VIRTIO_BLK_T_FLUSH;
    put_le32(hdr, type);
    put_le32(hdr + 4, 0);                                         /* reserved */
    put_le64(hdr + 8, req->op == BLK_OP_FLUSH ? 0 : req->sector); /* FLUSH: 0 (5.2.6.2) */
    d->dma->status[head] = STATUS_UNWRITTEN;

    struct vring_drv_buf bufs[BLK_MAX_SEGS + 2];
    paddr_t dma = d->dma_pa;
    bufs[0] = (struct vring_drv_buf){.pa = dma + (paddr_t)(hdr - (uint8_t *)d->dma),
                                     .len = VIRTIO_BLK_HDR_SIZE};
    for (unsigned i = 0; i + 2 < n; i++)
        bufs[i + 1] = (struct vring_drv_buf){
            .pa = req->seg[i].pa, .len = req->seg[i].len, .device_writes = req->op == BLK_OP_READ};
    bufs[n - 1] =
        (struct vring_drv_buf){.pa = dma + (paddr_t)(&d->dma->status[head] - (uint8_t *)d->dma),
                               .len = 1,
                               .device_writes = true};
    uint16_t used_head = vring_drv_add(&d->ring, bufs, n);
    CHECK(used_head == (uint16_t)head);
    d->req[head] = req;
    vblk_wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, 0); /* queue 0 (4.2.3.3) */
    spin_unlock(&d->lock);
    return 0;
}

/* The device cannot be trusted any more: reset it, so it stops reading and
 * writing the buffers it was given (4.2.3.1), and fail what it had. Called
 * with the lock held; returns with it dropped. */
static void give_up(struct vblk_host *d, const char *why)
{
    if (!d->broken)
        log_warn("%s: %s: device reset, its requests failed, no more I/O\n", d->name, why);
    d->broken = true;
    vblk_wr(d, VIRTIO_MMIO_STATUS, 0);
    for (;;) {
        int head = vring_drv_take_in_flight(&d->ring);
        struct blk_req *req = head >= 0 ? d->req[head] : NULL;
        if (head >= 0)
            d->req[head] = NULL;
        spin_unlock(&d->lock);
        if (!req)
            return;
        d->failed++;
        req->done(req, -1);
        spin_lock(&d->lock);
    }
}

void vblk_host_irq(void *ctx)
{
    struct vblk_host *d = ctx;
    /* Acknowledge what InterruptStatus says first (4.2.2 InterruptACK),
     * then read the used ring: a chain used after the read sets the bit
     * again and keeps the (level) line high, so the handler runs again
     * once the core deactivates the interrupt; none is left unseen. */
    uint32_t isr = vblk_rd(d, VIRTIO_MMIO_INTERRUPT_STATUS);
    vblk_wr(d, VIRTIO_MMIO_INTERRUPT_ACK, isr);
    dsb_sy();
    spin_lock(&d->lock);
    if (d->broken) {
        spin_unlock(&d->lock);
        return;
    }
    if ((isr & VIRTIO_MMIO_INT_CONFIG) &&
        (vblk_rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET)) {
        give_up(d, "the device needs a reset (DEVICE_NEEDS_RESET)");
        return;
    }
    for (;;) {
        uint16_t head;
        enum vring_drv_used r = vring_drv_get_used(&d->ring, &head);
        if (r == VRING_DRV_NONE)
            break;
        if (r == VRING_DRV_BROKEN) {
            give_up(d, "the used ring names a request not in flight");
            return;
        }
        struct blk_req *req = d->req[head];
        CHECK(req); /* in flight on the ring means a request of ours */
        d->req[head] = NULL;
        int status = d->dma->status[head] == VIRTIO_BLK_S_OK ? 0 : -1;
        if (status)
            d->failed++;
        else
            d->completed++;
        spin_unlock(&d->lock);
        req->done(req, status);
        spin_lock(&d->lock);
    }
    spin_unlock(&d->lock);
}
