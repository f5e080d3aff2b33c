/*
 * VM and vCPU objects and the guest memory map. Objects come from static
 * pools: the hypervisor has no heap, only pages from arch_page_alloc.
 */
#ifndef CORE_VM_H
#define CORE_VM_H

#include "arch/arch.h"
#include "core/exit.h"
#include "core/idregs.h"
#include "core/mmio.h"
#include "core/pcpu.h"
#include "core/stage2.h"
#include "core/vm_cpu.h"
#include "core/vm_log.h"
#include "lib/spinlock.h"

#define VM_MAX         8
#define VM_MAX_VCPUS   8
#define VM_MAX_REGIONS 8

struct arch_vcpu; /* defined by each arch */
struct vgic;      /* core/vgic.h */

/* A region of guest RAM: IPA range backed by host pages we allocated. */
struct mem_region {
    ipa_t ipa;
    uint64_t size;
    paddr_t pa;
    unsigned perms; /* S2_* */
};

/* Why an exit's handling refused the guest's access (counted per vCPU). */
enum refuse_reason {
    REFUSE_NO_DEVICE,   /* MMIO to an IPA nothing claims */
    REFUSE_DEVICE,      /* the device refused size/offset/direction */
    REFUSE_UNDECODABLE, /* ISV=0 and the instruction is not one we emulate */
    REFUSE_FETCH,       /* could not read the faulting instruction */
    REFUSE_S1PTW,       /* guest stage-1 walk hit an unmapped IPA */
    REFUSE_SYSREG,      /* trapped system register we do not emulate */
    REFUSE_UNKNOWN_EC,  /* exception class we do not handle */
    REFUSE_IABT,        /* guest executed from an unmapped IPA */
    REFUSE_PERMISSION,  /* data abort on mapped RAM (e.g. write to read-only) */
    REFUSE_REASON_COUNT
};

struct vcpu_stats {
    uint64_t exits[EXIT_REASON_COUNT];
    uint64_t refused[REFUSE_REASON_COUNT];
    uint64_t mmio_reads, mmio_writes;
    uint64_t cond_failed;     /* AArch32 traps that failed their condition:
                                 skipped, not emulated (vcpu_run.c) */
    uint64_t pmu_raz_wi;      /* PMU register accesses answered RAZ/WI (vpmu.c,
                                 a host without a PMU to give) */
    uint64_t pmu_accesses;    /* PMU register accesses emulated on the host's
                                 PMU (vpmu.c) */
    uint64_t idreg_reads;     /* ID register reads answered (idregs.c) */
    uint64_t ptimer_accesses; /* EL1 physical timer accesses emulated (ptimer.c) */
    /* Exceptions vcpu_refuse injected, by kind: what the guest's own
     * handlers must have seen (a hostile guest counts them too). */
    uint64_t injected_dabt, injected_iabt, injected_undef;
};

/* Transitions: OFF <-> RUNNING under vm->lock (PSCI, vcpu_start);
 * RUNNING <-> WFI under the home CPU's pcpu->lock (sched.c); any -> STOPPED
 * under vm->lock (vm_stop) or by the vCPU's own CPU (vcpu_run_once). Read
 * with vcpu_state() from any CPU. */
enum vcpu_state {
    VCPU_OFF,     /* not started (PSCI CPU_ON later) */
    VCPU_RUNNING, /* runnable: running, or on its CPU's run queue */
    VCPU_WFI,     /* blocked waiting for an interrupt, on its CPU's blocked
                     list (sched.c) */
    VCPU_STOPPED, /* VM powered off or crashed */
};

/* The last few refused exits and how many refusals in a row repeated one
 * of them, with no other exit between (vcpu_run.c: livelock detection). A
 * loop of up to VCPU_LIVELOCK_PERIOD refused accesses (a load and a store
 * that both abort, retried forever) repeats as surely as a single one. */
#define VCPU_LIVELOCK_PERIOD 4u
struct vcpu_refusal {
    uint64_t pc, far;
    uint32_t syndrome; /* ec << 25 | iss of the exit, or the refusal reason */
};
struct vcpu_repeat {
    struct vcpu_refusal last[VCPU_LIVELOCK_PERIOD]; /* a ring, newest at next - 1 */
    unsigned next, filled; /* where the next goes; how many are since progress */
    uint64_t pc, far;      /* the newest one's, for the message */
    uint32_t count;
    bool refused; /* the current exit was refused */
};

/* A guest that takes the same refused exit(s) at the same PC(s) this many
 * times in a row, with no other exit between, is livelocked: its VM is
 * stopped as crashed with exit code VM_EXIT_LIVELOCK. */
#define VCPU_LIVELOCK_REPEATS 4096u
#define VM_EXIT_LIVELOCK      76 /* 'L' */

/* The guest's EL1 physical timer (core/ptimer.c), emulated in software:
 * CNTP_CTL's ENABLE and IMASK, CNTP_CVAL, and the offset of the guest's
 * physical count from the host's (guest CNTPCT = host CNTPCT - poff). */
struct ptimer_state {
    uint32_t ctl;
    uint64_t cval;
    uint64_t poff;
    /* ptimer_load set its CPU's HTIMER_PTIMER for it and nothing has
     * cancelled it since as far as it knows (a CPU cancels it also when it
     * lets the vCPU go): an entry with the timer off then costs no
     * hypervisor-timer call. */
    bool armed;
};

/* The vCPU's PMU as the core keeps it (core/vpmu.c); the counters and
 * their controls are the arch's (arch_pmu_read/write). */
struct vcpu_pmu {
    uint32_t selr; /* PMSELR: which counter PMXEVTYPER/PMXEVCNTR reach */
};

struct vcpu {
    struct vm *vm;
    unsigned id;
    enum vcpu_state state;
    struct arch_vcpu *arch; /* the arch's saved context */
    struct vcpu_stats stats;
    struct vcpu_repeat repeat;
    struct ptimer_state ptimer;
    struct vcpu_pmu pmu;

    /* Scheduling (sched.c), under the home CPU's pcpu->lock. home changes
     * only with that lock held (a steal: the old home's); a reader locks
     * pcpu_of(home) and re-checks home (sched.c, home_lock). */
    struct vcpu *sched_next; /* link on the run queue or blocked list */
    unsigned home;           /* the physical CPU whose lists hold it */
    bool queued;             /* on the run queue */
    /* WFI in the guest (sched.c, wfi_choose), by the CPU that runs it:
     * wfi_earned once a WFI of its blocked (it had something to wait for);
     * wfi_in_guest what arch_vcpu_trap_wfi was last told (false: trapped,
     * as arch_vcpu_init leaves it). Both cleared when the vCPU is reset. */
    bool wfi_earned;
    bool wfi_in_guest;
    /* The physical CPU that runs vcpu or still holds its lazily switched
     * state (EL1 registers, FP/SIMD, live timer: pcpu->loaded), or -1. Set
     * by that CPU when it picks the vCPU, cleared by the same CPU after
     * arch_vcpu_put; read by any CPU (atomics): no other CPU may run it,
     * restart it (CPU_ON) or free it while it is >= 0. */
    int resident;
    /* Physical CPUs it may run on (bit n: CPU n), from the VM package's
     * AFFINITY section; 0: any. Set before the vCPU starts, read-only
     * after. */
    uint32_t affinity;
    /* PSCI (psci.c), under vm->lock: CPU_ON accepted and the vCPU has not
     * run yet (AFFINITY_INFO and CPU_ON report ON_PENDING). */
    bool on_pending;
};

enum vm_state { VM_FREE, VM_CREATED, VM_RUNNING, VM_OFF, VM_CRASHED };

/* Which device of the VM takes what is typed on armvisor's console. */
enum vm_console { VM_CONSOLE_PL011 = 0, VM_CONSOLE_VIRTIO = 1 };

struct vm {
    unsigned id;
    const char *name;
    enum vm_state state;
    int exit_code; /* set by PSCI SYSTEM_OFF / armvisor exit call */
    struct stage2 stage2;
    struct mem_region regions[VM_MAX_REGIONS];
    unsigned nregions;
    struct mmio_bus mmio;
    struct vgic *vgic; /* interrupt controller (vgic_attach); NULL: none */
    struct vcpu vcpus[VM_MAX_VCPUS];
    unsigned nvcpus;
    struct vm_log_limit log; /* guest-triggered console lines (core/vm_log.h) */
    enum vm_console console; /* for board_add_devices */

    /* Lock order: vm->lock, then mmio.lock (core/mmio.h), then the vGIC's
     * lock (core/vgic.h), then one pcpu->lock (core/pcpu.h), then the log
     * limiter's (vm_log.h). Protects the power state of the VM's vCPUs:
     * vcpu->state leaving or entering VCPU_OFF and vcpu->on_pending, so
     * that two CPU_ON calls for one target cannot both start it. */
    struct spinlock lock;
    uint64_t slice_ticks; /* time slice in counter ticks (vm_set_slice_us) */
    uint64_t cntvoff;     /* CNTVOFF every vCPU gets, so all see one virtual
                             count (taken from the first vCPU started) */
    bool cntvoff_set;
    /* Per physical CPU: the vCPU of this VM that ran there last (-1: none),
     * for the local TLB invalidation when another one runs there (sched.c,
     * as KVM's last_vcpu_ran). Entry n is CPU n's only. */
    int8_t last_ran[PCPU_MAX];
    /* The CPU in sched_run for this VM, which waits for it to stop: vm_stop
     * kicks it. Written before the VM's vCPUs run. */
    unsigned run_cpu;
    bool can_reset;                /* vm_launch can rebuild it from its image */
    bool reset_requested;          /* PSCI SYSTEM_RESET: vm_launch restarts it */
    struct vm_cpu cpu;             /* the CPU features it gets (vm_cpu.h), before idregs */
    uint64_t idregs[IDREGS_COUNT]; /* the ID registers its vCPUs read (idregs.c) */
};

/* vcpu->state and vm->state are read by every CPU (a kick, a PSCI call,
 * the run loops) and written under the locks named at enum vcpu_state and
 * vm->lock, or by vm_stop: all accesses go through these (atomic). */
static inline enum vcpu_state vcpu_state(const struct vcpu *v)
{
    return __atomic_load_n(&v->state, __ATOMIC_ACQUIRE);
}
static inline void vcpu_set_state(struct vcpu *v, enum vcpu_state s)
{
    __atomic_store_n(&v->state, s, __ATOMIC_RELEASE);
}
static inline enum vm_state vm_state(const struct vm *vm)
{
    return __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);
}
static inline void vm_set_state(struct vm *vm, enum vm_state s)
{
    __atomic_store_n(&vm->state, s, __ATOMIC_RELEASE);
}

/* Create a VM with nvcpus vCPUs and a stage-2 of ipa_bits (0: CPU maximum).
 * NULL when the pool is full or the arch cannot do it. */
struct vm *vm_create(const char *name, unsigned nvcpus, unsigned ipa_bits);

/* Tear a VM down: release its vCPUs' arch state (arch_vcpu_release), free
 * its RAM and tables, return it to the pool. No vCPU of it may be running. */
void vm_destroy(struct vm *vm);

/* Give the VM size bytes of RAM at ipa (page aligned), backed by fresh host
 * pages and mapped in stage 2 with perms. */
int vm_add_ram(struct vm *vm, ipa_t ipa, uint64_t size, unsigned perms);

/* Copy len bytes to / from guest IPA space through the VM's own stage-2
 * tables (so the copy can never leave the VM's memory); false if any byte is
 * not mapped RAM. */
bool vm_copy_to_guest(struct vm *vm, ipa_t ipa, const void *src, uint64_t len);
bool vm_copy_from_guest(struct vm *vm, void *dst, ipa_t ipa, uint64_t len);

/* Attach an MMIO device (its range must not be RAM). */
int vm_add_device(struct vm *vm, struct mmio_dev *dev);

/* Map host device pages [pa, pa+size) at ipa in stage 2, Device and RW,
 * for a device the guest drives directly (the GIC's virtual CPU interface).
 * Page aligned, not over RAM or an emulated device; the pages are not the
 * VM's to free. */
int vm_map_device_passthrough(struct vm *vm, ipa_t ipa, paddr_t pa, uint64_t size);

/* Power on vCPU id (it must be VCPU_OFF) at boot->pc: fresh CPU state,
 * the VM's CNTVOFF, runnable on this CPU. */
int vcpu_start(struct vm *vm, unsigned id, const struct vcpu_boot *boot);

/* Put a powered-on vCPU back to reset state at boot->pc (PSCI power-down
 * resume). Its interrupts stay as the vGIC has them. */
int vcpu_reset(struct vcpu *vcpu, const struct vcpu_boot *boot);

/* What one call of vcpu_run_once decided. */
enum run_result {
    RUN_CONTINUE, /* resume the guest */
    RUN_IDLE,     /* the vCPU waits for an interrupt (WFI) */
    RUN_YIELD,    /* the vCPU waits for another vCPU (WFE): others may run */
    RUN_STOP,     /* the VM stopped (powered off or killed) */
};

/* Enter the guest once and handle the exit it comes back with (after any
 * number of exits vcpu_exit_fast handled on the spot). */
enum run_result vcpu_run_once(struct vcpu *vcpu);

/* The exit raw that vcpu just made, offered by arch_vcpu_run on the vCPU's
 * CPU before the vGIC state leaves the CPU (a stage-2 abort with
 * raw->ipa_valid set, or an IRQ exit with raw->lr_kick set): true when
 * the core handled it in full, and arch_vcpu_run then enters the guest
 * again at once, its vGIC state as it left it; false: nothing was done,
 * and the exit takes the usual path (exit_fast.c says which and why). */
bool vcpu_exit_fast(struct vcpu *vcpu, const struct arch_exit *raw);

/* Run the VM's vCPUs (the scheduler, sched.c) until the VM stops; returns
 * the VM's exit code. */
int vcpu_run(struct vcpu *vcpu);

/* Count a refusal, log it, and inject the matching abort/undef. */
void vcpu_refuse(struct vcpu *vcpu, enum refuse_reason why, const struct exit_info *info);

/* Short name of a refusal reason ("no-device"), for logs. */
const char *vcpu_refuse_name(enum refuse_reason why);

/* Print the VM's per-vCPU exit statistics on the console. */
void vm_print_stats(const struct vm *vm);

#endif
