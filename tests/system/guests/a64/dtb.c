/* The guest a VM package boots: with the Linux arm64 protocol x0 must be
 * the DTB tools/loader built (bootargs and RAM readable in it), x1-x3 zero
 * (booting.rst); built with -DBOOT_RAW_REGS (the raw protocol) x0-x3 must
 * all be zero. It says where it runs and at which offset it was entered,
 * so a test sees the load address and entry point were honoured. Linked
 * behind image_head.S. */
#include "guest.h"

#include "../dtb_walk.h"

extern uint64_t boot_x123[3], boot_entry_off;
extern char _head[];

int main(void)
{
    put_str("dtb: image at ");
    put_hex((uintptr_t)_head);
    put_str(", entered at offset ");
    put_hex(boot_entry_off);
    put_str("\n");
    check("x1-x3 are zero at entry", (boot_x123[0] | boot_x123[1] | boot_x123[2]) == 0);
#ifdef BOOT_RAW_REGS
    put_str("dtb guest (A64, raw protocol)\n");
    check("x0 is zero at entry (raw protocol)", boot_x0 == 0);
#else
    put_str("dtb guest (A64, Linux arm64 protocol)\n");
    dtb_report((uintptr_t)boot_x0, "x0");
#endif
    return 0;
}
