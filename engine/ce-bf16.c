/* ce-bf16.c — bfloat16 packing and AMX matrix products (see ce-bf16.h).
 *
 * The packers are AVX512-BF16 code (vcvtne2ps2bf16 converts 32 floats to
 * 32 bfloat16 in one instruction) with plain C references; the product is
 * AMX code (tdpbf16ps: a 16 x 16 fp32 tile += a 16 x 32 bfloat16 tile times
 * a 32 x 16 one). Both are compiled for those instruction sets with
 * function attributes, so the rest of the engine stays plain x86-64, and
 * run only where ce_bf16_available () says so. */
#define _DEFAULT_SOURCE 1
#include "ce-bf16.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#if defined(__x86_64__) && defined(__linux__) && (defined(__GNUC__) || defined(__clang__))
#define CE_BF16_X86 1
#include <cpuid.h>
#include <immintrin.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__GNUC__) && !defined(__clang__)
/* GCC 12's masked AVX-512 intrinsics use a deliberately undefined vector
 * (see ce-quant.c) */
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif

/* ---- conversion ------------------------------------------------------------ */

uint16_t
ce_bf16_from_float (float f)
{
  uint32_t u;
  memcpy (&u, &f, sizeof u);
  const uint32_t e = u & 0x7f800000u;
  if (e == 0x7f800000u)
    return (uint16_t) ((u >> 16) | ((u & 0x7fffffu) ? 0x40u : 0u));   /* inf; NaN made quiet */
  if (e == 0)
    return (uint16_t) ((u >> 16) & 0x8000u);                        /* zero, denormal: signed 0 */
  u += 0x7fffu + ((u >> 16) & 1u);                                    /* to nearest, ties even */
  return (uint16_t) (u >> 16);
}

float
ce_bf16_to_float (uint16_t h)
{
  const uint32_t u = (uint32_t) h << 16;
  float f;
  memcpy (&f, &u, sizeof f);
  return f;
}

/* ---- references -------------------------------------------------------------- */

void
ce_bf16_pack_a_ref (uint16_t *dst, const float *src, int M, int K, int ld, int Mp, int Kp)
{
  for (int m = 0; m < Mp; m++)
    for (int k = 0; k < Kp; k++)
      dst[(size_t) m * Kp + k] = m < M && k < K ? ce_bf16_from_float (src[(size_t) m * ld + k]) : 0;
}

void
ce_bf16_pack_a_t_ref (uint16_t *dst, const float *src, int M, int K, int ld, int Mp, int Kp)
{
  for (int m = 0; m < Mp; m++)
    for (int k = 0; k < Kp; k++)
      dst[(size_t) m * Kp + k] = m < M && k < K ? ce_bf16_from_float (src[(size_t) k * ld + m]) : 0;
}

/* where B[k][n] lives in the panel layout */
static inline size_t
panel_index (int k, int n, int Kp)
{
  return (size_t) (n / 16) * ((size_t) Kp * 16) + (size_t) (k / 2) * 32 + (size_t) (n % 16) * 2
         + (size_t) (k % 2);
}

void
ce_bf16_pack_b_ref (uint16_t *dst, const float *src, int K, int N, int ld, int trans, int Kp,
                    int Np)
{
  for (int k = 0; k < Kp; k++)
    for (int n = 0; n < Np; n++)
      {
        uint16_t v = 0;
        if (k < K && n < N)
          v = ce_bf16_from_float (trans ? src[(size_t) n * ld + k] : src[(size_t) k * ld + n]);
        dst[panel_index (k, n, Kp)] = v;
      }
}

void
ce_bf16_pack_ab_ref (uint16_t *dst_a, uint16_t *dst_b, const float *src, int R, int C, int ld,
                     int Rp, int Cp)
{
  ce_bf16_pack_a_ref (dst_a, src, R, C, ld, Rp, Cp);
  ce_bf16_pack_b_ref (dst_b, src, R, C, ld, 0, Rp, Cp);
}

void
ce_bf16_pack_ab_rows_ref (uint16_t *dst_a, uint16_t *dst_b, const float *src, int r0, int r1,
                          int R, int C, int ld, int Rp, int Cp)
{
  for (int r = r0; r < r1; r++)
    for (int c = 0; c < Cp; c++)
      {
        const uint16_t v = r < R && c < C ? ce_bf16_from_float (src[(size_t) r * ld + c]) : 0;
        dst_a[(size_t) r * Cp + c] = v;
        dst_b[panel_index (r, c, Rp)] = v;
      }
}

void
ce_bf16_gemm_ref (int M, int N, int Kp, const uint16_t *A, const uint16_t *B, float *C, int ldc,
                  int acc, int trans_c, const float *bias)
{
  for (int m = 0; m < M; m++)
    for (int n = 0; n < N; n++)
      {
        double s = 0.0;
        for (int k = 0; k < Kp; k++)
          s += (double) ce_bf16_to_float (A[(size_t) m * Kp + k])
               * (double) ce_bf16_to_float (B[panel_index (k, n, Kp)]);
        float *c = trans_c ? C + (size_t) n * ldc + m : C + (size_t) m * ldc + n;
        const float prod = (float) s + (bias ? bias[n] : 0.0f);
        *c = acc ? *c + prod : prod;
      }
}

#ifdef CE_BF16_X86

/* ---- availability ------------------------------------------------------------ */

static int available;
static pthread_once_t available_once = PTHREAD_ONCE_INIT;

#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18

static void
probe (void)
{
  unsigned a, b, c, d;
  if (!__get_cpuid_count (7, 0, &a, &b, &c, &d))
    return;
  const int amx = (d >> 22 & 1) && (d >> 24 & 1);         /* AMX-BF16, AMX-TILE */
  const int avx512 = (b >> 16 & 1) && (b >> 30 & 1);      /* AVX512F, AVX512BW */
  if (!amx || !avx512 || a < 1)
    return;
  if (!__get_cpuid_count (7, 1, &a, &b, &c, &d) || !(a >> 5 & 1))   /* AVX512-BF16 */
    return;
  /* Linux hands out the 8 KB tile state only on request */
  if (syscall (SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) != 0)
    return;
  available = 1;
}

int
ce_bf16_available (void)
{
  pthread_once (&available_once, probe);
  return available;
}

/* ---- packing -------------------------------------------------------------------- */

#define BF16_ISA "avx512f,avx512bw,avx512vl,avx512bf16"

/* 16 u32 lanes: lane c = (bf16 (a[c]) low, bf16 (b[c]) high) */
__attribute__ ((target (BF16_ISA))) static inline __m512i
pairs16 (__m512 a, __m512 b)
{
  static const uint16_t order[32] = { 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23,
                                      8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31 };
  const __m512i v = (__m512i) _mm512_cvtne2ps_pbh (b, a);   /* a in the low half */
  return _mm512_permutexvar_epi16 (_mm512_loadu_si512 (order), v);
}

/* O = R^T for a 16 x 16 matrix of 32-bit elements (R[a] is row a): pairs
 * and quads interleave inside 128-bit lanes, then the lanes move. */
__attribute__ ((target (BF16_ISA))) static inline void
transpose16 (__m512i o[16], const __m512i r[16])
{
  __m512i t[16], u[16];
  for (int i = 0; i < 8; i++)
    {
      t[2 * i] = _mm512_unpacklo_epi32 (r[2 * i], r[2 * i + 1]);
      t[2 * i + 1] = _mm512_unpackhi_epi32 (r[2 * i], r[2 * i + 1]);
    }
  /* u[4i + j], lane L: column 4L + j of rows 4i .. 4i + 3 */
  for (int i = 0; i < 4; i++)
    {
      u[4 * i] = _mm512_unpacklo_epi64 (t[4 * i], t[4 * i + 2]);
      u[4 * i + 1] = _mm512_unpackhi_epi64 (t[4 * i], t[4 * i + 2]);
      u[4 * i + 2] = _mm512_unpacklo_epi64 (t[4 * i + 1], t[4 * i + 3]);
      u[4 * i + 3] = _mm512_unpackhi_epi64 (t[4 * i + 1], t[4 * i + 3]);
    }
  /* row 4L + j of O: lane L of u[j], u[4 + j], u[8 + j], u[12 + j] */
  for (int j = 0; j < 4; j++)
    {
      const __m512i a = _mm512_shuffle_i32x4 (u[j], u[4 + j], 0x44);
      const __m512i b = _mm512_shuffle_i32x4 (u[j], u[4 + j], 0xee);
      const __m512i c = _mm512_shuffle_i32x4 (u[8 + j], u[12 + j], 0x44);
      const __m512i d = _mm512_shuffle_i32x4 (u[8 + j], u[12 + j], 0xee);
      o[j] = _mm512_shuffle_i32x4 (a, c, 0x88);
      o[4 + j] = _mm512_shuffle_i32x4 (a, c, 0xdd);
      o[8 + j] = _mm512_shuffle_i32x4 (b, d, 0x88);
      o[12 + j] = _mm512_shuffle_i32x4 (b, d, 0xdd);
    }
}

/* 32 consecutive floats to 32 bfloat16 */
__attribute__ ((target (BF16_ISA))) static inline __m512i
convert32 (const float *p)
{
  return (__m512i) _mm512_cvtne2ps_pbh (_mm512_loadu_ps (p + 16), _mm512_loadu_ps (p));
}

__attribute__ ((target (BF16_ISA))) static void
pack_a_avx512 (uint16_t *dst, const float *src, int M, int K, int ld, int Mp, int Kp)
{
  const int K32 = K / 32 * 32;
  for (int m = 0; m < Mp; m++)
    {
      uint16_t *d = dst + (size_t) m * Kp;
      if (m >= M)
        {
          memset (d, 0, (size_t) Kp * sizeof *d);
          continue;
        }
      const float *s = src + (size_t) m * ld;
      int k = 0;
      for (; k < K32; k += 32)
        _mm512_storeu_si512 (d + k, convert32 (s + k));
      for (; k < K; k++)
        d[k] = ce_bf16_from_float (s[k]);
      for (; k < Kp; k++)
        d[k] = 0;
    }
}

/* A = SRC^T: blocks of 16 rows of A (columns M of SRC) by 32 columns (rows
 * K of SRC). Each pair of SRC rows gives the pairs of 16 A rows at once;
 * they are transposed as 32-bit pairs in registers. */
__attribute__ ((target (BF16_ISA))) static void
pack_a_t_avx512 (uint16_t *dst, const float *src, int M, int K, int ld, int Mp, int Kp)
{
  uint32_t *d32 = (uint32_t *) (void *) dst;
  const size_t row32 = (size_t) Kp / 2;
  /* 256 rows of SRC at a time, read left to right; each A row gets 512
   * contiguous bytes per visit */
  for (int k1 = 0; k1 < Kp; k1 += 256)
    for (int m0 = 0; m0 < Mp; m0 += 16)
      for (int k0 = k1; k0 < k1 + 256 && k0 < Kp; k0 += 32)
      {
        if (m0 + 16 > M || k0 + 32 > K)
          {
            for (int m = m0; m < m0 + 16; m++)
              for (int k = k0; k < k0 + 32; k++)
                dst[(size_t) m * Kp + k] = m < M && k < K
                                             ? ce_bf16_from_float (src[(size_t) k * ld + m]) : 0;
            continue;
          }
        __m512i r[16], o[16];
        for (int p = 0; p < 16; p++)
          {
            const float *q = src + (size_t) (k0 + 2 * p) * ld + m0;
            r[p] = pairs16 (_mm512_loadu_ps (q), _mm512_loadu_ps (q + ld));
          }
        transpose16 (o, r);
        for (int m = 0; m < 16; m++)
          _mm512_storeu_si512 (d32 + (size_t) (m0 + m) * row32 + k0 / 2, o[m]);
      }
}

__attribute__ ((target (BF16_ISA))) static void
pack_b_avx512 (uint16_t *dst, const float *src, int K, int N, int ld, int trans, int Kp, int Np)
{
  uint32_t *d32 = (uint32_t *) (void *) dst;
  for (int n0 = 0; n0 < Np; n0 += 16)
    for (int k0 = 0; k0 < Kp; k0 += 32)
      {
        /* the panel's 16 u32 rows for k0 .. k0 + 31 */
        uint32_t *o = d32 + (size_t) (n0 / 16) * ((size_t) Kp * 8) + (size_t) (k0 / 2) * 16;
        if (n0 + 16 > N || k0 + 32 > K)
          {
            for (int k = k0; k < k0 + 32; k++)
              for (int n = n0; n < n0 + 16; n++)
                {
                  uint16_t v = 0;
                  if (k < K && n < N)
                    v = ce_bf16_from_float (trans ? src[(size_t) n * ld + k]
                                                  : src[(size_t) k * ld + n]);
                  dst[panel_index (k, n, Kp)] = v;
                }
            continue;
          }
        if (!trans)
          {
            for (int p = 0; p < 16; p++)
              {
                const float *r = src + (size_t) (k0 + 2 * p) * ld + n0;
                _mm512_storeu_si512 (o + (size_t) p * 16,
                                     pairs16 (_mm512_loadu_ps (r), _mm512_loadu_ps (r + ld)));
              }
            continue;
          }
        /* SRC row n0 + c holds B's column: 16 pairs along k; transpose */
        __m512i r[16], t[16];
        for (int c = 0; c < 16; c++)
          r[c] = convert32 (src + (size_t) (n0 + c) * ld + k0);
        transpose16 (t, r);
        for (int p = 0; p < 16; p++)
          _mm512_storeu_si512 (o + (size_t) p * 16, t[p]);
      }
}

/* A and B panels from the same rows: each pair of rows is loaded once */
__attribute__ ((target (BF16_ISA))) static void
pack_ab_avx512 (uint16_t *dst_a, uint16_t *dst_b, const float *src, int r0, int r1, int R, int C,
                int ld, int Rp, int Cp)
{
  uint32_t *b32 = (uint32_t *) (void *) dst_b;
  const int R2 = R / 2 * 2, C16 = C / 16 * 16;
  const int rv = r1 < R2 ? r1 : R2;
  int r = r0;
  for (; r < rv; r += 2)
    {
      const float *s0 = src + (size_t) r * ld, *s1 = s0 + ld;
      uint16_t *a0 = dst_a + (size_t) r * Cp, *a1 = a0 + Cp;
      uint32_t *b = b32 + (size_t) (r / 2) * 16;
      int c = 0;
      for (; c < C16; c += 16)
        {
          const __m512 x0 = _mm512_loadu_ps (s0 + c), x1 = _mm512_loadu_ps (s1 + c);
          const __m512i both = (__m512i) _mm512_cvtne2ps_pbh (x1, x0);   /* row r low, r + 1 high */
          _mm256_storeu_si256 ((__m256i *) (void *) (a0 + c), _mm512_castsi512_si256 (both));
          _mm256_storeu_si256 ((__m256i *) (void *) (a1 + c), _mm512_extracti64x4_epi64 (both, 1));
          _mm512_storeu_si512 (b + (size_t) (c / 16) * ((size_t) Rp * 8), pairs16 (x0, x1));
        }
      for (; c < Cp; c++)
        {
          const uint16_t v0 = c < C ? ce_bf16_from_float (s0[c]) : 0;
          const uint16_t v1 = c < C ? ce_bf16_from_float (s1[c]) : 0;
          a0[c] = v0;
          a1[c] = v1;
          dst_b[panel_index (r, c, Rp)] = v0;
          dst_b[panel_index (r + 1, c, Rp)] = v1;
        }
    }
  for (; r < r1; r++)
    for (int c = 0; c < Cp; c++)
      {
        const uint16_t v = r < R && c < C ? ce_bf16_from_float (src[(size_t) r * ld + c]) : 0;
        dst_a[(size_t) r * Cp + c] = v;
        dst_b[panel_index (r, c, Rp)] = v;
      }
}

void
ce_bf16_pack_ab_rows (uint16_t *dst_a, uint16_t *dst_b, const float *src, int r0, int r1, int R,
                      int C, int ld, int Rp, int Cp)
{
  if (ce_bf16_available ())
    pack_ab_avx512 (dst_a, dst_b, src, r0, r1, R, C, ld, Rp, Cp);
  else
    ce_bf16_pack_ab_rows_ref (dst_a, dst_b, src, r0, r1, R, C, ld, Rp, Cp);
}

void
ce_bf16_pack_ab (uint16_t *dst_a, uint16_t *dst_b, const float *src, int R, int C, int ld, int Rp,
                 int Cp)
{
  ce_bf16_pack_ab_rows (dst_a, dst_b, src, 0, Rp, R, C, ld, Rp, Cp);
}

void
ce_bf16_pack_a (uint16_t *dst, const float *src, int M, int K, int ld, int Mp, int Kp)
{
  if (ce_bf16_available ())
    pack_a_avx512 (dst, src, M, K, ld, Mp, Kp);
  else
    ce_bf16_pack_a_ref (dst, src, M, K, ld, Mp, Kp);
}

void
ce_bf16_pack_a_t (uint16_t *dst, const float *src, int M, int K, int ld, int Mp, int Kp)
{
  if (ce_bf16_available ())
    pack_a_t_avx512 (dst, src, M, K, ld, Mp, Kp);
  else
    ce_bf16_pack_a_t_ref (dst, src, M, K, ld, Mp, Kp);
}

void
ce_bf16_pack_b (uint16_t *dst, const float *src, int K, int N, int ld, int trans, int Kp, int Np)
{
  if (ce_bf16_available ())
    pack_b_avx512 (dst, src, K, N, ld, trans, Kp, Np);
  else
    ce_bf16_pack_b_ref (dst, src, K, N, ld, trans, Kp, Np);
}

/* ---- the product ---------------------------------------------------------------- */

typedef struct {
  uint8_t palette, start_row;
  uint8_t reserved[14];
  uint16_t colsb[16];
  uint8_t rows[16];
} TileConfig;

/* columns of C per block of B panels kept hot (in L2) while all of A's
 * rows pass: at most NB_MAX, and at most NB_BYTES of B */
#define NB_MAX 256
#define NB_BYTES ((size_t) 1 << 20)

/* Tiles 0-3: a 32 x 32 block of C; 4, 5: two 16-row slices of A; 6, 7: two
 * 16-column panels of B. */
/* C (N, M) (+)= the 32 x 32 block LOC (row stride 32) transposed, at
 * block row I, column J of the product */
__attribute__ ((target (BF16_ISA))) static void
store_transposed (float *C, int ldc, const float *loc, int i, int j, int acc)
{
  for (int qi = 0; qi < 2; qi++)
    for (int qj = 0; qj < 2; qj++)
      {
        __m512i r[16], o[16];
        for (int a = 0; a < 16; a++)
          r[a] = _mm512_loadu_si512 (loc + (qi * 16 + a) * 32 + qj * 16);
        transpose16 (o, r);
        for (int b = 0; b < 16; b++)
          {
            float *c = C + (size_t) (j + qj * 16 + b) * ldc + i + qi * 16;
            __m512 v = _mm512_castsi512_ps (o[b]);
            if (acc)
              v = _mm512_add_ps (_mm512_loadu_ps (c), v);
            _mm512_storeu_ps (c, v);
          }
      }
}

/* C (+)= the 32 x 32 block LOC (row stride 32) + BIAS (32) on every row */
__attribute__ ((target (BF16_ISA))) static void
store_bias (float *c, int ldc, const float *loc, const float *bias, int acc)
{
  const __m512 b0 = _mm512_loadu_ps (bias), b1 = _mm512_loadu_ps (bias + 16);
  for (int r = 0; r < 32; r++, c += ldc, loc += 32)
    {
      __m512 v0 = _mm512_add_ps (_mm512_loadu_ps (loc), b0);
      __m512 v1 = _mm512_add_ps (_mm512_loadu_ps (loc + 16), b1);
      if (acc)
        {
          v0 = _mm512_add_ps (_mm512_loadu_ps (c), v0);
          v1 = _mm512_add_ps (_mm512_loadu_ps (c + 16), v1);
        }
      _mm512_storeu_ps (c, v0);
      _mm512_storeu_ps (c + 16, v1);
    }
}

__attribute__ ((target ("amx-tile,amx-bf16," BF16_ISA))) void
ce_bf16_gemm (int M, int N, int Kp, const uint16_t *A, const uint16_t *B, float *C, int ldc,
              int acc, int trans_c, const float *bias)
{
  TileConfig cfg;
  memset (&cfg, 0, sizeof cfg);
  cfg.palette = 1;
  for (int t = 0; t < 8; t++)
    {
      cfg.colsb[t] = 64;
      cfg.rows[t] = 16;
    }
  _tile_loadconfig (&cfg);
  const size_t sa = (size_t) Kp * 2, sc = (size_t) ldc * 4;
  int NB = (int) (NB_BYTES / ((size_t) Kp * 2)) / 32 * 32;
  NB = NB < 32 ? 32 : NB > NB_MAX ? NB_MAX : NB;
  float loc[32 * 32];
  for (int j0 = 0; j0 < N; j0 += NB)
    for (int i = 0; i < M; i += 32)
      for (int j = j0; j < j0 + NB && j < N; j += 32)
        {
          float *c = trans_c ? NULL : C + (size_t) i * ldc + j;
          const int full = i + 32 <= M && j + 32 <= N;
          if (full && acc && !trans_c && !bias)
            {
              _tile_loadd (0, c, sc);
              _tile_loadd (1, c + 16, sc);
              _tile_loadd (2, c + 16 * (size_t) ldc, sc);
              _tile_loadd (3, c + 16 * (size_t) ldc + 16, sc);
            }
          else
            {
              _tile_zero (0);
              _tile_zero (1);
              _tile_zero (2);
              _tile_zero (3);
            }
          const uint16_t *a0 = A + (size_t) i * Kp, *a1 = a0 + 16 * (size_t) Kp;
          const uint16_t *b0 = B + (size_t) j * Kp, *b1 = b0 + 16 * (size_t) Kp;
          for (int k = 0; k < Kp; k += 32)
            {
              _tile_loadd (4, a0 + k, sa);
              _tile_loadd (5, a1 + k, sa);
              _tile_loadd (6, b0 + (size_t) k * 16, 64);
              _tile_loadd (7, b1 + (size_t) k * 16, 64);
              _tile_dpbf16ps (0, 4, 6);
              _tile_dpbf16ps (1, 4, 7);
              _tile_dpbf16ps (2, 5, 6);
              _tile_dpbf16ps (3, 5, 7);
            }
          if (full && !trans_c && !bias)
            {
              _tile_stored (0, c, sc);
              _tile_stored (1, c + 16, sc);
              _tile_stored (2, c + 16 * (size_t) ldc, sc);
              _tile_stored (3, c + 16 * (size_t) ldc + 16, sc);
              continue;
            }
          _tile_stored (0, loc, 128);
          _tile_stored (1, loc + 16, 128);
          _tile_stored (2, loc + 16 * 32, 128);
          _tile_stored (3, loc + 16 * 32 + 16, 128);
          if (full && trans_c)
            {
              store_transposed (C, ldc, loc, i, j, acc);
              continue;
            }
          if (full)
            {
              store_bias (c, ldc, loc, bias + j, acc);
              continue;
            }
          const int rm = M - i < 32 ? M - i : 32, rn = N - j < 32 ? N - j : 32;
          for (int r = 0; r < rm; r++)
            for (int q = 0; q < rn; q++)
              {
                float *e = trans_c ? C + (size_t) (j + q) * ldc + i + r : c + (size_t) r * ldc + q;
                const float prod = loc[r * 32 + q] + (bias ? bias[j + q] : 0.0f);
                *e = acc ? *e + prod : prod;
              }
        }
  _tile_release ();
}

#else /* not x86-64 Linux with GCC or Clang: no AMX */

int
ce_bf16_available (void)
{
  return 0;
}

void
ce_bf16_pack_a (uint16_t *dst, const float *src, int M, int K, int ld, int Mp, int Kp)
{
  ce_bf16_pack_a_ref (dst, src, M, K, ld, Mp, Kp);
}

void
ce_bf16_pack_a_t (uint16_t *dst, const float *src, int M, int K, int ld, int Mp, int Kp)
{
  ce_bf16_pack_a_t_ref (dst, src, M, K, ld, Mp, Kp);
}

void
ce_bf16_pack_b (uint16_t *dst, const float *src, int K, int N, int ld, int trans, int Kp, int Np)
{
  ce_bf16_pack_b_ref (dst, src, K, N, ld, trans, Kp, Np);
}

void
ce_bf16_pack_ab (uint16_t *dst_a, uint16_t *dst_b, const float *src, int R, int C, int ld, int Rp,
                 int Cp)
{
  ce_bf16_pack_ab_ref (dst_a, dst_b, src, R, C, ld, Rp, Cp);
}

void
ce_bf16_pack_ab_rows (uint16_t *dst_a, uint16_t *dst_b, const float *src, int r0, int r1, int R,
                      int C, int ld, int Rp, int Cp)
{
  ce_bf16_pack_ab_rows_ref (dst_a, dst_b, src, r0, r1, R, C, ld, Rp, Cp);
}

void
ce_bf16_gemm (int M, int N, int Kp, const uint16_t *A, const uint16_t *B, float *C, int ldc,
              int acc, int trans_c, const float *bias)
{
  /* never called: callers check ce_bf16_available () */
  ce_bf16_gemm_ref (M, N, Kp, A, B, C, ldc, acc, trans_c, bias);
}

#endif
