/*
 * Host disks and ranges of them (blk_backend.h). A range is a backend of
 * its own whose submit checks the request against the range (capacity,
 * read-only) and moves it by the range's first sector before the host
 * disk sees it, so a VM given a range reaches no sector outside it
 * whatever its guest asks.
 */
#include "vdev/blk_backend.h"

#include "core/vm.h"
#include "core/vm_device.h"
#include "lib/log.h"
#include "lib/spinlock.h"

_Static_assert(BLK_HOST_DISK_MAX == VM_DEV_DISK_MAX, "a VM description names disks 0-7");

/* Every virtio-blk of every VM can hold one range. */
#define BLK_RANGE_MAX (VM_MAX * VM_DEV_MAX_BLK)

struct blk_range {
    struct blk_backend be;
    struct blk_backend *disk;
    unsigned disk_index;
    uint64_t first;
    bool used;
    char name[48];
};

/* Protects disks[] and ranges[]: taken alone, never while holding another
 * lock (VMs are built and torn down on any CPU). */
static struct spinlock registry_lock;
static struct blk_backend *disks[BLK_HOST_DISK_MAX];
static struct blk_range ranges[BLK_RANGE_MAX];

int blk_host_disk_register(struct blk_backend *b)
{
    int index = -1;
    spin_lock(&registry_lock);
    for (unsigned i = 0; i < BLK_HOST_DISK_MAX && b; i++) {
        if (!disks[i]) {
            disks[i] = b;
            index = (int)i;
            break;
        }
    }
    spin_unlock(&registry_lock);
    return index;
}

void blk_host_disk_unregister(struct blk_backend *b)
{
    spin_lock(&registry_lock);
    for (unsigned i = 0; i < BLK_HOST_DISK_MAX; i++)
        if (disks[i] == b)
            disks[i] = NULL;
    spin_unlock(&registry_lock);
}

struct blk_backend *blk_host_disk(unsigned index)
{
    if (index >= BLK_HOST_DISK_MAX)
        return NULL;
    spin_lock(&registry_lock);
    struct blk_backend *b = disks[index];
    spin_unlock(&registry_lock);
    return b;
}

static uint64_t req_bytes(const struct blk_req *req)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < req->nseg && i < BLK_MAX_SEGS; i++)
        n += req->seg[i].len;
    return n;
}

static int range_submit(struct blk_backend *b, struct blk_req *req)
{
    struct blk_range *r = b->priv;
    if (req->op != BLK_OP_FLUSH) {
        uint64_t bytes = req_bytes(req);
        bool fits = req->nseg <= BLK_MAX_SEGS && bytes % BLK_SECTOR_SIZE == 0 &&
                    req->sector <= b->sectors &&
                    bytes / BLK_SECTOR_SIZE <= b->sectors - req->sector;
        if (!fits || (req->op == BLK_OP_WRITE && b->read_only)) {
            req->done(req, -1);
            return 0;
        }
        req->sector += r->first;
    }
    int rc = r->disk->submit(r->disk, req);
    if (rc != 0 && req->op != BLK_OP_FLUSH)
        req->sector -= r->first; /* not taken: the caller submits it again as it was */
    return rc;
}

static bool ranges_meet(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

struct blk_backend *blk_range_open(unsigned disk, uint64_t first, uint64_t count, bool read_only,
                                   const char **why)
{
    struct blk_backend *d = blk_host_disk(disk);
    const char *no = NULL;
    struct blk_range *r = NULL;
    spin_lock(&registry_lock);
    if (!d) {
        no = "no such host disk";
    } else if (first >= d->sectors) {
        no = "the range starts at or beyond the end of the host disk";
    } else if (count > d->sectors - first) {
        no = "the range runs past the end of the host disk";
    }
    if (!no && count == 0)
        count = d->sectors - first;
    bool ro = read_only || (d && d->read_only);
    for (unsigned i = 0; i < BLK_RANGE_MAX && !no; i++) {
        const struct blk_range *o = &ranges[i];
        if (o->used && o->disk == d && (!ro || !o->be.read_only) &&
            ranges_meet(first, count, o->first, o->be.sectors))
            no = "the range overlaps one already given out where one of them may write";
    }
    for (unsigned i = 0; i < BLK_RANGE_MAX && !no && !r; i++)
        if (!ranges[i].used)
            r = &ranges[i];
    if (!no && !r)
        no = "no free range slot";
    if (!no) {
        *r = (struct blk_range){.disk = d, .disk_index = disk, .first = first, .used = true};
        av_snprintf(r->name, sizeof(r->name), "host%u:%llu+%llu%s", disk, (unsigned long long)first,
                    (unsigned long long)count, ro ? ",ro" : "");
        r->be = (struct blk_backend){
            .name = r->name, .sectors = count, .read_only = ro, .submit = range_submit, .priv = r};
    }
    spin_unlock(&registry_lock);
    if (no) {
        if (why)
            *why = no;
        return NULL;
    }
    return &r->be;
}

void blk_range_close(struct blk_backend *range)
{
    if (!range)
        return;
    spin_lock(&registry_lock);
    struct blk_range *r = range->priv;
    CHECK(r >= ranges && r < ranges + BLK_RANGE_MAX && r->used);
    r->used = false;
    spin_unlock(&registry_lock);
}
