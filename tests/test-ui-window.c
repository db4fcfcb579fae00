/* test-ui-window.c — the application opens its libadwaita window */
#include "config.h"

#include <adwaita.h>

#include "copyist-application.h"
#include "copyist-window.h"

static void
iterate_until (gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
done_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
save_screenshot (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("COPYIST_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GskRenderer) renderer = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  renderer = gsk_renderer_new_for_surface (gtk_native_get_surface (gtk_widget_get_native (widget)));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gsk_renderer_unrealize (renderer);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static void
test_window_opens (void)
{
  g_autoptr(CopyistApplication) app = copyist_application_new ();
  g_autoptr(GError) error = NULL;
  GtkWindow *window;
  gboolean shown = FALSE;

  g_assert_cmpstr (g_application_get_application_id (G_APPLICATION (app)), ==, "io.github.copyist.Copyist");
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_nonnull (window);
  g_assert_true (COPYIST_IS_WINDOW (window));
  g_assert_true (ADW_IS_APPLICATION_WINDOW (window));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));

  g_timeout_add (300, done_cb, &shown);
  iterate_until (&shown);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  save_screenshot (GTK_WIDGET (window), "start.png");

  /* The About window opens over the main window. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  {
    GListModel *toplevels = gtk_window_get_toplevels (); /* transfer none */
    gboolean found_about = FALSE;
    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
        if (ADW_IS_ABOUT_WINDOW (w))
          {
            found_about = TRUE;
            g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (w)) == window);
            gtk_window_destroy (GTK_WINDOW (w));
            break;
          }
      }
    g_assert_true (found_about);
  }

  for (GList *l; (l = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL;)
    gtk_window_destroy (GTK_WINDOW (l->data));
  shown = FALSE;
  g_timeout_add (50, done_cb, &shown);
  iterate_until (&shown);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/ui/window/opens", test_window_opens);
  return g_test_run ();
}
