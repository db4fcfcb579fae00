/* test-cli-project.c — copyist-cli import / export / info on a project, run
 * as a user would (the binary from COPYIST_CLI). */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "copyist-project.h"
#include "test-util.h"

#define RUN COPYIST_TEST_RUN
#define clear_run copyist_test_cli_run_clear

/* A user error: exit 1, exactly one line on stderr mentioning FRAGMENT. */
static void
assert_user_error (CliRun *r, const char *fragment)
{
  g_assert_cmpint (r->status, ==, 1);
  g_assert_true (g_str_has_prefix (r->err, "copyist-cli "));
  g_assert_cmpint (strchr (r->err, '\n') - r->err, ==, (long) strlen (r->err) - 1);
  if (fragment != NULL && strstr (r->err, fragment) == NULL)
    g_error ("stderr “%s” does not mention “%s”", r->err, fragment);
  clear_run (r);
}

typedef struct {
  char *dir;
  char *project;
  char *csv;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  if (g_getenv ("COPYIST_CLI") == NULL)
    return;
  f->dir = g_dir_make_tmp ("copyist-cli-XXXXXX", &error);
  g_assert_no_error (error);
  f->project = g_build_filename (f->dir, "shop.copyist", NULL);
  f->csv = g_build_filename (f->dir, "products.csv", NULL);
  g_assert_true (g_file_set_contents (f->csv,
    "SKU,Title,Colour,Description,Warehouse\r\n"
    "00123,Linen shirt,white,A crisp linen shirt.,B-7\r\n"
    "A-2,真丝围巾,红色,,C-1\r\n"
    "A-3,\"Wool, scarf\",grey,\"Warm\nand soft\",C-2\r\n", -1, &error));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) d = NULL;
  const char *name;

  if (f->dir == NULL)
    return;
  d = g_dir_open (f->dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_remove (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->project);
  g_free (f->csv);
}

static gboolean
skip_without_cli (void)
{
  if (g_getenv ("COPYIST_CLI") != NULL)
    return FALSE;
  g_test_skip ("COPYIST_CLI is not set (run through meson test)");
  return TRUE;
}

static void
test_import_info_export (Fixture *f, gconstpointer data)
{
  g_autofree char *out_csv = NULL;
  g_autofree char *out_json = NULL;
  g_autofree char *contents = NULL;
  CliRun r;

  if (skip_without_cli ())
    return;
  g_assert_false (g_file_test (f->project, G_FILE_TEST_EXISTS));
  r = RUN ("import", "--project", f->project, f->csv);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "3 imported, 0 updated"));
  clear_run (&r);
  g_assert_true (g_file_test (f->project, G_FILE_TEST_EXISTS));

  r = RUN ("info", "--project", f->project);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "3 products\n"));
  g_assert_nonnull (strstr (r.out, "3 new, 0 generated, 0 edited, 0 approved"));
  g_assert_nonnull (strstr (r.out, "0 models"));
  clear_run (&r);

  /* Importing again updates by SKU. */
  r = RUN ("import", "--project", f->project, f->csv);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "0 imported, 3 updated"));
  clear_run (&r);
  /* … or skips them with --create-only, each with its reason. */
  r = RUN ("import", "--project", f->project, f->csv, "--create-only");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "3 skipped"));
  g_assert_nonnull (strstr (r.out, "(SKU 00123): a product with this SKU is already in the project"));
  clear_run (&r);

  out_csv = g_build_filename (f->dir, "out.csv", NULL);
  r = RUN ("export", "--project", f->project, "--format", "csv", "--out", out_csv);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Exported 3 products"));
  clear_run (&r);
  g_assert_true (g_file_get_contents (out_csv, &contents, NULL, NULL));
  /* SKU kept as text, CJK and the untouched Warehouse column round-trip. */
  g_assert_nonnull (strstr (contents, "00123"));
  g_assert_nonnull (strstr (contents, "真丝围巾"));
  g_assert_nonnull (strstr (contents, "Warehouse"));
  g_assert_nonnull (strstr (contents, "C-2"));
  g_clear_pointer (&contents, g_free);

  out_json = g_build_filename (f->dir, "out.json", NULL);
  r = RUN ("export", "--project", f->project, "--format", "json", "--out", out_json);
  g_assert_cmpint (r.status, ==, 0);
  clear_run (&r);
  g_assert_true (g_file_get_contents (out_json, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"Wool, scarf\""));

  /* Nothing approved yet. */
  r = RUN ("export", "--project", f->project, "--format", "csv", "--out", out_csv, "--approved-only");
  assert_user_error (&r, "no approved products");

  /* training on a project: an unknown precision is refused before anything runs */
  r = RUN ("train", "--project", f->project, "--precision", "fp16");
  assert_user_error (&r, "unknown --precision “fp16” (use fp32 or bf16)");
}

static void
test_info_lists_models_and_runs (Fixture *f, gconstpointer data)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(CopyistProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) ckpt = g_bytes_new_static ("checkpoint", 10);
  gint64 model = 0, run = 0;
  CliRun r;

  if (skip_without_cli ())
    return;
  file = g_file_new_for_path (f->project);
  project = copyist_project_open (file, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (copyist_project_add_model (project, "Descriptions v1", "gan", COPYIST_FIELD_DESCRIPTION, "en",
                                            ckpt, "{\"bleu\":0.21}", &model, &error));
  g_assert_true (copyist_project_add_run (project, "gan", COPYIST_FIELD_DESCRIPTION, &run, &error));
  g_assert_true (copyist_project_update_run (project, run, "finished", "[]", "{\"bleu\":0.21}", model, &error));
  g_assert_no_error (error);
  g_assert_true (copyist_project_close (project, NULL));

  r = RUN ("info", "--project", f->project);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "0 products\n"));
  g_assert_nonnull (strstr (r.out, "1 model\n"));
  g_assert_nonnull (strstr (r.out, "gan  description  en"));
  g_assert_nonnull (strstr (r.out, "Descriptions v1"));
  g_assert_nonnull (strstr (r.out, "1 recent training run\n"));
  g_assert_nonnull (strstr (r.out, "finished"));
  clear_run (&r);
}

static void
test_user_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = NULL;
  g_autofree char *not_project = NULL;
  g_autofree char *out = NULL;
  CliRun r;

  if (skip_without_cli ())
    return;
  missing = g_build_filename (f->dir, "missing.copyist", NULL);
  not_project = g_build_filename (f->dir, "notes.copyist", NULL);
  out = g_build_filename (f->dir, "out.csv", NULL);
  g_assert_true (g_file_set_contents (not_project, "just some notes\n", -1, NULL));

  r = RUN ("info", "--project", missing);
  assert_user_error (&r, "no such project file");
  r = RUN ("export", "--project", missing, "--format", "csv", "--out", out);
  assert_user_error (&r, "no such project file");
  /* Neither created the project. */
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  r = RUN ("info");
  assert_user_error (&r, "--project");
  r = RUN ("info", "--project", not_project);
  assert_user_error (&r, "not a Copyist project");
  r = RUN ("import", "--project", not_project, f->csv);
  assert_user_error (&r, "not a Copyist project");

  /* A file that cannot be read creates no project. */
  r = RUN ("import", "--project", missing, "/nonexistent/products.csv");
  assert_user_error (&r, "products.csv");
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  r = RUN ("import", "--project", missing);
  assert_user_error (&r, "which file");
  r = RUN ("import", "--project", missing, f->csv, "--map", "bogus=Title");
  assert_user_error (&r, "bogus");
  r = RUN ("import", "--project", missing, f->csv, "--map", "title=NoSuchColumn");
  assert_user_error (&r, "NoSuchColumn");
  r = RUN ("import", "--project", missing, f->csv, "--delimiter", "ab");
  assert_user_error (&r, "--delimiter");
  r = RUN ("import", "--project", missing, f->csv, "--frobnicate");
  assert_user_error (&r, "frobnicate");

  r = RUN ("import", "--project", f->project, f->csv);
  g_assert_cmpint (r.status, ==, 0);
  clear_run (&r);
  r = RUN ("export", "--project", f->project, "--format", "pdf", "--out", out);
  assert_user_error (&r, "--format");
  r = RUN ("export", "--project", f->project, "--format", "csv");
  assert_user_error (&r, "--out");
  r = RUN ("export", "--project", f->project, "--format", "csv", "--out", "/nonexistent/dir/out.csv");
  assert_user_error (&r, NULL);
  /* The language to write in: auto, en or zh, nothing else. */
  r = RUN ("generate", "--project", f->project, "--language", "fr");
  assert_user_error (&r, "“fr”");
  r = RUN ("generate", "--project", f->project, "--help");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "--language"));
  clear_run (&r);

  /* --help is not an error. */
  r = RUN ("import", "--help");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "copyist-cli import"));
  g_assert_nonnull (strstr (r.out, "--map"));
  clear_run (&r);
}

static void
test_map_option (Fixture *f, gconstpointer data)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(CopyistProject) project = NULL;
  g_autoptr(CopyistRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  CliRun r;

  if (skip_without_cli ())
    return;
  /* Warehouse as the category, and the mapping is remembered for next time. */
  r = RUN ("import", "--project", f->project, f->csv, "--map", "category=Warehouse");
  g_assert_cmpint (r.status, ==, 0);
  clear_run (&r);
  r = RUN ("import", "--project", f->project, f->csv);
  g_assert_cmpint (r.status, ==, 0);
  clear_run (&r);

  file = g_file_new_for_path (f->project);
  project = copyist_project_open (file, FALSE, &error);
  g_assert_no_error (error);
  ids = copyist_project_dup_product_ids (project, &error);
  record = copyist_project_get_record (project, g_array_index (ids, gint64, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (record->category, ==, "B-7");
  g_assert_cmpstr (record->sku, ==, "00123");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/cli/project/import-info-export", test_import_info_export);
  ADD ("/cli/project/info-models-runs", test_info_lists_models_and_runs);
  ADD ("/cli/project/user-errors", test_user_errors);
  ADD ("/cli/project/map-option", test_map_option);
#undef ADD
  return g_test_run ();
}
