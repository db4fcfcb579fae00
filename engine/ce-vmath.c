/* ce-vmath.c — tanh and the logistic sigmoid over arrays, four or eight
 * lanes at a time (eight in an AVX2 clone where the CPU has it).
 *
 * Why: libm's tanhf/expf are scalar calls of ~10-20 ns; the decoder's
 * attention alone evaluates B·S·A tanh per step (64·12·256 ≈ 200 000 in the
 * benchmark), which made tanh, not the GEMMs, the cost of a step. The build
 * is -O2, whose "very cheap" vectoriser does not touch a loop like this, so
 * the lanes are written out with GCC/Clang vector extensions (SSE2 on
 * x86-64, NEON on arm64); other compilers get the plain libm loop.
 *
 * tanh(x) = sign(x) (1 − e) / (1 + e) with e = exp(−2|x|), |x| capped at 9
 * (tanh(9) rounds to 1 in float). exp on [−18, 0] is a Cody-Waite range
 * reduction and the degree-6 polynomial of Cephes' expf. Absolute error
 * below 1.2e-7 over all floats (tested against double tanh); NaN stays NaN.
 * sigmoid(x) = 0.5 + 0.5 tanh(x / 2).
 * The same exp serves softmax rows (ce_vexp_sum), where V = 4000 logits per
 * row made expf the other scalar hot spot.
 */
#include "ce-layers.h"

#include <math.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)

typedef float v4f __attribute__ ((vector_size (16)));
typedef int32_t v4i __attribute__ ((vector_size (16)));

#define ABS_MASK 0x7FFFFFFF
#define SIGN_MASK ((int32_t) 0x80000000u)
#define CAP_BITS 0x41100000      /* 9.0f */
#define INF_BITS 0x7F800000

static inline v4f
exp_neg4 (v4f a) /* e^-a for a in [0, 18] */
{
  const float shifter = 12582912.0f; /* 1.5·2^23: adding it rounds to an integer */
  v4f x = -a;
  v4f t = x * 1.44269504088896341f + shifter;
  v4f n = t - shifter;
  v4i e = ((v4i) t - 0x4B400000) + 127;
  v4f r = x - n * 0.693359375f - n * -2.12194440e-4f;
  v4f p = r * 1.9875691500e-4f + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  return p * (v4f) (e << 23);
}

static inline v4f
tanh4 (v4f x)
{
  v4i u = (v4i) x;
  v4i sign = u & SIGN_MASK;
  v4i ua = u & ABS_MASK;
  v4i nan = ua > INF_BITS;           /* lanes of -1 where x is NaN */
  v4i small = ua < CAP_BITS;
  ua = (ua & small) | (CAP_BITS & ~small);
  v4f e = exp_neg4 ((v4f) ua * 2.0f);
  v4f t = (1.0f - e) / (1.0f + e);
  v4i res = (v4i) t | sign;
  return (v4f) ((res & ~nan) | (u & nan));
}

/* tanh, or with SIGMOID 0.5 + 0.5 tanh(x / 2) (the affine step only then,
 * so that tanh(−0) stays −0). */
static inline v4f
lane4 (v4f v, int sigmoid)
{
  return sigmoid ? tanh4 (v * 0.5f) * 0.5f + 0.5f : tanh4 (v);
}

/* The same operations eight lanes at a time, for the AVX2 clones below
 * (the default clone runs them as two SSE halves). Each lane goes through
 * exactly the operations of the four-lane version, so the results are the
 * same bit for bit whichever clone runs. */
typedef float v8f __attribute__ ((vector_size (32)));
typedef int32_t v8i __attribute__ ((vector_size (32)));
#if defined(__GNUC__) && !defined(__clang__)
/* GCC notes that a static helper returning an 8-lane vector has no AVX
 * calling convention in the default clone: these helpers are always inlined
 * and never called across files, so their ABI does not matter. */
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

static inline __attribute__ ((always_inline)) v8f
exp_neg8 (v8f a)
{
  const float shifter = 12582912.0f;
  v8f x = -a;
  v8f t = x * 1.44269504088896341f + shifter;
  v8f n = t - shifter;
  v8i e = ((v8i) t - 0x4B400000) + 127;
  v8f r = x - n * 0.693359375f - n * -2.12194440e-4f;
  v8f p = r * 1.9875691500e-4f + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  return p * (v8f) (e << 23);
}

static inline __attribute__ ((always_inline)) v8f
tanh8 (v8f x)
{
  v8i u = (v8i) x;
  v8i sign = u & SIGN_MASK;
  v8i ua = u & ABS_MASK;
  v8i nan = ua > INF_BITS;
  v8i small = ua < CAP_BITS;
  ua = (ua & small) | (CAP_BITS & ~small);
  v8f e = exp_neg8 ((v8f) ua * 2.0f);
  v8f t = (1.0f - e) / (1.0f + e);
  v8i res = (v8i) t | sign;
  return (v8f) ((res & ~nan) | (u & nan));
}

static inline __attribute__ ((always_inline)) v8f
lane8 (v8f v, int sigmoid)
{
  return sigmoid ? tanh8 (v * 0.5f) * 0.5f + 0.5f : tanh8 (v);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VMATH_CLONES __attribute__ ((target_clones ("avx2", "default")))
#else
#define VMATH_CLONES
#endif

VMATH_CLONES static void
map4 (float *y, const float *x, size_t n, int sigmoid)
{
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    {
      v8f v;
      memcpy (&v, x + i, sizeof v);
      v = lane8 (v, sigmoid);
      memcpy (y + i, &v, sizeof v);
    }
  for (; i + 4 <= n; i += 4)
    {
      v4f v;
      memcpy (&v, x + i, sizeof v);
      v = lane4 (v, sigmoid);
      memcpy (y + i, &v, sizeof v);
    }
  if (i < n)
    {
      v4f v = { 0.0f, 0.0f, 0.0f, 0.0f };
      memcpy (&v, x + i, (n - i) * sizeof (float));
      v = lane4 (v, sigmoid);
      memcpy (y + i, &v, (n - i) * sizeof (float));
    }
}

void
ce_vtanh (float *y, const float *x, size_t n)
{
  map4 (y, x, n, 0);
}

void
ce_vsigmoid (float *y, const float *x, size_t n)
{
  map4 (y, x, n, 1);
}

#define EXP_CAP_BITS 0x42AE0000 /* 87.0f: e^-87 is still a normal float */

/* exp(x − shift) per lane: 0 where x − shift < −87, NaN stays NaN. */
static inline v4f
exp_shift4 (v4f x, float shift)
{
  v4f a = shift - x;
  v4i ai = (v4i) a;
  v4i nan = (ai & ABS_MASK) > INF_BITS;
  v4i big = ai > EXP_CAP_BITS;        /* negative a compares as negative */
  v4i ac = (ai & ~big) | (EXP_CAP_BITS & big);
  v4i res = (v4i) exp_neg4 ((v4f) ac) & ~big;
  return (v4f) ((res & ~nan) | (ai & nan));
}

static inline __attribute__ ((always_inline)) v8f
exp_shift8 (v8f x, float shift)
{
  v8f a = shift - x;
  v8i ai = (v8i) a;
  v8i nan = (ai & ABS_MASK) > INF_BITS;
  v8i big = ai > EXP_CAP_BITS;
  v8i ac = (ai & ~big) | (EXP_CAP_BITS & big);
  v8i res = (v8i) exp_neg8 ((v8f) ac) & ~big;
  return (v8f) ((res & ~nan) | (ai & nan));
}

/* The sum goes in groups of four lanes, in order, as the four-lane loop
 * adds them: the same double whichever clone runs. */
VMATH_CLONES double
ce_vexp_sum (float *y, const float *x, size_t n, float shift)
{
  double sum = 0.0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    {
      v8f v;
      memcpy (&v, x + i, sizeof v);
      v = exp_shift8 (v, shift);
      memcpy (y + i, &v, sizeof v);
      sum += (double) ((v[0] + v[1]) + (v[2] + v[3]));
      sum += (double) ((v[4] + v[5]) + (v[6] + v[7]));
    }
  for (; i + 4 <= n; i += 4)
    {
      v4f v;
      memcpy (&v, x + i, sizeof v);
      v = exp_shift4 (v, shift);
      memcpy (y + i, &v, sizeof v);
      sum += (double) ((v[0] + v[1]) + (v[2] + v[3]));
    }
  if (i < n)
    {
      v4f v = { shift, shift, shift, shift };
      memcpy (&v, x + i, (n - i) * sizeof (float));
      v = exp_shift4 (v, shift);
      memcpy (y + i, &v, (n - i) * sizeof (float));
      for (size_t k = 0; k < n - i; k++)
        sum += v[k];
    }
  return sum;
}

/* Eight running maxima (a chain of compares per lane, not one for the
 * whole row); which of equal values wins does not matter to a maximum. */
VMATH_CLONES float
ce_vmax (const float *x, size_t n)
{
  float mx = -INFINITY;
  size_t i = 0;
  if (n >= 8)
    {
      v8f m;
      memcpy (&m, x, sizeof m);
      for (i = 8; i + 8 <= n; i += 8)
        {
          v8f v;
          memcpy (&v, x + i, sizeof v);
          v8i gt = v > m;
          m = (v8f) (((v8i) v & gt) | ((v8i) m & ~gt));
        }
      for (int k = 0; k < 8; k++)
        mx = m[k] > mx ? m[k] : mx;
    }
  for (; i < n; i++)
    mx = x[i] > mx ? x[i] : mx;
  return mx;
}

#else /* no vector extensions: libm */

void
ce_vtanh (float *y, const float *x, size_t n)
{
  for (size_t i = 0; i < n; i++)
    y[i] = tanhf (x[i]);
}

void
ce_vsigmoid (float *y, const float *x, size_t n)
{
  for (size_t i = 0; i < n; i++)
    y[i] = 1.0f / (1.0f + expf (-x[i]));
}

double
ce_vexp_sum (float *y, const float *x, size_t n, float shift)
{
  double sum = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      y[i] = expf (x[i] - shift);
      sum += y[i];
    }
  return sum;
}

float
ce_vmax (const float *x, size_t n)
{
  float mx = -INFINITY;
  for (size_t i = 0; i < n; i++)
    mx = x[i] > mx ? x[i] : mx;
  return mx;
}

#endif
