/*
 * guest_image_identify: tell an arm64 Image or a zImage from anything else
 * (core/guest_image.h). The bytes come from outside (the initrd): every
 * field is read only after the length is checked, and a magic number with
 * its header cut short, or a header that contradicts the file, is refused
 * rather than run as something else.
 */
#include "core/guest_image.h"
#include "core/vm_package.h"
#include "lib/le.h"

static struct guest_image bad(const char *why)
{
    return (struct guest_image){.kind = GUEST_IMAGE_BAD, .why = why};
}

/* Linux Documentation/arch/arm64/booting.rst: the header's text_offset is
 * where the image goes above a 2 MiB aligned base (0x80000 on kernels whose
 * image_size is 0); bit 0 of flags is a big-endian kernel. */
static struct guest_image arm64_image(const uint8_t *img, uint64_t len)
{
    if (len < ARM64_IMAGE_HDR_SIZE)
        return bad("an arm64 Image header cut short (truncated image?)");
    if (get_le64(img + ARM64_IMAGE_FLAGS) & 1)
        return bad("a big-endian arm64 Image; armvisor runs little-endian guests");
    uint64_t text = get_le64(img + ARM64_IMAGE_SIZE) ? get_le64(img + ARM64_IMAGE_TEXT_OFFSET)
                                                     : ARM64_IMAGE_OLD_TEXT;
    if (text % 4096 || text >= GUEST_IMAGE_MAX_TEXT)
        return bad("the arm64 Image's text_offset is not page aligned or not below 32 MiB");
    return (struct guest_image){.kind = GUEST_IMAGE_ARM64, .load_offset = text};
}

/* Linux arch/arm/boot/compressed/head.S: the magic at 0x24, then the
 * image's start and end addresses; it runs from wherever it is put. */
static struct guest_image zimage(const uint8_t *img, uint64_t len)
{
    if (len < ZIMAGE_END_OFF + 4)
        return bad("a zImage header cut short (truncated image?)");
    uint32_t start = get_le32(img + ZIMAGE_START_OFF), end = get_le32(img + ZIMAGE_END_OFF);
    if (end < start || end - start > len)
        return bad("the zImage header says it is longer than the file (truncated image?)");
    return (struct guest_image){.kind = GUEST_IMAGE_ZIMAGE, .load_offset = 0};
}

struct guest_image guest_image_identify(const uint8_t *img, uint64_t len)
{
    if (img && len >= ARM64_IMAGE_MAGIC_OFF + 4 &&
        get_le32(img + ARM64_IMAGE_MAGIC_OFF) == ARM64_IMAGE_MAGIC)
        return arm64_image(img, len);
    if (img && len >= ZIMAGE_MAGIC_OFF + 4 && get_le32(img + ZIMAGE_MAGIC_OFF) == ZIMAGE_MAGIC)
        return zimage(img, len);
    return (struct guest_image){
        .kind = GUEST_IMAGE_UNKNOWN,
        .why = "neither a VM package nor an arm64 Image or zImage (package a raw image "
               "with armvisor-loader --protocol raw)"};
}
