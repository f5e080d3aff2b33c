/*
 * The lazy-state hand-over self-test (remote_fetch.h): a VM of the bare
 * image runs on the boot CPU, whose registers then hold its vCPU's lazily
 * switched state (armv7: cp15 and VFP; armv8: EL1), not yet saved to
 * memory. After the guest's first line of output (so the console stays
 * readable) CPU 1 reads one register of that state through the path every
 * accessor takes, which must fetch it from CPU 0 (each port's vcpu.c:
 * flush_wanted, a kick, CPU 0 saves it in its wait): the value must be
 * what CPU 0's register held, not the stale copy in memory. CPU 1 then
 * translates the guest's PC through its stage 1 (arch_vcpu_va_to_ipa),
 * which loads the vCPU's state into CPU 1's registers: now CPU 1 holds it
 * and CPU 0 none. CPU 0 then runs the guest on to its end, fetching the
 * state back from CPU 1 (idle in WFI: the kick wakes it): the guest's own
 * checks pass only if nothing was lost on the way.
 */
#include "arch/boot/remote_fetch.h"

#include "arch/boot/smp.h"
#include "core/launch.h"
#include "core/vm.h"
#include "lib/log.h"
#include "vdev/pl011.h"

#define REMOTE_FETCH_RAM (32ull << 20)

/* What CPU 1 saw. */
struct remote_read {
    const struct remote_fetch_arch *arch;
    struct vcpu *vcpu;
    unsigned cpu;
    uint64_t fetched; /* the register, fetched from CPU 0 */
    bool translated;  /* the guest's PC went through its stage 1 here */
    ipa_t pc_ipa;
    uint64_t here; /* the register in this CPU once it loaded the vCPU */
};

static void read_on_other_cpu(void *arg)
{
    struct remote_read *r = arg;
    r->cpu = arch_cpu_id();
    r->fetched = r->arch->reg_fetch(r->vcpu);
    r->translated = arch_vcpu_va_to_ipa(r->vcpu, arch_vcpu_pc(r->vcpu), &r->pc_ipa);
    r->here = r->arch->reg_here();
}

static unsigned lines_out;

static void console_tx(void *ctx, char c)
{
    (void)ctx;
    arch_console_putc(c);
    if (c == '\n')
        lines_out++;
}

int boot_remote_fetch(const struct remote_fetch_arch *arch, const void *image, uint64_t size)
{
    static struct pl011 uart;
    int rc = 1;
    if (boot_cpus_online() < 2) {
        log_err("remote_fetch: needs a second CPU online (QEMU -smp 2)\n");
        return rc;
    }
    struct vm *vm = vm_create("guest0", 1, 0);
    if (!vm)
        return rc;
    pl011_init(&uart, VIRT_PL011_BASE);
    uart.tx = console_tx;
    /* The test runs the vCPU itself (vcpu_run_once), not through the
     * scheduler: pinned to this CPU, so CPU 1's loop never takes it from
     * the run queue the start puts it on. */
    vm->vcpus[0].affinity = 1u << 0;
    struct vcpu_boot boot = {.isa = arch->isa, .pc = VIRT_RAM_BASE};
    if (vm_add_ram(vm, VIRT_RAM_BASE, REMOTE_FETCH_RAM, S2_RWX) != 0 ||
        !vm_copy_to_guest(vm, VIRT_RAM_BASE, image, size) || vm_add_device(vm, &uart.dev) != 0 ||
        vcpu_start(vm, 0, &boot) != 0) {
        log_err("remote_fetch: cannot build the VM\n");
        goto out;
    }
    struct vcpu *v = &vm->vcpus[0];
    bool stopped = false;
    lines_out = 0;
    while (!stopped && lines_out == 0)
        stopped = vcpu_run_once(v) == RUN_STOP;
    uint64_t in_cpu = arch->reg_here(), in_mem = arch->reg_in_mem(v);
    bool held = arch->loaded_here() == v->arch && !arch->in_mem(v);
    struct remote_read r = {.arch = arch, .vcpu = v};
    bool called = !stopped && boot_smp_call(1, read_on_other_cpu, &r);
    bool ok = called && held && r.cpu == 1 && r.fetched == in_cpu && in_cpu != in_mem &&
              arch->loaded_here() == NULL;
    log_info("remote_fetch: CPU %u fetched %s 0x%llx of a vCPU CPU 0 held (0x%llx in its "
             "register, 0x%llx stale in memory): %s\n",
             r.cpu, arch->reg, (unsigned long long)r.fetched, (unsigned long long)in_cpu,
             (unsigned long long)in_mem, ok ? "ok" : "FAIL");
    /* The guest's MMU is off: its PC translates to itself. */
    bool moved =
        r.translated && r.pc_ipa == arch_vcpu_pc(v) && r.here == in_cpu && arch->live_cpu(v) == 2;
    log_info("remote_fetch: CPU 1 then holds the vCPU's %s state (%s there): %s\n", arch->state,
             arch->translate, moved ? "ok" : "FAIL");
    ok = ok && moved;
    while (!stopped)
        stopped = vcpu_run_once(v) == RUN_STOP;
    log_info("remote_fetch: guest exit code %d\n", vm->exit_code);
    rc = ok && vm->exit_code == 0 ? 0 : 1;
out:
    vm_destroy(vm);
    return rc;
}
