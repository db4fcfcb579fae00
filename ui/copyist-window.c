/* copyist-window.c — the main window: start page, products and editor, training
 *
 * The window owns the open project and the lazy product list; the pages
 * get them through their set_project/set_list calls. Everything a user
 * can do is a "win." action installed in class_init, so menus, shortcuts
 * and tests all go the same way. */
#define G_LOG_DOMAIN "copyist"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "copyist-editor.h"
#include "copyist-export-dialog.h"
#include "copyist-generator.h"
#include "copyist-import-assistant.h"
#include "copyist-preferences-window.h"
#include "copyist-product-list.h"
#include "copyist-products-view.h"
#include "copyist-train-page.h"
#include "copyist-window.h"

#define MAX_RECENT 10

struct _CopyistWindow
{
  AdwApplicationWindow parent_instance;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkWidget            *back_button;
  GtkWidget            *import_button;
  GtkWidget            *export_button;
  GtkWidget            *undo_box;
  GtkStack             *main_stack;
  AdwStatusPage        *start_page;
  AdwPreferencesGroup  *recent_group;
  GtkListBox           *recent_list;
  AdwViewStack         *view_stack;
  AdwLeaflet           *leaflet;
  CopyistProductsView  *products_view;
  CopyistEditor        *editor;
  CopyistTrainPage     *train_page;

  GSettings            *settings;
  GPtrArray            *toasts;       /* AdwToast*, shown or queued */
  CopyistProject       *project;
  CopyistProductList   *products;
  gulong                project_notify_id;
  GCancellable         *generate_cancellable;  /* non-NULL while generating */
  AdwToast             *generate_toast;        /* its progress, with Cancel */
  GCancellable         *write_cancellable;     /* non-NULL while an import or undo is written in the pool */
  AdwToast             *write_toast;           /* its "…" toast with Cancel */
  char                 *last_toast;            /* the title of the newest toast */
  char                 *last_notification;     /* the title of the last desktop notification sent */
  guint                 n_notifications;
};

/* Imports and undo steps touching more products than this are written in
 * the job pool (a second or more of work), smaller ones at once. */
#define BACKGROUND_WRITE_PRODUCTS 2000

G_DEFINE_FINAL_TYPE (CopyistWindow, copyist_window, ADW_TYPE_APPLICATION_WINDOW)

static void copyist_window_close_project (CopyistWindow *self);

static void
toast_dismissed_cb (AdwToast *toast, gpointer user_data)
{
  CopyistWindow *self = user_data;

  if (self->toasts != NULL)
    g_ptr_array_remove (self->toasts, toast);
}

static void
add_toast (CopyistWindow *self, AdwToast *toast /* transfer full */)
{
  g_free (self->last_toast);
  self->last_toast = g_strdup (adw_toast_get_title (toast));
  g_ptr_array_add (self->toasts, g_object_ref (toast));
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* A toast that stays while a job runs, its button activating CANCEL_ACTION.
 * Returns a reference for the caller, who dismisses it when the job ends. */
static AdwToast *
add_job_toast (CopyistWindow *self, const char *text, const char *cancel_action)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 0);
  adw_toast_set_button_label (toast, _("_Cancel"));
  adw_toast_set_action_name (toast, cancel_action);
  add_toast (self, g_object_ref (toast));
  return toast;
}

static void
update_actions (CopyistWindow *self)
{
  gboolean open = self->project != NULL;
  gboolean editing = open && g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "editor") == 0
                     && g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "products") == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-project", open);
  gboolean writing = self->write_cancellable != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import", open && !writing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 open && !writing && copyist_project_can_undo (self->project));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo",
                                 open && !writing && copyist_project_can_redo (self->project));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo-steps", open && !writing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-write", writing);
  /* Until the write is in, the project takes no edits: nothing typed may
   * meet a "busy" refusal. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->editor), !writing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-products", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-training", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.select-product", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.approve-selected", open && !writing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-selected", open && !writing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.regenerate", open && !writing && self->generate_cancellable == NULL);

  gtk_widget_set_visible (self->back_button, editing);
  gtk_widget_set_visible (self->import_button, open && !editing);
  gtk_widget_set_visible (self->export_button, open);
  gtk_widget_set_visible (self->undo_box, open);
  gtk_widget_set_visible (GTK_WIDGET (self->switcher_title), TRUE);
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, open);
  if (!open)
    adw_view_switcher_bar_set_reveal (self->switcher_bar, FALSE);
  else
    adw_view_switcher_bar_set_reveal (self->switcher_bar,
                                      adw_view_switcher_title_get_title_visible (self->switcher_title));

  if (open)
    {
      g_autofree char *name = g_file_get_basename (copyist_project_get_file (self->project));
      adw_view_switcher_title_set_subtitle (self->switcher_title, name);
    }
  else
    adw_view_switcher_title_set_subtitle (self->switcher_title, NULL);
}

static void
project_notify_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  update_actions (COPYIST_WINDOW (user_data));
}

static void
title_visible_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  update_actions (COPYIST_WINDOW (user_data));
}

static void
leaflet_child_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  CopyistWindow *self = user_data;

  if (g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "table") == 0)
    copyist_editor_flush (self->editor);
  update_actions (self);
}

/* ---- recent projects ---------------------------------------------------- */

static void
rebuild_recent (CopyistWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-projects");
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *base = NULL;
      g_autofree char *dir = NULL;
      GtkWidget *row;

      if (!g_file_test (recent[i], G_FILE_TEST_IS_REGULAR))
        continue;
      base = g_path_get_basename (recent[i]);
      dir = g_path_get_dirname (recent[i]);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), base);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), dir);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.open-recent");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", recent[i]);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_append (self->recent_list, row);
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->recent_group), shown > 0);
}

static void
remember_recent (CopyistWindow *self, GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_auto(GStrv) old = g_settings_get_strv (self->settings, "recent-projects");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) recent = NULL;
  guint n = 1;

  if (path == NULL)
    return;
  g_strv_builder_add (builder, path);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT; i++)
    if (g_strcmp0 (old[i], path) != 0)
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-projects", (const char * const *) recent);
  rebuild_recent (self);
}

/* ---- opening projects --------------------------------------------------- */

static void
product_activated_cb (CopyistProductsView *view, gint64 id, gpointer user_data)
{
  CopyistWindow *self = user_data;

  gtk_widget_activate_action (GTK_WIDGET (self), "win.select-product", "x", id);
}

static void
show_error (CopyistWindow *self, const GError *error)
{
  copyist_window_toast (self, error->message, FALSE);
}

static void
open_file_or_toast (CopyistWindow *self, GFile *file, gboolean create)
{
  g_autoptr(GError) error = NULL;

  if (!copyist_window_open_project (self, file, create, &error))
    show_error (self, error);
}

static void
new_project_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  CopyistWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (chosen);
      g_autoptr(GFile) file = NULL;

      /* The chooser already asked before replacing an existing file. */
      if (!g_str_has_suffix (path, ".copyist"))
        {
          g_autofree char *with_ext = g_strconcat (path, ".copyist", NULL);
          file = g_file_new_for_path (with_ext);
        }
      else
        file = g_object_ref (chosen);
      if (g_file_query_exists (file, NULL))
        {
          g_autoptr(GError) error = NULL;
          if (!g_file_delete (file, NULL, &error))
            {
              show_error (self, error);
              g_object_unref (dialog);
              return;
            }
        }
      open_file_or_toast (self, file, TRUE);
    }
  g_object_unref (dialog);
}

static GtkFileFilter *
project_filter_new (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Copyist projects"));
  gtk_file_filter_add_pattern (filter, "*.copyist");
  gtk_file_filter_add_mime_type (filter, "application/x-copyist-project");
  return filter;
}

static void
new_project_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistWindow *self = COPYIST_WINDOW (widget);
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("New Project"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Create"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), _("Products.copyist"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (new_project_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_project_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  CopyistWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      open_file_or_toast (self, file, FALSE);
    }
  g_object_unref (dialog);
}

static void
open_project_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistWindow *self = COPYIST_WINDOW (widget);
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = project_filter_new ();

  dialog = gtk_file_chooser_native_new (_("Open Project"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (open_project_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_recent_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  open_file_or_toast (COPYIST_WINDOW (widget), file, FALSE);
}

static void
open_demo_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistWindow *self = COPYIST_WINDOW (widget);
  g_autoptr(GFile) demo = copyist_window_find_demo_project ();
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "copyist", NULL);
  g_autofree char *path = g_build_filename (dir, "demo.copyist", NULL);
  g_autoptr(GFile) copy = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  if (demo == NULL)
    {
      copyist_window_toast (self, _("The demo project is not installed"), FALSE);
      return;
    }
  /* The shipped demo is read-only (installed under /usr): the merchant
   * works on a copy in their data folder, made once and kept. */
  if (!g_file_query_exists (copy, NULL))
    {
      if (g_mkdir_with_parents (dir, 0700) != 0 ||
          !g_file_copy (demo, copy, G_FILE_COPY_NONE, NULL, NULL, NULL, &error))
        {
          g_autofree char *msg = g_strdup_printf (_("Could not copy the demo project to %s: %s"), path,
                                                  error != NULL ? error->message : g_strerror (errno));
          copyist_window_toast (self, msg, FALSE);
          return;
        }
    }
  open_file_or_toast (self, copy, FALSE);
}

static void
close_project_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  copyist_window_close_project (COPYIST_WINDOW (widget));
}

/* ---- writes in the job pool (big imports, undoing them) ----------------- */

typedef struct {
  CopyistWindow *self;          /* a reference */
  GCancellable  *cancellable;   /* identifies the write */
  gboolean       import;
  guint          n_records;
} WriteCall;

static void
write_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  WriteCall *call = user_data;
  g_autoptr(CopyistWindow) self = call->self;
  g_autoptr(GCancellable) cancellable = call->cancellable;
  g_autoptr(GError) error = NULL;
  CopyistImportReport report;
  gboolean ok;

  copyist_import_report_init (&report);
  ok = copyist_project_write_finish (COPYIST_PROJECT (source), result, &report, &error);
  if (self->write_toast != NULL)
    adw_toast_dismiss (self->write_toast);
  g_clear_object (&self->write_toast);
  if (cancellable == self->write_cancellable)
    g_clear_object (&self->write_cancellable);
  if (COPYIST_PROJECT (source) == self->project)
    {
      update_actions (self);
      if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        copyist_window_toast (self, call->import ? _("Import cancelled: nothing was stored")
                                                 : _("Cancelled: the project is as it was"), FALSE);
      else if (!ok)
        show_error (self, error);
      else if (call->import)
        {
          g_autofree char *msg = g_strdup_printf (_("Imported: %u new, %u updated, %u skipped"),
                                                  report.created, report.updated, report.skipped);
          copyist_window_job_done (self, _("Import finished"), msg);
          copyist_window_toast (self, msg, TRUE);
        }
      copyist_editor_set_product (self->editor, copyist_editor_get_product (self->editor));
    }
  copyist_import_report_clear (&report);
  g_free (call);
}

/* Starts an import of RECORDS (when not NULL) or an undo/redo in the pool. */
static void
start_background_write (CopyistWindow *self, GPtrArray *records, gboolean redo)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  WriteCall *call;
  g_autofree char *msg = NULL;

  g_return_if_fail (self->write_cancellable == NULL && app != NULL);
  self->write_cancellable = g_cancellable_new ();
  call = g_new0 (WriteCall, 1);
  call->self = g_object_ref (self);
  call->cancellable = g_object_ref (self->write_cancellable);
  call->import = records != NULL;
  if (records != NULL)
    {
      msg = g_strdup_printf (ngettext ("Importing %u product…", "Importing %u products…", records->len),
                             records->len);
      copyist_project_import_records_async (self->project,
                                            copyist_application_get_job_pool (COPYIST_APPLICATION (app)),
                                            records, COPYIST_IMPORT_UPDATE_OR_CREATE, NULL, NULL,
                                            self->write_cancellable, write_done_cb, call);
    }
  else
    {
      msg = g_strdup (redo ? _("Redoing…") : _("Undoing…"));
      copyist_project_undo_async (self->project, copyist_application_get_job_pool (COPYIST_APPLICATION (app)),
                                  redo, NULL, NULL, self->write_cancellable, write_done_cb, call);
    }
  self->write_toast = add_job_toast (self, msg, "win.cancel-write");
  update_actions (self);
}

static void
cancel_write_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistWindow *self = COPYIST_WINDOW (widget);

  if (self->write_cancellable != NULL)
    g_cancellable_cancel (self->write_cancellable);
}

/* ---- undo / redo and bulk actions -------------------------------------- */

static void
undo_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistWindow *self = COPYIST_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  gboolean redo = !g_str_equal (action_name, "win.undo");
  gboolean ok;

  if (self->project == NULL || self->write_cancellable != NULL)
    return;
  /* A hand edit still waiting for its pause is saved first, so undo
   * reverts what the user sees. */
  copyist_editor_flush (self->editor);
  if (copyist_project_count_undo_products (self->project, redo) > BACKGROUND_WRITE_PRODUCTS)
    {
      start_background_write (self, NULL, redo);
      return;
    }
  if (g_str_equal (action_name, "win.undo"))
    ok = copyist_project_undo (self->project, &error);
  else
    ok = copyist_project_redo (self->project, &error);
  if (!ok)
    show_error (self, error);
  copyist_editor_set_product (self->editor, copyist_editor_get_product (self->editor));
}

static void
undo_steps_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  guint n = g_variant_get_uint32 (parameter);

  for (guint i = 0; i < n; i++)
    undo_action (widget, "win.undo", NULL);
}

static void
select_product_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistWindow *self = COPYIST_WINDOW (widget);
  gint64 id = g_variant_get_int64 (parameter);

  if (self->project == NULL)
    return;
  copyist_products_view_select_id (self->products_view, id);
  copyist_editor_set_product (self->editor, id);
  adw_view_stack_set_visible_child_name (self->view_stack, "products");
  adw_leaflet_set_visible_child_name (self->leaflet, "editor");
  update_actions (self);
}

static void
show_products_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistWindow *self = COPYIST_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "products");
  adw_leaflet_set_visible_child_name (self->leaflet, "table");
  update_actions (self);
}

static void
show_training_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistWindow *self = COPYIST_WINDOW (widget);

  copyist_editor_flush (self->editor);
  adw_view_stack_set_visible_child_name (self->view_stack, "train");
  update_actions (self);
}

/* The products a bulk action applies to: the selection in the table, or
 * the product in the editor when the editor is shown. */
static GArray *
dup_target_ids (CopyistWindow *self)
{
  GArray *ids = copyist_products_view_dup_selected_ids (self->products_view);

  if (ids->len == 0 && copyist_editor_get_product (self->editor) != 0)
    {
      gint64 id = copyist_editor_get_product (self->editor);
      g_array_append_val (ids, id);
    }
  return ids;
}

static void
approve_selected_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistWindow *self = COPYIST_WINDOW (widget);
  g_autoptr(GArray) ids = dup_target_ids (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *msg = NULL;

  if (self->project == NULL || ids->len == 0)
    return;
  copyist_editor_flush (self->editor);
  /* Approving a product approves both of its texts: two history entries,
   * so the toast's Undo undoes two steps (win.undo-steps). */
  if (!copyist_project_set_approved_bulk (self->project, ids, COPYIST_FIELD_DESCRIPTION, TRUE, &error) ||
      !copyist_project_set_approved_bulk (self->project, ids, COPYIST_FIELD_ADCOPY, TRUE, &error))
    {
      show_error (self, error);
      return;
    }
  msg = g_strdup_printf (ngettext ("Approved %u product", "Approved %u products", ids->len), ids->len);
  {
    AdwToast *toast = adw_toast_new (msg);
    adw_toast_set_button_label (toast, _("_Undo"));
    adw_toast_set_detailed_action_name (toast, "win.undo-steps(uint32 2)");
    add_toast (self, toast);
  }
  copyist_editor_set_product (self->editor, copyist_editor_get_product (self->editor));
}

static void
delete_selected_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistWindow *self = COPYIST_WINDOW (widget);
  g_autoptr(GArray) ids = copyist_products_view_dup_selected_ids (self->products_view);
  g_autoptr(GError) error = NULL;
  g_autofree char *msg = NULL;

  if (self->project == NULL || ids->len == 0)
    return;
  copyist_editor_flush (self->editor);
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == copyist_editor_get_product (self->editor))
      {
        copyist_editor_set_product (self->editor, 0);
        adw_leaflet_set_visible_child_name (self->leaflet, "table");
      }
  if (!copyist_project_delete_products (self->project, ids, &error))
    {
      show_error (self, error);
      return;
    }
  msg = g_strdup_printf (ngettext ("Deleted %u product", "Deleted %u products", ids->len), ids->len);
  copyist_window_toast (self, msg, TRUE);
}

static void
search_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistWindow *self = COPYIST_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "products");
  adw_leaflet_set_visible_child_name (self->leaflet, "table");
  copyist_products_view_focus_search (self->products_view);
}

/* ---- regenerate: generation in the job pool ------------------------------- */

typedef struct {
  CopyistGenerateJob *job;   /* moved into the result on success */
} GenerateWork;

static void
generate_work_free (gpointer data)
{
  GenerateWork *work = data;

  g_clear_pointer (&work->job, copyist_generate_job_free);
  g_free (work);
}

static void
generate_progress_cb (guint done, guint total, gpointer user_data)
{
  g_autofree char *payload = g_strdup_printf ("%u %u", done, total);

  copyist_job_report_progress (user_data, total > 0 ? (double) done / total : 0.0, payload);
}

/* Main thread: the progress toast says how far the job is and how long
 * it has left. */
static void
generate_progress_main_cb (double fraction, double eta_seconds, const char *payload, gpointer user_data)
{
  CopyistWindow *self = user_data;
  guint done = 0, total = 0;
  g_autofree char *title = NULL;

  if (self->generate_toast == NULL || payload == NULL || sscanf (payload, "%u %u", &done, &total) != 2)
    return;
  if (eta_seconds >= 0)
    title = g_strdup_printf (ngettext ("Writing variants: %u of %u product, about %.0f s left…",
                                       "Writing variants: %u of %u products, about %.0f s left…", total),
                             done, total, ceil (eta_seconds));
  else
    title = g_strdup_printf (ngettext ("Writing variants: %u of %u product…",
                                       "Writing variants: %u of %u products…", total), done, total);
  adw_toast_set_title (self->generate_toast, title);
}

static void
cancel_generate_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistWindow *self = COPYIST_WINDOW (widget);

  /* The variants are stored only when the job ends: a cancelled job writes nothing. */
  if (self->generate_cancellable != NULL)
    g_cancellable_cancel (self->generate_cancellable);
}

static void
clear_generate_toast (CopyistWindow *self)
{
  if (self->generate_toast != NULL)
    adw_toast_dismiss (self->generate_toast);
  g_clear_object (&self->generate_toast);
}

static gpointer
generate_func (CopyistJob *job, gpointer data, GError **error)
{
  GenerateWork *work = data;

  if (!copyist_generate_job_run (work->job, generate_progress_cb, job, copyist_job_get_cancellable (job), error))
    return NULL;
  return g_steal_pointer (&work->job);
}

typedef struct {
  CopyistWindow *self;
  GCancellable  *cancellable;   /* identifies the run: a newer one may have replaced it */
} GenerateCall;

static void
generate_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GenerateCall *call = user_data;
  g_autoptr(CopyistWindow) self = call->self;
  g_autoptr(GCancellable) cancellable = call->cancellable;
  g_autoptr(GError) error = NULL;
  CopyistGenerateJob *job = copyist_job_pool_run_finish (COPYIST_JOB_POOL (source), result, &error);
  g_autofree char *msg = NULL;
  guint n;

  g_free (call);
  if (cancellable != self->generate_cancellable)
    {
      /* The project this ran for was closed: nothing to store. */
      g_clear_pointer (&job, copyist_generate_job_free);
      return;
    }
  g_clear_object (&self->generate_cancellable);
  clear_generate_toast (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.regenerate", self->project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-generate", FALSE);
  if (job == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        copyist_window_toast (self, _("Writing cancelled: no text was changed"), FALSE);
      else
        show_error (self, error);
      return;
    }
  n = copyist_generate_job_n_products (job);
  if (self->project == NULL || !copyist_generate_job_store (job, self->project, &error))
    {
      if (error != NULL)
        show_error (self, error);
      copyist_generate_job_free (job);
      return;
    }
  copyist_generate_job_free (job);
  copyist_editor_set_product (self->editor, copyist_editor_get_product (self->editor));
  msg = g_strdup_printf (ngettext ("Wrote new variants for %u product", "Wrote new variants for %u products", n), n);
  copyist_window_dismiss_toast (self);
  copyist_window_job_done (self, msg, NULL);
  copyist_window_toast (self, msg, TRUE);
}

static GArray *
dup_unapproved_ids (CopyistWindow *self)
{
  g_autoptr(GArray) all = copyist_project_dup_product_ids (self->project, NULL);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; all != NULL && i < all->len; i++)
    {
      gint64 id = g_array_index (all, gint64, i);
      CopyistProductStatus status;
      if (copyist_project_get_status (self->project, id, &status, NULL) && status != COPYIST_PRODUCT_STATUS_APPROVED)
        g_array_append_val (ids, id);
    }
  return ids;
}

/* When the preference asks for a language (LANGUAGE "en" or "zh") and the
 * model that will write (MODEL_ID; 0: the built-in model) was not trained
 * on texts in that language alone, the merchant is told what happens: a
 * model writes the languages it learnt, so products in another language
 * keep theirs (the built-in models learnt the demo catalogue's English and
 * Chinese, each product's text in its own language). NULL when the model
 * was trained on that language. */
static char *
dup_language_warning (CopyistWindow *self, gint64 model_id, const char *language)
{
  g_autoptr(GPtrArray) models = NULL;
  g_autofree char *name = NULL;
  const char *model_language = "mixed";

  if (language == NULL || !(g_str_equal (language, "en") || g_str_equal (language, "zh")))
    return NULL;
  if (model_id != 0)
    models = copyist_project_list_models (self->project, NULL);
  for (guint i = 0; models != NULL && i < models->len; i++)
    {
      CopyistModelInfo *m = g_ptr_array_index (models, i);
      if (m->id == model_id)
        {
          name = g_strdup_printf ("“%s”", m->name);
          model_language = m->language;
        }
    }
  if (g_strcmp0 (model_language, language) == 0)
    return NULL;
  if (name == NULL)
    name = g_strdup (_("the built-in model"));
  return g_strdup_printf (g_str_equal (language, "zh")
                          ? _("No model in this project was trained on Chinese text: %s writes, and products not in Chinese keep their own language.")
                          : _("No model in this project was trained on English text: %s writes, and products not in English keep their own language."),
                          name);
}

static void
regenerate_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistWindow *self = COPYIST_WINDOW (widget);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  const char *scope, *field;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  CopyistGenerateJob *job;
  GenerateWork *work;
  CopyistJobSpec spec = { 0 };
  g_autofree char *msg = NULL;
  g_autofree char *language_warning = NULL;

  if (self->project == NULL || self->generate_cancellable != NULL || app == NULL)
    return;
  g_variant_get (parameter, "(&s&s)", &scope, &field);
  copyist_editor_flush (self->editor);

  if (g_str_equal (scope, "product"))
    {
      gint64 id = copyist_editor_get_product (self->editor);
      ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      if (id != 0)
        g_array_append_val (ids, id);
    }
  else if (g_str_equal (scope, "selection"))
    ids = dup_target_ids (self);
  else
    ids = dup_unapproved_ids (self);
  if (ids->len == 0)
    {
      copyist_window_toast (self, _("No products to write for"), FALSE);
      return;
    }

  job = copyist_generate_job_new (self->project, field, 0, ids, FALSE,
                                  (guint) g_settings_get_int (settings, "variants-count"), &error);
  if (job == NULL)
    {
      show_error (self, error);
      return;
    }
  /* The preferences: the language to write in and the ad copy budgets. */
  {
    g_autofree char *language = g_settings_get_string (settings, "text-language");
    if (!copyist_generate_job_set_language (job, self->project, language, &error))
      {
        copyist_generate_job_free (job);
        show_error (self, error);
        return;
      }
    copyist_generate_job_set_adcopy_limits (job, g_settings_get_int (settings, "ad-headline-limit"),
                                            g_settings_get_int (settings, "ad-body-limit"));
    language_warning = dup_language_warning (self, copyist_generate_job_get_model_id (job), language);
  }
  work = g_new0 (GenerateWork, 1);
  work->job = job;
  self->generate_cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.regenerate", FALSE);

  spec.name = "generate";
  spec.owner = G_OBJECT (self);
  spec.func = generate_func;
  spec.data = work;
  spec.data_free = generate_work_free;
  spec.result_free = (GDestroyNotify) copyist_generate_job_free;
  spec.progress = generate_progress_main_cb;
  spec.progress_data = self;  /* the job's owner: no progress after it is gone */
  {
    GenerateCall *call = g_new0 (GenerateCall, 1);
    call->self = g_object_ref (self);
    call->cancellable = g_object_ref (self->generate_cancellable);
    copyist_job_pool_run_async (copyist_application_get_job_pool (COPYIST_APPLICATION (app)), &spec,
                                self->generate_cancellable, generate_done_cb, call);
  }
  msg = g_strdup_printf (ngettext ("Writing variants for %u product…", "Writing variants for %u products…", ids->len),
                         ids->len);
  if (language_warning != NULL)
    {
      /* Said before the progress, where it stays readable while the job runs. */
      g_autofree char *both = g_strdup_printf ("%s %s", language_warning, msg);
      g_free (msg);
      msg = g_steal_pointer (&both);
    }
  clear_generate_toast (self);
  self->generate_toast = add_job_toast (self, msg, "win.cancel-generate");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-generate", TRUE);
}

/* ---- dialogs ------------------------------------------------------------ */

static char *
lookup_mapping_cb (CopyistImportAssistant *assistant, const char *format, const char *signature,
                   gpointer user_data)
{
  CopyistWindow *self = user_data;

  if (self->project == NULL)
    return NULL;
  return copyist_project_load_mapping (self->project, format, signature, NULL);
}

static gboolean
import_records_cb (CopyistImportAssistant *assistant, GPtrArray *records, const char *format,
                   const char *signature, const char *mapping_json, gpointer user_data)
{
  CopyistWindow *self = user_data;
  CopyistImportReport report;
  g_autoptr(GError) error = NULL;
  g_autofree char *msg = NULL;

  if (self->project == NULL)
    return FALSE;
  copyist_editor_flush (self->editor);
  if (records->len > BACKGROUND_WRITE_PRODUCTS && self->write_cancellable == NULL)
    {
      if (!copyist_project_save_mapping (self->project, format, signature, mapping_json, &error))
        g_debug ("Could not save the column mapping: %s", error->message);
      start_background_write (self, records, FALSE);
      gtk_widget_activate_action (GTK_WIDGET (self), "win.show-products", NULL);
      return TRUE;
    }
  copyist_import_report_init (&report);
  if (!copyist_project_import_records (self->project, records, COPYIST_IMPORT_UPDATE_OR_CREATE, &report, &error))
    {
      copyist_import_report_clear (&report);
      show_error (self, error);
      return FALSE;
    }
  /* Offered again next time a file with these columns comes in; not
   * being able to remember it does not undo the import. */
  if (!copyist_project_save_mapping (self->project, format, signature, mapping_json, &error))
    g_debug ("Could not save the column mapping: %s", error->message);
  msg = g_strdup_printf (_("Imported: %u new, %u updated, %u skipped"), report.created, report.updated, report.skipped);
  copyist_import_report_clear (&report);
  copyist_window_toast (self, msg, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-products", NULL);
  return TRUE;
}

static CopyistImportAssistant *
open_import_assistant (CopyistWindow *self, GFile *file)
{
  CopyistImportAssistant *assistant = copyist_import_assistant_new (GTK_WINDOW (self));

  g_signal_connect_object (assistant, "lookup-mapping", G_CALLBACK (lookup_mapping_cb), self, 0);
  g_signal_connect_object (assistant, "import", G_CALLBACK (import_records_cb), self, 0);
  if (file != NULL)
    copyist_import_assistant_set_file (assistant, file);
  gtk_window_present (GTK_WINDOW (assistant));
  return assistant;
}

static void
import_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistWindow *self = COPYIST_WINDOW (widget);

  if (self->project == NULL)
    return;
  open_import_assistant (self, NULL);
}

/* An export can take a while (thousands of products to XLSX): the merchant
 * may be elsewhere when it ends. */
static void
exported_cb (CopyistExportDialog *dialog, GFile *file, const char *error_message, gpointer user_data)
{
  CopyistWindow *self = user_data;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *title = error_message == NULL ? g_strdup_printf (_("Exported to %s"), name)
                                                 : g_strdup_printf (_("Export to %s failed"), name);

  copyist_window_job_done (self, title, error_message);
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistWindow *self = COPYIST_WINDOW (widget);
  g_autoptr(GArray) selected = NULL;
  CopyistExportDialog *dialog;

  if (self->project == NULL)
    return;
  copyist_editor_flush (self->editor);
  selected = copyist_products_view_dup_selected_ids (self->products_view);
  dialog = copyist_export_dialog_new (GTK_WINDOW (self), self->project, selected);
  g_signal_connect_object (dialog, "exported", G_CALLBACK (exported_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
preferences_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  GtkWindow *prefs = GTK_WINDOW (copyist_preferences_window_new (GTK_WINDOW (widget)));

  gtk_window_present (prefs);
}

/* ---- drag and drop: a spreadsheet dropped on the window ----------------- */

static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, gpointer user_data)
{
  CopyistWindow *self = user_data;
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = g_value_get_boxed (value);
  if (files == NULL)
    return FALSE;
  return copyist_window_open_file (self, files->data);
}

/* ---- lifecycle ---------------------------------------------------------- */

static void
copyist_window_close_project (CopyistWindow *self)
{
  if (self->project == NULL)
    return;
  /* A generation still running writes to this project: drop it. */
  g_cancellable_cancel (self->generate_cancellable);
  g_clear_object (&self->generate_cancellable);
  clear_generate_toast (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-generate", FALSE);
  /* An import or undo being written rolls back (the file stays as it was). */
  g_cancellable_cancel (self->write_cancellable);
  g_clear_object (&self->write_cancellable);
  copyist_editor_flush (self->editor);
  copyist_editor_set_product (self->editor, 0);
  copyist_editor_set_project (self->editor, NULL);
  copyist_train_page_set_project (self->train_page, NULL);
  copyist_products_view_set_list (self->products_view, NULL);
  g_clear_object (&self->products);
  g_clear_signal_handler (&self->project_notify_id, self->project);
  copyist_project_close (self->project, NULL);
  g_clear_object (&self->project);
  gtk_stack_set_visible_child_name (self->main_stack, "start");
  rebuild_recent (self);
  update_actions (self);
}

static gboolean
close_request_cb (GtkWindow *window, gpointer user_data)
{
  CopyistWindow *self = COPYIST_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", MAX (width, 360));
  g_settings_set_int (self->settings, "window-height", MAX (height, 294));
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  copyist_window_close_project (self);
  return FALSE;
}

static void
copyist_window_dispose (GObject *object)
{
  CopyistWindow *self = COPYIST_WINDOW (object);

  if (self->project != NULL)
    copyist_window_close_project (self);
  g_clear_object (&self->write_toast);
  g_clear_object (&self->generate_toast);
  g_clear_pointer (&self->toasts, g_ptr_array_unref);
  g_clear_pointer (&self->last_toast, g_free);
  g_clear_pointer (&self->last_notification, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), COPYIST_TYPE_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (copyist_window_parent_class)->dispose (object);
}

static void
copyist_window_class_init (CopyistWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = copyist_window_dispose;

  g_type_ensure (COPYIST_TYPE_PRODUCTS_VIEW);
  g_type_ensure (COPYIST_TYPE_EDITOR);
  g_type_ensure (COPYIST_TYPE_TRAIN_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/copyist/Copyist/copyist-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, import_button);
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, undo_box);
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, start_page);
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, recent_group);
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, products_view);
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, editor);
  gtk_widget_class_bind_template_child (widget_class, CopyistWindow, train_page);

  gtk_widget_class_install_action (widget_class, "win.new-project", NULL, new_project_action);
  gtk_widget_class_install_action (widget_class, "win.open-project", NULL, open_project_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, open_demo_action);
  gtk_widget_class_install_action (widget_class, "win.close-project", NULL, close_project_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.undo-steps", "u", undo_steps_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-write", NULL, cancel_write_action);
  gtk_widget_class_install_action (widget_class, "win.select-product", "x", select_product_action);
  gtk_widget_class_install_action (widget_class, "win.show-products", NULL, show_products_action);
  gtk_widget_class_install_action (widget_class, "win.show-training", NULL, show_training_action);
  gtk_widget_class_install_action (widget_class, "win.approve-selected", NULL, approve_selected_action);
  gtk_widget_class_install_action (widget_class, "win.delete-selected", NULL, delete_selected_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.regenerate", "(ss)", regenerate_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-generate", NULL, cancel_generate_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-project", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open-project", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "win.close-project", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "win.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.show-products", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.show-products", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.show-training", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK, "win.preferences", NULL);
}

static void
copyist_window_init (CopyistWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->toasts = g_ptr_array_new_with_free_func (g_object_unref);
  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);

  g_signal_connect_object (self->switcher_title, "notify::title-visible", G_CALLBACK (title_visible_cb), self, 0);
  g_signal_connect_object (self->leaflet, "notify::visible-child", G_CALLBACK (leaflet_child_cb), self, 0);
  g_signal_connect_object (self->view_stack, "notify::visible-child", G_CALLBACK (title_visible_cb), self, 0);
  g_signal_connect_object (self->products_view, "product-activated", G_CALLBACK (product_activated_cb), self, 0);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  rebuild_recent (self);
  update_actions (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-generate", FALSE);
}

/* ---- public API ----------------------------------------------------------- */

CopyistWindow *
copyist_window_new (CopyistApplication *application)
{
  return g_object_new (COPYIST_TYPE_WINDOW, "application", application, NULL);
}

gboolean
copyist_window_open_project (CopyistWindow *self, GFile *file, gboolean create, GError **error)
{
  g_autoptr(CopyistProject) project = NULL;

  g_return_val_if_fail (COPYIST_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  project = copyist_project_open (file, create, error);
  if (project == NULL)
    return FALSE;

  copyist_window_close_project (self);
  self->project = g_steal_pointer (&project);
  self->products = copyist_product_list_new (self->project);
  self->project_notify_id = g_signal_connect (self->project, "notify", G_CALLBACK (project_notify_cb), self);

  copyist_products_view_set_list (self->products_view, self->products);
  copyist_editor_set_project (self->editor, self->project);
  copyist_train_page_set_project (self->train_page, self->project);

  gtk_stack_set_visible_child_name (self->main_stack, "project");
  adw_view_stack_set_visible_child_name (self->view_stack, "products");
  adw_leaflet_set_visible_child_name (self->leaflet, "table");
  remember_recent (self, file);
  update_actions (self);
  return TRUE;
}

CopyistProject *
copyist_window_get_project (CopyistWindow *self)
{
  g_return_val_if_fail (COPYIST_IS_WINDOW (self), NULL);
  return self->project;
}

GFile *
copyist_window_find_demo_project (void)
{
  const char *env = g_getenv ("COPYIST_DEMO_PROJECT");
  const char *candidates[] = {
    BUILD_DATADIR G_DIR_SEPARATOR_S "demo" G_DIR_SEPARATOR_S "demo.copyist",
    PKGDATADIR G_DIR_SEPARATOR_S "demo" G_DIR_SEPARATOR_S "demo.copyist",
  };

  if (env != NULL && *env != '\0')
    return g_file_test (env, G_FILE_TEST_IS_REGULAR) ? g_file_new_for_path (env) : NULL;
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (g_file_test (candidates[i], G_FILE_TEST_IS_REGULAR))
      return g_file_new_for_path (candidates[i]);
  return NULL;
}

void
copyist_window_toast (CopyistWindow *self, const char *text, gboolean undoable)
{
  AdwToast *toast;

  g_return_if_fail (COPYIST_IS_WINDOW (self));

  toast = adw_toast_new (text);
  if (undoable)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, "win.undo");
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
    }
  add_toast (self, toast);
}

void
copyist_window_dismiss_toast (CopyistWindow *self)
{
  g_autoptr(GPtrArray) toasts = NULL;

  g_return_if_fail (COPYIST_IS_WINDOW (self));

  /* Dismissing removes a toast from self->toasts: walk a copy. */
  toasts = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->toasts->len; i++)
    g_ptr_array_add (toasts, g_object_ref (g_ptr_array_index (self->toasts, i)));
  for (guint i = 0; i < toasts->len; i++)
    adw_toast_dismiss (g_ptr_array_index (toasts, i));
}

void
copyist_window_job_done (CopyistWindow *self, const char *title, const char *body)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  g_return_if_fail (COPYIST_IS_WINDOW (self));

  /* The window shows the result itself; the desktop is told only when
   * the merchant is elsewhere (no window of ours, dialogs included, has
   * the focus). */
  if (app != NULL && !copyist_window_app_is_focused (self))
    {
      g_autoptr(GNotification) notification = g_notification_new (title);
      if (body != NULL)
        g_notification_set_body (notification, body);
      g_application_send_notification (app, "job-done", notification);
      g_free (self->last_notification);
      self->last_notification = g_strdup (title);
      self->n_notifications++;
    }
}

gboolean
copyist_window_app_is_focused (CopyistWindow *self)
{
  GtkApplication *app;

  g_return_val_if_fail (COPYIST_IS_WINDOW (self), FALSE);

  app = gtk_window_get_application (GTK_WINDOW (self));
  if (app == NULL)
    return gtk_window_is_active (GTK_WINDOW (self));
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (gtk_window_is_active (l->data))
      return TRUE;
  return FALSE;
}

guint
copyist_window_get_notifications (CopyistWindow *self, const char **last_title)
{
  g_return_val_if_fail (COPYIST_IS_WINDOW (self), 0);

  if (last_title != NULL)
    *last_title = self->last_notification;
  return self->n_notifications;
}

const char *
copyist_window_get_last_toast (CopyistWindow *self)
{
  g_return_val_if_fail (COPYIST_IS_WINDOW (self), NULL);
  return self->last_toast;
}

gboolean
copyist_window_open_file (CopyistWindow *self, GFile *file)
{
  g_autofree char *basename = NULL;

  g_return_val_if_fail (COPYIST_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  basename = g_file_get_basename (file);
  if (g_str_has_suffix (basename, ".copyist"))
    {
      g_autoptr(GError) error = NULL;
      if (!copyist_window_open_project (self, file, FALSE, &error))
        {
          show_error (self, error);
          return FALSE;
        }
      return TRUE;
    }

  /* A spreadsheet on the start page starts a project beside it
   * (Name.copyist, or Name-2.copyist … if that exists). */
  if (self->project == NULL)
    {
      g_autoptr(GFile) dir = g_file_get_parent (file);
      g_autofree char *stem = g_strdup (basename);
      char *dot = strrchr (stem, '.');
      g_autoptr(GFile) project_file = NULL;
      g_autoptr(GError) error = NULL;

      if (dot != NULL && dot != stem)
        *dot = '\0';
      for (int i = 1; i < 100; i++)
        {
          g_autofree char *name = i == 1 ? g_strconcat (stem, ".copyist", NULL)
                                         : g_strdup_printf ("%s-%d.copyist", stem, i);
          g_clear_object (&project_file);
          project_file = g_file_get_child (dir, name);
          if (!g_file_query_exists (project_file, NULL))
            break;
        }
      if (!copyist_window_open_project (self, project_file, TRUE, &error))
        {
          show_error (self, error);
          return FALSE;
        }
    }
  open_import_assistant (self, file);
  return TRUE;
}

GtkWidget *
copyist_window_get_page (CopyistWindow *self, const char *name)
{
  g_return_val_if_fail (COPYIST_IS_WINDOW (self), NULL);

  if (g_str_equal (name, "start"))
    return GTK_WIDGET (self->start_page);
  if (g_str_equal (name, "products"))
    return GTK_WIDGET (self->products_view);
  if (g_str_equal (name, "editor"))
    return GTK_WIDGET (self->editor);
  if (g_str_equal (name, "train"))
    return GTK_WIDGET (self->train_page);
  return NULL;
}

gboolean
copyist_window_get_generating (CopyistWindow *self)
{
  g_return_val_if_fail (COPYIST_IS_WINDOW (self), FALSE);
  return self->generate_cancellable != NULL;
}
