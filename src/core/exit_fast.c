/*
 * Exits handled on the spot. arch_vcpu_run offers each stage-2 abort, and
 * each IRQ exit for the list-register kick, here before the vGIC state
 * leaves the CPU, and enters the guest again at once after one handled
 * here: its list registers are not read back into the model and written
 * again, and the scheduler does not look. Today that is two exits, the two
 * halves of every IPI a guest makes (issue 9's round trip is two of each):
 * the write of GICD_SGIR that sends an SGI to other vCPUs, which posts it
 * to a target running elsewhere (vgic_post.c), and the list-register kick
 * on the target's CPU, which writes what was posted.
 *
 * Why skipping the sync and flush is safe for it: the write changes only
 * the target vCPUs' interrupts (the writer itself among the targets takes
 * the exit path instead: vgic_v2_sgir_fast), and the model already treats a
 * vCPU that runs as one whose list registers may have moved since its last
 * sync (vgic.h). Anything that needs this CPU's attention while the guest
 * runs on (another CPU changing this vCPU's interrupts, a time slice, a VM
 * stopping) arrives as a physical interrupt, which stays pending while
 * armvisor runs and ends the guest's next run at once: the exit path then
 * syncs, decides and flushes as for any exit.
 */
#include "core/exit.h"
#include "core/vgic.h"
#include "core/vm.h"

bool vcpu_exit_fast(struct vcpu *vcpu, const struct arch_exit *raw)
{
    if (raw->kind == ARCH_EXIT_IRQ) {
        if (!raw->lr_kick)
            return false;
        /* The list-register kick, acknowledged and ended by the arch: write
         * what was posted; the guest sees it as soon as it runs on. */
        vgic_post_take(vcpu);
        vcpu->stats.exits[EXIT_IRQ]++;
        return true;
    }
    if (raw->kind != ARCH_EXIT_TRAP || !raw->ipa_valid || !vgic_v2_is_sgir(vcpu->vm, raw->ipa))
        return false;
    unsigned srt, il;
    /* A plain 32-bit store (the syndrome describes it: ISV); anything else
     * there, and a big-endian guest's store, goes the MMIO handler's way. */
    if (!exit_decode_str32(raw, &srt, &il) || arch_vcpu_data_be(vcpu))
        return false;
    if (!vgic_v2_sgir_fast(vcpu, (uint32_t)arch_vcpu_reg_read(vcpu, srt)))
        return false;
    /* Counted as the exit path counts an MMIO write. */
    vcpu->stats.exits[EXIT_DABT]++;
    vcpu->stats.mmio_writes++;
    vcpu->repeat.count = 0; /* progress */
    arch_vcpu_skip_insn(vcpu, il);
    return true;
}
