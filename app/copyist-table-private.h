/* copyist-table-private.h — shared by the readers behind copyist-table.h:
 * copyist-table.c (dispatch, rows → table), copyist-table-text.c (encodings,
 * CSV, JSON), copyist-table-zip.c (zip limits, XLSX), copyist-table-ods.c. */
#pragma once

#include <libxml/parser.h>

#include "copyist-table.h"

G_BEGIN_DECLS

/* A row as a reader delivers it, before the header is chosen. The public
 * part comes first so a RawRow* is a CopyistTableRow*. */
typedef struct {
  CopyistTableRow pub;
  guint           number;    /* CSV: 1-based record index; XLSX/ODS: row number */
  guint           n_cells;   /* stored cells (trailing empty ones are not stored) */
  guint           n_given;   /* cells the reader delivered (CSV shape check) */
  const char     *storage[]; /* n_cells cells; pub.cells points here */
} RawRow;

typedef struct {
  guint r1, c1, r2, c2;      /* 1-based row numbers, 0-based columns, inclusive */
} TableMerge;

typedef struct {
  const CopyistReadOptions *opts;
  const char   *name;        /* display name for messages */
  GStringChunk *chunk;
  GPtrArray    *rows;        /* RawRow* */
  GArray       *merges;      /* TableMerge */
  guint         wanted;      /* stop after this many useful rows (preview); 0: all */
  guint         useful;      /* non-blank rows at or after the header position */
  gboolean      stopped;     /* TRUE once WANTED was reached */
  gboolean      count_only;  /* sniff: count non-blank rows, keep nothing */
  guint         counted;
  GCancellable *cancellable;
  CopyistProgressFunc progress;
  gpointer      progress_data;
  gint64        last_progress_us;
  CopyistReadOptions fixed_opts; /* JSON: the options with skip/header cleared */
} TableBuilder;

void     table_builder_init  (TableBuilder *b, const CopyistReadOptions *opts, const char *name,
                              GCancellable *cancellable, CopyistProgressFunc progress,
                              gpointer progress_data);
void     table_builder_clear (TableBuilder *b);
/* Adds a row of N cells (NULL or "" = empty; LENS may be NULL). Returns
 * FALSE with ERROR set on a limit, or FALSE without error when enough rows
 * were read (b->stopped). */
gboolean table_builder_add_row (TableBuilder *b, guint number, guint line,
                                const char * const *cells, const gsize *lens, guint n,
                                GError **error);
gboolean table_builder_add_repeated_row (TableBuilder *b, guint first, guint repeat,
                                         const char * const *cells, const gsize *lens, guint n,
                                         GError **error);
/* Polls cancellation and reports progress (throttled). */
gboolean table_builder_tick (TableBuilder *b, double fraction, GError **error);
/* Chooses the header, checks the shape and builds the table. RAGGED_STRICT:
 * rows must have exactly the header's width (CSV); otherwise short rows
 * are padded (XLSX/ODS/JSON). */
CopyistTable *table_builder_finish (TableBuilder *b, CopyistFileFormat format,
                                    gboolean ragged_strict, const char *unit,
                                    GError **error);

/* Canonical text of a spreadsheet number ("12.5", "4006381333931", "1E+20"). */
void table_format_number (const char *raw, GString *out);

/* "A", "B" … "AA" for column index C (0-based). */
void table_column_letters (guint c, char buf[8]);

/* copyist-table-text.c */
typedef struct {
  char    *encoding;      /* iconv name */
  double   confidence;
  gsize    bom_len;
} TextEncodingGuess;

void     text_guess_encoding (const guint8 *data, gsize len, TextEncodingGuess *guess /* OUT */);
/* Decodes DATA from ENCODING (after the BOM) into UTF-8; *OUT_OWNED is the
 * allocated buffer (NULL when DATA was already UTF-8 and is used in place). */
gboolean text_decode (const guint8 *data, gsize len, gsize base_offset, const char *encoding,
                      const char *name, const char **out, gsize *out_len, char **out_owned,
                      GError **error);
char     csv_sniff_delimiter (const char *text, gsize len);
gboolean csv_parse (TableBuilder *b, const char *text, gsize len, char delimiter, GError **error);
gboolean json_parse_rows (TableBuilder *b, const char *text, gsize len, GError **error);

/* copyist-table-zip.c */
typedef enum {
  ZIP_KIND_NOT_ZIP,
  ZIP_KIND_XLSX,
  ZIP_KIND_ODS,
  ZIP_KIND_OTHER,
} ZipKind;

ZipKind  zip_identify (const guint8 *data, gsize len, char **what /* OUT: describes OTHER */);
/* Reads SHEET (NULL: the first) of an XLSX into B; *SHEET_USED gets its name.
 * With B->count_only and SHEETS non-NULL, fills SHEETS with every sheet. */
gboolean xlsx_read (TableBuilder *b, const guint8 *data, gsize len, const char *sheet,
                    char **sheet_used, GPtrArray *sheets, GError **error);
gboolean ods_read  (TableBuilder *b, const guint8 *data, gsize len, const char *sheet,
                    char **sheet_used, GPtrArray *sheets, GError **error);

/* Zip member access with the read limits, used by both readers. */
typedef struct _ZipReader ZipReader;
struct _ZipReader {
  struct archive *a;
  const guint8   *data;
  gsize           len;
  TableBuilder   *b;
  guint64         inflated;      /* all members read so far */
  gint64          member_size;   /* declared size of the current member, or -1 */
  char           *member;
};
ZipReader *zip_reader_open  (const guint8 *data, gsize len, TableBuilder *b, GError **error);
void       zip_reader_free  (ZipReader *z);
/* Finds member PATH; FALSE (no error) when absent. */
gboolean   zip_reader_find  (ZipReader *z, const char *path, gboolean *found, GError **error);
/* Reads the current member into memory (small parts). */
GBytes    *zip_reader_slurp (ZipReader *z, const char *path, GError **error);
/* Every SAX reader's state starts with this, so the shared safety
 * handlers can stop the parser with a message. */
typedef struct {
  xmlParserCtxtPtr ctxt;
  GError          *error;      /* first error raised by a handler */
  const char      *file;       /* display name */
  const char      *part;       /* member name */
  TableBuilder    *builder;
} SaxBase;

/* Raises an error from a handler and stops the parser. */
void       sax_fail (SaxBase *base, int code, const char *format, ...) G_GNUC_PRINTF (3, 4);
/* Streams the current member through a SAX push parser set up by
 * xml_sax_make_safe(); the handlers get BASE as user data. */
gboolean   zip_reader_sax   (ZipReader *z, const char *path, xmlSAXHandler *sax, SaxBase *base,
                             GError **error);
/* Parses an in-memory part with SAX (same safety settings). */
gboolean   xml_sax_parse_bytes (GBytes *bytes, const char *path, xmlSAXHandler *sax, SaxBase *base,
                                GError **error);
/* The value of attribute LOCAL of a SAX2 start tag: copied into BUF
 * (truncated to SIZE), or duplicated; NULL when absent. */
const char *sax_attr_value (const xmlChar **attrs, int n, const char *local, char *buf, gsize size);
char       *sax_attr_dup   (const xmlChar **attrs, int n, const char *local);
/* Initialises SAX as a SAX2 handler whose DTD/entity handlers refuse. */
void       xml_sax_make_safe (xmlSAXHandler *sax);

G_END_DECLS
