/*
 * The FP/VMX/VSX test program (issue: the CPU core's floating point,
 * measured): a static ppc64le Linux program, built against Debian's
 * ppc64el glibc, whose output under petrel's user-mode runner
 * (petrel-user.c) must equal its output under qemu-ppc64le.  It leans on
 * what glibc and GCC do with the vector unit: printf and strtod of
 * doubles, libm, fma, qsort of doubles, the POWER8/POWER9 string and
 * memory routines over every alignment, and (built for POWER9)
 * _Float128 arithmetic through the xs*qp group.
 */
#define _GNU_SOURCE
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* FNV-1a over bytes: one line per test, comparable across runs. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static double rand_double(void)
{
    union {
        uint64_t u;
        double d;
    } x;
    switch (rnd() % 4) {
    case 0: return (double)(int64_t)(rnd() % 2000001 - 1000000) / 64.0;
    case 1: x.u = rnd(); return isnan(x.d) ? 1.5 : x.d;
    case 2: return ldexp((double)(rnd() % 1000000) + 0.5, (int)(rnd() % 80) - 40);
    default: return (double)(rnd() % 1000) / 7.0;
    }
}

static void test_printf(void)
{
    static const double v[] = {
        0.0,           -0.0,          1.0,    0.1,      1.0 / 3,
        2.5,           1e300,         1e-300, 4.9e-324, 1.7976931348623157e308,
        123456789.125, -6.02214076e23};
    char buf[128];
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        printf("printf %.17g %a %e %f\n", v[i], v[i], v[i], v[i] < 1e20 ? v[i] : 0.0);
    printf("printf %g %g %g\n", INFINITY, -INFINITY, NAN);
    for (unsigned i = 0; i < 20000; i++) {
        double d = rand_double();
        int n = snprintf(buf, sizeof(buf), "%.17g|%.3e|%.6f", d, d, fmod(d, 1e9));
        h = fnv(h, buf, (size_t)n);
        double back = strtod(buf, NULL);
        if (back != d && !(isnan(back) && isnan(d)))
            printf("printf: %s did not read back as %a\n", buf, d);
    }
    printf("printf hash %016llx\n", (unsigned long long)h);
}

static void test_libm(void)
{
    uint64_t h = 0xcbf29ce484222325ull;
    printf("libm sqrt(2) %a exp(1) %a log(10) %a pow(2,0.5) %a sin(1) %a\n", sqrt(2.0), exp(1.0),
           log(10.0), pow(2.0, 0.5), sin(1.0));
    printf("libm fma(0.1,10,-1) %a cos(1e22) %a atan2(1,-1) %a cbrt(27) %a\n", fma(0.1, 10.0, -1.0),
           cos(1e22), atan2(1.0, -1.0), cbrt(27.0));
    printf("libm sqrtf(2) %a expf(1) %a logf(10) %a\n", (double)sqrtf(2.0f), (double)expf(1.0f),
           (double)logf(10.0f));
    for (unsigned i = 0; i < 20000; i++) {
        double x = rand_double(), y = rand_double(), z = rand_double();
        double r[10] = {sqrt(fabs(x)),
                        exp(fmod(x, 700.0)),
                        log(fabs(x) + 1e-300),
                        pow(fabs(x), fmod(y, 20.0)),
                        sin(x),
                        fma(x, y, z),
                        tanh(x),
                        floor(x) + ceil(y) + trunc(z) + round(x),
                        hypot(x, y),
                        (double)(float)x * (float)y};
        h = fnv(h, r, sizeof(r));
    }
    printf("libm hash %016llx\n", (unsigned long long)h);
    /* The rounding modes through fesetround. */
    static const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
    for (unsigned m = 0; m < 4; m++) {
        volatile double a = 1.0, b = 3.0, c = -1.0;
        fesetround(modes[m]);
        double q = a / b, nq = c / b, s = sqrt(b);
        fesetround(FE_TONEAREST);
        printf("round %u %a %a %a\n", m, q, nq, s);
    }
    feclearexcept(FE_ALL_EXCEPT);
    volatile double zero = 0.0, big = 1e308;
    volatile double r = 1.0 / zero + big * 10.0;
    (void)r;
    printf("flags %d %d %d\n", !!fetestexcept(FE_DIVBYZERO), !!fetestexcept(FE_OVERFLOW),
           !!fetestexcept(FE_INVALID));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_qsort(void)
{
    enum { N = 50000 };
    double *v = malloc(N * sizeof(double));
    for (unsigned i = 0; i < N; i++)
        v[i] = rand_double();
    qsort(v, N, sizeof(double), cmp_double);
    unsigned bad = 0;
    for (unsigned i = 1; i < N; i++)
        bad += v[i - 1] > v[i];
    printf("qsort %u out of order, min %a max %a median %a hash %016llx\n", bad, v[0], v[N - 1],
           v[N / 2], (unsigned long long)fnv(0xcbf29ce484222325ull, v, N * sizeof(double)));
    free(v);
}

/* The string and memory routines (glibc's POWER8/POWER9 versions use VMX
 * and VSX loads, vcmpequb., vctzlsbb, lxvl...) at every alignment and
 * length up to beyond a vector, near the end of a page too. */
static void test_strings(void)
{
    enum { SZ = 1 << 16 };
    unsigned char *a = malloc(SZ), *b = malloc(SZ);
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned i = 0; i < SZ; i++)
        a[i] = (unsigned char)(rnd() % 255 + 1);
    for (unsigned off = 0; off < 48; off++)
        for (unsigned len = 0; len < 300; len += (len < 70 ? 1 : 13)) {
            size_t r[8];
            unsigned char *s = a + 1000 + off, *d = b + 3000 + (off * 7) % 32;
            unsigned char save = s[len];
            s[len] = 0;
            r[0] = strlen((char *)s);
            r[1] = (size_t)(strchr((char *)s, s[len / 2]) - (char *)s);
            memcpy(d, s, len + 1);
            r[2] = (size_t)memcmp(d, s, len + 1);
            r[3] = (size_t)(strcmp((char *)d, (char *)s) == 0);
            if (len) {
                d[len - 1] ^= 1;
                r[4] = (size_t)(strcmp((char *)d, (char *)s) > 0) +
                       2 * (size_t)(memcmp(d, s, len) < 0);
                r[5] = (size_t)(strncmp((char *)d, (char *)s, len - 1) == 0);
            } else {
                r[4] = r[5] = 7;
            }
            memset(d, (int)off, len);
            r[6] = (size_t)(memchr(d, (int)off, len + 1) ? 1 : 0);
            memmove(d + 1, d, len);
            r[7] = strnlen((char *)s, len / 2 + 1);
            s[len] = save;
            h = fnv(h, r, sizeof(r));
            h = fnv(h, d, len + 1);
        }
    /* strstr, strrchr, memrchr, strspn over longer text */
    char text[4096];
    for (unsigned i = 0; i < sizeof(text) - 1; i++)
        text[i] = (char)("abcdefgh xyz"[rnd() % 12]);
    text[sizeof(text) - 1] = 0;
    printf("strings strstr %td strrchr %td strspn %zu strcspn %zu hash %016llx\n",
           strstr(text, "xyz a") ? strstr(text, "xyz a") - text : -1, strrchr(text, 'z') - text,
           strspn(text, "abcdefgh"), strcspn(text, " "), (unsigned long long)h);
    free(a);
    free(b);
}

#if defined(__FLOAT128__) && defined(_ARCH_PWR9)
static void test_float128(void)
{
    __float128 x = 1, y = 3;
    char buf[64];
    uint64_t h = 0xcbf29ce484222325ull;
    __float128 q = x / y;
    strfromf128(buf, sizeof(buf), "%.36g", q);
    printf("f128 1/3 %s\n", buf);
    strfromf128(buf, sizeof(buf), "%.36g", sqrtf128(2.0Q));
    printf("f128 sqrt2 %s\n", buf);
    for (unsigned i = 0; i < 20000; i++) {
        __float128 a = rand_double(), b = rand_double(), c = rand_double();
        __float128 r[4] = {a * b + c, a / (b + 0.5Q), fmaf128(a, b, c), a - b};
        long double conv = (long double)(double)r[1];
        h = fnv(h, r, sizeof(r));
        h = fnv(h, &conv, sizeof(conv));
    }
    printf("f128 hash %016llx\n", (unsigned long long)h);
}
#endif

int main(void)
{
    test_printf();
    test_libm();
    test_qsort();
    test_strings();
#if defined(__FLOAT128__) && defined(_ARCH_PWR9)
    test_float128();
#endif
    printf("done\n");
    return 0;
}
