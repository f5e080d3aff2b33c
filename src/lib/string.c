/* The libc functions GCC may emit calls to even with -ffreestanding
 * (memcpy, memmove, memset, memcmp), plus strlen, for freestanding builds. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A word that may alias anything, as these functions' memory is of any type. */
typedef uint64_t __attribute__((may_alias)) word_t;
#define WORD sizeof(word_t)

static int word_aligned(const void *p)
{
    return ((uintptr_t)p & (WORD - 1)) == 0;
}

/* Whole words where both ends allow: the exit path copies and clears
 * records of tens of bytes on every exit (a byte loop costs three
 * instructions a byte). */
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (word_aligned(d) && word_aligned(s))
        for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
            *(word_t *)(void *)d = *(const word_t *)(const void *)s;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    for (; n && !word_aligned(d); n--)
        *d++ = (unsigned char)c;
    /* The byte in every byte of a word; zero, the usual value, as it is
     * (a 64-bit multiply is a long sequence on a 32-bit CPU). */
    word_t w = (unsigned char)c;
    if (w) {
        w |= w << 8;
        w |= w << 16;
        w |= w << 32;
    }
    for (; n >= WORD; n -= WORD, d += WORD)
        *(word_t *)(void *)d = w;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}
