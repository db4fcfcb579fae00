/* test-engine-bf16.c — bfloat16 mixed precision (ce-bf16.c): the
 * conversion's rounding, the vector packers bit for bit against the plain
 * ones (odd shapes, padding), the AMX product against the naive one and
 * against fp32 within bfloat16's error, and a model's gradients and
 * training with the projection in bfloat16 next to fp32. Where the CPU has
 * no AMX-BF16 the AMX parts are skipped (and say so). */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "ce-bf16.h"
#include "ce-model-private.h"
#include "test-engine-toy.h"

static void
fill (CeRng *rng, float *x, size_t n, float scale)
{
  for (size_t i = 0; i < n; i++)
    x[i] = (ce_rng_uniform (rng) * 2.0f - 1.0f) * scale;
}

static float
from_bits (uint32_t u)
{
  float f;
  memcpy (&f, &u, sizeof f);
  return f;
}

/* TRUE (and the test skipped, saying why) where AMX-BF16 is missing */
static gboolean
skip_without_amx (void)
{
  if (ce_bf16_available ())
    return FALSE;
  g_test_skip ("this CPU (or OS) has no AMX-BF16");
  return TRUE;
}

static void
test_convert (void)
{
  /* exact values survive */
  g_assert_cmphex (ce_bf16_from_float (1.0f), ==, 0x3f80);
  g_assert_cmphex (ce_bf16_from_float (-2.0f), ==, 0xc000);
  g_assert_cmpfloat (ce_bf16_to_float (ce_bf16_from_float (0.15625f)), ==, 0.15625f);
  /* to nearest: 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties go even (1) */
  g_assert_cmphex (ce_bf16_from_float (1.0f + 1.0f / 256.0f), ==, 0x3f80);
  /* 1 + 3 * 2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: even is the upper */
  g_assert_cmphex (ce_bf16_from_float (1.0f + 3.0f / 256.0f), ==, 0x3f82);
  /* just above halfway rounds up */
  g_assert_cmphex (ce_bf16_from_float (from_bits (0x3f808001u)), ==, 0x3f81);
  /* denormals flush to a signed zero, infinities stay, NaN stays NaN */
  g_assert_cmphex (ce_bf16_from_float (from_bits (0x00000001u)), ==, 0x0000);
  g_assert_cmphex (ce_bf16_from_float (from_bits (0x80400000u)), ==, 0x8000);
  g_assert_cmphex (ce_bf16_from_float (INFINITY), ==, 0x7f80);
  g_assert_true (isnan (ce_bf16_to_float (ce_bf16_from_float (NAN))));
  g_assert_true (isnan (ce_bf16_to_float (ce_bf16_from_float (from_bits (0x7f800001u)))));
  /* the largest float rounds to infinity, as in hardware */
  g_assert_cmphex (ce_bf16_from_float (from_bits (0x7f7fffffu)), ==, 0x7f80);
  /* relative error of rounding is at most 2^-8 (half a unit of 8 bits) */
  CeRng rng;
  ce_rng_seed (&rng, 5);
  for (int i = 0; i < 10000; i++)
    {
      const float x = (ce_rng_uniform (&rng) * 2.0f - 1.0f) * 100.0f;
      const float y = ce_bf16_to_float (ce_bf16_from_float (x));
      g_assert_cmpfloat (fabsf (y - x), <=, fabsf (x) * (1.0f / 256.0f));
    }
}

/* A source matrix with the awkward values in it: denormals, a NaN, ties. */
static float *
awkward (CeRng *rng, int R, int C, int ld)
{
  float *s = g_new (float, (size_t) R * ld);
  fill (rng, s, (size_t) R * ld, 3.0f);
  s[0] = from_bits (0x00000003u);
  if ((size_t) R * ld > 7)
    s[7] = from_bits (0x3f808000u);
  if (R > 1 && C > 2)
    s[ld + 2] = NAN;
  if (R > 2 && C > 3)
    s[2 * (size_t) ld + 3] = -from_bits (0x00400000u);
  return s;
}

static void
check_packers (int R, int C, int ld)
{
  CeRng rng;
  ce_rng_seed (&rng, (uint64_t) (R * 131 + C * 7 + ld));
  float *s = awkward (&rng, R, C, ld);
  const int Rp = ce_bf16_padded (R), Cp = ce_bf16_padded (C);
  const size_t n = (size_t) Rp * Cp;
  uint16_t *a = g_new (uint16_t, n), *b = g_new (uint16_t, n);

  /* A = S */
  memset (a, 0xab, n * 2);
  memset (b, 0xcd, n * 2);
  ce_bf16_pack_a (a, s, R, C, ld, Rp, Cp);
  ce_bf16_pack_a_ref (b, s, R, C, ld, Rp, Cp);
  g_assert_cmpmem (a, n * 2, b, n * 2);
  g_assert_cmphex (b[(size_t) 1 * Cp + 2], ==, C > 2 && R > 1 ? 0x7fc0 : b[(size_t) Cp + 2]);
  /* the padding is zero */
  if (Cp > C)
    g_assert_cmphex (b[C], ==, 0);

  /* A = S^T: S is (C rows of A's K) ... here S (R, C) gives A (C, R) */
  const size_t nt = (size_t) Cp * Rp;
  memset (a, 0xab, nt * 2);
  memset (b, 0xcd, nt * 2);
  ce_bf16_pack_a_t (a, s, C, R, ld, Cp, Rp);
  ce_bf16_pack_a_t_ref (b, s, C, R, ld, Cp, Rp);
  g_assert_cmpmem (a, nt * 2, b, nt * 2);
  if (R > 1)
    g_assert_cmphex (b[1], ==, ce_bf16_from_float (s[ld]));   /* A[0][1] = S[1][0] */

  /* B = S (K = R, N = C) and B = S^T (K = C, N = R) */
  for (int trans = 0; trans < 2; trans++)
    {
      const int K = trans ? C : R, N = trans ? R : C;
      const int Kp = ce_bf16_padded (K), Np = ce_bf16_padded (N);
      const size_t nb = (size_t) Kp * Np;
      memset (a, 0xab, nb * 2);
      memset (b, 0xcd, nb * 2);
      ce_bf16_pack_b (a, s, K, N, ld, trans, Kp, Np);
      ce_bf16_pack_b_ref (b, s, K, N, ld, trans, Kp, Np);
      g_assert_cmpmem (a, nb * 2, b, nb * 2);
      /* B[1][0] sits right after B[0][0]; B[0][1] two further */
      if (K > 1 && N > 1)
        {
          const float b10 = trans ? s[1] : s[ld], b01 = trans ? s[ld] : s[1];
          g_assert_cmphex (b[1], ==, ce_bf16_from_float (b10));
          g_assert_cmphex (b[2], ==, ce_bf16_from_float (b01));
        }
    }
  /* A and B from one pass */
  uint16_t *a2 = g_new (uint16_t, n), *b2 = g_new (uint16_t, n);
  memset (a, 0xab, n * 2);
  memset (b, 0xab, n * 2);
  memset (a2, 0xcd, n * 2);
  memset (b2, 0xcd, n * 2);
  ce_bf16_pack_ab (a, b, s, R, C, ld, Rp, Cp);
  ce_bf16_pack_ab_ref (a2, b2, s, R, C, ld, Rp, Cp);
  g_assert_cmpmem (a, n * 2, a2, n * 2);
  g_assert_cmpmem (b, n * 2, b2, n * 2);
  ce_bf16_pack_a_ref (a2, s, R, C, ld, Rp, Cp);
  ce_bf16_pack_b_ref (b2, s, R, C, ld, 0, Rp, Cp);
  g_assert_cmpmem (a, n * 2, a2, n * 2);
  g_assert_cmpmem (b, n * 2, b2, n * 2);
  /* and in pieces of rows, as the training packs a gradient while it is written */
  memset (a2, 0xcd, n * 2);
  memset (b2, 0xcd, n * 2);
  for (int r0 = 0; r0 < Rp; r0 += 4)
    ce_bf16_pack_ab_rows (a2, b2, s, r0, r0 + 4 < Rp ? r0 + 4 : Rp, R, C, ld, Rp, Cp);
  g_assert_cmpmem (a, n * 2, a2, n * 2);
  g_assert_cmpmem (b, n * 2, b2, n * 2);
  g_free (a2);
  g_free (b2);
  g_free (a);
  g_free (b);
  g_free (s);
}

static void
test_packers (void)
{
  if (!ce_bf16_available ())
    g_test_message ("no AVX512-BF16/AMX: the packers run their plain C references");
  check_packers (64, 96, 96);     /* whole blocks */
  check_packers (37, 45, 50);     /* ragged, with a row stride */
  check_packers (1, 1, 1);
  check_packers (16, 33, 40);
  check_packers (130, 70, 70);
}

static void
check_gemm (int M, int N, int K, int acc, int trans_c, int with_bias)
{
  CeRng rng;
  ce_rng_seed (&rng, (uint64_t) (M * 7 + N * 13 + K + acc));
  const int Mp = ce_bf16_padded (M), Np = ce_bf16_padded (N), Kp = ce_bf16_padded (K);
  float *x = g_new (float, (size_t) M * K), *w = g_new (float, (size_t) N * K);
  fill (&rng, x, (size_t) M * K, 1.0f);
  fill (&rng, w, (size_t) N * K, 0.2f);
  uint16_t *A = g_new (uint16_t, (size_t) Mp * Kp), *B = g_new (uint16_t, (size_t) Kp * Np);
  ce_bf16_pack_a (A, x, M, K, K, Mp, Kp);
  ce_bf16_pack_b (B, w, K, N, K, 1, Kp, Np);   /* B = W^T: x W^T as in a linear layer */
  /* C (M, N), or transposed (N, M), with a row stride wider than a row */
  const int rows = trans_c ? N : M, cols = trans_c ? M : N, ldc = cols + 3;
  float *c = g_new (float, (size_t) rows * ldc), *r = g_new (float, (size_t) rows * ldc);
  float *f = g_new (float, (size_t) rows * ldc);
  fill (&rng, c, (size_t) rows * ldc, 1.0f);
  memcpy (r, c, (size_t) rows * ldc * sizeof (float));
  memcpy (f, c, (size_t) rows * ldc * sizeof (float));
  float *bias = NULL;
  if (with_bias)
    {
      bias = g_new (float, N);
      fill (&rng, bias, (size_t) N, 2.0f);
    }
  ce_bf16_gemm (M, N, Kp, A, B, c, ldc, acc, trans_c, bias);
  ce_bf16_gemm_ref (M, N, Kp, A, B, r, ldc, acc, trans_c, bias);
  if (trans_c)
    ce_sgemm_ref (0, 1, N, M, K, 1.0f, w, K, x, K, acc ? 1.0f : 0.0f, f, ldc);   /* (x w^T)^T = w x^T */
  else
    ce_sgemm_ref (0, 1, M, N, K, 1.0f, x, K, w, K, acc ? 1.0f : 0.0f, f, ldc);
  if (bias)
    for (int m = 0; m < M; m++)
      for (int n = 0; n < N; n++)
        f[(size_t) m * ldc + n] += bias[n];
  double worst_ref = 0.0, worst_fp32 = 0.0;
  for (int m = 0; m < rows; m++)
    for (int n = 0; n < ldc; n++)
      {
        const size_t i = (size_t) m * ldc + n;
        if (n >= cols)
          {
            /* outside the product: untouched */
            g_assert_cmpfloat (c[i], ==, r[i]);
            continue;
          }
        /* against the same bfloat16 factors summed in double: fp32 sums */
        worst_ref = fmax (worst_ref, fabs ((double) c[i] - r[i]));
        /* against fp32 factors: bfloat16's rounding, ~2^-8 sqrt(K) of |x||w| */
        worst_fp32 = fmax (worst_fp32, fabs ((double) c[i] - f[i]));
      }
  g_assert_cmpfloat (worst_ref, <, 1e-5 * sqrt ((double) K) + 1e-6);
  g_assert_cmpfloat (worst_fp32, <, 0.2 * 1.0 / 128.0 * sqrt ((double) K) + 1e-6);
  g_assert_cmpfloat (worst_fp32, >, 0.0);   /* bfloat16 really was used */
  g_free (bias);
  g_free (x);
  g_free (w);
  g_free (A);
  g_free (B);
  g_free (c);
  g_free (r);
  g_free (f);
}

static void
test_gemm (void)
{
  if (skip_without_amx ())
    return;
  for (int t = 0; t < 3; t++)
    {
      /* t = 0: C = A B, 1: transposed, 2: plus a bias row */
      const int trans = t == 1, bias = t == 2;
      check_gemm (64, 64, 64, 0, trans, bias);
      check_gemm (64, 320, 512, 1, trans, bias);    /* more than one block of columns */
      check_gemm (64, 320, 512, 0, trans, bias);
      check_gemm (37, 45, 50, 0, trans, bias);      /* ragged edges */
      check_gemm (37, 45, 50, 1, trans, bias);
      check_gemm (1, 5, 3, 1, trans, bias);
      check_gemm (100, 33, 300, 1, trans, bias);
    }
}

/* ---- a model with its projection in bfloat16 ---------------------------------- */

#define NB 20   /* enough rows for the decoder's two parts */
static int32_t b_src[NB * TOY_NS], b_fld[NB * TOY_NS], b_tgt[NB * TOY_NT];

/* ROWS <= NB of the toy batch */
static CeBatch
make_batch (int rows)
{
  return toy_batch (rows, 13, 3, b_src, b_fld, b_tgt);
}

static double
rel_diff (const float *a, const float *b, size_t n)
{
  double num = 0.0, den = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      num += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
      den += (double) b[i] * b[i];
    }
  return sqrt (num / (den > 0.0 ? den : 1.0));
}

static void
test_precision_api (void)
{
  char msg[CE_MSG_SIZE];
  CeStatus st;
  CeModel *model = toy_model (CE_MODEL_S2S, 1);
  g_assert_cmpint (ce_model_get_train_precision (model), ==, CE_PRECISION_FP32);
  g_assert_cmpint (ce_model_set_train_precision (model, CE_PRECISION_INT8, msg), ==,
                   CE_ERR_INVALID_ARG);
  g_assert_nonnull (strstr (msg, "not fp32 or bf16"));
  g_assert_cmpint (ce_model_set_decode_precision (model, CE_PRECISION_BF16, msg), ==,
                   CE_ERR_INVALID_ARG);
  st = ce_model_set_train_precision (model, CE_PRECISION_BF16, msg);
  g_assert_cmpint (ce_train_bf16_available (), ==, ce_bf16_available ());
  if (ce_train_bf16_available ())
    {
      g_assert_cmpint (st, ==, CE_OK);
      g_assert_cmpint (ce_model_get_train_precision (model), ==, CE_PRECISION_BF16);
    }
  else
    {
      g_assert_cmpint (st, ==, CE_ERR_INVALID_ARG);
      g_assert_nonnull (strstr (msg, "AMX-BF16"));
      g_assert_cmpint (ce_model_get_train_precision (model), ==, CE_PRECISION_FP32);
    }
  g_assert_cmpint (ce_model_set_train_precision (model, CE_PRECISION_FP32, msg), ==, CE_OK);
  g_assert_cmpint (ce_model_get_train_precision (model), ==, CE_PRECISION_FP32);
  ce_model_free (model);
}

/* The same model and batch in fp32 and with the projection in bfloat16:
 * the loss and every gradient close (bfloat16's rounding of the
 * projection's factors), but not equal. */
static void
check_model_gradients (CeModelKind kind, int threads, int rows)
{
  char msg[CE_MSG_SIZE];
  CeModel *m32 = toy_model (kind, 7), *m16 = toy_model (kind, 7);
  g_assert_cmpint (ce_model_set_train_precision (m16, CE_PRECISION_BF16, msg), ==, CE_OK);
  CeBatch batch = make_batch (rows);
  CeTrainParams tp;
  ce_train_params_default (&tp);
  CeLosses l32, l16;
  const int budget = ce_blas_get_threads ();
  ce_blas_set_threads (threads);
  g_assert_cmpint (ce_model_forward_backward (m32, &batch, &tp, CE_PASS_GRAD, &l32, msg), ==, CE_OK);
  g_assert_cmpint (ce_model_forward_backward (m16, &batch, &tp, CE_PASS_GRAD, &l16, msg), ==, CE_OK);
  ce_blas_set_threads (budget);
  g_test_message ("kind %d, %d threads: xent fp32 %.6f bf16 %.6f", (int) kind, threads,
                  l32.xent, l16.xent);
  g_assert_cmpfloat (fabs (l16.xent - l32.xent), <, 2e-3 * fabs (l32.xent));
  g_assert_cmpfloat (l16.xent, !=, l32.xent);
  const size_t nw = (size_t) m32->d.V * 2 * m32->d.H;
  const double d_out = rel_diff (m16->g.out_W, m32->g.out_W, nw);
  const double d_all = rel_diff (m16->grads, m32->grads, m32->table.total);
  const double d_b = rel_diff (m16->g.out_b, m32->g.out_b, (size_t) m32->d.V);
  const size_t ng = (size_t) 3 * m32->d.H * m32->d.H;
  const double d_wh = rel_diff (m16->g.dec_Wh, m32->g.dec_Wh, ng);
  const double d_wctx = rel_diff (m16->g.dec_Wctx, m32->g.dec_Wctx, ng);
  const double d_wemb = rel_diff (m16->g.dec_Wemb, m32->g.dec_Wemb, (size_t) 3 * m32->d.H * m32->d.E);
  const double d_temb = rel_diff (m16->g.tok_emb, m32->g.tok_emb, (size_t) m32->d.V * m32->d.E);
  g_test_message ("relative gradient differences: out_W %.2e, out_b %.2e, dec_Wh %.2e, "
                  "dec_Wctx %.2e, dec_Wemb %.2e, tok_emb %.2e, all %.2e", d_out, d_b, d_wh, d_wctx,
                  d_wemb, d_temb, d_all);
  const double d_wq = rel_diff (m16->g.att_Wq, m32->g.att_Wq, (size_t) m32->d.A * m32->d.H);
  g_test_message ("att_Wq %.2e", d_wq);
  g_assert_cmpfloat (d_wq, >, 0.0);
  g_assert_cmpfloat (d_wq, <, 0.02);
  g_assert_cmpfloat (d_wemb, >, 0.0);
  g_assert_cmpfloat (d_wemb, <, 0.02);
  g_assert_cmpfloat (d_temb, <, 0.02);
  /* the recurrent products run in bfloat16 too */
  g_assert_cmpfloat (d_wh, >, 0.0);
  g_assert_cmpfloat (d_wh, <, 0.02);
  g_assert_cmpfloat (d_wctx, <, 0.02);
  g_assert_cmpfloat (d_out, >, 0.0);
  g_assert_cmpfloat (d_out, <, 0.02);
  g_assert_cmpfloat (d_b, <, 0.02);
  g_assert_cmpfloat (d_all, <, 0.02);
  ce_model_free (m32);
  ce_model_free (m16);
}

static void
test_model_gradients (void)
{
  if (skip_without_amx ())
    return;
  check_model_gradients (CE_MODEL_S2S, 1, NB);
  check_model_gradients (CE_MODEL_S2S, 2, NB);   /* the two parts in two threads */
  check_model_gradients (CE_MODEL_CVAE, 2, NB);
  /* parts of 9 rows: the logits' gradient is packed after the loop, not
   * pairs of rows at a time */
  check_model_gradients (CE_MODEL_S2S, 2, 18);
}

/* The attention with the query's product left to the caller (Wq NULL, as
 * the bfloat16 path runs it) gives what it gives with Wq. */
static void
test_attention_external_query (void)
{
  enum { B = 3, S = 5, H = 7, A = 6, D = 7 };
  CeRng rng;
  ce_rng_seed (&rng, 17);
  float q[B * H], keys[B * S * A], enc[B * S * D], Wq[A * H], v[A], dctx[B * D];
  uint8_t mask[B * S];
  fill (&rng, q, B * H, 1.0f);
  fill (&rng, keys, B * S * A, 1.0f);
  fill (&rng, enc, B * S * D, 1.0f);
  fill (&rng, Wq, A * H, 0.5f);
  fill (&rng, v, A, 0.5f);
  fill (&rng, dctx, B * D, 1.0f);
  for (int i = 0; i < B * S; i++)
    mask[i] = i % S != 4 || i < S;   /* the last position masked in rows 1 and 2 */
  float ctx1[B * D], ctx2[B * D], a1[B * S], a2[B * S], p1[B * S * A], p2[B * S * A];
  float s1[B * (S + A)], s2[B * (S + A)];
  ce_attention_forward (ctx1, a1, p1, q, keys, enc, mask, Wq, v, B, S, H, A, D, s1);
  ce_sgemm_ref (0, 1, B, A, H, 1.0f, q, H, Wq, H, 0.0f, s2, A);   /* the caller's q Wq^T */
  ce_attention_forward (ctx2, a2, p2, q, keys, enc, mask, NULL, v, B, S, H, A, D, s2);
  for (int i = 0; i < B * D; i++)
    g_assert_cmpfloat_with_epsilon (ctx1[i], ctx2[i], 1e-5);
  for (int i = 0; i < B * S; i++)
    g_assert_cmpfloat_with_epsilon (a1[i], a2[i], 1e-6);

  float dq1[B * H] = { 0 }, dq2[B * H] = { 0 }, dW1[A * H] = { 0 }, dW2[A * H] = { 0 };
  float dk1[B * S * A] = { 0 }, dk2[B * S * A] = { 0 };
  ce_attention_backward (dq1, dk1, NULL, dW1, NULL, dctx, NULL, a1, p1, q, enc, mask, Wq, v,
                         B, S, H, A, D, s1);
  ce_attention_backward (dq2, dk2, NULL, dW2, NULL, dctx, NULL, a2, p2, q, enc, mask, NULL, v,
                         B, S, H, A, D, s2);
  /* nothing added to dq or dWq; the gradient on q Wq^T is in scratch */
  for (int i = 0; i < B * H; i++)
    g_assert_cmpfloat (dq2[i], ==, 0.0f);
  for (int i = 0; i < A * H; i++)
    g_assert_cmpfloat (dW2[i], ==, 0.0f);
  const float *dqp = s2 + B * S;
  ce_sgemm_ref (0, 0, B, H, A, 1.0f, dqp, A, Wq, H, 1.0f, dq2, H);
  ce_sgemm_ref (1, 0, A, H, B, 1.0f, dqp, A, q, H, 1.0f, dW2, H);
  for (int i = 0; i < B * H; i++)
    g_assert_cmpfloat_with_epsilon (dq1[i], dq2[i], 1e-5);
  for (int i = 0; i < A * H; i++)
    g_assert_cmpfloat_with_epsilon (dW1[i], dW2[i], 1e-5);
  for (int i = 0; i < B * S * A; i++)
    g_assert_cmpfloat_with_epsilon (dk1[i], dk2[i], 1e-6);
}

/* bfloat16 training learns the toy set as fp32 does */
static void
test_model_trains (void)
{
  if (skip_without_amx ())
    return;
  char msg[CE_MSG_SIZE];
  CeModel *model = toy_model (CE_MODEL_S2S, 3);
  g_assert_cmpint (ce_model_set_train_precision (model, CE_PRECISION_BF16, msg), ==, CE_OK);
  CeBatch batch = make_batch (NB);
  CeTrainParams tp;
  ce_train_params_default (&tp);
  tp.lr = 1e-2f;
  CeLosses l = { 0 };
  g_assert_cmpint (ce_model_train_step (model, &batch, &tp, &l, msg), ==, CE_OK);
  const double first = l.xent;
  for (int i = 0; i < 150; i++)
    g_assert_cmpint (ce_model_train_step (model, &batch, &tp, &l, msg), ==, CE_OK);
  g_test_message ("cross-entropy: first step %.4f, after 150 steps %.4f", first, l.xent);
  g_assert_cmpfloat (l.xent, <, 0.05);
  ce_model_free (model);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/bf16/convert", test_convert);
  g_test_add_func ("/engine/bf16/packers", test_packers);
  g_test_add_func ("/engine/bf16/gemm", test_gemm);
  g_test_add_func ("/engine/bf16/precision-api", test_precision_api);
  g_test_add_func ("/engine/bf16/model-gradients", test_model_gradients);
  g_test_add_func ("/engine/bf16/model-trains", test_model_trains);
  g_test_add_func ("/engine/bf16/attention-external-query", test_attention_external_query);
  return g_test_run ();
}
