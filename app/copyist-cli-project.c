/* copyist-cli-project.c — copyist-cli info, import and export on a project
 *
 *   copyist-cli info --project P.copyist
 *   copyist-cli import --project P.copyist FILE [--sheet NAME] [--encoding ENC]
 *        [--delimiter C] [--header-row N] [--skip-rows N] [--map FIELD=COLUMN]…
 *        [--create-only] [--ignore-unknown] [--flavor auto|generic|shopify|woocommerce]
 *   copyist-cli export --project P.copyist --format csv|xlsx|json|shopify|woocommerce
 *        --out FILE [--approved-only] [--bom] [--adcopy default|none|seo|short-description]
 *
 * Exit status 0 on success, 1 with one line on stderr for any user error.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "copyist-cli.h"
#include "copyist-export.h"
#include "copyist-import.h"
#include "copyist-project.h"

/* One line on stderr, whatever the message holds. */
static int
fail_message (const char *command, const char *message)
{
  g_autofree char *line = g_strdup (message);

  g_strdelimit (line, "\r\n", ' ');
  g_printerr ("copyist-cli %s: %s\n", command, line);
  return 1;
}

static int
fail (const char *command, const GError *error)
{
  return fail_message (command, error->message);
}

/* Parses ARGV with ENTRIES; prints the help and sets *HELP on --help. */
static gboolean
parse_options (const char *command, const char *parameter, const char *summary, GOptionEntry *entries,
               int *argc, char ***argv, gboolean *help, int *status)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter);
  g_autoptr(GError) error = NULL;
  GOptionEntry help_entry[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, help, N_("Show this help"), NULL },
    { NULL }
  };

  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, help_entry, GETTEXT_PACKAGE);
  {
    /* Usage lines read "copyist-cli COMMAND …", not just the command. */
    g_autofree char *full_name = g_strdup_printf ("copyist-cli %s", command);
    char *own_name = (*argv)[0];
    gboolean parsed;

    (*argv)[0] = full_name;
    parsed = g_option_context_parse (context, argc, argv, &error);
    (*argv)[0] = own_name;
    if (!parsed)
      {
        *status = fail (command, error);
        return FALSE;
      }
  }
  if (*help)
    {
      g_autofree char *text = g_option_context_get_help (context, TRUE, NULL);
      fputs (text, stdout);
      *status = 0;
      return FALSE;
    }
  return TRUE;
}

static CopyistProject *
open_project (const char *command, const char *path, gboolean create, int *status)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  CopyistProject *project;

  if (path == NULL)
    {
      *status = fail_message (command, _("--project FILE is required"));
      return NULL;
    }
  file = g_file_new_for_commandline_arg (path);
  project = copyist_project_open (file, create, &error);
  if (project == NULL)
    *status = fail (command, error);
  return project;
}

static char *
format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = NULL;

  if (unix_seconds <= 0)
    return g_strdup ("-");
  dt = g_date_time_new_from_unix_local (unix_seconds);
  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("-");
}

/* ---- info ---- */

int
copyist_cli_info (int argc, char **argv)
{
  g_autofree char *project_path = NULL;
  g_autoptr(CopyistProject) project = NULL;
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  gboolean help = FALSE;
  gint64 counts[COPYIST_PRODUCT_STATUS_APPROVED + 1];
  gint64 total;
  int status = 1;
  GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &project_path, N_("Project file"), N_("FILE") },
    { NULL }
  };

  if (!parse_options ("info", "", _("Show what a project holds: products, models, training runs."), entries,
                      &argc, &argv, &help, &status))
    return status;
  if (argc > 1)
    return fail_message ("info", _("unexpected argument; see copyist-cli info --help"));
  project = open_project ("info", project_path, FALSE, &status);
  if (project == NULL)
    return status;

  total = copyist_project_count_products (project, &error);
  if (total < 0 || !copyist_project_count_by_status (project, counts, &error))
    return fail ("info", error);
  printf (g_dngettext (GETTEXT_PACKAGE, "%lld product\n", "%lld products\n", (gulong) total), (long long) total);
  printf (_("  %lld new, %lld generated, %lld edited, %lld approved\n"),
          (long long) counts[COPYIST_PRODUCT_STATUS_NEW], (long long) counts[COPYIST_PRODUCT_STATUS_GENERATED],
          (long long) counts[COPYIST_PRODUCT_STATUS_EDITED], (long long) counts[COPYIST_PRODUCT_STATUS_APPROVED]);

  models = copyist_project_list_models (project, &error);
  if (models == NULL)
    return fail ("info", error);
  printf (g_dngettext (GETTEXT_PACKAGE, "%u model\n", "%u models\n", models->len), models->len);
  for (guint i = 0; i < models->len; i++)
    {
      CopyistModelInfo *m = models->pdata[i];
      g_autofree char *when = format_time (m->created);
      g_autofree char *size = g_format_size ((guint64) m->size);
      printf ("  #%" G_GINT64_FORMAT "  %s  %s  %s  %s  %s  %s%s%s\n", m->id, m->kind, m->field,
              m->language ? m->language : "-", size, when, m->name ? m->name : "",
              m->summary_json ? "  " : "", m->summary_json ? m->summary_json : "");
    }

  runs = copyist_project_list_runs (project, 5, &error);
  if (runs == NULL)
    return fail ("info", error);
  printf (g_dngettext (GETTEXT_PACKAGE, "%u recent training run\n", "%u recent training runs\n", runs->len), runs->len);
  for (guint i = 0; i < runs->len; i++)
    {
      CopyistRunInfo *r = runs->pdata[i];
      g_autofree char *started = format_time (r->started);
      g_autofree char *finished = format_time (r->finished);
      printf ("  run #%" G_GINT64_FORMAT "  %s  %s  %s  %s → %s", r->id, r->kind ? r->kind : "-",
              r->field ? r->field : "-", r->status ? r->status : "-", started, finished);
      if (r->model_id > 0)
        printf (_("  model #%lld"), (long long) r->model_id);
      if (r->summary_json != NULL)
        printf ("  %s", r->summary_json);
      printf ("\n");
    }
  return 0;
}

/* ---- import ---- */

static char *
header_signature (const CopyistTable *table)
{
  return g_strjoinv ("\x1f", table->headers);
}

int
copyist_cli_import (int argc, char **argv)
{
  g_autofree char *project_path = NULL, *sheet = NULL, *encoding = NULL, *delimiter = NULL, *flavor_name = NULL;
  g_auto(GStrv) maps = NULL;
  g_autoptr(CopyistProject) project = NULL;
  g_autoptr(CopyistTable) table = NULL;
  g_autoptr(CopyistMapping) mapping = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *mapping_json = NULL;
  g_autofree char *row_summary = NULL;
  gboolean help = FALSE, create_only = FALSE, ignore_unknown = FALSE;
  int header_row = 0, skip_rows = 0, status = 1, max_rows = 0, max_cell_kb = 0;
  double max_file_mb = 0;
  CopyistImportFlavor flavor = COPYIST_IMPORT_FLAVOR_AUTO;
  CopyistReadOptions opts;
  CopyistRowReport rows;
  CopyistImportReport report;
  GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &project_path, N_("Project file (created if missing)"), N_("FILE") },
    { "sheet", 0, 0, G_OPTION_ARG_STRING, &sheet, N_("Sheet to read (XLSX/ODS; default: the first)"), N_("NAME") },
    { "encoding", 0, 0, G_OPTION_ARG_STRING, &encoding, N_("Text encoding (default: detected)"), N_("ENC") },
    { "delimiter", 0, 0, G_OPTION_ARG_STRING, &delimiter, N_("CSV delimiter: , ; tab | (default: detected)"), N_("C") },
    { "header-row", 0, 0, G_OPTION_ARG_INT, &header_row, N_("Row of the column names, from 1 (default: first non-blank)"), N_("N") },
    { "skip-rows", 0, 0, G_OPTION_ARG_INT, &skip_rows, N_("Rows to skip before anything else"), N_("N") },
    { "map", 0, 0, G_OPTION_ARG_STRING_ARRAY, &maps, N_("Map a column to a field, e.g. title=Name (repeatable)"), N_("FIELD=COLUMN") },
    { "create-only", 0, 0, G_OPTION_ARG_NONE, &create_only, N_("Skip products whose SKU is already in the project"), NULL },
    { "ignore-unknown", 0, 0, G_OPTION_ARG_NONE, &ignore_unknown, N_("Drop unmapped columns instead of keeping them as attributes"), NULL },
    { "flavor", 0, 0, G_OPTION_ARG_STRING, &flavor_name, N_("auto, generic, shopify or woocommerce"), N_("NAME") },
    { "max-rows", 0, 0, G_OPTION_ARG_INT, &max_rows, N_("Refuse a spreadsheet of more rows than this (default 2000000)"), N_("N") },
    { "max-file-size", 0, 0, G_OPTION_ARG_DOUBLE, &max_file_mb, N_("Refuse a file larger than this many megabytes (default 1024)"), N_("MB") },
    { "max-cell-size", 0, 0, G_OPTION_ARG_INT, &max_cell_kb, N_("Refuse a cell larger than this many kilobytes (default 4096)"), N_("KB") },
    { NULL }
  };

  if (!parse_options ("import", N_("FILE"), _("Import a spreadsheet (CSV/TSV, XLSX, ODS, JSON) into a project."),
                      entries, &argc, &argv, &help, &status))
    return status;
  if (argc != 2)
    return fail_message ("import", argc < 2 ? _("which file? see copyist-cli import --help")
                                            : _("only one file at a time; see copyist-cli import --help"));
  if (header_row < 0 || skip_rows < 0)
    return fail_message ("import", _("--header-row and --skip-rows must not be negative"));
  if (max_rows < 0 || max_file_mb < 0 || max_cell_kb < 0)
    return fail_message ("import", _("--max-rows, --max-file-size and --max-cell-size must not be negative"));
  if (flavor_name != NULL)
    {
      gboolean known = FALSE;
      for (int f = COPYIST_IMPORT_FLAVOR_AUTO; f <= COPYIST_IMPORT_FLAVOR_WOOCOMMERCE; f++)
        if (g_strcmp0 (flavor_name, copyist_import_flavor_to_string (f)) == 0)
          {
            flavor = f;
            known = TRUE;
          }
      if (!known)
        return fail_message ("import", _("--flavor must be auto, generic, shopify or woocommerce"));
    }

  copyist_read_options_init (&opts);
  opts.sheet = sheet;
  opts.encoding = encoding;
  opts.header_row = (guint) header_row;
  opts.skip_rows = (guint) skip_rows;
  /* The limits against files too big to handle (0 keeps the default). */
  if (max_rows > 0)
    opts.limits.max_rows = (guint) max_rows;
  if (max_file_mb > 0)
    opts.limits.max_file_bytes = (guint64) (max_file_mb * 1024.0 * 1024.0);
  if (max_cell_kb > 0)
    opts.limits.max_cell_bytes = (guint) MIN ((guint64) max_cell_kb * 1024, G_MAXUINT);
  if (delimiter != NULL)
    {
      if (g_strcmp0 (delimiter, "tab") == 0 || g_strcmp0 (delimiter, "\\t") == 0)
        opts.delimiter = '\t';
      else if (strlen (delimiter) == 1)
        opts.delimiter = delimiter[0];
      else
        return fail_message ("import", _("--delimiter must be one character (or “tab”)"));
    }

  /* Read the file before touching the project: a bad file creates nothing. */
  file = g_file_new_for_commandline_arg (argv[1]);
  table = copyist_table_read (file, &opts, NULL, NULL, NULL, &error);
  if (table == NULL)
    return fail ("import", error);

  project = open_project ("import", project_path, TRUE, &status);
  if (project == NULL)
    return status;

  /* The mapping: the one saved for these headers, else a guess; then --map. */
  signature = header_signature (table);
  saved = copyist_project_load_mapping (project, copyist_file_format_to_string (table->format), signature, &error);
  if (error != NULL)
    return fail ("import", error);
  if (saved != NULL)
    mapping = copyist_mapping_from_json (saved, NULL);
  if (mapping == NULL)
    mapping = copyist_mapping_guess (table);
  for (guint i = 0; maps != NULL && maps[i] != NULL; i++)
    if (!copyist_mapping_parse_spec (mapping, maps[i], &error))
      return fail ("import", error);
  if (ignore_unknown)
    copyist_mapping_set_keep_unknown (mapping, FALSE);
  if (!copyist_mapping_validate (mapping, table, &error))
    return fail ("import", error);

  copyist_row_report_init (&rows);
  records = copyist_import_records (table, mapping, flavor, &rows, &error);
  if (records == NULL)
    {
      copyist_row_report_clear (&rows);
      return fail ("import", error);
    }

  copyist_import_report_init (&report);
  if (!copyist_project_import_records (project, records,
                                       create_only ? COPYIST_IMPORT_CREATE_ONLY : COPYIST_IMPORT_UPDATE_OR_CREATE,
                                       &report, &error))
    {
      copyist_row_report_clear (&rows);
      copyist_import_report_clear (&report);
      return fail ("import", error);
    }
  mapping_json = copyist_mapping_to_json (mapping);
  if (!copyist_project_save_mapping (project, copyist_file_format_to_string (table->format), signature,
                                     mapping_json, &error))
    g_printerr ("copyist-cli import: %s\n", error->message);  /* the products are in; only the mapping was not saved */

  rows.imported = report.created;
  rows.updated = report.updated;
  rows.skipped += report.skipped;
  row_summary = copyist_row_report_summary (&rows);
  printf ("%s: %s\n", table->display_name ? table->display_name : argv[1], row_summary);
  for (guint i = 0; i < rows.problems->len; i++)
    {
      CopyistImportProblem *p = rows.problems->pdata[i];
      gboolean failed = p->outcome == COPYIST_ROW_FAILED;
      /* Whole sentences, so that translations can order them freely. */
      if (p->column != NULL && *p->column != '\0')
        printf (failed ? _("  failed: line %u, column %s: %s\n") : _("  skipped: line %u, column %s: %s\n"),
                p->line, p->column, p->reason);
      else
        printf (failed ? _("  failed: line %u: %s\n") : _("  skipped: line %u: %s\n"), p->line, p->reason);
    }
  for (guint i = 0; i < report.reasons->len; i++)
    printf (_("  skipped: %s\n"), (const char *) report.reasons->pdata[i]);
  copyist_row_report_clear (&rows);
  copyist_import_report_clear (&report);
  return 0;
}

/* ---- export ---- */

int
copyist_cli_export (int argc, char **argv)
{
  g_autofree char *project_path = NULL, *format_name = NULL, *out_path = NULL, *adcopy = NULL;
  g_autoptr(CopyistProject) project = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(CopyistMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) out = NULL;
  gboolean help = FALSE, approved_only = FALSE, bom = FALSE;
  int status = 1;
  CopyistExportOptions opts;
  GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &project_path, N_("Project file"), N_("FILE") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, N_("csv, xlsx, json, shopify or woocommerce"), N_("FORMAT") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_path, N_("File to write"), N_("FILE") },
    { "approved-only", 0, 0, G_OPTION_ARG_NONE, &approved_only, N_("Only approved products"), NULL },
    { "bom", 0, 0, G_OPTION_ARG_NONE, &bom, N_("Start CSV files with a byte order mark (for Excel)"), NULL },
    { "adcopy", 0, 0, G_OPTION_ARG_STRING, &adcopy, N_("Where ad copy goes: default, none, seo, short-description"), N_("TARGET") },
    { NULL }
  };

  if (!parse_options ("export", "", _("Export a project's products with their descriptions and ad copy."),
                      entries, &argc, &argv, &help, &status))
    return status;
  if (argc > 1)
    return fail_message ("export", _("unexpected argument; see copyist-cli export --help"));
  copyist_export_options_init (&opts);
  if (format_name == NULL || !copyist_export_format_from_string (format_name, &opts.format))
    return fail_message ("export", _("--format must be csv, xlsx, json, shopify or woocommerce"));
  if (out_path == NULL)
    return fail_message ("export", _("--out FILE is required"));
  if (adcopy == NULL || strcmp (adcopy, "default") == 0)
    opts.adcopy_target = COPYIST_ADCOPY_DEFAULT;
  else if (strcmp (adcopy, "none") == 0)
    opts.adcopy_target = COPYIST_ADCOPY_NONE;
  else if (strcmp (adcopy, "seo") == 0)
    opts.adcopy_target = COPYIST_ADCOPY_SEO;
  else if (strcmp (adcopy, "short-description") == 0)
    opts.adcopy_target = COPYIST_ADCOPY_SHORT_DESCRIPTION;
  else
    return fail_message ("export", _("--adcopy must be default, none, seo or short-description"));
  opts.bom = bom;

  project = open_project ("export", project_path, FALSE, &status);
  if (project == NULL)
    return status;
  records = copyist_project_dup_records (project, NULL, approved_only, &error);
  if (records == NULL)
    return fail ("export", error);
  if (records->len == 0)
    return fail_message ("export", approved_only ? _("no approved products to export")
                                                 : _("the project has no products to export"));

  /* The mapping saved when these products were imported, if any. */
  {
    CopyistRecord *first = records->pdata[0];
    if (first->source_headers != NULL && first->source_format != NULL)
      {
        g_autofree char *signature = g_strjoinv ("\x1f", first->source_headers);
        g_autofree char *json = copyist_project_load_mapping (project, first->source_format, signature, NULL);
        if (json != NULL)
          mapping = copyist_mapping_from_json (json, NULL);
      }
    opts.mapping = mapping;
  }

  out = g_file_new_for_commandline_arg (out_path);
  if (!copyist_export_write (records, &opts, out, NULL, &error))
    return fail ("export", error);
  printf (g_dngettext (GETTEXT_PACKAGE, "Exported %u product to %s\n", "Exported %u products to %s\n", records->len),
          records->len, out_path);
  return 0;
}
