# The loader's sources, one list for its two builds: tools/loader (native
# sim trees) and tests/system/loader.cmake (the host copy the armv7/armv8
# trees build with the host compiler).
set(AV_LOADER_SRCS
    ${CMAKE_CURRENT_LIST_DIR}/main.c ${CMAKE_CURRENT_LIST_DIR}/kernel.c
    ${CMAKE_CURRENT_LIST_DIR}/elf.c ${CMAKE_CURRENT_LIST_DIR}/layout.c
    ${CMAKE_CURRENT_LIST_DIR}/devices.c ${CMAKE_CURRENT_LIST_DIR}/guest_dtb.c
    ${CMAKE_CURRENT_LIST_DIR}/package.c ${CMAKE_CURRENT_LIST_DIR}/../../src/core/vm_package.c)
