/* copyist-record.h — a product as import produces it, the project stores
 * it and export consumes it. Plain data shared by the importers
 * (copyist-import-*.c), the project store (copyist-project*.c) and the
 * exporters (copyist-export*.c). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Canonical attribute keys: mapped columns use these names; unmapped
 * columns kept as attributes keep their header as the key. */
#define COPYIST_KEY_TITLE       "title"
#define COPYIST_KEY_SKU         "sku"
#define COPYIST_KEY_CATEGORY    "category"
#define COPYIST_KEY_BRAND       "brand"
#define COPYIST_KEY_COLOR       "color"
#define COPYIST_KEY_MATERIAL    "material"
#define COPYIST_KEY_SIZE        "size"
#define COPYIST_KEY_PRICE       "price"

/* A canonical key as the merchant reads it, translated ("color" ->
 * "Colour": the import assistant's label for that field); any other key
 * (a column header kept as an attribute) is returned as it is. */
const char *copyist_key_get_title (const char *key);

typedef struct {
  char *key;     /* canonical key or the column header */
  char *value;   /* as written in the file, never reformatted */
} CopyistAttribute;

CopyistAttribute *copyist_attribute_new  (const char *key, const char *value);
void              copyist_attribute_free (CopyistAttribute *attr);

typedef struct {
  gint64     id;                 /* project id; 0 before it is stored */
  char      *sku;                /* SKU, or the Shopify handle; may be NULL */
  char      *title;
  char      *category;           /* may be NULL */
  char      *language;           /* "en" or "zh" (guessed from the text when not given) */
  GPtrArray *attributes;         /* CopyistAttribute*, in column order; brand, color … included */
  char      *description;        /* plain text, paragraphs separated by "\n\n"; may be NULL */
  char      *description_html;   /* the imported HTML, kept for export; may be NULL */
  char      *adcopy_headline;    /* ad copy headline (<= 30 characters by default); may be NULL */
  char      *adcopy_body;        /* ad copy description (<= 90 characters by default); may be NULL */
  /* The source as imported, so untouched columns round-trip on export:
   * the file's header and this product's row(s) (several for variants). */
  char     **source_headers;     /* NULL-terminated */
  GPtrArray *source_rows;        /* GStrv each, same length as source_headers */
  char      *source_format;      /* "csv", "xlsx", "ods", "json", "shopify", "woocommerce" */
} CopyistRecord;

CopyistRecord *copyist_record_new  (void);
void           copyist_record_free (CopyistRecord *record);
/* The value of attribute KEY (case-insensitive), or NULL. */
const char    *copyist_record_get_attribute (const CopyistRecord *record, const char *key);
void           copyist_record_set_attribute (CopyistRecord *record, const char *key, const char *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CopyistRecord, copyist_record_free)

G_END_DECLS
