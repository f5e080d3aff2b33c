/*
 * One decoder test vector: an encoding produced by a real assembler and the
 * decode the table (vectors/<isa>.txt) expects. The arrays themselves are
 * generated into ${UNIT_GEN_DIR}/insn_vectors_<isa>.h by gen_insn_vectors.py.
 * Include after <cmocka.h>.
 */
#ifndef TESTS_UNIT_VECTORS_INSN_VECTOR_H
#define TESTS_UNIT_VECTORS_INSN_VECTOR_H

#include <stdint.h>
#include <string.h>

#include "core/insn.h"

struct insn_vector {
    int line;          /* line in the table, for messages */
    const char *text;  /* assembly as written in the table */
    uint32_t insn;     /* A64/A32 word; T32 hw1 << 16 | hw2 */
    uint16_t hw1, hw2; /* T32 halfwords (hw2 0 for 16-bit) */
    unsigned len;      /* bytes the assembler emitted */
    int err;           /* expected return */
    struct insn_mem exp;
};

/* A value no decoder writes, to see that a refusal leaves *out alone. */
static inline void insn_vector_poison(struct insn_mem *m)
{
    memset(m, 0xa5, sizeof(*m));
}

static inline bool insn_vector_poisoned(const struct insn_mem *m)
{
    struct insn_mem p;
    insn_vector_poison(&p);
    return memcmp(&p, m, sizeof(p)) == 0;
}

#define INSN_FIELD_EQ(isa, v, got, f)                                                              \
    do {                                                                                           \
        if ((int64_t)(got)->f != (int64_t)(v)->exp.f) {                                            \
            print_error("%s.txt:%d '%s' (0x%08x): %s = %lld, want %lld\n", isa, (v)->line,         \
                        (v)->text, (unsigned)(v)->insn, #f, (long long)(got)->f,                   \
                        (long long)(v)->exp.f);                                                    \
            bad++;                                                                                 \
        }                                                                                          \
    } while (0)

/* Check one decode against its vector; returns the number of mismatches. */
static inline int insn_vector_check(const char *isa, const struct insn_vector *v, int err,
                                    const struct insn_mem *got)
{
    int bad = 0;
    if (err != v->err) {
        print_error("%s.txt:%d '%s' (0x%08x): returned %d, want %d\n", isa, v->line, v->text,
                    (unsigned)v->insn, err, v->err);
        return 1;
    }
    if (err != INSN_OK) {
        if (!insn_vector_poisoned(got)) {
            print_error("%s.txt:%d '%s': refusal wrote *out\n", isa, v->line, v->text);
            bad++;
        }
        return bad;
    }
    INSN_FIELD_EQ(isa, v, got, load);
    INSN_FIELD_EQ(isa, v, got, size);
    INSN_FIELD_EQ(isa, v, got, sign);
    INSN_FIELD_EQ(isa, v, got, dst64);
    INSN_FIELD_EQ(isa, v, got, pair);
    INSN_FIELD_EQ(isa, v, got, rt);
    INSN_FIELD_EQ(isa, v, got, rt2);
    INSN_FIELD_EQ(isa, v, got, rn);
    INSN_FIELD_EQ(isa, v, got, writeback);
    INSN_FIELD_EQ(isa, v, got, post_index);
    INSN_FIELD_EQ(isa, v, got, off_kind);
    INSN_FIELD_EQ(isa, v, got, imm);
    INSN_FIELD_EQ(isa, v, got, rm);
    INSN_FIELD_EQ(isa, v, got, rm_subtract);
    INSN_FIELD_EQ(isa, v, got, shift_type);
    INSN_FIELD_EQ(isa, v, got, shift_amt);
    INSN_FIELD_EQ(isa, v, got, len);
    return bad;
}

/* Count the vectors with a given expected result. */
#define INSN_VECTORS_COUNT_ERR(arr, e)                                                             \
    ({                                                                                             \
        unsigned n_ = 0;                                                                           \
        for (size_t i_ = 0; i_ < sizeof(arr) / sizeof((arr)[0]); i_++)                             \
            n_ += (arr)[i_].err == (e);                                                            \
        n_;                                                                                        \
    })

#endif
