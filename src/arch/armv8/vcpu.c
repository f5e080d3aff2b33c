/*
 * vCPUs on ARMv8: creation, the world switch around armv8_guest_enter
 * (vectors.S), the exit record, and the register accessors the core uses.
 *
 * What is switched where:
 *   - X0-X30, PC (ELR_EL2), PSTATE (SPSR_EL2): vectors.S, every entry/exit;
 *   - EL1/EL0 system registers (struct armv8_el1_regs), the virtual timer,
 *     the self-hosted debug registers (debug.c: breakpoints, watchpoints,
 *     OS Lock, claim tags), HCR_EL2, VTTBR_EL2, VTCR_EL2, VMPIDR_EL2: here,
 *     lazily. They stay live
 *     in the CPU after an exit (the hypervisor runs at EL2 and uses none of
 *     them), so a vCPU that exits and is entered again pays nothing for them.
 *     They are saved when another vCPU is loaded or when the core asks for
 *     something kept in them (armv8_el1_fetch), and loaded again on entry
 *     only if the copy in memory was changed (an injected exception) or
 *     another vCPU ran meanwhile (as KVM's vcpu_load/vcpu_put);
 *   - GICv2 virtual interface (GICH_LRn, GICH_VMCR, GICH_APR): arch/gicv2, around
 *     every run (gicv2_enter/exit);
 *   - the PMU's registers: arch/pmu, lazily too, when another vCPU is
 *     entered (pmu_load), and given back when the vCPU leaves the CPU;
 *   - FP/SIMD and SVE: lazily, with one owner (the V registers are the low
 *     bits of the Z registers). The hypervisor never uses those registers,
 *     so they keep the last guest's values; CPTR_EL2.TFP traps a guest whose
 *     registers are not loaded, CPTR_EL2.TZ one whose SVE registers are not,
 *     and the trap is handled here (save the owner's, load ours, retry the
 *     instruction) without the core seeing it. A vCPU keeps FP/SIMD form
 *     until its first SVE instruction, SVE form (sve.c) after it; SVE
 *     traps of a VM without SVE go to the core, which answers UNDEF;
 *   - pointer authentication keys (pauth.c) and, for a VM with MTE, its
 *     TFSR_EL1/TFSRE0_EL1/RGSR_EL1/GCR_EL1 (mte.c): with the EL1 registers.
 *
 * Contexts come from a static pool, one per (VM slot, vCPU), since the
 * hypervisor has no heap.
 *
 * Lazy state and several physical CPUs: which vCPU's EL1 and FP/SIMD state
 * a CPU holds is in that CPU's record (struct armv8_cpu), and each context
 * says which CPU holds its state (el1_cpu, fp_cpu). A CPU about to run, read
 * or reset a vCPU whose state another CPU still holds (the vCPU moved) asks
 * that CPU for it: flush_wanted, a kick, and a wait (claim); the holder
 * saves it into the context and lets go where it next takes an interrupt or
 * waits (boot_smp_service), and the asking CPU loads it from memory.
 */
#include "arch/arch.h"
#include "arch/armv8/armv8.h"
#include "arch/armv8/sysregs.h"
#include "arch/boot/smp.h"
#include "core/cntv_ctl.h"
#include "core/syndrome_v8.h"
#include "core/vm.h"
#include "lib/log.h"

static struct arch_vcpu slots[VM_MAX * VM_MAX_VCPUS];

/* The CPU has AArch32 EL1, hence the AArch32-only EL2 registers (every CPU
 * is assumed alike, as for the ID registers). */
static bool has_aa32;
/* The CPU has pointer authentication: the keys are switched. */
static bool has_pauth;
/* The CPU has SVE (CPTR_EL2.TZ is a trap bit, not RES1). */
static bool has_sve;

static struct armv8_cpu *this_cpu(void)
{
    return armv8_this_cpu();
}

/* How a context names the CPU holding its state: 1 + index, 0 none. */
static unsigned cpu_tag(const struct armv8_cpu *c)
{
    return c->index + 1;
}

static void fetch_remote(struct arch_vcpu *a, unsigned me);
static void forget(struct arch_vcpu *a);

/* Before touching a's lazily switched state: if another CPU holds some of
 * it, have that CPU put it in memory first. */
static inline void claim(struct arch_vcpu *a)
{
    unsigned me = cpu_tag(this_cpu());
    unsigned e = __atomic_load_n(&a->el1_cpu, __ATOMIC_ACQUIRE);
    unsigned f = __atomic_load_n(&a->fp_cpu, __ATOMIC_ACQUIRE);
    if ((e && e != me) || (f && f != me))
        fetch_remote(a, me);
}

/* Guest HCR_EL2 (D13.2.46): stage 2 on; physical IRQ/FIQ/SError to EL2 and
 * the virtual ones on; set/way invalidates upgraded to clean+invalidate;
 * SMC, WFI and WFE trapped; ACTLR_EL1 and IMPLEMENTATION DEFINED registers
 * trapped (we refuse them: they are not switched); the ID registers
 * trapped (TID3: the core answers them sanitised, core/idregs.c);
 * maintenance broadcast and barriers upgraded to inner shareable, as a vCPU
 * may move between CPUs; EL1 is AArch64. ATA is added for a VM that has MTE
 * (the CPU has tags in memory: mte.c); otherwise MTE's registers trap and
 * are refused, tag accesses are off, and idregs.c hides MTE.
 * API and APK are added where the CPU has pointer authentication
 * (GUEST_HCR_PAUTH): the keys are switched (pauth.c), the instructions run
 * untrapped. An AArch32 EL1 (GUEST_HCR_A32) has TID3 too: the core answers
 * the AArch32 forms (MRC p15 c0, VMRS MVFR0-2) from the same policy. */
#define GUEST_HCR_A64                                                                              \
    (HCR_EL2_VM | HCR_EL2_SWIO | HCR_EL2_FMO | HCR_EL2_IMO | HCR_EL2_AMO | HCR_EL2_FB |            \
     HCR_EL2_BSU_IS | HCR_EL2_TWI | HCR_EL2_TWE | HCR_EL2_TSC | HCR_EL2_TACR | HCR_EL2_TIDCP |     \
     HCR_EL2_TID3 | HCR_EL2_RW)
#define GUEST_HCR_A32   (GUEST_HCR_A64 & ~HCR_EL2_RW)
#define GUEST_HCR_PAUTH (HCR_EL2_API | HCR_EL2_APK)

static struct arch_vcpu *ctx(struct vcpu *vcpu)
{
    if (!vcpu || !vcpu->arch) {
        /* The core calls us only for started vCPUs: this is our bug. */
        log_err("armv8: vCPU without context\n");
        arch_halt(HALT_BUG);
    }
    return vcpu->arch;
}

const char *arch_name(void)
{
    return "armv8";
}

/* MRS of S3_0_C0_C<crm>_<op2>: the encoding is an immediate, so one case
 * per register. The whole space is readable at EL2 (unallocated encodings
 * in it are RAZ, Arm ARM D19.2). */
#define ID_CASE(crm, op2)                                                                          \
    case (crm)*8 + (op2): {                                                                       \
        uint64_t v;                                                                                \
        __asm__ volatile("mrs %0, S3_0_C0_C" #crm "_" #op2 : "=r"(v));                             \
        return v;                                                                                  \
    }
#define ID_ROW(crm)                                                                                \
    ID_CASE(crm, 0) ID_CASE(crm, 1) ID_CASE(crm, 2) ID_CASE(crm, 3) ID_CASE(crm, 4)               \
        ID_CASE(crm, 5) ID_CASE(crm, 6) ID_CASE(crm, 7)

uint64_t arch_id_reg_read(unsigned crm, unsigned op2)
{
    if (op2 > 7)
        return 0;
    switch (crm * 8 + op2) {
        ID_ROW(1)
        ID_ROW(2)
        ID_ROW(3)
        ID_ROW(4)
        ID_ROW(5)
        ID_ROW(6)
        ID_ROW(7)
    default:
        return 0;
    }
}

unsigned arch_cpu_features(void)
{
    return (armv8_sve_present() ? ARCH_FEAT_SVE : 0u) |
           (armv8_pauth_present() ? ARCH_FEAT_PAUTH : 0u) |
           (armv8_mte_usable() ? ARCH_FEAT_MTE : 0u);
}

unsigned arch_sve_max_vl(void)
{
    return armv8_sve_max_vl();
}

int arch_vcpu_init(struct vcpu *vcpu, const struct vcpu_boot *boot)
{
    if (!vcpu || !vcpu->vm || !boot || vcpu->vm->id == 0 || vcpu->vm->id > VM_MAX ||
        vcpu->id >= VM_MAX_VCPUS)
        return -1;
    has_aa32 = armv8_cpu_has_aa32_el1();
    has_pauth = armv8_pauth_present();
    has_sve = armv8_sve_present();
    bool aa32 = boot->isa != ISA_A64;
    if (aa32 && !has_aa32) {
        log_err("armv8: this CPU cannot run EL1 in AArch32 (ID_AA64PFR0_EL1.EL1)\n");
        return -1;
    }
    unsigned slot = (vcpu->vm->id - 1) * VM_MAX_VCPUS + vcpu->id;
    struct arch_vcpu *a = &slots[slot];
    forget(a);
    *a = (struct arch_vcpu){0};
    for (unsigned i = 0; i < 4; i++)
        a->g.x[i] = aa32 ? (uint32_t)boot->regs[i] : boot->regs[i];
    a->aarch32 = aa32;
    if (aa32) {
        /* SVC mode, A/I/F masked, MMU off (ARMv7 boot protocol); a T32
         * entry point may come as an interworking address (bit 0 set). */
        a->g.pc = (uint32_t)boot->pc & ~1u;
        a->g.pstate = PSR_MODE32 | CPSR_MODE_SVC | PSR_A | PSR_I | PSR_F;
        if (boot->isa == ISA_T32)
            a->g.pstate |= CPSR_T;
        a->el1.sctlr = SCTLR_AA32_RESET;
        a->hcr = GUEST_HCR_A32;
    } else {
        /* Reset state (Arm ARM D1.9 / booting.rst): EL1h, DAIF masked,
         * MMU and caches off, little-endian. */
        a->g.pc = boot->pc;
        a->g.pstate = PSR_DAIF | PSR_MODE_EL1h;
        a->el1.sctlr = SCTLR_EL1_RES1;
        a->hcr = GUEST_HCR_A64 | (has_pauth ? GUEST_HCR_PAUTH : 0);
        /* MTE: the VM's tag accesses reach its RAM's tags (zeroed when the
         * pages were given, arch_page_alloc), its MTE registers are its own. */
        a->has_mte = (vm_cpu_features(vcpu->vm) & ARCH_FEAT_MTE) != 0;
        if (a->has_mte)
            a->hcr |= HCR_EL2_ATA;
        /* SVE at the VM's vector length (none: its SVE traps are refused). */
        if (armv8_sve_init(&a->sve, slot, vcpu->vm->cpu.sve_vl_max) != 0) {
            log_err("armv8: no pages for the SVE registers of a vCPU\n");
            return -1;
        }
    }
    /* MPIDR_EL1 as the guest reads it: bit 31 RES1, Aff0 = vCPU index. */
    a->vmpidr = (1ull << 31) | (vcpu->id & 0xff);
    armv8_debug_reset(&a->dbg);
    pmu_ctx_reset(&a->pmu);
    /* The guest's virtual counter starts near zero. */
    a->cntvoff = arch_counter_read();
    a->owner = vcpu;
    vcpu->arch = a;

    /* The vCPU starts with its MMU off, reading RAM Non-cacheable: push
     * what we wrote there (image, zeroed pages) out of our caches. */
    const struct vm *vm = vcpu->vm;
    for (unsigned i = 0; i < vm->nregions && i < VM_MAX_REGIONS; i++)
        armv8_dcache_clean_poc(vm->regions[i].pa, vm->regions[i].size);
    armv8_icache_inval_all();
    return 0;
}

void arch_vcpu_release(struct vcpu *vcpu)
{
    if (!vcpu)
        return;
    struct arch_vcpu *a = vcpu->arch;
    if (a >= slots && a < slots + VM_MAX * VM_MAX_VCPUS && a->owner == vcpu) {
        /* Nothing may point at the context any more: the CPU's FP/SIMD
         * registers still hold this guest's values, but with no owner the
         * next guest's first FP access traps and loads its own (fp_take). */
        forget(a);
        *a = (struct arch_vcpu){0};
        pmu_ctx_reset(&a->pmu);
    }
    vcpu->arch = NULL;
}

/* ---- World switch -------------------------------------------------------- */

static void el1_save(struct armv8_el1_regs *r)
{
    r->sp_el0 = read_sysreg(sp_el0);
    r->sp_el1 = read_sysreg(sp_el1);
    r->elr_el1 = read_sysreg(elr_el1);
    r->spsr_el1 = read_sysreg(spsr_el1);
    r->sctlr = read_sysreg(sctlr_el1);
    r->cpacr = read_sysreg(cpacr_el1);
    r->ttbr0 = read_sysreg(ttbr0_el1);
    r->ttbr1 = read_sysreg(ttbr1_el1);
    r->tcr = read_sysreg(tcr_el1);
    r->mair = read_sysreg(mair_el1);
    r->amair = read_sysreg(amair_el1);
    r->vbar = read_sysreg(vbar_el1);
    r->contextidr = read_sysreg(contextidr_el1);
    r->esr = read_sysreg(esr_el1);
    r->far = read_sysreg(far_el1);
    r->afsr0 = read_sysreg(afsr0_el1);
    r->afsr1 = read_sysreg(afsr1_el1);
    r->par = read_sysreg(par_el1);
    r->csselr = read_sysreg(csselr_el1);
    r->cntkctl = read_sysreg(cntkctl_el1);
    r->mdscr = read_sysreg(mdscr_el1);
    r->tpidr_el0 = read_sysreg(tpidr_el0);
    r->tpidrro_el0 = read_sysreg(tpidrro_el0);
    r->tpidr_el1 = read_sysreg(tpidr_el1);
}

static void el1_restore(const struct armv8_el1_regs *r)
{
    write_sysreg(sp_el0, r->sp_el0);
    write_sysreg(sp_el1, r->sp_el1);
    write_sysreg(elr_el1, r->elr_el1);
    write_sysreg(spsr_el1, r->spsr_el1);
    write_sysreg(sctlr_el1, r->sctlr);
    write_sysreg(cpacr_el1, r->cpacr);
    write_sysreg(ttbr0_el1, r->ttbr0);
    write_sysreg(ttbr1_el1, r->ttbr1);
    write_sysreg(tcr_el1, r->tcr);
    write_sysreg(mair_el1, r->mair);
    write_sysreg(amair_el1, r->amair);
    write_sysreg(vbar_el1, r->vbar);
    write_sysreg(contextidr_el1, r->contextidr);
    write_sysreg(esr_el1, r->esr);
    write_sysreg(far_el1, r->far);
    write_sysreg(afsr0_el1, r->afsr0);
    write_sysreg(afsr1_el1, r->afsr1);
    write_sysreg(par_el1, r->par);
    write_sysreg(csselr_el1, r->csselr);
    write_sysreg(cntkctl_el1, r->cntkctl);
    write_sysreg(mdscr_el1, r->mdscr);
    write_sysreg(tpidr_el0, r->tpidr_el0);
    write_sysreg(tpidrro_el0, r->tpidrro_el0);
    write_sysreg(tpidr_el1, r->tpidr_el1);
}

/* Put everything of a's but X0-X30/PC/PSTATE/FP into the CPU. */
static void load_context(struct arch_vcpu *a)
{
    struct vm *vm = a->owner->vm;
    write_sysreg(vtcr_el2, armv8_vtcr(&vm->stage2.fmt));
    write_sysreg(vttbr_el2, stage2_vttbr(&vm->stage2));
    write_sysreg(hcr_el2, a->hcr);
    write_sysreg(vpidr_el2, read_sysreg(midr_el1));
    write_sysreg(vmpidr_el2, a->vmpidr);
    el1_restore(&a->el1);
    if (has_pauth)
        armv8_pauth_restore(&a->keys);
    if (a->has_mte)
        armv8_mte_restore(&a->mte);
    armv8_debug_restore(&a->dbg, has_aa32);
    if (has_aa32) {
        armv8_aa32_restore(&a->aa32);
        /* HSTR_EL2.T15: AArch32 c15 (IMPLEMENTATION DEFINED) accesses trap,
         * as HCR_EL2.TIDCP does for AArch64 (we refuse both). */
        write_sysreg(hstr_el2, a->aarch32 ? HSTR_EL2_T15 : 0);
    }
    write_sysreg(cntvoff_el2, a->cntvoff);
    write_sysreg(cntv_cval_el0, a->cntv_cval);
    write_sysreg(cntv_ctl_el0, a->cntv_ctl);
    isb();
}

static void save_context(struct arch_vcpu *a)
{
    el1_save(&a->el1);
    if (has_pauth)
        armv8_pauth_save(&a->keys);
    if (a->has_mte)
        armv8_mte_save(&a->mte);
    armv8_debug_save(&a->dbg, has_aa32);
    if (has_aa32)
        armv8_aa32_save(&a->aa32);
    a->cntv_ctl = read_sysreg(cntv_ctl_el0);
    a->cntv_cval = read_sysreg(cntv_cval_el0);
}

/* The EL1 state in this CPU is a's and newer than its memory copy. If this
 * CPU does not hold it, any CPU that does gives it back first (claim), so
 * it is in memory. A CPU that holds a's EL1 state holds all of a that any
 * CPU holds (loading a anywhere claims it from everyone else): no claim. */
static bool live(struct arch_vcpu *a)
{
    if (this_cpu()->hw_loaded == a)
        return !a->el1_in_mem;
    claim(a);
    return false;
}

void armv8_el1_fetch(struct arch_vcpu *a, bool for_write)
{
    if (live(a)) {
        save_context(a);
        a->el1_in_mem = true;
    }
    if (for_write && this_cpu()->hw_loaded == a)
        a->el1_reload = true;
}

/* This CPU no longer holds prev's EL1 state (saved first if newer). */
static void el1_let_go(struct armv8_cpu *c, struct arch_vcpu *prev)
{
    if (!prev->el1_in_mem) {
        save_context(prev);
        prev->el1_in_mem = true;
    }
    c->hw_loaded = NULL;
    __atomic_store_n(&prev->el1_cpu, 0, __ATOMIC_RELEASE);
}

/* Put a's state into the CPU, unless it is there already. */
static void vcpu_load(struct arch_vcpu *a)
{
    struct armv8_cpu *c = this_cpu();
    if (c->hw_loaded == a && !a->el1_reload)
        return;
    claim(a);
    if (c->hw_loaded && c->hw_loaded != a)
        el1_let_go(c, c->hw_loaded);
    load_context(a);
    c->hw_loaded = a;
    __atomic_store_n(&a->el1_cpu, cpu_tag(c), __ATOMIC_RELEASE);
    a->el1_reload = false;
}

/* CPTR_EL2.TFP and TZ of this CPU (TZ is RES1 without SVE: it stays set
 * there), written only when they change. */
static void fp_traps(struct armv8_cpu *c, bool fp, bool sve)
{
    uint64_t want = (fp ? CPTR_EL2_TFP : 0) | (sve || !has_sve ? CPTR_EL2_TZ : 0);
    if (c->cptr_traps == want)
        return;
    uint64_t cptr = read_sysreg(cptr_el2) & ~(CPTR_EL2_TFP | CPTR_EL2_TZ);
    write_sysreg(cptr_el2, cptr | want);
    isb();
    c->cptr_traps = want;
}

/* Both traps as the vCPU about to run needs them: FP/SIMD open when its
 * registers are in the CPU, SVE open when they are in SVE form. */
static void fp_traps_for(struct armv8_cpu *c, const struct arch_vcpu *a)
{
    bool owner = c->fp_owner == a;
    fp_traps(c, !owner, !(owner && a->sve.active));
}

static void fp_save(struct arch_vcpu *o)
{
    if (o->sve.active) {
        armv8_sve_save(&o->sve);
        o->fp.fpsr = read_sysreg(fpsr);
        o->fp.fpcr = read_sysreg(fpcr);
    } else {
        armv8_fpsimd_save(&o->fp);
    }
    if (has_aa32) /* FPEXC32_EL2 traps while CPTR_EL2.TFP is set */
        o->fp.fpexc32 = read_sysreg(fpexc32_el2);
}

static void fp_restore(const struct arch_vcpu *a)
{
    if (a->sve.active) {
        armv8_sve_restore(&a->sve);
        write_sysreg(fpsr, a->fp.fpsr);
        write_sysreg(fpcr, a->fp.fpcr);
    } else {
        armv8_fpsimd_restore(&a->fp);
    }
    if (has_aa32)
        write_sysreg(fpexc32_el2, a->fp.fpexc32);
}

/* This CPU's FP/SIMD (and SVE) registers are no longer the owner's (saved
 * first). */
static void fp_let_go(struct armv8_cpu *c)
{
    struct arch_vcpu *o = c->fp_owner;
    fp_traps(c, false, false); /* EL2 is trapped by both too */
    fp_save(o);
    c->fp_owner = NULL;
    __atomic_store_n(&o->fp_cpu, 0, __ATOMIC_RELEASE);
}

/* The guest touched FP/SIMD (sve false) or SVE (sve true) while those
 * registers were not loaded: make a the owner, in SVE form if it asked for
 * SVE. A vCPU that owns the registers in FP/SIMD form and now uses SVE
 * saves its own first: the CPU's Z bits above 128, P and FFR may still be
 * another vCPU's. */
static void fp_take(struct arch_vcpu *a, bool sve)
{
    struct armv8_cpu *c = this_cpu();
    fp_traps(c, false, false);
    if (c->fp_owner)
        fp_let_go(c);
    if (sve && !a->sve.active)
        armv8_sve_from_fpsimd(&a->sve, &a->fp);
    fp_restore(a);
    c->fp_owner = a;
    __atomic_store_n(&a->fp_cpu, cpu_tag(c), __ATOMIC_RELEASE);
}

/* An SVE trap (ESR_EL2 EC 0x19) the arch takes: the VM has SVE and the
 * vCPU's SVE registers are not in the CPU. Otherwise the core refuses it
 * (UNDEF, as on a CPU without SVE). */
static bool sve_trap_ours(const struct arch_vcpu *a)
{
    return a->sve.buf && !(this_cpu()->fp_owner == a && a->sve.active);
}

/* Save what of a this CPU holds into a and let go of it; its virtual timer
 * must not fire here any more either. */
static void let_go(struct armv8_cpu *c, struct arch_vcpu *a)
{
    pmu_put(&a->pmu); /* first: a CPU waiting for el1_cpu/fp_cpu may load it */
    if (c->hw_loaded == a) {
        el1_let_go(c, a);
        write_sysreg(cntv_ctl_el0, 0);
        isb();
    }
    if (c->fp_owner == a)
        fp_let_go(c);
}

void boot_smp_lazy_service(void)
{
    struct armv8_cpu *c = this_cpu();
    struct arch_vcpu *h = c->hw_loaded, *f = c->fp_owner;
    bool gave = false;
    if (h && __atomic_load_n(&h->flush_wanted, __ATOMIC_ACQUIRE)) {
        let_go(c, h);
        gave = true;
    }
    if (f && f != h && __atomic_load_n(&f->flush_wanted, __ATOMIC_ACQUIRE)) {
        let_go(c, f);
        gave = true;
    }
    if (gave)
        arch_cpu_send_event();
}

/* Another CPU holds some of a's state: ask it (flush_wanted, then a kick,
 * and an event for a CPU waiting in WFE) and wait until no other CPU does.
 * Requests to this CPU are answered meanwhile (arch_cpu_wait_event), so two
 * CPUs asking each other do not deadlock. */
static void fetch_remote(struct arch_vcpu *a, unsigned me)
{
    __atomic_store_n(&a->flush_wanted, true, __ATOMIC_RELEASE);
    for (;;) {
        unsigned e = __atomic_load_n(&a->el1_cpu, __ATOMIC_ACQUIRE);
        unsigned f = __atomic_load_n(&a->fp_cpu, __ATOMIC_ACQUIRE);
        unsigned other = (e && e != me) ? e : (f && f != me) ? f : 0;
        if (!other)
            break;
        arch_cpu_kick(other - 1); /* an SGI, and an event for a WFE */
        while (__atomic_load_n(&a->el1_cpu, __ATOMIC_ACQUIRE) == e &&
               __atomic_load_n(&a->fp_cpu, __ATOMIC_ACQUIRE) == f)
            arch_cpu_wait_event();
    }
    __atomic_store_n(&a->flush_wanted, false, __ATOMIC_RELEASE);
}

/* a is about to be reset or given back: no CPU may hold (or later save
 * into) its state. */
static void forget(struct arch_vcpu *a)
{
    claim(a);
    struct armv8_cpu *c = this_cpu();
    if (c->fp_owner == a) {
        c->fp_owner = NULL;
        a->fp_cpu = 0;
    }
    if (c->hw_loaded == a) {
        c->hw_loaded = NULL;
        a->el1_cpu = 0;
    }
}

void arch_vcpu_put(struct vcpu *vcpu)
{
    struct arch_vcpu *a = vcpu ? vcpu->arch : NULL;
    if (a)
        let_go(this_cpu(), a);
}

static unsigned esr_ec(uint32_t esr)
{
    return (esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
}

/* Translate guest VA through the loaded stage 1 (AT S1E1R); the guest's
 * PAR_EL1 is put back from the saved copy. */
static bool at_s1e1r(struct arch_vcpu *a, uint64_t va, ipa_t *ipa)
{
    vcpu_load(a); /* the walk uses the guest's live stage-1 registers */
    uint64_t guest_par = read_sysreg(par_el1);
    __asm__ volatile("at s1e1r, %0" : : "r"(va) : "memory");
    isb();
    uint64_t par = read_sysreg(par_el1);
    write_sysreg(par_el1, guest_par);
    if (par & PAR_F)
        return false;
    *ipa = (par & PAR_PA_MASK) | (va & (PAGE_SIZE - 1));
    return true;
}

/* Fill exit->ipa for an abort (Arm ARM D13.2.51 HPFAR_EL2; as KVM's
 * __translate_far_to_hpfar): HPFAR is valid for stage-2 translation,
 * access-flag and address-size faults and for faults on a stage-1 walk;
 * for a permission fault we translate FAR ourselves. */
static void abort_ipa(struct arch_vcpu *a, uint32_t esr, uint64_t far, uint64_t hpfar,
                      struct arch_exit *exit)
{
    exit->far = far;
    exit->ipa_valid = false;
    exit->ipa = 0;
    unsigned fsc = esr & FSC_TYPE_MASK;
    bool s1ptw = esr & ESR_ISS_S1PTW;
    if (s1ptw || fsc == FSC_TRANSLATION || fsc == FSC_ACCESS_FLAG || fsc == FSC_ADDR_SIZE) {
        exit->ipa = ((hpfar & HPFAR_FIPA_MASK) << 8) | (far & (PAGE_SIZE - 1));
        exit->ipa_valid = true;
    } else if (!(esr & ESR_ISS_FNV)) {
        ipa_t ipa;
        if (at_s1e1r(a, far, &ipa)) {
            exit->ipa = ipa;
            exit->ipa_valid = true;
        }
    }
}

void arch_vcpu_trap_wfi(struct vcpu *vcpu, bool trap)
{
    struct arch_vcpu *a = ctx(vcpu);
    uint64_t hcr = trap ? a->hcr | HCR_EL2_TWI : a->hcr & ~HCR_EL2_TWI;
    if (hcr == a->hcr)
        return;
    a->hcr = hcr;
    /* Live in this CPU: the ERET into the guest synchronizes the write
     * (Arm ARM D1.x, context synchronization events); otherwise
     * load_context writes it. */
    if (this_cpu()->hw_loaded == a)
        write_sysreg(hcr_el2, hcr);
}

void arch_vcpu_run(struct vcpu *vcpu, struct arch_exit *exit)
{
    struct arch_vcpu *a = ctx(vcpu);
    /* After a fast exit everything of the vCPU is still in the CPU as it
     * left it (its EL1 and PMU state, the vGIC's, the FP/SIMD traps): the
     * core's fast paths touch none of it. */
    bool gic_live = false;
    struct armv8_cpu *c = this_cpu();
    for (;;) {
        if (!gic_live) {
            vcpu_load(a);
            pmu_load(&a->pmu);
            gicv2_enter(&a->gic);
            fp_traps_for(c, a);
        }
        gic_live = false;
        a->el1_in_mem = false; /* the guest changes its EL1 state as it runs */
        int kind = armv8_guest_enter(&a->g);
        *exit = (struct arch_exit){.fmt = SYNDROME_V8_ESR, .kind = ARCH_EXIT_IRQ};
        uint32_t esr = 0;
        if (kind == GUEST_EXIT_SYNC || kind == GUEST_EXIT_SERROR) {
            esr = (uint32_t)read_sysreg(esr_el2);
            exit->syndrome = esr;
            exit->kind = kind == GUEST_EXIT_SYNC ? ARCH_EXIT_TRAP : ARCH_EXIT_SERROR;
        } else if (kind == GUEST_EXIT_IRQ && gicv2_take_lr_kick()) {
            /* The list-register kick, ended: the core writes what was
             * posted (else the core acknowledges it: arch_irq_ack). */
            exit->lr_kick = true;
            if (vcpu_exit_fast(vcpu, exit)) {
                gic_live = true;
                continue;
            }
        }
        if (exit->kind == ARCH_EXIT_TRAP) {
            a->last_esr = esr;
            if (esr_ec(esr) == ESR_EC_DABT_LOW || esr_ec(esr) == ESR_EC_IABT_LOW) {
                abort_ipa(a, esr, read_sysreg(far_el2), read_sysreg(hpfar_el2), exit);
                /* Offered to the core before the vGIC state leaves the CPU. */
                if (exit->ipa_valid && vcpu_exit_fast(vcpu, exit)) {
                    gic_live = true;
                    continue;
                }
            }
        }
        gicv2_exit(&a->gic);
        if (exit->kind == ARCH_EXIT_TRAP) {
            if (esr_ec(esr) == ESR_EC_FP_ASIMD && c->fp_owner != a) {
                fp_take(a, false);
                continue; /* ELR_EL2 is the FP instruction: it runs again */
            }
            if (esr_ec(esr) == ESR_EC_SVE && sve_trap_ours(a)) {
                fp_take(a, true);
                continue; /* the SVE instruction (or ZCR_EL1 access) again */
            }
        }
        return;
    }
}

/* ---- Register accessors ----------------------------------------------------- */

static bool in_aa32(const struct arch_vcpu *a)
{
    return a->g.pstate & PSR_MODE32;
}

/* AArch32 (EL1, or EL0 under an AArch64 EL1): 0-14 in the current mode's
 * banked view, 15 the PC as the instruction reads it (+8 A32, +4 T32),
 * 16-30 the AArch64 view, which is how ESR_EL2.SRT names banked SP/LR
 * (Arm ARM D13.2.37: "the AArch64 view of the register"). */
uint64_t arch_vcpu_reg_read(struct vcpu *vcpu, unsigned n)
{
    struct arch_vcpu *a = ctx(vcpu);
    if (in_aa32(a)) {
        if (n < 15)
            return (uint32_t)a->g.x[aa32_xidx((uint32_t)a->g.pstate, n)];
        if (n == 15)
            return (uint32_t)(a->g.pc + ((a->g.pstate & CPSR_T) ? 4 : 8));
        return n < 31 ? (uint32_t)a->g.x[n] : 0;
    }
    return n < 31 ? a->g.x[n] : 0; /* 31 is XZR */
}

void arch_vcpu_reg_write(struct vcpu *vcpu, unsigned n, uint64_t val)
{
    struct arch_vcpu *a = ctx(vcpu);
    if (in_aa32(a)) {
        if (n < 15)
            a->g.x[aa32_xidx((uint32_t)a->g.pstate, n)] = (uint32_t)val;
        else if (n == 15)
            a->g.pc = (uint32_t)val & ((a->g.pstate & CPSR_T) ? ~1u : ~3u);
        else if (n < 31)
            a->g.x[n] = (uint32_t)val;
        return;
    }
    if (n < 31)
        a->g.x[n] = val;
}

/* SP of the guest's current mode: SP_EL1 in EL1h, SP_EL0 in EL1t and EL0;
 * the banked R13 in AArch32. */
static uint64_t *cur_sp(struct arch_vcpu *a)
{
    armv8_el1_fetch(a, true); /* callers may write through the pointer */
    if (in_aa32(a))
        return &a->g.x[aa32_xidx((uint32_t)a->g.pstate, 13)];
    bool el1h = (a->g.pstate & PSR_MODE_MASK) == PSR_MODE_EL1h;
    return el1h ? &a->el1.sp_el1 : &a->el1.sp_el0;
}

uint64_t arch_vcpu_sp_read(struct vcpu *vcpu)
{
    struct arch_vcpu *a = ctx(vcpu);
    return in_aa32(a) ? (uint32_t)*cur_sp(a) : *cur_sp(a);
}

void arch_vcpu_sp_write(struct vcpu *vcpu, uint64_t val)
{
    struct arch_vcpu *a = ctx(vcpu);
    *cur_sp(a) = in_aa32(a) ? (uint32_t)val : val;
}

uint64_t arch_vcpu_pc(struct vcpu *vcpu)
{
    return ctx(vcpu)->g.pc;
}

uint32_t arch_vcpu_pstate(struct vcpu *vcpu)
{
    /* SPSR_EL2 as vectors.S saved it; its upper half (PSTATE bits above 31,
     * none of them condition or IT state) is left out. */
    return (uint32_t)ctx(vcpu)->g.pstate;
}

enum vcpu_isa arch_vcpu_isa(struct vcpu *vcpu)
{
    uint64_t ps = ctx(vcpu)->g.pstate;
    if (!(ps & PSR_MODE32))
        return ISA_A64;
    return (ps & CPSR_T) ? ISA_T32 : ISA_A32;
}

bool arch_vcpu_data_be(struct vcpu *vcpu)
{
    struct arch_vcpu *a = ctx(vcpu);
    if (a->g.pstate & PSR_MODE32)
        return (a->g.pstate & CPSR_E) != 0;
    bool el0 = (a->g.pstate & PSR_MODE_MASK) == PSR_MODE_EL0t;
    uint64_t sctlr = live(a) ? read_sysreg(sctlr_el1) : a->el1.sctlr;
    return sctlr & (el0 ? SCTLR_EL1_E0E : SCTLR_EL1_EE);
}

void arch_vcpu_skip_insn(struct vcpu *vcpu, unsigned len)
{
    struct arch_vcpu *a = ctx(vcpu);
    if (in_aa32(a)) {
        armv8_aa32_skip(a, len);
        return;
    }
    a->g.pc += len;
    /* A64: the next instruction is not a branch target (PSTATE.BTYPE = 0,
     * Arm ARM D8.4.2), and a trapped instruction completed its step. */
    a->g.pstate &= ~(PSR_BTYPE_MASK | PSR_SS);
}

bool arch_vcpu_va_to_ipa(struct vcpu *vcpu, uint64_t va, ipa_t *ipa)
{
    return at_s1e1r(ctx(vcpu), va, ipa);
}

/* ---- Counter and virtual timer ------------------------------------------------ */

uint64_t arch_counter_read(void)
{
    isb(); /* CNTPCT may be read early otherwise (Arm ARM D11.2.2) */
    return read_sysreg(cntpct_el0);
}

uint64_t arch_counter_freq(void)
{
    return read_sysreg(cntfrq_el0);
}

void arch_vtimer_read(struct vcpu *vcpu, struct vtimer_state *t)
{
    struct arch_vcpu *a = ctx(vcpu);
    bool in_cpu = live(a); /* read on every exit: no full save for it */
    t->ctl = (uint32_t)(in_cpu ? read_sysreg(cntv_ctl_el0) : a->cntv_ctl);
    t->cval = in_cpu ? read_sysreg(cntv_cval_el0) : a->cntv_cval;
    t->voff = a->cntvoff;
    t->live = in_cpu;
}

void arch_vtimer_write(struct vcpu *vcpu, const struct vtimer_state *t)
{
    struct arch_vcpu *a = ctx(vcpu);
    armv8_el1_fetch(a, true);
    a->cntv_ctl = t->ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK); /* ISTATUS is read-only */
    a->cntv_cval = t->cval;
    a->cntvoff = t->voff;
}
