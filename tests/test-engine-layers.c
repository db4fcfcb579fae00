/* test-engine-layers.c — every backward in ce-layers.h against central finite
 * differences, and the optimised kernels against naive loops.
 *
 * The scalar loss is L = Σ r ⊙ output with a fixed random r (plus the layer's
 * own loss value for the loss layers), evaluated in double. For each input
 * and parameter x: numeric dL/dx_i = (L(x_i + h) − L(x_i − h)) / 2h, compared
 * with the analytic gradient. The error of a tensor is
 *   max_i |analytic_i − numeric_i| / max(max_i |numeric_i|, 1e-2)
 * and must stay under a per-layer tolerance (float32 forward passes, so
 * tolerances are ~1e-2, as ggml's test-backend-ops does for float32).
 * Every backward ACCUMULATES, so gradients start at a non-zero fill value
 * that is subtracted again before the comparison.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "ce-layers.h"

#define FILL 0.25f

typedef double (*LossFn) (void *ctx);

static float *
rnd (CeRng *rng, size_t n, float scale)
{
  float *x = g_new (float, n);
  for (size_t i = 0; i < n; i++)
    x[i] = (ce_rng_uniform (rng) * 2.0f - 1.0f) * scale;
  return x;
}

/* A gradient buffer pre-filled with FILL, to check accumulation. */
static float *
grad_buf (size_t n)
{
  float *g = g_new (float, n);
  for (size_t i = 0; i < n; i++)
    g[i] = FILL;
  return g;
}

static double
dot_r (const float *r, const float *y, size_t n)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += (double) r[i] * y[i];
  return s;
}

/* Compares GRAD (accumulated on top of FILL, or not when FILLED is false)
 * with central differences of F over X (n values); returns the error. */
static double
grad_error (LossFn f, void *ctx, float *x, size_t n, const float *grad, gboolean filled, double h)
{
  double max_num = 0.0, max_diff = 0.0;

  for (size_t i = 0; i < n; i++)
    {
      float save = x[i];
      x[i] = save + (float) h;
      double lp = f (ctx);
      x[i] = save - (float) h;
      double lm = f (ctx);
      x[i] = save;
      double num = (lp - lm) / (2.0 * h);
      double ana = grad[i] - (filled ? FILL : 0.0f);
      max_num = fmax (max_num, fabs (num));
      max_diff = fmax (max_diff, fabs (ana - num));
    }
  return max_diff / fmax (max_num, 1e-2);
}

static void
check_grad (const char *what, LossFn f, void *ctx, float *x, size_t n, const float *grad,
            double h, double tol)
{
  double err = grad_error (f, ctx, x, n, grad, TRUE, h);
  g_test_message ("%s: relative error %.2e (tolerance %.0e)", what, err, tol);
  if (err > tol)
    g_test_fail_printf ("%s: gradient error %.3e exceeds %.0e", what, err, tol);
}

/* The gradient is not trivially zero (a check that cannot fail is no check). */
static void
assert_nonzero (const char *what, const float *grad, size_t n)
{
  double m = 0.0;
  for (size_t i = 0; i < n; i++)
    m = fmax (m, fabs (grad[i] - FILL));
  if (m < 1e-6)
    g_test_fail_printf ("%s: gradient is zero everywhere", what);
}

/* ---- linear -------------------------------------------------------------- */

typedef struct {
  int N, I, O;
  float *x, *W, *b, *y, *r;
} LinearCtx;

static double
linear_loss (void *p)
{
  LinearCtx *c = p;
  ce_linear_forward (c->y, c->x, c->W, c->b, c->N, c->I, c->O);
  return dot_r (c->r, c->y, (size_t) c->N * c->O);
}

static void
run_linear (int N, int I, int O)
{
  CeRng rng;
  LinearCtx c = { N, I, O, NULL, NULL, NULL, NULL, NULL };

  ce_rng_seed (&rng, 11 + N);
  c.x = rnd (&rng, (size_t) N * I, 1.0f);
  c.W = rnd (&rng, (size_t) O * I, 0.5f);
  c.b = rnd (&rng, O, 0.5f);
  c.r = rnd (&rng, (size_t) N * O, 1.0f);
  c.y = g_new (float, (size_t) N * O);

  float *dx = grad_buf ((size_t) N * I), *dW = grad_buf ((size_t) O * I), *db = grad_buf (O);
  linear_loss (&c);
  ce_linear_backward (dx, dW, db, c.r, c.x, c.W, N, I, O);
  assert_nonzero ("linear dx", dx, (size_t) N * I);
  check_grad ("linear dx", linear_loss, &c, c.x, (size_t) N * I, dx, 1e-2, 2e-3);
  check_grad ("linear dW", linear_loss, &c, c.W, (size_t) O * I, dW, 1e-2, 2e-3);
  check_grad ("linear db", linear_loss, &c, c.b, O, db, 1e-2, 2e-3);

  g_free (c.x); g_free (c.W); g_free (c.b); g_free (c.r); g_free (c.y);
  g_free (dx); g_free (dW); g_free (db);
}

static void
test_linear_backward (void)
{
  run_linear (3, 5, 4);
  run_linear (1, 6, 7); /* the gemv path */
}

/* ---- embedding ------------------------------------------------------------ */

typedef struct {
  int N, E;
  const int32_t *ids;
  float *table, *out, *r;
} EmbCtx;

static double
emb_loss (void *p)
{
  EmbCtx *c = p;
  ce_embedding_forward (c->out, c->ids, c->table, c->N, c->E);
  return dot_r (c->r, c->out, (size_t) c->N * c->E);
}

static void
test_embedding_backward (void)
{
  static const int32_t ids[] = { 2, 0, -1, 2, 4 };
  const int V = 6, E = 3, N = G_N_ELEMENTS (ids);
  CeRng rng;
  EmbCtx c = { N, E, ids, NULL, NULL, NULL };

  ce_rng_seed (&rng, 5);
  c.table = rnd (&rng, (size_t) V * E, 1.0f);
  c.r = rnd (&rng, (size_t) N * E, 1.0f);
  c.out = g_new (float, (size_t) N * E);
  float *dt = grad_buf ((size_t) V * E);

  emb_loss (&c);
  for (int e = 0; e < E; e++)
    g_assert_cmpfloat (c.out[2 * E + e], ==, 0.0f); /* id -1: zero row */
  ce_embedding_backward (dt, c.r, ids, N, E);
  assert_nonzero ("embedding dtable", dt, (size_t) V * E);
  check_grad ("embedding dtable", emb_loss, &c, c.table, (size_t) V * E, dt, 1e-2, 1e-3);
  /* row 1 (never used) got nothing */
  for (int e = 0; e < E; e++)
    g_assert_cmpfloat (dt[1 * E + e], ==, FILL);

  g_free (c.table); g_free (c.r); g_free (c.out); g_free (dt);
}

/* ---- activations and the dense block -------------------------------------- */

typedef struct {
  CeActivation act;
  size_t n;
  float *x, *y, *r;
} ActCtx;

static double
act_loss (void *p)
{
  ActCtx *c = p;
  ce_act_forward (c->act, c->y, c->x, c->n);
  return dot_r (c->r, c->y, c->n);
}

static const char *act_names[] = { "identity", "relu", "leaky_relu", "tanh", "sigmoid" };

static void
test_activation_backward (void)
{
  CeRng rng;
  const size_t n = 24;

  ce_rng_seed (&rng, 9);
  for (int a = CE_ACT_IDENTITY; a <= CE_ACT_SIGMOID; a++)
    {
      ActCtx c = { (CeActivation) a, n, rnd (&rng, n, 2.0f), g_new (float, n), rnd (&rng, n, 1.0f) };
      /* keep away from the kink at 0 so the central difference is exact */
      for (size_t i = 0; i < n; i++)
        if (fabsf (c.x[i]) < 0.05f)
          c.x[i] = 0.3f;
      float *dx = grad_buf (n);
      char name[64];

      act_loss (&c);
      ce_act_backward (c.act, dx, c.r, c.y, n);
      g_snprintf (name, sizeof name, "act %s dx", act_names[a]);
      assert_nonzero (name, dx, n);
      check_grad (name, act_loss, &c, c.x, n, dx, 1e-2, 2e-3);

      /* in place forward gives the same */
      act_loss (&c);
      float *inplace = g_memdup2 (c.x, n * sizeof (float));
      ce_act_forward (c.act, inplace, inplace, n);
      for (size_t i = 0; i < n; i++)
        g_assert_cmpfloat (inplace[i], ==, c.y[i]);
      g_free (inplace);
      g_free (c.x); g_free (c.y); g_free (c.r); g_free (dx);
    }
}

typedef struct {
  CeActivation act;
  int N, I, O;
  float *x, *W, *b, *y, *r;
} DenseCtx;

static double
dense_loss (void *p)
{
  DenseCtx *c = p;
  ce_dense_forward (c->y, c->x, c->W, c->b, c->act, c->N, c->I, c->O);
  return dot_r (c->r, c->y, (size_t) c->N * c->O);
}

static void
test_dense_backward (void)
{
  static const CeActivation acts[] = { CE_ACT_RELU, CE_ACT_LEAKY_RELU, CE_ACT_TANH };
  const int N = 3, I = 5, O = 4;
  CeRng rng;

  ce_rng_seed (&rng, 21);
  for (gsize k = 0; k < G_N_ELEMENTS (acts); k++)
    {
      DenseCtx c = { acts[k], N, I, O, rnd (&rng, (size_t) N * I, 1.0f), rnd (&rng, (size_t) O * I, 0.7f),
                     rnd (&rng, O, 0.5f), g_new (float, (size_t) N * O), rnd (&rng, (size_t) N * O, 1.0f) };
      float *dx = grad_buf ((size_t) N * I), *dW = grad_buf ((size_t) O * I), *db = grad_buf (O);
      float *scratch = g_new (float, (size_t) N * O);
      char name[64];

      dense_loss (&c);
      /* pre-activations near a kink make the difference quotient lie; move away */
      for (int i = 0; i < N * O; i++)
        if (fabsf (c.y[i]) < 0.03f)
          c.b[i % O] += 0.1f;
      dense_loss (&c);
      ce_dense_backward (dx, dW, db, c.r, c.x, c.y, c.W, c.act, N, I, O, scratch);
      g_snprintf (name, sizeof name, "dense %s dx", act_names[acts[k]]);
      assert_nonzero (name, dx, (size_t) N * I);
      check_grad (name, dense_loss, &c, c.x, (size_t) N * I, dx, 1e-3, 2e-3);
      g_snprintf (name, sizeof name, "dense %s dW", act_names[acts[k]]);
      check_grad (name, dense_loss, &c, c.W, (size_t) O * I, dW, 1e-3, 2e-3);
      g_snprintf (name, sizeof name, "dense %s db", act_names[acts[k]]);
      check_grad (name, dense_loss, &c, c.b, O, db, 1e-3, 2e-3);

      g_free (c.x); g_free (c.W); g_free (c.b); g_free (c.y); g_free (c.r);
      g_free (dx); g_free (dW); g_free (db); g_free (scratch);
    }
}

/* ---- GRU step ---------------------------------------------------------- */

typedef struct {
  int B, H;
  float *gx, *h_prev, *Wh, *bh, *h_out, *cache, *scratch, *r;
  gboolean no_h;
} GruStepCtx;

static double
gru_step_loss (void *p)
{
  GruStepCtx *c = p;
  ce_gru_step_forward (c->h_out, c->cache, c->gx, c->no_h ? NULL : c->h_prev, c->Wh, c->bh,
                       c->B, c->H, c->scratch);
  return dot_r (c->r, c->h_out, (size_t) c->B * c->H);
}

static void
run_gru_step (int B, int H, gboolean no_h)
{
  CeRng rng;
  const size_t G = (size_t) 3 * H;
  GruStepCtx c = { B, H, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, no_h };

  ce_rng_seed (&rng, 31 + B + no_h);
  c.gx = rnd (&rng, B * G, 1.0f);
  c.h_prev = rnd (&rng, (size_t) B * H, 1.0f);
  c.Wh = rnd (&rng, G * H, 0.6f);
  c.bh = rnd (&rng, G, 0.5f);
  c.r = rnd (&rng, (size_t) B * H, 1.0f);
  c.h_out = g_new (float, (size_t) B * H);
  c.cache = g_new (float, (size_t) B * 4 * H);
  c.scratch = g_new (float, B * G);

  float *dgx = g_new (float, B * G), *dh = grad_buf ((size_t) B * H);
  float *dWh = grad_buf (G * H), *dbh = grad_buf (G), *bscratch = g_new (float, B * G);

  gru_step_loss (&c);
  ce_gru_step_backward (dgx, no_h ? NULL : dh, dWh, dbh, c.r, c.cache, no_h ? NULL : c.h_prev,
                        c.Wh, B, H, bscratch);
  /* dgx is WRITTEN, not accumulated */
  if (grad_error (gru_step_loss, &c, c.gx, B * G, dgx, FALSE, 1e-2) > 2e-3)
    g_test_fail_printf ("gru step dgx wrong (no_h=%d)", no_h);
  check_grad ("gru step dbh", gru_step_loss, &c, c.bh, G, dbh, 1e-2, 2e-3);
  assert_nonzero ("gru step dbh", dbh, G);
  if (!no_h)
    {
      assert_nonzero ("gru step dh_prev", dh, (size_t) B * H);
      check_grad ("gru step dh_prev", gru_step_loss, &c, c.h_prev, (size_t) B * H, dh, 1e-2, 2e-3);
      check_grad ("gru step dWh", gru_step_loss, &c, c.Wh, G * H, dWh, 1e-2, 2e-3);
    }
  else
    for (size_t i = 0; i < G * H; i++)
      g_assert_cmpfloat (dWh[i], ==, FILL); /* zero state: no recurrent weight gradient */

  g_free (c.gx); g_free (c.h_prev); g_free (c.Wh); g_free (c.bh); g_free (c.r);
  g_free (c.h_out); g_free (c.cache); g_free (c.scratch);
  g_free (dgx); g_free (dh); g_free (dWh); g_free (dbh); g_free (bscratch);
}

static void
test_gru_step_backward (void)
{
  run_gru_step (3, 5, FALSE);
  run_gru_step (1, 4, FALSE); /* gemv path */
  run_gru_step (2, 3, TRUE);  /* h_prev NULL = zeros */
}

/* ---- GRU sequence with lengths ----------------------------------------------- */

typedef struct {
  int T, B, I, H;
  const int32_t *lengths;
  gboolean no_h0;
  float *xs, *h0, *Wx, *bx, *Wh, *bh, *hs, *gx_all, *cache, *scratch, *r;
} GruSeqCtx;

static double
gru_seq_loss (void *p)
{
  GruSeqCtx *c = p;
  ce_gru_forward (c->hs, c->gx_all, c->cache, c->xs, c->no_h0 ? NULL : c->h0, c->Wx, c->bx, c->Wh, c->bh,
                  c->lengths, c->T, c->B, c->I, c->H, c->scratch);
  return dot_r (c->r, c->hs, (size_t) c->T * c->B * c->H);
}

static void
run_gru_seq (const int32_t *lengths, gboolean no_h0)
{
  const int T = 4, B = 4, I = 3, H = 5;
  const size_t G = 3 * H, nhs = (size_t) T * B * H, nxs = (size_t) T * B * I;
  CeRng rng;
  GruSeqCtx c = { T, B, I, H, lengths, no_h0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL };

  ce_rng_seed (&rng, 77 + no_h0);
  c.xs = rnd (&rng, nxs, 1.0f);
  c.h0 = rnd (&rng, (size_t) B * H, 1.0f);
  c.Wx = rnd (&rng, G * I, 0.6f);
  c.bx = rnd (&rng, G, 0.3f);
  c.Wh = rnd (&rng, G * H, 0.5f);
  c.bh = rnd (&rng, G, 0.3f);
  c.r = rnd (&rng, nhs, 1.0f);
  c.hs = g_new (float, nhs);
  c.gx_all = g_new (float, (size_t) T * B * G);
  c.cache = g_new (float, (size_t) T * B * 4 * H);
  c.scratch = g_new (float, (size_t) B * G);

  float *dxs = grad_buf (nxs), *dh0 = grad_buf ((size_t) B * H), *dWx = grad_buf (G * I);
  float *dbx = grad_buf (G), *dWh = grad_buf (G * H), *dbh = grad_buf (G);
  float *dhs = g_memdup2 (c.r, nhs * sizeof (float));
  float *dgx_all = g_new (float, (size_t) T * B * G), *bscratch = g_new (float, (size_t) B * (G + H));

  gru_seq_loss (&c);
  /* padding does not move the state */
  if (lengths)
    for (int t = 0; t < T; t++)
      for (int b = 0; b < B; b++)
        if (t >= lengths[b])
          for (int j = 0; j < H; j++)
            {
              float prev = t > 0 ? c.hs[((size_t) (t - 1) * B + b) * H + j] : (no_h0 ? 0.0f : c.h0[b * H + j]);
              g_assert_cmpfloat (c.hs[((size_t) t * B + b) * H + j], ==, prev);
            }

  ce_gru_backward (dxs, no_h0 ? NULL : dh0, dWx, dbx, dWh, dbh, dhs, dgx_all, c.hs, c.cache, c.xs,
                   no_h0 ? NULL : c.h0, c.Wx, c.Wh, lengths, T, B, I, H, bscratch);

  assert_nonzero ("gru seq dxs", dxs, nxs);
  check_grad ("gru seq dxs", gru_seq_loss, &c, c.xs, nxs, dxs, 1e-2, 2e-3);
  check_grad ("gru seq dWx", gru_seq_loss, &c, c.Wx, G * I, dWx, 1e-2, 2e-3);
  check_grad ("gru seq dbx", gru_seq_loss, &c, c.bx, G, dbx, 1e-2, 2e-3);
  check_grad ("gru seq dWh", gru_seq_loss, &c, c.Wh, G * H, dWh, 1e-2, 2e-3);
  check_grad ("gru seq dbh", gru_seq_loss, &c, c.bh, G, dbh, 1e-2, 2e-3);
  if (!no_h0)
    {
      assert_nonzero ("gru seq dh0", dh0, (size_t) B * H);
      check_grad ("gru seq dh0", gru_seq_loss, &c, c.h0, (size_t) B * H, dh0, 1e-2, 2e-3);
    }
  /* padded inputs get exactly zero gradient */
  if (lengths)
    for (int t = 0; t < T; t++)
      for (int b = 0; b < B; b++)
        if (t >= lengths[b])
          for (int i = 0; i < I; i++)
            g_assert_cmpfloat (dxs[((size_t) t * B + b) * I + i], ==, FILL);

  g_free (c.xs); g_free (c.h0); g_free (c.Wx); g_free (c.bx); g_free (c.Wh); g_free (c.bh);
  g_free (c.r); g_free (c.hs); g_free (c.gx_all); g_free (c.cache); g_free (c.scratch);
  g_free (dxs); g_free (dh0); g_free (dWx); g_free (dbx); g_free (dWh); g_free (dbh);
  g_free (dhs); g_free (dgx_all); g_free (bscratch);
}

static void
test_gru_backward (void)
{
  static const int32_t lengths[] = { 4, 2, 0, 3 };
  run_gru_seq (NULL, FALSE);
  run_gru_seq (lengths, FALSE);
  run_gru_seq (lengths, TRUE);
}

/* Naive GRU step, straight from the equations, in double. */
static void
naive_gru_step (float *h_out, const float *gx, const float *h_prev, const float *Wh, const float *bh,
                int B, int H)
{
  for (int b = 0; b < B; b++)
    for (int j = 0; j < H; j++)
      {
        double gh[3];
        for (int g = 0; g < 3; g++)
          {
            gh[g] = bh[g * H + j];
            for (int k = 0; k < H; k++)
              gh[g] += (double) Wh[(size_t) (g * H + j) * H + k] * h_prev[b * H + k];
          }
        const float *x = gx + (size_t) b * 3 * H;
        double r = 1.0 / (1.0 + exp (-(x[j] + gh[0])));
        double z = 1.0 / (1.0 + exp (-(x[H + j] + gh[1])));
        double n = tanh (x[2 * H + j] + r * gh[2]);
        h_out[b * H + j] = (float) ((1.0 - z) * n + z * h_prev[b * H + j]);
      }
}

static void
test_gru_step_reference (void)
{
  static const int shapes[][2] = { { 1, 16 }, { 3, 5 }, { 64, 32 } };
  CeRng rng;

  ce_rng_seed (&rng, 3);
  for (gsize s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      int B = shapes[s][0], H = shapes[s][1];
      size_t G = 3 * (size_t) H;
      float *gx = rnd (&rng, B * G, 1.0f), *hp = rnd (&rng, (size_t) B * H, 1.0f);
      float *Wh = rnd (&rng, G * H, 0.3f), *bh = rnd (&rng, G, 0.3f);
      float *h1 = g_new (float, (size_t) B * H), *h2 = g_new (float, (size_t) B * H);
      float *cache = g_new (float, (size_t) B * 4 * H), *scratch = g_new (float, B * G);

      ce_gru_step_forward (h1, cache, gx, hp, Wh, bh, B, H, scratch);
      naive_gru_step (h2, gx, hp, Wh, bh, B, H);
      for (int i = 0; i < B * H; i++)
        g_assert_cmpfloat_with_epsilon (h1[i], h2[i], 1e-5);
      g_free (gx); g_free (hp); g_free (Wh); g_free (bh); g_free (h1); g_free (h2);
      g_free (cache); g_free (scratch);
    }
}

/* ---- attention ------------------------------------------------------------ */

typedef struct {
  int B, S, H, A, D;
  const uint8_t *mask;
  float *q, *keys, *enc, *Wq, *v, *ctx, *attn, *pre, *scratch, *r_ctx, *r_attn;
} AttnCtx;

static double
attn_loss (void *p)
{
  AttnCtx *c = p;
  ce_attention_forward (c->ctx, c->attn, c->pre, c->q, c->keys, c->enc, c->mask, c->Wq, c->v,
                        c->B, c->S, c->H, c->A, c->D, c->scratch);
  return dot_r (c->r_ctx, c->ctx, (size_t) c->B * c->D)
         + (c->r_attn ? dot_r (c->r_attn, c->attn, (size_t) c->B * c->S) : 0.0);
}

static void
run_attention (gboolean extra, const uint8_t *mask)
{
  const int B = 3, S = 4, H = 5, A = 6, D = 4;
  CeRng rng;
  AttnCtx c = { B, S, H, A, D, mask, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
  const size_t nk = (size_t) B * S * A, ne = (size_t) B * S * D;

  ce_rng_seed (&rng, 101 + extra);
  c.q = rnd (&rng, (size_t) B * H, 1.0f);
  c.keys = rnd (&rng, nk, 1.0f);
  c.enc = rnd (&rng, ne, 1.0f);
  c.Wq = rnd (&rng, (size_t) A * H, 0.7f);
  c.v = rnd (&rng, A, 1.0f);
  c.ctx = g_new (float, (size_t) B * D);
  c.attn = g_new (float, (size_t) B * S);
  c.pre = g_new (float, nk);
  c.scratch = g_new (float, (size_t) B * A);
  c.r_ctx = rnd (&rng, (size_t) B * D, 1.0f);
  c.r_attn = extra ? rnd (&rng, (size_t) B * S, 1.0f) : NULL;

  float *dq = grad_buf ((size_t) B * H), *dkeys = grad_buf (nk), *denc = grad_buf (ne);
  float *dWq = grad_buf ((size_t) A * H), *dv = grad_buf (A);
  float *bscratch = g_new (float, (size_t) B * (S + A));

  attn_loss (&c);
  for (int b = 0; b < B; b++)
    {
      double sum = 0.0;
      for (int s = 0; s < S; s++)
        {
          if (mask && !mask[b * S + s])
            g_assert_cmpfloat (c.attn[b * S + s], ==, 0.0f);
          sum += c.attn[b * S + s];
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
    }

  ce_attention_backward (dq, dkeys, denc, dWq, dv, c.r_ctx, c.r_attn, c.attn, c.pre, c.q, c.enc,
                         mask, c.Wq, c.v, B, S, H, A, D, bscratch);
  assert_nonzero ("attention dq", dq, (size_t) B * H);
  check_grad ("attention dq", attn_loss, &c, c.q, (size_t) B * H, dq, 1e-2, 2e-3);
  check_grad ("attention dkeys", attn_loss, &c, c.keys, nk, dkeys, 1e-2, 2e-3);
  check_grad ("attention denc", attn_loss, &c, c.enc, ne, denc, 1e-2, 2e-3);
  check_grad ("attention dWq", attn_loss, &c, c.Wq, (size_t) A * H, dWq, 1e-2, 2e-3);
  check_grad ("attention dv", attn_loss, &c, c.v, A, dv, 1e-2, 2e-3);
  if (mask)
    for (int b = 0; b < B; b++)
      for (int s = 0; s < S; s++)
        if (!mask[b * S + s])
          {
            for (int i = 0; i < A; i++)
              g_assert_cmpfloat (dkeys[((size_t) b * S + s) * A + i], ==, FILL);
            for (int d = 0; d < D; d++)
              g_assert_cmpfloat (denc[((size_t) b * S + s) * D + d], ==, FILL);
          }

  g_free (c.q); g_free (c.keys); g_free (c.enc); g_free (c.Wq); g_free (c.v); g_free (c.ctx);
  g_free (c.attn); g_free (c.pre); g_free (c.scratch); g_free (c.r_ctx); g_free (c.r_attn);
  g_free (dq); g_free (dkeys); g_free (denc); g_free (dWq); g_free (dv); g_free (bscratch);
}

static const uint8_t attn_mask[] = { 1, 1, 1, 1,
                                     1, 1, 0, 0,
                                     1, 0, 0, 0 };

static void
test_attention_backward (void)
{
  run_attention (FALSE, NULL);
  run_attention (FALSE, attn_mask);
  run_attention (TRUE, attn_mask); /* the copy path's extra gradient on the weights */
}

/* A row whose positions are all padding: zero weights, zero context, no
 * gradient, nothing NaN; the other rows are unaffected. */
static void
test_attention_all_masked (void)
{
  const int B = 2, S = 3, H = 4, A = 5, D = 3;
  static const uint8_t mask[] = { 1, 1, 0,
                                  0, 0, 0 };
  CeRng rng;

  ce_rng_seed (&rng, 202);
  float *q = rnd (&rng, (size_t) B * H, 1.0f), *keys = rnd (&rng, (size_t) B * S * A, 1.0f);
  float *enc = rnd (&rng, (size_t) B * S * D, 1.0f), *Wq = rnd (&rng, (size_t) A * H, 0.5f);
  float *v = rnd (&rng, A, 1.0f), *dctx = rnd (&rng, (size_t) B * D, 1.0f), *dextra = rnd (&rng, (size_t) B * S, 1.0f);
  float ctx[6], attn[6], pre[30], scratch[2 * (3 + 5)];
  float *dq = grad_buf ((size_t) B * H), *dkeys = grad_buf ((size_t) B * S * A), *denc = grad_buf ((size_t) B * S * D);
  float *dWq = grad_buf ((size_t) A * H), *dv = grad_buf (A);

  ce_attention_forward (ctx, attn, pre, q, keys, enc, mask, Wq, v, B, S, H, A, D, scratch);
  for (int s = 0; s < S; s++)
    g_assert_cmpfloat (attn[S + s], ==, 0.0f);
  for (int d = 0; d < D; d++)
    g_assert_cmpfloat (ctx[D + d], ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (attn[0] + attn[1], 1.0, 1e-6);

  ce_attention_backward (dq, dkeys, denc, dWq, dv, dctx, dextra, attn, pre, q, enc, mask, Wq, v,
                         B, S, H, A, D, scratch);
  for (int h = 0; h < H; h++)
    g_assert_cmpfloat (dq[H + h], ==, FILL);
  for (int i = 0; i < S * A; i++)
    g_assert_cmpfloat (dkeys[S * A + i], ==, FILL);
  for (int i = 0; i < S * D; i++)
    g_assert_cmpfloat (denc[S * D + i], ==, FILL);
  for (int i = 0; i < A * H; i++)
    g_assert_true (isfinite (dWq[i]));
  assert_nonzero ("attention (one row masked) dq", dq, H);

  g_free (q); g_free (keys); g_free (enc); g_free (Wq); g_free (v); g_free (dctx); g_free (dextra);
  g_free (dq); g_free (dkeys); g_free (denc); g_free (dWq); g_free (dv);
}

static void
naive_attention (float *ctx, float *attn, const float *q, const float *keys, const float *enc,
                 const uint8_t *mask, const float *Wq, const float *v, int B, int S, int H, int A, int D)
{
  for (int b = 0; b < B; b++)
    {
      double e[64], mx = -INFINITY, sum = 0.0;
      for (int s = 0; s < S; s++)
        {
          e[s] = 0.0;
          for (int i = 0; i < A; i++)
            {
              double qp = 0.0;
              for (int h = 0; h < H; h++)
                qp += (double) q[b * H + h] * Wq[i * H + h];
              e[s] += v[i] * tanh (keys[((size_t) b * S + s) * A + i] + qp);
            }
          if ((!mask || mask[b * S + s]) && e[s] > mx)
            mx = e[s];
        }
      for (int s = 0; s < S; s++)
        {
          e[s] = (!mask || mask[b * S + s]) ? exp (e[s] - mx) : 0.0;
          sum += e[s];
        }
      for (int s = 0; s < S; s++)
        attn[b * S + s] = (float) (e[s] / sum);
      for (int d = 0; d < D; d++)
        {
          double acc = 0.0;
          for (int s = 0; s < S; s++)
            acc += e[s] / sum * enc[((size_t) b * S + s) * D + d];
          ctx[b * D + d] = (float) acc;
        }
    }
}

static void
test_attention_reference (void)
{
  static const int shapes[][5] = { /* B, S, H, A, D */ { 1, 12, 32, 16, 24 }, { 4, 7, 8, 6, 5 } };
  CeRng rng;

  ce_rng_seed (&rng, 8);
  for (gsize k = 0; k < G_N_ELEMENTS (shapes); k++)
    {
      int B = shapes[k][0], S = shapes[k][1], H = shapes[k][2], A = shapes[k][3], D = shapes[k][4];
      float *q = rnd (&rng, (size_t) B * H, 1.0f), *keys = rnd (&rng, (size_t) B * S * A, 1.0f);
      float *enc = rnd (&rng, (size_t) B * S * D, 1.0f), *Wq = rnd (&rng, (size_t) A * H, 0.3f);
      float *v = rnd (&rng, A, 1.0f);
      uint8_t *mask = g_new (uint8_t, (size_t) B * S);
      float *ctx1 = g_new (float, (size_t) B * D), *ctx2 = g_new (float, (size_t) B * D);
      float *a1 = g_new (float, (size_t) B * S), *a2 = g_new (float, (size_t) B * S);
      float *pre = g_new (float, (size_t) B * S * A), *scratch = g_new (float, (size_t) B * A);

      for (int b = 0; b < B; b++)
        for (int s = 0; s < S; s++)
          mask[b * S + s] = s < S - b; /* row b has b padded positions */
      ce_attention_forward (ctx1, a1, pre, q, keys, enc, mask, Wq, v, B, S, H, A, D, scratch);
      naive_attention (ctx2, a2, q, keys, enc, mask, Wq, v, B, S, H, A, D);
      for (int i = 0; i < B * S; i++)
        g_assert_cmpfloat_with_epsilon (a1[i], a2[i], 1e-5);
      for (int i = 0; i < B * D; i++)
        g_assert_cmpfloat_with_epsilon (ctx1[i], ctx2[i], 1e-5);
      g_free (q); g_free (keys); g_free (enc); g_free (Wq); g_free (v); g_free (mask);
      g_free (ctx1); g_free (ctx2); g_free (a1); g_free (a2); g_free (pre); g_free (scratch);
    }
}

/* ---- softmax rows -------------------------------------------------------- */

static void
test_softmax_rows (void)
{
  const float x[] = { 1000.0f, 999.0f, -1000.0f, 0.0f, 1.0f, 2.0f, -3.0f, 0.5f };
  float y[8], ly[8];

  ce_softmax_rows (y, x, 2, 4);
  ce_log_softmax_rows (ly, x, 2, 4);
  for (int n = 0; n < 2; n++)
    {
      double sum = 0.0;
      for (int c = 0; c < 4; c++)
        {
          g_assert_true (isfinite (y[n * 4 + c]) && isfinite (ly[n * 4 + c]));
          sum += y[n * 4 + c];
          if (y[n * 4 + c] > 1e-30f)
            g_assert_cmpfloat_with_epsilon (logf (y[n * 4 + c]), ly[n * 4 + c], 1e-5);
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-6);
    }
  g_assert_cmpfloat_with_epsilon (y[0], 1.0 / (1.0 + exp (-1.0)), 1e-6);
  g_assert_cmpfloat_with_epsilon (ly[2], -2000.0 - log1p (exp (-1.0)), 1e-3);
}

/* ---- softmax cross-entropy ------------------------------------------------ */

typedef struct {
  int N, C;
  const int32_t *tgt;
  float ls, weight;
  float *logits, *probs;
} XentCtx;

static double
xent_loss (void *p)
{
  XentCtx *c = p;
  return ce_softmax_xent_forward_backward (NULL, c->logits, c->tgt, c->N, c->C, c->ls, c->weight, c->probs);
}

static void
run_xent (float ls)
{
  static const int32_t tgt[] = { 2, -1, 0, 5 };
  const int N = 4, C = 6;
  CeRng rng;
  XentCtx c = { N, C, tgt, ls, 0.7f, NULL, NULL };

  ce_rng_seed (&rng, 55);
  c.logits = rnd (&rng, (size_t) N * C, 2.0f);
  c.probs = g_new (float, (size_t) N * C);
  float *dl = grad_buf ((size_t) N * C);

  double loss = ce_softmax_xent_forward_backward (dl, c.logits, tgt, N, C, ls, c.weight, c.probs);
  /* naive value: −Σ q log p over non-padded rows */
  double ref = 0.0;
  for (int n = 0; n < N; n++)
    {
      if (tgt[n] < 0)
        continue;
      double mx = -INFINITY, sum = 0.0;
      for (int k = 0; k < C; k++)
        mx = fmax (mx, c.logits[n * C + k]);
      for (int k = 0; k < C; k++)
        sum += exp (c.logits[n * C + k] - mx);
      for (int k = 0; k < C; k++)
        {
          double q = (k == tgt[n] ? 1.0 - ls : 0.0) + ls / C;
          ref -= q * (c.logits[n * C + k] - mx - log (sum));
        }
    }
  g_assert_cmpfloat_with_epsilon (loss, ref * c.weight, 1e-5);
  /* the gradient is stored over what the buffer held (FILL), not added */
  for (size_t i = 0; i < (size_t) N * C; i++)
    dl[i] += FILL;
  assert_nonzero ("softmax xent dlogits", dl, (size_t) N * C);
  check_grad (ls > 0 ? "softmax xent (smoothed) dlogits" : "softmax xent dlogits",
              xent_loss, &c, c.logits, (size_t) N * C, dl, 1e-2, 2e-3);
  for (int k = 0; k < C; k++) /* the padded row: zero */
    g_assert_cmpfloat (dl[1 * C + k], ==, FILL);

  g_free (c.logits); g_free (c.probs); g_free (dl);
}

static void
test_softmax_xent_backward (void)
{
  run_xent (0.0f);
  run_xent (0.1f);
}

/* ---- copy / pointer gate ---------------------------------------------------- */

typedef struct {
  int B, S, V;
  const int32_t *src, *tgt;
  float weight;
  float *logits, *pv, *attn, *gate, *pt;
} CopyCtx;

static double
copy_loss (void *p)
{
  CopyCtx *c = p;
  ce_softmax_rows (c->pv, c->logits, c->B, c->V);
  return ce_copy_xent_forward (c->pv, c->attn, c->gate, c->src, c->tgt, c->B, c->S, c->V, c->weight, c->pt);
}

static void
test_copy_xent_backward (void)
{
  /* row 0: target 3 at two source positions; row 1: target 5 not in source;
   * row 2: padding; row 3: target 1 once, with a padded source position */
  static const int32_t src[] = { 3, 7, 3, 2,
                                 4, 4, 6, 0,
                                 1, 2, 3, 4,
                                 1, 6, 2, -1 };
  static const int32_t tgt[] = { 3, 5, -1, 1 };
  const int B = 4, S = 4, V = 8;
  CeRng rng;
  CopyCtx c = { B, S, V, src, tgt, 0.5f, NULL, NULL, NULL, NULL, NULL };

  ce_rng_seed (&rng, 66);
  c.logits = rnd (&rng, (size_t) B * V, 2.0f);
  c.pv = g_new (float, (size_t) B * V);
  c.attn = g_new (float, (size_t) B * S);
  for (int i = 0; i < B * S; i++)
    c.attn[i] = 0.05f + ce_rng_uniform (&rng) * 0.3f;
  c.gate = rnd (&rng, B, 1.5f);
  c.pt = g_new (float, B);

  float *dl = grad_buf ((size_t) B * V), *da = grad_buf ((size_t) B * S), *dg = grad_buf (B);
  double loss = copy_loss (&c);
  /* value against the formula */
  double g0 = 1.0 / (1.0 + exp (-c.gate[0]));
  double p0 = g0 * c.pv[3] + (1.0 - g0) * (c.attn[0] + c.attn[2]);
  g_assert_cmpfloat_with_epsilon (c.pt[0], p0, 1e-6);
  g_assert_true (loss > 0.0);

  ce_copy_xent_backward (dl, da, dg, c.pv, c.attn, c.gate, src, tgt, c.pt, B, S, V, c.weight);
  /* the logits' gradient is stored over what the buffer held, not added */
  for (size_t i = 0; i < (size_t) B * V; i++)
    dl[i] += FILL;
  assert_nonzero ("copy xent dlogits", dl, (size_t) B * V);
  assert_nonzero ("copy xent dattn", da, (size_t) B * S);
  check_grad ("copy xent dlogits", copy_loss, &c, c.logits, (size_t) B * V, dl, 1e-2, 2e-3);
  for (int k = 0; k < V; k++) /* the padded row: zero */
    g_assert_cmpfloat (dl[2 * V + k], ==, FILL);
  check_grad ("copy xent dattn", copy_loss, &c, c.attn, (size_t) B * S, da, 1e-3, 2e-3);
  check_grad ("copy xent dgate", copy_loss, &c, c.gate, B, dg, 1e-2, 2e-3);

  g_free (c.logits); g_free (c.pv); g_free (c.attn); g_free (c.gate); g_free (c.pt);
  g_free (dl); g_free (da); g_free (dg);
}

/* ---- reparameterisation and KL ---------------------------------------------- */

typedef struct {
  size_t n;
  float *mu, *lv, *eps, *z, *r;
} ReparamCtx;

static double
reparam_loss (void *p)
{
  ReparamCtx *c = p;
  ce_reparam_forward (c->z, c->mu, c->lv, c->eps, c->n);
  return dot_r (c->r, c->z, c->n);
}

static void
test_reparam_backward (void)
{
  const size_t n = 12;
  CeRng rng;
  ReparamCtx c;

  ce_rng_seed (&rng, 4);
  c.n = n;
  c.mu = rnd (&rng, n, 1.0f);
  c.lv = rnd (&rng, n, 1.0f);
  c.eps = g_new (float, n);
  for (size_t i = 0; i < n; i++)
    c.eps[i] = ce_rng_normal (&rng);
  c.z = g_new (float, n);
  c.r = rnd (&rng, n, 1.0f);

  float *dmu = grad_buf (n), *dlv = grad_buf (n);
  reparam_loss (&c);
  ce_reparam_backward (dmu, dlv, c.r, c.lv, c.eps, n);
  assert_nonzero ("reparam dlogvar", dlv, n);
  check_grad ("reparam dmu", reparam_loss, &c, c.mu, n, dmu, 1e-2, 1e-3);
  check_grad ("reparam dlogvar", reparam_loss, &c, c.lv, n, dlv, 1e-2, 2e-3);
  g_free (c.mu); g_free (c.lv); g_free (c.eps); g_free (c.z); g_free (c.r);
  g_free (dmu); g_free (dlv);
}

typedef struct {
  int N, Z;
  float *mq, *lq, *mp, *lp;
  gboolean std_prior;
} KlCtx;

static double
kl_loss (void *p)
{
  KlCtx *c = p;
  return ce_kl_forward_backward (NULL, NULL, NULL, NULL, c->mq, c->lq, c->std_prior ? NULL : c->mp,
                                 c->std_prior ? NULL : c->lp, c->N, c->Z, 0.8f, 0.0f);
}

static void
run_kl (gboolean std_prior)
{
  const int N = 3, Z = 4;
  const size_t n = (size_t) N * Z;
  CeRng rng;
  KlCtx c;

  ce_rng_seed (&rng, 12 + std_prior);
  c.N = N; c.Z = Z; c.std_prior = std_prior;
  c.mq = rnd (&rng, n, 1.0f); c.lq = rnd (&rng, n, 1.0f);
  c.mp = rnd (&rng, n, 1.0f); c.lp = rnd (&rng, n, 1.0f);

  float *dmq = grad_buf (n), *dlq = grad_buf (n), *dmp = grad_buf (n), *dlp = grad_buf (n);
  double kl = ce_kl_forward_backward (dmq, dlq, dmp, dlp, c.mq, c.lq, std_prior ? NULL : c.mp,
                                      std_prior ? NULL : c.lp, N, Z, 0.8f, 0.0f);
  g_assert_cmpfloat (kl, >, 0.0);
  /* closed form against a Monte-Carlo-free check: KL(q||q) = 0 */
  g_assert_cmpfloat_with_epsilon (ce_kl_forward_backward (NULL, NULL, NULL, NULL, c.mq, c.lq, c.mq, c.lq,
                                                          N, Z, 1.0f, 0.0f), 0.0, 1e-6);
  assert_nonzero ("kl dmu_q", dmq, n);
  check_grad ("kl dmu_q", kl_loss, &c, c.mq, n, dmq, 1e-2, 2e-3);
  check_grad ("kl dlogvar_q", kl_loss, &c, c.lq, n, dlq, 1e-2, 2e-3);
  if (!std_prior)
    {
      check_grad ("kl dmu_p", kl_loss, &c, c.mp, n, dmp, 1e-2, 2e-3);
      check_grad ("kl dlogvar_p", kl_loss, &c, c.lp, n, dlp, 1e-2, 2e-3);
    }
  else
    for (size_t i = 0; i < n; i++)
      g_assert_cmpfloat (dmp[i], ==, FILL);
  g_free (c.mq); g_free (c.lq); g_free (c.mp); g_free (c.lp);
  g_free (dmq); g_free (dlq); g_free (dmp); g_free (dlp);
}

static void
test_kl_backward (void)
{
  run_kl (TRUE);
  run_kl (FALSE);
}

static void
test_kl_free_bits (void)
{
  /* dimension 0 has tiny KL, dimension 1 large: with a floor of 0.5 nats,
   * dimension 0 gets no gradient and dimension 1 the plain one. */
  const int N = 2, Z = 2;
  float mq[] = { 0.01f, 2.0f, -0.02f, -1.5f }, lq[] = { 0.0f, -1.0f, 0.01f, 0.5f };
  float dmq0[4] = { 0 }, dlq0[4] = { 0 }, dmq[4] = { 0 }, dlq[4] = { 0 };

  double kl0 = ce_kl_forward_backward (dmq0, dlq0, NULL, NULL, mq, lq, NULL, NULL, N, Z, 1.0f, 0.0f);
  double kl = ce_kl_forward_backward (dmq, dlq, NULL, NULL, mq, lq, NULL, NULL, N, Z, 1.0f, 0.5f);
  g_assert_cmpfloat_with_epsilon (kl, kl0, 1e-9); /* the returned value is unclamped */
  for (int n = 0; n < N; n++)
    {
      g_assert_cmpfloat (dmq[n * Z + 0], ==, 0.0f);
      g_assert_cmpfloat (dlq[n * Z + 0], ==, 0.0f);
      g_assert_cmpfloat (fabsf (dmq0[n * Z + 0]), >, 0.0f);
      g_assert_cmpfloat (dmq[n * Z + 1], ==, dmq0[n * Z + 1]);
      g_assert_cmpfloat (dlq[n * Z + 1], ==, dlq0[n * Z + 1]);
      g_assert_cmpfloat (fabsf (dmq[n * Z + 1]), >, 0.1f);
    }
}

/* ---- dropout ---------------------------------------------------------------- */

typedef struct {
  size_t n;
  float *x, *y, *mask, *r;
} DropCtx;

static double
drop_loss (void *p)
{
  DropCtx *c = p;
  /* the mask is fixed once drawn; forward is y = x ⊙ mask */
  for (size_t i = 0; i < c->n; i++)
    c->y[i] = c->x[i] * c->mask[i];
  return dot_r (c->r, c->y, c->n);
}

static void
test_dropout (void)
{
  const size_t n = 4000;
  const float p = 0.3f;
  CeRng rng;
  DropCtx c;
  size_t dropped = 0;

  ce_rng_seed (&rng, 17);
  c.n = n;
  c.x = rnd (&rng, n, 1.0f);
  c.y = g_new (float, n);
  c.mask = g_new (float, n);
  c.r = rnd (&rng, n, 1.0f);
  ce_dropout_forward (c.y, c.mask, c.x, n, p, &rng);
  for (size_t i = 0; i < n; i++)
    {
      g_assert_true (c.mask[i] == 0.0f || fabsf (c.mask[i] - 1.0f / (1.0f - p)) < 1e-6f);
      g_assert_cmpfloat (c.y[i], ==, c.x[i] * c.mask[i]);
      dropped += c.mask[i] == 0.0f;
    }
  g_assert_cmpfloat (fabs ((double) dropped / n - p), <, 0.03);

  float *dx = grad_buf (n);
  ce_dropout_backward (dx, c.r, c.mask, n);
  check_grad ("dropout dx", drop_loss, &c, c.x, 64, dx, 1e-2, 1e-3);

  /* p = 0 is the identity */
  ce_dropout_forward (c.y, c.mask, c.x, n, 0.0f, &rng);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpfloat (c.y[i], ==, c.x[i]);
  g_free (c.x); g_free (c.y); g_free (c.mask); g_free (c.r); g_free (dx);
}

static void
test_word_dropout (void)
{
  const size_t n = 5000;
  int32_t *ids = g_new (int32_t, n);
  CeRng rng;
  size_t regular = 0, replaced = 0;

  for (size_t i = 0; i < n; i++)
    ids[i] = (int32_t) (i % 10) - 1; /* -1 .. 8 */
  ce_rng_seed (&rng, 23);
  ce_word_dropout (ids, n, 0.25f, CE_TOK_UNK, CE_TOK_FIRST_REGULAR, &rng);
  for (size_t i = 0; i < n; i++)
    {
      int32_t orig = (int32_t) (i % 10) - 1;
      if (orig < CE_TOK_FIRST_REGULAR)
        g_assert_cmpint (ids[i], ==, orig); /* specials and padding untouched */
      else
        {
          regular++;
          g_assert_true (ids[i] == orig || ids[i] == CE_TOK_UNK);
          replaced += ids[i] == CE_TOK_UNK;
        }
    }
  g_assert_cmpfloat (fabs ((double) replaced / regular - 0.25), <, 0.03);
  g_free (ids);
}

/* ---- vector tanh / sigmoid against libm in double ------------------------------ */

static void
test_vmath (void)
{
  const size_t n = 200003; /* not a multiple of 4: the tail path too */
  float *x = g_new (float, n), *t = g_new (float, n), *s = g_new (float, n);
  double max_t = 0.0, max_s = 0.0;

  for (size_t i = 0; i < n; i++)
    x[i] = -25.0f + 50.0f * (float) i / (float) n;
  x[0] = 0.0f; x[1] = -0.0f; x[2] = 1e-30f; x[3] = -3e-6f;
  x[4] = INFINITY; x[5] = -INFINITY; x[6] = 1e30f; x[7] = -88.0f;
  ce_vtanh (t, x, n);
  ce_vsigmoid (s, x, n);
  for (size_t i = 0; i < n; i++)
    {
      max_t = fmax (max_t, fabs (t[i] - tanh ((double) x[i])));
      max_s = fmax (max_s, fabs (s[i] - 1.0 / (1.0 + exp (-(double) x[i]))));
    }
  g_test_message ("vtanh max abs error %.3g, vsigmoid %.3g", max_t, max_s);
  g_assert_cmpfloat (max_t, <, 1.5e-7);
  g_assert_cmpfloat (max_s, <, 1.5e-7);
  g_assert_true (signbit (t[1]));
  g_assert_cmpfloat (t[4], ==, 1.0f);
  g_assert_cmpfloat (t[5], ==, -1.0f);

  /* exp(x − shift) and its sum, as softmax uses them */
  double sum = ce_vexp_sum (t, x + 8, n - 8, 25.0f), ref = 0.0, max_e = 0.0;
  for (size_t i = 8; i < n; i++)
    {
      double e = exp ((double) (x[i] - 25.0f)); /* the float difference is the input */
      ref += e;
      max_e = fmax (max_e, fabs (t[i - 8] - e) / e);
    }
  g_test_message ("vexp max relative error %.3g", max_e);
  g_assert_cmpfloat (max_e, <, 2e-7);
  g_assert_cmpfloat (fabs (sum - ref) / ref, <, 1e-6);
  const float far[] = { -200.0f, -INFINITY, 0.0f, 3.0f, -83.0f };
  float ef[5];
  ce_vexp_sum (ef, far, 5, 3.0f);
  g_assert_cmpfloat (ef[0], ==, 0.0f);
  g_assert_cmpfloat (ef[1], ==, 0.0f);
  g_assert_cmpfloat (ef[3], ==, 1.0f);
  g_assert_cmpfloat (fabs (ef[4] - exp (-86.0)) / exp (-86.0), <, 1e-6);
  g_assert_cmpfloat (ce_vmax (x, n), ==, INFINITY);
  g_assert_cmpfloat (ce_vmax (x + 5, n - 5), ==, 1e30f);
  g_assert_cmpfloat (ce_vmax (far, 5), ==, 3.0f);
  g_assert_cmpfloat (ce_vmax (far, 3), ==, 0.0f);

  /* NaN propagates (a diverging model must not be hidden), in place works */
  x[10] = NAN;
  ce_vtanh (x, x, 13);
  g_assert_true (isnan (x[10]));
  g_assert_cmpfloat (x[0], ==, 0.0f);
  g_free (x); g_free (t); g_free (s);
}

/* Every element goes through the same operations whatever vector it falls in
 * (8 lanes, 4 lanes, the padded tail): an array gives the bits of its
 * elements taken one at a time, and the exp sum is the groups of four added
 * in order. This is what keeps training bit-identical across the clones. */
static void
test_vmath_lanes (void)
{
  const size_t n = 4099; /* 512 vectors of 8, then a tail of 3 */
  float *x = g_new (float, n), *y = g_new (float, n), *one = g_new (float, n);
  CeRng rng;
  ce_rng_seed (&rng, 77);
  for (size_t i = 0; i < n; i++)
    x[i] = (ce_rng_uniform (&rng) - 0.5f) * 40.0f;
  x[5] = -0.0f; x[17] = NAN; x[33] = INFINITY;

  void (*fn[2]) (float *, const float *, size_t) = { ce_vtanh, ce_vsigmoid };
  for (int f = 0; f < 2; f++)
    {
      fn[f] (y, x, n);
      for (size_t i = 0; i < n; i++)
        fn[f] (one + i, x + i, 1);
      g_assert_cmpmem (y, n * sizeof (float), one, n * sizeof (float));
    }

  x[17] = 1.0f; x[33] = 3.0f; /* finite: the sum is compared */
  double sum = ce_vexp_sum (y, x, n, 20.0f), ref = 0.0;
  for (size_t i = 0; i < n; i++)
    ce_vexp_sum (one + i, x + i, 1, 20.0f);
  g_assert_cmpmem (y, n * sizeof (float), one, n * sizeof (float));
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    ref += (double) ((one[i] + one[i + 1]) + (one[i + 2] + one[i + 3]));
  for (; i < n; i++)
    ref += one[i];
  g_assert_cmpfloat (sum, ==, ref);

  /* the maximum wherever it sits: first, in an 8-lane vector, in the tail */
  for (size_t at = 0; at < 40; at++)
    {
      size_t k = at < 20 ? at : n - 40 + at;
      float save = x[k];
      x[k] = 1000.0f;
      g_assert_cmpfloat (ce_vmax (x, n), ==, 1000.0f);
      float mx = -INFINITY; /* the rest of the row, scalar */
      for (size_t j = 1; j < n; j++)
        mx = x[j] > mx ? x[j] : mx;
      g_assert_cmpfloat (ce_vmax (x + 1, n - 1), ==, mx);
      x[k] = save;
    }
  g_free (x); g_free (y); g_free (one);
}

/* ---- GEMM: BLAS against the naive reference on the model's shapes ------------------ */

static void
test_gemm_reference (void)
{
  /* (M, N, K, trans_a, trans_b): GRU gates (B=64, 3H=768, H=256), its
   * backward, vocabulary projection (64 x 4000 x 256), batch-1 decoding. */
  static const int shapes[][5] = {
    { 64, 768, 256, 0, 1 }, { 64, 256, 768, 0, 0 }, { 768, 256, 64, 1, 0 },
    { 64, 4000, 256, 0, 1 }, { 1, 4000, 256, 0, 1 }, { 1, 768, 256, 0, 1 }, { 1, 256, 768, 0, 0 },
    /* beam rows (ce_gemm_small_rows): every M of a block, K not a multiple of 8 */
    { 2, 4000, 320, 0, 1 }, { 3, 37, 13, 0, 1 }, { 4, 768, 256, 0, 1 }, { 5, 480, 160, 0, 1 },
    { 6, 9, 7, 0, 1 }, { 7, 100, 259, 0, 1 }, { 8, 768, 128, 0, 1 }, { 13, 500, 320, 0, 1 },
    { 16, 768, 256, 0, 1 },
  };
  CeRng rng;

  ce_rng_seed (&rng, 99);
  for (gsize k = 0; k < G_N_ELEMENTS (shapes); k++)
    {
      int M = shapes[k][0], N = shapes[k][1], K = shapes[k][2], ta = shapes[k][3], tb = shapes[k][4];
      float *A = rnd (&rng, (size_t) M * K, 1.0f), *B = rnd (&rng, (size_t) K * N, 1.0f);
      float *C1 = rnd (&rng, (size_t) M * N, 1.0f);
      float *C2 = g_memdup2 (C1, (size_t) M * N * sizeof (float));
      float *C3 = g_memdup2 (C1, (size_t) M * N * sizeof (float));
      int lda = ta ? M : K, ldb = tb ? K : N;

      ce_gemm (ta, tb, M, N, K, 1.0f, A, lda, B, ldb, 0.5f, C1, N);
      ce_sgemm (ta, tb, M, N, K, 1.0f, A, lda, B, ldb, 0.5f, C3, N);
      ce_sgemm_ref (ta, tb, M, N, K, 1.0f, A, lda, B, ldb, 0.5f, C2, N);
      for (size_t i = 0; i < (size_t) M * N; i++)
        {
          float tol = 1e-4f * sqrtf ((float) K) * (1.0f + fabsf (C2[i]));
          g_assert_cmpfloat_with_epsilon (C1[i], C2[i], tol);
          g_assert_cmpfloat_with_epsilon (C3[i], C2[i], tol);
        }
      if (!ta && tb)
        {
          /* the small-rows kernel itself, also with beta 0 (C's old
           * values must not leak in) */
          memcpy (C3, C2, (size_t) M * N * sizeof (float));
          ce_gemm_small_rows (M, N, K, 1.0f, A, lda, B, ldb, 0.0f, C3, N);
          ce_sgemm_ref (0, 1, M, N, K, 1.0f, A, lda, B, ldb, 0.0f, C2, N);
          for (size_t i = 0; i < (size_t) M * N; i++)
            g_assert_cmpfloat_with_epsilon (C3[i], C2[i],
                                            1e-4f * sqrtf ((float) K) * (1.0f + fabsf (C2[i])));
        }
      g_free (A); g_free (B); g_free (C1); g_free (C2); g_free (C3);
    }
  /* 19 rows: four blocks of 4 rows and one of 3 */
  {
    const int M = 19, N = 33, K = 21;
    float *A = rnd (&rng, (size_t) M * K, 1.0f), *B = rnd (&rng, (size_t) N * K, 1.0f);
    float *C1 = rnd (&rng, (size_t) M * N, 1.0f);
    float *C2 = g_memdup2 (C1, (size_t) M * N * sizeof (float));
    ce_gemm_small_rows (M, N, K, 0.7f, A, K, B, K, 0.5f, C1, N);
    ce_sgemm_ref (0, 1, M, N, K, 0.7f, A, K, B, K, 0.5f, C2, N);
    for (size_t i = 0; i < (size_t) M * N; i++)
      g_assert_cmpfloat_with_epsilon (C1[i], C2[i], 1e-4f * sqrtf ((float) K) * (1.0f + fabsf (C2[i])));
    g_free (A); g_free (B); g_free (C1); g_free (C2);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/linear/backward", test_linear_backward);
  g_test_add_func ("/engine/embedding/backward", test_embedding_backward);
  g_test_add_func ("/engine/activation/backward", test_activation_backward);
  g_test_add_func ("/engine/dense/backward", test_dense_backward);
  g_test_add_func ("/engine/gru/step-backward", test_gru_step_backward);
  g_test_add_func ("/engine/gru/backward", test_gru_backward);
  g_test_add_func ("/engine/gru/step-reference", test_gru_step_reference);
  g_test_add_func ("/engine/attention/backward", test_attention_backward);
  g_test_add_func ("/engine/attention/all-masked", test_attention_all_masked);
  g_test_add_func ("/engine/attention/reference", test_attention_reference);
  g_test_add_func ("/engine/softmax/rows", test_softmax_rows);
  g_test_add_func ("/engine/softmax-xent/backward", test_softmax_xent_backward);
  g_test_add_func ("/engine/copy-xent/backward", test_copy_xent_backward);
  g_test_add_func ("/engine/reparam/backward", test_reparam_backward);
  g_test_add_func ("/engine/kl/backward", test_kl_backward);
  g_test_add_func ("/engine/kl/free-bits", test_kl_free_bits);
  g_test_add_func ("/engine/dropout/backward", test_dropout);
  g_test_add_func ("/engine/dropout/word", test_word_dropout);
  g_test_add_func ("/engine/gemm/reference", test_gemm_reference);
  g_test_add_func ("/engine/vmath/tanh-sigmoid", test_vmath);
  g_test_add_func ("/engine/vmath/lanes", test_vmath_lanes);

  return g_test_run ();
}
