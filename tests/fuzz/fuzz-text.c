/* fuzz-text.c — the tokenizer and delexicaliser (engine/ce-text.c,
 * ce-case.c, ce-vocab.c, ce-slots.c, ce-lexicon.c, ce-check.c) under
 * libFuzzer.
 *
 * Input: NUL-separated pieces: [0] a text (a product description as a
 * training file or a hand edit holds it), [1] the row's attributes
 * (`key[value]` or `key#value*…`), [2] a second text. The text is
 * tokenized (every flag), detokenized, delexicalised against the row,
 * relexicalised, and fact-checked; the tokens feed a vocabulary. Spans and
 * outputs must stay inside their inputs and be valid UTF-8. Engine only. */
#include "engine.h"
#include "fuzz-util.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  return 0;
}

static void
check_tokens (const CeTokens *t, size_t len)
{
  for (int i = 0; i < t->n; i++)
    {
      const CeTokenInfo *in = &t->info[i];
      if (t->text[i] == NULL || t->text[i][0] == '\0' || in->byte_start >= in->byte_end
          || in->byte_end > len || in->char_start > in->char_end
          || (i > 0 && in->byte_start < t->info[i - 1].byte_end)
          || !ce_utf8_valid (t->text[i], strlen (t->text[i]), NULL))
        {
          fprintf (stderr, "token %d is empty, out of its text or out of order\n", i);
          abort ();
        }
    }
}

static void
check_utf8 (const char *s, const char *what)
{
  if (s != NULL && !ce_utf8_valid (s, strlen (s), NULL))
    {
      fprintf (stderr, "%s is not valid UTF-8\n", what);
      abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *pieces[3];
  size_t lens[3];
  int n = fuzz_split (data, size, 3, pieces, lens);
  const char *text = pieces[0];
  size_t text_len = lens[0];
  char msg[CE_MSG_SIZE];
  CeTokens toks;
  CeStatus st;

  ce_tokens_init (&toks);
  for (unsigned flags = 0; flags < 4; flags++)
    {
      st = ce_tokenize (text, (ptrdiff_t) text_len, flags, &toks, msg);
      if (st != CE_OK)
        {
          size_t bad;
          if (ce_utf8_valid (text, text_len, &bad))
            {
              fprintf (stderr, "valid UTF-8 refused by the tokenizer: %s\n", msg);
              abort ();
            }
          break;
        }
      check_tokens (&toks, text_len);
      char *joined = ce_detokenize (toks.text, toks.n);
      if (joined == NULL)
        abort ();
      check_utf8 (joined, "detokenized text");
      free (joined);
    }
  if (st == CE_OK)
    (void) ce_utf8_chars (text, (ptrdiff_t) text_len);

  CeAttrs row;
  ce_attrs_init (&row);
  if (st == CE_OK && n >= 2 && ce_attrs_parse (&row, pieces[1], CE_ATTRS_AUTO, msg) == CE_OK)
    {
      CeDelexKeys all = { 1, NULL, 0 };
      int n_slots = 0;
      char *delex = ce_delexicalise (&row, &all, text, &n_slots, &st, msg);
      if (delex == NULL)
        {
          fprintf (stderr, "delexicalise failed: %s\n", msg);
          abort ();
        }
      check_utf8 (delex, "delexicalised text");

      /* Slot tokens back to values, as generation does. */
      if (ce_tokenize (delex, -1, CE_TOKENIZE_SLOTS, &toks, msg) == CE_OK)
        {
          CeRelexReport report;
          char *relex = ce_relexicalise (&row, toks.text, toks.n, &report, &st, msg);
          if (relex == NULL)
            abort ();
          check_utf8 (relex, "relexicalised text");
          free (relex);

          CeVocabBuilder *vb = ce_vocab_builder_new ();
          if (ce_vocab_builder_add_tokens (vb, &toks) == CE_OK)
            {
              CeVocab *v = ce_vocab_builder_finish (vb, 1, 64, NULL, 0, &st, msg);
              if (v != NULL)
                {
                  uint8_t mask[64];
                  if (ce_vocab_size (v) > 64)
                    abort ();
                  for (int i = 0; i < toks.n; i++)
                    (void) ce_vocab_token (v, ce_vocab_lookup (v, toks.text[i], -1));
                  (void) ce_vocab_unfillable_slots (v, &row, mask);
                  CeSource src;
                  ce_source_init (&src);
                  CeDelexKeys delex_all = { 1, NULL, 0 };
                  CeSourceOptions opts = { v, NULL, &delex_all, 0, CE_TOKENIZE_LOWER, 0 };
                  if (ce_source_build (&src, &row, &opts, msg) == CE_OK)
                    for (int i = 0; i < src.n; i++)
                      if (src.tokens[i] < 0 || src.tokens[i] >= ce_vocab_size (v))
                        abort ();
                  ce_source_clear (&src);
                  ce_vocab_free (v);
                }
            }
          ce_vocab_builder_free (vb);
        }
      free (delex);

      /* The fact check of the text and of the second text. */
      CeLexicon *lex = ce_lexicon_new ();
      CeCheck check;
      ce_check_init (&check);
      ce_lexicon_add_builtin (lex, (CeLexiconBuiltin) (size % 4), msg);
      ce_lexicon_add_attrs (lex, &row, msg);
      for (int t = 0; t < (n >= 3 ? 2 : 1); t++)
        {
          const char *s = t == 0 ? text : pieces[2];
          size_t l = t == 0 ? text_len : lens[2];
          if (ce_fact_check (lex, &row, s, (ptrdiff_t) l, &check, msg) != CE_OK)
            continue;
          for (int i = 0; i < check.n_mentioned; i++)
            if (check.mentioned[i].byte_end > l || check.mentioned[i].attr >= row.n)
              abort ();
          for (int i = 0; i < check.n_invented; i++)
            if (check.invented[i].byte_end > l)
              abort ();
          for (int i = 0; i < check.n_missing; i++)
            if (check.missing[i] < 0 || check.missing[i] >= row.n)
              abort ();
          (void) ce_check_slot_error_rate (&check);
        }
      ce_check_clear (&check);
      ce_lexicon_free (lex);
    }
  ce_attrs_clear (&row);
  ce_tokens_clear (&toks);
  fuzz_pieces_free (pieces, n);
  return 0;
}
