/*
 * The guest RAM of the virtqueue fuzz targets (fuzz_virtqueue.c,
 * fuzz_virtio_blk.c): 64 KiB at QEMU virt's RAM base, filled from the
 * input, and the struct virtq_mem accessors a device reaches it through,
 * which refuse (and copy nothing of) any range that is not all RAM, as
 * armvisor's own accessors do.
 */
#ifndef TESTS_FUZZ_FUZZ_RAM_H
#define TESTS_FUZZ_FUZZ_RAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_trap.h"
#include "vdev/virtqueue.h"

#define RAM_BASE  0x40000000ull
#define RAM_SIZE  0x10000ull
#define DESC_OFF  0x0000u /* where the targets put the rings */
#define AVAIL_OFF 0x4000u
#define USED_OFF  0x5000u

static uint8_t ram[RAM_SIZE];

/* [gpa, gpa+len) is all RAM (len 0: gpa is inside). */
static inline bool inside(uint64_t gpa, uint64_t len)
{
    return gpa >= RAM_BASE && len <= RAM_SIZE && gpa - RAM_BASE <= RAM_SIZE - len;
}

/* RAM zeroed, then its first bytes from data (as many as fit). */
static inline void ram_fill(const uint8_t *data, size_t size)
{
    memset(ram, 0, sizeof(ram));
    memcpy(ram, data, size < sizeof(ram) ? size : sizeof(ram));
}

static inline bool ram_valid(void *ctx, uint64_t gpa, uint64_t len)
{
    (void)ctx;
    return len == 0 || inside(gpa, len);
}

/* ctx: a bool, true when the code under test reads only what it checked
 * (valid) first, so that a read outside RAM is its bug: a trap. */
static inline bool ram_read(void *ctx, uint64_t gpa, void *dst, uint64_t len)
{
    if (*(const bool *)ctx)
        CHECK(len == 0 || inside(gpa, len));
    else if (!inside(gpa, len))
        return false;
    if (len)
        memcpy(dst, ram + (gpa - RAM_BASE), len);
    return true;
}

static inline bool ram_write(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
    (void)ctx;
    if (!inside(gpa, len))
        return false;
    memcpy(ram + (gpa - RAM_BASE), src, len);
    return true;
}

/* The accessors; a read outside RAM traps when reads_checked is true. */
#define RAM_MEM(reads_checked)                                                                     \
    {                                                                                              \
        .read = ram_read, .write = ram_write, .valid = ram_valid, .ctx = (void *)&(reads_checked)  \
    }

#endif
