/* test-util.c — helpers shared by the app and cli tests */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "test-util.h"

void
copyist_test_remove_tree (const char *dir)
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

CliRun
copyist_test_run_cli (const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  CliRun r = { 0 };
  int wait_status = 0;

  g_assert_nonnull (g_getenv ("COPYIST_CLI"));
  g_ptr_array_add (argv, (gpointer) g_getenv ("COPYIST_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &r.out, &r.err,
                               &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  r.status = WEXITSTATUS (wait_status);
  return r;
}

void
copyist_test_cli_run_clear (CliRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

/* ---- forced write failures (SQLite's own habit: the N-th write fails) ----
 * A VFS shim in front of the default one: every write and sync of any
 * SQLite file goes through it, and the armed one fails. */

typedef struct {
  sqlite3_file  base;
  sqlite3_file *real;   /* the default VFS's file, allocated right after */
} ShimFile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs shim_vfs;
static sqlite3_io_methods shim_methods;
static int fail_countdown = -1;   /* > 0: counts down; the call that reaches 0 fails */
static int failures_injected;
static int writes_seen;           /* writes and syncs since the last reset */
static gboolean skip_syncs;       /* syncs succeed without reaching the disk */

static gboolean
inject_failure (void)
{
  writes_seen++;
  if (fail_countdown <= 0)
    return FALSE;
  if (--fail_countdown > 0)
    return FALSE;
  failures_injected++;
  return TRUE;
}

#define REAL(f) (((ShimFile *) (f))->real)

static int shim_close (sqlite3_file *f) { return REAL (f)->pMethods->xClose (REAL (f)); }
static int shim_read (sqlite3_file *f, void *buf, int n, sqlite3_int64 off) { return REAL (f)->pMethods->xRead (REAL (f), buf, n, off); }
static int
shim_write (sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
  if (inject_failure ())
    return SQLITE_IOERR_WRITE;
  return REAL (f)->pMethods->xWrite (REAL (f), buf, n, off);
}
static int shim_truncate (sqlite3_file *f, sqlite3_int64 size) { return REAL (f)->pMethods->xTruncate (REAL (f), size); }
static int
shim_sync (sqlite3_file *f, int flags)
{
  if (inject_failure ())
    return SQLITE_IOERR_FSYNC;
  if (skip_syncs)
    return SQLITE_OK;
  return REAL (f)->pMethods->xSync (REAL (f), flags);
}
static int shim_file_size (sqlite3_file *f, sqlite3_int64 *size) { return REAL (f)->pMethods->xFileSize (REAL (f), size); }
static int shim_lock (sqlite3_file *f, int lock) { return REAL (f)->pMethods->xLock (REAL (f), lock); }
static int shim_unlock (sqlite3_file *f, int lock) { return REAL (f)->pMethods->xUnlock (REAL (f), lock); }
static int shim_check_reserved (sqlite3_file *f, int *out) { return REAL (f)->pMethods->xCheckReservedLock (REAL (f), out); }
static int shim_file_control (sqlite3_file *f, int op, void *arg) { return REAL (f)->pMethods->xFileControl (REAL (f), op, arg); }
static int shim_sector_size (sqlite3_file *f) { return REAL (f)->pMethods->xSectorSize (REAL (f)); }
static int shim_device (sqlite3_file *f) { return REAL (f)->pMethods->xDeviceCharacteristics (REAL (f)); }
static int shim_shm_map (sqlite3_file *f, int page, int size, int extend, void volatile **out) { return REAL (f)->pMethods->xShmMap (REAL (f), page, size, extend, out); }
static int shim_shm_lock (sqlite3_file *f, int offset, int n, int flags) { return REAL (f)->pMethods->xShmLock (REAL (f), offset, n, flags); }
static void shim_shm_barrier (sqlite3_file *f) { REAL (f)->pMethods->xShmBarrier (REAL (f)); }
static int shim_shm_unmap (sqlite3_file *f, int del) { return REAL (f)->pMethods->xShmUnmap (REAL (f), del); }
static int shim_fetch (sqlite3_file *f, sqlite3_int64 off, int n, void **out) { return REAL (f)->pMethods->xFetch (REAL (f), off, n, out); }
static int shim_unfetch (sqlite3_file *f, sqlite3_int64 off, void *p) { return REAL (f)->pMethods->xUnfetch (REAL (f), off, p); }

static int
shim_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
  ShimFile *shim = (ShimFile *) file;
  int rc;

  shim->real = (sqlite3_file *) (shim + 1);
  rc = real_vfs->xOpen (real_vfs, name, shim->real, flags, out_flags);
  shim->base.pMethods = shim->real->pMethods != NULL ? &shim_methods : NULL;
  return rc;
}

void
copyist_test_vfs_install (void)
{
  if (real_vfs != NULL)
    return;
  real_vfs = sqlite3_vfs_find (NULL);
  shim_vfs = *real_vfs;
  shim_vfs.zName = "copyist-test-shim";
  shim_vfs.szOsFile = (int) sizeof (ShimFile) + real_vfs->szOsFile;
  shim_vfs.xOpen = shim_open;
  shim_vfs.pNext = NULL;
  shim_methods = (sqlite3_io_methods) {
    .iVersion = 3, .xClose = shim_close, .xRead = shim_read, .xWrite = shim_write, .xTruncate = shim_truncate,
    .xSync = shim_sync, .xFileSize = shim_file_size, .xLock = shim_lock, .xUnlock = shim_unlock,
    .xCheckReservedLock = shim_check_reserved, .xFileControl = shim_file_control, .xSectorSize = shim_sector_size,
    .xDeviceCharacteristics = shim_device, .xShmMap = shim_shm_map, .xShmLock = shim_shm_lock,
    .xShmBarrier = shim_shm_barrier, .xShmUnmap = shim_shm_unmap, .xFetch = shim_fetch, .xUnfetch = shim_unfetch,
  };
  g_assert_cmpint (sqlite3_vfs_register (&shim_vfs, 1), ==, SQLITE_OK);
}

void
copyist_test_vfs_uninstall (void)
{
  sqlite3_vfs_unregister (&shim_vfs);
  sqlite3_vfs_register (real_vfs, 1);
  real_vfs = NULL;
}

void
copyist_test_vfs_fail_at (int n)
{
  fail_countdown = n > 0 ? n : -1;
}

int
copyist_test_vfs_failures (void)
{
  return failures_injected;
}

int
copyist_test_vfs_writes (void)
{
  return writes_seen;
}

void
copyist_test_vfs_reset_count (void)
{
  failures_injected = 0;
  writes_seen = 0;
}

void
copyist_test_vfs_skip_syncs (gboolean skip)
{
  skip_syncs = skip;
}
