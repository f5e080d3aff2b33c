# ARMv7 system tests: armvisor.bin booted in Hyp mode on qemu-system-arm
# (virt board, Cortex-A15 with the Virtualization Extensions), a guest from
# tests/system/guests/a32 passed as the initrd, the console checked by
# qemu_check.py. Label: system.
set(ARMV7_QEMU qemu-system-arm -M virt,virtualization=on -cpu cortex-a15 -m 512M
    -nographic -nic none -kernel ${ARMVISOR_BIN})

# Boot without a guest: the hypervisor says why and powers off (status 2).
add_test(NAME armv7_boot_no_guest
         COMMAND ${QEMU_CHECK} --timeout 30
                 --expect "armvisor: armv7 port, Hyp mode"
                 --expect "r2 \\(DTB\\)=0x[0-9a-f]+"
                 --expect "no guest image: pass one as the initrd"
                 --expect "armvisor: halt 2"
                 --reject "exception in Hyp mode"
                 -- ${ARMV7_QEMU})

# Started in SVC (no virtualization): refused with a message on the UART,
# then powered off through QEMU's PSCI (HVC conduit without virtualization).
add_test(NAME armv7_boot_refuses_svc
         COMMAND ${QEMU_CHECK} --timeout 20
                 --expect "entered in CPU mode 0x00000013, not Hyp"
                 -- qemu-system-arm -M virt -cpu cortex-a15 -m 512M -nographic -nic none
                    -kernel ${ARMVISOR_BIN})
set_tests_properties(armv7_boot_no_guest armv7_boot_refuses_svc PROPERTIES LABELS system)
