/*
 * The per-VM limiter for guest-triggered console lines (core/vm_log.h).
 * Time is the system counter (arch_counter_read), so a guest that never
 * lets time pass, or the sim whose counter only moves when it idles, still
 * gets no more than VM_LOG_BURST lines of a kind.
 */
#include "core/vm_log.h"

#include "core/vm.h"
#include "lib/log.h"

_Static_assert(VM_LOG_REFUSE_LAST - VM_LOG_REFUSE_FIRST + 1 == REFUSE_REASON_COUNT,
               "one log kind per refusal reason");

static bool log_ok(struct vm *vm, enum vm_log_kind kind);

static const char *const kind_names[VM_LOG_KIND_COUNT] = {
    [VM_LOG_HVC_UNKNOWN] = "unsupported HVC/SMC call",
    [VM_LOG_PSCI_CPU_ON] = "PSCI CPU_ON",
    [VM_LOG_WFI_NO_SOURCE] = "WFI with nothing to wake it",
};

bool vm_log_ok(struct vm *vm, enum vm_log_kind kind)
{
    if (!vm || (unsigned)kind >= VM_LOG_KIND_COUNT)
        return false;
    spin_lock(&vm->log.lock);
    bool ok = log_ok(vm, kind);
    spin_unlock(&vm->log.lock);
    return ok;
}

static bool log_ok(struct vm *vm, enum vm_log_kind kind)
{
    struct vm_log_limit *l = &vm->log;
    uint64_t now = arch_counter_read();
    uint64_t window = arch_counter_freq() * VM_LOG_WINDOW_S;
    if (!l->started || (window && now - l->window_start >= window)) {
        l->started = true;
        l->window_start = now;
        for (unsigned i = 0; i < VM_LOG_KIND_COUNT; i++)
            if (i != VM_LOG_WFI_NO_SOURCE)
                l->used[i] = 0;
    }
    unsigned burst = kind == VM_LOG_WFI_NO_SOURCE ? 1 : VM_LOG_BURST;
    if (l->used[kind] >= burst) {
        l->suppressed++;
        return false;
    }
    if (++l->used[kind] == burst && burst > 1) {
        if (kind <= VM_LOG_REFUSE_LAST)
            log_warn("vm %s: further '%s' refusals are counted, not logged, for up to %u s\n",
                     vm->name ? vm->name : "?",
                     vcpu_refuse_name((enum refuse_reason)(kind - VM_LOG_REFUSE_FIRST)),
                     VM_LOG_WINDOW_S);
        else
            log_warn("vm %s: further '%s' messages are counted, not logged, for up to %u s\n",
                     vm->name ? vm->name : "?", kind_names[kind], VM_LOG_WINDOW_S);
    }
    return true;
}
