/* ce-attention.c — additive (Bahdanau) attention with a padding mask.
 * See ce-layers.h for the equations. A row whose positions are all masked
 * gets zero weights and a zero context (never NaN). */
#include "ce-layers.h"

#include <math.h>
#include <string.h>

static inline int
is_valid (const uint8_t *mask, size_t i)
{
  return !mask || mask[i] != 0;
}

void
ce_attention_forward (float *ctx, float *attn, float *cache_pre,
                      const float *q, const float *keys, const float *enc,
                      const uint8_t *mask, const float *Wq, const float *v,
                      int B, int S, int H, int A, int D, float *scratch)
{
  float *qp = scratch; /* (B, A) = q Wq^T */

  ce_gemm (0, 1, B, A, H, 1.0f, q, H, Wq, H, 0.0f, qp, A);

  for (int b = 0; b < B; b++)
    {
      const float *qpb = qp + (size_t) b * A;
      float *ab = attn + (size_t) b * S;
      float mx = -INFINITY;

      /* pre = tanh(keys + q Wq^T), all positions of the row at once */
      float *pre_b = cache_pre + (size_t) b * S * A;
      const float *keys_b = keys + (size_t) b * S * A;
      for (int s = 0; s < S; s++)
        for (int i = 0; i < A; i++)
          pre_b[(size_t) s * A + i] = keys_b[(size_t) s * A + i] + qpb[i];
      ce_vtanh (pre_b, pre_b, (size_t) S * A);
      /* scores e_s = v . pre_s: each a sum in index order, four
       * positions at a time so that their chains of additions overlap */
      int s0 = 0;
      for (; s0 + 4 <= S; s0 += 4)
        {
          const float *p0 = pre_b + (size_t) s0 * A, *p1 = p0 + A, *p2 = p1 + A, *p3 = p2 + A;
          float e0 = 0.0f, e1 = 0.0f, e2 = 0.0f, e3 = 0.0f;
          for (int i = 0; i < A; i++)
            {
              e0 += v[i] * p0[i];
              e1 += v[i] * p1[i];
              e2 += v[i] * p2[i];
              e3 += v[i] * p3[i];
            }
          ab[s0] = e0;
          ab[s0 + 1] = e1;
          ab[s0 + 2] = e2;
          ab[s0 + 3] = e3;
        }
      for (; s0 < S; s0++)
        {
          const float *p0 = pre_b + (size_t) s0 * A;
          float e = 0.0f;
          for (int i = 0; i < A; i++)
            e += v[i] * p0[i];
          ab[s0] = e;
        }
      for (int s = 0; s < S; s++)
        if (is_valid (mask, (size_t) b * S + s) && ab[s] > mx)
          mx = ab[s];

      double sum = 0.0;
      for (int s = 0; s < S; s++)
        {
          if (is_valid (mask, (size_t) b * S + s))
            {
              ab[s] = expf (ab[s] - mx);
              sum += ab[s];
            }
          else
            ab[s] = 0.0f;
        }
      if (sum > 0.0)
        {
          float inv = (float) (1.0 / sum);
          for (int s = 0; s < S; s++)
            ab[s] *= inv;
        }

      /* ctx_b (1, D) = a_b (1, S) enc_b (S, D) */
      ce_gemm (0, 0, 1, D, S, 1.0f, ab, S, enc + (size_t) b * S * D, D, 0.0f,
               ctx + (size_t) b * D, D);
    }
}

void
ce_attention_backward (float *dq, float *dkeys, float *denc, float *dWq, float *dv,
                       const float *dctx, const float *dattn_extra,
                       const float *attn, const float *cache_pre,
                       const float *q, const float *enc,
                       const uint8_t *mask, const float *Wq, const float *v,
                       int B, int S, int H, int A, int D, float *scratch)
{
  float *de = scratch;                      /* (B, S): gradient on the scores */
  float *dqp = scratch + (size_t) B * S;    /* (B, A): gradient on q Wq^T */

  memset (dqp, 0, (size_t) B * A * sizeof (float));

  for (int b = 0; b < B; b++)
    {
      const float *ab = attn + (size_t) b * S;
      const float *dcb = dctx + (size_t) b * D;
      float *deb = de + (size_t) b * S;
      double dot = 0.0;

      /* gradient on the weights: from the context and from outside; each
       * a sum in index order, four positions at a time (overlapping chains) */
      const float *enc_b = enc + (size_t) b * S * D;
      for (int s = 0; s < S; s++)
        deb[s] = dattn_extra ? dattn_extra[(size_t) b * S + s] : 0.0f;
      int s0 = 0;
      for (; s0 + 4 <= S; s0 += 4)
        {
          const float *e0 = enc_b + (size_t) s0 * D, *e1 = e0 + D, *e2 = e1 + D, *e3 = e2 + D;
          float g0 = deb[s0], g1 = deb[s0 + 1], g2 = deb[s0 + 2], g3 = deb[s0 + 3];
          for (int d = 0; d < D; d++)
            {
              g0 += dcb[d] * e0[d];
              g1 += dcb[d] * e1[d];
              g2 += dcb[d] * e2[d];
              g3 += dcb[d] * e3[d];
            }
          deb[s0] = g0;
          deb[s0 + 1] = g1;
          deb[s0 + 2] = g2;
          deb[s0 + 3] = g3;
        }
      for (; s0 < S; s0++)
        {
          const float *e0 = enc_b + (size_t) s0 * D;
          float g = deb[s0];
          for (int d = 0; d < D; d++)
            g += dcb[d] * e0[d];
          deb[s0] = g;
        }
      for (int s = 0; s < S; s++)
        dot += (double) ab[s] * deb[s];
      /* through the softmax; masked positions have a == 0, so de == 0 */
      for (int s = 0; s < S; s++)
        deb[s] = ab[s] * (deb[s] - (float) dot);

      if (denc)
        for (int s = 0; s < S; s++)
          {
            float a = ab[s];
            float *dst = denc + ((size_t) b * S + s) * D;
            if (a == 0.0f)
              continue;
            for (int d = 0; d < D; d++)
              dst[d] += a * dcb[d];
          }

      float *restrict dqpb = dqp + (size_t) b * A;
      for (int s = 0; s < S; s++)
        {
          size_t bs = (size_t) b * S + s;
          const float *restrict pre = cache_pre + bs * A;
          float e = deb[s];

          if (!is_valid (mask, bs) || e == 0.0f)
            continue;
          if (dv)
            {
              float *restrict dvr = dv;
              for (int i = 0; i < A; i++)
                dvr[i] += e * pre[i];
            }
          /* the gradient reaching tanh's input goes to the key and the query */
          if (dkeys)
            {
              float *restrict dk = dkeys + bs * A;
              for (int i = 0; i < A; i++)
                {
                  float g = e * v[i] * (1.0f - pre[i] * pre[i]);
                  dqpb[i] += g;
                  dk[i] += g;
                }
            }
          else
            for (int i = 0; i < A; i++)
              dqpb[i] += e * v[i] * (1.0f - pre[i] * pre[i]);
        }
    }

  if (dq)
    ce_gemm (0, 0, B, H, A, 1.0f, dqp, A, Wq, H, 1.0f, dq, H);
  if (dWq)
    ce_gemm (1, 0, A, H, B, 1.0f, dqp, A, q, H, 1.0f, dWq, H);
}
