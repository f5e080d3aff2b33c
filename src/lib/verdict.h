/*
 * armvisor's final verdict, in a form a guest cannot forge. The harness
 * (tests/system/qemu_check.py --verdict) puts a fresh random token in the
 * hypervisor's own bootargs (armvisor.verdict=<token>, in the host DTB,
 * which no guest can read); arch_halt prints it on its last line,
 * "armvisor: verdict <token> halt <status>", and the harness accepts only
 * that line with that token. Guests share the console but never see the
 * token, so a guest printing "armvisor: halt 0" proves nothing.
 */
#ifndef LIB_VERDICT_H
#define LIB_VERDICT_H

/* Longest token kept; longer or non-alphanumeric ones are ignored (no
 * verdict line then, which the harness reports as a failure). */
#define VERDICT_TOKEN_MAX 64

/* Take the token from the boot command line (NULL: none). */
void verdict_set_token(const char *bootargs);

/* Print the verdict line for status, when there is a token. */
void verdict_print(int status);

#endif
