/* copyist-preferences-window.c — Preferences, bound to GSettings */
#define G_LOG_DOMAIN "copyist"

#include "config.h"

#include <glib/gi18n.h>

#include "copyist-preferences-window.h"

struct _CopyistPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* Template children */
  AdwComboRow   *model_row;
  GtkSpinButton *variants_spin;
  AdwComboRow   *language_row;
  GtkSpinButton *headline_spin;
  GtkSpinButton *body_spin;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (CopyistPreferencesWindow, copyist_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Combo rows list the schema's choices in order; these map the row's
 * "selected" index to the string value and back. */
static const char *const model_choices[] = { "vae", "gan", NULL };
static const char *const language_choices[] = { "auto", "en", "zh", NULL };

static gboolean
choice_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *const *choices = user_data;
  const char *s = g_variant_get_string (variant, NULL);

  for (guint i = 0; choices[i] != NULL; i++)
    if (g_str_equal (choices[i], s))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
choice_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  const char *const *choices = user_data;
  guint i = g_value_get_uint (value);

  if (i >= g_strv_length ((char **) choices))
    return NULL;
  return g_variant_new_string (choices[i]);
}

static void
copyist_preferences_window_dispose (GObject *object)
{
  CopyistPreferencesWindow *self = COPYIST_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), COPYIST_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (copyist_preferences_window_parent_class)->dispose (object);
}

static void
copyist_preferences_window_class_init (CopyistPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = copyist_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/copyist/Copyist/copyist-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CopyistPreferencesWindow, model_row);
  gtk_widget_class_bind_template_child (widget_class, CopyistPreferencesWindow, variants_spin);
  gtk_widget_class_bind_template_child (widget_class, CopyistPreferencesWindow, language_row);
  gtk_widget_class_bind_template_child (widget_class, CopyistPreferencesWindow, headline_spin);
  gtk_widget_class_bind_template_child (widget_class, CopyistPreferencesWindow, body_spin);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
copyist_preferences_window_init (CopyistPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_settings_bind_with_mapping (self->settings, "default-model-kind", self->model_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, choice_get_mapping, choice_set_mapping,
                                (gpointer) model_choices, NULL);
  g_settings_bind_with_mapping (self->settings, "text-language", self->language_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, choice_get_mapping, choice_set_mapping,
                                (gpointer) language_choices, NULL);
  g_settings_bind (self->settings, "variants-count", self->variants_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "ad-headline-limit", self->headline_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "ad-body-limit", self->body_spin, "value", G_SETTINGS_BIND_DEFAULT);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->variants_spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Variants per product"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->headline_spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Headline limit"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->body_spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Ad text limit"), -1);
}

CopyistPreferencesWindow *
copyist_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (COPYIST_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
}
