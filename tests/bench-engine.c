/* bench-engine.c — the engine on the reference text workload of
 * ../shared/bench/REFERENCE.md (not a test: prints numbers, never fails on
 * a slow machine). build-aux/bench-engine.sh runs it next to the PyTorch
 * reference and prints the ratios.
 *
 * Workload: S2S kind (no latent), vocabulary 4000, embedding 128, hidden
 * 256, attention 256, batch 64, source 12, target 40, copy off, dropout 0,
 * Adam lr 1e-3, teacher forcing. Differences from the reference: our
 * encoder is bidirectional (128 + 128) with a 1-wide field embedding, and
 * h0 = tanh(W pool) instead of the encoder's last state.
 *
 * GEMM share: this program defines cblas_sgemm / cblas_sgemv itself, so the
 * engine's calls bind here; each call is timed and forwarded to OpenBLAS
 * through dlsym(RTLD_NEXT). The decoder's two parts call BLAS from two
 * threads at once, so with 2+ threads the share is GEMM call time summed
 * over the calling threads per two threads' step time (the phases on one
 * thread count half: a lower bound).
 *
 * Output: one JSON line per measurement, like the reference script.
 */
#define _GNU_SOURCE
#include <cblas.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "engine.h"
#include <stdint.h>

/* the reference workload; options change it to measure other shapes
 * (e.g. an E2E-like model: --vocab 2000 --src 24 --tgt 48 --attn 128 --copy) */
static int V = 4000, E = 128, H = 256, B = 64, S = 12, T = 40, ATTN = 256, COPY = 0;

/* ---- GEMM timing by interposition ---------------------------------------- */

static double gemm_seconds, gemv_seconds;
static long gemm_calls, gemv_calls;
static int counting;
/* the decoder's parts call BLAS from two threads at once */
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;

/* --shapes: time per GEMM shape as well (printed after the training steps) */
typedef struct {
  int ta, tb, M, N, K;
  long calls;
  double seconds;
} Shape;
static Shape shapes[256];
static int n_shapes, by_shape;

static void
shape_add (int ta, int tb, int M, int N, int K, double seconds)
{
  for (int i = 0; i < n_shapes; i++)
    {
      Shape *s = &shapes[i];
      if (s->ta == ta && s->tb == tb && s->M == M && s->N == N && s->K == K)
        {
          s->calls++;
          s->seconds += seconds;
          return;
        }
    }
  if (n_shapes < 256)
    shapes[n_shapes++] = (Shape) { ta, tb, M, N, K, 1, seconds };
}

static int
cmp_shape (const void *a, const void *b)
{
  double x = ((const Shape *) a)->seconds, y = ((const Shape *) b)->seconds;
  return x < y ? 1 : x > y ? -1 : 0;
}

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

typedef void (*SgemmFn) (const enum CBLAS_ORDER, const enum CBLAS_TRANSPOSE,
                         const enum CBLAS_TRANSPOSE, const blasint, const blasint, const blasint,
                         const float, const float *, const blasint, const float *, const blasint,
                         const float, float *, const blasint);
typedef void (*SgemvFn) (const enum CBLAS_ORDER, const enum CBLAS_TRANSPOSE, const blasint,
                         const blasint, const float, const float *, const blasint, const float *,
                         const blasint, const float, float *, const blasint);

void
cblas_sgemm (const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE ta,
             const enum CBLAS_TRANSPOSE tb, const blasint M, const blasint N, const blasint K,
             const float alpha, const float *A, const blasint lda, const float *Bm,
             const blasint ldb, const float beta, float *C, const blasint ldc)
{
  static SgemmFn real;
  if (!real)
    {
      void *sym = dlsym (RTLD_NEXT, "cblas_sgemm");
      memcpy (&real, &sym, sizeof real);
    }
  double t0 = counting ? now () : 0.0;
  real (order, ta, tb, M, N, K, alpha, A, lda, Bm, ldb, beta, C, ldc);
  if (counting)
    {
      double dt = now () - t0;
      pthread_mutex_lock (&count_lock);
      gemm_seconds += dt;
      gemm_calls++;
      if (by_shape)
        shape_add (ta == CblasTrans, tb == CblasTrans, M, N, K, dt);
      pthread_mutex_unlock (&count_lock);
    }
}

void
cblas_sgemv (const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE trans, const blasint M,
             const blasint N, const float alpha, const float *A, const blasint lda,
             const float *x, const blasint incx, const float beta, float *y, const blasint incy)
{
  static SgemvFn real;
  if (!real)
    {
      void *sym = dlsym (RTLD_NEXT, "cblas_sgemv");
      memcpy (&real, &sym, sizeof real);
    }
  double t0 = counting ? now () : 0.0;
  real (order, trans, M, N, alpha, A, lda, x, incx, beta, y, incy);
  if (counting)
    {
      double dt = now () - t0;
      pthread_mutex_lock (&count_lock);
      gemv_seconds += dt;
      gemv_calls++;
      if (by_shape)
        shape_add (trans == CblasTrans, -1, M, N, 1, dt);
      pthread_mutex_unlock (&count_lock);
    }
}

/* The bfloat16 (AMX) products of --precision bf16, timed the same way: the
 * link wraps ce_bf16_gemm (-Wl,--wrap=ce_bf16_gemm in tests/meson.build),
 * so the engine's calls come here first. */
static double amx_seconds, amx_flop;
void __real_ce_bf16_gemm (int M, int N, int Kp, const uint16_t *A, const uint16_t *Bp, float *C,
                          int ldc, int acc, int trans_c, const float *bias);
void __wrap_ce_bf16_gemm (int M, int N, int Kp, const uint16_t *A, const uint16_t *Bp, float *C,
                          int ldc, int acc, int trans_c, const float *bias);

void
__wrap_ce_bf16_gemm (int M, int N, int Kp, const uint16_t *A, const uint16_t *Bp, float *C,
                     int ldc, int acc, int trans_c, const float *bias)
{
  double t0 = counting ? now () : 0.0;
  __real_ce_bf16_gemm (M, N, Kp, A, Bp, C, ldc, acc, trans_c, bias);
  if (counting)
    {
      double dt = now () - t0;
      pthread_mutex_lock (&count_lock);
      amx_seconds += dt;
      amx_flop += 2.0 * M * N * Kp;
      pthread_mutex_unlock (&count_lock);
    }
}

/* ---- helpers ----------------------------------------------------------------- */

/* CPU seconds of the whole process (every thread): on a shared machine the
 * CPU time a step costs is steadier than its wall time. */
static double
cpu_now (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return (double) ru.ru_utime.tv_sec + 1e-6 * (double) ru.ru_utime.tv_usec
         + (double) ru.ru_stime.tv_sec + 1e-6 * (double) ru.ru_stime.tv_usec;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
  qsort (v, (size_t) n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void
fill_tokens (int32_t *ids, size_t n, CeRng *rng)
{
  for (size_t i = 0; i < n; i++)
    ids[i] = CE_TOK_FIRST_REGULAR + (int32_t) ce_rng_below (rng, V - CE_TOK_FIRST_REGULAR);
}

static void
die (const char *what, const char *msg)
{
  fprintf (stderr, "bench-engine: %s: %s\n", what, msg);
  exit (1);
}

/* The first index of the largest of X[0..N): eight running maxima (no
 * loop-carried compare-and-branch per element, so the compiler can keep
 * them in one vector register), then the first position holding it. A
 * plain index-tracking loop took ~10 % of a batch-1 int8 decode. */
static int
argmax (const float *x, int n)
{
  float m[8];
  float best;
  int w = 0;

  for (int k = 0; k < 8; k++)
    m[k] = -INFINITY;
  for (; w + 8 <= n; w += 8)
    for (int k = 0; k < 8; k++)
      m[k] = x[w + k] > m[k] ? x[w + k] : m[k];
  best = m[0];
  for (int k = 1; k < 8; k++)
    best = m[k] > best ? m[k] : best;
  for (; w < n; w++)
    best = x[w] > best ? x[w] : best;
  for (int i = 0; i < n; i++)
    if (x[i] == best)
      return i;
  return 0;
}

/* greedy decoding of N sources for T tokens; returns seconds */
static double
greedy (CeModel *model, CeDecoder *dec, const CeBatch *src, int n, float *lp, int32_t *prev,
        int32_t *rows)
{
  char msg[CE_MSG_SIZE];
  double t0 = now ();
  for (int r = 0; r < n; r++)
    {
      rows[r] = r;
      prev[r] = CE_TOK_BOS;
    }
  if (ce_decoder_start (dec, src, rows, n, CE_LATENT_MEAN, NULL, msg) != CE_OK)
    die ("decoder start", msg);
  for (int t = 0; t < T; t++)
    {
      if (ce_decoder_step (dec, prev, lp, msg) != CE_OK)
        die ("decoder step", msg);
      for (int r = 0; r < n; r++)
        {
          prev[r] = argmax (lp + (size_t) r * V, V);
        }
    }
  (void) model;
  return now () - t0;
}

int
main (int argc, char **argv)
{
  int threads = 2, steps = 15, warmup = 3, decode = 1, train = 1, bf16 = 0;
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--threads") == 0 && i + 1 < argc)
        threads = atoi (argv[++i]);
      else if (strcmp (argv[i], "--steps") == 0 && i + 1 < argc)
        steps = atoi (argv[++i]);
      else if (strcmp (argv[i], "--train-only") == 0)
        decode = 0;
      else if (strcmp (argv[i], "--decode-only") == 0)
        train = 0;
      else if (strcmp (argv[i], "--shapes") == 0)
        by_shape = 1;
      else if (strcmp (argv[i], "--vocab") == 0 && i + 1 < argc)
        V = atoi (argv[++i]);
      else if (strcmp (argv[i], "--hidden") == 0 && i + 1 < argc)
        H = atoi (argv[++i]);
      else if (strcmp (argv[i], "--attn") == 0 && i + 1 < argc)
        ATTN = atoi (argv[++i]);
      else if (strcmp (argv[i], "--batch") == 0 && i + 1 < argc)
        B = atoi (argv[++i]);
      else if (strcmp (argv[i], "--src") == 0 && i + 1 < argc)
        S = atoi (argv[++i]);
      else if (strcmp (argv[i], "--tgt") == 0 && i + 1 < argc)
        T = atoi (argv[++i]);
      else if (strcmp (argv[i], "--precision") == 0 && i + 1 < argc)
        {
          ++i;
          if (strcmp (argv[i], "bf16") == 0)
            bf16 = 1;
          else if (strcmp (argv[i], "fp32") != 0)
            {
              fprintf (stderr, "bench-engine: --precision fp32 or bf16\n");
              return 2;
            }
        }
      else if (strcmp (argv[i], "--copy") == 0)
        COPY = 1;
      else
        {
          fprintf (stderr, "usage: bench-engine [--threads N] [--steps N] [--train-only] [--decode-only] [--shapes] "
                   "[--vocab V] [--hidden H] [--attn A] [--batch B] [--src S] [--tgt T] [--copy] "
                   "[--precision fp32|bf16]\n");
          return 2;
        }
    }
  if (steps < 1 || steps > 1000)
    steps = 15;
  if (V < 100 || H < 2 || H % 2 || ATTN < 1 || B < 1 || B > 512 || S < 1 || T < 1)
    {
      fprintf (stderr, "bench-engine: unusable sizes\n");
      return 2;
    }
  ce_blas_set_threads (threads);

  CeModelConfig cfg;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  ce_model_config_default (&cfg, CE_MODEL_S2S, V, 1);
  cfg.emb = E;
  cfg.field_emb = 1;
  cfg.hidden = H;
  cfg.attn = ATTN;
  cfg.copy = COPY;
  cfg.dropout = 0.0f;
  cfg.word_dropout = 0.0f;
  cfg.max_src = S;
  cfg.max_tgt = T;
  CeModel *model = ce_model_new (&cfg, 0, &st, msg);
  if (!model)
    die ("model", msg);
  if (bf16 && ce_model_set_train_precision (model, CE_PRECISION_BF16, msg) != CE_OK)
    {
      /* not a failure of the bench: the CPU has no AMX-BF16 */
      printf ("{\"engine\": \"copyist\", \"what\": \"train_step_skipped\", \"precision\": \"bf16\", "
              "\"why\": \"%s\"}\n", msg);
      ce_model_free (model);
      return 0;
    }

  CeRng rng;
  ce_rng_seed (&rng, 1);
  int32_t *src = malloc ((size_t) 512 * S * sizeof *src);
  int32_t *fld = calloc ((size_t) 512 * S, sizeof *fld);
  int32_t *tgt = malloc ((size_t) B * T * sizeof *tgt);
  fill_tokens (src, (size_t) 512 * S, &rng);
  fill_tokens (tgt, (size_t) B * T, &rng);
  CeBatch batch = { B, S, T, src, fld, tgt };
  CeTrainParams tp;
  ce_train_params_default (&tp);
  tp.lr = 1e-3f;
  tp.clip_norm = 0.0f;   /* the reference does not clip */

  for (int i = 0; i < (train ? warmup : 1); i++)
    if (ce_model_train_step (model, &batch, &tp, NULL, msg) != CE_OK)
      die ("train step", msg);
  double *times = calloc ((size_t) steps, sizeof *times);
  double *cpu = calloc ((size_t) steps, sizeof *cpu);
  double total = 0.0;
  counting = 1;
  gemm_seconds = gemv_seconds = amx_seconds = amx_flop = 0.0;
  for (int i = 0; train && i < steps; i++)
    {
      double t0 = now (), c0 = cpu_now ();
      if (ce_model_train_step (model, &batch, &tp, NULL, msg) != CE_OK)
        die ("train step", msg);
      times[i] = now () - t0;
      cpu[i] = cpu_now () - c0;
      total += times[i];
    }
  counting = 0;
  double best = times[0];
  for (int i = 1; i < steps; i++)
    best = times[i] < best ? times[i] : best;
  double med = median (times, steps);
  double cpu_med = median (cpu, steps);
  if (train)
  printf ("{\"engine\": \"copyist\", \"what\": \"train_step\", \"precision\": \"%s\", \"threads\": %d, \"params\": %zu, "
          "\"vocab\": %d, \"src_len\": %d, \"copy\": %d, \"batch\": %d, \"tgt_len\": %d, \"sec_per_step_median\": %.5f, \"sec_per_step_best\": %.5f, "
          "\"tgt_tokens_per_s_median\": %.1f, \"cpu_sec_per_step_median\": %.5f, "
          "\"gemm_share\": %.3f, \"gemm_calls_per_step\": %.0f, \"amx_share\": %.3f, "
          "\"amx_gflop_per_s\": %.1f}\n",
          bf16 ? "bf16" : "fp32", threads, ce_model_n_params (model), V, S, COPY, B, T, med, best, B * T / med,
          cpu_med, gemm_seconds / (total * (threads > 1 ? 2 : 1)),
          (double) gemm_calls / steps, amx_seconds / (total * (threads > 1 ? 2 : 1)),
          amx_seconds > 0.0 ? amx_flop / amx_seconds * 1e-9 : 0.0);
  if (by_shape)
    {
      qsort (shapes, (size_t) n_shapes, sizeof *shapes, cmp_shape);
      for (int i = 0; i < n_shapes; i++)
        {
          const Shape *sh = &shapes[i];
          const double flop = 2.0 * sh->M * sh->N * sh->K * sh->calls;
          fprintf (stderr, "  %s%c%c M %5d N %5d K %5d: %5.1f calls/step %7.2f ms/step "
                   "%5.1f %% of step, %6.1f GFLOP/s\n", sh->tb < 0 ? "gemv " : "gemm ",
                   sh->ta ? 'T' : 'N', sh->tb < 0 ? ' ' : sh->tb ? 'T' : 'N', sh->M, sh->N, sh->K,
                   (double) sh->calls / steps, sh->seconds / steps * 1e3,
                   100.0 * sh->seconds / total, flop / sh->seconds * 1e-9);
        }
      n_shapes = 0;
    }
  fflush (stdout);

  if (!decode)
    {
      free (src);
      free (fld);
      free (tgt);
      free (cpu);
      free (times);
      ce_model_free (model);
      return 0;
    }

  /* batch-1 greedy decoding of 40 tokens: fp32 on 1 and on THREADS BLAS
   * threads, then the int8 copy of the decoding weights on one thread and
   * with the decoder's second thread (ce_decoder_set_threads) */
  float *lp = malloc ((size_t) 512 * V * sizeof (float));
  int32_t prev[512], rows[512];
  CeDecoder *dec = ce_decoder_new (model, 512, &st, msg);
  if (!dec)
    die ("decoder", msg);
  CeBatch one = { 1, S, 0, src, fld, NULL };
  for (int pass = 0; pass < 4; pass++)
    {
      const int bt = pass == 1 ? threads : 1;
      const int int8 = pass >= 2;
      const int dec_threads = pass == 3 ? 2 : 1;
      if (pass == 3 && threads < 2)
        break;
      ce_blas_set_threads (bt);
      if (ce_model_set_decode_precision (model, int8 ? CE_PRECISION_INT8 : CE_PRECISION_FP32,
                                         msg) != CE_OK)
        die ("decode precision", msg);
      ce_decoder_free (dec);
      if (!(dec = ce_decoder_new (model, 512, &st, msg)))
        die ("decoder", msg);
      if (ce_decoder_set_threads (dec, dec_threads, msg) != CE_OK)
        die ("decoder threads", msg);
      double dt[20];
      for (int i = 0; i < 3; i++)
        greedy (model, dec, &one, 1, lp, prev, rows);
      gemv_seconds = gemm_seconds = 0.0;
      counting = 1;
      double sum = 0.0;
      for (int i = 0; i < 20; i++)
        sum += dt[i] = greedy (model, dec, &one, 1, lp, prev, rows);
      counting = 0;
      double m = median (dt, 20);
      printf ("{\"engine\": \"copyist\", \"what\": \"greedy_decode_batch1\", \"threads\": %d, "
              "\"precision\": \"%s\", \"decoder_threads\": %d, \"tokens\": %d, \"ms_median\": %.3f, "
              "\"ms_best\": %.3f, \"tokens_per_s\": %.1f, \"blas_share\": %.3f}\n",
              bt, int8 ? "int8" : "fp32", dec_threads, T, m * 1e3, dt[0] * 1e3, T / m,   /* median () sorted DT: dt[0] is the best */
              (gemv_seconds + gemm_seconds) / sum);
      fflush (stdout);
    }
  ce_blas_set_threads (threads);
  if (ce_model_set_decode_precision (model, CE_PRECISION_FP32, msg) != CE_OK)
    die ("decode precision", msg);
  ce_decoder_free (dec);
  if (!(dec = ce_decoder_new (model, 512, &st, msg)))
    die ("decoder", msg);

  for (int k = 0; k < 2; k++)
    {
      const int bs = k == 0 ? 64 : 512;
      CeBatch many = { bs, S, 0, src, fld, NULL };
      double dt[5];
      greedy (model, dec, &many, bs, lp, prev, rows);
      for (int i = 0; i < 5; i++)
        dt[i] = greedy (model, dec, &many, bs, lp, prev, rows);
      double m = median (dt, 5);
      printf ("{\"engine\": \"copyist\", \"what\": \"greedy_decode_batched\", \"threads\": %d, "
              "\"batch\": %d, \"tokens\": %d, \"ms_median\": %.2f, \"tokens_per_s\": %.1f, "
              "\"sequences_per_s\": %.1f}\n",
              threads, bs, T, m * 1e3, bs * T / m, bs / m);
      fflush (stdout);
    }

  ce_decoder_free (dec);
  free (src);
  free (fld);
  free (tgt);
  free (lp);
  free (cpu);
  free (times);
  ce_model_free (model);
  return 0;
}
