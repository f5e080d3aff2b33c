/* SMCCC round trips through armvisor: its own PING and PUTC calls, PSCI
 * VERSION over HVC and over SMC (trapped by HCR_EL2.TSC), and unknown IDs,
 * which must answer NOT_SUPPORTED (-1) rather than fault. */
#include "guest.h"

int main(void)
{
    struct smccc_res r = hvc_call(AV_HVC_PING, 0x1234);
    check("hvc ping", r.x0 == AV_HVC_MAGIC && r.x1 == ~0x1234ull);

    r = hvc_call(PSCI_VERSION, 0);
    put_str("guest: PSCI version ");
    put_hex(r.x0);
    put_str("\n");
    check("hvc psci version", r.x0 >= 0x10000 && r.x0 < 0x20000); /* PSCI 1.x */

    r = smc_call(PSCI_VERSION, 0);
    check("smc psci version", r.x0 >= 0x10000 && r.x0 < 0x20000);

    r = hvc_call(0x86001234u, 0); /* our owner, unknown function */
    check("hvc unknown id", r.x0 == (uint64_t)-1);
    r = hvc_call(0xc3000000u, 0); /* another owner altogether */
    check("hvc unknown owner", r.x0 == (uint64_t)-1);
    r = smc_call(0x82000010u, 0);
    check("smc unknown id", r.x0 == (uint64_t)-1);

    const char *s = "putc via hvc\n";
    while (*s)
        hvc_call(AV_HVC_PUTC, (uint8_t)*s++);
    return 0;
}
