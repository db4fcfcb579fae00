/* copyist-project-migrations.c — the project schema, version by version
 *
 * A new project is built by running every step from version 0, so the
 * migration path is exercised every time a project is created. A step is
 * never edited once released: a schema change is a new step at the end and
 * COPYIST_PROJECT_SCHEMA_VERSION goes up by one. All steps run in one
 * transaction with the user_version update: an interrupted migration leaves
 * the file at its old version.
 *
 *   1  products, attributes, texts, variants, models, runs, history, meta
 *   2  products.search (case-folded title, SKU, category and description
 *      start, for the product list's substring search), the saved column
 *      mappings, an index by category
 */
#include "config.h"

#include <glib/gi18n.h>

#include "copyist-project-private.h"

static const char schema_v1[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
  "CREATE TABLE products ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  sku TEXT, title TEXT, category TEXT, language TEXT,"
  "  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'generated', 'edited', 'approved')),"
  "  source_format TEXT,"
  "  source_headers TEXT," /* JSON array of strings */
  "  source_rows TEXT,"    /* JSON array of arrays of strings */
  "  description_html TEXT,"
  "  position INTEGER NOT NULL,"
  "  created INTEGER, modified INTEGER);"
  "CREATE INDEX products_sku ON products (sku);"
  "CREATE INDEX products_position ON products (position);"
  "CREATE INDEX products_title ON products (title COLLATE NOCASE, position);"
  "CREATE INDEX products_status ON products (status, position);"
  "CREATE TABLE attributes ("
  "  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL, key TEXT NOT NULL, value TEXT,"
  "  PRIMARY KEY (product_id, position)) WITHOUT ROWID;"
  "CREATE TABLE models ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, kind TEXT NOT NULL, field TEXT NOT NULL,"
  "  language TEXT, created INTEGER, size INTEGER, checkpoint BLOB, summary TEXT);"
  "CREATE TABLE variants ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,"
  "  field TEXT NOT NULL, text TEXT NOT NULL, origin TEXT NOT NULL,"
  "  model_id INTEGER REFERENCES models (id) ON DELETE SET NULL, created INTEGER);"
  "CREATE INDEX variants_product ON variants (product_id, field);"
  "CREATE INDEX variants_model ON variants (model_id) WHERE model_id IS NOT NULL;"
  "CREATE TABLE texts ("
  "  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,"
  "  field TEXT NOT NULL, text TEXT,"
  "  origin TEXT NOT NULL DEFAULT 'none',"
  "  current_variant INTEGER," /* variants.id, NULL for a hand edit */
  "  locked INTEGER NOT NULL DEFAULT 0, approved INTEGER NOT NULL DEFAULT 0,"
  "  model_id INTEGER REFERENCES models (id) ON DELETE SET NULL, modified INTEGER,"
  "  PRIMARY KEY (product_id, field)) WITHOUT ROWID;"
  "CREATE INDEX texts_model ON texts (model_id) WHERE model_id IS NOT NULL;"
  "CREATE TABLE runs ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  model_id INTEGER REFERENCES models (id) ON DELETE SET NULL,"
  "  kind TEXT, field TEXT, started INTEGER, finished INTEGER, status TEXT, curve TEXT, summary TEXT);"
  "CREATE INDEX runs_model ON runs (model_id) WHERE model_id IS NOT NULL;"
  "CREATE TABLE history ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, label TEXT, merge_key TEXT,"
  "  created INTEGER, undone INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX history_undone ON history (undone, id);"
  "CREATE TABLE history_items ("
  "  history_id INTEGER NOT NULL REFERENCES history (id) ON DELETE CASCADE,"
  "  product_id INTEGER NOT NULL,"
  "  before BLOB," /* the product before the action (NULL: it did not exist) */
  "  after BLOB,"  /* the product after it, captured when the action is undone */
  "  PRIMARY KEY (history_id, product_id)) WITHOUT ROWID;";

/* An FTS5 trigram index was measured here first: it more than doubled the
 * cost of inserting 100 000 products, and a substring scan of one short
 * column answers a search of 100 000 products in tens of milliseconds, for
 * CJK queries of one or two characters too (below trigram size). */
static const char schema_v2[] =
  "ALTER TABLE products ADD COLUMN search TEXT;"
  "UPDATE products SET search = copyist_search_text (title, sku, category,"
  "  (SELECT t.text FROM texts t WHERE t.product_id = products.id AND t.field = 'description'));"
  "CREATE TABLE mapping ("
  "  source_format TEXT NOT NULL, signature TEXT NOT NULL, mapping TEXT NOT NULL, saved INTEGER,"
  "  PRIMARY KEY (source_format, signature));"
  "CREATE INDEX products_category ON products (category, position);";

/* steps[i] takes the schema from version i to i + 1 */
static const char *const steps[] = { schema_v1, schema_v2 };

G_STATIC_ASSERT (G_N_ELEMENTS (steps) == COPYIST_PROJECT_SCHEMA_VERSION);

gboolean
project_migrate (CopyistProject *self, int from_version, GError **error)
{
  g_autofree char *set_version = NULL;
  g_autofree char *set_app_id = NULL;

  g_return_val_if_fail (from_version >= 0 && from_version < COPYIST_PROJECT_SCHEMA_VERSION, FALSE);

  if (!project_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (int v = from_version; v < COPYIST_PROJECT_SCHEMA_VERSION; v++)
    {
      g_autoptr(GError) local = NULL;
      if (!project_exec (self, steps[v], &local))
        {
          g_set_error (error, local->domain, local->code,
                       _("%s: migrating the project from format %d to %d failed; it was not changed: %s"),
                       self->path, v, v + 1, local->message);
          project_exec (self, "ROLLBACK", NULL);
          return FALSE;
        }
    }
  set_version = g_strdup_printf ("PRAGMA user_version = %d", COPYIST_PROJECT_SCHEMA_VERSION);
  set_app_id = g_strdup_printf ("PRAGMA application_id = %d", COPYIST_PROJECT_APPLICATION_ID);
  if (!project_exec (self, set_version, error)
      || !project_exec (self, set_app_id, error)
      || !project_exec (self, "COMMIT", error))
    {
      project_exec (self, "ROLLBACK", NULL);
      return FALSE;
    }
  if (from_version > 0)
    g_debug ("%s: migrated from format %d to %d", self->path, from_version, COPYIST_PROJECT_SCHEMA_VERSION);
  return TRUE;
}
