/* copyist-table-ods.c — the streaming ODS reader: content.xml through the
 * safe SAX parser, repeated rows/columns without materialising the empty
 * ones, merged cells (spanned/covered) filled, typed values as text. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "copyist-table-private.h"

typedef struct {
  SaxBase     base;
  const char *want;          /* sheet name, or NULL for the first */
  GPtrArray  *sheets;        /* sniffing: CopyistSheetInfo* for every table */
  GPtrArray  *names;         /* every table name seen, for messages */
  char       *used;          /* the table read */
  gboolean    done;          /* the wanted table was read */
  int         depth;         /* >0 inside the active table */
  gboolean    active;
  guint       row;           /* rows so far (with repeats) */
  guint       row_repeat;
  gboolean    in_row;
  GPtrArray  *cells;         /* GString* by column, reused */
  guint       n_cells;       /* one past the last non-empty cell */
  guint       col;
  /* the current cell */
  gboolean    in_cell;
  gboolean    covered;
  guint       col_repeat, col_span, row_span;
  char       *value_type, *value, *date_value, *time_value, *bool_value;
  GString    *text;
  guint       n_p;
  gboolean    in_p;
  int         annotation;
  /* merged cells: the spanning value per column and the row (0-based, with
   * repeats) where its span ends; nothing is counted down per row, so a long
   * sheet under a wide merge costs no more than any other */
  GPtrArray  *span_value;
  GArray     *span_rows;
  GPtrArray  *ptrs;
  GArray     *lens;
} OdsState;

static const char *
ods_attr (const xmlChar **attrs, int n, const char *local, char **slot)
{
  g_free (*slot);
  *slot = sax_attr_dup (attrs, n, local);
  return *slot;
}

static guint
ods_attr_uint (const xmlChar **attrs, int n, const char *local, guint fallback)
{
  char buf[24];
  guint64 v;

  if (sax_attr_value (attrs, n, local, buf, sizeof buf) == NULL)
    return fallback;
  v = g_ascii_strtoull (buf, NULL, 10);
  return v == 0 ? fallback : (guint) MIN (v, (guint64) G_MAXUINT32);
}

static GString *
ods_cell (OdsState *st, guint col)
{
  while (st->cells->len <= col)
    g_ptr_array_add (st->cells, g_string_new (NULL));
  return g_ptr_array_index (st->cells, col);
}

static void
ods_start_cb (void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
              int n_ns, const xmlChar **ns, int n_attrs, int n_defaulted, const xmlChar **attrs)
{
  OdsState *st = ctx;
  const CopyistReadLimits *lim = &st->base.builder->opts->limits;
  const char *name = (const char *) local;

  if (st->depth > 0)
    st->depth++;

  if (strcmp (name, "table") == 0 && st->depth == 0 && !st->done)
    {
      char *tname = NULL;
      ods_attr (attrs, n_attrs, "name", &tname);
      if (tname == NULL)
        tname = g_strdup_printf ("Sheet%u", st->names->len + 1);
      g_ptr_array_add (st->names, g_strdup (tname));
      st->active = st->sheets != NULL || st->want == NULL || strcmp (st->want, tname) == 0;
      if (st->active)
        {
          st->depth = 1;
          st->row = 0;
          st->base.builder->counted = 0;
          g_free (st->used);
          st->used = tname;
          g_array_set_size (st->span_rows, 0);
        }
      else
        g_free (tname);
      return;
    }
  if (!st->active || st->depth == 0)
    return;

  if (strcmp (name, "table-row") == 0)
    {
      st->row_repeat = ods_attr_uint (attrs, n_attrs, "number-rows-repeated", 1);
      st->in_row = TRUE;
      st->n_cells = 0;
      st->col = 0;
    }
  else if ((strcmp (name, "table-cell") == 0 || strcmp (name, "covered-table-cell") == 0) && st->in_row)
    {
      st->in_cell = TRUE;
      st->covered = name[0] == 'c';
      st->col_repeat = ods_attr_uint (attrs, n_attrs, "number-columns-repeated", 1);
      st->col_span = ods_attr_uint (attrs, n_attrs, "number-columns-spanned", 1);
      st->row_span = ods_attr_uint (attrs, n_attrs, "number-rows-spanned", 1);
      ods_attr (attrs, n_attrs, "value-type", &st->value_type);
      ods_attr (attrs, n_attrs, "value", &st->value);
      ods_attr (attrs, n_attrs, "date-value", &st->date_value);
      ods_attr (attrs, n_attrs, "time-value", &st->time_value);
      ods_attr (attrs, n_attrs, "boolean-value", &st->bool_value);
      g_string_truncate (st->text, 0);
      st->n_p = 0;
      if ((guint64) st->col + 1 > lim->max_columns)
        sax_fail (&st->base, COPYIST_TABLE_ERROR_LIMIT,
                  _("%s, row %u: more than %u columns (absurd dimensions)"), st->base.file, st->row + 1,
                  lim->max_columns);
    }
  else if (strcmp (name, "annotation") == 0)
    st->annotation++;
  else if (st->in_cell && st->annotation == 0)
    {
      if (strcmp (name, "p") == 0 || strcmp (name, "h") == 0)
        {
          if (st->n_p++ > 0)
            g_string_append_c (st->text, '\n');
          st->in_p = TRUE;
        }
      else if (strcmp (name, "s") == 0)
        {
          /* Spaces count against the cell limit like text: a 20-byte
           * element must not add a kilobyte unchecked. */
          guint n = MIN (ods_attr_uint (attrs, n_attrs, "c", 1), 1000u);
          if (st->text->len + n > lim->max_cell_bytes)
            {
              char letters[8];
              table_column_letters (st->col, letters);
              sax_fail (&st->base, COPYIST_TABLE_ERROR_LIMIT, _("%s, row %u, column %s: a cell longer than %u bytes"),
                        st->base.file, st->row + 1, letters, lim->max_cell_bytes);
              return;
            }
          for (guint i = 0; i < n; i++)
            g_string_append_c (st->text, ' ');
        }
      else if (strcmp (name, "tab") == 0)
        g_string_append_c (st->text, '\t');
      else if (strcmp (name, "line-break") == 0)
        g_string_append_c (st->text, '\n');
    }
}

/* "PT08H30M05S" → "08:30:05". */
static void
format_ods_time (const char *v, GString *out)
{
  guint h = 0, m = 0;
  double s = 0;

  if (sscanf (v, "PT%uH%uM%lfS", &h, &m, &s) == 3)
    g_string_append_printf (out, "%02u:%02u:%02u", h, m, (guint) (s + 0.5));
  else
    g_string_append (out, v);
}

static void
ods_cell_value (OdsState *st, GString *out)
{
  const char *t = st->value_type;

  g_string_truncate (out, 0);
  if (t != NULL && (strcmp (t, "float") == 0 || strcmp (t, "percentage") == 0 || strcmp (t, "currency") == 0)
      && st->value != NULL)
    table_format_number (st->value, out);
  else if (t != NULL && strcmp (t, "date") == 0 && st->date_value != NULL)
    {
      /* Midnight is a plain date. */
      if (g_str_has_suffix (st->date_value, "T00:00:00"))
        g_string_append_len (out, st->date_value, (gssize) strlen (st->date_value) - 9);
      else
        g_string_append (out, st->date_value);
    }
  else if (t != NULL && strcmp (t, "time") == 0 && st->time_value != NULL)
    format_ods_time (st->time_value, out);
  else if (t != NULL && strcmp (t, "boolean") == 0 && st->bool_value != NULL)
    g_string_append (out, g_ascii_strcasecmp (st->bool_value, "true") == 0 ? "TRUE" : "FALSE");
  else
    g_string_append_len (out, st->text->str, (gssize) st->text->len);
}

static void
ods_end_cell (OdsState *st)
{
  const CopyistReadLimits *lim = &st->base.builder->opts->limits;
  GString *value = g_string_new (NULL);

  ods_cell_value (st, value);
  if (st->covered && value->len == 0 && st->col < st->span_rows->len
      && g_array_index (st->span_rows, guint, st->col) > st->row)
    g_string_assign (value, g_ptr_array_index (st->span_value, st->col));

  if (value->len > 0)
    {
      if ((guint64) st->col + st->col_repeat > lim->max_columns)
        {
          sax_fail (&st->base, COPYIST_TABLE_ERROR_LIMIT,
                    _("%s, row %u: a cell repeated past the %u-column limit (absurd dimensions)"),
                    st->base.file, st->row + 1, lim->max_columns);
          g_string_free (value, TRUE);
          return;
        }
      for (guint k = st->n_cells; k < st->col; k++)
        g_string_truncate (ods_cell (st, k), 0);
      for (guint k = 0; k < st->col_repeat; k++)
        g_string_assign (ods_cell (st, st->col + k), value->str);
      st->n_cells = st->col + st->col_repeat;

      if (!st->covered && (st->col_span > 1 || st->row_span > 1))
        {
          guint end = MIN ((guint64) st->col + st->col_span, (guint64) lim->max_columns);
          while (st->span_value->len < end)
            g_ptr_array_add (st->span_value, NULL);
          if (st->span_rows->len < end)
            {
              guint old = st->span_rows->len;
              g_array_set_size (st->span_rows, end);
              for (guint k = old; k < end; k++)
                g_array_index (st->span_rows, guint, k) = 0;
            }
          for (guint k = st->col; k < end; k++)
            {
              g_free (st->span_value->pdata[k]);
              st->span_value->pdata[k] = g_strdup (value->str);
              g_array_index (st->span_rows, guint, k)
                = (guint) MIN ((guint64) st->row + st->row_span, (guint64) G_MAXUINT32);
            }
        }
    }
  st->col = (guint) MIN ((guint64) st->col + st->col_repeat, (guint64) G_MAXUINT32 - 1);
  g_string_free (value, TRUE);
}

static void
ods_end_row (OdsState *st)
{
  TableBuilder *b = st->base.builder;
  GError *error = NULL;

  g_ptr_array_set_size (st->ptrs, 0);
  g_array_set_size (st->lens, 0);
  for (guint i = 0; i < st->n_cells; i++)
    {
      GString *s = g_ptr_array_index (st->cells, i);
      g_ptr_array_add (st->ptrs, s->str);
      g_array_append_val (st->lens, s->len);
    }
  if (st->n_cells == 0)
    st->row = (guint) MIN ((guint64) st->row + st->row_repeat, (guint64) G_MAXUINT32 - 1); /* empty rows cost nothing */
  else if (st->row_repeat > b->opts->limits.max_rows)
    {
      /* Refused before one copy is made: a few hundred bytes repeating a
       * row four billion times would otherwise loop that often (the sniff
       * and blank rows store nothing, so no row limit would stop it). */
      sax_fail (&st->base, COPYIST_TABLE_ERROR_LIMIT,
                _("%s, row %u: a row repeated %u times, past the %u-row limit (absurd dimensions)"),
                st->base.file, st->row + 1, st->row_repeat, b->opts->limits.max_rows);
      return;
    }
  else
    {
      guint first = st->row + 1;
      st->row = (guint) MIN ((guint64) st->row + st->row_repeat, (guint64) G_MAXUINT32 - 1);
      if (!table_builder_add_repeated_row (b, first, st->row_repeat, (const char * const *) st->ptrs->pdata,
                                           (const gsize *) (gpointer) st->lens->data, st->ptrs->len, &error))
        {
          if (error != NULL && st->base.error == NULL)
            st->base.error = error;
          else
            g_clear_error (&error);
          xmlStopParser (st->base.ctxt);
          return;
        }
    }
}

static void
ods_end_cb (void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
  OdsState *st = ctx;
  const char *name = (const char *) local;

  if (!st->active || st->depth == 0)
    return;
  st->depth--;
  if (st->depth == 0)
    {
      /* The end of the active table. */
      if (st->sheets != NULL)
        {
          CopyistSheetInfo *info = g_new0 (CopyistSheetInfo, 1);
          info->name = g_strdup (st->used);
          info->n_rows = st->base.builder->counted;
          g_ptr_array_add (st->sheets, info);
        }
      else
        st->done = TRUE;
      st->active = FALSE;
      return;
    }
  if (strcmp (name, "annotation") == 0)
    st->annotation--;
  else if (strcmp (name, "p") == 0 || strcmp (name, "h") == 0)
    st->in_p = FALSE;
  else if ((strcmp (name, "table-cell") == 0 || strcmp (name, "covered-table-cell") == 0) && st->in_cell)
    {
      ods_end_cell (st);
      st->in_cell = FALSE;
    }
  else if (strcmp (name, "table-row") == 0 && st->in_row)
    {
      st->in_row = FALSE;
      ods_end_row (st);
    }
}

static void
ods_chars_cb (void *ctx, const xmlChar *ch, int len)
{
  OdsState *st = ctx;

  if (!st->active || !st->in_cell || !st->in_p || st->annotation > 0)
    return;
  if (st->text->len + (gsize) len > st->base.builder->opts->limits.max_cell_bytes)
    {
      char letters[8];
      table_column_letters (st->col, letters);
      sax_fail (&st->base, COPYIST_TABLE_ERROR_LIMIT, _("%s, row %u, column %s: a cell longer than %u bytes"),
                st->base.file, st->row + 1, letters, st->base.builder->opts->limits.max_cell_bytes);
      return;
    }
  g_string_append_len (st->text, (const char *) ch, len);
}

gboolean
ods_read (TableBuilder *b, const guint8 *data, gsize len, const char *sheet, char **sheet_used,
          GPtrArray *sheets, GError **error)
{
  ZipReader *z = zip_reader_open (data, len, b, error);
  OdsState st = { 0 };
  xmlSAXHandler sax;
  gboolean found = FALSE, ok;

  st.base.builder = b;
  st.base.file = b->name;
  st.want = sheet != NULL && sheet[0] != '\0' ? sheet : NULL;
  st.sheets = sheets;
  st.names = g_ptr_array_new_with_free_func (g_free);
  st.cells = g_ptr_array_new ();
  st.text = g_string_new (NULL);
  st.span_value = g_ptr_array_new_with_free_func (g_free);
  st.span_rows = g_array_new (FALSE, TRUE, sizeof (guint));
  st.ptrs = g_ptr_array_new ();
  st.lens = g_array_new (FALSE, FALSE, sizeof (gsize));

  ok = zip_reader_find (z, "content.xml", &found, error);
  if (ok && !found)
    {
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_CORRUPT,
                   _("%s is damaged: content.xml is missing"), b->name);
      ok = FALSE;
    }
  if (ok)
    {
      xml_sax_make_safe (&sax);
      sax.startElementNs = ods_start_cb;
      sax.endElementNs = ods_end_cb;
      sax.characters = ods_chars_cb;
      ok = zip_reader_sax (z, "content.xml", &sax, &st.base, error) || b->stopped;
    }
  if (ok && sheets == NULL && !st.done && !b->stopped)
    {
      if (st.names->len == 0)
        g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_EMPTY, _("%s has no sheets"), b->name);
      else
        {
          g_autoptr(GString) names = g_string_new (NULL);
          for (guint i = 0; i < st.names->len; i++)
            g_string_append_printf (names, "%s“%s”", i ? ", " : "", (const char *) g_ptr_array_index (st.names, i));
          g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_NO_SHEET,
                       _("%s has no sheet named “%s”; its sheets are %s"), b->name, sheet, names->str);
        }
      ok = FALSE;
    }
  if (ok && sheet_used != NULL)
    *sheet_used = g_steal_pointer (&st.used);

  for (guint i = 0; i < st.cells->len; i++)
    g_string_free (g_ptr_array_index (st.cells, i), TRUE);
  g_ptr_array_unref (st.cells);
  g_ptr_array_unref (st.names);
  g_string_free (st.text, TRUE);
  g_ptr_array_unref (st.span_value);
  g_array_unref (st.span_rows);
  g_ptr_array_unref (st.ptrs);
  g_array_unref (st.lens);
  g_free (st.used);
  g_free (st.value_type);
  g_free (st.value);
  g_free (st.date_value);
  g_free (st.time_value);
  g_free (st.bool_value);
  zip_reader_free (z);
  return ok;
}
