/* test-limits.c — inputs too big to handle get a clear message that says
 * how big and what the limit is, before anything big is allocated: a
 * spreadsheet over the configured size (copyist-cli import --max-rows /
 * --max-file-size), a 1 GB single cell (a generated file streamed through
 * the reader: mapped, never copied), a model or vocabulary too large for
 * memory. */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "copyist-project.h"
#include "copyist-table.h"
#include "engine.h"

#include "test-util.h"

static void
assert_contains (const char *text, const char *const *needles)
{
  for (guint i = 0; needles[i] != NULL; i++)
    if (strstr (text, needles[i]) == NULL)
      g_error ("“%s” not in: %s", needles[i], text);
}

/* ---- a 1 GB cell ------------------------------------------------------------ */

/* Writes HEAD, then BYTES bytes of a cell body (with a "" pair every 64 KiB,
 * so the reader must unescape it), then TAIL, in 1 MiB writes. */
static void
write_big_cell (const char *path, const char *head, guint64 bytes, const char *tail)
{
  const gsize chunk = 1 << 20;
  g_autofree char *buf = g_malloc (chunk);
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  g_assert_cmpint (fd, >=, 0);
  memset (buf, 'x', chunk);
  for (gsize i = 65536; i + 1 < chunk; i += 65536)
    buf[i] = buf[i + 1] = '"';
  g_assert_cmpint (write (fd, head, strlen (head)), ==, (gssize) strlen (head));
  for (guint64 done = 0; done < bytes; done += chunk)
    {
      gsize n = (gsize) MIN ((guint64) chunk, bytes - done);
      g_assert_cmpint (write (fd, buf, n), ==, (gssize) n);
    }
  g_assert_cmpint (write (fd, tail, strlen (tail)), ==, (gssize) strlen (tail));
  g_assert_cmpint (close (fd), ==, 0);
}

static void
test_gigabyte_cell (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("copyist-limits-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "huge-cell.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  CopyistTable *table;

  /* 1 000 000 000 bytes in the third line's second cell, under the 1 GiB
   * file limit: only the cell limit (4 MiB) can refuse it. */
  write_big_cell (path, "SKU,Name\n1,Tee\n2,\"", G_GUINT64_CONSTANT (1000000000), "\"\n3,Mug\n");
  table = copyist_table_read (file, NULL, NULL, NULL, NULL, &error);
  g_assert_null (table);
  g_assert_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_LIMIT);
  g_test_message ("%s", error->message);
  assert_contains (error->message, (const char *const[]) { "huge-cell.csv", "line 3", "column 2", "4194304 bytes", NULL });
  g_remove (path);
  g_rmdir (dir);
}

/* ---- a spreadsheet over the configured limit (CLI) --------------------------- */

static void
test_spreadsheet_limits_cli (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("copyist-limits-XXXXXX", &error);
  g_autofree char *csv = g_build_filename (dir, "catalog.csv", NULL);
  g_autofree char *project = g_build_filename (dir, "shop.copyist", NULL);
  g_autoptr(GString) s = g_string_new ("SKU,Name,Description\n");
  CliRun r;

  for (int i = 0; i < 50; i++)
    g_string_append_printf (s, "S%03d,Shirt %d,A soft shirt number %d\n", i, i, i);
  g_assert_true (g_file_set_contents (csv, s->str, (gssize) s->len, &error));

  /* More rows than --max-rows: refused, nothing imported. */
  r = COPYIST_TEST_RUN ("import", "--project", project, "--max-rows", "20", csv);
  g_assert_cmpint (r.status, !=, 0);
  g_test_message ("%s", r.err);
  assert_contains (r.err, (const char *const[]) { "catalog.csv", "more than 20 rows", NULL });
  copyist_test_cli_run_clear (&r);

  /* A file over --max-file-size (in MB). */
  r = COPYIST_TEST_RUN ("import", "--project", project, "--max-file-size", "0.001", csv);
  g_assert_cmpint (r.status, !=, 0);
  g_test_message ("%s", r.err);
  assert_contains (r.err, (const char *const[]) { "catalog.csv", "bytes", "up to 1048 bytes", NULL });
  copyist_test_cli_run_clear (&r);

  /* A cell over --max-cell-size (in KB). */
  {
    g_autofree char *big = g_build_filename (dir, "long.csv", NULL);
    g_autoptr(GString) t = g_string_new ("SKU,Name\n1,");
    for (int i = 0; i < 3000; i++)
      g_string_append_c (t, 'y');
    g_string_append_c (t, '\n');
    g_assert_true (g_file_set_contents (big, t->str, (gssize) t->len, &error));
    r = COPYIST_TEST_RUN ("import", "--project", project, "--max-cell-size", "2", big);
    g_assert_cmpint (r.status, !=, 0);
    g_test_message ("%s", r.err);
    assert_contains (r.err, (const char *const[]) { "long.csv", "line 2", "column 2", "2048 bytes", NULL });
    copyist_test_cli_run_clear (&r);
    g_remove (big);
  }

  /* Within the limits it imports, and the refused runs changed nothing before. */
  r = COPYIST_TEST_RUN ("import", "--project", project, "--max-rows", "100", csv);
  g_assert_cmpint (r.status, ==, 0);
  copyist_test_cli_run_clear (&r);
  {
    g_autoptr(GFile) pf = g_file_new_for_path (project);
    g_autoptr(CopyistProject) p = copyist_project_open (pf, FALSE, &error);
    g_assert_no_error (error);
    g_assert_cmpint (copyist_project_count_products (p, NULL), ==, 50);
    g_assert_true (copyist_project_close (p, NULL));
  }

  r = COPYIST_TEST_RUN ("import", "--project", project, "--max-rows", "-1", csv);
  g_assert_cmpint (r.status, !=, 0);
  assert_contains (r.err, (const char *const[]) { "--max-rows", NULL });
  copyist_test_cli_run_clear (&r);
  copyist_test_remove_tree (dir);
}

/* ---- a model or vocabulary too large for memory -------------------------------- */

static void
test_model_too_large (void)
{
  CeModelConfig cfg;
  CeStatus st = CE_OK;
  char msg[CE_MSG_SIZE];
  CeModel *model;

  /* A vocabulary of a million words at 512 dimensions: about 1 G
   * parameters, 16 GiB with gradients and Adam's moments. Refused before
   * allocating, saying how big and the limit. */
  ce_model_config_default (&cfg, CE_MODEL_CVAE, 1000000, 8);
  cfg.emb = 512;
  cfg.hidden = 256;
  model = ce_model_new (&cfg, 1, &st, msg);
  g_assert_null (model);
  g_assert_cmpint (st, ==, CE_ERR_LIMIT);
  g_test_message ("%s", msg);
  assert_contains (msg, (const char *const[]) { "too large", "parameters", "vocabulary 1000000", "MiB",
                                                "the limit is", NULL });

  /* A vocabulary so large that one tensor would overflow the BLAS indices. */
  ce_model_config_default (&cfg, CE_MODEL_CVAE, 4000000, 8);
  cfg.emb = 1024;
  model = ce_model_new (&cfg, 1, &st, msg);
  g_assert_null (model);
  g_assert_cmpint (st, ==, CE_ERR_LIMIT);
  g_test_message ("%s", msg);
  assert_contains (msg, (const char *const[]) { "vocabulary 4000000", "too large", "the limit is", NULL });

  /* An ordinary model still fits. */
  ce_model_config_default (&cfg, CE_MODEL_CVAE, 5000, 8);
  model = ce_model_new (&cfg, 1, &st, msg);
  g_assert_nonnull (model);
  ce_model_free (model);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/limits/gigabyte-cell", test_gigabyte_cell);
  g_test_add_func ("/cli/limits/spreadsheet", test_spreadsheet_limits_cli);
  g_test_add_func ("/cli/limits/model-too-large", test_model_too_large);
  return g_test_run ();
}
