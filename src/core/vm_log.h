/*
 * One rate limiter for every console line a guest can cause, per VM: a
 * guest that loops on a refused access, an unknown call or PSCI CPU_ON
 * must not be able to flood the console (which is also every other VM's
 * and the hypervisor's own).
 *
 * Each kind of guest-triggered message has a budget of VM_LOG_BURST lines
 * per window of VM_LOG_WINDOW_S seconds of the system counter; the line
 * that spends the last of it says that further ones are suppressed. The
 * one exception is VM_LOG_WFI_NO_SOURCE, an idle loop's normal state: said
 * once per VM. The VM counts what was suppressed; vm_print_stats reports it.
 */
#ifndef CORE_VM_LOG_H
#define CORE_VM_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/spinlock.h"

#define VM_LOG_BURST    16u
#define VM_LOG_WINDOW_S 10u

enum vm_log_kind {
    /* one per enum refuse_reason, in its order (vcpu_refuse) */
    VM_LOG_REFUSE_FIRST = 0,
    VM_LOG_REFUSE_LAST = VM_LOG_REFUSE_FIRST + 8,
    VM_LOG_HVC_UNKNOWN,   /* HVC/SMC function IDs nobody serves */
    VM_LOG_PSCI_CPU_ON,   /* CPU_ON refused: bad target or entry point */
    VM_LOG_WFI_NO_SOURCE, /* WFI that nothing could wake, without a vGIC: once */
    VM_LOG_KIND_COUNT
};

struct vm_log_limit {
    /* Protects the fields below (any CPU may log for the VM); the last lock
     * in the order (core/vm.h), held while the notice line prints. */
    struct spinlock lock;
    bool started;
    uint64_t window_start; /* system counter at the start of the window */
    uint16_t used[VM_LOG_KIND_COUNT];
    uint64_t suppressed; /* lines not printed, over the VM's life */
};

struct vm;

/* Whether the VM may print one more line of this kind now. When it says yes
 * to the last line of the window's budget, it first prints that further
 * lines of the kind are suppressed for now. */
bool vm_log_ok(struct vm *vm, enum vm_log_kind kind);

#endif
