/* fuzz-project.c — the project opener (app/copyist-project*.c) under
 * libFuzzer: a project file from somewhere else, with a hostile schema or
 * hostile contents.
 *
 * An input that starts with the SQLite header is the database file itself.
 * Any other input is an SQL script that the harness runs on an empty
 * database to build the file (mutating SQL reaches far more schemas and
 * contents than mutating B-tree pages); the script runs with ATTACH and
 * VACUUM INTO denied (it must not write elsewhere) and a step budget.
 *
 * The file is then opened as Copyist opens it (header check, migrations),
 * and a session runs over it: counts, every product's record and texts,
 * the exports, the product list model, models, runs, meta,
 * mappings, one edit with undo and redo, and the integrity check. Any failure must be a GError with a
 * message; nothing may crash, leak or hang. */
#include "config.h"

#include <gio/gio.h>
#include <sqlite3.h>

#include "copyist-export.h"
#include "copyist-mapping.h"
#include "copyist-product-list.h"
#include "copyist-project.h"
#include "fuzz-util.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_abort_on_glib_warnings ();
  return 0;
}

static int
deny_outside_cb (void *data, int action, const char *a, const char *b, const char *c, const char *d)
{
  if (action == SQLITE_ATTACH || action == SQLITE_DETACH)
    return SQLITE_DENY;
  /* VACUUM INTO writes a file of the script's choosing. */
  if (action == SQLITE_TRANSACTION && a != NULL && g_ascii_strcasecmp (a, "VACUUM") == 0)
    return SQLITE_DENY;
  if (action == SQLITE_FUNCTION && b != NULL
      && (g_ascii_strcasecmp (b, "load_extension") == 0 || g_ascii_strcasecmp (b, "readfile") == 0
          || g_ascii_strcasecmp (b, "writefile") == 0))
    return SQLITE_DENY;
  return SQLITE_OK;
}

static int
step_budget_cb (void *data)
{
  return ++*(int *) data > 2000;   /* x 1000 VM steps */
}

static void
build_from_sql (const char *path, const uint8_t *data, size_t size)
{
  sqlite3 *db = NULL;
  int budget = 0;
  char *sql = g_strndup ((const char *) data, size);

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    abort ();
  sqlite3_set_authorizer (db, deny_outside_cb, NULL);
  sqlite3_progress_handler (db, 1000, step_budget_cb, &budget);
  sqlite3_limit (db, SQLITE_LIMIT_LENGTH, 1 << 20);
  /* Errors are part of the game: whatever the script built is the file. */
  sqlite3_exec (db, sql, NULL, NULL, NULL);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close_v2 (db);
  g_free (sql);
}

static void
expect_error (GError *error, const char *what)
{
  if (error == NULL || error->message == NULL || error->message[0] == '\0')
    {
      fprintf (stderr, "%s failed without a message\n", what);
      abort ();
    }
}

static void
session (CopyistProject *p)
{
  g_autoptr(GError) error = NULL;
  gint64 counts[COPYIST_PRODUCT_STATUS_APPROVED + 1];

  if (copyist_project_count_products (p, &error) < 0)
    expect_error (error, "count_products");
  g_clear_error (&error);
  if (!copyist_project_count_by_status (p, counts, &error))
    expect_error (error, "count_by_status");
  g_clear_error (&error);

  g_autoptr(GArray) ids = copyist_project_dup_product_ids (p, &error);
  if (ids == NULL)
    expect_error (error, "dup_product_ids");
  g_clear_error (&error);
  for (guint i = 0; ids != NULL && i < ids->len && i < 16; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      CopyistProductStatus status;
      CopyistRecord *r = copyist_project_get_record (p, id, &error);
      if (r == NULL)
        expect_error (error, "get_record");
      g_clear_error (&error);
      g_clear_pointer (&r, copyist_record_free);
      if (!copyist_project_get_status (p, id, &status, &error))
        expect_error (error, "get_status");
      g_clear_error (&error);
      for (int f = 0; f < 2; f++)
        {
          CopyistFieldState *st = copyist_project_get_field (p, id, f == 0 ? "description" : "adcopy", &error);
          if (st == NULL)
            expect_error (error, "get_field");
          g_clear_error (&error);
          g_clear_pointer (&st, copyist_field_state_free);
        }
    }
  {
    GPtrArray *all = copyist_project_dup_records (p, NULL, FALSE, &error);
    if (all == NULL)
      expect_error (error, "dup_records");
    g_clear_error (&error);
    /* Export writes the stored source rows back: every format but XLSX
     * (the same grid as CSV, written by libxlsxwriter: slow, and no reader). */
    for (int format = COPYIST_EXPORT_CSV; all != NULL && all->len > 0 && format <= COPYIST_EXPORT_WOOCOMMERCE; format++)
      {
        if (format == COPYIST_EXPORT_XLSX)
          continue;
        CopyistExportOptions opts;
        g_autofree char *path = g_strdup_printf ("%s/export.%d", fuzz_dir (), format);
        g_autoptr(GFile) out = g_file_new_for_path (path);
        copyist_export_options_init (&opts);
        opts.format = (CopyistExportFormat) format;
        if (!copyist_export_write (all, &opts, out, NULL, &error))
          expect_error (error, "export");
        g_clear_error (&error);
        unlink (path);
      }
    g_clear_pointer (&all, g_ptr_array_unref);
  }
  {
    g_autoptr(CopyistProductList) list = copyist_product_list_new (p);
    guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
    for (guint i = 0; i < n && i < 16; i++)
      {
        GObject *item = g_list_model_get_item (G_LIST_MODEL (list), i);
        g_clear_object (&item);
      }
    copyist_product_list_set_search (list, "a");
    n = g_list_model_get_n_items (G_LIST_MODEL (list));
    if (n > 0)
      {
        GObject *item = g_list_model_get_item (G_LIST_MODEL (list), 0);
        g_clear_object (&item);
      }
  }
  {
    GPtrArray *models = copyist_project_list_models (p, &error);
    if (models == NULL)
      expect_error (error, "list_models");
    g_clear_error (&error);
    for (guint i = 0; models != NULL && i < models->len && i < 4; i++)
      {
        CopyistModelInfo *m = g_ptr_array_index (models, i);
        GBytes *b = copyist_project_dup_model_bytes (p, m->id, &error);
        g_clear_error (&error);
        g_clear_pointer (&b, g_bytes_unref);
      }
    g_clear_pointer (&models, g_ptr_array_unref);
    GPtrArray *runs = copyist_project_list_runs (p, 0, &error);
    if (runs == NULL)
      expect_error (error, "list_runs");
    g_clear_error (&error);
    g_clear_pointer (&runs, g_ptr_array_unref);
  }
  {
    char *v = copyist_project_get_meta (p, "language", &error);
    g_clear_error (&error);
    g_free (v);
    char *json = copyist_project_load_mapping (p, "csv", "SKU\x1fName", &error);
    g_clear_error (&error);
    if (json != NULL)
      {
        CopyistMapping *m = copyist_mapping_from_json (json, &error);
        g_clear_error (&error);
        g_clear_pointer (&m, copyist_mapping_free);
      }
    g_free (json);
  }
  (void) copyist_project_get_undo_label (p);
  (void) copyist_project_get_redo_label (p);
  if (copyist_project_can_undo (p) && !copyist_project_undo (p, &error))
    expect_error (error, "undo");
  g_clear_error (&error);
  if (ids != NULL && ids->len > 0)
    {
      gint64 id = g_array_index (ids, gint64, 0);
      if (copyist_project_set_text (p, id, "description", "A hand edit.", NULL, &error))
        {
          if (!copyist_project_undo (p, &error))
            expect_error (error, "undo of the edit");
          g_clear_error (&error);
          if (copyist_project_can_redo (p) && !copyist_project_redo (p, &error))
            expect_error (error, "redo");
        }
      else
        expect_error (error, "set_text");
      g_clear_error (&error);
    }
  if (!copyist_project_check (p, &error))
    expect_error (error, "check");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char header[16] = "SQLite format 3";
  char path[512];
  g_autoptr(GError) error = NULL;

  if (size >= sizeof header && memcmp (data, header, sizeof header) == 0)
    fuzz_write_file ("p.copyist", data, size, path, sizeof path);
  else
    {
      fuzz_write_file ("p.copyist", NULL, 0, path, sizeof path);
      unlink (path);
      build_from_sql (path, data, size);
    }

  g_autoptr(GFile) file = g_file_new_for_path (path);
  CopyistProject *p = copyist_project_open (file, FALSE, &error);
  if (p != NULL)
    {
      session (p);
      g_clear_error (&error);
      copyist_project_close (p, NULL);
      g_object_unref (p);
    }
  else
    expect_error (error, "open");

  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *f = g_strconcat (path, suffixes[i], NULL);
      unlink (f);
    }
  return 0;
}
