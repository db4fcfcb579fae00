/* copyist-cli-project-model.c — copyist-cli train and generate on a project
 *
 *   copyist-cli train --project P.copyist --model vae|gan --field description|adcopy [--minutes N]
 *   copyist-cli generate --project P.copyist --field description|adcopy [--missing | --all]
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>

#include "copyist-cli.h"
#include "copyist-generator.h"
#include "copyist-model-file.h"
#include "copyist-project.h"

static GCancellable *sigint_cancellable;

static void
on_sigint (int sig)
{
  (void) sig;
  if (sigint_cancellable != NULL)
    g_cancellable_cancel (sigint_cancellable);
}

static int
fail (const char *command, GError *error)
{
  g_printerr ("copyist-cli %s: %s\n", command, error->message);
  return 1;
}

static void
progress_cb (const CeTrainProgress *p, gpointer user_data)
{
  gboolean gan = GPOINTER_TO_INT (user_data);

  if (p->epoch_end)
    printf ("epoch %d done: held-out BLEU %.4f%s\n", p->epoch, p->heldout_score, p->improved ? " (best)" : "");
  else if (p->step % 50 == 0)
    {
      if (gan)
        printf ("epoch %d step %d/%d  reconstruction %.4f  critic %.4f  generator %.4f  ETA %.0f s\n",
                p->epoch, p->step, p->total_steps, p->losses.xent, p->losses.critic, p->losses.generator, p->eta);
      else
        printf ("epoch %d step %d/%d  xent %.4f  kl %.4f  ETA %.0f s\n",
                p->epoch, p->step, p->total_steps, p->losses.xent, p->losses.kl, p->eta);
    }
  fflush (stdout);
}

int
copyist_cli_train_project (int argc, char **argv)
{
  g_autofree char *project_path = NULL, *model = NULL, *field = NULL, *save = NULL;
  g_autofree char *precision = NULL;
  CePrecision train_precision = CE_PRECISION_FP32;
  double minutes = 0;
  int epochs = 0, seed = 1, threads = 0, hidden = 0;
  GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &project_path, N_("Project file"), N_("FILE") },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, N_("vae (default) or gan"), N_("KIND") },
    { "field", 0, 0, G_OPTION_ARG_STRING, &field, N_("description (default) or adcopy"), N_("FIELD") },
    { "minutes", 0, 0, G_OPTION_ARG_DOUBLE, &minutes, N_("Time budget in minutes (default 5)"), N_("N") },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, N_("At most this many epochs"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, N_("Random seed"), N_("N") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("BLAS threads"), N_("N") },
    { "hidden", 0, 0, G_OPTION_ARG_INT, &hidden, N_("Decoder size (default 256)"), N_("N") },
    { "save-model", 0, 0, G_OPTION_ARG_FILENAME, &save, N_("Also write the model to this file"), N_("FILE") },
    { "precision", 0, 0, G_OPTION_ARG_STRING, &precision, N_("fp32 (default), or bf16: the decoder's matrix products in bfloat16 on the processor's AMX unit (faster; not bit for bit fp32)"), N_("P") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("— train a model on a project"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(CopyistProject) project = NULL;
  g_autoptr(CopyistTrainJob) job = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CopyistTrainSettings settings;
  CeModelKind kind = CE_MODEL_CVAE;
  gint64 model_id = 0;
  gboolean ok;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fail ("train", error);
  if (model != NULL && !copyist_model_kind_from_string (model, &kind))
    {
      g_printerr ("copyist-cli train: unknown model “%s” (use vae or gan)\n", model);
      return 1;
    }
  if (!copyist_train_precision_from_string (precision, &train_precision))
    {
      g_printerr ("copyist-cli train: unknown --precision “%s” (use fp32 or bf16)\n", precision);
      return 1;
    }
  copyist_train_settings_init (&settings, kind, field != NULL ? field : COPYIST_FIELD_DESCRIPTION);
  settings.precision = train_precision;
  if (minutes > 0 || epochs > 0)
    {
      settings.minutes = minutes;
      settings.epochs = epochs;
    }
  settings.seed = (guint64) seed;
  settings.hidden = hidden;
  ce_blas_set_threads (threads > 0 ? threads : (int) g_get_num_processors ());

  file = g_file_new_for_commandline_arg (project_path);
  project = copyist_project_open (file, FALSE, &error);
  if (project == NULL)
    return fail ("train", error);
  job = copyist_train_job_new (project, &settings, &error);
  if (job == NULL)
    return fail ("train", error);
  printf ("training a %s on %u texts (%u held out)\n", kind == CE_MODEL_ARAE ? "GAN" : "VAE",
          copyist_train_job_n_train (job), copyist_train_job_n_heldout (job));
  fflush (stdout);

  sigint_cancellable = cancellable;
  signal (SIGINT, on_sigint);
  ok = copyist_train_job_run (job, progress_cb, GINT_TO_POINTER (kind == CE_MODEL_ARAE), cancellable, &error);
  signal (SIGINT, SIG_DFL);
  sigint_cancellable = NULL;
  if (!ok)
    return fail ("train", error);
  if (!copyist_train_job_store (job, project, &model_id, &error))
    return fail ("train", error);
  if (save != NULL)
    {
      GBytes *bytes = copyist_train_job_get_model_bytes (job);
      g_autoptr(GFile) save_file = g_file_new_for_commandline_arg (save);
      /* Durable: fsynced file and folder, renamed into place. */
      if (!copyist_model_file_write (bytes, save_file, NULL, &error))
        return fail ("train", error);
    }
  printf ("%s; model %" G_GINT64_FORMAT " stored in the project\nsummary: %s\n",
          copyist_train_job_was_cancelled (job) ? "cancelled (best model kept)" : "done", model_id,
          copyist_train_job_get_summary_json (job));
  return 0;
}

int
copyist_cli_generate_project (int argc, char **argv)
{
  g_autofree char *project_path = NULL, *field = NULL, *language = NULL;
  gboolean missing = FALSE, all = FALSE;
  int variants = 3, threads = 0;
  gint64 model_id = 0;
  GOptionEntry entries[] = {
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &project_path, N_("Project file"), N_("FILE") },
    { "field", 0, 0, G_OPTION_ARG_STRING, &field, N_("description (default) or adcopy"), N_("FIELD") },
    { "missing", 0, 0, G_OPTION_ARG_NONE, &missing, N_("Only products without text in the field (default)"), NULL },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Every product (hand-edited and locked texts are kept; new variants are added)"), NULL },
    { "variants", 0, 0, G_OPTION_ARG_INT, &variants, N_("Variants per product (default 3)"), N_("K") },
    { "model-id", 0, 0, G_OPTION_ARG_INT64, &model_id, N_("Use this model of the project (default: the newest for the field)"), N_("ID") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("BLAS threads"), N_("N") },
    { "language", 0, 0, G_OPTION_ARG_STRING, &language,
      N_("Language to write in: auto (each product’s own, default), en or zh"), N_("LANG") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("— write copy for a project's products"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(CopyistProject) project = NULL;
  g_autoptr(CopyistGenerateJob) job = NULL;
  gint64 t0;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fail ("generate", error);
  if (missing && all)
    {
      g_printerr ("copyist-cli generate: choose --missing or --all, not both\n");
      return 1;
    }
  ce_blas_set_threads (threads > 0 ? threads : (int) g_get_num_processors ());
  file = g_file_new_for_commandline_arg (project_path);
  project = copyist_project_open (file, FALSE, &error);
  if (project == NULL)
    return fail ("generate", error);
  job = copyist_generate_job_new (project, field != NULL ? field : COPYIST_FIELD_DESCRIPTION, model_id, NULL,
                                  !all, (guint) MAX (variants, 1), &error);
  if (job == NULL)
    return fail ("generate", error);
  if (!copyist_generate_job_set_language (job, project, language, &error))
    return fail ("generate", error);
  t0 = g_get_monotonic_time ();
  if (!copyist_generate_job_run (job, NULL, NULL, NULL, &error))
    return fail ("generate", error);
  if (!copyist_generate_job_store (job, project, &error))
    return fail ("generate", error);
  printf ("%u products written in %.1f s\n", copyist_generate_job_n_products (job),
          (double) (g_get_monotonic_time () - t0) / 1e6);
  return 0;
}
