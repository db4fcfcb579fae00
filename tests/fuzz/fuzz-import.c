/* fuzz-import.c — rows to products (app/copyist-import.c, -mapping.c,
 * -html.c) under libFuzzer: the attribute formats a spreadsheet carries.
 *
 * The input is a CSV file. Its table goes through copyist_import_records()
 * with the flavour detected from the headers (WooCommerce "Attribute N
 * name" / "Attribute N value(s)" columns and variations, Shopify options
 * and Body (HTML), a packed E2E `key[value]` or AdvertiseGen
 * `key#value*key#value` column), then once more as a generic table under
 * the guessed mapping. The guessed mapping's JSON must read back; a
 * mapping from the input's last line (the project stores one as JSON, the
 * CLI takes FIELD=COLUMN specs) is parsed too. */
#include "config.h"

#include <gio/gio.h>

#include "copyist-import.h"
#include "copyist-mapping.h"
#include "copyist-table.h"
#include "fuzz-util.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_abort_on_glib_warnings ();
  return 0;
}

static void
check_records (GPtrArray *records, const CopyistRowReport *report, GError *error)
{
  if (records == NULL)
    {
      if (error == NULL || error->message[0] == '\0')
        abort ();
      return;
    }
  if (records->len != report->imported)
    {
      fprintf (stderr, "%u records but the report says %u imported\n", records->len, report->imported);
      abort ();
    }
  for (guint i = 0; i < records->len; i++)
    {
      CopyistRecord *r = g_ptr_array_index (records, i);
      for (guint a = 0; a < r->attributes->len; a++)
        {
          CopyistAttribute *attr = g_ptr_array_index (r->attributes, a);
          if (attr->key == NULL || !g_utf8_validate (attr->key, -1, NULL)
              || (attr->value != NULL && !g_utf8_validate (attr->value, -1, NULL)))
            abort ();
          (void) copyist_record_get_attribute (r, attr->key);
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  CopyistReadOptions opts;

  copyist_read_options_init (&opts);
  opts.format = COPYIST_FILE_FORMAT_CSV;
  g_autoptr(CopyistTable) table = copyist_table_read_bytes (bytes, "fuzz.csv", &opts, NULL, &error);
  if (table == NULL)
    return 0;

  for (int pass = 0; pass < 2; pass++)
    {
      CopyistImportFlavor flavor = pass == 0 ? COPYIST_IMPORT_FLAVOR_AUTO : COPYIST_IMPORT_FLAVOR_GENERIC;
      g_autoptr(CopyistMapping) mapping = pass == 0 ? NULL : copyist_mapping_guess (table);
      g_autoptr(GError) err = NULL;
      CopyistRowReport report;

      if (pass == 1 && copyist_import_detect_flavor (table) == COPYIST_IMPORT_FLAVOR_GENERIC)
        break;   /* the first pass already was the generic import */
      copyist_row_report_init (&report);
      GPtrArray *records = copyist_import_records (table, mapping, flavor, &report, &err);
      check_records (records, &report, err);
      g_free (copyist_row_report_summary (&report));
      copyist_row_report_clear (&report);
      if (records != NULL)
        g_ptr_array_unref (records);
    }

  {
    g_autoptr(CopyistMapping) guessed = copyist_mapping_guess (table);
    g_autofree char *json = copyist_mapping_to_json (guessed);
    g_autoptr(GError) err = NULL;
    g_autoptr(CopyistMapping) back = copyist_mapping_from_json (json, &err);
    if (back == NULL)
      {
        fprintf (stderr, "the guessed mapping's own JSON does not read back: %s\n%s\n", err->message, json);
        abort ();
      }
    if (!copyist_mapping_validate (back, table, &err))
      abort ();
  }

  {
    /* The last cell as a stored mapping (JSON) and as a --map spec. */
    const CopyistTableRow *last = table->rows->len > 0 ? g_ptr_array_index (table->rows, table->rows->len - 1) : NULL;
    const char *cell = last != NULL ? last->cells[table->n_columns - 1] : table->headers[0];
    g_autoptr(GError) e1 = NULL, e2 = NULL;
    g_autoptr(CopyistMapping) m = copyist_mapping_from_json (cell, &e1);
    if (m == NULL)
      m = copyist_mapping_new ();
    copyist_mapping_parse_spec (m, cell, &e2);
    g_free (copyist_mapping_to_json (m));
    g_strfreev (copyist_mapping_list_columns (m));
  }
  return 0;
}
