/* copyist-cli.h — the copyist-cli commands, one function per command.
 * Each takes argv starting at the command name and returns the exit
 * status: 0 success, 1 user error (one line on stderr), 2 internal error. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

G_END_DECLS
