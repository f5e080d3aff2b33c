/*
 * The host's disks, as armvisor's drivers find them (the host virtio-blk
 * driver, src/arch/virtio_blk), numbered in the order they register: what
 * a VM's `--disk host:N` names. Interim: branch vdev brings the registry
 * for good (blk_backend.c); this copy lets the driver register until then.
 */
#ifndef VDEV_BLK_HOST_DISK_H
#define VDEV_BLK_HOST_DISK_H

#include "vdev/blk_backend.h"

#define BLK_HOST_DISKS_MAX 8

/* Register b as the next host disk; its index, or -1 when all are taken. */
int blk_host_disk_register(struct blk_backend *b);

/* Host disk index, NULL if there is none. */
struct blk_backend *blk_host_disk(unsigned index);

#endif
