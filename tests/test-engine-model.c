/* test-engine-model.c — the whole conditional text model: gradient check of
 * every parameter tensor, overfitting, determinism, two threads, model
 * files, the decoder (reorder, agreement with the training forward), the
 * optimiser. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "ce-model-private.h"
#include "ce-checkpoint.h"

/* ---- tiny problems --------------------------------------------------------- */

static void
tiny_config (CeModelConfig *cfg, CeModelKind kind, int copy)
{
  ce_model_config_default (cfg, kind, 12, 3);
  cfg->emb = 4;
  cfg->field_emb = 3;
  cfg->hidden = 6;
  cfg->attn = 5;
  cfg->latent = kind == CE_MODEL_S2S ? 0 : 3;
  cfg->copy = copy;
  cfg->max_src = 8;
  cfg->max_tgt = 8;
  cfg->dropout = 0.0f;
  cfg->word_dropout = 0.0f;
  cfg->label_smoothing = 0.0f;
}

/* B=2, S=3, T=4 with padding in both source and target */
static const int32_t tiny_src[] = { 5, 6, 7, 8, 4, -1 };
static const int32_t tiny_fld[] = { 0, 1, 2, 2, 0, 0 };
static const int32_t tiny_tgt[] = { 9, 6, 10, 3, 8, 11, 3, -1 };

static CeBatch
tiny_batch (void)
{
  CeBatch b = { 2, 3, 4, tiny_src, tiny_fld, tiny_tgt };
  return b;
}

/* SPLIT_N rows (>= CE_DEC_SPLIT_MIN_ROWS, odd, so the decoder runs in two
 * unequal parts) built from variations of the tiny rows */
#define SPLIT_N 17
static int32_t split_src[SPLIT_N * 3], split_fld[SPLIT_N * 3], split_tgt[SPLIT_N * 4];

static CeBatch
split_batch (void)
{
  for (int n = 0; n < SPLIT_N; n++)
    {
      const int r = n % 2;
      for (int s = 0; s < 3; s++)
        {
          const int32_t id = tiny_src[r * 3 + s];
          split_src[n * 3 + s] = id < 0 ? id : 4 + (id - 4 + n) % 8;
          split_fld[n * 3 + s] = tiny_fld[r * 3 + s];
        }
      for (int t = 0; t < 4; t++)
        {
          const int32_t id = tiny_tgt[r * 4 + t];
          split_tgt[n * 4 + t] = id < 0 ? id : 3 + (id - 3 + 2 * n) % 9;
        }
    }
  CeBatch b = { SPLIT_N, 3, 4, split_src, split_fld, split_tgt };
  return b;
}

/* gradcheck_full's batch: tiny_batch, or split_batch when set */
static int gradcheck_split;
/* gradcheck_full's ARAE code noise (the draws repeat: the RNG is restored
 * for every evaluation) */
static float gradcheck_code_noise;

static void latent_modes (CeModel *model);

/* ---- finite-difference gradient check of the whole model -------------------- */

static double
objective_at (CeModel *model, const CeBatch *batch, const CeTrainParams *tp, const CeRng *rng0)
{
  char msg[CE_MSG_SIZE];
  model->rng = *rng0;   /* same eps / dropout draws every evaluation */
  CeStatus st = ce_model_forward_backward (model, batch, tp, CE_PASS_GRAD, NULL, msg);
  g_assert_cmpint (st, ==, CE_OK);
  return model->objective;
}

static void
gradcheck_full (CeModelKind kind, int copy, float label_smoothing, float dropout, float enc_weight)
{
  CeModelConfig cfg;
  CeTrainParams tp;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  tiny_config (&cfg, kind, copy);
  cfg.label_smoothing = label_smoothing;
  cfg.dropout = dropout;            /* masks repeat: the RNG is restored each time */
  cfg.word_dropout = dropout;
  ce_train_params_default (&tp);
  tp.kl_weight = 0.7f;
  tp.free_bits = 0.0f;   /* the clamp is not differentiable at the threshold */
  tp.gan_enc_weight = enc_weight;
  tp.gan_code_noise = gradcheck_code_noise;

  CeModel *model = ce_model_new (&cfg, 1234, &st, msg);
  g_assert_nonnull (model);
  /* non-zero biases so that every path is exercised */
  CeRng init;
  ce_rng_seed (&init, 99);
  for (size_t i = 0; i < model->table.total; i++)
    model->params[i] += 0.05f * (2.0f * ce_rng_uniform (&init) - 1.0f);

  CeBatch batch = gradcheck_split ? split_batch () : tiny_batch ();
  const CeRng rng0 = model->rng;
  objective_at (model, &batch, &tp, &rng0);
  const size_t total = model->table.total;
  float *analytic = g_new (float, total);
  memcpy (analytic, model->grads, total * sizeof (float));

  CeRng pick;
  ce_rng_seed (&pick, 7);
  const double h = g_getenv ("GRADCHECK_H") ? g_ascii_strtod (g_getenv ("GRADCHECK_H"), NULL) : 1e-2;
  double worst = 0.0;
  int checked = 0;
  for (int i = 0; i < model->table.n; i++)
    {
      const CeTensorInfo *info = &model->table.t[i];
      if (info->group != CE_GROUP_AE)
        continue;
      /* no tensor may have an all-zero gradient: that is a missing backward */
      double norm = 0.0;
      for (size_t k = 0; k < info->size; k++)
        norm += fabs (analytic[info->offset + k]);
      if (norm == 0.0)
        g_error ("tensor %s has an all-zero gradient", info->name);
      const int samples = info->size < 6 ? (int) info->size : 6;
      for (int n = 0; n < samples; n++)
        {
          size_t k = info->size <= 6 ? (size_t) n : ce_rng_below (&pick, (uint32_t) info->size);
          float *w = &model->params[info->offset + k];
          const float saved = *w;
          /* central differences at h and h/2, Richardson-combined so the
           * O(h^2) curvature term cancels (the ARAE code normalisation is
           * strongly curved) */
          /* A kink of the critic's leaky ReLU within ±h spoils one step
           * size (float round-off the smallest); a wrong gradient is wrong
           * at every step size: h, then h/4, then h/10 when the larger fails. */
          double a = analytic[info->offset + k], numeric = 0.0, err = INFINITY;
          for (int tries = 0; tries < 3 && err > 1e-2; tries++)
            {
              const double ht = tries == 0 ? h : tries == 1 ? h / 4 : h / 10;
              double d[2];
              for (int j = 0; j < 2; j++)
                {
                  const double hj = j == 0 ? ht : ht / 2;
                  *w = (float) (saved + hj);
                  double lp = objective_at (model, &batch, &tp, &rng0);
                  *w = (float) (saved - hj);
                  double lm = objective_at (model, &batch, &tp, &rng0);
                  *w = saved;
                  d[j] = (lp - lm) / (2.0 * hj);
                }
              double n_t = (4.0 * d[1] - d[0]) / 3.0;
              double e_t = fabs (a - n_t) / fmax (5e-3, fmax (fabs (a), fabs (n_t)));
              if (e_t < err)
                {
                  err = e_t;
                  numeric = n_t;
                }
            }
          if (g_getenv ("GRADCHECK_VERBOSE"))
            g_printerr ("%s[%zu] a %.6g n %.6g err %.3g\n", info->name, k, a, numeric, err);
          if (err > worst)
            worst = err;
          if (err > 1e-2)
            g_error ("%s[%zu]: analytic %.6g, numeric %.6g (relative error %.3g)",
                     info->name, k, a, numeric, err);
          checked++;
        }
    }
  g_test_message ("kind %d copy %d dropout %g enc_weight %g: %d entries over %d tensors, worst relative error %.3g "
                  "(|a - n| / max(|a|, |n|, 5e-3), threshold 1e-2, h = %g, Richardson)",
                  kind, copy, dropout, enc_weight, checked, model->table.n, worst, h);
  g_free (analytic);
  ce_model_free (model);
}

static void
gradcheck (CeModelKind kind, int copy, float label_smoothing)
{
  gradcheck_full (kind, copy, label_smoothing, 0.0f, 0.0f);
}

static void
test_gradcheck_cvae_dropout (void)
{
  gradcheck_full (CE_MODEL_CVAE, 1, 0.0f, 0.3f, 0.0f);
}

static void
test_gradcheck_s2s_copy (void)
{
  gradcheck (CE_MODEL_S2S, 1, 0.0f);
}

static void
test_gradcheck_s2s_smoothing (void)
{
  gradcheck (CE_MODEL_S2S, 0, 0.1f);
}

static void
test_gradcheck_cvae (void)
{
  gradcheck (CE_MODEL_CVAE, 1, 0.0f);
}

static void
test_gradcheck_arae (void)
{
  gradcheck (CE_MODEL_ARAE, 1, 0.0f);
}

/* A batch big enough for the decoder to run in parts (ce-model-forward.c):
 * the parts' gradients, merged, are the batch's; with one BLAS thread the
 * parts run one after the other, with two at once. */
static void
test_gradcheck_parts (void)
{
  gradcheck_split = 1;
  for (int threads = 1; threads <= 2; threads++)
    {
      ce_blas_set_threads (threads);
      gradcheck_full (CE_MODEL_CVAE, 1, 0.0f, 0.3f, 0.0f);
      gradcheck_full (CE_MODEL_S2S, 0, 0.1f, 0.0f, 0.0f);
    }
  ce_blas_set_threads (1);
  gradcheck_split = 0;
}

/* The ARAE encoder's adversarial term, weighted heavily so that it is a
 * large part of every encoder gradient the check compares. */
static void
test_gradcheck_arae_encoder_term (void)
{
  gradcheck_full (CE_MODEL_ARAE, 1, 0.0f, 0.0f, 5.0f);
}

/* With noise on the code the decoder reads (the noise is additive: the
 * gradient reaches the code layer through it unchanged), the encoder term on. */
static void
test_gradcheck_arae_code_noise (void)
{
  gradcheck_code_noise = 0.3f;
  gradcheck_full (CE_MODEL_ARAE, 1, 0.0f, 0.0f, 1.0f);
  gradcheck_code_noise = 0.0f;
}

/* The term's own contract: it adds WEIGHT x the critic's score of the real
 * codes to the objective, its gradient scales with WEIGHT and reaches the
 * text encoder and the attribute encoder, and a small step against it
 * lowers the critic's score of the real codes (they move towards what the
 * critic takes for generated codes). */
static void
test_arae_encoder_term (void)
{
  CeModelConfig cfg;
  CeTrainParams tp;
  CeLosses l0, l1;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  tiny_config (&cfg, CE_MODEL_ARAE, 1);
  ce_train_params_default (&tp);
  g_assert_cmpfloat (tp.gan_enc_weight, >, 0.0f);   /* on by default */
  CeModel *model = ce_model_new (&cfg, 77, &st, msg);
  g_assert_nonnull (model);
  CeRng init;
  ce_rng_seed (&init, 3);
  for (size_t i = 0; i < model->table.total; i++)
    model->params[i] += 0.05f * (2.0f * ce_rng_uniform (&init) - 1.0f);
  CeBatch batch = tiny_batch ();
  const CeRng rng0 = model->rng;
  const size_t total = model->table.total;
  float *g[3];
  double obj[3];
  const float weights[3] = { 0.0f, 1.0f, 2.0f };
  for (int k = 0; k < 3; k++)
    {
      tp.gan_enc_weight = weights[k];
      model->rng = rng0;
      st = ce_model_forward_backward (model, &batch, &tp, CE_PASS_GRAD, k == 0 ? &l0 : &l1, msg);
      g_assert_cmpint (st, ==, CE_OK);
      obj[k] = model->objective;
      g[k] = g_memdup2 (model->grads, total * sizeof (float));
    }
  g_assert_cmpfloat (l0.enc_adv, ==, 0.0);   /* weight 0: not computed */
  g_assert_cmpfloat (fabs (l1.enc_adv), >, 0.0);
  g_assert_cmpfloat (fabs (obj[1] - obj[0] - l1.enc_adv), <, 1e-6);
  g_assert_cmpfloat (fabs (obj[2] - obj[0] - 2.0 * l1.enc_adv), <, 1e-6);
  /* linear in the weight: g(2) - g(0) = 2 (g(1) - g(0)), and non-zero on the encoders */
  const char *reached[] = { "txt.Wx", "txt.Wh", "code.W", "enc_fwd.Wx" };
  int found = 0;
  for (int i = 0; i < model->table.n; i++)
    {
      const CeTensorInfo *info = &model->table.t[i];
      if (info->group != CE_GROUP_AE)
        continue;
      double diff = 0.0, lin = 0.0;
      for (size_t k = 0; k < info->size; k++)
        {
          size_t o = info->offset + k;
          double d1 = (double) g[1][o] - g[0][o], d2 = (double) g[2][o] - g[0][o];
          diff += fabs (d1);
          lin = fmax (lin, fabs (d2 - 2.0 * d1));
        }
      g_assert_cmpfloat (lin, <, 1e-4 + 1e-3 * diff);
      for (size_t r = 0; r < G_N_ELEMENTS (reached); r++)
        if (strcmp (info->name, reached[r]) == 0)
          {
            found++;
            if (diff == 0.0)
              g_error ("the encoder term does not reach %s", info->name);
          }
    }
  g_assert_cmpint (found, ==, 4);
  /* a small step against the term's gradient lowers the critic's score of the real codes */
  const size_t lo = model->table.group_begin[CE_GROUP_AE], hi = model->table.group_end[CE_GROUP_AE];
  double norm = 0.0;
  for (size_t o = lo; o < hi; o++)
    norm += ((double) g[1][o] - g[0][o]) * ((double) g[1][o] - g[0][o]);
  norm = sqrt (norm);
  g_assert_cmpfloat (norm, >, 0.0);
  for (size_t o = lo; o < hi; o++)
    model->params[o] -= (float) (1e-2 * ((double) g[1][o] - g[0][o]) / norm);
  tp.gan_enc_weight = 1.0f;
  model->rng = rng0;
  st = ce_model_forward_backward (model, &batch, &tp, CE_PASS_GRAD, &l0, msg);
  g_assert_cmpint (st, ==, CE_OK);
  g_test_message ("critic score of the real codes %.6g -> %.6g", l1.enc_adv, l0.enc_adv);
  g_assert_cmpfloat (l0.enc_adv, <, l1.enc_adv);
  for (int k = 0; k < 3; k++)
    g_free (g[k]);
  ce_model_free (model);
}

/* ---- a small set to overfit ------------------------------------------------- */

#define OV_N 8
#define OV_S 4
#define OV_T 7
#define OV_V 40

typedef struct {
  int32_t src[OV_N * OV_S], fld[OV_N * OV_S], tgt[OV_N * OV_T];
} OverfitSet;

/* Each target copies two of its source tokens around fixed words, so both
 * the copy path and the vocabulary are needed. */
static void
overfit_set (OverfitSet *set)
{
  for (int n = 0; n < OV_N; n++)
    {
      int a = 10 + n, b = 20 + (n * 3) % OV_N, c = 30 + n % 4;
      int32_t src[OV_S] = { a, b, c, n % 2 ? 5 : -1 };
      int32_t fld[OV_S] = { 0, 1, 2, 3 };
      int32_t tgt[OV_T] = { 4, a, 6 + n % 3, b, n % 2 ? 5 : 7, 3, -1 };
      if (n % 2 == 0)
        src[3] = -1;
      memcpy (set->src + n * OV_S, src, sizeof src);
      memcpy (set->fld + n * OV_S, fld, sizeof fld);
      memcpy (set->tgt + n * OV_T, tgt, sizeof tgt);
    }
}

static void
small_config (CeModelConfig *cfg, CeModelKind kind)
{
  ce_model_config_default (cfg, kind, OV_V, 4);
  cfg->emb = 16;
  cfg->field_emb = 4;
  cfg->hidden = 32;
  cfg->attn = 16;
  cfg->latent = kind == CE_MODEL_S2S ? 0 : 8;
  cfg->max_src = 8;
  cfg->max_tgt = 12;
  cfg->dropout = 0.0f;
  cfg->word_dropout = 0.0f;
}

#define OVERFIT_STEPS 300

static CeModel *
overfit_model (CeModelKind kind, double *final_xent)
{
  CeModelConfig cfg;
  CeTrainParams tp;
  CeLosses l;
  OverfitSet set;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  small_config (&cfg, kind);
  overfit_set (&set);
  ce_train_params_default (&tp);
  tp.lr = 1e-2f;
  tp.kl_weight = 0.01f;
  tp.free_bits = 0.0f;
  CeModel *model = ce_model_new (&cfg, 42, &st, msg);
  g_assert_nonnull (model);
  CeBatch batch = { OV_N, OV_S, OV_T, set.src, set.fld, set.tgt };
  for (int step = 0; step < OVERFIT_STEPS; step++)
    {
      st = ce_model_train_step (model, &batch, &tp, &l, msg);
      if (st != CE_OK)
        g_error ("step %d: %s", step, msg);
    }
  st = ce_model_eval_loss (model, &batch, &l, msg);
  g_assert_cmpint (st, ==, CE_OK);
  *final_xent = l.xent;
  return model;
}

/* Greedy decoding, row by row, up to T tokens; returns the number of rows
 * whose output equals the target exactly. */
static int
greedy_matches (CeModel *model, const OverfitSet *set)
{
  char msg[CE_MSG_SIZE];
  CeStatus st;
  const int V = model->cfg.vocab_size;
  CeDecoder *dec = ce_decoder_new (model, OV_N, &st, msg);
  g_assert_nonnull (dec);
  CeBatch src = { OV_N, OV_S, 0, set->src, set->fld, NULL };
  int32_t rows[OV_N], prev[OV_N], out[OV_N][OV_T];
  for (int r = 0; r < OV_N; r++)
    {
      rows[r] = r;
      prev[r] = CE_TOK_BOS;
    }
  st = ce_decoder_start (dec, &src, rows, OV_N, CE_LATENT_MEAN, NULL, msg);
  g_assert_cmpint (st, ==, CE_OK);
  float *lp = g_new (float, (size_t) OV_N * V);
  for (int t = 0; t < OV_T; t++)
    {
      st = ce_decoder_step (dec, prev, lp, msg);
      g_assert_cmpint (st, ==, CE_OK);
      for (int r = 0; r < OV_N; r++)
        {
          int best = 0;
          for (int w = 1; w < V; w++)
            if (lp[(size_t) r * V + w] > lp[(size_t) r * V + best])
              best = w;
          out[r][t] = best;
          prev[r] = best;
        }
    }
  int matches = 0;
  for (int r = 0; r < OV_N; r++)
    {
      int ok = 1;
      for (int t = 0; t < OV_T && set->tgt[r * OV_T + t] >= 0; t++)
        ok &= out[r][t] == set->tgt[r * OV_T + t];
      matches += ok;
    }
  g_free (lp);
  ce_decoder_free (dec);
  return matches;
}

static void
test_overfit_s2s (void)
{
  double xent;
  OverfitSet set;
  overfit_set (&set);
  CeModel *model = overfit_model (CE_MODEL_S2S, &xent);
  g_test_message ("S2S+copy: mean xent %.4f after %d steps (threshold 0.05)", xent, OVERFIT_STEPS);
  g_assert_cmpfloat (xent, <, 0.05);
  g_assert_cmpint (greedy_matches (model, &set), ==, OV_N);
  ce_model_free (model);
}

static void
test_overfit_cvae (void)
{
  double xent;
  OverfitSet set;
  overfit_set (&set);
  CeModel *model = overfit_model (CE_MODEL_CVAE, &xent);
  g_test_message ("CVAE: mean xent %.4f after %d steps (threshold 0.05)", xent, OVERFIT_STEPS);
  g_assert_cmpfloat (xent, <, 0.05);
  g_assert_cmpint (greedy_matches (model, &set), ==, OV_N);
  latent_modes (model);
  ce_model_free (model);
}

/* Decoding from the latent: MEAN is deterministic, SAMPLE draws a code
 * (CVAE prior sample, ARAE generator noise) that changes the output. */
static void
latent_modes (CeModel *model)
{
  OverfitSet set;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  CeRng rng;
  float a[OV_V], b[OV_V], c[OV_V], d[OV_V];
  int32_t row = 0, bos = CE_TOK_BOS;
  overfit_set (&set);
  ce_rng_seed (&rng, 3);
  CeBatch src = { 1, OV_S, 0, set.src, set.fld, NULL };
  CeDecoder *dec = ce_decoder_new (model, 1, &st, msg);
  float *out[4] = { a, b, c, d };
  for (int k = 0; k < 4; k++)
    {
      CeLatentMode mode = k < 2 ? CE_LATENT_MEAN : CE_LATENT_SAMPLE;
      g_assert_cmpint (ce_decoder_start (dec, &src, &row, 1, mode, &rng, msg), ==, CE_OK);
      g_assert_cmpint (ce_decoder_step (dec, &bos, out[k], msg), ==, CE_OK);
      for (int w = 0; w < OV_V; w++)
        g_assert_true (isfinite (out[k][w]));
    }
  g_assert_true (memcmp (a, b, sizeof a) == 0);
  g_assert_false (memcmp (c, d, sizeof c) == 0);
  g_assert_false (memcmp (a, c, sizeof a) == 0);
  /* sampling needs a generator */
  g_assert_cmpint (ce_decoder_start (dec, &src, &row, 1, CE_LATENT_SAMPLE, NULL, msg), ==,
                   CE_ERR_INVALID_ARG);
  ce_decoder_free (dec);
}

/* The ARAE's decoder-code options: code noise changes the code the decoder
 * reads (by noise of the asked spread) but not the code the critic scores,
 * only in training passes; gan_gen_share = 1 decodes every row from the
 * generator's code (a constant), so with the encoder's adversarial term off
 * nothing reaches the text encoder or the code layer while the decoder
 * still learns; code noise is additive, so the gradient still reaches them;
 * both off is exactly the training without them. */
static void
test_arae_code_noise (void)
{
  CeModelConfig cfg;
  CeTrainParams tp;
  CeLosses l0, l1;
  OverfitSet set;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  small_config (&cfg, CE_MODEL_ARAE);
  overfit_set (&set);
  CeBatch batch = { OV_N, OV_S, OV_T, set.src, set.fld, set.tgt };
  CeModel *model = ce_model_new (&cfg, 21, &st, msg);
  g_assert_nonnull (model);
  const int Z = model->d.Z;
  const size_t BZ = (size_t) OV_N * Z;
  ce_train_params_default (&tp);
  const CeRng rng0 = model->rng;

  st = ce_model_forward_backward (model, &batch, &tp, CE_PASS_GRAD, &l0, msg);
  g_assert_cmpint (st, ==, CE_OK);
  const double obj0 = model->objective;
  float *clean = g_memdup2 (model->tw.z, BZ * sizeof (float));
  tp.gan_code_noise = 0.5f;
  model->rng = rng0;
  st = ce_model_forward_backward (model, &batch, &tp, CE_PASS_GRAD, &l1, msg);
  g_assert_cmpint (st, ==, CE_OK);
  /* the encoder's code and the critic's score of it are unchanged ... */
  g_assert_cmpmem (model->tw.z, BZ * sizeof (float), clean, BZ * sizeof (float));
  g_assert_cmpfloat (l1.enc_adv, ==, l0.enc_adv);
  /* ... the decoder read it plus noise of about the asked spread */
  double ss = 0.0, mean = 0.0;
  for (size_t i = 0; i < BZ; i++)
    {
      const double e = (double) model->tw.zdec[i] - clean[i];
      mean += e;
      ss += e * e;
    }
  mean /= (double) BZ;
  const double sd = sqrt (ss / (double) BZ);
  g_test_message ("code noise 0.5: %zu draws, mean %.3f, sd %.3f", BZ, mean, sd);
  g_assert_cmpfloat (sd, >, 0.35);
  g_assert_cmpfloat (sd, <, 0.65);
  g_assert_cmpfloat (fabs (mean), <, 0.2);
  g_assert_cmpfloat (model->objective, !=, obj0);
  /* no noise outside training: the held-out loss is the same with it set */
  tp.gan_code_noise = 0.0f;
  model->rng = rng0;
  st = ce_model_forward_backward (model, &batch, &tp, CE_PASS_EVAL, &l0, msg);
  g_assert_cmpint (st, ==, CE_OK);
  tp.gan_code_noise = 0.5f;
  model->rng = rng0;
  st = ce_model_forward_backward (model, &batch, &tp, CE_PASS_EVAL, &l1, msg);
  g_assert_cmpint (st, ==, CE_OK);
  g_assert_cmpfloat (l1.xent, ==, l0.xent);
  g_free (clean);
  ce_model_free (model);
}

static void
test_arae_decoder_code (void)
{
  CeModelConfig cfg;
  CeTrainParams tp;
  CeLosses l;
  OverfitSet set;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  small_config (&cfg, CE_MODEL_ARAE);
  overfit_set (&set);
  CeBatch batch = { OV_N, OV_S, OV_T, set.src, set.fld, set.tgt };
  CeModel *m[4];
  for (int k = 0; k < 4; k++)
    {
      m[k] = ce_model_new (&cfg, 9, &st, msg);
      g_assert_nonnull (m[k]);
    }
  const size_t total = m[0]->table.total;
  float *before = g_memdup2 (m[0]->params, total * sizeof (float));
  const CeDims *d = &m[0]->d;
  const size_t txt_off = (size_t) (m[0]->p.txt_Wx - m[0]->params), txt_n = (size_t) 3 * d->H * d->E;
  const size_t code_off = (size_t) (m[0]->p.code_W - m[0]->params), code_n = (size_t) d->Z * d->H;
  const size_t wz_off = (size_t) (m[0]->p.dec_Wz - m[0]->params), wz_n = (size_t) 3 * d->H * d->Z;

  for (int k = 0; k < 4; k++)
    {
      ce_train_params_default (&tp);
      tp.gan_enc_weight = 0.0f;
      if (k == 1)
        tp.gan_gen_share = 1.0f;
      if (k == 2)
        tp.gan_code_noise = 0.3f;
      if (k == 3)
        {
          /* explicitly off: the same as the defaults */
          tp.gan_gen_share = 0.0f;
          tp.gan_code_noise = 0.0f;
          tp.gan_skip = 0;
        }
      for (int step = 0; step < 3; step++)
        {
          st = ce_model_train_step (m[k], &batch, &tp, &l, msg);
          if (st != CE_OK)
            g_error ("model %d step %d: %s", k, step, msg);
          g_assert_true (isfinite (l.xent));
        }
    }
  /* gen share 1: the text encoder and the code layer never moved, the
   * decoder's code projection did */
  g_assert_cmpmem (m[1]->params + txt_off, txt_n * sizeof (float), before + txt_off, txt_n * sizeof (float));
  g_assert_cmpmem (m[1]->params + code_off, code_n * sizeof (float), before + code_off, code_n * sizeof (float));
  g_assert_true (memcmp (m[1]->params + wz_off, before + wz_off, wz_n * sizeof (float)) != 0);
  /* without the options both did */
  g_assert_true (memcmp (m[0]->params + txt_off, before + txt_off, txt_n * sizeof (float)) != 0);
  g_assert_true (memcmp (m[0]->params + code_off, before + code_off, code_n * sizeof (float)) != 0);
  /* noise: the gradient still reaches the code layer, and the weights differ
   * from the noise-free run */
  g_assert_true (memcmp (m[2]->params + code_off, before + code_off, code_n * sizeof (float)) != 0);
  g_assert_true (memcmp (m[2]->params, m[0]->params, total * sizeof (float)) != 0);
  /* off is off: bit for bit the default training */
  g_assert_cmpmem (m[3]->params, total * sizeof (float), m[0]->params, total * sizeof (float));
  g_free (before);
  for (int k = 0; k < 4; k++)
    ce_model_free (m[k]);
}

/* gan_skip: the step trains the autoencoder only — critic and generator
 * keep their weights and optimiser state, the encoder term is not computed,
 * the losses say so; the next step without it moves them again. */
static void
test_arae_skip (void)
{
  CeModelConfig cfg;
  CeTrainParams tp;
  CeLosses l;
  OverfitSet set;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  small_config (&cfg, CE_MODEL_ARAE);
  overfit_set (&set);
  CeBatch batch = { OV_N, OV_S, OV_T, set.src, set.fld, set.tgt };
  CeModel *model = ce_model_new (&cfg, 13, &st, msg);
  g_assert_nonnull (model);
  const CeTensorTable *tb = &model->table;
  const size_t lo = tb->group_begin[CE_GROUP_GEN] < tb->group_begin[CE_GROUP_CRITIC]
                    ? tb->group_begin[CE_GROUP_GEN] : tb->group_begin[CE_GROUP_CRITIC];
  const size_t hi = tb->group_end[CE_GROUP_GEN] > tb->group_end[CE_GROUP_CRITIC]
                    ? tb->group_end[CE_GROUP_GEN] : tb->group_end[CE_GROUP_CRITIC];
  g_assert_cmpuint (hi - lo, ==, (tb->group_end[CE_GROUP_GEN] - tb->group_begin[CE_GROUP_GEN])
                    + (tb->group_end[CE_GROUP_CRITIC] - tb->group_begin[CE_GROUP_CRITIC]));
  const size_t ae_lo = tb->group_begin[CE_GROUP_AE], ae_hi = tb->group_end[CE_GROUP_AE];
  ce_train_params_default (&tp);
  g_assert_cmpint (tp.gan_skip, ==, 0);   /* off by default */
  tp.gan_skip = 1;
  float *adv = g_memdup2 (model->params + lo, (hi - lo) * sizeof (float));
  float *adv_m = g_memdup2 (model->adam_m + lo, (hi - lo) * sizeof (float));
  float *ae = g_memdup2 (model->params + ae_lo, (ae_hi - ae_lo) * sizeof (float));
  for (int step = 0; step < 3; step++)
    {
      st = ce_model_train_step (model, &batch, &tp, &l, msg);
      g_assert_cmpint (st, ==, CE_OK);
      g_assert_cmpfloat (l.critic, ==, 0.0);
      g_assert_cmpfloat (l.generator, ==, 0.0);
      g_assert_cmpfloat (l.enc_adv, ==, 0.0);
    }
  g_assert_cmpmem (model->params + lo, (hi - lo) * sizeof (float), adv, (hi - lo) * sizeof (float));
  g_assert_cmpmem (model->adam_m + lo, (hi - lo) * sizeof (float), adv_m, (hi - lo) * sizeof (float));
  g_assert_true (memcmp (model->params + ae_lo, ae, (ae_hi - ae_lo) * sizeof (float)) != 0);
  tp.gan_skip = 0;
  st = ce_model_train_step (model, &batch, &tp, &l, msg);
  g_assert_cmpint (st, ==, CE_OK);
  g_assert_cmpfloat (l.critic, !=, 0.0);
  g_assert_cmpfloat (l.enc_adv, !=, 0.0);
  g_assert_true (memcmp (model->params + lo, adv, (hi - lo) * sizeof (float)) != 0);
  g_free (adv);
  g_free (adv_m);
  g_free (ae);
  ce_model_free (model);
}

static void
test_arae_trains (void)
{
  CeModelConfig cfg;
  CeTrainParams tp;
  CeLosses l, first;
  OverfitSet set;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  small_config (&cfg, CE_MODEL_ARAE);
  overfit_set (&set);
  ce_train_params_default (&tp);
  tp.lr = 1e-2f;
  tp.critic_steps = 2;
  tp.gan_lr = 1e-3f;
  CeModel *model = ce_model_new (&cfg, 5, &st, msg);
  g_assert_nonnull (model);
  CeBatch batch = { OV_N, OV_S, OV_T, set.src, set.fld, set.tgt };
  size_t crit = model->table.group_begin[CE_GROUP_CRITIC];
  size_t gen = model->table.group_begin[CE_GROUP_GEN];
  float crit0 = model->params[crit], gen0 = model->params[gen];
  for (int step = 0; step < 200; step++)
    {
      st = ce_model_train_step (model, &batch, &tp, &l, msg);
      if (st != CE_OK)
        g_error ("step %d: %s", step, msg);
      if (step == 0)
        first = l;
      g_assert_true (isfinite (l.critic) && isfinite (l.generator));
    }
  g_test_message ("ARAE: xent %.3f -> %.3f, critic %.4f, generator %.4f", first.xent, l.xent,
                  l.critic, l.generator);
  g_assert_cmpfloat (l.xent, <, first.xent * 0.5);
  /* both adversaries moved, and the critic stayed inside its clipping box */
  g_assert_cmpfloat (model->params[crit], !=, crit0);
  g_assert_cmpfloat (model->params[gen], !=, gen0);
  for (size_t i = crit; i < model->table.group_end[CE_GROUP_CRITIC]; i++)
    g_assert_cmpfloat (fabsf (model->params[i]), <=, 0.05f + 1e-6f);
  latent_modes (model);
  ce_model_free (model);
}

/* ---- determinism and threads -------------------------------------------------- */

#define DET_STEPS 5

static void
train_k (CeModel *model, int k)
{
  CeTrainParams tp;
  OverfitSet set;
  char msg[CE_MSG_SIZE];
  overfit_set (&set);
  ce_train_params_default (&tp);
  CeBatch batch = { OV_N, OV_S, OV_T, set.src, set.fld, set.tgt };
  for (int i = 0; i < k; i++)
    if (ce_model_train_step (model, &batch, &tp, NULL, msg) != CE_OK)
      g_error ("%s", msg);
}

static CeModel *
det_model (uint64_t seed)
{
  CeModelConfig cfg;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  small_config (&cfg, CE_MODEL_CVAE);
  cfg.dropout = 0.2f;        /* exercise every use of the model's RNG */
  cfg.word_dropout = 0.25f;
  CeModel *model = ce_model_new (&cfg, seed, &st, msg);
  g_assert_nonnull (model);
  return model;
}

static void
test_same_seed (void)
{
  ce_blas_set_threads (1);
  CeModel *a = det_model (77), *b = det_model (77), *c = det_model (78);
  train_k (a, DET_STEPS);
  train_k (b, DET_STEPS);
  train_k (c, DET_STEPS);
  g_assert_true (memcmp (a->params, b->params, a->table.total * sizeof (float)) == 0);
  g_assert_false (memcmp (a->params, c->params, a->table.total * sizeof (float)) == 0);
  ce_model_free (a);
  ce_model_free (b);
  ce_model_free (c);
}

static void *
train_thread (void *data)
{
  train_k (data, DET_STEPS);
  return NULL;
}

static void
test_two_threads (void)
{
  ce_blas_set_threads (1);
  CeModel *alone1 = det_model (1), *alone2 = det_model (2);
  train_k (alone1, DET_STEPS);
  train_k (alone2, DET_STEPS);
  CeModel *m1 = det_model (1), *m2 = det_model (2);
  pthread_t t1, t2;
  g_assert_cmpint (pthread_create (&t1, NULL, train_thread, m1), ==, 0);
  g_assert_cmpint (pthread_create (&t2, NULL, train_thread, m2), ==, 0);
  pthread_join (t1, NULL);
  pthread_join (t2, NULL);
  g_assert_true (memcmp (alone1->params, m1->params, m1->table.total * sizeof (float)) == 0);
  g_assert_true (memcmp (alone2->params, m2->params, m2->table.total * sizeof (float)) == 0);
  ce_model_free (alone1);
  ce_model_free (alone2);
  ce_model_free (m1);
  ce_model_free (m2);
}

/* The decoder's parts run at once with two BLAS threads and one after the
 * other with one: the weights are the same bit for bit, and the caller's
 * BLAS thread count is left as it was. */
static void
threads_same_weights (int hidden)
{
  CeModelConfig cfg;
  CeTrainParams tp;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  small_config (&cfg, CE_MODEL_CVAE);
  cfg.hidden = hidden;
  cfg.dropout = 0.2f;
  cfg.word_dropout = 0.25f;
  ce_train_params_default (&tp);
  CeModel *m[2];
  for (int k = 0; k < 2; k++)
    {
      m[k] = ce_model_new (&cfg, 5, &st, msg);
      g_assert_nonnull (m[k]);
    }
  /* 4 x 8 rows: one batch of 32, split into two parts of 16 */
  OverfitSet set;
  overfit_set (&set);
  int32_t src[4 * OV_N * OV_S], fld[4 * OV_N * OV_S], tgt[4 * OV_N * OV_T];
  for (int c = 0; c < 4; c++)
    {
      memcpy (src + c * OV_N * OV_S, set.src, sizeof set.src);
      memcpy (fld + c * OV_N * OV_S, set.fld, sizeof set.fld);
      memcpy (tgt + c * OV_N * OV_T, set.tgt, sizeof set.tgt);
    }
  CeBatch batch = { 4 * OV_N, OV_S, OV_T, src, fld, tgt };
  g_assert_cmpint (batch.B, >=, 2 * CE_DEC_SPLIT_MIN_ROWS);
  const CeTensorTable *tb = &m[0]->table;
  const size_t ae = tb->group_end[CE_GROUP_AE] - tb->group_begin[CE_GROUP_AE];
  g_test_message ("hidden %d: %zu weights in Adam's loop (two threads from %zu)", hidden, ae,
                  CE_ADAM_SPLIT_MIN);
  for (int k = 0; k < 2; k++)
    {
      ce_blas_set_threads (k + 1);
      for (int i = 0; i < DET_STEPS; i++)
        g_assert_cmpint (ce_model_train_step (m[k], &batch, &tp, NULL, msg), ==, CE_OK);
      g_assert_cmpint (ce_blas_get_threads (), ==, k + 1);
    }
  ce_blas_set_threads (1);
  g_assert_true (memcmp (m[0]->params, m[1]->params, m[0]->table.total * sizeof (float)) == 0);
  g_assert_true (memcmp (m[0]->adam_m, m[1]->adam_m, m[0]->table.total * sizeof (float)) == 0);
  g_assert_true (memcmp (m[0]->adam_v, m[1]->adam_v, m[0]->table.total * sizeof (float)) == 0);
  ce_model_free (m[0]);
  ce_model_free (m[1]);
}

/* Training with two BLAS threads gives the weights of one thread, bit for
 * bit: the decoder's parts in two threads, and from CE_ADAM_SPLIT_MIN
 * weights up Adam's two halves too. */
static void
test_threads_same_weights (void)
{
  threads_same_weights (32);
  threads_same_weights (192);
}

/* Batches of other shapes grow the work buffers; results on a batch do not
 * depend on what came before. */
static void
test_batch_shapes (void)
{
  CeModelConfig cfg;
  CeLosses small1, small2, big;
  OverfitSet set;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  small_config (&cfg, CE_MODEL_CVAE);
  overfit_set (&set);
  CeModel *model = ce_model_new (&cfg, 4, &st, msg);
  CeBatch two = { 2, 3, 5, set.src, set.fld, set.tgt };
  /* rows of 3 source and 5 target positions: repack the first two pairs */
  int32_t src[2 * 3], fld[2 * 3], tgt[2 * 5];
  for (int b = 0; b < 2; b++)
    {
      for (int s = 0; s < 3; s++)
        {
          src[b * 3 + s] = set.src[b * OV_S + s];
          fld[b * 3 + s] = set.fld[b * OV_S + s];
        }
      for (int t = 0; t < 5; t++)
        tgt[b * 5 + t] = set.tgt[b * OV_T + t];
    }
  two.src = src;
  two.src_field = fld;
  two.tgt = tgt;
  g_assert_cmpint (ce_model_eval_loss (model, &two, &small1, msg), ==, CE_OK);
  CeBatch all = { OV_N, OV_S, OV_T, set.src, set.fld, set.tgt };
  g_assert_cmpint (ce_model_eval_loss (model, &all, &big, msg), ==, CE_OK);
  g_assert_cmpint (ce_model_eval_loss (model, &two, &small2, msg), ==, CE_OK);
  g_assert_cmpfloat (small1.xent, ==, small2.xent);
  g_assert_cmpfloat (small1.kl, ==, small2.kl);
  g_assert_cmpint (small1.tokens, ==, 10);
  g_assert_cmpint (big.tokens, ==, 6 * OV_N);
  /* a target longer than max_tgt is refused, naming the limit */
  CeBatch too_long = all;
  too_long.T = cfg.max_tgt + 1;
  g_assert_cmpint (ce_model_eval_loss (model, &too_long, &big, msg), ==, CE_ERR_LIMIT);
  g_assert_nonnull (strstr (msg, "max_tgt"));
  ce_model_free (model);
}

/* ---- decoder ------------------------------------------------------------------ */

/* Teacher-forced decoding gives the same per-token log-probabilities as the
 * training forward (eval pass): their sum is the eval loss times tokens. */
static void
decoder_matches_training (CeModelKind kind)
{
  CeModelConfig cfg;
  CeLosses l;
  OverfitSet set;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  small_config (&cfg, kind);
  overfit_set (&set);
  /* a source token twice: its copy probability sums both positions */
  set.src[2] = set.src[0];
  set.src[OV_S + 3] = set.src[OV_S + 1];
  CeModel *model = ce_model_new (&cfg, 3, &st, msg);
  train_k (model, 3);
  if (kind == CE_MODEL_CVAE)
    {
      /* make the posterior mean equal the prior mean (the text state gets
       * zero weight), so that the eval pass (posterior mean) and decoding
       * (prior mean) condition on the same z */
      const int H = cfg.hidden, Z = cfg.latent;
      CeParams *p = &model->p;
      for (int i = 0; i < H; i++)
        {
          memset (p->post_W1 + (size_t) i * 2 * H, 0, (size_t) H * sizeof (float));
          memcpy (p->post_W1 + (size_t) i * 2 * H + H, p->prior_W1 + (size_t) i * H,
                  (size_t) H * sizeof (float));
        }
      memcpy (p->post_b1, p->prior_b1, (size_t) H * sizeof (float));
      memcpy (p->post_Wmu, p->prior_Wmu, (size_t) Z * H * sizeof (float));
      memcpy (p->post_bmu, p->prior_bmu, (size_t) Z * sizeof (float));
    }
  CeBatch batch = { OV_N, OV_S, OV_T, set.src, set.fld, set.tgt };
  st = ce_model_eval_loss (model, &batch, &l, msg);
  g_assert_cmpint (st, ==, CE_OK);

  CeDecoder *dec = ce_decoder_new (model, OV_N, &st, msg);
  int32_t rows[OV_N], prev[OV_N];
  for (int r = 0; r < OV_N; r++)
    {
      rows[r] = r;
      prev[r] = CE_TOK_BOS;
    }
  st = ce_decoder_start (dec, &batch, rows, OV_N, CE_LATENT_MEAN, NULL, msg);
  g_assert_cmpint (st, ==, CE_OK);
  float *lp = g_new (float, (size_t) OV_N * OV_V);
  double sum = 0.0;
  for (int t = 0; t < OV_T; t++)
    {
      g_assert_cmpint (ce_decoder_step (dec, prev, lp, msg), ==, CE_OK);
      for (int r = 0; r < OV_N; r++)
        {
          int32_t y = set.tgt[r * OV_T + t];
          if (y >= 0)
            sum -= lp[(size_t) r * OV_V + y];
          prev[r] = y >= 0 ? y : CE_TOK_EOS;
        }
    }
  g_assert_cmpfloat_with_epsilon (sum / l.tokens, l.xent, 1e-4 * l.xent);
  g_free (lp);
  ce_decoder_free (dec);
  ce_model_free (model);
}

static void
test_decoder_matches_training (void)
{
  decoder_matches_training (CE_MODEL_S2S);
}

static void
test_decoder_matches_training_cvae (void)
{
  decoder_matches_training (CE_MODEL_CVAE);
}

static void
test_decoder_reorder (void)
{
  CeModelConfig cfg;
  OverfitSet set;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  small_config (&cfg, CE_MODEL_CVAE);
  overfit_set (&set);
  CeModel *model = ce_model_new (&cfg, 9, &st, msg);
  CeBatch src = { 3, OV_S, 0, set.src, set.fld, NULL };
  const int V = OV_V;
  float lp[4 * OV_V], ref[OV_V];

  /* rows 0, 1 decode sources 2 and 0; step with 12 and 13 */
  CeDecoder *dec = ce_decoder_new (model, 4, &st, msg);
  int32_t rows[2] = { 2, 0 }, prev[4] = { 12, 13 };
  g_assert_cmpint (ce_decoder_start (dec, &src, rows, 2, CE_LATENT_MEAN, NULL, msg), ==, CE_OK);
  g_assert_cmpint (ce_decoder_step (dec, prev, lp, msg), ==, CE_OK);
  /* new rows: old 1, old 1, old 0 */
  int32_t parent[3] = { 1, 1, 0 };
  g_assert_cmpint (ce_decoder_reorder (dec, parent, 3, msg), ==, CE_OK);
  g_assert_cmpint (ce_decoder_rows (dec), ==, 3);
  int32_t next[3] = { 20, 21, 22 };
  g_assert_cmpint (ce_decoder_step (dec, next, lp, msg), ==, CE_OK);

  /* each new row equals a fresh single-row decoder fed the same history */
  const int32_t hist_src[3] = { 0, 0, 2 }, hist_first[3] = { 13, 13, 12 };
  for (int r = 0; r < 3; r++)
    {
      CeDecoder *one = ce_decoder_new (model, 1, &st, msg);
      int32_t row = hist_src[r], p0 = hist_first[r], p1 = next[r];
      g_assert_cmpint (ce_decoder_start (one, &src, &row, 1, CE_LATENT_MEAN, NULL, msg), ==, CE_OK);
      g_assert_cmpint (ce_decoder_step (one, &p0, ref, msg), ==, CE_OK);
      g_assert_cmpint (ce_decoder_step (one, &p1, ref, msg), ==, CE_OK);
      for (int w = 0; w < V; w++)
        g_assert_cmpfloat_with_epsilon (lp[r * V + w], ref[w], 1e-4);
      const float *a = ce_decoder_attention (dec), *b = ce_decoder_attention (one);
      for (int s = 0; s < OV_S; s++)
        g_assert_cmpfloat_with_epsilon (a[r * OV_S + s], b[s], 1e-5);
      ce_decoder_free (one);
    }
  /* a parent outside the rows is refused */
  int32_t bad[1] = { 3 };
  g_assert_cmpint (ce_decoder_reorder (dec, bad, 1, msg), ==, CE_ERR_INVALID_ARG);
  g_assert_nonnull (strstr (msg, "continues row 3"));
  ce_decoder_free (dec);
  ce_model_free (model);
}

/* ---- model files ---------------------------------------------------------------- */

static char *
tmp_path (const char *name)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("copyist-model-XXXXXX", &error);
  g_assert_no_error (error);
  char *path = g_build_filename (dir, name, NULL);
  g_free (dir);
  return path;
}

static void
remove_tmp (char *path)
{
  char *dir = g_path_get_dirname (path);
  g_unlink (path);
  g_rmdir (dir);
  g_free (dir);
  g_free (path);
}

static void
decode_two_steps (CeModel *model, float *lp)
{
  OverfitSet set;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  overfit_set (&set);
  CeBatch src = { 2, OV_S, 0, set.src, set.fld, NULL };
  CeDecoder *dec = ce_decoder_new (model, 2, &st, msg);
  int32_t rows[2] = { 0, 1 }, prev[2] = { CE_TOK_BOS, CE_TOK_BOS }, next[2] = { 10, 21 };
  g_assert_cmpint (ce_decoder_start (dec, &src, rows, 2, CE_LATENT_MEAN, NULL, msg), ==, CE_OK);
  g_assert_cmpint (ce_decoder_step (dec, prev, lp, msg), ==, CE_OK);
  g_assert_cmpint (ce_decoder_step (dec, next, lp + 2 * OV_V, msg), ==, CE_OK);
  ce_decoder_free (dec);
}

static void
test_save_load (void)
{
  CeModelConfig cfg;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  small_config (&cfg, CE_MODEL_CVAE);
  CeModel *model = ce_model_new (&cfg, 11, &st, msg);
  train_k (model, 2);

  const char *vocab_items[OV_V];
  char names[OV_V][8];
  for (int i = 0; i < OV_V; i++)
    {
      g_snprintf (names[i], sizeof names[i], "w%d", i);
      vocab_items[i] = names[i];
    }
  const char *meta_items[] = { "lang=en", "epochs=2" };
  CeStringList lists[2] = { { "vocab", OV_V, vocab_items }, { "meta", 2, meta_items } };
  char *path = tmp_path ("m.cpmodel");
  st = ce_model_save (model, path, lists, 2, msg);
  g_assert_cmpint (st, ==, CE_OK);

  CeStringList *got = NULL;
  int n_got = 0;
  CeModel *loaded = ce_model_load (path, &got, &n_got, &st, msg);
  if (!loaded)
    g_error ("%s", msg);
  g_assert_cmpint (n_got, ==, 2);
  g_assert_cmpstr (got[0].name, ==, "vocab");
  g_assert_cmpint (got[0].n, ==, OV_V);
  g_assert_cmpstr (got[0].items[17], ==, "w17");
  g_assert_cmpstr (got[1].items[1], ==, "epochs=2");
  g_assert_true (memcmp (ce_model_get_config (loaded), ce_model_get_config (model),
                         sizeof cfg) == 0);
  g_assert_cmpuint (ce_model_n_params (loaded), ==, ce_model_n_params (model));

  float a[4 * OV_V], b[4 * OV_V];
  decode_two_steps (model, a);
  decode_two_steps (loaded, b);
  g_assert_true (memcmp (a, b, sizeof a) == 0);

  ce_string_lists_free (got, n_got);
  ce_model_free (loaded);
  remove_tmp (path);
  ce_model_free (model);
}

/* A file whose tensors do not match its config, or whose vocabulary list
 * has the wrong length, is refused with a message naming the problem. */
static void
test_load_rejects (void)
{
  CeModelConfig cfg;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  small_config (&cfg, CE_MODEL_S2S);
  CeModel *model = ce_model_new (&cfg, 11, &st, msg);
  char *path = tmp_path ("m.cpmodel");
  g_assert_cmpint (ce_model_save (model, path, NULL, 0, msg), ==, CE_OK);

  /* same tensors, config claiming hidden 34 */
  CeCheckpoint *ck = ce_checkpoint_read (path, &st, msg);
  g_assert_nonnull (ck);
  size_t size;
  const uint8_t *blob = ce_checkpoint_config (ck, &size);
  uint8_t *cfg2 = g_memdup2 (blob, size);
  cfg2[24] = 34;   /* hidden: 7th u32, little-endian */
  CeCkptTensor views[CE_MAX_TENSORS];
  ce_model_tensor_views (model, views);
  char *bad = tmp_path ("bad.cpmodel");
  st = ce_checkpoint_write (bad, ce_checkpoint_kind_tag (ck), cfg2, size, NULL, 0,
                            views, model->table.n, msg);
  g_assert_cmpint (st, ==, CE_OK);
  CeModel *m2 = ce_model_load (bad, NULL, NULL, &st, msg);
  g_assert_null (m2);
  g_assert_cmpint (st, ==, CE_ERR_FORMAT);
  g_test_message ("shape mismatch: %s", msg);
  g_assert_nonnull (strstr (msg, "enc_fwd.Wx"));

  /* The largest network the config check allows, from a file of a few
   * KB: refused before anything is allocated for it (the loader used to
   * allocate the network first: gigabytes). */
  cfg2[24] = 0x00;   /* hidden 8192 */
  cfg2[25] = 0x20;
  st = ce_checkpoint_write (bad, ce_checkpoint_kind_tag (ck), cfg2, size, NULL, 0,
                            views, model->table.n, msg);
  g_assert_cmpint (st, ==, CE_OK);
  m2 = ce_model_load (bad, NULL, NULL, &st, msg);
  g_assert_null (m2);
  g_assert_cmpint (st, ==, CE_ERR_FORMAT);
  g_test_message ("config larger than the file: %s", msg);
  g_assert_nonnull (strstr (msg, "holds only"));
  cfg2[25] = 0;

  /* absurd config value */
  cfg2[24] = 7;   /* odd hidden size */
  st = ce_checkpoint_write (bad, ce_checkpoint_kind_tag (ck), cfg2, size, NULL, 0,
                            views, model->table.n, msg);
  m2 = ce_model_load (bad, NULL, NULL, &st, msg);
  g_assert_null (m2);
  g_assert_nonnull (strstr (msg, "hidden"));

  /* vocabulary list of the wrong length */
  const char *items[] = { "a", "b" };
  CeStringList vocab = { "vocab", 2, items };
  g_assert_cmpint (ce_model_save (model, bad, &vocab, 1, msg), ==, CE_OK);
  m2 = ce_model_load (bad, NULL, NULL, &st, msg);
  g_assert_null (m2);
  g_assert_cmpint (st, ==, CE_ERR_FORMAT);
  g_assert_nonnull (strstr (msg, "vocabulary list has 2 entries"));

  g_free (cfg2);
  ce_checkpoint_free (ck);
  remove_tmp (bad);
  remove_tmp (path);
  ce_model_free (model);
}

/* ---- bad input and numeric failure ------------------------------------------------ */

static void
test_bad_batch (void)
{
  CeModelConfig cfg;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  tiny_config (&cfg, CE_MODEL_S2S, 1);
  CeModel *model = ce_model_new (&cfg, 1, &st, msg);
  const int32_t src[] = { 5, -1, 6, -1, -1, -1 }, fld[] = { 0, 0, 0, 0, 0, 0 };
  const int32_t tgt[] = { 5, 3, 5, 3 };
  CeBatch b = { 2, 3, 2, src, fld, tgt };
  st = ce_model_train_step (model, &b, NULL, NULL, msg);
  g_assert_cmpint (st, ==, CE_ERR_INVALID_ARG);
  g_assert_nonnull (strstr (msg, "row 0, position 2: token after padding"));
  const int32_t src2[] = { 5, 6, 7, -1, -1, -1 };
  b.src = src2;
  st = ce_model_train_step (model, &b, NULL, NULL, msg);
  g_assert_nonnull (strstr (msg, "row 1 has no tokens"));
  const int32_t src3[] = { 5, 6, 12, 4, -1, -1 };
  b.src = src3;
  st = ce_model_train_step (model, &b, NULL, NULL, msg);
  g_assert_nonnull (strstr (msg, "token id 12 outside the vocabulary"));

  /* S2S ignores a latent size */
  cfg.latent = 16;
  CeModel *s2s = ce_model_new (&cfg, 1, &st, msg);
  g_assert_nonnull (s2s);
  g_assert_cmpint (ce_model_get_config (s2s)->latent, ==, 0);
  ce_model_free (s2s);

  cfg.hidden = 7;
  g_assert_null (ce_model_new (&cfg, 1, &st, msg));
  g_assert_cmpint (st, ==, CE_ERR_INVALID_ARG);
  g_assert_nonnull (strstr (msg, "hidden is 7"));
  ce_model_free (model);
}

static void
test_numeric_error (void)
{
  CeModelConfig cfg;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  tiny_config (&cfg, CE_MODEL_S2S, 1);
  CeModel *model = ce_model_new (&cfg, 1, &st, msg);
  model->p.out_b[3] = INFINITY;
  float *before = g_memdup2 (model->params, model->table.total * sizeof (float));
  CeBatch b = tiny_batch ();
  st = ce_model_train_step (model, &b, NULL, NULL, msg);
  g_assert_cmpint (st, ==, CE_ERR_NUMERIC);
  g_assert_nonnull (strstr (msg, "not finite"));
  g_assert_true (memcmp (before, model->params, model->table.total * sizeof (float)) == 0);
  g_free (before);
  ce_model_free (model);
}

/* ---- optimiser ----------------------------------------------------------------------- */

static void
test_adam (void)
{
  float p[3] = { 1.0f, -2.0f, 0.5f }, g[3] = { 0.1f, -0.2f, 0.0f };
  float m[3] = { 0 }, v[3] = { 0 };
  /* first step of Adam moves every weight with a gradient by ~lr */
  ce_adam_update (p, g, m, v, 0, 3, 1, 0.01f, 0.9f, 0.999f, 1e-8f, 0.0f);
  g_assert_cmpfloat_with_epsilon (p[0], 1.0f - 0.01f, 1e-6);
  g_assert_cmpfloat_with_epsilon (p[1], -2.0f + 0.01f, 1e-6);
  g_assert_cmpfloat (p[2], ==, 0.5f);
  /* second step by hand */
  double m0 = 0.9 * 0.01 + 0.1 * 0.1, v0 = 0.999 * 0.00001 + 0.001 * 0.01;
  double expect = p[0] - 0.01 * (m0 / (1 - 0.81)) / (sqrt (v0 / (1 - 0.999 * 0.999)) + 1e-8);
  ce_adam_update (p, g, m, v, 0, 3, 2, 0.01f, 0.9f, 0.999f, 1e-8f, 0.0f);
  g_assert_cmpfloat_with_epsilon (p[0], expect, 1e-6);
  /* decoupled weight decay shrinks a weight without gradient */
  ce_adam_update (p, g, m, v, 2, 3, 3, 0.1f, 0.9f, 0.999f, 1e-8f, 0.5f);
  g_assert_cmpfloat_with_epsilon (p[2], 0.5f * (1.0f - 0.05f), 1e-6);

  float gc[4] = { 3.0f, 4.0f, 0.0f, 0.0f };
  g_assert_cmpfloat_with_epsilon (ce_grad_clip (gc, 0, 4, 1.0f), 5.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (gc[0], 0.6f, 1e-6);
  g_assert_cmpfloat_with_epsilon (ce_grad_norm (gc, 0, 4), 1.0, 1e-6);
  gc[2] = NAN;
  g_assert_false (ce_all_finite (gc, 0, 4));
  g_assert_true (ce_all_finite (gc, 0, 2));

  g_assert_cmpfloat_with_epsilon (ce_lr_schedule (1.0f, 0, 10, 110), 0.1f, 1e-6);
  g_assert_cmpfloat_with_epsilon (ce_lr_schedule (1.0f, 9, 10, 110), 1.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (ce_lr_schedule (1.0f, 60, 10, 110), 0.55f, 1e-5);
  g_assert_cmpfloat_with_epsilon (ce_lr_schedule (1.0f, 110, 10, 110), 0.1f, 1e-6);
  g_assert_cmpfloat_with_epsilon (ce_lr_schedule (1.0f, 500, 10, 110), 0.1f, 1e-6);
  g_assert_cmpfloat_with_epsilon (ce_lr_schedule (2.0f, 50, 0, 0), 2.0f, 1e-6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ce_blas_set_threads (1);
  g_test_add_func ("/engine/model/gradcheck/s2s-copy", test_gradcheck_s2s_copy);
  g_test_add_func ("/engine/model/gradcheck/s2s-label-smoothing", test_gradcheck_s2s_smoothing);
  g_test_add_func ("/engine/model/gradcheck/cvae", test_gradcheck_cvae);
  g_test_add_func ("/engine/model/gradcheck/arae", test_gradcheck_arae);
  g_test_add_func ("/engine/model/gradcheck/arae-encoder-term", test_gradcheck_arae_encoder_term);
  g_test_add_func ("/engine/model/arae/encoder-term", test_arae_encoder_term);
  g_test_add_func ("/engine/model/gradcheck/arae-code-noise", test_gradcheck_arae_code_noise);
  g_test_add_func ("/engine/model/arae/code-noise", test_arae_code_noise);
  g_test_add_func ("/engine/model/arae/decoder-code", test_arae_decoder_code);
  g_test_add_func ("/engine/model/arae/skip", test_arae_skip);
  g_test_add_func ("/engine/model/gradcheck/cvae-dropout", test_gradcheck_cvae_dropout);
  g_test_add_func ("/engine/model/gradcheck/parts", test_gradcheck_parts);
  g_test_add_func ("/engine/model/overfit/s2s", test_overfit_s2s);
  g_test_add_func ("/engine/model/overfit/cvae", test_overfit_cvae);
  g_test_add_func ("/engine/model/arae/trains", test_arae_trains);
  g_test_add_func ("/engine/model/same-seed", test_same_seed);
  g_test_add_func ("/engine/model/two-threads", test_two_threads);
  g_test_add_func ("/engine/model/threads-same-weights", test_threads_same_weights);
  g_test_add_func ("/engine/model/batch-shapes", test_batch_shapes);
  g_test_add_func ("/engine/model/decoder/matches-training", test_decoder_matches_training);
  g_test_add_func ("/engine/model/decoder/matches-training-cvae",
                   test_decoder_matches_training_cvae);
  g_test_add_func ("/engine/model/decoder/reorder", test_decoder_reorder);
  g_test_add_func ("/engine/model/file/round-trip", test_save_load);
  g_test_add_func ("/engine/model/file/rejects", test_load_rejects);
  g_test_add_func ("/engine/model/bad-batch", test_bad_batch);
  g_test_add_func ("/engine/model/numeric-error", test_numeric_error);
  g_test_add_func ("/engine/optim/adam", test_adam);
  return g_test_run ();
}
