/* copyist-generator.h — training and generation on a project's products
 *
 * The bridge between the project store and the engine's copywriter. Work
 * is split by thread so that the window never waits and SQLite is only
 * touched from the thread that owns the project:
 *
 *   _new()   main thread: reads what the job needs from the project (a copy)
 *   _run()   any thread (the job pool): the engine work; progress callbacks
 *            are called from this thread, cancellation is polled each batch
 *   _store() main thread: writes the result into the project (one undo step
 *            for generation; a model and a run record for training)
 *
 * copyist-cli runs the three in a row; the window runs _run() in the job pool.
 *
 * A product's attributes for the model are its attribute list plus title
 * and category, and a "lang" attribute ("en"/"zh") so that one model writes
 * each product in its own language. Ad copy is a headline and a body: the
 * model learns both from the same rows, told apart by a "part" attribute,
 * and generation writes each within its own character budget.
 */
#pragma once

#include <gio/gio.h>

#include "copyist-project.h"
#include "engine.h"

G_BEGIN_DECLS

#define COPYIST_GENERATOR_ERROR (copyist_generator_error_quark ())
GQuark copyist_generator_error_quark (void);

typedef enum {
  COPYIST_GENERATOR_ERROR_NO_DATA,    /* no product has text to learn from / nothing to generate */
  COPYIST_GENERATOR_ERROR_NO_MODEL,   /* no model for this field */
  COPYIST_GENERATOR_ERROR_BAD_MODEL,  /* a stored or given model file cannot be used */
  COPYIST_GENERATOR_ERROR_ENGINE,     /* the engine failed (message says why) */
  COPYIST_GENERATOR_ERROR_INVALID,    /* bad settings (unknown field or model kind) */
} CopyistGeneratorError;

/* Ad copy limits (characters; a CJK character counts as one). */
#define COPYIST_ADCOPY_HEADLINE_MAX 30
#define COPYIST_ADCOPY_BODY_MAX     90

/* "vae" / "gan" <-> engine kinds. */
const char *copyist_model_kind_to_string   (CeModelKind kind);
gboolean    copyist_model_kind_from_string (const char *name, CeModelKind *kind /* OUT */);
/* "fp32" (or NULL) / "bf16" -> the training precision (CLI --precision). */
gboolean    copyist_train_precision_from_string (const char *name, CePrecision *precision /* OUT */);

/* The model input of RECORD (attributes + title, category, lang; PART for
 * ad copy: "headline", "body" or NULL). Fills ATTRS (ce_attrs_init first). */
void copyist_record_to_attrs (const CopyistRecord *record, const char *part, CeAttrs *attrs /* OUT */);

/* ---- training -------------------------------------------------------------- */

typedef struct {
  CeModelKind kind;       /* CE_MODEL_CVAE ("vae") or CE_MODEL_ARAE ("gan") */
  const char *field;      /* COPYIST_FIELD_DESCRIPTION or COPYIST_FIELD_ADCOPY */
  double minutes;         /* time budget; 0 = by epochs */
  int epochs;             /* 0 = by time */
  guint64 seed;
  int hidden;             /* 0 = default */
  double lr;              /* peak learning rate; 0 = the engine's default for the data size */
  CePrecision precision;  /* CE_PRECISION_FP32 (default) or _BF16 (needs AMX-BF16: ce_train_bf16_available) */
} CopyistTrainSettings;

void copyist_train_settings_init (CopyistTrainSettings *settings, CeModelKind kind, const char *field);

typedef struct _CopyistTrainJob CopyistTrainJob;

/* Called from the thread running the job; P is valid during the call. */
typedef void (*CopyistTrainProgressFunc) (const CeTrainProgress *p, gpointer user_data);

CopyistTrainJob *copyist_train_job_new   (CopyistProject *project, const CopyistTrainSettings *settings,
                                          GError **error);
void             copyist_train_job_free  (CopyistTrainJob *job);
/* Number of training texts (held-out ones excluded) and held-out products. */
guint            copyist_train_job_n_train   (CopyistTrainJob *job);
guint            copyist_train_job_n_heldout (CopyistTrainJob *job);
/* Trains; cancelling keeps the best model so far (then returns TRUE with
 * copyist_train_job_was_cancelled() TRUE, unless no epoch finished). */
gboolean         copyist_train_job_run   (CopyistTrainJob *job, CopyistTrainProgressFunc progress,
                                          gpointer user_data, GCancellable *cancellable, GError **error);
gboolean         copyist_train_job_was_cancelled (CopyistTrainJob *job);
/* Why training stopped early with the best model so far (the loss kept
 * turning NaN/Inf), translated; NULL when it did not. */
const char      *copyist_train_job_get_notice (CopyistTrainJob *job);
/* Steps rolled back to the last good weights after a NaN/Inf loss (each
 * halves the learning rate; CeTrainProgress.numeric_recoveries counts them
 * while training runs). */
int              copyist_train_job_get_numeric_recoveries (CopyistTrainJob *job);
/* The held-out summary as JSON ({"bleu":…, "ser":…, "examples":[{"output","reference"}…]}). */
const char      *copyist_train_job_get_summary_json (CopyistTrainJob *job);
/* The per-epoch curve as JSON ([{"epoch":1,"step":…,"xent":…,"kl":…,"critic":…,"bleu":…},…]). */
const char      *copyist_train_job_get_curve_json (CopyistTrainJob *job);
/* Stores the model and a run record in PROJECT; *MODEL_ID (OUT, may be NULL). */
gboolean         copyist_train_job_store (CopyistTrainJob *job, CopyistProject *project,
                                          gint64 *model_id, GError **error);
/* The trained model file's bytes (to save to disk). */
GBytes          *copyist_train_job_get_model_bytes (CopyistTrainJob *job);

/* ---- generation -------------------------------------------------------------- */

typedef struct _CopyistGenerateJob CopyistGenerateJob;

typedef void (*CopyistGenerateProgressFunc) (guint done, guint total, gpointer user_data);

/* Products IDS (gint64; NULL = every product) of PROJECT get VARIANTS new
 * variants of FIELD from model MODEL_ID (0 = the newest model for FIELD, or
 * the default model installed with Copyist when the project has none).
 * With ONLY_MISSING, products whose field already has text are skipped. */
CopyistGenerateJob *copyist_generate_job_new  (CopyistProject *project, const char *field, gint64 model_id,
                                               GArray *ids, gboolean only_missing, guint variants,
                                               GError **error);
void                copyist_generate_job_free (CopyistGenerateJob *job);
/* The language to write in (main thread, before _run): NULL or "auto"
 * writes each product in its own language (the default); "en" or "zh"
 * asks for that language for every product (the preference
 * "text-language"; copyist-cli generate --language): the model's "lang"
 * input says so, and when the job's model was not named, the newest model
 * of PROJECT for the field trained on texts in that language is used. */
gboolean            copyist_generate_language_is_valid (const char *language);
gboolean            copyist_generate_job_set_language (CopyistGenerateJob *job, CopyistProject *project,
                                                       const char *language, GError **error);
/* The model the job writes with (0: the default model installed with Copyist). */
gint64              copyist_generate_job_get_model_id (CopyistGenerateJob *job);
/* Ad copy budgets in characters (0 = COPYIST_ADCOPY_HEADLINE_MAX / _BODY_MAX). */
void                copyist_generate_job_set_adcopy_limits (CopyistGenerateJob *job, int headline_max,
                                                            int body_max);
guint               copyist_generate_job_n_products (CopyistGenerateJob *job);
gboolean            copyist_generate_job_run  (CopyistGenerateJob *job, CopyistGenerateProgressFunc progress,
                                               gpointer user_data, GCancellable *cancellable, GError **error);
/* The variants written for product number I of the job (NULL-terminated). */
const char * const *copyist_generate_job_get_texts (CopyistGenerateJob *job, guint i, gint64 *product_id /* OUT */);
/* Adds the variants to the project: one undo step; hand-edited and locked
 * texts are kept (the project's rule). */
gboolean            copyist_generate_job_store (CopyistGenerateJob *job, CopyistProject *project, GError **error);

/* ---- the fact check for the editor ------------------------------------------ */

typedef enum {
  COPYIST_MARK_MENTIONED,  /* the text mentions the product's value */
  COPYIST_MARK_INVENTED,   /* the text mentions a value the product does not have */
} CopyistMarkKind;

typedef struct {
  CopyistMarkKind kind;
  int start, end;          /* character offsets [start, end) in the text */
  char *key;               /* the attribute */
  char *value;             /* the value the span stands for */
} CopyistMark;

typedef struct {
  GPtrArray *marks;        /* CopyistMark*, in text order */
  GPtrArray *missing;      /* char* "key: value" of the product's values never mentioned */
  double slot_error_rate;
} CopyistCheckResult;

void copyist_check_result_free (CopyistCheckResult *result);

typedef struct _CopyistChecker CopyistChecker;

/* A checker that knows every value of every attribute in PROJECT, plus the
 * built-in colours and materials. Rebuild it after imports. */
CopyistChecker     *copyist_checker_new   (CopyistProject *project, GError **error);
void                copyist_checker_free  (CopyistChecker *checker);
CopyistCheckResult *copyist_checker_check (CopyistChecker *checker, const CopyistRecord *record,
                                           const char *text, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CopyistTrainJob, copyist_train_job_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CopyistGenerateJob, copyist_generate_job_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CopyistChecker, copyist_checker_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CopyistCheckResult, copyist_check_result_free)

G_END_DECLS
