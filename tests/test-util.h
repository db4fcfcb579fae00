/* test-util.h — helpers shared by the app and cli tests */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Removes DIR and the files directly in it (test temp dirs are flat). */
void copyist_test_remove_tree (const char *dir);

/* One run of the copyist-cli binary named by $COPYIST_CLI. */
typedef struct {
  int status;   /* exit status */
  char *out;    /* stdout */
  char *err;    /* stderr */
} CliRun;

/* Runs copyist-cli with ARGS (NULL-terminated); asserts it exited normally. */
CliRun copyist_test_run_cli (const char *const *args);
void   copyist_test_cli_run_clear (CliRun *run);

#define COPYIST_TEST_RUN(...) copyist_test_run_cli ((const char *const[]) { __VA_ARGS__, NULL })

/* SQLite's forced write failures: a VFS shim registered as the default VFS
 * (install before opening the project) through which the N-th write or
 * sync from copyist_test_vfs_fail_at (N) on fails (SQLITE_IOERR_WRITE /
 * SQLITE_IOERR_FSYNC). N <= 0 disarms it. */
void copyist_test_vfs_install     (void);
void copyist_test_vfs_uninstall   (void);
void copyist_test_vfs_fail_at     (int n);
/* Failures injected and writes/syncs seen since the last reset. */
int  copyist_test_vfs_failures    (void);
int  copyist_test_vfs_writes      (void);
void copyist_test_vfs_reset_count (void);
/* With SKIP, syncs report success without reaching the disk (thousands of
 * forced-failure runs in seconds; durability is tested elsewhere). */
void copyist_test_vfs_skip_syncs  (gboolean skip);

G_END_DECLS
