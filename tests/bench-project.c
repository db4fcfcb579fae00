/* bench-project.c — the project store at merchant scale (suite bench).
 *
 * 1. Insert 100 000 products (one import, one transaction, one undo step)
 *    — target ≤ 2 s — compared, in the same run, with the sqlite3 shell
 *    executing the same rows as plain INSERTs in one transaction (no
 *    search index, no history: the practical limit).
 * 2. Open the project and get the first page of the lazy list — ≤ 200 ms.
 * 3. Random access in the list model — ≤ 1 ms per row.
 * Also: search, a status filter, a hand edit with the list following it,
 * and undoing the whole import. Prints numbers; never fails on speed. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "copyist-product-list.h"
#include "copyist-project.h"

#define N_PRODUCTS 100000
#define N_RANDOM 20000

static const char *const colors[] = { "red", "blue", "green", "black", "white", "grey", "navy", "beige" };
static const char *const materials[] = { "cotton", "linen", "wool", "silk", "polyester", "leather" };
static const char *const sizes[] = { "XS", "S", "M", "L", "XL" };
static const char *const categories[] = { "Shirts", "Dresses", "Scarves", "Hats", "Shoes", "Bags", "围巾", "连衣裙" };
static const char *const headers[] = { "SKU", "Title", "Category", "Brand", "Colour", "Material", "Size", "Price",
                                       "Stock", "Warehouse", NULL };

static double
seconds_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

/* CPU seconds of this process: on a shared machine the wall clock also
 * counts other people's work, so both are printed. */
static double
cpu_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static CopyistRecord *
make_record (guint i)
{
  CopyistRecord *r = copyist_record_new ();
  char *row[11];

  r->sku = g_strdup_printf ("SKU-%06u", i);
  r->title = g_strdup_printf ("%s %s %s no. %u", colors[i % 8], materials[i % 6],
                              i % 8 == 6 ? "围巾" : "shirt", i);
  r->category = g_strdup (categories[i % 8]);
  r->source_format = g_strdup ("csv");
  r->source_headers = g_strdupv ((char **) headers);
  copyist_record_set_attribute (r, "brand", "Acme");
  copyist_record_set_attribute (r, "color", colors[i % 8]);
  copyist_record_set_attribute (r, "material", materials[i % 6]);
  copyist_record_set_attribute (r, "size", sizes[i % 5]);
  copyist_record_set_attribute (r, "price", "19.90");
  copyist_record_set_attribute (r, "Stock", "12");
  copyist_record_set_attribute (r, "Warehouse", "B-7");
  row[0] = r->sku;
  row[1] = r->title;
  row[2] = r->category;
  row[3] = (char *) "Acme";
  row[4] = (char *) colors[i % 8];
  row[5] = (char *) materials[i % 6];
  row[6] = (char *) sizes[i % 5];
  row[7] = (char *) "19.90";
  row[8] = (char *) "12";
  row[9] = (char *) "B-7";
  row[10] = NULL;
  g_ptr_array_add (r->source_rows, g_strdupv (row));
  return r;
}

static void
sql_quote (GString *out, const char *s)
{
  g_string_append_c (out, '\'');
  for (const char *p = s; *p; p++)
    {
      if (*p == '\'')
        g_string_append_c (out, '\'');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
}

/* The same rows as plain SQL for the sqlite3 shell. */
static char *
write_reference_sql (const char *dir, GPtrArray *records)
{
  char *path = g_build_filename (dir, "reference.sql", NULL);
  GString *sql = g_string_sized_new (64 << 20);

  g_string_append (sql, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;\n"
                        "CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT, title TEXT, category TEXT, "
                        "language TEXT, status TEXT, source_format TEXT, source_headers TEXT, source_rows TEXT, "
                        "position INTEGER);\n"
                        "CREATE TABLE attributes (product_id INTEGER, position INTEGER, key TEXT, value TEXT, "
                        "PRIMARY KEY (product_id, position)) WITHOUT ROWID;\n"
                        "CREATE INDEX products_sku ON products (sku);\n"
                        "BEGIN;\n");
  for (guint i = 0; i < records->len; i++)
    {
      CopyistRecord *r = records->pdata[i];
      g_string_append_printf (sql, "INSERT INTO products VALUES (%u, ", i + 1);
      sql_quote (sql, r->sku);
      g_string_append_c (sql, ',');
      sql_quote (sql, r->title);
      g_string_append_c (sql, ',');
      sql_quote (sql, r->category);
      g_string_append (sql, ",'en','new','csv','[\"SKU\",\"Title\",\"Category\",\"Brand\",\"Colour\",\"Material\","
                            "\"Size\",\"Price\",\"Stock\",\"Warehouse\"]',");
      {
        g_autofree char *joined = g_strjoinv ("\",\"", r->source_rows->pdata[0]);
        g_autofree char *row = g_strdup_printf ("[[\"%s\"]]", joined);
        sql_quote (sql, row);
      }
      g_string_append_printf (sql, ",%u);\n", i + 1);
      for (guint a = 0; a < r->attributes->len; a++)
        {
          CopyistAttribute *attr = r->attributes->pdata[a];
          g_string_append_printf (sql, "INSERT INTO attributes VALUES (%u,%u,", i + 1, a);
          sql_quote (sql, attr->key);
          g_string_append_c (sql, ',');
          sql_quote (sql, attr->value);
          g_string_append (sql, ");\n");
        }
    }
  g_string_append (sql, "COMMIT;\n");
  g_assert_true (g_file_set_contents (path, sql->str, (gssize) sql->len, NULL));
  g_string_free (sql, TRUE);
  return path;
}

static double
time_sqlite3_shell (const char *dir, const char *sql_path, double *cpu)
{
  struct rusage before, after;
  g_autofree char *shell = g_find_program_in_path ("sqlite3");
  g_autofree char *db = g_build_filename (dir, "reference.db", NULL);
  g_autofree char *command = NULL;
  g_autofree char *shell_out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  gint64 start;

  if (shell == NULL)
    return -1.0;
  command = g_strdup_printf ("sh -c '\"%s\" \"%s\" < \"%s\"'", shell, db, sql_path);
  getrusage (RUSAGE_CHILDREN, &before);
  start = g_get_monotonic_time ();
  if (!g_spawn_command_line_sync (command, &shell_out, NULL, &status, &error) || !g_spawn_check_wait_status (status, NULL))
    return -1.0;
  getrusage (RUSAGE_CHILDREN, &after);
  *cpu = (double) (after.ru_utime.tv_sec - before.ru_utime.tv_sec + after.ru_stime.tv_sec - before.ru_stime.tv_sec)
         + (double) (after.ru_utime.tv_usec - before.ru_utime.tv_usec + after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6;
  return seconds_since (start);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("copyist-bench-project-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "bench.copyist", NULL);
  g_autofree char *sql_path = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_record_free);
  CopyistProject *project;
  CopyistProductList *list;
  CopyistImportReport report;
  double t_insert, t_shell, t_open, t_page, t_random, t_search, t_filter, t_edit, t_undo;
  double c_insert, c_shell = 0, c_page, c_random, c_undo, c0;
  guint n_search, n_filter, loads_before;
  GRand *rand = g_rand_new_with_seed (42);
  gint64 start;

  g_assert_no_error (error);
  for (guint i = 0; i < N_PRODUCTS; i++)
    g_ptr_array_add (records, make_record (i));

  /* 1. Insert. */
  project = copyist_project_open (file, TRUE, &error);
  g_assert_no_error (error);
  copyist_import_report_init (&report);
  start = g_get_monotonic_time ();
  c0 = cpu_now ();
  g_assert_true (copyist_project_import_records (project, records, COPYIST_IMPORT_UPDATE_OR_CREATE, &report, &error));
  t_insert = seconds_since (start);
  c_insert = cpu_now () - c0;
  g_assert_no_error (error);
  g_assert_cmpuint (report.created, ==, N_PRODUCTS);
  copyist_import_report_clear (&report);
  g_assert_true (copyist_project_close (project, NULL));
  g_object_unref (project);

  sql_path = write_reference_sql (dir, records);
  t_shell = time_sqlite3_shell (dir, sql_path, &c_shell);

  /* 2. Open and the first page. */
  start = g_get_monotonic_time ();
  c0 = cpu_now ();
  project = copyist_project_open (file, FALSE, &error);
  g_assert_no_error (error);
  t_open = seconds_since (start);
  list = copyist_product_list_new (project);
  for (guint i = 0; i < 50; i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), i));
  t_page = seconds_since (start);
  c_page = cpu_now () - c0;
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N_PRODUCTS);

  /* 3. Random access (every access may miss the 64-page cache). */
  loads_before = copyist_product_list_get_page_loads (list);
  start = g_get_monotonic_time ();
  c0 = cpu_now ();
  for (guint i = 0; i < N_RANDOM; i++)
    {
      guint pos = (guint) g_rand_int_range (rand, 0, N_PRODUCTS);
      CopyistProductItem *item = g_list_model_get_item (G_LIST_MODEL (list), pos);
      g_assert_nonnull (copyist_product_item_get_sku (item));
      g_object_unref (item);
    }
  t_random = seconds_since (start);
  c_random = cpu_now () - c0;

  /* Search, filter, an edit the list follows, undo of the whole import. */
  start = g_get_monotonic_time ();
  copyist_product_list_set_search (list, "linen shirt no. 99");
  t_search = seconds_since (start);
  n_search = g_list_model_get_n_items (G_LIST_MODEL (list));
  copyist_product_list_set_search (list, NULL);
  start = g_get_monotonic_time ();
  copyist_product_list_set_category_filter (list, "围巾");
  t_filter = seconds_since (start);
  n_filter = g_list_model_get_n_items (G_LIST_MODEL (list));
  copyist_product_list_set_category_filter (list, NULL);
  start = g_get_monotonic_time ();
  g_assert_true (copyist_project_set_text (project, copyist_product_list_get_id_at (list, 500), COPYIST_FIELD_DESCRIPTION,
                                           "A hand-written description.", NULL, &error));
  t_edit = seconds_since (start);
  g_assert_true (copyist_project_undo (project, NULL));
  start = g_get_monotonic_time ();
  c0 = cpu_now ();
  g_assert_true (copyist_project_undo (project, &error));
  t_undo = seconds_since (start);
  c_undo = cpu_now () - c0;
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);

  printf ("# project store, %d products (file %s)\n", N_PRODUCTS, path);
  printf ("insert %d products (import, 1 transaction, 1 undo step): %.3f s wall, %.3f s CPU (target <= 2 s)\n",
          N_PRODUCTS, t_insert, c_insert);
  if (t_shell >= 0)
    printf ("sqlite3 shell, same rows as plain INSERTs in 1 transaction: %.3f s wall, %.3f s CPU "
            "-> ratio %.2fx wall, %.2fx CPU\n", t_shell, c_shell, t_insert / t_shell, c_insert / c_shell);
  else
    printf ("sqlite3 shell not found: reference skipped\n");
  printf ("open project: %.1f ms; open + list + first page (50 rows): %.1f ms wall, %.1f ms CPU (target <= 200 ms)\n",
          t_open * 1000, t_page * 1000, c_page * 1000);
  printf ("random access: %d rows in %.3f s = %.4f ms/row wall, %.4f ms/row CPU, %u page loads (target <= 1 ms/row)\n",
          N_RANDOM, t_random, t_random * 1000 / N_RANDOM, c_random * 1000 / N_RANDOM,
          copyist_product_list_get_page_loads (list) - loads_before);
  printf ("search \"linen shirt no. 99\": %u rows in %.1f ms; category filter: %u rows in %.1f ms\n", n_search,
          t_search * 1000, n_filter, t_filter * 1000);
  printf ("hand edit with the list following it: %.1f ms; undo the 100 000-product import: %.2f s wall, %.2f s CPU\n",
          t_edit * 1000, t_undo, c_undo);

  g_object_unref (list);
  g_object_unref (project);
  g_rand_free (rand);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);
        g_remove (p);
      }
    g_rmdir (dir);
  }
  return 0;
}
