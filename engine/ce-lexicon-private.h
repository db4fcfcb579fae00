/* ce-lexicon-private.h — the built-in lexicon tables (ce-lexicon-tables.c)
 * as the lexicon (ce-lexicon.c) reads them. */
#pragma once

#include "engine.h"

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
} CeLexTable;

/* Internal key flags (beside CE_LEX_STRICT, CE_LEX_IGNORE): closed keys,
 * place keys. */
#define CE_LEX_CLOSED_ (1u << 8)
#define CE_LEX_LOCATIVE_ (1u << 9)

extern const CeLexTable ce__lex_tables[3];
