/* ce-model-private.h — private: the model's struct, its work buffers and the
 * pieces shared by ce-model.c (training), ce-model-decoder.c (inference)
 * and ce-model-io.c (files). Tests include it to reach the gradients. */
#pragma once

#include <string.h>

#include "engine.h"
#include "ce-checkpoint.h"
#include "ce-layers.h"
#include "ce-params.h"
#include "ce-quant.h"

typedef struct {
  int V, F, E, FE, H, Hd, A, Z, Ie;
} CeDims;

/* Encoder work buffers for up to B sources of up to S tokens. */
typedef struct {
  int B, S;
  int train;           /* the backward buffers exist */
  int32_t *len;        /* (B) source lengths */
  int32_t *ids;        /* (S, B) token ids, time-major */
  int32_t *fld;        /* (S, B) field ids, time-major (-1 on padding) */
  float *e_tok;        /* (S*B, E) */
  float *e_fld;        /* (S*B, FE) */
  float *x;            /* (S, B, Ie) GRU input after dropout */
  float *x_mask;       /* (S, B, Ie) dropout mask (train) */
  float *x_rev;        /* (S, B, Ie) each row reversed within its length */
  float *hs_f, *gx_f, *cache_f;   /* (S,B,Hd) (S,B,3Hd) (S,B,4Hd) */
  float *hs_b, *gx_b, *cache_b;
  float *enc;          /* (B, S, H) [fwd; bwd] per position, 0 on padding */
  uint8_t *mask;       /* (B, S) 1 on real tokens */
  float *keys;         /* (B, S, A) */
  float *pool;         /* (B, H) masked mean of enc */
  float *scratch;      /* (B, 4Hd) */
  /* backward */
  float *denc, *dkeys, *dpool;    /* (B,S,H) (B,S,A) (B,H) */
  float *dhs_f, *dhs_b;           /* (S, B, Hd) */
  float *dgx_f, *dgx_b;           /* (S, B, 3Hd) */
  float *dx, *dx_rev;             /* (S, B, Ie) */
  float *de_tok, *de_fld;         /* (S*B, E) (S*B, FE) */
} CeEncWork;

/* Training work buffers for batches up to (B, S, T): the model's own for
 * the whole batch (targets, h0, latent code; the decoder fields are NULL)
 * and one per decoder part (CeDecPart; the h0 and latent fields are NULL). */
typedef struct {
  int B, S, T;
  int32_t *tgt_in;     /* (T, B) decoder inputs: BOS, y_0 .. y_{T-2} (word dropout) */
  int32_t *tgt_out;    /* (T, B) targets, -1 on padding */
  int32_t *tgt_len;    /* (B) */
  int32_t *src_ids;    /* (B, S) source ids (copy targets) */
  float *emb_raw;      /* (T*B, E) */
  float *emb;          /* (T*B, E) after dropout */
  float *emb_mask;     /* (T*B, E) */
  float *gx;           /* (T, B, 3H) */
  float *gc;           /* (B, 3H) latent part of the GRU input projection */
  float *h_all;        /* (T+1, B, H) h_all[0] = h0 */
  float *ctx_all;      /* (T+1, B, H) ctx_all[0] = 0 */
  float *gcache;       /* (T, B, 4H) */
  float *attn;         /* (T, B, S) */
  float *apre;         /* (T, B, S, A) */
  float *feat;         /* (T*B, 2H) [h; ctx] */
  float *feat_d;       /* (T*B, 2H) after dropout */
  float *feat_mask;    /* (T*B, 2H) */
  float *gate;         /* (T*B) copy gate logits */
  float *logits;       /* (T*B, V) */
  float *dlogits;      /* (T*B, V) */
  float *probs;        /* (B, V) */
  float *p_target;     /* (B) */
  float *init_in;      /* (B, H+Z) [pool; z] */
  float *h0;           /* (B, H) */
  float *scratch;      /* (B, SCR) SCR = 4H + S + A + 2H + Z */
  /* backward */
  float *dfeat;        /* (T*B, 2H) */
  float *dh, *dh_prev; /* (B, H) */
  float *dctx;         /* (B, H) */
  float *dctx_carry;   /* (B, H) */
  float *dgx;          /* (T, B, 3H) */
  float *dgh_all;      /* (T, B, 3H) gradient on h Wh^T + bh (for one dWh GEMM) */
  float *dattn;        /* (T, B, S) */
  float *dgate;        /* (T*B) */
  float *demb;         /* (T*B, E) */
  float *dgc;          /* (B, 3H) */
  float *dinit_in;     /* (B, H+Z) */
  /* latent */
  float *z, *dz, *eps;            /* (B, Z) */
  float *ph, *mu_p, *lv_p;        /* (B,H) (B,Z) (B,Z) prior */
  float *dph, *dmu_p, *dlv_p;
  float *temb;                    /* (T*B, E) target embeddings (text encoder) */
  float *ths, *tgx, *tcache;      /* (T,B,H) (T,B,3H) (T,B,4H) */
  float *dths, *dtgx, *dtemb;
  float *pin, *ph1, *mu_q, *lv_q; /* (B,2H) (B,H) (B,Z) (B,Z) posterior */
  float *dpin, *dph1, *dmu_q, *dlv_q;
  float *k_dmu_q, *k_dlv_q, *k_dmu_p, *k_dlv_p;  /* (B, Z) unweighted KL grads */
  /* ARAE */
  float *code_pre, *dcode_pre;    /* (B, Z) */
  float *noise, *gin, *gh, *gout, *fake;   /* (B,Z) (B,Z+H) (B,H) (B,Z) (B,Z) */
  float *zdec;                    /* (B, Z) the code the ARAE's decoder reads (noise, generator rows) */
  uint8_t *zgen;                  /* (B) 1: row decoded from the generator's code */
  float *cin, *chid, *cout;       /* (B,Z+H) (B,H) (B) critic */
  float *dcin, *dchid, *dcout;
  float *dgin, *dgh, *dgout, *dfake;
} CeTrainWork;

/* The teacher-forced decoder of a batch runs as CE_DEC_PARTS parts over
 * disjoint row ranges (ce-model-forward.c), always the same split whatever
 * the thread count, so that the weights do not depend on it; with two or
 * more BLAS threads the parts run at once in threads of their own. A part
 * has its own work buffers, parameter gradients (part 0: the model's) and
 * random stream (seeded from the model's at every pass). */
#define CE_DEC_PARTS 2
/* batches of fewer rows run as one part */
#define CE_DEC_SPLIT_MIN_ROWS 16
/* Adam runs in two threads (with a BLAS budget of two) from this many
 * weights up. */
#define CE_ADAM_SPLIT_MIN ((size_t) 1 << 18)

typedef struct {
  CeTrainWork tw;      /* sized for the part's rows */
  void *tw_mem;
  float *grads;        /* the model's grads for part 0, own buffer otherwise */
  CeParams g;
  CeRng rng;
  double xent;
  /* bfloat16 training (ce-bf16.h), sized for BF_ROWS target rows: an
   * input as A (rows, max (2H, E)) and transposed (max (2H, E, H), rows),
   * a gradient as A and as B (rows, max (V, 3H)): the projection's, then
   * the GRU input side's */
  int bf_rows, bf_step_rows;
  uint16_t *bf_x, *bf_xt, *bf_dl, *bf_dlb;
  uint16_t *bf_a;      /* (step rows, max (3H, A)) one step's activations (the recurrent products) */
  float *bf_dq;        /* (rows, A) the attention query's gradient of every step */
  void *bf_mem;
} CeDecPart;

/* int8 copies of the weights a decoding step reads (ce-quant.h), built by
 * ce_model_set_decode_precision (CE_PRECISION_INT8) and dropped whenever
 * the weights change (a training step). */
typedef struct {
  CeQ8Matrix emb;      /* dec_Wemb (3H, E) */
  CeQ8Matrix ctx;      /* dec_Wctx (3H, H) */
  CeQ8Matrix wh;       /* dec_Wh   (3H, H) */
  CeQ8Matrix wq;       /* att_Wq   (A, H) */
  CeQ8Matrix out;      /* out_W    (V, 2H) */
} CeQ8Weights;

/* Frees MODEL's int8 copy (decoding goes back to fp32). */
void ce_model_drop_q8 (CeModel *model);

struct CeModel {
  CeModelConfig cfg;
  CeDims d;
  CeTensorTable table;
  float *mem;              /* params | grads | adam m | adam v */
  float *params, *grads, *adam_m, *adam_v;
  CeParams p;              /* pointers into params */
  CeParams g;              /* the same tensors in grads */
  int64_t adam_t[CE_N_GROUPS];
  CeRng rng;
  CeEncWork enc;
  void *enc_mem;
  CeTrainWork tw;
  void *tw_mem;
  CeDecPart part[CE_DEC_PARTS];
  double objective;        /* the differentiated objective of the last forward */
  CeQ8Weights *q8;         /* NULL: decoders compute in fp32 */
  CePrecision train_precision;   /* CE_PRECISION_FP32 or _BF16 (ce_model_set_train_precision) */
  uint16_t *bf_wt, *bf_w;  /* BF16: out_W packed as B^T (2H x V panels) and as B (V x 2H), per pass */
  uint16_t *bf_wctx_t, *bf_wh_t;  /* BF16: dec_Wctx, dec_Wh (3H, H) packed as B^T (H x 3H) */
  uint16_t *bf_wctx, *bf_wh;      /* and as B (3H x H), for the backward */
  uint16_t *bf_wemb_t, *bf_wemb;  /* BF16: dec_Wemb (3H, E) as B^T (E x 3H) and as B (3H x E) */
  uint16_t *bf_wq_t, *bf_wq;      /* BF16: att_Wq (A, H) as B^T (H x A) and as B (A x H) */
  void *bf_wmem;                  /* the block holding all of the packed weights above */
};

CeDims   ce_model_dims (const CeModelConfig *cfg);
CeStatus ce_model_config_check (const CeModelConfig *cfg, char *msg);
CeStatus ce_model_check_batch (const CeModel *model, const CeBatch *batch, int need_tgt, char *msg);

/* VIEWS (CE_MAX_TENSORS) receives a checkpoint view of every named tensor. */
void ce_model_tensor_views (const CeModel *model, CeCkptTensor *views);

/* BF16 training: grows PART's bfloat16 buffers to ROWS target rows,
 * STEP_ROWS of them a step (CE_ERR_NOMEM). */
CeStatus ce_model_ensure_bf16_part (CeModel *model, CeDecPart *part, int rows, int step_rows);

/* Grows the training work buffers to cover a (B, S, T) batch. */
CeStatus ce_model_ensure_work (CeModel *model, int B, int S, int T, char *msg);

/* Encoder work: allocates for (B, S); TRAIN adds the backward buffers. */
CeStatus ce_enc_work_alloc (CeEncWork *w, void **mem, const CeDims *d, int B, int S, int train);
/* Embeds and encodes BATCH into W (enc, mask, keys, pool). DROPOUT > 0
 * needs RNG. */
void     ce_encoder_forward (const CeModel *model, CeEncWork *w, const CeBatch *batch,
                             float dropout, CeRng *rng);

typedef enum {
  CE_PASS_TRAIN,   /* dropout on, posterior sample, gradients */
  CE_PASS_GRAD,    /* like TRAIN (for tests: gradients without an update) */
  CE_PASS_EVAL,    /* dropout off, posterior mean, no gradients */
} CePass;

/* Forward (and for TRAIN/GRAD backward into model->grads, zeroed first) of
 * the reconstruction objective on BATCH. */
CeStatus ce_model_forward_backward (CeModel *model, const CeBatch *batch,
                                    const CeTrainParams *params, CePass pass,
                                    CeLosses *losses, char *msg);

/* ARAE: the generator's code for N rows from POOL (N, H) and NOISE (N, Z)
 * (NULL = zero noise) into OUT (N, Z). GIN (N, Z+H), GH (N, H) and PRE
 * (N, Z) receive the input, hidden layer and unnormalised code. */
void     ce_arae_generate (const CeModel *model, float *out, const float *pool,
                           const float *noise, int N, float *gin, float *gh, float *pre);
/* ARAE: critic updates and a generator update after the autoencoder step
 * (ce-model-arae.c). Uses the codes and pool of the last forward. */
CeStatus ce_arae_gan_steps (CeModel *model, const CeBatch *batch, const CeTrainParams *tp,
                            CeLosses *losses, char *msg);
/* ARAE: the encoder's adversarial term (Zhao et al. 2018). The forward
 * returns mean_b f([z_b; pool_b]), the critic's score of the real codes Z
 * (B, Z) under POOL (B, H); the autoencoder minimises WEIGHT times it, so
 * the critic's gradient moves the encoder's codes towards the generator's.
 * The backward adds WEIGHT x its gradient to DZ (B, Z) and DPOOL (B, H)
 * (and to the critic's own gradients, which the autoencoder step ignores). */
double   ce_arae_encoder_forward  (CeModel *model, const float *z, const float *pool, int B);
void     ce_arae_encoder_backward (CeModel *model, float weight, int B, float *dz, float *dpool);
/* CVAE: prior mean and log-variance for N rows of POOL; SCRATCH (N, H). */
void     ce_cvae_prior (const CeModel *model, float *mu, float *logvar, const float *pool,
                        int N, float *scratch);

/* out(n) = pre(n) / |pre(n)| over N rows of Z, and its backward
 * dpre += (dout - out (out . dout)) / |pre|. */
void ce_normalise_rows (float *out, const float *pre, int N, int Z);
void ce_normalise_rows_backward (float *dpre, const float *dout, const float *out,
                                 const float *pre, int N, int Z);

static inline void
ce_mul_inplace (float *x, const float *m, size_t n)
{
  for (size_t i = 0; i < n; i++)
    x[i] *= m[i];
}

static inline void
ce_add_inplace (float *x, const float *y, size_t n)
{
  for (size_t i = 0; i < n; i++)
    x[i] += y[i];
}

static inline void
ce_axpy (float *y, float a, const float *x, size_t n)
{
  for (size_t i = 0; i < n; i++)
    y[i] += a * x[i];
}

static inline void
ce_zero (float *x, size_t n)
{
  memset (x, 0, n * sizeof (float));
}

/* Row helpers: dst(n) = [a(n); b(n)] and the reverse, accumulating. */
void ce_concat_rows (float *dst, const float *a, int na, const float *b, int nb, int N);
void ce_split_add_rows (float *da, float *db, const float *src, int na, int nb, int N);
