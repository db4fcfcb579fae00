/* bench-import.c — import speed and memory against pandas, in one run.
 *
 * Generates a 100 000-row, 20-column product sheet as CSV and as XLSX,
 * imports each in a forked child (so peak RSS is the import's own) with
 * copyist_table_read() and copyist_import_records(), then times pandas
 * read_csv / read_excel (openpyxl) on the same files and prints ratios.
 * Targets: CSV <= 1.5 s, XLSX <= 6 s. Never fails on a slow machine.
 *
 *   bench-import [--rows N] [--dir DIR]      (run by build-aux/bench-import.sh)
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "copyist-import.h"

#define N_COLUMNS 20

static const char *headers[N_COLUMNS] = {
  "SKU", "Title", "Brand", "Colour", "Material", "Size", "Price", "Category", "Description", "Ad copy",
  "EAN", "Weight", "Origin", "Season", "Gender", "Pattern", "Fit", "Care", "Stock", "Tags",
};

static const char *colours[] = { "Red", "Blue", "白色", "Black", "Green", "灰色", "Navy", "Beige" };
static const char *materials[] = { "Cotton", "纯棉", "Linen", "Wool", "Denim", "Silk", "Polyester" };
static const char *sizes[] = { "XS", "S", "M", "L", "XL", "XXL" };
static const char *cats[] = { "Tops", "Jeans", "上衣", "Dresses", "Outerwear", "Accessories" };

static void
cell_text (guint r, guint c, GString *out)
{
  g_string_truncate (out, 0);
  switch (c)
    {
    case 0: g_string_append_printf (out, "%07u", r); break;
    case 1:
      if (r % 5 == 0)
        g_string_append_printf (out, "纯棉圆领T恤 %u", r);
      else
        g_string_append_printf (out, "Classic %s tee no. %u", colours[r % 8], r);
      break;
    case 2: g_string_append (out, r % 3 ? "Acme" : "北极星"); break;
    case 3: g_string_append (out, colours[r % G_N_ELEMENTS (colours)]); break;
    case 4: g_string_append (out, materials[r % G_N_ELEMENTS (materials)]); break;
    case 5: g_string_append (out, sizes[r % G_N_ELEMENTS (sizes)]); break;
    case 6: g_string_append_printf (out, "%u.%02u", 5 + r % 200, r % 100); break;
    case 7: g_string_append (out, cats[r % G_N_ELEMENTS (cats)]); break;
    case 8:
      g_string_append_printf (out, "A soft, breathable %s piece in %s, cut for everyday wear. "
                              "Machine washable, \"easy care\", and made to last.%s",
                              materials[r % 7], colours[r % 8], r % 10 == 0 ? "\nSecond line." : "");
      break;
    case 9: g_string_append_printf (out, "New in %s: made for you", colours[r % 8]); break;
    case 10: g_string_append_printf (out, "400638%07u", r); break;
    case 11: g_string_append_printf (out, "%u g", 100 + r % 900); break;
    case 12: g_string_append (out, r % 2 ? "Portugal" : "中国"); break;
    case 13: g_string_append (out, r % 4 == 0 ? "SS24" : "AW24"); break;
    case 14: g_string_append (out, r % 2 ? "women" : "men"); break;
    case 15: g_string_append (out, r % 3 ? "solid" : "striped"); break;
    case 16: g_string_append (out, r % 2 ? "regular" : "slim"); break;
    case 17: g_string_append (out, "30°C wash"); break;
    case 18: g_string_append_printf (out, "%u", r % 500); break;
    default: g_string_append (out, "summer, basics"); break;
    }
}

static void
csv_cell (GString *line, const char *v)
{
  if (strpbrk (v, ",\"\n") == NULL)
    {
      g_string_append (line, v);
      return;
    }
  g_string_append_c (line, '"');
  for (const char *p = v; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

static void
generate (const char *csv_path, const char *xlsx_path, guint rows)
{
  FILE *f = fopen (csv_path, "w");
  lxw_workbook_options opts = { .constant_memory = LXW_TRUE };
  lxw_workbook *wb = workbook_new_opt (xlsx_path, &opts);
  lxw_worksheet *ws = workbook_add_worksheet (wb, "Products");
  GString *line = g_string_new (NULL);
  GString *cell = g_string_new (NULL);

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      if (c > 0)
        g_string_append_c (line, ',');
      g_string_append (line, headers[c]);
      worksheet_write_string (ws, 0, (lxw_col_t) c, headers[c], NULL);
    }
  g_string_append (line, "\r\n");
  fputs (line->str, f);
  for (guint r = 1; r <= rows; r++)
    {
      g_string_truncate (line, 0);
      for (guint c = 0; c < N_COLUMNS; c++)
        {
          cell_text (r, c, cell);
          if (c > 0)
            g_string_append_c (line, ',');
          csv_cell (line, cell->str);
          /* Numbers as numbers in the workbook, the rest as text. */
          if (c == 6 || c == 18)
            worksheet_write_number (ws, (lxw_row_t) r, (lxw_col_t) c, g_ascii_strtod (cell->str, NULL), NULL);
          else
            worksheet_write_string (ws, (lxw_row_t) r, (lxw_col_t) c, cell->str, NULL);
        }
      g_string_append (line, "\r\n");
      fputs (line->str, f);
    }
  fclose (f);
  workbook_close (wb);
  g_string_free (line, TRUE);
  g_string_free (cell, TRUE);
}

typedef struct {
  double read_s, records_s, cpu_s, read_cpu_s;
  long   max_rss_kb, read_rss_kb;
  guint  rows, products;
  gboolean ok;
} Result;

/* Imports PATH in a child process so its peak RSS is the import's own. */
static Result
measure_copyist (const char *path)
{
  int fds[2];
  Result res = { 0 };
  pid_t pid;

  if (pipe (fds) != 0)
    return res;
  pid = fork ();
  if (pid == 0)
    {
      Result r = { 0 };
      g_autoptr(GError) error = NULL;
      g_autoptr(GFile) file = g_file_new_for_path (path);
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(CopyistTable) table = copyist_table_read (file, NULL, NULL, NULL, NULL, &error);
      gint64 t1 = g_get_monotonic_time ();
      struct rusage after_read;
      getrusage (RUSAGE_SELF, &after_read);
      r.read_rss_kb = after_read.ru_maxrss;
      r.read_cpu_s = (double) after_read.ru_utime.tv_sec + after_read.ru_utime.tv_usec / 1e6
                     + (double) after_read.ru_stime.tv_sec + after_read.ru_stime.tv_usec / 1e6;
      if (table != NULL)
        {
          g_autoptr(GPtrArray) records = copyist_import_records (table, NULL, COPYIST_IMPORT_FLAVOR_AUTO, NULL, &error);
          gint64 t2 = g_get_monotonic_time ();
          struct rusage ru;
          getrusage (RUSAGE_SELF, &ru);
          r.read_s = (double) (t1 - t0) / 1e6;
          r.records_s = (double) (t2 - t1) / 1e6;
          r.max_rss_kb = ru.ru_maxrss;
          /* CPU time too: on a shared machine wall time includes waiting. */
          r.cpu_s = (double) ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6
                    + (double) ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
          r.rows = table->rows->len;
          r.products = records != NULL ? records->len : 0;
          r.ok = records != NULL;
        }
      if (error != NULL)
        fprintf (stderr, "import failed: %s\n", error->message);
      if (write (fds[1], &r, sizeof r) != (ssize_t) sizeof r)
        _exit (2);
      _exit (0);
    }
  close (fds[1]);
  if (read (fds[0], &res, sizeof res) != (ssize_t) sizeof res)
    res.ok = FALSE;
  close (fds[0]);
  waitpid (pid, NULL, 0);
  return res;
}

static const char pandas_script[] =
  "import sys, time, resource\n"
  "import pandas as pd\n"
  "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
  "t = time.perf_counter(); df = pd.read_%s(sys.argv[1], dtype=str, keep_default_na=False%s); d = time.perf_counter() - t\n"
  "print('%%.4f %%d %%d %%d' %% (d, len(df), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, base))\n";

static gboolean
measure_pandas (const char *kind, const char *path, double *seconds, long *rss_kb, long *base_kb)
{
  g_autofree char *script = g_strdup_printf (pandas_script, kind,
                                             strcmp (kind, "excel") == 0 ? ", engine='openpyxl'" : "");
  /* Debian's python3 (with python3-pandas), not a python3 earlier in PATH. */
  const char *python = g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) ? "/usr/bin/python3" : "python3";
  const char *argv[] = { python, "-c", script, path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  long rows = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    {
      printf ("  pandas read_%s: not available (%s)\n", kind,
              err != NULL && strstr (err, "No module") ? "install python3-pandas python3-openpyxl" : "python3 failed");
      return FALSE;
    }
  return sscanf (out, "%lf %ld %ld %ld", seconds, &rows, rss_kb, base_kb) == 4;
}

static void
report (const char *label, const char *path, const char *pandas_kind, double target)
{
  Result r = measure_copyist (path);
  double pd_s = 0;
  long pd_rss = 0, pd_base = 0;
  struct stat st;

  g_stat (path, &st);
  printf ("%s (%.1f MB):\n", label, (double) st.st_size / 1e6);
  if (!r.ok)
    {
      printf ("  copyist: FAILED\n");
      return;
    }
  printf ("  copyist read      %.3f s  (%u rows)   target <= %.1f s: %s\n", r.read_s, r.rows, target,
          r.read_s <= target ? "met" : "NOT met");
  printf ("  copyist records   %.3f s  (%u products)\n", r.records_s, r.products);
  printf ("  copyist CPU time  %.3f s read, %.3f s records (user + system; wall time on a loaded machine includes waiting)\n",
          r.read_cpu_s, r.cpu_s - r.read_cpu_s);
  printf ("  copyist peak RSS  %.1f MB after the read (table), %.1f MB with the records\n",
          (double) r.read_rss_kb / 1024.0, (double) r.max_rss_kb / 1024.0);
  if (measure_pandas (pandas_kind, path, &pd_s, &pd_rss, &pd_base))
    {
      printf ("  pandas read_%-6s %.3f s   peak RSS %.1f MB (%.1f MB before reading)\n", pandas_kind, pd_s,
              (double) pd_rss / 1024.0, (double) pd_base / 1024.0);
      printf ("  ratio pandas/copyist (read): %.2fx faster;  (read + records): %.2fx\n", pd_s / r.read_s,
              pd_s / (r.read_s + r.records_s));
    }
}

int
main (int argc, char **argv)
{
  guint rows = 100000;
  g_autofree char *dir = NULL;
  gboolean own_dir = FALSE;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--rows") == 0 && i + 1 < argc)
        rows = (guint) atoi (argv[++i]);
      else if (strcmp (argv[i], "--dir") == 0 && i + 1 < argc)
        dir = g_strdup (argv[++i]);
    }
  if (dir == NULL)
    {
      dir = g_dir_make_tmp ("copyist-bench-XXXXXX", NULL);
      own_dir = TRUE;
    }
  g_autofree char *csv = g_build_filename (dir, "products.csv", NULL);
  g_autofree char *xlsx = g_build_filename (dir, "products.xlsx", NULL);

  printf ("Generating %u rows x %d columns in %s …\n", rows, N_COLUMNS, dir);
  fflush (stdout);
  generate (csv, xlsx, rows);
  report ("CSV", csv, "csv", 1.5);
  report ("XLSX", xlsx, "excel", 6.0);

  if (own_dir)
    {
      g_remove (csv);
      g_remove (xlsx);
      g_rmdir (dir);
    }
  return 0;
}
