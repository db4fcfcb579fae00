/* copyist-preferences-window.h — Preferences, bound to GSettings */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define COPYIST_TYPE_PREFERENCES_WINDOW (copyist_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (CopyistPreferencesWindow, copyist_preferences_window, COPYIST, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* A preferences window over PARENT; every control is bound to the
 * io.github.copyist.Copyist settings, so changes apply at once. */
CopyistPreferencesWindow *copyist_preferences_window_new (GtkWindow *parent);

G_END_DECLS
