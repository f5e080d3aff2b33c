/* Loads and stores to IPAs nothing backs (a hole, just past the VM's RAM,
 * the host's GIC hypervisor interface GICH, which the VM must never get):
 * armvisor must refuse them with a synchronous external abort injected into
 * the guest (ESR_EL1 EC 0x25, DFSC 0x10, WnR; FAR_EL1 the address; the
 * guest's VBAR_EL1 handler runs) and keep running. The distributor address
 * is the VM's emulated GICD and must answer. */
#include "guest.h"

#define HOLE       0x20000000ul /* below RAM, no device */
#define RAM_END    0x48000000ul /* 0x40000000 + 128 MiB */
#define GICD       0x08000000ul /* the VM's (emulated) GIC distributor */
#define GICH       0x08030000ul /* QEMU virt's GICH: the host's, not the VM's */
#define GICD_TYPER 0x004u

int main(void)
{
    volatile uint32_t *p = (volatile uint32_t *)HOLE;
    uint32_t v = *p;
    (void)v;
    check("load abort taken", dabt_count == 1);
    check("load ESR is a sync external abort, read",
          ESR_EC(last_esr) == EC_DABT_CUR && ESR_DFSC(last_esr) == FSC_SYNC_EXT &&
              !(last_esr & ESR_WNR) && (last_esr & ESR_IL));
    check("load FAR", last_far == HOLE);

    p[1] = 0x55;
    check("store abort taken", dabt_count == 2);
    check("store ESR is a sync external abort, write", ESR_EC(last_esr) == EC_DABT_CUR &&
                                                           ESR_DFSC(last_esr) == FSC_SYNC_EXT &&
                                                           (last_esr & ESR_WNR));
    check("store FAR", last_far == HOLE + 4);

    /* Just past the end of the VM's 128 MiB of RAM: not ours, refused. */
    volatile uint64_t *past = (volatile uint64_t *)RAM_END;
    uint64_t w = *past;
    (void)w;
    check("load past RAM refused", dabt_count == 3 && last_far == RAM_END);

    /* The host's GIC virtual interface control: no device in this VM. */
    volatile uint32_t *gich = (volatile uint32_t *)GICH;
    gich[0] = 1;
    check("store to the host's GICH refused", dabt_count == 4 && last_far == GICH);

    /* The distributor at QEMU virt's address is the VM's own (emulated):
     * GICD_TYPER says one CPU interface (CPUNumber 0) and 128 interrupt
     * IDs (ITLinesNumber 3), and reading it is no abort. */
    uint32_t typer = *(volatile uint32_t *)(GICD + GICD_TYPER);
    check("GICD_TYPER reads 1 CPU, 128 IDs",
          dabt_count == 4 && (typer & 0x1f) == 3 && ((typer >> 5) & 7) == 0);

    put_str("guest: still running after the aborts\n");
    return 0;
}
