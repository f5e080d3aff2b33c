/*
 * The Generic Timer as armvisor sets it up for a guest: the virtual counter
 * runs, offset by CNTVOFF (so it started near zero, below the physical
 * count); the physical counter is readable (CNTHCTL.PL1PCTEN); the physical
 * timer traps (CNTHCTL.PL1PCEN clear) and is emulated (core/ptimer.c, the
 * ptimer guest): no UNDEF; CNTV_CTL/CVAL keep their values across exits.
 */
#include "guest.h"

static uint64_t read_cntvct(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrrc p15, 1, %Q0, %R0, c14" : "=r"(v));
    return v;
}

static uint64_t read_cntpct(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrrc p15, 0, %Q0, %R0, c14" : "=r"(v));
    return v;
}

int main(void)
{
    uint64_t v1 = read_cntvct();
    uint64_t p1 = read_cntpct();
    for (int i = 0; i < 3; i++)
        hvc_call(AV_HVC_PING, 0);
    uint64_t v2 = read_cntvct();
    put_str("cntvct ");
    put_hex64(v1);
    put_str(" -> ");
    put_hex64(v2);
    put_str(", cntpct ");
    put_hex64(p1);
    put_str("\n");
    check("virtual counter advances", v2 > v1);
    check("virtual counter is offset below the physical one", v1 < p1);

    /* CNTV_CVAL / CNTV_CTL (enabled, masked) survive exits. */
    uint64_t cval = v2 + 0x123456789ull;
    __asm__ volatile("mcrr p15, 3, %Q0, %R0, c14" ::"r"(cval));
    __asm__ volatile("mcr p15, 0, %0, c14, c3, 1\n\tisb" ::"r"(3u)); /* ENABLE | IMASK */
    hvc_call(AV_HVC_PING, 0);
    uint64_t cval2;
    uint32_t ctl;
    __asm__ volatile("mrrc p15, 3, %Q0, %R0, c14" : "=r"(cval2));
    __asm__ volatile("mrc p15, 0, %0, c14, c3, 1" : "=r"(ctl));
    check("CNTV_CVAL preserved", cval2 == cval);
    check("CNTV_CTL preserved", (ctl & 3u) == 3u);
    __asm__ volatile("mcr p15, 0, %0, c14, c3, 1" ::"r"(0u));

    uint32_t before = undef_count;
    uint32_t pctl;
    __asm__ volatile("mrc p15, 0, %0, c14, c2, 1" : "=r"(pctl)); /* CNTP_CTL */
    (void)pctl;
    check("physical timer access emulated, not refused", undef_count == before);
    return 0;
}
