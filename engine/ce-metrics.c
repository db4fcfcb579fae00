/* ce-metrics.c — corpus BLEU-4 exactly as ../shared/bench/e2e_bleu.py,
 * NLTK's sentence BLEU with smoothing method 3, ROUGE-L, distinct-n,
 * self-BLEU. Texts are tokenized into interned ids first, so n-grams
 * compare as integer runs. */
#include "ce-text-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  int32_t *ids;
  int n, cap;
} Seq;

typedef struct {
  CeStrMap map;      /* token -> id */
  uint32_t *cps;     /* scratch for the mteval passes */
  size_t cap_cps;
} Interner;

static void
seq_free (Seq *s)
{
  free (s->ids);
  memset (s, 0, sizeof *s);
}

static bool
seq_push (Seq *s, int32_t id)
{
  if (s->n == s->cap)
    {
      int cap = s->cap ? s->cap * 2 : 64;
      int32_t *ids = realloc (s->ids, (size_t) cap * sizeof *ids);
      if (!ids)
        return false;
      s->ids = ids;
      s->cap = cap;
    }
  s->ids[s->n++] = id;
  return true;
}

static bool
intern_push (Interner *in, Seq *s, const char *tok, size_t len)
{
  int32_t *id = ce__strmap_insert (&in->map, tok, len, (int32_t) in->map.n, NULL);
  return id && seq_push (s, *id);
}

/* mteval-v13a's character set split off in the first pass of e2e_bleu.py:
 * [\{-\~\[-\` -\&\(-\+\:-\@\/] */
static bool
mteval_punct (uint32_t c)
{
  return (c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') || (c >= '(' && c <= '+')
         || (c >= ':' && c <= '@') || c == '/';
}

static bool
is_dot_comma (uint32_t c)
{
  return c == '.' || c == ',';
}

static bool
ensure_cps (Interner *in, size_t need)
{
  if (need <= in->cap_cps)
    return true;
  size_t cap = in->cap_cps ? in->cap_cps : 256;
  while (cap < need)
    cap *= 2;
  uint32_t *c = realloc (in->cps, cap * sizeof *c);
  if (!c)
    return false;
  in->cps = c;
  in->cap_cps = cap;
  return true;
}

/* Tokenizes S into S_OUT: WORDS = e2e_bleu.py's tokenize(), CHARS = list(s). */
static CeStatus
tokenize_ids (Interner *in, const char *s, CeMetricTokens mode, Seq *out, char *msg)
{
  const unsigned char *u = (const unsigned char *) s;
  size_t len = strlen (s), bad;
  out->n = 0;
  if (!ce_utf8_valid (s, len, &bad))
    {
      ce__msg (msg, "invalid UTF-8 at byte %zu of \"%.40s\"", bad, s);
      return CE_ERR_FORMAT;
    }
  if (mode == CE_METRIC_CHARS)
    {
      for (size_t i = 0; i < len;)
        {
          uint32_t cp;
          int k = ce__utf8_decode (u, len, i, &cp);
          if (!intern_push (in, out, s + i, (size_t) k))
            return CE_ERR_NOMEM;
          i += (size_t) k;
        }
      return CE_OK;
    }
  /* pass 1 makes at most 3 len + 2 code points; passes 2 and 3 add two
   * spaces per '.' or ',' and pass 4 two per '-': each buffer of
   * R = 9 (len + 2) holds any stage */
  size_t R = 9 * (len + 2);
  if (!ensure_cps (in, 3 * R))
    return CE_ERR_NOMEM;
  uint32_t *a = in->cps, *b = in->cps + R, *c = in->cps + 2 * R;
  size_t na = 0, nb = 0, nc = 0;
  /* s = ' ' + s.lower() + ' ', then pass 1 */
  a[na++] = ' ';
  for (size_t i = 0; i < len;)
    {
      uint32_t cp;
      int k = ce__utf8_decode (u, len, i, &cp);
      i += (size_t) k;
      cp = ce__lower (cp);
      if (mteval_punct (cp))
        {
          a[na++] = ' ';
          a[na++] = cp;
          a[na++] = ' ';
        }
      else
        a[na++] = cp;
    }
  a[na++] = ' ';
  /* pass 2: ([^0-9])([\.,]) -> \1 \2 (left to right, non-overlapping) */
  size_t i = 0;
  while (i < na)
    {
      if (i + 1 < na && !ce__is_digit (a[i]) && is_dot_comma (a[i + 1]))
        {
          b[nb++] = a[i];
          b[nb++] = ' ';
          b[nb++] = a[i + 1];
          b[nb++] = ' ';
          i += 2;
        }
      else
        b[nb++] = a[i++];
    }
  /* pass 3: ([\.,])([^0-9]) -> ' \1 \2' */
  i = 0;
  while (i < nb)
    {
      if (i + 1 < nb && is_dot_comma (b[i]) && !ce__is_digit (b[i + 1]))
        {
          c[nc++] = ' ';
          c[nc++] = b[i];
          c[nc++] = ' ';
          c[nc++] = b[i + 1];
          i += 2;
        }
      else
        c[nc++] = b[i++];
    }
  /* pass 4: ([0-9])(-) -> '\1 \2 ' (into a, which is free again) */
  na = 0;
  i = 0;
  while (i < nc)
    {
      if (i + 1 < nc && ce__is_digit (c[i]) && c[i + 1] == '-')
        {
          a[na++] = c[i];
          a[na++] = ' ';
          a[na++] = '-';
          a[na++] = ' ';
          i += 2;
        }
      else
        a[na++] = c[i++];
    }
  /* split() on Python whitespace */
  char tok[1024];
  size_t tl = 0;
  for (i = 0; i <= na; i++)
    {
      if (i == na || ce__is_space (a[i]))
        {
          if (tl > 0 && !intern_push (in, out, tok, tl))
            return CE_ERR_NOMEM;
          tl = 0;
          continue;
        }
      if (tl + 4 >= sizeof tok)
        {
          /* a token over 1 KiB: flush it as one token anyway */
          if (!intern_push (in, out, tok, tl))
            return CE_ERR_NOMEM;
          tl = 0;
        }
      tl += (size_t) ce__utf8_encode (a[i], tok + tl);
    }
  return CE_OK;
}

static void
interner_clear (Interner *in)
{
  ce__strmap_clear (&in->map);
  free (in->cps);
}

/* Occurrences of the N-gram at G in S. */
static int
count_ngram (const Seq *s, const int32_t *g, int n)
{
  int c = 0;
  for (int i = 0; i + n <= s->n; i++)
    if (memcmp (s->ids + i, g, (size_t) n * sizeof *g) == 0)
      c++;
  return c;
}

/* Clipped matches of HYP's N-grams against REFS (max count over references). */
static long
clipped_hits (const Seq *hyp, const Seq *refs, int n_refs, int n)
{
  long hits = 0;
  for (int i = 0; i + n <= hyp->n; i++)
    {
      const int32_t *g = hyp->ids + i;
      bool seen = false;
      for (int j = 0; j < i && !seen; j++)
        seen = memcmp (hyp->ids + j, g, (size_t) n * sizeof *g) == 0;
      if (seen)
        continue;
      int ch = count_ngram (hyp, g, n), mx = 0;
      for (int r = 0; r < n_refs; r++)
        {
          int cr = count_ngram (&refs[r], g, n);
          if (cr > mx)
            mx = cr;
        }
      hits += ch < mx ? ch : mx;
    }
  return hits;
}

/* Closest reference length: smallest |len - hyp|, shorter on ties. */
static int
closest_ref_len (const Seq *refs, int n_refs, int hyp_len)
{
  int best = -1;
  for (int r = 0; r < n_refs; r++)
    {
      int l = refs[r].n;
      if (best < 0 || abs (l - hyp_len) < abs (best - hyp_len) || (abs (l - hyp_len) == abs (best - hyp_len) && l < best))
        best = l;
    }
  return best < 0 ? 0 : best;
}

typedef struct {
  Interner in;
  Seq hyp;
  Seq *refs;
  int cap_refs;
} Work;

static void
work_clear (Work *w)
{
  interner_clear (&w->in);
  seq_free (&w->hyp);
  for (int i = 0; i < w->cap_refs; i++)
    seq_free (&w->refs[i]);
  free (w->refs);
}

/* Tokenizes OUTPUT into w->hyp and the references into w->refs. */
static CeStatus
load_item (Work *w, const char *output, const CeRefSet *refs, CeMetricTokens tok, char *msg)
{
  if (!output || !refs || refs->n < 1 || !refs->refs)
    {
      ce__msg (msg, "every output needs a string and at least one reference");
      return CE_ERR_INVALID_ARG;
    }
  if (refs->n > w->cap_refs)
    {
      Seq *r = realloc (w->refs, (size_t) refs->n * sizeof *r);
      if (!r)
        return CE_ERR_NOMEM;
      memset (r + w->cap_refs, 0, (size_t) (refs->n - w->cap_refs) * sizeof *r);
      w->refs = r;
      w->cap_refs = refs->n;
    }
  CeStatus st = tokenize_ids (&w->in, output, tok, &w->hyp, msg);
  for (int r = 0; r < refs->n && st == CE_OK; r++)
    st = refs->refs[r] ? tokenize_ids (&w->in, refs->refs[r], tok, &w->refs[r], msg) : CE_ERR_INVALID_ARG;
  if (st == CE_ERR_INVALID_ARG)
    ce__msg (msg, "a reference is NULL");
  return st;
}

static CeStatus
finish_status (CeStatus st, char *msg)
{
  if (st == CE_ERR_NOMEM)
    ce__msg (msg, "out of memory computing a metric");
  return st;
}

CeStatus
ce_bleu_corpus (int n, const char *const *outputs, const CeRefSet *refs, CeMetricTokens tok, double *bleu, char *msg)
{
  Work w = { 0 };
  long hits[4] = { 0 }, totals[4] = { 0 }, ref_len = 0, out_len = 0;
  CeStatus st = CE_OK;
  *bleu = 0.0;
  for (int i = 0; i < n && st == CE_OK; i++)
    {
      if ((st = load_item (&w, outputs[i], &refs[i], tok, msg)) != CE_OK)
        break;
      for (int k = 1; k <= 4; k++)
        {
          hits[k - 1] += clipped_hits (&w.hyp, w.refs, refs[i].n, k);
          totals[k - 1] += w.hyp.n - k + 1 > 0 ? w.hyp.n - k + 1 : 0;
        }
      out_len += w.hyp.n;
      ref_len += closest_ref_len (w.refs, refs[i].n, w.hyp.n);
    }
  work_clear (&w);
  if (st != CE_OK)
    return finish_status (st, msg);
  for (int k = 0; k < 4; k++)
    if (hits[k] == 0)
      return CE_OK;
  double log_p = 0;
  for (int k = 0; k < 4; k++)
    log_p += log ((double) hits[k] / (double) totals[k]);
  log_p /= 4;
  double bp = 1.0 - (double) ref_len / (double) out_len;
  *bleu = exp (log_p + (bp < 0 ? bp : 0.0));
  return CE_OK;
}

/* NLTK sentence_bleu(refs, hyp, smoothing_function=method3) on token ids. */
static double
sentence_bleu_ids (const Seq *hyp, const Seq *refs, int n_refs)
{
  long num[4], den[4];
  for (int k = 1; k <= 4; k++)
    {
      num[k - 1] = clipped_hits (hyp, refs, n_refs, k);
      long total = hyp->n - k + 1 > 0 ? hyp->n - k + 1 : 0;
      den[k - 1] = total > 1 ? total : 1;
    }
  if (num[0] == 0)
    return 0.0;
  int r = closest_ref_len (refs, n_refs, hyp->n), c = hyp->n;
  double bp = c > r ? 1.0 : (c == 0 ? 0.0 : exp (1.0 - (double) r / c));
  double s = 0;
  int incvnt = 1;
  for (int k = 0; k < 4; k++)
    {
      double p;
      if (num[k] == 0)
        {
          p = 1.0 / (ldexp (1.0, incvnt) * (double) den[k]);
          incvnt++;
        }
      else
        p = (double) num[k] / (double) den[k];
      s += 0.25 * log (p);
    }
  return bp * exp (s);
}

CeStatus
ce_bleu_sentence (const char *output, const CeRefSet *refs, CeMetricTokens tok, double *bleu, char *msg)
{
  Work w = { 0 };
  *bleu = 0.0;
  CeStatus st = load_item (&w, output, refs, tok, msg);
  if (st == CE_OK)
    *bleu = sentence_bleu_ids (&w.hyp, w.refs, refs->n);
  work_clear (&w);
  return finish_status (st, msg);
}

CeStatus
ce_bleu_sentence_mean (int n, const char *const *outputs, const CeRefSet *refs, CeMetricTokens tok, double *score,
                       char *msg)
{
  Work w = { 0 };
  double sum = 0;
  CeStatus st = CE_OK;
  *score = 0.0;
  for (int i = 0; i < n && st == CE_OK; i++)
    if ((st = load_item (&w, outputs[i], &refs[i], tok, msg)) == CE_OK)
      sum += 100.0 * sentence_bleu_ids (&w.hyp, w.refs, refs[i].n);
  work_clear (&w);
  if (st == CE_OK && n > 0)
    *score = sum / n;
  return finish_status (st, msg);
}

static int
lcs_length (const Seq *a, const Seq *b, int *row)
{
  /* row has b->n + 1 entries */
  memset (row, 0, (size_t) (b->n + 1) * sizeof *row);
  for (int i = 1; i <= a->n; i++)
    {
      int diag = 0;
      for (int j = 1; j <= b->n; j++)
        {
          int up = row[j];
          row[j] = a->ids[i - 1] == b->ids[j - 1] ? diag + 1 : (row[j - 1] > up ? row[j - 1] : up);
          diag = up;
        }
    }
  return row[b->n];
}

CeStatus
ce_rouge_l (int n, const char *const *outputs, const CeRefSet *refs, CeMetricTokens tok, double beta, double *rouge,
            char *msg)
{
  Work w = { 0 };
  int *row = NULL;
  int cap_row = 0;
  double sum = 0;
  CeStatus st = CE_OK;
  *rouge = 0.0;
  for (int i = 0; i < n && st == CE_OK; i++)
    {
      if ((st = load_item (&w, outputs[i], &refs[i], tok, msg)) != CE_OK)
        break;
      double pmax = 0, rmax = 0;
      for (int r = 0; r < refs[i].n && w.hyp.n > 0; r++)
        {
          if (w.refs[r].n + 1 > cap_row)
            {
              int *nr = realloc (row, (size_t) (w.refs[r].n + 1) * sizeof *nr);
              if (!nr)
                {
                  st = CE_ERR_NOMEM;
                  break;
                }
              row = nr;
              cap_row = w.refs[r].n + 1;
            }
          if (w.refs[r].n == 0)
            continue;
          int l = lcs_length (&w.hyp, &w.refs[r], row);
          double p = (double) l / w.hyp.n, rc = (double) l / w.refs[r].n;
          if (p > pmax)
            pmax = p;
          if (rc > rmax)
            rmax = rc;
        }
      if (pmax > 0 && rmax > 0)
        sum += (1 + beta * beta) * pmax * rmax / (rmax + beta * beta * pmax);
    }
  free (row);
  work_clear (&w);
  if (st == CE_OK && n > 0)
    *rouge = sum / n;
  return finish_status (st, msg);
}

CeStatus
ce_distinct (int n, const char *const *outputs, CeMetricTokens tok, int order, double *distinct, char *msg)
{
  *distinct = 0.0;
  if (order < 1)
    {
      ce__msg (msg, "distinct-n needs n >= 1, got %d", order);
      return CE_ERR_INVALID_ARG;
    }
  Interner in = { 0 };
  Seq s = { 0 };
  CeStrMap grams;
  ce__strmap_init (&grams);
  long total = 0;
  CeStatus st = CE_OK;
  for (int i = 0; i < n && st == CE_OK; i++)
    {
      if (!outputs[i])
        {
          ce__msg (msg, "output %d is NULL", i);
          st = CE_ERR_INVALID_ARG;
          break;
        }
      if ((st = tokenize_ids (&in, outputs[i], tok, &s, msg)) != CE_OK)
        break;
      for (int k = 0; k + order <= s.n; k++)
        {
          total++;
          if (!ce__strmap_insert (&grams, (const char *) (s.ids + k), (size_t) order * sizeof *s.ids, 0, NULL))
            {
              st = CE_ERR_NOMEM;
              break;
            }
        }
    }
  if (st == CE_OK && total > 0)
    *distinct = (double) grams.n / (double) total;
  ce__strmap_clear (&grams);
  seq_free (&s);
  interner_clear (&in);
  return finish_status (st, msg);
}

CeStatus
ce_self_bleu (int n, const char *const *variants, CeMetricTokens tok, double *self_bleu, char *msg)
{
  *self_bleu = 0.0;
  if (n < 2)
    {
      ce__msg (msg, "self-BLEU needs at least 2 variants, got %d", n);
      return CE_ERR_INVALID_ARG;
    }
  Interner in = { 0 };
  Seq *seqs = calloc ((size_t) n, sizeof *seqs), *others = calloc ((size_t) n, sizeof *others);
  CeStatus st = seqs && others ? CE_OK : CE_ERR_NOMEM;
  for (int i = 0; i < n && st == CE_OK; i++)
    {
      if (!variants[i])
        {
          ce__msg (msg, "variant %d is NULL", i);
          st = CE_ERR_INVALID_ARG;
        }
      else
        st = tokenize_ids (&in, variants[i], tok, &seqs[i], msg);
    }
  double sum = 0;
  for (int i = 0; i < n && st == CE_OK; i++)
    {
      int m = 0;
      for (int j = 0; j < n; j++)
        if (j != i)
          others[m++] = seqs[j];   /* shallow copies: seqs keep ownership */
      sum += sentence_bleu_ids (&seqs[i], others, m);
    }
  if (st == CE_OK)
    *self_bleu = sum / n;
  for (int i = 0; seqs && i < n; i++)
    seq_free (&seqs[i]);
  free (seqs);
  free (others);
  interner_clear (&in);
  return finish_status (st, msg);
}
