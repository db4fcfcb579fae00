/* copyist-model-file.c — a model file on disk <-> a project's models */
#include "config.h"

#include <glib/gi18n.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "copyist-generator.h"
#include "copyist-model-file.h"

void
copyist_model_file_free (CopyistModelFile *model)
{
  if (model == NULL)
    return;
  g_clear_pointer (&model->bytes, g_bytes_unref);
  g_free (model->name);
  g_free (model->kind);
  g_free (model->language);
  g_free (model);
}

/* Checks BYTES with the engine, in memory: what is checked is exactly what
 * will be stored. NAME labels the engine's messages; the caller names the
 * user's file itself, so a leading "NAME: " is dropped from MSG. */
static CeCopywriter *
load_bytes (GBytes *bytes, const char *name, char *msg, CeStatus *status)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  CeCopywriter *cw = ce_copywriter_load_buffer (data, size, name, status, msg);
  gsize n = strlen (name);

  if (cw == NULL && strncmp (msg, name, n) == 0 && strncmp (msg + n, ": ", 2) == 0)
    memmove (msg, msg + n + 2, strlen (msg + n + 2) + 1);
  return cw;
}

CopyistModelFile *
copyist_model_file_read (GFile *file, GCancellable *cancellable, GError **error)
{
  g_autoptr(CopyistModelFile) model = g_new0 (CopyistModelFile, 1);
  g_autofree char *display = g_file_get_parse_name (file);
  g_autofree char *basename = g_file_get_basename (file);
  char *contents = NULL;
  gsize len = 0;
  char msg[CE_MSG_SIZE] = "";
  CeStatus status = CE_OK;
  CeCopywriter *cw;
  CeModelKind kind;
  char *dot;

  if (!g_file_load_contents (file, cancellable, &contents, &len, NULL, error))
    return NULL;
  model->bytes = g_bytes_new_take (contents, len);
  if (len == 0)
    {
      g_set_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_BAD_MODEL,
                   _("%s is empty: it is not a Copyist model"), display);
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  cw = load_bytes (model->bytes, display, msg, &status);
  if (cw == NULL)
    {
      g_set_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_BAD_MODEL,
                   status == CE_ERR_VERSION ? _("%s was made by a newer Copyist: %s")
                                            : _("%s is not a Copyist model or is damaged: %s"),
                   display, msg);
      return NULL;
    }
  kind = ce_model_get_config (ce_copywriter_model (cw))->kind;
  if (kind != CE_MODEL_CVAE && kind != CE_MODEL_ARAE)
    {
      g_set_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_BAD_MODEL,
                   _("%s is a plain sequence-to-sequence model; a project uses VAE or GAN models"), display);
      ce_copywriter_free (cw);
      return NULL;
    }
  model->kind = g_strdup (copyist_model_kind_to_string (kind));
  model->language = g_strdup (ce_copywriter_language (cw));
  ce_copywriter_free (cw);
  if ((dot = strrchr (basename, '.')) != NULL && dot != basename)
    *dot = '\0';
  model->name = g_strdup (basename);
  return g_steal_pointer (&model);
}

gboolean
copyist_model_file_store (const CopyistModelFile *model, CopyistProject *project, const char *field,
                          gint64 *model_id, GError **error)
{
  g_return_val_if_fail (model != NULL && model->bytes != NULL, FALSE);
  return copyist_project_add_model (project, model->name, model->kind, field, model->language, model->bytes,
                                    NULL, model_id, error);
}

gboolean
copyist_model_file_write (GBytes *bytes, GFile *file, GCancellable *cancellable, GError **error)
{
  g_autofree char *path = g_file_get_path (file);

  g_return_val_if_fail (bytes != NULL, FALSE);
  if (path == NULL)
    /* Not a local file: GIO writes a temporary file beside it and renames it. */
    return g_file_replace_contents (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL, FALSE,
                                    G_FILE_CREATE_REPLACE_DESTINATION, NULL, cancellable, error);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  /* A crash or power cut leaves the old file or the new one, never half of
   * one: temporary file, fsync, rename (DURABLE fsyncs a new file too), then
   * the folder fsynced so the rename itself is on disk. */
  if (!g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes),
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0666, error))
    return FALSE;
  {
    g_autofree char *dir = g_path_get_dirname (path);
    int dfd = g_open (dir, O_RDONLY | O_DIRECTORY, 0);
    if (dfd >= 0)
      {
        (void) fsync (dfd);   /* best effort: some file systems refuse it */
        close (dfd);
      }
  }
  return TRUE;
}
