/*
 * libFuzzer target for the virtio-blk request parser (src/vdev/
 * virtio_blk_req.c) behind the split virtqueue: arbitrary rings, chains and
 * request headers in a small guest RAM, a disk of arbitrary capacity,
 * read-only or not. Every chain the queue hands out is parsed as the device
 * would.
 *
 * Invariants (a break traps): a request with no writable byte gets no
 * status; otherwise the status goes to the last writable byte of the chain,
 * which is guest RAM, and the used length is the writable part's size; a
 * READ or WRITE that goes to the backend is a whole, non-zero number of
 * sectors inside the capacity, a WRITE never on a read-only disk, and its
 * data spans lie inside the chain's buffers of the right direction (so
 * inside RAM), none empty, adding up to the data length; FLUSH carries no
 * data, GET_ID at most 20 bytes; anything else is answered IOERR or UNSUPP.
 *
 * Input: [0] queue size (1 << (b % 8)), [1] bit 0 INDIRECT_DESC, bit 1
 * EVENT_IDX, bit 2 read-only, [2..9] capacity in sectors (little-endian),
 * then guest RAM from its first byte (descriptors at 0, avail ring at
 * 0x4000, used ring at 0x5000; the rest zero).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_ram.h"
#include "vdev/virtio_blk_req.h"

#define HDR 10u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The parser reads only bytes it checked first. */
static bool reads_checked = true;
static const struct virtq_mem mem = RAM_MEM(reads_checked);

/* [gpa, gpa+len) inside one of c's buffers of direction write. */
static bool in_chain(const struct virtq_chain *c, bool write, uint64_t gpa, uint32_t len)
{
    for (unsigned i = 0; i < c->nseg; i++) {
        const struct virtq_seg *s = &c->seg[i];
        if (s->write == write && gpa >= s->addr && len <= s->len && gpa - s->addr <= s->len - len)
            return true;
    }
    return false;
}

static uint64_t last_writable(const struct virtq_chain *c)
{
    uint64_t at = 0;
    for (unsigned i = 0; i < c->nseg; i++)
        if (c->seg[i].write && c->seg[i].len)
            at = c->seg[i].addr + c->seg[i].len - 1;
    return at;
}

static void check_req(const struct virtq_chain *c, uint64_t cap, bool ro, const struct vblk_req *r)
{
    if (c->in_len == 0) {
        CHECK(r->action == VBLK_NO_STATUS && r->nspan == 0);
        return;
    }
    CHECK(r->action != VBLK_NO_STATUS);
    CHECK(r->status_gpa == last_writable(c) && inside(r->status_gpa, 1));
    CHECK(r->used_len == c->in_len);
    CHECK(r->nspan <= VIRTQ_CHAIN_MAX);
    uint64_t sum = 0;
    for (unsigned i = 0; i < r->nspan; i++) {
        CHECK(r->span[i].len > 0);
        CHECK(in_chain(c, r->type != VIRTIO_BLK_T_OUT, r->span[i].gpa, r->span[i].len));
        sum += r->span[i].len;
    }
    CHECK(sum == r->data_len);
    switch (r->action) {
    case VBLK_STATUS:
        CHECK(r->status == VIRTIO_BLK_S_IOERR || r->status == VIRTIO_BLK_S_UNSUPP);
        CHECK(r->nspan == 0);
        return;
    case VBLK_GET_ID:
        CHECK(r->type == VIRTIO_BLK_T_GET_ID && r->data_len <= VIRTIO_BLK_ID_BYTES);
        return;
    case VBLK_BACKEND:
        if (r->type == VIRTIO_BLK_T_FLUSH) {
            CHECK(r->nspan == 0);
            return;
        }
        CHECK(r->type == VIRTIO_BLK_T_IN || r->type == VIRTIO_BLK_T_OUT);
        CHECK(r->data_len && r->data_len % VIRTIO_BLK_SECTOR == 0);
        CHECK(r->sector <= cap && r->data_len / VIRTIO_BLK_SECTOR <= cap - r->sector);
        CHECK(!(ro && r->type == VIRTIO_BLK_T_OUT));
        /* The data never includes the status byte's place in the chain:
         * the writable data ends one byte before the writable part does. */
        if (r->type == VIRTIO_BLK_T_IN)
            CHECK(r->data_len == c->in_len - 1);
        else
            CHECK(r->data_len == c->out_len - VIRTIO_BLK_HDR_SIZE && c->in_len == 1);
        return;
    case VBLK_NO_STATUS:
        break;
    }
    CHECK(0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HDR)
        return 0;
    unsigned qsize = 1u << (data[0] % 8);
    bool indirect = data[1] & 1, event_idx = data[1] & 2, ro = data[1] & 4;
    uint64_t cap = 0;
    for (unsigned i = 0; i < 8; i++)
        cap |= (uint64_t)data[2 + i] << (8 * i);
    ram_fill(data + HDR, size - HDR);

    struct virtq vq;
    CHECK(virtq_init(&vq, &mem, (uint16_t)qsize, RAM_BASE, RAM_BASE + AVAIL_OFF,
                     RAM_BASE + USED_OFF, indirect, event_idx));
    static struct virtq_chain c;
    static struct vblk_req r;
    for (unsigned i = 0; i < 2 * qsize + 2; i++) {
        enum virtq_result res = virtq_pop(&vq, &c);
        if (res == VIRTQ_EMPTY || res == VIRTQ_BROKEN)
            break;
        if (res == VIRTQ_BAD_CHAIN) {
            virtq_push(&vq, c.head, 0);
            continue;
        }
        vblk_parse(&vq, &c, cap, ro, &r);
        check_req(&c, cap, ro, &r);
        virtq_push(&vq, c.head, r.used_len);
    }
    return 0;
}
