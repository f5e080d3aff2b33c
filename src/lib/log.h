/* Console logging for the hypervisor, through arch_console_putc. */
#ifndef LIB_LOG_H
#define LIB_LOG_H

#include <stdarg.h>
#include <stddef.h>

/* printf subset: %d %i %u %x %X %p %s %c %%, flags '0' '-', width, and the
 * length modifiers l, ll, z. */
int av_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int av_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int av_snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define log_info(...) av_printf("armvisor: " __VA_ARGS__)
#define log_warn(...) av_printf("armvisor: warning: " __VA_ARGS__)
#define log_err(...)  av_printf("armvisor: error: " __VA_ARGS__)

#endif
