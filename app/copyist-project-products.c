/* copyist-project-products.c — products, import, texts and variants.
 * Every public function that changes something is one action
 * (copyist-project-history.c): one transaction, one undo step. */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "copyist-import.h"
#include "copyist-project-private.h"

/* ---- small helpers ---- */

const char *
project_field_label (const char *field)
{
  return strcmp (field, COPYIST_FIELD_ADCOPY) == 0 ? _("ad copy") : _("description");
}

gboolean
project_check_field (CopyistProject *self, const char *field, GError **error)
{
  if (project_is_valid_field (field))
    return TRUE;
  g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_INVALID,
               _("%s: unknown text field “%s” (expected description or adcopy)"), self->path,
               field ? field : "");
  return FALSE;
}

CopyistTextOrigin
project_origin_from_string (const char *str)
{
  for (int o = COPYIST_TEXT_ORIGIN_NONE; o <= COPYIST_TEXT_ORIGIN_HAND; o++)
    if (g_strcmp0 (str, copyist_text_origin_to_string (o)) == 0)
      return o;
  return COPYIST_TEXT_ORIGIN_NONE;
}

static void
json_append_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) (s ? s : ""); *p; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

static void
json_append_strv (GString *out, char **strv)
{
  g_string_append_c (out, '[');
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    {
      if (i)
        g_string_append_c (out, ',');
      json_append_string (out, strv[i]);
    }
  g_string_append_c (out, ']');
}

static char *
source_rows_to_json (GPtrArray *rows)
{
  GString *out = g_string_new ("[");

  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      if (i)
        g_string_append_c (out, ',');
      json_append_strv (out, rows->pdata[i]);
    }
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

static char **
json_array_to_strv (JsonArray *array)
{
  guint n = json_array_get_length (array);
  char **strv = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      strv[i] = g_strdup (JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL);
      if (strv[i] == NULL)
        strv[i] = g_strdup ("");
    }
  return strv;
}

/* "headline\nbody" from the record's two ad copy parts (NULL if neither). */
static char *
adcopy_join (const CopyistRecord *record)
{
  gboolean has_headline = record->adcopy_headline != NULL && *record->adcopy_headline;
  gboolean has_body = record->adcopy_body != NULL && *record->adcopy_body;

  if (!has_headline && !has_body)
    return NULL;
  return g_strdup_printf ("%s\n%s", has_headline ? record->adcopy_headline : "",
                          has_body ? record->adcopy_body : "");
}

static void
adcopy_split (const char *text, char **headline, char **body)
{
  const char *nl = text != NULL ? strchr (text, '\n') : NULL;

  if (text == NULL)
    return;
  if (nl == NULL)
    {
      *headline = g_strdup (text);
      return;
    }
  *headline = nl > text ? g_strndup (text, (gsize) (nl - text)) : NULL;
  *body = nl[1] ? g_strdup (nl + 1) : NULL;
}

/* ---- search text and status ---- */

#define SEARCH_DESCRIPTION_CHARS 1000

/* What the product list searches: title, SKU, category and the start of
 * the description, case-folded, one per line (so a term never matches
 * across two fields). Stored in products.search and matched with instr():
 * a substring search that works the same for "linen" and for "围巾". */
char *
project_search_text (const char *title, const char *sku, const char *category, const char *description)
{
  g_autoptr(GString) joined = g_string_new (NULL);
  const char *parts[] = { title, sku, category };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      if (parts[i] != NULL)
        g_string_append (joined, parts[i]);
      g_string_append_c (joined, '\n');
    }
  if (description != NULL)
    {
      const char *end = description;
      for (guint n = 0; *end && n < SEARCH_DESCRIPTION_CHARS; n++)
        end = g_utf8_next_char (end);
      g_string_append_len (joined, description, end - description);
    }
  return g_utf8_casefold (joined->str, (gssize) joined->len);
}

static void
search_text_sql_cb (sqlite3_context *context, int argc, sqlite3_value **argv)
{
  const char *parts[4] = { NULL };
  char *text;

  for (int i = 0; i < argc && i < 4; i++)
    parts[i] = (const char *) sqlite3_value_text (argv[i]);
  text = project_search_text (parts[0], parts[1], parts[2], parts[3]);
  sqlite3_result_text (context, text, -1, g_free);
}

gboolean
project_register_functions (CopyistProject *self, GError **error)
{
  int rc = sqlite3_create_function_v2 (self->db, "copyist_search_text", 4,
                                       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
                                       NULL, search_text_sql_cb, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      project_set_error (self, error, rc, _("setting up the database connection"));
      return FALSE;
    }
  return TRUE;
}

static CopyistProductStatus
derive_status (gboolean any_text, gboolean all_approved, gboolean any_hand, gboolean any_generated)
{
  if (any_text && all_approved)
    return COPYIST_PRODUCT_STATUS_APPROVED;
  if (any_hand)
    return COPYIST_PRODUCT_STATUS_EDITED;
  if (any_generated)
    return COPYIST_PRODUCT_STATUS_GENERATED;
  return COPYIST_PRODUCT_STATUS_NEW;
}

gboolean
project_update_product (CopyistProject *self, gint64 id, GError **error)
{
  gboolean any_text = FALSE, all_approved = TRUE, any_hand = FALSE, any_generated = FALSE;
  sqlite3_stmt *stmt;
  int rc;

  stmt = project_stmt (self, "SELECT origin, approved, coalesce (text, '') <> '' FROM texts WHERE product_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CopyistTextOrigin origin = project_origin_from_string ((const char *) sqlite3_column_text (stmt, 0));
      if (!sqlite3_column_int (stmt, 2))
        continue;
      any_text = TRUE;
      all_approved = all_approved && sqlite3_column_int (stmt, 1);
      any_hand = any_hand || origin == COPYIST_TEXT_ORIGIN_HAND;
      any_generated = any_generated || origin == COPYIST_TEXT_ORIGIN_GENERATED;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      project_set_error (self, error, sqlite3_extended_errcode (self->db), _("reading a product's texts"));
      return FALSE;
    }
  stmt = project_stmt (self,
    "UPDATE products SET status = ?2, modified = ?3, search = copyist_search_text (title, sku, category, "
    "(SELECT t.text FROM texts t WHERE t.product_id = ?1 AND t.field = 'description')) WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, copyist_product_status_to_string (derive_status (any_text, all_approved, any_hand,
                                                                               any_generated)), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, project_now ());
  return project_step_done (self, stmt, _("updating a product"), error);
}

/* ---- reading ---- */

gint64
copyist_project_count_products (CopyistProject *self, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 n = -1;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), -1);
  stmt = project_stmt (self, "SELECT count(*) FROM products", error);
  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  else
    project_set_error (self, error, sqlite3_extended_errcode (self->db), _("counting products"));
  sqlite3_reset (stmt);
  return n;
}

gboolean
copyist_project_count_by_status (CopyistProject *self, gint64 counts[COPYIST_PRODUCT_STATUS_APPROVED + 1],
                                 GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  for (int s = 0; s <= COPYIST_PRODUCT_STATUS_APPROVED; s++)
    counts[s] = 0;
  stmt = project_stmt (self, "SELECT status, count(*) FROM products GROUP BY status", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CopyistProductStatus status;
      if (copyist_product_status_from_string ((const char *) sqlite3_column_text (stmt, 0), &status))
        counts[status] = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      project_set_error (self, error, sqlite3_extended_errcode (self->db), _("counting products"));
      return FALSE;
    }
  return TRUE;
}

GArray *
copyist_project_dup_product_ids (CopyistProject *self, GError **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), NULL);
  stmt = project_stmt (self, "SELECT id FROM products ORDER BY position, id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      project_set_error (self, error, sqlite3_extended_errcode (self->db), _("listing products"));
      return NULL;
    }
  return g_steal_pointer (&ids);
}

static void
set_no_such_product (CopyistProject *self, gint64 id, GError **error)
{
  g_set_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_NO_SUCH_PRODUCT,
               _("%s: there is no product %lld in this project"), self->path, (long long) id);
}

gboolean
copyist_project_get_status (CopyistProject *self, gint64 id, CopyistProductStatus *status, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  stmt = project_stmt (self, "SELECT status FROM products WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    copyist_product_status_from_string ((const char *) sqlite3_column_text (stmt, 0), status);
  else if (rc == SQLITE_DONE)
    set_no_such_product (self, id, error);
  else
    project_set_error (self, error, sqlite3_extended_errcode (self->db), _("reading a product"));
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW;
}

static gboolean
parse_source (CopyistRecord *record, const char *headers_json, const char *rows_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  /* The file may come from anywhere: bounded nesting, and "" (no root). */
  if (headers_json != NULL && copyist_json_load (parser, headers_json, -1, NULL))
    {
      root = json_parser_get_root (parser);
      if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
        record->source_headers = json_array_to_strv (json_node_get_array (root));
    }
  if (rows_json != NULL && copyist_json_load (parser, rows_json, -1, NULL))
    {
      root = json_parser_get_root (parser);
      if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
        {
          JsonArray *rows = json_node_get_array (root);
          for (guint i = 0; i < json_array_get_length (rows); i++)
            {
              JsonNode *row = json_array_get_element (rows, i);
              if (JSON_NODE_HOLDS_ARRAY (row))
                g_ptr_array_add (record->source_rows, json_array_to_strv (json_node_get_array (row)));
            }
        }
    }
  return TRUE;
}

CopyistRecord *
copyist_project_get_record (CopyistProject *self, gint64 id, GError **error)
{
  g_autoptr(CopyistRecord) record = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), NULL);
  stmt = project_stmt (self, "SELECT sku, title, category, language, source_format, source_headers, "
                             "source_rows, description_html FROM products WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        set_no_such_product (self, id, error);
      else
        project_set_error (self, error, sqlite3_extended_errcode (self->db), _("reading a product"));
      sqlite3_reset (stmt);
      return NULL;
    }
  record = copyist_record_new ();
  record->id = id;
  record->sku = project_column_dup (stmt, 0);
  record->title = project_column_dup (stmt, 1);
  record->category = project_column_dup (stmt, 2);
  record->language = project_column_dup (stmt, 3);
  record->source_format = project_column_dup (stmt, 4);
  parse_source (record, (const char *) sqlite3_column_text (stmt, 5), (const char *) sqlite3_column_text (stmt, 6));
  record->description_html = project_column_dup (stmt, 7);
  sqlite3_reset (stmt);

  stmt = project_stmt (self, "SELECT key, value FROM attributes WHERE product_id = ?1 ORDER BY position", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (record->attributes,
                     copyist_attribute_new ((const char *) sqlite3_column_text (stmt, 0),
                                            (const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      project_set_error (self, error, sqlite3_extended_errcode (self->db), _("reading a product"));
      return NULL;
    }

  stmt = project_stmt (self, "SELECT field, text FROM texts WHERE product_id = ?1 AND text IS NOT NULL", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *field = (const char *) sqlite3_column_text (stmt, 0);
      const char *text = (const char *) sqlite3_column_text (stmt, 1);
      if (g_strcmp0 (field, COPYIST_FIELD_DESCRIPTION) == 0)
        record->description = g_strdup (text);
      else if (g_strcmp0 (field, COPYIST_FIELD_ADCOPY) == 0)
        adcopy_split (text, &record->adcopy_headline, &record->adcopy_body);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      project_set_error (self, error, sqlite3_extended_errcode (self->db), _("reading a product"));
      return NULL;
    }
  return g_steal_pointer (&record);
}

GPtrArray *
copyist_project_dup_records (CopyistProject *self, GArray *ids, gboolean approved_only, GError **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_record_free);
  g_autoptr(GArray) all = NULL;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), NULL);
  if (ids == NULL)
    {
      all = copyist_project_dup_product_ids (self, error);
      if (all == NULL)
        return NULL;
      ids = all;
    }
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      CopyistRecord *record;

      if (approved_only)
        {
          CopyistProductStatus status = COPYIST_PRODUCT_STATUS_NEW;
          if (!copyist_project_get_status (self, id, &status, error))
            return NULL;
          if (status != COPYIST_PRODUCT_STATUS_APPROVED)
            continue;
        }
      record = copyist_project_get_record (self, id, error);
      if (record == NULL)
        return NULL;
      g_ptr_array_add (records, record);
    }
  return g_steal_pointer (&records);
}

CopyistFieldState *
copyist_project_get_field (CopyistProject *self, gint64 id, const char *field, GError **error)
{
  g_autoptr(GError) local = NULL;
  CopyistProductStatus status;
  CopyistFieldState *state;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), NULL);
  if (!project_check_field (self, field, error) || !copyist_project_get_status (self, id, &status, error))
    return NULL;

  state = g_new0 (CopyistFieldState, 1);
  state->variants = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_variant_free);
  stmt = project_stmt (self, "SELECT text, origin, locked, approved, current_variant FROM texts "
                             "WHERE product_id = ?1 AND field = ?2", &local);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_text (stmt, 2, field, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          state->text = project_column_dup (stmt, 0);
          state->origin = project_origin_from_string ((const char *) sqlite3_column_text (stmt, 1));
          state->locked = sqlite3_column_int (stmt, 2) != 0;
          state->approved = sqlite3_column_int (stmt, 3) != 0;
          state->current_variant = sqlite3_column_int64 (stmt, 4);
        }
      else if (rc != SQLITE_DONE)
        project_set_error (self, &local, sqlite3_extended_errcode (self->db), _("reading a text"));
      sqlite3_reset (stmt);
    }
  if (local == NULL)
    stmt = project_stmt (self, "SELECT id, text, origin, coalesce (model_id, 0), created FROM variants "
                               "WHERE product_id = ?1 AND field = ?2 ORDER BY id", &local);
  if (local == NULL)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_text (stmt, 2, field, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          CopyistVariant *variant = g_new0 (CopyistVariant, 1);
          variant->id = sqlite3_column_int64 (stmt, 0);
          variant->text = project_column_dup (stmt, 1);
          variant->origin = project_origin_from_string ((const char *) sqlite3_column_text (stmt, 2));
          variant->model_id = sqlite3_column_int64 (stmt, 3);
          variant->created = sqlite3_column_int64 (stmt, 4);
          g_ptr_array_add (state->variants, variant);
        }
      if (rc != SQLITE_DONE)
        project_set_error (self, &local, sqlite3_extended_errcode (self->db), _("reading variants"));
      sqlite3_reset (stmt);
    }
  if (local != NULL)
    {
      copyist_field_state_free (state);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return state;
}

/* ---- writing texts (inside an action) ---- */

gboolean
project_read_text_flags (CopyistProject *self, gint64 id, const char *field, TextFlags *flags, GError **error)
{
  sqlite3_stmt *stmt = project_stmt (self, "SELECT origin, locked FROM texts WHERE product_id = ?1 AND field = ?2", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  flags->origin = COPYIST_TEXT_ORIGIN_NONE;
  flags->locked = FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, field, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      flags->origin = project_origin_from_string ((const char *) sqlite3_column_text (stmt, 0));
      flags->locked = sqlite3_column_int (stmt, 1) != 0;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      project_set_error (self, error, sqlite3_extended_errcode (self->db), _("reading a text"));
      return FALSE;
    }
  return TRUE;
}

gboolean
project_insert_variant (CopyistProject *self, gint64 id, const char *field, const char *text,
                CopyistTextOrigin origin, gint64 model_id, gint64 *variant_id, GError **error)
{
  sqlite3_stmt *stmt = project_stmt (self, "INSERT INTO variants (product_id, field, text, origin, model_id, created) "
                                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, field, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, copyist_text_origin_to_string (origin), -1, SQLITE_STATIC);
  if (model_id > 0)
    sqlite3_bind_int64 (stmt, 5, model_id);
  else
    sqlite3_bind_null (stmt, 5);
  sqlite3_bind_int64 (stmt, 6, project_now ());
  if (!project_step_done (self, stmt, _("saving a variant"), error))
    return FALSE;
  *variant_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

/* Makes TEXT the field's current text (VARIANT_ID 0 for a hand edit). */
gboolean
project_write_current (CopyistProject *self, gint64 id, const char *field, const char *text,
               CopyistTextOrigin origin, gint64 variant_id, gint64 model_id, GError **error)
{
  sqlite3_stmt *stmt = project_stmt (self,
    "INSERT INTO texts (product_id, field, text, origin, current_variant, model_id, modified) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (product_id, field) DO UPDATE SET "
    "text = excluded.text, origin = excluded.origin, current_variant = excluded.current_variant, "
    "model_id = excluded.model_id, modified = excluded.modified", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, field, -1, SQLITE_STATIC);
  project_bind_text_or_null (stmt, 3, text);
  sqlite3_bind_text (stmt, 4, copyist_text_origin_to_string (origin), -1, SQLITE_STATIC);
  if (variant_id > 0)
    sqlite3_bind_int64 (stmt, 5, variant_id);
  if (model_id > 0)
    sqlite3_bind_int64 (stmt, 6, model_id);
  sqlite3_bind_int64 (stmt, 7, project_now ());
  return project_step_done (self, stmt, _("saving a text"), error);
}

static gboolean
variant_text_exists (CopyistProject *self, gint64 id, const char *field, const char *text, gboolean *exists,
                     GError **error)
{
  sqlite3_stmt *stmt = project_stmt (self, "SELECT 1 FROM variants WHERE product_id = ?1 AND field = ?2 AND text = ?3", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, field, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, text, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      project_set_error (self, error, sqlite3_extended_errcode (self->db), _("reading variants"));
      return FALSE;
    }
  *exists = (rc == SQLITE_ROW);
  return TRUE;
}

/* An imported text: becomes current only where nobody has worked on the
 * field (no text yet, or the previous import's); otherwise it is kept as a
 * variant so nothing the merchant or a model wrote is lost. */
static gboolean
import_text (CopyistProject *self, gint64 id, const char *field, const char *text, gboolean created,
             GError **error)
{
  TextFlags flags = { COPYIST_TEXT_ORIGIN_NONE, FALSE };
  gboolean exists = FALSE;
  gint64 variant_id = 0;

  if (text == NULL || *text == '\0')
    return TRUE;
  if (!created && !project_read_text_flags (self, id, field, &flags, error))
    return FALSE;
  if (!created && !variant_text_exists (self, id, field, text, &exists, error))
    return FALSE;
  if (!exists && !project_insert_variant (self, id, field, text, COPYIST_TEXT_ORIGIN_IMPORTED, 0, &variant_id, error))
    return FALSE;
  if (flags.locked || (flags.origin != COPYIST_TEXT_ORIGIN_NONE && flags.origin != COPYIST_TEXT_ORIGIN_IMPORTED)
      || variant_id == 0)
    return TRUE;
  return project_write_current (self, id, field, text, COPYIST_TEXT_ORIGIN_IMPORTED, variant_id, 0, error);
}

/* ---- import ---- */

static gboolean
write_attributes (CopyistProject *self, gint64 id, const CopyistRecord *record, gboolean replace, GError **error)
{
  sqlite3_stmt *stmt;

  if (replace)
    {
      stmt = project_stmt (self, "DELETE FROM attributes WHERE product_id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!project_step_done (self, stmt, _("saving attributes"), error))
        return FALSE;
    }
  for (guint i = 0; i < record->attributes->len; i++)
    {
      const CopyistAttribute *attr = g_ptr_array_index (record->attributes, i);

      if (attr->key == NULL)
        continue;
      stmt = project_stmt (self, "INSERT INTO attributes (product_id, position, key, value) VALUES (?1, ?2, ?3, ?4)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int (stmt, 2, (int) i);
      sqlite3_bind_text (stmt, 3, attr->key, -1, SQLITE_STATIC);
      project_bind_text_or_null (stmt, 4, attr->value);
      if (!project_step_done (self, stmt, _("saving attributes"), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
find_by_sku (CopyistProject *self, const char *sku, gint64 *id, GError **error)
{
  sqlite3_stmt *stmt = project_stmt (self, "SELECT id FROM products WHERE sku = ?1 ORDER BY id LIMIT 1", error);
  int rc;

  *id = 0;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sku, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      project_set_error (self, error, sqlite3_extended_errcode (self->db), _("looking up a SKU"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
import_one (CopyistProject *self, CopyistRecord *record, gint64 existing, gint64 position, GError **error)
{
  g_autofree char *headers = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *adcopy = adcopy_join (record);
  const char *language = record->language;
  gboolean created = (existing == 0);
  sqlite3_stmt *stmt;
  gint64 id = existing;

  if (language == NULL)
    {
      /* The importers set it; a record made elsewhere gets the same guess. */
      g_autofree char *sample = g_strjoin ("\n", record->title ? record->title : "",
                                          record->description ? record->description : "", NULL);
      language = copyist_guess_language (sample);
    }
  if (record->source_headers != NULL)
    {
      GString *out = g_string_new (NULL);
      json_append_strv (out, record->source_headers);
      headers = g_string_free (out, FALSE);
    }
  if (record->source_rows != NULL && record->source_rows->len > 0)
    rows = source_rows_to_json (record->source_rows);

  if (created)
    stmt = project_stmt (self, "INSERT INTO products (sku, title, category, language, source_format, source_headers, "
                               "source_rows, description_html, position, created, modified, search) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?12)", error);
  else
    stmt = project_stmt (self, "UPDATE products SET sku = ?1, title = ?2, category = ?3, language = ?4, "
                               "source_format = ?5, source_headers = ?6, source_rows = ?7, "
                               "description_html = coalesce (?8, description_html), modified = ?10 WHERE id = ?11", error);
  if (stmt == NULL)
    return FALSE;
  project_bind_text_or_null (stmt, 1, record->sku);
  project_bind_text_or_null (stmt, 2, record->title);
  project_bind_text_or_null (stmt, 3, record->category);
  project_bind_text_or_null (stmt, 4, language);
  project_bind_text_or_null (stmt, 5, record->source_format);
  project_bind_text_or_null (stmt, 6, headers);
  project_bind_text_or_null (stmt, 7, rows);
  project_bind_text_or_null (stmt, 8, record->description_html);
  if (created)
    sqlite3_bind_int64 (stmt, 9, position);
  sqlite3_bind_int64 (stmt, 10, project_now ());
  if (!created)
    sqlite3_bind_int64 (stmt, 11, id);
  else
    sqlite3_bind_text (stmt, 12, project_search_text (record->title, record->sku, record->category,
                                                      record->description), -1, g_free);
  if (!project_step_done (self, stmt, _("saving a product"), error))
    return FALSE;
  if (created)
    {
      id = sqlite3_last_insert_rowid (self->db);
      if (!project_action_created (self, id, error))
        return FALSE;
    }
  if (!write_attributes (self, id, record, !created, error)
      || !import_text (self, id, COPYIST_FIELD_DESCRIPTION, record->description, created, error)
      || !import_text (self, id, COPYIST_FIELD_ADCOPY, adcopy, created, error))
    return FALSE;
  record->id = id;
  /* A new product is "new" whatever it brought, and its search text is in. */
  return created || project_update_product (self, id, error);
}

static void
report_skip (CopyistImportReport *report, guint index, const CopyistRecord *record, const char *why)
{
  if (report == NULL)
    return;
  report->skipped++;
  if (record->sku != NULL)
    g_ptr_array_add (report->reasons, g_strdup_printf (_("record %u (SKU %s): %s"), index + 1, record->sku, why));
  else
    g_ptr_array_add (report->reasons, g_strdup_printf (_("record %u: %s"), index + 1, why));
}

gboolean
copyist_project_import_records (CopyistProject *self, GPtrArray *records, CopyistImportMode mode,
                                CopyistImportReport *report, GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *label = NULL;
  CopyistImportReport local_report;
  sqlite3_stmt *stmt;
  gint64 position = 0;

  g_return_val_if_fail (COPYIST_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (records != NULL, FALSE);

  copyist_import_report_init (&local_report);
  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Import %u product", "Import %u products", records->len),
                           records->len);
  if (!project_action_begin (self, "import", label, NULL, error))
    {
      copyist_import_report_clear (&local_report);
      return FALSE;
    }
  stmt = project_stmt (self, "SELECT coalesce (max (position), 0) FROM products", error);
  if (stmt == NULL)
    goto fail;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    position = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  for (guint i = 0; i < records->len; i++)
    {
      CopyistRecord *record = g_ptr_array_index (records, i);
      gboolean has_sku = record->sku != NULL && *record->sku != '\0';
      gint64 existing = 0;

      if (!project_job_step (self, i, records->len, error))
        goto fail;
      if ((record->title == NULL || *record->title == '\0') && !has_sku && record->attributes->len == 0)
        {
          report_skip (&local_report, i, record, _("empty: no title, SKU or attributes"));
          continue;
        }
      if (has_sku)
        {
          if (g_hash_table_contains (seen, record->sku))
            {
              report_skip (&local_report, i, record, _("the same SKU appears earlier in this import"));
              continue;
            }
          g_hash_table_add (seen, record->sku);
          if (!find_by_sku (self, record->sku, &existing, error))
            goto fail;
          if (existing != 0 && mode == COPYIST_IMPORT_CREATE_ONLY)
            {
              report_skip (&local_report, i, record, _("a product with this SKU is already in the project"));
              continue;
            }
          if (existing != 0 && !project_action_touch (self, existing, error))
            goto fail;
        }
      if (!import_one (self, record, existing, existing ? 0 : ++position, error))
        {
          g_prefix_error (error, _("record %u: "), i + 1);
          goto fail;
        }
      if (existing)
        local_report.updated++;
      else
        local_report.created++;
    }
  if (local_report.created + local_report.updated > COPYIST_PROJECT_CHANGED_LIST_MAX)
    project_note_changed_all (self);
  if (!project_action_end (self, TRUE, error))
    {
      copyist_import_report_clear (&local_report);
      return FALSE;
    }
  if (report != NULL)
    {
      copyist_import_report_clear (report);
      *report = local_report;
    }
  else
    copyist_import_report_clear (&local_report);
  return TRUE;

fail:
  project_action_end (self, FALSE, NULL);
  copyist_import_report_clear (&local_report);
  return FALSE;
}

