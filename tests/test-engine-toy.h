/* test-engine-toy.h — the small model and copy-pattern batch that engine
 * tests train in a few steps (test-engine-quant, test-engine-bf16). */
#pragma once

#include <glib.h>

#include "engine.h"

#define TOY_NS 6   /* source tokens per row */
#define TOY_NT 9   /* target tokens per row */

/* vocabulary 300 and 2H = 96: not multiples of any vector or tile width */
static inline void
toy_config (CeModelConfig *cfg, CeModelKind kind)
{
  ce_model_config_default (cfg, kind, 300, 4);
  cfg->emb = 24;
  cfg->field_emb = 4;
  cfg->hidden = 48;
  cfg->attn = 20;
  cfg->latent = kind == CE_MODEL_S2S ? 0 : 8;
  cfg->copy = 1;
  cfg->max_src = 10;
  cfg->max_tgt = 16;
  cfg->dropout = 0.0f;
  cfg->word_dropout = 0.0f;
}

/* NB sources, each with its own target: a copy of its attributes in a
 * pattern (source ids 10 + SRC_STEP b + 5 s, odd rows one token shorter;
 * filler ids 200 + TGT_STEP b + t), so a short training makes the model
 * confident. SRC, FLD (NB x TOY_NS) and TGT (NB x TOY_NT) are the
 * caller's; ids must stay under the vocabulary of toy_config. */
static inline CeBatch
toy_batch (int nb, int src_step, int tgt_step, int32_t *src, int32_t *fld, int32_t *tgt)
{
  for (int b = 0; b < nb; b++)
    {
      for (int s = 0; s < TOY_NS; s++)
        {
          src[b * TOY_NS + s] = s < TOY_NS - b % 2 ? 10 + src_step * b + 5 * s : -1;
          fld[b * TOY_NS + s] = s % 4;
        }
      for (int t = 0; t < TOY_NT - 1; t++)
        tgt[b * TOY_NT + t] = t % 2 ? src[b * TOY_NS + t / 2] : 200 + tgt_step * b + t;
      tgt[b * TOY_NT + TOY_NT - 1] = CE_TOK_EOS;
    }
  CeBatch batch = { nb, TOY_NS, TOY_NT, src, fld, tgt };
  return batch;
}

/* A fresh toy model of KIND seeded with SEED (the test fails if it cannot
 * be made). */
static inline CeModel *
toy_model (CeModelKind kind, uint64_t seed)
{
  char msg[CE_MSG_SIZE];
  CeStatus st;
  CeModelConfig cfg;
  toy_config (&cfg, kind);
  CeModel *model = ce_model_new (&cfg, seed, &st, msg);
  if (!model)
    g_error ("toy model: %s", msg);
  return model;
}
