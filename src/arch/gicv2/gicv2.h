/*
 * The host GICv2 driver shared by the ARMv7 and ARMv8 ports (ARM IHI 0048B).
 * The GIC is memory-mapped and the same on both architectures; what differs
 * (how the four ranges are found, CNTV_CTL's accessor, where a vCPU keeps its
 * GICH state) is the per-arch glue declared at the end, in each port's gic.c.
 * Not part of the arch interface: only arch code includes this header.
 */
#ifndef ARMVISOR_ARCH_GICV2_H
#define ARMVISOR_ARCH_GICV2_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* GICv2 list registers switched per vCPU (GIC-400 and QEMU have 4). */
#define GICV2_MAX_LRS 16

/* A vCPU's virtual CPU interface state, saved while it does not run:
 * GICH_LRn, GICH_VMCR, GICH_APR (IHI0048B 5.3). */
struct gicv2_vcpu {
    uint32_t lr[GICV2_MAX_LRS];
    uint32_t vmcr, apr;
    uint32_t hcr_maint; /* GICH_HCR.UIE / NPIE for this vCPU's runs */
    uint32_t valid;     /* bit i: lr[i] holds a pending or active interrupt */
};

/* The DTB node's four ranges (GICD, GICC, GICH, GICV) and GICV's size. */
struct gicv2_ranges {
    uint64_t gicd, gicc, gich, gicv, gicv_size;
};

/* Check the ranges and set the GIC up (distributor, then this CPU's part,
 * gicv2_cpu_init: CPU interface with EOImode=1, PPIs 25, 26 and 27 and the
 * kick SGI enabled, and 23 with a PMU to give); a GIC it refuses leaves the
 * vGIC off. Boot CPU, once. */
void gicv2_init(const struct gicv2_ranges *r);
/* This CPU's banked part: CPU interface with EOImode=1, GICH off, PPIs 25,
 * 26 and 27 and the kick SGI enabled, its CPU interface number recorded for
 * arch_cpu_kick. Every CPU, once (gicv2_init does the boot CPU's); nothing
 * when gicv2_init refused the GIC. */
void gicv2_cpu_init(void);
/* Enable SPI or PPI intid, the console UART's line, level-sensitive and
 * routed to this CPU; arch_irq_ack reports it as ARCH_IRQ_CONSOLE and
 * arch_cpu_idle can then wait with WFI. False (nothing changed) when the
 * GIC is not set up or intid is no SPI/PPI. */
bool gicv2_console_irq(unsigned intid);
/* Devices of armvisor's own that interrupt it (host disks). */
#define GICV2_MAX_DEVICE_IRQS 4
/* Enable SPI intid for a device armvisor drives itself (the host disk),
 * level-sensitive and routed to this CPU; arch_irq_ack reports it as
 * ARCH_IRQ_DEVICE and arch_irq_device runs handler(ctx). Level, whatever
 * the DTB's flags say (QEMU's virtio-mmio nodes say edge): the line is
 * high while the device has something to report (virtio-mmio's
 * InterruptStatus), and a level interrupt still high after its handler is
 * taken again, where an edge that came during the handler would be lost.
 * False (nothing changed) when the GIC is not set up, intid is no SPI, is
 * armvisor's already, or GICV2_MAX_DEVICE_IRQS are taken. Boot only
 * (before any guest runs). */
bool gicv2_device_irq(unsigned intid, void (*handler)(void *ctx), void *ctx);
/* An IRQ exit: acknowledge the interrupt that caused it; when it is the
 * list-register kick (arch_cpu_kick_lr), end it (EOI and deactivate) and
 * say true. Any other stays active and is what arch_irq_ack reports next.
 * In arch_vcpu_run, right after the guest's exit. */
bool gicv2_take_lr_kick(void);
/* Load a vCPU's GICH state before it runs / save it after. */
void gicv2_enter(struct gicv2_vcpu *g);
void gicv2_exit(struct gicv2_vcpu *g);

/* ---- Per-arch glue, defined by each port's gic.c ---- */
/* CNTV_CTL: the PL1/EL1 virtual timer's control register, as live in the CPU. */
uint32_t gicv2_arch_cntv_ctl(void);
/* The hypervisor timer (CNTHP) is enabled and not masked. */
bool gicv2_arch_hyp_timer_armed(void);
/* The vCPU's GICH save area (NULL for no vCPU). */
struct gicv2_vcpu *gicv2_vcpu_state(struct vcpu *vcpu);

#endif
