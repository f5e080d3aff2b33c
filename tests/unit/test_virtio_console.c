/*
 * virtio-console (src/vdev/virtio_console.c) on a sim VM whose board gives
 * it one (vm->console VM_CONSOLE_VIRTIO), driven as Linux's virtio_console
 * driver does with one port: a line each way.
 *  - transmitq: the driver's bytes reach the hypervisor console in order,
 *    the buffers come back used, the driver is interrupted;
 *  - receiveq: what is typed (sim_console_input, the console interrupt)
 *    lands in the buffers the driver posted, one byte each, Ctrl-C as is;
 *    typed before any buffer is posted, it waits and arrives once the
 *    driver posts and notifies; a buffer with no writable part is returned
 *    empty and the byte goes to the next;
 *  - the VM's PL011 gets none of it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/board.h"
#include "core/console_in.h"
#include "core/vgic.h"
#include "core/virt_layout.h"
#include "core/vm.h"
#include "helpers/unit_vm.h"
#include "vdev/virtio_console.h"

#define BASE VIRT_VIRTIO_BASE
#define RAM  VIRT_RAM_BASE
#define QN   8
/* Queue q's rings and buffers. */
#define DESC(q)  (RAM + 0x10000 + 0x4000ull * (q))
#define AVAIL(q) (DESC(q) + 0x1000)
#define USED(q)  (DESC(q) + 0x2000)
#define BUF(q)   (DESC(q) + 0x3000)

static struct {
    struct vm *vm;
    struct virtio_console *vc;
    bool line;
    uint16_t avail[2];
} T;

static void line_set(void *ctx, bool level)
{
    (void)ctx;
    T.line = level;
}

static void wr(uint64_t off, uint32_t v)
{
    struct mmio_access a = {.size = 4, .write = true, .value = v};
    assert_int_equal(mmio_bus_dispatch(&T.vm->mmio, BASE + off, &a), MMIO_OK);
}

static uint32_t rd(uint64_t off)
{
    struct mmio_access a = {.size = 4};
    assert_int_equal(mmio_bus_dispatch(&T.vm->mmio, BASE + off, &a), MMIO_OK);
    return (uint32_t)a.value;
}

static void put16(ipa_t a, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    assert_true(vm_copy_to_guest(T.vm, a, b, 2));
}

static uint32_t get32(ipa_t a)
{
    uint8_t b[4];
    assert_true(vm_copy_from_guest(T.vm, b, a, 4));
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void post(unsigned q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags)
{
    uint8_t d[16] = {0};
    for (unsigned k = 0; k < 8; k++)
        d[k] = (uint8_t)(addr >> (8 * k));
    for (unsigned k = 0; k < 4; k++)
        d[8 + k] = (uint8_t)(len >> (8 * k));
    d[12] = (uint8_t)flags;
    assert_true(vm_copy_to_guest(T.vm, DESC(q) + 16ull * i, d, 16));
    put16(AVAIL(q) + 4 + 2 * (T.avail[q] % QN), (uint16_t)i);
    T.avail[q]++;
    put16(AVAIL(q) + 2, T.avail[q]);
}

static int setup(void **state)
{
    (void)state;
    memset(&T, 0, sizeof(T));
    T.vm = unit_vm_create("vcon", SIM_ARMV8, 1);
    T.vm->console = VM_CONSOLE_VIRTIO;
    assert_int_equal(board_add_devices(T.vm), 0);
    assert_ptr_equal(console_in_owner(), T.vm);
    struct mmio_dev *dev = mmio_bus_find(&T.vm->mmio, BASE);
    assert_non_null(dev);
    struct virtio_mmio *vd = dev->priv;
    T.vc = vd->priv;
    vd->irq_set = line_set;

    /* The driver's start (3.1.1) with both queues of port 0. */
    assert_int_equal(rd(0x008), VIRTIO_ID_CONSOLE);
    wr(0x070, 1);
    wr(0x070, 3);
    wr(0x024, 1);
    wr(0x020, 1); /* VIRTIO_F_VERSION_1 */
    wr(0x070, 11);
    for (unsigned q = 0; q < 2; q++) {
        wr(0x030, q);
        wr(0x038, QN);
        wr(0x080, (uint32_t)DESC(q));
        wr(0x090, (uint32_t)AVAIL(q));
        wr(0x0a0, (uint32_t)USED(q));
        wr(0x044, 1);
    }
    wr(0x070, 15);
    assert_int_equal(rd(0x070), 15);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unit_vm_destroy(&T.vm);
    return 0;
}

static void test_transmit_line(void **state)
{
    (void)state;
    sim_console_clear();
    assert_true(vm_copy_to_guest(T.vm, BUF(1), "hello from hvc0\n", 16));
    post(1, 0, BUF(1), 6, 0);
    post(1, 1, BUF(1) + 6, 10, 0);
    wr(0x050, VIRTIO_CONSOLE_TRANSMITQ);
    /* marked as the VM's, as the PL011's output is (vdev/board.c) */
    assert_string_equal(sim_console_text(), "vcon| hello from hvc0\n");
    assert_int_equal(get32(USED(1)) >> 16, 2); /* both returned */
    assert_true(T.line);
    assert_int_equal(rd(0x060), VIRTIO_MMIO_INT_VRING);
    wr(0x064, VIRTIO_MMIO_INT_VRING);
    assert_false(T.line);
}

static void test_receive_typed_bytes(void **state)
{
    (void)state;
    /* Typed before the driver posted anything: it waits. */
    sim_console_input("ok\x03", 3);
    host_irq_handle(NULL);
    assert_false(T.line);
    assert_int_equal(get32(USED(0)) >> 16, 0);

    /* A buffer with no writable part first: returned empty, skipped. */
    post(0, 0, BUF(0), 16, 0);
    for (unsigned i = 1; i < 5; i++)
        post(0, i, BUF(0) + 0x100 * i, 64, VIRTQ_DESC_F_WRITE);
    wr(0x050, VIRTIO_CONSOLE_RECEIVEQ); /* the driver notifies: input flows */
    assert_int_equal(get32(USED(0)) >> 16, 4);
    assert_int_equal(get32(USED(0) + 4), 0); /* ring[0]: the bad buffer, len 0 */
    assert_int_equal(get32(USED(0) + 8), 0);
    const char want[] = "ok\x03";
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(get32(USED(0) + 4 + 8 * (i + 1)), i + 1); /* id */
        assert_int_equal(get32(USED(0) + 8 + 8 * (i + 1)), 1);     /* len */
        uint8_t b;
        assert_true(vm_copy_from_guest(T.vm, &b, BUF(0) + 0x100 * (i + 1), 1));
        assert_int_equal(b, (uint8_t)want[i]);
    }
    assert_true(T.line);

    /* Typed while a buffer is posted: straight in. */
    sim_console_input("z", 1);
    host_irq_handle(NULL);
    assert_int_equal(get32(USED(0)) >> 16, 5);
    uint8_t b;
    assert_true(vm_copy_from_guest(T.vm, &b, BUF(0) + 0x400, 1));
    assert_int_equal(b, 'z');

    /* The PL011 got none of it, even with its receiver on. */
    struct mmio_access a = {.size = 4, .write = true, .value = 0x301};
    assert_int_equal(mmio_bus_dispatch(&T.vm->mmio, VIRT_PL011_BASE + 0x30, &a), MMIO_OK);
    a = (struct mmio_access){.size = 4};
    assert_int_equal(mmio_bus_dispatch(&T.vm->mmio, VIRT_PL011_BASE + 0x18, &a), MMIO_OK);
    assert_true(a.value & (1u << 4)); /* RXFE */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_transmit_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_receive_typed_bytes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
