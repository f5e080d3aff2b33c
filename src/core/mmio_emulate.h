/*
 * MMIO emulation of a guest data abort (EXIT_DABT): the access the guest
 * made to an IPA with no RAM is performed on the VM's MMIO bus. With ISV=1
 * the syndrome says everything; with ISV=0 the instruction is fetched from
 * guest memory and decoded (core/insn.h), including pairs and base-register
 * writeback. Anything that cannot be emulated exactly is refused (counted,
 * logged, abort injected): nothing is guessed.
 */
#ifndef CORE_MMIO_EMULATE_H
#define CORE_MMIO_EMULATE_H

#include <stdint.h>

#include "core/exit.h"
#include "core/vm.h"

/* Handle an EXIT_DABT exit. */
enum run_result mmio_emulate(struct vcpu *vcpu, const struct exit_info *info);

/* Shift(value, type, amount) of the ARMv7-A ARM (A8.4.3) on a 32-bit value:
 * type 0 LSL, 1 LSR, 2 ASR, 3 ROR; amount 0 returns value; LSL/LSR by 32 or
 * more give 0, ASR by 32 or more gives the sign bit everywhere. (RRX is not
 * a Shift() here: it needs the carry flag, and the decoders refuse it.) */
uint32_t mmio_a32_shift(uint32_t value, unsigned type, unsigned amount);

#endif
