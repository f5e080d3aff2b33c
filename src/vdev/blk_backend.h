/*
 * What backs a VM's virtio-blk: the host's own disk (armvisor's virtio-mmio
 * block driver on hardware), a range of it, or a host file in sim. The
 * emulated device (virtio_blk.c) sees every backing through this one
 * interface and does not care which it is.
 *
 * Requests are asynchronous. submit either queues the request and returns
 * (the backend calls req->done later, on the CPU that takes the backing
 * device's completion interrupt, with no lock held), or completes it at once
 * (done called before submit returns, which is what the sim's file backend
 * does). Segments name hypervisor-visible memory: va for a backend that
 * copies, pa for one whose device reads and writes memory itself (the
 * segments then point straight at the guest's buffers, checked against the
 * VM's RAM by the caller before submit).
 */
#ifndef VDEV_BLK_BACKEND_H
#define VDEV_BLK_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"

#define BLK_SECTOR_SIZE 512u /* virtio-blk's sector, whatever blk_size says */
#define BLK_MAX_SEGS    64u  /* segments in one request */

enum blk_op { BLK_OP_READ, BLK_OP_WRITE, BLK_OP_FLUSH };

struct blk_seg {
    void *va;   /* the buffer as armvisor addresses it */
    paddr_t pa; /* ... and its physical address, for a device's DMA */
    uint32_t len;
};

struct blk_req {
    enum blk_op op;
    uint64_t sector; /* first 512-byte sector (READ, WRITE) */
    unsigned nseg;
    struct blk_seg seg[BLK_MAX_SEGS];
    /* Called once per accepted request: status 0 done, -1 I/O error. For
     * FLUSH, 0 means everything written before it is on the medium. */
    void (*done)(struct blk_req *req, int status);
    void *owner; /* the submitter's, untouched by the backend */
};

struct blk_backend {
    const char *name;   /* for logs: "virtio-blk@0x0a003e00", a file name */
    uint64_t sectors;   /* capacity in 512-byte sectors */
    bool read_only;     /* writes are refused (the device says so, or the
                           VM description asks for it) */
    /* 0: accepted (done will be called, maybe already was). -1: not
     * accepted now (queue full), done will not be called; the caller tries
     * again after another request of this backend completes. A request that
     * goes past the capacity, or a write to a read-only backend, is accepted
     * and completed with -1. */
    int (*submit)(struct blk_backend *b, struct blk_req *req);
    void *priv;
};

#endif
