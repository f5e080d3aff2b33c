/* WFI and WFE trap to armvisor and must come back (no interrupt source can
 * wake the vCPU yet; the hypervisor resumes it). */
#include "guest.h"

int main(void)
{
    for (int i = 0; i < 3; i++)
        __asm__ volatile("wfi" ::: "memory");
    put_str("guest: wfi returned\n");
    __asm__ volatile("wfe" ::: "memory");
    put_str("guest: wfe returned\n");
    return 0;
}
