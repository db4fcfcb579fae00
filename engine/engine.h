/* engine.h — the one public header of Copyist's neural engine.
 *
 * Plain C11 + OpenBLAS + libm + pthreads; no GLib. Every public name starts
 * with "ce_" (types "Ce"). Errors are values (CeStatus plus a message
 * buffer); nothing here calls exit() or abort() on bad input. There is no
 * global state: BLAS threads are set by the caller (ce_blas_set_threads).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status ------------------------------------------------------------ */

typedef enum {
  CE_OK = 0,
  CE_ERR_INVALID_ARG,   /* a caller passed an impossible value */
  CE_ERR_NOMEM,         /* an allocation failed */
  CE_ERR_IO,            /* reading or writing a file failed */
  CE_ERR_FORMAT,        /* a file is not what it claims (magic, CRC, shapes) */
  CE_ERR_VERSION,       /* a file from a newer format version */
  CE_ERR_TRUNCATED,     /* a file ends early */
  CE_ERR_CANCELLED,     /* the cancel callback asked to stop */
  CE_ERR_NUMERIC,       /* NaN or Inf appeared */
  CE_ERR_LIMIT,         /* an input exceeds a configured limit */
  CE_STATUS_COUNT
} CeStatus;

/* A short, stable English name for STATUS ("invalid argument" ...). */
const char *ce_status_to_string (CeStatus status);

/* Size of message buffers passed as "char *msg" (OUT) below. */
#define CE_MSG_SIZE 256

/* ---- BLAS -------------------------------------------------------------- */

/* Threads OpenBLAS may use for the calling process; the app sets this per job
 * so that pool threads x BLAS threads never exceed the cores. */
void ce_blas_set_threads (int n_threads);
int  ce_blas_get_threads (void);

/* C(M,N) = alpha * op(A) op(B) + beta * C, row-major. op(X) is X or X^T as
 * TRANS_A/TRANS_B say. lda/ldb/ldc are the row strides as stored. */
void ce_sgemm (int trans_a, int trans_b, int M, int N, int K,
               float alpha, const float *A, int lda,
               const float *B, int ldb,
               float beta, float *C, int ldc);

/* The naive triple loop with the same contract, kept as a reference that
 * the optimised path is tested against. */
void ce_sgemm_ref (int trans_a, int trans_b, int M, int N, int K,
                   float alpha, const float *A, int lda,
                   const float *B, int ldb,
                   float beta, float *C, int ldc);

/* ---- random numbers ---------------------------------------------------- */

/* xoshiro256** seeded through splitmix64: same seed, same stream, on every
 * platform. One per model or thread; never shared without a lock. */
typedef struct {
  uint64_t s[4];
} CeRng;

void     ce_rng_seed    (CeRng *rng, uint64_t seed);
uint64_t ce_rng_next    (CeRng *rng);
/* Uniform in [0, 1). */
float    ce_rng_uniform (CeRng *rng);
/* Standard normal (Box-Muller). */
float    ce_rng_normal  (CeRng *rng);
/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint32_t ce_rng_below   (CeRng *rng, uint32_t n);


/* ---- parameters, optimiser (ce-params.c, ce-optim.c) -------------------
 * Section owned by the engine-core work; see ce-layers.h for the layers. */

/* ---- checkpoints (ce-checkpoint.c) --------------------------------------
 * Section owned by the engine-core work; the file format is documented here. */

/* ---- text: tokens, vocabulary, attributes, delexicalisation, fact check,
 *      metrics (ce-text.c, ce-vocab.c, ce-attrs.c, ce-slots.c, ce-metrics.c)
 * Section owned by the text work. */

/* ---- the conditional text model (ce-model.c) ----------------------------
 * One network for every model family: an attribute encoder (token + field
 * embeddings, a bidirectional GRU), a GRU decoder with additive attention
 * over the attributes, input feeding and a copy gate, and a latent code:
 *   CE_MODEL_S2S  no latent (the plain encoder-decoder; the benchmark's)
 *   CE_MODEL_CVAE conditional VAE: prior p(z|attrs), posterior
 *                 q(z|attrs,text), KL annealing, free bits, word dropout
 *   CE_MODEL_ARAE adversarially regularised autoencoder: deterministic code
 *                 of the text, generator MLP(noise, attrs) -> code, critic
 *                 MLP(code, attrs) (Zhao et al. 2018)
 * Source and target share one vocabulary (ids), so the copy gate maps a
 * source position straight to a vocabulary id. */

typedef struct CeModel CeModel;

typedef enum {
  CE_MODEL_S2S = 0,
  CE_MODEL_CVAE = 1,
  CE_MODEL_ARAE = 2,
} CeModelKind;

typedef struct {
  CeModelKind kind;
  int vocab_size;       /* V: tokens, shared by source and target */
  int n_fields;         /* attribute keys; field embedding table size */
  int emb;              /* E: token embedding size */
  int field_emb;        /* field embedding size (added to E for the encoder input) */
  int hidden;           /* H: decoder GRU size (encoder is bidirectional H/2 + H/2) */
  int attn;             /* A: additive attention size */
  int latent;           /* Z: latent/code size (CVAE, ARAE); 0 for S2S */
  int copy;             /* 1: copy gate on */
  int max_src;          /* S limit */
  int max_tgt;          /* T limit, EOS included */
  float dropout;        /* on embeddings and the decoder output features */
  float word_dropout;   /* decoder input tokens replaced by <unk> (CVAE) */
  float label_smoothing;
} CeModelConfig;

/* Fills CFG with sensible defaults for KIND and the given vocabulary. */
void ce_model_config_default (CeModelConfig *cfg, CeModelKind kind, int vocab_size, int n_fields);

/* Special token ids every vocabulary has (the text section builds them). */
enum { CE_TOK_PAD = 0, CE_TOK_UNK = 1, CE_TOK_BOS = 2, CE_TOK_EOS = 3, CE_TOK_FIRST_REGULAR = 4 };

/* A batch. Padding is -1 in src and tgt. tgt ends with CE_TOK_EOS; the
 * decoder's first input is CE_TOK_BOS. B rows, S source and T target
 * positions, all row-major (B, S) / (B, T). */
typedef struct {
  int B, S, T;
  const int32_t *src;        /* (B, S) token ids */
  const int32_t *src_field;  /* (B, S) field ids */
  const int32_t *tgt;        /* (B, T) target ids, or NULL when decoding */
} CeBatch;

typedef struct {
  double xent;        /* mean cross-entropy per target token (nats) */
  double kl;          /* mean KL per example (CVAE), before weighting */
  double critic;      /* critic loss (ARAE) */
  double generator;   /* generator loss (ARAE) */
  double grad_norm;   /* global gradient norm before clipping */
  int tokens;         /* target tokens counted */
} CeLosses;

typedef struct {
  float lr;             /* learning rate for this step (schedule is the caller's) */
  float beta1, beta2, eps;
  float weight_decay;   /* AdamW decoupled decay; 0 = Adam */
  float clip_norm;      /* global-norm clipping; 0 = off */
  float kl_weight;      /* CVAE: annealed weight of the KL term */
  float free_bits;      /* CVAE: nats per latent dimension */
  float gan_lr;         /* ARAE: learning rate of generator and critic */
  int critic_steps;     /* ARAE: critic updates per step */
} CeTrainParams;

void ce_train_params_default (CeTrainParams *p);

/* Creates a model with weights drawn from SEED. On failure returns NULL and
 * fills STATUS and MSG (CE_MSG_SIZE). */
CeModel *ce_model_new (const CeModelConfig *cfg, uint64_t seed, CeStatus *status, char *msg);
void     ce_model_free (CeModel *model);
const CeModelConfig *ce_model_get_config (const CeModel *model);
size_t   ce_model_n_params (const CeModel *model);

/* One optimiser step on BATCH: forward, backward, clipping, Adam(W).
 * Returns CE_ERR_NUMERIC (and leaves the weights untouched) when the loss
 * or the gradients are not finite. LOSSES (OUT) may be NULL. The model's
 * own RNG (seeded at creation) drives dropout and sampling: same seed and
 * same batches give the same weights. */
CeStatus ce_model_train_step (CeModel *model, const CeBatch *batch, const CeTrainParams *params,
                              CeLosses *losses, char *msg);
/* Loss on BATCH without updating anything (dropout off; CVAE uses the
 * posterior mean). */
CeStatus ce_model_eval_loss (CeModel *model, const CeBatch *batch, CeLosses *losses, char *msg);

/* Decoding works on R "rows": each row decodes one source of a batch (a
 * beam or a set of variants is several rows of the same source). */
typedef struct CeDecoder CeDecoder;

typedef enum {
  CE_LATENT_MEAN,     /* CVAE: prior mean; ARAE: generator on zero noise */
  CE_LATENT_SAMPLE,   /* CVAE: a sample of the prior; ARAE: generator on noise */
} CeLatentMode;

/* A decoder for up to MAX_ROWS rows over sources of up to the model's max_src. */
CeDecoder *ce_decoder_new  (CeModel *model, int max_rows, CeStatus *status, char *msg);
void       ce_decoder_free (CeDecoder *dec);
/* Encodes SRC (tgt ignored) and starts R rows; row r decodes source
 * row_src[r]. RNG draws the latent for CE_LATENT_SAMPLE (may be NULL for MEAN). */
CeStatus   ce_decoder_start (CeDecoder *dec, const CeBatch *src, const int32_t *row_src, int R,
                             CeLatentMode mode, CeRng *rng, char *msg);
/* Feeds each row its previous token PREV (R) (CE_TOK_BOS first) and writes
 * LOGPROBS (R, V): the log of the final distribution (vocabulary mixed with
 * the copy distribution). */
CeStatus   ce_decoder_step (CeDecoder *dec, const int32_t *prev, float *logprobs, char *msg);
/* Attention weights of the last step, (R, S) with S of the started batch. */
const float *ce_decoder_attention (const CeDecoder *dec);
/* Rows are replaced: new row r continues old row PARENT[r] (beam search);
 * R_NEW <= max_rows. */
CeStatus   ce_decoder_reorder (CeDecoder *dec, const int32_t *parent, int r_new, char *msg);
int        ce_decoder_rows (const CeDecoder *dec);

/* Model files: the model plus named string lists the caller needs to use it
 * again (vocabulary, field names, metadata "key=value"), in the checkpoint
 * format. Writes atomically (temporary file, fsync, rename). */
typedef struct {
  const char *name;        /* "vocab", "fields", "meta" … */
  int n;
  const char *const *items;
} CeStringList;

CeStatus ce_model_save (const CeModel *model, const char *path,
                        const CeStringList *lists, int n_lists, char *msg);
/* Loads a model; LISTS_OUT (OUT) receives an array of N_LISTS_OUT (OUT) lists
 * owned by the caller: free with ce_string_lists_free. */
CeModel *ce_model_load (const char *path, CeStringList **lists_out, int *n_lists_out,
                        CeStatus *status, char *msg);
void     ce_string_lists_free (CeStringList *lists, int n_lists);

/* ---- decoding strategies (ce-decode.c) -----------------------------------
 * Greedy, beam search (length-normalised) and sampling (temperature, top-k,
 * top-p) over a CeDecoder, with n-gram repetition blocking, a minimum
 * length, tokens allowed at most once per output (slot tokens: each
 * attribute mentioned once) and a hard character budget. */

typedef enum {
  CE_DECODE_GREEDY,
  CE_DECODE_BEAM,
  CE_DECODE_SAMPLE,
} CeDecodeMethod;

/* Visible characters that TOKEN adds to the text of SOURCE's output when it
 * follows PREV (spacing included; a CJK character counts as one). Lets the
 * caller count relexicalised slot values with their real length. */
typedef int (*CeTokenCharsFunc) (void *user, int source, int32_t prev, int32_t token);

typedef struct {
  CeDecodeMethod method;
  int beam;               /* beam width (BEAM) */
  int n_best;             /* outputs per source: BEAM <= beam; SAMPLE = samples */
  float length_alpha;     /* BEAM: score / len^alpha */
  float temperature;      /* SAMPLE */
  int top_k;              /* SAMPLE: 0 = off */
  float top_p;            /* SAMPLE: 1 = off */
  int block_ngram;        /* forbid repeating any n-gram of this size; 0 = off */
  int min_tokens;         /* EOS forbidden before this many tokens */
  int max_tokens;         /* hard cap (EOS not counted) */
  int max_chars;          /* hard character budget; 0 = off (needs chars_func) */
  CeTokenCharsFunc chars_func;
  void *chars_user;
  const uint8_t *once;    /* (V) or NULL: tokens allowed at most once per output */
  const uint8_t *banned;  /* (V) or NULL: tokens never produced (e.g. <unk>, slots the row lacks: see source_banned) */
  /* (B, V) or NULL: per-source bans, e.g. slot tokens whose attribute the row does not have */
  const uint8_t *source_banned;
  CeLatentMode latent;    /* CVAE/ARAE: MEAN for greedy/beam, SAMPLE for variants */
} CeDecodeOptions;

void ce_decode_options_default (CeDecodeOptions *opts, CeDecodeMethod method);

typedef struct {
  int source;             /* row of the batch this output belongs to */
  int n;                  /* tokens, EOS excluded */
  int32_t *tokens;
  float logprob;          /* sum of log-probabilities */
  float score;            /* what ranked it (length-normalised for BEAM) */
} CeHypothesis;

/* Decodes every source of SRC. *OUT (OUT) receives *N_OUT hypotheses grouped
 * by source, best first within a source; free with ce_hypotheses_free. RNG is
 * used by SAMPLE and by CE_LATENT_SAMPLE. */
CeStatus ce_decode (CeModel *model, const CeBatch *src, const CeDecodeOptions *opts, CeRng *rng,
                    CeHypothesis **out, int *n_out, char *msg);
void     ce_hypotheses_free (CeHypothesis *hyps, int n);

/* ---- training (ce-train.c) -----------------------------------------------
 * The training loop: length-bucketed shuffled batches, learning-rate warm-up
 * and cosine decay over a step or time budget, KL annealing, held-out
 * evaluation each epoch with best-model keeping and early stopping,
 * progress and cancel callbacks, recovery from a non-finite step. */

/* Training examples as token ids (see CeBatch). */
typedef struct CeDataset CeDataset;

CeDataset *ce_dataset_new  (void);
void       ce_dataset_free (CeDataset *ds);
/* Copies one example; returns CE_ERR_NOMEM on failure. tgt must end with EOS. */
CeStatus   ce_dataset_add  (CeDataset *ds, const int32_t *src, const int32_t *src_field, int S,
                            const int32_t *tgt, int T);
int        ce_dataset_size (const CeDataset *ds);
/* Example I's arrays (valid until the dataset changes). */
void       ce_dataset_get  (const CeDataset *ds, int i, const int32_t **src, const int32_t **src_field,
                            int *S, const int32_t **tgt, int *T);
/* A padded batch of examples IDX[0..n): the caller frees *buffer (OUT). */
CeStatus   ce_dataset_batch (const CeDataset *ds, const int *idx, int n, CeBatch *batch, void **buffer);

typedef struct {
  int step;             /* optimiser steps so far */
  int total_steps;      /* the step budget (an estimate under a time budget) */
  int epoch;            /* 1-based */
  int epochs;
  double elapsed;       /* seconds */
  double eta;           /* seconds left (estimate) */
  double tokens_per_s;
  CeLosses losses;      /* means over the steps since the last report */
  float lr, kl_weight;
  int epoch_end;        /* 1 when this report closes an epoch */
  double heldout_xent;  /* epoch_end: held-out cross-entropy per token */
  double heldout_score; /* epoch_end: the eval callback's score (e.g. BLEU); NAN without one */
  int improved;         /* epoch_end: the score is the best so far (model kept) */
  int numeric_recoveries; /* steps rolled back after NaN/Inf so far */
} CeTrainProgress;

typedef void     (*CeProgressFunc) (void *user, const CeTrainProgress *progress);
/* Returns nonzero to stop training (cancel); polled every batch. */
typedef int      (*CeCancelFunc)   (void *user);
/* Held-out score of MODEL (higher is better), called at each epoch end. */
typedef double   (*CeEvalFunc)     (void *user, CeModel *model);
/* Called whenever the held-out score improves: keep MODEL (e.g. save it). */
typedef CeStatus (*CeKeepFunc)     (void *user, CeModel *model, char *msg);

typedef struct {
  int epochs;              /* at most this many epochs (0 = unlimited, then max_seconds rules) */
  double max_seconds;      /* time budget; 0 = none */
  int batch_size;
  CeTrainParams params;    /* params.lr is the peak learning rate */
  int warmup_steps;
  float lr_final_ratio;    /* cosine decay to lr * ratio at the end of the budget */
  int kl_anneal_steps;     /* CVAE: KL weight rises linearly 0 -> 1 over these steps */
  int patience;            /* stop after this many epochs without improvement; 0 = never */
  int report_every;        /* progress every N steps (and at each epoch end) */
  uint64_t seed;           /* batch order */
  CeProgressFunc progress;
  CeCancelFunc cancel;
  CeEvalFunc eval;
  CeKeepFunc keep;
  void *user;
} CeTrainOptions;

void ce_train_options_default (CeTrainOptions *opts);

typedef struct {
  int steps, epochs;
  double seconds;
  double best_score;       /* NAN when no eval callback */
  int best_epoch;
  int cancelled;
  int numeric_recoveries;
} CeTrainResult;

/* Trains MODEL on TRAIN; HELDOUT (may be NULL) gives the held-out loss.
 * Returns CE_ERR_CANCELLED when the cancel callback stopped it (RESULT is
 * still filled; the best model was already handed to KEEP). */
CeStatus ce_train (CeModel *model, const CeDataset *train, const CeDataset *heldout,
                   const CeTrainOptions *opts, CeTrainResult *result, char *msg);

#ifdef __cplusplus
}
#endif
