/* How every fuzz target reports a broken invariant: a crash
 * (__builtin_trap), so libFuzzer records the input. */
#ifndef TESTS_FUZZ_FUZZ_TRAP_H
#define TESTS_FUZZ_FUZZ_TRAP_H

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c))                                                                                  \
            __builtin_trap();                                                                      \
    } while (0)

#endif
