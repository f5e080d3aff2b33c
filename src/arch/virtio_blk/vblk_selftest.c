/*
 * armvisor.selftest=disk in the bootargs: before the guest starts, host
 * disk 0 is driven through the same backend interface a VM's virtio-blk
 * uses, completions taken by interrupt the way the run loop takes them
 * (arch_cpu_idle, then the core's host_irq_handle): a 64 KiB write in 16
 * segments to the disk's last 128 sectors, a FLUSH, a read back compared
 * byte for byte, and a read past the end that must fail. On a read-only
 * disk the write must fail and the read succeed. One line per check; a
 * failure is an "armvisor: error" line. Tests run it with QEMU's
 * snapshot=on, so the image file is not changed.
 */
#include "arch/virtio_blk/vblk_host.h"

#include "core/vgic.h"
#include "lib/bootargs.h"
#include "lib/log.h"
#include "vdev/blk_backend.h"

#define SELFTEST_ARG     "armvisor.selftest=disk"
#define SELFTEST_PAGES   16u /* 64 KiB, one segment per page */
#define SELFTEST_SECTORS ((unsigned)(SELFTEST_PAGES * PAGE_SIZE / BLK_SECTOR_SIZE))
/* Interrupts to wait through for one completion before calling it lost. */
#define SELFTEST_WAKEUPS 100000u

static volatile bool finished;
static volatile int result;

static void selftest_done(struct blk_req *req, int status)
{
    (void)req;
    result = status;
    finished = true;
}

/* Submit req and wait for its completion interrupt: its status, or -2 when
 * it was not accepted, -3 when it never completed. */
static int run(struct blk_backend *b, struct blk_req *req)
{
    finished = false;
    req->done = selftest_done;
    if (b->submit(b, req) != 0)
        return -2;
    for (unsigned n = 0; !finished && n < SELFTEST_WAKEUPS; n++) {
        arch_cpu_idle();
        host_irq_handle(NULL);
    }
    return finished ? result : -3;
}

static void rw_req(struct blk_req *req, enum blk_op op, uint64_t sector, paddr_t pa, unsigned pages)
{
    *req = (struct blk_req){.op = op, .sector = sector, .nseg = pages};
    for (unsigned i = 0; i < pages; i++)
        req->seg[i] = (struct blk_seg){
            .va = arch_pa_to_va(pa + i * PAGE_SIZE), .pa = pa + i * PAGE_SIZE, .len = PAGE_SIZE};
}

static void check(bool ok, const char *what)
{
    if (ok)
        log_info("disk selftest: %s: ok\n", what);
    else
        log_err("disk selftest: %s: FAILED\n", what);
}

void vblk_host_selftest(const char *bootargs)
{
    if (!bootargs_has(bootargs, SELFTEST_ARG))
        return;
    struct blk_backend *b = blk_host_disk(0);
    if (!b || b->sectors < SELFTEST_SECTORS) {
        log_err("disk selftest: no host disk 0 of at least %u sectors\n", SELFTEST_SECTORS);
        return;
    }
    paddr_t wpa = arch_page_alloc(SELFTEST_PAGES), rpa = arch_page_alloc(SELFTEST_PAGES);
    if (!wpa || !rpa) {
        log_err("disk selftest: no memory\n");
        return;
    }
    uint8_t *w = arch_pa_to_va(wpa), *r = arch_pa_to_va(rpa);
    uint32_t bytes = SELFTEST_PAGES * PAGE_SIZE;
    for (uint32_t i = 0; i < bytes; i++)
        w[i] = (uint8_t)((i * 7u + 13u) ^ (i >> 9));
    uint64_t sector = b->sectors - SELFTEST_SECTORS;
    struct blk_req req;

    rw_req(&req, BLK_OP_WRITE, sector, wpa, SELFTEST_PAGES);
    int st = run(b, &req);
    if (b->read_only) {
        check(st == -1, "a write to the read-only disk fails");
    } else {
        check(st == 0, "64 KiB written in 16 segments, completed by interrupt");
        req = (struct blk_req){.op = BLK_OP_FLUSH};
        check(run(b, &req) == 0, "flush");
    }
    rw_req(&req, BLK_OP_READ, sector, rpa, SELFTEST_PAGES);
    check(run(b, &req) == 0, "64 KiB read");
    if (!b->read_only) {
        uint32_t i = 0;
        while (i < bytes && r[i] == w[i])
            i++;
        check(i == bytes, "what was read is what was written");
    }
    rw_req(&req, BLK_OP_READ, b->sectors - 1, rpa, 1);
    check(run(b, &req) == -1, "a read past the disk's end fails");
    arch_page_free(wpa, SELFTEST_PAGES);
    arch_page_free(rpa, SELFTEST_PAGES);
}
