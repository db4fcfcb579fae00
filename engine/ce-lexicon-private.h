/* ce-lexicon-private.h — the built-in lexicon tables (ce-lexicon-tables.c)
 * as the lexicon (ce-lexicon.c) reads them. */
#pragma once

#include "ce-text-private.h"

#include <string.h>

typedef struct {
  const char *key, *value, *surface;
} CeLexRow;

typedef struct {
  const CeLexRow *rows;
  int n_rows;
  const char *const *aliases;   /* row keys that mean ALIAS_TARGET */
  int n_aliases;
  const char *alias_target;
  const char *const *strict;    /* keys flagged CE_LEX_STRICT */
  int n_strict;
  int closed;                   /* 1: the rows are the key's whole value set, so
                                   data values are not added as bare surfaces
                                   (E2E's "high", "low", "average" are ambiguous) */
  /* A surface of NEG_KEY=NEG_POS after a negation ("not very kid friendly")
   * realises NEG_KEY=NEG_NEG; NULL = none. */
  const char *neg_key, *neg_pos, *neg_neg;
  /* Keys whose values are places: "north of the city centre" is no claim
   * of being there (other keys: "near Café Rouge" is the claim itself). */
  const char *const *locative;
  int n_locative;
  const char *const *soft;      /* keys flagged CE_LEX_SOFT */
  int n_soft;
} CeLexTable;

/* Internal key flags (beside CE_LEX_STRICT, CE_LEX_IGNORE): closed keys,
 * place keys. */
#define CE_LEX_CLOSED_ (1u << 8)
#define CE_LEX_LOCATIVE_ (1u << 9)

enum { CE_LEX_N_TABLES = CE_LEXICON_ADVERTISEGEN + 1 };
extern const CeLexTable ce__lex_tables[CE_LEX_N_TABLES];

/* ---- the lexicon's insides, shared by ce-lexicon.c and ce-check.c ---- */

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

/* Grows *P (*CAP elements of ELEM bytes) to hold NEED; false when out of memory. */
bool ce__lex_grow (void **p, int *cap, int need, size_t elem);
/* 1 when F holds exactly CP (N). */
static inline bool
ce__lex_folded_eq (const Folded *f, const uint32_t *cp, size_t n)
{
  return f->n == n && (n == 0 || memcmp (f->cp, cp, n * sizeof *cp) == 0);
}
/* The key the folded name CP (N) resolves to (aliases followed), -1 if none. */
int  ce__lex_find_key_folded (const CeLexicon *lex, const uint32_t *cp, size_t n);
/* The same for a name; -1 if none, -2 when folding it ran out of memory. */
int  ce__lex_find_key (const CeLexicon *lex, const char *name);
/* The child of trie node NODE for code point CP, -1 if none. */
static inline int
ce__lex_child_of (const CeLexicon *lex, int node, uint32_t cp)
{
  if (node == 0 && cp < 128)
    return lex->root_ascii[cp];
  for (int c = lex->nodes[node].child; c >= 0; c = lex->nodes[c].sibling)
    if (lex->nodes[c].cp == cp)
      return c;
  return -1;
}
