/* copyist-project-history.c — every user action is one transaction and one
 * history entry; undo and redo restore whole product snapshots.
 *
 * How it works. An action stores, for each product it is about to change,
 * the product's before-image (a snapshot: its row, attributes, variants and
 * texts), or "absent" for a product it creates. Nothing else is stored at
 * action time, so a 100 000-product import only writes 100 000 small rows.
 * History is linear and every change to products goes through an action,
 * so when an entry is undone the products are exactly in their after-state:
 * undo captures that as the after-image, then restores the before-images;
 * redo restores the after-images. Snapshots record column names with the
 * values (GVariant a(sa{smv})), so an entry written by an older schema still
 * restores after a migration. The entries live in the project file, so
 * undo/redo survive closing and reopening.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "copyist-project-private.h"

/* Oldest entries beyond this are forgotten (each may hold many snapshots). */
#define HISTORY_MAX_ENTRIES 1000

typedef struct {
  const char *table;
  const char *select_sql;
} SnapshotTable;

/* In restore order: texts point at variants, everything at the product. */
static const SnapshotTable snapshot_tables[] = {
  { "products", "SELECT * FROM products WHERE id = ?1" },
  { "attributes", "SELECT * FROM attributes WHERE product_id = ?1 ORDER BY position" },
  { "variants", "SELECT * FROM variants WHERE product_id = ?1 ORDER BY id" },
  { "texts", "SELECT * FROM texts WHERE product_id = ?1 ORDER BY field" },
};

void
project_note_changed (CopyistProject *self, gint64 id)
{
  if (self->changed_all)
    return;
  if (self->changed_ids->len >= COPYIST_PROJECT_CHANGED_LIST_MAX)
    {
      self->changed_all = TRUE;
      g_array_set_size (self->changed_ids, 0);
      return;
    }
  g_array_append_val (self->changed_ids, id);
}

void
project_note_changed_all (CopyistProject *self)
{
  self->changed_all = TRUE;
  g_array_set_size (self->changed_ids, 0);
}

/* ---- snapshots ---- */

static GVariant *
column_to_variant (sqlite3_stmt *stmt, int column)
{
  switch (sqlite3_column_type (stmt, column))
    {
    case SQLITE_INTEGER:
      return g_variant_new_int64 (sqlite3_column_int64 (stmt, column));
    case SQLITE_FLOAT:
      return g_variant_new_double (sqlite3_column_double (stmt, column));
    case SQLITE_TEXT:
      return g_variant_new_string ((const char *) sqlite3_column_text (stmt, column));
    case SQLITE_BLOB:
      return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, sqlite3_column_blob (stmt, column),
                                        (gsize) sqlite3_column_bytes (stmt, column), 1);
    default:
      return NULL;
    }
}

/* The product's snapshot, or NULL (and no error) when it does not exist. */
static GBytes *
snapshot_product (CopyistProject *self, gint64 id, GError **error)
{
  g_auto(GVariantBuilder) rows = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(sa{smv})"));
  gboolean exists = FALSE;
  g_autoptr(GVariant) snapshot = NULL;

  for (guint t = 0; t < G_N_ELEMENTS (snapshot_tables); t++)
    {
      sqlite3_stmt *stmt = project_stmt (self, snapshot_tables[t].select_sql, error);
      int rc;

      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          GVariantBuilder row;
          int n = sqlite3_column_count (stmt);

          exists = TRUE;
          g_variant_builder_init (&row, G_VARIANT_TYPE ("a{smv}"));
          for (int c = 0; c < n; c++)
            {
              GVariant *value = column_to_variant (stmt, c);
              g_variant_builder_add (&row, "{smv}", sqlite3_column_name (stmt, c), value);
            }
          g_variant_builder_add (&rows, "(sa{smv})", snapshot_tables[t].table, &row);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          project_set_error (self, error, sqlite3_extended_errcode (self->db), _("reading a product for undo"));
          return NULL;
        }
      if (t == 0 && !exists)
        return NULL;
    }
  snapshot = g_variant_ref_sink (g_variant_builder_end (&rows));
  return g_variant_get_data_as_bytes (snapshot);
}

static gboolean
model_exists (CopyistProject *self, gint64 model_id, gboolean *exists, GError **error)
{
  sqlite3_stmt *stmt = project_stmt (self, "SELECT 1 FROM models WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, model_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      project_set_error (self, error, sqlite3_extended_errcode (self->db), _("checking a model"));
      return FALSE;
    }
  *exists = (rc == SQLITE_ROW);
  return TRUE;
}

static gboolean
column_exists (CopyistProject *self, const char *table, const char *column)
{
  return sqlite3_table_column_metadata (self->db, "main", table, column, NULL, NULL, NULL, NULL, NULL) == SQLITE_OK;
}

static gboolean
restore_row (CopyistProject *self, const char *table, GVariant *row, GError **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GVariantIter iter;
  const char *name;
  GVariant *value;
  sqlite3_stmt *stmt;

  g_variant_iter_init (&iter, row);
  while (g_variant_iter_next (&iter, "{&smv}", &name, &value))
    {
      /* A column dropped by a later schema is ignored; one added gets its default. */
      if (!column_exists (self, table, name))
        {
          g_clear_pointer (&value, g_variant_unref);
          continue;
        }
      g_ptr_array_add (names, (gpointer) name);
      g_ptr_array_add (values, value);
    }
  g_string_append_printf (sql, "INSERT INTO %s (", table);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (sql, "%s\"%s\"", i ? ", " : "", (const char *) names->pdata[i]);
  g_string_append (sql, ") VALUES (");
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (sql, "%s?%u", i ? ", " : "", i + 1);
  g_string_append (sql, ")");

  stmt = project_stmt (self, sql->str, error);
  for (guint i = 0; stmt != NULL && i < values->len; i++)
    {
      GVariant *v = values->pdata[i];
      int index = (int) i + 1;

      if (v == NULL)
        sqlite3_bind_null (stmt, index);
      else if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT64))
        {
          gint64 x = g_variant_get_int64 (v);
          gboolean ok = TRUE;

          /* The model that wrote a text may have been deleted since. */
          if (strcmp (names->pdata[i], "model_id") == 0 && !model_exists (self, x, &ok, error))
            {
              stmt = NULL;
              break;
            }
          if (ok)
            sqlite3_bind_int64 (stmt, index, x);
          else
            sqlite3_bind_null (stmt, index);
        }
      else if (g_variant_is_of_type (v, G_VARIANT_TYPE_DOUBLE))
        sqlite3_bind_double (stmt, index, g_variant_get_double (v));
      else if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
        sqlite3_bind_text (stmt, index, g_variant_get_string (v, NULL), -1, SQLITE_TRANSIENT);
      else
        {
          gsize n = 0;
          gconstpointer data = g_variant_get_fixed_array (v, &n, 1);
          sqlite3_bind_blob64 (stmt, index, n ? data : "", n, SQLITE_TRANSIENT);
        }
    }
  for (guint i = 0; i < values->len; i++)
    if (values->pdata[i] != NULL)
      g_variant_unref (values->pdata[i]);
  return stmt != NULL && project_step_done (self, stmt, _("restoring a product"), error);
}

/* Puts product ID back to SNAPSHOT, or removes it when SNAPSHOT is NULL. */
static gboolean
restore_product (CopyistProject *self, gint64 id, GBytes *snapshot, GError **error)
{
  sqlite3_stmt *stmt = project_stmt (self, "DELETE FROM products WHERE id = ?1", error);
  g_autoptr(GVariant) rows = NULL;
  GVariantIter iter;
  const char *table;
  GVariant *row;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!project_step_done (self, stmt, _("restoring a product"), error)
      || !project_search_delete (self, id, error))
    return FALSE;
  project_note_changed (self, id);
  if (snapshot == NULL)
    return TRUE;

  rows = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE ("a(sa{smv})"), snapshot, FALSE));
  g_variant_iter_init (&iter, rows);
  while (g_variant_iter_next (&iter, "(&s@a{smv})", &table, &row))
    {
      gboolean ok = restore_row (self, table, row, error);
      g_variant_unref (row);
      if (!ok)
        return FALSE;
    }
  return project_update_product (self, id, error);
}

/* ---- actions ---- */

static gboolean
load_touched (CopyistProject *self, GError **error)
{
  sqlite3_stmt *stmt = project_stmt (self, "SELECT product_id FROM history_items WHERE history_id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, self->action_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *id = g_new (gint64, 1);
      *id = sqlite3_column_int64 (stmt, 0);
      g_hash_table_add (self->action_touched, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      project_set_error (self, error, sqlite3_extended_errcode (self->db), _("reading the edit history"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
action_start_entry (CopyistProject *self, const char *kind, const char *label, const char *merge_key,
                    GError **error)
{
  sqlite3_stmt *stmt;

  if (merge_key != NULL)
    {
      gboolean merge = FALSE;
      int rc;

      stmt = project_stmt (self, "SELECT id, merge_key, undone FROM history ORDER BY id DESC LIMIT 1", error);
      if (stmt == NULL)
        return FALSE;
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW && sqlite3_column_int (stmt, 2) == 0
          && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), merge_key) == 0)
        {
          merge = TRUE;
          self->action_id = sqlite3_column_int64 (stmt, 0);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          project_set_error (self, error, sqlite3_extended_errcode (self->db), _("reading the edit history"));
          return FALSE;
        }
      if (merge)
        return load_touched (self, error);
    }

  /* A new action forgets what was undone (no branching history). */
  stmt = project_stmt (self, "DELETE FROM history WHERE undone = 1", error);
  if (stmt == NULL || !project_step_done (self, stmt, _("updating the edit history"), error))
    return FALSE;
  stmt = project_stmt (self, "INSERT INTO history (kind, label, merge_key, created) VALUES (?1, ?2, ?3, ?4)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_TRANSIENT);
  project_bind_text_or_null (stmt, 2, label);
  project_bind_text_or_null (stmt, 3, merge_key);
  sqlite3_bind_int64 (stmt, 4, project_now ());
  if (!project_step_done (self, stmt, _("updating the edit history"), error))
    return FALSE;
  self->action_id = sqlite3_last_insert_rowid (self->db);

  stmt = project_stmt (self, "DELETE FROM history WHERE id <= ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, self->action_id - HISTORY_MAX_ENTRIES);
  return project_step_done (self, stmt, _("updating the edit history"), error);
}

gboolean
project_action_begin (CopyistProject *self, const char *kind, const char *label, const char *merge_key,
                      GError **error)
{
  g_return_val_if_fail (!self->in_action, FALSE);

  if (!project_check_open (self, error) || !project_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  self->in_action = TRUE;
  self->action_touched = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_array_set_size (self->changed_ids, 0);
  self->changed_all = FALSE;
  if (!action_start_entry (self, kind, label, merge_key, error))
    {
      project_action_end (self, FALSE, NULL);
      return FALSE;
    }
  return TRUE;
}

static gboolean
store_before (CopyistProject *self, gint64 id, GBytes *before, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 *key;

  stmt = project_stmt (self, "INSERT INTO history_items (history_id, product_id, before) VALUES (?1, ?2, ?3)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, self->action_id);
  sqlite3_bind_int64 (stmt, 2, id);
  if (before != NULL)
    sqlite3_bind_blob64 (stmt, 3, g_bytes_get_data (before, NULL), g_bytes_get_size (before), SQLITE_STATIC);
  if (!project_step_done (self, stmt, _("updating the edit history"), error))
    return FALSE;
  key = g_new (gint64, 1);
  *key = id;
  g_hash_table_add (self->action_touched, key);
  project_note_changed (self, id);
  return TRUE;
}

gboolean
project_action_touch (CopyistProject *self, gint64 id, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GBytes) before = NULL;

  g_return_val_if_fail (self->in_action, FALSE);
  if (g_hash_table_contains (self->action_touched, &id))
    return TRUE;
  before = snapshot_product (self, id, &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (before == NULL)
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_NO_SUCH_PRODUCT,
                   _("%s: there is no product %" G_GINT64_FORMAT " in this project"), self->path, id);
      return FALSE;
    }
  return store_before (self, id, before, error);
}

gboolean
project_action_created (CopyistProject *self, gint64 id, GError **error)
{
  g_return_val_if_fail (self->in_action, FALSE);
  return store_before (self, id, NULL, error);
}

gboolean
project_action_end (CopyistProject *self, gboolean ok, GError **error)
{
  g_return_val_if_fail (self->in_action, FALSE);

  if (ok && !project_exec (self, "COMMIT", error))
    ok = FALSE;
  if (!ok && self->db != NULL && !sqlite3_get_autocommit (self->db))
    project_exec (self, "ROLLBACK", NULL);
  self->in_action = FALSE;
  self->action_id = 0;
  g_clear_pointer (&self->action_touched, g_hash_table_unref);
  if (!ok)
    {
      g_array_set_size (self->changed_ids, 0);
      self->changed_all = FALSE;
      return FALSE;
    }
  project_refresh_history_state (self, NULL);
  project_emit_changes (self);
  return TRUE;
}

/* ---- undo / redo ---- */

static GArray *
entry_product_ids (CopyistProject *self, gint64 entry, GError **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = project_stmt (self, "SELECT product_id FROM history_items WHERE history_id = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, entry);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      project_set_error (self, error, sqlite3_extended_errcode (self->db), _("reading the edit history"));
      return NULL;
    }
  return g_steal_pointer (&ids);
}

static GBytes *
entry_image (CopyistProject *self, gint64 entry, gint64 id, gboolean after, GError **error)
{
  sqlite3_stmt *stmt = project_stmt (self, after
                                     ? "SELECT after FROM history_items WHERE history_id = ?1 AND product_id = ?2"
                                     : "SELECT before FROM history_items WHERE history_id = ?1 AND product_id = ?2",
                                     error);
  GBytes *image = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, entry);
  sqlite3_bind_int64 (stmt, 2, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) == SQLITE_BLOB)
    image = g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize) sqlite3_column_bytes (stmt, 0));
  else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    project_set_error (self, error, sqlite3_extended_errcode (self->db), _("reading the edit history"));
  sqlite3_reset (stmt);
  return image;
}

static gboolean
undo_redo (CopyistProject *self, gboolean redo, GError **error)
{
  g_autoptr(GArray) ids = NULL;
  sqlite3_stmt *stmt;
  gint64 entry = 0;
  gboolean found;
  int rc;

  g_return_val_if_fail (!self->in_action, FALSE);
  if (!project_check_open (self, error) || !project_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  self->in_action = TRUE;
  g_array_set_size (self->changed_ids, 0);
  self->changed_all = FALSE;

  stmt = project_stmt (self, redo ? "SELECT id FROM history WHERE undone = 1 ORDER BY id ASC LIMIT 1"
                                  : "SELECT id FROM history WHERE undone = 0 ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    goto fail;
  rc = sqlite3_step (stmt);
  found = (rc == SQLITE_ROW);
  if (found)
    entry = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      project_set_error (self, error, sqlite3_extended_errcode (self->db), _("reading the edit history"));
      goto fail;
    }
  if (!found)
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_NOTHING_TO_UNDO, "%s: %s", self->path,
                   redo ? _("there is nothing to redo") : _("there is nothing to undo"));
      goto fail;
    }

  ids = entry_product_ids (self, entry, error);
  if (ids == NULL)
    goto fail;
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr(GError) local = NULL;
      g_autoptr(GBytes) image = NULL;

      if (!redo)
        {
          /* The products are in their after-state now: keep it for redo. */
          g_autoptr(GBytes) after = snapshot_product (self, id, &local);
          if (local != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              goto fail;
            }
          stmt = project_stmt (self, "UPDATE history_items SET after = ?3 WHERE history_id = ?1 AND product_id = ?2", error);
          if (stmt == NULL)
            goto fail;
          sqlite3_bind_int64 (stmt, 1, entry);
          sqlite3_bind_int64 (stmt, 2, id);
          if (after != NULL)
            sqlite3_bind_blob64 (stmt, 3, g_bytes_get_data (after, NULL), g_bytes_get_size (after), SQLITE_STATIC);
          if (!project_step_done (self, stmt, _("updating the edit history"), error))
            goto fail;
        }
      image = entry_image (self, entry, id, redo, &local);
      if (local != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          goto fail;
        }
      if (!restore_product (self, id, image, error))
        goto fail;
    }

  stmt = project_stmt (self, "UPDATE history SET undone = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, entry);
  sqlite3_bind_int (stmt, 2, redo ? 0 : 1);
  if (!project_step_done (self, stmt, _("updating the edit history"), error))
    goto fail;
  return project_action_end (self, TRUE, error);

fail:
  project_action_end (self, FALSE, NULL);
  return FALSE;
}

gboolean
copyist_project_undo (CopyistProject *self, GError **error)
{
  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  return undo_redo (self, FALSE, error);
}

gboolean
copyist_project_redo (CopyistProject *self, GError **error)
{
  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  return undo_redo (self, TRUE, error);
}
