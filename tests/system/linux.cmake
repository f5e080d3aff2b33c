# Debian's Linux under armvisor (label linux): the kernel and busybox come from
# scripts/fetch-guests (guests/, not in git), so a test exists only when they
# do. A busybox initramfs whose /init (guests/linux/init) checks that timer
# interrupts arrived through the vGIC and powers off, packed with the loader;
# or, with INIT guests/linux/init-shell, one that then gives a shell on the
# console (what scripts/run boots; the console tests type into it).
# Needs loader.cmake (av_package, AV_HOST_LOADER) included first.
find_program(AV_CPIO cpio)

# av_linux_test(<name> <debian-arch> <kernel glob> <loader arch> [INIT <file>]
#               [CONSOLE pl011|virtio] [MODULES <name>...] [DISK rw|ro CHECK <mode>]
#               [HOST_CPUS <n>] [BOOT_EXPECT <regex>...] [EXPECT <regex>...]
#               [LABELS <label>...] <av_system_test options>...)
# The package is the initrd. INIT: the /init (default guests/linux/init).
# CONSOLE: the loader's --console. MODULES: kernel modules by name, put in
# /lib/modules of the initramfs with every module they depend on
# (scripts/guest-modules, from the modules.dep scripts/fetch-guests makes)
# and listed in lib/modules/load-order, dependencies first, for the /init's
# insmod; without them the test is not registered.
# DISK: the VM gets a virtio-blk backed by host disk 0 (the loader's --disk
# host:0, ",ro" for ro), which is QEMU's virtio-blk-device on a copy of a
# fresh scripts/mkdisk image; the test runs through
# tests/system/disk_check.py --mode CHECK (rw: write, check the image,
# boot again and read back; ro: nothing written; fsck: the image clean).
# BOOT_EXPECT: lines of the kernel's boot log, before /init runs. EXPECT:
# further lines, after the timer check and before the power-down.
# HOST_CPUS: physical CPUs (QEMU -smp), every one of which armvisor must
# bring up (av_cpus_up_expect) before the guest starts.
# LABELS: besides system and linux. PROGRAMS: further files (programs the
# test built for the guest) put in /bin of the initramfs; DEPENDS: the
# targets that build them. PACKAGE_ONLY: build the package (and its disk
# image), register no test (scripts/bench boots it).
function(av_linux_test name debarch kglob larch)
  # Every av_system_test keyword is named here too, so that a multi-value
  # one of ours (EXPECT, LABELS) ends where the next keyword starts; they
  # are passed on as given.
  cmake_parse_arguments(PARSE_ARGV 4 L "NO_HALT;PACKAGE_ONLY"
                        "INIT;CONSOLE;VCPUS;HOST_CPUS;DISK;CHECK;CPU;SMP;GIC;MEMORY;MACHINE;KERNEL;TIMEOUT;HALT;DISABLED"
                        "EXPECT;BOOT_EXPECT;LABELS;REJECT;SEND;MODULES;PROGRAMS;DEPENDS")
  set(pass)
  foreach(key CPU SMP GIC MEMORY MACHINE KERNEL HALT DISABLED)
    if(DEFINED L_${key})
      list(APPEND pass ${key} "${L_${key}}")
    endif()
  endforeach()
  if(L_NO_HALT)
    list(APPEND pass NO_HALT)
  endif()
  set(host_up)
  if(L_HOST_CPUS)
    list(APPEND pass SMP ${L_HOST_CPUS})
    av_cpus_up_expect(host_up ${L_HOST_CPUS})
    list(APPEND L_REJECT ${AV_CPUS_UP_REJECT})
  endif()
  if(NOT L_TIMEOUT)
    set(L_TIMEOUT 300)
  endif()
  if(L_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "av_linux_test(${name}): unknown arguments ${L_UNPARSED_ARGUMENTS}")
  endif()
  file(GLOB kernel ${PROJECT_SOURCE_DIR}/guests/${debarch}/boot/${kglob})
  set(busybox ${PROJECT_SOURCE_DIR}/guests/${debarch}/bin/busybox)
  if(NOT AV_HOST_LOADER OR NOT kernel OR NOT EXISTS ${busybox} OR NOT AV_CPIO)
    return()
  endif()
  list(GET kernel 0 kernel)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${name})
  set(modules_cmd)
  set(modules_dep)
  if(L_MODULES)
    file(GLOB modules_dep ${PROJECT_SOURCE_DIR}/guests/${debarch}/lib/modules/*/modules.dep)
    if(NOT modules_dep)
      return()
    endif()
    set(modules_cmd COMMAND ${PROJECT_SOURCE_DIR}/scripts/guest-modules
                    ${PROJECT_SOURCE_DIR}/guests/${debarch} ${dir}/root ${L_MODULES})
  endif()
  set(copy_programs)
  foreach(prog IN LISTS L_PROGRAMS)
    list(APPEND copy_programs COMMAND ${CMAKE_COMMAND} -E copy ${prog} ${dir}/root/bin/)
  endforeach()
  set(console_arg)
  if(L_CONSOLE)
    set(console_arg --console ${L_CONSOLE})
  endif()
  set(init ${CMAKE_CURRENT_SOURCE_DIR}/guests/linux/init)
  if(L_INIT)
    set(init ${CMAKE_CURRENT_SOURCE_DIR}/${L_INIT})
  endif()
  add_custom_command(
    OUTPUT ${dir}/initrd.cpio
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${dir}/root
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}/root/bin ${dir}/root/proc
            ${dir}/root/lib/modules
    ${modules_cmd}
    ${copy_programs}
    COMMAND ${CMAKE_COMMAND} -E copy ${busybox} ${dir}/root/bin/busybox
    COMMAND ${CMAKE_COMMAND} -E copy ${init} ${dir}/root/init
    COMMAND sh -c "cd root && find . | ${AV_CPIO} -o -H newc --quiet > ../initrd.cpio"
    WORKING_DIRECTORY ${dir}
    DEPENDS ${busybox} ${init} ${modules_dep} ${PROJECT_SOURCE_DIR}/scripts/guest-modules
            ${L_PROGRAMS} ${L_DEPENDS}
    COMMENT "busybox initramfs for ${name}"
    VERBATIM)
  add_custom_target(${name}_initrd ALL DEPENDS ${dir}/initrd.cpio)
  set(cmdline "console=ttyAMA0 rdinit=/init")
  set(cpus_arg)
  if(L_VCPUS)
    # The guest's /init learns the count it must see from its command line.
    set(cmdline "${cmdline} armvisor.cpus=${L_VCPUS}")
    set(cpus_arg --cpus ${L_VCPUS})
  endif()
  set(disk_arg)
  set(disk_test)
  if(L_DISK)
    if((NOT L_CHECK AND NOT L_PACKAGE_ONLY) OR NOT L_DISK MATCHES "^(rw|ro)$")
      message(FATAL_ERROR "av_linux_test(${name}): DISK rw|ro needs CHECK rw|ro|fsck")
    endif()
    set(disk_arg --disk host:0)
    if(L_DISK STREQUAL "ro")
      set(disk_arg --disk host:0,ro)
    endif()
    add_custom_command(
      OUTPUT ${dir}/disk-template.img
      COMMAND ${PROJECT_SOURCE_DIR}/scripts/mkdisk ${debarch} ${dir}/disk-template.img
      DEPENDS ${busybox} ${PROJECT_SOURCE_DIR}/scripts/mkdisk
      COMMENT "ext4 disk image for ${name}"
      VERBATIM)
    add_custom_target(${name}_disk ALL DEPENDS ${dir}/disk-template.img)
    # armvisor drives the modern virtio-mmio interface only; QEMU 7.2's virt
    # defaults to the legacy one.
    set(disk_test
        QEMU_ARGS -global virtio-mmio.force-legacy=false
                  -drive if=none,file=@DISK@,format=raw,id=d0 -device virtio-blk-device,drive=d0
        DRIVER ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/disk_check.py --mode ${L_CHECK}
               --template ${dir}/disk-template.img --work ${dir}/disk.img)
  endif()
  av_package(${dir}/${name}.pkg ${kernel} --arch ${larch} --initrd ${dir}/initrd.cpio --ram 256
             --name ${name} --cmdline "${cmdline}" ${console_arg} ${cpus_arg} ${disk_arg})
  add_dependencies(package_${name} ${name}_initrd)
  if(L_PACKAGE_ONLY)
    return() # for scripts/bench, not a test
  endif()
  av_system_test(${ARCH}_${name} INITRD ${dir}/${name}.pkg TIMEOUT ${L_TIMEOUT} ${pass}
                 LABELS system linux ${L_LABELS}
                 EXPECT ${host_up} "Booting Linux on physical CPU" ${L_BOOT_EXPECT} "Run /init as init process"
                        "armvisor-linux: init running" "armvisor-linux: timer interrupts: ok"
                        ${L_EXPECT} "reboot: Power down"
                 REJECT ${L_REJECT} SEND ${L_SEND} ${disk_test})
endfunction()

# av_linux_suite(<prefix> <debian arch> <kernel glob> <loader arch> <cpu>
#                [BOOT_EXPECT <regex>...]): the
# Debian Linux tests every arch has, as <ARCH>_<prefix>...:
#   <prefix>            the tests' /init: timer interrupts, CPU features;
#                       BOOT_EXPECT: lines of the kernel's boot log before
#                       /init (av_linux_test's BOOT_EXPECT);
#   <prefix>_smp2/4     several vCPUs on the one CPU (label smp): Linux brings
#                       up its secondaries with PSCI CPU_ON; /init checks
#                       nproc, every CPU's timer, a busy loop per CPU in
#                       parallel, cpu1 offline and online (CPU_OFF / CPU_ON);
#   <prefix>_smp2_on2, <prefix>_smp4_on2  the same with armvisor on 2
#                       physical CPUs (QEMU -smp 2, both brought up);
#   <prefix>_console    console input (label console): the busybox shell of
#                       scripts/run gets a command typed and answers; poweroff
#                       typed ends it;
#   <prefix>_virtio_console  the same through a virtio-console (labels console
#                       and virtio): the loader's --console virtio, Debian's
#                       virtio_mmio and virtio_console modules loaded by /init,
#                       the shell on hvc0;
#   <prefix>_disk       a disk (labels virtio and disk): the VM's virtio-blk
#                       backed by armvisor's own driver of QEMU's
#                       virtio-blk-device on an ext4 image (scripts/mkdisk);
#                       Linux writes 16 MiB to it and syncs, the host checks
#                       the image (e2fsck -fn, the file's sha256 through
#                       debugfs), a second boot reads it back
#                       (tests/system/disk_check.py);
#   <prefix>_disk_ro    the same disk read-only: the guest's writes are
#                       refused, by its kernel and by armvisor's virtio-blk,
#                       and the image is unchanged;
#   <prefix>_disk_console  the shell of scripts/run with the disk at /mnt:
#                       a file on it is read, poweroff leaves the image clean.
function(av_linux_suite prefix debarch kglob larch cpu)
  cmake_parse_arguments(PARSE_ARGV 5 S "" "" "BOOT_EXPECT")
  set(k ${debarch} "${kglob}" ${larch})
  set(boot)
  if(S_BOOT_EXPECT)
    set(boot BOOT_EXPECT ${S_BOOT_EXPECT})
  endif()
  av_linux_test(${prefix} ${k} CPU ${cpu} MEMORY 1024M ${boot})
  foreach(n 2 4)
    set(smp_expect EXPECT "armvisor-linux: every CPU's timer interrupts grew: ok"
                          "armvisor-linux: cpu1 offline and online again: ok"
                          "armvisor-linux: ${n} of ${n} parallel busy loops finished: ok"
                          "armvisor-linux: nproc ${n} = vCPUs ${n}: ok")
    av_linux_test(${prefix}_smp${n} ${k} CPU ${cpu} MEMORY 1024M VCPUS ${n}
                  INIT guests/linux/init-smp LABELS smp ${smp_expect})
    av_linux_test(${prefix}_smp${n}_on2 ${k} CPU ${cpu} MEMORY 1024M VCPUS ${n} HOST_CPUS 2
                  INIT guests/linux/init-smp LABELS smp ${smp_expect})
  endforeach()
  set(shell SEND "armvisor-linux# " "tty\\recho $((6*7))\\r" "\\| 42" "poweroff\\r")
  av_linux_test(${prefix}_console ${k} INIT guests/linux/init-shell
                CPU ${cpu} MEMORY 1024M LABELS console
                EXPECT "armvisor-linux: shell on the console" "\\| /dev/ttyAMA0" "\\| 42"
                ${shell})
  av_linux_test(${prefix}_virtio_console ${k} INIT guests/linux/init-shell
                CONSOLE virtio MODULES virtio_mmio virtio_console
                CPU ${cpu} MEMORY 1024M LABELS console virtio
                EXPECT "armvisor-linux: virtio console hvc0" "armvisor-linux: shell on the console"
                       "\\| /dev/hvc0" "\\| 42"
                ${shell})
  set(disk MODULES virtio_mmio virtio_blk crc32c_generic ext4 CPU ${cpu} MEMORY 1024M)
  set(motd "armvisor-linux: motd: hello from armvisor's disk")
  av_linux_test(${prefix}_disk ${k} INIT guests/linux/init-disk ${disk} DISK rw CHECK rw
                LABELS virtio disk
                EXPECT "armvisor-linux: disk vda: [0-9]+ sectors" "${motd}"
                       "armvisor-linux: disk (wrote|read) /mnt/data 16777216 bytes, sha256 [0-9a-f]{64}")
  av_linux_test(${prefix}_disk_ro ${k} INIT guests/linux/init-disk ${disk} DISK ro CHECK ro
                LABELS virtio disk
                EXPECT "armvisor-linux: disk vda: [0-9]+ sectors" "armvisor-linux: disk vda is read-only"
                       "${motd}" "armvisor-linux: file write refused: ok"
                       "armvisor-linux: raw write refused by the device: ok")
  av_linux_test(${prefix}_disk_console ${k} INIT guests/linux/init-shell ${disk} DISK rw CHECK fsck
                LABELS console virtio disk
                EXPECT "armvisor-linux: disk /dev/vda mounted at /mnt: hello from armvisor's disk"
                       "armvisor-linux: shell on the console" "\\| hello from armvisor's disk"
                SEND "armvisor-linux# " "cat /mnt/etc/motd\\r" "\\| hello from" "poweroff\\r")
  av_linux_test(${prefix}_disk_bench ${k} INIT guests/linux/init-disk-bench ${disk} DISK rw
                PACKAGE_ONLY)
endfunction()
