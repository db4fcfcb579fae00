/* copyist-products-view.h — the product table: search, filters, multi-select */
#pragma once

#include <adwaita.h>

#include "copyist-product-list.h"

G_BEGIN_DECLS

#define COPYIST_TYPE_PRODUCTS_VIEW (copyist_products_view_get_type ())
G_DECLARE_FINAL_TYPE (CopyistProductsView, copyist_products_view, COPYIST, PRODUCTS_VIEW, AdwBin)

/* Shows LIST (NULL: nothing). The view sets the list's search, filters and
 * sort from its controls.
 * Signals: "product-activated" (gint64 id): a row was activated (double
 * click, Enter); "selection-changed": the selected rows changed. */
void    copyist_products_view_set_list (CopyistProductsView *self, CopyistProductList *list);
/* The ids of the selected products, in list order (gint64). */
GArray *copyist_products_view_dup_selected_ids (CopyistProductsView *self);
/* Selects only product ID (if it is in the list) and scrolls to it. */
void    copyist_products_view_select_id (CopyistProductsView *self, gint64 id);
void    copyist_products_view_select_all (CopyistProductsView *self);
void    copyist_products_view_focus_search (CopyistProductsView *self);
/* The search text and filters, as the user would set them (tests). */
void    copyist_products_view_set_search (CopyistProductsView *self, const char *text);

G_END_DECLS
