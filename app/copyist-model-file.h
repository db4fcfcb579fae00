/* copyist-model-file.h — a model file on disk <-> a project's models
 *
 * Loading a model from disk reads the file and has the engine load it, so
 * a damaged, truncated or foreign file is refused with the file's name and
 * what is wrong before anything is written to the project; saving writes
 * a model's bytes to a file through a temporary file (an interrupted save
 * leaves no half-written model behind).
 *
 *   copyist_model_file_read()  any thread (the job pool): the checks
 *   copyist_model_file_store() main thread: adds the model to the project
 *   copyist_model_file_write() any thread (the job pool)
 */
#pragma once

#include <gio/gio.h>

#include "copyist-project.h"

G_BEGIN_DECLS

typedef struct {
  GBytes *bytes;     /* the file's contents */
  char   *name;      /* the file's name without its extension */
  char   *kind;      /* "vae" or "gan" */
  char   *language;  /* "en" or "zh": the language of its training texts */
} CopyistModelFile;

void              copyist_model_file_free  (CopyistModelFile *model);
/* FILE's model, checked by the engine; errors are
 * COPYIST_GENERATOR_ERROR_BAD_MODEL (naming the file) or GIO's. */
CopyistModelFile *copyist_model_file_read  (GFile *file, GCancellable *cancellable, GError **error);
/* Adds MODEL to PROJECT as a model for FIELD (description or adcopy). */
gboolean          copyist_model_file_store (const CopyistModelFile *model, CopyistProject *project,
                                            const char *field, gint64 *model_id /* OUT, may be NULL */,
                                            GError **error);
/* Writes BYTES (a model, e.g. copyist_project_dup_model_bytes) to FILE. */
gboolean          copyist_model_file_write (GBytes *bytes, GFile *file, GCancellable *cancellable,
                                            GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CopyistModelFile, copyist_model_file_free)

G_END_DECLS
