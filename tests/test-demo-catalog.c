/* test-demo-catalog.c — the demo catalogue written by build-aux/make-demo-catalog.py
 *
 * The test runs the generator itself (twice, to check that it is
 * deterministic) and then checks what a shop owner and a model trained on the
 * catalogue rely on: its size and languages, the share of rows with copy,
 * that descriptions state the row's own attribute values and never another
 * colour, the ad copy budgets, and that the text is varied (first-sentence
 * skeletons, distinct-2).
 */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "copyist-import.h"
#include "copyist-record.h"

#define HEADLINE_BUDGET 30
#define BODY_BUDGET 90

enum {
  COL_SKU, COL_TITLE, COL_CATEGORY, COL_TYPE, COL_BRAND, COL_COLOUR, COL_MATERIAL,
  COL_SIZE, COL_FIT, COL_CAPACITY, COL_POWER, COL_AGE, COL_PRICE,
  COL_DESCRIPTION, COL_AD_HEADLINE, COL_AD_COPY, N_COLS
};

static const char *const expected_header[N_COLS] = {
  "SKU", "Title", "Category", "Type", "Brand", "Colour", "Material", "Size", "Fit",
  "Capacity", "Power", "Age range", "Price", "Description", "Ad headline", "Ad copy",
};

/* Columns whose value a description must state when the row has one. */
static const int stated_cols[] = { COL_COLOUR, COL_MATERIAL, COL_SIZE, COL_FIT, COL_CAPACITY, COL_POWER, COL_AGE };
/* Columns replaced by a slot when a sentence's skeleton is taken. */
static const int value_cols[] = { COL_TYPE, COL_BRAND, COL_COLOUR, COL_MATERIAL, COL_SIZE, COL_FIT,
                                  COL_CAPACITY, COL_POWER, COL_AGE };

typedef struct {
  char *bytes;          /* the generated file */
  gsize length;
  GPtrArray *rows;      /* of GStrv, header excluded */
  GStrv header;
} Catalog;

static Catalog catalog;

/* ---- helpers ---------------------------------------------------------- */

static char *
generator_path (void)
{
  return g_build_filename (g_test_get_dir (G_TEST_DIST), "..", "build-aux", "make-demo-catalog.py", NULL);
}

/* Runs the generator; returns the bytes it wrote, or NULL with the reason in
 * *skip_reason when python3 is not installed. */
static char *
run_generator (const char *seed, gsize *length, char **skip_reason)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *script = generator_path ();
  g_autofree char *dir = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err_text = NULL;
  g_autoptr(GError) error = NULL;
  char *bytes = NULL;
  int wait_status = 0;

  if (python == NULL)
    {
      *skip_reason = g_strdup ("python3 is not installed; the demo catalogue generator needs it");
      return NULL;
    }
  dir = g_dir_make_tmp ("copyist-demo-XXXXXX", &error);
  g_assert_no_error (error);
  out = g_build_filename (dir, "demo-catalog.csv", NULL);
  {
    const char *argv[] = { python, script, "--output", out, seed ? "--seed" : NULL, seed, NULL };
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                                 NULL, &err_text, &wait_status, &error));
  }
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (wait_status, &error))
    g_error ("%s failed: %s\n%s", script, error->message, err_text);
  g_assert_true (g_file_get_contents (out, &bytes, length, &error));
  g_assert_no_error (error);
  g_unlink (out);
  g_rmdir (dir);
  return bytes;
}

/* RFC 4180: fields separated by commas, quoted fields may hold commas,
 * newlines and doubled quotes. Fails the test on malformed input, naming the
 * line. */
static GPtrArray *
parse_csv (const char *text, gsize length)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  GPtrArray *fields = g_ptr_array_new ();
  GString *field = g_string_new (NULL);
  gsize i = 0;
  guint line = 1;

  while (i < length)
    {
      gboolean quoted = text[i] == '"';
      if (quoted)
        {
          i++;
          for (;;)
            {
              if (i >= length)
                g_error ("demo catalogue line %u: unterminated quoted field", line);
              if (text[i] == '"' && i + 1 < length && text[i + 1] == '"')
                {
                  g_string_append_c (field, '"');
                  i += 2;
                }
              else if (text[i] == '"')
                {
                  i++;
                  break;
                }
              else
                {
                  if (text[i] == '\n')
                    line++;
                  g_string_append_c (field, text[i++]);
                }
            }
        }
      else
        {
          while (i < length && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
            {
              if (text[i] == '"')
                g_error ("demo catalogue line %u: quote inside an unquoted field", line);
              g_string_append_c (field, text[i++]);
            }
        }
      g_ptr_array_add (fields, g_strdup (field->str));
      g_string_truncate (field, 0);
      if (i < length && text[i] == ',')
        {
          i++;
          continue;
        }
      if (i < length && text[i] == '\r')
        i++;
      if (i < length && text[i] == '\n')
        i++;
      g_ptr_array_add (fields, NULL);
      g_ptr_array_add (rows, g_ptr_array_free (fields, FALSE));
      fields = g_ptr_array_new ();
      line++;
    }
  g_ptr_array_free (fields, TRUE);
  g_string_free (field, TRUE);
  return rows;
}

static gboolean
has_cjk (const char *s)
{
  for (const char *p = s; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if ((c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff))
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_word_byte (char c)
{
  return g_ascii_isalnum (c);
}

/* Is value named in text? Latin values: case-insensitive, whole words;
 * CJK values: substring. */
static gboolean
mentions (const char *text, const char *value)
{
  g_autofree char *t = g_ascii_strdown (text, -1);
  g_autofree char *v = g_ascii_strdown (value, -1);
  gsize vlen = strlen (v);

  if (vlen == 0)
    return FALSE;
  if (has_cjk (v))
    return strstr (t, v) != NULL;
  for (const char *p = strstr (t, v); p != NULL; p = strstr (p + 1, v))
    {
      gboolean left_ok = p == t || !is_word_byte (p[-1]);
      gboolean right_ok = !is_word_byte (p[vlen]);
      if (left_ok && right_ok)
        return TRUE;
    }
  return FALSE;
}

/* text, lower-cased (ASCII), with every occurrence of each value replaced by
 * `slot`, longest value first so that "Sage Green" wins over a shorter one. */
static char *
replace_values (const char *text, GPtrArray *values, const char *slot)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *lower = g_ascii_strdown (text, -1);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < values->len; i++)
    if (*(const char *) values->pdata[i])
      g_ptr_array_add (sorted, g_ascii_strdown (values->pdata[i], -1));
  /* insertion sort by length, descending */
  for (guint i = 1; i < sorted->len; i++)
    for (guint j = i; j > 0 && strlen (sorted->pdata[j]) > strlen (sorted->pdata[j - 1]); j--)
      {
        gpointer tmp = sorted->pdata[j];
        sorted->pdata[j] = sorted->pdata[j - 1];
        sorted->pdata[j - 1] = tmp;
      }
  g_string_assign (s, lower);
  for (guint i = 0; i < sorted->len; i++)
    g_string_replace (s, sorted->pdata[i], slot, 0);
  return g_strdup (s->str);
}

/* The first sentence of a description: up to the first . ! ? followed by a
 * space or the end, or up to the first 。！？ */
static char *
first_sentence (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);
      if (c == 0x3002 || c == 0xff01 || c == 0xff1f)
        return g_strndup (text, next - text);
      if ((c == '.' || c == '!' || c == '?') && (*next == ' ' || *next == '\0'))
        return g_strndup (text, next - text);
    }
  return g_strdup (text);
}

static gboolean
row_is_chinese (GStrv row)
{
  return has_cjk (row[COL_TITLE]);
}

static GPtrArray *
row_values (GStrv row, const int *cols, gsize n)
{
  GPtrArray *values = g_ptr_array_new ();
  for (gsize i = 0; i < n; i++)
    g_ptr_array_add (values, row[cols[i]]);
  return values;
}

/* Every distinct value of a column, over both languages. */
static GPtrArray *
column_palette (int col)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *palette = g_ptr_array_new ();

  for (guint i = 0; i < catalog.rows->len; i++)
    {
      GStrv row = catalog.rows->pdata[i];
      if (*row[col] && g_hash_table_add (seen, row[col]))
        g_ptr_array_add (palette, row[col]);
    }
  return palette;
}

/* ---- tests ------------------------------------------------------------ */

/* Every test needs the generated catalogue; without python3 there is none. */
static gboolean
have_catalog (void)
{
  if (catalog.bytes != NULL)
    return TRUE;
  g_test_skip ("python3 is not installed; the demo catalogue generator needs it");
  return FALSE;
}

static void
test_deterministic (void)
{
  g_autofree char *skip = NULL;
  g_autofree char *again = NULL;
  g_autofree char *other_seed = NULL;
  gsize again_len = 0, other_len = 0;

  if (!have_catalog ())
    return;
  again = run_generator (NULL, &again_len, &skip);
  g_assert_cmpuint (again_len, ==, catalog.length);
  g_assert_true (memcmp (again, catalog.bytes, again_len) == 0);

  /* The seed is what makes it deterministic: another seed writes another catalogue. */
  other_seed = run_generator ("7", &other_len, &skip);
  g_assert_false (other_len == catalog.length && memcmp (other_seed, catalog.bytes, other_len) == 0);
}

static void
test_built_copy (void)
{
  g_autofree char *built = g_build_filename (g_test_get_dir (G_TEST_BUILT), "..", "data", "demo",
                                             "demo-catalog.csv", NULL);
  g_autofree char *bytes = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  if (!have_catalog ())
    return;
  if (!g_file_test (built, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("data/demo/demo-catalog.csv is not built (the data directory is built with -Dui=true)");
      return;
    }
  g_assert_true (g_file_get_contents (built, &bytes, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, catalog.length);
  g_assert_true (memcmp (bytes, catalog.bytes, length) == 0);
}

static void
test_shape (void)
{
  g_autoptr(GHashTable) cats_en = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) cats_zh = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) skus = g_hash_table_new (g_str_hash, g_str_equal);
  guint en = 0, zh = 0;

  if (!have_catalog ())
    return;
  g_assert_true (g_utf8_validate (catalog.bytes, catalog.length, NULL));
  g_assert_cmpuint (g_strv_length (catalog.header), ==, N_COLS);
  for (int c = 0; c < N_COLS; c++)
    g_assert_cmpstr (catalog.header[c], ==, expected_header[c]);

  g_assert_cmpuint (catalog.rows->len, >=, 400);
  for (guint i = 0; i < catalog.rows->len; i++)
    {
      GStrv row = catalog.rows->pdata[i];
      g_assert_cmpuint (g_strv_length (row), ==, N_COLS);
      g_assert_true (g_hash_table_add (skus, row[COL_SKU]));   /* SKUs are unique */
      g_assert_cmpstr (row[COL_COLOUR], !=, "");
      g_assert_cmpstr (row[COL_MATERIAL], !=, "");
      g_assert_cmpstr (row[COL_BRAND], !=, "");
      g_assert_true (g_ascii_strtod (row[COL_PRICE], NULL) > 0.0);
      if (row_is_chinese (row))
        {
          zh++;
          g_hash_table_add (cats_zh, row[COL_CATEGORY]);
          /* A Chinese row's text is Chinese. */
          if (*row[COL_DESCRIPTION])
            g_assert_true (has_cjk (row[COL_DESCRIPTION]));
        }
      else
        {
          en++;
          g_hash_table_add (cats_en, row[COL_CATEGORY]);
          g_assert_false (has_cjk (row[COL_DESCRIPTION]));
          g_assert_false (has_cjk (row[COL_AD_COPY]));
        }
    }
  g_test_message ("%u rows: %u English, %u Chinese; %u + %u categories", catalog.rows->len, en, zh,
                  g_hash_table_size (cats_en), g_hash_table_size (cats_zh));
  g_assert_cmpuint (en, ==, zh);
  g_assert_cmpuint (g_hash_table_size (cats_en), >=, 10);
  g_assert_cmpuint (g_hash_table_size (cats_zh), >=, 10);
}

static void
test_proportions (void)
{
  if (!have_catalog ())
    return;
  for (int zh = 0; zh <= 1; zh++)
    {
      guint n = 0, with_desc = 0, with_ad = 0;
      for (guint i = 0; i < catalog.rows->len; i++)
        {
          GStrv row = catalog.rows->pdata[i];
          if (row_is_chinese (row) != zh)
            continue;
          n++;
          with_desc += *row[COL_DESCRIPTION] != '\0';
          /* headline and body come together */
          g_assert_cmpint (*row[COL_AD_HEADLINE] != '\0', ==, *row[COL_AD_COPY] != '\0');
          with_ad += *row[COL_AD_COPY] != '\0';
        }
      g_test_message ("%s: %u rows, %u with a description (%.1f %%), %u with ad copy (%.1f %%)",
                      zh ? "zh" : "en", n, with_desc, 100.0 * with_desc / n, with_ad, 100.0 * with_ad / n);
      g_assert_cmpfloat ((double) with_desc / n, >=, 0.60);
      g_assert_cmpfloat ((double) with_desc / n, <=, 0.72);
      g_assert_cmpfloat ((double) with_ad / n, >=, 0.45);
      g_assert_cmpfloat ((double) with_ad / n, <=, 0.55);
    }
}

static void
assert_no_foreign_value (GStrv row, int text_col, int value_col, GPtrArray *palette)
{
  g_autoptr(GPtrArray) own = g_ptr_array_new ();
  g_autofree char *rest = NULL;

  g_ptr_array_add (own, row[value_col]);
  rest = replace_values (row[text_col], own, " ");
  for (guint p = 0; p < palette->len; p++)
    if (g_strcmp0 (palette->pdata[p], row[value_col]) != 0 && mentions (rest, palette->pdata[p]))
      g_error ("%s: %s names the %s \"%s\" but the row's is \"%s\": %s", row[COL_SKU],
               expected_header[text_col], expected_header[value_col], (char *) palette->pdata[p],
               row[value_col], row[text_col]);
}

static void
test_facts (void)
{
  g_autoptr(GPtrArray) colours = NULL;
  g_autoptr(GPtrArray) materials = NULL;
  const int text_cols[] = { COL_DESCRIPTION, COL_AD_HEADLINE, COL_AD_COPY };
  guint checked = 0;

  if (!have_catalog ())
    return;
  colours = column_palette (COL_COLOUR);
  materials = column_palette (COL_MATERIAL);
  g_assert_cmpuint (colours->len, >=, 20);   /* both languages' names */
  g_assert_cmpuint (materials->len, >=, 20);

  for (guint i = 0; i < catalog.rows->len; i++)
    {
      GStrv row = catalog.rows->pdata[i];
      const char *desc = row[COL_DESCRIPTION];

      if (*desc)
        {
          checked++;
          for (gsize c = 0; c < G_N_ELEMENTS (stated_cols); c++)
            {
              const char *value = row[stated_cols[c]];
              if (*value && !mentions (desc, value))
                g_error ("%s: the description does not state its %s \"%s\": %s", row[COL_SKU],
                         expected_header[stated_cols[c]], value, desc);
            }
        }
      /* No text names a colour or a material of the catalogue that the row
       * does not have: blank out the row's own value, then look. */
      for (gsize t = 0; t < G_N_ELEMENTS (text_cols); t++)
        {
          if (!*row[text_cols[t]])
            continue;
          assert_no_foreign_value (row, text_cols[t], COL_COLOUR, colours);
          assert_no_foreign_value (row, text_cols[t], COL_MATERIAL, materials);
        }
    }
  g_assert_cmpuint (checked, >, 0);
}

static void
test_ad_budget (void)
{
  glong longest_head = 0, longest_body = 0;

  if (!have_catalog ())
    return;
  for (guint i = 0; i < catalog.rows->len; i++)
    {
      GStrv row = catalog.rows->pdata[i];
      /* one character per code point: a CJK character counts as one */
      glong head = g_utf8_strlen (row[COL_AD_HEADLINE], -1);
      glong body = g_utf8_strlen (row[COL_AD_COPY], -1);
      if (head > HEADLINE_BUDGET || body > BODY_BUDGET)
        g_error ("%s: ad copy over budget (%ld/%d, %ld/%d): %s / %s", row[COL_SKU], head,
                 HEADLINE_BUDGET, body, BODY_BUDGET, row[COL_AD_HEADLINE], row[COL_AD_COPY]);
      longest_head = MAX (longest_head, head);
      longest_body = MAX (longest_body, body);
    }
  g_test_message ("longest headline %ld, longest body %ld characters", longest_head, longest_body);
  g_assert_cmpint (longest_head, >, 0);
}

/* Adds the bigrams of text to `bigrams` and returns how many it saw. English:
 * lower-cased words; Chinese: characters (punctuation included). */
static guint
add_bigrams (GHashTable *bigrams, const char *text, gboolean chinese)
{
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
  guint n = 0;

  if (chinese)
    {
      for (const char *p = text; *p; p = g_utf8_next_char (p))
        if (!g_unichar_isspace (g_utf8_get_char (p)))
          g_ptr_array_add (tokens, g_strndup (p, g_utf8_next_char (p) - p));
    }
  else
    {
      const char *p = text;
      while (*p)
        {
          const char *start;
          while (*p && !g_ascii_isalnum (*p))
            p++;
          start = p;
          while (*p && g_ascii_isalnum (*p))
            p++;
          if (p > start)
            g_ptr_array_add (tokens, g_ascii_strdown (start, p - start));
        }
    }
  for (guint i = 0; i + 1 < tokens->len; i++, n++)
    g_hash_table_add (bigrams, g_strconcat (tokens->pdata[i], "\x1f", tokens->pdata[i + 1], NULL));
  return n;
}

static void
test_variety (void)
{
  if (!have_catalog ())
    return;
  for (int zh = 0; zh <= 1; zh++)
    {
      g_autoptr(GHashTable) first = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(GHashTable) whole = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(GHashTable) bigrams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      guint n = 0, top = 0, total_bigrams = 0;
      GHashTableIter iter;
      gpointer count;
      double distinct2;

      for (guint i = 0; i < catalog.rows->len; i++)
        {
          GStrv row = catalog.rows->pdata[i];
          g_autoptr(GPtrArray) values = NULL;
          g_autofree char *sentence = NULL;
          char *skeleton;
          if (row_is_chinese (row) != zh || !*row[COL_DESCRIPTION])
            continue;
          n++;
          values = row_values (row, value_cols, G_N_ELEMENTS (value_cols));
          sentence = first_sentence (row[COL_DESCRIPTION]);
          skeleton = replace_values (sentence, values, "#");
          g_hash_table_insert (first, skeleton,
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (first, skeleton)) + 1));
          g_hash_table_add (whole, replace_values (row[COL_DESCRIPTION], values, "#"));
          total_bigrams += add_bigrams (bigrams, row[COL_DESCRIPTION], zh);
        }
      g_hash_table_iter_init (&iter, first);
      while (g_hash_table_iter_next (&iter, NULL, &count))
        top = MAX (top, GPOINTER_TO_UINT (count));
      distinct2 = (double) g_hash_table_size (bigrams) / total_bigrams;
      g_test_message ("%s: %u descriptions; %u distinct first-sentence skeletons, the most common "
                      "opens %.1f %%; %u distinct whole skeletons; distinct-2 %.3f over %u bigrams",
                      zh ? "zh" : "en", n, g_hash_table_size (first), 100.0 * top / n,
                      g_hash_table_size (whole), distinct2, total_bigrams);
      g_assert_cmpuint (n, >, 100);
      /* No single opening skeleton covers 10 % of descriptions or more. */
      g_assert_cmpfloat ((double) top / n, <, 0.10);
      g_assert_cmpuint (g_hash_table_size (first), >=, 40);
      /* With the row's values slotted out, almost no two descriptions are the same. */
      g_assert_cmpfloat ((double) g_hash_table_size (whole) / n, >=, 0.97);
      g_assert_cmpfloat (distinct2, >=, 0.20);
    }
}

/* The catalogue goes through Copyist's own importer as a merchant's file
 * would: every row becomes a product, with its language, attributes and
 * texts where the editor and the trainer look for them. */
static void
test_imports (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) records = NULL;

  if (!have_catalog ())
    return;
  dir = g_dir_make_tmp ("copyist-demo-import-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "demo-catalog.csv", NULL);
  g_assert_true (g_file_set_contents (path, catalog.bytes, catalog.length, &error));
  g_assert_no_error (error);
  file = g_file_new_for_path (path);

  records = copyist_import_file (file, NULL, NULL, COPYIST_IMPORT_FLAVOR_AUTO, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (records);
  g_assert_cmpuint (records->len, ==, catalog.rows->len);

  for (guint i = 0; i < records->len; i++)
    {
      const CopyistRecord *rec = records->pdata[i];
      GStrv row = catalog.rows->pdata[i];

      g_assert_cmpstr (rec->sku, ==, row[COL_SKU]);
      g_assert_cmpstr (rec->title, ==, row[COL_TITLE]);
      g_assert_cmpstr (rec->language, ==, row_is_chinese (row) ? "zh" : "en");
      g_assert_cmpstr (copyist_record_get_attribute (rec, "color"), ==, row[COL_COLOUR]);
      g_assert_cmpstr (copyist_record_get_attribute (rec, "material"), ==, row[COL_MATERIAL]);
      g_assert_cmpstr (copyist_record_get_attribute (rec, "brand"), ==, row[COL_BRAND]);
      if (*row[COL_SIZE])
        g_assert_cmpstr (copyist_record_get_attribute (rec, "size"), ==, row[COL_SIZE]);
      if (*row[COL_FIT])
        g_assert_cmpstr (copyist_record_get_attribute (rec, "Fit"), ==, row[COL_FIT]);
      if (*row[COL_CAPACITY])
        g_assert_cmpstr (copyist_record_get_attribute (rec, "Capacity"), ==, row[COL_CAPACITY]);
      if (*row[COL_AGE])
        g_assert_cmpstr (copyist_record_get_attribute (rec, "Age range"), ==, row[COL_AGE]);
      g_assert_cmpstr (rec->description != NULL ? rec->description : "", ==, row[COL_DESCRIPTION]);
      g_assert_cmpstr (rec->adcopy_headline != NULL ? rec->adcopy_headline : "", ==, row[COL_AD_HEADLINE]);
      g_assert_cmpstr (rec->adcopy_body != NULL ? rec->adcopy_body : "", ==, row[COL_AD_COPY]);
    }
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_autofree char *skip = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  catalog.bytes = run_generator (NULL, &catalog.length, &skip);
  if (catalog.bytes != NULL)
    {
      catalog.rows = parse_csv (catalog.bytes, catalog.length);
      g_assert_cmpuint (catalog.rows->len, >, 1);
      catalog.header = g_ptr_array_steal_index (catalog.rows, 0);
    }

  g_test_add_func ("/app/demo-catalog/deterministic", test_deterministic);
  g_test_add_func ("/app/demo-catalog/built-copy", test_built_copy);
  g_test_add_func ("/app/demo-catalog/shape", test_shape);
  g_test_add_func ("/app/demo-catalog/proportions", test_proportions);
  g_test_add_func ("/app/demo-catalog/facts", test_facts);
  g_test_add_func ("/app/demo-catalog/ad-budget", test_ad_budget);
  g_test_add_func ("/app/demo-catalog/variety", test_variety);
  g_test_add_func ("/app/demo-catalog/imports", test_imports);
  status = g_test_run ();

  g_clear_pointer (&catalog.rows, g_ptr_array_unref);
  g_strfreev (catalog.header);
  g_free (catalog.bytes);
  return status;
}
