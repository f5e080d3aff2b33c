/*
 * Host files as host disks for the sim (sim.h): a struct blk_backend whose
 * requests are pread/pwrite on the file's bytes through the segments' VAs
 * (the guest's own pages, handed over by virtio_blk.c) and fsync for FLUSH,
 * so the whole virtio-blk path, from the guest's ring to the bytes in a
 * file, runs in unit tests. Optionally asynchronous, so that completions
 * arrive later, out of order, or after a reset, as they do from a real
 * disk's interrupt.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/sim/sim.h"
#include "vdev/blk_backend.h"

#define SIM_BLK_FILES 4u
#define SIM_BLK_QUEUE 16u

struct sim_blk_file {
    struct blk_backend be;
    int fd;
    int index; /* host disk index */
    char name[64];
    unsigned depth; /* 0: synchronous */
    struct blk_req *queue[SIM_BLK_QUEUE];
    unsigned nqueued;
    struct sim_blk_file_counts counts;
};

static struct sim_blk_file files[SIM_BLK_FILES];

/* Do the transfer now: 0 or -1. */
static int transfer(struct sim_blk_file *f, struct blk_req *req)
{
    switch (req->op) {
    case BLK_OP_FLUSH:
        if (fsync(f->fd) != 0)
            return -1;
        f->counts.fsyncs++;
        f->counts.flushes++;
        return 0;
    case BLK_OP_READ:
    case BLK_OP_WRITE:
        break;
    }
    uint64_t bytes = 0;
    for (unsigned i = 0; i < req->nseg; i++)
        bytes += req->seg[i].len;
    /* The interface's promise: past the capacity, or a write to a
     * read-only disk, is accepted and fails. */
    if (bytes % BLK_SECTOR_SIZE || req->sector > f->be.sectors ||
        bytes / BLK_SECTOR_SIZE > f->be.sectors - req->sector ||
        (req->op == BLK_OP_WRITE && f->be.read_only))
        return -1;
    off_t off = (off_t)(req->sector * BLK_SECTOR_SIZE);
    for (unsigned i = 0; i < req->nseg; i++) {
        const struct blk_seg *s = &req->seg[i];
        ssize_t n = req->op == BLK_OP_READ ? pread(f->fd, s->va, s->len, off)
                                           : pwrite(f->fd, s->va, s->len, off);
        if (n != (ssize_t)s->len)
            return -1;
        off += (off_t)s->len;
    }
    if (req->op == BLK_OP_READ)
        f->counts.reads++;
    else
        f->counts.writes++;
    return 0;
}

static int file_submit(struct blk_backend *b, struct blk_req *req)
{
    struct sim_blk_file *f = b->priv;
    if (f->depth == 0) {
        req->done(req, transfer(f, req));
        return 0;
    }
    if (f->nqueued == f->depth) {
        f->counts.refused_full++;
        return -1;
    }
    f->queue[f->nqueued++] = req;
    f->counts.waiting = f->nqueued;
    return 0;
}

int sim_blk_file_open(const char *path, bool read_only)
{
    struct sim_blk_file *f = NULL;
    for (unsigned i = 0; i < SIM_BLK_FILES && !f; i++)
        if (!files[i].be.submit)
            f = &files[i];
    if (!f)
        return -1;
    int fd = open(path, read_only ? O_RDONLY : O_RDWR);
    struct stat st;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)BLK_SECTOR_SIZE) {
        close(fd);
        return -1;
    }
    *f = (struct sim_blk_file){.fd = fd};
    snprintf(f->name, sizeof(f->name), "%s", path);
    f->be = (struct blk_backend){.name = f->name,
                                 .sectors = (uint64_t)st.st_size / BLK_SECTOR_SIZE,
                                 .read_only = read_only,
                                 .submit = file_submit,
                                 .priv = f};
    f->index = blk_host_disk_register(&f->be);
    if (f->index < 0) {
        close(fd);
        *f = (struct sim_blk_file){0};
        return -1;
    }
    return f->index;
}

void sim_blk_file_close_all(void)
{
    for (unsigned i = 0; i < SIM_BLK_FILES; i++) {
        struct sim_blk_file *f = &files[i];
        if (!f->be.submit)
            continue;
        blk_host_disk_unregister(&f->be);
        close(f->fd);
        *f = (struct sim_blk_file){0};
    }
}

static struct sim_blk_file *file_of(int disk)
{
    for (unsigned i = 0; i < SIM_BLK_FILES; i++)
        if (files[i].be.submit && files[i].index == disk)
            return &files[i];
    return NULL;
}

void sim_blk_file_async(int disk, unsigned depth)
{
    struct sim_blk_file *f = file_of(disk);
    if (f)
        f->depth = depth < SIM_BLK_QUEUE ? depth : SIM_BLK_QUEUE;
}

unsigned sim_blk_file_complete(int disk, unsigned n, bool reverse)
{
    struct sim_blk_file *f = file_of(disk);
    unsigned done = 0;
    while (f && done < n && f->nqueued) {
        struct blk_req *req;
        if (reverse) {
            req = f->queue[--f->nqueued];
        } else {
            req = f->queue[0];
            memmove(f->queue, f->queue + 1, --f->nqueued * sizeof(f->queue[0]));
        }
        f->counts.waiting = f->nqueued;
        /* done may submit more (it takes the next request off the guest's
         * ring): the queue is consistent before it runs. */
        req->done(req, transfer(f, req));
        done++;
    }
    return done;
}

const struct sim_blk_file_counts *sim_blk_file_counts(int disk)
{
    struct sim_blk_file *f = file_of(disk);
    return f ? &f->counts : NULL;
}
