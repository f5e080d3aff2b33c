# Freestanding AArch64 hypervisor image (runs at EL2).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_OBJCOPY aarch64-linux-gnu-objcopy CACHE FILEPATH "objcopy")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
# No FP/SIMD in the hypervisor: the guest's registers stay untouched until we
# switch them on purpose. Strict alignment: before the MMU is on, all memory
# is Device and an unaligned access faults.
# No pointer authentication or BTI in the hypervisor's own code either
# (-mbranch-protection=none, gcc's default, said so it stays): the PAuth keys
# in the CPU are the guest's (src/arch/armv8/pauth.c switches them).
set(CMAKE_C_FLAGS_INIT "-ffreestanding -fno-builtin -mgeneral-regs-only -mno-outline-atomics -mstrict-align -mbranch-protection=none -fno-pie -fno-stack-protector -fno-common")
set(CMAKE_ASM_FLAGS_INIT "-ffreestanding")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -static -no-pie -Wl,--build-id=none")
