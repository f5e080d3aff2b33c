/*
 * The per-VM MMIO bus: devices claim IPA ranges; a trapped access is handed
 * to the device that owns it as a struct mmio_access (cf. Bao's emul_access).
 */
#ifndef CORE_MMIO_H
#define CORE_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"

#define MMIO_MAX_DEVICES 32

struct mmio_dev;
struct vcpu;

/* One access as the device sees it. */
struct mmio_access {
    struct vcpu *vcpu; /* the vCPU making it (NULL in some tests) */
    uint64_t offset;   /* from the device's base */
    unsigned size;     /* 1, 2, 4 or 8 bytes */
    bool write;
    uint64_t value; /* in for writes, out for reads (zero-extended) */
};

enum mmio_result {
    MMIO_OK = 0,
    MMIO_NO_DEVICE = -1, /* nothing at that IPA */
    MMIO_REFUSED = -2,   /* the device rejects this size/offset/direction */
};

struct mmio_ops {
    /* Handle one access; return MMIO_OK or MMIO_REFUSED. */
    int (*access)(struct mmio_dev *dev, struct mmio_access *acc);
    /* Optional. The guest asked for a system reset (PSCI SYSTEM_RESET):
     * back to the state after creation, taking no more work from the
     * guest's memory. Called with no vCPU of the VM running. */
    void (*reset)(struct mmio_dev *dev);
    /* Optional. The VM goes away (vm_destroy, before its RAM is freed):
     * give back what the device holds and wait for any work still in flight
     * that could touch the VM's memory (a disk transfer into its buffers).
     * The device is off the bus afterwards. */
    void (*release)(struct mmio_dev *dev);
};

struct mmio_dev {
    const char *name;
    ipa_t base;
    uint64_t size;
    const struct mmio_ops *ops;
    void *priv;
};

struct mmio_bus {
    struct mmio_dev *devs[MMIO_MAX_DEVICES];
    unsigned ndevs;
};

void mmio_bus_init(struct mmio_bus *bus);

/* Claim dev->[base, base+size); refused (-1) if it overlaps another device,
 * has zero size, wraps, or the bus is full. */
int mmio_bus_register(struct mmio_bus *bus, struct mmio_dev *dev);

/* Call every device's reset hook (mmio_ops.reset), in address order. */
void mmio_bus_reset_all(struct mmio_bus *bus);

/* Call every device's release hook, then empty the bus. */
void mmio_bus_release_all(struct mmio_bus *bus);

/* The device covering ipa, or NULL. */
struct mmio_dev *mmio_bus_find(struct mmio_bus *bus, ipa_t ipa);

/* Dispatch an access at ipa (acc->offset is filled in here). An access that
 * runs past the end of the device is refused. */
int mmio_bus_dispatch(struct mmio_bus *bus, ipa_t ipa, struct mmio_access *acc);

#endif
