/*
 * virtio-blk from inside a guest: vm_launch builds a VM from a description
 * whose device list has a virtio-blk on a range of host disk 0 (a host file,
 * sim_blk_file_open) and a sim guest drives it as a minimal driver would:
 * every register access is a trapped store or load (stage-2 data abort,
 * MMIO decode, the bus, the device under its lock), the rings and buffers
 * are plain guest RAM, and the guest waits for each completion in WFI until
 * the device's interrupt (the listed SPI through the vGIC) wakes it. Run
 * once with a backend that completes at once and once with one that holds
 * requests until the hypervisor idles (a disk's completion interrupt): the
 * guest writes a sector, reads it back, flushes, reads past its range
 * (IOERR), and the file holds what it wrote at the range's offset.
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
#include "core/launch.h"
#include "core/virt_layout.h"
#include "vdev/virtio_blk.h"

#define RAM    VIRT_RAM_BASE
#define LOAD   (RAM + 0x80000)
#define SLOT   1u
#define BASE   (VIRT_VIRTIO_BASE + SLOT * VIRT_VIRTIO_SIZE)
#define SPI    (VIRT_VIRTIO_SPI + SLOT)
#define INTID  (32u + SPI)
#define GICD   VIRT_GICD_BASE
#define QN     8u
#define DESC   (RAM + 0x100000)
#define AVAIL  (DESC + 0x1000)
#define USED   (DESC + 0x2000)
#define HDR    (RAM + 0x104000)
#define STATUS (RAM + 0x105000)
#define WBUF   (RAM + 0x106000)
#define RBUF   (RAM + 0x107000)

#define FIRST    16u /* the VM's range of the disk */
#define COUNT    32u
#define SECTOR   512u
#define SPURIOUS 1023u

struct run {
    /* what the guest saw */
    uint32_t device_id, status_reg;
    uint8_t st_write, st_read, st_flush, st_past;
    bool read_back_ok;
    unsigned irqs, wfis;
    bool stuck;
};

static void w32(struct sim_guest *g, uint64_t a, uint32_t v)
{
    g_set_reg(g, 1, v);
    g_str(g, 1, a, 4);
}

static uint32_t r32(struct sim_guest *g, uint64_t a)
{
    g_ldr(g, 2, a, 4);
    return (uint32_t)g_reg(g, 2);
}

static void wmem(struct sim_guest *g, uint64_t a, uint64_t v, unsigned size)
{
    g_set_reg(g, 3, v);
    g_str(g, 3, a, size);
}

static uint64_t rmem(struct sim_guest *g, uint64_t a, unsigned size)
{
    g_ldr(g, 4, a, size);
    return g_reg(g, 4);
}

static void desc(struct sim_guest *g, unsigned i, uint64_t addr, uint32_t len, uint16_t flags)
{
    wmem(g, DESC + 16 * i, addr, 8);
    wmem(g, DESC + 16 * i + 8, len, 4);
    wmem(g, DESC + 16 * i + 12, flags | (uint32_t)(i + 1) << 16, 4); /* flags, next */
}

/* One request (header, optional data, status) as descriptors 0-2; notify,
 * then wait, as an interrupt-driven driver does, for the device's interrupt
 * and the chain on the used ring. Returns its status. */
static uint8_t request(struct sim_guest *g, struct run *r, uint32_t type, uint64_t sector,
                       uint64_t data, bool data_in)
{
    uint16_t used_before = (uint16_t)rmem(g, USED + 2, 2);
    wmem(g, HDR, type, 4);
    wmem(g, HDR + 4, 0, 4);
    wmem(g, HDR + 8, sector, 8);
    wmem(g, STATUS, 0xff, 1);
    unsigned n = 0;
    desc(g, n++, HDR, 16, VIRTQ_DESC_F_NEXT);
    if (data)
        desc(g, n++, data, SECTOR, VIRTQ_DESC_F_NEXT | (data_in ? VIRTQ_DESC_F_WRITE : 0));
    desc(g, n++, STATUS, 1, VIRTQ_DESC_F_WRITE);
    uint16_t avail = (uint16_t)rmem(g, AVAIL + 2, 2);
    wmem(g, AVAIL + 4 + 2 * (avail % QN), 0, 2);
    wmem(g, AVAIL + 2, (uint16_t)(avail + 1), 2);
    w32(g, BASE + 0x050, 0); /* QueueNotify */
    bool interrupted = false;
    for (unsigned waits = 0;;) {
        uint32_t iar = g_irq_ack(g);
        if (iar == INTID) {
            r->irqs++;
            interrupted = true;
            w32(g, BASE + 0x064, r32(g, BASE + 0x060)); /* InterruptACK what is set */
            g_irq_eoi(g, iar);
        } else if (iar != SPURIOUS) {
            g_irq_eoi(g, iar);
        }
        if (interrupted && (uint16_t)rmem(g, USED + 2, 2) != used_before)
            break;
        if (iar == SPURIOUS) {
            if (++waits > 16) {
                r->stuck = true;
                return 0xee;
            }
            g_wfi(g);
            r->wfis++;
        }
    }
    return (uint8_t)rmem(g, STATUS, 1);
}

static void guest_driver(struct sim_guest *g)
{
    struct run *r = g->arg;
    /* The device's SPI on, at a priority the CPU interface takes. */
    w32(g, GICD + 0x400 + (INTID & ~3u), 0xa0a0a0a0u);
    w32(g, GICD + 0x100 + 4 * (INTID / 32), 1u << (INTID % 32));
    w32(g, GICD + 0x000, 1);

    r->device_id = r32(g, BASE + 0x008);
    w32(g, BASE + 0x070, 0);
    w32(g, BASE + 0x070, 1);
    w32(g, BASE + 0x070, 3);
    w32(g, BASE + 0x024, 0);
    w32(g, BASE + 0x020, 1u << VIRTIO_BLK_F_FLUSH);
    w32(g, BASE + 0x024, 1);
    w32(g, BASE + 0x020, 1); /* VIRTIO_F_VERSION_1 */
    w32(g, BASE + 0x070, 11);
    w32(g, BASE + 0x030, 0);
    w32(g, BASE + 0x038, QN);
    w32(g, BASE + 0x080, (uint32_t)DESC);
    w32(g, BASE + 0x090, (uint32_t)AVAIL);
    w32(g, BASE + 0x0a0, (uint32_t)USED);
    w32(g, BASE + 0x044, 1);
    w32(g, BASE + 0x070, 15);
    r->status_reg = r32(g, BASE + 0x070);

    for (unsigned i = 0; i < SECTOR; i += 8)
        wmem(g, WBUF + i, 0x0101010101010101ull * (uint8_t)(i / 8 + 0x40), 8);
    r->st_write = request(g, r, VIRTIO_BLK_T_OUT, 3, WBUF, false);
    r->st_read = request(g, r, VIRTIO_BLK_T_IN, 3, RBUF, true);
    r->read_back_ok = true;
    for (unsigned i = 0; i < SECTOR; i += 8)
        r->read_back_ok &= rmem(g, RBUF + i, 8) == rmem(g, WBUF + i, 8);
    r->st_flush = request(g, r, VIRTIO_BLK_T_FLUSH, 0, 0, false);
    r->st_past = request(g, r, VIRTIO_BLK_T_IN, COUNT, RBUF, true);
}

static char path[64];
static unsigned completed;

static void complete_on_idle(void *ctx)
{
    completed += sim_blk_file_complete(*(int *)ctx, 8, false);
}

static void run_guest(struct run *r, bool async)
{
    sim_reset(SIM_ARMV8, 64ull << 20);
    sim_console_clear();
    sim_blk_file_close_all();
    snprintf(path, sizeof(path), "/tmp/av-vblkg-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 64 * SECTOR), 0);
    close(fd);
    static int disk;
    disk = sim_blk_file_open(path, false);
    assert_int_equal(disk, 0);
    completed = 0;
    if (async) {
        sim_blk_file_async(disk, 4);
        sim_set_idle_hook(complete_on_idle, &disk);
    }
    struct vm_device devs[2] = {
        {.kind = VM_DEV_PL011,
         .flags = VM_DEV_F_CONSOLE,
         .base = VIRT_PL011_BASE,
         .size = VIRT_PL011_SIZE,
         .spi = VIRT_PL011_SPI},
        {.kind = VM_DEV_VIRTIO_BLK,
         .base = BASE,
         .size = VIRT_VIRTIO_SIZE,
         .spi = SPI,
         .disk = 0,
         .first_sector = FIRST,
         .sectors = COUNT},
    };
    static const uint8_t image[4];
    struct guest_desc d = {.name = "blkguest",
                           .image = image,
                           .image_size = sizeof(image),
                           .ram_size = 4ull << 20,
                           .load_ipa = LOAD,
                           .boot = {.isa = ISA_A64, .pc = LOAD},
                           .devices = devs,
                           .ndevices = 2};
    sim_guest_at(LOAD, guest_driver, r);
    size_t free0 = sim_free_pages();
    assert_int_equal(vm_launch(&d), 0);
    assert_int_equal(sim_free_pages(), free0);
    sim_set_idle_hook(NULL, NULL);

    assert_false(r->stuck);
    assert_int_equal(r->device_id, VIRTIO_ID_BLOCK);
    assert_int_equal(r->status_reg, 15);
    assert_int_equal(r->st_write, VIRTIO_BLK_S_OK);
    assert_int_equal(r->st_read, VIRTIO_BLK_S_OK);
    assert_true(r->read_back_ok);
    assert_int_equal(r->st_flush, VIRTIO_BLK_S_OK);
    assert_int_equal(r->st_past, VIRTIO_BLK_S_IOERR);
    assert_int_equal(r->irqs, 4); /* each completion interrupted the guest */
    assert_int_equal(sim_blk_file_counts(disk)->fsyncs, 1);
    /* The guest's sector 3 is the disk's FIRST + 3. */
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t b[SECTOR];
    assert_int_equal(fseek(f, (FIRST + 3) * SECTOR, SEEK_SET), 0);
    assert_int_equal(fread(b, 1, SECTOR, f), SECTOR);
    fclose(f);
    for (unsigned i = 0; i < SECTOR; i++)
        assert_int_equal(b[i], (uint8_t)(i / 8 + 0x40));
    sim_blk_file_close_all();
    unlink(path);
}

static void test_guest_sync_backend(void **state)
{
    (void)state;
    struct run r = {0};
    run_guest(&r, false);
    assert_int_equal(completed, 0);
}

static void test_guest_async_backend(void **state)
{
    (void)state;
    struct run r = {0};
    run_guest(&r, true);
    /* The three requests that reached the disk completed while the
     * hypervisor idled with the guest in WFI, and their interrupts woke it. */
    assert_int_equal(completed, 3);
    assert_true(r.wfis >= 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guest_sync_backend),
        cmocka_unit_test(test_guest_async_backend),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
