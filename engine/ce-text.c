/* ce-text.c — UTF-8, character classes, the tokenizer and the detokenizer,
 * and the small string hash map the other text files share. */
#include "ce-text-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- messages ------------------------------------------------------------ */

void
ce__msg (char *msg, const char *fmt, ...)
{
  if (msg == NULL)
    return;
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, CE_MSG_SIZE, fmt, ap);
  va_end (ap);
}

/* ---- UTF-8 --------------------------------------------------------------- */

int
ce__utf8_decode (const unsigned char *s, size_t len, size_t i, uint32_t *cp)
{
  if (i >= len)
    return 0;
  unsigned c = s[i];
  if (c < 0x80)
    {
      *cp = c;
      return 1;
    }
  int n;
  uint32_t v, min;
  if (c >= 0xC2 && c <= 0xDF)
    n = 2, v = c & 0x1F, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF)
    n = 3, v = c & 0x0F, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4)
    n = 4, v = c & 0x07, min = 0x10000;
  else
    return 0;
  if (i + (size_t) n > len)
    return 0;
  for (int k = 1; k < n; k++)
    {
      unsigned d = s[i + (size_t) k];
      if ((d & 0xC0) != 0x80)
        return 0;
      v = (v << 6) | (d & 0x3F);
    }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
    return 0;
  *cp = v;
  return n;
}

int
ce__utf8_encode (uint32_t cp, char *out)
{
  unsigned char *o = (unsigned char *) out;
  if (cp < 0x80)
    {
      o[0] = (unsigned char) cp;
      return 1;
    }
  if (cp < 0x800)
    {
      o[0] = (unsigned char) (0xC0 | (cp >> 6));
      o[1] = (unsigned char) (0x80 | (cp & 0x3F));
      return 2;
    }
  if (cp < 0x10000)
    {
      o[0] = (unsigned char) (0xE0 | (cp >> 12));
      o[1] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
      o[2] = (unsigned char) (0x80 | (cp & 0x3F));
      return 3;
    }
  o[0] = (unsigned char) (0xF0 | (cp >> 18));
  o[1] = (unsigned char) (0x80 | ((cp >> 12) & 0x3F));
  o[2] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
  o[3] = (unsigned char) (0x80 | (cp & 0x3F));
  return 4;
}

int
ce_utf8_valid (const char *s, size_t len, size_t *bad_offset)
{
  const unsigned char *u = (const unsigned char *) s;
  size_t i = 0;
  while (i < len)
    {
      uint32_t cp;
      int k = u[i] < 0x80 ? 1 : ce__utf8_decode (u, len, i, &cp);
      if (k == 0)
        {
          if (bad_offset)
            *bad_offset = i;
          return 0;
        }
      i += (size_t) k;
    }
  return 1;
}

size_t
ce_utf8_chars (const char *s, ptrdiff_t len)
{
  size_t n = len < 0 ? strlen (s) : (size_t) len;
  size_t chars = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char) s[i] & 0xC0) != 0x80)
      chars++;
  return chars;
}

/* ---- character classes ----------------------------------------------------- */

bool
ce__is_space (uint32_t c)
{
  return (c >= 9 && c <= 13) || (c >= 28 && c <= 32) || c == 0x85 || c == 0xA0 || c == 0x1680
         || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F
         || c == 0x205F || c == 0x3000;
}

bool
ce__is_cjk (uint32_t c)
{
  return (c >= 0x2E80 && c <= 0x2FDF) || (c >= 0x3001 && c <= 0x303F) || (c >= 0x3040 && c <= 0x31FF)
         || (c >= 0x3200 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF)
         || (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F)
         || (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF);
}

bool
ce__is_letter (uint32_t c)
{
  if (c < 0x80)
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (c < 0x100)
    return c == 0xAA || c == 0xB5 || c == 0xBA || (c >= 0xC0 && c != 0xD7 && c != 0xF7);
  return (c <= 0x36F) || (c >= 0x370 && c <= 0x3FF && c != 0x37E && c != 0x387)
         || (c >= 0x400 && c <= 0x58F) || (c >= 0x5D0 && c <= 0x5F2) || (c >= 0x620 && c <= 0x64A)
         || (c >= 0x900 && c <= 0xDFF) || (c >= 0xE00 && c <= 0xE7F) || (c >= 0x1E00 && c <= 0x1FFF);
}

bool
ce__is_currency (uint32_t c)
{
  return c == '$' || c == 0xA3 || c == 0xA5 || c == 0x20AC;
}

uint32_t
ce__fold (uint32_t c)
{
  if (ce__is_space (c) || c == '-' || c == '_' || (c >= 0x2010 && c <= 0x2015))
    return ' ';
  if (c == 0x2018 || c == 0x2019)
    return '\'';
  return ce__lower (c);
}

void
ce__fold_iter_init (CeFoldIter *it, const char *s)
{
  it->s = (const unsigned char *) s;
  it->len = strlen (s);
  it->i = 0;
  it->held = 0;
  it->pending_space = false;
  it->started = false;
}

uint32_t
ce__fold_iter_next (CeFoldIter *it)
{
  if (it->held)
    {
      uint32_t h = it->held;
      it->held = 0;
      return h;
    }
  while (it->i < it->len)
    {
      uint32_t cp;
      int k = ce__utf8_decode (it->s, it->len, it->i, &cp);
      if (k == 0)
        return 0;
      it->i += (size_t) k;
      uint32_t f = ce__fold (cp);
      if (f == ' ')
        {
          it->pending_space = it->started;
          continue;
        }
      it->started = true;
      if (it->pending_space)
        {
          it->pending_space = false;
          it->held = f;
          return ' ';
        }
      return f;
    }
  return 0;
}

bool
ce__fold_equal (const char *a, const char *b)
{
  CeFoldIter ia, ib;
  ce__fold_iter_init (&ia, a);
  ce__fold_iter_init (&ib, b);
  for (;;)
    {
      uint32_t ca = ce__fold_iter_next (&ia), cb = ce__fold_iter_next (&ib);
      if (ca != cb)
        return false;
      if (ca == 0)
        return true;
    }
}

bool
ce__is_slot_token (const char *s)
{
  size_t n = strlen (s);
  if (n < 3 || s[0] != '<' || s[n - 1] != '>')
    return false;
  return strcmp (s, "<pad>") != 0 && strcmp (s, "<unk>") != 0 && strcmp (s, "<s>") != 0
         && strcmp (s, "</s>") != 0;
}

/* ---- token lists ----------------------------------------------------------- */

void
ce_tokens_init (CeTokens *toks)
{
  memset (toks, 0, sizeof *toks);
}

void
ce_tokens_clear (CeTokens *toks)
{
  free (toks->text);
  free (toks->info);
  free (toks->buf_);
  free (toks->off_);
  memset (toks, 0, sizeof *toks);
}

void
ce__tokens_reset (CeTokens *toks)
{
  toks->n = 0;
  toks->buf_len_ = 0;
}

CeStatus
ce__tokens_push (CeTokens *toks, const char *s, size_t len, const CeTokenInfo *info)
{
  if (toks->n == toks->cap_)
    {
      int cap = toks->cap_ ? toks->cap_ * 2 : 64;
      const char **text = realloc (toks->text, (size_t) cap * sizeof *text);
      if (!text)
        return CE_ERR_NOMEM;
      toks->text = text;
      CeTokenInfo *inf = realloc (toks->info, (size_t) cap * sizeof *inf);
      if (!inf)
        return CE_ERR_NOMEM;
      toks->info = inf;
      size_t *off = realloc (toks->off_, (size_t) cap * sizeof *off);
      if (!off)
        return CE_ERR_NOMEM;
      toks->off_ = off;
      toks->cap_ = cap;
    }
  if (toks->buf_len_ + len + 1 > toks->buf_cap_)
    {
      size_t cap = toks->buf_cap_ ? toks->buf_cap_ : 1024;
      while (cap < toks->buf_len_ + len + 1)
        cap *= 2;
      char *buf = realloc (toks->buf_, cap);
      if (!buf)
        return CE_ERR_NOMEM;
      toks->buf_ = buf;
      toks->buf_cap_ = cap;
      for (int k = 0; k < toks->n; k++)
        toks->text[k] = buf + toks->off_[k];
    }
  memcpy (toks->buf_ + toks->buf_len_, s, len);
  toks->buf_[toks->buf_len_ + len] = '\0';
  toks->off_[toks->n] = toks->buf_len_;
  toks->text[toks->n] = toks->buf_ + toks->buf_len_;
  toks->info[toks->n] = *info;
  toks->buf_len_ += len + 1;
  toks->n++;
  return CE_OK;
}

/* ---- tokenizer ------------------------------------------------------------- */

typedef struct {
  const unsigned char *s;
  size_t n;
} Text;

static uint32_t
peek (const Text *t, size_t i, int *k)
{
  uint32_t cp = 0;
  int kk = ce__utf8_decode (t->s, t->n, i, &cp);
  if (k)
    *k = kk;
  return kk ? cp : 0;
}

/* Length in bytes of the code point at I (0 at the end). */
static size_t
cp_len (const Text *t, size_t i)
{
  int k;
  peek (t, i, &k);
  return (size_t) k;
}

static bool
at_digit (const Text *t, size_t i)
{
  return i < t->n && ce__is_digit (t->s[i]);
}

static size_t
skip_digits (const Text *t, size_t i)
{
  while (at_digit (t, i))
    i++;
  return i;
}

static bool
at_alnum (const Text *t, size_t i)
{
  return i < t->n && ce__is_alnum (peek (t, i, NULL));
}

static bool
is_apostrophe (uint32_t cp)
{
  return cp == '\'' || cp == 0x2019;
}

/* A word from I: alphanumerics with inner apostrophes and hyphens. */
static size_t
scan_word (const Text *t, size_t i)
{
  while (i < t->n)
    {
      int k;
      uint32_t cp = peek (t, i, &k);
      if (ce__is_alnum (cp))
        i += (size_t) k;
      else if ((is_apostrophe (cp) || cp == '-') && at_alnum (t, i + (size_t) k))
        i += (size_t) k;
      else
        break;
    }
  return i;
}

/* A number from I (which is a digit or a currency sign before a digit):
 * [currency] digits ([.,] digits)* [e[+-]digits] (- [currency] digits …)?
 * Letters right after it make it a word ("10am", "5-star"). */
static size_t
scan_number (const Text *t, size_t i, CeTokenKind *kind)
{
  *kind = CE_TOKEN_NUMBER;
  for (int range = 0; range < 2; range++)
    {
      if (ce__is_currency (peek (t, i, NULL)))
        i += cp_len (t, i);
      i = skip_digits (t, i);
      while (i + 1 < t->n && (t->s[i] == '.' || t->s[i] == ',') && at_digit (t, i + 1))
        i = skip_digits (t, i + 1);
      if (i + 1 < t->n && (t->s[i] == 'e' || t->s[i] == 'E'))
        {
          if (at_digit (t, i + 1))
            i = skip_digits (t, i + 1);
          else if (i + 2 < t->n && (t->s[i + 1] == '+' || t->s[i + 1] == '-') && at_digit (t, i + 2))
            i = skip_digits (t, i + 2);
        }
      if (range == 0 && i + 1 < t->n && t->s[i] == '-')
        {
          size_t j = i + 1;
          if (ce__is_currency (peek (t, j, NULL)))
            j += cp_len (t, j);
          if (at_digit (t, j))
            {
              i++;
              continue;
            }
        }
      break;
    }
  if (at_alnum (t, i) || (i + 1 < t->n && t->s[i] == '-' && at_alnum (t, i + 1)))
    {
      *kind = CE_TOKEN_WORD;
      i = scan_word (t, i);
    }
  return i;
}

/* "<key>": letters, digits, "_" or CJK, 1..64 bytes inside. Returns the end
 * or 0 when I does not start a slot token. */
static size_t
scan_slot (const Text *t, size_t i)
{
  size_t j = i + 1;
  while (j < t->n && j - i <= 65)
    {
      int k;
      uint32_t cp = peek (t, j, &k);
      if (cp == '>')
        return j > i + 1 ? j + 1 : 0;
      if (!(ce__is_alnum (cp) || cp == '_' || ce__is_cjk (cp)))
        return 0;
      j += (size_t) k;
    }
  return 0;
}

static CeStatus
push_span (CeTokens *out, const Text *t, size_t start, size_t end, size_t char_start, size_t chars,
           CeTokenKind kind, int space, unsigned flags)
{
  CeTokenInfo info = { kind, start, end, char_start, char_start + chars, space };
  if (!(flags & CE_TOKENIZE_LOWER))
    return ce__tokens_push (out, (const char *) t->s + start, end - start, &info);
  char small[256];
  size_t need = (end - start) * 2 + 4;
  char *tmp = need <= sizeof small ? small : malloc (need);
  if (!tmp)
    return CE_ERR_NOMEM;
  size_t o = 0;
  for (size_t i = start; i < end;)
    {
      int k;
      uint32_t cp = peek (t, i, &k);
      o += (size_t) ce__utf8_encode (ce__lower (cp), tmp + o);
      i += (size_t) k;
    }
  CeStatus st = ce__tokens_push (out, tmp, o, &info);
  if (tmp != small)
    free (tmp);
  return st;
}

CeStatus
ce_tokenize (const char *text, ptrdiff_t len, unsigned flags, CeTokens *out, char *msg)
{
  if (!text || !out)
    {
      ce__msg (msg, "ce_tokenize: text and out are required");
      return CE_ERR_INVALID_ARG;
    }
  Text t = { (const unsigned char *) text, len < 0 ? strlen (text) : (size_t) len };
  ce__tokens_reset (out);
  size_t bad;
  if (!ce_utf8_valid (text, t.n, &bad))
    {
      ce__msg (msg, "invalid UTF-8 at byte %zu", bad);
      return CE_ERR_FORMAT;
    }
  size_t i = 0, ci = 0;
  int space = 0;
  while (i < t.n)
    {
      int k;
      uint32_t cp = peek (&t, i, &k);
      if (ce__is_space (cp))
        {
          space = 1;
          i += (size_t) k;
          ci++;
          continue;
        }
      size_t end;
      CeTokenKind kind;
      CeTokenKind prev_kind = out->n ? out->info[out->n - 1].kind : CE_TOKEN_PUNCT;
      if ((flags & CE_TOKENIZE_SLOTS) && cp == '<' && (end = scan_slot (&t, i)) != 0)
        kind = CE_TOKEN_SLOT;
      else if (ce__is_digit (cp)
               || (ce__is_currency (cp) && at_digit (&t, i + (size_t) k)))
        end = scan_number (&t, i, &kind);
      else if (ce__is_letter (cp))
        {
          end = scan_word (&t, i);
          kind = CE_TOKEN_WORD;
        }
      else if (is_apostrophe (cp) && !space && out->n > 0 && prev_kind != CE_TOKEN_PUNCT
               && prev_kind != CE_TOKEN_CJK && i + (size_t) k < t.n
               && ce__is_letter (peek (&t, i + (size_t) k, NULL)))
        {
          /* a clitic after a word or slot: "<name>'s" */
          end = scan_word (&t, i + (size_t) k);
          kind = CE_TOKEN_WORD;
        }
      else
        {
          end = i + (size_t) k;
          kind = ce__is_cjk (cp) ? CE_TOKEN_CJK : CE_TOKEN_PUNCT;
        }
      size_t chars = ce_utf8_chars (text + i, (ptrdiff_t) (end - i));
      CeStatus st = push_span (out, &t, i, end, ci, chars, kind, space, flags);
      if (st != CE_OK)
        {
          ce__msg (msg, "out of memory while tokenizing");
          return st;
        }
      ci += chars;
      i = end;
      space = 0;
    }
  return CE_OK;
}

/* ---- detokenizer ----------------------------------------------------------- */

static uint32_t
first_cp (const char *s)
{
  uint32_t cp = 0;
  return ce__utf8_decode ((const unsigned char *) s, strlen (s), 0, &cp) ? cp : 0;
}

static uint32_t
last_cp (const char *s)
{
  size_t n = strlen (s);
  if (n == 0)
    return 0;
  size_t i = n - 1;
  while (i > 0 && ((unsigned char) s[i] & 0xC0) == 0x80)
    i--;
  uint32_t cp = 0;
  return ce__utf8_decode ((const unsigned char *) s, n, i, &cp) ? cp : 0;
}

static bool
single_cp (const char *s)
{
  uint32_t cp;
  size_t n = strlen (s);
  return n > 0 && (size_t) ce__utf8_decode ((const unsigned char *) s, n, 0, &cp) == n;
}

/* Straight quotes carry no direction: ce_detokenize alternates them.
 * QUOTES has bit 0 set while a double quote is open, bit 1 for a single one. */
static int
quote_bit (const char *tok)
{
  return strcmp (tok, "\"") == 0 ? 1 : strcmp (tok, "'") == 0 ? 2 : 0;
}

static int
space_between (const char *prev, const char *next, unsigned quotes)
{
  if (!prev || !*prev || !*next)
    return 0;
  uint32_t nf = first_cp (next), pl = last_cp (prev);
  if (ce__is_cjk (nf) || ce__is_cjk (pl))
    return 0;
  int qn = quote_bit (next), qp = quote_bit (prev);
  if (qn)
    return (quotes & (unsigned) qn) ? 0 : 1;    /* closing: none before */
  if (single_cp (next))
    switch (nf)
      {
      case ',': case '.': case '!': case '?': case ';': case ':': case ')': case ']': case '}':
      case '%': case '/': case 0x2026: case 0x201D: case 0x2019:
        return 0;
      default:
        break;
      }
  if (is_apostrophe (nf) && ce__is_letter (first_cp (next + (nf == '\'' ? 1 : 3))))
    return 0;   /* clitic: "'s" */
  if (qp)
    return (quotes & (unsigned) qp) ? 0 : 1;    /* after an opening one: none */
  if (single_cp (prev))
    switch (pl)
      {
      case '(': case '[': case '{': case '/': case 0x201C: case 0x2018:
        return 0;
      default:
        if (ce__is_currency (pl))
          return 0;
        break;
      }
  return 1;
}

int
ce_detok_space (const char *prev, const char *next)
{
  return space_between (prev, next, 0);
}

char *
ce_detokenize (const char *const *tokens, int n)
{
  size_t total = 1;
  for (int i = 0; i < n; i++)
    total += strlen (tokens[i]) + 1;
  char *out = malloc (total);
  if (!out)
    return NULL;
  size_t o = 0;
  unsigned quotes = 0;
  const char *prev = NULL;
  for (int i = 0; i < n; i++)
    {
      const char *tok = tokens[i];
      if (!*tok)
        continue;
      if (space_between (prev, tok, quotes))
        out[o++] = ' ';
      size_t l = strlen (tok);
      memcpy (out + o, tok, l);
      o += l;
      quotes ^= (unsigned) quote_bit (tok);
      prev = tok;
    }
  out[o] = '\0';
  return out;
}

/* ---- string map ------------------------------------------------------------ */

uint64_t
ce__hash_bytes (const void *data, size_t len)
{
  const unsigned char *p = data;
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < len; i++)
    {
      h ^= p[i];
      h *= 1099511628211ULL;
    }
  return h;
}

void
ce__strmap_init (CeStrMap *m)
{
  memset (m, 0, sizeof *m);
}

void
ce__strmap_clear (CeStrMap *m)
{
  for (size_t i = 0; i < m->cap; i++)
    free (m->keys[i]);
  free (m->keys);
  free (m->lens);
  free (m->vals);
  memset (m, 0, sizeof *m);
}

static size_t
strmap_slot (char *const *keys, const size_t *lens, size_t cap, const char *key, size_t len)
{
  size_t i = (size_t) ce__hash_bytes (key, len) & (cap - 1);
  while (keys[i] && !(lens[i] == len && memcmp (keys[i], key, len) == 0))
    i = (i + 1) & (cap - 1);
  return i;
}

int32_t *
ce__strmap_find (const CeStrMap *m, const char *key, size_t len)
{
  if (m->cap == 0)
    return NULL;
  size_t i = strmap_slot (m->keys, m->lens, m->cap, key, len);
  return m->keys[i] ? &m->vals[i] : NULL;
}

static bool
strmap_grow (CeStrMap *m)
{
  size_t cap = m->cap ? m->cap * 2 : 64;
  char **keys = calloc (cap, sizeof *keys);
  size_t *lens = calloc (cap, sizeof *lens);
  int32_t *vals = calloc (cap, sizeof *vals);
  if (!keys || !lens || !vals)
    {
      free (keys);
      free (lens);
      free (vals);
      return false;
    }
  for (size_t i = 0; i < m->cap; i++)
    if (m->keys[i])
      {
        size_t j = strmap_slot (keys, lens, cap, m->keys[i], m->lens[i]);
        keys[j] = m->keys[i];
        lens[j] = m->lens[i];
        vals[j] = m->vals[i];
      }
  free (m->keys);
  free (m->lens);
  free (m->vals);
  m->keys = keys;
  m->lens = lens;
  m->vals = vals;
  m->cap = cap;
  return true;
}

int32_t *
ce__strmap_insert (CeStrMap *m, const char *key, size_t len, int32_t init, bool *added)
{
  if (added)
    *added = false;
  if ((m->n + 1) * 4 > m->cap * 3 && !strmap_grow (m))
    return NULL;
  size_t i = strmap_slot (m->keys, m->lens, m->cap, key, len);
  if (!m->keys[i])
    {
      char *copy = malloc (len + 1);
      if (!copy)
        return NULL;
      memcpy (copy, key, len);
      copy[len] = '\0';
      m->keys[i] = copy;
      m->lens[i] = len;
      m->vals[i] = init;
      m->n++;
      if (added)
        *added = true;
    }
  return &m->vals[i];
}
