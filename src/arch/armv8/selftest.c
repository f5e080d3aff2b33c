/*
 * Boot-time self-tests of the EL2 map, asked for on the command line
 * (QEMU -append): armvisor.el2_fault_test reads an address the EL2 map
 * leaves out, armvisor.el2_wx_test writes to our own read-only text; both
 * must end in the EL2 exception report (trap.c).
 */
#include "arch/armv8/armv8.h"
#include "lib/bootargs.h"
#include "lib/log.h"

#define EL2_FAULT_TEST_ARG "armvisor.el2_fault_test"
#define EL2_WX_TEST_ARG    "armvisor.el2_wx_test"
/* Unmapped in the EL2 map: above 4 GiB and not RAM (mmu.c). */
#define EL2_FAULT_TEST_VA 0x8000000000ull

void armv8_el2_selftests(const char *bootargs)
{
    if (bootargs_has(bootargs, EL2_WX_TEST_ARG)) {
        /* W^X: our own text is read-only at EL2 (mmu.c). */
        volatile uint32_t *text = (volatile uint32_t *)(uintptr_t)__text_start;
        log_info("%s: writing to text at 0x%llx\n", EL2_WX_TEST_ARG,
                 (unsigned long long)(uintptr_t)text);
        text[0] = text[0];
        log_err("%s: the write did not fault\n", EL2_WX_TEST_ARG);
    }
    if (!bootargs_has(bootargs, EL2_FAULT_TEST_ARG))
        return;
    log_info("%s: reading 0x%llx at EL2\n", EL2_FAULT_TEST_ARG,
             (unsigned long long)EL2_FAULT_TEST_VA);
    (void)*(volatile uint64_t *)(uintptr_t)EL2_FAULT_TEST_VA;
    log_err("%s: the read did not fault\n", EL2_FAULT_TEST_ARG);
}
