/* Loads and stores to an IPA nothing backs (a hole, the host's GIC
 * hypervisor interface GICH, which the VM must never get): armvisor must
 * refuse them with a synchronous external abort injected into the guest
 * (DFSR/DFAR set, the guest's VBAR handler runs) and keep running. The
 * distributor address is the VM's emulated GICD and must answer. */
#include "guest.h"

#define HOLE       0x20000000u /* below RAM, no device */
#define GICD       0x08000000u /* the VM's (emulated) GIC distributor */
#define GICH       0x08030000u /* QEMU virt's GICH: the host's, not the VM's */
#define GICD_TYPER 0x004u

/* Short-descriptor DFSR (TTBCR.EAE = 0, the reset value): FS 0b01000 is a
 * synchronous external abort; bit 11 WnR. */
#define DFSR_FS_MASK     0x40fu
#define DFSR_EXT_SYNC    0x008u
#define DFSR_WNR         (1u << 11)
#define DFSR_LPAE        (1u << 9)
#define DFSR_STATUS_MASK 0x3fu
#define DFSR_LD_EXT_SYNC 0x10u

int main(void)
{
    volatile uint32_t *p = (volatile uint32_t *)HOLE;
    uint32_t v = *p;
    (void)v;
    check("load abort taken", dabt_count == 1);
    check("load DFSR is sync external abort, read",
          (last_dfsr & DFSR_FS_MASK) == DFSR_EXT_SYNC && !(last_dfsr & DFSR_WNR));
    check("load DFAR", last_dfar == HOLE);

    p[1] = 0x55;
    check("store abort taken", dabt_count == 2);
    check("store DFSR is sync external abort, write",
          (last_dfsr & DFSR_FS_MASK) == DFSR_EXT_SYNC && (last_dfsr & DFSR_WNR));
    check("store DFAR", last_dfar == HOLE + 4);

    /* With TTBCR.EAE set the fault status is in the long format (B4.1.52):
     * LPAE bit 9, STATUS[5:0] 0b010000 = synchronous external abort. */
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 2\n\tisb" ::"r"(1u << 31) : "memory");
    v = p[2];
    (void)v;
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 2\n\tisb" ::"r"(0) : "memory");
    check("LPAE-format abort taken", dabt_count == 3);
    check("LPAE-format DFSR is sync external abort, read",
          (last_dfsr & (DFSR_LPAE | DFSR_STATUS_MASK | DFSR_WNR)) ==
              (DFSR_LPAE | DFSR_LD_EXT_SYNC));
    check("LPAE-format DFAR", last_dfar == HOLE + 8);

    /* The host's GIC virtual interface control: no device in this VM. */
    volatile uint32_t *gich = (volatile uint32_t *)GICH;
    gich[0] = 1;
    check("store to the host's GICH refused", dabt_count == 4 && last_dfar == GICH);

    /* The distributor at QEMU virt's address is the VM's own (emulated):
     * GICD_TYPER says one CPU interface (CPUNumber 0) and 128 interrupt
     * IDs (ITLinesNumber 3), and reading it is no abort. */
    uint32_t typer = *(volatile uint32_t *)(GICD + GICD_TYPER);
    check("GICD_TYPER reads 1 CPU, 128 IDs",
          dabt_count == 4 && (typer & 0x1f) == 3 && ((typer >> 5) & 7) == 0);

    put_str("guest: still running after the aborts\n");
    return 0;
}
