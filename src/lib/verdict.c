/* The verdict token and line (verdict.h). */
#include <stdbool.h>
#include <stddef.h>

#include "lib/verdict.h"
#include "lib/bootargs.h"
#include "lib/log.h"

#define VERDICT_ARG "armvisor.verdict"

static char token[VERDICT_TOKEN_MAX + 1];

static bool alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

void verdict_set_token(const char *bootargs)
{
    size_t len = 0;
    const char *v = bootargs_value(bootargs, VERDICT_ARG, &len);
    token[0] = 0;
    if (!v || len == 0 || len > VERDICT_TOKEN_MAX)
        return;
    for (size_t i = 0; i < len; i++)
        if (!alnum(v[i]))
            return;
    for (size_t i = 0; i < len; i++)
        token[i] = v[i];
    token[len] = 0;
}

void verdict_print(int status)
{
    if (token[0])
        av_printf("armvisor: verdict %s halt %d\n", token, status);
}
