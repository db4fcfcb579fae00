/* copyist-html.c — product HTML to training text and back, and the
 * language guess. Shared by import (Body (HTML), Description) and export. */
#include "config.h"

#include <libxml/HTMLparser.h>
#include <string.h>

#include "copyist-import.h"

typedef struct {
  GString *out;
  int      pending;   /* 0 nothing, 1 newline, 2 paragraph break before the next text */
  gboolean at_line_start;
  gboolean space;     /* a collapsed space is pending */
} TextSink;

static void
sink_break (TextSink *s, int level)
{
  s->space = FALSE;
  if (level > s->pending)
    s->pending = level;
}

static void
sink_text (TextSink *s, const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_isspace (c) && c != 0xa0)
        {
          s->space = TRUE;
          continue;
        }
      if (s->out->len > 0)
        {
          if (s->pending == 2)
            g_string_append (s->out, "\n\n");
          else if (s->pending == 1)
            g_string_append_c (s->out, '\n');
          else if (s->space)
            g_string_append_c (s->out, ' ');
        }
      s->pending = 0;
      s->space = FALSE;
      g_string_append_unichar (s->out, c == 0xa0 ? ' ' : c);
    }
}

static gboolean
is_block (const char *name)
{
  static const char * const blocks[] = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "section",
    "article", "header", "footer", "pre", "dl", "figure", "hr", "address", "aside", "main", "nav", NULL
  };
  for (guint i = 0; blocks[i] != NULL; i++)
    if (g_ascii_strcasecmp (name, blocks[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
walk (xmlNode *node, TextSink *s)
{
  for (xmlNode *n = node; n != NULL; n = n->next)
    {
      if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
        {
          if (n->content != NULL)
            sink_text (s, (const char *) n->content);
          continue;
        }
      if (n->type != XML_ELEMENT_NODE)
        continue;
      const char *name = (const char *) n->name;
      if (g_ascii_strcasecmp (name, "script") == 0 || g_ascii_strcasecmp (name, "style") == 0)
        continue;
      if (g_ascii_strcasecmp (name, "br") == 0)
        {
          sink_break (s, 1);
          continue;
        }
      gboolean block = is_block (name);
      gboolean line = g_ascii_strcasecmp (name, "li") == 0 || g_ascii_strcasecmp (name, "tr") == 0
                      || g_ascii_strcasecmp (name, "dt") == 0 || g_ascii_strcasecmp (name, "dd") == 0;
      if (block)
        sink_break (s, 2);
      else if (line)
        sink_break (s, 1);
      else if (g_ascii_strcasecmp (name, "td") == 0 || g_ascii_strcasecmp (name, "th") == 0)
        s->space = TRUE;
      walk (n->children, s);
      if (block)
        sink_break (s, 2);
      else if (line)
        sink_break (s, 1);
    }
}

gboolean
copyist_text_looks_like_html (const char *s)
{
  static const char * const tags[] = {
    "<p>", "<p ", "<br", "<div", "<span", "<ul", "<ol", "<li", "<strong", "<b>", "<em>", "<i>",
    "<h1", "<h2", "<h3", "<h4", "<table", "<a ", "<img", "</p>", "&nbsp;", "&amp;", NULL
  };
  if (s == NULL)
    return FALSE;
  for (guint i = 0; tags[i] != NULL; i++)
    if (strstr (s, tags[i]) != NULL)
      return TRUE;
  for (const char *p = strchr (s, '<'); p != NULL; p = strchr (p + 1, '<'))
    if (g_ascii_strncasecmp (p, "<p>", 3) == 0 || g_ascii_strncasecmp (p, "<br", 3) == 0
        || g_ascii_strncasecmp (p, "<div", 4) == 0 || g_ascii_strncasecmp (p, "<li", 3) == 0)
      return TRUE;
  return FALSE;
}

/* Plain text with Windows or old Mac line ends normalised and paragraph
 * breaks (blank lines) reduced to exactly "\n\n". */
static char *
normalise_plain (const char *text)
{
  GString *out = g_string_new (NULL);
  int newlines = 0;

  for (const char *p = text; *p; p++)
    {
      char c = *p;
      if (c == '\r')
        {
          if (p[1] == '\n')
            p++;
          c = '\n';
        }
      if (c == '\n')
        {
          newlines++;
          continue;
        }
      if (newlines > 0 && out->len > 0)
        g_string_append (out, newlines >= 2 ? "\n\n" : "\n");
      newlines = 0;
      g_string_append_c (out, c);
    }
  /* Trailing whitespace of lines is kept (it is content); only the end is trimmed. */
  while (out->len > 0 && g_ascii_isspace (out->str[out->len - 1]))
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

char *
copyist_html_to_text (const char *html)
{
  TextSink sink = { 0 };
  htmlDocPtr doc;

  if (html == NULL)
    return g_strdup ("");
  if (!copyist_text_looks_like_html (html))
    return normalise_plain (html);

  /* Fragments go in a body so the parser does not reorder them; no network,
   * no errors on stderr. */
  g_autofree char *wrapped = g_strconcat ("<html><head><meta charset=\"utf-8\"></head><body>", html,
                                          "</body></html>", NULL);
  doc = htmlReadMemory (wrapped, (int) strlen (wrapped), NULL, "UTF-8",
                        HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NOIMPLIED);
  if (doc == NULL)
    return normalise_plain (html);
  sink.out = g_string_new (NULL);
  walk (xmlDocGetRootElement (doc), &sink);
  xmlFreeDoc (doc);
  return g_string_free (sink.out, FALSE);
}

static void
append_escaped (GString *out, const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    switch (s[i])
      {
      case '&': g_string_append (out, "&amp;"); break;
      case '<': g_string_append (out, "&lt;"); break;
      case '>': g_string_append (out, "&gt;"); break;
      case '"': g_string_append (out, "&quot;"); break;
      case '\'': g_string_append (out, "&#39;"); break;
      case '\n': g_string_append (out, "<br>"); break;
      case '\r': break;
      default: g_string_append_c (out, s[i]); break;
      }
}

char *
copyist_text_to_html (const char *text)
{
  GString *out = g_string_new (NULL);
  g_autofree char *norm = NULL;
  const char *p;

  if (text == NULL || text[0] == '\0')
    return g_string_free (out, FALSE);
  norm = normalise_plain (text);
  p = norm;
  while (*p)
    {
      const char *end = strstr (p, "\n\n");
      gsize len = end != NULL ? (gsize) (end - p) : strlen (p);
      g_string_append (out, "<p>");
      append_escaped (out, p, len);
      g_string_append (out, "</p>");
      if (end == NULL)
        break;
      p = end + 2;
      if (*p)
        g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

static gboolean
is_cjk (gunichar c)
{
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x20000 && c <= 0x2a6df)
         || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x3040 && c <= 0x30ff);
}

const char *
copyist_guess_language (const char *text)
{
  guint cjk = 0, latin_words = 0;
  gboolean in_word = FALSE;

  if (text == NULL)
    return "en";
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      if ((guchar) *p < 0x80)
        {
          /* ASCII fast path: most product text. */
          if (g_ascii_isalpha (*p))
            {
              if (!in_word)
                latin_words++;
              in_word = TRUE;
            }
          else
            in_word = FALSE;
          continue;
        }
      gunichar c = g_utf8_get_char (p);
      if (is_cjk (c))
        {
          cjk++;
          in_word = FALSE;
        }
      else if (g_unichar_isalpha (c) && c < 0x2000)
        {
          if (!in_word)
            latin_words++;
          in_word = TRUE;
        }
      else
        in_word = FALSE;
    }
  return cjk > 0 && cjk >= latin_words ? "zh" : "en";
}
