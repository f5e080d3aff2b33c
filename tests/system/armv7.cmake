# ARMv7 system tests: armvisor.bin booted in Hyp mode on qemu-system-arm
# (virt board, Cortex-A15 with the Virtualization Extensions), a guest from
# tests/system/guests/a32 passed as the initrd, the console checked by
# qemu_check.py. Label: system.
set(AV_QEMU qemu-system-arm)
set(AV_FAULT_REJECT "exception in Hyp mode")
set(A32_CC ${CMAKE_C_COMPILER})
set(A32_OBJCOPY ${CMAKE_OBJCOPY})
include(${CMAKE_CURRENT_SOURCE_DIR}/guests_a32.cmake)

# armv7_test(<name> <guest> [av_system_test options...]): boot the guest
# (av_system_test: clean power-off with status 0, no Hyp fault, no guest
# FAIL, no armvisor error). ARMV7_CPU (default cortex-a15) picks the CPU.
function(armv7_test name guest)
  if(NOT ARMV7_CPU)
    set(ARMV7_CPU cortex-a15)
  endif()
  av_system_test(armv7_${name} CPU ${ARMV7_CPU} INITRD ${A32_OUT}/${guest}.bin ${ARGN})
endfunction()

a32_guest(hello arm hello.c)
a32_guest(smp arm smp.c)
a32_guest(smp100 arm smp.c DEFS -DSMP_CYCLES=100u)
a32_guest(reset arm reset.c)
a32_guest(hello_t32 thumb hello.c)
a32_guest(hvc arm hvc.c)
a32_guest(dabt arm dabt.c)
a32_guest(wfi arm wfi.c)
a32_guest(undef arm undef.c)
a32_guest(undef_t32 thumb undef.c)
a32_guest(mmio_ldst_a32 arm mmio_ldst.c)
a32_guest(mmio_ldst_t32 thumb mmio_ldst.c)
a32_guest(pabt arm pabt.c)
a32_guest(regs arm regs.c regs_asm.S)
a32_guest(vfp arm vfp.c)
a32_guest(mmu arm mmu.c)
a32_guest(timer arm timer.c)
a32_guest(mmu_t32 thumb mmu.c)
a32_guest(irq arm irq.c)
a32_guest(ptimer arm ptimer.c)
a32_guest(irq_t32 thumb irq.c)
a32_guest(vgic_inflight arm vgic_inflight.c)
a32_guest(hostile arm hostile.c)
a32_guest(pmu arm pmu.c)
a32_guest(idregs arm idregs.c)

armv7_test(hello hello
           EXPECT "hello from the AArch32 guest" EXPECT "guest runs in SVC: ok")
# Physical secondary CPUs (issue 9): every CPU the DTB lists is started by
# PSCI CPU_ON (CPU_ON32 through SMC) and logged as up; the guest runs as on
# one CPU.
foreach(host 2 4)
  av_cpus_up_expect(up ${host})
  armv7_test(cpus_up${host} hello SMP ${host} LABELS system smp
             EXPECT ${up} "hello from the AArch32 guest" "guest: all checks passed"
             REJECT ${AV_CPUS_UP_REJECT})
endforeach()
# PSCI SYSTEM_RESET (guests/reset.h): the VM restarts once, in fresh memory,
# and its second run passes; on 2 physical CPUs.
av_cpus_up_expect(up 2)
armv7_test(system_reset reset SMP 2 LABELS system smp
           EXPECT ${up} "guest0\\| reset: first run" "RAM holds no marker at the first run: ok"
                  "vm guest0: system reset: restarting the VM from its image"
                  "vm guest0: reset: run 2 starts" "guest0\\| reset: second run"
                  "fresh RAM after SYSTEM_RESET \\(no marker from the first run\\): ok"
                  "guest: all checks passed"
           REJECT "run 3 starts" ${AV_CPUS_UP_REJECT})
# A vCPU's lazily switched state handed between physical CPUs
# (arch/boot/remote_fetch.c, vcpu.c): the vfp guest fills d0-d31 and FPSCR, then CPU
# 1 fetches the vCPU's cp15/VFP state, which CPU 0's registers hold, and
# loads it (ATS1CPR there); CPU 0 runs the guest on, fetching it back from
# the idle CPU 1, and the guest finds its registers preserved.
armv7_test(selftest_remote_fetch vfp SMP 2 APPEND armvisor.selftest=remote_fetch
           LABELS system smp
           EXPECT ${up} "vfp registers loaded, exits done"
                  "remote_fetch: CPU 1 fetched VBAR 0x[0-9a-f]+ of a vCPU CPU 0 held .*: ok"
                  "remote_fetch: CPU 1 then holds the vCPU's cp15 state .*: ok"
                  "d0-d31 preserved across exits: ok" "FPSCR preserved across exits: ok"
                  "guest: all checks passed" "remote_fetch: guest exit code 0"
           REJECT ${AV_CPUS_UP_REJECT})
armv7_test(hello_t32 hello_t32
           EXPECT "hello from the AArch32 guest" EXPECT "guest runs in SVC: ok")
armv7_test(hvc hvc
           EXPECT "hvc ping: ok" EXPECT "hvc psci version: ok"
           EXPECT "smc psci version: ok" EXPECT "hvc unknown id: ok"
           EXPECT "hvc unknown owner: ok" EXPECT "putc via hvc")
armv7_test(dabt dabt
           EXPECT "refused \\(no-device\\).*far 0x20000000"
           EXPECT "guest: data abort at 0x[0-9a-f]+ DFSR=0x00000008 DFAR=0x20000000"
           EXPECT "load DFAR: ok"
           EXPECT "guest: data abort at 0x[0-9a-f]+ DFSR=0x00000808 DFAR=0x20000004"
           EXPECT "store DFAR: ok"
           EXPECT "guest: data abort at 0x[0-9a-f]+ DFSR=0x00000210 DFAR=0x20000008"
           EXPECT "LPAE-format DFAR: ok"
           EXPECT "store to the host's GICH refused: ok"
           EXPECT "GICD_TYPER reads 1 CPU, 128 IDs: ok"
           EXPECT "still running after the aborts")
# The virtual timer's PPI 27 through the vGIC (gic.c): four rounds of WFI,
# IRQ, GICC_IAR = 27, EOI, then two spinning (the IRQ exits the guest). A
# round whose timer fires before the guest reaches its WFI (a loaded host)
# takes the interrupt without one: 1 to 4 WFI exits.
armv7_test(irq irq
           EXPECT "GICv2: .*list registers. vGIC on"
           EXPECT "GICC_PMR reads back: ok"
           EXPECT "timer irq 27 taken: ok" EXPECT "timer irq 27 taken: ok"
           EXPECT "timer irq 27 taken: ok" EXPECT "timer irq 27 taken: ok"
           EXPECT "timer irq 27 taken: ok" EXPECT "timer irq 27 taken: ok"
           EXPECT "timer firing again before its EOI taken again while spinning: ok"
           EXPECT "nothing pending afterwards: GICC_IAR spurious: ok"
           EXPECT "guest: all checks passed" EXPECT "exits wfi=[1-4] .*irq=[1-9]")
armv7_test(irq_t32 irq_t32
           EXPECT "timer irq 27 taken: ok" EXPECT "timer irq 27 taken: ok"
           EXPECT "timer irq 27 taken: ok" EXPECT "timer irq 27 taken: ok"
           EXPECT "timer irq 27 taken: ok" EXPECT "timer irq 27 taken: ok"
           EXPECT "timer firing again before its EOI taken again while spinning: ok"
           EXPECT "guest: all checks passed")
armv7_test(wfi wfi
           EXPECT "guest: wfi returned" EXPECT "guest: wfe returned"
           EXPECT "exits.* wfi=3")
armv7_test(undef undef
           EXPECT "refused \\(sysreg\\)" EXPECT "guest: undef at 0x[0-9a-f]+ \\(arm\\)"
           EXPECT "c15 read refused with undef: ok" EXPECT "c15 write refused with undef: ok"
           EXPECT "ACTLR reads as zero, writes ignored: ok"
           EXPECT "PMCR answered, N names the host's counters: ok" EXPECT "PMU writes take effect: ok"
           EXPECT "PMCCNTR answered: ok"
           EXPECT "DBGDIDR reads as zero \\(no debug architecture\\): ok"
           EXPECT "DBGDSCR read refused with undef: ok" EXPECT " pmu=6")
armv7_test(undef_t32 undef_t32
           EXPECT "refused \\(sysreg\\)" EXPECT "guest: undef at 0x[0-9a-f]+ \\(thumb\\)"
           EXPECT "c15 read refused with undef: ok" EXPECT "ACTLR reads as zero, writes ignored: ok"
           EXPECT "PMCR answered, N names the host's counters: ok" EXPECT "PMU writes take effect: ok")
armv7_test(mmio_ldst_a32 mmio_ldst_a32
           EXPECT "mmio_ldst: A32" EXPECT "strd/ldrd round trip: ok"
           EXPECT "post-indexed strb" EXPECT "post-indexed strb writeback: ok")
armv7_test(mmio_ldst_t32 mmio_ldst_t32
           EXPECT "mmio_ldst: T32" EXPECT "strd/ldrd round trip: ok"
           EXPECT "post-indexed strb writeback: ok"
           EXPECT "\\*" EXPECT "IT block after an emulated store: ok")
armv7_test(pabt pabt
           EXPECT "refused \\(iabt\\).*far 0x20000000"
           EXPECT "guest: prefetch abort IFSR=0x00000008 IFAR=0x20000000"
           EXPECT "back from the aborted call"
           EXPECT "prefetch abort IFAR: ok")
armv7_test(context_regs regs
           EXPECT "r1-r12 preserved across hvc: ok"
           EXPECT "banked registers preserved across exits: ok")
armv7_test(context_vfp vfp
           EXPECT "d0-d31 preserved across exits: ok" EXPECT "FPSCR preserved across exits: ok")
armv7_test(mmio_guest_mmu mmu
           EXPECT "short-descriptor stage 1: strd/ldrd at a VA alias: ok"
           EXPECT "LPAE stage 1: strd/ldrd at a VA alias: ok")
armv7_test(mmio_guest_mmu_t32 mmu_t32
           EXPECT "short-descriptor stage 1: strd/ldrd at a VA alias: ok"
           EXPECT "LPAE stage 1: strd/ldrd at a VA alias: ok")
# The PL1 physical timer, emulated (core/ptimer.c): PPI 30 at the
# programmed time in WFI and while running, the earlier of the two timers'
# deadlines first.
armv7_test(ptimer ptimer ${A32_PTIMER_EXPECT})
# The ID registers (HCR.TID3): answered by the core with the policy armv8
# uses (core/idregs.c), the Virtualization Extensions hidden (label cpu).
# On qemu-system-arm's -cpu max, an ARMv8 CPU in AArch32, the Hyp-mode port
# runs as on an ARMv7 one and TID3 traps every read. QEMU 7.2's ARMv7 CPUs
# (cortex-a15, -a7) trap only the VMRS of MVFR0/1 with TID3, not the MRC
# p15 c0 reads the ARMv7-A ARM has it trap (HCR.TID3): the guest then reads
# the CPU's own values (ID_PFR1.Virtualization 1) and fails, so that run is
# registered disabled.
armv7_test(idregs idregs LABELS system cpu ${A32_IDREGS_EXPECT}
           DISABLED "QEMU 7.2 applies HCR.TID3 to the cp15 ID registers of ARMv8 CPUs only")
av_system_test(armv7_idregs_max CPU max INITRD ${A32_OUT}/idregs.bin LABELS system cpu
               ${A32_IDREGS_EXPECT})
armv7_test(timer timer
           EXPECT "virtual counter advances: ok"
           EXPECT "virtual counter is offset below the physical one: ok"
           EXPECT "CNTV_CVAL preserved: ok" EXPECT "CNTV_CTL preserved: ok"
           EXPECT "physical timer access emulated, not refused: ok")

# A hostile guest (guests/a32/hostile.c): the distributor and PL011 swept
# with every access size and form, unbacked addresses through 4 GiB and past
# the end of RAM, random HVC/SMC IDs, trapped coprocessor and debug
# registers, CPU_ON loops, masked WFI/WFE, stores to the GICV frame. The
# exceptions it counts must be the ones armvisor says it injected (SAME),
# and its untouched memory intact (one VM on ARMv7: no second VM to check).
armv7_test(hostile hostile TIMEOUT 30 SAME dabt iabt undef
           EXPECT "hostile: distributor and PL011 swept"
                  "hostile: vGIC yes, RAM ends at 0x48000000"
                  "every unbacked address aborted: ok"
                  "own memory outside what was touched intact: ok"
                  "^guest0\\| hostile: got dabt=(?P<dabt>[0-9]+) iabt=(?P<iabt>[0-9]+) undef=(?P<undef>[0-9]+)"
                  "guest: all checks passed"
                  "^armvisor: vm guest0: vcpu 0: .*injected: dabt=(?P<dabt>[0-9]+) iabt=(?P<iabt>[0-9]+) undef=(?P<undef>[0-9]+)")

# The same image on other CPUs with the Virtualization Extensions: the
# Cortex-A7, and QEMU's "max" (an ARMv8 core in AArch32 at EL2).
foreach(cpu cortex-a7 max)
  set(ARMV7_CPU ${cpu})
  string(REPLACE "-" "_" tag ${cpu})
  armv7_test(hvc_${tag} hvc EXPECT "hvc ping: ok" EXPECT "hvc unknown id: ok")
  armv7_test(context_${tag} regs EXPECT "banked registers preserved across exits: ok")
  armv7_test(context_vfp_${tag} vfp EXPECT "d0-d31 preserved across exits: ok")
  armv7_test(mmio_guest_mmu_t32_${tag} mmu_t32
             EXPECT "LPAE stage 1: strd/ldrd at a VA alias: ok")
  armv7_test(irq_${tag} irq EXPECT "timer irq 27 taken: ok" EXPECT "timer irq 27 taken: ok"
             EXPECT "timer irq 27 taken: ok" EXPECT "timer irq 27 taken: ok"
             EXPECT "guest: all checks passed")
  armv7_test(undef_${tag} undef EXPECT "PMCR answered, N names the host's counters: ok"
             EXPECT "DBGDSCR read refused with undef: ok")
endforeach()
unset(ARMV7_CPU)

# Boot without a guest: the hypervisor says why and powers off (status 1,
# HALT_NO_GUEST, as on armv8).
av_system_test(armv7_boot_no_guest CPU cortex-a15 TIMEOUT 30 HALT 1
               EXPECT "armvisor: armv7 port, Hyp mode" "r2 \\(DTB\\)=0x[0-9a-f]+"
                      "no guest image: pass one as the initrd")

# Started in SVC (no virtualization): refused with a message on the UART,
# then powered off through QEMU's PSCI (HVC conduit without virtualization),
# from boot.S, before there is a console to print "halt".
av_system_test(armv7_boot_refuses_svc CPU cortex-a15 MACHINE virt TIMEOUT 20 NO_HALT
               EXPECT "entered in CPU mode 0x00000013, not Hyp")

# VM packages (tools/loader, docs/vm-package.md): the dtb guest packaged
# as a raw image at the RAM base with the Linux arm protocol; armvisor must
# put the DTB in guest RAM and pass r0 = 0, r1 = ~0, r2 = DTB. The other
# kernel formats and protocols: a32_package_formats. A corrupted package
# must be refused.
include(${CMAKE_CURRENT_SOURCE_DIR}/loader.cmake)
if(AV_HOST_LOADER)
  a32_dtb_guest()
  set(pkg_dir ${CMAKE_CURRENT_BINARY_DIR}/packages)
  av_package(${pkg_dir}/dtb32.pkg ${A32_OUT}/dtb.bin --arch arm --protocol linux --name pkg32
             --load-addr 0x40000000 --ram 64 --cmdline "console=ttyAMA0 armvisor-package-test")
  av_corrupt(${pkg_dir}/dtb32_bad.pkg ${pkg_dir}/dtb32.pkg)

  av_system_test(armv7_package_linux_dtb CPU cortex-a15 INITRD ${pkg_dir}/dtb32.pkg
    EXPECT "vm pkg32: package: A32 kernel [0-9]+ bytes at 0x40000000, linux-arm boot, DTB [0-9]+ bytes at 0x42000000"
           "r0 is zero at entry: ok" "r1 is ~0 \\(DT only\\) at entry: ok"
           "dtb: r2 = 0x0000000042000000"
           "r2 points to a DTB \\(0xd00dfeed, 8-byte aligned\\): ok"
           "dtb: bootargs \"console=ttyAMA0 armvisor-package-test\""
           "dtb: memory 0x0000000040000000 size 0x0000000004000000"
           "dtb: the DTB lies inside /memory: ok"
           "dtb: root is linux,dummy-virt: ok"
           "guest: all checks passed")
  a32_package_formats(armv7 cortex-a15 ${pkg_dir})
  av_system_test(armv7_package_refused CPU cortex-a15 INITRD ${pkg_dir}/dtb32_bad.pkg
    TIMEOUT 30 HALT 2
    EXPECT "the guest package is refused: checksum mismatch" REJECT "starting at")
  # More guest RAM than QEMU's 512 MiB: refused with how much is asked and
  # how much there is (the same message as armv8, from core/launch_package.c).
  av_package(${pkg_dir}/dtb32_big.pkg ${A32_OUT}/dtb.bin --arch arm --protocol linux --name big32
             --ram 1024)
  av_system_test(armv7_package_ram_too_big CPU cortex-a15 INITRD ${pkg_dir}/dtb32_big.pkg
    TIMEOUT 30 HALT 2
    EXPECT "vm big32: the package asks for 1024 MiB of guest RAM\\x3b this host has [0-9]+ MiB to give"
    REJECT "starting at" "fragmented")
  # A guest that can only fault at one place: zeros are ANDEQ r0, r0, r0 in
  # A32, so it runs off the end of its RAM; the prefetch abort goes to VBAR
  # = 0, an IPA with nothing there, whose fetch abort goes to the same
  # vector again. armvisor must see the livelock, stop the VM as crashed
  # and halt with its distinct code (76). The zeros go in a package that
  # says raw: bare, they are refused as unknown.
  # 4 vCPUs on the one CPU (tests/system/guests/smp.h): CPU_ON, 5,000 SGIs
  # each way between every pair (10,000 a pair, 60,000 = 0xea60 in all)
  # through GICD_SGIR and the hardware's GICV, none lost or doubled (the
  # guest waits in WFI, polled by its own virtual timer: see smp.h for why
  # not WFE); CPU_OFF/CPU_ON cycles with AFFINITY_INFO checked. Packaged as
  # its ELF, loaded where it is linked (the zImage header of our raw guests
  # would put it at RAM base + 0x8000). On one CPU the package sets a 2 ms
  # time slice (SCHED section, --slice-us), which armvisor says it took; on
  # 2 and 4 the default 10 ms.
  av_package(${pkg_dir}/smp32.pkg ${A32_OUT}/smp.elf --arch arm --name smp32 --cpus 4
             --slice-us 2000)
  add_dependencies(package_smp32 guest_a32_smp)
  set(smp32_start
      "vm smp32: starting at 0x40000040 \\(A32, [0-9]+ MiB RAM at 0x40000000, 4 vCPUs\\)")
  set(smp32_expect
      "smp32\\| AFFINITY_INFO: vCPUs 1-3 OFF at boot: ok"
      "smp32\\| CPU_ON of vCPUs 1-3: ok"
      "smp32\\| smp: SGIs taken: 0x0000ea60,"
      "smp32\\| 6 pairs, 5000 SGIs each way \\(10000 a pair\\), none lost or doubled: ok"
      "smp32\\| no secondary failed: ok"
      "smp32\\| guest: all checks passed")
  av_system_test(armv7_smp4 CPU cortex-a15 INITRD ${pkg_dir}/smp32.pkg TIMEOUT 90
    LABELS system smp EXPECT
    "vm smp32: starting at 0x40000040 \\(A32, [0-9]+ MiB RAM at 0x40000000, 4 vCPUs, 2000 us time slices\\)"
    ${smp32_expect})
  # The same on 2 and 4 physical CPUs, all brought up (QEMU -smp), with 100
  # CPU_OFF/CPU_ON cycles (the time they take: armv8.cmake).
  av_package(${pkg_dir}/smp32_100.pkg ${A32_OUT}/smp100.elf --arch arm --name smp32 --cpus 4)
  add_dependencies(package_smp32_100 guest_a32_smp100)
  set(smp32_100_expect ${smp32_start} ${smp32_expect})
  list(INSERT smp32_100_expect 6 "smp32\\| smp: cycles done: 0x00000064")
  foreach(host 2 4)
    av_cpus_up_expect(up ${host})
    av_system_test(armv7_smp4_on${host} CPU cortex-a15 SMP ${host} INITRD ${pkg_dir}/smp32_100.pkg
      TIMEOUT 240 LABELS system smp EXPECT ${up} ${smp32_100_expect} REJECT ${AV_CPUS_UP_REJECT})
  endforeach()

  # The PMU given to the guest (guests/pmu.h, core/vpmu.c; labels cpu and
  # system), as armv8_pmu: the cortex-a15's PMUv2 in Hyp mode, nothing
  # counted in Hyp mode, overflow interrupts on PPI 23, two vCPUs apart.
  av_package(${pkg_dir}/pmu32.pkg ${A32_OUT}/pmu.elf --arch arm --name pmu32 --cpus 2)
  add_dependencies(package_pmu32 guest_a32_pmu)
  av_system_test(armv7_pmu CPU cortex-a15 INITRD ${pkg_dir}/pmu32.pkg TIMEOUT 60
    QEMU_ARGS -icount shift=0,sleep=off LABELS system cpu
    EXPECT "pmu32\\| PMU advertised in the ID registers: ok" "pmu32\\| PMCR.N names event counters: ok"
           "pmu32\\| cycle counter counts the guest's loop: ok"
           "pmu32\\| hypervisor time not counted \\(HVC round trips\\): ok"
           "pmu32\\| PMCCFILTR.NSH reads 0: ok"
           "pmu32\\| hypervisor time not counted with NSH asked for: ok"
           "pmu32\\| PMCCFILTR.P: EL1 not counted: ok"
           "pmu32\\| event counter 0 counts CPU_CYCLES: ok"
           "pmu32\\| a counter beyond PMCR.N is refused \\(UNDEF\\): ok"
           "pmu32\\| cycle counter overflow: PPI 23 taken: ok"
           "pmu32\\| one interrupt per overflow: ok"
           "pmu32\\| event counter overflow: PPI 23 taken: ok"
           "pmu32\\| no interrupt once the flag is cleared: ok"
           "pmu32\\| vCPU 1's counter did not count vCPU 0's loop: ok"
           "pmu32\\| guest: all checks passed" "vcpu 0: [0-9]+ exits.* pmu=[1-9]")

  av_zeros(${pkg_dir}/zeros32.bin 4096)
  av_package(${pkg_dir}/zeros32.pkg ${pkg_dir}/zeros32.bin --arch arm --protocol raw
             --name guest0)
  av_system_test(armv7_livelock_stopped CPU cortex-a15 INITRD ${pkg_dir}/zeros32.pkg HALT 76
    EXPECT "livelock: the same refused exit \\([^)]*\\) at pc 0xc 4096 times in a row with no other progress: VM stopped as crashed")
  # An initrd that is neither a package nor an arm64 Image / zImage, or a
  # zImage whose header is cut short, is refused, not run.
  av_system_test(armv7_unknown_image_refused CPU cortex-a15 INITRD ${pkg_dir}/zeros32.bin
    TIMEOUT 30 HALT 2
    EXPECT "the guest image is refused: neither a VM package nor an arm64 Image or zImage"
    REJECT "starting at")
  av_truncated(${pkg_dir}/hello32_cut.bin ${A32_OUT}/hello.bin 44)
  av_system_test(armv7_truncated_image_refused CPU cortex-a15 INITRD ${pkg_dir}/hello32_cut.bin
    TIMEOUT 30 HALT 2 EXPECT "the guest image is refused: a zImage header cut short"
    REJECT "starting at")
endif()

include(${CMAKE_CURRENT_SOURCE_DIR}/host_disk.cmake)
av_host_disk_tests(${A32_OUT}/hello.bin cortex-a15 "guest runs in SVC: ok")

# Debian's armhf Linux (the armmp-lpae zImage) boots under armvisor to a
# busybox /init. Needs the AArch32 ACTLR and DBGDIDR answered
# (core/sysreg.c), which the kernel reads before it can take an UNDEF. The
# host's PMU is given to it (core/vpmu.c, the guest DTB's /pmu node): its
# PMU driver finds the cortex-a15's 6 event counters and the cycle counter.
include(${CMAKE_CURRENT_SOURCE_DIR}/linux.cmake)
av_linux_suite(linux32 armhf "vmlinuz-*-armmp-lpae" arm cortex-a15
               BOOT_EXPECT "hw perfevents: enabled with armv7_cortex_a15 PMU driver, 7 counters available")

# The vGIC's in-flight list (guests/vgic_inflight.h): 8 pending SPIs, more
# than the list registers, taken in priority order by a guest that makes no
# exit; a level interrupt still high after its EOI taken again by itself.
armv7_test(vgic_inflight vgic_inflight
           EXPECT "8 pending SPIs all taken while spinning: ok"
           EXPECT "8 pending SPIs taken in priority order: ok"
           EXPECT "PL011 TXRIS set with its TX FIFO empty: ok"
           EXPECT "level interrupt still high after EOI taken again: ok"
           EXPECT "UARTIMSC masked by the second handler: ok"
           EXPECT "nothing pending afterwards: GICC_IAR spurious: ok"
           EXPECT "guest: all checks passed")
