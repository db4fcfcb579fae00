/* copyist-import-assistant.c — the import assistant
 *
 * Every change of file, sheet, encoding, delimiter or header row re-reads
 * the first 100 rows in a worker thread (copyist_table_read_async with
 * max_rows, the same code path as the real import, so the preview decodes
 * exactly as the import will) and cancels the read it replaces. The mapping
 * is guessed from the headers, or the one saved for this kind of file is
 * offered again. "Check" reads the whole file and turns it into products
 * without writing anything, and shows the report; only "Import" hands the
 * products to the window, which stores them as one undoable step. */
#define G_LOG_DOMAIN "copyist"

#include "config.h"

#include <glib/gi18n.h>

#include "copyist-import.h"
#include "copyist-import-assistant.h"

#define PREVIEW_ROWS 100

struct _CopyistImportAssistant
{
  AdwWindow parent_instance;

  /* Template children */
  GtkWidget           *import_button;
  GtkSpinner          *spinner;
  AdwActionRow        *file_row;
  AdwComboRow         *sheet_row;
  GtkStringList       *sheet_model;
  AdwComboRow         *encoding_row;
  GtkStringList       *encoding_model;
  AdwComboRow         *delimiter_row;
  GtkSpinButton       *header_spin;
  AdwPreferencesGroup *mapping_group;
  GtkLabel            *preview_label;
  GtkColumnView       *preview_view;
  GtkLabel            *report_label;

  GFile              *file;
  CopyistSniffResult  sniff;
  gboolean            have_sniff;
  CopyistTable       *preview;
  CopyistMapping     *mapping;
  GPtrArray          *mapping_rows;   /* AdwComboRow*, one per column */
  GCancellable       *cancellable;
  gboolean            busy;
  gboolean            updating;       /* controls being set from code */
  char               *report;
  GPtrArray          *checked;        /* CopyistRecord*, after a successful check; NULL otherwise */
  char               *header_signature;
};

G_DEFINE_FINAL_TYPE (CopyistImportAssistant, copyist_import_assistant, ADW_TYPE_WINDOW)

enum {
  SIGNAL_LOOKUP_MAPPING,
  SIGNAL_IMPORT,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static const char delimiters[] = { 0, ',', ';', '\t', '|' };

/* The fields a column can be mapped to, in the combo rows' order. */
static const CopyistField field_choices[] = {
  COPYIST_FIELD_ATTRIBUTE, COPYIST_FIELD_NONE, COPYIST_FIELD_SKU, COPYIST_FIELD_TITLE,
  COPYIST_FIELD_CATEGORY, COPYIST_FIELD_BRAND, COPYIST_FIELD_COLOR, COPYIST_FIELD_MATERIAL,
  COPYIST_FIELD_SIZE, COPYIST_FIELD_PRICE, COPYIST_FIELD_DESCRIPTION, COPYIST_FIELD_ADCOPY_HEADLINE,
  COPYIST_FIELD_ADCOPY_BODY, COPYIST_FIELD_ATTRIBUTE_LIST,
};

static void refresh_preview (CopyistImportAssistant *self);

static void
set_busy (CopyistImportAssistant *self, gboolean busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.import", !busy && self->preview != NULL);
}

static void
set_report (CopyistImportAssistant *self, const char *text, gboolean is_error)
{
  g_free (self->report);
  self->report = g_strdup (text != NULL ? text : "");
  gtk_label_set_text (self->report_label, self->report);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->report_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->report_label), "error");
}

/* Any change invalidates a previous check. */
static void
reset_check (CopyistImportAssistant *self)
{
  g_clear_pointer (&self->checked, g_ptr_array_unref);
  gtk_button_set_label (GTK_BUTTON (self->import_button), _("_Check"));
  gtk_widget_set_tooltip_text (self->import_button,
                               _("Read the whole file and report problems; nothing is written yet"));
}

static char *
format_report (const CopyistRowReport *report, const char *intro)
{
  GString *s = g_string_new (intro);
  g_autofree char *summary = copyist_row_report_summary (report);
  guint shown = 0;

  if (s->len > 0)
    g_string_append_c (s, ' ');
  g_string_append (s, summary);
  for (guint i = 0; report->problems != NULL && i < report->problems->len; i++)
    {
      CopyistImportProblem *p = g_ptr_array_index (report->problems, i);
      if (shown++ == 50)
        {
          g_string_append_printf (s, "\n%s", _("… and more"));
          break;
        }
      if (p->column != NULL)
        g_string_append_printf (s, _("\nRow %u, column “%s”: %s"), p->line, p->column, p->reason);
      else
        g_string_append_printf (s, _("\nRow %u: %s"), p->line, p->reason);
    }
  return g_string_free (s, FALSE);
}

/* A dry run over the preview rows: what the mapping makes of them. */
static void
check_preview (CopyistImportAssistant *self)
{
  CopyistRowReport report;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *text = NULL;

  if (self->preview == NULL)
    return;
  copyist_row_report_init (&report);
  records = copyist_import_records (self->preview, self->mapping, COPYIST_IMPORT_FLAVOR_AUTO, &report, &error);
  if (records == NULL)
    set_report (self, error->message, TRUE);
  else
    {
      text = format_report (&report, self->preview->truncated ? _("In the rows shown:") : "");
      set_report (self, text, report.failed > 0);
    }
  copyist_row_report_clear (&report);
}

/* ---- the preview table ---------------------------------------------------- */

static void
preview_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  gtk_list_item_set_child (item, label);
}

static void
preview_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  CopyistImportAssistant *self = g_object_get_data (G_OBJECT (factory), "assistant");
  guint column = GPOINTER_TO_UINT (user_data);
  GtkStringObject *row = gtk_list_item_get_item (item);
  guint index = (guint) g_ascii_strtoull (gtk_string_object_get_string (row), NULL, 10);

  if (self->preview == NULL)
    return;
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), copyist_table_get (self->preview, index, column));
}

static void
rebuild_preview_view (CopyistImportAssistant *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->preview_view);
  g_autoptr(GtkStringList) rows = gtk_string_list_new (NULL);
  GtkNoSelection *selection;

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) col = g_list_model_get_item (columns, 0);
      gtk_column_view_remove_column (self->preview_view, col);
    }
  if (self->preview == NULL)
    {
      gtk_column_view_set_model (self->preview_view, NULL);
      return;
    }
  for (guint c = 0; c < self->preview->n_columns; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *col;

      g_object_set_data (G_OBJECT (factory), "assistant", self);
      g_signal_connect (factory, "setup", G_CALLBACK (preview_setup_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (preview_bind_cb), GUINT_TO_POINTER (c));
      col = gtk_column_view_column_new (self->preview->headers[c], factory);
      gtk_column_view_column_set_resizable (col, TRUE);
      /* Readable columns; the preview scrolls sideways for wide sheets. */
      gtk_column_view_column_set_fixed_width (col, 130);
      gtk_column_view_append_column (self->preview_view, col);
      g_object_unref (col);
    }
  for (guint r = 0; r < self->preview->rows->len; r++)
    {
      char buf[16];
      g_snprintf (buf, sizeof buf, "%u", r);
      gtk_string_list_append (rows, buf);
    }
  selection = gtk_no_selection_new (G_LIST_MODEL (g_steal_pointer (&rows)));
  gtk_column_view_set_model (self->preview_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
}

/* ---- the mapping rows --------------------------------------------------- */

static guint
choice_index (CopyistField field)
{
  for (guint i = 0; i < G_N_ELEMENTS (field_choices); i++)
    if (field_choices[i] == field)
      return i;
  return 0; /* unmapped: kept as an attribute */
}

static void
sync_mapping_rows (CopyistImportAssistant *self)
{
  self->updating = TRUE;
  for (guint i = 0; i < self->mapping_rows->len; i++)
    {
      AdwComboRow *row = g_ptr_array_index (self->mapping_rows, i);
      CopyistField field = copyist_mapping_get (self->mapping, self->preview->headers[i]);
      adw_combo_row_set_selected (row, field == COPYIST_N_FIELDS ? 0 : choice_index (field));
    }
  self->updating = FALSE;
}

static void
mapping_row_changed_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  CopyistImportAssistant *self = user_data;
  guint column = GPOINTER_TO_UINT (g_object_get_data (object, "column"));
  guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (object));

  if (self->updating || self->preview == NULL || selected >= G_N_ELEMENTS (field_choices))
    return;
  if (field_choices[selected] == COPYIST_FIELD_ATTRIBUTE)
    copyist_mapping_unset (self->mapping, self->preview->headers[column]);
  else
    copyist_mapping_set (self->mapping, self->preview->headers[column], field_choices[selected]);
  /* A single-valued field moves off the column that had it: show that. */
  sync_mapping_rows (self);
  reset_check (self);
  check_preview (self);
}

static void
rebuild_mapping_rows (CopyistImportAssistant *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  for (guint i = 0; i < self->mapping_rows->len; i++)
    adw_preferences_group_remove (self->mapping_group, g_ptr_array_index (self->mapping_rows, i));
  g_ptr_array_set_size (self->mapping_rows, 0);
  if (self->preview == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (field_choices); i++)
    {
      if (field_choices[i] == COPYIST_FIELD_ATTRIBUTE)
        gtk_string_list_append (labels, _("Keep as attribute"));
      else if (field_choices[i] == COPYIST_FIELD_NONE)
        gtk_string_list_append (labels, _("Ignore"));
      else
        gtk_string_list_append (labels, copyist_field_get_label (field_choices[i]));
    }

  for (guint c = 0; c < self->preview->n_columns; c++)
    {
      GtkWidget *row = adw_combo_row_new ();
      GString *samples = g_string_new (NULL);
      guint n = 0;

      for (guint r = 0; r < self->preview->rows->len && n < 3; r++)
        {
          const char *cell = copyist_table_get (self->preview, r, c);
          g_autofree char *one_line = NULL;
          if (*cell == '\0')
            continue;
          one_line = g_utf8_substring (cell, 0, MIN (g_utf8_strlen (cell, -1), 24));
          g_strdelimit (one_line, "\r\n\t", ' ');
          if (n++ > 0)
            g_string_append (samples, " · ");
          g_string_append (samples, one_line);
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), self->preview->headers[c]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), samples->len > 0 ? samples->str : _("(empty)"));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
      g_object_set_data (G_OBJECT (row), "column", GUINT_TO_POINTER (c));
      g_signal_connect_object (row, "notify::selected", G_CALLBACK (mapping_row_changed_cb), self, 0);
      adw_preferences_group_add (self->mapping_group, row);
      g_ptr_array_add (self->mapping_rows, row);
      g_string_free (samples, TRUE);
    }
  sync_mapping_rows (self);
}

/* ---- reading -------------------------------------------------------------- */

static void
fill_options (CopyistImportAssistant *self, CopyistReadOptions *opts, guint max_rows)
{
  guint enc = adw_combo_row_get_selected (self->encoding_row);
  guint delim = adw_combo_row_get_selected (self->delimiter_row);
  guint sheet = adw_combo_row_get_selected (self->sheet_row);

  copyist_read_options_init (opts);
  opts->max_rows = max_rows;
  /* Row 0 of the encoding list is the detected one. */
  if (enc != GTK_INVALID_LIST_POSITION && enc > 0)
    opts->encoding = gtk_string_list_get_string (self->encoding_model, enc);
  if (delim != GTK_INVALID_LIST_POSITION && delim < G_N_ELEMENTS (delimiters))
    opts->delimiter = delimiters[delim];
  if (gtk_widget_get_visible (GTK_WIDGET (self->sheet_row)) && sheet != GTK_INVALID_LIST_POSITION)
    opts->sheet = gtk_string_list_get_string (self->sheet_model, sheet);
  opts->header_row = (guint) gtk_spin_button_get_value_as_int (self->header_spin);
}

static char *
header_signature (const CopyistTable *table)
{
  return g_strjoinv ("\x1f", table->headers);
}

static void
preview_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CopyistImportAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CopyistTable) table = copyist_table_read_finish (result, &error);
  g_autofree char *signature = NULL;
  g_autofree char *label = NULL;

  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (table == NULL)
    {
      g_clear_pointer (&self->preview, copyist_table_unref);
      rebuild_preview_view (self);
      rebuild_mapping_rows (self);
      gtk_label_set_text (self->preview_label, _("This file cannot be read with these settings."));
      set_report (self, error->message, TRUE);
      set_busy (self, FALSE);
      return;
    }

  signature = header_signature (table);
  g_clear_pointer (&self->preview, copyist_table_unref);
  self->preview = copyist_table_ref (table);

  /* Keep the merchant's mapping while only the rows change; when the
   * columns change, offer the mapping saved for them, else guess. */
  if (self->mapping == NULL || g_strcmp0 (signature, self->header_signature) != 0)
    {
      g_autofree char *saved = NULL;
      g_clear_pointer (&self->mapping, copyist_mapping_free);
      g_signal_emit (self, signals[SIGNAL_LOOKUP_MAPPING], 0,
                     copyist_file_format_to_string (table->format), signature, &saved);
      if (saved != NULL)
        self->mapping = copyist_mapping_from_json (saved, NULL);
      if (self->mapping == NULL || !copyist_mapping_validate (self->mapping, table, NULL))
        {
          g_clear_pointer (&self->mapping, copyist_mapping_free);
          self->mapping = copyist_mapping_guess (table);
        }
      g_free (self->header_signature);
      self->header_signature = g_strdup (signature);
    }

  if (table->truncated)
    label = g_strdup_printf (ngettext ("The first %u row", "The first %u rows", table->rows->len), table->rows->len);
  else
    label = g_strdup_printf (ngettext ("All %u row", "All %u rows", table->rows->len), table->rows->len);
  gtk_label_set_text (self->preview_label, label);

  rebuild_preview_view (self);
  rebuild_mapping_rows (self);
  check_preview (self);
  set_busy (self, FALSE);
}

static void
refresh_preview (CopyistImportAssistant *self)
{
  CopyistReadOptions opts;

  if (self->file == NULL || self->updating)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  reset_check (self);
  fill_options (self, &opts, PREVIEW_ROWS);
  set_busy (self, TRUE);
  copyist_table_read_async (self->file, &opts, self->cancellable, NULL, NULL,
                            preview_read_cb, g_object_ref (self));
}

static void
option_changed_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  refresh_preview (COPYIST_IMPORT_ASSISTANT (user_data));
}

static void
header_changed_cb (GtkSpinButton *spin, gpointer user_data)
{
  refresh_preview (COPYIST_IMPORT_ASSISTANT (user_data));
}

/* ---- check and import ----------------------------------------------------- */

static void
full_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CopyistImportAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CopyistTable) table = copyist_table_read_finish (result, &error);
  g_autoptr(GPtrArray) records = NULL;
  CopyistRowReport report;
  g_autofree char *text = NULL;
  g_autofree char *label = NULL;

  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (table == NULL)
    {
      set_report (self, error->message, TRUE);
      return;
    }
  copyist_row_report_init (&report);
  records = copyist_import_records (table, self->mapping, COPYIST_IMPORT_FLAVOR_AUTO, &report, &error);
  if (records == NULL)
    {
      set_report (self, error->message, TRUE);
      copyist_row_report_clear (&report);
      return;
    }
  text = format_report (&report, _("Nothing is written yet."));
  set_report (self, text, report.failed > 0);
  copyist_row_report_clear (&report);

  self->checked = g_steal_pointer (&records);
  label = g_strdup_printf (ngettext ("_Import %u Product", "_Import %u Products", self->checked->len),
                           self->checked->len);
  gtk_button_set_label (GTK_BUTTON (self->import_button), label);
  gtk_widget_set_tooltip_text (self->import_button, _("Store these products in the project (one undoable step)"));
}

static void
import_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistImportAssistant *self = COPYIST_IMPORT_ASSISTANT (widget);

  if (self->file == NULL || self->preview == NULL || self->busy)
    return;

  if (self->checked == NULL)
    {
      CopyistReadOptions opts;

      fill_options (self, &opts, 0);
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      set_busy (self, TRUE);
      copyist_table_read_async (self->file, &opts, self->cancellable, NULL, NULL,
                                full_read_cb, g_object_ref (self));
      return;
    }

  {
    g_autofree char *json = copyist_mapping_to_json (self->mapping);
    gboolean stored = FALSE;

    g_signal_emit (self, signals[SIGNAL_IMPORT], 0, self->checked,
                   copyist_file_format_to_string (self->preview->format),
                   self->header_signature, json, &stored);
    if (stored)
      gtk_window_destroy (GTK_WINDOW (self));
  }
}

static void
choose_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  CopyistImportAssistant *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      copyist_import_assistant_set_file (self, file);
    }
  g_object_unref (dialog);
}

static void
choose_file_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Spreadsheets"));
  for (const char *const *p = (const char *const[]) { "*.csv", "*.tsv", "*.txt", "*.xlsx", "*.ods",
                                                        "*.json", "*.jsonl", NULL }; *p != NULL; p++)
    gtk_file_filter_add_pattern (filter, *p);
  dialog = gtk_file_chooser_native_new (_("Choose a Spreadsheet"), GTK_WINDOW (widget),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (choose_response_cb), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- GObject ---------------------------------------------------------------- */

static void
copyist_import_assistant_dispose (GObject *object)
{
  CopyistImportAssistant *self = COPYIST_IMPORT_ASSISTANT (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), COPYIST_TYPE_IMPORT_ASSISTANT);
  G_OBJECT_CLASS (copyist_import_assistant_parent_class)->dispose (object);
}

static void
copyist_import_assistant_finalize (GObject *object)
{
  CopyistImportAssistant *self = COPYIST_IMPORT_ASSISTANT (object);

  g_clear_object (&self->file);
  if (self->have_sniff)
    copyist_sniff_result_clear (&self->sniff);
  g_clear_pointer (&self->preview, copyist_table_unref);
  g_clear_pointer (&self->mapping, copyist_mapping_free);
  g_clear_pointer (&self->checked, g_ptr_array_unref);
  g_ptr_array_unref (self->mapping_rows);
  g_free (self->report);
  g_free (self->header_signature);
  G_OBJECT_CLASS (copyist_import_assistant_parent_class)->finalize (object);
}

static void
copyist_import_assistant_class_init (CopyistImportAssistantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = copyist_import_assistant_dispose;
  object_class->finalize = copyist_import_assistant_finalize;

  signals[SIGNAL_LOOKUP_MAPPING] =
    g_signal_new ("lookup-mapping", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_first_wins, NULL, NULL,
                  G_TYPE_STRING, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_IMPORT] =
    g_signal_new ("import", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 4, G_TYPE_PTR_ARRAY, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/copyist/Copyist/copyist-import-assistant.ui");
  gtk_widget_class_bind_template_child (widget_class, CopyistImportAssistant, import_button);
  gtk_widget_class_bind_template_child (widget_class, CopyistImportAssistant, spinner);
  gtk_widget_class_bind_template_child (widget_class, CopyistImportAssistant, file_row);
  gtk_widget_class_bind_template_child (widget_class, CopyistImportAssistant, sheet_row);
  gtk_widget_class_bind_template_child (widget_class, CopyistImportAssistant, sheet_model);
  gtk_widget_class_bind_template_child (widget_class, CopyistImportAssistant, encoding_row);
  gtk_widget_class_bind_template_child (widget_class, CopyistImportAssistant, encoding_model);
  gtk_widget_class_bind_template_child (widget_class, CopyistImportAssistant, delimiter_row);
  gtk_widget_class_bind_template_child (widget_class, CopyistImportAssistant, header_spin);
  gtk_widget_class_bind_template_child (widget_class, CopyistImportAssistant, mapping_group);
  gtk_widget_class_bind_template_child (widget_class, CopyistImportAssistant, preview_label);
  gtk_widget_class_bind_template_child (widget_class, CopyistImportAssistant, preview_view);
  gtk_widget_class_bind_template_child (widget_class, CopyistImportAssistant, report_label);

  gtk_widget_class_install_action (widget_class, "assistant.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "assistant.choose-file", NULL, choose_file_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
copyist_import_assistant_init (CopyistImportAssistant *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->mapping_rows = g_ptr_array_new ();
  gtk_string_list_append (self->encoding_model, _("Detected"));
  for (const char *const *e = copyist_table_known_encodings (); e != NULL && *e != NULL; e++)
    gtk_string_list_append (self->encoding_model, *e);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->preview_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Preview of the spreadsheet"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->header_spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Header row"), -1);

  g_signal_connect_object (self->sheet_row, "notify::selected", G_CALLBACK (option_changed_cb), self, 0);
  g_signal_connect_object (self->encoding_row, "notify::selected", G_CALLBACK (option_changed_cb), self, 0);
  g_signal_connect_object (self->delimiter_row, "notify::selected", G_CALLBACK (option_changed_cb), self, 0);
  g_signal_connect_object (self->header_spin, "value-changed", G_CALLBACK (header_changed_cb), self, 0);
  set_busy (self, FALSE);
}

/* ---- public API ---------------------------------------------------------- */

CopyistImportAssistant *
copyist_import_assistant_new (GtkWindow *parent)
{
  return g_object_new (COPYIST_TYPE_IMPORT_ASSISTANT, "transient-for", parent, NULL);
}

void
copyist_import_assistant_set_file (CopyistImportAssistant *self, GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *detected = NULL;

  g_return_if_fail (COPYIST_IS_IMPORT_ASSISTANT (self));
  g_return_if_fail (G_IS_FILE (file));

  g_set_object (&self->file, file);
  g_clear_pointer (&self->mapping, copyist_mapping_free);
  g_clear_pointer (&self->header_signature, g_free);
  if (self->have_sniff)
    copyist_sniff_result_clear (&self->sniff);
  self->have_sniff = copyist_sniff (file, NULL, &self->sniff, NULL, &error);

  name = g_file_get_basename (file);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->file_row), name);

  self->updating = TRUE;
  gtk_string_list_splice (self->sheet_model, 0, g_list_model_get_n_items (G_LIST_MODEL (self->sheet_model)), NULL);
  if (self->have_sniff)
    {
      gboolean sheets = self->sniff.format == COPYIST_FILE_FORMAT_XLSX || self->sniff.format == COPYIST_FILE_FORMAT_ODS;
      for (guint i = 0; sheets && i < self->sniff.sheets->len; i++)
        gtk_string_list_append (self->sheet_model, ((CopyistSheetInfo *) g_ptr_array_index (self->sniff.sheets, i))->name);
      gtk_widget_set_visible (GTK_WIDGET (self->sheet_row), sheets);
      gtk_widget_set_visible (GTK_WIDGET (self->encoding_row), !sheets);
      gtk_widget_set_visible (GTK_WIDGET (self->delimiter_row), self->sniff.format == COPYIST_FILE_FORMAT_CSV);
      /* The guess in the list, how sure it is under the row's title (the
       * list's label is narrow: at 800×600 a longer one was cut). */
      if (self->sniff.encoding != NULL)
        {
          g_autofree char *sure = g_strdup_printf (_("Detected, %.0f%% sure"), self->sniff.encoding_confidence * 100.0);
          detected = g_strdup_printf (_("%s (detected)"), self->sniff.encoding);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (self->encoding_row), sure);
        }
      else
        {
          detected = g_strdup (_("Detected"));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (self->encoding_row), "");
        }
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->file_row),
                                   copyist_file_format_to_string (self->sniff.format));
    }
  else
    detected = g_strdup (_("Detected"));
  gtk_string_list_splice (self->encoding_model, 0, 1, (const char *const[]) { detected, NULL });
  adw_combo_row_set_selected (self->encoding_row, 0);
  adw_combo_row_set_selected (self->delimiter_row, 0);
  adw_combo_row_set_selected (self->sheet_row, 0);
  gtk_spin_button_set_value (self->header_spin, 0);
  self->updating = FALSE;

  if (!self->have_sniff)
    {
      g_clear_pointer (&self->preview, copyist_table_unref);
      rebuild_preview_view (self);
      rebuild_mapping_rows (self);
      set_report (self, error->message, TRUE);
      set_busy (self, FALSE);
      return;
    }
  refresh_preview (self);
}

guint
copyist_import_assistant_get_preview_rows (CopyistImportAssistant *self)
{
  g_return_val_if_fail (COPYIST_IS_IMPORT_ASSISTANT (self), 0);
  return self->preview != NULL ? self->preview->rows->len : 0;
}

gboolean
copyist_import_assistant_get_busy (CopyistImportAssistant *self)
{
  g_return_val_if_fail (COPYIST_IS_IMPORT_ASSISTANT (self), FALSE);
  return self->busy;
}

char *
copyist_import_assistant_dup_mapping_json (CopyistImportAssistant *self)
{
  g_return_val_if_fail (COPYIST_IS_IMPORT_ASSISTANT (self), NULL);
  return self->mapping != NULL ? copyist_mapping_to_json (self->mapping) : NULL;
}

const char *
copyist_import_assistant_get_report (CopyistImportAssistant *self)
{
  g_return_val_if_fail (COPYIST_IS_IMPORT_ASSISTANT (self), NULL);
  return self->report != NULL ? self->report : "";
}

void
copyist_import_assistant_set_options (CopyistImportAssistant *self, const char *encoding, char delimiter,
                                      guint header_row)
{
  guint enc = 0, delim = 0;

  g_return_if_fail (COPYIST_IS_IMPORT_ASSISTANT (self));

  for (guint i = 1; encoding != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (self->encoding_model)); i++)
    if (g_ascii_strcasecmp (gtk_string_list_get_string (self->encoding_model, i), encoding) == 0)
      enc = i;
  for (guint i = 1; i < G_N_ELEMENTS (delimiters); i++)
    if (delimiters[i] == delimiter)
      delim = i;
  self->updating = TRUE;
  adw_combo_row_set_selected (self->encoding_row, enc);
  adw_combo_row_set_selected (self->delimiter_row, delim);
  gtk_spin_button_set_value (self->header_spin, header_row);
  self->updating = FALSE;
  refresh_preview (self);
}
