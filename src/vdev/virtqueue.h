/*
 * Split virtqueues, the device's side (Virtio 1.2, section 2.7): take the
 * chains the driver made available, give them back used, and say whether
 * the driver wants an interrupt for it.
 *
 * Everything in the rings comes from the guest and is treated as hostile:
 * every address, length, index and chain is checked against the queue size
 * and against the guest's RAM (through struct virtq_mem, which refuses any
 * byte that is not the VM's own RAM) before it is used. What goes wrong is
 * reported, never faulted on:
 *   VIRTQ_BROKEN     the rings themselves cannot be trusted (an avail index
 *                    that ran more than the queue size ahead, a head index
 *                    outside the table, a ring outside RAM): the transport
 *                    sets DEVICE_NEEDS_RESET and the queue takes no more;
 *   VIRTQ_BAD_CHAIN  this one request is malformed (a buffer outside RAM, a
 *                    length that overflows, a loop, a nested or misused
 *                    indirect table, too many segments): the device returns
 *                    the chain used with nothing written, an I/O error for
 *                    that request only.
 * No code here depends on a VM or an arch, so a fuzz target drives it with
 * arbitrary ring contents (tests/fuzz/fuzz_virtqueue.c).
 */
#ifndef VDEV_VIRTQUEUE_H
#define VDEV_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

/* struct virtq_desc flags (2.7.5). */
#define VIRTQ_DESC_F_NEXT     1u
#define VIRTQ_DESC_F_WRITE    2u
#define VIRTQ_DESC_F_INDIRECT 4u
/* struct virtq_avail flags (2.7.6) and struct virtq_used flags (2.7.8). */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define VIRTQ_USED_F_NO_NOTIFY     1u

/* "Queue Size value is always a power of 2. The maximum Queue Size value is
 * 32768" (2.7). */
#define VIRTQ_SIZE_MAX 32768u
/* Sizes and alignments of the three parts (2.7). */
#define VIRTQ_DESC_SIZE   16u
#define VIRTQ_DESC_ALIGN  16u
#define VIRTQ_AVAIL_ALIGN 2u
#define VIRTQ_USED_ALIGN  4u
#define VIRTQ_USED_ELEM   8u
/* Segments a chain may have here: "The device MAY have a reasonable limit of
 * descriptors it will allow in a chain" (2.7.4.1). */
#define VIRTQ_CHAIN_MAX 64u

/* How the device reaches the driver's memory. Each call checks the whole
 * range first and copies nothing when any byte of it is not guest RAM. */
struct virtq_mem {
    bool (*read)(void *ctx, uint64_t gpa, void *dst, uint64_t len);
    bool (*write)(void *ctx, uint64_t gpa, const void *src, uint64_t len);
    bool (*valid)(void *ctx, uint64_t gpa, uint64_t len); /* all of it is RAM */
    void *ctx;
};

struct virtq {
    const struct virtq_mem *mem;
    uint16_t size;              /* power of 2, 1..VIRTQ_SIZE_MAX */
    uint64_t desc, avail, used; /* Descriptor, Driver and Device Areas */
    bool indirect;              /* VIRTIO_F_INDIRECT_DESC negotiated */
    bool event_idx;             /* VIRTIO_F_EVENT_IDX negotiated */
    bool broken;                /* VIRTQ_BROKEN seen: nothing more until reset */
    uint16_t last_avail;        /* next available entry the device takes */
    uint16_t used_idx;          /* the device's copy of used->idx */
    uint16_t signalled_used;    /* used->idx at the last interrupt decision */
};

/* One buffer of a chain, checked: [addr, addr+len) is guest RAM. */
struct virtq_seg {
    uint64_t addr;
    uint32_t len;
    bool write; /* device-writable */
};

struct virtq_chain {
    uint16_t head; /* what goes back in the used ring */
    unsigned nseg;
    struct virtq_seg seg[VIRTQ_CHAIN_MAX];
    uint32_t out_len; /* device-readable bytes, in order first */
    uint32_t in_len;  /* device-writable bytes, after them */
};

enum virtq_result {
    VIRTQ_OK = 0,
    VIRTQ_EMPTY = 1,      /* nothing available */
    VIRTQ_BAD_CHAIN = -1, /* chain->head is valid: return it with len 0 */
    VIRTQ_BROKEN = -2,    /* the queue needs a reset */
};

/* Set a queue up for the areas and size the driver wrote (QueueReady). Checks
 * size (a power of 2 up to VIRTQ_SIZE_MAX), the alignments of 2.7 and that
 * all three areas are guest RAM; false (queue unusable) otherwise. */
bool virtq_init(struct virtq *vq, const struct virtq_mem *mem, uint16_t size, uint64_t desc,
                uint64_t avail, uint64_t used, bool indirect, bool event_idx);

/* Take the next available chain. */
enum virtq_result virtq_pop(struct virtq *vq, struct virtq_chain *chain);

/* Return chain head with len bytes written into its device-writable buffers.
 * False when the used ring cannot be written (the queue is then broken). */
bool virtq_push(struct virtq *vq, uint16_t head, uint32_t len);

/* After one or more pushes: does the driver want a used buffer notification
 * (VIRTQ_AVAIL_F_NO_INTERRUPT, or used_event with EVENT_IDX, 2.7.7)? */
bool virtq_should_notify(struct virtq *vq);

/* Copy between a chain's buffers and a host buffer: from its device-readable
 * part starting at byte off, or into its device-writable part. Returns the
 * bytes copied (short at the chain's end; 0 when guest memory refuses). */
uint32_t virtq_chain_read(const struct virtq *vq, const struct virtq_chain *c, uint32_t off,
                          void *dst, uint32_t len);
uint32_t virtq_chain_write(const struct virtq *vq, const struct virtq_chain *c, uint32_t off,
                           const void *src, uint32_t len);

#endif
