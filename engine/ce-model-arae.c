/* ce-model-arae.c — the adversarial half of the ARAE (Zhao et al. 2018).
 *
 * After the autoencoder step, a WGAN with weight clipping aligns the
 * generator's codes c~ = G(noise, pool) with the encoder's codes c of real
 * texts, both conditioned on the attribute pool:
 *   critic    max  E f(c, pool) - E f(c~, pool), weights clipped to ±CLIP
 *   generator min -E f(G(noise, pool), pool)
 * Real codes and the pool come from the autoencoder's forward pass and are
 * constants here. The encoder's side of the game is part of the
 * autoencoder's objective instead (ce_arae_encoder_forward/backward, called
 * by ce_model_forward_backward): it adds gan_enc_weight x E f(c, pool), so
 * the encoder also moves its codes towards what the critic takes for
 * generated ones, and the gradient check covers it.
 */
#include "ce-model-private.h"

#include <stdio.h>
#include <string.h>

#define CRITIC_CLIP 0.05f

/* cout (B) = critic([code; pool]); keeps cin and chid for the backward. */
static void
critic_forward (CeModel *model, const float *code, const float *pool, int B)
{
  const CeParams *p = &model->p;
  CeTrainWork *w = &model->tw;
  const int H = model->d.H, Z = model->d.Z;
  ce_concat_rows (w->cin, code, Z, pool, H, B);
  ce_dense_forward (w->chid, w->cin, p->crit_W1, p->crit_b1, CE_ACT_LEAKY_RELU, B, Z + H, H);
  ce_linear_forward (w->cout, w->chid, p->crit_W2, p->crit_b2, B, H, 1);
}

/* Backward of critic_forward for dcout = SIGN / B on every row; parameter
 * gradients go to the critic's gradients, the input gradient to dcin. */
static void
critic_backward (CeModel *model, float sign, int B)
{
  const CeParams *p = &model->p;
  CeParams *g = &model->g;
  CeTrainWork *w = &model->tw;
  const int H = model->d.H, Z = model->d.Z;
  for (int b = 0; b < B; b++)
    w->dcout[b] = sign / (float) B;
  memset (w->dchid, 0, (size_t) B * H * sizeof (float));
  memset (w->dcin, 0, (size_t) B * (Z + H) * sizeof (float));
  ce_linear_backward (w->dchid, g->crit_W2, g->crit_b2, w->dcout, w->chid, p->crit_W2, B, H, 1);
  ce_dense_backward (w->dcin, g->crit_W1, g->crit_b1, w->dchid, w->cin, w->chid, p->crit_W1,
                     CE_ACT_LEAKY_RELU, B, Z + H, H, w->scratch);
}

static double
mean (const float *x, int n)
{
  double acc = 0.0;
  for (int i = 0; i < n; i++)
    acc += x[i];
  return acc / n;
}

double
ce_arae_encoder_forward (CeModel *model, const float *z, const float *pool, int B)
{
  critic_forward (model, z, pool, B);
  return mean (model->tw.cout, B);
}

void
ce_arae_encoder_backward (CeModel *model, float weight, int B, float *dz, float *dpool)
{
  critic_backward (model, weight, B);
  ce_split_add_rows (dz, dpool, model->tw.dcin, model->d.Z, model->d.H, B);
}

static void
draw_noise (CeModel *model, int B)
{
  const size_t n = (size_t) B * model->d.Z;
  for (size_t i = 0; i < n; i++)
    model->tw.noise[i] = ce_rng_normal (&model->rng);
}

static void
group_update (CeModel *model, CeParamGroup group, const CeTrainParams *tp)
{
  const size_t lo = model->table.group_begin[group], hi = model->table.group_end[group];
  if (tp->clip_norm > 0.0f)
    ce_grad_clip (model->grads, lo, hi, tp->clip_norm);
  model->adam_t[group]++;
  ce_adam_update (model->params, model->grads, model->adam_m, model->adam_v, lo, hi,
                  model->adam_t[group], tp->gan_lr, 0.5f, 0.9f, tp->eps, 0.0f);
}

CeStatus
ce_arae_gan_steps (CeModel *model, const CeBatch *batch, const CeTrainParams *tp,
                   CeLosses *losses, char *msg)
{
  CeTrainWork *w = &model->tw;
  const float *pool = model->enc.pool;
  const int B = batch->B, H = model->d.H, Z = model->d.Z;
  const CeTensorTable *tb = &model->table;
  const size_t c_lo = tb->group_begin[CE_GROUP_CRITIC], c_hi = tb->group_end[CE_GROUP_CRITIC];
  const size_t g_lo = tb->group_begin[CE_GROUP_GEN], g_hi = tb->group_end[CE_GROUP_GEN];
  const int critic_steps = tp->critic_steps > 0 ? tp->critic_steps : 1;
  double critic_loss = 0.0, gen_loss = 0.0;

  for (int k = 0; k < critic_steps; k++)
    {
      memset (model->grads + c_lo, 0, (c_hi - c_lo) * sizeof (float));
      /* real codes: w->z of the autoencoder pass */
      critic_forward (model, w->z, pool, B);
      double real = mean (w->cout, B);
      critic_backward (model, -1.0f, B);
      draw_noise (model, B);
      ce_arae_generate (model, w->fake, pool, w->noise, B, w->gin, w->gh, w->gout);
      critic_forward (model, w->fake, pool, B);
      double fake = mean (w->cout, B);
      critic_backward (model, 1.0f, B);
      critic_loss = fake - real;
      if (!(critic_loss == critic_loss) || !ce_all_finite (model->grads, c_lo, c_hi))
        {
          snprintf (msg, CE_MSG_SIZE, "ARAE critic step: loss or gradients not finite");
          return CE_ERR_NUMERIC;
        }
      group_update (model, CE_GROUP_CRITIC, tp);
      for (size_t i = c_lo; i < c_hi; i++)
        {
          float *q = &model->params[i];
          *q = *q > CRITIC_CLIP ? CRITIC_CLIP : (*q < -CRITIC_CLIP ? -CRITIC_CLIP : *q);
        }
    }

  /* generator: min -E f(G(noise)) */
  memset (model->grads + g_lo, 0, (g_hi - g_lo) * sizeof (float));
  draw_noise (model, B);
  ce_arae_generate (model, w->fake, pool, w->noise, B, w->gin, w->gh, w->gout);
  critic_forward (model, w->fake, pool, B);
  gen_loss = -mean (w->cout, B);
  critic_backward (model, -1.0f, B);   /* critic gradients here are discarded */
  memset (w->dfake, 0, (size_t) B * Z * sizeof (float));
  ce_split_add_rows (w->dfake, NULL, w->dcin, Z, H, B);
  memset (w->dgout, 0, (size_t) B * Z * sizeof (float));
  ce_normalise_rows_backward (w->dgout, w->dfake, w->fake, w->gout, B, Z);
  memset (w->dgh, 0, (size_t) B * H * sizeof (float));
  const CeParams *p = &model->p;
  CeParams *g = &model->g;
  ce_linear_backward (w->dgh, g->gen_W2, g->gen_b2, w->dgout, w->gh, p->gen_W2, B, H, Z);
  ce_dense_backward (NULL, g->gen_W1, g->gen_b1, w->dgh, w->gin, w->gh, p->gen_W1,
                     CE_ACT_RELU, B, Z + H, H, w->scratch);
  if (!(gen_loss == gen_loss) || !ce_all_finite (model->grads, g_lo, g_hi))
    {
      snprintf (msg, CE_MSG_SIZE, "ARAE generator step: loss or gradients not finite");
      return CE_ERR_NUMERIC;
    }
  group_update (model, CE_GROUP_GEN, tp);

  losses->critic = critic_loss;
  losses->generator = gen_loss;
  return CE_OK;
}
