/* copyist-window.c — the main window */
#define G_LOG_DOMAIN "copyist"

#include "config.h"

#include <glib/gi18n.h>

#include "copyist-window.h"

struct _CopyistWindow
{
  AdwApplicationWindow parent_instance;

  /* Template children */
  AdwToastOverlay *toast_overlay;
  AdwStatusPage   *start_page;
};

G_DEFINE_FINAL_TYPE (CopyistWindow, copyist_window, ADW_TYPE_APPLICATION_WINDOW)

static void
copyist_window_class_init (CopyistWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/copyist/Copyist/copyist-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, start_page);
}

static void
copyist_window_init (CopyistWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CopyistWindow *
copyist_window_new (CopyistApplication *application)
{
  return g_object_new (COPYIST_TYPE_WINDOW, "application", application, NULL);
}
