/*
 * armvisor-loader end to end: write small kernels (an arm64 Image header,
 * a zImage header, raw bytes, ELF files good and malformed) to files, run the real program on them,
 * and read what it wrote back with the hypervisor's own vm_package_parse and with libfdt:
 * placement, boot registers, and every node of the guest DTB. Bad inputs must fail with a clear
 * line on stderr and no output file.
 *
 * Usage: test_loader <path to armvisor-loader> <scratch directory>
 */
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <libfdt.h>

#include "core/virt_layout.h"
#include "core/vm_package.h"
#include "lib/le.h"

#define RAM_BASE VIRT_RAM_BASE
#define MiB      (1ull << 20)

static const char *loader;
static char dir[512];
static char err_text[4096];
static uint8_t *pkg_data;
static size_t pkg_size;
static long fsize_limit; /* > 0: RLIMIT_FSIZE of the next run, to make its write fail */

static void path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static void write_bytes(const char *name, const void *data, size_t len)
{
    char p[600];
    path(p, sizeof(p), name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* An arm64 Image of `size` bytes: header fields as given. */
static void make_image(const char *name, size_t size, uint64_t text, uint64_t image_size,
                       uint64_t flags)
{
    uint8_t *k = calloc(1, size);
    assert_non_null(k);
    put_le32(k, 0x14000010); /* b +64: code0 */
    put_le64(k + ARM64_IMAGE_TEXT_OFFSET, text);
    put_le64(k + ARM64_IMAGE_SIZE, image_size);
    put_le64(k + ARM64_IMAGE_FLAGS, flags);
    put_le32(k + ARM64_IMAGE_MAGIC_OFF, ARM64_IMAGE_MAGIC);
    for (size_t i = ARM64_IMAGE_HDR_SIZE; i < size; i++)
        k[i] = (uint8_t)i;
    write_bytes(name, k, size);
    free(k);
}

static void make_zimage(const char *name, size_t size, uint32_t claimed)
{
    uint8_t *k = calloc(1, size);
    assert_non_null(k);
    put_le32(k + ZIMAGE_MAGIC_OFF, ZIMAGE_MAGIC);
    put_le32(k + ZIMAGE_START_OFF, 0);
    put_le32(k + ZIMAGE_END_OFF, claimed);
    write_bytes(name, k, size);
    free(k);
}

static void make_raw(const char *name, size_t size)
{
    uint8_t *k = malloc(size);
    assert_non_null(k);
    for (size_t i = 0; i < size; i++)
        k[i] = (uint8_t)(0x30 + i % 7);
    write_bytes(name, k, size);
    free(k);
}

/* Run the loader with args (NULL-terminated, file names relative to dir are
 * given as "@name"); stderr goes to err_text. Returns its exit status. */
static int run(const char *const *args)
{
    char *argv[40];
    char storage[40][600];
    int n = 0;
    argv[n++] = (char *)loader;
    for (; *args && n < 39; args++, n++) {
        if ((*args)[0] == '@') {
            path(storage[n], sizeof(storage[n]), *args + 1);
            argv[n] = storage[n];
        } else {
            argv[n] = (char *)*args;
        }
    }
    argv[n] = NULL;
    char errp[600];
    path(errp, sizeof(errp), "stderr.txt");
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (!freopen(errp, "w", stderr) || !freopen("/dev/null", "w", stdout))
            _exit(99);
        if (fsize_limit > 0) {
            struct rlimit rl = {.rlim_cur = (rlim_t)fsize_limit, .rlim_max = (rlim_t)fsize_limit};
            signal(SIGXFSZ, SIG_IGN); /* the write then fails with EFBIG */
            if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
                _exit(97);
        }
        execv(loader, argv);
        _exit(98);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    FILE *f = fopen(errp, "r");
    assert_non_null(f);
    size_t got = fread(err_text, 1, sizeof(err_text) - 1, f);
    err_text[got] = 0;
    fclose(f);
    return WEXITSTATUS(st);
}

static void load_output(const char *name)
{
    char p[600];
    path(p, sizeof(p), name);
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    free(pkg_data);
    pkg_data = malloc((size_t)len);
    assert_non_null(pkg_data);
    assert_int_equal(fread(pkg_data, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    pkg_size = (size_t)len;
}

static bool exists(const char *name)
{
    char p[600];
    struct stat sb;
    path(p, sizeof(p), name);
    return stat(p, &sb) == 0;
}

/* True when the scratch directory holds a loader temporary (".tmp-"). */
static bool temp_left(void)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    bool found = false;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".tmp-"))
            found = true;
    closedir(d);
    return found;
}

/* Run, expect success, parse the package. */
static void build_ok(const char *const *args, struct vm_package *p)
{
    char out[600];
    path(out, sizeof(out), "out.pkg");
    remove(out);
    int rc = run(args);
    if (rc != 0)
        fail_msg("loader failed (%d): %s", rc, err_text);
    load_output("out.pkg");
    const char *why = NULL;
    if (vm_package_parse(pkg_data, pkg_size, p, &why) != 0)
        fail_msg("package refused: %s", why);
    assert_false(temp_left());
}

/* Run, expect failure with `want` on stderr and no output. */
static void build_fails(const char *const *args, const char *want)
{
    char out[600];
    path(out, sizeof(out), "out.pkg");
    remove(out);
    int rc = run(args);
    if (rc == 0 || !strstr(err_text, want))
        fail_msg("expected failure with \"%s\", got %d: %s", want, rc, err_text);
    assert_false(exists("out.pkg"));
}

/* ---- DTB checks ------------------------------------------------------------- */

static const void *dtb_of(const struct vm_package *p)
{
    assert_non_null(p->dtb.data);
    assert_int_equal(fdt_check_header(p->dtb.data), 0);
    assert_true(fdt_totalsize(p->dtb.data) <= p->dtb.size);
    return p->dtb.data;
}

static int node(const void *fdt, const char *path_)
{
    int n = fdt_path_offset(fdt, path_);
    if (n < 0)
        fail_msg("DTB has no %s (%s)", path_, fdt_strerror(n));
    return n;
}

static const char *str_prop(const void *fdt, int n, const char *name)
{
    int len;
    const char *s = fdt_getprop(fdt, n, name, &len);
    if (!s || len < 1 || s[len - 1] != 0)
        fail_msg("property %s missing or not a string", name);
    return s;
}

static uint32_t cell(const void *fdt, int n, const char *name, int i)
{
    int len;
    const fdt32_t *c = fdt_getprop(fdt, n, name, &len);
    if (!c || len < (i + 1) * 4)
        fail_msg("property %s missing or short", name);
    return fdt32_to_cpu(c[i]);
}

static int prop_len(const void *fdt, int n, const char *name)
{
    int len;
    return fdt_getprop(fdt, n, name, &len) ? len : -1;
}

static uint64_t cells64(const void *fdt, int n, const char *name, int i)
{
    return (uint64_t)cell(fdt, n, name, 2 * i) << 32 | cell(fdt, n, name, 2 * i + 1);
}

/* Everything that does not depend on arm64 vs arm. */
static void check_machine(const void *fdt, uint64_t ram_size, unsigned ncpus, const char *cpu,
                          const char *timer)
{
    int root = node(fdt, "/");
    assert_int_equal(cell(fdt, root, "#address-cells", 0), 2);
    assert_int_equal(cell(fdt, root, "#size-cells", 0), 2);
    assert_int_equal(fdt_node_check_compatible(fdt, root, "linux,dummy-virt"), 0);

    int mem = node(fdt, "/memory@40000000");
    assert_string_equal(str_prop(fdt, mem, "device_type"), "memory");
    assert_int_equal(cells64(fdt, mem, "reg", 0), RAM_BASE);
    assert_int_equal(cells64(fdt, mem, "reg", 1), ram_size);

    int cpus = node(fdt, "/cpus");
    unsigned count = 0;
    int c;
    fdt_for_each_subnode(c, fdt, cpus)
    {
        char want[16];
        snprintf(want, sizeof(want), "cpu@%u", count);
        assert_string_equal(fdt_get_name(fdt, c, NULL), want);
        assert_string_equal(str_prop(fdt, c, "device_type"), "cpu");
        assert_int_equal(fdt_node_check_compatible(fdt, c, cpu), 0);
        assert_string_equal(str_prop(fdt, c, "enable-method"), "psci");
        assert_int_equal(cell(fdt, c, "reg", 0), count);
        count++;
    }
    assert_int_equal(count, ncpus);

    int psci = node(fdt, "/psci");
    assert_int_equal(fdt_node_check_compatible(fdt, psci, "arm,psci-1.0"), 0);
    assert_int_equal(fdt_node_check_compatible(fdt, psci, "arm,psci-0.2"), 0);
    assert_string_equal(str_prop(fdt, psci, "method"), "hvc");

    int t = node(fdt, "/timer");
    assert_int_equal(fdt_node_check_compatible(fdt, t, timer), 0);
    assert_int_equal(prop_len(fdt, t, "interrupts"), 12 * 4);
    static const uint32_t ppis[4] = {13, 14, 11, 10};
    uint32_t flags = 4 | ((1u << ncpus) - 1) << 8; /* level-high, GICv2 CPU mask */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(cell(fdt, t, "interrupts", 3 * i), 1); /* PPI */
        assert_int_equal(cell(fdt, t, "interrupts", 3 * i + 1), ppis[i]);
        assert_int_equal(cell(fdt, t, "interrupts", 3 * i + 2), flags);
    }

    int gic = node(fdt, "/intc@8000000");
    assert_int_equal(fdt_node_check_compatible(fdt, gic, "arm,cortex-a15-gic"), 0);
    assert_int_equal(prop_len(fdt, gic, "interrupt-controller"), 0);
    assert_int_equal(cell(fdt, gic, "#interrupt-cells", 0), 3);
    assert_int_equal(cells64(fdt, gic, "reg", 0), 0x08000000);
    assert_int_equal(cells64(fdt, gic, "reg", 2), 0x08010000);
    assert_int_equal(cell(fdt, root, "interrupt-parent", 0), fdt_get_phandle(fdt, gic));

    int uart = node(fdt, "/pl011@9000000");
    assert_int_equal(fdt_node_check_compatible(fdt, uart, "arm,pl011"), 0);
    assert_int_equal(fdt_node_check_compatible(fdt, uart, "arm,primecell"), 0);
    assert_int_equal(cells64(fdt, uart, "reg", 0), 0x09000000);
    assert_int_equal(cells64(fdt, uart, "reg", 1), 0x1000);
    assert_int_equal(cell(fdt, uart, "interrupts", 0), 0); /* SPI */
    assert_int_equal(cell(fdt, uart, "interrupts", 1), 1);
    assert_int_equal(cell(fdt, uart, "interrupts", 2), 4);
    int clk = fdt_node_offset_by_phandle(fdt, cell(fdt, uart, "clocks", 0));
    assert_true(clk >= 0);
    assert_int_equal(clk, node(fdt, "/apb-pclk"));
    assert_int_equal(cell(fdt, uart, "clocks", 1), fdt_get_phandle(fdt, clk));
    assert_int_equal(fdt_node_check_compatible(fdt, clk, "fixed-clock"), 0);
    assert_int_equal(cell(fdt, clk, "clock-frequency", 0), 24000000);
    assert_int_equal(cell(fdt, clk, "#clock-cells", 0), 0);

    int chosen = node(fdt, "/chosen");
    assert_string_equal(str_prop(fdt, chosen, "stdout-path"), "/pl011@9000000");
    /* stdout-path resolves. */
    assert_int_equal(fdt_path_offset(fdt, str_prop(fdt, chosen, "stdout-path")), uart);
}

static uint64_t prop_u64(const void *fdt, int n, const char *name)
{
    int len;
    const void *v = fdt_getprop(fdt, n, name, &len);
    if (!v || len != 8)
        fail_msg("property %s missing or not 64-bit", name);
    fdt64_t raw; /* properties are only 4-byte aligned */
    memcpy(&raw, v, sizeof(raw));
    return fdt64_to_cpu(raw);
}

/* ---- Tests ------------------------------------------------------------------ */

static void test_arm64_image_with_initrd(void **state)
{
    (void)state;
    make_image("Image", 12345, 0x80000, 0x300000, 0xa);
    make_raw("initrd", 70000);
    const char *args[] = {
        "--arch", "arm64", "--kernel", "@Image",   "--initrd",  "@initrd",
        "--ram",  "256",   "--cpus",   "2",        "--cmdline", "console=ttyAMA0 root=/dev/ram",
        "--name", "lx",    "-o",       "@out.pkg", NULL};
    struct vm_package p;
    build_ok(args, &p);
    assert_string_equal(p.name, "lx");
    assert_int_equal(p.protocol, VM_PKG_BOOT_LINUX_ARM64);
    assert_int_equal(p.isa, VM_PKG_ISA_A64);
    assert_int_equal(p.ram_base, RAM_BASE);
    assert_int_equal(p.ram_size, 256 * MiB);
    assert_int_equal(p.nvcpus, 2);
    assert_int_equal(p.kernel.ipa, RAM_BASE + 0x80000); /* base + text_offset */
    assert_int_equal(p.kernel.size, 12345);
    assert_int_equal(p.kernel_footprint, 0x300000);
    assert_int_equal(p.entry, p.kernel.ipa);
    /* QEMU's placement: initrd at base + min(RAM/2, 128 MiB), DTB after it
     * on a 2 MiB boundary. */
    assert_int_equal(p.initrd.ipa, RAM_BASE + 128 * MiB);
    assert_int_equal(p.initrd.size, 70000);
    assert_int_equal(p.dtb.ipa, RAM_BASE + 130 * MiB);
    assert_int_equal(p.regs[0], p.dtb.ipa);
    assert_int_equal(p.regs[1] | p.regs[2] | p.regs[3], 0);

    const void *fdt = dtb_of(&p);
    check_machine(fdt, 256 * MiB, 2, "arm,cortex-a57", "arm,armv8-timer");
    int chosen = node(fdt, "/chosen");
    assert_string_equal(str_prop(fdt, chosen, "bootargs"), "console=ttyAMA0 root=/dev/ram");
    assert_int_equal(prop_u64(fdt, chosen, "linux,initrd-start"), p.initrd.ipa);
    assert_int_equal(prop_u64(fdt, chosen, "linux,initrd-end"), p.initrd.ipa + 70000);
}

static void test_arm64_small_ram_and_old_image(void **state)
{
    (void)state;
    /* image_size 0: a pre-3.17 kernel, text_offset 0x80000 whatever the
     * field says. With 64 MiB the initrd goes at base + 32 MiB. */
    make_image("Image", 4096, 0x1234, 0, 0);
    make_raw("initrd", 100);
    const char *args[] = {"--arch", "arm64", "--kernel", "@Image",   "--initrd", "@initrd",
                          "--ram",  "64",    "-o",       "@out.pkg", NULL};
    struct vm_package p;
    build_ok(args, &p);
    assert_int_equal(p.kernel.ipa, RAM_BASE + 0x80000);
    assert_int_equal(p.initrd.ipa, RAM_BASE + 32 * MiB);
    assert_int_equal(p.dtb.ipa, RAM_BASE + 34 * MiB);
    assert_string_equal(p.name, "guest");
    const void *fdt = dtb_of(&p);
    check_machine(fdt, 64 * MiB, 1, "arm,cortex-a57", "arm,armv8-timer");
    assert_int_equal(prop_len(fdt, node(fdt, "/chosen"), "bootargs"), -1);

    /* A kernel bigger than half of RAM: the initrd moves up after it. */
    make_image("Image", 4096, 0, 40 * MiB, 0);
    build_ok(args, &p);
    assert_int_equal(p.kernel.ipa, RAM_BASE);
    assert_int_equal(p.initrd.ipa, RAM_BASE + 40 * MiB);
    assert_int_equal(p.dtb.ipa, RAM_BASE + 42 * MiB);
}

/* --console virtio: the package says so and the DTB gains the first
 * virtio-mmio transport (QEMU virt's address, SPI 16); without it, no such
 * node. Anything else is refused. */
static void test_console_virtio(void **state)
{
    (void)state;
    make_image("Image", 4096, 0x80000, 0, 0);
    const char *args[] = {"--arch", "arm64", "--kernel", "@Image", "--console",
                          "virtio", "-o",    "@out.pkg", NULL};
    struct vm_package p;
    build_ok(args, &p);
    assert_int_equal(p.console, VM_PKG_CONSOLE_VIRTIO);
    const void *fdt = dtb_of(&p);
    int vio = node(fdt, "/virtio_mmio@a000000");
    assert_int_equal(fdt_node_check_compatible(fdt, vio, "virtio,mmio"), 0);
    assert_int_equal(cells64(fdt, vio, "reg", 0), 0x0a000000);
    assert_int_equal(cells64(fdt, vio, "reg", 1), 0x200);
    assert_int_equal(cell(fdt, vio, "interrupts", 0), 0); /* SPI 16: INTID 48 */
    assert_int_equal(cell(fdt, vio, "interrupts", 1), 16);
    assert_int_equal(cell(fdt, vio, "interrupts", 2), 4);
    /* The PL011 stays, for the kernel's early messages. */
    node(fdt, "/pl011@9000000");

    const char *plain[] = {"--arch", "arm64", "--kernel", "@Image", "-o", "@out.pkg", NULL};
    build_ok(plain, &p);
    assert_int_equal(p.console, VM_PKG_CONSOLE_PL011);
    assert_true(fdt_path_offset(dtb_of(&p), "/virtio_mmio@a000000") < 0);
}

/* --disk: one virtio-blk per disk in the slots after the console's, in the
 * package's device list and in the DTB; bad or overlapping ranges are
 * refused. */
static void test_disks(void **state)
{
    (void)state;
    make_image("Image", 4096, 0x80000, 0, 0);
    const char *args[] = {"--arch",    "arm64",
                          "--kernel",  "@Image",
                          "--console", "virtio",
                          "--disk",    "host:0",
                          "--disk",    "host:1,ro,first=2048,count=4096",
                          "--disk",    "host:1,ro,first=4096",
                          "-o",        "@out.pkg",
                          NULL};
    struct vm_package p;
    build_ok(args, &p);
    assert_true(p.has_device_list);
    assert_int_equal(p.console, VM_PKG_CONSOLE_VIRTIO);
    assert_int_equal(p.ndevices, 5);
    assert_int_equal(p.devices[0].kind, VM_DEV_PL011);
    assert_int_equal(p.devices[0].flags, 0);
    assert_int_equal(p.devices[1].kind, VM_DEV_VIRTIO_CONSOLE);
    assert_int_equal(p.devices[1].flags, VM_DEV_F_CONSOLE);
    const struct vm_device *d0 = &p.devices[2], *d1 = &p.devices[3], *d2 = &p.devices[4];
    assert_int_equal(d0->kind, VM_DEV_VIRTIO_BLK);
    assert_int_equal(d0->base, 0x0a000200);
    assert_int_equal(d0->spi, 17);
    assert_int_equal(d0->flags, 0);
    assert_int_equal(d0->disk | d0->first_sector | d0->sectors, 0);
    assert_int_equal(d1->base, 0x0a000400);
    assert_int_equal(d1->flags, VM_DEV_F_RO);
    assert_int_equal(d1->disk, 1);
    assert_int_equal(d1->first_sector, 2048);
    assert_int_equal(d1->sectors, 4096);
    assert_int_equal(d2->first_sector, 4096);
    assert_int_equal(d2->sectors, 0);
    const void *fdt = dtb_of(&p);
    for (unsigned slot = 0; slot < 4; slot++) {
        char n[64];
        snprintf(n, sizeof(n), "/virtio_mmio@%x", 0x0a000000 + 0x200 * slot);
        int vio = node(fdt, n);
        assert_int_equal(fdt_node_check_compatible(fdt, vio, "virtio,mmio"), 0);
        assert_int_equal(cells64(fdt, vio, "reg", 0), 0x0a000000 + 0x200 * slot);
        assert_int_equal(cells64(fdt, vio, "reg", 1), 0x200);
        assert_int_equal(cell(fdt, vio, "interrupts", 1), 16 + slot);
    }
    assert_true(fdt_path_offset(fdt, "/virtio_mmio@a000800") < 0);

    /* Without --console virtio the first disk takes slot 0. */
    const char *one[] = {"--arch", "arm64",    "--kernel", "@Image", "--disk", "host:7,first=0x10",
                         "-o",     "@out.pkg", NULL};
    build_ok(one, &p);
    assert_int_equal(p.ndevices, 2);
    assert_int_equal(p.devices[0].flags, VM_DEV_F_CONSOLE);
    assert_int_equal(p.devices[1].base, 0x0a000000);
    assert_int_equal(p.devices[1].disk, 7);
    assert_int_equal(p.devices[1].first_sector, 16);
    node(dtb_of(&p), "/virtio_mmio@a000000");

#define FAILS(want, ...)                                                                           \
    do {                                                                                           \
        const char *a_[] = {"--arch",    "arm64", "--kernel", "@Image",                            \
                            __VA_ARGS__, "-o",    "@out.pkg", NULL};                               \
        build_fails(a_, want);                                                                     \
    } while (0)
    FAILS("want host:N", "--disk", "disk.img");
    FAILS("want host:N", "--disk", "host:");
    FAILS("want host:N", "--disk", "host:8");
    FAILS("want host:N", "--disk", "host:-1");
    FAILS("want host:N", "--disk", "host:0x");
    FAILS("'rw'", "--disk", "host:0,rw");
    FAILS("'first=-1'", "--disk", "host:0,first=-1");
    FAILS("'count=0'", "--disk", "host:0,count=0");
    FAILS("'first=18014398509481984'", "--disk", "host:0,first=18014398509481984");
    FAILS("beyond 2^54", "--disk", "host:0,first=9007199254740992,count=9007199254740993");
    FAILS("''", "--disk", "host:0,");
    FAILS("at most 4", "--disk", "host:0", "--disk", "host:1", "--disk", "host:2", "--disk",
          "host:3", "--disk", "host:4");
    FAILS("overlaps an earlier", "--disk", "host:0,first=0,count=100", "--disk",
          "host:0,first=99,ro");
    FAILS("overlaps an earlier", "--disk", "host:2,first=50", "--disk", "host:2,count=51");
#undef FAILS
    assert_false(temp_left());
}

/* --pin: an AFFINITY section with the pinned vCPUs' masks and "any" for
 * the others; no section without --pin. Malformed pins, and pins of vCPUs
 * the VM does not have, are refused. */
static void test_pin(void **state)
{
    (void)state;
    make_image("Image", 4096, 0x80000, 0, 0);
    const char *args[] = {"--arch", "arm64", "--kernel", "@Image", "--cpus",   "3", "--pin",
                          "0=0",    "--pin", "2=1,3",    "-o",     "@out.pkg", NULL};
    struct vm_package p;
    build_ok(args, &p);
    assert_int_equal(p.nvcpus, 3);
    assert_int_equal(p.affinity[0], 1u << 0);
    assert_int_equal(p.affinity[1], VM_PKG_AFF_ANY);
    assert_int_equal(p.affinity[2], (1u << 1) | (1u << 3));

    const char *plain[] = {"--arch", "arm64", "--kernel", "@Image", "--cpus",
                           "2",      "-o",    "@out.pkg", NULL};
    build_ok(plain, &p);
    assert_int_equal(p.affinity[0] | p.affinity[1], 0);

    const char *bad[][2] = {{"2=1", "the VM has 2 vCPU(s)"}, {"0=8", "want VCPU=CPU"},
                            {"0=", "want VCPU=CPU"},         {"x=1", "want VCPU=CPU"},
                            {"0=1,", "want VCPU=CPU"},       {"0=1;2", "want VCPU=CPU"},
                            {"9=1", "want VCPU=CPU"},        {"10=1", "want VCPU=CPU"}};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *a[] = {"--arch", "arm64",   "--kernel", "@Image",   "--cpus", "2",
                           "--pin",  bad[i][0], "-o",       "@out.pkg", NULL};
        build_fails(a, bad[i][1]);
    }
}

/* --slice-us: a SCHED section with the slice; none without the option
 * (armvisor's default). Slices outside 100 us - 1 s, and what is not a
 * whole number, are refused before anything is written. */
static void test_slice(void **state)
{
    (void)state;
    make_image("Image", 4096, 0x80000, 0, 0);
    struct vm_package p;
    const char *given[] = {"--arch",     "arm64", "--kernel", "@Image",   "--cpus", "4",
                           "--slice-us", "1500",  "-o",       "@out.pkg", NULL};
    build_ok(given, &p);
    assert_int_equal(p.slice_us, 1500);
    const char *lowest[] = {"--arch", "arm64", "--kernel", "@Image", "--slice-us",
                            "100",    "-o",    "@out.pkg", NULL};
    build_ok(lowest, &p);
    assert_int_equal(p.slice_us, VM_PKG_SLICE_MIN_US);
    const char *highest[] = {"--arch",  "arm64", "--kernel", "@Image", "--slice-us",
                             "1000000", "-o",    "@out.pkg", NULL};
    build_ok(highest, &p);
    assert_int_equal(p.slice_us, VM_PKG_SLICE_MAX_US);
    const char *plain[] = {"--arch", "arm64", "--kernel", "@Image", "-o", "@out.pkg", NULL};
    build_ok(plain, &p);
    assert_int_equal(p.slice_us, 0);

    const char *bad[] = {"99", "1000001", "0", "-5", "1e3", "", "10ms", "4294967396"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *a[] = {"--arch", "arm64", "--kernel", "@Image", "--slice-us",
                           bad[i],   "-o",    "@out.pkg", NULL};
        build_fails(a, "want 100-1000000 microseconds");
    }
}

static void test_arm_zimage(void **state)
{
    (void)state;
    make_zimage("zImage", 8192, 8000);
    const char *args[] = {"--arch",          "arm", "--kernel", "@zImage", "--cmdline",
                          "console=ttyAMA0", "-o",  "@out.pkg", NULL};
    struct vm_package p;
    build_ok(args, &p);
    assert_int_equal(p.protocol, VM_PKG_BOOT_LINUX_ARM);
    assert_int_equal(p.isa, VM_PKG_ISA_A32);
    assert_int_equal(p.kernel.ipa, RAM_BASE + 0x8000);
    assert_int_equal(p.entry, RAM_BASE + 0x8000);
    assert_null(p.initrd.data);
    assert_int_equal(p.initrd.ipa, 0);
    /* No initrd: the DTB goes where it would, 4 KiB aligned for arm. */
    assert_int_equal(p.dtb.ipa, RAM_BASE + 64 * MiB);
    assert_int_equal(p.regs[0], 0);
    assert_int_equal(p.regs[1], 0xffffffffu);
    assert_int_equal(p.regs[2], p.dtb.ipa);
    const void *fdt = dtb_of(&p);
    check_machine(fdt, 128 * MiB, 1, "arm,cortex-a15", "arm,armv7-timer");
    int chosen = node(fdt, "/chosen");
    assert_string_equal(str_prop(fdt, chosen, "bootargs"), "console=ttyAMA0");
    assert_int_equal(prop_len(fdt, chosen, "linux,initrd-start"), -1);

    /* arm with an initrd: the DTB on the next 4 KiB after it. */
    make_raw("initrd", 5000);
    const char *args2[] = {"--arch",  "arm", "--kernel", "@zImage", "--initrd",
                           "@initrd", "-o",  "@out.pkg", NULL};
    build_ok(args2, &p);
    assert_int_equal(p.initrd.ipa, RAM_BASE + 64 * MiB);
    assert_int_equal(p.dtb.ipa, RAM_BASE + 64 * MiB + 8192);
}

static void test_raw_kernels(void **state)
{
    (void)state;
    make_raw("raw", 3000);
    struct vm_package p;
    /* QEMU's -kernel defaults: a raw arm64 image at RAM base + 0x80000, Linux
     * registers (x0 = DTB). */
    const char *a64[] = {"--arch", "arm64", "--kernel", "@raw", "-o", "@out.pkg", NULL};
    build_ok(a64, &p);
    assert_int_equal(p.protocol, VM_PKG_BOOT_LINUX_ARM64);
    assert_int_equal(p.isa, VM_PKG_ISA_A64);
    assert_int_equal(p.kernel.ipa, RAM_BASE + 0x80000);
    assert_int_equal(p.entry, RAM_BASE + 0x80000);
    assert_int_equal(p.regs[0], p.dtb.ipa);
    assert_int_equal(p.regs[1] | p.regs[2] | p.regs[3], 0);
    assert_int_equal(memcmp(p.kernel.data, "0123456", 7), 0);
    dtb_of(&p);

    /* ... and a raw arm image at RAM base + 0x10000, r0 = 0, r1 = ~0, r2 = DTB. */
    const char *a32[] = {"--arch", "arm", "--kernel", "@raw", "-o", "@out.pkg", NULL};
    build_ok(a32, &p);
    assert_int_equal(p.protocol, VM_PKG_BOOT_LINUX_ARM);
    assert_int_equal(p.isa, VM_PKG_ISA_A32);
    assert_int_equal(p.kernel.ipa, RAM_BASE + 0x10000);
    assert_int_equal(p.entry, RAM_BASE + 0x10000);
    assert_int_equal(p.regs[0], 0);
    assert_int_equal(p.regs[1], 0xffffffffu);
    assert_int_equal(p.regs[2], p.dtb.ipa);

    /* --load-addr, --entry, --protocol raw: registers zero, entered inside. */
    const char *a64_raw[] = {"--arch", "arm64",       "--kernel",   "@raw",    "--protocol",
                             "raw",    "--load-addr", "0x40200000", "--entry", "0x40200040",
                             "-o",     "@out.pkg",    NULL};
    build_ok(a64_raw, &p);
    assert_int_equal(p.protocol, VM_PKG_BOOT_RAW);
    assert_int_equal(p.kernel.ipa, 0x40200000);
    assert_int_equal(p.entry, 0x40200040);
    assert_int_equal(p.regs[0] | p.regs[1] | p.regs[2] | p.regs[3], 0);
    dtb_of(&p); /* built anyway, at its usual place */

    /* The same with the Linux registers, and decimal addresses. */
    const char *a64_lin[] = {"--arch", "arm64",       "--kernel",   "@raw",    "--protocol",
                             "linux",  "--load-addr", "1075838976", "--entry", "1075839040",
                             "-o",     "@out.pkg",    NULL};
    build_ok(a64_lin, &p);
    assert_int_equal(p.protocol, VM_PKG_BOOT_LINUX_ARM64);
    assert_int_equal(p.kernel.ipa, 0x40200000);
    assert_int_equal(p.entry, 0x40200040);
    assert_int_equal(p.regs[0], p.dtb.ipa);

    /* arm: a raw image at the RAM base, raw protocol; a Thumb entry. */
    const char *a32_raw[] = {"--arch",     "arm",      "--kernel",    "@raw",
                             "--protocol", "raw",      "--load-addr", "0x40000000",
                             "-o",         "@out.pkg", NULL};
    build_ok(a32_raw, &p);
    assert_int_equal(p.protocol, VM_PKG_BOOT_RAW);
    assert_int_equal(p.kernel.ipa, RAM_BASE);
    assert_int_equal(p.isa, VM_PKG_ISA_A32);
    const char *t32[] = {"--arch",  "arm",        "--kernel", "@raw",     "--protocol", "raw",
                         "--entry", "0x40010102", "-o",       "@out.pkg", NULL};
    build_ok(t32, &p);
    assert_int_equal(p.isa, VM_PKG_ISA_T32);
    assert_int_equal(p.entry, 0x40010102);

    /* --protocol raw on an Image: where the Image goes, registers zero. */
    make_image("Image", 4096, 0x80000, 0x10000, 0);
    const char *img_raw[] = {"--arch", "arm64", "--kernel", "@Image", "--protocol",
                             "raw",    "-o",    "@out.pkg", NULL};
    build_ok(img_raw, &p);
    assert_int_equal(p.protocol, VM_PKG_BOOT_RAW);
    assert_int_equal(p.kernel.ipa, RAM_BASE + 0x80000);
    assert_int_equal(p.regs[0], 0);
}

/* ---- ELF kernels ------------------------------------------------------------ */

struct seg {
    uint32_t type;
    uint64_t offset, vaddr, paddr, filesz, memsz;
};

/* An ELF file: class 32 or 64, machine, entry, segments; the file data of
 * each segment is filled with its index + 1 (so the flattened image shows
 * where each went). Fields overridable by the callers that break them. */
struct elf_spec {
    unsigned cls, machine, type, data, version;
    uint32_t flags;
    uint64_t entry;
    uint64_t phoff; /* 0: right after the header */
    unsigned phentsize, phnum_override;
    unsigned nseg;
    struct seg seg[4];
    size_t size; /* file size; 0: enough for everything */
};

static struct elf_spec elf64(void)
{
    return (struct elf_spec){
        .cls = 2,
        .machine = 183,
        .type = 2,
        .data = 1,
        .version = 1,
        .entry = 0x40100010,
        .nseg = 2,
        .seg = {{1, 0x1000, 0x40100000, 0x40100000, 0x100, 0x100},
                {1, 0x2000, 0x40102000, 0x40102000, 0x80, 0x1000}},
    };
}

static struct elf_spec elf32(void)
{
    struct elf_spec e = elf64();
    e.cls = 1;
    e.machine = 40;
    return e;
}

static void make_elf(const char *name, const struct elf_spec *e)
{
    bool is64 = e->cls == 2;
    unsigned ehsize = is64 ? 64 : 52, phent = e->phentsize ? e->phentsize : (is64 ? 56 : 32);
    uint64_t phoff = e->phoff ? e->phoff : ehsize;
    size_t size = e->size ? e->size : 0x4000;
    uint8_t *f = calloc(1, size > 0x4000 ? size : 0x4000);
    assert_non_null(f);
    memcpy(f, "\177ELF", 4);
    f[4] = (uint8_t)e->cls;
    f[5] = (uint8_t)e->data;
    f[6] = (uint8_t)e->version;
    f[16] = (uint8_t)e->type;
    f[18] = (uint8_t)e->machine;
    f[19] = (uint8_t)(e->machine >> 8);
    put_le32(f + 20, e->version);
    unsigned phnum = e->phnum_override ? e->phnum_override : e->nseg;
    if (is64) {
        put_le64(f + 24, e->entry);
        put_le64(f + 32, phoff);
        put_le32(f + 48, e->flags);
        f[52] = (uint8_t)ehsize;
        f[54] = (uint8_t)phent;
        f[56] = (uint8_t)phnum;
        f[57] = (uint8_t)(phnum >> 8);
    } else {
        put_le32(f + 24, (uint32_t)e->entry);
        put_le32(f + 28, (uint32_t)phoff);
        put_le32(f + 36, e->flags);
        f[40] = (uint8_t)ehsize;
        f[42] = (uint8_t)phent;
        f[44] = (uint8_t)phnum;
        f[45] = (uint8_t)(phnum >> 8);
    }
    for (unsigned i = 0; i < e->nseg && phoff < 0x1000 && phoff + (i + 1) * phent <= 0x1000; i++) {
        uint8_t *ph = f + phoff + i * phent;
        const struct seg *s = &e->seg[i];
        put_le32(ph, s->type);
        if (is64) {
            put_le64(ph + 8, s->offset);
            put_le64(ph + 16, s->vaddr);
            put_le64(ph + 24, s->paddr);
            put_le64(ph + 32, s->filesz);
            put_le64(ph + 40, s->memsz);
        } else {
            put_le32(ph + 4, (uint32_t)s->offset);
            put_le32(ph + 8, (uint32_t)s->vaddr);
            put_le32(ph + 12, (uint32_t)s->paddr);
            put_le32(ph + 16, (uint32_t)s->filesz);
            put_le32(ph + 20, (uint32_t)s->memsz);
        }
        if (s->offset < 0x4000 && s->filesz <= 0x4000 - s->offset)
            memset(f + s->offset, i + 1, s->filesz);
    }
    write_bytes(name, f, size);
    free(f);
}

/* The flattened image: segment 0's bytes, a zero gap, segment 1's file
 * bytes, then zeros to its memsz. */
static void check_flat(const struct vm_package *p)
{
    assert_int_equal(p->kernel.ipa, 0x40100000);
    assert_int_equal(p->kernel.size, 0x3000);
    const uint8_t *k = p->kernel.data;
    assert_true(k[0] == 1 && k[0xff] == 1 && k[0x100] == 0 && k[0x1fff] == 0);
    assert_true(k[0x2000] == 2 && k[0x207f] == 2 && k[0x2080] == 0 && k[0x2fff] == 0);
}

static void test_elf_kernels(void **state)
{
    (void)state;
    struct vm_package p;
    struct elf_spec e = elf64();
    make_elf("k64.elf", &e);
    /* QEMU's default for an ELF: at its program headers, registers zero. */
    const char *a64[] = {"--arch", "arm64", "--kernel", "@k64.elf", "-o", "@out.pkg", NULL};
    build_ok(a64, &p);
    check_flat(&p);
    assert_int_equal(p.protocol, VM_PKG_BOOT_RAW);
    assert_int_equal(p.isa, VM_PKG_ISA_A64);
    assert_int_equal(p.entry, 0x40100010);
    assert_int_equal(p.regs[0] | p.regs[1] | p.regs[2] | p.regs[3], 0);
    assert_true(p.dtb.ipa >= 0x40103000);
    /* --protocol linux: x0 = DTB. */
    const char *a64l[] = {"--arch", "arm64", "--kernel", "@k64.elf", "--protocol",
                          "linux",  "-o",    "@out.pkg", NULL};
    build_ok(a64l, &p);
    check_flat(&p);
    assert_int_equal(p.protocol, VM_PKG_BOOT_LINUX_ARM64);
    assert_int_equal(p.regs[0], p.dtb.ipa);

    /* The entry is virtual: in a segment linked with vaddr != paddr it moves
     * with the segment; non-PT_LOAD headers and empty segments are skipped. */
    e.seg[0].vaddr = 0xffff000000100000ull;
    e.entry = 0xffff000000100020ull;
    e.nseg = 4;
    e.seg[2] = (struct seg){4, 0x3000, 0, 0, 0x10, 0x10}; /* PT_NOTE */
    e.seg[3] = (struct seg){1, 0x3000, 0x50000000, 0x50000000, 0, 0};
    make_elf("k64.elf", &e);
    build_ok(a64, &p);
    check_flat(&p);
    assert_int_equal(p.entry, 0x40100020);

    /* AArch32: the same, with the Linux arm registers on request; bit 0 of
     * the entry selects Thumb. */
    e = elf32();
    make_elf("k32.elf", &e);
    const char *a32[] = {"--arch", "arm", "--kernel", "@k32.elf", "-o", "@out.pkg", NULL};
    build_ok(a32, &p);
    check_flat(&p);
    assert_int_equal(p.protocol, VM_PKG_BOOT_RAW);
    assert_int_equal(p.isa, VM_PKG_ISA_A32);
    const char *a32l[] = {"--arch", "arm", "--kernel", "@k32.elf", "--protocol",
                          "linux",  "-o",  "@out.pkg", NULL};
    build_ok(a32l, &p);
    assert_int_equal(p.protocol, VM_PKG_BOOT_LINUX_ARM);
    assert_int_equal(p.entry, 0x40100010);
    assert_int_equal(p.regs[1], 0xffffffffu);
    assert_int_equal(p.regs[2], p.dtb.ipa);
    e.entry = 0x40100011;
    make_elf("k32.elf", &e);
    build_ok(a32, &p);
    assert_int_equal(p.isa, VM_PKG_ISA_T32);
    assert_int_equal(p.entry, 0x40100010);
    build_fails(a32l, "Thumb");
}

/* Malformed ELF files: each breaks one thing and must be refused with a
 * sentence naming it, never crash the loader or write a package. */
static void test_bad_elf(void **state)
{
    (void)state;
#define BAD(base, arch, stmt, want)                                                                \
    do {                                                                                           \
        struct elf_spec e = base();                                                                \
        stmt;                                                                                      \
        make_elf("bad.elf", &e);                                                                   \
        const char *a_[] = {"--arch", arch, "--kernel", "@bad.elf", "-o", "@out.pkg", NULL};       \
        build_fails(a_, want);                                                                     \
    } while (0)
    BAD(elf64, "arm64", e.size = 12, "truncated");
    BAD(elf64, "arm64", e.size = 40, "truncated");
    BAD(elf32, "arm", e.size = 50, "truncated");
    BAD(elf64, "arm64", e.cls = 3, "unknown class");
    BAD(elf64, "arm64", e.data = 2, "little-endian");
    BAD(elf64, "arm64", e.version = 0, "ELF version");
    BAD(elf64, "arm64", e.machine = 40, "AArch64");
    BAD(elf32, "arm64", (void)0, "AArch64");
    BAD(elf64, "arm", (void)0, "ARM executable");
    BAD(elf32, "arm", e.machine = 183, "ARM executable");
    BAD(elf32, "arm", e.flags = 0x00800000, "BE-8");
    BAD(elf64, "arm64", e.type = 3, "not an executable");
    BAD(elf64, "arm64", e.nseg = 0, "program headers");
    BAD(elf64, "arm64", e.phnum_override = 0xffff, "program headers");
    BAD(elf64, "arm64", e.phnum_override = 300, "program headers");
    BAD(elf64, "arm64", e.phentsize = 40, "e_phentsize");
    BAD(elf64, "arm64", e.phoff = 0x3ff0, "outside the file");
    BAD(elf64, "arm64", e.phoff = ~0ull - 8, "outside the file");
    BAD(elf32, "arm", e.phoff = 0xfffffff0u, "outside the file");
    BAD(elf64, "arm64", e.seg[1].filesz = 0x2000, "more file bytes");
    BAD(elf64, "arm64", e.seg[1].offset = 0x3fc0, "outside the file");
    BAD(elf64, "arm64", e.seg[1].offset = ~0ull, "outside the file");
    BAD(elf64, "arm64", (e.seg[1].filesz = ~0ull, e.seg[1].memsz = ~0ull), "outside the file");
    BAD(elf64, "arm64", e.seg[1].paddr = 0x3ff00000, "not inside guest RAM");
    BAD(elf64, "arm64", e.seg[1].paddr = 0x48000000, "not inside guest RAM");
    BAD(elf64, "arm64", e.seg[1].memsz = ~0ull - 0x40000000, "not inside guest RAM");
    BAD(elf32, "arm", e.seg[1].memsz = 0xffffffffu, "not inside guest RAM");
    BAD(elf64, "arm64", e.seg[1].paddr = 0x40100080, "overlaps");
    BAD(elf64, "arm64", (e.seg[0].type = 6, e.seg[1].type = 6), "nothing to load");
    BAD(elf64, "arm64", (e.seg[1].memsz = e.seg[1].filesz = 0, e.entry = 0x40102000),
        "outside its segments");
    BAD(elf64, "arm64", e.entry = 0x40103000, "outside its segments");
    BAD(elf64, "arm64", e.entry = 0x40000000, "outside its segments");
#undef BAD
    /* --load-addr / --entry are for raw images. */
    struct elf_spec e = elf64();
    make_elf("k.elf", &e);
    const char *la[] = {"--arch",     "arm64", "--kernel", "@k.elf", "--load-addr",
                        "0x40000000", "-o",    "@out.pkg", NULL};
    build_fails(la, "raw images");
    make_image("Image", 4096, 0x80000, 0x10000, 0);
    const char *ie[] = {"--arch",     "arm64", "--kernel", "@Image", "--entry",
                        "0x40080000", "-o",    "@out.pkg", NULL};
    build_fails(ie, "raw images");
}

static void test_bad_inputs(void **state)
{
    (void)state;
    make_raw("raw", 3000);
    make_image("Image", 4096, 0x80000, 0x10000, 0);
    make_zimage("zImage", 8192, 8000);
    write_bytes("empty", "", 0);

#define FAILS(want, ...)                                                                           \
    do {                                                                                           \
        const char *a_[] = {__VA_ARGS__, NULL};                                                    \
        build_fails(a_, want);                                                                     \
    } while (0)
    FAILS("cannot open the kernel", "--arch", "arm64", "--kernel", "@nope", "-o", "@out.pkg");
    FAILS("cannot open the initrd", "--arch", "arm64", "--kernel", "@raw", "--initrd", "@nope",
          "-o", "@out.pkg");
    FAILS("kernel", "--arch", "arm64", "--kernel", "@empty", "-o", "@out.pkg");
    FAILS("is empty", "--arch", "arm64", "--kernel", "@raw", "--initrd", "@empty", "-o",
          "@out.pkg");
    FAILS("use --arch arm", "--arch", "arm64", "--kernel", "@zImage", "-o", "@out.pkg");
    FAILS("use --arch arm64", "--arch", "arm", "--kernel", "@Image", "-o", "@out.pkg");
    FAILS("--load-addr 0x3ff00000", "--arch", "arm64", "--kernel", "@raw", "--load-addr",
          "0x3ff00000", "-o", "@out.pkg");
    FAILS("--load-addr 0x40000002", "--arch", "arm64", "--kernel", "@raw", "--load-addr",
          "0x40000002", "-o", "@out.pkg");
    FAILS("--load-addr 0x48000000", "--arch", "arm64", "--kernel", "@raw", "--load-addr",
          "0x48000000", "-o", "@out.pkg");
    FAILS("--load-addr 12z", "--arch", "arm64", "--kernel", "@raw", "--load-addr", "12z", "-o",
          "@out.pkg");
    FAILS("--load-addr 0x1ffffffffffffffff", "--arch", "arm64", "--kernel", "@raw", "--load-addr",
          "0x1ffffffffffffffff", "-o", "@out.pkg");
    FAILS("--entry -4", "--arch", "arm64", "--kernel", "@raw", "--entry", "-4", "-o", "@out.pkg");
    FAILS("--entry 0x40000000", "--arch", "arm64", "--kernel", "@raw", "--entry", "0x40000000",
          "-o", "@out.pkg");
    FAILS("--entry 0x40080bb8", "--arch", "arm64", "--kernel", "@raw", "--entry", "0x40080bb8",
          "-o", "@out.pkg");
    FAILS("--entry 0x40080002", "--arch", "arm64", "--kernel", "@raw", "--entry", "0x40080002",
          "-o", "@out.pkg");
    FAILS("--entry 0x40010001", "--arch", "arm", "--kernel", "@raw", "--entry", "0x40010001", "-o",
          "@out.pkg");
    /* A raw image past the first 128 MiB cannot take the Linux arm protocol. */
    FAILS("first 128 MiB", "--arch", "arm", "--kernel", "@raw", "--ram", "256", "--load-addr",
          "0x48000000", "-o", "@out.pkg");
    FAILS("want raw or linux", "--arch", "arm64", "--kernel", "@raw", "--protocol", "efi", "-o",
          "@out.pkg");
    FAILS("want arm64 or arm", "--arch", "x86", "--kernel", "@raw", "-o", "@out.pkg");
    FAILS("--cpus 0", "--arch", "arm64", "--kernel", "@raw", "--cpus", "0", "-o", "@out.pkg");
    FAILS("--cpus 9", "--arch", "arm64", "--kernel", "@raw", "--cpus", "9", "-o", "@out.pkg");
    FAILS("--ram 0", "--arch", "arm64", "--kernel", "@raw", "--ram", "0", "-o", "@out.pkg");
    FAILS("--ram 12x", "--arch", "arm64", "--kernel", "@raw", "--ram", "12x", "-o", "@out.pkg");
    FAILS("--ram -5", "--arch", "arm64", "--kernel", "@raw", "--ram", "-5", "-o", "@out.pkg");
    FAILS("--ram 99999999999", "--arch", "arm64", "--kernel", "@raw", "--ram", "99999999999", "-o",
          "@out.pkg");
    FAILS("--name", "--arch", "arm64", "--kernel", "@raw", "--name",
          "a-name-that-is-longer-than-31-chars", "-o", "@out.pkg");
    FAILS("--name", "--arch", "arm64", "--kernel", "@raw", "--name", "", "-o", "@out.pkg");
    FAILS("--console", "--arch", "arm64", "--kernel", "@raw", "--console", "ttyS0", "-o",
          "@out.pkg");
    FAILS("required", "--arch", "arm64", "--kernel", "@raw");
    FAILS("usage", "--arch", "arm64", "--kernel", "@raw", "--bogus", "-o", "@out.pkg");
    FAILS("unexpected argument", "--arch", "arm64", "--kernel", "@raw", "-o", "@out.pkg", "extra");

    /* A kernel whose image_size is bigger than RAM. */
    make_image("Image", 4096, 0, 3 * MiB, 0);
    FAILS("does not fit", "--arch", "arm64", "--kernel", "@Image", "--ram", "2", "-o", "@out.pkg");
    /* Kernel fits, DTB does not (2 MiB aligned after a 3 MiB kernel in 4). */
    FAILS("no room for the", "--arch", "arm64", "--kernel", "@Image", "--ram", "4", "-o",
          "@out.pkg");
    /* initrd too big for RAM. */
    make_raw("big", 3 * MiB);
    FAILS("initrd", "--arch", "arm64", "--kernel", "@raw", "--initrd", "@big", "--ram", "4", "-o",
          "@out.pkg");
    /* Big-endian Image, odd text_offset, truncated zImage. */
    make_image("Image", 4096, 0x80000, 0x10000, 1);
    FAILS("big-endian", "--arch", "arm64", "--kernel", "@Image", "-o", "@out.pkg");
    make_image("Image", 4096, 0x80010, 0x10000, 0);
    FAILS("text_offset", "--arch", "arm64", "--kernel", "@Image", "-o", "@out.pkg");
    make_zimage("zImage", 8192, 9000);
    FAILS("truncated", "--arch", "arm", "--kernel", "@zImage", "-o", "@out.pkg");
    /* A command line longer than the kernel's buffer. */
    static char longline[3000];
    memset(longline, 'x', sizeof(longline) - 1);
    FAILS("--cmdline", "--arch", "arm64", "--kernel", "@raw", "--cmdline", longline, "-o",
          "@out.pkg");
    /* An output path that cannot be created. */
    FAILS("cannot create", "--arch", "arm64", "--kernel", "@raw", "-o", "@no/such/dir/x.pkg");
    /* Kernels cut inside their header: the magic is there, the header is not. */
    make_image("Image", 4096, 0x80000, 0x10000, 0);
    {
        char p[600];
        path(p, sizeof(p), "Image");
        assert_int_equal(truncate(p, ARM64_IMAGE_MAGIC_OFF + 4), 0);
    }
    FAILS("truncated", "--arch", "arm64", "--kernel", "@Image", "-o", "@out.pkg");
    FAILS("truncated", "--arch", "arm", "--kernel", "@Image", "-o", "@out.pkg");
    {
        uint8_t z[ZIMAGE_END_OFF + 2] = {0};
        put_le32(z + ZIMAGE_MAGIC_OFF, ZIMAGE_MAGIC);
        write_bytes("zImage", z, ZIMAGE_MAGIC_OFF + 4);
        FAILS("truncated", "--arch", "arm", "--kernel", "@zImage", "-o", "@out.pkg");
        write_bytes("zImage", z, sizeof(z));
        FAILS("truncated", "--arch", "arm64", "--kernel", "@zImage", "-o", "@out.pkg");
    }
    assert_false(temp_left());
#undef FAILS
}

/* The output is written beside its path and renamed into place: a failed
 * write leaves what was there, and nothing that is not a regular file is
 * replaced or removed. */
static void test_output_replaced_atomically(void **state)
{
    (void)state;
    make_raw("raw", 3000);
    write_bytes("keep.pkg", "old contents", 12);
    fsize_limit = 1024; /* the package is bigger: its write fails */
    const char *args[] = {"--arch", "arm64", "--kernel", "@raw", "-o", "@keep.pkg", NULL};
    int rc = run(args);
    fsize_limit = 0;
    if (rc == 0 || !strstr(err_text, "cannot write"))
        fail_msg("expected a write failure, got %d: %s", rc, err_text);
    load_output("keep.pkg");
    assert_int_equal(pkg_size, 12);
    assert_memory_equal(pkg_data, "old contents", 12);
    assert_false(temp_left());

    /* The same run without the limit replaces it. */
    assert_int_equal(run(args), 0);
    load_output("keep.pkg");
    assert_true(pkg_size > 3000);
    assert_false(temp_left());

    /* A FIFO and a directory at the output path: refused, left in place. */
    char p[600];
    path(p, sizeof(p), "fifo");
    assert_int_equal(mkfifo(p, 0600), 0);
    const char *to_fifo[] = {"--arch", "arm64", "--kernel", "@raw", "-o", "@fifo", NULL};
    rc = run(to_fifo);
    if (rc == 0 || !strstr(err_text, "not a regular file"))
        fail_msg("expected a refusal, got %d: %s", rc, err_text);
    struct stat sb;
    assert_int_equal(stat(p, &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));
    path(p, sizeof(p), "subdir");
    assert_int_equal(mkdir(p, 0700), 0);
    const char *to_dir[] = {"--arch", "arm64", "--kernel", "@raw", "-o", "@subdir", NULL};
    rc = run(to_dir);
    if (rc == 0 || !strstr(err_text, "not a regular file"))
        fail_msg("expected a refusal, got %d: %s", rc, err_text);
    assert_int_equal(stat(p, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    assert_false(temp_left());
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s <armvisor-loader> <scratch dir>\n", argv[0]);
        return 2;
    }
    loader = argv[1];
    snprintf(dir, sizeof(dir), "%s/loader-test-XXXXXX", argv[2]);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arm64_image_with_initrd),
        cmocka_unit_test(test_arm64_small_ram_and_old_image),
        cmocka_unit_test(test_arm_zimage),
        cmocka_unit_test(test_console_virtio),
        cmocka_unit_test(test_disks),
        cmocka_unit_test(test_pin),
        cmocka_unit_test(test_slice),
        cmocka_unit_test(test_raw_kernels),
        cmocka_unit_test(test_elf_kernels),
        cmocka_unit_test(test_bad_elf),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_output_replaced_atomically),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(pkg_data);
    if (rc == 0) { /* keep the files of a failed run for a look */
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
    }
    return rc;
}
