/* test-faults.c — forced failures, SQLite's habit (test/malloc*.test):
 * an import, a training run and an export are each repeated with the N-th
 * allocation failing, N = 1, 2, 3 … until the operation no longer reaches
 * an N-th allocation; the import and the training again with the N-th
 * write (or sync) of the project failing (an export only reads the
 * project; its own file is written to a temporary file and renamed, see
 * test-app-export).
 *
 * Fallible allocations are the ones the code checks:
 *   - SQLite's, through sqlite3_config (SQLITE_CONFIG_MALLOC) with a
 *     wrapper of SQLite's own allocator;
 *   - the engine's malloc/calloc/realloc, through the linker
 *     (-Wl,--wrap=malloc … on this test only: every call the static engine
 *     and core libraries make goes through __wrap_malloc here).
 * GLib's g_malloc aborts on failure by design and is not injected.
 *
 * Every N must end in a clean error (a GError with a message, not a
 * crash), leave no SQLite memory behind (sqlite3_memory_used back to its
 * baseline; LeakSanitizer checks everything else in the ASan build), and
 * leave the project passing PRAGMA integrity_check with its previously
 * committed content exactly as it was. The counts of failure points are
 * printed as TAP diagnostics. */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <libxml/xmlmemory.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "copyist-export.h"
#include "copyist-generator.h"
#include "copyist-import.h"
#include "copyist-project.h"
#include "copyist-table.h"

#include "test-util.h"

/* ---- the injector ---------------------------------------------------------- */

typedef enum { SOURCE_SQLITE, SOURCE_ENGINE, N_SOURCES } AllocSource;

static int alloc_countdown;            /* > 0: armed; the allocation that brings it to 0 fails */
static int alloc_fired = -1;           /* the source of the failure injected, or -1 */
static guint alloc_seen[N_SOURCES];    /* allocations counted while armed */

static gboolean
alloc_should_fail (AllocSource source)
{
  if (alloc_countdown <= 0)
    return FALSE;
  alloc_seen[source]++;
  if (--alloc_countdown > 0)
    return FALSE;
  alloc_fired = (int) source;
  return TRUE;
}

static void
alloc_arm (int n)
{
  alloc_countdown = n;
  alloc_fired = -1;
}

/* Returns the source that failed (or -1: the operation never reached N). */
static int
alloc_disarm (void)
{
  alloc_countdown = 0;
  return alloc_fired;
}

/* The engine's (and core's) C library allocations. */
void *__real_malloc (size_t size);
void *__real_calloc (size_t n, size_t size);
void *__real_realloc (void *p, size_t size);
void *__wrap_malloc (size_t size);
void *__wrap_calloc (size_t n, size_t size);
void *__wrap_realloc (void *p, size_t size);

void *
__wrap_malloc (size_t size)
{
  return alloc_should_fail (SOURCE_ENGINE) ? NULL : __real_malloc (size);
}

void *
__wrap_calloc (size_t n, size_t size)
{
  return alloc_should_fail (SOURCE_ENGINE) ? NULL : __real_calloc (n, size);
}

void *
__wrap_realloc (void *p, size_t size)
{
  return alloc_should_fail (SOURCE_ENGINE) ? NULL : __real_realloc (p, size);
}

/* fsync as the core library calls it (SQLite's own syncs go through its
 * VFS, replaced by the test VFS below): counted, and failing with
 * fsync_fail_errno when that is set. */
int __real_fsync (int fd);
int __wrap_fsync (int fd);
static int fsync_fail_errno;
static guint fsync_calls;

int
__wrap_fsync (int fd)
{
  fsync_calls++;
  if (fsync_fail_errno != 0)
    {
      errno = fsync_fail_errno;
      return -1;
    }
  return __real_fsync (fd);
}

/* libxml2's allocator (xmlMemSetup, before the parser is first used): the
 * XLSX and ODS readers parse every part through it. */
static int xml_countdown;              /* > 0: armed; the allocation that brings it to 0 fails */
static gboolean xml_fired;
static guint xml_seen;

static gboolean
xml_should_fail (void)
{
  if (xml_countdown <= 0)
    return FALSE;
  xml_seen++;
  if (--xml_countdown > 0)
    return FALSE;
  xml_fired = TRUE;
  return TRUE;
}

static void *
xml_malloc_cb (size_t n)
{
  return xml_should_fail () ? NULL : malloc (n);
}

static void *
xml_realloc_cb (void *p, size_t n)
{
  return xml_should_fail () ? NULL : realloc (p, n);
}

static char *
xml_strdup_cb (const char *str)
{
  return xml_should_fail () ? NULL : strdup (str);
}

/* LeakSanitizer, this test only: libxml2 2.9.14's xmlCreateIOParserCtxt
 * leaks the input buffer it has just allocated when a later allocation of
 * the parser context fails (one of the failures injected above; the
 * readers free every context they get). libxml2 has no frame pointers, so
 * the reports end at these libxml2 frames. Added to tests/lsan.supp. */
const char *__lsan_default_suppressions (void);

const char *
__lsan_default_suppressions (void)
{
  return "leak:xmlAllocParserInputBuffer\n"
         "leak:xmlBufCreateSize\n";
}

/* SQLite's allocator, wrapped. */
static sqlite3_mem_methods sqlite_real;

static void *
sqlite_malloc_cb (int n)
{
  return alloc_should_fail (SOURCE_SQLITE) ? NULL : sqlite_real.xMalloc (n);
}

static void *
sqlite_realloc_cb (void *p, int n)
{
  return alloc_should_fail (SOURCE_SQLITE) ? NULL : sqlite_real.xRealloc (p, n);
}

static void
install_sqlite_allocator (void)
{
  sqlite3_mem_methods m;

  g_assert_cmpint (sqlite3_config (SQLITE_CONFIG_GETMALLOC, &sqlite_real), ==, SQLITE_OK);
  m = sqlite_real;
  m.xMalloc = sqlite_malloc_cb;
  m.xRealloc = sqlite_realloc_cb;
  g_assert_cmpint (sqlite3_config (SQLITE_CONFIG_MALLOC, &m), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 1), ==, SQLITE_OK);
  /* No lookaside: every SQLite allocation reaches the injector. */
  g_assert_cmpint (sqlite3_config (SQLITE_CONFIG_LOOKASIDE, 0, 0), ==, SQLITE_OK);
}

/* ---- the fixture: a project with committed content ------------------------- */

typedef struct {
  char *dir;
  char *pristine;     /* the project as committed before any fault */
  char *work;         /* the copy each attempt runs on */
  char *csv;          /* the spreadsheet imported */
  char *export_path;  /* an earlier export that a failed export must leave alone */
  char *before;       /* fingerprint of the pristine project */
} Fixture;

static const char *const colours[] = { "red", "blue", "green", "black" };
static const char *const materials[] = { "cotton", "linen", "wool" };

static void
write_csv (const char *path, guint first, guint n)
{
  g_autoptr(GString) s = g_string_new ("SKU,Title,Color,Material,Description\n");
  g_autoptr(GError) error = NULL;

  for (guint i = first; i < first + n; i++)
    {
      const char *c = colours[i % G_N_ELEMENTS (colours)], *m = materials[i % G_N_ELEMENTS (materials)];
      g_string_append_printf (s, "S%03u,%s %s shirt,%s,%s,\"A %s shirt in soft %s, cut for every day.\"\n",
                              i, c, m, c, m, c, m);
    }
  g_assert_true (g_file_set_contents (path, s->str, (gssize) s->len, &error));
  g_assert_no_error (error);
}

static void
remove_project_files (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_remove (path);
  g_remove (wal);
  g_remove (shm);
}

static void
copy_file (const char *from, const char *to)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (from, &data, &len, &error));
  g_assert_true (g_file_set_contents (to, data, (gssize) len, &error));
  g_assert_no_error (error);
}

/* Everything committed in the project at PATH, as one string; asserts the
 * file opens and passes PRAGMA integrity_check. No fault is armed here. */
static char *
fingerprint (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(CopyistProject) project = copyist_project_open (file, FALSE, &error);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) models = NULL;
  GString *s = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_true (copyist_project_check (project, &error));
  g_assert_no_error (error);
  records = copyist_project_dup_records (project, NULL, FALSE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    {
      const CopyistRecord *r = g_ptr_array_index (records, i);
      g_string_append_printf (s, "%s|%s|%s|%s\n", r->sku, r->title, r->description ? r->description : "",
                              copyist_record_get_attribute (r, "color"));
    }
  models = copyist_project_list_models (project, &error);
  g_assert_no_error (error);
  g_string_append_printf (s, "models %u; undo %s\n", models->len,
                          copyist_project_get_undo_label (project) ? copyist_project_get_undo_label (project) : "-");
  g_assert_true (copyist_project_close (project, &error));
  g_assert_no_error (error);
  return g_string_free (s, FALSE);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv0 = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) csv_file = NULL;
  g_autoptr(GPtrArray) records = NULL;
  CopyistProject *project;

  (void) data;
  f->dir = g_dir_make_tmp ("copyist-faults-XXXXXX", &error);
  g_assert_no_error (error);
  f->pristine = g_build_filename (f->dir, "pristine.copyist", NULL);
  f->work = g_build_filename (f->dir, "work.copyist", NULL);
  f->csv = g_build_filename (f->dir, "more.csv", NULL);
  f->export_path = g_build_filename (f->dir, "export.csv", NULL);
  csv0 = g_build_filename (f->dir, "first.csv", NULL);

  /* Committed content: 12 products (so a model can train) and a hand edit. */
  write_csv (csv0, 0, 12);
  write_csv (f->csv, 8, 8);   /* 4 updates, 4 new products */
  file = g_file_new_for_path (f->pristine);
  csv_file = g_file_new_for_path (csv0);
  project = copyist_project_open (file, TRUE, &error);
  g_assert_no_error (error);
  records = copyist_import_file (csv_file, NULL, NULL, COPYIST_IMPORT_FLAVOR_AUTO, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (copyist_project_import_records (project, records, COPYIST_IMPORT_UPDATE_OR_CREATE, NULL, &error));
  g_assert_no_error (error);
  {
    const CopyistRecord *r = g_ptr_array_index (records, 9);
    g_assert_true (copyist_project_set_text (project, r->id, COPYIST_FIELD_DESCRIPTION,
                                             "Written by hand: keep me.", NULL, &error));
    g_assert_no_error (error);
  }
  g_assert_true (copyist_project_close (project, &error));
  g_assert_no_error (error);
  g_object_unref (project);
  f->before = fingerprint (f->pristine);
  g_assert_nonnull (strstr (f->before, "Written by hand: keep me."));
  g_assert_true (g_file_set_contents (f->export_path, "an earlier export\n", -1, &error));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  (void) data;
  copyist_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->pristine);
  g_free (f->work);
  g_free (f->csv);
  g_free (f->export_path);
  g_free (f->before);
}

/* ---- the operations ------------------------------------------------------- */

typedef gboolean (*Operation) (Fixture *f, GError **error);

static gboolean
close_project (CopyistProject *project, gboolean ok, GError **error)
{
  /* Closing is part of the operation: its error counts when nothing failed before. */
  if (!copyist_project_close (project, ok ? error : NULL))
    ok = FALSE;
  g_object_unref (project);
  return ok;
}

static gboolean
op_import (Fixture *f, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (f->work);
  g_autoptr(GFile) csv = g_file_new_for_path (f->csv);
  g_autoptr(GPtrArray) records = NULL;
  CopyistProject *project = copyist_project_open (file, FALSE, error);
  gboolean ok;

  if (project == NULL)
    return FALSE;
  records = copyist_import_file (csv, NULL, NULL, COPYIST_IMPORT_FLAVOR_AUTO, NULL, NULL, error);
  ok = records != NULL
       && copyist_project_import_records (project, records, COPYIST_IMPORT_UPDATE_OR_CREATE, NULL, error);
  return close_project (project, ok, error);
}

static gboolean
op_train (Fixture *f, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (f->work);
  CopyistProject *project = copyist_project_open (file, FALSE, error);
  CopyistTrainSettings settings;
  CopyistTrainJob *job;
  gboolean ok;

  if (project == NULL)
    return FALSE;
  /* A training step: one epoch of a tiny model (a few batches). */
  copyist_train_settings_init (&settings, CE_MODEL_CVAE, COPYIST_FIELD_DESCRIPTION);
  settings.minutes = 0;
  settings.epochs = 1;
  settings.hidden = 8;
  job = copyist_train_job_new (project, &settings, error);
  ok = job != NULL && copyist_train_job_run (job, NULL, NULL, NULL, error)
       && copyist_train_job_store (job, project, NULL, error);
  copyist_train_job_free (job);
  return close_project (project, ok, error);
}

static gboolean
op_export (Fixture *f, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (f->work);
  g_autoptr(GFile) out = g_file_new_for_path (f->export_path);
  g_autoptr(GPtrArray) records = NULL;
  CopyistProject *project = copyist_project_open (file, FALSE, error);
  gboolean ok;

  if (project == NULL)
    return FALSE;
  records = copyist_project_dup_records (project, NULL, FALSE, error);
  ok = records != NULL && copyist_export_write (records, NULL, out, NULL, error);
  return close_project (project, ok, error);
}

/* ---- stepping N ----------------------------------------------------------- */

typedef enum { FAULT_ALLOC, FAULT_WRITE } FaultKind;

typedef struct {
  guint points;            /* failure points stepped through */
  guint by_source[N_SOURCES];
  guint clean_errors;      /* ended in a GError */
  guint absorbed;          /* the failure was handled inside (SQLite retries, a benign failure) and the
                              operation succeeded */
} Tally;

static gboolean
export_untouched (Fixture *f)
{
  g_autofree char *data = NULL;
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  g_assert_true (g_file_get_contents (f->export_path, &data, NULL, NULL));
  /* No temporary file left behind. */
  while ((name = g_dir_read_name (d)) != NULL)
    g_assert_false (g_str_has_prefix (name, ".export") || strstr (name, ".tmp") != NULL
                    || strstr (name, "XXXXXX") != NULL);
  return g_str_equal (data, "an earlier export\n");
}

static void
step_through (Fixture *f, Operation op, FaultKind kind, const char *name, gboolean writes_project)
{
  g_autofree char *after_ok = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3_int64 baseline;
  Tally t = { 0 };
  int n;

  /* A clean run first: what success looks like. */
  remove_project_files (f->work);
  copy_file (f->pristine, f->work);
  g_assert_true (op (f, &error));
  g_assert_no_error (error);
  after_ok = fingerprint (f->work);
  if (writes_project)
    g_assert_cmpstr (after_ok, !=, f->before);
  else
    g_assert_cmpstr (after_ok, ==, f->before);
  baseline = sqlite3_memory_used ();

  for (n = 1;; n++)
    {
      g_autofree char *after = NULL;
      gboolean ok;
      int fired;

      remove_project_files (f->work);
      copy_file (f->pristine, f->work);
      if (op == op_export)
        {
          g_remove (f->export_path);   /* a new file: g_file_set_contents skips its fsync */
          g_assert_true (g_file_set_contents (f->export_path, "an earlier export\n", -1, NULL));
        }
      if (kind == FAULT_ALLOC)
        alloc_arm (n);
      else
        {
          copyist_test_vfs_reset_count ();
          copyist_test_vfs_fail_at (n);
        }
      ok = op (f, &error);
      if (kind == FAULT_ALLOC)
        fired = alloc_disarm ();
      else
        {
          copyist_test_vfs_fail_at (0);
          fired = copyist_test_vfs_failures () > 0 ? 0 : -1;
        }
      if (fired < 0)
        {
          /* The operation finished before an N-th allocation/write: done. */
          g_assert_no_error (error);
          g_assert_true (ok);
          break;
        }
      t.points++;
      if (kind == FAULT_ALLOC)
        t.by_source[fired]++;
      /* No SQLite memory outlives the connection. */
      g_assert_cmpint (sqlite3_memory_used (), ==, baseline);
      after = fingerprint (f->work);
      if (ok)
        {
          g_assert_no_error (error);
          if (!g_str_equal (after, after_ok) && !g_str_equal (after, f->before))
            g_error ("%s, N=%d: succeeded with a different result:\n%s\ninstead of\n%s", name, n, after, after_ok);
          t.absorbed++;
        }
      else
        {
          g_assert_nonnull (error);
          g_assert_nonnull (error->message);
          g_assert_cmpuint (strlen (error->message), >, 0);
          if (g_test_verbose ())
            g_test_message ("%s, N=%d: %s", name, n, error->message);
          g_clear_error (&error);
          /* Previously committed content intact, nothing half-done. */
          g_assert_cmpstr (after, ==, f->before);
          if (op == op_export)
            g_assert_true (export_untouched (f));
          t.clean_errors++;
        }
    }
  if (kind == FAULT_ALLOC)
    g_test_message ("%s: %u allocation failure points stepped through (%u SQLite, %u engine): "
                    "%u clean errors, %u absorbed; project intact every time",
                    name, t.points, t.by_source[SOURCE_SQLITE], t.by_source[SOURCE_ENGINE],
                    t.clean_errors, t.absorbed);
  else
    g_test_message ("%s: %u write/sync failure points stepped through: %u clean errors, %u absorbed; "
                    "project intact every time", name, t.points, t.clean_errors, t.absorbed);
  if (kind == FAULT_ALLOC)
    g_assert_cmpuint (t.points, >, 10);
  else if (writes_project)
    g_assert_cmpuint (t.points, >, 1);
}

static void
test_alloc_import (Fixture *f, gconstpointer data)
{
  (void) data;
  step_through (f, op_import, FAULT_ALLOC, "import", TRUE);
}

static void
test_alloc_train (Fixture *f, gconstpointer data)
{
  (void) data;
  step_through (f, op_train, FAULT_ALLOC, "training", TRUE);
}

static void
test_alloc_export (Fixture *f, gconstpointer data)
{
  (void) data;
  step_through (f, op_export, FAULT_ALLOC, "export", FALSE);
}

static void
test_write_import (Fixture *f, gconstpointer data)
{
  (void) data;
  step_through (f, op_import, FAULT_WRITE, "import", TRUE);
}

static void
test_write_train (Fixture *f, gconstpointer data)
{
  (void) data;
  step_through (f, op_train, FAULT_WRITE, "training", TRUE);
}

/* The committed products of the fixture's project, and export options
 * for an XLSX file. */
static GPtrArray *
pristine_records_for_xlsx (Fixture *f, CopyistExportOptions *opts /* OUT */)
{
  g_autoptr(GFile) file = g_file_new_for_path (f->pristine);
  g_autoptr(GError) error = NULL;
  CopyistProject *project = copyist_project_open (file, FALSE, &error);
  GPtrArray *records;

  g_assert_no_error (error);
  records = copyist_project_dup_records (project, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (close_project (project, TRUE, &error));
  g_assert_no_error (error);
  copyist_export_options_init (opts);
  opts->format = COPYIST_EXPORT_XLSX;
  return records;
}

/* The XLSX export (libxlsxwriter writes the zip itself) syncs its
 * temporary file before the rename, and a failing sync is a clean error
 * that leaves the earlier export as it was and no temporary file. */
static void
test_sync_export_xlsx (Fixture *f, gconstpointer data)
{
  g_autofree char *xlsx = g_build_filename (f->dir, "export.xlsx", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (xlsx);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_after = NULL;
  CopyistExportOptions opts;
  gsize len = 0;

  (void) data;
  records = pristine_records_for_xlsx (f, &opts);
  g_assert_true (g_file_set_contents (xlsx, "an earlier export\n", -1, &error));

  fsync_calls = 0;
  fsync_fail_errno = EIO;
  g_assert_false (copyist_export_write (records, &opts, out, NULL, &error));
  fsync_fail_errno = 0;
  g_assert_error (error, COPYIST_EXPORT_ERROR, COPYIST_EXPORT_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, "export.xlsx"));
  g_assert_nonnull (strstr (error->message, g_strerror (EIO)));
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_cmpuint (fsync_calls, ==, 1);
  g_assert_true (g_file_get_contents (xlsx, &data_after, NULL, NULL));
  g_assert_cmpstr (data_after, ==, "an earlier export\n");
  g_clear_pointer (&data_after, g_free);
  g_assert_true (export_untouched (f));

  /* Unhindered: the file and its folder are synced, the export replaced. */
  fsync_calls = 0;
  g_assert_true (copyist_export_write (records, &opts, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fsync_calls, ==, 2);
  g_assert_true (g_file_get_contents (xlsx, &data_after, &len, NULL));
  g_assert_cmpuint (len, >, 4);
  g_assert_true (data_after[0] == 'P' && data_after[1] == 'K');
  g_assert_true (export_untouched (f));
}

/* A run that diverges (a learning rate of 1e30: every update overflows)
 * ends in a clean outcome at the app level: an error naming the
 * divergence and nothing stored, or the best epoch kept with a notice
 * saying why training stopped; the project's earlier content is intact. */
static void
test_numeric_train (Fixture *f, gconstpointer data)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  CopyistTrainSettings settings;
  CopyistTrainJob *job;
  CopyistProject *project;
  gboolean ok;

  (void) data;
  remove_project_files (f->work);
  copy_file (f->pristine, f->work);
  file = g_file_new_for_path (f->work);
  project = copyist_project_open (file, FALSE, &error);
  g_assert_no_error (error);
  copyist_train_settings_init (&settings, CE_MODEL_CVAE, COPYIST_FIELD_DESCRIPTION);
  settings.minutes = 0;
  settings.epochs = 200;
  settings.hidden = 8;
  settings.lr = 1e30;
  job = copyist_train_job_new (project, &settings, &error);
  g_assert_no_error (error);
  ok = copyist_train_job_run (job, NULL, NULL, NULL, &error);
  g_assert_cmpint (copyist_train_job_get_numeric_recoveries (job), >=, 10);
  if (ok)
    {
      /* Kept the best epoch: the notice says why it stopped early. */
      g_assert_no_error (error);
      g_assert_nonnull (copyist_train_job_get_notice (job));
      g_assert_nonnull (strstr (copyist_train_job_get_notice (job), "NaN"));
      g_test_message ("kept: %s", copyist_train_job_get_notice (job));
    }
  else
    {
      g_assert_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_ENGINE);
      g_assert_nonnull (strstr (error->message, "diverged"));
      g_test_message ("refused: %s", error->message);
      g_clear_error (&error);
    }
  copyist_train_job_free (job);
  g_assert_true (copyist_project_close (project, &error));
  g_assert_no_error (error);
  g_object_unref (project);
  after = fingerprint (f->work);
  g_assert_cmpstr (after, ==, f->before);
}

static gboolean
tables_equal (const CopyistTable *a, const CopyistTable *b)
{
  if (a->n_columns != b->n_columns || a->rows->len != b->rows->len)
    return FALSE;
  for (guint c = 0; c < a->n_columns; c++)
    if (g_strcmp0 (a->headers[c], b->headers[c]) != 0)
      return FALSE;
  for (guint r = 0; r < a->rows->len; r++)
    for (guint c = 0; c < a->n_columns; c++)
      if (g_strcmp0 (copyist_table_get (a, r, c), copyist_table_get (b, r, c)) != 0)
        return FALSE;
  return TRUE;
}

/* Reading an XLSX with the N-th libxml2 allocation failing, N = 1, 2, …:
 * each run ends in a clean error naming the file, or in the very table a
 * clean read gives (a failure libxml2 absorbed) — never a table missing
 * what the failed allocation held. LeakSanitizer checks the error paths in
 * the sanitizer build. */
static void
test_alloc_read_xlsx (Fixture *f, gconstpointer data)
{
  g_autofree char *xlsx = g_build_filename (f->dir, "products.xlsx", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (xlsx);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CopyistTable) clean = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *contents = NULL;
  CopyistExportOptions opts;
  guint errors = 0, absorbed = 0;
  gsize len;
  int n;

  (void) data;
  records = pristine_records_for_xlsx (f, &opts);
  g_assert_true (copyist_export_write (records, &opts, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (xlsx, &contents, &len, &error));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);

  clean = copyist_table_read_bytes (bytes, "products.xlsx", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (clean->rows->len, ==, 12);

  for (n = 1;; n++)
    {
      g_autoptr(CopyistTable) t = NULL;

      xml_countdown = n;
      xml_fired = FALSE;
      t = copyist_table_read_bytes (bytes, "products.xlsx", NULL, NULL, &error);
      xml_countdown = 0;
      if (!xml_fired)
        {
          /* Past the last allocation: a clean read again. */
          g_assert_no_error (error);
          g_assert_true (tables_equal (t, clean));
          break;
        }
      if (t == NULL)
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == COPYIST_TABLE_ERROR || error->domain == G_IO_ERROR);
          g_assert_nonnull (strstr (error->message, "products.xlsx"));
          if (g_test_verbose ())
            g_test_message ("N=%d: %s", n, error->message);
          g_clear_error (&error);
          errors++;
        }
      else
        {
          g_assert_no_error (error);
          if (!tables_equal (t, clean))
            g_error ("N=%d: the read lost data to a failed allocation and said nothing", n);
          absorbed++;
        }
    }
  g_test_message ("XLSX read: %d libxml2 allocation failure points: %u clean errors, %u absorbed with the same table",
                  n - 1, errors, absorbed);
  g_assert_cmpint (n, >, 10);
}

int
main (int argc, char **argv)
{
  /* Before SQLite initialises: its allocator can only be replaced then. */
  install_sqlite_allocator ();
  g_assert_cmpint (xmlMemSetup (free, xml_malloc_cb, xml_realloc_cb, xml_strdup_cb), ==, 0);
  copyist_test_vfs_install ();
  copyist_test_vfs_skip_syncs (TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/app/faults/alloc/import", Fixture, NULL, fixture_set_up, test_alloc_import, fixture_tear_down);
  g_test_add ("/app/faults/alloc/train", Fixture, NULL, fixture_set_up, test_alloc_train, fixture_tear_down);
  g_test_add ("/app/faults/alloc/export", Fixture, NULL, fixture_set_up, test_alloc_export, fixture_tear_down);
  g_test_add ("/app/faults/write/import", Fixture, NULL, fixture_set_up, test_write_import, fixture_tear_down);
  g_test_add ("/app/faults/write/train", Fixture, NULL, fixture_set_up, test_write_train, fixture_tear_down);
  g_test_add ("/app/faults/alloc/read-xlsx", Fixture, NULL, fixture_set_up, test_alloc_read_xlsx, fixture_tear_down);
  g_test_add ("/app/faults/numeric/train", Fixture, NULL, fixture_set_up, test_numeric_train, fixture_tear_down);
  g_test_add ("/app/faults/sync/export-xlsx", Fixture, NULL, fixture_set_up, test_sync_export_xlsx, fixture_tear_down);
  return g_test_run ();
}
