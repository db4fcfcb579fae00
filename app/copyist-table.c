/* copyist-table.c — reading a spreadsheet into rows of text: format
 * detection, the row builder every reader feeds, header choice and shape
 * checks, sniffing, and the async wrapper. The readers themselves are in
 * copyist-table-text.c (CSV, JSON), copyist-table-zip.c (XLSX) and
 * copyist-table-ods.c. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "copyist-table-private.h"

G_DEFINE_QUARK (copyist-table-error-quark, copyist_table_error)

static const char empty_cell[] = "";

const char *
copyist_file_format_to_string (CopyistFileFormat format)
{
  switch (format)
    {
    case COPYIST_FILE_FORMAT_CSV:  return "csv";
    case COPYIST_FILE_FORMAT_XLSX: return "xlsx";
    case COPYIST_FILE_FORMAT_ODS:  return "ods";
    case COPYIST_FILE_FORMAT_JSON: return "json";
    case COPYIST_FILE_FORMAT_UNKNOWN:
    default:
      return "unknown";
    }
}

CopyistFileFormat
copyist_file_format_from_string (const char *name)
{
  if (name == NULL)
    return COPYIST_FILE_FORMAT_UNKNOWN;
  if (g_ascii_strcasecmp (name, "csv") == 0 || g_ascii_strcasecmp (name, "tsv") == 0
      || g_ascii_strcasecmp (name, "txt") == 0)
    return COPYIST_FILE_FORMAT_CSV;
  if (g_ascii_strcasecmp (name, "xlsx") == 0)
    return COPYIST_FILE_FORMAT_XLSX;
  if (g_ascii_strcasecmp (name, "ods") == 0)
    return COPYIST_FILE_FORMAT_ODS;
  if (g_ascii_strcasecmp (name, "json") == 0 || g_ascii_strcasecmp (name, "jsonl") == 0
      || g_ascii_strcasecmp (name, "ndjson") == 0)
    return COPYIST_FILE_FORMAT_JSON;
  return COPYIST_FILE_FORMAT_UNKNOWN;
}

void
copyist_read_options_init (CopyistReadOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->limits.max_file_bytes = G_GUINT64_CONSTANT (1) << 30;
  opts->limits.max_uncompressed_bytes = G_GUINT64_CONSTANT (2) << 30;
  opts->limits.max_compression_ratio = 200;
  opts->limits.max_cell_bytes = 4u << 20;
  opts->limits.max_columns = 16384;
  opts->limits.max_rows = 2000000;
}

const char * const *
copyist_table_known_encodings (void)
{
  static const char * const encodings[] = {
    "UTF-8", "UTF-16LE", "UTF-16BE", "GB18030", "GBK", "BIG5", "SHIFT_JIS",
    "WINDOWS-1252", "ISO-8859-1", "ISO-8859-15", "EUC-JP", "EUC-KR", NULL
  };
  return encodings;
}

/* ---- the table ---------------------------------------------------------- */

CopyistTable *
copyist_table_ref (CopyistTable *table)
{
  g_return_val_if_fail (table != NULL, NULL);
  g_atomic_int_inc (&table->ref_count);
  return table;
}

void
copyist_table_unref (CopyistTable *table)
{
  if (table == NULL || !g_atomic_int_dec_and_test (&table->ref_count))
    return;
  g_strfreev (table->headers);
  g_ptr_array_unref (table->rows);
  g_free (table->encoding);
  g_free (table->sheet);
  g_free (table->display_name);
  if (table->chunk != NULL)
    g_string_chunk_free (table->chunk);
  g_free (table);
}

int
copyist_table_find_column (const CopyistTable *table, const char *name)
{
  for (guint i = 0; i < table->n_columns; i++)
    if (strcmp (table->headers[i], name) == 0)
      return (int) i;
  for (guint i = 0; i < table->n_columns; i++)
    if (g_utf8_collate (table->headers[i], name) == 0
        || g_ascii_strcasecmp (table->headers[i], name) == 0)
      return (int) i;
  return -1;
}

const char *
copyist_table_get (const CopyistTable *table, guint row, guint column)
{
  if (row >= table->rows->len || column >= table->n_columns)
    return empty_cell;
  const CopyistTableRow *r = g_ptr_array_index (table->rows, row);
  return r->cells[column];
}

void
table_column_letters (guint c, char buf[8])
{
  char tmp[8];
  int n = 0;

  c++;
  while (c > 0 && n < 7)
    {
      c--;
      tmp[n++] = (char) ('A' + c % 26);
      c /= 26;
    }
  for (int i = 0; i < n; i++)
    buf[i] = tmp[n - 1 - i];
  buf[n] = '\0';
}

/* ---- the row builder ---------------------------------------------------- */

void
table_builder_init (TableBuilder *b, const CopyistReadOptions *opts, const char *name,
                    GCancellable *cancellable, CopyistProgressFunc progress, gpointer progress_data)
{
  memset (b, 0, sizeof *b);
  b->opts = opts;
  b->name = name;
  b->chunk = g_string_chunk_new (1 << 16);
  b->rows = g_ptr_array_new_with_free_func (g_free);
  b->merges = g_array_new (FALSE, FALSE, sizeof (TableMerge));
  b->cancellable = cancellable;
  b->progress = progress;
  b->progress_data = progress_data;
  if (opts->max_rows > 0)
    b->wanted = opts->max_rows + 1;
}

void
table_builder_clear (TableBuilder *b)
{
  if (b->chunk != NULL)
    g_string_chunk_free (b->chunk);
  b->chunk = NULL;
  g_clear_pointer (&b->rows, g_ptr_array_unref);
  g_clear_pointer (&b->merges, g_array_unref);
}

static gboolean
cell_is_blank (const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isspace (s[i]))
      return FALSE;
  return TRUE;
}

/* One row that the file repeats REPEAT times (ODS number-rows-repeated),
 * rows FIRST .. FIRST + REPEAT - 1.  The cells are scanned once: a blank row
 * costs nothing however often it repeats, and a sniff only adds to its count
 * (saturating), so a few hundred bytes cannot make either loop billions of
 * times.  Stored copies stop at the row limit as add_row does. */
gboolean
table_builder_add_repeated_row (TableBuilder *b, guint first, guint repeat,
                                const char * const *cells, const gsize *lens, guint n, GError **error)
{
  gboolean blank = TRUE;

  for (guint i = 0; i < n && blank; i++)
    {
      const char *s = cells[i];
      gsize len = s == NULL ? 0 : (lens != NULL ? lens[i] : strlen (s));
      if (len > 0 && !cell_is_blank (s, len))
        blank = FALSE;
    }
  if (blank || repeat == 0)
    return TRUE;
  if (b->count_only)
    {
      b->counted = (guint) MIN ((guint64) b->counted + repeat, (guint64) G_MAXUINT);
      return TRUE;
    }
  for (guint k = 0; k < repeat; k++)
    {
      guint number = (guint) MIN ((guint64) first + k, (guint64) G_MAXUINT);
      if (!table_builder_add_row (b, number, number, cells, lens, n, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
table_builder_add_row (TableBuilder *b, guint number, guint line,
                       const char * const *cells, const gsize *lens, guint n, GError **error)
{
  gboolean blank = TRUE;
  guint last = 0;   /* one past the last non-empty cell */

  for (guint i = 0; i < n; i++)
    {
      const char *s = cells[i];
      gsize len = s == NULL ? 0 : (lens != NULL ? lens[i] : strlen (s));
      if (len > 0)
        {
          last = i + 1;
          if (blank && !cell_is_blank (s, len))
            blank = FALSE;
        }
    }

  if (b->count_only)
    {
      if (!blank)
        b->counted++;
      return TRUE;
    }
  /* Blank rows are dropped here; header_row finds only non-blank rows. */
  if (blank)
    return TRUE;

  if (!blank && number > b->opts->skip_rows
      && (b->opts->header_row == 0 || number >= b->opts->header_row))
    {
      b->useful++;
      if (b->wanted > 0 && b->useful > b->wanted)
        {
          b->stopped = TRUE;
          return FALSE;
        }
    }

  if (b->rows->len >= b->opts->limits.max_rows)
    {
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_LIMIT,
                   _("%s: more than %u rows; Copyist imports at most %u rows from one file"),
                   b->name, b->opts->limits.max_rows, b->opts->limits.max_rows);
      return FALSE;
    }

  /* Trailing empty cells are not stored; finish() pads rows to the width. */
  RawRow *row = g_malloc (sizeof (RawRow) + MAX (last, 1) * sizeof (char *));
  row->pub.cells = row->storage;
  row->pub.line = line;
  row->number = number;
  row->n_cells = last;
  row->n_given = n;
  for (guint i = 0; i < last; i++)
    {
      const char *s = cells[i];
      gsize len = s == NULL ? 0 : (lens != NULL ? lens[i] : strlen (s));
      row->storage[i] = len == 0 ? empty_cell : g_string_chunk_insert_len (b->chunk, s, (gssize) len);
    }
  g_ptr_array_add (b->rows, row);
  return TRUE;
}

gboolean
table_builder_tick (TableBuilder *b, double fraction, GError **error)
{
  if (g_cancellable_set_error_if_cancelled (b->cancellable, error))
    return FALSE;
  if (b->progress != NULL)
    {
      gint64 now = g_get_monotonic_time ();
      if (now - b->last_progress_us >= 50000 || fraction >= 1.0)
        {
          b->last_progress_us = now;
          if (!b->progress (CLAMP (fraction, 0.0, 1.0), b->progress_data))
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Reading was cancelled"));
              return FALSE;
            }
        }
    }
  return TRUE;
}

static int
raw_row_find (GPtrArray *rows, guint number)
{
  guint lo = 0, hi = rows->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const RawRow *r = g_ptr_array_index (rows, mid);
      if (r->number < number)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo < rows->len && ((const RawRow *) g_ptr_array_index (rows, lo))->number == number)
    return (int) lo;
  return -1;
}

static RawRow *
raw_row_widen (GPtrArray *rows, guint index, guint width)
{
  RawRow *row = g_ptr_array_index (rows, index);

  if (row->n_cells >= width)
    return row;
  row = g_realloc (row, sizeof (RawRow) + width * sizeof (char *));
  row->pub.cells = row->storage;
  for (guint i = row->n_cells; i < width; i++)
    row->storage[i] = empty_cell;
  row->n_cells = width;
  rows->pdata[index] = row;
  return row;
}

/* Merged cells (XLSX): every cell of a merged range shows the top-left
 * value, so a header spanning three columns names all three. */
static void
apply_merges (TableBuilder *b)
{
  for (guint m = 0; m < b->merges->len; m++)
    {
      const TableMerge *mg = &g_array_index (b->merges, TableMerge, m);
      int top = raw_row_find (b->rows, mg->r1);
      if (top < 0)
        continue;
      const RawRow *tr = g_ptr_array_index (b->rows, top);
      if (mg->c1 >= tr->n_cells || tr->storage[mg->c1][0] == '\0')
        continue;
      const char *value = tr->storage[mg->c1];
      for (guint r = mg->r1; r <= mg->r2; r++)
        {
          int idx = raw_row_find (b->rows, r);
          if (idx < 0)
            continue;
          RawRow *row = raw_row_widen (b->rows, (guint) idx, mg->c2 + 1);
          for (guint c = mg->c1; c <= mg->c2; c++)
            if (row->storage[c][0] == '\0')
              row->storage[c] = value;
        }
    }
}

static gboolean
raw_row_is_blank (const RawRow *row)
{
  for (guint i = 0; i < row->n_cells; i++)
    if (!cell_is_blank (row->storage[i], strlen (row->storage[i])))
      return FALSE;
  return TRUE;
}

static char *
shorten (const char *s)
{
  if (g_utf8_strlen (s, -1) <= 40)
    return g_strdup (s);
  g_autofree char *head = g_utf8_substring (s, 0, 37);
  return g_strconcat (head, "…", NULL);
}

CopyistTable *
table_builder_finish (TableBuilder *b, CopyistFileFormat format, gboolean ragged_strict,
                      const char *unit, GError **error)
{
  const CopyistReadOptions *opts = b->opts;
  gboolean line_unit = g_strcmp0 (unit, "line") == 0;
  GPtrArray *rows = b->rows;
  int header_index = -1;

  if (b->merges->len > 0)
    apply_merges (b);

  if (rows->len == 0)
    {
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_EMPTY,
                   _("%s is empty: there is no row to import"), b->name);
      return NULL;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      const RawRow *r = g_ptr_array_index (rows, i);
      if (r->number <= opts->skip_rows)
        continue;
      if (opts->header_row > 0)
        {
          if (r->number < opts->header_row)
            continue;
          if (r->number == opts->header_row && !raw_row_is_blank (r))
            header_index = (int) i;
          break;
        }
      if (!raw_row_is_blank (r))
        {
          header_index = (int) i;
          break;
        }
    }

  if (header_index < 0)
    {
      if (opts->header_row > 0)
        g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION,
                     line_unit ? _("%s: row %u cannot be the header: it is blank or past the end of the file")
                               : _("%s: row %u cannot be the header: it is blank or past the end of the sheet"),
                     b->name, opts->header_row);
      else if (opts->skip_rows > 0)
        g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_EMPTY,
                     _("%s has no non-blank row after the %u skipped rows"), b->name, opts->skip_rows);
      else
        g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_EMPTY,
                     _("%s is empty: every row is blank"), b->name);
      return NULL;
    }

  const RawRow *header = g_ptr_array_index (rows, header_index);
  guint width = ragged_strict ? header->n_given : header->n_cells;

  /* Shape: strict for CSV (a missing or extra cell means broken quoting or
   * the wrong delimiter), padded for spreadsheets (which omit empty cells). */
  guint n_data = 0;
  for (guint i = (guint) header_index + 1; i < rows->len; i++)
    {
      const RawRow *r = g_ptr_array_index (rows, i);
      n_data++;
      if (ragged_strict && r->n_given > width && r->n_cells > width)
        {
            {
              char letters[8];
              table_column_letters (width, letters);
              g_autofree char *extra = shorten (r->storage[width]);
              g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_RAGGED,
                           _("%s, line %u: %u cells, but the header (line %u) has %u columns; "
                             "the extra cell in column %u is “%s” (is the delimiter right, or a quote missing?)"),
                           b->name, r->pub.line, r->n_given, header->pub.line, width, width + 1, extra);
              return NULL;
            }
        }
    }
  if (!ragged_strict)
    for (guint i = (guint) header_index + 1; i < rows->len; i++)
      width = MAX (width, ((const RawRow *) g_ptr_array_index (rows, i))->n_cells);
  if (width > opts->limits.max_columns)
    {
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_LIMIT,
                   _("%s has %u columns; Copyist reads at most %u"), b->name, width, opts->limits.max_columns);
      return NULL;
    }

  if (n_data == 0)
    {
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_NO_DATA,
                   line_unit ? _("%s has a header (line %u) but no data rows")
                             : _("%s has a header (row %u) but no data rows"),
                   b->name, header->pub.line);
      return NULL;
    }

  CopyistTable *table = g_new0 (CopyistTable, 1);
  table->ref_count = 1;
  table->format = format;
  table->n_columns = width;
  table->header_line = header->pub.line;
  table->display_name = g_strdup (b->name);
  table->headers = g_new0 (char *, width + 1);
  {
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
    for (guint c = 0; c < width; c++)
      {
        const char *h = c < header->n_cells ? header->storage[c] : "";
        g_autofree char *name = g_strstrip (g_strdup (h));
        if (name[0] == '\0')
          {
            g_free (name);
            name = g_strdup_printf (_("Column %u"), c + 1);
          }
        char *unique = g_strdup (name);
        for (guint k = 2; g_hash_table_contains (seen, unique); k++)
          {
            g_free (unique);
            unique = g_strdup_printf ("%s %u", name, k);
          }
        table->headers[c] = unique;
        g_hash_table_add (seen, unique);
      }
  }

  table->rows = g_ptr_array_new_full (n_data, g_free);
  for (guint i = (guint) header_index + 1; i < rows->len; i++)
    {
      RawRow *r = g_ptr_array_index (rows, i);
      if (raw_row_is_blank (r))
        continue;
      if (ragged_strict && r->n_given < width)
        {
          /* A short row is fine only when the missing cells would be empty
           * anyway, which a CSV writer cannot express, so it is an error. */
          g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_RAGGED,
                       _("%s, line %u: only %u cells, but the header (line %u) has %u columns "
                         "(a delimiter or quote may be missing)"),
                       b->name, r->pub.line, r->n_given, header->pub.line, width);
          copyist_table_unref (table);
          return NULL;
        }
      if (opts->max_rows > 0 && table->rows->len >= opts->max_rows)
        {
          table->truncated = TRUE;
          break;
        }
      r = raw_row_widen (rows, i, width);
      rows->pdata[i] = NULL;
      g_ptr_array_add (table->rows, r);
    }
  if (b->stopped)
    table->truncated = TRUE;

  table->chunk = b->chunk;
  b->chunk = NULL;
  return table;
}

/* ---- format detection and dispatch -------------------------------------- */

static const char *
name_extension (const char *name)
{
  const char *dot = name != NULL ? strrchr (name, '.') : NULL;
  return dot != NULL ? dot + 1 : "";
}

/* What a non-spreadsheet file is, from its magic bytes, or NULL. */
static const char *
foreign_magic (const guint8 *d, gsize len)
{
  if (len >= 8 && memcmp (d, "\x89PNG\r\n\x1a\n", 8) == 0)
    return _("a PNG image");
  if (len >= 3 && memcmp (d, "\xff\xd8\xff", 3) == 0)
    return _("a JPEG image");
  if (len >= 4 && memcmp (d, "GIF8", 4) == 0)
    return _("a GIF image");
  if (len >= 5 && memcmp (d, "%PDF-", 5) == 0)
    return _("a PDF document");
  if (len >= 8 && memcmp (d, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0)
    return _("an Excel 97–2003 (.xls) or other legacy Office file; save it as .xlsx or CSV");
  if (len >= 2 && d[0] == 0x1f && d[1] == 0x8b)
    return _("a gzip-compressed file");
  if (len >= 6 && memcmp (d, "7z\xbc\xaf\x27\x1c", 6) == 0)
    return _("a 7-Zip archive");
  if (len >= 4 && memcmp (d, "Rar!", 4) == 0)
    return _("a RAR archive");
  return NULL;
}

static gboolean
is_zip_magic (const guint8 *d, gsize len)
{
  return len >= 4 && d[0] == 'P' && d[1] == 'K' && (d[2] == 3 || d[2] == 5 || d[2] == 7);
}

static gboolean
looks_like_json (const guint8 *d, gsize len, gsize bom)
{
  for (gsize i = bom; i < len && i < bom + 4096; i++)
    {
      if (g_ascii_isspace (d[i]))
        continue;
      return d[i] == '{' || d[i] == '[';
    }
  return FALSE;
}

typedef struct {
  CopyistFileFormat format;
  ZipKind zip;
} Detected;

/* The format of DATA (OPTS->format forces one), refusing oversized files. */
static gboolean
detect_format (const guint8 *data, gsize len, const char *name, const CopyistReadOptions *opts,
               Detected *out, GError **error)
{
  CopyistFileFormat forced = opts->format;

  const char *ext = name_extension (name);
  CopyistFileFormat by_name = copyist_file_format_from_string (ext);
  const char *foreign = foreign_magic (data, len);

  memset (out, 0, sizeof *out);
  if (len > opts->limits.max_file_bytes)
    {
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_LIMIT,
                   _("%s is %llu bytes; Copyist reads files up to %llu bytes"),
                   name, (unsigned long long) len, (unsigned long long) opts->limits.max_file_bytes);
      return FALSE;
    }
  if (foreign != NULL)
    {
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_FORMAT,
                   _("%s is not a spreadsheet: it is %s"), name, foreign);
      return FALSE;
    }
  if (is_zip_magic (data, len))
    {
      g_autofree char *what = NULL;
      out->zip = zip_identify (data, len, &what);
      switch (out->zip)
        {
        case ZIP_KIND_XLSX:
          out->format = COPYIST_FILE_FORMAT_XLSX;
          break;
        case ZIP_KIND_ODS:
          out->format = COPYIST_FILE_FORMAT_ODS;
          break;
        case ZIP_KIND_OTHER:
        case ZIP_KIND_NOT_ZIP:
        default:
          if (what != NULL && g_str_has_prefix (what, "!"))
            g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_CORRUPT,
                         _("%s is a damaged or truncated zip archive (%s); save it again from the spreadsheet program"),
                         name, what + 1);
          else
            g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_FORMAT,
                         _("%s is a zip archive but not an XLSX or ODS spreadsheet (%s)"),
                         name, what != NULL ? what : _("no workbook inside"));
          return FALSE;
        }
      if (forced != COPYIST_FILE_FORMAT_UNKNOWN && forced != out->format)
        {
          g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_FORMAT,
                       _("%s is an %s file, not %s"), name,
                       copyist_file_format_to_string (out->format), copyist_file_format_to_string (forced));
          return FALSE;
        }
      return TRUE;
    }

  if (forced == COPYIST_FILE_FORMAT_XLSX || forced == COPYIST_FILE_FORMAT_ODS
      || by_name == COPYIST_FILE_FORMAT_XLSX || by_name == COPYIST_FILE_FORMAT_ODS)
    {
      CopyistFileFormat want = forced != COPYIST_FILE_FORMAT_UNKNOWN ? forced : by_name;
      if (len == 0)
        g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_EMPTY,
                     _("%s is empty (0 bytes), not an %s workbook"), name,
                     want == COPYIST_FILE_FORMAT_XLSX ? "XLSX" : "ODS");
      else
        g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_FORMAT,
                     _("%s is not an %s workbook: it does not start like a zip archive (it may be damaged or renamed)"),
                     name, want == COPYIST_FILE_FORMAT_XLSX ? "XLSX" : "ODS");
      return FALSE;
    }

  if (forced == COPYIST_FILE_FORMAT_JSON || forced == COPYIST_FILE_FORMAT_CSV)
    out->format = forced;
  else if (by_name == COPYIST_FILE_FORMAT_JSON)
    out->format = COPYIST_FILE_FORMAT_JSON;
  else if (by_name == COPYIST_FILE_FORMAT_UNKNOWN)
    {
      TextEncodingGuess guess;
      text_guess_encoding (data, MIN (len, (gsize) 4096), &guess);
      /* UTF-16 JSON is rare; only byte-oriented text is checked. */
      out->format = (guess.bom_len <= 3 && looks_like_json (data, len, guess.bom_len))
                    ? COPYIST_FILE_FORMAT_JSON : COPYIST_FILE_FORMAT_CSV;
      g_free (guess.encoding);
    }
  else
    out->format = COPYIST_FILE_FORMAT_CSV;
  return TRUE;
}

static gboolean
read_text (TableBuilder *b, const guint8 *data, gsize len, CopyistFileFormat format,
           char **encoding_used, char *delimiter_used, GError **error)
{
  const CopyistReadOptions *opts = b->opts;
  TextEncodingGuess guess = { 0 };
  const char *text;
  gsize text_len;
  g_autofree char *owned = NULL;
  gsize offset = 0;

  text_guess_encoding (data, len, &guess);
  if (opts->encoding != NULL && opts->encoding[0] != '\0')
    {
      GIConv probe = g_iconv_open ("UTF-8", opts->encoding);
      if (probe == (GIConv) -1)
        {
          g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION,
                       _("Unknown encoding “%s”"), opts->encoding);
          g_free (guess.encoding);
          return FALSE;
        }
      g_iconv_close (probe);
      /* A BOM of the chosen encoding family is still skipped. */
      if (guess.bom_len > 0 && g_ascii_strncasecmp (guess.encoding, opts->encoding, 6) == 0)
        offset = guess.bom_len;
      g_free (guess.encoding);
      guess.encoding = g_ascii_strup (opts->encoding, -1);
    }
  else
    offset = guess.bom_len;

  if (!text_decode (data + offset, len - offset, offset, guess.encoding, b->name, &text, &text_len, &owned, error))
    {
      g_free (guess.encoding);
      return FALSE;
    }
  *encoding_used = guess.encoding;

  if (format == COPYIST_FILE_FORMAT_JSON)
    {
      /* The header of a JSON file is its keys: skip/header options do not apply. */
      b->fixed_opts = *opts;
      b->fixed_opts.skip_rows = 0;
      b->fixed_opts.header_row = 0;
      b->opts = &b->fixed_opts;
      return json_parse_rows (b, text, text_len, error);
    }

  /* The text is UTF-8 by now: a byte >= 0x80 would split characters, and
   * a quote or line end cannot separate cells. */
  if (opts->delimiter != 0 && ((guchar) opts->delimiter >= 0x80 || strchr ("\"\r\n", opts->delimiter) != NULL))
    {
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION,
                   _("The delimiter must be an ASCII character other than a quote or a line end (got byte 0x%02x)"),
                   (guchar) opts->delimiter);
      return FALSE;
    }
  char delim = opts->delimiter != 0 ? opts->delimiter : csv_sniff_delimiter (text, text_len);
  *delimiter_used = delim;
  return csv_parse (b, text, text_len, delim, error);
}

static CopyistTable *
read_data (const guint8 *data, gsize len, const char *name, const CopyistReadOptions *opts_in,
           GCancellable *cancellable, CopyistProgressFunc progress, gpointer progress_data,
           GError **error)
{
  CopyistReadOptions defaults;
  const CopyistReadOptions *opts = opts_in;
  Detected det;
  TableBuilder b;
  g_autofree char *encoding = NULL;
  g_autofree char *sheet = NULL;
  char delimiter = 0;
  gboolean ok;
  CopyistTable *table = NULL;

  if (opts == NULL)
    {
      copyist_read_options_init (&defaults);
      opts = &defaults;
    }
  if (!detect_format (data, len, name, opts, &det, error))
    return NULL;

  table_builder_init (&b, opts, name, cancellable, progress, progress_data);
  switch (det.format)
    {
    case COPYIST_FILE_FORMAT_XLSX:
      ok = xlsx_read (&b, data, len, opts->sheet, &sheet, NULL, error);
      break;
    case COPYIST_FILE_FORMAT_ODS:
      ok = ods_read (&b, data, len, opts->sheet, &sheet, NULL, error);
      break;
    case COPYIST_FILE_FORMAT_CSV:
    case COPYIST_FILE_FORMAT_JSON:
    case COPYIST_FILE_FORMAT_UNKNOWN:
    default:
      if (len == 0)
        {
          g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_EMPTY,
                       _("%s is empty (0 bytes)"), name);
          ok = FALSE;
        }
      else
        ok = read_text (&b, data, len, det.format, &encoding, &delimiter, error);
      break;
    }
  if (ok || b.stopped)
    {
      gboolean strict = det.format == COPYIST_FILE_FORMAT_CSV;
      const char *unit = (det.format == COPYIST_FILE_FORMAT_CSV || det.format == COPYIST_FILE_FORMAT_JSON)
                         ? "line" : "row";
      if (b.stopped)
        g_clear_error (error);
      table = table_builder_finish (&b, det.format, strict, unit, error);
      if (table != NULL)
        {
          table->encoding = g_steal_pointer (&encoding);
          table->delimiter = delimiter;
          table->sheet = g_steal_pointer (&sheet);
          if (progress != NULL)
            progress (1.0, progress_data);
        }
    }
  table_builder_clear (&b);
  return table;
}

static char *
file_display_name (GFile *file)
{
  return g_file_get_basename (file);
}

static GMappedFile *
map_file (GFile *file, const char *display, GError **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) local = NULL;
  GMappedFile *mapped;

  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s is not a local file"), display);
      return NULL;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, _("%s is a folder, not a file"), display);
      return NULL;
    }
  mapped = g_mapped_file_new (path, FALSE, &local);
  if (mapped == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot open %s: %s"), display, local->message);
      return NULL;
    }
  return mapped;
}

CopyistTable *
copyist_table_read (GFile *file, const CopyistReadOptions *opts, GCancellable *cancellable,
                    CopyistProgressFunc progress, gpointer progress_data, GError **error)
{
  g_autofree char *display = file_display_name (file);
  GMappedFile *mapped = map_file (file, display, error);
  CopyistTable *table;

  if (mapped == NULL)
    return NULL;
  table = read_data ((const guint8 *) g_mapped_file_get_contents (mapped), g_mapped_file_get_length (mapped),
                     display, opts, cancellable, progress, progress_data, error);
  g_mapped_file_unref (mapped);
  return table;
}

CopyistTable *
copyist_table_read_bytes (GBytes *bytes, const char *name, const CopyistReadOptions *opts,
                          GCancellable *cancellable, GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return read_data (data != NULL ? data : (const guint8 *) "", len, name != NULL ? name : _("the data"),
                    opts, cancellable, NULL, NULL, error);
}

/* ---- async -------------------------------------------------------------- */

typedef struct {
  GFile *file;
  CopyistReadOptions opts;
  char *encoding;
  char *sheet;
  CopyistProgressFunc progress;
  gpointer progress_data;
} ReadTaskData;

static void
read_task_data_free (ReadTaskData *d)
{
  g_object_unref (d->file);
  g_free (d->encoding);
  g_free (d->sheet);
  g_free (d);
}

static void
read_thread_cb (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ReadTaskData *d = task_data;
  GError *error = NULL;
  CopyistTable *table = copyist_table_read (d->file, &d->opts, cancellable, d->progress, d->progress_data, &error);

  if (table == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, table, (GDestroyNotify) copyist_table_unref);
}

void
copyist_table_read_async (GFile *file, const CopyistReadOptions *opts, GCancellable *cancellable,
                          CopyistProgressFunc progress, gpointer progress_data,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ReadTaskData *d = g_new0 (ReadTaskData, 1);

  /* libxml2's global set-up is not thread-safe the first time: do it here,
   * on the caller's thread, before any worker parses. */
  xmlInitParser ();

  d->file = g_object_ref (file);
  if (opts != NULL)
    d->opts = *opts;
  else
    copyist_read_options_init (&d->opts);
  d->encoding = g_strdup (d->opts.encoding);
  d->sheet = g_strdup (d->opts.sheet);
  d->opts.encoding = d->encoding;
  d->opts.sheet = d->sheet;
  d->progress = progress;
  d->progress_data = progress_data;
  g_task_set_task_data (task, d, (GDestroyNotify) read_task_data_free);
  g_task_run_in_thread (task, read_thread_cb);
}

CopyistTable *
copyist_table_read_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- sniffing ----------------------------------------------------------- */

static void
sheet_info_free (CopyistSheetInfo *info)
{
  g_free (info->name);
  g_free (info);
}

void
copyist_sniff_result_clear (CopyistSniffResult *result)
{
  g_clear_pointer (&result->encoding, g_free);
  g_clear_pointer (&result->sheets, g_ptr_array_unref);
}

static gboolean
sniff_data (const guint8 *data, gsize len, const char *name, const CopyistReadOptions *opts_in,
            CopyistSniffResult *result, GCancellable *cancellable, GError **error)
{
  CopyistReadOptions defaults;
  const CopyistReadOptions *opts = opts_in;
  Detected det;
  TableBuilder b;
  gboolean ok;

  memset (result, 0, sizeof *result);
  if (opts == NULL)
    {
      copyist_read_options_init (&defaults);
      opts = &defaults;
    }
  if (!detect_format (data, len, name, opts, &det, error))
    return FALSE;

  result->format = det.format;
  result->sheets = g_ptr_array_new_with_free_func ((GDestroyNotify) sheet_info_free);
  table_builder_init (&b, opts, name, cancellable, NULL, NULL);
  b.count_only = TRUE;
  switch (det.format)
    {
    case COPYIST_FILE_FORMAT_XLSX:
      ok = xlsx_read (&b, data, len, NULL, NULL, result->sheets, error);
      break;
    case COPYIST_FILE_FORMAT_ODS:
      ok = ods_read (&b, data, len, NULL, NULL, result->sheets, error);
      break;
    case COPYIST_FILE_FORMAT_CSV:
    case COPYIST_FILE_FORMAT_JSON:
    case COPYIST_FILE_FORMAT_UNKNOWN:
    default:
      {
        g_autofree char *encoding = NULL;
        TextEncodingGuess guess;
        if (len == 0)
          {
            g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_EMPTY, _("%s is empty (0 bytes)"), name);
            ok = FALSE;
            break;
          }
        text_guess_encoding (data, len, &guess);
        ok = read_text (&b, data, len, det.format, &encoding, &result->delimiter, error);
        if (ok)
          {
            CopyistSheetInfo *info = g_new0 (CopyistSheetInfo, 1);
            info->name = g_strdup ("");
            info->n_rows = b.counted;
            g_ptr_array_add (result->sheets, info);
            result->encoding = g_steal_pointer (&encoding);
            result->encoding_confidence = (opts->encoding != NULL && opts->encoding[0] != '\0')
                                          ? 1.0 : guess.confidence;
          }
        g_free (guess.encoding);
      }
      break;
    }
  table_builder_clear (&b);
  if (!ok)
    copyist_sniff_result_clear (result);
  return ok;
}

gboolean
copyist_sniff (GFile *file, const CopyistReadOptions *opts, CopyistSniffResult *result,
               GCancellable *cancellable, GError **error)
{
  g_autofree char *display = file_display_name (file);
  GMappedFile *mapped;
  gboolean ok;

  memset (result, 0, sizeof *result);
  mapped = map_file (file, display, error);
  if (mapped == NULL)
    return FALSE;
  ok = sniff_data ((const guint8 *) g_mapped_file_get_contents (mapped), g_mapped_file_get_length (mapped),
                   display, opts, result, cancellable, error);
  g_mapped_file_unref (mapped);
  return ok;
}

gboolean
copyist_sniff_bytes (GBytes *bytes, const char *name, const CopyistReadOptions *opts,
                     CopyistSniffResult *result, GCancellable *cancellable, GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return sniff_data (data != NULL ? data : (const guint8 *) "", len, name != NULL ? name : _("the data"),
                     opts, result, cancellable, error);
}

/* ---- JSON from outside -------------------------------------------------- */

gboolean
copyist_json_load (JsonParser *parser, const char *text, gssize len, GError **error)
{
  gsize n = len < 0 ? strlen (text) : (gsize) len;
  guint depth = 0, line = 1;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < n; i++)
    {
      char c = text[i];
      if (c == '\n')
        line++;
      if (in_string)
        {
          if (c == '\\')
            i++;   /* the escaped character cannot end the string */
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > COPYIST_JSON_MAX_DEPTH)
            {
              g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_LIMIT,
                           _("JSON nested more than %d levels deep at line %u; refused"),
                           COPYIST_JSON_MAX_DEPTH, line);
              return FALSE;
            }
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return json_parser_load_from_data (parser, text, (gssize) n, error);
}
