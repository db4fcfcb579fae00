/* test-app-import.c — from tables to products: the real WooCommerce and
 * Shopify sample catalogs, the column mapping (English and Chinese
 * headers, JSON, --map specs), packed attribute columns, per-row problems
 * in the report, HTML to text and the language guess. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "copyist-import.h"

static GPtrArray *
import_text (const char *name, const char *text, const CopyistMapping *mapping, CopyistRowReport *report,
             GError **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(CopyistTable) table = copyist_table_read_bytes (bytes, name, NULL, NULL, error);

  if (table == NULL)
    return NULL;
  return copyist_import_records (table, mapping, COPYIST_IMPORT_FLAVOR_AUTO, report, error);
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

static CopyistRecord *
find_sku (GPtrArray *records, const char *sku)
{
  for (guint i = 0; i < records->len; i++)
    {
      CopyistRecord *r = g_ptr_array_index (records, i);
      if (g_strcmp0 (r->sku, sku) == 0)
        return r;
    }
  return NULL;
}

static void
test_woocommerce (void)
{
  g_autoptr(GFile) file = catalog ("woocommerce_sample_products.csv");
  g_autoptr(GError) error = NULL;
  CopyistRowReport report;

  if (file == NULL)
    return;
  copyist_row_report_init (&report);
  g_autoptr(CopyistTable) table = copyist_table_read (file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (table->n_columns, ==, 51);
  g_assert_cmpuint (table->rows->len, ==, 25);
  g_assert_cmpstr (table->headers[0], ==, "ID");   /* BOM stripped */
  g_assert_cmpint (copyist_import_detect_flavor (table), ==, COPYIST_IMPORT_FLAVOR_WOOCOMMERCE);

  g_autoptr(GPtrArray) records = copyist_import_records (table, NULL, COPYIST_IMPORT_FLAVOR_AUTO, &report, &error);
  g_assert_no_error (error);
  /* 25 rows: 18 products, 7 variations folded into their 2 variable parents. */
  g_assert_cmpuint (records->len, ==, 18);
  g_assert_cmpuint (report.rows, ==, 25);
  g_assert_cmpuint (report.imported, ==, 18);
  g_assert_cmpuint (report.variants, ==, 7);
  g_assert_cmpuint (report.skipped + report.failed, ==, 0);

  CopyistRecord *vneck = find_sku (records, "woo-vneck-tee");
  g_assert_nonnull (vneck);
  g_assert_cmpstr (vneck->title, ==, "V-Neck T-Shirt");
  g_assert_cmpstr (vneck->category, ==, "Clothing > Tshirts");
  g_assert_cmpstr (copyist_record_get_attribute (vneck, "color"), ==, "Blue, Green, Red");
  g_assert_cmpstr (copyist_record_get_attribute (vneck, "size"), ==, "Large, Medium, Small");
  g_assert_cmpuint (vneck->source_rows->len, ==, 4);   /* the parent and its 3 variations */
  g_assert_cmpstr (vneck->language, ==, "en");
  g_assert_cmpstr (vneck->source_format, ==, "woocommerce");
  g_assert_true (g_str_has_prefix (vneck->description, "Pellentesque habitant morbi"));
  g_assert_cmpstr (vneck->adcopy_body, ==, "This is a variable product.");

  CopyistRecord *hoodie = find_sku (records, "woo-hoodie");
  g_assert_cmpuint (hoodie->source_rows->len, ==, 5);
  g_assert_cmpstr (copyist_record_get_attribute (hoodie, "Logo"), ==, "Yes, No");
  CopyistRecord *belt = find_sku (records, "woo-belt");
  g_assert_cmpstr (copyist_record_get_attribute (belt, "price"), ==, "65");
  g_assert_null (find_sku (records, "woo-vneck-tee-red"));
  copyist_row_report_clear (&report);
}

static void
test_shopify (void)
{
  g_autoptr(GFile) file = catalog ("shopify_product_template.csv");
  g_autoptr(GError) error = NULL;
  CopyistRowReport report = { 0 };

  if (file == NULL)
    return;
  g_autoptr(GPtrArray) records = copyist_import_file (file, NULL, NULL, COPYIST_IMPORT_FLAVOR_AUTO, &report, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report.rows, ==, 17);
  g_assert_cmpuint (records->len, ==, 3);
  g_assert_cmpuint (report.variants, ==, 13);   /* 11 more shirts, 2 more jeans; the image-only row is none */

  CopyistRecord *shirt = find_sku (records, "example-shirt");
  g_assert_cmpstr (shirt->title, ==, "Example T-Shirt");
  g_assert_cmpuint (shirt->source_rows->len, ==, 12);
  g_assert_cmpstr (copyist_record_get_attribute (shirt, "color"), ==, "Green, Blue, Gray, Purple");
  g_assert_cmpstr (copyist_record_get_attribute (shirt, "size"), ==, "S, M, L");
  g_assert_cmpstr (copyist_record_get_attribute (shirt, "brand"), ==, "Acme");
  g_assert_cmpstr (copyist_record_get_attribute (shirt, "price"), ==, "25");
  g_assert_cmpstr (shirt->category, ==, "Shirts");
  /* HTML: kept verbatim for export, converted for training. */
  g_assert_true (g_str_has_prefix (shirt->description_html, "<p>This t-shirt"));
  g_assert_true (g_str_has_prefix (shirt->description, "This t-shirt is as simple as it gets."));
  g_assert_null (strchr (shirt->description, '<'));
  g_assert_cmpstr (shirt->adcopy_headline, ==, "Example T-Shirt | Test Store");
  g_assert_cmpstr (shirt->adcopy_body, ==, "Cotton shirts from our store.");

  CopyistRecord *pants = find_sku (records, "example-pants");
  g_assert_cmpuint (pants->source_rows->len, ==, 4);
  g_assert_cmpstr (copyist_record_get_attribute (pants, "size"), ==, "28, 30, 40");
  CopyistRecord *hat = find_sku (records, "example-hat");
  /* "Title / Default Title" is Shopify's placeholder, not an attribute. */
  g_assert_null (copyist_record_get_attribute (hat, "Title"));
  copyist_row_report_clear (&report);
}

static void
test_mapping_guess (void)
{
  const char *en[] = { "Product Name", "SKU", "Brand", "Colour", "Fabric", "Size", "Price", "Category",
                       "Long Description", "Ad copy", "Headline", "Weight", NULL };
  const char *zh[] = { "商品名称", "货号", "品牌", "颜色", "面料", "尺码", "售价", "类目", "商品详情", "广告语", "产地", NULL };
  g_autoptr(CopyistMapping) m = copyist_mapping_guess_headers (en);
  g_autoptr(CopyistMapping) z = copyist_mapping_guess_headers (zh);

  g_assert_cmpint (copyist_mapping_get (m, "Product Name"), ==, COPYIST_FIELD_TITLE);
  g_assert_cmpint (copyist_mapping_get (m, "SKU"), ==, COPYIST_FIELD_SKU);
  g_assert_cmpint (copyist_mapping_get (m, "Brand"), ==, COPYIST_FIELD_BRAND);
  g_assert_cmpint (copyist_mapping_get (m, "Colour"), ==, COPYIST_FIELD_COLOR);
  g_assert_cmpint (copyist_mapping_get (m, "Fabric"), ==, COPYIST_FIELD_MATERIAL);
  g_assert_cmpint (copyist_mapping_get (m, "Size"), ==, COPYIST_FIELD_SIZE);
  g_assert_cmpint (copyist_mapping_get (m, "Price"), ==, COPYIST_FIELD_PRICE);
  g_assert_cmpint (copyist_mapping_get (m, "Category"), ==, COPYIST_FIELD_CATEGORY);
  g_assert_cmpint (copyist_mapping_get (m, "Long Description"), ==, COPYIST_FIELD_DESCRIPTION);
  g_assert_cmpint (copyist_mapping_get (m, "Ad copy"), ==, COPYIST_FIELD_ADCOPY_BODY);
  g_assert_cmpint (copyist_mapping_get (m, "Headline"), ==, COPYIST_FIELD_ADCOPY_HEADLINE);
  g_assert_cmpint (copyist_mapping_get (m, "Weight"), ==, COPYIST_N_FIELDS);   /* unknown: kept as attribute */

  g_assert_cmpint (copyist_mapping_get (z, "商品名称"), ==, COPYIST_FIELD_TITLE);
  g_assert_cmpint (copyist_mapping_get (z, "货号"), ==, COPYIST_FIELD_SKU);
  g_assert_cmpint (copyist_mapping_get (z, "品牌"), ==, COPYIST_FIELD_BRAND);
  g_assert_cmpint (copyist_mapping_get (z, "颜色"), ==, COPYIST_FIELD_COLOR);
  g_assert_cmpint (copyist_mapping_get (z, "面料"), ==, COPYIST_FIELD_MATERIAL);
  g_assert_cmpint (copyist_mapping_get (z, "尺码"), ==, COPYIST_FIELD_SIZE);
  g_assert_cmpint (copyist_mapping_get (z, "售价"), ==, COPYIST_FIELD_PRICE);
  g_assert_cmpint (copyist_mapping_get (z, "类目"), ==, COPYIST_FIELD_CATEGORY);
  g_assert_cmpint (copyist_mapping_get (z, "商品详情"), ==, COPYIST_FIELD_DESCRIPTION);
  g_assert_cmpint (copyist_mapping_get (z, "广告语"), ==, COPYIST_FIELD_ADCOPY_BODY);
  g_assert_cmpint (copyist_mapping_get (z, "产地"), ==, COPYIST_N_FIELDS);

  /* Only one column per single-valued field: the first wins. */
  const char *twice[] = { "Name", "Title", NULL };
  g_autoptr(CopyistMapping) t = copyist_mapping_guess_headers (twice);
  g_assert_cmpstr (copyist_mapping_get_column (t, COPYIST_FIELD_TITLE), ==, "Name");
  g_assert_cmpint (copyist_mapping_get (t, "Title"), ==, COPYIST_N_FIELDS);
}

static void
test_mapping_edit_and_json (void)
{
  g_autoptr(CopyistMapping) m = copyist_mapping_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (copyist_mapping_parse_spec (m, "title=商品名", &error));
  g_assert_true (copyist_mapping_parse_spec (m, "colour=Farbe", &error));
  g_assert_true (copyist_mapping_parse_spec (m, "none=Internal note", &error));
  g_assert_true (copyist_mapping_parse_spec (m, "title=Name", &error));   /* moves the title */
  g_assert_no_error (error);
  g_assert_cmpint (copyist_mapping_get (m, "商品名"), ==, COPYIST_N_FIELDS);
  g_assert_cmpint (copyist_mapping_get (m, "Name"), ==, COPYIST_FIELD_TITLE);
  g_assert_false (copyist_mapping_parse_spec (m, "flavour=Taste", &error));
  g_assert_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION);
  g_assert_nonnull (strstr (error->message, "flavour"));
  g_clear_error (&error);
  g_assert_false (copyist_mapping_parse_spec (m, "title", &error));
  g_assert_nonnull (strstr (error->message, "FIELD=COLUMN"));
  g_clear_error (&error);
  copyist_mapping_set_keep_unknown (m, FALSE);

  g_autofree char *json = copyist_mapping_to_json (m);
  g_autoptr(CopyistMapping) back = copyist_mapping_from_json (json, &error);
  g_assert_no_error (error);
  g_autofree char *json2 = copyist_mapping_to_json (back);
  g_assert_cmpstr (json, ==, json2);
  g_assert_false (copyist_mapping_get_keep_unknown (back));
  g_assert_cmpint (copyist_mapping_get (back, "Farbe"), ==, COPYIST_FIELD_COLOR);
  g_assert_cmpint (copyist_mapping_get (back, "Internal note"), ==, COPYIST_FIELD_NONE);

  g_assert_null (copyist_mapping_from_json ("{\"version\": 9, \"columns\": []}", &error));
  g_assert_nonnull (strstr (error->message, "version 9"));
  g_clear_error (&error);
  g_assert_null (copyist_mapping_from_json ("not json", &error));
  g_assert_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION);
  g_clear_error (&error);
  g_assert_null (copyist_mapping_from_json ("{\"version\":1,\"columns\":[{\"column\":\"A\",\"field\":\"wat\"}]}", &error));
  g_assert_nonnull (strstr (error->message, "wat"));
  g_clear_error (&error);
  /* Found by tests/fuzz/fuzz-import (corpus/import/crash-mapping-empty-json):
   * empty or blank JSON parses to no root at all, which json-glib's node
   * calls met with a critical instead of the mapping's own error. */
  g_assert_null (copyist_mapping_from_json ("", &error));
  g_assert_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION);
  g_clear_error (&error);
  g_assert_null (copyist_mapping_from_json (" \n\t", &error));
  g_assert_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION);
  g_clear_error (&error);
  /* Found by fuzz-import (28 Nov): members of the wrong kind (an object for
   * the version, an array for a flag or a column name) met json-glib's
   * typed getters with a critical instead of the mapping's own error. */
  g_assert_null (copyist_mapping_from_json ("{\"version\": {}, \"columns\": []}", &error));
  g_assert_nonnull (strstr (error->message, "version 0"));
  g_clear_error (&error);
  g_assert_null (copyist_mapping_from_json ("{\"version\": \"1\", \"columns\": []}", &error));
  g_assert_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION);
  g_clear_error (&error);
  {
    g_autoptr(CopyistMapping) odd = copyist_mapping_from_json (
        "{\"version\": 1, \"keep_unknown\": [1], \"columns\": []}", &error);
    g_assert_no_error (error);
    g_assert_true (copyist_mapping_get_keep_unknown (odd));   /* the default */
  }
  g_assert_null (copyist_mapping_from_json (
      "{\"version\": 1, \"columns\": [{\"column\": [\"A\"], \"field\": \"title\"}]}", &error));
  g_assert_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION);
  g_clear_error (&error);
  /* A project's stored mapping nested 100 000 deep: refused, not a stack overflow. */
  g_autofree char *deep = g_strnfill (100000, '[');
  g_assert_null (copyist_mapping_from_json (deep, &error));
  g_assert_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION);
  g_assert_nonnull (strstr (error->message, "256 levels"));
}

static void
test_generic_import (void)
{
  const char *csv =
    "货号,商品名称,颜色,材质,产地,内部备注,描述\n"
    "00123,纯棉圆领T恤,白色,纯棉,浙江,不要导出,\"<p>柔软舒适。</p><p>简约百搭 &amp; 透气。</p>\"\n"
    "00124,Slim jeans,蓝色,牛仔布,,,\"Classic wash.\r\n\r\nSlim fit.\"\n"
    ",,,,,,\n"
    "00123,重复的货号,红色,,,,\n"
    ",,,,广东,,\n";
  g_autoptr(CopyistMapping) m = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (csv, strlen (csv));
  g_autoptr(CopyistTable) table = copyist_table_read_bytes (bytes, "zh.csv", NULL, NULL, &error);
  CopyistRowReport report;

  g_assert_no_error (error);
  m = copyist_mapping_guess (table);
  copyist_mapping_set (m, "内部备注", COPYIST_FIELD_NONE);
  copyist_row_report_init (&report);
  g_autoptr(GPtrArray) records = copyist_import_records (table, m, COPYIST_IMPORT_FLAVOR_AUTO, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 3);
  g_assert_cmpuint (report.rows, ==, 4);
  g_assert_cmpuint (report.skipped, ==, 1);
  CopyistImportProblem *p = g_ptr_array_index (report.problems, 0);
  g_assert_cmpuint (p->line, ==, 7);   /* the quoted cell of line 3 spans three lines */
  g_assert_cmpint (p->outcome, ==, COPYIST_ROW_SKIPPED);
  g_assert_nonnull (strstr (p->reason, "00123"));
  g_assert_nonnull (strstr (p->reason, "line 2"));
  g_autofree char *summary = copyist_row_report_summary (&report);
  g_assert_cmpstr (summary, ==, "4 rows: 3 imported, 0 updated, 1 skipped, 0 failed");

  CopyistRecord *tee = g_ptr_array_index (records, 0);
  g_assert_cmpstr (tee->sku, ==, "00123");
  g_assert_cmpstr (tee->title, ==, "纯棉圆领T恤");
  g_assert_cmpstr (tee->language, ==, "zh");
  g_assert_cmpstr (copyist_record_get_attribute (tee, "color"), ==, "白色");
  g_assert_cmpstr (copyist_record_get_attribute (tee, "material"), ==, "纯棉");
  g_assert_cmpstr (copyist_record_get_attribute (tee, "产地"), ==, "浙江");
  g_assert_null (copyist_record_get_attribute (tee, "内部备注"));
  g_assert_cmpstr (tee->description, ==, "柔软舒适。\n\n简约百搭 & 透气。");
  g_assert_cmpstr (tee->description_html, ==, "<p>柔软舒适。</p><p>简约百搭 &amp; 透气。</p>");
  g_assert_cmpuint (g_strv_length (tee->source_headers), ==, 7);
  g_assert_cmpstr (((char **) g_ptr_array_index (tee->source_rows, 0))[5], ==, "不要导出");

  CopyistRecord *jeans = g_ptr_array_index (records, 1);
  g_assert_cmpstr (jeans->language, ==, "en");
  g_assert_cmpstr (jeans->description, ==, "Classic wash.\n\nSlim fit.");

  /* A row with only an unknown attribute is still a product to describe. */
  CopyistRecord *third = g_ptr_array_index (records, 2);
  g_assert_cmpstr (copyist_record_get_attribute (third, "产地"), ==, "广东");

  /* Ignoring unknown columns. */
  copyist_mapping_set_keep_unknown (m, FALSE);
  g_autoptr(GPtrArray) lean = copyist_import_records (table, m, COPYIST_IMPORT_FLAVOR_GENERIC, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lean->len, ==, 2);
  g_assert_null (copyist_record_get_attribute (g_ptr_array_index (lean, 0), "产地"));
  copyist_row_report_clear (&report);

  /* A mapping naming a missing column is refused before anything is produced. */
  g_autoptr(CopyistMapping) bad = copyist_mapping_new ();
  copyist_mapping_set (bad, "Nope", COPYIST_FIELD_TITLE);
  g_assert_null (copyist_import_records (table, bad, COPYIST_IMPORT_FLAVOR_AUTO, NULL, &error));
  g_assert_error (error, COPYIST_IMPORT_ERROR, COPYIST_IMPORT_ERROR_MAPPING);
  g_assert_nonnull (strstr (error->message, "Nope"));
}

static void
test_platform_problems (void)
{
  g_autoptr(GError) error = NULL;
  CopyistRowReport report;

  /* A WooCommerce variation whose parent is not in the file. */
  const char *woo = "ID,Type,SKU,Name,Parent,Attribute 1 name,Attribute 1 value(s),Description\n"
                    "10,simple,cap,Cap,,Color,Red,A cap.\n"
                    "11,variation,tee-red,Tee - Red,tee,Color,Red,\n"
                    "12,variation,cap-blue,Cap - Blue,id:10,Color,Blue,\n";
  copyist_row_report_init (&report);
  g_autoptr(GPtrArray) records = import_text ("woo.csv", woo, NULL, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpuint (report.failed, ==, 1);
  g_assert_cmpuint (report.variants, ==, 1);
  CopyistImportProblem *p = g_ptr_array_index (report.problems, 0);
  g_assert_cmpuint (p->line, ==, 3);
  g_assert_nonnull (strstr (p->reason, "“tee”"));
  g_assert_cmpstr (copyist_record_get_attribute (g_ptr_array_index (records, 0), "color"), ==, "Red, Blue");
  copyist_row_report_clear (&report);

  /* Shopify rows without a Handle, and a product without a title. */
  const char *shop = "Handle,Title,Body (HTML),Option1 Name,Option1 Value,Variant SKU\n"
                     "tee,Tee,<p>Soft.</p>,Size,S,T1\n"
                     ",,,,M,T2\n"
                     "mug,,,,,M1\n";
  copyist_row_report_init (&report);
  g_autoptr(GPtrArray) shop_records = import_text ("shop.csv", shop, NULL, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (shop_records->len, ==, 1);
  g_assert_cmpuint (report.failed, ==, 2);
  g_assert_cmpuint (((CopyistImportProblem *) g_ptr_array_index (report.problems, 0))->line, ==, 3);
  g_assert_nonnull (strstr (((CopyistImportProblem *) g_ptr_array_index (report.problems, 1))->reason, "mug"));
  copyist_row_report_clear (&report);

  /* Nothing usable: an error, no records. */
  g_assert_null (import_text ("nothing.csv", "Handle,Title\n,x\n", NULL, NULL, &error));
  g_assert_error (error, COPYIST_IMPORT_ERROR, COPYIST_IMPORT_ERROR_NO_PRODUCTS);
  g_assert_nonnull (strstr (error->message, "nothing.csv"));
}

static void
test_attribute_lists (void)
{
  g_autoptr(GError) error = NULL;
  const char *jsonl = "{\"content\": \"类型#上衣*材质#牛仔布*颜色#白色*风格#简约\", \"summary\": \"简约而不简单的牛仔外套。\"}\n"
                      "{\"content\": \"类型#裙*颜色#红色\", \"summary\": \"红色连衣裙。\"}\n";
  g_autoptr(GPtrArray) ads = import_text ("shop.json", jsonl, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ads->len, ==, 2);
  CopyistRecord *coat = g_ptr_array_index (ads, 0);
  g_assert_cmpstr (copyist_record_get_attribute (coat, "color"), ==, "白色");
  g_assert_cmpstr (copyist_record_get_attribute (coat, "material"), ==, "牛仔布");
  g_assert_cmpstr (copyist_record_get_attribute (coat, "风格"), ==, "简约");
  g_assert_cmpstr (coat->adcopy_body, ==, "简约而不简单的牛仔外套。");
  g_assert_cmpstr (coat->language, ==, "zh");

  const char *e2e = "mr,ref,ref_tokenized\n\"name[The Vaults], eatType[pub], priceRange[more than £30]\",The Vaults is a pub.,"
                    "\"the vaults is a pub that is not family-friendly , it is near café adriatic and costs more than £ 30 .\"\n";
  g_autoptr(GPtrArray) rest = import_text ("e2e.csv", e2e, NULL, NULL, &error);
  g_assert_no_error (error);
  CopyistRecord *vaults = g_ptr_array_index (rest, 0);
  g_assert_cmpstr (vaults->title, ==, "The Vaults");
  g_assert_cmpstr (copyist_record_get_attribute (vaults, "eatType"), ==, "pub");
  g_assert_cmpstr (copyist_record_get_attribute (vaults, "priceRange"), ==, "more than £30");
  g_assert_cmpstr (vaults->description, ==, "The Vaults is a pub.");
  /* A long free-text column is ignored, not taken as an attribute. */
  g_assert_null (copyist_record_get_attribute (vaults, "ref_tokenized"));

  /* A broken packed cell fails its row with the parser's reason. */
  CopyistRowReport report;
  copyist_row_report_init (&report);
  const char *broken = "mr,ref\n\"name[Aromi], food[Chinese\",text\n\"name[Bibimbap]\",ok\n";
  g_autoptr(GPtrArray) one = import_text ("broken.csv", broken, NULL, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (one->len, ==, 1);
  g_assert_cmpuint (report.failed, ==, 1);
  CopyistImportProblem *p = g_ptr_array_index (report.problems, 0);
  g_assert_cmpuint (p->line, ==, 2);
  g_assert_cmpstr (p->column, ==, "mr");
  copyist_row_report_clear (&report);
}

/* The HTML converter (Shopify Body (HTML), WooCommerce descriptions) runs
 * libxml2's HTML parser with HTML_PARSE_NONET: a document type naming a
 * local file or a URL, or an entity declared in it, never pulls the file
 * into the text (see HACKING.md, "Security review"). */
static void
test_html_no_external (void)
{
  g_autofree char *dir = g_dir_make_tmp ("copyist-html-XXXXXX", NULL);
  g_autofree char *secret = g_build_filename (dir, "secret.txt", NULL);
  g_autofree char *uri = g_filename_to_uri (secret, NULL, NULL);
  g_assert_true (g_file_set_contents (secret, "SECRET-MARKER-7f3a", -1, NULL));

  g_autofree char *h1 = g_strdup_printf ("<!DOCTYPE html [<!ENTITY xxe SYSTEM \"%s\">]><p>A &xxe; shirt</p>", uri);
  g_autofree char *h2 = g_strdup_printf ("<!DOCTYPE html SYSTEM \"%s\"><p>A <b>linen</b> shirt</p>", uri);
  g_autofree char *h3 = g_strdup_printf ("<p>A shirt<img src=\"%s\"><iframe src=\"%s\"></iframe></p>", uri, uri);
  const char *html[] = { h1, h2, h3 };
  for (guint i = 0; i < G_N_ELEMENTS (html); i++)
    {
      g_autofree char *text = copyist_html_to_text (html[i]);
      g_test_message ("%s -> %s", html[i], text);
      g_assert_null (strstr (text, "SECRET-MARKER"));
      g_assert_nonnull (strstr (text, "shirt"));
    }
  g_assert_cmpint (g_unlink (secret), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_html_and_language (void)
{
  g_autofree char *t1 = copyist_html_to_text ("<p>One &amp; <b>two</b></p>\n<ul><li>a</li><li>b</li></ul><p>x<br>y</p><script>bad()</script>");
  g_assert_cmpstr (t1, ==, "One & two\n\na\nb\n\nx\ny");
  g_autofree char *t2 = copyist_html_to_text ("Plain\r\ntext\r\n\r\n\r\nnext");
  g_assert_cmpstr (t2, ==, "Plain\ntext\n\nnext");
  g_autofree char *h = copyist_text_to_html ("A <b> & \"c\"\nline\n\nSecond");
  g_assert_cmpstr (h, ==, "<p>A &lt;b&gt; &amp; &quot;c&quot;<br>line</p>\n<p>Second</p>");
  g_autofree char *back = copyist_html_to_text (h);
  g_assert_cmpstr (back, ==, "A <b> & \"c\"\nline\n\nSecond");
  g_assert_true (copyist_text_looks_like_html ("<p>x</p>"));
  g_assert_false (copyist_text_looks_like_html ("5 < 6 and 7 > 3"));

  g_assert_cmpstr (copyist_guess_language ("纯棉圆领T恤，柔软舒适"), ==, "zh");
  g_assert_cmpstr (copyist_guess_language ("Nike 运动鞋 轻便透气"), ==, "zh");
  g_assert_cmpstr (copyist_guess_language ("Soft cotton tee with 中 print"), ==, "en");
  g_assert_cmpstr (copyist_guess_language (""), ==, "en");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/import/woocommerce", test_woocommerce);
  g_test_add_func ("/app/import/shopify", test_shopify);
  g_test_add_func ("/app/import/mapping-guess", test_mapping_guess);
  g_test_add_func ("/app/import/mapping-edit-json", test_mapping_edit_and_json);
  g_test_add_func ("/app/import/generic", test_generic_import);
  g_test_add_func ("/app/import/platform-problems", test_platform_problems);
  g_test_add_func ("/app/import/attribute-lists", test_attribute_lists);
  g_test_add_func ("/app/import/html-language", test_html_and_language);
  g_test_add_func ("/app/import/html-no-external", test_html_no_external);
  return g_test_run ();
}
