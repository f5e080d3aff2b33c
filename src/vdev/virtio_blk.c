/*
 * virtio-blk (virtio_blk.h; Virtio 1.2 5.2): take requests off the queue,
 * hand them to the backend pointing at the guest's own buffers, complete
 * them when the backend says so.
 */
#include "vdev/virtio_blk.h"

#include "core/vgic.h"
#include "core/vm.h"
#include "lib/le.h"
#include "lib/log.h"
#include "vdev/virtio_guest_mem.h"

static struct virtio_blk *of(struct virtio_mmio *vd)
{
    return vd->priv;
}

static uint8_t config_read(struct virtio_mmio *vd, uint32_t off)
{
    const struct virtio_blk *b = of(vd);
    uint8_t cfg[VIRTIO_BLK_CFG_SIZE] = {0};
    put_le64(cfg + VIRTIO_BLK_CFG_CAPACITY, b->be->sectors);
    put_le32(cfg + VIRTIO_BLK_CFG_SEG_MAX, VIRTIO_BLK_SEG_MAX);
    put_le32(cfg + VIRTIO_BLK_CFG_BLK_SIZE, BLK_SECTOR_SIZE);
    return off < sizeof(cfg) ? cfg[off] : 0;
}

/* Return chain head with status, used_len bytes written (the writable
 * part), and interrupt the driver if it wants it. Nothing when the queue
 * went away (a reset, DEVICE_NEEDS_RESET) since the request was taken. */
static void finish(struct virtio_blk *b, uint16_t head, uint64_t status_gpa, uint8_t status,
                   uint32_t used_len)
{
    struct virtq *vq = virtio_mmio_queue(&b->vd, VIRTIO_BLK_QUEUE);
    if (!vq)
        return;
    if (status != VIRTIO_BLK_S_OK)
        b->stats.errors++;
    /* status_gpa was checked to be the VM's RAM by virtq_pop, and the RAM
     * stays the VM's while the device exists (release drains first). */
    b->mem.write(b->mem.ctx, status_gpa, &status, 1);
    if (!virtq_push(vq, head, used_len)) {
        virtio_mmio_needs_reset(&b->vd, "used ring not writable");
        return;
    }
    virtio_mmio_used(&b->vd, VIRTIO_BLK_QUEUE);
}

/* The guest RAM [gpa, gpa+len) as backend segments: host PA and the
 * hypervisor's VA of the VM's own pages, merged while both run on. False
 * when a byte is not the VM's RAM (cannot happen after virtq_pop) or the
 * request needs more than BLK_MAX_SEGS segments. */
static bool map_span(struct vm *vm, uint64_t gpa, uint32_t len, struct blk_req *req)
{
    while (len) {
        const struct mem_region *r = NULL;
        for (unsigned i = 0; i < vm->nregions && !r; i++)
            if (gpa >= vm->regions[i].ipa && gpa - vm->regions[i].ipa < vm->regions[i].size)
                r = &vm->regions[i];
        if (!r)
            return false;
        /* Page by page, so a hypervisor mapping that is not linear across
         * pages still gives right VAs. */
        uint64_t to_page_end = PAGE_SIZE - (gpa & (PAGE_SIZE - 1));
        uint64_t in_region = r->size - (gpa - r->ipa);
        uint32_t n = len;
        if (n > to_page_end)
            n = (uint32_t)to_page_end;
        if (n > in_region)
            n = (uint32_t)in_region;
        paddr_t pa = r->pa + (gpa - r->ipa);
        uint8_t *va = arch_pa_to_va(pa);
        if (!va)
            return false;
        struct blk_seg *last = req->nseg ? &req->seg[req->nseg - 1] : NULL;
        if (last && last->pa + last->len == pa && (uint8_t *)last->va + last->len == va) {
            last->len += n;
        } else {
            if (req->nseg == BLK_MAX_SEGS)
                return false;
            req->seg[req->nseg++] = (struct blk_seg){.va = va, .pa = pa, .len = n};
        }
        gpa += n;
        len -= n;
    }
    return true;
}

static void req_done(struct blk_req *req, int status);

/* A backend request for parsed request q in slot s; false when its buffers
 * cannot be described (answered IOERR). */
static bool fill_req(struct virtio_blk *b, const struct vblk_req *q, struct vblk_slot *s)
{
    struct blk_req *req = &s->req;
    req->op = q->type == VIRTIO_BLK_T_IN    ? BLK_OP_READ
              : q->type == VIRTIO_BLK_T_OUT ? BLK_OP_WRITE
                                            : BLK_OP_FLUSH;
    req->sector = q->sector;
    req->nseg = 0;
    req->done = req_done;
    req->owner = s;
    for (unsigned i = 0; i < q->nspan; i++)
        if (!map_span(b->vm, q->span[i].gpa, q->span[i].len, req))
            return false;
    return true;
}

static struct vblk_slot *free_slot(struct virtio_blk *b)
{
    for (unsigned i = 0; i < VIRTIO_BLK_INFLIGHT; i++)
        if (b->slots[i].state == VBLK_SLOT_FREE)
            return &b->slots[i];
    return NULL;
}

/* Requests taken, by type (errors are counted as they are answered). */
static void count(struct virtio_blk *b, const struct vblk_req *q)
{
    switch (q->type) {
    case VIRTIO_BLK_T_IN:
        b->stats.reads++;
        break;
    case VIRTIO_BLK_T_OUT:
        b->stats.writes++;
        break;
    case VIRTIO_BLK_T_FLUSH:
        b->stats.flushes++;
        break;
    case VIRTIO_BLK_T_GET_ID:
        b->stats.get_ids++;
        break;
    }
}

/* Submit slot s; false when the backend is full (s waits, DEFERRED, for
 * the next completion). done may run before this returns. */
static bool submit(struct virtio_blk *b, struct vblk_slot *s)
{
    s->state = VBLK_SLOT_INFLIGHT;
    if (b->be->submit(b->be, &s->req) == 0)
        return true; /* s may already be FREE again */
    s->state = VBLK_SLOT_DEFERRED;
    return false;
}

/* Take what the driver made available, as far as there are slots and the
 * backend takes requests. Lock held. Bounded: twice the largest queue. */
static void process(struct virtio_blk *b)
{
    for (unsigned i = 0; i < VIRTIO_BLK_INFLIGHT; i++)
        if (b->slots[i].state == VBLK_SLOT_DEFERRED && !submit(b, &b->slots[i]))
            return;
    struct virtq_chain *c = &b->chain;
    struct vblk_req *q = &b->parsed;
    for (unsigned n = 0; n < 2 * VIRTIO_BLK_QUEUE_MAX; n++) {
        struct virtq *vq = virtio_mmio_queue(&b->vd, VIRTIO_BLK_QUEUE);
        struct vblk_slot *s = free_slot(b);
        if (!vq || !s)
            return;
        enum virtq_result r = virtq_pop(vq, c);
        if (r == VIRTQ_BAD_CHAIN)
            b->stats.bad_chains++;
        if (!virtio_mmio_pop_ok(&b->vd, VIRTIO_BLK_QUEUE, r, c)) {
            if (r == VIRTQ_BAD_CHAIN)
                continue; /* returned with nothing written; the next */
            return;
        }
        vblk_parse(vq, c, b->be->sectors, b->read_only, q);
        if (q->action == VBLK_BACKEND || q->action == VBLK_GET_ID)
            count(b, q);
        if (q->action == VBLK_STATUS && q->status == VIRTIO_BLK_S_UNSUPP)
            b->stats.unsupported++;
        switch (q->action) {
        case VBLK_NO_STATUS:
            /* No byte to answer in: returned unprocessed, like a bad chain. */
            b->stats.bad_chains++;
            if (!virtq_push(vq, c->head, 0)) {
                virtio_mmio_needs_reset(&b->vd, "used ring not writable");
                return;
            }
            virtio_mmio_used(&b->vd, VIRTIO_BLK_QUEUE);
            continue;
        case VBLK_STATUS:
            finish(b, c->head, q->status_gpa, q->status, q->used_len);
            continue;
        case VBLK_GET_ID: {
            uint32_t off = 0;
            for (unsigned i = 0; i < q->nspan; i++) {
                b->mem.write(b->mem.ctx, q->span[i].gpa, b->serial + off, q->span[i].len);
                off += q->span[i].len;
            }
            finish(b, c->head, q->status_gpa, VIRTIO_BLK_S_OK, q->used_len);
            continue;
        }
        case VBLK_BACKEND:
            break;
        }
        if (!fill_req(b, q, s)) {
            finish(b, c->head, q->status_gpa, VIRTIO_BLK_S_IOERR, q->used_len);
            continue;
        }
        s->gen = b->gen;
        s->head = c->head;
        s->used_len = q->used_len;
        s->status_gpa = q->status_gpa;
        b->busy++;
        if (!submit(b, s))
            return;
    }
}

/* The backend's completion (blk_backend.h): on the CPU that took the
 * backing device's interrupt with no lock held, or, for a backend that
 * completes at once, inside our own submit with our lock held. */
static void req_done(struct blk_req *req, int status)
{
    struct vblk_slot *s = req->owner;
    struct virtio_blk *b = s->dev;
    bool nested = spin_is_held(&b->lock);
    if (!nested)
        spin_lock(&b->lock);
    CHECK(s->state == VBLK_SLOT_INFLIGHT);
    if (s->gen == b->gen)
        finish(b, s->head, s->status_gpa, status == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR,
               s->used_len);
    s->state = VBLK_SLOT_FREE;
    b->busy--;
    if (!nested) {
        process(b); /* a slot is free, and the backend has room again */
        spin_unlock(&b->lock);
    }
}

static void notify(struct virtio_mmio *vd, unsigned q)
{
    if (q == VIRTIO_BLK_QUEUE)
        process(of(vd));
}

/* Device reset (status 0, or the guest's SYSTEM_RESET): requests not yet
 * with the backend are dropped; those with it complete into nothing. */
static void dev_reset(struct virtio_mmio *vd)
{
    struct virtio_blk *b = of(vd);
    b->gen++;
    for (unsigned i = 0; b->slots && i < VIRTIO_BLK_INFLIGHT; i++) {
        if (b->slots[i].state == VBLK_SLOT_DEFERRED) {
            b->slots[i].state = VBLK_SLOT_FREE;
            b->busy--;
        }
    }
}

#define BLK_FEATURES                                                                               \
    ((1ull << VIRTIO_BLK_F_SEG_MAX) | (1ull << VIRTIO_BLK_F_BLK_SIZE) |                            \
     (1ull << VIRTIO_BLK_F_FLUSH))

static const struct virtio_dev_ops blk_ops_rw = {
    .device_id = VIRTIO_ID_BLOCK,
    .features = BLK_FEATURES,
    .nqueues = 1,
    .queue_max = VIRTIO_BLK_QUEUE_MAX,
    .config_size = VIRTIO_BLK_CFG_SIZE,
    .config_read = config_read,
    .notify = notify,
    .reset = dev_reset,
};

static const struct virtio_dev_ops blk_ops_ro = {
    .device_id = VIRTIO_ID_BLOCK,
    .features = BLK_FEATURES | (1ull << VIRTIO_BLK_F_RO),
    .nqueues = 1,
    .queue_max = VIRTIO_BLK_QUEUE_MAX,
    .config_size = VIRTIO_BLK_CFG_SIZE,
    .config_read = config_read,
    .notify = notify,
    .reset = dev_reset,
};

/* ---- The MMIO side: every register access under the lock ---------------- */

static int blk_access(struct mmio_dev *dev, struct mmio_access *acc)
{
    struct virtio_blk *b = of(dev->priv);
    spin_lock(&b->lock);
    int r = virtio_mmio_access(dev, acc);
    spin_unlock(&b->lock);
    return r;
}

static void blk_sys_reset(struct mmio_dev *dev)
{
    struct virtio_blk *b = of(dev->priv);
    spin_lock(&b->lock);
    virtio_mmio_reset(&b->vd);
    spin_unlock(&b->lock);
}

/* vm_destroy: no more requests, and none left in flight before the VM's
 * RAM (where the backend may be transferring) is freed. A backend
 * completes on an interrupt: idle until one comes and let the core handle
 * it (host_irq_handle), as often as it takes. */
static void blk_release(struct mmio_dev *dev)
{
    struct virtio_blk *b = of(dev->priv);
    spin_lock(&b->lock);
    virtio_mmio_reset(&b->vd);
    if (b->busy)
        log_info("virtio-blk@0x%llx: waiting for %u request(s) in flight on %s\n",
                 (unsigned long long)b->vd.dev.base, b->busy, b->be->name);
    while (b->busy) {
        spin_unlock(&b->lock);
        arch_cpu_idle();
        host_irq_handle(NULL);
        spin_lock(&b->lock);
    }
    spin_unlock(&b->lock);
    if (b->slots)
        arch_page_free(b->slots_pa, b->slots_pages);
    b->slots = NULL;
    if (b->on_release)
        b->on_release(b);
}

int virtio_blk_init(struct virtio_blk *b, ipa_t base, struct vm *vm, struct blk_backend *be,
                    bool read_only)
{
    *b = (struct virtio_blk){.vm = vm, .be = be, .read_only = read_only || be->read_only};
    b->slots_pages = (sizeof(struct vblk_slot) * VIRTIO_BLK_INFLIGHT + PAGE_SIZE - 1) / PAGE_SIZE;
    b->slots_pa = arch_page_alloc(b->slots_pages);
    b->slots = b->slots_pa ? arch_pa_to_va(b->slots_pa) : NULL;
    if (!b->slots) {
        log_err("vm %s: virtio-blk at 0x%llx: no memory for its requests\n", vm->name,
                (unsigned long long)base);
        if (b->slots_pa)
            arch_page_free(b->slots_pa, b->slots_pages);
        return -1;
    }
    for (unsigned i = 0; i < VIRTIO_BLK_INFLIGHT; i++)
        b->slots[i] = (struct vblk_slot){.state = VBLK_SLOT_FREE, .dev = b};
    /* The serial GET_ID answers: the backing's name, NUL-padded. */
    for (unsigned i = 0; be->name && be->name[i] && i < VIRTIO_BLK_ID_BYTES; i++)
        b->serial[i] = be->name[i];
    virtio_guest_mem(&b->mem, vm);
    virtio_mmio_init(&b->vd, base, b->read_only ? &blk_ops_ro : &blk_ops_rw, b, &b->mem);
    b->vd.dev.name = "virtio-blk";
    b->ops =
        (struct mmio_ops){.access = blk_access, .reset = blk_sys_reset, .release = blk_release};
    b->vd.dev.ops = &b->ops;
    return 0;
}
