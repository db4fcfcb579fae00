/* test-ui-window.c — the real window, driven through its actions
 *
 * Opens a project made in a temporary folder, imports tests/data/
 * ui-products.csv through the import assistant, selects a product, edits
 * by hand, undoes, redoes, approves, locks and exports — asserting the
 * PROJECT's state (through the app API) after each step. Each main screen
 * is saved as a PNG to $COPYIST_SCREENSHOT_DIR, in English and (in a
 * subprocess with LANGUAGE=zh_CN) in Chinese. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "copyist-application.h"
#include "copyist-editor.h"
#include "copyist-export-dialog.h"
#include "copyist-field-editor.h"
#include "copyist-import-assistant.h"
#include "copyist-loss-plot.h"
#include "copyist-products-view.h"
#include "copyist-train-page.h"
#include "copyist-window.h"
#include "test-ui-util.h"

/* Products in tests/data/ui-products.csv; 21 have a description. */
#define N_ROWS 24

static const char *suffix = "";
/* The Chinese run repeats the screens, not every check (time under ASan). */
static gboolean full_run = TRUE;

static void
save_screenshot (GtkWidget *widget, const char *name)
{
  g_autofree char *file = g_strconcat (name, suffix, NULL);
  ui_test_save_screenshot (widget, file);
}

static gboolean
assistant_busy (gpointer obj)
{
  return copyist_import_assistant_get_busy (obj);
}

static gboolean
train_file_busy (gpointer obj)
{
  return copyist_train_page_get_file_jobs (obj) > 0;
}

static gboolean
export_busy (gpointer obj)
{
  return copyist_export_dialog_get_busy (obj);
}

static char *
field_text (CopyistProject *project, gint64 id, const char *field, CopyistTextOrigin *origin,
            gboolean *approved, gboolean *locked)
{
  g_autoptr(GError) error = NULL;
  CopyistFieldState *state = copyist_project_get_field (project, id, field, &error);
  char *text;

  g_assert_no_error (error);
  g_assert_nonnull (state);
  if (origin != NULL)
    *origin = state->origin;
  if (approved != NULL)
    *approved = state->approved;
  if (locked != NULL)
    *locked = state->locked;
  text = g_strdup (state->text);
  copyist_field_state_free (state);
  return text;
}

static void
test_start_and_about (void)
{
  CopyistWindow *window;
  CopyistApplication *app = ui_test_start_app (&window);

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));
  g_assert_null (copyist_window_get_project (window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  save_screenshot (GTK_WIDGET (window), "start");

  /* About opens over the main window. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  {
    GtkWindow *about = ui_test_find_toplevel (ADW_TYPE_ABOUT_WINDOW);
    g_assert_nonnull (about);
    g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (window));
    gtk_window_destroy (about);
  }

  /* Preferences are bound to GSettings: a change in the window is a change in the settings. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL));
  {
    GtkWindow *prefs = ui_test_find_toplevel (ADW_TYPE_PREFERENCES_WINDOW);
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_assert_nonnull (prefs);
    ui_test_spin (100);
    save_screenshot (GTK_WIDGET (prefs), "preferences");
    GtkSpinButton *variants = GTK_SPIN_BUTTON (ui_test_find_descendant (GTK_WIDGET (prefs), GTK_TYPE_SPIN_BUTTON));
    g_assert_nonnull (variants); /* the first spin button: variants per product */
    g_settings_set_int (settings, "variants-count", 5);
    g_assert_cmpint (gtk_spin_button_get_value_as_int (variants), ==, 5);
    gtk_spin_button_set_value (variants, 4);
    g_assert_cmpint (g_settings_get_int (settings, "variants-count"), ==, 4);
    g_settings_reset (settings, "variants-count");
    ui_test_spin (50);
    gtk_window_destroy (prefs);
  }

  /* Project actions are disabled without a project. */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL) &&
                  copyist_window_get_project (window) != NULL);
  ui_test_stop_app (app);
}

static void
run_workflow (void)
{
  CopyistWindow *window;
  CopyistApplication *app = ui_test_start_app (&window);
  g_autofree char *tmpdir = g_dir_make_tmp ("copyist-ui-XXXXXX", NULL);
  g_autofree char *project_path = g_build_filename (tmpdir, "shop.copyist", NULL);
  g_autofree char *export_path = g_build_filename (tmpdir, "out.csv", NULL);
  g_autoptr(GFile) project_file = g_file_new_for_path (project_path);
  g_autoptr(GFile) csv = g_file_new_build_filename (TEST_DATA_DIR, "ui-products.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  CopyistImportAssistant *assistant;
  CopyistProject *project;
  CopyistEditor *editor;
  CopyistFieldEditor *description;
  gint64 id;

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);

  /* Open (create) a project. */
  g_assert_true (copyist_window_open_project (window, project_file, TRUE, &error));
  g_assert_no_error (error);
  project = copyist_window_get_project (window);
  g_assert_nonnull (project);
  g_assert_cmpint (copyist_project_count_products (project, NULL), ==, 0);

  /* Import through the assistant: preview first, nothing written. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.import", NULL));
  assistant = ui_test_find_toplevel (COPYIST_TYPE_IMPORT_ASSISTANT);
  g_assert_nonnull (assistant);
  copyist_import_assistant_set_file (assistant, csv);
  ui_test_spin_while (assistant_busy, assistant, 20);
  g_assert_cmpuint (copyist_import_assistant_get_preview_rows (assistant), ==, N_ROWS);
  {
    g_autofree char *json = copyist_import_assistant_dup_mapping_json (assistant);
    g_assert_nonnull (json);
    g_assert_nonnull (strstr (json, "\"title\""));
  }
  /* Changing the delimiter refreshes the preview (a semicolon makes one column). */
  copyist_import_assistant_set_options (assistant, NULL, ';', 0);
  ui_test_spin_while (assistant_busy, assistant, 20);
  copyist_import_assistant_set_options (assistant, NULL, 0, 0);
  ui_test_spin_while (assistant_busy, assistant, 20);
  g_assert_cmpuint (copyist_import_assistant_get_preview_rows (assistant), ==, N_ROWS);
  save_screenshot (GTK_WIDGET (assistant), "import");
  g_assert_cmpint (copyist_project_count_products (project, NULL), ==, 0);

  /* Check (reads everything, still writes nothing), then import. */
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.import", NULL);
  ui_test_spin_while (assistant_busy, assistant, 20);
  g_assert_cmpint (copyist_project_count_products (project, NULL), ==, 0);
  g_assert_nonnull (strstr (copyist_import_assistant_get_report (assistant), G_STRINGIFY (N_ROWS)));
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.import", NULL);
  ui_test_spin (100);
  g_assert_null (ui_test_find_toplevel (COPYIST_TYPE_IMPORT_ASSISTANT));
  g_assert_cmpint (copyist_project_count_products (project, NULL), ==, N_ROWS);
  save_screenshot (GTK_WIDGET (window), "products");

  /* The import undoes as one step, and redoes. */
  g_assert_true (copyist_project_can_undo (project));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpint (copyist_project_count_products (project, NULL), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL));
  g_assert_cmpint (copyist_project_count_products (project, NULL), ==, N_ROWS);

  /* Select a product that has a description. */
  ids = copyist_project_dup_product_ids (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, N_ROWS);
  id = g_array_index (ids, gint64, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.select-product", "x", id));
  editor = COPYIST_EDITOR (copyist_window_get_page (window, "editor"));
  g_assert_cmpint (copyist_editor_get_product (editor), ==, id);
  description = copyist_editor_get_field_editor (editor, COPYIST_FIELD_DESCRIPTION);
  {
    g_autofree char *shown = copyist_field_editor_dup_text (description);
    g_autofree char *stored = field_text (project, id, COPYIST_FIELD_DESCRIPTION, NULL, NULL, NULL);
    g_assert_cmpstr (shown, ==, stored);
    g_assert_nonnull (strstr (shown, "linen"));
  }
  save_screenshot (GTK_WIDGET (window), "editor");

  /* Edit by hand: saved after the typing pause, origin "hand". */
  {
    GtkTextBuffer *buffer = copyist_field_editor_get_buffer (description);
    GtkTextIter end;
    g_autofree char *before = field_text (project, id, COPYIST_FIELD_DESCRIPTION, NULL, NULL, NULL);
    g_autofree char *after = NULL;
    g_autofree char *undone = NULL;
    g_autofree char *redone = NULL;
    CopyistTextOrigin origin;

    gtk_text_buffer_get_end_iter (buffer, &end);
    gtk_text_buffer_insert (buffer, &end, " Machine washable.", -1);
    /* Not saved while typing … */
    after = field_text (project, id, COPYIST_FIELD_DESCRIPTION, NULL, NULL, NULL);
    g_assert_cmpstr (after, ==, before);
    g_clear_pointer (&after, g_free);
    /* … saved after the pause. */
    ui_test_spin (COPYIST_FIELD_EDITOR_SAVE_DELAY_MS + 300);
    after = field_text (project, id, COPYIST_FIELD_DESCRIPTION, &origin, NULL, NULL);
    g_assert_true (g_str_has_suffix (after, "Machine washable."));
    g_assert_cmpint (origin, ==, COPYIST_TEXT_ORIGIN_HAND);

    /* Undo reverts the edit in the project and in the editor. */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
    undone = field_text (project, id, COPYIST_FIELD_DESCRIPTION, &origin, NULL, NULL);
    g_assert_cmpstr (undone, ==, before);
    g_assert_cmpint (origin, ==, COPYIST_TEXT_ORIGIN_IMPORTED);
    {
      g_autofree char *shown = copyist_field_editor_dup_text (description);
      g_assert_cmpstr (shown, ==, before);
    }
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL));
    redone = field_text (project, id, COPYIST_FIELD_DESCRIPTION, &origin, NULL, NULL);
    g_assert_cmpstr (redone, ==, after);
    g_assert_cmpint (origin, ==, COPYIST_TEXT_ORIGIN_HAND);

    /* A flush (e.g. before undo) saves an edit still inside its pause. */
    gtk_text_buffer_get_end_iter (buffer, &end);
    gtk_text_buffer_insert (buffer, &end, " Made in Portugal.", -1);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
    {
      g_autofree char *t = field_text (project, id, COPYIST_FIELD_DESCRIPTION, NULL, NULL, NULL);
      g_assert_cmpstr (t, ==, after);
    }
  }

  /* Ad copy: counters and a headline edit. */
  {
    CopyistFieldEditor *adcopy = copyist_editor_get_field_editor (editor, COPYIST_FIELD_ADCOPY);
    GtkEditable *headline = copyist_field_editor_get_headline (adcopy);
    g_autofree char *text = NULL;

    g_assert_nonnull (headline);
    g_assert_cmpstr (gtk_editable_get_text (headline), ==, "Cool linen for hot days");
    gtk_editable_set_text (headline, "Linen that breathes");
    copyist_editor_flush (editor);
    text = field_text (project, id, COPYIST_FIELD_ADCOPY, NULL, NULL, NULL);
    g_assert_true (g_str_has_prefix (text, "Linen that breathes\n"));
    g_assert_cmpuint (copyist_count_chars ("纯棉亲肤 一夜好眠"), ==, 9);
  }

  /* The fact check marks a colour this product does not have (navy is
   * another product's colour; this shirt is white). */
  if (full_run)
  {
    GtkTextBuffer *buffer = copyist_field_editor_get_buffer (description);
    GtkTextIter end;
    guint before = copyist_field_editor_get_n_invented (description);
    guint with_navy;

    gtk_text_buffer_get_end_iter (buffer, &end);
    gtk_text_buffer_insert (buffer, &end, " Also in navy.", -1);
    copyist_editor_flush (editor);
    with_navy = copyist_field_editor_get_n_invented (description);
    g_assert_cmpuint (with_navy, >, before);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
    g_assert_cmpuint (copyist_field_editor_get_n_invented (description), <, with_navy);
  }

  /* Approve and lock through the field editor's actions. */
  if (full_run)
  {
    gboolean approved, locked;
    g_autofree char *t1 = NULL;
    g_autofree char *t2 = NULL;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (description), "field.toggle-approve", NULL));
    t1 = field_text (project, id, COPYIST_FIELD_DESCRIPTION, NULL, &approved, &locked);
    g_assert_true (approved);
    g_assert_false (locked);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (description), "field.toggle-lock", NULL));
    t2 = field_text (project, id, COPYIST_FIELD_DESCRIPTION, NULL, &approved, &locked);
    g_assert_true (locked);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
    g_free (field_text (project, id, COPYIST_FIELD_DESCRIPTION, NULL, &approved, &locked));
    g_assert_false (locked);
    g_assert_true (approved);
  }

  /* Bulk: select two products in the table, approve both (two history
   * entries undone by the toast's win.undo-steps). */
  if (full_run)
  {
    CopyistProductsView *view = COPYIST_PRODUCTS_VIEW (copyist_window_get_page (window, "products"));
    g_autoptr(GArray) selected = NULL;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-products", NULL));
    copyist_products_view_select_all (view);
    selected = copyist_products_view_dup_selected_ids (view);
    g_assert_cmpuint (selected->len, ==, N_ROWS);
    /* Search narrows the list (done in SQL). */
    copyist_products_view_set_search (view, "Summer");
    ui_test_spin (50);
    g_clear_pointer (&selected, g_array_unref);
    copyist_products_view_select_all (view);
    selected = copyist_products_view_dup_selected_ids (view);
    g_assert_cmpuint (selected->len, ==, 1);
    g_assert_cmpint (g_array_index (selected, gint64, 0), ==, id);

    /* Approve the selection: both texts, two history steps, which the
     * toast's Undo (win.undo-steps(2)) takes back together. */
    {
      CopyistProductStatus status;
      gboolean approved;

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.approve-selected", NULL));
      g_assert_true (copyist_project_get_status (project, id, &status, NULL));
      g_assert_cmpint (status, ==, COPYIST_PRODUCT_STATUS_APPROVED);
      g_free (field_text (project, id, COPYIST_FIELD_ADCOPY, NULL, &approved, NULL));
      g_assert_true (approved);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-steps", "u", 2));
      g_free (field_text (project, id, COPYIST_FIELD_ADCOPY, NULL, &approved, NULL));
      g_assert_false (approved);
      g_assert_true (copyist_project_get_status (project, id, &status, NULL));
      g_assert_cmpint (status, !=, COPYIST_PRODUCT_STATUS_APPROVED);
    }

    /* Delete the selection, then undo: the product comes back with its id. */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete-selected", NULL));
    g_assert_cmpint (copyist_project_count_products (project, NULL), ==, N_ROWS - 1);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
    g_assert_cmpint (copyist_project_count_products (project, NULL), ==, N_ROWS);
    {
      g_autoptr(CopyistRecord) back = copyist_project_get_record (project, id, NULL);
      g_assert_nonnull (back);
      g_assert_cmpstr (back->sku, ==, "UI-001");
    }
    copyist_products_view_set_search (view, "");
    ui_test_spin (50);

    /* Filters (done in SQL): by status, then by category. */
    {
      GtkWidget *column_view = ui_test_find_descendant (GTK_WIDGET (view), GTK_TYPE_COLUMN_VIEW);
      GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (column_view)));
      GtkDropDown *status = GTK_DROP_DOWN (ui_test_find_descendant (GTK_WIDGET (view), GTK_TYPE_DROP_DOWN));
      GtkDropDown *category = GTK_DROP_DOWN (gtk_widget_get_next_sibling (GTK_WIDGET (status)));
      GListModel *categories = gtk_drop_down_get_model (category);
      gint64 counts[COPYIST_PRODUCT_STATUS_APPROVED + 1] = { 0 };
      guint kitchen = 0;

      g_assert_true (copyist_project_count_by_status (project, counts, NULL));
      g_assert_cmpuint (g_list_model_get_n_items (rows), ==, N_ROWS);
      /* Dropdown rows: "Any status", New, Generated, Edited, Approved. */
      {
        guint64 sum = 0;
        for (int st = COPYIST_PRODUCT_STATUS_NEW; st <= COPYIST_PRODUCT_STATUS_APPROVED; st++)
          {
            gtk_drop_down_set_selected (status, 1 + st);
            g_assert_cmpuint (g_list_model_get_n_items (rows), ==, counts[st]);
            for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
              {
                g_autoptr(CopyistProductItem) item = g_list_model_get_item (rows, i);
                g_assert_cmpint (copyist_product_item_get_status (item), ==, st);
              }
            sum += g_list_model_get_n_items (rows);
          }
        g_assert_cmpuint (sum, ==, N_ROWS);
        g_assert_cmpint (counts[COPYIST_PRODUCT_STATUS_NEW], <, N_ROWS);  /* the edits changed some */
      }
      gtk_drop_down_set_selected (status, 0);
      g_assert_cmpuint (g_list_model_get_n_items (rows), ==, N_ROWS);

      for (guint i = 1; i < g_list_model_get_n_items (categories); i++)
        if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (categories), i), "Kitchen"))
          kitchen = i;
      g_assert_cmpuint (kitchen, >, 0);
      gtk_drop_down_set_selected (category, kitchen);
      g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 4);
      for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
        {
          g_autoptr(CopyistProductItem) item = g_list_model_get_item (rows, i);
          g_assert_cmpstr (copyist_product_item_get_category (item), ==, "Kitchen");
        }
      gtk_drop_down_set_selected (category, 0);
      g_assert_cmpuint (g_list_model_get_n_items (rows), ==, N_ROWS);
    }
  }

  /* Export the project as CSV through the export dialog. */
  {
    CopyistExportDialog *dialog;
    g_autoptr(GFile) out = g_file_new_for_path (export_path);
    g_autofree char *contents = NULL;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL));
    dialog = ui_test_find_toplevel (COPYIST_TYPE_EXPORT_DIALOG);
    g_assert_nonnull (dialog);
    copyist_export_dialog_set_choices (dialog, "csv", 0);
    save_screenshot (GTK_WIDGET (dialog), "export");
    copyist_export_dialog_export_to (dialog, out);
    ui_test_spin_while (export_busy, dialog, 20);
    g_assert_true (g_file_get_contents (export_path, &contents, NULL, NULL));
    g_assert_nonnull (strstr (contents, "Linen Summer Shirt"));
    g_assert_nonnull (strstr (contents, "Machine washable."));
    g_assert_nonnull (strstr (contents, "纯棉四件套"));
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  /* Train a description model for a few seconds and stop it: the run is
   * recorded as cancelled and the best model so far is kept. */
  {
    CopyistTrainPage *train = COPYIST_TRAIN_PAGE (copyist_window_get_page (window, "train"));
    CopyistLossPlot *plot = copyist_train_page_get_plot (train);
    g_autoptr(GPtrArray) models = NULL;
    g_autoptr(GPtrArray) runs = NULL;
    /* Generous: the sanitizer build trains several times slower. */
    gint64 end = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-training", NULL));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (train), "train.start", NULL));
    g_assert_true (copyist_train_page_get_running (train));
    g_assert_cmpuint (copyist_loss_plot_get_n_series (plot), ==, 3);
    /* Until the first epoch is scored on the held-out products (a BLEU point). */
    while (copyist_loss_plot_get_n_points (plot, 2) < 1 && copyist_train_page_get_running (train))
      {
        g_assert_cmpint (g_get_monotonic_time (), <, end);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (2000);
      }
    g_assert_true (copyist_train_page_get_running (train));
    /* A few more epochs for the plot (bounded in time, not in epochs, so a
     * slow build does not wait long). */
    {
      gint64 more = g_get_monotonic_time () + (full_run ? 5 : 0) * G_USEC_PER_SEC;
      while (copyist_loss_plot_get_n_points (plot, 2) < 8 && g_get_monotonic_time () < more &&
             copyist_train_page_get_running (train))
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (2000);
        }
    }
    g_assert_true (copyist_train_page_get_running (train));
    g_assert_cmpuint (copyist_loss_plot_get_n_points (plot, 0), >, 0);
    save_screenshot (GTK_WIDGET (window), "training");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (train), "train.cancel", NULL));
    while (copyist_train_page_get_running (train))
      {
        g_assert_cmpint (g_get_monotonic_time (), <, end);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (2000);
      }
    models = copyist_project_list_models (project, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (models->len, ==, 1);
    g_assert_cmpstr (((CopyistModelInfo *) g_ptr_array_index (models, 0))->field, ==, COPYIST_FIELD_DESCRIPTION);
    g_assert_cmpstr (((CopyistModelInfo *) g_ptr_array_index (models, 0))->kind, ==, "vae");
    /* The window is not focused here: the end of training was notified. */
    if (!copyist_window_app_is_focused (window))
      {
        const char *last = NULL;
        g_assert_cmpuint (copyist_window_get_notifications (window, &last), >, 0);
        ui_test_spin (100);
        g_assert_cmpuint (ui_test_get_notifications (NULL), >, 0);
        g_assert_nonnull (last);
      }
    runs = copyist_project_list_runs (project, 1, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (runs->len, ==, 1);
    g_assert_cmpstr (((CopyistRunInfo *) g_ptr_array_index (runs, 0))->status, ==, "cancelled");
    save_screenshot (GTK_WIDGET (window), "training-done");

    /* Save the trained model to disk and load it back as an ad copy
     * model, both as jobs in the pool; a damaged file is refused with a
     * message naming it, and the project keeps its models. */
    if (full_run)
      {
        gint64 model_id = ((CopyistModelInfo *) g_ptr_array_index (models, 0))->id;
        g_autofree char *model_path = g_build_filename (tmpdir, "trained.cpmodel", NULL);
        g_autofree char *bad_path = g_build_filename (tmpdir, "damaged.cpmodel", NULL);
        g_autoptr(GFile) model_file = g_file_new_for_path (model_path);
        g_autoptr(GFile) bad_file = g_file_new_for_path (bad_path);
        g_autoptr(GBytes) stored = copyist_project_dup_model_bytes (project, model_id, &error);
        g_autoptr(GPtrArray) after = NULL;
        g_autofree char *contents = NULL;
        gsize len = 0;

        g_assert_no_error (error);
        g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (train)));
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (train), "train.cancel", NULL)); /* harmless when idle */
        copyist_train_page_save_model (train, model_id, model_file);
        g_assert_cmpuint (copyist_train_page_get_file_jobs (train), ==, 1);
        ui_test_spin_while (train_file_busy, train, 20);
        g_assert_null (copyist_train_page_get_file_error (train));
        g_assert_true (g_file_get_contents (model_path, &contents, &len, NULL));
        g_assert_cmpmem (contents, len, g_bytes_get_data (stored, NULL), g_bytes_get_size (stored));

        copyist_train_page_load_model (train, model_file, COPYIST_FIELD_ADCOPY);
        ui_test_spin_while (train_file_busy, train, 20);
        g_assert_null (copyist_train_page_get_file_error (train));
        after = copyist_project_list_models (project, &error);
        g_assert_cmpuint (after->len, ==, 2);
        g_assert_cmpstr (((CopyistModelInfo *) g_ptr_array_index (after, 0))->field, ==, COPYIST_FIELD_ADCOPY);
        g_assert_cmpstr (((CopyistModelInfo *) g_ptr_array_index (after, 0))->name, ==, "trained");

        g_assert_true (g_file_set_contents (bad_path, contents, (gssize) (len / 3), NULL));
        copyist_train_page_load_model (train, bad_file, COPYIST_FIELD_DESCRIPTION);
        ui_test_spin_while (train_file_busy, train, 20);
        g_assert_nonnull (copyist_train_page_get_file_error (train));
        g_assert_nonnull (strstr (copyist_train_page_get_file_error (train), "damaged.cpmodel"));
        g_clear_pointer (&after, g_ptr_array_unref);
        after = copyist_project_list_models (project, &error);
        g_assert_cmpuint (after->len, ==, 2);
        /* The models list, at the end of the page. */
        {
          GtkWidget *scrolled = ui_test_find_descendant (GTK_WIDGET (train), GTK_TYPE_SCROLLED_WINDOW);
          GtkAdjustment *adj;
          g_assert_nonnull (scrolled);
          adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
          ui_test_spin (100);
          gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
        }
        save_screenshot (GTK_WIDGET (window), "training-models");
      }
  }

  /* Regenerate a product without a description: the new variants become
   * its text (it was neither hand-edited nor locked); undo removes them. */
  if (full_run)
  {
    gint64 bare = g_array_index (ids, gint64, 1); /* UI-002: no description */
    CopyistFieldState *state;
    gint64 end = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;
    CopyistTextOrigin origin;
    g_autofree char *text = NULL;

    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_autoptr(GBytes) bytes = NULL;
    gint64 zh_model = 0;

    /* The preference "language of generated text" set to Chinese: the
     * project's newest Chinese description model writes (the model named
     * "zh" below is the trained one, recorded as trained on Chinese). */
    {
      g_autoptr(GPtrArray) models = copyist_project_list_models (project, &error);
      for (guint i = 0; models != NULL && i < models->len && bytes == NULL; i++)
        if (g_str_equal (((CopyistModelInfo *) g_ptr_array_index (models, i))->field, COPYIST_FIELD_DESCRIPTION))
          bytes = copyist_project_dup_model_bytes (project, ((CopyistModelInfo *) g_ptr_array_index (models, i))->id,
                                                   &error);
      g_assert_nonnull (bytes);
      g_assert_true (copyist_project_add_model (project, "zh", "vae", COPYIST_FIELD_DESCRIPTION, "zh", bytes, NULL,
                                                &zh_model, &error));
      g_assert_no_error (error);
      /* … and an English one newer than it, which "auto" would take. */
      g_assert_true (copyist_project_add_model (project, "en", "vae", COPYIST_FIELD_DESCRIPTION, "en", bytes, NULL,
                                                NULL, &error));
    }
    g_settings_set_string (settings, "text-language", "zh");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.select-product", "x", bare));
    text = field_text (project, bare, COPYIST_FIELD_DESCRIPTION, NULL, NULL, NULL);
    g_assert_null (text);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (description), "field.regenerate", "s", "product"));
    for (;;)
      {
        state = copyist_project_get_field (project, bare, COPYIST_FIELD_DESCRIPTION, NULL);
        if (state != NULL && state->variants->len > 0)
          break;
        g_clear_pointer (&state, copyist_field_state_free);
        g_assert_cmpint (g_get_monotonic_time (), <, end);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (2000);
      }
    g_assert_nonnull (state->text);
    g_assert_cmpint (state->origin, ==, COPYIST_TEXT_ORIGIN_GENERATED);
    g_assert_cmpint (((CopyistVariant *) g_ptr_array_index (state->variants, 0))->model_id, ==, zh_model);
    copyist_field_state_free (state);
    g_settings_reset (settings, "text-language");
    ui_test_spin (100);
    {
      g_autofree char *shown = copyist_field_editor_dup_text (description);
      g_autofree char *stored = field_text (project, bare, COPYIST_FIELD_DESCRIPTION, &origin, NULL, NULL);
      g_assert_cmpstr (shown, ==, stored);
    }
    save_screenshot (GTK_WIDGET (window), "editor-generated");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
    g_clear_pointer (&text, g_free);
    text = field_text (project, bare, COPYIST_FIELD_DESCRIPTION, NULL, NULL, NULL);
    g_assert_null (text);
  }

  /* Writing for every product not yet approved runs with a progress toast
   * that has Cancel: cancelled, no text changes. */
  if (full_run)
  {
    gint64 some = g_array_index (ids, gint64, 2);
    CopyistFieldState *before = copyist_project_get_field (project, some, COPYIST_FIELD_DESCRIPTION, NULL);
    CopyistFieldState *after;
    gint64 end = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;

    g_assert_false (copyist_window_get_generating (window));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.regenerate", "(ss)", "all", "description"));
    g_assert_true (copyist_window_get_generating (window));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-generate", NULL));
    while (copyist_window_get_generating (window))
      {
        g_assert_cmpint (g_get_monotonic_time (), <, end);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (2000);
      }
    after = copyist_project_get_field (project, some, COPYIST_FIELD_DESCRIPTION, NULL);
    g_assert_cmpuint (after->variants->len, ==, before->variants->len);
    g_assert_cmpstr (after->text, ==, before->text);
    copyist_field_state_free (before);
    copyist_field_state_free (after);
  }

  /* At 800×600 the window still lays out (no crash, no warnings). */
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.select-product", "x", id));
  ui_test_spin (200);
  save_screenshot (GTK_WIDGET (window), "editor-800x600");

  /* Closing the project returns to the start page, which lists it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.close-project", NULL));
  g_assert_null (copyist_window_get_project (window));
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_auto(GStrv) recent = g_settings_get_strv (settings, "recent-projects");
    g_assert_nonnull (recent[0]);
    g_assert_cmpstr (recent[0], ==, project_path);
  }
  /* … and reopening it keeps the edits (and the history). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-recent", "s", project_path));
  project = copyist_window_get_project (window);
  g_assert_nonnull (project);
  g_assert_cmpint (copyist_project_count_products (project, NULL), ==, N_ROWS);
  g_assert_true (copyist_project_can_undo (project));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.close-project", NULL);

  ui_test_stop_app (app);
  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;
    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *p = g_build_filename (tmpdir, name, NULL);
        g_unlink (p);
      }
    g_rmdir (tmpdir);
  }
}

/* "Open the demo project" opens a private copy of the shipped demo (here a
 * small project named by $COPYIST_DEMO_PROJECT) in the user's data folder;
 * a spreadsheet dropped on the start page starts a project beside it and
 * opens the import assistant on it (copyist_window_open_file is what the
 * drop target and the command line call). */
static void
test_demo_and_drop (void)
{
  CopyistWindow *window;
  CopyistApplication *app = ui_test_start_app (&window);
  g_autofree char *tmpdir = g_dir_make_tmp ("copyist-ui-demo-XXXXXX", NULL);
  g_autofree char *demo_path = g_build_filename (tmpdir, "shipped-demo.copyist", NULL);
  g_autofree char *csv_path = g_build_filename (tmpdir, "My Shop.csv", NULL);
  g_autofree char *expected_project = g_build_filename (tmpdir, "My Shop.copyist", NULL);
  g_autofree char *csv_data = NULL;
  g_autofree char *copy_path = g_build_filename (g_get_user_data_dir (), "copyist", "demo.copyist", NULL);
  g_autoptr(GFile) demo_file = g_file_new_for_path (demo_path);
  g_autoptr(GFile) csv_file = g_file_new_for_path (csv_path);
  g_autoptr(GError) error = NULL;
  gsize len;

  /* A small "shipped" demo project. */
  {
    g_autoptr(CopyistProject) demo = copyist_project_open (demo_file, TRUE, &error);
    g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_record_free);
    CopyistRecord *r = copyist_record_new ();

    g_assert_no_error (error);
    r->sku = g_strdup ("DEMO-1");
    r->title = g_strdup ("Demo Mug");
    r->language = g_strdup ("en");
    g_ptr_array_add (records, r);
    g_assert_true (copyist_project_import_records (demo, records, COPYIST_IMPORT_CREATE_ONLY, NULL, &error));
    g_assert_no_error (error);
    copyist_project_close (demo, NULL);
  }
  g_setenv ("COPYIST_DEMO_PROJECT", demo_path, TRUE);
  g_unlink (copy_path);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-demo", NULL));
  g_assert_nonnull (copyist_window_get_project (window));
  g_assert_cmpint (copyist_project_count_products (copyist_window_get_project (window), NULL), ==, 1);
  {
    g_autofree char *opened = g_file_get_path (copyist_project_get_file (copyist_window_get_project (window)));
    g_assert_cmpstr (opened, ==, copy_path); /* the copy, not the shipped file */
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.close-project", NULL));
  g_unsetenv ("COPYIST_DEMO_PROJECT");

  /* Drop a spreadsheet on the start page. */
  g_assert_true (g_file_get_contents (TEST_DATA_DIR "/ui-products.csv", &csv_data, &len, NULL));
  g_assert_true (g_file_set_contents (csv_path, csv_data, len, NULL));
  g_assert_true (copyist_window_open_file (window, csv_file));
  g_assert_nonnull (copyist_window_get_project (window));
  g_assert_true (g_file_test (expected_project, G_FILE_TEST_IS_REGULAR));
  {
    CopyistImportAssistant *assistant = ui_test_find_toplevel (COPYIST_TYPE_IMPORT_ASSISTANT);
    g_assert_nonnull (assistant);
    ui_test_spin_while (assistant_busy, assistant, 20);
    g_assert_cmpuint (copyist_import_assistant_get_preview_rows (assistant), ==, N_ROWS);
    gtk_window_destroy (GTK_WINDOW (assistant));
  }
  /* Nothing imported until the merchant confirms. */
  g_assert_cmpint (copyist_project_count_products (copyist_window_get_project (window), NULL), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.close-project", NULL);

  ui_test_stop_app (app);
  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;
    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *p = g_build_filename (tmpdir, name, NULL);
        g_unlink (p);
      }
    g_rmdir (tmpdir);
  }
  g_unlink (copy_path);
}

static void
test_workflow (void)
{
  suffix = "";
  run_workflow ();
}

/* The same screens in Chinese, in a subprocess started with LANGUAGE=zh_CN. */
static void
test_chinese (void)
{
  if (g_test_subprocess ())
    {
      suffix = "-zh";
      full_run = FALSE;
      g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Products"), !=, "Products");
      run_workflow ();
      return;
    }
  {
    if (!ui_test_have_chinese ())
      {
        g_test_skip ("the zh_CN translation is not compiled in the build directory");
        return;
      }
    g_setenv ("LANGUAGE", "zh_CN", TRUE);
    /* In a sanitizer build: GTK makes a one-time allocation for CJK text
     * that lsan.supp's libgtk-4.so rule covers, but GLib and GTK have no
     * frame pointers, so ASan's default fast unwinder records only g_malloc
     * and the rule cannot match. The slow unwinder (only for this child: it
     * is slow) sees the GTK frame. Harmless without ASan. */
    g_setenv ("ASAN_OPTIONS", "fast_unwind_on_malloc=0:malloc_context_size=12", TRUE);
    g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_unsetenv ("ASAN_OPTIONS");
    g_unsetenv ("LANGUAGE");
    g_test_trap_assert_passed ();
  }
}

/* A big import (and its undo and redo) is written in the job pool: the
 * window keeps running, shows a toast with Cancel, refuses other writes
 * meanwhile, and ends with every product there; Cancel stores nothing. */
static gboolean
window_writing (gpointer obj)
{
  CopyistProject *project = copyist_window_get_project (obj);
  return project != NULL && copyist_project_is_busy (project);
}

static void
import_big_csv (CopyistWindow *window, GFile *csv, gboolean cancel)
{
  CopyistImportAssistant *assistant;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.import", NULL));
  assistant = ui_test_find_toplevel (COPYIST_TYPE_IMPORT_ASSISTANT);
  g_assert_nonnull (assistant);
  copyist_import_assistant_set_file (assistant, csv);
  ui_test_spin_while (assistant_busy, assistant, 20);
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.import", NULL);
  ui_test_spin_while (assistant_busy, assistant, 20);
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.import", NULL);
  g_assert_null (ui_test_find_toplevel (COPYIST_TYPE_IMPORT_ASSISTANT));
  /* Started, not done: the window answers while the pool writes. */
  g_assert_true (window_writing (window));
  g_assert_false (gtk_widget_is_sensitive (copyist_window_get_page (window, "editor")));
  /* A second import cannot start meanwhile (the action is disabled). */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.import", NULL);
  g_assert_null (ui_test_find_toplevel (COPYIST_TYPE_IMPORT_ASSISTANT));
  if (cancel)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-write", NULL));
  ui_test_spin_while (window_writing, window, 20);
  ui_test_spin (50);
}

static void
test_background_import (void)
{
  CopyistWindow *window;
  CopyistApplication *app = ui_test_start_app (&window);
  g_autofree char *tmpdir = g_dir_make_tmp ("copyist-ui-XXXXXX", NULL);
  g_autofree char *project_path = g_build_filename (tmpdir, "big.copyist", NULL);
  g_autofree char *csv_path = g_build_filename (tmpdir, "big.csv", NULL);
  g_autoptr(GFile) project_file = g_file_new_for_path (project_path);
  g_autoptr(GFile) csv = g_file_new_for_path (csv_path);
  g_autoptr(GString) text = g_string_new ("SKU,Title,Category,Colour\n");
  g_autoptr(GError) error = NULL;
  CopyistProject *project;
  const guint n = 3000;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "B-%05u,Cotton tote no. %u,Bags,%s\n", i, i, i % 2 ? "red" : "navy");
  g_assert_true (g_file_set_contents (csv_path, text->str, (gssize) text->len, &error));
  g_assert_true (copyist_window_open_project (window, project_file, TRUE, &error));
  g_assert_no_error (error);
  project = copyist_window_get_project (window);

  import_big_csv (window, csv, TRUE);
  g_assert_cmpint (copyist_project_count_products (project, NULL), ==, 0);
  g_assert_false (copyist_project_can_undo (project));
  import_big_csv (window, csv, FALSE);
  g_assert_cmpint (copyist_project_count_products (project, NULL), ==, n);

  /* Undo and redo of it go to the pool as well. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_true (window_writing (window));
  ui_test_spin_while (window_writing, window, 20);
  ui_test_spin (50);
  g_assert_cmpint (copyist_project_count_products (project, NULL), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL));
  ui_test_spin_while (window_writing, window, 20);
  ui_test_spin (50);
  g_assert_cmpint (copyist_project_count_products (project, NULL), ==, n);
  g_assert_true (copyist_project_check (project, &error));
  g_assert_no_error (error);
  ui_test_stop_app (app);
  {
    const char *names[] = { "big.copyist", "big.copyist-wal", "big.copyist-shm", "big.csv" };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *p = g_build_filename (tmpdir, names[i], NULL);
        g_remove (p);
      }
    g_assert_cmpint (g_rmdir (tmpdir), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  g_autofree char *data_home = g_dir_make_tmp ("copyist-ui-data-XXXXXX", NULL);
  int ret;

  /* The demo copy goes to the user's data folder: a private one here. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  ui_test_init (&argc, &argv);
  ui_test_start_notification_server ();
  g_test_add_func ("/ui/window/start-and-about", test_start_and_about);
  g_test_add_func ("/ui/window/demo-and-drop", test_demo_and_drop);
  g_test_add_func ("/ui/window/workflow", test_workflow);
  g_test_add_func ("/ui/window/background-import", test_background_import);
  g_test_add_func ("/ui/window/chinese", test_chinese);
  ret = g_test_run ();
  ui_test_release_app ();
  {
    g_autofree char *dir = g_build_filename (data_home, "copyist", NULL);
    g_rmdir (dir);
    g_rmdir (data_home);
  }
  return ret;
}
