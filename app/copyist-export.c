/* copyist-export.c — products out as CSV, XLSX, JSON, Shopify and
 * WooCommerce product CSV. Every format is first laid out as a grid of
 * text (headers + rows, copyist-export.c) and then serialised; untouched
 * source cells are copied through unchanged. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "copyist-export.h"
#include "copyist-import.h"

G_DEFINE_QUARK (copyist-export-error-quark, copyist_export_error)

const char *
copyist_export_format_to_string (CopyistExportFormat format)
{
  switch (format)
    {
    case COPYIST_EXPORT_XLSX:        return "xlsx";
    case COPYIST_EXPORT_JSON:        return "json";
    case COPYIST_EXPORT_SHOPIFY:     return "shopify";
    case COPYIST_EXPORT_WOOCOMMERCE: return "woocommerce";
    case COPYIST_EXPORT_CSV:
    default:
      return "csv";
    }
}

gboolean
copyist_export_format_from_string (const char *name, CopyistExportFormat *format)
{
  static const CopyistExportFormat all[] = {
    COPYIST_EXPORT_CSV, COPYIST_EXPORT_XLSX, COPYIST_EXPORT_JSON, COPYIST_EXPORT_SHOPIFY, COPYIST_EXPORT_WOOCOMMERCE,
  };
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (all); i++)
    if (g_ascii_strcasecmp (name, copyist_export_format_to_string (all[i])) == 0)
      {
        *format = all[i];
        return TRUE;
      }
  return FALSE;
}

void
copyist_export_options_init (CopyistExportOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->format = COPYIST_EXPORT_CSV;
  opts->neutralise_formulas = TRUE;
  opts->adcopy_target = COPYIST_ADCOPY_DEFAULT;
}

/* ---- the grid ----------------------------------------------------------- */

typedef struct {
  GPtrArray *headers;   /* char* */
  GPtrArray *rows;      /* GPtrArray<char*> each */
} Grid;

static void
grid_init (Grid *g)
{
  g->headers = g_ptr_array_new_with_free_func (g_free);
  g->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
}

static void
grid_clear (Grid *g)
{
  g_clear_pointer (&g->headers, g_ptr_array_unref);
  g_clear_pointer (&g->rows, g_ptr_array_unref);
}

static int
grid_column (Grid *g, const char *name)
{
  for (guint i = 0; i < g->headers->len; i++)
    if (strcmp (g_ptr_array_index (g->headers, i), name) == 0)
      return (int) i;
  return -1;
}

static int
grid_add_column (Grid *g, const char *name)
{
  int c = grid_column (g, name);
  if (c >= 0)
    return c;
  g_ptr_array_add (g->headers, g_strdup (name));
  for (guint r = 0; r < g->rows->len; r++)
    g_ptr_array_add (g_ptr_array_index (g->rows, r), g_strdup (""));
  return (int) g->headers->len - 1;
}

static GPtrArray *
grid_new_row (Grid *g)
{
  GPtrArray *row = g_ptr_array_new_full (g->headers->len, g_free);
  for (guint i = 0; i < g->headers->len; i++)
    g_ptr_array_add (row, g_strdup (""));
  g_ptr_array_add (g->rows, row);
  return row;
}

static void
row_set (GPtrArray *row, int col, const char *value)
{
  if (col < 0 || value == NULL)
    return;
  g_free (row->pdata[col]);
  row->pdata[col] = g_strdup (value);
}

static const char *
row_get (GPtrArray *row, int col)
{
  return col >= 0 ? row->pdata[col] : "";
}

/* A copy of source row SRC (headers SRC_HEADERS) laid out in G's columns. */
static GPtrArray *
grid_add_source_row (Grid *g, char **src_headers, char **src)
{
  GPtrArray *row = grid_new_row (g);

  for (guint i = 0; src_headers[i] != NULL && src[i] != NULL; i++)
    row_set (row, grid_column (g, src_headers[i]), src[i]);
  return row;
}

/* ---- "changed?" --------------------------------------------------------- */

static gboolean
same_trimmed (const char *cell, const char *value)
{
  g_autofree char *a = g_strstrip (g_strdup (cell != NULL ? cell : ""));
  g_autofree char *b = g_strstrip (g_strdup (value != NULL ? value : ""));
  return strcmp (a, b) == 0;
}

/* Writes plain VALUE over COL unless the cell already says it (as text or
 * as the HTML it was derived from). AS_HTML: write changed text as HTML. */
static void
update_text_cell (GPtrArray *row, int col, const char *value, gboolean as_html)
{
  if (col < 0 || value == NULL)
    return;
  const char *cell = row_get (row, col);
  if (same_trimmed (cell, value))
    return;
  g_autofree char *derived = copyist_html_to_text (cell);
  if (strcmp (derived, value) == 0)
    return;
  if (as_html)
    {
      g_autofree char *html = copyist_text_to_html (value);
      row_set (row, col, html);
    }
  else
    row_set (row, col, value);
}

static void
update_plain_cell (GPtrArray *row, int col, const char *value)
{
  if (col < 0 || value == NULL || same_trimmed (row_get (row, col), value))
    return;
  row_set (row, col, value);
}

/* The description as HTML for a platform: the imported HTML when the text
 * was not changed, else the text as <p> paragraphs. */
static char *
description_html (const CopyistRecord *rec)
{
  if (rec->description == NULL)
    return g_strdup (rec->description_html);
  if (rec->description_html != NULL)
    {
      g_autofree char *derived = copyist_html_to_text (rec->description_html);
      if (strcmp (derived, rec->description) == 0)
        return g_strdup (rec->description_html);
    }
  return copyist_text_to_html (rec->description);
}

/* ---- generic layout (CSV, XLSX, JSON) ----------------------------------- */

static const CopyistField attribute_fields[] = {
  COPYIST_FIELD_BRAND, COPYIST_FIELD_COLOR, COPYIST_FIELD_MATERIAL, COPYIST_FIELD_SIZE, COPYIST_FIELD_PRICE,
};

/* The columns the Shopify / WooCommerce importers read each field from. */
static CopyistMapping *
platform_mapping (const char *platform)
{
  CopyistMapping *m = copyist_mapping_new ();

  if (strcmp (platform, "shopify") == 0)
    {
      copyist_mapping_set (m, "Handle", COPYIST_FIELD_SKU);
      copyist_mapping_set (m, "Title", COPYIST_FIELD_TITLE);
      copyist_mapping_set (m, "Type", COPYIST_FIELD_CATEGORY);
      copyist_mapping_set (m, "Vendor", COPYIST_FIELD_BRAND);
      copyist_mapping_set (m, "Variant Price", COPYIST_FIELD_PRICE);
      copyist_mapping_set (m, "Body (HTML)", COPYIST_FIELD_DESCRIPTION);
      copyist_mapping_set (m, "SEO Title", COPYIST_FIELD_ADCOPY_HEADLINE);
      copyist_mapping_set (m, "SEO Description", COPYIST_FIELD_ADCOPY_BODY);
    }
  else
    {
      copyist_mapping_set (m, "SKU", COPYIST_FIELD_SKU);
      copyist_mapping_set (m, "Name", COPYIST_FIELD_TITLE);
      copyist_mapping_set (m, "Categories", COPYIST_FIELD_CATEGORY);
      copyist_mapping_set (m, "Regular price", COPYIST_FIELD_PRICE);
      copyist_mapping_set (m, "Description", COPYIST_FIELD_DESCRIPTION);
      copyist_mapping_set (m, "Short description", COPYIST_FIELD_ADCOPY_BODY);
    }
  return m;
}

static gboolean
any_record_has (GPtrArray *records, gsize offset)
{
  for (guint i = 0; i < records->len; i++)
    {
      const CopyistRecord *r = g_ptr_array_index (records, i);
      if (G_STRUCT_MEMBER (char *, r, offset) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
layout_generic (GPtrArray *records, const CopyistExportOptions *opts, Grid *g)
{
  char **base = NULL;
  g_autoptr(CopyistMapping) guessed = NULL;
  const CopyistMapping *mapping = opts->mapping;

  const char *platform = NULL;

  for (guint i = 0; i < records->len && base == NULL; i++)
    {
      const CopyistRecord *r = g_ptr_array_index (records, i);
      if (r->source_headers != NULL && r->source_rows->len > 0)
        {
          base = r->source_headers;
          if (g_strcmp0 (r->source_format, "shopify") == 0 || g_strcmp0 (r->source_format, "woocommerce") == 0)
            platform = r->source_format;
        }
    }

  if (base != NULL)
    {
      for (guint i = 0; base[i] != NULL; i++)
        g_ptr_array_add (g->headers, g_strdup (base[i]));
      /* Platform files were imported by their own columns, not a mapping. */
      if (platform != NULL)
        mapping = guessed = platform_mapping (platform);
      else if (mapping == NULL)
        mapping = guessed = copyist_mapping_guess_headers ((const char * const *) base);
    }
  else
    {
      mapping = guessed = copyist_mapping_new ();
      g_ptr_array_add (g->headers, g_strdup ("sku"));
      g_ptr_array_add (g->headers, g_strdup ("title"));
      g_ptr_array_add (g->headers, g_strdup ("category"));
      copyist_mapping_set (guessed, "sku", COPYIST_FIELD_SKU);
      copyist_mapping_set (guessed, "title", COPYIST_FIELD_TITLE);
      copyist_mapping_set (guessed, "category", COPYIST_FIELD_CATEGORY);
    }

  int col_sku = -1, col_title = -1, col_cat = -1, col_desc = -1, col_head = -1, col_body = -1;
  const char *c;
  if ((c = copyist_mapping_get_column (mapping, COPYIST_FIELD_SKU)) != NULL) col_sku = grid_column (g, c);
  if ((c = copyist_mapping_get_column (mapping, COPYIST_FIELD_TITLE)) != NULL) col_title = grid_column (g, c);
  if ((c = copyist_mapping_get_column (mapping, COPYIST_FIELD_CATEGORY)) != NULL) col_cat = grid_column (g, c);
  if ((c = copyist_mapping_get_column (mapping, COPYIST_FIELD_DESCRIPTION)) != NULL) col_desc = grid_column (g, c);
  if ((c = copyist_mapping_get_column (mapping, COPYIST_FIELD_ADCOPY_HEADLINE)) != NULL) col_head = grid_column (g, c);
  if ((c = copyist_mapping_get_column (mapping, COPYIST_FIELD_ADCOPY_BODY)) != NULL) col_body = grid_column (g, c);

  int col_pcat = g_strcmp0 (platform, "shopify") == 0 ? grid_column (g, "Product Category") : -1;

  /* Fields without a column get one, when some product has them. */
  if (col_desc < 0 && any_record_has (records, G_STRUCT_OFFSET (CopyistRecord, description)))
    col_desc = grid_add_column (g, base != NULL ? _("Description") : "description");
  if (col_head < 0 && any_record_has (records, G_STRUCT_OFFSET (CopyistRecord, adcopy_headline)))
    col_head = grid_add_column (g, base != NULL ? _("Ad headline") : "adcopy_headline");
  if (col_body < 0 && any_record_has (records, G_STRUCT_OFFSET (CopyistRecord, adcopy_body)))
    col_body = grid_add_column (g, base != NULL ? _("Ad copy") : "adcopy_body");

  for (guint i = 0; i < records->len; i++)
    {
      const CopyistRecord *rec = g_ptr_array_index (records, i);
      gboolean from_source = rec->source_headers != NULL && rec->source_rows->len > 0;
      GPtrArray *first = NULL;

      if (from_source)
        for (guint k = 0; k < rec->source_rows->len; k++)
          {
            GPtrArray *row = grid_add_source_row (g, rec->source_headers, g_ptr_array_index (rec->source_rows, k));
            if (first == NULL)
              first = row;
          }
      else
        first = grid_new_row (g);

      update_plain_cell (first, col_sku, rec->sku);
      update_plain_cell (first, col_title, rec->title);
      /* A Shopify category may have come from Product Category (Type empty). */
      if (!(col_pcat >= 0 && from_source && same_trimmed (row_get (first, col_pcat), rec->category)))
        update_plain_cell (first, col_cat, rec->category);
      if (col_desc >= 0 && rec->description != NULL)
        {
          const char *cell = row_get (first, col_desc);
          gboolean was_html = copyist_text_looks_like_html (cell);
          update_text_cell (first, col_desc, rec->description, was_html);
        }
      update_text_cell (first, col_head, rec->adcopy_headline, FALSE);
      update_text_cell (first, col_body, rec->adcopy_body, FALSE);

      /* Attributes: mapped attribute columns, then columns named after the key. */
      for (guint a = 0; a < rec->attributes->len; a++)
        {
          const CopyistAttribute *attr = g_ptr_array_index (rec->attributes, a);
          int col = -1;
          for (guint f = 0; f < G_N_ELEMENTS (attribute_fields) && col < 0; f++)
            if (g_ascii_strcasecmp (attr->key, copyist_field_attribute_key (attribute_fields[f])) == 0
                && (c = copyist_mapping_get_column (mapping, attribute_fields[f])) != NULL)
              col = grid_column (g, c);
          if (col < 0)
            col = grid_column (g, attr->key);
          if (col < 0)
            {
              if (from_source)
                continue;   /* derived from the source (Shopify options …): already in the rows */
              col = grid_add_column (g, attr->key);
              first = g_ptr_array_index (g->rows, g->rows->len - 1);
            }
          update_plain_cell (first, col, attr->value);
        }
    }
}

/* ---- Shopify ------------------------------------------------------------ */

static const char * const shopify_columns[] = {
  "Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published",
  "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value", "Option3 Name", "Option3 Value",
  "Variant SKU", "Variant Grams", "Variant Inventory Tracker", "Variant Inventory Qty",
  "Variant Inventory Policy", "Variant Fulfillment Service", "Variant Price", "Variant Compare At Price",
  "Variant Requires Shipping", "Variant Taxable", "Variant Barcode", "Image Src", "Image Position",
  "Image Alt Text", "Gift Card", "SEO Title", "SEO Description",
  "Google Shopping / Google Product Category", "Google Shopping / Gender", "Google Shopping / Age Group",
  "Google Shopping / MPN", "Google Shopping / Condition", "Google Shopping / Custom Product",
  "Variant Image", "Variant Weight Unit", "Variant Tax Code", "Cost per item", "Status", NULL
};

static char *
slugify (const char *s)
{
  g_autofree char *lower = g_utf8_strdown (s != NULL ? s : "", -1);
  GString *out = g_string_new (NULL);
  gboolean dash = FALSE;

  for (const char *p = lower; *p; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);
      if (g_unichar_isalnum (ch))
        {
          if (dash && out->len > 0)
            g_string_append_c (out, '-');
          dash = FALSE;
          g_string_append_unichar (out, ch);
        }
      else
        dash = TRUE;
    }
  if (out->len == 0)
    g_string_append (out, "product");
  return g_string_free (out, FALSE);
}

static void
add_platform_headers (Grid *g, GPtrArray *records, const char *platform, const char * const *standard)
{
  for (guint i = 0; i < records->len; i++)
    {
      const CopyistRecord *r = g_ptr_array_index (records, i);
      if (g_strcmp0 (r->source_format, platform) == 0 && r->source_headers != NULL)
        for (guint k = 0; r->source_headers[k] != NULL; k++)
          grid_add_column (g, r->source_headers[k]);
    }
  for (guint k = 0; standard[k] != NULL; k++)
    grid_add_column (g, standard[k]);
}

static void
layout_shopify (GPtrArray *records, const CopyistExportOptions *opts, Grid *g)
{
  gboolean seo = opts->adcopy_target == COPYIST_ADCOPY_DEFAULT || opts->adcopy_target == COPYIST_ADCOPY_SEO;
  g_autoptr(GHashTable) handles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  add_platform_headers (g, records, "shopify", shopify_columns);
  int col_handle = grid_column (g, "Handle"), col_title = grid_column (g, "Title");
  int col_body = grid_column (g, "Body (HTML)"), col_vendor = grid_column (g, "Vendor");
  int col_type = grid_column (g, "Type"), col_pcat = grid_column (g, "Product Category");
  int col_tags = grid_column (g, "Tags"), col_seo_t = grid_column (g, "SEO Title");
  int col_seo_d = grid_column (g, "SEO Description"), col_sku = grid_column (g, "Variant SKU");
  int col_price = grid_column (g, "Variant Price");

  for (guint i = 0; i < records->len; i++)
    {
      const CopyistRecord *rec = g_ptr_array_index (records, i);
      GPtrArray *first;
      g_autofree char *html = description_html (rec);

      if (g_strcmp0 (rec->source_format, "shopify") == 0 && rec->source_headers != NULL && rec->source_rows->len > 0)
        {
          first = NULL;
          for (guint k = 0; k < rec->source_rows->len; k++)
            {
              GPtrArray *row = grid_add_source_row (g, rec->source_headers, g_ptr_array_index (rec->source_rows, k));
              if (first == NULL)
                first = row;
            }
          g_hash_table_add (handles, g_strdup (row_get (first, col_handle)));
          update_plain_cell (first, col_title, rec->title);
          /* Unchanged text keeps the imported cell (HTML or plain) verbatim. */
          update_text_cell (first, col_body, rec->description, TRUE);
          if (rec->category != NULL && !same_trimmed (row_get (first, col_type), rec->category)
              && !same_trimmed (row_get (first, col_pcat), rec->category))
            row_set (first, col_type, rec->category);
          update_plain_cell (first, col_vendor, copyist_record_get_attribute (rec, COPYIST_KEY_BRAND));
        }
      else
        {
          /* A product from elsewhere: one row, one default variant. */
          g_autofree char *slug = slugify (rec->sku != NULL ? rec->sku : rec->title);
          g_autofree char *handle = g_strdup (slug);
          for (guint n = 2; g_hash_table_contains (handles, handle); n++)
            {
              g_free (handle);
              handle = g_strdup_printf ("%s-%u", slug, n);
            }
          g_hash_table_add (handles, g_strdup (handle));
          first = grid_new_row (g);
          row_set (first, col_handle, handle);
          row_set (first, col_title, rec->title);
          row_set (first, col_body, html);
          row_set (first, col_vendor, copyist_record_get_attribute (rec, COPYIST_KEY_BRAND));
          row_set (first, col_type, rec->category);
          row_set (first, col_tags, copyist_record_get_attribute (rec, "tags"));
          row_set (first, grid_column (g, "Published"), "TRUE");
          row_set (first, grid_column (g, "Option1 Name"), "Title");
          row_set (first, grid_column (g, "Option1 Value"), "Default Title");
          row_set (first, col_sku, rec->sku);
          row_set (first, col_price, copyist_record_get_attribute (rec, COPYIST_KEY_PRICE));
          row_set (first, grid_column (g, "Variant Inventory Policy"), "deny");
          row_set (first, grid_column (g, "Variant Fulfillment Service"), "manual");
          row_set (first, grid_column (g, "Variant Requires Shipping"), "TRUE");
          row_set (first, grid_column (g, "Variant Taxable"), "TRUE");
          row_set (first, grid_column (g, "Gift Card"), "FALSE");
          row_set (first, grid_column (g, "Status"), "active");
        }
      if (seo)
        {
          update_text_cell (first, col_seo_t, rec->adcopy_headline, FALSE);
          update_text_cell (first, col_seo_d, rec->adcopy_body, FALSE);
        }
    }
}

/* ---- WooCommerce -------------------------------------------------------- */

static const char * const woo_columns[] = {
  "ID", "Type", "SKU", "Name", "Published", "Is featured?", "Visibility in catalog", "Short description",
  "Description", "Date sale price starts", "Date sale price ends", "Tax status", "Tax class", "In stock?",
  "Stock", "Backorders allowed?", "Sold individually?", "Weight (lbs)", "Length (in)", "Width (in)",
  "Height (in)", "Allow customer reviews?", "Purchase note", "Sale price", "Regular price", "Categories",
  "Tags", "Shipping class", "Images", "Parent", "Grouped products", "Upsells", "Cross-sells",
  "External URL", "Button text", "Position", NULL
};

static gboolean
woo_attribute_key_is_column (const char *key)
{
  return g_ascii_strcasecmp (key, COPYIST_KEY_PRICE) == 0 || g_ascii_strcasecmp (key, "tags") == 0;
}

static void
layout_woocommerce (GPtrArray *records, const CopyistExportOptions *opts, Grid *g)
{
  gboolean short_desc = opts->adcopy_target == COPYIST_ADCOPY_DEFAULT
                        || opts->adcopy_target == COPYIST_ADCOPY_SHORT_DESCRIPTION;
  gboolean seo = opts->adcopy_target == COPYIST_ADCOPY_SEO;
  guint max_attrs = 0;

  add_platform_headers (g, records, "woocommerce", woo_columns);
  for (guint i = 0; i < records->len; i++)
    {
      const CopyistRecord *r = g_ptr_array_index (records, i);
      guint n = 0;
      if (g_strcmp0 (r->source_format, "woocommerce") == 0)
        continue;
      for (guint a = 0; a < r->attributes->len; a++)
        n += !woo_attribute_key_is_column (((CopyistAttribute *) g_ptr_array_index (r->attributes, a))->key);
      max_attrs = MAX (max_attrs, n);
    }
  for (guint n = 1; n <= max_attrs; n++)
    {
      const char *parts[] = { "name", "value(s)", "visible", "global" };
      for (guint k = 0; k < G_N_ELEMENTS (parts); k++)
        {
          g_autofree char *h = g_strdup_printf ("Attribute %u %s", n, parts[k]);
          grid_add_column (g, h);
        }
    }
  if (seo)
    {
      grid_add_column (g, "Meta: _yoast_wpseo_title");
      grid_add_column (g, "Meta: _yoast_wpseo_metadesc");
    }

  int col_name = grid_column (g, "Name"), col_desc = grid_column (g, "Description");
  int col_short = grid_column (g, "Short description"), col_cats = grid_column (g, "Categories");
  int col_sku = grid_column (g, "SKU");

  for (guint i = 0; i < records->len; i++)
    {
      const CopyistRecord *rec = g_ptr_array_index (records, i);
      GPtrArray *first = NULL;
      g_autofree char *html = description_html (rec);

      if (g_strcmp0 (rec->source_format, "woocommerce") == 0 && rec->source_headers != NULL
          && rec->source_rows->len > 0)
        {
          for (guint k = 0; k < rec->source_rows->len; k++)
            {
              GPtrArray *row = grid_add_source_row (g, rec->source_headers, g_ptr_array_index (rec->source_rows, k));
              if (first == NULL)
                first = row;
            }
          update_plain_cell (first, col_name, rec->title);
          update_plain_cell (first, col_cats, rec->category);
          update_text_cell (first, col_desc, rec->description, TRUE);
        }
      else
        {
          guint n = 0;
          first = grid_new_row (g);
          row_set (first, grid_column (g, "Type"), "simple");
          row_set (first, col_sku, rec->sku);
          row_set (first, col_name, rec->title);
          row_set (first, grid_column (g, "Published"), "1");
          row_set (first, grid_column (g, "Is featured?"), "0");
          row_set (first, grid_column (g, "Visibility in catalog"), "visible");
          row_set (first, col_desc, html);
          row_set (first, grid_column (g, "Tax status"), "taxable");
          row_set (first, grid_column (g, "In stock?"), "1");
          row_set (first, grid_column (g, "Allow customer reviews?"), "1");
          row_set (first, grid_column (g, "Regular price"), copyist_record_get_attribute (rec, COPYIST_KEY_PRICE));
          row_set (first, col_cats, rec->category);
          row_set (first, grid_column (g, "Tags"), copyist_record_get_attribute (rec, "tags"));
          for (guint a = 0; a < rec->attributes->len; a++)
            {
              const CopyistAttribute *attr = g_ptr_array_index (rec->attributes, a);
              if (woo_attribute_key_is_column (attr->key))
                continue;
              n++;
              g_autofree char *hn = g_strdup_printf ("Attribute %u name", n);
              g_autofree char *hv = g_strdup_printf ("Attribute %u value(s)", n);
              g_autofree char *hvis = g_strdup_printf ("Attribute %u visible", n);
              g_autofree char *hg = g_strdup_printf ("Attribute %u global", n);
              row_set (first, grid_column (g, hn), attr->key);
              row_set (first, grid_column (g, hv), attr->value);
              row_set (first, grid_column (g, hvis), "1");
              row_set (first, grid_column (g, hg), "0");
            }
        }
      if (short_desc && rec->adcopy_body != NULL)
        update_text_cell (first, col_short, rec->adcopy_body, TRUE);
      if (seo)
        {
          update_text_cell (first, grid_column (g, "Meta: _yoast_wpseo_title"), rec->adcopy_headline, FALSE);
          update_text_cell (first, grid_column (g, "Meta: _yoast_wpseo_metadesc"), rec->adcopy_body, FALSE);
        }
    }
}

/* ---- writers ------------------------------------------------------------ */

static gboolean
is_plain_number (const char *s)
{
  const char *p = s;
  gboolean digits = FALSE;

  if (*p == '+' || *p == '-')
    p++;
  while (g_ascii_isdigit (*p))
    p++, digits = TRUE;
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++)
      digits = TRUE;
  if (digits && (*p == 'e' || *p == 'E'))
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  return digits && *p == '\0';
}

static void
append_csv_cell (GString *out, const char *value, gboolean neutralise)
{
  gboolean formula = neutralise && value[0] != '\0' && strchr ("=+-@\t\r", value[0]) != NULL
                     && !is_plain_number (value);
  gboolean quote = formula || strpbrk (value, ",\"\r\n") != NULL;

  if (!quote)
    {
      g_string_append (out, value);
      return;
    }
  g_string_append_c (out, '"');
  if (formula)
    g_string_append_c (out, '\'');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

char *
copyist_export_csv_cell (const char *value, gboolean neutralise_formulas)
{
  GString *out = g_string_new (NULL);
  append_csv_cell (out, value != NULL ? value : "", neutralise_formulas);
  return g_string_free (out, FALSE);
}

static GString *
grid_to_csv (Grid *g, const CopyistExportOptions *opts)
{
  GString *out = g_string_sized_new (1 << 16);

  if (opts->bom)
    g_string_append (out, "\xef\xbb\xbf");
  for (guint c = 0; c < g->headers->len; c++)
    {
      if (c > 0)
        g_string_append_c (out, ',');
      append_csv_cell (out, g_ptr_array_index (g->headers, c), opts->neutralise_formulas);
    }
  g_string_append (out, "\r\n");
  for (guint r = 0; r < g->rows->len; r++)
    {
      GPtrArray *row = g_ptr_array_index (g->rows, r);
      for (guint c = 0; c < row->len; c++)
        {
          if (c > 0)
            g_string_append_c (out, ',');
          append_csv_cell (out, g_ptr_array_index (row, c), opts->neutralise_formulas);
        }
      g_string_append (out, "\r\n");
    }
  return out;
}

static void
json_add_string_or_null (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static GString *
records_to_json (GPtrArray *records)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  gsize len = 0;

  json_builder_begin_array (b);
  for (guint i = 0; i < records->len; i++)
    {
      const CopyistRecord *r = g_ptr_array_index (records, i);
      json_builder_begin_object (b);
      json_add_string_or_null (b, "sku", r->sku);
      json_add_string_or_null (b, "title", r->title);
      json_add_string_or_null (b, "category", r->category);
      json_add_string_or_null (b, "language", r->language);
      json_builder_set_member_name (b, "attributes");
      json_builder_begin_object (b);
      for (guint a = 0; a < r->attributes->len; a++)
        {
          const CopyistAttribute *attr = g_ptr_array_index (r->attributes, a);
          json_builder_set_member_name (b, attr->key);
          json_builder_add_string_value (b, attr->value);
        }
      json_builder_end_object (b);
      json_add_string_or_null (b, "description", r->description);
      json_add_string_or_null (b, "description_html", r->description_html);
      json_add_string_or_null (b, "adcopy_headline", r->adcopy_headline);
      json_add_string_or_null (b, "adcopy_body", r->adcopy_body);
      json_add_string_or_null (b, "source_format", r->source_format);
      /* Every source row, cell for cell, so nothing of the original is lost. */
      json_builder_set_member_name (b, "source_rows");
      json_builder_begin_array (b);
      for (guint k = 0; r->source_headers != NULL && k < r->source_rows->len; k++)
        {
          char **row = g_ptr_array_index (r->source_rows, k);
          json_builder_begin_object (b);
          for (guint c = 0; r->source_headers[c] != NULL && row[c] != NULL; c++)
            {
              json_builder_set_member_name (b, r->source_headers[c]);
              json_builder_add_string_value (b, row[c]);
            }
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  char *data = json_generator_to_data (gen, &len);
  GString *out = g_string_new (data);
  g_free (data);
  g_string_append_c (out, '\n');
  return out;
}

static gboolean
write_atomically (GFile *out, const GString *data, GError **error)
{
  g_autofree char *path = g_file_get_path (out);
  g_autoptr(GError) local = NULL;

  if (path == NULL)
    {
      g_set_error (error, COPYIST_EXPORT_ERROR, COPYIST_EXPORT_ERROR_WRITE, _("Copyist exports to local files only"));
      return FALSE;
    }
  /* Temporary file in the same folder, fsync, rename: a failed export never
   * leaves half a file, and an existing file stays as it was. */
  if (!g_file_set_contents_full (path, data->str, (gssize) data->len, G_FILE_SET_CONTENTS_CONSISTENT, 0666, &local))
    {
      g_set_error (error, COPYIST_EXPORT_ERROR, COPYIST_EXPORT_ERROR_WRITE, _("Cannot write %s: %s"), path,
                   local->message);
      return FALSE;
    }
  return TRUE;
}

/* fsync of a finished temporary file; SHOWN is the name in the message. */
static gboolean
sync_file (const char *file, GError **error, const char *shown)
{
  int fd = g_open (file, O_RDONLY | O_CLOEXEC, 0);
  int e = 0;

  if (fd < 0)
    e = errno;
  else
    {
      if (fsync (fd) != 0 && errno != EINVAL)   /* EINVAL: a file system without fsync */
        e = errno;
      close (fd);
    }
  if (e != 0)
    {
      g_set_error (error, COPYIST_EXPORT_ERROR, COPYIST_EXPORT_ERROR_WRITE, _("Cannot write %s: %s"), shown,
                   g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

/* The rename itself reaches the disk with the folder's fsync (best effort:
 * some file systems refuse a folder fsync, and the file is complete). */
static void
sync_folder (const char *dir)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd >= 0)
    {
      (void) fsync (fd);
      close (fd);
    }
}

static gboolean
write_xlsx (Grid *g, const CopyistExportOptions *opts, GFile *out, GCancellable *cancellable, GError **error)
{
  g_autofree char *path = g_file_get_path (out);
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp = NULL;
  lxw_workbook_options wopts = { 0 };
  lxw_workbook *wb;
  lxw_worksheet *ws;
  lxw_error err = LXW_NO_ERROR;
  int fd;

  if (path == NULL)
    {
      g_set_error (error, COPYIST_EXPORT_ERROR, COPYIST_EXPORT_ERROR_WRITE, _("Copyist exports to local files only"));
      return FALSE;
    }
  if (g->rows->len + 1 > LXW_ROW_MAX || g->headers->len > LXW_COL_MAX)
    {
      g_set_error (error, COPYIST_EXPORT_ERROR, COPYIST_EXPORT_ERROR_INVALID,
                   _("%u rows × %u columns do not fit in an Excel sheet (at most %u × %u); export CSV instead"),
                   g->rows->len + 1, g->headers->len, (guint) LXW_ROW_MAX, (guint) LXW_COL_MAX);
      return FALSE;
    }
  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  fd = g_mkstemp_full (tmp, O_RDWR, 0644);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, COPYIST_EXPORT_ERROR, COPYIST_EXPORT_ERROR_WRITE, _("Cannot write in %s: %s"), dir,
                   g_strerror (e));
      return FALSE;
    }
  close (fd);

  wopts.constant_memory = LXW_TRUE;   /* rows stream to disk: memory stays flat */
  wopts.tmpdir = dir;
  wb = workbook_new_opt (tmp, &wopts);
  if (wb == NULL)
    {
      g_unlink (tmp);
      g_set_error (error, COPYIST_EXPORT_ERROR, COPYIST_EXPORT_ERROR_WRITE, _("Cannot create %s"), path);
      return FALSE;
    }
  ws = workbook_add_worksheet (wb, opts->sheet_name != NULL ? opts->sheet_name : "Products");
  for (guint c = 0; c < g->headers->len && err == LXW_NO_ERROR; c++)
    err = worksheet_write_string (ws, 0, (lxw_col_t) c, g_ptr_array_index (g->headers, c), NULL);
  for (guint r = 0; r < g->rows->len && err == LXW_NO_ERROR; r++)
    {
      GPtrArray *row = g_ptr_array_index (g->rows, r);
      if ((r & 4095) == 0 && g_cancellable_is_cancelled (cancellable))
        break;
      for (guint c = 0; c < row->len && err == LXW_NO_ERROR; c++)
        {
          const char *v = g_ptr_array_index (row, c);
          if (v[0] == '\0')
            continue;
          /* Always a string cell: "00123" and "4006381333931" stay text. */
          err = worksheet_write_string (ws, (lxw_row_t) (r + 1), (lxw_col_t) c, v, NULL);
          if (err != LXW_NO_ERROR)
            {
              char letters[8] = { 0 };
              lxw_col_to_name (letters, (lxw_col_t) c, 0);
              g_set_error (error, COPYIST_EXPORT_ERROR, COPYIST_EXPORT_ERROR_INVALID,
                           _("Row %u, column %s: %s (Excel holds at most 32 767 characters in a cell); export CSV instead"),
                           r + 2, letters, lxw_strerror (err));
            }
        }
    }
  if (err != LXW_NO_ERROR || g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      workbook_close (wb);
      g_unlink (tmp);
      return FALSE;
    }
  err = workbook_close (wb);
  if (err != LXW_NO_ERROR)
    {
      g_unlink (tmp);
      g_set_error (error, COPYIST_EXPORT_ERROR, COPYIST_EXPORT_ERROR_WRITE, _("Cannot write %s: %s"), path,
                   lxw_strerror (err));
      return FALSE;
    }
  /* libxlsxwriter closes its zip without syncing it: the bytes go to disk
   * before the rename, or a crash right after could leave an empty file
   * where the merchant's old export was. */
  if (!sync_file (tmp, error, path))
    {
      g_unlink (tmp);
      return FALSE;
    }
  if (g_rename (tmp, path) != 0)
    {
      int e = errno;
      g_unlink (tmp);
      g_set_error (error, COPYIST_EXPORT_ERROR, COPYIST_EXPORT_ERROR_WRITE, _("Cannot write %s: %s"), path,
                   g_strerror (e));
      return FALSE;
    }
  sync_folder (dir);
  return TRUE;
}

gboolean
copyist_export_write (GPtrArray *records, const CopyistExportOptions *opts_in, GFile *out,
                      GCancellable *cancellable, GError **error)
{
  CopyistExportOptions defaults;
  const CopyistExportOptions *opts = opts_in;
  Grid g;
  gboolean ok;

  if (opts == NULL)
    {
      copyist_export_options_init (&defaults);
      opts = &defaults;
    }
  if (records == NULL || records->len == 0)
    {
      g_set_error_literal (error, COPYIST_EXPORT_ERROR, COPYIST_EXPORT_ERROR_NOTHING,
                           _("There are no products to export"));
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (opts->format == COPYIST_EXPORT_JSON)
    {
      g_autoptr(GString) data = records_to_json (records);
      return write_atomically (out, data, error);
    }

  grid_init (&g);
  switch (opts->format)
    {
    case COPYIST_EXPORT_SHOPIFY:
      layout_shopify (records, opts, &g);
      break;
    case COPYIST_EXPORT_WOOCOMMERCE:
      layout_woocommerce (records, opts, &g);
      break;
    case COPYIST_EXPORT_CSV:
    case COPYIST_EXPORT_XLSX:
    case COPYIST_EXPORT_JSON:
    default:
      layout_generic (records, opts, &g);
      break;
    }

  if (opts->format == COPYIST_EXPORT_XLSX)
    ok = write_xlsx (&g, opts, out, cancellable, error);
  else
    {
      g_autoptr(GString) data = grid_to_csv (&g, opts);
      ok = !g_cancellable_set_error_if_cancelled (cancellable, error) && write_atomically (out, data, error);
    }
  grid_clear (&g);
  return ok;
}
