/*
 * armvisor-sim: the hypervisor as a host process, running a small guest
 * written in C against the sim arch. It is the same core, stage-2 engine,
 * decoders and PL011 as on hardware; only the CPU is simulated.
 *
 *   armvisor-sim [v8|v7]     (default v8: ESR_EL2 syndromes, A64 guest;
 *                             v7: HSR syndromes, A32 guest)
 *
 * The guest prints through the emulated PL011 (every byte is a stage-2 data
 * abort the core decodes and dispatches), pings the hypervisor with HVC,
 * touches an IPA where nothing lives (and gets a data abort injected), then
 * powers off with PSCI SYSTEM_OFF. The run ends with the VM's exit
 * statistics, printed by the core.
 */
#include <stdio.h>
#include <string.h>

#include "arch/sim/sim.h"
#include "core/hvc.h"
#include "core/launch.h"

#define PL011_DR      0x000
#define PL011_FR      0x018
#define PL011_FR_TXFF (1u << 5)
#define PSCI_VERSION  0x84000000u
#define NOWHERE_IPA   0x20000000ull /* no RAM, no device: QEMU virt's flash hole */

static void uart_puts(struct sim_guest *g, const char *s)
{
    for (; *s; s++) {
        /* Poll FR.TXFF as Linux's pl011 driver does, then write DR. */
        do {
            g_ldr(g, 3, VIRT_PL011_BASE + PL011_FR, 4);
        } while (g_reg(g, 3) & PL011_FR_TXFF);
        g_set_reg(g, 1, (uint8_t)*s);
        g_str(g, 1, VIRT_PL011_BASE + PL011_DR, 4);
    }
}

static void uart_hex(struct sim_guest *g, uint64_t v)
{
    char buf[19] = "0x";
    for (int i = 0; i < 16; i++)
        buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
    buf[18] = '\0';
    uart_puts(g, buf);
}

static void demo_guest(struct sim_guest *g)
{
    uart_puts(g, "hello from a guest under armvisor (sim)\n");

    uint64_t r = g_smccc(g, AV_HVC_PING, 0x1234, 0, 0);
    uart_puts(g, "hvc ping -> ");
    uart_hex(g, r);
    uart_puts(g, r == AV_HVC_MAGIC ? " (armvisor)\n" : " (unexpected)\n");

    r = g_smccc(g, PSCI_VERSION, 0, 0, 0);
    uart_puts(g, "psci version -> ");
    uart_hex(g, r);
    uart_puts(g, "\n");

    enum sim_status st = g_ldr(g, 2, NOWHERE_IPA, 4);
    uart_puts(g, st == SIM_ABORT ? "load from an empty IPA: data abort injected\n"
                                 : "load from an empty IPA: NOT refused\n");
    uart_puts(g, "bye\n");
    /* Returning makes the sim issue PSCI SYSTEM_OFF, like a real guest. */
}

int main(int argc, char **argv)
{
    bool v7 = argc > 1 && strcmp(argv[1], "v7") == 0;
    if (argc > 1 && !v7 && strcmp(argv[1], "v8") != 0) {
        fprintf(stderr, "usage: %s [v8|v7]\n", argv[0]);
        return 2;
    }
    sim_reset(v7 ? SIM_ARMV7 : SIM_ARMV8, 0);
    sim_console_echo(true);

    /* A one-word image: the guest is C code, but vm_launch still copies an
     * image into guest RAM and starts the vCPU at its entry, as on hardware. */
    static const uint32_t image[1] = {0};
    sim_guest_at(VIRT_RAM_BASE, demo_guest, NULL);
    struct guest_desc d = {
        .name = "demo",
        .image = image,
        .image_size = sizeof(image),
        .ram_size = 16ull << 20,
        .load_ipa = VIRT_RAM_BASE,
        .boot = {.isa = v7 ? ISA_A32 : ISA_A64, .pc = VIRT_RAM_BASE},
    };
    int code = vm_launch(&d);
    fflush(stdout);
    return code < 0 ? 1 : code;
}
