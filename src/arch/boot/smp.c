/*
 * Secondary CPUs (smp.h): the index <-> MPIDR table and the bring-up of
 * every CPU the DTB lists with PSCI CPU_ON (Arm DEN0022D 5.6). Each CPU is
 * started and waited for before the next, so the log stays in order and a
 * CPU that never arrives is named.
 */
#include "arch/boot/smp.h"

#include "arch/arch.h"
#include "core/pcpu.h"
#include "lib/log.h"

/* How long a started CPU has to come online (counter time; under QEMU's
 * -icount this is instructions, shared by every CPU). */
#define SMP_ONLINE_TIMEOUT_MS 2000u

_Static_assert(BOOT_MAX_CPUS == PCPU_MAX, "one CPU limit for the DTB and the core");

/* cpu_mpidr[i]: MPIDR affinity of CPU index i; written by the boot CPU
 * before it starts CPU i, read-only afterwards. */
static uint64_t cpu_mpidr[PCPU_MAX];
static unsigned ncpus_known; /* entries of cpu_mpidr filled (0: not yet) */
static unsigned ncpus_online = 1;

/* A function one CPU asked another to run (boot_smp_call). */
struct smp_job {
    void (*fn)(void *);
    void *arg;
    bool done;
};
static struct smp_job *jobs[PCPU_MAX]; /* posted for CPU i; atomics */

bool boot_smp_call(unsigned cpu, void (*fn)(void *), void *arg)
{
    if (cpu >= PCPU_MAX || cpu == arch_cpu_id() ||
        !__atomic_load_n(&pcpu_of(cpu)->online, __ATOMIC_ACQUIRE))
        return false;
    struct smp_job job = {.fn = fn, .arg = arg};
    for (;;) {
        struct smp_job *none = NULL;
        if (__atomic_compare_exchange_n(&jobs[cpu], &none, &job, false, __ATOMIC_RELEASE,
                                        __ATOMIC_RELAXED))
            break;
        arch_cpu_wait_event(); /* another CPU's job first */
    }
    arch_cpu_kick(cpu);
    while (!__atomic_load_n(&job.done, __ATOMIC_ACQUIRE))
        arch_cpu_wait_event();
    return true;
}

void boot_smp_service(void)
{
    unsigned me = arch_cpu_id();
    struct smp_job *job = __atomic_load_n(&jobs[me], __ATOMIC_ACQUIRE);
    if (job) {
        /* Taken before it runs: a wait inside fn services again. */
        __atomic_store_n(&jobs[me], NULL, __ATOMIC_RELAXED);
        job->fn(job->arg);
        __atomic_store_n(&job->done, true, __ATOMIC_RELEASE);
        arch_cpu_send_event();
    }
    boot_smp_lazy_service();
}

int boot_cpu_index(uint64_t mpidr)
{
    unsigned n = __atomic_load_n(&ncpus_known, __ATOMIC_ACQUIRE);
    if (n == 0)
        return 0; /* only the boot CPU runs before boot_smp_start */
    for (unsigned i = 0; i < n; i++)
        if (cpu_mpidr[i] == (mpidr & SMP_MPIDR_AFF_MASK))
            return (int)i;
    return -1;
}

unsigned boot_cpus_online(void)
{
    return __atomic_load_n(&ncpus_online, __ATOMIC_ACQUIRE);
}

static const char *psci_error(int32_t rc)
{
    switch (rc) {
    case SMP_PSCI_NOT_SUPPORTED:
        return "NOT_SUPPORTED";
    case SMP_PSCI_INVALID_PARAMS:
        return "INVALID_PARAMETERS";
    case SMP_PSCI_DENIED:
        return "DENIED";
    case SMP_PSCI_ALREADY_ON:
        return "ALREADY_ON";
    case SMP_PSCI_ON_PENDING:
        return "ON_PENDING";
    case SMP_PSCI_INTERNAL:
        return "INTERNAL_FAILURE";
    case SMP_PSCI_INVALID_ADDR:
        return "INVALID_ADDRESS";
    default:
        return "unknown";
    }
}

/* Wait until CPU index is online, at most SMP_ONLINE_TIMEOUT_MS. */
static bool wait_online(unsigned index)
{
    struct pcpu *p = pcpu_of(index);
    uint64_t start = arch_counter_read();
    uint64_t limit = arch_counter_freq() / 1000 * SMP_ONLINE_TIMEOUT_MS;
    while (!__atomic_load_n(&p->online, __ATOMIC_ACQUIRE)) {
        if (arch_counter_read() - start > limit)
            return false;
        /* The new CPU's spin_unlock / SEV, or the event stream, ends it;
         * under -icount a WFE lets the other CPUs run. */
        arch_cpu_wait_event();
    }
    return true;
}

/* Fill cpu_mpidr: the boot CPU first, then the DTB's other CPUs in order
 * (at most PCPU_MAX in all). */
static unsigned build_table(const struct boot_info *bi, uint64_t self)
{
    unsigned n = 0, listed = bi->ncpus > 0 ? (unsigned)bi->ncpus : 0;
    if (listed > BOOT_MAX_CPUS)
        listed = BOOT_MAX_CPUS;
    bool self_listed = false;
    cpu_mpidr[n++] = self;
    for (unsigned i = 0; i < listed; i++) {
        uint64_t m = bi->cpu_mpidr[i] & SMP_MPIDR_AFF_MASK;
        if (m == self) {
            self_listed = true;
            continue;
        }
        if (n == PCPU_MAX) {
            log_warn("CPU MPIDR 0x%llx: more than %u CPUs, left off\n", (unsigned long long)m,
                     PCPU_MAX);
            continue;
        }
        cpu_mpidr[n++] = m;
    }
    if (!self_listed && listed)
        log_warn("the boot CPU (MPIDR 0x%llx) is not among the DTB's CPUs\n",
                 (unsigned long long)self);
    return n;
}

void boot_smp_start(const struct boot_info *bi, const struct boot_smp_arch *arch)
{
    uint64_t self = arch->mpidr_self() & SMP_MPIDR_AFF_MASK;
    unsigned n = build_table(bi, self);
    __atomic_store_n(&ncpus_known, n, __ATOMIC_RELEASE);
    __atomic_store_n(&pcpu_of(0)->online, true, __ATOMIC_RELEASE);
    if (bi->ncpus > BOOT_MAX_CPUS)
        log_warn("%d CPUs in the DTB; only the first %u are read\n", bi->ncpus, BOOT_MAX_CPUS);
    if (n > 1 && bi->psci == BOOT_PSCI_NONE) {
        log_warn("no PSCI conduit in the DTB: the %u other CPU(s) stay off\n", n - 1);
        n = 1;
    }
    unsigned online = 1;
    for (unsigned i = 1; i < n; i++) {
        int32_t rc = arch->cpu_on(cpu_mpidr[i], i);
        if (rc != SMP_PSCI_SUCCESS) {
            log_warn("CPU %u (MPIDR 0x%llx): PSCI CPU_ON failed: %d (%s)\n", i,
                     (unsigned long long)cpu_mpidr[i], (int)rc, psci_error(rc));
            continue;
        }
        if (!wait_online(i)) {
            log_warn("CPU %u (MPIDR 0x%llx): started, but not online after %u ms\n", i,
                     (unsigned long long)cpu_mpidr[i], SMP_ONLINE_TIMEOUT_MS);
            continue;
        }
        log_info("CPU %u (MPIDR 0x%llx) up\n", i, (unsigned long long)cpu_mpidr[i]);
        online++;
        __atomic_store_n(&ncpus_online, online, __ATOMIC_RELEASE);
    }
    log_info("%u CPU(s) online (boot CPU MPIDR 0x%llx)\n", online, (unsigned long long)self);
}
