/* ce-lexicon.c — the fact check: a lexicon of known values and their
 * surface forms in a trie over folded characters, and the check of a text
 * against a row (mentioned, missing, invented values with byte and
 * character ranges). The check allocates only when its buffers grow. */
#include "ce-text-private.h"
#include "ce-lexicon-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  uint32_t *cp;        /* folded code points (ce__fold_iter) */
  size_t n;
} Folded;

typedef struct {
  char *name;
  Folded folded;
  unsigned flags;
  int alias_of;        /* -1, or the key this name stands for */
} Key;

typedef struct {
  int key;
  char *value;
  Folded folded;
  int negation;        /* the value a negated surface of this one realises, -1 = none */
} Value;

typedef struct {
  uint32_t cp;
  int child, sibling;  /* -1 = none */
  int payload;         /* head of the payload list, -1 = no surface ends here */
} Node;

typedef struct {
  int value, next;
} Payload;

struct CeLexicon {
  Key *keys;
  int n_keys, cap_keys;
  Value *values;
  int n_values, cap_values;
  CeStrMap value_ids;  /* "key-index\x1ffolded value" -> value index */
  Node *nodes;
  int n_nodes, cap_nodes;
  Payload *payloads;
  int n_payloads, cap_payloads;
  int root_ascii[128];   /* child of the root for an ASCII code point, -1 = none */
};

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

static bool
grow (void **p, int *cap, int need, size_t elem)
{
  if (need <= *cap)
    return true;
  int c = *cap ? *cap : 16;
  while (c < need)
    c *= 2;
  void *q = realloc (*p, (size_t) c * elem);
  if (!q)
    return false;
  *p = q;
  *cap = c;
  return true;
}

/* Folds S into F (allocated); false when out of memory. */
static bool
fold_alloc (const char *s, Folded *f)
{
  size_t len = strlen (s);
  f->n = 0;
  f->cp = malloc ((len + 1) * sizeof *f->cp);
  if (!f->cp)
    return false;
  CeFoldIter it;
  ce__fold_iter_init (&it, s);
  uint32_t c;
  while ((c = ce__fold_iter_next (&it)) != 0)
    f->cp[f->n++] = c;
  return true;
}

static bool
folded_eq (const Folded *f, const uint32_t *cp, size_t n)
{
  return f->n == n && (n == 0 || memcmp (f->cp, cp, n * sizeof *cp) == 0);
}

CeLexicon *
ce_lexicon_new (void)
{
  CeLexicon *lex = calloc (1, sizeof *lex);
  if (!lex)
    return NULL;
  ce__strmap_init (&lex->value_ids);
  if (!grow ((void **) &lex->nodes, &lex->cap_nodes, 1, sizeof *lex->nodes))
    {
      free (lex);
      return NULL;
    }
  lex->nodes[0] = (Node) { 0, -1, -1, -1 };
  lex->n_nodes = 1;
  for (int i = 0; i < 128; i++)
    lex->root_ascii[i] = -1;
  return lex;
}

void
ce_lexicon_free (CeLexicon *lex)
{
  if (!lex)
    return;
  for (int i = 0; i < lex->n_keys; i++)
    {
      free (lex->keys[i].name);
      free (lex->keys[i].folded.cp);
    }
  for (int i = 0; i < lex->n_values; i++)
    {
      free (lex->values[i].value);
      free (lex->values[i].folded.cp);
    }
  free (lex->keys);
  free (lex->values);
  free (lex->nodes);
  free (lex->payloads);
  ce__strmap_clear (&lex->value_ids);
  free (lex);
}

/* The key index the folded name CP (N) resolves to (through aliases), -1
 * when unknown. */
static int
find_key_folded (const CeLexicon *lex, const uint32_t *cp, size_t n)
{
  for (int i = 0; i < lex->n_keys; i++)
    if (folded_eq (&lex->keys[i].folded, cp, n))
      return lex->keys[i].alias_of >= 0 ? lex->keys[i].alias_of : i;
  return -1;
}

static int
find_key (const CeLexicon *lex, const char *name)
{
  Folded f;
  if (!fold_alloc (name, &f))
    return -1;
  int k = find_key_folded (lex, f.cp, f.n);
  free (f.cp);
  return k;
}

static int
add_key (CeLexicon *lex, const char *name, int alias_of)
{
  if (!grow ((void **) &lex->keys, &lex->cap_keys, lex->n_keys + 1, sizeof *lex->keys))
    return -1;
  char *copy = strdup (name);
  Folded f = { 0 };
  if (!copy || !fold_alloc (name, &f))
    {
      free (copy);
      return -1;
    }
  lex->keys[lex->n_keys] = (Key) { copy, f, 0, alias_of };
  return lex->n_keys++;
}

static int
get_key (CeLexicon *lex, const char *name)
{
  int k = find_key (lex, name);
  return k >= 0 ? k : add_key (lex, name, -1);
}

static CeStatus
check_text (const char *s, const char *what, char *msg)
{
  size_t bad;
  if (!s || !*s)
    {
      ce__msg (msg, "lexicon: empty %s", what);
      return CE_ERR_INVALID_ARG;
    }
  if (!ce_utf8_valid (s, strlen (s), &bad))
    {
      ce__msg (msg, "lexicon: %s is not valid UTF-8 (byte %zu)", what, bad);
      return CE_ERR_FORMAT;
    }
  return CE_OK;
}

static int
get_value (CeLexicon *lex, int key, const char *value, bool *is_new)
{
  /* the map key: key index, a separator, the folded value */
  size_t vl = strlen (value);
  char small[256];
  char *buf = vl * 4 + 16 <= sizeof small ? small : malloc (vl * 4 + 16);
  if (!buf)
    return -1;
  size_t o = (size_t) snprintf (buf, 16, "%d\x1f", key);
  CeFoldIter it;
  ce__fold_iter_init (&it, value);
  uint32_t c;
  while ((c = ce__fold_iter_next (&it)) != 0)
    o += (size_t) ce__utf8_encode (c, buf + o);
  bool added;
  int32_t *slot = ce__strmap_insert (&lex->value_ids, buf, o, lex->n_values, &added);
  if (buf != small)
    free (buf);
  if (!slot)
    return -1;
  *is_new = added;
  if (added)
    {
      char *copy = strdup (value);
      Folded f = { 0 };
      if (!copy || !fold_alloc (value, &f)
          || !grow ((void **) &lex->values, &lex->cap_values, lex->n_values + 1, sizeof *lex->values))
        {
          free (copy);
          free (f.cp);
          *slot = -1;   /* poisoned: the map keeps the key, the value is unusable */
          return -1;
        }
      lex->values[lex->n_values] = (Value) { key, copy, f, -1 };
      lex->n_values++;
    }
  return *slot;
}

static int
child_of (const CeLexicon *lex, int node, uint32_t cp)
{
  if (node == 0 && cp < 128)
    return lex->root_ascii[cp];
  for (int c = lex->nodes[node].child; c >= 0; c = lex->nodes[c].sibling)
    if (lex->nodes[c].cp == cp)
      return c;
  return -1;
}

static CeStatus
add_surface (CeLexicon *lex, int value, const char *surface)
{
  CeFoldIter it;
  ce__fold_iter_init (&it, surface);
  int node = 0;
  uint32_t c;
  while ((c = ce__fold_iter_next (&it)) != 0)
    {
      int next = child_of (lex, node, c);
      if (next < 0)
        {
          if (!grow ((void **) &lex->nodes, &lex->cap_nodes, lex->n_nodes + 1, sizeof *lex->nodes))
            return CE_ERR_NOMEM;
          next = lex->n_nodes++;
          lex->nodes[next] = (Node) { c, -1, lex->nodes[node].child, -1 };
          lex->nodes[node].child = next;
          if (node == 0 && c < 128)
            lex->root_ascii[c] = next;
        }
      node = next;
    }
  if (node == 0)
    return CE_ERR_INVALID_ARG;
  for (int p = lex->nodes[node].payload; p >= 0; p = lex->payloads[p].next)
    if (lex->payloads[p].value == value)
      return CE_OK;
  if (!grow ((void **) &lex->payloads, &lex->cap_payloads, lex->n_payloads + 1, sizeof *lex->payloads))
    return CE_ERR_NOMEM;
  lex->payloads[lex->n_payloads] = (Payload) { value, lex->nodes[node].payload };
  lex->nodes[node].payload = lex->n_payloads++;
  return CE_OK;
}

CeStatus
ce_lexicon_add (CeLexicon *lex, const char *key, const char *value, const char *surface, char *msg)
{
  CeStatus st;
  if ((st = check_text (key, "key", msg)) != CE_OK || (st = check_text (value, "value", msg)) != CE_OK
      || (surface && (st = check_text (surface, "surface", msg)) != CE_OK))
    return st;
  int k = get_key (lex, key);
  bool is_new = false;
  int v = k >= 0 ? get_value (lex, k, value, &is_new) : -1;
  if (v < 0)
    {
      ce__msg (msg, "lexicon: out of memory");
      return CE_ERR_NOMEM;
    }
  /* A known value of a closed key (E2E's "high", "average" …) keeps only
   * its built-in realisations: the bare word is ambiguous. */
  if (!surface && !is_new && (lex->keys[k].flags & CE_LEX_CLOSED_))
    return CE_OK;
  st = add_surface (lex, v, surface ? surface : value);
  if (st == CE_ERR_INVALID_ARG)
    ce__msg (msg, "lexicon: surface of %.64s=%.64s is only separators", key, value);
  else if (st != CE_OK)
    ce__msg (msg, "lexicon: out of memory");
  return st;
}

CeStatus
ce_lexicon_add_attrs (CeLexicon *lex, const CeAttrs *row, char *msg)
{
  for (int i = 0; i < row->n; i++)
    {
      CeStatus st = ce_lexicon_add (lex, row->items[i].key, row->items[i].value, NULL, msg);
      if (st != CE_OK && st != CE_ERR_INVALID_ARG)
        return st;
    }
  return CE_OK;
}

CeStatus
ce_lexicon_add_alias (CeLexicon *lex, const char *alias, const char *key, char *msg)
{
  CeStatus st;
  if ((st = check_text (alias, "alias", msg)) != CE_OK || (st = check_text (key, "key", msg)) != CE_OK)
    return st;
  int target = get_key (lex, key);
  if (target < 0)
    {
      ce__msg (msg, "lexicon: out of memory");
      return CE_ERR_NOMEM;
    }
  int existing = find_key (lex, alias);
  if (existing == target)
    return CE_OK;
  if (existing >= 0)
    {
      ce__msg (msg, "lexicon: \"%.64s\" is already a key of its own; add aliases before data", alias);
      return CE_ERR_INVALID_ARG;
    }
  return add_key (lex, alias, target) >= 0 ? CE_OK : CE_ERR_NOMEM;
}

CeStatus
ce_lexicon_set_flags (CeLexicon *lex, const char *key, unsigned flags, char *msg)
{
  CeStatus st = check_text (key, "key", msg);
  if (st != CE_OK)
    return st;
  int k = get_key (lex, key);
  if (k < 0)
    {
      ce__msg (msg, "lexicon: out of memory");
      return CE_ERR_NOMEM;
    }
  lex->keys[k].flags = (lex->keys[k].flags & (CE_LEX_CLOSED_ | CE_LEX_LOCATIVE_)) | flags;
  return CE_OK;
}

CeStatus
ce_lexicon_add_builtin (CeLexicon *lex, CeLexiconBuiltin which, char *msg)
{
  if ((int) which < 0 || (int) which > CE_LEXICON_MATERIALS)
    {
      ce__msg (msg, "lexicon: unknown built-in %d", (int) which);
      return CE_ERR_INVALID_ARG;
    }
  const CeLexTable *t = &ce__lex_tables[which];
  CeStatus st = CE_OK;
  for (int i = 0; i < t->n_aliases && st == CE_OK; i++)
    st = ce_lexicon_add_alias (lex, t->aliases[i], t->alias_target, msg);
  for (int i = 0; i < t->n_rows && st == CE_OK; i++)
    {
      if (t->rows[i].surface)
        st = ce_lexicon_add (lex, t->rows[i].key, t->rows[i].value, t->rows[i].surface, msg);
      else
        {
          bool is_new;
          int kk = get_key (lex, t->rows[i].key);
          if (kk < 0 || get_value (lex, kk, t->rows[i].value, &is_new) < 0)
            st = CE_ERR_NOMEM;
        }
      int k = st == CE_OK && t->closed ? find_key (lex, t->rows[i].key) : -1;
      if (k >= 0)
        lex->keys[k].flags |= CE_LEX_CLOSED_;
    }
  if (st == CE_OK && t->neg_key)
    {
      bool is_new;
      int k = get_key (lex, t->neg_key);
      int pos = k >= 0 ? get_value (lex, k, t->neg_pos, &is_new) : -1;
      int neg = k >= 0 ? get_value (lex, k, t->neg_neg, &is_new) : -1;
      if (pos < 0 || neg < 0)
        st = CE_ERR_NOMEM;
      else
        lex->values[pos].negation = neg;
    }
  for (int i = 0; i < t->n_locative && st == CE_OK; i++)
    {
      int k = get_key (lex, t->locative[i]);
      if (k < 0)
        st = CE_ERR_NOMEM;
      else
        lex->keys[k].flags |= CE_LEX_LOCATIVE_;
    }
  for (int i = 0; i < t->n_strict && st == CE_OK; i++)
    {
      int k = get_key (lex, t->strict[i]);
      if (k < 0)
        st = CE_ERR_NOMEM;
      else
        lex->keys[k].flags |= CE_LEX_STRICT;
    }
  return st;
}

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
  if (!grow ((void **) arr, cap, *n + 1, sizeof **arr))
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
      node = child_of (lex, node, f->cp[j]);
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
typedef enum { CUE_PLAIN, CUE_NEGATED, CUE_LOCATIVE } Cue;

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

/* The row attribute VALUE (a lexicon value) realises, preferring one not
 * mentioned yet; -1 when none. */
static int
row_attr_for_value (const CeLexicon *lex, const CeAttrs *row, const CheckScratch *s, int value)
{
  int found = -1;
  for (int a = 0; a < row->n; a++)
    if (s->lex_key[a] == lex->values[value].key
        && folded_eq (&lex->values[value].folded, s->vals + s->val_start[a], s->val_start[a + 1] - s->val_start[a]))
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
  if (row->n > s->cap_row)
    {
      int cap = row->n * 2;
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
      int k = cp == 0 ? find_key_folded (lex, kbuf, kn) : find_key (lex, row->items[a].key);
      s->hit[a] = 0;
      s->lex_key[a] = k;
      if (k >= 0 && (lex->keys[k].flags & CE_LEX_IGNORE))
        s->hit[a] = -1;   /* not checked */
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
      CeMention m = { -1, NULL, NULL, f->byte[p], 0, f->chr[p], 0 };
      size_t end = 0;
      if (row_attr >= 0 && row_end >= lex_end)
        {
          m.attr = row_attr;
          end = row_end;
        }
      else if (node >= 0)
        {
          end = lex_end;
          int invented_value = -1;
          Cue cue = cue_before (f, p);
          for (int pl = lex->nodes[node].payload; pl >= 0 && m.attr < 0; pl = lex->payloads[pl].next)
            {
              int v = lex->payloads[pl].value;
              /* "not very kid friendly" realises familyFriendly=no; any
               * other negated value ("not in the city centre") or a place
               * relative to one ("north of the city centre") is no claim,
               * unless it is the row's own */
              bool silent = cue == CUE_NEGATED
                            || (cue == CUE_LOCATIVE && (lex->keys[lex->values[v].key].flags & CE_LEX_LOCATIVE_));
              if (cue == CUE_NEGATED && lex->values[v].negation >= 0)
                {
                  v = lex->values[v].negation;
                  silent = false;
                }
              int a = row_attr_for_value (lex, row, s, v);
              if (a >= 0 && s->hit[a] >= 0)
                m.attr = a;
              else if (!silent && invented_value < 0 && !(lex->keys[lex->values[v].key].flags & CE_LEX_IGNORE))
                {
                  bool key_in_row = false;
                  for (int b = 0; b < row->n && !key_in_row; b++)
                    key_in_row = s->lex_key[b] == lex->values[v].key && s->hit[b] >= 0;
                  if (key_in_row || (lex->keys[lex->values[v].key].flags & CE_LEX_STRICT))
                    invented_value = v;
                }
            }
          if (m.attr < 0 && invented_value >= 0)
            {
              m.key = lex->keys[lex->values[invented_value].key].name;
              m.value = lex->values[invented_value].value;
            }
          /* A span that says nothing about this row is skipped whole: a
           * Latin one is a name ("Raja Indian Cuisine" is no claim about
           * food), a CJK one a compound (搭配牛仔裤 is no claim that a top
           * is trousers); a row value inside it still counts (below). */
        }
      if (end == 0)
        {
          p++;
          continue;
        }
      m.byte_end = f->byte[end];
      m.char_end = f->chr[end];
      if (m.attr >= 0 || (!m.key && ce__is_cjk (f->cp[p])))
        {
          /* mentions and silent CJK compounds may hold another row value
           * (a silent Latin span is a name: "Raja Indian Cuisine" says
           * nothing about the food) */
          if (!grow ((void **) &s->mspan, &s->cap_mspan, 2 * (n_spans + 1), sizeof *s->mspan))
            goto nomem;
          s->mspan[2 * n_spans] = p;
          s->mspan[2 * n_spans + 1] = end;
          n_spans++;
        }
      if (m.attr >= 0)
        {
          m.key = row->items[m.attr].key;
          m.value = row->items[m.attr].value;
          s->hit[m.attr]++;
          if (!push_mention (&out->mentioned, &out->n_mentioned, &out->cap_m_, &m))
            goto nomem;
        }
      else if (m.key && !push_mention (&out->invented, &out->n_invented, &out->cap_i_, &m))
        goto nomem;
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
        if (!grow ((void **) &out->missing, &out->cap_miss_, out->n_missing + 1, sizeof *out->missing))
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
}

double
ce_slot_errors_rate (const CeSlotErrors *acc)
{
  return acc->values > 0 ? (double) (acc->missing + acc->invented) / (double) acc->values : 0.0;
}
