/* ce-slots.c — delexicalisation (values become slot tokens) and
 * relexicalisation (slot tokens become the row's values, never leaking). */
#include "ce-text-private.h"

#include <stdlib.h>
#include <string.h>

/* ---- folded text ------------------------------------------------------------ */

void
ce__folded_clear (CeFolded *f)
{
  free (f->cp);
  free (f->byte);
  free (f->chr);
  memset (f, 0, sizeof *f);
}

CeStatus
ce__folded_set (CeFolded *f, const char *text, size_t len, size_t *bad)
{
  f->n = 0;
  if (len + 1 > f->cap)
    {
      size_t cap = f->cap ? f->cap : 256;
      while (cap < len + 1)
        cap *= 2;
      uint32_t *cp = realloc (f->cp, cap * sizeof *cp);
      if (cp)
        f->cp = cp;
      size_t *byte = realloc (f->byte, cap * sizeof *byte);
      if (byte)
        f->byte = byte;
      size_t *chr = realloc (f->chr, cap * sizeof *chr);
      if (chr)
        f->chr = chr;
      if (!cp || !byte || !chr)
        return CE_ERR_NOMEM;
      f->cap = cap;
    }
  const unsigned char *u = (const unsigned char *) text;
  size_t i = 0, ci = 0;
  while (i < len)
    {
      uint32_t c;
      int k = ce__utf8_decode (u, len, i, &c);
      if (k == 0)
        {
          if (bad)
            *bad = i;
          return CE_ERR_FORMAT;
        }
      uint32_t folded = ce__fold (c);
      if (!(folded == ' ' && f->n > 0 && f->cp[f->n - 1] == ' '))
        {
          f->cp[f->n] = folded;
          f->byte[f->n] = i;
          f->chr[f->n] = ci;
          f->n++;
        }
      i += (size_t) k;
      ci++;
    }
  f->byte[f->n] = len;
  f->chr[f->n] = ci;
  return CE_OK;
}

static bool
latin_alnum (uint32_t c)
{
  return ce__is_alnum (c);
}

bool
ce__folded_can_start (const CeFolded *f, size_t p)
{
  if (p >= f->n || f->cp[p] == ' ')
    return false;
  return !(latin_alnum (f->cp[p]) && p > 0 && latin_alnum (f->cp[p - 1]));
}

size_t
ce__folded_end (const CeFolded *f, size_t e)
{
  if (e == 0)
    return 0;
  uint32_t last = f->cp[e - 1];
  if (!latin_alnum (last) || e >= f->n || !latin_alnum (f->cp[e]))
    return e;
  if (!ce__is_letter (last))
    return 0;
  if (f->cp[e] == 's' && (e + 1 >= f->n || !latin_alnum (f->cp[e + 1])))
    return e + 1;
  if (f->cp[e] == 'e' && e + 1 < f->n && f->cp[e + 1] == 's' && (e + 2 >= f->n || !latin_alnum (f->cp[e + 2])))
    return e + 2;
  return 0;
}

size_t
ce__folded_match (const CeFolded *f, size_t p, const char *value)
{
  CeFoldIter it;
  ce__fold_iter_init (&it, value);
  size_t e = p;
  uint32_t c;
  while ((c = ce__fold_iter_next (&it)) != 0)
    {
      if (e >= f->n || f->cp[e] != c)
        return 0;
      e++;
    }
  return e == p ? 0 : ce__folded_end (f, e);
}

/* ---- delexicalisation ---------------------------------------------------------- */

typedef struct {
  const char *value;
  char slot[300];
  size_t folded_len;
} Candidate;

static int
candidate_cmp (const void *a, const void *b)
{
  const Candidate *x = a, *y = b;
  if (x->folded_len != y->folded_len)
    return x->folded_len > y->folded_len ? -1 : 1;
  return strcmp (x->slot, y->slot);
}

static size_t
folded_len (const char *s)
{
  CeFoldIter it;
  ce__fold_iter_init (&it, s);
  size_t n = 0;
  while (ce__fold_iter_next (&it))
    n++;
  return n;
}

char *
ce_delexicalise (const CeAttrs *row, const CeDelexKeys *keys, const char *text, int *n_slots,
                 CeStatus *status, char *msg)
{
  CeStatus dummy;
  if (!status)
    status = &dummy;
  if (n_slots)
    *n_slots = 0;
  size_t len = strlen (text);
  Candidate *cands = calloc ((size_t) (row->n > 0 ? row->n : 1), sizeof *cands);
  CeFolded f = { 0 };
  char *out = NULL;
  if (!cands)
    goto nomem;
  int nc = 0;
  for (int i = 0; i < row->n; i++)
    if (ce_delex_key_selected (keys, row->items[i].key))
      {
        cands[nc].value = row->items[i].value;
        cands[nc].folded_len = folded_len (row->items[i].value);
        if (cands[nc].folded_len == 0
            || ce_slot_token (row->items[i].key, row->items[i].rank, cands[nc].slot, sizeof cands[nc].slot) < 0)
          continue;
        nc++;
      }
  qsort (cands, (size_t) nc, sizeof *cands, candidate_cmp);
  size_t bad = 0;
  CeStatus st = ce__folded_set (&f, text, len, &bad);
  if (st == CE_ERR_FORMAT)
    {
      ce__msg (msg, "invalid UTF-8 at byte %zu", bad);
      *status = st;
      goto out;
    }
  if (st != CE_OK)
    goto nomem;
  /* each slot is at most 300 bytes and replaces at least one character */
  size_t cap = len + 1;
  for (int i = 0; i < nc; i++)
    cap += (strlen (cands[i].slot) + 1) * (len / cands[i].folded_len + 1);
  out = malloc (cap);
  if (!out)
    goto nomem;
  size_t o = 0, copied = 0;
  for (size_t p = 0; p < f.n;)
    {
      size_t e = 0;
      int which = -1;
      if (ce__folded_can_start (&f, p))
        for (int c = 0; c < nc && which < 0; c++)
          if ((e = ce__folded_match (&f, p, cands[c].value)) != 0)
            which = c;
      if (which < 0)
        {
          p++;
          continue;
        }
      memcpy (out + o, text + copied, f.byte[p] - copied);
      o += f.byte[p] - copied;
      size_t sl = strlen (cands[which].slot);
      memcpy (out + o, cands[which].slot, sl);
      o += sl;
      copied = f.byte[e];
      if (n_slots)
        (*n_slots)++;
      p = e;
    }
  memcpy (out + o, text + copied, len - copied);
  o += len - copied;
  out[o] = '\0';
  *status = CE_OK;
  goto out;
nomem:
  ce__msg (msg, "out of memory while delexicalising");
  *status = CE_ERR_NOMEM;
  free (out);
  out = NULL;
out:
  free (cands);
  ce__folded_clear (&f);
  return out;
}

/* ---- relexicalisation ----------------------------------------------------------- */

/* Words that cannot end a phrase: when a dropped slot leaves one of them
 * before punctuation or the end, the phrase is broken. */
static const char *const dangling[] = {
  "a", "an", "the", "near", "by", "at", "in", "on", "of", "to", "from", "with", "and", "or",
  "called", "named", "is", "are", "for", "serves", "serving", "\xE7\x9A\x84" /* 的 */,
  "\xE5\x9C\xA8" /* 在 */, "\xE6\x98\xAF" /* 是 */, "\xE5\x92\x8C" /* 和 */,
};

static bool
is_dangling (const char *tok)
{
  for (size_t i = 0; i < sizeof dangling / sizeof *dangling; i++)
    if (ce__fold_equal (tok, dangling[i]))
      return true;
  return false;
}

static bool
is_punct_token (const char *tok)
{
  uint32_t cp;
  size_t n = strlen (tok);
  int k = ce__utf8_decode ((const unsigned char *) tok, n, 0, &cp);
  if (k == 0 || (size_t) k != n)
    return false;
  if (ce__is_cjk (cp))
    return (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20);
  return !ce__is_alnum (cp) && !ce__is_space (cp);
}

char *
ce_relexicalise (const CeAttrs *row, const char *const *tokens, int n, CeRelexReport *report,
                 CeStatus *status, char *msg)
{
  CeStatus dummy;
  if (!status)
    status = &dummy;
  CeRelexReport rep = { 0 };
  const char **kept = malloc ((size_t) (n > 0 ? n : 1) * sizeof *kept);
  bool *dropped_before = calloc ((size_t) n + 1, sizeof *dropped_before);   /* a drop right before kept[k] */
  char (*slots)[300] = malloc ((size_t) (row->n > 0 ? row->n : 1) * sizeof *slots);
  char *out = NULL;
  if (!kept || !dropped_before || !slots)
    goto nomem;
  for (int a = 0; a < row->n; a++)
    if (ce_slot_token (row->items[a].key, row->items[a].rank, slots[a], sizeof slots[a]) < 0)
      slots[a][0] = '\0';
  int nk = 0, drops = 0;
  for (int i = 0; i < n; i++)
    {
      const char *t = tokens[i];
      if (strcmp (t, "<unk>") == 0 || strcmp (t, "<pad>") == 0 || strcmp (t, "<s>") == 0 || strcmp (t, "</s>") == 0)
        {
          rep.n_unknown++;
          dropped_before[nk] = true;
          drops++;
          continue;
        }
      if (ce__is_slot_token (t))
        {
          int found = -1;
          for (int a = 0; a < row->n && found < 0; a++)
            if (strcmp (slots[a], t) == 0)
              found = a;
          if (found < 0)
            {
              rep.n_unfilled++;
              dropped_before[nk] = true;
              drops++;
              continue;
            }
          rep.n_filled++;
          kept[nk++] = row->items[found].value;
          continue;
        }
      kept[nk++] = t;
    }
  if (drops > 0)
    {
      if (nk == 0)
        rep.broken = 1;
      for (int k = 0; k <= nk && !rep.broken; k++)
        {
          if (!dropped_before[k])
            continue;
          const char *prev = k > 0 ? kept[k - 1] : NULL, *next = k < nk ? kept[k] : NULL;
          bool next_end = next == NULL || is_punct_token (next);
          if (prev && is_dangling (prev) && (next_end || is_dangling (next)))
            rep.broken = 1;
          else if (!prev && next && is_dangling (next))
            rep.broken = 1;
          else if (prev && next && is_punct_token (prev) && is_punct_token (next))
            rep.broken = 1;
          else if (!prev && next && is_punct_token (next))
            rep.broken = 1;
        }
    }
  out = ce_detokenize (kept, nk);
  if (!out)
    goto nomem;
  *status = CE_OK;
  goto done;
nomem:
  ce__msg (msg, "out of memory while relexicalising");
  *status = CE_ERR_NOMEM;
done:
  if (report)
    *report = rep;
  free (kept);
  free (dropped_before);
  free (slots);
  return out;
}

int
ce_vocab_unfillable_slots (const CeVocab *vocab, const CeAttrs *row, uint8_t *mask)
{
  int V = ce_vocab_size (vocab), banned = 0;
  char slot[300];
  for (int id = 0; id < V; id++)
    {
      mask[id] = 0;
      if (!ce_vocab_is_slot (vocab, id))
        continue;
      const char *tok = ce_vocab_token (vocab, id);
      bool fillable = false;
      for (int a = 0; a < row->n && !fillable; a++)
        fillable = ce_slot_token (row->items[a].key, row->items[a].rank, slot, sizeof slot) > 0
                   && strcmp (slot, tok) == 0;
      if (!fillable)
        {
          mask[id] = 1;
          banned++;
        }
    }
  return banned;
}
