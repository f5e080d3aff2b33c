/* Whole-word lookup in a boot command line (see bootargs.h). */
#include "lib/bootargs.h"

bool bootargs_has(const char *args, const char *word)
{
    const char *a = args;
    if (!a || !*word)
        return false;
    for (;;) {
        while (*a == ' ')
            a++;
        if (!*a)
            return false;
        const char *w = word;
        while (*w && *a == *w) {
            a++;
            w++;
        }
        if (!*w && (*a == ' ' || *a == 0))
            return true;
        while (*a && *a != ' ')
            a++;
    }
}

const char *bootargs_value(const char *args, const char *key, size_t *len)
{
    const char *a = args;
    if (!a || !*key)
        return NULL;
    for (;;) {
        while (*a == ' ')
            a++;
        if (!*a)
            return NULL;
        const char *k = key;
        while (*k && *a == *k) {
            a++;
            k++;
        }
        if (!*k && *a == '=') {
            const char *v = ++a;
            while (*a && *a != ' ')
                a++;
            *len = (size_t)(a - v);
            return v;
        }
        while (*a && *a != ' ')
            a++;
    }
}
