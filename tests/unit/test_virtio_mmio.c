/*
 * The virtio-mmio transport (src/vdev/virtio_mmio.c, Virtio 1.2 4.2) on a
 * sim VM's bus, driven the way Linux's virtio_mmio driver does (3.1.1):
 * identification, feature negotiation with VERSION_1 required, the status
 * state machine, queue set-up, QueueNotify to the device, used buffer
 * interrupts and their ACK, config space and ConfigGeneration, reset; and a
 * hostile driver: registers out of order ignored, a broken ring ends in
 * DEVICE_NEEDS_RESET with a configuration change interrupt, never a fault.
 * The device behind it is a stub that echoes each request's readable bytes
 * into its writable part.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/virt_layout.h"
#include "core/vm.h"
#include "helpers/unit_vm.h"
#include "vdev/virtio_guest_mem.h"
#include "vdev/virtio_mmio.h"

#define BASE  0x0a000000ull /* QEMU virt's first virtio-mmio slot */
#define RAM   VIRT_RAM_BASE
#define DESC  (RAM + 0x1000)
#define AVAIL (RAM + 0x2000)
#define USED  (RAM + 0x3000)
#define BUF   (RAM + 0x8000)

/* Register offsets (4.2.2). */
#define MAGIC        0x000
#define VERSION      0x004
#define DEVICE_ID    0x008
#define VENDOR_ID    0x00c
#define DEV_FEAT     0x010
#define DEV_FEAT_S   0x014
#define DRV_FEAT     0x020
#define DRV_FEAT_S   0x024
#define QUEUE_SEL    0x030
#define QUEUE_MAX    0x034
#define QUEUE_NUM    0x038
#define QUEUE_READY  0x044
#define QUEUE_NOTIFY 0x050
#define INT_STATUS   0x060
#define INT_ACK      0x064
#define STATUS       0x070
#define Q_DESC_LO    0x080
#define Q_DESC_HI    0x084
#define Q_DRV_LO     0x090
#define Q_DEV_LO     0x0a0
#define CONFIG_GEN   0x0fc
#define CONFIG       0x100

#define S_ACK   VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRV   VIRTIO_CONFIG_S_DRIVER
#define S_FOK   VIRTIO_CONFIG_S_FEATURES_OK
#define S_DOK   VIRTIO_CONFIG_S_DRIVER_OK
#define S_RESET VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET

static struct {
    struct vm *vm;
    struct virtq_mem mem;
    struct virtio_mmio dev;
    bool line;
    unsigned notified, resets, echoed;
    uint8_t config[8];
    uint16_t avail_idx;
} T;

static uint8_t cfg_read(struct virtio_mmio *vd, uint32_t off)
{
    (void)vd;
    return T.config[off];
}

static void cfg_write(struct virtio_mmio *vd, uint32_t off, uint8_t v)
{
    (void)vd;
    T.config[off] = v;
}

/* The stub device: each chain's readable bytes copied to its writable part. */
static void stub_notify(struct virtio_mmio *vd, unsigned q)
{
    T.notified++;
    struct virtq *vq = virtio_mmio_queue(vd, q);
    struct virtq_chain c;
    for (;;) {
        enum virtq_result r = virtq_pop(vq, &c);
        if (!virtio_mmio_pop_ok(vd, q, r, &c))
            break;
        uint8_t buf[64];
        uint32_t n = virtq_chain_read(vq, &c, 0, buf, sizeof(buf));
        n = virtq_chain_write(vq, &c, 0, buf, n);
        T.echoed++;
        virtq_push(vq, c.head, n);
        virtio_mmio_used(vd, q);
    }
}

static void stub_reset(struct virtio_mmio *vd)
{
    (void)vd;
    T.resets++;
}

static const struct virtio_dev_ops stub_ops = {
    .device_id = 3,
    .features = 1ull << 0,
    .nqueues = 2,
    .queue_max = 16,
    .config_size = sizeof(T.config),
    .config_read = cfg_read,
    .config_write = cfg_write,
    .notify = stub_notify,
    .reset = stub_reset,
};

static void line_set(void *ctx, bool level)
{
    (void)ctx;
    T.line = level;
}

static int setup(void **state)
{
    (void)state;
    memset(&T, 0, sizeof(T));
    T.vm = unit_vm_create("vio", SIM_ARMV8, 1);
    virtio_guest_mem(&T.mem, T.vm);
    virtio_mmio_init(&T.dev, BASE, &stub_ops, NULL, &T.mem);
    T.dev.irq_set = line_set;
    assert_int_equal(vm_add_device(T.vm, &T.dev.dev), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unit_vm_destroy(&T.vm);
    return 0;
}

static int acc(uint64_t off, unsigned size, bool write, uint32_t *v)
{
    struct mmio_access a = {.size = size, .write = write, .value = write ? *v : 0};
    int r = mmio_bus_dispatch(&T.vm->mmio, BASE + off, &a);
    if (!write)
        *v = (uint32_t)a.value;
    return r;
}

static uint32_t rd(uint64_t off)
{
    uint32_t v;
    assert_int_equal(acc(off, 4, false, &v), MMIO_OK);
    return v;
}

static void wr(uint64_t off, uint32_t v)
{
    assert_int_equal(acc(off, 4, true, &v), MMIO_OK);
}

static void put16(ipa_t a, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    assert_true(vm_copy_to_guest(T.vm, a, b, 2));
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t d[16] = {0};
    for (unsigned k = 0; k < 8; k++)
        d[k] = (uint8_t)(addr >> (8 * k));
    for (unsigned k = 0; k < 4; k++)
        d[8 + k] = (uint8_t)(len >> (8 * k));
    d[12] = (uint8_t)flags;
    d[14] = (uint8_t)next;
    assert_true(vm_copy_to_guest(T.vm, DESC + 16ull * i, d, 16));
}

/* Linux's order (3.1.1): reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK,
 * queue 0 set up, DRIVER_OK. */
static void driver_init(uint64_t features)
{
    wr(STATUS, 0);
    wr(STATUS, S_ACK);
    wr(STATUS, S_ACK | S_DRV);
    wr(DRV_FEAT_S, 0);
    wr(DRV_FEAT, (uint32_t)features);
    wr(DRV_FEAT_S, 1);
    wr(DRV_FEAT, (uint32_t)(features >> 32));
    wr(STATUS, S_ACK | S_DRV | S_FOK);
    assert_true(rd(STATUS) & S_FOK);
    wr(QUEUE_SEL, 0);
    assert_int_equal(rd(QUEUE_READY), 0);
    assert_int_equal(rd(QUEUE_MAX), 16);
    wr(QUEUE_NUM, 8);
    wr(Q_DESC_LO, (uint32_t)DESC);
    wr(Q_DESC_HI, 0);
    wr(Q_DRV_LO, (uint32_t)AVAIL);
    wr(Q_DEV_LO, (uint32_t)USED);
    wr(QUEUE_READY, 1);
    assert_int_equal(rd(QUEUE_READY), 1);
    wr(STATUS, S_ACK | S_DRV | S_FOK | S_DOK);
    assert_int_equal(rd(STATUS), S_ACK | S_DRV | S_FOK | S_DOK);
}

static const uint64_t V1 = 1ull << VIRTIO_F_VERSION_1;

static void test_identity_and_access_widths(void **state)
{
    (void)state;
    assert_int_equal(rd(MAGIC), 0x74726976);
    assert_int_equal(rd(VERSION), 2);
    assert_int_equal(rd(DEVICE_ID), 3);
    assert_int_not_equal(rd(VENDOR_ID), 0);
    /* Control registers: 32-bit aligned only (4.2.2.2). */
    uint32_t v = 0;
    assert_int_equal(acc(STATUS, 1, false, &v), MMIO_REFUSED);
    assert_int_equal(acc(MAGIC, 2, false, &v), MMIO_REFUSED);
    assert_int_equal(acc(MAGIC + 2, 4, false, &v), MMIO_REFUSED);
    /* Config space: any aligned width; past its end reads zero. */
    memcpy(T.config, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
    assert_int_equal(acc(CONFIG + 1, 1, false, &v), MMIO_OK);
    assert_int_equal(v, 0x22);
    assert_int_equal(acc(CONFIG + 2, 2, false, &v), MMIO_OK);
    assert_int_equal(v, 0x4433);
    assert_int_equal(rd(CONFIG + 4), 0x88776655);
    assert_int_equal(rd(CONFIG + 8), 0);
    v = 0xab;
    assert_int_equal(acc(CONFIG + 3, 1, true, &v), MMIO_OK);
    assert_int_equal(T.config[3], 0xab);
    assert_int_equal(rd(CONFIG_GEN), 0);
    virtio_mmio_config_changed(&T.dev);
    assert_int_equal(rd(CONFIG_GEN), 1);
    /* Before DRIVER_OK a change raises no interrupt. */
    assert_int_equal(rd(INT_STATUS), 0);
    assert_false(T.line);
}

static void test_feature_negotiation(void **state)
{
    (void)state;
    wr(DEV_FEAT_S, 0);
    uint32_t lo = rd(DEV_FEAT);
    wr(DEV_FEAT_S, 1);
    uint32_t hi = rd(DEV_FEAT);
    wr(DEV_FEAT_S, 2);
    assert_int_equal(rd(DEV_FEAT), 0);
    assert_true(lo & 1u); /* the device's bit 0 */
    assert_true(lo & (1u << VIRTIO_F_INDIRECT_DESC));
    assert_true(lo & (1u << VIRTIO_F_EVENT_IDX));
    assert_true(hi & (1u << (VIRTIO_F_VERSION_1 - 32)));

    /* A legacy driver (no VERSION_1): FEATURES_OK does not stick. */
    wr(STATUS, S_ACK);
    wr(STATUS, S_ACK | S_DRV);
    wr(DRV_FEAT_S, 0);
    wr(DRV_FEAT, 1);
    wr(STATUS, S_ACK | S_DRV | S_FOK);
    assert_int_equal(rd(STATUS), S_ACK | S_DRV);
    /* A feature the device never offered: refused too. */
    wr(DRV_FEAT_S, 1);
    wr(DRV_FEAT, 1u | 1u << 8);
    wr(STATUS, S_ACK | S_DRV | S_FOK);
    assert_int_equal(rd(STATUS), S_ACK | S_DRV);
    /* VERSION_1 and a subset: accepted, and frozen from then on. */
    wr(DRV_FEAT, 1u);
    wr(STATUS, S_ACK | S_DRV | S_FOK);
    assert_int_equal(rd(STATUS), S_ACK | S_DRV | S_FOK);
    assert_true(virtio_mmio_has(&T.dev, VIRTIO_F_VERSION_1));
    assert_false(virtio_mmio_has(&T.dev, VIRTIO_F_EVENT_IDX));
    wr(DRV_FEAT_S, 0);
    wr(DRV_FEAT, 1u << VIRTIO_F_EVENT_IDX);
    assert_false(virtio_mmio_has(&T.dev, VIRTIO_F_EVENT_IDX));
}

static void test_status_state_machine(void **state)
{
    (void)state;
    /* DRIVER_OK before FEATURES_OK is not taken. */
    wr(STATUS, S_ACK | S_DRV | S_DOK);
    assert_int_equal(rd(STATUS), S_ACK | S_DRV);
    /* A queue cannot be made ready before FEATURES_OK. */
    wr(QUEUE_NUM, 8);
    wr(Q_DESC_LO, (uint32_t)DESC);
    wr(Q_DRV_LO, (uint32_t)AVAIL);
    wr(Q_DEV_LO, (uint32_t)USED);
    wr(QUEUE_READY, 1);
    assert_int_equal(rd(QUEUE_READY), 0);
    /* Bits are only added; clearing one without a reset is ignored. */
    driver_init(V1);
    wr(STATUS, S_ACK | S_DRV);
    assert_int_equal(rd(STATUS), S_ACK | S_DRV | S_FOK | S_DOK);
    /* Addresses are frozen while the queue is ready. */
    wr(Q_DESC_LO, (uint32_t)(RAM + 0x10000));
    assert_int_equal(T.dev.q[0].desc, DESC);
    /* Queues past the device's count read QueueNumMax 0. */
    wr(QUEUE_SEL, 2);
    assert_int_equal(rd(QUEUE_MAX), 0);
    /* Reset: status 0, queues gone, the device told. */
    unsigned resets = T.resets;
    wr(STATUS, 0);
    assert_int_equal(rd(STATUS), 0);
    wr(QUEUE_SEL, 0);
    assert_int_equal(rd(QUEUE_READY), 0);
    assert_int_equal(T.resets, resets + 1);
    assert_null(virtio_mmio_queue(&T.dev, 0));
}

static void test_notify_used_interrupt_ack(void **state)
{
    (void)state;
    driver_init(V1);
    /* Notify with nothing available: the device looks, finds nothing. */
    wr(QUEUE_NOTIFY, 0);
    assert_int_equal(T.notified, 1);
    assert_false(T.line);
    /* Notifying a queue that is not ready or does not exist: ignored. */
    wr(QUEUE_NOTIFY, 1);
    wr(QUEUE_NOTIFY, 7);
    assert_int_equal(T.notified, 1);

    assert_true(vm_copy_to_guest(T.vm, BUF, "ping", 4));
    desc(0, BUF, 4, VIRTQ_DESC_F_NEXT, 1);
    desc(1, BUF + 0x100, 8, VIRTQ_DESC_F_WRITE, 0);
    put16(AVAIL + 4, 0);
    put16(AVAIL + 2, 1);
    wr(QUEUE_NOTIFY, 0);
    assert_int_equal(T.echoed, 1);
    char got[5] = {0};
    assert_true(vm_copy_from_guest(T.vm, got, BUF + 0x100, 4));
    assert_string_equal(got, "ping");
    assert_int_equal(rd(INT_STATUS), VIRTIO_MMIO_INT_VRING);
    assert_true(T.line);
    wr(INT_ACK, VIRTIO_MMIO_INT_VRING);
    assert_int_equal(rd(INT_STATUS), 0);
    assert_false(T.line);
}

static void test_hostile_ring_needs_reset(void **state)
{
    (void)state;
    driver_init(V1);
    /* A malformed chain: that request comes back with nothing written, the
     * device goes on. */
    desc(0, 0x1000, 4, 0, 0); /* outside RAM */
    put16(AVAIL + 4, 0);
    put16(AVAIL + 2, 1);
    wr(QUEUE_NOTIFY, 0);
    assert_int_equal(T.echoed, 0);
    assert_int_equal(rd(STATUS) & S_RESET, 0);
    assert_int_equal(rd(INT_STATUS), VIRTIO_MMIO_INT_VRING);
    wr(INT_ACK, VIRTIO_MMIO_INT_VRING);

    /* An avail index far ahead: DEVICE_NEEDS_RESET and a configuration
     * change interrupt (2.1.2); the device is not called again. */
    put16(AVAIL + 2, 1000);
    wr(QUEUE_NOTIFY, 0);
    assert_true(rd(STATUS) & S_RESET);
    assert_int_equal(rd(INT_STATUS), VIRTIO_MMIO_INT_CONFIG);
    assert_true(T.line);
    unsigned n = T.notified;
    wr(QUEUE_NOTIFY, 0);
    assert_int_equal(T.notified, n);
    assert_true(strstr(sim_console_text(), "virtio-mmio@0xa000000") != NULL);

    /* The driver resets and starts over: all well again. */
    put16(AVAIL + 2, 0);
    driver_init(V1);
    assert_int_equal(rd(STATUS) & S_RESET, 0);
    assert_false(T.line);
}

static void test_bad_queue_setup_needs_reset(void **state)
{
    (void)state;
    wr(STATUS, S_ACK);
    wr(STATUS, S_ACK | S_DRV);
    wr(DRV_FEAT_S, 1);
    wr(DRV_FEAT, 1);
    wr(STATUS, S_ACK | S_DRV | S_FOK);
    /* A size that is no power of 2. */
    wr(QUEUE_NUM, 6);
    wr(Q_DESC_LO, (uint32_t)DESC);
    wr(Q_DRV_LO, (uint32_t)AVAIL);
    wr(Q_DEV_LO, (uint32_t)USED);
    wr(QUEUE_READY, 1);
    assert_int_equal(rd(QUEUE_READY), 0);
    assert_true(rd(STATUS) & S_RESET);
    /* After a reset: rings outside RAM, or above QueueNumMax, are refused
     * the same way. */
    wr(STATUS, 0);
    wr(STATUS, S_ACK | S_DRV);
    wr(DRV_FEAT_S, 1);
    wr(DRV_FEAT, 1);
    wr(STATUS, S_ACK | S_DRV | S_FOK);
    wr(QUEUE_NUM, 32);
    wr(Q_DESC_LO, (uint32_t)DESC);
    wr(Q_DRV_LO, (uint32_t)AVAIL);
    wr(Q_DEV_LO, (uint32_t)USED);
    wr(QUEUE_READY, 1);
    assert_int_equal(rd(QUEUE_READY), 0);
    assert_true(rd(STATUS) & S_RESET);
    wr(STATUS, 0);
    wr(STATUS, S_ACK | S_DRV);
    wr(DRV_FEAT_S, 1);
    wr(DRV_FEAT, 1);
    wr(STATUS, S_ACK | S_DRV | S_FOK);
    wr(QUEUE_NUM, 8);
    wr(Q_DESC_LO, 0x1000);
    wr(QUEUE_READY, 1);
    assert_int_equal(rd(QUEUE_READY), 0);
    assert_true(rd(STATUS) & S_RESET);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_identity_and_access_widths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feature_negotiation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_state_machine, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notify_used_interrupt_ack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_ring_needs_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_queue_setup_needs_reset, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
