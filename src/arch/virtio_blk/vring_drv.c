/*
 * The driver's side of a split virtqueue (Virtio 1.2 section 2.7);
 * vring_drv.h says what is checked and why.
 */
#include "arch/virtio_blk/vring_drv.h"

#include "arch/barrier.h"
#include "lib/check.h"
#include "lib/le.h"
#include "vdev/virtqueue.h"

/* struct virtq_desc (2.7.5): addr le64, len le32, flags le16, next le16. */
#define DESC_ADDR  0
#define DESC_LEN   8
#define DESC_FLAGS 12
#define DESC_NEXT  14
/* struct virtq_avail (2.7.6) and struct virtq_used (2.7.8). */
#define RING_FLAGS   0
#define RING_IDX     2
#define RING_ENTRIES 4
#define USED_ELEM_ID 0
#define AVAIL_ENTRY  2u /* le16 head per available entry */
#define RING_TRAILER 2u /* used_event / avail_event, unused here (no EVENT_IDX) */

static void put16(uint8_t *p, uint16_t v)
{
    *(volatile uint16_t *)p = v; /* little-endian CPU: as the ring wants */
}

static uint16_t get16(const uint8_t *p)
{
    return *(const volatile uint16_t *)p;
}

static uint32_t get32(const uint8_t *p)
{
    return *(const volatile uint32_t *)p;
}

bool vring_drv_init(struct vring_drv *r, uint16_t size)
{
    CHECK(size > 0 && size <= VRING_DRV_MAX && (size & (size - 1)) == 0);
    *r = (struct vring_drv){.size = size};
    uint32_t desc_bytes = VIRTQ_DESC_SIZE * size;
    uint32_t avail_bytes = RING_ENTRIES + AVAIL_ENTRY * size + RING_TRAILER;
    uint32_t used_off = (desc_bytes + avail_bytes + VIRTQ_USED_ALIGN - 1) & ~(VIRTQ_USED_ALIGN - 1);
    CHECK(used_off + RING_ENTRIES + VIRTQ_USED_ELEM * size + RING_TRAILER <= PAGE_SIZE);
    r->page = arch_page_alloc(1); /* zeroed: flags 0, both indexes 0 */
    if (!r->page)
        return false;
    uint8_t *va = arch_pa_to_va(r->page);
    CHECK(va);
    r->desc = va;
    r->avail = va + desc_bytes;
    r->used = va + used_off;
    r->desc_pa = r->page;
    r->avail_pa = r->page + desc_bytes;
    r->used_pa = r->page + used_off;
    for (uint16_t i = 0; i < size; i++)
        r->next[i] = (uint16_t)(i + 1);
    r->free_head = 0;
    r->nfree = size;
    return true;
}

int vring_drv_next_head(const struct vring_drv *r, unsigned n)
{
    if (n == 0 || n > r->nfree)
        return -1;
    return r->free_head;
}

uint16_t vring_drv_add(struct vring_drv *r, const struct vring_drv_buf *bufs, unsigned n)
{
    CHECK(n > 0 && n <= r->nfree && n <= UINT8_MAX);
    uint16_t head = r->free_head, d = head;
    for (unsigned i = 0; i < n; i++) {
        uint8_t *e = r->desc + VIRTQ_DESC_SIZE * d;
        uint16_t flags =
            (bufs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0);
        put_le64(e + DESC_ADDR, bufs[i].pa);
        put_le32(e + DESC_LEN, bufs[i].len);
        put16(e + DESC_FLAGS, flags);
        put16(e + DESC_NEXT, r->next[d]);
        if (i + 1 < n)
            d = r->next[d];
    }
    r->free_head = r->next[d];
    r->nfree = (uint16_t)(r->nfree - n);
    r->chain_len[head] = (uint8_t)n;
    put16(r->avail + RING_ENTRIES + AVAIL_ENTRY * (r->avail_idx & (r->size - 1)), head);
    /* The descriptors and the ring entry before the index that publishes
     * them (2.7.13.2: "memory barrier before updating idx"). */
    dsb_sy();
    r->avail_idx++;
    put16(r->avail + RING_IDX, r->avail_idx);
    dsb_sy(); /* ... and the index before the caller's notify */
    return head;
}

/* Put head's chain back on the free list, from this side's own links. */
static void free_chain(struct vring_drv *r, uint16_t head)
{
    unsigned n = r->chain_len[head];
    uint16_t last = head;
    for (unsigned i = 1; i < n; i++)
        last = r->next[last];
    r->next[last] = r->free_head;
    r->free_head = head;
    r->nfree = (uint16_t)(r->nfree + n);
    r->chain_len[head] = 0;
}

enum vring_drv_used vring_drv_get_used(struct vring_drv *r, uint16_t *head)
{
    uint16_t idx = get16(r->used + RING_IDX);
    if (idx == r->last_used)
        return VRING_DRV_NONE;
    /* The device may not use more than was made available (2.7.8). */
    if ((uint16_t)(idx - r->last_used) > (uint16_t)(r->avail_idx - r->last_used))
        return VRING_DRV_BROKEN;
    dsb_sy(); /* the index before the element it covers (2.7.14) */
    const uint8_t *e = r->used + RING_ENTRIES + VIRTQ_USED_ELEM * (r->last_used & (r->size - 1));
    uint32_t id = get32(e + USED_ELEM_ID);
    if (id >= r->size || r->chain_len[id] == 0)
        return VRING_DRV_BROKEN;
    r->last_used++;
    free_chain(r, (uint16_t)id);
    *head = (uint16_t)id;
    return VRING_DRV_CHAIN;
}

unsigned vring_drv_in_flight(const struct vring_drv *r)
{
    unsigned n = 0;
    for (unsigned i = 0; i < r->size; i++)
        n += r->chain_len[i] != 0;
    return n;
}

int vring_drv_take_in_flight(struct vring_drv *r)
{
    for (uint16_t i = 0; i < r->size; i++)
        if (r->chain_len[i]) {
            free_chain(r, i);
            return i;
        }
    return -1;
}
