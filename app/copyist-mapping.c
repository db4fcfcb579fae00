/* copyist-mapping.c — column → field mapping: guessing from English and
 * Chinese headers, editing, JSON for the project. */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "copyist-mapping.h"
#include "copyist-record.h"

typedef struct {
  char        *column;
  CopyistField field;
} MappingEntry;

struct _CopyistMapping {
  GPtrArray *entries;     /* MappingEntry*, in the order set */
  gboolean   keep_unknown;
};

static const struct {
  const char *name;
  const char *label;
} field_names[COPYIST_N_FIELDS] = {
  [COPYIST_FIELD_NONE]            = { "none",            N_("Ignore") },
  [COPYIST_FIELD_SKU]             = { "sku",             N_("SKU") },
  [COPYIST_FIELD_TITLE]           = { "title",           N_("Title") },
  [COPYIST_FIELD_CATEGORY]        = { "category",        N_("Category") },
  [COPYIST_FIELD_BRAND]           = { "brand",           N_("Brand") },
  [COPYIST_FIELD_COLOR]           = { "color",           N_("Colour") },
  [COPYIST_FIELD_MATERIAL]        = { "material",        N_("Material") },
  [COPYIST_FIELD_SIZE]            = { "size",            N_("Size") },
  [COPYIST_FIELD_PRICE]           = { "price",           N_("Price") },
  [COPYIST_FIELD_DESCRIPTION]     = { "description",     N_("Description") },
  [COPYIST_FIELD_ADCOPY_HEADLINE] = { "adcopy_headline", N_("Ad copy headline") },
  [COPYIST_FIELD_ADCOPY_BODY]     = { "adcopy_body",     N_("Ad copy") },
  [COPYIST_FIELD_ATTRIBUTE]       = { "attribute",       N_("Attribute") },
  [COPYIST_FIELD_ATTRIBUTE_LIST]  = { "attribute_list",  N_("Attribute list") },
};

const char *
copyist_field_to_string (CopyistField field)
{
  if ((guint) field >= COPYIST_N_FIELDS)
    return "none";
  return field_names[field].name;
}

const char *
copyist_field_get_label (CopyistField field)
{
  if ((guint) field >= COPYIST_N_FIELDS)
    return _("Ignore");
  return _(field_names[field].label);
}

const char *
copyist_key_get_title (const char *key)
{
  static const CopyistField attribute_fields[] = {
    COPYIST_FIELD_SKU, COPYIST_FIELD_TITLE, COPYIST_FIELD_CATEGORY, COPYIST_FIELD_BRAND,
    COPYIST_FIELD_COLOR, COPYIST_FIELD_MATERIAL, COPYIST_FIELD_SIZE, COPYIST_FIELD_PRICE,
  };

  g_return_val_if_fail (key != NULL, NULL);

  /* The canonical names only, no aliases: a column called "name" stays "name". */
  for (guint i = 0; i < G_N_ELEMENTS (attribute_fields); i++)
    if (g_ascii_strcasecmp (key, field_names[attribute_fields[i]].name) == 0)
      return _(field_names[attribute_fields[i]].label);
  return key;
}

CopyistField
copyist_field_from_string (const char *name)
{
  static const struct { const char *alias; CopyistField field; } aliases[] = {
    { "ignore", COPYIST_FIELD_NONE },
    { "colour", COPYIST_FIELD_COLOR },
    { "name", COPYIST_FIELD_TITLE },
    { "adcopy", COPYIST_FIELD_ADCOPY_BODY },
    { "ad_copy", COPYIST_FIELD_ADCOPY_BODY },
    { "headline", COPYIST_FIELD_ADCOPY_HEADLINE },
    { "attributes", COPYIST_FIELD_ATTRIBUTE_LIST },
  };

  if (name == NULL)
    return COPYIST_N_FIELDS;
  for (guint i = 0; i < COPYIST_N_FIELDS; i++)
    if (g_ascii_strcasecmp (name, field_names[i].name) == 0)
      return (CopyistField) i;
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (g_ascii_strcasecmp (name, aliases[i].alias) == 0)
      return aliases[i].field;
  return COPYIST_N_FIELDS;
}

const char *
copyist_field_attribute_key (CopyistField field)
{
  switch (field)
    {
    case COPYIST_FIELD_BRAND:    return COPYIST_KEY_BRAND;
    case COPYIST_FIELD_COLOR:    return COPYIST_KEY_COLOR;
    case COPYIST_FIELD_MATERIAL: return COPYIST_KEY_MATERIAL;
    case COPYIST_FIELD_SIZE:     return COPYIST_KEY_SIZE;
    case COPYIST_FIELD_PRICE:    return COPYIST_KEY_PRICE;
    case COPYIST_FIELD_NONE:
    case COPYIST_FIELD_SKU:
    case COPYIST_FIELD_TITLE:
    case COPYIST_FIELD_CATEGORY:
    case COPYIST_FIELD_DESCRIPTION:
    case COPYIST_FIELD_ADCOPY_HEADLINE:
    case COPYIST_FIELD_ADCOPY_BODY:
    case COPYIST_FIELD_ATTRIBUTE:
    case COPYIST_FIELD_ATTRIBUTE_LIST:
    case COPYIST_N_FIELDS:
    default:
      return NULL;
    }
}

static gboolean
field_is_single (CopyistField field)
{
  return field != COPYIST_FIELD_NONE && field != COPYIST_FIELD_ATTRIBUTE
         && field != COPYIST_FIELD_ATTRIBUTE_LIST && field < COPYIST_N_FIELDS;
}

static void
entry_free (MappingEntry *e)
{
  g_free (e->column);
  g_free (e);
}

CopyistMapping *
copyist_mapping_new (void)
{
  CopyistMapping *m = g_new0 (CopyistMapping, 1);

  m->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  m->keep_unknown = TRUE;
  return m;
}

CopyistMapping *
copyist_mapping_copy (const CopyistMapping *mapping)
{
  CopyistMapping *m = copyist_mapping_new ();

  m->keep_unknown = mapping->keep_unknown;
  for (guint i = 0; i < mapping->entries->len; i++)
    {
      const MappingEntry *e = g_ptr_array_index (mapping->entries, i);
      copyist_mapping_set (m, e->column, e->field);
    }
  return m;
}

void
copyist_mapping_free (CopyistMapping *mapping)
{
  if (mapping == NULL)
    return;
  g_ptr_array_unref (mapping->entries);
  g_free (mapping);
}

static MappingEntry *
find_entry (const CopyistMapping *m, const char *column, guint *index)
{
  for (guint i = 0; i < m->entries->len; i++)
    {
      MappingEntry *e = g_ptr_array_index (m->entries, i);
      if (strcmp (e->column, column) == 0)
        {
          if (index != NULL)
            *index = i;
          return e;
        }
    }
  return NULL;
}

void
copyist_mapping_set (CopyistMapping *mapping, const char *column, CopyistField field)
{
  MappingEntry *e;

  g_return_if_fail (column != NULL && (guint) field < COPYIST_N_FIELDS);
  if (field_is_single (field))
    for (guint i = 0; i < mapping->entries->len; i++)
      {
        MappingEntry *other = g_ptr_array_index (mapping->entries, i);
        if (other->field == field && strcmp (other->column, column) != 0)
          {
            g_ptr_array_remove_index (mapping->entries, i);
            break;
          }
      }
  e = find_entry (mapping, column, NULL);
  if (e == NULL)
    {
      e = g_new0 (MappingEntry, 1);
      e->column = g_strdup (column);
      g_ptr_array_add (mapping->entries, e);
    }
  e->field = field;
}

void
copyist_mapping_unset (CopyistMapping *mapping, const char *column)
{
  guint index;

  if (find_entry (mapping, column, &index) != NULL)
    g_ptr_array_remove_index (mapping->entries, index);
}

CopyistField
copyist_mapping_get (const CopyistMapping *mapping, const char *column)
{
  const MappingEntry *e = find_entry (mapping, column, NULL);
  return e != NULL ? e->field : COPYIST_N_FIELDS;
}

const char *
copyist_mapping_get_column (const CopyistMapping *mapping, CopyistField field)
{
  for (guint i = 0; i < mapping->entries->len; i++)
    {
      const MappingEntry *e = g_ptr_array_index (mapping->entries, i);
      if (e->field == field)
        return e->column;
    }
  return NULL;
}

char **
copyist_mapping_list_columns (const CopyistMapping *mapping)
{
  char **out = g_new0 (char *, mapping->entries->len + 1);

  for (guint i = 0; i < mapping->entries->len; i++)
    out[i] = g_strdup (((const MappingEntry *) g_ptr_array_index (mapping->entries, i))->column);
  return out;
}

void
copyist_mapping_set_keep_unknown (CopyistMapping *mapping, gboolean keep)
{
  mapping->keep_unknown = keep;
}

gboolean
copyist_mapping_get_keep_unknown (const CopyistMapping *mapping)
{
  return mapping->keep_unknown;
}

gboolean
copyist_mapping_parse_spec (CopyistMapping *mapping, const char *spec, GError **error)
{
  const char *eq = spec != NULL ? strchr (spec, '=') : NULL;
  g_autofree char *name = NULL;
  CopyistField field;

  if (eq == NULL || eq == spec || eq[1] == '\0')
    {
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION,
                   _("“%s” is not FIELD=COLUMN (for example title=商品名称)"), spec != NULL ? spec : "");
      return FALSE;
    }
  name = g_strstrip (g_strndup (spec, (gsize) (eq - spec)));
  field = copyist_field_from_string (name);
  if (field == COPYIST_N_FIELDS)
    {
      g_autoptr(GString) names = g_string_new (NULL);
      for (guint i = 0; i < COPYIST_N_FIELDS; i++)
        g_string_append_printf (names, "%s%s", i ? ", " : "", field_names[i].name);
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION,
                   _("Unknown field “%s” in “%s”; the fields are %s"), name, spec, names->str);
      return FALSE;
    }
  copyist_mapping_set (mapping, eq + 1, field);
  return TRUE;
}

gboolean
copyist_mapping_validate (const CopyistMapping *mapping, const CopyistTable *table, GError **error)
{
  for (guint i = 0; i < mapping->entries->len; i++)
    {
      const MappingEntry *e = g_ptr_array_index (mapping->entries, i);
      if (e->field != COPYIST_FIELD_NONE && copyist_table_find_column (table, e->column) < 0)
        {
          g_autofree char *cols = g_strjoinv ("”, “", table->headers);
          g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION,
                       _("%s has no column “%s” (mapped to %s); its columns are “%s”"),
                       table->display_name, e->column, copyist_field_to_string (e->field), cols);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- guessing ----------------------------------------------------------- */

typedef struct {
  CopyistField field;
  const char  *names;   /* normalised synonyms, "|"-separated */
} Synonyms;

/* Exact matches of the normalised header (lower case, no spaces, "_", "-",
 * "()", "/", ":"). Order matters only between fields sharing a word. */
static const Synonyms synonyms[] = {
  { COPYIST_FIELD_SKU, "sku|variantsku|skucode|productcode|productid|itemcode|itemno|itemnumber|articlenumber|"
                       "artnr|partnumber|code|货号|编码|商品编码|商品货号|款号|sku编码|产品编码|商家编码" },
  { COPYIST_FIELD_TITLE, "title|name|productname|producttitle|product|itemname|itemtitle|名称|标题|商品名称|"
                         "商品标题|商品名|品名|产品名称|产品名|宝贝标题|宝贝名称" },
  { COPYIST_FIELD_CATEGORY, "category|categories|producttype|productcategory|type|department|类目|分类|类别|"
                            "品类|商品类目|商品分类|产品分类|类型" },
  { COPYIST_FIELD_BRAND, "brand|vendor|manufacturer|maker|brandname|品牌|厂商|品牌名称|厂家" },
  { COPYIST_FIELD_COLOR, "color|colour|colors|colours|颜色|色彩|颜色分类|色" },
  { COPYIST_FIELD_MATERIAL, "material|materials|fabric|composition|材质|面料|材料|成分" },
  { COPYIST_FIELD_SIZE, "size|sizes|dimensions|尺码|尺寸|规格|大小" },
  { COPYIST_FIELD_PRICE, "price|regularprice|variantprice|retailprice|unitprice|saleprice|价格|售价|单价|"
                         "零售价|销售价|原价" },
  { COPYIST_FIELD_DESCRIPTION, "description|bodyhtml|body|productdescription|longdescription|details|"
                               "ref|text|描述|详情|商品描述|商品详情|产品描述|产品详情|介绍|商品介绍|描述文字" },
  { COPYIST_FIELD_ADCOPY_HEADLINE, "headline|adheadline|adtitle|seotitle|广告标题|推广标题" },
  { COPYIST_FIELD_ADCOPY_BODY, "adcopy|ad|adtext|slogan|tagline|shortdescription|seodescription|summary|"
                               "广告语|文案|广告文案|卖点|推广语|短描述|简短描述" },
  { COPYIST_FIELD_ATTRIBUTE_LIST, "mr|attributes|attributelist|meaningrepresentation|属性|商品属性|属性列表" },
};

static char *
normalise_header (const char *h)
{
  g_autofree char *folded = g_utf8_casefold (h, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = folded; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_isspace (c) || c == '_' || c == '-' || c == '(' || c == ')' || c == '/' || c == ':'
          || c == '.' || c == 0xff08 || c == 0xff09 || c == 0xff1a || c == '*' || c == '#')
        continue;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static gboolean
synonym_matches (const char *list, const char *norm, gboolean substring)
{
  g_auto(GStrv) names = g_strsplit (list, "|", -1);

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (strcmp (names[i], norm) == 0)
        return TRUE;
      /* "Product Name (EN)", "商品名称（中文）": long or CJK synonyms inside a header. */
      if (substring && (strlen (names[i]) >= 5 || (guchar) names[i][0] >= 0xe0) && strstr (norm, names[i]) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* A cell that packs attributes: "key[value], key[value]" or "key#value*key#value". */
static gboolean
cell_is_attribute_list (const char *s)
{
  const char *open = strchr (s, '[');
  if (open != NULL && open > s && strchr (open, ']') != NULL)
    return TRUE;
  const char *hash = strchr (s, '#');
  return hash != NULL && hash > s && hash[1] != '\0' && (strchr (s, '*') != NULL || strchr (hash + 1, '#') == NULL);
}

CopyistField
copyist_field_guess (const char *header)
{
  g_autofree char *norm = normalise_header (header);

  if (norm[0] == '\0')
    return COPYIST_FIELD_NONE;
  for (guint s = 0; s < G_N_ELEMENTS (synonyms); s++)
    if (synonym_matches (synonyms[s].names, norm, FALSE))
      return synonyms[s].field;
  return COPYIST_FIELD_NONE;
}

static CopyistMapping *
guess (const char * const *headers, const CopyistTable *table)
{
  CopyistMapping *m = copyist_mapping_new ();
  guint n = g_strv_length ((char **) headers);
  g_autofree CopyistField *assigned = g_new0 (CopyistField, n);
  gboolean taken[COPYIST_N_FIELDS] = { FALSE };

  for (int pass = 0; pass < 2; pass++)
    for (guint c = 0; c < n; c++)
      {
        if (assigned[c] != COPYIST_FIELD_NONE)
          continue;
        g_autofree char *norm = normalise_header (headers[c]);
        if (norm[0] == '\0')
          continue;
        for (guint s = 0; s < G_N_ELEMENTS (synonyms); s++)
          {
            CopyistField f = synonyms[s].field;
            if (taken[f] && field_is_single (f))
              continue;
            if (synonym_matches (synonyms[s].names, norm, pass == 1))
              {
                assigned[c] = f;
                taken[f] = TRUE;
                break;
              }
          }
      }

  /* A column whose cells pack attributes (AdvertiseGen "content", E2E "mr"). */
  if (table != NULL && table->rows->len > 0)
    for (guint c = 0; c < n; c++)
      {
        if (assigned[c] != COPYIST_FIELD_NONE && assigned[c] != COPYIST_FIELD_ATTRIBUTE_LIST)
          continue;
        guint hits = 0, checked = 0;
        for (guint r = 0; r < table->rows->len && checked < 20; r++, checked++)
          hits += cell_is_attribute_list (copyist_table_get (table, r, c));
        if (checked > 0 && hits * 10 >= checked * 8)
          assigned[c] = COPYIST_FIELD_ATTRIBUTE_LIST;
        else if (assigned[c] == COPYIST_FIELD_ATTRIBUTE_LIST)
          assigned[c] = COPYIST_FIELD_NONE;
      }

  /* A long free-text column nobody mapped (notes, a second description, E2E's
   * ref_tokenized) is not an attribute: ignore it unless the user maps it. */
  if (table != NULL && table->rows->len > 0)
    for (guint c = 0; c < n; c++)
      {
        gsize total = 0;
        guint checked = 0;
        if (assigned[c] != COPYIST_FIELD_NONE)
          continue;
        for (guint r = 0; r < table->rows->len && checked < 50; r++, checked++)
          total += strlen (copyist_table_get (table, r, c));
        if (total / checked > 80)
          copyist_mapping_set (m, headers[c], COPYIST_FIELD_NONE);
      }

  for (guint c = 0; c < n; c++)
    if (assigned[c] != COPYIST_FIELD_NONE)
      copyist_mapping_set (m, headers[c], assigned[c]);
  return m;
}

CopyistMapping *
copyist_mapping_guess (const CopyistTable *table)
{
  return guess ((const char * const *) table->headers, table);
}

CopyistMapping *
copyist_mapping_guess_headers (const char * const *headers)
{
  return guess (headers, NULL);
}

/* ---- JSON --------------------------------------------------------------- */

char *
copyist_mapping_to_json (const CopyistMapping *mapping)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "keep_unknown");
  json_builder_add_boolean_value (b, mapping->keep_unknown);
  json_builder_set_member_name (b, "columns");
  json_builder_begin_array (b);
  for (guint i = 0; i < mapping->entries->len; i++)
    {
      const MappingEntry *e = g_ptr_array_index (mapping->entries, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "column");
      json_builder_add_string_value (b, e->column);
      json_builder_set_member_name (b, "field");
      json_builder_add_string_value (b, copyist_field_to_string (e->field));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* OBJ's member NAME when it holds a plain value of TYPE, else NULL (missing,
 * null, an object, an array, another type): json-glib's typed getters,
 * even the _with_default ones, raise a critical on a non-value member. */
static JsonNode *
value_member (JsonObject *obj, const char *name, GType type)
{
  JsonNode *n = json_object_get_member (obj, name);
  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == type ? n : NULL;
}

CopyistMapping *
copyist_mapping_from_json (const char *json, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  JsonObject *obj;
  JsonArray *cols;
  JsonNode *version, *keep;
  CopyistMapping *m;

  if (json == NULL || !copyist_json_load (parser, json, -1, &local))
    {
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION,
                   _("The saved column mapping is not valid JSON: %s"), local != NULL ? local->message : "NULL");
      return NULL;
    }
  /* An empty or blank text parses without error to no root at all. */
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto bad;
  obj = json_node_get_object (json_parser_get_root (parser));
  version = value_member (obj, "version", G_TYPE_INT64);
  if (version == NULL || json_node_get_int (version) != 1)
    {
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION,
                   _("The saved column mapping has version %lld; this Copyist reads version 1"),
                   (long long) (version != NULL ? json_node_get_int (version) : 0));
      return NULL;
    }
  if (!json_object_has_member (obj, "columns")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "columns")))
    goto bad;
  cols = json_object_get_array_member (obj, "columns");
  m = copyist_mapping_new ();
  keep = value_member (obj, "keep_unknown", G_TYPE_BOOLEAN);
  m->keep_unknown = keep != NULL ? json_node_get_boolean (keep) : TRUE;
  for (guint i = 0; i < json_array_get_length (cols); i++)
    {
      JsonNode *node = json_array_get_element (cols, i);
      JsonObject *e;
      const char *column, *field_name;
      CopyistField field;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          copyist_mapping_free (m);
          goto bad;
        }
      e = json_node_get_object (node);
      column = value_member (e, "column", G_TYPE_STRING) != NULL
                 ? json_object_get_string_member (e, "column") : NULL;
      field_name = value_member (e, "field", G_TYPE_STRING) != NULL
                     ? json_object_get_string_member (e, "field") : NULL;
      field = copyist_field_from_string (field_name);
      if (column == NULL || field == COPYIST_N_FIELDS)
        {
          g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION,
                       _("The saved column mapping has a bad entry %u (column “%s”, field “%s”)"),
                       i + 1, column != NULL ? column : "", field_name != NULL ? field_name : "");
          copyist_mapping_free (m);
          return NULL;
        }
      copyist_mapping_set (m, column, field);
    }
  return m;

bad:
  g_set_error_literal (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_INVALID_OPTION,
                       _("The saved column mapping is not in the expected form"));
  return NULL;
}
