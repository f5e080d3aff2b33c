/*
 * A hostile AArch32 guest (the A64 one is guests/a64/hostile.c): what a
 * broken or malicious kernel might do, many times over; armvisor must
 * answer each access with a defined outcome and keep running:
 *  - the distributor (GICD, 0x08000000) and the PL011 (0x09000000) swept
 *    at every offset with every size (LDRB/STRB, LDRH/STRH, LDR/STR), and
 *    every 16 bytes with the other forms: LDRD/STRD, LDM/STM, pre- and
 *    post-indexed writeback, register offsets, sign-extending loads and
 *    the exclusives LDREX/STREX (byte, halfword, word, doubleword)
 *    (ARMv7-A ARM A8.8);
 *  - physical addresses nothing backs, strided through the 4 GiB an
 *    AArch32 guest with its MMU off can name, and the words just past the
 *    end of RAM (found by probing), with an LDRD that straddles it;
 *  - random HVC/SMC function IDs and arguments (fixed-seed PRNG), less the
 *    ones that stop the VM (PSCI CPU_OFF, SYSTEM_OFF, SYSTEM_RESET,
 *    armvisor's exit call) and armvisor's PUTC (its byte would reach the
 *    console unmarked);
 *  - the coprocessor registers armvisor traps and refuses: IMPLEMENTATION
 *    DEFINED c15 (HSTR.T15), the physical timer (CNTHCTL.PL1PCEN = 0) and
 *    the debug registers (HDCR.TDA; ARMv7-A ARM B1.14.17), which must
 *    UNDEF, and those it answers (ACTLR, the PMU, DBGDIDR) which must not;
 *  - PSCI CPU_ON in loops, for a vCPU that does not exist and for vCPU 0;
 *  - WFI and WFE with IRQ, FIQ and asynchronous aborts masked (CPSR.AIF),
 *    and a WFI that only the virtual timer's masked interrupt can end
 *    (B1.8.13: a masked interrupt still wakes WFI);
 *  - stores to its GIC CPU interface (0x08010000), armvisor's mapping of
 *    the hardware's GICV: armvisor must only survive them.
 * The handlers (start.S, guest.c) count the UNDEFs and data aborts; the
 * guest prints "hostile: got dabt=N iabt=0 undef=M" and the test compares
 * them with armvisor's "injected:" statistics.
 *
 * Memory: armvisor on ARMv7 runs one VM (no two-VM self-test as on
 * ARMv8), so the guest checks its own: 256 KiB of RAM it never otherwise
 * touches, filled with a pattern before the sweep, must be intact after.
 * What the A64 guest does alike is in ../hostile.h.
 */
#include "cpu_ops.h"
#include "guest.h"

#define PSCI_INVALID    0xfffffffeu
#define PSCI_ALREADY_ON 0xfffffffcu

static uint32_t rng_state = 0x9e3779b9u; /* fixed seed: a deterministic run */

static uint32_t rng(void)
{
    /* xorshift32 (Marsaglia). */
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

/* Word accesses in a fixed form: the compiler may pick a post-indexed one
 * in a loop, and a refused access writes no base back. */
static uint32_t rd32(uint32_t a)
{
    uint32_t v = 0;
    __asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(a) : "memory");
    return v;
}

static void wr32(uint32_t a, uint32_t v)
{
    __asm__ volatile("str %0, [%1]" : : "r"(v), "r"(a) : "memory");
}

static void sizes(uint32_t a, uint32_t v, int store)
{
    uint32_t r;
    if (store) {
        __asm__ volatile("strb %0, [%1]" : : "r"(v), "r"(a) : "memory");
        if (!(a & 1))
            __asm__ volatile("strh %0, [%1]" : : "r"(v), "r"(a) : "memory");
        if (!(a & 3))
            __asm__ volatile("str %0, [%1]" : : "r"(v), "r"(a) : "memory");
    } else {
        __asm__ volatile("ldrb %0, [%1]" : "=&r"(r) : "r"(a) : "memory");
        if (!(a & 1))
            __asm__ volatile("ldrh %0, [%1]" : "=&r"(r) : "r"(a) : "memory");
        if (!(a & 3))
            __asm__ volatile("ldr %0, [%1]" : "=&r"(r) : "r"(a) : "memory");
    }
}

/* The other forms at an 8-byte aligned address a. */
static void forms(uint32_t a, uint32_t v, int store)
{
    register uint32_t e __asm__("r2") = v;
    register uint32_t o __asm__("r3") = ~v;
    uint32_t b, st, r;
    if (store) {
        __asm__ volatile("strd %0, %1, [%2]" : : "r"(e), "r"(o), "r"(a) : "memory");
        b = a - 8;
        __asm__ volatile("strd %1, %2, [%0, #8]!" : "+r"(b) : "r"(e), "r"(o) : "memory");
        b = a - 4;
        __asm__ volatile("str %1, [%0, #4]!" : "+r"(b) : "r"(v) : "memory");
        b = a;
        __asm__ volatile("str %1, [%0], #4" : "+r"(b) : "r"(v) : "memory");
        b = a;
        __asm__ volatile("strh %1, [%0], #2" : "+r"(b) : "r"(v) : "memory");
        __asm__ volatile("str %0, [%1, %2, lsl #2]" : : "r"(v), "r"(a - 4), "r"(1u) : "memory");
        __asm__ volatile("stm %0, {%1, %2}" : : "r"(a), "r"(e), "r"(o) : "memory");
        __asm__ volatile("strex %0, %1, [%2]" : "=&r"(st) : "r"(v), "r"(a) : "memory");
        __asm__ volatile("strexb %0, %1, [%2]" : "=&r"(st) : "r"(v), "r"(a) : "memory");
        __asm__ volatile("strexd %0, %1, %2, [%3]" : "=&r"(st) : "r"(e), "r"(o), "r"(a) : "memory");
    } else {
        __asm__ volatile("ldrd %0, %1, [%2]" : "=r"(e), "=r"(o) : "r"(a) : "memory");
        b = a - 8;
        __asm__ volatile("ldrd %1, %2, [%0, #8]!" : "+r"(b), "=r"(e), "=r"(o) : : "memory");
        b = a - 4;
        __asm__ volatile("ldr %1, [%0, #4]!" : "+r"(b), "=&r"(r) : : "memory");
        b = a;
        __asm__ volatile("ldrb %1, [%0], #1" : "+r"(b), "=&r"(r) : : "memory");
        __asm__ volatile("ldr %0, [%1, %2, lsl #2]" : "=&r"(r) : "r"(a - 4), "r"(1u) : "memory");
        __asm__ volatile("ldrsb %0, [%1]" : "=&r"(r) : "r"(a) : "memory");
        __asm__ volatile("ldrsh %0, [%1]" : "=&r"(r) : "r"(a) : "memory");
        __asm__ volatile("ldm %2, {%0, %1}" : "=r"(e), "=r"(o) : "r"(a) : "memory");
        __asm__ volatile("ldrex %0, [%1]" : "=&r"(r) : "r"(a) : "memory");
        __asm__ volatile("ldrexh %0, [%1]" : "=&r"(r) : "r"(a) : "memory");
        __asm__ volatile("ldrexd %0, %1, [%2]" : "=r"(e), "=r"(o) : "r"(a) : "memory");
        __asm__ volatile("clrex" ::: "memory");
    }
}

#include "../hostile.h"

/* ---- The phases of this ISA (the others: ../hostile.h) ------------------ */

static uint32_t phase_ipa(uint32_t ram_end)
{
    uint32_t quiet_loads = 0;
    for (uint32_t k = 0; k < 256; k++) {
        uint32_t a = (k << 24) + (rng() & 0xfff8u);
        if (!unbacked(a, ram_end))
            continue;
        quiet_loads += !aborts(a);
        sizes(a, rng(), 1);
    }
    static const uint32_t edges[] = {0xfffffff8u, 0xfffff000u, 0x80000000u, GICH};
    for (unsigned i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
        quiet_loads += !aborts(edges[i]);
        sizes(edges[i], rng(), 1);
        forms(edges[i], rng(), 0);
        forms(edges[i], rng(), 1);
    }
    return quiet_loads;
}

static void phase_past_ram(uint32_t ram_end)
{
    for (uint32_t o = 0; o < 256; o += 4) {
        sizes(ram_end + o, 0, 0);
        sizes(ram_end + o, rng(), 1);
    }
    forms(ram_end, rng(), 0);
    forms(ram_end, rng(), 1);
    /* A doubleword whose second word is past the end. */
    register uint32_t e __asm__("r2");
    register uint32_t o __asm__("r3");
    __asm__ volatile("ldrd %0, %1, [%2]" : "=r"(e), "=r"(o) : "r"(ram_end - 4) : "memory");
}

static uint32_t phase_hvc(void)
{
    uint32_t bad = 0;
    for (unsigned i = 0; i < 1024; i++) {
        uint32_t r = rng(), fid;
        switch (i & 3) {
        case 0:
            fid = 0x84000000u | (r & 0x1f);
            break;
        case 1:
            fid = 0xc4000000u | (r & 0x1f);
            break; /* SMC64: not from AArch32 */
        case 2:
            fid = 0x86000000u | (r & 0x0f);
            break;
        default:
            fid = r;
            break;
        }
        if (fid == PSCI_CPU_OFF || fid == PSCI_SYSTEM_OFF || fid == PSCI_SYSTEM_RESET ||
            fid == AV_HVC_EXIT || fid == AV_HVC_PUTC)
            fid = 0xc2000000u | (r >> 8 & 0xffff);
        uint32_t a1 = rng();
        struct smccc_res res = (i & 4) ? smc_call(fid, a1) : hvc_call(fid, a1);
        if (fid == AV_HVC_PING && res.r0 != AV_HVC_MAGIC)
            bad++;
        if ((fid >> 24) == 0xc4 && res.r0 != 0xffffffffu) /* SMC64 from AArch32 */
            bad++;
    }
    return bad;
}

/* Each refused coprocessor register read and write: 8 UNDEFs a round. The
 * physical timer traps too but is emulated (core/ptimer.c): no UNDEF. */
static void phase_cp(void)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < 32; i++) {
        __asm__ volatile("mrc p15, 0, %0, c15, c0, 0" : "+r"(v)); /* IMP DEF */
        __asm__ volatile("mcr p15, 0, %0, c15, c0, 0" : : "r"(v));
        __asm__ volatile("mrc p15, 0, %0, c14, c2, 1" : "+r"(v)); /* CNTP_CTL */
        __asm__ volatile("mcr p15, 0, %0, c14, c2, 1" : : "r"(v | 1));
        __asm__ volatile("mrc p15, 0, %0, c14, c2, 0" : "+r"(v)); /* CNTP_TVAL */
        __asm__ volatile("mcr p15, 0, %0, c14, c2, 0" : : "r"(v));
        __asm__ volatile("mrc p14, 0, %0, c0, c1, 0" : "+r"(v)); /* DBGDSCRint */
        __asm__ volatile("mrc p14, 0, %0, c0, c0, 4" : "+r"(v)); /* DBGBVR0 */
        __asm__ volatile("mcr p14, 0, %0, c0, c0, 4" : : "r"(rng() & ~3u));
        __asm__ volatile("mcr p14, 0, %0, c0, c0, 5" : : "r"(rng() & ~1u)); /* DBGBCR0, E=0 */
        __asm__ volatile("mcr p14, 0, %0, c0, c1, 6" : : "r"(rng() & ~3u)); /* DBGWVR1 */
        __asm__ volatile("mrc p14, 0, %0, c0, c1, 7" : "+r"(v));            /* DBGWCR1 */
        /* Answered, no exception: ACTLR, the PMU, DBGDIDR. */
        __asm__ volatile("mrc p15, 0, %0, c1, c0, 1\n\tmcr p15, 0, %0, c1, c0, 1\n\t"
                         "mrc p15, 0, %0, c9, c12, 0\n\tmcr p15, 0, %1, c9, c12, 1\n\t"
                         "mrc p15, 0, %0, c9, c13, 0\n\tmrc p14, 0, %0, c0, c0, 0"
                         : "+r"(v)
                         : "r"(rng()));
    }
    __asm__ volatile("mcr p15, 0, %0, c14, c2, 1" : : "r"(0u)); /* CNTP_CTL off */
}

static uint32_t phase_cpu_on(void)
{
    uint32_t bad = 0;
    for (unsigned i = 0; i < 256; i++) {
        register uint32_t r0 __asm__("r0") = PSCI_CPU_ON;
        register uint32_t r1 __asm__("r1") = (i & 1) ? 0 : 1 + (i >> 1); /* self, or none */
        register uint32_t r2 __asm__("r2") = RAM_BASE;
        register uint32_t r3 __asm__("r3") = i;
        uint32_t want = r1 == 0 ? PSCI_ALREADY_ON : PSCI_INVALID;
        if (i & 2)
            __asm__ volatile(".arch_extension sec\n\tsmc #0"
                             : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
                             :
                             : "memory");
        else
            __asm__ volatile(".arch_extension virt\n\thvc #0"
                             : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
                             :
                             : "memory");
        if (r0 != want)
            bad++;
    }
    return bad;
}

int main(void)
{
    uint64_t key = 0xbad0000000000000ull;
    fill(PAT_BASE, PAT_SIZE, key);
    __asm__ volatile("cpsid aif\n\tisb" ::: "memory");

    sync_quiet = 1;
    int have_gicd = !aborts(GICD + 4);
    uint32_t ram_end = find_ram_end();
    phase_gicd(have_gicd);
    phase_pl011();
    sync_quiet = 0;
    put_str("\nhostile: distributor and PL011 swept\n");
    sync_quiet = 1;
    uint32_t quiet = phase_ipa(ram_end);
    phase_past_ram(ram_end);
    uint32_t hvc_bad = phase_hvc();
    uint32_t undefs = undef_count;
    phase_cp();
    undefs = undef_count - undefs;
    uint32_t on_bad = phase_cpu_on();
    phase_gicv();
    int woke = phase_wfi(have_gicd);
    sync_quiet = 0;

    put_str("hostile: vGIC ");
    put_str(have_gicd ? "yes" : "no");
    put_str(", RAM ends at ");
    put_hex(ram_end);
    put_str("\n");
    check("every unbacked address aborted", quiet == 0);
    check("RAM ends where the VM's RAM ends", ram_end > PAT_BASE + PAT_SIZE);
    check("random HVC/SMC IDs all returned, PING and SMC64 answered", hvc_bad == 0);
    check("8 refused coprocessor registers x 32 UNDEF, the answered ones none", undefs == 8 * 32);
    check("CPU_ON of a missing vCPU / of vCPU 0: INVALID_PARAMETERS / ALREADY_ON", on_bad == 0);
    check("WFI with interrupts masked ends, the virtual timer armed", woke);
    check("no abort from the guest's own CPU", dabt_not_ext == 0);
    check("own memory outside what was touched intact", verify(PAT_BASE, PAT_SIZE, key) == 0);
    put_str("hostile: got dabt=");
    put_dec(dabt_count);
    put_str(" iabt=0 undef=");
    put_dec(undef_count);
    put_str("\n");
    return 0;
}
