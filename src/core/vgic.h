/*
 * The virtual GIC: a GICv2 model per VM (ARM IHI 0048B, "GIC architecture
 * specification v2"), split like KVM's vgic/ directory:
 *
 *   vgic.c       interrupt state (SGIs/PPIs banked per vCPU, SPIs shared),
 *                injection, the WFI wait, the vGIC pool
 *   vgic_dist.c  the distributor's MMIO registers (IHI0048B 4.3)
 *   vgic_lr.c    list registers: flush before entry, sync after exit
 *   vtimer.c     the EL1 virtual timer, a level-sensitive PPI 27
 *
 * The guest's CPU interface (GICV_IAR/EOIR...) is the hardware's virtual CPU
 * interface, fed through the arch's list registers; the core never emulates
 * it. A VM has a vGIC only when vgic_attach was called (vm_launch does it when
 * arch_vgic_lr_count() > 0); without one, the run loop behaves as if no
 * interrupt controller existed.
 */
#ifndef CORE_VGIC_H
#define CORE_VGIC_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"
#include "core/mmio.h"
#include "core/vm.h"

/* Interrupt ID ranges (IHI0048B 2.2.1). */
#define VGIC_NR_SGIS      16u
#define VGIC_NR_PRIVATE   32u  /* SGIs + PPIs, banked per CPU interface */
#define VGIC_MAX_SPIS     224u /* up to INTID 255: ITLinesNumber 7 */
#define VGIC_SPURIOUS     1023u
#define VGIC_DEFAULT_SPIS 96u /* ITLinesNumber 3: INTIDs 0-127 */

/* Where QEMU's virt machine puts the GICv2 distributor, and its size (the
 * register map of IHI0048B table 4-1 ends at 0xFFC). */
#define VGIC_DIST_BASE 0x08000000ull
#define VGIC_DIST_SIZE 0x1000ull
/* And the CPU interface the guest sees (GICC, QEMU virt; the arch maps its
 * virtual CPU interface there: arch_vgic_cpu_iface). */
#define VGIC_CPU_BASE 0x08010000ull

/* Interrupts of the virt machine: the EL1 virtual timer PPI (INTID 27, as
 * the Arm ARM's recommended PPI map and QEMU virt use) and the PL011 on
 * SPI 1 (INTID 33). */
#define VGIC_PPI_VTIMER 27u
#define VGIC_SPI_UART   33u

/* List registers the core tracks per vCPU (GICv2 allows up to 64; GIC-400
 * has 4). An arch with more uses only the first VGIC_MAX_LRS. */
#define VGIC_MAX_LRS 16u

/* Device lines (vgic_line) a VM can have connected. */
#define VGIC_MAX_LINES 8u

/* One interrupt's distributor state (IHI0048B 3.2.4: inactive, pending,
 * active, active and pending). */
struct vgic_irq {
    bool enabled; /* GICD_ISENABLER */
    bool latch;   /* edge: a rising edge or a write to GICD_ISPENDR made it
                     pending; level: GICD_ISPENDR only (software pending) */
    bool line;    /* the input line as the device drives it */
    bool active;  /* GICD_ISACTIVER */
    bool level;   /* GICD_ICFGR: level-sensitive (false: edge-triggered) */
    bool group1;  /* GICD_IGROUPR */
    uint8_t priority;
    uint8_t targets;     /* SPIs: GICD_ITARGETSR CPU mask */
    uint8_t sgi_pending; /* SGIs: pending per source CPU (GICD_SPENDSGIR) */
    uint8_t active_src;  /* SGIs: the source of the active instance */
    int8_t active_on;    /* SPIs: the vCPU that has it active, or -1 */
};

/* What vgic_lr.c put into list register i of a vCPU. */
struct vgic_lr_slot {
    bool used;
    uint16_t intid;
    uint8_t source;    /* SGIs */
    bool pending_sent; /* written with the pending state */
};

struct vgic_cpu {
    struct vgic_irq priv[VGIC_NR_PRIVATE];
    struct vgic_lr_slot lr[VGIC_MAX_LRS];
    uint64_t idles;  /* arch_cpu_idle calls made for this vCPU's WFIs */
    bool timer_line; /* last level of the virtual timer's output */
};

struct vgic_line {
    struct vm *vm;
    int vcpu; /* PPIs: the vCPU; SPIs: -1 */
    unsigned intid;
};

struct vgic {
    struct vm *vm;
    unsigned nspis; /* multiple of 32 */
    uint32_t ctlr;  /* GICD_CTLR: EnableGrp0 (bit 0), EnableGrp1 (bit 1) */
    struct vgic_irq spi[VGIC_MAX_SPIS];
    struct vgic_cpu cpu[VM_MAX_VCPUS];
    struct vgic_line lines[VGIC_MAX_LINES];
    unsigned nlines;
    struct mmio_dev dist;
    bool reserved_logged, size_logged, wfi_logged, lr_overflow_logged;
};

/* Give vm a vGIC with nspis SPIs (rounded up to a multiple of 32, at most
 * VGIC_MAX_SPIS) and register its distributor at base on the VM's MMIO bus.
 * All vCPUs must exist (vm_create made them). -1 if the VM already has one,
 * the arch has no list registers, or the range is taken. */
int vgic_attach(struct vm *vm, unsigned nspis, ipa_t base);

/* The state of interrupt intid as vCPU vcpu_id sees it (banked for INTIDs
 * below 32); NULL for an ID the VM does not implement. */
struct vgic_irq *vgic_irq(struct vgic *vgic, unsigned vcpu_id, unsigned intid);

/* Drive interrupt intid's input line: for a PPI (16-31) of vCPU vcpu_id,
 * for an SPI (vcpu_id ignored, pass -1). Level-sensitive: pending while
 * high; edge-triggered: a low-to-high change makes it pending. -1 for an
 * SGI (software-generated only), an ID out of range, or no vGIC. */
int vgic_inject(struct vm *vm, int vcpu_id, unsigned intid, bool level);

/* A device's interrupt output wired to intid: pass vgic_line_set as the
 * device's callback and the returned line as its context. NULL when the
 * VM has no vGIC or no line is free. */
struct vgic_line *vgic_line(struct vm *vm, int vcpu_id, unsigned intid);
void vgic_line_set(void *line, bool level);

/* Make SGI sgi pending on every vCPU in target_mask, from vCPU source. */
void vgic_send_sgi(struct vgic *vgic, unsigned source, uint8_t target_mask, unsigned sgi);

/* Is SPI state irq routed to vCPU id (ITARGETSR, uniprocessor rule, the
 * vCPU that has it active)? */
bool vgic_spi_targets(const struct vgic *vgic, const struct vgic_irq *irq, unsigned id);

/* Is irq's group (GICD_IGROUPR) enabled in GICD_CTLR? */
bool vgic_group_enabled(const struct vgic *vgic, const struct vgic_irq *irq);

/* Is intid pending on vcpu_id (the state GICD_ISPENDR shows)? */
bool vgic_irq_pending(const struct vgic_irq *irq, unsigned intid);

/* True when an interrupt is pending, enabled, in an enabled group and
 * targeted at vcpu: what would make it leave WFI. */
bool vgic_vcpu_has_pending(struct vcpu *vcpu);

/* True when some interrupt could become pending for vcpu and be signalled:
 * enabled, group enabled, targeted at it (the timer only when armed). */
bool vgic_vcpu_can_wake(struct vcpu *vcpu);

/* The distributor's MMIO device (vgic_dist.c), ready to register. */
void vgic_dist_init(struct vgic *vgic, ipa_t base);

/* List registers (vgic_lr.c): before entering the guest, write the most
 * urgent interrupts for vcpu into the list registers; after it exits, read
 * them back into the distributor state. No-ops without a vGIC. */
void vgic_flush_lrs(struct vcpu *vcpu);
void vgic_sync_lrs(struct vcpu *vcpu);

/* The virtual timer (vtimer.c). Sample the guest's CNTV_* against the
 * counter and drive PPI 27 with the result. */
void vtimer_sync(struct vcpu *vcpu);
/* The timer's output condition (Arm ARM D11.2.4): ENABLE, not IMASK and
 * CVAL <= CNTVCT, with CNTVCT = counter - CNTVOFF. */
bool vtimer_fires(const struct vtimer_state *t, uint64_t counter);
/* Physical counter value at which the armed timer fires; false when it is
 * disabled or masked. */
bool vtimer_deadline(struct vcpu *vcpu, uint64_t *counter);

/* The vCPU executed WFI and the VM has a vGIC: return at once if an
 * interrupt is pending; otherwise idle the CPU until one is (or the timer
 * deadline passes); see vgic.c for what happens when nothing can wake it. */
void vgic_wait(struct vcpu *vcpu);

#endif
