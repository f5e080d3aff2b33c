/*
 * SVE registers of a vCPU (sve.h): the vector-length limit per VM and the
 * save/load of the register file sve.S does. ZCR_EL2.LEN bounds the length
 * EL1 and EL0 can ask for in ZCR_EL1 (Arm ARM D19.2 ZCR_EL2), so a VM never
 * sees more than its limit, and EL2 saves at that length: whatever the
 * guest set in ZCR_EL1, every bit it could have written is kept.
 */
#include "arch/armv8/sve.h"

#include "arch/arch.h"
#include "arch/armv8/armv8.h"
#include "arch/armv8/sysregs.h"
#include "core/vm.h"
#include "core/vm_cpu.h"

/* sve.S */
unsigned armv8_sve_rdvl(void);
void armv8_sve_save_regs(void *buf);
void armv8_sve_restore_regs(const void *buf);

#define ZCR_EL1 S3_0_C1_C2_0
#define ZCR_EL2 S3_4_C1_C2_0

/* Bytes sve.S writes at vl: 32 Z registers, 16 P registers and FFR of vl/8. */
static uint64_t regs_size(unsigned vl)
{
    return 32ull * vl + 17ull * (vl / 8);
}

bool armv8_sve_present(void)
{
    return (read_sysreg(id_aa64pfr0_el1) >> ID_AA64PFR0_SVE_SHIFT) & ID_FIELD_MASK;
}

/* The vector length EL2 gets with ZCR_EL2 = zcr. CPTR_EL2.TZ traps
 * ZCR_EL2 and RDVL at EL2 too: opened for the measurement and put back,
 * and so is ZCR_EL2, which bounds the vector length of the vCPU whose SVE
 * registers are in the CPU (it may run again without a reload). */
static unsigned vl_for(uint64_t zcr)
{
    uint64_t cptr = read_sysreg(cptr_el2);
    write_sysreg(cptr_el2, cptr & ~(CPTR_EL2_TZ | CPTR_EL2_TFP));
    isb();
    uint64_t old = read_sysreg(ZCR_EL2);
    write_sysreg(ZCR_EL2, zcr);
    isb();
    unsigned vl = armv8_sve_rdvl();
    write_sysreg(ZCR_EL2, old);
    write_sysreg(cptr_el2, cptr);
    isb();
    return vl;
}

unsigned armv8_sve_max_vl(void)
{
    static int max = -1; /* measured once */
    if (max < 0)
        max = armv8_sve_present() ? (int)vl_for(ZCR_LEN_MASK) : 0;
    return (unsigned)max;
}

static void *slot_buf[VM_MAX * VM_MAX_VCPUS];

int armv8_sve_init(struct armv8_sve *s, unsigned slot, unsigned vl_max)
{
    *s = (struct armv8_sve){0};
    unsigned host = armv8_sve_max_vl();
    if (vl_max == 0 || host == 0 || slot >= VM_MAX * VM_MAX_VCPUS)
        return 0;
    if (!slot_buf[slot]) {
        size_t pages = (size_t)((regs_size(host) + PAGE_SIZE - 1) / PAGE_SIZE);
        paddr_t pa = arch_page_alloc(pages);
        if (!pa)
            return -1;
        slot_buf[slot] = arch_pa_to_va(pa);
    }
    s->buf = slot_buf[slot];
    s->zcr_el2 = vl_max / VM_SVE_VL_GRANULE - 1;
    s->vl = vl_for(s->zcr_el2);
    s->zcr_el1 = ZCR_LEN_MASK; /* as long as the VM allows until the guest says */
    return 0;
}

void armv8_sve_from_fpsimd(struct armv8_sve *s, const struct armv8_fpsimd *fp)
{
    uint8_t *b = s->buf;
    uint64_t n = regs_size(s->vl);
    for (uint64_t i = 0; i < n; i++)
        b[i] = 0;
    for (unsigned z = 0; z < 32; z++) {
        /* Z registers are stored as byte arrays, element 0 first (the
         * little-endian layout of STR Zt, B1.2.2): V's two doublewords. */
        uint64_t lo = fp->v[2 * z], hi = fp->v[2 * z + 1];
        for (unsigned i = 0; i < 8; i++) {
            b[z * s->vl + i] = (uint8_t)(lo >> (8 * i));
            b[z * s->vl + 8 + i] = (uint8_t)(hi >> (8 * i));
        }
    }
    s->active = true;
}

void armv8_sve_save(struct armv8_sve *s)
{
    write_sysreg(ZCR_EL2, s->zcr_el2);
    isb();
    armv8_sve_save_regs(s->buf);
    s->zcr_el1 = read_sysreg(ZCR_EL1);
}

void armv8_sve_restore(const struct armv8_sve *s)
{
    write_sysreg(ZCR_EL2, s->zcr_el2);
    isb();
    armv8_sve_restore_regs(s->buf);
    write_sysreg(ZCR_EL1, s->zcr_el1);
}
