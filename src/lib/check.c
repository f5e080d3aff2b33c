/* CHECK's failure path (check.h). */
#include "lib/check.h"

#include "arch/arch.h"
#include "lib/log.h"

/* The halt status of a failed CHECK: distinct from a guest's exit codes. */
#define CHECK_HALT_STATUS 70

_Noreturn void check_failed(const char *file, int line, const char *expr)
{
    log_err("CHECK failed at %s:%d: %s\n", file, line, expr);
    arch_halt(CHECK_HALT_STATUS);
}
