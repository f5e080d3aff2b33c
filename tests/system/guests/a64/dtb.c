/* The guest a VM package boots with the Linux arm64 protocol: x0 must be
 * the DTB tools/loader built (bootargs and RAM readable in it), x1-x3 zero
 * (booting.rst). Linked behind image_head.S. */
#include "guest.h"

#include "../dtb_walk.h"

extern uint64_t boot_x123[3];

int main(void)
{
    put_str("dtb guest (A64, Linux arm64 protocol)\n");
    check("x1-x3 are zero at entry", (boot_x123[0] | boot_x123[1] | boot_x123[2]) == 0);
    dtb_report((uintptr_t)boot_x0, "x0");
    return 0;
}
