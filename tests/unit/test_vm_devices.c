/*
 * Devices from the VM description: the package's DEVICES section
 * (core/vm_package.c, docs/vm-package.md), the device registry
 * (core/device.c, vdev/board.c) and vm_launch_package building what the
 * list says. Packages are written here byte by byte (CONFIG, KERNEL,
 * DEVICES), independently of tools/loader:
 *  - a list round-trips field by field; the console input device is the
 *    one flagged; without a list a package gets the PL011, and the
 *    virtio-console that CONFIG's console field asks for;
 *  - every rule of an entry and between entries is refused with its reason;
 *  - a launched package gets exactly its listed devices (a sim guest finds
 *    the virtio-blk at its slot and nothing at an unlisted one), and a
 *    package naming a host disk that is not there does not start.
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
#include "core/launch.h"
#include "core/vm_package.h"
#include "lib/le.h"

#define RAM     VIRT_RAM_BASE
#define SLOT(n) (VIRT_VIRTIO_BASE + VIRT_VIRTIO_SIZE * (n))

static uint8_t blob[4 * VM_PKG_ALIGN];
static uint8_t kernel[256];

static struct vm_device pl011(uint32_t flags)
{
    return (struct vm_device){.kind = VM_DEV_PL011,
                              .flags = flags,
                              .base = VIRT_PL011_BASE,
                              .size = VIRT_PL011_SIZE,
                              .spi = VIRT_PL011_SPI};
}

static struct vm_device virtio(uint32_t kind, unsigned slot, uint32_t flags)
{
    return (struct vm_device){.kind = kind,
                              .flags = flags,
                              .base = SLOT(slot),
                              .size = VIRT_VIRTIO_SIZE,
                              .spi = VIRT_VIRTIO_SPI + slot};
}

/* A raw A64 package: CONFIG (console field `console`), KERNEL, and a
 * DEVICES section of n entries when n > 0 (count written as `count`). */
static size_t build_n(const struct vm_device *d, unsigned n, uint32_t count, uint32_t console)
{
    memset(blob, 0, sizeof(blob));
    for (unsigned i = 0; i < sizeof(kernel); i++)
        kernel[i] = (uint8_t)i;
    uint8_t *cfg = blob + VM_PKG_ALIGN;
    memcpy(cfg + VM_PKG_CFG_NAME, "devs", 5);
    put_le64(cfg + VM_PKG_CFG_RAM_BASE, RAM);
    put_le64(cfg + VM_PKG_CFG_RAM_SIZE, 4ull << 20);
    put_le32(cfg + VM_PKG_CFG_NVCPUS, 1);
    put_le64(cfg + VM_PKG_CFG_KERNEL_IPA, RAM);
    put_le64(cfg + VM_PKG_CFG_ENTRY, RAM);
    put_le32(cfg + VM_PKG_CFG_CONSOLE, console);
    memcpy(blob + 2 * VM_PKG_ALIGN, kernel, sizeof(kernel));
    uint8_t *s = blob + 3 * VM_PKG_ALIGN;
    put_le32(s + VM_PKG_DEV_COUNT, count);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *e = s + VM_PKG_DEV_HDR + i * VM_PKG_DEV_SIZE;
        put_le32(e + VM_PKG_DEV_KIND, d[i].kind);
        put_le32(e + VM_PKG_DEV_FLAGS, d[i].flags);
        put_le64(e + VM_PKG_DEV_BASE, d[i].base);
        put_le64(e + VM_PKG_DEV_LEN, d[i].size);
        put_le32(e + VM_PKG_DEV_SPI, d[i].spi);
        put_le32(e + VM_PKG_DEV_DISK, d[i].disk);
        put_le64(e + VM_PKG_DEV_FIRST, d[i].first_sector);
        put_le64(e + VM_PKG_DEV_SECTORS, d[i].sectors);
    }
    unsigned nsect = n ? 3 : 2;
    uint32_t types[3] = {VM_PKG_CONFIG, VM_PKG_KERNEL, VM_PKG_DEVICES};
    uint64_t sizes[3] = {VM_PKG_CFG_SIZE, sizeof(kernel), VM_PKG_DEV_HDR + n * VM_PKG_DEV_SIZE};
    for (unsigned i = 0; i < nsect; i++) {
        uint8_t *e = blob + VM_PKG_HDR_SIZE + i * VM_PKG_SECT_SIZE;
        put_le32(e + VM_PKG_SECT_TYPE, types[i]);
        put_le64(e + VM_PKG_SECT_OFFSET, (i + 1) * VM_PKG_ALIGN);
        put_le64(e + VM_PKG_SECT_LEN, sizes[i]);
    }
    size_t total = (nsect + 1) * VM_PKG_ALIGN;
    memcpy(blob, VM_PKG_MAGIC, VM_PKG_MAGIC_LEN);
    put_le32(blob + VM_PKG_HDR_VERSION, VM_PKG_VERSION);
    put_le32(blob + VM_PKG_HDR_HDRSIZE, VM_PKG_HDR_SIZE);
    put_le64(blob + VM_PKG_HDR_TOTAL, total);
    put_le32(blob + VM_PKG_HDR_NSECT, nsect);
    put_le64(blob + VM_PKG_HDR_CHECKSUM, vm_package_checksum(blob, total));
    return total;
}

static size_t build(const struct vm_device *d, unsigned n)
{
    return build_n(d, n, n, 0);
}

static void refused(size_t len, const char *want)
{
    struct vm_package p;
    const char *why = NULL;
    int r = vm_package_parse(blob, len, &p, &why);
    if (r == 0 || !why || !strstr(why, want))
        fail_msg("expected a refusal with \"%s\", got r=%d why=\"%s\"", want, r,
                 why ? why : "(null)");
}

static void test_parse_list(void **state)
{
    (void)state;
    struct vm_device d[3] = {pl011(VM_DEV_F_CONSOLE), virtio(VM_DEV_VIRTIO_CONSOLE, 0, 0),
                             virtio(VM_DEV_VIRTIO_BLK, 1, VM_DEV_F_RO)};
    d[2].disk = 3;
    d[2].first_sector = 100;
    d[2].sectors = 50;
    struct vm_package p;
    const char *why = NULL;
    assert_int_equal(vm_package_parse(blob, build(d, 3), &p, &why), 0);
    assert_true(p.has_device_list);
    assert_int_equal(p.ndevices, 3);
    assert_memory_equal(p.devices, d, sizeof(d));
    assert_int_equal(p.console, VM_PKG_CONSOLE_PL011);

    /* The flag says which device takes console input. */
    d[0].flags = 0;
    d[1].flags = VM_DEV_F_CONSOLE;
    assert_int_equal(vm_package_parse(blob, build(d, 3), &p, NULL), 0);
    assert_int_equal(p.console, VM_PKG_CONSOLE_VIRTIO);
    /* ... or none does. */
    d[1].flags = 0;
    assert_int_equal(vm_package_parse(blob, build(d, 3), &p, NULL), 0);
    assert_int_equal(p.console, VM_PKG_CONSOLE_PL011);
    /* A list with only a disk (no PL011): fine; 16 entries: fine. */
    assert_int_equal(vm_package_parse(blob, build(&d[2], 1), &p, NULL), 0);
    /* The most of each kind: 4 disks and a PL011. */
    struct vm_device most[5];
    for (unsigned i = 0; i < 4; i++)
        most[i] = virtio(VM_DEV_VIRTIO_BLK, i, 0);
    most[4] = pl011(0);
    assert_int_equal(vm_package_parse(blob, build(most, 5), &p, NULL), 0);
    assert_int_equal(p.ndevices, 5);
}

static void test_defaults_without_list(void **state)
{
    (void)state;
    struct vm_package p;
    assert_int_equal(vm_package_parse(blob, build(NULL, 0), &p, NULL), 0);
    assert_false(p.has_device_list);
    assert_int_equal(p.ndevices, 1);
    struct vm_device want = pl011(VM_DEV_F_CONSOLE);
    assert_memory_equal(&p.devices[0], &want, sizeof(want));
    assert_int_equal(vm_package_parse(blob, build_n(NULL, 0, 0, VM_PKG_CONSOLE_VIRTIO), &p, NULL),
                     0);
    assert_int_equal(p.ndevices, 2);
    assert_int_equal(p.devices[0].flags, 0);
    struct vm_device vc = virtio(VM_DEV_VIRTIO_CONSOLE, 0, VM_DEV_F_CONSOLE);
    assert_memory_equal(&p.devices[1], &vc, sizeof(vc));
}

static void test_refuse_devices(void **state)
{
    (void)state;
    struct vm_device d[3];
#define CASE(stmt, want)                                                                           \
    do {                                                                                           \
        d[0] = pl011(VM_DEV_F_CONSOLE);                                                            \
        d[1] = virtio(VM_DEV_VIRTIO_BLK, 1, 0);                                                    \
        d[2] = virtio(VM_DEV_VIRTIO_CONSOLE, 0, 0);                                                \
        stmt;                                                                                      \
        refused(build(d, 3), want);                                                                \
    } while (0)
    CASE(d[1].kind = 0, "unknown device kind");
    CASE(d[1].kind = 4, "unknown device kind");
    CASE(d[1].flags = 4, "unknown device flags");
    CASE(d[1].size = 0x1000, "window size");
    CASE(d[0].size = 0x200, "window size");
    CASE(d[1].base += 0x100, "not aligned");
    CASE(d[1].base = VIRT_RAM_BASE, "below 0x40000000");
    CASE(d[1].base = ~0x1ffull, "below 0x40000000");
    CASE(d[1].base = VIRT_GICD_BASE + 0x10000, "overlaps the GIC");
    CASE(d[0].base = VIRT_GICC_BASE, "overlaps the GIC");
    CASE(d[1].spi = VIRT_SPI_COUNT, "SPI out of range");
    CASE(d[1].spi = ~0u, "SPI out of range");
    CASE(d[2].flags = VM_DEV_F_RO, "read-only flag");
    CASE(d[1].flags = VM_DEV_F_CONSOLE, "cannot take input");
    CASE(d[0].disk = 1, "not a disk");
    CASE(d[2].sectors = 1, "not a disk");
    CASE(d[1].disk = VM_DEV_DISK_MAX, "host disk index");
    CASE(d[1].first_sector = VM_DEV_SECTOR_LIMIT, "2^54");
    CASE((d[1].first_sector = 1, d[1].sectors = VM_DEV_SECTOR_LIMIT), "2^54");
    CASE(d[2].base = d[1].base, "devices overlap");
    CASE(d[2].spi = d[0].spi, "share an SPI");
    CASE(d[2].kind = VM_DEV_PL011, "window size"); /* a second PL011 with a virtio window */
    CASE((d[2] = pl011(0), d[2].base += VIRT_PL011_SIZE, d[2].spi = 2), "too many devices");
    CASE(d[2].flags = VM_DEV_F_CONSOLE, "more than one device takes console input");
#undef CASE
    struct vm_device five[5];
    for (unsigned i = 0; i < 5; i++)
        five[i] = virtio(VM_DEV_VIRTIO_BLK, i, 0);
    refused(build(five, 5), "too many devices");

    /* The section itself. */
    d[0] = pl011(0);
    refused(build_n(d, 1, 0, 0), "device count");
    refused(build_n(d, 1, VM_DEV_MAX + 1, 0), "device count");
    refused(build_n(d, 1, 2, 0), "does not match its count");
    refused(build_n(d, 1, 1, VM_PKG_CONSOLE_VIRTIO), "alongside a DEVICES section");
    size_t len = build(d, 1);
    put_le32(blob + 3 * VM_PKG_ALIGN + VM_PKG_DEV_RESERVED, 1);
    put_le64(blob + VM_PKG_HDR_CHECKSUM, vm_package_checksum(blob, len));
    refused(len, "reserved");
    len = build(d, 1);
    put_le64(blob + VM_PKG_HDR_SIZE + 2 * VM_PKG_SECT_SIZE + VM_PKG_SECT_LEN, 4);
    put_le64(blob + VM_PKG_HDR_CHECKSUM, vm_package_checksum(blob, len));
    refused(len, "shorter than its header");
}

/* ---- Launch --------------------------------------------------------------- */

struct probe {
    uint32_t blk_id, blk_magic;
    int status_blk, status_empty, status_uart;
};

static void guest_probes(struct sim_guest *g)
{
    struct probe *p = g->arg;
    p->status_blk = g_ldr(g, 1, SLOT(3) + 0x8, 4); /* DeviceID */
    p->blk_id = (uint32_t)g_reg(g, 1);
    g_ldr(g, 1, SLOT(3), 4); /* MagicValue */
    p->blk_magic = (uint32_t)g_reg(g, 1);
    p->status_empty = g_ldr(g, 1, SLOT(0) + 0x8, 4); /* not listed */
    p->status_uart = g_ldr(g, 1, VIRT_PL011_BASE + 0x18, 4);
}

static char disk_path[64];

static int sim_setup(void **state)
{
    (void)state;
    sim_reset(SIM_ARMV8, 64ull << 20);
    sim_console_clear();
    sim_blk_file_close_all();
    snprintf(disk_path, sizeof(disk_path), "/tmp/av-vdev-XXXXXX");
    int fd = mkstemp(disk_path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 64 * 512), 0);
    close(fd);
    assert_int_equal(sim_blk_file_open(disk_path, false), 0);
    return 0;
}

static int sim_teardown(void **state)
{
    (void)state;
    sim_blk_file_close_all();
    unlink(disk_path);
    return 0;
}

static void test_launch_listed_devices(void **state)
{
    (void)state;
    struct vm_device d[2] = {pl011(VM_DEV_F_CONSOLE), virtio(VM_DEV_VIRTIO_BLK, 3, 0)};
    d[1].first_sector = 8;
    struct vm_package p;
    assert_int_equal(vm_package_parse(blob, build(d, 2), &p, NULL), 0);
    size_t free0 = sim_free_pages();
    struct probe probe = {0};
    sim_guest_at(RAM, guest_probes, &probe);
    assert_int_equal(vm_launch_package(&p), 0);
    assert_int_equal(probe.status_blk, SIM_OK);
    assert_int_equal(probe.blk_id, 2); /* virtio-blk */
    assert_int_equal(probe.blk_magic, 0x74726976);
    assert_int_equal(probe.status_empty, SIM_ABORT); /* nothing at slot 0 */
    assert_int_equal(probe.status_uart, SIM_OK);
    assert_non_null(strstr(sim_console_text(), "vm devs: device virtio-blk at 0xa000600, SPI 19, "
                                               "host disk 0 from sector 8 to its end\n"));
    assert_int_equal(sim_free_pages(), free0);
}

static void test_launch_missing_disk(void **state)
{
    (void)state;
    struct vm_device d[2] = {pl011(VM_DEV_F_CONSOLE), virtio(VM_DEV_VIRTIO_BLK, 3, 0)};
    d[1].disk = 4;
    struct vm_package p;
    assert_int_equal(vm_package_parse(blob, build(d, 2), &p, NULL), 0);
    size_t free0 = sim_free_pages();
    sim_guest_at(RAM, guest_probes, NULL);
    assert_true(vm_launch_package(&p) < 0);
    assert_non_null(strstr(sim_console_text(), "host disk 4 from sector 0: no such host disk"));
    assert_int_equal(sim_free_pages(), free0);
    /* A range past the disk's end. */
    d[1].disk = 0;
    d[1].first_sector = 60;
    d[1].sectors = 8;
    assert_int_equal(vm_package_parse(blob, build(d, 2), &p, NULL), 0);
    assert_true(vm_launch_package(&p) < 0);
    assert_non_null(strstr(sim_console_text(), "runs past the end"));
}

/* The registry: the board builds each kind, nothing else. */
static void test_registry(void **state)
{
    (void)state;
    for (uint32_t k = VM_DEV_KIND_FIRST; k <= VM_DEV_KIND_LAST; k++) {
        const struct device_type *t = device_type_find(k);
        assert_non_null(t);
        assert_string_equal(t->name, vm_device_kind_name(k));
    }
    assert_null(device_type_find(0));
    assert_null(device_type_find(VM_DEV_KIND_LAST + 1));
    /* A list given directly (not from a parsed package) is checked too. */
    struct vm *vm = vm_create("reg", 1, 0);
    struct vm_device bad = virtio(VM_DEV_VIRTIO_BLK, 0, 0);
    bad.spi = VIRT_SPI_COUNT;
    assert_int_equal(vm_add_devices(vm, &bad, 1), -1);
    bad = virtio(7, 0, 0);
    assert_int_equal(vm_add_devices(vm, &bad, 1), -1);
    bad = virtio(VM_DEV_VIRTIO_CONSOLE, 0, 0);
    bad.base = VIRT_RAM_BASE - 0x100;
    assert_int_equal(vm_add_devices(vm, &bad, 1), -1);
    vm_destroy(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_list),
        cmocka_unit_test(test_defaults_without_list),
        cmocka_unit_test(test_refuse_devices),
        cmocka_unit_test_setup_teardown(test_launch_listed_devices, sim_setup, sim_teardown),
        cmocka_unit_test_setup_teardown(test_launch_missing_disk, sim_setup, sim_teardown),
        cmocka_unit_test_setup_teardown(test_registry, sim_setup, sim_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
