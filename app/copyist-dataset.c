/* copyist-dataset.c — rows of (attributes, text) from a data file */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "copyist-dataset.h"
#include "copyist-table.h"

G_DEFINE_QUARK (copyist-dataset-error-quark, copyist_dataset_error)

static void
example_free (CopyistExample *ex)
{
  ce_attrs_clear (&ex->attrs);
  g_free (ex->text);
  g_free (ex->attrs_key);
  g_free (ex->attrs_text);
  g_free (ex);
}

void
copyist_dataset_free (CopyistDataset *ds)
{
  if (ds == NULL)
    return;
  g_ptr_array_unref (ds->examples);
  g_free (ds->display_name);
  g_free (ds);
}

static int
find_column (CopyistTable *table, const char *name, const char *what, GError **error)
{
  int col = copyist_table_find_column (table, name);

  if (col < 0)
    {
      g_autofree char *names = g_strjoinv (", ", table->headers);
      g_set_error (error, COPYIST_DATASET_ERROR, COPYIST_DATASET_ERROR_COLUMN,
                   _("%s: there is no %s column “%s” (the columns are: %s)"),
                   table->display_name, what, name, names);
    }
  return col;
}

CopyistDataset *
copyist_dataset_read (GFile *file, const char *attr_columns, const char *text_column,
                      GCancellable *cancellable, GError **error)
{
  g_autoptr(CopyistTable) table = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree int *cols = NULL;
  g_autoptr(CopyistDataset) ds = NULL;
  guint n_cols;
  int text_col = -1;
  char msg[CE_MSG_SIZE];

  table = copyist_table_read (file, NULL, cancellable, NULL, NULL, error);
  if (table == NULL)
    return NULL;

  names = g_strsplit (attr_columns, ",", -1);
  n_cols = g_strv_length (names);
  if (n_cols == 0)
    {
      g_set_error (error, COPYIST_DATASET_ERROR, COPYIST_DATASET_ERROR_COLUMN,
                   _("%s: no attribute column was given"), table->display_name);
      return NULL;
    }
  cols = g_new (int, n_cols);
  for (guint i = 0; i < n_cols; i++)
    {
      g_strstrip (names[i]);
      if ((cols[i] = find_column (table, names[i], _("attribute"), error)) < 0)
        return NULL;
    }
  if (text_column != NULL && (text_col = find_column (table, text_column, _("text"), error)) < 0)
    return NULL;

  ds = g_new0 (CopyistDataset, 1);
  ds->examples = g_ptr_array_new_with_free_func ((GDestroyNotify) example_free);
  ds->display_name = g_strdup (table->display_name);

  for (guint r = 0; r < table->rows->len; r++)
    {
      const CopyistTableRow *row = g_ptr_array_index (table->rows, r);
      CopyistExample *ex = g_new0 (CopyistExample, 1);
      CeStatus st = CE_OK;

      ce_attrs_init (&ex->attrs);
      ex->line = row->line;
      g_ptr_array_add (ds->examples, ex);

      if (n_cols == 1)
        {
          const char *cell = row->cells[cols[0]];
          /* One column: a structured list of attributes. */
          st = ce_attrs_parse (&ex->attrs, cell, CE_ATTRS_AUTO, msg);
          if (st != CE_OK)
            {
              g_set_error (error, COPYIST_DATASET_ERROR, COPYIST_DATASET_ERROR_ATTRIBUTES,
                           _("%s, line %u, column “%s”: %s"), table->display_name, row->line,
                           table->headers[cols[0]], msg);
              return NULL;
            }
        }
      else
        for (guint c = 0; c < n_cols; c++)
          {
            const char *cell = row->cells[cols[c]];
            if (*cell == '\0')
              continue;
            if ((st = ce_attrs_add (&ex->attrs, table->headers[cols[c]], cell, msg)) != CE_OK)
              {
                g_set_error (error, COPYIST_DATASET_ERROR, COPYIST_DATASET_ERROR_ATTRIBUTES,
                             _("%s, line %u, column “%s”: %s"), table->display_name, row->line,
                             table->headers[cols[c]], msg);
                return NULL;
              }
          }
      if (ex->attrs.n == 0)
        {
          g_set_error (error, COPYIST_DATASET_ERROR, COPYIST_DATASET_ERROR_ATTRIBUTES,
                       _("%s, line %u: the row has no attributes (column “%s” is empty)"),
                       table->display_name, row->line, table->headers[cols[0]]);
          return NULL;
        }
      {
        char *key = ce_attrs_format (&ex->attrs, CE_ATTRS_BRACKETS);
        ex->attrs_key = g_strdup (key);
        free (key);
        ex->attrs_text = g_strdup (n_cols == 1 ? row->cells[cols[0]] : ex->attrs_key);
      }

      if (text_col >= 0)
        {
          const char *text = row->cells[text_col];
          glong chars = g_utf8_strlen (text, -1);
          if (chars == 0)
            {
              g_set_error (error, COPYIST_DATASET_ERROR, COPYIST_DATASET_ERROR_TEXT,
                           _("%s, line %u, column “%s”: the text is empty"),
                           table->display_name, row->line, table->headers[text_col]);
              return NULL;
            }
          if (chars > COPYIST_DATASET_MAX_TEXT_CHARS)
            {
              g_set_error (error, COPYIST_DATASET_ERROR, COPYIST_DATASET_ERROR_TEXT,
                           _("%s, line %u, column “%s”: the text is %ld characters long; the limit is %d"),
                           table->display_name, row->line, table->headers[text_col], chars,
                           COPYIST_DATASET_MAX_TEXT_CHARS);
              return NULL;
            }
          ex->text = g_strdup (text);
        }
    }
  if (ds->examples->len == 0)
    {
      g_set_error (error, COPYIST_DATASET_ERROR, COPYIST_DATASET_ERROR_EMPTY,
                   _("%s: there are no data rows"), table->display_name);
      return NULL;
    }
  return g_steal_pointer (&ds);
}

CeCopyExample *
copyist_dataset_engine_examples (CopyistDataset *ds)
{
  CeCopyExample *ex = g_new0 (CeCopyExample, ds->examples->len > 0 ? ds->examples->len : 1);

  for (guint i = 0; i < ds->examples->len; i++)
    {
      CopyistExample *e = g_ptr_array_index (ds->examples, i);
      ex[i].attrs = &e->attrs;
      ex[i].text = e->text;
    }
  return ex;
}

void
copyist_dataset_split (CopyistDataset *ds, double fraction, guint max_groups, guint64 seed,
                       GPtrArray **train, GPtrArray **heldout)
{
  g_autoptr(GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GHashTable) held = g_hash_table_new (g_str_hash, g_str_equal);
  CeRng rng;
  guint n_held;

  for (guint i = 0; i < ds->examples->len; i++)
    {
      CopyistExample *e = g_ptr_array_index (ds->examples, i);
      if (!g_hash_table_contains (groups, e->attrs_key))
        {
          g_hash_table_add (groups, e->attrs_key);
          g_ptr_array_add (keys, e->attrs_key);
        }
    }
  /* Keys in file order, then a seeded shuffle: deterministic. */
  ce_rng_seed (&rng, seed);
  for (guint i = keys->len; i > 1; i--)
    {
      guint j = ce_rng_below (&rng, i);
      gpointer t = keys->pdata[i - 1];
      keys->pdata[i - 1] = keys->pdata[j];
      keys->pdata[j] = t;
    }
  n_held = (guint) (fraction * keys->len + 0.5);
  if (n_held > max_groups)
    n_held = max_groups;
  if (keys->len > 1 && n_held >= keys->len)
    n_held = keys->len - 1;
  for (guint i = 0; i < n_held; i++)
    g_hash_table_add (held, keys->pdata[i]);

  *train = g_ptr_array_new ();
  *heldout = g_ptr_array_new ();
  for (guint i = 0; i < ds->examples->len; i++)
    {
      CopyistExample *e = g_ptr_array_index (ds->examples, i);
      g_ptr_array_add (g_hash_table_contains (held, e->attrs_key) ? *heldout : *train, e);
    }
}
