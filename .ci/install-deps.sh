#!/usr/bin/env bash
# Installs every Debian package armvisor's build and tests use. Idempotent.
set -u
export DEBIAN_FRONTEND=noninteractive
dpkg --add-architecture arm64
dpkg --add-architecture armhf
# An index for one foreign arch may fail to download; that must not stop us.
apt-get update || true
apt-get install -y --no-install-recommends \
  cmake ninja-build gcc g++ clang libclang-rt-14-dev \
  gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-arm-none-eabi \
  binutils-aarch64-linux-gnu binutils-arm-linux-gnueabihf \
  libc6-dev-arm64-cross libc6-dev-armhf-cross \
  qemu-system-arm qemu-user libfdt-dev libcmocka-dev \
  device-tree-compiler u-boot-qemu cpio python3 \
  libcmocka-dev:arm64 libcmocka-dev:armhf || exit 1
