/* ce-lexicon.c — the fact check's lexicon: known values of each key and
 * their surface forms in a trie over folded characters, keys and aliases,
 * the built-in tables (ce-lexicon-tables.c). The check itself is
 * ce-check.c. */
#include "ce-text-private.h"
#include "ce-lexicon-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
ce__lex_grow (void **p, int *cap, int need, size_t elem)
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

CeLexicon *
ce_lexicon_new (void)
{
  CeLexicon *lex = calloc (1, sizeof *lex);
  if (!lex)
    return NULL;
  ce__strmap_init (&lex->value_ids);
  if (!ce__lex_grow ((void **) &lex->nodes, &lex->cap_nodes, 1, sizeof *lex->nodes))
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
int
ce__lex_find_key_folded (const CeLexicon *lex, const uint32_t *cp, size_t n)
{
  for (int i = 0; i < lex->n_keys; i++)
    if (ce__lex_folded_eq (&lex->keys[i].folded, cp, n))
      return lex->keys[i].alias_of >= 0 ? lex->keys[i].alias_of : i;
  return -1;
}

int
ce__lex_find_key (const CeLexicon *lex, const char *name)
{
  Folded f;
  if (!fold_alloc (name, &f))
    return -2;   /* not "no such key": the caller would add it twice */
  int k = ce__lex_find_key_folded (lex, f.cp, f.n);
  free (f.cp);
  return k;
}

static int
add_key (CeLexicon *lex, const char *name, int alias_of)
{
  if (!ce__lex_grow ((void **) &lex->keys, &lex->cap_keys, lex->n_keys + 1, sizeof *lex->keys))
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
  int k = ce__lex_find_key (lex, name);
  return k >= 0 ? k : k == -1 ? add_key (lex, name, -1) : -1;
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
          || !ce__lex_grow ((void **) &lex->values, &lex->cap_values, lex->n_values + 1, sizeof *lex->values))
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

static CeStatus
add_surface (CeLexicon *lex, int value, const char *surface)
{
  CeFoldIter it;
  ce__fold_iter_init (&it, surface);
  int node = 0;
  uint32_t c;
  while ((c = ce__fold_iter_next (&it)) != 0)
    {
      int next = ce__lex_child_of (lex, node, c);
      if (next < 0)
        {
          if (!ce__lex_grow ((void **) &lex->nodes, &lex->cap_nodes, lex->n_nodes + 1, sizeof *lex->nodes))
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
  if (!ce__lex_grow ((void **) &lex->payloads, &lex->cap_payloads, lex->n_payloads + 1, sizeof *lex->payloads))
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
  int existing = ce__lex_find_key (lex, alias);
  if (existing == -2)
    {
      ce__msg (msg, "lexicon: out of memory");
      return CE_ERR_NOMEM;
    }
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
  if ((int) which < 0 || (int) which >= CE_LEX_N_TABLES)
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
      int k = st == CE_OK && t->closed ? ce__lex_find_key (lex, t->rows[i].key) : -1;
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
  for (int i = 0; i < t->n_soft && st == CE_OK; i++)
    {
      int k = get_key (lex, t->soft[i]);
      if (k < 0)
        st = CE_ERR_NOMEM;
      else
        lex->keys[k].flags |= CE_LEX_SOFT;
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
