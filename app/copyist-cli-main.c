/* copyist-cli-main.c — command dispatch for copyist-cli
 *
 * Each command lives in its own copyist-cli-<command>.c and is listed in
 * the table below; this keeps the dispatcher small and lets the tests call
 * copyist_cli_main() in-process.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "copyist-cli.h"
#include "copyist-core.h"

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} CliCommand;

static const CliCommand commands[] = {
  /* Commands are added here as they are written; each one gets a row. */
  { "import", copyist_cli_import, N_("Import a spreadsheet into a project (created if missing)") },
  { "export", copyist_cli_export, N_("Export a project as CSV, XLSX, JSON, Shopify or WooCommerce CSV") },
  { "info", copyist_cli_info, N_("Show a project's products, models and training runs") },
  { "train", copyist_cli_train, N_("Train a copy model (on a data file or a project)") },
  { "generate", copyist_cli_generate, N_("Write descriptions or ad copy (for a data file or a project)") },
  { "eval", copyist_cli_eval, N_("Score a model against reference texts") },
  { NULL, NULL, NULL },
};

static void
print_help (FILE *out)
{
  fprintf (out, "Usage: copyist-cli COMMAND [OPTION…]\n\n");
  fprintf (out, "Copyist writes product descriptions and ad copy from product data, offline.\n\n");
  fprintf (out, "Commands:\n");
  for (const CliCommand *c = commands; c->name != NULL; c++)
    fprintf (out, "  %-10s %s\n", c->name, c->summary);
  fprintf (out, "\nOptions:\n");
  fprintf (out, "  --help      Show this help\n");
  fprintf (out, "  --version   Show the version\n");
  fprintf (out, "\nRun 'copyist-cli COMMAND --help' for a command's options.\n");
}

int
copyist_cli_main (int argc, char **argv)
{
  if (argc < 2)
    {
      print_help (stderr);
      return 1;
    }
  if (strcmp (argv[1], "--version") == 0 || strcmp (argv[1], "version") == 0)
    {
      printf ("copyist-cli %s\n", copyist_version ());
      return 0;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      print_help (stdout);
      return 0;
    }
  for (const CliCommand *c = commands; c->name != NULL; c++)
    if (strcmp (argv[1], c->name) == 0)
      return c->run (argc - 1, argv + 1);

  fprintf (stderr, "copyist-cli: unknown command “%s”; see copyist-cli --help\n", argv[1]);
  return 1;
}
