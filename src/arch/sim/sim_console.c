/* The hypervisor console in sim: kept in a buffer for tests, echoed on
 * request. */
#include <stdio.h>
#include <stdlib.h>

#include "arch/sim/sim.h"

static char *text;
static size_t len, cap;
static bool echo;

void sim_console_echo(bool on)
{
    echo = on;
}

void arch_console_putc(char c)
{
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
}

const char *sim_console_text(void)
{
    return text ? text : "";
}

void sim_console_clear(void)
{
    len = 0;
    if (text)
        text[0] = '\0';
}
