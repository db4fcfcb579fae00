/* ce-model-decoder.c — step-by-step inference over R rows.
 *
 * A decoder owns all its buffers and only reads the model's weights, so
 * several decoders may run on one model in several threads. Each row r
 * decodes source row_src[r]: the encoder states, keys and mask stay per
 * source and rows reach them through that index, so a beam of k rows over
 * one source never copies encoder states; ce_decoder_reorder moves only
 * the per-row recurrent state (h, ctx, the latent input term).
 * At R == 1 every product is a matrix-vector product (ce_gemm picks sgemv).
 *
 * With the model's int8 copy (ce_model_set_decode_precision), the five
 * products of a step with fixed weights (GRU input and recurrent
 * projections, attention query, output projection) go through ce-quant.c
 * instead: the activations are requantised per row each step, the rest of
 * the step (gates, attention, softmax, copy mixture) stays fp32.
 */
#include "ce-model-private.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The second thread of an int8 decoder (ce_decoder_set_threads): it computes
 * the upper half of the output projection while the caller's thread does
 * the lower half, so each core streams (and, on an idle machine, keeps in
 * its own L2) half of the int8 output matrix. Between steps it spins for
 * Q8_SPIN_NS, then sleeps on a condition variable until the next step. If
 * the caller finishes its half before the worker has taken the job (the
 * worker is asleep or has no core), the caller takes the job and does both
 * halves, so a busy machine costs at most the one-thread time. */
typedef struct {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  atomic_uint posted;      /* job number, bumped by the caller */
  atomic_uint finished;    /* the last job number the worker completed */
  atomic_uint claimed;     /* the last job number taken, by the worker or the caller */
  atomic_int sleeping;     /* the worker waits (or is about to) on COND */
  int quit;                /* under LOCK */
  /* the job: rows n0..n1 of ce_q8_gemm_rows */
  const CeQ8Matrix *m;
  int n0, n1, R, ldy, accumulate, reverse;
  const uint8_t *xq;
  const float *xscale;
  float *y;
} Q8Worker;

/* how long the worker spins for the next step before it sleeps: longer
 * than the rest of a decoding step, short enough that an idle decoder
 * gives its core back at once */
#define Q8_SPIN_NS 200000L

struct CeDecoder {
  const CeModel *model;
  Q8Worker *worker;              /* NULL: one thread */
  const CeQ8Weights *q8;         /* the model's int8 copy at creation, or NULL */
  int reverse;                   /* int8: walk the weight rows backwards this step */
  int max_rows;
  int R, B, S;          /* rows, sources and source length of the started batch */
  CeEncWork enc;
  void *enc_mem;
  void *mem;
  int32_t *row_src, *row_src2;   /* (max_rows) */
  int src_cap;                   /* sources the encoder buffers hold */
  int32_t *src_ids;              /* (src_cap, max_src), own allocation */
  float *h, *h2;                 /* (max_rows, H) */
  float *ctx, *ctx2;             /* (max_rows, H) */
  float *gc, *gc2;               /* (max_rows, 3H) z Wz^T + bx */
  float *attn, *attn2;           /* (max_rows, max_src) */
  float *emb;                    /* (max_rows, E) */
  float *gx;                     /* (max_rows, 3H) */
  float *cache;                  /* (max_rows, 4H) */
  float *scratch;                /* (max_rows, 3H) */
  float *qw;                     /* (max_rows, A) */
  float *feat;                   /* (max_rows, 2H) */
  float *logits;                 /* (max_rows, V) */
  float *pool;                   /* (max_rows, H) pool of each row's source */
  float *z, *mu, *lv;            /* (max_rows, Z) */
  float *init_in;                /* (max_rows, H + Z) */
  float *lat_a, *lat_b;          /* (max_rows, Z + H), (max_rows, H) */
  float *score;                  /* (max_src) */
  float *pre;                    /* (max_src, A) tanh(key + q) of one row */
  float *gh;                     /* (max_rows, 3H) h Wh^T + bh (int8 path) */
  uint8_t *xq;                   /* (max_rows, KQ) quantised activations (int8 path) */
  float *xscale;                 /* (max_rows) their scales */
};

/* the widest input an int8 product quantises: [h; ctx] or an embedding */
static int
q8_width (const CeDims *d)
{
  const int k = 2 * d->H > d->E ? 2 * d->H : d->E;
  return (k + CE_Q8_ALIGN - 1) / CE_Q8_ALIGN * CE_Q8_ALIGN;
}

static size_t
decoder_layout (CeDecoder *dec, char *base, const CeDims *d, int R, int S)
{
  size_t used = 0;
  const int Z = d->Z > 0 ? d->Z : 1;
#define TAKE(ptr, type, n)                                                      \
  do {                                                                          \
    size_t bytes_ = ((size_t) (n) * sizeof (type) + 63) & ~(size_t) 63;         \
    dec->ptr = base ? (type *) (void *) (base + used) : NULL;                   \
    used += bytes_;                                                             \
  } while (0)
  TAKE (row_src, int32_t, R);
  TAKE (row_src2, int32_t, R);
  TAKE (h, float, (size_t) R * d->H);
  TAKE (h2, float, (size_t) R * d->H);
  TAKE (ctx, float, (size_t) R * d->H);
  TAKE (ctx2, float, (size_t) R * d->H);
  TAKE (gc, float, (size_t) R * 3 * d->H);
  TAKE (gc2, float, (size_t) R * 3 * d->H);
  TAKE (attn, float, (size_t) R * S);
  TAKE (attn2, float, (size_t) R * S);
  TAKE (emb, float, (size_t) R * d->E);
  TAKE (gx, float, (size_t) R * 3 * d->H);
  TAKE (cache, float, (size_t) R * 4 * d->H);
  TAKE (scratch, float, (size_t) R * 3 * d->H);
  TAKE (qw, float, (size_t) R * d->A);
  TAKE (feat, float, (size_t) R * 2 * d->H);
  TAKE (logits, float, (size_t) R * d->V);
  TAKE (pool, float, (size_t) R * d->H);
  TAKE (z, float, (size_t) R * Z);
  TAKE (mu, float, (size_t) R * Z);
  TAKE (lv, float, (size_t) R * Z);
  TAKE (init_in, float, (size_t) R * (d->H + Z));
  TAKE (lat_a, float, (size_t) R * (Z + d->H));
  TAKE (lat_b, float, (size_t) R * d->H);
  TAKE (score, float, S);
  TAKE (pre, float, (size_t) S * d->A);
  TAKE (gh, float, (size_t) R * 3 * d->H);
  TAKE (xq, uint8_t, (size_t) R * q8_width (d));
  TAKE (xscale, float, R);
#undef TAKE
  return used;
}

/* The encoder buffers hold N sources (grown at start when a bigger batch comes). */
static CeStatus
grow_sources (CeDecoder *dec, int n)
{
  const int S = dec->model->cfg.max_src;
  int32_t *ids = malloc ((size_t) n * S * sizeof (int32_t));
  if (!ids || ce_enc_work_alloc (&dec->enc, &dec->enc_mem, &dec->model->d, n, S, 0) != CE_OK)
    {
      free (ids);
      return CE_ERR_NOMEM;
    }
  free (dec->src_ids);
  dec->src_ids = ids;
  dec->src_cap = n;
  return CE_OK;
}

CeDecoder *
ce_decoder_new (CeModel *model, int max_rows, CeStatus *status, char *msg)
{
  CeStatus st = CE_OK;
  if (!model || max_rows < 1 || max_rows > (1 << 16))
    {
      snprintf (msg, CE_MSG_SIZE, "decoder: max_rows is %d, expected 1..%d", max_rows, 1 << 16);
      st = CE_ERR_INVALID_ARG;
      goto fail;
    }
  CeDecoder *dec = calloc (1, sizeof *dec);
  if (!dec)
    goto nomem;
  dec->model = model;
  dec->q8 = model->q8;
  dec->max_rows = max_rows;
  size_t size = decoder_layout (dec, NULL, &model->d, max_rows, model->cfg.max_src);
  dec->mem = calloc (1, size);
  if (!dec->mem || grow_sources (dec, max_rows) != CE_OK)
    {
      ce_decoder_free (dec);
      goto nomem;
    }
  decoder_layout (dec, dec->mem, &model->d, max_rows, model->cfg.max_src);
  if (status)
    *status = CE_OK;
  return dec;

nomem:
  snprintf (msg, CE_MSG_SIZE, "decoder: out of memory for %d rows", max_rows);
  st = CE_ERR_NOMEM;
fail:
  if (status)
    *status = st;
  return NULL;
}

static void stop_worker (CeDecoder *dec);

void
ce_decoder_free (CeDecoder *dec)
{
  if (!dec)
    return;
  stop_worker (dec);
  free (dec->mem);
  free (dec->enc_mem);
  free (dec->src_ids);
  free (dec);
}

int
ce_decoder_rows (const CeDecoder *dec)
{
  return dec->R;
}

const float *
ce_decoder_attention (const CeDecoder *dec)
{
  return dec->attn;
}

CeStatus
ce_decoder_start (CeDecoder *dec, const CeBatch *src, const int32_t *row_src, int R,
                  CeLatentMode mode, CeRng *rng, char *msg)
{
  const CeModel *model = dec->model;
  const CeDims *d = &model->d;
  const CeParams *p = &model->p;
  const int H = d->H, Z = d->Z;

  CeStatus st = ce_model_check_batch (model, src, 0, msg);
  if (st != CE_OK)
    return st;
  if (src->B > dec->src_cap && grow_sources (dec, src->B) != CE_OK)
    {
      snprintf (msg, CE_MSG_SIZE, "decoder: out of memory for %d sources", src->B);
      return CE_ERR_NOMEM;
    }
  if (R < 1 || R > dec->max_rows || !row_src)
    {
      snprintf (msg, CE_MSG_SIZE, "decoder: %d rows, expected 1..%d", R, dec->max_rows);
      return CE_ERR_INVALID_ARG;
    }
  for (int r = 0; r < R; r++)
    if (row_src[r] < 0 || row_src[r] >= src->B)
      {
        snprintf (msg, CE_MSG_SIZE, "decoder: row %d decodes source %d, the batch has %d",
                  r, row_src[r], src->B);
        return CE_ERR_INVALID_ARG;
      }
  if (Z > 0 && mode == CE_LATENT_SAMPLE && !rng)
    {
      snprintf (msg, CE_MSG_SIZE, "decoder: sampling the latent code needs a random generator");
      return CE_ERR_INVALID_ARG;
    }

  ce_encoder_forward (model, &dec->enc, src, 0.0f, NULL);
  dec->R = R;
  dec->B = src->B;
  dec->S = src->S;
  memcpy (dec->src_ids, src->src, (size_t) src->B * src->S * sizeof (int32_t));
  memcpy (dec->row_src, row_src, (size_t) R * sizeof (int32_t));
  for (int r = 0; r < R; r++)
    memcpy (dec->pool + (size_t) r * H, dec->enc.pool + (size_t) row_src[r] * H,
            (size_t) H * sizeof (float));

  if (model->cfg.kind == CE_MODEL_CVAE)
    {
      ce_cvae_prior (model, dec->mu, dec->lv, dec->pool, R, dec->lat_b);
      for (size_t i = 0; i < (size_t) R * Z; i++)
        {
          /* a log-variance far outside what training produces must not
           * overflow into Inf/NaN codes */
          float lv = dec->lv[i] < -30.0f ? -30.0f : (dec->lv[i] > 10.0f ? 10.0f : dec->lv[i]);
          dec->z[i] = mode == CE_LATENT_SAMPLE
                      ? dec->mu[i] + expf (0.5f * lv) * ce_rng_normal (rng)
                      : dec->mu[i];
        }
    }
  else if (model->cfg.kind == CE_MODEL_ARAE)
    {
      if (mode == CE_LATENT_SAMPLE)
        for (size_t i = 0; i < (size_t) R * Z; i++)
          dec->mu[i] = ce_rng_normal (rng);
      ce_arae_generate (model, dec->z, dec->pool, mode == CE_LATENT_SAMPLE ? dec->mu : NULL, R,
                        dec->lat_a, dec->lat_b, dec->lv);
    }

  ce_concat_rows (dec->init_in, dec->pool, H, dec->z, Z, R);
  ce_dense_forward (dec->h, dec->init_in, p->init_W, p->init_b, CE_ACT_TANH, R, H + Z, H);
  memset (dec->ctx, 0, (size_t) R * H * sizeof (float));
  memset (dec->attn, 0, (size_t) R * src->S * sizeof (float));
  for (int r = 0; r < R; r++)
    memcpy (dec->gc + (size_t) r * 3 * H, p->dec_bx, (size_t) 3 * H * sizeof (float));
  if (Z > 0)
    ce_gemm (0, 1, R, 3 * H, Z, 1.0f, dec->z, Z, p->dec_Wz, Z, 1.0f, dec->gc, 3 * H);
  return CE_OK;
}

/* ---- the second thread ------------------------------------------------------ */

static long
elapsed_ns (const struct timespec *t0)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (t.tv_sec - t0->tv_sec) * 1000000000L + (t.tv_nsec - t0->tv_nsec);
}

static inline void
cpu_relax (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#endif
}

static void *
worker_main (void *data)
{
  Q8Worker *w = data;
  unsigned seen = 0;
  for (;;)
    {
      unsigned job = atomic_load (&w->posted);
      if (job == seen)
        {
          struct timespec t0;
          clock_gettime (CLOCK_MONOTONIC, &t0);
          for (int i = 0; (job = atomic_load (&w->posted)) == seen; i++)
            {
              cpu_relax ();
              if ((i & 255) == 255 && elapsed_ns (&t0) > Q8_SPIN_NS)
                break;
            }
        }
      if (job == seen)
        {
          /* sleep: the caller reads SLEEPING after bumping POSTED, and we
           * read POSTED after setting SLEEPING (both sequentially
           * consistent), so either it signals or we see the job */
          pthread_mutex_lock (&w->lock);
          atomic_store (&w->sleeping, 1);
          while ((job = atomic_load (&w->posted)) == seen && !w->quit)
            pthread_cond_wait (&w->cond, &w->lock);
          atomic_store (&w->sleeping, 0);
          const int quit = w->quit;
          pthread_mutex_unlock (&w->lock);
          if (quit)
            return NULL;
        }
      seen = job;
      /* the caller does the job itself when it gets there first (this
       * thread lost its core); only the job's taker reads its fields */
      unsigned expect = job - 1;
      if (!atomic_compare_exchange_strong (&w->claimed, &expect, job))
        continue;
      ce_q8_gemm_rows (w->m, w->n0, w->n1, w->xq, w->xscale, w->R, w->y, w->ldy, w->accumulate,
                       w->reverse);
      atomic_store (&w->finished, job);
    }
}

static void
stop_worker (CeDecoder *dec)
{
  Q8Worker *w = dec->worker;
  if (!w)
    return;
  pthread_mutex_lock (&w->lock);
  w->quit = 1;
  pthread_cond_signal (&w->cond);
  pthread_mutex_unlock (&w->lock);
  pthread_join (w->thread, NULL);
  pthread_cond_destroy (&w->cond);
  pthread_mutex_destroy (&w->lock);
  free (w);
  dec->worker = NULL;
}

CeStatus
ce_decoder_set_threads (CeDecoder *dec, int n_threads, char *msg)
{
  if (n_threads < 1 || n_threads > 2)
    {
      snprintf (msg, CE_MSG_SIZE, "decoder: %d threads, expected 1 or 2", n_threads);
      return CE_ERR_INVALID_ARG;
    }
  if (n_threads == 1 || !dec->q8)   /* the fp32 path's threads are BLAS's */
    {
      stop_worker (dec);
      return CE_OK;
    }
  if (dec->worker)
    return CE_OK;
  Q8Worker *w = calloc (1, sizeof *w);
  if (!w)
    {
      snprintf (msg, CE_MSG_SIZE, "decoder: out of memory for a second thread");
      return CE_ERR_NOMEM;
    }
  atomic_init (&w->posted, 0);
  atomic_init (&w->finished, 0);
  atomic_init (&w->claimed, 0);
  atomic_init (&w->sleeping, 0);
  int err = pthread_mutex_init (&w->lock, NULL);
  if (err == 0 && (err = pthread_cond_init (&w->cond, NULL)) != 0)
    pthread_mutex_destroy (&w->lock);
  if (err == 0 && (err = pthread_create (&w->thread, NULL, worker_main, w)) != 0)
    {
      pthread_cond_destroy (&w->cond);
      pthread_mutex_destroy (&w->lock);
    }
  if (err != 0)
    {
      free (w);
      snprintf (msg, CE_MSG_SIZE, "decoder: cannot start a second thread (%s)", strerror (err));
      return CE_ERR_NOMEM;
    }
  dec->worker = w;
  return CE_OK;
}

int
ce_decoder_get_threads (const CeDecoder *dec)
{
  return dec->worker ? 2 : 1;
}

/* Y(R, N) (row stride LDY) = (ACCUMULATE ? Y : 0) + X(R, K) M^T with the
 * int8 copy M; X's rows are quantised into the decoder's buffer first.
 * SPLIT: the worker (if any) takes the upper half of M's rows. */
static void
q8_product (CeDecoder *dec, const CeQ8Matrix *m, const float *x, int ldx, float *y, int ldy,
            int accumulate, int split)
{
  ce_q8_quantize_rows (dec->xq, dec->xscale, x, dec->R, m->K, ldx, m->Kp);
  Q8Worker *w = dec->worker;
  if (!w || !split || m->N < 2 * CE_Q8_BLOCK)
    {
      ce_q8_gemm_rows (m, 0, m->N, dec->xq, dec->xscale, dec->R, y, ldy, accumulate,
                       dec->reverse);
      return;
    }
  /* whole blocks for the caller's half */
  const int half = (m->N / 2 + CE_Q8_BLOCK - 1) / CE_Q8_BLOCK * CE_Q8_BLOCK;
  w->m = m;
  w->n0 = half;
  w->n1 = m->N;
  w->xq = dec->xq;
  w->xscale = dec->xscale;
  w->R = dec->R;
  w->y = y;
  w->ldy = ldy;
  w->accumulate = accumulate;
  w->reverse = dec->reverse;
  const unsigned job = atomic_load (&w->posted) + 1;
  atomic_store (&w->posted, job);
  if (atomic_load (&w->sleeping))
    {
      pthread_mutex_lock (&w->lock);
      pthread_cond_signal (&w->cond);
      pthread_mutex_unlock (&w->lock);
    }
  ce_q8_gemm_rows (m, 0, half, dec->xq, dec->xscale, dec->R, y, ldy, accumulate, dec->reverse);
  unsigned expect = job - 1;
  if (atomic_compare_exchange_strong (&w->claimed, &expect, job))
    {
      /* the worker has not started: do its half too rather than wait for
       * it to get a core (on a busy machine it may not have one) */
      ce_q8_gemm_rows (m, half, m->N, dec->xq, dec->xscale, dec->R, y, ldy, accumulate,
                       dec->reverse);
      return;
    }
  for (int i = 0; atomic_load (&w->finished) != job; i++)
    {
      cpu_relax ();
      if ((i & 1023) == 1023)
        sched_yield ();   /* the worker lost its core: let it run */
    }
}

/* Additive attention of each row over its own source (through row_src). */
static void
attend_rows (CeDecoder *dec)
{
  const CeModel *model = dec->model;
  const CeParams *p = &model->p;
  const CeEncWork *ew = &dec->enc;
  const int R = dec->R, S = dec->S, H = model->d.H, A = model->d.A;

  if (dec->q8)
    q8_product (dec, &dec->q8->wq, dec->h, H, dec->qw, A, 0, 0);
  else
    ce_gemm (0, 1, R, A, H, 1.0f, dec->h, H, p->att_Wq, H, 0.0f, dec->qw, A);
  for (int r = 0; r < R; r++)
    {
      const int k = dec->row_src[r];
      const float *q = dec->qw + (size_t) r * A;
      const uint8_t *mask = ew->mask + (size_t) k * S;
      float *a = dec->attn + (size_t) r * S;
      /* tanh(key + q) for every position at once (vectorised tanh) */
      const float *keys = ew->keys + (size_t) k * S * A;
      for (int s = 0; s < S; s++)
        for (int j = 0; j < A; j++)
          dec->pre[(size_t) s * A + j] = keys[(size_t) s * A + j] + q[j];
      ce_vtanh (dec->pre, dec->pre, (size_t) S * A);
      float best = -INFINITY;
      for (int s = 0; s < S; s++)
        {
          if (!mask[s])
            continue;
          const float *t = dec->pre + (size_t) s * A;
          float e = 0.0f;
          for (int j = 0; j < A; j++)
            e += p->att_v[j] * t[j];
          dec->score[s] = e;
          if (e > best)
            best = e;
        }
      float sum = 0.0f;
      for (int s = 0; s < S; s++)
        {
          a[s] = mask[s] ? expf (dec->score[s] - best) : 0.0f;
          sum += a[s];
        }
      float *ctx = dec->ctx + (size_t) r * H;
      memset (ctx, 0, (size_t) H * sizeof (float));
      for (int s = 0; s < S; s++)
        {
          if (!mask[s])
            continue;
          a[s] /= sum;
          const float *e = ew->enc + ((size_t) k * S + s) * H;
          for (int j = 0; j < H; j++)
            ctx[j] += a[s] * e[j];
        }
    }
}

/* log σ(x), stable for large |x| */
static float
log_sigmoid (float x)
{
  return x >= 0.0f ? -log1pf (expf (-x)) : x - log1pf (expf (x));
}

/* logprobs of the copy mixture: g p_vocab + (1 - g) copy, from the
 * vocabulary log-softmax already in LP (V). Only source tokens need the
 * mixture; every other token is log g + log p_vocab. */
static void
mix_copy_row (CeDecoder *dec, int r, float *lp)
{
  const CeModel *model = dec->model;
  const CeParams *p = &model->p;
  const int H = model->d.H, E = model->d.E, V = model->d.V, S = dec->S;
  const float *feat = dec->feat + (size_t) r * 2 * H, *emb = dec->emb + (size_t) r * E;
  const float *a = dec->attn + (size_t) r * S;
  const int k = dec->row_src[r];
  const int32_t *ids = dec->src_ids + (size_t) k * S;

  float gl = p->gate_b[0];
  for (int i = 0; i < 2 * H; i++)
    gl += p->gate_w[i] * feat[i];
  for (int i = 0; i < E; i++)
    gl += p->gate_w[2 * H + i] * emb[i];
  const float log_g = log_sigmoid (gl), g = expf (log_g);
  for (int w = 0; w < V; w++)
    lp[w] += log_g;
  for (int s = 0; s < S; s++)
    {
      const int32_t id = ids[s];
      if (id < 0)
        continue;
      int seen = 0;
      for (int s2 = 0; s2 < s; s2++)
        seen |= ids[s2] == id;
      if (seen)
        continue;
      float mass = 0.0f;
      for (int s2 = s; s2 < S; s2++)
        if (ids[s2] == id)
          mass += a[s2];
      const float pv = expf (lp[id]);   /* g p_vocab(id) */
      lp[id] = logf (pv + (1.0f - g) * mass + 1e-9f);
    }
}

CeStatus
ce_decoder_step (CeDecoder *dec, const int32_t *prev, float *logprobs, char *msg)
{
  const CeModel *model = dec->model;
  const CeDims *d = &model->d;
  const CeParams *p = &model->p;
  const int R = dec->R, H = d->H, E = d->E, V = d->V;

  if (R < 1)
    {
      snprintf (msg, CE_MSG_SIZE, "decoder: step before start");
      return CE_ERR_INVALID_ARG;
    }
  for (int r = 0; r < R; r++)
    if (prev[r] < 0 || prev[r] >= V)
      {
        snprintf (msg, CE_MSG_SIZE, "decoder: row %d: previous token %d outside the vocabulary",
                  r, prev[r]);
        return CE_ERR_INVALID_ARG;
      }

  ce_embedding_forward (dec->emb, prev, p->tok_emb, R, E);
  memcpy (dec->gx, dec->gc, (size_t) R * 3 * H * sizeof (float));
  if (dec->q8)
    {
      q8_product (dec, &dec->q8->emb, dec->emb, E, dec->gx, 3 * H, 1, 0);
      q8_product (dec, &dec->q8->ctx, dec->ctx, H, dec->gx, 3 * H, 1, 0);
      for (int r = 0; r < R; r++)
        memcpy (dec->gh + (size_t) r * 3 * H, p->dec_bh, (size_t) 3 * H * sizeof (float));
      q8_product (dec, &dec->q8->wh, dec->h, H, dec->gh, 3 * H, 1, 0);
      ce_gru_step_gates (dec->h2, dec->cache, dec->gx, dec->gh, dec->h, R, H);
    }
  else
    {
      ce_gemm (0, 1, R, 3 * H, E, 1.0f, dec->emb, E, p->dec_Wemb, E, 1.0f, dec->gx, 3 * H);
      ce_gemm (0, 1, R, 3 * H, H, 1.0f, dec->ctx, H, p->dec_Wctx, H, 1.0f, dec->gx, 3 * H);
      ce_gru_step_forward (dec->h2, dec->cache, dec->gx, dec->h, p->dec_Wh, p->dec_bh, R, H,
                           dec->scratch);
    }
  float *tmp = dec->h;
  dec->h = dec->h2;
  dec->h2 = tmp;
  attend_rows (dec);

  ce_concat_rows (dec->feat, dec->h, H, dec->ctx, H, R);
  for (int r = 0; r < R; r++)
    memcpy (dec->logits + (size_t) r * V, p->out_b, (size_t) V * sizeof (float));
  if (dec->q8)
    q8_product (dec, &dec->q8->out, dec->feat, 2 * H, dec->logits, V, 1, 1);
  else
    ce_gemm (0, 1, R, V, 2 * H, 1.0f, dec->feat, 2 * H, p->out_W, 2 * H, 1.0f, dec->logits, V);
  dec->reverse = !dec->reverse;
  ce_log_softmax_rows (logprobs, dec->logits, R, V);
  if (model->cfg.copy)
    for (int r = 0; r < R; r++)
      mix_copy_row (dec, r, logprobs + (size_t) r * V);
  return CE_OK;
}

CeStatus
ce_decoder_reorder (CeDecoder *dec, const int32_t *parent, int r_new, char *msg)
{
  const int H = dec->model->d.H, S = dec->S;
  if (r_new < 1 || r_new > dec->max_rows)
    {
      snprintf (msg, CE_MSG_SIZE, "decoder: reorder to %d rows, expected 1..%d", r_new,
                dec->max_rows);
      return CE_ERR_INVALID_ARG;
    }
  for (int r = 0; r < r_new; r++)
    if (parent[r] < 0 || parent[r] >= dec->R)
      {
        snprintf (msg, CE_MSG_SIZE, "decoder: new row %d continues row %d, there are %d",
                  r, parent[r], dec->R);
        return CE_ERR_INVALID_ARG;
      }
  for (int r = 0; r < r_new; r++)
    {
      const int q = parent[r];
      dec->row_src2[r] = dec->row_src[q];
      memcpy (dec->h2 + (size_t) r * H, dec->h + (size_t) q * H, (size_t) H * sizeof (float));
      memcpy (dec->ctx2 + (size_t) r * H, dec->ctx + (size_t) q * H, (size_t) H * sizeof (float));
      memcpy (dec->gc2 + (size_t) r * 3 * H, dec->gc + (size_t) q * 3 * H,
              (size_t) 3 * H * sizeof (float));
      memcpy (dec->attn2 + (size_t) r * S, dec->attn + (size_t) q * S, (size_t) S * sizeof (float));
    }
  int32_t *ti = dec->row_src;
  dec->row_src = dec->row_src2;
  dec->row_src2 = ti;
  float *tf;
  tf = dec->h; dec->h = dec->h2; dec->h2 = tf;
  tf = dec->ctx; dec->ctx = dec->ctx2; dec->ctx2 = tf;
  tf = dec->gc; dec->gc = dec->gc2; dec->gc2 = tf;
  tf = dec->attn; dec->attn = dec->attn2; dec->attn2 = tf;
  dec->R = r_new;
  return CE_OK;
}

/* ---- decoding precision ---------------------------------------------------- */

void
ce_model_drop_q8 (CeModel *model)
{
  CeQ8Weights *q = model->q8;
  if (!q)
    return;
  ce_q8_matrix_clear (&q->emb);
  ce_q8_matrix_clear (&q->ctx);
  ce_q8_matrix_clear (&q->wh);
  ce_q8_matrix_clear (&q->wq);
  ce_q8_matrix_clear (&q->out);
  free (q);
  model->q8 = NULL;
}

CeStatus
ce_model_set_decode_precision (CeModel *model, CePrecision precision, char *msg)
{
  if (!model || (precision != CE_PRECISION_FP32 && precision != CE_PRECISION_INT8))
    {
      snprintf (msg, CE_MSG_SIZE, "decode precision: %d is not a precision", (int) precision);
      return CE_ERR_INVALID_ARG;
    }
  if (precision == CE_PRECISION_FP32)
    {
      ce_model_drop_q8 (model);
      return CE_OK;
    }
  if (model->q8)   /* dropped whenever the weights change, so current */
    return CE_OK;
  const CeDims *d = &model->d;
  const CeParams *p = &model->p;
  CeQ8Weights *q = calloc (1, sizeof *q);
  if (!q)
    {
      snprintf (msg, CE_MSG_SIZE, "decode precision: out of memory");
      return CE_ERR_NOMEM;
    }
  CeStatus st;
  if ((st = ce_q8_matrix_init (&q->emb, p->dec_Wemb, 3 * d->H, d->E, "dec_Wemb", msg)) != CE_OK
      || (st = ce_q8_matrix_init (&q->ctx, p->dec_Wctx, 3 * d->H, d->H, "dec_Wctx", msg)) != CE_OK
      || (st = ce_q8_matrix_init (&q->wh, p->dec_Wh, 3 * d->H, d->H, "dec_Wh", msg)) != CE_OK
      || (st = ce_q8_matrix_init (&q->wq, p->att_Wq, d->A, d->H, "att_Wq", msg)) != CE_OK
      || (st = ce_q8_matrix_init (&q->out, p->out_W, d->V, 2 * d->H, "out_W", msg)) != CE_OK)
    {
      model->q8 = q;
      ce_model_drop_q8 (model);
      return st;
    }
  model->q8 = q;
  return CE_OK;
}

CePrecision
ce_model_get_decode_precision (const CeModel *model)
{
  return model->q8 ? CE_PRECISION_INT8 : CE_PRECISION_FP32;
}
