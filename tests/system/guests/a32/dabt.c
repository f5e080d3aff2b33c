/* Loads and stores to an IPA nothing backs: armvisor must refuse them with
 * a synchronous external abort injected into the guest (DFSR/DFAR set, the
 * guest's VBAR handler runs) and keep running. */
#include "guest.h"

#define HOLE 0x20000000u /* below RAM, no device */

/* Short-descriptor DFSR (TTBCR.EAE = 0, the reset value): FS 0b01000 is a
 * synchronous external abort; bit 11 WnR. */
#define DFSR_FS_MASK     0x40fu
#define DFSR_EXT_SYNC    0x008u
#define DFSR_WNR         (1u << 11)
#define DFSR_LPAE        (1u << 9)
#define DFSR_STATUS_MASK 0x3fu
#define DFSR_LD_EXT_SYNC 0x10u

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

    /* With TTBCR.EAE set the fault status is in the long format (B4.1.52):
     * LPAE bit 9, STATUS[5:0] 0b010000 = synchronous external abort. */
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 2\n\tisb" ::"r"(1u << 31) : "memory");
    v = p[2];
    (void)v;
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 2\n\tisb" ::"r"(0) : "memory");
    check("LPAE-format abort taken", dabt_count == 3);
    check("LPAE-format DFSR is sync external abort, read",
          (last_dfsr & (DFSR_LPAE | DFSR_STATUS_MASK | DFSR_WNR)) ==
              (DFSR_LPAE | DFSR_LD_EXT_SYNC));
    check("LPAE-format DFAR", last_dfar == HOLE + 8);

    put_str("guest: still running after the aborts\n");
    return 0;
}
