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
 * Section owned by the engine-core work; the file format is documented here.
 * The container API is private (engine/ce-checkpoint.h); model files
 * (ce_model_save / ce_model_load below) are written in this format.
 *
 * Format version 1. Every integer is little-endian, written byte by byte
 * (never a host struct); floats are IEEE-754 binary32, little-endian.
 *
 *   offset  size  header (24 bytes)
 *        0     8  magic "CPYSTMDL"
 *        8     4  u32 format version (1; 0 is invalid, > 1 is "newer")
 *       12     4  u32 CRC-32 (IEEE 802.3 / zlib) of the body_size bytes
 *                 that follow the header
 *       16     8  u64 body_size: the file is exactly 24 + body_size bytes
 *
 *   body, in order:
 *     u32 kind tag (the model kind)
 *     u32 config_size, then config_size bytes: an opaque blob the model
 *         serialises itself (little-endian, field by field)
 *     u32 n_lists, then per list:
 *         u32 name length (1..63), name bytes (UTF-8, no NUL),
 *         u32 n_items, then per item: u32 length, bytes (UTF-8, no NUL)
 *     u32 n_tensors, then per tensor (the tensor table):
 *         u32 name length (1..63), name bytes (unique names),
 *         u32 ndim (1..4), ndim x u64 dimension (each >= 1),
 *         u64 offset of its data in the payload, in bytes (multiple of 4)
 *     u64 payload_size (bytes, multiple of 4), then the payload: the float32
 *         data of the tensors, each tensor product(shape) values row-major;
 *         the writer stores them back to back in table order.
 *     nothing after the payload.
 *
 * The reader checks, before handing anything out: the magic, the version,
 * that the file is neither shorter (CE_ERR_TRUNCATED, naming what is
 * missing: "checkpoint is truncated at byte 1234 (expected tensor data for
 * 'dec.Wh')") nor longer than declared, the CRC ("checkpoint CRC
 * mismatch"), every count and size against the bytes that can follow
 * (absurd shapes are rejected before anything is allocated for them),
 * tensor data inside the payload, unique list and tensor names. */

/* ---- text: tokens, vocabulary, attributes, delexicalisation, fact check,
 *      metrics (ce-text.c, ce-case.c, ce-vocab.c, ce-attrs.c, ce-slots.c,
 *      ce-lexicon.c, ce-lexicon-tables.c, ce-check.c, ce-metrics.c)
 * Section owned by the text work. Every "char *msg" is a CE_MSG_SIZE
 * buffer (OUT, may be NULL) that receives the reason of a failure. */

/* Text is UTF-8 throughout. Token kinds: Latin words (letters and digits,
 * with inner apostrophes and hyphens: "don't", "family-friendly"), numbers
 * kept whole ("£30", "20.5", "2E4", "£20-25"), punctuation one token per
 * character, each CJK character (CJK punctuation included) one token, and
 * slot tokens "<key>" as one token. */
typedef enum {
  CE_TOKEN_WORD,
  CE_TOKEN_NUMBER,
  CE_TOKEN_PUNCT,
  CE_TOKEN_CJK,
  CE_TOKEN_SLOT,
} CeTokenKind;

typedef struct {
  CeTokenKind kind;
  size_t byte_start, byte_end;   /* [start, end) in the input */
  size_t char_start, char_end;   /* the same in code points */
  int space_before;              /* whitespace preceded it in the input */
} CeTokenInfo;

/* A token list. Zero-initialise (or ce_tokens_init) once, reuse across
 * calls (memory is kept), ce_tokens_clear when done. */
typedef struct {
  int n;
  const char **text;      /* (n) NUL-terminated token strings (lowercased with CE_TOKENIZE_LOWER) */
  CeTokenInfo *info;      /* (n) */
  /* private */
  char *buf_;
  size_t buf_len_, buf_cap_;
  size_t *off_;
  int cap_;
} CeTokens;

enum {
  CE_TOKENIZE_LOWER = 1 << 0,   /* lowercase tokens as Python's str.lower() (every script) */
  CE_TOKENIZE_SLOTS = 1 << 1,   /* "<key>" (no spaces, at most 64 bytes) is one CE_TOKEN_SLOT */
};

void     ce_tokens_init  (CeTokens *toks);
void     ce_tokens_clear (CeTokens *toks);
/* Tokenizes TEXT (LEN bytes; -1 = NUL-terminated) into OUT (OUT), replacing
 * its contents. Invalid UTF-8 gives CE_ERR_FORMAT and MSG names the byte
 * offset. FLAGS: CE_TOKENIZE_*. */
CeStatus ce_tokenize (const char *text, ptrdiff_t len, unsigned flags, CeTokens *out, char *msg);

/* Joins N tokens with natural spacing: none before , . ! ? ; : ) ] } % ’ ”
 * or a clitic ("'s"), none after ( [ { “ ‘ £ $ € ¥, none around "/", none
 * next to a CJK character (CJK punctuation included); straight double
 * quotes alternate between opening and closing. Returns a malloc'd string,
 * NULL when out of memory. */
char    *ce_detokenize (const char *const *tokens, int n);
/* 1 when ce_detokenize puts a space between PREV (may be NULL: start) and NEXT. */
int      ce_detok_space (const char *prev, const char *next);
/* Code points in S (LEN bytes, -1 = NUL-terminated); a CJK character counts as one. */
size_t   ce_utf8_chars (const char *s, ptrdiff_t len);
/* 1 when S (LEN bytes) is valid UTF-8; else 0 and *BAD_OFFSET (OUT, may be NULL) is the first bad byte. */
int      ce_utf8_valid (const char *s, size_t len, size_t *bad_offset);

/* Vocabulary: ids 0..3 are always "<pad>", "<unk>", "<s>", "</s>"
 * (CE_TOK_PAD, CE_TOK_UNK, CE_TOK_BOS, CE_TOK_EOS); regular tokens follow in
 * a deterministic order (count descending, then bytewise). Lookup is a hash
 * table. The same type serves as the field (attribute key) table. */
typedef struct CeVocab CeVocab;
typedef struct CeVocabBuilder CeVocabBuilder;

CeVocabBuilder *ce_vocab_builder_new  (void);
void            ce_vocab_builder_free (CeVocabBuilder *b);
/* Counts TOKEN (LEN bytes, -1 = NUL-terminated) COUNT more times. */
CeStatus        ce_vocab_builder_add  (CeVocabBuilder *b, const char *token, ptrdiff_t len, long count);
CeStatus        ce_vocab_builder_add_tokens (CeVocabBuilder *b, const CeTokens *toks);
/* Tokens counted at least MIN_COUNT times, at most MAX_SIZE entries in all
 * (specials included; 0 = no limit). RESERVED (N_RESERVED, may be NULL)
 * are always kept, right after the specials, in the given order (slot tokens,
 * for instance). NULL on failure with STATUS and MSG filled. */
CeVocab        *ce_vocab_builder_finish (const CeVocabBuilder *b, int min_count, int max_size,
                                         const char *const *reserved, int n_reserved,
                                         CeStatus *status, char *msg);
/* From a saved list (CeStringList "vocab"): ITEMS[0..3] must be the specials,
 * no duplicates, valid UTF-8. */
CeVocab        *ce_vocab_new_from_list (const char *const *items, int n, CeStatus *status, char *msg);
void            ce_vocab_free   (CeVocab *v);
int             ce_vocab_size   (const CeVocab *v);
/* Id of TOKEN (LEN bytes, -1 = NUL-terminated); CE_TOK_UNK when absent. */
int32_t         ce_vocab_lookup (const CeVocab *v, const char *token, ptrdiff_t len);
/* Token of ID, NULL when out of range. */
const char     *ce_vocab_token  (const CeVocab *v, int32_t id);
/* All tokens in id order, ce_vocab_size of them: save as a CeStringList. */
const char *const *ce_vocab_items (const CeVocab *v);
/* 1 when ID is a slot token ("<key>" or "<key_N>", not a special). */
int             ce_vocab_is_slot (const CeVocab *v, int32_t id);

/* Attributes of one row: (key, value) pairs kept sorted by key (bytewise,
 * stable: the values of a repeated key keep their input order). The N-th
 * value of a key has rank N-1; its slot token is "<key>" for the first and
 * "<key_N>" for the N-th, N >= 2 (see ce_slot_token). */
typedef struct {
  char *key;
  char *value;
  int rank;
} CeAttr;

typedef struct {
  int n;
  CeAttr *items;
  int cap_;   /* private */
} CeAttrs;

typedef enum {
  CE_ATTRS_AUTO,       /* brackets if the text has "[", else hash if it has "#" */
  CE_ATTRS_BRACKETS,   /* E2E: key[value], key[value] */
  CE_ATTRS_HASH,       /* AdvertiseGen: key#value*key#value (repeated keys allowed) */
} CeAttrFormat;

void     ce_attrs_init  (CeAttrs *a);
void     ce_attrs_clear (CeAttrs *a);
/* Adds one pair (both trimmed of whitespace). Empty key, empty value or
 * invalid UTF-8: CE_ERR_FORMAT with a message. */
CeStatus ce_attrs_add   (CeAttrs *a, const char *key, const char *value, char *msg);
/* Splits VALUES at "," "，" "、" or "|" (WooCommerce "Attribute 1 value(s)")
 * and adds each non-empty piece as a value of KEY. */
CeStatus ce_attrs_add_list (CeAttrs *a, const char *key, const char *values, char *msg);
/* Parses TEXT into A (OUT, appended). Errors (empty key, unbalanced
 * brackets, missing "#", …) are CE_ERR_FORMAT; MSG says what and at which
 * character (1-based, code points). */
CeStatus ce_attrs_parse (CeAttrs *a, const char *text, CeAttrFormat format, char *msg);
/* Canonical text of A in FORMAT (BRACKETS or HASH); malloc'd, NULL on OOM. */
char    *ce_attrs_format (const CeAttrs *a, CeAttrFormat format);
/* Index of the first value of KEY (exact), -1 when absent. */
int      ce_attrs_find  (const CeAttrs *a, const char *key);
/* Puts A's pairs in a random order drawn from RNG (Fisher-Yates); each
 * value keeps its key and rank, so the set of (key, value, rank) is the
 * same: attribute-order augmentation for small training sets. The pairs
 * are no longer grouped by key as ce_attrs_add keeps them: use the result
 * as a training example's row, not to add more pairs to. */
void     ce_attrs_shuffle (CeAttrs *a, CeRng *rng);

/* Slot token of KEY's value of RANK into BUF (OUT, SIZE bytes): "<" + the
 * key lowercased, spaces and "-" as "_", other punctuation dropped + ("_"
 * rank+1 when rank > 0) + ">": "customer rating" -> "<customer_rating>",
 * 图案 rank 1 -> "<图案_2>". Returns the length, or -1 when BUF is too small. */
int      ce_slot_token  (const char *key, int rank, char *buf, size_t size);

/* Which keys are delexicalised (their values become slot tokens). */
typedef struct {
  int all;                    /* 1: every key */
  const char *const *keys;    /* else these (exact key names) */
  int n_keys;
} CeDelexKeys;

/* 1 when KEYS (may be NULL: none) selects KEY. */
int      ce_delex_key_selected (const CeDelexKeys *keys, const char *key);

/* The model's source sequence for one row: for each attribute, in order,
 * [slot token if the key is delexicalised] + [the value's tokens unless
 * slot_only], every position tagged with the key's field id. */
typedef struct {
  const CeVocab *vocab;        /* token ids; NULL: only the strings are produced */
  const CeVocab *fields;       /* field ids (keys as items); NULL: fields are 0 */
  const CeDelexKeys *delex;    /* NULL: none */
  int slot_only;               /* 1: a delexicalised value is its slot token alone */
  unsigned tokenize_flags;     /* for the value tokens (CE_TOKENIZE_LOWER …) */
  int max_len;                 /* 0 = no limit; longer sources give CE_ERR_LIMIT */
} CeSourceOptions;

typedef struct {
  int n;
  int32_t *tokens;   /* (n) ids (when vocab was given) */
  int32_t *fields;   /* (n) field ids */
  int32_t *attr;     /* (n) index into the row's CeAttrs */
  CeTokens strings;  /* the token strings (for building the vocabulary) */
  int cap_;          /* private */
} CeSource;

void     ce_source_init  (CeSource *s);
void     ce_source_clear (CeSource *s);
/* Builds ROW's source into S (OUT, replaced; memory reused). OPTS may be
 * NULL (no ids, no slots). Unknown tokens map to CE_TOK_UNK, unknown keys
 * to field CE_TOK_UNK. */
CeStatus ce_source_build (CeSource *s, const CeAttrs *row, const CeSourceOptions *opts, char *msg);

/* Delexicalisation: every occurrence in TEXT of a value of ROW whose key
 * KEYS selects becomes its slot token. Longest value first, case-insensitive,
 * "-"/"_"/spaces equivalent, a plural "s"/"es" allowed after a Latin value,
 * whole words for Latin, substrings for CJK. Returns a malloc'd string
 * (NULL with STATUS/MSG on failure); *N_SLOTS (OUT, may be NULL) counts them. */
char    *ce_delexicalise (const CeAttrs *row, const CeDelexKeys *keys, const char *text,
                          int *n_slots, CeStatus *status, char *msg);

typedef struct {
  int n_filled;      /* slot tokens replaced by the row's value */
  int n_unfilled;    /* slot tokens the row has no value for: dropped */
  int n_unknown;     /* "<unk>" tokens: dropped */
  int broken;        /* 1: a drop left a broken phrase (dangling preposition or
                        article, doubled punctuation, empty text) */
} CeRelexReport;

/* Fills the slot tokens in TOKENS (N) from ROW and detokenizes; returns a
 * malloc'd string (NULL with STATUS/MSG when out of memory). No slot token,
 * "<unk>" or other special ever reaches the output: they are dropped and
 * counted in REPORT (OUT, may be NULL). */
char    *ce_relexicalise (const CeAttrs *row, const char *const *tokens, int n,
                          CeRelexReport *report, CeStatus *status, char *msg);

/* Sets MASK[id] (V = ce_vocab_size entries, OUT) to 1 for every slot token of
 * VOCAB that ROW cannot fill (no value of that key and rank), else 0: the
 * decoder's per-source ban list (CeDecodeOptions.source_banned). Returns the
 * number of banned slot tokens. */
int      ce_vocab_unfillable_slots (const CeVocab *vocab, const CeAttrs *row, uint8_t *mask);

/* Fact check. A lexicon knows, for each key, its values and their surface
 * forms ("cheap" for priceRange=cheap, "inexpensive", …). */
typedef struct CeLexicon CeLexicon;

typedef enum {
  CE_LEXICON_E2E,        /* closed E2E value sets with realisation rules */
  CE_LEXICON_COLORS,     /* English and Chinese colours; key "color" */
  CE_LEXICON_MATERIALS,  /* English and Chinese materials; key "material" */
  CE_LEXICON_ADVERTISEGEN, /* AdvertiseGen's 类型 (上衣, 裙, 裤) and the garment
                              words that realise them (外套, 连衣裙, 牛仔裤 …);
                              风格 is CE_LEX_SOFT */
} CeLexiconBuiltin;

enum {
  CE_LEX_STRICT = 1 << 0,  /* a mention when the row lacks the key counts as invented */
  CE_LEX_IGNORE = 1 << 1,  /* the key is not checked at all (free text, SKU …) */
  CE_LEX_SOFT = 1 << 2,    /* mentions count, but its values are never invented:
                              words used loosely (风格 青春 "youthful", 潮 "trendy") */
};

CeLexicon *ce_lexicon_new  (void);
void       ce_lexicon_free (CeLexicon *lex);
/* SURFACE realises KEY=VALUE (NULL: VALUE itself; for a known value of a
 * built-in closed key such as E2E's customer rating, NULL adds nothing: its
 * bare word is ambiguous). Keys and surfaces compare folded: lowercase,
 * "-" "_" and runs of spaces equal, "’" = "'". */
CeStatus   ce_lexicon_add  (CeLexicon *lex, const char *key, const char *value, const char *surface, char *msg);
/* Every value of ROW as its own surface (from the training data). Add the
 * built-ins and aliases first, so that data keys resolve through them. */
CeStatus   ce_lexicon_add_attrs (CeLexicon *lex, const CeAttrs *row, char *msg);
/* Adds a built-in table: its values, surfaces, aliases and strict keys. */
CeStatus   ce_lexicon_add_builtin (CeLexicon *lex, CeLexiconBuiltin which, char *msg);
/* Row key ALIAS means lexicon key KEY ("colour", "颜色" -> "color"). */
CeStatus   ce_lexicon_add_alias (CeLexicon *lex, const char *alias, const char *key, char *msg);
/* Sets KEY's CE_LEX_* FLAGS (replacing the previous ones). */
CeStatus   ce_lexicon_set_flags (CeLexicon *lex, const char *key, unsigned flags, char *msg);

typedef struct {
  int attr;                      /* index in the row; -1 for an invented value */
  const char *key;               /* the lexicon key (owned by the lexicon or the row) */
  const char *value;             /* the value this span realises */
  size_t byte_start, byte_end;   /* [start, end) in the text */
  size_t char_start, char_end;   /* the same in code points */
} CeMention;

/* A check's result. Zero-initialise (or ce_check_init), reuse across calls
 * (no allocation once grown), ce_check_clear when done. */
typedef struct {
  int n_values;          /* row values checked (ignored keys excluded) */
  int n_mentioned;       /* spans of row values, in text order */
  CeMention *mentioned;
  int n_missing;         /* row values never mentioned */
  int *missing;          /* (n_missing) indexes into the row */
  int n_invented;        /* spans of values the row does not have */
  CeMention *invented;
  int cap_m_, cap_miss_, cap_i_;   /* private */
  void *priv_;                      /* private scratch */
} CeCheck;

void     ce_check_init  (CeCheck *c);
void     ce_check_clear (CeCheck *c);
/* Checks TEXT (LEN bytes, -1 = NUL-terminated) against ROW into OUT (OUT,
 * replaced). Spans are matched left to right, longest first, folded, whole
 * words for Latin (a plural "s"/"es" allowed), substrings for CJK; the
 * row's own values always count as surfaces. A span realising one of the
 * row's values is a mention (a row value nested in a mention or in a CJK
 * compound is one too); otherwise it is invented when its key is in the
 * row or is CE_LEX_STRICT — unless negated ("not in the city centre"),
 * relative for place keys ("north of the city centre") or, in CJK text,
 * paired with the product (搭配黑色裤子): no claim. A negated
 * familyFriendly=yes surface realises "no". Invalid UTF-8: CE_ERR_FORMAT
 * with the byte offset. */
CeStatus ce_fact_check (const CeLexicon *lex, const CeAttrs *row, const char *text, ptrdiff_t len,
                        CeCheck *out, char *msg);
/* (missing + invented) / values of one check; 0 when the row has no values. */
double   ce_check_slot_error_rate (const CeCheck *c);

/* Metrics. Outputs and references are UTF-8 strings. */
typedef enum {
  CE_METRIC_WORDS,   /* lowercased, mteval-v13a tokenisation as e2e_bleu.py */
  CE_METRIC_CHARS,   /* one token per code point (Python's list(str)) */
} CeMetricTokens;

typedef struct {
  int n;
  const char *const *refs;
} CeRefSet;

/* Corpus BLEU-4 (0..1) into *BLEU (OUT) of OUTPUTS[i] against REFS[i], N
 * items: clipped counts against the max over references, closest reference
 * length (shorter on ties), no smoothing — exactly
 * ../shared/bench/e2e_bleu.py. Invalid UTF-8: CE_ERR_FORMAT. */
CeStatus ce_bleu_corpus (int n, const char *const *outputs, const CeRefSet *refs,
                         CeMetricTokens tok, double *bleu, char *msg);
/* NLTK sentence_bleu(refs, output, smoothing_function=method3), 0..1, into
 * *BLEU (OUT). */
CeStatus ce_bleu_sentence (const char *output, const CeRefSet *refs, CeMetricTokens tok,
                           double *bleu, char *msg);
/* Mean of ce_bleu_sentence x 100 over N items into *SCORE (OUT) (the
 * AdvertiseGen/ChatGLM convention with CE_METRIC_CHARS). */
CeStatus ce_bleu_sentence_mean (int n, const char *const *outputs, const CeRefSet *refs,
                                CeMetricTokens tok, double *score, char *msg);
/* ROUGE-L F-measure from the longest common subsequence, per item
 * P = max over refs of lcs/|out|, R = max of lcs/|ref|,
 * F = (1+beta^2) P R / (R + beta^2 P) (0 for an empty output); the mean
 * over N items (0..1) into *ROUGE (OUT). BETA = 1.2 is the E2E/coco-caption
 * convention, 1.0 the plain F1. */
CeStatus ce_rouge_l (int n, const char *const *outputs, const CeRefSet *refs,
                     CeMetricTokens tok, double beta, double *rouge, char *msg);
/* Distinct n-grams / all n-grams over the N outputs (ORDER = 1, 2, 4 …)
 * into *DISTINCT (OUT); 0 when there is no n-gram. */
CeStatus ce_distinct (int n, const char *const *outputs, CeMetricTokens tok, int order,
                      double *distinct, char *msg);
/* Self-BLEU-4 of N variants (N >= 2) into *SELF_BLEU (OUT): the mean of
 * ce_bleu_sentence (NLTK method 3) of each variant against the other N-1 as
 * references (0..1; lower = more diverse). */
CeStatus ce_self_bleu (int n, const char *const *variants, CeMetricTokens tok,
                       double *self_bleu, char *msg);

/* Slot error rate over many checks: zero-initialise, add each check, then
 * read (missing + invented) / values (the E2E convention: values left out,
 * wrong or added). An invented value is one the row does not have: a wrong
 * value of a key the row has, or a value of a strict key it lacks. */
typedef struct {
  long values, missing, invented;
  long texts;           /* checks added */
  long texts_invented;  /* checks with at least one invented value */
} CeSlotErrors;

void     ce_slot_errors_add  (CeSlotErrors *acc, const CeCheck *c);
double   ce_slot_errors_rate (const CeSlotErrors *acc);
/* The ad copy convention ("every value of the row that the text names is
 * right; none invented"; values left out are no error): invented / values.
 * 0 when there are no values. */
double   ce_slot_errors_invented_rate (const CeSlotErrors *acc);
/* Values left out: missing / values (1 - coverage); 0 without values. */
double   ce_slot_errors_missing_rate  (const CeSlotErrors *acc);
/* Texts with at least one invented value / texts; 0 without texts. */
double   ce_slot_errors_texts_invented_rate (const CeSlotErrors *acc);

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
 * source position straight to a vocabulary id.
 *
 * Threads: a CeModel has no global state, so two models may train in two
 * threads at once. Training one model and decoding with it must not
 * overlap; any number of CeDecoders may decode one model at once (they only
 * read its weights). OpenBLAS threads are process-wide (ce_blas_set_threads):
 * the caller keeps pool threads x BLAS threads <= cores, e.g. one training
 * job with 2 BLAS threads, or 2 decoding jobs with 1 BLAS thread each, so
 * that only one threading layer spins at a time.
 *
 * Model files keep the weights, not the optimiser state (fine-tuning a
 * loaded model restarts Adam) and not the RNG (a loaded model's stream is
 * seeded with 0). */

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
  double enc_adv;     /* ARAE: the critic's mean score of the real codes (the encoder's term, unweighted) */
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
  float gan_enc_weight; /* ARAE: weight of the encoder's adversarial term (the critic's
                           score of the real codes, minimised with the reconstruction) */
  float gan_code_noise; /* ARAE, training only: the decoder reads the unit-norm code plus
                           Gaussian noise of this standard deviation per component, so the
                           code carries less of the text; critic and generator still see
                           the clean code (0 = off, the default) */
  float gan_gen_share;  /* ARAE, training only: this share of a batch's rows are decoded
                           from the generator's code G(noise, attrs), the code generation
                           uses (a constant: no gradient reaches the generator or that
                           row's text encoder) (0 = off, the default) */
  int gan_skip;         /* ARAE: 1 = this step trains the autoencoder only: no encoder
                           adversarial term, no critic or generator update (0 = off) */
} CeTrainParams;

void ce_train_params_default (CeTrainParams *p);

/* The most memory a model may take for its weights, gradients and
 * optimiser state (4 floats a parameter): 4 GiB, or half the physical
 * memory when that is less. */
#define CE_MODEL_MAX_BYTES ((size_t) 4 << 30)

/* Creates a model with weights drawn from SEED. On failure returns NULL and
 * fills STATUS and MSG (CE_MSG_SIZE); a model over the memory limit is
 * refused with CE_ERR_LIMIT before anything is allocated, the message
 * saying how big it would be and what the limit is. */
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

/* Decoding precision. CE_PRECISION_FP32 is the reference and the default
 * (training's precision is set apart: ce_model_set_train_precision).
 * CE_PRECISION_INT8 builds an int8 copy of the weights a decoding step reads
 * (GRU input and recurrent projections, attention query, output
 * projection: symmetric per output row) and makes
 * decoders created afterwards use it, with the activations quantised per
 * row each step (symmetric int8) and integer products (AVX-512 VNNI, AVX2 or
 * plain C, picked at run time; all three give the same result bit for bit).
 * A step then reads a quarter of the weight bytes: batch-1 decoding is
 * bound by memory traffic, so it is about that much faster. The logits
 * differ from fp32 by quantisation noise (see README, "Engine benchmark"
 * for the measured token agreement and BLEU); fp32 outputs never change.
 * The copy costs one byte per weight of those tensors (2.6 MB for the
 * reference model) and is dropped, and decoding goes back to fp32, when the
 * weights change (a training step). Do not call this while decoders of
 * MODEL exist. CE_ERR_NUMERIC if a weight is not finite. */
typedef enum {
  CE_PRECISION_FP32 = 0,
  CE_PRECISION_INT8 = 1,
  CE_PRECISION_BF16 = 2,   /* training only: see ce_model_set_train_precision */
} CePrecision;

CeStatus    ce_model_set_decode_precision (CeModel *model, CePrecision precision, char *msg);
CePrecision ce_model_get_decode_precision (const CeModel *model);

/* Training precision. CE_PRECISION_FP32 (the default) computes everything
 * in fp32. CE_PRECISION_BF16 is mixed precision for the vocabulary
 * projection only, the three products that are three quarters of a
 * training step's arithmetic on the reference workload: the logits
 * x W^T + b and the gradients dx = dlogits W and dW = dlogits^T x take
 * their two factors rounded to bfloat16 and sum in fp32 on the CPU's AMX
 * tile unit (ce-bf16.h). Weights, gradients, Adam and every other layer
 * stay fp32, and the weights saved are fp32 as always. Training is then
 * several times faster in that layer (README, "Engine speed"), but not bit
 * for bit the same as fp32, and the result depends on the CPU having
 * AMX-BF16: on one without it this returns CE_ERR_INVALID_ARG and MSG says
 * so (ce_train_bf16_available tells in advance). Also affects the held-out
 * evaluation passes of ce_model_forward_backward; decoding is unaffected. */
int         ce_train_bf16_available      (void);
CeStatus    ce_model_set_train_precision (CeModel *model, CePrecision precision, char *msg);
CePrecision ce_model_get_train_precision (const CeModel *model);

/* Threads of one int8 decoder (1 or 2; the fp32 path's threads are
 * OpenBLAS's, ce_blas_set_threads, and this is a no-op for it). With 2, a
 * thread of the decoder's own computes half of each step's output
 * projection next to the caller's: each core then streams half the int8
 * output matrix (on an idle machine each keeps its half in its own L2).
 * Between steps that thread spins for up to 0.2 ms, then sleeps until the
 * next step; when it has not taken a step's half by the time the caller's
 * half is done, the caller does both. It is stopped by ce_decoder_free or a
 * call with 1. It is a
 * threading layer of its own: use 2 only when a core is free for it (one
 * decoding job at a time, BLAS on 1 thread), like the rule above. Outputs
 * are the same bit for bit with 1 or 2. CE_ERR_NOMEM if the thread cannot
 * start. */
CeStatus    ce_decoder_set_threads (CeDecoder *dec, int n_threads, char *msg);
int         ce_decoder_get_threads (const CeDecoder *dec);

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
/* The same in memory: *OUT (OUT, free with free()) receives *OUT_SIZE (OUT)
 * bytes of a model file; the loader reads SIZE bytes at DATA and names the
 * model NAME in messages. */
CeStatus ce_model_save_buffer (const CeModel *model, const CeStringList *lists, int n_lists,
                               uint8_t **out, size_t *out_size, char *msg);
CeModel *ce_model_load_buffer (const uint8_t *data, size_t size, const char *name,
                               CeStringList **lists_out, int *n_lists_out,
                               CeStatus *status, char *msg);
void     ce_string_lists_free (CeStringList *lists, int n_lists);

/* Learning rate for STEP (0-based): linear warm-up from base/WARMUP to BASE
 * over WARMUP steps, then cosine decay to 10 % of BASE at TOTAL steps (and
 * flat after). TOTAL <= WARMUP means no decay. */
float    ce_lr_schedule (float base, int step, int warmup, int total);

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
  int block_ngram;        /* forbid repeating any n-gram of this size (and a token
                             directly after itself); 0 = off */
  int min_tokens;         /* EOS forbidden before this many tokens */
  int max_tokens;         /* hard cap (EOS not counted) */
  int max_chars;          /* hard character budget; 0 = off (needs chars_func) */
  CeTokenCharsFunc chars_func;
  void *chars_user;
  const uint8_t *once;    /* (V) or NULL: tokens allowed at most once per output */
  const uint8_t *banned;  /* (V) or NULL: tokens never produced (e.g. <unk>, slots the row lacks: see source_banned) */
  /* (B, V) or NULL: per-source bans, e.g. slot tokens whose attribute the row does not have */
  const uint8_t *source_banned;
  /* (B, V) or NULL: per-source required tokens (e.g. the row's slot tokens):
   * EOS is forbidden until every one of them is in the output (a hard
   * coverage constraint; only the max_tokens cap ends a text without them) */
  const uint8_t *source_required;
  CeLatentMode latent;    /* CVAE/ARAE: MEAN for greedy/beam, SAMPLE for variants */
  /* BEAM: a penalty (nats, >= 0) on ending SOURCE's output as TOKENS (N):
   * the copywriter charges each value the fact check finds missing or
   * invented, so the beam goes on to mention what is left. NULL = none. */
  float (*eos_penalty) (void *user, int source, const int32_t *tokens, int n);
  void *eos_user;
  int threads;            /* int8 models: the decoder's threads (ce_decoder_set_threads); default 1 */
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
  float gan_warmup_frac;   /* ARAE: the first this share of the budget (steps or time)
                              trains the autoencoder only (params.gan_skip; 0 = off) */
  float gan_finetune_frac; /* ARAE: the last this share of the budget fine-tunes on the
                              generator's codes: every row decoded from G(noise, attrs)
                              (params.gan_gen_share = 1), no adversarial steps (0 = off) */
  int patience;            /* stop after this many epochs without improvement; 0 = never */
  CePrecision precision;   /* CE_PRECISION_FP32 (default) or _BF16: ce_train sets it on the
                              model (ce_model_set_train_precision; CE_ERR_INVALID_ARG on a
                              CPU without AMX-BF16) */
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

/* ---- copywriting: attributes in, checked text out (ce-copywriter.c) ------
 * The whole path a product takes, shared by the CLI and the app: choose
 * which attribute keys are delexicalised (those whose values the training
 * texts quote verbatim), build vocabulary, field table and fact-check
 * lexicon from the training rows, build and train the model, and generate:
 * decode candidates, fill the slots back from the row, fact-check every
 * candidate and rerank (fewest slot errors first, then model score). */

typedef struct CeCopywriter CeCopywriter;

typedef struct {
  const CeAttrs *attrs;   /* the product's attributes */
  const char *text;       /* its text (training, evaluation); NULL when generating */
} CeCopyExample;

typedef struct {
  CeModelKind kind;
  int emb, field_emb, hidden, attn, latent;  /* 0 = the model default */
  float dropout, word_dropout;               /* < 0 = the model default */
  int min_count;            /* vocabulary: tokens seen fewer times become <unk> */
  int max_vocab;            /* 0 = no limit */
  float delex_min_share;    /* a key is delexicalised when at least this share of
                               its values appear verbatim in their texts (0.75) */
  const char *const *delex_keys;  /* or exactly these keys (n_delex_keys > 0) */
  int n_delex_keys;
  int e2e_lexicon;          /* add the E2E closed value sets to the fact check */
  const char *const *ignore_keys; /* keys the fact check ignores (language, free text) */
  int n_ignore_keys;
  int max_tgt_tokens;       /* longer training texts are cut (0 = 120) */
} CeCopyConfig;

void ce_copy_config_default (CeCopyConfig *cfg, CeModelKind kind);
/* Model and training defaults fitted to N_TRAIN training rows (the CLI and
 * the app both start from these): a small shop's few hundred texts get a
 * vocabulary without a minimum count, small batches (enough optimiser steps
 * per epoch) at a higher learning rate (3e-3), a warm-up and KL annealing
 * measured in their own steps. A small shop's GAN trains its autoencoder
 * alone for the first half of the budget (gan_warmup_frac). */
void ce_copy_config_for_data (CeCopyConfig *cfg, int n_train);
void ce_copy_train_options_default (CeTrainOptions *opts, int n_train);

/* Analyses TRAIN and creates an untrained copywriter with a model seeded by SEED. */
CeCopywriter *ce_copywriter_new  (const CeCopyConfig *cfg, const CeCopyExample *train, int n,
                                  uint64_t seed, CeStatus *status, char *msg);
void          ce_copywriter_free (CeCopywriter *cw);
CeModel      *ce_copywriter_model    (CeCopywriter *cw);
const CeLexicon *ce_copywriter_lexicon (const CeCopywriter *cw);
/* "en" or "zh": the language of the training texts. */
const char   *ce_copywriter_language (const CeCopywriter *cw);
int           ce_copywriter_n_delex_keys (const CeCopywriter *cw);
const char   *ce_copywriter_delex_key    (const CeCopywriter *cw, int i);
int           ce_copywriter_vocab_size (const CeCopywriter *cw);

/* Trains on TRAIN; HELDOUT (may be NULL) scores each epoch by corpus BLEU of
 * greedy outputs (words for English, characters for Chinese; examples with
 * the same attributes are one item with several references), which picks
 * the best epoch: OPTS->keep is called with it. OPTS->eval is set here. */
CeStatus ce_copywriter_train (CeCopywriter *cw, const CeCopyExample *train, int n,
                              const CeCopyExample *heldout, int n_heldout,
                              const CeTrainOptions *opts, CeTrainResult *result, char *msg);

/* Mode collapse watch (with held-out rows): the mean distinct-2 of 5 sampled
 * variants per held-out product at the last epoch (NAN before any), and the
 * epoch after which it collapsed (0 = never). A collapse stops training
 * (ce_copywriter_train returns CE_ERR_CANCELLED) with the best model kept. */
double        ce_copywriter_diversity      (const CeCopywriter *cw);
int           ce_copywriter_collapse_epoch (const CeCopywriter *cw);

CeStatus      ce_copywriter_save (const CeCopywriter *cw, const char *path, char *msg);
CeCopywriter *ce_copywriter_load (const char *path, CeStatus *status, char *msg);
/* In-memory forms of the two above (a project keeps its models as BLOBs):
 * *OUT (OUT) is malloc'd, free with free(); NAME labels messages. */
CeStatus      ce_copywriter_save_buffer (const CeCopywriter *cw, uint8_t **out, size_t *out_size,
                                         char *msg);
CeCopywriter *ce_copywriter_load_buffer (const uint8_t *data, size_t size, const char *name,
                                         CeStatus *status, char *msg);

typedef struct {
  CeDecodeMethod method;   /* GREEDY, BEAM or SAMPLE */
  int beam;                /* BEAM width (also the candidates reranked) */
  int samples;             /* SAMPLE: candidates drawn per product */
  int variants;            /* distinct outputs kept per product (>= 1) */
  float temperature, top_p;
  int top_k;
  int block_ngram;         /* 0 = off */
  float length_alpha;
  int max_chars;           /* hard character budget, 0 = off */
  float min_len_ratio;     /* EOS forbidden before ratio x median training length */
  int rerank;              /* 1: fewest slot errors first */
  float coverage_penalty;  /* BEAM: nats per missing/invented value when a candidate ends (0 = off) */
  int fallback_samples;    /* BEAM with rerank, one variant: a row whose best text still has
                              slot errors gets this many sampled candidates (top-p 0.7,
                              temperature 0.95); one with fewer errors replaces it (0 = off) */
  int require_slots;       /* 1: a text may not end before it has written every slot
                              token of its row (each delexicalised value) once — a hard
                              coverage constraint in the search (0 = off, the default) */
} CeCopyOptions;

void ce_copy_options_default (CeCopyOptions *opts, CeDecodeMethod method);
/* Fits OPTS (after ce_copy_options_default and the caller's choices) to
 * CW's texts: Chinese shop copy is long, so it gets 4-gram repetition
 * blocking and, without a character budget, a minimum length of 0.8 x the
 * median training text (5-fold shop.json: char BLEU and coverage both rise). */
void ce_copywriter_tune_options (const CeCopywriter *cw, CeCopyOptions *opts);

typedef struct {
  char *text;
  float score;             /* the decoder's score */
  int missing, invented;   /* fact check */
  int broken;              /* relexicalisation left a broken phrase */
} CeCopyCandidate;

typedef struct {
  int n;                   /* <= variants */
  CeCopyCandidate *items;  /* best first */
} CeCopyOutput;

/* Generates for N rows; OUT (N) receives each row's outputs (free with
 * ce_copy_outputs_free). RNG drives sampling (may be NULL otherwise). */
CeStatus ce_copywriter_generate (CeCopywriter *cw, const CeAttrs *const *rows, int n,
                                 const CeCopyOptions *opts, CeRng *rng, CeCopyOutput *out, char *msg);
void     ce_copy_outputs_free (CeCopyOutput *out, int n);

#ifdef __cplusplus
}
#endif
