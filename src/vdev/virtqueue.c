/*
 * Split virtqueues, device side (virtqueue.h; Virtio 1.2 section 2.7). All
 * ring fields are little-endian (2.7 for non-legacy devices); they are read
 * byte-wise through struct virtq_mem, never through a pointer into guest
 * memory, so the driver changing them meanwhile changes nothing but the
 * values we read once.
 */
#include "vdev/virtqueue.h"

#include <stddef.h>

#include "lib/le.h"

/* Offsets in struct virtq_desc, virtq_avail and virtq_used (2.7.5, 2.7.6,
 * 2.7.8). */
#define DESC_ADDR   0
#define DESC_LEN    8
#define DESC_FLAGS  12
#define DESC_NEXT   14
#define AVAIL_FLAGS 0
#define AVAIL_IDX   2
#define AVAIL_RING  4
#define USED_FLAGS  0
#define USED_IDX    2
#define USED_RING   4

static bool rd16(const struct virtq *vq, uint64_t gpa, uint16_t *v)
{
    uint8_t b[2];
    if (!vq->mem->read(vq->mem->ctx, gpa, b, 2))
        return false;
    *v = get_le16(b);
    return true;
}

static bool wr16(const struct virtq *vq, uint64_t gpa, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    return vq->mem->write(vq->mem->ctx, gpa, b, 2);
}

/* Ordering of our reads and writes of the rings against the driver's, as
 * the virtio memory barriers of 2.7.13 / 2.7.14 ask. */
static void mb(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static uint64_t avail_bytes(uint16_t size)
{
    return 6 + 2ull * size; /* flags, idx, ring[size], used_event */
}

static uint64_t used_bytes(uint16_t size)
{
    return 6 + (uint64_t)VIRTQ_USED_ELEM * size; /* flags, idx, ring[size], avail_event */
}

bool virtq_init(struct virtq *vq, const struct virtq_mem *mem, uint16_t size, uint64_t desc,
                uint64_t avail, uint64_t used, bool indirect, bool event_idx)
{
    *vq = (struct virtq){.mem = mem, .broken = true};
    if (!mem || size == 0 || (size & (size - 1)) || size > VIRTQ_SIZE_MAX)
        return false;
    if ((desc & (VIRTQ_DESC_ALIGN - 1)) || (avail & (VIRTQ_AVAIL_ALIGN - 1)) ||
        (used & (VIRTQ_USED_ALIGN - 1)))
        return false;
    if (!mem->valid(mem->ctx, desc, (uint64_t)VIRTQ_DESC_SIZE * size) ||
        !mem->valid(mem->ctx, avail, avail_bytes(size)) ||
        !mem->valid(mem->ctx, used, used_bytes(size)))
        return false;
    *vq = (struct virtq){.mem = mem,
                         .size = size,
                         .desc = desc,
                         .avail = avail,
                         .used = used,
                         .indirect = indirect,
                         .event_idx = event_idx};
    return true;
}

struct raw_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

static bool read_desc(const struct virtq *vq, uint64_t table, uint32_t i, struct raw_desc *d)
{
    uint8_t b[VIRTQ_DESC_SIZE];
    if (!vq->mem->read(vq->mem->ctx, table + (uint64_t)i * VIRTQ_DESC_SIZE, b, sizeof(b)))
        return false;
    d->addr = get_le64(b + DESC_ADDR);
    d->len = get_le32(b + DESC_LEN);
    d->flags = get_le16(b + DESC_FLAGS);
    d->next = get_le16(b + DESC_NEXT);
    return true;
}

/* Add one buffer to the chain: inside RAM, no wrap, the total within 2^32
 * (2.7.5.2: "Drivers MUST NOT add a descriptor chain longer than 2^32
 * bytes in total"), writable ones after readable ones (2.7.4.2). */
static bool add_seg(const struct virtq *vq, struct virtq_chain *c, const struct raw_desc *d)
{
    bool write = d->flags & VIRTQ_DESC_F_WRITE;
    if (c->nseg == VIRTQ_CHAIN_MAX)
        return false;
    if (d->len &&
        (d->addr + d->len - 1 < d->addr || !vq->mem->valid(vq->mem->ctx, d->addr, d->len)))
        return false;
    if (!write && c->nseg && c->seg[c->nseg - 1].write)
        return false;
    uint64_t total = (uint64_t)c->out_len + c->in_len + d->len;
    if (total > UINT32_MAX)
        return false;
    c->seg[c->nseg++] = (struct virtq_seg){.addr = d->addr, .len = d->len, .write = write};
    if (write)
        c->in_len += d->len;
    else
        c->out_len += d->len;
    return true;
}

/* Walk an indirect table (2.7.5.3): len a non-zero multiple of 16 and at
 * most the queue's maximum chain, in RAM, no nested table, every next
 * inside the table, at most one pass over it (no loop). */
static bool walk_indirect(const struct virtq *vq, struct virtq_chain *c, const struct raw_desc *t)
{
    if (t->len == 0 || t->len % VIRTQ_DESC_SIZE || t->len / VIRTQ_DESC_SIZE > VIRTQ_SIZE_MAX ||
        !vq->mem->valid(vq->mem->ctx, t->addr, t->len))
        return false;
    uint32_t n = t->len / VIRTQ_DESC_SIZE;
    struct raw_desc d;
    uint32_t i = 0;
    for (uint32_t steps = 0;; steps++) {
        if (steps == n || !read_desc(vq, t->addr, i, &d))
            return false; /* a loop (or the RAM went away) */
        if (d.flags & VIRTQ_DESC_F_INDIRECT)
            return false; /* "MUST NOT set the VIRTQ_DESC_F_INDIRECT flag within an
                             indirect descriptor" */
        if (!add_seg(vq, c, &d))
            return false;
        if (!(d.flags & VIRTQ_DESC_F_NEXT))
            return true;
        if (d.next >= n)
            return false;
        i = d.next;
    }
}

/* Walk the chain at head in the queue's table. */
static bool walk(struct virtq *vq, struct virtq_chain *c, uint16_t head, bool *ring_ok)
{
    struct raw_desc d;
    uint32_t i = head;
    *ring_ok = true;
    for (uint32_t steps = 0;; steps++) {
        if (steps == vq->size)
            return false; /* longer than the queue: a loop (2.7.5.3.1) */
        if (!read_desc(vq, vq->desc, i, &d)) {
            *ring_ok = false; /* the table was checked at init: cannot happen */
            return false;
        }
        if (d.flags & VIRTQ_DESC_F_INDIRECT) {
            /* Allowed only if negotiated, never with NEXT, as the last
             * descriptor of the chain (2.7.5.3.1, 2.7.5.3.2). */
            if (!vq->indirect || (d.flags & VIRTQ_DESC_F_NEXT))
                return false;
            return walk_indirect(vq, c, &d);
        }
        if (!add_seg(vq, c, &d))
            return false;
        if (!(d.flags & VIRTQ_DESC_F_NEXT))
            return true;
        if (d.next >= vq->size)
            return false;
        i = d.next;
    }
}

enum virtq_result virtq_pop(struct virtq *vq, struct virtq_chain *c)
{
    c->nseg = 0;
    c->in_len = c->out_len = 0;
    c->head = 0;
    if (vq->broken || vq->size == 0)
        return VIRTQ_BROKEN;
    uint16_t avail_idx;
    if (!rd16(vq, vq->avail + AVAIL_IDX, &avail_idx))
        goto broken;
    uint16_t pending = (uint16_t)(avail_idx - vq->last_avail);
    if (pending == 0)
        return VIRTQ_EMPTY;
    if (pending > vq->size)
        goto broken; /* the driver claims more than the ring holds */
    mb();            /* the entry after the index that exposed it */
    uint16_t head;
    if (!rd16(vq, vq->avail + AVAIL_RING + 2ull * (vq->last_avail % vq->size), &head) ||
        head >= vq->size)
        goto broken;
    vq->last_avail++;
    if (vq->event_idx) {
        /* avail_event: wake us again for anything after this (2.7.10). */
        if (!wr16(vq, vq->used + USED_RING + (uint64_t)VIRTQ_USED_ELEM * vq->size, vq->last_avail))
            goto broken;
    }
    c->head = head;
    bool ring_ok;
    if (walk(vq, c, head, &ring_ok))
        return VIRTQ_OK;
    if (!ring_ok)
        goto broken;
    c->nseg = 0;
    c->in_len = c->out_len = 0;
    return VIRTQ_BAD_CHAIN;
broken:
    vq->broken = true;
    return VIRTQ_BROKEN;
}

bool virtq_push(struct virtq *vq, uint16_t head, uint32_t len)
{
    if (vq->broken || vq->size == 0 || head >= vq->size)
        return false;
    uint8_t elem[VIRTQ_USED_ELEM];
    put_le32(elem, head);
    put_le32(elem + 4, len);
    uint64_t slot = vq->used + USED_RING + (uint64_t)VIRTQ_USED_ELEM * (vq->used_idx % vq->size);
    if (!vq->mem->write(vq->mem->ctx, slot, elem, sizeof(elem)))
        goto broken;
    mb(); /* the element before the index that exposes it (2.7.14) */
    vq->used_idx++;
    if (!wr16(vq, vq->used + USED_IDX, vq->used_idx))
        goto broken;
    return true;
broken:
    vq->broken = true;
    return false;
}

bool virtq_should_notify(struct virtq *vq)
{
    if (vq->size == 0)
        return false;
    mb(); /* our used->idx before the driver's suppression fields */
    uint16_t old = vq->signalled_used, now = vq->used_idx;
    vq->signalled_used = now;
    if (vq->event_idx) {
        /* Interrupt when used->idx passed used_event (2.7.7): new entries
         * [old, now) include used_event. */
        uint16_t used_event;
        if (!rd16(vq, vq->avail + AVAIL_RING + 2ull * vq->size, &used_event))
            return true;
        return (uint16_t)(now - used_event - 1) < (uint16_t)(now - old);
    }
    uint16_t flags;
    if (!rd16(vq, vq->avail + AVAIL_FLAGS, &flags))
        return true;
    return now != old && !(flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

static uint32_t chain_copy(const struct virtq *vq, const struct virtq_chain *c, bool write,
                           uint32_t off, uint8_t *buf, const uint8_t *src, uint32_t len)
{
    uint32_t done = 0;
    for (unsigned i = 0; i < c->nseg && done < len; i++) {
        const struct virtq_seg *s = &c->seg[i];
        if (s->write != write)
            continue;
        if (off >= s->len) {
            off -= s->len;
            continue;
        }
        uint32_t n = s->len - off;
        if (n > len - done)
            n = len - done;
        bool ok = write ? vq->mem->write(vq->mem->ctx, s->addr + off, src + done, n)
                        : vq->mem->read(vq->mem->ctx, s->addr + off, buf + done, n);
        if (!ok)
            return done;
        done += n;
        off = 0;
    }
    return done;
}

uint32_t virtq_chain_read(const struct virtq *vq, const struct virtq_chain *c, uint32_t off,
                          void *dst, uint32_t len)
{
    return chain_copy(vq, c, false, off, dst, NULL, len);
}

uint32_t virtq_chain_write(const struct virtq *vq, const struct virtq_chain *c, uint32_t off,
                           const void *src, uint32_t len)
{
    return chain_copy(vq, c, true, off, NULL, src, len);
}
