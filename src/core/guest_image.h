/*
 * What a bare guest image (an initrd that is not a VM package) is, from the
 * header it starts with: an arm64 Image or an ARM zImage (the headers and
 * their constants are in core/vm_package.h, which the loader shares). A
 * file with neither header is not run: nothing says what it is, where it
 * goes or which instruction set it is (docs/vm-package.md, "Bare images").
 */
#ifndef CORE_GUEST_IMAGE_H
#define CORE_GUEST_IMAGE_H

#include <stdint.h>

enum guest_image_kind {
    GUEST_IMAGE_UNKNOWN, /* no header we know: refused */
    GUEST_IMAGE_BAD,     /* a known magic with a header that cannot be right */
    GUEST_IMAGE_ARM64,   /* arm64 Image: A64, loaded at RAM base + load_offset */
    GUEST_IMAGE_ZIMAGE,  /* zImage: A32, loaded at RAM base (it relocates itself) */
};

/* Largest arm64 Image text_offset run bare (the bare VM has 128 MiB). */
#define GUEST_IMAGE_MAX_TEXT (32ull << 20)

struct guest_image {
    enum guest_image_kind kind;
    uint64_t load_offset; /* from the RAM base; the entry is the first byte */
    const char *why;      /* GUEST_IMAGE_BAD / UNKNOWN: a sentence saying why */
};

/* Identify the len bytes at img; reads nothing outside them. */
struct guest_image guest_image_identify(const uint8_t *img, uint64_t len);

#endif
