/*
 * vCPU creation, entry/exit and register access for the ARMv7 port.
 *
 * A vCPU's state lives in a struct arch_vcpu (context.h) from a static pool,
 * one slot per struct vcpu (the core's vCPUs come from a static pool too,
 * so the slot of a vCPU object is reused when its VM is recreated).
 * arch_vcpu_run installs the vCPU's GICH state (arch/gicv2) and enters the
 * guest through vectors.S, which switches the general registers; on the way
 * out it fills struct arch_exit from HSR, HDFAR/HIFAR and HPFAR.
 *
 * The guest's cp15 and VFP state, HCR and VTTBR (and the PMU, arch/pmu) are
 * switched lazily: Hyp mode
 * uses none of them (armvisor is built soft-float), so they stay live in the
 * CPU after an exit and a vCPU entered again pays nothing for them. They are
 * saved when another vCPU is loaded or when the core needs something kept in
 * them (armv7_ctx_fetch: an injected exception, the timer), and loaded again
 * on entry only if the copy in memory changed or another vCPU ran (as KVM's
 * vcpu_load/vcpu_put).
 *
 * Several physical CPUs: which vCPU's state a CPU holds is in its record
 * (struct armv7_cpu, HTPIDR), and each context says which CPU holds it
 * (live_cpu). A CPU about to run, read or reset a vCPU another CPU still
 * holds (the vCPU moved) asks that CPU for it (flush_wanted, a kick, a
 * wait: claim); the holder saves it and lets go where it next takes an
 * interrupt or waits (boot_smp_service).
 */
#include <string.h>

#include "arch/armv7/armv7.h"
#include "arch/armv7/context.h"
#include "arch/armv7/cp15.h"
#include "arch/boot/smp.h"
#include "core/syndrome_v7.h"
#include "core/vm.h"
#include "lib/log.h"

/* What a guest traps (HCR, B4.1.65):
 *  VM            stage-2 translation;
 *  SWIO          its set/way invalidates become clean+invalidate (it must not
 *                discard lines that hold someone else's data);
 *  FMO/IMO/AMO   physical FIQ/IRQ/asynchronous aborts come to Hyp;
 *  TWI/TWE       WFI/WFE trap, so an idle guest gives the CPU back;
 *  TSC           SMC traps (the core answers PSCI for the guest);
 *  TIDCP, TAC    IMPLEMENTATION DEFINED lockdown registers and ACTLR trap
 *                (they act on the physical CPU); the core refuses them with
 *                an UNDEF. HSTR.T15 below does the same for all of c15;
 *  TID3          the ID registers (MRC p15, 0, c0, c1..c7; VMRS MVFR0/1)
 *                trap and the core answers them sanitised, with the policy
 *                every arch shares (core/idregs.c): the Virtualization
 *                Extensions, for one, are not the guest's. */
#define HCR_GUEST                                                                                  \
    (HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_TWI | HCR_TWE | HCR_TSC | HCR_TIDCP |   \
     HCR_TAC | HCR_TID3)
#define HSTR_GUEST HSTR_T(15)
/* The debug registers are state of the physical CPU that every VM would
 * share and no VM may program (a watchpoint left by one guest is seen by
 * the next): trapped, and refused by the core. The PMU's registers trap
 * too: the core emulates them on the vCPU's switched PMU state (pmu.c). */
#define HDCR_GUEST_TRAPS (HDCR_TPM | HDCR_TPMCR | HDCR_TDA | HDCR_TDOSA | HDCR_TDRA)

#define FSC_ASYNC_EXT_ABORT 0x11u /* long-descriptor FSC 0b010001 */

#define GUEST_CPSR_RESET (CPSR_MODE_SVC | CPSR_A | CPSR_I | CPSR_F)

static struct arch_vcpu pool[VM_MAX * VM_MAX_VCPUS];

static struct armv7_cpu *this_cpu(void)
{
    return armv7_this_cpu();
}

/* How a context names the CPU holding its state: 1 + index, 0 none. */
static unsigned cpu_tag(const struct armv7_cpu *cpu)
{
    return cpu->index + 1;
}

/* Another CPU holds c's state: ask it (flush_wanted, a kick, an event for
 * a CPU waiting in WFE) and wait until it let go. Requests to this CPU are
 * answered meanwhile (arch_cpu_wait_event), so two CPUs asking each other
 * do not deadlock. */
static void fetch_remote(struct arch_vcpu *c, unsigned me)
{
    __atomic_store_n(&c->flush_wanted, true, __ATOMIC_RELEASE);
    for (;;) {
        unsigned h = __atomic_load_n(&c->live_cpu, __ATOMIC_ACQUIRE);
        if (!h || h == me)
            break;
        arch_cpu_kick(h - 1); /* an SGI, and an event for a WFE */
        while (__atomic_load_n(&c->live_cpu, __ATOMIC_ACQUIRE) == h)
            arch_cpu_wait_event();
    }
    __atomic_store_n(&c->flush_wanted, false, __ATOMIC_RELEASE);
}

/* Before touching c's lazily switched state: if another CPU holds it, have
 * that CPU put it in memory first. */
static inline void claim(struct arch_vcpu *c)
{
    unsigned me = cpu_tag(this_cpu());
    unsigned h = __atomic_load_n(&c->live_cpu, __ATOMIC_ACQUIRE);
    if (h && h != me)
        fetch_remote(c, me);
}

/* If this CPU does not hold c's state, any CPU that does gives it back
 * first (claim), so it is in memory. */
bool armv7_ctx_live(struct arch_vcpu *c)
{
    if (this_cpu()->hw_loaded == c)
        return !c->in_mem;
    claim(c);
    return false;
}

static void ctx_save(struct arch_vcpu *c)
{
    armv7_vfp_save(&c->vfp);
    armv7_cp15_save(&c->cp15);
    c->in_mem = true;
}

void armv7_ctx_fetch(struct arch_vcpu *c, bool for_write)
{
    if (armv7_ctx_live(c))
        ctx_save(c);
    if (for_write && this_cpu()->hw_loaded == c)
        c->reload = true;
}

/* This CPU no longer holds prev's state (saved first if newer). */
static void let_go(struct armv7_cpu *cpu, struct arch_vcpu *prev)
{
    if (!prev->in_mem)
        ctx_save(prev);
    cpu->hw_loaded = NULL;
    __atomic_store_n(&prev->live_cpu, 0, __ATOMIC_RELEASE);
}

/* Put c's state into the CPU, unless it is there already. */
static void vcpu_load(struct arch_vcpu *c, struct vcpu *vcpu)
{
    struct armv7_cpu *cpu = this_cpu();
    if (cpu->hw_loaded == c && !c->reload)
        return;
    claim(c);
    if (cpu->hw_loaded && cpu->hw_loaded != c)
        let_go(cpu, cpu->hw_loaded);
    armv7_cp15_restore(&c->cp15);
    armv7_vfp_restore(&c->vfp);
    cp_write32(HCR, c->hcr);
    cp_write64(VTTBR, stage2_vttbr(&vcpu->vm->stage2));
    cpu->hw_loaded = c;
    __atomic_store_n(&c->live_cpu, cpu_tag(cpu), __ATOMIC_RELEASE);
    c->reload = false;
}

/* This CPU gives c back for good: saved, forgotten, and its virtual timer
 * no longer fires here. */
static void put_here(struct armv7_cpu *cpu, struct arch_vcpu *c)
{
    pmu_put(&c->pmu); /* first: a CPU waiting for live_cpu may load it */
    let_go(cpu, c);
    cp_write32(CNTV_CTL, 0);
    isb();
}

void boot_smp_lazy_service(void)
{
    struct armv7_cpu *cpu = this_cpu();
    struct arch_vcpu *h = cpu->hw_loaded;
    if (!h || !__atomic_load_n(&h->flush_wanted, __ATOMIC_ACQUIRE))
        return;
    put_here(cpu, h);
    arch_cpu_send_event();
}

/* c is about to be reset or given back: no CPU may hold (or later save
 * into) its state. */
static void forget(struct arch_vcpu *c)
{
    claim(c);
    struct armv7_cpu *cpu = this_cpu();
    if (cpu->hw_loaded == c) {
        cpu->hw_loaded = NULL;
        c->live_cpu = 0;
    }
}

void armv7_cpu_init(void)
{
    cp_write32(VTCR, VTCR_VALUE);
    cp_write32(HCPTR, HCPTR_GUEST);
    cp_write32(HSTR, HSTR_GUEST);
    cp_write32(HDCR, armv7_pmu_hpmn() | HDCR_GUEST_TRAPS);
    /* The guest may read the physical counter (CNTPCT, B8.1.2); the
     * physical timer's registers trap (PL1PCEN clear) and the core emulates
     * it per vCPU (core/ptimer.c). The Hyp timer (CNTHP, hyp_timer.c) starts
     * off: its reset state is UNKNOWN. The event stream (every 2^(EVNTI+1) ticks, ~1 ms at 62.5
     * MHz) bounds a WFE in arch_cpu_idle on hardware. */
    cp_write32(CNTHCTL, CNTHCTL_PL1PCTEN | CNTHCTL_EVNTEN | (15u << CNTHCTL_EVNTI_SHIFT));
    cp_write64(CNTVOFF, 0);
    arch_hyp_timer_disarm();
    cp_write32(VPIDR, cp_read32(MIDR));
    isb();
}

static struct arch_vcpu *slot_for(struct vcpu *vcpu)
{
    struct arch_vcpu *free_slot = NULL;
    for (size_t i = 0; i < sizeof(pool) / sizeof(pool[0]); i++) {
        if (pool[i].owner == vcpu)
            return &pool[i];
        if (!pool[i].owner && !free_slot)
            free_slot = &pool[i];
    }
    return free_slot;
}

int arch_vcpu_init(struct vcpu *vcpu, const struct vcpu_boot *boot)
{
    if (boot->isa == ISA_A64) {
        log_err("vCPU %u: an AArch64 guest cannot run on an ARMv7 host\n", vcpu->id);
        return -1;
    }
    struct arch_vcpu *c = slot_for(vcpu);
    if (!c) {
        log_err("vCPU %u: no free context slot\n", vcpu->id);
        return -1;
    }
    forget(c); /* its state is reset below: load it on entry */
    memset(c, 0, sizeof(*c));
    pmu_ctx_reset(&c->pmu);
    c->owner = vcpu;
    vcpu->arch = c;

    for (unsigned i = 0; i < 4; i++)
        c->gprs.r[i] = (uint32_t)boot->regs[i];
    c->gprs.pc = (uint32_t)boot->pc;
    c->gprs.cpsr = GUEST_CPSR_RESET | (boot->isa == ISA_T32 ? CPSR_T : 0);
    if (boot->isa == ISA_T32)
        c->gprs.pc &= ~1u;

    c->cp15.sctlr = SCTLR_GUEST_RESET;
    c->cp15.vmpidr = MPIDR_RES1 | (vcpu->id & 0xffu);
    /* The guest's virtual counter starts near zero. */
    c->cp15.cntvoff = arch_counter_read();
    c->hcr = HCR_GUEST;
    return 0;
}

void arch_vcpu_put(struct vcpu *vcpu)
{
    struct arch_vcpu *c = vcpu ? vcpu->arch : NULL;
    struct armv7_cpu *cpu = this_cpu();
    if (c && cpu->hw_loaded == c)
        put_here(cpu, c);
    else if (c)
        pmu_put(&c->pmu);
}

void arch_vcpu_release(struct vcpu *vcpu)
{
    /* Only a slot this vCPU owns; wiping it frees it (owner NULL) and
     * leaves no register of the old guest for the next one to read. */
    struct arch_vcpu *c = vcpu->arch;
    if (c >= pool && c < pool + sizeof(pool) / sizeof(pool[0]) && c->owner == vcpu) {
        forget(c);
        memset(c, 0, sizeof(*c));
        pmu_ctx_reset(&c->pmu);
    }
    vcpu->arch = NULL;
}

static bool hpfar_valid(uint32_t hsr)
{
    unsigned ec = (hsr >> HSR_EC_SHIFT) & HSR_EC_MASK;
    if (ec != HSR_EC_DABT_GUEST && ec != HSR_EC_IABT_GUEST)
        return false;
    /* HPFAR holds the IPA for stage-2 translation, access flag and
     * permission faults (B4.1.70): FSC 0b0001LL, 0b0010LL, 0b0011LL. */
    unsigned fsc = hsr & HSR_ISS_FSC_MASK;
    return (fsc >> 2) >= 1 && (fsc >> 2) <= 3;
}

void arch_vcpu_trap_wfi(struct vcpu *vcpu, bool trap)
{
    struct arch_vcpu *c = vcpu->arch;
    uint32_t hcr = trap ? c->hcr | HCR_TWI : c->hcr & ~HCR_TWI;
    if (hcr == c->hcr)
        return;
    c->hcr = hcr;
    /* Live in this CPU: the ERET into the guest synchronizes the write;
     * otherwise vcpu_load writes it. */
    if (this_cpu()->hw_loaded == c)
        cp_write32(HCR, hcr);
}

/* The banked registers in c's context, saved from the CPU first if they
 * are still there (between a guest exit and the end of arch_vcpu_run). */
static void banked_sync(struct arch_vcpu *c)
{
    if (c->banked_in_cpu) {
        armv7_save_banked(&c->gprs);
        c->banked_in_cpu = false;
    }
}

/* A trap or SError exit's record, from HSR and the fault address
 * registers; true when it is a stage-2 abort with a valid IPA, which
 * arch_vcpu_run offers to the core's fast exit path. */
static bool fill_trap(struct arch_vcpu *c, struct arch_exit *exit)
{
    uint32_t hsr = cp_read32(HSR);
    unsigned ec = (hsr >> HSR_EC_SHIFT) & HSR_EC_MASK;
    c->last_hsr = hsr;
    exit->syndrome = hsr;
    /* With HCR.AMO a guest's asynchronous external abort is taken to Hyp as
     * a data abort whose long-format DFSC says "asynchronous external abort"
     * (B3.13.6, B4.1.73): the SError of ARMv8. */
    if (ec == HSR_EC_DABT_GUEST && (hsr & HSR_ISS_FSC_MASK) == FSC_ASYNC_EXT_ABORT) {
        exit->kind = ARCH_EXIT_SERROR;
        return false;
    }
    exit->kind = ARCH_EXIT_TRAP;
    if (ec == HSR_EC_DABT_GUEST)
        exit->far = cp_read32(HDFAR);
    else if (ec == HSR_EC_IABT_GUEST)
        exit->far = cp_read32(HIFAR);
    if (!hpfar_valid(hsr))
        return false;
    uint32_t hpfar = cp_read32(HPFAR);
    /* HPFAR[31:4] = IPA[39:12]. */
    exit->ipa = ((uint64_t)(hpfar & ~0xfu) << 8) | (exit->far & 0xfff);
    exit->ipa_valid = true;
    return true;
}

void arch_vcpu_run(struct vcpu *vcpu, struct arch_exit *exit)
{
    struct arch_vcpu *c = vcpu->arch;

    if (!c->started) {
        /* The image was copied in through our cache; the guest starts with
         * its MMU and caches off and must see it in RAM. */
        armv7_cache_flush_all();
        c->started = 1;
    }
    /* After a fast exit everything of the vCPU is still in the CPU as it
     * left it (cp15, PMU and vGIC state, the banked registers): the core's
     * fast paths change the PC and CPSR at most. */
    bool fast = false;
    for (;;) {
        if (!fast) {
            vcpu_load(c, vcpu);
            pmu_load(&c->pmu);
            gicv2_enter(&c->gic);
            isb();
        }
        c->in_mem = false; /* the guest changes its cp15/VFP state as it runs */
        /* Its banked registers still in the CPU (an exit handled on the
         * spot, no register of theirs read since) or loaded from gprs. */
        int kind = c->banked_in_cpu ? armv7_guest_resume(&c->gprs) : armv7_guest_enter(&c->gprs);
        c->banked_in_cpu = true;
        fast = false;

        *exit = (struct arch_exit){.fmt = SYNDROME_V7_HSR};
        if (kind != GUEST_EXIT_IRQ && fill_trap(c, exit) && vcpu_exit_fast(vcpu, exit)) {
            /* Handled by the core before the vGIC state left the CPU. */
            fast = true;
            continue;
        }
        if (kind == GUEST_EXIT_IRQ) {
            exit->kind = ARCH_EXIT_IRQ;
            c->last_hsr = 0;
            /* The list-register kick, ended: the core writes what was
             * posted (else the core acknowledges it: arch_irq_ack). */
            exit->lr_kick = gicv2_take_lr_kick();
            if (exit->lr_kick && vcpu_exit_fast(vcpu, exit)) {
                fast = true;
                continue;
            }
        }
        banked_sync(c); /* the exit path may read and write any of them */
        gicv2_exit(&c->gic);
        return;
    }
}

/* ---- Registers as the guest's current mode sees them --------------------- */

static struct armv7_banked *banked_of(struct armv7_gprs *g)
{
    switch (aa32_bank_of(g->cpsr)) {
    case AA32_BANK_SVC:
        return &g->svc;
    case AA32_BANK_ABT:
        return &g->abt;
    case AA32_BANK_UND:
        return &g->und;
    case AA32_BANK_IRQ:
        return &g->irq;
    case AA32_BANK_FIQ:
        return &g->fiq;
    default: /* usr, sys */
        return NULL;
    }
}

static uint32_t *reg_slot(struct arch_vcpu *c, unsigned n)
{
    struct armv7_gprs *g = &c->gprs;
    bool fiq = aa32_bank_of(g->cpsr) == AA32_BANK_FIQ;
    if (n >= 8 && (fiq || n >= 13))
        banked_sync(c); /* r8-r12 of FIQ mode, SP and LR of the others */
    if (n < 8)
        return &g->r[n];
    if (n < 13)
        return fiq ? &g->r_fiq[n - 8] : &g->r[n];
    struct armv7_banked *b = banked_of(g);
    if (n == 13)
        return b ? &b->sp : &g->sp_usr;
    if (n == 14)
        return b ? &b->lr : &g->lr_usr;
    return NULL;
}

uint64_t arch_vcpu_reg_read(struct vcpu *vcpu, unsigned n)
{
    struct armv7_gprs *g = &vcpu->arch->gprs;
    if (n == 15) /* reads as the instruction's address + 8 (A32) / + 4 (T32) */
        return g->pc + ((g->cpsr & CPSR_T) ? 4 : 8);
    uint32_t *r = reg_slot(vcpu->arch, n);
    return r ? *r : 0;
}

void arch_vcpu_reg_write(struct vcpu *vcpu, unsigned n, uint64_t val)
{
    struct armv7_gprs *g = &vcpu->arch->gprs;
    if (n == 15) { /* a branch: the guest resumes there */
        g->pc = (uint32_t)val;
        return;
    }
    uint32_t *r = reg_slot(vcpu->arch, n);
    if (r)
        *r = (uint32_t)val;
}

uint64_t arch_vcpu_sp_read(struct vcpu *vcpu)
{
    return arch_vcpu_reg_read(vcpu, 13);
}

void arch_vcpu_sp_write(struct vcpu *vcpu, uint64_t val)
{
    arch_vcpu_reg_write(vcpu, 13, val);
}

uint64_t arch_vcpu_pc(struct vcpu *vcpu)
{
    return vcpu->arch->gprs.pc;
}

uint32_t arch_vcpu_pstate(struct vcpu *vcpu)
{
    return vcpu->arch->gprs.cpsr; /* SPSR_hyp as saved by vectors.S */
}

enum vcpu_isa arch_vcpu_isa(struct vcpu *vcpu)
{
    return (vcpu->arch->gprs.cpsr & CPSR_T) ? ISA_T32 : ISA_A32;
}

bool arch_vcpu_data_be(struct vcpu *vcpu)
{
    return (vcpu->arch->gprs.cpsr & CPSR_E) != 0;
}

void arch_vcpu_skip_insn(struct vcpu *vcpu, unsigned len)
{
    struct armv7_gprs *g = &vcpu->arch->gprs;
    g->pc += len;
    if (g->cpsr & CPSR_T)
        g->cpsr = aa32_it_advance(g->cpsr); /* ITAdvance(), A2.5.2 */
}

bool arch_vcpu_va_to_ipa(struct vcpu *vcpu, uint64_t va, ipa_t *ipa)
{
    struct arch_vcpu *c = vcpu->arch;
    if (va >> 32)
        return false;
    /* ATS1CPR walks the guest's stage 1 with the PL1 registers in the CPU,
     * its table reads going through this VM's stage 2; PAR is guest state,
     * put back afterwards. */
    vcpu_load(c, vcpu);
    isb();
    uint64_t guest_par = cp_read64(PAR64);
    cp_write32(ATS1CPR, (uint32_t)va);
    isb();
    uint64_t par = cp_read64(PAR64);
    cp_write64(PAR64, guest_par);
    if (par & PAR_F)
        return false;
    if (par & PAR_LPAE) /* 64-bit format: PA[39:12] in bits 39:12 */
        *ipa = (par & 0xfffffff000ull) | (va & 0xfff);
    else if (par & PAR_SS) /* supersection: PA[31:24] (PA[39:32] not given) */
        *ipa = (par & 0xff000000u) | (va & 0xffffff);
    else
        *ipa = (par & 0xfffff000u) | (va & 0xfff);
    return true;
}

/* The host's AArch32 ID registers at the index of their AArch64 views
 * (core/idregs.h), read with MRC p15, 0, c0, c<crm>, <op2>: ID_PFR0..
 * ID_MMFR3 (CRm 1), ID_ISAR0..5 (CRm 2, op2 0..5); MVFR0/1 with VMRS (Hyp
 * may read them: HCPTR does not trap cp10, and FPEXC.EN does not gate them
 * at PL1 and above, ARMv7-A ARM B1.11.3). Everything else ARMv7 has not
 * (ID_MMFR4, ID_ISAR6, MVFR2, the AArch64 registers): 0. */
#define ID_CASE(crm, op2)                                                                          \
    case (crm)*8 + (op2):                                                                         \
        return cp_read32("p15, 0, %0, c0, c" #crm ", " #op2);
uint64_t arch_id_reg_read(unsigned crm, unsigned op2)
{
    if (op2 > 7)
        return 0;
    switch (crm * 8 + op2) {
        ID_CASE(1, 0)
        ID_CASE(1, 1)
        ID_CASE(1, 2)
        ID_CASE(1, 3)
        ID_CASE(1, 4)
        ID_CASE(1, 5)
        ID_CASE(1, 6)
        ID_CASE(1, 7)
        ID_CASE(2, 0)
        ID_CASE(2, 1)
        ID_CASE(2, 2)
        ID_CASE(2, 3)
        ID_CASE(2, 4)
        ID_CASE(2, 5)
    case 3 * 8 + 0:
        return cp_read32(MVFR0_REG);
    case 3 * 8 + 1:
        return cp_read32(MVFR1_REG);
    default:
        return 0;
    }
}

/* The Hyp-mode port switches none of the optional features. */
unsigned arch_cpu_features(void)
{
    return 0;
}

unsigned arch_sve_max_vl(void)
{
    return 0;
}
