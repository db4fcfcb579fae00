/* test-cli.c — copyist-cli as a user runs it */
#include "config.h"

#include <glib.h>

#include "test-util.h"

#define run_cli COPYIST_TEST_RUN
#define cli_run_clear copyist_test_cli_run_clear

static void
test_version (void)
{
  CliRun r = run_cli ("--version");
  g_autofree char *expected = g_strdup_printf ("copyist-cli %s\n", PACKAGE_VERSION);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, expected);
  cli_run_clear (&r);
}

static void
test_help (void)
{
  CliRun r = run_cli ("--help");

  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "Usage: copyist-cli COMMAND"));
  cli_run_clear (&r);
}

static void
test_unknown_command (void)
{
  CliRun r = run_cli ("frobnicate");

  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "unknown command"));
  g_assert_nonnull (strstr (r.err, "frobnicate"));
  cli_run_clear (&r);

  r = copyist_test_run_cli ((const char *const[]) { NULL });
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
