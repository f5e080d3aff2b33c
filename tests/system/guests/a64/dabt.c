/* Loads and stores to an IPA nothing backs: armvisor must refuse them with
 * a synchronous external abort injected into the guest (ESR_EL1 EC 0x25,
 * DFSC 0x10, WnR; FAR_EL1 the address; the guest's VBAR_EL1 handler runs)
 * and keep running. */
#include "guest.h"

#define HOLE 0x20000000ul /* below RAM, no device */

int main(void)
{
    volatile uint32_t *p = (volatile uint32_t *)HOLE;
    uint32_t v = *p;
    (void)v;
    check("load abort taken", dabt_count == 1);
    check("load ESR is a sync external abort, read",
          ESR_EC(last_esr) == EC_DABT_CUR && ESR_DFSC(last_esr) == FSC_SYNC_EXT &&
              !(last_esr & ESR_WNR) && (last_esr & ESR_IL));
    check("load FAR", last_far == HOLE);

    p[1] = 0x55;
    check("store abort taken", dabt_count == 2);
    check("store ESR is a sync external abort, write", ESR_EC(last_esr) == EC_DABT_CUR &&
                                                           ESR_DFSC(last_esr) == FSC_SYNC_EXT &&
                                                           (last_esr & ESR_WNR));
    check("store FAR", last_far == HOLE + 4);

    put_str("guest: still running after the aborts\n");
    return 0;
}
