/*
 * The freestanding <string.h> of the hypervisor images: arm-none-eabi-gcc without
 * newlib ships no C library headers, and GCC's freestanding set (stddef,
 * stdint, stdbool, stdarg) has no string.h. These are exactly the functions
 * src/lib/string.c implements. Put first on the include path of every
 * freestanding build by cmake/armvisor.cmake.
 */
#ifndef LIB_FREESTANDING_STRING_H
#define LIB_FREESTANDING_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif
