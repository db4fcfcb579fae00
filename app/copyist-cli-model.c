/* copyist-cli-model.c — copyist-cli train, generate and eval on data files
 *
 *   copyist-cli train --data FILE --attributes COL --text COL --model vae|gan|s2s
 *                     --out M.cpmodel [--minutes N] [--epochs N] [--threads N] [--seed N]
 *   copyist-cli generate --model M.cpmodel --data FILE --attributes COL [--unique]
 *                     [--variants K] [--beam K | --sample --top-p P --temperature T]
 *                     [--max-chars N] --out OUT.tsv
 *   copyist-cli eval --model M.cpmodel --data FILE --attributes COL --text COL
 *
 * With --project instead of --data, train and generate work on a project
 * (copyist-cli-project-model.c).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "copyist-cli.h"
#include "copyist-dataset.h"
#include "copyist-generator.h"
#include "engine.h"

static volatile sig_atomic_t interrupted = 0;

static void
on_sigint (int sig)
{
  (void) sig;
  interrupted = 1;
}

static gboolean
has_option (int argc, char **argv, const char *name)
{
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], name) || (g_str_has_prefix (argv[i], name) && argv[i][strlen (name)] == '='))
      return TRUE;
  return FALSE;
}

static int
user_error (const char *command, GError *error)
{
  g_printerr ("copyist-cli %s: %s\n", command, error->message);
  return 1;
}

static int
parse_options (GOptionContext *ctx, const char *command, int *argc, char ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (ctx, argc, argv, &error))
    return user_error (command, error);
  return 0;
}

static void
format_duration (double seconds, char *buf, size_t size)
{
  int s = isfinite (seconds) && seconds > 0 ? (int) (seconds + 0.5) : 0;
  if (s >= 3600)
    g_snprintf (buf, size, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  else
    g_snprintf (buf, size, "%d:%02d", s / 60, s % 60);
}

/* ---- train ---------------------------------------------------------------- */

typedef struct {
  CeCopywriter *cw;
  const char *out;
  gboolean quiet;
  CeModelKind kind;
  guint saves;
  int recoveries;   /* NaN/Inf steps rolled back, as last reported */
} TrainCtx;

static void
train_progress_cb (void *user, const CeTrainProgress *p)
{
  TrainCtx *tc = user;
  char eta[32], el[32];

  if (p->numeric_recoveries > tc->recoveries)
    {
      /* Said even when quiet: the user should know the run had trouble. */
      printf ("step %d: the loss became NaN or Inf (%d time%s so far); rolled back to the last good weights, "
              "learning rate now %.2g\n", p->step, p->numeric_recoveries, p->numeric_recoveries == 1 ? "" : "s",
              (double) p->lr);
      tc->recoveries = p->numeric_recoveries;
    }
  if (tc->quiet && !p->epoch_end)
    return;
  format_duration (p->eta, eta, sizeof eta);
  format_duration (p->elapsed, el, sizeof el);
  if (p->epoch_end)
    {
      printf ("epoch %d done: step %d, held-out xent %.4f, held-out BLEU %.4f%s, variant distinct-2 %.3f, elapsed %s\n",
              p->epoch, p->step, p->heldout_xent, p->heldout_score, p->improved ? " (best, saved)" : "",
              ce_copywriter_diversity (tc->cw), el);
      if (ce_copywriter_collapse_epoch (tc->cw) > 0)
        printf ("mode collapse: the sampled variants stopped differing (distinct-2 %.3f); stopping with the best model\n",
                ce_copywriter_diversity (tc->cw));
    }
  else if (tc->kind == CE_MODEL_ARAE)
    printf ("epoch %d step %d/%d  reconstruction %.4f  critic %.4f  generator %.4f  %.0f tok/s  lr %.2g  elapsed %s  ETA %s\n",
            p->epoch, p->step, p->total_steps, p->losses.xent, p->losses.critic, p->losses.generator,
            p->tokens_per_s, (double) p->lr, el, eta);
  else
    printf ("epoch %d step %d/%d  xent %.4f  kl %.4f (weight %.2f)  %.0f tok/s  lr %.2g  elapsed %s  ETA %s\n",
            p->epoch, p->step, p->total_steps, p->losses.xent, p->losses.kl, (double) p->kl_weight,
            p->tokens_per_s, (double) p->lr, el, eta);
  fflush (stdout);
}

static int
train_cancel_cb (void *user)
{
  (void) user;
  return interrupted;
}

static CeStatus
train_keep_cb (void *user, CeModel *model, char *msg)
{
  TrainCtx *tc = user;
  (void) model;
  tc->saves++;
  return ce_copywriter_save (tc->cw, tc->out, msg);
}

static gboolean
parse_kind (const char *name, CeModelKind *kind)
{
  if (g_str_equal (name, "vae") || g_str_equal (name, "cvae"))
    *kind = CE_MODEL_CVAE;
  else if (g_str_equal (name, "gan") || g_str_equal (name, "arae"))
    *kind = CE_MODEL_ARAE;
  else if (g_str_equal (name, "s2s"))
    *kind = CE_MODEL_S2S;
  else
    return FALSE;
  return TRUE;
}

/* Training rows made by --shuffle-copies. */
typedef struct {
  CeAttrs *rows;
  guint n;
} AugRows;

static void
aug_rows_clear (AugRows *r)
{
  for (guint i = 0; i < r->n; i++)
    ce_attrs_clear (&r->rows[i]);
  g_free (r->rows);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AugRows, aug_rows_clear)

int
copyist_cli_train (int argc, char **argv)
{
  g_autofree char *data = NULL, *attributes = NULL, *text = NULL, *model_name = NULL, *out = NULL;
  g_autofree char *delex = NULL;
  double minutes = 0;
  int epochs = 0, threads = 0, seed = 1, hidden = 0, emb = 0, latent = 0, batch = 0;
  int min_count = 0, patience = 0;
  double lr = 0, heldout = 0.05, dropout = -1, word_dropout = -1;
  double gan_enc_weight = -1, gan_code_noise = -1, gan_gen_share = -1;
  double gan_warmup = -1, gan_finetune = -1;
  int shuffle_copies = 0;
  g_autofree char *precision = NULL;
  CePrecision train_precision = CE_PRECISION_FP32;
  guint n_train_ex;
  g_auto(AugRows) aug = { NULL, 0 };
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, N_("Training data (CSV or JSON lines)"), N_("FILE") },
    { "attributes", 0, 0, G_OPTION_ARG_STRING, &attributes, N_("Attribute column, or several separated by commas"), N_("COL") },
    { "text", 0, 0, G_OPTION_ARG_STRING, &text, N_("Text column"), N_("COL") },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model_name, N_("Model family: vae (default), gan or s2s"), N_("KIND") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Model file to write (the best epoch)"), N_("FILE") },
    { "minutes", 0, 0, G_OPTION_ARG_DOUBLE, &minutes, N_("Time budget in minutes"), N_("N") },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, N_("At most this many epochs"), N_("N") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("BLAS threads (default: all cores)"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, N_("Random seed"), N_("N") },
    { "hidden", 0, 0, G_OPTION_ARG_INT, &hidden, N_("Decoder size"), N_("N") },
    { "emb", 0, 0, G_OPTION_ARG_INT, &emb, N_("Embedding size"), N_("N") },
    { "latent", 0, 0, G_OPTION_ARG_INT, &latent, N_("Latent code size"), N_("N") },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, N_("Batch size"), N_("N") },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr, N_("Peak learning rate"), N_("LR") },
    { "dropout", 0, 0, G_OPTION_ARG_DOUBLE, &dropout, N_("Dropout"), N_("P") },
    { "word-dropout", 0, 0, G_OPTION_ARG_DOUBLE, &word_dropout, N_("Word dropout (VAE)"), N_("P") },
    { "min-count", 0, 0, G_OPTION_ARG_INT, &min_count, N_("Rarer tokens become unknown"), N_("N") },
    { "heldout", 0, 0, G_OPTION_ARG_DOUBLE, &heldout, N_("Share of attribute sets held out to pick the best epoch"), N_("F") },
    { "patience", 0, 0, G_OPTION_ARG_INT, &patience, N_("Stop after N epochs without improvement"), N_("N") },
    { "delex", 0, 0, G_OPTION_ARG_STRING, &delex, N_("Delexicalise exactly these keys (comma-separated)"), N_("KEYS") },
    { "gan-enc-weight", 0, 0, G_OPTION_ARG_DOUBLE, &gan_enc_weight, N_("GAN: weight of the encoder's adversarial term"), N_("W") },
    { "gan-code-noise", 0, 0, G_OPTION_ARG_DOUBLE, &gan_code_noise, N_("GAN: standard deviation of the noise added to the code the decoder reads in training (0 = off)"), N_("S") },
    { "gan-gen-share", 0, 0, G_OPTION_ARG_DOUBLE, &gan_gen_share, N_("GAN: share of training rows decoded from the generator's code (0 = off)"), N_("F") },
    { "gan-warmup", 0, 0, G_OPTION_ARG_DOUBLE, &gan_warmup, N_("GAN: the first share F of the budget trains the autoencoder only (default 0.5 under 2000 training rows, else 0; 0 = off)"), N_("F") },
    { "gan-finetune", 0, 0, G_OPTION_ARG_DOUBLE, &gan_finetune, N_("GAN: the last share F of the budget trains the decoder on the generator's codes (0 = off)"), N_("F") },
    { "shuffle-copies", 0, 0, G_OPTION_ARG_INT, &shuffle_copies, N_("Add N copies of every training row with its attributes in a random order (0 = off)"), N_("N") },
    { "precision", 0, 0, G_OPTION_ARG_STRING, &precision, N_("fp32 (default), or bf16: the decoder's matrix products in bfloat16 on the processor's AMX unit (faster; not bit for bit fp32)"), N_("P") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Print only epoch summaries"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("— train a copy model"));
  g_autoptr(GError) error = NULL;
  g_autoptr(CopyistDataset) ds = NULL;
  g_autoptr(GPtrArray) train = NULL, held = NULL;
  g_autoptr(GFile) file = NULL;
  g_auto(GStrv) delex_keys = NULL;
  g_autofree CeCopyExample *train_ex = NULL, *held_ex = NULL;
  CeCopyConfig cfg;
  CeTrainOptions topts;
  CeTrainResult res;
  CeModelKind kind = CE_MODEL_CVAE;
  TrainCtx tc = { 0 };
  CeStatus st;
  char msg[CE_MSG_SIZE];
  int rc;

  if (has_option (argc, argv, "--project"))
    return copyist_cli_train_project (argc, argv);

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if ((rc = parse_options (ctx, "train", &argc, &argv)) != 0)
    return rc;
  if (data == NULL || attributes == NULL || text == NULL || out == NULL)
    {
      g_printerr ("copyist-cli train: --data, --attributes, --text and --out are required (or --project)\n");
      return 1;
    }
  if (model_name != NULL && !parse_kind (model_name, &kind))
    {
      g_printerr ("copyist-cli train: unknown model “%s” (use vae, gan or s2s)\n", model_name);
      return 1;
    }
  if (gan_gen_share > 1 || gan_warmup >= 1 || gan_finetune >= 1
      || MAX (gan_warmup, 0) + MAX (gan_finetune, 0) >= 1)
    {
      g_printerr ("copyist-cli train: --gan-gen-share must be at most 1, and --gan-warmup and --gan-finetune "
                  "shares of the budget that add up to less than 1\n");
      return 1;
    }
  if (!copyist_train_precision_from_string (precision, &train_precision))
    {
      g_printerr ("copyist-cli train: unknown --precision “%s” (use fp32 or bf16)\n", precision);
      return 1;
    }
  if (minutes <= 0 && epochs <= 0)
    epochs = 10;

  file = g_file_new_for_commandline_arg (data);
  ds = copyist_dataset_read (file, attributes, text, NULL, &error);
  if (ds == NULL)
    return user_error ("train", error);
  copyist_dataset_split (ds, heldout, 500, (guint64) seed, &train, &held);
  train_ex = g_new0 (CeCopyExample, train->len + 1);
  held_ex = g_new0 (CeCopyExample, held->len + 1);
  for (guint i = 0; i < train->len; i++)
    {
      CopyistExample *e = g_ptr_array_index (train, i);
      train_ex[i].attrs = &e->attrs;
      train_ex[i].text = e->text;
    }
  for (guint i = 0; i < held->len; i++)
    {
      CopyistExample *e = g_ptr_array_index (held, i);
      held_ex[i].attrs = &e->attrs;
      held_ex[i].text = e->text;
    }
  n_train_ex = train->len;
  if (shuffle_copies > 0)
    {
      /* Attribute-order augmentation: the training rows (never the held-out
       * ones) again, each pair list in a random order. */
      CeRng srng;
      guint n_aug = train->len * (guint) MIN (shuffle_copies, 64);
      ce_rng_seed (&srng, (uint64_t) seed ^ 0x5eed5eedULL);
      aug.rows = g_new0 (CeAttrs, n_aug + 1);
      train_ex = g_renew (CeCopyExample, train_ex, train->len + n_aug + 1);
      for (guint k = 0; k < n_aug; k++)
        {
          CopyistExample *e = g_ptr_array_index (train, k % train->len);
          aug.n = k + 1;
          for (int a = 0; a < e->attrs.n; a++)
            if (ce_attrs_add (&aug.rows[k], e->attrs.items[a].key, e->attrs.items[a].value, msg) != CE_OK)
              {
                g_printerr ("copyist-cli train: %s\n", msg);
                return 2;
              }
          ce_attrs_shuffle (&aug.rows[k], &srng);
          train_ex[n_train_ex].attrs = &aug.rows[k];
          train_ex[n_train_ex].text = e->text;
          n_train_ex++;
        }
    }

  ce_blas_set_threads (threads > 0 ? threads : (int) g_get_num_processors ());
  ce_copy_config_default (&cfg, kind);
  ce_copy_config_for_data (&cfg, (int) train->len);
  cfg.hidden = hidden;
  cfg.emb = emb;
  cfg.latent = latent;
  cfg.dropout = (float) dropout;
  cfg.word_dropout = (float) word_dropout;
  if (min_count > 0)
    cfg.min_count = min_count;
  if (delex != NULL)
    {
      delex_keys = g_strsplit (delex, ",", -1);
      cfg.delex_keys = (const char *const *) delex_keys;
      cfg.n_delex_keys = (int) g_strv_length (delex_keys);
    }
  /* The E2E closed value sets help the fact check on E2E-like data. */
  for (guint i = 0; i < train->len && i < 50; i++)
    {
      CopyistExample *e = g_ptr_array_index (train, i);
      if (ce_attrs_find (&e->attrs, "eatType") >= 0 || ce_attrs_find (&e->attrs, "priceRange") >= 0)
        cfg.e2e_lexicon = 1;
    }

  tc.cw = ce_copywriter_new (&cfg, train_ex, (int) n_train_ex, (uint64_t) seed, &st, msg);
  if (tc.cw == NULL)
    {
      g_printerr ("copyist-cli train: %s: %s\n", ds->display_name, msg);
      return st == CE_ERR_NOMEM ? 2 : 1;
    }
  tc.out = out;
  tc.quiet = quiet;
  tc.kind = kind;
  printf ("%u training rows, %u held-out rows (%s); vocabulary %d; %zu parameters; language %s; delexicalised:",
          train->len, held->len, ds->display_name, ce_copywriter_vocab_size (tc.cw),
          ce_model_n_params (ce_copywriter_model (tc.cw)), ce_copywriter_language (tc.cw));
  for (int i = 0; i < ce_copywriter_n_delex_keys (tc.cw); i++)
    printf (" %s", ce_copywriter_delex_key (tc.cw, i));
  printf ("\n");
  fflush (stdout);

  ce_copy_train_options_default (&topts, (int) train->len);
  topts.epochs = epochs;
  topts.max_seconds = minutes > 0 ? minutes * 60.0 : 0;
  if (batch > 0)
    topts.batch_size = batch;
  if (lr > 0)
    topts.params.lr = (float) lr;
  topts.patience = patience;
  topts.precision = train_precision;
  if (gan_enc_weight >= 0)
    topts.params.gan_enc_weight = (float) gan_enc_weight;
  if (gan_code_noise >= 0)
    topts.params.gan_code_noise = (float) gan_code_noise;
  if (gan_gen_share >= 0)
    topts.params.gan_gen_share = (float) gan_gen_share;
  if (gan_warmup >= 0)
    topts.gan_warmup_frac = (float) gan_warmup;
  if (gan_finetune >= 0)
    topts.gan_finetune_frac = (float) gan_finetune;
  if (topts.gan_warmup_frac + topts.gan_finetune_frac >= 1.0f)
    {
      /* e.g. --gan-finetune 0.6 with the default warm-up (half the budget) */
      g_printerr ("copyist-cli train: --gan-warmup (%.2f) and --gan-finetune (%.2f) leave no adversarial "
                  "training; their shares of the budget must add up to less than 1\n",
                  (double) topts.gan_warmup_frac, (double) topts.gan_finetune_frac);
      ce_copywriter_free (tc.cw);
      return 1;
    }
  topts.seed = (uint64_t) seed;
  topts.report_every = 50;
  topts.progress = train_progress_cb;
  topts.cancel = train_cancel_cb;
  topts.keep = train_keep_cb;
  topts.user = &tc;

  signal (SIGINT, on_sigint);
  st = ce_copywriter_train (tc.cw, train_ex, (int) n_train_ex, held->len > 0 ? held_ex : NULL,
                            (int) held->len, &topts, &res, msg);
  signal (SIGINT, SIG_DFL);
  if (st == CE_ERR_NUMERIC && tc.saves > 0)
    {
      /* Diverged after some good epochs: the best of them is already saved. */
      g_printerr ("copyist-cli train: %s\n", msg);
      g_printerr ("copyist-cli train: the best model so far (epoch %d) is in %s\n", res.best_epoch, out);
      printf ("stopped (diverged) after %d epochs, %d steps; best held-out BLEU %.4f at epoch %d; model written to %s\n",
              res.epochs, res.steps, res.best_score, res.best_epoch, out);
      ce_copywriter_free (tc.cw);
      return 3;
    }
  if (st != CE_OK && st != CE_ERR_CANCELLED)
    {
      g_printerr ("copyist-cli train: %s\n", msg);
      ce_copywriter_free (tc.cw);
      return st == CE_ERR_NOMEM ? 2 : 1;
    }
  if (tc.saves == 0)
    {
      /* No held-out improvement was ever measured (no held-out rows): keep the last weights. */
      if ((st = ce_copywriter_save (tc.cw, out, msg)) != CE_OK)
        {
          g_printerr ("copyist-cli train: %s\n", msg);
          ce_copywriter_free (tc.cw);
          return 1;
        }
    }
  {
    char el[32];
    format_duration (res.seconds, el, sizeof el);
    printf ("%s after %d epochs, %d steps, %s; best held-out BLEU %.4f at epoch %d; model written to %s\n",
            ce_copywriter_collapse_epoch (tc.cw) > 0 ? "stopped (mode collapse)" : res.cancelled ? "cancelled" : "done", res.epochs, res.steps, el, res.best_score, res.best_epoch, out);
  }
  ce_copywriter_free (tc.cw);
  return 0;
}

/* ---- shared decoding options ------------------------------------------------ */

typedef struct {
  int beam;
  gboolean sample;
  double top_p, temperature;
  int top_k;
  int variants;
  int max_chars;
  int block;
  double min_len;
  double alpha;
  double coverage;
  int fallback;
  gboolean require_slots;
  int samples;
  int seed;
  int threads;
  gboolean int8;
} DecodeArgs;

static void
decode_args_init (DecodeArgs *d)
{
  d->beam = 0;
  d->sample = FALSE;
  d->top_p = 0.9;
  d->temperature = 1.0;
  d->top_k = 0;
  d->variants = 1;
  d->max_chars = 0;
  d->block = -1;
  d->min_len = -1;
  d->alpha = 1.0;
  d->coverage = 3.0;
  d->fallback = -1;
  d->require_slots = FALSE;
  d->samples = 0;
  d->seed = 1;
  d->threads = 0;
  d->int8 = FALSE;
}

static void
decode_entries (GOptionContext *ctx, DecodeArgs *d)
{
  GOptionEntry entries[] = {
    { "beam", 0, 0, G_OPTION_ARG_INT, &d->beam, N_("Beam search of this width (default 5)"), N_("K") },
    { "sample", 0, 0, G_OPTION_ARG_NONE, &d->sample, N_("Sample instead of beam search"), NULL },
    { "top-p", 0, 0, G_OPTION_ARG_DOUBLE, &d->top_p, N_("Sampling: nucleus probability"), N_("P") },
    { "top-k", 0, 0, G_OPTION_ARG_INT, &d->top_k, N_("Sampling: keep the K likeliest tokens"), N_("K") },
    { "temperature", 0, 0, G_OPTION_ARG_DOUBLE, &d->temperature, N_("Sampling temperature"), N_("T") },
    { "variants", 0, 0, G_OPTION_ARG_INT, &d->variants, N_("Distinct outputs per product"), N_("K") },
    { "max-chars", 0, 0, G_OPTION_ARG_INT, &d->max_chars, N_("Hard character budget"), N_("N") },
    { "block-ngram", 0, 0, G_OPTION_ARG_INT, &d->block, N_("Never repeat an n-gram of this size (0 = off)"), N_("N") },
    { "min-length", 0, 0, G_OPTION_ARG_DOUBLE, &d->min_len, N_("Minimum length as a share of the median training length"), N_("R") },
    { "length-alpha", 0, 0, G_OPTION_ARG_DOUBLE, &d->alpha, N_("Beam length normalisation exponent"), N_("A") },
    { "samples", 0, 0, G_OPTION_ARG_INT, &d->samples, N_("Sampling: candidates drawn per product before reranking (default 4 per variant)"), N_("N") },
    { "coverage-penalty", 0, 0, G_OPTION_ARG_DOUBLE, &d->coverage, N_("Beam: nats charged per value left out or invented when a text ends (0 = off)"), N_("P") },
    { "fallback-samples", 0, 0, G_OPTION_ARG_INT, &d->fallback, N_("Beam: texts that still leave out or invent a value are sampled again this many times; fewer errors win (0 = off, the default)"), N_("N") },
    { "require-slots", 0, 0, G_OPTION_ARG_NONE, &d->require_slots, N_("A text may not end before it names every delexicalised value of its row"), NULL },
    { "seed", 0, 0, G_OPTION_ARG_INT, &d->seed, N_("Random seed for sampling"), N_("N") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &d->threads, N_("BLAS threads"), N_("N") },
    { "int8", 0, 0, G_OPTION_ARG_NONE, &d->int8, N_("Decode with an int8 copy of the model's weights (faster, slightly different texts; see README)"), NULL },
    { NULL }
  };
  GOptionGroup *group = g_option_group_new ("decoding", _("Decoding options"), _("Show decoding options"), NULL, NULL);
  g_option_group_add_entries (group, entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_context_add_group (ctx, group);
}

static void
decode_args_to_options (const DecodeArgs *d, CeCopywriter *cw, CeCopyOptions *o)
{

  ce_copy_options_default (o, d->sample ? CE_DECODE_SAMPLE : CE_DECODE_BEAM);
  if (!d->sample)
    o->beam = d->beam > 0 ? d->beam : 5;
  else
    o->samples = d->samples > 0 ? d->samples : MAX (d->variants * 4, 10);
  o->variants = MAX (d->variants, 1);
  if (!d->sample && o->beam < o->variants)
    o->beam = o->variants;
  o->top_p = (float) d->top_p;
  o->top_k = d->top_k;
  o->temperature = (float) d->temperature;
  o->max_chars = d->max_chars;
  o->length_alpha = (float) d->alpha;
  o->coverage_penalty = d->sample ? 0.0f : (float) d->coverage;
  /* Chinese shop copy is long: the engine's defaults block repeats and keep
   * outputs near the usual length; explicit options win. */
  ce_copywriter_tune_options (cw, o);
  if (d->block >= 0)
    o->block_ngram = d->block;
  if (d->min_len >= 0)
    o->min_len_ratio = (float) d->min_len;
  if (d->fallback >= 0)
    o->fallback_samples = d->fallback;
  o->require_slots = d->require_slots ? 1 : 0;
  if (d->int8)
    {
      char msg[CE_MSG_SIZE];
      if (ce_model_set_decode_precision (ce_copywriter_model (cw), CE_PRECISION_INT8, msg) != CE_OK)
        g_printerr ("copyist-cli: --int8: %s; decoding in fp32\n", msg);
    }
}

static CopyistDataset *
load_for_model (const char *command, const char *data, const char *attributes, const char *text,
                const char *model_path, CeCopywriter **cw_out, int *rc)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  CopyistDataset *ds;
  char msg[CE_MSG_SIZE];
  CeStatus st;

  *cw_out = ce_copywriter_load (model_path, &st, msg);
  if (*cw_out == NULL)
    {
      g_printerr ("copyist-cli %s: %s\n", command, msg);
      *rc = 1;
      return NULL;
    }
  file = g_file_new_for_commandline_arg (data);
  ds = copyist_dataset_read (file, attributes, text, NULL, &error);
  if (ds == NULL)
    {
      *rc = user_error (command, error);
      ce_copywriter_free (*cw_out);
      *cw_out = NULL;
    }
  return ds;
}

/* Distinct attribute sets, in file order: one product each, with its references. */
typedef struct {
  GPtrArray *rows;     /* const CeAttrs* */
  GPtrArray *keys;     /* attrs_key */
  GPtrArray *refs;     /* GPtrArray of const char* per product */
} Products;

static void
products_clear (Products *p)
{
  g_clear_pointer (&p->rows, g_ptr_array_unref);
  g_clear_pointer (&p->keys, g_ptr_array_unref);
  g_clear_pointer (&p->refs, g_ptr_array_unref);
}

static void
products_collect (Products *p, CopyistDataset *ds, gboolean unique)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  p->rows = g_ptr_array_new ();
  p->keys = g_ptr_array_new ();
  p->refs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < ds->examples->len; i++)
    {
      CopyistExample *e = g_ptr_array_index (ds->examples, i);
      gpointer idx;
      if (unique && g_hash_table_lookup_extended (seen, e->attrs_key, NULL, &idx))
        {
          if (e->text != NULL)
            g_ptr_array_add (g_ptr_array_index (p->refs, GPOINTER_TO_UINT (idx)), e->text);
          continue;
        }
      g_hash_table_insert (seen, e->attrs_key, GUINT_TO_POINTER (p->rows->len));
      g_ptr_array_add (p->rows, &e->attrs);
      g_ptr_array_add (p->keys, e->attrs_text);
      g_ptr_array_add (p->refs, g_ptr_array_new ());
      if (e->text != NULL)
        g_ptr_array_add (g_ptr_array_index (p->refs, p->rows->len - 1), e->text);
    }
}

static char *
tsv_cell (const char *s)
{
  /* Tabs and newlines would break the row: escape them as \t and \n. */
  GString *out = g_string_new (NULL);
  for (const char *c = s; *c; c++)
    {
      if (*c == '\t')
        g_string_append (out, "\\t");
      else if (*c == '\n')
        g_string_append (out, "\\n");
      else if (*c == '\r')
        continue;
      else if (*c == '\\')
        g_string_append (out, "\\\\");
      else
        g_string_append_c (out, *c);
    }
  return g_string_free (out, FALSE);
}

int
copyist_cli_generate (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *data = NULL, *attributes = NULL, *out = NULL;
  gboolean unique = FALSE;
  DecodeArgs d;
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("— write copy for every row of a data file"));
  g_autoptr(CopyistDataset) ds = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) tsv = NULL;
  Products prods = { 0 };
  CeCopywriter *cw = NULL;
  CeCopyOutput *outs = NULL;
  CeCopyOptions o;
  CeRng rng;
  CeStatus st;
  char msg[CE_MSG_SIZE];
  int rc = 0;
  gint64 t0;

  if (has_option (argc, argv, "--project"))
    return copyist_cli_generate_project (argc, argv);

  decode_args_init (&d);
  {
    GOptionEntry entries[] = {
      { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, N_("Model file"), N_("FILE") },
      { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, N_("Products (CSV or JSON lines)"), N_("FILE") },
      { "attributes", 0, 0, G_OPTION_ARG_STRING, &attributes, N_("Attribute column(s)"), N_("COL") },
      { "unique", 0, 0, G_OPTION_ARG_NONE, &unique, N_("One output per distinct attribute set"), NULL },
      { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("TSV file to write: attributes, text"), N_("FILE") },
      { NULL }
    };
    g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  }
  decode_entries (ctx, &d);
  if ((rc = parse_options (ctx, "generate", &argc, &argv)) != 0)
    return rc;
  if (model_path == NULL || data == NULL || attributes == NULL || out == NULL)
    {
      g_printerr ("copyist-cli generate: --model, --data, --attributes and --out are required (or --project)\n");
      return 1;
    }
  if (d.sample && d.beam > 0)
    {
      g_printerr ("copyist-cli generate: choose --beam or --sample, not both\n");
      return 1;
    }
  ds = load_for_model ("generate", data, attributes, NULL, model_path, &cw, &rc);
  if (ds == NULL)
    return rc;
  ce_blas_set_threads (d.threads > 0 ? d.threads : (int) g_get_num_processors ());
  products_collect (&prods, ds, unique);
  decode_args_to_options (&d, cw, &o);
  ce_rng_seed (&rng, (uint64_t) d.seed);
  outs = g_new0 (CeCopyOutput, prods.rows->len);
  t0 = g_get_monotonic_time ();
  st = ce_copywriter_generate (cw, (const CeAttrs *const *) prods.rows->pdata, (int) prods.rows->len,
                               &o, &rng, outs, msg);
  if (st != CE_OK)
    {
      g_printerr ("copyist-cli generate: %s: %s\n", ds->display_name, msg);
      rc = 1;
      goto out;
    }
  tsv = g_string_new (NULL);
  for (guint i = 0; i < prods.rows->len; i++)
    for (int k = 0; k < outs[i].n; k++)
      {
        g_autofree char *a = tsv_cell (g_ptr_array_index (prods.keys, i));
        g_autofree char *t = tsv_cell (outs[i].items[k].text);
        g_string_append_printf (tsv, "%s\t%s\n", a, t);
      }
  /* g_file_set_contents writes a temporary file and renames it: never half a file. */
  if (!g_file_set_contents (out, tsv->str, (gssize) tsv->len, &error))
    {
      rc = user_error ("generate", error);
      goto out;
    }
  {
    double secs = (double) (g_get_monotonic_time () - t0) / 1e6;
    printf ("%u products, %.2f s (%.1f products/s); written to %s\n", prods.rows->len, secs,
            secs > 0 ? prods.rows->len / secs : 0.0, out);
  }
out:
  if (outs != NULL)
    ce_copy_outputs_free (outs, (int) prods.rows->len);
  g_free (outs);
  products_clear (&prods);
  ce_copywriter_free (cw);
  return rc;
}

/* ---- eval ------------------------------------------------------------------ */

static void
tally_key (GHashTable *t, const char *key)
{
  gpointer old = g_hash_table_lookup (t, key);
  g_hash_table_replace (t, g_strdup (key), GINT_TO_POINTER (GPOINTER_TO_INT (old) + 1));
}

static int
cmp_tally (gconstpointer a, gconstpointer b, gpointer t)
{
  int x = GPOINTER_TO_INT (g_hash_table_lookup (t, *(const char *const *) a));
  int y = GPOINTER_TO_INT (g_hash_table_lookup (t, *(const char *const *) b));
  return y - x;
}

static void
print_tally (const char *label, GHashTable *t)
{
  g_autofree gpointer *keys = NULL;
  guint n = 0;

  if (g_hash_table_size (t) == 0)
    return;
  keys = g_hash_table_get_keys_as_array (t, &n);
  g_qsort_with_data (keys, (gint) n, sizeof (gpointer), cmp_tally, t);
  printf ("%s", label);
  for (guint i = 0; i < n; i++)
    printf ("%s%s %d", i ? ", " : "", (char *) keys[i], GPOINTER_TO_INT (g_hash_table_lookup (t, keys[i])));
  printf ("\n");
}

int
copyist_cli_eval (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *data = NULL, *attributes = NULL, *text = NULL, *out = NULL;
  int self_variants = 5;
  DecodeArgs d;
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("— score a model against reference texts"));
  g_autoptr(CopyistDataset) ds = NULL;
  Products prods = { 0 };
  CeCopywriter *cw = NULL;
  CeCopyOutput *outs = NULL, *var = NULL;
  CeRefSet *refs = NULL;
  const char **texts = NULL;
  CeCopyOptions o;
  CeRng rng;
  CeStatus st;
  CeCheck check;
  CeSlotErrors ser = { 0 };
  char msg[CE_MSG_SIZE];
  int rc = 0;
  guint n;
  gboolean zh;
  CeMetricTokens tok;
  double bleu = 0, cbleu = 0, rouge = 0, d1 = 0, d2 = 0, d4 = 0, self = NAN, var_ser = NAN;
  g_autoptr(GHashTable) missing_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) invented_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) invented_values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean check_references = FALSE, verbose_check = FALSE;
  gint64 t0;
  double secs;

  decode_args_init (&d);
  {
    GOptionEntry entries[] = {
      { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, N_("Model file"), N_("FILE") },
      { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, N_("Evaluation data (CSV or JSON lines)"), N_("FILE") },
      { "attributes", 0, 0, G_OPTION_ARG_STRING, &attributes, N_("Attribute column(s)"), N_("COL") },
      { "text", 0, 0, G_OPTION_ARG_STRING, &text, N_("Reference text column"), N_("COL") },
      { "self-bleu-variants", 0, 0, G_OPTION_ARG_INT, &self_variants, N_("Sampled variants per product for self-BLEU (0 = skip)"), N_("K") },
      { "outputs", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Also write the outputs, one per line"), N_("FILE") },
      { "check-references", 0, 0, G_OPTION_ARG_NONE, &check_references, N_("Score each product's first reference text instead of the model's output (the fact check's view of the human texts)"), NULL },
      { "invented-values", 0, 0, G_OPTION_ARG_NONE, &verbose_check, N_("List the invented values (key=value and the text's words)"), NULL },
      { NULL }
    };
    g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  }
  decode_entries (ctx, &d);
  if ((rc = parse_options (ctx, "eval", &argc, &argv)) != 0)
    return rc;
  if (model_path == NULL || data == NULL || attributes == NULL || text == NULL)
    {
      g_printerr ("copyist-cli eval: --model, --data, --attributes and --text are required\n");
      return 1;
    }
  ds = load_for_model ("eval", data, attributes, text, model_path, &cw, &rc);
  if (ds == NULL)
    return rc;
  ce_blas_set_threads (d.threads > 0 ? d.threads : (int) g_get_num_processors ());
  products_collect (&prods, ds, TRUE);
  n = prods.rows->len;
  zh = g_str_equal (ce_copywriter_language (cw), "zh");
  tok = zh ? CE_METRIC_CHARS : CE_METRIC_WORDS;
  decode_args_to_options (&d, cw, &o);
  o.variants = 1;
  ce_rng_seed (&rng, (uint64_t) d.seed);
  outs = g_new0 (CeCopyOutput, n);
  t0 = g_get_monotonic_time ();
  if (check_references)
    self_variants = 0;
  st = check_references ? CE_OK
     : ce_copywriter_generate (cw, (const CeAttrs *const *) prods.rows->pdata, (int) n, &o, &rng, outs, msg);
  secs = (double) (g_get_monotonic_time () - t0) / 1e6;
  if (st != CE_OK)
    {
      g_printerr ("copyist-cli eval: %s: %s\n", ds->display_name, msg);
      rc = 1;
      goto out;
    }
  texts = g_new0 (const char *, n);
  refs = g_new0 (CeRefSet, n);
  ce_check_init (&check);
  for (guint i = 0; i < n; i++)
    {
      GPtrArray *r = g_ptr_array_index (prods.refs, i);
      texts[i] = check_references ? (r->len > 0 ? g_ptr_array_index (r, 0) : "")
               : outs[i].n > 0 ? outs[i].items[0].text : "";
      refs[i].n = (int) r->len;
      refs[i].refs = (const char *const *) r->pdata;
      if (ce_fact_check (ce_copywriter_lexicon (cw), g_ptr_array_index (prods.rows, i), texts[i], -1, &check, msg) == CE_OK)
        {
          const CeAttrs *row = g_ptr_array_index (prods.rows, i);
          ce_slot_errors_add (&ser, &check);
          for (int m = 0; m < check.n_missing; m++)
            tally_key (missing_by_key, row->items[check.missing[m]].key);
          for (int m = 0; m < check.n_invented; m++)
            {
              const CeMention *mn = &check.invented[m];
              tally_key (invented_by_key, mn->key);
              if (verbose_check)
                {
                  g_autofree char *span = g_strndup (texts[i] + mn->byte_start, mn->byte_end - mn->byte_start);
                  g_autofree char *kv = g_strdup_printf ("%s=%s (\"%s\")", mn->key, mn->value, span);
                  tally_key (invented_values, kv);
                }
            }
        }
    }
  if (ce_bleu_corpus ((int) n, texts, refs, tok, &bleu, msg) != CE_OK
      || ce_bleu_sentence_mean ((int) n, texts, refs, CE_METRIC_CHARS, &cbleu, msg) != CE_OK
      || ce_rouge_l ((int) n, texts, refs, tok, 1.2, &rouge, msg) != CE_OK
      || ce_distinct ((int) n, texts, tok, 1, &d1, msg) != CE_OK
      || ce_distinct ((int) n, texts, tok, 2, &d2, msg) != CE_OK
      || ce_distinct ((int) n, texts, tok, 4, &d4, msg) != CE_OK)
    {
      g_printerr ("copyist-cli eval: %s\n", msg);
      rc = 2;
      ce_check_clear (&check);
      goto out;
    }

  /* Variants: sampled from the model, reranked by the fact check. */
  if (self_variants >= 2)
    {
      CeCopyOptions vo;
      CeSlotErrors vser = { 0 };
      double sum = 0;
      int counted = 0;
      DecodeArgs dv = d;
      dv.sample = TRUE;
      dv.variants = self_variants;
      decode_args_to_options (&dv, cw, &vo);
      var = g_new0 (CeCopyOutput, n);
      if (ce_copywriter_generate (cw, (const CeAttrs *const *) prods.rows->pdata, (int) n, &vo, &rng, var, msg) == CE_OK)
        {
          for (guint i = 0; i < n; i++)
            {
              const char *v[64];
              int k = MIN (var[i].n, 64);
              for (int j = 0; j < k; j++)
                {
                  v[j] = var[i].items[j].text;
                  if (ce_fact_check (ce_copywriter_lexicon (cw), g_ptr_array_index (prods.rows, i), v[j], -1, &check, msg) == CE_OK)
                    ce_slot_errors_add (&vser, &check);
                }
              if (k >= 2)
                {
                  double sb;
                  if (ce_self_bleu (k, v, tok, &sb, msg) == CE_OK)
                    {
                      sum += sb;
                      counted++;
                    }
                }
            }
          self = counted > 0 ? sum / counted : NAN;
          var_ser = ce_slot_errors_rate (&vser);
        }
      ce_copy_outputs_free (var, (int) n);
    }
  ce_check_clear (&check);

  if (out != NULL)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *t = tsv_cell (texts[i]);
          g_string_append_printf (s, "%s\n", t);
        }
      if (!g_file_set_contents (out, s->str, (gssize) s->len, &error))
        {
          rc = user_error ("eval", error);
          goto out;
        }
    }

  printf ("products            %u (%zu references)\n", n, (size_t) ds->examples->len);
  if (d.sample)
    printf ("decoding            sampling (top-p %.2f, temperature %.2f)\n", d.top_p, d.temperature);
  else
    printf ("decoding            beam %d\n", o.beam);
  printf ("BLEU-4 (corpus)     %.4f\n", bleu);
  printf ("char BLEU-4 x100    %.2f\n", cbleu);
  printf ("ROUGE-L             %.4f\n", rouge);
  printf ("slot error rate     %.4f (%ld values, %ld missing, %ld invented)\n", ce_slot_errors_rate (&ser),
          ser.values, ser.missing, ser.invented);
  /* The ad copy reading: what a text names must be right, leaving a value
   * out is no error (the coverage is reported beside it). */
  printf ("invented rate       %.4f (wrong or invented values / values; %.4f of texts have one)\n",
          ce_slot_errors_invented_rate (&ser), ce_slot_errors_texts_invented_rate (&ser));
  printf ("missing rate        %.4f (coverage %.4f)\n", ce_slot_errors_missing_rate (&ser),
          1.0 - ce_slot_errors_missing_rate (&ser));
  print_tally ("  missing by key:  ", missing_by_key);
  print_tally ("  invented by key: ", invented_by_key);
  if (g_hash_table_size (invented_values) > 0)
    print_tally ("  invented values: ", invented_values);
  printf ("distinct-1          %.4f\n", d1);
  printf ("distinct-2          %.4f\n", d2);
  printf ("distinct-4          %.4f\n", d4);
  if (self_variants >= 2)
    printf ("self-BLEU-4 (%d var) %.4f (variant slot error rate %.4f)\n", self_variants, self, var_ser);
  printf ("generation time     %.2f s (%.1f products/s)\n", secs, secs > 0 ? n / secs : 0.0);

out:
  if (outs != NULL)
    ce_copy_outputs_free (outs, (int) n);
  g_free (outs);
  g_free (var);
  g_free (texts);
  g_free (refs);
  products_clear (&prods);
  ce_copywriter_free (cw);
  return rc;
}
