/* ce-decode.c — decoding strategies over a CeDecoder
 *
 * Greedy, beam search and sampling share one loop: each step the decoder
 * gives log-probabilities for every live row, the constraints (bans,
 * tokens allowed once, n-gram blocking, minimum length, character budget)
 * are checked lazily for the tokens a strategy actually considers, and the
 * rows that go on are compacted with ce_decoder_reorder, so finished rows
 * cost nothing.
 */
#include "engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Steps a beam may go on, under an EOS penalty, after its likeliest
 * candidate (without the penalty) was to end. */
#define EOS_PENALTY_GRACE 12

typedef struct {
  int source;        /* source row in the batch */
  int len;           /* tokens so far (EOS excluded) */
  int chars;         /* characters so far (budget) */
  float logprob;     /* sum of log-probabilities */
  int32_t *hist;     /* max_tokens tokens */
} Row;

typedef struct {
  const CeDecodeOptions *opts;
  int V;
  int max_tokens;
  int *n_required;   /* (B) required tokens per source (source_required) */
} Ctx;

typedef struct {
  int parent;        /* row it continues */
  int32_t token;
  float logprob;     /* total after the token */
  float key;         /* what the beam sorts by */
} Candidate;

void
ce_decode_options_default (CeDecodeOptions *opts, CeDecodeMethod method)
{
  memset (opts, 0, sizeof *opts);
  opts->method = method;
  opts->beam = method == CE_DECODE_BEAM ? 5 : 1;
  opts->n_best = method == CE_DECODE_SAMPLE ? 5 : 1;
  opts->length_alpha = 1.0f;
  opts->temperature = 1.0f;
  opts->top_k = 0;
  opts->top_p = 1.0f;
  opts->block_ngram = 0;
  opts->min_tokens = 0;
  opts->max_tokens = 60;
  opts->max_chars = 0;
  opts->latent = method == CE_DECODE_SAMPLE ? CE_LATENT_SAMPLE : CE_LATENT_MEAN;
  opts->threads = 1;
}

void
ce_hypotheses_free (CeHypothesis *hyps, int n)
{
  if (hyps == NULL)
    return;
  for (int i = 0; i < n; i++)
    free (hyps[i].tokens);
  free (hyps);
}

/* Whether ROW may continue with TOKEN; EOS is handled by the caller. */
static int
token_allowed (const Ctx *ctx, const Row *row, int32_t token)
{
  const CeDecodeOptions *o = ctx->opts;

  if (token == CE_TOK_EOS)
    {
      if (row->len < o->min_tokens)
        return 0;
      if (o->source_required != NULL && ctx->n_required[row->source] > 0)
        {
          /* distinct required tokens written so far */
          const uint8_t *req = o->source_required + (size_t) row->source * ctx->V;
          int have = 0;
          for (int i = 0; i < row->len; i++)
            if (req[row->hist[i]])
              {
                int seen = 0;
                for (int j = 0; j < i && !seen; j++)
                  seen = row->hist[j] == row->hist[i];
                have += !seen;
              }
          return have >= ctx->n_required[row->source];
        }
      return 1;
    }
  if (token == CE_TOK_PAD || token == CE_TOK_BOS)
    return 0;
  if (row->len >= ctx->max_tokens)
    return 0;
  if (o->banned != NULL && o->banned[token])
    return 0;
  if (o->source_banned != NULL && o->source_banned[(size_t) row->source * ctx->V + token])
    return 0;
  if (o->once != NULL && o->once[token])
    for (int i = 0; i < row->len; i++)
      if (row->hist[i] == token)
        return 0;
  /* With repetition blocking on, a token never follows itself ("it it"). */
  if (o->block_ngram > 0 && row->len > 0 && row->hist[row->len - 1] == token)
    return 0;
  if (o->block_ngram > 0 && row->len >= o->block_ngram - 1)
    {
      int n = o->block_ngram;
      const int32_t *tail = row->hist + row->len - (n - 1);
      for (int i = 0; i + n - 1 < row->len; i++)
        {
          if (row->hist[i + n - 1] != token)
            continue;
          if (n == 1 || memcmp (row->hist + i, tail, (size_t) (n - 1) * sizeof (int32_t)) == 0)
            return 0;
        }
    }
  if (o->max_chars > 0 && o->chars_func != NULL)
    {
      int32_t prev = row->len > 0 ? row->hist[row->len - 1] : CE_TOK_BOS;
      int c = o->chars_func (o->chars_user, row->source, prev, token);
      if (row->chars + c > o->max_chars)
        return 0;
    }
  return 1;
}

/* Candidate order of the selection: value descending, the lower id first
 * among equal values (what repeated argmax scans would take). */
typedef struct {
  float v;
  int32_t id;
} TopCand;

static int
cmp_top_cand (const void *a, const void *b)
{
  const TopCand *x = a, *y = b;
  if (x->v != y->v)
    return x->v > y->v ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

/* The K best allowed tokens of LP (V) for ROW, the plain way: every token
 * that can still be taken (finite, not -inf: LP marks taken and refused ones
 * -inf), sorted in selection order, then tried in turn. FOUND tokens are
 * in TOK_OUT already. Returns how many in all; -1 when out of memory. */
static int
top_allowed_sorted (const Ctx *ctx, const Row *row, float *lp, int K, int32_t *tok_out,
                    float *lp_out, int found)
{
  TopCand *c = malloc ((size_t) ctx->V * sizeof *c);
  int n = 0;
  if (c == NULL)
    return -1;
  for (int v = 0; v < ctx->V; v++)
    if (lp[v] > -INFINITY)
      c[n++] = (TopCand) { lp[v], v };
  qsort (c, (size_t) n, sizeof *c, cmp_top_cand);
  for (int i = 0; i < n && found < K; i++)
    {
      if (token_allowed (ctx, row, c[i].id))
        {
          tok_out[found] = c[i].id;
          lp_out[found] = c[i].v;
          found++;
        }
      lp[c[i].id] = -INFINITY;
    }
  free (c);
  return found;
}

/* Repeated argmax scans: the reference the faster version must agree with
 * (and its fallback if memory runs out). */
static int
top_allowed_scan (const Ctx *ctx, const Row *row, float *lp, int K, int32_t *tok_out,
                  float *lp_out, int found)
{
  int tries = 0;

  while (found < K && tries < ctx->V)
    {
      int best = -1;
      float bv = -INFINITY;
      for (int v = 0; v < ctx->V; v++)
        if (lp[v] > bv)
          {
            bv = lp[v];
            best = v;
          }
      if (best < 0)
        break;
      tries++;
      if (token_allowed (ctx, row, best))
        {
          tok_out[found] = best;
          lp_out[found] = bv;
          found++;
        }
      lp[best] = -INFINITY;
    }
  return found;
}

/* The same result with one scan of LP: the TOP_CAND best tokens in the order
 * the repeated selection takes them (value descending, the lower id first
 * among equal values), then all of them sorted only if refusals use those
 * up. Beam search asks for K = beam tokens of every row at every step, so
 * the repeated scans over the vocabulary were most of its time. */
#define TOP_CAND 32

static int
top_allowed (const Ctx *ctx, const Row *row, float *lp, int K, int32_t *tok_out, float *lp_out)
{
  float cv[TOP_CAND];
  int32_t ci[TOP_CAND];
  int n = 0, found = 0;

  if (K > TOP_CAND / 2)
    return top_allowed_scan (ctx, row, lp, K, tok_out, lp_out, 0);
  for (int v = 0; v < ctx->V; v++)
    {
      const float x = lp[v];
      /* -inf and NaN are never taken; a value equal to the last kept one
       * comes after it (higher id) */
      if (!(x > -INFINITY) || (n == TOP_CAND && !(x > cv[n - 1])))
        continue;
      int p = n < TOP_CAND ? n++ : TOP_CAND - 1;
      while (p > 0 && x > cv[p - 1])
        {
          cv[p] = cv[p - 1];
          ci[p] = ci[p - 1];
          p--;
        }
      cv[p] = x;
      ci[p] = v;
    }
  for (int i = 0; i < n && found < K; i++)
    {
      if (token_allowed (ctx, row, ci[i]))
        {
          tok_out[found] = ci[i];
          lp_out[found] = cv[i];
          found++;
        }
      lp[ci[i]] = -INFINITY;
    }
  /* every candidate refused and more tokens left (a character budget near
   * its end refuses most): carry on with all of them sorted (the taken and
   * refused ones are -inf in LP now) */
  if (found < K && n == TOP_CAND)
    {
      int more = top_allowed_sorted (ctx, row, lp, K, tok_out, lp_out, found);
      found = more >= 0 ? more : top_allowed_scan (ctx, row, lp, K, tok_out, lp_out, found);
    }
  return found;
}

static int
cmp_float_desc (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x < y) - (x > y);
}

/* Samples one allowed token from LP (V, log-probabilities) with temperature,
 * top-k and top-p; returns -1 when no token is allowed. PROBS scratch (V). */
static int32_t
sample_allowed (const Ctx *ctx, const Row *row, const float *lp, float *probs, float *sorted, CeRng *rng)
{
  const CeDecodeOptions *o = ctx->opts;
  const float inv_t = 1.0f / (o->temperature > 1e-4f ? o->temperature : 1e-4f);
  float maxv = -INFINITY;
  double total = 0.0;
  float threshold = 0.0f;

  for (int v = 0; v < ctx->V; v++)
    if (lp[v] > maxv)
      maxv = lp[v];
  if (!isfinite (maxv))
    return -1;
  for (int v = 0; v < ctx->V; v++)
    {
      float p = isfinite (lp[v]) ? expf ((lp[v] - maxv) * inv_t) : 0.0f;
      probs[v] = token_allowed (ctx, row, v) ? p : 0.0f;
      total += probs[v];
    }
  if (total <= 0.0)
    return -1;

  /* top-k and top-p define a probability threshold over the allowed tokens. */
  if (o->top_k > 0 || o->top_p < 1.0f)
    {
      int k = 0;
      double cum = 0.0;
      memcpy (sorted, probs, (size_t) ctx->V * sizeof (float));
      qsort (sorted, (size_t) ctx->V, sizeof (float), cmp_float_desc);
      for (k = 0; k < ctx->V && sorted[k] > 0.0f; k++)
        {
          cum += sorted[k] / total;
          if ((o->top_k > 0 && k + 1 >= o->top_k) || (o->top_p < 1.0f && cum >= o->top_p))
            break;
        }
      if (k >= ctx->V)
        k = ctx->V - 1;
      threshold = sorted[k];
      total = 0.0;
      for (int v = 0; v < ctx->V; v++)
        {
          if (probs[v] < threshold)
            probs[v] = 0.0f;
          total += probs[v];
        }
    }

  {
    double u = (double) ce_rng_uniform (rng) * total, acc = 0.0;
    int last = -1;
    for (int v = 0; v < ctx->V; v++)
      {
        if (probs[v] <= 0.0f)
          continue;
        last = v;
        acc += probs[v];
        if (u < acc)
          return v;
      }
    return last;
  }
}

static int
cmp_candidate (const void *a, const void *b)
{
  const Candidate *x = a, *y = b;
  if (x->key != y->key)
    return (x->key < y->key) - (x->key > y->key);
  if (x->parent != y->parent)
    return x->parent - y->parent;
  return x->token - y->token;
}

static float
length_normalise (float logprob, int len, float alpha)
{
  return logprob / powf ((float) (len + 1), alpha);
}

/* Output list, grown as hypotheses finish. */
typedef struct {
  CeHypothesis *items;
  int n, cap;
} HypList;

static int
hyp_add (HypList *list, const Row *row, float score)
{
  CeHypothesis *h;

  if (list->n == list->cap)
    {
      int cap = list->cap ? list->cap * 2 : 64;
      CeHypothesis *items = realloc (list->items, (size_t) cap * sizeof *items);
      if (items == NULL)
        return 0;
      list->items = items;
      list->cap = cap;
    }
  h = &list->items[list->n];
  h->source = row->source;
  h->n = row->len;
  h->logprob = row->logprob;
  h->score = score;
  h->tokens = malloc ((size_t) (row->len > 0 ? row->len : 1) * sizeof (int32_t));
  if (h->tokens == NULL)
    return 0;
  memcpy (h->tokens, row->hist, (size_t) row->len * sizeof (int32_t));
  list->n++;
  return 1;
}

static int
cmp_hyp (const void *a, const void *b)
{
  const CeHypothesis *x = a, *y = b;
  if (x->source != y->source)
    return x->source - y->source;
  if (x->score != y->score)
    return (x->score < y->score) - (x->score > y->score);
  return 0;
}

CeStatus
ce_decode (CeModel *model, const CeBatch *src, const CeDecodeOptions *opts, CeRng *rng,
           CeHypothesis **out, int *n_out, char *msg)
{
  const CeModelConfig *cfg;
  CeStatus status = CE_OK;
  CeDecoder *dec = NULL;
  Ctx ctx;
  int B, K, R, R0, V;
  Row *rows = NULL, *next_rows = NULL;
  int32_t *hist_pool = NULL, *next_pool = NULL, *prev = NULL, *parent = NULL, *row_src = NULL;
  int32_t *tok_buf = NULL;
  float *lp = NULL, *probs = NULL, *sorted = NULL, *lp_buf = NULL;
  Candidate *cands = NULL;
  int *done = NULL;
  int *n_finished = NULL;
  HypList list = { 0 };

  *out = NULL;
  *n_out = 0;
  if (model == NULL || src == NULL || opts == NULL || src->B <= 0)
    {
      snprintf (msg, CE_MSG_SIZE, "ce_decode: nothing to decode");
      return CE_ERR_INVALID_ARG;
    }
  if ((opts->method == CE_DECODE_SAMPLE || opts->latent == CE_LATENT_SAMPLE) && rng == NULL)
    {
      snprintf (msg, CE_MSG_SIZE, "ce_decode: sampling needs a random number generator");
      return CE_ERR_INVALID_ARG;
    }
  cfg = ce_model_get_config (model);
  V = cfg->vocab_size;
  B = src->B;
  K = opts->method == CE_DECODE_GREEDY ? 1
    : opts->method == CE_DECODE_BEAM ? (opts->beam > 0 ? opts->beam : 1)
    : (opts->n_best > 0 ? opts->n_best : 1);
  R0 = B * K;
  ctx.opts = opts;
  ctx.V = V;
  ctx.n_required = NULL;
  ctx.max_tokens = opts->max_tokens > 0 ? opts->max_tokens : cfg->max_tgt;
  if (ctx.max_tokens > cfg->max_tgt - 1 && cfg->max_tgt > 1)
    ctx.max_tokens = cfg->max_tgt - 1;

  /* Beam search starts one row per source and widens to K after the first step. */
  R = opts->method == CE_DECODE_BEAM ? B : R0;
  dec = ce_decoder_new (model, R0, &status, msg);
  if (dec == NULL)
    return status;
  if (opts->threads > 1)
    {
      /* without the second thread the outputs are the same, only slower */
      char ignored[CE_MSG_SIZE];
      (void) ce_decoder_set_threads (dec, 2, ignored);
    }

  rows = calloc ((size_t) R0, sizeof *rows);
  next_rows = calloc ((size_t) R0, sizeof *next_rows);
  hist_pool = malloc ((size_t) R0 * (ctx.max_tokens + 1) * sizeof (int32_t));
  next_pool = malloc ((size_t) R0 * (ctx.max_tokens + 1) * sizeof (int32_t));
  prev = malloc ((size_t) R0 * sizeof (int32_t));
  parent = malloc ((size_t) R0 * sizeof (int32_t));
  row_src = malloc ((size_t) R0 * sizeof (int32_t));
  lp = malloc ((size_t) R0 * V * sizeof (float));
  probs = malloc ((size_t) V * sizeof (float));
  sorted = malloc ((size_t) V * sizeof (float));
  tok_buf = malloc ((size_t) (K + 1) * sizeof (int32_t));
  lp_buf = malloc ((size_t) (K + 1) * sizeof (float));
  cands = malloc ((size_t) R0 * (K + 1) * sizeof (Candidate));
  done = calloc ((size_t) B, sizeof (int));
  n_finished = calloc ((size_t) B, sizeof (int));
  if (opts->source_required != NULL)
    ctx.n_required = calloc ((size_t) B, sizeof (int));
  if (!rows || !next_rows || !hist_pool || !next_pool || !prev || !parent || !row_src || !lp
      || !probs || !sorted || !tok_buf || !lp_buf || !cands || !done || !n_finished
      || (opts->source_required != NULL && ctx.n_required == NULL))
    {
      snprintf (msg, CE_MSG_SIZE, "ce_decode: out of memory for %d rows", R0);
      status = CE_ERR_NOMEM;
      goto out;
    }

  if (opts->source_required != NULL)
    for (int b = 0; b < B; b++)
      for (int v = 0; v < V; v++)
        ctx.n_required[b] += v != CE_TOK_EOS && opts->source_required[(size_t) b * V + v] != 0;
  for (int r = 0; r < R; r++)
    {
      rows[r].source = opts->method == CE_DECODE_BEAM ? r : r / K;
      rows[r].hist = hist_pool + (size_t) r * (ctx.max_tokens + 1);
      row_src[r] = rows[r].source;
      prev[r] = CE_TOK_BOS;
    }
  status = ce_decoder_start (dec, src, row_src, R, opts->latent, rng, msg);
  if (status != CE_OK)
    goto out;

  for (int t = 0; R > 0 && t <= ctx.max_tokens; t++)
    {
      int R_next = 0;

      status = ce_decoder_step (dec, prev, lp, msg);
      if (status != CE_OK)
        goto out;

      if (opts->method == CE_DECODE_BEAM)
        {
          /* Candidates per source: the K best allowed continuations of each live row. */
          int r = 0;
          while (r < R)
            {
              int s = rows[r].source, first = r, nc = 0;
              float raw_best = -INFINITY;
              int raw_best_eos = 0;
              while (r < R && rows[r].source == s)
                {
                  float *row_lp = lp + (size_t) r * V;
                  int found = top_allowed (&ctx, &rows[r], row_lp, K, tok_buf, lp_buf);
                  if (found == 0)
                    {
                      /* Nothing allowed at all: the row can only end here. */
                      tok_buf[0] = CE_TOK_EOS;
                      lp_buf[0] = -1e4f;
                      found = 1;
                    }
                  for (int i = 0; i < found; i++)
                    {
                      Candidate *c = &cands[(size_t) first * (K + 1) + nc++];
                      c->parent = r;
                      c->token = tok_buf[i];
                      c->logprob = rows[r].logprob + lp_buf[i];
                      if (c->logprob > raw_best)
                        {
                          raw_best = c->logprob;
                          raw_best_eos = tok_buf[i] == CE_TOK_EOS;
                        }
                      /* Candidates compete on their raw log-probability; length
                       * normalisation only ranks the finished hypotheses. Ending
                       * early with facts left out costs the penalty. */
                      c->key = c->logprob;
                      if (tok_buf[i] == CE_TOK_EOS && opts->eos_penalty != NULL)
                        {
                          float pen = opts->eos_penalty (opts->eos_user, s, rows[r].hist, rows[r].len);
                          c->key -= pen;
                          c->logprob -= pen;
                        }
                    }
                  r++;
                }
              qsort (&cands[(size_t) first * (K + 1)], (size_t) nc, sizeof (Candidate), cmp_candidate);
              {
                int kept = 0;
                int need = opts->n_best > 0 ? opts->n_best : 1;
                for (int i = 0; i < nc && kept < K; i++)
                  {
                    Candidate *c = &cands[(size_t) first * (K + 1) + i];
                    const Row *pr = &rows[c->parent];
                    if (c->token == CE_TOK_EOS || pr->len >= ctx.max_tokens)
                      {
                        Row fin = *pr;
                        fin.logprob = c->logprob;
                        if (!hyp_add (&list, &fin, length_normalise (c->logprob, pr->len, opts->length_alpha)))
                          {
                            status = CE_ERR_NOMEM;
                            snprintf (msg, CE_MSG_SIZE, "ce_decode: out of memory");
                            goto out;
                          }
                        n_finished[s]++;
                        continue;
                      }
                    {
                      Row *nr = &next_rows[R_next];
                      int chars = 0;
                      nr->source = s;
                      nr->hist = next_pool + (size_t) R_next * (ctx.max_tokens + 1);
                      memcpy (nr->hist, pr->hist, (size_t) pr->len * sizeof (int32_t));
                      nr->hist[pr->len] = c->token;
                      nr->len = pr->len + 1;
                      if (opts->max_chars > 0 && opts->chars_func != NULL)
                        chars = opts->chars_func (opts->chars_user, s,
                                                  pr->len > 0 ? pr->hist[pr->len - 1] : CE_TOK_BOS, c->token);
                      nr->chars = pr->chars + chars;
                      nr->logprob = c->logprob;
                      parent[R_next] = c->parent;
                      prev[R_next] = c->token;
                      R_next++;
                      kept++;
                    }
                  }
                /* A source is done once it has its n-best and the likeliest
                 * candidate of this step ended the text: what is still alive is
                 * less likely than what has finished. */
                /* With an EOS penalty, the text would have ended here without
                 * it: the beam gets a few more steps to add what is missing,
                 * not a free run to max_tokens. */
                if (raw_best_eos && done[s] == 0)
                  done[s] = t + 1;
                if (n_finished[s] >= need && nc > 0
                    && (cands[(size_t) first * (K + 1)].token == CE_TOK_EOS
                        || (done[s] > 0 && t + 1 - done[s] >= EOS_PENALTY_GRACE)))
                  {
                    /* Drop rows already added for a source that just completed. */
                    while (R_next > 0 && next_rows[R_next - 1].source == s)
                      R_next--;
                  }
              }
            }
        }
      else
        {
          for (int r = 0; r < R; r++)
            {
              Row *row = &rows[r];
              float *row_lp = lp + (size_t) r * V;
              int32_t tok;
              float tok_lp;

              if (opts->method == CE_DECODE_GREEDY)
                {
                  float lpv = 0.0f;
                  int32_t best = -1;
                  if (top_allowed (&ctx, row, row_lp, 1, &best, &lpv) != 1)
                    best = -1;
                  tok = best;
                  tok_lp = best >= 0 ? lpv : 0.0f;
                }
              else
                {
                  tok = sample_allowed (&ctx, row, row_lp, probs, sorted, rng);
                  tok_lp = tok >= 0 ? row_lp[tok] : 0.0f;
                }
              if (tok < 0)
                tok = CE_TOK_EOS;
              row->logprob += tok_lp;
              if (tok == CE_TOK_EOS || row->len >= ctx.max_tokens)
                {
                  if (!hyp_add (&list, row, row->logprob))
                    {
                      status = CE_ERR_NOMEM;
                      snprintf (msg, CE_MSG_SIZE, "ce_decode: out of memory");
                      goto out;
                    }
                  continue;
                }
              {
                Row *nr = &next_rows[R_next];
                int chars = 0;
                if (opts->max_chars > 0 && opts->chars_func != NULL)
                  chars = opts->chars_func (opts->chars_user, row->source,
                                            row->len > 0 ? row->hist[row->len - 1] : CE_TOK_BOS, tok);
                *nr = *row;
                nr->hist = next_pool + (size_t) R_next * (ctx.max_tokens + 1);
                memcpy (nr->hist, row->hist, (size_t) row->len * sizeof (int32_t));
                nr->hist[nr->len++] = tok;
                nr->chars += chars;
                parent[R_next] = r;
                prev[R_next] = tok;
                R_next++;
              }
            }
        }

      /* The surviving rows become the decoder's rows. */
      if (R_next > 0)
        {
          status = ce_decoder_reorder (dec, parent, R_next, msg);
          if (status != CE_OK)
            goto out;
        }
      {
        Row *tmp = rows;
        int32_t *tp = hist_pool;
        rows = next_rows;
        next_rows = tmp;
        hist_pool = next_pool;
        next_pool = tp;
      }
      R = R_next;
    }

  /* Beam sources that ran out of steps with nothing finished keep their best live rows. */
  for (int r = 0; r < R; r++)
    if (!hyp_add (&list, &rows[r], opts->method == CE_DECODE_BEAM
                  ? length_normalise (rows[r].logprob, rows[r].len, opts->length_alpha)
                  : rows[r].logprob))
      {
        status = CE_ERR_NOMEM;
        snprintf (msg, CE_MSG_SIZE, "ce_decode: out of memory");
        goto out;
      }

  if (list.n > 0)
    qsort (list.items, (size_t) list.n, sizeof (CeHypothesis), cmp_hyp);
  /* Greedy and sampling keep their order of rows within a source for
   * reproducibility; the sort is stable enough for equal scores since
   * scores differ in practice. Beam keeps only n_best per source. */
  if (opts->method == CE_DECODE_BEAM)
    {
      int keep = opts->n_best > 0 ? opts->n_best : 1, w = 0, count = 0, last = -1;
      for (int i = 0; i < list.n; i++)
        {
          if (list.items[i].source != last)
            {
              last = list.items[i].source;
              count = 0;
            }
          if (count++ < keep)
            list.items[w++] = list.items[i];
          else
            free (list.items[i].tokens);
        }
      list.n = w;
    }
  *out = list.items;
  *n_out = list.n;
  list.items = NULL;
  list.n = 0;

out:
  ce_hypotheses_free (list.items, list.n);
  ce_decoder_free (dec);
  free (rows);
  free (next_rows);
  free (hist_pool);
  free (next_pool);
  free (prev);
  free (parent);
  free (row_src);
  free (lp);
  free (probs);
  free (sorted);
  free (tok_buf);
  free (lp_buf);
  free (cands);
  free (done);
  free (n_finished);
  free (ctx.n_required);
  return status;
}
