/*
 * virtio-blk (src/vdev/virtio_blk.c) end to end in sim: a VM whose device
 * list has a virtio-blk on a range of host disk 0, a host file
 * (sim_blk_file_open). The test is the driver: it sets the device up
 * through the virtio-mmio registers as Linux's virtio_blk does and puts
 * requests (header, data, status) in the rings in guest RAM, then checks
 * the used ring, the status byte, the guest's buffers and the file's bytes:
 *  - configuration (capacity, seg_max, blk_size) and features (RO only for
 *    a read-only disk);
 *  - READ, WRITE and FLUSH reach the file (FLUSH is an fsync that happens
 *    before the guest sees the request complete), GET_ID gives the serial;
 *  - IOERR for a transfer past the capacity, a write to a read-only disk,
 *    data that is not whole sectors, a short header; UNSUPP for an unknown
 *    type; a chain with no status byte or a buffer outside RAM comes back
 *    with nothing written, and the device goes on;
 *  - two VMs on ranges of one disk: each sees its range as its whole disk,
 *    and cannot reach the other's sectors (past its capacity: IOERR);
 *    overlapping writable ranges are refused when the second VM is built;
 *  - asynchronous completion (the file backend holding requests as a DMA
 *    device does): nothing is used before completion, completions out of
 *    order, a full backend queue resumes at the next completion, the
 *    interrupt rises at completion, on the vGIC's INTID 32 + the listed SPI;
 *  - a device reset (status 0, a SYSTEM_RESET) with requests in flight:
 *    their late completions write nothing, the device works again after;
 *    vm_destroy waits for them and every page and range goes back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "arch/sim/sim.h"
#include "core/device.h"
#include "core/vgic.h"
#include "core/virt_layout.h"
#include "core/vm.h"
#include "helpers/unit_vm.h"
#include "vdev/virtio_blk.h"

#define BASE    (VIRT_VIRTIO_BASE + VIRT_VIRTIO_SIZE) /* slot 1 */
#define RAM     VIRT_RAM_BASE
#define QN      32u
#define DESC    (RAM + 0x10000)
#define AVAIL   (DESC + 0x1000)
#define USED    (DESC + 0x2000)
#define HDR(i)  (RAM + 0x20000 + 0x20ull * (i))
#define STAT(i) (RAM + 0x21000 + (i))
#define DATA(i) (RAM + 0x30000 + 0x2000ull * (i))

#define SECTORS 64u /* the host file */
#define SECTOR  512u

/* virtio-mmio registers (4.2.2). */
#define R_DEVICE_ID    0x008
#define R_DEV_FEAT     0x010
#define R_DEV_FEAT_SEL 0x014
#define R_DRV_FEAT     0x020
#define R_DRV_FEAT_SEL 0x024
#define R_QUEUE_SEL    0x030
#define R_QUEUE_NUM    0x038
#define R_QUEUE_READY  0x044
#define R_NOTIFY       0x050
#define R_INT_STATUS   0x060
#define R_INT_ACK      0x064
#define R_STATUS       0x070
#define R_DESC_LO      0x080
#define R_AVAIL_LO     0x090
#define R_USED_LO      0x0a0
#define R_CONFIG       0x100

struct drv {
    struct vm *vm;
    struct virtio_blk *blk;
    bool line;
    uint16_t avail, next_desc;
};

static struct {
    char path[64];
    int disk;
    struct drv a, b;
} T;

static void line_set(void *ctx, bool level)
{
    ((struct drv *)ctx)->line = level;
}

static void wr(struct drv *d, uint64_t off, uint32_t v)
{
    struct mmio_access a = {.size = 4, .write = true, .value = v};
    assert_int_equal(mmio_bus_dispatch(&d->vm->mmio, BASE + off, &a), MMIO_OK);
}

static uint32_t rd(struct drv *d, uint64_t off)
{
    struct mmio_access a = {.size = 4};
    assert_int_equal(mmio_bus_dispatch(&d->vm->mmio, BASE + off, &a), MMIO_OK);
    return (uint32_t)a.value;
}

static void put(struct drv *d, ipa_t a, uint64_t v, unsigned n)
{
    uint8_t b[8];
    for (unsigned i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    assert_true(vm_copy_to_guest(d->vm, a, b, n));
}

static uint64_t get(struct drv *d, ipa_t a, unsigned n)
{
    uint8_t b[8];
    assert_true(vm_copy_from_guest(d->vm, b, a, n));
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

static uint8_t pattern(uint64_t sector, unsigned byte)
{
    return (uint8_t)(sector * 7 + byte * 13 + 1);
}

static void make_file(void)
{
    snprintf(T.path, sizeof(T.path), "/tmp/av-vblk-XXXXXX");
    int fd = mkstemp(T.path);
    assert_true(fd >= 0);
    uint8_t s[SECTOR];
    for (unsigned i = 0; i < SECTORS; i++) {
        for (unsigned j = 0; j < SECTOR; j++)
            s[j] = pattern(i, j);
        assert_int_equal(write(fd, s, SECTOR), SECTOR);
    }
    close(fd);
}

static void file_sector(uint64_t sector, uint8_t *out)
{
    FILE *f = fopen(T.path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, (long)(sector * SECTOR), SEEK_SET), 0);
    assert_int_equal(fread(out, 1, SECTOR, f), SECTOR);
    fclose(f);
}

/* A virtio-blk on vm at BASE, on [first, first + count) of the disk. */
static int add_blk(struct vm *vm, uint64_t first, uint64_t count, uint32_t flags)
{
    struct vm_device dev = {.kind = VM_DEV_VIRTIO_BLK,
                            .flags = flags,
                            .base = BASE,
                            .size = VIRT_VIRTIO_SIZE,
                            .spi = VIRT_VIRTIO_SPI + 1,
                            .disk = (uint32_t)T.disk,
                            .first_sector = first,
                            .sectors = count};
    return vm_add_devices(vm, &dev, 1);
}

/* The driver's start (3.1.1): features VERSION_1 + FLUSH (+ EVENT_IDX when
 * asked), one queue of QN. */
static void driver_init(struct drv *d, bool event_idx)
{
    struct mmio_dev *dev = mmio_bus_find(&d->vm->mmio, BASE);
    assert_non_null(dev);
    struct virtio_mmio *vd = dev->priv;
    d->blk = vd->priv;
    vd->irq_set = line_set;
    vd->irq_ctx = d;
    d->avail = d->next_desc = 0;
    d->line = false;
    /* Clean rings: their RAM may hold an earlier run's. */
    static const uint8_t zero[0x3000];
    assert_true(vm_copy_to_guest(d->vm, DESC, zero, sizeof(zero)));
    assert_int_equal(rd(d, R_DEVICE_ID), VIRTIO_ID_BLOCK);
    wr(d, R_STATUS, 0);
    wr(d, R_STATUS, 1);
    wr(d, R_STATUS, 3);
    wr(d, R_DRV_FEAT_SEL, 0);
    wr(d, R_DRV_FEAT, (1u << VIRTIO_BLK_F_FLUSH) | (event_idx ? 1u << VIRTIO_F_EVENT_IDX : 0));
    wr(d, R_DRV_FEAT_SEL, 1);
    wr(d, R_DRV_FEAT, 1); /* VIRTIO_F_VERSION_1 */
    wr(d, R_STATUS, 11);
    assert_int_equal(rd(d, R_STATUS), 11);
    wr(d, R_QUEUE_SEL, 0);
    wr(d, R_QUEUE_NUM, QN);
    wr(d, R_DESC_LO, (uint32_t)DESC);
    wr(d, R_AVAIL_LO, (uint32_t)AVAIL);
    wr(d, R_USED_LO, (uint32_t)USED);
    wr(d, R_QUEUE_READY, 1);
    wr(d, R_STATUS, 15);
    assert_int_equal(rd(d, R_STATUS), 15);
}

struct buf {
    uint64_t addr;
    uint32_t len;
    bool write;
};

/* Post a chain of n buffers; returns its head. */
static uint16_t post(struct drv *d, const struct buf *b, unsigned n)
{
    uint16_t head = d->next_desc % QN;
    for (unsigned i = 0; i < n; i++) {
        uint16_t idx = d->next_desc++ % QN;
        uint16_t flags =
            (b[i].write ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0);
        put(d, DESC + 16ull * idx, b[i].addr, 8);
        put(d, DESC + 16ull * idx + 8, b[i].len, 4);
        put(d, DESC + 16ull * idx + 12, flags, 2);
        put(d, DESC + 16ull * idx + 14, (idx + 1) % QN, 2);
    }
    put(d, AVAIL + 4 + 2ull * (d->avail % QN), head, 2);
    d->avail++;
    put(d, AVAIL + 2, d->avail, 2);
    return head;
}

/* Header, data (if len), status; the status byte starts as 0xff. */
static uint16_t req(struct drv *d, unsigned slot, uint32_t type, uint64_t sector, uint32_t len)
{
    put(d, HDR(slot), type, 4);
    put(d, HDR(slot) + 4, 0, 4);
    put(d, HDR(slot) + 8, sector, 8);
    put(d, STAT(slot), 0xff, 1);
    struct buf b[3] = {{HDR(slot), 16, false}};
    unsigned n = 1;
    if (len)
        b[n++] = (struct buf){DATA(slot), len, type != VIRTIO_BLK_T_OUT};
    b[n++] = (struct buf){STAT(slot), 1, true};
    return post(d, b, n);
}

static uint16_t used_idx(struct drv *d)
{
    return (uint16_t)get(d, USED + 2, 2);
}

static uint32_t used_id(struct drv *d, unsigned i)
{
    return (uint32_t)get(d, USED + 4 + 8ull * (i % QN), 4);
}

static uint32_t used_len(struct drv *d, unsigned i)
{
    return (uint32_t)get(d, USED + 8 + 8ull * (i % QN), 4);
}

static uint8_t status(struct drv *d, unsigned slot)
{
    return (uint8_t)get(d, STAT(slot), 1);
}

static void notify(struct drv *d)
{
    wr(d, R_NOTIFY, 0);
}

/* One request, notified, completed at once: its status. */
static uint8_t one(struct drv *d, unsigned slot, uint32_t type, uint64_t sector, uint32_t len)
{
    uint16_t before = used_idx(d);
    uint16_t head = req(d, slot, type, sector, len);
    notify(d);
    assert_int_equal(used_idx(d), (uint16_t)(before + 1));
    assert_int_equal(used_id(d, before), head);
    return status(d, slot);
}

static int setup_one(struct drv *d, uint64_t first, uint64_t count, uint32_t flags)
{
    d->vm = unit_vm_create("blk", SIM_ARMV8, 1);
    sim_blk_file_close_all();
    make_file();
    T.disk = sim_blk_file_open(T.path, false);
    assert_int_equal(T.disk, 0);
    assert_int_equal(add_blk(d->vm, first, count, flags), 0);
    driver_init(d, false);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    memset(&T, 0, sizeof(T));
    return setup_one(&T.a, 0, 0, 0);
}

static int setup_ro(void **state)
{
    (void)state;
    memset(&T, 0, sizeof(T));
    return setup_one(&T.a, 0, 0, VM_DEV_F_RO);
}

static int teardown(void **state)
{
    (void)state;
    unit_vm_destroy(&T.b.vm);
    unit_vm_destroy(&T.a.vm);
    sim_blk_file_close_all();
    if (T.path[0])
        unlink(T.path);
    return 0;
}

/* ---- Tests ------------------------------------------------------------------ */

static void test_config_and_features(void **state)
{
    (void)state;
    struct drv *d = &T.a;
    wr(d, R_DEV_FEAT_SEL, 0);
    uint32_t f = rd(d, R_DEV_FEAT);
    assert_true(f & (1u << VIRTIO_BLK_F_SEG_MAX));
    assert_true(f & (1u << VIRTIO_BLK_F_BLK_SIZE));
    assert_true(f & (1u << VIRTIO_BLK_F_FLUSH));
    assert_false(f & (1u << VIRTIO_BLK_F_RO));
    wr(d, R_DEV_FEAT_SEL, 1);
    assert_true(rd(d, R_DEV_FEAT) & 1); /* VERSION_1 */
    assert_int_equal(rd(d, R_CONFIG + VIRTIO_BLK_CFG_CAPACITY), SECTORS);
    assert_int_equal(rd(d, R_CONFIG + VIRTIO_BLK_CFG_CAPACITY + 4), 0);
    assert_int_equal(rd(d, R_CONFIG + VIRTIO_BLK_CFG_SEG_MAX), VIRTIO_BLK_SEG_MAX);
    assert_int_equal(rd(d, R_CONFIG + VIRTIO_BLK_CFG_BLK_SIZE), SECTOR);
}

static void test_read_write_flush(void **state)
{
    (void)state;
    struct drv *d = &T.a;
    /* READ two sectors: the file's bytes in the guest's buffer. */
    assert_int_equal(one(d, 0, VIRTIO_BLK_T_IN, 3, 2 * SECTOR), VIRTIO_BLK_S_OK);
    assert_int_equal(used_len(d, 0), 2 * SECTOR + 1);
    uint8_t buf[2 * SECTOR];
    assert_true(vm_copy_from_guest(d->vm, buf, DATA(0), sizeof(buf)));
    for (unsigned j = 0; j < 2 * SECTOR; j++)
        assert_int_equal(buf[j], pattern(3 + j / SECTOR, j % SECTOR));
    assert_true(d->line);
    assert_int_equal(rd(d, R_INT_STATUS), VIRTIO_MMIO_INT_VRING);
    wr(d, R_INT_ACK, VIRTIO_MMIO_INT_VRING);
    assert_false(d->line);

    /* WRITE one sector: in the file, only there. */
    uint8_t w[SECTOR];
    for (unsigned j = 0; j < SECTOR; j++)
        w[j] = (uint8_t)(0xc3 ^ j);
    assert_true(vm_copy_to_guest(d->vm, DATA(1), w, SECTOR));
    assert_int_equal(one(d, 1, VIRTIO_BLK_T_OUT, 10, SECTOR), VIRTIO_BLK_S_OK);
    assert_int_equal(used_len(d, 1), 1);
    uint8_t f[SECTOR];
    file_sector(10, f);
    assert_memory_equal(f, w, SECTOR);
    file_sector(11, f);
    assert_int_equal(f[0], pattern(11, 0));

    /* FLUSH: an fsync of the file before the used ring says done. */
    uint64_t fsyncs = sim_blk_file_counts(T.disk)->fsyncs;
    assert_int_equal(one(d, 2, VIRTIO_BLK_T_FLUSH, 0, 0), VIRTIO_BLK_S_OK);
    assert_int_equal(sim_blk_file_counts(T.disk)->fsyncs, fsyncs + 1);

    /* GET_ID: the serial (the backing's name), in 20 bytes. */
    assert_int_equal(one(d, 3, VIRTIO_BLK_T_GET_ID, 0, VIRTIO_BLK_ID_BYTES), VIRTIO_BLK_S_OK);
    char id[VIRTIO_BLK_ID_BYTES + 1] = {0};
    assert_true(vm_copy_from_guest(d->vm, id, DATA(3), VIRTIO_BLK_ID_BYTES));
    assert_string_equal(id, "host0:0+64");
    assert_int_equal(d->blk->stats.reads, 1);
    assert_int_equal(d->blk->stats.writes, 1);
    assert_int_equal(d->blk->stats.errors, 0);
}

static void test_capacity_and_bad_requests(void **state)
{
    (void)state;
    struct drv *d = &T.a;
    uint8_t before[SECTOR], after[SECTOR];
    file_sector(SECTORS - 1, before);
    /* Past the capacity, by one sector or by far: IOERR, nothing moves. */
    assert_int_equal(one(d, 0, VIRTIO_BLK_T_IN, SECTORS - 1, 2 * SECTOR), VIRTIO_BLK_S_IOERR);
    assert_int_equal(one(d, 1, VIRTIO_BLK_T_OUT, SECTORS, SECTOR), VIRTIO_BLK_S_IOERR);
    assert_int_equal(one(d, 2, VIRTIO_BLK_T_OUT, ~0ull, SECTOR), VIRTIO_BLK_S_IOERR);
    assert_int_equal(one(d, 3, VIRTIO_BLK_T_IN, 1ull << 60, SECTOR), VIRTIO_BLK_S_IOERR);
    file_sector(SECTORS - 1, after);
    assert_memory_equal(before, after, SECTOR);
    /* The last sector itself is fine. */
    assert_int_equal(one(d, 4, VIRTIO_BLK_T_IN, SECTORS - 1, SECTOR), VIRTIO_BLK_S_OK);
    /* Not whole sectors; no data at all. */
    assert_int_equal(one(d, 5, VIRTIO_BLK_T_IN, 0, 100), VIRTIO_BLK_S_IOERR);
    assert_int_equal(one(d, 6, VIRTIO_BLK_T_OUT, 0, 0), VIRTIO_BLK_S_IOERR);
    /* An unknown type (DISCARD is not offered). */
    assert_int_equal(one(d, 7, 11, 0, SECTOR), VIRTIO_BLK_S_UNSUPP);
    assert_int_equal(d->blk->stats.errors, 7);
    assert_int_equal(d->blk->stats.unsupported, 1);
    assert_int_equal(d->blk->stats.reads, 1); /* the last sector: the only read taken */

    /* A header cut short (8 bytes): IOERR. */
    uint16_t u = used_idx(d);
    put(d, STAT(8), 0xff, 1);
    struct buf shorthdr[2] = {{HDR(8), 8, false}, {STAT(8), 1, true}};
    post(d, shorthdr, 2);
    notify(d);
    assert_int_equal(used_idx(d), (uint16_t)(u + 1));
    assert_int_equal(status(d, 8), VIRTIO_BLK_S_IOERR);

    /* No writable byte for the status: returned with nothing written. */
    put(d, HDR(9), VIRTIO_BLK_T_IN, 4);
    struct buf nostatus[2] = {{HDR(9), 16, false}, {DATA(9), SECTOR, false}};
    post(d, nostatus, 2);
    notify(d);
    assert_int_equal(used_idx(d), (uint16_t)(u + 2));
    assert_int_equal(used_len(d, u + 1), 0);

    /* A data buffer outside the VM's RAM: a malformed chain, returned
     * unprocessed; nothing is read or written there, the device goes on. */
    put(d, HDR(10), VIRTIO_BLK_T_IN, 4);
    put(d, HDR(10) + 8, 0, 8);
    struct buf outside[3] = {
        {HDR(10), 16, false}, {RAM + (1ull << 20) - 256, SECTOR, true}, {STAT(10), 1, true}};
    post(d, outside, 3);
    notify(d);
    assert_int_equal(used_idx(d), (uint16_t)(u + 3));
    assert_int_equal(used_len(d, u + 2), 0);
    assert_int_equal(rd(d, R_STATUS) & VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET, 0);
    assert_int_equal(one(d, 11, VIRTIO_BLK_T_IN, 0, SECTOR), VIRTIO_BLK_S_OK);
}

static void test_read_only(void **state)
{
    (void)state;
    struct drv *d = &T.a;
    wr(d, R_DEV_FEAT_SEL, 0);
    assert_true(rd(d, R_DEV_FEAT) & (1u << VIRTIO_BLK_F_RO));
    uint8_t before[SECTOR], after[SECTOR];
    file_sector(4, before);
    assert_true(vm_copy_to_guest(d->vm, DATA(0), "overwrite", 9));
    assert_int_equal(one(d, 0, VIRTIO_BLK_T_OUT, 4, SECTOR), VIRTIO_BLK_S_IOERR);
    file_sector(4, after);
    assert_memory_equal(before, after, SECTOR);
    assert_int_equal(one(d, 1, VIRTIO_BLK_T_IN, 4, SECTOR), VIRTIO_BLK_S_OK);
    assert_int_equal(one(d, 2, VIRTIO_BLK_T_FLUSH, 0, 0), VIRTIO_BLK_S_OK);
}

/* Two VMs, each on its own half of the disk. */
static void test_two_vms_own_ranges(void **state)
{
    (void)state;
    teardown(state);
    memset(&T, 0, sizeof(T));
    setup_one(&T.a, 0, SECTORS / 2, 0);
    T.b.vm = vm_create("blk2", 1, 0);
    assert_non_null(T.b.vm);
    assert_int_equal(vm_add_ram(T.b.vm, RAM, 1ull << 20, S2_RWX), 0);
    /* Overlapping A's writable range: refused. */
    assert_int_equal(add_blk(T.b.vm, SECTORS / 2 - 1, 4, 0), -1);
    assert_int_equal(add_blk(T.b.vm, SECTORS / 2 - 1, 4, VM_DEV_F_RO), -1);
    assert_int_equal(add_blk(T.b.vm, SECTORS / 2, 0, 0), 0);
    driver_init(&T.b, true);
    assert_int_equal(rd(&T.b, R_CONFIG + VIRTIO_BLK_CFG_CAPACITY), SECTORS / 2);
    assert_int_equal(rd(&T.a, R_CONFIG + VIRTIO_BLK_CFG_CAPACITY), SECTORS / 2);

    /* B's sector 0 is the disk's sector 32. */
    uint8_t w[SECTOR];
    memset(w, 0xbb, sizeof(w));
    assert_true(vm_copy_to_guest(T.b.vm, DATA(0), w, SECTOR));
    assert_int_equal(one(&T.b, 0, VIRTIO_BLK_T_OUT, 0, SECTOR), VIRTIO_BLK_S_OK);
    uint8_t f[SECTOR];
    file_sector(SECTORS / 2, f);
    assert_memory_equal(f, w, SECTOR);
    /* A reaches no sector of B's: its 32 is past its capacity. */
    assert_int_equal(one(&T.a, 0, VIRTIO_BLK_T_IN, SECTORS / 2, SECTOR), VIRTIO_BLK_S_IOERR);
    assert_int_equal(one(&T.a, 1, VIRTIO_BLK_T_OUT, SECTORS / 2 - 1, 2 * SECTOR),
                     VIRTIO_BLK_S_IOERR);
    file_sector(SECTORS / 2, f);
    assert_memory_equal(f, w, SECTOR);
    /* A's own last sector, and B's view of its own first: unaffected. */
    assert_int_equal(one(&T.a, 2, VIRTIO_BLK_T_IN, SECTORS / 2 - 1, SECTOR), VIRTIO_BLK_S_OK);
    assert_int_equal(get(&T.a, DATA(2), 1), pattern(SECTORS / 2 - 1, 0));
    assert_int_equal(one(&T.b, 1, VIRTIO_BLK_T_IN, 0, SECTOR), VIRTIO_BLK_S_OK);
    assert_int_equal(get(&T.b, DATA(1), 1), 0xbb);
    assert_false(T.a.blk == T.b.blk);

    /* Once B is gone its range can be given out again. */
    vm_destroy(T.b.vm);
    T.b.vm = vm_create("blk2", 1, 0);
    assert_int_equal(vm_add_ram(T.b.vm, RAM, 1ull << 20, S2_RWX), 0);
    assert_int_equal(add_blk(T.b.vm, SECTORS / 2, 0, 0), 0);
    /* A host disk that is not there. */
    T.disk = 5;
    struct vm *c = vm_create("blk3", 1, 0);
    assert_int_equal(add_blk(c, 0, 0, 0), -1);
    vm_destroy(c);
}

/* The backend holds requests (depth 2) until the test completes them. */
static void test_async_completion(void **state)
{
    (void)state;
    struct drv *d = &T.a;
    sim_blk_file_async(T.disk, 2);
    uint8_t w[SECTOR];
    memset(w, 0x5e, sizeof(w));
    assert_true(vm_copy_to_guest(d->vm, DATA(1), w, SECTOR));
    req(d, 0, VIRTIO_BLK_T_IN, 1, SECTOR);
    req(d, 1, VIRTIO_BLK_T_OUT, 2, SECTOR);
    req(d, 2, VIRTIO_BLK_T_FLUSH, 0, 0);
    uint64_t fsyncs = sim_blk_file_counts(T.disk)->fsyncs;
    notify(d);
    /* Two with the backend, the third waits for room; nothing used yet. */
    assert_int_equal(sim_blk_file_counts(T.disk)->waiting, 2);
    assert_int_equal(sim_blk_file_counts(T.disk)->refused_full, 1);
    assert_int_equal(used_idx(d), 0);
    assert_false(d->line);
    assert_int_equal(status(d, 0), 0xff);

    /* The write completes first (out of order): used, interrupt; the
     * waiting FLUSH goes to the backend at once, but no fsync yet. */
    assert_int_equal(sim_blk_file_complete(T.disk, 1, true), 1);
    assert_int_equal(used_idx(d), 1);
    assert_int_equal(used_id(d, 0), 3); /* the second chain's head */
    assert_int_equal(status(d, 1), VIRTIO_BLK_S_OK);
    assert_true(d->line);
    assert_int_equal(sim_blk_file_counts(T.disk)->waiting, 2);
    assert_int_equal(sim_blk_file_counts(T.disk)->fsyncs, fsyncs);
    assert_int_equal(status(d, 2), 0xff);

    /* The FLUSH: the fsync happens as it completes, before the guest sees
     * it done. Then the read. */
    assert_int_equal(sim_blk_file_complete(T.disk, 1, true), 1);
    assert_int_equal(sim_blk_file_counts(T.disk)->fsyncs, fsyncs + 1);
    assert_int_equal(status(d, 2), VIRTIO_BLK_S_OK);
    assert_int_equal(sim_blk_file_complete(T.disk, 4, false), 1);
    assert_int_equal(used_idx(d), 3);
    assert_int_equal(status(d, 0), VIRTIO_BLK_S_OK);
    assert_int_equal(get(d, DATA(0), 1), pattern(1, 0));
    uint8_t f[SECTOR];
    file_sector(2, f);
    assert_memory_equal(f, w, SECTOR);
    assert_int_equal(d->blk->busy, 0);
}

static unsigned idle_completions;
static void complete_on_idle(void *ctx)
{
    (void)ctx;
    idle_completions += sim_blk_file_complete(T.disk, 1, false);
}

/* A reset with requests in flight: they complete into nothing. */
static void test_reset_in_flight(void **state)
{
    (void)state;
    struct drv *d = &T.a;
    sim_blk_file_async(T.disk, 1);
    req(d, 0, VIRTIO_BLK_T_IN, 1, SECTOR);
    req(d, 1, VIRTIO_BLK_T_IN, 2, SECTOR); /* waits: the backend holds one */
    notify(d);
    assert_int_equal(d->blk->busy, 2);
    wr(d, R_STATUS, 0);                /* device reset */
    assert_int_equal(d->blk->busy, 1); /* the waiting one is dropped */
    assert_int_equal(sim_blk_file_complete(T.disk, 1, false), 1);
    assert_int_equal(d->blk->busy, 0);
    assert_int_equal(used_idx(d), 0); /* nothing written for a reset device */
    assert_int_equal(status(d, 0), 0xff);

    /* The device works again after the driver's restart. */
    sim_blk_file_async(T.disk, 0);
    driver_init(d, true);
    assert_int_equal(one(d, 0, VIRTIO_BLK_T_IN, 5, SECTOR), VIRTIO_BLK_S_OK);
    assert_int_equal(get(d, DATA(0), 1), pattern(5, 0));

    /* A guest's SYSTEM_RESET resets every device (mmio reset hook). */
    sim_blk_file_async(T.disk, 1);
    req(d, 1, VIRTIO_BLK_T_IN, 6, SECTOR);
    notify(d);
    mmio_bus_reset_all(&d->vm->mmio);
    assert_int_equal(rd(d, R_STATUS), 0);
    assert_int_equal(sim_blk_file_complete(T.disk, 1, false), 1);
    assert_int_equal(used_idx(d), 1);

    /* vm_destroy with a request in flight waits for it (the CPU idles
     * until the disk's completion), then every page and the range go back. */
    driver_init(d, false);
    req(d, 2, VIRTIO_BLK_T_IN, 7, SECTOR);
    notify(d);
    assert_int_equal(d->blk->busy, 1);
    idle_completions = 0;
    sim_set_idle_hook(complete_on_idle, NULL);
    vm_destroy(d->vm);
    d->vm = NULL;
    sim_set_idle_hook(NULL, NULL);
    assert_int_equal(idle_completions, 1);
    sim_blk_file_async(T.disk, 0);
    struct vm *again = vm_create("again", 1, 0);
    assert_int_equal(add_blk(again, 0, 0, 0), 0); /* the range is free */
    vm_destroy(again);
}

/* Every page the device took comes back with the VM. */
static void test_release_frees_pages(void **state)
{
    (void)state;
    unit_vm_destroy(&T.a.vm);
    size_t free0 = sim_free_pages();
    for (unsigned i = 0; i < 3; i++) {
        struct vm *vm = vm_create("pages", 1, 0);
        assert_int_equal(add_blk(vm, 0, 0, 0), 0);
        vm_destroy(vm);
        assert_int_equal(sim_free_pages(), free0);
    }
}

/* The description's SPI wired through the vGIC: the completion (not the
 * notify) raises INTID 32 + SPI, InterruptACK lowers the line. */
static void test_interrupt_through_vgic(void **state)
{
    (void)state;
    unit_vm_destroy(&T.a.vm);
    struct drv *d = &T.a;
    d->vm = unit_vm_create("blkirq", SIM_ARMV8, 1);
    assert_int_equal(vgic_attach(d->vm, VGIC_DEFAULT_SPIS, VIRT_GICD_BASE), 0);
    assert_int_equal(add_blk(d->vm, 0, 0, 0), 0);
    struct virtio_mmio *vd = mmio_bus_find(&d->vm->mmio, BASE)->priv;
    void (*set)(void *, bool) = vd->irq_set;
    void *ctx = vd->irq_ctx;
    assert_ptr_equal(set, vgic_line_set);
    driver_init(d, false);
    vd->irq_set = set;
    vd->irq_ctx = ctx;
    struct vgic_irq *irq = vgic_irq(d->vm->vgic, 0, 32 + VIRT_VIRTIO_SPI + 1);
    assert_non_null(irq);

    sim_blk_file_async(T.disk, 1);
    req(d, 0, VIRTIO_BLK_T_IN, 9, SECTOR);
    notify(d);
    assert_false(irq->line);
    assert_false(vgic_irq_pending(irq));
    assert_int_equal(sim_blk_file_complete(T.disk, 1, false), 1);
    assert_true(irq->line);
    assert_true(vgic_irq_pending(irq));
    assert_int_equal(status(d, 0), VIRTIO_BLK_S_OK);
    wr(d, R_INT_ACK, VIRTIO_MMIO_INT_VRING);
    assert_false(irq->line);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_config_and_features, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_write_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capacity_and_bad_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only, setup_ro, teardown),
        cmocka_unit_test_setup_teardown(test_two_vms_own_ranges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_async_completion, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_in_flight, setup, teardown),
        cmocka_unit_test_setup_teardown(test_release_frees_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interrupt_through_vgic, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
