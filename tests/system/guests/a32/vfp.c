/*
 * The guest's VFP/NEON state must survive exits: d0-d31 and FPSCR loaded
 * with patterns, a few HVC and MMIO exits, then compared.
 */
#include "guest.h"

void vfp_enable(void);
void vfp_load(const uint64_t *d, uint32_t fpscr);
uint32_t vfp_store(uint64_t *d); /* returns FPSCR */

__asm__(".arm\n\t.fpu neon-vfpv4\n"
        ".global vfp_enable\nvfp_enable:\n\t"
        "mrc p15, 0, r0, c1, c0, 2\n\t"
        "orr r0, r0, #(0xf << 20)\n\t" /* CPACR: cp10, cp11 full access */
        "mcr p15, 0, r0, c1, c0, 2\n\t"
        "isb\n\t"
        "mov r0, #(1 << 30)\n\t" /* FPEXC.EN */
        "vmsr fpexc, r0\n\t"
        "bx lr\n"
        ".global vfp_load\nvfp_load:\n\t"
        "vldmia r0!, {d0-d15}\n\t"
        "vldmia r0!, {d16-d31}\n\t"
        "vmsr fpscr, r1\n\t"
        "bx lr\n"
        ".global vfp_store\nvfp_store:\n\t"
        "vstmia r0!, {d0-d15}\n\t"
        "vstmia r0!, {d16-d31}\n\t"
        "vmrs r0, fpscr\n\t"
        "bx lr\n");

static uint64_t want[32], got[32];

int main(void)
{
    vfp_enable();
    for (unsigned i = 0; i < 32; i++)
        want[i] = 0x0101010101010101ull * (i + 1) ^ 0xa5a5000000005a5aull;
    /* RMode = round towards zero, FZ and DN set: bits the CPU keeps. */
    uint32_t fpscr_want = (3u << 22) | (1u << 24) | (1u << 25);
    vfp_load(want, fpscr_want);
    for (int i = 0; i < 4; i++)
        hvc_call(AV_HVC_PING, (uint32_t)i);
    put_str("vfp registers loaded, exits done\n");
    uint32_t fpscr = vfp_store(got);

    unsigned bad = 0;
    for (unsigned i = 0; i < 32; i++)
        if (got[i] != want[i])
            bad++;
    put_str("d registers changed: ");
    put_hex(bad);
    put_str(" fpscr ");
    put_hex(fpscr);
    put_str("\n");
    check("d0-d31 preserved across exits", bad == 0);
    check("FPSCR preserved across exits", (fpscr & fpscr_want) == fpscr_want);
    return 0;
}
