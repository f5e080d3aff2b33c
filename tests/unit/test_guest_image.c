/*
 * core/guest_image.c: which bare initrds armvisor runs. An arm64 Image and
 * a zImage are recognised from their headers; a header cut short or one
 * that contradicts the file is refused as bad; anything else is unknown
 * (refused too, by the boot flow).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/guest_image.h"
#include "core/vm_package.h"
#include "lib/le.h"

static uint8_t img[4096];

static void arm64_header(uint64_t text, uint64_t size, uint64_t flags)
{
    memset(img, 0, sizeof(img));
    put_le64(img + ARM64_IMAGE_TEXT_OFFSET, text);
    put_le64(img + ARM64_IMAGE_SIZE, size);
    put_le64(img + ARM64_IMAGE_FLAGS, flags);
    put_le32(img + ARM64_IMAGE_MAGIC_OFF, ARM64_IMAGE_MAGIC);
}

static void zimage_header(uint32_t start, uint32_t end)
{
    memset(img, 0, sizeof(img));
    put_le32(img + ZIMAGE_MAGIC_OFF, ZIMAGE_MAGIC);
    put_le32(img + ZIMAGE_START_OFF, start);
    put_le32(img + ZIMAGE_END_OFF, end);
}

static void test_arm64(void **state)
{
    (void)state;
    arm64_header(0, 4096, 0xa);
    struct guest_image g = guest_image_identify(img, sizeof(img));
    assert_int_equal(g.kind, GUEST_IMAGE_ARM64);
    assert_int_equal(g.load_offset, 0);
    arm64_header(0x80000, 4096, 0);
    assert_int_equal(guest_image_identify(img, sizeof(img)).load_offset, 0x80000);
    /* image_size 0: an old kernel, whose text_offset is 0x80000 whatever
     * the field says. */
    arm64_header(0x1000, 0, 0);
    assert_int_equal(guest_image_identify(img, sizeof(img)).load_offset, ARM64_IMAGE_OLD_TEXT);
    /* Exactly the header is enough. */
    arm64_header(0, 64, 0);
    assert_int_equal(guest_image_identify(img, ARM64_IMAGE_HDR_SIZE).kind, GUEST_IMAGE_ARM64);
}

static void test_arm64_bad(void **state)
{
    (void)state;
    arm64_header(0, 4096, 0);
    for (uint64_t len = ARM64_IMAGE_MAGIC_OFF + 4; len < ARM64_IMAGE_HDR_SIZE; len++) {
        struct guest_image g = guest_image_identify(img, len);
        assert_int_equal(g.kind, GUEST_IMAGE_BAD);
        assert_non_null(strstr(g.why, "cut short"));
    }
    arm64_header(0, 4096, 1);
    assert_int_equal(guest_image_identify(img, sizeof(img)).kind, GUEST_IMAGE_BAD);
    arm64_header(0x800, 4096, 0);
    assert_int_equal(guest_image_identify(img, sizeof(img)).kind, GUEST_IMAGE_BAD);
    arm64_header(GUEST_IMAGE_MAX_TEXT, 4096, 0);
    assert_int_equal(guest_image_identify(img, sizeof(img)).kind, GUEST_IMAGE_BAD);
}

static void test_zimage(void **state)
{
    (void)state;
    zimage_header(0, 4096);
    struct guest_image g = guest_image_identify(img, sizeof(img));
    assert_int_equal(g.kind, GUEST_IMAGE_ZIMAGE);
    assert_int_equal(g.load_offset, 0);
    zimage_header(0, 4097); /* longer than the file */
    assert_int_equal(guest_image_identify(img, sizeof(img)).kind, GUEST_IMAGE_BAD);
    zimage_header(8, 4); /* ends before it starts */
    assert_int_equal(guest_image_identify(img, sizeof(img)).kind, GUEST_IMAGE_BAD);
    zimage_header(0, 16);
    for (uint64_t len = ZIMAGE_MAGIC_OFF + 4; len < ZIMAGE_END_OFF + 4; len++)
        assert_int_equal(guest_image_identify(img, len).kind, GUEST_IMAGE_BAD);
}

static void test_unknown(void **state)
{
    (void)state;
    memset(img, 0, sizeof(img));
    struct guest_image g = guest_image_identify(img, sizeof(img));
    assert_int_equal(g.kind, GUEST_IMAGE_UNKNOWN);
    assert_non_null(strstr(g.why, "--protocol raw"));
    assert_int_equal(guest_image_identify(img, 0).kind, GUEST_IMAGE_UNKNOWN);
    assert_int_equal(guest_image_identify(NULL, 100).kind, GUEST_IMAGE_UNKNOWN);
    /* The magic alone, too short to be read at its offset: unknown. */
    put_le32(img + ARM64_IMAGE_MAGIC_OFF, ARM64_IMAGE_MAGIC);
    assert_int_equal(guest_image_identify(img, ARM64_IMAGE_MAGIC_OFF + 3).kind,
                     GUEST_IMAGE_UNKNOWN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arm64),
        cmocka_unit_test(test_arm64_bad),
        cmocka_unit_test(test_zimage),
        cmocka_unit_test(test_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
