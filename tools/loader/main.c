/*
 * armvisor-loader --arch arm64|arm --kernel FILE [--initrd FILE] [--ram MiB]
 *                 [--cpus N] [--cmdline STR] [--protocol raw|linux]
 *                 [--load-addr ADDR] [--entry ADDR] [--name NAME]
 *                 [--console pl011|virtio] [--disk host:N[,ro][,first=S][,count=C]]...
 *                 [--pin VCPU=CPU[,CPU...]]... [--slice-us N] -o OUT
 *
 * Reads the kernel (and initrd), decides where everything goes, builds the
 * guest DTB and writes the VM package. Every bad input stops it with one
 * line on stderr and status 1 (2 for a bad command line).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"

#define RAM_DEFAULT_MIB 128u
/* RAM must end inside the 40-bit IPA space the package allows. */
#define RAM_MAX_MIB ((VM_PKG_IPA_LIMIT - VIRT_RAM_BASE) >> 20)
/* Files we read: nothing a guest image needs is bigger. */
#define FILE_MAX (1ull << 30)

void loader_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("armvisor-loader: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void usage(FILE *f)
{
    fputs("usage: armvisor-loader --arch arm64|arm --kernel FILE [--initrd FILE] [--ram MiB]\n"
          "                       [--cpus N] [--cmdline STR] [--protocol raw|linux]\n"
          "                       [--load-addr ADDR] [--entry ADDR] [--name NAME]\n"
          "                       [--console pl011|virtio]\n"
          "                       [--disk host:N[,ro][,first=SECTOR][,count=SECTORS]]...\n"
          "                       [--pin VCPU=CPU[,CPU...]]... [--slice-us N] -o OUT\n"
          "Writes a VM package for armvisor (pass it to QEMU as -initrd).\n"
          "  --arch      guest architecture: arm64 (A64) or arm (A32)\n"
          "  --kernel    ELF (loaded at its program headers), arm64 Image, ARM zImage, or a\n"
          "              raw image (at RAM base + 0x80000 on arm64, + 0x10000 on arm)\n"
          "  --initrd    initial ramdisk, described in /chosen\n"
          "  --ram       guest RAM in MiB at 0x40000000 (default 128)\n"
          "  --cpus      vCPUs in the DTB, 1-8 (default 1; vCPU 0 starts, the guest starts the\n"
          "              others with PSCI CPU_ON)\n"
          "  --cmdline   /chosen bootargs\n"
          "  --protocol  linux: x0 / r2 = DTB address; raw: registers zero\n"
          "              (default: raw for an ELF file, linux for anything else)\n"
          "  --load-addr where a raw image goes (guest physical address, 0x... or decimal)\n"
          "  --entry     where a raw image is entered (default: its first byte)\n"
          "  --name      VM name, 1-31 printable characters (default: guest)\n"
          "  --console   the device typed input goes to: pl011 (ttyAMA0, default) or\n"
          "              virtio (a virtio-console, hvc0, at 0x0a000000; the PL011 stays)\n"
          "  --disk      a virtio-blk on the host's disk N (0-7, as armvisor finds them), from\n"
          "              SECTOR (default 0) for SECTORS (default: to its end), ro: read-only;\n"
          "              up to 4, in the virtio-mmio slots after the console's\n"
          "  --pin       vCPU VCPU runs only on physical CPUs CPU,... (0-7; repeatable; vCPUs\n"
          "              not pinned run on any CPU)\n"
          "  --slice-us  the VM's scheduler time slice in microseconds, 100-1000000 (default:\n"
          "              armvisor's, 10000): how long a vCPU runs before another waiting\n"
          "              for the same physical CPU gets it\n",
          f);
}

static int read_file(const char *path, const char *what, struct file_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        loader_error("cannot open the %s %s: %s", what, path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            loader_error("out of memory reading %s", path);
            fclose(f);
            return -1;
        }
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap)
            break;
        if (cap >= FILE_MAX) {
            loader_error("the %s %s is larger than 1 GiB", what, path);
            free(buf);
            fclose(f);
            return -1;
        }
        cap *= 2;
        uint8_t *nb = realloc(buf, cap);
        if (!nb)
            free(buf);
        buf = nb;
    }
    if (ferror(f)) {
        loader_error("cannot read the %s %s: %s", what, path, strerror(errno));
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    if (len == 0) {
        loader_error("the %s %s is empty", what, path);
        free(buf);
        return -1;
    }
    out->data = buf;
    out->size = len;
    return 0;
}

/*
 * Write the package to a new file next to path and rename it into place, so a
 * failed write leaves whatever was at path untouched, and only the file this
 * run created is ever removed. An existing path that is not a regular file
 * (a device node, a directory, a FIFO) is refused rather than replaced.
 */
static int write_file(const char *path, const struct file_buf *b)
{
    struct stat sb;
    if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        loader_error("%s exists and is not a regular file; not replacing it", path);
        return -1;
    }
    size_t n = strlen(path);
    char *tmp = malloc(n + sizeof(".tmp-XXXXXX"));
    if (!tmp) {
        loader_error("out of memory");
        return -1;
    }
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp-XXXXXX", sizeof(".tmp-XXXXXX"));
    int fd = mkstemp(tmp);
    if (fd < 0) {
        loader_error("cannot create %s: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    /* mkstemp makes it 0600; give it the mode a plain create would have. */
    mode_t mask = umask(0);
    umask(mask);
    bool ok = fchmod(fd, 0666 & ~mask) == 0;
    FILE *f = ok ? fdopen(fd, "wb") : NULL;
    int err = errno;
    if (f) {
        ok = fwrite(b->data, 1, b->size, f) == b->size;
        err = errno;
        if (fclose(f) != 0 && ok) {
            ok = false;
            err = errno;
        }
    } else {
        ok = false;
        close(fd);
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        loader_error("cannot write %s: %s", path, strerror(err));
        unlink(tmp); /* ours: mkstemp created it */
    }
    free(tmp);
    return ok ? 0 : -1;
}

/* A whole decimal number in [min, max]. */
static bool parse_uint(const char *s, unsigned long long min, unsigned long long max,
                       unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* A whole number (0x hexadecimal or decimal) that fits 64 bits. */
static bool parse_addr(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return false;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static bool name_ok(const char *n)
{
    size_t len = strlen(n);
    if (len == 0 || len >= VM_PKG_NAME_LEN)
        return false;
    for (size_t i = 0; i < len; i++)
        if (n[i] < 0x20 || n[i] > 0x7e)
            return false;
    return true;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"arch", required_argument, NULL, 'a'},
        {"kernel", required_argument, NULL, 'k'},
        {"initrd", required_argument, NULL, 'i'},
        {"ram", required_argument, NULL, 'r'},
        {"cpus", required_argument, NULL, 'c'},
        {"cmdline", required_argument, NULL, 'l'},
        {"protocol", required_argument, NULL, 'p'},
        {"name", required_argument, NULL, 'n'},
        {"load-addr", required_argument, NULL, 'L'},
        {"entry", required_argument, NULL, 'e'},
        {"console", required_argument, NULL, 'C'},
        {"disk", required_argument, NULL, 'D'},
        {"pin", required_argument, NULL, 'P'},
        {"slice-us", required_argument, NULL, 'S'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *arch = NULL, *kernel_path = NULL, *initrd_path = NULL, *out_path = NULL;
    const char *protocol = NULL;
    struct vm_plan plan = {.name = "guest", .ncpus = 1, .ram_base = VIRT_RAM_BASE};
    struct kernel_opts kopts = {.protocol = KERNEL_PROTO_DEFAULT};
    unsigned long long ram_mib = RAM_DEFAULT_MIB, v;
    int opt;
    while ((opt = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'a':
            arch = optarg;
            break;
        case 'k':
            kernel_path = optarg;
            break;
        case 'i':
            initrd_path = optarg;
            break;
        case 'r':
            if (!parse_uint(optarg, 1, RAM_MAX_MIB, &ram_mib)) {
                loader_error("--ram %s: want a whole number of MiB, 1-%llu", optarg,
                             (unsigned long long)RAM_MAX_MIB);
                return 2;
            }
            break;
        case 'c':
            if (!parse_uint(optarg, 1, VM_PKG_MAX_VCPUS, &v)) {
                loader_error("--cpus %s: want 1-%u", optarg, VM_PKG_MAX_VCPUS);
                return 2;
            }
            plan.ncpus = (unsigned)v;
            break;
        case 'l':
            plan.cmdline = optarg;
            break;
        case 'p':
            protocol = optarg;
            break;
        case 'n':
            plan.name = optarg;
            break;
        case 'C':
            if (strcmp(optarg, "pl011") == 0) {
                plan.console = VM_PKG_CONSOLE_PL011;
            } else if (strcmp(optarg, "virtio") == 0) {
                plan.console = VM_PKG_CONSOLE_VIRTIO;
            } else {
                loader_error("--console %s: want pl011 or virtio", optarg);
                return 2;
            }
            break;
        case 'D':
            if (disk_option(&plan, optarg) != 0)
                return 2;
            break;
        case 'P': {
            unsigned vcpu;
            uint32_t mask;
            if (!pin_parse(optarg, &vcpu, &mask)) {
                loader_error("--pin %s: want VCPU=CPU[,CPU...] with vCPU and CPUs 0-%u", optarg,
                             VM_PKG_MAX_CPUS - 1);
                return 2;
            }
            plan.pin[vcpu] = mask;
            break;
        }
        case 'S':
            if (!parse_uint(optarg, VM_PKG_SLICE_MIN_US, VM_PKG_SLICE_MAX_US, &v)) {
                loader_error("--slice-us %s: want %u-%u microseconds", optarg, VM_PKG_SLICE_MIN_US,
                             VM_PKG_SLICE_MAX_US);
                return 2;
            }
            plan.slice_us = (uint32_t)v;
            break;
        case 'o':
            out_path = optarg;
            break;
        case 'L':
            if (!parse_addr(optarg, &kopts.load_addr)) {
                loader_error("--load-addr %s: want an address (0x... or decimal)", optarg);
                return 2;
            }
            kopts.has_load_addr = true;
            break;
        case 'e':
            if (!parse_addr(optarg, &kopts.entry)) {
                loader_error("--entry %s: want an address (0x... or decimal)", optarg);
                return 2;
            }
            kopts.has_entry = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        loader_error("unexpected argument '%s'", argv[optind]);
        return 2;
    }
    if (!arch || !kernel_path || !out_path) {
        loader_error("--arch, --kernel and -o are required");
        usage(stderr);
        return 2;
    }
    if (strcmp(arch, "arm64") == 0) {
        plan.arch = LOADER_ARM64;
    } else if (strcmp(arch, "arm") == 0) {
        plan.arch = LOADER_ARM;
    } else {
        loader_error("--arch %s: want arm64 or arm", arch);
        return 2;
    }
    if (protocol) {
        bool want_linux = strcmp(protocol, "linux") == 0;
        bool want_raw = strcmp(protocol, "raw") == 0;
        kopts.protocol = want_linux ? KERNEL_PROTO_LINUX : KERNEL_PROTO_RAW;
        if (!want_linux && !want_raw) {
            loader_error("--protocol %s: want raw or linux", protocol);
            return 2;
        }
    }
    if (!name_ok(plan.name)) {
        loader_error("--name: want 1-%u printable characters", VM_PKG_NAME_LEN - 1);
        return 2;
    }
    if (plan.cmdline && strlen(plan.cmdline) >= LOADER_MAX_CMDLINE) {
        loader_error("--cmdline is longer than %u bytes", LOADER_MAX_CMDLINE - 1);
        return 2;
    }
    plan.ram_size = ram_mib << 20;
    devices_plan(&plan);
    for (unsigned i = plan.ncpus; i < VM_PKG_MAX_VCPUS; i++) {
        if (plan.pin[i]) {
            loader_error("--pin %u=...: the VM has %u vCPU(s) (--cpus)", i, plan.ncpus);
            return 2;
        }
    }

    struct file_buf kernel = {0}, initrd = {0}, dtb = {0}, pkg = {0};
    int rc = 1;
    if (read_file(kernel_path, "kernel", &kernel) != 0)
        goto out;
    if (initrd_path && read_file(initrd_path, "initrd", &initrd) != 0)
        goto out;
    plan.initrd_size = initrd.size;
    if (kernel_plan(&plan, &kernel, &kopts) != 0 || layout_plan(&plan) != 0 ||
        guest_dtb_build(&plan, &dtb) != 0)
        goto out;
    if (plan.dtb_ipa + dtb.size > plan.ram_base + plan.ram_size) {
        loader_error("no room for the %zu-byte DTB at 0x%llx in %llu MiB of RAM", dtb.size,
                     (unsigned long long)plan.dtb_ipa, ram_mib);
        goto out;
    }
    if (package_build(&plan, &kernel, &initrd, &dtb, &pkg) != 0 || write_file(out_path, &pkg) != 0)
        goto out;
    printf("%s: %s %s kernel at 0x%llx, entry 0x%llx, %s boot", out_path,
           plan.kind == KERNEL_ARM64_IMAGE ? "arm64 Image"
           : plan.kind == KERNEL_ZIMAGE    ? "zImage"
           : plan.kind == KERNEL_ELF       ? "ELF"
                                           : "raw",
           vm_package_isa_name(plan.isa), (unsigned long long)plan.kernel_ipa,
           (unsigned long long)plan.entry, vm_package_protocol_name(plan.protocol));
    if (initrd.size)
        printf(", initrd at 0x%llx", (unsigned long long)plan.initrd_ipa);
    printf(", DTB at 0x%llx (%zu bytes), %llu MiB RAM, %u vCPU(s), %u device(s)",
           (unsigned long long)plan.dtb_ipa, dtb.size, ram_mib, plan.ncpus, plan.ndevices);
    if (plan.slice_us)
        printf(", %u us time slices", plan.slice_us);
    printf(", %zu bytes\n", pkg.size);
    rc = 0;
out:
    free(kernel.data);
    free(initrd.data);
    free(dtb.data);
    free(pkg.data);
    return rc;
}
