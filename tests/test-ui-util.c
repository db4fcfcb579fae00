/* test-ui-util.c — helpers shared by the ui tests */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "test-ui-util.h"

static gboolean
done_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
ui_test_spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

void
ui_test_spin_while (gboolean (*func) (gpointer), gpointer obj, guint seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (func (obj))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

void
ui_test_save_screenshot (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("COPYIST_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  int w = 0, h = 0;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GskRenderer) renderer = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  if (COPYIST_IS_WINDOW (widget))
    copyist_window_dismiss_toast (COPYIST_WINDOW (widget));
  /* Let layout and drawing settle; a slow (sanitizer) build may need
   * several frames before a new window is mapped and has content. */
  for (int attempt = 0; attempt < 50; attempt++)
    {
      ui_test_spin (attempt == 0 ? 250 : 200);
      if (!gtk_widget_get_mapped (widget))
        continue;
      w = gtk_widget_get_width (widget);
      h = gtk_widget_get_height (widget);
      if (w <= 0 || h <= 0)
        continue;
      g_clear_object (&paintable);
      paintable = gtk_widget_paintable_new (widget);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node != NULL)
        break;
    }
  g_assert_nonnull (node);
  g_mkdir_with_parents (dir, 0755);
  renderer = gsk_renderer_new_for_surface (gtk_native_get_surface (gtk_widget_get_native (widget)));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gsk_renderer_unrealize (renderer);
  file = g_strdup_printf ("%s.png", name);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

gpointer
ui_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
        return w; /* the toplevel list keeps it alive */
    }
  return NULL;
}

GtkWidget *
ui_test_find_descendant (GtkWidget *root, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = ui_test_find_descendant (c, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *last_notification;

/* One application for the whole process: a GApplication exports its
 * actions on the session bus under its object path, so a second one in the
 * same process could not register. Each test gets a fresh window. */
static CopyistApplication *the_app;

void
ui_test_release_app (void)
{
  g_clear_object (&the_app);
  g_clear_pointer (&last_notification, g_free);
}

CopyistApplication *
ui_test_start_app (CopyistWindow **window_out)
{
  GtkWindow *window;

  if (the_app == NULL)
    {
      g_autoptr(GError) error = NULL;
      the_app = copyist_application_new ();
      g_application_set_flags (G_APPLICATION (the_app), G_APPLICATION_NON_UNIQUE);
      g_assert_true (g_application_register (G_APPLICATION (the_app), NULL, &error));
      g_assert_no_error (error);
    }
  g_application_activate (G_APPLICATION (the_app));
  window = gtk_application_get_active_window (GTK_APPLICATION (the_app));
  g_assert_true (COPYIST_IS_WINDOW (window));
  *window_out = COPYIST_WINDOW (window);
  ui_test_spin (300);
  return the_app;
}

void
ui_test_stop_app (CopyistApplication *app)
{
  for (GList *l; (l = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL;)
    gtk_window_destroy (GTK_WINDOW (l->data));
  ui_test_spin (50);
}

static char *
podir (void)
{
  const char *builddir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *parent = NULL;

  if (builddir == NULL)
    return NULL;
  parent = g_path_get_dirname (builddir);
  return g_build_filename (parent, "po", NULL);
}

gboolean
ui_test_have_chinese (void)
{
  g_autofree char *dir = podir ();
  g_autofree char *mo = NULL;

  if (dir == NULL)
    return FALSE;
  mo = g_build_filename (dir, "zh_CN", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  return g_file_test (mo, G_FILE_TEST_EXISTS);
}

void
ui_test_init (int *argc, char ***argv)
{
  g_autofree char *dir = podir ();

  /* gettext ignores LANGUAGE in the plain C locale; C.UTF-8 honours it. */
  if (setlocale (LC_ALL, "") == NULL || g_strcmp0 (setlocale (LC_MESSAGES, NULL), "C") == 0)
    setlocale (LC_ALL, "C.UTF-8");
  if (dir != NULL)
    {
      bindtextdomain (GETTEXT_PACKAGE, dir);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }
  gtk_disable_setlocale ();
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  /* Screens are captured at rest, not halfway through a transition. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

/* A stand-in desktop notification server on the test's session bus, so
 * notifications can be checked without a desktop (and GLib does not warn
 * that nobody answers). */
static guint notifications_received;

static const char notifications_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "<arg type='u' direction='out'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "</interface></node>";

static void
notifications_call_cb (GDBusConnection *connection, const char *sender, const char *path,
                       const char *interface, const char *method, GVariant *parameters,
                       GDBusMethodInvocation *invocation, gpointer user_data)
{
  if (g_str_equal (method, "Notify"))
    {
      const char *summary = NULL;
      g_variant_get_child (parameters, 3, "&s", &summary);
      g_free (last_notification);
      last_notification = g_strdup (summary);
      notifications_received++;
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", notifications_received));
    }
  else
    {
      const char *caps[] = { "body", NULL };
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
}

void
ui_test_start_notification_server (void)
{
  static const GDBusInterfaceVTable vtable = { notifications_call_cb, NULL, NULL, { 0 } };
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_autoptr(GVariant) reply = NULL;

  g_assert_nonnull (bus);
  g_assert_cmpuint (g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications",
                                                       info->interfaces[0], &vtable, NULL, NULL, NULL), >, 0);
  /* Allow replacement | replace existing: a subprocess takes it over. */
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "RequestName", g_variant_new ("(su)", "org.freedesktop.Notifications", 3),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  g_assert_nonnull (reply);
}

guint
ui_test_get_notifications (const char **last_summary)
{
  if (last_summary != NULL)
    *last_summary = last_notification;
  return notifications_received;
}
