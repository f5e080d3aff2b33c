/* Loads and stores to an IPA nothing backs: armvisor must refuse them with
 * a synchronous external abort injected into the guest (DFSR/DFAR set, the
 * guest's VBAR handler runs) and keep running. */
#include "guest.h"

#define HOLE 0x20000000u /* below RAM, no device */

/* Short-descriptor DFSR (TTBCR.EAE = 0, the reset value): FS 0b01000 is a
 * synchronous external abort; bit 11 WnR. */
#define DFSR_FS_MASK  0x40fu
#define DFSR_EXT_SYNC 0x008u
#define DFSR_WNR      (1u << 11)

int main(void)
{
    volatile uint32_t *p = (volatile uint32_t *)HOLE;
    uint32_t v = *p;
    (void)v;
    check("load abort taken", dabt_count == 1);
    check("load DFSR is sync external abort, read",
          (last_dfsr & DFSR_FS_MASK) == DFSR_EXT_SYNC && !(last_dfsr & DFSR_WNR));
    check("load DFAR", last_dfar == HOLE);

    p[1] = 0x55;
    check("store abort taken", dabt_count == 2);
    check("store DFSR is sync external abort, write",
          (last_dfsr & DFSR_FS_MASK) == DFSR_EXT_SYNC && (last_dfsr & DFSR_WNR));
    check("store DFAR", last_dfar == HOLE + 4);

    put_str("guest: still running after the aborts\n");
    return 0;
}
