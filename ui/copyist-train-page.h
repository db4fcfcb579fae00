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

G_END_DECLS
