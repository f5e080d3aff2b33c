/*
 * virtio-console with one port (Virtio 1.2 section 5.3, device ID 3): what
 * the driver sends on the transmitq goes to the hypervisor console (or tx),
 * what is typed goes into the buffers the driver posts on the receiveq.
 * Linux's virtio_console driver makes it hvc0. No feature bits are offered
 * (no VIRTIO_CONSOLE_F_SIZE, MULTIPORT or EMERG_WRITE), so the
 * configuration space reads as zeros.
 */
#ifndef VDEV_VIRTIO_CONSOLE_H
#define VDEV_VIRTIO_CONSOLE_H

#include "vdev/virtio_mmio.h"

#define VIRTIO_ID_CONSOLE 3u

/* Queues of port 0 (5.3.2). */
#define VIRTIO_CONSOLE_RECEIVEQ  0u
#define VIRTIO_CONSOLE_TRANSMITQ 1u

struct virtio_console {
    struct virtio_mmio vd;
    struct virtq_mem mem;
    /* Where transmitted bytes go; default arch_console_putc. */
    void (*tx)(void *ctx, char c);
    void *tx_ctx;
    /* Called when the driver posted receive buffers (someone may be waiting
     * to send); NULL: nobody. */
    void (*rx_room)(void *ctx);
    void *rx_ctx;
};

/* A virtio-console at base for vm's RAM, reset, ready for vm_add_device
 * (&vc->vd.dev); its interrupt is vc->vd.irq_set / irq_ctx. */
void virtio_console_init(struct virtio_console *vc, ipa_t base, struct vm *vm);

/* Put one received byte into the next receive buffer; false when the driver
 * has none posted (or the device is not running): the caller keeps it. */
bool virtio_console_rx_put(struct virtio_console *vc, uint8_t c);

#endif
