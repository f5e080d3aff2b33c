/*
 * The per-VM MMIO bus: a short list of devices kept sorted by base address.
 * A VM has a handful of devices (MMIO_MAX_DEVICES), so a linear scan is both
 * the simplest and fast enough; the sort only makes logs and dumps readable.
 */
#include "core/mmio.h"

#include <stddef.h>

/* Last byte of a range, computed without overflow (size > 0). */
static uint64_t range_last(ipa_t base, uint64_t size)
{
    return base + (size - 1);
}

static bool ranges_overlap(ipa_t a, uint64_t asize, ipa_t b, uint64_t bsize)
{
    return a <= range_last(b, bsize) && b <= range_last(a, asize);
}

void mmio_bus_init(struct mmio_bus *bus)
{
    for (unsigned i = 0; i < MMIO_MAX_DEVICES; i++)
        bus->devs[i] = NULL;
    bus->ndevs = 0;
}

int mmio_bus_register(struct mmio_bus *bus, struct mmio_dev *dev)
{
    if (!dev || !dev->ops || !dev->ops->access || dev->size == 0)
        return -1;
    /* The range must not wrap past the top of the IPA space: base + size may
     * be exactly 2^64 (last byte 2^64-1), never more. */
    if (range_last(dev->base, dev->size) < dev->base)
        return -1;
    if (bus->ndevs >= MMIO_MAX_DEVICES)
        return -1;

    unsigned pos = bus->ndevs;
    for (unsigned i = 0; i < bus->ndevs; i++) {
        const struct mmio_dev *d = bus->devs[i];
        if (d == dev || ranges_overlap(dev->base, dev->size, d->base, d->size))
            return -1;
        if (pos == bus->ndevs && dev->base < d->base)
            pos = i;
    }
    for (unsigned i = bus->ndevs; i > pos; i--)
        bus->devs[i] = bus->devs[i - 1];
    bus->devs[pos] = dev;
    bus->ndevs++;
    return 0;
}

void mmio_bus_reset_all(struct mmio_bus *bus)
{
    for (unsigned i = 0; i < bus->ndevs; i++)
        if (bus->devs[i]->ops->reset)
            bus->devs[i]->ops->reset(bus->devs[i]);
}

void mmio_bus_release_all(struct mmio_bus *bus)
{
    for (unsigned i = 0; i < bus->ndevs; i++)
        if (bus->devs[i]->ops->release)
            bus->devs[i]->ops->release(bus->devs[i]);
    mmio_bus_init(bus);
}

struct mmio_dev *mmio_bus_find(struct mmio_bus *bus, ipa_t ipa)
{
    for (unsigned i = 0; i < bus->ndevs; i++) {
        struct mmio_dev *d = bus->devs[i];
        if (ipa < d->base)
            break; /* sorted: nothing further can cover ipa */
        if (ipa - d->base < d->size)
            return d;
    }
    return NULL;
}

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

int mmio_bus_dispatch(struct mmio_bus *bus, ipa_t ipa, struct mmio_access *acc)
{
    struct mmio_dev *dev = mmio_bus_find(bus, ipa);
    if (!dev)
        return MMIO_NO_DEVICE;
    if (acc->size != 1 && acc->size != 2 && acc->size != 4 && acc->size != 8)
        return MMIO_REFUSED;

    acc->offset = ipa - dev->base;
    /* The whole access must lie inside the device: one that runs past its
     * end would touch whatever follows, which this device does not own. */
    if (acc->size > dev->size || acc->offset > dev->size - acc->size)
        return MMIO_REFUSED;

    if (acc->write)
        acc->value &= size_mask(acc->size);
    else
        acc->value = 0;

    int r = dev->ops->access(dev, acc);
    if (r != MMIO_OK)
        return MMIO_REFUSED; /* whatever a device returns, the caller sees one
                                of the documented results */
    if (!acc->write)
        acc->value &= size_mask(acc->size);
    return MMIO_OK;
}
