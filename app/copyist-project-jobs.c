/* copyist-project-jobs.c — the project writes that can take seconds (an
 * import of many products, undoing or redoing one) run in the job pool.
 *
 * A CopyistProject is main-thread only, so the job opens a second
 * connection to the same file (WAL: the window keeps reading its snapshot
 * meanwhile), runs the ordinary synchronous call there — one transaction,
 * one undo step, exactly as on the main thread — and closes it. The main
 * thread's project refuses new actions while the job writes (a clear BUSY
 * error instead of a five-second wait for the lock), and when the job ends
 * it re-reads the undo state and announces that every product may have
 * changed. Cancel rolls the transaction back: nothing is stored.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "copyist-project-private.h"

typedef enum { WRITE_IMPORT, WRITE_UNDO, WRITE_REDO } WriteKind;

/* The tag that marks this file's tasks. */
static const char write_tag[] = "copyist-project-write";

typedef struct {
  WriteKind          kind;
  GFile             *file;
  GPtrArray         *records;   /* WRITE_IMPORT */
  CopyistImportMode  mode;
} WriteWork;

static void
write_work_free (gpointer data)
{
  WriteWork *work = data;
  g_clear_object (&work->file);
  g_clear_pointer (&work->records, g_ptr_array_unref);
  g_free (work);
}

static void
report_free (gpointer data)
{
  CopyistImportReport *report = data;
  copyist_import_report_clear (report);
  g_free (report);
}

gboolean
project_check_not_busy (CopyistProject *self, GError **error)
{
  if (self->background_writers == 0)
    return TRUE;
  g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_BUSY, "%s: %s", self->path,
               _("an import or undo is still being written to the project; try again when it is done"));
  return FALSE;
}

gboolean
project_job_step (CopyistProject *self, guint i, guint n, GError **error)
{
  if (self->job == NULL || (i & 255) != 0)
    return TRUE;
  if (copyist_job_set_cancelled_error (self->job, error))
    return FALSE;
  copyist_job_report_progress (self->job, n > 0 ? (double) i / n : 0.0, NULL);
  return TRUE;
}

/* Runs in a pool thread. */
static gpointer
write_func (CopyistJob *job, gpointer data, GError **error)
{
  WriteWork *work = data;
  g_autoptr(CopyistProject) project = copyist_project_open (work->file, FALSE, error);
  CopyistImportReport *report;
  gboolean ok;

  if (project == NULL)
    return NULL;
  report = g_new0 (CopyistImportReport, 1);
  copyist_import_report_init (report);
  project->job = job;
  switch (work->kind)
    {
    case WRITE_IMPORT:
      ok = copyist_project_import_records (project, work->records, work->mode, report, error);
      break;
    case WRITE_UNDO:
      ok = copyist_project_undo (project, error);
      break;
    case WRITE_REDO:
    default:
      ok = copyist_project_redo (project, error);
      break;
    }
  project->job = NULL;
  if (ok)
    copyist_job_report_progress (job, 1.0, NULL);
  if (!copyist_project_close (project, ok ? error : NULL))
    ok = FALSE;
  if (!ok)
    {
      report_free (report);
      return NULL;
    }
  return report;
}

/* Back on the main thread: the file changed under this connection. */
static void
write_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  CopyistProject *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  CopyistImportReport *report = copyist_job_pool_run_finish (COPYIST_JOB_POOL (source), result, &error);

  g_assert (self->background_writers > 0);
  self->background_writers--;
  /* Even a failed or cancelled job may have committed (a Cancel that came
   * after the commit), so the state is always read again. */
  if (self->db != NULL)
    {
      g_autoptr(GError) local = NULL;
      if (!project_refresh_history_state (self, &local))
        g_warning ("%s: %s", self->path, local->message);
      project_note_changed_all (self);
      project_emit_changes (self);
    }
  if (report == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, report, report_free);
}

static void
write_async (CopyistProject *self, CopyistJobPool *pool, WriteWork *work,
             CopyistJobProgressFunc progress, gpointer progress_data,
             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CopyistJobSpec spec = { 0 };
  /* No cancellable on the task itself: the job decides whether Cancel came
   * in time, and a write that committed is reported as done. */
  GTask *task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(GError) error = NULL;

  g_task_set_source_tag (task, (gpointer) write_tag);
  if (!project_check_open (self, &error) || !project_check_not_busy (self, &error))
    {
      write_work_free (work);
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  work->file = g_object_ref (self->file);
  self->background_writers++;
  spec.name = work->kind == WRITE_IMPORT ? "import" : "undo";
  spec.func = write_func;
  spec.data = work;
  spec.data_free = write_work_free;
  spec.result_free = report_free;
  spec.progress = progress;
  spec.progress_data = progress_data;
  copyist_job_pool_run_async (pool, &spec, cancellable, write_done_cb, task);
}

void
copyist_project_import_records_async (CopyistProject *self, CopyistJobPool *pool, GPtrArray *records,
                                      CopyistImportMode mode, CopyistJobProgressFunc progress,
                                      gpointer progress_data, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  WriteWork *work;

  g_return_if_fail (COPYIST_IS_PROJECT (self));
  g_return_if_fail (COPYIST_IS_JOB_POOL (pool));
  g_return_if_fail (records != NULL);

  work = g_new0 (WriteWork, 1);
  work->kind = WRITE_IMPORT;
  work->records = g_ptr_array_ref (records);
  work->mode = mode;
  write_async (self, pool, work, progress, progress_data, cancellable, callback, user_data);
}

void
copyist_project_undo_async (CopyistProject *self, CopyistJobPool *pool, gboolean redo,
                            CopyistJobProgressFunc progress, gpointer progress_data,
                            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  WriteWork *work;

  g_return_if_fail (COPYIST_IS_PROJECT (self));
  g_return_if_fail (COPYIST_IS_JOB_POOL (pool));

  work = g_new0 (WriteWork, 1);
  work->kind = redo ? WRITE_REDO : WRITE_UNDO;
  write_async (self, pool, work, progress, progress_data, cancellable, callback, user_data);
}

gboolean
copyist_project_write_finish (CopyistProject *self, GAsyncResult *result,
                              CopyistImportReport *report, GError **error)
{
  CopyistImportReport *got;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == (gpointer) write_tag, FALSE);

  got = g_task_propagate_pointer (G_TASK (result), error);
  if (got == NULL)
    return FALSE;
  if (report != NULL)
    {
      copyist_import_report_clear (report);
      *report = *got;
      g_free (got);
    }
  else
    report_free (got);
  return TRUE;
}

gboolean
copyist_project_is_busy (CopyistProject *self)
{
  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  return self->background_writers > 0;
}

gint64
copyist_project_count_undo_products (CopyistProject *self, gboolean redo)
{
  sqlite3_stmt *stmt;
  gint64 n = 0;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), 0);
  if (self->db == NULL)
    return 0;
  stmt = project_stmt (self, redo
                       ? "SELECT count (*) FROM history_items WHERE history_id ="
                         " (SELECT id FROM history WHERE undone = 1 ORDER BY id ASC LIMIT 1)"
                       : "SELECT count (*) FROM history_items WHERE history_id ="
                         " (SELECT id FROM history WHERE undone = 0 ORDER BY id DESC LIMIT 1)",
                       NULL);
  if (stmt == NULL)
    return 0;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}
