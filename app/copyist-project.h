/* copyist-project.h — a Copyist project: one SQLite file (*.copyist)
 *
 * A project holds the imported products (with their source rows, so untouched
 * columns round-trip on export), their attributes, the generated and
 * hand-written texts with every variant, the edit history that drives
 * undo/redo, trained models (checkpoints as BLOBs) and training runs.
 *
 * Threading: a CopyistProject is used from ONE thread, the main thread (it
 * owns the only writer connection; see HACKING.md, "Writes from jobs"). Jobs
 * in the CopyistJobPool copy their inputs before they start and post their
 * results back to the main thread, which writes them through this API.
 * Another process may open the same file (WAL: it reads while we write and
 * waits up to 5 s for our write lock), but "products-changed" only reports
 * changes made through this object.
 *
 * Every user action below is one SQLite transaction and one entry in the
 * edit history; a bulk action (import, generating for a selection, approving
 * or deleting many products) is one entry too, so it undoes as one step.
 * The history is stored in the file: undo/redo keep working after the
 * project is closed and opened again. Models and runs are not part of the
 * history (training is not an edit).
 *
 * Text fields are named "description" and "adcopy". Ad copy is stored as ONE
 * text: the headline, a newline, then the body (copyist_project_get_record
 * splits it into CopyistRecord.adcopy_headline / adcopy_body).
 *
 * Each field of a product has:
 *   - the current text (what export writes),
 *   - variants: every text ever proposed for the field (imported, generated),
 *     newest last; the current text is either one of them or a hand edit,
 *   - origin: where the current text came from (imported / generated / hand),
 *   - locked: generation never changes the current text of a locked field,
 *   - approved: the merchant accepted the text.
 * A field whose origin is "hand" or that is locked is NEVER overwritten by
 * generation: copyist_project_add_variants only adds variants to it.
 *
 * A product's status is derived from its fields after every change:
 *   approved  every field that has a text is approved (and one has a text);
 *   edited    otherwise, some field's current text is a hand edit;
 *   generated otherwise, some field's current text was generated;
 *   new       otherwise.
 *
 * Errors: COPYIST_PROJECT_ERROR with a message that names the file and what
 * is wrong; nothing here aborts on bad input.
 */
#pragma once

#include <gio/gio.h>

#include "copyist-job-pool.h"
#include "copyist-record.h"

G_BEGIN_DECLS

/* The schema version this build writes (PRAGMA user_version). Older projects
 * are migrated forward when opened; newer ones are refused, untouched. */
#define COPYIST_PROJECT_SCHEMA_VERSION 2

#define COPYIST_FIELD_DESCRIPTION "description"
#define COPYIST_FIELD_ADCOPY      "adcopy"

#define COPYIST_PROJECT_ERROR (copyist_project_error_quark ())
GQuark copyist_project_error_quark (void);

typedef enum {
  COPYIST_PROJECT_ERROR_NOT_A_PROJECT,   /* not SQLite, or SQLite but not a Copyist project */
  COPYIST_PROJECT_ERROR_CORRUPT,         /* SQLite says the database image is malformed */
  COPYIST_PROJECT_ERROR_TOO_NEW,         /* written by a newer Copyist (schema version above ours) */
  COPYIST_PROJECT_ERROR_NOT_FOUND,       /* the file does not exist and create was FALSE */
  COPYIST_PROJECT_ERROR_READ_ONLY,       /* the file or its folder cannot be written */
  COPYIST_PROJECT_ERROR_DISK_FULL,       /* the disk is full; the action was rolled back */
  COPYIST_PROJECT_ERROR_BUSY,            /* another process holds the project locked */
  COPYIST_PROJECT_ERROR_NO_SUCH_PRODUCT, /* an id that is not (or no longer) in the project */
  COPYIST_PROJECT_ERROR_INVALID,         /* a bad argument: unknown field, empty SKU list … */
  COPYIST_PROJECT_ERROR_NOTHING_TO_UNDO, /* undo/redo with an empty stack */
  COPYIST_PROJECT_ERROR_FAILED,          /* any other SQLite failure (message says which) */
} CopyistProjectError;

typedef enum {
  COPYIST_PRODUCT_STATUS_NEW,
  COPYIST_PRODUCT_STATUS_GENERATED,
  COPYIST_PRODUCT_STATUS_EDITED,
  COPYIST_PRODUCT_STATUS_APPROVED,
} CopyistProductStatus;

/* "new", "generated", "edited", "approved" (stable, stored in the file). */
const char *copyist_product_status_to_string (CopyistProductStatus status);
/* Returns FALSE for an unknown string. */
gboolean    copyist_product_status_from_string (const char *str, CopyistProductStatus *status /* OUT */);

typedef enum {
  COPYIST_TEXT_ORIGIN_NONE,       /* the field has no text yet */
  COPYIST_TEXT_ORIGIN_IMPORTED,   /* came with the spreadsheet */
  COPYIST_TEXT_ORIGIN_GENERATED,  /* a model wrote it (or the user picked a generated variant) */
  COPYIST_TEXT_ORIGIN_HAND,       /* the merchant typed it */
} CopyistTextOrigin;

const char *copyist_text_origin_to_string (CopyistTextOrigin origin);

/* ---- import ------------------------------------------------------------ */

typedef enum {
  COPYIST_IMPORT_UPDATE_OR_CREATE, /* a record whose SKU matches a product updates it; others are created */
  COPYIST_IMPORT_CREATE_ONLY,      /* a record whose SKU matches a product is skipped (reason given) */
} CopyistImportMode;

typedef struct {
  guint      created;   /* OUT: new products */
  guint      updated;   /* OUT: existing products updated (matched by SKU/handle) */
  guint      skipped;   /* OUT: records left out, each with a reason in `reasons` */
  GPtrArray *reasons;   /* OUT: char*, "record N (SKU …): why" for every skipped record */
} CopyistImportReport;

void copyist_import_report_init  (CopyistImportReport *report);
void copyist_import_report_clear (CopyistImportReport *report);

/* ---- per-field state ---------------------------------------------------- */

typedef struct {
  gint64            id;        /* stable, never reused */
  char             *text;
  CopyistTextOrigin origin;    /* IMPORTED or GENERATED (hand edits are not variants) */
  gint64            model_id;  /* the model that wrote it; 0 if none or the model was deleted */
  gint64            created;   /* unix time, seconds */
} CopyistVariant;

void copyist_variant_free (CopyistVariant *variant);

typedef struct {
  char             *text;              /* the current text; NULL when the field has none */
  CopyistTextOrigin origin;
  gboolean          locked;
  gboolean          approved;
  gint64            current_variant;   /* id of the variant shown, 0 when the text is a hand edit or none */
  GPtrArray        *variants;          /* CopyistVariant*, oldest first */
} CopyistFieldState;

void copyist_field_state_free (CopyistFieldState *state);

/* ---- models and runs ---------------------------------------------------- */

typedef struct {
  gint64  id;
  char   *name;
  char   *kind;          /* "vae" or "gan" */
  char   *field;         /* "description" or "adcopy" */
  char   *language;      /* "en", "zh", or "mixed" */
  gint64  created;       /* unix time, seconds */
  gint64  size;          /* checkpoint bytes */
  char   *summary_json;  /* free-form JSON (held-out BLEU, …); may be NULL */
} CopyistModelInfo;

void copyist_model_info_free (CopyistModelInfo *info);

typedef struct {
  gint64  id;
  gint64  model_id;      /* 0 until the run has produced a model */
  char   *kind;          /* "vae" or "gan" */
  char   *field;
  gint64  started;       /* unix time, seconds */
  gint64  finished;      /* 0 while running */
  char   *status;        /* "running", "finished", "cancelled", "failed" */
  char   *curve_json;    /* per-epoch losses and held-out BLEU; may be NULL */
  char   *summary_json;  /* may be NULL */
} CopyistRunInfo;

void copyist_run_info_free (CopyistRunInfo *info);

/* ---- the project -------------------------------------------------------- */

#define COPYIST_TYPE_PROJECT (copyist_project_get_type ())
G_DECLARE_FINAL_TYPE (CopyistProject, copyist_project, COPYIST, PROJECT, GObject)

/* Opens the project FILE (a local file). With CREATE, a missing file is
 * created with the current schema; without it, a missing file is an error.
 * An older schema is migrated forward in one transaction; a newer one, a
 * non-SQLite file or a corrupt one is refused with a clear error and the
 * file's bytes are left exactly as they were.
 *
 * Signals:
 *   "products-changed" (GArray *ids)  after every committed change to
 *        products (any action, undo, redo). IDS holds the gint64 ids
 *        touched, or is NULL when too many changed to list (import, bulk
 *        delete …): then a listener should re-read everything.
 * Properties (read-only, notify emitted when they change):
 *   "can-undo", "can-redo" (gboolean), "undo-label", "redo-label" (char*:
 *   a translated description such as "Edit description", NULL if none),
 *   "file" (GFile). */
CopyistProject *copyist_project_open  (GFile *file, gboolean create, GError **error);
/* Checkpoints the WAL into the main file and closes the database. Further
 * calls on PROJECT fail with an error. Also done on finalize. */
gboolean        copyist_project_close (CopyistProject *project, GError **error);
GFile          *copyist_project_get_file (CopyistProject *project);
/* Reads the whole file (PRAGMA integrity_check): FALSE with CORRUPT and the
 * first problem SQLite names when it is damaged. Opening only reads the
 * header and schema (fast for big projects); damage elsewhere surfaces as a
 * CORRUPT error from the call that reads it, or from this check. */
gboolean        copyist_project_check (CopyistProject *project, GError **error);
/* The schema version found in the file before any migration on open. */
int             copyist_project_get_opened_schema_version (CopyistProject *project);

/* Products. */
gint64          copyist_project_count_products (CopyistProject *project, GError **error);
/* Stores RECORDS (CopyistRecord*) in one transaction; ONE undo step. Records
 * are matched to products by SKU (the Shopify handle for Shopify files):
 * with UPDATE_OR_CREATE a match gets the record's title, category, language,
 * attributes, source row(s) and imported texts — but a field that is hand-
 * edited or locked keeps its text (the imported text is added as a variant).
 * REPORT (may be NULL) gets counts and a reason per skipped record. On error
 * nothing is stored. Each stored record's id is set on success. */
gboolean        copyist_project_import_records (CopyistProject *project, GPtrArray *records,
                                                CopyistImportMode mode,
                                                CopyistImportReport *report /* OUT, may be NULL */,
                                                GError **error);
/* A full record with the current texts filled in (for export and the
 * editor); NULL with NO_SUCH_PRODUCT if ID is not in the project. */
CopyistRecord  *copyist_project_get_record (CopyistProject *project, gint64 id, GError **error);
/* Records for IDS (gint64, in that order), or for every product in import
 * order when IDS is NULL; APPROVED_ONLY keeps only approved products. */
GPtrArray      *copyist_project_dup_records (CopyistProject *project, GArray *ids,
                                             gboolean approved_only, GError **error);
/* COUNTS[s] = number of products with status s (CopyistProductStatus). */
gboolean        copyist_project_count_by_status (CopyistProject *project,
                                                 gint64 counts[COPYIST_PRODUCT_STATUS_APPROVED + 1] /* OUT */,
                                                 GError **error);
/* Every product id in import order (gint64). */
GArray         *copyist_project_dup_product_ids (CopyistProject *project, GError **error);
gboolean        copyist_project_get_status (CopyistProject *project, gint64 id,
                                            CopyistProductStatus *status /* OUT */, GError **error);
/* Sets one attribute (the editor's left column); VALUE NULL removes it. One undo step. */
gboolean        copyist_project_set_attribute (CopyistProject *project, gint64 id,
                                               const char *key, const char *value, GError **error);
/* Deletes products; one undo step (undo brings them back with the same ids). */
gboolean        copyist_project_delete_products (CopyistProject *project, GArray *ids, GError **error);

/* Texts. FIELD is COPYIST_FIELD_DESCRIPTION or COPYIST_FIELD_ADCOPY. */
CopyistFieldState *copyist_project_get_field (CopyistProject *project, gint64 id,
                                              const char *field, GError **error);
/* A hand edit: the current text becomes TEXT, origin "hand". One undo
 * step — unless MERGE_KEY is non-NULL and equals the merge key of the most
 * recent history entry (not undone), in which case this edit joins that
 * entry. The UI passes the same key while the user types and a new key
 * after a pause, so one pause = one undo step; make the key unique per
 * product, field and pause (e.g. "edit:<id>:<field>:<counter>"). */
gboolean copyist_project_set_text (CopyistProject *project, gint64 id, const char *field,
                                   const char *text, const char *merge_key, GError **error);
/* Generation results: TEXTS (NULL-terminated, at least one) become new
 * variants of FIELD. If the field is neither locked nor hand-edited, the
 * first becomes the current text; otherwise the current text is kept.
 * MODEL_ID may be 0. One undo step. */
gboolean copyist_project_add_variants (CopyistProject *project, gint64 id, const char *field,
                                       const char *const *texts, gint64 model_id, GError **error);
/* Bulk generation: TEXTS_PER_PRODUCT[i] (a GStrv) for IDS[i]; one transaction,
 * one undo step. Same rules per product as copyist_project_add_variants. */
gboolean copyist_project_add_variants_bulk (CopyistProject *project, GArray *ids, const char *field,
                                            GPtrArray *texts_per_product, gint64 model_id,
                                            GError **error);
/* The user picks variant VARIANT_ID as the current text (origin becomes the
 * variant's). Allowed on locked fields: lock only stops generation. */
gboolean copyist_project_choose_variant (CopyistProject *project, gint64 id, const char *field,
                                         gint64 variant_id, GError **error);
/* One undo step each; the _bulk forms apply to every id in IDS as one step. */
gboolean copyist_project_set_locked (CopyistProject *project, gint64 id, const char *field,
                                     gboolean locked, GError **error);
gboolean copyist_project_set_approved (CopyistProject *project, gint64 id, const char *field,
                                       gboolean approved, GError **error);
gboolean copyist_project_set_locked_bulk (CopyistProject *project, GArray *ids, const char *field,
                                          gboolean locked, GError **error);
gboolean copyist_project_set_approved_bulk (CopyistProject *project, GArray *ids, const char *field,
                                            gboolean approved, GError **error);

/* Undo / redo (persisted in the file). */
gboolean    copyist_project_can_undo (CopyistProject *project);
gboolean    copyist_project_can_redo (CopyistProject *project);
/* A translated label of the action undo/redo would revert/repeat, or NULL. */
const char *copyist_project_get_undo_label (CopyistProject *project);
const char *copyist_project_get_redo_label (CopyistProject *project);
gboolean    copyist_project_undo (CopyistProject *project, GError **error);
gboolean    copyist_project_redo (CopyistProject *project, GError **error);

/* The same writes in the job POOL, for the window: an import of many
 * products, or undoing/redoing one, takes seconds. The job writes through a
 * second connection to the file (RECORDS are the job's until the callback:
 * do not touch them meanwhile) with PROGRESS (may be NULL) and CANCELLABLE
 * (Cancel rolls everything back). Meanwhile PROJECT refuses actions with
 * COPYIST_PROJECT_ERROR_BUSY; afterwards it emits "products-changed" (NULL)
 * and the undo notifications. CALLBACK runs on the calling thread's main
 * context; call copyist_project_write_finish there. REPORT (may be NULL)
 * must have been initialised with copyist_import_report_init. */
void        copyist_project_import_records_async (CopyistProject *project, CopyistJobPool *pool,
                                                  GPtrArray *records, CopyistImportMode mode,
                                                  CopyistJobProgressFunc progress, gpointer progress_data,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);
void        copyist_project_undo_async (CopyistProject *project, CopyistJobPool *pool, gboolean redo,
                                        CopyistJobProgressFunc progress, gpointer progress_data,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
gboolean    copyist_project_write_finish (CopyistProject *project, GAsyncResult *result,
                                          CopyistImportReport *report /* OUT, may be NULL */,
                                          GError **error);
/* TRUE while such a write runs. */
gboolean    copyist_project_is_busy (CopyistProject *project);
/* How many products the next undo (or REDO) touches: 0 when there is none.
 * The window writes big ones in the pool. */
gint64      copyist_project_count_undo_products (CopyistProject *project, gboolean redo);

/* Column mapping, saved per source format and header signature (e.g. the
 * headers joined with "\x1f"); MAPPING_JSON is free-form for the importer. */
gboolean copyist_project_save_mapping (CopyistProject *project, const char *source_format,
                                       const char *header_signature, const char *mapping_json,
                                       GError **error);
/* NULL (and no error) when nothing was saved for this signature. */
char    *copyist_project_load_mapping (CopyistProject *project, const char *source_format,
                                       const char *header_signature, GError **error);

/* Free-form key/value settings stored in the project (not undoable). */
gboolean copyist_project_set_meta (CopyistProject *project, const char *key, const char *value,
                                   GError **error);
char    *copyist_project_get_meta (CopyistProject *project, const char *key, GError **error);

/* Models: a trained checkpoint stored as a BLOB. */
gboolean   copyist_project_add_model (CopyistProject *project, const char *name, const char *kind,
                                      const char *field, const char *language, GBytes *checkpoint,
                                      const char *summary_json, gint64 *id_out /* OUT, may be NULL */,
                                      GError **error);
GBytes    *copyist_project_dup_model_bytes (CopyistProject *project, gint64 model_id, GError **error);
/* CopyistModelInfo*, newest first. */
GPtrArray *copyist_project_list_models (CopyistProject *project, GError **error);
gboolean   copyist_project_delete_model (CopyistProject *project, gint64 model_id, GError **error);

/* Runs: a training run's record; created "running", updated per epoch. */
gboolean   copyist_project_add_run (CopyistProject *project, const char *kind, const char *field,
                                    gint64 *id_out /* OUT */, GError **error);
/* STATUS NULL keeps it; CURVE_JSON/SUMMARY_JSON NULL keep them; MODEL_ID 0
 * keeps it. A status other than "running" sets the finish time. */
gboolean   copyist_project_update_run (CopyistProject *project, gint64 run_id, const char *status,
                                       const char *curve_json, const char *summary_json,
                                       gint64 model_id, GError **error);
/* CopyistRunInfo*, newest first, at most LIMIT (0: all). */
GPtrArray *copyist_project_list_runs (CopyistProject *project, guint limit, GError **error);
/* A finished training in one transaction: the model (as add_model) and its
 * run record with STATUS ("finished", "cancelled" …), CURVE_JSON and
 * SUMMARY_JSON. On error nothing is stored. */
gboolean   copyist_project_store_trained_model (CopyistProject *project, const char *name, const char *kind,
                                                const char *field, const char *language, GBytes *checkpoint,
                                                const char *status, const char *curve_json,
                                                const char *summary_json, gint64 *model_id_out /* OUT, may be NULL */,
                                                GError **error);

G_END_DECLS
