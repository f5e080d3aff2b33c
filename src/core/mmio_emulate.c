/*
 * Data-abort emulation: from the syndrome (ISV=1) or the decoded instruction
 * (ISV=0) to one or two accesses on the VM's MMIO bus, then the guest's
 * registers: loaded values (sign-extended, byte-swapped for a big-endian
 * guest), base-register writeback, PC past the instruction.
 *
 * ARMv8-A ARM D13.2.39 (ESR_EL2 ISS for data aborts) and ARMv7-A ARM B3.13.6
 * (HSR): ISV=1 only for single loads/stores of general registers without
 * writeback; everything else (pairs, pre/post-index, LDRD/STRD, many T32
 * forms) reports ISV=0 and must be decoded from memory.
 */
#include "core/mmio_emulate.h"

#include "core/insn.h"
#include "lib/log.h"

#define REG_PC_A32 15

static enum run_result refuse(struct vcpu *vcpu, enum refuse_reason why,
                              const struct exit_info *info)
{
    vcpu_refuse(vcpu, why, info);
    return RUN_CONTINUE;
}

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

/* Reverse the low size bytes of v (big-endian guest data, CPSR.E /
 * SCTLR_EL1.EE: the bus carries little-endian device registers). */
static uint64_t bswap_size(uint64_t v, unsigned size)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < size; i++) {
        r = (r << 8) | (v & 0xff);
        v >>= 8;
    }
    return r;
}

/* Sign-extend the low size bytes of v to 64 bits. */
static uint64_t sext(uint64_t v, unsigned size)
{
    if (size >= 8)
        return v;
    unsigned sh = 64 - size * 8;
    return (uint64_t)((int64_t)(v << sh) >> sh);
}

/* A loaded value as the destination register holds it: sign-extended to
 * the register width when asked (to64: X register, else 32 bits), and an
 * AArch32 or W register never gets upper bits. */
static uint64_t load_result(uint64_t v, unsigned size, bool sign, bool to64, bool aarch64)
{
    if (sign) {
        v = sext(v, size);
        if (!(aarch64 && to64))
            v = (uint32_t)v;
    }
    return aarch64 ? v : (uint32_t)v;
}

uint32_t mmio_a32_shift(uint32_t value, unsigned type, unsigned amount)
{
    if (amount == 0)
        return value;
    switch (type & 3) {
    case 0: /* LSL */
        return amount >= 32 ? 0 : value << amount;
    case 1: /* LSR */
        return amount >= 32 ? 0 : value >> amount;
    case 2: /* ASR */
        if (amount >= 32)
            return (value & 0x80000000u) ? 0xffffffffu : 0;
        return (uint32_t)((int32_t)value >> amount);
    default: /* ROR */
        amount &= 31;
        return amount ? (value >> amount) | (value << (32 - amount)) : value;
    }
}

/* One access on the bus at ipa; counts it when it happened. */
static int bus_access(struct vcpu *vcpu, ipa_t ipa, unsigned size, bool write, uint64_t *val)
{
    struct mmio_access acc = {
        .vcpu = vcpu, .size = size, .write = write, .value = write ? *val : 0};
    int r = mmio_bus_dispatch(&vcpu->vm->mmio, ipa, &acc);
    if (r != MMIO_OK)
        return r;
    if (write)
        vcpu->stats.mmio_writes++;
    else
        vcpu->stats.mmio_reads++;
    if (!write)
        *val = acc.value;
    return MMIO_OK;
}

static enum run_result refuse_bus(struct vcpu *vcpu, int r, const struct exit_info *info)
{
    return refuse(vcpu, r == MMIO_NO_DEVICE ? REFUSE_NO_DEVICE : REFUSE_DEVICE, info);
}

/* ---- ISV = 1: the syndrome describes the access -------------------------- */

static enum run_result emulate_isv(struct vcpu *vcpu, const struct exit_info *info, ipa_t ipa)
{
    const struct exit_dabt *d = &info->u.dabt;
    bool a64 = arch_vcpu_isa(vcpu) == ISA_A64;
    bool be = arch_vcpu_data_be(vcpu);
    unsigned size = d->size;

    /* A load into the AArch32 PC is a branch we do not emulate. */
    if (!a64 && !d->write && d->srt == REG_PC_A32)
        return refuse(vcpu, REFUSE_UNDECODABLE, info);

    uint64_t v = 0;
    if (d->write) {
        v = arch_vcpu_reg_read(vcpu, d->srt) & size_mask(size);
        if (be)
            v = bswap_size(v, size);
    }
    int r = bus_access(vcpu, ipa, size, d->write, &v);
    if (r != MMIO_OK)
        return refuse_bus(vcpu, r, info);
    if (!d->write) {
        if (be)
            v = bswap_size(v, size);
        arch_vcpu_reg_write(vcpu, d->srt, load_result(v, size, d->sign, d->sf, a64));
    }
    arch_vcpu_skip_insn(vcpu, info->il);
    return RUN_CONTINUE;
}

/* ---- ISV = 0: fetch and decode the instruction -------------------------- */

static bool fetch(struct vcpu *vcpu, uint64_t va, unsigned len, uint32_t *out)
{
    ipa_t ipa;
    uint8_t b[4];
    if (!arch_vcpu_va_to_ipa(vcpu, va, &ipa) || !vm_copy_from_guest(vcpu->vm, b, ipa, len))
        return false;
    /* Instructions are little-endian in memory whatever the data
     * endianness (ARMv7 A3.3.1 BE8, ARMv8 SCTLR.EE affects data only). */
    uint32_t v = 0;
    for (unsigned i = len; i-- > 0;)
        v = (v << 8) | b[i];
    *out = v;
    return true;
}

/* Fetch and decode the instruction at the PC; on failure *why says why. */
static bool fetch_decode(struct vcpu *vcpu, enum vcpu_isa isa, struct insn_mem *m,
                         enum refuse_reason *why)
{
    uint64_t pc = arch_vcpu_pc(vcpu);
    uint32_t w, hw2 = 0;
    int err;

    *why = REFUSE_FETCH;
    switch (isa) {
    case ISA_A64:
        if (!fetch(vcpu, pc, 4, &w))
            return false;
        err = insn_decode_a64(w, m);
        break;
    case ISA_A32:
        if (!fetch(vcpu, pc, 4, &w))
            return false;
        err = insn_decode_a32(w, m);
        break;
    case ISA_T32:
        /* The second halfword may be on the next page: translate it on its
         * own. AArch32 addresses wrap at 4 GiB. */
        if (!fetch(vcpu, pc, 2, &w))
            return false;
        if (insn_t32_is_32bit((uint16_t)w) && !fetch(vcpu, (uint32_t)(pc + 2), 2, &hw2))
            return false;
        err = insn_decode_t32((uint16_t)w, (uint16_t)hw2, m);
        break;
    default:
        return false;
    }
    *why = REFUSE_UNDECODABLE;
    return err == INSN_OK;
}

/* The value of base register n (A64: INSN_REG_SP is the stack pointer). */
static uint64_t base_read(struct vcpu *vcpu, bool a64, unsigned n)
{
    if (a64 && n == INSN_REG_SP)
        return arch_vcpu_sp_read(vcpu);
    return arch_vcpu_reg_read(vcpu, n);
}

static void base_write(struct vcpu *vcpu, bool a64, unsigned n, uint64_t v)
{
    if (a64 && n == INSN_REG_SP)
        arch_vcpu_sp_write(vcpu, v);
    else
        arch_vcpu_reg_write(vcpu, n, a64 ? v : (uint32_t)v);
}

/* The offset writeback adds to the base (imm, or +/- Shift(Rm)). */
static uint64_t wb_offset(struct vcpu *vcpu, bool a64, const struct insn_mem *m)
{
    if (m->off_kind == INSN_OFF_IMM)
        return (uint64_t)m->imm;
    if (m->off_kind == INSN_OFF_REG && !a64) {
        uint32_t off =
            mmio_a32_shift((uint32_t)arch_vcpu_reg_read(vcpu, m->rm), m->shift_type, m->shift_amt);
        return m->rm_subtract ? (uint64_t)(uint32_t)(0u - off) : off;
    }
    return 0;
}

/* Sanity checks on a decoded instruction against the abort it caused and
 * against the AArch32 register rules the decoders already enforce (kept
 * here too: a decoder slip must not let a guest branch through MMIO). */
static bool insn_acceptable(const struct insn_mem *m, const struct exit_dabt *d, bool a64)
{
    /* The memory at the PC changed since the fault (another vCPU, DMA) if
     * the instruction goes the other way than the abort. */
    if (m->load == d->write)
        return false;
    if (m->size != 1 && m->size != 2 && m->size != 4 && m->size != 8)
        return false;
    if (m->pair && m->load && m->rt == m->rt2)
        return false;
    if (a64)
        return !m->writeback || !m->load || (m->rt != m->rn && (!m->pair || m->rt2 != m->rn));
    if (m->rt == REG_PC_A32 || (m->pair && m->rt2 == REG_PC_A32))
        return false;
    if (m->writeback &&
        (m->rn == REG_PC_A32 || (m->off_kind == INSN_OFF_REG && m->rm == REG_PC_A32)))
        return false;
    if (m->writeback && m->load && (m->rt == m->rn || (m->pair && m->rt2 == m->rn)))
        return false;
    return m->size <= 4;
}

static enum run_result emulate_decoded(struct vcpu *vcpu, const struct exit_info *info, ipa_t ipa)
{
    enum vcpu_isa isa = arch_vcpu_isa(vcpu);
    bool a64 = isa == ISA_A64;
    bool be = arch_vcpu_data_be(vcpu);
    struct insn_mem m = {0};
    enum refuse_reason why;

    if (!fetch_decode(vcpu, isa, &m, &why))
        return refuse(vcpu, why, info);
    if (!insn_acceptable(&m, &info->u.dabt, a64))
        return refuse(vcpu, REFUSE_UNDECODABLE, info);

    /* Where the first element is. For writeback forms the registers say
     * where the access was (post-index: at the base; pre-index: base plus
     * offset), and FAR must lie within the access; a CPU may report the
     * second element of a pair, so step back to the first when it did. For
     * other forms the decoders give no offset, and FAR (which is where the
     * instruction faulted) is taken as the first element. */
    uint64_t base = 0, off = 0;
    unsigned total = m.pair ? 2 * m.size : m.size;
    if (m.writeback) {
        base = base_read(vcpu, a64, m.rn);
        off = wb_offset(vcpu, a64, &m);
        uint64_t va = m.post_index ? base : base + off;
        uint64_t delta = info->far - va;
        if (!a64) {
            va = (uint32_t)va;
            delta = (uint32_t)(info->far - va);
        }
        if (delta >= total || (ipa & (PAGE_SIZE - 1)) < delta)
            return refuse(vcpu, REFUSE_UNDECODABLE, info);
        ipa -= delta;
    }

    /* Both elements of a pair must belong to one device: checked before
     * any access, so a refused pair has no side effect. */
    struct mmio_dev *dev = mmio_bus_find(&vcpu->vm->mmio, ipa);
    if (!dev)
        return refuse(vcpu, REFUSE_NO_DEVICE, info);
    if (ipa - dev->base > dev->size - total || total > dev->size)
        return refuse(vcpu, REFUSE_DEVICE, info);

    uint64_t v[2] = {0, 0};
    unsigned n = m.pair ? 2 : 1;
    unsigned rts[2] = {m.rt, m.rt2};
    if (!m.load) {
        /* Read every source register before anything is written back. */
        for (unsigned i = 0; i < n; i++) {
            v[i] = arch_vcpu_reg_read(vcpu, rts[i]) & size_mask(m.size);
            if (be)
                v[i] = bswap_size(v[i], m.size);
        }
    }
    for (unsigned i = 0; i < n; i++) {
        int r = bus_access(vcpu, ipa + i * m.size, m.size, !m.load, &v[i]);
        if (r != MMIO_OK)
            return refuse_bus(vcpu, r, info);
    }
    if (m.load) {
        for (unsigned i = 0; i < n; i++) {
            uint64_t x = be ? bswap_size(v[i], m.size) : v[i];
            arch_vcpu_reg_write(vcpu, rts[i], load_result(x, m.size, m.sign, m.dst64, a64));
        }
    }
    if (m.writeback)
        base_write(vcpu, a64, m.rn, base + off);
    /* ISV=0: the syndrome's IL is not meaningful, the decoder's length is. */
    arch_vcpu_skip_insn(vcpu, m.len);
    return RUN_CONTINUE;
}

/* ---- Entry --------------------------------------------------------------- */

enum run_result mmio_emulate(struct vcpu *vcpu, const struct exit_info *info)
{
    const struct exit_dabt *d = &info->u.dabt;
    struct vm *vm = vcpu->vm;

    /* The guest's own stage-1 walk touched an IPA with no RAM: its page
     * tables point outside its memory. Not MMIO. */
    if (d->s1ptw)
        return refuse(vcpu, REFUSE_S1PTW, info);

    /* A cache maintenance instruction (DC by VA) on an address with no RAM:
     * there is no cache line to maintain behind MMIO, so it completes as a
     * no-op, as KVM does. CM is reported with ISV=0 and IL=1: DC and the
     * AArch32 MCR forms are all 4 bytes long. */
    if (d->cm) {
        arch_vcpu_skip_insn(vcpu, 4);
        return RUN_CONTINUE;
    }

    ipa_t ipa = info->ipa;
    if (!info->ipa_valid) {
        /* HPFAR not valid for this fault: translate FAR as KVM does. */
        if (!arch_vcpu_va_to_ipa(vcpu, info->far, &ipa))
            return refuse(vcpu, REFUSE_NO_DEVICE, info);
    }

    /* RAM is mapped, so a fault on it is no MMIO: a permission fault (write
     * to read-only), an access-flag or alignment fault, ... A translation
     * fault says nothing is mapped there (a VM's stage 2 does not change
     * while it runs), which spares the MMIO exit a table walk. */
    struct stage2_walk w;
    if (!d->translation && stage2_walk(&vm->stage2, ipa, &w) && w.mapped)
        return refuse(vcpu, REFUSE_PERMISSION, info);

    if (d->isv)
        return emulate_isv(vcpu, info, ipa);
    return emulate_decoded(vcpu, info, ipa);
}
