/* copyist-core.h — public entry points of the application core (no GTK) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The version string, as in meson.build ("0.1.0"). */
const char *copyist_version (void);

/* Runs copyist-cli with ARGV; returns the process exit status
 * (0 success, 1 user error, 2 internal error). */
int copyist_cli_main (int argc, char **argv);

G_END_DECLS
