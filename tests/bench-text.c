/* bench-text.c — speed of the engine's text layer on the E2E dev set (not a
 * test: prints numbers and ratios, never fails on a slow machine).
 *
 * Each measurement has a reference measured in the same run:
 *   tokenize    ce_tokenize vs splitting at spaces (strtok_r on a copy)
 *   fact check  ce_fact_check with the E2E lexicon (trie, rule table,
 *               every training value) vs a naive check that only looks
 *               for the row's own values with a case-insensitive strstr
 *   corpus BLEU ce_bleu_corpus on 547 outputs vs tokenizing the same
 *               texts (the part of BLEU that is not n-gram counting)
 * Output: one JSON line per measurement. Needs COPYIST_SHARED_DATA. */
#define _GNU_SOURCE   /* strcasestr */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "test-engine-text-data.h"

static double
now (void)
{
  return (double) g_get_monotonic_time () / 1e6;
}

typedef struct {
  GPtrArray *refs;
  CeAttrs *rows;
  CeTokens *toks;
  const CeLexicon *lex;
  CeCheck *check;
  int n_items;
  const char *const *outs;
  const CeRefSet *sets;
  double bleu;
} Work;

/* Runs FN (W) until at least MIN_SECONDS have passed; seconds per call. */
static double
time_loop (double min_seconds, void (*fn) (Work *), Work *w)
{
  long calls = 0;
  double t0 = now (), t;
  do
    {
      fn (w);
      calls++;
    }
  while ((t = now () - t0) < min_seconds);
  return t / (double) calls;
}

static volatile long sink;

static void
split_spaces (Work *w)
{
  GPtrArray *refs = w->refs;
  for (guint i = 0; i < refs->len; i++)
    {
      char *copy = g_strdup (refs->pdata[i]), *save = NULL;
      for (char *word = strtok_r (copy, " ", &save); word; word = strtok_r (NULL, " ", &save))
        sink += word[0];
      g_free (copy);
    }
}

static void
tokenize_all (Work *w)
{
  GPtrArray *refs = w->refs;
  CeTokens *t = w->toks;
  for (guint i = 0; i < refs->len; i++)
    {
      ce_tokenize (refs->pdata[i], -1, 0, t, NULL);
      sink += t->n;
    }
}

static void
naive_check (Work *w)
{
  GPtrArray *refs = w->refs;
  CeAttrs *rows = w->rows;
  for (guint i = 0; i < refs->len; i++)
    for (int a = 0; a < rows[i].n; a++)
      sink += strcasestr (refs->pdata[i], rows[i].items[a].value) != NULL;
}

static void
fact_check_all (Work *w)
{
  const CeLexicon *lex = w->lex;
  GPtrArray *refs = w->refs;
  CeAttrs *rows = w->rows;
  CeCheck *c = w->check;
  for (guint i = 0; i < refs->len; i++)
    {
      ce_fact_check (lex, &rows[i], refs->pdata[i], -1, c, NULL);
      sink += c->n_missing;
    }
}

static void
bleu_all (Work *w)
{
  ce_bleu_corpus (w->n_items, w->outs, w->sets, CE_METRIC_WORDS, &w->bleu, NULL);
}

int
main (void)
{
  const char *root = g_getenv ("COPYIST_SHARED_DATA");
  if (!root)
    {
      printf ("{\"skipped\": \"COPYIST_SHARED_DATA is not set\"}\n");
      return 0;
    }
  char *train_path = g_build_filename (root, "e2e", "trainset.csv", NULL);
  char *dev_path = g_build_filename (root, "e2e", "devset.csv", NULL);
  if (!g_file_test (train_path, G_FILE_TEST_EXISTS) || !g_file_test (dev_path, G_FILE_TEST_EXISTS))
    {
      printf ("{\"skipped\": \"the E2E data is absent\"}\n");
      return 0;
    }
  GPtrArray *train = text_data_read_csv (train_path), *dev = text_data_read_csv (dev_path);
  GPtrArray *refs = g_ptr_array_new ();
  CeAttrs *rows = g_new0 (CeAttrs, dev->len);
  size_t bytes = 0;
  for (guint r = 1; r < dev->len; r++)
    {
      char **row = dev->pdata[r];
      ce_attrs_init (&rows[r - 1]);
      ce_attrs_parse (&rows[r - 1], row[0], CE_ATTRS_AUTO, NULL);
      g_ptr_array_add (refs, row[1]);
      bytes += strlen (row[1]);
    }

  /* tokenize */
  CeTokens t;
  ce_tokens_init (&t);
  Work w = { .refs = refs, .rows = rows, .toks = &t };
  double ref_s = time_loop (0.5, split_spaces, &w);
  double tok_s = time_loop (0.5, tokenize_all, &w);
  printf ("{\"bench\": \"tokenize\", \"texts\": %u, \"MB_per_s\": %.1f, \"reference_MB_per_s\": %.1f, "
          "\"ratio_to_reference\": %.2f}\n",
          refs->len, bytes / tok_s / 1e6, bytes / ref_s / 1e6, tok_s / ref_s);

  /* fact check */
  CeLexicon *lex = ce_lexicon_new ();
  ce_lexicon_add_builtin (lex, CE_LEXICON_E2E, NULL);
  for (guint r = 1; r < train->len; r++)
    {
      CeAttrs a;
      ce_attrs_init (&a);
      if (ce_attrs_parse (&a, ((char **) train->pdata[r])[0], CE_ATTRS_AUTO, NULL) == CE_OK)
        ce_lexicon_add_attrs (lex, &a, NULL);
      ce_attrs_clear (&a);
    }
  CeCheck c;
  ce_check_init (&c);
  w.lex = lex;
  w.check = &c;
  double naive_s = time_loop (0.5, naive_check, &w);
  double check_s = time_loop (1.0, fact_check_all, &w);
  printf ("{\"bench\": \"fact_check\", \"checks_per_s\": %.0f, \"us_per_check\": %.2f, "
          "\"reference_checks_per_s\": %.0f, \"ratio_to_reference\": %.2f}\n",
          refs->len / check_s, check_s / refs->len * 1e6, refs->len / naive_s, check_s / naive_s);

  /* corpus BLEU: each MR's first reference scored against all of them (BLEU is
   * 1 by construction: this measures speed) */
  GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *outs = g_ptr_array_new (), *groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint r = 1; r < dev->len; r++)
    {
      char **row = dev->pdata[r];
      gpointer idx;
      if (!g_hash_table_lookup_extended (seen, row[0], NULL, &idx))
        {
          idx = GUINT_TO_POINTER (groups->len);
          g_hash_table_insert (seen, row[0], idx);
          g_ptr_array_add (groups, g_ptr_array_new ());
          g_ptr_array_add (outs, row[1]);
        }
      g_ptr_array_add (groups->pdata[GPOINTER_TO_UINT (idx)], row[1]);
    }
  CeRefSet *sets = g_new (CeRefSet, groups->len);
  for (guint i = 0; i < groups->len; i++)
    {
      GPtrArray *g = groups->pdata[i];
      sets[i] = (CeRefSet) { (int) g->len, (const char *const *) g->pdata };
    }
  w.n_items = (int) outs->len;
  w.outs = (const char *const *) outs->pdata;
  w.sets = sets;
  double bleu_s = time_loop (1.0, bleu_all, &w);
  double bleu = w.bleu;
  double tok_all_s = time_loop (0.5, tokenize_all, &w);
  printf ("{\"bench\": \"corpus_bleu\", \"items\": %u, \"references\": %u, \"ms\": %.1f, \"bleu\": %.4f, "
          "\"reference_tokenize_ms\": %.1f, \"ratio_to_reference\": %.2f}\n",
          outs->len, refs->len, bleu_s * 1e3, bleu, tok_all_s * 1e3, bleu_s / tok_all_s);

  g_free (sets);
  g_ptr_array_unref (groups);
  g_ptr_array_unref (outs);
  g_hash_table_unref (seen);
  ce_check_clear (&c);
  ce_lexicon_free (lex);
  ce_tokens_clear (&t);
  for (guint r = 0; r + 1 < dev->len; r++)
    ce_attrs_clear (&rows[r]);
  g_free (rows);
  g_ptr_array_unref (refs);
  g_ptr_array_unref (train);
  g_ptr_array_unref (dev);
  g_free (train_path);
  g_free (dev_path);
  return 0;
}
