/* copyist-table.h — a spreadsheet read as rows of text cells.
 *
 * One reader for every input the merchant brings: CSV/TSV (RFC 4180, any
 * of the encodings below), XLSX (also strict OOXML), ODS and JSON / JSON
 * lines. The import assistant's preview and the real import call the same
 * copyist_table_read() with the same CopyistReadOptions (the preview only
 * sets max_rows), so what the merchant sees is what gets imported.
 *
 * Every cell is text exactly as the file holds it: SKU "00123", EAN
 * "4006381333931" and "2E4" stay as written; numbers typed into an
 * XLSX/ODS cell become their canonical text ("12.5"), booleans
 * "TRUE"/"FALSE", dates ISO 8601 ("2024-03-01", "2024-03-01T08:30:00").
 *
 * Hostile files are refused quickly with bounded memory: zip bombs
 * (uncompressed size and ratio limits), XML with a DTD or entities
 * (billion laughs, external entities), absurd dimensions, huge cells,
 * files that are not what their name says, truncated archives.
 *
 * Errors are COPYIST_TABLE_ERROR values whose message names the file and,
 * where it applies, the line (CSV) or row (XLSX/ODS), the column and the
 * byte offset. On error nothing is returned.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define COPYIST_TABLE_ERROR (copyist_table_error_quark ())
GQuark copyist_table_error_quark (void);

typedef enum {
  COPYIST_TABLE_ERROR_EMPTY,         /* no data at all, or no non-blank row */
  COPYIST_TABLE_ERROR_NO_DATA,       /* a header but no data rows */
  COPYIST_TABLE_ERROR_ENCODING,      /* invalid bytes for the (detected or chosen) encoding */
  COPYIST_TABLE_ERROR_SYNTAX,        /* broken quoting, bad JSON, malformed XML */
  COPYIST_TABLE_ERROR_RAGGED,        /* a row with more/fewer cells than the header */
  COPYIST_TABLE_ERROR_FORMAT,        /* not a spreadsheet we read (PNG renamed .xlsx …) */
  COPYIST_TABLE_ERROR_CORRUPT,       /* truncated or damaged archive, missing part */
  COPYIST_TABLE_ERROR_LIMIT,         /* zip bomb, too many rows/columns, cell too large */
  COPYIST_TABLE_ERROR_UNSAFE,        /* DTD / entity declarations in XML */
  COPYIST_TABLE_ERROR_NO_SHEET,      /* the requested sheet does not exist */
  COPYIST_TABLE_ERROR_INVALID_OPTION /* bad header row, unknown encoding name … */
} CopyistTableError;

typedef enum {
  COPYIST_FILE_FORMAT_UNKNOWN = 0,   /* in options: detect from the content */
  COPYIST_FILE_FORMAT_CSV,           /* CSV, TSV and other delimited text */
  COPYIST_FILE_FORMAT_XLSX,
  COPYIST_FILE_FORMAT_ODS,
  COPYIST_FILE_FORMAT_JSON,          /* a JSON array of objects, or JSON lines */
} CopyistFileFormat;

/* "csv", "xlsx", "ods", "json"; "unknown" for UNKNOWN. */
const char        *copyist_file_format_to_string   (CopyistFileFormat format);
CopyistFileFormat  copyist_file_format_from_string (const char *name);

/* Limits against hostile files; copyist_read_options_init() sets the
 * defaults, tests lower them. */
typedef struct {
  guint64 max_file_bytes;          /* on-disk size; default 1 GiB */
  guint64 max_uncompressed_bytes;  /* total inflated bytes of one zip; default 2 GiB */
  guint   max_compression_ratio;   /* inflated / on-disk, checked past 1 MiB; default 200 */
  guint   max_cell_bytes;          /* one cell; default 4 MiB */
  guint   max_columns;             /* default 16384 (Excel's own limit) */
  guint   max_rows;                /* default 2 000 000 */
} CopyistReadLimits;

typedef struct {
  CopyistFileFormat format;   /* UNKNOWN (default): detect from the content */
  const char *encoding;       /* CSV/JSON: iconv name ("GB18030", "UTF-16LE" …);
                                 NULL (default): detect */
  char        delimiter;      /* CSV: ',' ';' '\t' '|' or another ASCII byte (not a
                                 quote or line end); 0 (default): sniff */
  const char *sheet;          /* XLSX/ODS: sheet name; NULL (default): the first sheet */
  guint       skip_rows;      /* physical rows (CSV: records) skipped before anything else */
  guint       header_row;     /* 1-based physical row (CSV record) of the header;
                                 0 (default): the first non-blank row after skip_rows */
  guint       max_rows;       /* stop after this many data rows (preview); 0: all */
  CopyistReadLimits limits;
} CopyistReadOptions;

void copyist_read_options_init (CopyistReadOptions *opts /* OUT */);

typedef struct {
  const char **cells;   /* n_columns cells, never NULL (empty string for an empty cell) */
  guint        line;    /* CSV: 1-based line where the record starts; XLSX/ODS: 1-based row
                           number; JSON lines: line; JSON array: 1-based element index */
} CopyistTableRow;

typedef struct _CopyistTable CopyistTable;

struct _CopyistTable {
  /*< public, read-only >*/
  char             **headers;       /* n_columns header names (unique: a repeated or empty
                                       name gets " 2", " 3" … / "Column N"); NULL-terminated */
  guint              n_columns;
  GPtrArray         *rows;          /* CopyistTableRow*, data rows only, blank rows dropped */
  guint              header_line;   /* line/row number of the header */
  CopyistFileFormat  format;
  char              *encoding;      /* CSV/JSON: the encoding used; NULL for XLSX/ODS */
  char               delimiter;     /* CSV: the delimiter used */
  char              *sheet;         /* XLSX/ODS: the sheet read */
  char              *display_name;  /* file name for messages */
  gboolean           truncated;     /* TRUE if max_rows stopped the read early */
  /*< private >*/
  gint               ref_count;
  GStringChunk      *chunk;
};

CopyistTable *copyist_table_ref   (CopyistTable *table);
void          copyist_table_unref (CopyistTable *table);
/* Index of the column whose header is NAME (exact, then case-insensitive), or -1. */
int           copyist_table_find_column (const CopyistTable *table, const char *name);
/* The cell at ROW, COLUMN; "" when out of range. */
const char   *copyist_table_get (const CopyistTable *table, guint row, guint column);

/* Called from the reading thread with the fraction done (0..1);
 * return FALSE to cancel (the read fails with G_IO_ERROR_CANCELLED). */
typedef gboolean (*CopyistProgressFunc) (double fraction, gpointer user_data);

/* Reads FILE. OPTS may be NULL (all defaults). PROGRESS may be NULL. */
CopyistTable *copyist_table_read (GFile                    *file,
                                  const CopyistReadOptions *opts,
                                  GCancellable             *cancellable,
                                  CopyistProgressFunc       progress,
                                  gpointer                  progress_data,
                                  GError                  **error);

/* The same, from memory (tests, the clipboard); NAME is used in messages
 * and, for format detection only, its extension. */
CopyistTable *copyist_table_read_bytes (GBytes                   *bytes,
                                        const char               *name,
                                        const CopyistReadOptions *opts,
                                        GCancellable             *cancellable,
                                        GError                  **error);

/* copyist_table_read() in a worker thread; OPTS is copied. PROGRESS is
 * called from the worker thread. */
void          copyist_table_read_async  (GFile                    *file,
                                         const CopyistReadOptions *opts,
                                         GCancellable             *cancellable,
                                         CopyistProgressFunc       progress,
                                         gpointer                  progress_data,
                                         GAsyncReadyCallback       callback,
                                         gpointer                  user_data);
CopyistTable *copyist_table_read_finish (GAsyncResult *result,
                                         GError      **error);

/* What the import assistant shows before the merchant chooses. */
typedef struct {
  char  *name;
  guint  n_rows;     /* non-blank rows, header included */
} CopyistSheetInfo;

typedef struct {
  CopyistFileFormat format;
  char   *encoding;            /* CSV/JSON: detected encoding (iconv name); NULL otherwise */
  double  encoding_confidence; /* 0..1: 1 for a BOM or valid UTF-8, lower for a guess */
  char    delimiter;           /* CSV: sniffed delimiter */
  GPtrArray *sheets;           /* CopyistSheetInfo*; XLSX/ODS: every sheet; CSV/JSON: one
                                  entry named "" with the row count */
} CopyistSniffResult;

/* Fills RESULT (clear it with copyist_sniff_result_clear()). OPTS may be
 * NULL; its encoding/delimiter overrides are honoured so row counts match
 * what copyist_table_read() would return. */
gboolean copyist_sniff (GFile                    *file,
                        const CopyistReadOptions *opts,
                        CopyistSniffResult       *result /* OUT */,
                        GCancellable             *cancellable,
                        GError                  **error);
gboolean copyist_sniff_bytes (GBytes                   *bytes,
                              const char               *name,
                              const CopyistReadOptions *opts,
                              CopyistSniffResult       *result /* OUT */,
                              GCancellable             *cancellable,
                              GError                  **error);
void     copyist_sniff_result_clear (CopyistSniffResult *result);

/* The encodings the assistant offers (iconv names), NULL-terminated, static. */
const char * const *copyist_table_known_encodings (void);

/* JSON from outside (a data file, a project's stored mapping or source
 * rows): arrays and objects nest at most this deep. json-glib parses
 * recursively, so 200 000 "[" (200 KB) would overflow the stack. */
#define COPYIST_JSON_MAX_DEPTH 256

/* json_parser_load_from_data() after checking that TEXT (LEN bytes, -1:
 * NUL-terminated) nests at most COPYIST_JSON_MAX_DEPTH deep; deeper text
 * fails with COPYIST_TABLE_ERROR_LIMIT (the message gives the line),
 * invalid JSON with json-glib's error. */
gboolean copyist_json_load (JsonParser *parser, const char *text, gssize len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CopyistTable, copyist_table_unref)

G_END_DECLS
