/* ce-model.c — the conditional text model: config and its checks, batch
 * checks, creation, work buffers and the optimiser step. The computation
 * itself is in ce-model-forward.c, inference in ce-model-decoder.c, the
 * ARAE's adversarial steps in ce-model-arae.c, files in ce-model-io.c.
 *
 * Work buffers are allocated once per batch shape and grown when a bigger
 * batch comes, so a training step allocates nothing. There is no global
 * state: two models can train in two threads at once.
 */
#include "ce-model-private.h"
#include "ce-bf16.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- small helpers ------------------------------------------------------ */

typedef struct {
  char *base;
  size_t used;
} Arena;

static void *
arena_take (Arena *a, size_t bytes)
{
  size_t off = a->used;
  a->used += (bytes + 63) & ~(size_t) 63;
  return a->base ? a->base + off : NULL;
}

#define TAKE_F(a, n) ((float *) arena_take ((a), (size_t) (n) * sizeof (float)))
#define TAKE_I(a, n) ((int32_t *) arena_take ((a), (size_t) (n) * sizeof (int32_t)))

void
ce_concat_rows (float *dst, const float *a, int na, const float *b, int nb, int N)
{
  const int nd = na + nb;
  for (int n = 0; n < N; n++)
    {
      if (na > 0)
        memcpy (dst + (size_t) n * nd, a + (size_t) n * na, (size_t) na * sizeof (float));
      if (nb > 0)
        memcpy (dst + (size_t) n * nd + na, b + (size_t) n * nb, (size_t) nb * sizeof (float));
    }
}

void
ce_split_add_rows (float *da, float *db, const float *src, int na, int nb, int N)
{
  const int ns = na + nb;
  for (int n = 0; n < N; n++)
    {
      const float *s = src + (size_t) n * ns;
      if (da)
        {
          float *o = da + (size_t) n * na;
          for (int i = 0; i < na; i++)
            o[i] += s[i];
        }
      if (db)
        {
          float *o = db + (size_t) n * nb;
          for (int i = 0; i < nb; i++)
            o[i] += s[na + i];
        }
    }
}

/* ---- configuration ------------------------------------------------------ */

void
ce_model_config_default (CeModelConfig *cfg, CeModelKind kind, int vocab_size, int n_fields)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->kind = kind;
  cfg->vocab_size = vocab_size;
  cfg->n_fields = n_fields;
  cfg->emb = 128;
  cfg->field_emb = 32;
  cfg->hidden = 256;
  cfg->attn = 128;
  cfg->latent = kind == CE_MODEL_S2S ? 0 : 32;
  cfg->copy = 1;
  cfg->max_src = 64;
  cfg->max_tgt = 96;
  cfg->dropout = 0.2f;
  cfg->word_dropout = kind == CE_MODEL_CVAE ? 0.25f : 0.0f;
  cfg->label_smoothing = 0.0f;
}

void
ce_train_params_default (CeTrainParams *p)
{
  memset (p, 0, sizeof *p);
  p->lr = 1e-3f;
  p->beta1 = 0.9f;
  p->beta2 = 0.999f;
  p->eps = 1e-8f;
  p->weight_decay = 0.0f;
  p->clip_norm = 5.0f;
  p->kl_weight = 1.0f;
  p->free_bits = 0.1f;
  p->gan_lr = 5e-5f;
  p->critic_steps = 5;
  p->gan_enc_weight = 1.0f;
}

CeDims
ce_model_dims (const CeModelConfig *cfg)
{
  CeDims d;
  d.V = cfg->vocab_size;
  d.F = cfg->n_fields;
  d.E = cfg->emb;
  d.FE = cfg->field_emb;
  d.H = cfg->hidden;
  d.Hd = cfg->hidden / 2;
  d.A = cfg->attn;
  d.Z = cfg->kind == CE_MODEL_S2S ? 0 : cfg->latent;
  d.Ie = cfg->emb + cfg->field_emb;
  return d;
}

#define RANGE_CHECK(field, lo, hi)                                                       \
  if (cfg->field < (lo) || cfg->field > (hi))                                            \
    {                                                                                    \
      snprintf (msg, CE_MSG_SIZE, "model config: " #field " is %d, expected %d..%d",     \
                (int) cfg->field, (int) (lo), (int) (hi));                               \
      return CE_ERR_INVALID_ARG;                                                         \
    }

CeStatus
ce_model_config_check (const CeModelConfig *cfg, char *msg)
{
  if (cfg->kind != CE_MODEL_S2S && cfg->kind != CE_MODEL_CVAE && cfg->kind != CE_MODEL_ARAE)
    {
      snprintf (msg, CE_MSG_SIZE, "model config: unknown model kind %d", (int) cfg->kind);
      return CE_ERR_INVALID_ARG;
    }
  RANGE_CHECK (vocab_size, CE_TOK_FIRST_REGULAR + 1, 1 << 22);
  RANGE_CHECK (n_fields, 1, 1 << 16);
  RANGE_CHECK (emb, 1, 4096);
  RANGE_CHECK (field_emb, 1, 1024);
  RANGE_CHECK (hidden, 2, 8192);
  RANGE_CHECK (attn, 1, 8192);
  RANGE_CHECK (copy, 0, 1);
  RANGE_CHECK (max_src, 1, 4096);
  RANGE_CHECK (max_tgt, 1, 4096);
  if (cfg->kind == CE_MODEL_S2S)
    {
      RANGE_CHECK (latent, 0, 1024);   /* ignored: S2S has no latent code */
    }
  else
    {
      RANGE_CHECK (latent, 1, 1024);
    }
  if (cfg->hidden % 2 != 0)
    {
      snprintf (msg, CE_MSG_SIZE, "model config: hidden is %d, must be even "
                "(the encoder is bidirectional, hidden/2 each way)", cfg->hidden);
      return CE_ERR_INVALID_ARG;
    }
  if (!(cfg->dropout >= 0.0f && cfg->dropout <= 0.9f))
    {
      snprintf (msg, CE_MSG_SIZE, "model config: dropout is %g, expected 0..0.9", cfg->dropout);
      return CE_ERR_INVALID_ARG;
    }
  if (!(cfg->word_dropout >= 0.0f && cfg->word_dropout <= 1.0f))
    {
      snprintf (msg, CE_MSG_SIZE, "model config: word_dropout is %g, expected 0..1",
                cfg->word_dropout);
      return CE_ERR_INVALID_ARG;
    }
  if (!(cfg->label_smoothing >= 0.0f && cfg->label_smoothing <= 0.5f))
    {
      snprintf (msg, CE_MSG_SIZE, "model config: label_smoothing is %g, expected 0..0.5",
                cfg->label_smoothing);
      return CE_ERR_INVALID_ARG;
    }
  if (cfg->copy && cfg->label_smoothing > 0.0f)
    {
      snprintf (msg, CE_MSG_SIZE, "model config: label smoothing is only available with "
                "the copy gate off");
      return CE_ERR_INVALID_ARG;
    }
  /* the biggest tensor must stay far from int overflow in BLAS calls */
  if ((int64_t) cfg->vocab_size * (2 * (int64_t) cfg->hidden + cfg->emb) > ((int64_t) 1 << 30))
    {
      snprintf (msg, CE_MSG_SIZE, "model config: vocabulary %d x hidden %d is too large: the output layer "
                "would hold %lld values; the limit is %lld",
                cfg->vocab_size, cfg->hidden,
                (long long) cfg->vocab_size * (2 * (long long) cfg->hidden + cfg->emb), (long long) 1 << 30);
      return CE_ERR_LIMIT;
    }
  return CE_OK;
}

CeStatus
ce_model_check_batch (const CeModel *model, const CeBatch *batch, int need_tgt, char *msg)
{
  const CeModelConfig *cfg = &model->cfg;
  if (!batch || !batch->src || !batch->src_field)
    {
      snprintf (msg, CE_MSG_SIZE, "batch: no source ids or field ids");
      return CE_ERR_INVALID_ARG;
    }
  if (batch->B < 1 || batch->B > (1 << 20))
    {
      snprintf (msg, CE_MSG_SIZE, "batch: %d rows, expected 1..%d", batch->B, 1 << 20);
      return CE_ERR_INVALID_ARG;
    }
  if (batch->S < 1 || batch->S > cfg->max_src)
    {
      snprintf (msg, CE_MSG_SIZE, "batch: source length %d, expected 1..%d (the model's max_src)",
                batch->S, cfg->max_src);
      return CE_ERR_LIMIT;
    }
  for (int b = 0; b < batch->B; b++)
    {
      int seen_pad = 0, n = 0;
      for (int s = 0; s < batch->S; s++)
        {
          int32_t id = batch->src[(size_t) b * batch->S + s];
          if (id < 0)
            {
              seen_pad = 1;
              continue;
            }
          if (seen_pad)
            {
              snprintf (msg, CE_MSG_SIZE, "batch: source row %d, position %d: token after padding",
                        b, s);
              return CE_ERR_INVALID_ARG;
            }
          if (id >= cfg->vocab_size)
            {
              snprintf (msg, CE_MSG_SIZE, "batch: source row %d, position %d: token id %d "
                        "outside the vocabulary (%d)", b, s, id, cfg->vocab_size);
              return CE_ERR_INVALID_ARG;
            }
          int32_t f = batch->src_field[(size_t) b * batch->S + s];
          if (f < 0 || f >= cfg->n_fields)
            {
              snprintf (msg, CE_MSG_SIZE, "batch: source row %d, position %d: field id %d, "
                        "expected 0..%d", b, s, f, cfg->n_fields - 1);
              return CE_ERR_INVALID_ARG;
            }
          n++;
        }
      if (n == 0)
        {
          snprintf (msg, CE_MSG_SIZE, "batch: source row %d has no tokens (no attributes)", b);
          return CE_ERR_INVALID_ARG;
        }
    }
  if (!need_tgt)
    return CE_OK;
  if (!batch->tgt)
    {
      snprintf (msg, CE_MSG_SIZE, "batch: no target ids");
      return CE_ERR_INVALID_ARG;
    }
  if (batch->T < 1 || batch->T > cfg->max_tgt)
    {
      snprintf (msg, CE_MSG_SIZE, "batch: target length %d, expected 1..%d (the model's max_tgt)",
                batch->T, cfg->max_tgt);
      return CE_ERR_LIMIT;
    }
  for (int b = 0; b < batch->B; b++)
    {
      int seen_pad = 0, n = 0;
      for (int t = 0; t < batch->T; t++)
        {
          int32_t id = batch->tgt[(size_t) b * batch->T + t];
          if (id < 0)
            {
              seen_pad = 1;
              continue;
            }
          if (seen_pad || id >= cfg->vocab_size)
            {
              snprintf (msg, CE_MSG_SIZE, "batch: target row %d, position %d: %s", b, t,
                        seen_pad ? "token after padding" : "token id outside the vocabulary");
              return CE_ERR_INVALID_ARG;
            }
          n++;
        }
      if (n == 0)
        {
          snprintf (msg, CE_MSG_SIZE, "batch: target row %d is empty", b);
          return CE_ERR_INVALID_ARG;
        }
    }
  return CE_OK;
}

/* ---- work buffers ---------------------------------------------------------- */

static void
enc_layout (CeEncWork *w, Arena *a, const CeDims *d, int B, int S, int train)
{
  const size_t SB = (size_t) S * B;
  const int Hd = d->Hd, Ie = d->Ie;
  memset (w, 0, sizeof *w);
  w->B = B;
  w->S = S;
  w->train = train;
  w->len = TAKE_I (a, B);
  w->ids = TAKE_I (a, SB);
  w->fld = TAKE_I (a, SB);
  w->e_tok = TAKE_F (a, SB * d->E);
  w->e_fld = TAKE_F (a, SB * d->FE);
  w->x = TAKE_F (a, SB * Ie);
  w->x_mask = TAKE_F (a, SB * Ie);
  w->x_rev = TAKE_F (a, SB * Ie);
  w->hs_f = TAKE_F (a, SB * Hd);
  w->gx_f = TAKE_F (a, SB * 3 * Hd);
  w->cache_f = TAKE_F (a, SB * 4 * Hd);
  w->hs_b = TAKE_F (a, SB * Hd);
  w->gx_b = TAKE_F (a, SB * 3 * Hd);
  w->cache_b = TAKE_F (a, SB * 4 * Hd);
  w->enc = TAKE_F (a, SB * d->H);
  w->mask = (uint8_t *) arena_take (a, SB);
  w->keys = TAKE_F (a, SB * d->A);
  w->pool = TAKE_F (a, (size_t) B * d->H);
  w->scratch = TAKE_F (a, (size_t) B * 4 * Hd);
  if (!train)
    return;
  w->denc = TAKE_F (a, SB * d->H);
  w->dkeys = TAKE_F (a, SB * d->A);
  w->dpool = TAKE_F (a, (size_t) B * d->H);
  w->dhs_f = TAKE_F (a, SB * Hd);
  w->dhs_b = TAKE_F (a, SB * Hd);
  w->dgx_f = TAKE_F (a, SB * 3 * Hd);
  w->dgx_b = TAKE_F (a, SB * 3 * Hd);
  w->dx = TAKE_F (a, SB * Ie);
  w->dx_rev = TAKE_F (a, SB * Ie);
  w->de_tok = TAKE_F (a, SB * d->E);
  w->de_fld = TAKE_F (a, SB * d->FE);
}

CeStatus
ce_enc_work_alloc (CeEncWork *w, void **mem, const CeDims *d, int B, int S, int train)
{
  Arena a = { NULL, 0 };
  enc_layout (w, &a, d, B, S, train);
  void *m = calloc (1, a.used);
  if (!m)
    return CE_ERR_NOMEM;
  a.base = m;
  a.used = 0;
  enc_layout (w, &a, d, B, S, train);
  free (*mem);
  *mem = m;
  return CE_OK;
}

/* DEC_ONLY: a decoder part's buffers; otherwise the whole batch's (h0,
 * the latent code, the targets for the text encoder) */
static void
train_layout (CeTrainWork *w, Arena *a, const CeDims *d, int B, int S, int T, int dec_only)
{
  const size_t TB = (size_t) T * B, BH = (size_t) B * d->H;
  const int H = d->H, E = d->E, Z = d->Z > 0 ? d->Z : 1, V = d->V, A = d->A;
  memset (w, 0, sizeof *w);
  w->B = B;
  w->S = S;
  w->T = T;
  /* both */
  w->tgt_out = TAKE_I (a, TB);
  w->tgt_len = TAKE_I (a, B);
  w->gc = TAKE_F (a, BH * 3);
  w->scratch = TAKE_F (a, (size_t) B * (4 * H + S + A + 2 * H + Z + 16));
  w->dh = TAKE_F (a, BH);
  w->dgc = TAKE_F (a, BH * 3);
  if (dec_only)
    {
      w->tgt_in = TAKE_I (a, TB);
      w->src_ids = TAKE_I (a, (size_t) B * S);
      w->emb_raw = TAKE_F (a, TB * E);
      w->emb = TAKE_F (a, TB * E);
      w->emb_mask = TAKE_F (a, TB * E);
      w->gx = TAKE_F (a, TB * 3 * H);
      w->h_all = TAKE_F (a, (TB + B) * H);
      w->ctx_all = TAKE_F (a, (TB + B) * H);
      w->gcache = TAKE_F (a, TB * 4 * H);
      w->attn = TAKE_F (a, TB * S);
      w->apre = TAKE_F (a, TB * S * A);
      w->feat = TAKE_F (a, TB * 2 * H);
      w->feat_d = TAKE_F (a, TB * 2 * H);
      w->feat_mask = TAKE_F (a, TB * 2 * H);
      w->gate = TAKE_F (a, TB);
      w->logits = TAKE_F (a, TB * V);
      w->dlogits = TAKE_F (a, TB * V);
      w->probs = TAKE_F (a, (size_t) B * V);
      w->p_target = TAKE_F (a, B);
      w->dfeat = TAKE_F (a, TB * 2 * H);
      w->dh_prev = TAKE_F (a, BH);
      w->dctx = TAKE_F (a, BH);
      w->dctx_carry = TAKE_F (a, BH);
      w->dgx = TAKE_F (a, TB * 3 * H);
      w->dgh_all = TAKE_F (a, TB * 3 * H);
      w->dattn = TAKE_F (a, TB * S);
      w->dgate = TAKE_F (a, TB);
      w->demb = TAKE_F (a, TB * E);
      return;
    }
  /* the whole batch: h0 and what the encoder and the latent code need */
  w->init_in = TAKE_F (a, (size_t) B * (H + Z));
  w->h0 = TAKE_F (a, BH);
  w->dinit_in = TAKE_F (a, (size_t) B * (H + Z));
  if (d->Z == 0)
    return;
  const size_t BZ = (size_t) B * Z;
  w->z = TAKE_F (a, BZ);
  w->dz = TAKE_F (a, BZ);
  w->eps = TAKE_F (a, BZ);
  w->ph = TAKE_F (a, BH);
  w->mu_p = TAKE_F (a, BZ);
  w->lv_p = TAKE_F (a, BZ);
  w->dph = TAKE_F (a, BH);
  w->dmu_p = TAKE_F (a, BZ);
  w->dlv_p = TAKE_F (a, BZ);
  w->temb = TAKE_F (a, TB * E);
  w->ths = TAKE_F (a, TB * H);
  w->tgx = TAKE_F (a, TB * 3 * H);
  w->tcache = TAKE_F (a, TB * 4 * H);
  w->dths = TAKE_F (a, TB * H);
  w->dtgx = TAKE_F (a, TB * 3 * H);
  w->dtemb = TAKE_F (a, TB * E);
  w->pin = TAKE_F (a, BH * 2);
  w->ph1 = TAKE_F (a, BH);
  w->mu_q = TAKE_F (a, BZ);
  w->lv_q = TAKE_F (a, BZ);
  w->dpin = TAKE_F (a, BH * 2);
  w->dph1 = TAKE_F (a, BH);
  w->dmu_q = TAKE_F (a, BZ);
  w->dlv_q = TAKE_F (a, BZ);
  w->k_dmu_q = TAKE_F (a, BZ);
  w->k_dlv_q = TAKE_F (a, BZ);
  w->k_dmu_p = TAKE_F (a, BZ);
  w->k_dlv_p = TAKE_F (a, BZ);
  w->code_pre = TAKE_F (a, BZ);
  w->dcode_pre = TAKE_F (a, BZ);
  w->noise = TAKE_F (a, BZ);
  w->gin = TAKE_F (a, (size_t) B * (Z + H));
  w->gh = TAKE_F (a, BH);
  w->gout = TAKE_F (a, BZ);
  w->fake = TAKE_F (a, BZ);
  w->zdec = TAKE_F (a, BZ);
  w->zgen = (uint8_t *) arena_take (a, (size_t) B);
  w->cin = TAKE_F (a, (size_t) B * (Z + H));
  w->chid = TAKE_F (a, BH);
  w->cout = TAKE_F (a, B);
  w->dcin = TAKE_F (a, (size_t) B * (Z + H));
  w->dchid = TAKE_F (a, BH);
  w->dcout = TAKE_F (a, B);
  w->dgin = TAKE_F (a, (size_t) B * (Z + H));
  w->dgh = TAKE_F (a, BH);
  w->dgout = TAKE_F (a, BZ);
  w->dfake = TAKE_F (a, BZ);
}

/* The decoder parts' buffers for rows of a (B, S, T) batch. */
static CeStatus
ensure_parts (CeModel *model, int B, int S, int T)
{
  const int rows = (B + CE_DEC_PARTS - 1) / CE_DEC_PARTS;
  for (int k = 0; k < CE_DEC_PARTS; k++)
    {
      CeDecPart *part = &model->part[k];
      /* a batch too small to split runs whole in part 0 */
      const int need = k == 0 ? B : rows;
      if (!part->grads)
        {
          part->grads = k == 0 ? model->grads : calloc (model->table.total, sizeof (float));
          if (!part->grads)
            return CE_ERR_NOMEM;
          ce_params_point (&part->g, part->grads, &model->table);
        }
      if (part->tw_mem && need <= part->tw.B && S <= part->tw.S && T <= part->tw.T)
        continue;
      Arena a = { NULL, 0 };
      train_layout (&part->tw, &a, &model->d, need, S, T, 1);
      void *m = calloc (1, a.used);
      if (!m)
        {
          free (part->tw_mem);
          part->tw_mem = NULL;
          memset (&part->tw, 0, sizeof part->tw);
          return CE_ERR_NOMEM;
        }
      a.base = m;
      a.used = 0;
      train_layout (&part->tw, &a, &model->d, need, S, T, 1);
      free (part->tw_mem);
      part->tw_mem = m;
    }
  return CE_OK;
}

CeStatus
ce_model_ensure_work (CeModel *model, int B, int S, int T, char *msg)
{
  CeTrainWork *w = &model->tw;
  if (model->tw_mem && B <= w->B && S <= w->S && T <= w->T)
    return CE_OK;
  if (model->tw_mem)
    {
      /* grow to cover both the old and the new shape */
      B = B > w->B ? B : w->B;
      S = S > w->S ? S : w->S;
      T = T > w->T ? T : w->T;
    }
  Arena a = { NULL, 0 };
  train_layout (w, &a, &model->d, B, S, T, 0);
  void *m = calloc (1, a.used);
  CeStatus st = m ? ce_enc_work_alloc (&model->enc, &model->enc_mem, &model->d, B, S, 1)
                  : CE_ERR_NOMEM;
  if (st == CE_OK)
    st = ensure_parts (model, B, S, T);
  if (st != CE_OK)
    {
      free (m);
      free (model->tw_mem);
      model->tw_mem = NULL;
      memset (w, 0, sizeof *w);
      snprintf (msg, CE_MSG_SIZE, "out of memory for a batch of %d x %d -> %d", B, S, T);
      return CE_ERR_NOMEM;
    }
  a.base = m;
  a.used = 0;
  train_layout (w, &a, &model->d, B, S, T, 0);
  free (model->tw_mem);
  model->tw_mem = m;
  return CE_OK;
}

/* ---- creation ------------------------------------------------------------ */

/* A model too big for this computer is refused before anything is
 * allocated: weights, gradients and Adam's two moments (4 floats a
 * parameter) must fit in CE_MODEL_MAX_BYTES and in half the physical
 * memory. */
static CeStatus
check_model_memory (const CeModelConfig *cfg, size_t n_params, char *msg)
{
  const double mib = 1024.0 * 1024.0;
  double need = 4.0 * sizeof (float) * (double) n_params;
  double limit = (double) CE_MODEL_MAX_BYTES;
  const char *why = "Copyist's limit";
#ifdef _SC_PHYS_PAGES
  long pages = sysconf (_SC_PHYS_PAGES), page = sysconf (_SC_PAGESIZE);
#else
  long pages = 0, page = 0;
#endif

  if (pages > 0 && page > 0 && (double) pages * (double) page / 2.0 < limit)
    {
      limit = (double) pages * (double) page / 2.0;
      why = "half of this computer's memory";
    }
  if (need <= limit)
    return CE_OK;
  snprintf (msg, CE_MSG_SIZE, "the model is too large: %zu parameters (vocabulary %d, embeddings %d, hidden %d) "
            "need %.0f MiB for weights, gradients and optimiser state; the limit is %.0f MiB (%s)",
            n_params, cfg->vocab_size, cfg->emb, cfg->hidden, need / mib, limit / mib, why);
  return CE_ERR_LIMIT;
}

CeModel *
ce_model_new (const CeModelConfig *cfg, uint64_t seed, CeStatus *status, char *msg)
{
  CeStatus st = ce_model_config_check (cfg, msg);
  if (st != CE_OK)
    {
      if (status)
        *status = st;
      return NULL;
    }
  CeModel *model = calloc (1, sizeof *model);
  if (!model)
    goto nomem;
  model->cfg = *cfg;
  if (cfg->kind == CE_MODEL_S2S)
    model->cfg.latent = 0;
  model->d = ce_model_dims (&model->cfg);
  ce_tensor_table_build (&model->table, &model->cfg);
  const size_t total = model->table.total;
  st = check_model_memory (&model->cfg, total, msg);
  if (st != CE_OK)
    {
      free (model);
      if (status)
        *status = st;
      return NULL;
    }
  model->mem = calloc (4 * total, sizeof (float));
  if (!model->mem)
    {
      free (model);
      goto nomem;
    }
  model->params = model->mem;
  model->grads = model->mem + total;
  model->adam_m = model->mem + 2 * total;
  model->adam_v = model->mem + 3 * total;
  ce_params_point (&model->p, model->params, &model->table);
  ce_params_point (&model->g, model->grads, &model->table);
  ce_rng_seed (&model->rng, seed);
  ce_params_init (model->params, &model->table, &model->rng);
  if (status)
    *status = CE_OK;
  return model;

nomem:
  snprintf (msg, CE_MSG_SIZE, "out of memory creating the model");
  if (status)
    *status = CE_ERR_NOMEM;
  return NULL;
}

void
ce_model_free (CeModel *model)
{
  if (!model)
    return;
  for (int k = 0; k < CE_DEC_PARTS; k++)
    {
      if (model->part[k].grads != model->grads)
        free (model->part[k].grads);
      free (model->part[k].tw_mem);
      free (model->part[k].bf_mem);
      free (model->part[k].bf_dq);
    }
  ce_model_drop_q8 (model);
  free (model->bf_wmem);
  free (model->mem);
  free (model->enc_mem);
  free (model->tw_mem);
  free (model);
}

const CeModelConfig *
ce_model_get_config (const CeModel *model)
{
  return &model->cfg;
}

size_t
ce_model_n_params (const CeModel *model)
{
  size_t n = 0;
  for (int i = 0; i < model->table.n; i++)
    n += model->table.t[i].size;
  return n;
}

/* ---- optimiser step ---------------------------------------------------------- */

/* The global gradient norm, summed in double, is finite exactly when every
 * gradient is (a float squared cannot overflow a double): one pass serves
 * both the NaN/Inf check and clipping. */
static CeStatus
check_finite (double objective, double norm, char *msg)
{
  if (!isfinite (objective) || !isfinite (norm))
    {
      snprintf (msg, CE_MSG_SIZE, "training step: the loss or the gradients are not finite "
                "(loss %g, gradient norm %g); weights left unchanged", objective, norm);
      return CE_ERR_NUMERIC;
    }
  return CE_OK;
}

typedef struct {
  CeModel *model;
  const CeTrainParams *params;
  size_t begin, end;
  int64_t t;
} AdamJob;

static void *
adam_job (void *data)
{
  AdamJob *j = data;
  const CeTrainParams *tp = j->params;
  ce_adam_update (j->model->params, j->model->grads, j->model->adam_m, j->model->adam_v,
                  j->begin, j->end, j->t, tp->lr, tp->beta1, tp->beta2, tp->eps,
                  tp->weight_decay);
  return NULL;
}

/* Adam over [lo, hi): each weight's update is its own, so with the
 * caller's budget of two threads the two halves run at once (the same
 * weights as one loop; BLAS is idle here, one threading layer at a time). */
static void
adam_step (CeModel *model, const CeTrainParams *params, size_t lo, size_t hi, int64_t t)
{
  AdamJob jobs[2] = { { model, params, lo, hi, t }, { model, params, hi, hi, t } };
  pthread_t th;
  if (ce_blas_get_threads () >= 2 && hi - lo >= CE_ADAM_SPLIT_MIN)
    {
      size_t mid = lo + (hi - lo) / 2;
      jobs[0].end = mid;
      jobs[1].begin = mid;
      if (pthread_create (&th, NULL, adam_job, &jobs[1]) == 0)
        {
          adam_job (&jobs[0]);
          pthread_join (th, NULL);
          return;
        }
      jobs[0].end = hi;   /* no thread: all of it here */
    }
  adam_job (&jobs[0]);
}

CeStatus
ce_model_train_step (CeModel *model, const CeBatch *batch, const CeTrainParams *params,
                     CeLosses *losses, char *msg)
{
  CeLosses l;
  CeTrainParams defaults;
  if (!params)
    {
      ce_train_params_default (&defaults);
      params = &defaults;
    }
  /* the weights are about to change: an int8 copy of them would be stale */
  ce_model_drop_q8 (model);
  CeStatus st = ce_model_forward_backward (model, batch, params, CE_PASS_TRAIN, &l, msg);
  if (st != CE_OK)
    return st;
  const CeTensorTable *tb = &model->table;
  const size_t lo = tb->group_begin[CE_GROUP_AE], hi = tb->group_end[CE_GROUP_AE];
  l.grad_norm = ce_grad_norm (model->grads, lo, hi);
  st = check_finite (model->objective, l.grad_norm, msg);
  if (st != CE_OK)
    return st;
  if (params->clip_norm > 0.0f && l.grad_norm > params->clip_norm)
    ce_grad_scale (model->grads, lo, hi, (float) (params->clip_norm / l.grad_norm));
  model->adam_t[CE_GROUP_AE]++;
  adam_step (model, params, lo, hi, model->adam_t[CE_GROUP_AE]);
  if (model->cfg.kind == CE_MODEL_ARAE && !params->gan_skip)
    {
      st = ce_arae_gan_steps (model, batch, params, &l, msg);
      if (st != CE_OK)
        return st;
    }
  if (losses)
    *losses = l;
  return CE_OK;
}

CeStatus
ce_model_eval_loss (CeModel *model, const CeBatch *batch, CeLosses *losses, char *msg)
{
  CeTrainParams tp;
  ce_train_params_default (&tp);
  tp.free_bits = 0.0f;
  return ce_model_forward_backward (model, batch, &tp, CE_PASS_EVAL, losses, msg);
}

/* ---- training precision ---------------------------------------------------- */

int
ce_train_bf16_available (void)
{
  return ce_bf16_available ();
}

CeStatus
ce_model_set_train_precision (CeModel *model, CePrecision precision, char *msg)
{
  if (!model || (precision != CE_PRECISION_FP32 && precision != CE_PRECISION_BF16))
    {
      snprintf (msg, CE_MSG_SIZE, "training precision: %d is not fp32 or bf16", (int) precision);
      return CE_ERR_INVALID_ARG;
    }
  if (precision == CE_PRECISION_BF16 && !ce_bf16_available ())
    {
      snprintf (msg, CE_MSG_SIZE, "training precision bf16: this computer's processor (or "
                "operating system) has no AMX-BF16 tile unit; train in fp32");
      return CE_ERR_INVALID_ARG;
    }
  if (precision == CE_PRECISION_BF16 && !model->bf_wmem)
    {
      /* the packed weights, one block: out_W, dec_Wctx, dec_Wh, dec_Wemb and
       * att_Wq, each in its two layouts (sizes are multiples of 32 x 32, so
       * every part stays 64-byte aligned) */
      const size_t dp = (size_t) ce_bf16_padded (2 * model->d.H);
      const size_t vp = (size_t) ce_bf16_padded (model->d.V);
      const size_t hp = (size_t) ce_bf16_padded (model->d.H);
      const size_t gp = (size_t) ce_bf16_padded (3 * model->d.H);
      const size_t ep = (size_t) ce_bf16_padded (model->d.E);
      const size_t ap = (size_t) ce_bf16_padded (model->d.A);
      uint16_t **dst[] = { &model->bf_wt, &model->bf_w, &model->bf_wctx_t, &model->bf_wctx,
                           &model->bf_wh_t, &model->bf_wh, &model->bf_wemb_t, &model->bf_wemb,
                           &model->bf_wq_t, &model->bf_wq };
      const size_t n[] = { dp * vp, dp * vp, hp * gp, hp * gp, hp * gp, hp * gp, ep * gp, ep * gp,
                           hp * ap, hp * ap };
      size_t total = 0;
      for (size_t i = 0; i < sizeof n / sizeof n[0]; i++)
        total += n[i];
      uint16_t *m = aligned_alloc (64, total * sizeof (uint16_t));
      if (!m)
        {
          snprintf (msg, CE_MSG_SIZE, "training precision bf16: out of memory");
          return CE_ERR_NOMEM;
        }
      model->bf_wmem = m;
      for (size_t i = 0; i < sizeof n / sizeof n[0]; i++)
        {
          *dst[i] = m;
          m += n[i];
        }
    }
  model->train_precision = precision;
  return CE_OK;
}

CePrecision
ce_model_get_train_precision (const CeModel *model)
{
  return model->train_precision;
}

CeStatus
ce_model_ensure_bf16_part (CeModel *model, CeDecPart *part, int rows, int step_rows)
{
  if (part->bf_mem && rows <= part->bf_rows && step_rows <= part->bf_step_rows)
    return CE_OK;
  rows = rows > part->bf_rows ? rows : part->bf_rows;
  step_rows = step_rows > part->bf_step_rows ? step_rows : part->bf_step_rows;
  const size_t rp = (size_t) ce_bf16_padded (rows);
  const size_t dp = (size_t) ce_bf16_padded (2 * model->d.H);
  const size_t vp = (size_t) ce_bf16_padded (model->d.V);
  const size_t sp = (size_t) ce_bf16_padded (step_rows);
  const size_t gp = (size_t) ce_bf16_padded (3 * model->d.H);
  const size_t ep = (size_t) ce_bf16_padded (model->d.E);
  const size_t hp = (size_t) ce_bf16_padded (model->d.H);
  const size_t ap = (size_t) ce_bf16_padded (model->d.A);
  const size_t xw = dp > ep ? dp : ep, xtw = xw > hp ? xw : hp;
  const size_t gw = vp > gp ? vp : gp, gw2 = gw > ap ? gw : ap, sw = gp > ap ? gp : ap;
  const size_t n[5] = { rp * xw, xtw * rp, rp * gw2, rp * gw2, sp * sw };
  const size_t bytes = (n[0] + n[1] + n[2] + n[3] + n[4]) * sizeof (uint16_t);
  uint16_t *m = aligned_alloc (64, bytes);   /* each part a multiple of 64 bytes: 32 x 2 */
  float *dq = malloc ((size_t) rows * (size_t) model->d.A * sizeof (float));
  if (!m || !dq)
    {
      free (m);
      free (dq);
      return CE_ERR_NOMEM;
    }
  free (part->bf_mem);
  free (part->bf_dq);
  part->bf_dq = dq;
  part->bf_mem = m;
  part->bf_rows = rows;
  part->bf_step_rows = step_rows;
  part->bf_x = m;
  part->bf_xt = part->bf_x + n[0];
  part->bf_dl = part->bf_xt + n[1];
  part->bf_dlb = part->bf_dl + n[2];
  part->bf_a = part->bf_dlb + n[3];
  return CE_OK;
}
