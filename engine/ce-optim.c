/* ce-optim.c — AdamW, global-norm clipping and the learning-rate schedule,
 * each one loop over the flat parameter/gradient buffers. */
#include "ce-params.h"

#include <math.h>

void
ce_adam_update (float *p, const float *g, float *m, float *v, size_t begin, size_t end,
                int64_t t, float lr, float beta1, float beta2, float eps, float weight_decay)
{
  /* bias corrections folded into the step size and epsilon */
  const double bc1 = 1.0 - pow (beta1, (double) t);
  const double bc2 = 1.0 - pow (beta2, (double) t);
  const float step = (float) (lr * sqrt (bc2) / bc1);
  const float eps_hat = (float) (eps * sqrt (bc2));
  const float decay = lr * weight_decay;
  const float b1 = beta1, b2 = beta2, c1 = 1.0f - beta1, c2 = 1.0f - beta2;

  for (size_t i = begin; i < end; i++)
    {
      float gi = g[i];
      float mi = b1 * m[i] + c1 * gi;
      float vi = b2 * v[i] + c2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] -= step * mi / (sqrtf (vi) + eps_hat) + decay * p[i];
    }
}

double
ce_grad_norm (const float *g, size_t begin, size_t end)
{
  double acc = 0.0;
  for (size_t i = begin; i < end; i++)
    acc += (double) g[i] * g[i];
  return sqrt (acc);
}

void
ce_grad_scale (float *g, size_t begin, size_t end, float scale)
{
  for (size_t i = begin; i < end; i++)
    g[i] *= scale;
}

double
ce_grad_clip (float *g, size_t begin, size_t end, float max_norm)
{
  double norm = ce_grad_norm (g, begin, end);
  if (max_norm > 0.0f && norm > max_norm)
    ce_grad_scale (g, begin, end, (float) (max_norm / (norm + 1e-12)));
  return norm;
}

int
ce_all_finite (const float *g, size_t begin, size_t end)
{
  /* x * 0 is 0 for finite x and NaN for Inf/NaN: one branch-free pass */
  float acc = 0.0f;
  for (size_t i = begin; i < end; i++)
    acc += g[i] * 0.0f;
  return acc == 0.0f;
}

float
ce_lr_schedule (float base, int step, int warmup, int total)
{
  if (step < 0)
    step = 0;
  if (warmup > 0 && step < warmup)
    return base * (float) (step + 1) / (float) warmup;
  if (total <= warmup || total <= 0)
    return base;
  double progress = (double) (step - warmup) / (double) (total - warmup);
  if (progress > 1.0)
    progress = 1.0;
  /* cosine decay to a floor of 10 % of the base rate */
  double cosine = 0.5 * (1.0 + cos (3.14159265358979323846 * progress));
  return (float) (base * (0.1 + 0.9 * cosine));
}
