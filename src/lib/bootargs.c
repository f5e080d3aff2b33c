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
