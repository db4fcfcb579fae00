/* copyist-export-dialog.c — export: format, which products, where the ad copy goes
 *
 * The records are read from the project on the main thread (a project is
 * main-thread only) and written in a worker thread by copyist_export_write,
 * which writes a temporary file and renames it, so a failed export never
 * leaves half a file. */
#define G_LOG_DOMAIN "copyist"

#include "config.h"

#include <glib/gi18n.h>

#include "copyist-export.h"
#include "copyist-export-dialog.h"

struct _CopyistExportDialog
{
  AdwWindow parent_instance;

  /* Template children */
  GtkWidget     *export_button;
  GtkSpinner    *spinner;
  AdwComboRow   *format_row;
  AdwComboRow   *which_row;
  GtkStringList *which_model;
  AdwComboRow   *adcopy_row;
  GtkSwitch     *bom_switch;
  GtkLabel      *status_label;

  CopyistProject *project;
  GArray         *selected;
  GCancellable   *cancellable;
  gboolean        busy;
};

G_DEFINE_FINAL_TYPE (CopyistExportDialog, copyist_export_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_EXPORTED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static const CopyistExportFormat formats[] = {
  COPYIST_EXPORT_CSV, COPYIST_EXPORT_XLSX, COPYIST_EXPORT_JSON, COPYIST_EXPORT_SHOPIFY, COPYIST_EXPORT_WOOCOMMERCE,
};
static const char *const extensions[] = { ".csv", ".xlsx", ".json", ".csv", ".csv" };
static const CopyistAdcopyTarget adcopy_targets[] = {
  COPYIST_ADCOPY_DEFAULT, COPYIST_ADCOPY_NONE, COPYIST_ADCOPY_SEO, COPYIST_ADCOPY_SHORT_DESCRIPTION,
};

typedef struct {
  GPtrArray            *records;
  CopyistExportOptions  opts;
  GFile                *file;
} ExportJob;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_ptr_array_unref (job->records);
  g_object_unref (job->file);
  g_free (job);
}

static void
set_busy (CopyistExportDialog *self, gboolean busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.choose-file", !busy);
}

static guint
selected_format (CopyistExportDialog *self)
{
  guint i = adw_combo_row_get_selected (self->format_row);
  return i < G_N_ELEMENTS (formats) ? i : 0;
}

static void
export_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ExportJob *job = task_data;
  GError *error = NULL;

  if (copyist_export_write (job->records, &job->opts, job->file, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CopyistExportDialog *self = COPYIST_EXPORT_DIALOG (source);
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (job->file);
  g_autofree char *text = NULL;

  set_busy (self, FALSE);
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      text = g_strdup_printf (ngettext ("Exported %u product to %s", "Exported %u products to %s",
                                        job->records->len), job->records->len, name);
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
    }
  else
    {
      text = g_strdup (error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
    }
  gtk_label_set_text (self->status_label, text);
  g_signal_emit (self, signals[SIGNAL_EXPORTED], 0, job->file, error != NULL ? error->message : NULL);
}

static void
choose_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  CopyistExportDialog *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      copyist_export_dialog_export_to (self, file);
    }
  g_object_unref (dialog);
}

static void
choose_file_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistExportDialog *self = COPYIST_EXPORT_DIALOG (widget);
  GtkFileChooserNative *dialog;
  g_autofree char *name = NULL;
  g_autofree char *stem = NULL;
  char *dot;

  dialog = gtk_file_chooser_native_new (_("Export Products"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  stem = g_file_get_basename (copyist_project_get_file (self->project));
  dot = strrchr (stem, '.');
  if (dot != NULL)
    *dot = '\0';
  name = g_strconcat (stem, extensions[selected_format (self)], NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (choose_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
format_changed_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  CopyistExportDialog *self = user_data;
  CopyistExportFormat format = formats[selected_format (self)];

  /* A BOM only means something for the CSV-like formats. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->bom_switch),
                            format != COPYIST_EXPORT_XLSX && format != COPYIST_EXPORT_JSON);
}

static void
copyist_export_dialog_dispose (GObject *object)
{
  CopyistExportDialog *self = COPYIST_EXPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->project);
  g_clear_pointer (&self->selected, g_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), COPYIST_TYPE_EXPORT_DIALOG);
  G_OBJECT_CLASS (copyist_export_dialog_parent_class)->dispose (object);
}

static void
copyist_export_dialog_class_init (CopyistExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = copyist_export_dialog_dispose;

  signals[SIGNAL_EXPORTED] =
    g_signal_new ("exported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_FILE, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/copyist/Copyist/copyist-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CopyistExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, CopyistExportDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, CopyistExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, CopyistExportDialog, which_row);
  gtk_widget_class_bind_template_child (widget_class, CopyistExportDialog, which_model);
  gtk_widget_class_bind_template_child (widget_class, CopyistExportDialog, adcopy_row);
  gtk_widget_class_bind_template_child (widget_class, CopyistExportDialog, bom_switch);
  gtk_widget_class_bind_template_child (widget_class, CopyistExportDialog, status_label);

  gtk_widget_class_install_action (widget_class, "export.choose-file", NULL, choose_file_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
copyist_export_dialog_init (CopyistExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->bom_switch), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Byte order mark for Excel"), -1);
  g_signal_connect_object (self->format_row, "notify::selected", G_CALLBACK (format_changed_cb), self, 0);
}

CopyistExportDialog *
copyist_export_dialog_new (GtkWindow *parent, CopyistProject *project, GArray *selected)
{
  CopyistExportDialog *self;
  g_autofree char *all = NULL;
  g_autofree char *sel = NULL;
  gint64 n_all;

  g_return_val_if_fail (COPYIST_IS_PROJECT (project), NULL);

  self = g_object_new (COPYIST_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);
  self->project = g_object_ref (project);
  self->selected = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (selected != NULL)
    g_array_append_vals (self->selected, selected->data, selected->len);

  n_all = copyist_project_count_products (project, NULL);
  all = g_strdup_printf (ngettext ("All %u product", "All %u products", (gulong) MAX (n_all, 0)),
                         (guint) MAX (n_all, 0));
  sel = g_strdup_printf (ngettext ("The %u selected product", "The %u selected products", self->selected->len),
                         self->selected->len);
  gtk_string_list_append (self->which_model, all);
  gtk_string_list_append (self->which_model, sel);
  gtk_string_list_append (self->which_model, _("Approved products only"));
  adw_combo_row_set_selected (self->which_row, self->selected->len > 1 ? 1 : 0);
  format_changed_cb (NULL, NULL, self);
  set_busy (self, FALSE);
  return self;
}

void
copyist_export_dialog_export_to (CopyistExportDialog *self, GFile *file)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  ExportJob *job;
  guint which;

  g_return_if_fail (COPYIST_IS_EXPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->busy)
    return;
  which = adw_combo_row_get_selected (self->which_row);
  job = g_new0 (ExportJob, 1);
  job->file = g_object_ref (file);
  job->records = copyist_project_dup_records (self->project, which == 1 ? self->selected : NULL,
                                              which == 2, &error);
  if (job->records == NULL)
    {
      gtk_label_set_text (self->status_label, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
      g_object_unref (job->file);
      g_free (job);
      g_signal_emit (self, signals[SIGNAL_EXPORTED], 0, file, error->message);
      return;
    }
  copyist_export_options_init (&job->opts);
  job->opts.format = formats[selected_format (self)];
  job->opts.bom = gtk_switch_get_active (self->bom_switch);
  {
    guint t = adw_combo_row_get_selected (self->adcopy_row);
    job->opts.adcopy_target = t < G_N_ELEMENTS (adcopy_targets) ? adcopy_targets[t] : COPYIST_ADCOPY_DEFAULT;
  }

  set_busy (self, TRUE);
  gtk_label_set_text (self->status_label, _("Exporting…"));
  task = g_task_new (self, self->cancellable, export_done_cb, NULL);
  g_task_set_task_data (task, job, export_job_free);
  g_task_run_in_thread (task, export_thread);
}

void
copyist_export_dialog_set_choices (CopyistExportDialog *self, const char *format, guint which)
{
  CopyistExportFormat f;

  g_return_if_fail (COPYIST_IS_EXPORT_DIALOG (self));

  if (format != NULL && copyist_export_format_from_string (format, &f))
    for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
      if (formats[i] == f)
        adw_combo_row_set_selected (self->format_row, i);
  adw_combo_row_set_selected (self->which_row, MIN (which, 2));
}

gboolean
copyist_export_dialog_get_busy (CopyistExportDialog *self)
{
  g_return_val_if_fail (COPYIST_IS_EXPORT_DIALOG (self), FALSE);
  return self->busy;
}
