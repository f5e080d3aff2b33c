# Debian's Linux under armvisor (label linux): the kernel and busybox come from
# scripts/fetch-guests (guests/, not in git), so a test exists only when they
# do. A busybox initramfs whose /init (guests/linux/init) checks that timer
# interrupts arrived through the vGIC and powers off, packed with the loader.
# Needs loader.cmake (av_package, AV_HOST_LOADER) included first.
find_program(AV_CPIO cpio)

# av_linux_test(<name> <debian-arch> <kernel glob> <loader arch> <av_system_test options>...)
# The package is the initrd.
function(av_linux_test name debarch kglob larch)
  file(GLOB kernel ${PROJECT_SOURCE_DIR}/guests/${debarch}/boot/${kglob})
  set(busybox ${PROJECT_SOURCE_DIR}/guests/${debarch}/bin/busybox)
  if(NOT AV_HOST_LOADER OR NOT kernel OR NOT EXISTS ${busybox} OR NOT AV_CPIO)
    return()
  endif()
  list(GET kernel 0 kernel)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${name})
  set(init ${CMAKE_CURRENT_SOURCE_DIR}/guests/linux/init)
  add_custom_command(
    OUTPUT ${dir}/initrd.cpio
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${dir}/root
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}/root/bin ${dir}/root/proc
    COMMAND ${CMAKE_COMMAND} -E copy ${busybox} ${dir}/root/bin/busybox
    COMMAND ${CMAKE_COMMAND} -E copy ${init} ${dir}/root/init
    COMMAND sh -c "cd root && find . | ${AV_CPIO} -o -H newc --quiet > ../initrd.cpio"
    WORKING_DIRECTORY ${dir}
    DEPENDS ${busybox} ${init}
    COMMENT "busybox initramfs for ${name}"
    VERBATIM)
  add_custom_target(${name}_initrd ALL DEPENDS ${dir}/initrd.cpio)
  av_package(${dir}/${name}.pkg ${kernel} --arch ${larch} --initrd ${dir}/initrd.cpio --ram 256
             --name ${name} --cmdline "console=ttyAMA0 rdinit=/init")
  add_dependencies(package_${name} ${name}_initrd)
  av_system_test(${ARCH}_${name} INITRD ${dir}/${name}.pkg TIMEOUT 300 LABELS system linux
                 EXPECT "Booting Linux on physical CPU" "Run /init as init process"
                        "armvisor-linux: init running" "armvisor-linux: timer interrupts: ok"
                        "reboot: Power down"
                 ${ARGN})
endfunction()
