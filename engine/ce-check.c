/* ce-check.c — the fact check of a text against a row: mentioned, missing
 * and invented values with byte and character ranges, over the lexicon of
 * ce-lexicon.c. It allocates only when its buffers grow. */
#include "ce-text-private.h"
#include "ce-lexicon-private.h"

#include <stdlib.h>
#include <string.h>

/* Scratch of a CeCheck (CeCheck.priv_). */
typedef struct {
  CeFolded folded;
  int *lex_key;        /* (row n) lexicon key of each row attribute, -1 = none */
  int *hit;            /* (row n) mentions of each row attribute */
  size_t *val_start;   /* (row n + 1) each row value's folded code points in vals */
  int cap_row;
  uint32_t *vals;      /* the row's values, folded, one after another */
  size_t cap_vals;
  size_t *mspan;       /* folded [start, end) of the main scan's mentions and silent spans */
  int cap_mspan;
} CheckScratch;

/* ---- the check ------------------------------------------------------------------- */

void
ce_check_init (CeCheck *c)
{
  memset (c, 0, sizeof *c);
}

void
ce_check_clear (CeCheck *c)
{
  CheckScratch *s = c->priv_;
  if (s)
    {
      ce__folded_clear (&s->folded);
      free (s->lex_key);
      free (s->hit);
      free (s->val_start);
      free (s->vals);
      free (s->mspan);
      free (s);
    }
  free (c->mentioned);
  free (c->missing);
  free (c->invented);
  memset (c, 0, sizeof *c);
}

static bool
push_mention (CeMention **arr, int *n, int *cap, const CeMention *m)
{
  if (!ce__lex_grow ((void **) arr, cap, *n + 1, sizeof **arr))
    return false;
  (*arr)[(*n)++] = *m;
  return true;
}

/* End of the folded value V (N code points) matched at P, or 0. */
static size_t
match_folded (const CeFolded *f, size_t p, const uint32_t *v, size_t n)
{
  if (n == 0 || p + n > f->n || f->cp[p] != v[0])
    return 0;
  for (size_t i = 1; i < n; i++)
    if (f->cp[p + i] != v[i])
      return 0;
  return ce__folded_end (f, p + n);
}

/* Longest surface of the lexicon starting at P: the node whose payloads
 * apply, and the end (plural included); -1 when none. */
static int
longest_surface (const CeLexicon *lex, const CeFolded *f, size_t p, size_t *end)
{
  int node = 0, best = -1;
  *end = 0;
  for (size_t j = p; j < f->n; j++)
    {
      node = ce__lex_child_of (lex, node, f->cp[j]);
      if (node < 0)
        break;
      if (lex->nodes[node].payload >= 0)
        {
          size_t e = ce__folded_end (f, j + 1);
          if (e > *end)
            {
              *end = e;
              best = node;
            }
        }
    }
  return best;
}

/* What the three words before entry P (in the same clause) say about the
 * span there: NEGATED ("not", "isn't" …), LOCATIVE ("north of the", "near
 * the", "outside" …: a place relative to the value, no claim of it) or
 * PLAIN. */
typedef enum { CUE_PLAIN, CUE_NEGATED, CUE_LOCATIVE, CUE_PAIRED } Cue;

static bool
word_is (const CeFolded *f, size_t q, size_t end, const char *w)
{
  size_t n = strlen (w), i = 0;
  if (n != end - q)
    return false;
  while (i < n && f->cp[q + i] == (uint32_t) (unsigned char) w[i])
    i++;
  return i == n;
}

static Cue
cue_before (const CeFolded *f, size_t p)
{
  static const char *const negations[] = { "not", "no", "non", "isn't", "aren't", "isnt", "arent", "never",
                                           "doesn't", "don't", "nor", "without", "wasn't", "cannot", "can't" };
  static const char *const locatives[] = { "north", "south", "east", "west", "outside", "outskirts", "near",
                                           "away", "close", "next", "edge", "beyond", "nearby" };
  size_t q = p;
  for (int words = 0; words < 3; words++)
    {
      while (q > 0 && f->cp[q - 1] == ' ')
        q--;
      if (q == 0 || !(ce__is_alnum (f->cp[q - 1]) || f->cp[q - 1] == '\''))
        return CUE_PLAIN;   /* start of text or punctuation: the clause ends */
      size_t end = q;
      while (q > 0 && (ce__is_alnum (f->cp[q - 1]) || f->cp[q - 1] == '\''))
        q--;
      for (size_t c = 0; c < sizeof negations / sizeof *negations; c++)
        if (word_is (f, q, end, negations[c]))
          return CUE_NEGATED;
      for (size_t c = 0; c < sizeof locatives / sizeof *locatives; c++)
        if (word_is (f, q, end, locatives[c]))
          return CUE_LOCATIVE;
    }
  return CUE_PLAIN;
}

/* 1 when the few characters before CJK entry P (in the same clause) pair
 * the product with something else: 搭配黑色裤子 names the trousers' colour,
 * not the product's; 能跟牛仔裤 is no claim that the product is jeans. */
static bool
cjk_pairing_before (const CeFolded *f, size_t p)
{
  static const char *const cues[] = { "搭配", "搭", "配", "跟", "与", "叠穿", "内搭", "外搭", "配上", "加" };
  size_t start = p;
  while (start > 0 && p - start < 6)
    {
      uint32_t c = f->cp[start - 1];
      if (c == 0xFF0C || c == 0x3002 || c == 0xFF01 || c == 0xFF1B || c == 0x3001 || c == ',' || c == '.'
          || c == '!' || c == ';' || c == 0xFF1F || c == '?')
        break;
      start--;
    }
  for (size_t c = 0; c < sizeof cues / sizeof *cues; c++)
    {
      /* the cue's code points */
      uint32_t cp[4];
      size_t n = 0;
      const unsigned char *u = (const unsigned char *) cues[c];
      size_t len = strlen (cues[c]);
      for (size_t i = 0; i < len && n < 4;)
        {
          int k = ce__utf8_decode (u, len, i, &cp[n]);
          if (k == 0)
            break;
          i += (size_t) k;
          n++;
        }
      for (size_t q = start; q + n <= p; q++)
        if (memcmp (f->cp + q, cp, n * sizeof *cp) == 0)
          return true;
    }
  return false;
}

/* 1 when the folded row value CP (N), as a whole, is a surface of the
 * lexicon's VALUE: a row saying 纯棉 (or "gray") has the value 棉 ("grey"),
 * so a text saying 全棉 ("grey") names it rightly. */
static bool
row_value_is_surface_of (const CeLexicon *lex, const uint32_t *cp, size_t n, int value)
{
  int node = 0;
  if (n == 0)
    return false;
  for (size_t i = 0; i < n; i++)
    if ((node = ce__lex_child_of (lex, node, cp[i])) < 0)
      return false;
  for (int pl = lex->nodes[node].payload; pl >= 0; pl = lex->payloads[pl].next)
    if (lex->payloads[pl].value == value)
      return true;
  return false;
}

/* The row attribute VALUE (a lexicon value) realises, preferring one not
 * mentioned yet; -1 when none. A row value realises VALUE when it is
 * VALUE or one of VALUE's surfaces (its canonical form is VALUE). */
static int
row_attr_for_value (const CeLexicon *lex, const CeAttrs *row, const CheckScratch *s, int value)
{
  int found = -1;
  for (int a = 0; a < row->n; a++)
    if (s->lex_key[a] == lex->values[value].key
        && (ce__lex_folded_eq (&lex->values[value].folded, s->vals + s->val_start[a], s->val_start[a + 1] - s->val_start[a])
            || row_value_is_surface_of (lex, s->vals + s->val_start[a], s->val_start[a + 1] - s->val_start[a], value)))
      {
        if (s->hit[a] == 0)
          return a;
        if (found < 0)
          found = a;
      }
  return found;
}

CeStatus
ce_fact_check (const CeLexicon *lex, const CeAttrs *row, const char *text, ptrdiff_t len, CeCheck *out,
               char *msg)
{
  if (!lex || !row || !text || !out)
    {
      ce__msg (msg, "ce_fact_check: lexicon, row, text and result are required");
      return CE_ERR_INVALID_ARG;
    }
  out->n_values = out->n_mentioned = out->n_missing = out->n_invented = 0;
  CheckScratch *s = out->priv_;
  if (!s && !(s = out->priv_ = calloc (1, sizeof *s)))
    goto nomem;
  /* val_start needs row->n + 1 entries: a row without attributes too. */
  if (s->val_start == NULL || row->n > s->cap_row)
    {
      int cap = row->n * 2 + 4;
      int *lk = realloc (s->lex_key, (size_t) cap * sizeof *lk);
      if (!lk)
        goto nomem;
      s->lex_key = lk;
      int *hit = realloc (s->hit, (size_t) cap * sizeof *hit);
      if (!hit)
        goto nomem;
      s->hit = hit;
      size_t *vs = realloc (s->val_start, (size_t) (cap + 1) * sizeof *vs);
      if (!vs)
        goto nomem;
      s->val_start = vs;
      s->cap_row = cap;
    }
  /* fold the row's values once */
  size_t total = 0;
  for (int a = 0; a < row->n; a++)
    total += strlen (row->items[a].value);
  if (total > s->cap_vals)
    {
      uint32_t *v = realloc (s->vals, (total * 2 + 16) * sizeof *v);
      if (!v)
        goto nomem;
      s->vals = v;
      s->cap_vals = total * 2 + 16;
    }
  size_t nv = 0;
  for (int a = 0; a < row->n; a++)
    {
      s->val_start[a] = nv;
      CeFoldIter it;
      ce__fold_iter_init (&it, row->items[a].value);
      uint32_t cp;
      while ((cp = ce__fold_iter_next (&it)) != 0)
        s->vals[nv++] = cp;
    }
  s->val_start[row->n] = nv;
  size_t n = len < 0 ? strlen (text) : (size_t) len, bad = 0;
  CeStatus st = ce__folded_set (&s->folded, text, n, &bad);
  if (st == CE_ERR_FORMAT)
    {
      ce__msg (msg, "invalid UTF-8 at byte %zu", bad);
      return st;
    }
  if (st != CE_OK)
    goto nomem;
  for (int a = 0; a < row->n; a++)
    {
      /* fold the key on the stack: no allocation for ordinary keys */
      uint32_t kbuf[128];
      size_t kn = 0;
      CeFoldIter it;
      ce__fold_iter_init (&it, row->items[a].key);
      uint32_t cp;
      while ((cp = ce__fold_iter_next (&it)) != 0 && kn < 128)
        kbuf[kn++] = cp;
      int k = cp == 0 ? ce__lex_find_key_folded (lex, kbuf, kn) : ce__lex_find_key (lex, row->items[a].key);
      s->hit[a] = 0;
      s->lex_key[a] = k;
      if ((k >= 0 && (lex->keys[k].flags & CE_LEX_IGNORE)) || s->val_start[a + 1] == s->val_start[a])
        s->hit[a] = -1;   /* not checked: an ignored key, or a value of separators only ("-") */
      else
        out->n_values++;
    }
  const CeFolded *f = &s->folded;
  int n_spans = 0;
  for (size_t p = 0; p < f->n;)
    {
      if (!ce__folded_can_start (f, p))
        {
          p++;
          continue;
        }
      /* the row's own values, verbatim */
      size_t row_end = 0;
      int row_attr = -1;
      for (int a = 0; a < row->n; a++)
        {
          if (s->hit[a] < 0)
            continue;
          size_t e = match_folded (f, p, s->vals + s->val_start[a], s->val_start[a + 1] - s->val_start[a]);
          if (e > row_end || (e == row_end && e > 0 && s->hit[row_attr] > 0 && s->hit[a] == 0))
            {
              row_end = e;
              row_attr = a;
            }
        }
      size_t lex_end;
      int node = longest_surface (lex, f, p, &lex_end);
      size_t end = row_end > lex_end ? row_end : lex_end;
      if (end == 0)
        {
          p++;
          continue;
        }
      /* One span may realise several row values: 外套 is 衣样式=外套 and
       * 类型=上衣. Credit them all; invent only when it realises none. */
      enum { MAX_CREDIT = 16 };
      int credited[MAX_CREDIT], n_credited = 0, invented_value = -1;
      if (row_attr >= 0 && row_end == end)
        credited[n_credited++] = row_attr;
      if (node >= 0 && lex_end == end)
        {
          Cue cue = ce__is_cjk (f->cp[p]) ? (cjk_pairing_before (f, p) ? CUE_PAIRED : CUE_PLAIN) : cue_before (f, p);
          for (int pl = lex->nodes[node].payload; pl >= 0; pl = lex->payloads[pl].next)
            {
              int v = lex->payloads[pl].value;
              /* "not very kid friendly" realises familyFriendly=no; any
               * other negated value ("not in the city centre") or a place
               * relative to one ("north of the city centre") is no claim,
               * unless it is the row's own */
              bool silent = cue == CUE_NEGATED || cue == CUE_PAIRED
                            || (cue == CUE_LOCATIVE && (lex->keys[lex->values[v].key].flags & CE_LEX_LOCATIVE_));
              if (cue == CUE_NEGATED && lex->values[v].negation >= 0)
                {
                  v = lex->values[v].negation;
                  silent = false;
                }
              int a = row_attr_for_value (lex, row, s, v);
              if (a >= 0 && s->hit[a] >= 0)
                {
                  bool seen = false;
                  for (int i = 0; i < n_credited; i++)
                    seen = seen || credited[i] == a;
                  if (!seen && n_credited < MAX_CREDIT)
                    credited[n_credited++] = a;
                }
              else if (!silent && invented_value < 0
                       && !(lex->keys[lex->values[v].key].flags & (CE_LEX_IGNORE | CE_LEX_SOFT)))
                {
                  bool key_in_row = false;
                  for (int b = 0; b < row->n && !key_in_row; b++)
                    key_in_row = s->lex_key[b] == lex->values[v].key && s->hit[b] >= 0;
                  if (key_in_row || (lex->keys[lex->values[v].key].flags & CE_LEX_STRICT))
                    invented_value = v;
                }
            }
          /* A span that says nothing about this row is skipped whole: a
           * Latin one is a name ("Raja Indian Cuisine" is no claim about
           * food), a CJK one a compound (搭配牛仔裤 is no claim that a top
           * is trousers); a row value inside it still counts (below). */
        }
      if (n_credited > 0 || (invented_value < 0 && ce__is_cjk (f->cp[p])))
        {
          /* mentions and silent CJK compounds may hold another row value
           * (a silent Latin span is a name: "Raja Indian Cuisine" says
           * nothing about the food) */
          if (!ce__lex_grow ((void **) &s->mspan, &s->cap_mspan, 2 * (n_spans + 1), sizeof *s->mspan))
            goto nomem;
          s->mspan[2 * n_spans] = p;
          s->mspan[2 * n_spans + 1] = end;
          n_spans++;
        }
      for (int i = 0; i < n_credited; i++)
        {
          int a = credited[i];
          CeMention m = { a, row->items[a].key, row->items[a].value, f->byte[p], f->byte[end], f->chr[p], f->chr[end] };
          s->hit[a]++;
          if (!push_mention (&out->mentioned, &out->n_mentioned, &out->cap_m_, &m))
            goto nomem;
        }
      if (n_credited == 0 && invented_value >= 0)
        {
          CeMention m = { -1, lex->keys[lex->values[invented_value].key].name, lex->values[invented_value].value,
                          f->byte[p], f->byte[end], f->chr[p], f->chr[end] };
          if (!push_mention (&out->invented, &out->n_invented, &out->cap_i_, &m))
            goto nomem;
        }
      p = end;
    }
  /* A value inside another span is mentioned too: "A字裙" (裙型) also
   * says 裙 (类型). */
  int n_main = out->n_mentioned;
  for (int a = 0; a < row->n; a++)
    {
      if (s->hit[a] != 0)
        continue;
      const uint32_t *v = s->vals + s->val_start[a];
      size_t vn = s->val_start[a + 1] - s->val_start[a];
      for (int k = 0; k < n_spans && s->hit[a] == 0; k++)
        for (size_t q = s->mspan[2 * k]; q < s->mspan[2 * k + 1] && s->hit[a] == 0; q++)
          {
            size_t e = ce__folded_can_start (f, q) ? match_folded (f, q, v, vn) : 0;
            if (e == 0 || e > s->mspan[2 * k + 1])
              continue;
            CeMention m = { a, row->items[a].key, row->items[a].value, f->byte[q], f->byte[e], f->chr[q], f->chr[e] };
            s->hit[a]++;
            if (!push_mention (&out->mentioned, &out->n_mentioned, &out->cap_m_, &m))
              goto nomem;
          }
    }
  /* back in text order (insertion: the nested ones are few) */
  for (int i = n_main; i < out->n_mentioned; i++)
    {
      CeMention m = out->mentioned[i];
      int j = i;
      while (j > 0 && out->mentioned[j - 1].byte_start > m.byte_start)
        {
          out->mentioned[j] = out->mentioned[j - 1];
          j--;
        }
      out->mentioned[j] = m;
    }
  for (int a = 0; a < row->n; a++)
    if (s->hit[a] == 0)
      {
        if (!ce__lex_grow ((void **) &out->missing, &out->cap_miss_, out->n_missing + 1, sizeof *out->missing))
          goto nomem;
        out->missing[out->n_missing++] = a;
      }
  return CE_OK;
nomem:
  ce__msg (msg, "out of memory in the fact check");
  return CE_ERR_NOMEM;
}

double
ce_check_slot_error_rate (const CeCheck *c)
{
  return c->n_values > 0 ? (double) (c->n_missing + c->n_invented) / c->n_values : 0.0;
}

void
ce_slot_errors_add (CeSlotErrors *acc, const CeCheck *c)
{
  acc->values += c->n_values;
  acc->missing += c->n_missing;
  acc->invented += c->n_invented;
  acc->texts++;
  acc->texts_invented += c->n_invented > 0;
}

double
ce_slot_errors_invented_rate (const CeSlotErrors *acc)
{
  return acc->values > 0 ? (double) acc->invented / (double) acc->values : 0.0;
}

double
ce_slot_errors_missing_rate (const CeSlotErrors *acc)
{
  return acc->values > 0 ? (double) acc->missing / (double) acc->values : 0.0;
}

double
ce_slot_errors_texts_invented_rate (const CeSlotErrors *acc)
{
  return acc->texts > 0 ? (double) acc->texts_invented / (double) acc->texts : 0.0;
}

double
ce_slot_errors_rate (const CeSlotErrors *acc)
{
  return acc->values > 0 ? (double) (acc->missing + acc->invented) / (double) acc->values : 0.0;
}
