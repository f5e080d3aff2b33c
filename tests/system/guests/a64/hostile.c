/*
 * A hostile AArch64 guest: it does, on purpose and many times over, what a
 * broken or malicious kernel might, and armvisor must answer each with a
 * defined outcome (emulated, or refused with an injected exception) and
 * keep running:
 *  - the distributor (GICD, 0x08000000) and the PL011 (0x09000000) swept
 *    at every offset with every access size (byte/half/word/dword loads
 *    and stores), and every 16 bytes with the other forms: LDP/STP of
 *    words and doublewords, pre- and post-indexed writeback, register
 *    offsets, sign-extending loads, load-acquire/store-release and the
 *    exclusives LDXR/STXR/LDAXR/STLXR (Arm ARM C3.2, C6.2);
 *  - IPAs nothing backs, strided through the whole physical address range
 *    the CPU reports (ID_AA64MMFR0_EL1.PARange: 44 bits on cortex-a57,
 *    past its 40-bit stage 2; 48 or more on max), and the words just past
 *    the end of RAM (found by probing), including a pair that straddles it;
 *  - random HVC/SMC function IDs and arguments (a fixed-seed PRNG), less
 *    the few that stop the VM (PSCI CPU_OFF, SYSTEM_OFF, SYSTEM_RESET,
 *    armvisor's exit call) and armvisor's PUTC (its byte would go to the
 *    console unmarked);
 *  - the EL1 system registers armvisor traps: the physical timer
 *    (CNTHCTL_EL2.EL1PCEN = 0) and ACTLR_EL1 (HCR_EL2.TACR) must UNDEF,
 *    the PMU (MDCR_EL2.TPM) reads as zero;
 *  - the debug registers (switched per vCPU, not trapped: debug.c), with
 *    MDSCR_EL1.KDE clear so nothing can fire at EL1 (Arm ARM D2.1);
 *  - PSCI CPU_ON in loops, for a vCPU that does not exist and for vCPU 0
 *    itself (DEN0022: INVALID_PARAMETERS, ALREADY_ON);
 *  - WFI and WFE with every interrupt masked (PSTATE.DAIF), and, where
 *    there is a vGIC, a WFI with IRQs masked that only the virtual timer's
 *    interrupt can end (a masked interrupt still wakes WFI, Arm ARM
 *    D1.16.2);
 *  - stores to its GIC CPU interface (0x08010000), which armvisor maps to
 *    the hardware's virtual CPU interface (GICV): the guest's own
 *    business, armvisor must only survive it.
 * All of it runs with PSTATE.DAIF masked: the sweep leaves random SPIs and
 * SGIs pending, which the guest must not take.
 *
 * The guest's vector (start.S, guest_sync) counts every UNDEF and data
 * abort it gets; it then prints "hostile: got dabt=N iabt=0 undef=M", and
 * the test compares those with armvisor's own count of what it injected
 * (vm_print_stats: "injected: dabt=N iabt=0 undef=M"). Aborts that are not
 * synchronous external aborts come from the guest's own translation, not
 * armvisor: there must be none.
 *
 * Memory: the guest fills 256 KiB of its RAM it does not otherwise touch
 * with a pattern before the sweep and checks it after. Under
 * armvisor.selftest=two_vms the same image runs in two VMs interleaved one
 * exit at a time: vm0 (x0 = 0) is the hostile one, vm1 (x0 = 1) fills
 * 512 KiB with its own pattern and checks it again and again while vm0
 * sweeps, so a refusal or emulation that wrote to the wrong VM shows.
 * What the A32 guest does alike is in ../hostile.h.
 */
#include "cpu_ops.h"
#include "guest.h"

#define PAT_VM1 (512ul << 10) /* vm1's pattern, under two_vms */

#define PSCI_CPU_ON64   0xc4000003u
#define PSCI_INVALID    (-2ll)
#define PSCI_ALREADY_ON (-4ll)

/* ---- Small helpers ------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull; /* fixed seed: a deterministic run */

static uint64_t rng(void)
{
    /* xorshift64* (Vigna): enough to scatter IDs and values. */
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1dull;
}

/* ---- Loads and stores in every form ------------------------------------- */

/* Every size at address a: the plain forms (ISV=1 when they trap). */
static void sizes(uint64_t a, uint64_t v, int store)
{
    uint64_t r;
    if (store) {
        __asm__ volatile("strb %w0, [%1]" : : "r"(v), "r"(a) : "memory");
        if (!(a & 1))
            __asm__ volatile("strh %w0, [%1]" : : "r"(v), "r"(a) : "memory");
        if (!(a & 3))
            __asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(a) : "memory");
        if (!(a & 7))
            __asm__ volatile("str %0, [%1]" : : "r"(v), "r"(a) : "memory");
    } else {
        __asm__ volatile("ldrb %w0, [%1]" : "=&r"(r) : "r"(a) : "memory");
        if (!(a & 1))
            __asm__ volatile("ldrh %w0, [%1]" : "=&r"(r) : "r"(a) : "memory");
        if (!(a & 3))
            __asm__ volatile("ldr %w0, [%1]" : "=&r"(r) : "r"(a) : "memory");
        if (!(a & 7))
            __asm__ volatile("ldr %0, [%1]" : "=&r"(r) : "r"(a) : "memory");
    }
}

/* The other forms at a 16-byte aligned address a (ISV=0 for pairs and
 * writeback: armvisor decodes the instruction or refuses it). */
static void forms(uint64_t a, uint64_t v, int store)
{
    uint64_t r1, r2, b, st;
    if (store) {
        __asm__ volatile("stp %w0, %w1, [%2]" : : "r"(v), "r"(~v), "r"(a) : "memory");
        __asm__ volatile("stp %0, %1, [%2]" : : "r"(v), "r"(~v), "r"(a) : "memory");
        b = a - 8;
        __asm__ volatile("str %1, [%0, #8]!" : "+r"(b) : "r"(v) : "memory");
        b = a;
        __asm__ volatile("str %w1, [%0], #4" : "+r"(b) : "r"(v) : "memory");
        b = a - 2;
        __asm__ volatile("strh %w1, [%0, #2]!" : "+r"(b) : "r"(v) : "memory");
        b = a - 16;
        __asm__ volatile("stp %1, %2, [%0, #16]!" : "+r"(b) : "r"(v), "r"(~v) : "memory");
        b = a;
        __asm__ volatile("stp %w1, %w2, [%0], #8" : "+r"(b) : "r"(v), "r"(~v) : "memory");
        __asm__ volatile("str %w0, [%1, %2, lsl #2]" : : "r"(v), "r"(a - 4), "r"(1ull) : "memory");
        __asm__ volatile("stlr %0, [%1]" : : "r"(v), "r"(a) : "memory");
        __asm__ volatile("stlrb %w0, [%1]" : : "r"(v), "r"(a) : "memory");
        __asm__ volatile("stxr %w0, %1, [%2]" : "=&r"(st) : "r"(v), "r"(a) : "memory");
        __asm__ volatile("stlxr %w0, %w1, [%2]" : "=&r"(st) : "r"(v), "r"(a) : "memory");
    } else {
        __asm__ volatile("ldp %w0, %w1, [%2]" : "=&r"(r1), "=&r"(r2) : "r"(a) : "memory");
        __asm__ volatile("ldp %0, %1, [%2]" : "=&r"(r1), "=&r"(r2) : "r"(a) : "memory");
        __asm__ volatile("ldpsw %0, %1, [%2]" : "=&r"(r1), "=&r"(r2) : "r"(a) : "memory");
        b = a - 8;
        __asm__ volatile("ldr %1, [%0, #8]!" : "+r"(b), "=&r"(r1) : : "memory");
        b = a;
        __asm__ volatile("ldr %w1, [%0], #4" : "+r"(b), "=&r"(r1) : : "memory");
        b = a;
        __asm__ volatile("ldrb %w1, [%0], #1" : "+r"(b), "=&r"(r1) : : "memory");
        b = a - 16;
        __asm__ volatile("ldp %1, %2, [%0, #16]!" : "+r"(b), "=&r"(r1), "=&r"(r2) : : "memory");
        __asm__ volatile("ldr %w0, [%1, %2, lsl #2]"
                         : "=&r"(r1)
                         : "r"(a - 4), "r"(1ull)
                         : "memory");
        __asm__ volatile("ldrsb %0, [%1]" : "=&r"(r1) : "r"(a) : "memory");
        __asm__ volatile("ldrsh %w0, [%1]" : "=&r"(r1) : "r"(a) : "memory");
        __asm__ volatile("ldrsw %0, [%1]" : "=&r"(r1) : "r"(a) : "memory");
        __asm__ volatile("ldar %0, [%1]" : "=&r"(r1) : "r"(a) : "memory");
        __asm__ volatile("ldarh %w0, [%1]" : "=&r"(r1) : "r"(a) : "memory");
        __asm__ volatile("ldxr %0, [%1]" : "=&r"(r1) : "r"(a) : "memory");
        __asm__ volatile("ldaxr %w0, [%1]" : "=&r"(r1) : "r"(a) : "memory");
        __asm__ volatile("clrex" ::: "memory");
    }
}

/* Word accesses in a form fixed here: the compiler would pick a
 * post-indexed one for a loop, and a refused access writes no base back
 * (Arm ARM C1.3.3: the instruction had no effect), so the loop would
 * never move on. */
static uint32_t rd32(uint64_t a)
{
    uint32_t v = 0;
    __asm__ volatile("ldr %w0, [%1]" : "+r"(v) : "r"(a) : "memory");
    return v;
}

static void wr32(uint64_t a, uint32_t v)
{
    __asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(a) : "memory");
}

#include "../hostile.h"

/* ---- The phases of this ISA (the others: ../hostile.h) ------------------ */

static unsigned pa_bits(void)
{
    static const unsigned bits[] = {32, 36, 40, 42, 44, 48, 52};
    uint64_t mmfr0;
    __asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
    unsigned pr = mmfr0 & 0xf;
    return pr < 7 ? bits[pr] : 48;
}

/* Loads and stores through the whole physical address range: 256 points
 * at a stride, each a little off it, then the top of the range, the top
 * of a 40-bit and of a 48-bit space where the CPU has more. Returns the
 * number of addresses that did not abort on load (must be none). */
static unsigned phase_ipa(unsigned bits, uint64_t ram_end)
{
    uint64_t top = 1ull << bits, stride = top >> 8;
    unsigned quiet_loads = 0;
    for (uint64_t k = 0; k < 256; k++) {
        uint64_t a = k * stride + ((rng() & 0xfff8) & (stride - 1));
        if (!unbacked(a, ram_end))
            continue;
        quiet_loads += !aborts(a);
        sizes(a, rng(), 1);
    }
    uint64_t edges[] = {top - 8,    top - 4096, (1ull << 40) - 8, 1ull << 40, (1ull << 48) - 8,
                        1ull << 44, GICH};
    for (unsigned i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
        if (edges[i] >= top)
            continue;
        quiet_loads += !aborts(edges[i]);
        sizes(edges[i], rng(), 1);
        forms(edges[i] & ~15ull, rng(), 0);
        forms(edges[i] & ~15ull, rng(), 1);
    }
    return quiet_loads;
}

static void phase_past_ram(uint64_t ram_end)
{
    for (uint64_t o = 0; o < 256; o += 8) {
        sizes(ram_end + o, 0, 0);
        sizes(ram_end + o, rng(), 1);
    }
    forms(ram_end, rng(), 0);
    forms(ram_end, rng(), 1);
    /* A pair whose second half is past the end: the first half is RAM,
     * the access as a whole must abort (and write nothing it can't). */
    uint64_t r1, r2, last = ram_end - 8;
    __asm__ volatile("ldp %0, %1, [%2]" : "=&r"(r1), "=&r"(r2) : "r"(last) : "memory");
    __asm__ volatile("ldp %w0, %w1, [%2]" : "=&r"(r1), "=&r"(r2) : "r"(ram_end - 4) : "memory");
}

static void phase_hvc(unsigned *bad)
{
    for (unsigned i = 0; i < 1024; i++) {
        uint64_t r = rng();
        uint32_t fid;
        switch (i & 3) {
        case 0:
            fid = 0x84000000u | (r & 0x1f);
            break; /* PSCI, SMC32 */
        case 1:
            fid = 0xc4000000u | (r & 0x1f);
            break; /* PSCI, SMC64 */
        case 2:
            fid = 0x86000000u | (r & 0x0f);
            break; /* armvisor's own */
        default:
            fid = (uint32_t)r;
            break;
        }
        if (fid == PSCI_CPU_OFF || fid == PSCI_SYSTEM_OFF || fid == PSCI_SYSTEM_RESET ||
            fid == AV_HVC_EXIT || fid == AV_HVC_PUTC)
            fid = 0xc2000000u | (uint32_t)(r >> 40); /* an unowned ID instead */
        /* The upper half of x0 is not the function ID's (SMCCC: w0). */
        uint64_t x0 = (uint64_t)fid | ((r >> 32) << 32 & (i & 8 ? ~0ull : 0));
        uint64_t a1 = rng();
        struct smccc_res res = (i & 4) ? smc_call(x0, a1) : hvc_call(x0, a1);
        if (fid == AV_HVC_PING && res.x0 != AV_HVC_MAGIC)
            (*bad)++;
    }
    /* HVC with an immediate SMCCC does not define: unknown, not a fault. */
    for (unsigned i = 0; i < 16; i++) {
        register uint64_t x0 __asm__("x0") = PSCI_VERSION;
        __asm__ volatile("hvc #0xffff" : "+r"(x0) : : "x1", "x2", "x3", "memory");
        if (x0 != ~0ull)
            (*bad)++;
    }
}

/* Each refused register read and write: 2 UNDEFs a round. The EL1
 * physical timer traps too but is emulated (core/ptimer.c): no UNDEF. */
static void phase_sysregs(void)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 32; i++) {
        __asm__ volatile("mrs %0, cntp_ctl_el0" : "+r"(v));
        __asm__ volatile("msr cntp_ctl_el0, %0" : : "r"(v | 1));
        __asm__ volatile("mrs %0, cntp_cval_el0" : "+r"(v));
        __asm__ volatile("msr cntp_cval_el0, %0" : : "r"(v));
        __asm__ volatile("mrs %0, cntp_tval_el0" : "+r"(v));
        __asm__ volatile("msr cntp_tval_el0, %0" : : "r"(v));
        __asm__ volatile("mrs %0, actlr_el1" : "+r"(v));
        __asm__ volatile("msr actlr_el1, %0" : : "r"(~v));
        /* The PMU: answered, no exception. */
        __asm__ volatile("mrs %0, pmcr_el0\n\tmsr pmcr_el0, %1\n\t"
                         "msr pmcntenset_el0, %1\n\tmrs %0, pmccntr_el0\n\t"
                         "msr pmselr_el0, %1\n\tmrs %0, pmevtyper0_el0\n\t"
                         "msr pmintenset_el1, %1\n\tmsr pmuserenr_el0, xzr"
                         : "+r"(v)
                         : "r"(rng()));
    }
    __asm__ volatile("msr cntp_ctl_el0, xzr" ::: "memory"); /* leave it quiet */
}

#define DBG_RW(n)                                                                                  \
    do {                                                                                           \
        uint64_t w_ = rng() & ~3ull & 0x0000fffffffffffcull;                                       \
        if ((n) < nbrp) {                                                                          \
            __asm__ volatile("msr dbgbvr" #n "_el1, %0\n\tmsr dbgbcr" #n "_el1, %1"                \
                             :                                                                     \
                             : "r"(w_), "r"(rng() & ~1ull & 0xffffffffull));                       \
            hvc_call(AV_HVC_PING, 0);                                                              \
            __asm__ volatile("mrs %0, dbgbvr" #n "_el1" : "=r"(got));                              \
            kept += got == w_;                                                                     \
            __asm__ volatile("msr dbgbcr" #n "_el1, xzr");                                         \
        }                                                                                          \
        if ((n) < nwrp) {                                                                          \
            __asm__ volatile("msr dbgwvr" #n "_el1, %0\n\tmsr dbgwcr" #n "_el1, %1"                \
                             :                                                                     \
                             : "r"(w_), "r"(rng() & ~1ull & 0xffffffffull));                       \
            hvc_call(AV_HVC_PING, 0);                                                              \
            __asm__ volatile("mrs %0, dbgwvr" #n "_el1" : "=r"(got));                              \
            kept += got == w_;                                                                     \
            __asm__ volatile("msr dbgwcr" #n "_el1, xzr");                                         \
        }                                                                                          \
    } while (0)

/* Debug registers: random values (breakpoints and watchpoints never
 * enabled, MDSCR_EL1.KDE clear), each kept across an exit. Returns how
 * many value registers read back what was written; *n how many tried. */
static unsigned phase_debug(unsigned *n)
{
    uint64_t dfr0, got;
    __asm__ volatile("mrs %0, id_aa64dfr0_el1" : "=r"(dfr0));
    unsigned nbrp = ((dfr0 >> 12) & 0xf) + 1, nwrp = ((dfr0 >> 20) & 0xf) + 1;
    unsigned kept = 0;
    *n = (nbrp < 4 ? nbrp : 4) + (nwrp < 4 ? nwrp : 4);
    __asm__ volatile("msr oslar_el1, %0\n\tisb\n\tmsr oslar_el1, xzr\n\tisb" : : "r"(1ull));
    uint64_t mdscr = rng() & (1ull << 12); /* TDCC at most: never KDE, MDE or SS */
    __asm__ volatile("msr mdscr_el1, %0" : : "r"(mdscr));
    DBG_RW(0);
    DBG_RW(1);
    DBG_RW(2);
    DBG_RW(3);
    /* Not DBGCLAIMSET/CLR_EL1 or DBGAUTHSTATUS_EL1: QEMU 7.2 does not have
     * them, and they UNDEF at EL1 without reaching armvisor (no TDA trap),
     * an exception armvisor did not inject. */
    __asm__ volatile("mrs %0, oslsr_el1\n\tmsr mdscr_el1, xzr\n\tisb" : "=r"(got));
    return kept;
}

static void phase_cpu_on(unsigned *bad)
{
    for (unsigned i = 0; i < 256; i++) {
        register uint64_t x0 __asm__("x0") = (i & 1) ? PSCI_CPU_ON64 : PSCI_CPU_ON;
        register uint64_t x1 __asm__("x1") = (i & 2) ? 0 : 1 + (i >> 2); /* self, or none */
        register uint64_t x2 __asm__("x2") = RAM_BASE;
        register uint64_t x3 __asm__("x3") = i;
        uint64_t want = x1 == 0 ? (uint64_t)PSCI_ALREADY_ON : (uint64_t)PSCI_INVALID;
        if (i & 4)
            __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
        else
            __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
        if (x0 != want)
            (*bad)++;
    }
}

/* ---- vm1 under two_vms: the memory pattern ------------------------------ */

static void pattern_vm(uint64_t k)
{
    uint64_t key = 0x5eed000000000000ull | k;
    fill(PAT_BASE, PAT_VM1, key);
    uint64_t bad = 0;
    unsigned rounds;
    for (rounds = 0; rounds < 32; rounds++) {
        for (unsigned i = 0; i < 2048; i++)
            hvc_call(AV_HVC_PING, i); /* one exit: vm0 runs one */
        bad += verify(PAT_BASE, PAT_VM1, key);
    }
    put_str("pattern: ");
    put_dec(rounds);
    put_str(" rounds, bad words ");
    put_dec(bad);
    put_str("\n");
    check("this VM's memory pattern intact while the other VM was hostile", bad == 0);
}

int main(void)
{
    uint64_t k = boot_x0 & 1;
    if (k == 1) {
        pattern_vm(k);
        return 0;
    }
    uint64_t key = 0xbad0000000000000ull;
    fill(PAT_BASE, PAT_SIZE, key);
    __asm__ volatile("msr daifset, #0xf\n\tisb" ::: "memory");

    sync_quiet = 1;
    int have_gicd = !aborts(GICD + 4); /* GICD_TYPER: no vGIC under two_vms */
    uint64_t ram_end = find_ram_end();
    unsigned bits = pa_bits();
    unsigned hvc_bad = 0, on_bad = 0, dbg_n = 0;
    phase_gicd(have_gicd);
    phase_pl011();
    sync_quiet = 0; /* an unexpected exception from here on prints */
    put_str("\nhostile: distributor and PL011 swept\n");
    sync_quiet = 1;
    unsigned quiet = phase_ipa(bits, ram_end);
    phase_past_ram(ram_end);
    phase_hvc(&hvc_bad);
    unsigned undefs = undef_count;
    phase_sysregs();
    undefs = undef_count - undefs;
    unsigned kept = phase_debug(&dbg_n);
    phase_cpu_on(&on_bad);
    phase_gicv();
    int woke = phase_wfi(have_gicd);
    sync_quiet = 0;

    put_str("hostile: vGIC ");
    put_str(have_gicd ? "yes" : "no");
    put_str(", RAM ends at ");
    put_hex(ram_end);
    put_str(", ");
    put_dec(bits);
    put_str("-bit physical addresses\n");
    check("every unbacked IPA aborted", quiet == 0);
    check("RAM ends where the VM's RAM ends", ram_end > PAT_BASE + PAT_SIZE);
    check("random HVC/SMC IDs all returned, PING and unknown answered", hvc_bad == 0);
    check("2 refused system registers x 32 UNDEF, the timer and PMU none", undefs == 2 * 32);
    check("debug value registers kept across exits", kept == dbg_n);
    check("CPU_ON of a missing vCPU / of vCPU 0: INVALID_PARAMETERS / ALREADY_ON", on_bad == 0);
    check("WFI with IRQs masked ends, the virtual timer armed", woke);
    check("no abort from the guest's own translation", dabt_not_ext == 0);
    check("no prefetch abort", iabt_count == 0);
    uint64_t bad = verify(PAT_BASE, PAT_SIZE, key);
    check("own memory outside what was touched intact", bad == 0);
    put_str("hostile: got dabt=");
    put_dec(dabt_count);
    put_str(" iabt=");
    put_dec(iabt_count);
    put_str(" undef=");
    put_dec(undef_count);
    put_str("\n");
    return 0;
}
