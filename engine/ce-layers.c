/* ce-layers.c — dense layers: GEMM helper, linear, embedding, activations,
 * MLP block, softmax rows, reparameterisation, dropout.
 * The GRU is in ce-gru.c, attention in ce-attention.c, losses in ce-losses.c. */
#include "ce-layers.h"

#include <cblas.h>
/* OpenBLAS's cblas.h pulls in <complex.h>, whose macro I clashes with the
 * layer's dimension names. */
#undef I
#include <math.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
typedef float v8f __attribute__ ((vector_size (32)));

/* Rows of B (K floats each) against M <= 4 rows of A: every element of B
 * is loaded once for all M rows. Eight lanes per accumulator, summed
 * pairwise at the end. M and NR are constants once inlined below, so the
 * unused accumulators and their branches vanish. */
static inline __attribute__ ((always_inline)) float
lanes_sum (const v8f *vp)
{
  /* By pointer: a 32-byte vector passed by value to code built without
   * AVX is an ABI clang refuses (-Wpsabi, an error in the fuzz build). */
  const v8f v = *vp;
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

/* C(m, n) for M rows of A and NR (1 or 2) rows of B from n on: two rows of
 * B at once give 2M independent sums, enough to hide the add latency. */
static inline __attribute__ ((always_inline)) void
rows_dot_block (const int M, const int NR, int n, int K, float alpha, const float *A, int lda,
                const float *B, int ldb, float beta, float *C, int ldc)
{
  const int K8 = K & ~7;
  const float *a0 = A, *a1 = A + lda, *a2 = A + 2 * (size_t) lda, *a3 = A + 3 * (size_t) lda;
  const float *w0 = B + (size_t) n * ldb, *w1 = NR > 1 ? w0 + ldb : w0;
  v8f s00 = { 0 }, s10 = { 0 }, s20 = { 0 }, s30 = { 0 };
  v8f s01 = { 0 }, s11 = { 0 }, s21 = { 0 }, s31 = { 0 };
  for (int k = 0; k < K8; k += 8)
    {
      v8f u, v, x;
      memcpy (&u, w0 + k, sizeof u);
      if (NR > 1)
        memcpy (&v, w1 + k, sizeof v);
      memcpy (&x, a0 + k, sizeof x);
      s00 += x * u;
      if (NR > 1)
        s01 += x * v;
      if (M > 1)
        {
          memcpy (&x, a1 + k, sizeof x);
          s10 += x * u;
          if (NR > 1)
            s11 += x * v;
        }
      if (M > 2)
        {
          memcpy (&x, a2 + k, sizeof x);
          s20 += x * u;
          if (NR > 1)
            s21 += x * v;
        }
      if (M > 3)
        {
          memcpy (&x, a3 + k, sizeof x);
          s30 += x * u;
          if (NR > 1)
            s31 += x * v;
        }
    }
  const v8f acc[2][4] = { { s00, s10, s20, s30 }, { s01, s11, s21, s31 } };
  for (int j = 0; j < NR; j++)
    {
      const float *w = j == 0 ? w0 : w1;
      for (int m = 0; m < M; m++)
        {
          const float *a = A + (size_t) m * lda;
          float sum = lanes_sum (&acc[j][m]);
          for (int k = K8; k < K; k++)
            sum += a[k] * w[k];
          float *c = C + (size_t) m * ldc + n + j;
          *c = beta == 0.0f ? alpha * sum : alpha * sum + beta * *c;
        }
    }
}

static inline __attribute__ ((always_inline)) void
rows_dot (const int M, int N, int K, float alpha, const float *A, int lda, const float *B,
          int ldb, float beta, float *C, int ldc)
{
  int n = 0;
  for (; n + 2 <= N; n += 2)
    rows_dot_block (M, 2, n, K, alpha, A, lda, B, ldb, beta, C, ldc);
  if (n < N)
    rows_dot_block (M, 1, n, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
/* AVX2 where the CPU has it (GCC picks the clone at load time); the
 * default clone is SSE2 as the build flags say. */
__attribute__ ((target_clones ("avx2", "default")))
#endif
static void
gemm_small_rows (int M, int N, int K, float alpha, const float *A, int lda, const float *B,
                 int ldb, float beta, float *C, int ldc)
{
  /* blocks of 4 rows, then the rest */
  int m0 = 0;
  for (; m0 + 4 <= M; m0 += 4)
    rows_dot (4, N, K, alpha, A + (size_t) m0 * lda, lda, B, ldb, beta, C + (size_t) m0 * ldc, ldc);
  const float *Ar = A + (size_t) m0 * lda;
  float *Cr = C + (size_t) m0 * ldc;
  switch (M - m0)
    {
    case 1: rows_dot (1, N, K, alpha, Ar, lda, B, ldb, beta, Cr, ldc); break;
    case 2: rows_dot (2, N, K, alpha, Ar, lda, B, ldb, beta, Cr, ldc); break;
    case 3: rows_dot (3, N, K, alpha, Ar, lda, B, ldb, beta, Cr, ldc); break;
    default: break;
    }
}

void
ce_gemm_small_rows (int M, int N, int K, float alpha, const float *A, int lda,
                    const float *B, int ldb, float beta, float *C, int ldc)
{
  for (int m0 = 0; m0 < M; m0 += CE_GEMM_SMALL_ROWS)
    {
      const int rows = M - m0 < CE_GEMM_SMALL_ROWS ? M - m0 : CE_GEMM_SMALL_ROWS;
      gemm_small_rows (rows, N, K, alpha, A + (size_t) m0 * lda, lda, B, ldb, beta,
                       C + (size_t) m0 * ldc, ldc);
    }
}
#else
void
ce_gemm_small_rows (int M, int N, int K, float alpha, const float *A, int lda,
                    const float *B, int ldb, float beta, float *C, int ldc)
{
  ce_sgemm (0, 1, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}
#endif

void
ce_gemm (int trans_a, int trans_b, int M, int N, int K,
         float alpha, const float *A, int lda,
         const float *B, int ldb,
         float beta, float *C, int ldc)
{
  if (M >= 2 && M <= CE_GEMM_SMALL_ROWS && !trans_a && trans_b && N > 0 && K > 0)
    {
      ce_gemm_small_rows (M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
      return;
    }
  if (M == 1 && !trans_a && N > 0 && K > 0)
    {
      /* C(1,N) = alpha * a(1,K) op(B) + beta * C: y = op(B)^T a. */
      if (trans_b) /* B stored (N, K): y = B a */
        cblas_sgemv (CblasRowMajor, CblasNoTrans, N, K, alpha, B, ldb, A, 1, beta, C, 1);
      else         /* B stored (K, N): y = B^T a */
        cblas_sgemv (CblasRowMajor, CblasTrans, K, N, alpha, B, ldb, A, 1, beta, C, 1);
      return;
    }
  if (M <= 0 || N <= 0)
    return;
  if (K <= 0)
    {
      /* BLAS leaves C untouched for K == 0 only when beta == 1; be explicit. */
      for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
          C[(size_t) i * ldc + j] = beta == 0.0f ? 0.0f : beta * C[(size_t) i * ldc + j];
      return;
    }
  ce_sgemm (trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

/* ---- linear ------------------------------------------------------------ */

void
ce_linear_forward (float *y, const float *x, const float *W, const float *b,
                   int N, int I, int O)
{
  if (b)
    {
      for (int n = 0; n < N; n++)
        memcpy (y + (size_t) n * O, b, (size_t) O * sizeof (float));
      ce_gemm (0, 1, N, O, I, 1.0f, x, I, W, I, 1.0f, y, O);
    }
  else
    ce_gemm (0, 1, N, O, I, 1.0f, x, I, W, I, 0.0f, y, O);
}

/* db (O) += column sums of dy (N, O). */
static void
add_col_sums (float *db, const float *dy, int N, int O)
{
  for (int n = 0; n < N; n++)
    {
      const float *row = dy + (size_t) n * O;
      for (int o = 0; o < O; o++)
        db[o] += row[o];
    }
}

void
ce_linear_backward (float *dx, float *dW, float *db,
                    const float *dy, const float *x, const float *W,
                    int N, int I, int O)
{
  if (dx)
    ce_gemm (0, 0, N, I, O, 1.0f, dy, O, W, I, 1.0f, dx, I);
  if (dW)
    ce_gemm (1, 0, O, I, N, 1.0f, dy, O, x, I, 1.0f, dW, I);
  if (db)
    add_col_sums (db, dy, N, O);
}

/* ---- embedding ------------------------------------------------------------ */

void
ce_embedding_forward (float *out, const int32_t *ids, const float *table, int N, int E)
{
  for (int n = 0; n < N; n++)
    {
      float *row = out + (size_t) n * E;
      if (ids[n] < 0)
        memset (row, 0, (size_t) E * sizeof (float));
      else
        memcpy (row, table + (size_t) ids[n] * E, (size_t) E * sizeof (float));
    }
}

void
ce_embedding_backward (float *dtable, const float *dout, const int32_t *ids, int N, int E)
{
  if (!dtable)
    return;
  for (int n = 0; n < N; n++)
    {
      if (ids[n] < 0)
        continue;
      float *row = dtable + (size_t) ids[n] * E;
      const float *g = dout + (size_t) n * E;
      for (int e = 0; e < E; e++)
        row[e] += g[e];
    }
}

/* ---- activations ------------------------------------------------------- */

#define LEAKY_SLOPE 0.2f

void
ce_act_forward (CeActivation act, float *y, const float *x, size_t n)
{
  switch (act)
    {
    case CE_ACT_IDENTITY:
      if (y != x)
        memmove (y, x, n * sizeof (float));
      break;
    case CE_ACT_RELU:
      for (size_t i = 0; i < n; i++)
        y[i] = x[i] > 0.0f ? x[i] : 0.0f;
      break;
    case CE_ACT_LEAKY_RELU:
      for (size_t i = 0; i < n; i++)
        y[i] = x[i] > 0.0f ? x[i] : LEAKY_SLOPE * x[i];
      break;
    case CE_ACT_TANH:
      ce_vtanh (y, x, n);
      break;
    case CE_ACT_SIGMOID:
      ce_vsigmoid (y, x, n);
      break;
    }
}

void
ce_act_backward (CeActivation act, float *dx, const float *dy, const float *y, size_t n)
{
  if (!dx)
    return;
  switch (act)
    {
    case CE_ACT_IDENTITY:
      for (size_t i = 0; i < n; i++)
        dx[i] += dy[i];
      break;
    case CE_ACT_RELU:
      for (size_t i = 0; i < n; i++)
        dx[i] += y[i] > 0.0f ? dy[i] : 0.0f;
      break;
    case CE_ACT_LEAKY_RELU:
      /* the slope is positive, so sign(y) == sign(x) */
      for (size_t i = 0; i < n; i++)
        dx[i] += y[i] > 0.0f ? dy[i] : LEAKY_SLOPE * dy[i];
      break;
    case CE_ACT_TANH:
      for (size_t i = 0; i < n; i++)
        dx[i] += dy[i] * (1.0f - y[i] * y[i]);
      break;
    case CE_ACT_SIGMOID:
      for (size_t i = 0; i < n; i++)
        dx[i] += dy[i] * y[i] * (1.0f - y[i]);
      break;
    }
}

/* ---- MLP block --------------------------------------------------------- */

void
ce_dense_forward (float *y, const float *x, const float *W, const float *b,
                  CeActivation act, int N, int I, int O)
{
  ce_linear_forward (y, x, W, b, N, I, O);
  ce_act_forward (act, y, y, (size_t) N * O);
}

void
ce_dense_backward (float *dx, float *dW, float *db,
                   const float *dy, const float *x, const float *y, const float *W,
                   CeActivation act, int N, int I, int O, float *dy_scratch)
{
  size_t n = (size_t) N * O;

  memset (dy_scratch, 0, n * sizeof (float));
  ce_act_backward (act, dy_scratch, dy, y, n);
  ce_linear_backward (dx, dW, db, dy_scratch, x, W, N, I, O);
}

/* ---- softmax / log-softmax --------------------------------------------- */

void
ce_softmax_rows (float *y, const float *x, int N, int C)
{
  for (int n = 0; n < N; n++)
    {
      const float *xr = x + (size_t) n * C;
      float *yr = y + (size_t) n * C;
      float mx = ce_vmax (xr, (size_t) C);
      float inv = (float) (1.0 / ce_vexp_sum (yr, xr, (size_t) C, mx));

      for (int c = 0; c < C; c++)
        yr[c] *= inv;
    }
}

void
ce_log_softmax_rows (float *y, const float *x, int N, int C)
{
  for (int n = 0; n < N; n++)
    {
      const float *xr = x + (size_t) n * C;
      float *yr = y + (size_t) n * C;
      float mx = ce_vmax (xr, (size_t) C);
      double sum = 0.0;

      if (yr != xr) /* the exponentials go through Y before it is written */
        sum = ce_vexp_sum (yr, xr, (size_t) C, mx);
      else
        for (int c = 0; c < C; c++)
          sum += exp ((double) xr[c] - mx);
      /* (x − max) − log Σ: subtracting the max first keeps precision when
       * the logits are large */
      float ls = (float) log (sum);
      for (int c = 0; c < C; c++)
        yr[c] = (xr[c] - mx) - ls;
    }
}

/* ---- Gaussian reparameterisation --------------------------------------- */

void
ce_reparam_forward (float *z, const float *mu, const float *logvar, const float *eps, size_t n)
{
  for (size_t i = 0; i < n; i++)
    z[i] = mu[i] + expf (0.5f * logvar[i]) * eps[i];
}

void
ce_reparam_backward (float *dmu, float *dlogvar, const float *dz, const float *logvar,
                     const float *eps, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      if (dmu)
        dmu[i] += dz[i];
      if (dlogvar)
        dlogvar[i] += dz[i] * eps[i] * 0.5f * expf (0.5f * logvar[i]);
    }
}

/* ---- dropout ----------------------------------------------------------- */

void
ce_dropout_forward (float *y, float *mask, const float *x, size_t n, float p, CeRng *rng)
{
  if (p <= 0.0f)
    {
      for (size_t i = 0; i < n; i++)
        {
          mask[i] = 1.0f;
          y[i] = x[i];
        }
      return;
    }
  float keep = p >= 1.0f ? 0.0f : 1.0f / (1.0f - p);
  for (size_t i = 0; i < n; i++)
    {
      mask[i] = ce_rng_uniform (rng) < p ? 0.0f : keep;
      y[i] = x[i] * mask[i];
    }
}

void
ce_dropout_backward (float *dx, const float *dy, const float *mask, size_t n)
{
  if (!dx)
    return;
  for (size_t i = 0; i < n; i++)
    dx[i] += dy[i] * mask[i];
}

void
ce_word_dropout (int32_t *ids, size_t n, float p, int32_t unk_id, int32_t first_regular, CeRng *rng)
{
  if (p <= 0.0f)
    return;
  for (size_t i = 0; i < n; i++)
    if (ids[i] >= first_regular && ce_rng_uniform (rng) < p)
      ids[i] = unk_id;
}
