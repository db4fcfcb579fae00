/* test-app-version.c — the core library reports its version */
#include "config.h"

#include <glib.h>

#include "copyist-core.h"

static void
test_version (void)
{
  g_auto(GStrv) parts = g_strsplit (copyist_version (), ".", -1);

  g_assert_cmpstr (copyist_version (), ==, PACKAGE_VERSION);
  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      guint64 v;
      g_assert_true (g_ascii_string_to_unsigned (parts[i], 10, 0, 1000, &v, NULL));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/version/format", test_version);
  return g_test_run ();
}
