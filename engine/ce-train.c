/* ce-train.c — datasets, batching and the training loop */
#include "engine.h"
#include "ce-model-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct CeDataset {
  int n, cap;
  int32_t **src, **field, **tgt;
  int *S, *T;
};

CeDataset *
ce_dataset_new (void)
{
  return calloc (1, sizeof (CeDataset));
}

void
ce_dataset_free (CeDataset *ds)
{
  if (ds == NULL)
    return;
  for (int i = 0; i < ds->n; i++)
    {
      free (ds->src[i]);
      free (ds->field[i]);
      free (ds->tgt[i]);
    }
  free (ds->src);
  free (ds->field);
  free (ds->tgt);
  free (ds->S);
  free (ds->T);
  free (ds);
}

static int
grow (void **p, size_t elem, int cap)
{
  void *q = realloc (*p, elem * (size_t) cap);
  if (q == NULL)
    return 0;
  *p = q;
  return 1;
}

CeStatus
ce_dataset_add (CeDataset *ds, const int32_t *src, const int32_t *src_field, int S,
                const int32_t *tgt, int T)
{
  int i;

  if (S < 0 || T < 0)
    return CE_ERR_INVALID_ARG;
  if (ds->n == ds->cap)
    {
      int cap = ds->cap ? ds->cap * 2 : 256;
      if (!grow ((void **) &ds->src, sizeof (int32_t *), cap) || !grow ((void **) &ds->field, sizeof (int32_t *), cap)
          || !grow ((void **) &ds->tgt, sizeof (int32_t *), cap) || !grow ((void **) &ds->S, sizeof (int), cap)
          || !grow ((void **) &ds->T, sizeof (int), cap))
        return CE_ERR_NOMEM;
      ds->cap = cap;
    }
  i = ds->n;
  ds->src[i] = malloc (sizeof (int32_t) * (size_t) (S > 0 ? S : 1));
  ds->field[i] = malloc (sizeof (int32_t) * (size_t) (S > 0 ? S : 1));
  ds->tgt[i] = malloc (sizeof (int32_t) * (size_t) (T > 0 ? T : 1));
  if (ds->src[i] == NULL || ds->field[i] == NULL || ds->tgt[i] == NULL)
    {
      free (ds->src[i]);
      free (ds->field[i]);
      free (ds->tgt[i]);
      return CE_ERR_NOMEM;
    }
  if (S > 0)
    {
      memcpy (ds->src[i], src, sizeof (int32_t) * (size_t) S);
      memcpy (ds->field[i], src_field, sizeof (int32_t) * (size_t) S);
    }
  if (T > 0)
    memcpy (ds->tgt[i], tgt, sizeof (int32_t) * (size_t) T);
  ds->S[i] = S;
  ds->T[i] = T;
  ds->n++;
  return CE_OK;
}

int
ce_dataset_size (const CeDataset *ds)
{
  return ds ? ds->n : 0;
}

void
ce_dataset_get (const CeDataset *ds, int i, const int32_t **src, const int32_t **src_field,
                int *S, const int32_t **tgt, int *T)
{
  *src = ds->src[i];
  *src_field = ds->field[i];
  *S = ds->S[i];
  *tgt = ds->tgt[i];
  *T = ds->T[i];
}

CeStatus
ce_dataset_batch (const CeDataset *ds, const int *idx, int n, CeBatch *batch, void **buffer)
{
  int S = 1, T = 1;
  int32_t *mem, *src, *field, *tgt;

  for (int k = 0; k < n; k++)
    {
      if (ds->S[idx[k]] > S)
        S = ds->S[idx[k]];
      if (ds->T[idx[k]] > T)
        T = ds->T[idx[k]];
    }
  mem = malloc (sizeof (int32_t) * (size_t) n * (size_t) (2 * S + T));
  if (mem == NULL)
    return CE_ERR_NOMEM;
  src = mem;
  field = mem + (size_t) n * S;
  tgt = mem + (size_t) 2 * n * S;
  for (int k = 0; k < n; k++)
    {
      int i = idx[k];
      for (int s = 0; s < S; s++)
        {
          src[(size_t) k * S + s] = s < ds->S[i] ? ds->src[i][s] : -1;
          field[(size_t) k * S + s] = s < ds->S[i] ? ds->field[i][s] : 0;
        }
      for (int t = 0; t < T; t++)
        tgt[(size_t) k * T + t] = t < ds->T[i] ? ds->tgt[i][t] : -1;
    }
  batch->B = n;
  batch->S = S;
  batch->T = T;
  batch->src = src;
  batch->src_field = field;
  batch->tgt = tgt;
  *buffer = mem;
  return CE_OK;
}

void
ce_train_options_default (CeTrainOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->epochs = 10;
  opts->max_seconds = 0;
  opts->batch_size = 64;
  ce_train_params_default (&opts->params);
  opts->warmup_steps = 200;
  opts->lr_final_ratio = 0.1f;
  opts->kl_anneal_steps = 2000;
  opts->patience = 0;
  opts->report_every = 20;
  opts->seed = 1;
}

static double
now_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* Batches of similar target length (less padding), in a shuffled order. */
typedef struct {
  int *order;      /* example indices, grouped into batches */
  int *starts;     /* batch b is order[starts[b] .. starts[b+1]) */
  int n_batches;
} Epoch;

static void
shuffle_ints (int *a, int n, CeRng *rng)
{
  for (int i = n - 1; i > 0; i--)
    {
      int j = (int) ce_rng_below (rng, (uint32_t) i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
}

/* Shuffle, then sort windows of 50 batches by length and cut them into
 * batches; shuffle the batches. */
static int
make_epoch (const CeDataset *ds, int batch_size, CeRng *rng, Epoch *ep)
{
  int n = ds->n;
  int window = batch_size * 50;

  ep->order = malloc (sizeof (int) * (size_t) (n > 0 ? n : 1));
  ep->n_batches = (n + batch_size - 1) / batch_size;
  ep->starts = malloc (sizeof (int) * (size_t) (ep->n_batches + 1));
  if (ep->order == NULL || ep->starts == NULL)
    return 0;
  for (int i = 0; i < n; i++)
    ep->order[i] = i;
  shuffle_ints (ep->order, n, rng);
  for (int w = 0; w < n; w += window)
    {
      int m = n - w < window ? n - w : window;
      int *a = ep->order + w;
      /* insertion sort by target length: windows are small and nearly random */
      for (int i = 1; i < m; i++)
        {
          int x = a[i], j = i - 1;
          while (j >= 0 && ds->T[a[j]] > ds->T[x])
            {
              a[j + 1] = a[j];
              j--;
            }
          a[j + 1] = x;
        }
    }
  {
    int *perm = malloc (sizeof (int) * (size_t) (ep->n_batches > 0 ? ep->n_batches : 1));
    int *copy = malloc (sizeof (int) * (size_t) (n > 0 ? n : 1));
    int pos = 0;
    if (perm == NULL || copy == NULL)
      {
        free (perm);
        free (copy);
        return 0;
      }
    for (int b = 0; b < ep->n_batches; b++)
      perm[b] = b;
    shuffle_ints (perm, ep->n_batches, rng);
    for (int k = 0; k < ep->n_batches; k++)
      {
        int b = perm[k];
        int start = b * batch_size, end = start + batch_size < n ? start + batch_size : n;
        ep->starts[k] = pos;
        for (int i = start; i < end; i++)
          copy[pos++] = ep->order[i];
      }
    ep->starts[ep->n_batches] = pos;
    memcpy (ep->order, copy, sizeof (int) * (size_t) n);
    free (perm);
    free (copy);
  }
  return 1;
}

static void
epoch_clear (Epoch *ep)
{
  free (ep->order);
  free (ep->starts);
  ep->order = NULL;
  ep->starts = NULL;
}

/* The last good weights and optimiser state (Adam m, v and step counts):
 * a step that turns the loss NaN or Inf is rolled back to them. Taken every
 * SNAPSHOT_EVERY good steps and at each epoch's end, only from finite
 * weights. */
#define SNAPSHOT_EVERY 50
#define MAX_CONSECUTIVE_BAD 10
/* Rollbacks halve the learning rate; below this share of it training is
 * called diverged even when good and bad steps alternate (a good step can
 * leave huge but finite weights that poison the next one, so the bad steps
 * are never consecutive: a learning rate of 1e30 otherwise "trained" for
 * its whole budget on rolled-back weights and saved an untrained model). */
#define MIN_LR_SCALE (1.0f / 4096.0f)

typedef struct {
  float *mem;            /* params | adam m | adam v */
  int64_t adam_t[CE_N_GROUPS];
  int step;              /* the optimiser step it was taken at */
} Snapshot;

static int
snapshot_take (Snapshot *s, const CeModel *model, int step)
{
  const size_t n = model->table.total;

  if (!ce_all_finite (model->params, 0, n) || !ce_all_finite (model->adam_m, 0, n)
      || !ce_all_finite (model->adam_v, 0, n))
    return 0;   /* never keep poisoned weights as "good" */
  memcpy (s->mem, model->params, n * sizeof (float));
  memcpy (s->mem + n, model->adam_m, n * sizeof (float));
  memcpy (s->mem + 2 * n, model->adam_v, n * sizeof (float));
  memcpy (s->adam_t, model->adam_t, sizeof s->adam_t);
  s->step = step;
  return 1;
}

static void
snapshot_restore (const Snapshot *s, CeModel *model)
{
  const size_t n = model->table.total;

  ce_model_drop_q8 (model);   /* its int8 copy would be of other weights */
  memcpy (model->params, s->mem, n * sizeof (float));
  memcpy (model->adam_m, s->mem + n, n * sizeof (float));
  memcpy (model->adam_v, s->mem + 2 * n, n * sizeof (float));
  memcpy (model->adam_t, s->adam_t, sizeof s->adam_t);
}

static double
heldout_xent (CeModel *model, const CeDataset *ds, int batch_size, char *msg)
{
  double sum = 0.0;
  long tokens = 0;
  int *idx = malloc (sizeof (int) * (size_t) batch_size);

  if (idx == NULL)
    return NAN;
  for (int start = 0; start < ds->n; start += batch_size)
    {
      int n = ds->n - start < batch_size ? ds->n - start : batch_size;
      CeBatch batch;
      void *buf = NULL;
      CeLosses l;
      for (int k = 0; k < n; k++)
        idx[k] = start + k;
      if (ce_dataset_batch (ds, idx, n, &batch, &buf) != CE_OK)
        break;
      if (ce_model_eval_loss (model, &batch, &l, msg) == CE_OK)
        {
          sum += l.xent * l.tokens;
          tokens += l.tokens;
        }
      free (buf);
    }
  free (idx);
  return tokens > 0 ? sum / (double) tokens : NAN;
}

CeStatus
ce_train (CeModel *model, const CeDataset *train, const CeDataset *heldout,
          const CeTrainOptions *opts, CeTrainResult *result, char *msg)
{
  CeRng rng;
  CeTrainResult res = { 0 };
  CeTrainProgress pr;
  CeStatus status = CE_OK;
  double t0 = now_seconds ();
  int bs = opts->batch_size > 0 ? opts->batch_size : 32;
  int batches_per_epoch, step = 0, epoch = 0, since_best = 0;
  int consecutive_bad = 0;
  float lr_scale = 1.0f;
  double acc_xent = 0, acc_kl = 0, acc_critic = 0, acc_gen = 0, acc_gn = 0;
  long acc_tokens = 0, window_tokens = 0;
  int acc_n = 0;
  double window_t0 = t0;
  double tokens_per_s = 0;

  Snapshot good = { 0 };

  res.best_score = NAN;
  res.best_epoch = 0;
  if (train == NULL || train->n == 0)
    {
      snprintf (msg, CE_MSG_SIZE, "there are no training examples");
      return CE_ERR_INVALID_ARG;
    }
  if (opts->epochs <= 0 && opts->max_seconds <= 0)
    {
      snprintf (msg, CE_MSG_SIZE, "training needs an epoch count or a time budget");
      return CE_ERR_INVALID_ARG;
    }
  if ((status = ce_model_set_train_precision (model, opts->precision, msg)) != CE_OK)
    return status;
  good.mem = malloc (3 * model->table.total * sizeof (float));
  if (good.mem == NULL)
    {
      snprintf (msg, CE_MSG_SIZE, "out of memory for a copy of the weights (%zu parameters)",
                model->table.total);
      return CE_ERR_NOMEM;
    }
  if (!snapshot_take (&good, model, 0))
    {
      free (good.mem);
      snprintf (msg, CE_MSG_SIZE, "the model's weights are not finite (NaN or Inf) before training");
      return CE_ERR_NUMERIC;
    }
  ce_rng_seed (&rng, opts->seed);
  batches_per_epoch = (train->n + bs - 1) / bs;
  memset (&pr, 0, sizeof pr);

  for (epoch = 1; opts->epochs <= 0 || epoch <= opts->epochs; epoch++)
    {
      Epoch ep = { 0 };
      int stop = 0;

      if (!make_epoch (train, bs, &rng, &ep))
        {
          epoch_clear (&ep);
          snprintf (msg, CE_MSG_SIZE, "out of memory while shuffling %d examples", train->n);
          status = CE_ERR_NOMEM;
          break;
        }

      for (int b = 0; b < ep.n_batches; b++)
        {
          CeBatch batch;
          void *buf = NULL;
          CeLosses l;
          CeTrainParams p = opts->params;
          double elapsed = now_seconds () - t0;
          double frac_steps = opts->epochs > 0 ? (double) step / ((double) opts->epochs * batches_per_epoch) : 0.0;
          double frac_time = opts->max_seconds > 0 ? elapsed / opts->max_seconds : 0.0;
          double frac = frac_steps > frac_time ? frac_steps : frac_time;
          CeStatus st;

          if (opts->cancel != NULL && opts->cancel (opts->user))
            {
              res.cancelled = 1;
              stop = 1;
              break;
            }
          if (opts->max_seconds > 0 && elapsed >= opts->max_seconds)
            {
              stop = 1;
              break;
            }

          /* warm-up, then cosine decay over the budget (steps or time) */
          {
            float warm = opts->warmup_steps > 0 && step < opts->warmup_steps
              ? (float) (step + 1) / (float) opts->warmup_steps : 1.0f;
            float fr = opts->lr_final_ratio;
            float cosine = (float) (0.5 * (1.0 + cos (3.141592653589793 * (frac > 1.0 ? 1.0 : frac))));
            p.lr = opts->params.lr * warm * (fr + (1.0f - fr) * cosine) * lr_scale;
          }
          p.kl_weight = opts->kl_anneal_steps > 0
            ? fminf (1.0f, (float) step / (float) opts->kl_anneal_steps) * opts->params.kl_weight
            : opts->params.kl_weight;
          /* ARAE phases: autoencoder only at first, the decoder on the
           * generator's codes at the end */
          if (opts->gan_warmup_frac > 0.0f && frac < opts->gan_warmup_frac)
            p.gan_skip = 1;
          if (opts->gan_finetune_frac > 0.0f && frac >= 1.0 - opts->gan_finetune_frac)
            {
              p.gan_skip = 1;
              p.gan_gen_share = 1.0f;
            }

          status = ce_dataset_batch (train, ep.order + ep.starts[b], ep.starts[b + 1] - ep.starts[b], &batch, &buf);
          if (status != CE_OK)
            {
              snprintf (msg, CE_MSG_SIZE, "out of memory for a batch");
              stop = 1;
              break;
            }
          st = ce_model_train_step (model, &batch, &p, &l, msg);
          free (buf);
          if (st == CE_ERR_NUMERIC)
            {
              /* Back to the last good weights and optimiser state (an ARAE
               * step may have updated the autoencoder before its GAN part
               * failed), then on with half the learning rate. */
              snapshot_restore (&good, model);
              res.numeric_recoveries++;
              lr_scale *= 0.5f;
              if (++consecutive_bad >= MAX_CONSECUTIVE_BAD)
                {
                  snprintf (msg, CE_MSG_SIZE, "training diverged: %d steps in a row gave NaN or Inf even at %.2g of "
                            "the learning rate; stopped with the weights of step %d",
                            MAX_CONSECUTIVE_BAD, (double) lr_scale, good.step);
                  status = CE_ERR_NUMERIC;
                  stop = 1;
                  break;
                }
              if (lr_scale < MIN_LR_SCALE)
                {
                  snprintf (msg, CE_MSG_SIZE, "training diverged: %d steps gave NaN or Inf, and still did at 1/%.0f "
                            "of the learning rate; stopped with the weights of step %d",
                            res.numeric_recoveries, 1.0 / (double) lr_scale, good.step);
                  status = CE_ERR_NUMERIC;
                  stop = 1;
                  break;
                }
              continue;
            }
          if (st != CE_OK)
            {
              status = st;
              stop = 1;
              break;
            }
          consecutive_bad = 0;
          step++;
          if (step % SNAPSHOT_EVERY == 0)
            (void) snapshot_take (&good, model, step);
          acc_xent += l.xent;
          acc_kl += l.kl;
          acc_critic += l.critic;
          acc_gen += l.generator;
          acc_gn += l.grad_norm;
          acc_tokens += l.tokens;
          window_tokens += l.tokens;
          acc_n++;

          if (opts->progress != NULL && opts->report_every > 0 && step % opts->report_every == 0)
            {
              double now = now_seconds ();
              if (now > window_t0)
                tokens_per_s = (double) window_tokens / (now - window_t0);
              window_tokens = 0;
              window_t0 = now;
              memset (&pr, 0, sizeof pr);
              pr.step = step;
              pr.epoch = epoch;
              pr.epochs = opts->epochs;
              pr.elapsed = now - t0;
              {
                double by_steps = opts->epochs > 0 ? (double) opts->epochs * batches_per_epoch : INFINITY;
                double rate = pr.elapsed / step;
                double by_time = opts->max_seconds > 0 ? opts->max_seconds / rate : INFINITY;
                double total = by_steps < by_time ? by_steps : by_time;
                pr.total_steps = isfinite (total) ? (int) total : step;
                pr.eta = isfinite (total) ? (total - step) * rate : NAN;
                if (pr.eta < 0)
                  pr.eta = 0;
              }
              pr.tokens_per_s = tokens_per_s;
              pr.losses.xent = acc_xent / acc_n;
              pr.losses.kl = acc_kl / acc_n;
              pr.losses.critic = acc_critic / acc_n;
              pr.losses.generator = acc_gen / acc_n;
              pr.losses.grad_norm = acc_gn / acc_n;
              pr.losses.tokens = (int) acc_tokens;
              pr.lr = p.lr;
              pr.kl_weight = p.kl_weight;
              pr.heldout_xent = NAN;
              pr.heldout_score = NAN;
              pr.numeric_recoveries = res.numeric_recoveries;
              opts->progress (opts->user, &pr);
              acc_xent = acc_kl = acc_critic = acc_gen = acc_gn = 0;
              acc_tokens = 0;
              acc_n = 0;
            }
        }
      epoch_clear (&ep);
      res.epochs = epoch;

      if (status != CE_OK && !res.cancelled)
        break;

      /* Epoch end (also after a cancel or the time running out): evaluate, keep the best. */
      {
        double hx = heldout != NULL && heldout->n > 0 ? heldout_xent (model, heldout, bs, msg) : NAN;
        double score = opts->eval != NULL ? opts->eval (opts->user, model) : (isfinite (hx) ? -hx : NAN);
        int improved = isfinite (score) && (!isfinite (res.best_score) || score > res.best_score);

        /* A partial epoch after a cancel only counts if it is better. */
        if (improved)
          {
            res.best_score = score;
            res.best_epoch = epoch;
            since_best = 0;
            if (opts->keep != NULL)
              {
                CeStatus ks = opts->keep (opts->user, model, msg);
                if (ks != CE_OK)
                  {
                    status = ks;
                    stop = 1;
                  }
              }
          }
        else
          since_best++;

        if (opts->progress != NULL)
          {
            double now = now_seconds ();
            memset (&pr, 0, sizeof pr);
            pr.step = step;
            pr.epoch = epoch;
            pr.epochs = opts->epochs;
            pr.elapsed = now - t0;
            pr.total_steps = step;
            pr.eta = 0;
            pr.tokens_per_s = tokens_per_s;
            if (acc_n > 0)
              {
                pr.losses.xent = acc_xent / acc_n;
                pr.losses.kl = acc_kl / acc_n;
                pr.losses.critic = acc_critic / acc_n;
                pr.losses.generator = acc_gen / acc_n;
                pr.losses.grad_norm = acc_gn / acc_n;
              }
            pr.epoch_end = 1;
            pr.heldout_xent = hx;
            pr.heldout_score = score;
            pr.improved = improved;
            pr.numeric_recoveries = res.numeric_recoveries;
            opts->progress (opts->user, &pr);
          }
      }

      /* Each finished epoch is a good point to come back to. */
      if (status == CE_OK && !res.cancelled)
        (void) snapshot_take (&good, model, step);
      if (stop || res.cancelled)
        break;
      if (opts->patience > 0 && since_best >= opts->patience)
        break;
      if (opts->max_seconds > 0 && now_seconds () - t0 >= opts->max_seconds)
        break;
    }

  free (good.mem);
  res.steps = step;
  res.seconds = now_seconds () - t0;
  if (result != NULL)
    *result = res;
  if (status == CE_OK && res.cancelled)
    {
      snprintf (msg, CE_MSG_SIZE, "training was cancelled after %d steps", step);
      return CE_ERR_CANCELLED;
    }
  return status;
}
