/* copyist-product-list.c — a lazy GListModel over the products of a project
 *
 * The list keeps the matching ids in display order (one indexed query per
 * filter/sort change or project change) and makes items page by page, on
 * demand, from prepared statements that look rows up by id. Random access
 * is therefore O(1) in the list and one page read (COPYIST_PRODUCT_LIST_PAGE_SIZE
 * primary-key lookups) per page not yet cached; the cache holds at most
 * MAX_PAGES pages and forgets the oldest first. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "copyist-project-private.h"
#include "copyist-product-list.h"

#define MAX_PAGES 256
#define PREVIEW_CHARS 120

struct _CopyistProductList
{
  GObject             parent_instance;

  CopyistProject     *project;
  gulong              changed_handler;

  char               *search;
  int                 status_filter;
  char               *category_filter;
  CopyistProductSort  sort;
  gboolean            descending;

  GArray             *ids;          /* gint64, display order */
  GHashTable         *pages;        /* page index -> GPtrArray of CopyistProductItem */
  GQueue              page_order;   /* page indices, oldest first (GUINT_TO_POINTER) */
  guint               page_loads;
  GError             *error;
  GHashTable         *position_of;  /* id -> position + 1, built on demand; NULL when stale */
};

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_SEARCH,
  PROP_STATUS_FILTER,
  PROP_CATEGORY_FILTER,
  PROP_SORT,
  PROP_DESCENDING,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_TYPE_WITH_CODE (CopyistProductList, copyist_product_list, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* ---- reading ---- */

static void
clear_pages (CopyistProductList *self)
{
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->page_order);
}

/* The SQL for the current filter and sort; PARAMS gets the values to bind, in order. */
static char *
build_query (CopyistProductList *self, GPtrArray *params)
{
  static const char *const sort_keys[] = {
    [COPYIST_PRODUCT_SORT_POSITION] = "p.position",
    [COPYIST_PRODUCT_SORT_TITLE] = "p.title COLLATE NOCASE",
    [COPYIST_PRODUCT_SORT_SKU] = "p.sku",
    [COPYIST_PRODUCT_SORT_CATEGORY] = "p.category COLLATE NOCASE",
    /* One string (the parentheses tell clang the concatenation is meant). */
    [COPYIST_PRODUCT_SORT_STATUS] = ("CASE p.status WHEN 'new' THEN 0 WHEN 'generated' THEN 1 "
                                     "WHEN 'edited' THEN 2 ELSE 3 END"),
  };
  const char *dir = self->descending ? " DESC" : "";
  GString *sql = g_string_new ("SELECT p.id FROM products p WHERE 1");

  if (self->status_filter >= 0)
    {
      g_string_append_printf (sql, " AND p.status = ?%u", params->len + 1);
      g_ptr_array_add (params, g_strdup (copyist_product_status_to_string (self->status_filter)));
    }
  if (self->category_filter != NULL)
    {
      g_string_append_printf (sql, " AND p.category = ?%u", params->len + 1);
      g_ptr_array_add (params, g_strdup (self->category_filter));
    }
  if (self->search != NULL)
    {
      /* Every term must occur in the product's case-folded search text
       * (title, SKU, category, description): a plain substring test, so
       * quotes, % and _ mean themselves and "围巾" finds 真丝围巾. */
      g_autofree char *folded = g_utf8_casefold (self->search, -1);
      g_auto(GStrv) terms = g_strsplit_set (folded, " \t\n", -1);

      for (guint i = 0; terms[i] != NULL; i++)
        {
          if (*terms[i] == '\0')
            continue;
          g_string_append_printf (sql, " AND instr (p.search, ?%u) > 0", params->len + 1);
          g_ptr_array_add (params, g_strdup (terms[i]));
        }
    }
  /* Positions are unique, so they settle every tie; with no extra term the
   * (key, position) indexes deliver the order without a sort. */
  if (self->sort == COPYIST_PRODUCT_SORT_POSITION)
    g_string_append_printf (sql, " ORDER BY p.position%s", dir);
  else
    g_string_append_printf (sql, " ORDER BY %s%s, p.position%s", sort_keys[self->sort], dir, dir);
  return g_string_free (sql, FALSE);
}

static GArray *
query_ids (CopyistProductList *self, GError **error)
{
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sql = build_query (self, params);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = project_stmt (self->project, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  for (guint i = 0; i < params->len; i++)
    sqlite3_bind_text (stmt, (int) i + 1, params->pdata[i], -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      project_set_error (self->project, error, sqlite3_extended_errcode (self->project->db), _("listing products"));
      return NULL;
    }
  return g_steal_pointer (&ids);
}

static char *
make_preview (const char *text)
{
  GString *out;
  gboolean space = FALSE;
  guint n = 0;

  if (text == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (const char *p = text; *p && n < PREVIEW_CHARS; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_isspace (c))
        {
          space = out->len > 0;
          continue;
        }
      if (space)
        {
          g_string_append_c (out, ' ');
          n++;
          space = FALSE;
        }
      g_string_append_unichar (out, c);
      n++;
    }
  if (*text && n >= PREVIEW_CHARS)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

static GPtrArray *
load_page (CopyistProductList *self, guint page)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint start = page * COPYIST_PRODUCT_LIST_PAGE_SIZE;
  guint end = MIN (self->ids->len, start + COPYIST_PRODUCT_LIST_PAGE_SIZE);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  stmt = project_stmt (self->project,
                       "SELECT p.title, p.sku, p.category, p.status, substr (t.text, 1, 400) FROM products p "
                       "LEFT JOIN texts t ON t.product_id = p.id AND t.field = 'description' WHERE p.id = ?1", &error);
  for (guint i = start; i < end; i++)
    {
      gint64 id = g_array_index (self->ids, gint64, i);
      CopyistProductStatus status = COPYIST_PRODUCT_STATUS_NEW;
      g_autofree char *preview = NULL;
      CopyistProductItem *item;

      if (stmt != NULL)
        {
          sqlite3_bind_int64 (stmt, 1, id);
          if (sqlite3_step (stmt) == SQLITE_ROW)
            {
              copyist_product_status_from_string ((const char *) sqlite3_column_text (stmt, 3), &status);
              preview = make_preview ((const char *) sqlite3_column_text (stmt, 4));
              item = copyist_product_item_new (id, (const char *) sqlite3_column_text (stmt, 0),
                                               (const char *) sqlite3_column_text (stmt, 1),
                                               (const char *) sqlite3_column_text (stmt, 2), status, preview);
              sqlite3_reset (stmt);
              g_ptr_array_add (items, item);
              continue;
            }
          sqlite3_reset (stmt);
        }
      /* A row that vanished underneath (another connection) or a failed
       * read: a placeholder item keeps positions stable until the refresh. */
      g_ptr_array_add (items, copyist_product_item_new (id, NULL, NULL, NULL, COPYIST_PRODUCT_STATUS_NEW, NULL));
    }
  if (error != NULL)
    {
      g_clear_error (&self->error);
      self->error = g_steal_pointer (&error);
    }
  self->page_loads++;
  return g_steal_pointer (&items);
}

/* ---- GListModel ---- */

static GType
list_get_item_type (GListModel *model)
{
  return COPYIST_TYPE_PRODUCT_ITEM;
}

static guint
list_get_n_items (GListModel *model)
{
  return COPYIST_PRODUCT_LIST (model)->ids->len;
}

static gpointer
list_get_item (GListModel *model, guint position)
{
  CopyistProductList *self = COPYIST_PRODUCT_LIST (model);
  guint page = position / COPYIST_PRODUCT_LIST_PAGE_SIZE;
  GPtrArray *items;

  if (position >= self->ids->len)
    return NULL;
  items = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (items == NULL)
    {
      if (g_queue_get_length (&self->page_order) >= MAX_PAGES)
        g_hash_table_remove (self->pages, g_queue_pop_head (&self->page_order));
      items = load_page (self, page);
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), items);
      g_queue_push_tail (&self->page_order, GUINT_TO_POINTER (page));
    }
  return g_object_ref (items->pdata[position % COPYIST_PRODUCT_LIST_PAGE_SIZE]);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_get_item_type;
  iface->get_n_items = list_get_n_items;
  iface->get_item = list_get_item;
}

/* ---- following the project ---- */

/* Re-reads the ids and announces the difference: one splice for the range
 * that differs, plus a one-row replacement for each CHANGED product that
 * stayed where it was (CHANGED NULL: every row may have changed). */
static void
refresh (CopyistProductList *self, GArray *changed, gboolean all_changed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) old = self->ids;
  GArray *ids = query_ids (self, &error);
  guint prefix = 0, suffix = 0, removed, added;

  g_clear_error (&self->error);
  if (ids == NULL)
    {
      self->error = g_steal_pointer (&error);
      ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    }
  self->ids = ids;
  g_clear_pointer (&self->position_of, g_hash_table_unref);
  clear_pages (self);

  while (prefix < old->len && prefix < ids->len
         && g_array_index (old, gint64, prefix) == g_array_index (ids, gint64, prefix))
    prefix++;
  while (suffix < old->len - prefix && suffix < ids->len - prefix
         && g_array_index (old, gint64, old->len - 1 - suffix) == g_array_index (ids, gint64, ids->len - 1 - suffix))
    suffix++;
  removed = old->len - prefix - suffix;
  added = ids->len - prefix - suffix;

  if (all_changed)
    {
      if (old->len > 0 || ids->len > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), 0, old->len, ids->len);
    }
  else
    {
      g_autoptr(GHashTable) changed_set = g_hash_table_new (g_int64_hash, g_int64_equal);

      for (guint i = 0; changed != NULL && i < changed->len; i++)
        g_hash_table_add (changed_set, &g_array_index (changed, gint64, i));
      if (removed > 0 || added > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), prefix, removed, added);
      for (guint i = 0; g_hash_table_size (changed_set) > 0 && i < ids->len; i++)
        {
          if (i == prefix)
            i = prefix + added;  /* the spliced range is new already */
          if (i < ids->len && g_hash_table_contains (changed_set, &g_array_index (ids, gint64, i)))
            g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 1);
        }
    }
  if (old->len != ids->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* In the unfiltered list in import order, editing a product can neither
 * move it nor make it leave: when every changed product is still there and
 * already listed, replacing those rows is enough, without re-reading the
 * ids (which for 100 000 products costs a scan on every typing pause). */
static gboolean
replace_in_place (CopyistProductList *self, GArray *changed)
{
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));
  sqlite3_stmt *stmt;

  if (changed == NULL || self->search != NULL || self->status_filter >= 0 || self->category_filter != NULL
      || self->sort != COPYIST_PRODUCT_SORT_POSITION || changed->len > COPYIST_PRODUCT_LIST_PAGE_SIZE)
    return FALSE;
  stmt = project_stmt (self->project, "SELECT 1 FROM products WHERE id = ?1", NULL);
  if (stmt == NULL)
    return FALSE;
  if (self->position_of == NULL)
    {
      self->position_of = g_hash_table_new (g_int64_hash, g_int64_equal);
      for (guint i = 0; i < self->ids->len; i++)
        g_hash_table_insert (self->position_of, &g_array_index (self->ids, gint64, i), GUINT_TO_POINTER (i + 1));
    }
  for (guint i = 0; i < changed->len; i++)
    {
      gint64 id = g_array_index (changed, gint64, i);
      guint position = GPOINTER_TO_UINT (g_hash_table_lookup (self->position_of, &id));
      gboolean exists;

      sqlite3_bind_int64 (stmt, 1, id);
      exists = sqlite3_step (stmt) == SQLITE_ROW;
      sqlite3_reset (stmt);
      if (exists != (position > 0))
        return FALSE;  /* a product came or went: re-read */
      if (position > 0)
        {
          position--;
          g_array_append_val (positions, position);
        }
    }
  for (guint i = 0; i < positions->len; i++)
    {
      guint position = g_array_index (positions, guint, i);
      gpointer page = GUINT_TO_POINTER (position / COPYIST_PRODUCT_LIST_PAGE_SIZE);

      if (g_hash_table_remove (self->pages, page))
        g_queue_remove (&self->page_order, page);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
    }
  return TRUE;
}

static void
products_changed_cb (CopyistProject *project, GArray *ids, gpointer user_data)
{
  CopyistProductList *self = user_data;

  if (!replace_in_place (self, ids))
    refresh (self, ids, ids == NULL);
}

/* ---- GObject ---- */

static void
copyist_product_list_constructed (GObject *object)
{
  CopyistProductList *self = COPYIST_PRODUCT_LIST (object);
  g_autoptr(GError) error = NULL;

  G_OBJECT_CLASS (copyist_product_list_parent_class)->constructed (object);
  g_return_if_fail (COPYIST_IS_PROJECT (self->project));
  self->changed_handler = g_signal_connect (self->project, "products-changed", G_CALLBACK (products_changed_cb), self);
  self->ids = query_ids (self, &error);
  if (self->ids == NULL)
    {
      self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      self->error = g_steal_pointer (&error);
    }
}

static void
copyist_product_list_dispose (GObject *object)
{
  CopyistProductList *self = COPYIST_PRODUCT_LIST (object);

  if (self->project != NULL && self->changed_handler != 0)
    g_clear_signal_handler (&self->changed_handler, self->project);
  g_clear_object (&self->project);
  clear_pages (self);
  G_OBJECT_CLASS (copyist_product_list_parent_class)->dispose (object);
}

static void
copyist_product_list_finalize (GObject *object)
{
  CopyistProductList *self = COPYIST_PRODUCT_LIST (object);

  g_free (self->search);
  g_free (self->category_filter);
  g_clear_pointer (&self->position_of, g_hash_table_unref);
  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (copyist_product_list_parent_class)->finalize (object);
}

static void
copyist_product_list_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CopyistProductList *self = COPYIST_PRODUCT_LIST (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_SEARCH:
      g_value_set_string (value, self->search);
      break;
    case PROP_STATUS_FILTER:
      g_value_set_int (value, self->status_filter);
      break;
    case PROP_CATEGORY_FILTER:
      g_value_set_string (value, self->category_filter);
      break;
    case PROP_SORT:
      g_value_set_int (value, self->sort);
      break;
    case PROP_DESCENDING:
      g_value_set_boolean (value, self->descending);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->ids != NULL ? self->ids->len : 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
copyist_product_list_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CopyistProductList *self = COPYIST_PRODUCT_LIST (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      self->project = g_value_dup_object (value);
      break;
    case PROP_SEARCH:
      copyist_product_list_set_search (self, g_value_get_string (value));
      break;
    case PROP_STATUS_FILTER:
      copyist_product_list_set_status_filter (self, g_value_get_int (value));
      break;
    case PROP_CATEGORY_FILTER:
      copyist_product_list_set_category_filter (self, g_value_get_string (value));
      break;
    case PROP_SORT:
      copyist_product_list_set_sort (self, g_value_get_int (value), self->descending);
      break;
    case PROP_DESCENDING:
      copyist_product_list_set_sort (self, self->sort, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
copyist_product_list_class_init (CopyistProductListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = copyist_product_list_constructed;
  object_class->dispose = copyist_product_list_dispose;
  object_class->finalize = copyist_product_list_finalize;
  object_class->get_property = copyist_product_list_get_property;
  object_class->set_property = copyist_product_list_set_property;

  properties[PROP_PROJECT] = g_param_spec_object ("project", NULL, NULL, COPYIST_TYPE_PROJECT,
                                                  G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH] = g_param_spec_string ("search", NULL, NULL, NULL, rw);
  properties[PROP_STATUS_FILTER] = g_param_spec_int ("status-filter", NULL, NULL, -1, COPYIST_PRODUCT_STATUS_APPROVED,
                                                     -1, rw);
  properties[PROP_CATEGORY_FILTER] = g_param_spec_string ("category-filter", NULL, NULL, NULL, rw);
  properties[PROP_SORT] = g_param_spec_int ("sort", NULL, NULL, COPYIST_PRODUCT_SORT_POSITION,
                                            COPYIST_PRODUCT_SORT_STATUS, COPYIST_PRODUCT_SORT_POSITION, rw);
  properties[PROP_DESCENDING] = g_param_spec_boolean ("descending", NULL, NULL, FALSE, rw);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
copyist_product_list_init (CopyistProductList *self)
{
  self->status_filter = -1;
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_queue_init (&self->page_order);
}

/* ---- public API ---- */

CopyistProductList *
copyist_product_list_new (CopyistProject *project)
{
  g_return_val_if_fail (COPYIST_IS_PROJECT (project), NULL);
  return g_object_new (COPYIST_TYPE_PRODUCT_LIST, "project", project, NULL);
}

/* A filter or sort changed: the whole list may be different. */
static void
filter_changed (CopyistProductList *self, GParamSpec *pspec)
{
  if (self->ids == NULL)
    return;  /* during construction */
  refresh (self, NULL, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

void
copyist_product_list_set_search (CopyistProductList *self, const char *search)
{
  g_autofree char *stripped = NULL;

  g_return_if_fail (COPYIST_IS_PRODUCT_LIST (self));
  if (search != NULL)
    {
      stripped = g_strstrip (g_strdup (search));
      if (*stripped == '\0')
        g_clear_pointer (&stripped, g_free);
    }
  if (g_strcmp0 (stripped, self->search) == 0)
    return;
  g_free (self->search);
  self->search = g_steal_pointer (&stripped);
  filter_changed (self, properties[PROP_SEARCH]);
}

void
copyist_product_list_set_status_filter (CopyistProductList *self, int status)
{
  g_return_if_fail (COPYIST_IS_PRODUCT_LIST (self));
  g_return_if_fail (status >= -1 && status <= COPYIST_PRODUCT_STATUS_APPROVED);
  if (status == self->status_filter)
    return;
  self->status_filter = status;
  filter_changed (self, properties[PROP_STATUS_FILTER]);
}

void
copyist_product_list_set_category_filter (CopyistProductList *self, const char *category)
{
  g_return_if_fail (COPYIST_IS_PRODUCT_LIST (self));
  if (g_strcmp0 (category, self->category_filter) == 0)
    return;
  g_free (self->category_filter);
  self->category_filter = g_strdup (category);
  filter_changed (self, properties[PROP_CATEGORY_FILTER]);
}

void
copyist_product_list_set_sort (CopyistProductList *self, CopyistProductSort sort, gboolean descending)
{
  g_return_if_fail (COPYIST_IS_PRODUCT_LIST (self));
  g_return_if_fail (sort <= COPYIST_PRODUCT_SORT_STATUS);
  descending = !!descending;
  if (sort == self->sort && descending == self->descending)
    return;
  self->sort = sort;
  self->descending = descending;
  filter_changed (self, properties[PROP_SORT]);
}

gint64
copyist_product_list_get_id_at (CopyistProductList *self, guint position)
{
  g_return_val_if_fail (COPYIST_IS_PRODUCT_LIST (self), 0);
  return position < self->ids->len ? g_array_index (self->ids, gint64, position) : 0;
}

gint
copyist_product_list_find_id (CopyistProductList *self, gint64 id)
{
  g_return_val_if_fail (COPYIST_IS_PRODUCT_LIST (self), -1);
  for (guint i = 0; i < self->ids->len && i < G_MAXINT; i++)
    if (g_array_index (self->ids, gint64, i) == id)
      return (gint) i;
  return -1;
}

char **
copyist_product_list_dup_categories (CopyistProductList *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt;

  g_return_val_if_fail (COPYIST_IS_PRODUCT_LIST (self), NULL);
  stmt = project_stmt (self->project, "SELECT DISTINCT category FROM products WHERE category IS NOT NULL "
                                      "AND category <> '' ORDER BY category COLLATE NOCASE", NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return g_strv_builder_end (builder);
}

const GError *
copyist_product_list_get_error (CopyistProductList *self)
{
  g_return_val_if_fail (COPYIST_IS_PRODUCT_LIST (self), NULL);
  return self->error;
}

guint
copyist_product_list_get_page_loads (CopyistProductList *self)
{
  g_return_val_if_fail (COPYIST_IS_PRODUCT_LIST (self), 0);
  return self->page_loads;
}
