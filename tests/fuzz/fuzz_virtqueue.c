/*
 * libFuzzer target for the split virtqueue (src/vdev/virtqueue.c): the
 * input is a queue configuration and the whole content of a small guest
 * RAM holding the rings, so descriptors, indices, chains and indirect
 * tables are arbitrary. The device pops everything it is offered, copies
 * each chain's buffers and returns it, as a device would.
 *
 * Invariants (a break traps): every segment handed out lies inside guest
 * RAM and does not wrap; a chain has at most VIRTQ_CHAIN_MAX segments,
 * device-readable ones first, and its lengths add up; a broken queue stays
 * broken; guest memory is only ever accessed inside RAM (the accessors
 * below trap otherwise, beyond refusing); the work is bounded.
 *
 * Input: [0] queue size (1 << (b % 11), or an odd size when bit 7 is set),
 * [1] bit 0 INDIRECT_DESC, bit 1 EVENT_IDX, bit 2 rings misaligned by 2,
 * [2..3] the device's starting avail/used index (a queue that has wrapped),
 * then guest RAM from its first byte (the rest zero).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_ram.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool reads_checked = false; /* the queue may try any address */
static const struct virtq_mem mem = RAM_MEM(reads_checked);

static uint8_t scratch[RAM_SIZE];

static void check_chain(const struct virtq *vq, const struct virtq_chain *c)
{
    CHECK(c->nseg <= VIRTQ_CHAIN_MAX);
    CHECK(c->head < vq->size);
    uint64_t out = 0, in = 0;
    bool seen_write = false;
    for (unsigned i = 0; i < c->nseg; i++) {
        const struct virtq_seg *s = &c->seg[i];
        CHECK(s->len == 0 || inside(s->addr, s->len));
        CHECK(!(seen_write && !s->write));
        seen_write |= s->write;
        if (s->write)
            in += s->len;
        else
            out += s->len;
    }
    CHECK(out == c->out_len && in == c->in_len);
    CHECK(out + in <= UINT32_MAX);
    /* Reading and writing the buffers stays inside them. */
    uint32_t n = c->out_len < sizeof(scratch) ? c->out_len : (uint32_t)sizeof(scratch);
    CHECK(virtq_chain_read(vq, c, 0, scratch, n) == n);
    n = c->in_len < sizeof(scratch) ? c->in_len : (uint32_t)sizeof(scratch);
    memset(scratch, 0xa5, n);
    CHECK(virtq_chain_write(vq, c, 0, scratch, n) == n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    unsigned qsize = (data[0] & 0x80) ? (data[0] & 0x7f) * 3u : 1u << (data[0] % 11);
    bool indirect = data[1] & 1, event_idx = data[1] & 2;
    uint64_t skew = (data[1] & 4) ? 2 : 0;
    uint16_t start = (uint16_t)(data[2] | data[3] << 8);
    ram_fill(data + 4, size - 4);

    struct virtq vq;
    bool ok =
        virtq_init(&vq, &mem, (uint16_t)qsize, RAM_BASE + DESC_OFF + skew,
                   RAM_BASE + AVAIL_OFF + skew, RAM_BASE + USED_OFF + skew, indirect, event_idx);
    bool pow2 = qsize && !(qsize & (qsize - 1)) && qsize <= 1024;
    if (pow2 && !(data[1] & 4)) /* a valid layout is taken */
        CHECK(ok);
    if (!pow2)
        CHECK(!ok);
    if (!ok)
        return 0;
    vq.last_avail = vq.used_idx = vq.signalled_used = start;

    struct virtq_chain c;
    for (unsigned i = 0; i < 2 * qsize + 2; i++) {
        enum virtq_result r = virtq_pop(&vq, &c);
        if (r == VIRTQ_EMPTY)
            break;
        if (r == VIRTQ_BROKEN) {
            CHECK(vq.broken);
            CHECK(virtq_pop(&vq, &c) == VIRTQ_BROKEN);
            CHECK(!virtq_push(&vq, 0, 0));
            break;
        }
        if (r == VIRTQ_BAD_CHAIN) {
            CHECK(c.head < vq.size && c.nseg == 0);
            virtq_push(&vq, c.head, 0);
        } else {
            CHECK(r == VIRTQ_OK);
            check_chain(&vq, &c);
            virtq_push(&vq, c.head, c.in_len);
        }
        (void)virtq_should_notify(&vq);
    }
    return 0;
}
