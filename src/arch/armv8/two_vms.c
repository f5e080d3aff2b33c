/*
 * A self-test of the world switch (bootargs armvisor.selftest=two_vms): two
 * VMs built from the same image run interleaved on this one CPU, one exit
 * at a time, so every entry switches VMID, stage-2 root, EL1 registers,
 * timer and (lazily) FP/SIMD between them. Each guest gets its index in x0
 * and mixes it into the values it checks, so one VM seeing the other's
 * state fails its checks. Each VM's PL011 output goes out line by line with
 * a "vmN| " prefix, so the interleaved consoles stay readable.
 */
#include "arch/arch.h"
#include "arch/armv8/armv8.h"
#include "core/launch.h"
#include "core/vm.h"
#include "lib/log.h"
#include "vdev/pl011.h"

#define TWO_VMS_RAM (32ull << 20)
#define LINE_MAX    160

struct line_out {
    unsigned id;
    char buf[LINE_MAX + 1];
    unsigned len;
};

static void flush_line(struct line_out *l)
{
    l->buf[l->len] = 0; /* av_printf has no %.*s */
    av_printf("vm%u| %s\n", l->id, l->buf);
    l->len = 0;
}

static void line_tx(void *ctx, char c)
{
    struct line_out *l = ctx;
    if (c == '\n' || l->len == LINE_MAX) {
        flush_line(l);
        if (c == '\n')
            return;
    }
    l->buf[l->len++] = c;
}

int armv8_two_vms(const void *image, uint64_t size)
{
    static struct pl011 uarts[2];
    static struct line_out lines[2];
    static const char *const names[2] = {"vm0", "vm1"};
    struct vm *vms[2] = {NULL, NULL};
    bool done[2] = {false, false};
    int rc = -1;

    for (unsigned i = 0; i < 2; i++) {
        struct vm *vm = vm_create(names[i], 1, 0);
        if (!vm)
            goto out;
        vms[i] = vm;
        lines[i] = (struct line_out){.id = i};
        pl011_init(&uarts[i], VIRT_PL011_BASE);
        uarts[i].tx = line_tx;
        uarts[i].tx_ctx = &lines[i];
        struct vcpu_boot boot = {.isa = ISA_A64, .pc = VIRT_RAM_BASE, .regs = {i, 0, 0, 0}};
        if (vm_add_ram(vm, VIRT_RAM_BASE, TWO_VMS_RAM, S2_RWX) != 0 ||
            !vm_copy_to_guest(vm, VIRT_RAM_BASE, image, size) ||
            vm_add_device(vm, &uarts[i].dev) != 0 || vcpu_start(vm, 0, &boot) != 0) {
            log_err("two_vms: cannot build %s\n", names[i]);
            goto out;
        }
    }
    log_info("two_vms: running vm0 (VMID %u) and vm1 (VMID %u) interleaved\n",
             (unsigned)vms[0]->stage2.vmid, (unsigned)vms[1]->stage2.vmid);

    /* Round robin, one exit each, until both stop. */
    while (!done[0] || !done[1]) {
        for (unsigned i = 0; i < 2; i++)
            if (!done[i] && vcpu_run_once(&vms[i]->vcpus[0]) == RUN_STOP)
                done[i] = true;
    }
    rc = 0;
    for (unsigned i = 0; i < 2; i++) {
        if (lines[i].len)
            flush_line(&lines[i]);
        log_info("two_vms: %s exit code %d\n", names[i], vms[i]->exit_code);
        vm_print_stats(vms[i]);
        if (vms[i]->exit_code != 0)
            rc = 1;
    }
out:
    for (unsigned i = 0; i < 2; i++)
        if (vms[i])
            vm_destroy(vms[i]);
    return rc;
}
