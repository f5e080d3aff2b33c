/* libFuzzer target: exit_decode (and exit_decode_str32, which must agree
 * with it) on raw exit records built from the input, with invariants on
 * the result. Each record is 16 bytes: syndrome, far,
 * 3 bytes of IPA bits, then a flags byte (bits 1:0 kind: 1 IRQ, 2 SError,
 * else trap; bit 2 ESR_EL2 format; bit 3 ipa_valid). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/exit.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const uint8_t *p)
{
    struct arch_exit raw = {0};
    struct exit_info info, again;
    uint8_t flags = p[15];

    raw.syndrome = fuzz_le32(p);
    raw.far = (uint64_t)fuzz_le32(p + 4) << 32 | fuzz_le32(p + 8);
    raw.ipa = ((uint64_t)p[12] << 32 | (uint64_t)p[13] << 24 | (uint64_t)p[14] << 12) & ~0xfffull;
    raw.kind = (flags & 3) == 1   ? ARCH_EXIT_IRQ
               : (flags & 3) == 2 ? ARCH_EXIT_SERROR
                                  : ARCH_EXIT_TRAP;
    raw.fmt = (flags & 4) ? SYNDROME_V8_ESR : SYNDROME_V7_HSR;
    raw.ipa_valid = (flags & 8) != 0;
    bool v7 = raw.fmt == SYNDROME_V7_HSR;

    exit_decode(&raw, &info);
    exit_decode(&raw, &again);
    CHECK(memcmp(&info, &again, sizeof(info)) == 0);

    /* The fast exit path's test for a plain 32-bit store agrees. */
    unsigned srt = 0, il = 0;
    bool str32 = exit_decode_str32(&raw, &srt, &il);
    const struct exit_dabt *da = &info.u.dabt;
    CHECK(str32 ==
          (info.reason == EXIT_DABT && da->isv && da->write && da->size == 4 && !da->s1ptw));
    if (str32)
        CHECK(il == info.il && srt == da->srt);

    CHECK((unsigned)info.reason < EXIT_REASON_COUNT);
    CHECK(exit_reason_name(info.reason) != NULL);
    CHECK(strcmp(exit_reason_name(info.reason), "invalid") != 0);
    CHECK(info.far == raw.far && info.ipa == raw.ipa && info.ipa_valid == raw.ipa_valid);
    if (raw.kind == ARCH_EXIT_IRQ) {
        CHECK(info.reason == EXIT_IRQ);
        return;
    }
    CHECK(info.ec == raw.syndrome >> 26);
    CHECK(info.iss == (raw.syndrome & 0x1ffffffu));
    CHECK(info.il == ((raw.syndrome >> 25) & 1 ? 4u : 2u));
    if (raw.kind == ARCH_EXIT_SERROR) {
        CHECK(info.reason == EXIT_SERROR);
        return;
    }
    CHECK(info.reason != EXIT_IRQ && info.reason != EXIT_SERROR);
    CHECK(info.cond.cond < 16 && (info.cond.valid || info.cond.cond == 0));

    switch (info.reason) {
    case EXIT_DABT: {
        const struct exit_dabt *d = &info.u.dabt;
        CHECK(info.ec == 0x24);
        CHECK(d->fsc < 64);
        if (d->isv) {
            CHECK(d->size == 1 || d->size == 2 || d->size == 4 || d->size == 8);
            CHECK(d->srt < (v7 ? 16u : 32u));
        } else {
            CHECK(d->size == 0 && d->srt == 0 && !d->sign && !d->sf && !d->ar);
        }
        if (v7)
            CHECK(!d->sf && !d->ar);
        break;
    }
    case EXIT_IABT:
        CHECK(info.ec == 0x20 && info.u.iabt.fsc < 64);
        break;
    case EXIT_SYSREG: {
        const struct exit_sysreg *s = &info.u.sysreg;
        CHECK(s->rt < (v7 ? 16u : 32u) && s->rt2 < (v7 ? 16u : 32u));
        CHECK(s->crn < 16 && s->crm < 16 && s->op1 < 16 && s->op2 < 8 && s->op0 < 4);
        if (s->aarch32)
            CHECK(s->coproc == 10 || s->coproc == 14 || s->coproc == 15);
        else
            CHECK(!v7 && info.ec == 0x18);
        break;
    }
    case EXIT_HVC:
    case EXIT_SMC:
        if (info.ec == 0x13)
            CHECK(info.u.imm16 == 0);
        break;
    case EXIT_UNKNOWN:
        CHECK(info.ec != 0x24 && info.ec != 0x20 && info.ec != 0x12);
        break;
    default:
        break;
    }
    /* v8-only classes never decode from an HSR. */
    if (v7 && (info.ec == 0x16 || info.ec == 0x17 || info.ec == 0x18))
        CHECK(info.reason == EXIT_UNKNOWN);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i + 16 <= size; i += 16)
        one(data + i);
    return 0;
}
