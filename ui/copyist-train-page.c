/* copyist-train-page.c — train a model on the project: settings, live loss
 * plot, progress and ETA, cancel, the held-out summary, the models */
#define G_LOG_DOMAIN "copyist"

#include "config.h"

#include <glib/gi18n.h>

#include "copyist-train-page.h"

struct _CopyistTrainPage
{
  AdwBin parent_instance;

  /* Template children */
  AdwComboRow         *kind_row;
  AdwComboRow         *field_row;
  GtkSpinButton       *epochs_spin;
  GtkSpinButton       *minutes_spin;
  GtkSpinButton       *seed_spin;
  GtkProgressBar      *progress_bar;
  GtkLabel            *eta_label;
  CopyistLossPlot     *plot;
  GtkLabel            *summary_label;
  AdwPreferencesGroup *examples_group;
  AdwPreferencesGroup *models_group;

  CopyistProject *project;
  GPtrArray      *model_rows;   /* GtkWidget* in models_group */
  GSettings      *settings;
  gboolean        running;
};

G_DEFINE_FINAL_TYPE (CopyistTrainPage, copyist_train_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
show_toast (CopyistTrainPage *self, const char *text)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_APPLICATION_WINDOW);
  GtkWidget *content = window != NULL ? adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)) : NULL;

  if (content != NULL && ADW_IS_TOAST_OVERLAY (content))
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (content), adw_toast_new (text));
}

/* ---- the models list ------------------------------------------------------ */

typedef struct {
  CopyistTrainPage *self;
  gint64            model_id;
} SaveData;

static void
save_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  SaveData *data = user_data;
  CopyistTrainPage *self = data->self;

  if (response == GTK_RESPONSE_ACCEPT && self->project != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;

      bytes = copyist_project_dup_model_bytes (self->project, data->model_id, &error);
      if (bytes == NULL ||
          !g_file_replace_contents (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL, FALSE,
                                    G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, &error))
        show_toast (self, error->message);
      else
        {
          g_autofree char *name = g_file_get_basename (file);
          g_autofree char *msg = g_strdup_printf (_("Saved the model to %s"), name);
          show_toast (self, msg);
        }
    }
  g_object_unref (self);
  g_free (data);
  g_object_unref (dialog);
}

static void
save_clicked_cb (GtkButton *button, gpointer user_data)
{
  CopyistTrainPage *self = user_data;
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GtkFileChooserNative *dialog;
  SaveData *data = g_new0 (SaveData, 1);
  const char *name = g_object_get_data (G_OBJECT (button), "copyist-model-name");
  g_autofree char *file_name = g_strconcat (name != NULL ? name : "model", ".cemodel", NULL);

  data->self = g_object_ref (self);
  data->model_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "copyist-model-id"));
  dialog = gtk_file_chooser_native_new (_("Save Model"), GTK_WINDOW (native), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  g_strdelimit (file_name, "/\\:", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), file_name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (save_response_cb), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
reload_models (CopyistTrainPage *self)
{
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->model_rows->len; i++)
    adw_preferences_group_remove (self->models_group, g_ptr_array_index (self->model_rows, i));
  g_ptr_array_set_size (self->model_rows, 0);
  if (self->project == NULL)
    return;

  models = copyist_project_list_models (self->project, &error);
  if (models == NULL)
    {
      adw_preferences_group_set_description (self->models_group, error->message);
      return;
    }
  adw_preferences_group_set_description (self->models_group,
                                         models->len == 0 ? _("No model yet: train one above.") : NULL);
  for (guint i = 0; i < models->len; i++)
    {
      CopyistModelInfo *info = g_ptr_array_index (models, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_from_icon_name ("document-save-symbolic");
      g_autoptr(GDateTime) created = g_date_time_new_from_unix_local (info->created);
      g_autofree char *when = created != NULL ? g_date_time_format (created, "%x %X") : g_strdup ("");
      g_autofree char *size = g_format_size (info->size);
      g_autofree char *subtitle = NULL;

      subtitle = g_strdup_printf ("%s · %s · %s · %s · %s",
                                  g_strcmp0 (info->kind, "gan") == 0 ? _("GAN") : _("VAE"),
                                  g_strcmp0 (info->field, "adcopy") == 0 ? _("Ad copy") : _("Description"),
                                  info->language != NULL ? info->language : "", when, size);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->name != NULL ? info->name : "");
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, _("Save the model to a file"));
      g_object_set_data (G_OBJECT (button), "copyist-model-id", GSIZE_TO_POINTER ((gsize) info->id));
      g_object_set_data_full (G_OBJECT (button), "copyist-model-name", g_strdup (info->name), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (save_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_preferences_group_add (self->models_group, row);
      g_ptr_array_add (self->model_rows, row);
    }
}

/* ---- GObject ---------------------------------------------------------------- */

static void
copyist_train_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CopyistTrainPage *self = COPYIST_TRAIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_RUNNING: g_value_set_boolean (value, self->running); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
copyist_train_page_dispose (GObject *object)
{
  CopyistTrainPage *self = COPYIST_TRAIN_PAGE (object);

  g_clear_object (&self->project);
  gtk_widget_dispose_template (GTK_WIDGET (self), COPYIST_TYPE_TRAIN_PAGE);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (copyist_train_page_parent_class)->dispose (object);
}

static void
copyist_train_page_finalize (GObject *object)
{
  CopyistTrainPage *self = COPYIST_TRAIN_PAGE (object);

  g_ptr_array_unref (self->model_rows);
  G_OBJECT_CLASS (copyist_train_page_parent_class)->finalize (object);
}

static void
copyist_train_page_class_init (CopyistTrainPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = copyist_train_page_get_property;
  object_class->dispose = copyist_train_page_dispose;
  object_class->finalize = copyist_train_page_finalize;

  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (COPYIST_TYPE_LOSS_PLOT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/copyist/Copyist/copyist-train-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, kind_row);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, field_row);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, minutes_spin);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, eta_label);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, plot);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, examples_group);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, models_group);
}

static void
copyist_train_page_init (CopyistTrainPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->model_rows = g_ptr_array_new ();
  self->settings = g_settings_new (APP_ID);
  adw_combo_row_set_selected (self->kind_row,
                              g_strcmp0 (g_settings_get_string (self->settings, "default-model-kind"), "gan") == 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->epochs_spin), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Epochs"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->minutes_spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Time budget in minutes"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->seed_spin), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Seed"), -1);
  gtk_label_set_text (self->eta_label, _("Not training"));
}

void
copyist_train_page_set_project (CopyistTrainPage *self, CopyistProject *project)
{
  g_return_if_fail (COPYIST_IS_TRAIN_PAGE (self));

  g_set_object (&self->project, project);
  copyist_loss_plot_clear (self->plot);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_text (self->summary_label, "");
  reload_models (self);
}

CopyistLossPlot *
copyist_train_page_get_plot (CopyistTrainPage *self)
{
  g_return_val_if_fail (COPYIST_IS_TRAIN_PAGE (self), NULL);
  return self->plot;
}

gboolean
copyist_train_page_get_running (CopyistTrainPage *self)
{
  g_return_val_if_fail (COPYIST_IS_TRAIN_PAGE (self), FALSE);
  return self->running;
}
