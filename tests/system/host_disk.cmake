# armvisor's own driver of the host's virtio-blk (src/arch/virtio_blk), on
# its own, before any VM uses it (labels system and disk): QEMU gets a
# virtio-blk-device on a blank 1 MiB image and armvisor finds it in the DTB
# by its DeviceID. <ARCH>_host_disk: armvisor.selftest=disk writes 64 KiB in
# 16 segments, flushes, reads back and compares, and reads past the end
# (vblk_selftest.c), every completion by the device's interrupt, then the
# guest runs as usual (snapshot=on: the image file is not written).
# <ARCH>_host_disk_ro: the drive read-only, the device says so (RO), the
# write fails before it reaches the device. <ARCH>_host_disk_legacy: QEMU's
# default legacy virtio-mmio (Version 1) is refused with the reason, and
# the guest runs without a disk.
# av_host_disk_tests(<guest image> <cpu> <guest's last line>)
function(av_host_disk_tests guest cpu last)
  set(img ${CMAKE_CURRENT_BINARY_DIR}/host_disk.img)
  add_custom_command(OUTPUT ${img} COMMAND truncate -s 1M ${img} COMMENT "blank 1 MiB disk image")
  add_custom_target(host_disk_img ALL DEPENDS ${img})
  set(modern -global virtio-mmio.force-legacy=false)
  set(dev -device virtio-blk-device,drive=d0)
  set(found "virtio-blk@0x[0-9a-f]+: host disk 0: 2048 sectors \\(1 MiB\\)")
  set(st "disk selftest:")
  av_system_test(${ARCH}_host_disk CPU ${cpu} INITRD ${guest} APPEND armvisor.selftest=disk
                 LABELS system disk
                 QEMU_ARGS ${modern} -drive if=none,file=${img},format=raw,id=d0,snapshot=on ${dev}
                 EXPECT "${found}, read-write, flush yes"
                        "${st} 64 KiB written in 16 segments, completed by interrupt: ok"
                        "${st} flush: ok" "${st} 64 KiB read: ok"
                        "${st} what was read is what was written: ok"
                        "${st} a read past the disk's end fails: ok" "${last}")
  av_system_test(${ARCH}_host_disk_ro CPU ${cpu} INITRD ${guest} APPEND armvisor.selftest=disk
                 LABELS system disk
                 QEMU_ARGS ${modern} -drive if=none,file=${img},format=raw,id=d0,readonly=on ${dev}
                 EXPECT "${found}, read-only"
                        "${st} a write to the read-only disk fails: ok" "${st} 64 KiB read: ok"
                        "${st} a read past the disk's end fails: ok" "${last}")
  av_system_test(${ARCH}_host_disk_legacy CPU ${cpu} INITRD ${guest}
                 LABELS system disk
                 QEMU_ARGS -drive if=none,file=${img},format=raw,id=d0,readonly=on ${dev}
                 EXPECT "virtio-blk@0x[0-9a-f]+: virtio-mmio Version 1 .*: not used" "${last}"
                 REJECT "host disk 0")
endfunction()
