/*
 * The vCPU context switch: every general register of every mode must come
 * back unchanged across exits to armvisor (HVC and MMIO traps). Sets
 * r2-r12, the banked SP/LR/SPSR of usr/irq/fiq/und/abt/svc and r8-r12_fiq
 * to known patterns with the MSR (banked register) instruction, exits a few
 * times, and reads them all back.
 */
#include "guest.h"

/* regs_asm.S: r1-r12 loaded with patterns, HVC ping, returns a bit mask of
 * registers that changed (bit n: rn). */
uint32_t hvc_gpr_check(void);

#define MSR_B(reg, v) __asm__ volatile(".arch_extension virt\n\tmsr " #reg ", %0" ::"r"(v))
#define MRS_B(reg)                                                                                 \
    ({                                                                                             \
        uint32_t x_;                                                                               \
        __asm__ volatile(".arch_extension virt\n\tmrs %0, " #reg : "=r"(x_));                      \
        x_;                                                                                        \
    })

struct banked_vals {
    uint32_t sp_usr, lr_usr, sp_irq, lr_irq, spsr_irq, sp_fiq, lr_fiq, spsr_fiq;
    uint32_t r8_fiq, r9_fiq, r10_fiq, r11_fiq, r12_fiq;
    uint32_t sp_und, lr_und, spsr_und, sp_abt, lr_abt, spsr_abt, spsr_svc;
};

static void write_banked(const struct banked_vals *v)
{
    MSR_B(SP_usr, v->sp_usr);
    MSR_B(LR_usr, v->lr_usr);
    MSR_B(SP_irq, v->sp_irq);
    MSR_B(LR_irq, v->lr_irq);
    MSR_B(SPSR_irq, v->spsr_irq);
    MSR_B(SP_fiq, v->sp_fiq);
    MSR_B(LR_fiq, v->lr_fiq);
    MSR_B(SPSR_fiq, v->spsr_fiq);
    MSR_B(r8_fiq, v->r8_fiq);
    MSR_B(r9_fiq, v->r9_fiq);
    MSR_B(r10_fiq, v->r10_fiq);
    MSR_B(r11_fiq, v->r11_fiq);
    MSR_B(r12_fiq, v->r12_fiq);
    MSR_B(SP_und, v->sp_und);
    MSR_B(LR_und, v->lr_und);
    MSR_B(SPSR_und, v->spsr_und);
    MSR_B(SP_abt, v->sp_abt);
    MSR_B(LR_abt, v->lr_abt);
    MSR_B(SPSR_abt, v->spsr_abt);
    __asm__ volatile("msr spsr_fsxc, %0" ::"r"(v->spsr_svc));
}

static void read_banked(struct banked_vals *v)
{
    v->sp_usr = MRS_B(SP_usr);
    v->lr_usr = MRS_B(LR_usr);
    v->sp_irq = MRS_B(SP_irq);
    v->lr_irq = MRS_B(LR_irq);
    v->spsr_irq = MRS_B(SPSR_irq);
    v->sp_fiq = MRS_B(SP_fiq);
    v->lr_fiq = MRS_B(LR_fiq);
    v->spsr_fiq = MRS_B(SPSR_fiq);
    v->r8_fiq = MRS_B(r8_fiq);
    v->r9_fiq = MRS_B(r9_fiq);
    v->r10_fiq = MRS_B(r10_fiq);
    v->r11_fiq = MRS_B(r11_fiq);
    v->r12_fiq = MRS_B(r12_fiq);
    v->sp_und = MRS_B(SP_und);
    v->lr_und = MRS_B(LR_und);
    v->spsr_und = MRS_B(SPSR_und);
    v->sp_abt = MRS_B(SP_abt);
    v->lr_abt = MRS_B(LR_abt);
    v->spsr_abt = MRS_B(SPSR_abt);
    __asm__ volatile("mrs %0, spsr" : "=r"(v->spsr_svc));
}

int main(void)
{
    uint32_t mask = hvc_gpr_check();
    put_str("r1-r12 changed across hvc: mask ");
    put_hex(mask);
    put_str("\n");
    check("r1-r12 preserved across hvc", mask == 0);

    struct banked_vals saved, want, got;
    read_banked(&saved); /* the UND/ABT stacks are in use: put them back */
    uint32_t *w = (uint32_t *)&want;
    for (unsigned i = 0; i < sizeof(want) / 4; i++)
        w[i] = 0x10000000u * ((i % 7) + 1) + 0x01010100u * i + 0x10u;
    /* SPSRs: valid CPSR values (flags + a mode), distinct per register. */
    want.spsr_irq = 0x800001d0u;
    want.spsr_fiq = 0x400001d1u;
    want.spsr_und = 0x200001d2u;
    want.spsr_abt = 0x100001dfu;
    want.spsr_svc = 0x900001d3u;

    write_banked(&want);
    for (int i = 0; i < 4; i++)
        hvc_call(AV_HVC_PING, (uint32_t)i);
    put_str("banked registers written, exits done\n");
    read_banked(&got);
    write_banked(&saved);

    const uint32_t *g = (const uint32_t *)&got;
    unsigned bad = 0;
    for (unsigned i = 0; i < sizeof(want) / 4; i++) {
        if (g[i] != w[i]) {
            put_str("banked register #");
            put_hex(i);
            put_str(" want ");
            put_hex(w[i]);
            put_str(" got ");
            put_hex(g[i]);
            put_str("\n");
            bad++;
        }
    }
    check("banked registers preserved across exits", bad == 0);
    return 0;
}
