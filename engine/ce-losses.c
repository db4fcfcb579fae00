/* ce-losses.c — softmax cross-entropy (padding, label smoothing), the copy /
 * pointer gate cross-entropy, and the Gaussian KL with free bits. */
#include "ce-layers.h"

#include <math.h>
#include <string.h>

#define COPY_EPS 1e-9

static inline float
sigmoidf (float x)
{
  return 1.0f / (1.0f + expf (-x));
}

/* ---- softmax cross-entropy ---------------------------------------------- */

double
ce_softmax_xent_forward_backward (float *dlogits, const float *logits, const int32_t *tgt,
                                  int N, int C, float label_smoothing, float weight,
                                  float *probs_scratch)
{
  const double eps = label_smoothing;
  const double off = eps / C;          /* smoothed mass on every class */
  const double on = 1.0 - eps + off;   /* on the target */
  double total = 0.0;

  for (int n = 0; n < N; n++)
    {
      if (tgt[n] < 0 || tgt[n] >= C)
        {
          if (dlogits)
            memset (dlogits + (size_t) n * C, 0, (size_t) C * sizeof (float));
          continue;
        }

      const float *x = logits + (size_t) n * C;
      /* with a gradient to write, the exponentials go straight into its
       * row (in cache for the pass that scales them) */
      float *p = dlogits ? dlogits + (size_t) n * C : probs_scratch + (size_t) n * C;
      float mx = ce_vmax (x, (size_t) C);
      double sum = ce_vexp_sum (p, x, (size_t) C, mx);
      double lse = mx + log (sum);

      /* loss = -sum_c q_c log p_c = lse - sum_c q_c x_c */
      double qx = (1.0 - eps) * x[tgt[n]];
      if (eps > 0.0)
        {
          double sx = 0.0;
          for (int c = 0; c < C; c++)
            sx += x[c];
          qx += off * sx;
        }
      total += lse - qx;

      if (dlogits)
        {
          float *d = p;
          float inv = (float) (1.0 / sum);
          /* "0.0f +" keeps the bits of the earlier accumulate-into-zeros
           * form: it turns a -0 into +0, as adding to a zeroed buffer did */
          for (int c = 0; c < C; c++)
            d[c] = 0.0f + weight * (d[c] * inv - (float) off);
          d[tgt[n]] -= weight * (float) (on - off);
        }
    }
  return total * weight;
}

/* ---- copy / pointer gate -------------------------------------------------- */

/* Copy probability of the target: Σ attn over source positions holding it. */
static double
copy_mass (const float *attn_b, const int32_t *src_b, int S, int32_t w)
{
  double pc = 0.0;
  for (int s = 0; s < S; s++)
    if (src_b[s] == w)
      pc += attn_b[s];
  return pc;
}

double
ce_copy_xent_forward (const float *p_vocab, const float *attn, const float *gate_logit,
                      const int32_t *src_ids, const int32_t *tgt,
                      int B, int S, int V, float weight,
                      float *p_target)
{
  double total = 0.0;

  for (int b = 0; b < B; b++)
    {
      int32_t t = tgt[b];
      if (t < 0 || t >= V)
        {
          if (p_target)
            p_target[b] = 0.0f;
          continue;
        }
      double g = sigmoidf (gate_logit[b]);
      double pc = copy_mass (attn + (size_t) b * S, src_ids + (size_t) b * S, S, t);
      double pf = g * p_vocab[(size_t) b * V + t] + (1.0 - g) * pc;
      if (p_target)
        p_target[b] = (float) pf;
      total += -log (pf + COPY_EPS);
    }
  return total * weight;
}

void
ce_copy_xent_backward (float *dlogits, float *dattn, float *dgate_logit,
                       const float *p_vocab, const float *attn, const float *gate_logit,
                       const int32_t *src_ids, const int32_t *tgt, const float *p_target,
                       int B, int S, int V, float weight)
{
  for (int b = 0; b < B; b++)
    {
      int32_t t = tgt[b];
      if (t < 0 || t >= V)
        {
          if (dlogits)
            memset (dlogits + (size_t) b * V, 0, (size_t) V * sizeof (float));
          continue;
        }

      const float *pv = p_vocab + (size_t) b * V;
      const int32_t *src_b = src_ids + (size_t) b * S;
      float g = sigmoidf (gate_logit[b]);
      /* dL/dp_final */
      float k = (float) (-(double) weight / ((double) p_target[b] + COPY_EPS));

      if (dgate_logit)
        {
          double pc = copy_mass (attn + (size_t) b * S, src_b, S, t);
          dgate_logit[b] += k * (float) (pv[t] - pc) * g * (1.0f - g);
        }
      if (dattn)
        for (int s = 0; s < S; s++)
          if (src_b[s] == t)
            dattn[(size_t) b * S + s] += k * (1.0f - g);
      if (dlogits)
        {
          /* through the vocabulary softmax: d logit_w = dp_t p_t (δ_tw − p_w);
           * "0.0f -" gives the bits of the earlier subtract-from-zeros form */
          float c = k * g * pv[t];
          float *d = dlogits + (size_t) b * V;
          for (int w = 0; w < V; w++)
            d[w] = 0.0f - c * pv[w];
          d[t] += c;
        }
    }
}

/* ---- KL between diagonal Gaussians -------------------------------------- */

/* KL of one dimension, in double. */
static double
kl_term (double mq, double lvq, double mp, double lvp)
{
  double diff = mq - mp;
  return 0.5 * (lvp - lvq + (exp (lvq) + diff * diff) / exp (lvp) - 1.0);
}

double
ce_kl_forward_backward (float *dmu_q, float *dlogvar_q, float *dmu_p, float *dlogvar_p,
                        const float *mu_q, const float *logvar_q,
                        const float *mu_p, const float *logvar_p,
                        int N, int Z, float weight, float free_bits)
{
  double total = 0.0;

  for (int j = 0; j < Z; j++)
    {
      double col = 0.0;
      for (int n = 0; n < N; n++)
        {
          size_t i = (size_t) n * Z + j;
          col += kl_term (mu_q[i], logvar_q[i], mu_p ? mu_p[i] : 0.0, logvar_p ? logvar_p[i] : 0.0);
        }
      total += col;

      /* free bits: a dimension whose batch-mean KL is under the floor gets
       * no gradient (its objective is the constant floor). */
      if (free_bits > 0.0f && N > 0 && col / N < free_bits)
        continue;

      for (int n = 0; n < N; n++)
        {
          size_t i = (size_t) n * Z + j;
          double mp = mu_p ? mu_p[i] : 0.0, lvp = logvar_p ? logvar_p[i] : 0.0;
          double diff = mu_q[i] - mp;
          double inv_vp = exp (-lvp);
          double vq = exp (logvar_q[i]);

          if (dmu_q)
            dmu_q[i] += weight * (float) (diff * inv_vp);
          if (dlogvar_q)
            dlogvar_q[i] += weight * (float) (0.5 * (vq * inv_vp - 1.0));
          if (dmu_p && mu_p)
            dmu_p[i] += weight * (float) (-diff * inv_vp);
          if (dlogvar_p && logvar_p)
            dlogvar_p[i] += weight * (float) (0.5 * (1.0 - (vq + diff * diff) * inv_vp));
        }
    }
  return total * weight;
}
