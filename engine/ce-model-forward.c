/* ce-model-forward.c — the model's computation on a training batch: the
 * encoder, the latent code (CVAE posterior/prior, ARAE code), the
 * teacher-forced decoder and the backward pass through all of it.
 *
 * Everything is time-major (T, B, ·) inside: each decoder step is a few
 * GEMMs over the batch; the embedding and latent parts of the decoder's
 * input projection, the vocabulary projection and the decoder GRU's
 * hidden-weight gradient are one GEMM over all T·B rows.
 */
#include "ce-model-private.h"
#include "ce-bf16.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* ---- encoder ------------------------------------------------------------- */

void
ce_encoder_forward (const CeModel *model, CeEncWork *w, const CeBatch *batch,
                    float dropout, CeRng *rng)
{
  const CeDims *d = &model->d;
  const CeParams *p = &model->p;
  const int B = batch->B, S = batch->S, Hd = d->Hd, H = d->H, Ie = d->Ie;
  const size_t SB = (size_t) S * B;

  for (int b = 0; b < B; b++)
    {
      int len = 0;
      for (int s = 0; s < S; s++)
        {
          int32_t id = batch->src[(size_t) b * S + s];
          w->ids[(size_t) s * B + b] = id;
          w->fld[(size_t) s * B + b] = id >= 0 ? batch->src_field[(size_t) b * S + s] : -1;
          if (id >= 0)
            len = s + 1;
        }
      w->len[b] = len;
    }
  ce_embedding_forward (w->e_tok, w->ids, p->tok_emb, (int) SB, d->E);
  ce_embedding_forward (w->e_fld, w->fld, p->field_emb, (int) SB, d->FE);
  if (dropout > 0.0f)
    {
      ce_concat_rows (w->x_rev, w->e_tok, d->E, w->e_fld, d->FE, (int) SB);
      ce_dropout_forward (w->x, w->x_mask, w->x_rev, SB * Ie, dropout, rng);
    }
  else
    ce_concat_rows (w->x, w->e_tok, d->E, w->e_fld, d->FE, (int) SB);

  /* each row reversed within its own length; positions past it stay zero
   * and the GRU carries its state over them */
  ce_zero (w->x_rev, SB * Ie);
  for (int b = 0; b < B; b++)
    for (int t = 0; t < w->len[b]; t++)
      memcpy (w->x_rev + ((size_t) t * B + b) * Ie,
              w->x + ((size_t) (w->len[b] - 1 - t) * B + b) * Ie, (size_t) Ie * sizeof (float));

  ce_gru_forward (w->hs_f, w->gx_f, w->cache_f, w->x, NULL, p->encf_Wx, p->encf_bx,
                  p->encf_Wh, p->encf_bh, w->len, S, B, Ie, Hd, w->scratch);
  ce_gru_forward (w->hs_b, w->gx_b, w->cache_b, w->x_rev, NULL, p->encb_Wx, p->encb_bx,
                  p->encb_Wh, p->encb_bh, w->len, S, B, Ie, Hd, w->scratch);

  ce_zero (w->enc, SB * H);
  ce_zero (w->pool, (size_t) B * H);
  for (int b = 0; b < B; b++)
    {
      const int len = w->len[b];
      float *pool = w->pool + (size_t) b * H;
      for (int s = 0; s < S; s++)
        {
          w->mask[(size_t) b * S + s] = s < len;
          if (s >= len)
            continue;
          float *e = w->enc + ((size_t) b * S + s) * H;
          memcpy (e, w->hs_f + ((size_t) s * B + b) * Hd, (size_t) Hd * sizeof (float));
          memcpy (e + Hd, w->hs_b + ((size_t) (len - 1 - s) * B + b) * Hd,
                  (size_t) Hd * sizeof (float));
          ce_axpy (pool, 1.0f / (float) len, e, H);
        }
    }
  ce_linear_forward (w->keys, w->enc, p->att_Wk, p->att_bk, (int) SB, H, d->A);
}

/* Consumes denc, dkeys and dpool of W. */
static void
encoder_backward (CeModel *model, CeEncWork *w, const CeBatch *batch, int dropout_on)
{
  const CeDims *d = &model->d;
  const CeParams *p = &model->p;
  CeParams *g = &model->g;
  const int B = batch->B, S = batch->S, Hd = d->Hd, H = d->H, Ie = d->Ie;
  const size_t SB = (size_t) S * B;

  ce_linear_backward (w->denc, g->att_Wk, g->att_bk, w->dkeys, w->enc, p->att_Wk,
                      (int) SB, H, d->A);
  ce_zero (w->dhs_f, SB * Hd);
  ce_zero (w->dhs_b, SB * Hd);
  for (int b = 0; b < B; b++)
    {
      const int len = w->len[b];
      const float *dpool = w->dpool + (size_t) b * H;
      for (int s = 0; s < len; s++)
        {
          float *de = w->denc + ((size_t) b * S + s) * H;
          ce_axpy (de, 1.0f / (float) len, dpool, H);
          memcpy (w->dhs_f + ((size_t) s * B + b) * Hd, de, (size_t) Hd * sizeof (float));
          memcpy (w->dhs_b + ((size_t) (len - 1 - s) * B + b) * Hd, de + Hd,
                  (size_t) Hd * sizeof (float));
        }
    }
  ce_zero (w->dx, SB * Ie);
  ce_zero (w->dx_rev, SB * Ie);
  ce_gru_backward (w->dx, NULL, g->encf_Wx, g->encf_bx, g->encf_Wh, g->encf_bh,
                   w->dhs_f, w->dgx_f, w->hs_f, w->cache_f, w->x, NULL,
                   p->encf_Wx, p->encf_Wh, w->len, S, B, Ie, Hd, w->scratch);
  ce_gru_backward (w->dx_rev, NULL, g->encb_Wx, g->encb_bx, g->encb_Wh, g->encb_bh,
                   w->dhs_b, w->dgx_b, w->hs_b, w->cache_b, w->x_rev, NULL,
                   p->encb_Wx, p->encb_Wh, w->len, S, B, Ie, Hd, w->scratch);
  for (int b = 0; b < B; b++)
    for (int t = 0; t < w->len[b]; t++)
      ce_add_inplace (w->dx + ((size_t) (w->len[b] - 1 - t) * B + b) * Ie,
                   w->dx_rev + ((size_t) t * B + b) * Ie, Ie);
  if (dropout_on)
    ce_mul_inplace (w->dx, w->x_mask, SB * Ie);
  ce_zero (w->de_tok, SB * d->E);
  ce_zero (w->de_fld, SB * d->FE);
  ce_split_add_rows (w->de_tok, w->de_fld, w->dx, d->E, d->FE, (int) SB);
  ce_embedding_backward (g->tok_emb, w->de_tok, w->ids, (int) SB, d->E);
  ce_embedding_backward (g->field_emb, w->de_fld, w->fld, (int) SB, d->FE);
}

/* ---- latent code ------------------------------------------------------------ */

void
ce_cvae_prior (const CeModel *model, float *mu, float *logvar, const float *pool, int N,
               float *scratch)
{
  const CeParams *p = &model->p;
  const int H = model->d.H, Z = model->d.Z;
  ce_dense_forward (scratch, pool, p->prior_W1, p->prior_b1, CE_ACT_TANH, N, H, H);
  ce_linear_forward (mu, scratch, p->prior_Wmu, p->prior_bmu, N, H, Z);
  ce_linear_forward (logvar, scratch, p->prior_Wlv, p->prior_blv, N, H, Z);
}

void
ce_normalise_rows (float *out, const float *pre, int N, int Z)
{
  for (int n = 0; n < N; n++)
    {
      double ss = 0.0;
      for (int k = 0; k < Z; k++)
        ss += (double) pre[(size_t) n * Z + k] * pre[(size_t) n * Z + k];
      float inv = (float) (1.0 / sqrt (ss + 1e-12));
      for (int k = 0; k < Z; k++)
        out[(size_t) n * Z + k] = pre[(size_t) n * Z + k] * inv;
    }
}

void
ce_normalise_rows_backward (float *dpre, const float *dout, const float *out, const float *pre,
                         int N, int Z)
{
  for (int n = 0; n < N; n++)
    {
      const float *o = out + (size_t) n * Z, *dy = dout + (size_t) n * Z,
                  *x = pre + (size_t) n * Z;
      double ss = 0.0, dot = 0.0;
      for (int k = 0; k < Z; k++)
        {
          ss += (double) x[k] * x[k];
          dot += (double) o[k] * dy[k];
        }
      float inv = (float) (1.0 / sqrt (ss + 1e-12));
      for (int k = 0; k < Z; k++)
        dpre[(size_t) n * Z + k] += (dy[k] - o[k] * (float) dot) * inv;
    }
}

void
ce_arae_generate (const CeModel *model, float *out, const float *pool, const float *noise,
                  int N, float *gin, float *gh, float *pre)
{
  const CeParams *p = &model->p;
  const int H = model->d.H, Z = model->d.Z;
  for (int n = 0; n < N; n++)
    {
      float *row = gin + (size_t) n * (Z + H);
      if (noise)
        memcpy (row, noise + (size_t) n * Z, (size_t) Z * sizeof (float));
      else
        memset (row, 0, (size_t) Z * sizeof (float));
      memcpy (row + Z, pool + (size_t) n * H, (size_t) H * sizeof (float));
    }
  ce_dense_forward (gh, gin, p->gen_W1, p->gen_b1, CE_ACT_RELU, N, Z + H, H);
  ce_linear_forward (pre, gh, p->gen_W2, p->gen_b2, N, H, Z);
  ce_normalise_rows (out, pre, N, Z);
}

/* Fills tw.zdec, the code the ARAE's decoder reads in training: the
 * encoder's code plus N(0, gan_code_noise^2) noise per component, and for a
 * share gan_gen_share of the rows (tw.zgen[b] = 1) the generator's code
 * G(noise, pool) instead, the code generation decodes from. The noise is
 * additive, so d zdec / d z is the identity on the encoder's rows. Returns
 * the rows taken from the generator. */
static int
arae_decoder_code (CeModel *model, int B, const CeTrainParams *tp)
{
  CeTrainWork *w = &model->tw;
  const int Z = model->d.Z;
  const size_t BZ = (size_t) B * Z;
  int n_gen = 0;

  memcpy (w->zdec, w->z, BZ * sizeof (float));
  if (tp->gan_code_noise > 0.0f)
    for (size_t i = 0; i < BZ; i++)
      w->zdec[i] += tp->gan_code_noise * ce_rng_normal (&model->rng);
  memset (w->zgen, 0, (size_t) B);
  if (tp->gan_gen_share <= 0.0f)
    return 0;
  for (int b = 0; b < B; b++)
    if (tp->gan_gen_share >= 1.0f || ce_rng_uniform (&model->rng) < tp->gan_gen_share)
      {
        w->zgen[b] = 1;
        n_gen++;
      }
  if (n_gen == 0)
    return 0;
  for (size_t i = 0; i < BZ; i++)
    w->noise[i] = ce_rng_normal (&model->rng);
  ce_arae_generate (model, w->fake, model->enc.pool, w->noise, B, w->gin, w->gh, w->gout);
  for (int b = 0; b < B; b++)
    if (w->zgen[b])
      memcpy (w->zdec + (size_t) b * Z, w->fake + (size_t) b * Z, (size_t) Z * sizeof (float));
  return n_gen;
}

/* The text encoder: a GRU over the target tokens, its final state. */
static const float *
text_encoder_forward (CeModel *model, int B, int T)
{
  const CeParams *p = &model->p;
  CeTrainWork *w = &model->tw;
  const int E = model->d.E, H = model->d.H;
  ce_embedding_forward (w->temb, w->tgt_out, p->tok_emb, T * B, E);
  ce_gru_forward (w->ths, w->tgx, w->tcache, w->temb, NULL, p->txt_Wx, p->txt_bx, p->txt_Wh,
                  p->txt_bh, w->tgt_len, T, B, E, H, w->scratch);
  return w->ths + (size_t) (T - 1) * B * H;
}

/* dstate (B, H) must already be in dths[T-1]. */
static void
text_encoder_backward (CeModel *model, int B, int T)
{
  const CeParams *p = &model->p;
  CeParams *g = &model->g;
  CeTrainWork *w = &model->tw;
  const int E = model->d.E, H = model->d.H;
  ce_zero (w->dtemb, (size_t) T * B * E);
  ce_gru_backward (w->dtemb, NULL, g->txt_Wx, g->txt_bx, g->txt_Wh, g->txt_bh,
                   w->dths, w->dtgx, w->ths, w->tcache, w->temb, NULL,
                   p->txt_Wx, p->txt_Wh, w->tgt_len, T, B, E, H, w->scratch);
  ce_embedding_backward (g->tok_emb, w->dtemb, w->tgt_out, T * B, E);
}

/* Fills tw.z; returns the mean KL per example (CVAE) or 0. */
static double
latent_forward (CeModel *model, int B, int T, CePass pass, const CeTrainParams *tp)
{
  const CeParams *p = &model->p;
  CeTrainWork *w = &model->tw;
  const float *pool = model->enc.pool;
  const int H = model->d.H, Z = model->d.Z;
  const size_t BZ = (size_t) B * Z;
  const float *state = text_encoder_forward (model, B, T);

  if (model->cfg.kind == CE_MODEL_ARAE)
    {
      ce_linear_forward (w->code_pre, state, p->code_W, p->code_b, B, H, Z);
      ce_normalise_rows (w->z, w->code_pre, B, Z);
      return 0.0;
    }

  ce_cvae_prior (model, w->mu_p, w->lv_p, pool, B, w->ph);
  ce_concat_rows (w->pin, state, H, pool, H, B);
  ce_dense_forward (w->ph1, w->pin, p->post_W1, p->post_b1, CE_ACT_TANH, B, 2 * H, H);
  ce_linear_forward (w->mu_q, w->ph1, p->post_Wmu, p->post_bmu, B, H, Z);
  ce_linear_forward (w->lv_q, w->ph1, p->post_Wlv, p->post_blv, B, H, Z);
  if (pass == CE_PASS_EVAL)
    memcpy (w->z, w->mu_q, BZ * sizeof (float));
  else
    {
      for (size_t i = 0; i < BZ; i++)
        w->eps[i] = ce_rng_normal (&model->rng);
      ce_reparam_forward (w->z, w->mu_q, w->lv_q, w->eps, BZ);
    }
  ce_zero (w->k_dmu_q, BZ);
  ce_zero (w->k_dlv_q, BZ);
  ce_zero (w->k_dmu_p, BZ);
  ce_zero (w->k_dlv_p, BZ);
  return ce_kl_forward_backward (w->k_dmu_q, w->k_dlv_q, w->k_dmu_p, w->k_dlv_p,
                                 w->mu_q, w->lv_q, w->mu_p, w->lv_p, B, Z,
                                 1.0f / (float) B, tp ? tp->free_bits : 0.0f);
}

/* Consumes tw.dz; adds into enc.dpool. */
static void
latent_backward (CeModel *model, int B, int T, const CeTrainParams *tp)
{
  const CeParams *p = &model->p;
  CeParams *g = &model->g;
  CeTrainWork *w = &model->tw;
  const CeEncWork *ew = &model->enc;
  const int H = model->d.H, Z = model->d.Z;
  const size_t BZ = (size_t) B * Z, BH = (size_t) B * H;
  float *dstate = w->dths + (size_t) (T - 1) * BH;

  ce_zero (w->dths, (size_t) T * BH);
  if (model->cfg.kind == CE_MODEL_ARAE)
    {
      const float *state = w->ths + (size_t) (T - 1) * BH;
      ce_zero (w->dcode_pre, BZ);
      ce_normalise_rows_backward (w->dcode_pre, w->dz, w->z, w->code_pre, B, Z);
      ce_linear_backward (dstate, g->code_W, g->code_b, w->dcode_pre, state, p->code_W, B, H, Z);
      text_encoder_backward (model, B, T);
      return;
    }

  const float kw = tp ? tp->kl_weight : 1.0f;
  ce_zero (w->dmu_q, BZ);
  ce_zero (w->dlv_q, BZ);
  ce_reparam_backward (w->dmu_q, w->dlv_q, w->dz, w->lv_q, w->eps, BZ);
  ce_axpy (w->dmu_q, kw, w->k_dmu_q, BZ);
  ce_axpy (w->dlv_q, kw, w->k_dlv_q, BZ);
  ce_zero (w->dmu_p, BZ);
  ce_zero (w->dlv_p, BZ);
  ce_axpy (w->dmu_p, kw, w->k_dmu_p, BZ);
  ce_axpy (w->dlv_p, kw, w->k_dlv_p, BZ);

  /* posterior */
  ce_zero (w->dph1, BH);
  ce_linear_backward (w->dph1, g->post_Wmu, g->post_bmu, w->dmu_q, w->ph1, p->post_Wmu, B, H, Z);
  ce_linear_backward (w->dph1, g->post_Wlv, g->post_blv, w->dlv_q, w->ph1, p->post_Wlv, B, H, Z);
  ce_zero (w->dpin, 2 * BH);
  ce_dense_backward (w->dpin, g->post_W1, g->post_b1, w->dph1, w->pin, w->ph1, p->post_W1,
                     CE_ACT_TANH, B, 2 * H, H, w->scratch);
  ce_split_add_rows (dstate, ew->dpool, w->dpin, H, H, B);
  text_encoder_backward (model, B, T);

  /* prior */
  ce_zero (w->dph, BH);
  ce_linear_backward (w->dph, g->prior_Wmu, g->prior_bmu, w->dmu_p, w->ph, p->prior_Wmu, B, H, Z);
  ce_linear_backward (w->dph, g->prior_Wlv, g->prior_blv, w->dlv_p, w->ph, p->prior_Wlv, B, H, Z);
  ce_dense_backward (ew->dpool, g->prior_W1, g->prior_b1, w->dph, ew->pool, w->ph, p->prior_W1,
                     CE_ACT_TANH, B, H, H, w->scratch);
}
/* ---- the teacher-forced decoder over one part of the batch --------------------- */

typedef struct {
  CeModel *model;
  CeDecPart *part;
  const CeBatch *batch;
  int b0, nb;          /* the part's rows: b0 .. b0 + nb - 1 of the batch */
  int backward;
  float drop, wdrop;
  float weight;        /* 1 / target tokens of the whole batch */
} PartJob;

/* BF16 training: C (M, N) = (ACC ? C : 0) + X (M, K) B + BIAS, X (row
 * stride K) rounded to bfloat16 into the part's step buffer, B packed
 * weights. */
static void
bf_product (CeDecPart *part, int M, int N, int K, const float *x, const uint16_t *wp, float *c,
            int acc, const float *bias)
{
  const int mp = ce_bf16_padded (M), kp = ce_bf16_padded (K);
  ce_bf16_pack_a (part->bf_a, x, M, K, K, mp, kp);
  ce_bf16_gemm (M, N, kp, part->bf_a, wp, c, N, acc, 0, bias);
}

/* BF16: rows R0 .. R0 + N - 1 of the logits' gradient just written: into
 * both bfloat16 layouts, and their column sums into the bias gradient. */
static void
pack_dlogits_rows (CeDecPart *part, CeParams *g, const CeTrainWork *w, int r0, int n, int rows,
                   int V, int rp, int vp)
{
  const float *dl = w->dlogits + (size_t) r0 * V;
  ce_linear_backward (NULL, NULL, g->out_b, dl, NULL, NULL, n, 0, V);
  ce_bf16_pack_ab_rows (part->bf_dl, part->bf_dlb, w->dlogits, r0, r0 + n, rows, V, V, rp, vp);
}

/* Forward (and backward) of the decoder for the part's rows. Reads the
 * whole-batch encoder outputs and model->tw.h0 / gc; writes the part's rows
 * of enc.denc, enc.dkeys, tw.dh (gradient on h0) and tw.dgc, and its
 * parameter gradients into part->grads. part->xent receives the part's
 * share of the loss. */
static void
decoder_part (const PartJob *j)
{
  CeModel *model = j->model;
  const CeDims *d = &model->d;
  const CeParams *p = &model->p;
  CeDecPart *part = j->part;
  CeParams *g = &part->g;
  CeTrainWork *w = &part->tw;
  CeTrainWork *mw = &model->tw;
  CeEncWork *ew = &model->enc;
  const CeBatch *batch = j->batch;
  const int B = j->nb, b0 = j->b0, S = batch->S, T = batch->T;
  const int H = d->H, E = d->E, Z = d->Z, V = d->V, A = d->A;
  const size_t TB = (size_t) T * B, BH = (size_t) B * H;
  const float drop = j->drop, weight = j->weight;
  const int copy = model->cfg.copy, backward = j->backward;
  const int bf16 = model->train_precision == CE_PRECISION_BF16;
  CeRng *rng = &part->rng;
  const float *keys = ew->keys + (size_t) b0 * S * A;
  const float *enc = ew->enc + (size_t) b0 * S * H;
  const uint8_t *mask = ew->mask + (size_t) b0 * S;
  const int32_t *tgt = batch->tgt + (size_t) b0 * T;

  if (backward && part->grads != model->grads)
    ce_zero (part->grads, model->table.total);

  /* targets, time-major */
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++)
      {
        w->tgt_out[(size_t) t * B + b] = tgt[(size_t) b * T + t];
        w->tgt_in[(size_t) t * B + b] = t == 0 ? CE_TOK_BOS : tgt[(size_t) b * T + t - 1];
      }
  memcpy (w->src_ids, batch->src + (size_t) b0 * S, (size_t) B * S * sizeof (int32_t));
  if (j->wdrop > 0.0f)
    ce_word_dropout (w->tgt_in, TB, j->wdrop, CE_TOK_UNK, CE_TOK_FIRST_REGULAR, rng);

  ce_embedding_forward (w->emb_raw, w->tgt_in, p->tok_emb, (int) TB, E);
  if (drop > 0.0f)
    ce_dropout_forward (w->emb, w->emb_mask, w->emb_raw, TB * E, drop, rng);
  else
    memcpy (w->emb, w->emb_raw, TB * E * sizeof (float));

  memcpy (w->h_all, mw->h0 + (size_t) b0 * H, BH * sizeof (float));
  ce_zero (w->ctx_all, BH);
  if (Z > 0)
    memcpy (w->gc, mw->gc + (size_t) b0 * 3 * H, 3 * BH * sizeof (float));

  /* input projection: the embedding part of all steps in one GEMM */
  if (bf16)
    {
      const int rp = ce_bf16_padded ((int) TB), ep = ce_bf16_padded (E);
      ce_bf16_pack_a (part->bf_x, w->emb, (int) TB, E, E, rp, ep);
      ce_bf16_gemm ((int) TB, 3 * H, ep, part->bf_x, model->bf_wemb_t, w->gx, 3 * H, 0, 0, p->dec_bx);
    }
  else
    ce_linear_forward (w->gx, w->emb, p->dec_Wemb, p->dec_bx, (int) TB, E, 3 * H);

  for (int t = 0; t < T; t++)
    {
      float *gx_t = w->gx + (size_t) t * B * 3 * H;
      const float *h_prev = w->h_all + (size_t) t * BH;
      float *h_t = w->h_all + (size_t) (t + 1) * BH;
      if (Z > 0)
        ce_add_inplace (gx_t, w->gc, BH * 3);
      if (bf16)
        {
          /* gx_t += ctx Wctx^T; gh = bh + h_prev Wh^T; then the gates */
          bf_product (part, B, 3 * H, H, w->ctx_all + (size_t) t * BH, model->bf_wctx_t, gx_t, 1,
                      NULL);
          float *gh = w->scratch;
          bf_product (part, B, 3 * H, H, h_prev, model->bf_wh_t, gh, 0, p->dec_bh);
          ce_gru_step_gates (h_t, w->gcache + (size_t) t * B * 4 * H, gx_t, gh, h_prev, B, H);
        }
      else
        {
          ce_sgemm (0, 1, B, 3 * H, H, 1.0f, w->ctx_all + (size_t) t * BH, H, p->dec_Wctx, H,
                    1.0f, gx_t, 3 * H);
          ce_gru_step_forward (h_t, w->gcache + (size_t) t * B * 4 * H, gx_t, h_prev,
                               p->dec_Wh, p->dec_bh, B, H, w->scratch);
        }
      if (bf16)   /* q Wq^T into the attention's scratch */
        bf_product (part, B, A, H, h_t, model->bf_wq_t, w->scratch, 0, NULL);
      ce_attention_forward (w->ctx_all + (size_t) (t + 1) * BH, w->attn + (size_t) t * B * S,
                            w->apre + (size_t) t * B * S * A, h_t, keys, enc, mask,
                            bf16 ? NULL : p->att_Wq, p->att_v, B, S, H, A, H, w->scratch);
    }

  /* output features and the vocabulary projection over all T*B rows */
  ce_concat_rows (w->feat, w->h_all + BH, H, w->ctx_all + BH, H, (int) TB);
  /* the projection's input: the features after dropout, or (no dropout)
   * the features themselves */
  const float *feat_d = w->feat;
  if (drop > 0.0f)
    {
      ce_dropout_forward (w->feat_d, w->feat_mask, w->feat, TB * 2 * H, drop, rng);
      feat_d = w->feat_d;
    }
  if (bf16)
    {
      /* logits = x W^T + b with x and W in bfloat16 (W packed per pass) */
      const int rp = ce_bf16_padded ((int) TB), dp = ce_bf16_padded (2 * H);
      ce_bf16_pack_a (part->bf_x, feat_d, (int) TB, 2 * H, 2 * H, rp, dp);
      ce_bf16_gemm ((int) TB, V, dp, part->bf_x, model->bf_wt, w->logits, V, 0, 0, p->out_b);
    }
  else
    ce_linear_forward (w->logits, feat_d, p->out_W, p->out_b, (int) TB, 2 * H, V);

  double xent = 0.0;
  /* bf16: each step's rows of dlogits are converted (and their column sums
   * taken for the bias) right after they are written, while in cache;
   * pairs of rows go together, so an odd part waits for the whole matrix */
  const int pack_early = bf16 && backward && B % 2 == 0;
  const int rp_out = ce_bf16_padded ((int) TB), vp_out = ce_bf16_padded (V);
  if (copy)
    {
      /* gate logit = w . [h; ctx; emb] + b */
      ce_sgemm (0, 1, (int) TB, 1, 2 * H, 1.0f, w->feat, 2 * H, p->gate_w, 2 * H, 0.0f, w->gate, 1);
      ce_sgemm (0, 1, (int) TB, 1, E, 1.0f, w->emb, E, p->gate_w + 2 * H, E, 1.0f, w->gate, 1);
      for (size_t n = 0; n < TB; n++)
        w->gate[n] += p->gate_b[0];
      ce_zero (w->dattn, TB * S);
      ce_zero (w->dgate, TB);
      for (int t = 0; t < T; t++)
        {
          const size_t r0 = (size_t) t * B;
          ce_softmax_rows (w->probs, w->logits + r0 * V, B, V);
          xent += ce_copy_xent_forward (w->probs, w->attn + r0 * S, w->gate + r0, w->src_ids,
                                        w->tgt_out + r0, B, S, V, weight, w->p_target);
          if (backward)
            ce_copy_xent_backward (w->dlogits + r0 * V, w->dattn + r0 * S, w->dgate + r0,
                                   w->probs, w->attn + r0 * S, w->gate + r0, w->src_ids,
                                   w->tgt_out + r0, w->p_target, B, S, V, weight);
          if (pack_early)
            pack_dlogits_rows (part, g, w, (int) r0, B, (int) TB, V, rp_out, vp_out);
        }
    }
  else
    {
      for (int t = 0; t < T; t++)
        {
          const size_t r0 = (size_t) t * B;
          xent += ce_softmax_xent_forward_backward (w->dlogits + r0 * V, w->logits + r0 * V,
                                                    w->tgt_out + r0, B, V,
                                                    model->cfg.label_smoothing, weight, w->probs);
          if (pack_early)
            pack_dlogits_rows (part, g, w, (int) r0, B, (int) TB, V, rp_out, vp_out);
        }
    }
  if (pack_early)   /* the padding rows */
    ce_bf16_pack_ab_rows (part->bf_dl, part->bf_dlb, w->dlogits, (int) TB, rp_out, (int) TB, V, V,
                          rp_out, vp_out);
  part->xent = xent;
  if (!backward)
    return;

  /* ---- backward ---- */
  ce_zero (w->dfeat, TB * 2 * H);
  if (bf16)
    {
      /* db in fp32; dx = dlogits W and dW = (x^T dlogits)^T in bfloat16,
       * dlogits converted once into both layouts */
      const int rp = ce_bf16_padded ((int) TB), dp = ce_bf16_padded (2 * H);
      const int vp = ce_bf16_padded (V);
      if (!pack_early)
        {
          ce_linear_backward (NULL, NULL, g->out_b, w->dlogits, feat_d, p->out_W, (int) TB, 2 * H,
                              V);
          ce_bf16_pack_ab (part->bf_dl, part->bf_dlb, w->dlogits, (int) TB, V, V, rp, vp);
        }
      /* dfeat was zeroed above: written, not accumulated */
      ce_bf16_gemm ((int) TB, 2 * H, vp, part->bf_dl, model->bf_w, w->dfeat, 2 * H, 0, 0, NULL);
      ce_bf16_pack_a_t (part->bf_xt, feat_d, 2 * H, (int) TB, 2 * H, dp, rp);
      ce_bf16_gemm (2 * H, V, rp, part->bf_xt, part->bf_dlb, g->out_W, 2 * H, 1, 1, NULL);
    }
  else
    ce_linear_backward (w->dfeat, g->out_W, g->out_b, w->dlogits, feat_d, p->out_W,
                        (int) TB, 2 * H, V);
  if (drop > 0.0f)
    ce_mul_inplace (w->dfeat, w->feat_mask, TB * 2 * H);
  ce_zero (w->demb, TB * E);
  if (copy)
    {
      ce_sgemm (0, 0, (int) TB, 2 * H, 1, 1.0f, w->dgate, 1, p->gate_w, 2 * H, 1.0f, w->dfeat, 2 * H);
      ce_sgemm (0, 0, (int) TB, E, 1, 1.0f, w->dgate, 1, p->gate_w + 2 * H, E, 1.0f, w->demb, E);
      ce_sgemm (1, 0, 1, 2 * H, (int) TB, 1.0f, w->dgate, 1, w->feat, 2 * H, 1.0f, g->gate_w, 2 * H);
      ce_sgemm (1, 0, 1, E, (int) TB, 1.0f, w->dgate, 1, w->emb, E, 1.0f, g->gate_w + 2 * H, E);
      double sum = 0.0;
      for (size_t n = 0; n < TB; n++)
        sum += w->dgate[n];
      g->gate_b[0] += (float) sum;
    }

  float *denc = ew->denc + (size_t) b0 * S * H, *dkeys = ew->dkeys + (size_t) b0 * S * A;
  ce_zero (w->dctx_carry, BH);
  ce_zero (w->dgc, 3 * BH);
  float *dh = w->dh, *dh_prev = w->dh_prev;
  ce_zero (dh, BH);
  for (int t = T - 1; t >= 0; t--)
    {
      const float *ft = w->dfeat + (size_t) t * B * 2 * H;
      for (int b = 0; b < B; b++)
        {
          float *dhb = dh + (size_t) b * H, *dcb = w->dctx + (size_t) b * H;
          const float *fb = ft + (size_t) b * 2 * H, *cb = w->dctx_carry + (size_t) b * H;
          for (int i = 0; i < H; i++)
            {
              dhb[i] += fb[i];
              dcb[i] = fb[H + i] + cb[i];
            }
        }
      const float *h_t = w->h_all + (size_t) (t + 1) * BH;
      ce_attention_backward (dh, dkeys, denc, g->att_Wq, g->att_v, w->dctx,
                             copy ? w->dattn + (size_t) t * B * S : NULL,
                             w->attn + (size_t) t * B * S, w->apre + (size_t) t * B * S * A,
                             h_t, enc, mask, bf16 ? NULL : p->att_Wq, p->att_v, B, S, H, A, H,
                             w->scratch);
      if (bf16)
        {
          /* dh += dqp Wq now; dWq from every step's dqp after the loop */
          const float *dqp = w->scratch + (size_t) B * S;
          memcpy (part->bf_dq + (size_t) t * B * A, dqp, (size_t) B * A * sizeof (float));
          bf_product (part, B, H, A, dqp, model->bf_wq, dh, 1, NULL);
        }
      float *dgx_t = w->dgx + (size_t) t * B * 3 * H;
      ce_zero (dh_prev, BH);
      /* dWh and dbh: one GEMM over all steps after the loop */
      ce_gru_step_backward (dgx_t, dh_prev, NULL, NULL, dh,
                            w->gcache + (size_t) t * B * 4 * H, w->h_all + (size_t) t * BH,
                            bf16 ? NULL : p->dec_Wh, B, H, w->scratch);
      if (bf16)
        {
          /* dh_prev += dgh Wh (dgh left in scratch), dctx_carry = dgx Wctx */
          bf_product (part, B, H, 3 * H, w->scratch, model->bf_wh, dh_prev, 1, NULL);
          if (t > 0)
            bf_product (part, B, H, 3 * H, dgx_t, model->bf_wctx, w->dctx_carry, 0, NULL);
        }
      else if (t > 0)
        ce_sgemm (0, 0, B, H, 3 * H, 1.0f, dgx_t, 3 * H, p->dec_Wctx, H, 0.0f, w->dctx_carry, H);
      if (Z > 0)
        ce_add_inplace (w->dgc, dgx_t, 3 * BH);
      float *tmp = dh;
      dh = dh_prev;
      dh_prev = tmp;
    }
  /* dh is now the gradient on the part's h0 rows */
  memcpy (mw->dh + (size_t) b0 * H, dh, BH * sizeof (float));
  if (Z > 0)
    memcpy (mw->dgc + (size_t) b0 * 3 * H, w->dgc, 3 * BH * sizeof (float));
  /* The hidden-side pre-activations get dgx for the r and z gates and
   * dgx_n * r for the candidate (cache holds r, z, n, hn per row). */
  for (size_t n = 0; n < TB; n++)
    {
      const float *dg = w->dgx + n * 3 * H, *r = w->gcache + n * 4 * H;
      float *o = w->dgh_all + n * 3 * H;
      memcpy (o, dg, (size_t) 2 * H * sizeof (float));
      for (int i = 0; i < H; i++)
        o[2 * H + i] = dg[2 * H + i] * r[i];
    }
  if (bf16)
    {
      /* dW = dY^T X as (X^T dY)^T, every factor in bfloat16; dgx packed
       * once as A (for demb) and as B (for dWctx and dWemb) */
      const int rp = ce_bf16_padded ((int) TB), gp = ce_bf16_padded (3 * H);
      const int hp = ce_bf16_padded (H), ep = ce_bf16_padded (E);
      ce_bf16_pack_b (part->bf_dlb, w->dgh_all, (int) TB, 3 * H, 3 * H, 0, rp, gp);
      ce_bf16_pack_a_t (part->bf_xt, w->h_all, H, (int) TB, H, hp, rp);
      ce_bf16_gemm (H, 3 * H, rp, part->bf_xt, part->bf_dlb, g->dec_Wh, H, 1, 1, NULL);
      ce_bf16_pack_ab (part->bf_dl, part->bf_dlb, w->dgx, (int) TB, 3 * H, 3 * H, rp, gp);
      ce_bf16_pack_a_t (part->bf_xt, w->ctx_all, H, (int) TB, H, hp, rp);
      ce_bf16_gemm (H, 3 * H, rp, part->bf_xt, part->bf_dlb, g->dec_Wctx, H, 1, 1, NULL);
      ce_bf16_pack_a_t (part->bf_xt, w->emb, E, (int) TB, E, ep, rp);
      ce_bf16_gemm (E, 3 * H, rp, part->bf_xt, part->bf_dlb, g->dec_Wemb, E, 1, 1, NULL);
      ce_bf16_gemm ((int) TB, E, gp, part->bf_dl, model->bf_wemb, w->demb, E, 1, 0, NULL);
      /* dWq = dq^T h_t over every step, as (h^T dq)^T */
      const int ap = ce_bf16_padded (A);
      ce_bf16_pack_b (part->bf_dlb, part->bf_dq, (int) TB, A, A, 0, rp, ap);
      ce_bf16_pack_a_t (part->bf_xt, w->h_all + BH, H, (int) TB, H, hp, rp);
      ce_bf16_gemm (H, A, rp, part->bf_xt, part->bf_dlb, g->att_Wq, H, 1, 1, NULL);
      for (size_t n = 0; n < TB; n++)
        ce_add_inplace (g->dec_bh, w->dgh_all + n * 3 * H, 3 * (size_t) H);
      ce_linear_backward (NULL, NULL, g->dec_bx, w->dgx, w->emb, p->dec_Wemb, (int) TB, E, 3 * H);
    }
  else
    {
      ce_sgemm (1, 0, 3 * H, H, (int) TB, 1.0f, w->dgh_all, 3 * H, w->h_all, H, 1.0f, g->dec_Wh, H);
      for (size_t n = 0; n < TB; n++)
        ce_add_inplace (g->dec_bh, w->dgh_all + n * 3 * H, 3 * (size_t) H);
      ce_sgemm (1, 0, 3 * H, H, (int) TB, 1.0f, w->dgx, 3 * H, w->ctx_all, H, 1.0f, g->dec_Wctx, H);
      ce_linear_backward (w->demb, g->dec_Wemb, g->dec_bx, w->dgx, w->emb, p->dec_Wemb,
                          (int) TB, E, 3 * H);
    }
  if (drop > 0.0f)
    ce_mul_inplace (w->demb, w->emb_mask, TB * E);
  ce_embedding_backward (g->tok_emb, w->demb, w->tgt_in, (int) TB, E);
}

static void *
decoder_part_thread (void *data)
{
  decoder_part (data);
  return NULL;
}

/* Runs the parts: at once in threads when PARALLEL (the caller allows two
 * or more BLAS threads; BLAS is on one thread for the whole pass then, see
 * below), one after the other otherwise. The results are the same either
 * way. */
static void
run_parts (PartJob *jobs, int n, int parallel)
{
  if (n < 2 || !parallel)
    {
      for (int k = 0; k < n; k++)
        decoder_part (&jobs[k]);
      return;
    }
  pthread_t th[CE_DEC_PARTS];
  int started[CE_DEC_PARTS] = { 0 };
  for (int k = 1; k < n; k++)
    started[k] = pthread_create (&th[k], NULL, decoder_part_thread, &jobs[k]) == 0;
  decoder_part (&jobs[0]);
  for (int k = 1; k < n; k++)
    {
      if (started[k])
        pthread_join (th[k], NULL);
      else
        decoder_part (&jobs[k]);   /* no thread: the same work here */
    }
}

static CeStatus forward_backward (CeModel *model, const CeBatch *batch, const CeTrainParams *tp,
                                  CePass pass, CeLosses *losses, int parallel, char *msg);

/* With the caller's budget of two or more BLAS threads and a batch big
 * enough to split, the decoder's parts run in two threads of their own and
 * OpenBLAS runs on one thread for the whole pass: OpenBLAS's idle worker
 * spins for a while after a two-thread call, and next to our two threads it
 * took a core's worth of CPU (one threading layer at a time). The caller's
 * count is restored at the end. */
CeStatus
ce_model_forward_backward (CeModel *model, const CeBatch *batch, const CeTrainParams *tp,
                           CePass pass, CeLosses *losses, char *msg)
{
  CeStatus st = ce_model_check_batch (model, batch, 1, msg);
  if (st != CE_OK)
    return st;
  st = ce_model_ensure_work (model, batch->B, batch->S, batch->T, msg);
  if (st != CE_OK)
    return st;
  const int budget = ce_blas_get_threads ();
  const int parallel = budget >= 2 && batch->B >= CE_DEC_SPLIT_MIN_ROWS;
  if (parallel)
    ce_blas_set_threads (1);
  st = forward_backward (model, batch, tp, pass, losses, parallel, msg);
  if (parallel)
    ce_blas_set_threads (budget);
  return st;
}

/* ---- the whole objective ------------------------------------------------------ */

static CeStatus
forward_backward (CeModel *model, const CeBatch *batch, const CeTrainParams *tp,
                  CePass pass, CeLosses *losses, int parallel, char *msg)
{
  const int backward = pass != CE_PASS_EVAL;
  const CeDims *d = &model->d;
  const CeParams *p = &model->p;
  CeParams *g = &model->g;
  CeTrainWork *w = &model->tw;
  CeEncWork *ew = &model->enc;
  const int B = batch->B, S = batch->S, T = batch->T;
  const int H = d->H, Z = d->Z, A = d->A;
  const size_t BH = (size_t) B * H;
  const float drop = backward ? model->cfg.dropout : 0.0f;
  const float wdrop = backward ? model->cfg.word_dropout : 0.0f;
  CeRng *rng = &model->rng;

  if (backward)
    ce_zero (model->grads, model->table.total);

  ce_encoder_forward (model, ew, batch, drop, rng);

  /* targets, time-major (the latent text encoder reads them) */
  int ntok = 0;
  for (int b = 0; b < B; b++)
    {
      int len = 0;
      for (int t = 0; t < T; t++)
        {
          int32_t y = batch->tgt[(size_t) b * T + t];
          w->tgt_out[(size_t) t * B + b] = y;
          if (y >= 0)
            {
              len = t + 1;
              ntok++;
            }
        }
      w->tgt_len[b] = len;
    }

  double kl = 0.0;
  if (Z > 0)
    kl = latent_forward (model, B, T, pass, tp);
  const float adv_w = model->cfg.kind == CE_MODEL_ARAE && tp && !tp->gan_skip ? tp->gan_enc_weight : 0.0f;
  double adv = 0.0;
  if (adv_w != 0.0f)
    adv = ce_arae_encoder_forward (model, w->z, ew->pool, B);

  /* The code the decoder reads: the text's own, or (ARAE training options)
   * with noise added, or for some rows the generator's. */
  const float *zd = w->z;
  int n_gen = 0;
  if (backward && tp != NULL && model->cfg.kind == CE_MODEL_ARAE
      && (tp->gan_code_noise > 0.0f || tp->gan_gen_share > 0.0f))
    {
      n_gen = arae_decoder_code (model, B, tp);
      zd = w->zdec;
    }

  /* h0 = tanh(init_W [pool; z] + init_b); the latent part of the decoder's
   * input projection once */
  ce_concat_rows (w->init_in, ew->pool, H, zd, Z, B);
  ce_dense_forward (w->h0, w->init_in, p->init_W, p->init_b, CE_ACT_TANH, B, H + Z, H);
  if (Z > 0)
    ce_sgemm (0, 1, B, 3 * H, Z, 1.0f, zd, Z, p->dec_Wz, Z, 0.0f, w->gc, 3 * H);

  if (backward)
    {
      ce_zero (ew->denc, (size_t) B * S * H);
      ce_zero (ew->dkeys, (size_t) B * S * A);
      ce_zero (ew->dpool, BH);
    }
  PartJob jobs[CE_DEC_PARTS];
  const int n_parts = B >= CE_DEC_SPLIT_MIN_ROWS ? CE_DEC_PARTS : 1;
  for (int k = 0, b0 = 0; k < n_parts; k++)
    {
      const int nb = (B - b0) / (n_parts - k) + ((B - b0) % (n_parts - k) != 0);
      jobs[k] = (PartJob) { model, &model->part[k], batch, b0, nb, backward, drop, wdrop,
                            1.0f / (float) ntok };
      /* each part draws its dropout masks from a stream of its own */
      ce_rng_seed (&model->part[k].rng, ce_rng_next (rng));
      b0 += nb;
    }
  if (model->train_precision == CE_PRECISION_BF16)
    {
      /* the projection's weights in bfloat16 for this pass, in the two
       * layouts its products read; each part's own buffers */
      const int D = 2 * H, V = d->V;
      const int dp = ce_bf16_padded (D), vp = ce_bf16_padded (V);
      const int hp = ce_bf16_padded (H), gp = ce_bf16_padded (3 * H);
      ce_bf16_pack_b (model->bf_wt, p->out_W, D, V, D, 1, dp, vp);
      ce_bf16_pack_b (model->bf_wctx_t, p->dec_Wctx, H, 3 * H, H, 1, hp, gp);
      ce_bf16_pack_b (model->bf_wh_t, p->dec_Wh, H, 3 * H, H, 1, hp, gp);
      const int ep = ce_bf16_padded (d->E);
      ce_bf16_pack_b (model->bf_wemb_t, p->dec_Wemb, d->E, 3 * H, d->E, 1, ep, gp);
      const int ap = ce_bf16_padded (A);
      ce_bf16_pack_b (model->bf_wq_t, p->att_Wq, H, A, H, 1, hp, ap);
      if (backward)
        {
          ce_bf16_pack_b (model->bf_wq, p->att_Wq, A, H, H, 0, ap, hp);
          ce_bf16_pack_b (model->bf_wemb, p->dec_Wemb, 3 * H, d->E, d->E, 0, gp, ep);
          ce_bf16_pack_b (model->bf_w, p->out_W, V, D, D, 0, vp, dp);
          ce_bf16_pack_b (model->bf_wctx, p->dec_Wctx, 3 * H, H, H, 0, gp, hp);
          ce_bf16_pack_b (model->bf_wh, p->dec_Wh, 3 * H, H, H, 0, gp, hp);
        }
      for (int k = 0; k < n_parts; k++)
        if (ce_model_ensure_bf16_part (model, &model->part[k], T * jobs[k].nb, jobs[k].nb) != CE_OK)
          {
            snprintf (msg, CE_MSG_SIZE, "out of memory for the bfloat16 buffers of %d rows",
                      T * jobs[k].nb);
            return CE_ERR_NOMEM;
          }
    }
  run_parts (jobs, n_parts, parallel);
  double xent = 0.0;
  for (int k = 0; k < n_parts; k++)
    xent += model->part[k].xent;

  const float kw = tp ? tp->kl_weight : 1.0f;
  model->objective = xent + (model->cfg.kind == CE_MODEL_CVAE ? kw * kl : 0.0) + adv_w * adv;
  if (losses)
    {
      memset (losses, 0, sizeof *losses);
      losses->xent = xent;
      losses->kl = kl;
      losses->enc_adv = adv;
      losses->tokens = ntok;
    }
  if (!backward)
    return CE_OK;

  /* ---- backward (the decoder's is done: merge the parts' gradients) ---- */
  for (int k = 1; k < n_parts; k++)
    ce_add_inplace (model->grads, model->part[k].grads, model->table.total);

  ce_zero (w->dinit_in, (size_t) B * (H + Z));
  ce_dense_backward (w->dinit_in, g->init_W, g->init_b, w->dh, w->init_in, w->h0, p->init_W,
                     CE_ACT_TANH, B, H + Z, H, w->scratch);
  if (Z > 0)
    {
      ce_zero (w->dz, (size_t) B * Z);
      ce_split_add_rows (ew->dpool, w->dz, w->dinit_in, H, Z, B);
      if (adv_w != 0.0f && n_gen == 0)
        ce_arae_encoder_backward (model, adv_w, B, w->dz, ew->dpool);
      ce_linear_backward (w->dz, g->dec_Wz, NULL, w->dgc, zd, p->dec_Wz, B, Z, 3 * H);
      if (n_gen > 0)
        {
          /* a row decoded from the generator's code says nothing about its
           * encoder's code; the encoder's adversarial term still does */
          for (int b = 0; b < B; b++)
            if (w->zgen[b])
              ce_zero (w->dz + (size_t) b * Z, (size_t) Z);
          if (adv_w != 0.0f)
            ce_arae_encoder_backward (model, adv_w, B, w->dz, ew->dpool);
        }
      latent_backward (model, B, T, tp);
    }
  else
    ce_split_add_rows (ew->dpool, NULL, w->dinit_in, H, 0, B);

  encoder_backward (model, ew, batch, drop > 0.0f);
  return CE_OK;
}
