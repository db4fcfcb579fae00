/* copyist-window.h — the main window: start page, products and editor, training */
#pragma once

#include <adwaita.h>

#include "copyist-application.h"
#include "copyist-project.h"

G_BEGIN_DECLS

#define COPYIST_TYPE_WINDOW (copyist_window_get_type ())
G_DECLARE_FINAL_TYPE (CopyistWindow, copyist_window, COPYIST, WINDOW, AdwApplicationWindow)

CopyistWindow  *copyist_window_new (CopyistApplication *application);

/* Opens (CREATE: creates) the project FILE in this window, replacing the
 * one open, and adds it to the recent projects. FALSE with ERROR (also
 * shown as a toast by the actions that call this). */
gboolean        copyist_window_open_project (CopyistWindow *self, GFile *file, gboolean create,
                                             GError **error);
/* Opens a dropped or command-line FILE: a *.copyist project opens; a
 * spreadsheet opens the import assistant (on the start page, a new project
 * is made beside it first: Name.copyist). */
gboolean        copyist_window_open_file (CopyistWindow *self, GFile *file);
/* The open project, or NULL on the start page. */
CopyistProject *copyist_window_get_project (CopyistWindow *self);
/* The demo project file: $COPYIST_DEMO_PROJECT, else the build tree's
 * data/demo/demo.copyist, else the installed one; NULL if none exists. */
GFile          *copyist_window_find_demo_project (void);

/* Shows a toast; with UNDOABLE it carries an Undo button (win.undo). */
void            copyist_window_toast (CopyistWindow *self, const char *text, gboolean undoable);
/* Dismisses the last toast (before a screenshot, or when it is stale). */
void            copyist_window_dismiss_toast (CopyistWindow *self);
/* Tells the user a long job ended: a toast, and a desktop notification
 * when the window is not focused. */
void            copyist_window_job_done (CopyistWindow *self, const char *title, const char *body);

/* TRUE when a window of the application (the main window or one of its
 * dialogs) has the keyboard focus: job_done then sends no notification. */
gboolean        copyist_window_app_is_focused (CopyistWindow *self);
/* How many desktop notifications job_done has sent, and the last one's
 * title (LAST_TITLE may be NULL; borrowed). */
guint           copyist_window_get_notifications (CopyistWindow *self, const char **last_title);
/* The title of the newest toast (shown, queued or dismissed); NULL before any. */
const char     *copyist_window_get_last_toast (CopyistWindow *self);

/* The pages, for tests and screenshots. */
GtkWidget      *copyist_window_get_page (CopyistWindow *self, const char *name /* start, products, editor, train */);
/* TRUE while texts are being written in the job pool (win.regenerate); the
 * progress toast's Cancel is win.cancel-generate. */
gboolean        copyist_window_get_generating (CopyistWindow *self);

G_END_DECLS
