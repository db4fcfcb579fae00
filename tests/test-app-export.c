/* test-app-export.c — writing products back: CSV/XLSX/JSON round trips
 * that keep every cell (CJK, emoji, newlines, quotes, codes), formula
 * neutralisation, the Shopify and WooCommerce samples exported to their
 * own format and re-imported identical, generated text placed in the
 * platforms' fields, and atomic writes. */
#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "copyist-export.h"
#include "copyist-import.h"

#include "test-util.h"

static char *tmpdir;

static const char tricky_csv[] =
  "SKU,Title,Colour,Description,Ad copy,Notes,Price\r\n"
  "00123,纯棉圆领T恤 👕,白色,\"第一段，含逗号。\n\n第二段 \"\"引号\"\"。\",夏日必备 ☀️,\"multi\nline, note\",12.50\r\n"
  "0042,\"Mug, large\",Blue,\"<p>Stoneware &amp; glaze.</p><p>Dishwasher safe.</p>\",,\"  padded  \",-5\r\n"
  "4006381333931,Émaillé pot,,Plain text only.,Cook slowly,2E4,\r\n";

static GFile *
tmp_file (const char *name)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  return g_file_new_for_path (path);
}

static CopyistTable *
read_bytes (const char *name, const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;
  CopyistTable *t = copyist_table_read_bytes (bytes, name, NULL, NULL, &error);
  g_assert_no_error (error);
  return t;
}

static CopyistTable *
read_file (GFile *file)
{
  g_autoptr(GError) error = NULL;
  CopyistTable *t = copyist_table_read (file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t);
  return t;
}

static void
assert_same_table (const CopyistTable *a, const CopyistTable *b)
{
  g_assert_cmpuint (a->n_columns, ==, b->n_columns);
  g_assert_cmpuint (a->rows->len, ==, b->rows->len);
  for (guint c = 0; c < a->n_columns; c++)
    g_assert_cmpstr (a->headers[c], ==, b->headers[c]);
  for (guint r = 0; r < a->rows->len; r++)
    for (guint c = 0; c < a->n_columns; c++)
      g_assert_cmpstr (copyist_table_get (a, r, c), ==, copyist_table_get (b, r, c));
}

static GPtrArray *
records_of (const CopyistTable *t)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records = copyist_import_records (t, NULL, COPYIST_IMPORT_FLAVOR_AUTO, NULL, &error);
  g_assert_no_error (error);
  return records;
}

static void
export_to (GPtrArray *records, CopyistExportFormat format, gboolean bom, GFile *out)
{
  CopyistExportOptions opts;
  g_autoptr(GError) error = NULL;

  copyist_export_options_init (&opts);
  opts.format = format;
  opts.bom = bom;
  g_assert_true (copyist_export_write (records, &opts, out, NULL, &error));
  g_assert_no_error (error);
}

static void
test_roundtrip_csv_xlsx (void)
{
  g_autoptr(CopyistTable) original = read_bytes ("tricky.csv", tricky_csv);
  g_autoptr(GPtrArray) records = records_of (original);

  g_assert_cmpuint (records->len, ==, 3);
  g_assert_cmpstr (((CopyistRecord *) g_ptr_array_index (records, 0))->description, ==,
                   "第一段，含逗号。\n\n第二段 \"引号\"。");

  /* CSV, with and without a BOM, and XLSX: every cell comes back. */
  g_autoptr(GFile) csv = tmp_file ("out.csv");
  export_to (records, COPYIST_EXPORT_CSV, FALSE, csv);
  g_autoptr(CopyistTable) again = read_file (csv);
  assert_same_table (original, again);

  g_autoptr(GFile) bom = tmp_file ("out-bom.csv");
  export_to (records, COPYIST_EXPORT_CSV, TRUE, bom);
  g_autofree char *raw = NULL;
  g_assert_true (g_file_get_contents (g_file_peek_path (bom), &raw, NULL, NULL));
  g_assert_true (g_str_has_prefix (raw, "\xef\xbb\xbfSKU,Title"));
  g_assert_nonnull (strstr (raw, "\r\n"));
  g_autoptr(CopyistTable) again_bom = read_file (bom);
  assert_same_table (original, again_bom);

  g_autoptr(GFile) xlsx = tmp_file ("out.xlsx");
  export_to (records, COPYIST_EXPORT_XLSX, FALSE, xlsx);
  g_autoptr(CopyistTable) again_xlsx = read_file (xlsx);
  g_assert_cmpint (again_xlsx->format, ==, COPYIST_FILE_FORMAT_XLSX);
  assert_same_table (original, again_xlsx);
  /* Text cells stay text: the SKU keeps its zeros, the EAN all its digits. */
  g_assert_cmpstr (copyist_table_get (again_xlsx, 0, 0), ==, "00123");
  g_assert_cmpstr (copyist_table_get (again_xlsx, 2, 0), ==, "4006381333931");
}

static void
test_roundtrip_json (void)
{
  g_autoptr(CopyistTable) original = read_bytes ("tricky.csv", tricky_csv);
  g_autoptr(GPtrArray) records = records_of (original);
  g_autoptr(GFile) out = tmp_file ("out.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  export_to (records, COPYIST_EXPORT_JSON, FALSE, out);
  g_assert_true (json_parser_load_from_file (parser, g_file_peek_path (out), &error));
  g_assert_no_error (error);
  JsonArray *array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  for (guint r = 0; r < 3; r++)
    {
      JsonObject *product = json_array_get_object_element (array, r);
      JsonArray *rows = json_object_get_array_member (product, "source_rows");
      JsonObject *src = json_array_get_object_element (rows, 0);
      for (guint c = 0; c < original->n_columns; c++)
        g_assert_cmpstr (json_object_get_string_member (src, original->headers[c]), ==,
                         copyist_table_get (original, r, c));
    }
  JsonObject *tee = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (tee, "title"), ==, "纯棉圆领T恤 👕");
  g_assert_cmpstr (json_object_get_string_member (tee, "language"), ==, "zh");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (tee, "attributes"), "color"), ==, "白色");
  g_assert_cmpstr (json_object_get_string_member (tee, "adcopy_body"), ==, "夏日必备 ☀️");
}

static void
test_changed_fields (void)
{
  g_autoptr(CopyistTable) original = read_bytes ("tricky.csv", tricky_csv);
  g_autoptr(GPtrArray) records = records_of (original);
  CopyistRecord *mug = g_ptr_array_index (records, 1);
  CopyistRecord *pot = g_ptr_array_index (records, 2);

  /* Generated text replaces the mapped cells; everything else stays. */
  g_free (mug->description);
  mug->description = g_strdup ("Heavy stoneware <glazed>.\n\nSafe & sound.");
  g_free (pot->adcopy_body);
  pot->adcopy_body = g_strdup ("Slow cooking, done right");
  pot->adcopy_headline = g_strdup ("Émaillé pot");

  g_autoptr(GFile) out = tmp_file ("changed.csv");
  export_to (records, COPYIST_EXPORT_CSV, FALSE, out);
  g_autoptr(CopyistTable) t = read_file (out);
  g_assert_cmpuint (t->n_columns, ==, original->n_columns + 1);
  g_assert_cmpstr (t->headers[original->n_columns], ==, "Ad headline");
  /* The description column held HTML for the mug: the new text goes in as HTML. */
  g_assert_cmpstr (copyist_table_get (t, 1, 3), ==, "<p>Heavy stoneware &lt;glazed&gt;.</p>\n<p>Safe &amp; sound.</p>");
  g_assert_cmpstr (copyist_table_get (t, 2, 4), ==, "Slow cooking, done right");
  g_assert_cmpstr (copyist_table_get (t, 2, original->n_columns), ==, "Émaillé pot");
  g_assert_cmpstr (copyist_table_get (t, 1, 5), ==, "  padded  ");
  for (guint c = 0; c < original->n_columns; c++)
    if (c != 3)
      g_assert_cmpstr (copyist_table_get (t, 1, c), ==, copyist_table_get (original, 1, c));
  g_assert_cmpstr (copyist_table_get (t, 0, 3), ==, copyist_table_get (original, 0, 3));
}

static void
test_formula_injection (void)
{
  struct { const char *in, *out; } cells[] = {
    { "=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"" },
    { "+86 138 0000", "\"'+86 138 0000\"" },
    { "-2+3+cmd|' /C calc'!A0", "\"'-2+3+cmd|' /C calc'!A0\"" },
    { "@SUM(A1)", "\"'@SUM(A1)\"" },
    { "\t=1", "\"'\t=1\"" },
    { "-5", "-5" },
    { "+1.5E3", "+1.5E3" },
    { "plain", "plain" },
    { "a,b", "\"a,b\"" },
    { "", "" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      g_autofree char *got = copyist_export_csv_cell (cells[i].in, TRUE);
      g_assert_cmpstr (got, ==, cells[i].out);
    }
  g_autofree char *off = copyist_export_csv_cell ("=1+1", FALSE);
  g_assert_cmpstr (off, ==, "=1+1");

  /* In a whole export: the cell reads back with its leading quote. */
  g_autoptr(CopyistTable) t = read_bytes ("f.csv", "SKU,Title,Notes\n1,Tee,\"=cmd|' /C calc'!A0\"\n");
  g_autoptr(GPtrArray) records = records_of (t);
  g_autoptr(GFile) out = tmp_file ("formula.csv");
  export_to (records, COPYIST_EXPORT_CSV, FALSE, out);
  g_autoptr(CopyistTable) back = read_file (out);
  g_assert_cmpstr (copyist_table_get (back, 0, 2), ==, "'=cmd|' /C calc'!A0");
}

static GFile *
catalog (const char *name)
{
  const char *dir = g_getenv ("COPYIST_SHARED_DATA");
  g_autofree char *path = NULL;

  if (dir == NULL)
    {
      g_test_skip ("COPYIST_SHARED_DATA is not set: the shared catalogs are not available");
      return NULL;
    }
  path = g_build_filename (dir, "catalogs", name, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *msg = g_strdup_printf ("%s is absent: the shared data is not available", path);
      g_test_skip (msg);
      return NULL;
    }
  return g_file_new_for_path (path);
}

static void
assert_same_record (const CopyistRecord *a, const CopyistRecord *b)
{
  g_assert_cmpstr (a->sku, ==, b->sku);
  g_assert_cmpstr (a->title, ==, b->title);
  g_assert_cmpstr (a->category, ==, b->category);
  g_assert_cmpstr (a->language, ==, b->language);
  g_assert_cmpstr (a->description, ==, b->description);
  g_assert_cmpstr (a->description_html, ==, b->description_html);
  g_assert_cmpstr (a->adcopy_headline, ==, b->adcopy_headline);
  g_assert_cmpstr (a->adcopy_body, ==, b->adcopy_body);
  g_assert_cmpstr (a->source_format, ==, b->source_format);
  g_assert_cmpuint (a->attributes->len, ==, b->attributes->len);
  for (guint i = 0; i < a->attributes->len; i++)
    {
      const CopyistAttribute *x = g_ptr_array_index (a->attributes, i);
      const CopyistAttribute *y = g_ptr_array_index (b->attributes, i);
      g_assert_cmpstr (x->key, ==, y->key);
      g_assert_cmpstr (x->value, ==, y->value);
    }
  g_assert_cmpuint (a->source_rows->len, ==, b->source_rows->len);
  g_assert_true (g_strv_equal ((const char * const *) a->source_headers, (const char * const *) b->source_headers));
  for (guint i = 0; i < a->source_rows->len; i++)
    g_assert_true (g_strv_equal (g_ptr_array_index (a->source_rows, i), g_ptr_array_index (b->source_rows, i)));
}

static char *
join_row (const CopyistTable *t, guint r)
{
  GString *s = g_string_new (NULL);
  for (guint c = 0; c < t->n_columns; c++)
    g_string_append_printf (s, "%s\x1f", copyist_table_get (t, r, c));
  return g_string_free (s, FALSE);
}

static void
platform_roundtrip (const char *name, CopyistExportFormat format, guint n_products)
{
  g_autoptr(GFile) file = catalog (name);
  g_autoptr(GError) error = NULL;

  if (file == NULL)
    return;
  g_autoptr(GPtrArray) first = copyist_import_file (file, NULL, NULL, COPYIST_IMPORT_FLAVOR_AUTO, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, n_products);

  g_autofree char *out_name = g_strdup_printf ("again-%s", name);
  g_autoptr(GFile) out = tmp_file (out_name);
  export_to (first, format, FALSE, out);
  g_autoptr(GPtrArray) second = copyist_import_file (out, NULL, NULL, COPYIST_IMPORT_FLAVOR_AUTO, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->len, ==, n_products);
  for (guint i = 0; i < first->len; i++)
    assert_same_record (g_ptr_array_index (first, i), g_ptr_array_index (second, i));

  /* Exported as plain CSV too, every source row comes back unchanged
   * (WooCommerce variations follow their parent, so compare as sets). */
  g_autofree char *csv_name = g_strdup_printf ("plain-%s", name);
  g_autoptr(GFile) csv = tmp_file (csv_name);
  export_to (first, COPYIST_EXPORT_CSV, FALSE, csv);
  {
    g_autoptr(CopyistTable) orig = copyist_table_read (file, NULL, NULL, NULL, NULL, &error);
    g_autoptr(CopyistTable) plain = copyist_table_read (csv, NULL, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (orig->n_columns, ==, plain->n_columns);
    g_assert_cmpuint (orig->rows->len, ==, plain->rows->len);
    g_autoptr(GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    for (guint r = 0; r < orig->rows->len; r++)
      g_hash_table_add (rows, join_row (orig, r));
    for (guint r = 0; r < plain->rows->len; r++)
      {
        g_autofree char *key = join_row (plain, r);
        if (!g_hash_table_contains (rows, key))
          g_error ("%s exported as CSV: row %u differs from every source row: %s", name, r + 1, key);
      }
  }

  /* The exported file has the platform's header, as imported. */
  g_autoptr(CopyistTable) a = copyist_table_read (file, NULL, NULL, NULL, NULL, &error);
  g_autoptr(CopyistTable) b = copyist_table_read (out, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->n_columns, ==, b->n_columns);
  g_assert_cmpuint (a->rows->len, ==, b->rows->len);
  for (guint c = 0; c < a->n_columns; c++)
    g_assert_cmpstr (a->headers[c], ==, b->headers[c]);
}

static void
test_shopify_roundtrip (void)
{
  platform_roundtrip ("shopify_product_template.csv", COPYIST_EXPORT_SHOPIFY, 3);
}

static void
test_woocommerce_roundtrip (void)
{
  platform_roundtrip ("woocommerce_sample_products.csv", COPYIST_EXPORT_WOOCOMMERCE, 18);
}

static void
test_platform_fields (void)
{
  /* Products from a plain sheet go to the platforms' columns. */
  g_autoptr(CopyistTable) t = read_bytes ("plain.csv",
    "货号,商品名称,品牌,颜色,尺码,价格,类目\n00123,纯棉T恤,Acme,白色,M,99,上衣\n00124,Mug,Acme,Blue,,8,Kitchen\n");
  g_autoptr(GPtrArray) records = records_of (t);
  CopyistRecord *tee = g_ptr_array_index (records, 0);
  tee->description = g_strdup ("柔软 & 舒适。\n\n第二段");
  tee->adcopy_headline = g_strdup ("夏日T恤");
  tee->adcopy_body = g_strdup ("透气 <轻薄>");

  g_autoptr(GFile) shop = tmp_file ("plain-shopify.csv");
  export_to (records, COPYIST_EXPORT_SHOPIFY, FALSE, shop);
  g_autoptr(CopyistTable) s = read_file (shop);
  int body = copyist_table_find_column (s, "Body (HTML)"), handle = copyist_table_find_column (s, "Handle");
  g_assert_cmpint (body, >=, 0);
  g_assert_cmpstr (copyist_table_get (s, 0, (guint) handle), ==, "00123");
  g_assert_cmpstr (copyist_table_get (s, 0, (guint) body), ==, "<p>柔软 &amp; 舒适。</p>\n<p>第二段</p>");
  g_assert_cmpstr (copyist_table_get (s, 0, (guint) copyist_table_find_column (s, "SEO Title")), ==, "夏日T恤");
  g_assert_cmpstr (copyist_table_get (s, 0, (guint) copyist_table_find_column (s, "SEO Description")), ==, "透气 <轻薄>");
  g_assert_cmpstr (copyist_table_get (s, 0, (guint) copyist_table_find_column (s, "Vendor")), ==, "Acme");
  g_assert_cmpstr (copyist_table_get (s, 0, (guint) copyist_table_find_column (s, "Variant SKU")), ==, "00123");
  g_assert_cmpstr (copyist_table_get (s, 0, (guint) copyist_table_find_column (s, "Variant Price")), ==, "99");
  /* Re-imported as Shopify: the same product. */
  g_autoptr(GPtrArray) back = records_of (s);
  g_assert_cmpuint (back->len, ==, 2);
  g_assert_cmpstr (((CopyistRecord *) g_ptr_array_index (back, 0))->description, ==, tee->description);
  g_assert_cmpstr (((CopyistRecord *) g_ptr_array_index (back, 0))->title, ==, "纯棉T恤");

  g_autoptr(GFile) woo = tmp_file ("plain-woo.csv");
  export_to (records, COPYIST_EXPORT_WOOCOMMERCE, FALSE, woo);
  g_autoptr(CopyistTable) w = read_file (woo);
  g_assert_cmpstr (copyist_table_get (w, 0, (guint) copyist_table_find_column (w, "Description")), ==,
                   "<p>柔软 &amp; 舒适。</p>\n<p>第二段</p>");
  g_assert_cmpstr (copyist_table_get (w, 0, (guint) copyist_table_find_column (w, "Short description")), ==,
                   "<p>透气 &lt;轻薄&gt;</p>");
  g_assert_cmpstr (copyist_table_get (w, 0, (guint) copyist_table_find_column (w, "Regular price")), ==, "99");
  g_assert_cmpstr (copyist_table_get (w, 0, (guint) copyist_table_find_column (w, "Categories")), ==, "上衣");
  g_autoptr(GPtrArray) wback = records_of (w);
  CopyistRecord *wtee = g_ptr_array_index (wback, 0);
  g_assert_cmpstr (wtee->sku, ==, "00123");
  g_assert_cmpstr (wtee->description, ==, tee->description);
  g_assert_cmpstr (wtee->adcopy_body, ==, tee->adcopy_body);
  g_assert_cmpstr (copyist_record_get_attribute (wtee, "color"), ==, "白色");
  g_assert_cmpstr (copyist_record_get_attribute (wtee, "brand"), ==, "Acme");
}

static void
test_atomic_write (void)
{
  g_autoptr(CopyistTable) t = read_bytes ("t.csv", tricky_csv);
  g_autoptr(GPtrArray) records = records_of (t);
  g_autoptr(GError) error = NULL;
  CopyistExportOptions opts;

  /* An existing file is replaced whole. */
  g_autoptr(GFile) out = tmp_file ("replace.csv");
  g_assert_true (g_file_set_contents (g_file_peek_path (out), "old content", -1, NULL));
  export_to (records, COPYIST_EXPORT_CSV, FALSE, out);
  g_autoptr(CopyistTable) back = read_file (out);
  g_assert_cmpuint (back->rows->len, ==, 3);

  /* A failed export (folder missing; cancelled) leaves nothing behind. */
  g_autoptr(GFile) nowhere = tmp_file ("missing-dir/out.csv");
  copyist_export_options_init (&opts);
  g_assert_false (copyist_export_write (records, &opts, nowhere, NULL, &error));
  g_assert_error (error, COPYIST_EXPORT_ERROR, COPYIST_EXPORT_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, "out.csv"));
  g_clear_error (&error);

  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  g_cancellable_cancel (cancel);
  g_autoptr(GFile) kept = tmp_file ("kept.xlsx");
  g_assert_true (g_file_set_contents (g_file_peek_path (kept), "previous", -1, NULL));
  opts.format = COPYIST_EXPORT_XLSX;
  g_assert_false (copyist_export_write (records, &opts, kept, cancel, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_autofree char *still = NULL;
  g_assert_true (g_file_get_contents (g_file_peek_path (kept), &still, NULL, NULL));
  g_assert_cmpstr (still, ==, "previous");

  /* No temporary files are left in the folder. */
  g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (name[0] == '.');

  /* A read-only folder: a clear error, the old file intact (root can write anyway). */
  g_autofree char *ro = g_build_filename (tmpdir, "ro", NULL);
  g_mkdir (ro, 0755);
  g_autofree char *ro_file = g_build_filename (ro, "p.csv", NULL);
  g_assert_true (g_file_set_contents (ro_file, "untouched", -1, NULL));
  g_chmod (ro, 0555);
  if (g_access (ro_file, W_OK) == 0 && access (ro, W_OK) == 0)
    g_test_message ("running as root: the read-only folder check is not meaningful here");
  else
    {
      g_autoptr(GFile) rof = g_file_new_for_path (ro_file);
      copyist_export_options_init (&opts);
      g_assert_false (copyist_export_write (records, &opts, rof, NULL, &error));
      g_assert_error (error, COPYIST_EXPORT_ERROR, COPYIST_EXPORT_ERROR_WRITE);
      g_clear_error (&error);
      g_autofree char *content = NULL;
      g_assert_true (g_file_get_contents (ro_file, &content, NULL, NULL));
      g_assert_cmpstr (content, ==, "untouched");
    }
  g_chmod (ro, 0755);
  g_remove (ro_file);
  g_rmdir (ro);

  /* Nothing to export. */
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_assert_false (copyist_export_write (none, NULL, out, NULL, &error));
  g_assert_error (error, COPYIST_EXPORT_ERROR, COPYIST_EXPORT_ERROR_NOTHING);
}

static void
test_formats (void)
{
  CopyistExportFormat f;
  const char *names[] = { "csv", "xlsx", "json", "shopify", "woocommerce" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_true (copyist_export_format_from_string (names[i], &f));
      g_assert_cmpstr (copyist_export_format_to_string (f), ==, names[i]);
    }
  g_assert_false (copyist_export_format_from_string ("xls", &f));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("copyist-export-XXXXXX", NULL);
  g_test_add_func ("/app/export/roundtrip-csv-xlsx", test_roundtrip_csv_xlsx);
  g_test_add_func ("/app/export/roundtrip-json", test_roundtrip_json);
  g_test_add_func ("/app/export/changed-fields", test_changed_fields);
  g_test_add_func ("/app/export/formula-injection", test_formula_injection);
  g_test_add_func ("/app/export/shopify-roundtrip", test_shopify_roundtrip);
  g_test_add_func ("/app/export/woocommerce-roundtrip", test_woocommerce_roundtrip);
  g_test_add_func ("/app/export/platform-fields", test_platform_fields);
  g_test_add_func ("/app/export/atomic-write", test_atomic_write);
  g_test_add_func ("/app/export/formats", test_formats);
  status = g_test_run ();
  copyist_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return status;
}
