/*
 * A self-test of the lazy-state hand-over between physical CPUs (bootargs
 * armvisor.selftest=remote_fetch, QEMU -smp 2 or more): a VM of the bare
 * image runs on the boot CPU, whose registers then hold its vCPU's cp15
 * and VFP state (not yet saved to memory). After the guest's first line of
 * output, CPU 1 fetches that state through armv7_ctx_fetch, the path every
 * accessor takes (vcpu.c: flush_wanted, a kick, CPU 0 saves it in its
 * wait): the guest's VBAR must then be in memory as CPU 0's register held
 * it. CPU 1 then translates the guest's PC (ATS1CPR), which loads the
 * state into CPU 1's registers. CPU 0 runs the guest on to its end,
 * fetching the state back from the idle CPU 1 (the kick wakes it): the
 * guest's own checks pass only if nothing was lost on the way.
 */
#include "arch/armv7/armv7.h"
#include "arch/armv7/context.h"
#include "arch/armv7/cp15.h"
#include "arch/boot/smp.h"
#include "core/launch.h"
#include "core/vm.h"
#include "lib/log.h"
#include "vdev/pl011.h"

#define REMOTE_FETCH_RAM (32ull << 20)

struct remote_read {
    struct vcpu *vcpu;
    unsigned cpu;
    uint32_t vbar_mem;  /* the context's VBAR once fetched */
    uint32_t vbar_here; /* CPU 1's VBAR once it loaded the vCPU */
    bool translated;
    ipa_t pc_ipa;
};

static void read_on_other_cpu(void *arg)
{
    struct remote_read *r = arg;
    struct arch_vcpu *c = r->vcpu->arch;
    r->cpu = arch_cpu_id();
    armv7_ctx_fetch(c, false);
    r->vbar_mem = c->cp15.vbar;
    r->translated = arch_vcpu_va_to_ipa(r->vcpu, arch_vcpu_pc(r->vcpu), &r->pc_ipa);
    r->vbar_here = cp_read32(VBAR);
}

static unsigned lines_out;

static void console_tx(void *ctx, char c)
{
    (void)ctx;
    arch_console_putc(c);
    if (c == '\n')
        lines_out++;
}

int armv7_remote_fetch(const void *image, uint64_t size)
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
    struct vcpu_boot boot = {.isa = ISA_A32, .pc = VIRT_RAM_BASE};
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
    struct arch_vcpu *c = v->arch;
    uint32_t in_cpu = cp_read32(VBAR), in_mem = c->cp15.vbar;
    bool held = armv7_this_cpu()->hw_loaded == c && !c->in_mem;
    struct remote_read r = {.vcpu = v};
    bool called = !stopped && boot_smp_call(1, read_on_other_cpu, &r);
    bool ok = called && held && r.cpu == 1 && r.vbar_mem == in_cpu && in_cpu != in_mem;
    log_info("remote_fetch: CPU %u fetched VBAR 0x%x of a vCPU CPU 0 held (0x%x in its "
             "register, 0x%x stale in memory): %s\n",
             r.cpu, (unsigned)r.vbar_mem, (unsigned)in_cpu, (unsigned)in_mem, ok ? "ok" : "FAIL");
    /* The guest's MMU is off: its PC translates to itself. */
    bool moved = r.translated && r.pc_ipa == arch_vcpu_pc(v) && r.vbar_here == in_cpu &&
                 __atomic_load_n(&c->live_cpu, __ATOMIC_ACQUIRE) == 2;
    log_info("remote_fetch: CPU 1 then holds the vCPU's cp15 state (ATS1CPR there): %s\n",
             moved ? "ok" : "FAIL");
    ok = ok && moved;
    while (!stopped)
        stopped = vcpu_run_once(v) == RUN_STOP;
    log_info("remote_fetch: guest exit code %d\n", vm->exit_code);
    rc = ok && vm->exit_code == 0 ? 0 : 1;
out:
    vm_destroy(vm);
    return rc;
}
