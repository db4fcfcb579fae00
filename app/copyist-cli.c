/* copyist-cli.c — the headless command; everything is in copyist-core */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "copyist-core.h"

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  return copyist_cli_main (argc, argv);
}
