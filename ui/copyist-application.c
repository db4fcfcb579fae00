/* copyist-application.c — the AdwApplication: app-wide actions, About */
#define G_LOG_DOMAIN "copyist"

#include "config.h"

#include <glib/gi18n.h>

#include "copyist-application.h"
#include "copyist-core.h"
#include "copyist-resources.h"
#include "copyist-window.h"

struct _CopyistApplication
{
  AdwApplication parent_instance;

  CopyistJobPool *pool;
};

G_DEFINE_FINAL_TYPE (CopyistApplication, copyist_application, ADW_TYPE_APPLICATION)

static void
copyist_application_about_cb (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  CopyistApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "The Copyist developers", NULL };

  adw_show_about_window (window,
                         "application-name", _("Copyist"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Copyist developers"),
                         "version", copyist_version (),
                         "comments", _("Product descriptions and ad copy from your product data, written offline"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         NULL);
}

static void
copyist_application_quit_cb (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = copyist_application_about_cb },
  { .name = "quit", .activate = copyist_application_quit_cb },
};

static void
copyist_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (copyist_window_new (COPYIST_APPLICATION (app)));
  gtk_window_present (window);
}

static void
copyist_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  GtkWindow *window;

  copyist_application_activate (app);
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  /* One window, one project: the last project named wins; spreadsheets
   * each open the import assistant. */
  for (int i = 0; i < n_files; i++)
    copyist_window_open_file (COPYIST_WINDOW (window), files[i]);
}

static int
copyist_application_handle_local_options (GApplication *app,
                                          GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("copyist %s\n", copyist_version ());
      return 0;
    }
  return -1;
}

static void
copyist_application_startup (GApplication *app)
{
  GtkIconTheme *theme;

  G_APPLICATION_CLASS (copyist_application_parent_class)->startup (app);

  /* Run from the build tree (not installed), the app icon (About, the
   * window list) is found in the source tree's data/icons. */
  theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  if (theme != NULL && !gtk_icon_theme_has_icon (theme, APP_ID) &&
      g_file_test (SOURCE_DATADIR G_DIR_SEPARATOR_S "icons", G_FILE_TEST_IS_DIR))
    gtk_icon_theme_add_search_path (theme, SOURCE_DATADIR G_DIR_SEPARATOR_S "icons");
}

static void
copyist_application_shutdown (GApplication *app)
{
  CopyistApplication *self = COPYIST_APPLICATION (app);

  if (self->pool != NULL)
    copyist_job_pool_cancel_all (self->pool);
  G_APPLICATION_CLASS (copyist_application_parent_class)->shutdown (app);
}

static void
copyist_application_finalize (GObject *object)
{
  CopyistApplication *self = COPYIST_APPLICATION (object);

  g_clear_object (&self->pool);
  G_OBJECT_CLASS (copyist_application_parent_class)->finalize (object);
}

static void
copyist_application_class_init (CopyistApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = copyist_application_finalize;
  app_class->startup = copyist_application_startup;
  app_class->shutdown = copyist_application_shutdown;

  /* The resources live in a static library, whose automatic constructor the
   * linker would drop: register them explicitly. */
  g_resources_register (copyist_get_resource ());

  app_class->activate = copyist_application_activate;
  app_class->open = copyist_application_open;
  app_class->handle_local_options = copyist_application_handle_local_options;
}

static void
copyist_application_init (CopyistApplication *self)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  g_application_add_main_option (G_APPLICATION (self), "version", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_NONE, _("Show the version"), NULL);
}

CopyistJobPool *
copyist_application_get_job_pool (CopyistApplication *self)
{
  g_return_val_if_fail (COPYIST_IS_APPLICATION (self), NULL);

  if (self->pool == NULL)
    self->pool = copyist_job_pool_new (0);
  return self->pool;
}

CopyistApplication *
copyist_application_new (void)
{
  return g_object_new (COPYIST_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/copyist/Copyist",
                       NULL);
}
