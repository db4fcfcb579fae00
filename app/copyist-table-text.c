/* copyist-table-text.c — text inputs: encoding detection and conversion,
 * CSV/TSV per RFC 4180 with delimiter sniffing, JSON and JSON lines. */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <uchardet/uchardet.h>

#include "copyist-table-private.h"

/* ---- encodings ---------------------------------------------------------- */

/* Counts well-formed multi-byte UTF-8 sequences and invalid bytes in DATA. */
static void
utf8_census (const guint8 *d, gsize len, gsize *valid_mb, gsize *invalid)
{
  gsize i = 0;

  *valid_mb = 0;
  *invalid = 0;
  while (i < len)
    {
      guint8 c = d[i];
      int need;
      if (c < 0x80)
        {
          i++;
          continue;
        }
      if (c >= 0xc2 && c <= 0xdf)
        need = 1;
      else if (c >= 0xe0 && c <= 0xef)
        need = 2;
      else if (c >= 0xf0 && c <= 0xf4)
        need = 3;
      else
        {
          (*invalid)++;
          i++;
          continue;
        }
      if (i + (gsize) need >= len)
        break;   /* a sequence cut by the sample's end is not evidence */
      gboolean ok = TRUE;
      for (int k = 1; k <= need; k++)
        if ((d[i + k] & 0xc0) != 0x80)
          ok = FALSE;
      if (ok)
        {
          (*valid_mb)++;
          i += (gsize) need + 1;
        }
      else
        {
          (*invalid)++;
          i++;
        }
    }
}

/* UTF-16 without a BOM: ASCII-heavy text has a zero in every other byte. */
static const char *
utf16_by_zeros (const guint8 *d, gsize len)
{
  gsize n = MIN (len, (gsize) 4096) & ~(gsize) 1;
  gsize even = 0, odd = 0;

  if (n < 4)
    return NULL;
  for (gsize i = 0; i < n; i += 2)
    {
      even += d[i] == 0;
      odd += d[i + 1] == 0;
    }
  if (odd > n / 2 * 0.3 && even < n / 2 * 0.05)
    return "UTF-16LE";
  if (even > n / 2 * 0.3 && odd < n / 2 * 0.05)
    return "UTF-16BE";
  return NULL;
}

static char *
normalise_charset (const char *name)
{
  if (name == NULL || name[0] == '\0')
    return g_strdup ("WINDOWS-1252");
  if (g_ascii_strcasecmp (name, "ASCII") == 0 || g_ascii_strcasecmp (name, "UTF-8") == 0)
    return g_strdup ("UTF-8");
  /* Latin-1 as labelled by detectors is in practice Windows' superset. */
  if (g_ascii_strcasecmp (name, "ISO-8859-1") == 0)
    return g_strdup ("WINDOWS-1252");
  /* GB18030 is a superset of GB2312 and GBK: decode with it. */
  if (g_ascii_strcasecmp (name, "GB2312") == 0 || g_ascii_strcasecmp (name, "GBK") == 0
      || g_ascii_strcasecmp (name, "GB18030") == 0 || g_ascii_strcasecmp (name, "HZ-GB-2312") == 0)
    return g_strdup ("GB18030");
  if (g_ascii_strcasecmp (name, "BIG5") == 0 || g_ascii_strcasecmp (name, "BIG-5") == 0)
    return g_strdup ("BIG5");
  if (g_ascii_strcasecmp (name, "SHIFT_JIS") == 0 || g_ascii_strcasecmp (name, "SJIS") == 0)
    return g_strdup ("SHIFT_JIS");
  return g_ascii_strup (name, -1);
}

/* Share of decoded characters that are plausible text (not C1 controls,
 * replacement or private use): the confidence of a detector's guess. */
static double
decoded_plausibility (const guint8 *d, gsize len, const char *encoding)
{
  gsize n = MIN (len, (gsize) 65536);
  gsize read = 0, written = 0;
  g_autofree char *out = g_convert ((const char *) d, (gssize) n, "UTF-8", encoding, &read, &written, NULL);
  gsize total = 0, bad = 0;

  if (out == NULL)
    {
      /* A cut multi-byte character at the sample end is fine. */
      if (read + 8 < n || read == 0)
        return 0.2;
      out = g_convert ((const char *) d, (gssize) read, "UTF-8", encoding, NULL, &written, NULL);
      if (out == NULL)
        return 0.2;
    }
  for (const char *p = out; *p; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);
      total++;
      if ((ch >= 0x80 && ch < 0xa0) || ch == 0xfffd || (ch >= 0xe000 && ch < 0xf900))
        bad++;
    }
  if (total == 0)
    return 0.5;
  return 0.9 * (1.0 - (double) bad / (double) total);
}

static gboolean
is_single_byte_charset (const char *name)
{
  return g_str_has_prefix (name, "WINDOWS-") || g_str_has_prefix (name, "ISO-8859") || g_str_has_prefix (name, "KOI8")
         || g_str_has_prefix (name, "MAC") || g_str_has_prefix (name, "IBM") || g_str_has_prefix (name, "CP")
         || g_str_has_prefix (name, "VISCII") || g_str_has_prefix (name, "TIS-620");
}

/* In real Latin text a byte >= 0x80 is a letter next to an ASCII letter
 * ("café", "Größe"); in CJK bytes read as Latin, high bytes come in runs
 * and read as symbols ("Ãû³Æ"). The share of high bytes that look right. */
static double
latin_plausibility (const guint8 *d, gsize len)
{
  gsize high = 0, good = 0;

  for (gsize i = 0; i < len; i++)
    {
      if (d[i] < 0x80)
        continue;
      high++;
      gboolean left = i > 0 && g_ascii_isalpha (d[i - 1]);
      gboolean right = i + 1 < len && g_ascii_isalpha (d[i + 1]);
      /* Latin-1 letters: 0xC0–0xFF except × ÷. */
      gboolean letter = d[i] >= 0xc0 && d[i] != 0xd7 && d[i] != 0xf7;
      if (letter && (left || right))
        good++;
    }
  return high == 0 ? 1.0 : (double) good / (double) high;
}

/* The CJK encoding that decodes D cleanly into the most ideographs (and
 * kana for Shift_JIS), or NULL when none reads it as CJK text. */
static const char *
best_cjk_encoding (const guint8 *d, gsize len)
{
  static const char * const candidates[] = { "GB18030", "BIG5", "SHIFT_JIS" };
  const char *best = NULL;
  double best_score = 0.9;   /* below this, not convincingly CJK */

  for (guint k = 0; k < G_N_ELEMENTS (candidates); k++)
    {
      gsize read = 0, written = 0;
      g_autofree char *out = g_convert ((const char *) d, (gssize) len, "UTF-8", candidates[k], &read, &written, NULL);
      gsize total = 0, good = 0;

      /* A character cut by the end of the sample is fine. */
      if (out == NULL && read + 4 >= len && read > 0)
        out = g_convert ((const char *) d, (gssize) read, "UTF-8", candidates[k], NULL, &written, NULL);
      if (out == NULL)
        continue;
      for (const char *p = out; *p; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);
          if (c < 0x80)
            continue;
          total++;
          if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3000 && c <= 0x303f)
              || (c >= 0xff01 && c <= 0xff5e) || (k == 2 && c >= 0x3040 && c <= 0x30ff))
            good++;
        }
      if (total == 0)
        continue;
      double score = (double) good / (double) total;
      if (score > best_score + 1e-9)
        {
          best = candidates[k];
          best_score = score;
        }
    }
  return best;
}

void
text_guess_encoding (const guint8 *d, gsize len, TextEncodingGuess *guess)
{
  const char *utf16;
  gsize valid_mb, invalid;

  memset (guess, 0, sizeof *guess);
  guess->confidence = 1.0;
  if (len >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf)
    {
      guess->encoding = g_strdup ("UTF-8");
      guess->bom_len = 3;
      return;
    }
  if (len >= 2 && d[0] == 0xff && d[1] == 0xfe)
    {
      guess->encoding = g_strdup ("UTF-16LE");
      guess->bom_len = 2;
      return;
    }
  if (len >= 2 && d[0] == 0xfe && d[1] == 0xff)
    {
      guess->encoding = g_strdup ("UTF-16BE");
      guess->bom_len = 2;
      return;
    }
  utf16 = utf16_by_zeros (d, len);
  if (utf16 != NULL)
    {
      guess->encoding = g_strdup (utf16);
      guess->confidence = 0.9;
      return;
    }
  if (g_utf8_validate ((const char *) d, (gssize) len, NULL))
    {
      guess->encoding = g_strdup ("UTF-8");
      return;
    }

  /* Mostly valid UTF-8 with a few bad bytes is a damaged UTF-8 file: say
   * where it is damaged rather than decode it as something else. */
  utf8_census (d, MIN (len, (gsize) (4 << 20)), &valid_mb, &invalid);
  if (valid_mb >= 1 && invalid <= valid_mb / 4)
    {
      guess->encoding = g_strdup ("UTF-8");
      guess->confidence = 0.5;
      return;
    }

  uchardet_t ud = uchardet_new ();
  uchardet_handle_data (ud, (const char *) d, MIN (len, (gsize) (1 << 20)));
  uchardet_data_end (ud);
  guess->encoding = normalise_charset (uchardet_get_charset (ud));
  uchardet_delete (ud);

  /* Short Chinese files (a header and a few rows) are often taken for a
   * Latin code page, which would import mojibake silently: when the Latin
   * reading is implausible and a CJK encoding reads the bytes cleanly, take
   * the CJK one. */
  if (is_single_byte_charset (guess->encoding) && latin_plausibility (d, MIN (len, (gsize) 65536)) < 0.5)
    {
      const char *cjk = best_cjk_encoding (d, MIN (len, (gsize) 65536));
      if (cjk != NULL)
        {
          g_free (guess->encoding);
          guess->encoding = g_strdup (cjk);
          guess->confidence = 0.6;
          return;
        }
    }
  if (g_ascii_strcasecmp (guess->encoding, "UTF-8") == 0)
    guess->confidence = 0.5;
  else
    guess->confidence = decoded_plausibility (d, len, guess->encoding);
}

static guint
count_lines (const char *s, gsize len)
{
  guint lines = 1;

  for (gsize i = 0; i < len; i++)
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= len || s[i + 1] != '\n')))
      lines++;
  return lines;
}

gboolean
text_decode (const guint8 *data, gsize len, gsize base_offset, const char *encoding, const char *name,
             const char **out, gsize *out_len, char **out_owned, GError **error)
{
  const char *end = NULL;

  *out_owned = NULL;
  if (g_ascii_strcasecmp (encoding, "UTF-8") == 0 || g_ascii_strcasecmp (encoding, "UTF8") == 0)
    {
      if (!g_utf8_validate ((const char *) data, (gssize) len, &end))
        {
          gsize at = (gsize) (end - (const char *) data);
          guint line = count_lines ((const char *) data, at);
          if (data[at] == 0)
            g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_ENCODING,
                         _("%s, line %u, byte offset %" G_GSIZE_FORMAT ": a NUL byte; this is not a text file "
                           "(or it is UTF-16: choose that encoding)"),
                         name, line, at + base_offset);
          else
            g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_ENCODING,
                         _("%s, line %u, byte offset %" G_GSIZE_FORMAT ": byte 0x%02X is not valid UTF-8; "
                           "the file may be in another encoding (choose it), or damaged"),
                         name, line, at + base_offset, data[at]);
          return FALSE;
        }
      *out = (const char *) data;
      *out_len = len;
      return TRUE;
    }

  gsize read = 0, written = 0;
  g_autoptr(GError) local = NULL;
  char *conv = g_convert ((const char *) data, (gssize) len, "UTF-8", encoding, &read, &written, &local);
  if (conv != NULL && read < len)
    {
      /* Converted, but a partial character was left at the end. */
      g_clear_pointer (&conv, g_free);
      g_set_error_literal (&local, G_CONVERT_ERROR, G_CONVERT_ERROR_PARTIAL_INPUT, "partial input");
    }
  if (conv == NULL)
    {
      if (g_error_matches (local, G_CONVERT_ERROR, G_CONVERT_ERROR_NO_CONVERSION))
        {
          g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION,
                       _("Unknown encoding “%s”"), encoding);
          return FALSE;
        }
      /* The line: decode the good prefix and count its line ends. */
      gsize pw = 0;
      g_autofree char *prefix = read > 0 ? g_convert ((const char *) data, (gssize) read, "UTF-8", encoding,
                                                      NULL, &pw, NULL) : NULL;
      guint line = prefix != NULL ? count_lines (prefix, pw) : 1;
      if (g_error_matches (local, G_CONVERT_ERROR, G_CONVERT_ERROR_PARTIAL_INPUT))
        g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_ENCODING,
                     _("%s, line %u, byte offset %" G_GSIZE_FORMAT ": the file ends inside a %s character "
                       "(truncated file?)"),
                     name, line, read + base_offset, encoding);
      else
        g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_ENCODING,
                     _("%s, line %u, byte offset %" G_GSIZE_FORMAT ": byte 0x%02X is not valid %s; "
                       "choose the file's real encoding"),
                     name, line, read + base_offset, read < len ? data[read] : 0, encoding);
      return FALSE;
    }
  if (memchr (conv, '\0', written) != NULL)
    {
      gsize at = (gsize) ((const char *) memchr (conv, '\0', written) - conv);
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_ENCODING,
                   _("%s, line %u: a NUL character; this is not a %s text file"),
                   name, count_lines (conv, at), encoding);
      g_free (conv);
      return FALSE;
    }
  *out = conv;
  *out_len = written;
  *out_owned = conv;
  return TRUE;
}

/* ---- CSV ---------------------------------------------------------------- */

/* Field counts of the first records of TEXT split at DELIM (quote-aware). */
static guint
count_fields (const char *text, gsize len, char delim, guint *counts, guint max_records,
              gboolean count_last)
{
  guint n = 0, fields = 1;
  gboolean in_quotes = FALSE, line_empty = TRUE;

  for (gsize i = 0; i < len && n < max_records; i++)
    {
      char c = text[i];
      if (in_quotes)
        {
          if (c == '"')
            {
              if (i + 1 < len && text[i + 1] == '"')
                i++;
              else
                in_quotes = FALSE;
            }
          continue;
        }
      if (c == '"')
        {
          in_quotes = TRUE;
          line_empty = FALSE;
        }
      else if (c == delim)
        {
          fields++;
          line_empty = FALSE;
        }
      else if (c == '\n' || c == '\r')
        {
          if (!line_empty)
            counts[n++] = fields;
          fields = 1;
          line_empty = TRUE;
          if (c == '\r' && i + 1 < len && text[i + 1] == '\n')
            i++;
        }
      else
        line_empty = FALSE;
    }
  if (count_last && !line_empty && !in_quotes && n < max_records)
    counts[n++] = fields;
  return n;
}

char
csv_sniff_delimiter (const char *text, gsize len)
{
  static const char candidates[] = { ',', '\t', ';', '|' };
  enum { MAX_RECORDS = 40 };
  gsize sample = MIN (len, (gsize) 65536);
  char best = ',';
  double best_score = 0.0;
  guint best_width = 0;

  for (guint k = 0; k < G_N_ELEMENTS (candidates); k++)
    {
      guint counts[MAX_RECORDS + 1];
      /* The last record counts only when the sample is the whole text. */
      guint n = count_fields (text, sample, candidates[k], counts, MAX_RECORDS, sample == len);
      if (n == 0)
        continue;
      /* The mode of the counts and how many records agree with it. */
      guint mode = 0, mode_freq = 0;
      for (guint i = 0; i < n; i++)
        {
          guint f = 0;
          for (guint j = 0; j < n; j++)
            f += counts[j] == counts[i];
          if (f > mode_freq || (f == mode_freq && counts[i] > mode))
            {
              mode = counts[i];
              mode_freq = f;
            }
        }
      if (mode < 2)
        continue;
      double score = (double) mode_freq / (double) n;
      /* The header must agree too: a delimiter that splits only the data is a decimal comma. */
      if (counts[0] != mode)
        score *= 0.5;
      if (score > best_score + 1e-9 || (score > best_score - 1e-9 && mode > best_width))
        {
          best = candidates[k];
          best_score = score;
          best_width = mode;
        }
    }
  return best;
}

typedef struct {
  const char *ptr;
  gsize       len;
  gssize      scratch;   /* offset in the scratch buffer, or -1 when PTR points into the text */
} CsvField;

static gboolean
csv_emit (TableBuilder *b, GArray *fields, GString *scratch, GPtrArray *ptrs, GArray *lens,
          guint number, guint line, GError **error)
{
  g_ptr_array_set_size (ptrs, 0);
  g_array_set_size (lens, 0);
  for (guint i = 0; i < fields->len; i++)
    {
      CsvField *f = &g_array_index (fields, CsvField, i);
      g_ptr_array_add (ptrs, (gpointer) (f->scratch >= 0 ? scratch->str + f->scratch : f->ptr));
      g_array_append_val (lens, f->len);
    }
  return table_builder_add_row (b, number, line, (const char * const *) ptrs->pdata,
                                (const gsize *) (gpointer) lens->data, ptrs->len, error);
}

static gboolean
csv_cell_too_long (TableBuilder *b, guint line, guint column, guint max_cell, GError **error)
{
  char letters[8];

  table_column_letters (column - 1, letters);
  g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_LIMIT,
               _("%s, line %u, column %u (%s): a cell of more than %u bytes; Copyist reads cells up to %u bytes"),
               b->name, line, column, letters, max_cell, max_cell);
  return FALSE;
}

gboolean
csv_parse (TableBuilder *b, const char *text, gsize len, char delim, GError **error)
{
  const guint max_cell = b->opts->limits.max_cell_bytes;
  g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (CsvField));
  g_autoptr(GString) scratch = g_string_new (NULL);
  g_autoptr(GPtrArray) ptrs = g_ptr_array_new ();
  g_autoptr(GArray) lens = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize pos = 0;
  guint line = 1;
  guint number = 0;

  while (pos < len)
    {
      guint record_line = line;
      gboolean end_of_record = FALSE;

      number++;
      g_array_set_size (fields, 0);
      g_string_truncate (scratch, 0);
      if ((number & 8191) == 0 && !table_builder_tick (b, (double) pos / (double) len, error))
        return FALSE;

      while (!end_of_record)
        {
          CsvField f = { NULL, 0, -1 };
          guint column = fields->len + 1;

          if (pos < len && text[pos] == '"')
            {
              guint quote_line = line;
              gsize start = ++pos;
              gboolean doubled = FALSE;
              for (;;)
                {
                  const char *q = memchr (text + pos, '"', len - pos);
                  gsize stop = q != NULL ? (gsize) (q - text) : len;
                  for (gsize i = pos; i < stop; i++)
                    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= len || text[i + 1] != '\n')))
                      line++;
                  /* An unescaped cell is copied: check its size before each
                   * copy, or a 1 GB cell with "" in it would be copied whole. */
                  if (doubled && scratch->len - (gsize) f.scratch + (stop - pos) > max_cell)
                    return csv_cell_too_long (b, record_line, column, max_cell, error);
                  if (doubled)
                    g_string_append_len (scratch, text + pos, (gssize) (stop - pos));
                  if (q == NULL)
                    {
                      char letters[8];
                      table_column_letters (column - 1, letters);
                      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_SYNTAX,
                                   _("%s, line %u, column %u (%s): a quoted cell is never closed; "
                                     "the file ends inside it (a \" is missing)"),
                                   b->name, quote_line, column, letters);
                      return FALSE;
                    }
                  pos = stop + 1;
                  if (pos < len && text[pos] == '"')
                    {
                      /* A doubled quote: from here on the cell is unescaped into scratch. */
                      if (!doubled)
                        {
                          if (stop - start > max_cell)
                            return csv_cell_too_long (b, record_line, column, max_cell, error);
                          f.scratch = (gssize) scratch->len;
                          g_string_append_len (scratch, text + start, (gssize) (stop - start));
                          doubled = TRUE;
                        }
                      g_string_append_c (scratch, '"');
                      pos++;
                      continue;
                    }
                  if (doubled)
                    f.len = scratch->len - (gsize) f.scratch;
                  else
                    {
                      f.ptr = text + start;
                      f.len = stop - start;
                    }
                  break;
                }
              if (pos < len && text[pos] != delim && text[pos] != '\n' && text[pos] != '\r')
                {
                  char letters[8];
                  table_column_letters (column - 1, letters);
                  gsize show = 0;
                  while (pos + show < len && show < 20 && text[pos + show] != '\n' && text[pos + show] != '\r')
                    show++;
                  g_autofree char *after = g_utf8_make_valid (text + pos, (gssize) show);
                  g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_SYNTAX,
                               _("%s, line %u, column %u (%s): text “%s” after the closing quote of a cell; "
                                 "a quote inside a cell must be doubled (\"\")"),
                               b->name, line, column, letters, after);
                  return FALSE;
                }
            }
          else
            {
              gsize start = pos;
              while (pos < len && text[pos] != delim && text[pos] != '\n' && text[pos] != '\r')
                pos++;
              f.ptr = text + start;
              f.len = pos - start;
            }

          if (f.len > max_cell)
            {
              char letters[8];
              table_column_letters (column - 1, letters);
              g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_LIMIT,
                           _("%s, line %u, column %u (%s): a cell of %" G_GSIZE_FORMAT " bytes; "
                             "Copyist reads cells up to %u bytes"),
                           b->name, record_line, column, letters, f.len, max_cell);
              return FALSE;
            }
          if (fields->len >= b->opts->limits.max_columns)
            {
              g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_LIMIT,
                           _("%s, line %u: more than %u columns"), b->name, record_line,
                           b->opts->limits.max_columns);
              return FALSE;
            }
          g_array_append_val (fields, f);

          if (pos >= len)
            end_of_record = TRUE;
          else if (text[pos] == delim)
            {
              pos++;
              if (pos >= len)
                {
                  CsvField empty = { NULL, 0, -1 };
                  g_array_append_val (fields, empty);
                  end_of_record = TRUE;
                }
            }
          else
            {
              if (text[pos] == '\r' && pos + 1 < len && text[pos + 1] == '\n')
                pos++;
              pos++;
              line++;
              end_of_record = TRUE;
            }
        }

      if (!csv_emit (b, fields, scratch, ptrs, lens, number, record_line, error))
        return FALSE;
    }
  return table_builder_tick (b, 1.0, error);
}

/* ---- JSON and JSON lines ------------------------------------------------ */

static char *
json_cell_text (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_NULL:
      return g_strdup ("");
    case JSON_NODE_VALUE:
      {
        GType t = json_node_get_value_type (node);
        if (t == G_TYPE_STRING)
          return g_strdup (json_node_get_string (node));
        if (t == G_TYPE_INT64)
          return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
        if (t == G_TYPE_DOUBLE)
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
          }
        if (t == G_TYPE_BOOLEAN)
          return g_strdup (json_node_get_boolean (node) ? "true" : "false");
        return g_strdup ("");
      }
    case JSON_NODE_OBJECT:
    case JSON_NODE_ARRAY:
    default:
      return json_to_string (node, FALSE);
    }
}

typedef struct {
  guint       line;
  GPtrArray  *cells;   /* char*, by key index */
} JsonRow;

static void
json_row_free (JsonRow *r)
{
  g_ptr_array_unref (r->cells);
  g_free (r);
}

static gboolean
json_add_object (TableBuilder *b, JsonObject *obj, guint line, GPtrArray *keys, GHashTable *key_index,
                 GPtrArray *out, GError **error)
{
  JsonRow *row = g_new0 (JsonRow, 1);
  g_autoptr(GList) members = json_object_get_members (obj);

  row->line = line;
  row->cells = g_ptr_array_new_with_free_func (g_free);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      gpointer idx;
      /* json-glib turns the escape of a lone surrogate into bytes that
       * are not UTF-8; every cell and header must be text (found by
       * tests/fuzz/fuzz-table-json). */
      if (!g_utf8_validate (key, -1, NULL))
        {
          json_row_free (row);
          g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_ENCODING,
                       _("%s, line %u: a key holds a \\u escape that is not a character (a lone surrogate)"),
                       b->name, line);
          return FALSE;
        }
      if (!g_hash_table_lookup_extended (key_index, key, NULL, &idx))
        {
          if (keys->len >= b->opts->limits.max_columns)
            {
              json_row_free (row);
              g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_LIMIT,
                           _("%s, line %u: more than %u different keys"), b->name, line,
                           b->opts->limits.max_columns);
              return FALSE;
            }
          idx = GUINT_TO_POINTER (keys->len);
          g_ptr_array_add (keys, g_strdup (key));
          g_hash_table_insert (key_index, keys->pdata[keys->len - 1], idx);
        }
      guint i = GPOINTER_TO_UINT (idx);
      while (row->cells->len <= i)
        g_ptr_array_add (row->cells, NULL);
      char *text = json_cell_text (json_object_get_member (obj, key));
      if (!g_utf8_validate (text, -1, NULL))
        {
          g_free (text);
          json_row_free (row);
          g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_ENCODING,
                       _("%s, line %u, key “%s”: a \\u escape that is not a character (a lone surrogate)"),
                       b->name, line, key);
          return FALSE;
        }
      if (strlen (text) > b->opts->limits.max_cell_bytes)
        {
          g_free (text);
          json_row_free (row);
          g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_LIMIT,
                       _("%s, line %u, key “%s”: a value longer than %u bytes"), b->name, line, key,
                       b->opts->limits.max_cell_bytes);
          return FALSE;
        }
      g_free (row->cells->pdata[i]);
      row->cells->pdata[i] = text;
    }
  g_ptr_array_add (out, row);
  return TRUE;
}

gboolean
json_parse_rows (TableBuilder *b, const char *text, gsize len, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) key_index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_row_free);
  gsize i = 0;
  guint first_line = 1;

  while (i < len && g_ascii_isspace (text[i]))
    i++;

  if (i < len && text[i] == '[')
    {
      g_autoptr(GError) local = NULL;
      if (!copyist_json_load (parser, text, (gssize) len, &local))
        {
          g_set_error (error, COPYIST_TABLE_ERROR,
                       local->domain == COPYIST_TABLE_ERROR ? local->code : COPYIST_TABLE_ERROR_SYNTAX,
                       _("%s: not valid JSON: %s"), b->name, local->message);
          return FALSE;
        }
      JsonArray *array = json_node_get_array (json_parser_get_root (parser));
      guint n = json_array_get_length (array);
      for (guint k = 0; k < n; k++)
        {
          JsonNode *node = json_array_get_element (array, k);
          if (!JSON_NODE_HOLDS_OBJECT (node))
            {
              g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_SYNTAX,
                           _("%s: element %u of the array is not an object ({…})"), b->name, k + 1);
              return FALSE;
            }
          if (!json_add_object (b, json_node_get_object (node), k + 1, keys, key_index, rows, error))
            return FALSE;
        }
    }
  else
    {
      /* JSON lines: one object per line. */
      guint line = 1;
      gboolean first = TRUE;
      gsize p = 0;
      while (p < len)
        {
          const char *nl = memchr (text + p, '\n', len - p);
          gsize end = nl != NULL ? (gsize) (nl - text) : len;
          gsize s = p;
          while (s < end && g_ascii_isspace (text[s]))
            s++;
          if (s < end)
            {
              g_autoptr(GError) local = NULL;
              if (!copyist_json_load (parser, text + s, (gssize) (end - s), &local))
                {
                  g_set_error (error, COPYIST_TABLE_ERROR,
                               local->domain == COPYIST_TABLE_ERROR ? local->code : COPYIST_TABLE_ERROR_SYNTAX,
                               _("%s, line %u: not valid JSON: %s"), b->name, line, local->message);
                  return FALSE;
                }
              JsonNode *root = json_parser_get_root (parser);
              /* A line of only a byte order mark parses to no root at all. */
              if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
                {
                  g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_SYNTAX,
                               _("%s, line %u: expected an object ({…}) on each line"), b->name, line);
                  return FALSE;
                }
              if (first)
                first_line = line;
              first = FALSE;
              if (!json_add_object (b, json_node_get_object (root), line, keys, key_index, rows, error))
                return FALSE;
            }
          line++;
          p = end + 1;
          if ((line & 4095) == 0 && !table_builder_tick (b, (double) p / (double) len, error))
            return FALSE;
        }
    }

  if (keys->len == 0)
    return TRUE;   /* finish() reports the empty file */

  if (!table_builder_add_row (b, 1, first_line, (const char * const *) keys->pdata, NULL, keys->len, error))
    return b->stopped;
  for (guint k = 0; k < rows->len; k++)
    {
      JsonRow *r = g_ptr_array_index (rows, k);
      if (!table_builder_add_row (b, k + 2, r->line, (const char * const *) r->cells->pdata, NULL,
                                  r->cells->len, error))
        return FALSE;
    }
  return TRUE;
}
