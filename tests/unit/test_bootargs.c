/* The boot command-line word lookup (lib/bootargs.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/bootargs.h"

static void test_words(void **state)
{
    (void)state;
    const char *args = "console=ttyAMA0  armvisor.guest=a32 armvisor.el2_fault_test";
    assert_true(bootargs_has(args, "armvisor.guest=a32"));
    assert_true(bootargs_has(args, "console=ttyAMA0"));
    assert_true(bootargs_has(args, "armvisor.el2_fault_test"));
    /* Only whole words: no prefixes, no suffixes. */
    assert_false(bootargs_has(args, "armvisor.guest"));
    assert_false(bootargs_has(args, "armvisor.el2_fault"));
    assert_false(bootargs_has(args, "guest=a32"));
    assert_false(bootargs_has("armvisor.guest=a32x", "armvisor.guest=a32"));
}

static void test_empty(void **state)
{
    (void)state;
    assert_false(bootargs_has(NULL, "x"));
    assert_false(bootargs_has("", "x"));
    assert_false(bootargs_has("   ", "x"));
    assert_false(bootargs_has("x", ""));
}

static void test_value(void **state)
{
    (void)state;
    size_t len = 99;
    const char *args = "a=1 armvisor.verdictx=no armvisor.verdict=abc123  b=";
    const char *v = bootargs_value(args, "armvisor.verdict", &len);
    assert_non_null(v);
    assert_int_equal(len, 6);
    assert_memory_equal(v, "abc123", 6);
    v = bootargs_value(args, "b", &len);
    assert_non_null(v);
    assert_int_equal(len, 0);
    assert_null(bootargs_value(args, "armvisor", &len));
    assert_null(bootargs_value(args, "verdict", &len));
    assert_null(bootargs_value(NULL, "a", &len));
    assert_null(bootargs_value("a", "a", &len)); /* no '=' */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
