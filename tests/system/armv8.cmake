# ARMv8 system tests: armvisor.bin booted at EL2 on qemu-system-aarch64 (virt
# board with virtualization=on), a guest from tests/system/guests/a64 passed
# as the initrd, the console checked by qemu_check.py. Label: system.
set(ARMV8_QEMU_ARGS -M virt,virtualization=on -m 512M -nographic -nic none
    -kernel ${ARMVISOR_BIN})

# Boot checks that need no guest.
add_test(NAME armv8_boot_no_guest
         COMMAND ${QEMU_CHECK} --timeout 60
                 --expect "armvisor: armv8 at EL2" --expect "armvisor: EL2 MMU on"
                 --expect "no guest image" --expect "armvisor: halt 1"
                 --reject "EL2 exception"
                 -- qemu-system-aarch64 ${ARMV8_QEMU_ARGS} -cpu cortex-a57)
add_test(NAME armv8_boot_wrong_el
         COMMAND ${QEMU_CHECK} --timeout 60
                 --expect "entered at EL1, but armvisor runs at EL2" --expect "armvisor: halt 2"
                 -- qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512M -nographic -nic none
                    -kernel ${ARMVISOR_BIN})
set_tests_properties(armv8_boot_no_guest armv8_boot_wrong_el PROPERTIES LABELS system)
