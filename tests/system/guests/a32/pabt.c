/* A branch to an IPA nothing backs: armvisor must refuse the fetch with a
 * prefetch abort injected into the guest (IFSR/IFAR set, the guest's VBAR
 * handler runs), and the guest returns to the caller and goes on. */
#include "guest.h"

#define HOLE          0x20000000u
#define IFSR_FS_MASK  0x40fu
#define IFSR_EXT_SYNC 0x008u

int main(void)
{
    pabt_return_to_caller = 1;
    void (*fn)(void) = (void (*)(void))HOLE;
    fn();
    put_str("guest: back from the aborted call\n");
    check("prefetch abort IFSR is sync external abort",
          (last_ifsr & IFSR_FS_MASK) == IFSR_EXT_SYNC);
    check("prefetch abort IFAR", last_ifar == HOLE);
    return 0;
}
