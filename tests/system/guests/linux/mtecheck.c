/*
 * mtecheck: a tiny static Linux program for armv8_linux64_max_mte (-M
 * virt,mte=on, MTE given to the guest by armvisor): run as "mtecheck <id>"
 * in two processes at once, each turns on synchronous tag checks
 * (PR_SET_TAGGED_ADDR_CTRL), maps a page with PROT_MTE, gives its first
 * granule a random tag (IRG, STG), spins without a system call so the timer
 * preempts it, then checks the tag is still there (LDG), an access through
 * the right tag works and one through another tag faults (SIGSEGV,
 * SEGV_MTESERR). Prints "mtecheck <id>: ... OK" only when all held.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#ifndef PROT_MTE
#define PROT_MTE 0x20
#endif
#ifndef PR_SET_TAGGED_ADDR_CTRL
#define PR_SET_TAGGED_ADDR_CTRL 55
#define PR_TAGGED_ADDR_ENABLE   (1ul << 0)
#endif
#ifndef PR_MTE_TCF_SYNC
#define PR_MTE_TCF_SYNC   (1ul << 1)
#define PR_MTE_TAG_SHIFT  3
#endif
#ifndef SEGV_MTESERR
#define SEGV_MTESERR 9
#endif
#define TAG_SHIFT      56
#define TAG_MASK       (0xfull << TAG_SHIFT)
#define NONZERO_TAGS   0xfffeul /* IRG may pick any tag but 0 */

static sigjmp_buf fault_jmp;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)ctx;
    fault_code = si->si_code;
    siglongjmp(fault_jmp, 1);
}

static uint64_t cntvct(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v));
    return v;
}

static uint64_t cntfrq(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

int main(int argc, char **argv)
{
    const char *id = argc > 1 ? argv[1] : "1";
    if (prctl(PR_SET_TAGGED_ADDR_CTRL,
              PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | (NONZERO_TAGS << PR_MTE_TAG_SHIFT), 0, 0,
              0) != 0) {
        printf("mtecheck %s: PR_SET_TAGGED_ADDR_CTRL refused: FAIL\n", id);
        return 1;
    }
    uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_MTE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        printf("mtecheck %s: mmap PROT_MTE refused: FAIL\n", id);
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);

    uint64_t p = (uint64_t)(uintptr_t)page, tagged;
    __asm__ volatile("irg %0, %1\n\tstg %0, [%0]" : "=&r"(tagged) : "r"(p) : "memory");
    volatile uint64_t *good = (volatile uint64_t *)(uintptr_t)tagged;
    *good = 0x1234;

    uint64_t end = cntvct() + cntfrq() / 2;
    while (cntvct() < end)
        ;

    uint64_t loaded = p;
    __asm__ volatile("ldg %0, [%1]" : "+r"(loaded) : "r"(p) : "memory");
    int ok = 1;
    if ((loaded & TAG_MASK) != (tagged & TAG_MASK) || (tagged & TAG_MASK) == 0) {
        printf("mtecheck %s: tag %llx came back as %llx: FAIL\n", id,
               (unsigned long long)(tagged >> TAG_SHIFT), (unsigned long long)(loaded >> TAG_SHIFT));
        ok = 0;
    }
    if (*good != 0x1234) {
        printf("mtecheck %s: data through the right tag changed: FAIL\n", id);
        ok = 0;
    }
    uint64_t other = tagged ^ (1ull << TAG_SHIFT);
    if (((other >> TAG_SHIFT) & 0xf) == 0)
        other ^= 2ull << TAG_SHIFT;
    fault_code = 0;
    if (sigsetjmp(fault_jmp, 1) == 0) {
        (void)*(volatile uint64_t *)(uintptr_t)other;
        printf("mtecheck %s: access through a wrong tag did not fault: FAIL\n", id);
        ok = 0;
    } else if (fault_code != SEGV_MTESERR) {
        printf("mtecheck %s: wrong-tag access faulted with si_code %d: FAIL\n", id, fault_code);
        ok = 0;
    }
    if (ok)
        printf("mtecheck %s: tag %llx kept, wrong tag faults (SEGV_MTESERR): OK\n", id,
               (unsigned long long)((tagged >> TAG_SHIFT) & 0xf));
    return ok ? 0 : 1;
}
