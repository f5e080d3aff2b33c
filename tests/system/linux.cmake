# Debian's Linux under armvisor (label linux): the kernel and busybox come from
# scripts/fetch-guests (guests/, not in git), so a test exists only when they
# do. A busybox initramfs whose /init (guests/linux/init) checks that timer
# interrupts arrived through the vGIC and powers off, packed with the loader;
# or, with INIT guests/linux/init-shell, one that then gives a shell on the
# console (what scripts/run boots; the console tests type into it).
# Needs loader.cmake (av_package, AV_HOST_LOADER) included first.
find_program(AV_CPIO cpio)

# av_linux_test(<name> <debian-arch> <kernel glob> <loader arch> [INIT <file>]
#               [CONSOLE pl011|virtio] [MODULES <path>...] [HOST_CPUS <n>]
#               [BOOT_EXPECT <regex>...] [EXPECT <regex>...] [LABELS <label>...]
#               <av_system_test options>...)
# The package is the initrd. INIT: the /init (default guests/linux/init).
# CONSOLE: the loader's --console. MODULES: kernel modules (paths under the
# Debian kernel's lib/modules/<version>/kernel/) put in /lib/modules of the
# initramfs, for the /init to load; without them the test is not registered.
# BOOT_EXPECT: lines of the kernel's boot log, before /init runs. EXPECT:
# further lines, after the timer check and before the power-down.
# HOST_CPUS: physical CPUs (QEMU -smp), every one of which armvisor must
# bring up (av_cpus_up_expect) before the guest starts.
# LABELS: besides system and linux. PROGRAMS: further files (programs the
# test built for the guest) put in /bin of the initramfs; DEPENDS: the
# targets that build them.
function(av_linux_test name debarch kglob larch)
  # Every av_system_test keyword is named here too, so that a multi-value
  # one of ours (EXPECT, LABELS) ends where the next keyword starts; they
  # are passed on as given.
  cmake_parse_arguments(PARSE_ARGV 4 L "NO_HALT"
                        "INIT;CONSOLE;VCPUS;HOST_CPUS;CPU;SMP;GIC;MEMORY;MACHINE;KERNEL;TIMEOUT;HALT;DISABLED"
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
  set(kos)
  foreach(m IN LISTS L_MODULES)
    file(GLOB ko ${PROJECT_SOURCE_DIR}/guests/${debarch}/lib/modules/*/kernel/${m})
    if(NOT ko)
      return()
    endif()
    list(APPEND kos ${ko})
  endforeach()
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${name})
  set(copy_kos)
  foreach(ko IN LISTS kos)
    list(APPEND copy_kos COMMAND ${CMAKE_COMMAND} -E copy ${ko} ${dir}/root/lib/modules/)
  endforeach()
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
    ${copy_kos}
    ${copy_programs}
    COMMAND ${CMAKE_COMMAND} -E copy ${busybox} ${dir}/root/bin/busybox
    COMMAND ${CMAKE_COMMAND} -E copy ${init} ${dir}/root/init
    COMMAND sh -c "cd root && find . | ${AV_CPIO} -o -H newc --quiet > ../initrd.cpio"
    WORKING_DIRECTORY ${dir}
    DEPENDS ${busybox} ${init} ${kos} ${L_PROGRAMS} ${L_DEPENDS}
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
  av_package(${dir}/${name}.pkg ${kernel} --arch ${larch} --initrd ${dir}/initrd.cpio --ram 256
             --name ${name} --cmdline "${cmdline}" ${console_arg} ${cpus_arg})
  add_dependencies(package_${name} ${name}_initrd)
  av_system_test(${ARCH}_${name} INITRD ${dir}/${name}.pkg TIMEOUT ${L_TIMEOUT} ${pass}
                 LABELS system linux ${L_LABELS}
                 EXPECT ${host_up} "Booting Linux on physical CPU" ${L_BOOT_EXPECT} "Run /init as init process"
                        "armvisor-linux: init running" "armvisor-linux: timer interrupts: ok"
                        ${L_EXPECT} "reboot: Power down"
                 REJECT ${L_REJECT} SEND ${L_SEND})
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
#                       the shell on hvc0.
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
                CONSOLE virtio MODULES drivers/virtio/virtio_mmio.ko drivers/char/virtio_console.ko
                CPU ${cpu} MEMORY 1024M LABELS console virtio
                EXPECT "armvisor-linux: virtio console hvc0" "armvisor-linux: shell on the console"
                       "\\| /dev/hvc0" "\\| 42"
                ${shell})
endfunction()
