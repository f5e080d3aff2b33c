/* The guest a VM package boots: with the Linux arm protocol r0 = 0,
 * r1 = ~0 (no machine type: DT only), r2 = the DTB tools/loader built, with
 * bootargs and RAM readable in it (arm booting.rst); built with
 * -DBOOT_RAW_REGS (the raw protocol) r0-r2 must all be zero. It says where
 * it runs and at which offset it was entered, so a test sees the load
 * address and entry point were honoured. Linked behind dtb_entry.S. */
#include "guest.h"

#include "../dtb_walk.h"

extern uint32_t boot_r012[4];
extern char _dtb_entry[];

int main(void)
{
    put_str("dtb: image at ");
    put_hex((uint32_t)(uintptr_t)_dtb_entry);
    put_str(", entered at offset ");
    put_hex(boot_r012[3]);
    put_str("\n");
    check("r0 is zero at entry", boot_r012[0] == 0);
#ifdef BOOT_RAW_REGS
    put_str("dtb guest (A32, raw protocol)\n");
    check("r1 and r2 are zero at entry (raw protocol)", (boot_r012[1] | boot_r012[2]) == 0);
#else
    put_str("dtb guest (A32, Linux arm protocol)\n");
    check("r1 is ~0 (DT only) at entry", boot_r012[1] == 0xffffffffu);
    dtb_report((uintptr_t)boot_r012[2], "r2");
#endif
    return 0;
}
