/* copyist-export-dialog.h — export: format, which products, where the ad copy goes */
#pragma once

#include <adwaita.h>

#include "copyist-project.h"

G_BEGIN_DECLS

#define COPYIST_TYPE_EXPORT_DIALOG (copyist_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CopyistExportDialog, copyist_export_dialog, COPYIST, EXPORT_DIALOG, AdwWindow)

/* SELECTED (gint64 ids, may be NULL or empty) is what "The selected
 * products" exports. Signal "exported" (GFile *file, const char *error):
 * emitted when a write ends; ERROR is NULL on success. */
CopyistExportDialog *copyist_export_dialog_new (GtkWindow *parent, CopyistProject *project, GArray *selected);
/* Writes to FILE with the options shown (what the Export button does after
 * the file chooser); the write runs in a worker thread. */
void                 copyist_export_dialog_export_to (CopyistExportDialog *self, GFile *file);
/* FORMAT: "csv", "xlsx", "json", "shopify", "woocommerce"; WHICH: 0 all,
 * 1 selected, 2 approved only (as the controls offer them). */
void                 copyist_export_dialog_set_choices (CopyistExportDialog *self, const char *format, guint which);
gboolean             copyist_export_dialog_get_busy (CopyistExportDialog *self);

G_END_DECLS
