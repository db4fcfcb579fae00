/* copyist-project.c — opening and closing a project file, the statement
 * cache, error mapping, meta and column mappings. Products, actions,
 * history, models and runs live in copyist-project-{products,actions,
 * history,models}.c. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "copyist-project-private.h"

enum {
  PROP_0,
  PROP_FILE,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_UNDO_LABEL,
  PROP_REDO_LABEL,
  N_PROPS
};

enum {
  SIGNAL_PRODUCTS_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_TYPE (CopyistProject, copyist_project, G_TYPE_OBJECT)

G_DEFINE_QUARK (copyist-project-error-quark, copyist_project_error)

static const char *const status_names[] = { "new", "generated", "edited", "approved" };
static const char *const origin_names[] = { "none", "imported", "generated", "hand" };

const char *
copyist_product_status_to_string (CopyistProductStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (status_names), "new");
  return status_names[status];
}

gboolean
copyist_product_status_from_string (const char *str, CopyistProductStatus *status)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (status_names); i++)
    if (strcmp (str, status_names[i]) == 0)
      {
        *status = (CopyistProductStatus) i;
        return TRUE;
      }
  return FALSE;
}

const char *
copyist_text_origin_to_string (CopyistTextOrigin origin)
{
  g_return_val_if_fail ((guint) origin < G_N_ELEMENTS (origin_names), "none");
  return origin_names[origin];
}

void
copyist_import_report_init (CopyistImportReport *report)
{
  memset (report, 0, sizeof *report);
  report->reasons = g_ptr_array_new_with_free_func (g_free);
}

void
copyist_import_report_clear (CopyistImportReport *report)
{
  g_clear_pointer (&report->reasons, g_ptr_array_unref);
  memset (report, 0, sizeof *report);
}

void
copyist_variant_free (CopyistVariant *variant)
{
  if (variant == NULL)
    return;
  g_free (variant->text);
  g_free (variant);
}

void
copyist_field_state_free (CopyistFieldState *state)
{
  if (state == NULL)
    return;
  g_free (state->text);
  g_clear_pointer (&state->variants, g_ptr_array_unref);
  g_free (state);
}

void
copyist_model_info_free (CopyistModelInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->kind);
  g_free (info->field);
  g_free (info->language);
  g_free (info->summary_json);
  g_free (info);
}

void
copyist_run_info_free (CopyistRunInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->kind);
  g_free (info->field);
  g_free (info->status);
  g_free (info->curve_json);
  g_free (info->summary_json);
  g_free (info);
}

/* ---- helpers shared by the project files ---- */

gint64
project_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

gboolean
project_is_valid_field (const char *field)
{
  return field != NULL
         && (strcmp (field, COPYIST_FIELD_DESCRIPTION) == 0 || strcmp (field, COPYIST_FIELD_ADCOPY) == 0);
}

void
project_bind_text_or_null (sqlite3_stmt *stmt, int index, const char *text)
{
  /* SQLITE_STATIC here and at every bind: a TRANSIENT bind copies, and when
   * that copy fails (out of memory) the parameter silently stays NULL — a
   * history entry without its label, a SKU lookup that matches nothing.
   * Every statement is stepped while the bound text is still alive, and
   * project_stmt() clears the bindings before the next use. */
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
}

char *
project_column_dup (sqlite3_stmt *stmt, int column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

void
project_set_error (CopyistProject *self, GError **error, int rc, const char *what)
{
  const char *path = self->path != NULL ? self->path : "project";
  const char *detail = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);
  CopyistProjectError code;
  const char *why;

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      code = COPYIST_PROJECT_ERROR_DISK_FULL;
      why = _("the disk is full; nothing was changed");
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      code = COPYIST_PROJECT_ERROR_READ_ONLY;
      why = _("the project cannot be written (read-only file or folder); nothing was changed");
      break;
    case SQLITE_CANTOPEN:
      code = COPYIST_PROJECT_ERROR_READ_ONLY;
      why = _("the file cannot be opened for writing");
      break;
    case SQLITE_CORRUPT:
      code = COPYIST_PROJECT_ERROR_CORRUPT;
      why = _("the project file is damaged");
      break;
    case SQLITE_NOTADB:
      code = COPYIST_PROJECT_ERROR_NOT_A_PROJECT;
      why = _("this is not a Copyist project (not an SQLite database)");
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = COPYIST_PROJECT_ERROR_BUSY;
      why = _("the project is in use by another program");
      break;
    case SQLITE_IOERR:
      code = COPYIST_PROJECT_ERROR_FAILED;
      why = _("reading or writing the file failed");
      /* ENOSPC surfaces as an I/O error in some paths (the WAL index). */
      if (rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC || rc == SQLITE_IOERR_SHMSIZE)
        {
          code = COPYIST_PROJECT_ERROR_DISK_FULL;
          why = _("writing failed (is the disk full?); nothing was changed");
        }
      break;
    default:
      code = COPYIST_PROJECT_ERROR_FAILED;
      why = _("database error");
      break;
    }
  g_set_error (error, COPYIST_PROJECT_ERROR, code, "%s: %s: %s (%s)", path, what, why, detail);
}

gboolean
project_check_open (CopyistProject *self, GError **error)
{
  if (self->db != NULL)
    return TRUE;
  g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_INVALID,
               "%s: %s", self->path != NULL ? self->path : "project", _("the project is closed"));
  return FALSE;
}

/* A cached prepared statement for SQL, reset and with its bindings cleared. */
sqlite3_stmt *
project_stmt (CopyistProject *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt;

  if (!project_check_open (self, error))
    return NULL;
  stmt = g_hash_table_lookup (self->stmts, sql);
  if (stmt == NULL)
    {
      int rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
      if (rc != SQLITE_OK)
        {
          project_set_error (self, error, rc, _("preparing a statement"));
          g_debug ("failed SQL: %s", sql);
          return NULL;
        }
      g_hash_table_insert (self->stmts, g_strdup (sql), stmt);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return stmt;
}

gboolean
project_step_done (CopyistProject *self, sqlite3_stmt *stmt, const char *what, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    rc = SQLITE_DONE;
  if (rc != SQLITE_DONE)
    {
      project_set_error (self, error, sqlite3_extended_errcode (self->db), what);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/* For fixed statements without parameters (pragmas, schema). */
gboolean
project_exec (CopyistProject *self, const char *sql, GError **error)
{
  char *msg = NULL;
  int rc;

  if (!project_check_open (self, error))
    return FALSE;
  rc = sqlite3_exec (self->db, sql, NULL, NULL, &msg);
  sqlite3_free (msg);
  if (rc != SQLITE_OK)
    {
      project_set_error (self, error, sqlite3_extended_errcode (self->db), sql);
      return FALSE;
    }
  return TRUE;
}

static void
finalize_stmt (gpointer data)
{
  sqlite3_finalize (data);
}

/* ---- GObject ---- */

static void
copyist_project_finalize (GObject *object)
{
  CopyistProject *self = COPYIST_PROJECT (object);

  copyist_project_close (self, NULL);
  g_clear_pointer (&self->stmts, g_hash_table_unref);
  g_clear_pointer (&self->columns, g_hash_table_unref);
  g_clear_pointer (&self->action_touched, g_hash_table_unref);
  g_clear_pointer (&self->changed_ids, g_array_unref);
  g_clear_object (&self->file);
  g_free (self->path);
  g_free (self->undo_label);
  g_free (self->redo_label);
  G_OBJECT_CLASS (copyist_project_parent_class)->finalize (object);
}

static void
copyist_project_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CopyistProject *self = COPYIST_PROJECT (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, self->can_undo);
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, self->can_redo);
      break;
    case PROP_UNDO_LABEL:
      g_value_set_string (value, self->undo_label);
      break;
    case PROP_REDO_LABEL:
      g_value_set_string (value, self->redo_label);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
copyist_project_class_init (CopyistProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = copyist_project_finalize;
  object_class->get_property = copyist_project_get_property;

  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] = g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNDO_LABEL] = g_param_spec_string ("undo-label", NULL, NULL, NULL,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REDO_LABEL] = g_param_spec_string ("redo-label", NULL, NULL, NULL,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* IDS: GArray of gint64, or NULL when too many products changed to list. */
  signals[SIGNAL_PRODUCTS_CHANGED] =
    g_signal_new ("products-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
copyist_project_init (CopyistProject *self)
{
  self->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_stmt);
  self->changed_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
}

/* Called by the history code after a commit; private, but it needs the
 * signal and pspecs that live here. */
void
project_emit_changes (CopyistProject *self)
{
  gboolean all = self->changed_all || self->changed_ids->len > COPYIST_PROJECT_CHANGED_LIST_MAX;
  g_autoptr(GArray) ids = NULL;

  if (!all && self->changed_ids->len == 0)
    return;
  if (!all)
    ids = g_array_ref (self->changed_ids);
  self->changed_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->changed_all = FALSE;
  g_signal_emit (self, signals[SIGNAL_PRODUCTS_CHANGED], 0, ids);
}

gboolean
project_refresh_history_state (CopyistProject *self, GError **error)
{
  gboolean can_undo = FALSE, can_redo = FALSE;
  g_autofree char *undo_label = NULL;
  g_autofree char *redo_label = NULL;
  sqlite3_stmt *stmt;

  stmt = project_stmt (self, "SELECT label FROM history WHERE undone = 0 ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      can_undo = TRUE;
      undo_label = project_column_dup (stmt, 0);
    }
  sqlite3_reset (stmt);
  stmt = project_stmt (self, "SELECT label FROM history WHERE undone = 1 ORDER BY id ASC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      can_redo = TRUE;
      redo_label = project_column_dup (stmt, 0);
    }
  sqlite3_reset (stmt);

  g_object_freeze_notify (G_OBJECT (self));
  if (can_undo != self->can_undo)
    {
      self->can_undo = can_undo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
    }
  if (can_redo != self->can_redo)
    {
      self->can_redo = can_redo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
    }
  if (g_strcmp0 (undo_label, self->undo_label) != 0)
    {
      g_free (self->undo_label);
      self->undo_label = g_steal_pointer (&undo_label);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDO_LABEL]);
    }
  if (g_strcmp0 (redo_label, self->redo_label) != 0)
    {
      g_free (self->redo_label);
      self->redo_label = g_steal_pointer (&redo_label);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REDO_LABEL]);
    }
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

/* ---- open / close ---- */

/* Looks at the first bytes without SQLite, so that a file that is not a
 * database is never opened (and never touched) by it. */
static gboolean
check_file_header (const char *path, gboolean *empty, GError **error)
{
  static const char magic[16] = "SQLite format 3";
  char header[100];
  FILE *f = fopen (path, "rb");
  size_t n;

  if (f == NULL)
    {
      int saved = errno;
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_READ_ONLY,
                   "%s: %s (%s)", path, _("the file cannot be read"), g_strerror (saved));
      return FALSE;
    }
  n = fread (header, 1, sizeof header, f);
  fclose (f);
  *empty = (n == 0);
  if (n == 0)
    return TRUE;
  if (n < sizeof header || memcmp (header, magic, sizeof magic) != 0)
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_NOT_A_PROJECT,
                   "%s: %s", path,
                   n < sizeof header && memcmp (header, magic, MIN (n, sizeof magic)) == 0
                     ? _("the project file is truncated (shorter than an SQLite header)")
                     : _("this is not a Copyist project (not an SQLite database)"));
      return FALSE;
    }
  return TRUE;
}

/* A project is always opened for writing (WAL needs its -wal and -shm files
 * next to it), so say clearly when the file or its folder cannot be written. */
static gboolean
check_writable (const char *path, gboolean exists, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  const char *what = exists ? path : dir;
  int saved;

  if (g_access (what, W_OK) == 0 && g_access (dir, W_OK) == 0)
    return TRUE;
  saved = errno;
  if (saved != EROFS && saved != EACCES && saved != EPERM)
    return TRUE;  /* let SQLite report anything else */
  g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_READ_ONLY, "%s: %s (%s)", path,
               saved == EROFS ? _("the project is on a read-only disk; copy it somewhere writable to work on it")
                              : _("the project file or its folder is read-only; copy it somewhere writable to work on it"),
               g_strerror (saved));
  return FALSE;
}

static gboolean
read_int_pragma (CopyistProject *self, const char *sql, int *value, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  if (rc != SQLITE_OK)
    rc = sqlite3_extended_errcode (self->db);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    {
      project_set_error (self, error, rc, _("reading the project header"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
project_open_db (CopyistProject *self, gboolean exists, GError **error)
{
  int flags = SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE);
  int version = 0, app_id = 0, n_tables = 0, n_code = 0;
  int rc;

  rc = sqlite3_open_v2 (self->path, &self->db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      project_set_error (self, error, rc, _("opening the project"));
      sqlite3_close_v2 (self->db);
      self->db = NULL;
      return FALSE;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);
  /* A project may come from anywhere (HACKING.md, "Security review"): SQL
   * stored in the file (views, triggers, defaults) may not call our own
   * functions, and no statement may write the schema or pages directly. */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  if (!project_register_functions (self, error))
    return FALSE;

  /* Everything up to the migration only reads, so a file we refuse is
   * left exactly as it was. */
  if (!read_int_pragma (self, "PRAGMA application_id", &app_id, error)
      || !read_int_pragma (self, "PRAGMA user_version", &version, error)
      || !read_int_pragma (self, "SELECT count(*) FROM sqlite_schema", &n_tables, error)
      || !read_int_pragma (self, "SELECT count(*) FROM sqlite_schema WHERE type IN ('view', 'trigger')",
                           &n_code, error))
    return FALSE;
  self->opened_version = version;

  /* Copyist never writes views or triggers. A file that has them was made
   * by something else, and opening it would run its SQL: a view named
   * like one of our tables, or a trigger on every edit, can loop forever
   * (found by tests/fuzz/fuzz-project). */
  if (n_code > 0)
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_NOT_A_PROJECT, "%s: %s",
                   self->path, _("the file contains views or triggers, which Copyist never writes; "
                                 "it was not opened, so that no SQL stored in it runs"));
      return FALSE;
    }

  if (n_tables > 0 && app_id != COPYIST_PROJECT_APPLICATION_ID)
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_NOT_A_PROJECT, "%s: %s",
                   self->path, _("this is an SQLite database, but not a Copyist project"));
      return FALSE;
    }
  if (version > COPYIST_PROJECT_SCHEMA_VERSION)
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_TOO_NEW,
                   _("%s: this project was saved by a newer version of Copyist (project format %d; "
                     "this version reads up to %d); it was not changed"),
                   self->path, version, COPYIST_PROJECT_SCHEMA_VERSION);
      return FALSE;
    }
  if (sqlite3_db_readonly (self->db, "main") == 1)
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_READ_ONLY, "%s: %s",
                   self->path, _("the project file is read-only; copy it somewhere writable to work on it"));
      return FALSE;
    }

  /* WAL: readers never block the writer, and a commit is one append.
   * synchronous=NORMAL in WAL mode never corrupts the database and loses
   * nothing on a process crash (SIGKILL): a commit is in the OS once
   * sqlite3_step returns; only a power cut may lose the last commits. */
  if (!project_exec (self, "PRAGMA journal_mode = WAL", error)
      || !project_exec (self, "PRAGMA synchronous = NORMAL", error)
      || !project_exec (self, "PRAGMA foreign_keys = ON", error)
      || !project_exec (self, "PRAGMA temp_store = MEMORY", error)
      || !project_exec (self, "PRAGMA cache_size = -16000", error))
    return FALSE;

  if (version < COPYIST_PROJECT_SCHEMA_VERSION && !project_migrate (self, version, error))
    return FALSE;

  return project_refresh_history_state (self, error);
}

CopyistProject *
copyist_project_open (GFile *file, gboolean create, GError **error)
{
  g_autoptr(CopyistProject) self = NULL;
  gboolean exists, empty = FALSE;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (COPYIST_TYPE_PROJECT, NULL);
  self->file = g_object_ref (file);
  self->path = g_file_get_path (file);
  if (self->path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_INVALID, "%s: %s", uri,
                   _("a project must be a local file"));
      return NULL;
    }

  exists = g_file_test (self->path, G_FILE_TEST_EXISTS);
  if (exists && g_file_test (self->path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_NOT_A_PROJECT, "%s: %s",
                   self->path, _("this is a folder, not a project file"));
      return NULL;
    }
  if (!exists && !create)
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_NOT_FOUND, "%s: %s",
                   self->path, _("no such project file"));
      return NULL;
    }
  if (exists && !check_file_header (self->path, &empty, error))
    return NULL;
  if (!check_writable (self->path, exists, error))
    return NULL;
  if (exists && empty && !create)
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_NOT_A_PROJECT, "%s: %s",
                   self->path, _("the file is empty, not a Copyist project"));
      return NULL;
    }

  if (!project_open_db (self, exists && !empty, error))
    {
      copyist_project_close (self, NULL);
      return NULL;
    }
  return g_steal_pointer (&self);
}

gboolean
copyist_project_close (CopyistProject *self, GError **error)
{
  int rc;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  if (self->db == NULL)
    return TRUE;
  g_hash_table_remove_all (self->stmts);
  rc = sqlite3_close (self->db);
  if (rc != SQLITE_OK)
    {
      project_set_error (self, error, rc, _("closing the project"));
      sqlite3_close_v2 (self->db);
    }
  self->db = NULL;
  return rc == SQLITE_OK;
}

GFile *
copyist_project_get_file (CopyistProject *self)
{
  g_return_val_if_fail (COPYIST_IS_PROJECT (self), NULL);
  return self->file;
}

gboolean
copyist_project_check (CopyistProject *self, GError **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *first = NULL;
  int rc;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  stmt = project_stmt (self, "PRAGMA integrity_check (5)", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    first = project_column_dup (stmt, 0);
  else
    project_set_error (self, error, sqlite3_extended_errcode (self->db), _("checking the project"));
  sqlite3_reset (stmt);
  if (first == NULL)
    return FALSE;
  if (strcmp (first, "ok") == 0)
    return TRUE;
  g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_CORRUPT, "%s: %s (%s)", self->path,
               _("the project file is damaged"), first);
  return FALSE;
}

int
copyist_project_get_opened_schema_version (CopyistProject *self)
{
  g_return_val_if_fail (COPYIST_IS_PROJECT (self), 0);
  return self->opened_version;
}

gboolean
copyist_project_can_undo (CopyistProject *self)
{
  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  return self->can_undo;
}

gboolean
copyist_project_can_redo (CopyistProject *self)
{
  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  return self->can_redo;
}

const char *
copyist_project_get_undo_label (CopyistProject *self)
{
  g_return_val_if_fail (COPYIST_IS_PROJECT (self), NULL);
  return self->undo_label;
}

const char *
copyist_project_get_redo_label (CopyistProject *self)
{
  g_return_val_if_fail (COPYIST_IS_PROJECT (self), NULL);
  return self->redo_label;
}

/* ---- meta and column mappings (single statements: autocommit) ---- */

gboolean
copyist_project_set_meta (CopyistProject *self, const char *key, const char *value, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  if (value == NULL)
    stmt = project_stmt (self, "DELETE FROM meta WHERE key = ?1", error);
  else
    stmt = project_stmt (self, "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return project_step_done (self, stmt, _("saving a setting"), error);
}

static char *
select_one_text (CopyistProject *self, sqlite3_stmt *stmt, const char *what, GError **error)
{
  int rc = sqlite3_step (stmt);
  char *result = NULL;

  if (rc == SQLITE_ROW)
    result = project_column_dup (stmt, 0);
  else if (rc != SQLITE_DONE)
    project_set_error (self, error, sqlite3_extended_errcode (self->db), what);
  sqlite3_reset (stmt);
  return result;
}

char *
copyist_project_get_meta (CopyistProject *self, const char *key, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), NULL);
  stmt = project_stmt (self, "SELECT value FROM meta WHERE key = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  return select_one_text (self, stmt, _("reading a setting"), error);
}

gboolean
copyist_project_save_mapping (CopyistProject *self, const char *source_format,
                              const char *header_signature, const char *mapping_json, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  stmt = project_stmt (self, "INSERT INTO mapping (source_format, signature, mapping, saved) "
                             "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (source_format, signature) "
                             "DO UPDATE SET mapping = excluded.mapping, saved = excluded.saved", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, source_format ? source_format : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, header_signature ? header_signature : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, mapping_json ? mapping_json : "{}", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, project_now ());
  return project_step_done (self, stmt, _("saving the column mapping"), error);
}

char *
copyist_project_load_mapping (CopyistProject *self, const char *source_format,
                              const char *header_signature, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), NULL);
  stmt = project_stmt (self, "SELECT mapping FROM mapping WHERE source_format = ?1 AND signature = ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, source_format ? source_format : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, header_signature ? header_signature : "", -1, SQLITE_STATIC);
  return select_one_text (self, stmt, _("reading the column mapping"), error);
}
