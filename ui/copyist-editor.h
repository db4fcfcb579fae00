/* copyist-editor.h — the side-by-side editor: source row | description | ad copy */
#pragma once

#include <adwaita.h>

#include "copyist-field-editor.h"
#include "copyist-project.h"

G_BEGIN_DECLS

#define COPYIST_TYPE_EDITOR (copyist_editor_get_type ())
G_DECLARE_FINAL_TYPE (CopyistEditor, copyist_editor, COPYIST, EDITOR, AdwBin)

void                copyist_editor_set_project (CopyistEditor *self, CopyistProject *project);
/* Shows product ID (0: none). Pending hand edits of the previous product are saved first. */
void                copyist_editor_set_product (CopyistEditor *self, gint64 id);
gint64              copyist_editor_get_product (CopyistEditor *self);
/* Saves pending hand edits now (before undo, closing, switching product). */
void                copyist_editor_flush (CopyistEditor *self);
/* FIELD: COPYIST_FIELD_DESCRIPTION or COPYIST_FIELD_ADCOPY. */
CopyistFieldEditor *copyist_editor_get_field_editor (CopyistEditor *self, const char *field);

G_END_DECLS
