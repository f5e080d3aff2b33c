# Freestanding ARMv7-A (Cortex-A15, LPAE + virtualization) hypervisor image.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_OBJCOPY arm-none-eabi-objcopy CACHE FILEPATH "objcopy")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
# Soft-float: the hypervisor never touches VFP/NEON, which belong to guests.
set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-a15 -marm -mfloat-abi=soft -ffreestanding -fno-builtin -fno-pie -fno-stack-protector -fno-common")
set(CMAKE_ASM_FLAGS_INIT "-mcpu=cortex-a15 -marm -mfloat-abi=soft")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -static -Wl,--build-id=none")
