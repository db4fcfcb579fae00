/* test-engine-text-data.h — reading the shared data sets in the text tests
 * (test-engine-text.c, test-engine-slots.c, test-engine-metrics.c): a small
 * RFC 4180 CSV reader and a JSON-lines field reader. Test code only. */
#pragma once

#include <glib.h>
#include <string.h>

/* Path of NAME under $COPYIST_SHARED_DATA, or NULL (and the test is
 * skipped with the reason) when the data is absent. */
static inline char *
text_data_path (const char *name)
{
  const char *root = g_getenv ("COPYIST_SHARED_DATA");
  if (!root)
    {
      g_test_skip ("COPYIST_SHARED_DATA is not set: the shared data sets are absent");
      return NULL;
    }
  char *path = g_build_filename (root, name, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      char *why = g_strdup_printf ("%s is absent", path);
      g_test_skip (why);
      g_free (why);
      g_free (path);
      return NULL;
    }
  return path;
}

/* Rows of a CSV file (header included) as a GPtrArray of GStrv. */
static inline GPtrArray *
text_data_read_csv (const char *path)
{
  char *contents = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  GPtrArray *row = g_ptr_array_new ();
  GString *field = g_string_new (NULL);
  gsize i = 0;
  if (len >= 3 && memcmp (contents, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  gboolean quoted = FALSE, any = FALSE;
  for (; i <= len; i++)
    {
      char c = i < len ? contents[i] : '\n';
      if (quoted)
        {
          if (c == '"' && i + 1 < len && contents[i + 1] == '"')
            {
              g_string_append_c (field, '"');
              i++;
            }
          else if (c == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, c);
          continue;
        }
      if (c == '"')
        {
          quoted = TRUE;
          any = TRUE;
        }
      else if (c == ',')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          any = TRUE;
        }
      else if (c == '\n')
        {
          if (any || field->len > 0)
            {
              g_ptr_array_add (row, g_strdup (field->str));
              g_ptr_array_add (row, NULL);
              g_ptr_array_add (rows, g_ptr_array_free (row, FALSE));
              row = g_ptr_array_new ();
            }
          g_string_truncate (field, 0);
          any = FALSE;
        }
      else if (c != '\r')
        {
          g_string_append_c (field, c);
          any = TRUE;
        }
    }
  g_ptr_array_free (row, TRUE);
  g_string_free (field, TRUE);
  g_free (contents);
  return rows;
}

/* The string value of "KEY": "…" in one JSON line (escapes \" \\ \n \uXXXX). */
static inline char *
text_data_json_field (const char *line, const char *key)
{
  char *pat = g_strdup_printf ("\"%s\": \"", key);
  const char *p = strstr (line, pat);
  g_free (pat);
  if (!p)
    return NULL;
  p += strlen (key) + 5;
  GString *out = g_string_new (NULL);
  for (; *p && *p != '"'; p++)
    {
      if (*p != '\\')
        {
          g_string_append_c (out, *p);
          continue;
        }
      p++;
      switch (*p)
        {
        case 'n': g_string_append_c (out, '\n'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          {
            char hex[5] = { 0 };
            memcpy (hex, p + 1, 4);
            g_string_append_unichar (out, (gunichar) g_ascii_strtoull (hex, NULL, 16));
            p += 4;
            break;
          }
        default: g_string_append_c (out, *p); break;
        }
    }
  return g_string_free (out, FALSE);
}

/* Lines of shop.json as "content" and "summary" strings (N_OUT rows). */
static inline void
text_data_read_shop (const char *path, GPtrArray **content, GPtrArray **summary)
{
  char *contents = NULL;
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  char **lines = g_strsplit (contents, "\n", -1);
  *content = g_ptr_array_new_with_free_func (g_free);
  *summary = g_ptr_array_new_with_free_func (g_free);
  for (char **l = lines; *l; l++)
    {
      if (!**l)
        continue;
      char *c = text_data_json_field (*l, "content"), *s = text_data_json_field (*l, "summary");
      g_assert_nonnull (c);
      g_assert_nonnull (s);
      g_ptr_array_add (*content, c);
      g_ptr_array_add (*summary, s);
    }
  g_strfreev (lines);
  g_free (contents);
}
