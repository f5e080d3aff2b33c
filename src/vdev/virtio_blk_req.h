/*
 * One virtio-blk request as the driver put it in a descriptor chain (Virtio
 * 1.2 section 5.2.6): a device-readable header (type, reserved, sector),
 * the data, and a device-writable status byte at the very end. vblk_parse
 * turns a chain virtq_pop accepted into what the device does with it, and
 * decides every error case before anything reaches a backend: a header cut
 * short, data not a whole number of sectors, a transfer past the capacity,
 * a write to a read-only disk, an unknown type. It reads the header through
 * the queue's guest memory and nothing else, and depends on no VM or arch,
 * so a fuzz target drives it (tests/fuzz/fuzz_virtio_blk.c).
 */
#ifndef VDEV_VIRTIO_BLK_REQ_H
#define VDEV_VIRTIO_BLK_REQ_H

#include <stdbool.h>
#include <stdint.h>

#include "vdev/virtqueue.h"

/* Request types (5.2.6). */
#define VIRTIO_BLK_T_IN     0u
#define VIRTIO_BLK_T_OUT    1u
#define VIRTIO_BLK_T_FLUSH  4u
#define VIRTIO_BLK_T_GET_ID 8u
/* Status values (5.2.6). */
#define VIRTIO_BLK_S_OK     0u
#define VIRTIO_BLK_S_IOERR  1u
#define VIRTIO_BLK_S_UNSUPP 2u

#define VIRTIO_BLK_HDR_SIZE 16u /* le32 type, le32 reserved, le64 sector */
#define VIRTIO_BLK_ID_BYTES 20u /* GET_ID: the serial, NUL-padded */
#define VIRTIO_BLK_SECTOR   512u

enum vblk_action {
    VBLK_NO_STATUS, /* no device-writable byte: returned with nothing written */
    VBLK_STATUS,    /* answered at once with `status` (errors, UNSUPP) */
    VBLK_GET_ID,    /* the serial into the data, then status OK */
    VBLK_BACKEND,   /* READ, WRITE or FLUSH for the backend */
};

struct vblk_span {
    uint64_t gpa; /* guest RAM, checked by virtq_pop */
    uint32_t len;
};

struct vblk_req {
    enum vblk_action action;
    uint32_t type;
    uint64_t sector;
    uint8_t status;      /* VBLK_STATUS: the answer */
    uint64_t status_gpa; /* where the status byte goes (not VBLK_NO_STATUS) */
    uint32_t used_len;   /* the used ring's len: the writable part's size */
    uint32_t data_len;   /* bytes of data (IN: to the guest, OUT: from it) */
    unsigned nspan;      /* the data, in order, no empty span */
    struct vblk_span span[VIRTQ_CHAIN_MAX];
};

/* Decide what chain c (popped from vq) asks of a disk of capacity sectors;
 * read_only refuses OUT with IOERR. */
void vblk_parse(const struct virtq *vq, const struct virtq_chain *c, uint64_t capacity,
                bool read_only, struct vblk_req *r);

#endif
