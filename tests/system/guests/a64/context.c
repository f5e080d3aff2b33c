/* The vCPU context survives exits: general registers, EL1 system registers
 * and FP/SIMD registers (switched lazily: the first FP instruction traps to
 * armvisor, which loads the registers and retries it). Every value mixes in
 * boot_x0, so when armvisor runs two copies of this guest interleaved
 * (armvisor.selftest=two_vms, x0 = 0 and 1), a VM that sees the other's
 * registers fails. */
#include "guest.h"

int main(void)
{
    uint64_t k = boot_x0;
    put_str("guest: boot x0 ");
    put_hex(k);
    put_str("\n");

    /* EL1 registers armvisor switches, written, exits, read back. */
    uint64_t vals[4] = {0x1111222233334444ull ^ (k << 8), 0x5555666677778888ull + k,
                        0x40001000ull + (k << 4), 0x3ull + k};
    __asm__ volatile("msr tpidr_el1, %0\n\tmsr tpidr_el0, %1\n\tmsr tpidrro_el0, %2\n\t"
                     "msr contextidr_el1, %3"
                     :
                     : "r"(vals[0]), "r"(vals[1]), "r"(vals[2]), "r"(vals[3]));
    hvc_call(AV_HVC_PING, 0);
    put_str("guest: EL1 registers written\n"); /* more exits */
    uint64_t got[4];
    __asm__ volatile("mrs %0, tpidr_el1\n\tmrs %1, tpidr_el0\n\tmrs %2, tpidrro_el0\n\t"
                     "mrs %3, contextidr_el1"
                     : "=r"(got[0]), "=r"(got[1]), "=r"(got[2]), "=r"(got[3]));
    check("EL1 registers kept across an exit",
          got[0] == vals[0] && got[1] == vals[1] && got[2] == vals[2] && got[3] == vals[3]);

    /* Callee-saved general registers through many exits. */
    uint64_t x19 = 0, x28 = 0;
    __asm__ volatile("mov x19, %2\n\tmov x28, %3\n\t"
                     "mov x0, #0x86000000\n\tmov x1, #1\n\thvc #0\n\t"
                     "mov x0, #0x86000000\n\tmov x1, #2\n\thvc #0\n\t"
                     "mov %0, x19\n\tmov %1, x28"
                     : "=r"(x19), "=r"(x28)
                     : "r"(0x1919 + k), "r"(0x2828 + k)
                     : "x0", "x1", "x2", "x3", "x19", "x28", "memory");
    check("x19/x28 kept across exits", x19 == 0x1919 + k && x28 == 0x2828 + k);

    /* FP/SIMD: enable at EL1 (CPACR_EL1.FPEN = 3), fill v0/v31 and FPCR,
     * exits, read back. */
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" : : "r"(3ull << 20));
    uint64_t lo = 0, hi = 0, fpcr = 0;
    uint64_t fpcr_in = (k ? 1ull : 3ull) << 22; /* RMode */
    uint64_t d0 = 0x0123456789abcdefull ^ k, d31 = 0xfedcba9876543210ull + k;
    __asm__ volatile(".arch armv8-a+fp+simd\n\t"
                     "fmov d0, %2\n\tmov v0.d[1], %3\n\tfmov d31, %3\n\tmsr fpcr, %4\n\t"
                     "mov x0, #0x86000000\n\thvc #0\n\t"
                     "mov x0, #0x86000000\n\thvc #0\n\t"
                     "mov %0, v0.d[1]\n\tfmov %1, d31"
                     : "=&r"(hi), "=&r"(lo)
                     : "r"(d0), "r"(d31), "r"(fpcr_in)
                     : "x0", "x1", "x2", "x3", "v0", "v31", "memory");
    put_str("guest: FP registers written\n"); /* more exits */
    uint64_t lo0 = 0;
    __asm__ volatile(".arch armv8-a+fp+simd\n\tfmov %0, d0\n\tmrs %1, fpcr"
                     : "=r"(lo0), "=r"(fpcr));
    check("FP/SIMD registers kept across exits",
          hi == d31 && lo == d31 && lo0 == d0 && fpcr == fpcr_in);
    return 0;
}
