/* test-ui-behaviour.c — the window's behaviour beyond the main workflow
 *
 * The editor's fact check (red underline, its tooltip, the missing list,
 * the hover highlight), variants and Regenerate against hand-edited and
 * locked texts, the keyboard shortcuts window (every listed shortcut
 * resolved and run), Preferences and what they change, dark mode, desktop
 * notifications while the window is not focused, accessible labels on
 * every control, and the Chinese layout at 800×600 (no label clipped or
 * ellipsized). Screens are saved as PNGs to $COPYIST_SCREENSHOT_DIR. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>

#include "copyist-editor.h"
#include "copyist-export-dialog.h"
#include "copyist-field-editor.h"
#include "copyist-import-assistant.h"
#include "copyist-preferences-window.h"
#include "copyist-products-view.h"
#include "copyist-train-page.h"
#include "test-ui-util.h"

/* Products in tests/data/ui-products.csv. */
#define N_ROWS 24

typedef struct {
  CopyistApplication *app;
  CopyistWindow      *window;
  CopyistProject     *project;   /* the window's */
  char               *tmpdir;
  GArray             *ids;       /* in file order: UI-001 … */
} Fixture;

static gboolean
assistant_busy (gpointer obj)
{
  return copyist_import_assistant_get_busy (obj);
}

/* A window on a new project holding tests/data/ui-products.csv. */
static void
fixture_open (Fixture *f, int width, int height)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) csv = g_file_new_build_filename (TEST_DATA_DIR, "ui-products.csv", NULL);
  g_autoptr(GError) error = NULL;
  CopyistImportAssistant *assistant;

  f->app = ui_test_start_app (&f->window);
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  f->tmpdir = g_dir_make_tmp ("copyist-ui-behaviour-XXXXXX", NULL);
  path = g_build_filename (f->tmpdir, "shop.copyist", NULL);
  file = g_file_new_for_path (path);
  g_assert_true (copyist_window_open_project (f->window, file, TRUE, &error));
  g_assert_no_error (error);
  f->project = copyist_window_get_project (f->window);
  /* Imported through the assistant, as the merchant does: check, then import. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.import", NULL));
  assistant = ui_test_find_toplevel (COPYIST_TYPE_IMPORT_ASSISTANT);
  g_assert_nonnull (assistant);
  copyist_import_assistant_set_file (assistant, csv);
  ui_test_spin_while (assistant_busy, assistant, 60);
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.import", NULL);
  ui_test_spin_while (assistant_busy, assistant, 60);
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.import", NULL);
  g_assert_null (ui_test_find_toplevel (COPYIST_TYPE_IMPORT_ASSISTANT));
  f->ids = copyist_project_dup_product_ids (f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->ids->len, ==, N_ROWS);
  ui_test_spin (100);
}

static void
fixture_close (Fixture *f)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  ui_test_stop_app (f->app);
  dir = g_dir_open (f->tmpdir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->tmpdir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->tmpdir);
  g_free (f->tmpdir);
  g_array_unref (f->ids);
}

static gint64
product (Fixture *f, guint n /* 1-based, UI-00n */)
{
  return g_array_index (f->ids, gint64, n - 1);
}

static CopyistEditor *
show_product (Fixture *f, gint64 id)
{
  CopyistEditor *editor = COPYIST_EDITOR (copyist_window_get_page (f->window, "editor"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.select-product", "x", id));
  g_assert_cmpint (copyist_editor_get_product (editor), ==, id);
  return editor;
}

static CopyistFieldState *
field_state (Fixture *f, gint64 id, const char *field)
{
  g_autoptr(GError) error = NULL;
  CopyistFieldState *state = copyist_project_get_field (f->project, id, field, &error);

  g_assert_no_error (error);
  g_assert_nonnull (state);
  return state;
}

/* The character ranges of TAG in BUFFER, as "start-end start-end …". */
static char *
tag_ranges (GtkTextBuffer *buffer, const char *tag_name)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag_name);
  GString *out = g_string_new (NULL);
  GtkTextIter iter;

  g_assert_nonnull (tag);
  gtk_text_buffer_get_start_iter (buffer, &iter);
  if (!gtk_text_iter_starts_tag (&iter, tag))
    gtk_text_iter_forward_to_tag_toggle (&iter, tag);
  while (!gtk_text_iter_is_end (&iter))
    {
      int start = gtk_text_iter_get_offset (&iter);
      gtk_text_iter_forward_to_tag_toggle (&iter, tag);
      g_string_append_printf (out, "%s%d-%d", out->len > 0 ? " " : "", start, gtk_text_iter_get_offset (&iter));
      if (!gtk_text_iter_forward_to_tag_toggle (&iter, tag))
        break;
    }
  return g_string_free (out, FALSE);
}

/* Where NEEDLE's occurrences (case-insensitive, ASCII) sit in TEXT, as tag_ranges() prints them. */
static char *
expected_ranges (const char *text, const char *needle)
{
  g_autofree char *hay = g_ascii_strdown (text, -1);
  g_autofree char *low = g_ascii_strdown (needle, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = hay; (p = strstr (p, low)) != NULL; p += strlen (low))
    {
      long start = g_utf8_pointer_to_offset (hay, p);
      g_string_append_printf (out, "%s%ld-%ld", out->len > 0 ? " " : "", start,
                              start + g_utf8_strlen (low, -1));
    }
  return g_string_free (out, FALSE);
}

/* The point (text view widget coordinates) in the middle of character OFFSET. */
static void
char_point (GtkTextView *view, int offset, int *x, int *y)
{
  GtkTextIter iter;
  GdkRectangle rect;

  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (view), &iter, offset);
  gtk_text_view_get_iter_location (view, &iter, &rect);
  gtk_text_view_buffer_to_window_coords (view, GTK_TEXT_WINDOW_WIDGET, rect.x + rect.width / 2,
                                         rect.y + rect.height / 2, x, y);
}

/* WCAG relative luminance and contrast. */
static double
luminance (const GdkRGBA *c)
{
  double v[3] = { c->red, c->green, c->blue };

  for (int i = 0; i < 3; i++)
    v[i] = v[i] <= 0.03928 ? v[i] / 12.92 : pow ((v[i] + 0.055) / 1.055, 2.4);
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}

static double
contrast (const GdkRGBA *a, const GdkRGBA *b)
{
  double la = luminance (a), lb = luminance (b);
  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

static GdkRGBA
blend (const GdkRGBA *top, const GdkRGBA *bottom)
{
  GdkRGBA out = {
    top->red * top->alpha + bottom->red * (1 - top->alpha),
    top->green * top->alpha + bottom->green * (1 - top->alpha),
    top->blue * top->alpha + bottom->blue * (1 - top->alpha),
    1.0f,
  };
  return out;
}

/* The marks must stay legible on the theme's text view: the underline
 * stands out from the background, the text reads on the highlight. */
static void
assert_marks_legible (CopyistFieldEditor *fe, GdkRGBA *underline_out, GdkRGBA *highlight_out)
{
  GtkTextView *view = copyist_field_editor_get_text_view (fe);
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (gtk_text_view_get_buffer (view));
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (view));
  g_autoptr(GdkRGBA) underline = NULL;
  g_autoptr(GdkRGBA) highlight = NULL;
  GdkRGBA fg, bg, on_highlight;

  g_object_get (gtk_text_tag_table_lookup (table, "invented"), "underline-rgba", &underline, NULL);
  g_object_get (gtk_text_tag_table_lookup (table, "highlight"), "background-rgba", &highlight, NULL);
  gtk_style_context_get_color (context, &fg);
  g_assert_true (gtk_style_context_lookup_color (context, "view_bg_color", &bg));
  on_highlight = blend (highlight, &bg);
  g_test_message ("underline %s on %s: %.2f; text %s on highlight %s: %.2f", gdk_rgba_to_string (underline),
                  gdk_rgba_to_string (&bg), contrast (underline, &bg), gdk_rgba_to_string (&fg),
                  gdk_rgba_to_string (&on_highlight), contrast (&fg, &on_highlight));
  g_assert_cmpfloat (contrast (underline, &bg), >=, 3.0);
  g_assert_cmpfloat (contrast (&fg, &on_highlight), >=, 4.5);
  /* The highlight is visible against the page. */
  g_assert_cmpfloat (contrast (&on_highlight, &bg), >=, 1.15);
  *underline_out = *underline;
  *highlight_out = *highlight;
}

static GtkEventController *
find_controller (GtkWidget *widget, GType type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type))
        return GTK_EVENT_CONTROLLER (c); /* the widget keeps it */
    }
  return NULL;
}

/* The editor's attribute row titled TITLE. */
static GtkWidget *
attribute_row (GtkWidget *root, const char *title)
{
  if (ADW_IS_ENTRY_ROW (root) && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = attribute_row (c, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* ---- 1. the fact check in the editor, and dark mode ----------------------- */

static void
test_fact_check (void)
{
  Fixture f = { 0 };
  CopyistEditor *editor;
  CopyistFieldEditor *fe;
  GtkTextView *view;
  GtkTextBuffer *buffer;
  const char *text = "A breezy navy linen shirt in size M. Linen keeps you cool.";
  AdwStyleManager *style = adw_style_manager_get_default ();
  GdkRGBA light_underline, light_highlight, dark_underline, dark_highlight;

  fixture_open (&f, 1100, 720);
  editor = show_product (&f, product (&f, 1)); /* the white linen shirt by Northwind */
  fe = copyist_editor_get_field_editor (editor, COPYIST_FIELD_DESCRIPTION);
  view = copyist_field_editor_get_text_view (fe);
  buffer = gtk_text_view_get_buffer (view);

  /* A hand edit claiming navy (another product's colour): saved, checked. */
  gtk_text_buffer_set_text (buffer, text, -1);
  copyist_editor_flush (editor);
  {
    g_autofree char *ranges = tag_ranges (buffer, "invented");
    g_autofree char *expect = expected_ranges (text, "navy");
    g_assert_cmpuint (copyist_field_editor_get_n_invented (fe), ==, 1);
    g_assert_cmpstr (ranges, ==, expect);
  }

  /* The tooltip over the underline names the attribute; elsewhere, none.
   * Both through the text view's query-tooltip handler and its function. */
  {
    int navy = (int) (strstr (text, "navy") - text), x, y;
    g_autoptr(GtkTooltip) tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
    gboolean shown = FALSE;
    g_autofree char *tip = NULL;
    g_autofree char *none = NULL;

    char_point (view, navy + 1, &x, &y);
    g_signal_emit_by_name (view, "query-tooltip", x, y, FALSE, tooltip, &shown);
    g_assert_true (shown);
    tip = copyist_field_editor_dup_tooltip_at (fe, x, y);
    g_assert_nonnull (tip);
    g_assert_nonnull (strstr (tip, copyist_attribute_title (COPYIST_KEY_COLOR)));
    g_assert_cmpstr (copyist_attribute_title (COPYIST_KEY_COLOR), ==, _("Colour"));
    char_point (view, 0, &x, &y);
    shown = TRUE;
    g_signal_emit_by_name (view, "query-tooltip", x, y, FALSE, tooltip, &shown);
    g_assert_false (shown);
    none = copyist_field_editor_dup_tooltip_at (fe, x, y);
    g_assert_null (none);
  }

  /* The product's values the text never mentions are listed under it by
   * name and value: the brand and the colour (white); not the material. */
  {
    GtkLabel *missing = copyist_field_editor_get_missing_label (fe);
    const char *list = gtk_label_get_text (missing);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (missing)));
    g_test_message ("missing: %s", list);
    g_assert_nonnull (strstr (list, _("Brand")));
    g_assert_nonnull (strstr (list, _("Colour")));
    g_assert_nonnull (strstr (list, "Northwind"));
    g_assert_nonnull (strstr (list, "White"));
    g_assert_null (strstr (list, _("Material")));
  }

  /* Pointing at the Material row (Linen) highlights both mentions. */
  {
    GtkWidget *row = attribute_row (GTK_WIDGET (editor), _("Material"));
    GtkEventController *motion;
    g_autofree char *ranges = NULL;
    g_autofree char *expect = expected_ranges (text, "linen");

    g_assert_nonnull (row);
    motion = find_controller (row, GTK_TYPE_EVENT_CONTROLLER_MOTION);
    g_assert_nonnull (motion);
    g_signal_emit_by_name (motion, "enter", 5.0, 5.0);
    ranges = tag_ranges (buffer, "highlight");
    g_assert_cmpstr (ranges, ==, expect);
    g_assert_cmpstr (ranges, ==, "14-19 37-42");
    ui_test_save_screenshot (GTK_WIDGET (f.window), "fact-check");
    assert_marks_legible (fe, &light_underline, &light_highlight);

    /* Dark mode follows the system: the app leaves the colour scheme to
     * AdwStyleManager (default), and the marks take the dark palette. */
    g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
    ui_test_spin (100);
    g_assert_true (adw_style_manager_get_dark (style));
    assert_marks_legible (fe, &dark_underline, &dark_highlight);
    g_assert_false (gdk_rgba_equal (&light_underline, &dark_underline));
    g_assert_false (gdk_rgba_equal (&light_highlight, &dark_highlight));
    ui_test_save_screenshot (GTK_WIDGET (f.window), "fact-check-dark");
    gtk_widget_activate_action (GTK_WIDGET (f.window), "win.show-products", NULL);
    ui_test_save_screenshot (GTK_WIDGET (f.window), "products-dark");
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
    ui_test_spin (50);
    g_assert_false (adw_style_manager_get_dark (style));
    /* Showing the product again builds its rows anew. */
    show_product (&f, product (&f, 1));
    row = attribute_row (GTK_WIDGET (editor), _("Material"));
    motion = find_controller (row, GTK_TYPE_EVENT_CONTROLLER_MOTION);
    g_signal_emit_by_name (motion, "enter", 5.0, 5.0);
    g_clear_pointer (&ranges, g_free);
    ranges = tag_ranges (buffer, "highlight");
    g_assert_cmpstr (ranges, ==, expect);

    g_signal_emit_by_name (motion, "leave");
    g_clear_pointer (&ranges, g_free);
    ranges = tag_ranges (buffer, "highlight");
    g_assert_cmpstr (ranges, ==, "");
  }

  /* Undo takes the edit back, and the mark with it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.undo", NULL));
  g_assert_cmpuint (copyist_field_editor_get_n_invented (fe), ==, 0);
  fixture_close (&f);
}

/* ---- 2. variants, and Regenerate never overwriting a hand edit ------------- */

static gboolean
generating (gpointer window)
{
  return copyist_window_get_generating (window);
}

static guint
n_variants (Fixture *f, gint64 id)
{
  CopyistFieldState *state = field_state (f, id, COPYIST_FIELD_DESCRIPTION);
  guint n = state->variants->len;

  copyist_field_state_free (state);
  return n;
}

static void
regenerate_product (Fixture *f, CopyistFieldEditor *fe)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fe), "field.regenerate", "s", "product"));
  g_assert_true (copyist_window_get_generating (f->window));
  ui_test_spin_while (generating, f->window, 120);
  ui_test_spin (50);
}

static void
test_variants (void)
{
  Fixture f = { 0 };
  gint64 id;
  CopyistEditor *editor;
  CopyistFieldEditor *fe;
  CopyistFieldState *state;
  const char *texts[] = { "First canvas tote text.", "Second canvas tote text.", "Third canvas tote text.", NULL };
  g_autoptr(GError) error = NULL;
  guint pos, n;

  fixture_open (&f, 1100, 720);
  id = product (&f, 2); /* the canvas tote: no description */
  g_assert_true (copyist_project_add_variants (f.project, id, COPYIST_FIELD_DESCRIPTION, texts, 0, &error));
  g_assert_no_error (error);
  editor = show_product (&f, id);
  fe = copyist_editor_get_field_editor (editor, COPYIST_FIELD_DESCRIPTION);

#define ASSERT_SHOWN(expect_text, expect_pos)                            \
  G_STMT_START {                                                         \
    g_autofree char *shown_ = copyist_field_editor_dup_text (fe);        \
    g_assert_cmpstr (shown_, ==, (expect_text));                         \
    copyist_field_editor_get_variant_position (fe, &pos, &n);            \
    g_assert_cmpuint (pos, ==, (expect_pos));                            \
    g_assert_cmpuint (n, ==, 3);                                         \
  } G_STMT_END

  /* The first variant became the text; next and previous browse without
   * changing what is stored. */
  ASSERT_SHOWN (texts[0], 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fe), "field.next-variant", NULL));
  ASSERT_SHOWN (texts[1], 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fe), "field.next-variant", NULL));
  ASSERT_SHOWN (texts[2], 3);
  state = field_state (&f, id, COPYIST_FIELD_DESCRIPTION);
  g_assert_cmpstr (state->text, ==, texts[0]);
  copyist_field_state_free (state);
  ui_test_save_screenshot (GTK_WIDGET (f.window), "variants");

  /* "Use this one" stores the choice. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fe), "field.previous-variant", NULL));
  ASSERT_SHOWN (texts[1], 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fe), "field.use-variant", NULL));
  state = field_state (&f, id, COPYIST_FIELD_DESCRIPTION);
  g_assert_cmpstr (state->text, ==, texts[1]);
  g_assert_cmpint (state->origin, ==, COPYIST_TEXT_ORIGIN_GENERATED);
  g_assert_cmpint (state->current_variant, ==, ((CopyistVariant *) g_ptr_array_index (state->variants, 1))->id);
  copyist_field_state_free (state);
  ASSERT_SHOWN (texts[1], 2);
  /* Undo goes back to the first. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.undo", NULL));
  ASSERT_SHOWN (texts[0], 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.window), "win.redo", NULL));
  ASSERT_SHOWN (texts[1], 2);

  /* A hand edit, locked: Regenerate adds variants but the text stays. */
  {
    const char *mine = "My own words about the tote.";
    GtkTextBuffer *buffer = copyist_field_editor_get_buffer (fe);
    gboolean locked;

    gtk_text_buffer_set_text (buffer, mine, -1);
    copyist_editor_flush (editor);
    /* After the variants comes "your text". */
    ASSERT_SHOWN (mine, 4);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fe), "field.toggle-lock", NULL));
    state = field_state (&f, id, COPYIST_FIELD_DESCRIPTION);
    g_assert_true (state->locked);
    g_assert_cmpint (state->origin, ==, COPYIST_TEXT_ORIGIN_HAND);
    copyist_field_state_free (state);

    regenerate_product (&f, fe);
    state = field_state (&f, id, COPYIST_FIELD_DESCRIPTION);
    g_assert_cmpuint (state->variants->len, >, 3);
    g_assert_cmpstr (state->text, ==, mine);
    g_assert_cmpint (state->origin, ==, COPYIST_TEXT_ORIGIN_HAND);
    locked = state->locked;
    g_assert_true (locked);
    copyist_field_state_free (state);
    {
      g_autofree char *shown = copyist_field_editor_dup_text (fe);
      g_assert_cmpstr (shown, ==, mine);
    }

    /* Unlocked, a hand edit is still never replaced. */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fe), "field.toggle-lock", NULL));
    n = n_variants (&f, id);
    regenerate_product (&f, fe);
    g_assert_cmpuint (n_variants (&f, id), >, n);
    state = field_state (&f, id, COPYIST_FIELD_DESCRIPTION);
    g_assert_cmpstr (state->text, ==, mine);
    g_assert_false (state->locked);
    g_assert_cmpint (state->origin, ==, COPYIST_TEXT_ORIGIN_HAND);
    copyist_field_state_free (state);
    ui_test_save_screenshot (GTK_WIDGET (f.window), "variants-locked");
  }
#undef ASSERT_SHOWN
  fixture_close (&f);
}

int
main (int argc, char **argv)
{
  g_autofree char *data_home = g_dir_make_tmp ("copyist-ui-data-XXXXXX", NULL);
  int ret;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  ui_test_init (&argc, &argv);
  ui_test_start_notification_server ();
  g_test_add_func ("/ui/behaviour/fact-check", test_fact_check);
  g_test_add_func ("/ui/behaviour/variants", test_variants);
  ret = g_test_run ();
  ui_test_release_app ();
  g_rmdir (data_home);
  return ret;
}
