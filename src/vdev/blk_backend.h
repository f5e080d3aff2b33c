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
 * does). Inside submit, done is called for that request only, never for
 * another one: the submitter holds its device's lock there, and another
 * request may belong to another VM's device, whose lock it must not take
 * (virtio_blk.c). Segments name hypervisor-visible memory: va for a backend that
 * copies, pa for one whose device reads and writes memory itself (the
 * segments then point straight at the guest's buffers, checked against the
 * VM's RAM by the caller before submit).
 *
 * blk_backend.c adds the two things between a host's disks and the VMs:
 * the registry of host disks (the host driver, or a sim test, registers
 * each disk it finds and gets its index, the number a VM description's
 * "host disk N" means) and a range of one, which is what a VM's virtio-blk
 * is actually given: sectors [first, first + count) of a host disk,
 * read-only if the description or the disk says so.
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
    const char *name; /* for logs: "virtio-blk@0x0a003e00", a file name */
    uint64_t sectors; /* capacity in 512-byte sectors */
    bool read_only;   /* writes are refused (the device says so, or the
                         VM description asks for it) */
    /* 0: accepted (done will be called, maybe already was). -1: not
     * accepted now (queue full), done will not be called; the caller tries
     * again after another request of this backend completes. A request that
     * goes past the capacity, or a write to a read-only backend, is accepted
     * and completed with -1. */
    int (*submit)(struct blk_backend *b, struct blk_req *req);
    void *priv;
};

/* ---- Host disks -------------------------------------------------------- */

#define BLK_HOST_DISK_MAX 8u /* the VM description's disk index is below it */

/* Make b host disk n, the lowest free index; -1 when all are taken. Called
 * by the host's block driver as it finds disks (sim: sim_blk_file_open). */
int blk_host_disk_register(struct blk_backend *b);

/* Take b out of the registry (no VM may be using a range of it). */
void blk_host_disk_unregister(struct blk_backend *b);

/* Host disk index, NULL when none is registered there. */
struct blk_backend *blk_host_disk(unsigned index);

/* ---- Ranges of a host disk --------------------------------------------- */

/* A backend for sectors [first, first + count) of host disk `disk` (count
 * 0: to the disk's end), read-only when read_only or the disk is. Requests
 * are checked against the range and moved by first before they reach the
 * disk. Refused (NULL, *why says which rule) when the disk is not there,
 * the range is empty or runs past the disk's end, or it overlaps a range
 * already open on that disk where either of the two may write. */
struct blk_backend *blk_range_open(unsigned disk, uint64_t first, uint64_t count, bool read_only,
                                   const char **why);

/* Give a range back (its requests have all completed). */
void blk_range_close(struct blk_backend *range);

#endif
