/* copyist-project-models.c — trained models (checkpoints as BLOBs, so a
 * project is one file to back up or mail) and training runs (status, the
 * per-epoch curve, the held-out summary). Not part of the undo history:
 * training is not an edit. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "copyist-project-private.h"

/* ---- models ---- */

gboolean
copyist_project_add_model (CopyistProject *self, const char *name, const char *kind, const char *field,
                           const char *language, GBytes *checkpoint, const char *summary_json,
                           gint64 *id_out, GError **error)
{
  sqlite3_stmt *stmt;
  gsize size = 0;
  gconstpointer data;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (checkpoint != NULL, FALSE);
  if (kind == NULL || (strcmp (kind, "vae") != 0 && strcmp (kind, "gan") != 0))
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_INVALID,
                   _("%s: unknown model kind “%s” (expected vae or gan)"), self->path, kind ? kind : "");
      return FALSE;
    }
  if (!project_is_valid_field (field))
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_INVALID,
                   _("%s: unknown text field “%s” (expected description or adcopy)"), self->path,
                   field ? field : "");
      return FALSE;
    }
  data = g_bytes_get_data (checkpoint, &size);
  stmt = project_stmt (self, "INSERT INTO models (name, kind, field, language, created, size, checkpoint, summary) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name ? name : kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, field, -1, SQLITE_STATIC);
  project_bind_text_or_null (stmt, 4, language);
  sqlite3_bind_int64 (stmt, 5, project_now ());
  sqlite3_bind_int64 (stmt, 6, (sqlite3_int64) size);
  sqlite3_bind_blob64 (stmt, 7, data != NULL ? data : "", size, SQLITE_STATIC);
  project_bind_text_or_null (stmt, 8, summary_json);
  if (!project_step_done (self, stmt, _("saving a model"), error))
    return FALSE;
  if (id_out != NULL)
    *id_out = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

GBytes *
copyist_project_dup_model_bytes (CopyistProject *self, gint64 model_id, GError **error)
{
  sqlite3_stmt *stmt;
  GBytes *bytes = NULL;
  int rc;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), NULL);
  stmt = project_stmt (self, "SELECT checkpoint FROM models WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, model_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize) sqlite3_column_bytes (stmt, 0));
  else if (rc == SQLITE_DONE)
    g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_INVALID,
                 _("%s: there is no model %lld in this project"), self->path, (long long) model_id);
  else
    project_set_error (self, error, sqlite3_extended_errcode (self->db), _("reading a model"));
  sqlite3_reset (stmt);
  return bytes;
}

GPtrArray *
copyist_project_list_models (CopyistProject *self, GError **error)
{
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_model_info_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), NULL);
  stmt = project_stmt (self, "SELECT id, name, kind, field, language, created, size, summary "
                             "FROM models ORDER BY created DESC, id DESC", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CopyistModelInfo *info = g_new0 (CopyistModelInfo, 1);
      info->id = sqlite3_column_int64 (stmt, 0);
      info->name = project_column_dup (stmt, 1);
      info->kind = project_column_dup (stmt, 2);
      info->field = project_column_dup (stmt, 3);
      info->language = project_column_dup (stmt, 4);
      info->created = sqlite3_column_int64 (stmt, 5);
      info->size = sqlite3_column_int64 (stmt, 6);
      info->summary_json = project_column_dup (stmt, 7);
      g_ptr_array_add (models, info);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      project_set_error (self, error, sqlite3_extended_errcode (self->db), _("listing models"));
      return NULL;
    }
  return g_steal_pointer (&models);
}

gboolean
copyist_project_delete_model (CopyistProject *self, gint64 model_id, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  stmt = project_stmt (self, "DELETE FROM models WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, model_id);
  return project_step_done (self, stmt, _("deleting a model"), error);
}

/* ---- runs ---- */

gboolean
copyist_project_add_run (CopyistProject *self, const char *kind, const char *field, gint64 *id_out,
                         GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  stmt = project_stmt (self, "INSERT INTO runs (kind, field, started, status) VALUES (?1, ?2, ?3, 'running')", error);
  if (stmt == NULL)
    return FALSE;
  project_bind_text_or_null (stmt, 1, kind);
  project_bind_text_or_null (stmt, 2, field);
  sqlite3_bind_int64 (stmt, 3, project_now ());
  if (!project_step_done (self, stmt, _("recording a training run"), error))
    return FALSE;
  if (id_out != NULL)
    *id_out = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

gboolean
copyist_project_update_run (CopyistProject *self, gint64 run_id, const char *status, const char *curve_json,
                            const char *summary_json, gint64 model_id, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  stmt = project_stmt (self,
                       "UPDATE runs SET status = coalesce (?2, status), curve = coalesce (?3, curve), "
                       "summary = coalesce (?4, summary), "
                       "model_id = CASE WHEN ?5 > 0 THEN ?5 ELSE model_id END, "
                       "finished = CASE WHEN ?2 IS NOT NULL AND ?2 <> 'running' THEN ?6 ELSE finished END "
                       "WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  project_bind_text_or_null (stmt, 2, status);
  project_bind_text_or_null (stmt, 3, curve_json);
  project_bind_text_or_null (stmt, 4, summary_json);
  sqlite3_bind_int64 (stmt, 5, model_id);
  sqlite3_bind_int64 (stmt, 6, project_now ());
  if (!project_step_done (self, stmt, _("updating a training run"), error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_INVALID,
                   _("%s: there is no training run %lld"), self->path, (long long) run_id);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
copyist_project_list_runs (CopyistProject *self, guint limit, GError **error)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_run_info_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), NULL);
  stmt = project_stmt (self, "SELECT id, model_id, kind, field, started, finished, status, curve, summary "
                             "FROM runs ORDER BY started DESC, id DESC LIMIT ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit == 0 ? -1 : (gint64) limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CopyistRunInfo *info = g_new0 (CopyistRunInfo, 1);
      info->id = sqlite3_column_int64 (stmt, 0);
      info->model_id = sqlite3_column_int64 (stmt, 1);
      info->kind = project_column_dup (stmt, 2);
      info->field = project_column_dup (stmt, 3);
      info->started = sqlite3_column_int64 (stmt, 4);
      info->finished = sqlite3_column_int64 (stmt, 5);
      info->status = project_column_dup (stmt, 6);
      info->curve_json = project_column_dup (stmt, 7);
      info->summary_json = project_column_dup (stmt, 8);
      g_ptr_array_add (runs, info);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      project_set_error (self, error, sqlite3_extended_errcode (self->db), _("listing training runs"));
      return NULL;
    }
  return g_steal_pointer (&runs);
}

/* ---- a finished training, stored at once ---- */

gboolean
copyist_project_store_trained_model (CopyistProject *self, const char *name, const char *kind, const char *field,
                                     const char *language, GBytes *checkpoint, const char *status,
                                     const char *curve_json, const char *summary_json, gint64 *model_id_out,
                                     GError **error)
{
  gint64 model_id = 0, run_id = 0;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  /* A savepoint nests inside a caller's transaction and is one otherwise:
   * the model never lands without its run (or the other way round). */
  if (!project_exec (self, "SAVEPOINT store_trained_model", error))
    return FALSE;
  if (!copyist_project_add_model (self, name, kind, field, language, checkpoint, summary_json, &model_id, error)
      || !copyist_project_add_run (self, kind, field, &run_id, error)
      || !copyist_project_update_run (self, run_id, status, curve_json, summary_json, model_id, error)
      || !project_exec (self, "RELEASE store_trained_model", error))
    {
      /* Best effort: the error that matters is already set. */
      project_exec (self, "ROLLBACK TO store_trained_model", NULL);
      project_exec (self, "RELEASE store_trained_model", NULL);
      return FALSE;
    }
  if (model_id_out != NULL)
    *model_id_out = model_id;
  return TRUE;
}
