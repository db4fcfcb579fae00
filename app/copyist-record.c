/* copyist-record.c */
#include "config.h"

#include "copyist-record.h"

CopyistAttribute *
copyist_attribute_new (const char *key, const char *value)
{
  CopyistAttribute *attr = g_new0 (CopyistAttribute, 1);

  attr->key = g_strdup (key);
  attr->value = g_strdup (value);
  return attr;
}

void
copyist_attribute_free (CopyistAttribute *attr)
{
  if (attr == NULL)
    return;
  g_free (attr->key);
  g_free (attr->value);
  g_free (attr);
}

CopyistRecord *
copyist_record_new (void)
{
  CopyistRecord *record = g_new0 (CopyistRecord, 1);

  record->attributes = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_attribute_free);
  record->source_rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  return record;
}

void
copyist_record_free (CopyistRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->sku);
  g_free (record->title);
  g_free (record->category);
  g_free (record->language);
  g_ptr_array_unref (record->attributes);
  g_free (record->description);
  g_free (record->description_html);
  g_free (record->adcopy_headline);
  g_free (record->adcopy_body);
  g_strfreev (record->source_headers);
  g_ptr_array_unref (record->source_rows);
  g_free (record->source_format);
  g_free (record);
}

const char *
copyist_record_get_attribute (const CopyistRecord *record, const char *key)
{
  for (guint i = 0; i < record->attributes->len; i++)
    {
      const CopyistAttribute *attr = g_ptr_array_index (record->attributes, i);
      if (g_ascii_strcasecmp (attr->key, key) == 0)
        return attr->value;
    }
  return NULL;
}

void
copyist_record_set_attribute (CopyistRecord *record, const char *key, const char *value)
{
  for (guint i = 0; i < record->attributes->len; i++)
    {
      CopyistAttribute *attr = g_ptr_array_index (record->attributes, i);
      if (g_ascii_strcasecmp (attr->key, key) == 0)
        {
          g_free (attr->value);
          attr->value = g_strdup (value);
          return;
        }
    }
  g_ptr_array_add (record->attributes, copyist_attribute_new (key, value));
}
