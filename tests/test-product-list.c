/* test-product-list.c — the lazy product GListModel: paging, filters,
 * search, sort, and items-changed following the project. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "copyist-product-list.h"

#define N_PRODUCTS 1000

typedef struct {
  char *dir;
  char *path;
  CopyistProject *project;
  CopyistProductList *list;
} Fixture;

static const char *const categories[] = { "Shirts", "Scarves", "Hats", "围巾" };

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_record_free);

  f->dir = g_dir_make_tmp ("copyist-list-XXXXXX", &error);
  f->path = g_build_filename (f->dir, "list.copyist", NULL);
  file = g_file_new_for_path (f->path);
  f->project = copyist_project_open (file, TRUE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_PRODUCTS; i++)
    {
      CopyistRecord *r = copyist_record_new ();
      r->sku = g_strdup_printf ("SKU-%04u", i);
      /* Titles in reverse order of import, so sorting by title is visible. */
      if (i % 4 == 3)
        r->title = g_strdup_printf ("真丝围巾 %04u", N_PRODUCTS - i);
      else
        r->title = g_strdup_printf ("Product %04u %s", N_PRODUCTS - i, i % 10 == 0 ? "Linen" : "Cotton");
      r->category = g_strdup (categories[i % 4]);
      if (i % 100 == 7)
        r->description = g_strdup_printf ("A description mentioning merino wool, number %u.", i);
      g_ptr_array_add (records, r);
    }
  g_assert_true (copyist_project_import_records (f->project, records, COPYIST_IMPORT_UPDATE_OR_CREATE, NULL, &error));
  g_assert_no_error (error);
  f->list = copyist_product_list_new (f->project);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->list);
  g_clear_object (&f->project);
  {
    g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (f->dir, name, NULL);
        g_remove (p);
      }
  }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static CopyistProductItem *
item_at (Fixture *f, guint position)
{
  return g_list_model_get_item (G_LIST_MODEL (f->list), position);
}

static void
test_lazy_paging (Fixture *f, gconstpointer data)
{
  GListModel *model = G_LIST_MODEL (f->list);
  g_autoptr(CopyistProductItem) first = NULL;
  g_autoptr(CopyistProductItem) again = NULL;
  g_autoptr(CopyistProductItem) last = NULL;
  g_autoptr(GHashTable) pages = g_hash_table_new (NULL, NULL);
  GRand *rand = g_rand_new_with_seed (7);

  g_assert_true (g_list_model_get_item_type (model) == COPYIST_TYPE_PRODUCT_ITEM);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_PRODUCTS);
  /* Knowing the size reads no rows. */
  g_assert_cmpuint (copyist_product_list_get_page_loads (f->list), ==, 0);

  first = item_at (f, 0);
  g_assert_cmpstr (copyist_product_item_get_sku (first), ==, "SKU-0000");
  g_assert_cmpstr (copyist_product_item_get_title (first), ==, "Product 1000 Linen");
  g_assert_cmpstr (copyist_product_item_get_category (first), ==, "Shirts");
  g_assert_cmpint (copyist_product_item_get_status (first), ==, COPYIST_PRODUCT_STATUS_NEW);
  g_assert_cmpuint (copyist_product_list_get_page_loads (f->list), ==, 1);
  for (guint i = 1; i < COPYIST_PRODUCT_LIST_PAGE_SIZE; i++)
    g_object_unref (item_at (f, i));
  g_assert_cmpuint (copyist_product_list_get_page_loads (f->list), ==, 1);
  again = item_at (f, 0);
  g_assert_true (again == first);

  last = item_at (f, N_PRODUCTS - 1);
  g_assert_cmpstr (copyist_product_item_get_sku (last), ==, "SKU-0999");
  g_assert_cmpuint (copyist_product_list_get_page_loads (f->list), ==, 2);
  g_assert_null (g_list_model_get_item (model, N_PRODUCTS));

  /* Random access loads each page once (the cache holds them all here). */
  g_hash_table_add (pages, GUINT_TO_POINTER (0));
  g_hash_table_add (pages, GUINT_TO_POINTER ((N_PRODUCTS - 1) / COPYIST_PRODUCT_LIST_PAGE_SIZE));
  for (int k = 0; k < 300; k++)
    {
      guint pos = (guint) g_rand_int_range (rand, 0, N_PRODUCTS);
      g_autoptr(CopyistProductItem) item = item_at (f, pos);
      g_autofree char *sku = g_strdup_printf ("SKU-%04u", pos);
      g_assert_cmpstr (copyist_product_item_get_sku (item), ==, sku);
      g_hash_table_add (pages, GUINT_TO_POINTER (pos / COPYIST_PRODUCT_LIST_PAGE_SIZE));
    }
  g_assert_cmpuint (copyist_product_list_get_page_loads (f->list), ==, g_hash_table_size (pages));
  g_rand_free (rand);
}

static guint
count_sku_matches (Fixture *f)
{
  return g_list_model_get_n_items (G_LIST_MODEL (f->list));
}

static void
test_filters_and_search (Fixture *f, gconstpointer data)
{
  g_autoptr(GArray) some = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(CopyistProductItem) item = NULL;
  g_auto(GStrv) cats = NULL;

  copyist_product_list_set_category_filter (f->list, "Hats");
  g_assert_cmpuint (count_sku_matches (f), ==, N_PRODUCTS / 4);
  item = item_at (f, 0);
  g_assert_cmpstr (copyist_product_item_get_sku (item), ==, "SKU-0002");
  g_clear_object (&item);
  copyist_product_list_set_category_filter (f->list, NULL);
  g_assert_cmpuint (count_sku_matches (f), ==, N_PRODUCTS);

  /* Substrings, any case, title and SKU. */
  copyist_product_list_set_search (f->list, "linen");
  g_assert_cmpuint (count_sku_matches (f), ==, N_PRODUCTS / 10);
  copyist_product_list_set_search (f->list, "SKU-001");
  g_assert_cmpuint (count_sku_matches (f), ==, 10);
  /* Two terms: both must match (title "Product 0990 Linen", and SKU-0990
   * whose title is "Product 0010 Linen"). */
  copyist_product_list_set_search (f->list, "linen 0990");
  g_assert_cmpuint (count_sku_matches (f), ==, 2);
  /* Description text. */
  copyist_product_list_set_search (f->list, "MERINO");
  g_assert_cmpuint (count_sku_matches (f), ==, N_PRODUCTS / 100);
  /* CJK: two characters, one character. */
  copyist_product_list_set_search (f->list, "围巾");
  g_assert_cmpuint (count_sku_matches (f), ==, N_PRODUCTS / 4);
  copyist_product_list_set_search (f->list, "丝");
  g_assert_cmpuint (count_sku_matches (f), ==, N_PRODUCTS / 4);
  copyist_product_list_set_search (f->list, "真丝围巾");
  g_assert_cmpuint (count_sku_matches (f), ==, N_PRODUCTS / 4);
  /* Quotes and SQL wildcards are taken literally. */
  copyist_product_list_set_search (f->list, "\"%_");
  g_assert_cmpuint (count_sku_matches (f), ==, 0);
  copyist_product_list_set_search (f->list, "%");
  g_assert_cmpuint (count_sku_matches (f), ==, 0);
  copyist_product_list_set_search (f->list, "   ");
  g_assert_cmpuint (count_sku_matches (f), ==, N_PRODUCTS);

  /* Status, combined with category. */
  for (gint64 id = 1; id <= 40; id++)
    g_array_append_val (some, id);
  g_assert_true (copyist_project_set_approved_bulk (f->project, some, COPYIST_FIELD_DESCRIPTION, TRUE, NULL));
  copyist_product_list_set_status_filter (f->list, COPYIST_PRODUCT_STATUS_APPROVED);
  /* Approved needs a text; only product 8 (i = 7) has a description among 1..40. */
  g_assert_cmpuint (count_sku_matches (f), ==, 1);
  copyist_product_list_set_status_filter (f->list, COPYIST_PRODUCT_STATUS_NEW);
  g_assert_cmpuint (count_sku_matches (f), ==, N_PRODUCTS - 1);
  copyist_product_list_set_category_filter (f->list, "Shirts");
  g_assert_cmpuint (count_sku_matches (f), ==, N_PRODUCTS / 4);
  g_assert_null (copyist_product_list_get_error (f->list));

  cats = copyist_product_list_dup_categories (f->list);
  g_assert_cmpuint (g_strv_length (cats), ==, 4);
  g_assert_cmpstr (cats[0], ==, "Hats");
  g_assert_cmpstr (cats[3], ==, "围巾");
}

static void
test_sort (Fixture *f, gconstpointer data)
{
  g_autoptr(CopyistProductItem) a = NULL;
  g_autoptr(CopyistProductItem) b = NULL;
  g_autoptr(CopyistProductItem) c = NULL;

  copyist_product_list_set_sort (f->list, COPYIST_PRODUCT_SORT_TITLE, FALSE);
  a = item_at (f, 0);
  g_assert_cmpstr (copyist_product_item_get_title (a), ==, "Product 0002 Cotton");
  copyist_product_list_set_sort (f->list, COPYIST_PRODUCT_SORT_SKU, TRUE);
  b = item_at (f, 0);
  g_assert_cmpstr (copyist_product_item_get_sku (b), ==, "SKU-0999");
  g_assert_cmpint (copyist_product_list_find_id (f->list, copyist_product_item_get_id (b)), ==, 0);
  copyist_product_list_set_sort (f->list, COPYIST_PRODUCT_SORT_CATEGORY, FALSE);
  c = item_at (f, 0);
  g_assert_cmpstr (copyist_product_item_get_category (c), ==, "Hats");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, N_PRODUCTS);
}

typedef struct {
  guint position, removed, added;
} Change;

static void
items_changed_cb (GListModel *model, guint position, guint removed, guint added, gpointer user_data)
{
  Change c = { position, removed, added };
  g_array_append_val ((GArray *) user_data, c);
}

static void
assert_change (GArray *changes, guint index, guint position, guint removed, guint added)
{
  Change *c;

  g_assert_cmpuint (index, <, changes->len);
  c = &g_array_index (changes, Change, index);
  g_assert_cmpuint (c->position, ==, position);
  g_assert_cmpuint (c->removed, ==, removed);
  g_assert_cmpuint (c->added, ==, added);
}

static void
test_items_changed (Fixture *f, gconstpointer data)
{
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(GArray) del = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(CopyistProductItem) before = item_at (f, 5);
  g_autoptr(CopyistProductItem) after = NULL;
  gint64 id5 = copyist_product_list_get_id_at (f->list, 5);
  const char *gen[] = { "Generated.", NULL };

  g_signal_connect (f->list, "items-changed", G_CALLBACK (items_changed_cb), changes);

  /* An edit replaces exactly that row, with a fresh item. */
  g_assert_true (copyist_project_set_text (f->project, id5, COPYIST_FIELD_DESCRIPTION, "Hand\nwritten   text", NULL, NULL));
  g_assert_cmpuint (changes->len, ==, 1);
  assert_change (changes, 0, 5, 1, 1);
  after = item_at (f, 5);
  g_assert_true (after != before);
  g_assert_cmpint (copyist_product_item_get_status (after), ==, COPYIST_PRODUCT_STATUS_EDITED);
  g_assert_cmpstr (copyist_product_item_get_description_preview (after), ==, "Hand written text");

  /* A delete removes a row, undo puts it back. */
  g_array_set_size (changes, 0);
  g_array_append_val (del, id5);
  g_assert_true (copyist_project_delete_products (f->project, del, NULL));
  g_assert_cmpuint (changes->len, ==, 1);
  assert_change (changes, 0, 5, 1, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, N_PRODUCTS - 1);
  g_array_set_size (changes, 0);
  g_assert_true (copyist_project_undo (f->project, NULL));
  assert_change (changes, 0, 5, 0, 1);
  g_assert_cmpint (copyist_product_list_find_id (f->list, id5), ==, 5);

  /* With a status filter, generating makes a row leave the "new" view. */
  copyist_product_list_set_status_filter (f->list, COPYIST_PRODUCT_STATUS_NEW);
  g_array_set_size (changes, 0);
  g_assert_true (copyist_project_add_variants (f->project, copyist_product_list_get_id_at (f->list, 10),
                                               COPYIST_FIELD_DESCRIPTION, gen, 0, NULL));
  g_assert_cmpuint (changes->len, ==, 1);
  assert_change (changes, 0, 10, 1, 0);

  /* An import that appends rows. */
  {
    g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_record_free);
    CopyistRecord *r = copyist_record_new ();
    guint n = g_list_model_get_n_items (G_LIST_MODEL (f->list));
    r->sku = g_strdup ("NEW-1");
    r->title = g_strdup ("Brand new");
    g_ptr_array_add (records, r);
    g_array_set_size (changes, 0);
    g_assert_true (copyist_project_import_records (f->project, records, COPYIST_IMPORT_UPDATE_OR_CREATE, NULL, NULL));
    g_assert_cmpuint (changes->len, ==, 1);
    assert_change (changes, 0, n, 0, 1);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/app/product-list/lazy-paging", test_lazy_paging);
  ADD ("/app/product-list/filters-and-search", test_filters_and_search);
  ADD ("/app/product-list/sort", test_sort);
  ADD ("/app/product-list/items-changed", test_items_changed);
#undef ADD
  return g_test_run ();
}
