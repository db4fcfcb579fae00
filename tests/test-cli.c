/* test-cli.c — copyist-cli as a user runs it */
#include "config.h"

#include <glib.h>

typedef struct {
  int status;
  char *out;
  char *err;
} CliRun;

static CliRun
run_cli (const char *first, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  CliRun r = { 0 };
  va_list ap;
  int wait_status = 0;

  g_ptr_array_add (args, (gpointer) g_getenv ("COPYIST_CLI"));
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &r.out, &r.err, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  r.status = WEXITSTATUS (wait_status);
  return r;
}

static void
cli_run_clear (CliRun *r)
{
  g_free (r->out);
  g_free (r->err);
}

static void
test_version (void)
{
  CliRun r = run_cli ("--version", NULL);
  g_autofree char *expected = g_strdup_printf ("copyist-cli %s\n", PACKAGE_VERSION);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, expected);
  cli_run_clear (&r);
}

static void
test_help (void)
{
  CliRun r = run_cli ("--help", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "Usage: copyist-cli COMMAND"));
  cli_run_clear (&r);
}

static void
test_unknown_command (void)
{
  CliRun r = run_cli ("frobnicate", NULL);

  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "unknown command"));
  g_assert_nonnull (strstr (r.err, "frobnicate"));
  cli_run_clear (&r);

  r = run_cli (NULL);
  g_assert_cmpint (r.status, ==, 1);
  cli_run_clear (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("COPYIST_CLI"));
  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/unknown-command", test_unknown_command);
  return g_test_run ();
}
