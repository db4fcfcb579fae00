/* test-engine-copy.c — decoding strategies, the training loop and the
 * copywriter on a small synthetic shop: a model learns to write from
 * attributes, copies values it never saw, and never invents one. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "engine.h"

static const char *colors[] = { "red", "blue", "green", "black", "white" };
static const char *materials[] = { "cotton", "linen", "wool", "silk" };
static const char *kinds[] = { "shirt", "scarf", "dress" };
static const char *names_a[] = { "Alder", "Birch", "Cedar", "Dune", "Ember", "Fjord", "Grove", "Heath",
                                 "Isle", "Juniper", "Kestrel", "Larch", "Moss", "Nettle", "Oak", "Pine" };

typedef struct {
  CeAttrs *attrs;
  char **texts;
  CeCopyExample *ex;
  int n;
} Shop;

/* Row I of a deterministic synthetic catalogue; NAME_OFFSET picks names
 * (names >= 100 never occur in training). */
static void
make_row (CeAttrs *a, char **text, int i, int name_offset)
{
  char msg[CE_MSG_SIZE];
  const char *color = colors[i % G_N_ELEMENTS (colors)];
  const char *material = materials[(i / 5) % G_N_ELEMENTS (materials)];
  const char *kind = kinds[(i / 20) % G_N_ELEMENTS (kinds)];
  g_autofree char *name = g_strdup_printf ("%s %d", names_a[i % G_N_ELEMENTS (names_a)], name_offset + i);

  ce_attrs_init (a);
  g_assert_cmpint (ce_attrs_add (a, "name", name, msg), ==, CE_OK);
  g_assert_cmpint (ce_attrs_add (a, "color", color, msg), ==, CE_OK);
  g_assert_cmpint (ce_attrs_add (a, "material", material, msg), ==, CE_OK);
  g_assert_cmpint (ce_attrs_add (a, "type", kind, msg), ==, CE_OK);
  if (text != NULL)
    *text = (strcmp (kind, "scarf") != 0)
      ? g_strdup_printf ("The %s is a %s %s made of soft %s.", name, color, kind, material)
      : g_strdup_printf ("Meet the %s: a %s %s in %s.", name, material, kind, color);
}

static void
shop_init (Shop *s, int n, int name_offset, gboolean with_text)
{
  s->n = n;
  s->attrs = g_new0 (CeAttrs, n);
  s->texts = g_new0 (char *, n);
  s->ex = g_new0 (CeCopyExample, n);
  for (int i = 0; i < n; i++)
    {
      make_row (&s->attrs[i], with_text ? &s->texts[i] : NULL, i, name_offset);
      s->ex[i].attrs = &s->attrs[i];
      s->ex[i].text = s->texts[i];
    }
}

static void
shop_clear (Shop *s)
{
  for (int i = 0; i < s->n; i++)
    {
      ce_attrs_clear (&s->attrs[i]);
      g_free (s->texts[i]);
    }
  g_free (s->attrs);
  g_free (s->texts);
  g_free (s->ex);
}

typedef struct {
  int progress_calls;
  int epoch_ends;
  int keeps;
  int cancel_after;   /* steps; 0 = never */
  int last_step;
} TrainLog;

static void
progress_cb (void *user, const CeTrainProgress *p)
{
  TrainLog *log = user;
  log->progress_calls++;
  log->last_step = p->step;
  if (p->epoch_end)
    log->epoch_ends++;
  g_assert_true (p->epoch >= 1);
  g_assert_true (isfinite (p->losses.xent));
  if (p->epoch_end)
    g_test_message ("epoch %d step %d heldout xent %.3f score %.3f", p->epoch, p->step, p->heldout_xent, p->heldout_score);
}

static int
cancel_cb (void *user)
{
  TrainLog *log = user;
  return log->cancel_after > 0 && log->last_step >= log->cancel_after;
}

static CeStatus
keep_cb (void *user, CeModel *model, char *msg)
{
  TrainLog *log = user;
  (void) model;
  (void) msg;
  log->keeps++;
  return CE_OK;
}

static CeCopywriter *
train_small (Shop *train, Shop *held, CeModelKind kind, int epochs, TrainLog *log, CeStatus *status_out)
{
  CeCopyConfig cfg;
  CeTrainOptions o;
  CeTrainResult res;
  CeStatus st;
  char msg[CE_MSG_SIZE];
  CeCopywriter *cw;

  ce_copy_config_default (&cfg, kind);
  cfg.emb = 24;
  cfg.field_emb = 8;
  cfg.hidden = 48;
  cfg.attn = 24;
  cfg.latent = 8;
  cfg.dropout = 0.0f;
  cfg.word_dropout = 0.0f;
  cfg.min_count = 1;
  cw = ce_copywriter_new (&cfg, train->ex, train->n, 7, &st, msg);
  g_assert_nonnull (cw);
  /* name, color, material and type are quoted verbatim in every text. */
  g_assert_cmpint (ce_copywriter_n_delex_keys (cw), ==, 4);
  g_assert_cmpstr (ce_copywriter_language (cw), ==, "en");

  ce_train_options_default (&o);
  o.epochs = epochs;
  o.batch_size = 16;
  o.params.lr = 5e-3f;
  o.warmup_steps = 10;
  o.kl_anneal_steps = 50;
  o.report_every = 5;
  o.progress = progress_cb;
  o.cancel = cancel_cb;
  o.keep = keep_cb;
  o.user = log;
  st = ce_copywriter_train (cw, train->ex, train->n, held ? held->ex : NULL, held ? held->n : 0, &o, &res, msg);
  if (status_out)
    *status_out = st;
  else
    g_assert_cmpint (st, ==, CE_OK);
  return cw;
}

static void
test_copywriter_learns_and_copies (void)
{
  Shop train, held, fresh;
  TrainLog log = { 0 };
  CeCopywriter *cw, *loaded;
  CeCopyOptions o;
  CeCopyOutput *outs, *outs2;
  CeRng rng;
  char msg[CE_MSG_SIZE];
  const CeAttrs **rows;
  g_autofree char *dir = g_dir_make_tmp ("copyist-copy-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "m.cpmodel", NULL);
  CeStatus st;

  ce_blas_set_threads (1);
  shop_init (&train, 120, 0, TRUE);
  shop_init (&held, 20, 200, TRUE);
  shop_init (&fresh, 10, 1000, FALSE);   /* names never seen in training */
  cw = train_small (&train, &held, CE_MODEL_CVAE, 40, &log, NULL);
  g_assert_cmpint (log.epoch_ends, ==, 40);
  g_assert_cmpint (log.keeps, >=, 1);
  g_assert_cmpint (log.progress_calls, >, log.epoch_ends);

  rows = g_new (const CeAttrs *, fresh.n);
  for (int i = 0; i < fresh.n; i++)
    rows[i] = &fresh.attrs[i];
  outs = g_new0 (CeCopyOutput, fresh.n);
  if (g_getenv ("COPY_DEBUG"))
    {
      for (int m = 0; m < 2; m++)
        {
          ce_copy_options_default (&o, m == 0 ? CE_DECODE_GREEDY : CE_DECODE_BEAM);
          o.rerank = 0;
          o.beam = 4;
          o.variants = 4;
          g_assert_cmpint (ce_copywriter_generate (cw, rows, 3, &o, NULL, outs, msg), ==, CE_OK);
          for (int i = 0; i < 3; i++)
            for (int k = 0; k < outs[i].n; k++)
              g_test_message ("%s %d/%d: %s (%.3f m%d i%d b%d)", m ? "beam" : "greedy", i, k, outs[i].items[k].text, outs[i].items[k].score,
                              outs[i].items[k].missing, outs[i].items[k].invented, outs[i].items[k].broken);
          ce_copy_outputs_free (outs, 3);
        }
    }
  ce_copy_options_default (&o, CE_DECODE_BEAM);
  o.beam = 4;
  g_assert_cmpint (ce_copywriter_generate (cw, rows, fresh.n, &o, NULL, outs, msg), ==, CE_OK);
  for (int i = 0; i < fresh.n; i++)
    {
      const char *text;
      g_assert_cmpint (outs[i].n, ==, 1);
      text = outs[i].items[0].text;
      g_test_message ("%s", text);
      /* Every value comes out, copied from the row — even the unseen name. */
      for (int a = 0; a < fresh.attrs[i].n; a++)
        g_assert_nonnull (strstr (text, fresh.attrs[i].items[a].value));
      g_assert_null (strchr (text, '<'));
      g_assert_cmpint (outs[i].items[0].invented, ==, 0);
      g_assert_cmpint (outs[i].items[0].missing, ==, 0);
    }

  /* Save and load: the same outputs. */
  g_assert_cmpint (ce_copywriter_save (cw, path, msg), ==, CE_OK);
  loaded = ce_copywriter_load (path, &st, msg);
  g_assert_nonnull (loaded);
  outs2 = g_new0 (CeCopyOutput, fresh.n);
  g_assert_cmpint (ce_copywriter_generate (loaded, rows, fresh.n, &o, NULL, outs2, msg), ==, CE_OK);
  for (int i = 0; i < fresh.n; i++)
    g_assert_cmpstr (outs[i].items[0].text, ==, outs2[i].items[0].text);
  ce_copy_outputs_free (outs2, fresh.n);

  /* The in-memory form (a project's BLOB) is the file's bytes exactly, loads
   * to the same outputs, and a damaged buffer is refused by name. */
  {
    uint8_t *buf = NULL;
    size_t size = 0;
    gchar *file_bytes;
    gsize file_len;
    CeCopywriter *from_buf;

    g_assert_cmpint (ce_copywriter_save_buffer (loaded, &buf, &size, msg), ==, CE_OK);
    g_assert_true (g_file_get_contents (path, &file_bytes, &file_len, NULL));
    g_assert_cmpmem (buf, size, file_bytes, file_len);
    g_free (file_bytes);
    from_buf = ce_copywriter_load_buffer (buf, size, "buffer model", &st, msg);
    g_assert_nonnull (from_buf);
    g_assert_cmpint (ce_copywriter_generate (from_buf, rows, fresh.n, &o, NULL, outs2, msg), ==, CE_OK);
    for (int i = 0; i < fresh.n; i++)
      g_assert_cmpstr (outs[i].items[0].text, ==, outs2[i].items[0].text);
    ce_copy_outputs_free (outs2, fresh.n);
    ce_copywriter_free (from_buf);
    g_assert_null (ce_copywriter_load_buffer (buf, size - 7, "buffer model", &st, msg));
    g_assert_cmpint (st, !=, CE_OK);
    g_assert_null (ce_copywriter_load_buffer (NULL, 0, NULL, &st, msg));
    g_assert_cmpint (st, !=, CE_OK);
    free (buf);
  }

  /* Variants: distinct samples, each checked; character budget holds. */
  ce_copy_options_default (&o, CE_DECODE_SAMPLE);
  o.samples = 12;
  o.variants = 3;
  o.temperature = 1.5f;
  o.max_chars = 40;
  ce_rng_seed (&rng, 3);
  g_assert_cmpint (ce_copywriter_generate (cw, rows, fresh.n, &o, &rng, outs2, msg), ==, CE_OK);
  for (int i = 0; i < fresh.n; i++)
    {
      g_assert_cmpint (outs2[i].n, >=, 1);
      g_assert_cmpint (outs2[i].n, <=, 3);
      for (int k = 0; k < outs2[i].n; k++)
        {
          g_assert_cmpuint (ce_utf8_chars (outs2[i].items[k].text, -1), <=, 40);
          for (int j = 0; j < k; j++)
            g_assert_cmpstr (outs2[i].items[k].text, !=, outs2[i].items[j].text);
          /* reranked: fewest slot errors first */
          if (k > 0)
            g_assert_cmpint (outs2[i].items[k - 1].missing + outs2[i].items[k - 1].invented + outs2[i].items[k - 1].broken,
                             <=, outs2[i].items[k].missing + outs2[i].items[k].invented + outs2[i].items[k].broken);
        }
    }
  ce_copy_outputs_free (outs2, fresh.n);
  g_free (outs2);

  /* A damaged model file is refused with a message. */
  {
    gchar *contents;
    gsize len;
    g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
    contents[len / 2] ^= 0x5a;
    g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
    g_free (contents);
    g_assert_null (ce_copywriter_load (path, &st, msg));
    g_assert_cmpint (st, !=, CE_OK);
    g_assert_cmpstr (msg, !=, "");
  }
  g_unlink (path);
  g_rmdir (dir);

  ce_copy_outputs_free (outs, fresh.n);
  g_free (outs);
  g_free (rows);
  ce_copywriter_free (loaded);
  ce_copywriter_free (cw);
  shop_clear (&train);
  shop_clear (&held);
  shop_clear (&fresh);
}

static void
test_train_cancel_keeps_best (void)
{
  Shop train, held;
  TrainLog log = { 0 };
  CeCopywriter *cw;
  CeStatus st;

  ce_blas_set_threads (1);
  shop_init (&train, 64, 0, TRUE);
  shop_init (&held, 8, 200, TRUE);
  log.cancel_after = 12;
  cw = train_small (&train, &held, CE_MODEL_S2S, 50, &log, &st);
  g_assert_cmpint (st, ==, CE_ERR_CANCELLED);
  /* Cancelled in epoch 3 (4 batches per epoch): the partial epoch is still
   * scored, so the best model so far was handed over. */
  g_assert_cmpint (log.epoch_ends, <=, 4);
  g_assert_cmpint (log.keeps, >=, 1);
  ce_copywriter_free (cw);
  shop_clear (&train);
  shop_clear (&held);
}

static float
short_eos_penalty (void *user, int source, const int32_t *tokens, int n)
{
  return n < 7 ? 50.0f : 0.0f;
}

/* Decoding constraints, checked on the raw hypotheses of a trained model. */
static void
test_decode_constraints (void)
{
  Shop train;
  TrainLog log = { 0 };
  CeCopywriter *cw;
  CeModel *model;
  CeDecodeOptions d;
  CeHypothesis *hyps = NULL;
  int n_hyps = 0;
  char msg[CE_MSG_SIZE];
  int32_t src[2 * 6], fields[2 * 6];
  CeBatch batch = { 2, 6, 0, src, fields, NULL };
  int V;
  uint8_t *once;
  CeRng rng;

  ce_blas_set_threads (1);
  shop_init (&train, 60, 0, TRUE);
  cw = train_small (&train, NULL, CE_MODEL_S2S, 6, &log, NULL);
  model = ce_copywriter_model (cw);
  V = ce_model_get_config (model)->vocab_size;
  for (int i = 0; i < 12; i++)
    {
      src[i] = CE_TOK_FIRST_REGULAR + (i * 7) % (V - CE_TOK_FIRST_REGULAR);
      fields[i] = i % 4;
    }

  /* Beam: n_best per source, best first, each ends within max_tokens. */
  ce_decode_options_default (&d, CE_DECODE_BEAM);
  d.beam = 4;
  d.n_best = 3;
  d.max_tokens = 12;
  g_assert_cmpint (ce_decode (model, &batch, &d, NULL, &hyps, &n_hyps, msg), ==, CE_OK);
  g_assert_cmpint (n_hyps, ==, 6);
  for (int h = 0; h < n_hyps; h++)
    {
      g_assert_cmpint (hyps[h].source, ==, h / 3);
      g_assert_cmpint (hyps[h].n, <=, 12);
      if (h % 3 > 0)
        g_assert_cmpfloat (hyps[h - 1].score, >=, hyps[h].score);
    }
  ce_hypotheses_free (hyps, n_hyps);

  /* An EOS penalty makes the beam go on: ending before 7 tokens costs 50 nats. */
  ce_decode_options_default (&d, CE_DECODE_BEAM);
  d.beam = 3;
  d.n_best = 2;
  d.max_tokens = 14;
  d.eos_penalty = short_eos_penalty;
  g_assert_cmpint (ce_decode (model, &batch, &d, NULL, &hyps, &n_hyps, msg), ==, CE_OK);
  g_assert_cmpint (n_hyps, ==, 4);
  for (int h = 0; h < n_hyps; h++)
    g_assert_cmpint (hyps[h].n, >=, 7);
  ce_hypotheses_free (hyps, n_hyps);

  /* Greedy with a minimum length, repetition blocking and tokens allowed once. */
  once = g_new0 (uint8_t, V);
  for (int v = CE_TOK_FIRST_REGULAR; v < V; v++)
    once[v] = 1;
  ce_decode_options_default (&d, CE_DECODE_GREEDY);
  d.min_tokens = 8;
  d.max_tokens = 20;
  d.once = once;
  g_assert_cmpint (ce_decode (model, &batch, &d, NULL, &hyps, &n_hyps, msg), ==, CE_OK);
  g_assert_cmpint (n_hyps, ==, 2);
  for (int h = 0; h < n_hyps; h++)
    {
      g_assert_cmpint (hyps[h].n, >=, 8);
      for (int i = 0; i < hyps[h].n; i++)
        for (int j = 0; j < i; j++)
          g_assert_cmpint (hyps[h].tokens[i], !=, hyps[h].tokens[j]);
    }
  ce_hypotheses_free (hyps, n_hyps);
  g_free (once);

  ce_decode_options_default (&d, CE_DECODE_SAMPLE);
  d.n_best = 5;
  d.block_ngram = 2;
  d.max_tokens = 30;
  d.temperature = 2.0f;
  ce_rng_seed (&rng, 11);
  g_assert_cmpint (ce_decode (model, &batch, &d, &rng, &hyps, &n_hyps, msg), ==, CE_OK);
  g_assert_cmpint (n_hyps, ==, 10);
  for (int h = 0; h < n_hyps; h++)
    for (int i = 1; i < hyps[h].n; i++)
      for (int j = 1; j < i; j++)
        g_assert_false (hyps[h].tokens[i - 1] == hyps[h].tokens[j - 1] && hyps[h].tokens[i] == hyps[h].tokens[j]);
  ce_hypotheses_free (hyps, n_hyps);

  /* Sampling needs a random number generator: an error, not a crash. */
  g_assert_cmpint (ce_decode (model, &batch, &d, NULL, &hyps, &n_hyps, msg), ==, CE_ERR_INVALID_ARG);

  ce_copywriter_free (cw);
  shop_clear (&train);
}

/* Whether HYP holds TOKEN. */
static gboolean
hyp_has (const CeHypothesis *hyp, int32_t token)
{
  for (int i = 0; i < hyp->n; i++)
    if (hyp->tokens[i] == token)
      return TRUE;
  return FALSE;
}

/* The hard coverage constraint: with source_required, no text ends (EOS)
 * while one of its source's required tokens is missing; only the
 * max_tokens cap may end it early. Required tokens here are ones the model
 * rarely writes, so without the constraint texts end without them. */
static void
test_decode_require_slots (void)
{
  Shop train;
  TrainLog log = { 0 };
  CeCopywriter *cw;
  CeModel *model;
  CeDecodeOptions d;
  CeHypothesis *hyps = NULL;
  int n_hyps = 0;
  char msg[CE_MSG_SIZE];
  int32_t src[2 * 6], fields[2 * 6];
  CeBatch batch = { 2, 6, 0, src, fields, NULL };
  int V;
  uint8_t *required;
  int32_t req[2][3];
  const int max_tokens = 40;
  CeRng rng;
  const CeDecodeMethod methods[] = { CE_DECODE_GREEDY, CE_DECODE_BEAM, CE_DECODE_SAMPLE };
  int without_missing = 0, with_complete = 0, cap;

  ce_blas_set_threads (1);
  shop_init (&train, 60, 0, TRUE);
  cw = train_small (&train, NULL, CE_MODEL_S2S, 6, &log, NULL);
  model = ce_copywriter_model (cw);
  V = ce_model_get_config (model)->vocab_size;
  /* the decoder never goes past the model's longest target */
  cap = MIN (max_tokens, ce_model_get_config (model)->max_tgt - 1);
  g_assert_cmpint (cap, >=, 10);
  g_assert_cmpint (V, >, CE_TOK_FIRST_REGULAR + 12);
  for (int i = 0; i < 12; i++)
    {
      src[i] = CE_TOK_FIRST_REGULAR + (i * 7) % (V - CE_TOK_FIRST_REGULAR);
      fields[i] = i % 4;
    }
  /* Each source requires two words the other source's greedy text has and
   * its own lacks: likely enough to be written, missing without the
   * constraint. */
  required = g_new0 (uint8_t, (size_t) 2 * V);
  ce_decode_options_default (&d, CE_DECODE_GREEDY);
  d.max_tokens = max_tokens;
  g_assert_cmpint (ce_decode (model, &batch, &d, NULL, &hyps, &n_hyps, msg), ==, CE_OK);
  g_assert_cmpint (n_hyps, ==, 2);
  for (int b = 0; b < 2; b++)
    {
      int k = 0;
      req[b][0] = req[b][1] = req[b][2] = -1;
      for (int i = 0; i < hyps[1 - b].n && k < 2; i++)
        {
          int32_t t = hyps[1 - b].tokens[i];
          if (!hyp_has (&hyps[b], t) && (k == 0 || req[b][0] != t))
            req[b][k++] = t;
        }
      g_assert_cmpint (k, >, 0);
      for (int j = 0; j < k; j++)
        required[(size_t) b * V + req[b][j]] = 1;
    }
  ce_hypotheses_free (hyps, n_hyps);

  for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
    for (int on = 0; on < 2; on++)
      {
        ce_decode_options_default (&d, methods[m]);
        d.beam = 4;
        d.n_best = methods[m] == CE_DECODE_GREEDY ? 1 : 3;
        d.max_tokens = max_tokens;
        d.source_required = on ? required : NULL;
        ce_rng_seed (&rng, 5);
        g_assert_cmpint (ce_decode (model, &batch, &d, &rng, &hyps, &n_hyps, msg), ==, CE_OK);
        g_assert_cmpint (n_hyps, ==, 2 * d.n_best);
        for (int h = 0; h < n_hyps; h++)
          {
            const CeHypothesis *hy = &hyps[h];
            gboolean all = TRUE;
            for (int k = 0; k < 3; k++)
              if (req[hy->source][k] >= 0 && !hyp_has (hy, req[hy->source][k]))
                all = FALSE;
            if (!on)
              without_missing += !all;
            else
              {
                /* complete, or cut at the cap */
                g_assert_true (all || hy->n >= cap);
                with_complete += all;
              }
          }
        ce_hypotheses_free (hyps, n_hyps);
      }
  g_assert_cmpint (without_missing, >, 0);   /* the constraint had work to do */
  g_assert_cmpint (with_complete, >, 0);

  /* Not required tokens of the other source: source 1 never has to
   * write source 0's. An empty requirement changes nothing. */
  memset (required, 0, (size_t) 2 * V);
  {
    CeHypothesis *plain = NULL;
    int n_plain = 0;
    ce_decode_options_default (&d, CE_DECODE_BEAM);
    d.max_tokens = max_tokens;
    g_assert_cmpint (ce_decode (model, &batch, &d, NULL, &plain, &n_plain, msg), ==, CE_OK);
    d.source_required = required;
    g_assert_cmpint (ce_decode (model, &batch, &d, NULL, &hyps, &n_hyps, msg), ==, CE_OK);
    g_assert_cmpint (n_hyps, ==, n_plain);
    for (int h = 0; h < n_hyps; h++)
      {
        g_assert_cmpint (hyps[h].n, ==, plain[h].n);
        g_assert_cmpmem (hyps[h].tokens, sizeof (int32_t) * (size_t) hyps[h].n,
                         plain[h].tokens, sizeof (int32_t) * (size_t) plain[h].n);
      }
    ce_hypotheses_free (plain, n_plain);
    ce_hypotheses_free (hyps, n_hyps);
  }

  g_free (required);
  ce_copywriter_free (cw);
  shop_clear (&train);
}

/* Beam with a sampling fallback: a row whose best text leaves out or
 * invents a value is sampled again and a candidate with fewer slot errors
 * replaces it; rows without errors keep their beam text. A barely trained
 * model leaves values out, so the fallback has work to do. */
static void
test_fallback_samples (void)
{
  Shop train, fresh;
  TrainLog log = { 0 };
  CeCopyOptions o;
  CeCopyOutput *beam, *fb, *fb2, *fb3;
  CeRng rng;
  char msg[CE_MSG_SIZE];
  int err_beam = 0, err_fb = 0, replaced = 0;

  ce_blas_set_threads (1);
  shop_init (&train, 60, 0, TRUE);
  shop_init (&fresh, 24, 100, FALSE);
  CeCopywriter *cw = train_small (&train, NULL, CE_MODEL_CVAE, 2, &log, NULL);
  const CeAttrs **rows = g_new (const CeAttrs *, fresh.n);
  for (int i = 0; i < fresh.n; i++)
    rows[i] = &fresh.attrs[i];
  beam = g_new0 (CeCopyOutput, fresh.n);
  fb = g_new0 (CeCopyOutput, fresh.n);
  fb2 = g_new0 (CeCopyOutput, fresh.n);
  fb3 = g_new0 (CeCopyOutput, fresh.n);
  ce_copy_options_default (&o, CE_DECODE_BEAM);
  o.beam = 2;
  o.coverage_penalty = 0.0f;
  g_assert_cmpint (o.fallback_samples, ==, 0);   /* off unless asked for */
  g_assert_cmpint (ce_copywriter_generate (cw, rows, fresh.n, &o, NULL, beam, msg), ==, CE_OK);
  o.fallback_samples = 16;
  ce_rng_seed (&rng, 11);
  g_assert_cmpint (ce_copywriter_generate (cw, rows, fresh.n, &o, &rng, fb, msg), ==, CE_OK);
  /* without a generator: the same texts every time */
  g_assert_cmpint (ce_copywriter_generate (cw, rows, fresh.n, &o, NULL, fb2, msg), ==, CE_OK);
  g_assert_cmpint (ce_copywriter_generate (cw, rows, fresh.n, &o, NULL, fb3, msg), ==, CE_OK);
  for (int i = 0; i < fresh.n; i++)
    g_assert_cmpstr (fb2[i].items[0].text, ==, fb3[i].items[0].text);
  for (int i = 0; i < fresh.n; i++)
    {
      g_assert_cmpint (beam[i].n, ==, 1);
      g_assert_cmpint (fb[i].n, ==, 1);
      const CeCopyCandidate *b = &beam[i].items[0], *f = &fb[i].items[0];
      int eb = b->missing + b->invented + b->broken, ef = f->missing + f->invented + f->broken;
      err_beam += eb;
      err_fb += ef;
      g_assert_cmpint (ef, <=, eb);
      if (eb == 0)
        g_assert_cmpstr (f->text, ==, b->text);
      else if (strcmp (f->text, b->text) != 0)
        {
          g_assert_cmpint (ef, <, eb);
          replaced++;
        }
      /* the reported counts are the fact check's */
      CeCheck c;
      ce_check_init (&c);
      g_assert_cmpint (ce_fact_check (ce_copywriter_lexicon (cw), rows[i], f->text, -1, &c, msg), ==, CE_OK);
      g_assert_cmpint (c.n_missing, ==, f->missing);
      g_assert_cmpint (c.n_invented, ==, f->invented);
      ce_check_clear (&c);
    }
  g_test_message ("slot errors: beam %d, with the sampling fallback %d (%d rows replaced)", err_beam, err_fb, replaced);
  g_assert_cmpint (err_beam, >, 0);
  g_assert_cmpint (replaced, >, 0);
  g_assert_cmpint (err_fb, <, err_beam);
  ce_copy_outputs_free (beam, fresh.n);
  ce_copy_outputs_free (fb, fresh.n);
  ce_copy_outputs_free (fb2, fresh.n);
  ce_copy_outputs_free (fb3, fresh.n);
  g_free (fb3);
  g_free (beam);
  g_free (fb);
  g_free (fb2);
  g_free (rows);
  ce_copywriter_free (cw);
  shop_clear (&train);
  shop_clear (&fresh);
}

/* A small Chinese shop (AdvertiseGen rows): the defaults for a few hundred
 * rows, the decoding the language gets, and the garment lexicon in the
 * fact check (外套 says 类型=上衣; 风格 words are never invented). */
static void
test_small_shop_defaults (void)
{
  static const char *const garments[] = { "外套", "卫衣", "衬衫" };
  static const char *const colours[] = { "白色", "黑色", "红色", "蓝色" };
  static const char *const styles[] = { "简约", "复古", "休闲" };
  enum { N = 24 };
  CeAttrs attrs[N];
  char *texts[N];
  CeCopyExample ex[N];
  CeCopyConfig cfg;
  CeTrainOptions o, base;
  CeCopyOptions co;
  CeStatus st;
  CeCheck check;
  char msg[CE_MSG_SIZE];

  for (int i = 0; i < N; i++)
    {
      const char *g = garments[i % 3], *c = colours[i % 4], *sty = styles[(i / 3) % 3];
      g_autofree char *row = g_strdup_printf ("类型#上衣*颜色#%s*风格#%s*衣样式#%s", c, sty, g);
      ce_attrs_init (&attrs[i]);
      g_assert_cmpint (ce_attrs_parse (&attrs[i], row, CE_ATTRS_HASH, msg), ==, CE_OK);
      texts[i] = g_strdup_printf ("这款%s的%s，%s的设计很好看，穿着舒适。", c, g, sty);
      ex[i].attrs = &attrs[i];
      ex[i].text = texts[i];
    }

  /* training defaults: small data gets small batches and a short warm-up */
  ce_train_options_default (&base);
  ce_copy_train_options_default (&o, 428);
  g_assert_cmpint (o.batch_size, ==, 16);
  g_assert_cmpfloat (o.params.lr, >, base.params.lr);
  g_assert_cmpint (o.warmup_steps, <, base.warmup_steps);
  g_assert_cmpint (o.kl_anneal_steps, <, base.kl_anneal_steps);
  /* a GAN's autoencoder warm-up: off in the bare training loop and for
   * large data, on for a small shop's */
  g_assert_cmpfloat (base.gan_warmup_frac, ==, 0.0f);
  g_assert_cmpfloat (base.gan_finetune_frac, ==, 0.0f);
  g_assert_cmpfloat (o.gan_warmup_frac, >, 0.0f);
  g_assert_cmpfloat (o.gan_warmup_frac, <, 1.0f);
  const float warm_small = o.gan_warmup_frac;
  ce_copy_train_options_default (&o, 40000);
  g_assert_cmpint (o.batch_size, ==, base.batch_size);
  g_assert_cmpint (o.warmup_steps, ==, base.warmup_steps);
  g_assert_cmpfloat (warm_small, >, 0.0f);
  g_assert_cmpfloat (o.gan_warmup_frac, ==, 0.0f);
  g_assert_cmpfloat (o.gan_finetune_frac, ==, 0.0f);
  ce_copy_config_default (&cfg, CE_MODEL_CVAE);
  ce_copy_config_for_data (&cfg, 428);
  g_assert_cmpint (cfg.min_count, ==, 1);
  ce_copy_config_for_data (&cfg, 40000);
  g_assert_cmpint (cfg.min_count, ==, 2);

  ce_copy_config_default (&cfg, CE_MODEL_CVAE);
  ce_copy_config_for_data (&cfg, N);
  cfg.emb = 8;
  cfg.field_emb = 4;
  cfg.hidden = 8;
  cfg.attn = 4;
  cfg.latent = 4;
  CeCopywriter *cw = ce_copywriter_new (&cfg, ex, N, 3, &st, msg);
  g_assert_nonnull (cw);
  g_assert_cmpstr (ce_copywriter_language (cw), ==, "zh");

  /* decoding: Chinese gets 4-gram blocking and a minimum length, except
   * under a character budget */
  ce_copy_options_default (&co, CE_DECODE_BEAM);
  ce_copywriter_tune_options (cw, &co);
  g_assert_cmpint (co.block_ngram, ==, 4);
  g_assert_cmpfloat (co.min_len_ratio, ==, 0.8f);
  ce_copy_options_default (&co, CE_DECODE_BEAM);
  co.max_chars = 30;
  ce_copywriter_tune_options (cw, &co);
  g_assert_cmpfloat (co.min_len_ratio, ==, 0.0f);

  /* the fact check knows AdvertiseGen's garments and styles */
  ce_check_init (&check);
  g_assert_cmpint (ce_fact_check (ce_copywriter_lexicon (cw), &attrs[0], "这款白色的外套，简约的设计。", -1,
                                  &check, msg), ==, CE_OK);
  g_assert_cmpint (check.n_missing, ==, 0);    /* 外套 realises 类型=上衣 */
  g_assert_cmpint (check.n_invented, ==, 0);
  /* another row's style is no invented fact (风格 is soft); another garment type is */
  g_assert_cmpint (ce_fact_check (ce_copywriter_lexicon (cw), &attrs[0], "这款白色的外套，复古的设计。", -1,
                                  &check, msg), ==, CE_OK);
  g_assert_cmpint (check.n_invented, ==, 0);
  g_assert_cmpint (check.n_missing, ==, 1);
  g_assert_cmpint (ce_fact_check (ce_copywriter_lexicon (cw), &attrs[0], "这款白色的外套，简约的连衣裙。", -1,
                                  &check, msg), ==, CE_OK);
  g_assert_cmpint (check.n_invented, ==, 1);
  g_assert_cmpstr (check.invented[0].key, ==, "类型");
  ce_check_clear (&check);

  /* the same after a round trip through a model file */
  g_autofree char *dir = g_dir_make_tmp ("copyist-shop-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "m.cpmodel", NULL);
  g_assert_cmpint (ce_copywriter_save (cw, path, msg), ==, CE_OK);
  CeCopywriter *back = ce_copywriter_load (path, &st, msg);
  g_assert_nonnull (back);
  ce_check_init (&check);
  g_assert_cmpint (ce_fact_check (ce_copywriter_lexicon (back), &attrs[0], "这款白色的外套，简约的设计。", -1,
                                  &check, msg), ==, CE_OK);
  g_assert_cmpint (check.n_missing, ==, 0);
  ce_check_clear (&check);
  ce_copywriter_free (back);
  g_unlink (path);
  g_rmdir (dir);

  ce_copywriter_free (cw);
  for (int i = 0; i < N; i++)
    {
      ce_attrs_clear (&attrs[i]);
      g_free (texts[i]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/copy/learns-and-copies", test_copywriter_learns_and_copies);
  g_test_add_func ("/engine/copy/cancel-keeps-best", test_train_cancel_keeps_best);
  g_test_add_func ("/engine/decode/constraints", test_decode_constraints);
  g_test_add_func ("/engine/copy/small-shop-defaults", test_small_shop_defaults);
  g_test_add_func ("/engine/copy/fallback-samples", test_fallback_samples);
  g_test_add_func ("/engine/decode/require-slots", test_decode_require_slots);
  return g_test_run ();
}
