/*
 * Sim unit tests of the vGIC: a VM with a GICv2 distributor and the board's
 * devices (the PL011 on INTID 33), and the accesses a sim guest makes to
 * them. Compiled into every unit test (CMakeLists globs helpers/).
 */
#ifndef UNIT_HELPERS_UNIT_GIC_H
#define UNIT_HELPERS_UNIT_GIC_H

#include <stdint.h>

#include "arch/sim/sim.h"
#include "core/vgic.h"
#include "core/vm.h"

/* GICv2 distributor register offsets (IHI0048B 4.1.2, table 4-1). */
#define UG_GICD_CTLR       0x000u
#define UG_GICD_TYPER      0x004u
#define UG_GICD_ISENABLER  0x100u
#define UG_GICD_ICENABLER  0x180u
#define UG_GICD_ISPENDR    0x200u
#define UG_GICD_ICPENDR    0x280u
#define UG_GICD_ISACTIVER  0x300u
#define UG_GICD_IPRIORITYR 0x400u
#define UG_GICD_ICFGR      0xc00u

/* PL011 registers and interrupt bits (ARM DDI 0183, 3.2 and 3.3.10). */
#define UG_UARTDR   0x000u
#define UG_UARTIMSC 0x038u
#define UG_UARTRIS  0x03cu
#define UG_UART_TX  (1u << 5)

#define UG_SPURIOUS 1023u

/* unit_vm_create (sim profile p, nvcpus vCPUs), a vGIC with nspis SPIs at
 * VIRT_GICD_BASE, then the board's devices (the PL011, INTID 33). */
struct vm *unit_gic_vm(const char *name, enum sim_profile p, unsigned nvcpus, unsigned nspis);

/* Guest side: a 32-bit (or size-byte) store / load that traps to the VMM. */
void ug_mmio_wr(struct sim_guest *g, uint64_t addr, unsigned size, uint32_t v);
uint32_t ug_mmio_rd(struct sim_guest *g, uint64_t addr);
void ug_gicd_wr(struct sim_guest *g, uint32_t off, unsigned size, uint32_t v);
uint32_t ug_gicd_rd(struct sim_guest *g, uint32_t off);

/* Host side: a 32-bit distributor read as vCPU cpu sees it. */
uint32_t ug_host_gicd_rd(struct vm *vm, unsigned cpu, uint32_t off);

/* Exits the guest took for the maintenance interrupt so far (g->traps
 * counts all its exits). */
uint64_t ug_maint_exits(struct sim_guest *g);

#endif
