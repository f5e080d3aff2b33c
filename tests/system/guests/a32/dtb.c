/* The guest a VM package boots with the Linux arm protocol: r0 = 0,
 * r1 = ~0 (no machine type: DT only), r2 = the DTB tools/loader built,
 * with bootargs and RAM readable in it (arm booting.rst). Linked behind
 * dtb_entry.S. */
#include "guest.h"

#include "../dtb_walk.h"

extern uint32_t boot_r012[3];

int main(void)
{
    put_str("dtb guest (A32, Linux arm protocol)\n");
    check("r0 is zero at entry", boot_r012[0] == 0);
    check("r1 is ~0 (DT only) at entry", boot_r012[1] == 0xffffffffu);
    dtb_report((uintptr_t)boot_r012[2], "r2");
    return 0;
}
