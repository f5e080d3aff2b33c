/*
 * Watchpoints belong to their VM. The guest arms watchpoint 0 on stores to
 * words[k] (k = boot_x0: 0, or the VM index under armvisor.selftest=two_vms)
 * and stores to both words, with exits in between; it must take a
 * watchpoint exception for each store to its own word and none for the
 * other's. Two copies interleaved one exit at a time (two_vms) arm
 * different words: if armvisor left one VM's debug registers in the CPU
 * while the other runs, a VM would hit the other's word or miss its own.
 * Breakpoint 0's value register and the OS Lock must also read back what
 * this VM wrote. (Arm ARM D2: self-hosted debug; DBGWCR<n>_EL1 D13.3.)
 */
#include "guest.h"

#define ROUNDS 8

#define WCR_E         (1ull << 0)
#define WCR_PAC_EL1   (1ull << 1)  /* match EL1 accesses */
#define WCR_LSC_STORE (2ull << 3)  /* match stores */
#define WCR_BAS_ALL   (0xffull << 5)
#define MDSCR_KDE     (1ull << 13) /* debug exceptions at EL1 */
#define MDSCR_MDE     (1ull << 15) /* breakpoints and watchpoints on */
#define OSLSR_OSLK    (1ull << 1)

static volatile uint64_t words[2];
static volatile unsigned hits[2], stray;

static void arm_watch(uint64_t wcr)
{
    __asm__ volatile("msr dbgwcr0_el1, %0\n\tisb" : : "r"(wcr) : "memory");
}

/* The store has not happened: disarm, record and retry it. */
uint64_t guest_debug(uint64_t esr, uint64_t elr, uint64_t far)
{
    arm_watch(0);
    if (ESR_EC(esr) != EC_WATCH_CUR)
        stray++;
    else if ((far & ~7ull) == (uint64_t)&words[0])
        hits[0]++;
    else if ((far & ~7ull) == (uint64_t)&words[1])
        hits[1]++;
    else
        stray++;
    return elr;
}

int main(void)
{
    uint64_t k = boot_x0 & 1;
    put_str("watch: vm index ");
    put_hex(k);
    put_str("\n");
    uint64_t dfr0;
    __asm__ volatile("mrs %0, id_aa64dfr0_el1" : "=r"(dfr0));
    check("ID_AA64DFR0_EL1 says at least 2 watchpoints", ((dfr0 >> 20) & 0xf) >= 1);

    uint64_t bvr = 0x40100000ull + (k << 12);
    uint64_t wcr = WCR_E | WCR_PAC_EL1 | WCR_LSC_STORE | WCR_BAS_ALL;
    __asm__ volatile("msr oslar_el1, xzr\n\t"
                     "msr dbgbvr0_el1, %0\n\t"
                     "msr dbgwvr0_el1, %1\n\t"
                     "mrs x9, mdscr_el1\n\t"
                     "orr x9, x9, %2\n\t"
                     "msr mdscr_el1, x9\n\t"
                     "msr daifclr, #8\n\t"
                     "isb"
                     :
                     : "r"(bvr), "r"((uint64_t)&words[k]), "r"(MDSCR_KDE | MDSCR_MDE)
                     : "x9", "memory");

    for (unsigned i = 0; i < ROUNDS; i++) {
        arm_watch(wcr);
        hvc_call(AV_HVC_PING, 0); /* the other VM runs and arms its own */
        words[k] = i;             /* hit: ours */
        arm_watch(wcr);
        hvc_call(AV_HVC_PING, 0);
        words[k ^ 1] = i;         /* not ours */
        arm_watch(0);
    }
    put_str("watch: hits on own word ");
    put_hex(hits[k]);
    put_str(", on the other's ");
    put_hex(hits[k ^ 1]);
    put_str("\n");
    check("each store to this VM's watched word hit", hits[k] == ROUNDS);
    check("no hit on the word this VM did not watch", hits[k ^ 1] == 0 && stray == 0);
    check("stores completed", words[k] == ROUNDS - 1 && words[k ^ 1] == ROUNDS - 1);

    uint64_t bvr_got, wvr_got, oslsr, mdscr;
    __asm__ volatile("mrs %0, dbgbvr0_el1\n\tmrs %1, dbgwvr0_el1\n\t"
                     "mrs %2, oslsr_el1\n\tmrs %3, mdscr_el1"
                     : "=r"(bvr_got), "=r"(wvr_got), "=r"(oslsr), "=r"(mdscr));
    check("DBGBVR0_EL1/DBGWVR0_EL1 kept across exits",
          bvr_got == bvr && wvr_got == (uint64_t)&words[k]);
    check("OS Lock stays unlocked, MDSCR_EL1 kept",
          !(oslsr & OSLSR_OSLK) && (mdscr & (MDSCR_KDE | MDSCR_MDE)) == (MDSCR_KDE | MDSCR_MDE));
    __asm__ volatile("msr daifset, #8" ::: "memory");
    return 0;
}
