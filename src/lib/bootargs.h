/* The kernel command line the boot loader hands the hypervisor (DTB
 * /chosen bootargs): words separated by spaces. */
#ifndef LIB_BOOTARGS_H
#define LIB_BOOTARGS_H

#include <stdbool.h>

/* Whether word appears in args as a whole space-separated word (args NULL:
 * no). */
bool bootargs_has(const char *args, const char *word);

#endif
