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

G_END_DECLS
