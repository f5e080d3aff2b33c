/* printf for the hypervisor console: a small vsnprintf, no floating point. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"
#include "lib/log.h"
#include "lib/spinlock.h"

/* One av_printf's characters reach the console together, whichever CPUs
 * print at once. The last lock in every order (core/pcpu.h): taken with any
 * other held, and nothing is taken under it. A CHECK failing while this CPU
 * holds it (inside av_printf) prints without taking it again. */
static struct spinlock out_lock;

struct out {
    char *buf;
    size_t cap; /* 0: write to the console instead */
    size_t len;
};

static void put(struct out *o, char c)
{
    if (o->cap == 0)
        arch_console_putc(c);
    else if (o->len + 1 < o->cap)
        o->buf[o->len] = c;
    o->len++;
}

static void put_num(struct out *o, uint64_t v, unsigned base, bool upper, bool neg, int width,
                    bool zero, bool left)
{
    char tmp[24];
    int n = 0;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    int total = n + (neg ? 1 : 0);
    if (neg && zero)
        put(o, '-');
    if (!left)
        for (; total < width; width--)
            put(o, zero ? '0' : ' ');
    if (neg && !zero)
        put(o, '-');
    while (n)
        put(o, tmp[--n]);
    if (left)
        for (; total < width; width--)
            put(o, ' ');
}

static void format(struct out *o, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(o, *fmt);
            continue;
        }
        fmt++;
        bool zero = false, left = false;
        for (;; fmt++) {
            if (*fmt == '0')
                zero = true;
            else if (*fmt == '-')
                left = true;
            else
                break;
        }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int lng = 0; /* 0 int, 1 long, 2 long long, 3 size_t */
        if (*fmt == 'l') {
            lng = 1;
            if (*++fmt == 'l') {
                lng = 2;
                fmt++;
            }
        } else if (*fmt == 'z') {
            lng = 3;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = lng == 2   ? va_arg(ap, long long)
                        : lng == 1 ? va_arg(ap, long)
                        : lng == 3 ? (int64_t)va_arg(ap, size_t)
                                   : va_arg(ap, int);
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            put_num(o, mag, 10, false, v < 0, width, zero, left);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = lng == 2   ? va_arg(ap, unsigned long long)
                         : lng == 1 ? va_arg(ap, unsigned long)
                         : lng == 3 ? va_arg(ap, size_t)
                                    : va_arg(ap, unsigned int);
            put_num(o, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', false, width, zero, left);
            break;
        }
        case 'p':
            put(o, '0');
            put(o, 'x');
            put_num(o, (uintptr_t)va_arg(ap, void *), 16, false, false, width, zero, left);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int n = 0;
            while (s[n])
                n++;
            if (!left)
                for (; n < width; width--)
                    put(o, ' ');
            while (*s)
                put(o, *s++);
            if (left)
                for (; n < width; width--)
                    put(o, ' ');
            break;
        }
        case 'c':
            put(o, (char)va_arg(ap, int));
            break;
        case '%':
            put(o, '%');
            break;
        case '\0':
            return;
        default: /* unknown conversion: show it rather than drop it */
            put(o, '%');
            put(o, *fmt);
            break;
        }
    }
}

int av_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    struct out o = {buf, n, 0};
    if (n == 0) {
        /* Count only: a cap of 0 would mean the console, so use 1 with no
         * buffer to write the terminator into. */
        char dummy;
        o.buf = &dummy;
        o.cap = 1;
    }
    format(&o, fmt, ap);
    if (n)
        buf[o.len < n ? o.len : n - 1] = '\0';
    return (int)o.len;
}

int av_snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = av_vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

int av_printf(const char *fmt, ...)
{
    struct out o = {0, 0, 0};
    bool nested = spin_is_held(&out_lock);
    if (!nested)
        spin_lock(&out_lock);
    va_list ap;
    va_start(ap, fmt);
    format(&o, fmt, ap);
    va_end(ap);
    if (!nested)
        spin_unlock(&out_lock);
    return (int)o.len;
}
