# Freestanding ARMv7-A (Cortex-A15, LPAE + virtualization) hypervisor image.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_OBJCOPY arm-none-eabi-objcopy CACHE FILEPATH "objcopy")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
# Soft-float: the hypervisor never touches VFP/NEON, which belong to guests.
set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-a15 -marm -mfloat-abi=soft -ffreestanding -fno-builtin -fno-pie -fno-stack-protector -fno-common")
# The bare-metal ABI makes int32_t/uint32_t `long` (Linux toolchains: `int`),
# so "%x" with a uint32_t, right on every other build of the shared code,
# would fail -Wformat. Both are 32 bits under the AAPCS: use the Linux types.
string(APPEND CMAKE_C_FLAGS_INIT " -U__INT32_TYPE__ -D__INT32_TYPE__=int -U__UINT32_TYPE__ -D__UINT32_TYPE__=\"unsigned int\" -U__INT_LEAST32_TYPE__ -D__INT_LEAST32_TYPE__=int -U__UINT_LEAST32_TYPE__ -D__UINT_LEAST32_TYPE__=\"unsigned int\"")
set(CMAKE_ASM_FLAGS_INIT "-mcpu=cortex-a15 -marm -mfloat-abi=soft")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -static -Wl,--build-id=none")
