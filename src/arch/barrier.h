/*
 * Barriers for the arch code of armv7, armv8 and the shared GICv2 driver:
 * the mnemonics are the same in A32 and A64 (Arm ARM B2.3.12 "Memory
 * barriers"; ARMv7-A ARM A3.8.3). Not for the core, which has none.
 */
#ifndef ARCH_BARRIER_H
#define ARCH_BARRIER_H

static inline void isb(void)
{
    __asm__ volatile("isb" ::: "memory");
}
static inline void dsb_ish(void)
{
    __asm__ volatile("dsb ish" ::: "memory");
}
static inline void dsb_ishst(void)
{
    __asm__ volatile("dsb ishst" ::: "memory");
}
static inline void dsb_sy(void)
{
    __asm__ volatile("dsb sy" ::: "memory");
}

#endif
