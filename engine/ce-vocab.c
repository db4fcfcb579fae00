/* ce-vocab.c — vocabulary: specials first, then tokens by count (descending)
 * and bytes; lookup through the shared string map. */
#include "ce-text-private.h"

#include <stdlib.h>
#include <string.h>

static const char *const specials[CE_TOK_FIRST_REGULAR] = { "<pad>", "<unk>", "<s>", "</s>" };

struct CeVocabBuilder {
  CeStrMap ids;        /* token -> index into counts */
  long *counts;        /* (n) by insertion index */
  int n, cap;
};

struct CeVocab {
  CeStrMap ids;        /* token -> id */
  char **items;        /* (size) owned copies */
  uint8_t *slot;       /* (size) 1 for slot tokens */
  int size;
};

CeVocabBuilder *
ce_vocab_builder_new (void)
{
  CeVocabBuilder *b = calloc (1, sizeof *b);
  if (b)
    ce__strmap_init (&b->ids);
  return b;
}

void
ce_vocab_builder_free (CeVocabBuilder *b)
{
  if (!b)
    return;
  ce__strmap_clear (&b->ids);
  free (b->counts);
  free (b);
}

CeStatus
ce_vocab_builder_add (CeVocabBuilder *b, const char *token, ptrdiff_t len, long count)
{
  size_t l = len < 0 ? strlen (token) : (size_t) len;
  bool added;
  int32_t *slot = ce__strmap_insert (&b->ids, token, l, b->n, &added);
  if (!slot)
    return CE_ERR_NOMEM;
  if (added)
    {
      if (b->n == b->cap)
        {
          int cap = b->cap ? b->cap * 2 : 256;
          long *counts = realloc (b->counts, (size_t) cap * sizeof *counts);
          if (!counts)
            return CE_ERR_NOMEM;
          b->counts = counts;
          b->cap = cap;
        }
      b->counts[b->n] = 0;
      b->n++;
    }
  b->counts[*slot] += count;
  return CE_OK;
}

CeStatus
ce_vocab_builder_add_tokens (CeVocabBuilder *b, const CeTokens *toks)
{
  for (int i = 0; i < toks->n; i++)
    {
      CeStatus st = ce_vocab_builder_add (b, toks->text[i], -1, 1);
      if (st != CE_OK)
        return st;
    }
  return CE_OK;
}

typedef struct {
  const char *token;
  long count;
} Entry;

static int
entry_cmp (const void *a, const void *b)
{
  const Entry *x = a, *y = b;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return strcmp (x->token, y->token);
}

static bool
is_special (const char *t)
{
  for (int i = 0; i < CE_TOK_FIRST_REGULAR; i++)
    if (strcmp (t, specials[i]) == 0)
      return true;
  return false;
}

/* Builds a vocabulary whose items are ITEMS (N, the specials first).
 * Duplicates are an error. */
static CeVocab *
vocab_from_items (const char *const *items, int n, CeStatus *status, char *msg)
{
  CeVocab *v = calloc (1, sizeof *v);
  if (v)
    {
      v->items = calloc ((size_t) (n > 0 ? n : 1), sizeof *v->items);
      v->slot = calloc ((size_t) (n > 0 ? n : 1), 1);
    }
  if (!v || !v->items || !v->slot)
    goto nomem;
  ce__strmap_init (&v->ids);
  for (int i = 0; i < n; i++)
    {
      size_t l = strlen (items[i]);
      size_t bad;
      if (!ce_utf8_valid (items[i], l, &bad))
        {
          ce__msg (msg, "vocabulary item %d is not valid UTF-8 (byte %zu)", i, bad);
          *status = CE_ERR_FORMAT;
          ce_vocab_free (v);
          return NULL;
        }
      bool added;
      int32_t *slot = ce__strmap_insert (&v->ids, items[i], l, i, &added);
      if (!slot)
        goto nomem;
      if (!added)
        {
          ce__msg (msg, "vocabulary item %d \"%.64s\" repeats item %d", i, items[i], (int) *slot);
          *status = CE_ERR_FORMAT;
          ce_vocab_free (v);
          return NULL;
        }
      v->items[i] = malloc (l + 1);
      if (!v->items[i])
        goto nomem;
      memcpy (v->items[i], items[i], l + 1);
      v->slot[i] = i >= CE_TOK_FIRST_REGULAR && ce__is_slot_token (items[i]);
      v->size = i + 1;
    }
  *status = CE_OK;
  return v;
nomem:
  ce_vocab_free (v);
  ce__msg (msg, "out of memory building the vocabulary");
  *status = CE_ERR_NOMEM;
  return NULL;
}

CeVocab *
ce_vocab_builder_finish (const CeVocabBuilder *b, int min_count, int max_size,
                         const char *const *reserved, int n_reserved, CeStatus *status, char *msg)
{
  CeStatus dummy;
  if (!status)
    status = &dummy;
  if (max_size > 0 && max_size < CE_TOK_FIRST_REGULAR + n_reserved)
    {
      ce__msg (msg, "vocabulary size %d cannot hold the %d specials and %d reserved tokens",
               max_size, CE_TOK_FIRST_REGULAR, n_reserved);
      *status = CE_ERR_INVALID_ARG;
      return NULL;
    }
  int total = CE_TOK_FIRST_REGULAR + n_reserved + b->n;
  const char **items = malloc ((size_t) total * sizeof *items);
  Entry *entries = malloc ((size_t) (b->n > 0 ? b->n : 1) * sizeof *entries);
  CeStrMap seen;
  ce__strmap_init (&seen);
  CeVocab *v = NULL;
  if (!items || !entries)
    {
      ce__msg (msg, "out of memory building the vocabulary");
      *status = CE_ERR_NOMEM;
      goto out;
    }
  int n = 0;
  for (int i = 0; i < CE_TOK_FIRST_REGULAR; i++)
    items[n++] = specials[i];
  for (int i = 0; i < n_reserved; i++)
    {
      bool added;
      if (is_special (reserved[i]))
        continue;
      if (!ce__strmap_insert (&seen, reserved[i], strlen (reserved[i]), 0, &added))
        {
          ce__msg (msg, "out of memory building the vocabulary");
          *status = CE_ERR_NOMEM;
          goto out;
        }
      if (added)
        items[n++] = reserved[i];
    }
  /* the builder's keys live in its map; walk the map's slots */
  int ne = 0;
  for (size_t s = 0; s < b->ids.cap; s++)
    {
      const char *tok = b->ids.keys[s];
      if (!tok)
        continue;
      long count = b->counts[b->ids.vals[s]];
      if (count < min_count || is_special (tok) || ce__strmap_find (&seen, tok, strlen (tok)))
        continue;
      entries[ne].token = tok;
      entries[ne].count = count;
      ne++;
    }
  qsort (entries, (size_t) ne, sizeof *entries, entry_cmp);
  for (int i = 0; i < ne && (max_size <= 0 || n < max_size); i++)
    items[n++] = entries[i].token;
  v = vocab_from_items (items, n, status, msg);
out:
  ce__strmap_clear (&seen);
  free (items);
  free (entries);
  return v;
}

CeVocab *
ce_vocab_new_from_list (const char *const *items, int n, CeStatus *status, char *msg)
{
  CeStatus dummy;
  if (!status)
    status = &dummy;
  if (n < CE_TOK_FIRST_REGULAR || !items)
    {
      ce__msg (msg, "vocabulary has %d items, fewer than the %d specials", n, CE_TOK_FIRST_REGULAR);
      *status = CE_ERR_FORMAT;
      return NULL;
    }
  for (int i = 0; i < CE_TOK_FIRST_REGULAR; i++)
    if (!items[i] || strcmp (items[i], specials[i]) != 0)
      {
        ce__msg (msg, "vocabulary item %d is \"%.32s\", expected \"%s\"", i,
                 items[i] ? items[i] : "(null)", specials[i]);
        *status = CE_ERR_FORMAT;
        return NULL;
      }
  for (int i = 0; i < n; i++)
    if (!items[i])
      {
        ce__msg (msg, "vocabulary item %d is missing", i);
        *status = CE_ERR_FORMAT;
        return NULL;
      }
  return vocab_from_items (items, n, status, msg);
}

void
ce_vocab_free (CeVocab *v)
{
  if (!v)
    return;
  for (int i = 0; i < v->size; i++)
    free (v->items[i]);
  free (v->items);
  free (v->slot);
  ce__strmap_clear (&v->ids);
  free (v);
}

int
ce_vocab_size (const CeVocab *v)
{
  return v->size;
}

int32_t
ce_vocab_lookup (const CeVocab *v, const char *token, ptrdiff_t len)
{
  size_t l = len < 0 ? strlen (token) : (size_t) len;
  int32_t *id = ce__strmap_find (&v->ids, token, l);
  return id ? *id : CE_TOK_UNK;
}

const char *
ce_vocab_token (const CeVocab *v, int32_t id)
{
  return (id >= 0 && id < v->size) ? v->items[id] : NULL;
}

const char *const *
ce_vocab_items (const CeVocab *v)
{
  return (const char *const *) v->items;
}

int
ce_vocab_is_slot (const CeVocab *v, int32_t id)
{
  return id >= 0 && id < v->size && v->slot[id];
}
