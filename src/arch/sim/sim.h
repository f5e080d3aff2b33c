/*
 * The sim arch: the whole VMM as a host process. This header is the sim's
 * own API for unit tests, benches and the sim demo (core never sees it).
 */
#ifndef ARCH_SIM_SIM_H
#define ARCH_SIM_SIM_H

#include "arch/arch.h"
#include "arch/sim/sim_guest.h"

struct vcpu;
struct stage2;

/* Simulated physical memory: one host buffer standing for host PAs
 * [SIM_PHYS_BASE, SIM_PHYS_BASE + size). Not at 0, so PA 0 is never valid. */
#define SIM_PHYS_BASE         0x80000000ull
#define SIM_PHYS_DEFAULT_SIZE (256ull << 20)

/* Which CPU the sim behaves as: the stage-2 format it offers and the
 * syndrome format (HSR or ESR_EL2) its exits carry. */
enum sim_profile { SIM_ARMV7, SIM_ARMV8 };

/* (Re)create simulated memory of size bytes and pick the profile. Frees
 * everything from before: call at the start of each test. */
void sim_reset(enum sim_profile profile, uint64_t phys_size);
enum sim_profile sim_profile(void);

/* Pages still free in simulated memory (for leak checks in tests). */
size_t sim_free_pages(void);

/* TLB maintenance the VMM asked for, counted (tests check break-before-make). */
struct sim_tlb_counts {
    uint64_t inval_ipa;  /* arch_tlb_inval_ipa calls */
    uint64_t inval_vmid; /* arch_tlb_inval_vmid calls */
    uint64_t inval_vmid_local; /* arch_tlb_inval_vmid_local calls */
    uint64_t syncs;      /* arch_stage2_sync calls */
};
const struct sim_tlb_counts *sim_tlb_counts(void);

/* Console: bytes written by arch_console_putc are kept (and echoed to stdout
 * when echo is set) so tests can check what the hypervisor printed. */
void sim_console_echo(bool echo);
const char *sim_console_text(void); /* NUL-terminated, since the last clear */
void sim_console_clear(void);

/* Console input: bytes arch_console_getc will return, in order. While any
 * is unread, the console's receive interrupt (SIM_PIRQ_CONSOLE, INTID 33 as
 * QEMU virt's PL011) is pending for arch_irq_ack (ARCH_IRQ_CONSOLE) until
 * acknowledged, and again after arch_irq_deactivate if input remains. */
#define SIM_PIRQ_CONSOLE 33u
void sim_console_input(const char *bytes, size_t len);

/* ---- Guests (see sim_guest.h) -------------------------------------------- */

/* vCPU contexts the sim has (struct arch_vcpu pool), and how many are taken
 * now (bound by sim_vcpu_set_guest / arch_vcpu_init, given back by
 * arch_vcpu_release or sim_reset). */
#define SIM_MAX_VCPUS 64
unsigned sim_vcpu_slots_used(void);

/* Bind guest program fn to vcpu (before or after arch_vcpu_init; a running
 * guest of that vCPU is torn down). g->arg = arg. -1 when no slot is free. */
int sim_vcpu_set_guest(struct vcpu *vcpu, sim_guest_fn fn, void *arg);

/* Bind fn to every vCPU that arch_vcpu_init starts at entry pc and that has
 * no guest of its own (for paths like vm_launch that create the vCPU). */
void sim_guest_at(uint64_t pc, sim_guest_fn fn, void *arg);

/* The guest state of vcpu (last_exception, traps, arg); NULL before any
 * sim_vcpu_set_guest / arch_vcpu_init. Read it from the VMM thread only
 * while arch_vcpu_run is not running. Note: guest functions run on their own
 * thread, so CMocka asserts belong in the test thread, not in the guest. */
struct sim_guest *sim_vcpu_guest(struct vcpu *vcpu);

/* True once the guest function has returned (and sent PSCI SYSTEM_OFF). */
bool sim_vcpu_guest_done(struct vcpu *vcpu);

/* Times the core asked (arch_vcpu_trap_wfi) that vcpu's WFI wait in the
 * guest rather than trap; the sim traps it anyway (sim_run.c says why). */
uint64_t sim_vcpu_wfi_in_guest_asks(struct vcpu *vcpu);

/* Make the next arch_vcpu_run return ARCH_EXIT_IRQ (a physical interrupt
 * arrived) before the guest executes anything more. */
void sim_vcpu_raise_irq(struct vcpu *vcpu);

/* A stage-1 translation for the guest (guest MMU on): returns false when the
 * guest's tables do not map va, which the guest then takes as its own
 * translation fault (no exit). NULL fn: MMU off (identity). */
typedef bool (*sim_s1_fn)(void *ctx, uint64_t va, ipa_t *ipa);
void sim_vcpu_set_s1(struct vcpu *vcpu, sim_s1_fn fn, void *ctx);

/* ---- Simulated stage-2 MMU and TLB --------------------------------------- */

enum sim_fault {
    SIM_FAULT_NONE,
    SIM_FAULT_TRANSLATION, /* DFSC 0b0001LL */
    SIM_FAULT_ACCESS_FLAG, /* DFSC 0b0010LL */
    SIM_FAULT_PERMISSION,  /* DFSC 0b0011LL */
    SIM_FAULT_ADDR_SIZE,   /* DFSC 0b0000LL */
    SIM_FAULT_EXT_WALK,    /* DFSC 0b0101LL: table outside memory */
};

struct sim_s2_result {
    enum sim_fault fault;
    unsigned level; /* of the fault, or of the leaf */
    paddr_t pa;
    uint64_t desc; /* leaf descriptor (when one was reached) */
    bool tlb_hit;
};

/* What the guest's access would see (read/write/exec) at ipa through the
 * stage 2 s2, walked like the hardware walker does (TLB included). */
enum sim_s2_acc { SIM_S2_READ, SIM_S2_WRITE, SIM_S2_EXEC };
bool sim_s2_lookup(const struct stage2 *s2, ipa_t ipa, enum sim_s2_acc acc,
                   struct sim_s2_result *r);
/* Long-descriptor fault status code of a fault (DFSC/IFSC). */
unsigned sim_fault_fsc(enum sim_fault f, unsigned level);

struct sim_tlb_stats {
    uint64_t hits, misses, fills, dropped;
    unsigned live; /* entries valid now */
};
const struct sim_tlb_stats *sim_tlb_stats(void);

/* ---- Virtual GIC and timer ------------------------------------------------ */

#define SIM_NUM_LRS      4
#define SIM_COUNTER_FREQ 62500000ull /* 62.5 MHz, as QEMU's virt */

/* The host ID register S3_0_C0_C<crm>_<op2> (crm 1..7) as arch_id_reg_read
 * reports it; all zero after sim_reset. A VM reads its copy from vm_create
 * (core/idregs.c), so set these before creating it. */
void sim_set_id_reg(unsigned crm, unsigned op2, uint64_t val);

/* The ARCH_FEAT_* arch_cpu_features reports and, with ARCH_FEAT_SVE, the
 * SVE vector length in bytes arch_sve_max_vl reports; none after sim_reset.
 * Set before vm_create, as the ID registers. */
void sim_set_cpu_features(unsigned features, unsigned sve_vl);

/* Advance the simulated system counter. */
void sim_counter_advance(uint64_t ticks);

/* arch_cpu_idle (the VMM waiting for an interrupt) calls fn(ctx) instead of
 * its default, which advances the counter to the earliest armed virtual
 * timer of any vCPU (or returns at once when none is armed). fn may inject
 * interrupts, push UART input, advance the counter. NULL: the default.
 * sim_reset clears it. */
typedef void (*sim_idle_fn)(void *ctx);
void sim_set_idle_hook(sim_idle_fn fn, void *ctx);
/* arch_cpu_idle calls since sim_reset. */
uint64_t sim_idle_count(void);

/* Physical interrupts deactivated through hw list registers by this vCPU. */
uint64_t sim_vcpu_hw_deactivations(struct vcpu *vcpu, uint32_t *last_pirq);

/* The sim's maintenance interrupt (PPI 25, as on QEMU virt): raised by a
 * guest's g_irq_ack / g_irq_eoi when a GICH_MISR condition holds (underflow,
 * no pending, EOI of an LR with its EOI bit), which exits the guest at once.
 * How many such exits this vCPU took. */
#define SIM_PIRQ_MAINT  25u
#define SIM_PIRQ_VTIMER 27u
#define SIM_PIRQ_HYPTIMER 26u /* the EL2 physical timer (CNTHP), as on QEMU virt */
#define SIM_PIRQ_KICK 1u /* the SGI another CPU's arch_cpu_kick raises */

/* The PMU (sim_pmu.c). The host PMU has n event counters (at most
 * SIM_PMU_MAX_COUNTERS; -1: no PMU, what sim_reset leaves). Its counters
 * advance only in g_spin, SIM_PMU_CYCLES_PER_TICK cycles per counter tick
 * (QEMU's 1 GHz cycle clock against its 62.5 MHz counter): the cycle
 * counter and event counters counting CPU_CYCLES (0x11), unless their
 * filter's P bit excludes EL1; SW_INCR (0) counters step on PMSWINC. Its
 * overflow interrupt is SIM_PIRQ_PMU, pending while the live vCPU's PMCR.E
 * and PMINTENSET & PMOVSSET, from acknowledge to arch_irq_deactivate
 * active. sim_vcpu_pmu_cycles: vcpu's PMCCNTR now. */
#define SIM_PIRQ_PMU            23u
#define SIM_PMU_MAX_COUNTERS    31
#define SIM_PMU_CYCLES_PER_TICK 16u
void sim_set_pmu_counters(int n);
uint64_t sim_vcpu_pmu_cycles(struct vcpu *vcpu);

/* Times the core armed the hypervisor timer (arch_hyp_timer_arm). */
uint64_t sim_hyp_timer_arms(void);

/* The hypervisor timer's state: armed, and its compare value; how many times
 * the VMM acknowledged it. */
bool sim_hyp_timer(uint64_t *cval);
uint64_t sim_hyp_timer_fired(void);
uint64_t sim_vcpu_maint_exits(struct vcpu *vcpu);

/* ---- Host disks: files (sim_blk_file.c) ----------------------------------- */

/* A host file as a host disk (vdev/blk_backend.h), registered in the host
 * disk registry: returns its index (what a VM description's "host disk N"
 * names) or -1 (cannot open, empty, registry full). Capacity: the file's
 * size in whole 512-byte sectors. Requests complete at once (pread, pwrite,
 * fsync for FLUSH) unless sim_blk_file_async. */
int sim_blk_file_open(const char *path, bool read_only);

/* Unregister and close every file sim_blk_file_open opened. */
void sim_blk_file_close_all(void);

/* Make disk complete requests later, as a DMA device with a completion
 * interrupt does: up to depth wait (the transfer is done when they
 * complete); one more is refused as a full queue. depth 0: at once again. */
void sim_blk_file_async(int disk, unsigned depth);

/* Complete up to n waiting requests of disk (oldest first, or newest first
 * with reverse); returns how many completed. */
unsigned sim_blk_file_complete(int disk, unsigned n, bool reverse);

struct sim_blk_file_counts {
    uint64_t reads, writes, flushes; /* completed, by kind */
    uint64_t fsyncs;                 /* fsync(2) calls that succeeded */
    uint64_t refused_full;           /* submits refused: queue full */
    unsigned waiting;                /* requests not yet completed */
};
const struct sim_blk_file_counts *sim_blk_file_counts(int disk);
/* ---- Several simulated CPUs (sim_smp.c) ----------------------------------- */

/* Start simulated physical CPUs 1..ncpus-1, each a host thread running the
 * core's sched_secondary_main (the calling thread is CPU 0, ids as
 * arch_cpu_id reports them); returns once all are online. -1, with the
 * reason in *why, where the sim cannot (the coroutine builds for qemu-user
 * run one CPU). sim_reset stops them: every VM must be destroyed first. */
int sim_smp_start(unsigned ncpus, const char **why);
/* Simulated CPUs running now (1 before sim_smp_start). */
unsigned sim_smp_cpus(void);
/* Kicks (ARCH_IRQ_KICK) CPU cpu has taken since sim_reset, and
 * list-register kicks its arch_vcpu_run took for the core's fast exit. */
uint64_t sim_cpu_kicks(unsigned cpu);
uint64_t sim_cpu_lr_kicks_fast(unsigned cpu);

#endif
