/* copyist-table-xlsx.c — the streaming XLSX reader (transitional and
 * strict OOXML): workbook, relationships, styles (for dates) and shared
 * strings first, then the chosen sheet through a SAX push parser. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "copyist-table-private.h"

/* ---- XLSX: helpers ------------------------------------------------------ */

/* "_x000D_" escapes of OOXML strings back to characters. */
static void
ooxml_unescape (GString *s)
{
  if (strstr (s->str, "_x") == NULL)
    return;
  GString *out = g_string_sized_new (s->len);
  for (gsize i = 0; i < s->len; i++)
    {
      if (s->str[i] == '_' && i + 6 < s->len && s->str[i + 1] == 'x' && s->str[i + 6] == '_'
          && g_ascii_isxdigit (s->str[i + 2]) && g_ascii_isxdigit (s->str[i + 3])
          && g_ascii_isxdigit (s->str[i + 4]) && g_ascii_isxdigit (s->str[i + 5]))
        {
          gunichar ch = (gunichar) strtoul (s->str + i + 2, NULL, 16);
          if (ch != 0 && g_unichar_validate (ch))
            g_string_append_unichar (out, ch);
          i += 6;
        }
      else
        g_string_append_c (out, s->str[i]);
    }
  g_string_assign (s, out->str);
  g_string_free (out, TRUE);
}

/* "AB12" → column 27 (0-based), row 12; FALSE when malformed. */
static gboolean
parse_cell_ref (const char *ref, guint *col, guint *row)
{
  guint64 c = 0, r = 0;
  const char *p = ref;

  if (!g_ascii_isalpha (*p))
    return FALSE;
  while (g_ascii_isalpha (*p))
    {
      c = c * 26 + (guint64) (g_ascii_toupper (*p) - 'A' + 1);
      if (c > G_MAXUINT32)
        return FALSE;
      p++;
    }
  while (g_ascii_isdigit (*p))
    {
      r = r * 10 + (guint64) (*p - '0');
      if (r > G_MAXUINT32)
        return FALSE;
      p++;
    }
  if (*p != '\0')
    return FALSE;
  *col = (guint) (c - 1);
  *row = (guint) r;
  return TRUE;
}

/* Canonical text of a number: integers without exponent up to 15 digits,
 * otherwise 15 significant digits as Excel shows them. */
void
table_format_number (const char *raw, GString *out)
{
  char *end = NULL;
  double v = g_ascii_strtod (raw, &end);

  if (end == raw || *end != '\0')
    {
      g_string_append (out, raw);
      return;
    }
  /* the range first: casting a double out of gint64's range (or NaN) is
   * undefined (found by fuzz-table-xlsx: a cell holding 1e300) */
  if (v < 1e15 && v > -1e15 && v == (double) (gint64) v)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) v);
  else
    {
      char buf[64];
      g_ascii_formatd (buf, sizeof buf, "%.15g", v);
      for (char *e = buf; *e; e++)
        if (*e == 'e')
          *e = 'E';
      g_string_append (out, buf);
    }
}

typedef enum { NUMFMT_NUMBER, NUMFMT_DATE, NUMFMT_TIME, NUMFMT_DATETIME } NumFmtKind;

static NumFmtKind
numfmt_builtin_kind (guint id)
{
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 58))
    return NUMFMT_DATE;
  if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47))
    return NUMFMT_TIME;
  if (id == 22)
    return NUMFMT_DATETIME;
  return NUMFMT_NUMBER;
}

static NumFmtKind
numfmt_code_kind (const char *code)
{
  gboolean date = FALSE, time = FALSE;

  for (const char *p = code; *p; p++)
    {
      if (*p == '"')
        {
          p = strchr (p + 1, '"');
          if (p == NULL)
            break;
          continue;
        }
      if (*p == '[')
        {
          /* [h]:mm elapsed time, [$-409] locale, [Red] colour */
          if (p[1] == 'h' || p[1] == 'H' || p[1] == 'm' || p[1] == 's')
            time = TRUE;
          p = strchr (p, ']');
          if (p == NULL)
            break;
          continue;
        }
      if (*p == '\\' || *p == '_' || *p == '*')
        {
          if (p[1] == '\0')
            break;
          p++;
          continue;
        }
      switch (*p)
        {
        case 'd': case 'D': case 'y': case 'Y':
          date = TRUE;
          break;
        case 'h': case 'H': case 's': case 'S':
          time = TRUE;
          break;
        default:
          break;
        }
    }
  if (date && time)
    return NUMFMT_DATETIME;
  if (date)
    return NUMFMT_DATE;
  if (time)
    return NUMFMT_TIME;
  return NUMFMT_NUMBER;
}

static void
format_serial_date (double serial, NumFmtKind kind, gboolean date1904, GString *out)
{
  gint64 days = (gint64) serial;
  double frac = serial - (double) days;
  gint64 secs = (gint64) (frac * 86400.0 + 0.5);

  if (secs >= 86400)
    {
      days++;
      secs -= 86400;
    }
  if (kind != NUMFMT_TIME)
    {
      GDate date;
      if (date1904)
        g_date_set_dmy (&date, 1, G_DATE_JANUARY, 1904);
      else if (days >= 61)
        g_date_set_dmy (&date, 30, G_DATE_DECEMBER, 1899);   /* past Excel's phantom 1900-02-29 */
      else
        g_date_set_dmy (&date, 31, G_DATE_DECEMBER, 1899);
      if (days < 0 || days > 2958465)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          table_format_number (g_ascii_dtostr (buf, sizeof buf, serial), out);
          return;
        }
      g_date_add_days (&date, (guint) days);
      g_string_append_printf (out, "%04u-%02u-%02u", g_date_get_year (&date), g_date_get_month (&date),
                              g_date_get_day (&date));
      if (kind == NUMFMT_DATE && secs == 0)
        return;
      g_string_append_c (out, 'T');
    }
  g_string_append_printf (out, "%02d:%02d:%02d", (int) (secs / 3600), (int) (secs / 60 % 60), (int) (secs % 60));
}

/* ---- XLSX: workbook, relationships, styles, shared strings ------------- */

typedef struct {
  char *name;
  char *rid;
  char *path;
} XlsxSheet;

static void
xlsx_sheet_free (XlsxSheet *s)
{
  g_free (s->name);
  g_free (s->rid);
  g_free (s->path);
  g_free (s);
}

typedef struct {
  SaxBase     base;
  GPtrArray  *sheets;           /* XlsxSheet* (workbook) */
  gboolean    date1904;
  GHashTable *rels;             /* Id → Target (relationships) */
  GHashTable *rel_types;        /* Id → Type */
  GHashTable *custom_fmts;      /* numFmtId → NumFmtKind (styles) */
  GArray     *xf_kinds;         /* NumFmtKind per cellXfs entry */
  int         in_cell_xfs;
  GStringChunk *strings_chunk;  /* shared strings */
  GPtrArray  *strings;
  GString    *text;
  gboolean    in_si, in_t, in_rph;
} XlsxBook;

static void
book_start_cb (void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
               int n_ns, const xmlChar **ns, int n_attrs, int n_defaulted, const xmlChar **attrs)
{
  XlsxBook *book = ctx;
  const char *name = (const char *) local;
  char buf[32];

  if (strcmp (name, "sheet") == 0 && book->sheets != NULL)
    {
      XlsxSheet *s = g_new0 (XlsxSheet, 1);
      s->name = sax_attr_dup (attrs, n_attrs, "name");
      s->rid = sax_attr_dup (attrs, n_attrs, "id");
      if (s->name == NULL)
        s->name = g_strdup_printf ("Sheet%u", book->sheets->len + 1);
      g_ptr_array_add (book->sheets, s);
    }
  else if (strcmp (name, "workbookPr") == 0)
    {
      const char *v = sax_attr_value (attrs, n_attrs, "date1904", buf, sizeof buf);
      book->date1904 = v != NULL && (strcmp (v, "1") == 0 || g_ascii_strcasecmp (v, "true") == 0);
    }
  else if (strcmp (name, "Relationship") == 0 && book->rels != NULL)
    {
      char *id = sax_attr_dup (attrs, n_attrs, "Id");
      char *target = sax_attr_dup (attrs, n_attrs, "Target");
      char *type = sax_attr_dup (attrs, n_attrs, "Type");
      if (id != NULL && target != NULL)
        {
          g_hash_table_replace (book->rel_types, g_strdup (id), type != NULL ? type : g_strdup (""));
          g_hash_table_replace (book->rels, id, target);
        }
      else
        {
          g_free (id);
          g_free (target);
          g_free (type);
        }
    }
  else if (strcmp (name, "numFmt") == 0 && book->custom_fmts != NULL)
    {
      const char *id = sax_attr_value (attrs, n_attrs, "numFmtId", buf, sizeof buf);
      g_autofree char *code = sax_attr_dup (attrs, n_attrs, "formatCode");
      if (id != NULL && code != NULL)
        g_hash_table_insert (book->custom_fmts, GUINT_TO_POINTER ((guint) atoi (id)),
                             GINT_TO_POINTER (numfmt_code_kind (code)));
    }
  else if (strcmp (name, "cellXfs") == 0)
    book->in_cell_xfs++;
  else if (strcmp (name, "xf") == 0 && book->in_cell_xfs > 0 && book->xf_kinds != NULL)
    {
      const char *id = sax_attr_value (attrs, n_attrs, "numFmtId", buf, sizeof buf);
      guint fmt = id != NULL ? (guint) atoi (id) : 0;
      gpointer kind;
      NumFmtKind k = g_hash_table_lookup_extended (book->custom_fmts, GUINT_TO_POINTER (fmt), NULL, &kind)
                     ? (NumFmtKind) GPOINTER_TO_INT (kind) : numfmt_builtin_kind (fmt);
      g_array_append_val (book->xf_kinds, k);
    }
  else if (strcmp (name, "si") == 0 && book->strings != NULL)
    {
      book->in_si = TRUE;
      g_string_truncate (book->text, 0);
    }
  else if (strcmp (name, "rPh") == 0)
    book->in_rph = TRUE;
  else if (strcmp (name, "t") == 0 && book->in_si && !book->in_rph)
    book->in_t = TRUE;
}

static void
book_end_cb (void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
  XlsxBook *book = ctx;
  const char *name = (const char *) local;

  if (strcmp (name, "cellXfs") == 0)
    book->in_cell_xfs--;
  else if (strcmp (name, "rPh") == 0)
    book->in_rph = FALSE;
  else if (strcmp (name, "t") == 0)
    book->in_t = FALSE;
  else if (strcmp (name, "si") == 0 && book->in_si)
    {
      ooxml_unescape (book->text);
      g_ptr_array_add (book->strings, g_string_chunk_insert_len (book->strings_chunk, book->text->str,
                                                                  (gssize) book->text->len));
      book->in_si = FALSE;
    }
}

static void
book_chars_cb (void *ctx, const xmlChar *ch, int len)
{
  XlsxBook *book = ctx;

  if (!book->in_t)
    return;
  if (book->text->len + (gsize) len > book->base.builder->opts->limits.max_cell_bytes)
    {
      sax_fail (&book->base, COPYIST_TABLE_ERROR_LIMIT,
                _("%s: shared string %u is longer than %u bytes"), book->base.file,
                book->strings->len + 1, book->base.builder->opts->limits.max_cell_bytes);
      return;
    }
  g_string_append_len (book->text, (const char *) ch, len);
}

static gboolean
book_parse_part (ZipReader *z, XlsxBook *book, const char *path, gboolean required, GError **error)
{
  gboolean found;
  xmlSAXHandler sax;

  if (!zip_reader_find (z, path, &found, error))
    return FALSE;
  if (!found)
    {
      if (required)
        g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_CORRUPT,
                     _("%s is damaged: the workbook part %s is missing"), z->b->name, path);
      return !required;
    }
  xml_sax_make_safe (&sax);
  sax.startElementNs = book_start_cb;
  sax.endElementNs = book_end_cb;
  sax.characters = book_chars_cb;
  return zip_reader_sax (z, path, &sax, &book->base, error);
}

/* "worksheets/sheet1.xml" relative to the workbook's folder, or absolute. */
static char *
resolve_target (const char *base_dir, const char *target)
{
  g_autofree char *joined = target[0] == '/' ? g_strdup (target + 1) : g_build_path ("/", base_dir, target, NULL);
  g_auto(GStrv) parts = g_strsplit (joined, "/", -1);
  g_autoptr(GPtrArray) out = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0' || strcmp (parts[i], ".") == 0)
        continue;
      if (strcmp (parts[i], "..") == 0)
        {
          if (out->len > 0)
            g_ptr_array_remove_index (out, out->len - 1);
          continue;
        }
      g_ptr_array_add (out, parts[i]);
    }
  g_ptr_array_add (out, NULL);
  return g_strjoinv ("/", (char **) out->pdata);
}

/* ---- XLSX: the sheet ---------------------------------------------------- */

typedef struct {
  SaxBase     base;
  XlsxBook   *book;
  GPtrArray  *cells;       /* GString* by column, reused */
  guint       n_cells;     /* columns used in this row */
  guint       row;         /* current row number */
  guint       col;         /* current cell's column */
  gboolean    in_row, in_cell, in_v, in_is, in_t, in_rph;
  char        type[16];
  int         style;
  GString    *value;
  GPtrArray  *ptrs;
  GArray     *lens;
} XlsxSheetState;

static GString *
sheet_cell (XlsxSheetState *st, guint col)
{
  while (st->cells->len <= col)
    g_ptr_array_add (st->cells, g_string_new (NULL));
  return g_ptr_array_index (st->cells, col);
}

static void
sheet_start_cb (void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                int n_ns, const xmlChar **ns, int n_attrs, int n_defaulted, const xmlChar **attrs)
{
  XlsxSheetState *st = ctx;
  const CopyistReadLimits *lim = &st->base.builder->opts->limits;
  const char *name = (const char *) local;
  char buf[64];

  if (strcmp (name, "c") == 0 && st->in_row)
    {
      const char *ref = sax_attr_value (attrs, n_attrs, "r", buf, sizeof buf);
      guint col = st->n_cells, row = st->row;
      if (ref != NULL && !parse_cell_ref (ref, &col, &row))
        {
          sax_fail (&st->base, COPYIST_TABLE_ERROR_CORRUPT,
                    _("%s, row %u: the cell reference “%s” is malformed"), st->base.file, st->row, ref);
          return;
        }
      if (col >= lim->max_columns)
        {
          sax_fail (&st->base, COPYIST_TABLE_ERROR_LIMIT,
                    _("%s, row %u: a cell in column %u (%s) is past the %u-column limit (absurd dimensions)"),
                    st->base.file, st->row, col + 1, ref != NULL ? ref : "?", lim->max_columns);
          return;
        }
      if (col < st->n_cells)
        {
          sax_fail (&st->base, COPYIST_TABLE_ERROR_CORRUPT,
                    _("%s, row %u: the cell %s comes after a cell to its right; the sheet is damaged"),
                    st->base.file, st->row, ref != NULL ? ref : "?");
          return;
        }
      st->col = col;
      st->n_cells = col + 1;
      g_string_truncate (sheet_cell (st, col), 0);
      const char *t = sax_attr_value (attrs, n_attrs, "t", st->type, sizeof st->type);
      if (t == NULL)
        strcpy (st->type, "n");
      const char *s = sax_attr_value (attrs, n_attrs, "s", buf, sizeof buf);
      st->style = s != NULL ? atoi (s) : -1;
      st->in_cell = TRUE;
      g_string_truncate (st->value, 0);
    }
  else if (strcmp (name, "v") == 0 && st->in_cell)
    st->in_v = TRUE;
  else if (strcmp (name, "is") == 0 && st->in_cell)
    st->in_is = TRUE;
  else if (strcmp (name, "rPh") == 0)
    st->in_rph = TRUE;
  else if (strcmp (name, "t") == 0 && st->in_is && !st->in_rph)
    st->in_t = TRUE;
  else if (strcmp (name, "row") == 0)
    {
      const char *r = sax_attr_value (attrs, n_attrs, "r", buf, sizeof buf);
      guint64 number = r != NULL ? g_ascii_strtoull (r, NULL, 10) : (guint64) st->row + 1;
      if (number <= st->row && r != NULL)
        {
          sax_fail (&st->base, COPYIST_TABLE_ERROR_CORRUPT,
                    _("%s: row %s comes after row %u; the sheet is damaged"), st->base.file, r, st->row);
          return;
        }
      if (number > MAX ((guint64) lim->max_rows, 1048576))
        {
          sax_fail (&st->base, COPYIST_TABLE_ERROR_LIMIT,
                    _("%s: row number %llu is past the %u-row limit (absurd dimensions)"),
                    st->base.file, (unsigned long long) number, MAX (lim->max_rows, 1048576u));
          return;
        }
      st->row = (guint) number;
      st->n_cells = 0;
      st->in_row = TRUE;
    }
  else if (strcmp (name, "mergeCell") == 0)
    {
      const char *ref = sax_attr_value (attrs, n_attrs, "ref", buf, sizeof buf);
      g_auto(GStrv) ends = ref != NULL ? g_strsplit (ref, ":", 2) : NULL;
      TableMerge m;
      if (ends != NULL && ends[0] != NULL && ends[1] != NULL
          && parse_cell_ref (ends[0], &m.c1, &m.r1) && parse_cell_ref (ends[1], &m.c2, &m.r2)
          && m.r1 <= m.r2 && m.c1 <= m.c2)
        {
          guint64 area = (guint64) (m.r2 - m.r1 + 1) * (guint64) (m.c2 - m.c1 + 1);
          if (m.c2 >= lim->max_columns || area > 1000000)
            {
              sax_fail (&st->base, COPYIST_TABLE_ERROR_LIMIT,
                        _("%s: the merged range %s is absurdly large"), st->base.file, ref);
              return;
            }
          if (st->base.builder->merges->len < 100000)
            g_array_append_val (st->base.builder->merges, m);
        }
    }
}

static void
sheet_finish_cell (XlsxSheetState *st)
{
  GString *out = sheet_cell (st, st->col);
  const char *v = st->value->str;

  g_string_truncate (out, 0);
  if (strcmp (st->type, "s") == 0)
    {
      char *end = NULL;
      guint64 idx = g_ascii_strtoull (v, &end, 10);
      if (end == v || idx >= st->book->strings->len)
        {
          char letters[8];
          table_column_letters (st->col, letters);
          sax_fail (&st->base, COPYIST_TABLE_ERROR_CORRUPT,
                    _("%s, row %u, column %s: shared string %s does not exist; the file is damaged"),
                    st->base.file, st->row, letters, v);
          return;
        }
      g_string_append (out, g_ptr_array_index (st->book->strings, idx));
    }
  else if (strcmp (st->type, "inlineStr") == 0)
    {
      ooxml_unescape (st->value);
      g_string_append_len (out, st->value->str, (gssize) st->value->len);
    }
  else if (strcmp (st->type, "b") == 0)
    {
      if (v[0] != '\0')
        g_string_append (out, strcmp (v, "0") == 0 || g_ascii_strcasecmp (v, "false") == 0 ? "FALSE" : "TRUE");
    }
  else if (strcmp (st->type, "n") == 0)
    {
      NumFmtKind kind = NUMFMT_NUMBER;
      if (v[0] == '\0')
        return;
      if (st->style >= 0 && (guint) st->style < st->book->xf_kinds->len)
        kind = g_array_index (st->book->xf_kinds, NumFmtKind, st->style);
      if (kind != NUMFMT_NUMBER)
        {
          char *end = NULL;
          double d = g_ascii_strtod (v, &end);
          if (end != v && *end == '\0')
            {
              format_serial_date (d, kind, st->book->date1904, out);
              return;
            }
        }
      table_format_number (v, out);
    }
  else   /* "str" (formula text), "e" (error), "d" (ISO date, strict) */
    g_string_append_len (out, st->value->str, (gssize) st->value->len);
}

static void
sheet_end_cb (void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
  XlsxSheetState *st = ctx;
  const char *name = (const char *) local;

  if (strcmp (name, "v") == 0)
    st->in_v = FALSE;
  else if (strcmp (name, "t") == 0)
    st->in_t = FALSE;
  else if (strcmp (name, "rPh") == 0)
    st->in_rph = FALSE;
  else if (strcmp (name, "is") == 0)
    st->in_is = FALSE;
  else if (strcmp (name, "c") == 0 && st->in_cell)
    {
      sheet_finish_cell (st);
      st->in_cell = FALSE;
    }
  else if (strcmp (name, "row") == 0 && st->in_row)
    {
      GError *error = NULL;
      g_ptr_array_set_size (st->ptrs, 0);
      g_array_set_size (st->lens, 0);
      for (guint i = 0; i < st->n_cells; i++)
        {
          GString *s = g_ptr_array_index (st->cells, i);
          g_ptr_array_add (st->ptrs, s->str);
          g_array_append_val (st->lens, s->len);
        }
      st->in_row = FALSE;
      if (!table_builder_add_row (st->base.builder, st->row, st->row, (const char * const *) st->ptrs->pdata,
                                  (const gsize *) (gpointer) st->lens->data, st->ptrs->len, &error))
        {
          if (error != NULL)
            {
              if (st->base.error == NULL)
                st->base.error = error;
              else
                g_error_free (error);
            }
          xmlStopParser (st->base.ctxt);
        }
      /* Cells of the next row start empty. */
      for (guint i = 0; i < st->n_cells; i++)
        g_string_truncate (g_ptr_array_index (st->cells, i), 0);
    }
}

static void
sheet_chars_cb (void *ctx, const xmlChar *ch, int len)
{
  XlsxSheetState *st = ctx;

  if (!(st->in_v || st->in_t))
    return;
  if (st->value->len + (gsize) len > st->base.builder->opts->limits.max_cell_bytes)
    {
      char letters[8];
      table_column_letters (st->col, letters);
      sax_fail (&st->base, COPYIST_TABLE_ERROR_LIMIT,
                _("%s, row %u, column %s: a cell longer than %u bytes"), st->base.file, st->row, letters,
                st->base.builder->opts->limits.max_cell_bytes);
      return;
    }
  g_string_append_len (st->value, (const char *) ch, len);
}

static gboolean
xlsx_read_sheet (ZipReader *z, XlsxBook *book, const char *path, GError **error)
{
  XlsxSheetState st = { 0 };
  xmlSAXHandler sax;
  gboolean found, ok;

  if (!zip_reader_find (z, path, &found, error))
    return FALSE;
  if (!found)
    {
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_CORRUPT,
                   _("%s is damaged: the sheet part %s is missing"), z->b->name, path);
      return FALSE;
    }
  st.base.builder = z->b;
  st.base.file = z->b->name;
  st.book = book;
  st.cells = g_ptr_array_new ();
  st.value = g_string_new (NULL);
  st.ptrs = g_ptr_array_new ();
  st.lens = g_array_new (FALSE, FALSE, sizeof (gsize));
  xml_sax_make_safe (&sax);
  sax.startElementNs = sheet_start_cb;
  sax.endElementNs = sheet_end_cb;
  sax.characters = sheet_chars_cb;
  ok = zip_reader_sax (z, path, &sax, &st.base, error);
  for (guint i = 0; i < st.cells->len; i++)
    g_string_free (g_ptr_array_index (st.cells, i), TRUE);
  g_ptr_array_unref (st.cells);
  g_string_free (st.value, TRUE);
  g_ptr_array_unref (st.ptrs);
  g_array_unref (st.lens);
  return ok || z->b->stopped;
}

static char *
find_workbook_path (ZipReader *z, GError **error)
{
  XlsxBook rels = { 0 };
  gboolean ok;
  char *path = NULL;

  rels.base.builder = z->b;
  rels.base.file = z->b->name;
  rels.rels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  rels.rel_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ok = book_parse_part (z, &rels, "_rels/.rels", FALSE, error);
  if (ok)
    {
      GHashTableIter iter;
      gpointer id, type;
      g_hash_table_iter_init (&iter, rels.rel_types);
      while (g_hash_table_iter_next (&iter, &id, &type))
        if (g_str_has_suffix (type, "/officeDocument"))
          path = resolve_target ("", g_hash_table_lookup (rels.rels, id));
      if (path == NULL)
        path = g_strdup ("xl/workbook.xml");
    }
  g_hash_table_unref (rels.rels);
  g_hash_table_unref (rels.rel_types);
  return path;
}

gboolean
xlsx_read (TableBuilder *b, const guint8 *data, gsize len, const char *sheet, char **sheet_used,
           GPtrArray *sheets, GError **error)
{
  ZipReader *z = zip_reader_open (data, len, b, error);
  XlsxBook book = { 0 };
  g_autofree char *workbook = NULL;
  g_autofree char *base_dir = NULL;
  g_autofree char *rels_path = NULL;
  gboolean ok = FALSE;

  book.base.builder = b;
  book.base.file = b->name;
  book.sheets = g_ptr_array_new_with_free_func ((GDestroyNotify) xlsx_sheet_free);
  book.rels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  book.rel_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  book.custom_fmts = g_hash_table_new (g_direct_hash, g_direct_equal);
  book.xf_kinds = g_array_new (FALSE, FALSE, sizeof (NumFmtKind));
  book.strings_chunk = g_string_chunk_new (1 << 16);
  book.strings = g_ptr_array_new ();
  book.text = g_string_new (NULL);

  workbook = find_workbook_path (z, error);
  if (workbook == NULL)
    goto out;
  base_dir = g_path_get_dirname (workbook);
  if (strcmp (base_dir, ".") == 0)
    {
      g_free (base_dir);
      base_dir = g_strdup ("");
    }
  {
    g_autofree char *wb_name = g_path_get_basename (workbook);
    rels_path = base_dir[0] ? g_strdup_printf ("%s/_rels/%s.rels", base_dir, wb_name)
                            : g_strdup_printf ("_rels/%s.rels", wb_name);
  }
  if (!book_parse_part (z, &book, workbook, TRUE, error)
      || !book_parse_part (z, &book, rels_path, TRUE, error))
    goto out;

  /* Shared strings and styles, wherever the relationships put them. */
  {
    GHashTableIter iter;
    gpointer id, type;
    g_autofree char *strings_path = NULL, *styles_path = NULL;
    g_hash_table_iter_init (&iter, book.rel_types);
    while (g_hash_table_iter_next (&iter, &id, &type))
      {
        /* a workbook naming the part twice: the last one read wins (the
         * earlier path is freed, not leaked; found by fuzz-table-xlsx) */
        if (g_str_has_suffix (type, "/sharedStrings"))
          {
            g_free (strings_path);
            strings_path = resolve_target (base_dir, g_hash_table_lookup (book.rels, id));
          }
        else if (g_str_has_suffix (type, "/styles"))
          {
            g_free (styles_path);
            styles_path = resolve_target (base_dir, g_hash_table_lookup (book.rels, id));
          }
      }
    if (styles_path != NULL && !book_parse_part (z, &book, styles_path, FALSE, error))
      goto out;
    if (strings_path != NULL && !book_parse_part (z, &book, strings_path, FALSE, error))
      goto out;
  }

  for (guint i = 0; i < book.sheets->len; i++)
    {
      XlsxSheet *s = g_ptr_array_index (book.sheets, i);
      const char *target = s->rid != NULL ? g_hash_table_lookup (book.rels, s->rid) : NULL;
      if (target != NULL)
        s->path = resolve_target (base_dir, target);
    }
  if (book.sheets->len == 0)
    {
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_EMPTY,
                   _("%s has no sheets"), b->name);
      goto out;
    }

  if (sheets != NULL)
    {
      /* Sniffing: count the non-blank rows of every sheet. */
      for (guint i = 0; i < book.sheets->len; i++)
        {
          XlsxSheet *s = g_ptr_array_index (book.sheets, i);
          CopyistSheetInfo *info = g_new0 (CopyistSheetInfo, 1);
          b->counted = 0;
          if (s->path == NULL || !xlsx_read_sheet (z, &book, s->path, error))
            {
              if (s->path == NULL)
                g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_CORRUPT,
                             _("%s is damaged: sheet “%s” has no part"), b->name, s->name);
              g_free (info);
              goto out;
            }
          info->name = g_strdup (s->name);
          info->n_rows = b->counted;
          g_ptr_array_add (sheets, info);
        }
      ok = TRUE;
      goto out;
    }

  XlsxSheet *chosen = NULL;
  if (sheet == NULL || sheet[0] == '\0')
    chosen = g_ptr_array_index (book.sheets, 0);
  else
    for (guint i = 0; i < book.sheets->len && chosen == NULL; i++)
      {
        XlsxSheet *s = g_ptr_array_index (book.sheets, i);
        if (strcmp (s->name, sheet) == 0)
          chosen = s;
      }
  if (chosen == NULL)
    {
      g_autoptr(GString) names = g_string_new (NULL);
      for (guint i = 0; i < book.sheets->len; i++)
        g_string_append_printf (names, "%s“%s”", i ? ", " : "", ((XlsxSheet *) g_ptr_array_index (book.sheets, i))->name);
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_NO_SHEET,
                   _("%s has no sheet named “%s”; its sheets are %s"), b->name, sheet, names->str);
      goto out;
    }
  if (chosen->path == NULL)
    {
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_CORRUPT,
                   _("%s is damaged: sheet “%s” has no part"), b->name, chosen->name);
      goto out;
    }
  ok = xlsx_read_sheet (z, &book, chosen->path, error);
  if (ok && sheet_used != NULL)
    *sheet_used = g_strdup (chosen->name);

out:
  g_ptr_array_unref (book.sheets);
  g_hash_table_unref (book.rels);
  g_hash_table_unref (book.rel_types);
  g_hash_table_unref (book.custom_fmts);
  g_array_unref (book.xf_kinds);
  g_string_chunk_free (book.strings_chunk);
  g_ptr_array_unref (book.strings);
  g_string_free (book.text, TRUE);
  zip_reader_free (z);
  return ok;
}
