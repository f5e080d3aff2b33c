/*
 * A split virtqueue, the driver's side (Virtio 1.2 section 2.7), for the
 * devices armvisor drives itself (the host disk, vblk_host.c): descriptor
 * table, available ring and used ring in one page of hypervisor memory,
 * whose physical addresses the device is given.
 *
 * The device is trusted to do its job, not to be well formed: what it
 * writes (used->idx, each used element's id) is checked against what this
 * side has in flight, and a device that names a chain that is not in flight
 * or runs its index ahead of what was made available is reported, never
 * followed. Chains are freed from this side's own record of them, not from
 * the descriptor table the device can reach.
 *
 * Memory: Normal cacheable, which QEMU's virtio devices see coherently.
 * A non-coherent DMA master on hardware would need the page mapped
 * non-cacheable or cleaned/invalidated around each hand-over.
 *
 * Not locked here: the owner (vblk_host.c) holds its lock around every call.
 */
#ifndef ARCH_VIRTIO_BLK_VRING_DRV_H
#define ARCH_VIRTIO_BLK_VRING_DRV_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"

/* Queue size this side uses at most: the three parts fit one 4 KiB page
 * (16 * 128 + 6 + 2 * 128 + 6 + 8 * 128 bytes, aligned as 2.7 asks). */
#define VRING_DRV_MAX 128u

/* One buffer of a chain. */
struct vring_drv_buf {
    paddr_t pa;
    uint32_t len;
    bool device_writes; /* VIRTQ_DESC_F_WRITE */
};

struct vring_drv {
    uint16_t size; /* power of 2, <= VRING_DRV_MAX */
    paddr_t page;  /* the rings' page */
    paddr_t desc_pa, avail_pa, used_pa;
    uint8_t *desc, *avail, *used; /* ... as armvisor addresses them */
    uint16_t free_head;           /* first free descriptor (a list through next[]) */
    uint16_t nfree;
    uint16_t avail_idx;               /* avail->idx this side wrote last */
    uint16_t last_used;               /* next used element to read */
    uint16_t next[VRING_DRV_MAX];     /* this side's own chain links */
    uint8_t chain_len[VRING_DRV_MAX]; /* per head: descriptors in flight, 0: none */
};

enum vring_drv_used {
    VRING_DRV_NONE,   /* nothing more used */
    VRING_DRV_CHAIN,  /* *head is a chain the device finished, freed */
    VRING_DRV_BROKEN, /* the device wrote something impossible */
};

/* Set r up with size entries (a power of 2 <= VRING_DRV_MAX) in a fresh
 * page; false when no page is left. */
bool vring_drv_init(struct vring_drv *r, uint16_t size);

/* The head the next vring_drv_add of n buffers will use; -1 when fewer
 * than n descriptors are free (n == 0 or n > size included). */
int vring_drv_next_head(const struct vring_drv *r, unsigned n);

/* Write the chain of n buffers and make it available (barriers included:
 * the device sees the descriptors before the index). Returns its head;
 * vring_drv_next_head(r, n) must have said there is room. */
uint16_t vring_drv_add(struct vring_drv *r, const struct vring_drv_buf *bufs, unsigned n);

/* Take the next chain the device used. */
enum vring_drv_used vring_drv_get_used(struct vring_drv *r, uint16_t *head);

/* Chains made available and not yet used. */
unsigned vring_drv_in_flight(const struct vring_drv *r);

/* Take one chain still in flight and free it (the device is given up: its
 * requests end unanswered); -1 when none is. */
int vring_drv_take_in_flight(struct vring_drv *r);

#endif
