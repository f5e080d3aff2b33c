/* Hello through the emulated PL011 (word stores: ISV=1 data aborts). */
#include "guest.h"

int main(void)
{
    put_str("hello from the AArch32 guest\n");
    uint32_t cpsr;
    __asm__ volatile("mrs %0, cpsr" : "=r"(cpsr));
    put_str("guest: cpsr ");
    put_hex(cpsr);
    put_str("\n");
    check("guest runs in SVC", (cpsr & 0x1f) == 0x13);
    return 0;
}
