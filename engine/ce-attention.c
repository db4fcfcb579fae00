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

/* out[s] += x . rows[s] for S rows of N floats, each sum taken in index
 * order from out[s]; four rows at a time so that their chains of additions
 * overlap (the same bits as one row at a time). */
static void
dots_add (float *out, const float *x, const float *rows, int S, int N)
{
  int s = 0;
  for (; s + 4 <= S; s += 4)
    {
      const float *r0 = rows + (size_t) s * N, *r1 = r0 + N, *r2 = r1 + N, *r3 = r2 + N;
      float a0 = out[s], a1 = out[s + 1], a2 = out[s + 2], a3 = out[s + 3];
      for (int i = 0; i < N; i++)
        {
          a0 += x[i] * r0[i];
          a1 += x[i] * r1[i];
          a2 += x[i] * r2[i];
          a3 += x[i] * r3[i];
        }
      out[s] = a0;
      out[s + 1] = a1;
      out[s + 2] = a2;
      out[s + 3] = a3;
    }
  for (; s < S; s++)
    {
      const float *r0 = rows + (size_t) s * N;
      float a = out[s];
      for (int i = 0; i < N; i++)
        a += x[i] * r0[i];
      out[s] = a;
    }
}

void
ce_attention_forward (float *ctx, float *attn, float *cache_pre,
                      const float *q, const float *keys, const float *enc,
                      const uint8_t *mask, const float *Wq, const float *v,
                      int B, int S, int H, int A, int D, float *scratch)
{
  float *qp = scratch; /* (B, A) = q Wq^T (Wq NULL: the caller's) */

  if (Wq)
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
      /* scores e_s = v . pre_s */
      for (int s = 0; s < S; s++)
        ab[s] = 0.0f;
      dots_add (ab, v, pre_b, S, A);
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

      /* gradient on the weights: from outside, plus from the context */
      const float *enc_b = enc + (size_t) b * S * D;
      for (int s = 0; s < S; s++)
        deb[s] = dattn_extra ? dattn_extra[(size_t) b * S + s] : 0.0f;
      dots_add (deb, dcb, enc_b, S, D);
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

  if (!Wq)
    return;   /* the caller multiplies dqp (left in scratch) itself */
  if (dq)
    ce_gemm (0, 0, B, H, A, 1.0f, dqp, A, Wq, H, 1.0f, dq, H);
  if (dWq)
    ce_gemm (1, 0, A, H, B, 1.0f, dqp, A, q, H, 1.0f, dWq, H);
}
