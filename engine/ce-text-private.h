/* ce-text-private.h — helpers shared by the text files of the engine
 * (ce-text.c, ce-vocab.c, ce-attrs.c, ce-slots.c, ce-lexicon.c,
 * ce-metrics.c). Not installed, not part of engine.h. */
#pragma once

#include "engine.h"

#include <stdarg.h>
#include <stdbool.h>

/* Decodes one code point of S (LEN bytes) at byte I into *CP. Returns the
 * bytes it takes, or 0 when the bytes at I are not valid UTF-8 (overlong
 * forms, surrogates and values above U+10FFFF are invalid). */
int      ce__utf8_decode (const unsigned char *s, size_t len, size_t i, uint32_t *cp);
/* Writes CP as UTF-8 to OUT (4 bytes room); returns the byte count. */
int      ce__utf8_encode (uint32_t cp, char *out);

/* Python's str.lower() for one code point (ce-case.c: every script; the
 * two context rules of Python are approximated there). */
uint32_t ce__lower (uint32_t cp);
/* Python's str.isspace() set. */
bool     ce__is_space (uint32_t cp);
/* CJK ideographs, kana, hangul, CJK symbols and punctuation, fullwidth forms. */
bool     ce__is_cjk (uint32_t cp);
/* Letters of alphabetic scripts (Latin, Greek, Cyrillic …) and combining marks. */
bool     ce__is_letter (uint32_t cp);
static inline bool ce__is_digit (uint32_t cp) { return cp >= '0' && cp <= '9'; }
/* A letter or digit of an alphabetic script (word characters for boundaries). */
static inline bool ce__is_alnum (uint32_t cp) { return ce__is_digit (cp) || ce__is_letter (cp); }
/* Currency signs that stick to the number after them (£ $ € ¥). */
bool     ce__is_currency (uint32_t cp);

/* Folding used for matching values in text: lowercase; whitespace, "-" and
 * "_" are separators (a run of them is one space); "’" is "'". Returns the
 * folded code point, or ' ' for a separator. */
uint32_t ce__fold (uint32_t cp);

/* Iterates the folded code points of a NUL-terminated string: separators
 * collapse to one ' ', none at the start or the end. */
typedef struct {
  const unsigned char *s;
  size_t len, i;
  uint32_t held;      /* a code point to return after a pending space */
  bool pending_space, started;
} CeFoldIter;

void     ce__fold_iter_init (CeFoldIter *it, const char *s);
/* Next folded code point, or 0 at the end (also on invalid UTF-8). */
uint32_t ce__fold_iter_next (CeFoldIter *it);
/* 1 when A and B fold to the same sequence. */
bool     ce__fold_equal (const char *a, const char *b);

/* 1 when S is "<…>" of at least one character and not a vocabulary special. */
bool     ce__is_slot_token (const char *s);

/* printf into MSG (CE_MSG_SIZE) when MSG is not NULL. */
void     ce__msg (char *msg, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* Appends a token (LEN bytes, NUL added) to TOKS; the text pointers stay
 * valid (they are rebased when the buffer moves). */
CeStatus ce__tokens_push (CeTokens *toks, const char *s, size_t len, const CeTokenInfo *info);
/* Empties TOKS, keeping its memory. */
void     ce__tokens_reset (CeTokens *toks);

/* A string -> int32 hash map (open addressing, FNV-1a), owning copies of
 * its keys. Used by the vocabulary and the metrics. */
typedef struct {
  size_t cap;        /* slots, a power of two */
  size_t n;
  char **keys;       /* (cap) NULL = empty */
  size_t *lens;      /* (cap) */
  int32_t *vals;     /* (cap) */
} CeStrMap;

uint64_t ce__hash_bytes (const void *data, size_t len);
void     ce__strmap_init  (CeStrMap *m);
void     ce__strmap_clear (CeStrMap *m);
/* Slot of KEY or NULL. */
int32_t *ce__strmap_find  (const CeStrMap *m, const char *key, size_t len);
/* Slot of KEY, inserted with value INIT when absent (*ADDED = 1). NULL when
 * out of memory. */
int32_t *ce__strmap_insert (CeStrMap *m, const char *key, size_t len, int32_t init, bool *added);

/* A text folded for matching (ce__fold; a run of separators is one ' '),
 * with the original byte and character offset of every entry; entry N
 * (one past the end) holds the text's length. Reusable. */
typedef struct {
  uint32_t *cp;
  size_t *byte, *chr;
  size_t n, cap;
} CeFolded;

void     ce__folded_clear (CeFolded *f);
/* Invalid UTF-8: CE_ERR_FORMAT and *BAD (byte offset). */
CeStatus ce__folded_set (CeFolded *f, const char *text, size_t len, size_t *bad);
/* 1 when a match may start at entry P (not inside a Latin word, not a space). */
bool     ce__folded_can_start (const CeFolded *f, size_t p);
/* A match covering entries [P, E) may end there: returns E, or E plus a
 * plural "s"/"es" that reaches a word boundary, or 0 when it ends inside a
 * Latin word. */
size_t   ce__folded_end (const CeFolded *f, size_t e);
/* End of VALUE (folded) matched at entry P, or 0. */
size_t   ce__folded_match (const CeFolded *f, size_t p, const char *value);
