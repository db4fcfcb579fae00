/* ce-quant.c — int8 weights and integer matrix-vector kernels for decoding
 * (see ce-quant.h for the scheme). Three kernels compute the same integer
 * sums: AVX-512 VNNI, AVX2 and plain C, picked at run time from what the
 * CPU supports; test-engine-quant checks each one against
 * ce_q8_dots_ref. */
#include "ce-quant.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CE_Q8_X86 1
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
/* GCC 12's AVX-512 intrinsics pass a deliberately undefined vector
 * (_mm512_undefined_epi32: `__m512i __Y = __Y;`) as the unused source of
 * their masked builtins, which -Wmaybe-uninitialized reports at -O3 */
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif

static int
pad_k (int K)
{
  return (K + CE_Q8_ALIGN - 1) / CE_Q8_ALIGN * CE_Q8_ALIGN;
}

CeStatus
ce_q8_matrix_init (CeQ8Matrix *m, const float *W, int N, int K, const char *name, char *msg)
{
  memset (m, 0, sizeof *m);
  if (N < 1 || K < 1 || K > CE_Q8_MAX_K)
    {
      snprintf (msg, CE_MSG_SIZE, "int8 weights %s: shape (%d, %d) outside 1..%d columns",
                name, N, K, CE_Q8_MAX_K);
      return CE_ERR_INVALID_ARG;
    }
  const int Kp = pad_k (K);
  const size_t wbytes = (size_t) N * Kp;
  const size_t sbytes = ((size_t) N * sizeof (float) + 63) & ~(size_t) 63;
  /* the weights first, at a 64-byte boundary (aligned_alloc wants a size
   * that is a multiple of the alignment) */
  size_t total = wbytes + 2 * sbytes;
  total = (total + 63) & ~(size_t) 63;
  char *mem = aligned_alloc (64, total);
  if (!mem)
    {
      snprintf (msg, CE_MSG_SIZE, "int8 weights %s: out of memory for %zu bytes", name, total);
      return CE_ERR_NOMEM;
    }
  m->mem = mem;
  m->w = (int8_t *) mem;
  m->scale = (float *) (void *) (mem + wbytes);
  m->wsum = (int32_t *) (void *) (mem + wbytes + sbytes);
  m->N = N;
  m->K = K;
  m->Kp = Kp;
  for (int n = 0; n < N; n++)
    {
      const float *row = W + (size_t) n * K;
      int8_t *q = m->w + (size_t) n * Kp;
      float mx = 0.0f;
      for (int k = 0; k < K; k++)
        {
          if (!isfinite (row[k]))
            {
              snprintf (msg, CE_MSG_SIZE, "int8 weights %s: row %d column %d is not finite",
                        name, n, k);
              ce_q8_matrix_clear (m);
              return CE_ERR_NUMERIC;
            }
          mx = fabsf (row[k]) > mx ? fabsf (row[k]) : mx;
        }
      const float inv = mx > 0.0f ? 127.0f / mx : 0.0f;
      int32_t sum = 0;
      for (int k = 0; k < K; k++)
        {
          long v = lrintf (row[k] * inv);
          v = v > 127 ? 127 : v < -127 ? -127 : v;
          q[k] = (int8_t) v;
          sum += (int32_t) v;
        }
      memset (q + K, 0, (size_t) (Kp - K));
      m->scale[n] = mx / 127.0f;
      m->wsum[n] = sum;
    }
  return CE_OK;
}

void
ce_q8_matrix_clear (CeQ8Matrix *m)
{
  free (m->mem);
  memset (m, 0, sizeof *m);
}

void
ce_q8_quantize_rows (uint8_t *xq, float *xscale, const float *x, int R, int K, int ldx, int Kp)
{
  for (int r = 0; r < R; r++)
    {
      const float *row = x + (size_t) r * ldx;
      uint8_t *q = xq + (size_t) r * Kp;
      float mx = 0.0f;
      int finite = 1;
      for (int k = 0; k < K; k++)
        {
          const float a = fabsf (row[k]);
          finite &= a <= 3.402823466e38f;   /* false for Inf and NaN */
          mx = a > mx ? a : mx;
        }
      memset (q + K, 128, (size_t) (Kp - K));
      if (!finite)
        {
          memset (q, 128, (size_t) K);
          xscale[r] = NAN;
          continue;
        }
      const float inv = mx > 0.0f ? 127.0f / mx : 0.0f;
      for (int k = 0; k < K; k++)
        {
          /* |row[k] inv| <= 127: rounding half away from zero, in range */
          const float v = row[k] * inv;
          const int i = (int) (v + (v >= 0.0f ? 0.5f : -0.5f));
          q[k] = (uint8_t) (i + 128);
        }
      xscale[r] = mx / 127.0f;
    }
}

/* ---- kernels ------------------------------------------------------------- */

static void
dots_scalar (const CeQ8Matrix *m, int n0, int n1, const uint8_t *xq, int R, int32_t *dots,
             int ldd)
{
  const int Kp = m->Kp;
  for (int r = 0; r < R; r++)
    {
      const uint8_t *x = xq + (size_t) r * Kp;
      for (int n = n0; n < n1; n++)
        {
          const int8_t *w = m->w + (size_t) n * Kp;
          int32_t acc = 0;
          for (int k = 0; k < Kp; k++)
            acc += (int32_t) w[k] * (int32_t) x[k];
          dots[(size_t) r * ldd + (n - n0)] = acc;
        }
    }
}

void
ce_q8_dots_ref (const CeQ8Matrix *m, int n0, int n1, const uint8_t *xq, int R, int32_t *dots,
                int ldd)
{
  /* the obvious double loop in 64-bit, independent of the kernels' tiling */
  for (int r = 0; r < R; r++)
    for (int n = n0; n < n1; n++)
      {
        long long acc = 0;
        for (int k = 0; k < m->K; k++)
          acc += (long long) m->w[(size_t) n * m->Kp + k] * xq[(size_t) r * m->Kp + k];
        dots[(size_t) r * ldd + (n - n0)] = (int32_t) acc;
      }
}

#ifdef CE_Q8_X86

__attribute__ ((target ("avx2"))) static inline int32_t
hsum8 (__m256i v)
{
  __m128i s = _mm_add_epi32 (_mm256_castsi256_si128 (v), _mm256_extracti128_si256 (v, 1));
  s = _mm_add_epi32 (s, _mm_shuffle_epi32 (s, 0x4E));
  s = _mm_add_epi32 (s, _mm_shuffle_epi32 (s, 0xB1));
  return _mm_cvtsi128_si32 (s);
}

/* 16 bytes a step: widen both to 16 bits (exact), vpmaddwd pairs into 32
 * bits (|u w| + |u w| <= 64770, exact), four weight rows at once. */
__attribute__ ((target ("avx2"))) static void
dots_avx2 (const CeQ8Matrix *m, int n0, int n1, const uint8_t *xq, int R, int32_t *dots,
           int ldd)
{
  const int Kp = m->Kp;
  for (int r = 0; r < R; r++)
    {
      const uint8_t *x = xq + (size_t) r * Kp;
      int n = n0;
      for (; n + 4 <= n1; n += 4)
        {
          const int8_t *w = m->w + (size_t) n * Kp;
          __m256i a0 = _mm256_setzero_si256 (), a1 = a0, a2 = a0, a3 = a0;
          for (int k = 0; k < Kp; k += 16)
            {
              __m256i xv = _mm256_cvtepu8_epi16 (_mm_loadu_si128 ((const __m128i *) (x + k)));
              a0 = _mm256_add_epi32 (a0, _mm256_madd_epi16 (xv, _mm256_cvtepi8_epi16 (
                _mm_loadu_si128 ((const __m128i *) (w + k)))));
              a1 = _mm256_add_epi32 (a1, _mm256_madd_epi16 (xv, _mm256_cvtepi8_epi16 (
                _mm_loadu_si128 ((const __m128i *) (w + Kp + k)))));
              a2 = _mm256_add_epi32 (a2, _mm256_madd_epi16 (xv, _mm256_cvtepi8_epi16 (
                _mm_loadu_si128 ((const __m128i *) (w + 2 * (size_t) Kp + k)))));
              a3 = _mm256_add_epi32 (a3, _mm256_madd_epi16 (xv, _mm256_cvtepi8_epi16 (
                _mm_loadu_si128 ((const __m128i *) (w + 3 * (size_t) Kp + k)))));
            }
          int32_t *d = dots + (size_t) r * ldd + (n - n0);
          d[0] = hsum8 (a0);
          d[1] = hsum8 (a1);
          d[2] = hsum8 (a2);
          d[3] = hsum8 (a3);
        }
      for (; n < n1; n++)
        {
          const int8_t *w = m->w + (size_t) n * Kp;
          __m256i a0 = _mm256_setzero_si256 ();
          for (int k = 0; k < Kp; k += 16)
            {
              __m256i xv = _mm256_cvtepu8_epi16 (_mm_loadu_si128 ((const __m128i *) (x + k)));
              a0 = _mm256_add_epi32 (a0, _mm256_madd_epi16 (xv, _mm256_cvtepi8_epi16 (
                _mm_loadu_si128 ((const __m128i *) (w + k)))));
            }
          dots[(size_t) r * ldd + (n - n0)] = hsum8 (a0);
        }
    }
}

#define VNNI_TARGET "avx512f,avx512bw,avx512vl,avx512vnni"

/* Four 16-lane sums to four scalars: two rounds of pairwise adds on
 * interleaved halves, then one 4-lane horizontal step. */
__attribute__ ((target (VNNI_TARGET))) static inline __m128i
hsum4x16 (__m512i a0, __m512i a1, __m512i a2, __m512i a3)
{
  /* 512 -> 256: add the halves */
  __m256i b0 = _mm256_add_epi32 (_mm512_castsi512_si256 (a0), _mm512_extracti64x4_epi64 (a0, 1));
  __m256i b1 = _mm256_add_epi32 (_mm512_castsi512_si256 (a1), _mm512_extracti64x4_epi64 (a1, 1));
  __m256i b2 = _mm256_add_epi32 (_mm512_castsi512_si256 (a2), _mm512_extracti64x4_epi64 (a2, 1));
  __m256i b3 = _mm256_add_epi32 (_mm512_castsi512_si256 (a3), _mm512_extracti64x4_epi64 (a3, 1));
  /* hadd pairs: (b0, b1) -> lanes of both, then (b2, b3) */
  __m256i c01 = _mm256_hadd_epi32 (b0, b1);
  __m256i c23 = _mm256_hadd_epi32 (b2, b3);
  __m256i d = _mm256_hadd_epi32 (c01, c23);
  /* d = [s0 s1 s2 s3 | s0' s1' s2' s3'] (low and high 128-bit halves) */
  return _mm_add_epi32 (_mm256_castsi256_si128 (d), _mm256_extracti128_si256 (d, 1));
}

__attribute__ ((target (VNNI_TARGET))) static void
dots_vnni (const CeQ8Matrix *m, int n0, int n1, const uint8_t *xq, int R, int32_t *dots,
           int ldd)
{
  const int Kp = m->Kp;
  for (int r = 0; r < R; r++)
    {
      const uint8_t *x = xq + (size_t) r * Kp;
      int n = n0;
      for (; n + 4 <= n1; n += 4)
        {
          const int8_t *w = m->w + (size_t) n * Kp;
          __m512i a0 = _mm512_setzero_si512 (), a1 = a0, a2 = a0, a3 = a0;
          for (int k = 0; k < Kp; k += 64)
            {
              const __m512i xv = _mm512_loadu_si512 (x + k);
              a0 = _mm512_dpbusd_epi32 (a0, xv, _mm512_loadu_si512 (w + k));
              a1 = _mm512_dpbusd_epi32 (a1, xv, _mm512_loadu_si512 (w + Kp + k));
              a2 = _mm512_dpbusd_epi32 (a2, xv, _mm512_loadu_si512 (w + 2 * (size_t) Kp + k));
              a3 = _mm512_dpbusd_epi32 (a3, xv, _mm512_loadu_si512 (w + 3 * (size_t) Kp + k));
            }
          _mm_storeu_si128 ((__m128i *) (dots + (size_t) r * ldd + (n - n0)), hsum4x16 (a0, a1, a2, a3));
        }
      for (; n < n1; n++)
        {
          const int8_t *w = m->w + (size_t) n * Kp;
          __m512i a0 = _mm512_setzero_si512 ();
          for (int k = 0; k < Kp; k += 64)
            a0 = _mm512_dpbusd_epi32 (a0, _mm512_loadu_si512 (x + k), _mm512_loadu_si512 (w + k));
          const __m512i z = _mm512_setzero_si512 ();
          dots[(size_t) r * ldd + (n - n0)] = _mm_cvtsi128_si32 (hsum4x16 (a0, z, z, z));
        }
    }
}

#endif /* CE_Q8_X86 */

int
ce_q8_kernel_available (CeQ8Kernel kernel)
{
  switch (kernel)
    {
    case CE_Q8_SCALAR:
      return 1;
#ifdef CE_Q8_X86
    case CE_Q8_AVX2:
      __builtin_cpu_init ();
      return __builtin_cpu_supports ("avx2");
    case CE_Q8_AVX512VNNI:
      __builtin_cpu_init ();
      return __builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512bw")
             && __builtin_cpu_supports ("avx512vl") && __builtin_cpu_supports ("avx512vnni");
#endif
    default:
      return 0;
    }
}

CeQ8Kernel
ce_q8_kernel_best (void)
{
  if (ce_q8_kernel_available (CE_Q8_AVX512VNNI))
    return CE_Q8_AVX512VNNI;
  if (ce_q8_kernel_available (CE_Q8_AVX2))
    return CE_Q8_AVX2;
  return CE_Q8_SCALAR;
}

const char *
ce_q8_kernel_name (CeQ8Kernel kernel)
{
  switch (kernel)
    {
    case CE_Q8_SCALAR: return "scalar";
    case CE_Q8_AVX2: return "avx2";
    case CE_Q8_AVX512VNNI: return "avx512-vnni";
    default: return "unknown";
    }
}

void
ce_q8_dots (CeQ8Kernel kernel, const CeQ8Matrix *m, int n0, int n1, const uint8_t *xq, int R,
            int32_t *dots, int ldd)
{
  switch (kernel)
    {
#ifdef CE_Q8_X86
    case CE_Q8_AVX512VNNI:
      dots_vnni (m, n0, n1, xq, R, dots, ldd);
      return;
    case CE_Q8_AVX2:
      dots_avx2 (m, n0, n1, xq, R, dots, ldd);
      return;
#endif
    default:
      dots_scalar (m, n0, n1, xq, R, dots, ldd);
      return;
    }
}

void
ce_q8_gemm_rows (const CeQ8Matrix *m, int n0, int n1, const uint8_t *xq, const float *xscale,
                 int R, float *y, int ldy, int accumulate, int reverse)
{
  const CeQ8Kernel kernel = ce_q8_kernel_best ();
  int32_t dots[CE_Q8_BLOCK];
  const int n_blocks = (n1 - n0 + CE_Q8_BLOCK - 1) / CE_Q8_BLOCK;
  for (int i = 0; i < n_blocks; i++)
    {
      const int b0 = n0 + (reverse ? n_blocks - 1 - i : i) * CE_Q8_BLOCK;
      const int b1 = n1 - b0 < CE_Q8_BLOCK ? n1 : b0 + CE_Q8_BLOCK;
      for (int r = 0; r < R; r++)
        {
          /* dots[i] holds weight row b0 + i */
          ce_q8_dots (kernel, m, b0, b1, xq + (size_t) r * m->Kp, 1, dots, CE_Q8_BLOCK);
          /* two plain loops (not one with a select) so the compiler
           * vectorises them */
          float *yr = y + (size_t) r * ldy + b0;
          const float xs = xscale[r];
          const int32_t *ws = m->wsum + b0;
          const float *sc = m->scale + b0;
          const int nb = b1 - b0;
          if (accumulate)
            for (int j = 0; j < nb; j++)
              yr[j] += (float) (dots[j] - 128 * ws[j]) * (sc[j] * xs);
          else
            for (int j = 0; j < nb; j++)
              yr[j] = (float) (dots[j] - 128 * ws[j]) * (sc[j] * xs);
        }
    }
}
