/* ce-attrs.c — a row's attributes: the E2E and AdvertiseGen formats, value
 * lists, slot token names, and the model's source sequence. */
#include "ce-text-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
ce_attrs_init (CeAttrs *a)
{
  memset (a, 0, sizeof *a);
}

void
ce_attrs_clear (CeAttrs *a)
{
  for (int i = 0; i < a->n; i++)
    {
      free (a->items[i].key);
      free (a->items[i].value);
    }
  free (a->items);
  memset (a, 0, sizeof *a);
}

/* [*START, *END) of S without leading and trailing (Unicode) whitespace. */
static void
trim_span (const char *s, size_t *start, size_t *end)
{
  const unsigned char *u = (const unsigned char *) s;
  size_t b = *start, e = *end;
  while (b < e)
    {
      uint32_t cp;
      int k = ce__utf8_decode (u, e, b, &cp);
      if (k == 0 || !ce__is_space (cp))
        break;
      b += (size_t) k;
    }
  while (e > b)
    {
      size_t p = e - 1;
      while (p > b && (u[p] & 0xC0) == 0x80)
        p--;
      uint32_t cp;
      int k = ce__utf8_decode (u, e, p, &cp);
      if (k == 0 || !ce__is_space (cp))
        break;
      e = p;
    }
  *start = b;
  *end = e;
}

static char *
dup_span (const char *s, size_t start, size_t end)
{
  char *d = malloc (end - start + 1);
  if (d)
    {
      memcpy (d, s + start, end - start);
      d[end - start] = '\0';
    }
  return d;
}

/* 1-based character position of byte OFF of S. */
static size_t
char_pos (const char *s, size_t off)
{
  return ce_utf8_chars (s, (ptrdiff_t) off) + 1;
}

static CeStatus
add_span (CeAttrs *a, const char *ks, size_t kb, size_t ke, const char *vs, size_t vb, size_t ve,
          char *msg)
{
  trim_span (ks, &kb, &ke);
  trim_span (vs, &vb, &ve);
  if (kb == ke)
    {
      ce__msg (msg, "empty attribute key at character %zu", char_pos (ks, kb));
      return CE_ERR_FORMAT;
    }
  if (vb == ve)
    {
      ce__msg (msg, "empty value for attribute \"%.*s\" at character %zu", (int) (ke - kb > 64 ? 64 : ke - kb),
               ks + kb, char_pos (vs, vb));
      return CE_ERR_FORMAT;
    }
  if (a->n == a->cap_)
    {
      int cap = a->cap_ ? a->cap_ * 2 : 16;
      CeAttr *items = realloc (a->items, (size_t) cap * sizeof *items);
      if (!items)
        goto nomem;
      a->items = items;
      a->cap_ = cap;
    }
  char *key = dup_span (ks, kb, ke), *value = dup_span (vs, vb, ve);
  if (!key || !value)
    {
      free (key);
      free (value);
      goto nomem;
    }
  /* after every item whose key sorts before or equal: stable by key */
  int pos = a->n, rank = 0;
  while (pos > 0 && strcmp (a->items[pos - 1].key, key) > 0)
    pos--;
  for (int i = pos - 1; i >= 0 && strcmp (a->items[i].key, key) == 0; i--)
    rank++;
  memmove (a->items + pos + 1, a->items + pos, (size_t) (a->n - pos) * sizeof *a->items);
  a->items[pos] = (CeAttr) { key, value, rank };
  a->n++;
  return CE_OK;
nomem:
  ce__msg (msg, "out of memory adding an attribute");
  return CE_ERR_NOMEM;
}

static CeStatus
check_utf8 (const char *s, const char *what, char *msg)
{
  size_t bad;
  if (!ce_utf8_valid (s, strlen (s), &bad))
    {
      ce__msg (msg, "%s: invalid UTF-8 at byte %zu", what, bad);
      return CE_ERR_FORMAT;
    }
  return CE_OK;
}

/* KEY and VALUE (VALUE_WHAT in messages) are present and valid UTF-8. */
static CeStatus
check_pair (const char *fn, const char *key, const char *value, const char *value_what, char *msg)
{
  if (!key || !value)
    {
      ce__msg (msg, "%s: key and %s are required", fn, value_what);
      return CE_ERR_INVALID_ARG;
    }
  CeStatus st = check_utf8 (key, "attribute key", msg);
  return st != CE_OK ? st : check_utf8 (value, value_what, msg);
}

CeStatus
ce_attrs_add (CeAttrs *a, const char *key, const char *value, char *msg)
{
  CeStatus st = check_pair ("ce_attrs_add", key, value, "attribute value", msg);
  if (st != CE_OK)
    return st;
  return add_span (a, key, 0, strlen (key), value, 0, strlen (value), msg);
}

/* Byte length of a list separator at S[I] ("," "，" "、" "|"), else 0. */
static size_t
list_sep (const char *s, size_t i)
{
  if (s[i] == ',' || s[i] == '|')
    return 1;
  if (strncmp (s + i, "\xEF\xBC\x8C", 3) == 0 || strncmp (s + i, "\xE3\x80\x81", 3) == 0)
    return 3;
  return 0;
}

CeStatus
ce_attrs_add_list (CeAttrs *a, const char *key, const char *values, char *msg)
{
  CeStatus st = check_pair ("ce_attrs_add_list", key, values, "attribute values", msg);
  if (st != CE_OK)
    return st;
  size_t n = strlen (values), start = 0;
  int added = 0;
  for (size_t i = 0; i <= n;)
    {
      size_t k = i < n ? list_sep (values, i) : 1;
      if (k == 0)
        {
          i++;
          continue;
        }
      size_t b = start, e = i;
      trim_span (values, &b, &e);
      if (b < e)
        {
          if ((st = add_span (a, key, 0, strlen (key), values, b, e, msg)) != CE_OK)
            return st;
          added++;
        }
      i += k;
      start = i;
    }
  if (added == 0)
    {
      ce__msg (msg, "attribute \"%.64s\" has no values in \"%.64s\"", key, values);
      return CE_ERR_FORMAT;
    }
  return CE_OK;
}

static CeStatus
parse_brackets (CeAttrs *a, const char *s, char *msg)
{
  size_t n = strlen (s), i = 0;
  for (;;)
    {
      while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
      if (i >= n)
        return CE_OK;
      size_t kb = i;
      while (i < n && s[i] != '[' && s[i] != ']' && s[i] != ',')
        i++;
      if (i >= n || s[i] != '[')
        {
          size_t kb2 = kb, ke2 = i;
          trim_span (s, &kb2, &ke2);
          if (i < n && s[i] == ']')
            ce__msg (msg, "unbalanced brackets: ']' at character %zu has no '['", char_pos (s, i));
          else
            ce__msg (msg, "attribute \"%.*s\" at character %zu has no '[value]'",
                     (int) (ke2 - kb2 > 64 ? 64 : ke2 - kb2), s + kb2, char_pos (s, kb));
          return CE_ERR_FORMAT;
        }
      size_t ke = i, open = i;
      size_t vb = ++i;
      while (i < n && s[i] != ']' && s[i] != '[')
        i++;
      if (i >= n || s[i] == '[')
        {
          ce__msg (msg, "unbalanced brackets: '[' at character %zu is not closed%s", char_pos (s, open),
                   i < n ? " before the next '['" : "");
          return CE_ERR_FORMAT;
        }
      CeStatus st = add_span (a, s, kb, ke, s, vb, i, msg);
      if (st != CE_OK)
        return st;
      i++;
      while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
      if (i < n && s[i] != ',')
        {
          ce__msg (msg, "expected ',' after ']' at character %zu", char_pos (s, i));
          return CE_ERR_FORMAT;
        }
      if (i < n)
        i++;
    }
}

static CeStatus
parse_hash (CeAttrs *a, const char *s, char *msg)
{
  size_t n = strlen (s), start = 0;
  for (size_t i = 0; i <= n; i++)
    {
      if (i < n && s[i] != '*')
        continue;
      size_t b = start, e = i;
      trim_span (s, &b, &e);
      start = i + 1;
      if (b == e)
        continue;
      const char *hash = memchr (s + b, '#', e - b);
      if (!hash)
        {
          ce__msg (msg, "attribute \"%.*s\" at character %zu has no '#'", (int) (e - b > 64 ? 64 : e - b),
                   s + b, char_pos (s, b));
          return CE_ERR_FORMAT;
        }
      size_t h = (size_t) (hash - s);
      CeStatus st = add_span (a, s, b, h, s, h + 1, e, msg);
      if (st != CE_OK)
        return st;
    }
  return CE_OK;
}

CeStatus
ce_attrs_parse (CeAttrs *a, const char *text, CeAttrFormat format, char *msg)
{
  if (!a || !text)
    {
      ce__msg (msg, "ce_attrs_parse: attributes and text are required");
      return CE_ERR_INVALID_ARG;
    }
  CeStatus st = check_utf8 (text, "attributes", msg);
  if (st != CE_OK)
    return st;
  if (format == CE_ATTRS_AUTO)
    format = strchr (text, '[') || strchr (text, ']') ? CE_ATTRS_BRACKETS
             : strchr (text, '#')                     ? CE_ATTRS_HASH
                                                      : CE_ATTRS_BRACKETS;
  return format == CE_ATTRS_HASH ? parse_hash (a, text, msg) : parse_brackets (a, text, msg);
}

char *
ce_attrs_format (const CeAttrs *a, CeAttrFormat format)
{
  size_t total = 1;
  for (int i = 0; i < a->n; i++)
    total += strlen (a->items[i].key) + strlen (a->items[i].value) + 4;
  char *out = malloc (total);
  if (!out)
    return NULL;
  size_t o = 0;
  for (int i = 0; i < a->n; i++)
    {
      const char *k = a->items[i].key, *v = a->items[i].value;
      size_t kl = strlen (k), vl = strlen (v);
      if (i > 0)
        {
          if (format == CE_ATTRS_HASH)
            out[o++] = '*';
          else
            {
              out[o++] = ',';
              out[o++] = ' ';
            }
        }
      memcpy (out + o, k, kl);
      o += kl;
      out[o++] = format == CE_ATTRS_HASH ? '#' : '[';
      memcpy (out + o, v, vl);
      o += vl;
      if (format != CE_ATTRS_HASH)
        out[o++] = ']';
    }
  out[o] = '\0';
  return out;
}

int
ce_attrs_find (const CeAttrs *a, const char *key)
{
  for (int i = 0; i < a->n; i++)
    if (strcmp (a->items[i].key, key) == 0)
      return i;
  return -1;
}

void
ce_attrs_shuffle (CeAttrs *a, CeRng *rng)
{
  for (int i = a->n - 1; i > 0; i--)
    {
      int j = (int) (ce_rng_next (rng) % (uint64_t) (i + 1));
      CeAttr t = a->items[i];
      a->items[i] = a->items[j];
      a->items[j] = t;
    }
}

int
ce_slot_token (const char *key, int rank, char *buf, size_t size)
{
  const unsigned char *u = (const unsigned char *) key;
  size_t n = strlen (key), i = 0, o = 0;
  char tmp[256];
  tmp[o++] = '<';
  while (i < n && o + 8 < sizeof tmp)
    {
      uint32_t cp;
      int k = ce__utf8_decode (u, n, i, &cp);
      if (k == 0)
        {
          i++;
          continue;
        }
      i += (size_t) k;
      if (cp == ' ' || cp == '-' || ce__is_space (cp))
        cp = '_';
      else
        cp = ce__lower (cp);
      if (cp == '_' ? (o > 1 && tmp[o - 1] != '_') : (ce__is_alnum (cp) || ce__is_cjk (cp)))
        o += (size_t) ce__utf8_encode (cp, tmp + o);
    }
  while (o > 1 && tmp[o - 1] == '_')
    o--;
  if (o == 1)
    {
      memcpy (tmp + o, "attr", 4);
      o += 4;
    }
  int extra = rank > 0 ? snprintf (tmp + o, sizeof tmp - o, "_%d>", rank + 1) : snprintf (tmp + o, sizeof tmp - o, ">");
  o += (size_t) extra;
  if (o + 1 > size)
    return -1;
  memcpy (buf, tmp, o);
  buf[o] = '\0';
  return (int) o;
}

int
ce_delex_key_selected (const CeDelexKeys *keys, const char *key)
{
  if (!keys)
    return 0;
  if (keys->all)
    return 1;
  for (int i = 0; i < keys->n_keys; i++)
    if (strcmp (keys->keys[i], key) == 0)
      return 1;
  return 0;
}

/* ---- source sequence -------------------------------------------------------- */

void
ce_source_init (CeSource *s)
{
  memset (s, 0, sizeof *s);
  ce_tokens_init (&s->strings);
}

void
ce_source_clear (CeSource *s)
{
  free (s->tokens);
  free (s->fields);
  free (s->attr);
  ce_tokens_clear (&s->strings);
  memset (s, 0, sizeof *s);
}

CeStatus
ce_source_build (CeSource *s, const CeAttrs *row, const CeSourceOptions *opts, char *msg)
{
  CeSourceOptions none = { 0 };
  if (!opts)
    opts = &none;
  ce__tokens_reset (&s->strings);
  s->n = 0;
  CeTokens value;
  ce_tokens_init (&value);
  CeStatus st = CE_OK;
  for (int a = 0; a < row->n && st == CE_OK; a++)
    {
      const CeAttr *at = &row->items[a];
      bool delex = ce_delex_key_selected (opts->delex, at->key);
      if (delex)
        {
          char slot[300];
          int l = ce_slot_token (at->key, at->rank, slot, sizeof slot);
          CeTokenInfo info = { CE_TOKEN_SLOT, 0, 0, 0, 0, 1 };
          if (l < 0 || (st = ce__tokens_push (&s->strings, slot, (size_t) l, &info)) != CE_OK)
            st = CE_ERR_NOMEM;
        }
      if (st == CE_OK && !(delex && opts->slot_only))
        {
          st = ce_tokenize (at->value, -1, opts->tokenize_flags & ~(unsigned) CE_TOKENIZE_SLOTS, &value, msg);
          for (int k = 0; k < value.n && st == CE_OK; k++)
            st = ce__tokens_push (&s->strings, value.text[k], strlen (value.text[k]), &value.info[k]);
        }
      /* remember which attribute the new positions belong to */
      if (st == CE_OK && s->strings.n > s->cap_)
        {
          int cap = s->cap_ ? s->cap_ : 64;
          while (cap < s->strings.n)
            cap *= 2;
          int32_t *t = realloc (s->tokens, (size_t) cap * sizeof *t);
          if (t)
            s->tokens = t;
          int32_t *f = realloc (s->fields, (size_t) cap * sizeof *f);
          if (f)
            s->fields = f;
          int32_t *at_idx = realloc (s->attr, (size_t) cap * sizeof *at_idx);
          if (at_idx)
            s->attr = at_idx;
          if (!t || !f || !at_idx)
            st = CE_ERR_NOMEM;
          else
            s->cap_ = cap;
        }
      if (st == CE_OK)
        {
          int32_t field = opts->fields ? ce_vocab_lookup (opts->fields, at->key, -1) : 0;
          for (int k = s->n; k < s->strings.n; k++)
            {
              s->attr[k] = a;
              s->fields[k] = field;
              s->tokens[k] = opts->vocab ? ce_vocab_lookup (opts->vocab, s->strings.text[k], -1) : CE_TOK_UNK;
            }
          s->n = s->strings.n;
        }
    }
  ce_tokens_clear (&value);
  if (st == CE_ERR_NOMEM)
    ce__msg (msg, "out of memory building the source sequence");
  if (st == CE_OK && opts->max_len > 0 && s->n > opts->max_len)
    {
      ce__msg (msg, "the attributes make %d source tokens, more than the limit %d", s->n, opts->max_len);
      st = CE_ERR_LIMIT;
    }
  return st;
}
