/*
 * HVC and trapped SMC calls, per the SMC Calling Convention (Arm DEN0028):
 * function ID in w0, arguments in x1-x3 (w1-w3 for SMC32 calls), result in
 * x0. armvisor's own calls (owner 6, vendor-specific hypervisor) and PSCI
 * (owner 4) are served; any other ID returns NOT_SUPPORTED (-1), never a
 * fault, as SMCCC requires.
 */
#include "core/hvc.h"

#include "core/board.h"
#include "core/psci.h"
#include "core/vm_log.h"
#include "lib/log.h"

static void log_unknown(const struct vcpu *vcpu, bool smc, uint32_t fid, unsigned imm)
{
    /* A guest probing IDs in a loop must not flood the console. */
    if (vm_log_ok(vcpu->vm, VM_LOG_HVC_UNKNOWN))
        log_info("vm %s: vcpu %u: %s #%u function 0x%x not supported\n", vcpu->vm->name, vcpu->id,
                 smc ? "SMC" : "HVC", imm, (unsigned)fid);
}

enum run_result hvc_handle(struct vcpu *vcpu, const struct exit_info *info)
{
    bool smc = info->reason == EXIT_SMC;
    bool a64 = arch_vcpu_isa(vcpu) == ISA_A64;

    /* An HVC exception is taken after the instruction: ELR already points
     * past it (preferred return address). A trapped SMC (HCR.TSC) is taken
     * on the SMC itself (ARMv8-A ARM D1.19.2 / ARMv7-A ARM B1.14.6), so we
     * complete it here, whatever the call does. */
    if (smc)
        arch_vcpu_skip_insn(vcpu, info->il);

    /* SMCCC: the function ID is w0; the upper half of x0 is ignored. */
    uint32_t fid = (uint32_t)arch_vcpu_reg_read(vcpu, 0);
    bool call64 = (fid & SMCCC_64BIT) != 0;
    /* SMC32 calls pass w1-w3; AArch32 registers are 32 bits anyway. */
    uint64_t mask = call64 && a64 ? ~0ull : 0xffffffffull;
    uint64_t a1 = arch_vcpu_reg_read(vcpu, 1) & mask;

    int64_t ret = SMCCC_NOT_SUPPORTED;
    enum run_result r = RUN_CONTINUE;
    unsigned imm = smc ? 0 : info->u.imm16;

    if (imm != 0 || (call64 && !a64)) {
        /* SMCCC only defines immediate 0, and SMC64 calls only from
         * AArch64. */
        log_unknown(vcpu, smc, fid, imm);
    } else if (fid == AV_HVC_PING) {
        ret = AV_HVC_MAGIC;
        arch_vcpu_reg_write(vcpu, 1, a64 ? ~a1 : (uint32_t)~a1);
    } else if (fid == AV_HVC_PUTC) {
        board_console_putc(vcpu->vm, (char)(a1 & 0xff));
        ret = 0;
    } else if (fid == AV_HVC_EXIT) {
        int code = (int)(int32_t)(uint32_t)a1;
        log_info("vm %s: exit call, code %d\n", vcpu->vm->name, code);
        vm_stop(vcpu->vm, VM_OFF, code);
        ret = 0;
        r = RUN_STOP;
    } else if (psci_is_call(fid)) {
        r = psci_call(vcpu, fid, a1, arch_vcpu_reg_read(vcpu, 2) & mask,
                      arch_vcpu_reg_read(vcpu, 3) & mask, &ret);
    } else if (smccc_arch_call(fid, a1, &ret)) {
        /* SMCCC_VERSION, SMCCC_ARCH_FEATURES (smccc_arch.c) */
    } else {
        log_unknown(vcpu, smc, fid, imm);
    }

    /* Results are sign-extended (NOT_SUPPORTED is all ones in x0, as KVM
     * returns it); an AArch32 register keeps the low 32 bits. */
    uint64_t x0 = (uint64_t)ret;
    arch_vcpu_reg_write(vcpu, 0, a64 ? x0 : (uint32_t)x0);
    return r;
}
