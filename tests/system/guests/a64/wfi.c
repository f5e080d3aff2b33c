/* WFI and WFE are trapped (HCR_EL2.TWI/TWE) and must return: there is no
 * interrupt to wait for, and the machine must not hang. */
#include "guest.h"

int main(void)
{
    for (int i = 0; i < 3; i++)
        __asm__ volatile("dsb sy\n\twfi" ::: "memory");
    put_str("guest: wfi returned\n");
    __asm__ volatile("wfe" ::: "memory");
    put_str("guest: wfe returned\n");
    return 0;
}
