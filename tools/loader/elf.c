/*
 * ELF kernels: read the file's header and program headers (System V gABI,
 * "ELF header" and "Program header"; the ARM and AArch64 ELF supplements
 * for EM_ARM / EM_AARCH64) and flatten every PT_LOAD segment into one image
 * that starts at the lowest segment's physical address (p_paddr, where
 * QEMU's -kernel puts it too), with the bytes between and after the file
 * data (p_memsz > p_filesz: .bss) zero. The package holds that image as its
 * kernel.
 *
 * The file is user input: every offset and size is checked against the
 * file and against guest RAM before it is used, with overflow-free
 * arithmetic, and the first thing wrong stops the loader with a sentence.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/le.h"
#include "loader.h"

/* e_ident */
#define EI_CLASS      4
#define EI_DATA       5
#define EI_VERSION    6
#define ELFCLASS32    1
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define EV_CURRENT    1
#define ET_EXEC       2
#define EM_ARM        40
#define EM_AARCH64    183
#define PT_LOAD       1
#define PN_XNUM       0xffffu
#define EF_ARM_BE8    0x00800000u /* ARM ELF: BE-8 code */
#define ELF_MAX_PHNUM 256u        /* more than any kernel has; bounds the overlap check */

/* Where the fields are, ELF32 / ELF64. */
struct elf_form {
    unsigned ehsize, phentsize;
    unsigned e_entry, e_phoff, e_flags, e_ehsize, e_phentsize, e_phnum;
    unsigned p_offset, p_vaddr, p_paddr, p_filesz, p_memsz;
    uint64_t (*word)(const uint8_t *p);
};

static uint64_t word32(const uint8_t *p)
{
    return get_le32(p);
}

static const struct elf_form form32 = {52, 32, 24, 28, 36, 40, 42, 44, 4, 8, 12, 16, 20, word32};
static const struct elf_form form64 = {64, 56, 24, 32, 48, 52, 54, 56, 8, 16, 24, 32, 40, get_le64};

struct segment {
    uint64_t offset, vaddr, paddr, filesz, memsz;
};

bool elf_is_elf(const struct file_buf *k)
{
    return k->size >= 4 && memcmp(k->data, "\177ELF", 4) == 0;
}

/* Header checks: the file is a little-endian executable for this arch. */
static const struct elf_form *check_header(const struct file_buf *k, enum loader_arch arch)
{
    const uint8_t *d = k->data;
    if (k->size < 16) {
        loader_error("the ELF kernel is truncated: %zu bytes, not even e_ident", k->size);
        return NULL;
    }
    unsigned cls = d[EI_CLASS];
    const struct elf_form *f = cls == ELFCLASS64 ? &form64 : cls == ELFCLASS32 ? &form32 : NULL;
    if (!f) {
        loader_error("the ELF kernel has an unknown class %u", cls);
        return NULL;
    }
    if (k->size < f->ehsize) {
        loader_error("the ELF kernel is truncated: %zu bytes, its header is %u", k->size,
                     f->ehsize);
        return NULL;
    }
    if (d[EI_DATA] != ELFDATA2LSB) {
        loader_error("the ELF kernel is not little-endian; armvisor runs little-endian guests");
        return NULL;
    }
    if (d[EI_VERSION] != EV_CURRENT || get_le32(d + 20) != EV_CURRENT) {
        loader_error("the ELF kernel has an unknown ELF version");
        return NULL;
    }
    unsigned machine = get_le16(d + 18);
    if (arch == LOADER_ARM64 && (cls != ELFCLASS64 || machine != EM_AARCH64)) {
        loader_error("the ELF kernel is not an ELF64 AArch64 executable (class %u, machine %u): "
                     "--arch arm64 wants one",
                     cls, machine);
        return NULL;
    }
    if (arch == LOADER_ARM && (cls != ELFCLASS32 || machine != EM_ARM)) {
        loader_error("the ELF kernel is not an ELF32 ARM executable (class %u, machine %u): "
                     "--arch arm wants one",
                     cls, machine);
        return NULL;
    }
    if (arch == LOADER_ARM && (get_le32(d + f->e_flags) & EF_ARM_BE8)) {
        loader_error("the ELF kernel is BE-8 code; armvisor runs little-endian guests");
        return NULL;
    }
    if (get_le16(d + 16) != ET_EXEC) {
        loader_error("the ELF kernel is not an executable (e_type %u; want ET_EXEC, 2)",
                     get_le16(d + 16));
        return NULL;
    }
    if (get_le16(d + f->e_ehsize) < f->ehsize) {
        loader_error("the ELF kernel's e_ehsize %u is smaller than its header",
                     get_le16(d + f->e_ehsize));
        return NULL;
    }
    return f;
}

/* The PT_LOAD segments with memory to fill, checked against the file and
 * RAM, into seg[] (ELF_MAX_PHNUM entries); their number, or -1. */
static int read_segments(const struct file_buf *k, const struct elf_form *f,
                         const struct vm_plan *plan, struct segment *seg)
{
    const uint8_t *d = k->data;
    uint64_t phoff = f->word(d + f->e_phoff);
    unsigned phentsize = get_le16(d + f->e_phentsize), phnum = get_le16(d + f->e_phnum);
    if (phnum == 0 || phnum == PN_XNUM || phnum > ELF_MAX_PHNUM) {
        loader_error("the ELF kernel has %u program headers; want 1-%u", phnum, ELF_MAX_PHNUM);
        return -1;
    }
    if (phentsize < f->phentsize) {
        loader_error("the ELF kernel's e_phentsize %u is smaller than a program header (%u)",
                     phentsize, f->phentsize);
        return -1;
    }
    if (phoff > k->size || (uint64_t)phnum * phentsize > k->size - phoff) {
        loader_error("the ELF kernel's program headers lie outside the file");
        return -1;
    }
    uint64_t ram_end = plan->ram_base + plan->ram_size;
    int n = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = d + phoff + (uint64_t)i * phentsize;
        if (get_le32(ph) != PT_LOAD)
            continue;
        struct segment s = {f->word(ph + f->p_offset), f->word(ph + f->p_vaddr),
                            f->word(ph + f->p_paddr), f->word(ph + f->p_filesz),
                            f->word(ph + f->p_memsz)};
        if (s.filesz > s.memsz) {
            loader_error("ELF segment %u has more file bytes (%llu) than memory (%llu)", i,
                         (unsigned long long)s.filesz, (unsigned long long)s.memsz);
            return -1;
        }
        if (s.offset > k->size || s.filesz > k->size - s.offset) {
            loader_error("ELF segment %u's bytes lie outside the file", i);
            return -1;
        }
        if (s.memsz == 0)
            continue;
        if (s.paddr < plan->ram_base || s.paddr >= ram_end || s.memsz > ram_end - s.paddr) {
            loader_error("ELF segment %u (0x%llx, %llu bytes) is not inside guest RAM "
                         "(0x%llx, %llu MiB)",
                         i, (unsigned long long)s.paddr, (unsigned long long)s.memsz,
                         (unsigned long long)plan->ram_base,
                         (unsigned long long)(plan->ram_size >> 20));
            return -1;
        }
        for (int j = 0; j < n; j++) {
            if (s.paddr < seg[j].paddr + seg[j].memsz && seg[j].paddr < s.paddr + s.memsz) {
                loader_error("ELF segment %u overlaps an earlier one in guest RAM", i);
                return -1;
            }
        }
        seg[n++] = s;
    }
    if (n == 0) {
        loader_error("the ELF kernel has nothing to load (no PT_LOAD segment with memory)");
        return -1;
    }
    return n;
}

int elf_plan(struct vm_plan *plan, struct file_buf *k)
{
    const struct elf_form *f = check_header(k, plan->arch);
    if (!f)
        return -1;
    static struct segment seg[ELF_MAX_PHNUM];
    int n = read_segments(k, f, plan, seg);
    if (n < 0)
        return -1;
    uint64_t lo = seg[0].paddr, hi = seg[0].paddr + seg[0].memsz;
    for (int i = 1; i < n; i++) {
        if (seg[i].paddr < lo)
            lo = seg[i].paddr;
        if (seg[i].paddr + seg[i].memsz > hi)
            hi = seg[i].paddr + seg[i].memsz;
    }
    /* The entry point is a virtual address; with the MMU off at entry it is
     * the physical one, except in a segment linked with p_vaddr != p_paddr,
     * where it moves with the segment. */
    uint64_t entry = f->word(k->data + f->e_entry);
    for (int i = 0; i < n; i++) {
        if (entry >= seg[i].vaddr && entry - seg[i].vaddr < seg[i].memsz) {
            entry = entry - seg[i].vaddr + seg[i].paddr;
            break;
        }
    }
    plan->isa = VM_PKG_ISA_A64;
    if (plan->arch == LOADER_ARM) {
        /* ARM ELF: bit 0 of the entry selects Thumb. */
        plan->isa = entry & 1 ? VM_PKG_ISA_T32 : VM_PKG_ISA_A32;
        entry &= ~1ull;
    }
    if (entry < lo || entry >= hi) {
        loader_error("the ELF kernel's entry point 0x%llx is outside its segments "
                     "(0x%llx-0x%llx)",
                     (unsigned long long)entry, (unsigned long long)lo, (unsigned long long)hi);
        return -1;
    }
    /* hi - lo fits in RAM (every segment does), so this fits in memory. */
    uint8_t *img = calloc(1, hi - lo);
    if (!img) {
        loader_error("out of memory for the %llu-byte ELF image", (unsigned long long)(hi - lo));
        return -1;
    }
    for (int i = 0; i < n; i++)
        memcpy(img + (seg[i].paddr - lo), k->data + seg[i].offset, seg[i].filesz);
    free(k->data);
    k->data = img;
    k->size = hi - lo;
    plan->kind = KERNEL_ELF;
    plan->kernel_ipa = lo;
    plan->kernel_footprint = hi - lo;
    plan->entry = entry;
    return 0;
}
