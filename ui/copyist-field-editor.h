/* copyist-field-editor.h — one text field of a product in the editor:
 * the text (description; or ad copy headline + body with live counters),
 * its variants, lock, approve, the fact check's marks, and hand edits saved
 * as you type (debounced; one undo step per pause). */
#pragma once

#include <adwaita.h>

#include "copyist-project.h"

G_BEGIN_DECLS

#define COPYIST_TYPE_FIELD_EDITOR (copyist_field_editor_get_type ())
G_DECLARE_FINAL_TYPE (CopyistFieldEditor, copyist_field_editor, COPYIST, FIELD_EDITOR, AdwBin)

/* Milliseconds of quiet after the last keystroke before a hand edit is saved. */
#define COPYIST_FIELD_EDITOR_SAVE_DELAY_MS 700

/* Property "field": COPYIST_FIELD_DESCRIPTION or COPYIST_FIELD_ADCOPY (construct-only). */
const char    *copyist_field_editor_get_field   (CopyistFieldEditor *self);
void           copyist_field_editor_set_project (CopyistFieldEditor *self, CopyistProject *project);
/* Shows product ID's field (0: none); saves pending edits first. */
void           copyist_field_editor_set_product (CopyistFieldEditor *self, gint64 id);
/* Re-reads the field from the project unless a hand edit is pending. */
void           copyist_field_editor_reload      (CopyistFieldEditor *self);
/* Saves a pending hand edit now. */
void           copyist_field_editor_flush       (CopyistFieldEditor *self);
/* The text as shown: the description, or "headline\nbody" for ad copy. */
char          *copyist_field_editor_dup_text    (CopyistFieldEditor *self);
/* The buffer the merchant types in (the body for ad copy). */
GtkTextBuffer *copyist_field_editor_get_buffer  (CopyistFieldEditor *self);
/* Ad copy only: the headline entry (NULL for the description). */
GtkEditable   *copyist_field_editor_get_headline (CopyistFieldEditor *self);
/* Character limits for ad copy (headline, body); a CJK character counts as one. */
void           copyist_field_editor_set_limits  (CopyistFieldEditor *self, guint headline, guint body);
/* Marks every occurrence of VALUE (case-insensitive) in the text; NULL clears.
 * The editor calls this while the pointer is over an attribute. */
void           copyist_field_editor_highlight   (CopyistFieldEditor *self, const char *value);
/* The variant shown (1-based) and the number of variants, e.g. for "2 / 5". */
void           copyist_field_editor_get_variant_position (CopyistFieldEditor *self,
                                                          guint *position /* OUT */,
                                                          guint *n_variants /* OUT */);
/* Sets the fact check's findings for the text shown: INVENTED are
 * attribute-key / character-range triples ("color", start, end in
 * characters of the shown text) underlined in red with a tooltip naming the
 * attribute; MISSING (NULL-terminated attribute keys, or "key: value"
 * as the checker gives them) are listed under the text by the attributes'
 * names. Both NULL clear. */
void           copyist_field_editor_set_fact_check (CopyistFieldEditor *self,
                                                    const char *const *invented_keys,
                                                    const int          *invented_ranges /* 2 per key */,
                                                    const char *const *missing_keys);
/* The fact checker used to mark the text shown (borrowed; NULL: no marks).
 * The editor owns it and sets it again after it is rebuilt. */
typedef struct _CopyistChecker CopyistChecker;
void           copyist_field_editor_set_checker (CopyistFieldEditor *self, CopyistChecker *checker);
/* The number of invented-value marks currently shown, and the missing list text. */
guint          copyist_field_editor_get_n_invented (CopyistFieldEditor *self);
/* The tooltip shown at X, Y (text view widget coordinates): on an invented
 * value, one naming the attribute it claims; NULL elsewhere. */
char          *copyist_field_editor_dup_tooltip_at (CopyistFieldEditor *self, int x, int y);
/* The text view (for tests: its buffer tags "invented" and "highlight"). */
GtkTextView   *copyist_field_editor_get_text_view (CopyistFieldEditor *self);
/* The "Not mentioned: …" label under the text (hidden when nothing is missing). */
GtkLabel      *copyist_field_editor_get_missing_label (CopyistFieldEditor *self);
/* Counts characters the way the limits do (one per Unicode character). */
guint          copyist_count_chars (const char *text);

G_END_DECLS
