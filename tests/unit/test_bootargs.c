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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
