/* Parsing one virtio-blk request (virtio_blk_req.h; Virtio 1.2 5.2.6). */
#include "vdev/virtio_blk_req.h"

#include "lib/le.h"

/* The spans of c's buffers of one direction (write: device-writable),
 * from byte off of that part, len bytes. */
static void take_spans(const struct virtq_chain *c, bool write, uint32_t off, uint32_t len,
                       struct vblk_req *r)
{
    for (unsigned i = 0; i < c->nseg && len; i++) {
        const struct virtq_seg *s = &c->seg[i];
        if (s->write != write)
            continue;
        if (off >= s->len) {
            off -= s->len;
            continue;
        }
        uint32_t n = s->len - off < len ? s->len - off : len;
        r->span[r->nspan++] = (struct vblk_span){.gpa = s->addr + off, .len = n};
        len -= n;
        off = 0;
    }
}

/* The guest address of byte off of c's device-writable part (off <
 * c->in_len). */
static uint64_t writable_byte(const struct virtq_chain *c, uint32_t off)
{
    for (unsigned i = 0; i < c->nseg; i++) {
        const struct virtq_seg *s = &c->seg[i];
        if (!s->write)
            continue;
        if (off < s->len)
            return s->addr + off;
        off -= s->len;
    }
    return 0; /* unreachable: in_len is the sum of the writable lengths */
}

static void answer(struct vblk_req *r, uint8_t status)
{
    r->action = VBLK_STATUS;
    r->status = status;
    r->nspan = 0;
    r->data_len = 0;
}

void vblk_parse(const struct virtq *vq, const struct virtq_chain *c, uint64_t capacity,
                bool read_only, struct vblk_req *r)
{
    *r = (struct vblk_req){.action = VBLK_NO_STATUS};
    /* The status is the last device-writable byte (5.2.6): without one the
     * device cannot answer at all. */
    if (c->in_len == 0)
        return;
    r->status_gpa = writable_byte(c, c->in_len - 1);
    r->used_len = c->in_len;
    uint8_t hdr[VIRTIO_BLK_HDR_SIZE];
    if (c->out_len < VIRTIO_BLK_HDR_SIZE ||
        virtq_chain_read(vq, c, 0, hdr, VIRTIO_BLK_HDR_SIZE) != VIRTIO_BLK_HDR_SIZE) {
        answer(r, VIRTIO_BLK_S_IOERR);
        return;
    }
    r->type = get_le32(hdr);
    r->sector = get_le64(hdr + 8);
    uint32_t in_data = c->in_len - 1, out_data = c->out_len - VIRTIO_BLK_HDR_SIZE;

    switch (r->type) {
    case VIRTIO_BLK_T_IN:
    case VIRTIO_BLK_T_OUT: {
        bool in = r->type == VIRTIO_BLK_T_IN;
        /* IN carries no data the driver wrote, OUT none for the driver. */
        uint32_t len = in ? in_data : out_data;
        if ((in ? out_data : in_data) != 0 || len == 0 || len % VIRTIO_BLK_SECTOR) {
            answer(r, VIRTIO_BLK_S_IOERR);
            return;
        }
        uint64_t n = len / VIRTIO_BLK_SECTOR;
        if (r->sector > capacity || n > capacity - r->sector) {
            answer(r, VIRTIO_BLK_S_IOERR); /* 5.2.6.1: beyond the capacity */
            return;
        }
        if (!in && read_only) {
            answer(r, VIRTIO_BLK_S_IOERR); /* 5.2.6.2 with VIRTIO_BLK_F_RO */
            return;
        }
        take_spans(c, in, in ? 0 : VIRTIO_BLK_HDR_SIZE, len, r);
        r->data_len = len;
        r->action = VBLK_BACKEND;
        return;
    }
    case VIRTIO_BLK_T_FLUSH:
        r->action = VBLK_BACKEND;
        return;
    case VIRTIO_BLK_T_GET_ID:
        /* The serial into the data part (up to 20 bytes of it). */
        take_spans(c, true, 0, in_data < VIRTIO_BLK_ID_BYTES ? in_data : VIRTIO_BLK_ID_BYTES, r);
        r->data_len = in_data < VIRTIO_BLK_ID_BYTES ? in_data : VIRTIO_BLK_ID_BYTES;
        r->action = VBLK_GET_ID;
        return;
    }
    answer(r, VIRTIO_BLK_S_UNSUPP);
}
