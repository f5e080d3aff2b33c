# The AArch32 test guests (tests/system/guests/a32), built the same way for
# the ARMv7 hypervisor and for AArch32 EL1 under the ARMv8 one. The caller
# sets A32_CC and A32_OBJCOPY (an arm-none-eabi toolchain).
#
# Guests are freestanding programs of their own, not part of the hypervisor:
# built with the cross compiler directly so none of the image's flags apply.
# MMU off in the guest means Strongly-ordered data accesses: no unaligned
# ones. src/ is on the include path for the register layouts they share
# with the hypervisor (core/cntv_ctl.h).
set(A32_DIR ${CMAKE_CURRENT_SOURCE_DIR}/guests/a32)
set(A32_OUT ${CMAKE_CURRENT_BINARY_DIR}/guests/a32)
set(A32_CFLAGS -mcpu=cortex-a15 -mfloat-abi=soft -mno-unaligned-access -ffreestanding
    -nostdlib -fno-builtin -fno-pie -fno-stack-protector -O2 -g -Wall -Wextra -Werror
    -I${PROJECT_SOURCE_DIR}/src -Wl,--build-id=none -Wl,-T,${A32_DIR}/guest.ld)

# What the ptimer guest (guests/ptimer.h in A32) prints when the emulated PL1 /
# EL1 physical timer works, on armv7 and AArch32 EL1 on armv8.
set(A32_PTIMER_EXPECT EXPECT "CNTP_CVAL written and read back: ok"
    EXPECT "CNTP_CTL: enabled, condition not met: ok" EXPECT "CNTP_TVAL counts down from CVAL: ok"
    EXPECT "CNTP_CTL.ISTATUS once CVAL has passed: ok" EXPECT "no physical timer access refused: ok"
    EXPECT "physical timer irq 30 taken in WFI: ok"
    EXPECT "not before the programmed time, condition met: ok"
    EXPECT "physical timer irq 30 taken while running: ok"
    EXPECT "both armed: the earlier \\(physical\\) deadline first: ok"
    EXPECT "then the virtual timer's: ok"
    EXPECT "nothing pending afterwards: GICC_IAR spurious: ok" EXPECT "guest: all checks passed"
    EXPECT "ptimer=[1-9]")

# What the idregs guest (guests/a32/idregs.c) prints when armvisor traps the
# AArch32 ID registers (TID3) and answers them with core/idregs.c's policy,
# on armv7 and AArch32 EL1 on armv8: 24 reads, each counted by armvisor.
set(A32_IDREGS_EXPECT EXPECT "ID registers read without exception: ok"
    EXPECT "ID_PFR1.Virtualization and Virt_frac are 0 \\(no Hyp for the guest\\): ok"
    EXPECT "ID_PFR1.GIC is 0: ok" EXPECT "ID_DFR0 trace fields are 0: ok"
    EXPECT "reserved encodings \\(c0, c3, 0-3 and c4-c7\\) read as zero: ok"
    EXPECT "ID_ISAR0.Divide says SDIV/UDIV in A32: ok" EXPECT "SDIV runs: ok"
    EXPECT "MVFR0: 32 double-precision registers: ok" EXPECT "guest: all checks passed"
    EXPECT "id reads=24")

# a32_guest(<name> <arm|thumb> <sources>... [DEFS <-D...>...]):
# guests/a32/<name>.bin, the sources after image_head.S (a zImage header:
# armvisor runs a bare initrd only if it is a recognisable kernel image),
# start.S and guest.c; DEFS go to the compiler.
function(a32_guest name isa)
  cmake_parse_arguments(PARSE_ARGV 2 G "" "" "DEFS")
  set(elf ${A32_OUT}/${name}.elf)
  set(bin ${A32_OUT}/${name}.bin)
  set(common ${A32_DIR}/image_head.S ${A32_DIR}/start.S ${A32_DIR}/guest.c)
  list(TRANSFORM G_UNPARSED_ARGUMENTS PREPEND ${A32_DIR}/ OUTPUT_VARIABLE srcs)
  add_custom_command(
    OUTPUT ${bin} ${elf}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${A32_OUT}
    COMMAND ${A32_CC} ${A32_CFLAGS} -m${isa} ${G_DEFS} -o ${elf} ${common} ${srcs} -lgcc
    COMMAND ${A32_OBJCOPY} -O binary ${elf} ${bin}
    DEPENDS ${common} ${srcs} ${A32_DIR}/guest.h ${A32_DIR}/guest.ld
            ${A32_DIR}/cpu_ops.h ${AV_GUESTS_SHARED_HEADERS}
            ${PROJECT_SOURCE_DIR}/src/core/cntv_ctl.h
            ${CMAKE_CURRENT_SOURCE_DIR}/guests/vgic_inflight.h
            ${CMAKE_CURRENT_SOURCE_DIR}/guests/smp.h
            ${CMAKE_CURRENT_SOURCE_DIR}/guests/reset.h
            ${CMAKE_CURRENT_SOURCE_DIR}/guests/gic_guest.h
            ${CMAKE_CURRENT_SOURCE_DIR}/guests/pmu.h ${PROJECT_SOURCE_DIR}/src/core/pmu_regs.h
            ${A32_DIR}/pmu.c # included by pmu_el1_on_v8.c
    COMMENT "a32 guest ${name} (${isa})")
  add_custom_target(guest_a32_${name} ALL DEPENDS ${bin})
endfunction()

# a32_dtb_guest([<name> <base> [ELF_ENTRY <symbol>] [DEFS <-D...>...]]):
# guests/a32/<name>.bin and <name>.elf (default: dtb, linked at 0x40000000),
# the guest that checks what a package hands it (registers, DTB, where it
# was entered). dtb_entry.S comes first: its .text.start is the image's
# first byte. ELF_ENTRY sets the ELF's e_entry; DEFS are for dtb.c
# (-DBOOT_RAW_REGS: expect the raw protocol's zero registers).
function(a32_dtb_guest)
  cmake_parse_arguments(PARSE_ARGV 0 G "" "ELF_ENTRY" "DEFS")
  set(name dtb)
  set(base 0x40000000)
  if(G_UNPARSED_ARGUMENTS)
    list(GET G_UNPARSED_ARGUMENTS 0 name)
    list(GET G_UNPARSED_ARGUMENTS 1 base)
  endif()
  set(ld -Wl,--defsym=GUEST_BASE=${base})
  if(G_ELF_ENTRY)
    list(APPEND ld -Wl,-e,${G_ELF_ENTRY})
  endif()
  set(srcs ${A32_DIR}/dtb_entry.S ${A32_DIR}/start.S ${A32_DIR}/guest.c ${A32_DIR}/dtb.c)
  add_custom_command(
    OUTPUT ${A32_OUT}/${name}.bin ${A32_OUT}/${name}.elf
    COMMAND ${CMAKE_COMMAND} -E make_directory ${A32_OUT}
    COMMAND ${A32_CC} ${ld} ${A32_CFLAGS} ${G_DEFS} -marm -o ${A32_OUT}/${name}.elf ${srcs} -lgcc
    COMMAND ${A32_OBJCOPY} -O binary ${A32_OUT}/${name}.elf ${A32_OUT}/${name}.bin
    DEPENDS ${srcs} ${A32_DIR}/guest.h ${A32_DIR}/guest.ld
            ${CMAKE_CURRENT_SOURCE_DIR}/guests/dtb_walk.h
    COMMENT "a32 guest ${name} (VM package entry)")
  add_custom_target(guest_a32_${name} ALL DEPENDS ${A32_OUT}/${name}.bin)
endfunction()

# a32_package_formats(<prefix> <cpu> <pkg_dir>): the kernel formats and
# boot protocols tools/loader offers for an AArch32 guest (docs/vm-package.md,
# "Kernel formats"), each packaged and booted, the guest checking its
# registers, where it runs and where it was entered:
#   raw image, defaults: RAM base + 0x10000, Linux arm registers (QEMU's -kernel);
#   raw image, --load-addr, --entry past its head, --protocol raw: all zero;
#   ELF, defaults: at its program headers, e_entry, registers zero;
#   ELF, --protocol linux: r0 = 0, r1 = ~0, r2 = DTB.
function(a32_package_formats prefix cpu pkg_dir)
  a32_dtb_guest(dtb_raw 0x40010000)
  av_package(${pkg_dir}/a32_raw.pkg ${A32_OUT}/dtb_raw.bin --arch arm --name a32raw
             --cmdline armvisor-format-test)
  a32_dtb_guest(dtb_rawregs 0x40200000 DEFS -DBOOT_RAW_REGS)
  av_package(${pkg_dir}/a32_rawregs.pkg ${A32_OUT}/dtb_rawregs.bin --arch arm --name a32rawregs
             --protocol raw --load-addr 0x40200000 --entry 0x40200010)
  a32_dtb_guest(dtb_elf 0x40300000 ELF_ENTRY _entry_past_head DEFS -DBOOT_RAW_REGS)
  av_package(${pkg_dir}/a32_elf.pkg ${A32_OUT}/dtb_elf.elf --arch arm --name a32elf)
  a32_dtb_guest(dtb_elf_linux 0x40300000 ELF_ENTRY _entry_past_head)
  av_package(${pkg_dir}/a32_elf_linux.pkg ${A32_OUT}/dtb_elf_linux.elf --arch arm
             --name a32elflinux --cmdline armvisor-format-test --protocol linux)
  set(linux_ok "r0 is zero at entry: ok" "r1 is ~0 \\(DT only\\) at entry: ok"
      "r2 points to a DTB \\(0xd00dfeed, 8-byte aligned\\): ok"
      "dtb: bootargs \"armvisor-format-test\"" "guest: all checks passed")
  set(raw_ok "r0 is zero at entry: ok" "r1 and r2 are zero at entry \\(raw protocol\\): ok"
      "guest: all checks passed")
  av_system_test(${prefix}_package_a32_raw_default CPU ${cpu} INITRD ${pkg_dir}/a32_raw.pkg
    EXPECT "vm a32raw: package: A32 kernel [0-9]+ bytes at 0x40010000, linux-arm boot"
           "dtb: image at 0x40010000, entered at offset 0x00000000" ${linux_ok})
  av_system_test(${prefix}_package_a32_raw_entry CPU ${cpu} INITRD ${pkg_dir}/a32_rawregs.pkg
    EXPECT "vm a32rawregs: package: A32 kernel [0-9]+ bytes at 0x40200000, raw boot"
           "dtb: image at 0x40200000, entered at offset 0x00000010" ${raw_ok})
  av_system_test(${prefix}_package_a32_elf CPU ${cpu} INITRD ${pkg_dir}/a32_elf.pkg
    EXPECT "vm a32elf: package: A32 kernel [0-9]+ bytes at 0x40300000, raw boot"
           "dtb: image at 0x40300000, entered at offset 0x00000010" ${raw_ok})
  av_system_test(${prefix}_package_a32_elf_linux CPU ${cpu} INITRD ${pkg_dir}/a32_elf_linux.pkg
    EXPECT "vm a32elflinux: package: A32 kernel [0-9]+ bytes at 0x40300000, linux-arm boot"
           "dtb: image at 0x40300000, entered at offset 0x00000010" ${linux_ok})
endfunction()
