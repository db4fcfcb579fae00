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
ce_bf16_gemm_ref (int M, int N, int Kp, const uint16_t *A, const uint16_t *B, float *C, int ldc,
                  int acc)
{
  for (int m = 0; m < M; m++)
    for (int n = 0; n < N; n++)
      {
        double s = 0.0;
        for (int k = 0; k < Kp; k++)
          s += (double) ce_bf16_to_float (A[(size_t) m * Kp + k])
               * (double) ce_bf16_to_float (B[panel_index (k, n, Kp)]);
        float *c = C + (size_t) m * ldc + n;
        *c = acc ? (float) ((double) *c + s) : (float) s;
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
 * they are stored transposed, as 32-bit pairs, through a small block. */
__attribute__ ((target (BF16_ISA))) static void
pack_a_t_avx512 (uint16_t *dst, const float *src, int M, int K, int ld, int Mp, int Kp)
{
  uint32_t blk[16][16];
  uint32_t *d32 = (uint32_t *) (void *) dst;
  const size_t row32 = (size_t) Kp / 2;
  for (int m0 = 0; m0 < Mp; m0 += 16)
    for (int k0 = 0; k0 < Kp; k0 += 32)
      {
        if (m0 + 16 > M || k0 + 32 > K)
          {
            for (int m = m0; m < m0 + 16; m++)
              for (int k = k0; k < k0 + 32; k++)
                dst[(size_t) m * Kp + k] = m < M && k < K
                                             ? ce_bf16_from_float (src[(size_t) k * ld + m]) : 0;
            continue;
          }
        for (int p = 0; p < 16; p++)
          {
            const float *r = src + (size_t) (k0 + 2 * p) * ld + m0;
            _mm512_storeu_si512 (blk[p], pairs16 (_mm512_loadu_ps (r), _mm512_loadu_ps (r + ld)));
          }
        for (int m = 0; m < 16; m++)
          {
            uint32_t *o = d32 + (size_t) (m0 + m) * row32 + k0 / 2;
            for (int p = 0; p < 16; p++)
              o[p] = blk[p][m];
          }
      }
}

__attribute__ ((target (BF16_ISA))) static void
pack_b_avx512 (uint16_t *dst, const float *src, int K, int N, int ld, int trans, int Kp, int Np)
{
  uint32_t blk[16][16];
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
        for (int c = 0; c < 16; c++)
          _mm512_storeu_si512 (blk[c], convert32 (src + (size_t) (n0 + c) * ld + k0));
        for (int p = 0; p < 16; p++)
          for (int c = 0; c < 16; c++)
            o[(size_t) p * 16 + c] = blk[c][p];
      }
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

/* columns of C per block of B panels kept hot while all of A's rows pass */
#define NB 256

/* Tiles 0-3: a 32 x 32 block of C; 4, 5: two 16-row slices of A; 6, 7: two
 * 16-column panels of B. */
__attribute__ ((target ("amx-tile,amx-bf16"))) void
ce_bf16_gemm (int M, int N, int Kp, const uint16_t *A, const uint16_t *B, float *C, int ldc,
              int acc)
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
  float loc[32 * 32];
  for (int j0 = 0; j0 < N; j0 += NB)
    for (int i = 0; i < M; i += 32)
      for (int j = j0; j < j0 + NB && j < N; j += 32)
        {
          float *c = C + (size_t) i * ldc + j;
          const int full = i + 32 <= M && j + 32 <= N;
          if (full && acc)
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
          if (full)
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
          const int rm = M - i < 32 ? M - i : 32, rn = N - j < 32 ? N - j : 32;
          for (int r = 0; r < rm; r++)
            for (int q = 0; q < rn; q++)
              c[(size_t) r * ldc + q] = acc ? c[(size_t) r * ldc + q] + loc[r * 32 + q]
                                            : loc[r * 32 + q];
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
ce_bf16_gemm (int M, int N, int Kp, const uint16_t *A, const uint16_t *B, float *C, int ldc,
              int acc)
{
  /* never called: callers check ce_bf16_available () */
  ce_bf16_gemm_ref (M, N, Kp, A, B, C, ldc, acc);
}

#endif
