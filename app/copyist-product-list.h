/* copyist-product-list.h — the products of a project as a lazy GListModel
 *
 * The list holds only the ids of the matching products in display order
 * (8 bytes a product, read by one indexed query when the filter or sort
 * changes); the rows themselves are read on demand in pages of
 * COPYIST_PRODUCT_LIST_PAGE_SIZE by id (prepared statement) and kept in a
 * small page cache, so a 100 000-product project opens and scrolls without
 * ever loading all rows. Item type: CopyistProductItem.
 *
 * Filter: status (or any), category (exact, or any), and a text search over
 * title, SKU, category and the start of the description: every
 * whitespace-separated term must occur, case-insensitively, as a substring
 * (so "围巾" and "SKU-001" work alike; see products.search in the schema).
 * Sort: import order, title, SKU, category or status, ascending/descending.
 *
 * The list follows the project: after every change ("products-changed"),
 * it re-reads the ids and emits the smallest items-changed it can (one
 * replaced item for an edit; removed/added ranges when rows come or go).
 * Main thread only, like the project.
 */
#pragma once

#include <gio/gio.h>

#include "copyist-project.h"
#include "copyist-product-item.h"

G_BEGIN_DECLS

#define COPYIST_PRODUCT_LIST_PAGE_SIZE 32

typedef enum {
  COPYIST_PRODUCT_SORT_POSITION,   /* import order */
  COPYIST_PRODUCT_SORT_TITLE,
  COPYIST_PRODUCT_SORT_SKU,
  COPYIST_PRODUCT_SORT_CATEGORY,
  COPYIST_PRODUCT_SORT_STATUS,
} CopyistProductSort;

#define COPYIST_TYPE_PRODUCT_LIST (copyist_product_list_get_type ())
G_DECLARE_FINAL_TYPE (CopyistProductList, copyist_product_list, COPYIST, PRODUCT_LIST, GObject)

/* Properties: "project" (construct-only), "search" (char*), "status-filter"
 * (int: a CopyistProductStatus, or -1 for any), "category-filter" (char*,
 * NULL for any), "sort" (int: CopyistProductSort), "descending" (gboolean).
 * Changing any of them re-reads the ids and emits items-changed. */
CopyistProductList *copyist_product_list_new (CopyistProject *project);

void copyist_product_list_set_search          (CopyistProductList *self, const char *search);
void copyist_product_list_set_status_filter   (CopyistProductList *self, int status /* -1: any */);
void copyist_product_list_set_category_filter (CopyistProductList *self, const char *category);
void copyist_product_list_set_sort            (CopyistProductList *self, CopyistProductSort sort,
                                               gboolean descending);

/* The product id at POSITION without making an item (0 when out of range). */
gint64   copyist_product_list_get_id_at (CopyistProductList *self, guint position);
/* The position of product ID in the list, or -1 if it is filtered out. */
gint     copyist_product_list_find_id   (CopyistProductList *self, gint64 id);
/* Distinct categories in the project, sorted (for the filter menu); free with g_strfreev. */
char   **copyist_product_list_dup_categories (CopyistProductList *self);
/* The last error reading the database (NULL if none): a GListModel cannot
 * return errors, so a failed read yields an empty list and sets this. */
const GError *copyist_product_list_get_error (CopyistProductList *self);
/* For tests and the benchmark: how many pages were read from the database so far. */
guint    copyist_product_list_get_page_loads (CopyistProductList *self);

G_END_DECLS
