/* copyist-field-editor.c — one text field of a product in the editor
 *
 * Hand edits are saved as you type: each change restarts a short timer and
 * the text is written when the typing pauses, with a fresh merge key per
 * pause, so each pause is one undo step (copyist_project_set_text). A
 * reload never replaces the text while an edit is pending, and never
 * touches the buffer when the stored text equals what is shown (so saving
 * does not move the cursor). */
#define G_LOG_DOMAIN "copyist"

#include "config.h"

#include <glib/gi18n.h>

#include "copyist-field-editor.h"
#include "copyist-generator.h"

struct _CopyistFieldEditor
{
  AdwBin parent_instance;

  /* Template children */
  GtkLabel       *title_label;
  GtkLabel       *origin_label;
  GtkLabel       *variant_label;
  GtkWidget      *headline_box;
  GtkLabel       *headline_counter;
  GtkEntry       *headline_entry;
  GtkTextView    *text_view;
  GtkLabel       *body_counter;
  GtkLabel       *missing_label;
  GtkToggleButton *lock_button;
  GtkToggleButton *approve_button;

  char              *field;
  CopyistProject    *project;
  gint64             product_id;
  CopyistFieldState *state;
  guint              shown;         /* index into state->variants shown; variants->len = the current text */
  guint              headline_limit;
  guint              body_limit;

  GtkTextTag        *invented_tag;
  GtkTextTag        *highlight_tag;
  GPtrArray         *invented_keys; /* char*, parallel to invented_ranges */
  GArray            *invented_ranges; /* int pairs */

  CopyistChecker    *checker;       /* borrowed from the editor */

  guint              save_source;
  guint              pause_serial;
  gboolean           loading;
  gboolean           pending;
};

G_DEFINE_FINAL_TYPE (CopyistFieldEditor, copyist_field_editor, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_FIELD,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void report_error (CopyistFieldEditor *self, GError *error);
static void clear_marks (CopyistFieldEditor *self);
static void run_fact_check (CopyistFieldEditor *self);
static char *dup_edited_text (CopyistFieldEditor *self);

static gboolean is_adcopy (CopyistFieldEditor *self) { return g_strcmp0 (self->field, COPYIST_FIELD_ADCOPY) == 0; }

void
copyist_field_editor_set_checker (CopyistFieldEditor *self, CopyistChecker *checker)
{
  g_return_if_fail (COPYIST_IS_FIELD_EDITOR (self));

  self->checker = checker;
  clear_marks (self);
  if (!self->pending)
    run_fact_check (self);
}

guint
copyist_field_editor_get_n_invented (CopyistFieldEditor *self)
{
  g_return_val_if_fail (COPYIST_IS_FIELD_EDITOR (self), 0);
  return self->invented_keys->len;
}

guint
copyist_count_chars (const char *text)
{
  return text != NULL ? (guint) g_utf8_strlen (text, -1) : 0;
}

static char *
dup_buffer_text (CopyistFieldEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
update_counter (GtkLabel *label, guint count, guint limit)
{
  g_autofree char *text = g_strdup_printf ("%u / %u", count, limit);
  g_autofree char *a11y = g_strdup_printf (_("%u of %u characters"), count, limit);

  gtk_label_set_text (label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  if (count > limit)
    gtk_widget_add_css_class (GTK_WIDGET (label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
}

static void
update_counters (CopyistFieldEditor *self)
{
  g_autofree char *body = NULL;

  if (!is_adcopy (self))
    return;
  body = dup_buffer_text (self);
  update_counter (self->headline_counter,
                  copyist_count_chars (gtk_editable_get_text (GTK_EDITABLE (self->headline_entry))),
                  self->headline_limit);
  update_counter (self->body_counter, copyist_count_chars (body), self->body_limit);
}

static const char *
origin_label (CopyistTextOrigin origin)
{
  switch (origin)
    {
    case COPYIST_TEXT_ORIGIN_IMPORTED: return _("Imported");
    case COPYIST_TEXT_ORIGIN_GENERATED: return _("Generated");
    case COPYIST_TEXT_ORIGIN_HAND: return _("Edited");
    case COPYIST_TEXT_ORIGIN_NONE:
    default: return _("No text yet");
    }
}

/* The text the shown position stands for. */
static const char *
shown_text (CopyistFieldEditor *self)
{
  if (self->state == NULL)
    return NULL;
  if (self->shown < self->state->variants->len)
    return ((CopyistVariant *) g_ptr_array_index (self->state->variants, self->shown))->text;
  return self->state->text;
}

/* Where the current text sits among the variants: its index, or len when
 * it is a hand edit (or there is none). */
static guint
current_index (CopyistFieldEditor *self)
{
  if (self->state == NULL)
    return 0;
  for (guint i = 0; i < self->state->variants->len; i++)
    if (((CopyistVariant *) g_ptr_array_index (self->state->variants, i))->id == self->state->current_variant)
      return i;
  return self->state->variants->len;
}

static void
set_shown_text (CopyistFieldEditor *self, const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  g_autofree char *old = NULL;
  const char *headline = "";
  g_autofree char *headline_copy = NULL;
  const char *body = text != NULL ? text : "";

  if (is_adcopy (self))
    {
      const char *nl = strchr (body, '\n');
      if (nl != NULL)
        {
          headline_copy = g_strndup (body, nl - body);
          headline = headline_copy;
          body = nl + 1;
        }
      else
        {
          headline = body;
          body = "";
        }
    }

  self->loading = TRUE;
  old = dup_buffer_text (self);
  if (g_strcmp0 (old, body) != 0)
    gtk_text_buffer_set_text (buffer, body, -1);
  if (is_adcopy (self) && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->headline_entry)), headline) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->headline_entry), headline);
  self->loading = FALSE;
  update_counters (self);
}

static void
update_controls (CopyistFieldEditor *self)
{
  gboolean have = self->state != NULL;
  guint n = have ? self->state->variants->len : 0;
  guint cur = current_index (self);
  gboolean on_current = !have || self->shown == cur || (self->shown >= n && cur >= n);
  g_autofree char *variant_text = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self), self->project != NULL && self->product_id != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "field.previous-variant", have && self->shown > 0 && n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "field.next-variant",
                                 have && n > 0 && self->shown + 1 < (cur >= n ? n + 1 : n));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "field.use-variant", have && !on_current && self->shown < n);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "field.toggle-lock", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "field.toggle-approve", have && self->state->text != NULL);

  if (!have || n == 0)
    variant_text = g_strdup (_("No variants"));
  else if (self->shown >= n)
    variant_text = g_strdup (_("Your text"));
  else
    variant_text = g_strdup_printf ("%u / %u", self->shown + 1, n);
  {
    g_autofree char *tip = NULL;
    if (have && n > 0 && self->shown < n)
      tip = on_current ? g_strdup_printf (_("Variant %u of %u, the current text"), self->shown + 1, n)
                       : g_strdup_printf (_("Variant %u of %u"), self->shown + 1, n);
    else if (have && n > 0)
      tip = g_strdup (_("Your own text, after the variants"));
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->variant_label), tip);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->variant_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    tip != NULL ? tip : variant_text, -1);
  }
  if (have && n > 0 && self->shown < n && on_current)
    gtk_widget_add_css_class (GTK_WIDGET (self->variant_label), "accent");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->variant_label), "accent");
  gtk_label_set_text (self->variant_label, variant_text);

  gtk_label_set_text (self->origin_label, self->pending ? _("Edited")
                                          : have ? origin_label (self->state->origin) : "");
  gtk_toggle_button_set_active (self->lock_button, have && self->state->locked);
  /* An open padlock until locked: a flat toggle's state shows in its icon. */
  gtk_button_set_icon_name (GTK_BUTTON (self->lock_button), have && self->state->locked ? "changes-prevent-symbolic"
                                                                                          : "changes-allow-symbolic");
  gtk_toggle_button_set_active (self->approve_button, have && self->state->approved);
  /* Browsing an older variant is read-only until "Use This One". */
  gtk_text_view_set_editable (self->text_view, on_current);
  gtk_editable_set_editable (GTK_EDITABLE (self->headline_entry), on_current);
}

static void
clear_marks (CopyistFieldEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->invented_tag, &start, &end);
  g_ptr_array_set_size (self->invented_keys, 0);
  g_array_set_size (self->invented_ranges, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->missing_label), FALSE);
}

/* Marks what the fact check finds in the text shown: invented values
 * (red underline, tooltip naming the attribute) and the product's values
 * the text never mentions (listed under it). For ad copy the checked text
 * is "headline\nbody"; the marks inside the body are shown. */
static void
run_fact_check (CopyistFieldEditor *self)
{
  g_autoptr(CopyistRecord) record = NULL;
  g_autoptr(CopyistCheckResult) result = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GArray) ranges = NULL;
  g_autofree char *text = NULL;
  int offset = 0;

  if (self->checker == NULL || self->project == NULL || self->product_id == 0 || self->state == NULL)
    return;
  text = dup_edited_text (self);
  if (is_adcopy (self))
    offset = (int) copyist_count_chars (gtk_editable_get_text (GTK_EDITABLE (self->headline_entry))) + 1;
  if (*text == '\0' || (is_adcopy (self) && g_str_equal (text, "\n")))
    return;
  record = copyist_project_get_record (self->project, self->product_id, NULL);
  if (record == NULL)
    return;
  result = copyist_checker_check (self->checker, record, text, NULL);
  if (result == NULL)
    return;

  keys = g_ptr_array_new ();
  ranges = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; result->marks != NULL && i < result->marks->len; i++)
    {
      CopyistMark *mark = g_ptr_array_index (result->marks, i);
      int start = mark->start - offset, end = mark->end - offset;
      if (mark->kind != COPYIST_MARK_INVENTED || start < 0)
        continue;
      g_ptr_array_add (keys, mark->key);
      g_array_append_val (ranges, start);
      g_array_append_val (ranges, end);
    }
  g_ptr_array_add (keys, NULL);
  if (result->missing != NULL)
    g_ptr_array_add (result->missing, NULL);
  copyist_field_editor_set_fact_check (self, (const char *const *) keys->pdata, (const int *) ranges->data,
                                       result->missing != NULL ? (const char *const *) result->missing->pdata : NULL);
}

/* ---- saving hand edits -------------------------------------------------- */

static char *
dup_edited_text (CopyistFieldEditor *self)
{
  g_autofree char *body = dup_buffer_text (self);

  if (is_adcopy (self))
    return g_strconcat (gtk_editable_get_text (GTK_EDITABLE (self->headline_entry)), "\n", body, NULL);
  return g_steal_pointer (&body);
}

static void
save_now (CopyistFieldEditor *self)
{
  g_autofree char *text = NULL;
  g_autofree char *merge_key = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->save_source, g_source_remove);
  if (!self->pending || self->project == NULL || self->product_id == 0)
    {
      self->pending = FALSE;
      return;
    }
  self->pending = FALSE;
  text = dup_edited_text (self);
  /* One key per pause: everything typed before this pause is one step. */
  merge_key = g_strdup_printf ("ui-edit:%" G_GINT64_FORMAT ":%s:%u", self->product_id, self->field,
                               ++self->pause_serial);
  if (!copyist_project_set_text (self->project, self->product_id, self->field, text, merge_key, &error))
    {
      report_error (self, error);
      gtk_label_set_text (self->origin_label, _("Not saved"));
      return;
    }
  copyist_field_editor_reload (self);
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  CopyistFieldEditor *self = user_data;

  self->save_source = 0;
  save_now (self);
  return G_SOURCE_REMOVE;
}

static void
text_changed_cb (CopyistFieldEditor *self)
{
  update_counters (self);
  if (self->loading || self->product_id == 0)
    return;
  self->pending = TRUE;
  /* The fact check's ranges refer to the text it checked. */
  clear_marks (self);
  gtk_label_set_text (self->origin_label, _("Edited"));
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (COPYIST_FIELD_EDITOR_SAVE_DELAY_MS, save_timeout_cb, self);
}

static void
buffer_changed_cb (GtkTextBuffer *buffer, gpointer user_data)
{
  text_changed_cb (COPYIST_FIELD_EDITOR (user_data));
}

static void
headline_changed_cb (GtkEditable *editable, gpointer user_data)
{
  text_changed_cb (COPYIST_FIELD_EDITOR (user_data));
}

/* ---- tooltips on fact-check marks ------------------------------------- */

/* The tooltip for the point X, Y of the text view (widget coordinates):
 * on an invented value, which attribute it claims; NULL elsewhere. */
char *
copyist_field_editor_dup_tooltip_at (CopyistFieldEditor *self, int x, int y)
{
  GtkTextIter iter;
  int bx, by, offset;

  g_return_val_if_fail (COPYIST_IS_FIELD_EDITOR (self), NULL);

  if (self->invented_keys->len == 0)
    return NULL;
  gtk_text_view_window_to_buffer_coords (self->text_view, GTK_TEXT_WINDOW_WIDGET, x, y, &bx, &by);
  if (!gtk_text_view_get_iter_at_location (self->text_view, &iter, bx, by))
    return NULL;
  offset = gtk_text_iter_get_offset (&iter);
  for (guint i = 0; i < self->invented_keys->len; i++)
    {
      int start = g_array_index (self->invented_ranges, int, 2 * i);
      int end = g_array_index (self->invented_ranges, int, 2 * i + 1);
      if (offset >= start && offset < end)
        return g_strdup_printf (_("Not in the product's data: this product has no such %s"),
                                copyist_key_get_title (g_ptr_array_index (self->invented_keys, i)));
    }
  return NULL;
}

static gboolean
query_tooltip_cb (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip, gpointer user_data)
{
  g_autofree char *text = copyist_field_editor_dup_tooltip_at (COPYIST_FIELD_EDITOR (user_data), x, y);

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* The marks take their colours from the theme (light, dark, high
 * contrast): the underline is the theme's error colour, the highlight its
 * warning colour, translucent, so the text keeps its own colour on it. */
static void
update_tag_colors (CopyistFieldEditor *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self->text_view));
  GdkRGBA error = { 0.75f, 0.11f, 0.16f, 1.0f }, warning = { 0.96f, 0.76f, 0.07f, 1.0f };

  if (self->invented_tag == NULL)
    return;
  gtk_style_context_lookup_color (context, "error_color", &error);
  gtk_style_context_lookup_color (context, "warning_color", &warning);
  warning.alpha = 0.4f;
  g_object_set (self->invented_tag, "underline-rgba", &error, NULL);
  g_object_set (self->highlight_tag, "background-rgba", &warning, NULL);
}

static void
copyist_field_editor_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (copyist_field_editor_parent_class)->css_changed (widget, change);
  update_tag_colors (COPYIST_FIELD_EDITOR (widget));
}

/* ---- actions ------------------------------------------------------------ */

static void
show_position (CopyistFieldEditor *self, guint position)
{
  self->shown = position;
  set_shown_text (self, shown_text (self));
  clear_marks (self);
  run_fact_check (self);
  update_controls (self);
}

static void
previous_variant_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistFieldEditor *self = COPYIST_FIELD_EDITOR (widget);

  copyist_field_editor_flush (self);
  if (self->state != NULL && self->shown > 0)
    show_position (self, self->shown - 1);
}

static void
next_variant_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistFieldEditor *self = COPYIST_FIELD_EDITOR (widget);
  guint n;

  copyist_field_editor_flush (self);
  if (self->state == NULL)
    return;
  n = self->state->variants->len;
  /* Past the last variant comes the hand-edited text, if there is one. */
  if (self->shown + 1 < n || (self->shown + 1 == n && current_index (self) >= n))
    show_position (self, self->shown + 1);
}

static void
report_error (CopyistFieldEditor *self, GError *error)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_WINDOW);
  AdwToastOverlay *overlay = NULL;

  if (window != NULL && ADW_IS_APPLICATION_WINDOW (window))
    {
      GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
      if (ADW_IS_TOAST_OVERLAY (content))
        overlay = ADW_TOAST_OVERLAY (content);
    }
  if (overlay != NULL)
    adw_toast_overlay_add_toast (overlay, adw_toast_new (error->message));
  else
    g_message ("%s", error->message);
}

static void
use_variant_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistFieldEditor *self = COPYIST_FIELD_EDITOR (widget);
  g_autoptr(GError) error = NULL;
  CopyistVariant *variant;

  if (self->state == NULL || self->shown >= self->state->variants->len)
    return;
  variant = g_ptr_array_index (self->state->variants, self->shown);
  if (!copyist_project_choose_variant (self->project, self->product_id, self->field, variant->id, &error))
    report_error (self, error);
  copyist_field_editor_reload (self);
}

static void
toggle_lock_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistFieldEditor *self = COPYIST_FIELD_EDITOR (widget);
  g_autoptr(GError) error = NULL;
  gboolean approve = g_str_equal (action_name, "field.toggle-approve");

  if (self->state == NULL)
    return;
  copyist_field_editor_flush (self);
  if (approve ? !copyist_project_set_approved (self->project, self->product_id, self->field,
                                               !self->state->approved, &error)
              : !copyist_project_set_locked (self->project, self->product_id, self->field,
                                             !self->state->locked, &error))
    report_error (self, error);
  copyist_field_editor_reload (self);
}

static void
regenerate_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CopyistFieldEditor *self = COPYIST_FIELD_EDITOR (widget);

  copyist_field_editor_flush (self);
  gtk_widget_activate_action (widget, "win.regenerate", "(ss)",
                              g_variant_get_string (parameter, NULL), self->field);
}

/* ---- GObject ------------------------------------------------------------ */

static void
copyist_field_editor_constructed (GObject *object)
{
  CopyistFieldEditor *self = COPYIST_FIELD_EDITOR (object);

  G_OBJECT_CLASS (copyist_field_editor_parent_class)->constructed (object);

  if (self->field == NULL)
    self->field = g_strdup (COPYIST_FIELD_DESCRIPTION);
  gtk_label_set_text (self->title_label, is_adcopy (self) ? _("Ad Copy") : _("Description"));
  gtk_widget_set_visible (self->headline_box, is_adcopy (self));
  gtk_widget_set_visible (GTK_WIDGET (self->body_counter), is_adcopy (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  is_adcopy (self) ? _("Ad copy description") : _("Product description"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->headline_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Ad copy headline"), -1);
  update_counters (self);
  update_controls (self);
}

static void
copyist_field_editor_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CopyistFieldEditor *self = COPYIST_FIELD_EDITOR (object);

  switch (prop_id)
    {
    case PROP_FIELD: g_value_set_string (value, self->field); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
copyist_field_editor_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CopyistFieldEditor *self = COPYIST_FIELD_EDITOR (object);

  switch (prop_id)
    {
    case PROP_FIELD:
      g_free (self->field);
      self->field = g_value_dup_string (value);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
copyist_field_editor_dispose (GObject *object)
{
  CopyistFieldEditor *self = COPYIST_FIELD_EDITOR (object);

  copyist_field_editor_flush (self);
  g_clear_handle_id (&self->save_source, g_source_remove);
  g_clear_object (&self->project);
  g_clear_pointer (&self->state, copyist_field_state_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), COPYIST_TYPE_FIELD_EDITOR);
  G_OBJECT_CLASS (copyist_field_editor_parent_class)->dispose (object);
}

static void
copyist_field_editor_finalize (GObject *object)
{
  CopyistFieldEditor *self = COPYIST_FIELD_EDITOR (object);

  g_free (self->field);
  g_ptr_array_unref (self->invented_keys);
  g_array_unref (self->invented_ranges);
  G_OBJECT_CLASS (copyist_field_editor_parent_class)->finalize (object);
}

static void
copyist_field_editor_class_init (CopyistFieldEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = copyist_field_editor_constructed;
  object_class->get_property = copyist_field_editor_get_property;
  object_class->set_property = copyist_field_editor_set_property;
  object_class->dispose = copyist_field_editor_dispose;
  object_class->finalize = copyist_field_editor_finalize;
  widget_class->css_changed = copyist_field_editor_css_changed;

  properties[PROP_FIELD] = g_param_spec_string ("field", NULL, NULL, COPYIST_FIELD_DESCRIPTION,
                                                G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/copyist/Copyist/copyist-field-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, CopyistFieldEditor, title_label);
  gtk_widget_class_bind_template_child (widget_class, CopyistFieldEditor, origin_label);
  gtk_widget_class_bind_template_child (widget_class, CopyistFieldEditor, variant_label);
  gtk_widget_class_bind_template_child (widget_class, CopyistFieldEditor, headline_box);
  gtk_widget_class_bind_template_child (widget_class, CopyistFieldEditor, headline_counter);
  gtk_widget_class_bind_template_child (widget_class, CopyistFieldEditor, headline_entry);
  gtk_widget_class_bind_template_child (widget_class, CopyistFieldEditor, text_view);
  gtk_widget_class_bind_template_child (widget_class, CopyistFieldEditor, body_counter);
  gtk_widget_class_bind_template_child (widget_class, CopyistFieldEditor, missing_label);
  gtk_widget_class_bind_template_child (widget_class, CopyistFieldEditor, lock_button);
  gtk_widget_class_bind_template_child (widget_class, CopyistFieldEditor, approve_button);

  gtk_widget_class_install_action (widget_class, "field.previous-variant", NULL, previous_variant_action);
  gtk_widget_class_install_action (widget_class, "field.next-variant", NULL, next_variant_action);
  gtk_widget_class_install_action (widget_class, "field.use-variant", NULL, use_variant_action);
  gtk_widget_class_install_action (widget_class, "field.toggle-lock", NULL, toggle_lock_action);
  gtk_widget_class_install_action (widget_class, "field.toggle-approve", NULL, toggle_lock_action);
  gtk_widget_class_install_action (widget_class, "field.regenerate", "s", regenerate_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "field.toggle-approve", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_ALT_MASK, "field.previous-variant", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_ALT_MASK, "field.next-variant", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "field.regenerate", "s", "product");
}

static void
copyist_field_editor_init (CopyistFieldEditor *self)
{
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->headline_limit = 30;
  self->body_limit = 90;
  self->invented_keys = g_ptr_array_new_with_free_func (g_free);
  self->invented_ranges = g_array_new (FALSE, FALSE, sizeof (int));

  buffer = gtk_text_view_get_buffer (self->text_view);
  self->invented_tag = gtk_text_buffer_create_tag (buffer, "invented", "underline", PANGO_UNDERLINE_ERROR, NULL);
  self->highlight_tag = gtk_text_buffer_create_tag (buffer, "highlight", NULL);
  update_tag_colors (self);
  g_signal_connect_object (buffer, "changed", G_CALLBACK (buffer_changed_cb), self, 0);
  g_signal_connect_object (self->headline_entry, "changed", G_CALLBACK (headline_changed_cb), self, 0);
  g_signal_connect_object (self->text_view, "query-tooltip", G_CALLBACK (query_tooltip_cb), self, 0);
}

/* ---- public API ------------------------------------------------------------ */

const char *
copyist_field_editor_get_field (CopyistFieldEditor *self)
{
  g_return_val_if_fail (COPYIST_IS_FIELD_EDITOR (self), NULL);
  return self->field;
}

void
copyist_field_editor_set_project (CopyistFieldEditor *self, CopyistProject *project)
{
  g_return_if_fail (COPYIST_IS_FIELD_EDITOR (self));

  copyist_field_editor_flush (self);
  g_set_object (&self->project, project);
  self->product_id = 0;
  copyist_field_editor_reload (self);
}

void
copyist_field_editor_set_product (CopyistFieldEditor *self, gint64 id)
{
  g_return_if_fail (COPYIST_IS_FIELD_EDITOR (self));

  copyist_field_editor_flush (self);
  if (id != self->product_id)
    clear_marks (self);
  self->product_id = id;
  g_clear_pointer (&self->state, copyist_field_state_free);
  copyist_field_editor_reload (self);
}

void
copyist_field_editor_reload (CopyistFieldEditor *self)
{
  g_autoptr(GError) error = NULL;
  gboolean was_on_current;

  g_return_if_fail (COPYIST_IS_FIELD_EDITOR (self));

  if (self->pending)
    return;
  was_on_current = self->state == NULL || self->shown == current_index (self);
  g_clear_pointer (&self->state, copyist_field_state_free);
  if (self->project != NULL && self->product_id != 0)
    {
      self->state = copyist_project_get_field (self->project, self->product_id, self->field, &error);
      if (self->state == NULL)
        g_debug ("Reading %s of product %" G_GINT64_FORMAT ": %s", self->field, self->product_id, error->message);
    }
  /* After a change, show the current text again (unless the user is
   * browsing variants and the one shown still exists). */
  if (self->state == NULL || was_on_current || self->shown > self->state->variants->len)
    self->shown = current_index (self);
  set_shown_text (self, shown_text (self));
  clear_marks (self);
  run_fact_check (self);
  update_controls (self);
}

void
copyist_field_editor_flush (CopyistFieldEditor *self)
{
  g_return_if_fail (COPYIST_IS_FIELD_EDITOR (self));

  if (self->pending)
    save_now (self);
}

char *
copyist_field_editor_dup_text (CopyistFieldEditor *self)
{
  g_return_val_if_fail (COPYIST_IS_FIELD_EDITOR (self), NULL);
  return dup_edited_text (self);
}

GtkTextBuffer *
copyist_field_editor_get_buffer (CopyistFieldEditor *self)
{
  g_return_val_if_fail (COPYIST_IS_FIELD_EDITOR (self), NULL);
  return gtk_text_view_get_buffer (self->text_view);
}

GtkEditable *
copyist_field_editor_get_headline (CopyistFieldEditor *self)
{
  g_return_val_if_fail (COPYIST_IS_FIELD_EDITOR (self), NULL);
  return is_adcopy (self) ? GTK_EDITABLE (self->headline_entry) : NULL;
}

void
copyist_field_editor_set_limits (CopyistFieldEditor *self, guint headline, guint body)
{
  g_return_if_fail (COPYIST_IS_FIELD_EDITOR (self));

  self->headline_limit = headline;
  self->body_limit = body;
  update_counters (self);
}

void
copyist_field_editor_highlight (CopyistFieldEditor *self, const char *value)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end, match_start, match_end;

  g_return_if_fail (COPYIST_IS_FIELD_EDITOR (self));

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->highlight_tag, &start, &end);
  if (value == NULL || *value == '\0')
    return;
  while (gtk_text_iter_forward_search (&start, value, GTK_TEXT_SEARCH_CASE_INSENSITIVE | GTK_TEXT_SEARCH_TEXT_ONLY,
                                       &match_start, &match_end, NULL))
    {
      gtk_text_buffer_apply_tag (buffer, self->highlight_tag, &match_start, &match_end);
      start = match_end;
    }
}

void
copyist_field_editor_get_variant_position (CopyistFieldEditor *self, guint *position, guint *n_variants)
{
  g_return_if_fail (COPYIST_IS_FIELD_EDITOR (self));

  *n_variants = self->state != NULL ? self->state->variants->len : 0;
  *position = self->shown + 1;
}

void
copyist_field_editor_set_fact_check (CopyistFieldEditor *self,
                                     const char *const *invented_keys,
                                     const int *invented_ranges,
                                     const char *const *missing_keys)
{
  GtkTextBuffer *buffer;
  int n_chars;

  g_return_if_fail (COPYIST_IS_FIELD_EDITOR (self));

  clear_marks (self);
  buffer = gtk_text_view_get_buffer (self->text_view);
  n_chars = gtk_text_buffer_get_char_count (buffer);
  for (guint i = 0; invented_keys != NULL && invented_keys[i] != NULL; i++)
    {
      int s = CLAMP (invented_ranges[2 * i], 0, n_chars);
      int e = CLAMP (invented_ranges[2 * i + 1], s, n_chars);
      GtkTextIter start, end;

      gtk_text_buffer_get_iter_at_offset (buffer, &start, s);
      gtk_text_buffer_get_iter_at_offset (buffer, &end, e);
      gtk_text_buffer_apply_tag (buffer, self->invented_tag, &start, &end);
      g_ptr_array_add (self->invented_keys, g_strdup (invented_keys[i]));
      g_array_append_val (self->invented_ranges, s);
      g_array_append_val (self->invented_ranges, e);
    }
  if (missing_keys != NULL && missing_keys[0] != NULL)
    {
      g_autoptr(GPtrArray) titles = g_ptr_array_new ();
      g_autofree char *list = NULL;
      /* An entry is a key, or "key: value" (the checker's form): the key
       * is shown by its name. */
      g_ptr_array_set_free_func (titles, g_free);
      for (guint i = 0; missing_keys[i] != NULL; i++)
        {
          const char *colon = strstr (missing_keys[i], ": ");
          g_autofree char *key = colon != NULL ? g_strndup (missing_keys[i], colon - missing_keys[i])
                                               : g_strdup (missing_keys[i]);
          g_ptr_array_add (titles, colon != NULL ? g_strdup_printf (_("%s: %s"), copyist_key_get_title (key), colon + 2)
                                                 : g_strdup (copyist_key_get_title (key)));
        }
      g_ptr_array_add (titles, NULL);
      /* TRANSLATORS: the separator between attribute names in a list */
      list = g_strjoinv (_(", "), (char **) titles->pdata);
      g_autofree char *text = g_strdup_printf (_("Not mentioned: %s"), list);
      gtk_label_set_text (self->missing_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->missing_label), TRUE);
    }
}

GtkTextView *
copyist_field_editor_get_text_view (CopyistFieldEditor *self)
{
  g_return_val_if_fail (COPYIST_IS_FIELD_EDITOR (self), NULL);
  return self->text_view;
}

GtkLabel *
copyist_field_editor_get_missing_label (CopyistFieldEditor *self)
{
  g_return_val_if_fail (COPYIST_IS_FIELD_EDITOR (self), NULL);
  return self->missing_label;
}
