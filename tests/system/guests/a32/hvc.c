/* SMCCC round trips through HVC and trapped SMC: armvisor's ping, PSCI
 * VERSION, an unknown function ID (must return -1), AV_HVC_PUTC. */
#include "guest.h"

#define NOT_SUPPORTED 0xffffffffu

int main(void)
{
    struct smccc_res r = hvc_call(AV_HVC_PING, 0x12345678u);
    put_str("ping: r0=");
    put_hex(r.r0);
    put_str(" r1=");
    put_hex(r.r1);
    put_str("\n");
    check("hvc ping", r.r0 == AV_HVC_MAGIC && r.r1 == ~0x12345678u);

    r = hvc_call(PSCI_VERSION, 0);
    uint32_t v = r.r0;
    put_str("psci version (hvc): ");
    put_hex(v);
    put_str("\n");
    check("hvc psci version", v != NOT_SUPPORTED && (v >> 16) >= 1);

    r = smc_call(PSCI_VERSION, 0);
    put_str("psci version (smc): ");
    put_hex(r.r0);
    put_str("\n");
    check("smc psci version", r.r0 == v);

    r = hvc_call(0x86001234u, 0);
    put_str("unknown id: r0=");
    put_hex(r.r0);
    put_str("\n");
    check("hvc unknown id", r.r0 == NOT_SUPPORTED);

    r = hvc_call(0xc5000000u, 0); /* OEM service, SMC64 convention */
    check("hvc unknown owner", r.r0 == NOT_SUPPORTED);

    const char *msg = "putc via hvc\n";
    for (const char *p = msg; *p; p++)
        hvc_call(AV_HVC_PUTC, (uint8_t)*p);
    return 0;
}
