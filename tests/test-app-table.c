/* test-app-table.c — the spreadsheet reader against a corpus of tricky and
 * hostile files written here at run time: every encoding, every delimiter,
 * quoting, shapes, XLSX/ODS (valid, merged, strict, dated) and zip bombs,
 * billion laughs, truncation, renamed images. Each bad file must give its
 * own message (file, line/row, column) and produce nothing. */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "copyist-table.h"

#include "test-util.h"

static char *tmpdir;

/* ---- fixtures ----------------------------------------------------------- */

static GFile *
write_fixture (const char *name, const void *data, gssize len)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static GFile *
write_text (const char *name, const char *utf8)
{
  return write_fixture (name, utf8, -1);
}

/* UTF8 converted to ENCODING, with an optional BOM, written as NAME. */
static GFile *
write_encoded (const char *name, const char *utf8, const char *encoding, const char *bom, gsize bom_len)
{
  gsize written = 0;
  g_autoptr(GError) error = NULL;
  g_autofree char *conv = g_convert (utf8, -1, encoding, "UTF-8", NULL, &written, &error);
  g_assert_no_error (error);
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  g_byte_array_append (buf, (const guint8 *) bom, (guint) bom_len);
  g_byte_array_append (buf, (const guint8 *) conv, (guint) written);
  return write_fixture (name, buf->data, (gssize) buf->len);
}

static la_ssize_t
zip_write_cb (struct archive *a, void *data, const void *buf, size_t len)
{
  g_byte_array_append (data, buf, (guint) len);
  return (la_ssize_t) len;
}

/* A zip of NAME, CONTENT pairs (NULL-terminated); LEN -1 means strlen. */
static GByteArray *
make_zip (const char *first, ...)
{
  GByteArray *out = g_byte_array_new ();
  struct archive *a = archive_write_new ();
  va_list args;

  archive_write_set_format_zip (a);
  archive_write_open (a, out, NULL, zip_write_cb, NULL);
  va_start (args, first);
  for (const char *name = first; name != NULL; name = va_arg (args, const char *))
    {
      const char *content = va_arg (args, const char *);
      gssize len = va_arg (args, gssize);
      struct archive_entry *e = archive_entry_new ();
      if (len < 0)
        len = (gssize) strlen (content);
      archive_entry_set_pathname (e, name);
      archive_entry_set_size (e, len);
      archive_entry_set_filetype (e, AE_IFREG);
      archive_entry_set_perm (e, 0644);
      g_assert_cmpint (archive_write_header (a, e), ==, ARCHIVE_OK);
      g_assert_cmpint (archive_write_data (a, content, (size_t) len), ==, len);
      archive_entry_free (e);
    }
  va_end (args);
  archive_write_close (a);
  archive_write_free (a);
  return out;
}

static const char content_types[] =
  "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
  "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
  "</Types>";
static const char root_rels[] =
  "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
  "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
  "</Relationships>";
static const char workbook[] =
  "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
  "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
  "<sheets><sheet name=\"Products\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char workbook_rels[] =
  "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
  "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
  "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
  "</Relationships>";
static const char shared_strings[] =
  "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
  "<si><t>SKU</t></si><si><t>Title</t></si><si><r><t>Red </t></r><r><t>Tee</t></r><rPh><t>ignored</t></rPh></si>"
  "</sst>";

/* An XLSX written by hand around SHEET_XML (the sheet part). */
static GFile *
write_hand_xlsx (const char *name, const char *sheet_xml, gssize sheet_len)
{
  g_autoptr(GByteArray) zip = make_zip ("[Content_Types].xml", content_types, (gssize) -1,
                                        "_rels/.rels", root_rels, (gssize) -1,
                                        "xl/workbook.xml", workbook, (gssize) -1,
                                        "xl/_rels/workbook.xml.rels", workbook_rels, (gssize) -1,
                                        "xl/sharedStrings.xml", shared_strings, (gssize) -1,
                                        "xl/worksheets/sheet1.xml", sheet_xml, sheet_len,
                                        NULL);
  return write_fixture (name, zip->data, (gssize) zip->len);
}

#define SHEET_OPEN "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
#define SHEET_CLOSE "</sheetData></worksheet>"

static CopyistTable *
read_file (GFile *file, const CopyistReadOptions *opts, GError **error)
{
  return copyist_table_read (file, opts, NULL, NULL, NULL, error);
}

/* Reads FILE expecting failure CODE with every fragment in the message. */
static void
expect_error (GFile *file, const CopyistReadOptions *opts, int code, const char *fragment, ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CopyistTable) table = read_file (file, opts, &error);
  va_list args;

  if (table != NULL)
    g_error ("%s: expected an error, got a table of %u rows", g_file_peek_path (file), table->rows->len);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  if (!g_error_matches (error, COPYIST_TABLE_ERROR, code))
    g_error ("%s: expected code %d, got %s/%d: %s", g_file_peek_path (file), code,
             g_quark_to_string (error->domain), error->code, error->message);
  va_start (args, fragment);
  for (const char *f = fragment; f != NULL; f = va_arg (args, const char *))
    if (strstr (error->message, f) == NULL)
      g_error ("message “%s” lacks “%s”", error->message, f);
  va_end (args);
}

static CopyistTable *
expect_table (GFile *file, const CopyistReadOptions *opts, guint columns, guint rows)
{
  g_autoptr(GError) error = NULL;
  CopyistTable *table = read_file (file, opts, &error);

  g_assert_no_error (error);
  g_assert_nonnull (table);
  g_assert_cmpuint (table->n_columns, ==, columns);
  g_assert_cmpuint (table->rows->len, ==, rows);
  return table;
}

/* ---- encodings ---------------------------------------------------------- */

static const char chinese_csv[] =
  "货号,商品名称,颜色,材质,描述\n"
  "00123,纯棉圆领短袖T恤,白色,纯棉,这款T恤采用柔软的纯棉面料，穿着舒适透气，简约百搭。\n"
  "00124,修身牛仔裤,蓝色,牛仔布,经典水洗工艺，修身版型，展现腿部线条，适合日常通勤。\n"
  "00125,羊毛针织开衫,灰色,羊毛,温暖柔软的羊毛针织，宽松版型，秋冬季节的必备单品。\n";

static const char traditional_csv[] =
  "貨號,商品名稱,顏色,材質,描述\n"
  "00123,純棉圓領短袖T恤,白色,純棉,這款T恤採用柔軟的純棉面料，穿著舒適透氣，簡約百搭。\n"
  "00124,修身牛仔褲,藍色,牛仔布,經典水洗工藝，修身版型，展現腿部線條，適合日常通勤。\n"
  "00125,羊毛針織開衫,灰色,羊毛,溫暖柔軟的羊毛針織，寬鬆版型，秋冬季節的必備單品。\n";

static const char japanese_csv[] =
  "品番,商品名,色,素材,説明\n"
  "00123,コットン半袖Tシャツ,白,綿,柔らかいコットン素材で、着心地がよく通気性に優れています。\n"
  "00124,スリムジーンズ,青,デニム,クラシックなウォッシュ加工で、すっきりとしたシルエットです。\n"
  "00125,ウールカーディガン,灰色,ウール,暖かく柔らかいウールニットで、秋冬に欠かせない一枚です。\n";

static const char latin_csv[] =
  "SKU,Name,Price,Description\n"
  "A1,Café crème mug,12€,\"Un mug élégant pour le café du matin, façonné à la main.\"\n"
  "A2,Übergröße Schürze,19€,\"Eine große Schürze für Köche und Bäcker, aus grober Baumwolle.\"\n";

static void
check_cjk_table (CopyistTable *t, const char *title, const char *encoding)
{
  g_assert_cmpuint (t->n_columns, ==, 5);
  g_assert_cmpuint (t->rows->len, ==, 3);
  g_assert_cmpstr (copyist_table_get (t, 0, 0), ==, "00123");
  g_assert_cmpstr (copyist_table_get (t, 0, 1), ==, title);
  if (encoding != NULL)
    g_assert_cmpstr (t->encoding, ==, encoding);
}

static void
test_encodings (void)
{
  struct {
    const char *name, *encoding, *bom, *expect;
    gsize bom_len;
  } cases[] = {
    { "utf8.csv", "UTF-8", "", "UTF-8", 0 },
    { "utf8-bom.csv", "UTF-8", "\xef\xbb\xbf", "UTF-8", 3 },
    { "utf16le-bom.csv", "UTF-16LE", "\xff\xfe", "UTF-16LE", 2 },
    { "utf16be-bom.csv", "UTF-16BE", "\xfe\xff", "UTF-16BE", 2 },
    { "gb18030.csv", "GB18030", "", "GB18030", 0 },
    { "gbk.csv", "GBK", "", "GB18030", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GFile) f = write_encoded (cases[i].name, chinese_csv, cases[i].encoding, cases[i].bom, cases[i].bom_len);
      g_autoptr(CopyistTable) t = expect_table (f, NULL, 5, 3);
      check_cjk_table (t, "纯棉圆领短袖T恤", cases[i].expect);
      g_assert_cmpstr (t->headers[0], ==, "货号");   /* the BOM is not part of the header */
      g_assert_cmpstr (copyist_table_get (t, 2, 4), ==, "温暖柔软的羊毛针织，宽松版型，秋冬季节的必备单品。");

      /* Sniffing reports the same encoding and row count as the read. */
      CopyistSniffResult sniff;
      g_autoptr(GError) error = NULL;
      g_assert_true (copyist_sniff (f, NULL, &sniff, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (sniff.encoding, ==, cases[i].expect);
      g_assert_cmpuint (((CopyistSheetInfo *) g_ptr_array_index (sniff.sheets, 0))->n_rows, ==, 4);
      g_assert_cmpfloat (sniff.encoding_confidence, >, 0.3);
      copyist_sniff_result_clear (&sniff);
    }

  {
    /* UTF-16 without a BOM: found from the zero bytes of ASCII text. */
    g_autoptr(GFile) f = write_encoded ("utf16le-nobom.csv", latin_csv, "UTF-16LE", "", 0);
    g_autoptr(CopyistTable) t = expect_table (f, NULL, 4, 2);
    g_assert_cmpstr (t->encoding, ==, "UTF-16LE");
    g_assert_cmpstr (copyist_table_get (t, 0, 1), ==, "Café crème mug");
  }
  {
    g_autoptr(GFile) f = write_encoded ("big5.csv", traditional_csv, "BIG5", "", 0);
    g_autoptr(CopyistTable) t = expect_table (f, NULL, 5, 3);
    check_cjk_table (t, "純棉圓領短袖T恤", "BIG5");
  }
  {
    g_autoptr(GFile) f = write_encoded ("sjis.csv", japanese_csv, "SHIFT_JIS", "", 0);
    g_autoptr(CopyistTable) t = expect_table (f, NULL, 5, 3);
    check_cjk_table (t, "コットン半袖Tシャツ", "SHIFT_JIS");
  }
  {
    g_autoptr(GFile) f = write_encoded ("cp1252.csv", latin_csv, "WINDOWS-1252", "", 0);
    g_autoptr(CopyistTable) t = expect_table (f, NULL, 4, 2);
    g_assert_cmpstr (t->encoding, ==, "WINDOWS-1252");
    g_assert_cmpstr (copyist_table_get (t, 0, 2), ==, "12€");
    g_assert_cmpstr (copyist_table_get (t, 1, 1), ==, "Übergröße Schürze");
  }
  {
    /* Latin-1 (no €): decoded through Windows-1252, its superset. */
    const char *latin1 = "SKU,Name,Description\nB1,Crème brûlée set,Ramequins en grès pour crème brûlée très résistants.\n"
                         "B2,Smørrebrød board,Planche à découper en hêtre massif et finition à l'huile.\n";
    g_autoptr(GFile) f = write_encoded ("latin1.csv", latin1, "ISO-8859-1", "", 0);
    g_autoptr(CopyistTable) t = expect_table (f, NULL, 3, 2);
    g_assert_cmpstr (copyist_table_get (t, 0, 1), ==, "Crème brûlée set");
  }
  {
    /* Short files (a header and one row) that detectors take for a Latin
     * code page: still read as Chinese, not as mojibake. */
    struct { const char *name, *encoding, *text, *cell; } shorts[] = {
      { "short-gbk.csv", "GBK", "名称,价格\n苹果,5\n", "苹果" },
      { "short-big5.csv", "BIG5", "名稱,價格\n蘋果,5\n", "蘋果" },
      { "short-sjis.csv", "SHIFT_JIS", "名前,価格\nりんご,5\n", "りんご" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (shorts); i++)
      {
        g_autoptr(GFile) f = write_encoded (shorts[i].name, shorts[i].text, shorts[i].encoding, "", 0);
        g_autoptr(CopyistTable) t = expect_table (f, NULL, 2, 1);
        g_assert_cmpstr (copyist_table_get (t, 0, 0), ==, shorts[i].cell);
      }
  }
  {
    /* The guess can be overridden; preview and import use the same option. */
    g_autoptr(GFile) f = write_encoded ("override.csv", chinese_csv, "GB18030", "", 0);
    CopyistReadOptions opts;
    copyist_read_options_init (&opts);
    opts.encoding = "GB18030";
    opts.max_rows = 1;
    g_autoptr(CopyistTable) preview = expect_table (f, &opts, 5, 1);
    g_assert_true (preview->truncated);
    opts.max_rows = 0;
    g_autoptr(CopyistTable) full = expect_table (f, &opts, 5, 3);
    g_assert_false (full->truncated);
    g_assert_cmpstr (copyist_table_get (preview, 0, 4), ==, copyist_table_get (full, 0, 4));
  }
}

static void
test_encoding_errors (void)
{
  CopyistReadOptions opts;

  {
    /* A UTF-8 file with one bad byte on line 3 at byte offset 40. */
    const char data[] = "SKU,Name\n001,纯棉T恤\n002,bad \xff byte\n";
    g_autoptr(GFile) f = write_fixture ("bad-utf8.csv", data, sizeof data - 1);
    g_autofree char *offset = g_strdup_printf ("byte offset %d", (int) (strchr (data, '\xff') - data));
    expect_error (f, NULL, COPYIST_TABLE_ERROR_ENCODING, "bad-utf8.csv", "line 3", offset, "0xFF", NULL);
  }
  {
    /* GB18030 bytes read as UTF-8 because the user said so. */
    g_autoptr(GFile) f = write_encoded ("forced.csv", chinese_csv, "GB18030", "", 0);
    copyist_read_options_init (&opts);
    opts.encoding = "UTF-8";
    expect_error (f, &opts, COPYIST_TABLE_ERROR_ENCODING, "forced.csv", "line 1", "byte offset 0", "UTF-8", NULL);
  }
  {
    g_autoptr(GFile) f = write_text ("unknown-enc.csv", "a,b\n1,2\n");
    copyist_read_options_init (&opts);
    opts.encoding = "KLINGON-8";
    expect_error (f, &opts, COPYIST_TABLE_ERROR_INVALID_OPTION, "KLINGON-8", NULL);
  }
  {
    /* UTF-16 cut in the middle of a character. */
    gsize written = 0;
    g_autofree char *conv = g_convert ("SKU,Name\n1,Tee\n", -1, "UTF-16LE", "UTF-8", NULL, &written, NULL);
    g_autoptr(GByteArray) buf = g_byte_array_new ();
    g_byte_array_append (buf, (const guint8 *) "\xff\xfe", 2);
    g_byte_array_append (buf, (const guint8 *) conv, (guint) written - 1);
    g_autoptr(GFile) f = write_fixture ("utf16-cut.csv", buf->data, (gssize) buf->len);
    expect_error (f, NULL, COPYIST_TABLE_ERROR_ENCODING, "utf16-cut.csv", "line 2", "byte offset 30", "truncated", NULL);
  }
  {
    const char data[] = "SKU,Name\n1,Tee\n2,Mug\0\0\0binary";
    g_autoptr(GFile) f = write_fixture ("nul.csv", data, sizeof data - 1);
    expect_error (f, NULL, COPYIST_TABLE_ERROR_ENCODING, "nul.csv", "line 3", "NUL", NULL);
  }
  {
    /* Windows-1252 bytes that are undefined there (0x81) with an explicit choice. */
    const char data[] = "SKU,Name\n1,Caf\xe9\n2,bad \x81 byte\n";
    g_autoptr(GFile) f = write_fixture ("cp1252-undefined.csv", data, sizeof data - 1);
    copyist_read_options_init (&opts);
    opts.encoding = "WINDOWS-1252";
    expect_error (f, &opts, COPYIST_TABLE_ERROR_ENCODING, "cp1252-undefined.csv", "line 3", "0x81", NULL);
  }
}

/* ---- delimiters, quoting, shapes ---------------------------------------- */

static void
test_delimiters (void)
{
  struct { const char *name, *text; char delim; } cases[] = {
    { "comma.csv", "SKU,Name,Price\n1,Tee,12.50\n2,Mug,8.00\n", ',' },
    /* European Excel: semicolons with decimal commas left unquoted. */
    { "semicolon.csv", "SKU;Name;Price\n1;Tee;12,50\n2;Mug;8,00\n", ';' },
    { "tab.tsv", "SKU\tName\tPrice\n1\tTee, cotton\t12.50\n2\tMug\t8.00\n", '\t' },
    { "pipe.txt", "SKU|Name|Price\n1|Tee; cotton|12.50\n2|Mug|8.00\n", '|' },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GFile) f = write_text (cases[i].name, cases[i].text);
      g_autoptr(CopyistTable) t = expect_table (f, NULL, 3, 2);
      g_assert_cmpint (t->delimiter, ==, cases[i].delim);
      g_assert_cmpstr (t->headers[2], ==, "Price");
      g_assert_cmpstr (copyist_table_get (t, 1, 1), ==, "Mug");
    }
  {
    /* Override: the same semicolon file read with "," as the delimiter. */
    g_autoptr(GFile) f = write_text ("override-delim.csv", "SKU;Name\n1;Tee\n2;Mug\n");
    CopyistReadOptions opts;
    copyist_read_options_init (&opts);
    opts.delimiter = ',';
    g_autoptr(CopyistTable) t = expect_table (f, &opts, 1, 2);
    g_assert_cmpstr (t->headers[0], ==, "SKU;Name");
  }
  {
    /* Found by tests/fuzz/fuzz-table-csv (corpus/table-csv/crash-delimiter-0x84):
     * a delimiter byte >= 0x80 split the UTF-8 characters of the decoded
     * text into cells that were not valid UTF-8. A quote or line end
     * cannot separate cells either: all are refused up front. */
    g_autoptr(GFile) f = write_text ("high-delim.csv", "a,b,)c\n1,2\n3,4,5\n6\x84");
    CopyistReadOptions opts;
    copyist_read_options_init (&opts);
    opts.encoding = "ISO-8859-1";
    opts.delimiter = (char) 0x84;
    expect_error (f, &opts, COPYIST_TABLE_ERROR_INVALID_OPTION, "delimiter", "0x84", NULL);
    opts.delimiter = '"';
    expect_error (f, &opts, COPYIST_TABLE_ERROR_INVALID_OPTION, "delimiter", NULL);
    opts.delimiter = '\n';
    expect_error (f, &opts, COPYIST_TABLE_ERROR_INVALID_OPTION, "delimiter", NULL);
  }
}

static void
test_quoting (void)
{
  {
    const char *text = "SKU,Name,Description\r\n"
                       "1,\"Tee, cotton\",\"He said \"\"soft\"\"\r\nand light\"\r\n"
                       "2,Mug,\"\"\r\n";
    g_autoptr(GFile) f = write_text ("quotes-crlf.csv", text);
    g_autoptr(CopyistTable) t = expect_table (f, NULL, 3, 2);
    g_assert_cmpstr (copyist_table_get (t, 0, 1), ==, "Tee, cotton");
    g_assert_cmpstr (copyist_table_get (t, 0, 2), ==, "He said \"soft\"\r\nand light");
    g_assert_cmpstr (copyist_table_get (t, 1, 2), ==, "");
    g_assert_cmpuint (((CopyistTableRow *) g_ptr_array_index (t->rows, 1))->line, ==, 4);
  }
  {
    g_autoptr(GFile) f = write_text ("cr-only.csv", "SKU,Name\r1,Tee\r2,\"Mug\rwith lid\"\r");
    g_autoptr(CopyistTable) t = expect_table (f, NULL, 2, 2);
    g_assert_cmpstr (copyist_table_get (t, 1, 1), ==, "Mug\rwith lid");
  }
  {
    /* Blank lines are dropped; a last line without a line end counts. */
    g_autoptr(GFile) f = write_text ("blank-lines.csv", "\n\nSKU,Name\n\n1,Tee\n,\n\n2,Mug");
    g_autoptr(CopyistTable) t = expect_table (f, NULL, 2, 2);
    g_assert_cmpuint (t->header_line, ==, 3);
    g_assert_cmpuint (((CopyistTableRow *) g_ptr_array_index (t->rows, 1))->line, ==, 8);
  }
  {
    /* Codes stay as written. */
    g_autoptr(GFile) f = write_text ("codes.csv", "SKU,EAN,Size\n00123,4006381333931,2E4\n");
    g_autoptr(CopyistTable) t = expect_table (f, NULL, 3, 1);
    g_assert_cmpstr (copyist_table_get (t, 0, 0), ==, "00123");
    g_assert_cmpstr (copyist_table_get (t, 0, 1), ==, "4006381333931");
    g_assert_cmpstr (copyist_table_get (t, 0, 2), ==, "2E4");
  }
  {
    /* Header row choice and skipped rows. */
    const char *text = "Export of 2024-03-01\nShop: Example\nSKU,Name\n1,Tee\n2,Mug\n";
    g_autoptr(GFile) f = write_text ("title-lines.csv", text);
    CopyistReadOptions opts;
    copyist_read_options_init (&opts);
    opts.header_row = 3;
    g_autoptr(CopyistTable) t = expect_table (f, &opts, 2, 2);
    g_assert_cmpstr (t->headers[1], ==, "Name");
    copyist_read_options_init (&opts);
    opts.skip_rows = 2;
    g_autoptr(CopyistTable) t2 = expect_table (f, &opts, 2, 2);
    g_assert_cmpstr (t2->headers[0], ==, "SKU");
    copyist_read_options_init (&opts);
    opts.header_row = 40;
    expect_error (f, &opts, COPYIST_TABLE_ERROR_INVALID_OPTION, "title-lines.csv", "row 40", NULL);
  }
  {
    /* Repeated and empty header names become unique. */
    g_autoptr(GFile) f = write_text ("dup-headers.csv", "Name,Name,\n1,2,3\n");
    g_autoptr(CopyistTable) t = expect_table (f, NULL, 3, 1);
    g_assert_cmpstr (t->headers[0], ==, "Name");
    g_assert_cmpstr (t->headers[1], ==, "Name 2");
    g_assert_cmpstr (t->headers[2], ==, "Column 3");
  }
}

static void
test_broken_text (void)
{
  g_autoptr(GFile) unterminated = write_text ("unterminated.csv", "SKU,Name,Desc\n1,Tee,ok\n2,\"Mug,never closed\n3,Cap,x\n");
  expect_error (unterminated, NULL, COPYIST_TABLE_ERROR_SYNTAX, "unterminated.csv", "line 3", "column 2", "never closed", NULL);

  g_autoptr(GFile) after = write_text ("after-quote.csv", "SKU,Name\n1,\"Tee\" shirt\n");
  expect_error (after, NULL, COPYIST_TABLE_ERROR_SYNTAX, "after-quote.csv", "line 2", "column 2", "shirt", NULL);

  g_autoptr(GFile) extra = write_text ("ragged-extra.csv", "SKU,Name\n1,Tee\n2,Mug,oops\n");
  expect_error (extra, NULL, COPYIST_TABLE_ERROR_RAGGED, "ragged-extra.csv", "line 3", "3 cells", "column 3", "oops", NULL);

  g_autoptr(GFile) fewer = write_text ("ragged-fewer.csv", "SKU,Name,Price\n1,Tee,3\n2,Mug\n");
  expect_error (fewer, NULL, COPYIST_TABLE_ERROR_RAGGED, "ragged-fewer.csv", "line 3", "only 2 cells", "3 columns", NULL);

  g_autoptr(GFile) empty = write_fixture ("empty.csv", "", 0);
  expect_error (empty, NULL, COPYIST_TABLE_ERROR_EMPTY, "empty.csv", "empty", NULL);

  g_autoptr(GFile) blanks = write_text ("blanks.csv", "\n , \n\n");
  expect_error (blanks, NULL, COPYIST_TABLE_ERROR_EMPTY, "blanks.csv", "blank", NULL);

  g_autoptr(GFile) header_only = write_text ("header-only.csv", "SKU,Name,Price\r\n");
  expect_error (header_only, NULL, COPYIST_TABLE_ERROR_NO_DATA, "header-only.csv", "line 1", "no data rows", NULL);

  /* A cell over the limit (4 MiB by default; 5 MiB here). */
  {
    GString *big = g_string_new ("SKU,Name\n1,Tee\n2,\"");
    for (int i = 0; i < 5 * 1024; i++)
      g_string_append (big, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    g_string_append (big, "\"\n");
    g_autoptr(GFile) f = write_fixture ("huge-cell.csv", big->str, (gssize) big->len);
    expect_error (f, NULL, COPYIST_TABLE_ERROR_LIMIT, "huge-cell.csv", "line 3", "column 2", "bytes", NULL);
    g_string_free (big, TRUE);
  }

  {
    /* File size and row count limits (lowered here). */
    g_autoptr(GFile) f = write_text ("limits.csv", "SKU,Name\n1,Tee\n2,Mug\n3,Cap\n");
    CopyistReadOptions opts;
    copyist_read_options_init (&opts);
    opts.limits.max_file_bytes = 10;
    expect_error (f, &opts, COPYIST_TABLE_ERROR_LIMIT, "limits.csv", "27 bytes", NULL);
    copyist_read_options_init (&opts);
    opts.limits.max_rows = 2;
    expect_error (f, &opts, COPYIST_TABLE_ERROR_LIMIT, "limits.csv", "more than 2 rows", NULL);
  }

  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
  g_autoptr(GFile) png_csv = write_fixture ("picture.csv", png, sizeof png);
  expect_error (png_csv, NULL, COPYIST_TABLE_ERROR_FORMAT, "picture.csv", "PNG image", NULL);

  static const guint8 xls[] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0 };
  g_autoptr(GFile) old_xls = write_fixture ("legacy.xls", xls, sizeof xls);
  expect_error (old_xls, NULL, COPYIST_TABLE_ERROR_FORMAT, "legacy.xls", ".xls", NULL);
}

/* ---- JSON --------------------------------------------------------------- */

static void
test_json (void)
{
  {
    const char *text = "{\"content\": \"类型#上衣*材质#牛仔布*颜色#白色\", \"summary\": \"简约而不简单的牛仔外套。\"}\n"
                       "\n"
                       "{\"content\": \"类型#裙*颜色#红色\", \"summary\": \"红色连衣裙。\", \"rank\": 2}\n";
    g_autoptr(GFile) f = write_text ("shop.json", text);
    g_autoptr(CopyistTable) t = expect_table (f, NULL, 3, 2);
    g_assert_cmpint (t->format, ==, COPYIST_FILE_FORMAT_JSON);
    g_assert_cmpstr (t->headers[0], ==, "content");
    g_assert_cmpstr (t->headers[2], ==, "rank");
    g_assert_cmpstr (copyist_table_get (t, 1, 2), ==, "2");
    g_assert_cmpstr (copyist_table_get (t, 0, 2), ==, "");
    g_assert_cmpuint (((CopyistTableRow *) g_ptr_array_index (t->rows, 1))->line, ==, 3);
  }
  {
    g_autoptr(GFile) f = write_text ("array.json", "[{\"sku\":\"00123\",\"title\":\"Tee\",\"tags\":[\"a\",\"b\"]},{\"sku\":\"7\",\"title\":null}]");
    g_autoptr(CopyistTable) t = expect_table (f, NULL, 3, 2);
    g_assert_cmpstr (copyist_table_get (t, 0, 0), ==, "00123");
    g_assert_cmpstr (copyist_table_get (t, 0, 2), ==, "[\"a\",\"b\"]");
  }
  {
    /* json-glib parses recursively: 200 000 "[" (200 KB) overflowed the
     * stack and killed the process. Nesting past COPYIST_JSON_MAX_DEPTH is
     * refused before json-glib sees it, with the line. */
    GString *deep = g_string_new ("{\"a\": 1}\n{\"b\": ");
    for (int i = 0; i < 200000; i++)
      g_string_append_c (deep, '[');
    g_autoptr(GFile) f = write_fixture ("deep.jsonl", deep->str, (gssize) deep->len);
    expect_error (f, NULL, COPYIST_TABLE_ERROR_LIMIT, "deep.jsonl", "line 2", "256 levels", NULL);
    g_string_erase (deep, 0, strlen ("{\"a\": 1}\n{\"b\": "));
    g_autoptr(GFile) a = write_fixture ("deep.json", deep->str, (gssize) deep->len);
    expect_error (a, NULL, COPYIST_TABLE_ERROR_LIMIT, "deep.json", "256 levels", NULL);
    g_string_free (deep, TRUE);
    /* Brackets inside strings do not count; 200 levels are fine. */
    GString *ok = g_string_new ("[{\"s\": \"[[[[\\\"[[\", \"v\": ");
    for (int i = 0; i < 200; i++)
      g_string_append_c (ok, '[');
    for (int i = 0; i < 200; i++)
      g_string_append_c (ok, ']');
    g_string_append (ok, "}]");
    g_autoptr(GFile) o = write_fixture ("nested-ok.json", ok->str, (gssize) ok->len);
    g_autoptr(CopyistTable) t = expect_table (o, NULL, 2, 1);
    g_assert_cmpstr (copyist_table_get (t, 0, 0), ==, "[[[[\"[[");
    g_string_free (ok, TRUE);
  }
  {
    /* Found by tests/fuzz/fuzz-table-json (corpus/table-json/crash-lone-surrogate):
     * json-glib decodes the escape of a lone surrogate into bytes that are
     * not UTF-8; such a value or key is refused with its line. */
    g_autoptr(GFile) v = write_text ("surrogate.jsonl", "{\"a\": \"ok\"}\n{\"a\": \"x\\ud83d\\ede00\"}\n");
    expect_error (v, NULL, COPYIST_TABLE_ERROR_ENCODING, "surrogate.jsonl", "line 2", "“a”", "lone surrogate", NULL);
    g_autoptr(GFile) k = write_text ("surrogate-key.json", "[{\"k\\ud83d\\ede00\": 1}]");
    expect_error (k, NULL, COPYIST_TABLE_ERROR_ENCODING, "surrogate-key.json", "line 1", "lone surrogate", NULL);
    /* A proper pair is one character. */
    g_autoptr(GFile) pair = write_text ("pair.json", "[{\"a\": \"\\ud83d\\ude00\"}]");
    g_autoptr(CopyistTable) t = expect_table (pair, NULL, 1, 1);
    g_assert_cmpstr (copyist_table_get (t, 0, 0), ==, "\xf0\x9f\x98\x80");
  }
  {
    /* Found by tests/fuzz/fuzz-table-json (corpus/table-json/crash-double-bom):
     * after the file's byte order mark, a line holding a second one parses
     * to no JSON value at all (json-glib criticals, then a crash). */
    g_autoptr(GFile) boms = write_text ("double-bom.jsonl", "\xef\xbb\xbf\xef\xbb\xbf");
    expect_error (boms, NULL, COPYIST_TABLE_ERROR_SYNTAX, "double-bom.jsonl", "line 1", NULL);
  }
  g_autoptr(GFile) bad = write_text ("bad.jsonl", "{\"a\": 1}\n{\"a\": 2,}\n");
  expect_error (bad, NULL, COPYIST_TABLE_ERROR_SYNTAX, "bad.jsonl", "line 2", "not valid JSON", NULL);
  g_autoptr(GFile) scalars = write_text ("scalars.json", "[1, 2, 3]");
  expect_error (scalars, NULL, COPYIST_TABLE_ERROR_SYNTAX, "scalars.json", "element 1", NULL);
}

/* ---- XLSX --------------------------------------------------------------- */

static GFile *
write_real_xlsx (const char *name)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  lxw_workbook *wb = workbook_new (path);
  lxw_worksheet *products = workbook_add_worksheet (wb, "Products");
  lxw_worksheet *notes = workbook_add_worksheet (wb, "备注");
  lxw_format *date = workbook_add_format (wb);
  lxw_datetime when = { 2024, 3, 1, 0, 0, 0 };
  lxw_datetime stamp = { 2024, 3, 1, 8, 30, 0 };

  format_set_num_format (date, "yyyy-mm-dd");
  lxw_format *datetime = workbook_add_format (wb);
  format_set_num_format (datetime, "yyyy-mm-dd hh:mm:ss");

  worksheet_write_string (products, 0, 0, "SKU", NULL);
  worksheet_write_string (products, 0, 1, "商品名称", NULL);
  worksheet_write_string (products, 0, 2, "Price", NULL);
  worksheet_write_string (products, 0, 3, "In stock", NULL);
  worksheet_write_string (products, 0, 4, "Since", NULL);
  worksheet_write_string (products, 0, 5, "Updated", NULL);
  worksheet_write_string (products, 0, 6, "EAN", NULL);
  worksheet_write_string (products, 1, 0, "00123", NULL);
  worksheet_write_string (products, 1, 1, "纯棉T恤 👕\n第二行", NULL);
  worksheet_write_number (products, 1, 2, 12.5, NULL);
  worksheet_write_boolean (products, 1, 3, 1, NULL);
  worksheet_write_datetime (products, 1, 4, &when, date);
  worksheet_write_datetime (products, 1, 5, &stamp, datetime);
  worksheet_write_number (products, 1, 6, 4006381333931.0, NULL);
  /* Row 3 blank: dropped. */
  worksheet_write_string (products, 3, 0, "00124", NULL);
  worksheet_write_string (products, 3, 1, "Mug", NULL);
  worksheet_write_number (products, 3, 2, 0.1 + 0.2, NULL);
  worksheet_write_boolean (products, 3, 3, 0, NULL);
  worksheet_write_string (notes, 0, 0, "Note", NULL);
  worksheet_write_string (notes, 1, 0, "a", NULL);
  workbook_close (wb);
  return g_file_new_for_path (path);
}

static void
test_xlsx (void)
{
  g_autoptr(GFile) f = write_real_xlsx ("real.xlsx");
  g_autoptr(CopyistTable) t = expect_table (f, NULL, 7, 2);
  g_autoptr(GError) error = NULL;
  CopyistSniffResult sniff;
  CopyistReadOptions opts;

  g_assert_cmpint (t->format, ==, COPYIST_FILE_FORMAT_XLSX);
  g_assert_cmpstr (t->sheet, ==, "Products");
  g_assert_cmpstr (t->headers[1], ==, "商品名称");
  g_assert_cmpstr (copyist_table_get (t, 0, 0), ==, "00123");
  g_assert_cmpstr (copyist_table_get (t, 0, 1), ==, "纯棉T恤 👕\n第二行");
  g_assert_cmpstr (copyist_table_get (t, 0, 2), ==, "12.5");
  g_assert_cmpstr (copyist_table_get (t, 0, 3), ==, "TRUE");
  g_assert_cmpstr (copyist_table_get (t, 0, 4), ==, "2024-03-01");
  g_assert_cmpstr (copyist_table_get (t, 0, 5), ==, "2024-03-01T08:30:00");
  g_assert_cmpstr (copyist_table_get (t, 0, 6), ==, "4006381333931");
  g_assert_cmpstr (copyist_table_get (t, 1, 2), ==, "0.3");
  g_assert_cmpstr (copyist_table_get (t, 1, 3), ==, "FALSE");
  g_assert_cmpuint (((CopyistTableRow *) g_ptr_array_index (t->rows, 1))->line, ==, 4);

  g_assert_true (copyist_sniff (f, NULL, &sniff, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sniff.format, ==, COPYIST_FILE_FORMAT_XLSX);
  g_assert_cmpuint (sniff.sheets->len, ==, 2);
  g_assert_cmpstr (((CopyistSheetInfo *) g_ptr_array_index (sniff.sheets, 0))->name, ==, "Products");
  g_assert_cmpuint (((CopyistSheetInfo *) g_ptr_array_index (sniff.sheets, 0))->n_rows, ==, 3);
  g_assert_cmpstr (((CopyistSheetInfo *) g_ptr_array_index (sniff.sheets, 1))->name, ==, "备注");
  g_assert_cmpuint (((CopyistSheetInfo *) g_ptr_array_index (sniff.sheets, 1))->n_rows, ==, 2);
  copyist_sniff_result_clear (&sniff);

  copyist_read_options_init (&opts);
  opts.sheet = "备注";
  g_autoptr(CopyistTable) notes = expect_table (f, &opts, 1, 1);
  g_assert_cmpstr (notes->headers[0], ==, "Note");
  opts.sheet = "Missing";
  expect_error (f, &opts, COPYIST_TABLE_ERROR_NO_SHEET, "real.xlsx", "Missing", "“Products”", "“备注”", NULL);

  /* Preview stops early but decodes the same. */
  copyist_read_options_init (&opts);
  opts.max_rows = 1;
  g_autoptr(CopyistTable) preview = expect_table (f, &opts, 7, 1);
  g_assert_true (preview->truncated);
  g_assert_cmpstr (copyist_table_get (preview, 0, 1), ==, copyist_table_get (t, 0, 1));
}

static void
test_xlsx_hand_written (void)
{
  {
    /* Shared strings with rich runs, inline strings, merged header, _x000D_ escapes. */
    const char *sheet = SHEET_OPEN
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>A&amp;B_x000D_</t></is></c><c r=\"B2\" t=\"s\"><v>2</v></c>"
      "<c r=\"C2\" t=\"str\"><f>B2</f><v>Red Tee</v></c><c r=\"D2\" t=\"e\"><v>#N/A</v></c></row>"
      SHEET_CLOSE;
    g_autoptr(GFile) f = write_hand_xlsx ("hand.xlsx", sheet, -1);
    g_autoptr(CopyistTable) t = expect_table (f, NULL, 4, 1);
    g_assert_cmpstr (t->headers[0], ==, "SKU");
    g_assert_cmpstr (t->headers[2], ==, "Column 3");
    g_assert_cmpstr (copyist_table_get (t, 0, 0), ==, "A&B\r");
    g_assert_cmpstr (copyist_table_get (t, 0, 1), ==, "Red Tee");
    g_assert_cmpstr (copyist_table_get (t, 0, 2), ==, "Red Tee");
    g_assert_cmpstr (copyist_table_get (t, 0, 3), ==, "#N/A");
  }
  {
    /* A header merged over three columns names all three. */
    const char *sheet = "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"inlineStr\"><is><t>Size</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"B2\" t=\"inlineStr\"><is><t>S</t></is></c>"
      "<c r=\"C2\" t=\"inlineStr\"><is><t>M</t></is></c><c r=\"D2\" t=\"inlineStr\"><is><t>L</t></is></c></row>"
      "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"B1:D1\"/></mergeCells></worksheet>";
    g_autoptr(GFile) f = write_hand_xlsx ("merged.xlsx", sheet, -1);
    g_autoptr(CopyistTable) t = expect_table (f, NULL, 4, 1);
    g_assert_cmpstr (t->headers[1], ==, "Size");
    g_assert_cmpstr (t->headers[2], ==, "Size 2");
    g_assert_cmpstr (t->headers[3], ==, "Size 3");
    g_assert_cmpstr (copyist_table_get (t, 0, 3), ==, "L");
  }
  {
    /* Strict OOXML namespaces and an ISO date cell (t="d"). */
    const char *sheet = "<?xml version=\"1.0\"?><worksheet xmlns=\"http://purl.oclc.org/ooxml/spreadsheetml/main\"><sheetData>"
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>SKU</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>Date</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>00123</t></is></c><c r=\"B2\" t=\"d\"><v>2024-03-01</v></c></row>"
      "</sheetData></worksheet>";
    g_autoptr(GFile) f = write_hand_xlsx ("strict.xlsx", sheet, -1);
    g_autoptr(CopyistTable) t = expect_table (f, NULL, 2, 1);
    g_assert_cmpstr (copyist_table_get (t, 0, 0), ==, "00123");
    g_assert_cmpstr (copyist_table_get (t, 0, 1), ==, "2024-03-01");
  }
}

static void
test_xlsx_hostile (void)
{
  {
    /* Numbers far outside gint64's range, and infinities (found by
     * fuzz-table-xlsx: the integer test cast 1e300 to gint64, which is
     * undefined; the sanitizer build of this test sees it) */
    const char *sheet = SHEET_OPEN "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>N</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\"><v>1e300</v></c></row>"
      "<row r=\"3\"><c r=\"A3\"><v>-1e19</v></c></row>"
      "<row r=\"4\"><c r=\"A4\"><v>1e999</v></c></row>"
      "<row r=\"5\"><c r=\"A5\"><v>42</v></c></row>" SHEET_CLOSE;
    g_autoptr(GFile) f = write_hand_xlsx ("huge-numbers.xlsx", sheet, -1);
    g_autoptr(GError) error = NULL;
    g_autoptr(CopyistTable) t = read_file (f, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (copyist_table_get (t, 0, 0), ==, "1E+300");
    g_assert_cmpstr (copyist_table_get (t, 1, 0), ==, "-1E+19");
    g_assert_cmpstr (copyist_table_get (t, 2, 0), ==, "inf");
    g_assert_cmpstr (copyist_table_get (t, 3, 0), ==, "42");
  }
  {
    /* Two relationships of the shared-strings type (found by fuzz-table-xlsx:
     * the first path leaked, which the sanitizer build of this test sees):
     * the workbook still reads, its strings resolved. */
    const char *rels2 =
      "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
      "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
      "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"./sharedStrings.xml\"/>"
      "</Relationships>";
    const char *sheet = SHEET_OPEN "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c></row>" SHEET_CLOSE;
    g_autoptr(GByteArray) zip = make_zip ("[Content_Types].xml", content_types, (gssize) -1,
                                          "_rels/.rels", root_rels, (gssize) -1,
                                          "xl/workbook.xml", workbook, (gssize) -1,
                                          "xl/_rels/workbook.xml.rels", rels2, (gssize) -1,
                                          "xl/sharedStrings.xml", shared_strings, (gssize) -1,
                                          "xl/worksheets/sheet1.xml", sheet, (gssize) -1, NULL);
    g_autoptr(GFile) f = write_fixture ("two-string-parts.xlsx", zip->data, (gssize) zip->len);
    g_autoptr(GError) error = NULL;
    g_autoptr(CopyistTable) t = read_file (f, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (t);
    g_assert_cmpstr (t->headers[0], ==, "Title");
    g_assert_cmpstr (copyist_table_get (t, 0, 0), ==, "Red Tee");
  }
  {
    const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
      "<!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]>"
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>";
    g_autoptr(GFile) f = write_hand_xlsx ("laughs.xlsx", laughs, -1);
    expect_error (f, NULL, COPYIST_TABLE_ERROR_UNSAFE, "laughs.xlsx", "xl/worksheets/sheet1.xml", "DTD", NULL);
  }
  {
    const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>";
    g_autoptr(GFile) f = write_hand_xlsx ("xxe.xlsx", xxe, -1);
    expect_error (f, NULL, COPYIST_TABLE_ERROR_UNSAFE, "xxe.xlsx", "refused", NULL);
  }
  {
    /* 64 MiB of whitespace inside the sheet: compresses ~1000:1. */
    gsize n = 64u << 20;
    char *bomb = g_malloc (n);
    const char *head = SHEET_OPEN "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c></row>";
    memset (bomb, ' ', n);
    memcpy (bomb, head, strlen (head));
    memcpy (bomb + n - strlen (SHEET_CLOSE), SHEET_CLOSE, strlen (SHEET_CLOSE));
    gint64 t0 = g_get_monotonic_time ();
    g_autoptr(GFile) f = write_hand_xlsx ("bomb.xlsx", bomb, (gssize) n);
    g_free (bomb);
    t0 = g_get_monotonic_time ();
    expect_error (f, NULL, COPYIST_TABLE_ERROR_LIMIT, "bomb.xlsx", "zip bomb", NULL);
    g_test_message ("zip bomb refused in %.1f ms", (g_get_monotonic_time () - t0) / 1000.0);
  }
  {
    /* A bomb whose zip directory lies about the size (1 000 bytes declared):
     * the inflation itself is counted and stopped. */
    gsize n = 64u << 20;
    char *bomb = g_malloc (n);
    const char *head = SHEET_OPEN "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c></row>";
    memset (bomb, ' ', n);
    memcpy (bomb, head, strlen (head));
    memcpy (bomb + n - strlen (SHEET_CLOSE), SHEET_CLOSE, strlen (SHEET_CLOSE));
    g_autoptr(GByteArray) zip = make_zip ("[Content_Types].xml", content_types, (gssize) -1,
                                          "_rels/.rels", root_rels, (gssize) -1,
                                          "xl/workbook.xml", workbook, (gssize) -1,
                                          "xl/_rels/workbook.xml.rels", workbook_rels, (gssize) -1,
                                          "xl/worksheets/sheet1.xml", bomb, (gssize) n, NULL);
    g_free (bomb);
    guint patched = 0;
    for (guint i = 0; i + 46 < zip->len; i++)
      {
        guint8 *p = zip->data + i;
        gboolean local = p[0] == 'P' && p[1] == 'K' && p[2] == 3 && p[3] == 4;
        gboolean central = p[0] == 'P' && p[1] == 'K' && p[2] == 1 && p[3] == 2;
        guint name_at = local ? 30 : 46, size_at = local ? 22 : 24;
        if ((local || central) && i + name_at + 24 < zip->len
            && memcmp (p + name_at, "xl/worksheets/sheet1.xml", 24) == 0)
          {
            p[size_at] = 0xe8; p[size_at + 1] = 0x03; p[size_at + 2] = 0; p[size_at + 3] = 0;
            patched++;
          }
      }
    g_assert_cmpuint (patched, ==, 2);
    g_autoptr(GFile) f = write_fixture ("lying-bomb.xlsx", zip->data, (gssize) zip->len);
    expect_error (f, NULL, COPYIST_TABLE_ERROR_LIMIT, "lying-bomb.xlsx", "zip bomb", NULL);
  }
  {
    /* A real workbook cut in half: the zip directory is gone. */
    g_autoptr(GFile) good = write_real_xlsx ("whole.xlsx");
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true (g_file_get_contents (g_file_peek_path (good), &data, &len, NULL));
    g_autoptr(GFile) f = write_fixture ("truncated.xlsx", data, (gssize) (len / 2));
    expect_error (f, NULL, COPYIST_TABLE_ERROR_CORRUPT, "truncated.xlsx", "damaged or truncated", NULL);
  }
  {
    static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0 };
    g_autoptr(GFile) f = write_fixture ("photo.xlsx", png, sizeof png);
    expect_error (f, NULL, COPYIST_TABLE_ERROR_FORMAT, "photo.xlsx", "not a spreadsheet", "PNG image", NULL);
  }
  {
    g_autoptr(GFile) f = write_text ("text.xlsx", "SKU,Name\n1,Tee\n");
    expect_error (f, NULL, COPYIST_TABLE_ERROR_FORMAT, "text.xlsx", "not an XLSX workbook", NULL);
  }
  {
    g_autoptr(GFile) f = write_fixture ("zero.xlsx", "", 0);
    expect_error (f, NULL, COPYIST_TABLE_ERROR_EMPTY, "zero.xlsx", "0 bytes", NULL);
  }
  {
    const char *sheet = SHEET_OPEN "<row r=\"1\"><c r=\"XFE1\" t=\"inlineStr\"><is><t>far</t></is></c></row>" SHEET_CLOSE;
    g_autoptr(GFile) f = write_hand_xlsx ("wide.xlsx", sheet, -1);
    expect_error (f, NULL, COPYIST_TABLE_ERROR_LIMIT, "wide.xlsx", "row 1", "XFE1", "absurd dimensions", NULL);
  }
  {
    const char *sheet = SHEET_OPEN "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>SKU</t></is></c></row>"
                        "<row r=\"99999999\"><c r=\"A99999999\"><v>1</v></c></row>" SHEET_CLOSE;
    g_autoptr(GFile) f = write_hand_xlsx ("tall.xlsx", sheet, -1);
    expect_error (f, NULL, COPYIST_TABLE_ERROR_LIMIT, "tall.xlsx", "99999999", "absurd dimensions", NULL);
  }
  {
    const char *sheet = SHEET_OPEN "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
                        "<row r=\"2\"><c r=\"B2\" t=\"s\"><v>99</v></c></row>" SHEET_CLOSE;
    g_autoptr(GFile) f = write_hand_xlsx ("bad-sst.xlsx", sheet, -1);
    expect_error (f, NULL, COPYIST_TABLE_ERROR_CORRUPT, "bad-sst.xlsx", "row 2", "column B", "shared string 99", NULL);
  }
  {
    const char *sheet = SHEET_OPEN "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row><row r=\"2\"><c r=\"A2\"><v>1</c></row>" SHEET_CLOSE;
    g_autoptr(GFile) f = write_hand_xlsx ("malformed.xlsx", sheet, -1);
    expect_error (f, NULL, COPYIST_TABLE_ERROR_SYNTAX, "malformed.xlsx", "sheet1.xml", "not well-formed", NULL);
  }
  {
    g_autoptr(GByteArray) zip = make_zip ("[Content_Types].xml", content_types, (gssize) -1,
                                          "xl/workbook.xml", workbook, (gssize) -1,
                                          "xl/_rels/workbook.xml.rels", workbook_rels, (gssize) -1, NULL);
    g_autoptr(GFile) f = write_fixture ("no-sheet-part.xlsx", zip->data, (gssize) zip->len);
    expect_error (f, NULL, COPYIST_TABLE_ERROR_CORRUPT, "no-sheet-part.xlsx", "xl/worksheets/sheet1.xml", "missing", NULL);
  }
  {
    g_autoptr(GByteArray) zip = make_zip ("[Content_Types].xml", content_types, (gssize) -1,
                                          "word/document.xml", "<w:document/>", (gssize) -1, NULL);
    g_autoptr(GFile) f = write_fixture ("letter.xlsx", zip->data, (gssize) zip->len);
    expect_error (f, NULL, COPYIST_TABLE_ERROR_FORMAT, "letter.xlsx", "Word document", NULL);
  }
  {
    /* A huge cell inside XLSX (limit lowered to keep the test small). */
    GString *sheet = g_string_new (SHEET_OPEN "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>SKU</t></is></c></row>"
                                   "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>");
    for (int i = 0; i < 70000; i++)
      g_string_append (sheet, "abcdefghijklmnop");
    g_string_append (sheet, "</t></is></c></row>" SHEET_CLOSE);
    g_autoptr(GFile) f = write_hand_xlsx ("big-cell.xlsx", sheet->str, (gssize) sheet->len);
    CopyistReadOptions opts;
    copyist_read_options_init (&opts);
    opts.limits.max_cell_bytes = 1u << 20;
    expect_error (f, &opts, COPYIST_TABLE_ERROR_LIMIT, "big-cell.xlsx", "row 2", "column A", "longer than", NULL);
    g_string_free (sheet, TRUE);
  }
}

/* ---- ODS ---------------------------------------------------------------- */

static const char ods_content[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
  "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
  "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:spreadsheet>"
  "<table:table table:name=\"商品\">"
  "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>SKU</text:p></table:table-cell>"
  "<table:table-cell office:value-type=\"string\" table:number-columns-spanned=\"2\"><text:p>Name</text:p></table:table-cell>"
  "<table:covered-table-cell/>"
  "<table:table-cell office:value-type=\"string\"><text:p>Price</text:p></table:table-cell>"
  "<table:table-cell office:value-type=\"string\"><text:p>Since</text:p></table:table-cell>"
  "<table:table-cell office:value-type=\"string\"><text:p>Ok</text:p></table:table-cell>"
  "<table:table-cell table:number-columns-repeated=\"16000\"/></table:table-row>"
  "<table:table-row table:number-rows-repeated=\"3\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>"
  "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>00123</text:p></table:table-cell>"
  "<table:table-cell office:value-type=\"string\"><office:annotation><text:p>a comment</text:p></office:annotation>"
  "<text:p>Tee<text:s text:c=\"2\"/>cotton</text:p><text:p>second line</text:p></table:table-cell>"
  "<table:table-cell office:value-type=\"string\"><text:p>EN</text:p></table:table-cell>"
  "<table:table-cell office:value-type=\"currency\" office:value=\"12.5\"><text:p>12,50 €</text:p></table:table-cell>"
  "<table:table-cell office:value-type=\"date\" office:date-value=\"2024-03-01\"><text:p>01.03.24</text:p></table:table-cell>"
  "<table:table-cell office:value-type=\"boolean\" office:boolean-value=\"true\"><text:p>TRUE</text:p></table:table-cell>"
  "</table:table-row>"
  "<table:table-row table:number-rows-repeated=\"1048570\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>"
  "</table:table>"
  "<table:table table:name=\"Other\"><table:table-row><table:table-cell office:value-type=\"float\" office:value=\"3\"><text:p>3</text:p></table:table-cell></table:table-row></table:table>"
  "</office:spreadsheet></office:body></office:document-content>";

static GFile *
write_ods (const char *name, const char *content)
{
  g_autoptr(GByteArray) zip = make_zip ("mimetype", "application/vnd.oasis.opendocument.spreadsheet", (gssize) -1,
                                        "content.xml", content, (gssize) -1, NULL);
  return write_fixture (name, zip->data, (gssize) zip->len);
}

static void
test_ods (void)
{
  g_autoptr(GFile) f = write_ods ("products.ods", ods_content);
  g_autoptr(CopyistTable) t = expect_table (f, NULL, 6, 1);
  g_autoptr(GError) error = NULL;
  CopyistSniffResult sniff;
  CopyistReadOptions opts;

  g_assert_cmpint (t->format, ==, COPYIST_FILE_FORMAT_ODS);
  g_assert_cmpstr (t->sheet, ==, "商品");
  g_assert_cmpstr (t->headers[1], ==, "Name");
  g_assert_cmpstr (t->headers[2], ==, "Name 2");
  g_assert_cmpstr (copyist_table_get (t, 0, 0), ==, "00123");
  g_assert_cmpstr (copyist_table_get (t, 0, 1), ==, "Tee  cotton\nsecond line");
  g_assert_cmpstr (copyist_table_get (t, 0, 3), ==, "12.5");
  g_assert_cmpstr (copyist_table_get (t, 0, 4), ==, "2024-03-01");
  g_assert_cmpstr (copyist_table_get (t, 0, 5), ==, "TRUE");
  g_assert_cmpuint (((CopyistTableRow *) g_ptr_array_index (t->rows, 0))->line, ==, 5);

  g_assert_true (copyist_sniff (f, NULL, &sniff, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sniff.sheets->len, ==, 2);
  g_assert_cmpuint (((CopyistSheetInfo *) g_ptr_array_index (sniff.sheets, 0))->n_rows, ==, 2);
  g_assert_cmpstr (((CopyistSheetInfo *) g_ptr_array_index (sniff.sheets, 1))->name, ==, "Other");
  copyist_sniff_result_clear (&sniff);

  copyist_read_options_init (&opts);
  opts.sheet = "Nope";
  expect_error (f, &opts, COPYIST_TABLE_ERROR_NO_SHEET, "products.ods", "Nope", "“商品”", NULL);

  /* A non-empty cell repeated past the column limit. */
  const char *wide =
    "<?xml version=\"1.0\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"
    "<office:body><office:spreadsheet><table:table table:name=\"S\"><table:table-row>"
    "<table:table-cell table:number-columns-repeated=\"4000000000\" office:value-type=\"string\"><text:p>x</text:p></table:table-cell>"
    "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>";
  g_autoptr(GFile) w = write_ods ("wide.ods", wide);
  expect_error (w, NULL, COPYIST_TABLE_ERROR_LIMIT, "wide.ods", "row 1", "absurd dimensions", NULL);

  /* Found by tests/fuzz/fuzz-table-ods (corpus/table-ods/timeout-row-repeated):
   * a non-empty row repeated four billion times looped that often in the
   * sniff (which stores nothing, so no row limit stopped it): minutes for
   * a 600-byte file. Refused at once now, by the read and the sniff. */
  const char *tall =
    "<?xml version=\"1.0\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"
    "<office:body><office:spreadsheet><table:table table:name=\"S\"><table:table-row table:number-rows-repeated=\"4000000000\">"
    "<table:table-cell office:value-type=\"string\"><text:p>x</text:p></table:table-cell>"
    "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>";
  g_autoptr(GFile) tl = write_ods ("tall.ods", tall);
  gint64 t0 = g_get_monotonic_time ();
  expect_error (tl, NULL, COPYIST_TABLE_ERROR_LIMIT, "tall.ods", "row 1", "4000000000", "absurd dimensions", NULL);
  g_assert_false (copyist_sniff (tl, NULL, &sniff, NULL, &error));
  g_assert_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_LIMIT);
  g_clear_error (&error);
  g_test_message ("4e9 repeated rows refused in %.1f ms", (g_get_monotonic_time () - t0) / 1000.0);

  /* Found by tests/fuzz/fuzz-table-ods in CI (a 2 s timeout): rows
   * repeated just under the row limit, many of them, looped once per
   * repeat in the sniff (which counts and stores nothing) and once per
   * repeat for blank rows in the read. Each row element is scanned once
   * now: the sniff adds the repeat to its count, a blank row costs nothing,
   * and a stored copy stops at the row limit. */
  {
    g_autoptr(GString) many = g_string_new (
      "<?xml version=\"1.0\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
      "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"
      "<office:body><office:spreadsheet><table:table table:name=\"S\">");
    for (guint i = 0; i < 400; i++)
      g_string_append (many, "<table:table-row table:number-rows-repeated=\"1999999\"><table:table-cell><text:p>x</text:p>"
                             "</table:table-cell></table:table-row>"
                             "<table:table-row table:number-rows-repeated=\"1999999\"><table:table-cell><text:p> </text:p>"
                             "</table:table-cell></table:table-row>");
    g_string_append (many, "</table:table></office:spreadsheet></office:body></office:document-content>");
    g_autoptr(GFile) m = write_ods ("many.ods", many->str);
    gint64 t1 = g_get_monotonic_time ();
    g_assert_true (copyist_sniff (m, NULL, &sniff, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (((CopyistSheetInfo *) g_ptr_array_index (sniff.sheets, 0))->n_rows, ==, 400u * 1999999u);
    copyist_sniff_result_clear (&sniff);
    copyist_read_options_init (&opts);
    opts.limits.max_rows = 1000;
    expect_error (m, &opts, COPYIST_TABLE_ERROR_LIMIT, "many.ods", "1000-row limit", NULL);
    g_test_message ("800 repeated rows of 2e6 sniffed and refused in %.1f ms", (g_get_monotonic_time () - t1) / 1000.0);
  }

  /* A merge spanning three rows whose covered rows are written as one
   * repeated row element: both repeats carry the merged value, the row
   * after the merge does not. */
  {
    const char *merged =
      "<?xml version=\"1.0\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
      "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"
      "<office:body><office:spreadsheet><table:table table:name=\"S\">"
      "<table:table-row><table:table-cell><text:p>Group</text:p></table:table-cell><table:table-cell><text:p>SKU</text:p></table:table-cell></table:table-row>"
      "<table:table-row><table:table-cell table:number-rows-spanned=\"3\"><text:p>Tees</text:p></table:table-cell><table:table-cell><text:p>A1</text:p></table:table-cell></table:table-row>"
      "<table:table-row table:number-rows-repeated=\"2\"><table:covered-table-cell/><table:table-cell><text:p>A2</text:p></table:table-cell></table:table-row>"
      "<table:table-row><table:covered-table-cell/><table:table-cell><text:p>B1</text:p></table:table-cell></table:table-row>"
      "</table:table></office:spreadsheet></office:body></office:document-content>";
    g_autoptr(GFile) mf = write_ods ("merged.ods", merged);
    g_autoptr(CopyistTable) mt = expect_table (mf, NULL, 2, 4);
    g_assert_cmpstr (copyist_table_get (mt, 0, 0), ==, "Tees");
    g_assert_cmpstr (copyist_table_get (mt, 1, 0), ==, "Tees");
    g_assert_cmpstr (copyist_table_get (mt, 2, 0), ==, "Tees");
    g_assert_cmpstr (copyist_table_get (mt, 2, 1), ==, "A2");
    g_assert_cmpstr (copyist_table_get (mt, 3, 0), ==, "");
    g_assert_cmpstr (copyist_table_get (mt, 3, 1), ==, "B1");
  }

  const char *laughs =
    "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
    "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"/>";
  g_autoptr(GFile) l = write_ods ("laughs.ods", laughs);
  expect_error (l, NULL, COPYIST_TABLE_ERROR_UNSAFE, "laughs.ods", "content.xml", NULL);

  /* Found by tests/fuzz/fuzz-table-ods (corpus/table-ods/leak-entity-after-bad-xmldecl):
   * after a broken XML declaration libxml2 still records entity
   * declarations in a document of its own, which leaked (LeakSanitizer
   * fails this test in the sanitizer build if it comes back). */
  const char *bad_decl =
    "<?xm) version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]>"
    "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"/>";
  g_autoptr(GFile) bd = write_ods ("bad-decl.ods", bad_decl);
  g_autoptr(GError) bd_error = NULL;
  g_autoptr(CopyistTable) bd_table = read_file (bd, NULL, &bd_error);
  g_assert_null (bd_table);
  g_assert_true (g_error_matches (bd_error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_UNSAFE)
                 || g_error_matches (bd_error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_SYNTAX));
  g_assert_nonnull (strstr (bd_error->message, "bad-decl.ods"));
}

/* XML safety (HACKING.md, "Security review"): every XML part of an XLSX
 * or ODS goes through one SAX setup with no network, no DTD loading and no
 * entities. An external entity naming a real local file, a parameter
 * entity, an external DTD over the network and a billion-laughs document
 * are each refused in every part the readers parse, and nothing of the
 * secret file ever reaches a table or a message. */
static void
test_xml_safety (void)
{
  g_autofree char *secret_path = g_build_filename (tmpdir, "secret.txt", NULL);
  g_autofree char *secret_uri = g_filename_to_uri (secret_path, NULL, NULL);
  g_assert_true (g_file_set_contents (secret_path, "SECRET-MARKER-7f3a", -1, NULL));

  g_autofree char *xxe_file = g_strdup_printf ("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM \"%s\">]>", secret_uri);
  g_autofree char *xxe_param = g_strdup_printf ("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY %% p SYSTEM \"%s\"> %%p;]>", secret_uri);
  /* Port 9 (discard) on this machine: a parser that fetched it would hang
   * or fail differently; ours never opens a connection. */
  const char *ext_dtd = "<?xml version=\"1.0\"?><!DOCTYPE x SYSTEM \"http://127.0.0.1:9/evil.dtd\">";
  const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">"
                       "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
                       "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">]>";
  /* Last: no DTD at all, only references to entities nobody declared. */
  const char *prologs[] = { xxe_file, xxe_param, ext_dtd, laughs, "<?xml version=\"1.0\"?>" };
  /* Each XML part an XLSX reader parses, with the entity used inside it. */
  const char *sheet_body = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
                           "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>SKU &xxe;&e;</t></is></c></row>"
                           "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>1</t></is></c></row></sheetData></worksheet>";
  const char *strings_body = "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>&xxe;&e;</t></si></sst>";
  const char *book_body = "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                          "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
                          "<sheets><sheet name=\"&xxe;&e;\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
  const char *rels_body = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                          "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
                          "Target=\"worksheets/sheet1.xml&xxe;\"/></Relationships>";
  const char *plain_sheet = SHEET_OPEN "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>SKU</t></is></c></row>"
                            "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>1</t></is></c></row>" SHEET_CLOSE;

  for (guint p = 0; p < G_N_ELEMENTS (prologs); p++)
    for (guint part = 0; part < 5; part++)
      {
        g_autofree char *name = g_strdup_printf ("xml-safety-%u-%u.%s", p, part, part == 4 ? "ods" : "xlsx");
        g_autofree char *doc = NULL;
        g_autoptr(GByteArray) zip = NULL;
        switch (part)
          {
          case 0:
            doc = g_strconcat (prologs[p], sheet_body, NULL);
            zip = make_zip ("_rels/.rels", root_rels, (gssize) -1, "xl/workbook.xml", workbook, (gssize) -1,
                            "xl/_rels/workbook.xml.rels", workbook_rels, (gssize) -1,
                            "xl/worksheets/sheet1.xml", doc, (gssize) -1, NULL);
            break;
          case 1:
            doc = g_strconcat (prologs[p], strings_body, NULL);
            zip = make_zip ("_rels/.rels", root_rels, (gssize) -1, "xl/workbook.xml", workbook, (gssize) -1,
                            "xl/_rels/workbook.xml.rels", workbook_rels, (gssize) -1, "xl/sharedStrings.xml", doc, (gssize) -1,
                            "xl/worksheets/sheet1.xml", plain_sheet, (gssize) -1, NULL);
            break;
          case 2:
            doc = g_strconcat (prologs[p], book_body, NULL);
            zip = make_zip ("_rels/.rels", root_rels, (gssize) -1, "xl/workbook.xml", doc, (gssize) -1,
                            "xl/_rels/workbook.xml.rels", workbook_rels, (gssize) -1,
                            "xl/worksheets/sheet1.xml", plain_sheet, (gssize) -1, NULL);
            break;
          case 3:
            doc = g_strconcat (prologs[p], rels_body, NULL);
            zip = make_zip ("_rels/.rels", root_rels, (gssize) -1, "xl/workbook.xml", workbook, (gssize) -1,
                            "xl/_rels/workbook.xml.rels", doc, (gssize) -1,
                            "xl/worksheets/sheet1.xml", plain_sheet, (gssize) -1, NULL);
            break;
          default:
            doc = g_strconcat (prologs[p], "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
                               "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
                               "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:spreadsheet>"
                               "<table:table table:name=\"S\"><table:table-row><table:table-cell office:value-type=\"string\">"
                               "<text:p>&xxe;&e;</text:p></table:table-cell></table:table-row></table:table>"
                               "</office:spreadsheet></office:body></office:document-content>", NULL);
            zip = make_zip ("mimetype", "application/vnd.oasis.opendocument.spreadsheet", (gssize) -1,
                            "content.xml", doc, (gssize) -1, NULL);
            break;
          }
        g_autoptr(GFile) f = write_fixture (name, zip->data, (gssize) zip->len);
        g_autoptr(GError) error = NULL;
        g_autoptr(CopyistTable) t = read_file (f, NULL, &error);
        g_assert_null (t);
        g_test_message ("%s: %s", name, error->message);
        if (p < G_N_ELEMENTS (prologs) - 1)
          g_assert_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_UNSAFE);
        else
          g_assert_true (g_error_matches (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_UNSAFE)
                         || g_error_matches (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_SYNTAX));
        g_assert_null (strstr (error->message, "SECRET-MARKER"));
        g_assert_nonnull (strstr (error->message, name));
        /* The import assistant's sniff parses the same parts. */
        CopyistSniffResult sniff;
        g_clear_error (&error);
        memset (&sniff, 0, sizeof sniff);
        if (copyist_sniff (f, NULL, &sniff, NULL, &error))
          {
            for (guint i = 0; i < sniff.sheets->len; i++)
              g_assert_null (strstr (((CopyistSheetInfo *) g_ptr_array_index (sniff.sheets, i))->name, "SECRET"));
            copyist_sniff_result_clear (&sniff);
          }
        else
          g_assert_null (strstr (error->message, "SECRET-MARKER"));
      }
}

static gboolean
cancel_progress_cb (double fraction, gpointer data)
{
  (*(int *) data)++;
  return FALSE;
}

static void
test_async_and_cancel (void)
{
  GString *csv = g_string_new ("SKU,Name\n");
  for (int i = 0; i < 20000; i++)
    g_string_append_printf (csv, "%05d,Product %d\n", i, i);
  g_autoptr(GFile) f = write_fixture ("many.csv", csv->str, (gssize) csv->len);
  g_string_free (csv, TRUE);

  /* A progress callback that says stop cancels the read. */
  int calls = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(CopyistTable) none = copyist_table_read (f, NULL, NULL, cancel_progress_cb, &calls, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (calls, ==, 1);

  /* A cancelled GCancellable too. */
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error2 = NULL;
  g_cancellable_cancel (cancellable);
  g_autoptr(CopyistTable) none2 = copyist_table_read (f, NULL, cancellable, NULL, NULL, &error2);
  g_assert_null (none2);
  g_assert_error (error2, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
async_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (res);
}

static void
test_async (void)
{
  g_autoptr(GFile) f = write_text ("async.csv", "SKU,Name\n1,Tee\n2,Mug\n");
  GAsyncResult *res = NULL;
  g_autoptr(GError) error = NULL;

  copyist_table_read_async (f, NULL, NULL, NULL, NULL, async_done_cb, &res);
  while (res == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_autoptr(CopyistTable) t = copyist_table_read_finish (res, &error);
  g_object_unref (res);
  g_assert_no_error (error);
  g_assert_cmpuint (t->rows->len, ==, 2);
  g_assert_cmpstr (copyist_table_get (t, 1, 1), ==, "Mug");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("copyist-table-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/app/table/encodings", test_encodings);
  g_test_add_func ("/app/table/encoding-errors", test_encoding_errors);
  g_test_add_func ("/app/table/delimiters", test_delimiters);
  g_test_add_func ("/app/table/quoting", test_quoting);
  g_test_add_func ("/app/table/broken-text", test_broken_text);
  g_test_add_func ("/app/table/json", test_json);
  g_test_add_func ("/app/table/xlsx", test_xlsx);
  g_test_add_func ("/app/table/xlsx-hand-written", test_xlsx_hand_written);
  g_test_add_func ("/app/table/xlsx-hostile", test_xlsx_hostile);
  g_test_add_func ("/app/table/ods", test_ods);
  g_test_add_func ("/app/table/xml-safety", test_xml_safety);
  g_test_add_func ("/app/table/cancel", test_async_and_cancel);
  g_test_add_func ("/app/table/async", test_async);
  status = g_test_run ();
  copyist_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return status;
}
