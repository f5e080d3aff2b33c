# av_system_test: the one way a system test is registered, on every arch.
#
# av_system_test(<name> CPU <model> [INITRD <file>] [APPEND <bootargs>]
#                [SMP <n>] [GIC <version>] [MEMORY <size>] [MACHINE <machine>]
#                [KERNEL <image>] [TIMEOUT <s>] [HALT <status> | NO_HALT] [NO_VERDICT]
#                [QEMU_ARGS <arg>...]
#                [EXPECT <regex>...] [REJECT <regex>...] [SAME <group>...]
#                [SEND <after-regex> <text>...] [QEMU_ARGS <arg>...]
#                [DRIVER <command>...] [LABELS <label>...] [DISABLED <why>])
#
# Boots KERNEL (default the hypervisor image, ARMVISOR_BIN) on AV_QEMU
# (qemu-system-arm or -aarch64, set by the arch's file) as
#   -M <MACHINE>,gic-version=<GIC> -cpu <CPU> -smp <SMP> -m <MEMORY>
#   -nographic -nic none [-initrd INITRD] [-append APPEND]
# (defaults: virt,virtualization=on, GICv2, 1 CPU, 512M), then QEMU_ARGS
# (e.g. -icount shift=0 for guest time that counts instructions), and checks the
# console with qemu_check.py: every EXPECT in order, then "armvisor: halt
# <HALT>" (default 0) unless NO_HALT; QEMU must power off by itself. Unless
# NO_HALT or NO_VERDICT, armvisor's unforgeable verdict must say <HALT> too
# (qemu_check.py --verdict: a random token in the bootargs, lib/verdict.h);
# NO_VERDICT is for a halt before armvisor has read its DTB. Every
# test rejects "armvisor: error", ": FAIL" and the arch's fault report
# (AV_FAULT_REJECT) on any line an EXPECT did not match, plus its own
# REJECTs. SAME <group>: the named group (?P<group>...) must be captured
# by two or more EXPECTs, all with the same text (qemu_check.py --same: a
# count the guest prints against armvisor's). SEND types <text> on the
# console after <after-regex> appears.
# QEMU_ARGS go on QEMU's command line after the rest. DRIVER runs the
# check through a command that gets the whole qemu_check.py command line as
# its arguments (tests/system/disk_check.py: boots it more than once, checks
# the disk image afterwards).
# DISABLED registers the test disabled; <why> is for the reader (say what
# QEMU does wrong, so it is re-enabled when that is fixed).
function(av_system_test name)
  cmake_parse_arguments(PARSE_ARGV 1 T "NO_HALT;NO_VERDICT"
                        "CPU;SMP;GIC;MEMORY;MACHINE;KERNEL;INITRD;APPEND;TIMEOUT;HALT;DISABLED"
                        "EXPECT;REJECT;SAME;SEND;LABELS;QEMU_ARGS;DRIVER")
  if(T_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "av_system_test(${name}): unknown arguments ${T_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT T_CPU)
    message(FATAL_ERROR "av_system_test(${name}): CPU is required")
  endif()
  foreach(opt SMP:1 GIC:2 MEMORY:512M MACHINE:virt,virtualization=on TIMEOUT:60 HALT:0
              KERNEL:${ARMVISOR_BIN} LABELS:system)
    string(REPLACE ":" ";" kv ${opt})
    list(GET kv 0 key)
    list(GET kv 1 value)
    if(NOT DEFINED T_${key} OR "${T_${key}}" STREQUAL "")
      set(T_${key} ${value})
    endif()
  endforeach()

  set(check --timeout ${T_TIMEOUT})
  foreach(rx IN LISTS T_EXPECT)
    list(APPEND check --expect "${rx}")
  endforeach()
  if(NOT T_NO_HALT)
    list(APPEND check --expect "armvisor: halt ${T_HALT}")
    if(NOT T_NO_VERDICT)
      list(APPEND check --verdict ${T_HALT})
    endif()
  endif()
  foreach(group IN LISTS T_SAME)
    list(APPEND check --same ${group})
  endforeach()
  foreach(rx IN LISTS AV_FAULT_REJECT T_REJECT ITEMS ": FAIL" "armvisor: error")
    list(APPEND check --reject "${rx}")
  endforeach()
  list(LENGTH T_SEND nsend)
  math(EXPR odd "${nsend} % 2")
  if(odd)
    message(FATAL_ERROR "av_system_test(${name}): SEND takes <after-regex> <text> pairs")
  endif()
  while(T_SEND)
    list(POP_FRONT T_SEND after text)
    list(APPEND check --send "${after}" "${text}")
  endwhile()

  set(qemu ${AV_QEMU} -M ${T_MACHINE},gic-version=${T_GIC} -cpu ${T_CPU} -smp ${T_SMP}
      -m ${T_MEMORY} -nographic -nic none -kernel ${T_KERNEL})
  if(T_INITRD)
    list(APPEND qemu -initrd ${T_INITRD})
  endif()
  if(T_APPEND)
    list(APPEND qemu -append ${T_APPEND})
  endif()
  list(APPEND qemu ${T_QEMU_ARGS})
  add_test(NAME ${name} COMMAND ${T_DRIVER} ${QEMU_CHECK} ${check} -- ${qemu})
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
  if(T_DISABLED)
    set_tests_properties(${name} PROPERTIES DISABLED TRUE)
  endif()
endfunction()

# av_cpus_up_expect(<var> <n>): in <var>, what armvisor logs when it brought
# up all <n> physical CPUs QEMU's -smp <n> gives (arch/boot/smp.c: each
# secondary by PSCI CPU_ON, in DTB order, MPIDR Aff0 = its number on QEMU
# virt), for an EXPECT list; AV_CPUS_UP_REJECT holds what it logs when one
# did not come up.
function(av_cpus_up_expect var n)
  set(lines "armvisor: ${n} CPU\\(s\\) in the DTB")
  math(EXPR last "${n} - 1")
  if(last GREATER 0)
    foreach(i RANGE 1 ${last})
      list(APPEND lines "armvisor: CPU ${i} \\(MPIDR 0x${i}\\) up")
    endforeach()
  endif()
  list(APPEND lines "armvisor: ${n} CPU\\(s\\) online")
  set(${var} ${lines} PARENT_SCOPE)
endfunction()
set(AV_CPUS_UP_REJECT "PSCI CPU_ON failed" "not online after")
