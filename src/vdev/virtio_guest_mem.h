/*
 * A VM's RAM as a virtqueue sees it (struct virtq_mem): reads and writes go
 * through the VM's own stage 2 (vm_copy_from_guest / vm_copy_to_guest), so
 * only that VM's RAM is ever touched, and a range is valid only when one
 * of the VM's RAM regions holds all of it.
 */
#ifndef VDEV_VIRTIO_GUEST_MEM_H
#define VDEV_VIRTIO_GUEST_MEM_H

#include "vdev/virtqueue.h"

struct vm;

/* Fill mem for vm (mem->ctx = vm). */
void virtio_guest_mem(struct virtq_mem *mem, struct vm *vm);

#endif
