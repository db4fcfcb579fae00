/* fuzz-table.c — the spreadsheet readers (app/copyist-table*.c) under
 * libFuzzer. One source, four targets (tests/fuzz/meson.build sets
 * FUZZ_TABLE_CSV, _JSON, _XLSX or _ODS):
 *
 *  - fuzz-table-csv: the bytes as a CSV/TSV file: encoding detection
 *    (BOM, UTF-8, uchardet) and conversion, delimiter sniffing, RFC 4180
 *    quoting; then the same bytes with the format left to detection, and a
 *    sniff under an encoding the input picks;
 *  - fuzz-table-json: the bytes as a JSON array or JSON lines file;
 *  - fuzz-table-xlsx / fuzz-table-ods: a zip. Mutating a deflated zip
 *    mostly breaks its CRCs, so unless the input already is a zip ("PK")
 *    the harness builds one (stored, so the XML is mutated directly) from
 *    the input's NUL-separated pieces:
 *      XLSX: sheet1.xml, sharedStrings.xml, workbook.xml, workbook.xml.rels,
 *            styles.xml, _rels/.rels (an empty piece: a sane default, or
 *            no part for shared strings and styles);
 *      ODS:  content.xml, mimetype, META-INF/manifest.xml.
 *
 * Every read runs under the default limits (the ones users get) but the
 * row limit, which is 100 000 here instead of 2 000 000: its logic is the
 * same at any value, and at the default a 2 KB ODS repeating a row a
 * million times legitimately builds a million rows, seconds under ASan
 * that libFuzzer would report as a hang (CI run of 2026-11-28). What must
 * hold: no crash, leak or hang; a failure is a COPYIST_TABLE_ERROR (or
 * G_IO_ERROR) with a message; a table has n_columns cells in every row,
 * unique valid UTF-8 headers and valid UTF-8 cells. */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <gio/gio.h>

#include "copyist-table.h"
#include "fuzz-util.h"

#define FUZZ_MAX_ROWS 100000

/* meson.build defines one of FUZZ_TABLE_CSV, _JSON, _XLSX, _ODS. */
#if defined (FUZZ_TABLE_CSV)
#define FUZZ_TABLE_FORMAT COPYIST_FILE_FORMAT_CSV
#elif defined (FUZZ_TABLE_JSON)
#define FUZZ_TABLE_FORMAT COPYIST_FILE_FORMAT_JSON
#elif defined (FUZZ_TABLE_XLSX)
#define FUZZ_TABLE_ZIP 1
#define FUZZ_TABLE_FORMAT COPYIST_FILE_FORMAT_XLSX
#elif defined (FUZZ_TABLE_ODS)
#define FUZZ_TABLE_ZIP 1
#define FUZZ_TABLE_FORMAT COPYIST_FILE_FORMAT_ODS
#else
#error "define FUZZ_TABLE_CSV, FUZZ_TABLE_JSON, FUZZ_TABLE_XLSX or FUZZ_TABLE_ODS"
#endif

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  /* A critical (a g_return_if_fail) or warning is a bug: crash on it. */
  fuzz_abort_on_glib_warnings ();
  return 0;
}

static void
check_error (const GError *error)
{
  if (error == NULL || error->message == NULL || error->message[0] == '\0')
    {
      fprintf (stderr, "a read failed without a message\n");
      abort ();
    }
  if (error->domain != COPYIST_TABLE_ERROR && error->domain != G_IO_ERROR)
    {
      fprintf (stderr, "unexpected error domain %s: %s\n", g_quark_to_string (error->domain), error->message);
      abort ();
    }
}

static void
check_table (const CopyistTable *t)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (t->n_columns == 0 || t->headers == NULL || g_strv_length (t->headers) != t->n_columns)
    {
      fprintf (stderr, "table with %u columns but %u headers\n", t->n_columns,
               t->headers != NULL ? g_strv_length (t->headers) : 0);
      abort ();
    }
  for (guint c = 0; c < t->n_columns; c++)
    {
      if (!g_utf8_validate (t->headers[c], -1, NULL) || !g_hash_table_add (seen, t->headers[c]))
        {
          fprintf (stderr, "header %u \"%s\" is not valid UTF-8 or not unique\n", c, t->headers[c]);
          abort ();
        }
    }
  for (guint r = 0; r < t->rows->len; r++)
    {
      const CopyistTableRow *row = g_ptr_array_index (t->rows, r);
      for (guint c = 0; c < t->n_columns; c++)
        if (row->cells[c] == NULL || !g_utf8_validate (row->cells[c], -1, NULL))
          {
            fprintf (stderr, "row %u cell %u is NULL or not valid UTF-8\n", r, c);
            abort ();
          }
    }
  if (copyist_table_find_column (t, t->headers[0]) != 0)
    abort ();
  (void) copyist_table_get (t, t->rows->len, t->n_columns);
}

static void
read_one (GBytes *bytes, const char *name, const CopyistReadOptions *opts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CopyistTable) table = copyist_table_read_bytes (bytes, name, opts, NULL, &error);

  if (table != NULL)
    check_table (table);
  else
    check_error (error);
}

static void
sniff_one (GBytes *bytes, const char *name, const CopyistReadOptions *opts)
{
  g_autoptr(GError) error = NULL;
  CopyistSniffResult result;

  memset (&result, 0, sizeof result);
  if (copyist_sniff_bytes (bytes, name, opts, &result, NULL, &error))
    copyist_sniff_result_clear (&result);
  else
    check_error (error);
}

#ifdef FUZZ_TABLE_ZIP

static la_ssize_t
zip_write_cb (struct archive *a, void *data, const void *buf, size_t len)
{
  g_byte_array_append (data, buf, (guint) len);
  return (la_ssize_t) len;
}

typedef struct {
  const char *name;
  const char *fallback;   /* used for an empty piece; NULL: leave the part out */
} Part;

/* A stored (uncompressed) zip of the parts, filled from the input's pieces. */
static GByteArray *
build_zip (const Part *parts, int n_parts, const uint8_t *data, size_t size)
{
  char *pieces[8];
  size_t lens[8];
  int n = fuzz_split (data, size, n_parts, pieces, lens);
  GByteArray *out = g_byte_array_new ();
  struct archive *a = archive_write_new ();

  archive_write_set_format_zip (a);
  archive_write_zip_set_compression_store (a);
  archive_write_open (a, out, NULL, zip_write_cb, NULL);
  for (int i = 0; i < n_parts; i++)
    {
      const char *content = i < n && lens[i] > 0 ? pieces[i] : parts[i].fallback;
      size_t len = i < n && lens[i] > 0 ? lens[i] : (content != NULL ? strlen (content) : 0);
      if (content == NULL)
        continue;
      struct archive_entry *e = archive_entry_new ();
      archive_entry_set_pathname (e, parts[i].name);
      archive_entry_set_size (e, (la_int64_t) len);
      archive_entry_set_filetype (e, AE_IFREG);
      archive_entry_set_perm (e, 0644);
      if (archive_write_header (a, e) != ARCHIVE_OK || archive_write_data (a, content, len) != (la_ssize_t) len)
        abort ();
      archive_entry_free (e);
    }
  archive_write_close (a);
  archive_write_free (a);
  fuzz_pieces_free (pieces, n);
  return out;
}

#endif

#if defined (FUZZ_TABLE_XLSX)
#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG "http://schemas.openxmlformats.org/package/2006/relationships"
static const Part zip_parts[] = {
  { "xl/worksheets/sheet1.xml", "<worksheet xmlns=\"" NS_MAIN "\"><sheetData/></worksheet>" },
  { "xl/sharedStrings.xml", NULL },
  { "xl/workbook.xml", "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
                       "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>" },
  { "xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"" NS_PKG "\">"
                                  "<Relationship Id=\"rId1\" Type=\"" NS_REL "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                                  "<Relationship Id=\"rId2\" Type=\"" NS_REL "/sharedStrings\" Target=\"sharedStrings.xml\"/>"
                                  "<Relationship Id=\"rId3\" Type=\"" NS_REL "/styles\" Target=\"styles.xml\"/>"
                                  "</Relationships>" },
  { "xl/styles.xml", NULL },
  { "_rels/.rels", "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
                   "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>" },
};
#define ZIP_NAME "fuzz.xlsx"
#elif defined (FUZZ_TABLE_ODS)
static const Part zip_parts[] = {
  { "mimetype", "application/vnd.oasis.opendocument.spreadsheet" },
  { "content.xml", "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"/>" },
  { "META-INF/manifest.xml", NULL },
};
#define ZIP_NAME "fuzz.ods"
#endif

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  CopyistReadOptions opts;
  g_autoptr(GBytes) bytes = NULL;
  const char *name;

  copyist_read_options_init (&opts);
  opts.format = FUZZ_TABLE_FORMAT;
  opts.limits.max_rows = FUZZ_MAX_ROWS;

#ifdef FUZZ_TABLE_ZIP
  name = ZIP_NAME;
  if (size >= 2 && data[0] == 'P' && data[1] == 'K')
    bytes = g_bytes_new (data, size);
  else
    {
#if defined (FUZZ_TABLE_ODS)
      /* The content first: the piece the fuzzer should spend its time on. */
      Part parts[G_N_ELEMENTS (zip_parts)] = { zip_parts[1], zip_parts[0], zip_parts[2] };
      GByteArray *zip = build_zip (parts, G_N_ELEMENTS (parts), data, size);
#else
      GByteArray *zip = build_zip (zip_parts, G_N_ELEMENTS (zip_parts), data, size);
#endif
      bytes = g_byte_array_free_to_bytes (zip);
    }
#elif defined (FUZZ_TABLE_JSON)
  name = "fuzz.jsonl";
  bytes = g_bytes_new (data, size);
#else
  name = "fuzz.csv";
  bytes = g_bytes_new (data, size);
#endif

  /* The import as it runs, then the assistant's preview and sniff. */
  read_one (bytes, name, &opts);
  opts.max_rows = 3;
  opts.header_row = size % 3;
  opts.skip_rows = (size / 3) % 2;
  read_one (bytes, name, &opts);
  copyist_read_options_init (&opts);
  opts.format = FUZZ_TABLE_FORMAT;
  opts.limits.max_rows = FUZZ_MAX_ROWS;
  sniff_one (bytes, name, &opts);

#if defined (FUZZ_TABLE_CSV)
  {
    /* Format detection from the content (a CSV may turn out to be JSON, a
     * zip or a PNG), and an encoding forced by the merchant. */
    const char *const *encodings = copyist_table_known_encodings ();
    guint n_enc = g_strv_length ((char **) encodings);
    copyist_read_options_init (&opts);
    opts.limits.max_rows = FUZZ_MAX_ROWS;
    read_one (bytes, "fuzz.txt", &opts);
    opts.encoding = encodings[(size + (size > 0 ? data[0] : 0)) % n_enc];
    opts.delimiter = size > 1 ? (char) data[size - 1] : 0;
    read_one (bytes, "fuzz.csv", &opts);
  }
#endif
  return 0;
}
