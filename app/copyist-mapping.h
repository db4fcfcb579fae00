/* copyist-mapping.h — which column of a spreadsheet feeds which product field.
 *
 * Guessed from English and Chinese header names (copyist_mapping_guess()),
 * edited in the import assistant or with `copyist-cli import --map
 * FIELD=COLUMN`, saved in the project as JSON (copyist_mapping_to_json())
 * and offered again next time (copyist_mapping_from_json()).
 *
 * Columns are named by their header text. A column not in the mapping is
 * "unknown": kept as an attribute under its header name when keep_unknown
 * is TRUE (the default), ignored otherwise.
 *
 * Errors are COPYIST_TABLE_ERROR_INVALID_OPTION.
 */
#pragma once

#include <glib.h>

#include "copyist-table.h"

G_BEGIN_DECLS

typedef enum {
  COPYIST_FIELD_NONE = 0,          /* ignore this column */
  COPYIST_FIELD_SKU,
  COPYIST_FIELD_TITLE,
  COPYIST_FIELD_CATEGORY,
  COPYIST_FIELD_BRAND,
  COPYIST_FIELD_COLOR,
  COPYIST_FIELD_MATERIAL,
  COPYIST_FIELD_SIZE,
  COPYIST_FIELD_PRICE,
  COPYIST_FIELD_DESCRIPTION,       /* plain text or HTML (detected) */
  COPYIST_FIELD_ADCOPY_HEADLINE,
  COPYIST_FIELD_ADCOPY_BODY,
  COPYIST_FIELD_ATTRIBUTE,         /* keep as an attribute named after the header */
  COPYIST_FIELD_ATTRIBUTE_LIST,    /* several attributes packed in one cell:
                                      "key[value], …" (E2E) or "key#value*…" (AdvertiseGen) */
  COPYIST_N_FIELDS
} CopyistField;

/* Stable names used in JSON, on the command line and in the assistant:
 * "none", "sku", "title", "category", "brand", "color", "material", "size",
 * "price", "description", "adcopy_headline", "adcopy_body", "attribute",
 * "attribute_list". from_string also accepts a few aliases ("colour",
 * "name", "adcopy" = adcopy_body, "headline", "ignore"); returns
 * COPYIST_N_FIELDS for an unknown name. */
const char   *copyist_field_to_string   (CopyistField field);
CopyistField  copyist_field_from_string (const char *name);
/* The canonical attribute key of BRAND, COLOR, MATERIAL, SIZE, PRICE
 * (COPYIST_KEY_*), NULL for every other field. */
const char   *copyist_field_attribute_key (CopyistField field);
/* The translated label for the assistant ("Title", "Ad copy headline" …). */
const char   *copyist_field_get_label   (CopyistField field);

typedef struct _CopyistMapping CopyistMapping;

CopyistMapping *copyist_mapping_new  (void);
CopyistMapping *copyist_mapping_copy (const CopyistMapping *mapping);
void            copyist_mapping_free (CopyistMapping *mapping);

/* Guesses the mapping from TABLE's headers (and, for packed attribute
 * columns, from the first cells): at most one column per single-valued
 * field; other columns are left unmapped (kept as attributes). */
CopyistMapping *copyist_mapping_guess (const CopyistTable *table);
/* The field one header name suggests (exact synonym match only: "颜色" →
 * COLOR, "priceRange" → NONE); COPYIST_FIELD_NONE when none. */
CopyistField    copyist_field_guess (const char *header);
/* The same from header names alone (NULL-terminated). */
CopyistMapping *copyist_mapping_guess_headers (const char * const *headers);

/* Maps COLUMN (header name) to FIELD; FIELD_NONE marks it ignored.
 * Mapping a single-valued field (everything but ATTRIBUTE,
 * ATTRIBUTE_LIST, NONE) moves it off any other column. */
void         copyist_mapping_set (CopyistMapping *mapping, const char *column, CopyistField field);
/* Removes COLUMN from the mapping (it becomes "unknown"). */
void         copyist_mapping_unset (CopyistMapping *mapping, const char *column);
/* The field of COLUMN; COPYIST_N_FIELDS when the column is not in the mapping. */
CopyistField copyist_mapping_get (const CopyistMapping *mapping, const char *column);
/* The column mapped to a single-valued FIELD, or NULL. */
const char  *copyist_mapping_get_column (const CopyistMapping *mapping, CopyistField field);
/* The mapped column names in the order they were set, NULL-terminated (free with g_strfreev). */
char       **copyist_mapping_list_columns (const CopyistMapping *mapping);

void         copyist_mapping_set_keep_unknown (CopyistMapping *mapping, gboolean keep);
gboolean     copyist_mapping_get_keep_unknown (const CopyistMapping *mapping);

/* Applies "FIELD=COLUMN" (the CLI's --map); FALSE with a message on a bad spec. */
gboolean     copyist_mapping_parse_spec (CopyistMapping *mapping, const char *spec, GError **error);

/* Checks MAPPING against TABLE: every mapped column exists. */
gboolean     copyist_mapping_validate (const CopyistMapping *mapping,
                                       const CopyistTable   *table,
                                       GError              **error);

/* {"version":1,"keep_unknown":true,"columns":[{"column":"货号","field":"sku"},…]} */
char           *copyist_mapping_to_json   (const CopyistMapping *mapping);
CopyistMapping *copyist_mapping_from_json (const char *json, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CopyistMapping, copyist_mapping_free)

G_END_DECLS
