/*
 * The arch interface: the whole contract between src/core (and src/vdev) and
 * one implementation in src/arch/{sim,armv7,armv8}.
 *
 * src/core includes this header and no other arch header. An arch may include
 * core headers (it fills core objects), never the other way round.
 *
 * Locking: every function taking a vcpu is called by the physical CPU that
 * runs that vCPU (or, between runs, the one that holds it: the scheduler
 * moves a vCPU to another CPU only after arch_vcpu_put on the old one), and
 * never with a core lock (core/pcpu.h) held unless it says so. Functions
 * taking a vcpu act on the state of that vCPU, whether it is loaded on the
 * CPU or saved in memory; the vCPU is not running on another CPU meanwhile.
 */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct vcpu;

typedef uint64_t paddr_t; /* host physical address */
typedef uint64_t ipa_t;   /* guest intermediate physical address */

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)

/* ---- Identity and CPU -------------------------------------------------- */

/* Short name of this arch ("sim", "armv7", "armv8"), for logs. */
const char *arch_name(void);

/* Index of the physical CPU executing the caller: 0 for the boot CPU, then
 * 1.. in the order the arch brought the others up (below PCPU_MAX). Any
 * context. */
unsigned arch_cpu_id(void);

/* Make physical CPU cpu take an interrupt of kind ARCH_IRQ_KICK soon (a
 * software-generated interrupt on hardware): it then looks at its run queue
 * and at the vCPU it runs, so an interrupt made pending for that vCPU is seen
 * at once. A kick to the calling CPU, or to one that is not online, does
 * nothing. Any context, any locks held (it takes none). */
void arch_cpu_kick(unsigned cpu);

/* Make physical CPU cpu take the list-register kick soon: an interrupt of
 * its own (another SGI on hardware), which the vCPU running there in its
 * guest takes as an IRQ exit that arch_vcpu_run acknowledges and ends
 * itself and offers to the core's vcpu_exit_fast with lr_kick set, so that
 * the core writes what other CPUs posted into that vCPU's list registers
 * (core/vgic_post.c) and the guest goes on without the exit path. Taken
 * anywhere else (no guest running, or arch_irq_ack reaches it) it is
 * ARCH_IRQ_KICK. No event (SEV) with it: only a CPU in its guest is ever
 * sent one. A kick to the calling CPU, or to one that is not online, does
 * nothing. Any context, any locks held (it takes none). */
void arch_cpu_kick_lr(unsigned cpu);

/* Wait until another CPU may have sent an event (WFE on hardware, a host
 * thread yield in sim); may return at once or spuriously, so callers loop
 * and re-check what they wait for. Spin-waits use it so that, under QEMU's
 * -icount, a waiting CPU lets the others run. Any context. */
void arch_cpu_wait_event(void);

/* Wake every CPU in arch_cpu_wait_event (DSB, then SEV on hardware), after
 * the store that ends their wait. Any context. */
void arch_cpu_send_event(void);

/* Why the hypervisor stops when it is not a guest's own exit code (those
 * pass through arch_halt unchanged): the same code for the same event on
 * every arch. */
enum halt_reason {
    HALT_NO_GUEST = 1,      /* booted with no guest image to run */
    HALT_REFUSED = 2,       /* the machine or the guest is refused: wrong EL or
                               mode, no DTB, bad package, no RAM for it */
    HALT_BUG = 3,           /* the hypervisor caught its own bug (a bad page
                               free, a vCPU without context) */
    HALT_HYP_EXCEPTION = 4, /* an exception taken at EL2 / in Hyp mode itself */
};

/* Stop the whole machine: power off (QEMU exits) or, in sim, end the process
 * with the given status (a guest exit code or an enum halt_reason). */
_Noreturn void arch_halt(int status);

/* ---- Console ----------------------------------------------------------- */

/* Write one byte to the hypervisor's own console (the physical UART). */
void arch_console_putc(char c);

/* Read one byte from the console without blocking; -1 when none is waiting.
 * Where the arch can, the UART's receive interrupt is enabled and reported
 * as ARCH_IRQ_CONSOLE, so nobody needs to poll this. */
int arch_console_getc(void);

/* The host CPU's value of the AArch64 ID register op0 3, op1 0, CRn 0, CRm
 * crm, op2 op2 (crm 1..7, op2 0..7: ID_PFR0_EL1 .. ID_AA64MMFR*_EL1, what a
 * guest's MRS would read without HCR_EL2.TID3), unsanitised: the core
 * (core/idregs.c) decides what a guest sees. 0 outside that range and where
 * the CPU has no AArch64 ID registers (armv7). Called from any context (no
 * vCPU or lock needed; it changes nothing); armvisor assumes every CPU
 * reads the same values. */
uint64_t arch_id_reg_read(unsigned crm, unsigned op2);

/* CPU features beyond the base architecture whose state the arch switches
 * per vCPU, so the core may advertise them to guests as the host has them
 * (core/idregs.c; a feature not listed here is hidden, its instructions
 * and registers trapped and refused): */
#define ARCH_FEAT_SVE   (1u << 0) /* SVE/SVE2: Z0-31, P0-15, FFR, ZCR_EL1 */
#define ARCH_FEAT_PAUTH (1u << 1) /* pointer authentication: APIA..APGA keys */
#define ARCH_FEAT_MTE   (1u << 2) /* MTE with tags in memory: TFSR*, RGSR, GCR,
                                     the tags of the VM's RAM zeroed when given */
/* The ARCH_FEAT_* this CPU has and the arch switches. Any context. */
unsigned arch_cpu_features(void);

/* The longest SVE vector the arch can give a guest, in bytes (a multiple
 * of 16, at most 256); 0 without ARCH_FEAT_SVE. A VM gets at most
 * vm->cpu.sve_vl_max of it, which the arch reads in arch_vcpu_init. Any
 * context. */
unsigned arch_sve_max_vl(void);

/* ---- Physical memory --------------------------------------------------- */

/* Allocate npages contiguous, zeroed, page-aligned host pages; 0 on failure. */
paddr_t arch_page_alloc(size_t npages);

/* Return pages obtained from arch_page_alloc. */
void arch_page_free(paddr_t pa, size_t npages);

/* Hypervisor virtual address of host physical address pa (NULL if unmapped). */
void *arch_pa_to_va(paddr_t pa);

/* Host physical address of a hypervisor virtual address. */
paddr_t arch_va_to_pa(const void *va);

/* ---- Stage 2 ----------------------------------------------------------- */

/* Shape of the stage-2 tables this CPU walks (what VTCR will be set to). */
struct stage2_format {
    unsigned ipa_bits;    /* input size: 40 on ARMv7, 40 or 48 on ARMv8 */
    unsigned start_level; /* first lookup level, 0..2 (VTCR.SL0) */
    unsigned concat;      /* concatenated tables at start level: 1..16 */
};

/* The stage-2 format for a new VM, given the IPA size the VM asks for (0 means
 * the largest the CPU supports); false if the CPU cannot do that size. */
bool arch_stage2_format(unsigned want_ipa_bits, struct stage2_format *fmt);

/* Make descriptor writes in [va, va+len) visible to the table walker (DSB, and a
 * cache clean where walks are not coherent). Called after every table write. */
void arch_stage2_sync(void *va, size_t len);

/* Invalidate stage-2 (and combined stage-1+2) TLB entries of VMID vmid for the
 * IPA range [ipa, ipa+size); used for break-before-make. */
void arch_tlb_inval_ipa(uint16_t vmid, ipa_t ipa, uint64_t size);

/* Invalidate every TLB entry tagged with VMID vmid. */
void arch_tlb_inval_vmid(uint16_t vmid);

/* Invalidate this CPU's stage-1 (EL1&0) TLB entries of VMID vmid, not
 * broadcast: a vCPU of the VM is about to run on this CPU where another
 * vCPU of the same VM ran last, and its guest's stage-1 entries (same VMID,
 * perhaps the same ASIDs for other tables) must not be used by this one
 * (as KVM's last_vcpu_ran). ARMv8: TLBI VMALLE1 with VTTBR_EL2.VMID =
 * vmid; ARMv7: TLBIALL with VTTBR.VMID = vmid. Called by the scheduler with
 * no vCPU running and no lock held. */
void arch_tlb_inval_vmid_local(uint16_t vmid);

/* ---- vCPU entry and exit ----------------------------------------------- */

/* Which format the raw syndrome in an exit record uses. */
enum syndrome_fmt {
    SYNDROME_V7_HSR, /* ARMv7 HSR (B3.13.6 of the ARMv7-A ARM) */
    SYNDROME_V8_ESR, /* ARMv8 ESR_EL2 (D13.2.37 of the ARMv8-A ARM) */
};

enum arch_exit_kind {
    ARCH_EXIT_TRAP,   /* synchronous exception to the hypervisor: syndrome valid */
    ARCH_EXIT_IRQ,    /* a physical interrupt arrived while the guest ran */
    ARCH_EXIT_SERROR, /* asynchronous external abort from the guest */
};

/* What the hardware reported when the guest stopped (in the spirit of bhyve's
 * vm_exit). The core decodes it; the arch only copies registers. */
struct arch_exit {
    enum arch_exit_kind kind;
    enum syndrome_fmt fmt;
    uint32_t syndrome; /* raw HSR / ESR_EL2 */
    uint64_t far;      /* faulting guest VA: HDFAR/HIFAR, FAR_EL2 */
    ipa_t ipa;         /* faulting IPA: HPFAR page | far page offset */
    bool ipa_valid;    /* HPFAR is valid for this fault */
    bool lr_kick;      /* IRQ exits: the interrupt was the list-register kick
                          (arch_cpu_kick_lr), already acknowledged and ended by
                          the arch; anything else pending is still pending */
};

/* Where and how a vCPU starts. */
enum vcpu_isa { ISA_A64, ISA_A32, ISA_T32 };
struct vcpu_boot {
    enum vcpu_isa isa; /* A64 needs an ARMv8 host; A32/T32 run on both */
    uint64_t pc;       /* first instruction (IPA; the guest MMU starts off) */
    uint64_t regs[4];  /* x0-x3 / r0-r3 at entry (boot protocol arguments) */
};

/* Prepare the arch state of a new vCPU (guest MMU and caches off, EL1/SVC). */
int arch_vcpu_init(struct vcpu *vcpu, const struct vcpu_boot *boot);

/* Give back the arch state of a vCPU whose VM is being destroyed: the arch
 * stops anything still attached to it (sim: the guest's thread/coroutine),
 * clears its saved context, returns the context slot to its pool and sets
 * vcpu->arch to NULL, so the slot can serve another vCPU. Called by
 * vm_destroy for every vCPU of the VM, started or not; a no-op for a vCPU
 * that has no arch context. The vCPU must not be running. */
void arch_vcpu_release(struct vcpu *vcpu);

/* vcpu leaves this CPU for good or for a while (it may run on another CPU
 * next, or its VM stops): save into its context in memory everything of it
 * that is still live in this CPU (EL1/PL1 system registers, FP/SIMD, the
 * virtual timer's registers), stop its virtual timer in the CPU (so the
 * CPU's timer PPI no longer fires for it) and forget that the CPU holds
 * it, so that the next arch_vcpu_run, on any CPU, loads it from memory
 * (KVM's vcpu_put). Called on the CPU that ran it last, with it not
 * running; a no-op when this CPU holds nothing of it. */
void arch_vcpu_put(struct vcpu *vcpu);

/* Enter the guest on this CPU and return when it exits, with *exit filled.
 * Installs vcpu's VM stage-2 root and VMID (vm->stage2) on the way in. An
 * exit with a valid IPA (a stage-2 abort), and an IRQ exit whose interrupt
 * was the list-register kick (lr_kick set: acknowledged and ended here), is
 * first offered to the core's vcpu_exit_fast (core/vm.h), before the vGIC
 * state (list registers, VMCR, APR) is saved; when that handled it, the
 * guest is entered again at once with that state left in the CPU, and
 * arch_vcpu_run goes on. */
void arch_vcpu_run(struct vcpu *vcpu, struct arch_exit *exit);

/* Whether a WFI the guest executes traps (an exit of its own: the default
 * after arch_vcpu_init) or waits in the guest until an interrupt for it is
 * pending: a virtual one in its list registers, or any physical one (taken
 * by the hypervisor: an exit), as on a CPU with no hypervisor (HCR_EL2.TWI /
 * HCR.TWI). The scheduler lets a vCPU that has a CPU to itself wait there
 * (sched.c: no block, idle, wake-up and load on the way). Called on the CPU
 * about to run vcpu, before arch_vcpu_run; takes effect from that run on.
 * An arch that cannot let the guest wait (sim: its guest threads run only
 * between traps) keeps trapping, which the Arm ARM allows a hypervisor. */
void arch_vcpu_trap_wfi(struct vcpu *vcpu, bool trap);

/* ---- vCPU state -------------------------------------------------------- */

/* General register n as the guest's current mode sees it. A64: 0-30 are
 * X0-X30, 31 reads zero (XZR). A32/T32: 0-14 (banked SP/LR of the mode),
 * 15 reads the address of the current instruction plus 8 (A32) or 4 (T32). */
uint64_t arch_vcpu_reg_read(struct vcpu *vcpu, unsigned n);

/* Write general register n (A64: writes to 31 are ignored, as to XZR). */
void arch_vcpu_reg_write(struct vcpu *vcpu, unsigned n, uint64_t val);

/* The guest's current stack pointer (A64 SP_ELx of the current EL; A32 r13). */
uint64_t arch_vcpu_sp_read(struct vcpu *vcpu);
void arch_vcpu_sp_write(struct vcpu *vcpu, uint64_t val);

/* Address of the instruction that trapped (ELR_EL2 / ELR_hyp). */
uint64_t arch_vcpu_pc(struct vcpu *vcpu);

/* The guest's saved CPSR / PSTATE as SPSR_hyp / SPSR_EL2 hold it: NZCV in
 * bits 31:28; for AArch32 also the T bit (5), ITSTATE (IT[1:0] in 26:25,
 * IT[7:2] in 15:10), E (9) and the mode (4:0). The core evaluates the
 * condition of trapped conditional AArch32 instructions with it. */
uint32_t arch_vcpu_pstate(struct vcpu *vcpu);

/* Instruction set the guest is executing now (PSTATE.nRW, CPSR.T). */
enum vcpu_isa arch_vcpu_isa(struct vcpu *vcpu);

/* True when the guest's data accesses are big-endian (SCTLR.EE/E0E, CPSR.E). */
bool arch_vcpu_data_be(struct vcpu *vcpu);

/* Step past the trapped instruction of length len (2 or 4), advancing
 * ITSTATE in a T32 IT block as the hardware would. */
void arch_vcpu_skip_insn(struct vcpu *vcpu, unsigned len);

/* Translate guest VA va through the guest's stage 1 for a read (AT S1E1R /
 * ATS1CPR); false if the guest's tables do not map it. */
bool arch_vcpu_va_to_ipa(struct vcpu *vcpu, uint64_t va, ipa_t *ipa);

/* Inject a synchronous external data abort at guest VA va into the guest. */
void arch_vcpu_inject_dabt(struct vcpu *vcpu, uint64_t va);

/* Inject a prefetch (instruction) abort at guest VA va into the guest. */
void arch_vcpu_inject_iabt(struct vcpu *vcpu, uint64_t va);

/* Inject an Undefined Instruction exception for the trapped instruction. */
void arch_vcpu_inject_undef(struct vcpu *vcpu);

/* ---- Virtual GIC list registers ---------------------------------------- */

/* One list register in an arch-neutral form; the arch encodes it as GICH_LR
 * (GICv2) or ICH_LR<n>_EL2 (GICv3). */
struct vgic_lr {
    uint32_t virq;    /* interrupt ID the guest sees */
    uint32_t pirq;    /* physical ID when hw is set */
    uint8_t priority; /* 8-bit priority, low is urgent */
    bool pending;
    bool active;
    bool hw;        /* deactivation goes through to the physical interrupt */
    bool group1;    /* group 1 (IRQ) rather than group 0 */
    uint8_t source; /* SGIs: the requesting CPU (GICv2 GICH_LR.CPUID, which
                       the guest reads in GICV_IAR bits 12:10) */
    bool eoi_maint; /* hw clear only: a maintenance interrupt when the guest
                       EOIs it (GICv2 GICH_LR.EOI, GICv3 ICH_LR.EOI) */
};

/* Number of list registers the virtual CPU interface has (0: no vGIC yet). */
unsigned arch_vgic_lr_count(void);

/* Read / write list register i of vcpu: the copy saved at its last exit, or
 * what the next entry loads. Called with vcpu not running. */
void arch_vgic_lr_read(struct vcpu *vcpu, unsigned i, struct vgic_lr *lr);
void arch_vgic_lr_write(struct vcpu *vcpu, unsigned i, const struct vgic_lr *lr);

/* Bit i set: list register i of vcpu held no interrupt (neither pending nor
 * active) when it last exited (GICH_ELRSR0/1, ICH_ELRSR_EL2). Only meaningful
 * for list registers written since. Called with vcpu not running. */
uint64_t arch_vgic_lr_empty(struct vcpu *vcpu);

/* lr as the hardware's list register holds it (GICH_LR, ICH_LR<n>_EL2),
 * for arch_vgic_lr_post: the core computes it where it decides (a CPU
 * posting to another's vCPU), so that the vCPU's own CPU only writes it.
 * Any context. */
uint64_t arch_vgic_lr_encode(const struct vgic_lr *lr);

/* Make list register i of vcpu pending with value (arch_vgic_lr_encode of
 * an SGI posted by another CPU: core/vgic_post.c): when the register
 * holds nothing, it gets value; when it holds an interrupt (the same one,
 * pending or active: the core posts only to a register that is free or
 * holds that SGI from that source), only its pending bit is set. On the
 * vCPU's own CPU, either while its vGIC state is in the CPU (in_cpu: in
 * arch_vcpu_run, before it saves that state; the hardware's register) or
 * after arch_vcpu_run returned (the saved copy). */
void arch_vgic_lr_post(struct vcpu *vcpu, unsigned i, uint64_t value, bool in_cpu);

/* Maintenance interrupts vcpu's next runs should raise (GICH_HCR / ICH_HCR_EL2):
 * UNDERFLOW when at most one list register is still valid (UIE), NO_PENDING
 * when none is pending (NPIE). Either makes the guest exit, so the core can
 * refill the list registers. Called with vcpu not running. */
#define VGIC_MAINT_UNDERFLOW  (1u << 0)
#define VGIC_MAINT_NO_PENDING (1u << 1)
void arch_vgic_set_maint(struct vcpu *vcpu, unsigned flags);

/* ---- Physical interrupts taken by the hypervisor ---------------------- */

/* What a physical interrupt is for. The arch knows its host's INTIDs; the
 * core decides what happens. */
enum arch_irq_kind {
    ARCH_IRQ_VTIMER,     /* the EL1 virtual timer's PPI (a guest's CNTV_*) */
    ARCH_IRQ_VGIC_MAINT, /* the GIC's maintenance interrupt */
    ARCH_IRQ_CONSOLE,    /* the console UART received something: read it with
                            arch_console_getc until -1 (level-sensitive: it
                            stays high while the UART holds input) */
    ARCH_IRQ_HYP_TIMER,  /* the EL2 / Hyp physical timer's PPI (CNTHP_*) */
    ARCH_IRQ_KICK,       /* another CPU called arch_cpu_kick for this one */
    ARCH_IRQ_PMU,        /* the PMU's overflow interrupt (level-sensitive: high
                            while PMCR.E and PMINTENSET & PMOVSSET of the PMU
                            state loaded in the CPU; core/vpmu.c) */
    ARCH_IRQ_DEVICE,     /* a host device the arch drives for armvisor (the
                            host disk's completions): arch_irq_device */
    ARCH_IRQ_OTHER,      /* anything else (not enabled by armvisor today) */
};
struct arch_irq {
    enum arch_irq_kind kind;
    unsigned intid; /* the host's INTID, for arch_irq_deactivate / vgic_lr.pirq
                       (a GICv2 SGI's also carries its source CPU, bits 12:10,
                       which deactivating it needs) */
};

/* Acknowledge the most urgent pending physical interrupt of this CPU and drop
 * its running priority; it stays active until arch_irq_deactivate or a list
 * register with hw set deactivates it (EOImode 1). False when none is
 * pending. Called by the core after an ARCH_EXIT_IRQ and after arch_cpu_idle,
 * on the CPU that took it, with no vCPU running. */
bool arch_irq_ack(struct arch_irq *irq);

/* Run the driver of the host device that raised intid (ARCH_IRQ_DEVICE):
 * it takes the device's completed requests and calls their submitters back
 * (struct blk_req's done). The core calls it from host_irq_handle, on the
 * CPU that took the interrupt, with no vCPU in the guest and no lock held,
 * then deactivates intid. */
void arch_irq_device(unsigned intid);

/* Deactivate physical interrupt intid of this CPU (GICC_DIR / ICC_DIR_EL1). */
void arch_irq_deactivate(unsigned intid);

/* Host physical address and size of the virtual CPU interface (GICV) that
 * vm_launch maps at the guest's GICC address; false when the arch has none
 * for the guest to use directly (sim; a host without GICv2 virtualization). */
bool arch_vgic_cpu_iface(paddr_t *pa, uint64_t *size);

/* ---- Performance Monitors ---------------------------------------------- */

/* The host PMU a vCPU is given (core/vpmu.c decides what the guest sees):
 * the number of event counters (PMCR.N, 0..31), or -1 when the CPU has no
 * PMU armvisor can give to guests (no PMUv3 on ARMv8; on ARMv7 none that
 * filters Hyp mode out, PMUv2). Any context; the same on every CPU. */
int arch_pmu_counters(void);

/* A vCPU's PMU registers in the PMUv3 layout (Arm ARM D13.4; ARMv7-A C12):
 * the arch keeps them in the CPU while the vCPU is loaded (the counters
 * count only then, and only at EL1/EL0: armvisor never sets PMEVTYPER.NSH
 * or PMCCFILTR.NSH, so nothing counts at EL2 / in Hyp mode) and in the
 * vCPU's context otherwise. The bitmask registers (CNTEN, INTEN, OVS: bit n
 * counter n, bit 31 the cycle counter) are read and written whole (the
 * arch writes the SET and CLR forms). idx names the counter for EVCNTR and
 * EVTYPER (EVTYPER 31 is PMCCFILTR); SWINC is write-only (PMSWINC), CEID0/1
 * read-only host values (PMCEID0/1). Values are written as given: the core
 * masks them. Called with vcpu not running, on the CPU that runs it. */
enum arch_pmu_reg {
    ARCH_PMU_PMCR,
    ARCH_PMU_CNTEN,
    ARCH_PMU_INTEN,
    ARCH_PMU_OVS,
    ARCH_PMU_USERENR,
    ARCH_PMU_CCNTR,
    ARCH_PMU_EVCNTR,
    ARCH_PMU_EVTYPER,
    ARCH_PMU_SWINC,
    ARCH_PMU_CEID0,
    ARCH_PMU_CEID1,
};
uint64_t arch_pmu_read(struct vcpu *vcpu, enum arch_pmu_reg reg, unsigned idx);
void arch_pmu_write(struct vcpu *vcpu, enum arch_pmu_reg reg, unsigned idx, uint64_t val);

/* ---- Counter and virtual timer ------------------------------------------ */

/* The system counter (CNTPCT) and its frequency in Hz (CNTFRQ). */
uint64_t arch_counter_read(void);
uint64_t arch_counter_freq(void);

/* The guest's EL1 virtual timer: CNTV_CTL, CNTV_CVAL and the offset CNTVOFF. */
struct vtimer_state {
    uint32_t ctl;
    uint64_t cval;
    uint64_t voff;
    bool live; /* read from the CPU, whose CTL.ISTATUS (bit 2) is then the
                  timer condition as the hardware sees it; arch_vtimer_read
                  only */
};
void arch_vtimer_read(struct vcpu *vcpu, struct vtimer_state *t);
void arch_vtimer_write(struct vcpu *vcpu, const struct vtimer_state *t);

/* The hypervisor's own timer on this CPU (EL2 / Hyp physical timer:
 * CNTHP_CTL, CNTHP_CVAL; Arm ARM D11.2, ARMv7-A B8.1): arm makes its PPI
 * (ARCH_IRQ_HYP_TIMER) pending once the physical counter reaches counter,
 * and keeps it pending until disarmed or armed for a later value; disarm
 * stops it. The core arms it for the earliest of its deadlines (htimer.c)
 * and disarms it before deactivating its interrupt. Called on the CPU whose
 * timer it is, with no vCPU running. */
void arch_hyp_timer_arm(uint64_t counter);
void arch_hyp_timer_disarm(void);

/* Wait on this CPU until a physical interrupt (left pending for
 * arch_irq_ack) or an event may have arrived; may return early (a spurious
 * wake-up). A real WFI only when something armvisor enabled can end it; else
 * WFE, which the event stream ends. sim runs the test's idle hook or moves the
 * counter. Called with no vCPU running. Input on the console UART
 * (ARCH_IRQ_CONSOLE) ends the wait where the arch takes its interrupt. */
void arch_cpu_idle(void);

#endif
