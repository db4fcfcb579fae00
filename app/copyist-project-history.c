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
 * values (format below), so an entry written by an older schema still
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

/* A snapshot is a little-endian byte string, cheap to write (no allocation
 * per value, unlike a GVariant dictionary):
 *   "CPS1", then for each row:
 *     u8 length + table name, u16 column count, and for each column:
 *     u8 length + column name, u8 type (0 NULL, 1 int64, 2 double, 3 text,
 *     4 blob), then 8 bytes (int64, double) or u32 length + bytes (text, blob).
 * Column names are kept with the values so a snapshot taken under an older
 * schema restores under a newer one (unknown columns are dropped, new ones
 * get their defaults). */

#define SNAPSHOT_MAGIC "CPS1"
#define SNAPSHOT_MAX_COLUMNS 64

enum { VALUE_NULL, VALUE_INT, VALUE_DOUBLE, VALUE_TEXT, VALUE_BLOB };

static void
put_bytes (GByteArray *out, const void *data, gsize len)
{
  g_byte_array_append (out, data, (guint) len);
}

static void
put_u8 (GByteArray *out, guint8 v)
{
  put_bytes (out, &v, 1);
}

static void
put_u16 (GByteArray *out, guint16 v)
{
  guint16 le = GUINT16_TO_LE (v);
  put_bytes (out, &le, 2);
}

static void
put_u32 (GByteArray *out, guint32 v)
{
  guint32 le = GUINT32_TO_LE (v);
  put_bytes (out, &le, 4);
}

static void
put_u64 (GByteArray *out, guint64 v)
{
  guint64 le = GUINT64_TO_LE (v);
  put_bytes (out, &le, 8);
}

static void
put_name (GByteArray *out, const char *name)
{
  gsize len = MIN (strlen (name), 255);
  put_u8 (out, (guint8) len);
  put_bytes (out, name, len);
}

static void
put_column (GByteArray *out, sqlite3_stmt *stmt, int column)
{
  put_name (out, sqlite3_column_name (stmt, column));
  switch (sqlite3_column_type (stmt, column))
    {
    case SQLITE_INTEGER:
      put_u8 (out, VALUE_INT);
      put_u64 (out, (guint64) sqlite3_column_int64 (stmt, column));
      break;
    case SQLITE_FLOAT:
      {
        double d = sqlite3_column_double (stmt, column);
        guint64 bits;
        memcpy (&bits, &d, sizeof bits);
        put_u8 (out, VALUE_DOUBLE);
        put_u64 (out, bits);
      }
      break;
    case SQLITE_TEXT:
    case SQLITE_BLOB:
      {
        gboolean text = sqlite3_column_type (stmt, column) == SQLITE_TEXT;
        const void *data = text ? (const void *) sqlite3_column_text (stmt, column) : sqlite3_column_blob (stmt, column);
        int len = sqlite3_column_bytes (stmt, column);
        put_u8 (out, text ? VALUE_TEXT : VALUE_BLOB);
        put_u32 (out, (guint32) len);
        put_bytes (out, data, (gsize) len);
      }
      break;
    default:
      put_u8 (out, VALUE_NULL);
    }
}

/* The product's snapshot, or NULL (and no error) when it does not exist. */
static GBytes *
snapshot_product (CopyistProject *self, gint64 id, GError **error)
{
  g_autoptr(GByteArray) out = g_byte_array_sized_new (512);

  put_bytes (out, SNAPSHOT_MAGIC, 4);
  for (guint t = 0; t < G_N_ELEMENTS (snapshot_tables); t++)
    {
      sqlite3_stmt *stmt = project_stmt (self, snapshot_tables[t].select_sql, error);
      gboolean any = FALSE;
      int rc;

      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          int n = sqlite3_column_count (stmt);

          any = TRUE;
          put_name (out, snapshot_tables[t].table);
          put_u16 (out, (guint16) n);
          for (int c = 0; c < n; c++)
            put_column (out, stmt, c);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          project_set_error (self, error, sqlite3_extended_errcode (self->db), _("reading a product for undo"));
          return NULL;
        }
      if (t == 0 && !any)
        return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

typedef struct {
  const guint8 *p;
  const guint8 *end;
  gboolean      bad;
} Reader;

static const guint8 *
take (Reader *r, gsize n)
{
  const guint8 *at = r->p;

  if (r->bad || (gsize) (r->end - r->p) < n)
    {
      r->bad = TRUE;
      return NULL;
    }
  r->p += n;
  return at;
}

static guint
get_uint (Reader *r, gsize n)
{
  const guint8 *at = take (r, n);
  guint v = 0;

  for (gsize i = 0; at != NULL && i < n; i++)
    v |= (guint) at[i] << (8 * i);
  return v;
}

static guint64
get_u64 (Reader *r)
{
  const guint8 *at = take (r, 8);
  guint64 v = 0;

  for (gsize i = 0; at != NULL && i < 8; i++)
    v |= (guint64) at[i] << (8 * i);
  return v;
}

static char *
get_name (Reader *r)
{
  guint len = get_uint (r, 1);
  const guint8 *at = take (r, len);

  return at != NULL ? g_strndup ((const char *) at, len) : NULL;
}

typedef struct {
  char         *name;
  int           type;
  guint64       number;
  const guint8 *data;
  guint32       len;
} Value;

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

/* Whether TABLE has COLUMN in the current schema (cached: the schema of an
 * open project does not change after the migration). */
static gboolean
column_exists (CopyistProject *self, const char *table, const char *column)
{
  g_autofree char *key = g_strconcat (table, ".", column, NULL);
  gpointer known;

  if (self->columns == NULL)
    self->columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (g_hash_table_lookup_extended (self->columns, key, NULL, &known))
    return GPOINTER_TO_INT (known);
  known = GINT_TO_POINTER (sqlite3_table_column_metadata (self->db, "main", table, column,
                                                          NULL, NULL, NULL, NULL, NULL) == SQLITE_OK);
  g_hash_table_insert (self->columns, g_steal_pointer (&key), known);
  return GPOINTER_TO_INT (known);
}

static gboolean
is_snapshot_table (const char *table)
{
  for (guint t = 0; t < G_N_ELEMENTS (snapshot_tables); t++)
    if (strcmp (table, snapshot_tables[t].table) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
insert_row (CopyistProject *self, const char *table, Value *values, guint n, GError **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) marks = g_string_new (NULL);
  sqlite3_stmt *stmt;
  int index = 0;

  /* Built with plain appends: this runs once per restored row. */
  g_string_append (sql, "INSERT INTO ");
  g_string_append (sql, table);
  g_string_append (sql, " (");
  for (guint i = 0; i < n; i++)
    {
      /* A column dropped by a later schema is ignored; one added gets its default. */
      if (!column_exists (self, table, values[i].name))
        {
          values[i].type = -1;
          continue;
        }
      if (index > 0)
        {
          g_string_append (sql, ", ");
          g_string_append (marks, ", ");
        }
      g_string_append_c (sql, '"');
      g_string_append (sql, values[i].name);
      g_string_append_c (sql, '"');
      g_string_append_c (marks, '?');
      index++;
    }
  g_string_append (sql, ") VALUES (");
  g_string_append (sql, marks->str);
  g_string_append_c (sql, ')');
  stmt = project_stmt (self, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  index = 0;
  for (guint i = 0; i < n; i++)
    {
      Value *v = &values[i];
      gboolean ok = TRUE;

      switch (v->type)
        {
        case -1:
          continue;
        case VALUE_INT:
          /* The model that wrote a text may have been deleted since. */
          if (strcmp (v->name, "model_id") == 0 && !model_exists (self, (gint64) v->number, &ok, error))
            return FALSE;
          if (ok)
            sqlite3_bind_int64 (stmt, ++index, (gint64) v->number);
          else
            sqlite3_bind_null (stmt, ++index);
          break;
        case VALUE_DOUBLE:
          {
            double d;
            memcpy (&d, &v->number, sizeof d);
            sqlite3_bind_double (stmt, ++index, d);
          }
          break;
        case VALUE_TEXT:
          sqlite3_bind_text64 (stmt, ++index, (const char *) v->data, v->len, SQLITE_STATIC, SQLITE_UTF8);
          break;
        case VALUE_BLOB:
          sqlite3_bind_blob64 (stmt, ++index, v->len ? (const void *) v->data : "", v->len, SQLITE_STATIC);
          break;
        default:
          sqlite3_bind_null (stmt, ++index);
        }
    }
  return project_step_done (self, stmt, _("restoring a product"), error);
}

static gboolean
restore_rows (CopyistProject *self, GBytes *snapshot, GError **error)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (snapshot, &size);
  Reader r = { data, data + size, FALSE };
  const guint8 *magic = take (&r, 4);

  if (magic == NULL || memcmp (magic, SNAPSHOT_MAGIC, 4) != 0)
    r.bad = TRUE;
  while (!r.bad && r.p < r.end)
    {
      Value values[SNAPSHOT_MAX_COLUMNS] = { { 0 } };
      g_autofree char *table = get_name (&r);
      guint n = get_uint (&r, 2);
      gboolean ok;

      if (r.bad || n > SNAPSHOT_MAX_COLUMNS || table == NULL || !is_snapshot_table (table))
        {
          r.bad = TRUE;
          break;
        }
      for (guint i = 0; i < n && !r.bad; i++)
        {
          values[i].name = get_name (&r);
          values[i].type = (int) get_uint (&r, 1);
          if (values[i].type == VALUE_INT || values[i].type == VALUE_DOUBLE)
            values[i].number = get_u64 (&r);
          else if (values[i].type == VALUE_TEXT || values[i].type == VALUE_BLOB)
            {
              values[i].len = get_uint (&r, 4);
              values[i].data = take (&r, values[i].len);
            }
          else if (values[i].type != VALUE_NULL)
            r.bad = TRUE;
          if (values[i].name == NULL || strchr (values[i].name, '"') != NULL)
            r.bad = TRUE;
        }
      ok = !r.bad && insert_row (self, table, values, n, error);
      for (guint i = 0; i < n; i++)
        g_free (values[i].name);
      if (!ok && !r.bad)
        return FALSE;
    }
  if (r.bad)
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_CORRUPT, "%s: %s", self->path,
                   _("an entry of the edit history is damaged; it cannot be undone"));
      return FALSE;
    }
  return TRUE;
}

/* Puts product ID back to SNAPSHOT, or removes it when SNAPSHOT is NULL. */
static gboolean
restore_product (CopyistProject *self, gint64 id, GBytes *snapshot, GError **error)
{
  sqlite3_stmt *stmt = project_stmt (self, "DELETE FROM products WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!project_step_done (self, stmt, _("restoring a product"), error))
    return FALSE;
  project_note_changed (self, id);
  if (snapshot == NULL)
    return TRUE;
  return restore_rows (self, snapshot, error) && project_update_product (self, id, error);
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
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
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

  if (!project_check_open (self, error) || !project_check_not_busy (self, error)
      || !project_exec (self, "BEGIN IMMEDIATE", error))
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
                   _("%s: there is no product %lld in this project"), self->path, (long long) id);
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
  if (!project_check_open (self, error) || !project_check_not_busy (self, error)
      || !project_exec (self, "BEGIN IMMEDIATE", error))
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

      if (!project_job_step (self, i, ids->len, error))
        goto fail;
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
