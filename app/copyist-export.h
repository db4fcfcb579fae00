/* copyist-export.h — writing products back out.
 *
 * copyist_export_write() writes an array of CopyistRecord (whichever ones
 * the caller chose: all, the selection, approved only) as
 *
 *  - CSV: UTF-8, optional BOM for Excel, RFC 4180 quoting, CRLF; a cell
 *    that begins with = + - @ (or tab/CR) and is not a plain number gets a
 *    leading ' so a spreadsheet never runs it as a formula;
 *  - XLSX (libxlsxwriter): every cell a text cell, so "00123" stays "00123";
 *  - JSON (json-glib): an array of objects, one per product
 *    {"sku","title","category","language","attributes":{…},"description",
 *     "description_html","adcopy_headline","adcopy_body","source":{header:cell}};
 *  - Shopify product CSV and WooCommerce product CSV with the platforms'
 *    own column sets: the description goes to Body (HTML) / Description as
 *    HTML (escaped, paragraphs kept as <p>), ad copy to the fields the
 *    caller chooses (SEO title/description, short description).
 *
 * Untouched columns round-trip: a product imported from a file keeps its
 * source row(s) (all variant rows); export writes them back cell for cell
 * and replaces only the fields the product changed. When the description
 * text is still the one derived from the imported HTML, the imported HTML
 * is written back verbatim.
 *
 * For CSV/XLSX/JSON the columns are those of the first record's source
 * header (records from the same import), with the mapped columns updated;
 * fields that had no column are appended ("Description", "Ad headline",
 * "Ad copy"); records without a source get sku/title/category/attributes/
 * description/ad copy columns.
 *
 * The file is written to a temporary file in the same directory and
 * renamed over OUT, so a failed or cancelled export never leaves half a
 * file (and an existing OUT stays as it was).
 */
#pragma once

#include <gio/gio.h>

#include "copyist-mapping.h"
#include "copyist-record.h"

G_BEGIN_DECLS

#define COPYIST_EXPORT_ERROR (copyist_export_error_quark ())
GQuark copyist_export_error_quark (void);

typedef enum {
  COPYIST_EXPORT_ERROR_NOTHING,   /* no records */
  COPYIST_EXPORT_ERROR_WRITE,     /* the file could not be written (disk full, read-only …) */
  COPYIST_EXPORT_ERROR_INVALID,   /* bad options */
} CopyistExportError;

typedef enum {
  COPYIST_EXPORT_CSV = 0,
  COPYIST_EXPORT_XLSX,
  COPYIST_EXPORT_JSON,
  COPYIST_EXPORT_SHOPIFY,
  COPYIST_EXPORT_WOOCOMMERCE,
} CopyistExportFormat;

/* "csv", "xlsx", "json", "shopify", "woocommerce"; from_string returns
 * FALSE for an unknown name. */
const char *copyist_export_format_to_string   (CopyistExportFormat format);
gboolean    copyist_export_format_from_string (const char *name, CopyistExportFormat *format /* OUT */);

/* Where the ad copy goes in a platform export. */
typedef enum {
  COPYIST_ADCOPY_DEFAULT = 0,     /* Shopify: SEO title/description; WooCommerce: short description */
  COPYIST_ADCOPY_NONE,            /* leave the platform's fields as imported */
  COPYIST_ADCOPY_SEO,             /* Shopify SEO Title <- headline, SEO Description <- body */
  COPYIST_ADCOPY_SHORT_DESCRIPTION, /* WooCommerce Short description <- headline + body */
} CopyistAdcopyTarget;

typedef struct {
  CopyistExportFormat   format;
  gboolean              bom;                 /* CSV-like formats: write a UTF-8 BOM (default FALSE) */
  gboolean              neutralise_formulas; /* CSV-like formats (default TRUE) */
  CopyistAdcopyTarget   adcopy_target;
  const CopyistMapping *mapping;             /* the import's mapping for CSV/XLSX/JSON; NULL:
                                                guessed from the source headers */
  const char           *sheet_name;          /* XLSX: default "Products" */
} CopyistExportOptions;

void     copyist_export_options_init (CopyistExportOptions *opts /* OUT */);

/* Writes RECORDS (CopyistRecord*) to OUT as OPTS says (NULL: CSV defaults). */
gboolean copyist_export_write (GPtrArray                  *records,
                               const CopyistExportOptions *opts,
                               GFile                      *out,
                               GCancellable               *cancellable,
                               GError                    **error);

/* The text of one CSV cell as the exporter writes it (quoted when needed,
 * neutralised when asked); exposed for tests. */
char    *copyist_export_csv_cell (const char *value, gboolean neutralise_formulas);

G_END_DECLS
