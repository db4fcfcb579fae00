/* copyist-project-actions.c — the user's actions on products: hand edits,
 * generated variants, choosing a variant, lock, approve, attributes,
 * delete. Each public function is one action (copyist-project-history.c):
 * one transaction, one undo step, bulk forms included. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "copyist-project-private.h"

/* ---- per-product actions ---- */

typedef gboolean (*ProductOp) (CopyistProject *self, gint64 id, gconstpointer data, GError **error);

/* Runs OP on every id of IDS as one action. */
static gboolean
run_action (CopyistProject *self, const char *kind, const char *label, const char *merge_key,
            const gint64 *ids, guint n_ids, ProductOp op, gconstpointer data, GError **error)
{
  if (!project_action_begin (self, kind, label, merge_key, error))
    return FALSE;
  for (guint i = 0; i < n_ids; i++)
    if (!project_action_touch (self, ids[i], error) || !op (self, ids[i], data, error))
      {
        project_action_end (self, FALSE, NULL);
        return FALSE;
      }
  return project_action_end (self, TRUE, error);
}

typedef struct {
  const char *field;
  const char *text;
} SetTextData;

static gboolean
set_text_op (CopyistProject *self, gint64 id, gconstpointer data, GError **error)
{
  const SetTextData *d = data;

  return project_write_current (self, id, d->field, d->text, COPYIST_TEXT_ORIGIN_HAND, 0, 0, error)
         && project_update_product (self, id, error);
}

gboolean
copyist_project_set_text (CopyistProject *self, gint64 id, const char *field, const char *text,
                          const char *merge_key, GError **error)
{
  g_autofree char *label = NULL;
  SetTextData data = { field, text ? text : "" };

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  if (!project_check_field (self, field, error))
    return FALSE;
  label = g_strdup_printf (_("Edit %s"), project_field_label (field));
  return run_action (self, "edit-text", label, merge_key, &id, 1, set_text_op, &data, error);
}

typedef struct {
  const char         *field;
  const char *const  *texts;
  gint64              model_id;
} VariantsData;

static gboolean
add_variants_to (CopyistProject *self, gint64 id, const char *field, const char *const *texts, gint64 model_id,
                 GError **error)
{
  TextFlags flags;
  gint64 first = 0;

  if (!project_read_text_flags (self, id, field, &flags, error))
    return FALSE;
  for (guint i = 0; texts != NULL && texts[i] != NULL; i++)
    {
      gint64 variant_id;
      if (!project_insert_variant (self, id, field, texts[i], COPYIST_TEXT_ORIGIN_GENERATED, model_id, &variant_id, error))
        return FALSE;
      if (i == 0)
        first = variant_id;
    }
  /* A locked or hand-edited field keeps its text: generation only adds. */
  if (first != 0 && !flags.locked && flags.origin != COPYIST_TEXT_ORIGIN_HAND
      && !project_write_current (self, id, field, texts[0], COPYIST_TEXT_ORIGIN_GENERATED, first, model_id, error))
    return FALSE;
  return project_update_product (self, id, error);
}

static gboolean
add_variants_op (CopyistProject *self, gint64 id, gconstpointer data, GError **error)
{
  const VariantsData *d = data;

  return add_variants_to (self, id, d->field, d->texts, d->model_id, error);
}

static gboolean
check_model (CopyistProject *self, gint64 model_id, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (model_id == 0)
    return TRUE;
  stmt = project_stmt (self, "SELECT 1 FROM models WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, model_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_INVALID,
               _("%s: there is no model %lld in this project"), self->path, (long long) model_id);
  return FALSE;
}

gboolean
copyist_project_add_variants (CopyistProject *self, gint64 id, const char *field, const char *const *texts,
                              gint64 model_id, GError **error)
{
  g_autofree char *label = NULL;
  VariantsData data = { field, texts, model_id };

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  if (!project_check_field (self, field, error) || !check_model (self, model_id, error))
    return FALSE;
  if (texts == NULL || texts[0] == NULL)
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_INVALID, "%s: %s", self->path,
                   _("no generated texts to add"));
      return FALSE;
    }
  label = g_strdup_printf (_("Generate %s"), project_field_label (field));
  return run_action (self, "generate", label, NULL, &id, 1, add_variants_op, &data, error);
}

gboolean
copyist_project_add_variants_bulk (CopyistProject *self, GArray *ids, const char *field, GPtrArray *texts_per_product,
                                   gint64 model_id, GError **error)
{
  g_autofree char *label = NULL;
  gboolean ok;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (ids != NULL && texts_per_product != NULL, FALSE);
  if (!project_check_field (self, field, error) || !check_model (self, model_id, error))
    return FALSE;
  if (ids->len != texts_per_product->len)
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_INVALID,
                   _("%s: %u products but %u lists of texts"), self->path, ids->len, texts_per_product->len);
      return FALSE;
    }
  if (ids->len == 0)
    return TRUE;
  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Generate %s for %u product",
                                        "Generate %s for %u products", ids->len),
                           project_field_label (field), ids->len);
  if (!project_action_begin (self, "generate", label, NULL, error))
    return FALSE;
  ok = TRUE;
  for (guint i = 0; ok && i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      ok = project_action_touch (self, id, error)
           && add_variants_to (self, id, field, texts_per_product->pdata[i], model_id, error);
    }
  if (!ok)
    {
      project_action_end (self, FALSE, NULL);
      return FALSE;
    }
  return project_action_end (self, TRUE, error);
}

typedef struct {
  const char *field;
  gint64      variant_id;
} ChooseData;

static gboolean
choose_op (CopyistProject *self, gint64 id, gconstpointer data, GError **error)
{
  const ChooseData *d = data;
  sqlite3_stmt *stmt = project_stmt (self, "SELECT text, origin, coalesce (model_id, 0) FROM variants "
                                           "WHERE id = ?1 AND product_id = ?2 AND field = ?3", error);
  g_autofree char *text = NULL;
  CopyistTextOrigin origin = COPYIST_TEXT_ORIGIN_GENERATED;
  gint64 model_id = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, d->variant_id);
  sqlite3_bind_int64 (stmt, 2, id);
  sqlite3_bind_text (stmt, 3, d->field, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      text = project_column_dup (stmt, 0);
      origin = project_origin_from_string ((const char *) sqlite3_column_text (stmt, 1));
      model_id = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_INVALID,
                   _("%s: variant %lld is not a %s variant of product %lld"),
                   self->path, (long long) d->variant_id, project_field_label (d->field), (long long) id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      project_set_error (self, error, sqlite3_extended_errcode (self->db), _("reading a variant"));
      return FALSE;
    }
  return project_write_current (self, id, d->field, text, origin, d->variant_id, model_id, error)
         && project_update_product (self, id, error);
}

gboolean
copyist_project_choose_variant (CopyistProject *self, gint64 id, const char *field, gint64 variant_id, GError **error)
{
  g_autofree char *label = NULL;
  ChooseData data = { field, variant_id };

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  if (!project_check_field (self, field, error))
    return FALSE;
  label = g_strdup_printf (_("Choose %s variant"), project_field_label (field));
  return run_action (self, "choose-variant", label, NULL, &id, 1, choose_op, &data, error);
}

typedef struct {
  const char *field;
  gboolean    value;
  gboolean    approved;  /* which flag: approved (TRUE) or locked (FALSE) */
} FlagData;

static gboolean
flag_op (CopyistProject *self, gint64 id, gconstpointer data, GError **error)
{
  const FlagData *d = data;
  sqlite3_stmt *stmt = project_stmt (self, d->approved
    ? "INSERT INTO texts (product_id, field, approved, modified) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (product_id, field) DO UPDATE SET approved = excluded.approved, modified = excluded.modified"
    : "INSERT INTO texts (product_id, field, locked, modified) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (product_id, field) DO UPDATE SET locked = excluded.locked, modified = excluded.modified", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, d->field, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, d->value ? 1 : 0);
  sqlite3_bind_int64 (stmt, 4, project_now ());
  return project_step_done (self, stmt, _("saving a text"), error) && project_update_product (self, id, error);
}

static gboolean
set_flag (CopyistProject *self, const gint64 *ids, guint n_ids, const char *field, gboolean approved,
          gboolean value, GError **error)
{
  g_autofree char *label = NULL;
  FlagData data = { field, value, approved };

  if (!project_check_field (self, field, error))
    return FALSE;
  if (n_ids == 0)
    return TRUE;
  if (approved)
    label = n_ids == 1 ? g_strdup_printf (value ? _("Approve %s") : _("Unapprove %s"), project_field_label (field))
                       : g_strdup_printf (value ? _("Approve %s of %u products") : _("Unapprove %s of %u products"),
                                          project_field_label (field), n_ids);
  else
    label = n_ids == 1 ? g_strdup_printf (value ? _("Lock %s") : _("Unlock %s"), project_field_label (field))
                       : g_strdup_printf (value ? _("Lock %s of %u products") : _("Unlock %s of %u products"),
                                          project_field_label (field), n_ids);
  return run_action (self, approved ? "approve" : "lock", label, NULL, ids, n_ids, flag_op, &data, error);
}

gboolean
copyist_project_set_locked (CopyistProject *self, gint64 id, const char *field, gboolean locked, GError **error)
{
  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  return set_flag (self, &id, 1, field, FALSE, locked, error);
}

gboolean
copyist_project_set_approved (CopyistProject *self, gint64 id, const char *field, gboolean approved, GError **error)
{
  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  return set_flag (self, &id, 1, field, TRUE, approved, error);
}

gboolean
copyist_project_set_locked_bulk (CopyistProject *self, GArray *ids, const char *field, gboolean locked, GError **error)
{
  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (ids != NULL, FALSE);
  return set_flag (self, (const gint64 *) ids->data, ids->len, field, FALSE, locked, error);
}

gboolean
copyist_project_set_approved_bulk (CopyistProject *self, GArray *ids, const char *field, gboolean approved,
                                   GError **error)
{
  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (ids != NULL, FALSE);
  return set_flag (self, (const gint64 *) ids->data, ids->len, field, TRUE, approved, error);
}

typedef struct {
  const char *key;
  const char *value;
} AttributeData;

static gboolean
attribute_op (CopyistProject *self, gint64 id, gconstpointer data, GError **error)
{
  const AttributeData *d = data;
  const char *column = NULL;
  sqlite3_stmt *stmt;

  /* Title, SKU and category are columns of the product, not attributes. */
  if (g_ascii_strcasecmp (d->key, COPYIST_KEY_TITLE) == 0)
    column = "UPDATE products SET title = ?2 WHERE id = ?1";
  else if (g_ascii_strcasecmp (d->key, COPYIST_KEY_SKU) == 0)
    column = "UPDATE products SET sku = ?2 WHERE id = ?1";
  else if (g_ascii_strcasecmp (d->key, COPYIST_KEY_CATEGORY) == 0)
    column = "UPDATE products SET category = ?2 WHERE id = ?1";
  if (column != NULL)
    {
      stmt = project_stmt (self, column, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      project_bind_text_or_null (stmt, 2, d->value);
      return project_step_done (self, stmt, _("saving a product"), error) && project_update_product (self, id, error);
    }

  if (d->value == NULL)
    stmt = project_stmt (self, "DELETE FROM attributes WHERE product_id = ?1 AND key = ?2 COLLATE NOCASE", error);
  else
    stmt = project_stmt (self, "UPDATE attributes SET value = ?3 WHERE product_id = ?1 AND key = ?2 COLLATE NOCASE", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, d->key, -1, SQLITE_STATIC);
  if (d->value != NULL)
    sqlite3_bind_text (stmt, 3, d->value, -1, SQLITE_STATIC);
  if (!project_step_done (self, stmt, _("saving attributes"), error))
    return FALSE;
  if (d->value != NULL && sqlite3_changes (self->db) == 0)
    {
      stmt = project_stmt (self, "INSERT INTO attributes (product_id, position, key, value) "
                                 "SELECT ?1, coalesce (max (position) + 1, 0), ?2, ?3 FROM attributes WHERE product_id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_text (stmt, 2, d->key, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, d->value, -1, SQLITE_STATIC);
      if (!project_step_done (self, stmt, _("saving attributes"), error))
        return FALSE;
    }
  return project_update_product (self, id, error);
}

gboolean
copyist_project_set_attribute (CopyistProject *self, gint64 id, const char *key, const char *value, GError **error)
{
  g_autofree char *label = NULL;
  AttributeData data = { key, value };

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  if (key == NULL || *key == '\0')
    {
      g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_INVALID, "%s: %s", self->path,
                   _("an attribute needs a name"));
      return FALSE;
    }
  label = g_strdup_printf (_("Edit “%s”"), key);
  return run_action (self, "edit-attribute", label, NULL, &id, 1, attribute_op, &data, error);
}

static gboolean
delete_op (CopyistProject *self, gint64 id, gconstpointer data, GError **error)
{
  sqlite3_stmt *stmt = project_stmt (self, "DELETE FROM products WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  return project_step_done (self, stmt, _("deleting a product"), error);
}

gboolean
copyist_project_delete_products (CopyistProject *self, GArray *ids, GError **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (ids != NULL, FALSE);
  if (ids->len == 0)
    return TRUE;
  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Delete %u product", "Delete %u products", ids->len), ids->len);
  return run_action (self, "delete", label, NULL, (const gint64 *) ids->data, ids->len, delete_op, NULL, error);
}
