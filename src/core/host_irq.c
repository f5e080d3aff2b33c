/*
 * Physical interrupts armvisor takes for itself. The arch acknowledges them
 * and says what each is for (arch_irq_ack); what happens is decided here:
 *
 *  - the host's virtual-timer PPI: a guest's timer fired; vtimer.c keeps it
 *    active and links it to the guest's PPI 27;
 *  - the hypervisor's own timer: a deadline of the guest's emulated physical
 *    timer (ptimer.c) passed; stopped and deactivated, the samples after the
 *    exit raise the guest's PPI 30;
 *  - the GIC's maintenance interrupt: the list registers need a refill
 *    (underflow, no pending, or an EOI of a level interrupt); the exit it
 *    caused is the point, the run loop's sync and flush do the refill. It is
 *    level-sensitive and already low (the arch disabled the virtual CPU
 *    interface on exit), so it is deactivated at once;
 *  - the console UART's receive interrupt: what was typed goes to the VM
 *    that has the console (console_in.c); the UART's interrupt is level
 *    and low once drained, so it is deactivated at once;
 *  - the hypervisor timer's PPI: one of its users' deadlines (a time slice,
 *    a blocked vCPU's timer, a guest's EL1 physical timer) passed; htimer.c
 *    calls them back;
 *  - the PMU's overflow interrupt: a counter of the vCPU whose PMU state is
 *    in the CPU overflowed; vpmu.c keeps it active while that vCPU's
 *    overflow level is high and drives its PPI 23 with it;
 *  - a host device armvisor drives (the host disk): its driver, in the
 *    arch, completes the requests it finished (arch_irq_device), and the
 *    callbacks go to whoever submitted them;
 *  - anything else is not ours to have (armvisor enables nothing else yet):
 *    deactivated and said once.
 */
#include "core/console_in.h"
#include "core/htimer.h"
#include "core/pcpu.h"
#include "core/vgic.h"
#include "core/vpmu.h"

#include "lib/log.h"

void host_irq_handle(struct vcpu *vcpu)
{
    static bool stray_logged; /* armvisor's own configuration, not a guest's */
    struct arch_irq irq;
    /* Bounded: each acknowledged interrupt is active until deactivated, so
     * the same one cannot be acknowledged twice here. */
    for (unsigned n = 0; n < 64 && arch_irq_ack(&irq); n++) {
        switch (irq.kind) {
        case ARCH_IRQ_VTIMER:
            vtimer_host_irq(vcpu, irq.intid);
            break;
        case ARCH_IRQ_HYP_TIMER:
            htimer_irq(pcpu_this(), irq.intid);
            break;
        case ARCH_IRQ_VGIC_MAINT:
            if (vcpu && vcpu->vm->vgic)
                vcpu->vm->vgic->cpu[vcpu->id].work.maint_irqs++;
            arch_irq_deactivate(irq.intid);
            break;
        case ARCH_IRQ_CONSOLE:
            console_in_host_irq();
            arch_irq_deactivate(irq.intid);
            break;
        case ARCH_IRQ_PMU:
            vpmu_host_irq(vcpu, irq.intid);
            break;
        case ARCH_IRQ_KICK:
            /* Nothing to do here: the kick only made this CPU leave its
             * guest or its idle wait, and its loop looks at what changed. */
            arch_irq_deactivate(irq.intid);
            break;
        case ARCH_IRQ_DEVICE:
            /* The device's driver completes what it finished; a level
             * line is low once the driver acknowledged the device. */
            arch_irq_device(irq.intid);
            arch_irq_deactivate(irq.intid);
            break;
        case ARCH_IRQ_OTHER:
            arch_irq_deactivate(irq.intid);
            if (!stray_logged) {
                stray_logged = true;
                log_warn("physical interrupt %u that armvisor never enabled: dropped (logged "
                         "once)\n",
                         irq.intid);
            }
            break;
        }
    }
}
