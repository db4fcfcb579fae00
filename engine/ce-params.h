/* ce-params.h — private: a model's parameters in one flat allocation.
 *
 * CeParams is a struct of pointers into ONE float buffer, each with its
 * shape. Gradients and the Adam moments are buffers of exactly the same
 * layout (a second CeParams can point into the gradient buffer), so the
 * optimiser and gradient clipping are single loops over the flat buffer
 * (llm.c's malloc_and_point_parameters / gpt2_update).
 *
 * A table of named tensors (name, shape, offset, group) is built from the
 * config; it drives allocation, initialisation and checkpoints. Tensors
 * are laid out group by group, so each group (the autoencoder, the ARAE
 * generator, the ARAE critic) is one contiguous range that can be updated
 * by its own optimiser.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/* Shapes use: V vocabulary, F fields, E token embedding, FE field
 * embedding, H decoder hidden, Hd = H/2 per encoder direction, A attention,
 * Z latent, Ie = E + FE. */
typedef struct {
  float *tok_emb;    /* (V, E)  shared by source and target */
  float *field_emb;  /* (F, FE) */

  float *encf_Wx;    /* (3Hd, Ie)  encoder, left to right */
  float *encf_bx;    /* (3Hd) */
  float *encf_Wh;    /* (3Hd, Hd) */
  float *encf_bh;    /* (3Hd) */
  float *encb_Wx;    /* (3Hd, Ie)  encoder, right to left */
  float *encb_bx;    /* (3Hd) */
  float *encb_Wh;    /* (3Hd, Hd) */
  float *encb_bh;    /* (3Hd) */

  float *init_W;     /* (H, H + Z)  h0 = tanh(init_W [pool; z] + init_b) */
  float *init_b;     /* (H) */

  float *dec_Wemb;   /* (3H, E)  decoder GRU input projection, emb part */
  float *dec_Wctx;   /* (3H, H)  ... context part (input feeding) */
  float *dec_Wz;     /* (3H, Z)  ... latent part (NULL when Z == 0) */
  float *dec_bx;     /* (3H) */
  float *dec_Wh;     /* (3H, H) */
  float *dec_bh;     /* (3H) */

  float *att_Wk;     /* (A, H)  keys = enc Wk^T + bk */
  float *att_bk;     /* (A) */
  float *att_Wq;     /* (A, H) */
  float *att_v;      /* (A) */

  float *out_W;      /* (V, 2H)  logits = [h; ctx] out_W^T + out_b */
  float *out_b;      /* (V) */

  float *gate_w;     /* (2H + E)  copy gate over [h; ctx; emb] (copy on) */
  float *gate_b;     /* (1) */

  /* CVAE prior p(z | attrs): MLP over the pooled encoder states */
  float *prior_W1;   /* (H, H) */
  float *prior_b1;   /* (H) */
  float *prior_Wmu;  /* (Z, H) */
  float *prior_bmu;  /* (Z) */
  float *prior_Wlv;  /* (Z, H) */
  float *prior_blv;  /* (Z) */

  /* text encoder (CVAE posterior, ARAE code): a GRU over the target */
  float *txt_Wx;     /* (3H, E) */
  float *txt_bx;     /* (3H) */
  float *txt_Wh;     /* (3H, H) */
  float *txt_bh;     /* (3H) */

  /* CVAE posterior q(z | attrs, text) over [text state; pool] */
  float *post_W1;    /* (H, 2H) */
  float *post_b1;    /* (H) */
  float *post_Wmu;   /* (Z, H) */
  float *post_bmu;   /* (Z) */
  float *post_Wlv;   /* (Z, H) */
  float *post_blv;   /* (Z) */

  /* ARAE: code c = normalise(code_W text_state + code_b) */
  float *code_W;     /* (Z, H) */
  float *code_b;     /* (Z) */
  /* ARAE generator c~ = normalise(gen_W2 relu(gen_W1 [noise; pool] + b1) + b2) */
  float *gen_W1;     /* (H, Z + H) */
  float *gen_b1;     /* (H) */
  float *gen_W2;     /* (Z, H) */
  float *gen_b2;     /* (Z) */
  /* ARAE critic f(c, pool) = crit_W2 leaky(crit_W1 [c; pool] + b1) + b2 */
  float *crit_W1;    /* (H, Z + H) */
  float *crit_b1;    /* (H) */
  float *crit_W2;    /* (1, H) */
  float *crit_b2;    /* (1) */
} CeParams;

typedef enum {
  CE_GROUP_AE = 0,     /* everything trained by the reconstruction loss */
  CE_GROUP_GEN = 1,    /* ARAE generator */
  CE_GROUP_CRITIC = 2, /* ARAE critic */
  CE_N_GROUPS
} CeParamGroup;

typedef enum {
  CE_INIT_ZERO,
  CE_INIT_XAVIER,      /* uniform(±sqrt(6 / (fan_in + fan_out))) */
  CE_INIT_EMBEDDING,   /* uniform(±0.1) */
} CeInit;

typedef struct {
  char name[32];
  int ndim;            /* 1 or 2 */
  int shape[2];
  size_t offset;       /* in floats from the start of the flat buffer */
  size_t size;         /* floats */
  size_t field;        /* offsetof (CeParams, <pointer>) */
  CeParamGroup group;
  CeInit init;
} CeTensorInfo;

#define CE_MAX_TENSORS 64

typedef struct {
  CeTensorInfo t[CE_MAX_TENSORS];
  int n;
  size_t total;                        /* floats */
  size_t group_begin[CE_N_GROUPS];     /* [begin, end) in floats */
  size_t group_end[CE_N_GROUPS];
} CeTensorTable;

/* Fills TABLE for CFG (which must have been validated). */
void ce_tensor_table_build (CeTensorTable *table, const CeModelConfig *cfg);
/* Points every tensor of SET into BASE (a buffer of table->total floats);
 * tensors absent from the table are NULL. */
void ce_params_point (CeParams *set, float *base, const CeTensorTable *table);
/* Deterministic initialisation of the weights in BASE from RNG. */
void ce_params_init (float *base, const CeTensorTable *table, CeRng *rng);
const CeTensorInfo *ce_tensor_table_find (const CeTensorTable *table, const char *name);

/* ---- optimiser (ce-optim.c) -------------------------------------------- */

/* Adam state over a flat range [begin, end) of a parameter buffer. */
typedef struct {
  float *m;            /* same layout as the parameters */
  float *v;
  int64_t t[CE_N_GROUPS];  /* steps taken per group (bias correction) */
} CeAdam;

/* One AdamW update of p[begin..end) from g (decoupled weight decay). */
void   ce_adam_update (float *p, const float *g, float *m, float *v, size_t begin, size_t end,
                       int64_t t, float lr, float beta1, float beta2, float eps, float weight_decay);
/* Global L2 norm of g[begin..end). */
double ce_grad_norm (const float *g, size_t begin, size_t end);
/* g[begin..end) *= SCALE. */
void   ce_grad_scale (float *g, size_t begin, size_t end, float scale);
/* Scales g[begin..end) so its global norm is at most MAX_NORM (> 0); returns the norm before. */
double ce_grad_clip (float *g, size_t begin, size_t end, float max_norm);
/* 1 when every value of g[begin..end) is finite. */
int    ce_all_finite (const float *g, size_t begin, size_t end);
