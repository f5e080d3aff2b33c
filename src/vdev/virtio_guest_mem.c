/* A VM's RAM for virtqueues (virtio_guest_mem.h). */
#include "vdev/virtio_guest_mem.h"

#include "core/vm.h"

static bool mem_read(void *ctx, uint64_t gpa, void *dst, uint64_t len)
{
    return vm_copy_from_guest(ctx, dst, gpa, len);
}

static bool mem_write(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
    return vm_copy_to_guest(ctx, gpa, src, len);
}

static bool mem_valid(void *ctx, uint64_t gpa, uint64_t len)
{
    const struct vm *vm = ctx;
    if (len == 0)
        return true;
    for (unsigned i = 0; i < vm->nregions; i++) {
        const struct mem_region *r = &vm->regions[i];
        if (gpa >= r->ipa && len <= r->size && gpa - r->ipa <= r->size - len)
            return true;
    }
    return false;
}

void virtio_guest_mem(struct virtq_mem *mem, struct vm *vm)
{
    *mem = (struct virtq_mem){.read = mem_read, .write = mem_write, .valid = mem_valid, .ctx = vm};
}
