/* ce-gru.c — GRU step and whole sequence, forward and backward.
 * Gate order (r, z, n) as PyTorch; see ce-layers.h for the equations. */
#include "ce-layers.h"

#include <math.h>
#include <string.h>

void
ce_gru_step_forward (float *h_out, float *cache,
                     const float *gx, const float *h_prev,
                     const float *Wh, const float *bh,
                     int B, int H, float *scratch)
{
  const int G = 3 * H;
  float *gh = scratch; /* (B, 3H) = h_prev Wh^T + bh */

  for (int b = 0; b < B; b++)
    {
      if (bh)
        memcpy (gh + (size_t) b * G, bh, (size_t) G * sizeof (float));
      else
        memset (gh + (size_t) b * G, 0, (size_t) G * sizeof (float));
    }
  if (h_prev)
    ce_gemm (0, 1, B, G, H, 1.0f, h_prev, H, Wh, H, 1.0f, gh, G);
  ce_gru_step_gates (h_out, cache, gx, gh, h_prev, B, H);
}

void
ce_gru_step_gates (float *h_out, float *cache, const float *gx, const float *gh,
                   const float *h_prev, int B, int H)
{
  const int G = 3 * H;

  for (int b = 0; b < B; b++)
    {
      const float *gxb = gx + (size_t) b * G;
      const float *ghb = gh + (size_t) b * G;
      const float *hp = h_prev ? h_prev + (size_t) b * H : NULL;
      float *c = cache + (size_t) b * 4 * H; /* r | z | n | hn */
      float *ho = h_out + (size_t) b * H;

      /* r and z are contiguous in the cache: one sigmoid over 2H */
      for (int j = 0; j < 2 * H; j++)
        c[j] = gxb[j] + ghb[j];
      ce_vsigmoid (c, c, (size_t) 2 * H);
      for (int j = 0; j < H; j++)
        {
          c[3 * H + j] = ghb[2 * H + j];
          c[2 * H + j] = gxb[2 * H + j] + c[j] * ghb[2 * H + j];
        }
      ce_vtanh (c + 2 * H, c + 2 * H, (size_t) H);
      for (int j = 0; j < H; j++)
        {
          float z = c[H + j], n = c[2 * H + j];
          ho[j] = (1.0f - z) * n + z * (hp ? hp[j] : 0.0f);
        }
    }
}

void
ce_gru_step_backward (float *dgx, float *dh_prev, float *dWh, float *dbh,
                      const float *dh_out, const float *cache,
                      const float *h_prev, const float *Wh,
                      int B, int H, float *scratch)
{
  const int G = 3 * H;
  float *dgh = scratch; /* (B, 3H): gradient on h_prev Wh^T + bh */

  for (int b = 0; b < B; b++)
    {
      const float *c = cache + (size_t) b * 4 * H;
      const float *dh = dh_out + (size_t) b * H;
      const float *hp = h_prev ? h_prev + (size_t) b * H : NULL;
      float *dgxb = dgx + (size_t) b * G;
      float *dghb = dgh + (size_t) b * G;

      for (int j = 0; j < H; j++)
        {
          float r = c[j], z = c[H + j], n = c[2 * H + j], hn = c[3 * H + j];
          float h = hp ? hp[j] : 0.0f;
          float g = dh[j];
          float da_n = g * (1.0f - z) * (1.0f - n * n);
          float da_z = g * (h - n) * z * (1.0f - z);
          float da_r = da_n * hn * r * (1.0f - r);

          dgxb[j] = da_r;
          dgxb[H + j] = da_z;
          dgxb[2 * H + j] = da_n;
          dghb[j] = da_r;
          dghb[H + j] = da_z;
          dghb[2 * H + j] = da_n * r;
          if (dh_prev)
            dh_prev[(size_t) b * H + j] += g * z;
        }
    }

  if (dh_prev && Wh)
    ce_gemm (0, 0, B, H, G, 1.0f, dgh, G, Wh, H, 1.0f, dh_prev, H);
  if (dWh && h_prev)
    ce_gemm (1, 0, G, H, B, 1.0f, dgh, G, h_prev, H, 1.0f, dWh, H);
  if (dbh)
    for (int b = 0; b < B; b++)
      for (int k = 0; k < G; k++)
        dbh[k] += dgh[(size_t) b * G + k];
}

static inline int
is_padding (const int32_t *lengths, int b, int t)
{
  return lengths && t >= lengths[b];
}

void
ce_gru_forward (float *hs, float *gx_all, float *cache,
                const float *xs, const float *h0,
                const float *Wx, const float *bx, const float *Wh, const float *bh,
                const int32_t *lengths, int T, int B, int I, int H, float *scratch)
{
  const size_t step_h = (size_t) B * H;

  /* Input projection of every step at once: (T*B, I) -> (T*B, 3H). */
  ce_linear_forward (gx_all, xs, Wx, bx, T * B, I, 3 * H);

  for (int t = 0; t < T; t++)
    {
      const float *h_prev = t == 0 ? h0 : hs + (t - 1) * step_h;
      float *h = hs + t * step_h;

      ce_gru_step_forward (h, cache + (size_t) t * B * 4 * H, gx_all + (size_t) t * B * 3 * H,
                           h_prev, Wh, bh, B, H, scratch);
      if (lengths)
        for (int b = 0; b < B; b++)
          if (is_padding (lengths, b, t))
            {
              if (h_prev)
                memcpy (h + (size_t) b * H, h_prev + (size_t) b * H, (size_t) H * sizeof (float));
              else
                memset (h + (size_t) b * H, 0, (size_t) H * sizeof (float));
            }
    }
}

void
ce_gru_backward (float *dxs, float *dh0, float *dWx, float *dbx, float *dWh, float *dbh,
                 float *dhs, float *dgx_all,
                 const float *hs, const float *cache,
                 const float *xs, const float *h0,
                 const float *Wx, const float *Wh,
                 const int32_t *lengths, int T, int B, int I, int H, float *scratch)
{
  const size_t step_h = (size_t) B * H;

  for (int t = T - 1; t >= 0; t--)
    {
      float *dh = dhs + t * step_h;
      float *dh_prev = t == 0 ? dh0 : dhs + (t - 1) * step_h;
      const float *h_prev = t == 0 ? h0 : hs + (t - 1) * step_h;

      /* A padded row carried its state: its gradient flows straight back
       * and the step itself sees none. */
      if (lengths)
        for (int b = 0; b < B; b++)
          if (is_padding (lengths, b, t))
            {
              float *row = dh + (size_t) b * H;
              if (dh_prev)
                for (int j = 0; j < H; j++)
                  dh_prev[(size_t) b * H + j] += row[j];
              memset (row, 0, (size_t) H * sizeof (float));
            }

      ce_gru_step_backward (dgx_all + (size_t) t * B * 3 * H, dh_prev, dWh, dbh,
                            dh, cache + (size_t) t * B * 4 * H, h_prev, Wh, B, H, scratch);
    }

  /* The input projection of all steps, as one GEMM each. */
  ce_linear_backward (dxs, dWx, dbx, dgx_all, xs, Wx, T * B, I, 3 * H);
}
