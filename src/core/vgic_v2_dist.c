/*
 * The GICv2 distributor's register map as the guest programs it (ARM IHI 0048B, section
 * 4.3, register map in table 4-1), for a GIC without the Security
 * Extensions. Registers for INTIDs 0-31 are banked per vCPU: the accessing
 * vCPU picks the bank.
 *
 * Access sizes (IHI0048B 4.1.4): every register takes 32-bit accesses;
 * GICD_IPRIORITYR, GICD_ITARGETSR, GICD_CPENDSGIR and GICD_SPENDSGIR also
 * take byte accesses. Other sizes, reserved offsets and SGIR reads read as
 * zero and ignore writes (logged once per VM): the guest is never aborted
 * for touching its interrupt controller. Fields of interrupts the VM does
 * not implement are RAZ/WI, as the specification requires.
 */
#include "core/vgic.h"

#include "lib/log.h"

/* Register offsets (IHI0048B table 4-1). */
#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_IIDR       0x008
#define GICD_IGROUPR    0x080
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ISPENDR    0x200
#define GICD_ICPENDR    0x280
#define GICD_ISACTIVER  0x300
#define GICD_ICACTIVER  0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICD_ICFGR      0xc00
#define GICD_SGIR       0xf00
#define GICD_CPENDSGIR  0xf10
#define GICD_SPENDSGIR  0xf20
#define GICD_PIDR2      0xfe8
#define GICD_CIDR0      0xff0
#define BITMAP_BYTES    0x80  /* one bit per INTID, 1020 IDs */
#define PRIORITY_BYTES  0x3fc /* one byte per INTID */
#define ICFGR_BYTES     0x100 /* two bits per INTID */

/* GICD_CTLR without Security Extensions (4.3.1): EnableGrp0, EnableGrp1. */
#define CTLR_MASK 0x3u

/* GICD_TYPER (4.3.2): ITLinesNumber [4:0], CPUNumber [7:5]. */
#define TYPER_CPUNUMBER_SHIFT 5

/* GICD_IIDR (4.3.3): implementer 0x43B (JEP106 code of Arm, as KVM's model
 * reports), revision 0, product ID 0. */
#define IIDR_VALUE 0x0000043bu

/* GICD_SGIR (4.3.15): TargetListFilter [25:24], CPUTargetList [23:16],
 * SGIINTID [3:0]. */
#define SGIR_FILTER_SHIFT 24
#define SGIR_FILTER_LIST  0u
#define SGIR_FILTER_OTHER 1u
#define SGIR_FILTER_SELF  2u
#define SGIR_TARGETS(v)   (((v) >> 16) & 0xffu)
#define SGIR_INTID(v)     ((v)&0xfu)

/* GICD_ICFGR (4.3.13): Int_config[1] of each field, 1 = edge-triggered. */
#define ICFGR_SGI_VALUE 0xaaaaaaaau

/* GICH_LR.Priority holds the top 5 bits of a priority (GICv2 5.3.2), so the
 * model implements those five and the low three are RAZ/WI (4.3.11). */
#define PRIORITY_MASK 0xf8u

/* Identification (4.3.17 and table 4-31): ICPIDR2.ArchRev [7:4] = 2 for
 * GICv2; the component ID reads as a CoreLink component's. */
#define PIDR2_VALUE 0x2bu
static const uint8_t cidr[4] = {0x0d, 0xf0, 0x05, 0xb1};

static unsigned nirqs(const struct vgic *vgic)
{
    return VGIC_NR_PRIVATE + vgic->nspis;
}

static unsigned access_cpu(const struct vgic *vgic, const struct mmio_access *acc)
{
    /* Accesses without a vCPU (tests, the VMM itself) see vCPU 0's bank. */
    if (acc->vcpu && acc->vcpu->vm == vgic->vm && acc->vcpu->id < vgic->vm->nvcpus)
        return acc->vcpu->id;
    return 0;
}

static void log_odd(struct vgic *vgic, const struct mmio_access *acc, const char *what)
{
    if (vgic->reserved_logged)
        return;
    vgic->reserved_logged = true;
    log_warn("vm %s: GICD: %s %u-byte %s at offset 0x%llx: %s (not logged again)\n", vgic->vm->name,
             what, acc->size, acc->write ? "write" : "read", (unsigned long long)acc->offset,
             acc->write ? "ignored" : "reads 0");
}

/* ---- One bit per interrupt ------------------------------------------------ */

enum bit_reg {
    BIT_GROUP,
    BIT_SENABLE,
    BIT_CENABLE,
    BIT_SPEND,
    BIT_CPEND,
    BIT_SACTIVE,
    BIT_CACTIVE
};

static bool bit_read(const struct vgic_irq *irq, enum bit_reg r)
{
    switch (r) {
    case BIT_GROUP:
        return irq->group1;
    case BIT_SENABLE:
    case BIT_CENABLE:
        return irq->enabled;
    case BIT_SPEND:
    case BIT_CPEND:
        return vgic_irq_pending(irq);
    case BIT_SACTIVE:
    case BIT_CACTIVE:
        return irq->active;
    }
    return false;
}

/* A write of value with bit set for irq (for the set/clear registers only
 * ones act; IGROUPR takes the bit as it is). */
static void bit_write(struct vgic *vgic, struct vgic_irq *irq, unsigned cpu, enum bit_reg r,
                      bool bit)
{
    if (r != BIT_GROUP && !bit)
        return;
    switch (r) {
    case BIT_GROUP:
        vgic_irq_set_group(vgic, irq, bit);
        return;
    case BIT_SENABLE:
    case BIT_CENABLE:
        vgic_irq_set_enabled(vgic, irq, r == BIT_SENABLE);
        return;
    case BIT_SPEND:
    case BIT_CPEND:
        vgic_irq_set_pending(vgic, irq, r == BIT_SPEND);
        return;
    case BIT_SACTIVE:
    case BIT_CACTIVE:
        vgic_irq_set_active(vgic, irq, r == BIT_SACTIVE, cpu);
        return;
    }
}

static void bitmap_access(struct vgic *vgic, struct mmio_access *acc, uint64_t base, enum bit_reg r)
{
    unsigned cpu = access_cpu(vgic, acc);
    unsigned first = (unsigned)(acc->offset - base) * 8;
    uint32_t v = 0;
    for (unsigned b = 0; b < 32; b++) {
        unsigned intid = first + b;
        struct vgic_irq *irq = intid < nirqs(vgic) ? vgic_irq(vgic, cpu, intid) : NULL;
        if (!irq)
            continue; /* unimplemented: RAZ/WI */
        if (acc->write)
            bit_write(vgic, irq, cpu, r, (acc->value >> b) & 1);
        else if (bit_read(irq, r))
            v |= 1u << b;
    }
    if (!acc->write)
        acc->value = v;
}

/* ---- One byte per interrupt ----------------------------------------------- */

static uint8_t byte_read(struct vgic *vgic, unsigned cpu, uint64_t reg, unsigned intid)
{
    struct vgic_irq *irq = intid < nirqs(vgic) ? vgic_irq(vgic, cpu, intid) : NULL;
    if (!irq)
        return 0;
    if (reg == GICD_IPRIORITYR)
        return irq->priority;
    /* GICD_ITARGETSR (4.3.12): RAZ/WI on a uniprocessor; for INTIDs 0-31
     * each field reads the accessing CPU's own bit. */
    if (vgic->vm->nvcpus == 1)
        return 0;
    return intid < VGIC_NR_PRIVATE ? (uint8_t)(1u << cpu) : irq->targets;
}

static void byte_write(struct vgic *vgic, unsigned cpu, uint64_t reg, unsigned intid, uint8_t v)
{
    struct vgic_irq *irq = intid < nirqs(vgic) ? vgic_irq(vgic, cpu, intid) : NULL;
    if (!irq)
        return;
    if (reg == GICD_IPRIORITYR) {
        vgic_irq_set_priority(vgic, irq, v & PRIORITY_MASK);
        return;
    }
    if (vgic->vm->nvcpus == 1 || intid < VGIC_NR_PRIVATE)
        return; /* read-only */
    /* Bits for CPU interfaces that do not exist are RAZ/WI. */
    vgic_irq_set_targets(vgic, irq, v & (uint8_t)((1u << vgic->vm->nvcpus) - 1));
}

static void bytes_access(struct vgic *vgic, struct mmio_access *acc, uint64_t reg)
{
    unsigned cpu = access_cpu(vgic, acc);
    unsigned first = (unsigned)(acc->offset - reg);
    uint32_t v = 0;
    for (unsigned i = 0; i < acc->size; i++) {
        if (acc->write)
            byte_write(vgic, cpu, reg, first + i, (uint8_t)(acc->value >> (8 * i)));
        else
            v |= (uint32_t)byte_read(vgic, cpu, reg, first + i) << (8 * i);
    }
    if (!acc->write)
        acc->value = v;
}

/* GICD_CPENDSGIR / GICD_SPENDSGIR (4.3.16, 4.3.17): one byte per SGI of the
 * accessing CPU, one bit per source CPU. */
static void sgi_pend_access(struct vgic *vgic, struct mmio_access *acc, uint64_t reg)
{
    unsigned cpu = access_cpu(vgic, acc);
    unsigned first = (unsigned)(acc->offset - reg);
    uint8_t sources = (uint8_t)((1u << vgic->vm->nvcpus) - 1);
    uint32_t v = 0;
    for (unsigned i = 0; i < acc->size; i++) {
        struct vgic_irq *irq = &vgic->cpu[cpu].priv[first + i];
        uint8_t b = (uint8_t)(acc->value >> (8 * i)) & sources;
        if (!acc->write)
            v |= (uint32_t)irq->sgi_pending << (8 * i);
        else
            vgic_irq_sgi_pend(vgic, irq, b, reg == GICD_SPENDSGIR);
    }
    if (!acc->write)
        acc->value = v;
}

/* ---- Two bits per interrupt ----------------------------------------------- */

static void icfgr_access(struct vgic *vgic, struct mmio_access *acc)
{
    unsigned cpu = access_cpu(vgic, acc);
    unsigned first = (unsigned)(acc->offset - GICD_ICFGR) * 4;
    /* SGIs: read-only edge (0b10). PPIs: whether their configuration can be
     * changed is IMPLEMENTATION DEFINED; ours are fixed (all level, like the
     * timer). Bit 0 of each field is reserved in GICv2: RAZ/WI. */
    if (first < VGIC_NR_PRIVATE) {
        if (!acc->write)
            acc->value = first == 0 ? ICFGR_SGI_VALUE : 0;
        return;
    }
    uint32_t v = 0;
    for (unsigned f = 0; f < 16; f++) {
        struct vgic_irq *irq = first + f < nirqs(vgic) ? vgic_irq(vgic, cpu, first + f) : NULL;
        if (!irq)
            continue;
        if (acc->write)
            vgic_irq_set_level_config(vgic, irq, !((acc->value >> (2 * f + 1)) & 1));
        else if (!irq->level)
            v |= 2u << (2 * f);
    }
    if (!acc->write)
        acc->value = v;
}

/* ---- GICD_SGIR ------------------------------------------------------------- */

/* The vCPUs a GICD_SGIR value written by vCPU self names (bits for CPU
 * interfaces that do not exist are ignored); false for the reserved
 * TargetListFilter. */
static bool sgir_targets(const struct vgic *vgic, unsigned self, uint32_t v, uint8_t *targets)
{
    uint8_t all = (uint8_t)((1u << vgic->vm->nvcpus) - 1);
    switch (v >> SGIR_FILTER_SHIFT & 3u) {
    case SGIR_FILTER_LIST:
        *targets = (uint8_t)(SGIR_TARGETS(v) & all);
        return true;
    case SGIR_FILTER_OTHER:
        *targets = (uint8_t)(all & ~(1u << self));
        return true;
    case SGIR_FILTER_SELF:
        *targets = (uint8_t)((1u << self) & all);
        return true;
    default:
        return false;
    }
}

static void sgir_write(struct vgic *vgic, const struct mmio_access *acc)
{
    unsigned self = access_cpu(vgic, acc);
    uint32_t v = (uint32_t)acc->value;
    uint8_t targets;
    if (!sgir_targets(vgic, self, v, &targets)) {
        log_odd(vgic, acc, "reserved TargetListFilter in GICD_SGIR");
        return;
    }
    vgic_send_sgi(vgic, self, targets, SGIR_INTID(v));
}

bool vgic_v2_is_sgir(const struct vm *vm, ipa_t ipa)
{
    return vm->vgic && ipa == vm->vgic->dist.base + GICD_SGIR;
}

bool vgic_v2_sgir_fast(struct vcpu *vcpu, uint32_t value)
{
    struct vgic *vgic = vcpu->vm->vgic;
    uint8_t targets;
    if (!vgic || vcpu->id >= vgic->vm->nvcpus || !sgir_targets(vgic, vcpu->id, value, &targets) ||
        (targets >> vcpu->id) & 1)
        return false;
    vgic_send_sgi(vgic, vcpu->id, targets, SGIR_INTID(value));
    return true;
}

/* ---- The device ------------------------------------------------------------ */

static bool in(uint64_t off, uint64_t base, uint64_t len)
{
    return off >= base && off - base < len;
}

static bool byte_ok(uint64_t off)
{
    return in(off, GICD_IPRIORITYR, PRIORITY_BYTES) || in(off, GICD_ITARGETSR, PRIORITY_BYTES) ||
           in(off, GICD_CPENDSGIR, 16) || in(off, GICD_SPENDSGIR, 16);
}

static int dist_access_locked(struct mmio_dev *dev, struct mmio_access *acc)
{
    struct vgic *vgic = dev->priv;
    uint64_t off = acc->offset;

    if (!(acc->size == 4 || (acc->size == 1 && byte_ok(off))) || (off & (acc->size - 1))) {
        log_odd(vgic, acc, "unsupported access size");
        if (!acc->write)
            acc->value = 0;
        return MMIO_OK;
    }
    if (!acc->write)
        acc->value = 0;

    static const struct {
        uint64_t base;
        enum bit_reg r;
    } bitmaps[] = {
        {GICD_IGROUPR, BIT_GROUP},     {GICD_ISENABLER, BIT_SENABLE}, {GICD_ICENABLER, BIT_CENABLE},
        {GICD_ISPENDR, BIT_SPEND},     {GICD_ICPENDR, BIT_CPEND},     {GICD_ISACTIVER, BIT_SACTIVE},
        {GICD_ICACTIVER, BIT_CACTIVE},
    };
    for (unsigned i = 0; i < sizeof(bitmaps) / sizeof(bitmaps[0]); i++) {
        if (in(off, bitmaps[i].base, BITMAP_BYTES)) {
            bitmap_access(vgic, acc, bitmaps[i].base, bitmaps[i].r);
            return MMIO_OK;
        }
    }
    if (in(off, GICD_IPRIORITYR, PRIORITY_BYTES)) {
        bytes_access(vgic, acc, GICD_IPRIORITYR);
        return MMIO_OK;
    }
    if (in(off, GICD_ITARGETSR, PRIORITY_BYTES)) {
        bytes_access(vgic, acc, GICD_ITARGETSR);
        return MMIO_OK;
    }
    if (in(off, GICD_ICFGR, ICFGR_BYTES)) {
        icfgr_access(vgic, acc);
        return MMIO_OK;
    }
    if (in(off, GICD_CPENDSGIR, 16) || in(off, GICD_SPENDSGIR, 16)) {
        sgi_pend_access(vgic, acc, in(off, GICD_CPENDSGIR, 16) ? GICD_CPENDSGIR : GICD_SPENDSGIR);
        return MMIO_OK;
    }

    switch (off) {
    case GICD_CTLR:
        if (acc->write)
            vgic_set_ctlr(vgic, (uint32_t)acc->value & CTLR_MASK);
        else
            acc->value = vgic->ctlr;
        return MMIO_OK;
    case GICD_TYPER:
    case GICD_IIDR:
    case GICD_PIDR2:
        if (!acc->write)
            acc->value = off == GICD_TYPER ? (nirqs(vgic) / 32 - 1) | (vgic->vm->nvcpus - 1)
                                                                          << TYPER_CPUNUMBER_SHIFT
                         : off == GICD_IIDR ? IIDR_VALUE
                                            : PIDR2_VALUE;
        return MMIO_OK; /* read-only: writes ignored */
    case GICD_SGIR:
        if (acc->write)
            sgir_write(vgic, acc);
        else
            log_odd(vgic, acc, "read of write-only GICD_SGIR");
        return MMIO_OK;
    }
    if (in(off, GICD_CIDR0, 16)) {
        if (!acc->write)
            acc->value = cidr[(off - GICD_CIDR0) / 4];
        return MMIO_OK;
    }
    log_odd(vgic, acc, "reserved register");
    return MMIO_OK;
}

static int dist_access(struct mmio_dev *dev, struct mmio_access *acc);
static const struct mmio_ops dist_ops = {.access = dist_access};

void vgic_v2_dist_init(struct vgic *vgic, ipa_t base)
{
    vgic->dist = (struct mmio_dev){
        .name = "gicv2-dist", .base = base, .size = VGIC_DIST_SIZE, .ops = &dist_ops, .priv = vgic};
}

static int dist_access(struct mmio_dev *dev, struct mmio_access *acc)
{
    struct vgic *vgic = ((struct vgic *)dev->priv);
    if (!vgic)
        return dist_access_locked(dev, acc);
    vgic_lock(vgic);
    int r = dist_access_locked(dev, acc);
    vgic_unlock(vgic);
    return r;
}
