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

# a32_guest(<name> <arm|thumb> <sources>...): guests/a32/<name>.bin, the
# sources after image_head.S (a zImage header: armvisor runs a bare initrd
# only if it is a recognisable kernel image), start.S and guest.c.
function(a32_guest name isa)
  set(elf ${A32_OUT}/${name}.elf)
  set(bin ${A32_OUT}/${name}.bin)
  set(common ${A32_DIR}/image_head.S ${A32_DIR}/start.S ${A32_DIR}/guest.c)
  list(TRANSFORM ARGN PREPEND ${A32_DIR}/ OUTPUT_VARIABLE srcs)
  add_custom_command(
    OUTPUT ${bin}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${A32_OUT}
    COMMAND ${A32_CC} ${A32_CFLAGS} -m${isa} -o ${elf} ${common} ${srcs} -lgcc
    COMMAND ${A32_OBJCOPY} -O binary ${elf} ${bin}
    DEPENDS ${common} ${srcs} ${A32_DIR}/guest.h ${A32_DIR}/guest.ld
            ${PROJECT_SOURCE_DIR}/src/core/cntv_ctl.h
            ${CMAKE_CURRENT_SOURCE_DIR}/guests/vgic_inflight.h
    COMMENT "a32 guest ${name} (${isa})")
  add_custom_target(guest_a32_${name} ALL DEPENDS ${bin})
endfunction()

# a32_dtb_guest(): guests/a32/dtb.bin, the guest that checks the DTB a
# package hands it with the Linux arm protocol. dtb_entry.S comes first:
# its .text.start is the entry at 0x40000000.
function(a32_dtb_guest)
  set(srcs ${A32_DIR}/dtb_entry.S ${A32_DIR}/start.S ${A32_DIR}/guest.c ${A32_DIR}/dtb.c)
  add_custom_command(
    OUTPUT ${A32_OUT}/dtb.bin
    COMMAND ${CMAKE_COMMAND} -E make_directory ${A32_OUT}
    COMMAND ${A32_CC} ${A32_CFLAGS} -marm -o ${A32_OUT}/dtb.elf ${srcs} -lgcc
    COMMAND ${A32_OBJCOPY} -O binary ${A32_OUT}/dtb.elf ${A32_OUT}/dtb.bin
    DEPENDS ${srcs} ${A32_DIR}/guest.h ${A32_DIR}/guest.ld
            ${CMAKE_CURRENT_SOURCE_DIR}/guests/dtb_walk.h
    COMMENT "a32 guest dtb (Linux arm protocol entry)")
  add_custom_target(guest_a32_dtb ALL DEPENDS ${A32_OUT}/dtb.bin)
endfunction()
