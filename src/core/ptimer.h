/*
 * The guest's EL1 physical timer (CNTP_CTL / CNTP_CVAL / CNTP_TVAL),
 * emulated per vCPU in software, its output a level-sensitive PPI 30
 * through the vGIC (ptimer.c says how and why).
 */
#ifndef CORE_PTIMER_H
#define CORE_PTIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/exit.h"
#include "core/vm.h"

/* A trapped CNTP_CTL / CNTP_CVAL / CNTP_TVAL (or CNTPCT) access, A64 or
 * AArch32: emulated and the instruction skipped (true), or not one of them
 * (false: the caller goes on). */
bool ptimer_access(struct vcpu *vcpu, const struct exit_info *info);

/* The timer's output (Arm ARM D11.2.4): ENABLE, not IMASK and
 * CVAL <= guest count, with guest count = counter - poff, unsigned. */
bool ptimer_fires(const struct ptimer_state *t, uint64_t counter);

/* Host counter value at which the armed timer fires; false when it is
 * disabled or masked. */
bool ptimer_deadline(const struct vcpu *vcpu, uint64_t *counter);

/* Drive PPI 30 of vcpu with the timer's output now. After every exit and
 * every idle period (the vGIC's sync and the scheduler's wake-up call it). */
void ptimer_sync(struct vcpu *vcpu);

/* Before vcpu runs on this CPU: the hypervisor timer's HTIMER_PTIMER user
 * (core/htimer.c) set to the deadline of vcpu's armed timer that has not
 * fired yet, so the deadline ends the run; cancelled if there is none.
 * ptimer_expired is that user's callback. */
void ptimer_load(struct vcpu *vcpu);

#endif
