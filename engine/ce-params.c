/* ce-params.c — the named tensor table, pointing and initialisation */
#include "ce-params.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void
add (CeTensorTable *table, const char *name, size_t field, CeParamGroup group, CeInit init,
     int rows, int cols)
{
  CeTensorInfo *info = &table->t[table->n++];
  snprintf (info->name, sizeof info->name, "%s", name);
  info->ndim = cols > 0 ? 2 : 1;
  info->shape[0] = rows;
  info->shape[1] = cols > 0 ? cols : 0;
  info->size = (size_t) rows * (size_t) (cols > 0 ? cols : 1);
  info->offset = table->total;
  info->field = field;
  info->group = group;
  info->init = init;
  /* keep every tensor 16-float aligned for the vector loops */
  table->total += (info->size + 15) & ~(size_t) 15;
}

#define F(member) offsetof (CeParams, member)
#define MAT(name, member, group, r, c) add (table, name, F (member), group, CE_INIT_XAVIER, r, c)
#define VEC(name, member, group, n) add (table, name, F (member), group, CE_INIT_ZERO, n, 0)

void
ce_tensor_table_build (CeTensorTable *table, const CeModelConfig *cfg)
{
  const int V = cfg->vocab_size, Fn = cfg->n_fields, E = cfg->emb, FE = cfg->field_emb;
  const int H = cfg->hidden, Hd = H / 2, A = cfg->attn;
  const int Z = cfg->kind == CE_MODEL_S2S ? 0 : cfg->latent;
  const int Ie = E + FE;
  const CeParamGroup G = CE_GROUP_AE;

  memset (table, 0, sizeof *table);

  table->group_begin[CE_GROUP_AE] = 0;
  add (table, "tok_emb", F (tok_emb), G, CE_INIT_EMBEDDING, V, E);
  add (table, "field_emb", F (field_emb), G, CE_INIT_EMBEDDING, Fn, FE);
  MAT ("enc_fwd.Wx", encf_Wx, G, 3 * Hd, Ie);
  VEC ("enc_fwd.bx", encf_bx, G, 3 * Hd);
  MAT ("enc_fwd.Wh", encf_Wh, G, 3 * Hd, Hd);
  VEC ("enc_fwd.bh", encf_bh, G, 3 * Hd);
  MAT ("enc_bwd.Wx", encb_Wx, G, 3 * Hd, Ie);
  VEC ("enc_bwd.bx", encb_bx, G, 3 * Hd);
  MAT ("enc_bwd.Wh", encb_Wh, G, 3 * Hd, Hd);
  VEC ("enc_bwd.bh", encb_bh, G, 3 * Hd);
  MAT ("init.W", init_W, G, H, H + Z);
  VEC ("init.b", init_b, G, H);
  MAT ("dec.Wemb", dec_Wemb, G, 3 * H, E);
  MAT ("dec.Wctx", dec_Wctx, G, 3 * H, H);
  if (Z > 0)
    MAT ("dec.Wz", dec_Wz, G, 3 * H, Z);
  VEC ("dec.bx", dec_bx, G, 3 * H);
  MAT ("dec.Wh", dec_Wh, G, 3 * H, H);
  VEC ("dec.bh", dec_bh, G, 3 * H);
  MAT ("att.Wk", att_Wk, G, A, H);
  VEC ("att.bk", att_bk, G, A);
  MAT ("att.Wq", att_Wq, G, A, H);
  add (table, "att.v", F (att_v), G, CE_INIT_XAVIER, 1, A);
  MAT ("out.W", out_W, G, V, 2 * H);
  VEC ("out.b", out_b, G, V);
  if (cfg->copy)
    {
      add (table, "gate.w", F (gate_w), G, CE_INIT_XAVIER, 1, 2 * H + E);
      VEC ("gate.b", gate_b, G, 1);
    }
  if (cfg->kind != CE_MODEL_S2S)
    {
      MAT ("txt.Wx", txt_Wx, G, 3 * H, E);
      VEC ("txt.bx", txt_bx, G, 3 * H);
      MAT ("txt.Wh", txt_Wh, G, 3 * H, H);
      VEC ("txt.bh", txt_bh, G, 3 * H);
    }
  if (cfg->kind == CE_MODEL_CVAE)
    {
      MAT ("prior.W1", prior_W1, G, H, H);
      VEC ("prior.b1", prior_b1, G, H);
      MAT ("prior.Wmu", prior_Wmu, G, Z, H);
      VEC ("prior.bmu", prior_bmu, G, Z);
      MAT ("prior.Wlv", prior_Wlv, G, Z, H);
      VEC ("prior.blv", prior_blv, G, Z);
      MAT ("post.W1", post_W1, G, H, 2 * H);
      VEC ("post.b1", post_b1, G, H);
      MAT ("post.Wmu", post_Wmu, G, Z, H);
      VEC ("post.bmu", post_bmu, G, Z);
      MAT ("post.Wlv", post_Wlv, G, Z, H);
      VEC ("post.blv", post_blv, G, Z);
    }
  if (cfg->kind == CE_MODEL_ARAE)
    {
      MAT ("code.W", code_W, G, Z, H);
      VEC ("code.b", code_b, G, Z);
    }
  table->group_end[CE_GROUP_AE] = table->total;

  table->group_begin[CE_GROUP_GEN] = table->total;
  if (cfg->kind == CE_MODEL_ARAE)
    {
      MAT ("gen.W1", gen_W1, CE_GROUP_GEN, H, Z + H);
      VEC ("gen.b1", gen_b1, CE_GROUP_GEN, H);
      MAT ("gen.W2", gen_W2, CE_GROUP_GEN, Z, H);
      VEC ("gen.b2", gen_b2, CE_GROUP_GEN, Z);
    }
  table->group_end[CE_GROUP_GEN] = table->total;

  table->group_begin[CE_GROUP_CRITIC] = table->total;
  if (cfg->kind == CE_MODEL_ARAE)
    {
      MAT ("crit.W1", crit_W1, CE_GROUP_CRITIC, H, Z + H);
      VEC ("crit.b1", crit_b1, CE_GROUP_CRITIC, H);
      MAT ("crit.W2", crit_W2, CE_GROUP_CRITIC, 1, H);
      VEC ("crit.b2", crit_b2, CE_GROUP_CRITIC, 1);
    }
  table->group_end[CE_GROUP_CRITIC] = table->total;
}

#undef F
#undef MAT
#undef VEC

void
ce_params_point (CeParams *set, float *base, const CeTensorTable *table)
{
  memset (set, 0, sizeof *set);
  for (int i = 0; i < table->n; i++)
    {
      float **slot = (float **) (void *) ((char *) set + table->t[i].field);
      *slot = base + table->t[i].offset;
    }
}

void
ce_params_init (float *base, const CeTensorTable *table, CeRng *rng)
{
  memset (base, 0, table->total * sizeof (float));
  for (int i = 0; i < table->n; i++)
    {
      const CeTensorInfo *info = &table->t[i];
      float *p = base + info->offset;
      float a;
      switch (info->init)
        {
        case CE_INIT_ZERO:
          continue;
        case CE_INIT_EMBEDDING:
          a = 0.1f;
          break;
        case CE_INIT_XAVIER:
        default:
          {
            double fan_out = info->shape[0], fan_in = info->ndim == 2 ? info->shape[1] : 1;
            a = (float) sqrt (6.0 / (fan_in + fan_out));
          }
          break;
        }
      for (size_t k = 0; k < info->size; k++)
        p[k] = (2.0f * ce_rng_uniform (rng) - 1.0f) * a;
    }
}

const CeTensorInfo *
ce_tensor_table_find (const CeTensorTable *table, const char *name)
{
  for (int i = 0; i < table->n; i++)
    if (strcmp (table->t[i].name, name) == 0)
      return &table->t[i];
  return NULL;
}
