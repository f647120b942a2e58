/*
 * Long double arithmetic for INCRBYFLOAT.
 *
 * Redis adds INCRBYFLOAT's operands in the C `long double` of the platform
 * (80-bit extended precision on x86-64) and prints the sum with "%.17Lf",
 * trimming trailing zeros. Rust has no long double type and cannot pass
 * one across FFI, so this file does exactly that with the C library and
 * nothing more; the Rust side (src/server/t_string.rs) calls it with byte
 * strings and gets text back.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest number text accepted, and longest result (MAX_LONG_DOUBLE_CHARS). */
#define LD_MAX_CHARS (5 * 1024)

/*
 * Reads s[0..len) as a long double the way Redis accepts one (string2ld):
 * strtold must consume the whole string (a NUL byte ends it, as in C), the
 * first byte may not be a space, NaN is refused, and so is a value that
 * overflowed to infinity or underflowed to zero. "inf" itself is accepted.
 */
static int read_long_double(const char *s, size_t len, long double *out) {
    char buf[LD_MAX_CHARS];
    char *end;
    long double v;

    if (len == 0 || len >= sizeof(buf)) return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (isspace((unsigned char)buf[0])) return 0;
    errno = 0;
    v = strtold(buf, &end);
    if (*end != '\0') return 0;
    if (errno == ERANGE &&
        (v == HUGE_VALL || v == -HUGE_VALL || fpclassify(v) == FP_ZERO))
        return 0;
    if (errno == EINVAL || isnan(v)) return 0;
    *out = v;
    return 1;
}

/*
 * Adds the numbers written in a and b and writes the sum into out as
 * Redis prints it: "%.17Lf" without trailing zeros or a bare point, and
 * "-0" as "0". Returns the length written, or:
 *   -1  an operand is not a number,
 *   -2  the sum is NaN or infinite,
 *   -3  the sum does not fit in out (Redis then stores an empty string).
 */
int ferrodis_ld_add(const char *a, size_t alen, const char *b, size_t blen,
                    char *out, size_t outlen) {
    long double x, y, sum;
    int n;

    if (!read_long_double(a, alen, &x) || !read_long_double(b, blen, &y))
        return -1;
    sum = x + y;
    if (isnan(sum) || isinf(sum)) return -2;
    n = snprintf(out, outlen, "%.17Lf", sum);
    if (n < 0 || (size_t)n + 1 > outlen) return -3;
    if (strchr(out, '.') != NULL) {
        while (n > 0 && out[n - 1] == '0') n--;
        if (n > 0 && out[n - 1] == '.') n--;
    }
    if (n == 2 && out[0] == '-' && out[1] == '0') {
        out[0] = '0';
        n = 1;
    }
    out[n] = '\0';
    return n;
}
