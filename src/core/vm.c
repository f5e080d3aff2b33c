/*
 * VM and vCPU objects (static pools: the hypervisor has no heap) and the
 * guest memory map: RAM regions backed by host pages mapped in the VM's own
 * stage 2, and MMIO devices on the VM's bus. The two never overlap, so a
 * stage-2 fault on an IPA is either MMIO or a guest error.
 */
#include "core/vm.h"

#include "core/console_in.h"
#include "core/sched.h"
#include "core/vgic.h"
#include "core/vpmu.h"

#include <string.h>

#include "lib/log.h"

#define BLOCK_2M (2ull << 20)

static struct vm vm_pool[VM_MAX];

static bool ranges_overlap(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
    /* Non-empty, non-wrapping ranges, compared by their last bytes. */
    return a <= b + (bsize - 1) && b <= a + (asize - 1);
}

static bool vm_valid(const struct vm *vm)
{
    return vm && vm >= vm_pool && vm < vm_pool + VM_MAX && vm->state != VM_FREE;
}

struct vm *vm_create(const char *name, unsigned nvcpus, unsigned ipa_bits)
{
    if (!name)
        name = "?";
    if (nvcpus == 0 || nvcpus > VM_MAX_VCPUS) {
        log_err("vm %s: %u vCPUs asked, 1..%u supported\n", name, nvcpus, VM_MAX_VCPUS);
        return NULL;
    }
    struct vm *vm = NULL;
    unsigned slot;
    for (slot = 0; slot < VM_MAX; slot++) {
        if (vm_pool[slot].state == VM_FREE) {
            vm = &vm_pool[slot];
            break;
        }
    }
    if (!vm) {
        log_err("vm %s: no free VM slot (%u in use)\n", name, VM_MAX);
        return NULL;
    }
    struct stage2_format fmt;
    if (!arch_stage2_format(ipa_bits, &fmt)) {
        log_err("vm %s: this CPU cannot give a %u-bit IPA space\n", name, ipa_bits);
        return NULL;
    }

    memset(vm, 0, sizeof(*vm));
    /* VMID 0 is left to the hypervisor's own (stage-2 off) context. */
    vm->id = slot + 1;
    vm->name = name;
    if (stage2_init(&vm->stage2, &fmt, (uint16_t)vm->id) != S2_OK) {
        log_err("vm %s: no memory for stage-2 tables\n", name);
        memset(vm, 0, sizeof(*vm)); /* back to VM_FREE */
        return NULL;
    }
    mmio_bus_init(&vm->mmio);
    vm_cpu_init(vm);
    idregs_init(vm);
    vm->nvcpus = nvcpus;
    vm_set_slice_us(vm, SCHED_SLICE_US_DEFAULT);
    for (unsigned i = 0; i < nvcpus; i++) {
        vm->vcpus[i].vm = vm;
        vm->vcpus[i].id = i;
        vm->vcpus[i].state = VCPU_OFF;
        vm->vcpus[i].resident = -1;
    }
    for (unsigned i = 0; i < PCPU_MAX; i++)
        vm->last_ran[i] = -1;
    vm->state = VM_CREATED;
    return vm;
}

void vm_destroy(struct vm *vm)
{
    if (!vm_valid(vm))
        return;
    /* The arch's per-vCPU contexts go back to its pool (and, in the sim,
     * the guest threads stop) before the vCPU objects are wiped. */
    for (unsigned i = 0; i < vm->nvcpus && i < VM_MAX_VCPUS; i++) {
        sched_forget(&vm->vcpus[i]);
        arch_vcpu_release(&vm->vcpus[i]);
    }
    console_in_detach(vm); /* its receiver is about to go */
    /* Devices let go (a disk waits for transfers into guest buffers) while
     * the RAM is still the VM's; the vGIC, whose distributor is on the bus
     * with no release hook, last. */
    mmio_bus_release_all(&vm->mmio);
    vgic_detach(vm);
    /* Tables first (nothing can walk them afterwards), then the TLB entries
     * tagged with this VMID, which the next VM in this slot will reuse. */
    stage2_destroy(&vm->stage2);
    arch_tlb_inval_vmid((uint16_t)vm->id);
    for (unsigned i = 0; i < vm->nregions; i++)
        arch_page_free(vm->regions[i].pa, vm->regions[i].size >> PAGE_SHIFT);
    memset(vm, 0, sizeof(*vm));
}

/* size bytes of host pages for guest RAM at ipa. For 2 MiB and more, the
 * host address is chosen congruent to ipa modulo 2 MiB, so that stage2_map
 * can use block mappings (fewer table pages, fewer TLB entries): allocate
 * 2 MiB - 4 KiB extra and give back the unaligned head and tail. */
static paddr_t alloc_ram_chunk(ipa_t ipa, uint64_t size)
{
    size_t n = size >> PAGE_SHIFT;
    if (size >= BLOCK_2M) {
        size_t slack = (BLOCK_2M >> PAGE_SHIFT) - 1;
        paddr_t pa = arch_page_alloc(n + slack);
        if (pa) {
            uint64_t want = ipa & (BLOCK_2M - 1);
            paddr_t aligned = pa + ((want - (pa & (BLOCK_2M - 1))) & (BLOCK_2M - 1));
            size_t head = (size_t)((aligned - pa) >> PAGE_SHIFT);
            if (head)
                arch_page_free(pa, head);
            if (slack - head)
                arch_page_free(aligned + size, slack - head);
            return aligned;
        }
    }
    return arch_page_alloc(n);
}

/* Undo regions [first, vm->nregions) added by a failed vm_add_ram. */
static void drop_regions_from(struct vm *vm, unsigned first)
{
    while (vm->nregions > first) {
        struct mem_region *r = &vm->regions[--vm->nregions];
        stage2_unmap(&vm->stage2, r->ipa, r->size);
        arch_page_free(r->pa, r->size >> PAGE_SHIFT);
        memset(r, 0, sizeof(*r));
    }
}

int vm_add_ram(struct vm *vm, ipa_t ipa, uint64_t size, unsigned perms)
{
    if (!vm_valid(vm))
        return -1;
    const uint64_t page_mask = PAGE_SIZE - 1;
    if (size == 0 || (ipa & page_mask) || (size & page_mask) || ipa + (size - 1) < ipa) {
        log_err("vm %s: RAM 0x%llx+0x%llx is empty, misaligned or wraps\n", vm->name,
                (unsigned long long)ipa, (unsigned long long)size);
        return -1;
    }
    unsigned bits = vm->stage2.fmt.ipa_bits;
    if (bits < 64 && ipa + (size - 1) >= (1ull << bits)) {
        log_err("vm %s: RAM 0x%llx+0x%llx is beyond the %u-bit IPA space\n", vm->name,
                (unsigned long long)ipa, (unsigned long long)size, bits);
        return -1;
    }
    if (perms & S2_DEVICE || !(perms & S2_READ)) {
        log_err("vm %s: RAM must be readable Normal memory\n", vm->name);
        return -1;
    }
    for (unsigned i = 0; i < vm->nregions; i++) {
        if (ranges_overlap(ipa, size, vm->regions[i].ipa, vm->regions[i].size)) {
            log_err("vm %s: RAM 0x%llx+0x%llx overlaps RAM at 0x%llx\n", vm->name,
                    (unsigned long long)ipa, (unsigned long long)size,
                    (unsigned long long)vm->regions[i].ipa);
            return -1;
        }
    }
    for (unsigned i = 0; i < vm->mmio.ndevs; i++) {
        const struct mmio_dev *d = vm->mmio.devs[i];
        if (ranges_overlap(ipa, size, d->base, d->size)) {
            log_err("vm %s: RAM 0x%llx+0x%llx overlaps device %s\n", vm->name,
                    (unsigned long long)ipa, (unsigned long long)size, d->name);
            return -1;
        }
    }

    /* One region if the host has the memory in one piece; otherwise split
     * in halves (2 MiB multiples while that is possible, so block mappings
     * survive) until the pieces fit or the region slots run out. */
    unsigned first = vm->nregions;
    uint64_t done = 0, chunk = size;
    while (done < size) {
        uint64_t want = chunk < size - done ? chunk : size - done;
        if (vm->nregions >= VM_MAX_REGIONS) {
            log_err("vm %s: cannot find %llu MiB of host memory for RAM in %u pieces or fewer\n",
                    vm->name, (unsigned long long)(size >> 20), VM_MAX_REGIONS);
            goto fail;
        }
        paddr_t pa = alloc_ram_chunk(ipa + done, want);
        if (!pa) {
            if (want <= PAGE_SIZE) {
                log_err("vm %s: out of host memory for RAM\n", vm->name);
                goto fail;
            }
            uint64_t half = want / 2;
            uint64_t gran = half >= BLOCK_2M ? BLOCK_2M : PAGE_SIZE;
            chunk = (half + gran - 1) & ~(gran - 1);
            if (chunk >= want)
                chunk = want - PAGE_SIZE;
            continue;
        }
        if (stage2_map(&vm->stage2, ipa + done, pa, want, perms) != S2_OK) {
            arch_page_free(pa, want >> PAGE_SHIFT);
            log_err("vm %s: stage-2 map of RAM 0x%llx failed\n", vm->name,
                    (unsigned long long)(ipa + done));
            goto fail;
        }
        vm->regions[vm->nregions++] =
            (struct mem_region){.ipa = ipa + done, .size = want, .pa = pa, .perms = perms};
        done += want;
    }
    return 0;

fail:
    drop_regions_from(vm, first);
    return -1;
}

/* Host VA of guest RAM at ipa, good up to the end of ipa's page; NULL if the
 * VM's stage 2 does not map RAM of this VM there. */
static uint8_t *guest_page_va(struct vm *vm, ipa_t ipa)
{
    struct stage2_walk w;
    if (!stage2_walk(&vm->stage2, ipa, &w) || !w.mapped || (w.perms & S2_DEVICE))
        return NULL;
    /* Belt and braces: the translation must land in a region this VM owns,
     * whatever its tables say. */
    bool ours = false;
    for (unsigned i = 0; i < vm->nregions && !ours; i++)
        ours = w.pa >= vm->regions[i].pa && w.pa - vm->regions[i].pa < vm->regions[i].size;
    if (!ours)
        return NULL;
    return arch_pa_to_va(w.pa);
}

/* Copy between a host buffer and guest IPA space page by page. The whole
 * range is checked before one byte moves, so a failed copy changes nothing. */
static bool guest_copy(struct vm *vm, ipa_t ipa, void *buf, uint64_t len, bool to_guest)
{
    if (!vm_valid(vm))
        return false;
    if (len == 0)
        return true;
    if (ipa + (len - 1) < ipa)
        return false;
    for (int pass = 0; pass < 2; pass++) {
        uint64_t done = 0;
        while (done < len) {
            ipa_t a = ipa + done;
            uint64_t n = PAGE_SIZE - (a & (PAGE_SIZE - 1));
            if (n > len - done)
                n = len - done;
            uint8_t *va = guest_page_va(vm, a);
            if (!va)
                return false;
            if (pass == 1) {
                if (to_guest)
                    memcpy(va, (const uint8_t *)buf + done, n);
                else
                    memcpy((uint8_t *)buf + done, va, n);
            }
            done += n;
        }
    }
    return true;
}

bool vm_copy_to_guest(struct vm *vm, ipa_t ipa, const void *src, uint64_t len)
{
    return guest_copy(vm, ipa, (void *)src, len, true);
}

bool vm_copy_from_guest(struct vm *vm, void *dst, ipa_t ipa, uint64_t len)
{
    return guest_copy(vm, ipa, dst, len, false);
}

int vm_add_device(struct vm *vm, struct mmio_dev *dev)
{
    if (!vm_valid(vm) || !dev || dev->size == 0)
        return -1;
    for (unsigned i = 0; i < vm->nregions; i++) {
        if (ranges_overlap(dev->base, dev->size, vm->regions[i].ipa, vm->regions[i].size)) {
            log_err("vm %s: device %s at 0x%llx overlaps RAM\n", vm->name,
                    dev->name ? dev->name : "?", (unsigned long long)dev->base);
            return -1;
        }
    }
    if (mmio_bus_register(&vm->mmio, dev) != 0) {
        log_err("vm %s: device %s at 0x%llx+0x%llx refused by the MMIO bus\n", vm->name,
                dev->name ? dev->name : "?", (unsigned long long)dev->base,
                (unsigned long long)dev->size);
        return -1;
    }
    return 0;
}

int vm_map_device_passthrough(struct vm *vm, ipa_t ipa, paddr_t pa, uint64_t size)
{
    bool aligned = ((ipa | pa | size) & (PAGE_SIZE - 1)) == 0;
    if (!vm_valid(vm) || size == 0 || !aligned || ipa + size < ipa || pa + size < pa)
        return -1;
    for (unsigned i = 0; i < vm->nregions; i++) {
        if (ranges_overlap(ipa, size, vm->regions[i].ipa, vm->regions[i].size)) {
            log_err("vm %s: device pages at 0x%llx overlap RAM\n", vm->name,
                    (unsigned long long)ipa);
            return -1;
        }
    }
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        if (mmio_bus_find(&vm->mmio, ipa + off)) {
            log_err("vm %s: device pages at 0x%llx overlap an emulated device\n", vm->name,
                    (unsigned long long)ipa);
            return -1;
        }
    }
    if (stage2_map(&vm->stage2, ipa, pa, size, S2_DEVICE | S2_RW) != S2_OK) {
        log_err("vm %s: cannot map device pages 0x%llx at 0x%llx\n", vm->name,
                (unsigned long long)pa, (unsigned long long)ipa);
        return -1;
    }
    return 0;
}

/* arch_vcpu_init and what the core keeps around it: the VM's one CNTVOFF
 * and list registers the arch has just emptied. */
static int vcpu_init(struct vcpu *vcpu, const struct vcpu_boot *boot)
{
    struct vm *vm = vcpu->vm;
    vtimer_release(vcpu); /* a held host PPI goes with the old state */
    vpmu_release(vcpu);
    if (arch_vcpu_init(vcpu, boot) != 0) {
        log_err("vm %s: vcpu %u: the CPU cannot start it (isa %d)\n", vm->name, vcpu->id,
                boot->isa);
        return -1;
    }
    struct vtimer_state t;
    arch_vtimer_read(vcpu, &t);
    if (vm->cntvoff_set) {
        t.voff = vm->cntvoff;
        t.live = false;
        arch_vtimer_write(vcpu, &t);
    } else {
        vm->cntvoff = t.voff;
        vm->cntvoff_set = true;
    }
    /* The EL1 physical timer starts disabled (its ENABLE resets to an
     * UNKNOWN value: off is one), the guest's physical count the host's:
     * the guest reads CNTPCT directly (CNTHCTL EL1PCTEN / PL1PCTEN). */
    vcpu->ptimer = (struct ptimer_state){0};
    vcpu->wfi_earned = vcpu->wfi_in_guest = false; /* arch_vcpu_init traps WFI */
    vgic_lrs_lost(vcpu);
    return 0;
}

int vcpu_start(struct vm *vm, unsigned id, const struct vcpu_boot *boot)
{
    if (!vm_valid(vm) || !boot || id >= vm->nvcpus)
        return -1;
    struct vcpu *vcpu = &vm->vcpus[id];
    if (vcpu_state(vcpu) != VCPU_OFF)
        return -1;
    int cpu = sched_place(vcpu);
    if (cpu < 0) {
        log_err("vm %s: vcpu %u: no online CPU in its affinity 0x%x\n", vm->name, id,
                (unsigned)vcpu->affinity);
        return -1;
    }
    sched_wait_put(vcpu); /* the CPU where it powered off lets go of it */
    if (vcpu_init(vcpu, boot) != 0)
        return -1;
    vcpu_set_state(vcpu, VCPU_RUNNING);
    if (vm_state(vm) == VM_CREATED)
        vm_set_state(vm, VM_RUNNING);
    sched_start(vcpu, (unsigned)cpu);
    return 0;
}

int vcpu_reset(struct vcpu *vcpu, const struct vcpu_boot *boot)
{
    if (!vcpu || !vm_valid(vcpu->vm) || !boot || vcpu_state(vcpu) == VCPU_OFF)
        return -1;
    return vcpu_init(vcpu, boot);
}
