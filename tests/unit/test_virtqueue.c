/*
 * Split virtqueues (src/vdev/virtqueue.c) against a sim VM's RAM: a well
 * formed chain is handed out with its buffers and comes back in the used
 * ring; every malformed ring of Virtio 1.2 2.7 that a hostile driver can
 * write is caught without touching anything outside the VM's RAM:
 *  - a buffer outside RAM, an address + length that wraps, a loop, an
 *    indirect table that is nested, not negotiated, combined with NEXT or
 *    of a bad length, a readable buffer after a writable one: that request
 *    fails (VIRTQ_BAD_CHAIN), the queue goes on;
 *  - an avail index more than the queue size ahead, a head outside the
 *    table: the queue is broken (VIRTQ_BROKEN) and stays so;
 *  - rings misaligned, outside RAM, a size that is not a power of 2: refused
 *    at set-up.
 * Plus the notification suppression of 2.7.7 / 2.7.10 (flags and EVENT_IDX).
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
#include "vdev/virtqueue.h"

#define RAM   VIRT_RAM_BASE
#define DESC  (RAM + 0x1000)
#define AVAIL (RAM + 0x2000)
#define USED  (RAM + 0x3000)
#define BUF   (RAM + 0x8000)
#define QSIZE 8

static struct {
    struct vm *vm;
    struct virtq_mem mem;
    struct virtq vq;
    uint16_t avail_idx;
} T;

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

static void desc_at(ipa_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                    uint16_t next)
{
    uint8_t d[16];
    for (unsigned k = 0; k < 8; k++)
        d[k] = (uint8_t)(addr >> (8 * k));
    for (unsigned k = 0; k < 4; k++)
        d[8 + k] = (uint8_t)(len >> (8 * k));
    d[12] = (uint8_t)flags;
    d[13] = (uint8_t)(flags >> 8);
    d[14] = (uint8_t)next;
    d[15] = (uint8_t)(next >> 8);
    assert_true(vm_copy_to_guest(T.vm, table + 16ull * i, d, 16));
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    desc_at(DESC, i, addr, len, flags, next);
}

/* The driver makes chain head available. */
static void offer(uint16_t head)
{
    put16(AVAIL + 4 + 2 * (T.avail_idx % QSIZE), head);
    T.avail_idx++;
    put16(AVAIL + 2, T.avail_idx);
}

static void setup_q(bool indirect, bool event_idx)
{
    T.vm = unit_vm_create("vq", SIM_ARMV8, 1);
    virtio_guest_mem(&T.mem, T.vm);
    T.avail_idx = 0;
    assert_true(virtq_init(&T.vq, &T.mem, QSIZE, DESC, AVAIL, USED, indirect, event_idx));
}

static int teardown(void **state)
{
    (void)state;
    unit_vm_destroy(&T.vm);
    return 0;
}

static void test_good_chain_round_trip(void **state)
{
    (void)state;
    setup_q(false, false);
    struct virtq_chain c;
    assert_int_equal(virtq_pop(&T.vq, &c), VIRTQ_EMPTY);

    assert_true(vm_copy_to_guest(T.vm, BUF, "request!", 8));
    desc(3, BUF, 8, VIRTQ_DESC_F_NEXT, 5);
    desc(5, BUF + 0x100, 16, VIRTQ_DESC_F_WRITE, 0);
    offer(3);
    assert_int_equal(virtq_pop(&T.vq, &c), VIRTQ_OK);
    assert_int_equal(c.head, 3);
    assert_int_equal(c.nseg, 2);
    assert_int_equal(c.out_len, 8);
    assert_int_equal(c.in_len, 16);
    char got[9] = {0};
    assert_int_equal(virtq_chain_read(&T.vq, &c, 0, got, 8), 8);
    assert_string_equal(got, "request!");
    assert_int_equal(virtq_chain_write(&T.vq, &c, 4, "OK", 2), 2);
    assert_int_equal(virtq_chain_write(&T.vq, &c, 15, "xy", 2), 1); /* ends with the chain */

    assert_true(virtq_push(&T.vq, c.head, 6));
    assert_int_equal(get32(USED + 4), 3);     /* used->ring[0].id */
    assert_int_equal(get32(USED + 8), 6);     /* .len */
    assert_int_equal(get32(USED) >> 16, 1);   /* used->idx */
    assert_true(virtq_should_notify(&T.vq));  /* flags 0: wanted */
    assert_false(virtq_should_notify(&T.vq)); /* nothing new since */
    assert_int_equal(virtq_pop(&T.vq, &c), VIRTQ_EMPTY);

    /* VIRTQ_AVAIL_F_NO_INTERRUPT: no interrupt for the next one. */
    put16(AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
    offer(3);
    assert_int_equal(virtq_pop(&T.vq, &c), VIRTQ_OK);
    assert_true(virtq_push(&T.vq, c.head, 0));
    assert_false(virtq_should_notify(&T.vq));
}

/* Each malformed chain fails alone; a good one after it still works. */
static void expect_bad_then_good(uint16_t head)
{
    struct virtq_chain c;
    offer(head);
    assert_int_equal(virtq_pop(&T.vq, &c), VIRTQ_BAD_CHAIN);
    assert_int_equal(c.head, head);
    assert_int_equal(c.nseg, 0);
    assert_true(virtq_push(&T.vq, c.head, 0));
    desc(7, BUF, 4, 0, 0);
    offer(7);
    assert_int_equal(virtq_pop(&T.vq, &c), VIRTQ_OK);
    assert_int_equal(c.head, 7);
    assert_true(virtq_push(&T.vq, c.head, 0));
    assert_false(T.vq.broken);
}

static void test_bad_chains_fail_alone(void **state)
{
    (void)state;
    setup_q(false, false);
    /* A buffer outside RAM (just past its end, and far away). */
    desc(0, RAM + (1u << 20) - 8, 16, 0, 0);
    expect_bad_then_good(0);
    desc(0, 0x1000, 16, VIRTQ_DESC_F_WRITE, 0);
    expect_bad_then_good(0);
    /* An address + length that wraps around 2^64. */
    desc(0, 0xfffffffffffffff0ull, 0x100, 0, 0);
    expect_bad_then_good(0);
    /* A loop: 1 -> 2 -> 1. */
    desc(1, BUF, 4, VIRTQ_DESC_F_NEXT, 2);
    desc(2, BUF, 4, VIRTQ_DESC_F_NEXT, 1);
    expect_bad_then_good(1);
    /* A next index outside the table. */
    desc(1, BUF, 4, VIRTQ_DESC_F_NEXT, QSIZE);
    expect_bad_then_good(1);
    /* Readable after writable (2.7.4.2). */
    desc(1, BUF, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    desc(2, BUF, 4, 0, 0);
    expect_bad_then_good(1);
    /* An indirect table when VIRTIO_F_INDIRECT_DESC was not negotiated. */
    desc_at(BUF + 0x1000, 0, BUF, 4, 0, 0);
    desc(1, BUF + 0x1000, 16, VIRTQ_DESC_F_INDIRECT, 0);
    expect_bad_then_good(1);
}

static void test_indirect_tables(void **state)
{
    (void)state;
    setup_q(true, false);
    struct virtq_chain c;
    ipa_t table = BUF + 0x1000;
    /* A good one: a readable and a writable buffer. */
    desc_at(table, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
    desc_at(table, 1, BUF + 0x100, 32, VIRTQ_DESC_F_WRITE, 0);
    desc(4, table, 32, VIRTQ_DESC_F_INDIRECT, 0);
    offer(4);
    assert_int_equal(virtq_pop(&T.vq, &c), VIRTQ_OK);
    assert_int_equal(c.nseg, 2);
    assert_int_equal(c.out_len, 8);
    assert_int_equal(c.in_len, 32);
    assert_true(virtq_push(&T.vq, c.head, 32));

    /* Nested: a table whose entry is itself a table. */
    desc_at(table, 0, table, 16, VIRTQ_DESC_F_INDIRECT, 0);
    desc(4, table, 16, VIRTQ_DESC_F_INDIRECT, 0);
    expect_bad_then_good(4);
    /* INDIRECT together with NEXT. */
    desc_at(table, 0, BUF, 8, 0, 0);
    desc(4, table, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 5);
    expect_bad_then_good(4);
    /* A length that is no multiple of 16, and zero. */
    desc(4, table, 24, VIRTQ_DESC_F_INDIRECT, 0);
    expect_bad_then_good(4);
    desc(4, table, 0, VIRTQ_DESC_F_INDIRECT, 0);
    expect_bad_then_good(4);
    /* A loop inside the table. */
    desc_at(table, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
    desc_at(table, 1, BUF, 8, VIRTQ_DESC_F_NEXT, 0);
    desc(4, table, 32, VIRTQ_DESC_F_INDIRECT, 0);
    expect_bad_then_good(4);
    /* The table itself outside RAM. */
    desc(4, RAM + (1u << 20) - 16, 32, VIRTQ_DESC_F_INDIRECT, 0);
    expect_bad_then_good(4);
}

static void test_broken_rings(void **state)
{
    (void)state;
    setup_q(false, false);
    struct virtq_chain c;
    /* An avail index more than the queue size ahead of ours. */
    put16(AVAIL + 2, QSIZE + 1);
    assert_int_equal(virtq_pop(&T.vq, &c), VIRTQ_BROKEN);
    assert_true(T.vq.broken);
    /* Broken stays broken, even once the index looks sane again. */
    put16(AVAIL + 2, 1);
    assert_int_equal(virtq_pop(&T.vq, &c), VIRTQ_BROKEN);
    assert_false(virtq_push(&T.vq, 0, 0));
    teardown(NULL);

    /* A head outside the descriptor table. */
    setup_q(false, false);
    offer(QSIZE);
    assert_int_equal(virtq_pop(&T.vq, &c), VIRTQ_BROKEN);
    teardown(NULL);

    /* Exactly the queue size ahead is allowed (a full ring). */
    setup_q(false, false);
    for (unsigned i = 0; i < QSIZE; i++) {
        desc(i, BUF, 4, 0, 0);
        offer((uint16_t)i);
    }
    for (unsigned i = 0; i < QSIZE; i++) {
        assert_int_equal(virtq_pop(&T.vq, &c), VIRTQ_OK);
        assert_int_equal(c.head, i);
    }
    assert_int_equal(virtq_pop(&T.vq, &c), VIRTQ_EMPTY);
}

static void test_init_refusals(void **state)
{
    (void)state;
    setup_q(false, false);
    struct virtq q;
    assert_false(virtq_init(&q, &T.mem, 6, DESC, AVAIL, USED, false, false)); /* not 2^n */
    assert_false(virtq_init(&q, &T.mem, 0, DESC, AVAIL, USED, false, false));
    assert_false(virtq_init(&q, &T.mem, 8, DESC + 8, AVAIL, USED, false, false)); /* align 16 */
    assert_false(virtq_init(&q, &T.mem, 8, DESC, AVAIL + 1, USED, false, false)); /* align 2 */
    assert_false(virtq_init(&q, &T.mem, 8, DESC, AVAIL, USED + 2, false, false)); /* align 4 */
    assert_false(virtq_init(&q, &T.mem, 8, DESC, AVAIL, RAM + (1u << 20) - 16, false, false));
    assert_false(virtq_init(&q, &T.mem, 8, 0x1000, AVAIL, USED, false, false));
    /* 32768 descriptors (512 KiB) fit in the 1 MiB of RAM; the rings after. */
    assert_true(virtq_init(&q, &T.mem, 32768, RAM, RAM + 0x80000, RAM + 0x90000, false, false));
    /* A refused queue takes nothing. */
    struct virtq_chain c;
    assert_false(virtq_init(&q, &T.mem, 6, DESC, AVAIL, USED, false, false));
    assert_int_equal(virtq_pop(&q, &c), VIRTQ_BROKEN);
}

static void test_event_idx(void **state)
{
    (void)state;
    setup_q(false, true);
    struct virtq_chain c;
    desc(0, BUF, 4, 0, 0);
    /* used_event = 1: no interrupt for used->idx 1, one when it reaches 2. */
    put16(AVAIL + 4 + 2 * QSIZE, 1);
    offer(0);
    offer(0);
    assert_int_equal(virtq_pop(&T.vq, &c), VIRTQ_OK);
    /* avail_event follows what the device has taken (2.7.10). */
    assert_int_equal(get32(USED + 4 + 8 * QSIZE) & 0xffff, 1);
    assert_true(virtq_push(&T.vq, c.head, 0));
    assert_false(virtq_should_notify(&T.vq));
    assert_int_equal(virtq_pop(&T.vq, &c), VIRTQ_OK);
    assert_true(virtq_push(&T.vq, c.head, 0));
    assert_true(virtq_should_notify(&T.vq));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_good_chain_round_trip, teardown),
        cmocka_unit_test_teardown(test_bad_chains_fail_alone, teardown),
        cmocka_unit_test_teardown(test_indirect_tables, teardown),
        cmocka_unit_test_teardown(test_broken_rings, teardown),
        cmocka_unit_test_teardown(test_init_refusals, teardown),
        cmocka_unit_test_teardown(test_event_idx, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
