/* The host disk registry (blk_host_disk.h). Boot registers, VMs look up:
 * no lock, every registration happens before the first VM is launched. */
#include "vdev/blk_host_disk.h"

#include <stddef.h>

static struct blk_backend *disks[BLK_HOST_DISKS_MAX];
static unsigned ndisks;

int blk_host_disk_register(struct blk_backend *b)
{
    if (ndisks == BLK_HOST_DISKS_MAX)
        return -1;
    disks[ndisks] = b;
    return (int)ndisks++;
}

struct blk_backend *blk_host_disk(unsigned index)
{
    return index < ndisks ? disks[index] : NULL;
}
