/* copyist-import-assistant.h — the import assistant: file, sheet, encoding,
 * delimiter, header row, a live preview, the column mapping and the problem
 * report before anything is written */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define COPYIST_TYPE_IMPORT_ASSISTANT (copyist_import_assistant_get_type ())
G_DECLARE_FINAL_TYPE (CopyistImportAssistant, copyist_import_assistant, COPYIST, IMPORT_ASSISTANT, AdwWindow)

/* The assistant never writes the project itself (it only reads the file):
 *   "lookup-mapping" (const char *format, const char *signature) → char*:
 *       the mapping JSON saved for this kind of file, or NULL;
 *   "import" (GPtrArray *records, const char *format, const char *signature,
 *             const char *mapping_json): the merchant confirmed; RECORDS
 *       (CopyistRecord*) are what to store. The handler returns TRUE when
 *       they were stored (the assistant then closes).
 * The window connects both to the project. */
CopyistImportAssistant *copyist_import_assistant_new (GtkWindow *parent);
/* Starts with FILE (as if chosen): sniff, then preview. */
void                    copyist_import_assistant_set_file (CopyistImportAssistant *self, GFile *file);

/* For tests: the number of rows in the preview (after the last refresh),
 * the number of products the last check found, and TRUE while a read runs. */
guint                   copyist_import_assistant_get_preview_rows (CopyistImportAssistant *self);
gboolean                copyist_import_assistant_get_busy (CopyistImportAssistant *self);
/* The mapping as JSON (copyist_mapping_to_json), NULL before a preview. */
char                   *copyist_import_assistant_dup_mapping_json (CopyistImportAssistant *self);
/* The report text shown under the preview. */
const char             *copyist_import_assistant_get_report (CopyistImportAssistant *self);
/* Overrides, as the controls set them: ENCODING NULL = detected;
 * DELIMITER 0 = sniffed; HEADER_ROW 0 = first non-blank row. */
void                    copyist_import_assistant_set_options (CopyistImportAssistant *self,
                                                              const char *encoding, char delimiter,
                                                              guint header_row);

G_END_DECLS
