/* test-ui-util.h — helpers shared by the ui tests (a real window under Xvfb) */
#pragma once

#include <adwaita.h>

#include "copyist-application.h"
#include "copyist-window.h"

G_BEGIN_DECLS

/* Runs the main loop for MS milliseconds. */
void        ui_test_spin (guint ms);
/* Runs the main loop while FUNC (OBJ) is TRUE, for at most SECONDS. */
void        ui_test_spin_while (gboolean (*func) (gpointer), gpointer obj, guint seconds);
/* Renders WIDGET (a toplevel) to $COPYIST_SCREENSHOT_DIR/NAME.png (nothing
 * when the variable is unset); toasts of a CopyistWindow are dismissed first. */
void        ui_test_save_screenshot (GtkWidget *widget, const char *name);
/* The first toplevel of TYPE, or NULL. */
gpointer    ui_test_find_toplevel (GType type);
/* The first descendant of ROOT (ROOT included) of TYPE, depth first. */
GtkWidget  *ui_test_find_descendant (GtkWidget *root, GType type);
/* The one application of the process (registered once) and a fresh main
 * window; ui_test_stop_app destroys every window. */
CopyistApplication *ui_test_start_app (CopyistWindow **window_out);
void        ui_test_stop_app (CopyistApplication *app);
/* Drops the application (at the end of main). */
void        ui_test_release_app (void);
/* Sets the locale and the translation domain from the build tree, GTK and
 * libadwaita up, animations off. Call first in main(). */
void        ui_test_init (int *argc, char ***argv);
/* The compiled zh_CN catalogue exists in the build tree. */
gboolean    ui_test_have_chinese (void);

/* Owns org.freedesktop.Notifications on the session bus with a stand-in
 * server that records what it is sent. */
void        ui_test_start_notification_server (void);
/* Notifications the stand-in received, and the last one's summary (borrowed). */
guint       ui_test_get_notifications (const char **last_summary);

G_END_DECLS
