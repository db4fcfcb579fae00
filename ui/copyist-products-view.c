/* copyist-products-view.c — the product table: search, filters, multi-select
 *
 * A GtkColumnView over the project's lazy CopyistProductList through a
 * GtkMultiSelection: the column view asks only for the rows it shows, so
 * 100 000 products scroll without loading them. Search, filters and sort
 * are pushed down to the list (SQL), never done on the widget side. */
#define G_LOG_DOMAIN "copyist"

#include "config.h"

#include <glib/gi18n.h>

#include "copyist-products-view.h"

struct _CopyistProductsView
{
  AdwBin parent_instance;

  /* Template children */
  GtkSearchEntry *search_entry;
  GtkDropDown    *status_dropdown;
  GtkDropDown    *category_dropdown;
  GtkStringList  *category_model;
  GtkDropDown    *sort_dropdown;
  GtkStack       *stack;
  GtkColumnView  *column_view;
  GtkActionBar   *action_bar;
  GtkLabel       *selection_label;

  CopyistProductList *list;
  GtkMultiSelection  *selection;
  char              **categories;   /* what the category dropdown shows after "All categories" */
  gboolean            updating_categories;
  GHashTable         *selected_ids;   /* gint64* set: the selection by product, so it
                                         survives rows being replaced after an edit */
  gboolean            restoring;
};

G_DEFINE_FINAL_TYPE (CopyistProductsView, copyist_products_view, ADW_TYPE_BIN)

enum {
  SIGNAL_PRODUCT_ACTIVATED,
  SIGNAL_SELECTION_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

typedef enum {
  COLUMN_TITLE,
  COLUMN_SKU,
  COLUMN_CATEGORY,
  COLUMN_STATUS,
  COLUMN_DESCRIPTION,
} Column;

static const char *
status_label (CopyistProductStatus status)
{
  switch (status)
    {
    case COPYIST_PRODUCT_STATUS_NEW: return _("New");
    case COPYIST_PRODUCT_STATUS_GENERATED: return _("Generated");
    case COPYIST_PRODUCT_STATUS_EDITED: return _("Edited");
    case COPYIST_PRODUCT_STATUS_APPROVED: return _("Approved");
    default: return "";
    }
}

/* Cells are GtkInscriptions, not GtkLabels: an inscription does not
 * measure its text for its size (the column decides), so binding a row
 * while scrolling lays out each text once, to draw it, instead of once
 * more to measure it. */
static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *cell = gtk_inscription_new (NULL);

  gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), 0);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), column == COLUMN_DESCRIPTION ? 20 : 4);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), column == COLUMN_DESCRIPTION ? 60 : 12);
  if (column == COLUMN_SKU)
    gtk_widget_add_css_class (cell, "monospace");
  if (column == COLUMN_DESCRIPTION)
    gtk_widget_add_css_class (cell, "description-preview");
  gtk_list_item_set_child (item, cell);
}

/* The status colour as a style class; changed only when it differs (a
 * class change restyles the cell). */
static void
set_status_class (GtkWidget *cell, CopyistProductStatus status)
{
  static const char *const classes[] = {
    [COPYIST_PRODUCT_STATUS_NEW] = NULL,
    [COPYIST_PRODUCT_STATUS_GENERATED] = "accent",
    [COPYIST_PRODUCT_STATUS_EDITED] = "warning",
    [COPYIST_PRODUCT_STATUS_APPROVED] = "success",
  };
  const char *want = status <= COPYIST_PRODUCT_STATUS_APPROVED ? classes[status] : NULL;

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    if (classes[i] != NULL && g_strcmp0 (classes[i], want) != 0 && gtk_widget_has_css_class (cell, classes[i]))
      gtk_widget_remove_css_class (cell, classes[i]);
  if (want != NULL && !gtk_widget_has_css_class (cell, want))
    gtk_widget_add_css_class (cell, want);
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  CopyistProductItem *product = gtk_list_item_get_item (item);
  GtkInscription *cell = GTK_INSCRIPTION (gtk_list_item_get_child (item));
  const char *text = NULL;

  if (product == NULL)
    return;
  switch (column)
    {
    case COLUMN_TITLE: text = copyist_product_item_get_title (product); break;
    case COLUMN_SKU: text = copyist_product_item_get_sku (product); break;
    case COLUMN_CATEGORY: text = copyist_product_item_get_category (product); break;
    case COLUMN_STATUS:
      {
        CopyistProductStatus status = copyist_product_item_get_status (product);
        text = status_label (status);
        set_status_class (GTK_WIDGET (cell), status);
      }
      break;
    case COLUMN_DESCRIPTION: text = copyist_product_item_get_description_preview (product); break;
    default: break;
    }
  gtk_inscription_set_text (cell, text != NULL && *text != '\0' ? text : NULL);
  if (column == COLUMN_TITLE || column == COLUMN_DESCRIPTION)
    gtk_widget_set_tooltip_text (GTK_WIDGET (cell), text != NULL && *text != '\0' ? text : NULL);
}

static void
add_column (CopyistProductsView *self, const char *title, Column column, gboolean expand, int fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GINT_TO_POINTER (column));
  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_column_set_resizable (col, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (col, fixed_width);
  gtk_column_view_append_column (self->column_view, col);
  g_object_unref (col);
}

static void
update_selection_label (CopyistProductsView *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  guint64 n = 0;

  if (self->selection != NULL)
    {
      selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
      n = gtk_bitset_get_size (selected);
    }
  if (n > 0)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u product selected", "%u products selected", (gulong) n),
                                               (guint) n);
      gtk_label_set_text (self->selection_label, text);
    }
  gtk_action_bar_set_revealed (self->action_bar, n > 0);
}

static void
update_stack (CopyistProductsView *self)
{
  guint n = self->list != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->list)) : 0;
  gboolean filtered = gtk_drop_down_get_selected (self->status_dropdown) > 0 ||
                      gtk_drop_down_get_selected (self->category_dropdown) > 0 ||
                      *gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0';

  if (n > 0)
    gtk_stack_set_visible_child_name (self->stack, "table");
  else
    gtk_stack_set_visible_child_name (self->stack, filtered ? "no-match" : "empty");
}

static void
refresh_categories (CopyistProductsView *self)
{
  g_auto(GStrv) categories = self->list != NULL ? copyist_product_list_dup_categories (self->list) : NULL;
  const char *current = NULL;
  guint selected = gtk_drop_down_get_selected (self->category_dropdown);
  guint new_selected = 0;

  if (self->categories != NULL && categories != NULL &&
      g_strv_equal ((const char * const *) self->categories, (const char * const *) categories))
    return;

  if (selected > 0 && selected != GTK_INVALID_LIST_POSITION && self->categories != NULL &&
      selected - 1 < g_strv_length (self->categories))
    current = self->categories[selected - 1];
  if (categories != NULL && current != NULL)
    for (guint i = 0; categories[i] != NULL; i++)
      if (g_str_equal (categories[i], current))
        new_selected = i + 1;

  self->updating_categories = TRUE;
  gtk_string_list_splice (self->category_model, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->category_model)), NULL);
  gtk_string_list_append (self->category_model, _("All categories"));
  for (guint i = 0; categories != NULL && categories[i] != NULL; i++)
    gtk_string_list_append (self->category_model, categories[i]);
  gtk_drop_down_set_selected (self->category_dropdown, new_selected);
  self->updating_categories = FALSE;

  g_strfreev (self->categories);
  self->categories = g_steal_pointer (&categories);
}

static void
items_changed_cb (GListModel *model, guint position, guint removed, guint added, gpointer user_data)
{
  CopyistProductsView *self = user_data;

  /* An edit replaces the product's row, and the selection model forgets
   * replaced rows: select them again by id. */
  if (added > 0 && g_hash_table_size (self->selected_ids) > 0)
    {
      self->restoring = TRUE;
      for (guint i = position; i < position + added; i++)
        {
          gint64 id = copyist_product_list_get_id_at (self->list, i);
          if (g_hash_table_contains (self->selected_ids, &id))
            gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), i, FALSE);
        }
      self->restoring = FALSE;
    }

  /* Rows came or went (import, delete, undo): categories may have changed. */
  if (removed != added)
    refresh_categories (self);
  update_stack (self);
  update_selection_label (self);
}

static void
selection_changed_cb (GtkSelectionModel *model, guint position, guint n_items, gpointer user_data)
{
  CopyistProductsView *self = user_data;

  if (!self->restoring)
    {
      g_autoptr(GArray) ids = copyist_products_view_dup_selected_ids (self);
      g_hash_table_remove_all (self->selected_ids);
      for (guint i = 0; i < ids->len; i++)
        g_hash_table_add (self->selected_ids, g_memdup2 (&g_array_index (ids, gint64, i), sizeof (gint64)));
    }

  update_selection_label (self);
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

static void
activate_cb (GtkColumnView *view, guint position, gpointer user_data)
{
  CopyistProductsView *self = user_data;
  gint64 id;

  if (self->list == NULL)
    return;
  id = copyist_product_list_get_id_at (self->list, position);
  if (id != 0)
    g_signal_emit (self, signals[SIGNAL_PRODUCT_ACTIVATED], 0, id);
}

static void
search_changed_cb (GtkSearchEntry *entry, gpointer user_data)
{
  CopyistProductsView *self = user_data;

  if (self->list != NULL)
    copyist_product_list_set_search (self->list, gtk_editable_get_text (GTK_EDITABLE (entry)));
  update_stack (self);
}

static void
filter_changed_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  CopyistProductsView *self = user_data;
  guint status = gtk_drop_down_get_selected (self->status_dropdown);
  guint category = gtk_drop_down_get_selected (self->category_dropdown);
  guint sort = gtk_drop_down_get_selected (self->sort_dropdown);

  if (self->list == NULL || self->updating_categories)
    return;
  /* Dropdown rows: "Any status", then the statuses in enum order. */
  copyist_product_list_set_status_filter (self->list,
                                          status == 0 || status == GTK_INVALID_LIST_POSITION ? -1 : (int) status - 1);
  if (category == 0 || category == GTK_INVALID_LIST_POSITION || self->categories == NULL ||
      category - 1 >= g_strv_length (self->categories))
    copyist_product_list_set_category_filter (self->list, NULL);
  else
    copyist_product_list_set_category_filter (self->list, self->categories[category - 1]);
  copyist_product_list_set_sort (self->list,
                                 sort == GTK_INVALID_LIST_POSITION ? COPYIST_PRODUCT_SORT_POSITION
                                                                   : (CopyistProductSort) sort,
                                 FALSE);
  update_stack (self);
}

static void
copyist_products_view_dispose (GObject *object)
{
  CopyistProductsView *self = COPYIST_PRODUCTS_VIEW (object);

  copyist_products_view_set_list (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), COPYIST_TYPE_PRODUCTS_VIEW);
  G_OBJECT_CLASS (copyist_products_view_parent_class)->dispose (object);
}

static void
copyist_products_view_finalize (GObject *object)
{
  CopyistProductsView *self = COPYIST_PRODUCTS_VIEW (object);

  g_strfreev (self->categories);
  g_hash_table_unref (self->selected_ids);
  G_OBJECT_CLASS (copyist_products_view_parent_class)->finalize (object);
}

static void
copyist_products_view_class_init (CopyistProductsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = copyist_products_view_dispose;
  object_class->finalize = copyist_products_view_finalize;

  signals[SIGNAL_PRODUCT_ACTIVATED] =
    g_signal_new ("product-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[SIGNAL_SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/copyist/Copyist/copyist-products-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CopyistProductsView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CopyistProductsView, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CopyistProductsView, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CopyistProductsView, category_model);
  gtk_widget_class_bind_template_child (widget_class, CopyistProductsView, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CopyistProductsView, stack);
  gtk_widget_class_bind_template_child (widget_class, CopyistProductsView, column_view);
  gtk_widget_class_bind_template_child (widget_class, CopyistProductsView, action_bar);
  gtk_widget_class_bind_template_child (widget_class, CopyistProductsView, selection_label);
}

static void
copyist_products_view_init (CopyistProductsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->selected_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  add_column (self, _("Title"), COLUMN_TITLE, FALSE, 260);
  add_column (self, _("SKU"), COLUMN_SKU, FALSE, 110);
  add_column (self, _("Category"), COLUMN_CATEGORY, FALSE, 130);
  add_column (self, _("Status"), COLUMN_STATUS, FALSE, 100);
  add_column (self, _("Description"), COLUMN_DESCRIPTION, TRUE, -1);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Products"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search products"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Status filter"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->category_dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Category filter"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sort_dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sort order"), -1);

  refresh_categories (self);
  g_signal_connect_object (self->column_view, "activate", G_CALLBACK (activate_cb), self, 0);
  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self, 0);
  g_signal_connect_object (self->status_dropdown, "notify::selected", G_CALLBACK (filter_changed_cb), self, 0);
  g_signal_connect_object (self->category_dropdown, "notify::selected", G_CALLBACK (filter_changed_cb), self, 0);
  g_signal_connect_object (self->sort_dropdown, "notify::selected", G_CALLBACK (filter_changed_cb), self, 0);
  update_stack (self);
}

void
copyist_products_view_set_list (CopyistProductsView *self, CopyistProductList *list)
{
  g_return_if_fail (COPYIST_IS_PRODUCTS_VIEW (self));

  if (self->list == list)
    return;
  if (self->list != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->list, self);
      g_signal_handlers_disconnect_by_data (self->selection, self);
    }
  gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_hash_table_remove_all (self->selected_ids);

  if (list != NULL)
    {
      self->list = g_object_ref (list);
      self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (list)));
      g_signal_connect (self->list, "items-changed", G_CALLBACK (items_changed_cb), self);
      g_signal_connect (self->selection, "selection-changed", G_CALLBACK (selection_changed_cb), self);
      gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      gtk_drop_down_set_selected (self->status_dropdown, 0);
      gtk_drop_down_set_selected (self->sort_dropdown, 0);
      refresh_categories (self);
      gtk_drop_down_set_selected (self->category_dropdown, 0);
      filter_changed_cb (NULL, NULL, self);
    }
  update_stack (self);
  update_selection_label (self);
}

GArray *
copyist_products_view_dup_selected_ids (CopyistProductsView *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  guint position;

  g_return_val_if_fail (COPYIST_IS_PRODUCTS_VIEW (self), ids);

  if (self->selection == NULL)
    return ids;
  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      gint64 id = copyist_product_list_get_id_at (self->list, position);
      if (id != 0)
        g_array_append_val (ids, id);
    }
  return ids;
}

void
copyist_products_view_select_id (CopyistProductsView *self, gint64 id)
{
  int position;

  g_return_if_fail (COPYIST_IS_PRODUCTS_VIEW (self));

  if (self->list == NULL)
    return;
  position = copyist_product_list_find_id (self->list, id);
  if (position < 0)
    return;
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
}

void
copyist_products_view_select_all (CopyistProductsView *self)
{
  g_return_if_fail (COPYIST_IS_PRODUCTS_VIEW (self));

  if (self->selection != NULL)
    gtk_selection_model_select_all (GTK_SELECTION_MODEL (self->selection));
}

void
copyist_products_view_focus_search (CopyistProductsView *self)
{
  g_return_if_fail (COPYIST_IS_PRODUCTS_VIEW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
copyist_products_view_set_search (CopyistProductsView *self, const char *text)
{
  g_return_if_fail (COPYIST_IS_PRODUCTS_VIEW (self));
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* search-changed is delayed by the entry; apply now so callers see it. */
  search_changed_cb (self->search_entry, self);
}
