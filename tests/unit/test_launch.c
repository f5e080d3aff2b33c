/*
 * vm_launch end to end on the sim: the image lands at load_ipa, the guest
 * starts at the entry with its boot registers, talks to the PL011 at the
 * QEMU-virt address, and its power-off ends the launch with its exit code,
 * statistics printed and every host page returned. Bad descriptions are
 * refused with a message before anything runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/sim/sim.h"
#include "core/hvc.h"
#include "core/launch.h"
#include "core/vm_package.h"

#define LOAD (VIRT_RAM_BASE + 0x80000)
#define DTB  (VIRT_RAM_BASE + 0x100000)

static const uint8_t image[16] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

struct seen {
    uint64_t word0, word1, x0, pc;
    enum sim_status st;
    uint64_t fr;
};

static void uart_puts(struct sim_guest *g, const char *s)
{
    for (; *s; s++) {
        g_set_reg(g, 1, (uint8_t)*s);
        g_str(g, 1, VIRT_PL011_BASE + 0x000, 4); /* UARTDR */
    }
}

static void guest_hello(struct sim_guest *g)
{
    struct seen *s = g->arg;
    s->pc = g_pc(g);
    s->x0 = g_reg(g, 0);
    /* The image is in RAM (no exit: plain RAM loads). */
    g_ldr(g, 2, LOAD, 8);
    s->word0 = g_reg(g, 2);
    g_ldr(g, 2, LOAD + 8, 8);
    s->word1 = g_reg(g, 2);
    s->st = g_ldr(g, 3, VIRT_PL011_BASE + 0x018, 4); /* UARTFR */
    s->fr = g_reg(g, 3);
    uart_puts(g, "hello from the guest\n");
}

static struct guest_desc desc(const char *name)
{
    return (struct guest_desc){
        .name = name,
        .image = image,
        .image_size = sizeof(image),
        .ram_size = 4ull << 20,
        .load_ipa = LOAD,
        .boot = {.isa = ISA_A64, .pc = LOAD, .regs = {DTB}},
    };
}

static int setup(void **state)
{
    (void)state;
    sim_reset(SIM_ARMV8, 64ull << 20);
    sim_console_clear();
    return 0;
}

static void test_launch_runs_guest(void **state)
{
    (void)state;
    size_t free0 = sim_free_pages();
    struct seen s = {0};
    sim_guest_at(LOAD, guest_hello, &s);
    struct guest_desc d = desc("lx");
    assert_int_equal(vm_launch(&d), 0);

    assert_int_equal(s.pc, LOAD);
    assert_int_equal(s.x0, DTB);
    assert_int_equal(s.word0, 0x04030201efbeaddeull);
    assert_int_equal(s.word1, 0x0c0b0a0908070605ull);
    assert_int_equal(s.st, SIM_OK);
    assert_int_equal(s.fr & 0x90, 0x90); /* TXFE | RXFE */

    const char *log = sim_console_text();
    assert_non_null(strstr(log, "armvisor: vm lx: starting at 0x40080000"));
    assert_non_null(strstr(log, "hello from the guest\n"));
    assert_non_null(strstr(log, "armvisor: vm lx: system off"));
    assert_non_null(strstr(log, "armvisor: vm lx: vcpu 0:"));
    /* Everything handed back: RAM, tables. */
    assert_int_equal(sim_free_pages(), free0);
}

static void guest_exit_7(struct sim_guest *g)
{
    g_smccc(g, AV_HVC_EXIT, 7, 0, 0);
}

static void test_launch_exit_code(void **state)
{
    (void)state;
    size_t free0 = sim_free_pages();
    sim_guest_at(LOAD, guest_exit_7, NULL);
    struct guest_desc d = desc("seven");
    assert_int_equal(vm_launch(&d), 7);
    assert_int_equal(sim_free_pages(), free0);
}

static void guest_a32_hello(struct sim_guest *g)
{
    uart_puts(g, "v7 guest\n");
}

static void test_launch_armv7_a32(void **state)
{
    (void)state;
    sim_reset(SIM_ARMV7, 64ull << 20);
    sim_guest_at(LOAD, guest_a32_hello, NULL);
    struct guest_desc d = desc("v7");
    d.boot.isa = ISA_A32;
    assert_int_equal(vm_launch(&d), 0);
    assert_non_null(strstr(sim_console_text(), "v7 guest\n"));
    /* And an A64 guest cannot start on an ARMv7 CPU: refused, cleaned up. */
    size_t free0 = sim_free_pages();
    d.boot.isa = ISA_A64;
    assert_true(vm_launch(&d) < 0);
    assert_int_equal(sim_free_pages(), free0);
}

static void test_launch_refusals(void **state)
{
    (void)state;
    size_t free0 = sim_free_pages();
    struct guest_desc d = desc("bad");

    d.load_ipa = VIRT_RAM_BASE + (4ull << 20) - 8; /* image runs off RAM */
    assert_true(vm_launch(&d) < 0);
    assert_non_null(strstr(sim_console_text(), "does not fit in RAM"));

    d = desc("bad");
    d.load_ipa = 0x1000; /* below RAM */
    assert_true(vm_launch(&d) < 0);

    d = desc("bad");
    d.image_size = ~0ull; /* absurd size: no overflow into "fits" */
    assert_true(vm_launch(&d) < 0);

    d = desc("bad");
    d.boot.pc = VIRT_PL011_BASE;
    assert_true(vm_launch(&d) < 0);
    assert_non_null(strstr(sim_console_text(), "outside RAM"));

    d = desc("bad");
    d.ram_size = 0;
    assert_true(vm_launch(&d) < 0);

    d = desc("bad");
    d.ram_size = 1ull << 30; /* more than the 64 MiB the sim host has */
    assert_true(vm_launch(&d) < 0);

    assert_true(vm_launch(NULL) < 0);
    assert_int_equal(sim_free_pages(), free0);
}

/* The one message both arches print when a package wants more RAM than the
 * host has: how much is asked and how much there is (after the slack). */
static void test_package_ram_fits(void **state)
{
    (void)state;
    struct vm_package pkg = {.name = "big", .ram_size = 1024ull << 20};
    assert_false(vm_package_ram_fits(&pkg, 512ull << 20));
    assert_non_null(strstr(sim_console_text(), "vm big: the package asks for 1024 MiB of guest "
                                               "RAM; this host has 504 MiB to give"));
    sim_console_clear();
    assert_false(vm_package_ram_fits(&pkg, 1024ull << 20)); /* the slack stays back */
    assert_false(vm_package_ram_fits(&pkg, 4096));          /* less than the slack */
    assert_non_null(strstr(sim_console_text(), "this host has 0 MiB to give"));
    sim_console_clear();
    assert_true(vm_package_ram_fits(&pkg, (1024ull << 20) + VM_HOST_RAM_SLACK));
    assert_string_equal(sim_console_text(), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_launch_runs_guest, setup),
        cmocka_unit_test_setup(test_launch_exit_code, setup),
        cmocka_unit_test_setup(test_launch_armv7_a32, setup),
        cmocka_unit_test_setup(test_launch_refusals, setup),
        cmocka_unit_test_setup(test_package_ram_fits, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
