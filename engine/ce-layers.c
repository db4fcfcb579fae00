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

void
ce_gemm (int trans_a, int trans_b, int M, int N, int K,
         float alpha, const float *A, int lda,
         const float *B, int ldb,
         float beta, float *C, int ldc)
{
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
