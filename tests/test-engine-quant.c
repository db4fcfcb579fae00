/* test-engine-quant.c — the int8 decoding path (ce-quant.c and the int8
 * decoder): every kernel this CPU has against the naive reference, the
 * quantisation error within its bound, the decoder's int8 logprobs near
 * fp32, greedy outputs of a trained model equal, one and two threads equal
 * bit for bit, the copy dropped when the weights change. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "ce-model-private.h"
#include "ce-quant.h"
#include "test-engine-toy.h"

static void
fill (CeRng *rng, float *x, size_t n, float scale)
{
  for (size_t i = 0; i < n; i++)
    x[i] = (ce_rng_uniform (rng) * 2.0f - 1.0f) * scale;
}

/* ---- kernels ------------------------------------------------------------------ */

static void
check_kernels_shape (int N, int K, int R)
{
  char msg[CE_MSG_SIZE];
  CeRng rng;
  ce_rng_seed (&rng, (uint64_t) (N * 1000 + K * 10 + R));
  float *W = g_new (float, (size_t) N * K), *x = g_new (float, (size_t) R * K);
  fill (&rng, W, (size_t) N * K, 0.3f);
  fill (&rng, x, (size_t) R * K, 1.5f);
  if (N > 2)
    memset (W + K, 0, (size_t) K * sizeof (float));   /* an all-zero row */
  W[0] = 0.9f;                                        /* a row whose max is one weight */

  CeQ8Matrix m;
  g_assert_cmpint (ce_q8_matrix_init (&m, W, N, K, "W", msg), ==, CE_OK);
  g_assert_cmpint (m.Kp % CE_Q8_ALIGN, ==, 0);
  g_assert_cmpint (m.Kp, >=, K);
  uint8_t *xq = g_new (uint8_t, (size_t) R * m.Kp);
  float *xs = g_new (float, R);
  ce_q8_quantize_rows (xq, xs, x, R, K, K, m.Kp);

  int32_t *ref = g_new (int32_t, (size_t) R * N), *got = g_new (int32_t, (size_t) R * N);
  ce_q8_dots_ref (&m, 0, N, xq, R, ref, N);
  int n_kernels = 0;
  for (int k = 0; k < CE_Q8_N_KERNELS; k++)
    {
      if (!ce_q8_kernel_available ((CeQ8Kernel) k))
        continue;
      n_kernels++;
      memset (got, 0x55, (size_t) R * N * sizeof (int32_t));
      ce_q8_dots ((CeQ8Kernel) k, &m, 0, N, xq, R, got, N);
      for (int i = 0; i < R * N; i++)
        if (got[i] != ref[i])
          g_error ("kernel %s, shape (%d, %d) x %d rows: dot %d is %d, reference %d",
                   ce_q8_kernel_name ((CeQ8Kernel) k), N, K, R, i, got[i], ref[i]);
      /* a sub-range of rows lands at the start of DOTS */
      if (N > 3)
        {
          memset (got, 0x55, (size_t) R * N * sizeof (int32_t));
          ce_q8_dots ((CeQ8Kernel) k, &m, 1, N - 1, xq, R, got, N);
          for (int r = 0; r < R; r++)
            for (int n = 1; n < N - 1; n++)
              g_assert_cmpint (got[(size_t) r * N + n - 1], ==, ref[(size_t) r * N + n]);
        }
    }
  g_assert_cmpint (n_kernels, >=, 1);

  /* the float product: within the bound the rounding of both sides allows,
   * |y_q - y| <= Σ_k |w| ex + |x| ew + ew ex (ew, ex: half a step) */
  float *y = g_new (float, (size_t) R * N);
  for (int rev = 0; rev < 2; rev++)
    {
      ce_q8_gemm_rows (&m, 0, N, xq, xs, R, y, N, 0, rev);
      for (int r = 0; r < R; r++)
        for (int n = 0; n < N; n++)
          {
            double exact = 0.0, bound = 1e-5;
            const double ew = 0.5 * m.scale[n], ex = 0.5 * xs[r];
            for (int k = 0; k < K; k++)
              {
                const double w = W[(size_t) n * K + k], v = x[(size_t) r * K + k];
                exact += w * v;
                bound += fabs (w) * ex + fabs (v) * ew + ew * ex;
              }
            const double err = fabs (y[(size_t) r * N + n] - exact);
            if (err > bound)
              g_error ("shape (%d, %d): y[%d, %d] = %g, exact %g, error %g over its bound %g",
                       N, K, r, n, y[(size_t) r * N + n], exact, err, bound);
            if (n == 1 && N > 2)
              g_assert_cmpfloat (y[(size_t) r * N + n], ==, 0.0f);
          }
    }
  /* accumulate adds to what is there */
  float *y2 = g_new (float, (size_t) R * N);
  for (int i = 0; i < R * N; i++)
    y2[i] = 1.0f;
  ce_q8_gemm_rows (&m, 0, N, xq, xs, R, y2, N, 1, 0);
  for (int i = 0; i < R * N; i++)
    g_assert_cmpfloat (y2[i], ==, 1.0f + y[i]);

  ce_q8_matrix_clear (&m);
  g_free (W); g_free (x); g_free (xq); g_free (xs); g_free (ref); g_free (got); g_free (y);
  g_free (y2);
}

static void
test_kernels (void)
{
  static const int shapes[][3] = {
    { 1, 1, 1 }, { 5, 130, 3 }, { 67, 64, 2 }, { 128, 512, 1 }, { 13, 200, 4 }, { 256, 128, 1 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    check_kernels_shape (shapes[i][0], shapes[i][1], shapes[i][2]);
  g_test_message ("fastest kernel here: %s", ce_q8_kernel_name (ce_q8_kernel_best ()));
}

static void
test_quantize_rows (void)
{
  const int K = 70, Kp = 128;
  float x[3 * 70];
  uint8_t q[3 * 128];
  float s[3];
  for (int k = 0; k < K; k++)
    {
      x[k] = (float) (k - 35) / 35.0f;   /* -1 .. 0.97 */
      x[K + k] = 0.0f;
      x[2 * K + k] = 1.0f;
    }
  x[2 * K + 5] = NAN;
  ce_q8_quantize_rows (q, s, x, 3, K, K, Kp);
  /* row 0: max |x| = 1 -> scale 1/127, -1 -> 1 (= -127 + 128), 0 -> 128 */
  g_assert_cmpfloat_with_epsilon (s[0], 1.0f / 127.0f, 1e-9f);
  g_assert_cmpint (q[0], ==, 1);
  g_assert_cmpint (q[35], ==, 128);
  for (int k = 0; k < K; k++)
    g_assert_cmpfloat (fabsf ((float) (q[k] - 128) * s[0] - x[k]), <=, 0.5f * s[0] + 1e-7f);
  for (int k = K; k < Kp; k++)
    g_assert_cmpint (q[k], ==, 128);
  /* row 1: zeros stay zero (scale 0) */
  g_assert_cmpfloat (s[1], ==, 0.0f);
  for (int k = 0; k < Kp; k++)
    g_assert_cmpint (q[Kp + k], ==, 128);
  /* row 2: a NaN makes the scale NaN, so its products are NaN */
  g_assert_true (isnan (s[2]));

  char msg[CE_MSG_SIZE];
  CeQ8Matrix m;
  float W[2 * 70];
  for (int i = 0; i < 2 * K; i++)
    W[i] = 0.01f * (float) i;
  g_assert_cmpint (ce_q8_matrix_init (&m, W, 2, K, "W", msg), ==, CE_OK);
  float y[3 * 2];
  ce_q8_gemm_rows (&m, 0, 2, q, s, 3, y, 2, 0, 0);
  g_assert_cmpfloat (y[2], ==, 0.0f);
  g_assert_true (isnan (y[4]) && isnan (y[5]));
  ce_q8_matrix_clear (&m);

  /* non-finite weights and absurd shapes are refused with a message */
  W[71] = INFINITY;
  g_assert_cmpint (ce_q8_matrix_init (&m, W, 2, K, "out_W", msg), ==, CE_ERR_NUMERIC);
  g_assert_nonnull (strstr (msg, "out_W"));
  g_assert_nonnull (strstr (msg, "row 1 column 1"));
  g_assert_null (m.mem);
  g_assert_cmpint (ce_q8_matrix_init (&m, W, 2, CE_Q8_MAX_K + 1, "W", msg), ==,
                   CE_ERR_INVALID_ARG);
}

/* ---- the decoder ---------------------------------------------------------------- */

#define NB 4
#define NS TOY_NS
#define NT TOY_NT
static int32_t b_src[NB * NS], b_fld[NB * NS], b_tgt[NB * NT];

static CeBatch
make_batch (void)
{
  return toy_batch (NB, 37, 11, b_src, b_fld, b_tgt);
}

/* logprobs of R rows (row r decodes source r % NB) fed the same tokens,
 * STEPS steps */
static void
run_steps (CeModel *model, int R, int threads, int steps, float *out)
{
  char msg[CE_MSG_SIZE];
  CeStatus st;
  const int V = model->cfg.vocab_size;
  CeBatch batch = make_batch ();
  batch.T = 0;
  batch.tgt = NULL;
  CeDecoder *dec = ce_decoder_new (model, R, &st, msg);
  g_assert_nonnull (dec);
  g_assert_cmpint (ce_decoder_set_threads (dec, threads, msg), ==, CE_OK);
  g_assert_cmpint (ce_decoder_get_threads (dec), ==,
                   ce_model_get_decode_precision (model) == CE_PRECISION_INT8 ? threads : 1);
  int32_t rows[8], prev[8];
  for (int r = 0; r < R; r++)
    {
      rows[r] = r % NB;
      prev[r] = CE_TOK_BOS;
    }
  g_assert_cmpint (ce_decoder_start (dec, &batch, rows, R, CE_LATENT_MEAN, NULL, msg), ==, CE_OK);
  for (int t = 0; t < steps; t++)
    {
      g_assert_cmpint (ce_decoder_step (dec, prev, out + (size_t) t * R * V, msg), ==, CE_OK);
      for (int r = 0; r < R; r++)
        prev[r] = b_tgt[(r % NB) * NT + t];
    }
  ce_decoder_free (dec);
}

static void
test_decoder_near_fp32 (void)
{
  char msg[CE_MSG_SIZE];
  CeStatus st;
  CeModelConfig cfg;
  toy_config (&cfg, CE_MODEL_CVAE);
  CeModel *model = ce_model_new (&cfg, 11, &st, msg);
  g_assert_nonnull (model);
  const int V = cfg.vocab_size, R = 5, steps = 6;
  float *lp32 = g_new (float, (size_t) steps * R * V), *lp8 = g_new (float, (size_t) steps * R * V);
  float *again = g_new (float, (size_t) steps * R * V);

  g_assert_cmpint (ce_model_get_decode_precision (model), ==, CE_PRECISION_FP32);
  run_steps (model, R, 1, steps, lp32);
  g_assert_cmpint (ce_model_set_decode_precision (model, CE_PRECISION_INT8, msg), ==, CE_OK);
  g_assert_cmpint (ce_model_get_decode_precision (model), ==, CE_PRECISION_INT8);
  g_assert_nonnull (model->q8);
  run_steps (model, R, 1, steps, lp8);
  double max_err = 0.0, mean_err = 0.0;
  int differ = 0;
  for (size_t i = 0; i < (size_t) steps * R * V; i++)
    {
      const double e = fabs ((double) lp8[i] - lp32[i]);
      max_err = e > max_err ? e : max_err;
      mean_err += e;
      differ += lp8[i] != lp32[i];
    }
  mean_err /= (double) steps * R * V;
  g_test_message ("int8 vs fp32 logprobs: max error %.4g, mean %.4g nats", max_err, mean_err);
  g_assert_cmpint (differ, >, 0);           /* it really is another path */
  /* measured 4.6e-4 and 9.3e-5 */
  g_assert_cmpfloat (max_err, <, 0.01);
  g_assert_cmpfloat (mean_err, <, 0.001);

  /* fp32 again: the same bits as before the int8 copy existed */
  g_assert_cmpint (ce_model_set_decode_precision (model, CE_PRECISION_FP32, msg), ==, CE_OK);
  g_assert_null (model->q8);
  run_steps (model, R, 1, steps, again);
  g_assert_cmpmem (again, (size_t) steps * R * V * sizeof (float), lp32,
                   (size_t) steps * R * V * sizeof (float));
  g_assert_cmpint (ce_model_set_decode_precision (model, (CePrecision) 7, msg), ==,
                   CE_ERR_INVALID_ARG);

  ce_model_free (model);
  g_free (lp32); g_free (lp8); g_free (again);
}

static void
test_decoder_threads_identical (void)
{
  char msg[CE_MSG_SIZE];
  CeStatus st;
  CeModelConfig cfg;
  toy_config (&cfg, CE_MODEL_S2S);
  CeModel *model = ce_model_new (&cfg, 5, &st, msg);
  g_assert_nonnull (model);
  g_assert_cmpint (ce_model_set_decode_precision (model, CE_PRECISION_INT8, msg), ==, CE_OK);
  const int V = cfg.vocab_size, steps = 7;
  for (int R = 1; R <= 3; R += 2)
    {
      float *one = g_new (float, (size_t) steps * R * V), *two = g_new (float, (size_t) steps * R * V);
      run_steps (model, R, 1, steps, one);
      run_steps (model, R, 2, steps, two);
      g_assert_cmpmem (one, (size_t) steps * R * V * sizeof (float), two,
                       (size_t) steps * R * V * sizeof (float));
      g_free (one);
      g_free (two);
    }

  /* ce_decode with options.threads = 2: the same hypotheses */
  CeBatch batch = make_batch ();
  batch.T = 0;
  batch.tgt = NULL;
  CeDecodeOptions opts;
  ce_decode_options_default (&opts, CE_DECODE_BEAM);
  opts.beam = 3;
  opts.max_tokens = 10;
  CeHypothesis *h1, *h2;
  int n1, n2;
  g_assert_cmpint (ce_decode (model, &batch, &opts, NULL, &h1, &n1, msg), ==, CE_OK);
  opts.threads = 2;
  g_assert_cmpint (ce_decode (model, &batch, &opts, NULL, &h2, &n2, msg), ==, CE_OK);
  g_assert_cmpint (n1, ==, n2);
  for (int i = 0; i < n1; i++)
    {
      g_assert_cmpint (h1[i].n, ==, h2[i].n);
      g_assert_cmpmem (h1[i].tokens, h1[i].n * sizeof (int32_t), h2[i].tokens,
                       h2[i].n * sizeof (int32_t));
      g_assert_cmpfloat (h1[i].score, ==, h2[i].score);
    }
  ce_hypotheses_free (h1, n1);
  ce_hypotheses_free (h2, n2);

  /* a decoder may drop and take back its thread; bad counts are refused */
  CeDecoder *dec = ce_decoder_new (model, 2, &st, msg);
  g_assert_cmpint (ce_decoder_set_threads (dec, 2, msg), ==, CE_OK);
  g_assert_cmpint (ce_decoder_set_threads (dec, 1, msg), ==, CE_OK);
  g_assert_cmpint (ce_decoder_get_threads (dec), ==, 1);
  g_assert_cmpint (ce_decoder_set_threads (dec, 3, msg), ==, CE_ERR_INVALID_ARG);
  g_assert_nonnull (strstr (msg, "3 threads"));
  ce_decoder_free (dec);
  ce_model_free (model);
}

static void
greedy_tokens (CeModel *model, int32_t *tokens /* (NB, NT) */, int *lens)
{
  char msg[CE_MSG_SIZE];
  CeBatch batch = make_batch ();
  batch.T = 0;
  batch.tgt = NULL;
  CeDecodeOptions opts;
  ce_decode_options_default (&opts, CE_DECODE_GREEDY);
  opts.max_tokens = NT;
  CeHypothesis *h;
  int n;
  g_assert_cmpint (ce_decode (model, &batch, &opts, NULL, &h, &n, msg), ==, CE_OK);
  g_assert_cmpint (n, ==, NB);
  for (int i = 0; i < n; i++)
    {
      lens[i] = h[i].n;
      memcpy (tokens + (size_t) i * NT, h[i].tokens, (size_t) h[i].n * sizeof (int32_t));
    }
  ce_hypotheses_free (h, n);
}

/* A trained model (confident predictions): greedy int8 outputs equal fp32's
 * and the training targets; a training step drops the int8 copy. */
static void
test_trained_greedy_agrees (void)
{
  char msg[CE_MSG_SIZE];
  CeStatus st;
  CeModelConfig cfg;
  toy_config (&cfg, CE_MODEL_S2S);
  CeModel *model = ce_model_new (&cfg, 3, &st, msg);
  g_assert_nonnull (model);
  CeBatch batch = make_batch ();
  CeTrainParams tp;
  ce_train_params_default (&tp);
  tp.lr = 1e-2f;
  CeLosses l = { 0 };
  for (int i = 0; i < 150; i++)
    g_assert_cmpint (ce_model_train_step (model, &batch, &tp, &l, msg), ==, CE_OK);
  g_test_message ("cross-entropy after 150 steps: %.4f", l.xent);
  g_assert_cmpfloat (l.xent, <, 0.05);

  int32_t t32[NB * NT], t8[NB * NT];
  int n32[NB], n8[NB];
  greedy_tokens (model, t32, n32);
  g_assert_cmpint (ce_model_set_decode_precision (model, CE_PRECISION_INT8, msg), ==, CE_OK);
  greedy_tokens (model, t8, n8);
  for (int b = 0; b < NB; b++)
    {
      g_assert_cmpint (n32[b], ==, NT - 1);
      g_assert_cmpmem (t32 + b * NT, n32[b] * sizeof (int32_t), b_tgt + b * NT,
                       (NT - 1) * sizeof (int32_t));
      g_assert_cmpmem (t8 + b * NT, n8[b] * sizeof (int32_t), t32 + b * NT,
                       n32[b] * sizeof (int32_t));
    }

  /* the weights change: the copy goes, decoding is fp32 again */
  g_assert_cmpint (ce_model_train_step (model, &batch, &tp, NULL, msg), ==, CE_OK);
  g_assert_cmpint (ce_model_get_decode_precision (model), ==, CE_PRECISION_FP32);
  g_assert_null (model->q8);
  ce_model_free (model);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ce_blas_set_threads (1);
  g_test_add_func ("/engine/quant/kernels", test_kernels);
  g_test_add_func ("/engine/quant/quantize-rows", test_quantize_rows);
  g_test_add_func ("/engine/quant/decoder/near-fp32", test_decoder_near_fp32);
  g_test_add_func ("/engine/quant/decoder/threads-identical", test_decoder_threads_identical);
  g_test_add_func ("/engine/quant/decoder/trained-greedy-agrees", test_trained_greedy_agrees);
  return g_test_run ();
}
