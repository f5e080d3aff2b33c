/* The hypervisor console in sim: kept in a buffer for tests, echoed on
 * request. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/sim/sim.h"
#include "arch/sim/sim_internal.h"

/* Every simulated CPU may print. */
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static char *text;
static size_t len, cap;
static bool echo;
static char *input;
static size_t in_len, in_pos;

void sim_console_echo(bool on)
{
    echo = on;
}

void arch_console_putc(char c)
{
    pthread_mutex_lock(&out_lock);
    if (len + 2 > cap) {
        size_t ncap = cap ? cap * 2 : 4096;
        char *n = realloc(text, ncap);
        if (!n)
            abort();
        text = n;
        cap = ncap;
    }
    text[len++] = c;
    text[len] = '\0';
    if (echo)
        fputc(c, stdout);
    pthread_mutex_unlock(&out_lock);
}

const char *sim_console_text(void)
{
    return text ? text : "";
}

void sim_console_clear(void)
{
    pthread_mutex_lock(&out_lock);
    len = 0;
    if (text)
        text[0] = '\0';
    pthread_mutex_unlock(&out_lock);
}

void sim_console_input(const char *bytes, size_t n)
{
    /* Keep only what is not consumed yet, then append. */
    if (in_pos) {
        memmove(input, input + in_pos, in_len - in_pos);
        in_len -= in_pos;
        in_pos = 0;
    }
    char *buf = realloc(input, in_len + n + 1);
    if (!buf)
        abort();
    memcpy(buf + in_len, bytes, n);
    in_len += n;
    input = buf;
}

int arch_console_getc(void)
{
    if (in_pos >= in_len)
        return -1;
    return (unsigned char)input[in_pos++];
}

bool sim_console_has_input(void)
{
    return in_pos < in_len;
}

void sim_console_input_clear(void)
{
    in_pos = in_len = 0;
}
