/* copyist-import.c — rows to products: generic tables, Shopify and
 * WooCommerce product CSVs, packed attribute columns (E2E, AdvertiseGen). */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "engine.h"
#include "copyist-import.h"

G_DEFINE_QUARK (copyist-import-error-quark, copyist_import_error)

const char *
copyist_import_flavor_to_string (CopyistImportFlavor flavor)
{
  switch (flavor)
    {
    case COPYIST_IMPORT_FLAVOR_GENERIC:     return "generic";
    case COPYIST_IMPORT_FLAVOR_SHOPIFY:     return "shopify";
    case COPYIST_IMPORT_FLAVOR_WOOCOMMERCE: return "woocommerce";
    case COPYIST_IMPORT_FLAVOR_AUTO:
    default:
      return "auto";
    }
}

static gboolean
has (const CopyistTable *t, const char *name)
{
  for (guint i = 0; i < t->n_columns; i++)
    if (g_ascii_strcasecmp (t->headers[i], name) == 0)
      return TRUE;
  return FALSE;
}

CopyistImportFlavor
copyist_import_detect_flavor (const CopyistTable *table)
{
  if (has (table, "Handle") && (has (table, "Body (HTML)") || has (table, "Variant SKU") || has (table, "Title")))
    return COPYIST_IMPORT_FLAVOR_SHOPIFY;
  if (has (table, "Type") && has (table, "SKU") && has (table, "Name")
      && (has (table, "Attribute 1 name") || has (table, "Parent")))
    return COPYIST_IMPORT_FLAVOR_WOOCOMMERCE;
  return COPYIST_IMPORT_FLAVOR_GENERIC;
}

/* ---- the report --------------------------------------------------------- */

static void
problem_free (CopyistImportProblem *p)
{
  g_free (p->column);
  g_free (p->reason);
  g_free (p);
}

void
copyist_row_report_init (CopyistRowReport *report)
{
  memset (report, 0, sizeof *report);
  report->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) problem_free);
}

void
copyist_row_report_clear (CopyistRowReport *report)
{
  g_clear_pointer (&report->problems, g_ptr_array_unref);
}

char *
copyist_row_report_summary (const CopyistRowReport *report)
{
  return g_strdup_printf (_("%u rows: %u imported, %u updated, %u skipped, %u failed"),
                          report->rows, report->imported, report->updated, report->skipped, report->failed);
}

static void report_problem (CopyistRowReport *report, guint line, const char *column,
                            CopyistRowOutcome outcome, const char *format, ...) G_GNUC_PRINTF (5, 6);

static void
report_problem (CopyistRowReport *report, guint line, const char *column, CopyistRowOutcome outcome,
                const char *format, ...)
{
  CopyistImportProblem *p = g_new0 (CopyistImportProblem, 1);
  va_list args;

  p->line = line;
  p->column = g_strdup (column);
  p->outcome = outcome;
  va_start (args, format);
  p->reason = g_strdup_vprintf (format, args);
  va_end (args);
  if (outcome == COPYIST_ROW_SKIPPED)
    report->skipped++;
  else
    report->failed++;
  g_ptr_array_add (report->problems, p);
}

/* ---- shared helpers ----------------------------------------------------- */

static char **
row_strv (const CopyistTable *t, const CopyistTableRow *row)
{
  char **v = g_new (char *, t->n_columns + 1);

  for (guint c = 0; c < t->n_columns; c++)
    v[c] = g_strdup (row->cells[c]);
  v[t->n_columns] = NULL;
  return v;
}

static gboolean
blank (const char *s)
{
  if (s == NULL)
    return TRUE;
  for (; *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

static char *
trimmed (const char *s)
{
  return g_strstrip (g_strdup (s));
}

/* Attribute key for a header or option name: the canonical key when the
 * name is a known synonym (颜色 → color), else the name itself. */
static char *
attribute_key (const char *name)
{
  const char *key = copyist_field_attribute_key (copyist_field_guess (name));
  return key != NULL ? g_strdup (key) : trimmed (name);
}

/* Adds VALUE to attribute KEY; a second distinct value is appended ("Red, Blue"). */
static void
add_attribute_value (CopyistRecord *rec, const char *key, const char *value)
{
  g_autofree char *owned = NULL;
  const char *v = value;
  const char *old;
  gsize len = strlen (value);

  if (len == 0 || key == NULL || key[0] == '\0')
    return;
  if (g_ascii_isspace (value[0]) || g_ascii_isspace (value[len - 1]))
    v = owned = trimmed (value);
  if (v[0] == '\0')
    return;
  old = copyist_record_get_attribute (rec, key);
  if (old == NULL)
    {
      copyist_record_set_attribute (rec, key, v);
      return;
    }
  g_auto(GStrv) parts = g_strsplit (old, ", ", -1);
  if (g_strv_contains ((const char * const *) parts, v))
    return;
  g_autofree char *joined = g_strconcat (old, ", ", v, NULL);
  copyist_record_set_attribute (rec, key, joined);
}

static void
set_description (CopyistRecord *rec, const char *cell)
{
  if (blank (cell))
    return;
  g_clear_pointer (&rec->description, g_free);
  g_clear_pointer (&rec->description_html, g_free);
  rec->description = copyist_html_to_text (cell);
  /* HTML is kept verbatim: export writes it back when the text is unchanged
   * (a plain-text cell is in the source row already). */
  if (copyist_text_looks_like_html (cell))
    rec->description_html = g_strdup (cell);
}

static void
set_text (char **slot, const char *cell)
{
  if (blank (cell))
    return;
  g_free (*slot);
  *slot = copyist_html_to_text (cell);
}

static void
finish_language (CopyistRecord *rec)
{
  g_autoptr(GString) all = g_string_new (NULL);

  if (rec->language != NULL)
    return;
  if (rec->title != NULL)
    g_string_append_printf (all, "%s\n", rec->title);
  if (rec->description != NULL)
    g_string_append_printf (all, "%s\n", rec->description);
  if (rec->adcopy_body != NULL)
    g_string_append_printf (all, "%s\n", rec->adcopy_body);
  if (all->len == 0)
    for (guint i = 0; i < rec->attributes->len; i++)
      g_string_append_printf (all, "%s\n", ((CopyistAttribute *) g_ptr_array_index (rec->attributes, i))->value);
  rec->language = g_strdup (copyist_guess_language (all->str));
}

/* Unpacks "key[value], …" / "key#value*…" with the engine's parser. */
static gboolean
add_attribute_list (CopyistRecord *rec, const char *cell, char **why)
{
  CeAttrs attrs;
  char msg[CE_MSG_SIZE] = { 0 };
  CeStatus st;

  if (blank (cell))
    return TRUE;
  ce_attrs_init (&attrs);
  st = ce_attrs_parse (&attrs, cell, CE_ATTRS_AUTO, msg);
  if (st != CE_OK)
    {
      *why = g_strdup (msg[0] ? msg : ce_status_to_string (st));
      ce_attrs_clear (&attrs);
      return FALSE;
    }
  for (int i = 0; i < attrs.n; i++)
    {
      g_autofree char *key = attribute_key (attrs.items[i].key);
      add_attribute_value (rec, key, attrs.items[i].value);
    }
  ce_attrs_clear (&attrs);
  return TRUE;
}

/* ---- generic tables ----------------------------------------------------- */

static GPtrArray *
import_generic (const CopyistTable *t, const CopyistMapping *mapping, CopyistRowReport *report,
                GError **error)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_record_free);
  g_autofree CopyistField *fields = g_new (CopyistField, t->n_columns);
  g_autoptr(GHashTable) sku_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean keep_unknown = copyist_mapping_get_keep_unknown (mapping);
  int sku_col = -1;
  const char *source_format = copyist_file_format_to_string (t->format);

  for (guint c = 0; c < t->n_columns; c++)
    {
      fields[c] = copyist_mapping_get (mapping, t->headers[c]);
      if (fields[c] == COPYIST_FIELD_SKU)
        sku_col = (int) c;
    }

  for (guint r = 0; r < t->rows->len; r++)
    {
      const CopyistTableRow *row = g_ptr_array_index (t->rows, r);
      g_autoptr(CopyistRecord) rec = copyist_record_new ();
      gboolean failed = FALSE;

      report->rows++;
      if (sku_col >= 0 && !blank (row->cells[sku_col]))
        {
          g_autofree char *sku = trimmed (row->cells[sku_col]);
          gpointer first = g_hash_table_lookup (sku_lines, sku);
          if (first != NULL)
            {
              report_problem (report, row->line, t->headers[sku_col], COPYIST_ROW_SKIPPED,
                              _("Line %u: SKU “%s” was already used on line %u; this row is skipped"),
                              row->line, sku, GPOINTER_TO_UINT (first));
              continue;
            }
          g_hash_table_insert (sku_lines, g_steal_pointer (&sku), GUINT_TO_POINTER (row->line));
        }

      for (guint c = 0; c < t->n_columns && !failed; c++)
        {
          const char *cell = row->cells[c];
          switch (fields[c])
            {
            case COPYIST_FIELD_NONE:
              break;
            case COPYIST_FIELD_SKU:
              if (!blank (cell))
                rec->sku = trimmed (cell);
              break;
            case COPYIST_FIELD_TITLE:
              if (!blank (cell))
                rec->title = trimmed (cell);
              break;
            case COPYIST_FIELD_CATEGORY:
              if (!blank (cell))
                rec->category = trimmed (cell);
              break;
            case COPYIST_FIELD_BRAND:
            case COPYIST_FIELD_COLOR:
            case COPYIST_FIELD_MATERIAL:
            case COPYIST_FIELD_SIZE:
            case COPYIST_FIELD_PRICE:
              add_attribute_value (rec, copyist_field_attribute_key (fields[c]), cell);
              break;
            case COPYIST_FIELD_DESCRIPTION:
              set_description (rec, cell);
              break;
            case COPYIST_FIELD_ADCOPY_HEADLINE:
              set_text (&rec->adcopy_headline, cell);
              break;
            case COPYIST_FIELD_ADCOPY_BODY:
              set_text (&rec->adcopy_body, cell);
              break;
            case COPYIST_FIELD_ATTRIBUTE:
              add_attribute_value (rec, t->headers[c], cell);
              break;
            case COPYIST_FIELD_ATTRIBUTE_LIST:
              {
                g_autofree char *why = NULL;
                if (!add_attribute_list (rec, cell, &why))
                  {
                    report_problem (report, row->line, t->headers[c], COPYIST_ROW_FAILED,
                                    _("Line %u, column “%s”: the attribute list cannot be read: %s"),
                                    row->line, t->headers[c], why);
                    failed = TRUE;
                  }
              }
              break;
            case COPYIST_N_FIELDS:
            default:
              if (keep_unknown)
                add_attribute_value (rec, t->headers[c], cell);
              break;
            }
        }
      if (failed)
        continue;

      /* E2E/AdvertiseGen rows have no title column: the "name" attribute is one. */
      if (rec->title == NULL)
        {
          const char *name = copyist_record_get_attribute (rec, "name");
          if (name == NULL)
            name = copyist_record_get_attribute (rec, "名称");
          if (name != NULL)
            rec->title = g_strdup (name);
        }
      if (rec->title == NULL && rec->sku == NULL && rec->attributes->len == 0 && rec->description == NULL)
        {
          report_problem (report, row->line, NULL, COPYIST_ROW_SKIPPED,
                          _("Line %u has no title, SKU, attributes or description in the mapped columns; "
                            "there is nothing to write about"), row->line);
          continue;
        }
      rec->source_headers = g_strdupv (t->headers);
      g_ptr_array_add (rec->source_rows, row_strv (t, row));
      rec->source_format = g_strdup (source_format);
      finish_language (rec);
      g_ptr_array_add (records, g_steal_pointer (&rec));
    }
  return records;
}

/* ---- Shopify ------------------------------------------------------------ */

typedef struct {
  int handle, title, body, vendor, product_category, type, tags, seo_title, seo_desc, price, sku;
  int opt_name[3], opt_value[3];
} ShopifyColumns;

static const char *
cell_at (const CopyistTableRow *row, int col)
{
  return col >= 0 ? row->cells[col] : "";
}

static GPtrArray *
import_shopify (const CopyistTable *t, CopyistRowReport *report, GError **error)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_record_free);
  g_autoptr(GHashTable) by_handle = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) first_lines = g_array_new (FALSE, FALSE, sizeof (guint));
  ShopifyColumns c;

  c.handle = copyist_table_find_column (t, "Handle");
  c.title = copyist_table_find_column (t, "Title");
  c.body = copyist_table_find_column (t, "Body (HTML)");
  c.vendor = copyist_table_find_column (t, "Vendor");
  c.product_category = copyist_table_find_column (t, "Product Category");
  c.type = copyist_table_find_column (t, "Type");
  c.tags = copyist_table_find_column (t, "Tags");
  c.seo_title = copyist_table_find_column (t, "SEO Title");
  c.seo_desc = copyist_table_find_column (t, "SEO Description");
  c.price = copyist_table_find_column (t, "Variant Price");
  c.sku = copyist_table_find_column (t, "Variant SKU");
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *n = g_strdup_printf ("Option%d Name", i + 1);
      g_autofree char *v = g_strdup_printf ("Option%d Value", i + 1);
      c.opt_name[i] = copyist_table_find_column (t, n);
      c.opt_value[i] = copyist_table_find_column (t, v);
    }

  for (guint r = 0; r < t->rows->len; r++)
    {
      const CopyistTableRow *row = g_ptr_array_index (t->rows, r);
      g_autofree char *handle = trimmed (cell_at (row, c.handle));
      CopyistRecord *rec;

      report->rows++;
      if (handle[0] == '\0')
        {
          report_problem (report, row->line, "Handle", COPYIST_ROW_FAILED,
                          _("Line %u has no Handle, so it belongs to no product"), row->line);
          continue;
        }
      rec = g_hash_table_lookup (by_handle, handle);
      if (rec == NULL)
        {
          rec = copyist_record_new ();
          rec->sku = g_strdup (handle);
          rec->source_headers = g_strdupv (t->headers);
          rec->source_format = g_strdup ("shopify");
          g_hash_table_insert (by_handle, g_strdup (handle), rec);
          g_ptr_array_add (records, rec);
          g_array_append_val (first_lines, row->line);
        }
      else if (!blank (cell_at (row, c.sku)) || !blank (cell_at (row, c.opt_value[0])))
        report->variants++;
      g_ptr_array_add (rec->source_rows, row_strv (t, row));

      /* Product-level fields come from the first row that has them. */
      if (rec->title == NULL && !blank (cell_at (row, c.title)))
        rec->title = trimmed (cell_at (row, c.title));
      if (rec->description_html == NULL)
        set_description (rec, cell_at (row, c.body));
      if (rec->category == NULL && !blank (cell_at (row, c.type)))
        rec->category = trimmed (cell_at (row, c.type));
      if (rec->category == NULL && !blank (cell_at (row, c.product_category)))
        rec->category = trimmed (cell_at (row, c.product_category));
      if (rec->adcopy_headline == NULL)
        set_text (&rec->adcopy_headline, cell_at (row, c.seo_title));
      if (rec->adcopy_body == NULL)
        set_text (&rec->adcopy_body, cell_at (row, c.seo_desc));
      if (copyist_record_get_attribute (rec, COPYIST_KEY_BRAND) == NULL)
        add_attribute_value (rec, COPYIST_KEY_BRAND, cell_at (row, c.vendor));
      if (copyist_record_get_attribute (rec, COPYIST_KEY_PRICE) == NULL)
        add_attribute_value (rec, COPYIST_KEY_PRICE, cell_at (row, c.price));
      if (copyist_record_get_attribute (rec, "tags") == NULL)
        add_attribute_value (rec, "tags", cell_at (row, c.tags));

      /* Options: the names are on the product's first row, values on every variant. */
      for (int i = 0; i < 3; i++)
        {
          const char *value = cell_at (row, c.opt_value[i]);
          if (blank (value))
            continue;
          const char *name = NULL;
          /* The option's name: this row, else the product's first row. */
          if (!blank (cell_at (row, c.opt_name[i])))
            name = cell_at (row, c.opt_name[i]);
          else
            {
              char **src0 = g_ptr_array_index (rec->source_rows, 0);
              if (c.opt_name[i] >= 0 && !blank (src0[c.opt_name[i]]))
                name = src0[c.opt_name[i]];
            }
          if (name == NULL)
            continue;
          /* Shopify's placeholder for products without options. */
          if (strcmp (name, "Title") == 0 && strcmp (value, "Default Title") == 0)
            continue;
          g_autofree char *key = attribute_key (name);
          add_attribute_value (rec, key, value);
        }
    }

  for (guint i = 0; i < records->len; )
    {
      CopyistRecord *rec = g_ptr_array_index (records, i);
      if (rec->title == NULL)
        {
          guint line = g_array_index (first_lines, guint, i);
          report_problem (report, line, "Title", COPYIST_ROW_FAILED,
                          _("Line %u: product “%s” has no Title on any of its %u rows"),
                          line, rec->sku, rec->source_rows->len);
          g_ptr_array_remove_index (records, i);
          g_array_remove_index (first_lines, i);
          continue;
        }
      finish_language (rec);
      i++;
    }
  return records;
}

/* ---- WooCommerce -------------------------------------------------------- */

static GPtrArray *
import_woocommerce (const CopyistTable *t, CopyistRowReport *report, GError **error)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_record_free);
  g_autoptr(GHashTable) by_sku = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int col_id = copyist_table_find_column (t, "ID");
  int col_type = copyist_table_find_column (t, "Type");
  int col_sku = copyist_table_find_column (t, "SKU");
  int col_name = copyist_table_find_column (t, "Name");
  int col_desc = copyist_table_find_column (t, "Description");
  int col_short = copyist_table_find_column (t, "Short description");
  int col_cats = copyist_table_find_column (t, "Categories");
  int col_tags = copyist_table_find_column (t, "Tags");
  int col_price = copyist_table_find_column (t, "Regular price");
  int col_parent = copyist_table_find_column (t, "Parent");
  g_autoptr(GArray) attr_name = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) attr_value = g_array_new (FALSE, FALSE, sizeof (int));

  for (int n = 1; n < 1000; n++)
    {
      g_autofree char *hn = g_strdup_printf ("Attribute %d name", n);
      g_autofree char *hv = g_strdup_printf ("Attribute %d value(s)", n);
      int cn = copyist_table_find_column (t, hn), cv = copyist_table_find_column (t, hv);
      if (cn < 0 || cv < 0)
        break;
      g_array_append_val (attr_name, cn);
      g_array_append_val (attr_value, cv);
    }

  /* Pass 1: the products (everything but variations), indexed by SKU and id. */
  for (guint r = 0; r < t->rows->len; r++)
    {
      const CopyistTableRow *row = g_ptr_array_index (t->rows, r);
      const char *type = cell_at (row, col_type);
      report->rows++;
      if (strstr (type, "variation") != NULL)
        continue;
      if (blank (cell_at (row, col_name)))
        {
          report_problem (report, row->line, "Name", COPYIST_ROW_SKIPPED,
                          _("Line %u has no Name; the product is skipped"), row->line);
          continue;
        }
      g_autofree char *sku = trimmed (cell_at (row, col_sku));
      if (sku[0] != '\0' && g_hash_table_contains (by_sku, sku))
        {
          report_problem (report, row->line, "SKU", COPYIST_ROW_SKIPPED,
                          _("Line %u: SKU “%s” was already used by another product; this row is skipped"),
                          row->line, sku);
          continue;
        }

      CopyistRecord *rec = copyist_record_new ();
      rec->sku = sku[0] != '\0' ? g_strdup (sku) : NULL;
      rec->title = trimmed (cell_at (row, col_name));
      if (!blank (cell_at (row, col_cats)))
        rec->category = trimmed (cell_at (row, col_cats));
      set_description (rec, cell_at (row, col_desc));
      set_text (&rec->adcopy_body, cell_at (row, col_short));
      for (guint a = 0; a < attr_name->len; a++)
        {
          const char *name = cell_at (row, g_array_index (attr_name, int, a));
          if (blank (name))
            continue;
          g_autofree char *key = attribute_key (name);
          add_attribute_value (rec, key, cell_at (row, g_array_index (attr_value, int, a)));
        }
      add_attribute_value (rec, COPYIST_KEY_PRICE, cell_at (row, col_price));
      add_attribute_value (rec, "tags", cell_at (row, col_tags));
      rec->source_headers = g_strdupv (t->headers);
      g_ptr_array_add (rec->source_rows, row_strv (t, row));
      rec->source_format = g_strdup ("woocommerce");
      if (sku[0] != '\0')
        g_hash_table_insert (by_sku, g_strdup (sku), rec);
      if (!blank (cell_at (row, col_id)))
        g_hash_table_insert (by_id, g_strdup_printf ("id:%s", cell_at (row, col_id)), rec);
      g_ptr_array_add (records, rec);
    }

  /* Pass 2: variations join their parent (Parent = the parent's SKU or "id:N"). */
  for (guint r = 0; r < t->rows->len; r++)
    {
      const CopyistTableRow *row = g_ptr_array_index (t->rows, r);
      if (strstr (cell_at (row, col_type), "variation") == NULL)
        continue;
      g_autofree char *parent = trimmed (cell_at (row, col_parent));
      CopyistRecord *rec = g_hash_table_lookup (g_str_has_prefix (parent, "id:") ? by_id : by_sku, parent);
      if (parent[0] == '\0')
        {
          report_problem (report, row->line, "Parent", COPYIST_ROW_FAILED,
                          _("Line %u is a variation without a Parent"), row->line);
          continue;
        }
      if (rec == NULL)
        {
          report_problem (report, row->line, "Parent", COPYIST_ROW_FAILED,
                          _("Line %u is a variation of “%s”, which is not in the file"), row->line, parent);
          continue;
        }
      g_ptr_array_add (rec->source_rows, row_strv (t, row));
      report->variants++;
      for (guint a = 0; a < attr_name->len; a++)
        {
          const char *name = cell_at (row, g_array_index (attr_name, int, a));
          if (blank (name))
            continue;
          g_autofree char *key = attribute_key (name);
          add_attribute_value (rec, key, cell_at (row, g_array_index (attr_value, int, a)));
        }
    }

  for (guint i = 0; i < records->len; i++)
    finish_language (g_ptr_array_index (records, i));
  return records;
}

/* ---- entry points ------------------------------------------------------- */

GPtrArray *
copyist_import_records (const CopyistTable *table, const CopyistMapping *mapping, CopyistImportFlavor flavor,
                        CopyistRowReport *report_out, GError **error)
{
  CopyistRowReport local;
  CopyistRowReport *report = report_out;
  g_autoptr(CopyistMapping) guessed = NULL;
  GPtrArray *records;

  if (report == NULL)
    {
      copyist_row_report_init (&local);
      report = &local;
    }
  else if (report->problems == NULL)
    copyist_row_report_init (report);

  if (flavor == COPYIST_IMPORT_FLAVOR_AUTO)
    flavor = copyist_import_detect_flavor (table);

  switch (flavor)
    {
    case COPYIST_IMPORT_FLAVOR_SHOPIFY:
      records = import_shopify (table, report, error);
      break;
    case COPYIST_IMPORT_FLAVOR_WOOCOMMERCE:
      records = import_woocommerce (table, report, error);
      break;
    case COPYIST_IMPORT_FLAVOR_GENERIC:
    case COPYIST_IMPORT_FLAVOR_AUTO:
    default:
      if (mapping == NULL)
        mapping = guessed = copyist_mapping_guess (table);
      else
        {
          GError *bad = NULL;
          if (!copyist_mapping_validate (mapping, table, &bad))
            {
              g_set_error_literal (error, COPYIST_IMPORT_ERROR, COPYIST_IMPORT_ERROR_MAPPING, bad->message);
              g_error_free (bad);
              records = NULL;
              break;
            }
        }
      records = import_generic (table, mapping, report, error);
      break;
    }

  if (records != NULL && records->len == 0)
    {
      if (report->problems->len > 0)
        {
          const CopyistImportProblem *p = g_ptr_array_index (report->problems, 0);
          g_set_error (error, COPYIST_IMPORT_ERROR, COPYIST_IMPORT_ERROR_NO_PRODUCTS,
                       _("%s: no product could be imported (%u rows skipped or failed; the first: %s)"),
                       table->display_name, report->skipped + report->failed, p->reason);
        }
      else
        g_set_error (error, COPYIST_IMPORT_ERROR, COPYIST_IMPORT_ERROR_NO_PRODUCTS,
                     _("%s: no product could be imported"), table->display_name);
      g_clear_pointer (&records, g_ptr_array_unref);
    }
  if (records != NULL)
    report->imported = records->len;
  if (report == &local)
    copyist_row_report_clear (&local);
  return records;
}

GPtrArray *
copyist_import_file (GFile *file, const CopyistReadOptions *opts, const CopyistMapping *mapping,
                     CopyistImportFlavor flavor, CopyistRowReport *report, GCancellable *cancellable,
                     GError **error)
{
  g_autoptr(CopyistTable) table = copyist_table_read (file, opts, cancellable, NULL, NULL, error);

  if (table == NULL)
    return NULL;
  return copyist_import_records (table, mapping, flavor, report, error);
}
