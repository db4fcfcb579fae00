/* test-project-storage.c — what the disk can do to a project: a process
 * killed mid-write (SIGKILL, hundreds of times), a full disk, a read-only
 * file system.
 *
 * The crash test forks a child (the test process has no threads, so fork
 * is safe and much cheaper than exec under the sanitizers), which edits the
 * project as fast as it can and writes one line to a pipe after each commit
 * ("E <n> <product>" for a hand edit, "B <n>" for a bulk generation over
 * every product). The parent kills it at a random
 * moment, reads every line the child managed to write, and checks the
 * project: it opens, PRAGMA integrity_check says ok, and every reported
 * commit is there. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "copyist-project.h"

#include "test-util.h"

#define N_PRODUCTS 40
#define BULK_EVERY 100
#define BULK_PRODUCTS (N_PRODUCTS / 4)
#define MIN_KILLS 200

static GPtrArray *
make_records (guint n, guint text_len)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_record_free);

  for (guint i = 0; i < n; i++)
    {
      CopyistRecord *r = copyist_record_new ();
      r->sku = g_strdup_printf ("S%05u", i);
      r->title = g_strdup_printf ("Product %u", i);
      copyist_record_set_attribute (r, "color", i % 2 ? "red" : "blue");
      if (text_len > 0)
        {
          r->description = g_malloc (text_len + 1);
          for (guint k = 0; k < text_len; k++)
            r->description[k] = (char) ('a' + (i + k * 7) % 26);
          r->description[text_len] = '\0';
        }
      g_ptr_array_add (records, r);
    }
  return records;
}

static CopyistProject *
create_project (const char *path, guint n, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(CopyistProject) project = copyist_project_open (file, TRUE, error);
  g_autoptr(GPtrArray) records = NULL;

  if (project == NULL)
    return NULL;
  records = make_records (n, 0);
  if (!copyist_project_import_records (project, records, COPYIST_IMPORT_UPDATE_OR_CREATE, NULL, error))
    return NULL;
  return g_steal_pointer (&project);
}

/* ---- the child ---- */

static void
report_line (int fd, const char *line)
{
  size_t len = strlen (line), off = 0;

  while (off < len)
    {
      ssize_t n = write (fd, line + off, len - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        _exit (3);
      off += (size_t) n;
    }
}

static int
crash_child (const char *path, gint64 first, int fd)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(CopyistProject) project = copyist_project_open (file, FALSE, &error);
  g_autoptr(GArray) ids = NULL;

  if (project == NULL)
    {
      fprintf (stderr, "child: %s\n", error->message);
      return 2;
    }
  ids = copyist_project_dup_product_ids (project, &error);
  for (gint64 n = first;; n++)
    {
      char line[64];

      if (n % BULK_EVERY == 0)
        {
          /* A bulk generation over a quarter of the products, in turn. */
          g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
          g_autoptr(GArray) some = g_array_new (FALSE, FALSE, sizeof (gint64));
          guint quarter = (guint) (n / BULK_EVERY) % 4;
          for (guint i = quarter * BULK_PRODUCTS; i < (quarter + 1) * BULK_PRODUCTS; i++)
            {
              char **t = g_new0 (char *, 2);
              t[0] = g_strdup_printf ("bulk %" G_GINT64_FORMAT, n);
              g_ptr_array_add (texts, t);
              g_array_append_val (some, g_array_index (ids, gint64, i));
            }
          if (!copyist_project_add_variants_bulk (project, some, COPYIST_FIELD_DESCRIPTION, texts, 0, &error))
            break;
          g_snprintf (line, sizeof line, "B %" G_GINT64_FORMAT "\n", n);
        }
      else
        {
          guint k = (guint) (n % ids->len);
          gint64 id = g_array_index (ids, gint64, k);
          g_autofree char *text = g_strdup_printf ("edit %" G_GINT64_FORMAT, n);
          if (!copyist_project_set_text (project, id, COPYIST_FIELD_DESCRIPTION, text, NULL, &error))
            break;
          g_snprintf (line, sizeof line, "E %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", n, id);
        }
      report_line (fd, line);
    }
  fprintf (stderr, "child: %s\n", error->message);
  return 2;
}

/* ---- the parent ---- */

static char *
integrity_check (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return result;
}

static gint64
count_variants (const char *path, const char *text)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM variants WHERE text = ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
test_crash_safety (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("copyist-crash-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "crash.copyist", NULL);
  g_autoptr(GHashTable) last_edit = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GArray) bulks = g_array_new (FALSE, FALSE, sizeof (gint64));
  GRand *rand = g_rand_new_with_seed (20261128);
  guint kills = 0, reported = 0, half_lines = 0;
  gint64 start = g_get_monotonic_time ();

  {
    g_autoptr(CopyistProject) project = create_project (path, N_PRODUCTS, &error);
    g_assert_no_error (error);
  }

  for (guint round = 0; kills < MIN_KILLS; round++)
    {
      g_autoptr(GString) buffer = g_string_new (NULL);
      g_autofree char *check = NULL;
      pid_t pid;
      int fds[2], out_fd, status = 0;
      guint wanted = (guint) g_rand_int_range (rand, 0, 25);
      guint lines = 0;
      char chunk[4096];
      ssize_t n;

      g_assert_cmpint (pipe (fds), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          _exit (crash_child (path, (gint64) (round + 1) * 1000000, fds[1]));
        }
      close (fds[1]);
      out_fd = fds[0];

      /* Kill either after a random number of reported commits, or (when
       * WANTED is 0) after a random short time — which may be while it is
       * still opening the project. */
      if (wanted == 0)
        g_usleep ((gulong) g_rand_int_range (rand, 0, 20000));
      while (lines < wanted && (n = read (out_fd, chunk, sizeof chunk)) > 0)
        {
          g_string_append_len (buffer, chunk, n);
          for (ssize_t i = 0; i < n; i++)
            lines += chunk[i] == '\n';
        }
      if (wanted > 0)
        g_usleep ((gulong) g_rand_int_range (rand, 0, 3000));
      kill (pid, SIGKILL);
      /* Everything the child wrote before it died was committed first. */
      while ((n = read (out_fd, chunk, sizeof chunk)) > 0)
        g_string_append_len (buffer, chunk, n);
      close (out_fd);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      if (WIFEXITED (status))
        g_error ("the crash child exited by itself with status %d", WEXITSTATUS (status));
      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
      kills++;

      /* Only complete lines count (a line cut in half was not reported). */
      {
        g_auto(GStrv) all = g_strsplit (buffer->str, "\n", -1);
        guint n_lines = g_strv_length (all);
        for (guint i = 0; i + 1 < n_lines; i++)
          {
            gint64 num = 0, id = 0;
            if (sscanf (all[i], "E %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &num, &id) == 2)
              {
                gint64 *key = g_new (gint64, 1), *val = g_new (gint64, 1);
                *key = id;
                *val = num;
                g_hash_table_replace (last_edit, key, val);
              }
            else if (sscanf (all[i], "B %" G_GINT64_FORMAT, &num) == 1)
              g_array_append_val (bulks, num);
            else
              g_error ("unexpected line from the child: “%s”", all[i]);
            reported++;
          }
        if (n_lines > 0 && all[n_lines - 1][0] != '\0')
          half_lines++;
      }

      check = integrity_check (path);
      g_assert_cmpstr (check, ==, "ok");

      /* Every reported edit is there (or a later one of the same product). */
      {
        g_autoptr(GFile) file = g_file_new_for_path (path);
        g_autoptr(CopyistProject) project = copyist_project_open (file, FALSE, &error);
        GHashTableIter iter;
        gpointer key, value;

        g_assert_no_error (error);
        g_hash_table_iter_init (&iter, last_edit);
        while (g_hash_table_iter_next (&iter, &key, &value))
          {
            CopyistFieldState *st = copyist_project_get_field (project, *(gint64 *) key, COPYIST_FIELD_DESCRIPTION, &error);
            gint64 have = -1;
            g_assert_no_error (error);
            g_assert_nonnull (st->text);
            g_assert_true (sscanf (st->text, "edit %" G_GINT64_FORMAT, &have) == 1);
            g_assert_cmpint (st->origin, ==, COPYIST_TEXT_ORIGIN_HAND);
            if (have < *(gint64 *) value)
              g_error ("product %" G_GINT64_FORMAT ": reported edit %" G_GINT64_FORMAT " lost (found %" G_GINT64_FORMAT ")",
                       *(gint64 *) key, *(gint64 *) value, have);
            copyist_field_state_free (st);
          }
      }
    }

  /* Every reported bulk generation added one variant to each of its products. */
  for (guint i = 0; i < bulks->len; i++)
    {
      g_autofree char *text = g_strdup_printf ("bulk %" G_GINT64_FORMAT, g_array_index (bulks, gint64, i));
      g_assert_cmpint (count_variants (path, text), ==, BULK_PRODUCTS);
    }
  g_test_message ("%u kills, %u reported commits (%u bulk), %u kills with a line half written, %.1f s",
                  kills, reported, bulks->len, half_lines,
                  (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  g_assert_cmpuint (kills, >=, MIN_KILLS);
  g_assert_cmpuint (reported, >=, 1000);
  g_assert_cmpuint (bulks->len, >=, 5);
  g_rand_free (rand);
  copyist_test_remove_tree (dir);
}

/* ---- a small tmpfs of our own (root only) ---- */

typedef struct {
  char *dir;
  gboolean mounted;
} Mount;

static gboolean
mount_tmpfs (Mount *m, const char *size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *options = g_strdup_printf ("size=%s,mode=0755", size);

  m->dir = g_dir_make_tmp ("copyist-mount-XXXXXX", &error);
  g_assert_no_error (error);
  if (mount ("tmpfs", m->dir, "tmpfs", 0, options) != 0)
    {
      g_autofree char *reason = g_strdup_printf ("cannot mount a tmpfs here (%s); needs root or CAP_SYS_ADMIN",
                                                 g_strerror (errno));
      g_test_skip (reason);
      g_rmdir (m->dir);
      g_clear_pointer (&m->dir, g_free);
      return FALSE;
    }
  m->mounted = TRUE;
  return TRUE;
}

static void
unmount_tmpfs (Mount *m)
{
  if (m->mounted)
    g_assert_cmpint (umount2 (m->dir, MNT_DETACH), ==, 0);
  if (m->dir != NULL)
    g_rmdir (m->dir);
  g_clear_pointer (&m->dir, g_free);
}

static char *
read_all (const char *path, gsize *len)
{
  char *contents = NULL;
  g_assert_true (g_file_get_contents (path, &contents, len, NULL));
  return contents;
}

static char *
state_of (CopyistProject *project)
{
  g_autoptr(GPtrArray) records = copyist_project_dup_records (project, NULL, FALSE, NULL);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < records->len; i++)
    {
      CopyistRecord *r = records->pdata[i];
      g_string_append_printf (out, "%" G_GINT64_FORMAT " %s %s %s\n", r->id, r->sku, r->title,
                              r->description ? r->description : "-");
    }
  return g_string_free (out, FALSE);
}

static void
test_disk_full (void)
{
  Mount m = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *filler = NULL;
  g_autofree char *before_bytes = NULL;
  g_autofree char *after_bytes = NULL;
  g_autofree char *before_state = NULL;
  g_autofree char *after_state = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) big = NULL;
  gsize before_len = 0, after_len = 0;
  CopyistProject *project;
  char block[4096];
  int fd;

  if (!mount_tmpfs (&m, "1m"))
    return;
  path = g_build_filename (m.dir, "full.copyist", NULL);
  filler = g_build_filename (m.dir, "filler", NULL);
  file = g_file_new_for_path (path);

  project = create_project (path, 20, &error);
  g_assert_no_error (error);
  g_assert_true (copyist_project_close (project, NULL));
  g_object_unref (project);
  before_bytes = read_all (path, &before_len);

  project = copyist_project_open (file, FALSE, &error);
  g_assert_no_error (error);
  before_state = state_of (project);

  /* Fill the disk to the last block. */
  memset (block, 'x', sizeof block);
  fd = open (filler, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  g_assert_cmpint (fd, >=, 0);
  while (write (fd, block, sizeof block) > 0)
    ;
  g_assert_cmpint (errno, ==, ENOSPC);
  while (write (fd, block, 1) > 0)
    ;
  close (fd);

  /* An import far larger than the space left. */
  big = make_records (400, 2000);
  g_assert_false (copyist_project_import_records (project, big, COPYIST_IMPORT_UPDATE_OR_CREATE, NULL, &error));
  g_assert_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_DISK_FULL);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_test_message ("disk full: %s", error->message);
  g_clear_error (&error);
  /* Still usable for reading, and nothing changed. */
  after_state = state_of (project);
  g_assert_cmpstr (after_state, ==, before_state);
  g_clear_pointer (&after_state, g_free);
  g_assert_cmpint (copyist_project_count_products (project, NULL), ==, 20);
  copyist_project_close (project, NULL);
  g_object_unref (project);

  /* With space again: the file is what it was, and it opens and works. */
  g_assert_cmpint (g_remove (filler), ==, 0);
  after_bytes = read_all (path, &after_len);
  g_assert_cmpmem (before_bytes, before_len, after_bytes, after_len);
  project = copyist_project_open (file, FALSE, &error);
  g_assert_no_error (error);
  after_state = state_of (project);
  g_assert_cmpstr (after_state, ==, before_state);
  g_assert_true (copyist_project_set_text (project, 1, COPYIST_FIELD_DESCRIPTION, "fits now", NULL, &error));
  g_assert_no_error (error);
  g_object_unref (project);
  {
    g_autofree char *check = integrity_check (path);
    g_assert_cmpstr (check, ==, "ok");
  }
  unmount_tmpfs (&m);
}

static void
test_read_only (void)
{
  Mount m = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *before_bytes = NULL;
  g_autofree char *after_bytes = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) fresh = NULL;
  gsize before_len = 0, after_len = 0;
  CopyistProject *project;

  if (!mount_tmpfs (&m, "4m"))
    return;
  path = g_build_filename (m.dir, "ro.copyist", NULL);
  file = g_file_new_for_path (path);
  project = create_project (path, 5, &error);
  g_assert_no_error (error);

  /* (Linux refuses to remount a file system read-only while files are
   * open for writing, so the project is closed first.) */
  g_assert_true (copyist_project_close (project, &error));
  g_object_unref (project);

  /* Opening a project on a read-only file system: refused, untouched. */
  before_bytes = read_all (path, &before_len);
  g_assert_cmpint (mount (NULL, m.dir, NULL, MS_REMOUNT | MS_RDONLY, NULL), ==, 0);
  project = copyist_project_open (file, FALSE, &error);
  g_assert_null (project);
  g_assert_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "read-only disk"));
  g_test_message ("read-only open: %s", error->message);
  g_clear_error (&error);
  after_bytes = read_all (path, &after_len);
  g_assert_cmpmem (before_bytes, before_len, after_bytes, after_len);

  /* Creating a new project there. */
  fresh = g_file_new_build_filename (m.dir, "new.copyist", NULL);
  project = copyist_project_open (fresh, TRUE, &error);
  g_assert_null (project);
  g_assert_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_READ_ONLY);
  g_clear_error (&error);

  g_assert_cmpint (mount (NULL, m.dir, NULL, MS_REMOUNT, NULL), ==, 0);
  unmount_tmpfs (&m);
}

/* ---- forced write failures (SQLite's own habit: the N-th write fails) ----
 * The VFS shim of test-util.c makes the N-th write or sync of any project
 * file fail; the test tries N = 1, 2, … until the action
 * succeeds. After every failure the action must have left nothing behind:
 * same products, same undo stack, still usable. */

typedef gboolean (*FailingAction) (CopyistProject *project, GError **error);

static gboolean
action_import (CopyistProject *project, GError **error)
{
  g_autoptr(GPtrArray) records = make_records (60, 300);
  return copyist_project_import_records (project, records, COPYIST_IMPORT_UPDATE_OR_CREATE, NULL, error);
}

static gboolean
action_bulk_generate (CopyistProject *project, GError **error)
{
  g_autoptr(GArray) ids = copyist_project_dup_product_ids (project, error);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  for (guint i = 0; i < ids->len; i++)
    {
      char **t = g_new0 (char *, 3);
      t[0] = g_strdup_printf ("generated %u", i);
      t[1] = g_strdup ("another");
      g_ptr_array_add (texts, t);
    }
  return copyist_project_add_variants_bulk (project, ids, COPYIST_FIELD_DESCRIPTION, texts, 0, error);
}

static gboolean
action_undo (CopyistProject *project, GError **error)
{
  return copyist_project_undo (project, error);
}

static void
check_failing_action (CopyistProject *project, FailingAction action, const char *name)
{
  g_autofree char *before = state_of (project);
  g_autofree char *undo_label = g_strdup (copyist_project_get_undo_label (project));
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;
  int n;

  for (n = 1; n < 2000 && !done; n++)
    {
      g_autofree char *after = NULL;

      copyist_test_vfs_fail_at (n);
      done = action (project, &error);
      copyist_test_vfs_fail_at (0);
      if (done)
        break;
      g_assert_nonnull (error);
      g_assert_true (error->domain == COPYIST_PROJECT_ERROR);
      g_clear_error (&error);
      after = state_of (project);
      g_assert_cmpstr (after, ==, before);
      g_assert_cmpstr (copyist_project_get_undo_label (project), ==, undo_label);
    }
  g_assert_true (done);
  g_assert_cmpint (n, >, 1);
  g_test_message ("%s: failed cleanly at each of the first %d writes/syncs, then succeeded", name, n - 1);
}

static void
test_write_failures (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("copyist-vfs-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "faults.copyist", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  CopyistProject *project;

  copyist_test_vfs_install ();
  project = create_project (path, 20, &error);
  g_assert_no_error (error);
  copyist_test_vfs_reset_count ();

  check_failing_action (project, action_import, "import");
  check_failing_action (project, action_bulk_generate, "bulk generation");
  check_failing_action (project, action_undo, "undo");
  g_assert_cmpint (copyist_test_vfs_failures (), >=, 3);

  g_assert_true (copyist_project_check (project, &error));
  g_assert_no_error (error);
  g_assert_true (copyist_project_close (project, &error));
  g_object_unref (project);
  copyist_test_vfs_uninstall ();

  /* The file is whole and holds exactly the successful actions. */
  project = copyist_project_open (file, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (copyist_project_check (project, &error));
  g_assert_cmpint (copyist_project_count_products (project, NULL), ==, 60);
  g_assert_cmpstr (copyist_project_get_undo_label (project), ==, "Import 60 products");
  g_object_unref (project);
  copyist_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/project-storage/crash-safety", test_crash_safety);
  g_test_add_func ("/app/project-storage/disk-full", test_disk_full);
  g_test_add_func ("/app/project-storage/read-only", test_read_only);
  g_test_add_func ("/app/project-storage/write-failures", test_write_failures);
  return g_test_run ();
}
