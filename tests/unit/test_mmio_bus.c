/*
 * The MMIO bus: registration rules (overlap, zero size, wrap, full bus,
 * double registration), lookup, and dispatch (offset, size checks, accesses
 * straddling the end of a device, value masking).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/mmio.h"

/* A device that records the last access it got and answers reads with a
 * pattern derived from the offset. */
struct rec {
    struct mmio_dev dev;
    unsigned calls;
    struct mmio_access last;
    int result;
};

static int rec_access(struct mmio_dev *dev, struct mmio_access *acc)
{
    struct rec *r = dev->priv;
    r->calls++;
    r->last = *acc;
    if (!acc->write)
        acc->value = 0xa5a5a5a5a5a5a500ull | acc->offset;
    return r->result;
}

static const struct mmio_ops rec_ops = {.access = rec_access};

static void rec_init(struct rec *r, const char *name, ipa_t base, uint64_t size)
{
    *r =
        (struct rec){.dev = {.name = name, .base = base, .size = size, .ops = &rec_ops, .priv = r}};
}

static void test_register_rules(void **state)
{
    (void)state;
    struct mmio_bus bus;
    mmio_bus_init(&bus);
    struct rec a, b, c, d, z, w, top;
    rec_init(&a, "a", 0x1000, 0x1000);
    rec_init(&b, "b", 0x1800, 0x1000); /* overlaps a's upper half */
    rec_init(&c, "c", 0x0800, 0x0801); /* overlaps a's first byte */
    rec_init(&d, "d", 0x2000, 0x1000); /* touches a's end: fine */
    rec_init(&z, "z", 0x5000, 0);
    rec_init(&w, "w", ~0ull - 0xfff, 0x2000);     /* wraps past 2^64 */
    rec_init(&top, "top", ~0ull - 0xfff, 0x1000); /* ends exactly at 2^64 */

    assert_int_equal(mmio_bus_register(&bus, &a.dev), 0);
    assert_int_equal(mmio_bus_register(&bus, &b.dev), -1);
    assert_int_equal(mmio_bus_register(&bus, &c.dev), -1);
    assert_int_equal(mmio_bus_register(&bus, &d.dev), 0);
    assert_int_equal(mmio_bus_register(&bus, &z.dev), -1);
    assert_int_equal(mmio_bus_register(&bus, &w.dev), -1);
    assert_int_equal(mmio_bus_register(&bus, &top.dev), 0);
    assert_int_equal(mmio_bus_register(&bus, &a.dev), -1); /* twice */
    assert_int_equal(bus.ndevs, 3);

    struct mmio_dev nops = {.name = "noops", .base = 0x9000, .size = 0x10};
    assert_int_equal(mmio_bus_register(&bus, &nops), -1);

    /* Kept sorted by base whatever the registration order. */
    for (unsigned i = 1; i < bus.ndevs; i++)
        assert_true(bus.devs[i - 1]->base < bus.devs[i]->base);
}

static void test_bus_full(void **state)
{
    (void)state;
    struct mmio_bus bus;
    mmio_bus_init(&bus);
    static struct rec devs[MMIO_MAX_DEVICES + 1];
    /* Registered from the top down, so every insert shifts the list. */
    for (unsigned i = 0; i <= MMIO_MAX_DEVICES; i++) {
        unsigned k = MMIO_MAX_DEVICES - i;
        rec_init(&devs[k], "r", 0x10000 + k * 0x1000ull, 0x1000);
        int r = mmio_bus_register(&bus, &devs[k].dev);
        assert_int_equal(r, i < MMIO_MAX_DEVICES ? 0 : -1);
    }
    assert_int_equal(bus.ndevs, MMIO_MAX_DEVICES);
    for (unsigned i = 0; i < MMIO_MAX_DEVICES; i++)
        assert_ptr_equal(mmio_bus_find(&bus, 0x10000 + (i + 1) * 0x1000ull + 0x10),
                         &devs[i + 1].dev);
}

static void test_find(void **state)
{
    (void)state;
    struct mmio_bus bus;
    mmio_bus_init(&bus);
    struct rec a, d;
    rec_init(&d, "d", 0x9000000, 0x1000);
    rec_init(&a, "a", 0x8000000, 0x100);
    assert_int_equal(mmio_bus_register(&bus, &d.dev), 0);
    assert_int_equal(mmio_bus_register(&bus, &a.dev), 0);
    assert_ptr_equal(mmio_bus_find(&bus, 0x8000000), &a.dev);
    assert_ptr_equal(mmio_bus_find(&bus, 0x80000ff), &a.dev);
    assert_null(mmio_bus_find(&bus, 0x8000100));
    assert_null(mmio_bus_find(&bus, 0x7ffffff));
    assert_ptr_equal(mmio_bus_find(&bus, 0x9000fff), &d.dev);
    assert_null(mmio_bus_find(&bus, 0x9001000));
    assert_null(mmio_bus_find(&bus, 0));
}

static void test_dispatch(void **state)
{
    (void)state;
    struct mmio_bus bus;
    mmio_bus_init(&bus);
    struct rec a;
    rec_init(&a, "a", 0x9000000, 0x1000);
    assert_int_equal(mmio_bus_register(&bus, &a.dev), 0);

    /* Read: the device sees the offset, the caller its value. */
    struct mmio_access acc = {.size = 4};
    assert_int_equal(mmio_bus_dispatch(&bus, 0x9000018, &acc), MMIO_OK);
    assert_int_equal(a.calls, 1);
    assert_int_equal(a.last.offset, 0x18);
    assert_int_equal(acc.offset, 0x18);
    assert_false(a.last.write);
    /* Masked to the access size. */
    assert_int_equal(acc.value, 0xa5a5a518u);

    /* Write: upper bits beyond the size do not reach the device. */
    acc = (struct mmio_access){.size = 2, .write = true, .value = 0x123456789abcull};
    assert_int_equal(mmio_bus_dispatch(&bus, 0x9000ffe, &acc), MMIO_OK);
    assert_int_equal(a.last.value, 0x9abc);
    assert_int_equal(a.last.offset, 0xffe);

    /* Nothing there. */
    unsigned calls = a.calls;
    acc = (struct mmio_access){.size = 4};
    assert_int_equal(mmio_bus_dispatch(&bus, 0x9001000, &acc), MMIO_NO_DEVICE);
    /* Straddles the end of the device: refused without calling it. */
    acc = (struct mmio_access){.size = 4, .write = true};
    assert_int_equal(mmio_bus_dispatch(&bus, 0x9000ffe, &acc), MMIO_REFUSED);
    acc = (struct mmio_access){.size = 8};
    assert_int_equal(mmio_bus_dispatch(&bus, 0x9000ffc, &acc), MMIO_REFUSED);
    /* Sizes other than 1, 2, 4, 8. */
    acc = (struct mmio_access){.size = 3};
    assert_int_equal(mmio_bus_dispatch(&bus, 0x9000000, &acc), MMIO_REFUSED);
    acc = (struct mmio_access){.size = 16};
    assert_int_equal(mmio_bus_dispatch(&bus, 0x9000000, &acc), MMIO_REFUSED);
    assert_int_equal(a.calls, calls);

    /* A device's refusal, or any odd return value, is MMIO_REFUSED. */
    a.result = MMIO_REFUSED;
    acc = (struct mmio_access){.size = 1};
    assert_int_equal(mmio_bus_dispatch(&bus, 0x9000000, &acc), MMIO_REFUSED);
    a.result = 42;
    assert_int_equal(mmio_bus_dispatch(&bus, 0x9000000, &acc), MMIO_REFUSED);
    assert_int_equal(a.calls, calls + 2);
}

static void test_small_device(void **state)
{
    (void)state;
    struct mmio_bus bus;
    mmio_bus_init(&bus);
    struct rec a;
    rec_init(&a, "tiny", 0x100, 2);
    assert_int_equal(mmio_bus_register(&bus, &a.dev), 0);
    struct mmio_access acc = {.size = 4};
    assert_int_equal(mmio_bus_dispatch(&bus, 0x100, &acc), MMIO_REFUSED);
    acc = (struct mmio_access){.size = 2};
    assert_int_equal(mmio_bus_dispatch(&bus, 0x100, &acc), MMIO_OK);
    acc = (struct mmio_access){.size = 2};
    assert_int_equal(mmio_bus_dispatch(&bus, 0x101, &acc), MMIO_REFUSED);
    acc = (struct mmio_access){.size = 1};
    assert_int_equal(mmio_bus_dispatch(&bus, 0x101, &acc), MMIO_OK);
    assert_int_equal(a.calls, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_rules), cmocka_unit_test(test_bus_full),
        cmocka_unit_test(test_find),           cmocka_unit_test(test_dispatch),
        cmocka_unit_test(test_small_device),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
