/* copyist-editor.c — the side-by-side editor: source row | description | ad copy
 *
 * Left: the product's attributes as editable rows (saved on Apply, one undo
 * step each); pointing at one highlights where the texts mention it.
 * Middle and right: a CopyistFieldEditor each. The editor follows the
 * project: any committed change to this product (undo, redo, generation)
 * reloads the fields that are not being typed in. */
#define G_LOG_DOMAIN "copyist"

#include "config.h"

#include <glib/gi18n.h>

#include "copyist-editor.h"
#include "copyist-generator.h"

struct _CopyistEditor
{
  AdwBin parent_instance;

  /* Template children */
  GtkLabel            *title_label;
  GtkLabel            *sku_label;
  AdwPreferencesGroup *attributes_group;
  CopyistFieldEditor  *description_editor;
  CopyistFieldEditor  *adcopy_editor;

  CopyistProject *project;
  gint64          product_id;
  GPtrArray      *rows;      /* GtkWidget*, the attribute rows in attributes_group */
  GSettings      *settings;  /* NULL when the schema lacks the limit keys */
  CopyistChecker *checker;   /* knows every attribute value in the project */
  gboolean        checker_stale;
};

G_DEFINE_FINAL_TYPE (CopyistEditor, copyist_editor, ADW_TYPE_BIN)

/* The checker is built from the whole project: rebuilt lazily, when a
 * product is shown after an import, undo of an import, or an attribute edit. */
static void
ensure_checker (CopyistEditor *self)
{
  g_autoptr(GError) error = NULL;

  if (!self->checker_stale || self->project == NULL)
    return;
  self->checker_stale = FALSE;
  g_clear_pointer (&self->checker, copyist_checker_free);
  self->checker = copyist_checker_new (self->project, &error);
  if (self->checker == NULL)
    g_debug ("No fact check: %s", error->message);
  copyist_field_editor_set_checker (self->description_editor, self->checker);
  copyist_field_editor_set_checker (self->adcopy_editor, self->checker);
}

static void
highlight_all (CopyistEditor *self, const char *value)
{
  copyist_field_editor_highlight (self->description_editor, value);
  copyist_field_editor_highlight (self->adcopy_editor, value);
}

static void
row_enter_cb (GtkEventControllerMotion *motion, double x, double y, gpointer user_data)
{
  CopyistEditor *self = user_data;
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (motion));

  highlight_all (self, gtk_editable_get_text (GTK_EDITABLE (row)));
}

static void
row_leave_cb (GtkEventControllerMotion *motion, gpointer user_data)
{
  highlight_all (COPYIST_EDITOR (user_data), NULL);
}

static void
row_apply_cb (AdwEntryRow *row, gpointer user_data)
{
  CopyistEditor *self = user_data;
  const char *key = g_object_get_data (G_OBJECT (row), "copyist-key");
  const char *value = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autoptr(GError) error = NULL;

  if (self->project == NULL || self->product_id == 0)
    return;
  self->checker_stale = TRUE;
  if (!copyist_project_set_attribute (self->project, self->product_id, key,
                                      *value != '\0' ? value : NULL, &error))
    {
      GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_APPLICATION_WINDOW);
      GtkWidget *content = window != NULL ? adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)) : NULL;
      if (content != NULL && ADW_IS_TOAST_OVERLAY (content))
        adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (content), adw_toast_new (error->message));
    }
}

static void
clear_rows (CopyistEditor *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->attributes_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
}

static void
add_row (CopyistEditor *self, const char *key, const char *title, const char *value)
{
  GtkWidget *row = adw_entry_row_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
  g_object_set_data_full (G_OBJECT (row), "copyist-key", g_strdup (key), g_free);
  g_signal_connect_object (row, "apply", G_CALLBACK (row_apply_cb), self, 0);
  g_signal_connect_object (motion, "enter", G_CALLBACK (row_enter_cb), self, 0);
  g_signal_connect_object (motion, "leave", G_CALLBACK (row_leave_cb), self, 0);
  gtk_widget_add_controller (row, motion);
  adw_preferences_group_add (self->attributes_group, row);
  g_ptr_array_add (self->rows, row);
}

static void
reload_attributes (CopyistEditor *self)
{
  g_autoptr(CopyistRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  clear_rows (self);
  gtk_label_set_text (self->title_label, "");
  gtk_label_set_text (self->sku_label, "");
  if (self->project == NULL || self->product_id == 0)
    return;
  record = copyist_project_get_record (self->project, self->product_id, &error);
  if (record == NULL)
    {
      gtk_label_set_text (self->title_label, error->message);
      return;
    }
  gtk_label_set_text (self->title_label, record->title != NULL ? record->title : "");
  gtk_label_set_text (self->sku_label, record->sku != NULL ? record->sku : "");
  if (record->category != NULL)
    add_row (self, COPYIST_KEY_CATEGORY, copyist_key_get_title (COPYIST_KEY_CATEGORY), record->category);
  for (guint i = 0; record->attributes != NULL && i < record->attributes->len; i++)
    {
      CopyistAttribute *attr = g_ptr_array_index (record->attributes, i);
      if (g_ascii_strcasecmp (attr->key, COPYIST_KEY_CATEGORY) == 0)
        continue;
      add_row (self, attr->key, copyist_key_get_title (attr->key), attr->value);
    }
}

static void
products_changed_cb (CopyistProject *project, GArray *ids, gpointer user_data)
{
  CopyistEditor *self = user_data;
  gboolean touched = ids == NULL;

  if (ids == NULL)
    self->checker_stale = TRUE;
  if (self->product_id == 0)
    return;
  ensure_checker (self);
  for (guint i = 0; ids != NULL && i < ids->len && !touched; i++)
    touched = g_array_index (ids, gint64, i) == self->product_id;
  if (!touched)
    return;
  copyist_field_editor_reload (self->description_editor);
  copyist_field_editor_reload (self->adcopy_editor);
}

static void
limits_changed_cb (GSettings *settings, const char *key, gpointer user_data)
{
  CopyistEditor *self = user_data;

  copyist_field_editor_set_limits (self->adcopy_editor,
                                   g_settings_get_int (settings, "ad-headline-limit"),
                                   g_settings_get_int (settings, "ad-body-limit"));
}

static void
copyist_editor_dispose (GObject *object)
{
  CopyistEditor *self = COPYIST_EDITOR (object);

  copyist_editor_set_project (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), COPYIST_TYPE_EDITOR);
  g_clear_pointer (&self->checker, copyist_checker_free);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (copyist_editor_parent_class)->dispose (object);
}

static void
copyist_editor_finalize (GObject *object)
{
  CopyistEditor *self = COPYIST_EDITOR (object);

  g_ptr_array_unref (self->rows);
  G_OBJECT_CLASS (copyist_editor_parent_class)->finalize (object);
}

static void
copyist_editor_class_init (CopyistEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = copyist_editor_dispose;
  object_class->finalize = copyist_editor_finalize;

  g_type_ensure (COPYIST_TYPE_FIELD_EDITOR);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/copyist/Copyist/copyist-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, CopyistEditor, title_label);
  gtk_widget_class_bind_template_child (widget_class, CopyistEditor, sku_label);
  gtk_widget_class_bind_template_child (widget_class, CopyistEditor, attributes_group);
  gtk_widget_class_bind_template_child (widget_class, CopyistEditor, description_editor);
  gtk_widget_class_bind_template_child (widget_class, CopyistEditor, adcopy_editor);
}

static void
copyist_editor_init (CopyistEditor *self)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();

  /* The ad copy limits come from Preferences (when this build's schema has them). */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "ad-headline-limit") &&
      g_settings_schema_has_key (schema, "ad-body-limit"))
    {
      self->settings = g_settings_new (APP_ID);
      g_signal_connect_object (self->settings, "changed::ad-headline-limit", G_CALLBACK (limits_changed_cb), self, 0);
      g_signal_connect_object (self->settings, "changed::ad-body-limit", G_CALLBACK (limits_changed_cb), self, 0);
      limits_changed_cb (self->settings, NULL, self);
    }
}

void
copyist_editor_set_project (CopyistEditor *self, CopyistProject *project)
{
  g_return_if_fail (COPYIST_IS_EDITOR (self));

  copyist_editor_flush (self);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_set_object (&self->project, project);
  self->product_id = 0;
  copyist_field_editor_set_checker (self->description_editor, NULL);
  copyist_field_editor_set_checker (self->adcopy_editor, NULL);
  g_clear_pointer (&self->checker, copyist_checker_free);
  self->checker_stale = TRUE;
  if (project != NULL)
    g_signal_connect (project, "products-changed", G_CALLBACK (products_changed_cb), self);
  copyist_field_editor_set_project (self->description_editor, project);
  copyist_field_editor_set_project (self->adcopy_editor, project);
  reload_attributes (self);
}

void
copyist_editor_set_product (CopyistEditor *self, gint64 id)
{
  g_return_if_fail (COPYIST_IS_EDITOR (self));

  copyist_editor_flush (self);
  self->product_id = self->project != NULL ? id : 0;
  if (self->product_id != 0)
    ensure_checker (self);
  copyist_field_editor_set_product (self->description_editor, self->product_id);
  copyist_field_editor_set_product (self->adcopy_editor, self->product_id);
  reload_attributes (self);
}

gint64
copyist_editor_get_product (CopyistEditor *self)
{
  g_return_val_if_fail (COPYIST_IS_EDITOR (self), 0);
  return self->product_id;
}

void
copyist_editor_flush (CopyistEditor *self)
{
  g_return_if_fail (COPYIST_IS_EDITOR (self));

  copyist_field_editor_flush (self->description_editor);
  copyist_field_editor_flush (self->adcopy_editor);
}

CopyistFieldEditor *
copyist_editor_get_field_editor (CopyistEditor *self, const char *field)
{
  g_return_val_if_fail (COPYIST_IS_EDITOR (self), NULL);

  if (g_strcmp0 (field, COPYIST_FIELD_ADCOPY) == 0)
    return self->adcopy_editor;
  return self->description_editor;
}
