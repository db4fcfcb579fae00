/* copyist-train-page.c — train a model on the project: settings, live loss
 * plot, progress and ETA, cancel, the held-out summary, the models */
#define G_LOG_DOMAIN "copyist"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "copyist-application.h"
#include "copyist-generator.h"
#include "copyist-model-file.h"
#include "copyist-table.h"
#include "copyist-train-page.h"
#include "copyist-window.h"

struct _CopyistTrainPage
{
  AdwBin parent_instance;

  /* Template children */
  AdwComboRow         *kind_row;
  AdwComboRow         *field_row;
  GtkSpinButton       *epochs_spin;
  GtkSpinButton       *minutes_spin;
  GtkSpinButton       *seed_spin;
  GtkWidget           *precision_row;
  GtkSwitch           *precision_switch;
  GtkProgressBar      *progress_bar;
  GtkLabel            *eta_label;
  CopyistLossPlot     *plot;
  GtkLabel            *summary_label;
  AdwPreferencesGroup *examples_group;
  AdwPreferencesGroup *models_group;

  CopyistProject *project;
  GPtrArray      *model_rows;   /* GtkWidget* in models_group */
  GPtrArray      *example_rows; /* GtkWidget* in examples_group */
  GSettings      *settings;
  gboolean        running;
  GCancellable   *cancellable;  /* the running job's */
  GCancellable   *stop;         /* the Stop button's (see TrainWork) */
  guint           series_loss;  /* reconstruction */
  guint           series_reg;   /* KL (VAE) or critic (GAN) */
  guint           series_bleu;
  int             plotted_epoch;
  guint           file_jobs;    /* model files being loaded or saved */
  char           *file_error;   /* the last load/save failure, NULL after a success */
};

G_DEFINE_FINAL_TYPE (CopyistTrainPage, copyist_train_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_FILE_JOBS,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void reload_models (CopyistTrainPage *self);

static void
show_toast (CopyistTrainPage *self, const char *text)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), COPYIST_TYPE_WINDOW);

  /* Through the window, which keeps track of its toasts (dismiss, undo). */
  if (window != NULL)
    copyist_window_toast (COPYIST_WINDOW (window), text, FALSE);
}

/* ---- the models list ------------------------------------------------------ */

/* Loading a model file and saving one run in the job pool: the file is
 * read (and checked by the engine) or written off the main thread; the
 * project is touched only here, on the main thread, and only if it is
 * still the one the job started for. */
typedef struct {
  GFile  *file;
  GBytes *bytes;   /* saving: the model's bytes */
} ModelFileWork;

typedef struct {
  CopyistTrainPage *self;
  CopyistProject   *project;
  GFile            *file;
  char             *field;   /* loading: the field the model is for; NULL when saving */
} ModelFileCall;

static void
model_file_work_free (gpointer data)
{
  ModelFileWork *work = data;

  g_clear_object (&work->file);
  g_clear_pointer (&work->bytes, g_bytes_unref);
  g_free (work);
}

static void
model_file_call_free (ModelFileCall *call)
{
  g_clear_object (&call->self);
  g_clear_object (&call->project);
  g_clear_object (&call->file);
  g_free (call->field);
  g_free (call);
}

static gpointer
load_model_func (CopyistJob *job, gpointer data, GError **error)
{
  ModelFileWork *work = data;

  return copyist_model_file_read (work->file, copyist_job_get_cancellable (job), error);
}

static gpointer
save_model_func (CopyistJob *job, gpointer data, GError **error)
{
  ModelFileWork *work = data;

  if (!copyist_model_file_write (work->bytes, work->file, copyist_job_get_cancellable (job), error))
    return NULL;
  return g_object_ref (work->file);
}

static void
set_file_error (CopyistTrainPage *self, const char *message)
{
  g_free (self->file_error);
  self->file_error = g_strdup (message);
  if (message != NULL)
    show_toast (self, message);
}

static void
model_file_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ModelFileCall *call = user_data;
  CopyistTrainPage *self = call->self;
  g_autoptr(GError) error = NULL;
  gpointer out = copyist_job_pool_run_finish (COPYIST_JOB_POOL (source), result, &error);
  g_autofree char *name = g_file_get_basename (call->file);

  self->file_jobs--;
  if (out == NULL)
    {
      g_autofree char *msg = call->field != NULL ? g_strdup_printf (_("The model was not loaded. %s"), error->message)
                                                 : g_strdup_printf (_("The model was not saved. %s"), error->message);
      set_file_error (self, msg);
    }
  else if (call->field == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Saved the model to %s"), name);
      g_object_unref (out);
      set_file_error (self, NULL);
      show_toast (self, msg);
    }
  else if (call->project != self->project)
    copyist_model_file_free (out);  /* the project was closed meanwhile: nothing to add it to */
  else
    {
      CopyistModelFile *model = out;
      gint64 model_id = 0;

      if (!copyist_model_file_store (model, self->project, call->field, &model_id, &error))
        set_file_error (self, error->message);
      else
        {
          g_autofree char *msg = g_strdup_printf (_("Loaded the model %s"), model->name);
          set_file_error (self, NULL);
          show_toast (self, msg);
          reload_models (self);
        }
      copyist_model_file_free (model);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE_JOBS]);
  model_file_call_free (call);
}

static void
run_model_file_job (CopyistTrainPage *self, GFile *file, const char *field, GBytes *bytes)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_APPLICATION_WINDOW);
  GtkApplication *app = window != NULL ? gtk_window_get_application (GTK_WINDOW (window)) : NULL;
  ModelFileWork *work;
  ModelFileCall *call;
  CopyistJobSpec spec = { 0 };

  if (app == NULL || !COPYIST_IS_APPLICATION (app))
    return;
  work = g_new0 (ModelFileWork, 1);
  work->file = g_object_ref (file);
  work->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
  call = g_new0 (ModelFileCall, 1);
  call->self = g_object_ref (self);
  call->project = g_object_ref (self->project);
  call->file = g_object_ref (file);
  call->field = g_strdup (field);
  spec.name = field != NULL ? "load-model" : "save-model";
  spec.func = field != NULL ? load_model_func : save_model_func;
  spec.data = work;
  spec.data_free = model_file_work_free;
  spec.result_free = field != NULL ? (GDestroyNotify) copyist_model_file_free : g_object_unref;
  self->file_jobs++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE_JOBS]);
  copyist_job_pool_run_async (copyist_application_get_job_pool (COPYIST_APPLICATION (app)), &spec, NULL,
                              model_file_done_cb, call);
}

void
copyist_train_page_load_model (CopyistTrainPage *self, GFile *file, const char *field)
{
  g_return_if_fail (COPYIST_IS_TRAIN_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (g_strcmp0 (field, COPYIST_FIELD_DESCRIPTION) == 0 || g_strcmp0 (field, COPYIST_FIELD_ADCOPY) == 0);

  if (self->project != NULL)
    run_model_file_job (self, file, field, NULL);
}

void
copyist_train_page_save_model (CopyistTrainPage *self, gint64 model_id, GFile *file)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (COPYIST_IS_TRAIN_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->project == NULL)
    return;
  bytes = copyist_project_dup_model_bytes (self->project, model_id, &error);
  if (bytes == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("The model was not saved. %s"), error->message);
      set_file_error (self, msg);
      return;
    }
  run_model_file_job (self, file, NULL, bytes);
}

static GtkFileFilter *
model_filter_new (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Copyist models"));
  gtk_file_filter_add_suffix (filter, "cpmodel");
  return filter;
}

static void
save_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  CopyistTrainPage *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      gint64 model_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "copyist-model-id"));
      if (file != NULL)
        copyist_train_page_save_model (self, model_id, file);
    }
  g_object_unref (self);
  g_object_unref (dialog);
}

static void
save_model_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistTrainPage *self = COPYIST_TRAIN_PAGE (widget);
  GtkNative *native = gtk_widget_get_native (widget);
  gint64 model_id = g_variant_get_int64 (parameter);
  g_autoptr(GtkFileFilter) filter = model_filter_new ();
  g_autofree char *file_name = NULL;
  GtkFileChooserNative *dialog;

  if (self->project == NULL)
    return;
  for (guint i = 0; i < self->model_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->model_rows, i);
      if (GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "copyist-model-id")) == (gsize) model_id)
        file_name = g_strconcat (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ".cpmodel", NULL);
    }
  if (file_name == NULL || g_str_equal (file_name, ".cpmodel"))
    {
      g_free (file_name);
      file_name = g_strdup ("model.cpmodel");
    }
  g_strdelimit (file_name, "/\\:", '-');
  dialog = gtk_file_chooser_native_new (_("Save Model"), GTK_WINDOW (native), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), file_name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_object_set_data (G_OBJECT (dialog), "copyist-model-id", GSIZE_TO_POINTER ((gsize) model_id));
  g_signal_connect (dialog, "response", G_CALLBACK (save_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
load_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  CopyistTrainPage *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      const char *field = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "field");
      if (file != NULL)
        copyist_train_page_load_model (self, file, g_strcmp0 (field, COPYIST_FIELD_ADCOPY) == 0
                                                     ? COPYIST_FIELD_ADCOPY : COPYIST_FIELD_DESCRIPTION);
    }
  g_object_unref (self);
  g_object_unref (dialog);
}

static void
load_model_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistTrainPage *self = COPYIST_TRAIN_PAGE (widget);
  GtkNative *native = gtk_widget_get_native (widget);
  g_autoptr(GtkFileFilter) filter = model_filter_new ();
  const char *ids[] = { COPYIST_FIELD_DESCRIPTION, COPYIST_FIELD_ADCOPY, NULL };
  const char *labels[] = { _("Descriptions"), _("Ad copy"), NULL };
  GtkFileChooserNative *dialog;

  if (self->project == NULL)
    return;
  dialog = gtk_file_chooser_native_new (_("Load Model"), GTK_WINDOW (native), GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Load"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (dialog), "field", _("Use it for"), ids, labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (dialog), "field",
                               adw_combo_row_get_selected (self->field_row) == 1 ? COPYIST_FIELD_ADCOPY
                                                                                 : COPYIST_FIELD_DESCRIPTION);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (load_response_cb), g_object_ref (self));
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
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Save the model to a file"), -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "train.save-model");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", info->id);
      g_object_set_data (G_OBJECT (row), "copyist-model-id", GSIZE_TO_POINTER ((gsize) info->id));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_preferences_group_add (self->models_group, row);
      g_ptr_array_add (self->model_rows, row);
    }
}

/* ---- training in the job pool ------------------------------------------------ */

/* Two cancellables: the job's (cancelled when the project closes: the
 * result is dropped) and STOP (the Stop button: the engine stops and the
 * job still returns the best model so far, which is stored). */
typedef struct {
  CopyistTrainJob *job;   /* moved into the result on success */
  GCancellable    *stop;
} TrainWork;

typedef struct {
  CopyistJob *pool_job;
  int         epoch_done;  /* the last epoch whose held-out score is known */
  double      bleu;
  int         last_step;   /* the step of the previous report */
} TrainContext;

typedef struct {
  CopyistTrainPage *self;
  GCancellable     *cancellable;
} TrainCall;

static void
train_work_free (gpointer data)
{
  TrainWork *work = data;

  g_clear_pointer (&work->job, copyist_train_job_free);
  g_clear_object (&work->stop);
  g_free (work);
}

/* Stops the engine when either the job is cancelled or Stop was pressed. */
static void
forward_cancel_cb (GCancellable *cancellable, gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static double
finite_or (double x, double fallback)
{
  return isfinite (x) ? x : fallback;
}

/* Runs in the pool thread: the progress goes to the main context as a
 * small JSON payload (the pool keeps only the latest one, so the epoch
 * score is repeated in every payload until the next epoch ends). */
static void
train_progress_cb (const CeTrainProgress *p, gpointer user_data)
{
  TrainContext *ctx = user_data;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *payload = NULL;

  gboolean fresh = p->step > ctx->last_step;

  ctx->last_step = p->step;
  if (p->epoch_end && isfinite (p->heldout_score))
    {
      ctx->epoch_done = p->epoch;
      ctx->bleu = p->heldout_score;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "step");
  json_builder_add_int_value (b, p->step);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, p->total_steps);
  json_builder_set_member_name (b, "epoch");
  json_builder_add_int_value (b, p->epoch);
  json_builder_set_member_name (b, "epochs");
  json_builder_add_int_value (b, p->epochs);
  json_builder_set_member_name (b, "elapsed");
  json_builder_add_double_value (b, finite_or (p->elapsed, 0));
  json_builder_set_member_name (b, "epoch_end");
  json_builder_add_boolean_value (b, p->epoch_end != 0);
  json_builder_set_member_name (b, "eta");
  json_builder_add_double_value (b, finite_or (p->eta, -1));
  /* A report with no step since the last one (an epoch end right after a
   * step report) carries no losses: mark them missing, not zero. */
  json_builder_set_member_name (b, "xent");
  json_builder_add_double_value (b, fresh ? finite_or (p->losses.xent, -1) : -1);
  json_builder_set_member_name (b, "kl");
  json_builder_add_double_value (b, fresh ? finite_or (p->losses.kl, -1) : -1);
  json_builder_set_member_name (b, "critic");
  if (fresh && isfinite (p->losses.critic))
    json_builder_add_double_value (b, p->losses.critic);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "epoch_done");
  json_builder_add_int_value (b, ctx->epoch_done);
  json_builder_set_member_name (b, "bleu");
  json_builder_add_double_value (b, ctx->bleu);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  payload = json_generator_to_data (gen, NULL);
  copyist_job_report_progress (ctx->pool_job, p->total_steps > 0 ? CLAMP ((double) p->step / p->total_steps, 0, 1) : 0,
                               payload);
}

static gpointer
train_func (CopyistJob *job, gpointer data, GError **error)
{
  TrainWork *work = data;
  TrainContext ctx = { job, 0, -1, 0 };
  gulong id = g_cancellable_connect (copyist_job_get_cancellable (job), G_CALLBACK (forward_cancel_cb),
                                     g_object_ref (work->stop), g_object_unref);
  gboolean ok = copyist_train_job_run (work->job, train_progress_cb, &ctx, work->stop, error);

  g_cancellable_disconnect (copyist_job_get_cancellable (job), id);
  if (!ok)
    return NULL;
  return g_steal_pointer (&work->job);
}

static gboolean
is_gan (CopyistTrainPage *self)
{
  return adw_combo_row_get_selected (self->kind_row) == 1;
}

static void
set_running (CopyistTrainPage *self, gboolean running)
{
  self->running = running;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.start", !running && self->project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.cancel", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.load-model", self->project != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->kind_row), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->field_row), !running);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
train_progress_main_cb (double fraction, double eta_seconds, const char *payload, gpointer user_data)
{
  CopyistTrainPage *self = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  gint64 step, total, epoch, epochs, epoch_done;
  double x, eta;
  g_autofree char *text = NULL;

  if (payload == NULL || !copyist_json_load (parser, payload, -1, NULL)
      || json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      gtk_progress_bar_set_fraction (self->progress_bar, fraction);
      return;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  step = json_object_get_int_member (o, "step");
  total = json_object_get_int_member (o, "total");
  epoch = json_object_get_int_member (o, "epoch");
  epochs = json_object_get_int_member (o, "epochs");
  epoch_done = json_object_get_int_member (o, "epoch_done");
  eta = json_object_get_double_member (o, "eta");

  /* Under a time budget (no epoch count), progress is time: the step
   * budget is only the engine's estimate. */
  if (gtk_spin_button_get_value_as_int (self->epochs_spin) == 0)
    {
      double budget = gtk_spin_button_get_value (self->minutes_spin) * 60.0;
      double elapsed = json_object_get_double_member (o, "elapsed");
      fraction = budget > 0 ? CLAMP (elapsed / budget, 0, 1) : fraction;
      eta = budget > 0 ? MAX (budget - elapsed, 0) : eta;
      epochs = 0;
    }
  else if (total > 0)
    fraction = CLAMP ((double) step / total, 0, 1);
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);

  /* x in epochs: a report inside epoch E sits at E - ½, its end at E. */
  x = json_object_get_boolean_member (o, "epoch_end") ? (double) epoch : epoch - 0.5;
  if (json_object_get_double_member (o, "xent") >= 0)
    copyist_loss_plot_add_point (self->plot, self->series_loss, x, json_object_get_double_member (o, "xent"));
  if (is_gan (self))
    {
      /* A critic loss can be negative; a missing one is null in the JSON. */
      JsonNode *critic = json_object_get_member (o, "critic");
      if (critic != NULL && !JSON_NODE_HOLDS_NULL (critic))
        copyist_loss_plot_add_point (self->plot, self->series_reg, x, json_node_get_double (critic));
    }
  else if (json_object_get_double_member (o, "kl") >= 0)
    copyist_loss_plot_add_point (self->plot, self->series_reg, x, json_object_get_double_member (o, "kl"));
  if (epoch_done > self->plotted_epoch && json_object_get_double_member (o, "bleu") >= 0)
    {
      copyist_loss_plot_add_point (self->plot, self->series_bleu, epoch_done, json_object_get_double_member (o, "bleu"));
      self->plotted_epoch = (int) epoch_done;
    }

  if (eta < 0)
    eta = eta_seconds;
  if (eta >= 0)
    {
      g_autofree char *left = eta >= 90 ? g_strdup_printf (_("about %.0f min left"), ceil (eta / 60))
                                        : g_strdup_printf (_("about %.0f s left"), ceil (eta));
      text = epochs > 0 ? g_strdup_printf (_("Epoch %d of %d · %s"), (int) epoch, (int) epochs, left)
                        : g_strdup_printf (_("Epoch %d · %s"), (int) epoch, left);
    }
  else
    text = g_strdup_printf (_("Epoch %d"), (int) epoch);
  gtk_label_set_text (self->eta_label, text);
}

static void
clear_examples (CopyistTrainPage *self)
{
  for (guint i = 0; i < self->example_rows->len; i++)
    adw_preferences_group_remove (self->examples_group, g_ptr_array_index (self->example_rows, i));
  g_ptr_array_set_size (self->example_rows, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->examples_group), FALSE);
}

/* The held-out summary ({"bleu", "ser", "examples": [{"output", "reference"}]})
 * as a sentence and up to five examples beside their references. */
static void
show_summary (CopyistTrainPage *self, const char *summary_json, gboolean cancelled)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  GString *text = g_string_new (cancelled ? _("Stopped: the best model so far was kept.") : _("Training finished."));

  clear_examples (self);
  /* The summary comes from the project file, which may come from anywhere:
   * bounded nesting, and no root at all for an empty text. */
  if (summary_json != NULL && copyist_json_load (parser, summary_json, -1, NULL)
      && json_parser_get_root (parser) != NULL && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      o = json_node_get_object (json_parser_get_root (parser));
      if (json_object_has_member (o, "bleu"))
        g_string_append_printf (text, _(" Held-out BLEU %.3f."), json_object_get_double_member (o, "bleu"));
      if (json_object_has_member (o, "ser"))
        g_string_append_printf (text, _(" Slot error rate %.1f%% (values missing or invented)."),
                                100 * json_object_get_double_member (o, "ser"));
      if (json_object_has_member (o, "examples"))
        {
          JsonArray *examples = json_object_get_array_member (o, "examples");
          for (guint i = 0; examples != NULL && i < json_array_get_length (examples) && i < 5; i++)
            {
              JsonObject *e = json_array_get_object_element (examples, i);
              GtkWidget *row = adw_action_row_new ();
              const char *out = json_object_get_string_member_with_default (e, "output", "");
              const char *ref = json_object_get_string_member_with_default (e, "reference", "");
              g_autofree char *subtitle = g_strdup_printf (_("Shop’s text: %s"), ref);

              adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), out);
              adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
              adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
              adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
              adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
              adw_preferences_group_add (self->examples_group, row);
              g_ptr_array_add (self->example_rows, row);
            }
          gtk_widget_set_visible (GTK_WIDGET (self->examples_group), self->example_rows->len > 0);
        }
    }
  gtk_label_set_text (self->summary_label, text->str);
  g_string_free (text, TRUE);
}

static void
train_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TrainCall *call = user_data;
  g_autoptr(CopyistTrainPage) self = call->self;
  g_autoptr(GCancellable) cancellable = call->cancellable;
  g_autoptr(GError) error = NULL;
  CopyistTrainJob *job = copyist_job_pool_run_finish (COPYIST_JOB_POOL (source), result, &error);
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), COPYIST_TYPE_WINDOW);
  gboolean cancelled;
  gint64 model_id = 0;

  g_free (call);
  if (cancellable != self->cancellable)
    {
      /* The project was closed or replaced meanwhile. */
      g_clear_pointer (&job, copyist_train_job_free);
      return;
    }
  g_clear_object (&self->cancellable);
  set_running (self, FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, job != NULL ? 1.0 : 0.0);
  if (job == NULL)
    {
      g_debug ("Training failed: %s", error->message);
      gtk_label_set_text (self->eta_label, _("Not training"));
      gtk_label_set_text (self->summary_label, error->message);
      if (window != NULL)
        {
          copyist_window_toast (COPYIST_WINDOW (window), error->message, FALSE);
          copyist_window_job_done (COPYIST_WINDOW (window), _("Training failed"), error->message);
        }
      return;
    }
  cancelled = copyist_train_job_was_cancelled (job);
  if (self->project == NULL || !copyist_train_job_store (job, self->project, &model_id, &error))
    {
      g_debug ("Storing the trained model failed: %s", error != NULL ? error->message : "no project");
      gtk_label_set_text (self->summary_label, error != NULL ? error->message : "");
      copyist_train_job_free (job);
      return;
    }
  gtk_label_set_text (self->eta_label, cancelled ? _("Stopped") : _("Done"));
  show_summary (self, copyist_train_job_get_summary_json (job), cancelled);
  copyist_train_job_free (job);
  reload_models (self);
  if (window != NULL)
    {
      const char *title = cancelled ? _("Training stopped; the best model was kept") : _("Training finished");
      copyist_window_toast (COPYIST_WINDOW (window), title, FALSE);
      copyist_window_job_done (COPYIST_WINDOW (window), title, gtk_label_get_text (self->summary_label));
    }
}

static void
start_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistTrainPage *self = COPYIST_TRAIN_PAGE (widget);
  GtkWidget *window = gtk_widget_get_ancestor (widget, GTK_TYPE_APPLICATION_WINDOW);
  GtkApplication *app = window != NULL ? gtk_window_get_application (GTK_WINDOW (window)) : NULL;
  CopyistTrainSettings settings;
  g_autoptr(GError) error = NULL;
  CopyistTrainJob *job;
  TrainWork *work;
  TrainCall *call;
  CopyistJobSpec spec = { 0 };

  if (self->project == NULL || self->running || app == NULL || !COPYIST_IS_APPLICATION (app))
    return;
  copyist_train_settings_init (&settings, is_gan (self) ? CE_MODEL_ARAE : CE_MODEL_CVAE,
                               adw_combo_row_get_selected (self->field_row) == 1 ? COPYIST_FIELD_ADCOPY
                                                                                 : COPYIST_FIELD_DESCRIPTION);
  settings.epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  settings.minutes = gtk_spin_button_get_value (self->minutes_spin);
  settings.seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  if (ce_train_bf16_available () && gtk_switch_get_active (self->precision_switch))
    settings.precision = CE_PRECISION_BF16;
  job = copyist_train_job_new (self->project, &settings, &error);
  if (job == NULL)
    {
      gtk_label_set_text (self->summary_label, error->message);
      return;
    }

  copyist_loss_plot_reset (self->plot);
  self->series_loss = copyist_loss_plot_add_series (self->plot, _("Reconstruction"), COPYIST_LOSS_PLOT_AXIS_LEFT);
  self->series_reg = copyist_loss_plot_add_series (self->plot, is_gan (self) ? _("Critic") : _("KL"),
                                                   COPYIST_LOSS_PLOT_AXIS_LEFT);
  self->series_bleu = copyist_loss_plot_add_series (self->plot, _("Held-out BLEU"), COPYIST_LOSS_PLOT_AXIS_RIGHT);
  self->plotted_epoch = 0;
  clear_examples (self);
  {
    g_autofree char *text = g_strdup_printf (_("Training on %u texts; %u held-out products measure the quality."),
                                             copyist_train_job_n_train (job), copyist_train_job_n_heldout (job));
    gtk_label_set_text (self->summary_label, text);
  }
  gtk_label_set_text (self->eta_label, _("Starting…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);

  work = g_new0 (TrainWork, 1);
  work->job = job;
  self->cancellable = g_cancellable_new ();
  g_clear_object (&self->stop);
  self->stop = g_cancellable_new ();
  work->stop = g_object_ref (self->stop);
  call = g_new0 (TrainCall, 1);
  call->self = g_object_ref (self);
  call->cancellable = g_object_ref (self->cancellable);
  spec.name = "train";
  spec.owner = G_OBJECT (self);
  spec.func = train_func;
  spec.data = work;
  spec.data_free = train_work_free;
  spec.result_free = (GDestroyNotify) copyist_train_job_free;
  spec.progress = train_progress_main_cb;
  spec.progress_data = self;
  set_running (self, TRUE);
  copyist_job_pool_run_async (copyist_application_get_job_pool (COPYIST_APPLICATION (app)), &spec,
                              self->cancellable, train_done_cb, call);
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistTrainPage *self = COPYIST_TRAIN_PAGE (widget);

  if (self->cancellable != NULL && self->stop != NULL)
    {
      gtk_label_set_text (self->eta_label, _("Stopping…"));
      g_cancellable_cancel (self->stop);
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
    case PROP_FILE_JOBS: g_value_set_uint (value, self->file_jobs); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
copyist_train_page_dispose (GObject *object)
{
  CopyistTrainPage *self = COPYIST_TRAIN_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->stop);
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
  g_ptr_array_unref (self->example_rows);
  g_free (self->file_error);
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
  properties[PROP_FILE_JOBS] = g_param_spec_uint ("file-jobs", NULL, NULL, 0, G_MAXUINT, 0,
                                                  G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (COPYIST_TYPE_LOSS_PLOT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/copyist/Copyist/copyist-train-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, kind_row);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, field_row);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, minutes_spin);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, precision_row);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, precision_switch);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, eta_label);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, plot);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, examples_group);
  gtk_widget_class_bind_template_child (widget_class, CopyistTrainPage, models_group);

  gtk_widget_class_install_action (widget_class, "train.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "train.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "train.load-model", NULL, load_model_action);
  gtk_widget_class_install_action (widget_class, "train.save-model", "x", save_model_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "train.cancel", NULL);
}

static void
default_kind_changed_cb (GSettings *settings, const char *key, gpointer user_data)
{
  CopyistTrainPage *self = user_data;
  g_autofree char *kind = g_settings_get_string (settings, "default-model-kind");

  adw_combo_row_set_selected (self->kind_row, g_strcmp0 (kind, "gan") == 0);
}

static void
copyist_train_page_init (CopyistTrainPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->model_rows = g_ptr_array_new ();
  self->example_rows = g_ptr_array_new ();
  self->settings = g_settings_new (APP_ID);
  /* The preference "default model" picks the kind, now and when it changes. */
  g_signal_connect_object (self->settings, "changed::default-model-kind", G_CALLBACK (default_kind_changed_cb), self, 0);
  default_kind_changed_cb (self->settings, NULL, self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->epochs_spin), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Epochs"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->minutes_spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Time budget in minutes"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->seed_spin), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Seed"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->precision_switch), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Faster training"), -1);
  /* only where the processor has AMX-BF16 (ce_train_bf16_available) */
  gtk_widget_set_visible (self->precision_row, ce_train_bf16_available ());
  gtk_label_set_text (self->eta_label, _("Not training"));
  set_running (self, FALSE);
}

void
copyist_train_page_set_project (CopyistTrainPage *self, CopyistProject *project)
{
  g_return_if_fail (COPYIST_IS_TRAIN_PAGE (self));

  /* A run for the previous project is dropped (its result is not stored). */
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
  g_set_object (&self->project, project);
  copyist_loss_plot_reset (self->plot);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_text (self->summary_label, "");
  gtk_label_set_text (self->eta_label, _("Not training"));
  clear_examples (self);
  set_running (self, FALSE);
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

guint
copyist_train_page_get_file_jobs (CopyistTrainPage *self)
{
  g_return_val_if_fail (COPYIST_IS_TRAIN_PAGE (self), 0);
  return self->file_jobs;
}

const char *
copyist_train_page_get_file_error (CopyistTrainPage *self)
{
  g_return_val_if_fail (COPYIST_IS_TRAIN_PAGE (self), NULL);
  return self->file_error;
}
