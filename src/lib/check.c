/* CHECK's failure path (check.h). */
#include "lib/check.h"

#include "arch/arch.h"
#include "lib/log.h"

_Noreturn void check_failed(const char *file, int line, const char *expr)
{
    log_err("CHECK failed at %s:%d: %s\n", file, line, expr);
    arch_halt(HALT_BUG);
}
