/* copyist-product-item.c — an immutable row of the product table */
#include "config.h"

#include "copyist-product-item.h"

struct _CopyistProductItem
{
  GObject              parent_instance;
  gint64               id;
  char                *title;
  char                *sku;
  char                *category;
  CopyistProductStatus status;
  char                *description_preview;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_SKU,
  PROP_CATEGORY,
  PROP_STATUS,
  PROP_DESCRIPTION_PREVIEW,
  PROP_EDITED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE (CopyistProductItem, copyist_product_item, G_TYPE_OBJECT)

static void
copyist_product_item_finalize (GObject *object)
{
  CopyistProductItem *self = COPYIST_PRODUCT_ITEM (object);

  g_free (self->title);
  g_free (self->sku);
  g_free (self->category);
  g_free (self->description_preview);
  G_OBJECT_CLASS (copyist_product_item_parent_class)->finalize (object);
}

static void
copyist_product_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CopyistProductItem *self = COPYIST_PRODUCT_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SKU:
      g_value_set_string (value, self->sku);
      break;
    case PROP_CATEGORY:
      g_value_set_string (value, self->category);
      break;
    case PROP_STATUS:
      g_value_set_string (value, copyist_product_status_to_string (self->status));
      break;
    case PROP_DESCRIPTION_PREVIEW:
      g_value_set_string (value, self->description_preview);
      break;
    case PROP_EDITED:
      g_value_set_boolean (value, self->status == COPYIST_PRODUCT_STATUS_EDITED);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
copyist_product_item_class_init (CopyistProductItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = copyist_product_item_finalize;
  object_class->get_property = copyist_product_item_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_SKU] = g_param_spec_string ("sku", NULL, NULL, NULL, flags);
  properties[PROP_CATEGORY] = g_param_spec_string ("category", NULL, NULL, NULL, flags);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, "new", flags);
  properties[PROP_DESCRIPTION_PREVIEW] = g_param_spec_string ("description-preview", NULL, NULL, NULL, flags);
  properties[PROP_EDITED] = g_param_spec_boolean ("edited", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
copyist_product_item_init (CopyistProductItem *self)
{
}

CopyistProductItem *
copyist_product_item_new (gint64 id, const char *title, const char *sku, const char *category,
                          CopyistProductStatus status, const char *description_preview)
{
  CopyistProductItem *self = g_object_new (COPYIST_TYPE_PRODUCT_ITEM, NULL);

  self->id = id;
  self->title = g_strdup (title);
  self->sku = g_strdup (sku);
  self->category = g_strdup (category);
  self->status = status;
  self->description_preview = g_strdup (description_preview);
  return self;
}

gint64
copyist_product_item_get_id (CopyistProductItem *self)
{
  g_return_val_if_fail (COPYIST_IS_PRODUCT_ITEM (self), 0);
  return self->id;
}

const char *
copyist_product_item_get_title (CopyistProductItem *self)
{
  g_return_val_if_fail (COPYIST_IS_PRODUCT_ITEM (self), NULL);
  return self->title;
}

const char *
copyist_product_item_get_sku (CopyistProductItem *self)
{
  g_return_val_if_fail (COPYIST_IS_PRODUCT_ITEM (self), NULL);
  return self->sku;
}

const char *
copyist_product_item_get_category (CopyistProductItem *self)
{
  g_return_val_if_fail (COPYIST_IS_PRODUCT_ITEM (self), NULL);
  return self->category;
}

CopyistProductStatus
copyist_product_item_get_status (CopyistProductItem *self)
{
  g_return_val_if_fail (COPYIST_IS_PRODUCT_ITEM (self), COPYIST_PRODUCT_STATUS_NEW);
  return self->status;
}

const char *
copyist_product_item_get_status_string (CopyistProductItem *self)
{
  g_return_val_if_fail (COPYIST_IS_PRODUCT_ITEM (self), NULL);
  return copyist_product_status_to_string (self->status);
}

const char *
copyist_product_item_get_description_preview (CopyistProductItem *self)
{
  g_return_val_if_fail (COPYIST_IS_PRODUCT_ITEM (self), NULL);
  return self->description_preview;
}
