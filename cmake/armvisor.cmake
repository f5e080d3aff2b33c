# Shared build settings for armvisor.

option(AV_SANITIZE "Build sim with AddressSanitizer and UBSan" OFF)
option(AV_TSAN "Build sim with ThreadSanitizer (the sim's guests and vCPUs run on host threads)" OFF)

if(ARCH STREQUAL "sim")
  set(AV_FREESTANDING OFF)
  if(AV_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                        -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
  endif()
  if(AV_TSAN)
    add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
    add_link_options(-fsanitize=thread)
  endif()
else()
  set(AV_FREESTANDING ON)
  # No C library in the images: the few libc declarations we use come from
  # our own headers (src/lib/include), matching src/lib/string.c.
  include_directories(BEFORE SYSTEM ${CMAKE_CURRENT_LIST_DIR}/../src/lib/include)
endif()
if(ARCH STREQUAL "armv7")
  # arm-none-eabi's bare-metal ABI makes int32_t/uint32_t `long` (Linux
  # toolchains: `int`), so "%x" with a uint32_t, right on every other build of
  # the shared code, would fail -Wformat. Both are 32 bits under the AAPCS:
  # use the Linux types. (Here, not in the toolchain's FLAGS_INIT, so that an
  # existing build tree picks it up too.)
  add_compile_options("$<$<COMPILE_LANGUAGE:C>:-U__INT32_TYPE__;-D__INT32_TYPE__=int;-U__UINT32_TYPE__;-D__UINT32_TYPE__=unsigned int;-U__INT_LEAST32_TYPE__;-D__INT_LEAST32_TYPE__=int;-U__UINT_LEAST32_TYPE__;-D__UINT_LEAST32_TYPE__=unsigned int>")
endif()

# Every library and program sees src/ as the include root: "core/vm.h",
# "arch/arch.h", "vdev/pl011.h", "lib/page_alloc.h".
include_directories(${PROJECT_SOURCE_DIR}/src)

# The libraries call each other both ways (core -> arch_* functions, arch ->
# core objects), so programs link them as one group the linker rescans.
if(NOT CMAKE_C_LINK_GROUP_USING_RESCAN_SUPPORTED)
  set(CMAKE_C_LINK_GROUP_USING_RESCAN "LINKER:--start-group" "LINKER:--end-group")
  set(CMAKE_C_LINK_GROUP_USING_RESCAN_SUPPORTED TRUE)
endif()
function(av_link_all target)
  target_link_libraries(${target} PRIVATE "$<LINK_GROUP:RESCAN,av_arch,av_vdev,av_core,av_lib>")
endfunction()

# Layering (docs/architecture.md), checked at configure time: every quoted
# or angle-bracket include of the C files and headers in DIR that names a
# folder ("x/y.h") must match ALLOWED, and none may climb out with "..".
# Plain system headers (<stdint.h>, "loader.h") have no folder and pass.
function(av_check_includes dir allowed what)
  file(GLOB files ${dir}/*.c ${dir}/*.h)
  foreach(f ${files})
    file(STRINGS ${f} incs REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]")
    foreach(line ${incs})
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[\"<]([^\">]*)[\">].*" "\\1" inc "${line}")
      if(inc MATCHES "\\.\\." OR (inc MATCHES "/" AND NOT inc MATCHES "${allowed}"))
        message(FATAL_ERROR "${f} includes \"${inc}\": ${what} (docs/architecture.md)")
      endif()
    endforeach()
  endforeach()
endfunction()
