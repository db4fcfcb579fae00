/* copyist-project-private.h — shared by the files that implement
 * CopyistProject (split by concern, as gnome-text-editor splits its window):
 *   copyist-project.c             open/close, statements, errors, meta, mapping
 *   copyist-project-models.c      models and training runs
 *   copyist-project-migrations.c  the schema and its forward migrations
 *   copyist-project-history.c     actions, snapshots, undo/redo
 *   copyist-project-products.c    import, reading records, texts and variants, search text
 *   copyist-project-actions.c     the user's actions (edit, generate, choose, lock, approve, delete) */
#pragma once

#include <sqlite3.h>

#include "copyist-job-pool.h"
#include "copyist-project.h"

G_BEGIN_DECLS

/* "COPY" as the SQLite application_id of every project file. */
#define COPYIST_PROJECT_APPLICATION_ID 0x434f5059

/* More ids than this in one change are announced as "everything changed". */
#define COPYIST_PROJECT_CHANGED_LIST_MAX 4096

struct _CopyistProject
{
  GObject     parent_instance;

  GFile      *file;
  char       *path;
  sqlite3    *db;
  GHashTable *stmts;            /* SQL text -> sqlite3_stmt*, prepared once */
  GHashTable *columns;          /* "table.column" -> exists (restore), filled on demand */
  int         opened_version;

  /* undo/redo state, mirrored from the history table */
  gboolean    can_undo;
  gboolean    can_redo;
  char       *undo_label;
  char       *redo_label;

  /* the action being recorded (between project_action_begin and _end) */
  gboolean    in_action;
  gint64      action_id;
  GHashTable *action_touched;   /* product ids whose before-image is stored */
  GArray     *changed_ids;      /* gint64 */
  gboolean    changed_all;

  /* Writes in the job pool (copyist-project-jobs.c): on the main thread's
   * project, how many are running on a second connection (actions are
   * refused meanwhile rather than left waiting for the lock); on that second
   * connection's project, the job to report progress to and poll for Cancel. */
  guint       background_writers;
  CopyistJob *job;
};

/* copyist-project.c */
sqlite3_stmt *project_stmt (CopyistProject *self, const char *sql, GError **error);
gboolean      project_exec (CopyistProject *self, const char *sql, GError **error);
void          project_set_error (CopyistProject *self, GError **error, int rc, const char *what);
gboolean      project_step_done (CopyistProject *self, sqlite3_stmt *stmt, const char *what, GError **error);
gboolean      project_check_open (CopyistProject *self, GError **error);
void          project_bind_text_or_null (sqlite3_stmt *stmt, int index, const char *text);
char         *project_column_dup (sqlite3_stmt *stmt, int column);
gboolean      project_is_valid_field (const char *field);
gint64        project_now (void);

/* copyist-project-migrations.c */
/* Creates (version 0 -> current) or migrates the schema; in one transaction. */
gboolean project_migrate (CopyistProject *self, int from_version, GError **error);

/* copyist-project-history.c */
/* An action: BEGIN IMMEDIATE, a history entry (or the entry MERGE_KEY
 * continues), the redo stack dropped. */
gboolean project_action_begin   (CopyistProject *self, const char *kind, const char *label,
                                 const char *merge_key, GError **error);
/* Before product ID changes in this action: keeps its before-image (once). */
gboolean project_action_touch   (CopyistProject *self, gint64 id, GError **error);
/* Product ID was created by this action (its before-image is "absent"). */
gboolean project_action_created (CopyistProject *self, gint64 id, GError **error);
/* Commits (OK) or rolls back; on commit emits products-changed and the
 * can-undo/redo notifications. Returns FALSE if the commit failed. */
gboolean project_action_end     (CopyistProject *self, gboolean ok, GError **error);
void     project_note_changed   (CopyistProject *self, gint64 id);
void     project_note_changed_all (CopyistProject *self);
gboolean project_refresh_history_state (CopyistProject *self, GError **error);
void     project_emit_changes   (CopyistProject *self);
/* FALSE with BUSY while a background write (import, undo) is running. */
gboolean project_check_not_busy (CopyistProject *self, GError **error);
/* In a background write's loop, at item I of N: reports progress now and
 * then; FALSE with G_IO_ERROR_CANCELLED when the user cancelled. */
gboolean project_job_step (CopyistProject *self, guint i, guint n, GError **error);

/* copyist-project-products.c */
/* Re-derives the product's status from its texts and refreshes its search text. */
gboolean project_update_product (CopyistProject *self, gint64 id, GError **error);
/* The case-folded text the product list searches (see products.search). */
char    *project_search_text (const char *title, const char *sku, const char *category, const char *description);
/* SQL functions the schema and queries use (copyist_search_text). */
gboolean project_register_functions (CopyistProject *self, GError **error);

/* Shared by copyist-project-products.c (import) and -actions.c. */
typedef struct {
  CopyistTextOrigin origin;
  gboolean          locked;
} TextFlags;

const char       *project_field_label (const char *field);
gboolean          project_check_field (CopyistProject *self, const char *field, GError **error);
CopyistTextOrigin project_origin_from_string (const char *str);
gboolean          project_read_text_flags (CopyistProject *self, gint64 id, const char *field, TextFlags *flags,
                                           GError **error);
gboolean          project_insert_variant (CopyistProject *self, gint64 id, const char *field, const char *text,
                                          CopyistTextOrigin origin, gint64 model_id, gint64 *variant_id,
                                          GError **error);
/* Makes TEXT the field's current text (VARIANT_ID 0 for a hand edit). */
gboolean          project_write_current (CopyistProject *self, gint64 id, const char *field, const char *text,
                                         CopyistTextOrigin origin, gint64 variant_id, gint64 model_id,
                                         GError **error);

G_END_DECLS
