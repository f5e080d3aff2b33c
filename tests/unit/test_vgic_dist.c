/*
 * The GICv2 distributor model, register by register, against the GICv2
 * architecture specification (ARM IHI 0048B, section 4.3): GICD_TYPER,
 * set/clear register pairs, byte-accessible priorities, ITARGETSR banked and
 * read-only for SGIs/PPIs (RAZ/WI on a uniprocessor), ICFGR, GICD_SGIR
 * routing between two vCPUs, SGI pending per source, reserved space RAZ/WI.
 * Accesses go through the VM's MMIO bus as a trapped guest access would.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/sim/sim.h"
#include "core/vgic.h"
#include "core/vm.h"

#define D VGIC_DIST_BASE

/* Offsets from IHI0048B table 4-1, written out here rather than taken from
 * the model. */
#define CTLR       0x000
#define TYPER      0x004
#define IIDR       0x008
#define IGROUPR    0x080
#define ISENABLER  0x100
#define ICENABLER  0x180
#define ISPENDR    0x200
#define ICPENDR    0x280
#define ISACTIVER  0x300
#define ICACTIVER  0x380
#define IPRIORITYR 0x400
#define ITARGETSR  0x800
#define ICFGR      0xc00
#define SGIR       0xf00
#define CPENDSGIR  0xf10
#define SPENDSGIR  0xf20
#define PIDR2      0xfe8
#define CIDR0      0xff0

static struct vm *vm;

static void make_vm(unsigned nvcpus, unsigned nspis)
{
    sim_reset(SIM_ARMV8, 32ull << 20);
    sim_console_clear();
    vm = vm_create("gic", nvcpus, 0);
    assert_non_null(vm);
    assert_int_equal(vgic_attach(vm, nspis, D), 0);
}

static int teardown(void **state)
{
    (void)state;
    if (vm)
        vm_destroy(vm);
    vm = NULL;
    return 0;
}

static uint32_t rd_sz(unsigned cpu, uint64_t off, unsigned size)
{
    struct mmio_access a = {.vcpu = &vm->vcpus[cpu], .size = size, .value = 0xdeadbeef};
    assert_int_equal(mmio_bus_dispatch(&vm->mmio, D + off, &a), MMIO_OK);
    return (uint32_t)a.value;
}

static void wr_sz(unsigned cpu, uint64_t off, unsigned size, uint32_t v)
{
    struct mmio_access a = {.vcpu = &vm->vcpus[cpu], .size = size, .write = true, .value = v};
    assert_int_equal(mmio_bus_dispatch(&vm->mmio, D + off, &a), MMIO_OK);
}

static uint32_t rd(unsigned cpu, uint64_t off)
{
    return rd_sz(cpu, off, 4);
}

static void wr(unsigned cpu, uint64_t off, uint32_t v)
{
    wr_sz(cpu, off, 4, v);
}

static unsigned count(const char *hay, const char *needle)
{
    unsigned n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* ---- Identification --------------------------------------------------------- */

static void test_typer_iidr_ids(void **state)
{
    (void)state;
    /* 40 SPIs round up to 64: 96 interrupts, ITLinesNumber = 96/32 - 1. */
    make_vm(1, 40);
    assert_int_equal(rd(0, TYPER) & 0x1f, 2);
    assert_int_equal((rd(0, TYPER) >> 5) & 7, 0);   /* CPUNumber: one interface */
    assert_int_equal(rd(0, TYPER) & (1u << 10), 0); /* no Security Extensions */
    teardown(NULL);

    make_vm(2, 96);
    uint32_t typer = rd(1, TYPER);
    assert_int_equal(typer & 0x1f, 3);
    assert_int_equal((typer >> 5) & 7, 1);
    wr(0, TYPER, 0xffffffff); /* read-only */
    assert_int_equal(rd(0, TYPER), typer);
    /* IIDR: JEP106 implementer in [11:0]; PIDR2.ArchRev = 2 for GICv2. */
    assert_int_equal(rd(0, IIDR) & 0xfff, 0x43b);
    assert_int_equal((rd(0, PIDR2) >> 4) & 0xf, 2);
    const uint8_t cid[4] = {0x0d, 0xf0, 0x05, 0xb1};
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(rd(0, CIDR0 + 4 * i), cid[i]);
    /* The device sits at QEMU virt's distributor address, 4 KiB long. */
    assert_non_null(mmio_bus_find(&vm->mmio, 0x08000000));
    assert_non_null(mmio_bus_find(&vm->mmio, 0x08000ffc));
    assert_null(mmio_bus_find(&vm->mmio, 0x08001000));
}

static void test_ctlr_two_group_enables(void **state)
{
    (void)state;
    make_vm(1, 32);
    assert_int_equal(rd(0, CTLR), 0); /* reset: forwarding disabled */
    wr(0, CTLR, 0xffffffff);
    /* Without Security Extensions: EnableGrp0 (bit 0), EnableGrp1 (bit 1). */
    assert_int_equal(rd(0, CTLR), 3);
    wr(0, CTLR, 2);
    assert_int_equal(rd(0, CTLR), 2);
}

/* ---- Set/clear pairs ------------------------------------------------------- */

static void test_enable_pairs(void **state)
{
    (void)state;
    make_vm(2, 64);
    /* SPIs: the set and clear registers read the same state. */
    wr(0, ISENABLER + 4, (1u << 1) | (1u << 3)); /* INTIDs 33, 35 */
    assert_int_equal(rd(0, ISENABLER + 4), (1u << 1) | (1u << 3));
    assert_int_equal(rd(0, ICENABLER + 4), (1u << 1) | (1u << 3));
    assert_int_equal(rd(1, ISENABLER + 4), (1u << 1) | (1u << 3)); /* shared */
    wr(0, ISENABLER + 4, 0);                                       /* zeros have no effect */
    assert_int_equal(rd(0, ISENABLER + 4), (1u << 1) | (1u << 3));
    wr(1, ICENABLER + 4, 1u << 1);
    assert_int_equal(rd(0, ISENABLER + 4), 1u << 3);
    wr(0, ICENABLER + 4, 0);
    assert_int_equal(rd(0, ISENABLER + 4), 1u << 3);

    /* INTIDs 0-31 are banked per CPU interface. */
    wr(0, ISENABLER, 1u << 27);
    assert_int_equal(rd(0, ISENABLER), 1u << 27);
    assert_int_equal(rd(1, ISENABLER), 0);
    wr(1, ISENABLER, 0xffffffff);
    assert_int_equal(rd(1, ISENABLER), 0xffffffff);
    assert_int_equal(rd(0, ISENABLER), 1u << 27);

    /* Interrupts beyond ITLinesNumber (96 here) are RAZ/WI. */
    wr(0, ISENABLER + 12, 0xffffffff);
    assert_int_equal(rd(0, ISENABLER + 12), 0);
    assert_int_equal(rd(0, ICENABLER + 0x7c), 0);

    /* IGROUPR: plain read/write bits. */
    wr(0, IGROUPR + 4, 0x80000001);
    assert_int_equal(rd(1, IGROUPR + 4), 0x80000001);
}

static void test_pending_active_pairs(void **state)
{
    (void)state;
    make_vm(1, 32);
    /* SPI 40 edge (ICFGR bit 2F+1), SPI 41 level (reset). */
    wr(0, ICFGR + 8, 2u << (2 * (40 - 32)));
    wr(0, ISPENDR + 4, (1u << 8) | (1u << 9));
    assert_int_equal(rd(0, ISPENDR + 4), (1u << 8) | (1u << 9));
    wr(0, ICPENDR + 4, (1u << 8) | (1u << 9));
    assert_int_equal(rd(0, ICPENDR + 4), 0);

    /* A level interrupt whose line is high stays pending after ICPENDR
     * (IHI0048B 4.3.8); once the line drops it is not pending. */
    assert_int_equal(vgic_inject(vm, -1, 41, true), 0);
    assert_int_equal(rd(0, ISPENDR + 4), 1u << 9);
    wr(0, ICPENDR + 4, 1u << 9);
    assert_int_equal(rd(0, ISPENDR + 4), 1u << 9);
    assert_int_equal(vgic_inject(vm, -1, 41, false), 0);
    assert_int_equal(rd(0, ISPENDR + 4), 0);
    /* An edge interrupt latches the rising edge only. */
    assert_int_equal(vgic_inject(vm, -1, 40, true), 0);
    assert_int_equal(vgic_inject(vm, -1, 40, false), 0);
    assert_int_equal(rd(0, ISPENDR + 4), 1u << 8);

    wr(0, ISACTIVER + 4, 1u << 2);
    assert_int_equal(rd(0, ISACTIVER + 4), 1u << 2);
    assert_int_equal(rd(0, ICACTIVER + 4), 1u << 2);
    wr(0, ICACTIVER + 4, 1u << 2);
    assert_int_equal(rd(0, ISACTIVER + 4), 0);

    /* SGI bits of ISPENDR0/ICPENDR0 ignore writes (GICD_SGIR and the
     * SPENDSGIR/CPENDSGIR registers are how SGIs become pending). */
    wr(0, ISPENDR, 0xffff);
    assert_int_equal(rd(0, ISPENDR) & 0xffff, 0);
    /* SGIs are not device lines. */
    assert_int_equal(vgic_inject(vm, 0, 3, true), -1);
    /* PPIs need a vCPU; IDs past the last SPI do not exist. */
    assert_int_equal(vgic_inject(vm, -1, 27, true), -1);
    assert_int_equal(vgic_inject(vm, 1, 27, true), -1);
    assert_int_equal(vgic_inject(vm, -1, 64, true), -1);
}

/* ---- Byte-accessible registers --------------------------------------------- */

static void test_priority_bytes(void **state)
{
    (void)state;
    make_vm(2, 32);
    /* The implemented priority bits are the top ones, at least 4 of them
     * (16 levels); the rest are RAZ/WI (IHI0048B 4.3.11). */
    wr_sz(0, IPRIORITYR + 33, 1, 0xff);
    uint8_t mask = (uint8_t)rd_sz(0, IPRIORITYR + 33, 1);
    assert_true(mask >= 0xf0);
    assert_int_equal((uint8_t)(mask | (mask - 1)), 0xff); /* contiguous from bit 7 */

    /* Byte writes do not touch the neighbours. */
    wr(0, IPRIORITYR + 32, 0);
    wr_sz(0, IPRIORITYR + 34, 1, 0xa0);
    wr_sz(0, IPRIORITYR + 35, 1, 0x40);
    assert_int_equal(rd(0, IPRIORITYR + 32), (0x40u << 24) | (0xa0u << 16));
    /* Word writes set four at once; byte reads see each. */
    wr(1, IPRIORITYR + 36, 0x10203040u & (0x01010101u * mask));
    assert_int_equal(rd_sz(0, IPRIORITYR + 36, 1), 0x40 & mask);
    assert_int_equal(rd_sz(0, IPRIORITYR + 39, 1), 0x10 & mask);

    /* 0-31 are banked. */
    wr_sz(0, IPRIORITYR + 27, 1, 0x80);
    assert_int_equal(rd_sz(0, IPRIORITYR + 27, 1), 0x80);
    assert_int_equal(rd_sz(1, IPRIORITYR + 27, 1), 0);
    /* Past the last interrupt: RAZ/WI. */
    wr_sz(0, IPRIORITYR + 64, 1, 0x80);
    assert_int_equal(rd_sz(0, IPRIORITYR + 64, 1), 0);
}

static void test_itargetsr(void **state)
{
    (void)state;
    make_vm(2, 32);
    /* SGIs/PPIs: read-only, each CPU reads its own bit. */
    assert_int_equal(rd_sz(0, ITARGETSR + 27, 1), 0x01);
    assert_int_equal(rd_sz(1, ITARGETSR + 27, 1), 0x02);
    assert_int_equal(rd(1, ITARGETSR), 0x02020202);
    wr_sz(0, ITARGETSR + 27, 1, 0x02);
    assert_int_equal(rd_sz(0, ITARGETSR + 27, 1), 0x01);
    /* SPIs: writable, bits of CPU interfaces that do not exist RAZ/WI. */
    wr_sz(0, ITARGETSR + 33, 1, 0x02);
    assert_int_equal(rd_sz(1, ITARGETSR + 33, 1), 0x02);
    wr_sz(0, ITARGETSR + 34, 1, 0xff);
    assert_int_equal(rd_sz(0, ITARGETSR + 34, 1), 0x03);
    assert_int_equal(rd(0, ITARGETSR + 32), 0x00030200);
    teardown(NULL);

    /* A uniprocessor GIC: every ITARGETSR is RAZ/WI (IHI0048B 4.3.12). */
    make_vm(1, 32);
    assert_int_equal(rd(0, ITARGETSR + 24), 0);
    wr(0, ITARGETSR + 32, 0x01010101);
    assert_int_equal(rd(0, ITARGETSR + 32), 0);
}

static void test_icfgr(void **state)
{
    (void)state;
    make_vm(1, 32);
    /* SGIs: read-only, edge-triggered (0b10 per field). */
    assert_int_equal(rd(0, ICFGR), 0xaaaaaaaa);
    wr(0, ICFGR, 0);
    assert_int_equal(rd(0, ICFGR), 0xaaaaaaaa);
    /* SPIs: Int_config[1] selects edge; Int_config[0] is reserved. */
    wr(0, ICFGR + 8, 0xffffffff);
    assert_int_equal(rd(0, ICFGR + 8), 0xaaaaaaaa);
    wr(0, ICFGR + 8, 0x00000008); /* INTID 33 edge */
    assert_int_equal(rd(0, ICFGR + 8), 0x00000008);
    /* Beyond the last interrupt (64): RAZ/WI. */
    wr(0, ICFGR + 16, 0xaaaaaaaa);
    assert_int_equal(rd(0, ICFGR + 16), 0);
}

/* ---- SGIs ---------------------------------------------------------------- */

static void test_sgir_routing(void **state)
{
    (void)state;
    make_vm(2, 32);
    /* Filter 0: the CPU target list. CPU 0 sends SGI 5 to CPU 1. */
    wr(0, SGIR, (0u << 24) | (0x02u << 16) | 5);
    assert_int_equal(rd(1, ISPENDR) & 0xffff, 1u << 5);
    assert_int_equal(rd(0, ISPENDR) & 0xffff, 0);
    /* SPENDSGIR1 byte 1 = SGI 5, one bit per source: CPU 0. */
    assert_int_equal(rd_sz(1, SPENDSGIR + 5, 1), 0x01);
    assert_int_equal(rd(1, CPENDSGIR + 4), 0x01u << 8);

    /* Filter 1: everyone but the sender. CPU 1 sends SGI 5 to CPU 0. */
    wr(1, SGIR, (1u << 24) | 5);
    assert_int_equal(rd_sz(0, SPENDSGIR + 5, 1), 0x02);
    assert_int_equal(rd_sz(1, SPENDSGIR + 5, 1), 0x01); /* unchanged */

    /* Filter 2: only the sender. */
    wr(1, SGIR, (2u << 24) | (0x01u << 16) | 9);
    assert_int_equal(rd_sz(1, SPENDSGIR + 9, 1), 0x02);
    assert_int_equal(rd_sz(0, SPENDSGIR + 9, 1), 0);

    /* Filter 3 is reserved: nothing happens. Targets that do not exist
     * are ignored. */
    wr(0, SGIR, (3u << 24) | (0x03u << 16) | 1);
    wr(0, SGIR, (0u << 24) | (0xfcu << 16) | 1);
    assert_int_equal(rd(0, ISPENDR) & 2, 0);
    assert_int_equal(rd(1, ISPENDR) & 2, 0);

    /* Set / clear pending per source. */
    wr_sz(0, SPENDSGIR + 2, 1, 0x03);
    assert_int_equal(rd_sz(0, SPENDSGIR + 2, 1), 0x03);
    wr_sz(0, CPENDSGIR + 2, 1, 0x01);
    assert_int_equal(rd_sz(0, SPENDSGIR + 2, 1), 0x02);
    wr(0, CPENDSGIR, 0xffffffff);
    assert_int_equal(rd(0, SPENDSGIR), 0);
    assert_int_equal(rd(0, ISPENDR) & 0xf, 0);
}

/* ---- Reserved space and odd accesses ------------------------------------------ */

static void test_reserved_raz_wi(void **state)
{
    (void)state;
    make_vm(1, 32);
    /* 0x00C-0x01C and 0x040-0x07C are reserved (table 4-1). */
    wr(0, 0x00c, 0xffffffff);
    assert_int_equal(rd(0, 0x00c), 0);
    wr(0, 0x040, 0xffffffff);
    assert_int_equal(rd(0, 0x040), 0);
    /* GICD_SGIR is write-only. */
    assert_int_equal(rd(0, SGIR), 0);
    /* Halfword accesses are not supported anywhere; byte accesses only on
     * the byte-accessible registers: read as zero, writes ignored. */
    wr_sz(0, ISENABLER + 4, 2, 0xffff);
    assert_int_equal(rd(0, ISENABLER + 4), 0);
    wr_sz(0, CTLR, 1, 1);
    assert_int_equal(rd(0, CTLR), 0);
    assert_int_equal(rd_sz(0, TYPER, 1), 0);
    /* Logged once, not per access. */
    assert_int_equal(count(sim_console_text(), "GICD:"), 1);
}

/* A guest hammering the distributor with every offset and size gets a
 * defined answer each time, and the model stays consistent. */
static void test_every_offset(void **state)
{
    (void)state;
    make_vm(2, 224);
    static const unsigned sizes[] = {1, 2, 4, 8};
    for (uint64_t off = 0; off < 0x1000; off++) {
        for (unsigned s = 0; s < 4; s++) {
            if (off + sizes[s] > 0x1000)
                continue;
            struct mmio_access a = {.vcpu = &vm->vcpus[off & 1],
                                    .size = sizes[s],
                                    .write = (off >> 2) & 1,
                                    .value = 0xffffffffffffffffull};
            assert_int_equal(mmio_bus_dispatch(&vm->mmio, D + off, &a), MMIO_OK);
        }
    }
    /* Still a GICv2 with 256 interrupts and 2 CPUs. */
    assert_int_equal(rd(0, TYPER) & 0xff, 7 | (1u << 5));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_typer_iidr_ids, teardown),
        cmocka_unit_test_teardown(test_ctlr_two_group_enables, teardown),
        cmocka_unit_test_teardown(test_enable_pairs, teardown),
        cmocka_unit_test_teardown(test_pending_active_pairs, teardown),
        cmocka_unit_test_teardown(test_priority_bytes, teardown),
        cmocka_unit_test_teardown(test_itargetsr, teardown),
        cmocka_unit_test_teardown(test_icfgr, teardown),
        cmocka_unit_test_teardown(test_sgir_routing, teardown),
        cmocka_unit_test_teardown(test_reserved_raz_wi, teardown),
        cmocka_unit_test_teardown(test_every_offset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
