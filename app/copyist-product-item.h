/* copyist-product-item.h — one row of the product table, as the lazy
 * CopyistProductList hands it out: a small immutable snapshot (id, title,
 * SKU, category, status, the start of the description). When the product
 * changes, the list replaces the item (items-changed), so a bound row widget
 * re-binds; an item never changes after it is made. */
#pragma once

#include <glib-object.h>

#include "copyist-project.h"

G_BEGIN_DECLS

#define COPYIST_TYPE_PRODUCT_ITEM (copyist_product_item_get_type ())
G_DECLARE_FINAL_TYPE (CopyistProductItem, copyist_product_item, COPYIST, PRODUCT_ITEM, GObject)

/* Properties (read-only after construction): "id" (gint64), "title", "sku",
 * "category", "status" (the string: "new" …), "description-preview"
 * (the first ~120 characters of the description on one line), "edited"
 * (gboolean: the status is "edited"). */
CopyistProductItem  *copyist_product_item_new (gint64 id, const char *title, const char *sku,
                                               const char *category, CopyistProductStatus status,
                                               const char *description_preview);
gint64               copyist_product_item_get_id (CopyistProductItem *item);
const char          *copyist_product_item_get_title (CopyistProductItem *item);
const char          *copyist_product_item_get_sku (CopyistProductItem *item);
const char          *copyist_product_item_get_category (CopyistProductItem *item);
CopyistProductStatus copyist_product_item_get_status (CopyistProductItem *item);
const char          *copyist_product_item_get_status_string (CopyistProductItem *item);
const char          *copyist_product_item_get_description_preview (CopyistProductItem *item);

G_END_DECLS
