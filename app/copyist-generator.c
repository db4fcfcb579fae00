/* copyist-generator.c — training and generation on a project's products */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "copyist-generator.h"

G_DEFINE_QUARK (copyist-generator-error-quark, copyist_generator_error)

#define KEY_LANG "lang"
#define KEY_PART "part"

const char *
copyist_model_kind_to_string (CeModelKind kind)
{
  switch (kind)
    {
    case CE_MODEL_CVAE: return "vae";
    case CE_MODEL_ARAE: return "gan";
    case CE_MODEL_S2S: return "s2s";
    }
  return "vae";
}

gboolean
copyist_model_kind_from_string (const char *name, CeModelKind *kind)
{
  if (g_strcmp0 (name, "vae") == 0)
    *kind = CE_MODEL_CVAE;
  else if (g_strcmp0 (name, "gan") == 0)
    *kind = CE_MODEL_ARAE;
  else if (g_strcmp0 (name, "s2s") == 0)
    *kind = CE_MODEL_S2S;
  else
    return FALSE;
  return TRUE;
}

gboolean
copyist_train_precision_from_string (const char *name, CePrecision *precision)
{
  if (name == NULL || g_strcmp0 (name, "fp32") == 0)
    *precision = CE_PRECISION_FP32;
  else if (g_strcmp0 (name, "bf16") == 0)
    *precision = CE_PRECISION_BF16;
  else
    return FALSE;
  return TRUE;
}

static gboolean
valid_field (const char *field)
{
  return g_strcmp0 (field, COPYIST_FIELD_DESCRIPTION) == 0 || g_strcmp0 (field, COPYIST_FIELD_ADCOPY) == 0;
}

void
copyist_record_to_attrs (const CopyistRecord *record, const char *part, CeAttrs *attrs)
{
  char msg[CE_MSG_SIZE];

  if (record->title != NULL && *record->title != '\0' && copyist_record_get_attribute (record, COPYIST_KEY_TITLE) == NULL)
    ce_attrs_add (attrs, COPYIST_KEY_TITLE, record->title, msg);
  if (record->category != NULL && *record->category != '\0'
      && copyist_record_get_attribute (record, COPYIST_KEY_CATEGORY) == NULL)
    ce_attrs_add (attrs, COPYIST_KEY_CATEGORY, record->category, msg);
  for (guint i = 0; i < record->attributes->len; i++)
    {
      const CopyistAttribute *a = g_ptr_array_index (record->attributes, i);
      if (a->value == NULL || *a->value == '\0' || g_ascii_strcasecmp (a->key, COPYIST_KEY_SKU) == 0)
        continue;
      /* A value the engine refuses (invalid UTF-8 …) is left out, not fatal. */
      ce_attrs_add (attrs, a->key, a->value, msg);
    }
  ce_attrs_add (attrs, KEY_LANG, record->language != NULL && g_str_equal (record->language, "zh") ? "zh" : "en", msg);
  if (part != NULL)
    ce_attrs_add (attrs, KEY_PART, part, msg);
}

/* ---- model bytes <-> copywriter ----------------------------------------------- */

static CeCopywriter *
copywriter_from_bytes (GBytes *bytes, GError **error)
{
  char msg[CE_MSG_SIZE];
  CeStatus st;
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  CeCopywriter *cw = ce_copywriter_load_buffer (data, size, _("the project's model"), &st, msg);

  if (cw == NULL)
    g_set_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_BAD_MODEL,
                 _("The model cannot be used: %s"), msg);
  return cw;
}

static GBytes *
copywriter_to_bytes (CeCopywriter *cw, GError **error)
{
  char msg[CE_MSG_SIZE];
  uint8_t *data = NULL;
  size_t size = 0;

  if (ce_copywriter_save_buffer (cw, &data, &size, msg) != CE_OK)
    {
      g_set_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_ENGINE,
                   _("The model could not be saved: %s"), msg);
      return NULL;
    }
  /* Engine memory comes from malloc(); hand it over with free() as its destructor. */
  return g_bytes_new_with_free_func (data, size, free, data);
}

/* ---- training ------------------------------------------------------------------- */

typedef struct {
  CeAttrs attrs;
  char *text;
  gboolean heldout;
} Example;

struct _CopyistTrainJob {
  CopyistTrainSettings settings;
  char *field;
  GPtrArray *examples;          /* Example* */
  guint n_train, n_heldout;
  CeCopywriter *cw;
  GBytes *best;                 /* the best model so far, as file bytes */
  gboolean cancelled;
  char *curve_json;
  char *summary_json;
  char *language;
  JsonBuilder *curve;
  CopyistTrainProgressFunc progress;
  gpointer progress_data;
  GCancellable *cancellable;
  GError *keep_error;
  char *notice;                 /* why training stopped early, for the user (translated) */
  int numeric_recoveries;
};

static void
example_free (Example *ex)
{
  ce_attrs_clear (&ex->attrs);
  g_free (ex->text);
  g_free (ex);
}

void
copyist_train_settings_init (CopyistTrainSettings *s, CeModelKind kind, const char *field)
{
  memset (s, 0, sizeof *s);
  s->kind = kind;
  s->field = field;
  s->minutes = 5;
  s->epochs = 0;
  s->seed = 1;
}

void
copyist_train_job_free (CopyistTrainJob *job)
{
  if (job == NULL)
    return;
  g_free (job->field);
  g_ptr_array_unref (job->examples);
  ce_copywriter_free (job->cw);
  g_clear_pointer (&job->best, g_bytes_unref);
  g_free (job->curve_json);
  g_free (job->summary_json);
  g_free (job->language);
  g_free (job->notice);
  g_clear_object (&job->curve);
  g_clear_error (&job->keep_error);
  g_free (job);
}

static void
add_example (CopyistTrainJob *job, const CopyistRecord *r, const char *part, const char *text, gboolean heldout)
{
  Example *ex = g_new0 (Example, 1);

  ce_attrs_init (&ex->attrs);
  copyist_record_to_attrs (r, part, &ex->attrs);
  ex->text = g_strdup (text);
  ex->heldout = heldout;
  g_ptr_array_add (job->examples, ex);
  if (heldout)
    job->n_heldout++;
  else
    job->n_train++;
}

CopyistTrainJob *
copyist_train_job_new (CopyistProject *project, const CopyistTrainSettings *settings, GError **error)
{
  g_autoptr(GPtrArray) records = NULL;
  CopyistTrainJob *job;
  guint with_text = 0;

  if (!valid_field (settings->field))
    {
      g_set_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_INVALID,
                   _("Unknown field “%s” (use description or adcopy)"), settings->field);
      return NULL;
    }
  records = copyist_project_dup_records (project, NULL, FALSE, error);
  if (records == NULL)
    return NULL;

  job = g_new0 (CopyistTrainJob, 1);
  job->settings = *settings;
  job->field = g_strdup (settings->field);
  job->settings.field = job->field;
  job->examples = g_ptr_array_new_with_free_func ((GDestroyNotify) example_free);

  for (guint i = 0; i < records->len; i++)
    {
      const CopyistRecord *r = g_ptr_array_index (records, i);
      /* Every tenth product with text is held out to pick the best epoch. */
      gboolean has;
      if (g_str_equal (job->field, COPYIST_FIELD_DESCRIPTION))
        has = r->description != NULL && *r->description != '\0';
      else
        has = (r->adcopy_headline != NULL && *r->adcopy_headline != '\0')
              || (r->adcopy_body != NULL && *r->adcopy_body != '\0');
      if (!has)
        continue;
      with_text++;
      {
        gboolean heldout = with_text % 10 == 0;
        if (g_str_equal (job->field, COPYIST_FIELD_DESCRIPTION))
          add_example (job, r, NULL, r->description, heldout);
        else
          {
            if (r->adcopy_headline != NULL && *r->adcopy_headline != '\0')
              add_example (job, r, "headline", r->adcopy_headline, heldout);
            if (r->adcopy_body != NULL && *r->adcopy_body != '\0')
              add_example (job, r, "body", r->adcopy_body, heldout);
          }
      }
    }
  if (job->n_train < 2)
    {
      g_set_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_NO_DATA,
                   _("Too few products have a %s to learn from (%u); write or import some first"),
                   g_str_equal (job->field, COPYIST_FIELD_DESCRIPTION) ? _("description") : _("ad copy"),
                   job->n_train);
      copyist_train_job_free (job);
      return NULL;
    }
  return job;
}

guint
copyist_train_job_n_train (CopyistTrainJob *job)
{
  return job->n_train;
}

guint
copyist_train_job_n_heldout (CopyistTrainJob *job)
{
  return job->n_heldout;
}

gboolean
copyist_train_job_was_cancelled (CopyistTrainJob *job)
{
  return job->cancelled;
}

const char *
copyist_train_job_get_notice (CopyistTrainJob *job)
{
  return job->notice;
}

int
copyist_train_job_get_numeric_recoveries (CopyistTrainJob *job)
{
  return job->numeric_recoveries;
}

const char *
copyist_train_job_get_summary_json (CopyistTrainJob *job)
{
  return job->summary_json;
}

const char *
copyist_train_job_get_curve_json (CopyistTrainJob *job)
{
  return job->curve_json;
}

GBytes *
copyist_train_job_get_model_bytes (CopyistTrainJob *job)
{
  return job->best;
}

static void
train_progress_cb (void *user, const CeTrainProgress *p)
{
  CopyistTrainJob *job = user;

  if (p->epoch_end)
    {
      json_builder_begin_object (job->curve);
      json_builder_set_member_name (job->curve, "epoch");
      json_builder_add_int_value (job->curve, p->epoch);
      json_builder_set_member_name (job->curve, "step");
      json_builder_add_int_value (job->curve, p->step);
      json_builder_set_member_name (job->curve, "seconds");
      json_builder_add_double_value (job->curve, p->elapsed);
      json_builder_set_member_name (job->curve, "heldout_xent");
      json_builder_add_double_value (job->curve, isfinite (p->heldout_xent) ? p->heldout_xent : 0.0);
      json_builder_set_member_name (job->curve, "bleu");
      json_builder_add_double_value (job->curve, isfinite (p->heldout_score) ? p->heldout_score : 0.0);
      json_builder_end_object (job->curve);
    }
  if (job->progress != NULL)
    job->progress (p, job->progress_data);
}

static int
train_cancel_cb (void *user)
{
  CopyistTrainJob *job = user;
  return g_cancellable_is_cancelled (job->cancellable);
}

static CeStatus
train_keep_cb (void *user, CeModel *model, char *msg)
{
  CopyistTrainJob *job = user;
  g_autoptr(GError) error = NULL;
  GBytes *bytes = copywriter_to_bytes (job->cw, &error);

  (void) model;
  if (bytes == NULL)
    {
      g_snprintf (msg, CE_MSG_SIZE, "%s", error->message);
      return CE_ERR_IO;
    }
  g_clear_pointer (&job->best, g_bytes_unref);
  job->best = bytes;
  return CE_OK;
}

static char *
summary_json (CopyistTrainJob *job, CeCopywriter *best, const CeTrainResult *res, GCancellable *cancellable)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GPtrArray) refs = g_ptr_array_new ();
  CeCopyOutput *outs;
  CeCopyOptions o;
  CeSlotErrors ser = { 0 };
  CeCheck check;
  char msg[CE_MSG_SIZE];
  double bleu = NAN;

  for (guint i = 0; i < job->examples->len; i++)
    {
      Example *ex = g_ptr_array_index (job->examples, i);
      if (ex->heldout)
        {
          g_ptr_array_add (rows, &ex->attrs);
          g_ptr_array_add (refs, ex->text);
        }
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "epochs");
  json_builder_add_int_value (b, res->epochs);
  json_builder_set_member_name (b, "steps");
  json_builder_add_int_value (b, res->steps);
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, res->seconds);
  json_builder_set_member_name (b, "best_epoch");
  json_builder_add_int_value (b, res->best_epoch);
  json_builder_set_member_name (b, "language");
  json_builder_add_string_value (b, ce_copywriter_language (best));
  json_builder_set_member_name (b, "heldout");
  json_builder_add_int_value (b, rows->len);
  /* The run log: steps rolled back after NaN/Inf, and why training stopped early. */
  json_builder_set_member_name (b, "numeric_recoveries");
  json_builder_add_int_value (b, res->numeric_recoveries);
  if (job->notice != NULL)
    {
      json_builder_set_member_name (b, "notice");
      json_builder_add_string_value (b, job->notice);
    }

  outs = g_new0 (CeCopyOutput, rows->len + 1);
  ce_copy_options_default (&o, CE_DECODE_BEAM);
  ce_check_init (&check);
  if (rows->len > 0 && !g_cancellable_is_cancelled (cancellable)
      && ce_copywriter_generate (best, (const CeAttrs *const *) rows->pdata, (int) rows->len, &o, NULL, outs, msg) == CE_OK)
    {
      g_autofree const char **texts = g_new0 (const char *, rows->len);
      g_autofree CeRefSet *rs = g_new0 (CeRefSet, rows->len);
      for (guint i = 0; i < rows->len; i++)
        {
          texts[i] = outs[i].n > 0 ? outs[i].items[0].text : "";
          rs[i].n = 1;
          rs[i].refs = (const char *const *) &refs->pdata[i];
          if (ce_fact_check (ce_copywriter_lexicon (best), rows->pdata[i], texts[i], -1, &check, msg) == CE_OK)
            ce_slot_errors_add (&ser, &check);
        }
      if (ce_bleu_corpus ((int) rows->len, texts, rs,
                          g_str_equal (ce_copywriter_language (best), "zh") ? CE_METRIC_CHARS : CE_METRIC_WORDS,
                          &bleu, msg) != CE_OK)
        bleu = NAN;
      json_builder_set_member_name (b, "bleu");
      json_builder_add_double_value (b, isfinite (bleu) ? bleu : 0.0);
      json_builder_set_member_name (b, "ser");
      json_builder_add_double_value (b, ce_slot_errors_rate (&ser));
      json_builder_set_member_name (b, "examples");
      json_builder_begin_array (b);
      for (guint i = 0; i < rows->len && i < 5; i++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "output");
          json_builder_add_string_value (b, texts[i]);
          json_builder_set_member_name (b, "reference");
          json_builder_add_string_value (b, refs->pdata[i]);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      ce_copy_outputs_free (outs, (int) rows->len);
    }
  ce_check_clear (&check);
  g_free (outs);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

gboolean
copyist_train_job_run (CopyistTrainJob *job, CopyistTrainProgressFunc progress, gpointer user_data,
                       GCancellable *cancellable, GError **error)
{
  g_autofree CeCopyExample *train = g_new0 (CeCopyExample, job->n_train + 1);
  g_autofree CeCopyExample *held = g_new0 (CeCopyExample, job->n_heldout + 1);
  CeCopyConfig cfg;
  CeTrainOptions topts;
  CeTrainResult res = { 0 };
  char msg[CE_MSG_SIZE];
  CeStatus st;
  guint nt = 0, nh = 0;
  static const char *const ignored[] = { KEY_LANG, KEY_PART, COPYIST_KEY_PRICE, COPYIST_KEY_TITLE };

  for (guint i = 0; i < job->examples->len; i++)
    {
      Example *ex = g_ptr_array_index (job->examples, i);
      CeCopyExample *dst = ex->heldout ? &held[nh++] : &train[nt++];
      dst->attrs = &ex->attrs;
      dst->text = ex->text;
    }
  ce_copy_config_default (&cfg, job->settings.kind);
  ce_copy_config_for_data (&cfg, (int) nt);
  cfg.hidden = job->settings.hidden;
  cfg.ignore_keys = ignored;
  cfg.n_ignore_keys = G_N_ELEMENTS (ignored);
  job->cw = ce_copywriter_new (&cfg, train, (int) nt, job->settings.seed, &st, msg);
  if (job->cw == NULL)
    {
      g_set_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_ENGINE, "%s", msg);
      return FALSE;
    }
  job->curve = json_builder_new ();
  json_builder_begin_array (job->curve);
  job->progress = progress;
  job->progress_data = user_data;
  job->cancellable = cancellable;

  ce_copy_train_options_default (&topts, (int) nt);   /* small data: batch 16, short warm-up */
  topts.epochs = job->settings.epochs;
  topts.max_seconds = job->settings.minutes * 60.0;
  if (job->settings.lr > 0)
    topts.params.lr = (float) job->settings.lr;
  if (topts.epochs <= 0 && topts.max_seconds <= 0)
    topts.epochs = 10;
  topts.seed = job->settings.seed;
  topts.precision = job->settings.precision;
  topts.report_every = 10;
  topts.progress = train_progress_cb;
  topts.cancel = train_cancel_cb;
  topts.keep = train_keep_cb;
  topts.user = job;
  st = ce_copywriter_train (job->cw, train, (int) nt, nh > 0 ? held : NULL, (int) nh, &topts, &res, msg);
  json_builder_end_array (job->curve);
  {
    g_autoptr(JsonGenerator) gen = json_generator_new ();
    g_autoptr(JsonNode) root = json_builder_get_root (job->curve);
    json_generator_set_root (gen, root);
    job->curve_json = json_generator_to_data (gen, NULL);
  }
  job->cancelled = st == CE_ERR_CANCELLED;
  job->numeric_recoveries = res.numeric_recoveries;
  if (st == CE_ERR_NUMERIC && job->best != NULL)
    {
      /* Diverged after good epochs: keep the best of them, and say so. */
      job->notice = g_strdup_printf (_("Training stopped early: the loss kept becoming NaN or infinite, even at "
                                       "lower learning rates. The best model so far (epoch %d) was kept."),
                                     res.best_epoch);
    }
  else if (st != CE_OK && st != CE_ERR_CANCELLED)
    {
      g_set_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_ENGINE, "%s", msg);
      return FALSE;
    }
  if (job->best == NULL)
    {
      /* No epoch was scored (no held-out products): keep the last weights. */
      if (!job->cancelled || res.steps > 0)
        job->best = copywriter_to_bytes (job->cw, error);
      if (job->best == NULL)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Training was cancelled before it learned anything"));
          return FALSE;
        }
    }
  {
    g_autoptr(GError) local = NULL;
    CeCopywriter *best = copywriter_from_bytes (job->best, &local);
    if (best == NULL)
      {
        g_propagate_error (error, g_steal_pointer (&local));
        return FALSE;
      }
    job->language = g_strdup (ce_copywriter_language (best));
    job->summary_json = summary_json (job, best, &res, NULL);
    ce_copywriter_free (best);
  }
  return TRUE;
}

gboolean
copyist_train_job_store (CopyistTrainJob *job, CopyistProject *project, gint64 *model_id, GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H:%M");
  g_autofree char *name = NULL;
  gint64 id = 0;
  const char *kind = copyist_model_kind_to_string (job->settings.kind);

  if (job->best == NULL)
    {
      g_set_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_NO_MODEL,
                   _("There is no trained model to store"));
      return FALSE;
    }
  /* Translators: model name, e.g. "VAE description, 2026-11-28 10:40" */
  name = g_strdup_printf (_("%s %s, %s"), job->settings.kind == CE_MODEL_ARAE ? "GAN" : "VAE",
                          g_str_equal (job->field, COPYIST_FIELD_DESCRIPTION) ? _("description") : _("ad copy"),
                          stamp);
  if (!copyist_project_store_trained_model (project, name, kind, job->field, job->language ? job->language : "en",
                                            job->best, job->cancelled ? "cancelled" : "finished",
                                            job->curve_json, job->summary_json, &id, error))
    return FALSE;
  if (model_id != NULL)
    *model_id = id;
  return TRUE;
}

/* ---- generation ------------------------------------------------------------- */

struct _CopyistGenerateJob {
  char *field;
  gint64 model_id;
  gboolean model_chosen;       /* the caller named the model (else the newest for the field) */
  GBytes *model;
  guint variants;
  GArray *ids;              /* gint64 */
  GPtrArray *attrs;         /* CeAttrs* per product (description, or headline for ad copy) */
  GPtrArray *attrs_body;    /* ad copy: the body's attributes */
  GPtrArray *texts;         /* GStrv per product after run */
  int headline_max, body_max;  /* ad copy budgets in characters */
};

static void
attrs_free (CeAttrs *a)
{
  ce_attrs_clear (a);
  g_free (a);
}

void
copyist_generate_job_free (CopyistGenerateJob *job)
{
  if (job == NULL)
    return;
  g_free (job->field);
  g_clear_pointer (&job->model, g_bytes_unref);
  g_clear_pointer (&job->ids, g_array_unref);
  g_clear_pointer (&job->attrs, g_ptr_array_unref);
  g_clear_pointer (&job->attrs_body, g_ptr_array_unref);
  g_clear_pointer (&job->texts, g_ptr_array_unref);
  g_free (job);
}

/* The default model installed with Copyist for FIELD, or NULL. */
static GBytes *
default_model_bytes (const char *field)
{
  const char *env = g_getenv ("COPYIST_MODEL_DIR");
  g_autofree char *name = g_strdup_printf ("default-%s.cpmodel", field);
  const char *dirs[] = { env, SOURCE_DATADIR "/models", PKGDATADIR "/models" };

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = NULL;
      char *contents = NULL;
      gsize len = 0;
      if (dirs[i] == NULL)
        continue;
      path = g_build_filename (dirs[i], name, NULL);
      if (g_file_get_contents (path, &contents, &len, NULL))
        return g_bytes_new_take (contents, len);
    }
  return NULL;
}

CopyistGenerateJob *
copyist_generate_job_new (CopyistProject *project, const char *field, gint64 model_id,
                          GArray *ids, gboolean only_missing, guint variants, GError **error)
{
  g_autoptr(GPtrArray) records = NULL;
  CopyistGenerateJob *job;

  if (!valid_field (field))
    {
      g_set_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_INVALID,
                   _("Unknown field “%s” (use description or adcopy)"), field);
      return NULL;
    }
  job = g_new0 (CopyistGenerateJob, 1);
  job->field = g_strdup (field);
  job->variants = variants > 0 ? variants : 1;
  job->headline_max = COPYIST_ADCOPY_HEADLINE_MAX;
  job->body_max = COPYIST_ADCOPY_BODY_MAX;
  job->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  job->attrs = g_ptr_array_new_with_free_func ((GDestroyNotify) attrs_free);
  job->attrs_body = g_ptr_array_new_with_free_func ((GDestroyNotify) attrs_free);
  job->texts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  job->model_chosen = model_id != 0;

  if (model_id == 0)
    {
      g_autoptr(GPtrArray) models = copyist_project_list_models (project, error);
      if (models == NULL)
        goto fail;
      for (guint i = 0; i < models->len && model_id == 0; i++)
        {
          CopyistModelInfo *m = g_ptr_array_index (models, i);
          if (g_strcmp0 (m->field, field) == 0)
            model_id = m->id;
        }
    }
  if (model_id != 0)
    {
      job->model = copyist_project_dup_model_bytes (project, model_id, error);
      if (job->model == NULL)
        goto fail;
    }
  else if ((job->model = default_model_bytes (field)) == NULL)
    {
      g_set_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_NO_MODEL,
                   _("There is no model for the %s yet: train one first"),
                   g_str_equal (field, COPYIST_FIELD_DESCRIPTION) ? _("description") : _("ad copy"));
      goto fail;
    }
  job->model_id = model_id;

  records = copyist_project_dup_records (project, ids, FALSE, error);
  if (records == NULL)
    goto fail;
  for (guint i = 0; i < records->len; i++)
    {
      const CopyistRecord *r = g_ptr_array_index (records, i);
      CeAttrs *a;
      if (only_missing)
        {
          gboolean has = g_str_equal (field, COPYIST_FIELD_DESCRIPTION)
            ? r->description != NULL && *r->description != '\0'
            : (r->adcopy_headline != NULL && *r->adcopy_headline != '\0')
              || (r->adcopy_body != NULL && *r->adcopy_body != '\0');
          if (has)
            continue;
        }
      g_array_append_val (job->ids, r->id);
      a = g_new0 (CeAttrs, 1);
      ce_attrs_init (a);
      copyist_record_to_attrs (r, g_str_equal (field, COPYIST_FIELD_ADCOPY) ? "headline" : NULL, a);
      g_ptr_array_add (job->attrs, a);
      if (g_str_equal (field, COPYIST_FIELD_ADCOPY))
        {
          a = g_new0 (CeAttrs, 1);
          ce_attrs_init (a);
          copyist_record_to_attrs (r, "body", a);
          g_ptr_array_add (job->attrs_body, a);
        }
    }
  return job;

fail:
  copyist_generate_job_free (job);
  return NULL;
}

gboolean
copyist_generate_language_is_valid (const char *language)
{
  return language == NULL || g_str_equal (language, "auto") || g_str_equal (language, "en")
         || g_str_equal (language, "zh");
}

/* The model reads the language to write in from the "lang" attribute
 * (copyist_record_to_attrs puts the product's own there). */
static void
set_lang_attr (CeAttrs *a, const char *language)
{
  int i = ce_attrs_find (a, KEY_LANG);

  if (i >= 0)
    {
      /* The engine frees its strings with free(); GLib's allocator is malloc. */
      free (a->items[i].value);
      a->items[i].value = g_strdup (language);
    }
}

gboolean
copyist_generate_job_set_language (CopyistGenerateJob *job, CopyistProject *project, const char *language,
                                   GError **error)
{
  g_return_val_if_fail (job != NULL, FALSE);
  g_return_val_if_fail (COPYIST_IS_PROJECT (project), FALSE);

  if (!copyist_generate_language_is_valid (language))
    {
      g_set_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_INVALID,
                   _("Unknown language “%s” (use auto, en or zh)"), language);
      return FALSE;
    }
  if (language == NULL || g_str_equal (language, "auto"))
    return TRUE;  /* each product's own, as the job was made */
  /* A model trained on texts in that language writes it best: when the
   * caller did not name a model, the newest such model for the field. */
  if (!job->model_chosen)
    {
      g_autoptr(GPtrArray) models = copyist_project_list_models (project, error);
      if (models == NULL)
        return FALSE;
      for (guint i = 0; i < models->len; i++)
        {
          CopyistModelInfo *m = g_ptr_array_index (models, i);
          if (g_strcmp0 (m->field, job->field) == 0 && g_strcmp0 (m->language, language) == 0)
            {
              if (m->id != job->model_id)
                {
                  GBytes *bytes = copyist_project_dup_model_bytes (project, m->id, error);
                  if (bytes == NULL)
                    return FALSE;
                  g_bytes_unref (job->model);
                  job->model = bytes;
                  job->model_id = m->id;
                }
              break;
            }
        }
    }
  for (guint i = 0; i < job->attrs->len; i++)
    set_lang_attr (g_ptr_array_index (job->attrs, i), language);
  for (guint i = 0; i < job->attrs_body->len; i++)
    set_lang_attr (g_ptr_array_index (job->attrs_body, i), language);
  return TRUE;
}

gint64
copyist_generate_job_get_model_id (CopyistGenerateJob *job)
{
  g_return_val_if_fail (job != NULL, 0);
  return job->model_id;
}

void
copyist_generate_job_set_adcopy_limits (CopyistGenerateJob *job, int headline_max, int body_max)
{
  g_return_if_fail (job != NULL);
  job->headline_max = headline_max > 0 ? headline_max : COPYIST_ADCOPY_HEADLINE_MAX;
  job->body_max = body_max > 0 ? body_max : COPYIST_ADCOPY_BODY_MAX;
}

guint
copyist_generate_job_n_products (CopyistGenerateJob *job)
{
  return job->ids->len;
}

/* VARIANTS distinct texts for each of N rows: the beam's best first (the
 * most fluent), then samples of the model at a moderate temperature, every
 * candidate reranked by the fact check. OUT[i] receives a GPtrArray of char*. */
static gboolean
generate_variants (CeCopywriter *cw, const CeAttrs *const *rows, guint n, guint variants, int max_chars,
                   CeRng *rng, GPtrArray **out, char *msg)
{
  gboolean zh = g_str_equal (ce_copywriter_language (cw), "zh");
  g_autofree CeCopyOutput *best = g_new0 (CeCopyOutput, n);
  g_autofree CeCopyOutput *samples = g_new0 (CeCopyOutput, n);
  CeCopyOptions o;

  ce_copy_options_default (&o, CE_DECODE_BEAM);
  o.beam = 4;
  o.variants = 1;
  o.max_chars = max_chars;
  ce_copywriter_tune_options (cw, &o);   /* Chinese: 4-gram blocking, minimum length */
  o.block_ngram = zh ? 4 : 3;
  /* The editor must answer at once: facts are enforced by the slot bans and
   * the reranking, not by the (slower) coverage penalty inside the beam. */
  o.coverage_penalty = 0.0f;
  if (ce_copywriter_generate (cw, rows, (int) n, &o, NULL, best, msg) != CE_OK)
    return FALSE;
  if (variants > 1)
    {
      ce_copy_options_default (&o, CE_DECODE_SAMPLE);
      o.variants = (int) variants;
      o.samples = (int) MAX (variants * 3, 8);
      o.temperature = 0.7f;
      o.top_p = 0.85f;
      o.max_chars = max_chars;
      ce_copywriter_tune_options (cw, &o);
      o.block_ngram = zh ? 4 : 3;
      if (ce_copywriter_generate (cw, rows, (int) n, &o, rng, samples, msg) != CE_OK)
        {
          ce_copy_outputs_free (best, (int) n);
          return FALSE;
        }
    }
  for (guint i = 0; i < n; i++)
    {
      GPtrArray *v = g_ptr_array_new_with_free_func (g_free);
      if (best[i].n > 0)
        g_ptr_array_add (v, g_strdup (best[i].items[0].text));
      for (int k = 0; k < samples[i].n && v->len < variants; k++)
        {
          gboolean dup = FALSE;
          for (guint j = 0; j < v->len && !dup; j++)
            dup = g_str_equal (g_ptr_array_index (v, j), samples[i].items[k].text);
          if (!dup)
            g_ptr_array_add (v, g_strdup (samples[i].items[k].text));
        }
      out[i] = v;
    }
  ce_copy_outputs_free (best, (int) n);
  ce_copy_outputs_free (samples, (int) n);
  return TRUE;
}

gboolean
copyist_generate_job_run (CopyistGenerateJob *job, CopyistGenerateProgressFunc progress, gpointer user_data,
                          GCancellable *cancellable, GError **error)
{
  g_autoptr(GError) local = NULL;
  CeCopywriter *cw = copywriter_from_bytes (job->model, &local);
  gboolean adcopy = g_str_equal (job->field, COPYIST_FIELD_ADCOPY);
  const guint chunk = 32;
  CeRng rng;
  char msg[CE_MSG_SIZE];

  if (cw == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  ce_rng_seed (&rng, 1);
  g_ptr_array_set_size (job->texts, 0);
  for (guint start = 0; start < job->ids->len; start += chunk)
    {
      guint n = MIN (chunk, job->ids->len - start);
      g_autofree GPtrArray **heads = g_new0 (GPtrArray *, n);
      g_autofree GPtrArray **bodies = g_new0 (GPtrArray *, n);
      gboolean ok;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ce_copywriter_free (cw);
          return FALSE;
        }
      ok = generate_variants (cw, (const CeAttrs *const *) &job->attrs->pdata[start], n, job->variants,
                              adcopy ? job->headline_max : 0, &rng, heads, msg);
      if (ok && adcopy)
        ok = generate_variants (cw, (const CeAttrs *const *) &job->attrs_body->pdata[start], n, job->variants,
                                job->body_max, &rng, bodies, msg);
      if (!ok)
        {
          for (guint i = 0; i < n; i++)
            {
              if (heads[i])
                g_ptr_array_unref (heads[i]);
              if (bodies[i])
                g_ptr_array_unref (bodies[i]);
            }
          g_set_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_ENGINE, "%s", msg);
          ce_copywriter_free (cw);
          return FALSE;
        }
      for (guint i = 0; i < n; i++)
        {
          GPtrArray *v = g_ptr_array_new ();
          for (guint k = 0; k < heads[i]->len; k++)
            {
              if (adcopy)
                {
                  const char *body = bodies[i]->len > 0 ? g_ptr_array_index (bodies[i], MIN (k, bodies[i]->len - 1)) : "";
                  g_ptr_array_add (v, g_strdup_printf ("%s\n%s", (char *) g_ptr_array_index (heads[i], k), body));
                }
              else
                g_ptr_array_add (v, g_strdup (g_ptr_array_index (heads[i], k)));
            }
          g_ptr_array_add (v, NULL);
          g_ptr_array_add (job->texts, g_ptr_array_free (v, FALSE));
          g_ptr_array_unref (heads[i]);
          if (bodies[i])
            g_ptr_array_unref (bodies[i]);
        }
      if (progress != NULL)
        progress (start + n, job->ids->len, user_data);
    }
  ce_copywriter_free (cw);
  return TRUE;
}

const char * const *
copyist_generate_job_get_texts (CopyistGenerateJob *job, guint i, gint64 *product_id)
{
  if (i >= job->texts->len)
    return NULL;
  if (product_id != NULL)
    *product_id = g_array_index (job->ids, gint64, i);
  return g_ptr_array_index (job->texts, i);
}

gboolean
copyist_generate_job_store (CopyistGenerateJob *job, CopyistProject *project, GError **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  for (guint i = 0; i < job->texts->len; i++)
    {
      char **t = g_ptr_array_index (job->texts, i);
      if (t == NULL || t[0] == NULL)
        continue;
      g_array_append_val (ids, g_array_index (job->ids, gint64, i));
      g_ptr_array_add (texts, t);
    }
  if (ids->len == 0)
    return TRUE;
  return copyist_project_add_variants_bulk (project, ids, job->field, texts, job->model_id, error);
}

/* ---- fact check for the editor ------------------------------------------------ */

struct _CopyistChecker {
  CeLexicon *lexicon;
};

void
copyist_check_result_free (CopyistCheckResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->marks);
  g_ptr_array_unref (result->missing);
  g_free (result);
}

static void
mark_free (CopyistMark *m)
{
  g_free (m->key);
  g_free (m->value);
  g_free (m);
}

void
copyist_checker_free (CopyistChecker *checker)
{
  if (checker == NULL)
    return;
  ce_lexicon_free (checker->lexicon);
  g_free (checker);
}

CopyistChecker *
copyist_checker_new (CopyistProject *project, GError **error)
{
  g_autoptr(GPtrArray) records = copyist_project_dup_records (project, NULL, FALSE, error);
  CopyistChecker *checker;
  char msg[CE_MSG_SIZE];
  static const char *const color_aliases[] = { "colour", "颜色", "顏色" };
  static const char *const material_aliases[] = { "材质", "面料" };
  static const char *const ignored[] = { KEY_LANG, KEY_PART, COPYIST_KEY_TITLE, COPYIST_KEY_CATEGORY, COPYIST_KEY_PRICE, COPYIST_KEY_SKU };

  if (records == NULL)
    return NULL;
  checker = g_new0 (CopyistChecker, 1);
  checker->lexicon = ce_lexicon_new ();
  ce_lexicon_add_builtin (checker->lexicon, CE_LEXICON_COLORS, msg);
  ce_lexicon_add_builtin (checker->lexicon, CE_LEXICON_MATERIALS, msg);
  for (guint i = 0; i < G_N_ELEMENTS (color_aliases); i++)
    ce_lexicon_add_alias (checker->lexicon, color_aliases[i], "color", msg);
  for (guint i = 0; i < G_N_ELEMENTS (material_aliases); i++)
    ce_lexicon_add_alias (checker->lexicon, material_aliases[i], "material", msg);
  for (guint i = 0; i < G_N_ELEMENTS (ignored); i++)
    ce_lexicon_set_flags (checker->lexicon, ignored[i], CE_LEX_IGNORE, msg);
  for (guint i = 0; i < records->len; i++)
    {
      CeAttrs a;
      ce_attrs_init (&a);
      copyist_record_to_attrs (g_ptr_array_index (records, i), NULL, &a);
      ce_lexicon_add_attrs (checker->lexicon, &a, msg);
      ce_attrs_clear (&a);
    }
  return checker;
}

static int
cmp_mark (gconstpointer a, gconstpointer b)
{
  const CopyistMark *x = *(CopyistMark *const *) a, *y = *(CopyistMark *const *) b;
  return x->start - y->start;
}

CopyistCheckResult *
copyist_checker_check (CopyistChecker *checker, const CopyistRecord *record, const char *text, GError **error)
{
  CopyistCheckResult *result;
  CeAttrs a;
  CeCheck c;
  char msg[CE_MSG_SIZE];

  ce_attrs_init (&a);
  ce_check_init (&c);
  copyist_record_to_attrs (record, NULL, &a);
  if (ce_fact_check (checker->lexicon, &a, text != NULL ? text : "", -1, &c, msg) != CE_OK)
    {
      g_set_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_ENGINE, "%s", msg);
      ce_attrs_clear (&a);
      ce_check_clear (&c);
      return NULL;
    }
  result = g_new0 (CopyistCheckResult, 1);
  result->marks = g_ptr_array_new_with_free_func ((GDestroyNotify) mark_free);
  result->missing = g_ptr_array_new_with_free_func (g_free);
  for (int pass = 0; pass < 2; pass++)
    {
      int n = pass == 0 ? c.n_mentioned : c.n_invented;
      const CeMention *ms = pass == 0 ? c.mentioned : c.invented;
      for (int i = 0; i < n; i++)
        {
          CopyistMark *m = g_new0 (CopyistMark, 1);
          m->kind = pass == 0 ? COPYIST_MARK_MENTIONED : COPYIST_MARK_INVENTED;
          m->start = (int) ms[i].char_start;
          m->end = (int) ms[i].char_end;
          m->key = g_strdup (ms[i].key);
          m->value = g_strdup (ms[i].value);
          g_ptr_array_add (result->marks, m);
        }
    }
  g_ptr_array_sort (result->marks, cmp_mark);
  for (int i = 0; i < c.n_missing; i++)
    {
      const CeAttr *at = &a.items[c.missing[i]];
      if (g_str_equal (at->key, KEY_LANG) || g_str_equal (at->key, KEY_PART))
        continue;
      g_ptr_array_add (result->missing, g_strdup_printf ("%s: %s", at->key, at->value));
    }
  result->slot_error_rate = ce_check_slot_error_rate (&c);
  ce_attrs_clear (&a);
  ce_check_clear (&c);
  return result;
}
