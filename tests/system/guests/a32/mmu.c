/*
 * ISV=0 MMIO with the guest's own MMU on: armvisor must translate the
 * guest's PC through the guest's stage 1 (ATS1CPR + PAR) to fetch and
 * decode the instruction, and take the device IPA from HPFAR, not the VA.
 * Run twice: short-descriptor tables (32-bit PAR result) and LPAE tables
 * (TTBCR.EAE, 64-bit PAR result). In both, VA 0x80000000 + x maps the
 * device window PA 0 + x (so the PL011 is at VA 0x89000000), VA
 * 0xC0000000 + x maps RAM 0x40000000 + x, and RAM and the PL011 are also
 * mapped one to one. The accesses run from the 0xC0000000 alias, so the PC
 * the hypervisor must translate differs from the IPA of the instruction.
 */
#include "guest.h"

#define PL011_VA_ALIAS 0x89000000u
#define RAM_VA_ALIAS   0xc0000000u
#define RAM_IPA        0x40000000u

static uint32_t sd_table[4096] __attribute__((aligned(16384)));
static uint64_t lpae_table[4] __attribute__((aligned(32)));

/* Short-descriptor section (B3.5.1): AP[1:0] = 0b11 full access, domain 0. */
#define SD_SECTION   0x2u
#define SD_AP_RW     (3u << 10)
#define SD_NORMAL_WB ((1u << 12) | (1u << 3) | (1u << 2)) /* TEX 001, C, B */
#define SD_DEVICE    (1u << 2)                            /* TEX 000, C 0, B 1 */
/* LPAE block (B3.6.2): AttrIndx, AP[2:1] = 0b01 (RW at any PL), AF. */
#define LD_BLOCK     0x1ull
#define LD_ATTR(i)   ((uint64_t)(i) << 2)
#define LD_AP_RW_ANY (1ull << 6)
#define LD_AF        (1ull << 10)
#define LD_SH_INNER  (3ull << 8)
#define MAIR0_VALUE  0x000004ffu /* attr0 Normal WB, attr1 Device */
#define TTBCR_EAE    (1u << 31)
#define SCTLR_M      1u

static void mmu_off(void)
{
    uint32_t sctlr;
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
    sctlr &= ~SCTLR_M;
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 0\n\tisb" ::"r"(sctlr) : "memory");
    __asm__ volatile("mcr p15, 0, %0, c8, c7, 0\n\tdsb\n\tisb" ::"r"(0) : "memory"); /* TLBIALL */
}

static void mmu_on(void)
{
    uint32_t sctlr;
    __asm__ volatile("dsb\n\tmcr p15, 0, %0, c8, c7, 0\n\tdsb\n\tisb" ::"r"(0) : "memory");
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
    sctlr |= SCTLR_M;
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 0\n\tisb" ::"r"(sctlr) : "memory");
}

static void setup_short(void)
{
    for (uint32_t mb = 0; mb < 4096; mb++)
        sd_table[mb] = 0;
    for (uint32_t mb = 0x400; mb < 0x480; mb++) /* RAM: 128 MiB one to one */
        sd_table[mb] = (mb << 20) | SD_SECTION | SD_AP_RW | SD_NORMAL_WB;
    for (uint32_t mb = 0; mb < 0x80; mb++) /* RAM again at VA 0xC0000000 */
        sd_table[(RAM_VA_ALIAS >> 20) + mb] =
            (RAM_IPA + (mb << 20)) | SD_SECTION | SD_AP_RW | SD_NORMAL_WB;
    sd_table[0x090] = 0x09000000u | SD_SECTION | SD_AP_RW | SD_DEVICE;
    sd_table[PL011_VA_ALIAS >> 20] = 0x09000000u | SD_SECTION | SD_AP_RW | SD_DEVICE;
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 2" ::"r"(0)); /* TTBCR */
    __asm__ volatile("mcr p15, 0, %0, c3, c0, 0" ::"r"(1)); /* DACR d0 client */
    __asm__ volatile("mcrr p15, 0, %Q0, %R0, c2" ::"r"((uint64_t)(uint32_t)sd_table)); /* TTBR0 */
}

static void setup_lpae(void)
{
    lpae_table[0] = 0x00000000ull | LD_BLOCK | LD_ATTR(1) | LD_AP_RW_ANY | LD_AF;
    lpae_table[1] = 0x40000000ull | LD_BLOCK | LD_ATTR(0) | LD_AP_RW_ANY | LD_AF | LD_SH_INNER;
    lpae_table[2] = 0x00000000ull | LD_BLOCK | LD_ATTR(1) | LD_AP_RW_ANY | LD_AF;
    lpae_table[3] = 0x40000000ull | LD_BLOCK | LD_ATTR(0) | LD_AP_RW_ANY | LD_AF | LD_SH_INNER;
    __asm__ volatile("mcr p15, 0, %0, c10, c2, 0" ::"r"(MAIR0_VALUE)); /* MAIR0 */
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 2" ::"r"(TTBCR_EAE));    /* T0SZ 0 */
    __asm__ volatile("mcrr p15, 0, %Q0, %R0, c2" ::"r"((uint64_t)(uint32_t)lpae_table));
}

static int pair_round_trip(uint32_t ibrd, uint32_t fbrd)
{
    uint32_t pc;
    __asm__ volatile("mov %0, pc" : "=r"(pc));
    uint32_t base = PL011_VA_ALIAS + PL011_IBRD;
    register uint32_t w0 __asm__("r2") = ibrd;
    register uint32_t w1 __asm__("r3") = fbrd;
    __asm__ volatile("strd %0, %1, [%2]" ::"r"(w0), "r"(w1), "r"(base) : "memory");
    register uint32_t r0 __asm__("r4") = 0;
    register uint32_t r1 __asm__("r5") = 0;
    __asm__ volatile("ldrd %0, %1, [%2]" : "=r"(r0), "=r"(r1) : "r"(base) : "memory");
    put_str("  pc ");
    put_hex(pc);
    put_str(" via VA ");
    put_hex(base);
    put_str(": ibrd=");
    put_hex(r0);
    put_str(" fbrd=");
    put_hex(r1);
    put_str("\n");
    return r0 == ibrd && r1 == fbrd && pc >= RAM_VA_ALIAS;
}

/* pair_round_trip, called at its alias VA (bit 0, the Thumb bit, kept). */
static int pair_round_trip_aliased(uint32_t ibrd, uint32_t fbrd)
{
    int (*fn)(uint32_t, uint32_t) = pair_round_trip;
    uint32_t alias = (uint32_t)fn - RAM_IPA + RAM_VA_ALIAS;
    return ((int (*)(uint32_t, uint32_t))alias)(ibrd, fbrd);
}

int main(void)
{
    setup_short();
    mmu_on();
    put_str("mmu on (short descriptors)\n");
    check("short-descriptor stage 1: strd/ldrd at a VA alias", pair_round_trip_aliased(0x42, 0x07));
    mmu_off();

    setup_lpae();
    mmu_on();
    put_str("mmu on (LPAE)\n");
    check("LPAE stage 1: strd/ldrd at a VA alias", pair_round_trip_aliased(0x99, 0x11));
    mmu_off();
    return 0;
}
