/* copyist-train-page.h — train a model on the project: settings, live loss
 * plot, progress and ETA, cancel, the held-out summary, the models */
#pragma once

#include <adwaita.h>

#include "copyist-loss-plot.h"
#include "copyist-project.h"

G_BEGIN_DECLS

#define COPYIST_TYPE_TRAIN_PAGE (copyist_train_page_get_type ())
G_DECLARE_FINAL_TYPE (CopyistTrainPage, copyist_train_page, COPYIST, TRAIN_PAGE, AdwBin)

void             copyist_train_page_set_project (CopyistTrainPage *self, CopyistProject *project);
CopyistLossPlot *copyist_train_page_get_plot    (CopyistTrainPage *self);
/* TRUE while a training job runs. Property "running" notifies. */
gboolean         copyist_train_page_get_running (CopyistTrainPage *self);
/* A model file to the project (FIELD: description or adcopy) / a project's
 * model to a file, each as a job in the pool; the file choosers of the
 * actions train.load-model and train.save-model(x) end here. */
void             copyist_train_page_load_model  (CopyistTrainPage *self, GFile *file, const char *field);
void             copyist_train_page_save_model  (CopyistTrainPage *self, gint64 model_id, GFile *file);
/* Loads and saves still running (property "file-jobs" notifies), and the
 * last one's error message (NULL after a success). */
guint            copyist_train_page_get_file_jobs  (CopyistTrainPage *self);
const char      *copyist_train_page_get_file_error (CopyistTrainPage *self);

G_END_DECLS
