/*
 * CHECK(cond): an invariant that only a bug in armvisor can break (never
 * something a guest or a user controls: those get a defined outcome). When it
 * fails, armvisor says where and stops the machine; it does not limp on with
 * state it no longer understands (in the way of Hafnium's CHECK).
 */
#ifndef LIB_CHECK_H
#define LIB_CHECK_H

_Noreturn void check_failed(const char *file, int line, const char *expr);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            check_failed(__FILE__, __LINE__, #cond);                                               \
    } while (0)

#endif
