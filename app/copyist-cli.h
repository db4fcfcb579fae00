/* copyist-cli.h — the copyist-cli commands, one function per command.
 * Each takes argv starting at the command name and returns the exit
 * status: 0 success, 1 user error (one line on stderr), 2 internal error. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* copyist-cli-model.c: train, generate and eval on data files (--data);
 * with --project they hand over to the project forms below. */
int copyist_cli_train    (int argc, char **argv);
int copyist_cli_generate (int argc, char **argv);
int copyist_cli_eval     (int argc, char **argv);
/* copyist-cli-project-model.c: train and generate on a project. */
int copyist_cli_train_project    (int argc, char **argv);
int copyist_cli_generate_project (int argc, char **argv);
/* copyist-cli-project.c: what a project holds, import into it, export from it. */
int copyist_cli_info   (int argc, char **argv);
int copyist_cli_import (int argc, char **argv);
int copyist_cli_export (int argc, char **argv);

G_END_DECLS
