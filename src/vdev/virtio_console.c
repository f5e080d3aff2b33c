/*
 * virtio-console, one port (virtio_console.h; Virtio 1.2 5.3). Transmit:
 * each chain's device-readable bytes are written out in order and the
 * chain returned with nothing written (5.3.6.1: the device returns
 * transmitq buffers once it has consumed them). Receive: one byte per
 * posted buffer, returned with its length, as typed input arrives one key
 * at a time; the driver reposts buffers as it consumes them.
 */
#include "vdev/virtio_console.h"

#include "arch/arch.h"
#include "vdev/virtio_guest_mem.h"

/* struct virtio_console_config (5.3.4): cols, rows, max_nr_ports,
 * emerg_wr; all zero without the features that give them meaning. */
#define CONFIG_SIZE 12u
#define QUEUE_MAX   128u
/* Transmit copies in chunks of this size. */
#define TX_CHUNK 64u

static struct virtio_console *of(struct virtio_mmio *vd)
{
    return vd->priv;
}

static void default_tx(void *ctx, char c)
{
    (void)ctx;
    arch_console_putc(c);
}

static uint8_t config_read(struct virtio_mmio *vd, uint32_t off)
{
    (void)vd;
    (void)off;
    return 0;
}

static void transmit(struct virtio_console *vc)
{
    struct virtio_mmio *vd = &vc->vd;
    struct virtq *vq;
    struct virtq_chain c;
    /* Bounded by the queue: each pass takes one chain the driver made
     * available, and the ring holds at most its size. */
    for (unsigned n = 0; n < QUEUE_MAX && (vq = virtio_mmio_queue(vd, VIRTIO_CONSOLE_TRANSMITQ));
         n++) {
        enum virtq_result r = virtq_pop(vq, &c);
        if (!virtio_mmio_pop_ok(vd, VIRTIO_CONSOLE_TRANSMITQ, r, &c))
            return;
        char buf[TX_CHUNK];
        for (uint32_t off = 0; off < c.out_len;) {
            uint32_t got = virtq_chain_read(vq, &c, off, buf, TX_CHUNK);
            if (got == 0)
                break;
            for (uint32_t i = 0; i < got; i++)
                vc->tx(vc->tx_ctx, buf[i]);
            off += got;
        }
        if (!virtq_push(vq, c.head, 0)) {
            virtio_mmio_needs_reset(vd, "used ring not writable");
            return;
        }
        virtio_mmio_used(vd, VIRTIO_CONSOLE_TRANSMITQ);
    }
}

static void notify(struct virtio_mmio *vd, unsigned q)
{
    struct virtio_console *vc = of(vd);
    if (q == VIRTIO_CONSOLE_TRANSMITQ)
        transmit(vc);
    else if (q == VIRTIO_CONSOLE_RECEIVEQ && vc->rx_room)
        vc->rx_room(vc->rx_ctx);
}

static const struct virtio_dev_ops console_ops = {
    .device_id = VIRTIO_ID_CONSOLE,
    .features = 0,
    .nqueues = 2,
    .queue_max = QUEUE_MAX,
    .config_size = CONFIG_SIZE,
    .config_read = config_read,
    .notify = notify,
};

void virtio_console_init(struct virtio_console *vc, ipa_t base, struct vm *vm)
{
    *vc = (struct virtio_console){.tx = default_tx};
    virtio_guest_mem(&vc->mem, vm);
    virtio_mmio_init(&vc->vd, base, &console_ops, vc, &vc->mem);
    vc->vd.dev.name = "virtio-console";
}

bool virtio_console_rx_put(struct virtio_console *vc, uint8_t byte)
{
    struct virtio_mmio *vd = &vc->vd;
    struct virtq_chain c;
    /* Skip (return unused) malformed or write-less buffers, a bounded
     * number of them, until one can take the byte. */
    for (unsigned n = 0; n < QUEUE_MAX; n++) {
        struct virtq *vq = virtio_mmio_queue(vd, VIRTIO_CONSOLE_RECEIVEQ);
        if (!vq)
            return false;
        enum virtq_result r = virtq_pop(vq, &c);
        if (r == VIRTQ_EMPTY)
            return false;
        if (!virtio_mmio_pop_ok(vd, VIRTIO_CONSOLE_RECEIVEQ, r, &c))
            continue;
        uint32_t len = virtq_chain_write(vq, &c, 0, &byte, c.in_len ? 1 : 0);
        if (!virtq_push(vq, c.head, len)) {
            virtio_mmio_needs_reset(vd, "used ring not writable");
            return false;
        }
        virtio_mmio_used(vd, VIRTIO_CONSOLE_RECEIVEQ);
        if (len == 1)
            return true;
    }
    return false;
}
