# armvisor-loader for the system tests. The armv7/armv8 trees cross-build
# the hypervisor, but the loader is a host tool: build it here with the host
# C compiler (not CMAKE_C_COMPILER) against the host's libfdt. Sets
# AV_HOST_LOADER (empty when there is no host compiler or libfdt) and
# defines av_package().
find_program(AV_HOST_CC NAMES cc gcc clang NO_CMAKE_FIND_ROOT_PATH)
find_file(AV_HOST_LIBFDT_H libfdt.h PATHS /usr/include /usr/local/include
          NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
set(AV_HOST_LOADER "")
if(NOT AV_HOST_CC OR NOT AV_HOST_LIBFDT_H)
  message(STATUS "host cc or libfdt.h missing (apt install libfdt-dev): no VM package tests")
  return()
endif()

set(AV_HOST_LOADER ${CMAKE_BINARY_DIR}/host/armvisor-loader)
set(loader_dir ${PROJECT_SOURCE_DIR}/tools/loader)
include(${loader_dir}/sources.cmake)
set(loader_srcs ${AV_LOADER_SRCS})
add_custom_command(
  OUTPUT ${AV_HOST_LOADER}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/host
  COMMAND ${AV_HOST_CC} -std=gnu11 -O2 -Wall -Wextra -Werror -I${PROJECT_SOURCE_DIR}/src
          -I${loader_dir} -o ${AV_HOST_LOADER} ${loader_srcs} -lfdt
  DEPENDS ${loader_srcs} ${loader_dir}/loader.h ${PROJECT_SOURCE_DIR}/src/core/vm_package.h
          ${PROJECT_SOURCE_DIR}/src/core/virt_layout.h ${PROJECT_SOURCE_DIR}/src/core/vm_device.h
          ${PROJECT_SOURCE_DIR}/src/lib/le.h
  COMMENT "armvisor-loader (host tool)")
add_custom_target(host_loader ALL DEPENDS ${AV_HOST_LOADER})

# av_package(<out> <kernel> <loader args>...): run the loader at build time;
# the package is rebuilt when the kernel, the loader or a file named after
# --initrd / --dtb changes.
function(av_package out kernel)
  # The files the loader reads besides the kernel (after --initrd / --dtb)
  # are dependencies too: a new initramfs makes a new package.
  set(inputs)
  set(next_is_file FALSE)
  foreach(arg IN LISTS ARGN)
    if(next_is_file)
      list(APPEND inputs ${arg})
    endif()
    set(next_is_file FALSE)
    if(arg STREQUAL "--initrd" OR arg STREQUAL "--dtb")
      set(next_is_file TRUE)
    endif()
  endforeach()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${AV_HOST_LOADER} --kernel ${kernel} ${ARGN} -o ${out}
    DEPENDS ${AV_HOST_LOADER} ${kernel} ${inputs}
    COMMENT "VM package ${out}"
    VERBATIM)
  get_filename_component(name ${out} NAME_WE)
  add_custom_target(package_${name} ALL DEPENDS ${out})
endfunction()

# av_zeros(<out> <bytes>): a file of zero bytes (a guest image that can
# only fault: the livelock tests).
function(av_zeros out bytes)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${Python3_EXECUTABLE} -c "import sys; open(sys.argv[1],'wb').write(bytes(int(sys.argv[2])))"
            ${out} ${bytes}
    COMMENT "zero-filled guest image ${out}"
    VERBATIM)
  get_filename_component(name ${out} NAME_WE)
  add_custom_target(image_${name} ALL DEPENDS ${out})
endfunction()

# av_truncated(<out> <in> <bytes>): the first <bytes> of <in> (a kernel
# image whose header is cut short).
function(av_truncated out in bytes)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${Python3_EXECUTABLE} -c
            "import sys; open(sys.argv[2],'wb').write(open(sys.argv[1],'rb').read()[:int(sys.argv[3])])"
            ${in} ${out} ${bytes}
    DEPENDS ${in}
    COMMENT "truncated image ${out}"
    VERBATIM)
  get_filename_component(name ${out} NAME_WE)
  add_custom_target(image_${name} ALL DEPENDS ${out})
endfunction()

# av_corrupt(<out> <in>): a copy of a package with one kernel byte flipped
# (the checksum no longer matches), for the refusal tests.
function(av_corrupt out in)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${Python3_EXECUTABLE} -c
            "import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[8192]^=1; open(sys.argv[2],'wb').write(b)"
            ${in} ${out}
    DEPENDS ${in}
    COMMENT "corrupted VM package ${out}"
    VERBATIM)
  get_filename_component(name ${out} NAME_WE)
  add_custom_target(package_${name} ALL DEPENDS ${out})
endfunction()
