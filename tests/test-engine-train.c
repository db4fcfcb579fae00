/* test-engine-train.c — the training loop under faults: a NaN in the
 * weights is rolled back to the last good weights and optimiser state with
 * a lower learning rate; NaN after NaN stops training with the best model
 * kept and a clear status; a cancel at any moment keeps the best model so
 * far; a process killed (SIGKILL) while it trains and saves leaves the last
 * model file whole and loadable. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ce-model-private.h"

/* ---- a tiny problem: copy the source ids to the target ------------------- */

#define N_EXAMPLES 24
#define V 16

static CeModel *
tiny_model_of_kind (CeModelKind kind, uint64_t seed)
{
  CeModelConfig cfg;
  CeStatus st;
  char msg[CE_MSG_SIZE];
  CeModel *model;

  ce_model_config_default (&cfg, kind, V, 3);
  cfg.emb = 8;
  cfg.field_emb = 3;
  cfg.hidden = 12;
  cfg.attn = 8;
  cfg.latent = 4;
  cfg.max_src = 6;
  cfg.max_tgt = 7;
  model = ce_model_new (&cfg, seed, &st, msg);
  g_assert_nonnull (model);
  return model;
}

static CeModel *
tiny_model (uint64_t seed)
{
  return tiny_model_of_kind (CE_MODEL_CVAE, seed);
}

static CeDataset *
tiny_data (int first, int n)
{
  CeDataset *ds = ce_dataset_new ();

  for (int e = first; e < first + n; e++)
    {
      int32_t src[3], fld[3] = { 0, 1, 2 }, tgt[4];
      for (int s = 0; s < 3; s++)
        src[s] = tgt[s] = 4 + (e * 7 + s * 3) % (V - 4);
      tgt[3] = CE_TOK_EOS;
      g_assert_cmpint (ce_dataset_add (ds, src, fld, 3, tgt, 4), ==, CE_OK);
    }
  return ds;
}

static void
options (CeTrainOptions *o, int epochs)
{
  ce_train_options_default (o);
  o->epochs = epochs;
  o->batch_size = 4;
  o->warmup_steps = 5;
  o->kl_anneal_steps = 20;
  o->report_every = 1;
  o->params.lr = 0.01f;
}

/* ---- a NaN in the weights -------------------------------------------------- */

typedef struct {
  CeModel *model;
  int calls;              /* cancel polls so far (one per batch) */
  int poison_from;        /* from this poll on, a weight is set to NaN … */
  int poison_until;       /* … up to this one (inclusive) */
  float *saved;           /* params | adam m | adam v just before the first poison */
  int checked;            /* the rollback was compared with SAVED */
  int last_recoveries;
  float lr_before, lr_after;
  int keeps;
  double kept_score;
  char *keep_path;
  int cancel_at;          /* poll at which to cancel (0 = never) */
  int poison_every_other; /* poison only odd polls in the range */
} Probe;

static int
probe_cancel_cb (void *user)
{
  Probe *p = user;
  const size_t n = p->model->table.total;

  p->calls++;
  if (p->saved != NULL && p->calls - 1 == p->poison_until && !p->checked)
    {
      /* The step after the poison failed and was rolled back: the weights
       * and the optimiser state are exactly what they were before. */
      g_assert_cmpmem (p->model->params, n * sizeof (float), p->saved, n * sizeof (float));
      g_assert_cmpmem (p->model->adam_m, n * sizeof (float), p->saved + n, n * sizeof (float));
      g_assert_cmpmem (p->model->adam_v, n * sizeof (float), p->saved + 2 * n, n * sizeof (float));
      p->checked = 1;
    }
  if (p->calls >= p->poison_from && p->calls <= p->poison_until
      && (!p->poison_every_other || (p->calls - p->poison_from) % 2 == 0))
    {
      if (p->calls == p->poison_from && p->saved == NULL)
        {
          p->saved = g_new (float, 3 * n);
          memcpy (p->saved, p->model->params, n * sizeof (float));
          memcpy (p->saved + n, p->model->adam_m, n * sizeof (float));
          memcpy (p->saved + 2 * n, p->model->adam_v, n * sizeof (float));
        }
      p->model->params[n / 2] = NAN;
    }
  return p->cancel_at > 0 && p->calls >= p->cancel_at;
}

static void
probe_progress_cb (void *user, const CeTrainProgress *pr)
{
  Probe *p = user;

  if (pr->epoch_end)
    return;
  if (pr->numeric_recoveries > p->last_recoveries && p->lr_after == 0.0f)
    p->lr_after = pr->lr;
  else if (pr->numeric_recoveries == 0)
    p->lr_before = pr->lr;
  p->last_recoveries = pr->numeric_recoveries;
}

static CeStatus
probe_keep_cb (void *user, CeModel *model, char *msg)
{
  Probe *p = user;

  p->keeps++;
  if (p->keep_path != NULL)
    return ce_model_save (model, p->keep_path, NULL, 0, msg);
  return CE_OK;
}

static void
test_nan_rolled_back (void)
{
  CeModel *model = tiny_model (3);
  CeDataset *train = tiny_data (0, N_EXAMPLES), *held = tiny_data (100, 8);
  CeTrainOptions o;
  CeTrainResult res;
  Probe p = { 0 };
  char msg[CE_MSG_SIZE];
  CeStatus st;

  /* 6 batches an epoch; the snapshot is taken every 50 good steps, so poll
   * 51 comes right after one: the poisoned step must go back to it. */
  options (&o, 20);
  p.model = model;
  p.poison_from = p.poison_until = 51;
  o.cancel = probe_cancel_cb;
  o.progress = probe_progress_cb;
  o.keep = probe_keep_cb;
  o.user = &p;
  st = ce_train (model, train, held, &o, &res, msg);
  g_assert_cmpint (st, ==, CE_OK);
  g_assert_true (p.checked);
  g_assert_cmpint (res.numeric_recoveries, ==, 1);
  /* The user is told (the progress reports count recoveries) and the rate is halved. */
  g_assert_cmpint (p.last_recoveries, ==, 1);
  g_assert_cmpfloat (p.lr_after, >, 0.0f);
  g_assert_cmpfloat (p.lr_after, <, 0.6f * p.lr_before);
  /* Training went on and learned: finite weights, a best epoch after the fault. */
  g_assert_true (ce_all_finite (model->params, 0, model->table.total));
  g_assert_cmpint (res.steps, ==, 20 * 6 - 1);
  g_assert_cmpint (res.best_epoch, >, 9);
  g_test_message ("NaN at step 51 rolled back to the snapshot of step 50; lr %.3g -> %.3g; best epoch %d",
                  (double) p.lr_before, (double) p.lr_after, res.best_epoch);
  g_free (p.saved);
  ce_dataset_free (train);
  ce_dataset_free (held);
  ce_model_free (model);
}

/* Bad steps that alternate with good ones never come "in a row"; the
 * halved learning rate is what ends it: the 13th rollback takes it below
 * 1/4096 of the rate and training stops as diverged. */
static void
test_nan_alternating_stops (void)
{
  CeModel *model = tiny_model (5);
  CeDataset *train = tiny_data (0, N_EXAMPLES), *held = tiny_data (100, 8);
  CeTrainOptions o;
  CeTrainResult res;
  Probe p = { 0 };
  char msg[CE_MSG_SIZE];
  CeStatus st;

  options (&o, 50);
  p.model = model;
  p.poison_from = 25;
  p.poison_until = G_MAXINT;
  p.poison_every_other = 1;
  o.cancel = probe_cancel_cb;
  o.progress = probe_progress_cb;
  o.keep = probe_keep_cb;
  o.user = &p;
  st = ce_train (model, train, held, &o, &res, msg);
  g_test_message ("%s", msg);
  g_assert_cmpint (st, ==, CE_ERR_NUMERIC);
  g_assert_nonnull (strstr (msg, "diverged"));
  g_assert_nonnull (strstr (msg, "1/8192 of the learning rate"));
  g_assert_cmpint (res.numeric_recoveries, ==, 13);
  g_assert_cmpint (res.steps, ==, 24 + 12);   /* the good steps between the 13 bad ones */
  g_assert_true (ce_all_finite (model->params, 0, model->table.total));
  g_free (p.saved);
  ce_dataset_free (train);
  ce_dataset_free (held);
  ce_model_free (model);
}

static void
test_nan_repeated_stops (void)
{
  CeModel *model = tiny_model (4);
  CeDataset *train = tiny_data (0, N_EXAMPLES), *held = tiny_data (100, 8);
  g_autofree char *dir = g_dir_make_tmp ("copyist-train-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "best.cpmodel", NULL);
  CeTrainOptions o;
  CeTrainResult res;
  Probe p = { 0 };
  char msg[CE_MSG_SIZE];
  CeStatus st;
  CeModel *best;

  /* Four good epochs (24 polls), then NaN at every step. */
  options (&o, 50);
  p.model = model;
  p.poison_from = 25;
  p.poison_until = G_MAXINT;
  p.keep_path = path;
  o.cancel = probe_cancel_cb;
  o.progress = probe_progress_cb;
  o.keep = probe_keep_cb;
  o.user = &p;
  st = ce_train (model, train, held, &o, &res, msg);
  g_assert_cmpint (st, ==, CE_ERR_NUMERIC);
  g_test_message ("%s", msg);
  g_assert_nonnull (strstr (msg, "diverged"));
  g_assert_nonnull (strstr (msg, "10 steps in a row"));
  g_assert_cmpint (res.numeric_recoveries, ==, 10);
  g_assert_cmpint (res.steps, ==, 24);
  g_assert_cmpint (res.epochs, ==, 6);   /* 6 bad steps in epoch 5, the 10th in epoch 6 */
  g_assert_nonnull (strstr (msg, "weights of step 24"));
  /* The best model of the good epochs was kept, and it is whole. */
  g_assert_cmpint (p.keeps, >=, 1);
  g_assert_cmpint (res.best_epoch, >=, 1);
  g_assert_cmpint (res.best_epoch, <=, 4);
  best = ce_model_load (path, NULL, NULL, &st, msg);
  g_assert_nonnull (best);
  g_assert_true (ce_all_finite (best->params, 0, best->table.total));
  ce_model_free (best);
  /* The model in memory is the last good one, not the poisoned one. */
  g_assert_true (ce_all_finite (model->params, 0, model->table.total));
  g_free (p.saved);
  g_remove (path);
  g_rmdir (dir);
  ce_dataset_free (train);
  ce_dataset_free (held);
  ce_model_free (model);
}

/* ---- cancel at any moment ---------------------------------------------------- */

static double
heldout_loss (CeModel *model, const CeDataset *held)
{
  int idx[8];
  CeBatch batch;
  void *buf = NULL;
  CeLosses l;
  char msg[CE_MSG_SIZE];

  for (int i = 0; i < 8; i++)
    idx[i] = i;
  g_assert_cmpint (ce_dataset_batch (held, idx, 8, &batch, &buf), ==, CE_OK);
  g_assert_cmpint (ce_model_eval_loss (model, &batch, &l, msg), ==, CE_OK);
  free (buf);
  return l.xent;
}

static void
test_cancel_keeps_best (void)
{
  CeDataset *train = tiny_data (0, N_EXAMPLES), *held = tiny_data (100, 8);
  g_autofree char *dir = g_dir_make_tmp ("copyist-train-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "best.cpmodel", NULL);
  int tried = 0;

  /* Cancel before the first step, mid-epoch, right at an epoch's end … */
  for (int cancel_at = 1; cancel_at <= 40; cancel_at += 3)
    {
      CeModel *model = tiny_model (5);
      CeTrainOptions o;
      CeTrainResult res;
      Probe p = { 0 };
      char msg[CE_MSG_SIZE];
      CeStatus st;

      g_remove (path);
      options (&o, 10);
      p.model = model;
      p.poison_from = p.poison_until = -1;
      p.cancel_at = cancel_at;
      p.keep_path = path;
      o.cancel = probe_cancel_cb;
      o.keep = probe_keep_cb;
      o.user = &p;
      st = ce_train (model, train, held, &o, &res, msg);
      g_assert_cmpint (st, ==, CE_ERR_CANCELLED);
      g_assert_true (res.cancelled);
      g_assert_cmpint (res.steps, ==, cancel_at - 1);
      if (res.best_epoch > 0)
        {
          /* The file holds the best model so far: its held-out loss is the best score. */
          CeModel *best = ce_model_load (path, NULL, NULL, &st, msg);
          g_assert_nonnull (best);
          g_assert_cmpfloat_with_epsilon (heldout_loss (best, held), -res.best_score, 1e-4);
          ce_model_free (best);
        }
      else
        g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
      ce_model_free (model);
      tried++;
    }
  g_test_message ("cancelled at %d moments; the best model so far was kept each time", tried);
  g_remove (path);
  g_rmdir (dir);
  ce_dataset_free (train);
  ce_dataset_free (held);
}

/* ---- SIGKILL while training and saving ----------------------------------- */

/* DIR and the files in it (a killed save leaves its temporary file). */
static void
remove_dir (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      char *p = g_build_filename (dir, name, NULL);
      g_remove (p);
      g_free (p);
    }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (dir);
}

static double
always_better_cb (void *user, CeModel *model)
{
  int *epoch = user;
  (void) model;
  return (double) ++*epoch;   /* every epoch is "the best": a save per epoch */
}

static CeStatus
save_cb (void *user, CeModel *model, char *msg)
{
  const char *path = g_getenv ("COPYIST_TEST_KILL_PATH");
  (void) user;
  return ce_model_save (model, path, NULL, 0, msg);
}

/* The child: trains (and saves after every epoch) until it is killed. */
static void
child_train (const char *path)
{
  CeModel *model = tiny_model (6);
  CeDataset *train = tiny_data (0, 64);
  CeTrainOptions o;
  CeTrainResult res;
  char msg[CE_MSG_SIZE];
  int epoch = 0;

  g_setenv ("COPYIST_TEST_KILL_PATH", path, TRUE);
  options (&o, 100000);
  o.report_every = 0;
  o.eval = always_better_cb;
  o.keep = save_cb;
  o.user = &epoch;
  ce_train (model, train, NULL, &o, &res, msg);
  _exit (0);
}

static void
test_kill_keeps_last_checkpoint (void)
{
  g_autofree char *dir = g_dir_make_tmp ("copyist-kill-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.cpmodel", NULL);
  const int kills = 12;
  int loaded = 0;

  ce_blas_set_threads (1);
  for (int k = 0; k < kills; k++)
    {
      pid_t pid;
      int status;
      CeModel *model;
      CeStatus st;
      char msg[CE_MSG_SIZE];

      g_remove (path);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        child_train (path);
      /* Wait for the first save, then kill at a random moment of the
       * following epochs (a save is then often half written). */
      for (int w = 0; w < 2000 && !g_file_test (path, G_FILE_TEST_EXISTS); w++)
        g_usleep (5000);
      g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
      g_usleep (g_test_rand_int_range (0, 40000));
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status));
      /* The last complete checkpoint is there, whole. */
      model = ce_model_load (path, NULL, NULL, &st, msg);
      if (model == NULL)
        g_error ("kill %d: the model file does not load: %s", k, msg);
      g_assert_true (ce_all_finite (model->params, 0, model->table.total));
      ce_model_free (model);
      loaded++;
    }
  g_test_message ("%d SIGKILLs during training: the last checkpoint loaded every time", loaded);
  remove_dir (dir);
}

/* ---- the ARAE's training phases -------------------------------------------- */

#define PHASE_EPOCHS 4
#define PHASE_STEPS (PHASE_EPOCHS * N_EXAMPLES / 4)

typedef struct {
  CeModel *model;
  float *adv;          /* critic and generator weights at the last report */
  double critic[PHASE_STEPS + 1], generator[PHASE_STEPS + 1];
  int adv_moved[PHASE_STEPS + 1];
  int code_grad[PHASE_STEPS + 1];   /* the step's gradient reached the code layer */
  int reports;
} PhaseProbe;

static void
phase_progress_cb (void *user, const CeTrainProgress *pr)
{
  PhaseProbe *p = user;
  const CeTensorTable *tb = &p->model->table;
  const size_t lo = tb->group_begin[CE_GROUP_GEN], hi = tb->group_end[CE_GROUP_CRITIC];
  if (pr->epoch_end)
    return;
  g_assert_cmpint (pr->step, >=, 1);
  g_assert_cmpint (pr->step, <=, PHASE_STEPS);
  p->critic[pr->step] = pr->losses.critic;
  p->generator[pr->step] = pr->losses.generator;
  p->adv_moved[pr->step] = memcmp (p->model->params + lo, p->adv, (hi - lo) * sizeof (float)) != 0;
  memcpy (p->adv, p->model->params + lo, (hi - lo) * sizeof (float));
  const CeModel *m = p->model;
  const size_t off = (size_t) (m->p.code_W - m->params), n = (size_t) m->d.Z * m->d.H;
  double g = 0.0;
  for (size_t i = 0; i < n; i++)
    g += fabs (m->grads[off + i]);
  p->code_grad[pr->step] = g > 0.0;
  p->reports++;
}

/* gan_warmup_frac: the first quarter of the steps trains the autoencoder
 * only (no critic or generator update, no adversarial losses);
 * gan_finetune_frac: the last quarter decodes every row from the
 * generator's code, so no gradient reaches the code layer, and again no
 * adversarial steps; in between the full ARAE step. Without the options
 * every step is adversarial. */
static void
test_arae_phases (void)
{
  for (int with = 0; with <= 1; with++)
    {
      CeStatus st;
      char msg[CE_MSG_SIZE];
      CeTrainOptions o;
      CeTrainResult res;
      PhaseProbe probe = { 0 };
      probe.model = tiny_model_of_kind (CE_MODEL_ARAE, 3);
      const CeTensorTable *tb = &probe.model->table;
      const size_t lo = tb->group_begin[CE_GROUP_GEN], hi = tb->group_end[CE_GROUP_CRITIC];
      g_assert_cmpuint (tb->group_end[CE_GROUP_GEN], ==, tb->group_begin[CE_GROUP_CRITIC]);
      probe.adv = g_memdup2 (probe.model->params + lo, (hi - lo) * sizeof (float));
      CeDataset *train = tiny_data (0, N_EXAMPLES);
      options (&o, PHASE_EPOCHS);
      o.params.gan_lr = 1e-3f;
      if (with)
        {
          o.gan_warmup_frac = 0.25f;
          o.gan_finetune_frac = 0.25f;
        }
      o.progress = phase_progress_cb;
      o.user = &probe;
      st = ce_train (probe.model, train, NULL, &o, &res, msg);
      g_assert_cmpint (st, ==, CE_OK);
      g_assert_cmpint (res.steps, ==, PHASE_STEPS);
      g_assert_cmpint (probe.reports, ==, PHASE_STEPS);
      /* step s (1-based) ran at frac = (s - 1) / PHASE_STEPS */
      for (int s = 1; s <= PHASE_STEPS; s++)
        {
          const double frac = (double) (s - 1) / PHASE_STEPS;
          const int warm = with && frac < 0.25, fine = with && frac >= 0.75;
          if (warm || fine)
            {
              g_assert_cmpfloat (probe.critic[s], ==, 0.0);
              g_assert_cmpfloat (probe.generator[s], ==, 0.0);
              g_assert_false (probe.adv_moved[s]);
            }
          else
            {
              g_assert_cmpfloat (probe.critic[s], !=, 0.0);
              g_assert_true (probe.adv_moved[s]);
            }
          /* only the fine-tuning steps decode from the generator's codes */
          g_assert_cmpint (probe.code_grad[s], ==, !fine);
        }
      g_free (probe.adv);
      ce_dataset_free (train);
      ce_model_free (probe.model);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ce_blas_set_threads (1);
  g_test_add_func ("/engine/train/nan-rolled-back", test_nan_rolled_back);
  g_test_add_func ("/engine/train/nan-repeated-stops", test_nan_repeated_stops);
  g_test_add_func ("/engine/train/nan-alternating-stops", test_nan_alternating_stops);
  g_test_add_func ("/engine/train/cancel-keeps-best", test_cancel_keeps_best);
  g_test_add_func ("/engine/train/kill-keeps-last-checkpoint", test_kill_keeps_last_checkpoint);
  g_test_add_func ("/engine/train/arae-phases", test_arae_phases);
  return g_test_run ();
}
