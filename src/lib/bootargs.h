/* The kernel command line the boot loader hands the hypervisor (DTB
 * /chosen bootargs): words separated by spaces. */
#ifndef LIB_BOOTARGS_H
#define LIB_BOOTARGS_H

#include <stdbool.h>
#include <stddef.h>

/* Whether word appears in args as a whole space-separated word (args NULL:
 * no). */
bool bootargs_has(const char *args, const char *word);

/* The value of the first word "<key>=<value>" in args: a pointer into args
 * and its length in *len (the value ends at a space or the end); NULL when
 * there is no such word. */
const char *bootargs_value(const char *args, const char *key, size_t *len);

#endif
