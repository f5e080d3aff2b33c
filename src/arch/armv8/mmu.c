/*
 * The hypervisor's own address space: EL2 stage-1 translation (TTBR0_EL2,
 * TCR_EL2, MAIR_EL2), an identity map, then SCTLR_EL2.M/C/I on.
 *
 * Layout (4 KiB granule, 39-bit VA, lookup from level 1, VMSAv8-64 D5.2):
 *   - RAM banks from the DTB: Normal write-back, inner shareable, 1 GiB
 *     blocks where a whole slot is RAM, else 2 MiB blocks (mem.c trimmed
 *     the banks to 2 MiB boundaries);
 *   - the rest of each 1 GiB slot that holds RAM, every slot below 4 GiB
 *     without RAM (the QEMU virt / Arm Base System layouts put their
 *     devices there) and the console UART's slot: Device-nGnRE, XN;
 *   - this image in 4 KiB pages: text read-only and the only executable
 *     memory, rodata read-only, data/bss/stacks read-write (W^X; and
 *     SCTLR_EL2.WXN makes any writable page execute-never regardless);
 *   - everything else unmapped, so a stray pointer faults at EL2 (trap.c)
 *     rather than reaching something by accident.
 * Normal memory matters beyond speed: the stage-2 walker reads the tables
 * the core writes with cacheable, inner-shareable accesses (VTCR_EL2), and
 * exclusives need Normal memory.
 */
#include "arch/arch.h"
#include "arch/armv8/armv8.h"
#include "arch/armv8/sysregs.h"
#include "lib/log.h"

#define VA_BITS       39
#define L1_ENTRIES    512
#define L2_TABLES_MAX 8
#define GIB           (1ull << 30)
#define MIB2          (2ull << 20)
#define DEVICE_LIMIT  (4 * GIB)

static uint64_t l1[L1_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint64_t l2[L2_TABLES_MAX][512] __attribute__((aligned(PAGE_SIZE)));
/* Level-3 tables for the 2 MiB blocks holding this image (it is < 2 MiB,
 * so it touches at most two). */
#define L3_TABLES_MAX 2
static uint64_t l3[L3_TABLES_MAX][512] __attribute__((aligned(PAGE_SIZE)));

/* RAM is data: execute-never everywhere but this image's text. */
static const uint64_t normal_block = PTE_VALID | PTE_BLOCK | PTE_ATTRIDX(MAIR_IDX_NORMAL) |
                                     PTE_AP_RW_EL2 | PTE_SH_INNER | PTE_AF | PTE_XN;
static const uint64_t normal_page =
    PTE_VALID | PTE_PAGE | PTE_ATTRIDX(MAIR_IDX_NORMAL) | PTE_SH_INNER | PTE_AF;
static const uint64_t device_block =
    PTE_VALID | PTE_BLOCK | PTE_ATTRIDX(MAIR_IDX_DEVICE) | PTE_AP_RW_EL2 | PTE_AF | PTE_XN;

/* Whether [pa, pa+len) is entirely inside / overlaps a RAM bank. */
static bool ram_overlaps(uint64_t pa, uint64_t len)
{
    const struct fdt_range *b;
    unsigned n = armv8_ram_banks(&b);
    for (unsigned i = 0; i < n; i++)
        if (pa < b[i].base + b[i].size && b[i].base < pa + len)
            return true;
    return false;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

static uint64_t sym(const char *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* 4 KiB pages for the 2 MiB block at base that holds part of the image:
 * text read-only executable, rodata read-only, the rest read-write XN. */
static uint64_t *image_l3(uint64_t base, unsigned *used)
{
    if (*used == L3_TABLES_MAX)
        return NULL;
    uint64_t *t = l3[(*used)++];
    for (unsigned k = 0; k < 512; k++) {
        uint64_t pa = base + (uint64_t)k * PAGE_SIZE;
        uint64_t attr = normal_page | PTE_AP_RW_EL2 | PTE_XN;
        if (pa >= sym(__text_start) && pa < sym(__text_end))
            attr = normal_page | PTE_AP_RO_EL2;
        else if (pa >= sym(__rodata_start) && pa < sym(__rodata_end))
            attr = normal_page | PTE_AP_RO_EL2 | PTE_XN;
        t[k] = pa | attr;
    }
    return t;
}

/* TCR_EL2.PS / VTCR_EL2.PS: the CPU's PARange, capped at 48 bits (52-bit
 * output needs the other descriptor format). */
static uint64_t pa_size_field(void)
{
    uint64_t pa = read_sysreg(ID_AA64MMFR0_EL1) & ID_AA64MMFR0_PARANGE_MASK;
    return pa > 5 ? 5 : pa;
}

int armv8_mmu_init(void)
{
    unsigned used_l2 = 0, used_l3 = 0;
    uint64_t img_s = sym(__image_start), img_len = sym(__image_end) - img_s;
    for (unsigned i = 0; i < L1_ENTRIES; i++) {
        uint64_t slot = (uint64_t)i * GIB;
        bool has_image = overlaps(slot, GIB, img_s, img_len);
        if (armv8_pa_is_ram(slot, GIB) && !has_image) {
            l1[i] = slot | normal_block; /* all RAM: one 1 GiB block */
        } else if (ram_overlaps(slot, GIB) || has_image) {
            /* Part RAM, or our image: 2 MiB blocks (banks are 2 MiB
             * aligned, mem.c), 4 KiB pages around the image. */
            if (used_l2 == L2_TABLES_MAX) {
                log_err("RAM edges in more than %u GiB slots: not mapped\n", L2_TABLES_MAX);
                return -1;
            }
            uint64_t *t = l2[used_l2++];
            for (unsigned j = 0; j < 512; j++) {
                uint64_t pa = slot + (uint64_t)j * MIB2;
                if (overlaps(pa, MIB2, img_s, img_len)) {
                    uint64_t *p = image_l3(pa, &used_l3);
                    if (!p) {
                        log_err("armvisor image spans too many 2 MiB blocks\n");
                        return -1;
                    }
                    t[j] = ((uint64_t)(uintptr_t)p & PTE_ADDR_MASK) | PTE_VALID | PTE_TABLE;
                } else {
                    t[j] = pa | (armv8_pa_is_ram(pa, MIB2) ? normal_block : device_block);
                }
            }
            l1[i] = ((uint64_t)(uintptr_t)t & PTE_ADDR_MASK) | PTE_VALID | PTE_TABLE;
        } else if (slot < DEVICE_LIMIT || overlaps(slot, GIB, armv8_uart_base(), PAGE_SIZE)) {
            /* Devices: below 4 GiB, and the console UART wherever the DTB
             * put it. */
            l1[i] = slot | device_block;
        } else {
            l1[i] = 0;
        }
    }
    const struct fdt_range *b;
    unsigned n = armv8_ram_banks(&b);
    for (unsigned i = 0; i < n; i++)
        if (b[i].base + b[i].size > (1ull << VA_BITS)) {
            log_err("RAM above %u bits is not mapped\n", VA_BITS);
            return -1;
        }

    armv8_mmu_enable();
    armv8_mte_el2_ready();
    log_info("EL2 MMU on: RAM mapped Normal (%u partial GiB slot(s)), devices below 4 GiB\n",
             used_l2);
    return 0;
}

/* This CPU's EL2 stage 1 on, over the tables armv8_mmu_init built: the boot
 * CPU once they are written, each secondary first thing (the same tables,
 * MAIR, TCR and SCTLR on every CPU). The tables were written with the MMU
 * off (non-cacheable), or cleaned since: make them visible, drop any stale
 * EL2 TLB entry of this CPU, then switch on. */
void armv8_mmu_enable(void)
{
    dsb_sy();
    __asm__ volatile("tlbi alle2" ::: "memory");
    dsb_sy();
    /* EL2's Normal memory is Tagged where the CPU has MTE, so the page
     * allocator can zero the tags of what it hands out (mte.c). */
    write_sysreg(mair_el2, MAIR_EL2_ATTRS(armv8_mte_el2_mair_normal()));
    write_sysreg(tcr_el2, TCR_EL2_RES1 | ((64ull - VA_BITS) << TCR_EL2_T0SZ_SHIFT) |
                              TCR_EL2_IRGN0_WBWA | TCR_EL2_ORGN0_WBWA | TCR_EL2_SH0_INNER |
                              TCR_EL2_TG0_4K | (pa_size_field() << TCR_EL2_PS_SHIFT));
    write_sysreg(ttbr0_el2, (uint64_t)(uintptr_t)l1);
    isb();
    __asm__ volatile("ic iallu" ::: "memory");
    dsb_sy();
    isb();
    write_sysreg(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_EL2_M | SCTLR_EL2_C | SCTLR_EL2_I |
                                SCTLR_EL2_SA | SCTLR_EL2_WXN | armv8_mte_el2_sctlr());
    isb();
}

uint64_t armv8_pa_size_field(void)
{
    return pa_size_field();
}
