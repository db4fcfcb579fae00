/* ce-model-io.c — model files through the checkpoint container.
 *
 * Kind tag: CE_MODEL_FILE_TAG | kind. Config blob (little-endian, field by
 * field, never a struct dump), version 1, 15 values of 4 bytes:
 *   u32 config_version, kind, vocab_size, n_fields, emb, field_emb, hidden,
 *       attn, latent, copy, max_src, max_tgt;
 *   f32 dropout, word_dropout, label_smoothing.
 * Then the caller's string lists and every named tensor of the model's
 * table (ce-params.c) with its shape. Optimiser state is not saved: a model
 * file is for generation (and fine-tuning restarts Adam).
 */
#include "ce-model-private.h"
#include "ce-checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CE_MODEL_FILE_TAG 0x434d0000u   /* "CM" */
#define CONFIG_VERSION 1u
#define CONFIG_WORDS 15

static void
put_u32 (uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t) v;
  p[1] = (uint8_t) (v >> 8);
  p[2] = (uint8_t) (v >> 16);
  p[3] = (uint8_t) (v >> 24);
}

static uint32_t
get_u32 (const uint8_t *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static void
put_f32 (uint8_t *p, float f)
{
  uint32_t v;
  memcpy (&v, &f, 4);
  put_u32 (p, v);
}

static float
get_f32 (const uint8_t *p)
{
  uint32_t v = get_u32 (p);
  float f;
  memcpy (&f, &v, 4);
  return f;
}

static void
config_encode (uint8_t out[CONFIG_WORDS * 4], const CeModelConfig *cfg)
{
  const uint32_t ints[12] = {
    CONFIG_VERSION, (uint32_t) cfg->kind, (uint32_t) cfg->vocab_size, (uint32_t) cfg->n_fields,
    (uint32_t) cfg->emb, (uint32_t) cfg->field_emb, (uint32_t) cfg->hidden,
    (uint32_t) cfg->attn, (uint32_t) cfg->latent, (uint32_t) cfg->copy,
    (uint32_t) cfg->max_src, (uint32_t) cfg->max_tgt,
  };
  for (int i = 0; i < 12; i++)
    put_u32 (out + 4 * i, ints[i]);
  put_f32 (out + 48, cfg->dropout);
  put_f32 (out + 52, cfg->word_dropout);
  put_f32 (out + 56, cfg->label_smoothing);
}

static CeStatus
config_decode (CeModelConfig *cfg, const uint8_t *in, size_t size, char *msg)
{
  if (size != CONFIG_WORDS * 4)
    {
      snprintf (msg, CE_MSG_SIZE, "model file: config block is %zu bytes, expected %d",
                size, CONFIG_WORDS * 4);
      return CE_ERR_FORMAT;
    }
  if (get_u32 (in) != CONFIG_VERSION)
    {
      snprintf (msg, CE_MSG_SIZE, "model file: config version %u, this Copyist reads %u",
                get_u32 (in), CONFIG_VERSION);
      return CE_ERR_VERSION;
    }
  int v[12];
  for (int i = 1; i < 12; i++)
    {
      uint32_t u = get_u32 (in + 4 * i);
      if (u > 0x7fffffffu)
        {
          snprintf (msg, CE_MSG_SIZE, "model file: config value %d is out of range", i);
          return CE_ERR_FORMAT;
        }
      v[i] = (int) u;
    }
  memset (cfg, 0, sizeof *cfg);
  cfg->kind = (CeModelKind) v[1];
  cfg->vocab_size = v[2];
  cfg->n_fields = v[3];
  cfg->emb = v[4];
  cfg->field_emb = v[5];
  cfg->hidden = v[6];
  cfg->attn = v[7];
  cfg->latent = v[8];
  cfg->copy = v[9];
  cfg->max_src = v[10];
  cfg->max_tgt = v[11];
  cfg->dropout = get_f32 (in + 48);
  cfg->word_dropout = get_f32 (in + 52);
  cfg->label_smoothing = get_f32 (in + 56);
  return CE_OK;
}

void
ce_model_tensor_views (const CeModel *model, CeCkptTensor *views)
{
  for (int i = 0; i < model->table.n; i++)
    {
      const CeTensorInfo *info = &model->table.t[i];
      views[i].name = info->name;
      views[i].ndim = info->ndim;
      memset (views[i].shape, 0, sizeof views[i].shape);
      for (int k = 0; k < info->ndim; k++)
        views[i].shape[k] = info->shape[k];
      views[i].data = model->params + info->offset;
    }
}

CeStatus
ce_model_save (const CeModel *model, const char *path, const CeStringList *lists, int n_lists,
               char *msg)
{
  uint8_t config[CONFIG_WORDS * 4];
  CeCkptTensor views[CE_MAX_TENSORS];
  config_encode (config, &model->cfg);
  ce_model_tensor_views (model, views);
  return ce_checkpoint_write (path, CE_MODEL_FILE_TAG | (uint32_t) model->cfg.kind,
                              config, sizeof config, lists, n_lists,
                              views, model->table.n, msg);
}

CeStatus
ce_model_save_buffer (const CeModel *model, const CeStringList *lists, int n_lists,
                      uint8_t **out, size_t *out_size, char *msg)
{
  uint8_t config[CONFIG_WORDS * 4];
  CeCkptTensor views[CE_MAX_TENSORS];
  config_encode (config, &model->cfg);
  ce_model_tensor_views (model, views);
  return ce_checkpoint_write_buffer (out, out_size, CE_MODEL_FILE_TAG | (uint32_t) model->cfg.kind,
                                     config, sizeof config, lists, n_lists,
                                     views, model->table.n, msg);
}

void
ce_string_lists_free (CeStringList *lists, int n_lists)
{
  if (!lists)
    return;
  for (int i = 0; i < n_lists; i++)
    {
      free ((char *) lists[i].name);
      if (lists[i].items)
        for (int k = 0; k < lists[i].n; k++)
          free ((char *) lists[i].items[k]);
      free ((void *) lists[i].items);
    }
  free (lists);
}

static char *
dup_string (const char *s)
{
  size_t n = strlen (s) + 1;
  char *d = malloc (n);
  if (d)
    memcpy (d, s, n);
  return d;
}

static CeStringList *
copy_lists (const CeCheckpoint *ckpt, int *n_out)
{
  const int n = ce_checkpoint_n_lists (ckpt);
  CeStringList *out = calloc (n > 0 ? (size_t) n : 1, sizeof *out);
  if (!out)
    return NULL;
  for (int i = 0; i < n; i++)
    {
      const CeStringList *src = ce_checkpoint_list (ckpt, i);
      const char **items = calloc (src->n > 0 ? (size_t) src->n : 1, sizeof *items);
      out[i].name = dup_string (src->name);
      out[i].items = items;
      out[i].n = 0;
      if (!items || !out[i].name)
        {
          ce_string_lists_free (out, i + 1);
          return NULL;
        }
      for (int k = 0; k < src->n; k++)
        {
          items[k] = dup_string (src->items[k]);
          if (!items[k])
            {
              out[i].n = k;
              ce_string_lists_free (out, i + 1);
              return NULL;
            }
        }
      out[i].n = src->n;
    }
  *n_out = n;
  return out;
}

/* Builds a model from a parsed checkpoint; PATH names it in messages. */
static CeModel *
model_from_checkpoint (const CeCheckpoint *ckpt, const char *path, CeStringList **lists_out,
                       int *n_lists_out, CeStatus *status, char *msg)
{
  CeStatus st = CE_OK;
  CeModel *model = NULL;
  size_t size = 0;
  const void *blob = ce_checkpoint_config (ckpt, &size);
  CeModelConfig cfg;
  st = config_decode (&cfg, blob, size, msg);
  if (st != CE_OK)
    goto out;
  uint32_t tag = ce_checkpoint_kind_tag (ckpt);
  if ((tag & 0xffff0000u) != CE_MODEL_FILE_TAG || (tag & 0xffffu) != (uint32_t) cfg.kind)
    {
      snprintf (msg, CE_MSG_SIZE, "model file %s: kind tag 0x%08x is not a Copyist model of "
                "kind %d", path, tag, (int) cfg.kind);
      st = CE_ERR_FORMAT;
      goto out;
    }
  char why[CE_MSG_SIZE];
  st = ce_model_config_check (&cfg, why);
  if (st != CE_OK)
    {
      snprintf (msg, CE_MSG_SIZE, "model file %s: %.180s", path, why);
      st = CE_ERR_FORMAT;
      goto out;
    }
  for (int i = 0; i < ce_checkpoint_n_lists (ckpt); i++)
    {
      const CeStringList *l = ce_checkpoint_list (ckpt, i);
      if (strcmp (l->name, "vocab") == 0 && l->n != cfg.vocab_size)
        {
          snprintf (msg, CE_MSG_SIZE, "model file %s: vocabulary list has %d entries, the "
                    "model %d", path, l->n, cfg.vocab_size);
          st = CE_ERR_FORMAT;
          goto out;
        }
    }
  {
    /* The network is allocated from the config before its tensors are
     * compared with it: the file must at least hold the embedding table
     * (V, E) and one H x H recurrent matrix, so a few KB cannot make the
     * loader ask for gigabytes (found reviewing for tests/fuzz). */
    uint64_t in_file = 0;
    for (int i = 0; i < ce_checkpoint_n_tensors (ckpt); i++)
      {
        int ndim = 0;
        int64_t shape[CE_CKPT_MAX_DIMS] = { 0 };
        uint64_t n_elem = 1;
        ce_checkpoint_tensor_at (ckpt, i, NULL, &ndim, shape);
        for (int k = 0; k < ndim; k++)
          n_elem *= (uint64_t) shape[k];
        in_file += n_elem;
      }
    uint64_t least = (uint64_t) cfg.vocab_size * (uint64_t) cfg.emb + (uint64_t) cfg.hidden * (uint64_t) cfg.hidden;
    if (in_file < least)
      {
        snprintf (msg, CE_MSG_SIZE, "model file %s: its config describes a network of at least %llu "
                  "values, but the file holds only %llu", path, (unsigned long long) least,
                  (unsigned long long) in_file);
        st = CE_ERR_FORMAT;
        goto out;
      }
  }
  model = ce_model_new (&cfg, 0, &st, msg);
  if (!model)
    goto out;
  for (int i = 0; i < model->table.n; i++)
    {
      const CeTensorInfo *info = &model->table.t[i];
      int64_t shape[CE_CKPT_MAX_DIMS] = { 0 };
      for (int k = 0; k < info->ndim; k++)
        shape[k] = info->shape[k];
      const float *data = ce_checkpoint_tensor (ckpt, info->name, info->ndim, shape, why);
      if (!data)
        {
          snprintf (msg, CE_MSG_SIZE, "model file %s: %.180s", path, why);
          st = CE_ERR_FORMAT;
          ce_model_free (model);
          model = NULL;
          goto out;
        }
      memcpy (model->params + info->offset, data, info->size * sizeof (float));
    }
  if (lists_out)
    {
      int n = 0;
      *lists_out = copy_lists (ckpt, &n);
      if (!*lists_out)
        {
          snprintf (msg, CE_MSG_SIZE, "model file %s: out of memory", path);
          st = CE_ERR_NOMEM;
          ce_model_free (model);
          model = NULL;
          goto out;
        }
      if (n_lists_out)
        *n_lists_out = n;
    }

out:
  if (status)
    *status = st;
  return model;
}

CeModel *
ce_model_load (const char *path, CeStringList **lists_out, int *n_lists_out,
               CeStatus *status, char *msg)
{
  CeStatus st = CE_OK;
  CeCheckpoint *ckpt = ce_checkpoint_read (path, &st, msg);
  if (!ckpt)
    {
      if (status)
        *status = st;
      return NULL;
    }
  CeModel *model = model_from_checkpoint (ckpt, path, lists_out, n_lists_out, status, msg);
  ce_checkpoint_free (ckpt);
  return model;
}

CeModel *
ce_model_load_buffer (const uint8_t *data, size_t size, const char *name,
                      CeStringList **lists_out, int *n_lists_out, CeStatus *status, char *msg)
{
  CeStatus st = CE_OK;
  CeCheckpoint *ckpt = ce_checkpoint_read_buffer (data, size, &st, msg);
  if (!ckpt)
    {
      if (status)
        *status = st;
      return NULL;
    }
  CeModel *model = model_from_checkpoint (ckpt, name, lists_out, n_lists_out, status, msg);
  ce_checkpoint_free (ckpt);
  return model;
}
