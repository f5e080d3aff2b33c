/*
 * virtio-blk (Virtio 1.2 section 5.2, device ID 2) on the virtio-mmio
 * transport, backed by a struct blk_backend (a range of a host disk; a
 * host file in sim). One request queue. Offered: VIRTIO_BLK_F_SEG_MAX,
 * BLK_SIZE (512), FLUSH, and RO when the backing is read-only; no
 * DISCARD, WRITE_ZEROES or multiqueue. Configuration space: capacity,
 * seg_max, blk_size (5.2.4).
 *
 * Requests go to the backend without a copy: each data buffer, checked to
 * be the VM's RAM by virtq_pop, is handed over as the hypervisor's VA and
 * the host PA of the guest's own pages (a DMA-capable host driver points
 * its descriptors straight at them). Completion is asynchronous: the
 * backend's done callback writes the status byte, returns the chain on the
 * used ring and raises the interrupt, on whichever CPU it runs, under the
 * device's lock, which also covers every register access and notify.
 * Errors a guest can cause (vblk_parse): IOERR for a request past the
 * capacity, a write to a read-only disk, a short header or data that is
 * not whole sectors; UNSUPP for other types; a malformed chain per
 * virtqueue.h.
 */
#ifndef VDEV_VIRTIO_BLK_H
#define VDEV_VIRTIO_BLK_H

#include "lib/spinlock.h"
#include "vdev/blk_backend.h"
#include "vdev/virtio_blk_req.h"
#include "vdev/virtio_mmio.h"

#define VIRTIO_ID_BLOCK 2u

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX 1 /* not offered here; the host driver takes it */
#define VIRTIO_BLK_F_SEG_MAX  2
#define VIRTIO_BLK_F_RO       5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH    9

/* Configuration space offsets (struct virtio_blk_config, 5.2.4). */
#define VIRTIO_BLK_CFG_CAPACITY 0u  /* le64, 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX 8u  /* le32 (no SIZE_MAX: reads 0) */
#define VIRTIO_BLK_CFG_SEG_MAX  12u /* le32 */
#define VIRTIO_BLK_CFG_BLK_SIZE 20u /* le32 */
#define VIRTIO_BLK_CFG_SIZE     24u /* through blk_size */

#define VIRTIO_BLK_QUEUE     0u
#define VIRTIO_BLK_QUEUE_MAX 128u
/* Data buffers in one request: the chain less header and status. */
#define VIRTIO_BLK_SEG_MAX (VIRTQ_CHAIN_MAX - 2u)
/* Requests the device keeps with its backend at once. */
#define VIRTIO_BLK_INFLIGHT 8u

enum vblk_slot_state { VBLK_SLOT_FREE, VBLK_SLOT_DEFERRED, VBLK_SLOT_INFLIGHT };

struct virtio_blk;

/* One request the backend has (or will have: DEFERRED, refused for now). */
struct vblk_slot {
    enum vblk_slot_state state;
    struct virtio_blk *dev;
    uint32_t gen;  /* the device's reset generation when taken */
    uint16_t head; /* chain to return */
    uint32_t used_len;
    uint64_t status_gpa; /* guest address of the status byte */
    struct blk_req req;
};

struct virtio_blk_stats {
    uint64_t reads, writes, flushes, get_ids, errors, unsupported, bad_chains;
};

struct virtio_blk {
    struct virtio_mmio vd;
    struct mmio_ops ops; /* the transport's, under the lock, + release */
    struct virtq_mem mem;
    struct vm *vm;
    struct blk_backend *be;
    bool read_only;
    char serial[VIRTIO_BLK_ID_BYTES]; /* GET_ID */
    /* Protects everything below and the transport state in vd: taken by
     * register accesses (the vCPU's exit, with no lock held) and by
     * completions (any CPU, no lock held); while it is held only what
     * raising the interrupt takes (vgic_line_set: the vGIC's state and the
     * scheduler's CPU lock to wake a vCPU) is taken after it. */
    struct spinlock lock;
    uint32_t gen;            /* moves on at every device reset: late completions of
                                requests taken before it write nothing */
    unsigned busy;           /* slots not FREE */
    struct vblk_slot *slots; /* VIRTIO_BLK_INFLIGHT of them, on own pages */
    paddr_t slots_pa;
    size_t slots_pages;
    struct virtio_blk_stats stats;
    /* Scratch for the request being taken (under the lock; off the
     * hypervisor's stack). */
    struct virtq_chain chain;
    struct vblk_req parsed;
    /* Called by the release hook once nothing is in flight (the board
     * gives its range back and frees the pool slot). */
    void (*on_release)(struct virtio_blk *b);
};

/* A virtio-blk at base for vm's RAM on backend be (read-only if be is or
 * read_only asks), ready for vm_add_device(vm, &b->vd.dev); its interrupt
 * is b->vd.irq_set / irq_ctx. -1 (logged) when no memory for its request
 * slots. */
int virtio_blk_init(struct virtio_blk *b, ipa_t base, struct vm *vm, struct blk_backend *be,
                    bool read_only);

#endif
