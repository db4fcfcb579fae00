/* copyist-import.h — from a table and a mapping to product records.
 *
 * copyist_import_records() turns the rows of a CopyistTable into
 * CopyistRecord products (app/copyist-record.h):
 *
 *  - generic tables: one row, one product; mapped columns fill the fields,
 *    unknown columns become attributes (or are ignored, as the mapping says);
 *  - Shopify product CSV: rows sharing a Handle are one product; variant
 *    options (Option1..3 Name/Value) become attributes whose value lists
 *    every variant's value ("Green, Blue"); Body (HTML) is converted to
 *    text (description) and kept (description_html); SEO Title / SEO
 *    Description become the ad copy headline / body;
 *  - WooCommerce product CSV: "Attribute N name" / "Attribute N value(s)"
 *    become attributes; variations (Type "variation") are attached to their
 *    parent (Parent = the parent's SKU or "id:N") and do not become products
 *    of their own; Description / Short description HTML is converted to
 *    text and kept as HTML for export;
 *  - JSON lines such as AdvertiseGen ({"content": "类型#上衣*…", "summary": …})
 *    and E2E CSV (mr, ref): the packed attribute column (ATTRIBUTE_LIST) is
 *    unpacked into attributes.
 *
 * Every record keeps the header and its source row(s) verbatim so export
 * can write untouched columns back unchanged. The language is "zh" when
 * the title and description are mostly CJK, "en" otherwise.
 *
 * A row that cannot become a product (no title and no SKU, a variation
 * whose parent is missing, a duplicate SKU …) is skipped or failed with a
 * reason in the report; the call itself fails only when nothing usable
 * can come out (then it returns NULL and produces nothing).
 */
#pragma once

#include <glib.h>

#include "copyist-mapping.h"
#include "copyist-record.h"
#include "copyist-table.h"

G_BEGIN_DECLS

#define COPYIST_IMPORT_ERROR (copyist_import_error_quark ())
GQuark copyist_import_error_quark (void);

typedef enum {
  COPYIST_IMPORT_ERROR_MAPPING,      /* mapping names a missing column, or maps nothing usable */
  COPYIST_IMPORT_ERROR_NO_PRODUCTS,  /* every row was skipped or failed */
} CopyistImportError;

typedef enum {
  COPYIST_IMPORT_FLAVOR_AUTO = 0,    /* detect from the headers */
  COPYIST_IMPORT_FLAVOR_GENERIC,
  COPYIST_IMPORT_FLAVOR_SHOPIFY,
  COPYIST_IMPORT_FLAVOR_WOOCOMMERCE,
} CopyistImportFlavor;

/* "auto", "generic", "shopify", "woocommerce". */
const char          *copyist_import_flavor_to_string (CopyistImportFlavor flavor);
/* SHOPIFY when the headers include Handle and Title/Body (HTML)/Variant SKU,
 * WOOCOMMERCE when they include Type, SKU, Name and "Attribute 1 name" or
 * Parent, GENERIC otherwise. */
CopyistImportFlavor  copyist_import_detect_flavor (const CopyistTable *table);

typedef enum {
  COPYIST_ROW_SKIPPED,   /* deliberately not imported (blank title and SKU, duplicate …) */
  COPYIST_ROW_FAILED,    /* could not be imported (orphan variation …) */
} CopyistRowOutcome;

typedef struct {
  guint              line;      /* the row's line/row number in the file */
  char              *column;    /* the column concerned, or NULL */
  CopyistRowOutcome  outcome;
  char              *reason;    /* translated, complete sentence */
} CopyistImportProblem;

/* What happened to the rows of the table (the project's own
 * CopyistImportReport, copyist-project.h, says what happened to the
 * products when they were stored). */
typedef struct {
  guint      imported;   /* products produced (the project may turn some into "updated") */
  guint      updated;    /* left at 0 here; the CLI/assistant copy the project's count in */
  guint      skipped;
  guint      failed;
  guint      rows;       /* data rows read */
  guint      variants;   /* variant rows folded into their products */
  GPtrArray *problems;   /* CopyistImportProblem*, one per skipped or failed row */
} CopyistRowReport;

void copyist_row_report_init  (CopyistRowReport *report /* OUT */);
void copyist_row_report_clear (CopyistRowReport *report);
/* One line: "25 rows: 18 imported, 0 updated, 0 skipped, 0 failed". */
char *copyist_row_report_summary (const CopyistRowReport *report);

/* Produces the products of TABLE under MAPPING (NULL: guessed from the
 * table; for Shopify/WooCommerce the platform's columns are always used).
 * REPORT may be NULL. Returns a GPtrArray of CopyistRecord* (free func
 * set) or NULL with ERROR set. */
GPtrArray *copyist_import_records (const CopyistTable    *table,
                                   const CopyistMapping  *mapping,
                                   CopyistImportFlavor    flavor,
                                   CopyistRowReport   *report /* OUT, may be NULL */,
                                   GError               **error);

/* copyist_table_read() then copyist_import_records(): the whole import
 * without a project. */
GPtrArray *copyist_import_file (GFile                    *file,
                                const CopyistReadOptions *opts,
                                const CopyistMapping     *mapping,
                                CopyistImportFlavor       flavor,
                                CopyistRowReport      *report /* OUT, may be NULL */,
                                GCancellable             *cancellable,
                                GError                  **error);

/* "zh" when TEXT is mostly CJK (CJK characters outnumber Latin words), else "en". */
const char *copyist_guess_language (const char *text);

/* HTML (as in Shopify Body (HTML) or WooCommerce Description) to plain
 * text: block elements become paragraphs separated by "\n\n", <br> a
 * newline, entities decoded, whitespace collapsed. Never fails; non-HTML
 * input comes back with only whitespace normalised. */
char       *copyist_html_to_text (const char *html);
/* Plain text to HTML: every "\n\n"-separated paragraph a <p>, single
 * newlines <br>, &<>"' escaped. */
char       *copyist_text_to_html (const char *text);
/* TRUE when S looks like HTML markup (has a known tag). */
gboolean    copyist_text_looks_like_html (const char *s);

G_END_DECLS
